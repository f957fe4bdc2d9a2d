// The image viewer of the reading room: axial view with linked coronal and sagittal reformats, crosshair,
// window/level, zoom and pan. Every user action arrives as a named command (see bindings.h).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SDL.h>
#include <imgui.h>

#include "gui/bindings.h"
#include "gui/plane_renderer.h"
#include "gui/view_geometry.h"
#include "imaging/volume.h"
#include "imaging/window.h"

namespace polysim::gui {

// What the three views show: the crosshair (voxel index; the slice each view shows passes through it), the window,
// and each view's framing (zoom, and the in-plane point at the view's centre, LPS mm as session::SetPan has it; none:
// the image centred). In the reading room it is the session's view (the viewer keeps no copy of it); the authoring
// screen, which has no session, lets the viewer keep its own.
struct ViewerLook {
    glm::dvec3 cursor{0.0};
    imaging::Window window{400, 40};
    std::array<double, 3> zoom{1.0, 1.0, 1.0};
    std::array<std::optional<glm::dvec2>, 3> centreMm{};
    Plane big = Plane::Axial;  // the plane in the big view, the other two stacked beside it
    bool operator==(const ViewerLook&) const = default;
};

// A change the trainee made in one view, as the viewer would show it: its owner turns it into session commands (the
// reading room) or the viewer keeps it (authoring).
struct ViewerChange {
    Plane plane = Plane::Axial;  // the plane that changed (or the one the user is reading)
    int sliceIndex = 0;          // index along that plane's normal voxel axis
    int imageNumber = 1;         // 1-based, as the viewer shows it (axial: counted from the head)
    glm::dvec3 cursorLps{0.0};   // crosshair in patient mm
    imaging::Window window;
    double zoom = 1;  // that plane's framing
    std::optional<glm::dvec2> centreMm;
    Plane big = Plane::Axial;  // the plane in the big view
};

// A labelled band along the patient's S axis ("Chest: lungs"), shown next to the slice number.
struct RegionBand {
    std::string label;
    double zFromMm = 0, zToMm = 0;
};

class Viewer {
public:
    void createGl();  // after the GL context exists
    void destroyGl();

    void setVolume(std::shared_ptr<const imaging::Volume> volume, std::string seriesLabel);
    // The same series' image, more of it made (the scout growing as it is generated): same geometry, the look kept.
    void refreshVolume(std::shared_ptr<const imaging::Volume> volume);
    const imaging::Volume* volume() const { return volume_.get(); }
    void setRegions(std::vector<RegionBand> regions) { regions_ = std::move(regions); }
    void setDefaultWindow(imaging::Window w) { defaultWindow_ = w; }
    // Where the views' look comes from: the reading room's session. Without a source the viewer keeps its own look.
    std::function<ViewerLook()> lookSource;
    // The look the views show now, its crosshair rounded to a voxel of the volume.
    ViewerLook look() const;
    // The big view's share of the viewer's width (the reformats stack in the rest); takes effect at the next layout.
    void setBigShare(double share) { bigShare_ = share; }
    // Trainee's marks (LPS mm + label), drawn where they cut the shown planes.
    void setMarks(std::vector<std::pair<glm::dvec3, std::string>> marks) { marks_ = std::move(marks); }
    // Without labels, marks are small rings at their positions (for screens that label them some other way).
    void setMarkLabels(bool shown) { markLabels_ = shown; }
    // Images of the series that have not "arrived" in the scenario yet are withheld: only the first `count`
    // images from the top of the axial stack show (-1: all).
    void setArrivedImages(int count) { arrivedImages_ = count; }
    bool sliceArrived(int k) const;

    // Runs a named command in `plane` (the hovered view for mouse input, the active view for keys).
    // `amount` is the wheel notches or drag pixels (dx, dy). Returns false for commands the viewer does not know.
    bool execute(std::string_view command, Plane plane, glm::dvec2 amount = {1.0, 0.0}, glm::dvec2 mousePx = {});
    // Feeds one SDL event through the bindings. Ignored when ImGui wants that input.
    // Returns the command name it ran, or empty.
    std::string handleEvent(const SDL_Event& e, const Bindings& bindings, bool imguiWantsMouse,
                            bool imguiWantsKeyboard);

    // Places the three views inside `min`..`min+size` (display pixels): axial left, reformats stacked right.
    void layout(glm::dvec2 min, glm::dvec2 size);
    // Adds the planes (as GL callbacks) and overlays (crosshair, labels, HU readout) to `list`.
    void draw(ImDrawList* list);
    // Uploads the textures the next draw needs. Returns true when a CT image is on screen.
    bool prepareFrame();

    // The look, part by part. setCursor and setWindow change the viewer's own look (a viewer without a source).
    glm::dvec3 cursor() const { return look().cursor; }  // voxel index of the crosshair
    void setCursor(glm::dvec3 ijk);
    imaging::Window window() const { return look().window; }
    void setWindow(imaging::Window w);
    Plane activePlane() const { return active_; }
    // The plane in the big view (the others stacked beside it); "view.swap" turns it axial, coronal, sagittal.
    Plane bigPlane() const { return look().big; }
    // The two planes beside it, upper then lower.
    std::array<Plane, 2> sidePlanes() const {
        const Plane big = bigPlane();
        return {big == Plane::Axial ? Plane::Coronal : Plane::Axial,
                big == Plane::Sagittal ? Plane::Coronal : Plane::Sagittal};
    }
    ViewerChange state(Plane plane) const;
    int sliceCount(Plane plane) const;
    int imageNumber(Plane plane) const;
    std::vector<std::string> regionsAt(double zMm) const;
    std::string regionAt(double zMm) const;  // the regions' labels, " / " between them
    // The axial view's header under its first line, as drawn: the series, the z position and the regions there,
    // each line within the view's width (in the current ImGui font; call inside a frame).
    std::vector<std::string> axialHeader() const;
    double zoom(Plane p) const { return look().zoom[int(p)]; }
    // How far the image of view `p` is moved from centred, display pixels.
    glm::dvec2 pan(Plane p) const { return panPx(p, look()); }

    // Under the mouse: the view, voxel, HU and patient position (empty when the mouse is off the images).
    struct Probe {
        Plane plane;
        glm::ivec3 voxel;
        int hu;  // meaningless where the image has not arrived
        glm::dvec3 lps;
        bool arrived = true;  // the image under the mouse has arrived (and been read)
    };
    std::optional<Probe> probe(glm::dvec2 px) const;
    std::optional<Plane> viewAt(glm::dvec2 px) const;
    ImageRect imageRect(Plane p) const;
    // The view's own rectangle in display pixels (empty for a view that is not shown).
    ImageRect viewBounds(Plane p) const { return {views_[int(p)].min, views_[int(p)].min + views_[int(p)].size}; }
    // Pixels <-> patient mm on the plane `p` shows now (through the crosshair), for overlays drawn in patient terms.
    PlaneFrame frame(Plane p) const;
    // Last mouse position the viewer saw, in display pixels.
    glm::dvec2 mouse() const { return mouse_; }

    // Called for every change of slice, crosshair, window, zoom or pan the trainee makes (with a source, the change
    // shows once the source has it).
    std::function<void(const ViewerChange&, std::string_view command)> onChange;

private:
    struct View {
        PlaneMapping mapping;
        glm::dvec2 min{0.0}, size{0.0};
        PlaneTexture texture;
        PlaneDraw draw;
        int uploadedIndex = -1;
        int uploadedReady = -1;
        int framesSinceUpload = 0;
    };
    ViewerChange changeOf(Plane p, const ViewerLook& k) const;
    // Where view `p` would show images that have not arrived yet: a dark blue hatch, so they never pass for air.
    void drawNotArrived(ImDrawList* l, Plane p, const ImageRect& image, const ViewerLook& look) const;
    void moveSlice(ViewerLook& k, Plane p, int images) const;
    void zoomAbout(ViewerLook& k, Plane p, double factor, glm::dvec2 px) const;
    glm::dvec3 clampedCursor(glm::dvec3 ijk) const;
    ImageRect imageRect(Plane p, const ViewerLook& k) const;
    glm::dvec2 panPx(Plane p, const ViewerLook& k) const;
    // The framing centre of view `p` shown at `zoom` moved `panPx` from centred (none: whole and centred).
    std::optional<glm::dvec2> centreOf(Plane p, const ViewerLook& k, double zoom, glm::dvec2 panPx) const;
    int imageNumber(Plane p, const ViewerLook& k) const;
    std::optional<Probe> probe(glm::dvec2 px, const ViewerLook& k) const;

    std::shared_ptr<const imaging::Volume> volume_;
    std::string seriesLabel_;
    std::vector<RegionBand> regions_;
    std::vector<std::pair<glm::dvec3, std::string>> marks_;
    bool markLabels_ = true;
    int arrivedImages_ = -1;
    std::optional<Plane> single_;  // a projection image shown alone
    glm::dvec2 lastLayoutMin_{0.0}, lastLayoutSize_{0.0};
    PlaneProgram program_;
    std::array<View, 3> views_;
    std::vector<int16_t> scratch_;
    ViewerLook own_;  // the look without a source
    imaging::Window defaultWindow_{400, 40};
    double bigShare_ = 0.62;
    Plane active_ = Plane::Axial;
    // Drag in progress.
    std::string dragCommand_;
    Plane dragPlane_ = Plane::Axial;
    glm::dvec2 lastMouse_{0.0};
    glm::dvec2 mouse_{-1.0};
};

}  // namespace polysim::gui

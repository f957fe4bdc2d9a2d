// Authoring on the images: findings' extent boxes drawn and dragged in the three views, region limits dragged on
// the coronal and sagittal views. The geometry is in small pure functions (patient mm <-> view pixels through a
// PlaneFrame) so it is tested without a window; AuthoringCanvas turns mouse events into edits of the model.
#pragma once

#include <optional>
#include <vector>

#include <SDL.h>
#include <imgui.h>

#include "gui/authoring_context.h"
#include "gui/bindings.h"
#include "gui/view_geometry.h"
#include "scenario/scenario.h"

namespace polysim::gui {

// A finding's extent: an axis-aligned box in patient mm.
struct FindingBox {
    glm::dvec3 centreLps{0.0};
    glm::dvec3 extentMm{10.0};
};

// A rectangle in display pixels, min at the top left.
struct PixelRect {
    glm::dvec2 min{0.0}, max{0.0};
    glm::dvec2 size() const { return max - min; }
    bool contains(glm::dvec2 p) const { return p.x >= min.x && p.y >= min.y && p.x <= max.x && p.y <= max.y; }
};

// Where the box cuts the shown plane, in view pixels; empty when the plane misses the box. A box thinner than a
// slice shows on the slice nearest to it.
std::optional<PixelRect> boxInView(const FindingBox& box, const PlaneFrame& frame);

// What part of a box outline the mouse holds: edges (screen left/right/top/bottom, two at a corner) resize,
// `inside` moves.
struct BoxGrip {
    bool left = false, right = false, top = false, bottom = false, inside = false;
    bool edge() const { return left || right || top || bottom; }
    bool any() const { return edge() || inside; }
};
BoxGrip gripAt(const PixelRect& rect, glm::dvec2 px, double tolerancePx);

// The box after dragging `grip` from `fromPx` to `toPx` in the view of `frame`: moving shifts the centre in the
// view's two axes; an edge moves that side of the box. Edges snap to whole mm; a box never gets thinner than 1 mm.
FindingBox dragBox(const FindingBox& start, const PlaneFrame& frame, BoxGrip grip, glm::dvec2 fromPx, glm::dvec2 toPx);

// A new finding's box from a rectangle dragged between `aPx` and `bPx`: the rectangle in the view's two axes
// (snapped to whole mm), centred on the shown slice in the third, as deep as the smaller drawn side.
FindingBox boxFromDrawnRect(const PlaneFrame& frame, glm::dvec2 aPx, glm::dvec2 bPx);

// A region limit line under the mouse: region index and which limit (upper = zTo, the superior one).
struct LimitGrip {
    int region = -1;
    bool upper = false;
    bool any() const { return region >= 0; }
};
// Every limit line within `tolerancePx` of `px`, nearest first (region order among lines at the same height). Only
// for views where S runs down.
std::vector<LimitGrip> limitsAt(const std::vector<scenario::Region>& regions, const PlaneFrame& frame, glm::dvec2 px,
                                double tolerancePx);
// The limit a press at `px` takes: the `preferred` (selected) region's when it has one there, so the selected region
// can be pulled off a limit it shares with a neighbour; else the nearest.
LimitGrip limitAt(const std::vector<scenario::Region>& regions, const PlaneFrame& frame, glm::dvec2 px,
                  double tolerancePx, int preferred = -1);
// The region a click on a limit line selects: where several limits lie under the mouse, each click takes the next
// one after the region selected (`selected`), so repeated clicks go round them; else the one the press took.
int regionAfterClick(const std::vector<LimitGrip>& underMouse, int selected, int pressed);

// A region's name where room is short (limit labels, the axial view's header): its label when that is short
// ("Head"), else its id in words ("Chest lungs" for chest_lungs, labelled "Chest: lungs and pleura").
std::string regionShortName(const scenario::Region& region);

// Vertical places (top y) for labels `height` tall wished at `wishes` (top y each), inside [top, bottom]: none
// overlapping, in the order of their wishes, each as near its wish as the others allow. A label that cannot fit
// (more labels than room) gets nullopt.
std::vector<std::optional<double>> stackLabels(const std::vector<double>& wishes, double height, double top,
                                               double bottom);
// Moves one limit to `zMm`, snapped to whole mm, never closer than 1 mm to the region's other limit.
void moveLimit(scenario::Region& region, bool upper, double zMm);

// The mouse cursor that says what a drag would do.
ImGuiMouseCursor cursorFor(BoxGrip grip);

class AuthoringCanvas {
public:
    enum class Tool { Edit, DrawBox };

    // Returns true when the canvas used the event (the viewer then does not see it).
    bool handleEvent(const SDL_Event& e, AuthoringContext& ctx, bool imguiWantsMouse);
    // Overlays on top of the viewer's images.
    void draw(ImDrawList* list, AuthoringContext& ctx);
    // The canvas tools, shown in the authoring panel.
    void drawTools(AuthoringContext& ctx);

    Tool tool() const { return tool_; }
    void setTool(Tool t) { tool_ = t; }
    bool regionLinesShown() const { return showRegions_; }
    void showRegionLines(bool show) { showRegions_ = show; }
    // The cursor for what lies under the mouse now (Arrow when nothing there can be dragged).
    ImGuiMouseCursor hoverCursor(AuthoringContext& ctx) const;

    bool dragging() const { return drag_ != Drag::None; }
    // The names beside the region limits as the last draw wrote them (display pixels), for the tests.
    struct LimitLabel {
        int region = -1;
        std::string text;
        ImVec2 min, max;
    };
    const std::vector<LimitLabel>& limitLabels() const { return limitLabels_; }
    // Puts back what the drag in progress changed and ends it (Escape, or a question that takes the mouse away).
    void cancelDrag(AuthoringContext& ctx);

private:
    enum class Drag { None, Draw, Box, Limit };
    struct Hit {
        Drag kind = Drag::None;
        int finding = -1;
        BoxGrip grip;
        LimitGrip limit;
    };
    Hit hitAt(AuthoringContext& ctx, Plane plane, glm::dvec2 px) const;
    void applyDrag(AuthoringContext& ctx, glm::dvec2 px);
    void finishDrag(AuthoringContext& ctx, glm::dvec2 px);
    void drawRegionLimits(ImDrawList* list, AuthoringContext& ctx, Plane plane) const;
    mutable std::vector<LimitLabel> limitLabels_;
    int selectedBeforePress_ = -1;  // the selected region when a limit was pressed, for clicks that go round

    Tool tool_ = Tool::Edit;
    bool showRegions_ = true;
    glm::dvec2 mouse_{-1.0};
    // Drag in progress.
    Drag drag_ = Drag::None;
    Plane dragPlane_ = Plane::Axial;
    PlaneFrame dragFrame_;  // the frame at the press: the box follows the mouse even when the view changes
    glm::dvec2 pressPx_{0.0};
    bool moved_ = false;  // past the few pixels that tell a drag from a click
    int dragFinding_ = -1;
    BoxGrip dragGrip_;
    FindingBox startBox_;
    LimitGrip dragLimit_;
    double startLimitMm_ = 0;
};

// What the authoring screen is asked to do after an event it cannot do itself. FinishTypingFirst: the event saves
// or quits while a field is typed in; the screen ends the typing (an id is renamed when its field is left) and
// routes the event again after the next frame, so what is saved, or asked about, holds what was typed.
enum class AuthoringRequest { None, Save, FinishTypingFirst };

// Routes one event of the authoring screen. Escape goes to the canvas first, where it cancels a drag, then closes the
// quit question; it never quits, since an author presses it to leave a field or a menu. Ctrl+Q and closing the window
// ask to quit, and Ctrl+S to save; both cancel a drag first, so a question cannot swallow the drag's mouse-up. While
// the quit question is open nothing reaches the images; otherwise the canvas sees the event, then the viewer.
AuthoringRequest routeAuthoringEvent(const SDL_Event& e, AuthoringContext& ctx, AuthoringCanvas& canvas,
                                     QuitGuard& quit, const Bindings& bindings, bool imguiWantsMouse,
                                     bool imguiWantsKeyboard, bool imguiWantsText = false);

}  // namespace polysim::gui

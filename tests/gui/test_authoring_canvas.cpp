// Authoring on the images: a finding drawn as a rectangle on a view gets that extent in patient mm, boxes are moved
// and resized by their outline, region limits are dragged on the coronal view, and the overlays show in a real
// `polysim author` screenshot. Mouse input is synthetic SDL events into the canvas, over a viewer laid out on a
// small volume built here (layout and hit testing need no GL).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <SDL.h>
#include <imgui.h>
#include <stb_image.h>

#include "gui/authoring_canvas.h"
#include "scenario/loader.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::gui;
namespace fs = std::filesystem;

namespace {
// 128 x 128 x 40 voxels of 2 mm, centred on the origin: x -127..127, y -127..127, z -39..39 mm (LPS).
std::shared_ptr<imaging::Volume> testVolume() {
    imaging::VolumeGeometry g;
    g.dims = {128, 128, 40};
    g.spacing = {2.0, 2.0, 2.0};
    g.origin = -(glm::dvec3(g.dims - 1) * g.spacing) * 0.5;
    auto v = std::make_shared<imaging::Volume>(g, int16_t(40));
    v->markAllReady();
    return v;
}

scenario::Scenario twoRegions() {
    scenario::Scenario s;
    scenario::Region chest;
    chest.id = "chest", chest.label = "Chest", chest.zFromMm = -10, chest.zToMm = 30;
    scenario::Region abdomen;
    abdomen.id = "abdomen", abdomen.label = "Abdomen", abdomen.zFromMm = -36, abdomen.zToMm = -10;
    s.regions = {chest, abdomen};
    s.readingOrder = {"chest", "abdomen"};
    return s;
}

// A viewer, a model and a canvas wired as the authoring screen wires them.
struct Screen {
    Viewer viewer;
    AuthoringModel model{twoRegions(), "unused.toml"};
    AuthoringSelection selection;
    AuthoringWidgetState widgets;
    AuthoringCanvas canvas;
    Screen() {
        viewer.setVolume(testVolume(), "test");
        viewer.layout({0, 0}, {1000, 600});
        viewer.setCursor({64, 64, 20});  // mid-volume, as the authoring screen starts
    }
    AuthoringContext ctx() {
        return {model, viewer, selection, widgets, viewer.volume()->geometry().indexToPatient(viewer.cursor())};
    }
    // Events go to the canvas first; what it does not use goes to the viewer, as in the authoring screen.
    bool send(const SDL_Event& e) {
        auto c = ctx();
        if (canvas.handleEvent(e, c, false)) return true;
        viewer.handleEvent(e, Bindings::defaults(), false, false);
        return false;
    }
    bool press(glm::dvec2 p, int button = SDL_BUTTON_LEFT) { return send(buttonEvent(SDL_MOUSEBUTTONDOWN, p, button)); }
    bool moveTo(glm::dvec2 p) {
        SDL_Event e{};
        e.type = SDL_MOUSEMOTION;
        e.motion.x = int(p.x), e.motion.y = int(p.y);
        return send(e);
    }
    bool release(glm::dvec2 p, int button = SDL_BUTTON_LEFT) { return send(buttonEvent(SDL_MOUSEBUTTONUP, p, button)); }
    void drag(glm::dvec2 from, glm::dvec2 to) {
        press(from);
        moveTo((from + to) * 0.5);
        moveTo(to);
        release(to);
    }
    static SDL_Event buttonEvent(Uint32 type, glm::dvec2 p, int button) {
        SDL_Event e{};
        e.type = type;
        e.button.button = Uint8(button);
        e.button.x = int(p.x), e.button.y = int(p.y);
        return e;
    }
    // Patient position under a pixel, as the viewer's HU readout reports it (voxel centres: within 1 mm of exact).
    glm::dvec3 lpsAt(glm::dvec2 p) const {
        auto probe = viewer.probe(p);
        EXPECT_TRUE(probe) << "pixel " << p.x << "," << p.y << " is not on an image";
        return probe ? probe->lps : glm::dvec3(0.0);
    }
    glm::dvec2 centreOf(Plane p) const { return (viewer.imageRect(p).min + viewer.imageRect(p).max) * 0.5; }
};

constexpr double kVoxelTolerance = 1.6;  // half a 2 mm voxel, plus snapping to whole mm
}  // namespace

TEST(AuthoringCanvas, OverlaysUseTheSamePatientPositionsAsTheViewersReadout) {
    Screen s;
    for (Plane p : {Plane::Axial, Plane::Coronal, Plane::Sagittal}) {
        const PlaneFrame f = s.viewer.frame(p);
        const ImageRect r = s.viewer.imageRect(p);
        for (glm::dvec2 uv : {glm::dvec2(0.2, 0.3), glm::dvec2(0.5, 0.5), glm::dvec2(0.9, 0.7)}) {
            const glm::dvec2 px = r.toPixels(uv);
            const glm::dvec3 expected = s.lpsAt(px);
            const glm::dvec3 got = f.toLps(px);
            for (int a = 0; a < 3; ++a) EXPECT_NEAR(got[a], expected[a], 1.01) << planeName(p) << " axis " << a;
            EXPECT_NEAR(glm::length(f.toPixels(got) - px), 0.0, 1e-6);
        }
    }
}

TEST(AuthoringCanvas, DrawingARectangleOnTheAxialViewCreatesAFindingWithThatExtent) {
    Screen s;
    s.canvas.setTool(AuthoringCanvas::Tool::DrawBox);
    const glm::dvec2 c = s.centreOf(Plane::Axial);
    const glm::dvec2 a = c + glm::dvec2(-80, -40), b = c + glm::dvec2(60, 30);
    const glm::dvec3 la = s.lpsAt(a), lb = s.lpsAt(b);
    const double sliceZ = s.ctx().crosshairLps.z;
    const auto edits = s.model.edits();
    s.drag(a, b);

    ASSERT_EQ(s.model.scenario().findings.size(), 1u);
    const auto& f = s.model.scenario().findings[0];
    EXPECT_EQ(s.selection.finding, 0) << "the new finding is selected";
    EXPECT_GT(s.model.edits(), edits);
    // The rectangle's left edge is the patient's right (negative x), its top anterior (negative y).
    EXPECT_NEAR(f.centreLps.x, (la.x + lb.x) / 2, kVoxelTolerance);
    EXPECT_NEAR(f.centreLps.y, (la.y + lb.y) / 2, kVoxelTolerance);
    EXPECT_NEAR(f.extentMm.x, lb.x - la.x, 2 * kVoxelTolerance);
    EXPECT_NEAR(f.extentMm.y, lb.y - la.y, 2 * kVoxelTolerance);
    EXPECT_NEAR(f.centreLps.z, sliceZ, 1e-6) << "centred on the shown slice";
    EXPECT_DOUBLE_EQ(f.extentMm.z, std::min(f.extentMm.x, f.extentMm.y)) << "as deep as the smaller drawn side";
    EXPECT_EQ(f.region, "chest") << "the region holding the centre";
    EXPECT_EQ(s.canvas.tool(), AuthoringCanvas::Tool::Edit) << "back to editing the new box";
    EXPECT_NEAR(s.viewer.state(Plane::Axial).cursorLps.z, sliceZ, 1e-9) << "drawing does not scroll";
}

TEST(AuthoringCanvas, DrawingOnTheCoronalViewSpansLeftRightAndHeadFeet) {
    Screen s;
    s.canvas.setTool(AuthoringCanvas::Tool::DrawBox);
    const glm::dvec2 c = s.centreOf(Plane::Coronal);
    const glm::dvec2 a = c + glm::dvec2(30, -20), b = c + glm::dvec2(-20, 25);  // dragged up-right to down-left
    const glm::dvec3 la = s.lpsAt(a), lb = s.lpsAt(b);
    s.drag(a, b);
    ASSERT_EQ(s.model.scenario().findings.size(), 1u);
    const auto& f = s.model.scenario().findings[0];
    EXPECT_NEAR(f.extentMm.x, std::abs(la.x - lb.x), 2 * kVoxelTolerance);
    EXPECT_NEAR(f.extentMm.z, std::abs(la.z - lb.z), 2 * kVoxelTolerance);
    EXPECT_NEAR(f.centreLps.z, (la.z + lb.z) / 2, kVoxelTolerance);
    EXPECT_NEAR(f.centreLps.y, s.ctx().crosshairLps.y, 1e-6) << "centred on the shown coronal slice";
}

TEST(AuthoringCanvas, AClickWithTheDrawToolMakesNoFindingAndMovesTheCrosshair) {
    Screen s;
    s.canvas.setTool(AuthoringCanvas::Tool::DrawBox);
    const glm::dvec2 p = s.centreOf(Plane::Axial) + glm::dvec2(50, 50);
    s.press(p);
    s.release(p);
    EXPECT_TRUE(s.model.scenario().findings.empty());
    EXPECT_NEAR(s.viewer.state(Plane::Axial).cursorLps.x, s.lpsAt(p).x, 1e-6);
}

TEST(AuthoringCanvas, DraggingInsideTheSelectedBoxMovesOnlyItsCentre) {
    Screen s;
    auto& f = s.model.addFindingAt(s.ctx().crosshairLps);
    f.extentMm = {40, 30, 20};
    const glm::dvec3 centre = f.centreLps, extent = f.extentMm;
    s.selection.finding = 0;
    const glm::dvec2 from = s.viewer.frame(Plane::Axial).toPixels(centre);
    const glm::dvec2 to = from + glm::dvec2(47, -23);
    const glm::dvec3 shift = s.lpsAt(to) - s.lpsAt(from);
    s.drag(from, to);
    const auto& g = s.model.scenario().findings[0];
    EXPECT_EQ(g.extentMm, extent) << "moving does not resize";
    EXPECT_NEAR(g.centreLps.x - centre.x, shift.x, 2 * kVoxelTolerance);
    EXPECT_NEAR(g.centreLps.y - centre.y, shift.y, 2 * kVoxelTolerance);
    EXPECT_GT(g.centreLps.x, centre.x + 10) << "to the right on screen is the patient's left";
    EXPECT_DOUBLE_EQ(g.centreLps.z, centre.z) << "the axial view does not move a box along z";
}

TEST(AuthoringCanvas, DraggingACornerResizesTwoSidesAndLeavesTheOthers) {
    Screen s;
    auto& f = s.model.addFindingAt({0, 0, 0});
    f.extentMm = {40, 30, 20};
    s.selection.finding = 0;
    s.viewer.setCursor(s.viewer.volume()->geometry().patientToIndex({0, 0, 1}));
    const PlaneFrame axial = s.viewer.frame(Plane::Axial);
    const auto rect = boxInView({f.centreLps, f.extentMm}, axial);
    ASSERT_TRUE(rect);
    const glm::dvec2 corner = rect->max;  // bottom right: the patient's left, posterior
    s.drag(corner, corner + glm::dvec2(24, 12));
    const auto& g = s.model.scenario().findings[0];
    // Right (x = -20) and anterior (y = -15) sides stay; the left and posterior sides follow the mouse.
    EXPECT_NEAR(g.centreLps.x - g.extentMm.x / 2, -20, 1e-9);
    EXPECT_NEAR(g.centreLps.y - g.extentMm.y / 2, -15, 1e-9);
    EXPECT_NEAR(g.extentMm.x, 40 + 24 / axial.pxPerMm.x, 1.0);
    EXPECT_NEAR(g.extentMm.y, 30 + 12 / axial.pxPerMm.y, 1.0);
    EXPECT_DOUBLE_EQ(g.extentMm.z, 20);
}

TEST(AuthoringCanvas, DraggingTheBoxTopOnTheCoronalViewSetsItsHeadFeetExtent) {
    Screen s;
    s.canvas.setTool(AuthoringCanvas::Tool::DrawBox);
    const glm::dvec2 c = s.centreOf(Plane::Axial);
    s.drag(c - glm::dvec2(40, 40), c + glm::dvec2(40, 20));  // drawn on the axial view
    ASSERT_EQ(s.model.scenario().findings.size(), 1u);
    const scenario::Finding before = s.model.scenario().findings[0];
    const PlaneFrame coronal = s.viewer.frame(Plane::Coronal);
    const auto rect = boxInView({before.centreLps, before.extentMm}, coronal);
    ASSERT_TRUE(rect) << "the coronal plane through the crosshair cuts the new box";
    const glm::dvec2 top{(rect->min.x + rect->max.x) / 2, rect->min.y};
    s.drag(top, top - glm::dvec2(0, 25));  // up: towards the head
    const auto& g = s.model.scenario().findings[0];
    const double feetSide = before.centreLps.z - before.extentMm.z / 2;
    EXPECT_NEAR(g.centreLps.z - g.extentMm.z / 2, feetSide, 1.0) << "the bottom stays";
    EXPECT_NEAR(g.extentMm.z, before.extentMm.z + 25 / -coronal.pxPerMm.y, 1.0);
    EXPECT_EQ(g.extentMm.x, before.extentMm.x);
    EXPECT_EQ(g.extentMm.y, before.extentMm.y);
}

TEST(AuthoringCanvas, ABoxIsDrawnOnlyOnPlanesThatCutIt) {
    PlaneFrame axial;  // axial view, 2 px per mm, plane at z = 0, 2 mm slices
    axial.pxPerMm = {2, 2};
    axial.pxAtZero = {300, 300};
    axial.sliceMm = 0;
    axial.sliceThicknessMm = 2;
    EXPECT_FALSE(boxInView({{0, 0, 30}, {20, 20, 20}}, axial)) << "box from z 20 to 40 misses z 0";
    EXPECT_FALSE(boxInView({{0, 0, -10.5}, {20, 20, 20}}, axial));
    auto cut = boxInView({{10, -5, 5}, {20, 30, 20}}, axial);
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->min, glm::dvec2(300, 260));
    EXPECT_EQ(cut->max, glm::dvec2(340, 320));
    EXPECT_TRUE(boxInView({{0, 0, 0.8}, {5, 5, 0.2}}, axial)) << "a box thinner than a slice shows on its slice";
    EXPECT_FALSE(boxInView({{0, 0, 3}, {5, 5, 0.2}}, axial));
}

TEST(AuthoringCanvas, TheCursorSaysWhatADragWouldDo) {
    PixelRect r{{100, 100}, {200, 160}};
    EXPECT_EQ(cursorFor(gripAt(r, {100, 100}, 6)), ImGuiMouseCursor_ResizeNWSE);
    EXPECT_EQ(cursorFor(gripAt(r, {203, 98}, 6)), ImGuiMouseCursor_ResizeNESW);
    EXPECT_EQ(cursorFor(gripAt(r, {150, 158}, 6)), ImGuiMouseCursor_ResizeNS);
    EXPECT_EQ(cursorFor(gripAt(r, {96, 130}, 6)), ImGuiMouseCursor_ResizeEW);
    EXPECT_EQ(cursorFor(gripAt(r, {150, 130}, 6)), ImGuiMouseCursor_ResizeAll);
    EXPECT_EQ(cursorFor(gripAt(r, {150, 180}, 6)), ImGuiMouseCursor_Arrow);
    EXPECT_TRUE(gripAt({{100, 100}, {108, 108}}, {104, 104}, 6).inside) << "a small box can still be moved";

    Screen s;
    const PlaneFrame coronal = s.viewer.frame(Plane::Coronal);
    const glm::dvec2 onLine = coronal.toPixels({0, 0, 30}) + glm::dvec2(0, 2);
    s.moveTo(onLine);
    auto c = s.ctx();
    EXPECT_EQ(s.canvas.hoverCursor(c), ImGuiMouseCursor_ResizeNS) << "over the chest's top limit";
    s.canvas.showRegionLines(false);
    EXPECT_EQ(s.canvas.hoverCursor(c), ImGuiMouseCursor_Arrow) << "hidden limits are not draggable";
}

TEST(AuthoringCanvas, DraggingARegionLimitOnTheCoronalViewMovesItToTheMouse) {
    Screen s;
    const PlaneFrame coronal = s.viewer.frame(Plane::Coronal);
    const glm::dvec2 line = coronal.toPixels({20, 0, 30});  // the chest's top limit
    const glm::dvec2 to = line + glm::dvec2(0, 40);         // down: towards the feet
    const double zUnderMouse = s.lpsAt(to).z;
    EXPECT_TRUE(s.press(line + glm::dvec2(0, -3))) << "grabbed within a few pixels of the line";
    EXPECT_EQ(s.selection.region, 0) << "grabbing a line selects its region";
    s.moveTo(to);
    s.release(to);
    const auto& chest = s.model.scenario().regions[0];
    EXPECT_NEAR(chest.zToMm, zUnderMouse, kVoxelTolerance);
    EXPECT_EQ(chest.zToMm, std::round(chest.zToMm)) << "snapped to whole mm";
    EXPECT_EQ(chest.zFromMm, -10) << "the other limit stays";

    // Pulled below its own lower limit, the top stops 1 mm above it: the region stays ordered, as the file wants.
    const glm::dvec2 now = s.viewer.frame(Plane::Coronal).toPixels({20, 0, chest.zToMm});
    s.drag(now, now + glm::dvec2(0, 200));
    EXPECT_EQ(chest.zToMm, chest.zFromMm + 1);
}

TEST(AuthoringCanvas, TheSelectedRegionsLimitWinsWhereTwoRegionsMeet) {
    Screen s;
    const glm::dvec2 shared = s.viewer.frame(Plane::Sagittal).toPixels({0, 0, -10});  // chest bottom = abdomen top
    s.selection.region = 1;
    s.drag(shared, shared + glm::dvec2(0, -12));  // up
    const auto& r = s.model.scenario().regions;
    EXPECT_GT(r[1].zToMm, -10) << "the abdomen's top moved";
    EXPECT_EQ(r[0].zFromMm, -10) << "the chest's bottom did not";
}

TEST(AuthoringCanvas, ClickingWhereTwoLimitsMeetGoesRoundTheirRegions) {
    Screen s;
    const glm::dvec2 shared = s.viewer.frame(Plane::Coronal).toPixels({0, 0, -10});  // chest bottom = abdomen top
    auto click = [&] {
        s.press(shared);
        s.release(shared);
    };
    ASSERT_EQ(s.selection.region, -1);
    click();
    EXPECT_EQ(s.selection.region, 0) << "the first click takes the chest";
    click();
    EXPECT_EQ(s.selection.region, 1) << "the next one the abdomen, which shares the line";
    click();
    EXPECT_EQ(s.selection.region, 0) << "and round again";
    click();
    // Now a drag takes the abdomen's top, not the chest's bottom.
    s.drag(shared, shared + glm::dvec2(0, -12));
    const auto& r = s.model.scenario().regions;
    EXPECT_GT(r[1].zToMm, -10);
    EXPECT_EQ(r[0].zFromMm, -10);
    EXPECT_EQ(regionAfterClick({}, 3, 2), 2) << "nothing under the mouse: the pressed one";
}

TEST(AuthoringCanvas, LimitLabelsAreStackedWithoutOverlapAndNamedShortly) {
    // Six limits within 20 px, labels 14 px high, in a view 200 px high.
    const std::vector<double> wishes{100, 96, 104, 110, 101, 98};
    const auto at = stackLabels(wishes, 14, 0, 200);
    std::vector<double> placed;
    for (std::size_t i = 0; i < at.size(); ++i) {
        ASSERT_TRUE(at[i]) << "room for all six";
        EXPECT_GE(*at[i], 0);
        EXPECT_LE(*at[i] + 14, 200);
        placed.push_back(*at[i]);
    }
    std::vector<std::size_t> order(wishes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return wishes[a] < wishes[b]; });
    for (std::size_t k = 1; k < order.size(); ++k)
        EXPECT_GE(placed[order[k]] - placed[order[k - 1]], 14 - 1e-9) << "in order of their lines, none overlapping";
    // At the bottom edge they are pushed up, not out; with no room for all, the lowest are left out.
    const auto low = stackLabels({190, 195, 199}, 14, 0, 200);
    ASSERT_TRUE(low[2]);
    EXPECT_LE(*low[2] + 14, 200);
    const auto crowded = stackLabels({10, 20, 30, 40}, 14, 0, 30);
    EXPECT_TRUE(crowded[0] && crowded[1]);
    EXPECT_FALSE(crowded[2] || crowded[3]);

    scenario::Region head, lungs;
    head.id = "head", head.label = "Head";
    lungs.id = "chest_lungs", lungs.label = "Chest: lungs and pleura";
    EXPECT_EQ(regionShortName(head), "Head");
    EXPECT_EQ(regionShortName(lungs), "Chest lungs");
}

TEST(AuthoringCanvas, ClicksAwayFromBoxesAndLinesStillReachTheViewer) {
    Screen s;
    auto& f = s.model.addFindingAt({0, 0, 0});
    f.extentMm = {20, 20, 20};
    const auto edits = s.model.edits();
    const glm::dvec2 p = s.centreOf(Plane::Axial) + glm::dvec2(-150, 120);
    EXPECT_FALSE(s.press(p)) << "nothing of the canvas there: the viewer moves the crosshair";
    s.release(p);
    EXPECT_NEAR(s.viewer.state(Plane::Axial).cursorLps.x, s.lpsAt(p).x, 1e-6);
    EXPECT_FALSE(s.press(p, SDL_BUTTON_RIGHT)) << "right-drag stays window/level";
    s.moveTo(p + glm::dvec2(30, 0));
    s.release(p + glm::dvec2(30, 0), SDL_BUTTON_RIGHT);
    EXPECT_NE(s.viewer.window().width, 400);
    EXPECT_EQ(s.model.edits(), edits) << "the case did not change";

    // A click (no drag) inside the selected box selects it and still places the crosshair.
    s.selection.finding = 0;
    const glm::dvec2 inside =
        glm::floor(s.viewer.frame(Plane::Axial).toPixels({4, 4, 0}));  // events carry whole pixels
    EXPECT_TRUE(s.press(inside));
    s.release(inside);
    EXPECT_NEAR(s.viewer.state(Plane::Axial).cursorLps.x, s.lpsAt(inside).x, 1e-6);
    EXPECT_EQ(s.model.edits(), edits);
}

TEST(AuthoringCanvas, ClickingAnotherBoxsOutlineSelectsItAndEscapeUndoesADrag) {
    Screen s;
    s.model.addFindingAt({-40, 0, 0}).extentMm = {20, 20, 20};
    s.model.addFindingAt({40, 0, 0}).extentMm = {20, 20, 20};
    s.viewer.setCursor(s.viewer.volume()->geometry().patientToIndex({0, 0, 1}));
    s.selection.finding = 0;
    const glm::dvec2 edge =
        s.viewer.frame(Plane::Axial).toPixels({30, 0, 0});  // finding 2's side towards the patient's right
    EXPECT_TRUE(s.press(edge));
    EXPECT_EQ(s.selection.finding, 1);
    s.moveTo(edge + glm::dvec2(30, 0));
    EXPECT_LT(s.model.scenario().findings[1].extentMm.x, 20);
    SDL_Event esc{};
    esc.type = SDL_KEYDOWN;
    esc.key.keysym.sym = SDLK_ESCAPE;
    QuitGuard quit;
    auto c = s.ctx();
    EXPECT_EQ(routeAuthoringEvent(esc, c, s.canvas, quit, Bindings::defaults(), false, false, false),
              AuthoringRequest::None);
    EXPECT_FALSE(s.canvas.dragging()) << "Escape (authoring.cancel) ends the drag";
    s.release(edge + glm::dvec2(30, 0));
    EXPECT_EQ(s.model.scenario().findings[1].extentMm, glm::dvec3(20));
    EXPECT_EQ(s.model.scenario().findings[1].centreLps, glm::dvec3(40, 0, 0));
}

namespace {
// Events through SDL's own queue, routed as the authoring screen routes them (keys first, then canvas, then viewer).
struct RoutedScreen : Screen {
    QuitGuard quit;
    RoutedScreen() { SDL_InitSubSystem(SDL_INIT_EVENTS); }
    ~RoutedScreen() { SDL_QuitSubSystem(SDL_INIT_EVENTS); }
    bool typing = false;  // a text field has the keyboard
    Bindings bindings = Bindings::defaults();
    AuthoringRequest pump(SDL_Event e) {
        SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
        EXPECT_EQ(SDL_PushEvent(&e), 1) << SDL_GetError();
        AuthoringRequest last = AuthoringRequest::None;
        for (SDL_Event got; SDL_PollEvent(&got);) {
            auto c = ctx();
            last = routeAuthoringEvent(got, c, canvas, quit, bindings, false, typing, typing);
        }
        return last;
    }
    AuthoringRequest key(SDL_Keycode sym, Uint16 mod = KMOD_NONE) {
        SDL_Event e{};
        e.type = SDL_KEYDOWN;
        e.key.keysym.sym = sym;
        e.key.keysym.mod = mod;
        return pump(e);
    }
    AuthoringRequest closeWindow() {
        SDL_Event close{};
        close.type = SDL_QUIT;
        return pump(close);
    }
    void mouse(Uint32 type, glm::dvec2 p) {
        if (type == SDL_MOUSEMOTION) {
            SDL_Event e{};
            e.type = SDL_MOUSEMOTION;
            e.motion.x = int(p.x), e.motion.y = int(p.y);
            pump(e);
        } else {
            pump(buttonEvent(type, p, SDL_BUTTON_LEFT));
        }
    }
};
}  // namespace

TEST(AuthoringCanvas, EscapeDuringADragPutsTheLimitBackAndNeverQuits) {
    RoutedScreen s;
    const auto& chest = s.model.scenario().regions[0];
    const glm::dvec2 line = s.viewer.frame(Plane::Coronal).toPixels({20, 0, 30});  // the chest's top limit
    s.mouse(SDL_MOUSEBUTTONDOWN, line);
    s.mouse(SDL_MOUSEMOTION, line + glm::dvec2(0, 40));
    ASSERT_LT(chest.zToMm, 30) << "the drag moves the limit";
    ASSERT_TRUE(s.canvas.dragging());
    s.key(SDLK_ESCAPE);
    EXPECT_EQ(chest.zToMm, 30) << "Escape puts the limit back";
    EXPECT_FALSE(s.canvas.dragging());
    EXPECT_FALSE(s.quit.quit()) << "Escape during a drag does not quit";
    EXPECT_FALSE(s.quit.asking());
    s.mouse(SDL_MOUSEBUTTONUP, line + glm::dvec2(0, 40));
    s.mouse(SDL_MOUSEMOTION, line + glm::dvec2(0, 80));
    EXPECT_EQ(chest.zToMm, 30) << "the mouse-up and later moves change nothing";

    // Nor does Escape quit when nothing is dragged, with or without unsaved changes.
    RoutedScreen clean;
    clean.key(SDLK_ESCAPE);
    EXPECT_FALSE(clean.quit.quit());
    EXPECT_FALSE(clean.quit.asking());
}

TEST(AuthoringCanvas, QuittingDuringADragCancelsItSoNoDragIsLeftStuck) {
    RoutedScreen s;
    const auto& chest = s.model.scenario().regions[0];
    const glm::dvec2 line = s.viewer.frame(Plane::Coronal).toPixels({20, 0, 30});
    s.mouse(SDL_MOUSEBUTTONDOWN, line);
    s.mouse(SDL_MOUSEMOTION, line + glm::dvec2(0, 40));
    ASSERT_TRUE(s.model.unsaved());
    s.key(SDLK_q, KMOD_LCTRL);
    EXPECT_TRUE(s.quit.asking()) << "unsaved changes: the question comes";
    EXPECT_FALSE(s.canvas.dragging()) << "the question cancelled the drag";
    EXPECT_EQ(chest.zToMm, 30);
    s.mouse(SDL_MOUSEBUTTONUP, line + glm::dvec2(0, 40));  // swallowed by the question
    s.key(SDLK_ESCAPE);                                    // closes the question
    EXPECT_FALSE(s.quit.asking());
    EXPECT_FALSE(s.quit.quit());
    s.mouse(SDL_MOUSEMOTION, line + glm::dvec2(0, 90));
    EXPECT_EQ(chest.zToMm, 30) << "moving the mouse afterwards drags nothing";

    // Ctrl+S asks the screen to save; closing the window asks to quit.
    EXPECT_EQ(s.key(SDLK_s, KMOD_LCTRL), AuthoringRequest::Save);
    s.closeWindow();
    EXPECT_TRUE(s.quit.asking());
}

TEST(AuthoringCanvas, SavingOrQuittingWhileTypingWaitsForTheTypingToEnd) {
    // An id typed but not yet left is renamed when its field is left: a save or a quit that comes first waits, so
    // the file (or the question about unsaved changes) holds what was typed.
    RoutedScreen s;
    s.typing = true;
    EXPECT_EQ(s.key(SDLK_s, KMOD_LCTRL), AuthoringRequest::FinishTypingFirst);
    EXPECT_EQ(s.key(SDLK_q, KMOD_LCTRL), AuthoringRequest::FinishTypingFirst);
    EXPECT_EQ(s.closeWindow(), AuthoringRequest::FinishTypingFirst);
    EXPECT_FALSE(s.quit.asking());
    EXPECT_FALSE(s.quit.quit()) << "quit before the typed id was taken";
    // Typing 's' or 'q' in a field is typing, not a save.
    EXPECT_EQ(s.key(SDLK_s), AuthoringRequest::None);
    // Once the typing has ended, the same events do their work.
    s.typing = false;
    EXPECT_EQ(s.key(SDLK_s, KMOD_LCTRL), AuthoringRequest::Save);
    s.closeWindow();
    EXPECT_TRUE(s.quit.quit()) << "nothing unsaved: closing the window quits";
}

// Authoring's save, quit and cancel keys are bindings like every other key: rebound, the old keys do nothing and the
// new ones do the work.
TEST(AuthoringCanvas, SaveQuitAndCancelAreBoundKeysThatCanBeRebound) {
    RoutedScreen s;
    EXPECT_EQ(s.bindings.chordsOf("authoring.save"), std::vector<Chord>{*Chord::parse("Ctrl+S")});
    EXPECT_EQ(s.bindings.chordsOf("authoring.quit"), std::vector<Chord>{*Chord::parse("Ctrl+Q")});
    EXPECT_EQ(s.bindings.chordsOf("authoring.cancel"), std::vector<Chord>{*Chord::parse("Escape")});
    EXPECT_EQ(s.bindings.chordsOf("authoring.delete"), std::vector<Chord>{*Chord::parse("Delete")});
    s.bindings.set("authoring.save", {*Chord::parse("Ctrl+W")});
    s.bindings.set("authoring.cancel", {*Chord::parse("F2")});
    EXPECT_EQ(s.key(SDLK_s, KMOD_LCTRL), AuthoringRequest::None) << "Ctrl+S is no longer save";
    EXPECT_EQ(s.key(SDLK_w, KMOD_LCTRL), AuthoringRequest::Save);
    const auto& chest = s.model.scenario().regions[0];
    const glm::dvec2 line = s.viewer.frame(Plane::Coronal).toPixels({20, 0, 30});
    s.mouse(SDL_MOUSEBUTTONDOWN, line);
    s.mouse(SDL_MOUSEMOTION, line + glm::dvec2(0, 40));
    ASSERT_TRUE(s.canvas.dragging());
    s.key(SDLK_ESCAPE);
    EXPECT_TRUE(s.canvas.dragging()) << "Escape is no longer cancel";
    s.key(SDLK_F2);
    EXPECT_FALSE(s.canvas.dragging());
    EXPECT_EQ(chest.zToMm, 30) << "F2 put the limit back";
}

TEST(AuthoringCanvas, ScreenshotShowsFindingBoxesAndRegionLimits) {
    auto dir = polysim::test::scratchDir("authoring-canvas-screenshot");
    auto loaded = scenario::loadScenario(polysim::test::smallShippedScenario("motorcyclist", dir));
    ASSERT_TRUE(loaded.ok()) << scenario::formatDiagnostics(loaded.diagnostics);
    AuthoringModel model(*loaded.scenario, dir / "edited.toml");
    // A box through the middle of the body, where the screen's crosshair starts: it cuts all three views.
    auto& f = model.addFindingAt({0, 0, -480});
    f.id = "liver_laceration_test";
    f.extentMm = {160, 120, 400};
    ASSERT_TRUE(model.save());
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";
    auto r = polysim::test::runShell("XDG_CACHE_HOME=" + cache.string() + " XDG_CONFIG_HOME=" + cache.string() +
                                     " SDL_AUDIODRIVER=dummy " + polysim::test::polysimBinary().string() + " author " +
                                     (dir / "edited.toml").string() + " --screenshot " + (dir / "shot.png").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;

    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load((dir / "shot.png").string().c_str(), &w, &h, &n, 3);
    ASSERT_NE(px, nullptr);
    auto countNear = [&](int x0, int x1, int rr, int gg, int bb) {
        int count = 0;
        for (int y = 0; y < h - 200; ++y)  // above the timeline strip
            for (int x = x0; x < x1; ++x) {
                const unsigned char* p = px + (std::size_t(y) * w + x) * 3;
                count += std::abs(p[0] - rr) + std::abs(p[1] - gg) + std::abs(p[2] - bb) < 40;
            }
        return count;
    };
    const int axialRight = 460 + int((w - 460) * 0.62);  // the axial view's right edge (62% of the viewer)
    const int boxAxial = countNear(470, axialRight - 10, 255, 150, 30);
    const int boxReformats = countNear(axialRight + 10, w, 255, 150, 30);
    const int regionLines = countNear(axialRight + 10, w, 70, 200, 110);
    const int regionLinesAxial = countNear(470, axialRight - 10, 70, 200, 110);
    stbi_image_free(px);
    EXPECT_GT(boxAxial, 200) << "the box outline on the axial view";
    EXPECT_GT(boxReformats, 200) << "the box outline on the coronal and sagittal views";
    EXPECT_GT(regionLines, 300) << "region limit lines on the coronal and sagittal views";
    EXPECT_LT(regionLinesAxial, 20) << "no region lines on the axial view";
}

TEST(AuthoringCanvas, EveryRegionAtALimitIsNamedWholeOnALineOfItsOwn) {
    // The phantom's regions on a whole-body coronal view as the authoring screen lays it out at 1600 x 900: the two
    // chest regions share both limits, the airway and the spine start in the neck. Each name is drawn whole, none
    // over another ("Chest lungs / Ches..." was one cut line).
    imaging::VolumeGeometry g;
    g.dims = {64, 64, 250};
    g.spacing = {8.0, 8.0, 4.0};
    g.origin = {-252.0, -252.0, -996.0};
    auto volume = std::make_shared<imaging::Volume>(g, int16_t(40));
    volume->markAllReady();
    scenario::Scenario s;
    s.regions = scenario::phantomRegions();
    for (const auto& r : s.regions) s.readingOrder.push_back(r.id);
    Viewer viewer;
    viewer.setVolume(volume, "test");
    viewer.layout({460, 40}, {1130, 640});
    viewer.setCursor({32, 32, 125});
    AuthoringModel model{s, "unused.toml"};
    AuthoringSelection selection;
    AuthoringWidgetState widgets;
    AuthoringCanvas canvas;

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1600, 900);
    io.DeltaTime = 1.f / 60;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ImGui::NewFrame();
    AuthoringContext ctx{model, viewer, selection, widgets,
                         viewer.volume()->geometry().indexToPatient(viewer.cursor())};
    canvas.draw(ImGui::GetBackgroundDrawList(), ctx);
    const auto labels = canvas.limitLabels();
    ImGui::EndFrame();
    ImGui::DestroyContext();

    ASSERT_FALSE(labels.empty());
    std::set<int> named;
    for (const auto& a : labels) {
        named.insert(a.region);
        EXPECT_EQ(a.text.find("..."), std::string::npos) << "cut: " << a.text;
        EXPECT_EQ(a.text.find(" / "), std::string::npos) << "two names on one line: " << a.text;
        EXPECT_EQ(a.text, regionShortName(s.regions[std::size_t(a.region)]));
        for (const auto& b : labels) {
            if (&a == &b) continue;
            const bool apart = a.max.x <= b.min.x || b.max.x <= a.min.x || a.max.y <= b.min.y || b.max.y <= a.min.y;
            EXPECT_TRUE(apart) << a.text << " at y " << a.min.y << " overlaps " << b.text << " at y " << b.min.y;
        }
    }
    for (int i = 0; i < int(s.regions.size()); ++i) {
        if (s.regions[std::size_t(i)].id != "scout") {
            EXPECT_TRUE(named.count(i)) << s.regions[std::size_t(i)].id;
        }
    }
}

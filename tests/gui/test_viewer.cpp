// The viewer as a radiologist meets it: radiological orientation, scrolling towards the feet, presets on keys,
// and real OpenGL rendering (Mesa under Xvfb) of a small procedural volume.
#include <gtest/gtest.h>

#include <SDL.h>

#include "gui/app_window.h"
#include "gui/viewer.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::gui;

namespace {
// 128 x 128 x 40, 2 mm voxels, k running superior. A soft-tissue body with a bone block in the patient's right
// half (negative x in LPS) and a lung-density hole in the left half, so orientation and windows are visible.
std::shared_ptr<imaging::Volume> testVolume(glm::dmat3 direction = glm::dmat3(1.0)) {
    imaging::VolumeGeometry g;
    g.dims = {128, 128, 40};
    g.spacing = {2.0, 2.0, 2.0};
    g.direction = direction;
    g.origin = -(direction * (glm::dvec3(g.dims - 1) * g.spacing)) * 0.5;  // centred on the origin
    auto v = std::make_shared<imaging::Volume>(g);
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                glm::dvec3 p = g.indexToPatient({i, j, k});
                int16_t hu = imaging::Volume::kAirHU;
                if (p.x * p.x / (110.0 * 110.0) + p.y * p.y / (80.0 * 80.0) < 1.0) hu = 40;
                if (p.x < -30 && p.x > -80 && std::abs(p.y) < 25) hu = 1000;  // patient's right
                if (p.x > 30 && p.x < 80 && std::abs(p.y) < 25) hu = -850;    // patient's left
                v->at(i, j, k) = hu;
            }
    v->markAllReady();
    return v;
}

Viewer laidOutViewer(std::shared_ptr<imaging::Volume> v) {
    Viewer viewer;
    viewer.setVolume(v, "test");
    viewer.layout({0, 0}, {1000, 600});
    return viewer;
}
}  // namespace

TEST(ViewGeometry, PatientRightIsOnTheViewersLeftWhateverTheVoxelOrder) {
    for (double sx : {1.0, -1.0}) {
        auto v = testVolume(glm::dmat3(glm::dvec3(sx, 0, 0), glm::dvec3(0, 1, 0), glm::dvec3(0, 0, 1)));
        auto axial = PlaneMapping::of(Plane::Axial, v->geometry());
        // A voxel at x = -60 mm (patient's right) must land in the left half of the axial image.
        glm::dvec3 ijk = v->geometry().patientToIndex({-60, 0, 0});
        EXPECT_LT(axial.uvOf(ijk, v->dims()).x, 0.5) << "i direction " << sx;
        EXPECT_EQ(axial.labels[0], "R");
        auto coronal = PlaneMapping::of(Plane::Coronal, v->geometry());
        glm::dvec3 top = v->geometry().patientToIndex({0, 0, 30});  // superior
        EXPECT_LT(coronal.uvOf(top, v->dims()).y, 0.5);
        auto sagittal = PlaneMapping::of(Plane::Sagittal, v->geometry());
        glm::dvec3 anterior = v->geometry().patientToIndex({0, -60, 0});
        EXPECT_LT(sagittal.uvOf(anterior, v->dims()).x, 0.5);
        EXPECT_EQ(sagittal.labels[0], "A");
    }
}

TEST(Viewer, StartsAtTheTopAndNextImageGoesTowardsTheFeet) {
    Viewer viewer = laidOutViewer(testVolume());
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 1);
    double z0 = viewer.state(Plane::Axial).cursorLps.z;
    viewer.execute("slice.next", Plane::Axial);
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 2);
    EXPECT_LT(viewer.state(Plane::Axial).cursorLps.z, z0);
    viewer.execute("slice.next10", Plane::Axial);
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 12);
    viewer.execute("slice.last", Plane::Axial);
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 40);
    viewer.execute("slice.next", Plane::Axial);  // stays on the last image
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 40);
    viewer.execute("slice.scroll", Plane::Axial, {3.0, 0.0});  // wheel away from the user: back up
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 37);
    viewer.execute("slice.first", Plane::Axial);
    EXPECT_EQ(viewer.imageNumber(Plane::Axial), 1);
}

TEST(Viewer, NumberKeysSelectPresetsAndSpaceResets) {
    Viewer viewer = laidOutViewer(testVolume());
    Bindings b = Bindings::defaults();
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_7;
    EXPECT_EQ(viewer.handleEvent(e, b, false, false), "window.preset.lung");
    EXPECT_EQ(viewer.window(), (imaging::Window{1500, -600}));
    // ImGui typing into a text field must not change the window.
    e.key.keysym.sym = SDLK_8;
    EXPECT_EQ(viewer.handleEvent(e, b, false, true), "");
    EXPECT_EQ(viewer.window(), (imaging::Window{1500, -600}));
    viewer.execute("view.zoom_in", Plane::Axial);
    EXPECT_GT(viewer.zoom(Plane::Axial), 1.0);
    e.key.keysym.sym = SDLK_SPACE;
    EXPECT_EQ(viewer.handleEvent(e, b, false, false), "view.reset");
    EXPECT_EQ(viewer.zoom(Plane::Axial), 1.0);
    EXPECT_EQ(viewer.window(), (imaging::Window{400, 40}));
}

TEST(Viewer, VSwapsTheBigViewBetweenAxialCoronalAndSagittal) {
    Viewer viewer = laidOutViewer(testVolume());
    Bindings b = Bindings::defaults();
    auto width = [&](Plane p) { return viewer.viewBounds(p).max.x - viewer.viewBounds(p).min.x; };
    auto height = [&](Plane p) { return viewer.viewBounds(p).max.y - viewer.viewBounds(p).min.y; };
    const double bigW = width(Plane::Axial), bigH = height(Plane::Axial), smallW = width(Plane::Coronal);
    ASSERT_GT(bigW, smallW);
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_v;
    for (Plane big : {Plane::Coronal, Plane::Sagittal, Plane::Axial}) {
        EXPECT_EQ(viewer.handleEvent(e, b, false, false), "view.swap");
        EXPECT_EQ(viewer.bigPlane(), big);
        EXPECT_EQ(width(big), bigW);
        EXPECT_EQ(height(big), bigH);
        // The two others share the column beside it, one above the other, and no view covers another.
        for (Plane other : {Plane::Axial, Plane::Coronal, Plane::Sagittal}) {
            if (other == big) continue;
            EXPECT_EQ(width(other), smallW);
            EXPECT_LT(height(other), bigH * 0.55);
            EXPECT_GE(viewer.viewBounds(other).min.x, viewer.viewBounds(big).max.x);
        }
        // The view under a pixel is the one drawn there: a click in the big view acts on the big plane.
        const auto r = viewer.viewBounds(big);
        EXPECT_EQ(viewer.viewAt((r.min + r.max) * 0.5), big);
    }
}

TEST(Viewer, EveryDefaultKeyRunsItsCommand) {
    Viewer viewer = laidOutViewer(testVolume());
    Bindings b = Bindings::defaults();
    for (const auto& info : bindableCommands()) {
        // The authoring screen's own keys (save, quit, cancel, delete) are tested with that screen.
        if (info.kind != CommandKind::Key || info.name.starts_with("authoring.")) continue;
        for (const Chord& chord : b.chordsOf(info.name)) {
            viewer.execute("slice.first", Plane::Axial);
            viewer.execute("slice.next10", Plane::Axial);  // room to move either way
            SDL_Event e{};
            e.type = SDL_KEYDOWN;
            e.key.keysym.sym = chord.key;
            e.key.keysym.mod = Uint16((chord.mods & kShift ? KMOD_LSHIFT : 0) | (chord.mods & kCtrl ? KMOD_LCTRL : 0) |
                                      (chord.mods & kAlt ? KMOD_LALT : 0));
            EXPECT_EQ(viewer.handleEvent(e, b, false, false), info.name) << chord.toString() << " does nothing";
        }
    }
}

TEST(Viewer, ProbeReportsHounsfieldUnitsAndPatientPositionUnderTheMouse) {
    auto v = testVolume();
    Viewer viewer = laidOutViewer(v);
    ImageRect r = viewer.imageRect(Plane::Axial);
    // The left third of the axial image is the patient's right: the bone block.
    glm::dvec2 px = r.toPixels({0.5 - 55.0 / 256.0, 0.5});
    auto probe = viewer.probe(px);
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->plane, Plane::Axial);
    EXPECT_EQ(probe->hu, 1000);
    EXPECT_NEAR(probe->lps.x, -55.0, 2.0);
    EXPECT_FALSE(viewer.probe({-10, -10}));
}

TEST(Viewer, RendersTheVolumeWithTheWindowInTheShader) {
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    AppWindow window({.width = 1000, .height = 600, .vsync = false, .hidden = true});
    auto v = testVolume();
    Viewer viewer = laidOutViewer(v);
    viewer.createGl();
    viewer.execute("slice.next10", Plane::Axial);
    auto render = [&] {
        window.beginFrame();
        bool shown = viewer.prepareFrame();
        viewer.draw(ImGui::GetBackgroundDrawList());
        window.renderWithoutSwap();
        EXPECT_TRUE(shown);
        return window.readPixels();
    };
    auto grey = [](const Screenshot& s, glm::dvec2 px) {
        return int(s.rgba[(std::size_t(px.y) * s.width + std::size_t(px.x)) * 4]);
    };
    ImageRect r = viewer.imageRect(Plane::Axial);
    glm::dvec2 right = r.toPixels({0.5 - 55.0 / 256.0, 0.5}), left = r.toPixels({0.5 + 55.0 / 256.0, 0.5}),
               soft = r.toPixels({0.5, 0.5 + 40.0 / 256.0});

    viewer.setWindow({400, 40});
    auto s1 = render();
    writePng(polysim::test::scratchDir("viewer") / "soft_tissue.png", s1);  // for a human to look at
    EXPECT_EQ(grey(s1, right), 255);                                        // bone is white in a soft-tissue window
    EXPECT_LT(grey(s1, left), 10);                                          // lung is black
    EXPECT_NEAR(grey(s1, soft), 127, 6);                                    // 40 HU sits mid-grey at level 40
    viewer.setWindow({1500, -600});
    auto s2 = render();
    EXPECT_GT(grey(s2, soft), 200);  // soft tissue is bright in a lung window
    EXPECT_GT(grey(s2, left), 60);   // and the lung shows grey
    viewer.destroyGl();
}

TEST(Viewer, TheAxialHeaderFitsTheViewWhereRegionsOverlap) {
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    AppWindow window({.width = 1000, .height = 600, .vsync = false, .hidden = true});
    Viewer viewer;
    viewer.setVolume(testVolume(), "Arterial phase, vertex to thighs");
    const std::vector<std::string> labels{"Chest: lungs and pleura", "Chest: mediastinum, heart, aorta",
                                          "Cervical and thoracolumbar spine"};
    viewer.setRegions({{labels[0], -100, 100}, {labels[1], -100, 100}, {labels[2], -100, 100}});
    viewer.layout({0, 0}, {560, 400});
    const float width = float(viewer.viewBounds(Plane::Axial).size().x) - 12;
    window.beginFrame();
    const auto lines = viewer.axialHeader();
    std::string all;
    for (const auto& line : lines) {
        EXPECT_LE(ImGui::CalcTextSize(line.c_str()).x, width) << "'" << line << "' runs out of the view";
        all += line + " ";
    }
    window.endFrame();
    for (const auto& label : labels) EXPECT_NE(all.find(label), std::string::npos) << label << " is not shown";
    EXPECT_NE(all.find("z "), std::string::npos);
}

TEST(Viewer, ImagesNotYetArrivedAreHatchedNotShownAsAir) {
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    AppWindow window({.width = 1000, .height = 600, .vsync = false, .hidden = true});
    Viewer viewer = laidOutViewer(testVolume());
    viewer.createGl();
    viewer.setArrivedImages(10);     // the top 10 of 40 images
    viewer.setWindow({1500, -600});  // a lung window, where air is grey
    auto render = [&] {
        window.beginFrame();
        viewer.prepareFrame();
        viewer.draw(ImGui::GetBackgroundDrawList());
        window.renderWithoutSwap();
        return window.readPixels();
    };
    auto rgb = [](const Screenshot& s, glm::dvec2 px) {
        const uint8_t* p = s.rgba.data() + (std::size_t(px.y) * s.width + std::size_t(px.x)) * 4;
        return glm::ivec3(p[0], p[1], p[2]);
    };
    auto blue = [](glm::ivec3 c) { return c.b > c.r + 30 && c.b > c.g + 20; };
    // The coronal reformat: its upper quarter arrived, the rest is hatched blue, even outside the body.
    viewer.execute("slice.first", Plane::Axial);
    auto shot = render();
    writePng(polysim::test::scratchDir("viewer-arrival") / "arriving.png", shot);
    const ImageRect cor = viewer.imageRect(Plane::Coronal);
    auto at = [&](double u, double v) { return cor.toPixels({u, v}); };
    EXPECT_FALSE(blue(rgb(shot, at(0.5, 0.1)))) << "an arrived image is hatched";
    EXPECT_TRUE(blue(rgb(shot, at(0.5, 0.7)))) << "a missing image inside the body looks like air";
    EXPECT_TRUE(blue(rgb(shot, at(0.05, 0.9)))) << "a missing image outside the body shows as air";
    // An axial image that has not arrived: hatched, and no HU under the mouse.
    for (int i = 0; i < 30; ++i) viewer.execute("slice.next", Plane::Axial);
    shot = render();
    const ImageRect ax = viewer.imageRect(Plane::Axial);
    EXPECT_TRUE(blue(rgb(shot, ax.toPixels({0.05, 0.05}))));
    auto probe = viewer.probe(ax.toPixels({0.5, 0.5}));
    ASSERT_TRUE(probe);
    EXPECT_FALSE(probe->arrived);
    viewer.destroyGl();
}

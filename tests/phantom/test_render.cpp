// Rendering planes to images the way radiologists read them: patient's right on the image left, anterior up on axial,
// superior up on reformats, true aspect ratio for thick slices, and PNG files any viewer opens.
#include <gtest/gtest.h>

#include <fstream>

#include "imaging/render.h"
#include "support/test_env.h"

using namespace polysim::imaging;

namespace {

// 40 x 40 x 10 volume, 1 mm pixels, 5 mm slices, with one bright block at the patient's right, anterior, superior.
std::unique_ptr<Volume> marked() {
    VolumeGeometry g;
    g.dims = {40, 40, 10};
    g.spacing = {1, 1, 5};
    g.origin = {-19.5, -19.5, -22.5};
    auto v = std::make_unique<Volume>(g, int16_t(-1000));
    for (int k = 7; k < 10; ++k)
        for (int j = 2; j < 8; ++j)
            for (int i = 2; i < 8; ++i) v->at(i, j, k) = 1000;  // x < 0: right; y < 0: anterior; high k: superior
    v->markAllReady();
    return v;
}

// Mean grey of the image quadrant (left/right, top/bottom).
double quadrant(const Image8& img, bool left, bool top) {
    double s = 0;
    int n = 0;
    for (int r = top ? 0 : img.height / 2; r < (top ? img.height / 2 : img.height); ++r)
        for (int c = left ? 0 : img.width / 2; c < (left ? img.width / 2 : img.width); ++c)
            s += img.pixels[std::size_t(r) * img.width + c], ++n;
    return s / n;
}

}  // namespace

TEST(Render, AxialShowsThePatientsRightOnTheLeftAndAnteriorUp) {
    auto v = marked();
    const Image8 img = renderPlane(*v, Plane::Axial, 20, Window{400, 40});
    EXPECT_EQ(img.width, 40);
    EXPECT_EQ(img.height, 40);
    EXPECT_GT(quadrant(img, true, true), 20);
    EXPECT_EQ(quadrant(img, false, true), quadrant(img, false, false));
    EXPECT_LT(quadrant(img, true, false), 5);
}

TEST(Render, CoronalAndSagittalHaveSuperiorUpAndTrueAspectForThickSlices) {
    auto v = marked();
    const Image8 cor = renderPlane(*v, Plane::Coronal, -15, Window{400, 40});
    EXPECT_EQ(cor.width, 40);
    EXPECT_EQ(cor.height, 46);  // 45 mm from first to last slice centre at 1 mm pixels, not 10 rows
    EXPECT_GT(quadrant(cor, true, true), 20) << "right and superior: top left";
    EXPECT_LT(quadrant(cor, true, false), 5);
    const Image8 sag = renderPlane(*v, Plane::Sagittal, -15, Window{400, 40});
    EXPECT_GT(quadrant(sag, true, true), 20) << "anterior and superior: top left";
    EXPECT_LT(quadrant(sag, false, true), 5);
}

TEST(Render, WindowMapsLevelToMidGreyAndPngIsWritten) {
    EXPECT_EQ(windowed(40, Window{400, 40}), 128);
    EXPECT_EQ(windowed(-1000, Window{400, 40}), 0);
    EXPECT_EQ(windowed(3000, Window{400, 40}), 255);
    auto v = marked();
    const auto dir = polysim::test::scratchDir("render_png");
    writePng(dir / "a.png", renderPlane(*v, Plane::Axial, 20, Window{400, 40}));
    std::ifstream in(dir / "a.png", std::ios::binary);
    std::string head(8, '\0');
    in.read(head.data(), 8);
    EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_THROW(writePng(dir / "missing" / "b.png", renderPlane(*v, Plane::Axial, 20, Window{400, 40})),
                 std::runtime_error);
}

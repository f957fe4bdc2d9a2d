// Does the built-in patient look like CT? The realism statistics measured on the phantom's series and on the real
// series in ../shared/fixtures/real at the same anatomy, and the statistics themselves checked on images whose
// answer is known.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "imaging/dicom_loader.h"
#include "phantom/realism.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace polysim;

namespace {

fs::path realFolder() { return test::fixturesDir() / "real"; }

// A 256 x 256 x 4 slice "patient": a 180 mm disc of `hu` in air, with Gaussian white noise of `sigma`.
std::unique_ptr<imaging::Volume> noisyDisc(double hu, double sigma, double pixelMm) {
    imaging::VolumeGeometry g;
    g.dims = {256, 256, 4};
    g.spacing = {pixelMm, pixelMm, 2.0};
    auto v = std::make_unique<imaging::Volume>(g);
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0.0, sigma);
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 256; ++j)
            for (int i = 0; i < 256; ++i) {
                const double r = std::hypot(i - 127.5, j - 127.5) * pixelMm;
                v->at(i, j, k) = int16_t(std::lround((r < 90 ? hu : -1000.0) + noise(rng)));
            }
    v->markAllReady();
    return v;
}

TEST(RealismStatistics, MeasuresTheNoisePutIntoAnImage) {
    const auto v = noisyDisc(40, 10, 0.8);
    const auto s = phantom::measureSlices(*v, {0, 1, 2, 3});
    EXPECT_NEAR(s.noiseHu, 10.0, 0.6);
    // White noise spreads its power evenly up to the Nyquist frequency: mean 0.38 cycles per pixel.
    EXPECT_NEAR(s.noiseFrequency * 0.8, 0.38, 0.03);
    // An ideal edge blurred by nothing: the 10-90 % width is below one pixel.
    EXPECT_LT(s.skinEdgeMm, 0.8);
    // One tissue: its noise fills a few 5-HU levels, and nothing but the skin line is an edge.
    EXPECT_LT(s.softTissueLevels, 8);
    EXPECT_LT(s.edgeDensity, 0.05);
}

TEST(RealismStatistics, RealCtHoldsMoreGreysThanAFlatDrawingOfIt) {
    if (!fs::exists(realFolder() / "lidc-idri-0001-chest")) GTEST_SKIP() << "no real chest fixture";
    const auto real = imaging::loadCtVolume(realFolder() / "lidc-idri-0001-chest");
    const auto s = phantom::measureZRange(*real, -195, -95);
    // The same slices painted as a cartoon: each pixel set to the nearest of air, lung, fat, soft tissue, contrast
    // and bone, plus the same amount of noise.
    imaging::Volume flat(real->geometry());
    std::mt19937 rng(9);
    std::normal_distribution<double> noise(0.0, s.noiseHu);
    const double levels[] = {-1000, -850, -100, 45, 250, 700};
    for (std::size_t i = 0; i < flat.voxels().size(); ++i) {
        const double h = real->voxels()[i];
        double best = levels[0];
        for (double l : levels)
            if (std::abs(h - l) < std::abs(h - best)) best = l;
        flat.voxels()[i] = int16_t(std::lround(best + noise(rng)));
    }
    flat.markAllReady();
    const auto f = phantom::measureZRange(flat, -195, -95);
    EXPECT_EQ(s.slices, 10);
    EXPECT_GT(s.softTissueLevels, 35);
    EXPECT_GT(s.softTissueLevels, f.softTissueLevels * 1.3);
    EXPECT_GT(s.edgeDensity, 0.15);
    EXPECT_LT(s.edgeDensity, 0.5);
    EXPECT_NEAR(f.noiseHu, s.noiseHu, 0.2 * s.noiseHu);
}

}  // namespace

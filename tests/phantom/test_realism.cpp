// Does the built-in patient look like CT? The realism statistics measured on the phantom's series and on the real
// series in ../shared/fixtures/real at the same anatomy, and the statistics themselves checked on images whose
// answer is known.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <random>

#include "imaging/dicom_loader.h"
#include "phantom/model.h"
#include "phantom/phantom.h"
#include "phantom/realism.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace polysim;

namespace {

fs::path realFolder() {
    return test::fixturesDir() / "real";
}

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

// The acceptance band around the real series: each real reference is one patient on one scanner, so the phantom
// may differ from the nearest real value by a quarter of it.
constexpr double kTolerance = 0.25;

struct Band {
    double lo = 1e300, hi = -1e300;
    void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
    bool holds(double v) const { return v >= lo * (1 - kTolerance) && v <= hi * (1 + kTolerance); }
};

TEST(PhantomRealism, BodyAndHeadSeriesFallWithinTheRangeOfRealCtAtTheSameAnatomy) {
    if (!fs::exists(realFolder() / "lidc-idri-0001-chest") || !fs::exists(realFolder() / "cptac-gbm-head"))
        GTEST_SKIP() << "no real CT fixtures";
    phantom::PhantomOptions o;  // the default patient at full resolution; 5 mm apart is enough for per-slice numbers
    o.sliceMm = 5;
    const auto regions = phantom::compareWithReal(realFolder(), o);
    ASSERT_EQ(regions.size(), phantom::realReferences().size());
    using Metric = double phantom::ImageStatistics::*;
    const std::pair<const char*, Metric> metrics[] = {
        {"soft-tissue noise", &phantom::ImageStatistics::noiseHu},
        {"noise grain (NPS mean frequency)", &phantom::ImageStatistics::noiseFrequency},
        {"skin edge width", &phantom::ImageStatistics::skinEdgeMm},
        {"soft-tissue levels", &phantom::ImageStatistics::softTissueLevels},
        {"edge density", &phantom::ImageStatistics::edgeDensity},
    };
    for (const auto& [name, metric] : metrics) {
        // Body regions are held to the range of all real body series, the head to the real head.
        Band body, head;
        for (const auto& r : regions) (r.reference.region == "head" ? head : body).add(r.real.*metric);
        for (const auto& r : regions) {
            const Band& band = r.reference.region == "head" ? head : body;
            EXPECT_GE(r.phantom.slices, 3) << r.reference.region;
            EXPECT_TRUE(band.holds(r.phantom.*metric))
                << "phantom " << r.reference.region << ": " << name << " " << r.phantom.*metric
                << " is outside the real " << band.lo << " .. " << band.hi << " (+-" << kTolerance * 100 << " %)";
        }
    }
}

}  // namespace

namespace {

// Widths (mm) of the runs of body (> -400 HU) along the row through the body's centre at height z.
std::vector<double> bodyRuns(const imaging::Volume& v, double z) {
    const auto& g = v.geometry();
    const int k = int(std::lround(g.patientToIndex({0, 0, z}).z));
    const int j = int(std::lround(g.patientToIndex({0, 10, z}).y));
    std::vector<double> runs;
    int start = -1;
    for (int i = 0; i <= g.dims.x; ++i) {
        const bool in = i < g.dims.x && v.at(i, j, k) > -400;
        if (in && start < 0) start = i;
        if (!in && start >= 0) runs.push_back((i - start) * g.spacing.x), start = -1;
    }
    return runs;
}

}  // namespace

TEST(PhantomPatients, DifferentSeedsGiveDifferentBuildsAndArmPositionsAroundTheSameOrgans) {
    double narrowest = 1e9, widest = 0;
    bool armsDown = false, armsUp = false;
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        phantom::PhantomOptions o;
        o.seed = seed;
        o.matrix = 128;
        o.sliceMm = 10;
        const auto v = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
        const auto belly = bodyRuns(*v, -645);
        ASSERT_FALSE(belly.empty());
        const double trunk = *std::max_element(belly.begin(), belly.end());
        narrowest = std::min(narrowest, trunk), widest = std::max(widest, trunk);
        // Arms at the patient's sides reach beyond 195 mm from the midline at the level of the kidneys; the trunk of
        // even the heaviest build does not.
        double reach = 0;
        const auto& gv = v->geometry();
        const int kk = int(std::lround(gv.patientToIndex({0, 0, -575}).z)),
                  jj = int(std::lround(gv.patientToIndex({0, 10, -575}).y));
        for (int i = 0; i < gv.dims.x; ++i)
            if (v->at(i, jj, kk) > -400) reach = std::max(reach, std::abs(gv.indexToPatient({i, jj, kk}).x));
        (reach > 195 ? armsDown : armsUp) = true;
        // Whatever the build, the liver stays where the findings expect it.
        const auto& g = v->geometry();
        const auto p = g.patientToIndex({-80, 0, -575});
        const int h = v->at(int(std::lround(p.x)), int(std::lround(p.y)), int(std::lround(p.z)));
        EXPECT_NEAR(h, 82, 60) << "seed " << seed << ": liver";
    }
    EXPECT_GT(widest - narrowest, 15.0) << "abdominal width varies with the subcutaneous fat";
    EXPECT_TRUE(armsDown) << "some patients have their arms beside the body";
    EXPECT_TRUE(armsUp) << "some patients have their arms raised for the body scan";
}

// An arm beside the chest is not a rod of muscle round a bone: in the arterial phase its brachial artery enhances in
// the fat of the medial neurovascular bundle, and a fat septum parts the flexors in front from the triceps behind.
TEST(PhantomPatients, AnArmBesideTheBodyHoldsItsArteryAndItsMuscleCompartments) {
    phantom::PhantomOptions o;
    o.seed = 3;  // arms beside the body
    o.matrix = 512;
    o.sliceMm = 5;
    const auto v = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    const auto& g = v->geometry();
    const double z = -450;
    const int k = int(std::lround(g.patientToIndex({0, 0, z}).z));
    for (int s : {-1, 1}) {
        // The humerus: the bone beside the chest, above the couch (the arm lies further out in a patient with more
        // fat).
        glm::dvec2 humerus(0);
        int bone = 0;
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const glm::dvec3 p = g.indexToPatient({i, j, k});
                if (s * p.x > 175 && std::abs(p.y - 23) < 30 && v->at(i, j, k) > 300)
                    humerus += glm::dvec2(p.x, p.y), ++bone;
            }
        ASSERT_GT(bone, 50) << (s < 0 ? "right" : "left") << " arm: no humerus beside the chest";
        humerus /= double(bone);
        int artery = 0, septum = 0, muscle = 0;
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const glm::dvec3 p = g.indexToPatient({i, j, k});
                const glm::dvec2 d(p.x - humerus.x, p.y - humerus.y);
                const double r = glm::length(d);
                const int hu = v->at(i, j, k);
                const bool medial = s * d.x < 0;
                // Contrast-filled artery: medial to the bone, outside its cortex.
                if (medial && r > 13 && r < 24 && hu > 200 && hu < 500) ++artery;
                // Fat within the muscle lateral to the bone, along the line of the septum.
                if (!medial && std::abs(d.y) < 2 && r > 13 && r < 20 && hu < -40) ++septum;
                if (r > 13 && r < 20 && hu > 20 && hu < 90) ++muscle;
            }
        EXPECT_GT(artery, 4) << (s < 0 ? "right" : "left") << " arm: no enhancing brachial artery";
        EXPECT_GT(septum, 2) << (s < 0 ? "right" : "left") << " arm: no intermuscular septum";
        EXPECT_GT(muscle, 100) << (s < 0 ? "right" : "left") << " arm: no muscle round the humerus";
    }
}

namespace {

// One series of the built-in patient of `seed` at `matrix` pixels and `sliceMm` spacing.
std::unique_ptr<imaging::Volume> series(phantom::SeriesKind kind, int matrix, double sliceMm, std::uint64_t seed = 1) {
    phantom::PhantomOptions o;
    o.seed = seed;
    o.matrix = matrix;
    o.sliceMm = sliceMm;
    return phantom::generateSeries(o, kind);
}

// Bone (above 300 HU) as connected pieces of one axial slice: the centre of each piece in patient mm.
std::vector<glm::dvec2> bonePieces(const imaging::Volume& v, int k) {
    const auto& g = v.geometry();
    std::vector<std::uint8_t> seen(std::size_t(g.dims.x) * g.dims.y, 0);
    std::vector<glm::dvec2> pieces;
    for (int j0 = 0; j0 < g.dims.y; ++j0)
        for (int i0 = 0; i0 < g.dims.x; ++i0) {
            if (seen[std::size_t(j0) * g.dims.x + i0] || v.at(i0, j0, k) <= 300) continue;
            std::vector<glm::ivec2> stack{{i0, j0}};
            seen[std::size_t(j0) * g.dims.x + i0] = 1;
            glm::dvec2 sum(0);
            int n = 0;
            while (!stack.empty()) {
                const glm::ivec2 q = stack.back();
                stack.pop_back();
                const glm::dvec3 p = g.indexToPatient({q.x, q.y, k});
                sum += glm::dvec2(p.x, p.y), ++n;
                for (const glm::ivec2 d : {glm::ivec2(1, 0), glm::ivec2(-1, 0), glm::ivec2(0, 1), glm::ivec2(0, -1)}) {
                    const glm::ivec2 r = q + d;
                    if (r.x < 0 || r.y < 0 || r.x >= g.dims.x || r.y >= g.dims.y) continue;
                    auto& s = seen[std::size_t(r.y) * g.dims.x + r.x];
                    if (s || v.at(r.x, r.y, k) <= 300) continue;
                    s = 1;
                    stack.push_back(r);
                }
            }
            pieces.push_back(sum / double(n));
        }
    return pieces;
}

}  // namespace

// The bony frame a reader's eye expects round the upper abdomen: the lower ribs slope down round the liver and spleen
// (a slice at the renal hila cuts several on each side), and a slice through a lumbar vertebral body shows its arch
// closed behind the canal, not a canal open to the back muscles.
TEST(PhantomAnatomy, TheLowerRibsSurroundTheUpperAbdomenAndTheLumbarArchesCloseBehindTheCanal) {
    const auto v = series(phantom::SeriesKind::Arterial, 256, 2);
    const auto& g = v->geometry();
    auto sliceAt = [&](double z) { return int(std::lround(g.patientToIndex({0, 0, z}).z)); };
    for (double z : {-550.0, -560.0}) {
        int right = 0, left = 0;
        for (const auto& c : bonePieces(*v, sliceAt(z))) {
            // In the wall lateral to the spine and the transverse processes, off the arms (beyond 165 mm).
            if (std::abs(c.x) > 75 && std::abs(c.x) < 165 && c.y < 95) (c.x < 0 ? right : left)++;
        }
        EXPECT_GE(right, 2) << "z " << z << ": ribs round the liver";
        EXPECT_GE(left, 2) << "z " << z << ": ribs round the spleen";
    }
    for (const auto& level : phantom::detail::vertebrae()) {
        if (level.name[0] != 'L') continue;
        const double canalBack = phantom::detail::spineY(level.z) + level.ry + 7.5 + 10;
        int slices = 0, closed = 0;
        for (double z = level.z - level.height / 2 + 1; z <= level.z + level.height / 2 - 1; z += g.spacing.z) {
            const int k = sliceAt(z);
            bool bone = false;
            for (double y = canalBack - 3; y <= canalBack + 12 && !bone; y += 0.5) {
                const glm::dvec3 q = g.patientToIndex({0, y, z});
                bone = v->at(int(std::lround(q.x)), int(std::lround(q.y)), k) > 300;
            }
            ++slices, closed += bone;
        }
        EXPECT_GE(double(closed) / slices, 0.9) << level.name << ": " << closed << " of " << slices
                                                << " slices through the body show the arch behind the canal";
    }
}

// The back of a supine patient is one smooth curve of skin over subcutaneous fat; the erector spinae lie in the
// gutters beside the spine under that fat, not as lumps bulging out of the back. Along the columns over the
// paraspinal muscles, the 20 mm under the skin hold fat at every level of the lumbar spine.
TEST(PhantomAnatomy, TheParaspinalMusclesLieUnderTheSubcutaneousFatOfTheBack) {
    const auto v = series(phantom::SeriesKind::Arterial, 256, 2);
    const auto& g = v->geometry();
    for (double z : {-540.0, -580.0, -620.0, -660.0, -700.0}) {
        const int k = int(std::lround(g.patientToIndex({0, 0, z}).z));
        std::vector<double> fatMm;
        for (double x : {-50.0, -40.0, -30.0, 30.0, 40.0, 50.0}) {
            const int i = int(std::lround(g.patientToIndex({x, 0, z}).x));
            // Out of the body towards the table to the skin's surface, then the fat in the 20 mm under it.
            int j = int(std::lround(g.patientToIndex({x, 40, z}).y));
            while (j + 1 < g.dims.y && v->at(i, j + 1, k) >= -400) ++j;
            int fat = 0;
            for (int d = 0; d * g.spacing.y < 20 && j - d >= 0; ++d) fat += v->at(i, j - d, k) < -30;
            fatMm.push_back(fat * g.spacing.y);
        }
        std::sort(fatMm.begin(), fatMm.end());
        EXPECT_GE(fatMm.front(), 5.0) << "z " << z << ": the thinnest fat over the paraspinal muscles is "
                                      << fatMm.front() << " mm (median " << fatMm[fatMm.size() / 2] << " mm)";
    }
}

// At the level of the bodies of the lateral ventricles a reader sees them either side of a thin septum pellucidum
// under the corpus callosum, the falx only in the fissure in front of and behind them: not two tubes far apart with a
// CSF cleft running the whole length of the midline between them.
TEST(PhantomAnatomy, TheLateralVentriclesLieEitherSideOfTheSeptumWithNoFissureBetweenThem) {
    const auto v = series(phantom::SeriesKind::Head, 512, 2);
    const auto& g = v->geometry();
    const int k = int(std::lround(g.patientToIndex({0, 0, -60}).z));
    int midlineCsf = 0, midlineN = 0;
    std::map<int, std::pair<double, int>> columns;  // column: sum of HU and pixels over the ventricles' length
    for (int j = 0; j < g.dims.y; ++j)
        for (int i = 0; i < g.dims.x; ++i) {
            const glm::dvec3 p = g.indexToPatient({i, j, k});
            if (p.y < -6 || p.y > 8) continue;
            const int hu = v->at(i, j, k);
            // CSF (about 8 HU) under 15 HU; the head series' noise takes brain (about 30 HU) there rarely.
            if (std::abs(p.x) < 1.3) midlineCsf += hu < 15, ++midlineN;
            auto& c = columns[i];
            c.first += hu, ++c.second;
        }
    ASSERT_GT(midlineN, 20);
    // The nearest column to the midline, each side, that is CSF along the ventricles' length.
    double innerWall[2] = {1e9, 1e9};
    for (const auto& [i, c] : columns) {
        const double x = g.indexToPatient({i, 0, k}).x;
        if (std::abs(x) > 1.5 && std::abs(x) < 25 && c.first / c.second < 15)
            innerWall[x < 0 ? 0 : 1] = std::min(innerWall[x < 0 ? 0 : 1], std::abs(x));
    }
    EXPECT_LT(double(midlineCsf) / midlineN, 0.15)
        << midlineCsf << " of " << midlineN << " midline pixels between the ventricles are CSF";
    for (int s = 0; s < 2; ++s)
        EXPECT_LT(innerWall[s], 4.5) << (s == 0 ? "right" : "left") << " lateral ventricle is " << innerWall[s]
                                     << " mm from the midline";
}

// The pelvis a reader knows: the iliac wings are blades that curve round the iliac fossa, not flat plates, and at the
// femoral heads the obturator internus lines the inner wall of each acetabulum, so the pelvic fat lies between two
// bands of muscle rather than against the bone.
TEST(PhantomAnatomy, TheIliacWingsCurveRoundTheFossaAndMuscleLinesTheInnerWallOfTheAcetabulum) {
    const auto v = series(phantom::SeriesKind::Arterial, 256, 2);
    const auto& g = v->geometry();
    auto hu = [&](double x, double y, double z) {
        const glm::dvec3 q = g.patientToIndex({x, y, z});
        return v->at(int(std::lround(q.x)), int(std::lround(q.y)), int(std::lround(q.z)));
    };
    for (int s : {-1, 1}) {
        const char* side = s < 0 ? "right" : "left";
        // The outer surface of the wing halfway up, row by row from the anterior superior iliac spine back towards
        // the sacroiliac joint (beyond the sacrum, inside the arms).
        std::vector<glm::dvec2> edge;  // (y, |x|)
        for (double y = -20; y <= 50; y += 2)
            for (double ax = 150; ax >= 60; ax -= 0.5)
                if (hu(s * ax, y, -720) > 300) {
                    edge.push_back({y, ax});
                    break;
                }
        ASSERT_GE(edge.size(), 30u) << side << " iliac wing missing from rows at z -720";
        const glm::dvec2 a = edge.front(), b = edge.back();
        double bulge = -1e9;
        for (const auto& p : edge) bulge = std::max(bulge, p.y - (a.y + (p.x - a.x) / (b.x - a.x) * (b.y - a.y)));
        EXPECT_GT(bulge, 6.0) << side << " iliac wing: its middle lies only " << bulge
                              << " mm lateral to the line between its ends (a flat plate)";
        // Medial to the acetabulum's inner wall around the centre of the femoral head: muscle, then fat. Averaged
        // over a patch, since the streaks between the femoral heads cross it.
        double sum = 0;
        int n = 0;
        for (double y = -16; y <= 4; y += 1) {
            double wall = 0;
            for (double ax = 30; ax <= 90 && wall == 0; ax += 0.5)
                if (hu(s * ax, y, -792) > 300) wall = ax;
            ASSERT_GT(wall, 0) << side << " acetabulum at y " << y;
            for (double ax = wall - 7; ax <= wall - 2; ax += 0.5) sum += hu(s * ax, y, -792), ++n;
        }
        EXPECT_GT(sum / n, 15.0) << side << ": fat (" << sum / n << " HU) against the inner wall of the acetabulum";
    }
}

// The heart reads as a heart, not as bright ovals in a grey ball: in the arterial phase the left ventricle's cavity is
// ringed by a wall of myocardium about a centimetre thick, the septum parts it from the right ventricle's blood, and
// the lateral wall ends in epicardial fat or lung. Without contrast, blood and muscle are one grey and the fat in the
// grooves is what outlines the chambers.
TEST(PhantomAnatomy, TheLeftVentricleHasAMyocardialWallAndASeptumAndFatOutlinesTheChambersWithoutContrast) {
    namespace pd = phantom::detail;
    const auto v = series(phantom::SeriesKind::Arterial, 256, 2);
    const glm::dvec3 lv =
        pd::heartPoint(pd::kLeftVentricleCavity.x, pd::kLeftVentricleCavity.y, pd::kLeftVentricleCavity.z);
    // Across the septum and the lateral wall, in the slice through the cavity's centre: the frame's second column.
    const glm::dvec3 across = glm::normalize(glm::dvec3(pd::heartFrame()[1].x, pd::heartFrame()[1].y, 0));
    auto profile = [&](const imaging::Volume& vol, double sign) {
        const auto& gv = vol.geometry();
        const int k = int(std::lround(gv.patientToIndex(lv).z));
        std::vector<double> out;  // one value per 0.5 mm, the median of three neighbours along the ray
        auto at = [&](double t) {
            const glm::dvec3 q = gv.patientToIndex(lv + sign * t * across);
            return double(vol.at(int(std::lround(q.x)), int(std::lround(q.y)), k));
        };
        for (double t = 0; t < 70; t += 0.5) {
            double a = at(t - 1), b = at(t), c = at(t + 1);
            out.push_back(std::max(std::min(a, b), std::min(std::max(a, b), c)));
        }
        return out;
    };
    // The length in mm of the run that starts at index i and stays within [lo, hi]; i moves past it.
    auto run = [](const std::vector<double>& p, std::size_t& i, double lo, double hi) {
        const std::size_t start = i;
        while (i < p.size() && p[i] >= lo && p[i] <= hi) ++i;
        return double(i - start) * 0.5;
    };
    for (double sign : {1.0, -1.0}) {
        const char* wall = sign > 0 ? "lateral wall" : "septum";
        const auto p = profile(*v, sign);
        std::size_t i = 0;
        EXPECT_GE(run(p, i, 200, 700), 12.0) << wall << ": the left ventricle's contrast-filled cavity";
        const double muscle = run(p, i, 40, 185);
        EXPECT_GE(muscle, 6.0) << wall << ": myocardium round the cavity";
        EXPECT_LE(muscle, 16.0) << wall << ": a wall, not a slab of tissue filling the heart";
        if (sign < 0) {
            EXPECT_GE(run(p, i, 120, 700), 8.0) << "the right ventricle's blood beyond the septum";
        } else {
            bool outside = false;
            for (std::size_t j = i; j < std::min(p.size(), i + 24) && !outside; ++j) outside = p[j] < -30;
            EXPECT_TRUE(outside) << "epicardial fat or lung within 12 mm outside the lateral wall";
        }
    }
    // Without contrast: inside the pericardium, the ventricles' grey is broken by fat (the grooves and the fat over
    // the heart), on a twenty-fifth to a third of the pixels of the slice through the ventricles.
    phantom::PhantomOptions o;
    o.matrix = 256;
    o.sliceMm = 2;
    const auto plain = phantom::generateSeries(o, phantom::SeriesKind::NonContrast);
    const auto& gp = plain->geometry();
    const int k = int(std::lround(gp.patientToIndex(lv).z));
    int fat = 0, n = 0;
    for (double u = -40; u <= 50; u += 1)
        for (double w = -45; w <= 45; w += 1) {
            // The slice's points inside the envelope, less a millimetre for the pericardium.
            const glm::dvec3 p = pd::heartPoint(u, 0, 0) + w * glm::dvec3(-across.y, across.x, 0);
            const glm::dvec3 q = gp.patientToIndex({p.x, p.y, lv.z});
            const glm::dvec3 local = glm::transpose(pd::heartFrame()) * (glm::dvec3(p.x, p.y, lv.z) - pd::kHeartCentre);
            if (glm::length(local / (pd::kHeartRadii - 1.0)) > 1) continue;
            ++n, fat += plain->at(int(std::lround(q.x)), int(std::lround(q.y)), k) < -30;
        }
    ASSERT_GT(n, 1000);
    EXPECT_GT(double(fat) / n, 0.04) << "fat outlines the chambers: " << fat << " of " << n << " pixels";
    EXPECT_LT(double(fat) / n, 0.35) << "the heart is muscle and blood, not a ball of fat: " << fat << " of " << n;
}

// A hand beside the hip is a hand: with the arms beside the body, a slice through the palm cuts the metacarpals as
// separate small bones in a flat hand beside each thigh, not a ring of skin round nothing.
TEST(PhantomPatients, AHandBesideTheHipHoldsItsMetacarpalsInAFlatPalm) {
    const auto v = series(phantom::SeriesKind::Arterial, 512, 5, 3);  // seed 3: arms beside the body
    const auto& g = v->geometry();
    const int k = int(std::lround(g.patientToIndex({0, 0, -845}).z));
    for (int s : {-1, 1}) {
        const char* side = s < 0 ? "right" : "left";
        // The bones beside the hip, beyond the trunk and the thigh: in a row from front to back across the palm.
        std::vector<glm::dvec2> bones;
        for (const auto& c : bonePieces(*v, k))
            if (s * c.x > 155) bones.push_back(c);
        EXPECT_GE(bones.size(), 4u) << side << " hand: " << bones.size()
                                    << " bones in the palm at z -845 (five metacarpals)";
        if (bones.size() < 2) continue;
        double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
        for (const auto& c : bones)
            x0 = std::min(x0, c.x), x1 = std::max(x1, c.x), y0 = std::min(y0, c.y), y1 = std::max(y1, c.y);
        EXPECT_GT(y1 - y0, 3 * (x1 - x0) + 20) << side << " hand: the bones span " << (x1 - x0) << " mm across and "
                                               << (y1 - y0) << " mm front to back, not a row across a flat palm";
    }
}

// The muscles of the hip and thigh are separate muscles: walking round the thigh midway between the femur and the
// skin, the path crosses the fat planes between quadriceps, adductors and hamstrings, and round the hip those between
// the glutei and the muscles in front of the joint.
TEST(PhantomAnatomy, FatPlanesPartTheMusclesOfTheHipAndThigh) {
    const auto v = series(phantom::SeriesKind::Arterial, 512, 5);
    const auto& g = v->geometry();
    // The fat planes crossed on a circle: runs of at most 8 mm that are not muscle, hold fat and lie between muscle
    // on both sides (bone, or the subcutaneous fat's long runs, are no plane).
    auto planesOnRing = [&](glm::dvec2 c, double r, double z) {
        const int k = int(std::lround(g.patientToIndex({0, 0, z}).z));
        constexpr int n = 1440;
        const double step = r * 2 * std::numbers::pi / n;
        std::vector<int> hu(n);
        for (int a = 0; a < n; ++a) {
            const double t = a * 2 * std::numbers::pi / n;
            const glm::dvec3 q = g.patientToIndex({c.x + r * std::cos(t), c.y + r * std::sin(t), z});
            hu[a] = v->at(int(std::lround(q.x)), int(std::lround(q.y)), k);
        }
        auto muscle = [](int h) { return h > 20 && h < 150; };
        int start = 0;
        while (start < n && !muscle(hu[start])) ++start;
        if (start == n) return 0;
        int planes = 0, run = 0;
        bool fat = false;
        for (int a = 1; a <= n; ++a) {
            const int h = hu[(start + a) % n];
            if (muscle(h)) {
                if (run > 0 && fat && run * step <= 8) ++planes;
                run = 0, fat = false;
            } else if (h >= 150) {
                run = n;  // bone: what follows is no plane between muscles
            } else {
                ++run, fat = fat || h < -30;
            }
        }
        return planes;
    };
    // Summed over four circles, as one circle may run along a plane rather than across it.
    for (int s : {-1, 1}) {
        const char* side = s < 0 ? "right" : "left";
        int thigh = 0, hip = 0;
        for (double r : {32.0, 36.0, 40.0, 44.0}) thigh += planesOnRing({s * 87.0, -4}, r, -950);
        for (double r : {40.0, 44.0, 48.0, 52.0}) hip += planesOnRing({s * 92.0, -6}, r, -790);
        EXPECT_GE(thigh, 14) << side << " thigh: " << thigh << " fat planes between its muscles on four circles";
        EXPECT_GE(hip, 10) << side << " hip: " << hip << " fat planes between the muscles round the femoral head";
    }
}

// What each injury does to the images: it changes HU where its ground truth says and nowhere else, haematomas push the
// midline, a tension pneumothorax pushes the mediastinum, and the same seed always gives the same patient.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <set>

#include "phantom/model.h"
#include "phantom/phantom.h"

using namespace polysim;

namespace {

phantom::PhantomOptions testOptions(std::vector<std::string> injuries = {}) {
    phantom::PhantomOptions o;
    o.seed = 11;
    o.matrix = 128;
    o.sliceMm = 3;
    o.injuries = std::move(injuries);
    return o;
}

// A shipped case's patient at the cases' matrix (512: the tube's radio-opaque line is 1.6 mm wide).
phantom::PhantomOptions caseOptions(std::uint64_t seed, std::vector<std::string> injuries) {
    auto o = testOptions(std::move(injuries));
    o.seed = seed;
    o.matrix = 512;
    return o;
}
// A shipped case's patient (its seed) on a 256-pixel scout, without the injury and with it.
std::pair<std::unique_ptr<imaging::Volume>, std::unique_ptr<imaging::Volume>> scoutsOf(std::uint64_t seed,
                                                                                       const std::string& injury) {
    auto o = testOptions();
    o.seed = seed;
    o.matrix = 256;
    auto normal = phantom::generateSeries(o, phantom::SeriesKind::Scout);
    o.injuries = {injury};
    return {std::move(normal), phantom::generateSeries(o, phantom::SeriesKind::Scout)};
}
// The scout's column at LPS x and its row at z.
template <class Geometry>
int scoutColumn(const Geometry& g, double x) {
    return int(std::lround(g.patientToIndex(glm::dvec3(x, 0, 0)).x));
}
template <class Geometry>
int scoutRow(const Geometry& g, double z) {
    return int(std::lround(g.patientToIndex(glm::dvec3(0, 0, z)).y));
}

bool inBox(const glm::dvec3& p, const glm::dvec3& lo, const glm::dvec3& hi, double margin) {
    return p.x >= lo.x - margin && p.y >= lo.y - margin && p.z >= lo.z - margin && p.x <= hi.x + margin &&
           p.y <= hi.y + margin && p.z <= hi.z + margin;
}

// Calls fn(position, HU) for each voxel in [lo, hi].
template <class Fn>
void eachInBox(const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi, Fn&& fn) {
    const auto& g = v.geometry();
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const glm::dvec3 p = g.indexToPatient({i, j, k});
                if (inBox(p, lo, hi, 0)) fn(p, int(v.at(i, j, k)));
            }
}

// Mean LPS x of voxels in [lo, hi] whose HU lies in [huLo, huHi].
double meanX(const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi, int huLo, int huHi, long* count = nullptr) {
    double sum = 0;
    long n = 0;
    eachInBox(v, lo, hi, [&](const glm::dvec3& p, int h) {
        if (h < huLo || h > huHi) return;
        sum += p.x;
        ++n;
    });
    if (count) *count = n;
    return n ? sum / double(n) : 0.0;
}

class InjuryFootprint : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(InjuryFootprint, ChangesHuInsideItsFindingAndNowhereOutsideItsAffectedBox) {
    const auto with = testOptions({GetParam()});
    const auto findings = phantom::groundTruth(with);
    ASSERT_EQ(findings.size(), 1u);
    const auto& f = findings[0];
    const auto kind = f.series;
    // The same patient with the same devices: a misplaced tube is compared with the tube where it belongs.
    auto without = testOptions();
    for (const auto& d : phantom::detail::devicesOf(with)) without.devices.push_back(d);
    const auto a = phantom::generateSeries(without, kind);
    const auto b = phantom::generateSeries(with, kind);
    const auto& g = a->geometry();
    const double margin = glm::length(g.spacing);  // partial-volume edge of one voxel
    long inside = 0, outside = 0;
    glm::dvec3 worst{0.0};
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                if (a->at(i, j, k) == b->at(i, j, k)) continue;
                const glm::dvec3 p = g.indexToPatient({i, j, k});
                if (inBox(p, f.centreLps - f.extentMm * 0.5, f.centreLps + f.extentMm * 0.5, margin)) ++inside;
                if (!inBox(p, f.affectedMinLps, f.affectedMaxLps, margin)) {
                    ++outside;
                    worst = p;
                }
            }
    EXPECT_GT(inside, 0) << f.id << " leaves its lesion box unchanged";
    EXPECT_EQ(outside, 0) << f.id << " changes voxels outside its affected box, e.g. at " << worst.x << ", " << worst.y
                          << ", " << worst.z;
}

INSTANTIATE_TEST_SUITE_P(Library, InjuryFootprint, ::testing::ValuesIn([] {
                             std::vector<std::string> ids;
                             for (const auto& i : phantom::injuryLibrary()) ids.push_back(i.id);
                             return ids;
                         }()),
                         [](const auto& info) { return info.param; });

TEST(PhantomInjuries, LibraryHasTheIssuesInjuriesWithSubtleVariantsAndKnownRegions) {
    const std::set<std::string> regions{"airway",         "cervical_spine", "chest_lungs", "chest_mediastinum",
                                        "abdomen_pelvis", "head",           "spine",       "extremities"};
    int subtle = 0;
    for (const auto& i : phantom::injuryLibrary()) {
        EXPECT_TRUE(regions.count(i.region)) << i.id << " has region " << i.region;
        EXPECT_GE(i.acrCategory, i.normalVariant ? 0 : 1) << i.id;
        if (i.normalVariant) {
            EXPECT_EQ(i.acrCategory, 0) << i.id << ": a normal variant is not an injury";
        }
        EXPECT_LE(i.acrCategory, 3);
        EXPECT_FALSE(i.description.empty());
        subtle += i.subtle;
    }
    EXPECT_GE(phantom::injuryLibrary().size(), 12u);
    EXPECT_GE(subtle, 2);
    ASSERT_NE(phantom::findInjury("EDH"), nullptr);
    EXPECT_EQ(phantom::findInjury("EDH")->id, "epidural_hematoma");
    EXPECT_EQ(phantom::findInjury("no such thing"), nullptr);
}

TEST(PhantomInjuries, EpiduralHaematomaShiftsTheMidlineAwayFromTheLesion) {
    // Lateral ventricles (CSF) around the midline at their body level; their centre marks the midline.
    const glm::dvec3 lo(-40, -40, -72), hi(40, 45, -54);
    const auto normal = phantom::generateSeries(testOptions(), phantom::SeriesKind::Head);
    const auto edh = phantom::generateSeries(testOptions({"epidural_hematoma"}), phantom::SeriesKind::Head);
    long n0 = 0, n1 = 0;
    // CSF (about 8 HU) below 10 HU, which head-CT noise rarely gives grey or white matter.
    const double x0 = meanX(*normal, lo, hi, -20, 10, &n0), x1 = meanX(*edh, lo, hi, -20, 10, &n1);
    ASSERT_GT(n0, 20);
    ASSERT_GT(n1, 20);
    EXPECT_NEAR(x0, 0.0, 1.5) << "without injury the ventricles sit on the midline";
    EXPECT_GT(x1 - x0, 4.0) << "a right epidural haematoma pushes the midline to the patient's left (+x)";
    // The haematoma itself: hyperdense blood against the right inner table.
    const auto f = phantom::groundTruth(testOptions({"epidural_hematoma"}))[0];
    long blood = 0;
    meanX(*edh, f.centreLps - f.extentMm * 0.5, f.centreLps + f.extentMm * 0.5, 55, 80, &blood);
    EXPECT_GT(blood, 50);
    EXPECT_LT(f.centreLps.x, 0) << "right side is -x in LPS";
}

TEST(PhantomInjuries, TensionPneumothoraxShiftsTheMediastinumAwayAndEmptiesTheRightChest) {
    const glm::dvec3 heartLo(-80, -90, -450), heartHi(100, 30, -400);
    const auto normal = phantom::generateSeries(testOptions(), phantom::SeriesKind::Arterial);
    const auto ptx = phantom::generateSeries(testOptions({"tension_pneumothorax"}), phantom::SeriesKind::Arterial);
    // Contrast-filled heart chambers and great vessels (> 150 HU, below bone).
    const double x0 = meanX(*normal, heartLo, heartHi, 150, 500), x1 = meanX(*ptx, heartLo, heartHi, 150, 500);
    EXPECT_GT(x1 - x0, 10.0) << "a right tension pneumothorax pushes the mediastinum to the left (+x)";
    long air0 = 0, air1 = 0;
    const glm::dvec3 rightLo(-140, -80, -460), rightHi(-30, 80, -320);
    meanX(*normal, rightLo, rightHi, -1024, -960, &air0);
    meanX(*ptx, rightLo, rightHi, -1024, -960, &air1);
    EXPECT_GT(air1, air0 * 3 + 1000) << "the right hemithorax fills with free air";
}

// The shipped texts say "the scout already shows the shift": the scout must show it. On the AP projection the band of
// the mediastinum between the lungs moves to the patient's left by a centimetre or more, and the right chest is darker
// (more air along each ray) than the left.
TEST(PhantomInjuries, TensionPneumothoraxShowsOnTheScoutAsAShiftedMediastinumAndADarkRightChest) {
    auto options = [](std::vector<std::string> injuries) {
        auto o = testOptions(std::move(injuries));
        o.seed = 1307;  // the motorcyclist's patient
        o.matrix = 256;
        return o;
    };
    const auto normal = phantom::generateSeries(options({}), phantom::SeriesKind::Scout);
    const auto ptx = phantom::generateSeries(options({"tension_pneumothorax"}), phantom::SeriesKind::Scout);
    const auto& g = normal->geometry();
    ASSERT_EQ(g.dims.z, 1);
    // Per row through the heart: the mediastinum is the run of columns around the middle brighter than the row's mean
    // inside the body; its centre in LPS x.
    auto centreX = [&](const imaging::Volume& v, int row) {
        std::vector<double> s(std::size_t(g.dims.x));
        for (int i = 2; i < g.dims.x - 2; ++i) {
            double sum = 0;
            for (int d = -2; d <= 2; ++d) sum += v.at(i + d, row, 0);
            s[std::size_t(i)] = sum / 5;
        }
        int a = 2, b = g.dims.x - 3;
        while (a < b && s[std::size_t(a)] < -800) ++a;  // air beside the body
        while (b > a && s[std::size_t(b)] < -800) --b;
        double mean = 0;
        for (int i = a + 10; i < b - 10; ++i) mean += s[std::size_t(i)];
        mean /= double(b - a - 20);
        const int mid = (a + b) / 2;
        int l = mid, r = mid;
        while (l > a && s[std::size_t(l)] >= mean) --l;
        while (r < b && s[std::size_t(r)] >= mean) ++r;
        return g.indexToPatient(glm::dvec3((l + r) * 0.5, row, 0)).x;
    };
    double shift = 0, darker = 0;
    int rows = 0;
    for (int row = 0; row < g.dims.y; ++row) {
        const double z = g.indexToPatient(glm::dvec3(0, row, 0)).z;
        if (z > -360 || z < -440) continue;  // the heart's levels
        shift += centreX(*ptx, row) - centreX(*normal, row);
        // Mean value of each lung field (30 to 110 mm from the midline) on the pneumothorax scout.
        double right = 0, left = 0;
        int nr = 0, nl = 0;
        for (int i = 0; i < g.dims.x; ++i) {
            const double x = g.indexToPatient(glm::dvec3(i, row, 0)).x;
            if (x < -30 && x > -110) right += ptx->at(i, row, 0), ++nr;
            if (x > 30 && x < 110) left += ptx->at(i, row, 0), ++nl;
        }
        darker += left / nl - right / nr;
        ++rows;
    }
    ASSERT_GT(rows, 10);
    EXPECT_GE(shift / rows, 10.0) << "the mediastinum moves " << shift / rows << " mm to the left on the scout";
    EXPECT_GE(darker / rows, 40.0) << "the right chest is not darker than the left on the scout";
}

// The oesophageal-intubation case practises "projection is not position" on the scout: the tube's radio-opaque line
// shows over the airway wherever the tube lies, and bagging into the oesophagus blows the stomach up with air, a dark
// bubble under the left dome that the normal patient does not have.
TEST(PhantomInjuries, OesophagealIntubationShowsOnTheScoutAsTheTubesLineOverTheAirwayAndAStomachFullOfAir) {
    // The case's patient (scenarios/oesophageal-intubation.toml), and the same patient with the tube in the trachea.
    auto intubated = caseOptions(77, {});
    intubated.devices = {"endotracheal_tube"};
    const auto normal = phantom::generateSeries(intubated, phantom::SeriesKind::Scout);
    const auto oeso = phantom::generateSeries(caseOptions(77, {"esophageal_intubation"}), phantom::SeriesKind::Scout);
    const auto& g = normal->geometry();
    auto column = [&](double x) { return scoutColumn(g, x); };
    auto row = [&](double z) { return scoutRow(g, z); };
    // The line: down the neck, the brightest column near the tube's left wall stands above the columns 3 mm either
    // side of it (the air of the pharynx and trachea, or of the distended oesophagus).
    const int side = int(std::lround(3.0 / g.spacing.x));
    for (const auto* scout : {normal.get(), oeso.get()}) {
        double contrast = 0;
        int n = 0;
        for (int r = row(-200); r <= row(-280); ++r, ++n) {
            int peak = column(1);
            for (int i = column(1); i <= column(9); ++i)
                if (scout->at(i, r, 0) > scout->at(peak, r, 0)) peak = i;
            contrast += scout->at(peak, r, 0) - 0.5 * (scout->at(peak - side, r, 0) + scout->at(peak + side, r, 0));
        }
        ASSERT_GT(n, 40);
        EXPECT_GE(contrast / n, 60.0) << (scout == oeso.get() ? "oesophageal" : "tracheal")
                                      << " tube: its line does not show on the scout";
    }
    // The stomach under the left dome: darker by a wide margin on the oesophageal intubation's scout.
    double gain = 0;
    int n = 0;
    for (int r = row(-480); r <= row(-560); ++r)
        for (int i = column(30); i <= column(100); ++i, ++n) gain += normal->at(i, r, 0) - oeso->at(i, r, 0);
    ASSERT_GT(n, 100);
    EXPECT_GE(gain / n, 60.0) << "the stomach full of air does not show under the left dome";
}

TEST(PhantomInjuries, SameSeedGivesIdenticalPixelsAndAnotherSeedAnotherPatientAroundTheSameOrgans) {
    auto o = testOptions({"liver_laceration"});
    o.matrix = 64;
    o.sliceMm = 6;
    const auto a = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    const auto b = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    EXPECT_TRUE(std::equal(a->voxels().begin(), a->voxels().end(), b->voxels().begin()));
    o.seed = 12;
    const auto c = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    long differ = 0;
    for (std::size_t i = 0; i < a->voxels().size(); ++i) differ += a->voxels()[i] != c->voxels()[i];
    EXPECT_GT(differ, long(a->voxels().size() / 2)) << "the noise follows the seed";
    // The build varies with the seed, the organs do not move: the liver holds the same mean HU in both patients.
    const auto& g = a->geometry();
    double sumA = 0, sumC = 0;
    long n = 0;
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const glm::dvec3 p = g.indexToPatient({i, j, k});
                if (glm::length(p - glm::dvec3(-90, 10, -560)) > 30) continue;
                sumA += a->at(i, j, k), sumC += c->at(i, j, k), ++n;
            }
    ASSERT_GT(n, 10);
    EXPECT_NEAR(sumA / double(n), sumC / double(n), 4.0) << "the liver stays where it is";
}

TEST(PhantomInjuries, TissuesHaveTheirReferenceHounsfieldValues) {
    auto o = testOptions();
    const auto v = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    // Median HU in a ball (robust to the vessels that cross lung and liver).
    auto medianAround = [&](glm::dvec3 p, double r) {
        const auto& g = v->geometry();
        std::vector<int> hu;
        for (int k = 0; k < g.dims.z; ++k)
            for (int j = 0; j < g.dims.y; ++j)
                for (int i = 0; i < g.dims.x; ++i)
                    if (glm::length(g.indexToPatient({i, j, k}) - p) < r) hu.push_back(v->at(i, j, k));
        if (hu.empty()) return -9999.0;
        std::nth_element(hu.begin(), hu.begin() + long(hu.size() / 2), hu.end());
        return double(hu[hu.size() / 2]);
    };
    EXPECT_NEAR(medianAround({22, 36, -470}, 6), 330, 30) << "descending aorta, late arterial phase (290-360)";
    EXPECT_NEAR(medianAround({-110, -20, -400}, 8), -870, 30) << "right lung (-850 to -910)";
    EXPECT_NEAR(medianAround({-80, 0, -575}, 8), 82, 15) << "liver, late arterial";
    EXPECT_NEAR(medianAround({-125, -40, -640}, 4), -98, 20) << "subcutaneous fat (-100 to -50)";
    EXPECT_NEAR(medianAround({-72, 58, -600}, 5), 185, 40) << "renal cortex, arterial (150-200)";
}

// The steering-wheel chest (scenarios/steering-wheel-chest.toml): blood of 35 to 50 HU in a rim all round the heart,
// the signs of tamponade (a flattened right ventricle, contrast running back into a distended IVC), and a sternal
// body fracture whose lower fragment steps back, with a haematoma behind it. Without the injuries, none of it.
TEST(PhantomInjuries, HaemopericardiumIsABloodRimRoundTheHeartWithTamponadeAndTheSternumStepsBack) {
    const auto normal = phantom::generateSeries(testOptions(), phantom::SeriesKind::Arterial);
    const auto hurt =
        phantom::generateSeries(testOptions({"hemopericardium", "sternal_fracture"}), phantom::SeriesKind::Arterial);
    const auto& g = normal->geometry();
    auto forEach = [&](glm::dvec3 lo, glm::dvec3 hi, auto&& fn) {
        for (int k = 0; k < g.dims.z; ++k)
            for (int j = 0; j < g.dims.y; ++j)
                for (int i = 0; i < g.dims.x; ++i) {
                    const glm::dvec3 p = g.indexToPatient({i, j, k});
                    if (inBox(p, lo, hi, 0)) fn(p, normal->at(i, j, k), hurt->at(i, j, k));
                }
    };
    // Blood-density voxels round the heart (centre 22, -28), by sector of the axial plane.
    const glm::dvec2 heart(22, -28);
    std::array<long, 8> before{}, after{};
    forEach({-70, -120, -455}, {115, 65, -400}, [&](const glm::dvec3& p, int a, int b) {
        const glm::dvec2 d = glm::dvec2(p) - heart;
        const double r = glm::length(d);
        if (r < 30 || r > 85) return;
        const int s = int(std::floor((std::atan2(d.y, d.x) + std::numbers::pi) / (2 * std::numbers::pi) * 8)) % 8;
        before[std::size_t(s)] += a >= 25 && a <= 65;
        after[std::size_t(s)] += b >= 25 && b <= 65;
    });
    int rimSectors = 0;
    long gained = 0;
    for (std::size_t s = 0; s < 8; ++s) {
        rimSectors += after[s] >= before[s] + 4;
        gained += after[s] - before[s];
        std::printf("sector %zu: blood-density voxels %ld without, %ld with the haemopericardium\n", s, before[s],
                    after[s]);
    }
    EXPECT_GE(rimSectors, 7) << "the blood surrounds the heart";
    EXPECT_GT(gained, 150);
    // Tamponade: contrast from the arm in a distended IVC below the heart (unopacified, about 95 HU, without it).
    long ivcDense0 = 0, ivcDense1 = 0;
    forEach({-50, -15, -540}, {0, 35, -495}, [&](const glm::dvec3& p, int a, int b) {
        if (glm::length(glm::dvec2(p) - glm::dvec2(-26, 8)) > 20) return;
        ivcDense0 += a > 180;
        ivcDense1 += b > 180;
    });
    std::printf("IVC: %ld voxels above 180 HU without, %ld with tamponade\n", ivcDense0, ivcDense1);
    EXPECT_GT(ivcDense1, 150) << "a distended IVC full of refluxed contrast";
    EXPECT_GT(ivcDense1, 5 * ivcDense0 + 50);
    // ...and a right ventricle pressed flat: less contrast-filled lumen in front of the septum.
    long rv0 = 0, rv1 = 0;
    forEach({-25, -85, -450}, {30, -45, -415}, [&](const glm::dvec3&, int a, int b) {
        rv0 += a > 150;
        rv1 += b > 150;
    });
    std::printf("right ventricle lumen: %ld voxels without, %ld with tamponade\n", rv0, rv1);
    EXPECT_LT(double(rv1), 0.8 * double(rv0)) << "the right ventricle is compressed";

    // The sternum on the midline: the lower fragment lies about 3.5 mm further back, the upper one where it was.
    auto boneY = [&](const imaging::Volume& v, double zLo, double zHi) {
        double sum = 0, w = 0;
        for (int k = 0; k < g.dims.z; ++k)
            for (int j = 0; j < g.dims.y; ++j)
                for (int i = 0; i < g.dims.x; ++i) {
                    const glm::dvec3 p = g.indexToPatient({i, j, k});
                    if (std::abs(p.x) > 6 || p.y < -125 || p.y > -80 || p.z < zLo || p.z > zHi) continue;
                    const double h = std::max(0, v.at(i, j, k) - 200);
                    sum += h * p.y;
                    w += h;
                }
        return w > 0 ? sum / w : 0.0;
    };
    const double lowerStep = boneY(*hurt, -440, -372) - boneY(*normal, -440, -372);
    const double upperStep = boneY(*hurt, -345, -322) - boneY(*normal, -345, -322);
    EXPECT_GT(lowerStep, 2.0) << "the lower fragment steps back";
    EXPECT_LT(lowerStep, 5.5);
    EXPECT_LT(std::abs(upperStep), 1.0) << "the upper fragment stays";
    long haem0 = 0, haem1 = 0;
    forEach({-18, -92, -385}, {18, -76, -335}, [&](const glm::dvec3&, int a, int b) {
        haem0 += a >= 40 && a <= 80;
        haem1 += b >= 40 && b <= 80;
    });
    EXPECT_GT(haem1, haem0 + 15) << "a retrosternal haematoma";
}

namespace {
// The test patient at 2 mm slices and 256 pixels, fine enough for a layer of gas a few millimetres thick.
phantom::PhantomOptions fineOptions(std::vector<std::string> injuries) {
    auto o = testOptions(std::move(injuries));
    o.matrix = 256;
    o.sliceMm = 2;
    return o;
}
// The tissue of each pixel (the label map) of an n x n mm portal-phase slice at z from (x0, y0), 1 mm pixels.
std::vector<std::uint8_t> labelMap(const std::set<std::string>& injuries, double z, double x0, double y0, int n) {
    using namespace phantom::detail;
    const auto model = buildModel(injuries, Contrast::Portal);
    std::vector<float> hu(std::size_t(n) * n, -1000);
    std::vector<std::uint8_t> label(hu.size(), kAir);
    Canvas c{hu.data(), label.data(), n, n, x0, y0, 1, 1, z, 1};
    paintLayers(c, model->layers, 1);
    return label;
}
// Calls fn(position, HU without, HU with) for every voxel of two volumes of the same geometry.
template <class Fn>
void eachVoxel(const imaging::Volume& without, const imaging::Volume& with, Fn&& fn) {
    const auto& g = without.geometry();
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) fn(g.indexToPatient({i, j, k}), without.at(i, j, k), with.at(i, j, k));
}
}  // namespace

// The seat-belt case (scenarios/seatbelt-bowel.toml), portal phase: free gas lies in front (the supine patient's
// non-dependent side), under the anterior abdominal wall and over the front of the liver, where the uninjured patient
// has liver, fat or muscle and never bowel gas; none of it lies in the back half of the belly. Without the injury there
// is no gas there.
TEST(PhantomInjuries, PneumoperitoneumIsFreeGasInFrontOfTheLiverAndUnderTheWallOutsideTheBowel) {
    const auto normal = phantom::generateSeries(fineOptions({}), phantom::SeriesKind::PortalVenous);
    const auto hurt = phantom::generateSeries(fineOptions({"pneumoperitoneum"}), phantom::SeriesKind::PortalVenous);
    long overLiver = 0, underWall = 0, mesentery = 0, back = 0, overLiverBefore = 0;
    double ySum = 0;
    long gas = 0;
    eachVoxel(*normal, *hurt, [&](const glm::dvec3& p, int a, int b) {
        if (p.z > -470 || p.z < -720 || std::abs(p.x) > 140) return;
        if (inBox(p, {-60, -80, -580}, {-20, -50, -535}, 0)) overLiverBefore += a < -900;
        if (b > -900 || a < -500) return;
        // New gas where there was tissue.
        ++gas;
        ySum += p.y;
        back += p.y > 0;
        if (inBox(p, {-60, -80, -580}, {-20, -50, -535}, 0)) ++overLiver;
        if (inBox(p, {-70, -80, -705}, {60, -50, -600}, 0)) ++underWall;
        if (inBox(p, {-40, -70, -712}, {45, -45, -672}, 0)) ++mesentery;
    });
    std::printf(
        "new gas voxels %ld (mean y %.1f), over the liver %ld (before %ld), under the wall %ld, in the "
        "mesentery %ld, in the back half %ld\n",
        gas, gas ? ySum / double(gas) : 0.0, overLiver, overLiverBefore, underWall, mesentery, back);
    EXPECT_EQ(overLiverBefore, 0) << "no gas in front of the liver without the injury";
    EXPECT_GT(overLiver, 60) << "a layer of gas between the liver and the anterior abdominal wall";
    EXPECT_GT(underWall, 8) << "gas under the anterior wall below the liver";
    EXPECT_GT(mesentery, 2) << "bubbles in the mesenteric fat";
    EXPECT_EQ(back, 0) << "free gas rises to the front of a supine patient";
    EXPECT_LT(gas ? ySum / double(gas) : 0.0, -50.0);

    // Outside the bowel: in the label map every pixel the gas takes was liver, fat or muscle in the uninjured
    // patient, never bowel wall, bowel contents or the bowel's own gas.
    using namespace phantom::detail;
    long taken = 0, fromBowel = 0;
    for (double z : {-530.0, -560.0, -600.0, -650.0, -690.0, -700.0}) {
        constexpr int n = 240;
        const auto lab0 = labelMap({}, z, -120, -120, n), lab1 = labelMap({"pneumoperitoneum"}, z, -120, -120, n);
        for (int q = 0; q < n * n; ++q) {
            if (lab1[q] != kAir || lab0[q] == kAir) continue;
            ++taken;
            fromBowel += lab0[q] == kBowel || lab0[q] == kBowelContent;
        }
    }
    std::printf("label map: %ld pixels of tissue became free gas, %ld of them bowel\n", taken, fromBowel);
    EXPECT_GT(taken, 100);
    EXPECT_EQ(fromBowel, 0) << "the free gas lies outside the bowel";
}

// The same case: a mesenteric haematoma (clotted blood, 45 to 70 HU) where the mesenteric fat was, fluid of 10 to 40
// HU in the fat between the small-bowel loops round it and nowhere else, and the loop beside it with a thick wall
// narrowing its lumen. Without the injury the mesentery is fat and the loop's lumen open.
TEST(PhantomInjuries, MesentericInjuryIsAHaematomaAndFluidBetweenTheLoopsBesideAThickenedLoop) {
    const auto normal = phantom::generateSeries(fineOptions({}), phantom::SeriesKind::PortalVenous);
    const auto hurt = phantom::generateSeries(fineOptions({"mesenteric_injury"}), phantom::SeriesKind::PortalVenous);
    const glm::dvec3 haematoma(28, -40, -692), loop(12, -50, -690);
    long clot = 0, fluidNear = 0, fluidFar = 0, lumen0 = 0, lumen1 = 0, wall0 = 0, wall1 = 0;
    eachVoxel(*normal, *hurt, [&](const glm::dvec3& p, int a, int b) {
        if (p.z > -450 || p.z < -870) return;
        const bool wasFat = a < -50;
        if (glm::length(p - haematoma) < 9 && wasFat && b >= 40 && b <= 75) ++clot;
        if (wasFat && b >= 8 && b <= 40) (glm::length(p - glm::dvec3(16, -34, -698)) < 50 ? fluidNear : fluidFar)++;
        if (glm::length(p - loop) < 8) {
            lumen0 += a >= -20 && a <= 40;
            lumen1 += b >= -20 && b <= 40;
        }
        if (glm::length(p - loop) < 14) {
            wall0 += a >= 60;
            wall1 += b >= 60;
        }
    });
    std::printf("clot %ld; fluid in fat near the loops %ld, far %ld; lumen %ld -> %ld; wall %ld -> %ld\n", clot,
                fluidNear, fluidFar, lumen0, lumen1, wall0, wall1);
    EXPECT_GT(clot, 25) << "a mesenteric haematoma";
    EXPECT_GT(fluidNear, 80) << "fluid in the fat between the loops";
    EXPECT_LT(fluidFar, 5) << "and nowhere else (no blood in the pouches or the pelvis)";
    EXPECT_LT(double(lumen1), 0.6 * double(lumen0)) << "the thickened wall narrows the lumen";
    EXPECT_GT(wall1, wall0 + 40) << "the loop's wall is thick and enhances";

    // Between the loops: in the label map the fluid takes the mesenteric fat, and a loop's wall lies within 6 mm of
    // every pixel of it.
    using namespace phantom::detail;
    long fluid = 0, notFat = 0, byALoop = 0;
    for (double z : {-680.0, -690.0, -700.0, -710.0}) {
        constexpr int n = 160;
        const auto lab0 = labelMap({}, z, -60, -110, n), lab1 = labelMap({"mesenteric_injury"}, z, -60, -110, n);
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                if (lab1[j * n + i] != kFluid || lab0[j * n + i] == kFluid) continue;
                ++fluid;
                notFat += lab0[j * n + i] != kVisceralFat;
                bool loopNear = false;
                for (int dj = -6; dj <= 6 && !loopNear; ++dj)
                    for (int di = -6; di <= 6 && !loopNear; ++di) {
                        const int jj = j + dj, ii = i + di;
                        loopNear = di * di + dj * dj <= 36 && jj >= 0 && jj < n && ii >= 0 && ii < n &&
                                   lab1[jj * n + ii] == kBowel;
                    }
                byALoop += loopNear;
            }
    }
    std::printf("label map: %ld pixels of interloop fluid, %ld not fat before, %ld within 6 mm of a loop\n", fluid,
                notFat, byALoop);
    EXPECT_GT(fluid, 100);
    EXPECT_EQ(notFat, 0);
    EXPECT_GE(double(byALoop), 0.97 * double(fluid)) << "the fluid lies between the loops";
}

// The diving neck (scenarios/diving-neck.toml): a C5 flexion teardrop fracture. Read along the midline of the neck on
// the non-contrast head series (1 mm), it shows a lucent fracture gap through the C5 body where there was bone, the
// body's back wall pushed into the canal, and soft tissue in front of the cervical bodies deeper than normal (over 7
// mm at C3, over 22 mm at C6: the prevertebral haematoma). Without the injury, none of it; C6 and C4 keep their
// place.
TEST(PhantomInjuries,
     C5TeardropFractureOpensAGapInTheBodyPushesItsBackWallIntoTheCanalAndThickensThePrevertebralTissue) {
    auto options = [](std::vector<std::string> injuries) {
        auto o = testOptions(std::move(injuries));
        o.matrix = 256;  // the head series' 250 mm field of view: about 1 mm pixels
        o.sliceMm = 1;
        return o;
    };
    const auto normal = phantom::generateSeries(options({}), phantom::SeriesKind::Head);
    const auto hurt = phantom::generateSeries(options({"cervical_spine_fracture"}), phantom::SeriesKind::Head);
    const auto& g = normal->geometry();
    auto at = [&](const imaging::Volume& v, glm::dvec3 p) {
        const glm::dvec3 ijk = glm::round(g.patientToIndex(p));
        return v.at(int(ijk.x), int(ijk.y), int(ijk.z));
    };
    // The vertebral bodies' centres (the phantom's landmarks: C3 -168.5, C4 -185, C5 -201.5, C6 -218 mm), their
    // centre y from the curve of the spine, read here from the images: the middle of the bone on the midline.
    auto bodyCentreY = [&](const imaging::Volume& v, double z) {
        double sum = 0, n = 0;
        for (double y = -5; y <= 25; y += 0.5)
            if (at(v, {0, y, z}) > 300) sum += y, ++n;
        return n ? sum / n : 0.0;
    };
    // 1. The fracture: voxels of the C5 body that were bone (over 150 HU) and are now fluid or soft tissue.
    long gap = 0, wasBone = 0;
    const double y5 = bodyCentreY(*normal, -201.5);
    for (double x = -4; x <= 4; x += 1)
        for (double y = y5 - 7; y <= y5 + 7; y += 1)
            for (double z = -206; z <= -197; z += 1) {
                const int a = at(*normal, {x, y, z}), b = at(*hurt, {x, y, z});
                wasBone += a > 150;
                gap += a > 150 && b < 100;
            }
    std::printf("C5 body: %ld of %ld bone voxels became fluid or soft tissue\n", gap, wasBone);
    EXPECT_GT(wasBone, 600);
    EXPECT_GT(gap, 60) << "a lucent fracture gap through the C5 body";
    // 2. Retropulsion: the back wall of the lower C5 body lies further back (the last bone voxel before the canal on
    // the midline), C6's where it was.
    auto backWall = [&](const imaging::Volume& v, double z) {
        const double yc = bodyCentreY(*normal, z);
        double last = yc;
        for (double y = yc; y <= yc + 16; y += 0.25)
            if (at(v, {0, y, z}) > 300) last = y;
        return last;
    };
    const double c5Back = backWall(*hurt, -205) - backWall(*normal, -205);
    const double c6Back = backWall(*hurt, -218) - backWall(*normal, -218);
    std::printf("back wall moved back: C5 lower body %.1f mm, C6 %.1f mm\n", c5Back, c6Back);
    EXPECT_GT(c5Back, 2.0) << "the posteroinferior corner of C5 pushed into the canal";
    EXPECT_LT(c5Back, 6.0);
    EXPECT_LT(std::abs(c6Back), 0.6) << "C6 stays";
    // 3. The prevertebral soft tissue: from the front cortex of the body forward to the air of the pharynx or larynx
    // (6 mm of air at least: the few millimetres of air in the oesophagus are not the airway).
    auto prevertebral = [&](const imaging::Volume& v, double z) {
        const double yc = bodyCentreY(*normal, z);
        double front = yc;
        for (double y = yc; y >= yc - 15; y -= 0.25)
            if (at(v, {0, y, z}) > 300) front = y;
        for (double y = front; y > front - 60; y -= 0.25) {
            bool air = true;
            for (double d = 0; d < 6 && air; d += 0.5) air = at(v, {0, y - d, z}) < -300;
            if (air) return front - y;
        }
        return 60.0;
    };
    for (double z : {-168.5, -185.0, -218.0})
        std::printf("prevertebral soft tissue at z %.1f: %.1f mm without, %.1f mm with the fracture\n", z,
                    prevertebral(*normal, z), prevertebral(*hurt, z));
    EXPECT_LT(prevertebral(*normal, -168.5), 7.0) << "normal at C3";
    EXPECT_GT(prevertebral(*hurt, -168.5), 7.0) << "swollen at C3 (normal up to 7 mm)";
    EXPECT_LT(prevertebral(*normal, -218), 22.0) << "normal at C6";
    EXPECT_GT(prevertebral(*hurt, -218), 22.0) << "swollen at C6 (normal up to 22 mm)";
}

namespace {
// HU of an n x n slice at z from (x0, y0) with `mm` pixels, painted from the model of the default patient (no
// scanner noise or blur): fine enough to measure a joint a few millimetres wide.
std::vector<float> huMap(const std::set<std::string>& injuries, phantom::detail::Contrast contrast, double z, double x0,
                         double y0, int n, double mm) {
    using namespace phantom::detail;
    const auto model = buildModel(injuries, contrast);
    std::vector<float> hu(std::size_t(n) * n, -1000);
    std::vector<std::uint8_t> label(hu.size(), kAir);
    Canvas c{hu.data(), label.data(), n, n, x0, y0, mm, mm, z, 1};
    paintLayers(c, model->layers, 1);
    return hu;
}
}  // namespace

// The pelvis-binder case (scenarios/pelvis-binder-bleed.toml): an open-book (anteroposterior compression) injury held
// reduced by the binder. Read across the front of the pelvis, the two pubic bodies stand apart: at the narrowest
// level of the symphysis there are 6 to 10 mm without bone between them (blood in the joint), where the uninjured
// pelvis has bone or a joint under 3 mm; a flake of bone lies in front of the gap. The right sacroiliac joint is
// wider in front, where bone of the ilium became joint space; its back and the left joint are as they were.
TEST(PhantomInjuries, OpenBookPelvisWidensTheSymphysisAndTheFrontOfTheRightSacroiliacJoint) {
    using phantom::detail::Contrast;
    const std::set<std::string> none, hurt{"open_book_pelvis"};
    constexpr double mm = 0.25;
    // The width without bone (under 300 HU) across the midline, on the row y: from the last bone left of x = 0 to
    // the first bone right of it; -1 if one side has no bone within 20 mm.
    auto gapAt = [&](const std::vector<float>& hu, double y, double x0, double y0, int n) {
        const int j = int(std::lround((y - y0) / mm));
        auto boneAt = [&](double x) { return hu[std::size_t(j) * n + int(std::lround((x - x0) / mm))] > 300; };
        if (boneAt(0)) return 0.0;
        double l = 0, r = 0;
        while (l < 20 && !boneAt(-l)) l += mm;
        while (r < 20 && !boneAt(r)) r += mm;
        return l >= 20 || r >= 20 ? -1.0 : l + r - mm;
    };
    auto narrowest = [&](const std::set<std::string>& injuries, double* bloodHu) {
        double best = 1e9;
        for (double z = -832; z <= -806; z += 1) {
            constexpr int n = 160;
            const double x0 = -20, y0 = -86;
            const auto hu = huMap(injuries, Contrast::Arterial, z, x0, y0, n, mm);
            for (double y = -74; y <= -60; y += 1) {
                const double g = gapAt(hu, y, x0, y0, n);
                if (g < 0 || g >= best) continue;
                best = g;
                if (bloodHu) *bloodHu = hu[std::size_t(std::lround((y - y0) / mm)) * n + int(std::lround(-x0 / mm))];
            }
        }
        return best;
    };
    double blood = 0;
    const double gap0 = narrowest(none, nullptr), gap1 = narrowest(hurt, &blood);
    std::printf("symphysis at its narrowest: %.1f mm without, %.1f mm with the open book (%.0f HU in the gap)\n", gap0,
                gap1, blood);
    EXPECT_LT(gap0, 3.0) << "the uninjured symphysis";
    EXPECT_GE(gap1, 6.0) << "the symphysis diastasis under the binder";
    EXPECT_LE(gap1, 10.0) << "reduced by the binder: not the 2.5 cm of an open book without one";
    EXPECT_GT(blood, 30);
    EXPECT_LT(blood, 100) << "blood in the torn joint";
    // The flake of bone in front of the gap.
    {
        const auto h0 = huMap(none, Contrast::Arterial, -811, -10, -84, 40, mm);
        const auto h1 = huMap(hurt, Contrast::Arterial, -811, -10, -84, 40, mm);
        long flake = 0;
        for (std::size_t q = 0; q < h1.size(); ++q) flake += h1[q] > 400 && h0[q] < 200;
        std::printf("avulsed flake: %ld new bone pixels of %.2f mm\n", flake, mm);
        EXPECT_GT(flake, 20) << "a small avulsion at the symphysis";
    }
    // The sacroiliac joints: bone that became joint space, in front (y < 48) and at the back (y > 64) of the right
    // joint, and anywhere on the left.
    long rightFront = 0, rightBack = 0, left = 0;
    for (double z : {-760.0, -740.0, -720.0, -705.0}) {
        constexpr int n = 400;
        constexpr double px = 0.5;
        const auto h0 = huMap(none, Contrast::Arterial, z, -100, 0, n, px);
        const auto h1 = huMap(hurt, Contrast::Arterial, z, -100, 0, n, px);
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const std::size_t q = std::size_t(j) * n + i;
                const double x = -100 + i * px, y = j * px;
                if (!(h0[q] > 200 && h1[q] < 120) || y > 100) continue;
                if (x > 20) ++left;
                if (x < -20 && y < 48) ++rightFront;
                if (x < -20 && y > 64) ++rightBack;
            }
    }
    std::printf(
        "sacroiliac joints: bone became joint space over %ld pixels in front of the right joint, %ld at its "
        "back, %ld on the left (0.5 mm pixels)\n",
        rightFront, rightBack, left);
    EXPECT_GT(rightFront, 80) << "the front of the right sacroiliac joint widened";
    EXPECT_EQ(rightBack, 0) << "the back of the joint held";
    EXPECT_EQ(left, 0) << "the left joint unchanged";
}

// The same case: active arterial bleeding in the pelvis. On the arterial phase a blush of contrast lies in the side
// wall (fat, clot and muscle) beside the right internal iliac branches, about as dense as the external iliac artery in
// the same phase, where the uninjured patient has no contrast; on the portal phase there is more of it and it is denser
// than the iliac artery, which has faded (the pool grows and spreads). The extraperitoneal haematoma (40 to 75 HU) lies
// between the pubis and the bladder (the space of Retzius), where there was fat or the front of the bladder, and the
// bladder's urine is pushed back from the front.
TEST(PhantomInjuries, PelvicArterialBleedingIsABlushThatGrowsOnThePortalPhaseInAHaematomaInFrontOfTheBladder) {
    struct Phase {
        long blush = 0;
        double blushHu = 0, iliacHu = 0;
    };
    auto read = [](phantom::SeriesKind kind, long* retzius, long* urine0, long* urine1) {
        const auto normal = phantom::generateSeries(fineOptions({}), kind);
        const auto hurt = phantom::generateSeries(fineOptions({"pelvic_arterial_bleeding"}), kind);
        Phase ph;
        long iliacN = 0;
        double sum = 0;
        eachVoxel(*normal, *hurt, [&](const glm::dvec3& p, int a, int b) {
            if (p.z > -690 || p.z < -860) return;
            // The right external iliac artery's lumen, in front of the hip.
            if (inBox(p, {-87, -41, -818}, {-81, -35, -806}, 0)) {
                ph.iliacHu += a;
                ++iliacN;
            }
            // In front of the bladder, behind the muscle of the wall: fat or urine before, clot now.
            if (inBox(p, {-25, -64, -806}, {15, -50, -790}, 0) && a < 30 && b >= 40 && b <= 75) ++*retzius;
            if (inBox(p, {-40, -70, -805}, {0, -40, -785}, 0)) {
                *urine0 += a > -10 && a < 25;
                *urine1 += b > -10 && b < 25;
            }
            // New contrast medial to the internal iliac branches, on the side wall.
            if (inBox(p, {-54, -20, -805}, {-28, 24, -765}, 0) && a < 100 && b > 150) {
                ++ph.blush;
                sum += b;
            }
        });
        ph.iliacHu /= double(std::max(1L, iliacN));
        ph.blushHu = ph.blush ? sum / double(ph.blush) : 0.0;
        return ph;
    };
    long retzius = 0, urine0 = 0, urine1 = 0, ignore = 0;
    const Phase art = read(phantom::SeriesKind::Arterial, &retzius, &urine0, &urine1);
    const Phase pv = read(phantom::SeriesKind::PortalVenous, &ignore, &ignore, &ignore);
    std::printf(
        "blush: arterial %ld voxels at %.0f HU (iliac artery %.0f), portal %ld voxels at %.0f HU (iliac %.0f)\n",
        art.blush, art.blushHu, art.iliacHu, pv.blush, pv.blushHu, pv.iliacHu);
    std::printf("haematoma in the space of Retzius: %ld voxels; urine in front of the bladder: %ld without, %ld with\n",
                retzius, urine0, urine1);
    EXPECT_GT(art.blush, 8) << "a blush of contrast outside the vessels on the arterial phase";
    EXPECT_GT(art.blushHu, 0.75 * art.iliacHu) << "as dense as the iliac artery in the same phase";
    EXPECT_GT(pv.blush, art.blush * 3 / 2) << "the pool grows on the portal phase";
    EXPECT_GT(pv.blushHu, pv.iliacHu) << "denser than the fading iliac artery on the portal phase";
    EXPECT_GT(retzius, 150) << "a haematoma between the pubis and the bladder";
    EXPECT_LT(urine1, urine0 / 2) << "the bladder pushed back from the front";
}

// The tube pushed too deep (scenarios/tube-right-bronchus.toml): on the scout the tube's radio-opaque line runs on past
// the carina (z -334) and bends to the patient's right, where the normal tube's line stops above it; on the axial
// images the line's bright dot lies below the carina in the right main bronchus only with the injury.
TEST(PhantomInjuries, EndobronchialTubeTipLiesPastTheCarinaInTheRightMainBronchusOnTheScoutAndTheAxials) {
    // The case's patient (scenarios/tube-right-bronchus.toml), and the same patient with the tube where it belongs.
    auto intubated = caseOptions(7403, {});
    intubated.devices = {"endotracheal_tube"};
    const auto normal = phantom::generateSeries(intubated, phantom::SeriesKind::Scout);
    const auto deep =
        phantom::generateSeries(caseOptions(7403, {"endobronchial_intubation"}), phantom::SeriesKind::Scout);
    const auto& g = normal->geometry();
    auto column = [&](double x) { return scoutColumn(g, x); };
    auto row = [&](double z) { return scoutRow(g, z); };
    const int side = int(std::lround(3.0 / g.spacing.x));
    // Follow the line down from the neck: in each row, the brightest column within 2 mm of where it was in the row
    // above, while it stands 60 above the columns 3 mm either side of it. Where it stops is the tip.
    auto tip = [&](const imaging::Volume& v, double& x) {
        const int reach = int(std::lround(2.0 / g.spacing.x));
        int at = column(1), peak = at;
        for (int i = column(-6); i <= column(9); ++i)
            if (v.at(i, row(-260), 0) > v.at(at, row(-260), 0)) at = i;
        double z = 0;
        for (int r = row(-260); r <= row(-400); ++r, at = peak) {
            peak = at - reach;
            for (int i = at - reach; i <= at + reach; ++i)
                if (v.at(i, r, 0) > v.at(peak, r, 0)) peak = i;
            const double c = v.at(peak, r, 0) - 0.5 * (v.at(peak - side, r, 0) + v.at(peak + side, r, 0));
            if (c < 60) break;
            const auto p = g.indexToPatient(glm::dvec3(peak, r, 0));
            z = p.z;
            x = p.x;
        }
        return z;
    };
    double x0 = 0, x1 = 0;
    const double z0 = tip(*normal, x0), z1 = tip(*deep, x1);
    std::printf("scout: the line ends at z %.1f (x %.1f) without, z %.1f (x %.1f) with the injury\n", z0, x0, z1, x1);
    EXPECT_GT(z0, -305.0) << "the normal tube ends above the carina";
    EXPECT_LT(z1, -338.0) << "the tube's line runs on past the carina on the scout";
    EXPECT_LT(x1, x0 - 4.0) << "and its tip lies to the patient's right, in the right main bronchus";

    // Axial: the line (over 1500 HU, denser than any bone here) below the carina, within 25 mm of the midline; 6 mm
    // and more below the carina it lies right of the midline (the mediastinum itself lies 4 mm to the left).
    auto dots = [](const imaging::Volume& v, long& right) {
        const auto& gg = v.geometry();
        long n = 0;
        right = 0;
        for (int k = 0; k < gg.dims.z; ++k)
            for (int j = 0; j < gg.dims.y; ++j)
                for (int i = 0; i < gg.dims.x; ++i) {
                    const glm::dvec3 p = gg.indexToPatient({i, j, k});
                    if (p.z > -336 || p.z < -380 || std::abs(p.x) > 25 || p.y < -10 || p.y > 40) continue;
                    if (v.at(i, j, k) < 1500) continue;
                    ++n;
                    right += p.x < 0 || p.z > -340;
                }
        return n;
    };
    auto axialIntubated = testOptions();
    axialIntubated.devices = {"endotracheal_tube"};
    const auto a0 = phantom::generateSeries(axialIntubated, phantom::SeriesKind::Arterial);
    const auto a1 = phantom::generateSeries(testOptions({"endobronchial_intubation"}), phantom::SeriesKind::Arterial);
    long r0 = 0, r1 = 0;
    const long n0 = dots(*a0, r0), n1 = dots(*a1, r1);
    std::printf("axial: voxels of the line below the carina %ld without, %ld with (%ld right of the midline)\n", n0, n1,
                r1);
    EXPECT_EQ(n0, 0) << "no tube below the carina in the normal patient";
    EXPECT_GT(n1, 0) << "the tube's line below the carina";
    EXPECT_EQ(r1, n1) << "in the right main bronchus, not the left";
}

// The same patient's lungs: the unventilated left lower lobe collapses to a dense, enhancing triangle behind the heart
// against the spine, the left upper lobe holds less air, the right lung is unchanged, and the mediastinum lies a few
// millimetres to the left.
TEST(PhantomInjuries, EndobronchialIntubationCollapsesTheLeftLowerLobeAndPullsTheMediastinumLeft) {
    const auto normal = phantom::generateSeries(testOptions(), phantom::SeriesKind::Arterial);
    const auto deep = phantom::generateSeries(testOptions({"endobronchial_intubation"}), phantom::SeriesKind::Arterial);
    auto mean = [](const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi) {
        double sum = 0;
        long n = 0;
        eachInBox(v, lo, hi, [&](const glm::dvec3&, int h) {
            sum += h;
            ++n;
        });
        return n ? sum / double(n) : 0.0;
    };
    const glm::dvec3 lowerLo(32, 55, -500), lowerHi(60, 78, -462);   // behind the heart, beside the spine
    const glm::dvec3 upperLo(55, -20, -320), upperHi(95, 30, -285);  // the left upper lobe
    const glm::dvec3 rightLo(-100, -40, -450), rightHi(-50, 40, -350);
    const double lower0 = mean(*normal, lowerLo, lowerHi), lower1 = mean(*deep, lowerLo, lowerHi);
    const double upper0 = mean(*normal, upperLo, upperHi), upper1 = mean(*deep, upperLo, upperHi);
    const double right0 = mean(*normal, rightLo, rightHi), right1 = mean(*deep, rightLo, rightHi);
    std::printf("left lower lobe %.0f -> %.0f HU, left upper lobe %.0f -> %.0f HU, right lung %.0f -> %.0f HU\n",
                lower0, lower1, upper0, upper1, right0, right1);
    EXPECT_LT(lower0, -600) << "aerated lung without the injury";
    EXPECT_GT(lower1, 20) << "the left lower lobe is airless and enhances";
    EXPECT_LT(upper0, -700);
    EXPECT_GT(upper1, upper0 + 100) << "the left upper lobe holds less air";
    EXPECT_LT(upper1, -400) << "but is still aerated";
    EXPECT_NEAR(right1, right0, 10) << "the ventilated right lung is unchanged";
    const glm::dvec3 heartLo(-80, -90, -450), heartHi(100, 30, -400);
    const double x0 = meanX(*normal, heartLo, heartHi, 150, 500), x1 = meanX(*deep, heartLo, heartHi, 150, 500);
    std::printf("contrast-filled heart and vessels: mean x %.1f -> %.1f mm\n", x0, x1);
    EXPECT_GT(x1 - x0, 3.0) << "the mediastinum moves to the left, towards the collapse";
    EXPECT_LT(x1 - x0, 10.0) << "a little, not like a tension pneumothorax";
}

// The same case's pneumomediastinum: gas (below -900 HU) appears where there was soft tissue round the trachea, the
// oesophagus, the arch and the main bronchi, and up in the lower neck; in the label map every pixel it takes was fat
// or muscle, never the airway, the lung or the oesophagus's wall or lumen (no tear, no pneumothorax).
TEST(PhantomInjuries, PneumomediastinumIsGasRoundTheAirwayOesophagusAndArchAndInTheNeckOutsideTheAirway) {
    const auto normal = phantom::generateSeries(fineOptions({}), phantom::SeriesKind::Arterial);
    const auto hurt = phantom::generateSeries(fineOptions({"pneumomediastinum"}), phantom::SeriesKind::Arterial);
    long chest = 0, neck = 0, lung = 0;
    eachVoxel(*normal, *hurt, [&](const glm::dvec3& p, int a, int b) {
        if (b > -900 || a < -500) return;  // new gas where there was tissue
        if (std::abs(p.x) < 50 && p.y > -45 && p.y < 50 && p.z < -250 && p.z > -390) ++chest;
        if (std::abs(p.x) < 40 && p.z <= -175 && p.z >= -245) ++neck;
        if (std::abs(p.x) > 60) ++lung;
    });
    std::printf("new gas voxels: mediastinum %ld, lower neck %ld, beyond the mediastinum %ld\n", chest, neck, lung);
    EXPECT_GT(chest, 150) << "gas in the mediastinum";
    EXPECT_GT(neck, 40) << "gas tracking into the lower neck";
    EXPECT_EQ(lung, 0) << "no gas in the lungs or the pleural spaces";

    using namespace phantom::detail;
    long taken = 0, wrong = 0;
    for (double z : {-200.0, -230.0, -260.0, -290.0, -320.0, -350.0, -370.0}) {
        constexpr int n = 120;
        const auto lab0 = labelMap({}, z, -60, -60, n), lab1 = labelMap({"pneumomediastinum"}, z, -60, -60, n);
        for (int q = 0; q < n * n; ++q) {
            if (lab1[q] != kAir || lab0[q] == kAir) continue;
            ++taken;
            wrong += !(lab0[q] == kMediastinalFat || lab0[q] == kFat || lab0[q] == kVisceralFat || lab0[q] == kMuscle);
        }
    }
    std::printf("label map: %ld pixels became mediastinal gas, %ld of them not fat or muscle\n", taken, wrong);
    EXPECT_GT(taken, 150);
    EXPECT_EQ(wrong, 0) << "the gas lies outside the airway, lung, vessels and oesophagus";
}

// The assaulted head (scenarios/assault-head.toml), non-contrast head series: traumatic subarachnoid blood is
// hyperdense (45 to 90 HU) where the sulci held CSF (under 18 HU), over both frontal convexities and in the left
// Sylvian fissure; the midline (interhemispheric fissure and falx) and the right Sylvian fissure keep their look.
// Without the injury there is no blood in the sulci.
TEST(PhantomInjuries,
     SubarachnoidHaemorrhageIsBloodWhereTheSulciHeldCsfOverBothFrontalLobesAndInTheLeftSylvianFissure) {
    const auto normal = phantom::generateSeries(fineOptions({}), phantom::SeriesKind::Head);
    const auto hurt = phantom::generateSeries(fineOptions({"subarachnoid_hemorrhage"}), phantom::SeriesKind::Head);
    long right = 0, left = 0, sylvian = 0, rightSylvian = 0, midline = 0, before = 0;
    eachVoxel(*normal, *hurt, [&](const glm::dvec3& p, int a, int b) {
        if (p.z < -110 || p.z > -15) return;
        const bool frontal = p.y < -10 && p.z > -78;
        if (frontal && a >= 45) before += a <= 90 && std::abs(p.x) > 10 && std::abs(p.x) < 55 && p.y > -60;
        if (std::abs(p.x) < 3 && a != b) ++midline;
        const bool blood = a < 18 && b >= 45 && b <= 90;
        if (!blood) return;
        if (frontal && p.x < -10) ++right;
        if (frontal && p.x > 10) ++left;
        if (inBox(p, {38, -32, -98}, {64, 20, -74}, 0)) ++sylvian;
        if (inBox(p, {-64, -32, -98}, {-38, 20, -80}, 0)) ++rightSylvian;
    });
    std::printf(
        "CSF that became blood: right frontal %ld, left frontal %ld, left Sylvian %ld, right Sylvian %ld; "
        "changed voxels on the midline %ld\n",
        right, left, sylvian, rightSylvian, midline);
    EXPECT_GT(right, 60) << "blood in the sulci over the right frontal convexity";
    EXPECT_GT(left, 60) << "blood in the sulci over the left frontal convexity";
    EXPECT_GT(sylvian, 60) << "blood in the left Sylvian fissure";
    EXPECT_EQ(rightSylvian, 0) << "the right Sylvian fissure stays CSF";
    EXPECT_EQ(midline, 0) << "the falx and the interhemispheric fissure are not blood";
}

// The same case: contrecoup contusions of both inferior frontal lobes and the left temporal pole, each a patch of
// brain (22 to 50 HU before) now mixed: haemorrhagic foci over 55 HU within low-density oedema under 22 HU. Without the
// injury there is neither.
TEST(PhantomInjuries, CerebralContusionsAreHaemorrhagicFociInOedemaInBothInferiorFrontalLobesAndTheLeftTemporalPole) {
    const auto normal = phantom::generateSeries(fineOptions({}), phantom::SeriesKind::Head);
    const auto hurt = phantom::generateSeries(fineOptions({"cerebral_contusion"}), phantom::SeriesKind::Head);
    struct Site {
        const char* name;
        glm::dvec3 lo, hi;
        long foci = 0, oedema = 0, fociBefore = 0;
    };
    std::array<Site, 3> sites{Site{"right inferior frontal", {-34, -68, -106}, {-4, -32, -84}},
                              Site{"left inferior frontal", {4, -68, -106}, {36, -30, -84}},
                              Site{"left temporal pole", {32, -36, -114}, {60, 0, -90}}};
    eachVoxel(*normal, *hurt, [&](const glm::dvec3& p, int a, int b) {
        for (auto& s : sites) {
            if (!inBox(p, s.lo, s.hi, 0)) continue;
            s.fociBefore += a >= 55 && a <= 90;
            if (a < 22 || a > 50) continue;
            s.foci += b >= 55 && b <= 90;
            s.oedema += b < 22 && b > -10;
        }
    });
    for (const auto& s : sites) {
        std::printf("%s: brain that became haemorrhage %ld, oedema %ld (haemorrhage-dense voxels before %ld)\n", s.name,
                    s.foci, s.oedema, s.fociBefore);
        EXPECT_GT(s.foci, 30) << s.name << ": haemorrhagic foci";
        EXPECT_GT(s.oedema, 100) << s.name << ": low-density oedema round them";
    }
}

// The T-boned driver (scenarios/diaphragm-rupture.toml): a left diaphragmatic rupture. On the arterial series the
// stomach's gas lies in the left chest above the level of the normal left dome (about -485 mm), where there was only
// lung; no lung is left between the stomach and the posterior ribs (the dependent viscera sign); the gas-filled lumen
// is pinched to a waist where it passes through the tear (the collar sign), narrower than the fundus above and the
// body below; and the heart is pushed a little to the right. Without the injury, none of it.
TEST(PhantomInjuries, DiaphragmaticRuptureLiftsTheStomachIntoTheLeftChestThroughACollarAgainstThePosteriorRibs) {
    const auto normal = phantom::generateSeries(testOptions(), phantom::SeriesKind::Arterial);
    const auto hurt = phantom::generateSeries(testOptions({"diaphragmatic_rupture"}), phantom::SeriesKind::Arterial);
    auto count = [](const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi, int huLo, int huHi) {
        long n = 0;
        meanX(v, lo, hi, huLo, huHi, &n);
        return n;
    };
    // 1. Gas (below -960 HU: the lung is about -870) in the left chest above the normal dome.
    const glm::dvec3 chestLo(30, -40, -476), chestHi(130, 90, -400);
    const long gas0 = count(*normal, chestLo, chestHi, -1024, -960), gas1 = count(*hurt, chestLo, chestHi, -1024, -960);
    std::printf("gas voxels in the left lower chest: %ld without, %ld with the rupture\n", gas0, gas1);
    EXPECT_GT(gas1, gas0 + 300) << "the stomach's gas above the left hemidiaphragm";
    // 2. The dependent viscera sign: lung (-960 to -600 HU) in the band in front of the posterior ribs beside the
    // spine, at the stomach's levels.
    const glm::dvec3 backLo(55, 58, -460), backHi(105, 85, -430);
    const long lung0 = count(*normal, backLo, backHi, -959, -600), lung1 = count(*hurt, backLo, backHi, -959, -600);
    std::printf("lung voxels against the left posterior ribs: %ld without, %ld with the rupture\n", lung0, lung1);
    EXPECT_GT(lung0, 40) << "the normal left lower lobe lies against the posterior ribs";
    EXPECT_LT(lung1, lung0 / 5) << "the stomach lies against the posterior ribs with no lung behind it";
    // 3. The collar: the gas of the stomach in one axial slice (the box round its course) at the fundus, at the tear
    // and at the body below it.
    auto gasIn = [&](double z) {
        return count(*hurt, {20, -50, z - 1.5}, {125, 90, z + 1.5}, -1024, -960) -
               count(*normal, {20, -50, z - 1.5}, {125, 90, z + 1.5}, -1024, -960);
    };
    const long fundus = gasIn(-448), waist = gasIn(-490), body = gasIn(-514);
    std::printf("stomach gas per slice: fundus %ld, tear %ld, body %ld voxels\n", fundus, waist, body);
    EXPECT_GT(waist, 5) << "the stomach passes through the tear";
    EXPECT_LT(waist * 2, fundus) << "a waist at the tear, narrower than the fundus above";
    EXPECT_LT(waist * 4, body * 3) << "a waist at the tear, narrower than the body below";
    // 4. The contrast-filled heart chambers move to the right (-x).
    const glm::dvec3 heartLo(-80, -90, -450), heartHi(100, 30, -400);
    const double shift = meanX(*hurt, heartLo, heartHi, 150, 500) - meanX(*normal, heartLo, heartHi, 150, 500);
    std::printf("heart moved %.1f mm in x\n", shift);
    EXPECT_LT(shift, -3.0) << "the mediastinum pushed to the right";
}

// The diaphragm-rupture case says the scout shows the left dome's outline lost under a density at the left base (the
// stomach, its wall and fluid, and the compressed lung round it). On the AP projection the band just above the
// normal left dome is denser than the lung higher up, by far more than in the normal chest, where aerated lung lies
// down to the dome.
TEST(PhantomInjuries, DiaphragmaticRuptureShowsOnTheScoutAsADenseLeftBaseAboveTheDome) {
    // The diaphragm-rupture case's patient, on a 256-pixel scout.
    const auto [normal, hurt] = scoutsOf(7201, "diaphragmatic_rupture");
    const auto& g = normal->geometry();
    ASSERT_EQ(g.dims.z, 1);
    // Mean and spread of the scout's values over LPS x in [x0, x1] and z in [z0, z1].
    auto stats = [&](const imaging::Volume& v, double x0, double x1, double z0, double z1, double& sd) {
        double sum = 0, sq = 0;
        long n = 0;
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const glm::dvec3 p = g.indexToPatient(glm::dvec3(i, j, 0));
                if (p.x < x0 || p.x > x1 || p.z < z0 || p.z > z1) continue;
                const double h = v.at(i, j, 0);
                sum += h, sq += h * h, ++n;
            }
        const double mean = sum / double(std::max(n, 1L));
        sd = std::sqrt(std::max(0.0, sq / double(std::max(n, 1L)) - mean * mean));
        return mean;
    };
    double sd0 = 0, sd1 = 0, sdUp0 = 0, sdUp1 = 0;  // the spreads, printed
    const double base0 = stats(*normal, 55, 105, -478, -430, sd0), base1 = stats(*hurt, 55, 105, -478, -430, sd1);
    const double up0 = stats(*normal, 55, 105, -400, -360, sdUp0), up1 = stats(*hurt, 55, 105, -400, -360, sdUp1);
    std::printf("left base above the dome: %.0f (sd %.0f) without, %.0f (sd %.0f) with; lung above: %.0f, %.0f\n",
                base0, sd0, base1, sd1, up0, up1);
    EXPECT_GT((base1 - up1) - (base0 - up0), 60) << "the left base above the dome is denser than the lung above it";
}

namespace {
// Whether the model's tissue at p is bone (cortex or marrow): one 0.5 mm pixel painted from the model.
bool boneAt(const phantom::detail::Model& model, const glm::dvec3& p) {
    using namespace phantom::detail;
    float hu = -1000;
    std::uint8_t label = kAir;
    Canvas c{&hu, &label, 1, 1, p.x, p.y, 0.5, 0.5, p.z, 1};
    paintLayers(c, model.layers, 1);
    return label == kBone || label == kMarrow;
}
// Walking along right rib n from its back (t = 0.2) to near its front end (t = 0.95) on a line `inMm` inside its
// centre line (towards the chest's centre): the fraction t where each run of at least 1 mm without bone begins, and
// the fraction of the walk between the flail's breaks that met bone.
struct RibWalk {
    std::vector<double> gaps;
    double boneBetweenBreaks = 0;
};
RibWalk walkRib(const phantom::detail::Model& model, int n, double inMm) {
    using namespace phantom::detail;
    RibWalk w;
    const glm::dvec3 inward = flailInward(n);
    bool seenBone = false;
    int run = 0;
    double runStart = 0;
    long between = 0, betweenBone = 0;
    for (double t = 0.2; t <= 0.95; t += 0.001) {
        const glm::dvec3 p = ribPointAt(-1, n, t) + inward * inMm;
        const bool bone = boneAt(model, p);
        if (t > kFlailBreaks[0] + 0.03 && t < kFlailBreaks[1] - 0.03) {
            ++between;
            betweenBone += bone;
        }
        if (bone) {
            // A gap is a run of about 1 mm or more (the path's points lie about 25 mm apart: 0.001 is 0.3 mm).
            if (seenBone && run >= 4) w.gaps.push_back(runStart);
            seenBone = true;
            run = 0;
        } else if (run++ == 0) {
            runStart = t;
        }
    }
    w.boneBetweenBreaks = double(betweenBone) / double(std::max(between, 1L));
    return w;
}
}  // namespace

// The flail-chest case (scenarios/flail-chest.toml). Walked along their course, right ribs 4 to 8 each have two gaps
// without bone, one posterolateral and one anterolateral, where the uninjured ribs are whole; the 3rd and 9th ribs
// stay whole. The segment between the breaks is pushed in: a line 6 mm inside the rib's old centre line, which runs
// outside the normal rib, meets bone along the segment.
TEST(PhantomInjuries, FlailChestBreaksRightRibsFourToEightTwiceEachAndPushesTheSegmentIn) {
    using namespace phantom::detail;
    const auto normal = buildModel({}, Contrast::Arterial);
    const auto hurt = buildModel({"flail_chest"}, Contrast::Arterial);
    for (int n = 3; n <= 9; ++n) {
        const bool flail = n >= kFlailFirstRib && n <= kFlailLastRib;
        const auto before = walkRib(*normal, n, 2.0), after = walkRib(*hurt, n, 2.0);
        const auto inside0 = walkRib(*normal, n, 6.0), inside1 = walkRib(*hurt, n, 6.0);
        std::printf("rib %d: %zu gaps without, %zu with the flail (at", n, before.gaps.size(), after.gaps.size());
        for (double t : after.gaps) std::printf(" %.3f", t);
        std::printf("); bone 6 mm inside between the breaks %.2f without, %.2f with\n", inside0.boneBetweenBreaks,
                    inside1.boneBetweenBreaks);
        EXPECT_TRUE(before.gaps.empty()) << "rib " << n << " is whole without the injury";
        if (!flail) {
            EXPECT_TRUE(after.gaps.empty()) << "rib " << n << " lies outside the flail segment and stays whole";
            continue;
        }
        ASSERT_EQ(after.gaps.size(), 2u) << "rib " << n << " is broken in two places";
        EXPECT_NEAR(after.gaps[0], kFlailBreaks[0], 0.03) << "rib " << n << ": the posterolateral break";
        EXPECT_NEAR(after.gaps[1], kFlailBreaks[1], 0.03) << "rib " << n << ": the anterolateral break";
        EXPECT_LT(inside0.boneBetweenBreaks, 0.05) << "rib " << n << ": no bone 6 mm inside the normal rib";
        EXPECT_GT(inside1.boneBetweenBreaks, 0.8) << "rib " << n << ": the segment is pushed in";
    }
}

// The flail chest's pulmonary contusion: on the arterial series the right lung beneath the segment holds many voxels
// of contused lung (ground glass to consolidation, -700 to -50 HU) where the uninjured lung is aerated (the few there
// without the injury are partial volume at the pleura and the vessels, as on the left); the left lung opposite is as
// it was.
TEST(PhantomInjuries, FlailChestContusesTheRightLungBeneathTheSegmentAndNotTheLeft) {
    const auto normal = phantom::generateSeries(testOptions(), phantom::SeriesKind::Arterial);
    const auto hurt = phantom::generateSeries(testOptions({"flail_chest"}), phantom::SeriesKind::Arterial);
    auto count = [](const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi) {
        long n = 0;
        meanX(v, lo, hi, -700, -50, &n);
        return n;
    };
    const glm::dvec3 rightLo(-135, -40, -440), rightHi(-80, 40, -370);
    const glm::dvec3 leftLo(80, -40, -440), leftHi(135, 40, -370);
    const long r0 = count(*normal, rightLo, rightHi), r1 = count(*hurt, rightLo, rightHi);
    const long l0 = count(*normal, leftLo, leftHi), l1 = count(*hurt, leftLo, leftHi);
    std::printf("contused-lung voxels beneath the segment: right %ld without, %ld with; left %ld, %ld\n", r0, r1, l0,
                l1);
    EXPECT_GT(r1, r0 + 150) << "the right lung beneath the flail segment is contused";
    EXPECT_GT(r1, 2 * l1) << "more than the left lung opposite";
    EXPECT_EQ(l0, l1) << "the left lung is untouched";
}

namespace {
// The mean of a scout's pixels between LPS x0 and x1 and z0 and z1 (column and row ranges of the one image).
double scoutMean(const imaging::Volume& scout, double x0, double x1, double z0, double z1) {
    const auto& g = scout.geometry();
    const int c0 = std::max(0, std::min(scoutColumn(g, x0), scoutColumn(g, x1)));
    const int c1 = std::min(g.dims.x - 1, std::max(scoutColumn(g, x0), scoutColumn(g, x1)));
    const int r0 = std::max(0, std::min(scoutRow(g, z0), scoutRow(g, z1)));
    const int r1 = std::min(g.dims.y - 1, std::max(scoutRow(g, z0), scoutRow(g, z1)));
    double sum = 0;
    long n = 0;
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c, ++n) sum += scout.at(c, r, 0);
    return n ? sum / double(n) : 0.0;
}
}  // namespace

// The flail-chest case says the scout shows patchy density over the lateral right mid zone (the contusion under the
// segment): on the AP projection the lateral right chest at the segment's levels is denser than in the normal chest,
// and the left chest opposite is unchanged.
TEST(PhantomInjuries, FlailChestShowsOnTheScoutAsDensityOverTheLateralRightMidZone) {
    const auto [normal, hurt] = scoutsOf(7605, "flail_chest");
    ASSERT_EQ(normal->geometry().dims.z, 1);
    const double right0 = scoutMean(*normal, -140, -95, -430, -360), right1 = scoutMean(*hurt, -140, -95, -430, -360);
    const double left0 = scoutMean(*normal, 95, 140, -430, -360), left1 = scoutMean(*hurt, 95, 140, -430, -360);
    std::printf("lateral mid zone on the scout: right %.0f without, %.0f with; left %.0f, %.0f\n", right0, right1,
                left0, left1);
    EXPECT_GT(right1 - right0, 60) << "the contusion makes the lateral right mid zone denser";
    EXPECT_NEAR(left1, left0, 1.0) << "the left chest is unchanged";
}

// The belted passenger with the neck belt mark (scenarios/neck-seatbelt-carotid.toml): a left internal carotid
// dissection, Denver grade II. On the arterial series the contrast-filled lumen of the left internal carotid, along the
// narrowed segment 1.5 to 3 cm above the bifurcation's level, has about half the area of the right's at the same
// levels (without the injury the two are alike); behind it, where the normal artery is full of contrast, lies a
// crescent of blood in the wall that does not enhance; above it the lumen widens again (the taper). The mandible's
// beam hardening darkens this level by up to about 100 HU, so the crescent is measured against the same voxels without
// the injury: contrast of about 330 HU replaced by blood of about 60.
TEST(PhantomInjuries, CarotidDissectionNarrowsTheLeftInternalCarotidLumenWithANonEnhancingCrescentInItsWall) {
    auto neck = [](std::vector<std::string> injuries) {
        auto o = testOptions(std::move(injuries));
        o.matrix = 192;
        o.fieldOfViewMm = 200;  // 1 mm pixels: the internal carotid is about 7 mm across
        o.sliceMm = 2;
        return phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    };
    const auto normal = neck({}), hurt = neck({"carotid_dissection"});
    // Voxels of contrast round the internal carotid on one side (s = -1 right, +1 left) between z0 and z1; the
    // internal jugular beside it enhances less on the arterial phase.
    auto lumen = [](const imaging::Volume& v, int s, double z0, double z1) {
        long n = 0;
        eachInBox(v, {s < 0 ? -34.0 : 14.0, -8, z0}, {s < 0 ? -14.0 : 34.0, 14, z1}, [&](const glm::dvec3&, int h) {
            if (h > 80) ++n;
        });
        return n;
    };
    using phantom::detail::kCarotidDissectionHigh, phantom::detail::kCarotidDissectionLow,
        phantom::detail::kCarotidTaperTop;
    const double lo = kCarotidDissectionLow + 2, hi = kCarotidDissectionHigh - 2;
    const double normalRatio = double(lumen(*normal, 1, lo, hi)) / double(lumen(*normal, -1, lo, hi));
    const double hurtRatio = double(lumen(*hurt, 1, lo, hi)) / double(lumen(*hurt, -1, lo, hi));
    std::printf("left / right internal carotid lumen at the lesion: %.2f without, %.2f with the dissection\n",
                normalRatio, hurtRatio);
    EXPECT_NEAR(normalRatio, 1.0, 0.15) << "the normal carotids are alike";
    EXPECT_LT(hurtRatio, 0.7) << "the left lumen narrowed by the intramural haematoma (more than 25 %)";
    EXPECT_GT(hurtRatio, 0.25) << "narrowed, not occluded (grade II, not IV)";
    // The taper: above the lesion the lumen widens back towards the right's calibre.
    const double above = double(lumen(*hurt, 1, kCarotidDissectionHigh + 4, kCarotidTaperTop - 2)) /
                         double(lumen(*hurt, -1, kCarotidDissectionHigh + 4, kCarotidTaperTop - 2));
    std::printf("left / right lumen over the tapered segment above: %.2f\n", above);
    EXPECT_GT(above, hurtRatio + 0.1) << "the lumen tapers back to normal above the narrowed segment";
    // The crescent: 3 mm behind the axis, away from the remaining lumen (posterolaterally), at each slice of the
    // lesion; the same place in the right artery (mirrored) stays full of contrast.
    auto at = [](const imaging::Volume& v, int s, double z) {
        const double t = (z + 160) / 32;
        const glm::dvec3 axis(s * (24 - 3 * t), 2 + 6 * t, z);
        const glm::dvec3 back = glm::dvec3(s * 0.6, 0.8, 0) * 3.0;
        const auto i = v.geometry().patientToIndex(axis + back);
        return double(v.at(int(std::lround(i.x)), int(std::lround(i.y)), int(std::lround(i.z))));
    };
    double drop = 0, rightDrop = 0;
    int n = 0;
    for (double z = lo; z <= hi; z += 2, ++n) {
        drop += at(*normal, 1, z) - at(*hurt, 1, z);
        rightDrop += at(*normal, -1, z) - at(*hurt, -1, z);
    }
    drop /= n;
    rightDrop /= n;
    std::printf("HU lost behind the internal carotid's axis with the dissection: left %.0f, right %.0f\n", drop,
                rightDrop);
    EXPECT_NEAR(rightDrop, 0, 25) << "the right internal carotid is untouched";
    EXPECT_GT(drop, 190) << "the contrast in the left artery's wall is gone: it does not enhance";
    EXPECT_LT(drop, 350) << "what replaced it is blood (about 60 HU), not fat or air";
}

namespace {
// The aortic-mimic case's patient (scenarios/aortic-mimic.toml) at 2 mm slices and 256 pixels over a 250 mm field of
// view (about 1 mm pixels), fine enough for a flap a little over a millimetre thick; arterial phase. Generated once
// without and once with its aorta and lung findings, which lie far enough apart not to touch each other.
phantom::PhantomOptions aorticMimicOptions(std::vector<std::string> injuries) {
    auto o = testOptions(std::move(injuries));
    o.seed = 7908;
    o.ageYears = 58;
    o.sex = "male";
    o.matrix = 256;
    o.sliceMm = 2;
    o.fieldOfViewMm = 250;
    return o;
}
const imaging::Volume& aorticMimicVolume(bool withFindings) {
    static const auto normal = phantom::generateSeries(aorticMimicOptions({}), phantom::SeriesKind::Arterial);
    static const auto variant =
        phantom::generateSeries(aorticMimicOptions({"ductus_diverticulum", "minimal_aortic_injury", "lung_nodule"}),
                                phantom::SeriesKind::Arterial);
    return withFindings ? *variant : *normal;
}
// HU at an LPS point, trilinear between voxel centres.
double huAt(const imaging::Volume& v, const glm::dvec3& p) {
    const auto& g = v.geometry();
    const glm::dvec3 f = g.patientToIndex(p);
    const glm::ivec3 i0 = glm::ivec3(glm::floor(f));
    const glm::dvec3 t = f - glm::dvec3(i0);
    double sum = 0;
    for (int c = 0; c < 8; ++c) {
        const glm::ivec3 i = i0 + glm::ivec3(c & 1, (c >> 1) & 1, (c >> 2) & 1);
        const glm::ivec3 clamped = glm::clamp(i, glm::ivec3(0), g.dims - 1);
        const double w = (c & 1 ? t.x : 1 - t.x) * ((c >> 1) & 1 ? t.y : 1 - t.y) * ((c >> 2) & 1 ? t.z : 1 - t.z);
        sum += w * v.at(clamped.x, clamped.y, clamped.z);
    }
    return sum;
}
// The aorta's edge along a ray in the axial plane from its centre: the first distance at which the HU falls below
// the half-way value between the lumen (about 330 HU) and the mediastinal fat (about -90 HU).
double edgeAlong(const imaging::Volume& v, glm::dvec3 centre, glm::dvec3 dir) {
    dir = glm::normalize(glm::dvec3(dir.x, dir.y, 0));
    for (double r = 0; r < 40; r += 0.25)
        if (huAt(v, centre + dir * r) < 120) return r;
    return 40;
}
}  // namespace

// The aortic-mimic case: a ductus diverticulum. In the isthmus' axial slice the aorta's contour bulges towards the
// ligamentum arteriosum (anteromedially) by several millimetres, with the aorta's own HU inside and no low-density
// line between the lumen and the bulge; the far (posterolateral) wall does not move, the bulge sits on a broad base
// (widened 25 degrees either side of its apex: obtuse angles, not a narrow neck) and fades out by 40 degrees, and 3 cm
// further down the aorta is as it was. Without it the contour is round.
TEST(PhantomInjuries, DuctusDiverticulumIsASmoothAnteromedialBulgeOfTheIsthmusFilledLikeTheAorta) {
    const auto& normal = aorticMimicVolume(false);
    const auto& variant = aorticMimicVolume(true);
    const glm::dvec3 c = phantom::detail::kIsthmusCentre;
    const glm::dvec3 toward = glm::normalize(phantom::detail::kDuctusDiverticulum - c);
    const double apex0 = edgeAlong(normal, c, toward), apex1 = edgeAlong(variant, c, toward);
    const double back0 = edgeAlong(normal, c, -toward), back1 = edgeAlong(variant, c, -toward);
    auto turned = [&](double degrees) {
        const double a = glm::radians(degrees);
        return glm::dvec3(toward.x * std::cos(a) - toward.y * std::sin(a),
                          toward.x * std::sin(a) + toward.y * std::cos(a), 0);
    };
    auto widenedAt = [&](double degrees) {
        return edgeAlong(variant, c, turned(degrees)) - edgeAlong(normal, c, turned(degrees));
    };
    std::printf("widened at -40, -25, 25, 40 degrees: %.1f, %.1f, %.1f, %.1f mm\n", widenedAt(-40), widenedAt(-25),
                widenedAt(25), widenedAt(40));
    const double shoulder = std::min(widenedAt(25), widenedAt(-25));
    std::printf(
        "isthmus edge anteromedially: %.1f mm without, %.1f mm with the diverticulum; posterolaterally %.1f, "
        "%.1f; shoulders widened by %.1f mm\n",
        apex0, apex1, back0, back1, shoulder);
    EXPECT_GT(apex1 - apex0, 4.0) << "the contour bulges anteromedially";
    EXPECT_LT(apex1 - apex0, 8.0) << "a bump, not an aneurysm";
    EXPECT_NEAR(back1, back0, 1.0) << "the far wall stays where it was";
    EXPECT_GT(shoulder, 1.0) << "a broad base on the wall (obtuse angles), not a narrow neck";
    EXPECT_LT(std::max(widenedAt(40), widenedAt(-40)), apex1 - apex0 - 1.0) << "focal: it fades out round the wall";
    // Inside the bulge: the aorta's HU all the way out, with no dip between lumen and bulge (no flap).
    double lumen = 0, lowest = 1e9, bulge = 0;
    int nl = 0, nb = 0;
    for (double r = 0; r < apex1 - 1.5; r += 0.25) {
        const double h = huAt(variant, c + toward * r);
        lowest = std::min(lowest, h);
        if (r < apex0 - 3) lumen += h, ++nl;
        if (r > apex0 + 0.5) bulge += h, ++nb;
    }
    lumen /= std::max(nl, 1), bulge /= std::max(nb, 1);
    std::printf("lumen %.0f HU, bulge %.0f HU, lowest on the way out %.0f HU\n", lumen, bulge, lowest);
    EXPECT_GT(nb, 8);
    EXPECT_NEAR(bulge, lumen, 60.0) << "the bulge fills as the aorta does";
    EXPECT_GT(lowest, lumen - 100) << "no low-density line across it";
    // Focal: 3 cm lower the descending aorta is unchanged.
    const glm::dvec3 lower(28.2, 38.9, -352);
    EXPECT_NEAR(edgeAlong(variant, lower, toward), edgeAlong(normal, lower, toward), 0.5);
}

// The aortic-mimic case: a minimal aortic injury. Across the flap, in the contrast-filled lumen of the proximal
// descending aorta, the HU falls to a narrow trough (a thin line of low density, a millimetre or so thick, that the
// normal aorta does not have); nothing changes outside the aorta (no contour change, no haematoma), and the flap is
// short: a centimetre above or below it the lumen is as it was.
TEST(PhantomInjuries, MinimalAorticInjuryIsAThinShortIntimalFlapInTheLumenWithNoContourChangeOrHaematoma) {
    const auto& normal = aorticMimicVolume(false);
    const auto& injured = aorticMimicVolume(true);
    const glm::dvec3 base = phantom::detail::kMinimalAorticFlapBase, tip = phantom::detail::kMinimalAorticInjury;
    const glm::dvec3 along = glm::normalize(tip - base);
    const glm::dvec3 across = glm::normalize(glm::cross(along, glm::dvec3(0, 0, 1)));
    const glm::dvec3 mid = base + along * 4.0;
    // The profile across the flap, 3 mm either side of it (inside the lumen).
    auto profile = [&](const imaging::Volume& v, glm::dvec3 at, double& lowest, double& ends, double& width) {
        std::vector<double> h;
        for (double s = -3; s <= 3.001; s += 0.25) h.push_back(huAt(v, at + across * s));
        lowest = *std::min_element(h.begin(), h.end());
        ends = (h.front() + h.back()) / 2;
        const double half = (lowest + ends) / 2;
        width = 0.25 * double(std::count_if(h.begin(), h.end(), [&](double x) { return x < half; }));
    };
    double low0, ends0, w0, low1, ends1, w1;
    profile(normal, mid, low0, ends0, w0);
    profile(injured, mid, low1, ends1, w1);
    std::printf(
        "across the flap: lowest %.0f HU between %.0f HU without, lowest %.0f HU between %.0f HU with the "
        "injury, trough %.2f mm wide\n",
        low0, ends0, low1, ends1, w1);
    EXPECT_GT(low0, ends0 - 80) << "the normal lumen is even";
    EXPECT_GT(ends1, 250) << "contrast on either side of the flap";
    EXPECT_LT(low1, ends1 - 120) << "a low-density line in the lumen";
    EXPECT_LT(w1, 3.0) << "thin";
    EXPECT_GT(w1, 0.5);
    // Short: 1 cm above and below the lumen is even.
    for (double dz : {-10.0, 10.0}) {
        double l, e, w;
        profile(injured, mid + glm::dvec3(0, 0, dz), l, e, w);
        EXPECT_GT(l, e - 80) << "no flap " << dz << " mm along the aorta";
    }
    // No contour change and no haematoma: outside the aorta (beyond 1.5 mm from its normal edge) nothing differs in
    // the slabs round the flap.
    const glm::dvec3 centre(28.6, 41.5, tip.z);
    long changedOutside = 0, changedInside = 0;
    eachInBox(
        injured, centre - glm::dvec3(30, 30, 12), centre + glm::dvec3(30, 30, 12), [&](const glm::dvec3& p, int h) {
            const auto ijk = glm::ivec3(glm::round(normal.geometry().patientToIndex(p)));
            if (normal.at(ijk.x, ijk.y, ijk.z) == h) return;
            (glm::length(glm::dvec2(p.x - centre.x, p.y - centre.y)) > 11.1 + 1.5 ? changedOutside : changedInside)++;
        });
    std::printf("voxels changed inside the aorta %ld, outside it %ld\n", changedInside, changedOutside);
    EXPECT_GT(changedInside, 0);
    EXPECT_EQ(changedOutside, 0) << "no contour change, no periaortic haematoma";
}

// The aortic-mimic case: an incidental solid nodule in the right upper lobe. Where the normal patient has aerated
// lung, a round soft-tissue blob of about 8.5 mm (7.5 to 9.5 mm as the diameter of a sphere of its volume, and across
// in each direction), solid (its core of soft-tissue density), with aerated lung all round it.
TEST(PhantomInjuries, LungNoduleIsASolidRoundBlobOfAboutEightAndAHalfMillimetresInAeratedRightUpperLobe) {
    const auto& normal = aorticMimicVolume(false);
    const auto& with = aorticMimicVolume(true);
    const glm::dvec3 c = phantom::detail::kLungNodule;
    const auto& g = with.geometry();
    const double voxel = g.spacing.x * g.spacing.y * g.spacing.z;
    double volume = 0, core = 0, shell = 0;
    long nCore = 0, nShell = 0;
    glm::dvec3 lo(1e9), hi(-1e9);
    eachInBox(with, c - 14.0, c + 14.0, [&](const glm::dvec3& p, int h) {
        const auto ijk = glm::ivec3(glm::round(g.patientToIndex(p)));
        const int h0 = normal.at(ijk.x, ijk.y, ijk.z);
        const double r = glm::length(p - c);
        // Soft tissue where there was lung, counted by its share of the way from lung to soft tissue.
        if (h0 < -500 && h > -800) {
            volume += voxel * std::clamp((h - h0) / (40.0 - h0), 0.0, 1.0);
            if (h > -400) lo = glm::min(lo, p), hi = glm::max(hi, p);
        }
        if (r < 2.0) core += h, ++nCore;
        if (r > 8 && r < 13) shell += h0, ++nShell;
    });
    core /= double(std::max(nCore, 1L)), shell /= double(std::max(nShell, 1L));
    const double diameter = std::cbrt(6 * volume / std::numbers::pi);
    const glm::dvec3 across = hi - lo + glm::dvec3(g.spacing.x, g.spacing.y, g.spacing.z);
    std::printf(
        "nodule: %.0f mm3, %.1f mm as a sphere, %.1f x %.1f x %.1f mm across; core %.0f HU; lung round it "
        "%.0f HU\n",
        volume, diameter, across.x, across.y, across.z, core, shell);
    EXPECT_LT(shell, -700) << "it sits in aerated lung";
    EXPECT_GT(diameter, 7.5);
    EXPECT_LT(diameter, 9.5);
    for (int a = 0; a < 3; ++a) {
        EXPECT_GT(across[a], 6.5) << "axis " << a;
        EXPECT_LT(across[a], 11.5) << "axis " << a;
    }
    EXPECT_GT(core, -100) << "solid: soft tissue at its core";
    EXPECT_LT(core, 150);
}

namespace {
// The HU of an axial slice of the non-contrast head model at z, painted at 0.5 mm pixels over [x0, x1] x [y0, y1]
// (before the scanner's blur and noise), and the HU at a point of it.
struct FaceSlice {
    double x0, y0, px = 0.5;
    int nx, ny;
    std::vector<float> hu;
    float at(double x, double y) const {
        const int i = std::clamp(int(std::lround((x - x0) / px)), 0, nx - 1);
        const int j = std::clamp(int(std::lround((y - y0) / px)), 0, ny - 1);
        return hu[std::size_t(j) * nx + i];
    }
};
FaceSlice faceSlice(const std::set<std::string>& injuries, double z, double x0, double y0, double x1, double y1) {
    using namespace phantom::detail;
    const auto model = buildModel(injuries, Contrast::None);
    FaceSlice s{x0, y0, 0.5, int((x1 - x0) / 0.5) + 1, int((y1 - y0) / 0.5) + 1, {}};
    s.hu.assign(std::size_t(s.nx) * s.ny, -1000);
    std::vector<std::uint8_t> label(s.hu.size(), phantom::detail::kAir);
    Canvas c{s.hu.data(), label.data(), s.nx, s.ny, x0, y0, s.px, s.px, z, 1};
    paintLayers(c, model->layers, 1);
    return s;
}
}  // namespace

// The motorcyclist thrown face first (scenarios/facial-airway.toml). The airway: on the head series the air column of
// the pharynx from the nasopharynx to the tongue base is a slit, blood and swollen soft tissue where the uninjured
// patient has air, while the larynx below stays open. Without the injury, the whole lumen is air.
TEST(PhantomInjuries, AirwayCompromiseNarrowsThePharynxToASlitOfBloodAndTongueAboveAnOpenLarynx) {
    auto o = testOptions();
    o.sliceMm = 2;
    o.matrix = 192;
    const auto normal = phantom::generateSeries(o, phantom::SeriesKind::Head);
    o.injuries = {"airway_compromise"};
    const auto hurt = phantom::generateSeries(o, phantom::SeriesKind::Head);
    auto count = [](const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi, int huLo, int huHi) {
        long n = 0;
        meanX(v, lo, hi, huLo, huHi, &n);
        return n;
    };
    // Air (below -500 HU) in the pharynx between the nasopharynx and the tongue base, and blood or soft tissue
    // (30 to 90 HU) there.
    const glm::dvec3 lo(-12, -30, -200), hi(12, 12, -136);
    const long air0 = count(*normal, lo, hi, -1024, -500), air1 = count(*hurt, lo, hi, -1024, -500);
    const long soft0 = count(*normal, lo, hi, 30, 90), soft1 = count(*hurt, lo, hi, 30, 90);
    std::printf("pharyngeal air: %ld voxels without, %ld with; blood or soft tissue %ld without, %ld with\n", air0,
                air1, soft0, soft1);
    EXPECT_GT(air0, 150) << "the normal pharynx holds air";
    EXPECT_LT(air1 * 3, air0) << "the air column narrowed to less than a third";
    EXPECT_GT(air1, 0) << "a slit of air remains";
    EXPECT_GT(soft1 - soft0, (air0 - air1) / 3) << "blood and swelling where the air was";
    // The larynx below the tongue base keeps its air.
    const glm::dvec3 lLo(-12, -34, -232), lHi(12, -8, -218);
    EXPECT_GT(count(*hurt, lLo, lHi, -1024, -500) * 10, count(*normal, lLo, lHi, -1024, -500) * 8)
        << "the larynx is open";
}

// The facial fractures (Le Fort II on both sides, the mandible broken at the right parasymphysis and the left angle).
// Blood fills both maxillary sinuses on the head series where the uninjured patient has air; in the bone (painted at
// 0.5 mm) the lateral walls of the sinuses, the pterygoid plates and the mandible have gaps at the fracture lines; the
// chin is pulled back. Without the injury, air in the sinuses, no gaps, no plates broken and the chin in place.
TEST(PhantomInjuries, FacialFracturesFillTheMaxillarySinusesWithBloodAndBreakTheSinusWallsPterygoidsAndMandible) {
    auto o = testOptions();
    o.sliceMm = 2;
    o.matrix = 192;
    const auto normal = phantom::generateSeries(o, phantom::SeriesKind::Head);
    o.injuries = {"facial_fractures"};
    const auto hurt = phantom::generateSeries(o, phantom::SeriesKind::Head);
    auto meanHu = [](const imaging::Volume& v, glm::dvec3 lo, glm::dvec3 hi) {
        double sum = 0;
        long n = 0;
        eachInBox(v, lo, hi, [&](const glm::dvec3&, int h) {
            sum += h;
            ++n;
        });
        return n ? sum / double(n) : 0.0;
    };
    // 1. The back of each maxillary sinus: air without, blood (40-70 HU) with.
    for (int s : {-1, 1}) {
        const glm::dvec3 lo(s * 30.0 - 6, -50, -148), hi(s * 30.0 + 6, -38, -136);
        const double h0 = meanHu(*normal, lo, hi), h1 = meanHu(*hurt, lo, hi);
        std::printf("maxillary sinus (x %+d): %.0f HU without, %.0f HU with\n", s * 30, h0, h1);
        EXPECT_LT(h0, -800) << "air in the normal sinus";
        EXPECT_GT(h1, 40) << "blood in the sinus";
        EXPECT_LT(h1, 70) << "blood, not bone";
    }
    // 2. Bone gaps, painted at 0.5 mm: bone (above 500 HU) along each structure, counted on the fracture line.
    auto bone = [](const FaceSlice& f, glm::dvec2 a, glm::dvec2 b) {
        int n = 0;
        for (int k = 0; k <= 40; ++k) {
            const glm::dvec2 p = a + (b - a) * (k / 40.0);
            n += f.at(p.x, p.y) > 500;
        }
        return n;
    };
    const std::set<std::string> none, hurtSet{"facial_fractures"};
    // The lateral wall of the right maxillary sinus, crossed on the fracture line (z -146) and 8 mm above it.
    const auto wall0 = faceSlice(none, -146, -60, -70, 0, -20), wall1 = faceSlice(hurtSet, -146, -60, -70, 0, -20);
    int wallBone0 = 0, wallBone1 = 0;
    for (double y : {-48.0, -44.0, -40.0, -36.0}) {
        wallBone0 += bone(wall0, {-56, y}, {-38, y});
        wallBone1 += bone(wall1, {-56, y}, {-38, y});
    }
    std::printf("right maxillary lateral wall on the fracture line: %d bone samples without, %d with\n", wallBone0,
                wallBone1);
    EXPECT_GT(wallBone0, 4) << "the normal lateral wall";
    EXPECT_EQ(wallBone1, 0) << "a gap in the lateral wall at the fracture";
    // The pterygoid plates (drawn with the injury): bone above and below the break, a gap at it.
    int above = 0, at = 0, below = 0, normalPlates = 0;
    for (int s : {-1, 1}) {
        const double x = s * 15.0;
        above += bone(faceSlice(hurtSet, -142, x - 4, -30, x + 4, -4), {x - 3, -18}, {x + 3, -18});
        at += bone(faceSlice(hurtSet, -151, x - 4, -30, x + 4, -4), {x - 3, -18}, {x + 3, -18});
        below += bone(faceSlice(hurtSet, -160, x - 4, -30, x + 4, -4), {x - 3, -16}, {x + 3, -16});
        normalPlates += bone(faceSlice(none, -142, x - 4, -30, x + 4, -4), {x - 3, -18}, {x + 3, -18});
    }
    std::printf("medial pterygoid plates: bone above %d, at %d, below %d the break (%d without the injury)\n", above,
                at, below, normalPlates);
    EXPECT_GT(above, 0);
    EXPECT_GT(below, 0);
    EXPECT_EQ(at, 0) << "the plates broken across";
    // The mandible across the right parasymphyseal fracture, along the body through the chin (z -207).
    const auto jaw0 = faceSlice(none, -207, -40, -90, 50, 0), jaw1 = faceSlice(hurtSet, -207, -40, -90, 50, 0);
    auto boneAround = [&](const FaceSlice& f, glm::dvec2 c, glm::dvec2 along) {
        int n = 0;
        const glm::dvec2 across(-along.y, along.x);
        for (double t = -0.3; t <= 0.3; t += 0.3)
            n += bone(f, c + along * t - across * 10.0, c + along * t + across * 10.0);
        return n;
    };
    const glm::dvec2 along = glm::normalize(glm::dvec2(0.87, -0.49));
    const int gap0 = boneAround(jaw0, {-14, -67}, along), gap1 = boneAround(jaw1, {-14, -67}, along);
    std::printf("mandible at the right parasymphysis: %d bone samples without, %d with\n", gap0, gap1);
    EXPECT_GT(gap0, 10) << "the normal mandible";
    EXPECT_LT(gap1 * 4, gap0) << "a gap at the parasymphyseal fracture";
    // The chin pulled back: the bone's mean y in front of the mouth moves posteriorly (+y).
    auto chinY = [](const FaceSlice& f) {
        double sum = 0;
        long n = 0;
        for (double x = -8; x <= 8; x += 0.5)
            for (double y = -90; y <= -50; y += 0.5)
                if (f.at(x, y) > 500) {
                    sum += y;
                    ++n;
                }
        return n ? sum / double(n) : 0.0;
    };
    const auto chin0 = faceSlice(none, -210, -40, -90, 50, 0), chin1 = faceSlice(hurtSet, -210, -40, -90, 50, 0);
    std::printf("chin bone mean y: %.1f without, %.1f with\n", chinY(chin0), chinY(chin1));
    EXPECT_GT(chinY(chin1) - chinY(chin0), 2.5) << "the chin segment pulled back";
}

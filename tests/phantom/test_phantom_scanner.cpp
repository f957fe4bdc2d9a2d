// What the scanner and the trauma bay add to the built-in patient's images, as a reader sees them: the couch under the
// patient's back, the ECG electrodes on the chest, the dependent atelectasis of the lung bases, and the streaks of
// photon starvation and beam hardening.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "phantom/model.h"
#include "phantom/phantom.h"
#include "support/test_env.h"

using namespace polysim;
namespace fs = std::filesystem;

namespace {

phantom::PhantomOptions options(std::uint64_t seed = 1) {
    phantom::PhantomOptions o;
    o.seed = seed;
    o.matrix = 256;
    o.sliceMm = 4;
    return o;
}

// One arterial body series per seed, shared by the tests.
const imaging::Volume& arterial(std::uint64_t seed = 1) {
    static std::map<std::uint64_t, std::unique_ptr<imaging::Volume>> cache;
    auto& v = cache[seed];
    if (!v) v = phantom::generateSeries(options(seed), phantom::SeriesKind::Arterial);
    return *v;
}

// The arterial series of seed 1 with the given devices on the patient.
std::unique_ptr<imaging::Volume> arterialWith(std::vector<std::string> devices) {
    auto o = options(1);
    o.devices = std::move(devices);
    return phantom::generateSeries(o, phantom::SeriesKind::Arterial);
}

int sliceAt(const imaging::Volume& v, double z) {
    const auto& g = v.geometry();
    return std::clamp(int(std::lround((z - g.origin.z) / g.spacing.z)), 0, g.dims.z - 1);
}
int columnAt(const imaging::Volume& v, double x) {
    const auto& g = v.geometry();
    return std::clamp(int(std::lround((x - g.origin.x) / g.spacing.x)), 0, g.dims.x - 1);
}
double yOf(const imaging::Volume& v, int j) {
    return v.geometry().origin.y + j * v.geometry().spacing.y;
}

// Along the column at x of the slice at z, from behind the patient forwards: the couch's lower carbon shell (the
// first run brighter than 150 HU), then what lies between it and the back (the darkest value: foam), then the back
// (the first three rows of soft tissue in a row).
struct BackProfile {
    double skinY = 0, shellY = 0, shellHu = -2000, foamHu = 1e9;
};
BackProfile backProfile(const imaging::Volume& v, double x, double z) {
    const int k = sliceAt(v, z), i = columnAt(v, x);
    BackProfile p;
    int j = v.geometry().dims.y - 1;
    while (j > 0 && v.at(i, j, k) <= 150) --j;
    if (j <= 0) return p;
    p.shellY = yOf(v, j);
    p.shellHu = v.at(i, j, k);
    while (j > 0 && v.at(i, j, k) > 150) --j;
    for (; j >= 2; --j) {
        if (v.at(i, j, k) > -300 && v.at(i, j - 1, k) > -300 && v.at(i, j - 2, k) > -300) {
            p.skinY = yOf(v, j);
            break;
        }
        p.foamHu = std::min(p.foamHu, double(v.at(i, j, k)));
    }
    return p;
}

}  // namespace

// A case's patient is the one its story gives, over the seed's: the seed's old man, made a woman of 25, has a
// uterus behind the bladder and no prostate, and no calcified plaques; his build and arms stay the seed's. The DICOM
// header says the same.
TEST(PhantomScanner, TheImagesShowTheSexAndAgeTheCaseGivesOverTheSeeds) {
    std::uint64_t seed = 0;
    for (std::uint64_t s = 2; s < 400 && !seed; ++s) {
        const auto h = phantom::detail::habitusOf(s);
        if (!h.female && h.age >= 75) seed = s;
    }
    ASSERT_NE(seed, 0u);
    auto hers = options(seed);
    hers.sex = "female";
    hers.ageYears = 25;
    const auto own = phantom::detail::habitusOf(seed), given = phantom::detail::habitusOf(hers);
    EXPECT_TRUE(given.female);
    EXPECT_EQ(given.age, 25);
    EXPECT_EQ(given.extraFatMm, own.extraFatMm) << "the build is no longer the seed's";
    EXPECT_EQ(given.armsUp, own.armsUp) << "the arms are no longer the seed's";

    const auto& him = arterial(seed);
    const auto her = phantom::generateSeries(hers, phantom::SeriesKind::Arterial);
    ASSERT_EQ(her->dims(), him.dims());
    // Mean HU in a small box round a point (LPS mm) of the slice at its z.
    auto meanAt = [](const imaging::Volume& v, double x, double y, double z) {
        const auto& g = v.geometry();
        const int k = sliceAt(v, z);
        double s = 0;
        int n = 0;
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const double px = g.origin.x + i * g.spacing.x, py = g.origin.y + j * g.spacing.y;
                if (std::abs(px - x) > 8 || std::abs(py - y) > 6) continue;
                s += v.at(i, j, k), ++n;
            }
        return n ? s / n : -2000.0;
    };
    const double herUterus = meanAt(*her, 0, -15, -770), hisUterus = meanAt(him, 0, -15, -770);
    const double herProstate = meanAt(*her, 0, -34, -842), hisProstate = meanAt(him, 0, -34, -842);
    EXPECT_GT(herUterus, 60) << "no enhancing uterus behind her bladder";
    EXPECT_GT(herUterus, hisUterus + 30) << "his pelvis has what hers has behind the bladder";
    EXPECT_GT(hisProstate, 40) << "no prostate below his bladder";
    EXPECT_GT(hisProstate, herProstate + 30) << "her pelvis has his prostate";
    // Plaques: bright specks on his arteries that are not in hers (the rest of the two series is the same patient
    // with the same noise).
    long onlyHis = 0, onlyHers = 0;
    const auto& g = him.geometry();
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const int d = him.at(i, j, k) - her->at(i, j, k);
                onlyHis += d > 250;
                onlyHers += d < -250;
            }
    EXPECT_GT(onlyHis, 20) << "the " << own.age << "-year-old has no calcified plaques";
    EXPECT_LT(onlyHers, onlyHis / 4) << "the 25-year-old has bright specks the old man does not";

    const fs::path dir = polysim::test::scratchDir("phantom-patient");
    auto tiny = hers;
    tiny.matrix = 16;
    tiny.sliceMm = 20;
    phantom::writeStudy(tiny, dir);
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile((dir / "03_arterial" / "IM00001.dcm").c_str()).good());
    OFString sex, age;
    file.getDataset()->findAndGetOFString(DCM_PatientSex, sex);
    file.getDataset()->findAndGetOFString(DCM_PatientAge, age);
    EXPECT_EQ(std::string(sex.c_str()), "F");
    EXPECT_EQ(std::string(age.c_str()), "025Y");
}

TEST(PhantomScanner, ACouchOfCarbonShellAndFoamLiesUnderThePatientsBackInTheArterialSeries) {
    const auto& v = arterial();
    for (double z : {-350.0, -600.0, -800.0}) {
        const auto p = backProfile(v, 0, z);
        ASSERT_GT(p.skinY, 0) << "no back found at z " << z;
        EXPECT_GT(p.shellHu, 150) << "no carbon-fibre shell under the back at z " << z;
        EXPECT_GT(p.shellY - p.skinY, 3.0) << "the couch touches the skin at z " << z;
        EXPECT_LT(p.shellY - p.skinY, 50.0) << "the couch is far from the back at z " << z;
        EXPECT_LT(p.foamHu, -800) << "no low-density foam or mattress between back and shell at z " << z;
    }
    // Beside the body the couch is there too, in air: the shell continues far to the side of the trunk.
    const int k = sliceAt(v, -950), i = columnAt(v, 215);
    int bright = 0;
    for (int j = 0; j < v.geometry().dims.y; ++j) bright += v.at(i, j, k) > 150 && yOf(v, j) > 60;
    EXPECT_GE(bright, 1) << "the cradle does not reach the side of the field of view";
}

TEST(PhantomScanner, TheCouchFollowsTheHabitusAndShowsOnTheScout) {
    // A patient with much more subcutaneous fat lies with the back further down: the couch moves with it.
    std::uint64_t obese = 0;
    for (std::uint64_t s = 2; s < 200 && !obese; ++s)
        if (phantom::detail::habitusOf(s).extraFatMm > 18) obese = s;
    ASSERT_NE(obese, 0u);
    const auto lean = backProfile(arterial(1), 0, -400), big = backProfile(arterial(obese), 0, -400);
    EXPECT_GT(big.skinY - lean.skinY, 5.0) << "the obese patient's back is not lower";
    EXPECT_NEAR(big.shellY - big.skinY, lean.shellY - lean.skinY, 6.0) << "the couch does not follow the back";
    // Scout: below the thighs' level the only thing in the beam beside the legs is the couch.
    const auto scout = phantom::generateSeries(options(), phantom::SeriesKind::Scout);
    const auto& g = scout->geometry();
    const int row = std::clamp(int(std::lround((g.origin.z - -950.0) / g.spacing.y)), 0, g.dims.y - 1);
    const int col = std::clamp(int(std::lround((200.0 - g.origin.x) / g.spacing.x)), 0, g.dims.x - 1);
    double sum = 0;
    for (int d = -3; d <= 3; ++d) sum += scout->at(col, row + d, 0);
    EXPECT_GT(sum / 7, -975.0) << "the couch does not attenuate the scout beside the legs";
}

TEST(PhantomScanner, EcgElectrodesWithMetalSnapsSitOnTheChestSkinOnBothSides) {
    const auto& v = arterial();
    const auto& g = v.geometry();
    int right = 0, left = 0;
    for (int k = sliceAt(v, -520); k <= sliceAt(v, -250); ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                if (v.at(i, j, k) < 2000 || yOf(v, j) > -40) continue;
                // A snap: air in front of it, skin and fat right behind it.
                const int front = j - int(std::lround(12 / g.spacing.y)),
                          behind = j + int(std::lround(8 / g.spacing.y));
                if (front < 0 || behind >= g.dims.y) continue;
                if (v.at(i, front, k) > -900) continue;
                bool tissue = false;
                for (int jj = j + 1; jj <= behind; ++jj) tissue |= v.at(i, jj, k) > -200 && v.at(i, jj, k) < 200;
                if (!tissue) continue;
                (g.origin.x + i * g.spacing.x < 0 ? right : left) += 1;
            }
    EXPECT_GE(right, 2) << "no electrode snap on the right chest";
    EXPECT_GE(left, 2) << "no electrode snap on the left chest";
}

TEST(PhantomScanner, DependentLungBasesAreDenserThanTheFrontAndTheApices) {
    const auto& v = arterial();
    const auto& g = v.geometry();
    // In every column through a lung: mean HU of the lung's last 12 mm towards the back (dependent) minus that of its
    // first 12 mm at the front.
    auto gradient = [&](double z0, double z1) {
        double back = 0, front = 0;
        long nb = 0, nf = 0;
        auto isLung = [](int hu) { return hu > -980 && hu < -350; };
        for (int k = sliceAt(v, z0); k <= sliceAt(v, z1); ++k)
            for (int i = 0; i < g.dims.x; ++i) {
                const double x = std::abs(g.origin.x + i * g.spacing.x);
                if (x < 40 || x > 120) continue;
                int j0 = -1, j1 = -1;
                for (int j = 0; j < g.dims.y; ++j)
                    if (isLung(v.at(i, j, k)) && std::abs(yOf(v, j)) < 110) {
                        if (j0 < 0) j0 = j;
                        j1 = j;
                    }
                if (j0 < 0 || yOf(v, j1) - yOf(v, j0) < 40) continue;
                for (int j = j0; j <= j1; ++j) {
                    const int hu = v.at(i, j, k);
                    if (!isLung(hu)) continue;
                    if (yOf(v, j) > yOf(v, j1) - 12) back += hu, ++nb;
                    if (yOf(v, j) < yOf(v, j0) + 12) front += hu, ++nf;
                }
            }
        EXPECT_GT(nb, 20);
        EXPECT_GT(nf, 20);
        return nb && nf ? back / double(nb) - front / double(nf) : 0.0;
    };
    const double bases = gradient(-515, -480), apices = gradient(-340, -300);
    // Partial volume with the chest wall and the posterior veins make the back of the lung a little denser at every
    // level; the atelectasis adds a band at the bases only.
    EXPECT_GT(bases, apices + 40.0) << "the dependent lung bases (" << bases
                                    << " HU denser at the back) are not denser "
                                    << "than the upper lungs (" << apices << ")";
}

namespace {

// The artefact field (HU the scanner adds) of one 256 x 256 slice of the reference patient at z, with the given
// weights of photon starvation and beam hardening; the painted slice's labels say where the tissues are.
struct ArtefactSlice {
    std::vector<float> field, hu;
    std::vector<std::uint8_t> label;
    int n = 256;
    double x0 = -250 + 500.0 / 512, dx = 500.0 / 256;
    double x(int i) const { return x0 + i * dx; }
};
ArtefactSlice artefacts(double z, double starvation, double hardening, std::uint64_t seed = 1) {
    using namespace phantom::detail;
    static std::map<std::uint64_t, std::unique_ptr<Model>> models;
    auto& model = models[seed];
    if (!model) model = buildModel({}, Contrast::Arterial, habitusOf(seed));
    ArtefactSlice a;
    a.field.assign(std::size_t(a.n) * a.n, 0.0f);
    a.hu.assign(a.field.size(), -1000.0f);
    a.label.assign(a.field.size(), kAir);
    Canvas c{a.hu.data(), a.label.data(), a.n, a.n, a.x0, a.x0, a.dx, a.dx, z, 1.0};
    paintLayers(c, model->layers, 1);
    addScanArtefacts(beamPathLayers(model->layers), c, 0, seed, a.field.data(), starvation, hardening);
    return a;
}

// Streak noise statistics over the soft tissue of a slice: SD, and the ratio of the variance of differences
// between rows (across horizontal streaks) to that between columns.
struct StreakStats {
    double sd = 0, anisotropy = 0;
};
StreakStats streakStats(double z, std::uint64_t seed) {
    using namespace phantom::detail;
    const auto a = artefacts(z, 1, 0, seed);
    double s2 = 0, dy2 = 0, dx2 = 0;
    long n = 0;
    auto soft = [&](int i, int j) {
        const auto l = a.label[std::size_t(j) * a.n + i];
        return l == kMuscle || l == kFat || l == kVisceralFat || l == kSkin;
    };
    for (int j = 1; j < a.n; ++j)
        for (int i = 1; i < a.n; ++i) {
            if (!soft(i, j) || !soft(i - 1, j) || !soft(i, j - 1)) continue;
            const double f = a.field[std::size_t(j) * a.n + i];
            s2 += f * f;
            dy2 += std::pow(f - a.field[std::size_t(j - 1) * a.n + i], 2);
            dx2 += std::pow(f - a.field[std::size_t(j) * a.n + i - 1], 2);
            ++n;
        }
    return {n ? std::sqrt(s2 / double(n)) : 0.0, dx2 > 0 ? dy2 / dx2 : 0.0};
}

}  // namespace

// Streaks where the beam's path is longest: from side to side through the shoulders and the hips. A patient with the
// arms raised for the body scan (arms beside the abdomen streak it too, as they do on real scanners).
TEST(PhantomScanner, PhotonStarvationStreaksCrossTheShouldersAndPelvisNotTheMidAbdomen) {
    std::uint64_t seed = 0;
    for (std::uint64_t s = 2; s < 200 && !seed; ++s) {
        const auto h = phantom::detail::habitusOf(s);
        if (h.armsUp && std::abs(h.extraFatMm) < 5) seed = s;
    }
    ASSERT_NE(seed, 0u);
    const auto shoulders = streakStats(-285, seed), abdomen = streakStats(-600, seed), pelvis = streakStats(-790, seed);
    EXPECT_GT(shoulders.sd, 3.0 * abdomen.sd) << "the streaks at the shoulders are not stronger than at mid-abdomen";
    EXPECT_GT(pelvis.sd, 3.0 * abdomen.sd) << "the streaks across the pelvis are not stronger than at mid-abdomen";
    EXPECT_GT(shoulders.sd, 4.0) << "the shoulders carry no visible streaks";
    EXPECT_GT(shoulders.anisotropy, 5.0) << "the streaks at the shoulders do not run from side to side";
}

TEST(PhantomScanner, BeamHardeningDarkensTheBandBetweenTheFemoralHeadsAndThePetrousBones) {
    using namespace phantom::detail;
    auto meanIn = [](const ArtefactSlice& a, double x0, double x1, double y0, double y1) {
        double s = 0;
        long n = 0;
        for (int j = 0; j < a.n; ++j)
            for (int i = 0; i < a.n; ++i) {
                const double x = a.x(i), y = a.x(j);
                if (x < x0 || x > x1 || y < y0 || y > y1) continue;
                s += a.field[std::size_t(j) * a.n + i], ++n;
            }
        return n ? s / double(n) : 0.0;
    };
    const auto hips = artefacts(-792, 0, 1);
    const double between = meanIn(hips, -45, 45, -14, 2), front = meanIn(hips, -45, 45, -110, -80);
    // The head series keeps 15 % of the error (its reconstruction corrects beam hardening by bone).
    const auto skullBase = artefacts(-128, 0, 0.15);
    const double petrous = meanIn(skullBase, -14, 14, 10, 30), forehead = meanIn(skullBase, -20, 20, -60, -40);
    EXPECT_LT(between, front - 10.0) << "no dark band between the femoral heads: " << between << " HU against "
                                     << front;
    EXPECT_LT(petrous, forehead - 3.0) << "no dark band between the petrous bones: " << petrous << " HU against "
                                       << forehead;
}

// The motorcyclist's binder, put on at the scene, is on his images: a belt of fabric density round the hips at the
// greater trochanters, over the back as well as the front and both sides, with its buckle over the front. Above and
// below the belt, and in a case without one, nothing changes.
TEST(PhantomScanner, APelvicBinderWrapsTheHipsAtTheTrochantersOnlyWhenTheCaseHasOne) {
    const auto withBinder = arterialWith({"pelvic_binder"});
    const auto& without = arterial(1);
    ASSERT_EQ(withBinder->dims(), without.dims());
    const auto& g = without.geometry();
    // Where the belt is (air in the case without one, much denser with it), by quadrant round the slice's centre.
    auto beltQuadrants = [&](double z) {
        const int k = sliceAt(without, z);
        std::map<std::string, int> q;
        double maxDiff = 0;
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const double a = without.at(i, j, k), b = withBinder->at(i, j, k);
                maxDiff = std::max(maxDiff, std::abs(b - a));
                if (a > -700 || b - a < 300) continue;
                const double x = g.origin.x + i * g.spacing.x, y = yOf(without, j);
                if (std::abs(x) > std::abs(y))
                    q[x < 0 ? "right" : "left"]++;
                else
                    q[y < 0 ? "front" : "back"]++;
            }
        return std::make_pair(q, maxDiff);
    };
    const auto atTrochanters = beltQuadrants(-810).first;
    for (const char* side : {"right", "left", "front", "back"})
        EXPECT_GE(atTrochanters.count(side) ? atTrochanters.at(side) : 0, 4) << "no belt on the " << side;
    // The buckle: plastic over the front of the belt, at the midline.
    const int k = sliceAt(without, -810), i = columnAt(without, 0);
    double buckle = -1000;
    for (int j = 0; j < g.dims.y / 2; ++j)
        if (without.at(i, j, k) < -700) buckle = std::max(buckle, double(withBinder->at(i, j, k)));
    EXPECT_GT(buckle, 60) << "no buckle over the front";
    // Well above and below the belt the slices are the same as without it.
    for (double z : {-640.0, -960.0})
        EXPECT_LT(beltQuadrants(z).second, 1.0) << "the binder changed the slice at " << z;
    // A device the phantom does not know is refused by name.
    auto bound = options(1);
    bound.devices = {"pelvic_bindr"};
    EXPECT_THROW(phantom::validate(bound), phantom::PhantomError);
}

// A patient the case does not intubate (the elderly faller, the diver, the steering-wheel chest, who are talking) has
// no tube: the trachea is air from wall to wall. With the case's tube, its wall and radio-opaque line lie in the
// trachea; the misplaced-tube injuries bring their tube without being told.
TEST(PhantomScanner, AnEndotrachealTubeLiesInTheTracheaOnlyWhenTheCaseIntubatesThePatient) {
    const auto withTube = arterialWith({"endotracheal_tube"});
    const auto& without = arterial(1);
    ASSERT_EQ(withTube->dims(), without.dims());
    const auto& g = without.geometry();
    for (double z : {-230.0, -250.0}) {
        const int k = sliceAt(without, z);
        int tube = 0, air = 0, n = 0;
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const double x = g.origin.x + i * g.spacing.x, y = yOf(without, j);
                if (std::hypot(x, y + 19.5) > 4.8) continue;  // the middle of the trachea, where the tube runs
                ++n;
                tube += withTube->at(i, j, k) > -600;
                air += without.at(i, j, k) < -800;
            }
        ASSERT_GT(n, 12);
        EXPECT_GE(tube, 3) << "no tube in the trachea of the intubated patient at z " << z;
        EXPECT_EQ(air, n) << "something in the trachea of a patient with no tube at z " << z;
    }
    auto misplaced = options(1);
    misplaced.injuries = {"esophageal_intubation"};
    EXPECT_TRUE(phantom::detail::devicesOf(misplaced).count("endotracheal_tube"));
    EXPECT_FALSE(phantom::detail::devicesOf(options(1)).count("endotracheal_tube"));
}

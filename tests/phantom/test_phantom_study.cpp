// The phantom as a user gets it on disk: a DICOM study that dcm2niix and our loader read with the same geometry and the
// exact generated voxels, reproducible from the seed, cached once, and driven from `polysim phantom` / `snapshot`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "phantom/model.h"
#include "phantom/phantom.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace polysim;

namespace {

phantom::PhantomOptions smallOptions() {
    phantom::PhantomOptions o;
    o.seed = 7;
    o.matrix = 64;
    o.sliceMm = 8;
    o.injuries = {"epidural_hematoma", "splenic_laceration"};
    return o;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

template <typename T>
T field(const std::string& h, std::size_t offset) {
    T v;
    std::memcpy(&v, h.data() + offset, sizeof v);
    return v;
}

struct Nifti {
    int dims[3];
    double srow[3][4];
    float slope, inter;
    std::string data;
    int16_t at(int i, int j, int k) const {
        int16_t v;
        std::memcpy(&v, data.data() + 2 * ((std::size_t(k) * dims[1] + j) * dims[0] + i), 2);
        return v;
    }
    glm::dvec3 lps(double i, double j, double k) const {  // NIfTI is RAS
        glm::dvec3 ras;
        for (int r = 0; r < 3; ++r) ras[r] = srow[r][0] * i + srow[r][1] * j + srow[r][2] * k + srow[r][3];
        return {-ras.x, -ras.y, ras.z};
    }
};

Nifti readNifti(const fs::path& p) {
    const std::string h = slurp(p);
    EXPECT_GE(h.size(), 352u) << p;
    Nifti n{};
    for (int a = 0; a < 3; ++a) n.dims[a] = field<int16_t>(h, 42 + 2 * a);
    EXPECT_EQ(field<int16_t>(h, 70), 4) << "dcm2niix should keep int16 voxels";
    EXPECT_GT(field<int16_t>(h, 254), 0) << "sform must be set";
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c) n.srow[r][c] = field<float>(h, 280 + 16 * r + 4 * c);
    n.slope = field<float>(h, 112);
    n.inter = field<float>(h, 116);
    if (n.slope == 0) n.slope = 1;
    n.data = h.substr(std::size_t(field<float>(h, 108)));
    return n;
}

std::vector<glm::dvec3> corners(const std::function<glm::dvec3(double, double, double)>& f, glm::ivec3 d) {
    std::vector<glm::dvec3> c;
    for (int m = 0; m < 8; ++m) c.push_back(f(m & 1 ? d.x - 1 : 0, m & 2 ? d.y - 1 : 0, m & 4 ? d.z - 1 : 0));
    std::sort(c.begin(), c.end(), [](auto& a, auto& b) { return std::tie(a.x, a.y, a.z) < std::tie(b.x, b.y, b.z); });
    return c;
}

}  // namespace

TEST(PhantomStudy, Dcm2niixConvertsEverySeriesWithTheGeometryAndVoxelsOfOurLoader) {
    const fs::path dir = test::scratchDir("phantom_dcm2niix");
    const auto o = smallOptions();
    const auto study = phantom::writeStudy(o, dir / "study");
    ASSERT_EQ(study.seriesInstanceUids.size(), 3u);  // scout, head, arterial
    fs::create_directories(dir / "nii");
    const auto r = test::runShell("dcm2niix -z n -f %s -o " + (dir / "nii").string() + " " + (dir / "study").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_EQ(r.out.find("Error"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("Error"), std::string::npos) << r.err;
    // Series numbers: 2 head, 3 arterial. Compare both axial series with our loader voxel by voxel via patient mm.
    for (int number : {2, 3}) {
        const Nifti n = readNifti(dir / "nii" / (std::to_string(number) + ".nii"));
        auto vol = imaging::loadCtVolume(dir / "study", study.seriesInstanceUids[std::size_t(number - 1)]);
        ASSERT_TRUE(vol);
        const auto& g = vol->geometry();
        ASSERT_EQ(std::set<int>(n.dims, n.dims + 3), (std::set<int>{g.dims.x, g.dims.y, g.dims.z})) << number;
        const auto a =
            corners([&](double i, double j, double k) { return n.lps(i, j, k); }, {n.dims[0], n.dims[1], n.dims[2]});
        const auto b = corners([&](double i, double j, double k) { return g.indexToPatient({i, j, k}); }, g.dims);
        for (int c = 0; c < 8; ++c)
            EXPECT_NEAR(glm::length(a[std::size_t(c)] - b[std::size_t(c)]), 0.0, 0.05) << number;
        int compared = 0;
        for (int k = 0; k < n.dims[2]; k += 3)
            for (int j = 0; j < n.dims[1]; j += 5)
                for (int i = 0; i < n.dims[0]; i += 5) {
                    const glm::dvec3 idx = glm::round(g.patientToIndex(n.lps(i, j, k)));
                    ASSERT_TRUE(vol->contains(int(idx.x), int(idx.y), int(idx.z)));
                    ASSERT_EQ(int(std::lround(n.at(i, j, k) * n.slope + n.inter)),
                              vol->at(int(idx.x), int(idx.y), int(idx.z)));
                    ++compared;
                }
        EXPECT_GT(compared, 500);
    }
}

TEST(PhantomStudy, LoaderReadsBackExactlyTheGeneratedVoxels) {
    const fs::path dir = test::scratchDir("phantom_readback");
    auto o = smallOptions();
    o.phases = {phantom::SeriesKind::Arterial, phantom::SeriesKind::PortalVenous};
    const auto study = phantom::writeStudy(o, dir);
    const auto series = phantom::studySeries(o);
    ASSERT_EQ(series.size(), study.seriesInstanceUids.size());
    for (std::size_t s = 0; s < series.size(); ++s) {  // the scout (one localizer image) and every axial series
        const auto generated = phantom::generateSeries(o, series[s]);
        const auto loaded = series[s] == phantom::SeriesKind::Scout
                                ? imaging::loadLocalizer(dir, study.seriesInstanceUids[s])
                                : imaging::loadCtVolume(dir, study.seriesInstanceUids[s]);
        const auto &a = generated->geometry(), &b = loaded->geometry();
        ASSERT_EQ(a.dims, b.dims) << phantom::seriesKindName(series[s]);
        EXPECT_NEAR(glm::length(a.origin - b.origin), 0.0, 1e-3);
        EXPECT_NEAR(glm::length(a.spacing - b.spacing), 0.0, 1e-6);
        for (int c = 0; c < 3; ++c) EXPECT_NEAR(glm::length(a.direction[c] - b.direction[c]), 0.0, 1e-6);
        EXPECT_TRUE(std::equal(generated->voxels().begin(), generated->voxels().end(), loaded->voxels().begin()))
            << "voxels differ in " << phantom::seriesKindName(series[s]);
    }
}

// The room shows the study while it is made: the scout grows from the top of the head down, as a topogram does while
// the table moves, and each slice series is made from its top image down, the order a head-first scan sends them.
TEST(PhantomStudy, TheScoutGrowsFromTheTopAndEachSeriesIsMadeInTheOrderItsImagesArrive) {
    auto o = smallOptions();
    o.matrix = 128;
    o.sliceMm = 4;
    const auto dir = test::scratchDir("phantom_stream");
    std::vector<std::shared_ptr<const imaging::Volume>> scouts;
    std::vector<bool> growing;
    std::map<phantom::SeriesKind, std::shared_ptr<const imaging::Volume>> series;
    // For each slice series: whether, at every moment a slice was ready, every slice above it was ready too.
    std::map<phantom::SeriesKind, bool> topDown;
    phantom::SeriesKind current = phantom::SeriesKind::Scout;
    phantom::writeStudy(
        o, dir,
        [&](double, std::string_view stage) {
            auto it = series.find(current);
            if (it == series.end() || !stage.starts_with("generating")) return;
            const auto& v = *it->second;
            // The threads take the slices in turn from the top: a slice is ready only when all but those still being
            // made (at most one per thread) above it are ready too. The count is read after the look, as it only grows.
            const int nz = v.dims().z;
            int lowest = nz;
            for (int k = 0; k < nz && lowest == nz; ++k)
                if (v.sliceReady(k)) lowest = k;
            const int threads = int(std::max(1u, std::thread::hardware_concurrency()));
            const bool ok = lowest == nz || (nz - 1 - lowest) <= v.slicesReady() + threads;
            topDown.try_emplace(current, true).first->second &= ok;
        },
        [&](phantom::SeriesKind kind, std::shared_ptr<const imaging::Volume> v, bool grows) {
            current = kind;
            if (kind == phantom::SeriesKind::Scout) {
                scouts.push_back(v);
                growing.push_back(grows);
            } else {
                EXPECT_FALSE(grows);
                series[kind] = v;
            }
        });
    ASSERT_GE(scouts.size(), 4u) << "the scout is shown as it grows, not only when it is complete";
    EXPECT_FALSE(growing.back()) << "the last scout shown is the complete one";
    EXPECT_TRUE(std::all_of(growing.begin(), growing.end() - 1, [](bool g) { return g; }));
    const auto& whole = *scouts.back();
    ASSERT_TRUE(whole.complete());
    const int nx = whole.dims().x, rows = whole.dims().y;
    int lastRows = 0;
    for (std::size_t n = 0; n + 1 < scouts.size(); ++n) {
        const auto& part = *scouts[n];
        ASSERT_EQ(part.dims(), whole.dims());
        // The rows made so far are the complete image's; below them, air.
        int made = 0;
        while (made < rows &&
               std::equal(part.slice(0) + std::size_t(made) * nx, part.slice(0) + std::size_t(made + 1) * nx,
                          whole.slice(0) + std::size_t(made) * nx))
            ++made;
        EXPECT_GT(made, lastRows) << "partial scout " << n << " shows more rows than the one before";
        EXPECT_LT(made, rows) << "partial scout " << n << " is not yet the whole image";
        for (int r = made; r < rows; ++r)
            for (int i = 0; i < nx; ++i)
                ASSERT_EQ(part.slice(0)[std::size_t(r) * nx + i], imaging::Volume::kAirHU)
                    << "partial scout " << n << " row " << r << " is not air below the rows made";
        lastRows = made;
    }
    ASSERT_EQ(topDown.size(), 2u) << "the head and the arterial body were watched while they were made";
    for (const auto& [kind, ok] : topDown)
        EXPECT_TRUE(ok) << phantom::seriesKindName(kind) << ": a slice was made before the slices above it";
    // What was shown is what was written: the cached image is the complete scout.
    const auto loaded = imaging::loadLocalizer(phantom::studySeriesFolder(dir, phantom::SeriesKind::Scout), "");
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(std::equal(whole.voxels().begin(), whole.voxels().end(), loaded->voxels().begin()));
}

TEST(PhantomStudy, SameOptionsWriteByteIdenticalFilesAndCarryNoRealIdentity) {
    const fs::path dir = test::scratchDir("phantom_identical");
    auto o = smallOptions();
    o.phases = {phantom::SeriesKind::Arterial};
    phantom::writeStudy(o, dir / "a");
    phantom::writeStudy(o, dir / "b");
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir / "a")) {
        if (!e.is_regular_file()) continue;
        const auto other = dir / "b" / fs::relative(e.path(), dir / "a");
        ASSERT_TRUE(fs::exists(other)) << other;
        ASSERT_EQ(slurp(e.path()), slurp(other)) << e.path();
        ++files;
    }
    EXPECT_GT(files, 100u);
    const std::string any = slurp(dir / "a" / "03_arterial" / "IM00001.dcm");
    EXPECT_NE(any.find("POLYSIM^PHANTOM"), std::string::npos);
    // A different seed gives a different study (UIDs and noise), same layout.
    o.seed = 8;
    const auto other = phantom::writeStudy(o, dir / "c");
    EXPECT_NE(slurp(dir / "c" / "03_arterial" / "IM00001.dcm"), any);
    EXPECT_EQ(other.fileCount, files);
}

TEST(PhantomStudy, CachedStudyIsGeneratedOnceAndAnInterruptedOneIsNeverReused) {
    const fs::path cache = test::scratchDir("phantom_cache");
    ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    auto o = smallOptions();
    o.matrix = 32;
    o.sliceMm = 10;
    // Leftover of an interrupted run: must be ignored, not mistaken for the study.
    fs::create_directories(cache / "polysim" / ("phantom-" + phantom::optionsHash(o) + ".partial-1"));
    int calls = 0;
    const fs::path first = phantom::ensureCachedStudy(o, [&](double, std::string_view) { ++calls; });
    EXPECT_GT(calls, 0);
    EXPECT_EQ(first, cache / "polysim" / ("phantom-" + phantom::optionsHash(o)));
    EXPECT_TRUE(fs::exists(first / "findings.json"));
    EXPECT_TRUE(fs::exists(first / "03_arterial" / "IM00001.dcm"));
    const auto stamp = fs::last_write_time(first / "03_arterial" / "IM00001.dcm");
    calls = 0;
    EXPECT_EQ(phantom::ensureCachedStudy(o, [&](double, std::string_view) { ++calls; }), first);
    EXPECT_EQ(calls, 0) << "the second call must reuse the cached study";
    EXPECT_EQ(fs::last_write_time(first / "03_arterial" / "IM00001.dcm"), stamp);
    // Other options, other folder.
    o.injuries = {"hemothorax"};
    EXPECT_NE(phantom::ensureCachedStudy(o), first);
}

namespace {
struct Stop {};  // what a caller throws from the progress callback to stop the work

std::vector<std::string> cacheEntries(const fs::path& cache) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache / "polysim", ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}
}  // namespace

TEST(PhantomStudy, AGenerationStoppedByItsCallerLeavesNothingInTheCache) {
    const fs::path cache = test::scratchDir("phantom_stopped");
    ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    auto o = smallOptions();
    // Stopped while generating a series, then while writing one (the two stages run on a pool of threads).
    for (const std::string stage : {"generating", "writing"}) {
        int calls = 0;
        EXPECT_THROW(phantom::ensureCachedStudy(o,
                                                [&](double, std::string_view now) {
                                                    if (now.starts_with(stage) && ++calls == 3) throw Stop{};
                                                }),
                     Stop)
            << stage;
        EXPECT_EQ(calls, 3) << stage;
        EXPECT_EQ(cacheEntries(cache), std::vector<std::string>{}) << "left behind after stopping while " << stage;
    }
    // And the next run makes the whole study.
    const auto study = phantom::ensureCachedStudy(o);
    EXPECT_TRUE(fs::exists(study / "findings.json"));
}

TEST(PhantomStudy, PartialFoldersOfProcessesThatNoLongerExistAreRemovedWhenGenerating) {
    const fs::path cache = test::scratchDir("phantom_stale");
    ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    // A process that has exited: its pid names a generation that will never finish.
    pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ASSERT_GT(dead, 0);
    ::waitpid(dead, nullptr, 0);
    const fs::path root = cache / "polysim";
    const std::string stale = "phantom-0123456789abcdef.partial-" + std::to_string(dead);
    const std::string alive = "phantom-0123456789abcdef.partial-" + std::to_string(::getppid());
    fs::create_directories(root / stale / "01_scout");
    std::ofstream(root / stale / "01_scout" / "IM00001.dcm") << "half a file";
    fs::create_directories(root / alive);
    fs::create_directories(root / ("notes.partial-" + std::to_string(dead)));  // not a phantom folder
    const auto study = phantom::ensureCachedStudy(smallOptions());
    auto names = cacheEntries(cache);
    EXPECT_EQ(std::count(names.begin(), names.end(), stale), 0) << "the dead process's partial study is still there";
    EXPECT_EQ(std::count(names.begin(), names.end(), alive), 1) << "a running generation's folder was removed";
    EXPECT_EQ(std::count(names.begin(), names.end(), "notes.partial-" + std::to_string(dead)), 1);
    EXPECT_EQ(std::count(names.begin(), names.end(), study.filename().string()), 1);
}

TEST(PhantomCli, ListInjuriesShowsTheLibraryWithCategoriesAndRegions) {
    const auto r = test::runPolysim("phantom --list-injuries");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    int lines = 0;
    for (const auto& i : phantom::injuryLibrary()) {
        EXPECT_NE(r.out.find(i.id), std::string::npos) << i.id;
        ++lines;
    }
    EXPECT_GE(lines, 12);
    EXPECT_NE(r.out.find("cat 1"), std::string::npos);
    EXPECT_NE(r.out.find("[subtle]"), std::string::npos);
}

TEST(PhantomCli, UnknownInjuryIsRefusedByName) {
    const fs::path dir = test::scratchDir("phantom_cli_bad");
    const auto r = test::runPolysim("phantom --out " + dir.string() + " --injuries epidural_hematoma,broken_toe");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("unknown injury 'broken_toe'"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_empty(dir)) << "nothing may be written for bad options";
}

// Width and height a PNG file's header gives (0 x 0 for a file too short to be one).
std::pair<unsigned, unsigned> pngSize(const fs::path& file) {
    const std::string png = slurp(file);
    if (png.size() < 24) return {0, 0};
    auto be32 = [&](std::size_t o) {
        return (unsigned(uint8_t(png[o])) << 24) | (unsigned(uint8_t(png[o + 1])) << 16) |
               (unsigned(uint8_t(png[o + 2])) << 8) | unsigned(uint8_t(png[o + 3]));
    };
    return {be32(16), be32(20)};
}

TEST(PhantomCli, WritesStudyAndFindingsThatSnapshotRendersWithTrueAspect) {
    const fs::path dir = test::scratchDir("phantom_cli");
    auto r = test::runPolysim(
        "phantom --out " + (dir / "study").string() +
        " --matrix 64 --slice-mm 8 --seed 3 --injuries EDH,tension_pneumothorax --quiet --findings-out " +
        (dir / "findings.json").string());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string findings = slurp(dir / "findings.json");
    EXPECT_NE(findings.find("\"id\": \"epidural_hematoma\""), std::string::npos) << findings;
    EXPECT_NE(findings.find("\"centre_lps\""), std::string::npos);
    EXPECT_NE(findings.find("\"acr_category\": 1"), std::string::npos);
    // Coronal reformat of 8 mm slices: the image is as tall as the body (1000 mm) at the in-plane pixel size.
    r = test::runPolysim("snapshot " + (dir / "study").string() + " --plane coronal --z 0 --window bone --out " +
                         (dir / "cor.png").string());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto cor = pngSize(dir / "cor.png");
    const double pixel = 500.0 / 64;
    EXPECT_EQ(cor.first, 64u);                                         // width: the field of view
    EXPECT_NEAR(double(cor.second - 1) * pixel, 1000.0 - 8.0, pixel);  // height: first to last slice centre
    r = test::runPolysim("snapshot " + (dir / "study").string() + " --z 5000 --out " + (dir / "x.png").string());
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("outside"), std::string::npos) << r.err;
    // The topogram's folder holds one localizer image: rendered as it is, the field of view wide and the body long.
    fs::path scout;
    for (const auto& e : fs::directory_iterator(dir / "study"))
        if (e.path().filename().string().ends_with("_scout")) scout = e.path();
    r = test::runPolysim("snapshot " + scout.string() + " --plane coronal --window 2400/600 --out " +
                         (dir / "scout.png").string());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto topogram = pngSize(dir / "scout.png");
    EXPECT_EQ(topogram.first, 64u);
    EXPECT_NEAR(double(topogram.second) * pixel, 1000.0, 2 * pixel);
}

// The label map is the ground truth of the anatomy: each structure where the images show it, named as
// TotalSegmentator names it, one numbering across the study's series.
TEST(PhantomStudy, ItsLabelMapNamesOverAHundredStructuresWhereTheImagesShowThem) {
    const fs::path dir = test::scratchDir("phantom_labels");
    auto o = smallOptions();
    o.matrix = 128;
    o.sliceMm = 4;
    o.injuries.clear();
    o.phases = {phantom::SeriesKind::Arterial, phantom::SeriesKind::PortalVenous};
    const auto study = phantom::writeStudy(o, dir / "study", {}, {}, dir / "labels");
    ASSERT_EQ(study.labelMaps.size(), 3u);  // head, arterial, portal
    EXPECT_TRUE(fs::is_regular_file(dir / "labels" / "labels.csv"));
    EXPECT_FALSE(fs::exists(dir / "study" / "labels")) << "the DICOM study folder holds DICOM files only";

    const auto arterial = imaging::readSegmentation(study.labelMaps[1]);  // names from labels.csv beside it
    const auto g = phantom::seriesGeometry(o, phantom::SeriesKind::Arterial);
    ASSERT_EQ(arterial.geometry.dims, g.dims);
    EXPECT_NEAR(glm::length(arterial.geometry.origin - g.origin), 0.0, 0.01);
    const auto extents = imaging::structureExtents(arterial);
    EXPECT_GE(extents.size(), 100u);
    // TotalSegmentator's numbers for the structures it has, and the same number in every series.
    const auto portal = imaging::readSegmentation(study.labelMaps[2]);
    for (const auto& [label, name] : imaging::totalSegmentatorNames()) {
        if (auto l = arterial.labelOf(name)) {
            EXPECT_EQ(*l, label) << name;
        }
        if (auto l = portal.labelOf(name)) {
            EXPECT_EQ(*l, label) << name;
        }
    }

    const auto ct = phantom::generateSeries(o, phantom::SeriesKind::Arterial);
    auto meanHU = [&](const imaging::LabelMap& map, const imaging::Volume& vol, const std::string& name) {
        const auto l = map.labelOf(name);
        EXPECT_TRUE(l) << name;
        if (!l) return 0.0;
        double sum = 0;
        std::size_t n = 0;
        for (std::size_t i = 0; i < map.labels.size(); ++i)
            if (map.labels[i] == *l) sum += vol.voxels()[i], ++n;
        return n ? sum / double(n) : 0.0;
    };
    auto centre = [&](const std::string& name) {
        const auto l = arterial.labelOf(name);
        EXPECT_TRUE(l && extents.count(*l)) << name;
        return l && extents.count(*l) ? extents.at(*l).centroid : glm::dvec3(0);
    };
    // The voxels of each structure hold its tissue in the arterial phase.
    EXPECT_GT(meanHU(arterial, *ct, "aorta"), 250);
    for (const char* lobe : {"lung_upper_lobe_right", "lung_middle_lobe_right", "lung_lower_lobe_right",
                             "lung_upper_lobe_left", "lung_lower_lobe_left"})
        EXPECT_LT(meanHU(arterial, *ct, lobe), -600) << lobe;
    // The lower lobes lie behind the oblique fissures, the middle lobe in front on the right below the upper lobe.
    EXPECT_GT(centre("lung_lower_lobe_right").y, centre("lung_upper_lobe_right").y + 20);
    EXPECT_GT(centre("lung_lower_lobe_left").y, centre("lung_upper_lobe_left").y + 20);
    EXPECT_LT(centre("lung_middle_lobe_right").z, centre("lung_upper_lobe_right").z - 30);
    EXPECT_LT(centre("lung_middle_lobe_right").y, centre("lung_lower_lobe_right").y - 20);
    // The fissures between the lobes show: lung on a lobe's border (next to another lobe) is denser than lung inside
    // (by about 43 HU at this matrix; 21 HU without the fissures, from the vessels near the borders).
    {
        std::set<int> lobes;
        for (const char* lobe : {"lung_upper_lobe_right", "lung_middle_lobe_right", "lung_lower_lobe_right",
                                 "lung_upper_lobe_left", "lung_lower_lobe_left"})
            lobes.insert(*arterial.labelOf(lobe));
        const auto d = arterial.geometry.dims;
        double border = 0, inside = 0;
        std::size_t nBorder = 0, nInside = 0;
        for (int k = 0; k < d.z; ++k)
            for (int j = 3; j < d.y - 3; ++j)
                for (int i = 3; i < d.x - 3; ++i) {
                    const int l = arterial.at(i, j, k);
                    const int16_t hu = ct->at(i, j, k);
                    if (!lobes.count(l) || hu > -500) continue;  // aerated lung, not its vessels
                    bool nextToLobe = false, allSame = true;
                    for (int dj = -3; dj <= 3; ++dj)
                        for (int di = -3; di <= 3; ++di) {
                            const int o = arterial.at(i + di, j + dj, k);
                            if (o != l) allSame = false;
                            if (std::abs(di) <= 1 && std::abs(dj) <= 1 && o != l && lobes.count(o)) nextToLobe = true;
                        }
                    if (nextToLobe) border += hu, ++nBorder;
                    if (allSame) inside += hu, ++nInside;
                }
        ASSERT_GT(nBorder, 50u);
        ASSERT_GT(nInside, 1000u);
        EXPECT_GT(border / double(nBorder) - inside / double(nInside), 32)
            << "fissures: border " << border / double(nBorder) << " HU, inside " << inside / double(nInside);
    }
    EXPECT_GT(meanHU(arterial, *ct, "femur_left"), 150);
    EXPECT_GT(meanHU(arterial, *ct, "vertebrae_L1"), 150);
    const double liver = meanHU(arterial, *ct, "liver");
    EXPECT_GT(liver, 55);
    EXPECT_LT(liver, 140);
    EXPECT_LT(meanHU(arterial, *ct, "subcutaneous_fat"), -50);
    // Right is the patient's right (LPS x < 0); the vertebrae stack from the neck down at their own levels.
    for (const char* pair : {"kidney", "femur", "humerus", "iliopsoas", "hip", "gluteus_maximus", "vastus_lateralis"}) {
        EXPECT_LT(centre(std::string(pair) + "_right").x, -20) << pair;
        EXPECT_GT(centre(std::string(pair) + "_left").x, 20) << pair;
    }
    EXPECT_GT(centre("rib_left_6").x, 0);
    EXPECT_LT(centre("rib_right_6").x, 0);
    for (const char* level : {"C5", "T4", "T12", "L1", "L4"})
        EXPECT_NEAR(centre(std::string("vertebrae_") + level).z, phantom::detail::findVertebra(level)->z, 12) << level;
    // The muscles of the thigh each in its compartment: the gluteus maximus behind, the quadriceps in front, the
    // vastus lateralis outside the adductors.
    EXPECT_GT(centre("gluteus_maximus_left").y, centre("rectus_femoris_left").y + 40);
    EXPECT_GT(centre("biceps_femoris_right").y, centre("vastus_intermedius_right").y + 30);
    EXPECT_LT(centre("vastus_lateralis_right").x, centre("adductor_magnus_right").x - 30);
    EXPECT_GT(meanHU(arterial, *ct, "adductor_longus_left"), 20);
    EXPECT_GT(centre("heart").z, centre("liver").z);
    EXPECT_GT(centre("liver").z, centre("urinary_bladder").z);

    // The head series: cortex brighter than white matter, CSF in the ventricles.
    const auto head = imaging::readSegmentation(study.labelMaps[0]);
    const auto headCt = phantom::generateSeries(o, phantom::SeriesKind::Head);
    EXPECT_GT(meanHU(head, *headCt, "brain") - meanHU(head, *headCt, "brain_white_matter"), 5);
    EXPECT_LT(meanHU(head, *headCt, "lateral_ventricle_right"), 18);
    EXPECT_GT(meanHU(head, *headCt, "skull"), 500);
}

TEST(PhantomCli, WritesTheLabelMapsBesideTheStudyUnlessToldNot) {
    const fs::path dir = test::scratchDir("phantom_cli_labels");
    auto r = test::runPolysim("phantom --out " + (dir / "study").string() + "/ --matrix 32 --slice-mm 10 --quiet");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(fs::is_regular_file(dir / "study_labels" / "labels.csv")) << r.out;
    EXPECT_TRUE(fs::is_regular_file(dir / "study_labels" / "03_arterial.nii.gz")) << r.out;
    EXPECT_NE(r.out.find("study_labels"), std::string::npos) << r.out;
    r = test::runPolysim("phantom --out " + (dir / "bare").string() + " --no-labels --matrix 32 --slice-mm 10 --quiet");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(fs::exists(dir / "bare_labels"));
}

// An injury's voxels carry its id in the label map, inside the box its ground truth gives: the map and the findings
// tell the same story.
TEST(PhantomStudy, TheLabelMapHoldsEachInjuryWhereItsGroundTruthPutsIt) {
    auto o = smallOptions();
    o.matrix = 128;
    o.sliceMm = 3;
    o.injuries = {"epidural_hematoma", "splenic_laceration", "hemothorax", "vertebral_burst_fracture", "lung_nodule"};
    int checked = 0;
    for (const auto& f : phantom::groundTruth(o)) {
        imaging::Volume vol(phantom::seriesGeometry(o, f.series));
        imaging::LabelMap map;
        phantom::generateSeriesInto(o, f.series, vol, {}, {}, &map);
        const auto label = map.labelOf(f.id);
        if (!label) {
            ADD_FAILURE() << f.id << " has no voxels of its own in the label map";
            continue;
        }
        const auto e = imaging::structureExtent(map, *label);
        EXPECT_GT(e.voxels, 3u) << f.id;
        const glm::dvec3 margin = map.geometry.spacing;  // a voxel's reach
        for (int a = 0; a < 3; ++a) {
            EXPECT_GE(e.lo[a], f.affectedMinLps[a] - margin[a]) << f.id << " axis " << a;
            EXPECT_LE(e.hi[a], f.affectedMaxLps[a] + margin[a]) << f.id << " axis " << a;
            EXPECT_NEAR(e.centroid[a], f.centreLps[a], f.extentMm[a] / 2 + margin[a]) << f.id << " axis " << a;
        }
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

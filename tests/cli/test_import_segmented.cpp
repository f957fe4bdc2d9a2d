// `polysim import segmented` on the real TotalSegmentator example: injuries painted inside the right structures of a
// real CT, a derived DICOM series with new UIDs that says what was inserted, a case that validates and plays.
#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dctk.h>

#include <algorithm>
#include <fstream>

#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "importers/derived_series.h"
#include "scenario/loader.h"
#include "support/test_env.h"

using namespace polysim;
namespace fs = std::filesystem;

namespace {
fs::path tsDir() {
    return test::fixturesDir() / "real" / "totalsegmentator-example";
}

std::string q(const fs::path& p) {
    return "'" + p.string() + "'";
}

std::string tag(const fs::path& file, const DcmTagKey& key) {
    DcmFileFormat ff;
    if (ff.loadFile(file.c_str()).bad()) return "";
    OFString v;
    ff.getDataset()->findAndGetOFStringArray(key, v);
    return v.c_str();
}

fs::path firstFile(const fs::path& folder) {
    for (const auto& e : fs::directory_iterator(folder)) return e.path();
    return {};
}

// The painted voxels of each injury, the original CT and the derived one on the same grid.
struct Painted {
    std::shared_ptr<imaging::Volume> before, after;
    imaging::LabelMap truth, anatomy;
};
Painted painted(const fs::path& caseDir, const std::string& stem) {
    Painted p;
    p.before = imaging::readNiftiCt(tsDir() / "example_ct_sm.nii.gz");
    const auto& g = p.before->geometry();
    auto derived = imaging::loadCtVolume(caseDir / (stem + "_images"));
    p.after = std::make_shared<imaging::Volume>(g);
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                const glm::ivec3 s(glm::round(derived->geometry().patientToIndex(g.indexToPatient({i, j, k}))));
                p.after->at(i, j, k) = derived->at(s.x, s.y, s.z);
            }
    p.truth = imaging::placeOnGeometry(
        imaging::readSegmentation(caseDir / (stem + "_truth.nii.gz"), std::map<int, std::string>{}), g);
    p.anatomy = imaging::placeOnGeometry(imaging::readSegmentation(tsDir() / "example_seg.nii.gz"), g);
    return p;
}
}  // namespace

// The injuries land inside the structures they belong to, nothing else in the CT changes, and the case's ground
// truth lies where the voxels were painted.
TEST(ImportSegmented, InjuriesArePaintedInsideTheirStructures) {
    const fs::path dir = test::scratchDir("import_segmented");
    auto r = test::runPolysim("import segmented " + q(tsDir() / "example_ct_sm.nii.gz") + " --masks " +
                              q(tsDir() / "example_seg.nii.gz") +
                              " --insert splenic_laceration,hemoperitoneum,vertebral_fracture --out " +
                              q(dir / "spleen.toml") + " --licence 'TotalSegmentator example, Apache-2.0.'");
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("3 finding(s)"), std::string::npos) << r.out;

    const Painted p = painted(dir, "spleen");
    const int spleen = *p.anatomy.labelOf("spleen"), l1 = *p.anatomy.labelOf("vertebrae_L1");
    std::map<int, std::size_t> inside, total;
    std::size_t changedOutside = 0, changed = 0;
    auto before = p.before->voxels(), after = p.after->voxels();
    for (std::size_t i = 0; i < before.size(); ++i) {
        const int t = p.truth.labels[i];
        if (before[i] != after[i]) ++changed;
        if (!t) {
            changedOutside += before[i] != after[i];
            continue;
        }
        ++total[t];
        const int a = p.anatomy.labels[i];
        if ((t == 1 && a == spleen) || (t == 2 && a == 0) || (t == 3 && a == l1)) ++inside[t];
    }
    EXPECT_EQ(changedOutside, 0u) << "voxels changed where no injury was painted";
    EXPECT_GT(changed, 500u);
    ASSERT_EQ(total.size(), 3u);
    // The laceration cleft is in the spleen (its haematoma hugs the capsule outside it); free fluid is never inside
    // an organ; the fracture line is entirely inside L1.
    EXPECT_GT(double(inside[1]) / double(total[1]), 0.4);
    EXPECT_EQ(inside[2], total[2]);
    EXPECT_EQ(inside[3], total[3]);
    // Only bone was broken: every fracture voxel was bone (cortex or dense marrow) before.
    for (std::size_t i = 0; i < before.size(); ++i) {
        if (p.truth.labels[i] == 3) {
            ASSERT_GE(before[i], 60);
        }
    }

    const auto loaded = scenario::loadScenario(dir / "spleen.toml");
    ASSERT_TRUE(loaded.ok()) << scenario::formatDiagnostics(loaded.diagnostics);
    EXPECT_EQ(loaded.warningCount(), 0) << scenario::formatDiagnostics(loaded.diagnostics);
    const auto& s = *loaded.scenario;
    const auto* lac = s.findFinding("splenic_laceration");
    ASSERT_TRUE(lac);
    const auto e = imaging::structureExtent(p.truth, 1);
    EXPECT_LT(glm::length(lac->centreLps - e.centre()), 1.0);
    EXPECT_EQ(s.findFinding("vertebral_fracture")->region, "spine");
    EXPECT_NE(s.meta.imageLicence.find("Apache-2.0"), std::string::npos);
    ASSERT_TRUE(s.findRegion("spine"));
    // The spine region spans the vertebrae the masks show (T11 to L2), not a share of a whole body.
    EXPECT_GT(s.findRegion("spine")->zToMm - s.findRegion("spine")->zFromMm, 60.0);
    EXPECT_FALSE(s.findRegion("head"));
    EXPECT_FALSE(s.interruptions.empty());
    EXPECT_FALSE(s.conclusion.keyPoints.empty());

    // The same CT, masks, injuries and seed paint the same voxels.
    r = test::runPolysim(
        "import segmented " + q(tsDir() / "example_ct_sm.nii.gz") + " --masks " + q(tsDir() / "example_seg.nii.gz") +
        " --insert splenic_laceration,hemoperitoneum,vertebral_fracture --out " + q(dir / "again.toml"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(test::readFile(dir / "again_truth.nii.gz"), test::readFile(dir / "spleen_truth.nii.gz"));
    // ... and the same images (the files differ only in their new UIDs, whose length varies).
    {
        const auto again = imaging::loadCtVolume(dir / "again_images");
        const auto first = imaging::loadCtVolume(dir / "spleen_images");
        ASSERT_TRUE(again && first);
        ASSERT_EQ(again->voxels().size(), first->voxels().size());
        EXPECT_TRUE(std::equal(again->voxels().begin(), again->voxels().end(), first->voxels().begin()));
    }

    // The derived series says what it is.
    const fs::path file = firstFile(dir / "spleen_images");
    EXPECT_NE(tag(file, DCM_DerivationDescription).find("splenic laceration"), std::string::npos);
    EXPECT_NE(tag(file, DCM_ImageComments).find("SIMULATED"), std::string::npos);
    EXPECT_NE(tag(file, DCM_ImageType).find("DERIVED"), std::string::npos);
}

// From a DICOM series with a folder of one mask per structure, stored flipped: the derived series never carries the
// source's UIDs, and the injury is still in the spleen.
TEST(ImportSegmented, DicomSourceGetsNewUidsAndFlippedMasksStillFit) {
    const fs::path dir = test::scratchDir("import_segmented_dicom");
    const auto ct = imaging::readNiftiCt(tsDir() / "example_ct_sm.nii.gz");
    importers::DerivedSeriesText text;
    text.seriesDescription = "source";
    const auto source = importers::writeDerivedSeries(*ct, dir / "source", text);
    // Masks, one per structure, with the slice order reversed.
    const auto seg = imaging::readSegmentation(tsDir() / "example_seg.nii.gz");
    fs::create_directories(dir / "masks");
    for (const char* organ : {"spleen", "liver", "vertebrae_L1"}) {
        imaging::LabelMap one;
        one.geometry = seg.geometry;
        const auto& g = seg.geometry;
        one.geometry.origin = g.indexToPatient({0, 0, g.dims.z - 1});
        one.geometry.direction[2] = -g.direction[2];
        one.labels.assign(seg.labels.size(), 0);
        const int label = *seg.labelOf(organ);
        for (int k = 0; k < g.dims.z; ++k)
            for (int j = 0; j < g.dims.y; ++j)
                for (int i = 0; i < g.dims.x; ++i)
                    if (seg.at(i, j, k) == label)
                        one.labels[(std::size_t(g.dims.z - 1 - k) * g.dims.y + j) * g.dims.x + i] = 1;
        imaging::writeNiftiLabels(one, dir / "masks" / (std::string(organ) + ".nii.gz"));
    }
    auto r = test::runPolysim("import segmented " + q(dir / "source") + " --masks " + q(dir / "masks") +
                              " --insert splenic_laceration,vertebral_fracture --out " + q(dir / "case.toml"));
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    const fs::path derived = firstFile(dir / "case_images");
    EXPECT_NE(tag(derived, DCM_StudyInstanceUID), source.studyInstanceUid);
    EXPECT_NE(tag(derived, DCM_SeriesInstanceUID), source.seriesInstanceUid);
    EXPECT_FALSE(tag(derived, DCM_SeriesInstanceUID).empty());
    for (const auto& e : fs::directory_iterator(dir / "source"))
        EXPECT_NE(tag(derived, DCM_SOPInstanceUID), tag(e.path(), DCM_SOPInstanceUID));

    const auto loaded = scenario::loadScenario(dir / "case.toml");
    ASSERT_TRUE(loaded.ok()) << scenario::formatDiagnostics(loaded.diagnostics);
    const auto* lac = loaded.scenario->findFinding("splenic_laceration");
    ASSERT_TRUE(lac);
    const auto spleen = imaging::structureExtent(seg, *seg.labelOf("spleen"));
    for (int a = 0; a < 3; ++a) {
        EXPECT_GT(lac->centreLps[a], spleen.lo[a] - 10) << a;
        EXPECT_LT(lac->centreLps[a], spleen.hi[a] + 10) << a;
    }
}

// A trainee who finds and calls the inserted injuries passes the imported case.
TEST(ImportSegmented, ImportedCasePlaysAndScores) {
    const fs::path dir = test::scratchDir("import_segmented_play");
    auto r = test::runPolysim("import segmented " + q(tsDir() / "example_ct_sm.nii.gz") + " --masks " +
                              q(tsDir() / "example_seg.nii.gz") + " --insert splenic_laceration,hemoperitoneum --out " +
                              q(dir / "case.toml"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto s = *scenario::loadScenario(dir / "case.toml").scenario;
    const auto* lac = s.findFinding("splenic_laceration");
    const auto* hp = s.findFinding("hemoperitoneum");
    const auto* abdomen = s.findRegion("abdomen_pelvis");
    ASSERT_TRUE(lac && hp && abdomen);
    char script[1024];
    std::snprintf(script, sizeof script,
                  "00:21 series %s\n00:22 window soft_tissue\n00:23 scroll %.0f -> %.0f over 20s\n"
                  "00:45 mark %.0f,%.0f,%.0f \"splenic laceration\" as a\n00:46 call a trauma_leader\n"
                  "00:47 mark %.0f,%.0f,%.0f \"haemoperitoneum\" as b\n00:48 call b trauma_leader\n"
                  "00:49 answer visceral_surgeon_asks yes\n",
                  s.images.series.front().id.c_str(), abdomen->zToMm, abdomen->zFromMm, lac->centreLps.x,
                  lac->centreLps.y, lac->centreLps.z, hp->centreLps.x, hp->centreLps.y, hp->centreLps.z);
    // Then every other region the importer made, each in its own window: a pass needs every region read.
    std::string rest;
    int at = 50;
    for (const auto& region : s.regions) {
        if (region.id == abdomen->id || region.windows.empty()) continue;
        char line[256];
        std::snprintf(line, sizeof line, "00:%02d window %s\n00:%02d scroll %.0f -> %.0f over 6s\n", at,
                      region.windows.front().c_str(), at, region.zToMm, region.zFromMm);
        rest += line;
        at += 7;
    }
    ASSERT_LT(at, 91) << "too many regions for the script's minute";
    std::ofstream(dir / "script.txt") << script << rest
                                      << "01:31 answer trauma_leader_asks yes\n"
                                         "01:40 conclude \"splenic laceration with haemoperitoneum\"\n";
    r = test::runPolysim("play " + q(dir / "case.toml") + " --script " + q(dir / "script.txt") + " --log " +
                         q(dir / "log.jsonl"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = test::runPolysim("score " + q(dir / "case.toml") + " " + q(dir / "log.jsonl") + " --no-history --no-images");
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("finding splenic_laceration: band 10/10"), std::string::npos) << r.out;
}

// Bad input ends with a message that says what is wrong, and writes no case.
TEST(ImportSegmented, BadInputIsAClearError) {
    const fs::path dir = test::scratchDir("import_segmented_bad");
    const std::string ct = q(tsDir() / "example_ct_sm.nii.gz");
    auto r = test::runPolysim("import segmented " + ct + " --masks " + q(tsDir() / "example_seg_dicom.nii.gz") +
                              " --insert splenic_laceration --out " + q(dir / "a.toml"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("does not overlap"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "a.toml"));
    r = test::runPolysim("import segmented " + ct + " --masks " + q(tsDir() / "example_seg.nii.gz") +
                         " --insert splenic_lacerashun --out " + q(dir / "b.toml"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("unknown injury 'splenic_lacerashun'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("splenic_laceration"), std::string::npos) << r.err;
    // This CT is unenhanced (aorta about 40 HU): extravasation cannot be shown on it.
    r = test::runPolysim("import segmented " + ct + " --masks " + q(tsDir() / "example_seg.nii.gz") +
                         " --insert active_extravasation --out " + q(dir / "c.toml"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("contrast-enhanced"), std::string::npos) << r.err;
    r = test::runPolysim("import segmented --list");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("hemoperitoneum"), std::string::npos);
}

// A CT that came as NIfTI (TotalSegmentator's example) can be looked at before it is made into a case: snapshot places
// it by its affine, at its own patient positions, and a file that is not NIfTI is named in a clear error.
TEST(SnapshotCli, RendersACtStoredAsNiftiAtItsPatientPositions) {
    const fs::path dir = test::scratchDir("snapshot_nifti");
    const fs::path ct = tsDir() / "example_ct.nii.gz";
    const auto volume = imaging::readNiftiCt(ct);
    const auto& g = volume->geometry();
    // Halfway down the series: inside it. The reported range is the series' own, from its affine.
    const double zMid = g.indexToPatient({0, 0, g.dims.z / 2}).z;
    auto r = test::runPolysim("snapshot " + q(ct) + " --z " + std::to_string(zMid) + " --window bone --out " +
                              q(dir / "axial.png"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::ifstream png(dir / "axial.png", std::ios::binary);
    std::string head(24, '\0');
    png.read(head.data(), 24);
    auto be32 = [&](std::size_t o) {
        return (unsigned(uint8_t(head[o])) << 24) | (unsigned(uint8_t(head[o + 1])) << 16) |
               (unsigned(uint8_t(head[o + 2])) << 8) | unsigned(uint8_t(head[o + 3]));
    };
    EXPECT_EQ(head.substr(1, 3), "PNG");
    EXPECT_EQ(be32(16), unsigned(g.dims.x));
    EXPECT_EQ(be32(20), unsigned(g.dims.y));
    r = test::runPolysim("snapshot " + q(ct) + " --z 5000 --out " + q(dir / "x.png"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("outside"), std::string::npos) << r.err;
    { std::ofstream(dir / "notes.nii.gz") << "not a NIfTI file"; }
    r = test::runPolysim("snapshot " + q(dir / "notes.nii.gz") + " --out " + q(dir / "y.png"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("notes.nii.gz"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "y.png"));
}

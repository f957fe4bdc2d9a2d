// `polysim import rsna-abdominal | rsna-cspine | ROOT --list` on small datasets built in the published layouts (file
// names, CSV headers, label values) around the real TotalSegmentator example CT.
#include <gtest/gtest.h>

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

// The real CT as a DICOM series named by instance number (`<n>.dcm`), as both RSNA datasets store them; instance 1
// is the lowest slice.
void writeStudy(const fs::path& folder) {
    const auto ct = imaging::readNiftiCt(tsDir() / "example_ct_sm.nii.gz");
    importers::DerivedSeriesText text;
    text.seriesDescription = "ABD/PEL";
    text.fileNamePattern = "%d.dcm";
    text.numberFromTop = false;
    importers::writeDerivedSeries(*ct, folder, text);
}

// The TotalSegmentator map relabelled with `labels` (TotalSegmentator name -> dataset value) and stored the way many
// challenge masks are: slices in reverse order and rows flipped, with an affine that says so.
void writeDatasetMask(const fs::path& file, const std::map<std::string, int>& labels) {
    const auto seg = imaging::readSegmentation(tsDir() / "example_seg.nii.gz");
    const auto& g = seg.geometry;
    imaging::LabelMap out;
    out.geometry = g;
    out.geometry.origin = g.indexToPatient({0, g.dims.y - 1, g.dims.z - 1});
    out.geometry.direction[1] = -g.direction[1];
    out.geometry.direction[2] = -g.direction[2];
    out.labels.assign(seg.labels.size(), 0);
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                auto it = labels.find(seg.nameOf(seg.at(i, j, k)));
                if (it == labels.end()) continue;
                out.labels[(std::size_t(g.dims.z - 1 - k) * g.dims.y + std::size_t(g.dims.y - 1 - j)) * g.dims.x + i] =
                    uint16_t(it->second);
            }
    imaging::writeNiftiLabels(out, file);
}

imaging::StructureExtent tsExtent(const std::string& name) {
    const auto seg = imaging::readSegmentation(tsDir() / "example_seg.nii.gz");
    return imaging::structureExtent(seg, *seg.labelOf(name));
}

// z of slice `instance` in the study written by writeStudy.
double sliceZ(const fs::path& study, int instance) {
    const auto scan = imaging::scanDicom(study);
    for (const auto& s : scan.series.front().slices)
        if (s.instanceNumber == instance) return s.position.z;
    return std::nan("");
}

// RATIC: patient 10004 with a high-grade splenic and a low-grade liver injury, extravasation on two images; patient
// 10005 without injury.
fs::path ratic(const std::string& name) {
    const fs::path root = test::scratchDir(name);
    writeStudy(root / "train_images" / "10004" / "21057");
    writeStudy(root / "train_images" / "10005" / "30001");
    fs::create_directories(root / "segmentations");
    writeDatasetMask(root / "segmentations" / "21057.nii", {{"liver", 1},
                                                            {"spleen", 2},
                                                            {"kidney_left", 3},
                                                            {"kidney_right", 4},
                                                            {"small_bowel", 5},
                                                            {"duodenum", 5},
                                                            {"colon", 5}});
    std::ofstream(root / "train.csv")
        << "patient_id,bowel_healthy,bowel_injury,extravasation_healthy,extravasation_injury,kidney_healthy,"
           "kidney_low,kidney_high,liver_healthy,liver_low,liver_high,spleen_healthy,spleen_low,spleen_high,"
           "any_injury\n"
           "10004,1,0,0,1,1,0,0,0,1,0,0,0,1,1\n"
           "10005,1,0,1,0,1,0,0,1,0,0,1,0,0,0\n";
    std::ofstream(root / "train_series_meta.csv") << "patient_id,series_id,aortic_hu,incomplete_organ\n"
                                                     "10004,21057,146.0,0\n10005,30001,301.0,0\n";
    std::ofstream(root / "image_level_labels.csv") << "patient_id,series_id,instance_number,injury_name\n"
                                                      "10004,21057,17,Active_Extravasation\n"
                                                      "10004,21057,18,Active_Extravasation\n";
    return root;
}
}  // namespace

TEST(ImportRsnaAbdominal, GradesMasksAndImageLabelsBecomeFindings) {
    const fs::path root = ratic("rsna_abd");
    const fs::path out = test::scratchDir("rsna_abd_case") / "p10004.toml";
    auto r = test::runPolysim("import rsna-abdominal " + q(root) + " --patient 10004 --out " + q(out));
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    const auto loaded = scenario::loadScenario(out);
    ASSERT_TRUE(loaded.ok()) << scenario::formatDiagnostics(loaded.diagnostics);
    const auto& s = *loaded.scenario;
    ASSERT_EQ(s.findings.size(), 3u) << r.out;

    // The spleen's box is the spleen of the (flipped) mask, placed on the series by its affine.
    const auto* spleen = s.findFinding("spleen_injury");
    ASSERT_TRUE(spleen);
    EXPECT_EQ(spleen->acrCategory, 1);  // high grade
    const auto truth = tsExtent("spleen");
    EXPECT_LT(glm::length(spleen->centreLps - truth.centre()), 3.0);
    EXPECT_NE(spleen->label.find("high"), std::string::npos);
    EXPECT_EQ(s.findFinding("liver_injury")->acrCategory, 2);  // low grade
    EXPECT_FALSE(s.findFinding("kidney_injury"));

    // Extravasation on the two labelled images (instances 17 and 18).
    const auto* ex = s.findFinding("active_extravasation");
    ASSERT_TRUE(ex);
    const fs::path study = root / "train_images" / "10004" / "21057";
    const double z17 = sliceZ(study, 17), z18 = sliceZ(study, 18);
    EXPECT_NEAR(ex->centreLps.z, (z17 + z18) / 2, 0.01);
    EXPECT_NEAR(ex->extentMm.z, std::abs(z18 - z17) + 3.0, 0.01);

    EXPECT_EQ(s.images.series.front().kind, phantom::SeriesKind::PortalVenous);  // aortic_hu 146
    EXPECT_NE(s.meta.imageLicence.find("RATIC"), std::string::npos);
    EXPECT_NE(s.meta.imageLicence.find("Non-commercial"), std::string::npos);
    EXPECT_TRUE(s.findRegion("abdomen_pelvis"));
    EXPECT_FALSE(s.findRegion("head"));  // the masks show no head
    EXPECT_TRUE(s.findInterruption("visceral_surgeon_asks"));
    EXPECT_TRUE(s.findInterruption("vascular_surgeon_asks"));
    EXPECT_FALSE(s.patient.deteriorations.empty());
}

TEST(ImportRsnaAbdominal, ListSaysWhoIsInjuredAndHow) {
    const fs::path root = ratic("rsna_abd_list");
    // A second, arterial series of patient 10004: the list says which patients have both phases.
    std::ofstream(root / "train_series_meta.csv", std::ios::app) << "10004,21058,412.0,0\n";
    auto r = test::runPolysim("import " + q(root) + " --list");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("patient 10004: spleen high, liver low and active extravasation (2 series: arterial and "
                         "portal venous)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 patient has an arterial and a portal venous series"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("patient 10005:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 of 2 patients injured"), std::string::npos) << r.out;
}

TEST(ImportRsnaAbdominal, BadInputIsAClearError) {
    const fs::path root = ratic("rsna_abd_bad");
    const fs::path out = root.parent_path() / "rsna_abd_bad_case.toml";
    auto r = test::runPolysim("import rsna-abdominal " + q(root) + " --patient 99999 --out " + q(out));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("patient '99999' is not in"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("10004"), std::string::npos) << r.err;  // says which patients there are
    EXPECT_FALSE(fs::exists(out));

    // A mask of another series (its affine puts it half a metre away).
    auto seg = imaging::readSegmentation(root / "segmentations" / "21057.nii", std::map<int, std::string>{});
    seg.geometry.origin.z += 500;
    imaging::writeNiftiLabels(seg, root / "segmentations" / "21057.nii");
    r = test::runPolysim("import rsna-abdominal " + q(root) + " --patient 10004 --out " + q(out));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("21057.nii"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("does not overlap"), std::string::npos) << r.err;

    fs::remove(root / "train.csv");
    r = test::runPolysim("import rsna-abdominal " + q(root) + " --patient 10004 --out " + q(out));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("train.csv: missing"), std::string::npos) << r.err;
    std::ofstream(root / "train.csv") << "patient_id,spleen_low\n10004,1\n";
    r = test::runPolysim("import rsna-abdominal " + q(root) + " --patient 10004 --out " + q(out));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("train.csv:1: no column 'bowel_healthy'"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

// The cervical spine layout. No real cervical CT with vertebra masks is among the fixtures, so the lower thoracic and
// lumbar vertebrae of the real CT stand in for the labels' values (T12 as 2 = C2, L1 as 5 = C5): what is tested is
// that boxes and masks are placed on the right slices and voxels, not the anatomy's names.
TEST(ImportRsnaCspine, BoxesAndMasksLocateTheFractures) {
    const fs::path root = test::scratchDir("rsna_cspine");
    const std::string uid = "1.2.826.0.1.3680043.6200";
    const fs::path study = root / "train_images" / uid;
    writeStudy(study);
    fs::create_directories(root / "segmentations");
    writeDatasetMask(root / "segmentations" / (uid + ".nii"), {{"vertebrae_T12", 2}, {"vertebrae_L1", 5}});
    // A fracture box on a slice through "C2", in pixels of that slice.
    const auto t12 = tsExtent("vertebrae_T12");
    const auto scan = imaging::scanDicom(study);
    const imaging::SliceHeader* slice = nullptr;
    for (const auto& s : scan.series.front().slices)
        if (!slice || std::abs(s.position.z - t12.centroid.z) < std::abs(slice->position.z - t12.centroid.z))
            slice = &s;
    ASSERT_TRUE(slice);
    const glm::dvec3 rel = t12.centroid - slice->position;
    const double col = glm::dot(rel, slice->rowDirection) / slice->pixelSpacing.x;
    const double row = glm::dot(rel, slice->columnDirection) / slice->pixelSpacing.y;
    std::ofstream(root / "train.csv") << "StudyInstanceUID,patient_overall,C1,C2,C3,C4,C5,C6,C7\n"
                                      << uid << ",1,0,1,0,0,1,0,0\n1.2.826.0.1.3680043.6201,0,0,0,0,0,0,0,0\n";
    char line[200];
    std::snprintf(line, sizeof line, "%s,%.1f,%.1f,6.0,4.0,%d\n", uid.c_str(), col - 3, row - 2, slice->instanceNumber);
    std::ofstream(root / "train_bounding_boxes.csv") << "StudyInstanceUID,x,y,width,height,slice_number\n" << line;

    const fs::path out = root.parent_path() / "rsna_cspine_case.toml";
    fs::remove(out);
    auto r = test::runPolysim("import rsna-cspine " + q(root) + " --study " + uid + " --out " + q(out));
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    const auto loaded = scenario::loadScenario(out);
    ASSERT_TRUE(loaded.ok()) << scenario::formatDiagnostics(loaded.diagnostics);
    const auto& s = *loaded.scenario;
    ASSERT_EQ(s.findings.size(), 2u);
    // C2 by its box: centred on the box's pixels on its slice, a few millimetres across.
    const auto* c2 = s.findFinding("fracture_c2");
    ASSERT_TRUE(c2);
    EXPECT_LT(glm::length(glm::dvec2(c2->centreLps) - glm::dvec2(t12.centroid)), 2.0);
    EXPECT_NEAR(c2->centreLps.z, slice->position.z, 0.01);
    EXPECT_LT(c2->extentMm.x, 20.0);
    // C5 has no box: located by its mask.
    const auto* c5 = s.findFinding("fracture_c5");
    ASSERT_TRUE(c5);
    EXPECT_LT(glm::length(c5->centreLps - tsExtent("vertebrae_L1").centre()), 3.0);
    EXPECT_EQ(c5->region, "cervical_spine") << "a cervical fracture is read with the airway, early";
    EXPECT_EQ(c5->acrCategory, 1);
    EXPECT_NE(std::find(c5->tell.begin(), c5->tell.end(), "neurosurgeon"), c5->tell.end());
    EXPECT_NE(s.meta.imageLicence.find("Cervical Spine"), std::string::npos);

    r = test::runPolysim("import " + q(root) + " --list");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("study " + uid + ": fracture of C2 and C5"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 of 2 studies with a fracture"), std::string::npos) << r.out;
    r = test::runPolysim("import rsna-cspine " + q(root) + " --study 1.2.3 --out " + q(out.string() + "x"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("study '1.2.3' is not in"), std::string::npos) << r.err;
}

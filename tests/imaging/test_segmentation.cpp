// Segmentations in NIfTI: placed by their affines whatever order their arrays are stored in, named from labels.csv,
// read in TotalSegmentator's two layouts, and refused clearly when they do not lie on the series.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numeric>

#include "imaging/segmentation.h"
#include "support/test_env.h"

using namespace polysim;
using imaging::LabelMap;
using imaging::VolumeGeometry;
namespace fs = std::filesystem;

namespace {
fs::path tsDir() {
    return test::fixturesDir() / "real" / "totalsegmentator-example";
}

// A DICOM-like series grid: axial, LPS, uneven spacing, off-centre origin.
VolumeGeometry seriesGrid() {
    VolumeGeometry g;
    g.dims = {20, 16, 12};
    g.spacing = {1.5, 1.25, 2.5};
    g.origin = {-14.0, -9.0, -120.0};
    return g;
}

// A mask that is asymmetric along every axis: a box near one corner, a single voxel near the opposite one and a
// line along j, each with its own label.
LabelMap asymmetricMask(const VolumeGeometry& g) {
    LabelMap m;
    m.geometry = g;
    m.labels.assign(g.voxelCount(), 0);
    auto set = [&](int i, int j, int k, uint16_t v) {
        m.labels[(std::size_t(k) * g.dims.y + std::size_t(j)) * g.dims.x + std::size_t(i)] = v;
    };
    for (int k = 1; k <= 2; ++k)
        for (int j = 3; j <= 5; ++j)
            for (int i = 2; i <= 4; ++i) set(i, j, k, 1);
    set(15, 2, 9, 2);
    for (int j = 0; j < 11; ++j) set(7, j, 6, 3);
    m.names = {{1, "spleen"}, {2, "liver"}, {3, "aorta"}};
    return m;
}

// The same mask stored with its array flipped along the axes in `flips` (bit 0: i, bit 1: j, bit 2: k) and, when
// `transpose`, with i and k swapped; the affine changes with it so that every voxel keeps its patient position.
LabelMap storedDifferently(const LabelMap& m, int flips, bool transpose) {
    const auto& g = m.geometry;
    LabelMap out;
    out.names = m.names;
    VolumeGeometry s = g;
    glm::dvec3 origin = g.origin;
    glm::dmat3 dir = g.direction;
    for (int a = 0; a < 3; ++a)
        if (flips & (1 << a)) {
            origin += g.direction[a] * (g.spacing[a] * (g.dims[a] - 1));
            dir[a] = -dir[a];
        }
    s.origin = origin;
    s.direction = dir;
    if (transpose) {
        std::swap(s.dims.x, s.dims.z);
        std::swap(s.spacing.x, s.spacing.z);
        std::swap(s.direction[0], s.direction[2]);
    }
    out.geometry = s;
    out.labels.assign(g.voxelCount(), 0);
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i) {
                int a = (flips & 1) ? g.dims.x - 1 - i : i, b = (flips & 2) ? g.dims.y - 1 - j : j,
                    c = (flips & 4) ? g.dims.z - 1 - k : k;
                if (transpose) std::swap(a, c);
                out.labels[(std::size_t(c) * s.dims.y + std::size_t(b)) * s.dims.x + std::size_t(a)] = m.at(i, j, k);
            }
    return out;
}

double meanHu(const imaging::Volume& ct, const LabelMap& map, int label) {
    double sum = 0;
    std::size_t n = 0;
    auto v = ct.voxels();
    for (std::size_t i = 0; i < map.labels.size(); ++i)
        if (map.labels[i] == label) {
            sum += v[i];
            ++n;
        }
    return n ? sum / double(n) : std::nan("");
}
}  // namespace

// Challenge masks stored flipped (or transposed) relative to their series land on the same voxels once placed by
// their affines; read in array order they would not.
TEST(Segmentation, FlippedAndTransposedMasksLandOnTheRightVoxels) {
    const fs::path dir = test::scratchDir("seg_flips");
    const VolumeGeometry grid = seriesGrid();
    const LabelMap truth = asymmetricMask(grid);
    for (int transpose = 0; transpose < 2; ++transpose)
        for (int flips = 0; flips < 8; ++flips) {
            SCOPED_TRACE("flips " + std::to_string(flips) + (transpose ? ", transposed" : ""));
            const LabelMap stored = storedDifferently(truth, flips, transpose);
            if (flips || transpose) {
                EXPECT_NE(stored.labels, truth.labels) << "the stored array should differ";
            }
            const fs::path file = dir / ("mask_" + std::to_string(flips) + "_" + std::to_string(transpose) + ".nii.gz");
            imaging::writeNiftiLabels(stored, file);
            const LabelMap read = imaging::readSegmentation(file, truth.names);
            const LabelMap placed = imaging::placeOnGeometry(read, grid);
            EXPECT_EQ(placed.labels, truth.labels);
            EXPECT_EQ(placed.names.at(2), "liver");
        }
}

// A mask on a coarser grid than the series (as masks resampled to 3 mm often are) still marks the right places.
TEST(Segmentation, CoarserMaskIsResampledByPatientPosition) {
    const fs::path dir = test::scratchDir("seg_coarse");
    VolumeGeometry fine = seriesGrid();
    LabelMap coarse;
    coarse.geometry = fine;
    coarse.geometry.dims = {10, 8, 6};
    coarse.geometry.spacing = fine.spacing * 2.0;
    coarse.geometry.origin = fine.origin + fine.spacing * 0.5;  // coarse voxel centres between two fine ones
    coarse.labels.assign(coarse.geometry.voxelCount(), 0);
    coarse.labels[(std::size_t(4) * 8 + 2) * 10 + 7] = 5;  // one coarse voxel: 2 x 2 x 2 fine voxels
    imaging::writeNiftiLabels(coarse, dir / "coarse.nii");
    const LabelMap placed = imaging::placeOnGeometry(imaging::readSegmentation(dir / "coarse.nii", {{}}), fine);
    const auto e = imaging::structureExtent(placed, 5);
    EXPECT_EQ(e.voxels, 8u);
    const glm::dvec3 centre = coarse.geometry.indexToPatient(glm::dvec3(7, 2, 4));
    EXPECT_NEAR(e.centroid.x, centre.x, 1e-6);
    EXPECT_NEAR(e.centroid.y, centre.y, 1e-6);
    EXPECT_NEAR(e.centroid.z, centre.z, 1e-6);
}

// The real TotalSegmentator example: the multilabel map takes its names from labels.csv beside it, and placed on
// its CT (a non-contrast scan) each structure sits on tissue of its own density: an affine read wrongly puts the
// organs on fat or gas and the vertebrae on soft tissue.
TEST(Segmentation, RealMultilabelMapSitsOnItsCt) {
    const auto ct = imaging::readNiftiCt(tsDir() / "example_ct_sm.nii.gz");
    const LabelMap seg = imaging::readSegmentation(tsDir() / "example_seg.nii.gz");
    ASSERT_TRUE(seg.labelOf("spleen"));
    EXPECT_EQ(*seg.labelOf("Liver"), 5);
    EXPECT_EQ(seg.nameOf(31), "vertebrae_L1");
    const LabelMap placed = imaging::placeOnGeometry(seg, ct->geometry());
    const auto counts = imaging::labelCounts(placed);
    EXPECT_GE(counts.size(), 30u);
    auto hu = [&](const char* name) {
        const auto label = placed.labelOf(name);
        EXPECT_TRUE(label && counts.count(*label)) << name;
        return label ? meanHu(*ct, placed, *label) : std::nan("");
    };
    for (const char* organ : {"liver", "spleen", "kidney_left", "kidney_right"}) {
        EXPECT_GT(hu(organ), 0.0) << organ;    // soft tissue, not fat (-100) or gas
        EXPECT_LT(hu(organ), 100.0) << organ;  // not bone
    }
    for (const char* bone : {"vertebrae_L1", "vertebrae_L2", "vertebrae_T12"}) EXPECT_GT(hu(bone), 150.0) << bone;
    EXPECT_LT(hu("lung_lower_lobe_left"), -600.0);
    EXPECT_LT(hu("colon"), -200.0);  // gas in the colon
    // The spleen lies on the patient's left (LPS +x) of the liver, the aorta in front of the spine.
    const auto spleen = imaging::structureExtent(placed, *placed.labelOf("spleen"));
    const auto liver = imaging::structureExtent(placed, *placed.labelOf("liver"));
    EXPECT_GT(spleen.centroid.x, liver.centroid.x + 100.0);
    const auto aorta = imaging::structureExtent(placed, *placed.labelOf("aorta"));
    const auto l1 = imaging::structureExtent(placed, *placed.labelOf("vertebrae_L1"));
    EXPECT_LT(aorta.centroid.y, l1.centroid.y - 20.0);
}

// TotalSegmentator's other layout, one mask per structure named by its file, gives the same structures in the same
// places as the multilabel map.
TEST(Segmentation, FolderOfMasksEqualsTheMultilabelMap) {
    const fs::path dir = test::scratchDir("seg_folder");
    const LabelMap seg = imaging::readSegmentation(tsDir() / "example_seg.nii.gz");
    for (const char* organ : {"spleen", "liver", "kidney_left", "aorta"}) {
        LabelMap one = seg;
        const int label = *seg.labelOf(organ);
        for (auto& v : one.labels) v = v == label ? 1 : 0;
        imaging::writeNiftiLabels(one, dir / (std::string(organ) + ".nii.gz"));
    }
    const LabelMap folder = imaging::readSegmentation(dir);
    EXPECT_EQ(folder.names.size(), 4u);
    for (const char* organ : {"spleen", "liver", "kidney_left", "aorta"}) {
        SCOPED_TRACE(organ);
        ASSERT_TRUE(folder.labelOf(organ));
        const auto a = imaging::structureExtent(folder, *folder.labelOf(organ));
        const auto b = imaging::structureExtent(seg, *seg.labelOf(organ));
        EXPECT_EQ(a.voxels, b.voxels);
        EXPECT_NEAR(glm::length(a.centroid - b.centroid), 0.0, 1e-6);
    }
}

// A mask of another series is refused with a message that names the file and says why.
TEST(Segmentation, MaskOffTheSeriesIsAClearError) {
    const LabelMap seg = imaging::readSegmentation(tsDir() / "example_seg.nii.gz");
    VolumeGeometry elsewhere = seg.geometry;
    elsewhere.origin.z += 2000.0;
    try {
        imaging::placeOnGeometry(seg, elsewhere);
        FAIL() << "placed a mask 2 m away from its series";
    } catch (const imaging::SegmentationError& e) {
        EXPECT_NE(std::string(e.what()).find("example_seg.nii.gz"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("does not overlap"), std::string::npos) << e.what();
    }
    VolumeGeometry partly = seg.geometry;
    partly.origin.z += 0.8 * seg.geometry.spacing.z * seg.geometry.dims.z;  // overlaps a fifth of the mask
    try {
        imaging::placeOnGeometry(seg, partly);
        FAIL() << "placed a mask that covers a fifth of the series";
    } catch (const imaging::SegmentationError& e) {
        EXPECT_NE(std::string(e.what()).find("wrong extent"), std::string::npos) << e.what();
    }
}

// Files that are not masks end quickly with a reason.
TEST(Segmentation, BadFilesAreRefusedWithAReason) {
    const fs::path dir = test::scratchDir("seg_bad");
    {
        std::ofstream(dir / "junk.nii") << "this is not a NIfTI file at all, just text that is long enough"
                                        << std::string(400, 'x');
    }
    EXPECT_THROW(imaging::readSegmentation(dir / "junk.nii"), imaging::SegmentationError);
    EXPECT_THROW(imaging::readSegmentation(dir / "missing.nii.gz"), imaging::SegmentationError);
    // The CT itself is not a label map: its values are negative.
    try {
        imaging::readSegmentation(tsDir() / "example_ct_sm.nii.gz");
        FAIL() << "read a CT as a label map";
    } catch (const imaging::SegmentationError& e) {
        EXPECT_NE(std::string(e.what()).find("not a label"), std::string::npos) << e.what();
    }
    { std::ofstream(dir / "labels.csv") << "label,name\n1,spleen\nseven,liver\n"; }
    try {
        imaging::readLabelNames(dir / "labels.csv");
        FAIL();
    } catch (const imaging::SegmentationError& e) {
        EXPECT_NE(std::string(e.what()).find("labels.csv:3"), std::string::npos) << e.what();
    }
}

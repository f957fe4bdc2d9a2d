// Segmentations (label maps) read from NIfTI through libnifti2 and placed onto a CT series' geometry by the files'
// affines (NIfTI speaks RAS+, DICOM LPS), never by array order: public challenge masks are often stored flipped or
// transposed relative to their DICOM series, and only the affine says how.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/volume.h"

namespace polysim::imaging {

// Anything a user's file or folder can get wrong: unreadable NIfTI, no orientation, a mask that does not lie on the
// series. The message names the file and what to do.
class SegmentationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A label per voxel on some grid, with the names of the structures the labels stand for.
struct LabelMap {
    VolumeGeometry geometry;
    std::vector<uint16_t> labels;      // slice-major like Volume (k, then j, then i); 0 = background
    std::map<int, std::string> names;  // label -> structure name ("spleen", "vertebrae_L1")
    std::filesystem::path source;      // the file or folder it came from

    uint16_t at(int i, int j, int k) const {
        return labels[(std::size_t(k) * geometry.dims.y + std::size_t(j)) * geometry.dims.x + std::size_t(i)];
    }
    // The label of a structure by name (case-insensitive), if the map has it.
    std::optional<int> labelOf(const std::string& name) const;
    std::string nameOf(int label) const;  // "label 7" when the map has no name for it
};

// Where one structure lies: voxel count, bounding box and centroid in LPS mm.
struct StructureExtent {
    std::size_t voxels = 0;
    glm::dvec3 lo{0.0}, hi{0.0};  // box of the voxel centres, widened by half a voxel each way
    glm::dvec3 centroid{0.0};
    glm::dvec3 size() const { return hi - lo; }
    glm::dvec3 centre() const { return (lo + hi) / 2.0; }
};
StructureExtent structureExtent(const LabelMap& map, int label);
// Every structure's extent in one pass over the map (a whole-body map has over a hundred).
std::map<int, StructureExtent> structureExtents(const LabelMap& map);
// Every label present with its voxel count.
std::map<int, std::size_t> labelCounts(const LabelMap& map);

// Geometry of a NIfTI file in LPS: sform when its code is set, else qform; throws SegmentationError when the file has
// neither (its voxels cannot be placed in a patient) or has shear.
VolumeGeometry niftiGeometry(const std::filesystem::path& file);

// Whether a file name is NIfTI's (.nii or .nii.gz, any case).
bool isNiftiName(const std::filesystem::path& p);

// A CT stored as NIfTI (TotalSegmentator's example_ct.nii.gz), in HU with its LPS geometry.
std::shared_ptr<Volume> readNiftiCt(const std::filesystem::path& file);

// Structure names of TotalSegmentator v2's "total" task, by label (1 spleen ... 117 costal_cartilages).
const std::map<int, std::string>& totalSegmentatorNames();
// `label,name` lines (TotalSegmentator's labels.csv). Throws SegmentationError naming file and line.
std::map<int, std::string> readLabelNames(const std::filesystem::path& csv);

// A segmentation in either of TotalSegmentator's layouts:
//  - a multilabel NIfTI file: names from `labelNames` when given, else from a labels.csv beside the file, else
//    TotalSegmentator v2's names;
//  - a folder of one binary mask per structure (spleen.nii.gz, liver.nii.gz ...): each mask's non-zero voxels get
//    their own label, named by the file name; masks on different grids are placed onto the first one's.
LabelMap readSegmentation(const std::filesystem::path& path,
                          const std::optional<std::map<int, std::string>>& labelNames = std::nullopt);

// The label map resampled (nearest neighbour, by patient position) onto `target`, e.g. a DICOM series' grid.
// Throws SegmentationError when the mask does not lie on the series: no overlap at all, or boxes overlapping by
// less than half of either (a mask of another series, another patient position, or a wrong extent).
LabelMap placeOnGeometry(const LabelMap& map, const VolumeGeometry& target);

// How much of two grids' boxes overlap: the overlap's volume over the smaller box's volume (0..1).
double boxOverlap(const VolumeGeometry& a, const VolumeGeometry& b);

// Writes a label map as a NIfTI file (uint16, sform and qform from its geometry), for tests and for the derived
// series' ground truth. Throws SegmentationError when it cannot be written.
void writeNiftiLabels(const LabelMap& map, const std::filesystem::path& file);

}  // namespace polysim::imaging

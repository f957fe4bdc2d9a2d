// Where the body's landmarks lie along z in any CT volume: found from HU and connectivity (body, lungs as air inside
// the body, diaphragm domes, cranial cavity and skull base, spine, iliac crests, femoral heads, pubic symphysis,
// thighs), or read from a segmentation on the same grid when one is given. What is not in the volume stays empty.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "imaging/volume.h"

namespace polysim::imaging {

// A range along the patient's z axis (LPS mm; superior is higher z).
struct ZInterval {
    double fromMm = 0;  // inferior end
    double toMm = 0;    // superior end
    double length() const { return toMm - fromMm; }
};

struct BodyLandmarks {
    ZInterval volume;                        // what the images cover along z
    std::optional<ZInterval> body;           // slices where the body is in the field of view
    std::optional<ZInterval> cranium;        // slices through the cranial cavity (brain enclosed by skull)
    std::optional<double> skullBase;         // lowest slice of the cranial cavity (posterior fossa, foramen magnum)
    std::optional<double> vertex;            // top of the skull, when the skull closes inside the images
    std::optional<ZInterval> spine;          // slices with a vertebra (or the sacrum) in the posterior midline
    std::optional<ZInterval> cervicalSpine;  // the part of the spine between the skull base and the lung apices
    std::optional<ZInterval> lungs;          // lowest lung base to the higher apex
    std::optional<double> carina;            // where the trachea, a midline air tube from the neck, divides
    std::optional<double> diaphragmDomeRight, diaphragmDomeLeft;  // top of each hemidiaphragm
    std::optional<double> iliacCrests;                            // top of the iliac wings (both sides)
    std::optional<double> femoralHeads;                           // top of the femoral heads
    std::optional<ZInterval> pubicSymphysis;
    std::optional<double> pelvisBottom;  // lowest point of the bony pelvis (symphysis, ischial tuberosities)
    std::optional<ZInterval> thighs;     // slices with the two thighs apart, below the pelvis
    std::string source;                  // "images" or "segmentation"
    std::vector<std::string> notes;      // how each landmark was found, or why a search gave up

    // The higher dome (the top of the abdomen) and the lower one.
    std::optional<double> higherDome() const;
    std::optional<double> lowerDome() const;
};

// Finds the landmarks from HU and connectivity. Works on axial volumes (slices across z, in any in-plane
// orientation); for other orientations only `volume` is filled and a note says why. Slices not yet ready are ignored.
BodyLandmarks findLandmarks(const Volume& volume);

// A segmentation on the CT's grid: one label per voxel (0 = background; same order as Volume's voxels) and the name
// of each label. Names follow TotalSegmentator's "total" task ("lung_upper_lobe_left", "liver", "spleen", "brain",
// "skull", "vertebrae_C3", "sacrum", "hip_left", "femur_right", ...), vertebrae also as datasets name them ("C3",
// "T12", "L1"); unknown names are ignored.
struct StructureLabels {
    VolumeGeometry geometry;
    std::vector<std::uint16_t> voxels;
    std::map<int, std::string> names;
};

// The same landmarks read from a segmentation (more exact where it has the structures). Throws std::invalid_argument
// when the label array does not match the geometry.
BodyLandmarks findLandmarks(const StructureLabels& labels);

// A partial segmentation (a dataset's organ or vertebra masks) completed by the landmarks found in the images: each
// landmark from the segmentation where it has the structures, else from the images; the spine spans both.
BodyLandmarks combineLandmarks(const BodyLandmarks& fromSegmentation, const BodyLandmarks& fromImages);

// What the contrast medium shows: no enhancement, arterial (bright aorta, liver barely enhanced) or portal venous.
enum class ContrastPhase { Unknown, NonContrast, Arterial, PortalVenous };
const char* contrastPhaseName(ContrastPhase phase);  // "unknown", "non-contrast", "arterial", "portal venous"

struct ContrastEstimate {
    ContrastPhase phase = ContrastPhase::Unknown;
    std::optional<double> aortaHu;  // median HU of the aortic lumen, where the aorta was found
    std::optional<double> liverHu;  // median HU of the liver under the right dome, where found
    std::string reason;             // the measurements behind the decision, in words
};

// Tells the phase from the aorta (the bright round tube in front of the spine) and the liver under the right dome
// (which enhances in the portal venous phase). Unknown when the images hold no aorta (a head CT).
ContrastEstimate estimateContrastPhase(const Volume& volume, const BodyLandmarks& landmarks);

}  // namespace polysim::imaging

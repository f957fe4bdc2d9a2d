// Paints trauma injuries into a real normal CT, inside the structures of its segmentation: laceration clefts with
// haematoma in the spleen, liver or kidney, active extravasation that is larger and pooled in the portal phase, free
// fluid in the dependent spaces around the organs and in the pelvis, fracture lines through real cortex. Each injury
// comes back with its ground truth (the box of the voxels it changed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imaging/segmentation.h"
#include "imaging/volume.h"
#include "importers/case_builder.h"

namespace polysim::importers {

struct InsertableInjury {
    std::string id;                  // "splenic_laceration"
    std::string summary;             // one line for --list
    std::vector<std::string> needs;  // structures, any of which it can be painted in ("spleen")
};
const std::vector<InsertableInjury>& insertableInjuries();

struct InsertionOptions {
    std::vector<std::string> injuries;  // ids from insertableInjuries(), in any order
    // NonContrast, Arterial or PortalVenous: how extravasation looks
    phantom::SeriesKind phase = phantom::SeriesKind::PortalVenous;
    std::uint64_t seed = 1;  // same seed, same CT, same masks: same voxels
};

struct InsertionResult {
    std::vector<InjuryTruth> truths;  // one per injury, in the order asked
    imaging::LabelMap truthMap;       // the changed voxels, labelled by injury (names = injury ids)
    std::vector<std::string> notes;   // which structure each was painted in
};

// Paints into `ct` (changed in place); `segmentation` must be on the CT's grid (placeOnGeometry). Throws ImportError
// for an unknown injury or one whose structure the segmentation lacks, naming what it needs.
InsertionResult insertInjuries(imaging::Volume& ct, const imaging::LabelMap& segmentation,
                               const InsertionOptions& options);

}  // namespace polysim::importers

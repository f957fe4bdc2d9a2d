// The importers behind `polysim import`: public trauma datasets in their published layouts, and a real normal CT with
// its segmentation into which injuries are painted. Each writes a complete case (case_builder.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "importers/case_builder.h"

namespace polysim::importers {

// ---- RSNA 2023 Abdominal Trauma Detection (RATIC) ----
// ROOT holds train.csv (patient_id, bowel_healthy ... spleen_high, any_injury), train_series_meta.csv (patient_id,
// series_id, aortic_hu, incomplete_organ), image_level_labels.csv (patient_id, series_id, instance_number,
// injury_name: Active_Extravasation or Bowel), train_images/<patient_id>/<series_id>/<instance_number>.dcm and
// segmentations/<series_id>.nii (1 liver, 2 spleen, 3 left kidney, 4 right kidney, 5 bowel).
ImportedCase importRsnaAbdominal(const std::filesystem::path& root, const std::string& patientId,
                                 const std::filesystem::path& outFile);

// ---- RSNA 2022 Cervical Spine Fracture Detection ----
// ROOT holds train.csv (StudyInstanceUID, patient_overall, C1 ... C7), train_bounding_boxes.csv (StudyInstanceUID,
// x, y, width, height, slice_number), train_images/<StudyInstanceUID>/<slice_number>.dcm and
// segmentations/<StudyInstanceUID>.nii (1..7 C1..C7, 8..19 T1..T12).
ImportedCase importRsnaCspine(const std::filesystem::path& root, const std::string& studyUid,
                              const std::filesystem::path& outFile);

// Which patients or studies of a dataset have injuries, and what (one line each, the injured first). Tells the
// dataset from its CSV headers. Throws ImportError when ROOT is neither dataset.
std::vector<std::string> listDataset(const std::filesystem::path& root);

// ---- injuries inserted into a real normal CT ----
struct SegmentedImport {
    std::filesystem::path ct;                         // a DICOM folder or a NIfTI CT
    std::string seriesUid;                            // which series of a DICOM folder (empty: the loader's choice)
    std::filesystem::path masks;                      // multilabel NIfTI or a folder of one mask per structure
    std::optional<std::filesystem::path> labelNames;  // labels.csv for a multilabel map
    std::vector<std::string> injuries;
    std::filesystem::path outFile;
    std::filesystem::path imagesFolder;  // the derived series; default: <case name>_images beside the case
    // NonContrast, Arterial or PortalVenous; default: from the aorta and portal vein, else portal
    std::optional<phantom::SeriesKind> phase;
    std::uint64_t seed = 1;
    std::string licence;  // the source images' licence and citation
};
ImportedCase importSegmented(const SegmentedImport& request);

}  // namespace polysim::importers

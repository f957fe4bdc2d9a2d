// A new case without a scenario file: a skeleton on the built-in phantom (findings from the injuries' ground truth)
// or on a folder of DICOM CT series, that loads without errors and that the author then edits (`polysim author --new`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "imaging/segmentation.h"
#include "scenario/scenario.h"

namespace polysim::scenario {

// What the author asked for cannot become a case (unknown injury, a folder without CT series...); the message names
// the injury or the folder.
struct NewCaseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct NewCase {
    Scenario scenario;
    // What the author must do next, in plain words (shown on stdout and in the authoring panel).
    std::vector<std::string> notes;
    // What the CT series cover along z (LPS mm), for placing findings inside the images.
    double zFromMm = 0, zToMm = 0;
};

struct NewPhantomCaseOptions {
    std::uint64_t seed = 1;
    std::vector<std::string> injuries;  // phantom injury ids or synonyms (polysim phantom --list-injuries)
    int matrix = 512;                   // a smaller matrix / thicker slices make a quicker draft study
    double sliceMm = 1.0;
};

// A case on the built-in phantom, shaped like scenarios/motorcyclist.toml: scout, non-contrast head and arterial
// body series, the default regions with the phantom's z ranges and the default reading order, one finding per
// injury from the ground truth (Category 1: 5 min deadline, tell the trauma leader), a conclusion key point per
// finding. `outFile` names the case (meta.id from its file name). Throws NewCaseError for an unknown injury.
NewCase newPhantomCase(const std::filesystem::path& outFile, const NewPhantomCaseOptions& options = {});

// A case on the CT series found under `dicomFolder`: each series with the folder that holds its files (relative to
// outFile's folder, or under ${POLYSIM_DATA} when that variable is set and holds it) and its SeriesInstanceUID,
// a localizer as the scout, arrivals staggered. Each volume is loaded once: its landmarks (imaging/body_landmarks.h)
// give the regions it shows with their real z ranges (regions no series holds are left out), its contrast phase the
// series kind ("head", "noncontrast", "arterial", "portal"; the description only when the images cannot tell). When
// no landmark can be found (no axial series), the default regions are spread over the series' z range as a first
// guess. Throws NewCaseError naming the folder when it does not exist or holds no loadable CT series.
struct NewDicomCaseOptions {
    // A segmentation of the study (imaging/segmentation.h: a multilabel NIfTI or a folder of masks, with
    // TotalSegmentator names). Each series it lies on takes its landmarks from the structures
    // (findLandmarks(StructureLabels)) instead of from HU; series it does not lie on keep the HU landmarks and a note
    // says why.
    std::optional<imaging::LabelMap> segmentation;
};
// With a segmentation: throws NewCaseError naming the mask and each series' reason when it lies on none of them.
NewCase newDicomCase(const std::filesystem::path& dicomFolder, const std::filesystem::path& outFile,
                     const NewDicomCaseOptions& options = {});

// The conclusion's key points (one per finding, Category 1 first) and the expert report's skeleton in reading order,
// made again from the case's findings (after an importer has added them).
void fillConclusionAndReport(Scenario& scenario);

// A valid scenario id from a file name: "Fall from height.toml" -> "fall_from_height".
std::string caseIdFromFile(const std::filesystem::path& file);

}  // namespace polysim::scenario

// Turns what an importer learnt from a dataset (a CT folder, injuries with their ground-truth boxes) into a complete
// case: series, regions, findings with deadlines by category, interruptions from the roles that care, conclusion key
// points, the dataset's licence. Every importer ends here, so every imported case has the same shape.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/segmentation.h"
#include "scenario/scenario.h"

namespace polysim::importers {

// Something about the user's input makes the import impossible: a missing CSV, an unknown patient, a mask that does
// not match. The message names the file (and line) and what to do.
class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One injury with its ground truth, in patient coordinates.
struct InjuryTruth {
    std::string id;     // finding id in the case: "spleen_injury", "fracture_c2"
    std::string label;  // "Splenic laceration, high grade"
    std::vector<std::string> synonyms;
    int acrCategory = 1;
    std::string region;           // preferred region id ("abdomen_pelvis", "spine")
    glm::dvec3 lo{0.0}, hi{0.0};  // box (LPS mm)
    std::string description;      // the expert's line
    std::string teachingPoint;
    std::vector<std::string> windows;  // empty = the region's
    std::string role;                  // the specialist whose question depends on it ("visceral_surgeon")
    std::string source;  // where the truth came from, for the notes ("train.csv spleen_high; mask label 2")
};

struct CaseRequest {
    std::filesystem::path dicomFolder;  // the CT series (all series under it become the case's series)
    std::filesystem::path outFile;
    std::string title;
    std::string licence;                 // citation and licence of the images
    std::string mechanism, prehospital;  // what the dataset says (or that it says nothing)
    std::vector<std::string> learningObjectives;
    std::vector<InjuryTruth> injuries;
    std::optional<phantom::SeriesKind> seriesKind;  // the body series' kind when known (arterial, portal ...)
    std::map<std::string, phantom::SeriesKind> seriesKindByUid;  // per SeriesInstanceUID, before seriesKind
    std::optional<imaging::LabelMap> segmentation;  // for the landmarks (region limits) of the series it lies on
    std::vector<std::string> notes;                 // what the importer wants the author to know
};

struct ImportedCase {
    scenario::Scenario scenario;
    std::vector<std::string> notes;
};

// Builds the case. Throws ImportError when the folder holds no CT series.
ImportedCase buildCase(const CaseRequest& request);

// Writes the case to request.outFile and checks it with the scenario loader; throws ImportError (with the
// diagnostics) if the written file has errors, which would be a fault of the importer.
void writeCase(const ImportedCase& imported);

// "a, b and c"
std::string listInWords(const std::vector<std::string>& items);
// A label as it reads inside a sentence: "Active extravasation" -> "active extravasation" ("C2 fracture" stays).
std::string inSentence(std::string label);

}  // namespace polysim::importers

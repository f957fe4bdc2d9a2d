// Reading and checking scenario files (TOML): every problem is reported at once as `file:line:column: error: ...`,
// and nothing a file contains can crash the reader. The format is documented in scenarios/README.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.h"

namespace polysim::scenario {

struct Diagnostic {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    SourceLocation where;
    std::string message;
    // The value at `where` could not be read into the model at all: TOML syntax, a wrong type, a value out of range,
    // an unknown key. A model built from the file lacks that value, so it is fixed in a text editor.
    bool unreadable = false;
    // "file:line:col: error: message" ("file: error: message" when the position is unknown).
    std::string format() const;
};

struct LoadResult {
    std::optional<Scenario> scenario;  // set when there is no error (warnings allowed)
    // The case as read, also when it has errors of meaning (an unknown region, a deadline after the end, a duplicate
    // id...): set whenever every value of the file was read into the model, so the authoring mode can open the file,
    // show its errors and save it without losing anything. Unset when a diagnostic is `unreadable`.
    std::optional<Scenario> draft;
    std::vector<Diagnostic> diagnostics;  // sorted by position
    bool ok() const;                      // no errors
    // The diagnostics that keep a model from being built (see Diagnostic::unreadable).
    std::vector<Diagnostic> unreadable() const;
    int errorCount() const;
    int warningCount() const;
};

struct LoadOptions {
    // DICOM scenarios whose data is not on this machine (e.g. POLYSIM_DATA unset) load with a warning by default,
    // so a template can be checked anywhere; with requireData the missing data is an error.
    bool requireData = false;
    // Look into DICOM folders (scan headers) to check series UIDs and that findings lie inside the series.
    bool scanDicom = true;
};

// Parses and validates a scenario file. Relative DICOM folders resolve against the file's folder.
LoadResult loadScenario(const std::filesystem::path& file, const LoadOptions& options = {});
// Same, from text; `nameForMessages` names the file in diagnostics and anchors relative folders.
LoadResult parseScenario(std::string_view text, const std::filesystem::path& nameForMessages,
                         const LoadOptions& options = {});
// Checks a scenario built in code (e.g. by the authoring mode) with the same rules the file reader applies after
// parsing; positions come from the `where` fields.
std::vector<Diagnostic> validateScenario(const Scenario& scenario, const LoadOptions& options = {});

// All diagnostics, one per line.
std::string formatDiagnostics(const std::vector<Diagnostic>& diagnostics);

// ---- defaults the format falls back on ----

// Clinical reference, section 2: scout, airway, chest_lungs, chest_mediastinum, abdomen_pelvis, head, spine,
// extremities.
const std::vector<std::string>& defaultReadingOrder();
// Label, windows and planes of a default region id (z range 0, no reformat spans); nullptr for other ids.
const Region* defaultRegionTemplate(std::string_view id);
// The default regions with z ranges, and the spans their reformat planes sweep, from the built-in phantom's anatomy.
std::vector<Region> phantomRegions();
// Gives a region the phantom's span for each reformat plane it lists without one (a default region id of a phantom
// case), then leaves out the reformat planes that still have none: a DICOM region read in the sagittal or coronal
// plane by default is read axially only until its file gives 'x' or 'y'.
void fillPlaneSpans(Region& region, bool phantom);
// A finding's deadline when the file gives none: Category 1 five minutes (or the session end if sooner), others the
// session end.
double defaultDeadlineSeconds(int acrCategory, double sessionSeconds);
// Who must hear a finding when the file says nobody: the trauma team leader for Category 1, else nobody.
std::vector<std::string> defaultTell(int acrCategory);

// ---- where scenarios live ----

// The folder of shipped scenarios: $POLYSIM_SCENARIOS if set, else the source tree's scenarios/ (compile-time
// POLYSIM_SCENARIO_DIR), else the installed share/polysim/scenarios.
std::filesystem::path scenarioDirectory();
// The scenario `make run` opens: scenarioDirectory()/motorcyclist.toml.
std::filesystem::path defaultScenarioPath();
// Every *.toml in scenarioDirectory(), sorted by file name.
std::vector<std::filesystem::path> shippedScenarios();

}  // namespace polysim::scenario

// Shared between the scenario reader (TOML -> model) and the checker (cross-references, geometry, data on disk).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/loader.h"

namespace polysim::scenario::detail {

struct Report {
    std::string file;
    std::vector<Diagnostic> diagnostics;
    void add(Diagnostic::Severity s, const SourceLocation& where, std::string message);
    void error(const SourceLocation& where, std::string message) {
        add(Diagnostic::Severity::Error, where, std::move(message));
    }
    void warning(const SourceLocation& where, std::string message) {
        add(Diagnostic::Severity::Warning, where, std::move(message));
    }
    // An error about a value the model cannot hold (wrong type, out of range, unknown key): see
    // Diagnostic::unreadable.
    void unreadable(const SourceLocation& where, std::string message) {
        add(Diagnostic::Severity::Error, where, std::move(message));
        diagnostics.back().unreadable = true;
    }
    bool hasErrors() const;
};

// Position of every value read, keyed by its path in the model ("findings[2].region", "session.reading_order[1]").
// Indices are model indices. The checker looks values up here and falls back to the item's `where`.
using Locations = std::map<std::string, SourceLocation>;

// Checks meaning: references between parts, times against the session end, geometry, windows, data on disk.
void checkScenario(const Scenario& scenario, const Locations& locations, const LoadOptions& options, Report& report);

// One level of the format: its keys (the reader accepts exactly these; the guide documents exactly these).
struct FormatSection {
    std::string name;  // as the guide and the messages write it: "[meta]", "[[findings]]"
    std::vector<std::string> keys;
    bool takesVitals = false;  // also heart_rate, bp, systolic, diastolic, spo2, respiratory_rate, gcs
    static const std::vector<std::string>& vitalsKeys();
};
const std::vector<FormatSection>& formatSections();

// ---- words ----
std::size_t editDistance(std::string_view a, std::string_view b);
// "; did you mean 'x'?" for the closest candidate within a small distance, else "".
std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates);
std::string joinQuoted(const std::vector<std::string>& words, std::string_view separator = ", ");
// Seconds from "90", "90s", "4m", "4m30s", "1:30" (m:ss); nullopt when not a duration.
std::optional<double> parseDurationText(std::string_view text);

// Ids are lower-case letters, digits, '_' and '-' (scenarios/README.md, "Units and conventions").
bool validId(std::string_view id);

// Roles clinicians and sounds in the room can have; others are accepted with a warning.
const std::vector<std::string>& knownRoles();

// ---- the built-in phantom, as scenarios see it ----
std::vector<std::string> phantomInjuryIds();
// Ground truth of the given (known) injuries placed with this seed; nullopt for unknown ids.
std::vector<std::optional<phantom::Finding>> phantomTruth(const PhantomSource& source,
                                                          const std::vector<std::string>& ids);
// A finding as the phantom's ground truth of its injury says: id, names, category, region, geometry and the expert's
// description. The rest of `f` is left as it is.
void setFromPhantomTruth(Finding& f, const phantom::Finding& truth);
// z range of a default region id in the phantom's anatomy.
std::optional<std::pair<double, double>> phantomRegionZ(std::string_view regionId);
// The span a sweep of `plane` reformats crosses in a default region of the phantom (x for sagittal, y for coronal,
// LPS mm, low to high); empty for other regions and planes.
std::optional<std::pair<double, double>> phantomRegionSpan(std::string_view regionId, imaging::Plane plane);
// Box (LPS min, max) covered by the axial series of the phantom with these options and series kinds.
std::pair<glm::dvec3, glm::dvec3> phantomVolumeBox(const PhantomSource& source,
                                                   const std::vector<phantom::SeriesKind>& kinds);
// The names a scenario file may give a series kind (scout, head, noncontrast, arterial, portal), from the enum.
const std::vector<std::string>& seriesKinds();
// The label a series of this kind gets when the file gives none ("Non-contrast head").
std::string defaultSeriesLabel(const std::optional<phantom::SeriesKind>& kind);
// The phantom's series when the file lists none: the scout at 0 s, the non-contrast head at 20 s (over 10 s), the
// arterial body at 40 s (over 40 s).
std::vector<SeriesSpec> defaultPhantomSeries();

}  // namespace polysim::scenario::detail

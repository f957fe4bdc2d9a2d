// The scenario model: what a polytrauma case holds, independent of the file format it was read from.
// Loaded and validated by scenario/loader.h; consumed by the session engine, scoring and the GUI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/plane.h"
#include "phantom/phantom.h"

namespace polysim::scenario {

// Where a value came from in the scenario file, so later checks (and the debrief) can point at it.
struct SourceLocation {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
};

struct Metadata {
    std::string id;  // stable identifier, used in results history
    std::string title;
    std::string author;
    std::string version;
    std::string difficulty;  // "beginner" | "intermediate" | "advanced"
    std::vector<std::string> learningObjectives;
    std::string imageLicence;  // licence / citation of the images
    // For a programme: the training level the case is for ("PGY-2".."PGY-7", or "ESR-1".."ESR-5" for the year of the
    // ESR European Training Curriculum), the ACGME Diagnostic Radiology milestone subcompetencies it assesses
    // ("PC1", "MK2", "ICS1"...) and the ESR curriculum items it covers (free text).
    std::string level;
    std::vector<std::string> milestones;
    std::vector<std::string> esrCurriculum;
    // Faculty sign-off: who reviewed this version of the case and when (YYYY-MM-DD). Without it the case is a draft.
    std::string reviewedBy;
    std::string reviewedOn;
    bool signedOff() const { return !reviewedBy.empty() && !reviewedOn.empty(); }
};
// Whether `level` is one polysim knows ("PGY-1".."PGY-7", "ESR-1".."ESR-5"); empty is allowed (not stated).
bool validLevel(std::string_view level);
// Whether `id` names an ACGME milestone subcompetency: PC, MK, SBP, PBLI, PROF or ICS followed by its number.
bool validMilestone(std::string_view id);
// A calendar date written YYYY-MM-DD.
bool validDate(std::string_view date);

struct VitalSigns {
    double heartRate = 80;        // beats/min
    double systolic = 120;        // mmHg
    double diastolic = 80;        // mmHg
    double spo2 = 98;             // %
    double respiratoryRate = 16;  // breaths/min
    int gcs = 15;                 // Glasgow coma scale 3..15
};

// A scheduled change of vitals (linear ramp from the previous state to `vitals` ending at `atSeconds`).
struct VitalsChange {
    double atSeconds = 0;
    VitalSigns vitals;
    std::string note;  // shown on the monitor / in the log ("BP dropping")
};

// What happens when a Category 1 finding is not called by its deadline.
struct Deterioration {
    std::string findingId;
    VitalSigns vitals;  // vitals drift to these over `overSeconds` after the deadline passes
    double overSeconds = 60;
    std::string announcement;  // e.g. the anaesthetist: "Pressure's dropping, what's going on?"
};

struct Patient {
    int ageYears = 0;
    std::string sex;        // "male" | "female" | "unknown"
    std::string mechanism;  // course of the accident
    std::string prehospital;
    VitalSigns vitalsAtStart;
    std::vector<VitalsChange> vitalsTrend;
    std::vector<Deterioration> deteriorations;
};

// The built-in synthetic patient (engine/phantom).
struct PhantomSource {
    std::uint64_t seed = 1;
    std::vector<std::string> injuries;  // phantom injury ids
    std::vector<std::string> devices;   // what the team put on the patient (phantom::knownDevices())
    int matrix = 512;
    double sliceMm = 1.0;
    double fieldOfViewMm = 500.0;
};

// One series the trainee receives. For the phantom, `kind` selects which generated series it is;
// for DICOM on disk, `folder` (+ `seriesInstanceUid` when the folder holds several) says where it is.
// A series kind as the scenario file writes it ("scout", "head", "noncontrast", "arterial", "portal"); empty when
// unset.
inline std::string_view seriesKindText(const std::optional<phantom::SeriesKind>& kind) {
    return kind ? phantom::seriesKindName(*kind) : std::string_view();
}
// The kind a name gives ("arterial"), unset for a name that is no kind.
inline std::optional<phantom::SeriesKind> seriesKindNamed(std::string_view name) {
    phantom::SeriesKind kind;
    if (phantom::parseSeriesKind(name, kind)) return kind;
    return std::nullopt;
}

struct SeriesSpec {
    std::string id;     // scenario-local name: "scout", "head", "arterial", "portal"
    std::string label;  // shown to the trainee: "Non-contrast head"
    // What the series is: scout, head, noncontrast, arterial, portal (as the scenario file names them); unset for a
    // DICOM series the file does not say.
    std::optional<phantom::SeriesKind> kind;
    std::filesystem::path folder;       // resolved absolute path (DICOM only)
    std::string seriesInstanceUid;      // DICOM only; empty = the one CT series in the folder
    double arrivalSeconds = 0;          // when the first image arrives
    double arrivalDurationSeconds = 0;  // images stream in over this time (0 = all at once)
    SourceLocation where;
    std::string folderText;  // the folder as written in the file ("${POLYSIM_DATA}/..."), for saving back
};

struct Images {
    std::optional<PhantomSource> phantom;  // set when the case runs on the built-in phantom
    std::vector<SeriesSpec> series;
};

// A body region the reading order and coverage speak of, as a range along the patient's
// superior-inferior axis (LPS z, mm; head is higher z).
struct Region {
    std::string id;                    // "head", "chest_lungs", ...
    std::string label;                 // "Chest: lungs and pleura"
    double zFromMm = 0;                // lower bound (inferior)
    double zToMm = 0;                  // upper bound (superior)
    std::vector<std::string> windows;  // window preset names in which the region counts as read
    std::string series;                // SeriesSpec id that shows this region (empty = any)
    double minCoverage = 0.8;          // fraction of the region's slices to see in a suitable window to count as read
    // The planes the region counts as read in (clinical reference, section 2: the spine on sagittal reformats, the
    // pelvis on coronal ones): axial slices sweep its z range, sagittal slices its left-right span `xMm`, coronal
    // slices its front-back span `yMm`. Its coverage is that of the plane read best.
    std::vector<imaging::Plane> planes{imaging::Plane::Axial};
    std::optional<std::pair<double, double>> xMm;  // LPS x, right (low) to left (high): what a sagittal sweep crosses
    std::optional<std::pair<double, double>> yMm;  // LPS y, front (low) to back (high): what a coronal sweep crosses
    SourceLocation where;

    bool readIn(imaging::Plane plane) const;
    // The span a sweep in `plane` must cross, along the plane's normal (z, y or x, LPS mm, low to high); empty for a
    // reformat plane whose span the region does not give.
    std::optional<std::pair<double, double>> sweep(imaging::Plane plane) const;
};

// The side of a lateralised finding, in the patient's terms (patient left is +x in LPS).
enum class Side { None, Left, Right, Bilateral };

struct Finding {
    std::string id;
    std::string label;
    std::vector<std::string> synonyms;
    int acrCategory = 1;  // 1: minutes, verbal; 2: hours; 3: days
    std::string region;   // Region id
    glm::dvec3 centreLps{0.0};
    glm::dvec3 extentMm{10.0};         // box size around the centre, mm
    double deadlineSeconds = 300;      // call it by this session time
    std::vector<std::string> tell;     // roles who must be told ("trauma_leader", "neurosurgeon", ...)
    std::vector<std::string> windows;  // windows in which it is visible (empty = the region's windows)
    std::string teachingPoint;
    std::string expertDescription;  // the expert's one-line description
    std::string phantomInjury;      // the phantom injury that produces it (phantom cases)
    // Words of which one must be said with its name for the full diagnosis ("tension", "active"), besides those
    // the trauma lexicon knows for its injury; without them a name earns partial credit.
    std::vector<std::string> essential;
    bool lateCallCritical = true;  // Category 1 called after its deadline is a critical error
    std::optional<bool> onScout;   // shows on the scout; unset: as the trauma lexicon says for its injury
    // The side a reader must name, if any: unset, from the label's words, else from the centre for an injury the
    // trauma lexicon knows to be lateralised (session::findingSide).
    std::optional<Side> side;
    SourceLocation where;
};

enum class InterruptionKind { Question, Request, Challenge, Noise };

struct InterruptionTrigger {
    enum class Type {
        AtTime,              // at `atSeconds`
        RegionOpened,        // when region `target` is first shown (then + delaySeconds)
        FindingOnScreen,     // when finding `target` is first on screen (then + delaySeconds)
        InterruptionIgnored  // when interruption `target` has escalated unanswered (then + delaySeconds)
    };
    Type type = Type::AtTime;
    double atSeconds = 0;
    std::string target;
    double delaySeconds = 0;
};

// A quick answer the trainee can give. `correct` may depend on findings: the answer is right when
// every finding in `correctIfFound` is present in the case and none in `correctIfAbsent` is.
struct AnswerOption {
    std::string id;
    std::string text;
    bool correct = false;
    std::string feedback;  // shown in the debrief
};

struct Interruption {
    std::string id;
    InterruptionTrigger trigger;
    std::string role;  // "neurosurgeon", "trauma_leader", "anaesthetist", "vascular_surgeon", "visceral_surgeon",
                       // "nurse", "phone", "pager"
    std::string name;  // "Dr Weber"
    std::string text;  // what they say
    InterruptionKind kind = InterruptionKind::Question;
    std::vector<std::string> relatedFindings;  // findings the right answer depends on / the challenge is about
    std::vector<AnswerOption> answers;         // quick answers (free text is always possible)
    std::vector<std::string> keywords;         // free-text answers naming these count as right
    // Free-text answers saying any of these (not negated) are wrong whatever else they name: the action the wrong
    // answer takes ("wait", "later") when the question is what to do about a finding the answer may name right.
    std::vector<std::string> wrongKeywords;
    double patienceSeconds = 30;  // before they repeat
    std::string repeatText;       // said on repeat (empty = text again)
    int maxRepeats = 1;           // after this many repeats they escalate
    std::string escalationText;   // said when escalating
    double durationSeconds = 0;   // noise: how long it rings
    // The quick answers are offered this long after the question (or at once after a free-text answer that was
    // not right); unset: when they first repeat it (patience). Never in exam mode.
    std::optional<double> choicesAfterSeconds;
    SourceLocation where;
};

struct KeyPoint {
    std::string id;
    std::string label;                  // "tension pneumothorax, right"
    std::vector<std::string> keywords;  // any of these (case-insensitive) names the point
};

struct Conclusion {
    std::vector<KeyPoint> keyPoints;
    std::string expertSentence;  // the model one-sentence conclusion
};

// Weights of the score parts (they need not sum to 1; the total is normalised to 0..100).
struct ScoringWeights {
    double findings = 0.45;
    double order = 0.15;
    double coverage = 0.15;
    double interruptions = 0.15;
    double conclusion = 0.10;
    double passThreshold = 70;  // total (0..100) needed to pass, besides having no critical error
    double minFindingBand = 3;  // any finding scored below this band (0..10) is a critical error if Category 1
    // The perceptual floor: an image on screen for less than this is not read (coverage, "seen"). The default is
    // 30 ms, about the fastest paging through thin slices that readers use (3 cm/s over 1 mm slices).
    double minDwellSeconds = kDefaultMinDwellSeconds;
    static constexpr double kDefaultMinDwellSeconds = 0.030;
    // A region seen on less than this share of its `min_coverage` by the end of the session was not read: the
    // session cannot pass (a trainee who jumps to the slices that hold the findings has read nothing else). 0 turns
    // the rule off.
    double unreadShare = 0.5;
};

struct Scenario {
    std::filesystem::path sourceFile;
    Metadata meta;
    Patient patient;
    Images images;
    std::vector<Region> regions;
    std::vector<std::string> readingOrder;  // region ids in priority order
    // Other orders faculty accept ([session] alternative_orders), e.g. the head first where it arrives first: the
    // order part is scored against whichever of these and the reading order the read fits best.
    std::vector<std::vector<std::string>> alternativeOrders;
    std::vector<Finding> findings;
    std::vector<Interruption> interruptions;
    Conclusion conclusion;
    std::string expertReport;
    std::string teachingNotes;
    ScoringWeights weights;
    double durationSeconds = 900;  // the session ends at this time at the latest

    const Region* findRegion(const std::string& id) const {
        for (const auto& r : regions)
            if (r.id == id) return &r;
        return nullptr;
    }
    const Finding* findFinding(const std::string& id) const {
        for (const auto& f : findings)
            if (f.id == id) return &f;
        return nullptr;
    }
    const Interruption* findInterruption(const std::string& id) const {
        for (const auto& i : interruptions)
            if (i.id == id) return &i;
        return nullptr;
    }
};

// How a role id reads to people: "Trauma team leader" for trauma_leader; a role the reader does not know, in words
// ("ward_registrar" -> "Ward registrar").
std::string roleTitle(std::string_view role);

}  // namespace polysim::scenario

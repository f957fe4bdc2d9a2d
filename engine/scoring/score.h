// Scoring a session from its event log: the log's trainee actions are replayed through the session engine, and
// what was on screen, marked, said and answered is measured against the scenario. Every number carries a "why".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/format.h"
#include "scenario/scenario.h"
#include "session/event_log.h"
#include "session/lexicon.h"
#include "session/session.h"

namespace polysim::scoring {

using session::Json;

// One thing the trainee said about a finding: a mark on it, a call or answer naming it, the conclusion.
struct FindingStatement {
    double t = 0;
    std::string kind;  // "mark" | "call" | "choice" (a picked quick answer) | "conclusion"
    std::string text;
    std::string role;  // who was told (calls)
    session::Naming level = session::Naming::None;
    std::string other;     // for Naming::Other: the diagnosis named instead
    bool counted = false;  // said after the finding had been seen (before that it is a guess)
};
// "mark 'liver laceration' (names Liver laceration)", as the debrief lists contradictions.
std::string statementText(const FindingStatement& statement);

struct FindingScore {
    const scenario::Finding* finding = nullptr;
    bool onScreen = false;                     // on screen in any window
    std::vector<std::string> onScreenWindows;  // windows it was on screen in (preset names or W/L)
    bool seen = false;                         // on screen in a window that shows it, one image for the floor or longer
    std::optional<double> seenAt;
    std::string seenSeries;                    // the series it was seen on
    bool tooFast = false;                      // in a suitable window only for less than the perceptual floor
    double longestLookSeconds = 0;             // longest time one image of it was on screen in a suitable window
    std::vector<FindingStatement> statements;  // everything said about it, in time order
    std::vector<std::string> contradictions;   // statements that disagree, as text ("01:20 mark '...' (names ...)")
    std::vector<double> unseenNames;           // times it was named before it had been seen (guesses, not counted)
    std::optional<double> partlyCalledAt;      // first call to a required role naming it at least in part
    bool marked = false;                       // a mark (not removed) on its box
    std::string markLabel;
    bool labelCorrect = false;           // a mark on it, or words said, name it
    std::optional<double> detectedAt;    // first correct mark or first words naming it
    std::vector<std::string> toldRoles;  // everyone told, in order
    std::optional<double> firstToldAt;
    std::optional<double> calledAt;  // first call to a role who must hear it
    std::string calledTo;
    bool calledInTime = false;
    int band = 0;          // 0..10 (WIDI SIM: 0-2 critical, 3-6 omission, 7-10 effective)
    std::string bandName;  // "critical error" | "omission" | "effective"
    std::string error;     // "" | "observational" | "interpretive" | "communication"
    // The rule that decided (JSON "error"): "" | "missed" | "too_fast" | "not_seen" | "unnamed" | "misidentified" |
    // "incomplete" | "late_critical" | "late" | "told_wrong_person" | "not_called".
    std::string rule;
    bool critical = false;
    std::string why;
};

// A Category 1 diagnosis told to the team (a call, an answer, the conclusion) that this patient does not have: a
// major discrepancy, scored as a critical error.
struct FalseCall {
    double t = 0;
    std::string kind;       // "call", "answer", "choice", "conclusion"
    std::string role;       // who was told (empty for the conclusion)
    std::string text;       // the words said
    std::string diagnosis;  // the lexicon label of the Category 1 diagnosis named
};

// What each part of the score comes to: 0..1, and why.
struct PartScore {
    double score = 0;
    std::string why;
};

struct FindingsPart : PartScore {
    std::vector<FindingScore> items;
    std::vector<FalseCall> falseCalls;
    std::vector<session::Mark> extraMarks;  // marks on no finding of the case
};

struct OrderPart : PartScore {
    std::vector<std::string> protocol;                      // the scenario's reading order
    std::vector<std::pair<std::string, double>> completed;  // regions in the order they were completed, with times
    std::vector<std::string> notCompleted;
    std::optional<double> tau;  // Kendall's tau over completed regions (needs two)
    std::vector<std::string> outOfOrder;
    int followed = 0;  // the order scored against: 0 the reading order, k the case's alternative order k
    // What kills first, told first: for each Category 1 finding, how soon the team heard of it once its images had
    // arrived, against its deadline. The main measure of the part when the case has Category 1 findings.
    struct Priority {
        const scenario::Finding* finding = nullptr;
        double availableAt = 0;        // the first image that can show it arrived
        std::optional<double> toldAt;  // first call naming it, at least in part, to a role who must hear it
        double score = 0;              // 0..1
    };
    std::vector<Priority> priorities;
    std::optional<double> priority;  // mean of the priorities' scores; none without Category 1 findings
    std::optional<double> sequence;  // the part from tau alone (the score when there is no priority)
};

// How much of a region one sweep plane showed: the slices across the span it must cross (scenario::Region::sweep).
struct PlaneCoverage {
    imaging::Plane plane = imaging::Plane::Axial;
    double fromMm = 0, toMm = 0;  // the span along the plane's normal, LPS mm
    int slices = 0;
    int slicesSeen = 0;     // in a suitable window, each for at least the perceptual floor
    int slicesTooFast = 0;  // shown in a suitable window, but only for less than the floor
    double fraction = 0;
    std::optional<double> completedAt;  // when fraction reached the region's minCoverage
    double seconds = 0;                 // time with a slice of the region in this plane on screen (any window)
};

// The plane coverage is that of the plane the region was read best in (`plane`); `planes` has each plane it is read
// in. A projection region (the scout) has no planes.
struct RegionCoverage : PlaneCoverage {
    const scenario::Region* region = nullptr;
    std::vector<PlaneCoverage> planes;
    int scrollCourses = 0;  // runs of scrolling in one direction inside the region
    double passes = 0;      // distance scrolled inside the region / the span it sweeps
    double secondsPerSlice = 0;
    double drillerIndex = 0;  // 0 = scanner (slow, one pass), 1 = driller (fast, many passes through depth)
    std::string style;        // "driller" | "scanner" | "mixed" | "not read"
    bool unread = false;      // seen below the case's unread share of its required coverage by the end: no pass
    std::string why;
};

struct CoveragePart : PartScore {
    std::vector<RegionCoverage> regions;
};

struct InterruptionScore {
    const scenario::Interruption* spec = nullptr;
    double startedAt = 0;
    std::optional<double> answeredAt;
    std::optional<double> responseSeconds;
    int repeats = 0;
    bool escalated = false;
    bool correct = false;
    std::string answer;  // option id or free text
    std::string feedback;
    std::optional<double> resumptionLagSeconds;  // end of the interruption -> next productive action
    std::string resumption;  // "resumed where stopped" | "re-searched covered ground" | "skipped uncovered ground" |
                             // "moved on to new ground" | "did not resume"
    std::optional<double> stoppedAtMm, resumedAtMm;
    std::string challenge;  // challenges: "held" | "revised" | "unanswered"
    double score = 0;
    std::string why;
};

struct InterruptionsPart : PartScore {
    std::vector<InterruptionScore> items;
};

struct KeyPointScore {
    const scenario::KeyPoint* point = nullptr;
    bool named = false;
};

struct ConclusionPart : PartScore {
    std::string text;
    std::optional<double> at;
    std::vector<KeyPointScore> keyPoints;
};

struct Score {
    std::string scenarioId, scenarioTitle, trainee;
    // The case as a programme files it: version, training level, ACGME milestones, faculty sign-off (empty: draft).
    std::string scenarioVersion, scenarioLevel, reviewedBy, reviewedOn;
    std::vector<std::string> milestones;
    double total = 0;  // 0..100
    bool passed = false;
    std::vector<std::string> criticalErrors;
    std::string why;
    double minDwellSeconds = 0;  // the perceptual floor the score used
    FindingsPart findings;
    OrderPart order;
    CoveragePart coverage;
    InterruptionsPart interruptions;
    ConclusionPart conclusion;
    // The session as replayed, for the debrief.
    double endTime = 0;
    std::string endedBy;
    std::optional<double> primarySurveyAt;
    std::vector<session::ViewChange> views;
    std::vector<session::Mark> marks;
    std::vector<Json> events;
    // The questions the instructor asked (Say): the interruption items point at these (the scenario has them not).
    std::vector<std::shared_ptr<const scenario::Interruption>> saidByInstructor;
    std::vector<std::string> warnings;  // damaged last line, replay differences
};

// Scores a log's events (as readEventLog gives them). Throws session::LogError when the log is not of this scenario.
// `places` (from readEventLog) lets warnings about an event name its file and line.
Score scoreSession(const scenario::Scenario& scenario, const std::vector<Json>& events,
                   const session::EventPlaces* places = nullptr);
// Reads and scores a log file; warnings (a damaged last line) go to Score::warnings.
Score scoreLogFile(const scenario::Scenario& scenario, const std::filesystem::path& log);

// The score as JSON: top-level keys total, passed, critical_errors, findings, order, coverage, interruptions,
// conclusion (plus scenario, trainee, why, session). Numbers are rounded so the text is the same every run.
Json scoreToJson(const Score& score);

// A scoring rule in a few words ("too fast to see") and in a sentence a trainee can act on.
std::string ruleTitle(const std::string& rule);
std::string ruleExplanation(const std::string& rule);

// "03:25" for 205 s, as the reading room's clock shows it.
using polysim::clockText;
// A total as the debrief, the library and `polysim score` show it: one decimal ("69.6"), the precision the pass rule
// compares.
std::string totalText(double total);

// Words for the ids scenarios use, as a reader wants them: "trauma team leader" for trauma_leader (the title,
// scenario::roleTitle, mid-sentence), "soft tissue" for the soft_tissue window, a region's or series' label.
std::string roleName(const std::string& role);
std::string windowName(const std::string& preset);  // "soft tissue", "lung"; a free width/level as "W/L 1500/-600"
// "the lung window", "the soft tissue or liver window" (`conjunction` joins the last two of several).
std::string windowsPhrase(const std::vector<std::string>& presets, const std::string& conjunction = "or");
std::string regionName(const scenario::Scenario& scenario, const std::string& regionId);
// A region shown by a projection series (the scout): read in one image, not slice by slice.
bool projectionRegion(const scenario::Scenario& scenario, const scenario::Region& region);

}  // namespace polysim::scoring

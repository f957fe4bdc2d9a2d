// Trainee actions as named commands. The GUI, the scripted trainee and a log replay all go through these,
// so every action is logged the same way and a session can be replayed from its log.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/plane.h"
#include "imaging/window.h"

namespace polysim::session {

using imaging::parsePlane;
using imaging::Plane;
using imaging::planeName;

// Shows another series (e.g. "head" after the body CT). The cursor stays where it was.
struct OpenSeries {
    std::string series;  // scenario SeriesSpec id, or kComputedScout
};
// The series id of the scout a case without one gets: an AP projection of its body series (see
// computedScoutSource in session.h), shown once that series has arrived in full.
inline constexpr std::string_view kComputedScout = "computed-scout";
struct SetPlane {
    Plane plane = Plane::Axial;
};
// Moves the slice: the cursor coordinate along the current plane's normal (axial: z, coronal: y, sagittal: x), LPS mm.
struct SetPosition {
    double mm = 0;
};
// A window preset by name, or a free width/level (preset empty).
struct SetWindow {
    std::string preset;
    imaging::Window window;
};
struct SetZoom {
    double zoom = 1;  // 1 = whole field of view
};
// The zoom factors the session accepts (others are refused); the reading room's viewer keeps to them.
inline constexpr double kMinZoom = 0.1, kMaxZoom = 20;
// Pans the view: the in-plane centre of what is shown, LPS mm (axial: x, y; coronal: x, z; sagittal: y, z).
struct SetPan {
    glm::dvec2 centreMm{0.0};
};
// Every view back to the whole image, centred (zoom 1, no pan): the reading room's "reset zoom, pan and window" (the
// window goes back as a SetWindow of its own).
struct ResetView {};
// Which plane the big view shows, the other two stacked beside it (the reading room's "swap the big view"). It changes
// where each plane is on screen, not what any of them shows.
struct SetLayout {
    Plane big = Plane::Axial;
};
// Moves the crosshair, LPS mm: the point the three views pass through (a click or drag within an image). Along the
// current plane's normal it moves the slice as SetPosition does; across it, the levels of the other two views.
struct SetCrosshair {
    glm::dvec3 lps{0.0};
};
struct MarkFinding {
    glm::dvec3 lps{0.0};
    std::string label;
    std::string id;  // empty: the session assigns "m1", "m2", ...
};
struct RemoveMark {
    std::string id;
};
// Answers a standing interruption with a quick-answer option id, or with free text (option empty).
struct AnswerInterruption {
    std::string interruption;
    std::string option;
    std::string text;
};
// Tells a team member about a finding: by the trainee's mark id, or in words (text), or both.
struct CallFinding {
    std::string mark;
    std::string text;
    std::string role;
};
struct DeclarePrimarySurveyComplete {};
struct WriteConclusion {
    std::string text;
};
// Ends the session; `by` is "instructor" when the instructor ends it from the console (empty: the trainee).
struct EndSession {
    std::string by;
};

// ---- the instructor's commands (the console, or a taught session's script) ----
// The session clock stops: nothing scenario-driven happens, no deadline or patience runs, and the trainee may look
// but not mark, call, answer or conclude until it resumes. Time held is therefore outside every timing score.
struct PauseClock {};
// `heldSeconds`: how long the pause lasted in real time (the app measures it; the log records it for the debrief).
struct ResumeClock {
    double heldSeconds = 0;
};
// A scripted interruption starts now (if it has not started), or is held back from starting at all.
struct InjectInterruption {
    std::string interruption;
};
struct HoldInterruption {
    std::string interruption;
};
// The instructor speaks as a role. It plays out like a scripted interruption; with findings or keywords it is a
// question scored like one, without them a remark (a phone or pager with no words rings) that needs no answer.
struct Say {
    std::string role;
    std::string text;
    std::vector<std::string> findings;  // the findings the right answer names
    std::vector<std::string> keywords;  // free-text answers saying these count as right
    std::string id;                     // empty: the session assigns "say1", "say2", ...
};
// A timestamped note for the debrief timeline; it changes nothing in the session.
struct InstructorNote {
    std::string text;
};

using Command = std::variant<OpenSeries, SetPlane, SetPosition, SetWindow, SetZoom, SetPan, ResetView, SetLayout,
                             SetCrosshair, MarkFinding, RemoveMark, AnswerInterruption, CallFinding,
                             DeclarePrimarySurveyComplete, WriteConclusion, EndSession, PauseClock, ResumeClock,
                             InjectInterruption, HoldInterruption, Say, InstructorNote>;

// The one vocabulary of actions: each command's name in the event log (commandName), the trainee script's verb for
// it and the script's usage. A script's `scroll` is a run of logged positions; `goto` also reads as `slice` or
// `position`. The reading room's key and mouse bindings say which of these names each binding logs (gui/bindings.h).
struct ActionName {
    std::string_view log;     // "position"
    std::string_view script;  // "goto"
    std::string_view usage;   // "goto MM"
    bool instructor = false;  // an instructor's action (console, taught script), not the trainee's
};
const std::vector<ActionName>& actionNames();
// The row for a script verb (aliases included), or null.
const ActionName* actionForScriptVerb(std::string_view verb);
// True when `log` is a command's name in the event log.
bool isActionName(std::string_view log);

// True for the instructor's commands (and an EndSession by the instructor): they are not the trainee's actions.
bool isInstructorCommand(const Command& command);

// The command's name as the log and the trainee script write it ("position", "window", "mark", ...).
std::string_view commandName(const Command& command);

// What happened to a command. A refused command is still logged (with the reason) so replays stay exact.
struct ApplyResult {
    bool accepted = true;
    std::string reason;  // why it was refused ("series 'portal' has not arrived yet")
    std::string markId;  // for MarkFinding: the id given to the mark; for Say: the id of the interruption
    // For calls and answers: the findings the words name (fully or in part). Empty with a notice when they name
    // nothing, so the reading room can ask the trainee to name the finding.
    std::vector<std::string> linkedFindings;
    std::string notice;  // "not linked to a finding - name the finding"; an answer they did not understand
};

}  // namespace polysim::session

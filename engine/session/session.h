// The reading session: scenario time runs on a SessionClock, images arrive, vitals change, team members interrupt,
// and every trainee action (a Command) and every scenario event goes to the EventLog. The GUI, `polysim play` and
// scoring all drive this one engine, so they see the same session.
//
// Driving it (app):   clock.advanceBy(frameSeconds); session.update();  ...  session.apply(SetPosition{z});
// Driving it (tests): clock.advanceTo(35.0); session.update(); session.apply(SetWindow{"lung", ...});
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/window.h"
#include "scenario/scenario.h"
#include "session/clock.h"
#include "session/command.h"
#include "session/event_log.h"

namespace polysim::session {

// The log format version written in the session_start event.
inline constexpr int kLogFormat = 1;

// Who is reading, when nobody says: the login name ($USER, else the account's name), empty when neither is known.
std::string defaultTrainee();

// The series a case without a scout of its own projects its computed scout from (OpenSeries{kComputedScout}): the
// first to arrive that is not the head, else the first; null when the case has a scout, or no series.
const scenario::SeriesSpec* computedScoutSource(const scenario::Scenario& scenario);

struct SessionOptions {
    // Slice spacing of each series (mm) as the viewer shows it; coverage counts slices of this size. Series not
    // listed use defaultSliceMm (the phantom's slice spacing for phantom cases, else 1 mm).
    std::map<std::string, double> sliceMmBySeries;
    std::optional<double> defaultSliceMm;
    double fieldOfViewMm = 500;  // in-plane size of the whole image; decides what a zoomed view still shows
    std::string trainee;         // written to session_start (results history)
    // Exam mode: no quick answers are offered; every answer is in the trainee's own words.
    bool exam = false;
    // The z range (LPS mm, low to high) each series covers; a series shows nothing outside it (the head series at
    // the level of the spleen shows no spleen). Filled from the phantom for phantom cases; unlisted series: no limit.
    std::map<std::string, std::pair<double, double>> seriesZMm;
};

// How long an instructor's remark (a Say with no findings or keywords) or a phone they ring stands, session seconds.
inline constexpr double kRemarkSeconds = 20;

// Wrong answers from the trauma lexicon offered beside a question's own quick answers.
inline constexpr std::size_t kDistractorsPerQuestion = 2;

// What the trainee looks at.
struct ViewState {
    std::string series;       // empty until a series is open
    bool projection = false;  // the open series is a scout (one projection image: the whole body at once)
    Plane plane = Plane::Axial;
    glm::dvec3 cursor{0.0};  // LPS mm; the slice shown passes through it
    imaging::Window window{400, 40};
    std::string preset = "soft_tissue";  // preset name, or empty for a free width/level
    double zoom = 1;
    glm::dvec2 panMm{0.0};  // in-plane centre of the view
    bool operator==(const ViewState&) const = default;
};

// How one view frames its image: the zoom and, once the trainee has moved it, the in-plane point at the view's
// centre (LPS mm as SetPan has it); none: the image centred.
struct Framing {
    double zoom = 1;
    std::optional<glm::dvec2> centreMm;
    bool operator==(const Framing&) const = default;
};

struct ViewChange {
    double t = 0;
    ViewState view;
};

struct Mark {
    std::string id;
    glm::dvec3 lps{0.0};
    std::string label;
    double placedAt = 0;
    std::optional<double> removedAt;
};

struct Call {
    double t = 0;
    std::string mark;
    std::string text;  // the words used (the mark's label when called by mark)
    std::string role;
    std::vector<std::string> findings;       // scenario findings this call names (by words or by a mark on them)
    std::vector<std::string> partly;         // findings it names only in part (the organ, a lesser diagnosis)
    std::vector<std::string> denied;         // findings it says are not there ("no pneumothorax")
    bool choice = false;                     // a quick answer picked from the offered choices, not the trainee's words
    std::vector<std::string> misidentified;  // findings it names on the other side or at other levels only
};

// One interruption as it played out.
struct InterruptionRecord {
    std::string id;
    double startedAt = 0;
    std::vector<double> repeatedAt;
    std::optional<double> escalatedAt;
    std::optional<double> answeredAt;
    std::string option;                                    // chosen quick answer
    std::string text;                                      // free text answer
    std::vector<std::pair<double, std::string>> attempts;  // free-text answers not understood (they still wait)
    std::optional<double> choicesAt;                       // when the quick answers were first offered
    bool correct = false;
    std::optional<double> endedAt;
    std::string endReason;    // "answered", "rang out", "session ended"
    ViewState viewAtStart;    // where reading stood when it began
    bool injected = false;    // the instructor brought it in (inject), not the script's trigger
    bool instructor = false;  // the instructor said it (say): not in the scenario file
    bool scored = true;       // counts in the interruptions part (an instructor's remark does not)
};

// A stop of the session clock by the instructor.
struct ClockPause {
    double at = 0;           // session time (it stands still until resumed)
    double heldSeconds = 0;  // real seconds it lasted, as the app measured them (0: unknown or still paused)
    bool resumed = false;
};
struct InstructorNoteRecord {
    double t = 0;
    std::string text;
};

// An interruption standing now, for the GUI to show.
struct ActiveInterruption {
    const scenario::Interruption* spec = nullptr;
    std::string saying;  // what they say now (text, repeat or escalation)
    int repeats = 0;
    bool escalated = false;
    double startedAt = 0;
};

struct SeriesState {
    const scenario::SeriesSpec* spec = nullptr;
    double arrivedFraction = 0;  // 0 before the first image, 1 when complete
};

class Session {
public:
    // Writes session_start to the log at once (unless the log is replaying a resumed file).
    Session(const scenario::Scenario& scenario, SessionClock& clock, EventLog& log, SessionOptions options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Fires every scenario event due up to the clock's time (image arrival, vitals, interruptions starting,
    // repeating and escalating, deadlines and deteriorations, time up). Call once per frame or before apply().
    void update();
    // Brings the clock to `seconds` and fires what is due.
    void advanceTo(double seconds);
    // Applies a trainee action at the clock's time (after update()). Refused actions are logged with the reason.
    ApplyResult apply(const Command& command);

    // Replays a log's trainee actions at their times (resume, scoring). Scenario events are regenerated, not read.
    // Returns warnings (a refused action that had been accepted, say).
    std::vector<std::string> replay(const std::vector<Json>& events, const EventPlaces* places = nullptr);

    // ---- state ----
    const scenario::Scenario& scenario() const { return scenario_; }
    const SessionOptions& options() const { return options_; }
    double now() const { return now_; }
    bool ended() const { return endedAt_.has_value(); }
    std::optional<double> endedAt() const { return endedAt_; }
    const std::string& endReason() const { return endReason_; }

    const ViewState& view() const { return view_; }
    // The framing of each plane's view (the session's plane has view().zoom, and view().panMm once panned): a view
    // keeps its own while another is read. A projection (the scout) has one framing of its own: zooming a scout
    // changes nothing of the slices' view.
    const Framing& framing(Plane plane) const;
    const Framing& projectionFraming() const;
    // The plane the big view shows (SetLayout); the other two are stacked beside it.
    Plane bigPlane() const { return bigPlane_; }
    // What the trainee sees now: the view as the log has it, with a gesture in progress laid over it (a drag between
    // its logged steps). preview() takes a view command (plane, position, window, zoom, pan, crosshair, reset) the
    // trainee is in the middle of: checked as apply() checks it, shown at once, and logged only when the room applies
    // it (at most every few tenths of a second, and where the drag ends). Scoring never sees a preview.
    const ViewState& shownView() const;
    const Framing& shownFraming(Plane plane) const;
    const Framing& shownProjectionFraming() const;
    ApplyResult preview(const Command& command);
    void dropPreview();
    scenario::VitalSigns vitals() const { return vitalsAt(now_); }
    scenario::VitalSigns vitalsAt(double t) const;
    std::vector<ActiveInterruption> activeInterruptions() const;
    std::vector<SeriesState> seriesStates() const;
    bool seriesArrived(const std::string& id) const;
    // The quick answers offered now for a standing interruption, in the order to show them (shuffled, the same for
    // every run of the case); empty before they are offered (see Interruption::choicesAfterSeconds), in exam mode,
    // and while one of them would name a finding in a region the trainee has not yet opened.
    std::vector<const scenario::AnswerOption*> offeredChoices(const std::string& interruptionId) const;
    std::vector<Mark> marks() const;  // current marks (not removed)
    // The instructor has stopped the clock (PauseClock): update() and advanceTo() do not move time.
    bool paused() const;
    // A scripted interruption, or one the instructor said (Say).
    const scenario::Interruption* findInterruption(const std::string& id) const;
    // Scripted interruptions the instructor held back (they do not start until injected).
    std::vector<std::string> heldInterruptions() const;
    double sliceMm(const std::string& series) const;

    // ---- history (scoring, debrief) ----
    const std::vector<ViewChange>& viewChanges() const { return viewChanges_; }
    const std::vector<Mark>& allMarks() const { return marks_; }
    const std::vector<Call>& calls() const { return calls_; }
    const std::vector<InterruptionRecord>& interruptions() const { return interruptionRecords_; }
    std::optional<double> primarySurveyDeclaredAt() const { return primarySurveyAt_; }
    const std::string& conclusion() const { return conclusion_; }
    std::optional<double> conclusionAt() const { return conclusionAt_; }
    const std::map<std::string, double>& deteriorationsFired() const { return deteriorated_; }
    const std::map<std::string, double>& findingsFirstOnScreen() const { return findingOnScreen_; }
    const std::vector<ClockPause>& pauses() const { return pauses_; }
    const std::vector<InstructorNoteRecord>& instructorNotes() const { return notes_; }

    // The first call naming a finding to one of the roles who must hear it (any role when the finding names none).
    std::optional<double> calledInTimeTo(const std::string& findingId, std::string* role = nullptr) const;

private:
    struct Impl;
    struct Pending;
    void fireDue(double upTo);
    void logEvent(Json event);
    void logAction(const Command& command, const ApplyResult& result);
    ApplyResult applyAccepted(const Command& command);
    void onViewChanged();
    void endSession(const std::string& reason);

    const scenario::Scenario& scenario_;
    SessionClock& clock_;
    EventLog& log_;
    SessionOptions options_;
    double now_ = 0;
    ViewState view_;
    // Per plane (axial, coronal, sagittal), then the projection's.
    std::array<Framing, 4> framing_{};
    struct Preview {
        ViewState view;
        std::array<Framing, 4> framing;
    };
    std::optional<Preview> preview_;
    Plane bigPlane_ = Plane::Axial;
    std::vector<ViewChange> viewChanges_;
    std::vector<Mark> marks_;
    int nextMark_ = 1;
    std::vector<Call> calls_;
    std::vector<InterruptionRecord> interruptionRecords_;
    std::optional<double> primarySurveyAt_;
    std::string conclusion_;
    std::optional<double> conclusionAt_;
    std::optional<double> endedAt_;
    std::string endReason_;
    std::map<std::string, double> deteriorated_;
    std::map<std::string, double> findingOnScreen_;
    std::vector<ClockPause> pauses_;
    std::vector<InstructorNoteRecord> notes_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace polysim::session

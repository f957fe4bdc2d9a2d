// The reading room: the viewer, the HUD (session time, vitals monitor, series arrival, reading-order checklist,
// findings) and the team's interruptions as speech bubbles, all over one session::Session. The room never decides
// anything itself: every trainee action becomes a session command and lands in the event log.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SDL.h>

#include "gui/bindings.h"
#include "gui/bubble_layout.h"
#include "gui/script_player.h"
#include "gui/series_source.h"
#include "gui/text_fit.h"
#include "gui/viewer.h"
#include "gui/voice.h"
#include "phantom/phantom.h"
#include "scenario/scenario.h"
#include "scoring/score.h"
#include "session/lexicon.h"
#include "session/session.h"

namespace polysim::gui {

struct ReadingRoomOptions {
    std::filesystem::path log;  // event log file (required)
    bool examMode = false;      // hides the reading-order checklist and coverage
    bool sound = true;          // speak interruptions (espeak-ng through SDL audio)
    std::string trainee;
    bool resume = false;  // continue the session in `log` (a crashed or quit session) instead of a new one
};

class ReadingRoom {
public:
    // The window a scout opens in: the one the phantom's scout carries in its DICOM header.
    static constexpr imaging::Window kScoutWindow{2400, 600};

    // `images`: the case's images already being loaded or made (from the briefing), for this same scenario object;
    // without them the room starts loading them itself.
    ReadingRoom(const scenario::Scenario& scenario, const ReadingRoomOptions& options, Bindings& bindings,
                std::unique_ptr<SeriesSource> images = nullptr);
    ~ReadingRoom();  // waits for a coverage computation in flight

    void createGl() { viewer_.createGl(); }
    void destroyGl() { viewer_.destroyGl(); }

    void handleEvent(const SDL_Event& e);
    // Real time: the frame's seconds move the session clock (paused while images are still being prepared). Unless a
    // script drives the room, the scout shows the moment it arrives while nothing else is open (the trainee's first
    // look, logged as opening it), and a series the session opens by itself opens as one the trainee opened would
    // (see openSeries).
    void advanceBy(double seconds);
    // Scripted: plays the script (if any) and the scenario up to `seconds` of session time; the room adds nothing.
    void advanceTo(double seconds);
    // A resumed session's script carries on after the actions its log already holds, as `polysim play --resume`.
    void setScript(session::TraineeScript script) { script_.emplace(std::move(script), actionsReplayed_); }
    // After a scripted run: the rest of the script and the scenario to its end, as `polysim play` does.
    void finishScripted();

    // Loads what arrived, pushes the session's view into the viewer. Returns true when a CT image is on screen.
    bool prepareFrame();
    void draw();  // ImGui windows + the viewer on the background draw list

    session::Session& session() { return *session_; }
    session::SessionClock& clock() { return clock_; }
    Viewer& viewer() { return viewer_; }
    SeriesSource& images() { return *images_; }
    const session::EventLog& log() const { return *log_; }
    bool ended() const { return session_->ended(); }
    std::vector<std::string> scriptRefusals() const;
    void refreshCoverageNow() { refreshCoverage(true); }
    // The latest score of the log so far (coverage, findings seen), computed in the background; null before the
    // first one and in exam mode.
    const scoring::Score* coverage() const { return coverage_ ? &*coverage_ : nullptr; }
    // The top bar's "Scout (computed)" button: offered once the projection is ready (DICOM cases without a scout).
    bool computedScoutOffered() const;
    void showComputedScout(bool shown);
    bool markPickerOpen() const { return pickerOpen_; }
    // Where the speech bubbles go: in a lane of their own at the right, beside the images and covering none (the
    // viewer narrows for it), or over the column of reformats. By default the lane below kLaneBelowWidth pixels of
    // window width, where bubbles over the narrow reformats would cover them; B (view.bubble_lane) swaps.
    static constexpr float kLaneBelowWidth = 1500, kLaneWidth = 300, kLaneBigShare = 0.72f;
    bool bubbleLane() const;
    void setBubbleLane(bool lane) { bubbleLane_ = lane; }
    // The deterioration announcements on screen in the last frame.
    const std::vector<std::string>& alertsShown() const { return alertsShown_; }
    // Where a control was drawn in the last frame, window pixels: "series:<id>", "series:computed-scout",
    // "primary-survey", "end-session", "end-session:confirm", "end-session:keep-reading", "answer:<interruption>",
    // "alert:<finding>" (a deterioration's announcement), "bubble:<interruption>" (a whole bubble), "keys",
    // "call-text", "conclusion", "conclusion:state", "submit-conclusion".
    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const;
    // Its rectangle (min, max), e.g. "status": the last refusal or resume warning while it shows.
    std::optional<std::pair<ImVec2, ImVec2>> controlRect(const std::string& name) const;
    const std::string& status() const { return status_; }

private:
    // The viewer draws the session's view; the images of the session's series, the regions and marks go to it here.
    void followSession();
    ViewerLook lookOfSession() const;
    void showSessionSeries();
    // The trainee opens a series from the top bar: a scout in its own window, and back (see the definition).
    void openSeries(const scenario::SeriesSpec& spec);
    // A slice series just opened (after `before`): at a useful image when the cursor has nothing of it to show or
    // this is the first slice series of the session, in its kind's default window unless the trainee's window was
    // chosen on a series of the same kind (see the definition). Each change is a session command.
    void settleOpenedSeries(const scenario::SeriesSpec& spec, const session::ViewState& before, bool firstLook);
    // z (LPS mm) of the image a series opens at: from the top of the first region in the reading order that lies
    // mostly within the series, down to the first image that holds the body. None when no region does.
    std::optional<double> usefulFirstZ(const scenario::SeriesSpec& spec) const;
    // The z range a series covers (low, high), when the session or its images say.
    std::optional<std::pair<double, double>> seriesZRange(const std::string& series) const;
    bool sliceSeriesSeen() const;  // a slice series has been on screen in this session
    void onViewerChange(const ViewerChange& v, std::string_view command);
    // The session reads one plane at a time: a zoom, pan or scroll in another view makes that view the session's
    // (with its own framing), then the zoom and centre the trainee gave it are logged where they differ.
    void followPlane(Plane p, double zoom, const std::optional<glm::dvec2>& centreMm);
    void sendWindow(const imaging::Window& w);
    void sendPreset(std::string_view preset, const imaging::Window& w);
    // A drag ended: what the session showed of it and had not logged yet is logged.
    void finishGesture();
    bool apply(const session::Command& c);  // true when the session accepted it
    void speakNewInterruptions();           // and the announcements of deteriorations
    void refreshCoverage(bool force);
    void drawTopBar();
    void drawViewerPlaceholder();
    void drawVitals(ImVec2 pos, ImVec2 size);
    void drawPresets();
    void drawChecklist(float height);
    void drawFindings(float height);
    void drawBubbles();
    // A deterioration's announcement, in an alarm bubble for kAlertSeconds of session time after it. Returns its
    // height.
    float drawAlert(const std::string& finding, const std::string& announcement, ImVec2 at, float width);
    void drawMarkPicker();
    void drawBindings();
    bool captureChord(const SDL_Event& e);
    void drawConclusion();
    void drawConclusionBox();
    // The call pickers' role list (case roles, a separator, the others); returns the role chosen, or empty.
    std::string pickCallRole(const std::string& current);
    glm::dvec3 lpsOf(glm::dvec3 ijk) const;

    const scenario::Scenario& scenario_;
    ReadingRoomOptions options_;
    Bindings& bindings_;
    bool bindingsOpen_ = false;
    std::string capturing_;  // command waiting for its new chord
    std::string bindingsStatus_;
    session::SessionClock clock_;
    std::unique_ptr<session::EventLog> log_;
    std::unique_ptr<session::Session> session_;
    std::unique_ptr<SeriesSource> images_;  // made here, or handed over already loading (from the briefing)
    Viewer viewer_;
    std::unique_ptr<RoomAudio> audio_;
    std::optional<ScriptPlayer> script_;
    std::size_t actionsReplayed_ = 0;  // trainee actions a resumed log already held

    std::string shownSeries_;
    // A DICOM case without a scout: the projection computed from its body series, shown on request. The session
    // opens it as a series (kComputedScout) like any scout: it is logged and scored as what was on screen.
    scenario::SeriesSpec computedScout_;
    bool computedScoutShown() const;
    std::optional<bool> bubbleLane_;                             // the trainee's choice; none: by the window's width
    std::map<std::string, std::pair<ImVec2, ImVec2>> controls_;  // name -> drawn rectangle
    void noteControl(const std::string& name);
    double lastCrosshairSent_ = -1e9;
    void sendCrosshair(const glm::dvec3& lps);
    // Drags reach the session while they go on, at most every kDragLogSeconds of session time, and on release.
    static constexpr double kDragLogSeconds = 0.25;
    double lastWindowSent_ = -1e9, lastPanSent_ = -1e9;
    std::optional<std::pair<std::string, imaging::Window>> windowBeforeScout_;  // preset name, window
    std::string seriesBeforeScout_;  // the slice series on screen when the scout was opened
    bool scoutDecided_ = false;      // the scout was shown first, or something else was open when it arrived
    std::map<std::string, std::pair<int, bool>> spoken_;  // interruption id -> repeats, escalated already spoken
    std::map<std::string, double> announced_;             // deteriorations spoken (finding id -> when)
    static constexpr double kAlertSeconds = 30;
    std::vector<std::string> alertsShown_;  // announcements on screen in the last frame
    std::optional<scoring::Score> coverage_;
    std::future<scoring::Score> pendingCoverage_;
    std::size_t coverageEvents_ = 0;
    uint32_t coverageTicks_ = 0;
    std::map<std::string, std::string> typedAnswers_;
    // The bubbles' places, the words each showed while the pointer rested on them, and the answers just given.
    BubbleLayout bubbleLayout_;
    std::map<std::string, session::ActiveInterruption> bubbleWords_;
    struct Farewell {
        std::string text;  // "You: <the answer>"
        ImU32 colour;
        double until;  // session time
    };
    std::map<std::string, Farewell> farewells_;
    static constexpr double kFarewellSeconds = 1.5;
    // Answers an interruption; once it goes, its bubble shows `shown` for kFarewellSeconds.
    void answer(const scenario::Interruption& spec, const std::string& option, const std::string& typed,
                const std::string& shown);
    // Mark picker.
    bool pickerOpen_ = false;
    glm::dvec3 pickerLps_{0.0};
    std::string pickerSearch_;
    int pickerHighlight_ = 0;  // the match Enter takes
    std::string conclusion_;
    bool editingConclusion_ = false;      // the box is the text field; otherwise it shows the whole sentence wrapped
    bool focusConclusion_ = false;        // ... and takes the keyboard on the next frame (a click on the sentence),
    bool caretToEnd_ = false;             // ... its caret at the end of the sentence
    std::vector<std::string> callRoles_;  // callRoles(scenario_)
    std::size_t caseRoles_ = 0;           // how many of them the case itself names
    std::string callText_, callRole_ = "trauma_leader";
    // The last refusal or resume warning, shown for kStatusSeconds of session time from statusAt_, then fading.
    std::string status_;
    double statusAt_ = 0;
    static constexpr double kStatusSeconds = 10;
    void setStatus(std::string text);
    void drawStatus();
    std::vector<double> hrHistory_;
    // The left panel's layout, measured in the last frame: the actions at its foot, the checklist's full height,
    // how many marks and calls the findings list showed.
    float actionsHeight_ = 260, checklistHeight_ = 200;
    std::size_t listedItems_ = 0;
};

// The window preset a series of this kind opens in: "brain" for the head, "soft_tissue" for a body series.
std::string defaultPresetOf(const std::string& kind);

// What a region's percentage in the reading order counts: the windows its images must be seen in, and how much of
// it makes it read ("Counts the images of this region seen in the lung or soft tissue window; it is read at 80% of
// them."), and the planes, for a region read in more than one ("..., on axial or sagittal slices ...").
std::string coverageHint(const scenario::Region& region);

// Colour of a role in bubbles and the findings list (its title is scenario::roleTitle): every role the scenario
// reader knows has its own; another role gets a colour of its own from its name.
ImU32 roleColour(const std::string& role);
// The mark picker's rows: a lexicon diagnosis is offered when its label or one of its names has every word typed in
// the search, whole or begun ("sple" finds "Splenic laceration").
bool pickerOffers(const session::Diagnosis& diagnosis, const std::string& search);

// A deterioration's announcement as scenarios write it ("Anaesthetist: 'Sats seventy-four ...'"): who says it (a
// role, empty when the text names none the room knows) and the words, without the quotes.
struct Announcement {
    std::string role, words;
};
Announcement splitAnnouncement(const std::string& text);

// Who can be told of a finding, in the order the call pickers offer them: the case's roles first (the findings'
// `tell` lists, then the people who interrupt), then every other team role; phones and pagers are no one to call.
// `caseRoles`: how many of them the case names.
std::vector<std::string> callRoles(const scenario::Scenario& scenario, std::size_t* caseRoles = nullptr);

}  // namespace polysim::gui

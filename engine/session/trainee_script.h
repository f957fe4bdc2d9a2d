// The scripted trainee: a small text format of timed actions that instructors and tests write to replay an
// "expert run" or a "novice run" headless through the same session engine the app uses.
//
//   # comment                                   blank lines and '#' comments are ignored
//   MM:SS[.fff] ACTION ARGS                     times are session times, in order (H:MM:SS also works)
//   00:05 series arterial                       show a series (the first series to arrive opens by itself)
//   00:06 plane axial|coronal|sagittal
//   00:07 goto -120                             slice position along the plane's normal, LPS mm (axial: z)
//   00:08 scroll 0 -> -250 over 20s [step 2]    one slice at a time (default step: the series' slice spacing)
//   00:30 window lung | window 1500/-600        preset name or width/level in HU
//   00:31 zoom 2 | pan -40,20                   pan: in-plane centre, mm
//   01:10 mark 30,-20,-330 "tension pneumothorax" [as ptx]   position LPS mm and label; ids m1, m2... by default
//   01:11 unmark m1
//   01:12 call ptx trauma_leader                by mark id, or in words: call "tension pneumothorax" trauma_leader
//   01:40 answer neuro_q1 no_bleed              a quick-answer option id, or free text: answer neuro_q1 "no bleed"
//   05:00 primary-survey-complete
//   05:10 conclude "Right tension pneumothorax, decompress now."
//   05:20 end
// A taught session's script may also hold the instructor's commands (see session/command.h):
//   01:00 pause | 01:00 resume 45s              the clock stops: the lines between read the same session time
//   01:00 inject ortho_pelvis | hold zebra_challenge
//   01:05 say trauma_leader "Any free air?" [about bowel_perf] [keywords "free air, perforation"]
//   01:06 note "Good: lung window before the abdomen."
//   05:20 end instructor
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "session/command.h"

namespace polysim::session {

class Session;
class SessionClock;

// A mistake in a script; the message starts with file:line:column.
struct ScriptError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Scroll {
    double fromMm = 0, toMm = 0;
    double overSeconds = 0;
    double stepMm = 0;  // 0: the open series' slice spacing
};

struct ScriptAction {
    double t = 0;
    std::variant<Command, Scroll> what;
    int line = 0;
};

struct TraineeScript {
    std::filesystem::path file;
    std::vector<ScriptAction> actions;
};

TraineeScript parseTraineeScript(const std::string& text, const std::filesystem::path& file);
TraineeScript loadTraineeScript(const std::filesystem::path& file);  // throws ScriptError (unreadable file too)

// Steps a script through a session: applies every command due up to a session time, a scroll expanded into one
// SetPosition per slice at evenly spaced times. `polysim play` runs it to the end in one call, the app once a frame,
// so both log the same commands at the same times (the expansion lives only here).
class ScriptRunner {
public:
    // `alreadyApplied` skips that many commands (a resumed session whose log already holds them).
    explicit ScriptRunner(TraineeScript script, std::size_t alreadyApplied = 0)
        : script_(std::move(script)), skip_(alreadyApplied) {}
    // Applies every command due at or before `seconds`, moving the clock to each command's time. Stops early when
    // the session ends.
    void runUntil(Session& session, SessionClock& clock, double seconds);
    bool finished() const { return next_ >= script_.actions.size(); }
    int applied() const { return applied_; }  // commands applied (a scroll counts each slice)
    // "trainee.txt:12: answer refused: 'neuro_q1' has not happened yet"
    const std::vector<std::string>& refused() const { return refused_; }
    const TraineeScript& script() const { return script_; }

private:
    void applyAt(Session& session, SessionClock& clock, double t, const Command& command, int line);

    TraineeScript script_;
    std::size_t skip_ = 0;  // commands still to skip (resume)
    std::size_t next_ = 0;  // next action
    int scrollStep_ = -1;   // slice reached inside the scroll being played (-1: not started)
    int scrollSteps_ = 0;   // slices of that scroll after its first
    int applied_ = 0;
    std::vector<std::string> refused_;
};

struct ScriptRun {
    int actions = 0;                   // commands applied (a scroll counts each slice)
    std::vector<std::string> refused;  // as ScriptRunner::refused()
};
// Plays the script at its times, then lets the scenario run to its end (time up) unless the script ended it.
// `alreadyApplied` skips that many commands (a resumed session whose log already holds them).
ScriptRun runTraineeScript(Session& session, SessionClock& clock, const TraineeScript& script,
                           std::size_t alreadyApplied = 0);

}  // namespace polysim::session

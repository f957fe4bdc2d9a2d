// `polysim play SCENARIO --script TRAINEE --log FILE`: a scripted trainee runs the scenario headless through the
// same session engine as the app, writing the event log that `polysim score` reads.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "scenario/loader.h"
#include "session/resume.h"
#include "session/session.h"
#include "session/trainee_script.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kUsage =
    "polysim play SCENARIO.toml --script TRAINEE.txt --log FILE.jsonl [--trainee NAME] [--resume] [--exam] [--slice-mm "
    "MM]\n"
    "  --script   timed trainee actions (format: README, 'Trainee scripts'); an empty file is a trainee who does "
    "nothing\n"
    "  --log      the event log to write (JSON Lines); with --resume, a killed session's log to continue\n"
    "  --trainee  name stored in the log (default: $USER)\n"
    "  --slice-mm slice spacing the coverage counts in (default: the phantom's, or 1 mm for DICOM cases)\n"
    "  --exam     exam mode: no quick answers are offered, every answer is in the trainee's own words";

int play(const Args& args) {
    std::string scenarioPath, scriptPath, logPath, trainee, sliceText;
    bool resume = false, exam = false;
    ArgReader in("play");
    in.value("--script", scriptPath, "--script needs a file")
        .value("--log", logPath, "--log needs a file")
        .value("--trainee", trainee, "--trainee needs a name")
        .value("--slice-mm", sliceText, "--slice-mm needs a number")
        .flag("--resume", resume)
        .flag("--exam", exam)
        .positional(scenarioPath);
    if (auto status = in.read(args)) return *status;
    if (scenarioPath.empty()) return usageError("play", "which scenario? (a .toml file)");
    if (scriptPath.empty()) return usageError("play", "--script TRAINEE is required");
    if (logPath.empty()) return usageError("play", "--log FILE is required");
    session::SessionOptions options;
    options.exam = exam;
    if (!sliceText.empty()) {
        char* end = nullptr;
        double mm = std::strtod(sliceText.c_str(), &end);
        if (!end || *end || !(mm > 0))
            return usageError("play", "--slice-mm needs a number above 0, not '" + sliceText + "'");
        options.defaultSliceMm = mm;
    }

    auto loaded = scenario::loadScenario(scenarioPath);
    if (!loaded.diagnostics.empty()) std::cerr << scenario::formatDiagnostics(loaded.diagnostics);
    if (!loaded.scenario) {
        std::cerr << "polysim play: " << scenarioPath << ": the scenario has errors (above)\n";
        return 1;
    }
    const auto& sc = *loaded.scenario;
    session::TraineeScript script;
    try {
        script = session::loadTraineeScript(scriptPath);
    } catch (const session::ScriptError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }

    if (trainee.empty()) trainee = session::defaultTrainee();
    options.trainee = trainee;
    if (sc.images.phantom) options.fieldOfViewMm = sc.images.phantom->fieldOfViewMm;

    session::SessionClock clock;
    std::unique_ptr<session::EventLog> log;
    std::unique_ptr<session::Session> s;
    std::size_t skip = 0;
    try {
        if (resume && std::filesystem::exists(logPath)) {
            auto resumed = session::resumeSession(sc, clock, logPath);
            for (const auto& w : resumed.warnings) std::cerr << "warning: " << w << "\n";
            std::cerr << "resuming " << logPath << " at " << clock.now() << " s after " << resumed.actionsReplayed
                      << " logged actions\n";
            log = std::move(resumed.log);
            s = std::move(resumed.session);
            skip = resumed.actionsReplayed;
        } else {
            log = std::make_unique<session::EventLog>(logPath, false);
            s = std::make_unique<session::Session>(sc, clock, *log, options);
        }
        auto run = session::runTraineeScript(*s, clock, script, skip);
        for (const auto& r : run.refused) std::cerr << "warning: " << r << "\n";
        std::cout << "played " << run.actions << " actions of " << script.file.string() << " on " << sc.meta.id
                  << "; session ended at " << s->now() << " s (" << (s->ended() ? s->endReason() : "running")
                  << "); log: " << logPath << " (" << log->events().size() << " events)\n";
    } catch (const session::LogError& e) {
        std::cerr << "polysim play: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
}  // namespace

POLYSIM_REGISTER_COMMAND({"play", "run a scripted trainee through a scenario headless, writing the event log", kUsage,
                          play});

}  // namespace polysim::cli

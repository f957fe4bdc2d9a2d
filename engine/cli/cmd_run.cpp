// `polysim run [SCENARIO]`: the simulator window (the default command). Headless options render under Xvfb:
// --screenshot FILE --at SECONDS, --script TRAINEE, --bench-frames N.
#include <chrono>

#include "cli/args.h"
#include "cli/command.h"
#include "console/server.h"
#include "gui/app.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kName = "run";

int runSimulator(const Args& args) {
    gui::RunOptions o;
    o.started = std::chrono::steady_clock::now();
    std::string scenario, script, log, screenshot, serve;
    ArgReader in{std::string(kName)};
    in.value("--script", script, "--script needs a trainee script file")
        .value("--log", log, "--log needs a file")
        .value("--screenshot", screenshot, "--screenshot needs a file")
        .value("--serve", serve, "--serve needs [ADDR:]PORT (e.g. 8080, or 0.0.0.0:8080 for other machines)")
        .check("--at", "--at needs a session time in seconds (0 or more)",
               [&o](const std::string& v) {
                   double t = 0;
                   if (!ArgReader::parseNumber(v, t) || !(t >= 0)) return false;
                   o.at = t;
                   return true;
               })
        .check("--bench-frames", "--bench-frames needs a positive number of frames",
               [&o](const std::string& v) { return ArgReader::parseNumber(v, o.benchFrames) && o.benchFrames > 0; })
        .windowSize(o.width, o.height)
        .flag("--exam", o.examMode)
        .flag("--mute", o.sound, false)
        .flag("--resume", o.resume)
        .positional(scenario)
        .tooMany("only one scenario at a time ('ARG' is one too many)");
    if (auto status = in.read(args)) return *status;
    o.scenario = scenario, o.script = script, o.log = log, o.screenshot = screenshot, o.serve = serve;
    if (!serve.empty()) {
        std::string why;
        if (!console::parseConsoleAddress(serve, &why)) return usageError(kName, "--serve " + serve + ": " + why);
        if (scenario.empty()) return usageError(kName, "--serve needs the SCENARIO to teach");
        if (!screenshot.empty() || o.benchFrames > 0) return usageError(kName, "--serve is for an interactive session");
    }
    if (!o.screenshot.empty() && !o.at) return usageError(kName, "--screenshot needs --at SECONDS");
    if (o.at && o.screenshot.empty()) return usageError(kName, "--at is the session time of a --screenshot");
    if (o.resume && o.log.empty()) return usageError(kName, "--resume needs the --log FILE of the session to continue");
    return gui::runApp(o);
}
}  // namespace
POLYSIM_REGISTER_COMMAND(
    {"run", "open the simulator (the default when no command is given)",
     "polysim run [SCENARIO.toml] [--script TRAINEE] [--log FILE] [--screenshot FILE.png --at SECONDS] "
     "[--bench-frames N] [--resume] [--exam] [--mute] [--size WxH] [--serve [ADDR:]PORT]",
     runSimulator});
}  // namespace polysim::cli

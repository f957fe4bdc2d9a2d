// `polysim run [SCENARIO]`: the simulator window (the default command). Headless options render under Xvfb:
// --screenshot FILE --at SECONDS, --script TRAINEE, --bench-frames N.
#include <charconv>
#include <chrono>
#include <iostream>

#include "cli/command.h"
#include "gui/app.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kName = "run";

int runSimulator(const Args& args) {
    gui::RunOptions o;
    o.started = std::chrono::steady_clock::now();
    auto value = [&](std::size_t& i) -> const std::string* {
        if (i + 1 >= args.size()) return nullptr;
        return &args[++i];
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const std::string* v = nullptr;
        if (a == "--script" || a == "--log" || a == "--screenshot" || a == "--at" || a == "--bench-frames" ||
            a == "--size") {
            v = value(i);
            if (!v) return usageError(kName, a + " needs a value");
        }
        if (a == "--script") o.script = *v;
        else if (a == "--log") o.log = *v;
        else if (a == "--screenshot") o.screenshot = *v;
        else if (a == "--at") {
            double t = 0;
            auto r = std::from_chars(v->data(), v->data() + v->size(), t);
            if (r.ec != std::errc{} || r.ptr != v->data() + v->size() || t < 0)
                return usageError(kName, "--at needs a session time in seconds, not '" + *v + "'");
            o.at = t;
        } else if (a == "--bench-frames") {
            int n = 0;
            auto r = std::from_chars(v->data(), v->data() + v->size(), n);
            if (r.ec != std::errc{} || r.ptr != v->data() + v->size() || n <= 0)
                return usageError(kName, "--bench-frames needs a positive number of frames, not '" + *v + "'");
            o.benchFrames = n;
        } else if (a == "--size") {
            if (std::sscanf(v->c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240)
                return usageError(kName, "--size needs WIDTHxHEIGHT, e.g. 1600x900");
        } else if (a == "--exam") o.examMode = true;
        else if (a == "--mute") o.sound = false;
        else if (a == "--resume") o.resume = true;
        else if (a.starts_with("--")) return usageError(kName, "unknown option '" + a + "'");
        else if (o.scenario.empty()) o.scenario = a;
        else return usageError(kName, "only one scenario at a time ('" + a + "' is one too many)");
    }
    if (!o.screenshot.empty() && !o.at) return usageError(kName, "--screenshot needs --at SECONDS");
    if (o.at && o.screenshot.empty()) return usageError(kName, "--at is the session time of a --screenshot");
    if (o.resume && o.log.empty()) return usageError(kName, "--resume needs the --log FILE of the session to continue");
    return gui::runApp(o);
}
}  // namespace
POLYSIM_REGISTER_COMMAND({"run", "open the simulator (the default when no command is given)",
                          "polysim run [SCENARIO.toml] [--script TRAINEE] [--log FILE] [--screenshot FILE.png --at SECONDS] "
                          "[--bench-frames N] [--resume] [--exam] [--mute] [--size WxH]",
                          runSimulator});
}  // namespace polysim::cli

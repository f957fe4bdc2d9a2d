// `polysim author SCENARIO.toml [--out FILE.toml]`: the instructors' authoring screen on a case's images.
// --screenshot FILE.png renders it once the images are loaded and exits (for tests and the README).
#include <cstdio>

#include "cli/command.h"
#include "gui/authoring.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kName = "author";

int runAuthor(const Args& args) {
    gui::AuthoringOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--out" || a == "--screenshot" || a == "--size") {
            if (i + 1 >= args.size()) return usageError(kName, a + " needs a value");
            const std::string& v = args[++i];
            if (a == "--out") o.out = v;
            else if (a == "--screenshot") o.screenshot = v;
            else if (std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240)
                return usageError(kName, "--size needs WIDTHxHEIGHT, e.g. 1600x900");
        } else if (a.starts_with("--")) return usageError(kName, "unknown option '" + a + "'");
        else if (o.scenario.empty()) o.scenario = a;
        else return usageError(kName, "only one scenario at a time ('" + a + "' is one too many)");
    }
    if (o.scenario.empty()) return usageError(kName, "which scenario? (polysim author SCENARIO.toml)");
    return gui::runAuthoring(o);
}
}  // namespace
POLYSIM_REGISTER_COMMAND({"author", "edit a scenario: place findings on its images, edit texts, save TOML",
                          "polysim author SCENARIO.toml [--out FILE.toml] [--screenshot FILE.png] [--size WxH]",
                          runAuthor});
}  // namespace polysim::cli

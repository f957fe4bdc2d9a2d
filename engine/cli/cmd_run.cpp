// `polysim run [SCENARIO]`: the simulator window. Until the reading room lands, says what it will open.
#include <iostream>

#include "cli/command.h"

namespace polysim::cli {
namespace {
int runSimulator(const Args& args) {
    std::cout << "polysim " << (args.empty() ? "(built-in scenario)" : args[0])
              << ": the reading room is not built yet. It will open the scenario library, the briefing, the CT\n"
                 "reading room with surgeons interrupting, and the debrief. Meanwhile: 'polysim help'.\n";
    return 0;
}
}  // namespace
POLYSIM_REGISTER_COMMAND({"run", "open the simulator (the default when no command is given)",
                          "polysim run [SCENARIO.toml] [--script TRAINEE] [--log FILE] [--screenshot FILE.png --at SECONDS] "
                          "[--bench-frames N]",
                          runSimulator});
}  // namespace polysim::cli

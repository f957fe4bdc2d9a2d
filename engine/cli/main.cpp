// Entry point: dispatches to a registered subcommand; with none, opens the simulator (`run`).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/command.h"

namespace polysim::cli {
namespace {
std::vector<Command>& registry() {
    static std::vector<Command> all;
    return all;
}

int printHelp() {
    std::cout << "polysim: polytrauma CT reading-protocol simulator\n\n"
                 "usage: polysim [COMMAND] [ARGS...]\n"
                 "       polysim            open the simulator on the scenario library\n\n"
                 "commands:\n";
    auto sorted = registry();
    std::sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const auto& c : sorted) {
        std::printf("  %-10.*s %.*s\n", int(c.name.size()), c.name.data(), int(c.summary.size()), c.summary.data());
    }
    std::cout << "\n'polysim help COMMAND' or 'polysim COMMAND --help' shows a command's options.\n";
    return 0;
}
}  // namespace

bool registerCommand(const Command& command) {
    registry().push_back(command);
    return true;
}

const std::vector<Command>& commands() {
    return registry();
}

const Command* findCommand(std::string_view name) {
    for (const auto& c : registry())
        if (c.name == name) return &c;
    return nullptr;
}

int usageError(std::string_view command, std::string_view message) {
    std::cerr << "polysim " << command << ": " << message << "\n";
    if (const auto* c = findCommand(command)) std::cerr << "usage: " << c->usage << "\n";
    return 2;
}

}  // namespace polysim::cli

int main(int argc, char** argv) {
    using namespace polysim::cli;
    std::string name = argc > 1 ? argv[1] : "run";
    Args args(argv + std::min(argc, 2), argv + argc);
    // Options with no command are the simulator's: `polysim --exam` is `polysim run --exam`.
    if (name.size() > 1 && name[0] == '-' && name != "--help" && name != "-h" && name != "--version") {
        args.insert(args.begin(), name);
        name = "run";
    }
    if (name == "help" || name == "--help" || name == "-h") {
        if (!args.empty())
            if (const auto* c = findCommand(args[0])) {
                std::cout << "usage: " << c->usage << "\n";
                return 0;
            }
        return printHelp();
    }
    if (name == "--version") {
        std::cout << "polysim 0.1.0\n";
        return 0;
    }
    const Command* command = findCommand(name);
    if (!command) {
        // `polysim SCENARIO.toml` is shorthand for `polysim run SCENARIO.toml`.
        if (name.size() > 5 && name.ends_with(".toml") && (command = findCommand("run"))) {
            args.insert(args.begin(), name);
        } else {
            std::cerr << "polysim: unknown command '" << name << "'. Run 'polysim help' for the list.\n";
            return 2;
        }
    }
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::cout << "usage: " << command->usage << "\n";
        return 0;
    }
    try {
        return command->run(args);
    } catch (const std::exception& e) {
        std::cerr << "polysim " << command->name << ": error: " << e.what() << "\n";
        return 1;
    }
}

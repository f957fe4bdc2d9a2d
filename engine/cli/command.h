// Subcommand registry of the `polysim` executable: each cmd_*.cpp registers one command at static-init time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace polysim::cli {

using Args = std::vector<std::string>;  // arguments after the subcommand name

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for `polysim help`
    std::string_view usage;    // full usage text for `polysim help NAME` / `--help`
    int (*run)(const Args& args);
};

// Registers a command; returns true so it can initialise a static.
bool registerCommand(const Command& command);
const std::vector<Command>& commands();
const Command* findCommand(std::string_view name);

// Prints "polysim NAME: message" to stderr plus a usage hint, returns exit status 2.
int usageError(std::string_view command, std::string_view message);

}  // namespace polysim::cli

#define POLYSIM_CONCAT_INNER(a, b) a##b
#define POLYSIM_CONCAT(a, b) POLYSIM_CONCAT_INNER(a, b)
#define POLYSIM_REGISTER_COMMAND(...) \
    static const bool POLYSIM_CONCAT(polysim_registered_, __LINE__) = ::polysim::cli::registerCommand(__VA_ARGS__)

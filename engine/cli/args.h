// The argument reader every `polysim` command uses: options with a value (`--log FILE`), flags (`--resume`) and
// positional arguments in any order, with a usage error (exit 2, the command's usage) for whatever does not fit.
//
//   ArgReader in("play");
//   in.value("--log", logPath, "--log needs a file").flag("--resume", resume).positional(scenarioPath);
//   if (auto status = in.read(args)) return *status;
#pragma once

#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cli/command.h"

namespace polysim::cli {

class ArgReader {
public:
    explicit ArgReader(std::string command) : command_(std::move(command)) {}

    // `NAME VALUE`; `missing` is the usage error when no value follows.
    ArgReader& value(std::string name, std::string& out, std::string missing);
    // The same, for an option whose absence differs from an empty value.
    ArgReader& value(std::string name, std::optional<std::string>& out, std::string missing);
    // `NAME NUMBER` (whole numbers for integer types); `bad` is the usage error when no number follows.
    template <typename T>
    ArgReader& number(std::string name, T& out, std::string bad) {
        return check(std::move(name), std::move(bad), [&out](const std::string& v) { return parseNumber(v, out); });
    }
    template <typename T>
    ArgReader& number(std::string name, std::optional<T>& out, std::string bad) {
        return check(std::move(name), std::move(bad), [&out](const std::string& v) {
            T parsed{};
            if (!parseNumber(v, parsed)) return false;
            out = parsed;
            return true;
        });
    }
    // The options of a built-in phantom, `--seed N --matrix N --slice-mm MM --injuries ID,ID,...`: the three numbers
    // read as text (for the command to check) or as numbers, the injuries as text.
    template <typename T>
    ArgReader& phantomOptions(T& seed, T& matrix, T& sliceMm, std::string& injuries) {
        for (auto [name, out] : {std::pair{"--seed", &seed}, {"--matrix", &matrix}, {"--slice-mm", &sliceMm}}) {
            std::string bad = std::string(name) + " needs a number";
            if constexpr (std::is_same_v<T, std::string>)
                value(name, *out, std::move(bad));
            else
                number(name, *out, std::move(bad));
        }
        return value("--injuries", injuries, "--injuries needs ID,ID,...");
    }
    // `NAME VALUE` where `accept` takes the value or refuses it (returns false); `bad` is the usage error for a
    // refused or missing value.
    ArgReader& check(std::string name, std::string bad, std::function<bool(const std::string&)> accept);
    // `--size WIDTHxHEIGHT`: a window's size in pixels, at least 320x240.
    ArgReader& windowSize(int& width, int& height);
    // `NAME` alone sets `out` to `set`.
    ArgReader& flag(std::string name, bool& out, bool set = true);
    // The next positional argument goes to `out` (declare them in order).
    ArgReader& positional(std::string& out);
    // Every positional argument left over goes to `out`.
    ArgReader& positionals(std::vector<std::string>& out);
    // The usage error for a positional argument with nowhere to go (default: "unexpected argument 'ARG'").
    ArgReader& tooMany(std::string message);

    // Reads `args` in order and stops at the first problem: returns usageError's exit status then (2, with the
    // command's usage on stderr), nothing when every argument found its place. A lone "-" is positional (stdin or
    // stdout by convention); anything else starting with '-' is an option.
    std::optional<int> read(const Args& args) const;

    // The whole of `text` as a number (from_chars: no spaces, no leading '+').
    template <typename T>
    static bool parseNumber(const std::string& text, T& out) {
        T parsed{};
        auto r = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return false;
        out = parsed;
        return true;
    }

private:
    struct Option {
        std::string name;
        std::string error;  // when the value is missing or does not parse
        bool takesValue = false;
        std::function<bool(const std::string&)> accept;
    };
    ArgReader& add(std::string name, std::string error, bool takesValue,
                   std::function<bool(const std::string&)> accept);

    std::string command_;
    std::vector<Option> options_;
    std::vector<std::string*> slots_;
    std::vector<std::string>* rest_ = nullptr;
    std::string tooMany_ = "unexpected argument 'ARG'";
};

}  // namespace polysim::cli

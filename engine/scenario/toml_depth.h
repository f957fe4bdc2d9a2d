// A bound on how deeply a TOML text nests, checked before toml++ parses it: toml++ limits arrays and inline tables
// to 256 levels but follows dotted keys and table headers (`a.b.c...`) by recursion without a limit, so a file with
// a key tens of thousands of segments long overflows the stack. Every TOML reader of the program checks this first.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace polysim::scenario {

struct TomlNestingProblem {
    int line = 0;    // 1-based, where the nesting first went past the limit
    int column = 0;  // 1-based
    std::string message;
};

// Far deeper than any scenario or settings file needs (they nest 3 or 4 levels), far shallower than the stack allows.
inline constexpr int kMaxTomlNesting = 64;

// Counts, outside strings and comments, open arrays and inline tables plus the segments of the key being read.
// Returns the place where that count first exceeds `limit`, or nothing when the text stays within it.
std::optional<TomlNestingProblem> findTomlNestingProblem(std::string_view text, int limit = kMaxTomlNesting);

}  // namespace polysim::scenario

// A single linear pass over a TOML text that bounds its nesting before the recursive parser sees it.
#include "scenario/toml_depth.h"

#include <vector>

namespace polysim::scenario {

std::optional<TomlNestingProblem> findTomlNestingProblem(std::string_view text, int limit) {
    int line = 1;
    int column = 0;
    int brackets = 0;  // open [ and { (arrays, inline tables, table headers)
    int dots = 0;      // segments after the first of the dotted key (or number) being read
    auto tooDeep = [&](const char* what) {
        return TomlNestingProblem{line, column,
                                  std::string("TOML nests too deeply (") + what + " more than " +
                                      std::to_string(limit) + " levels); a scenario or settings file needs a few"};
    };
    std::size_t i = 0;
    const std::size_t n = text.size();
    auto advance = [&](std::size_t count) {
        for (std::size_t k = 0; k < count && i < n; ++k, ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 0;
            } else {
                ++column;
            }
        }
    };
    while (i < n) {
        const char c = text[i];
        if (c == '#') {  // comment to the end of the line
            while (i < n && text[i] != '\n') advance(1);
            continue;
        }
        if (c == '"' || c == '\'') {
            const bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
            advance(multi ? 3 : 1);
            while (i < n) {
                if (c == '"' && text[i] == '\\') {
                    advance(2);
                    continue;
                }
                if (multi ? text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''") : text[i] == c) {
                    advance(multi ? 3 : 1);
                    break;
                }
                if (!multi && text[i] == '\n') break;  // an unterminated string: the parser will say so
                advance(1);
            }
            continue;
        }
        advance(1);
        switch (c) {
            case '[':
            case '{':
                ++brackets;
                dots = 0;
                if (brackets > limit) return tooDeep("arrays and tables");
                break;
            case ']':
            case '}':
                if (brackets > 0) --brackets;
                dots = 0;
                break;
            case '.':
                ++dots;
                if (brackets + dots > limit) return tooDeep("a dotted key or table name");
                break;
            case '=':
            case ',':
            case '\n':
                dots = 0;
                break;
            default:
                break;
        }
    }
    return std::nullopt;
}

}  // namespace polysim::scenario

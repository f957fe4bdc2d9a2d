// Window parsing for the command line and scenario files.
#include "imaging/window.h"

#include <charconv>

namespace polysim::imaging {

std::optional<Window> parseWindow(std::string_view text) {
    if (const auto* p = findWindowPreset(text)) return p->window;
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    double w = 0, l = 0;
    auto a = text.substr(0, slash), b = text.substr(slash + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), w);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), l);
    if (r1.ec != std::errc{} || r1.ptr != a.data() + a.size() || r2.ec != std::errc{} ||
        r2.ptr != b.data() + b.size() || w <= 0)
        return std::nullopt;
    return Window{w, l};
}

}  // namespace polysim::imaging

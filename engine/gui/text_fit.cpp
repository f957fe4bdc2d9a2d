// Text laid out by pixel width in the current ImGui font (see text_fit.h).
#include "gui/text_fit.h"

#include <imgui.h>

namespace polysim::gui {

std::string fitText(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    const char* ellipsis = "\u2026";
    std::string cut = text;
    while (!cut.empty() && ImGui::CalcTextSize((cut + ellipsis).c_str()).x > width) {
        // One character off the end: a UTF-8 sequence's continuation bytes, then its first byte.
        while (!cut.empty()) {
            const auto c = static_cast<unsigned char>(cut.back());
            cut.pop_back();
            if ((c & 0xC0) != 0x80) break;
        }
    }
    while (!cut.empty() && cut.back() == ' ') cut.pop_back();
    return cut + ellipsis;
}

std::string wrapToWidth(const std::string& text, float width) {
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    std::string out;
    const char *s = text.c_str(), *end = s + text.size();
    while (s < end) {
        const char* wrap = font->CalcWordWrapPositionA(scale, s, end, width);
        if (wrap <= s) wrap = s + 1;  // always on, even past a word wider than the line
        const char* lineEnd = wrap;
        while (lineEnd > s && lineEnd[-1] == ' ') --lineEnd;
        out.append(s, lineEnd);
        s = wrap;
        while (s < end && *s == ' ') ++s;  // the spaces at a break go
        if (s < end && out.back() != '\n') out += '\n';
    }
    return out;
}

}  // namespace polysim::gui

// Text laid out by pixel width in the current ImGui font (see text_fit.h).
#include "gui/text_fit.h"

#include <vector>

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

namespace {
float widthOf(const std::string& s) {
    return ImGui::CalcTextSize(s.c_str(), s.c_str() + s.size()).x;
}

// A word wider than a line, in pieces that fit: cut after a path's '/' (or '\\', '-', '_') where one fits, else
// after as many whole UTF-8 characters as fit.
std::vector<std::string> splitLongWord(const std::string& word, float width) {
    std::vector<std::string> pieces;
    std::size_t from = 0;
    while (from < word.size()) {
        std::size_t fits = from, lastBreak = std::string::npos;
        while (fits < word.size()) {
            std::size_t next = fits + 1;
            while (next < word.size() && (static_cast<unsigned char>(word[next]) & 0xC0) == 0x80) ++next;
            if (widthOf(word.substr(from, next - from)) > width && fits > from) break;
            const char c = word[fits];
            fits = next;
            if (c == '/' || c == '\\' || c == '-' || c == '_') lastBreak = fits;
        }
        std::size_t cut = fits == word.size() || lastBreak == std::string::npos || lastBreak <= from ? fits : lastBreak;
        pieces.push_back(word.substr(from, cut - from));
        from = cut;
    }
    return pieces;
}
}  // namespace

std::string wrapToWidth(const std::string& text, float width) {
    // Lines break between words only (a closing quote or full stop stays on its word's line); a word wider than a
    // line, such as a long path, breaks after a '/' where it can.
    std::string out;
    std::size_t paragraphStart = 0;
    while (paragraphStart <= text.size()) {
        std::size_t paragraphEnd = text.find('\n', paragraphStart);
        if (paragraphEnd == std::string::npos) paragraphEnd = text.size();
        std::string line;
        std::size_t i = paragraphStart;
        while (i < paragraphEnd) {
            while (i < paragraphEnd && text[i] == ' ') ++i;
            if (i >= paragraphEnd) break;
            std::size_t j = text.find(' ', i);
            if (j == std::string::npos || j > paragraphEnd) j = paragraphEnd;
            std::string word = text.substr(i, j - i);
            i = j;
            if (!line.empty() && widthOf(line + " " + word) <= width) {
                line += " " + word;
                continue;
            }
            if (!line.empty()) out += line + "\n", line.clear();
            if (widthOf(word) <= width) {
                line = word;
                continue;
            }
            auto pieces = splitLongWord(word, width);
            for (std::size_t k = 0; k + 1 < pieces.size(); ++k) out += pieces[k] + "\n";
            line = pieces.back();
        }
        out += line;
        if (paragraphEnd >= text.size()) break;
        out += '\n';
        paragraphStart = paragraphEnd + 1;
    }
    return out;
}

void wrappedText(const std::string& text) {
    ImGui::TextUnformatted(wrapToWidth(text, ImGui::GetContentRegionAvail().x).c_str());
}

}  // namespace polysim::gui

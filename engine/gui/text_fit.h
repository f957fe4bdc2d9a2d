// Text laid out by pixel width in the current ImGui font, for labels ImGui does not wrap or cut itself (buttons,
// draw-list text). Call between ImGui::NewFrame and ImGui::Render.
#pragma once

#include <string>

namespace polysim::gui {

// `text` with a line break wherever the font needs one to keep lines within `width` pixels: between words (never
// before a closing quote or full stop); inside a word only when it is wider than a line, after a path's '/' where
// one fits. Line breaks in `text` are kept.
std::string wrapToWidth(const std::string& text, float width);
// `text` drawn wrapped so (wrapToWidth) at the width left in the current window.
void wrappedText(const std::string& text);
// `text` as it fits in `width` pixels: whole, or cut with an ellipsis.
std::string fitText(const std::string& text, float width);

}  // namespace polysim::gui

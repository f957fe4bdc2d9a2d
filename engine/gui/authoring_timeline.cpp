// The interruption timeline (see authoring_timeline.h).
#include "gui/authoring_timeline.h"

namespace polysim::gui {

void drawInterruptionTimeline(AuthoringContext&, ImVec2, ImVec2) {}
void drawInterruptionEditor(AuthoringContext&) {}

}  // namespace polysim::gui

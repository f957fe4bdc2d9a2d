// The interruption timeline of the authoring screen: the session's time along a strip with the series arrivals,
// finding deadlines, vitals changes and the interruptions, which are added, dragged in time and edited.
#pragma once

#include <imgui.h>

#include "gui/authoring_context.h"

namespace polysim::gui {

// The strip itself, drawn as a window at `pos` with `size` (display pixels).
void drawInterruptionTimeline(AuthoringContext& ctx, ImVec2 pos, ImVec2 size);
// The selected interruption's fields, shown in the authoring panel.
void drawInterruptionEditor(AuthoringContext& ctx);

}  // namespace polysim::gui

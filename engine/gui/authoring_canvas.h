// Authoring on the images: findings' extent boxes drawn and dragged in the three views, region limits dragged on
// the coronal view.
#pragma once

#include <SDL.h>
#include <imgui.h>

#include "gui/authoring_context.h"

namespace polysim::gui {

class AuthoringCanvas {
public:
    // Returns true when the canvas used the event (the viewer then does not see it).
    bool handleEvent(const SDL_Event& e, AuthoringContext& ctx, bool imguiWantsMouse);
    // Overlays on top of the viewer's images.
    void draw(ImDrawList* list, AuthoringContext& ctx);
    // The canvas tools, shown in the authoring panel.
    void drawTools(AuthoringContext& ctx);
};

}  // namespace polysim::gui

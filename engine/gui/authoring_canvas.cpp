// Authoring on the images (see authoring_canvas.h).
#include "gui/authoring_canvas.h"

namespace polysim::gui {

bool AuthoringCanvas::handleEvent(const SDL_Event&, AuthoringContext&, bool) { return false; }
void AuthoringCanvas::draw(ImDrawList*, AuthoringContext&) {}
void AuthoringCanvas::drawTools(AuthoringContext&) {}

}  // namespace polysim::gui

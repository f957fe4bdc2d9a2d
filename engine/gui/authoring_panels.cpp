// Authoring panels (see authoring_panels.h).
#include "gui/authoring_panels.h"

namespace polysim::gui {

void drawFindingDetails(AuthoringContext&, scenario::Finding&) {}
void drawRegionsAndOrder(AuthoringContext&) {}
void drawPatientAndVitals(AuthoringContext&) {}
void drawConclusion(AuthoringContext&) {}

}  // namespace polysim::gui

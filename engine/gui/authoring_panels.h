// Authoring panels for everything of a case that is not placed on the images: a finding's synonyms, roles to tell,
// windows and teaching point; regions and the reading order; the patient, vitals and deteriorations; the
// conclusion's key points.
#pragma once

#include "gui/authoring_context.h"

namespace polysim::gui {

void drawFindingDetails(AuthoringContext& ctx, scenario::Finding& finding);
void drawRegionsAndOrder(AuthoringContext& ctx);
void drawPatientAndVitals(AuthoringContext& ctx);
void drawConclusion(AuthoringContext& ctx);

}  // namespace polysim::gui

// The debrief: one self-contained HTML file (inline SVG and base64 PNG, no scripts, no network) structured like a
// simulation debrief (PEARLS: summary, what happened, analysis, take-home points).
#pragma once

#include <map>
#include <string>

#include "scenario/scenario.h"
#include "scoring/score.h"

namespace polysim::scoring {

// PNG bytes of one key image per finding id (see key_images.h); findings without one show a note instead.
using KeyImages = std::map<std::string, std::string>;

std::string debriefHtml(const scenario::Scenario& scenario, const Score& score, const KeyImages& images,
                        const std::string& imagesNote = "");

// The depth-versus-time plot alone (an <svg> element): axial slice position over time coloured by window,
// regions as bands, interruptions as shaded spans, findings and the trainee's marks and calls marked.
std::string depthTimeSvg(const scenario::Scenario& scenario, const Score& score);

// Text helpers shared with the cohort report.
std::string htmlEscape(const std::string& text);
std::string base64(const std::string& bytes);

}  // namespace polysim::scoring

// What the parts of the authoring screen share: the model being edited, the viewer showing the case's images and
// what the author has selected. Every edit goes through the model and ends with model.touch(), which reruns
// validation and marks the case as having unsaved changes.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>
#include <glm/glm.hpp>

#include "gui/authoring.h"
#include "gui/viewer.h"

namespace polysim::gui {

struct AuthoringSelection {
    int finding = -1;       // index into scenario().findings
    int interruption = -1;  // index into scenario().interruptions
    int region = -1;        // index into scenario().regions
};

// An interruption's block as the strip last drew it: the rectangle (display pixels) that selects it.
struct DrawnBlock {
    std::size_t interruption = 0;
    ImVec2 min, max;
};

// What the authoring screen's widgets remember from one frame to the next. The screen owns it (a test its own), so
// two screens never share a field being typed in or the strip's zoom.
struct AuthoringWidgetState {
    // The id field being typed in (one at a time): its text, the id it had when the typing began, the last refusal.
    struct IdTyping {
        ImGuiID typing = 0, refused = 0;
        int frame = 0;  // when the field typed in was last drawn
        std::string text, from, why;
    } idField;
    // Comma-separated lists being typed in, kept as typed (a trailing ", " included) until the field is left.
    std::map<ImGuiID, std::string> commaLists;
    // While the session length is typed: the length and the findings' deadlines as they were when typing began.
    std::optional<std::pair<double, std::vector<double>>> sessionLengthTyping;

    // The interruption strip: the visible time range (wheel zooms, right-drag pans) and the drag.
    struct Strip {
        double from = 0, to = 0;  // to <= from: the whole session
        double grabbedSeconds = 0;
        float wantedHeight = 0;  // what shows every row, from the last frame
        int firstRow = 0;        // of the interruptions, when they have more rows than fit
        std::vector<DrawnBlock> blocks;
    } strip;
    // The Interruptions tab's "Add interruption at" time (s).
    double addInterruptionAt = 60;
};

struct AuthoringContext {
    AuthoringModel& model;
    Viewer& viewer;
    AuthoringSelection& selection;
    AuthoringWidgetState& widgets;
    glm::dvec3 crosshairLps{0.0};        // the viewer's crosshair in patient mm (zero before the images load)
    const Bindings* bindings = nullptr;  // the user's key bindings (the defaults when none are given)
};

}  // namespace polysim::gui

// What the parts of the authoring screen share: the model being edited, the viewer showing the case's images and
// what the author has selected. Every edit goes through the model and ends with model.touch(), which reruns
// validation and marks the case as having unsaved changes.
#pragma once

#include <glm/glm.hpp>

#include "gui/authoring.h"
#include "gui/viewer.h"

namespace polysim::gui {

struct AuthoringSelection {
    int finding = -1;       // index into scenario().findings
    int interruption = -1;  // index into scenario().interruptions
    int region = -1;        // index into scenario().regions
};

struct AuthoringContext {
    AuthoringModel& model;
    Viewer& viewer;
    AuthoringSelection& selection;
    glm::dvec3 crosshairLps{0.0};  // the viewer's crosshair in patient mm (zero before the images load)
    const Bindings* bindings = nullptr;  // the user's key bindings (the defaults when none are given)
};

}  // namespace polysim::gui

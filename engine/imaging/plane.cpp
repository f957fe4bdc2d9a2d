// Plane names (see plane.h).
#include "imaging/plane.h"

namespace polysim::imaging {

std::string_view planeName(Plane p) {
    switch (p) {
        case Plane::Axial:
            return "axial";
        case Plane::Coronal:
            return "coronal";
        case Plane::Sagittal:
            return "sagittal";
    }
    return "?";
}

std::optional<Plane> parsePlane(std::string_view name) {
    for (auto p : {Plane::Axial, Plane::Coronal, Plane::Sagittal})
        if (planeName(p) == name) return p;
    return std::nullopt;
}

}  // namespace polysim::imaging

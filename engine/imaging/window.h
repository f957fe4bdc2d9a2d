// Window/level presets (clinical reference, section 4). Presets are data: the viewer binds them to keys,
// scenarios name them for regions, scoring asks whether a window is suitable for a region.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace polysim::imaging {

struct Window {
    double width = 400.0;  // HU
    double level = 40.0;   // HU (centre)
    double lower() const { return level - width / 2.0; }
    double upper() const { return level + width / 2.0; }
    bool operator==(const Window&) const = default;
};

struct WindowPreset {
    std::string_view name;   // the name scenarios and the event log use
    std::string_view label;  // what the viewer shows
    Window window;
};

// Order is the default number-key binding (1..8).
inline constexpr std::array<WindowPreset, 8> kWindowPresets{{
    {"brain", "Brain", {80, 40}},
    {"subdural", "Subdural", {200, 75}},
    {"stroke", "Stroke / posterior fossa", {40, 40}},
    {"soft_tissue", "Soft tissue", {400, 40}},
    {"liver", "Liver", {150, 90}},
    {"mediastinum", "Mediastinum", {350, 50}},
    {"lung", "Lung", {1500, -600}},
    {"bone", "Bone", {2500, 480}},
}};

inline const WindowPreset* findWindowPreset(std::string_view name) {
    for (const auto& p : kWindowPresets)
        if (p.name == name) return &p;
    return nullptr;
}

// The preset a window matches (exactly, as set by a preset key), if any.
inline const WindowPreset* presetOf(const Window& w) {
    for (const auto& p : kWindowPresets)
        if (p.window == w) return &p;
    return nullptr;
}

// Parses "lung" or "1500/-600" (width/level). Empty when neither.
std::optional<Window> parseWindow(std::string_view text);

}  // namespace polysim::imaging

// Where the team's speech bubbles go, so that a click lands on what the trainee aimed at. However a bubble's content
// is produced, the layout keeps three promises:
// - while the pointer rests on the bubbles, each keeps its place (and the room keeps its words: a repeated question
//   reflows only once the pointer is away), so an answer button never moves under a hand about to click;
// - a bubble never appears, or slides, under the pointer within kSettleSeconds of a click;
// - a bubble that goes keeps its place while its farewell (the answer given) shows.
// Times are session seconds; positions window pixels.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <imgui.h>

namespace polysim::gui {

class BubbleLayout {
public:
    static constexpr double kSettleSeconds = 0.3;

    // A frame begins: where the pointer is, and the session time.
    void beginFrame(ImVec2 pointer, double now);
    // A mouse button went down (anywhere) at session time `now`.
    void clicked(double now) { lastClick_ = now; }
    // Whether the pointer rests on a bubble the last frame drew: the bubbles hold their places and words.
    bool holding() const { return holding_; }
    // The top of bubble `id`, `width` wide at `x`, which the stack would put at `flowY`; nullopt holds it back for
    // this frame (new, it would appear under the pointer just after a click).
    std::optional<float> place(const std::string& id, float x, float width, float flowY);
    // Where bubble `id` was drawn this frame. Bubbles not drawn in a frame are forgotten at the next beginFrame.
    void drawn(const std::string& id, ImVec2 min, ImVec2 max);
    // The same for what stands in a bubble's place (the answer just given): it keeps the whole of the place the bubble
    // had, so the pointer still rests there and nothing slides into it.
    void drawnInPlace(const std::string& id, ImVec2 min, ImVec2 max);
    // The lowest bottom of the bubbles placed so far this frame (0 before any).
    float bottom() const { return bottom_; }

private:
    struct Box {
        ImVec2 min, max;
        bool contains(ImVec2 p, float margin = 0) const {
            return p.x >= min.x - margin && p.y >= min.y - margin && p.x < max.x + margin && p.y < max.y + margin;
        }
    };
    std::map<std::string, Box> last_, current_;
    ImVec2 pointer_{-1, -1};
    double now_ = 0, lastClick_ = -1e9;
    bool holding_ = false;
    float bottom_ = 0;
};

}  // namespace polysim::gui

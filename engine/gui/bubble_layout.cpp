// Where the team's speech bubbles go (see bubble_layout.h).
#include "gui/bubble_layout.h"

#include <algorithm>

namespace polysim::gui {
namespace {
constexpr float kGap = 10;         // between two bubbles
constexpr float kNewHeight = 140;  // a bubble not drawn yet is taken to be this tall
constexpr float kRestMargin = 6;   // the pointer rests on a bubble this close to its edge too
}  // namespace

void BubbleLayout::beginFrame(ImVec2 pointer, double now) {
    last_ = std::move(current_);
    current_.clear();
    pointer_ = pointer;
    now_ = now;
    bottom_ = 0;
    holding_ = std::any_of(last_.begin(), last_.end(),
                           [&](const auto& entry) { return entry.second.contains(pointer, kRestMargin); });
}

std::optional<float> BubbleLayout::place(const std::string& id, float x, float width, float flowY) {
    const auto before = last_.find(id);
    const bool known = before != last_.end();
    if (holding_ && known) return before->second.min.y;
    float y = flowY;
    // While the bubbles hold their places, a new one goes below all of them.
    if (holding_)
        for (const auto& [other, box] : last_) y = std::max(y, box.max.y + kGap);
    y = std::max(y, bottom_ > 0 ? bottom_ + kGap : y);
    if (now_ - lastClick_ < kSettleSeconds) {
        const float height = known ? before->second.max.y - before->second.min.y : kNewHeight;
        const Box next{{x, y}, {x + width, y + height}};
        const bool wasUnder = known && before->second.contains(pointer_);
        if (next.contains(pointer_) && !wasUnder) {
            if (known) return before->second.min.y;  // it stays where it was a moment longer
            return std::nullopt;
        }
    }
    return y;
}

void BubbleLayout::drawn(const std::string& id, ImVec2 min, ImVec2 max) {
    current_[id] = {min, max};
    bottom_ = std::max(bottom_, max.y);
}

void BubbleLayout::drawnInPlace(const std::string& id, ImVec2 min, ImVec2 max) {
    if (const auto before = last_.find(id); before != last_.end()) {
        min = ImVec2(std::min(min.x, before->second.min.x), std::min(min.y, before->second.min.y));
        max = ImVec2(std::max(max.x, before->second.max.x), std::max(max.y, before->second.max.y));
    }
    drawn(id, min, max);
}

}  // namespace polysim::gui

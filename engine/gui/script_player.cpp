// Frame-by-frame scripted trainee (see script_player.h). Scroll expansion follows runTraineeScript exactly.
#include "gui/script_player.h"

#include <algorithm>
#include <cmath>

namespace polysim::gui {

void ScriptPlayer::playUntil(session::Session& session, session::SessionClock& clock, double seconds) {
    auto applyAt = [&](double t, const session::Command& c, int line) {
        clock.advanceTo(t);
        session.update();
        if (session.ended()) return;
        auto r = session.apply(c);
        if (!r.accepted)
            refused_.push_back(script_.file.string() + ":" + std::to_string(line) + ": " +
                               std::string(session::commandName(c)) + " refused: " + r.reason);
    };
    while (next_ < script_.actions.size() && !session.ended()) {
        const auto& a = script_.actions[next_];
        if (const auto* c = std::get_if<session::Command>(&a.what)) {
            if (a.t > seconds) return;
            applyAt(a.t, *c, a.line);
            ++next_;
            continue;
        }
        const auto& s = std::get<session::Scroll>(a.what);
        if (scrollStep_ < 0) {
            if (a.t > seconds) return;
            clock.advanceTo(a.t);
            session.update();
            double step = s.stepMm > 0 ? s.stepMm : session.sliceMm(session.view().series);
            scrollSteps_ = std::max(1, int(std::ceil(std::abs(s.toMm - s.fromMm) / step - 1e-9)));
            scrollStep_ = 0;
        }
        while (scrollStep_ <= scrollSteps_ && !session.ended()) {
            double f = double(scrollStep_) / scrollSteps_;
            double t = a.t + s.overSeconds * f;
            if (t > seconds) return;
            applyAt(t, session::SetPosition{s.fromMm + (s.toMm - s.fromMm) * f}, a.line);
            ++scrollStep_;
        }
        scrollStep_ = -1;
        ++next_;
    }
}

}  // namespace polysim::gui

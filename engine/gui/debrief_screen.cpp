// The debrief as a screen of the app (see simulator_app.h): the ended session scored as `polysim score` scores it,
// recorded in the results history, published to the instructor's console, and shown (debrief_view.h) until the
// trainee closes it and goes back to the library.
#include "gui/simulator_app.h"
#include "scoring/history.h"

namespace polysim::gui {
namespace {

class DebriefScreen : public AppScreen {
public:
    DebriefScreen(SimulatorApp& app, std::unique_ptr<ReadingRoom> room)
        : app_(app),
          room_(std::move(room)),
          score_(scoring::scoreSession(*app.state().scenario, room_->log().events())),
          view_(*app.state().scenario, score_, room_->log().path()) {
        AppState& st = app_.state();
        if (st.consoleLink) st.consoleLink->publishNow(room_->session(), room_->log(), &score_);
        if (!score_.trainee.empty()) st.trainee = score_.trainee;
        try {  // the results history, as `polysim score` keeps it
            auto stored =
                scoring::recordScore(scoring::defaultResultsLocation(), score_, score_.trainee, room_->log().path());
            if (!stored.problem.empty()) st.warning = stored.problem;
        } catch (const std::exception& e) {
            st.warning = e.what();
        }
    }
    ~DebriefScreen() override { room_->destroyGl(); }
    Simulator::Screen kind() const override { return Simulator::Screen::Debrief; }

    void draw(double) override {
        if (view_.draw() == DebriefView::Action::Close) app_.backToLibrary();
    }
    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const override {
        return view_.controlCentre(name);
    }
    const DebriefView* debrief() const override { return &view_; }

private:
    SimulatorApp& app_;
    std::unique_ptr<ReadingRoom> room_;  // the session that ended, its log and its GL objects
    scoring::Score score_;
    DebriefView view_;  // after score_: it refers to it
};

}  // namespace

std::unique_ptr<AppScreen> makeDebriefScreen(SimulatorApp& app, std::unique_ptr<ReadingRoom> room) {
    return std::make_unique<DebriefScreen>(app, std::move(room));
}

}  // namespace polysim::gui

// The reading room as a screen of the app (see simulator_app.h): the room's session on real time, the instructor's
// console fed on the session clock, the patient still being prepared, and the question before leaving a session that
// has not ended. When the session ends, the debrief follows.
#include <algorithm>
#include <utility>

#include <imgui.h>

#include "gui/modal.h"
#include "gui/simulator_app.h"

namespace polysim::gui {
namespace {

class ReadingScreen : public AppScreen {
public:
    ReadingScreen(SimulatorApp& app, std::unique_ptr<ReadingRoom> room) : app_(app), room_(std::move(room)) {}
    ~ReadingScreen() override {
        if (room_) room_->destroyGl();
    }
    Simulator::Screen kind() const override { return Simulator::Screen::Reading; }

    void handleEvent(const SDL_Event& e) override {
        // While the app asks before leaving, the room behind the dialog takes no input.
        if (!confirmQuit_) room_->handleEvent(e);
    }

    bool mayLeave() override {
        if (confirmQuit_ || room_->ended()) return true;  // closed again while the app asks: that is the answer
        confirmQuit_ = openQuit_ = true;
        return false;
    }

    void draw(double seconds) override {
        AppState& st = app_.state();
        // A stalled frame must not skip a scenario event's moment. The session clock stands still while the app
        // asks before leaving: only real time passes then, so a scripted run logs the same session times.
        room_->advanceBy(confirmQuit_ ? 0.0 : std::min(seconds, 0.25));
        if (st.consoleLink) st.consoleLink->frame(room_->session(), room_->log(), room_->coverage(), seconds);
        imagesShown_ = room_->prepareFrame();
        if (!room_->images().begun())
            drawPreparing(*room_);
        else
            room_->draw();
        if (room_->ended()) {
            confirmQuit_ = false;
            app_.showDebrief(std::move(room_));
            return;
        }
        if (confirmQuit_) drawConfirmQuit();
    }

    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const override {
        return room_ ? room_->controlCentre(name) : std::nullopt;
    }
    std::optional<double> sessionTime() const override {
        return room_ ? std::optional<double>(room_->clock().now()) : std::nullopt;
    }
    bool imagesShown() const override { return imagesShown_; }
    bool makingImages() const override { return room_ && room_->images().preparing(); }

private:
    // Modal: the room behind it is dimmed and takes no input, and its session clock stands still (see draw()).
    void drawConfirmQuit() {
        const bool preparing = !room_->images().begun();
        const char* title = preparing ? "Leave before the session starts?###leave" : "Leave the session?###leave";
        if (!beginModal(title, std::exchange(openQuit_, false))) return;
        if (preparing) {
            // Nothing has started: the scan begins once the patient is ready.
            ImGui::TextUnformatted("The patient is still being prepared, so the session has not started yet.");
            ImGui::TextUnformatted("Leaving stops preparing the images; they are made again next time.");
        } else {
            ImGui::TextUnformatted("The session is paused. Everything you did is in its event log:");
            ImGui::TextDisabled("%s", room_->log().path().string().c_str());
            if (room_->images().preparing())
                ImGui::TextUnformatted(
                    "The patient's images are still being made: leaving stops that, and they "
                    "are made again next time.");
        }
        ImGui::TextDisabled("Closing the window again leaves too.");
        bool leave = ImGui::Button("Leave");
        app_.noteControl("leave");
        if (leave) app_.quit();
        ImGui::SameLine();
        bool stay = ImGui::Button(preparing ? "Keep waiting" : "Keep reading");
        app_.noteControl("stay");
        if (stay) {
            confirmQuit_ = false;
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }

    SimulatorApp& app_;
    std::unique_ptr<ReadingRoom> room_;  // handed to the debrief once the session ends
    bool imagesShown_ = false;
    bool confirmQuit_ = false;  // asking before leaving
    bool openQuit_ = false;     // ... from this frame on
};

}  // namespace

std::unique_ptr<AppScreen> makeReadingScreen(SimulatorApp& app, std::unique_ptr<ReadingRoom> room) {
    return std::make_unique<ReadingScreen>(app, std::move(room));
}

}  // namespace polysim::gui

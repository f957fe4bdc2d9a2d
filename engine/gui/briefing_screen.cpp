// The briefing screen (see simulator_app.h): the case's patient, mechanism, prehospital story and vitals on arrival,
// then Start reading (or Resume the case's unfinished session).
#include "gui/simulator_app.h"

#include "gui/palette.h"

#include <algorithm>
#include <cctype>

#include <imgui.h>
#include <qrencode.h>

namespace polysim::gui {
namespace {
// What the prehospital story says was done that lowers the GCS on arrival ("intubation", "sedation"), from its own
// words; empty when it says nothing of the kind.
std::string sedationInStory(const std::string& story) {
    std::string lower = story;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const bool intubated =
        lower.find("intubated") != std::string::npos || lower.find("intubation") != std::string::npos;
    const bool sedated = lower.find("sedat") != std::string::npos || lower.find("anaesthetis") != std::string::npos ||
                         lower.find("anesthetiz") != std::string::npos;
    if (intubated && sedated) return "intubation and sedation";
    if (intubated) return "intubation";
    if (sedated) return "sedation";
    return "";
}

// The console's address as a QR code for the instructor's phone. Only here, before the session: the page shows the
// ground truth, so the code is gone once the trainee reads.
void drawConsoleCode(SimulatorApp& app, const std::string& url);

class BriefingScreen : public AppScreen {
public:
    explicit BriefingScreen(SimulatorApp& app) : app_(app) {}
    Simulator::Screen kind() const override { return Simulator::Screen::Briefing; }
    void draw(double) override;
    bool makingImages() const override {
        const auto& images = app_.state().images;
        return images && images->preparing();
    }

private:
    SimulatorApp& app_;
};

void BriefingScreen::draw(double) {
    AppState& st = app_.state();
    const auto& s = *st.scenario;
    SimulatorApp::fullScreenWindow("##briefing");
    ImGuiIO& io = ImGui::GetIO();
    ImFont* big = io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr;
    if (big) ImGui::PushFont(big);
    ImGui::TextUnformatted(s.meta.title.c_str());
    if (big) ImGui::PopFont();
    ImGui::Separator();
    const auto& p = s.patient;
    ImGui::Text("Patient: %d years, %s", p.ageYears, p.sex.c_str());
    ImGui::Spacing();
    ImGui::TextDisabled("Mechanism");
    ImGui::TextWrapped("%s", p.mechanism.c_str());
    ImGui::Spacing();
    ImGui::TextDisabled("Prehospital");
    ImGui::TextWrapped("%s", p.prehospital.c_str());
    ImGui::Spacing();
    const auto& v = p.vitalsAtStart;
    ImGui::Text("On arrival: HR %.0f, BP %.0f/%.0f, SpO2 %.0f %%, RR %.0f, GCS %d", v.heartRate, v.systolic,
                v.diastolic, v.spo2, v.respiratoryRate, v.gcs);
    if (const std::string what = sedationInStory(p.prehospital); !what.empty() && v.gcs < 15)
        ImGui::TextColored(palette::kCaution,
                           "The prehospital story mentions %s: a GCS taken after it reflects the drugs, not the "
                           "neurological state.",
                           what.c_str());
    ImGui::Spacing();
    ImGui::TextWrapped(
        "You are the radiologist at the CT console. Images arrive series by series; the team will ask you "
        "questions while you read. Keep your reading order, call life-threatening findings at once, then declare "
        "the primary survey complete and write a one-sentence conclusion.");
    ImGui::Spacing();
    // On first use the patient's images are made while the briefing is read (the room takes them over).
    if (st.images && st.images->preparing()) {
        ImGui::TextDisabled("Preparing the patient's images while you read (first use of this case only):");
        ImGui::ProgressBar(float(st.images->prepareFraction()), ImVec2(420, 0), st.images->prepareStage().c_str());
        ImGui::Spacing();
    }
    // `polysim run CASE` after a crash: the case's session that never ended is offered here too.
    const bool offerResume = st.unfinished && st.unfinished->second == s.meta.id && !st.sessionStarted;
    if (offerResume) {
        ImGui::TextColored(palette::kAttention, "An unfinished session of this case was found: %s",
                           st.unfinished->first.string().c_str());
        ImGui::TextDisabled("Resume it to carry on where it stopped, or start a new session.");
        bool resume = ImGui::Button("Resume it", ImVec2(200, 40));
        app_.noteControl("resume");
        if (resume) {
            app_.startReading(st.unfinished->first);
            ImGui::End();
            return;
        }
        ImGui::SameLine();
    }
    bool start = ImGui::Button(offerResume ? "Start a new session" : "Start reading", ImVec2(200, 40));
    app_.noteControl("start");
    if (start) app_.startReading();
    ImGui::SameLine();
    if (!st.library.empty()) {
        bool back = ImGui::Button("Back to the library", ImVec2(200, 40));
        app_.noteControl("back");
        if (back) app_.backToLibrary();
    }
    if (st.console) drawConsoleCode(app_, st.console->url());
    ImGui::End();
    if (st.console && !app_.leaving()) {
        // Before the session there is nothing to command but its start: the instructor may give it.
        bool startNow = false;
        for (const auto& c : st.console->takeCommands()) startNow = startNow || c.value("action", "") == "start";
        if (startNow) app_.startReading();
    }
}

void drawConsoleCode(SimulatorApp& app, const std::string& url) {
    QRcode* code = QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) return;
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextDisabled("Instructor's console (for the instructor only: it shows the answers). Scan, or open:");
    ImGui::TextUnformatted(url.c_str());
    const float module = 5, quiet = 4 * module;
    const float side = float(code->width) * module + 2 * quiet;
    ImVec2 at = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(at, ImVec2(at.x + side, at.y + side), palette::kQrLight);
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            if (code->data[y * code->width + x] & 1) {
                ImVec2 a(at.x + quiet + float(x) * module, at.y + quiet + float(y) * module);
                dl->AddRectFilled(a, ImVec2(a.x + module, a.y + module), palette::kQrDark);
            }
    ImGui::Dummy(ImVec2(side, side));
    app.noteControl("console-code");
    QRcode_free(code);
}
}  // namespace

std::unique_ptr<AppScreen> makeBriefingScreen(SimulatorApp& app) {
    return std::make_unique<BriefingScreen>(app);
}

}  // namespace polysim::gui

// The app's debrief screen: the debrief content (scoring/debrief_model.h) that the HTML report shows, drawn with
// ImGui: a section per PEARLS part, the tables, the depth-versus-time plot on the draw list and each finding's key
// image as a texture. The actions (export the report, open it, close) stay in a footer while the content scrolls.
#pragma once

#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.h"
#include "scoring/debrief.h"
#include "scoring/debrief_model.h"
#include "scoring/score.h"

namespace polysim::gui {

class DebriefView {
public:
    // `scenario` and `score` must outlive the view. The key images are made in the background from here on.
    DebriefView(const scenario::Scenario& scenario, const scoring::Score& score, std::filesystem::path log);
    ~DebriefView();  // waits for key images still being made; frees their textures (needs the GL context)
    DebriefView(const DebriefView&) = delete;
    DebriefView& operator=(const DebriefView&) = delete;

    enum class Action { None, Close };
    // Draws the whole screen for this frame.
    Action draw();

    // What the last draw() put on screen: the sections, every text (in order), how many plot primitives and key
    // images, and where the plot was (window pixels).
    struct Drawn {
        std::vector<std::string> sections;
        std::vector<std::string> texts;
        int plotPrimitives = 0;
        int keyImages = 0;
        float plotX0 = 0, plotY0 = 0, plotX1 = 0, plotY1 = 0;
    };
    const Drawn& drawn() const { return drawn_; }
    const scoring::Debrief& content() const { return debrief_; }

    bool keyImagesReady() const { return ready_; }
    // Writes the HTML report (the one `polysim score --html` writes) next to the log. False when it could not be
    // written; status() says what happened either way.
    bool exportReport();
    const std::string& status() const { return status_; }
    bool statusIsError() const { return statusError_; }
    std::filesystem::path reportPath() const;
    // Scrolls the content to a section (0: the summary) on the next draw, as the footer's "Go to" buttons do.
    void jumpToSection(std::size_t index) { jumpTo_ = index; }
    // Opens every "How is this computed" fold on the next draw, as a click on each would.
    void openMethods() { openMethods_ = true; }
    // Where a control was drawn in the last frame, window pixels: "export", "open-report", "close", "section:N".
    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const;

private:
    struct Decoded {
        int width = 0, height = 0;
        std::vector<unsigned char> rgba;
    };
    struct Prepared {
        scoring::KeyImages png;
        std::string note;
        std::map<std::string, Decoded> decoded;
    };
    void pollKeyImages();
    void drawContent();
    void drawBlock(const scoring::DebriefBlock& block, int index);
    void drawTable(const scoring::DebriefTable& table, const char* id, bool header);
    void drawFinding(const scoring::DebriefFinding& finding, int index);
    void drawPlot();
    Action drawFooter();
    void text(const std::string& s);  // a wrapped line of text, recorded in drawn_
    void noteControl(const std::string& name);

    const scenario::Scenario& scenario_;
    const scoring::Score& score_;
    std::filesystem::path log_;
    scoring::Debrief debrief_;
    std::future<Prepared> pending_;
    bool ready_ = false;
    scoring::KeyImages png_;
    std::string imagesNote_;
    std::map<std::string, std::pair<unsigned, std::pair<int, int>>> textures_;  // finding id -> GL name, size
    std::string status_;
    bool statusError_ = false;
    bool exported_ = false;
    std::optional<std::size_t> jumpTo_;
    bool openMethods_ = false;
    std::string opener_;  // xdg-open, when on PATH
    Drawn drawn_;
    std::map<std::string, std::pair<float, float>> controls_;
};

}  // namespace polysim::gui

// The authoring screen (see authoring.h): the reading room's viewer on the case's images, a panel with the case
// texts, the findings and the loader's diagnostics, and Save.
#include "gui/authoring.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/app_window.h"
#include "gui/bindings.h"
#include "gui/series_source.h"
#include "gui/viewer.h"
#include "scenario/writer.h"

namespace polysim::gui {
namespace fs = std::filesystem;

AuthoringModel::AuthoringModel(scenario::Scenario scenario, fs::path outFile)
    : scenario_(std::move(scenario)), outFile_(std::move(outFile)) {}

scenario::Finding& AuthoringModel::addFindingAt(glm::dvec3 lps) {
    scenario::Finding f;
    for (int n = int(scenario_.findings.size()) + 1;; ++n) {
        f.id = "finding_" + std::to_string(n);
        if (!scenario_.findFinding(f.id)) break;
    }
    f.label = "new finding";
    f.centreLps = lps;
    f.deadlineSeconds = std::min(300.0, scenario_.durationSeconds);
    auto holds = [&](const scenario::Region& r) {
        return r.id != "scout" && lps.z >= r.zFromMm && lps.z <= r.zToMm;
    };
    // Reading order first: the region a reader reaches first is the one a trainee would find it in.
    for (const auto& id : scenario_.readingOrder)
        if (const auto* r = scenario_.findRegion(id); r && holds(*r)) {
            f.region = r->id;
            break;
        }
    if (f.region.empty())
        for (const auto& r : scenario_.regions)
            if (holds(r)) {
                f.region = r.id;
                break;
            }
    scenario_.findings.push_back(std::move(f));
    return scenario_.findings.back();
}

void AuthoringModel::removeFinding(std::size_t index) {
    if (index < scenario_.findings.size()) scenario_.findings.erase(scenario_.findings.begin() + long(index));
}

std::vector<scenario::Diagnostic> AuthoringModel::validate() const {
    scenario::LoadOptions o;
    o.scanDicom = false;
    return scenario::validateScenario(scenario_, o);
}

bool AuthoringModel::save(std::string* error) const { return scenario::saveScenario(scenario_, outFile_, error); }

namespace {
constexpr float kPanel = 440;

Bindings loadBindingsQuietly() {
    fs::path file = defaultBindingsFile();
    if (!fs::exists(file)) return Bindings::defaults();
    try {
        return Bindings::load(file);
    } catch (const std::exception& e) {
        std::cerr << e.what() << " (using the default bindings)\n";
        return Bindings::defaults();
    }
}

class AuthoringScreen {
public:
    AuthoringScreen(AuthoringModel& model, Bindings& bindings)
        : model_(model), bindings_(bindings), images_(model.scenario()) {
        // Whole-body series first: most findings of a polytrauma case lie below the head.
        for (const auto& s : model.scenario().images.series)
            if (s.kind != "scout" && s.kind != "head") seriesIds_.push_back(s.id);
        for (const auto& s : model.scenario().images.series)
            if (s.kind == "head") seriesIds_.push_back(s.id);
        if (seriesIds_.empty())
            for (const auto& s : model.scenario().images.series) seriesIds_.push_back(s.id);
    }
    void createGl() { viewer_.createGl(); }
    void destroyGl() { viewer_.destroyGl(); }
    SeriesSource& images() { return images_; }

    void handleEvent(const SDL_Event& e) {
        ImGuiIO& io = ImGui::GetIO();
        viewer_.handleEvent(e, bindings_, io.WantCaptureMouse, io.WantCaptureKeyboard);
    }

    bool prepareFrame() {
        images_.poll();
        if (!seriesIds_.empty() && shown_ != seriesIds_[std::size_t(series_)]) {
            const std::string& id = seriesIds_[std::size_t(series_)];
            if (auto vol = images_.volume(id)) {
                std::string label = id;
                for (const auto& s : model_.scenario().images.series)
                    if (s.id == id) label = s.label;
                viewer_.setVolume(vol, label);
                // An author places findings in the body, so the crosshair starts mid-volume, not above the vertex.
                viewer_.setCursor(glm::round(glm::dvec3(vol->dims() - 1) * 0.5));
                std::vector<RegionBand> bands;
                for (const auto& r : model_.scenario().regions) bands.push_back({r.label, r.zFromMm, r.zToMm});
                viewer_.setRegions(std::move(bands));
                shown_ = id;
            }
        }
        std::vector<std::pair<glm::dvec3, std::string>> marks;
        for (const auto& f : model_.scenario().findings) marks.emplace_back(f.centreLps, f.id + " " + f.label);
        viewer_.setMarks(std::move(marks));
        ImGuiIO& io = ImGui::GetIO();
        viewer_.layout({kPanel + 8, 6}, {io.DisplaySize.x - kPanel - 14, io.DisplaySize.y - 12});
        return viewer_.prepareFrame();
    }

    // Returns false when the author asks to quit.
    bool draw() {
        if (dirty_) {
            diagnostics_ = model_.validate();
            dirty_ = false;
        }
        viewer_.draw(ImGui::GetBackgroundDrawList());
        ImGuiIO& io = ImGui::GetIO();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(kPanel, io.DisplaySize.y));
        ImGui::Begin("Authoring", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                               ImGuiWindowFlags_NoCollapse);
        auto& s = model_.scenario();
        ImGui::TextWrapped("%s", model_.outFile().string().c_str());
        int errors = 0;
        for (const auto& d : diagnostics_) errors += d.severity == scenario::Diagnostic::Severity::Error;
        if (ImGui::Button("Save")) {
            std::string error;
            if (model_.save(&error)) status_ = "saved" + std::string(errors ? " (with errors: fix before use)" : "");
            else status_ = error;
        }
        ImGui::SameLine();
        ImGui::TextUnformatted(status_.c_str());
        if (images_.preparing())
            ImGui::ProgressBar(float(images_.prepareFraction()), ImVec2(-1, 0), images_.prepareStage().c_str());
        if (seriesIds_.size() > 1) {
            std::vector<const char*> names;
            for (const auto& id : seriesIds_) names.push_back(id.c_str());
            ImGui::Combo("series", &series_, names.data(), int(names.size()));
        }

        if (ImGui::CollapsingHeader("Case texts", ImGuiTreeNodeFlags_DefaultOpen)) {
            edited(ImGui::InputText("title", &s.meta.title));
            edited(ImGui::InputTextMultiline("mechanism", &s.patient.mechanism, ImVec2(-90, 60)));
            edited(ImGui::InputTextMultiline("expert report", &s.expertReport, ImVec2(-90, 80)));
        }
        if (ImGui::CollapsingHeader("Findings", ImGuiTreeNodeFlags_DefaultOpen)) drawFindings();
        if (ImGui::CollapsingHeader("Validation", ImGuiTreeNodeFlags_DefaultOpen)) {
            if (diagnostics_.empty()) ImGui::TextColored(ImVec4(0.4f, 1, 0.5f, 1), "no errors, no warnings");
            for (const auto& d : diagnostics_) {
                bool error = d.severity == scenario::Diagnostic::Severity::Error;
                ImGui::PushStyleColor(ImGuiCol_Text, error ? ImVec4(1, 0.4f, 0.4f, 1) : ImVec4(1, 0.8f, 0.3f, 1));
                ImGui::TextWrapped("%s", d.format().c_str());
                ImGui::PopStyleColor();
            }
        }
        ImGui::End();
        return true;
    }

private:
    void edited(bool changed) { dirty_ = dirty_ || changed; }

    void drawFindings() {
        auto& s = model_.scenario();
        glm::dvec3 lps = viewer_.volume() ? viewer_.volume()->geometry().indexToPatient(viewer_.cursor())
                                          : glm::dvec3(0.0);
        ImGui::Text("crosshair %.0f, %.0f, %.0f mm LPS", lps.x, lps.y, lps.z);
        if (!viewer_.volume()) ImGui::BeginDisabled();
        if (ImGui::Button("Place finding at crosshair")) {
            model_.addFindingAt(lps);
            selected_ = int(s.findings.size()) - 1;
            dirty_ = true;
        }
        if (!viewer_.volume()) ImGui::EndDisabled();
        for (int i = 0; i < int(s.findings.size()); ++i) {
            const auto& f = s.findings[std::size_t(i)];
            std::string row = f.id + "  (Cat " + std::to_string(f.acrCategory) + ", " + f.region + ")  " + f.label;
            if (ImGui::Selectable((row + "##f" + std::to_string(i)).c_str(), selected_ == i)) {
                selected_ = i;
                if (viewer_.volume()) viewer_.setCursor(glm::round(viewer_.volume()->geometry().patientToIndex(f.centreLps)));
            }
        }
        if (selected_ < 0 || selected_ >= int(s.findings.size())) return;
        auto& f = s.findings[std::size_t(selected_)];
        ImGui::Separator();
        ImGui::PushID(selected_);
        edited(ImGui::InputText("id", &f.id));
        edited(ImGui::InputText("label", &f.label));
        edited(ImGui::SliderInt("category", &f.acrCategory, 1, 3));
        std::vector<const char*> regionIds;
        int current = -1;
        for (std::size_t k = 0; k < s.regions.size(); ++k) {
            regionIds.push_back(s.regions[k].id.c_str());
            if (s.regions[k].id == f.region) current = int(k);
        }
        if (ImGui::Combo("region", &current, regionIds.data(), int(regionIds.size())) && current >= 0) {
            f.region = s.regions[std::size_t(current)].id;
            dirty_ = true;
        }
        edited(ImGui::InputScalarN("centre (mm)", ImGuiDataType_Double, &f.centreLps.x, 3, nullptr, nullptr, "%.0f"));
        edited(ImGui::InputScalarN("extent (mm)", ImGuiDataType_Double, &f.extentMm.x, 3, nullptr, nullptr, "%.0f"));
        edited(ImGui::InputDouble("deadline (s)", &f.deadlineSeconds, 10, 60, "%.0f"));
        edited(ImGui::InputText("expert", &f.expertDescription));
        if (ImGui::Button("Move to crosshair")) f.centreLps = lps, dirty_ = true;
        ImGui::SameLine();
        if (ImGui::Button("Delete finding")) {
            model_.removeFinding(std::size_t(selected_));
            selected_ = -1;
            dirty_ = true;
        }
        ImGui::PopID();
    }

    AuthoringModel& model_;
    Bindings& bindings_;
    SeriesSource images_;
    Viewer viewer_;
    std::vector<std::string> seriesIds_;
    int series_ = 0;
    std::string shown_;
    int selected_ = -1;
    bool dirty_ = true;
    std::vector<scenario::Diagnostic> diagnostics_;
    std::string status_;
};
}  // namespace

int runAuthoring(const AuthoringOptions& o) {
    auto loaded = scenario::loadScenario(o.scenario);
    if (!loaded.scenario) throw std::runtime_error(scenario::formatDiagnostics(loaded.diagnostics));
    AuthoringModel model(std::move(*loaded.scenario), o.out.empty() ? o.scenario : o.out);
    const bool headless = !o.screenshot.empty();
    WindowOptions wo;
    wo.width = o.width;
    wo.height = o.height;
    wo.vsync = !headless;
    wo.title = "polysim authoring: " + o.scenario.filename().string();
    AppWindow window(wo);
    Bindings bindings = loadBindingsQuietly();
    AuthoringScreen screen(model, bindings);
    screen.createGl();
    if (headless) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(30);
        while (!screen.images().allLoaded()) {
            SDL_Event e;
            while (SDL_PollEvent(&e)) {}
            window.beginFrame();
            screen.prepareFrame();
            screen.draw();
            window.endFrame();
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error("the images did not load within 30 minutes");
            SDL_Delay(screen.images().preparing() ? 50 : 5);
        }
        // The viewer refreshes reformats of a still-filling volume every 15 frames, and ImGui sizes its windows
        // over a couple of frames: 20 frames show everything; the last one is read back before its swap.
        for (int i = 0; i < 20; ++i) {
            window.beginFrame();
            screen.prepareFrame();
            screen.draw();
            if (i < 19) window.endFrame();
            else window.renderWithoutSwap();
        }
        writePng(o.screenshot, window.readPixels());
        window.swap();
        auto diagnostics = model.validate();
        int errors = 0;
        for (const auto& d : diagnostics) errors += d.severity == scenario::Diagnostic::Severity::Error;
        std::cout << "authoring screenshot: " << o.screenshot.string() << "\nfindings " << model.scenario().findings.size()
                  << ", errors " << errors << ", warnings " << diagnostics.size() - std::size_t(errors) << "\n";
        screen.destroyGl();
        return 0;
    }
    bool running = true;
    while (running) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            ImGui_ImplSDL2_ProcessEvent(&e);
            if (e.type == SDL_QUIT) running = false;
            else screen.handleEvent(e);
        }
        window.beginFrame();
        screen.prepareFrame();
        running = screen.draw() && running;
        window.endFrame();
    }
    screen.destroyGl();
    return 0;
}

}  // namespace polysim::gui

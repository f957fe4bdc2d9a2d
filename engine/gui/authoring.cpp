// The authoring screen (see authoring.h): the reading room's viewer on the case's images, a panel with the case
// texts, the findings and the loader's diagnostics, and Save.
#include "gui/authoring.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/app_window.h"
#include "gui/authoring_canvas.h"
#include "gui/authoring_context.h"
#include "gui/authoring_panels.h"
#include "gui/authoring_timeline.h"
#include "gui/bindings.h"
#include "gui/modal.h"
#include "gui/palette.h"
#include "gui/series_source.h"
#include "gui/viewer.h"
#include "scenario/writer.h"

namespace polysim::gui {
namespace fs = std::filesystem;

namespace {
constexpr float kPanel = 460;
constexpr float kTimeline = 170;  // the strip's height at least; it grows with its rows up to 40% of the window

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
    // `opened`: what the loader said of the file, shown until the first edit (it also names what only the file's
    // text can show, such as a missing key).
    AuthoringScreen(AuthoringModel& model, Bindings& bindings, std::vector<std::string> notes,
                    std::vector<scenario::Diagnostic> opened)
        : model_(model),
          bindings_(bindings),
          images_(model.scenario()),
          validatedEdits_(model.edits()),
          diagnostics_(std::move(opened)),
          notes_(std::move(notes)) {
        // Whole-body series first: most findings of a polytrauma case lie below the head.
        for (const auto& s : model.scenario().images.series)
            if (s.kind != phantom::SeriesKind::Scout && s.kind != phantom::SeriesKind::Head) seriesIds_.push_back(s.id);
        for (const auto& s : model.scenario().images.series)
            if (s.kind == phantom::SeriesKind::Head) seriesIds_.push_back(s.id);
        if (seriesIds_.empty())
            for (const auto& s : model.scenario().images.series) seriesIds_.push_back(s.id);
    }
    void createGl() { viewer_.createGl(); }
    void destroyGl() { viewer_.destroyGl(); }
    SeriesSource& images() { return images_; }
    const std::vector<scenario::Diagnostic>& diagnostics() const { return diagnostics_; }

    void handleEvent(const SDL_Event& e) {
        const ImGuiIO& io = ImGui::GetIO();
        route(e, io.WantTextInput && !finishingTyping_);
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
                shown_ = id;
            }
        }
        // The axial header names the regions at its z, shortly; the scout's region is a projection, not a level.
        std::vector<RegionBand> bands;
        for (const auto& r : model_.scenario().regions)
            if (r.id != "scout") bands.push_back({regionShortName(r), r.zFromMm, r.zToMm});
        viewer_.setRegions(std::move(bands));
        std::vector<std::pair<glm::dvec3, std::string>> marks;
        for (const auto& f : model_.scenario().findings) marks.emplace_back(f.centreLps, f.id + " " + f.label);
        viewer_.setMarks(std::move(marks));
        ImGuiIO& io = ImGui::GetIO();
        timelineHeight_ =
            std::clamp(widgets_.strip.wantedHeight, kTimeline, std::max(kTimeline, io.DisplaySize.y * 0.4f));
        viewer_.layout({kPanel + 8, 6}, {io.DisplaySize.x - kPanel - 14, io.DisplaySize.y - timelineHeight_ - 16});
        return viewer_.prepareFrame();
    }

    // Returns false when the author asks to quit.
    bool draw() {
        // A save or quit that came while a field was typed in: the field is left in this frame (before it is drawn,
        // so it sees itself left and applies what was typed), and the event runs once the frame is drawn.
        if (!waitingForTyping_.empty() && !finishingTyping_) {
            endTyping();
            finishingTyping_ = true;
        }
        if (validatedEdits_ != model_.edits()) {
            diagnostics_ = model_.validate();
            validatedEdits_ = model_.edits();
        }
        AuthoringContext ctx = context();
        viewer_.draw(ImGui::GetBackgroundDrawList());
        canvas_.draw(ImGui::GetBackgroundDrawList(), ctx);
        ImGuiIO& io = ImGui::GetIO();
        drawInterruptionTimeline(ctx, ImVec2(kPanel + 8, io.DisplaySize.y - timelineHeight_ - 6),
                                 ImVec2(io.DisplaySize.x - kPanel - 14, timelineHeight_));

        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(kPanel, io.DisplaySize.y));
        ImGui::Begin("Authoring", nullptr,
                     ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
        ImGui::TextWrapped("%s", model_.outFile().string().c_str());
        if (ImGui::Button("Save (Ctrl+S)")) save();
        ImGui::SameLine();
        if (ImGui::Button("Save as...")) askWhereToSave(false);
        ImGui::SameLine();
        // Unsaved edits outrank the last save's message, which they make stale.
        if (model_.unsaved())
            ImGui::TextColored(palette::kAttention, "unsaved changes");
        else
            ImGui::TextUnformatted(status_.c_str());
        drawNotes();
        if (images_.preparing())
            ImGui::ProgressBar(float(images_.prepareFraction()), ImVec2(-1, 0), images_.prepareStage().c_str());
        if (seriesIds_.size() > 1) {
            std::vector<const char*> names;
            for (const auto& id : seriesIds_) names.push_back(id.c_str());
            ImGui::Combo("series", &series_, names.data(), int(names.size()));
        }
        canvas_.drawTools(ctx);

        // The tabs take what the validation list at the bottom leaves.
        const float validationHeight = std::min(220.f, 40.f + 34.f * float(diagnostics_.size()));
        ImGui::BeginChild("tabs", ImVec2(0, -validationHeight));
        if (ImGui::BeginTabBar("sections")) {
            if (ImGui::BeginTabItem("Findings")) {
                drawFindings(ctx);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Case")) {
                drawCaseAndSession(ctx);
                drawPatientAndVitals(ctx);
                drawConclusion(ctx);
                drawDebriefTexts(ctx);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Regions")) {
                drawRegionsAndOrder(ctx);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Interruptions")) {
                drawInterruptionEditor(ctx);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
        ImGui::EndChild();
        ImGui::Separator();
        ImGui::BeginChild("validation");
        if (diagnostics_.empty()) ImGui::TextColored(palette::kDone, "no errors, no warnings");
        for (const auto& d : diagnostics_) {
            bool error = d.severity == scenario::Diagnostic::Severity::Error;
            ImGui::PushStyleColor(ImGuiCol_Text, error ? palette::kError : palette::kAttention);
            ImGui::TextWrapped("%s", d.format().c_str());
            ImGui::PopStyleColor();
        }
        ImGui::EndChild();
        ImGui::End();
        drawQuitQuestion();
        drawSaveQuestion();
        if (finishingTyping_) {
            finishingTyping_ = false;
            for (const SDL_Event& e : std::exchange(waitingForTyping_, {})) route(e, false);
        }
        return !quit_.quit();
    }

private:
    void route(const SDL_Event& e, bool typing) {
        const ImGuiIO& io = ImGui::GetIO();
        AuthoringContext ctx = context();
        switch (routeAuthoringEvent(e, ctx, canvas_, quit_, bindings_, io.WantCaptureMouse, io.WantCaptureKeyboard,
                                    typing)) {
            case AuthoringRequest::Save:
                save();
                break;
            case AuthoringRequest::FinishTypingFirst:
                waitingForTyping_.push_back(e);
                break;
            case AuthoringRequest::None:
                break;
        }
    }

    AuthoringContext context() {
        glm::dvec3 lps =
            viewer_.volume() ? viewer_.volume()->geometry().indexToPatient(viewer_.cursor()) : glm::dvec3(0.0);
        return AuthoringContext{model_, viewer_, selection_, widgets_, lps, &bindings_};
    }
    void edited(bool changed) {
        if (changed) model_.touch();
    }

    // Saving over a file whose comments would be lost asks first (Overwrite / Save as / Cancel).
    void save() {
        if (model_.commentsLostBySaving() > 0) {
            std::string refused;
            if (!model_.save(&refused)) return askWhereToSave(true);
        } else {
            std::string error;
            if (!model_.save(&error)) {
                status_ = error;
                return;
            }
        }
        int errors = 0;
        for (const auto& d : model_.validate()) errors += d.severity == scenario::Diagnostic::Severity::Error;
        status_ = "saved" + std::string(errors ? " (with errors: fix before use)" : "");
    }

    void askWhereToSave(bool commentsAtRisk) {
        AuthoringContext ctx = context();
        canvas_.cancelDrag(ctx);  // the question takes the mouse: no drag may wait for a mouse-up behind it
        saveQuestion_ = commentsAtRisk ? SaveQuestion::Comments : SaveQuestion::SaveAs;
        const fs::path out = model_.outFile();
        saveAsPath_ = (out.parent_path() / (out.stem().string() + "-edited.toml")).string();
        saveAsError_.clear();
    }

    // A path field and a button that saves the case there (a new file only, so nothing is overwritten unasked).
    // True when it saved.
    bool saveAsField(const char* button) {
        ImGui::SetNextItemWidth(420);
        ImGui::InputText("##save as", &saveAsPath_);
        ImGui::SameLine();
        if (!ImGui::Button(button)) return false;
        const fs::path to(saveAsPath_);
        std::error_code ec;
        if (saveAsPath_.empty()) {
            saveAsError_ = "give a file name";
        } else if (fs::exists(to, ec) && fs::absolute(to, ec) != fs::absolute(model_.outFile(), ec)) {
            saveAsError_ = saveAsPath_ + " already exists: choose a new file name";
        } else {
            const fs::path before = model_.outFile();
            model_.setOutFile(to);
            std::string error;
            if (model_.save(&error)) return true;
            model_.setOutFile(before);
            saveAsError_ = error;
        }
        return false;
    }

    void drawSaveQuestion() {
        const char* title = "Save";
        if (!beginModal(title, saveQuestion_ != SaveQuestion::None, ImVec2(0.5f, 0.5f),
                        ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove))
            return;
        bool done = false;
        if (saveQuestion_ == SaveQuestion::Comments) {
            ImGui::Text("%s has %d comment(s) that saving over it would drop", model_.outFile().filename().c_str(),
                        model_.commentsLostBySaving());
            ImGui::TextDisabled("(the comments that open the file are kept; those further down are not)");
            if (ImGui::Button("Overwrite")) {
                model_.acceptCommentLoss();
                save();
                done = true;
            }
            ImGui::TextUnformatted("or save the edited case as a new file:");
        } else {
            ImGui::TextUnformatted("Save the case as a new file:");
        }
        if (saveAsField("Save as")) {
            status_ = "saved as " + model_.outFile().filename().string();
            done = true;
        }
        if (!saveAsError_.empty()) ImGui::TextColored(palette::kError, "%s", saveAsError_.c_str());
        if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) done = true;
        if (done) {
            saveQuestion_ = SaveQuestion::None;
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }

    // The HU under the crosshair, when its slice has arrived.
    std::optional<double> huAtCrosshair() const {
        const auto vol = viewer_.volume();
        if (!vol) return std::nullopt;
        const glm::ivec3 ijk(glm::round(viewer_.cursor()));
        const glm::ivec3 dims = vol->dims();
        if (glm::any(glm::lessThan(ijk, glm::ivec3(0))) || glm::any(glm::greaterThanEqual(ijk, dims)) ||
            !vol->sliceReady(ijk.z))
            return std::nullopt;
        return double(vol->at(ijk.x, ijk.y, ijk.z));
    }

    // A new case's next steps, until the author has read them.
    void drawNotes() {
        if (notes_.empty()) return;
        ImGui::PushStyleColor(ImGuiCol_Text, palette::kNote);
        for (const auto& n : notes_) ImGui::TextWrapped("- %s", n.c_str());
        ImGui::PopStyleColor();
        if (ImGui::SmallButton("Got it")) notes_.clear();
    }

    void drawQuitQuestion() {
        const char* title = "Unsaved changes";
        if (!beginModal(title, quit_.asking(), ImVec2(0.5f, 0.5f),
                        ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove))
            return;
        ImGui::Text("%s has changes that are not saved.", model_.outFile().filename().string().c_str());
        if (!quit_.error().empty()) ImGui::TextColored(palette::kError, "%s", quit_.error().c_str());
        ImGui::Spacing();
        const bool commentsAtRisk = model_.commentsLostBySaving() > 0;
        if (ImGui::Button(commentsAtRisk ? "Overwrite and quit" : "Save and quit")) {
            if (commentsAtRisk) model_.acceptCommentLoss();
            quit_.answer(QuitGuard::Answer::SaveAndQuit, model_);
        }
        ImGui::SameLine();
        if (ImGui::Button("Quit without saving")) quit_.answer(QuitGuard::Answer::QuitWithoutSaving, model_);
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) quit_.answer(QuitGuard::Answer::Cancel, model_);
        if (commentsAtRisk) {
            ImGui::Text("Saving over it drops %d comment(s); or save as a new file and quit:",
                        model_.commentsLostBySaving());
            if (saveAsPath_.empty())
                saveAsPath_ =
                    (model_.outFile().parent_path() / (model_.outFile().stem().string() + "-edited.toml")).string();
            if (saveAsField("Save as and quit")) quit_.answer(QuitGuard::Answer::QuitWithoutSaving, model_);
            if (!saveAsError_.empty()) ImGui::TextColored(palette::kError, "%s", saveAsError_.c_str());
        }
        if (!quit_.asking()) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }

    void drawFindings(AuthoringContext& ctx) {
        auto& s = model_.scenario();
        int& selected = selection_.finding;
        const glm::dvec3 lps = ctx.crosshairLps;
        ImGui::Text("crosshair %.0f, %.0f, %.0f mm LPS", lps.x, lps.y, lps.z);
        if (!viewer_.volume()) ImGui::BeginDisabled();
        if (ImGui::Button("Place finding at crosshair")) {
            model_.addFindingAt(lps, huAtCrosshair());
            selected = int(s.findings.size()) - 1;
        }
        if (!viewer_.volume()) ImGui::EndDisabled();
        // Rows as long as they are: the list scrolls sideways, and a row's tooltip has it all.
        ImGui::BeginChild("finding list", ImVec2(0, 130), true, ImGuiWindowFlags_HorizontalScrollbar);
        for (int i = 0; i < int(s.findings.size()); ++i) {
            const auto& f = s.findings[std::size_t(i)];
            std::string row = f.id + "  (Cat " + std::to_string(f.acrCategory) + ", " + f.region + ")  " + f.label;
            const bool clicked = ImGui::Selectable((row + "##f" + std::to_string(i)).c_str(), selected == i);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", row.c_str());
            if (clicked) {
                selected = i;
                if (viewer_.volume())
                    viewer_.setCursor(glm::round(viewer_.volume()->geometry().patientToIndex(f.centreLps)));
            }
        }
        ImGui::EndChild();
        if (selected < 0 || selected >= int(s.findings.size())) return;
        auto& f = s.findings[std::size_t(selected)];
        ImGui::PushID(selected);
        edited(idField(ctx, "id", f.id,
                       [&](const std::string& from, const std::string& to) { return renameFinding(s, from, to); }));
        edited(ImGui::InputText("label", &f.label));
        int category = f.acrCategory;
        if (ImGui::SliderInt("category", &category, 1, 3, "%d", ImGuiSliderFlags_AlwaysClamp))
            model_.setCategory(f, category);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "ACR actionable finding: 1 minutes and verbal (default deadline 5 min, tell the trauma "
                "leader), 2 hours, 3 days (default deadline: the session end)");
        std::vector<const char*> regionIds;
        int current = -1;
        for (std::size_t k = 0; k < s.regions.size(); ++k) {
            regionIds.push_back(s.regions[k].id.c_str());
            if (s.regions[k].id == f.region) current = int(k);
        }
        if (ImGui::Combo("region", &current, regionIds.data(), int(regionIds.size())) && current >= 0) {
            f.region = s.regions[std::size_t(current)].id;
            model_.touch();
        }
        edited(ImGui::InputScalarN("centre (mm)", ImGuiDataType_Double, &f.centreLps.x, 3, nullptr, nullptr, "%.0f"));
        // Values the file format refuses are kept out, so the case saved always opens again.
        if (ImGui::InputScalarN("extent (mm)", ImGuiDataType_Double, &f.extentMm.x, 3, nullptr, nullptr, "%.0f"))
            f.extentMm = glm::max(f.extentMm, glm::dvec3(1.0)), model_.touch();
        if (ImGui::InputDouble("deadline (s)", &f.deadlineSeconds, 10, 60, "%.0f"))
            f.deadlineSeconds = std::max(1.0, f.deadlineSeconds), model_.touch();
        edited(ImGui::InputText("expert", &f.expertDescription));
        if (ImGui::Button("Move to crosshair")) f.centreLps = lps, model_.touch();
        ImGui::SameLine();
        bool remove = ImGui::Button("Delete finding");
        drawFindingDetails(ctx, f);
        ImGui::PopID();
        if (remove) {
            model_.removeFinding(std::size_t(selected));
            selected = -1;
        }
    }

    AuthoringModel& model_;
    Bindings& bindings_;
    SeriesSource images_;
    Viewer viewer_;
    AuthoringCanvas canvas_;
    AuthoringSelection selection_;
    AuthoringWidgetState widgets_;
    std::vector<std::string> seriesIds_;
    int series_ = 0;
    std::string shown_;
    std::uint64_t validatedEdits_;
    float timelineHeight_ = kTimeline;
    std::vector<scenario::Diagnostic> diagnostics_;
    std::string status_;
    std::vector<std::string> notes_;
    QuitGuard quit_;
    std::vector<SDL_Event> waitingForTyping_;  // saves and quits that wait for the typing to end
    bool finishingTyping_ = false;
    enum class SaveQuestion { None, Comments, SaveAs } saveQuestion_ = SaveQuestion::None;
    std::string saveAsPath_, saveAsError_;
};
}  // namespace

int runAuthoring(const AuthoringOptions& o) {
    // A case with errors of meaning opens, so that they can be fixed here; only a file the reader could not turn into
    // a model (TOML syntax, a value of the wrong type or out of range) is refused, since saving would lose that value.
    auto loaded = scenario::loadScenario(o.scenario);
    if (!loaded.draft) {
        const auto blocking = loaded.unreadable();
        std::string list = scenario::formatDiagnostics(blocking.empty() ? loaded.diagnostics : blocking);
        if (!list.empty() && list.back() == '\n') list.pop_back();
        throw std::runtime_error(o.scenario.string() +
                                 " cannot be opened for editing until these are fixed in a text editor:\n" + list);
    }
    AuthoringModel model(std::move(*loaded.draft), o.out.empty() ? o.scenario : o.out);
    const bool headless = !o.screenshot.empty();
    WindowOptions wo;
    wo.width = o.width;
    wo.height = o.height;
    wo.vsync = !headless;
    wo.title = "polysim authoring: " + o.scenario.filename().string();
    AppWindow window(wo);
    Bindings bindings = loadBindingsQuietly();
    AuthoringScreen screen(model, bindings, o.notes, loaded.diagnostics);
    screen.createGl();
    if (headless) {
        // The screenshot shows the screen as it opens: the pointer of whoever else uses the display (a pressed button
        // over the series list opened it) has no say.
        ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouse;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(30);
        while (!screen.images().allLoaded()) {
            SDL_Event e;
            while (SDL_PollEvent(&e)) {
            }
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
            if (i < 19)
                window.endFrame();
            else
                window.renderWithoutSwap();
        }
        writePng(o.screenshot, window.readPixels());
        window.swap();
        const auto& diagnostics = screen.diagnostics();
        int errors = 0;
        for (const auto& d : diagnostics) errors += d.severity == scenario::Diagnostic::Severity::Error;
        std::cout << "authoring screenshot: " << o.screenshot.string() << "\nfindings "
                  << model.scenario().findings.size() << ", errors " << errors << ", warnings "
                  << diagnostics.size() - std::size_t(errors) << "\n";
        screen.destroyGl();
        return 0;
    }
    bool running = true, titleUnsaved = false;
    while (running) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            ImGui_ImplSDL2_ProcessEvent(&e);
            screen.handleEvent(e);
        }
        if (model.unsaved() != titleUnsaved) {
            titleUnsaved = model.unsaved();
            SDL_SetWindowTitle(window.sdl(), ((titleUnsaved ? "* " : "") + wo.title).c_str());
        }
        window.beginFrame();
        screen.prepareFrame();
        running = screen.draw();
        window.endFrame();
    }
    screen.destroyGl();
    return 0;
}

}  // namespace polysim::gui

// The scenario library screen (see simulator_app.h): the cases with their difficulty, mechanism and the trainee's
// best total, the unfinished session offered for resuming. Also how the app reads the library and the results.
#include "gui/simulator_app.h"

#include <algorithm>
#include <cctype>

#include <imgui.h>

#include "gui/palette.h"
#include "gui/series_source.h"
#include "gui/text_fit.h"
#include "scenario/loader.h"
#include "scoring/history.h"
#include "session/event_log.h"

namespace polysim::gui {

std::optional<std::pair<fs::path, std::string>> unfinishedSession() {
    std::error_code ec;
    std::optional<std::pair<fs::path, std::string>> found;
    fs::file_time_type newest;
    for (const auto& e : fs::directory_iterator(sessionsFolder(), ec)) {
        if (e.path().extension() != ".jsonl") continue;
        try {
            auto log = session::readEventLog(e.path());
            if (log.events.empty() || log.events.front().value("event", "") != "session_start") continue;
            bool ended = false, happened = false;
            for (const auto& ev : log.events) {
                ended = ended || ev.value("event", "") == "session_end";
                happened = happened || ev.contains("action") || ev.value("t", 0.0) > 0;
            }
            if (!ended && happened && (!found || e.last_write_time() > newest)) {
                found = {e.path(), log.events.front().value("scenario", "")};
                newest = e.last_write_time();
            }
        } catch (const std::exception&) {
            // a log that cannot be read is not offered
        }
    }
    return found;
}

namespace {
// The Best column: the total as the debrief shows it (one decimal: 69.6 must not read as the pass mark of 70), and
// plainly whether it passed.
std::string bestText(const std::optional<std::pair<double, bool>>& best) {
    if (!best) return "-";
    return scoring::totalText(best->first) + (best->second ? " passed" : " - not passed");
}

// What a case whose images are not on this machine says to the trainee: that it needs its dataset, which one, and
// where to get it; the exact folder and variable stay in the tooltip (LibraryEntry::missing).
std::string availabilityText(const scenario::Scenario& s) {
    std::string dataset = s.meta.imageLicence;
    while (!dataset.empty() && std::isspace((unsigned char)dataset.front())) dataset.erase(dataset.begin());
    if (auto end = dataset.find(". "); end != std::string::npos) dataset.resize(end);
    if (auto end = dataset.find(';'); end != std::string::npos) dataset.resize(end);
    // The dataset's own folder, the first one under the variable in "${POLYSIM_DATA}/rsna-.../train_images/...".
    std::string var, folder;
    for (const auto& spec : s.images.series) {
        const std::string& text = spec.folderText;
        if (text.size() < 2 || text[0] != '$') continue;
        std::size_t from = text[1] == '{' ? 2 : 1, to = from;
        while (to < text.size() && (std::isalnum((unsigned char)text[to]) || text[to] == '_')) ++to;
        var = text.substr(from, to - from);
        std::size_t start = text.find('/', to);
        if (start != std::string::npos) folder = text.substr(start + 1, text.find('/', start + 1) - start - 1);
        break;
    }
    std::string out = "This case needs the images of its dataset";
    out += dataset.empty() ? "" : " (" + dataset + ")";
    out += ", which polysim cannot ship.";
    // The RSNA challenge datasets are published on Kaggle under the name of the folder they unpack to.
    if (folder.rfind("rsna-", 0) == 0)
        out += " Download it from kaggle.com/competitions/" + folder + ".";
    else
        out += " Get it from its publisher (see the case's image licence).";
    if (!var.empty())
        out += " Then start polysim with " + var + " set to the folder that holds " +
               (folder.empty() ? std::string("it") : folder + "/") + ".";
    return out;
}

// The Level column: the difficulty, and the training level when the case states one.
std::string levelText(const scenario::Metadata& m) {
    return m.difficulty + (m.level.empty() ? "" : ", " + m.level);
}

// Under it: the case's version and whether faculty have signed this version off.
std::string reviewText(const scenario::Metadata& m) {
    std::string v = m.version.empty() ? "no version" : "version " + m.version;
    return v + (m.signedOff() ? ", reviewed by " + m.reviewedBy + " on " + m.reviewedOn : ", draft");
}

// The difficulty ladder: beginner cases first, then by training level.
int ladderRank(const scenario::Metadata& m) {
    const int difficulty = m.difficulty == "beginner" ? 0 : m.difficulty == "advanced" ? 2 : 1;
    const int level = m.level.empty() ? 0 : m.level.back() - '0';  // not stated: first within its difficulty
    return difficulty * 100 + level;
}

// The review line under the level: a draft stands out; a signed-off case names who and when on hover.
void drawReview(const scenario::Metadata& m) {
    if (m.signedOff()) {
        ImGui::TextDisabled("%s", ("version " + m.version + ", reviewed").c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", reviewText(m).c_str());
    } else {
        ImGui::TextColored(palette::kAttention, "%s", reviewText(m).c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("No faculty member has signed this version of the case off (reviewed_by, reviewed_on).");
    }
}
}  // namespace

std::vector<LibraryCase> SimulatorApp::library() const {
    std::vector<LibraryCase> out;
    for (const auto& e : state_.library) {
        LibraryCase c{e.file, "", "", e.isDefault, e.error.empty() ? e.missing : e.error, std::nullopt, false,
                      "-",    "", "", ""};
        if (e.scenario) c.id = e.scenario->meta.id, c.title = e.scenario->meta.title;
        if (auto b = state_.best.find(c.id); b != state_.best.end()) {
            c.best = b->second.first, c.bestPassed = b->second.second;
            c.bestShown = bestText(b->second);
        }
        if (e.scenario && !e.missing.empty()) c.availability = availabilityText(*e.scenario);
        if (e.scenario) c.level = levelText(e.scenario->meta), c.review = reviewText(e.scenario->meta);
        out.push_back(std::move(c));
    }
    return out;
}

// The shipped cases, and the case given on the command line when it is not one of them (so it can be run again
// after its debrief); each with the trainee's best score and the unfinished session, if any.
void SimulatorApp::loadLibrary() {
    auto& library = state_.library;
    const RunOptions& options = state_.options;
    library.clear();
    const fs::path defaultCase = scenario::defaultScenarioPath();
    auto files = scenario::shippedScenarios();
    std::error_code ec;
    if (!options.scenario.empty() && std::none_of(files.begin(), files.end(), [&](const fs::path& f) {
            return fs::equivalent(f, options.scenario, ec);
        }))
        files.insert(files.begin(), options.scenario);
    for (const auto& f : files) {
        LibraryEntry e{f, std::nullopt, "", false, ""};
        e.isDefault = fs::equivalent(f, defaultCase, ec);
        auto r = scenario::loadScenario(f);
        if (r.scenario) {
            e.scenario = std::move(*r.scenario);
            e.missing = missingImages(*e.scenario);
        } else {
            e.error = scenario::formatDiagnostics(r.diagnostics);
        }
        library.push_back(std::move(e));
    }
    // The default case (the one `make run` opens) first, the others up the difficulty ladder (beginner to advanced,
    // then by training level), in file-name order within a step; files that do not load last.
    std::stable_partition(library.begin(), library.end(), [](const LibraryEntry& e) { return e.isDefault; });
    auto rank = [](const LibraryEntry& e) { return e.scenario ? ladderRank(e.scenario->meta) : 1000; };
    std::stable_sort(library.begin() + (library.empty() || !library.front().isDefault ? 0 : 1), library.end(),
                     [&](const LibraryEntry& a, const LibraryEntry& b) { return rank(a) < rank(b); });
    refreshLibraryState();
}

// Best scores (this trainee's, from the results history) and the session left unfinished, read again after
// each session so the library shows the one just recorded.
void SimulatorApp::refreshLibraryState() {
    auto& best = state_.best;
    best.clear();
    try {
        scoring::History history(scoring::defaultResultsLocation());
        for (const auto& h : history.entries(state_.trainee))
            if (auto b = best.find(h.scenarioId); b == best.end() || h.total > b->second.first)
                best[h.scenarioId] = {h.total, h.passed};
    } catch (const std::exception& e) {
        state_.warning = e.what();
    }
    state_.unfinished = unfinishedSession();
}

namespace {
class LibraryScreen : public AppScreen {
public:
    explicit LibraryScreen(SimulatorApp& app) : app_(app) {}
    Simulator::Screen kind() const override { return Simulator::Screen::Library; }
    void draw(double) override;

private:
    SimulatorApp& app_;
};

void LibraryScreen::draw(double) {
    AppState& st = app_.state();
    auto& library = st.library;
    auto& unfinished = st.unfinished;
    SimulatorApp::fullScreenWindow("##library");
    ImGui::TextUnformatted("polysim - polytrauma CT reading room");
    ImGui::TextDisabled("Choose a case. Images, team interruptions and scoring follow the scenario file.");
    ImGui::TextDisabled("Best: %s's best total in the results history.",
                        st.trainee.empty() ? "the unnamed trainee" : st.trainee.c_str());
    ImGui::Separator();
    if (ImGui::BeginTable("scenarios", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
        ImGui::TableSetupColumn("Case");
        ImGui::TableSetupColumn("Level", ImGuiTableColumnFlags_WidthFixed, 190);
        ImGui::TableSetupColumn("Best", ImGuiTableColumnFlags_WidthFixed, 140);
        ImGui::TableSetupColumn("Mechanism");
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 80);
        ImGui::TableHeadersRow();
        for (auto& e : library) {
            ImGui::TableNextRow();
            ImGui::PushID(e.file.string().c_str());
            ImGui::TableNextColumn();
            if (!e.scenario) {
                ImGui::TextColored(palette::kError, "%s", e.file.filename().string().c_str());
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                wrappedText(e.error);
                ImGui::TableNextColumn();
            } else if (!e.missing.empty()) {
                // Listed, so the user knows it exists and what it needs, but it cannot be started.
                ImGui::TextDisabled("%s", e.scenario->meta.title.c_str());
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", levelText(e.scenario->meta).c_str());
                ImGui::TextDisabled("%s", reviewText(e.scenario->meta).c_str());
                ImGui::TableNextColumn();
                ImGui::TextDisabled("-");
                ImGui::TableNextColumn();
                ImGui::PushStyleColor(ImGuiCol_Text, palette::kUnavailable);
                wrappedText(availabilityText(*e.scenario));
                ImGui::PopStyleColor();
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.missing.c_str());
                ImGui::TableNextColumn();
                ImGui::TextDisabled("no images");
                app_.noteControl("unavailable:" + e.scenario->meta.id);
            } else {
                if (e.isDefault) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, palette::kDefaultCaseRow);
                ImGui::TextUnformatted(e.scenario->meta.title.c_str());
                if (e.isDefault) ImGui::TextColored(palette::kDone, "Default case (polysim run)");
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(levelText(e.scenario->meta).c_str());
                drawReview(e.scenario->meta);
                ImGui::TableNextColumn();
                if (auto b = st.best.find(e.scenario->meta.id); b == st.best.end())
                    ImGui::TextDisabled("-");
                else if (b->second.second)
                    ImGui::TextColored(palette::kDone, "%s", bestText(b->second).c_str());
                else
                    ImGui::TextColored(palette::kError, "%s", bestText(b->second).c_str());
                ImGui::TableNextColumn();
                ImGui::TextWrapped("%s", e.scenario->patient.mechanism.c_str());
                ImGui::TableNextColumn();
                bool open = ImGui::Button("Open");
                app_.noteControl("open:" + e.scenario->meta.id);
                if (open) app_.openBriefing(*e.scenario);  // a copy: the library keeps its entry for "Back"
            }
            ImGui::PopID();
            if (app_.leaving()) break;
        }
        ImGui::EndTable();
    }
    if (library.empty()) ImGui::TextUnformatted("No scenarios found (see POLYSIM_SCENARIOS).");
    if (unfinished) {
        ImGui::Separator();
        ImGui::PushStyleColor(ImGuiCol_Text, palette::kAttention);
        wrappedText("An unfinished session of '" + unfinished->second + "' was found: " + unfinished->first.string());
        ImGui::PopStyleColor();
        for (auto& e : library) {
            if (!e.scenario || e.scenario->meta.id != unfinished->second) continue;
            bool resume = ImGui::Button("Resume it");
            app_.noteControl("resume");
            if (resume) {
                st.images.reset();  // reads the scenario being replaced
                st.scenario = *e.scenario;
                app_.startReading(unfinished->first);
                break;
            }
        }
        ImGui::SameLine();
        if (ImGui::Button("Ignore")) unfinished.reset();
    }
    ImGui::End();
}
}  // namespace

std::unique_ptr<AppScreen> makeLibraryScreen(SimulatorApp& app) {
    return std::make_unique<LibraryScreen>(app);
}

}  // namespace polysim::gui

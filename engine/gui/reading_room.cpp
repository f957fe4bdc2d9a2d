// The reading room (see reading_room.h): viewer input becomes session commands; session state becomes the HUD.
#include "gui/reading_room.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "phantom/phantom.h"
#include "scenario/internal.h"
#include "session/lexicon.h"
#include "session/matching.h"
#include "session/resume.h"

namespace polysim::gui {
namespace {
constexpr float kTopBar = 46.f;
constexpr float kLeftPanel = 340.f;
constexpr ImU32 kAlertBackground = IM_COL32(150, 20, 20, 255);

std::string clockText(double seconds) {
    char b[32];
    int s = int(seconds);
    std::snprintf(b, sizeof b, "%02d:%02d", s / 60, s % 60);
    return b;
}

// One heartbeat of a stylised ECG (0..1 through the beat) for the monitor trace.
double ecg(double phase) {
    auto bump = [&](double c, double w, double h) { return h * std::exp(-std::pow((phase - c) / w, 2)); };
    return bump(0.12, 0.025, 0.15) - bump(0.22, 0.008, 0.15) + bump(0.24, 0.012, 1.0) - bump(0.27, 0.01, 0.25) +
           bump(0.5, 0.05, 0.3);
}

// The deterioration the session fired for a finding: the first one the scenario gives it.
const scenario::Deterioration* deteriorationOf(const scenario::Scenario& s, const std::string& finding) {
    for (const auto& d : s.patient.deteriorations)
        if (d.findingId == finding) return &d;
    return nullptr;
}

double alongNormal(session::Plane p, const glm::dvec3& lps) {
    return p == session::Plane::Axial ? lps.z : p == session::Plane::Coronal ? lps.y : lps.x;
}
}  // namespace

namespace {
// The colour of each role the scenario reader knows (scenario::detail::knownRoles) in the room.
constexpr std::pair<std::string_view, ImU32> kRoleColours[] = {
    {"trauma_leader", IM_COL32(200, 60, 60, 255)},      {"neurosurgeon", IM_COL32(120, 80, 200, 255)},
    {"anaesthetist", IM_COL32(40, 150, 90, 255)},       {"vascular_surgeon", IM_COL32(200, 110, 30, 255)},
    {"visceral_surgeon", IM_COL32(190, 160, 30, 255)},  {"thoracic_surgeon", IM_COL32(30, 160, 170, 255)},
    {"orthopaedic_surgeon", IM_COL32(120, 170, 40, 255)}, {"neurologist", IM_COL32(60, 120, 200, 255)},
    {"emergency_physician", IM_COL32(170, 60, 170, 255)}, {"radiographer", IM_COL32(110, 170, 230, 255)},
    {"nurse", IM_COL32(200, 90, 160, 255)},             {"phone", IM_COL32(100, 130, 160, 255)},
    {"pager", IM_COL32(170, 140, 100, 255)},
};
}  // namespace

ImU32 roleColour(const std::string& role) {
    const std::string_view r = role == "anaesthesiologist" ? std::string_view("anaesthetist") : std::string_view(role);
    for (const auto& [id, colour] : kRoleColours)
        if (id == r) return colour;
    // A role the scenario reader only warns about: a colour of its own from its name, never the grey of nothing.
    const float hue = float(std::hash<std::string>{}(role) % 360) / 360.f;
    float red, green, blue;
    ImGui::ColorConvertHSVtoRGB(hue, 0.6f, 0.75f, red, green, blue);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(red, green, blue, 1));
}

bool pickerOffers(const phantom::InjuryInfo& injury, const std::string& search) {
    return session::matchesSearch(injury.label, search) ||
           std::any_of(injury.synonyms.begin(), injury.synonyms.end(),
                       [&](const std::string& s) { return session::matchesSearch(s, search); });
}

bool pickerOffers(const session::Diagnosis& diagnosis, const std::string& search) {
    return session::matchesSearch(diagnosis.label, search) ||
           std::any_of(diagnosis.names.begin(), diagnosis.names.end(),
                       [&](const std::string& s) { return session::matchesSearch(s, search); });
}

Announcement splitAnnouncement(const std::string& text) {
    Announcement a{"", text};
    const auto colon = text.find(": ");
    if (colon == std::string::npos || colon > 40) return a;
    std::string speaker = text.substr(0, colon), id;
    for (char c : speaker) id += c == ' ' ? '_' : char(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& r : scenario::detail::knownRoles()) {
        std::string title;
        for (char c : scenario::roleTitle(r)) title += c == ' ' ? '_' : char(std::tolower(static_cast<unsigned char>(c)));
        if (id == r || id == title) a.role = r;
    }
    if (a.role.empty() && id == "anaesthesiologist") a.role = "anaesthetist";
    if (a.role.empty()) return a;
    std::string words = text.substr(colon + 2);
    if (words.size() >= 2 && (words.front() == '\'' || words.front() == '"') && words.back() == words.front())
        words = words.substr(1, words.size() - 2);
    a.words = words;
    return a;
}

std::vector<std::string> callRoles(const scenario::Scenario& scenario, std::size_t* caseRoles) {
    std::vector<std::string> roles;
    auto add = [&](const std::string& r) {
        if (!r.empty() && r != "phone" && r != "pager" && std::find(roles.begin(), roles.end(), r) == roles.end())
            roles.push_back(r);
    };
    for (const auto& f : scenario.findings)
        for (const auto& r : f.tell) add(r);
    for (const auto& in : scenario.interruptions) add(in.role);
    if (caseRoles) *caseRoles = roles.size();
    for (const auto& r : scenario::detail::knownRoles()) add(r);
    return roles;
}

ReadingRoom::ReadingRoom(const scenario::Scenario& scenario, const ReadingRoomOptions& options, Bindings& bindings)
    : scenario_(scenario), options_(options), bindings_(bindings), images_(scenario) {
    callRoles_ = callRoles(scenario, &caseRoles_);
    callRole_ = callRoles_.front();
    if (options.log.has_parent_path()) std::filesystem::create_directories(options.log.parent_path());
    if (options.resume && std::filesystem::exists(options.log)) {
        // The engine replays the logged actions; the room then carries on from the last logged moment.
        auto resumed = session::resumeSession(scenario, clock_, options.log);
        actionsReplayed_ = resumed.actionsReplayed;
        log_ = std::move(resumed.log);
        session_ = std::move(resumed.session);
        std::string warnings;
        for (const auto& w : resumed.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
        setStatus(warnings);
        if (audio_ == nullptr && options.sound) audio_ = std::make_unique<RoomAudio>();
        viewer_.onChange = [this](const ViewState& v, std::string_view command) { onViewerChange(v, command); };
        return;
    }
    log_ = std::make_unique<session::EventLog>(options.log, false);
    // The same options `polysim play` gives the session, so a scripted run logs identically in both.
    session::SessionOptions so;
    so.trainee = options.trainee;
    if (so.trainee.empty()) so.trainee = session::defaultTrainee();
    so.exam = options.examMode;  // no quick answers: every answer in the trainee's own words
    if (scenario.images.phantom) so.fieldOfViewMm = scenario.images.phantom->fieldOfViewMm;
    session_ = std::make_unique<session::Session>(scenario, clock_, *log_, so);
    if (options.sound) audio_ = std::make_unique<RoomAudio>();
    viewer_.onChange = [this](const ViewState& v, std::string_view command) { onViewerChange(v, command); };
}

ReadingRoom::~ReadingRoom() = default;

std::vector<std::string> ReadingRoom::scriptRefusals() const {
    return script_ ? script_->refused() : std::vector<std::string>{};
}

void ReadingRoom::apply(const session::Command& c) {
    session_->update();
    auto r = session_->apply(c);
    if (!r.accepted) setStatus(std::string(session::commandName(c)) + " refused: " + r.reason);
    else if (!r.notice.empty()) setStatus(r.notice);  // a call or answer the session could not link to a finding
}

void ReadingRoom::setStatus(std::string text) {
    status_ = std::move(text);
    statusAt_ = clock_.now();
}

void ReadingRoom::drawStatus() {
    const double age = clock_.now() - statusAt_;
    if (status_.empty() || age > kStatusSeconds) return;
    // Over the foot of the axial view, above its window and HU lines; fading out in its last two seconds.
    const ImageRect axial = viewer_.viewBounds(Plane::Axial);
    const bool laidOut = axial.size().x > 0;
    ImGuiIO& io = ImGui::GetIO();
    const float width = laidOut ? float(axial.size().x) - 40 : io.DisplaySize.x - kLeftPanel - 40;
    const float centreX = laidOut ? float(axial.min.x + axial.max.x) * 0.5f : (kLeftPanel + io.DisplaySize.x) * 0.5f;
    ImGui::SetNextWindowPos(ImVec2(centreX, io.DisplaySize.y - 60), ImGuiCond_Always, ImVec2(0.5f, 1));
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(width, io.DisplaySize.y * 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_Alpha, float(std::clamp((kStatusSeconds - age) / 2.0, 0.0, 1.0)));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
    ImGui::PushTextWrapPos(width - 16);
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", status_.c_str());
    ImGui::PopTextWrapPos();
    controls_["status"] = {ImGui::GetWindowPos(),
                           ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(),
                                  ImGui::GetWindowPos().y + ImGui::GetWindowHeight())};
    ImGui::End();
    ImGui::PopStyleVar();
}

void ReadingRoom::advanceBy(double seconds) {
    if (images_.preparing()) return;  // the scan has not started while the phantom is still being made
    clock_.advanceBy(seconds);
    if (script_) script_->playUntil(*session_, clock_, clock_.now());
    session_->update();
}

void ReadingRoom::advanceTo(double seconds) {
    if (script_) script_->playUntil(*session_, clock_, seconds);
    session_->advanceTo(seconds);
}

void ReadingRoom::finishScripted() {
    if (script_) script_->playUntil(*session_, clock_, 1e12);
    if (!session_->ended()) {
        double end = scenario_.durationSeconds > 0 ? scenario_.durationSeconds : clock_.now();
        session_->advanceTo(std::max(end, clock_.now()));
    }
}

glm::dvec3 ReadingRoom::lpsOf(glm::dvec3 ijk) const {
    return viewer_.volume() ? viewer_.volume()->geometry().indexToPatient(ijk) : glm::dvec3(0.0);
}

std::optional<glm::dvec2> ReadingRoom::panCentreMm(Plane p) const {
    const auto* vol = viewer_.volume();
    if (!vol) return std::nullopt;
    // fitImage zooms about the view's centre and then shifts by the pan: the view's centre is the image rectangle's
    // centre less the pan.
    ImageRect rect = viewer_.imageRect(p);
    glm::dvec2 centrePx = (rect.min + rect.max) * 0.5 - viewer_.pan(p);
    if (rect.size().x <= 0 || rect.size().y <= 0) return std::nullopt;  // not laid out, or hidden by a projection
    const auto& g = vol->geometry();
    glm::dvec3 ijk = PlaneMapping::of(p, g).voxelAt(rect.toUv(centrePx), viewer_.cursor(), vol->dims());
    glm::dvec3 lps = g.indexToPatient(ijk);
    return p == Plane::Axial ? glm::dvec2(lps.x, lps.y) : p == Plane::Coronal ? glm::dvec2(lps.x, lps.z)
                                                                             : glm::dvec2(lps.y, lps.z);
}

void ReadingRoom::panViewerTo(Plane p, glm::dvec2 centreMm) {
    const auto* vol = viewer_.volume();
    if (!vol) return;
    ImageRect rect = viewer_.imageRect(p);
    if (rect.size().x <= 0 || rect.size().y <= 0) return;
    const auto& g = vol->geometry();
    glm::dvec3 lps = g.indexToPatient(viewer_.cursor());
    if (p == Plane::Axial) lps.x = centreMm.x, lps.y = centreMm.y;
    else if (p == Plane::Coronal) lps.x = centreMm.x, lps.z = centreMm.y;
    else lps.y = centreMm.x, lps.z = centreMm.y;
    glm::dvec2 at = rect.toPixels(PlaneMapping::of(p, g).uvOf(g.patientToIndex(lps), vol->dims()));
    glm::dvec2 centrePx = (rect.min + rect.max) * 0.5 - viewer_.pan(p);
    viewer_.execute("view.pan", p, centrePx - at);  // moves that point to the view's centre
}

void ReadingRoom::followPlane(Plane p) {
    if (session_->view().plane != p) apply(session::SetPlane{p});
    sendZoomAndPan(p);
}

void ReadingRoom::sendZoomAndPan(Plane p) {
    const auto& sv = session_->view();
    double zoom = viewer_.zoom(p);
    if (std::abs(sv.zoom - zoom) >= 5e-4) apply(session::SetZoom{zoom});
    lastPanSent_ = clock_.now();
    // A whole, centred image says nothing about a centre: the pan matters once the view is zoomed or moved.
    if (zoom <= 1.0 && viewer_.pan(p) == glm::dvec2(0.0)) return;
    auto centre = panCentreMm(p);
    if (centre && glm::length(sv.panMm - *centre) >= 5e-4) apply(session::SetPan{*centre});
}

void ReadingRoom::sendWindow() {
    lastWindowSent_ = clock_.now();
    // The session keeps a window to the thousandth of a HU: closer than that it is the same window.
    const auto w = viewer_.window(), sw = session_->view().window;
    if (std::abs(w.width - sw.width) >= 5e-4 || std::abs(w.level - sw.level) >= 5e-4) {
        const auto* preset = imaging::presetOf(w);
        apply(session::SetWindow{preset ? std::string(preset->name) : "", w});
    }
    agreedWindow_ = session_->view().window;
}

bool ReadingRoom::showingProjection() const {
    const auto* vol = viewer_.volume();
    return vol && (vol->dims().x == 1 || vol->dims().y == 1 || vol->dims().z == 1);
}

void ReadingRoom::sendPreset(std::string_view preset, const imaging::Window& w) {
    apply(session::SetWindow{std::string(preset), w});
    lastWindowSent_ = clock_.now();
    agreedWindow_ = session_->view().window;
}

void ReadingRoom::showComputedScout(bool shown) {
    shown = shown && computedScoutOffered();
    if (computedScoutShown_ && !shown) {
        // The session's series, window and all, comes back on the next frame.
        shownSeries_.clear();
        agreedWindow_ = {0, 0};
    }
    computedScoutShown_ = shown;
}

void ReadingRoom::openSeries(const scenario::SeriesSpec& spec) {
    const bool wasScout = session_->view().projection;
    if (!wasScout) windowBeforeScout_ = {session_->view().preset, session_->view().window};
    apply(session::OpenSeries{spec.id});
    const auto& sv = session_->view();
    // A scout opens in the window its DICOM header carries (a projection's values run far above a slice's); back on
    // the slices, the window they had returns, unless the trainee chose another on the scout. Both are windows the
    // trainee sees, so both reach the session as window actions.
    if (sv.projection && !wasScout && !(sv.window == kScoutWindow)) apply(session::SetWindow{"", kScoutWindow});
    else if (!sv.projection && wasScout && sv.window == kScoutWindow && windowBeforeScout_)
        apply(session::SetWindow{windowBeforeScout_->first, windowBeforeScout_->second});
}

void ReadingRoom::noteControl(const std::string& name) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    controls_[name] = {a, b};
}

std::optional<std::pair<ImVec2, ImVec2>> ReadingRoom::controlRect(const std::string& name) const {
    auto it = controls_.find(name);
    if (it == controls_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::pair<float, float>> ReadingRoom::controlCentre(const std::string& name) const {
    auto r = controlRect(name);
    if (!r) return std::nullopt;
    return std::make_pair((r->first.x + r->second.x) * 0.5f, (r->first.y + r->second.y) * 0.5f);
}

bool ReadingRoom::computedScoutOffered() const {
    return std::none_of(scenario_.images.series.begin(), scenario_.images.series.end(),
                        [](const auto& s) { return s.kind == "scout"; }) &&
           images_.volume(kComputedScoutId) != nullptr;
}

void ReadingRoom::onViewerChange(const ViewState& v, std::string_view command) {
    if (syncing_) return;
    const auto& sv = session_->view();
    if (computedScoutShown_) {
        // Not a session series: only its window means something to the session.
        if (command.starts_with("window.preset.")) sendPreset(command.substr(14), v.window);
        else if (command == "window.adjust" && clock_.now() - lastWindowSent_ >= kDragLogSeconds) sendWindow();
        windowDragged_ = windowDragged_ || command == "window.adjust";
        return;
    }
    if (command.starts_with("slice.")) {
        followPlane(v.plane);
        apply(session::SetPosition{alongNormal(v.plane, v.cursorLps)});
    } else if (command == "crosshair.move") {
        double mm = alongNormal(sv.plane, v.cursorLps);
        if (std::abs(mm - alongNormal(sv.plane, sv.cursor)) > 1e-6) apply(session::SetPosition{mm});
    } else if (command.starts_with("window.preset.")) {
        sendPreset(command.substr(14), v.window);
    } else if (command == "view.reset") {
        if (!(sv.window == v.window)) sendPreset("soft_tissue", v.window);
        sendZoomAndPan(sv.plane);
    } else if (showingProjection() && (command.starts_with("view.zoom") || command == "view.pan")) {
        // A scout is one image the session does not read by plane or zoom: its zoom stays the viewer's.
    } else if (command.starts_with("view.zoom")) {
        followPlane(v.plane);  // zooming about the mouse moves the centre too
    } else if (command == "view.pan") {
        // Dragged: while the button is held, at most every kDragLogSeconds; the release sends the last position.
        if (sv.plane != v.plane || clock_.now() - lastPanSent_ >= kDragLogSeconds) followPlane(v.plane);
    } else if (command == "window.adjust") {
        windowDragged_ = true;
        if (clock_.now() - lastWindowSent_ >= kDragLogSeconds) sendWindow();
    }
    agreed_ = {session_->view().plane, session_->view().zoom, session_->view().panMm};
}

void ReadingRoom::handleEvent(const SDL_Event& e) {
    if (captureChord(e)) return;
    const ImGuiIO& io = ImGui::GetIO();
    if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT && e.button.clicks == 2 &&
        !io.WantCaptureMouse) {
        if (auto p = viewer_.probe({e.button.x, e.button.y})) {
            pickerOpen_ = true;
            pickerLps_ = p->lps;
            pickerSearch_.clear();
            return;
        }
    }
    std::string cmd = viewer_.handleEvent(e, bindings_, io.WantCaptureMouse, io.WantCaptureKeyboard);
    if (cmd == "finding.mark") {
        pickerOpen_ = true;
        pickerLps_ = lpsOf(viewer_.cursor());
        pickerSearch_.clear();
    }
    if (e.type == SDL_MOUSEBUTTONUP && viewer_.volume() && !syncing_) {
        // The end of a drag: the session gets where it stopped.
        if (std::exchange(windowDragged_, false)) sendWindow();
        if (computedScoutShown_ || showingProjection()) return;
        sendZoomAndPan(session_->view().plane);
        agreed_ = {session_->view().plane, session_->view().zoom, session_->view().panMm};
    }
}

void ReadingRoom::syncViewerFromSession() {
    syncing_ = true;
    const auto& sv = session_->view();
    if (computedScoutShown_ && shownSeries_ != kComputedScoutId) {
        viewer_.setVolume(images_.volume(kComputedScoutId), "Scout (computed from the body series)");
        std::vector<RegionBand> bands;
        for (const auto& r : scenario_.regions)
            if (r.series.empty()) bands.push_back({r.label, r.zFromMm, r.zToMm});
        viewer_.setRegions(std::move(bands));
        viewer_.setArrivedImages(-1);
        // A projection's values run far above a slice's (bone along the whole path): shown in the window the
        // phantom's scout carries in its DICOM header, not in the soft-tissue window of the slices. Until the
        // trainee changes it, it is the viewer's alone.
        viewer_.setWindow(kScoutWindow);
        shownSeries_ = kComputedScoutId;
    }
    if (!computedScoutShown_ && !sv.series.empty() && sv.series != shownSeries_) {
        if (auto vol = images_.volume(sv.series)) {
            std::string label = sv.series;
            for (const auto& s : scenario_.images.series)
                if (s.id == sv.series) label = s.label;
            viewer_.setVolume(vol, label);
            std::vector<RegionBand> bands;
            for (const auto& r : scenario_.regions)
                if (session::seriesShowsRegion(sv.series, r)) bands.push_back({r.label, r.zFromMm, r.zToMm});
            viewer_.setRegions(std::move(bands));
            shownSeries_ = sv.series;
        } else if (viewer_.volume()) {
            // The session has opened a series whose images are still being read: the viewer must not go on
            // showing the previous one as if it were this one.
            viewer_.setVolume(nullptr, "");
            shownSeries_.clear();
        }
    }
    if (viewer_.volume() && sv.series == shownSeries_) {
        // The session's slice (along its plane) and window are the truth; the in-plane crosshair is the viewer's.
        const auto& g = viewer_.volume()->geometry();
        glm::dvec3 want = g.patientToIndex(sv.cursor);
        glm::dvec3 c = viewer_.cursor();
        int axis = PlaneMapping::of(sv.plane, g).normalAxis;
        if (std::abs(c[axis] - want[axis]) > 0.5) {
            c[axis] = want[axis];
            viewer_.setCursor(c);
        }
        // Likewise the window: between the throttled updates of a drag the viewer is ahead of the session.
        if (!(sv.window == agreedWindow_)) {
            viewer_.setWindow(sv.window);
            agreedWindow_ = sv.window;
        }
        // Zoom and pan follow the session only when the session changed them (a script, a resumed log); the
        // trainee's own zoom and pan reached the session through onViewerChange and stay as they are.
        AgreedView now{sv.plane, sv.zoom, sv.panMm};
        if (!agreedWithVolume_ || !(now == agreed_)) {
            if (!agreedWithVolume_ || now.zoom != agreed_.zoom || now.plane != agreed_.plane)
                viewer_.setZoom(sv.plane, sv.zoom);
            if (!agreedWithVolume_ ? sv.panMm != glm::dvec2(0.0) : now.panMm != agreed_.panMm)
                panViewerTo(sv.plane, sv.panMm);
            agreed_ = now;
            agreedWithVolume_ = true;
        }
        // Scenario arrival: images reach the viewer top-down over the series' arrival time.
        for (const auto& st : session_->seriesStates())
            if (st.spec && st.spec->id == shownSeries_)
                viewer_.setArrivedImages(st.arrivedFraction >= 1.0 ? -1
                                                                   : int(std::floor(st.arrivedFraction *
                                                                                    viewer_.sliceCount(Plane::Axial))));
    }
    std::vector<std::pair<glm::dvec3, std::string>> marks;
    for (const auto& m : session_->marks()) marks.emplace_back(m.lps, m.id + " " + m.label);
    viewer_.setMarks(std::move(marks));
    syncing_ = false;
}

bool ReadingRoom::prepareFrame() {
    images_.poll();
    // Laid out before the sync: a pan the session asks for is placed in the views as they are on screen.
    ImGuiIO& io = ImGui::GetIO();
    viewer_.layout({kLeftPanel + 8, kTopBar + 6},
                   {io.DisplaySize.x - kLeftPanel - 14, io.DisplaySize.y - kTopBar - 12});
    syncViewerFromSession();
    speakNewInterruptions();
    refreshCoverage(false);
    return viewer_.prepareFrame();
}

void ReadingRoom::speakNewInterruptions() {
    for (const auto& a : session_->activeInterruptions()) {
        if (!a.spec) continue;
        auto it = spoken_.find(a.spec->id);
        if (it != spoken_.end() && it->second == std::make_pair(a.repeats, a.escalated)) continue;
        spoken_[a.spec->id] = {a.repeats, a.escalated};
        if (!audio_) continue;
        if (a.spec->role == "phone" || a.spec->role == "pager") audio_->ring(a.spec->role == "pager");
        if (!a.saying.empty() && a.spec->kind != scenario::InterruptionKind::Noise) audio_->say(a.spec->role, a.saying);
    }
    for (const auto& [finding, at] : session_->deteriorationsFired()) {
        if (!announced_.emplace(finding, at).second || session_->now() - at > kAlertSeconds) continue;
        const auto* d = deteriorationOf(scenario_, finding);
        if (audio_ && d && !d->announcement.empty()) {
            auto a = splitAnnouncement(d->announcement);
            audio_->say(a.role.empty() ? "trauma_leader" : a.role, a.words);
        }
    }
}

void ReadingRoom::refreshCoverage(bool force) {
    if (options_.examMode) return;
    // Scoring replays the whole log; it runs on a worker thread so scrolling never waits for it.
    if (pendingCoverage_.valid() &&
        (force || pendingCoverage_.wait_for(std::chrono::seconds(0)) == std::future_status::ready)) {
        try {
            coverage_ = pendingCoverage_.get();
        } catch (const std::exception& e) {
            setStatus(std::string("coverage: ") + e.what());
        }
    }
    uint32_t now = SDL_GetTicks();
    std::size_t n = log_->events().size();
    if (pendingCoverage_.valid() || n == coverageEvents_ || (!force && now - coverageTicks_ < 1000)) return;
    coverageEvents_ = n;
    coverageTicks_ = now;
    pendingCoverage_ = std::async(std::launch::async, [this, events = log_->events()] {
        return scoring::scoreSession(scenario_, events);
    });
    if (force) refreshCoverage(true);
}

void ReadingRoom::drawViewerPlaceholder() {
    if (viewer_.volume()) return;
    // No image yet: say why, in the middle of the viewer, rather than leave a black screen.
    const auto& sv = session_->view();
    std::string line1, line2;
    if (!sv.series.empty()) {
        std::string label = sv.series;
        for (const auto& s : scenario_.images.series)
            if (s.id == sv.series) label = s.label;
        line1 = "Loading " + label + " ...";
        line2 = "The images show as soon as they are read.";
    } else {
        line1 = "Waiting for the scanner";
        bool arrived = false;
        for (const auto& st : session_->seriesStates()) arrived = arrived || (st.spec && st.arrivedFraction > 0);
        line2 = arrived ? "Open an arrived series from the top bar."
                        : "The first series opens by itself when it arrives.";
    }
    ImGuiIO& io = ImGui::GetIO();
    ImDrawList* l = ImGui::GetBackgroundDrawList();
    ImVec2 centre((kLeftPanel + io.DisplaySize.x) * 0.5f, (kTopBar + io.DisplaySize.y) * 0.5f);
    ImVec2 s1 = ImGui::CalcTextSize(line1.c_str()), s2 = ImGui::CalcTextSize(line2.c_str());
    l->AddText(ImVec2(centre.x - s1.x * 0.5f, centre.y - s1.y - 2), IM_COL32(230, 200, 120, 255), line1.c_str());
    l->AddText(ImVec2(centre.x - s2.x * 0.5f, centre.y + 4), IM_COL32(170, 170, 170, 255), line2.c_str());
}

void ReadingRoom::draw() {
    controls_.clear();
    viewer_.draw(ImGui::GetBackgroundDrawList());
    drawViewerPlaceholder();
    drawTopBar();
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, kTopBar));
    ImGui::SetNextWindowSize(ImVec2(kLeftPanel, io.DisplaySize.y - kTopBar));
    ImGui::Begin("##hud", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                       ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    // The monitor, the presets and the actions at the foot keep their places at any window height; the reading
    // order and the findings and calls share what is left, each scrolling inside its own region.
    drawVitals(ImGui::GetCursorScreenPos(), ImVec2(kLeftPanel - 16, io.DisplaySize.y >= 800 ? 150.f : 132.f));
    drawPresets();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float lists = std::max(3 * ImGui::GetFrameHeightWithSpacing(),
                                 ImGui::GetContentRegionAvail().y - actionsHeight_ - spacing);
    float findings = lists;
    if (!options_.examMode) {
        // The checklist at its full height while the findings keep at least 150 px (or half of the room).
        const float checklist = std::min(checklistHeight_, std::max(lists - 150.f, lists * 0.5f));
        drawChecklist(checklist);
        findings = lists - checklist - spacing;
    }
    drawFindings(findings);
    const float actionsTop = ImGui::GetCursorPosY();
    drawConclusion();
    actionsHeight_ = ImGui::GetCursorPosY() - actionsTop;
    ImGui::End();
    drawBubbles();
    drawStatus();
    drawMarkPicker();
    drawBindings();
}

bool ReadingRoom::captureChord(const SDL_Event& e) {
    if (capturing_.empty()) return false;
    const CommandInfo* info = findBindableCommand(capturing_);
    Chord c;
    c.kind = info->kind;
    if (e.type == SDL_KEYDOWN && info->kind == CommandKind::Key) {
        SDL_Keycode k = e.key.keysym.sym;
        if (k == SDLK_LCTRL || k == SDLK_RCTRL || k == SDLK_LSHIFT || k == SDLK_RSHIFT || k == SDLK_LALT ||
            k == SDLK_RALT)
            return true;  // wait for the key the modifiers go with
        if (k == SDLK_ESCAPE) {
            capturing_.clear();
            return true;
        }
        c.key = k;
        c.mods = modifiersFromSdl(e.key.keysym.mod);
    } else if (e.type == SDL_MOUSEWHEEL && info->kind == CommandKind::Wheel) {
        c.mods = modifiersFromSdl(uint16_t(SDL_GetModState()));
    } else if (e.type == SDL_MOUSEBUTTONDOWN && info->kind == CommandKind::Drag && !ImGui::GetIO().WantCaptureMouse) {
        c.button = e.button.button;
        c.mods = modifiersFromSdl(uint16_t(SDL_GetModState()));
    } else {
        return e.type == SDL_KEYDOWN;  // keys do nothing else while capturing
    }
    bindings_.set(capturing_, {c});
    try {
        bindings_.save(defaultBindingsFile());
        bindingsStatus_ = capturing_ + " = " + c.toString() + ", saved to " + defaultBindingsFile().string();
    } catch (const std::exception& ex) {
        bindingsStatus_ = ex.what();
    }
    capturing_.clear();
    return true;
}

void ReadingRoom::drawBindings() {
    if (!bindingsOpen_) return;
    ImGui::SetNextWindowSize(ImVec2(620, 560), ImGuiCond_Appearing);
    ImGui::Begin("Keys and mouse", &bindingsOpen_);
    ImGui::TextWrapped("Every action is a named command. Click a chord to rebind it, then press the key, turn the wheel "
                       "or press the mouse button over the image (Escape cancels). Saved in %s.",
                       defaultBindingsFile().string().c_str());
    if (!bindingsStatus_.empty()) ImGui::TextColored(ImVec4(0.5f, 1, 0.6f, 1), "%s", bindingsStatus_.c_str());
    if (ImGui::BeginTable("bindings", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, ImVec2(0, -34))) {
        ImGui::TableSetupColumn("command");
        ImGui::TableSetupColumn("chords");
        ImGui::TableSetupColumn("what it does");
        ImGui::TableHeadersRow();
        for (const auto& info : bindableCommands()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(info.name).c_str());
            ImGui::TableNextColumn();
            std::string chords;
            for (const auto& c : bindings_.chordsOf(info.name)) chords += (chords.empty() ? "" : ", ") + c.toString();
            if (capturing_ == info.name) chords = "press...";
            if (chords.empty()) chords = "(none)";
            if (ImGui::SmallButton((chords + "##" + std::string(info.name)).c_str())) capturing_ = info.name;
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(info.description).c_str());
        }
        ImGui::EndTable();
    }
    if (ImGui::Button("Restore the defaults")) {
        bindings_ = Bindings::defaults();
        try {
            bindings_.save(defaultBindingsFile());
            bindingsStatus_ = "defaults restored";
        } catch (const std::exception& ex) {
            bindingsStatus_ = ex.what();
        }
    }
    ImGui::End();
}

void ReadingRoom::drawTopBar() {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, kTopBar));
    ImGui::Begin("##top", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImFont* big = io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr;
    if (big) ImGui::PushFont(big);
    ImGui::TextColored(ImVec4(0.4f, 1.0f, 0.5f, 1.0f), "T+ %s", clockText(session_->now()).c_str());
    if (big) ImGui::PopFont();
    // Laid out by the widths things have: the Keys button at the right edge, the title and the series buttons
    // shortened (full text in a tooltip) when they would not fit before it.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float keysWidth = ImGui::CalcTextSize("Keys").x + 2 * style.FramePadding.x;
    const float keysX = io.DisplaySize.x - keysWidth - style.WindowPadding.x;
    ImGui::SameLine(130);
    const std::string title = fitText(scenario_.meta.title, (keysX - 130) * 0.3f);
    ImGui::TextUnformatted(title.c_str());
    if (title != scenario_.meta.title && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", scenario_.meta.title.c_str());
    ImGui::SameLine(0, 24);
    struct SeriesButton {
        const session::SeriesState* state;
        std::string label, tip;
    };
    std::vector<SeriesButton> buttons;
    const auto states = session_->seriesStates();
    for (const auto& st : states) {
        if (!st.spec) continue;
        char progress[32] = "";
        if (st.arrivedFraction > 0 && st.arrivedFraction < 1)
            std::snprintf(progress, sizeof progress, " %d%%", int(st.arrivedFraction * 100));
        const char* state = st.arrivedFraction <= 0 ? " (awaited)" : st.arrivedFraction < 1 ? " (arriving)" : "";
        buttons.push_back({&st, st.spec->label + (st.arrivedFraction <= 0 ? state : progress), st.spec->label + state});
    }
    if (computedScoutOffered()) buttons.push_back({nullptr, "Scout (computed)", ""});
    const float gap = style.ItemSpacing.x, pad = 2 * style.FramePadding.x;
    const float room = keysX - gap - ImGui::GetCursorPosX();
    auto total = [&] {
        float sum = 0;
        for (const auto& b : buttons) sum += ImGui::CalcTextSize(b.label.c_str()).x + pad + gap;
        return sum;
    };
    // Short of room, "(awaited)" goes first (the grey says it), then every label is cut to an equal share.
    if (total() > room)
        for (auto& b : buttons)
            if (b.state && b.state->arrivedFraction <= 0) b.label = b.state->spec->label;
    if (total() > room && !buttons.empty()) {
        // Each button gets an equal share, a short label keeping its arrival percentage.
        const float share = room / float(buttons.size()) - pad - gap;
        for (auto& b : buttons) {
            const auto cut = b.label.rfind('%') == b.label.size() - 1 ? b.label.rfind(' ') : std::string::npos;
            const std::string suffix = cut == std::string::npos ? "" : b.label.substr(cut);
            b.label = fitText(b.label.substr(0, cut), share - ImGui::CalcTextSize(suffix.c_str()).x) + suffix;
        }
    }
    for (const auto& b : buttons) {
        if (!b.state) {
            ImGui::PushStyleColor(ImGuiCol_Button, computedScoutShown_ ? ImVec4(0.2f, 0.4f, 0.7f, 1)
                                                                       : ImVec4(0.15f, 0.45f, 0.25f, 1));
            if (ImGui::Button(b.label.c_str())) showComputedScout(true);
            noteControl(std::string("series:") + kComputedScoutId);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("This case brings no scout: an AP projection of the body series, like a topogram.");
            ImGui::PopStyleColor();
            ImGui::SameLine();
            continue;
        }
        const auto& st = *b.state;
        ImVec4 c = st.arrivedFraction <= 0 ? ImVec4(0.3f, 0.3f, 0.3f, 1) :
                   st.arrivedFraction < 1 ? ImVec4(0.75f, 0.55f, 0.1f, 1) : ImVec4(0.15f, 0.45f, 0.25f, 1);
        ImGui::PushStyleColor(ImGuiCol_Button, c);
        if (st.arrivedFraction <= 0) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.7f, 0.7f, 0.7f, 1));
        bool open = ImGui::Button((b.label + "##" + st.spec->id).c_str());
        if (st.arrivedFraction <= 0) ImGui::PopStyleColor();
        noteControl("series:" + st.spec->id);
        if (b.tip != b.label && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", b.tip.c_str());
        if (open && st.arrivedFraction > 0) {
            if (computedScoutShown_) {
                showComputedScout(false);  // back from the computed scout, even to the series the session reads
                if (session_->view().series != st.spec->id) openSeries(*st.spec);
            } else {
                openSeries(*st.spec);
            }
        }
        ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    ImGui::SameLine(keysX);
    if (ImGui::Button("Keys")) bindingsOpen_ = !bindingsOpen_;
    noteControl("keys");
    ImGui::End();
}

void ReadingRoom::drawVitals(ImVec2 pos, ImVec2 size) {
    auto v = session_->vitals();
    ImDrawList* l = ImGui::GetWindowDrawList();
    l->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), IM_COL32(0, 0, 0, 255), 4);
    // ECG trace scrolling with session time, over two rows of numbers (the trace gives way in a small window).
    const float traceH = size.y - 102, traceY = pos.y + 8 + traceH, row1 = traceH + 18, row2 = traceH + 62;
    const double secondsShown = 3.0, beat = 60.0 / std::max(20.0, v.heartRate);
    ImVec2 prev;
    for (int x = 0; x <= int(size.x) - 16; x += 2) {
        double t = session_->now() - secondsShown * (1.0 - x / (size.x - 16));
        double phase = std::fmod(std::max(0.0, t), beat) / beat;
        ImVec2 p(pos.x + 8 + x, traceY - float(ecg(phase) * traceH * 0.8));
        if (x > 0) l->AddLine(prev, p, IM_COL32(60, 230, 90, 255), 1.5f);
        prev = p;
    }
    char b[64];
    auto big = [&](float x, float y, ImU32 col, const char* label, const char* value) {
        l->AddText(ImVec2(pos.x + x, pos.y + y), col, label);
        ImFont* f = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : ImGui::GetFont();
        l->AddText(f, 24.f, ImVec2(pos.x + x, pos.y + y + 14), col, value);
    };
    std::snprintf(b, sizeof b, "%.0f", v.heartRate);
    big(8, row1, IM_COL32(60, 230, 90, 255), "HR", b);
    std::snprintf(b, sizeof b, "%.0f/%.0f", v.systolic, v.diastolic);
    big(70, row1, IM_COL32(255, 80, 80, 255), "NIBP mmHg", b);
    std::snprintf(b, sizeof b, "%.0f", v.spo2);
    big(200, row1, IM_COL32(80, 200, 255, 255), "SpO2 %", b);
    std::snprintf(b, sizeof b, "%.0f", v.respiratoryRate);
    big(8, row2, IM_COL32(255, 220, 80, 255), "RR", b);
    std::snprintf(b, sizeof b, "%d", v.gcs);
    big(70, row2, IM_COL32(230, 230, 230, 255), "GCS", b);
    // Alarm when the patient is shocked: the monitor a trauma room hears.
    if (v.systolic < 90 || v.heartRate > 120 || v.spo2 < 90)
        l->AddText(ImVec2(pos.x + 200, pos.y + row2 + 8), IM_COL32(255, 60, 60, 255), "ALARM");
    ImGui::Dummy(size);
}

void ReadingRoom::drawPresets() {
    int n = 1;
    const float width = (kLeftPanel - 34) / 4;
    for (const auto& p : imaging::kWindowPresets) {
        // "6 Mediast…": the key it is on (when a short one) and the label's first word, as it fits.
        const std::string command = "window.preset." + std::string(p.name);
        const auto chords = bindings_.chordsOf(command);
        const std::string key = chords.empty() ? "" : chords.front().toString();
        const std::string label(p.label);
        const std::string word = label.substr(0, label.find_first_of(" /"));
        const std::string shown =
            fitText((key.size() <= 2 ? key + " " : "") + word, width - 2 * ImGui::GetStyle().FramePadding.x);
        bool on = viewer_.window() == p.window;
        if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.2f, 0.4f, 0.7f, 1));
        if (ImGui::Button((shown + "##" + command).c_str(), ImVec2(width, 0)))
            viewer_.execute(command, viewer_.activePlane());
        if (on) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s: W %.0f  L %.0f%s%s", label.c_str(), p.window.width, p.window.level,
                              key.empty() ? "" : "  (key ", key.empty() ? "" : (key + ")").c_str());
        if (n++ % 4 != 0) ImGui::SameLine(0, 4);
    }
}

void ReadingRoom::drawChecklist(float height) {
    ImGui::BeginChild("##checklist", ImVec2(0, height), false);
    ImGui::TextUnformatted("Reading order");
    const float right = ImGui::GetContentRegionMax().x;  // left of the scrollbar when there is one
    const float percentWidth = ImGui::CalcTextSize("100%").x;
    for (std::size_t i = 0; i < scenario_.readingOrder.size(); ++i) {
        const auto* region = scenario_.findRegion(scenario_.readingOrder[i]);
        if (!region) continue;
        double fraction = 0;
        bool done = false;
        if (coverage_)
            for (const auto& rc : coverage_->coverage.regions)
                if (rc.region && rc.region->id == region->id) fraction = rc.fraction, done = rc.completedAt.has_value();
        char line[200];
        std::snprintf(line, sizeof line, "%s %zu %s", done ? "[x]" : "[ ]", i + 1, region->label.c_str());
        const std::string text = fitText(line, right - percentWidth - 12 - ImGui::GetCursorPosX());
        ImGui::TextColored(done ? ImVec4(0.4f, 1, 0.5f, 1) : ImVec4(0.85f, 0.85f, 0.85f, 1), "%s", text.c_str());
        if (text != line && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", region->label.c_str());
        const ImVec2 rowMin = ImGui::GetItemRectMin();
        const float rowBottom = ImGui::GetItemRectMax().y;
        char percent[16];
        std::snprintf(percent, sizeof percent, "%.0f%%", fraction * 100);
        ImGui::SameLine(right - ImGui::CalcTextSize(percent).x);
        ImGui::TextDisabled("%s", percent);
        // A thin bar under the row fills towards the region's required coverage.
        const float full = ImGui::GetWindowPos().x + right - rowMin.x;
        const float filled = full * float(std::min(1.0, fraction / std::max(0.01, region->minCoverage)));
        ImDrawList* l = ImGui::GetWindowDrawList();
        l->AddRectFilled(ImVec2(rowMin.x, rowBottom + 1), ImVec2(rowMin.x + full, rowBottom + 3),
                         IM_COL32(50, 60, 80, 255));
        l->AddRectFilled(ImVec2(rowMin.x, rowBottom + 1), ImVec2(rowMin.x + filled, rowBottom + 3),
                         done ? IM_COL32(90, 220, 120, 255) : IM_COL32(230, 180, 40, 255));
    }
    checklistHeight_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    ImGui::EndChild();
}

void ReadingRoom::drawFindings(float height) {
    ImGui::BeginChild("##findings", ImVec2(0, height), true);
    ImGui::TextDisabled("Findings: double-click the image, or M");
    const auto marks = session_->marks();
    for (const auto& m : marks) {
        ImGui::PushID(m.id.c_str());
        ImGui::TextColored(ImVec4(1, 0.5f, 0.5f, 1), "%s", m.id.c_str());
        ImGui::SameLine();
        ImGui::TextWrapped("%s", m.label.c_str());
        char go[48];
        std::snprintf(go, sizeof go, "Go to z %.0f", m.lps.z);
        if (ImGui::SmallButton(go)) {
            if (session_->view().plane != session::Plane::Axial) apply(session::SetPlane{session::Plane::Axial});
            apply(session::SetPosition{m.lps.z});
        }
        ImGui::SameLine();
        if (ImGui::SmallButton("Call...")) ImGui::OpenPopup("call");
        ImGui::SameLine();
        if (ImGui::SmallButton("Remove")) apply(session::RemoveMark{m.id});
        if (ImGui::BeginPopup("call")) {
            if (auto r = pickCallRole(""); !r.empty()) apply(session::CallFinding{m.id, "", r});
            ImGui::EndPopup();
        }
        ImGui::PopID();
    }
    const auto& calls = session_->calls();
    if (!calls.empty()) ImGui::TextDisabled("Calls");
    for (const auto& c : calls) {
        // A call by mark names the mark's label, as the trainee chose it.
        std::string what = c.text;
        if (!c.mark.empty())
            for (const auto& m : session_->allMarks())
                if (m.id == c.mark) what = m.label + (c.text.empty() ? "" : " - " + c.text);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s to %s: %s", clockText(c.t).c_str(), scenario::roleTitle(c.role).c_str(), what.c_str());
        ImGui::PopStyleColor();
    }
    // A new mark or call scrolls into view.
    if (marks.size() + calls.size() != listedItems_) {
        listedItems_ = marks.size() + calls.size();
        ImGui::SetScrollHereY(1.0f);
    }
    ImGui::EndChild();
}

std::string ReadingRoom::pickCallRole(const std::string& current) {
    std::string chosen;
    for (std::size_t i = 0; i < callRoles_.size(); ++i) {
        if (i == caseRoles_ && i > 0) ImGui::Separator();  // the case's roles above, the rest of the team below
        const std::string& r = callRoles_[i];
        if (ImGui::Selectable(scenario::roleTitle(r).c_str(), r == current)) chosen = r;
    }
    return chosen;
}

void ReadingRoom::drawConclusion() {
    ImGui::Separator();
    ImGui::SetNextItemWidth(-1);
    const bool enter = ImGui::InputTextWithHint("##callText", "call out in words, then the role", &callText_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    noteControl("call-text");
    ImGui::SetNextItemWidth(170);
    if (ImGui::BeginCombo("##callRole", scenario::roleTitle(callRole_).c_str())) {
        if (auto r = pickCallRole(callRole_); !r.empty()) callRole_ = r;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if ((ImGui::Button("Call") || enter) && !callText_.empty()) {
        apply(session::CallFinding{"", callText_, callRole_});
        callText_.clear();
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Conclusion (one sentence)");
    // The session's conclusion is the one that counts: shown when the room has none of its own (a script, a
    // resumed log), and said to be in once submitted, or changed since.
    const auto submittedAt = session_->conclusionAt();
    if (conclusion_.empty() && submittedAt) conclusion_ = session_->conclusion();
    if (submittedAt) {
        const bool same = conclusion_ == session_->conclusion();
        const std::string note = same ? "submitted at " + clockText(*submittedAt) : "changed: submit again";
        ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::CalcTextSize(note.c_str()).x);
        ImGui::TextColored(same ? ImVec4(0.4f, 1, 0.5f, 1) : ImVec4(1, 0.8f, 0.3f, 1), "%s", note.c_str());
        noteControl("conclusion:state");
    }
    ImGui::InputTextMultiline("##conclusion", &conclusion_, ImVec2(-1, 2 * ImGui::GetTextLineHeight() + 10));
    noteControl("conclusion");
    if (ImGui::Button("Submit conclusion") && !conclusion_.empty()) apply(session::WriteConclusion{conclusion_});
    noteControl("submit-conclusion");
    ImGui::SameLine();
    bool declared = session_->primarySurveyDeclaredAt().has_value();
    if (declared) ImGui::BeginDisabled();
    if (ImGui::Button(declared ? "Primary survey declared" : "Primary survey complete"))
        apply(session::DeclarePrimarySurveyComplete{});
    noteControl("primary-survey");
    if (declared) ImGui::EndDisabled();
    // Ending early cannot be undone: the room asks first.
    if (ImGui::Button("End session")) ImGui::OpenPopup("End the session?");
    noteControl("end-session");
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::BeginPopupModal("End the session?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::TextUnformatted("The session ends now and is scored; it cannot be taken up again.");
        ImGui::TextDisabled("The clock keeps running while this question is open.");
        if (ImGui::Button("End session and score")) {
            apply(session::EndSession{});
            ImGui::CloseCurrentPopup();
        }
        noteControl("end-session:confirm");
        ImGui::SameLine();
        if (ImGui::Button("Keep reading")) ImGui::CloseCurrentPopup();
        noteControl("end-session:keep-reading");
        ImGui::EndPopup();
    }
}

float ReadingRoom::drawAlert(const std::string& finding, const std::string& announcement, ImVec2 at, float width) {
    const auto a = splitAnnouncement(announcement);
    ImGui::SetNextWindowPos(at, ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(width, 0));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(kAlertBackground));
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(1, 0.25f, 0.25f, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 4.f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 6.f);
    // Shown, never in the way: no focus, no input, clicks go through to the images.
    ImGui::Begin(("##alert" + finding).c_str(), nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoSavedSettings);
    ImFont* big = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
    if (big) ImGui::PushFont(big);
    ImGui::TextColored(ImVec4(1, 0.9f, 0.3f, 1), "PATIENT DETERIORATING");
    if (big) ImGui::PopFont();
    if (!a.role.empty()) ImGui::TextColored(ImVec4(1, 1, 1, 1), "%s:", scenario::roleTitle(a.role).c_str());
    ImGui::PushTextWrapPos(width - 16);
    ImGui::TextUnformatted(a.role.empty() ? a.words.c_str() : ("\"" + a.words + "\"").c_str());
    ImGui::PopTextWrapPos();
    noteControl("alert:" + finding);
    const float h = ImGui::GetWindowHeight();
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
    alertsShown_.push_back(announcement);
    return h;
}

void ReadingRoom::drawBubbles() {
    ImGuiIO& io = ImGui::GetIO();
    // The bubbles stack at the viewer's right edge: over the reformats column, below its corner text, so the axial
    // image and its annotations stay free; over a scout filling the viewer, beside the body.
    const ImageRect coronal = viewer_.viewBounds(Plane::Coronal), sagittal = viewer_.viewBounds(Plane::Sagittal);
    const bool column = coronal.size().x > 0 && sagittal.size().x > 0;
    const float w = column ? std::clamp(float(coronal.size().x) - 40, 300.f, 430.f) : 430.f;
    const float x = io.DisplaySize.x - 14 - w;
    float y = column ? float(coronal.min.y) + 26 : kTopBar + 32;
    alertsShown_.clear();
    for (const auto& [finding, at] : session_->deteriorationsFired()) {
        const auto* d = deteriorationOf(scenario_, finding);
        if (session_->now() - at <= kAlertSeconds && d && !d->announcement.empty())
            y += drawAlert(finding, d->announcement, ImVec2(x, y), w) + 10;
    }
    for (const auto& a : session_->activeInterruptions()) {
        if (!a.spec) continue;
        const auto& spec = *a.spec;
        ImU32 col = roleColour(spec.role);
        ImVec4 c = ImGui::ColorConvertU32ToFloat4(col);
        ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(w, 0));
        ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(c.x * 0.35f, c.y * 0.35f, c.z * 0.35f, 0.95f));
        ImGui::PushStyleColor(ImGuiCol_Border, c);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.f);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 12.f);
        std::string title = "##bubble" + spec.id;
        // A bubble that appears takes no focus: the keys stay with the viewer or the field being typed in.
        ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                                                 ImGuiWindowFlags_AlwaysAutoResize |
                                                 ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
        ImGui::TextColored(ImVec4(1, 1, 1, 1), "%s%s%s", spec.name.c_str(), spec.name.empty() ? "" : " - ",
                           scenario::roleTitle(spec.role).c_str());
        if (a.escalated) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(1, 0.3f, 0.3f, 1), "  (escalating)");
        } else if (a.repeats > 0) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "  (asks again)");
        }
        ImGui::PushTextWrapPos(w - 16);
        ImGui::TextUnformatted(spec.kind == scenario::InterruptionKind::Noise && a.saying.empty()
                                   ? (spec.role == "pager" ? "*beep beep beep*" : "*ring ring*")
                                   : ("\"" + a.saying + "\"").c_str());
        ImGui::PopTextWrapPos();
        ImGui::PushID(spec.id.c_str());
        // Quick answers only once the session offers them (after a while, or after an answer they did not
        // understand; never in exam mode), shuffled: the buttons must not give the diagnosis away.
        for (const auto* opt : session_->offeredChoices(spec.id)) {
            // Quick answers are sentences: wrapped inside full-width buttons, by the width the text has there.
            const float textWidth = ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().FramePadding.x;
            std::string label = wrapToWidth(opt->text, textWidth) + "##" + opt->id;
            if (ImGui::Button(label.c_str(), ImVec2(-1, 0))) apply(session::AnswerInterruption{spec.id, opt->id, ""});
            noteControl("answer:" + spec.id + ":" + opt->id);
        }
        auto& typed = typedAnswers_[spec.id];
        if (spec.kind != scenario::InterruptionKind::Noise) {
            ImGui::SetNextItemWidth(w - 90);
            bool enter = ImGui::InputText("##typed", &typed, ImGuiInputTextFlags_EnterReturnsTrue);
            ImGui::SameLine();
            if ((ImGui::Button("Answer") || enter) && !typed.empty()) {
                apply(session::AnswerInterruption{spec.id, "", typed});
                typed.clear();
            }
            noteControl("answer:" + spec.id);
        } else {
            // A phone or a pager only needs dealing with (the session counts any answer); on the phone the trainee
            // may say something, which the log keeps.
            const bool pager = spec.role == "pager";
            bool enter = false;
            if (!pager) {
                ImGui::SetNextItemWidth(w - 170);
                enter = ImGui::InputTextWithHint("##typed", "what you tell them (optional)", &typed,
                                                 ImGuiInputTextFlags_EnterReturnsTrue);
                ImGui::SameLine();
            }
            if (ImGui::Button(pager ? "Dismiss the pager" : "Answer the phone", ImVec2(pager ? -1 : 0, 0)) || enter) {
                apply(session::AnswerInterruption{spec.id, "", typed});
                typed.clear();
            }
            noteControl("answer:" + spec.id);
        }
        ImGui::PopID();
        y += ImGui::GetWindowHeight() + 10;
        ImGui::End();
        ImGui::PopStyleVar(2);
        ImGui::PopStyleColor(2);
    }
}

void ReadingRoom::drawMarkPicker() {
    if (!pickerOpen_) return;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(480, 380), ImGuiCond_Appearing);
    ImGui::Begin("Mark a finding", &pickerOpen_, ImGuiWindowFlags_NoCollapse);
    ImGui::Text("at (%.0f, %.0f, %.0f) mm LPS", pickerLps_.x, pickerLps_.y, pickerLps_.z);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    bool enter = ImGui::InputTextWithHint("##search", "search or type a label", &pickerSearch_,
                                          ImGuiInputTextFlags_EnterReturnsTrue);
    std::string chosen;
    ImGui::BeginChild("labels", ImVec2(0, -34), true);
    // The whole trauma lexicon (injuries, normal variants, mimics), the same for every case.
    for (const auto& d : session::traumaLexicon()) {
        if (pickerOffers(d, pickerSearch_) && ImGui::Selectable(d.label.c_str())) chosen = d.label;
    }
    ImGui::EndChild();
    if ((ImGui::Button("Mark with the typed text") || enter) && !pickerSearch_.empty()) chosen = pickerSearch_;
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) pickerOpen_ = false;
    ImGui::End();
    if (!chosen.empty()) {
        apply(session::MarkFinding{pickerLps_, chosen, ""});
        pickerOpen_ = false;
    }
}

}  // namespace polysim::gui

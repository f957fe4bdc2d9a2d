// The reading room (see reading_room.h): viewer input becomes session commands; session state reaches the viewer.
// The panels are drawn in reading_room_hud.cpp, reading_room_bubbles.cpp, reading_room_findings.cpp and
// reading_room_bindings.cpp.
#include "gui/reading_room.h"
#include "gui/palette.h"
#include "gui/pointer_guard.h"
#include "gui/reading_room_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <imgui.h>

#include "session/matching.h"
#include "session/resume.h"

namespace polysim::gui {

ReadingRoom::ReadingRoom(const scenario::Scenario& scenario, const ReadingRoomOptions& options, Bindings& bindings,
                         std::unique_ptr<SeriesSource> images)
    : scenario_(scenario),
      options_(options),
      bindings_(bindings),
      images_(images && &images->scenario() == &scenario ? std::move(images)
                                                         : std::make_unique<SeriesSource>(scenario)) {
    callRoles_ = callRoles(scenario, &caseRoles_);
    callRole_ = callRoles_.front();
    computedScout_.id = std::string(session::kComputedScout);
    computedScout_.kind = phantom::SeriesKind::Scout;
    computedScout_.label = "Scout (computed from the body series)";
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
        followSession();
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
    followSession();
}

void ReadingRoom::followSession() {
    // The views show the session's view (as the trainee sees it, a drag in progress included); every change the
    // trainee makes in them goes to the session.
    viewer_.lookSource = [this] { return lookOfSession(); };
    viewer_.onChange = [this](const ViewerChange& v, std::string_view command) { onViewerChange(v, command); };
}

ViewerLook ReadingRoom::lookOfSession() const {
    ViewerLook k;
    const auto& sv = session_->shownView();
    k.window = sv.window;
    k.big = session_->bigPlane();
    const auto* vol = viewer_.volume();
    if (vol && sv.series == shownSeries_) k.cursor = vol->geometry().patientToIndex(sv.cursor);
    for (int p = 0; p < 3; ++p) {
        const auto& f = sv.projection ? session_->shownProjectionFraming() : session_->shownFraming(Plane(p));
        k.zoom[std::size_t(p)] = f.zoom;
        k.centreMm[std::size_t(p)] = f.centreMm;
    }
    return k;
}

ReadingRoom::~ReadingRoom() = default;

std::vector<std::string> ReadingRoom::scriptRefusals() const {
    return script_ ? script_->refused() : std::vector<std::string>{};
}

bool ReadingRoom::apply(const session::Command& c) {
    session_->update();
    auto r = session_->apply(c);
    if (!r.accepted)
        setStatus(std::string(session::commandName(c)) + " refused: " + r.reason);
    else if (!r.notice.empty())
        setStatus(r.notice);  // a call or answer the session could not link to a finding
    return r.accepted;
}

void ReadingRoom::setStatus(std::string text) {
    status_ = std::move(text);
    statusAt_ = clock_.now();
}

void ReadingRoom::advanceBy(double seconds) {
    if (!images_->begun()) return;  // the scan starts with the first image the phantom being made can show
    if (script_) {
        // A scripted run logs what `polysim play` logs: the room adds nothing of its own.
        clock_.advanceBy(seconds);
        script_->playUntil(*session_, clock_, clock_.now());
        session_->update();
        return;
    }
    const double to = clock_.paused() || !(seconds > 0) ? clock_.now() : clock_.now() + seconds;
    const session::ViewState before = session_->view();
    const bool seen = sliceSeriesSeen();
    if (!scoutDecided_) {
        // The scout is first in the reading order and arrives first: it is on screen the moment it arrives, before
        // the session opens the next series by itself, so the first minute never shows an empty viewer beside an
        // arrived scout. It is the trainee's view, so it is opened as the trainee would open it.
        const auto scout = std::find_if(scenario_.images.series.begin(), scenario_.images.series.end(),
                                        [](const auto& s) { return s.kind == phantom::SeriesKind::Scout; });
        if (scout == scenario_.images.series.end()) {
            scoutDecided_ = true;
        } else if (scout->arrivalSeconds <= to) {
            clock_.advanceTo(std::max(clock_.now(), scout->arrivalSeconds));
            session_->update();
            scoutDecided_ = true;
            if (!session_->ended() && session_->view().series.empty() && session_->seriesArrived(scout->id))
                openSeries(*scout);
        }
    }
    clock_.advanceTo(to);
    session_->update();
    // A series the session opened by itself on its arrival opens as one the trainee opened would.
    const auto& sv = session_->view();
    if (before.series.empty() && !sv.series.empty() && !sv.projection && !session_->ended())
        for (const auto& spec : scenario_.images.series)
            if (spec.id == sv.series) {
                settleOpenedSeries(spec, before, !seen);
                break;
            }
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

void ReadingRoom::followPlane(Plane p, double zoom, const std::optional<glm::dvec2>& centreMm) {
    const bool projection = session_->view().projection;
    // A scout is one image the session does not read by plane: its zoom and pan are its own.
    if (!projection && session_->view().plane != p) apply(session::SetPlane{p});  // with that view's own framing
    const auto& f = projection ? session_->projectionFraming() : session_->framing(p);
    if (std::abs(f.zoom - zoom) >= 5e-4) apply(session::SetZoom{zoom});
    lastPanSent_ = clock_.now();
    if (centreMm && (!f.centreMm || glm::length(*f.centreMm - *centreMm) >= 5e-4)) apply(session::SetPan{*centreMm});
}

void ReadingRoom::sendWindow(const imaging::Window& w) {
    lastWindowSent_ = clock_.now();
    // The session keeps a window to the thousandth of a HU: closer than that it is the same window.
    const auto sw = session_->view().window;
    if (std::abs(w.width - sw.width) >= 5e-4 || std::abs(w.level - sw.level) >= 5e-4) {
        const auto* preset = imaging::presetOf(w);
        apply(session::SetWindow{preset ? std::string(preset->name) : "", w});
    }
}

void ReadingRoom::sendPreset(std::string_view preset, const imaging::Window& w) {
    apply(session::SetWindow{std::string(preset), w});
    lastWindowSent_ = clock_.now();
}

bool ReadingRoom::computedScoutShown() const {
    return session_->view().series == session::kComputedScout;
}

void ReadingRoom::showComputedScout(bool shown) {
    if (shown == computedScoutShown()) return;
    if (shown) {
        if (computedScoutOffered()) openSeries(computedScout_);
        return;
    }
    // Back to the series read before it, in the window it had.
    for (const auto& s : scenario_.images.series)
        if (s.id == seriesBeforeScout_) return openSeries(s);
}

void ReadingRoom::sendCrosshair(const glm::dvec3& lps) {
    lastCrosshairSent_ = clock_.now();
    if (glm::length(lps - session_->view().cursor) > 5e-4) apply(session::SetCrosshair{lps});
}

void ReadingRoom::finishGesture() {
    // The end of a drag: the session logs where it stopped.
    if (!session_->shownView().series.empty() && session_->shownView().series == session_->view().series) {
        const auto shown = session_->shownView();
        const auto& sv = session_->view();
        if (!(shown.window == sv.window)) sendWindow(shown.window);
        if (shown.cursor != sv.cursor) sendCrosshair(shown.cursor);
        const auto& f = shown.projection ? session_->shownProjectionFraming() : session_->shownFraming(shown.plane);
        const auto& logged = shown.projection ? session_->projectionFraming() : session_->framing(shown.plane);
        if (!(f == logged)) followPlane(shown.plane, f.zoom, f.centreMm);
    }
    session_->dropPreview();
}

void ReadingRoom::openSeries(const scenario::SeriesSpec& spec) {
    const session::ViewState before = session_->view();
    const bool firstLook = !sliceSeriesSeen();
    if (!before.projection) {
        windowBeforeScout_ = {before.preset, before.window};
        seriesBeforeScout_ = before.series;
    }
    if (!apply(session::OpenSeries{spec.id})) return;
    const auto& sv = session_->view();
    // A scout opens in the window its DICOM header carries (a projection's values run far above a slice's). It is
    // a window the trainee sees, so it reaches the session as a window action.
    if (sv.projection) {
        if (!before.projection && !(sv.window == kScoutWindow)) apply(session::SetWindow{"", kScoutWindow});
        return;
    }
    settleOpenedSeries(spec, before, firstLook);
}

std::string defaultPresetOf(const std::optional<phantom::SeriesKind>& kind) {
    return kind == phantom::SeriesKind::Head ? "brain" : "soft_tissue";
}

bool ReadingRoom::sliceSeriesSeen() const {
    return std::any_of(session_->viewChanges().begin(), session_->viewChanges().end(),
                       [](const auto& c) { return !c.view.series.empty() && !c.view.projection; });
}

std::optional<std::pair<double, double>> ReadingRoom::seriesZRange(const std::string& series) const {
    const auto& known = session_->options().seriesZMm;
    if (auto it = known.find(series); it != known.end()) return it->second;
    const auto vol = images_->volume(series);
    if (!vol || vol->dims().z < 1) return std::nullopt;
    const auto& g = vol->geometry();
    const double a = g.indexToPatient(glm::dvec3(0.0)).z, b = g.indexToPatient(glm::dvec3(0, 0, g.dims.z - 1)).z;
    return std::make_pair(std::min(a, b), std::max(a, b));
}

std::optional<double> ReadingRoom::usefulFirstZ(const scenario::SeriesSpec& spec) const {
    const auto range = seriesZRange(spec.id);
    std::optional<double> top;
    for (const auto& id : scenario_.readingOrder) {
        const auto* r = scenario_.findRegion(id);
        if (!r || !session::seriesShowsRegion(spec.id, *r) || !(r->zToMm > r->zFromMm)) continue;
        double high = r->zToMm;
        if (range) {
            // A region the series shows only part of (the neck and the upper cervical spine in a head series) is
            // not where it starts: it starts at the first region it holds most of.
            const double inside = std::min(r->zToMm, range->second) - std::max(r->zFromMm, range->first);
            if (inside < (2.0 / 3.0) * (r->zToMm - r->zFromMm)) continue;
            high = std::min(high, range->second);
        }
        top = high;
        break;
    }
    if (!top) return std::nullopt;
    // From there down to the first image that holds the body: a region that starts at the vertex starts in air.
    // Only the middle of the image counts, where the patient lies and the table does not.
    const auto vol = images_->volume(spec.id);
    if (!vol || vol->dims().z < 2) return top;
    const auto& g = vol->geometry();
    const auto d = vol->dims();
    const int step = g.indexToPatient(glm::dvec3(0, 0, 1)).z > g.indexToPatient(glm::dvec3(0.0)).z ? -1 : 1;
    int k = int(std::lround(g.patientToIndex(glm::dvec3(0, 0, *top)).z));
    k = std::clamp(k, 0, d.z - 1);
    for (; k >= 0 && k < d.z; k += step) {
        if (!vol->sliceReady(k)) break;  // not read yet: the region's top will do
        int body = 0, sampled = 0;
        for (int j = d.y / 4; j < d.y * 3 / 4; j += 4)
            for (int i = d.x / 4; i < d.x * 3 / 4; i += 4, ++sampled) body += vol->at(i, j, k) > -500;
        if (sampled > 0 && body * 50 >= sampled) return g.indexToPatient(glm::dvec3(0, 0, k)).z;
    }
    return top;
}

void ReadingRoom::settleOpenedSeries(const scenario::SeriesSpec& spec, const session::ViewState& before,
                                     bool firstLook) {
    const auto& sv = session_->view();
    // Where: the cursor stays where it was while the series shows it (the same level in another phase). The first
    // slice series of the session, or one the cursor lies outside of, opens at a useful image, not at the air above
    // the head.
    const auto range = seriesZRange(spec.id);
    const double margin = session_->sliceMm(spec.id);  // within a slice of its edge, the edge image shows it
    const bool outside = range && (sv.cursor.z < range->first - margin || sv.cursor.z > range->second + margin);
    if ((firstLook || outside) && sv.plane == Plane::Axial)
        if (auto z = usefulFirstZ(spec); z && std::abs(*z - sv.cursor.z) >= 5e-4) apply(session::SetPosition{*z});
    // Which window: the series' own kind's default (brain for the head, soft tissue for the body), unless the
    // window on screen was chosen on a series of the same kind (arterial and portal compare in one window). Back
    // from the scout, the window the slices had returns on the same terms, unless the trainee chose another on it.
    std::string from = before.series, keptPreset = before.preset;
    imaging::Window kept = before.window;
    if (before.projection) {
        if (!(before.window == kScoutWindow)) return;
        from = seriesBeforeScout_;
        if (windowBeforeScout_) keptPreset = windowBeforeScout_->first, kept = windowBeforeScout_->second;
    }
    const std::string wanted = defaultPresetOf(spec.kind);
    for (const auto& s : scenario_.images.series)
        if (s.id == from && s.kind != phantom::SeriesKind::Scout && defaultPresetOf(s.kind) == wanted) {
            if (!(sv.window == kept)) apply(session::SetWindow{keptPreset, kept});
            return;
        }
    const auto* preset = imaging::findWindowPreset(wanted);
    if (preset && !(sv.window == preset->window)) apply(session::SetWindow{wanted, preset->window});
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

bool ReadingRoom::bubbleLane() const {
    return bubbleLane_.value_or(ImGui::GetCurrentContext() && ImGui::GetIO().DisplaySize.x < kLaneBelowWidth);
}

bool ReadingRoom::computedScoutOffered() const {
    return std::none_of(scenario_.images.series.begin(), scenario_.images.series.end(),
                        [](const auto& s) { return s.kind == phantom::SeriesKind::Scout; }) &&
           images_->volume(kComputedScoutId) != nullptr;
}

void ReadingRoom::onViewerChange(const ViewerChange& v, std::string_view command) {
    const auto& sv = session_->view();
    const bool projection = sv.projection;
    // Drags reach the session while they go on, at most every kDragLogSeconds of session time (between those the
    // session shows them without logging them), and where they stop (finishGesture).
    if (command.starts_with("slice.")) {
        followPlane(v.plane, v.zoom, v.centreMm);
        apply(session::SetPosition{v.cursorLps[imaging::normalAxis(v.plane)]});
    } else if (command == "crosshair.move") {
        // A move that changes the slice on screen reaches the session at once; one within the image (the levels of
        // the other two views), while dragged, at most every kDragLogSeconds and on release.
        const int n = imaging::normalAxis(sv.plane);
        if (std::abs(v.cursorLps[n] - sv.cursor[n]) > 1e-6 || clock_.now() - lastCrosshairSent_ >= kDragLogSeconds)
            sendCrosshair(v.cursorLps);
        else
            session_->preview(session::SetCrosshair{v.cursorLps});
    } else if (command.starts_with("window.preset.")) {
        sendPreset(command.substr(14), v.window);
    } else if (command == "view.reset") {
        bool framed = sv.zoom != 1 || !(session_->projectionFraming() == session::Framing{});
        for (int p = 0; p < 3; ++p) framed = framed || !(session_->framing(Plane(p)) == session::Framing{});
        if (framed) apply(session::ResetView{});
        if (!(sv.window == v.window)) sendPreset("soft_tissue", v.window);
    } else if (command == "view.swap") {
        apply(session::SetLayout{v.big});
    } else if (command.starts_with("view.zoom")) {
        followPlane(v.plane, v.zoom, v.centreMm);  // zooming about the mouse moves the centre too
    } else if (command == "view.pan") {
        // Dragged: while the button is held, at most every kDragLogSeconds; the release sends the last position.
        if ((!projection && sv.plane != v.plane) || clock_.now() - lastPanSent_ >= kDragLogSeconds)
            followPlane(v.plane, v.zoom, v.centreMm);
        else if (v.centreMm)
            session_->preview(session::SetPan{*v.centreMm});
    } else if (command == "window.adjust") {
        if (clock_.now() - lastWindowSent_ >= kDragLogSeconds)
            sendWindow(v.window);
        else
            session_->preview(session::SetWindow{"", v.window});
    }
}

void ReadingRoom::handleEvent(const SDL_Event& e) {
    if (captureChord(e)) return;
    const ImGuiIO& io = ImGui::GetIO();
    // Decided by where this event happened, not by where the pointer was when the frame began: a click on a bubble
    // never also moves the crosshair (or the keyboard's view) under it.
    const glm::dvec2 pointer = viewer_.mouse();
    const bool imguiMouse = imguiTakesMouse(e, ImVec2(float(pointer.x), float(pointer.y)));
    if (e.type == SDL_MOUSEBUTTONDOWN) bubbleLayout_.clicked(clock_.now());
    if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT && e.button.clicks == 2 && !imguiMouse) {
        if (auto p = viewer_.probe({e.button.x, e.button.y})) {
            pickerOpen_ = true;
            pickerLps_ = p->lps;
            pickerSearch_.clear();
            return;
        }
    }
    std::string cmd = viewer_.handleEvent(e, bindings_, imguiMouse, io.WantCaptureKeyboard);
    if (cmd == "view.bubble_lane") bubbleLane_ = !bubbleLane();
    if (cmd == "finding.mark") {
        pickerOpen_ = true;
        pickerLps_ = lpsOf(viewer_.cursor());
        pickerSearch_.clear();
    }
    if (e.type == SDL_MOUSEBUTTONUP && viewer_.volume()) finishGesture();
}

void ReadingRoom::showSessionSeries() {
    const auto& sv = session_->view();
    if (!sv.series.empty() && sv.series != shownSeries_) {
        if (auto vol = images_->volume(sv.series)) {
            std::string label = sv.series == computedScout_.id ? computedScout_.label : sv.series;
            for (const auto& s : scenario_.images.series)
                if (s.id == sv.series) label = s.label;
            viewer_.setVolume(vol, label);
            if (sv.series == computedScout_.id) viewer_.setArrivedImages(-1);  // made once its source had arrived
            std::vector<RegionBand> bands;
            for (const auto& r : scenario_.regions)
                if (session::seriesShowsRegion(sv.series, r)) bands.push_back({r.label, r.zFromMm, r.zToMm});
            viewer_.setRegions(std::move(bands));
            shownSeries_ = sv.series;
            // A crosshair beside the images (a session starts it at x = y = 0, which a scanner's images need not
            // hold) goes to their middle, at the same level: the reformats show the patient, not an edge.
            const auto& g = vol->geometry();
            glm::dvec3 ijk = g.patientToIndex(sv.cursor);
            const int along = PlaneMapping::of(Plane::Axial, g).normalAxis;
            bool outside = false;
            for (int a = 0; a < 3; ++a)
                if (a != along && (ijk[a] < -0.5 || ijk[a] > vol->dims()[a] - 0.5)) {
                    ijk[a] = std::round((vol->dims()[a] - 1) * 0.5);
                    outside = true;
                }
            if (outside && !script_ && !sv.projection && !session_->ended())
                apply(session::SetCrosshair{g.indexToPatient(ijk)});
        } else if (viewer_.volume()) {
            // The session has opened a series whose images are still being read: the viewer must not go on
            // showing the previous one as if it were this one.
            viewer_.setVolume(nullptr, "");
            shownSeries_.clear();
        }
    }
    if (viewer_.volume() && sv.series == shownSeries_)
        if (auto vol = images_->volume(sv.series); vol && vol.get() != viewer_.volume()) viewer_.refreshVolume(vol);
    if (viewer_.volume() && sv.series == shownSeries_) {
        // Scenario arrival: images reach the viewer top-down over the series' arrival time.
        for (const auto& st : session_->seriesStates())
            if (st.spec && st.spec->id == shownSeries_)
                viewer_.setArrivedImages(st.arrivedFraction >= 1.0
                                             ? -1
                                             : int(std::floor(st.arrivedFraction * viewer_.sliceCount(Plane::Axial))));
    }
    std::vector<std::pair<glm::dvec3, std::string>> marks;
    for (const auto& m : session_->marks()) marks.emplace_back(m.lps, m.id + " " + m.label);
    viewer_.setMarks(std::move(marks));
}

bool ReadingRoom::prepareFrame() {
    images_->poll();
    // Laid out before the sync: a pan the session asks for is placed in the views as they are on screen.
    ImGuiIO& io = ImGui::GetIO();
    // With the bubbles in their lane the viewer is narrower: the big view takes more of it, since the vertex-to-thigh
    // reformats beside it are twice as tall as wide and fill a narrower column as well.
    const bool lane = bubbleLane();
    viewer_.setBigShare(lane ? kLaneBigShare : 0.62);
    viewer_.layout({kLeftPanel + 8, kTopBar + 6},
                   {io.DisplaySize.x - kLeftPanel - 14 - (lane ? kLaneWidth : 0), io.DisplaySize.y - kTopBar - 12});
    showSessionSeries();
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
        if (!a.saying.empty() && a.spec->role != "phone" && a.spec->role != "pager")
            audio_->say(a.spec->role, a.saying);
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
    pendingCoverage_ = std::async(std::launch::async,
                                  [this, events = log_->events()] { return scoring::scoreSession(scenario_, events); });
    if (force) refreshCoverage(true);
}

void ReadingRoom::draw() {
    controls_.clear();
    viewer_.draw(ImGui::GetBackgroundDrawList());
    drawViewerPlaceholder();
    drawTopBar();
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, kTopBar));
    ImGui::SetNextWindowSize(ImVec2(kLeftPanel, io.DisplaySize.y - kTopBar));
    ImGui::Begin("##hud", nullptr,
                 ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    // The monitor, the presets and the actions at the foot keep their places at any window height; the reading
    // order and the findings and calls share what is left, each scrolling inside its own region.
    drawVitals(ImGui::GetCursorScreenPos(), ImVec2(kLeftPanel - 16, io.DisplaySize.y >= 800 ? 150.f : 132.f));
    drawPresets();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float lists =
        std::max(3 * ImGui::GetFrameHeightWithSpacing(), ImGui::GetContentRegionAvail().y - actionsHeight_ - spacing);
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
    if (session_->paused()) {
        // The instructor has stopped the clock to teach: the trainee sees why nothing moves.
        const char* text = "PAUSED BY THE INSTRUCTOR - the clock stands still";
        ImDrawList* dl = ImGui::GetForegroundDrawList();
        ImVec2 size = ImGui::CalcTextSize(text);
        ImVec2 at((kLeftPanel + io.DisplaySize.x - size.x) * 0.5f, kTopBar + 12);
        dl->AddRectFilled(ImVec2(at.x - 12, at.y - 6), ImVec2(at.x + size.x + 12, at.y + size.y + 6),
                          palette::kPausedBanner, 4);
        dl->AddText(at, palette::kPausedText, text);
        controls_["paused"] = {ImVec2(at.x - 12, at.y - 6), ImVec2(at.x + size.x + 12, at.y + size.y + 6)};
    }
    drawStatus();
    drawMarkPicker();
    drawBindings();
}

}  // namespace polysim::gui

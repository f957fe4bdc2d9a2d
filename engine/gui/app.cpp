// The app's main loop and its hand-over between screens, and its headless modes (see app.h). Each screen is in its own
// file (see simulator_app.h).
#include "gui/app.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

#include "gui/app_window.h"
#include "gui/bindings.h"
#include "gui/debrief_view.h"
#include "gui/gl.h"
#include "gui/palette.h"
#include "gui/reading_room.h"
#include "gui/series_source.h"
#include "gui/simulator_app.h"
#include "scenario/loader.h"
#include "scoring/history.h"
#include "scoring/score.h"
#include "session/trainee_script.h"

namespace polysim::gui {
namespace fs = std::filesystem;

namespace {
using Clock = std::chrono::steady_clock;

scenario::Scenario loadOrThrow(const fs::path& file) {
    auto r = scenario::loadScenario(file);
    if (!r.scenario) throw std::runtime_error(scenario::formatDiagnostics(r.diagnostics));
    // Said before any window opens, not as a failure once the trainee has started reading.
    if (auto missing = missingImages(*r.scenario); !missing.empty())
        throw std::runtime_error(file.string() + ": cannot run this case: " + missing);
    return std::move(*r.scenario);
}

fs::path defaultLogFile(const scenario::Scenario& s) {
    fs::path base = sessionsFolder().parent_path();
    char stamp[32];
    std::time_t now = std::time(nullptr);  // names the file only; the session itself runs on its own clock
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    fs::path file = base / "sessions" / (s.meta.id + "-" + stamp + ".jsonl");
    for (int n = 2; fs::exists(file); ++n)  // a second session of the case within the same second
        file = base / "sessions" / (s.meta.id + "-" + stamp + "-" + std::to_string(n) + ".jsonl");
    return file;
}

Bindings loadBindings(std::string& warning) {
    fs::path file = defaultBindingsFile();
    if (!fs::exists(file)) return Bindings::defaults();
    try {
        return Bindings::load(file);
    } catch (const std::exception& e) {
        warning = std::string(e.what()) + " (using the default bindings)";
        return Bindings::defaults();
    }
}

}  // namespace

void drawPreparing(ReadingRoom& room) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), 0, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(520, 0));
    ImGui::Begin("Preparing the patient", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
    ImGui::TextWrapped("Generating the built-in phantom into the user cache (first use only; later runs reuse it).");
    auto& images = room.images();
    ImGui::ProgressBar(float(images.prepareFraction()), ImVec2(-1, 0));
    ImGui::TextUnformatted(images.prepareStage().c_str());
    ImGui::End();
}

namespace {

// The app's frame pacing: 60 frames a second; while the images are being made, 30 while the trainee is using the
// mouse or keyboard (scrolling, windowing) and 15 while they only look (the monitor's trace still sweeps).
double frameSeconds(bool makingImages, bool recentInput) {
    if (!makingImages) return 1.0 / 60.0;
    return recentInput ? 1.0 / 30.0 : 1.0 / 15.0;
}
// Input this recent counts as the trainee using the app.
constexpr double kRecentInputSeconds = 1.0;

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    std::size_t i = std::min(v.size() - 1, std::size_t(std::ceil(p / 100.0 * double(v.size())) - 1));
    return v[i];
}

}  // namespace

fs::path sessionsFolder() {
    fs::path base;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        base = fs::path(x) / "polysim";
    else if (const char* h = std::getenv("HOME"); h && *h)
        base = fs::path(h) / ".local" / "share" / "polysim";
    else
        base = fs::temp_directory_path() / "polysim";
    return base / "sessions";
}

SimulatorApp::SimulatorApp(const RunOptions& o, AppWindow& w, std::optional<scenario::Scenario> loaded)
    : window_(w), state_(o) {
    state_.bindings = loadBindings(state_.warning);
    state_.trainee = session::defaultTrainee();  // as the reading room names the trainee
    if (!o.scenario.empty()) {
        state_.scenario = loaded ? std::move(loaded) : loadOrThrow(o.scenario);
        if (!o.resume) state_.unfinished = unfinishedSession();  // offered on the briefing when it is this case's
        prepareImages();
        screen_ = makeBriefingScreen(*this);
    } else {
        loadLibrary();
        screen_ = makeLibraryScreen(*this);
    }
    if (!o.serve.empty()) {
        std::string why;
        auto address = console::parseConsoleAddress(o.serve, &why);
        if (!address) throw std::runtime_error("--serve " + o.serve + ": " + why);
        state_.console = std::make_unique<console::ConsoleServer>(*address);
        state_.consoleLink = std::make_unique<console::ConsoleLink>(*state_.console);
        // The one line an instructor (or a script) looks for; everything else the app says goes to stderr.
        std::cout << "instructor console: " << state_.console->url() << std::endl;
        if (state_.scenario)  // --serve comes with a case, so the app opens on its briefing
            state_.console->publish(
                session::Json{{"waiting", true},
                              {"scenario", {{"id", state_.scenario->meta.id}, {"title", state_.scenario->meta.title}}}}
                    .dump());
    }
}

// The screens go first, while the GL context they made their textures in still exists.
SimulatorApp::~SimulatorApp() {
    next_.reset();
    screen_.reset();
}

int SimulatorApp::loop() {
    // At most 60 frames a second, also where the display does not hold the swap to its refresh (a virtual display,
    // vsync off in the driver), and fewer while the patient's images are being made on first use (frameSeconds):
    // frames drawn faster than needed take the cores that make the images (and a laptop's battery). Input ends the
    // wait at once, so the first key press after a still moment is not held back.
    const Uint64 frequency = SDL_GetPerformanceFrequency();
    Uint64 start = SDL_GetPerformanceCounter();
    while (frame(nullptr)) {
        const double spent = double(SDL_GetPerformanceCounter() - start) / double(frequency);
        const double sinceInput = double(SDL_GetPerformanceCounter() - lastInput_) / double(frequency);
        const double budget = frameSeconds(screen_->makingImages(), sinceInput < kRecentInputSeconds);
        if (spent < budget) SDL_WaitEventTimeout(nullptr, int((budget - spent) * 1000.0));
        start = SDL_GetPerformanceCounter();
    }
    return 0;
}

bool SimulatorApp::frame(Screenshot* shot) {
    if (!running_) return false;
    controls_.clear();
    SDL_Event e;
    bool input = false;
    while (SDL_PollEvent(&e)) {
        input = true;
        lastInput_ = SDL_GetPerformanceCounter();
        ImGui_ImplSDL2_ProcessEvent(&e);
        if (e.type == SDL_QUIT && screen_->mayLeave()) running_ = false;
        screen_->handleEvent(e);
    }
    Uint64 nowTicks = SDL_GetPerformanceCounter();
    double dt = last_ ? double(nowTicks - last_) / double(SDL_GetPerformanceFrequency()) : 0.0;
    last_ = nowTicks;
    window_.beginFrame();
    screen_->draw(dt);
    if (!state_.warning.empty()) {
        ImGui::SetNextWindowPos(ImVec2(10, ImGui::GetIO().DisplaySize.y - 40));
        ImGui::Begin("##warning", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize);
        ImGui::TextColored(palette::kStatus, "%s", state_.warning.c_str());
        ImGui::End();
    }
    if (shot) {
        window_.renderWithoutSwap();
        *shot = window_.readPixels();
        window_.swap();
    } else if (window_.endFrameIfChanged(input || next_ != nullptr)) {
        ++framesDrawn_;
    }
    if (next_) {
        screen_ = std::move(next_);  // the screen that asked to move on goes now, after its last frame
        if (screen_->kind() == Screen::Library) {
            state_.images.reset();  // no case is chosen in the library: making its images stops
            state_.scenario.reset();
        }
    }
    return running_;
}

std::optional<std::pair<float, float>> SimulatorApp::controlCentre(const std::string& name) const {
    auto it = controls_.find(name);
    if (it != controls_.end()) return it->second;
    return screen_->controlCentre(name);
}

void SimulatorApp::noteControl(const std::string& name) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    controls_[name] = {(a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f};
}

void SimulatorApp::fullScreenWindow(const char* name) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
}

void SimulatorApp::openBriefing(scenario::Scenario chosen) {
    state_.images.reset();  // reads the scenario being replaced
    state_.scenario = std::move(chosen);
    prepareImages();
    show(makeBriefingScreen(*this));
}

void SimulatorApp::prepareImages() {
    // The trainee reads the briefing for half a minute or more: on a case's first use the phantom is made meanwhile,
    // in order of arrival, and a DICOM case's folders are looked at. Images that are not on this machine are left
    // to the room, which says so.
    state_.images.reset();
    if (state_.scenario && missingImages(*state_.scenario).empty())
        state_.images = std::make_unique<SeriesSource>(*state_.scenario);
}

void SimulatorApp::startReading(const fs::path& resumeLog) {
    // --log, --resume and --script are for the first session; later ones (from the library after a debrief)
    // get a log of their own, so the first one's is never written over.
    const RunOptions& o = state_.options;
    const bool first = !state_.sessionStarted;
    state_.sessionStarted = true;
    ReadingRoomOptions ro;
    ro.log = !resumeLog.empty() ? resumeLog : first && !o.log.empty() ? o.log : defaultLogFile(*state_.scenario);
    ro.resume = !resumeLog.empty() || (first && o.resume);
    ro.examMode = o.examMode;
    ro.sound = o.sound;
    auto room = std::make_unique<ReadingRoom>(*state_.scenario, ro, state_.bindings, std::move(state_.images));
    room->createGl();
    if (first && !o.script.empty()) room->setScript(session::loadTraineeScript(o.script));
    show(makeReadingScreen(*this, std::move(room)));
}

void SimulatorApp::showDebrief(std::unique_ptr<ReadingRoom> room) {
    show(makeDebriefScreen(*this, std::move(room)));
}

void SimulatorApp::backToLibrary() {
    if (state_.library.empty())
        loadLibrary();
    else
        refreshLibraryState();
    show(makeLibraryScreen(*this));
}

namespace {

// ---- headless modes ----

// Renders frames until the scenario's images are ready (the phantom generated, every series decoded).
void waitForImages(AppWindow& w, ReadingRoom& room) {
    auto deadline = Clock::now() + std::chrono::minutes(30);
    while (!room.images().allLoaded()) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
        }
        w.beginFrame();
        room.prepareFrame();
        if (room.images().preparing()) drawPreparing(room);
        w.endFrame();
        if (Clock::now() > deadline) throw std::runtime_error("the images did not load within 30 minutes");
        SDL_Delay(room.images().preparing() ? 50 : 5);
    }
}

int screenshotRun(const RunOptions& o, AppWindow& w, const scenario::Scenario& s, Bindings& bindings) {
    ReadingRoomOptions ro;
    ro.log =
        o.log.empty() ? fs::temp_directory_path() / ("polysim-run-" + std::to_string(::getpid()) + ".jsonl") : o.log;
    ro.examMode = o.examMode;
    ro.sound = o.sound;
    ro.resume = o.resume;
    ReadingRoom room(s, ro, bindings);
    room.createGl();
    if (!o.script.empty()) room.setScript(session::loadTraineeScript(o.script));
    waitForImages(w, room);
    // A script plays as `polysim play` does; without one, the room runs as for a trainee who has done nothing yet
    // (the scout on screen the moment it arrived), in one step of real time.
    if (o.script.empty() && !o.resume)
        room.advanceBy(*o.at);
    else
        room.advanceTo(*o.at);
    room.refreshCoverageNow();
    // A session over by then shows what the trainee would see: the debrief, once its key images are made.
    std::optional<scoring::Score> score;
    std::unique_ptr<DebriefView> debrief;
    if (room.ended()) {
        score = scoring::scoreSession(s, room.log().events());
        debrief = std::make_unique<DebriefView>(s, *score, room.log().path());
        auto deadline = Clock::now() + std::chrono::minutes(5);
        while (!debrief->keyImagesReady() && Clock::now() < deadline) {
            w.beginFrame();
            debrief->draw();
            w.endFrame();
            SDL_Delay(20);
        }
    }
    // ImGui sizes auto-resizing windows over a couple of frames; the last one is read back before its swap.
    for (int i = 0; i < 3; ++i) {
        w.beginFrame();
        room.prepareFrame();
        if (debrief)
            debrief->draw();
        else
            room.draw();
        if (i < 2)
            w.endFrame();
        else
            w.renderWithoutSwap();
    }
    writePng(o.screenshot, w.readPixels());
    w.swap();
    std::cout << "screenshot at session time " << room.session().now() << " s: " << o.screenshot.string() << "\n";
    if (!o.script.empty()) room.finishScripted();
    for (const auto& r : room.scriptRefusals()) std::cerr << r << "\n";
    room.destroyGl();
    return 0;
}

int benchRun(const RunOptions& o, AppWindow& w, const scenario::Scenario& s, Bindings& bindings) {
    ReadingRoomOptions ro;
    ro.log =
        o.log.empty() ? fs::temp_directory_path() / ("polysim-bench-" + std::to_string(::getpid()) + ".jsonl") : o.log;
    ro.sound = false;
    ReadingRoom room(s, ro, bindings);
    room.createGl();
    // Time to first image: from the start of the command to the first frame on screen that holds a CT image. The
    // session runs on real time from the moment the scan can start, as a trainee's does: on an empty cache the
    // phantom is made meanwhile, series by series in order of arrival. Each series is timed, on the session clock,
    // against its arrival: when it is complete, and whether an image that had arrived was ever not yet made.
    auto since = [&] { return std::chrono::duration<double>(Clock::now() - o.started).count(); };
    const double roomReady = since();
    std::optional<double> firstImage, firstVolume;
    struct SeriesTiming {
        std::optional<double> completeAt;  // session time
        int mostBehind = 0;                // images arrived but not yet made, at worst
    };
    std::map<std::string, SeriesTiming> timing;
    auto last = Clock::now();
    const auto deadline = last + std::chrono::minutes(30);
    int loadFrames = 0, loadFramesDrawn = 0;
    while (!firstImage || !room.images().allLoaded()) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
        }
        const auto now = Clock::now();
        const double dt = std::chrono::duration<double>(now - last).count();
        last = now;
        w.beginFrame();
        room.advanceBy(std::min(dt, 0.25));
        bool shown = room.prepareFrame();
        if (!room.images().begun())
            drawPreparing(room);
        else
            room.draw();
        // As the app draws for a trainee looking at the images without touching anything: a frame that shows
        // nothing new is not drawn.
        ++loadFrames;
        if (w.endFrameIfChanged(false)) ++loadFramesDrawn;
        glFinish();
        if (!firstVolume && room.viewer().volume()) firstVolume = since();
        if (shown && !firstImage) firstImage = since();
        for (const auto& st : room.session().seriesStates()) {
            if (!st.spec) continue;
            auto& t = timing[st.spec->id];
            const auto v = room.images().volume(st.spec->id);
            const int made = v ? v->slicesReady() : 0, total = v ? v->dims().z : 1;
            const int arrived = int(std::floor(std::clamp(st.arrivedFraction, 0.0, 1.0) * total));
            t.mostBehind = std::max(t.mostBehind, arrived - made);
            if (!t.completeAt && room.images().seriesComplete(st.spec->id)) t.completeAt = room.clock().now();
        }
        if (Clock::now() > deadline) throw std::runtime_error("the images did not load within 30 minutes");
        // Paced as the app paces its frames for a trainee who looks without touching the mouse or keyboard.
        const double spent = std::chrono::duration<double>(Clock::now() - now).count();
        const double budget = frameSeconds(room.images().preparing(), false);
        if (spent < budget) SDL_Delay(Uint32((budget - spent) * 1000.0));
    }
    const double loadedAt = since();
    // Scroll the largest series (the whole-body phase): all series arrived, that one opened as a reader would.
    waitForImages(w, room);
    double allArrived = 0;
    std::string largest;
    std::size_t largestVoxels = 0;
    for (const auto& spec : s.images.series) {
        allArrived = std::max(allArrived, spec.arrivalSeconds + spec.arrivalDurationSeconds);
        if (auto v = room.images().volume(spec.id); v && v->geometry().voxelCount() > largestVoxels)
            largest = spec.id, largestVoxels = v->geometry().voxelCount();
    }
    room.advanceTo(allArrived);
    if (!largest.empty() && room.session().view().series != largest) room.session().apply(session::OpenSeries{largest});
    for (int i = 0; i < 3; ++i) {
        w.beginFrame();
        room.prepareFrame();
        room.draw();
        w.endFrame();
    }
    auto* vol = room.viewer().volume();
    std::cout << "scrolling " << largest << ": " << vol->dims().x << " x " << vol->dims().y << " x " << vol->dims().z
              << "\n";
    std::vector<double> frames;
    frames.reserve(std::size_t(o.benchFrames));
    int direction = 1;
    for (int f = 0; f < o.benchFrames; ++f) {
        auto t0 = Clock::now();
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
        }
        int number = room.viewer().imageNumber(Plane::Axial);
        if (number >= room.viewer().sliceCount(Plane::Axial)) direction = -1;
        if (number <= 1) direction = 1;
        room.viewer().execute(direction > 0 ? "slice.next" : "slice.previous", Plane::Axial);
        w.beginFrame();
        room.prepareFrame();
        room.draw();
        w.endFrame();
        glFinish();
        frames.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::printf("frames %d (scrolling one image per frame, %d x %d window)\n", o.benchFrames, w.width(), w.height());
    std::printf("frame time ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", percentile(frames, 50),
                percentile(frames, 90), percentile(frames, 99), percentile(frames, 100));
    std::printf("time to first image: %.3f s (window and session ready %.3f s, first series' volume %.3f s)\n",
                *firstImage, roomReady, firstVolume.value_or(0));
    std::printf("every series complete %.1f s after launch\n", loadedAt);
    std::printf("while the images were made: %d frames, %d drawn (the others showed nothing new)\n", loadFrames,
                loadFramesDrawn);
    for (const auto& spec : s.images.series) {
        const auto& t = timing[spec.id];
        const double from = spec.arrivalSeconds, to = spec.arrivalSeconds + spec.arrivalDurationSeconds;
        if (!t.completeAt) {
            std::printf("series %-10s arrives %5.1f-%5.1f s: complete before the session started\n", spec.id.c_str(),
                        from, to);
            continue;
        }
        std::printf("series %-10s arrives %5.1f-%5.1f s, complete at %5.1f s: %s", spec.id.c_str(), from, to,
                    *t.completeAt, *t.completeAt <= from ? "before it arrives" : "AFTER its arrival started");
        if (t.mostBehind > 0)
            std::printf(", up to %d arrived images not yet made\n", t.mostBehind);
        else
            std::printf(", never behind its arrival\n");
    }
    room.destroyGl();
    return 0;
}
}  // namespace

Simulator::Simulator(const RunOptions& options, AppWindow& window)
    : app_(std::make_unique<SimulatorApp>(options, window)) {}
Simulator::~Simulator() = default;
bool Simulator::frame(Screenshot* shot) {
    return app_->frame(shot);
}
Simulator::Screen Simulator::screen() const {
    return app_->screen();
}
std::vector<LibraryCase> Simulator::library() const {
    return app_->library();
}
std::string Simulator::caseId() const {
    return app_->caseId();
}
std::optional<std::pair<float, float>> Simulator::controlCentre(const std::string& name) const {
    return app_->controlCentre(name);
}
bool Simulator::imagesShown() const {
    return app_->imagesShown();
}
const DebriefView* Simulator::debrief() const {
    return app_->debrief();
}
std::uint64_t Simulator::framesDrawn() const {
    return app_->framesDrawn();
}
std::optional<double> Simulator::sessionTime() const {
    return app_->sessionTime();
}

int runApp(const RunOptions& o) {
    const bool headless = !o.screenshot.empty() || o.benchFrames > 0;
    // The case is read (and its images looked for) before a window opens.
    std::optional<scenario::Scenario> s;
    if (headless || !o.scenario.empty())
        s = loadOrThrow(o.scenario.empty() ? scenario::defaultScenarioPath() : o.scenario);
    WindowOptions wo;
    wo.width = o.width;
    wo.height = o.height;
    wo.vsync = !headless;
    wo.title = "polysim";
    AppWindow window(wo);
    if (headless) {
        std::string warning;
        Bindings bindings = loadBindings(warning);
        if (!warning.empty()) std::cerr << warning << "\n";
        return o.benchFrames > 0 ? benchRun(o, window, *s, bindings) : screenshotRun(o, window, *s, bindings);
    }
    SimulatorApp app(o, window, std::move(s));
    return app.loop();
}

}  // namespace polysim::gui

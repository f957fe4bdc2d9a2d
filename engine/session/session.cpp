// The session engine: a scheduler of scenario events on the session clock plus the trainee's commands.
#include "session/session.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <set>

#include "scenario/phantom_source.h"
#include "session/lexicon.h"
#include "session/matching.h"

namespace polysim::session {

std::string defaultTrainee() {
    if (const char* user = std::getenv("USER"); user && *user) return user;
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
    return {};
}

const scenario::SeriesSpec* computedScoutSource(const scenario::Scenario& scenario) {
    const scenario::SeriesSpec* first = nullptr;
    const scenario::SeriesSpec* body = nullptr;
    for (const auto& s : scenario.images.series) {
        if (s.kind == phantom::SeriesKind::Scout) return nullptr;
        auto earlier = [&](const scenario::SeriesSpec* x) { return !x || s.arrivalSeconds < x->arrivalSeconds; };
        if (earlier(first)) first = &s;
        if (s.kind != phantom::SeriesKind::Head && earlier(body)) body = &s;
    }
    return body ? body : first;
}

namespace {
double round3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}
double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}

Json vitalsJson(const scenario::VitalSigns& v) {
    return Json{{"hr", round1(v.heartRate)}, {"sys", round1(v.systolic)},       {"dia", round1(v.diastolic)},
                {"spo2", round1(v.spo2)},    {"rr", round1(v.respiratoryRate)}, {"gcs", v.gcs}};
}

scenario::VitalSigns lerp(const scenario::VitalSigns& a, const scenario::VitalSigns& b, double f) {
    f = std::clamp(f, 0.0, 1.0);
    auto mix = [f](double x, double y) { return x + (y - x) * f; };
    scenario::VitalSigns v;
    v.heartRate = mix(a.heartRate, b.heartRate);
    v.systolic = mix(a.systolic, b.systolic);
    v.diastolic = mix(a.diastolic, b.diastolic);
    v.spo2 = mix(a.spo2, b.spo2);
    v.respiratoryRate = mix(a.respiratoryRate, b.respiratoryRate);
    v.gcs = int(std::lround(mix(a.gcs, b.gcs)));
    return v;
}

// The commands that change only what is on screen (and so may be shown before they are logged, see preview()).
template <class T>
constexpr bool kViewCommand = std::is_same_v<T, SetPlane> || std::is_same_v<T, SetPosition> ||
                              std::is_same_v<T, SetWindow> || std::is_same_v<T, SetZoom> || std::is_same_v<T, SetPan> ||
                              std::is_same_v<T, ResetView> || std::is_same_v<T, SetCrosshair>;

// A view command's effect on a view and its framings (the session's and a preview's alike); the reason when it is
// refused.
template <class T>
std::optional<std::string> changeView(ViewState& view, std::array<Framing, 4>& framing, const T& c) {
    Framing& f = view.projection ? framing[3] : framing[std::size_t(view.plane)];
    if constexpr (std::is_same_v<T, SetPlane>) {
        // Each plane's view keeps its own framing: reading another plane shows (and scores) that plane's.
        view.plane = c.plane;
        const Framing& own = framing[std::size_t(c.plane)];
        view.zoom = own.zoom;
        view.panMm = own.centreMm.value_or(view.panMm);
    } else if constexpr (std::is_same_v<T, SetPosition>) {
        if (view.series.empty()) return "no images have arrived yet";
        view.cursor[imaging::normalAxis(view.plane)] = c.mm;
    } else if constexpr (std::is_same_v<T, SetWindow>) {
        if (!(c.window.width > 0)) return "window width must be above 0 HU";
        if (!c.preset.empty() && !imaging::findWindowPreset(c.preset)) return "no window preset '" + c.preset + "'";
        view.window = c.window;
        const auto* p = imaging::presetOf(c.window);
        view.preset = !c.preset.empty() ? c.preset : p ? std::string(p->name) : std::string();
    } else if constexpr (std::is_same_v<T, SetZoom>) {
        static_assert(kMinZoom == 0.1 && kMaxZoom == 20, "the refusal names the limits");
        if (!(c.zoom >= kMinZoom && c.zoom <= kMaxZoom)) return "zoom must be between 0.1 and 20";
        f.zoom = c.zoom;
        if (!view.projection) view.zoom = c.zoom;
    } else if constexpr (std::is_same_v<T, SetPan>) {
        f.centreMm = c.centreMm;
        if (!view.projection) view.panMm = c.centreMm;
    } else if constexpr (std::is_same_v<T, ResetView>) {
        framing = {};
        view.zoom = 1;
    } else if constexpr (std::is_same_v<T, SetCrosshair>) {
        if (view.series.empty()) return "no images have arrived yet";
        view.cursor = c.lps;
    }
    return std::nullopt;
}

// Commands carry only values the log can print exactly, so a replay of the log acts on the same numbers.
Command quantised(Command c) {
    std::visit(
        [](auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, SetPosition>)
                x.mm = round3(x.mm);
            else if constexpr (std::is_same_v<T, SetWindow>) {
                x.window.width = round3(x.window.width);
                x.window.level = round3(x.window.level);
            } else if constexpr (std::is_same_v<T, SetZoom>)
                x.zoom = round3(x.zoom);
            else if constexpr (std::is_same_v<T, SetPan>)
                x.centreMm = glm::dvec2(round3(x.centreMm.x), round3(x.centreMm.y));
            else if constexpr (std::is_same_v<T, MarkFinding> || std::is_same_v<T, SetCrosshair>)
                x.lps = glm::dvec3(round3(x.lps.x), round3(x.lps.y), round3(x.lps.z));
        },
        c);
    return c;
}
// Sorts the findings the words name into fully, in part and denied.
void nameFindings(const scenario::Scenario& scenario, const std::string& words, Call& call) {
    for (const auto& f : scenario.findings) {
        auto n = nameFinding(words, f);
        if (n.level == Naming::Full)
            call.findings.push_back(f.id);
        else if (n.level == Naming::Partial)
            call.partly.push_back(f.id);
        else if (n.level == Naming::Denied)
            call.denied.push_back(f.id);
        else if (n.misidentified)
            call.misidentified.push_back(f.id);
    }
}
}  // namespace

struct Session::Pending {
    enum Kind {
        SeriesArrive,
        SeriesComplete,
        Vitals,
        InterruptionStart,
        InterruptionRepeat,
        InterruptionEscalate,
        InterruptionRingOut,
        Deadline,
        TimeUp
    };
    double t = 0;
    long seq = 0;
    Kind kind = TimeUp;
    int index = 0;
};

struct Session::Impl {
    // The scenario's interruptions, then the ones the instructor said (a deque: ActiveInterruption keeps pointers).
    std::deque<scenario::Interruption> specs;
    std::set<int> held;      // held back by the instructor
    std::set<int> injected;  // brought in now by the instructor
    std::set<int> instructorSaid;
    int nextSay = 1;
    bool paused = false;
    std::vector<Pending> pending;
    long nextSeq = 0;
    std::vector<int> recordOf;  // interruption index -> index in interruptionRecords_ (-1: not started)
    std::set<int> scheduledStart;
    std::set<std::string> regionsOpened;
    std::set<std::string> seriesArrived;
    std::set<std::string> seriesComplete;  // every image of the series has arrived
    // Wrong answers from the lexicon offered beside each question's own (interruption index -> answers).
    std::map<int, std::vector<scenario::AnswerOption>> distractors;

    void schedule(double t, Pending::Kind kind, int index) {
        pending.push_back({roundToMs(t), nextSeq++, kind, index});
    }
};

Session::Session(const scenario::Scenario& scenario, SessionClock& clock, EventLog& log, SessionOptions options)
    : scenario_(scenario), clock_(clock), log_(log), options_(std::move(options)), impl_(std::make_unique<Impl>()) {
    impl_->specs.assign(scenario_.interruptions.begin(), scenario_.interruptions.end());
    if (!options_.defaultSliceMm)
        options_.defaultSliceMm = scenario_.images.phantom ? scenario_.images.phantom->sliceMm : 1.0;
    // Reading starts at the top of the first region of the protocol (for a head-first order, the vertex).
    double top = 0;
    bool any = false;
    for (const auto& r : scenario_.regions) {
        top = any ? std::max(top, r.zToMm) : r.zToMm;
        any = true;
    }
    if (!scenario_.readingOrder.empty())
        if (const auto* r = scenario_.findRegion(scenario_.readingOrder.front())) top = r->zToMm;
    view_.cursor = glm::dvec3(0, 0, top);

    // Two plausible wrong diagnoses of the same part of the body beside each question's own answers, so that the
    // right one is not the only diagnosis on offer. Chosen by the case's seed: a replay offers the same.
    for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
        const auto& spec = impl_->specs[i];
        if (spec.kind == scenario::InterruptionKind::Noise || spec.answers.empty() || spec.relatedFindings.empty())
            continue;
        const auto* about = scenario_.findFinding(spec.relatedFindings.front());
        if (!about) continue;
        std::uint64_t seed = scenario_.images.phantom ? scenario_.images.phantom->seed : 1;
        for (char ch : scenario_.meta.id + "/" + spec.id)
            seed = (seed ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
        for (const auto* d : plausibleDistractors(*about, scenario_, seed, kDistractorsPerQuestion)) {
            scenario::AnswerOption a;
            a.id = "lexicon:" + d->id;
            a.text = d->label + ".";
            a.correct = false;
            a.feedback = "Not in this patient: " + d->label + ".";
            impl_->distractors[int(i)].push_back(std::move(a));
        }
    }

    if (options_.seriesZMm.empty() && scenario_.images.phantom) {
        // What each generated series covers: the head series stops at the skull base, the body CT at the thighs.
        auto phantomOptions = scenario::phantomOptionsFor(scenario_);
        for (const auto& spec : scenario_.images.series) {
            if (!spec.kind || spec.kind == phantom::SeriesKind::Scout) continue;
            try {
                auto g = phantom::seriesGeometry(phantomOptions, *spec.kind);
                if (g.dims.z <= 0) continue;
                double a = g.indexToPatient(glm::dvec3(0, 0, 0)).z,
                       b = g.indexToPatient(glm::dvec3(0, 0, g.dims.z - 1)).z;
                options_.seriesZMm[spec.id] = {std::min(a, b), std::max(a, b)};
            } catch (const std::exception&) {
                // The validator reports a phantom it cannot make; the series is then not limited.
            }
        }
    }
    impl_->recordOf.assign(impl_->specs.size(), -1);
    for (std::size_t i = 0; i < scenario_.images.series.size(); ++i) {
        const auto& s = scenario_.images.series[i];
        impl_->schedule(s.arrivalSeconds, Pending::SeriesArrive, int(i));
        impl_->schedule(s.arrivalSeconds + s.arrivalDurationSeconds, Pending::SeriesComplete, int(i));
    }
    for (std::size_t i = 0; i < scenario_.patient.vitalsTrend.size(); ++i)
        impl_->schedule(scenario_.patient.vitalsTrend[i].atSeconds, Pending::Vitals, int(i));
    for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
        const auto& trig = impl_->specs[i].trigger;
        if (trig.type == scenario::InterruptionTrigger::Type::AtTime) {
            impl_->schedule(trig.atSeconds + trig.delaySeconds, Pending::InterruptionStart, int(i));
            impl_->scheduledStart.insert(int(i));
        }
    }
    for (std::size_t i = 0; i < scenario_.findings.size(); ++i)
        if (scenario_.findings[i].deadlineSeconds > 0)
            impl_->schedule(scenario_.findings[i].deadlineSeconds, Pending::Deadline, int(i));
    if (scenario_.durationSeconds > 0) impl_->schedule(scenario_.durationSeconds, Pending::TimeUp, 0);

    Json start;
    start["t"] = 0.0;
    start["event"] = "session_start";
    start["log_format"] = kLogFormat;
    start["scenario"] = scenario_.meta.id;
    start["scenario_version"] = scenario_.meta.version;
    if (!options_.trainee.empty()) start["trainee"] = options_.trainee;
    if (options_.exam) start["exam"] = true;
    Json slices = Json::object();
    for (const auto& s : scenario_.images.series) slices[s.id] = round3(sliceMm(s.id));
    start["slice_mm"] = slices;
    start["fov_mm"] = round3(options_.fieldOfViewMm);
    start["vitals"] = vitalsJson(scenario_.patient.vitalsAtStart);
    log_.append(start);
    viewChanges_.push_back({0.0, view_});
}

Session::~Session() = default;

double Session::sliceMm(const std::string& series) const {
    auto it = options_.sliceMmBySeries.find(series);
    if (it != options_.sliceMmBySeries.end() && it->second > 0) return it->second;
    return options_.defaultSliceMm.value_or(1.0);
}

void Session::logEvent(Json event) {
    Json line;
    line["t"] = roundToMs(now_);
    for (auto it = event.begin(); it != event.end(); ++it) line[it.key()] = it.value();
    log_.append(line);
}

void Session::update() {
    advanceTo(clock_.now());
}

void Session::advanceTo(double seconds) {
    if (impl_->paused) return;  // the instructor holds the clock: nothing happens until it resumes
    clock_.advanceTo(seconds);
    seconds = roundToMs(std::max(seconds, now_));
    if (ended()) return;
    fireDue(seconds);
    if (!ended()) now_ = seconds;
}

void Session::fireDue(double upTo) {
    auto& pending = impl_->pending;
    while (!ended()) {
        auto next = std::min_element(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
            return a.t != b.t ? a.t < b.t : a.seq < b.seq;
        });
        if (next == pending.end() || next->t > upTo) break;
        Pending p = *next;
        pending.erase(next);
        now_ = std::max(now_, p.t);
        switch (p.kind) {
            case Pending::SeriesArrive: {
                const auto& s = scenario_.images.series[std::size_t(p.index)];
                impl_->seriesArrived.insert(s.id);
                Json e;
                e["event"] = "series_arrived";
                e["series"] = s.id;
                e["label"] = s.label;
                // A reading room shows the first images the moment they arrive.
                bool open = view_.series.empty() && s.kind != phantom::SeriesKind::Scout;
                if (open) e["opened"] = true;
                logEvent(e);
                if (open) {
                    view_.series = s.id;
                    view_.projection = false;
                    onViewChanged();
                }
                break;
            }
            case Pending::SeriesComplete: {
                const auto& s = scenario_.images.series[std::size_t(p.index)];
                impl_->seriesComplete.insert(s.id);
                if (s.arrivalDurationSeconds > 0) logEvent({{"event", "series_complete"}, {"series", s.id}});
                break;
            }
            case Pending::Vitals: {
                const auto& v = scenario_.patient.vitalsTrend[std::size_t(p.index)];
                Json e;
                e["event"] = "vitals";
                e["vitals"] = vitalsJson(vitalsAt(now_));
                if (!v.note.empty()) e["note"] = v.note;
                logEvent(e);
                break;
            }
            case Pending::InterruptionStart: {
                if (impl_->recordOf[std::size_t(p.index)] >= 0 || impl_->held.count(p.index)) break;
                const auto& spec = impl_->specs[std::size_t(p.index)];
                InterruptionRecord rec;
                rec.id = spec.id;
                rec.startedAt = now_;
                rec.viewAtStart = view_;
                rec.injected = impl_->injected.count(p.index) > 0;
                rec.instructor = impl_->instructorSaid.count(p.index) > 0;
                rec.scored = !rec.instructor || (spec.kind != scenario::InterruptionKind::Noise &&
                                                 (!spec.relatedFindings.empty() || !spec.keywords.empty()));
                impl_->recordOf[std::size_t(p.index)] = int(interruptionRecords_.size());
                interruptionRecords_.push_back(rec);
                Json e;
                e["event"] = "interruption_start";
                e["id"] = spec.id;
                e["role"] = spec.role;
                if (!spec.name.empty()) e["name"] = spec.name;
                e["text"] = spec.text;
                if (rec.injected) e["by"] = "instructor";
                if (rec.instructor) e["said_by"] = "instructor";
                if (!spec.answers.empty()) {
                    Json opts = Json::array();
                    for (const auto& a : spec.answers) opts.push_back(a.id);
                    e["options"] = opts;
                }
                logEvent(e);
                if (spec.kind == scenario::InterruptionKind::Noise) {
                    if (spec.durationSeconds > 0)
                        impl_->schedule(now_ + spec.durationSeconds, Pending::InterruptionRingOut, p.index);
                } else if (spec.patienceSeconds > 0) {
                    impl_->schedule(now_ + spec.patienceSeconds,
                                    spec.maxRepeats > 0 ? Pending::InterruptionRepeat : Pending::InterruptionEscalate,
                                    p.index);
                }
                break;
            }
            case Pending::InterruptionRepeat: {
                auto& rec = interruptionRecords_[std::size_t(impl_->recordOf[std::size_t(p.index)])];
                if (rec.answeredAt) break;
                const auto& spec = impl_->specs[std::size_t(p.index)];
                rec.repeatedAt.push_back(now_);
                logEvent({{"event", "interruption_repeat"},
                          {"id", spec.id},
                          {"repeat", int(rec.repeatedAt.size())},
                          {"text", spec.repeatText.empty() ? spec.text : spec.repeatText}});
                impl_->schedule(now_ + spec.patienceSeconds,
                                int(rec.repeatedAt.size()) < spec.maxRepeats ? Pending::InterruptionRepeat
                                                                             : Pending::InterruptionEscalate,
                                p.index);
                break;
            }
            case Pending::InterruptionEscalate: {
                auto& rec = interruptionRecords_[std::size_t(impl_->recordOf[std::size_t(p.index)])];
                if (rec.answeredAt) break;
                const auto& spec = impl_->specs[std::size_t(p.index)];
                rec.escalatedAt = now_;
                logEvent({{"event", "interruption_escalate"},
                          {"id", spec.id},
                          {"text", spec.escalationText.empty() ? spec.text : spec.escalationText}});
                for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
                    const auto& trig = impl_->specs[i].trigger;
                    if (trig.type == scenario::InterruptionTrigger::Type::InterruptionIgnored &&
                        trig.target == spec.id && impl_->scheduledStart.insert(int(i)).second)
                        impl_->schedule(now_ + trig.delaySeconds, Pending::InterruptionStart, int(i));
                }
                break;
            }
            case Pending::InterruptionRingOut: {
                auto& rec = interruptionRecords_[std::size_t(impl_->recordOf[std::size_t(p.index)])];
                if (rec.endedAt) break;
                rec.endedAt = now_;
                rec.endReason = "rang out";
                logEvent({{"event", "interruption_end"}, {"id", rec.id}, {"reason", "rang out"}});
                break;
            }
            case Pending::Deadline: {
                const auto& f = scenario_.findings[std::size_t(p.index)];
                if (calledInTimeTo(f.id)) break;
                logEvent({{"event", "deadline_missed"}, {"finding", f.id}});
                for (const auto& d : scenario_.patient.deteriorations) {
                    if (d.findingId != f.id || deteriorated_.count(f.id)) continue;
                    deteriorated_[f.id] = now_;
                    Json e;
                    e["event"] = "deterioration";
                    e["finding"] = f.id;
                    if (!d.announcement.empty()) e["announcement"] = d.announcement;
                    e["vitals_target"] = vitalsJson(d.vitals);
                    e["over_s"] = round3(d.overSeconds);
                    logEvent(e);
                }
                break;
            }
            case Pending::TimeUp:
                endSession("time_up");
                break;
        }
    }
}

scenario::VitalSigns Session::vitalsAt(double t) const {
    scenario::VitalSigns v = scenario_.patient.vitalsAtStart;
    double from = 0;
    scenario::VitalSigns fromV = v;
    for (const auto& change : scenario_.patient.vitalsTrend) {
        if (t >= change.atSeconds) {
            v = change.vitals;
            from = change.atSeconds;
            fromV = v;
            continue;
        }
        double span = change.atSeconds - from;
        v = span > 0 ? lerp(fromV, change.vitals, (t - from) / span) : change.vitals;
        break;
    }
    std::vector<std::pair<double, const scenario::Deterioration*>> fired;
    for (const auto& d : scenario_.patient.deteriorations) {
        auto it = deteriorated_.find(d.findingId);
        if (it != deteriorated_.end() && t >= it->second) fired.push_back({it->second, &d});
    }
    std::sort(fired.begin(), fired.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [at, d] : fired) v = lerp(v, d->vitals, d->overSeconds > 0 ? (t - at) / d->overSeconds : 1.0);
    return v;
}

bool Session::seriesArrived(const std::string& id) const {
    return impl_->seriesArrived.count(id) > 0;
}

std::vector<const scenario::AnswerOption*> Session::offeredChoices(const std::string& interruptionId) const {
    std::vector<const scenario::AnswerOption*> out;
    if (options_.exam) return out;
    int index = -1;
    for (std::size_t i = 0; i < impl_->specs.size(); ++i)
        if (impl_->specs[i].id == interruptionId) index = int(i);
    if (index < 0 || impl_->recordOf[std::size_t(index)] < 0) return out;
    const auto& spec = impl_->specs[std::size_t(index)];
    const auto& rec = interruptionRecords_[std::size_t(impl_->recordOf[std::size_t(index)])];
    if (rec.endedAt) return out;
    double after = spec.choicesAfterSeconds.value_or(spec.patienceSeconds);
    bool due = now_ >= rec.startedAt + after - 1e-9 || rec.choicesAt.has_value();
    if (!due) return out;
    // A choice must not tell the trainee what is in a region they have not opened.
    for (const auto& a : spec.answers)
        for (const auto& f : scenario_.findings) {
            auto level = nameFinding(a.text, f).level;
            if ((level == Naming::Full || level == Naming::Partial) && !impl_->regionsOpened.count(f.region) &&
                !findingOnScreen_.count(f.id))
                return {};
        }
    for (const auto& a : spec.answers) out.push_back(&a);
    if (auto it = impl_->distractors.find(index); it != impl_->distractors.end())
        for (const auto& a : it->second) out.push_back(&a);
    // Shuffled by a hash of the case, the question and the answer: the right one is not always first, and a
    // replay shows the same order.
    auto key = [&](const scenario::AnswerOption* a) {
        std::uint64_t h = 1469598103934665603ull;
        for (char ch : scenario_.meta.id + "/" + spec.id + "/" + a->id + a->text) {
            h ^= static_cast<unsigned char>(ch);
            h *= 1099511628211ull;
        }
        return h;
    };
    std::sort(out.begin(), out.end(), [&](const auto* a, const auto* b) { return key(a) < key(b); });
    return out;
}

std::vector<SeriesState> Session::seriesStates() const {
    std::vector<SeriesState> out;
    for (const auto& s : scenario_.images.series) {
        double f = 0;
        if (now_ >= s.arrivalSeconds)
            f = s.arrivalDurationSeconds > 0 ? std::min(1.0, (now_ - s.arrivalSeconds) / s.arrivalDurationSeconds)
                                             : 1.0;
        out.push_back({&s, f});
    }
    return out;
}

std::vector<ActiveInterruption> Session::activeInterruptions() const {
    std::vector<ActiveInterruption> out;
    for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
        int r = impl_->recordOf[i];
        if (r < 0) continue;
        const auto& rec = interruptionRecords_[std::size_t(r)];
        if (rec.endedAt) continue;
        const auto& spec = impl_->specs[i];
        ActiveInterruption a;
        a.spec = &spec;
        a.repeats = int(rec.repeatedAt.size());
        a.escalated = rec.escalatedAt.has_value();
        a.startedAt = rec.startedAt;
        a.saying = a.escalated && !spec.escalationText.empty() ? spec.escalationText
                   : a.repeats > 0 && !spec.repeatText.empty() ? spec.repeatText
                                                               : spec.text;
        out.push_back(a);
    }
    return out;
}

bool Session::paused() const {
    return impl_->paused;
}

const scenario::Interruption* Session::findInterruption(const std::string& id) const {
    for (const auto& spec : impl_->specs)
        if (spec.id == id) return &spec;
    return nullptr;
}

std::vector<std::string> Session::heldInterruptions() const {
    std::vector<std::string> out;
    for (int i : impl_->held) out.push_back(impl_->specs[std::size_t(i)].id);
    return out;
}

std::vector<Mark> Session::marks() const {
    std::vector<Mark> out;
    for (const auto& m : marks_)
        if (!m.removedAt) out.push_back(m);
    return out;
}

std::optional<double> Session::calledInTimeTo(const std::string& findingId, std::string* role) const {
    const auto* f = scenario_.findFinding(findingId);
    if (!f) return std::nullopt;
    for (const auto& c : calls_) {
        if (std::find(c.findings.begin(), c.findings.end(), findingId) == c.findings.end()) continue;
        if (!f->tell.empty() && std::find(f->tell.begin(), f->tell.end(), c.role) == f->tell.end()) continue;
        if (f->deadlineSeconds > 0 && c.t > f->deadlineSeconds) continue;
        if (role) *role = c.role;
        return c.t;
    }
    return std::nullopt;
}

void Session::onViewChanged() {
    if (viewChanges_.empty() || !(viewChanges_.back().view == view_)) {
        if (!viewChanges_.empty() && viewChanges_.back().t == now_)
            viewChanges_.back().view = view_;  // several changes at one instant: only the last was on screen
        else
            viewChanges_.push_back({now_, view_});
    }
    using Type = scenario::InterruptionTrigger::Type;
    auto trigger = [&](Type type, const std::string& target) {
        for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
            const auto& trig = impl_->specs[i].trigger;
            if (trig.type == type && trig.target == target && impl_->scheduledStart.insert(int(i)).second)
                impl_->schedule(now_ + trig.delaySeconds, Pending::InterruptionStart, int(i));
        }
    };
    for (const auto& r : scenario_.regions)
        if (regionOnScreen(view_, r, &options_.seriesZMm) && impl_->regionsOpened.insert(r.id).second)
            trigger(Type::RegionOpened, r.id);
    for (const auto& f : scenario_.findings)
        if (!findingOnScreen_.count(f.id) &&
            findingOnScreen(view_, f, scenario_, options_.fieldOfViewMm, &options_.seriesZMm)) {
            findingOnScreen_[f.id] = now_;
            trigger(Type::FindingOnScreen, f.id);
        }
}

void Session::endSession(const std::string& reason) {
    if (ended()) return;
    endedAt_ = now_;
    endReason_ = reason;
    for (auto& rec : interruptionRecords_)
        if (!rec.endedAt) {
            rec.endedAt = now_;
            rec.endReason = "session ended";
        }
    logEvent({{"event", "session_end"}, {"reason", reason}});
}

ApplyResult Session::apply(const Command& raw) {
    update();
    Command command = quantised(raw);
    ApplyResult result;
    if (ended()) {
        result = {false, "the session has ended", "", {}, {}};
        Json line = commandToJson(command);
        line["refused"] = result.reason;
        logEvent(line);
        return result;
    }
    result = applyAccepted(command);
    if (preview_ && result.accepted) {
        // A gesture in progress keeps what it has not logged yet over what the command changed.
        const bool kept = std::visit(
            [&](const auto& c) {
                using T = std::decay_t<decltype(c)>;
                if constexpr (std::is_same_v<T, OpenSeries>)
                    return false;
                else if constexpr (kViewCommand<T>)
                    return !changeView(preview_->view, preview_->framing, c).has_value();
                else
                    return true;
            },
            command);
        if (!kept || (preview_->view == view_ && preview_->framing == framing_)) preview_.reset();
    }
    return result;
}

const Framing& Session::framing(Plane plane) const {
    return framing_[std::size_t(plane)];
}
const Framing& Session::projectionFraming() const {
    return framing_[3];
}
const ViewState& Session::shownView() const {
    return preview_ ? preview_->view : view_;
}
const Framing& Session::shownFraming(Plane plane) const {
    return preview_ ? preview_->framing[std::size_t(plane)] : framing(plane);
}
const Framing& Session::shownProjectionFraming() const {
    return preview_ ? preview_->framing[3] : framing_[3];
}

ApplyResult Session::preview(const Command& raw) {
    update();
    const Command command = quantised(raw);
    ApplyResult result;
    auto refuse = [&](std::string why) {
        result.accepted = false;
        result.reason = std::move(why);
        return result;
    };
    if (ended()) return refuse("the session has ended");
    Preview next = preview_ ? *preview_ : Preview{view_, framing_};
    std::optional<std::string> why = std::visit(
        [&](const auto& c) -> std::optional<std::string> {
            using T = std::decay_t<decltype(c)>;
            if constexpr (kViewCommand<T>)
                return changeView(next.view, next.framing, c);
            else
                return std::string("only a change of view can be shown before it is logged");
        },
        command);
    if (why) return refuse(*why);
    preview_ = std::move(next);
    return result;
}

void Session::dropPreview() {
    preview_.reset();
}

ApplyResult Session::applyAccepted(const Command& command) {
    ApplyResult result;
    auto refuse = [&](std::string why) {
        result.accepted = false;
        result.reason = std::move(why);
    };
    Json extra = Json::object();
    bool viewChanged = false;
    bool end = false;
    std::string endReason = "trainee";
    bool startNow = false;  // an interruption the instructor brought in starts right after the command's line
    // While the instructor holds the clock the trainee may look around, but nothing they say or mark counts.
    const bool heldByPause =
        impl_->paused &&
        (std::holds_alternative<MarkFinding>(command) || std::holds_alternative<RemoveMark>(command) ||
         std::holds_alternative<AnswerInterruption>(command) || std::holds_alternative<CallFinding>(command) ||
         std::holds_alternative<DeclarePrimarySurveyComplete>(command) ||
         std::holds_alternative<WriteConclusion>(command) ||
         (std::holds_alternative<EndSession>(command) && !isInstructorCommand(command)));
    auto findSpec = [&](const std::string& id) {
        for (std::size_t i = 0; i < impl_->specs.size(); ++i)
            if (impl_->specs[i].id == id) return int(i);
        return -1;
    };
    std::visit(
        [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if (heldByPause) return refuse("the instructor has paused the session");
            if constexpr (std::is_same_v<T, OpenSeries>) {
                if (c.series == kComputedScout) {
                    const auto* source = computedScoutSource(scenario_);
                    if (!source) return refuse("this case has a scout of its own");
                    if (!impl_->seriesComplete.count(source->id))
                        return refuse("the scout is computed from series '" + source->id +
                                      "', which has not arrived in full yet");
                    view_.series = std::string(kComputedScout);
                    view_.projection = true;
                    viewChanged = true;
                    return;
                }
                bool known = std::any_of(scenario_.images.series.begin(), scenario_.images.series.end(),
                                         [&](const auto& s) { return s.id == c.series; });
                if (!known) return refuse("no series '" + c.series + "' in this scenario");
                if (!seriesArrived(c.series)) return refuse("series '" + c.series + "' has not arrived yet");
                view_.series = c.series;
                view_.projection = std::any_of(
                    scenario_.images.series.begin(), scenario_.images.series.end(),
                    [&](const auto& s) { return s.id == c.series && s.kind == phantom::SeriesKind::Scout; });
                viewChanged = true;
            } else if constexpr (kViewCommand<T>) {
                if (auto why = changeView(view_, framing_, c)) return refuse(*why);
                // A scout's own zoom and pan are not the slices' view.
                viewChanged = !(view_.projection && (std::is_same_v<T, SetZoom> || std::is_same_v<T, SetPan>));
            } else if constexpr (std::is_same_v<T, SetLayout>) {
                bigPlane_ = c.big;  // where the planes are on screen: what each shows is unchanged
            } else if constexpr (std::is_same_v<T, MarkFinding>) {
                std::string id = c.id.empty() ? "m" + std::to_string(nextMark_) : c.id;
                for (const auto& m : marks_)
                    if (m.id == id) return refuse("there is already a mark '" + id + "'");
                ++nextMark_;
                marks_.push_back({id, c.lps, c.label, now_, std::nullopt});
                result.markId = id;
                if (c.id.empty()) extra["id"] = id;
            } else if constexpr (std::is_same_v<T, RemoveMark>) {
                for (auto& m : marks_)
                    if (m.id == c.id && !m.removedAt) {
                        m.removedAt = now_;
                        return;
                    }
                refuse("no mark '" + c.id + "'");
            } else if constexpr (std::is_same_v<T, AnswerInterruption>) {
                int index = -1;
                for (std::size_t i = 0; i < impl_->specs.size(); ++i)
                    if (impl_->specs[i].id == c.interruption) index = int(i);
                if (index < 0) return refuse("no interruption '" + c.interruption + "' in this scenario");
                int r = impl_->recordOf[std::size_t(index)];
                if (r < 0) return refuse("'" + c.interruption + "' has not happened yet");
                auto& rec = interruptionRecords_[std::size_t(r)];
                if (rec.endedAt) return refuse("'" + c.interruption + "' is over");
                const auto& spec = impl_->specs[std::size_t(index)];
                std::string words = c.text;
                bool correct = false;
                bool choice = false;
                Call call{now_, "", words, spec.role, {}, {}, {}, false, {}};
                if (!c.option.empty()) {
                    const scenario::AnswerOption* opt = nullptr;
                    for (const auto& a : spec.answers)
                        if (a.id == c.option) opt = &a;
                    if (auto it = impl_->distractors.find(index); !opt && it != impl_->distractors.end())
                        for (const auto& a : it->second)
                            if (a.id == c.option) opt = &a;
                    if (!opt) return refuse("'" + c.interruption + "' has no answer '" + c.option + "'");
                    auto offered = offeredChoices(c.interruption);
                    if (std::find(offered.begin(), offered.end(), opt) == offered.end())
                        return refuse(options_.exam
                                          ? "exam mode: answer in your own words"
                                          : "the quick answers are not offered yet: answer in your own words");
                    correct = opt->correct;
                    choice = true;
                    words = opt->text + (c.text.empty() ? "" : " " + c.text);
                } else if (spec.kind == scenario::InterruptionKind::Noise) {
                    correct = true;  // a phone or a pager only needs to be dealt with
                } else {
                    // Free text: right when it says one of the answer's keywords or names a finding the question is
                    // about, and denies none of them; not understood (they wait, and the choices are offered) when
                    // it names nothing at all.
                    bool understood = false, wrong = false;
                    for (const auto& k : spec.keywords)
                        if (saysPhrase(c.text, k)) correct = understood = true;
                    // The wrong action said ("it can wait"), even beside the right name, makes the answer wrong.
                    for (const auto& k : spec.wrongKeywords)
                        if (saysWords(c.text, k)) wrong = understood = true;
                    for (const auto& f : scenario_.findings) {
                        auto n = nameFinding(c.text, f);
                        if (n.level == Naming::None) continue;
                        understood = true;
                        bool related = std::find(spec.relatedFindings.begin(), spec.relatedFindings.end(), f.id) !=
                                       spec.relatedFindings.end();
                        if (related && n.level == Naming::Full) correct = true;
                        if (related && (n.level == Naming::Denied || n.level == Naming::Other)) wrong = true;
                    }
                    if (wrong) correct = false;
                    understood = understood || saysAnAnswer(c.text);
                    if (!understood) {
                        rec.attempts.push_back({now_, c.text});
                        if (!rec.choicesAt && !options_.exam) rec.choicesAt = now_;
                        result.notice = "not understood: they still wait for an answer - name the finding";
                        extra["understood"] = false;
                        return;
                    }
                }
                rec.answeredAt = now_;
                rec.endedAt = now_;
                rec.endReason = "answered";
                rec.option = c.option;
                rec.text = c.text;
                rec.correct = correct;
                extra["correct"] = correct;
                // Telling the asker about a finding is a call to them; a wrong answer tells them nothing.
                call.text = words;
                call.choice = choice;
                nameFindings(scenario_, words, call);
                result.linkedFindings = call.findings;
                result.linkedFindings.insert(result.linkedFindings.end(), call.partly.begin(), call.partly.end());
                if (!call.findings.empty()) extra["names"] = call.findings;
                if (!call.partly.empty()) extra["partly_names"] = call.partly;
                if (!call.denied.empty()) extra["denies"] = call.denied;
                if (correct && spec.kind != scenario::InterruptionKind::Noise &&
                    (!call.findings.empty() || !call.partly.empty() || !call.denied.empty() ||
                     !call.misidentified.empty()))
                    calls_.push_back(call);
            } else if constexpr (std::is_same_v<T, CallFinding>) {
                if (c.role.empty()) return refuse("a call needs a role (who is told)");
                Call call{now_, c.mark, c.text, c.role, {}, {}, {}, false, {}};
                std::string words = c.text;
                if (!c.mark.empty()) {
                    const Mark* m = nullptr;
                    for (const auto& x : marks_)
                        if (x.id == c.mark && !x.removedAt) m = &x;
                    if (!m) return refuse("no mark '" + c.mark + "'");
                    words += ". " + m->label;
                    extra["mark_label"] = m->label;
                }
                if (normaliseText(words).empty()) return refuse("a call needs a mark or words");
                nameFindings(scenario_, words, call);
                extra["names"] = call.findings;
                if (!call.partly.empty()) extra["partly_names"] = call.partly;
                if (!call.denied.empty()) extra["denies"] = call.denied;
                result.linkedFindings = call.findings;
                result.linkedFindings.insert(result.linkedFindings.end(), call.partly.begin(), call.partly.end());
                if (result.linkedFindings.empty() && call.denied.empty() && call.misidentified.empty()) {
                    result.notice = "not linked to a finding - name the finding";
                    extra["linked"] = false;
                }
                calls_.push_back(call);
            } else if constexpr (std::is_same_v<T, DeclarePrimarySurveyComplete>) {
                if (primarySurveyAt_) return refuse("the primary survey was already declared complete");
                primarySurveyAt_ = now_;
            } else if constexpr (std::is_same_v<T, WriteConclusion>) {
                conclusion_ = c.text;
                conclusionAt_ = now_;
            } else if constexpr (std::is_same_v<T, EndSession>) {
                end = true;
                if (!c.by.empty()) endReason = c.by;
            } else if constexpr (std::is_same_v<T, PauseClock>) {
                if (impl_->paused) return refuse("the clock is already paused");
                impl_->paused = true;
                clock_.setPaused(true);
                pauses_.push_back({now_, 0, false});
            } else if constexpr (std::is_same_v<T, ResumeClock>) {
                if (!impl_->paused) return refuse("the clock is not paused");
                impl_->paused = false;
                clock_.setPaused(false);
                pauses_.back().heldSeconds = c.heldSeconds;
                pauses_.back().resumed = true;
            } else if constexpr (std::is_same_v<T, InjectInterruption>) {
                int i = findSpec(c.interruption);
                if (i < 0) return refuse("no interruption '" + c.interruption + "' in this session");
                if (impl_->recordOf[std::size_t(i)] >= 0) return refuse("'" + c.interruption + "' has already begun");
                impl_->held.erase(i);
                impl_->injected.insert(i);
                impl_->scheduledStart.insert(i);  // its own trigger no longer starts it a second time
                impl_->schedule(now_, Pending::InterruptionStart, i);
                startNow = true;
            } else if constexpr (std::is_same_v<T, HoldInterruption>) {
                int i = findSpec(c.interruption);
                if (i < 0) return refuse("no interruption '" + c.interruption + "' in this session");
                if (impl_->recordOf[std::size_t(i)] >= 0)
                    return refuse("'" + c.interruption + "' has already begun; it can no longer be held back");
                if (!impl_->held.insert(i).second) return refuse("'" + c.interruption + "' is already held back");
            } else if constexpr (std::is_same_v<T, Say>) {
                const bool noise = c.role == "phone" || c.role == "pager";
                if (c.role.empty()) return refuse("say: who says it (a role)");
                if (!noise && normaliseText(c.text).empty()) return refuse("say: what they say");
                for (const auto& f : c.findings)
                    if (!scenario_.findFinding(f)) return refuse("no finding '" + f + "' in this scenario");
                std::string id = c.id;
                if (id.empty()) do
                        id = "say" + std::to_string(impl_->nextSay++);
                    while (findSpec(id) >= 0);
                else if (findSpec(id) >= 0)
                    return refuse("there is already an interruption '" + id + "'");
                scenario::Interruption spec;
                spec.id = id;
                spec.role = c.role;
                spec.text = c.text;
                spec.trigger.type = scenario::InterruptionTrigger::Type::AtTime;
                spec.trigger.atSeconds = now_;
                if (noise || (c.findings.empty() && c.keywords.empty())) {
                    // A remark, a phone or a pager: it stands for a while and needs no answer.
                    spec.kind = scenario::InterruptionKind::Noise;
                    spec.durationSeconds = kRemarkSeconds;
                } else {
                    spec.kind = scenario::InterruptionKind::Question;
                    spec.relatedFindings = c.findings;
                    spec.keywords = c.keywords;
                }
                int i = int(impl_->specs.size());
                impl_->specs.push_back(std::move(spec));
                impl_->recordOf.push_back(-1);
                impl_->instructorSaid.insert(i);
                impl_->scheduledStart.insert(i);
                impl_->schedule(now_, Pending::InterruptionStart, i);
                startNow = true;
                result.markId = id;
                if (c.id.empty()) extra["id"] = id;
            } else if constexpr (std::is_same_v<T, InstructorNote>) {
                if (normaliseText(c.text).empty()) return refuse("a note needs words");
                notes_.push_back({now_, c.text});
            }
        },
        command);
    Json line = commandToJson(command);
    if (!result.accepted) line["refused"] = result.reason;
    for (auto it = extra.begin(); it != extra.end(); ++it) line[it.key()] = it.value();
    logEvent(line);
    if (result.accepted && startNow) fireDue(now_);
    if (viewChanged) onViewChanged();
    if (end && result.accepted) endSession(endReason);
    return result;
}

std::vector<std::string> Session::replay(const std::vector<Json>& events, const EventPlaces* places) {
    const EventPlaces inMemory;
    const EventPlaces& where = places ? *places : inMemory;
    std::vector<std::string> warnings;
    double last = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        double t = e.value("t", 0.0);
        last = std::max(last, t);
        if (!e.contains("action")) continue;
        std::string why;
        auto command = commandFromJson(e, &why);
        if (!command) {
            warnings.push_back(where.at(i) + ": " + why + "; skipped");
            continue;
        }
        advanceTo(t);
        auto result = apply(*command);
        if (result.accepted == e.contains("refused")) {
            warnings.push_back(
                where.at(i) + " (" + std::string(commandName(*command)) + " at " + std::to_string(t) +
                " s): " + (result.accepted ? "accepted now, was refused" : "refused now: " + result.reason));
        }
    }
    advanceTo(last);
    return warnings;
}

}  // namespace polysim::session

// The console's view of a session (see snapshot.h).
#include "console/snapshot.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace polysim::console {

namespace {
double r3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}
double r1(double v) {
    return std::round(v * 10.0) / 10.0;
}

std::string triggerText(const scenario::InterruptionTrigger& t) {
    using Type = scenario::InterruptionTrigger::Type;
    std::string delay = t.delaySeconds > 0 ? " + " + std::to_string(int(std::lround(t.delaySeconds))) + " s" : "";
    switch (t.type) {
        case Type::AtTime:
            return "at " + std::to_string(int(std::lround(t.atSeconds + t.delaySeconds))) + " s";
        case Type::RegionOpened:
            return "when " + t.target + " is opened" + delay;
        case Type::FindingOnScreen:
            return "when " + t.target + " is on screen" + delay;
        case Type::InterruptionIgnored:
            return "if " + t.target + " is ignored" + delay;
    }
    return "";
}

// Log lines the console lists as they happen: everything but slice moves, pans and zooms (there are thousands).
bool listed(const Json& e) {
    static const std::set<std::string> quiet = {"position", "pan",    "zoom",      "reset_view",
                                                "plane",    "window", "crosshair", "layout"};
    return !quiet.count(e.value("action", "")) && e.value("event", "") != "session_start";
}
}  // namespace

std::vector<std::string> speakingRoles(const scenario::Scenario& sc) {
    std::vector<std::string> out;
    auto add = [&](const std::string& r) {
        if (!r.empty() && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
    };
    for (const auto& i : sc.interruptions)
        if (i.role != "phone" && i.role != "pager") add(i.role);
    for (const auto& f : sc.findings)
        for (const auto& r : f.tell) add(r);
    for (const char* r : {"trauma_leader", "anaesthetist", "neurosurgeon", "visceral_surgeon", "vascular_surgeon",
                          "orthopaedic_surgeon", "interventional_radiologist", "nurse", "phone", "pager"})
        add(r);
    return out;
}

Json sessionSnapshot(const session::Session& s, const session::EventLog& log, const scoring::Score* coverage) {
    const auto& sc = s.scenario();
    Json j;
    j["t"] = r3(s.now());
    j["paused"] = s.paused();
    j["ended"] = s.ended();
    if (s.ended()) j["end_reason"] = s.endReason();
    j["duration"] = sc.durationSeconds;
    j["scenario"] = {{"id", sc.meta.id}, {"title", sc.meta.title}};
    j["trainee"] = s.options().trainee;
    j["exam"] = s.options().exam;

    const auto& v = s.view();
    Json view;
    view["series"] = v.series;
    for (const auto& spec : sc.images.series)
        if (spec.id == v.series) view["series_label"] = spec.label;
    view["projection"] = v.projection;
    view["plane"] = std::string(session::planeName(v.plane));
    view["position_mm"] = r1(v.cursor[imaging::normalAxis(v.plane)]);
    view["cursor"] = Json::array({r1(v.cursor.x), r1(v.cursor.y), r1(v.cursor.z)});
    if (!v.series.empty() && !v.projection) {
        // The image number as the room counts it: from the head (the top of the series) down, one per slice.
        double slice = s.sliceMm(v.series);
        auto z = s.options().seriesZMm.find(v.series);
        if (z != s.options().seriesZMm.end() && slice > 0 && v.plane == session::Plane::Axial)
            view["image"] = int(std::lround((z->second.second - v.cursor.z) / slice)) + 1;
    }
    view["window"] = {{"preset", v.preset}, {"width", r1(v.window.width)}, {"level", r1(v.window.level)}};
    view["zoom"] = r3(v.zoom);
    j["view"] = view;

    Json series = Json::array();
    for (const auto& st : s.seriesStates())
        series.push_back({{"id", st.spec->id}, {"label", st.spec->label}, {"arrived", r3(st.arrivedFraction)}});
    j["series"] = series;

    auto vit = s.vitals();
    j["vitals"] = {{"hr", r1(vit.heartRate)}, {"sys", r1(vit.systolic)},       {"dia", r1(vit.diastolic)},
                   {"spo2", r1(vit.spo2)},    {"rr", r1(vit.respiratoryRate)}, {"gcs", vit.gcs}};

    Json regions = Json::array();
    for (const auto& id : sc.readingOrder) {
        const auto* r = sc.findRegion(id);
        if (!r) continue;
        Json row{{"id", r->id}, {"label", r->label}};
        if (coverage)
            for (const auto& rc : coverage->coverage.regions)
                if (rc.region && rc.region->id == r->id) {
                    row["percent"] = int(std::lround(rc.fraction * 100));
                    row["read"] = rc.completedAt.has_value();
                }
        regions.push_back(row);
    }
    j["coverage"] = regions;

    Json marks = Json::array();
    for (const auto& m : s.marks())
        marks.push_back({{"id", m.id},
                         {"label", m.label},
                         {"t", r3(m.placedAt)},
                         {"lps", Json::array({r1(m.lps.x), r1(m.lps.y), r1(m.lps.z)})}});
    j["marks"] = marks;
    Json calls = Json::array();
    for (const auto& c : s.calls())
        calls.push_back({{"t", r3(c.t)}, {"role", c.role}, {"text", c.text}, {"findings", c.findings}});
    j["calls"] = calls;

    Json active = Json::array();
    std::set<std::string> begun;
    for (const auto& rec : s.interruptions()) begun.insert(rec.id);
    for (const auto& a : s.activeInterruptions()) {
        bool instructor = false;
        for (const auto& rec : s.interruptions())
            if (rec.id == a.spec->id) instructor = rec.instructor;
        active.push_back({{"id", a.spec->id},
                          {"role", a.spec->role},
                          {"name", a.spec->name},
                          {"saying", a.saying},
                          {"since", r3(a.startedAt)},
                          {"repeats", a.repeats},
                          {"escalated", a.escalated},
                          {"instructor", instructor}});
    }
    j["interruptions"] = active;
    auto held = s.heldInterruptions();
    Json waiting = Json::array();
    for (const auto& spec : sc.interruptions) {
        if (begun.count(spec.id)) continue;
        waiting.push_back({{"id", spec.id},
                           {"role", spec.role},
                           {"text", spec.text},
                           {"when", triggerText(spec.trigger)},
                           {"held", std::find(held.begin(), held.end(), spec.id) != held.end()}});
    }
    j["scripted"] = waiting;

    // Ground truth: for the instructor only.
    Json findings = Json::array();
    for (const auto& f : sc.findings) {
        Json row{{"id", f.id}, {"label", f.label}, {"category", f.acrCategory}, {"region", f.region}};
        if (f.deadlineSeconds > 0) row["deadline"] = f.deadlineSeconds;
        row["on_screen"] = s.findingsFirstOnScreen().count(f.id) > 0;
        bool called = false;
        for (const auto& c : s.calls())
            if (std::find(c.findings.begin(), c.findings.end(), f.id) != c.findings.end()) called = true;
        row["called"] = called;
        if (auto t = s.calledInTimeTo(f.id)) row["called_in_time_at"] = r3(*t);
        if (coverage)
            for (const auto& fs : coverage->findings.items)
                if (fs.finding && fs.finding->id == f.id) {
                    row["seen"] = fs.seen;
                    row["marked"] = fs.marked;
                }
        findings.push_back(row);
    }
    j["findings"] = findings;
    j["roles"] = speakingRoles(sc);

    // The last things that happened, newest last, as the log has them (refusals included).
    Json recent = Json::array();
    const auto& events = log.events();
    std::vector<const Json*> picked;
    for (auto it = events.rbegin(); it != events.rend() && picked.size() < kRecentEvents; ++it)
        if (listed(*it)) picked.push_back(&*it);
    for (auto it = picked.rbegin(); it != picked.rend(); ++it) recent.push_back(**it);
    j["recent"] = recent;
    return j;
}

}  // namespace polysim::console

// The scoring rules (clinical reference, sections 6 to 8), each result explained in words.
#include "scoring/score.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "common/format.h"
#include "imaging/window.h"
#include "session/lexicon.h"
#include "session/matching.h"
#include "session/resume.h"

namespace polysim::scoring {

using session::ViewChange;
using session::ViewState;

namespace {
double r3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}
std::string pct(double f) {
    return fixed(f * 100.0, 0) + " %";
}

// The window a view shows, by preset name or as width/level (the JSON's on_screen_windows).
// A window as the debrief names it: its preset (also a dragged window that landed on one), else W/L to the whole HU, so
// a right-drag lists the few windows seen, not every thousandth of a HU it passed through.
std::string viewWindow(const ViewState& v) {
    if (!v.preset.empty()) return v.preset;
    if (const auto* preset = imaging::presetOf(v.window)) return std::string(preset->name);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f/%.0f", v.window.width, v.window.level);
    return buf;
}

std::string joinList(const std::vector<std::string>& items, const std::string& sep = ", ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
    return out;
}

struct Span {
    double from, to;
    const ViewState* view;
};

std::vector<Span> spansOf(const std::vector<ViewChange>& changes, double end) {
    std::vector<Span> out;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        double to = i + 1 < changes.size() ? changes[i + 1].t : end;
        if (to > changes[i].t) out.push_back({changes[i].t, to, &changes[i].view});
    }
    return out;
}

}  // namespace

std::string totalText(double total) {
    return fixed(total, 1);
}

namespace {
struct RuleWords {
    const char* rule;
    const char* title;
    const char* explanation;
};
constexpr RuleWords kRules[] = {
    {"missed", "missed", "It was never on screen in a window that shows it: nobody can find what they never look at."},
    {"too_fast", "too fast to see",
     "Its images went by faster than a reader can take an image in (the perceptual floor, 30 ms an image unless the "
     "case sets another): paging that fast is not reading, so the images do not count as seen."},
    {"not_seen", "named but never seen",
     "It was marked or named before (or without) ever being on screen long enough to see: a name without a look is "
     "a guess and earns nothing."},
    {"unnamed", "seen, not named", "It was on screen in a suitable window, but never marked or named."},
    {"misidentified", "misidentified",
     "A mark on it names a different diagnosis, or the last word on it called it something else or said it is not "
     "there. For a Category 1 finding this is a critical error, whatever else was said."},
    {"incomplete", "named only in part",
     "It was named by its organ or a lesser diagnosis only, without its essential element (tension, active bleeding, "
     "burst...): partial credit."},
    {"late_critical", "Category 1 called late",
     "A Category 1 finding was told after its deadline: a critical error, unless the case relaxes it for this "
     "finding."},
    {"late", "called late", "It was told after its deadline."},
    {"told_wrong_person", "told the wrong people", "It was told only to people who cannot act on it."},
    {"not_called", "never called", "It was found but never told to who must hear it."},
};
}  // namespace

std::string ruleTitle(const std::string& rule) {
    for (const auto& r : kRules)
        if (rule == r.rule) return r.title;
    return rule;
}

std::string ruleExplanation(const std::string& rule) {
    for (const auto& r : kRules)
        if (rule == r.rule) return r.explanation;
    return {};
}

std::string roleName(const std::string& role) {
    std::string t = scenario::roleTitle(role);
    if (!t.empty()) t[0] = char(std::tolower(static_cast<unsigned char>(t[0])));
    return t;
}

std::string windowName(const std::string& preset) {
    if (const auto* p = imaging::findWindowPreset(preset)) {
        std::string label(p->label);
        label[0] = char(std::tolower(static_cast<unsigned char>(label[0])));
        return label;
    }
    return "W/L " + preset;
}

std::string windowsPhrase(const std::vector<std::string>& presets, const std::string& conjunction) {
    std::string out = "the ";
    for (std::size_t i = 0; i < presets.size(); ++i)
        out += (i == 0 ? "" : i + 1 == presets.size() ? " " + conjunction + " " : ", ") + windowName(presets[i]);
    return out + (presets.size() > 1 && conjunction == "and" ? " windows" : " window");
}

std::string regionName(const scenario::Scenario& sc, const std::string& id) {
    const auto* r = sc.findRegion(id);
    return r && !r->label.empty() ? r->label : id;
}

bool projectionRegion(const scenario::Scenario& sc, const scenario::Region& region) {
    for (const auto& s : sc.images.series)
        if (s.id == region.series && s.kind == phantom::SeriesKind::Scout) return true;
    return false;
}

std::string statementText(const FindingStatement& st) {
    std::string how = st.kind == "mark"         ? "mark '" + st.text + "'"
                      : st.kind == "conclusion" ? "conclusion '" + st.text + "'"
                      : st.kind == "choice"     ? "picked answer to the " + roleName(st.role) + " '" + st.text + "'"
                                                : "told the " + roleName(st.role) + " '" + st.text + "'";
    std::string verdict =
        st.level == session::Naming::Full ? "names it"
        : st.level == session::Naming::Partial
            ? (st.other.empty() ? "names it in part" : "hedges between it and " + st.other + ": in part")
        : st.level == session::Naming::Denied ? "says it is not there"
        : st.level == session::Naming::Other  ? "names " + st.other
                                              : "";
    return how + " (" + verdict + ")";
}

namespace {

// ---------------------------------------------------------------- coverage and order
// Reading order: Kendall's tau between one accepted order and the order in which regions were completed.
OrderPart orderAgainst(const scenario::Scenario& sc, const std::vector<std::string>& protocol,
                       const std::vector<RegionCoverage>& coverage) {
    OrderPart order;
    order.protocol = protocol;
    std::vector<std::pair<double, int>> done;  // completion time, protocol index
    for (std::size_t i = 0; i < protocol.size(); ++i) {
        const RegionCoverage* rc = nullptr;
        for (const auto& r : coverage)
            if (r.region->id == protocol[i]) rc = &r;
        if (rc && rc->completedAt)
            done.push_back({*rc->completedAt, int(i)});
        else
            order.notCompleted.push_back(protocol[i]);
    }
    std::stable_sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, i] : done) order.completed.push_back({protocol[std::size_t(i)], t});
    int maxSoFar = -1;
    std::string maxName;
    for (const auto& [t, i] : done) {
        if (i < maxSoFar)
            order.outOfOrder.push_back(regionName(sc, protocol[std::size_t(i)]) + " (protocol step " +
                                       std::to_string(i + 1) + ") was completed at " + clockText(t) + ", after " +
                                       regionName(sc, maxName) + " (step " + std::to_string(maxSoFar + 1) + ")");
        if (i > maxSoFar) {
            maxSoFar = i;
            maxName = protocol[std::size_t(i)];
        }
    }
    double total = double(protocol.size());
    if (done.size() >= 2) {
        int concordant = 0, discordant = 0;
        for (std::size_t a = 0; a < done.size(); ++a)
            for (std::size_t b = a + 1; b < done.size(); ++b)
                (done[a].second < done[b].second ? concordant : discordant)++;
        order.tau = double(concordant - discordant) / double(concordant + discordant);
        order.score = (*order.tau + 1) / 2 * (double(done.size()) / total);
        order.why = "Kendall's tau = (concordant " + std::to_string(concordant) + " - discordant " +
                    std::to_string(discordant) + ") / " + std::to_string(concordant + discordant) +
                    " pairs = " + fixed(*order.tau, 2) + " over the " + std::to_string(done.size()) + " of " +
                    std::to_string(int(total)) +
                    " protocol regions completed; part = (tau + 1) / 2 x completed share = " + fixed(order.score, 2) +
                    ".";
    } else {
        order.score = total > 0 ? double(done.size()) / total : 1.0;
        order.why = std::to_string(done.size()) + " of " + std::to_string(int(total)) +
                    " protocol regions completed; an order needs at least two, so the part is the completed share = " +
                    fixed(order.score, 2) + ".";
    }
    if (!order.notCompleted.empty()) {
        std::vector<std::string> names;
        for (const auto& id : order.notCompleted) names.push_back(regionName(sc, id));
        order.why += " Not completed: " + joinList(names, "; ") + ".";
    }
    if (!order.outOfOrder.empty()) order.why += " Out of order: " + joinList(order.outOfOrder, "; ") + ".";
    return order;
}

// What kills first, told first. Each Category 1 finding is available once the first series that can show it has
// arrived (the scout for a finding the scout shows); the team hearing of it in the first half of the time from
// then to its deadline earns full credit, falling to half at the deadline and to none after it or never. The order
// part is two thirds this and one third the sequence of regions (tau), so a read that takes an accepted variant
// (the head when it arrives first, a life-threat sweep before the full read) loses little as long as what kills is
// told first.
void scorePriority(const scenario::Scenario& sc, const session::Session& s, Score& out) {
    auto& order = out.order;
    order.sequence = order.score;
    const auto& zRanges = s.options().seriesZMm;
    for (const auto& fs : out.findings.items) {
        const auto& f = *fs.finding;
        if (f.acrCategory != 1) continue;
        std::optional<double> available;
        for (const auto& series : sc.images.series) {
            const bool scout = series.kind == phantom::SeriesKind::Scout;
            if (scout && !session::findingOnScout(f)) continue;
            if (!scout)
                if (auto it = zRanges.find(series.id);
                    it != zRanges.end() && (f.centreLps.z < it->second.first || f.centreLps.z > it->second.second))
                    continue;
            if (!available || series.arrivalSeconds < *available) available = series.arrivalSeconds;
        }
        OrderPart::Priority p;
        p.finding = &f;
        p.availableAt = available.value_or(0.0);
        p.toldAt = fs.calledAt;
        if (fs.partlyCalledAt && (!p.toldAt || *fs.partlyCalledAt < *p.toldAt)) p.toldAt = fs.partlyCalledAt;
        if (p.toldAt) {
            const double span = std::max(1.0, f.deadlineSeconds - p.availableAt);
            const double r = std::max(0.0, *p.toldAt - p.availableAt) / span;
            p.score = r <= 0.5 ? 1.0 : r <= 1.0 ? 1.0 - (r - 0.5) : 0.0;
        }
        order.priorities.push_back(p);
    }
    if (order.priorities.empty()) return;
    double sum = 0;
    std::vector<std::string> parts;
    for (const auto& p : order.priorities) {
        sum += p.score;
        parts.push_back(p.finding->label + ": images from " + clockText(p.availableAt) + ", " +
                        (p.toldAt ? "told at " + clockText(*p.toldAt) : std::string("never told")) + ", deadline " +
                        clockText(p.finding->deadlineSeconds) + " -> " + fixed(p.score, 2));
    }
    order.priority = sum / double(order.priorities.size());
    order.score = 2.0 / 3.0 * *order.priority + 1.0 / 3.0 * *order.sequence;
    order.why =
        "What kills first, told first (two thirds of the part): each Category 1 finding earns full credit when "
        "the team hears of it in the first half of the time from its images' arrival to its deadline, half at "
        "the deadline, none after it (" +
        joinList(parts, "; ") + "); mean " + fixed(*order.priority, 2) +
        ". Sequence of regions (one third): " + order.why + " Part = 2/3 x " + fixed(*order.priority, 2) + " + 1/3 x " +
        fixed(*order.sequence, 2) + " = " + fixed(order.score, 2) + ".";
}

// The slices of one sweep plane across a region: those seen in a suitable window for the floor, and those that went
// by faster (the scout is one projection image that shows the whole region).
PlaneCoverage coverIn(const scenario::Scenario& sc, const session::Session& s, const std::vector<Span>& spans,
                      const scenario::Region& region, imaging::Plane plane, const std::string& countingSeries) {
    PlaneCoverage pc;
    pc.plane = plane;
    const auto sweep = region.sweep(plane).value_or(std::make_pair(region.zFromMm, region.zToMm));
    pc.fromMm = sweep.first;
    pc.toMm = sweep.second;
    const int axis = imaging::normalAxis(plane);
    // Slices are counted in the spacing of the series that shows the region (a reformat in the same spacing).
    const double sliceMm = s.sliceMm(countingSeries);
    auto count = [&](double mm) { return std::max(1, int(std::ceil((mm - pc.fromMm) / sliceMm - 1e-9))); };
    pc.slices = count(pc.toMm);
    auto index = [&](double mm) { return std::clamp(int(std::floor((mm - pc.fromMm) / sliceMm)), 0, pc.slices - 1); };
    std::vector<char> seen(std::size_t(pc.slices), 0), glimpsed(std::size_t(pc.slices), 0);
    const int need = std::max(1, int(std::ceil(region.minCoverage * pc.slices - 1e-9)));
    const double floor = sc.weights.minDwellSeconds;
    const auto* zRanges = &s.options().seriesZMm;
    for (const auto& sp : spans) {
        if (!session::regionOnScreen(*sp.view, region, zRanges)) continue;
        if (!sp.view->projection && sp.view->plane != plane) continue;
        pc.seconds += sp.to - sp.from;
        if (!session::windowSuits(sp.view->window, region.windows)) continue;
        // The perceptual floor: an image on screen for less than a reader needs to take it in is not read.
        const bool read = sp.to - sp.from + 1e-9 >= floor;
        if (sp.view->projection) {  // the scout shows the whole region at once
            if (!read) continue;
            for (auto& b : seen) b = 1;
            pc.slicesSeen = pc.slices;
            if (!pc.completedAt) pc.completedAt = sp.from;
            continue;
        }
        const double spacing = s.sliceMm(sp.view->series);
        // A displayed slice stands for its own thickness, which may span several counting slices.
        const double at = sp.view->cursor[axis];
        const double lo = at - spacing / 2, hi = at + spacing / 2 - 1e-6;
        for (int k = index(std::max(lo, pc.fromMm)); k <= index(std::min(hi, pc.toMm)); ++k) {
            if (!read) {
                glimpsed[std::size_t(k)] = 1;
                continue;
            }
            if (seen[std::size_t(k)]) continue;
            seen[std::size_t(k)] = 1;
            if (++pc.slicesSeen >= need && !pc.completedAt) pc.completedAt = sp.from;
        }
    }
    for (std::size_t k = 0; k < seen.size(); ++k) pc.slicesTooFast += glimpsed[k] && !seen[k] ? 1 : 0;
    pc.fraction = double(pc.slicesSeen) / pc.slices;
    return pc;
}

std::string planeWord(imaging::Plane p) {
    return std::string(imaging::planeName(p));
}

// How a sweep plane runs across the body, for the debrief's words.
std::string sweepWords(const PlaneCoverage& pc) {
    const std::string span = shortNumber(pc.fromMm) + " to " + shortNumber(pc.toMm) + " mm";
    switch (pc.plane) {
        case imaging::Plane::Sagittal:
            return "right to left across x " + span;
        case imaging::Plane::Coronal:
            return "front to back across y " + span;
        case imaging::Plane::Axial:
            break;
    }
    return "feet to head across z " + span;
}

void scoreCoverage(const scenario::Scenario& sc, const session::Session& s, const std::vector<Span>& spans,
                   Score& out) {
    double sum = 0;
    std::vector<std::string> unread;  // "Chest: lungs and pleura 3 % of 40 %"
    for (const auto& region : sc.regions) {
        RegionCoverage rc;
        rc.region = &region;
        // Slices are counted in the spacing of the series that shows the region (the first one, when any shows it).
        std::string series = region.series;
        if (series.empty() && !sc.images.series.empty()) {
            for (const auto& sp : spans)
                if (session::regionOnScreen(*sp.view, region, &s.options().seriesZMm) && !sp.view->projection) {
                    series = sp.view->series;
                    break;
                }
        }
        const double sliceMm = s.sliceMm(series);
        const bool projection = projectionRegion(sc, region);
        // Each plane the region is read in is scored on its own; the region counts as read in the plane that
        // completed first (else the one read furthest, else the one longest on screen, else the first listed): a
        // sweep is read in one plane.
        PlaneCoverage best;
        bool haveBest = false;
        for (auto plane : projection ? std::vector<imaging::Plane>{imaging::Plane::Axial} : region.planes) {
            if (!region.sweep(plane)) continue;
            auto pc = coverIn(sc, s, spans, region, plane, series);
            const bool better =
                !haveBest || (pc.completedAt && (!best.completedAt || *pc.completedAt < *best.completedAt)) ||
                (!pc.completedAt && !best.completedAt &&
                 (pc.fraction > best.fraction || (pc.fraction == best.fraction && pc.seconds > best.seconds)));
            if (better) best = pc, haveBest = true;
            if (!projection) rc.planes.push_back(pc);
        }
        if (!haveBest) best = coverIn(sc, s, spans, region, imaging::Plane::Axial, series);
        static_cast<PlaneCoverage&>(rc) = best;
        // Scroll behaviour: consecutive positions along the normal of the plane read in, inside the region.
        const int axis = imaging::normalAxis(best.plane);
        int displays = 0;
        double travelled = 0;
        int lastDir = 0;
        bool havePrev = false;
        double prevAt = 0;
        for (const auto& sp : spans) {
            bool inside = session::regionOnScreen(*sp.view, region, &s.options().seriesZMm) && !sp.view->projection &&
                          sp.view->plane == best.plane;
            if (session::regionOnScreen(*sp.view, region, &s.options().seriesZMm) &&
                (sp.view->projection || sp.view->plane == best.plane))
                ++displays;
            if (!inside) {
                havePrev = false;
                lastDir = 0;
                continue;
            }
            double at = sp.view->cursor[axis];
            if (havePrev && at != prevAt) {
                int dir = at > prevAt ? 1 : -1;
                travelled += std::abs(at - prevAt);
                if (dir != lastDir) ++rc.scrollCourses;
                lastDir = dir;
            }
            prevAt = at;
            havePrev = true;
        }
        double length = std::max(1e-6, best.toMm - best.fromMm);
        rc.passes = travelled / length;
        rc.secondsPerSlice = displays ? rc.seconds / displays : 0;
        if (projection) {
            // One image: there is nothing to page through, only whether and how long it was looked at.
            rc.style = rc.seconds > 0 ? "projection" : "not read";
            rc.why = rc.seconds <= 0 ? "the projection image was never on screen"
                                     : "one projection image, on screen for " + fixed(rc.seconds, 0) + " s; " +
                                           (rc.completedAt ? "viewed in " + windowsPhrase(region.windows) + " from " +
                                                                 clockText(*rc.completedAt)
                                                           : "never in " + windowsPhrase(region.windows));
        } else if (rc.seconds <= 0) {
            std::vector<std::string> names;
            for (const auto& pc : rc.planes) names.push_back(planeWord(pc.plane));
            rc.style = "not read";
            rc.why = "never on screen in " +
                     (names.empty() ? std::string("an axial") : "a " + joinList(names, " or ")) + " slice";
        } else {
            double drill =
                0.5 * std::min(rc.passes / 4.0, 1.0) + 0.5 * std::clamp((0.5 - rc.secondsPerSlice) / 0.45, 0.0, 1.0);
            rc.drillerIndex = drill;
            rc.style = drill >= 0.6 ? "driller" : drill <= 0.4 ? "scanner" : "mixed";
            const std::string plane = planeWord(best.plane);
            rc.why = (rc.planes.size() > 1 ? "read in the " + plane + " plane: " : std::string()) +
                     std::to_string(rc.slicesSeen) + " of " + std::to_string(rc.slices) + " " + plane + " slices (" +
                     shortNumber(sliceMm, 3) + " mm, " + sweepWords(best) + ") seen in " +
                     windowsPhrase(region.windows) + " = " + pct(rc.fraction) + " (needs " + pct(region.minCoverage) +
                     ")" + (rc.completedAt ? ", complete at " + clockText(*rc.completedAt) : ", never complete") +
                     (rc.slicesTooFast > 0 ? "; " + std::to_string(rc.slicesTooFast) + " slice(s) went by in under " +
                                                 fixed(sc.weights.minDwellSeconds * 1000, 0) +
                                                 " ms an image, too fast to read, and do not count (too fast)"
                                           : std::string()) +
                     "; " + fixed(rc.seconds, 0) + " s on screen in " + std::to_string(rc.scrollCourses) +
                     " scroll course(s), " + fixed(rc.passes, 1) + " pass(es) through its " +
                     (best.plane == imaging::Plane::Axial ? "depth" : "width") + ", " + fixed(rc.secondsPerSlice, 2) +
                     " s per slice: " + rc.style + " (index " + fixed(drill, 2) +
                     "; drillers scroll fast through depth many times, scanners slowly once)";
            std::vector<std::string> others;
            for (const auto& pc : rc.planes)
                if (pc.plane != best.plane)
                    others.push_back(planeWord(pc.plane) + " slices " + std::to_string(pc.slicesSeen) + " of " +
                                     std::to_string(pc.slices) + " = " + pct(pc.fraction) +
                                     (pc.slicesTooFast > 0 ? " (" + std::to_string(pc.slicesTooFast) + " too fast)"
                                                           : std::string()));
            if (!others.empty()) rc.why += "; " + joinList(others, ", ") + " (a region counts in the plane read best)";
        }
        sum += std::min(1.0, rc.fraction / std::max(1e-6, region.minCoverage));
        // A region hardly seen was not read, whatever was found elsewhere: going straight to the slices that hold
        // the injuries reads none of the rest, where a real patient's other injuries would be. The scout is one
        // image the order and coverage parts already count.
        const double unreadBelow = sc.weights.unreadShare * region.minCoverage;
        if (!projection && unreadBelow > 0 && rc.fraction < unreadBelow) {
            rc.unread = true;
            unread.push_back(regionName(sc, region.id) + " " + pct(rc.fraction) + " of " + pct(unreadBelow));
        }
        out.coverage.regions.push_back(rc);
    }
    out.coverage.score = sc.regions.empty() ? 1.0 : sum / double(sc.regions.size());
    if (!unread.empty())
        out.criticalErrors.push_back(
            "Not read by the end (the share seen in a window that suits the region, against "
            "the least that counts as read): " +
            joinList(unread) + ". A pass needs every region read, not only the slices where the injuries are.");
    int complete = 0;
    for (const auto& r : out.coverage.regions) complete += r.completedAt ? 1 : 0;
    out.coverage.why = std::to_string(complete) + " of " + std::to_string(sc.regions.size()) +
                       " regions read to their required coverage; the part is the mean over regions of "
                       "coverage / required coverage (capped at 1) = " +
                       fixed(out.coverage.score, 2) +
                       ". Coverage predicts accuracy better than experience (Williams et al. 2021).";

    // Reading order: scored against the reading order and each alternative order the case accepts; the one the
    // read fits best counts (the reading order on a tie).
    out.order = orderAgainst(sc, sc.readingOrder, out.coverage.regions);
    for (std::size_t a = 0; a < sc.alternativeOrders.size(); ++a) {
        auto alt = orderAgainst(sc, sc.alternativeOrders[a], out.coverage.regions);
        if (alt.score <= out.order.score + 1e-12) continue;
        std::vector<std::string> names;
        for (const auto& id : alt.protocol) names.push_back(regionName(sc, id));
        alt.followed = int(a) + 1;
        alt.why = "Scored against alternative order " + std::to_string(a + 1) + " that this case accepts (" +
                  joinList(names, ", ") + "), which the read follows better than the reading order. " + alt.why;
        out.order = std::move(alt);
    }
    scorePriority(sc, s, out);
}

// ---------------------------------------------------------------- findings
void scoreFindings(const scenario::Scenario& sc, const session::Session& s, const std::vector<Span>& spans,
                   Score& out) {
    using session::Naming;
    const double floor = sc.weights.minDwellSeconds;
    const auto* zRanges = &s.options().seriesZMm;
    double weighted = 0, weights = 0;
    auto roles = [](const std::vector<std::string>& ids, const std::string& sep) {
        std::vector<std::string> names;
        for (const auto& id : ids) names.push_back("the " + roleName(id));
        return joinList(names, sep);
    };
    for (const auto& f : sc.findings) {
        FindingScore fs;
        fs.finding = &f;
        auto windows = session::findingWindows(sc, f);
        // Looked at: on screen, in a window that shows it, for at least the perceptual floor in one image.
        for (const auto& sp : spans) {
            if (!session::findingOnScreen(*sp.view, f, sc, s.options().fieldOfViewMm, zRanges)) continue;
            fs.onScreen = true;
            std::string w = viewWindow(*sp.view);
            if (std::find(fs.onScreenWindows.begin(), fs.onScreenWindows.end(), w) == fs.onScreenWindows.end())
                fs.onScreenWindows.push_back(w);
            if (!session::windowSuits(sp.view->window, session::findingWindowsIn(*sp.view, sc, f))) continue;
            double dwell = sp.to - sp.from;
            fs.longestLookSeconds = std::max(fs.longestLookSeconds, dwell);
            if (dwell + 1e-9 >= floor) {
                if (!fs.seen) {
                    fs.seen = true;
                    fs.seenAt = sp.from;
                    fs.seenSeries = sp.view->series;
                }
            } else {
                fs.tooFast = true;
            }
        }
        if (fs.seen) fs.tooFast = false;

        // Everything the trainee said about it, in time order: marks on it, calls and answers, the conclusion.
        auto markOf = [&](const std::string& id) -> const session::Mark* {
            for (const auto& m : s.allMarks())
                if (m.id == id) return &m;
            return nullptr;
        };
        // A mark lying on this finding and on another (a laceration inside its haematoma, a bleed in the free
        // fluid around it) is about the one its label names: naming the other says nothing about this one.
        auto aboutAnother = [&](const session::Mark& m, Naming level) {
            if (level != Naming::Other && level != Naming::None) return false;
            for (const auto& g : sc.findings) {
                if (&g == &f || !session::markOnFinding(m.lps, g)) continue;
                auto ng = session::nameFinding(m.label, g).level;
                if (ng == Naming::Full || ng == Naming::Partial) return true;
            }
            return false;
        };
        for (const auto& m : s.allMarks()) {
            if (m.removedAt || !session::markOnFinding(m.lps, f)) continue;
            auto n = session::nameFinding(m.label, f);
            if (aboutAnother(m, n.level)) continue;
            // A label that also names another finding of this case, which lies elsewhere, says nothing about this
            // one: a list of every diagnosis on every mark is not a reading.
            if (n.level == Naming::Full)
                for (const auto& g : sc.findings)
                    if (&g != &f && !session::markOnFinding(m.lps, g) &&
                        session::nameFinding(m.label, g).level == Naming::Full &&
                        session::nameFinding(g.label, f).level != Naming::Full) {
                        n.level = Naming::Other;
                        n.other = g.label;
                        break;
                    }
            FindingStatement st{
                m.placedAt, "mark", m.label, "", n.level, n.level == Naming::Partial ? n.hedgedWith : n.other, false};
            fs.statements.push_back(st);
            if (!fs.marked || n.level == Naming::Full) fs.markLabel = m.label;
            fs.marked = true;
        }
        for (const auto& c : s.calls()) {
            auto has = [&](const std::vector<std::string>& ids) {
                return std::find(ids.begin(), ids.end(), f.id) != ids.end();
            };
            Naming level = has(c.findings)        ? Naming::Full
                           : has(c.partly)        ? Naming::Partial
                           : has(c.denied)        ? Naming::Denied
                           : has(c.misidentified) ? Naming::Other
                                                  : Naming::None;
            std::string other = level == Naming::Other     ? session::nameFinding(c.text, f).other
                                : level == Naming::Partial ? session::nameFinding(c.text, f).hedgedWith
                                                           : "";
            if (level == Naming::None && !c.mark.empty()) {
                // A call by a mark on it that names something else.
                if (const auto* m = markOf(c.mark); m && session::markOnFinding(m->lps, f)) {
                    auto n = session::nameFinding(m->label, f);
                    if (n.level == Naming::Other && !aboutAnother(*m, n.level)) {
                        level = Naming::Other;
                        other = n.other;
                    }
                }
            }
            if (level == Naming::None) continue;
            fs.statements.push_back({c.t, c.choice ? "choice" : "call", c.text, c.role, level, other, false});
        }
        if (s.conclusionAt()) {
            // The conclusion speaks of the whole case: another diagnosis named there is about another finding.
            auto n = session::nameFinding(s.conclusion(), f);
            if (n.level != Naming::None && (n.level != Naming::Other || n.misidentified))
                fs.statements.push_back({*s.conclusionAt(), "conclusion", s.conclusion(), "", n.level,
                                         n.level == Naming::Partial ? n.hedgedWith : n.other, false});
        }
        std::stable_sort(fs.statements.begin(), fs.statements.end(),
                         [](const FindingStatement& a, const FindingStatement& b) { return a.t < b.t; });
        // Only what was said after it had been seen counts: before that, a name is a guess.
        const FindingStatement* lastWord = nullptr;
        bool standingOther = false;
        std::string standingOtherLabel;
        bool sawFull = false, sawContrary = false;
        for (auto& st : fs.statements) {
            // Seen means one image on screen for the floor: what is said before that much time has passed is a guess.
            st.counted = fs.seenAt && st.t + 1e-9 >= *fs.seenAt + floor;
            if (st.kind == "mark" && st.level == Naming::Other) {
                standingOther = true;
                standingOtherLabel = st.text;
            }
            if (!st.counted) {
                if (st.level == Naming::Full || st.level == Naming::Partial) fs.unseenNames.push_back(st.t);
                continue;
            }
            lastWord = &st;
            sawFull = sawFull || st.level == Naming::Full;
            sawContrary = sawContrary || st.level == Naming::Other || st.level == Naming::Denied;
            if (st.level == Naming::Full && !fs.detectedAt) fs.detectedAt = st.t;
            if (st.level == Naming::Full || st.level == Naming::Partial) {
                if (!st.role.empty()) {
                    if (!fs.firstToldAt) fs.firstToldAt = st.t;
                    if (std::find(fs.toldRoles.begin(), fs.toldRoles.end(), st.role) == fs.toldRoles.end())
                        fs.toldRoles.push_back(st.role);
                    bool right = f.tell.empty() || std::find(f.tell.begin(), f.tell.end(), st.role) != f.tell.end();
                    if (right && st.level == Naming::Full && !fs.calledAt) {
                        fs.calledAt = st.t;
                        fs.calledTo = st.role;
                    }
                    if (right && !fs.partlyCalledAt) fs.partlyCalledAt = st.t;
                }
            }
        }
        if (sawFull && sawContrary) {
            for (const auto& st : fs.statements)
                if (st.counted && st.level != Naming::None)
                    fs.contradictions.push_back(clockText(st.t) + " " + statementText(st));
        }
        fs.labelCorrect = lastWord && lastWord->level == Naming::Full && !standingOther;
        fs.calledInTime = fs.calledAt && (f.deadlineSeconds <= 0 || *fs.calledAt <= f.deadlineSeconds);

        bool cat1 = f.acrCategory == 1;
        bool mustCall = cat1 || !f.tell.empty();
        std::string who = f.tell.empty() ? "the team" : roles(f.tell, " or ");
        std::string deadline = f.deadlineSeconds > 0 ? clockText(f.deadlineSeconds) : "the end";
        std::string seenText = fs.onScreenWindows.empty() ? "never on screen"
                                                          : "on screen in " + windowsPhrase(fs.onScreenWindows, "and") +
                                                                " (it shows in " + windowsPhrase(windows) + ")";
        auto guesses = [&] {
            if (fs.unseenNames.empty()) return std::string();
            return " It was named at " + clockText(fs.unseenNames.front()) +
                   ", before it had been on screen long enough to see: a name without a look is a guess and earns "
                   "nothing.";
        };
        if (!fs.seen) {
            fs.error = "observational";
            fs.band = cat1 ? 0 : 3;
            if (fs.tooFast) {
                fs.rule = "too_fast";
                fs.why = "Too fast to see: " + seenText + ", but in a window that shows it for at most " +
                         fixed(fs.longestLookSeconds * 1000, 0) + " ms an image, below the " + fixed(floor * 1000, 0) +
                         " ms a reader needs to take an image in (observational error)." + guesses();
            } else if (!fs.unseenNames.empty()) {
                fs.rule = "not_seen";
                fs.why = "Named but never seen: " + seenText +
                         ", so it was never looked at in a window that shows it "
                         "(observational error)." +
                         guesses();
            } else {
                fs.rule = "missed";
                fs.why = "Missed: " + seenText +
                         ", so it was never looked at in a window that shows it (observational error).";
            }
        } else if (standingOther ||
                   (lastWord && (lastWord->level == Naming::Other || lastWord->level == Naming::Denied))) {
            fs.rule = "misidentified";
            fs.error = "interpretive";
            fs.band = cat1 ? 1 : 3;
            if (standingOther)
                fs.why = "Misidentified: seen at " + clockText(*fs.seenAt) + ", but the mark on it says '" +
                         standingOtherLabel + "', which names a different diagnosis (interpretive error).";
            else if (lastWord->level == Naming::Denied)
                fs.why = "Misidentified: seen at " + clockText(*fs.seenAt) + ", but the last word on it, at " +
                         clockText(lastWord->t) + ", says it is not there: '" + lastWord->text +
                         "' (interpretive error).";
            else
                fs.why = "Misidentified: seen at " + clockText(*fs.seenAt) + ", but the last word on it, at " +
                         clockText(lastWord->t) + ", calls it " + lastWord->other + ": '" + lastWord->text +
                         "' (interpretive error).";
            if (!fs.contradictions.empty())
                fs.why += " Contradictory statements: " + joinList(fs.contradictions, "; ") + ".";
        } else if (!lastWord) {
            fs.rule = "unnamed";
            fs.error = "interpretive";
            fs.band = cat1 ? 1 : 3;
            fs.why = "Seen at " + clockText(*fs.seenAt) +
                     " in a suitable window but neither marked nor named (interpretive error)." + guesses();
        } else if (!fs.labelCorrect) {
            // Named only in part: the organ, a lesser diagnosis, or the name without its essential element.
            fs.rule = "incomplete";
            fs.error = "interpretive";
            bool toldInTime = fs.partlyCalledAt && (f.deadlineSeconds <= 0 || *fs.partlyCalledAt <= f.deadlineSeconds);
            fs.band = toldInTime || !mustCall ? 5 : 4;
            std::string essential;
            if (const auto* d = session::diagnosisOf(f); d && !d->essential.empty()) essential = d->essential.front();
            if (!f.essential.empty()) essential = f.essential.front();
            const bool hedge = lastWord->level == session::Naming::Partial && !lastWord->other.empty();
            fs.why = "Named only in part: the last word on it, at " + clockText(lastWord->t) + ", was '" +
                     lastWord->text + "', which " +
                     (hedge ? "hedges between it and " + lastWord->other + " instead of committing to one"
                            : "names the organ or a lesser diagnosis" +
                                  (essential.empty() ? std::string()
                                                     : " without its essential element ('" + essential + "')")) +
                     " (interpretive error, partial credit)." +
                     (toldInTime ? " Told in part to " + who + " in time." : std::string());
            // Partial credit for the name is for a finding that reached the people who act on it. A Category 1
            // finding named in part and not told in time is the communication failure that harms the patient.
            if (cat1 && !toldInTime) {
                if (fs.partlyCalledAt && f.lateCallCritical) {
                    fs.error = "communication";
                    fs.rule = "late_critical";
                    fs.band = 4;
                    fs.why += " Told to " + who + " only at " + clockText(*fs.partlyCalledAt) +
                              ", after the deadline " + deadline +
                              ": a Category 1 finding told late is a critical error (communication error).";
                } else if (!fs.partlyCalledAt) {
                    fs.error = "communication";
                    fs.rule = "not_called";
                    fs.band = 2;
                    fs.why += " Never told to " + who +
                              ": a Category 1 finding must be told at once (communication "
                              "error).";
                }
            }
        } else if (!mustCall) {
            fs.band = fs.marked ? 10 : 9;
            fs.why = std::string("Found at ") + clockText(*fs.detectedAt) +
                     (fs.marked ? ", marked and correctly named." : ", named but not marked on the image (-1).");
        } else if (fs.calledInTime) {
            fs.band = 10;
            fs.why = "Found at " + clockText(*fs.detectedAt) + " and told to the " + roleName(fs.calledTo) + " at " +
                     clockText(*fs.calledAt) + ", before the deadline " + deadline + ".";
            if (!fs.marked) {
                fs.band -= 1;
                fs.why += " Not marked on the image (-1).";
            }
            if (f.deadlineSeconds > 0 && *fs.calledAt > 0.75 * f.deadlineSeconds) {
                fs.band -= 1;
                fs.why += " Called in the last quarter of the time allowed (-1).";
            }
        } else if (fs.calledAt) {
            fs.band = 5;
            fs.error = "communication";
            bool critical = cat1 && f.lateCallCritical;
            fs.rule = critical ? "late_critical" : "late";
            fs.why =
                "Found and told to the " + roleName(fs.calledTo) + ", but late: at " + clockText(*fs.calledAt) +
                ", the deadline was " + deadline +
                (critical ? "; a Category 1 finding told after its deadline is a critical error, whatever the rest "
                            "of the read (communication error)."
                          : " (omission).");
        } else if (!fs.toldRoles.empty()) {
            fs.band = cat1 ? 2 : 4;
            fs.error = "communication";
            fs.rule = "told_wrong_person";
            fs.why = "Found, but told only " + roles(fs.toldRoles, ", ") + "; " + who + " must hear it.";
        } else {
            fs.band = cat1 ? 2 : 4;
            fs.error = "communication";
            fs.rule = "not_called";
            fs.why = "Found" + (fs.detectedAt ? " at " + clockText(*fs.detectedAt) : std::string()) +
                     " but never called to " + who + ".";
        }
        if (fs.rule != "misidentified" && !fs.contradictions.empty())
            fs.why += " Contradictory statements (the last word counts): " + joinList(fs.contradictions, "; ") + ".";
        fs.bandName = fs.band <= 2 ? "critical error" : fs.band <= 6 ? "omission" : "effective";
        fs.critical = cat1 && (fs.band < sc.weights.minFindingBand || fs.rule == "late_critical");
        if (fs.critical) {
            std::string what = fs.rule == "late_critical"    ? "called late"
                               : fs.rule == "misidentified"  ? "misidentified"
                               : fs.error == "communication" ? "uncalled"
                                                             : "missed";
            out.criticalErrors.push_back("Category 1 finding " + what + ": " + f.label + " — " + fs.why);
        }
        double w = std::max(1, 4 - f.acrCategory);
        weighted += w * fs.band / 10.0;
        weights += w;
        out.findings.items.push_back(fs);
    }
    for (const auto& m : s.allMarks()) {
        if (m.removedAt) continue;
        bool onAny = std::any_of(sc.findings.begin(), sc.findings.end(),
                                 [&](const auto& f) { return session::markOnFinding(m.lps, f); });
        if (!onAny) out.findings.extraMarks.push_back(m);
    }
    double base = weights > 0 ? weighted / weights : 1.0;
    double penalty = std::min(0.2, 0.02 * double(out.findings.extraMarks.size()));
    out.findings.score = std::max(0.0, base - penalty);
    out.findings.why = "Mean band / 10 weighted by urgency (Category 1 x3, 2 x2, 3 x1) = " + fixed(base, 2);
    if (penalty > 0)
        out.findings.why += ", minus 0.02 for each of " + std::to_string(out.findings.extraMarks.size()) +
                            " mark(s) on no injury (at most 0.2)";
    out.findings.why += " = " + fixed(out.findings.score, 2) +
                        ". Bands follow WIDI SIM: 0-2 critical error, 3-6 omission, 7-10 effective. A finding counts "
                        "as seen when one image of it was on screen in a suitable window for at least " +
                        fixed(floor * 1000, 0) + " ms; only what was said after that counts.";
}

// ---------------------------------------------------------------- false Category 1 calls
// Everything told to the team: calls, answers to questions (typed, not understood, or picked), the conclusion. A
// Category 1 diagnosis named in full there that names no finding of this patient, even in part, is a false alarm
// that sends a team to theatre or angiography: a major discrepancy in departmental review, scored as a critical
// error. Saying it is absent ("no tension pneumothorax") is not a call of it. A sentence that names in full an injury
// this patient has is about that injury, not a false call of a graver diagnosis of the same organ that shares its
// words: "minimal aortic injury, a small intimal flap in the descending aorta" is the grade I injury he has, while
// "pseudoaneurysm at the isthmus" or "aortic transection" is the Category 1 injury he does not.
namespace {
std::vector<std::string> sentencesOf(const std::string& text) {
    std::vector<std::string> out;
    std::size_t from = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        // Where the lexicon's reader ends a sentence.
        if (c != '.' && c != ';' && c != '!' && c != '?' && c != '\n') continue;
        out.push_back(text.substr(from, i + 1 - from));
        from = i + 1;
    }
    if (from < text.size()) out.push_back(text.substr(from));
    return out;
}
bool sharesAnOrgan(const session::Diagnosis& a, const session::Diagnosis& b) {
    for (const auto& o : a.organs)
        if (std::find(b.organs.begin(), b.organs.end(), o) != b.organs.end()) return true;
    return false;
}
// The text names `d` in full in a sentence that is not about an injury of the same organ this patient has.
bool namesInFull(const scenario::Scenario& sc, const session::Diagnosis& d, const std::string& text) {
    scenario::Finding probe;
    probe.id = d.id;
    probe.label = d.label;
    probe.phantomInjury = d.id;
    for (const auto& sentence : sentencesOf(text)) {
        if (session::nameFinding(sentence, probe).level != session::Naming::Full) continue;
        const bool ofAFinding = std::any_of(sc.findings.begin(), sc.findings.end(), [&](const scenario::Finding& f) {
            const auto* fd = session::diagnosisOf(f);
            if (!fd || !sharesAnOrgan(*fd, d) || session::nameFinding(sentence, f).level != session::Naming::Full)
                return false;
            // Only where the finding's own name reads as the graver diagnosis too ("minimal aortic injury" says
            // "aortic injury"): a haemothorax named beside a tension pneumothorax, or a subarachnoid haemorrhage
            // beside a subdural haematoma, leaves the graver call standing.
            auto readsAsD = [&](const std::string& name) {
                return session::nameFinding(name, probe).level == session::Naming::Full;
            };
            return readsAsD(f.label) || std::any_of(f.synonyms.begin(), f.synonyms.end(), readsAsD);
        });
        if (!ofAFinding) return true;
    }
    return false;
}
}  // namespace

void scoreFalseCalls(const scenario::Scenario& sc, const session::Session& s, Score& out) {
    std::vector<const session::Diagnosis*> absent;
    for (const auto& d : session::traumaLexicon()) {
        if (!d.category1 || d.variant) continue;
        const bool inCase = std::any_of(sc.findings.begin(), sc.findings.end(), [&](const scenario::Finding& f) {
            auto level = session::nameFinding(d.label, f).level;
            return level == session::Naming::Full || level == session::Naming::Partial;
        });
        if (!inCase) absent.push_back(&d);
    }
    if (absent.empty()) return;
    auto check = [&](double t, const std::string& kind, const std::string& role, const std::string& text) {
        for (const auto* d : absent) {
            if (!namesInFull(sc, *d, text)) continue;
            out.findings.falseCalls.push_back({t, kind, role, text, d->label});
            out.criticalErrors.push_back(
                "False Category 1 call: " + d->label + " " +
                (role.empty() ? std::string("in the conclusion") : "told to the " + roleName(role)) + " at " +
                clockText(t) + " ('" + text + "'), but this patient has none (a major discrepancy)");
        }
    };
    // Answers, from the questions as they played out (a wrong or not-understood answer was still said).
    std::set<std::pair<double, std::string>> answered;
    for (const auto& rec : s.interruptions()) {
        const auto* spec = sc.findInterruption(rec.id);
        if (!spec || spec->kind == scenario::InterruptionKind::Noise) continue;
        for (const auto& [t, text] : rec.attempts) check(t, "answer", spec->role, text);
        if (!rec.answeredAt) continue;
        answered.insert({*rec.answeredAt, spec->role});
        std::string words = rec.text;
        if (!rec.option.empty()) {
            std::string picked;
            for (const auto& a : spec->answers)
                if (a.id == rec.option) picked = a.text;
            if (picked.empty() && rec.option.rfind("lexicon:", 0) == 0)
                for (const auto& d : session::traumaLexicon())
                    if ("lexicon:" + d.id == rec.option) picked = d.label;
            words = picked + (rec.text.empty() ? "" : " " + rec.text);
        }
        check(*rec.answeredAt, rec.option.empty() ? "answer" : "choice", spec->role, words);
    }
    // Calls (an answer's call is the answer above).
    for (const auto& c : s.calls()) {
        if (answered.count({c.t, c.role})) continue;
        std::string words = c.text;
        for (const auto& m : s.allMarks())
            if (!c.mark.empty() && m.id == c.mark) words += ". " + m.label;
        check(c.t, "call", c.role, words);
    }
    if (s.conclusionAt()) check(*s.conclusionAt(), "conclusion", "", s.conclusion());
}

// ---------------------------------------------------------------- interruptions
void scoreInterruptions(const scenario::Scenario& sc, const session::Session& s, const std::vector<Span>& spans,
                        const std::vector<Json>& actions, Score& out) {
    double sum = 0;
    int counted = 0;
    for (const auto& rec : s.interruptions()) {
        // The scenario's, or a question the instructor asked (kept in the score: the session is gone after it).
        const auto* spec = sc.findInterruption(rec.id);
        if (rec.instructor) {
            spec = s.findInterruption(rec.id);
            if (spec) {
                out.saidByInstructor.push_back(std::make_shared<const scenario::Interruption>(*spec));
                spec = out.saidByInstructor.back().get();
            }
        }
        if (!spec || !rec.scored) continue;
        InterruptionScore is;
        is.spec = spec;
        is.startedAt = rec.startedAt;
        is.answeredAt = rec.answeredAt;
        is.repeats = int(rec.repeatedAt.size());
        is.escalated = rec.escalatedAt.has_value();
        is.correct = rec.correct;
        is.answer = rec.option.empty() ? rec.text : rec.option;
        if (rec.answeredAt) is.responseSeconds = *rec.answeredAt - rec.startedAt;
        for (const auto& a : spec->answers)
            if (a.id == rec.option) is.feedback = a.feedback;
        bool noise = spec->kind == scenario::InterruptionKind::Noise;
        if (spec->kind == scenario::InterruptionKind::Challenge)
            is.challenge = !rec.answeredAt ? "unanswered" : rec.correct ? "held" : "revised";

        // Resumption: the first productive action (a slice moved, a mark, a call) after the interruption ended.
        double end = rec.endedAt.value_or(out.endTime);
        std::optional<double> resumeAt;
        std::optional<double> resumeZ;
        for (const auto& a : actions) {
            double t = a.value("t", 0.0);
            if (t <= end || a.contains("refused")) continue;
            std::string name = a.value("action", "");
            if (name == "position" || name == "mark" || name == "call") {
                resumeAt = t;
                break;
            }
        }
        if (resumeAt) {
            for (const auto& sp : spans)
                if (sp.from <= *resumeAt) resumeZ = sp.view->cursor.z;
        }
        // Where reading stood when attention came back (the same as at the start unless they scrolled on).
        double stopZ = rec.viewAtStart.cursor.z;
        for (const auto& sp : spans)
            if (sp.from <= end) stopZ = sp.view->cursor.z;
        is.stoppedAtMm = stopZ;
        std::string resumptionWhy;
        double resumePoints = 0;
        // What was on screen when attention came back: paging axial slices, or something else (the scout, nothing).
        const ViewState* stopView = &rec.viewAtStart;
        for (const auto& sp : spans)
            if (sp.from <= end) stopView = sp.view;
        bool paging = !stopView->series.empty() && !stopView->projection && stopView->plane == session::Plane::Axial;
        if (!noise && !rec.answeredAt) {
            is.resumption = "never answered";
            resumptionWhy = "it was never answered, so reading went on with the question standing";
        } else if (rec.endReason == "session ended" || (!resumeAt && s.endedAt() && *s.endedAt() <= end + 1e-9)) {
            is.resumption = "session ended";
            resumePoints = 0.25;
            resumptionWhy = "the session ended before reading resumed";
        } else if (resumeAt && !paging) {
            is.resumptionLagSeconds = *resumeAt - end;
            is.resumption = "was not paging when interrupted";
            resumePoints = 0.25;
            resumptionWhy = "no axial series was being read when it began; next action " +
                            fixed(*is.resumptionLagSeconds, 1) + " s after it ended";
        } else if (!resumeAt) {
            is.resumption = "did not resume";
            resumptionWhy = "no slice was moved, nothing marked or called after it";
        } else {
            is.resumptionLagSeconds = *resumeAt - end;
            is.resumedAtMm = resumeZ;
            double z = resumeZ.value_or(stopZ);
            double spacing = s.sliceMm(rec.viewAtStart.series);
            double near = std::max(10.0, 5 * spacing);
            const ViewState* resumeView = nullptr;
            for (const auto& sp : spans)
                if (sp.from <= *resumeAt) resumeView = sp.view;
            // Axial ground read (any region, in a window suitable for it) before `until`; with `sameWindowAs`, only
            // what was read in that same window counts (coming back in another window is a new read, not a re-search).
            auto covered = [&](double zq, double until, const ViewState* sameWindowAs) {
                for (const auto& sp : spans) {
                    if (sp.from >= until) break;
                    const auto& v = *sp.view;
                    if (v.plane != session::Plane::Axial || v.projection || std::abs(v.cursor.z - zq) > spacing / 2)
                        continue;
                    if (sameWindowAs && !(v.preset == sameWindowAs->preset && v.window == sameWindowAs->window))
                        continue;
                    for (const auto& r : sc.regions)
                        if (session::regionOnScreen(v, r) && session::windowSuits(v.window, r.windows)) return true;
                }
                return false;
            };
            if (std::abs(z - stopZ) <= near) {
                is.resumption = "resumed where stopped";
                resumePoints = 0.25;
            } else if (covered(z, end, resumeView)) {
                is.resumption = "re-searched covered ground";
                resumePoints = 0.15;
            } else {
                // Ground between the stop and the restart that was still unread when the session ended.
                double gap = 0;
                for (double zq = std::min(z, stopZ) + spacing; zq < std::max(z, stopZ) - spacing / 2; zq += spacing)
                    if (!covered(zq, out.endTime + 1, nullptr)) gap += spacing;
                if (gap > near) {
                    is.resumption = "skipped uncovered ground";
                    resumptionWhy = fixed(gap, 0) + " mm between the stop and the restart were never read";
                } else {
                    is.resumption = "moved on to new ground";
                    resumePoints = 0.25;
                }
            }
            resumptionWhy = "stopped at z " + fixed(stopZ, 0) + " mm, " + is.resumption + " (z " + fixed(z, 0) +
                            " mm) " + fixed(*is.resumptionLagSeconds, 1) + " s after it ended" +
                            (resumptionWhy.empty() ? "" : "; " + resumptionWhy);
        }
        if (noise) {
            is.score = resumePoints * 4;
            is.why = std::string(rec.answeredAt ? "Dealt with after " + fixed(*is.responseSeconds, 0) + " s"
                                                : "Left to ring out") +
                     "; " + resumptionWhy + ".";
        } else {
            double answerPts = rec.correct ? 0.5 : 0.0;
            double promptPts = !rec.answeredAt ? 0.0 : is.escalated ? 0.0 : is.repeats == 0 ? 0.25 : 0.1;
            is.score = answerPts + promptPts + resumePoints;
            is.why = (rec.answeredAt ? "Answered after " + fixed(*is.responseSeconds, 0) + " s" +
                                           (is.repeats ? " and " + std::to_string(is.repeats) + " repeat(s)" : "") +
                                           (is.escalated ? ", after it escalated" : "") +
                                           (rec.correct ? ", correctly (+0.5)" : ", wrongly (+0)")
                                     : std::string("Never answered") + (is.escalated ? "; it escalated" : "")) +
                     "; promptness +" + fixed(promptPts, 2) + "; " + resumptionWhy + " (+" + fixed(resumePoints, 2) +
                     ")" + (is.challenge.empty() ? "" : "; challenge " + is.challenge) + ".";
        }
        sum += is.score;
        ++counted;
        out.interruptions.items.push_back(is);
    }
    out.interruptions.score = counted ? sum / counted : 1.0;
    out.interruptions.why =
        counted
            ? "Mean over " + std::to_string(counted) +
                  " interruptions of: right answer 0.5, answered before they had to repeat 0.25 (after a repeat "
                  "0.1), resumed where reading stopped 0.25 (re-searched 0.15, skipped 0). Resumption lag is the "
                  "time from the end of an interruption to the next slice moved, mark or call (Williams and Drew 2017)."
            : "No interruption happened in this session.";
}

// ---------------------------------------------------------------- conclusion
void scoreConclusion(const scenario::Scenario& sc, const session::Session& s, Score& out) {
    auto& c = out.conclusion;
    c.text = s.conclusion();
    c.at = s.conclusionAt();
    int named = 0;
    std::vector<std::string> missing;
    for (const auto& kp : sc.conclusion.keyPoints) {
        // A key point about a finding is named when the finding is named in full (with its essential element, not
        // negated); other key points by their label or a keyword that says more than an organ ("pelvis" is not
        // "unstable pelvic fracture").
        const scenario::Finding* about = nullptr;
        for (const auto& f : sc.findings)
            if (!about && session::nameFinding(kp.label, f).level == session::Naming::Full) about = &f;
        bool hit = session::saysPhrase(c.text, kp.label);
        if (about)
            hit = hit || session::nameFinding(c.text, *about).level == session::Naming::Full;
        else
            for (const auto& k : kp.keywords) hit = hit || (!session::anatomyOnly(k) && session::saysPhrase(c.text, k));
        c.keyPoints.push_back({&kp, hit});
        if (hit)
            ++named;
        else
            missing.push_back(kp.label);
    }
    if (c.text.empty()) {
        c.score = 0;
        c.why = "No conclusion was written.";
    } else if (sc.conclusion.keyPoints.empty()) {
        c.score = 1;
        c.why = "A conclusion was written; this scenario lists no key points.";
    } else {
        // Injuries named that this patient does not have (overcalls) cost a quarter of a key point each, so that a
        // list of every diagnosis is not a conclusion.
        std::vector<std::string> overcalls;
        for (const auto& d : session::traumaLexicon()) {
            if (d.variant || !namesInFull(sc, d, c.text)) continue;
            bool inCase = std::any_of(sc.findings.begin(), sc.findings.end(), [&](const scenario::Finding& f) {
                auto level = session::nameFinding(d.label, f).level;
                return level == session::Naming::Full || level == session::Naming::Partial;
            });
            if (!inCase) overcalls.push_back(d.label);
        }
        c.score =
            std::max(0.0, (double(named) - 0.25 * double(overcalls.size())) / double(sc.conclusion.keyPoints.size()));
        c.why = "Names " + std::to_string(named) + " of " + std::to_string(sc.conclusion.keyPoints.size()) +
                " key points" + (missing.empty() ? "" : "; missing: " + joinList(missing)) +
                (overcalls.empty()
                     ? std::string()
                     : "; names injuries this patient does not have (-0.25 of a point each): " + joinList(overcalls)) +
                ".";
    }
}
}  // namespace

Score scoreSession(const scenario::Scenario& scenario, const std::vector<Json>& events,
                   const session::EventPlaces* places) {
    session::checkLogMatchesScenario(events, scenario, "log");
    Score out;
    out.scenarioId = scenario.meta.id;
    out.scenarioTitle = scenario.meta.title;
    out.scenarioVersion = scenario.meta.version;
    out.scenarioLevel = scenario.meta.level;
    out.milestones = scenario.meta.milestones;
    if (scenario.meta.signedOff()) out.reviewedBy = scenario.meta.reviewedBy, out.reviewedOn = scenario.meta.reviewedOn;
    out.minDwellSeconds = scenario.weights.minDwellSeconds;
    session::SessionClock clock;
    session::EventLog log;
    auto options = session::optionsFromLog(events.front());
    out.trainee = options.trainee;
    session::Session s(scenario, clock, log, options);
    auto warnings = s.replay(events, places);
    out.warnings.insert(out.warnings.end(), warnings.begin(), warnings.end());
    // A log that was cut off (no session_end) is scored up to its last event.
    out.endTime = s.endedAt().value_or(s.now());
    out.endedBy = s.ended() ? s.endReason() : "log ends without session_end";
    out.primarySurveyAt = s.primarySurveyDeclaredAt();
    out.views = s.viewChanges();
    out.marks = s.allMarks();
    out.events = log.events();
    auto spans = spansOf(out.views, out.endTime);
    std::vector<Json> actions;
    for (const auto& e : log.events())
        if (e.contains("action")) actions.push_back(e);

    scoreFindings(scenario, s, spans, out);
    scoreCoverage(scenario, s, spans, out);
    scoreInterruptions(scenario, s, spans, actions, out);
    scoreConclusion(scenario, s, out);
    scoreFalseCalls(scenario, s, out);

    const auto& w = scenario.weights;
    double wsum = w.findings + w.order + w.coverage + w.interruptions + w.conclusion;
    double raw = wsum > 0
                     ? (w.findings * out.findings.score + w.order * out.order.score + w.coverage * out.coverage.score +
                        w.interruptions * out.interruptions.score + w.conclusion * out.conclusion.score) /
                           wsum
                     : 0.0;
    out.total = std::round(raw * 1000.0) / 10.0;
    out.passed = out.total >= w.passThreshold && out.criticalErrors.empty();
    out.why =
        "findings " + fixed(out.findings.score, 2) + " x " + fixed(w.findings, 2) + " + order " +
        fixed(out.order.score, 2) + " x " + fixed(w.order, 2) + " + coverage " + fixed(out.coverage.score, 2) + " x " +
        fixed(w.coverage, 2) + " + interruptions " + fixed(out.interruptions.score, 2) + " x " +
        fixed(w.interruptions, 2) + " + conclusion " + fixed(out.conclusion.score, 2) + " x " + fixed(w.conclusion, 2) +
        ", over the weights' sum " + fixed(wsum, 2) + ", x 100 = " + fixed(out.total, 1) + ". Pass needs " +
        fixed(w.passThreshold, 0) + " and no critical error: " +
        (out.passed                   ? std::string("passed.")
         : out.criticalErrors.empty() ? std::string("failed on the total.")
                                      : "failed, " + std::to_string(out.criticalErrors.size()) + " critical error(s).");
    return out;
}

Score scoreLogFile(const scenario::Scenario& scenario, const std::filesystem::path& path) {
    auto contents = session::readEventLog(path);
    session::checkLogMatchesScenario(contents.events, scenario, path);
    Score s = scoreSession(scenario, contents.events, &contents.places);
    s.warnings.insert(s.warnings.begin(), contents.warnings.begin(), contents.warnings.end());
    return s;
}

// ---------------------------------------------------------------- JSON
namespace {
Json opt(const std::optional<double>& v) {
    return v ? Json(r3(*v)) : Json(nullptr);
}

// Each part of the score starts with its score and why.
Json partJson(const PartScore& p) {
    Json part;
    part["score"] = r3(p.score);
    part["why"] = p.why;
    return part;
}

template <typename Item, typename ToJson>
Json arrayOf(const std::vector<Item>& items, ToJson toJson) {
    Json out = Json::array();
    for (const auto& item : items) out.push_back(toJson(item));
    return out;
}

Json statementJson(const FindingStatement& st) {
    return Json{{"t", r3(st.t)},
                {"kind", st.kind},
                {"text", st.text},
                {"role", st.role},
                {"names", std::string(session::namingName(st.level))},
                {"other", st.other},
                {"counted", st.counted}};
}

Json findingJson(const FindingScore& f) {
    return Json{{"id", f.finding->id},
                {"label", f.finding->label},
                {"category", f.finding->acrCategory},
                {"region", f.finding->region},
                {"on_screen", f.onScreen},
                {"on_screen_windows", f.onScreenWindows},
                {"seen", f.seen},
                {"seen_at", opt(f.seenAt)},
                {"seen_series", f.seenSeries.empty() ? Json(nullptr) : Json(f.seenSeries)},
                {"too_fast", f.tooFast},
                {"longest_look_seconds", r3(f.longestLookSeconds)},
                {"marked", f.marked},
                {"mark_label", f.markLabel},
                {"label_correct", f.labelCorrect},
                {"detected_at", opt(f.detectedAt)},
                {"told", f.toldRoles},
                {"called_at", opt(f.calledAt)},
                {"called_to", f.calledTo},
                {"must_tell", f.finding->tell},
                {"deadline", r3(f.finding->deadlineSeconds)},
                {"called_in_time", f.calledInTime},
                {"band", f.band},
                {"band_name", f.bandName},
                {"error", f.rule.empty() ? Json(nullptr) : Json(f.rule)},
                {"error_class", f.error.empty() ? Json(nullptr) : Json(f.error)},
                {"statements", arrayOf(f.statements, statementJson)},
                {"contradictions", f.contradictions},
                {"critical", f.critical},
                {"why", f.why}};
}

Json regionJson(const RegionCoverage& r) {
    Json x;
    x["region"] = r.region->id;
    x["label"] = r.region->label;
    // The plane the region was read in (its best), and each plane it is read in; none for a projection image.
    x["plane"] = r.planes.empty() ? Json() : Json(std::string(imaging::planeName(r.plane)));
    Json planes = Json::array();
    for (const auto& pc : r.planes)
        planes.push_back({{"plane", std::string(imaging::planeName(pc.plane))},
                          {"from_mm", r3(pc.fromMm)},
                          {"to_mm", r3(pc.toMm)},
                          {"slices", pc.slices},
                          {"slices_seen", pc.slicesSeen},
                          {"slices_too_fast", pc.slicesTooFast},
                          {"fraction", r3(pc.fraction)},
                          {"completed_at", opt(pc.completedAt)},
                          {"seconds", r3(pc.seconds)}});
    x["planes"] = planes;
    x["slices"] = r.slices;
    x["slices_seen"] = r.slicesSeen;
    x["slices_too_fast"] = r.slicesTooFast;
    x["fraction"] = r3(r.fraction);
    x["required"] = r3(r.region->minCoverage);
    x["completed_at"] = opt(r.completedAt);
    x["seconds"] = r3(r.seconds);
    x["scroll_courses"] = r.scrollCourses;
    x["passes"] = r3(r.passes);
    x["seconds_per_slice"] = r3(r.secondsPerSlice);
    x["driller_index"] = r3(r.drillerIndex);
    x["style"] = r.style;
    x["unread"] = r.unread;
    x["why"] = r.why;
    return x;
}

Json interruptionJson(const InterruptionScore& i) {
    return Json{{"id", i.spec->id},
                {"role", i.spec->role},
                {"text", i.spec->text},
                {"started_at", r3(i.startedAt)},
                {"answered_at", opt(i.answeredAt)},
                {"response_seconds", opt(i.responseSeconds)},
                {"repeats", i.repeats},
                {"escalated", i.escalated},
                {"answer", i.answer},
                {"correct", i.correct},
                {"feedback", i.feedback},
                {"resumption_lag_seconds", opt(i.resumptionLagSeconds)},
                {"resumption", i.resumption},
                {"stopped_at_mm", opt(i.stoppedAtMm)},
                {"resumed_at_mm", opt(i.resumedAtMm)},
                {"challenge", i.challenge.empty() ? Json(nullptr) : Json(i.challenge)},
                {"score", r3(i.score)},
                {"why", i.why}};
}
}  // namespace

Json scoreToJson(const Score& s) {
    Json j;
    j["total"] = r3(s.total);
    j["passed"] = s.passed;
    j["critical_errors"] = s.criticalErrors;
    j["min_dwell_ms"] = r3(s.minDwellSeconds * 1000);
    j["why"] = s.why;

    Json findings = partJson(s.findings);
    findings["items"] = arrayOf(s.findings.items, findingJson);
    findings["extra_marks"] = arrayOf(s.findings.extraMarks, [](const auto& m) {
        return Json{{"id", m.id}, {"label", m.label}, {"lps", {r3(m.lps.x), r3(m.lps.y), r3(m.lps.z)}}};
    });
    findings["false_calls"] = arrayOf(s.findings.falseCalls, [](const FalseCall& c) {
        return Json{{"t", r3(c.t)}, {"kind", c.kind}, {"role", c.role}, {"text", c.text}, {"diagnosis", c.diagnosis}};
    });
    j["findings"] = findings;

    // The order part has tau between its score and why (keys keep the order the JSON has always had).
    Json order;
    order["score"] = r3(s.order.score);
    order["tau"] = opt(s.order.tau);
    order["why"] = s.order.why;
    order["protocol"] = s.order.protocol;
    order["completed"] = arrayOf(s.order.completed, [](const auto& c) {
        return Json{{"region", c.first}, {"at", r3(c.second)}};
    });
    order["not_completed"] = s.order.notCompleted;
    order["out_of_order"] = s.order.outOfOrder;
    order["followed"] = s.order.followed;
    order["priority"] = opt(s.order.priority);
    order["sequence"] = opt(s.order.sequence);
    order["priorities"] = arrayOf(s.order.priorities, [](const OrderPart::Priority& p) {
        return Json{{"finding", p.finding->id},
                    {"available_at", r3(p.availableAt)},
                    {"told_at", opt(p.toldAt)},
                    {"score", r3(p.score)}};
    });
    j["order"] = order;

    Json coverage = partJson(s.coverage);
    coverage["regions"] = arrayOf(s.coverage.regions, regionJson);
    j["coverage"] = coverage;

    Json interruptions = partJson(s.interruptions);
    interruptions["items"] = arrayOf(s.interruptions.items, interruptionJson);
    j["interruptions"] = interruptions;

    Json conclusion = partJson(s.conclusion);
    conclusion["text"] = s.conclusion.text;
    conclusion["at"] = opt(s.conclusion.at);
    conclusion["key_points"] = arrayOf(s.conclusion.keyPoints, [](const auto& k) {
        return Json{{"id", k.point->id}, {"label", k.point->label}, {"named", k.named}};
    });
    j["conclusion"] = conclusion;

    j["scenario"] = {{"id", s.scenarioId}, {"title", s.scenarioTitle}};
    if (!s.scenarioVersion.empty()) j["scenario"]["version"] = s.scenarioVersion;
    if (!s.scenarioLevel.empty()) j["scenario"]["level"] = s.scenarioLevel;
    if (!s.milestones.empty()) j["scenario"]["milestones"] = s.milestones;
    j["scenario"]["reviewed"] = s.reviewedBy.empty() ? Json(nullptr) : Json{{"by", s.reviewedBy}, {"on", s.reviewedOn}};
    j["trainee"] = s.trainee;
    j["session"] = {{"duration_seconds", r3(s.endTime)},
                    {"ended_by", s.endedBy},
                    {"primary_survey_declared_at", opt(s.primarySurveyAt)},
                    {"warnings", s.warnings}};
    return j;
}

}  // namespace polysim::scoring

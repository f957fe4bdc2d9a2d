// The debrief's content (see debrief_model.h): every sentence, row and plot element, decided once.
#include "scoring/debrief_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/format.h"
#include "imaging/window.h"

namespace polysim::scoring {

namespace {
using Block = DebriefBlock;
using Plot = DepthTimePlot;

std::string optTime(const std::optional<double>& t) {
    return t ? clockText(*t) : "—";
}

std::string quoted(const std::string& text) {
    return "“" + text + "”";
}

std::string joined(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& x : items) out += (out.empty() ? "" : sep) + x;
    return out;
}

Block heading(std::string text) {
    Block b;
    b.kind = Block::Kind::Heading;
    b.text = std::move(text);
    return b;
}
Block paragraph(std::string text, Tone tone = Tone::Plain, std::string label = "") {
    Block b;
    b.kind = Block::Kind::Paragraph;
    b.text = std::move(text);
    b.tone = tone;
    b.label = std::move(label);
    return b;
}
Block quote(std::string text, bool preformatted = false) {
    Block b;
    b.kind = Block::Kind::Quote;
    b.text = std::move(text);
    b.preformatted = preformatted;
    return b;
}
Block bullets(std::vector<std::string> items, Tone tone = Tone::Plain) {
    Block b;
    b.kind = Block::Kind::Bullets;
    b.items = std::move(items);
    b.tone = tone;
    return b;
}
Block table(DebriefTable t) {
    Block b;
    b.kind = Block::Kind::Table;
    b.table = std::move(t);
    return b;
}
// The formulas behind the words, each row a part and how it is computed, folded shut until asked for.
Block method(DebriefTable rows) {
    Block b;
    b.kind = Block::Kind::Method;
    b.label = "How is this computed";
    b.table = std::move(rows);
    return b;
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// What each part's score says, in the words of the reading room: what was found, read, answered. The formulas are
// in the part's own `why`, which the debrief keeps under "How is this computed".
std::string findingsInWords(const FindingsPart& p) {
    std::size_t found = 0, urgent = 0;
    std::vector<std::string> missed;
    for (const auto& f : p.items) {
        if (f.labelCorrect)
            ++found;
        else if (f.finding)
            missed.push_back(f.finding->label);
        if (f.critical) ++urgent;
    }
    std::string out = "You identified " + std::to_string(found) + " of " + plural(p.items.size(), "injury", "injuries");
    if (!missed.empty()) out += "; not identified: " + joined(missed, ", ");
    if (urgent > 0)
        out += ". " + plural(urgent, "urgent injury was", "urgent injuries were") +
               " missed or not called in time, and that alone fails the session";
    if (!p.extraMarks.empty())
        out +=
            ". " + plural(p.extraMarks.size(), "mark", "marks") + " on something that is not an injury cost a little";
    return out + ".";
}

std::string orderInWords(const scenario::Scenario& sc, const OrderPart& p) {
    std::string out = "You finished " + std::to_string(p.completed.size()) + " of " +
                      plural(p.protocol.size(), "region", "regions") + " of the reading order";
    if (p.completed.size() >= 2)
        out +=
            p.outOfOrder.empty()
                ? (p.followed > 0 ? ", in an order this case accepts instead of the protocol's (" +
                                        [&] {
                                            std::vector<std::string> first;
                                            for (std::size_t i = 0; i < p.protocol.size() && i < 3; ++i)
                                                first.push_back(regionName(sc, p.protocol[i]));
                                            return joined(first, ", ") + (p.protocol.size() > 3 ? ", ..." : "");
                                        }() +
                                        ")"
                                  : ", in the order the protocol reads them")
                : ", " + plural(p.outOfOrder.size(), "of them", "of them") + " after a region the protocol reads later";
    std::vector<std::string> open;
    for (const auto& id : p.notCompleted) open.push_back(regionName(sc, id));
    if (!open.empty()) out += ". Not finished: " + joined(open, "; ");
    out += ".";
    // What kills first, told first: the part's main measure.
    std::vector<std::string> prompt, slow;
    for (const auto& q : p.priorities) {
        const std::string& name = q.finding->label;
        if (!q.toldAt)
            slow.push_back(name + " was never told");
        else if (q.score >= 1.0)
            prompt.push_back(name + " at " + clockText(*q.toldAt));
        else
            slow.push_back(name + " was told at " + clockText(*q.toldAt) + ", " + clockText(*q.toldAt - q.availableAt) +
                           " after its images arrived (deadline " + clockText(q.finding->deadlineSeconds) + ")");
    }
    if (!prompt.empty()) out += " What kills first, told first: " + joined(prompt, "; ") + ".";
    if (!slow.empty()) out += " Told late in the read: " + joined(slow, "; ") + ".";
    return out;
}

// The planes a region is read in, as a reader says them: "axial or sagittal slices".
std::string planesPhrase(const RegionCoverage& r) {
    std::vector<std::string> names;
    for (const auto& pc : r.planes) names.emplace_back(imaging::planeName(pc.plane));
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return out + " slices";
}

std::string coverageInWords(const CoveragePart& p) {
    std::size_t full = 0;
    std::vector<std::string> partly, reformats;
    for (const auto& r : p.regions) {
        if (r.completedAt) {
            ++full;
            if (!r.planes.empty() && r.plane != imaging::Plane::Axial)
                reformats.push_back(r.region->label + " on " + std::string(imaging::planeName(r.plane)) + " slices");
        } else if (r.region) {
            partly.push_back(r.region->label + " " + fixed(r.fraction * 100, 0) + " % (needs " +
                             fixed(r.region->minCoverage * 100, 0) + " %)");
        }
    }
    std::string out = "You read " + std::to_string(full) + " of " + plural(p.regions.size(), "region", "regions") +
                      " far enough: enough of their images, each long enough, in a window that shows them";
    if (!reformats.empty()) out += ". Read on reformats: " + joined(reformats, "; ");
    if (!partly.empty()) out += ". Not far enough: " + joined(partly, "; ");
    return out + ".";
}

std::string interruptionsInWords(const InterruptionsPart& p) {
    if (p.items.empty()) return "No one interrupted you.";
    std::size_t questions = 0, right = 0, atOnce = 0, back = 0;
    for (const auto& i : p.items) {
        const bool noise = i.spec && i.spec->kind == scenario::InterruptionKind::Noise;
        if (!noise) {
            ++questions;
            right += i.correct ? 1 : 0;
            atOnce += i.answeredAt && i.repeats == 0 && !i.escalated ? 1 : 0;
        }
        back += i.resumption == "resumed where stopped" || i.resumption == "moved on to new ground" ? 1 : 0;
    }
    std::string out;
    if (questions > 0)
        out = "You answered " + std::to_string(right) + " of " + plural(questions, "question", "questions") +
              " right, " + std::to_string(atOnce) + " before they had to ask again. ";
    return out + "After " + std::to_string(back) + " of " + plural(p.items.size(), "interruption", "interruptions") +
           " you went back to where you had stopped.";
}

Block ofKind(Block::Kind kind) {
    Block b;
    b.kind = kind;
    return b;
}

Tone bandTone(int band) {
    return band <= 2 ? Tone::Critical : band <= 6 ? Tone::Omission : Tone::Effective;
}

const scenario::Interruption* interruptionOf(const scenario::Scenario& sc, const std::string& id) {
    return sc.findInterruption(id);
}

// What an answer said: a quick answer's words (by its id), or the words typed.
std::string answerText(const scenario::Interruption* spec, const std::string& answer) {
    if (spec)
        for (const auto& a : spec->answers)
            if (a.id == answer) return quoted(a.text);
    return quoted(answer);
}

std::string findingLabel(const scenario::Scenario& sc, const std::string& id) {
    for (const auto& f : sc.findings)
        if (f.id == id) return f.label;
    return id;
}

std::string seriesLabel(const scenario::Scenario& sc, const std::string& id) {
    for (const auto& s : sc.images.series)
        if (s.id == id) return s.label.empty() ? id : s.label;
    return id;
}

// One line of the timeline for a logged event; empty for the events it leaves out (slice moves, zooms...).
std::string timelineLine(const scenario::Scenario& sc, const Json& e) {
    std::string ev = e.value("event", ""), act = e.value("action", "");
    std::string refused = e.contains("refused") ? " (refused: " + e.value("refused", "") + ")" : std::string();
    if (ev == "series_arrived") return "Images arrived: " + e.value("label", seriesLabel(sc, e.value("series", "")));
    if (ev == "interruption_start") {
        std::string who = scenario::roleTitle(e.value("role", ""));
        if (!e.value("name", "").empty()) who += " (" + e.value("name", "") + ")";
        if (e.value("said_by", "") == "instructor") who = "Instructor, as " + who;
        std::string words = e.value("text", "").empty() ? std::string("(rings)") : quoted(e.value("text", ""));
        return who + ": " + words + (e.value("by", "") == "instructor" ? " (brought in by the instructor)" : "");
    }
    if (ev == "interruption_repeat") return "Repeated: " + quoted(e.value("text", ""));
    if (ev == "interruption_escalate") return "Escalated: " + quoted(e.value("text", ""));
    if (ev == "vitals") return "Vitals: " + e.value("note", std::string("change"));
    if (ev == "deadline_missed") return "Deadline passed without a call: " + findingLabel(sc, e.value("finding", ""));
    if (ev == "deterioration")
        return "DETERIORATION: " + e.value("announcement", findingLabel(sc, e.value("finding", "")));
    if (ev == "session_end") return "Session ended (" + e.value("reason", "") + ")";
    if (act == "pause") return "Instructor stopped the clock" + refused;
    if (act == "resume") {
        double held = e.value("held_s", 0.0);
        return "Instructor restarted the clock" + (held > 0 ? " after " + fixed(held, 0) + " s" : std::string()) +
               refused;
    }
    if (act == "hold") return "Instructor held back " + quoted(e.value("interruption", "")) + refused;
    if (act == "note") return "Instructor's note: " + quoted(e.value("text", ""));
    if (act == "end" && e.value("by", "") == "instructor") return "Instructor ended the session";
    if (act == "mark") return "You marked " + quoted(e.value("label", ""));
    if (act == "call")
        return "You told the " + roleName(e.value("role", "")) + ": " +
               quoted(e.contains("text") ? e.value("text", "") : e.value("mark_label", "")) +
               (e.contains("mark") ? " (mark " + e.value("mark", "") + ")" : std::string()) + refused;
    if (act == "answer") {
        const auto* spec = interruptionOf(sc, e.value("interruption", ""));
        std::string whom = spec ? "the " + roleName(spec->role) : e.value("interruption", "");
        return "You answered " + whom + ": " +
               answerText(spec, e.contains("option") ? e.value("option", "") : e.value("text", "")) + refused;
    }
    if (act == "primary_survey_complete") return "You declared the primary survey complete";
    if (act == "conclude") return "Your conclusion: " + quoted(e.value("text", ""));
    if (act == "series") return "You opened " + seriesLabel(sc, e.value("series", ""));
    return "";
}

// "Not passed: ..." in words, before the formula.
std::string plainSummary(const scenario::Scenario& sc, const Score& s) {
    const std::string mark = fixed(sc.weights.passThreshold, 0);
    if (s.passed)
        return "Passed: " + totalText(s.total) + " of 100 reaches the pass mark of " + mark +
               ", with no critical error.";
    if (!s.criticalErrors.empty())
        return "Not passed: " + std::to_string(s.criticalErrors.size()) + " critical error" +
               (s.criticalErrors.size() == 1 ? "" : "s") +
               " (a Category 1 finding missed or not called in time), and any one fails the session whatever the "
               "total. The total was " +
               totalText(s.total) + " of 100; a pass needs " + mark + ".";
    return "Not passed: the total " + totalText(s.total) + " is below the pass mark of " + mark +
           ", though there was no critical error.";
}

DebriefSection summary(const scenario::Scenario& sc, const Score& s) {
    DebriefSection sec{"1. Summary", {}};
    Block score = ofKind(Block::Kind::Score);
    score.label = s.passed ? "PASSED" : "NOT PASSED";
    score.text = totalText(s.total) + " / 100";
    score.tone = s.passed ? Tone::Passed : Tone::Critical;
    sec.blocks.push_back(score);
    sec.blocks.push_back(paragraph(plainSummary(sc, s)));
    if (!s.criticalErrors.empty()) {
        sec.blocks.push_back(paragraph("(each fails the session):", Tone::Plain, "Critical errors"));
        sec.blocks.push_back(bullets(s.criticalErrors, Tone::Critical));
    }
    int found = 0;
    for (const auto& f : s.findings.items) found += f.labelCorrect ? 1 : 0;
    sec.blocks.push_back(
        paragraph("You identified " + std::to_string(found) + " of " + std::to_string(s.findings.items.size()) +
                  " injuries, completed " + std::to_string(s.order.completed.size()) + " of " +
                  std::to_string(s.order.protocol.size()) + " regions of the reading order, and handled " +
                  std::to_string(s.interruptions.items.size()) + " interruption(s)."));
    DebriefTable parts{{"Part", "Score", "Weight", "Why"}, {}};
    auto part = [&](const char* name, double score, double weight, const std::string& why) {
        parts.rows.push_back({{{name},
                               {fixed(score * 100, 0) + " %", "", score},
                               {fixed(weight, 2)},
                               {why, "", std::nullopt, Tone::Muted}},
                              Tone::Plain});
    };
    part("Findings", s.findings.score, sc.weights.findings, findingsInWords(s.findings));
    part("Reading order", s.order.score, sc.weights.order, orderInWords(sc, s.order));
    part("Coverage", s.coverage.score, sc.weights.coverage, coverageInWords(s.coverage));
    part("Interruptions", s.interruptions.score, sc.weights.interruptions, interruptionsInWords(s.interruptions));
    part("Conclusion", s.conclusion.score, sc.weights.conclusion, s.conclusion.why);
    sec.blocks.push_back(table(std::move(parts)));
    DebriefTable how{{}, {}};
    auto row = [&](const std::string& name, const std::string& text) {
        how.rows.push_back({{{name}, {text, "", std::nullopt, Tone::Muted}}, Tone::Plain});
    };
    row("Findings", s.findings.why);
    row("Reading order", s.order.why);
    row("Coverage", s.coverage.why);
    row("Interruptions", s.interruptions.why);
    row("The total", s.why);
    sec.blocks.push_back(method(std::move(how)));
    return sec;
}

DebriefSection whatHappened(const scenario::Scenario& sc, const Score& s) {
    DebriefSection sec{"2. What happened", {}};
    sec.blocks.push_back(paragraph(
        "How you moved through the body: each line is the axial slice on screen over time, coloured by window. "
        "Orange bars above it are interruptions, from when they began until answered (darker: never answered), red "
        "dashed lines the injuries, circles your marks, black triangles your calls, a red vertical line a "
        "deterioration."));
    sec.blocks.push_back(ofKind(Block::Kind::Plot));
    DebriefTable timeline{{"Time", "What happened"}, {}};
    for (const auto& e : s.events) {
        std::string line = timelineLine(sc, e);
        if (line.empty()) continue;
        Tone tone = e.value("event", "") == "deterioration" ? Tone::Critical : Tone::Plain;
        timeline.rows.push_back({{{clockText(e.value("t", 0.0))}, {line}}, tone});
    }
    sec.blocks.push_back(table(std::move(timeline)));
    return sec;
}

DebriefFinding findingCard(const FindingScore& f) {
    DebriefFinding card;
    card.findingId = f.finding->id;
    card.heading = f.finding->label + " — " + f.bandName +
                   (f.error.empty() && f.rule.empty()
                        ? std::string()
                        : " (" + (f.error.empty() ? std::string() : f.error + " error") +
                              (f.rule.empty() ? "" : (f.error.empty() ? "" : ": ") + ruleTitle(f.rule)) + ")");
    card.method = "Band " + std::to_string(f.band) +
                  " of 10 on the WIDI SIM scale: 0 to 2 is a critical error, 3 to "
                  "6 an omission, 7 to 10 effective. The findings part is the mean band over the injuries, weighted "
                  "by how urgent each is (Category 1 three times, Category 2 twice).";
    card.tone = bandTone(f.band);
    card.why = f.why;
    std::vector<std::string> windows;
    for (const auto& w : f.onScreenWindows) windows.push_back(windowName(w));
    auto row = [&](const std::string& label, const std::string& value) {
        card.details.rows.push_back({{{label}, {value}}, Tone::Plain});
    };
    row("ACR category", std::to_string(f.finding->acrCategory));
    row("On screen", windows.empty() ? std::string("never") : joined(windows, ", "));
    row("Seen in a suitable window", optTime(f.seenAt));
    row("Marked", f.marked ? "yes, " + quoted(f.markLabel) : "no");
    row("Identified", optTime(f.detectedAt));
    row("Called", (f.calledAt ? clockText(*f.calledAt) + " to the " + roleName(f.calledTo) : std::string("—")) +
                      (f.finding->deadlineSeconds > 0 ? " (deadline " + clockText(f.finding->deadlineSeconds) + ")"
                                                      : std::string()));
    if (!f.rule.empty()) card.notes.push_back({"The rule:", ruleExplanation(f.rule)});
    std::vector<std::string> said;
    for (const auto& st : f.statements)
        said.push_back(clockText(st.t) + " " + statementText(st) +
                       (st.counted ? "" : ", before it was seen: not counted"));
    if (!said.empty())
        card.notes.push_back(
            {f.contradictions.empty() ? "What was said about it:" : "Contradictory statements (the last word counts):",
             joined(said, "; ")});
    if (!f.finding->expertDescription.empty()) card.notes.push_back({"Expert:", f.finding->expertDescription});
    if (!f.finding->teachingPoint.empty()) card.notes.push_back({"Teaching point:", f.finding->teachingPoint});
    return card;
}

DebriefSection analysis(const scenario::Scenario& sc, const Score& s) {
    DebriefSection sec{"3. Analysis", {}};
    sec.blocks.push_back(heading("Findings"));
    sec.blocks.push_back(ofKind(Block::Kind::KeyImagesNote));
    for (const auto& f : s.findings.items) {
        Block b = ofKind(Block::Kind::Finding);
        b.finding = findingCard(f);
        b.tone = b.finding.tone;
        sec.blocks.push_back(std::move(b));
    }
    if (!s.findings.extraMarks.empty()) {
        std::vector<std::string> marks;
        for (const auto& m : s.findings.extraMarks) marks.push_back(quoted(m.label) + " (" + m.id + ")");
        sec.blocks.push_back(paragraph(joined(marks, ", "), Tone::Plain, "Marks on no injury of this case:"));
    }

    sec.blocks.push_back(heading("Reading order"));
    sec.blocks.push_back(paragraph(orderInWords(sc, s.order), Tone::Muted));
    DebriefTable order{{"Protocol step", "Region", "Completed at"}, {}};
    for (std::size_t i = 0; i < s.order.protocol.size(); ++i) {
        std::optional<double> at;
        for (const auto& [id, t] : s.order.completed)
            if (id == s.order.protocol[i]) at = t;
        order.rows.push_back(
            {{{std::to_string(i + 1)}, {regionName(sc, s.order.protocol[i])}, {at ? clockText(*at) : "not completed"}},
             at ? Tone::Plain : Tone::Omission});
    }
    sec.blocks.push_back(table(std::move(order)));
    sec.blocks.push_back(
        method({{}, {{{{"Reading order"}, {s.order.why, "", std::nullopt, Tone::Muted}}, Tone::Plain}}}));

    sec.blocks.push_back(heading("Coverage per region"));
    DebriefTable coverage{{"Region", "Seen in a suitable window", "Time", "Scroll courses", "Style"}, {}};
    DebriefTable coverageHow{{}, {}};
    for (const auto& r : s.coverage.regions) {
        const bool projection = projectionRegion(sc, *r.region);
        // The plane is named where the region can be read in more than one.
        std::string seen =
            projection ? (r.completedAt ? "viewed" : "not viewed") + std::string(" (one image)")
                       : fixed(r.fraction * 100, 0) + " % of " + std::to_string(r.slices) +
                             (r.planes.size() > 1 ? " " + std::string(imaging::planeName(r.plane)) : "") + " slices";
        coverage.rows.push_back({{{r.region->label.empty() ? r.region->id : r.region->label},
                                  {seen, "", std::min(1.0, r.fraction)},
                                  {fixed(r.seconds, 0) + " s"},
                                  {projection ? std::string("—") : std::to_string(r.scrollCourses)},
                                  {r.style}},
                                 r.completedAt ? Tone::Plain : Tone::Omission});
        coverageHow.rows.push_back(
            {{{r.region->label.empty() ? r.region->id : r.region->label}, {r.why, "", std::nullopt, Tone::Muted}},
             Tone::Plain});
    }
    sec.blocks.push_back(table(std::move(coverage)));
    sec.blocks.push_back(method(std::move(coverageHow)));

    sec.blocks.push_back(heading("Interruptions"));
    if (s.interruptions.items.empty()) {
        sec.blocks.push_back(paragraph("None happened."));
    } else {
        DebriefTable t{{"Who, when", "They said", "Your answer", "Back to reading"}, {}};
        DebriefTable how{{}, {}};
        for (const auto& i : s.interruptions.items) {
            std::string who = scenario::roleTitle(i.spec->role) +
                              (i.spec->name.empty() ? "" : " (" + i.spec->name + ")") + " at " + clockText(i.startedAt);
            std::string answer = i.answeredAt ? answerText(i.spec, i.answer) + (i.correct ? " ✔" : " ✘") + " after " +
                                                    fixed(*i.responseSeconds, 0) + " s"
                                              : std::string("—");
            std::string back =
                i.resumption +
                (i.resumptionLagSeconds ? ", lag " + fixed(*i.resumptionLagSeconds, 1) + " s" : std::string());
            t.rows.push_back({{{who}, {i.spec->text}, {answer, i.feedback}, {back}},
                              i.score >= 0.75 ? Tone::Plain : Tone::Omission});
            how.rows.push_back({{{who}, {i.why, "", std::nullopt, Tone::Muted}}, Tone::Plain});
        }
        sec.blocks.push_back(table(std::move(t)));
        how.rows.push_back(
            {{{"All interruptions"}, {s.interruptions.why, "", std::nullopt, Tone::Muted}}, Tone::Plain});
        sec.blocks.push_back(method(std::move(how)));
    }

    sec.blocks.push_back(heading("Your conclusion"));
    sec.blocks.push_back(quote(s.conclusion.text.empty() ? "(none written)" : s.conclusion.text));
    sec.blocks.push_back(paragraph(s.conclusion.why, Tone::Muted));
    if (!s.conclusion.keyPoints.empty()) {
        DebriefTable points{{"Key point", "Named"}, {}};
        for (const auto& k : s.conclusion.keyPoints)
            points.rows.push_back(
                {{{k.point->label}, {k.named ? "yes ✔" : "no ✘"}}, k.named ? Tone::Effective : Tone::Omission});
        sec.blocks.push_back(table(std::move(points)));
    }
    return sec;
}

DebriefSection takeHome(const scenario::Scenario& sc, const Score& s) {
    DebriefSection sec{"4. Take-home points", {}};
    std::vector<std::string> points;
    for (const auto& f : s.findings.items) {
        if (f.band >= 9) continue;
        points.push_back(f.finding->label + ": " +
                         (f.finding->teachingPoint.empty() ? f.why : f.finding->teachingPoint));
    }
    for (const auto& r : s.coverage.regions) {
        if (r.completedAt) continue;
        if (projectionRegion(sc, *r.region))
            points.push_back(r.region->label + " was not viewed in " + windowsPhrase(r.region->windows) +
                             ": open it first, it shows the whole body at once.");
        else
            points.push_back(r.region->label + " was read to " + fixed(r.fraction * 100, 0) + " % in " +
                             windowsPhrase(r.region->windows) + ": page through all of it" +
                             (r.planes.size() > 1 ? ", in " + planesPhrase(r) : std::string()) + ".");
    }
    for (const auto& i : s.interruptions.items)
        if (i.resumption == "skipped uncovered ground" || i.resumption == "did not resume" || !i.correct)
            points.push_back("After the " + roleName(i.spec->role) + " (" + clockText(i.startedAt) +
                             "): " + (i.feedback.empty() ? i.why : i.feedback));
    if (!s.order.outOfOrder.empty())
        points.push_back("Keep the protocol order (diagnose first what kills first): " + s.order.outOfOrder.front() +
                         ".");
    if (points.empty()) points.push_back("A clean read: keep this routine under pressure.");
    sec.blocks.push_back(bullets(std::move(points)));
    if (!sc.conclusion.expertSentence.empty()) {
        sec.blocks.push_back(heading("The expert's one-sentence conclusion"));
        sec.blocks.push_back(quote(sc.conclusion.expertSentence));
    }
    if (!sc.expertReport.empty()) {
        sec.blocks.push_back(heading("Expert report"));
        sec.blocks.push_back(quote(sc.expertReport, true));
    }
    if (!sc.teachingNotes.empty()) {
        sec.blocks.push_back(heading("Teaching notes"));
        Block notes = paragraph(sc.teachingNotes);
        notes.preformatted = true;
        sec.blocks.push_back(notes);
    }
    if (!s.warnings.empty()) {
        sec.blocks.push_back(heading("Notes on the log"));
        sec.blocks.push_back(bullets(s.warnings, Tone::Muted));
    }
    DebriefTable how{{}, {}};
    how.rows.push_back(
        {{{"Scoring"},
          {"WIDI SIM bands for each injury, how soon each Category 1 finding was told once its images had arrived "
           "and Kendall's tau between the protocol's order and yours, "
           "coverage in a suitable window, resumption lag after interruptions (clinical reference, "
           "sections 6 to 8).",
           "", std::nullopt, Tone::Muted}},
         Tone::Plain});
    sec.blocks.push_back(method(std::move(how)));
    return sec;
}
}  // namespace

std::string hexColour(Rgb c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%06x", unsigned(c & 0xffffff));
    return buf;
}

Rgb windowColour(const std::string& preset) {
    if (preset == "lung") return 0x1e9e4a;
    if (preset == "soft_tissue") return 0x2e6fd8;
    if (preset == "mediastinum") return 0x139e9e;
    if (preset == "liver") return 0x8b4bc6;
    if (preset == "bone") return 0x7a7a7a;
    if (preset == "brain") return 0xe08a00;
    if (preset == "subdural") return 0xc0612b;
    if (preset == "stroke") return 0xa0522d;
    return 0x333333;
}

DepthTimePlot buildDepthTimePlot(const scenario::Scenario& sc, const Score& score) {
    Plot p;
    // Interruptions get a strip of lanes above the plot (several can stand at once).
    std::vector<double> laneEnd;
    std::vector<int> laneOf;
    std::vector<std::pair<double, double>> spans;
    for (const auto& i : score.interruptions.items) {
        double t1 = i.answeredAt.value_or(score.endTime);
        for (const auto& e : score.events)
            if (e.value("event", "") == "interruption_end" && e.value("id", "") == i.spec->id)
                t1 = e["t"].get<double>();
        std::size_t lane = 0;
        while (lane < laneEnd.size() && laneEnd[lane] > i.startedAt) ++lane;
        if (lane == laneEnd.size()) laneEnd.push_back(0);
        laneEnd[lane] = t1 + 1;
        laneOf.push_back(int(lane));
        spans.push_back({i.startedAt, t1});
    }
    const double laneH = 14, left = 170, right = 20, bottom = 40;
    const double W = p.width;
    const double top = 14 + laneH * double(laneEnd.size());
    const double H = top + 380 + bottom;
    p.height = H;
    p.area = {left, top, W - right, H - bottom};
    p.labelX = left - 30;
    double zMax = -1e9, zMin = 1e9;
    for (const auto& r : sc.regions) {
        if (projectionRegion(sc, r)) continue;
        zMax = std::max(zMax, r.zToMm);
        zMin = std::min(zMin, r.zFromMm);
    }
    for (const auto& v : score.views) {
        if (v.view.projection || v.view.series.empty()) continue;
        zMax = std::max(zMax, v.view.cursor.z);
        zMin = std::min(zMin, v.view.cursor.z);
    }
    if (zMax <= zMin) zMax = zMin + 1;
    const double tEnd = std::max(score.endTime, 1.0);
    auto X = [&](double t) { return left + (W - left - right) * t / tEnd; };
    auto Y = [&](double z) { return top + (H - top - bottom) * (zMax - z) / (zMax - zMin); };

    // Regions: bands for the body parts that do not overlap much; the long ones (spine) as brackets at the left.
    std::vector<std::pair<double, double>> drawn;
    std::vector<std::pair<std::pair<double, double>, std::string>> bands;
    std::vector<const scenario::Region*> brackets;
    for (const auto& r : sc.regions) {
        if (projectionRegion(sc, r)) continue;
        double overlap = 0;
        for (const auto& [a, b] : drawn) overlap += std::max(0.0, std::min(b, r.zToMm) - std::max(a, r.zFromMm));
        std::string name = r.label.empty() ? r.id : r.label;
        bool same = false;
        for (auto& band : bands)
            if (band.first == std::make_pair(r.zFromMm, r.zToMm)) {
                // "Chest: lungs and pleura" + "Chest: mediastinum..." share one band labelled "Chest".
                auto colon = band.second.find(':');
                if (colon != std::string::npos && name.compare(0, colon, band.second, 0, colon) == 0)
                    band.second = band.second.substr(0, colon);
                else
                    band.second += " / " + name;
                same = true;
            }
        if (same) continue;
        if (overlap > 0.5 * (r.zToMm - r.zFromMm)) {
            brackets.push_back(&r);
            continue;
        }
        drawn.push_back({r.zFromMm, r.zToMm});
        bands.push_back({{r.zFromMm, r.zToMm}, name});
    }
    std::sort(bands.begin(), bands.end(), [](const auto& a, const auto& b) { return a.first.second > b.first.second; });
    double lastLabelY = -1e9;
    for (std::size_t k = 0; k < bands.size(); ++k) {
        const auto& [range, name] = bands[k];
        Plot::Band b;
        double y1 = Y(range.second), y2 = Y(range.first);
        b.rect = {left, y1, W - right, y1 + std::max(1.0, y2 - y1)};
        b.fill = k % 2 ? 0xf3f3f7 : 0xe6ebf4;
        b.label = name;
        b.shownLabel = name.size() > 26 ? name.substr(0, 25) + "…" : name;
        b.labelY = std::max((y1 + y2) / 2 + 4, lastLabelY + 12);
        lastLabelY = b.labelY;
        p.bands.push_back(std::move(b));
    }
    for (std::size_t k = 0; k < brackets.size(); ++k) {
        const auto& r = *brackets[k];
        p.brackets.push_back({left - 10 - 7 * double(k), Y(r.zToMm), Y(r.zFromMm), r.label.empty() ? r.id : r.label});
    }
    // Interruption lanes.
    for (std::size_t k = 0; k < score.interruptions.items.size(); ++k) {
        const auto& i = score.interruptions.items[k];
        Plot::Lane lane;
        double y = 8 + laneH * laneOf[k];
        double x0 = X(spans[k].first);
        lane.rect = {x0, y, x0 + std::max(3.0, X(spans[k].second) - x0), y + laneH - 3};
        lane.fill = i.answeredAt ? 0xf5b041 : 0xe59866;
        lane.label = scenario::roleTitle(i.spec->role);
        lane.title = scenario::roleTitle(i.spec->role) + ": " + i.spec->text;
        lane.startX = x0;
        p.lanes.push_back(std::move(lane));
    }
    // Findings: their z extent as a red bar on the left edge of the plot, the centre as a dashed line.
    for (const auto& f : sc.findings) {
        double y1 = Y(f.centreLps.z + f.extentMm.z / 2), y2 = Y(f.centreLps.z - f.extentMm.z / 2);
        p.injuries.push_back({{left - 4, y1, left, y1 + std::max(1.0, y2 - y1)}, Y(f.centreLps.z), f.label});
    }
    // The reading path: one step line per run of the same window (axial views only), unbroken across a change of
    // window.
    Plot::Path path;
    auto flush = [&] {
        if (!path.points.empty()) p.paths.push_back(path);
        path.points.clear();
    };
    for (std::size_t k = 0; k < score.views.size(); ++k) {
        const auto& v = score.views[k];
        double t1 = k + 1 < score.views.size() ? score.views[k + 1].t : score.endTime;
        if (v.view.series.empty() || v.view.projection || v.view.plane != session::Plane::Axial) {
            flush();
            continue;
        }
        Rgb c = windowColour(v.view.preset);
        if (c != path.colour || path.points.empty()) {
            bool continues = !path.points.empty() && k > 0;
            flush();
            path.colour = c;
            if (continues) path.points.push_back({X(v.t), Y(score.views[k - 1].view.cursor.z)});
        }
        path.points.push_back({X(v.t), Y(v.view.cursor.z)});
        path.points.push_back({X(t1), Y(v.view.cursor.z)});
    }
    flush();
    for (const auto& m : score.marks) p.marks.push_back({{X(m.placedAt), Y(m.lps.z)}, "mark " + m.id + ": " + m.label});
    for (const auto& e : score.events) {
        double t = e.value("t", 0.0);
        if (e.value("action", "") == "call" && !e.contains("refused"))
            p.calls.push_back({{X(t), top + 4}, "call to the " + roleName(e.value("role", ""))});
        if (e.value("event", "") == "deterioration")
            p.deteriorations.push_back({{X(t), top}, e.value("announcement", std::string("deterioration"))});
    }
    const double stepS = tEnd <= 180 ? 30 : tEnd <= 600 ? 60 : 120;
    for (double t = 0; t <= tEnd + 1e-9; t += stepS) p.ticks.push_back({X(t), clockText(t)});
    p.axisLabel = "session time (mm:ss); vertical: axial slice position (head at the top)";
    for (const auto& w : imaging::kWindowPresets)
        p.legend.push_back({std::string(w.label), windowColour(std::string(w.name))});
    p.legend.push_back({"custom W/L", windowColour("")});
    return p;
}

Debrief buildDebrief(const scenario::Scenario& sc, const Score& s) {
    Debrief d;
    d.title = sc.meta.title;
    d.facts = "Trainee: " + (s.trainee.empty() ? std::string("(unnamed)") : s.trainee) + " · scenario " + sc.meta.id +
              " · session length " + clockText(s.endTime) + " (ended by " + s.endedBy + ")";
    d.sections.push_back(summary(sc, s));
    d.sections.push_back(whatHappened(sc, s));
    d.sections.push_back(analysis(sc, s));
    d.sections.push_back(takeHome(sc, s));
    d.plot = buildDepthTimePlot(sc, s);
    return d;
}

std::vector<std::string> debriefTexts(const Debrief& d, bool folded) {
    std::vector<std::string> out{d.title, d.facts};
    auto add = [&](const std::string& t) {
        if (!t.empty()) out.push_back(t);
    };
    auto addTable = [&](const DebriefTable& t) {
        for (const auto& c : t.columns) add(c);
        for (const auto& r : t.rows)
            for (const auto& c : r.cells) add(c.text), add(c.note);
    };
    for (const auto& sec : d.sections) {
        add(sec.title);
        for (const auto& b : sec.blocks) {
            add(b.label);
            add(b.text);
            for (const auto& i : b.items) add(i);
            if (b.kind != Block::Kind::Method || folded) addTable(b.table);
            if (b.kind == Block::Kind::Finding) {
                add(b.finding.heading);
                add(b.finding.why);
                addTable(b.finding.details);
                for (const auto& [label, text] : b.finding.notes) add(label), add(text);
                if (!b.finding.method.empty()) {
                    add("How is this computed");
                    if (folded) add(b.finding.method);
                }
            }
            if (b.kind == Block::Kind::Plot) {
                for (const auto& l : d.plot.legend) add(l.label);
                for (const auto& band : d.plot.bands) add(band.shownLabel);
                for (const auto& lane : d.plot.lanes) add(lane.label);
                for (const auto& t : d.plot.ticks) add(t.label);
                add(d.plot.axisLabel);
            }
        }
    }
    return out;
}

}  // namespace polysim::scoring

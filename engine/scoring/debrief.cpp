// HTML debrief writer. Everything is inline so the file can be mailed, archived or opened offline.
#include "scoring/debrief.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "session/matching.h"

namespace polysim::scoring {

std::string htmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = unsigned(std::uint8_t(bytes[i])) << 16 | unsigned(std::uint8_t(bytes[i + 1])) << 8 |
                     unsigned(std::uint8_t(bytes[i + 2]));
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = unsigned(std::uint8_t(bytes[i])) << 16;
        if (i + 1 < bytes.size()) v |= unsigned(std::uint8_t(bytes[i + 1])) << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

namespace {
std::string num(double v, const char* format = "%.1f") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

const char* windowColour(const std::string& preset) {
    if (preset == "lung") return "#1e9e4a";
    if (preset == "soft_tissue") return "#2e6fd8";
    if (preset == "mediastinum") return "#139e9e";
    if (preset == "liver") return "#8b4bc6";
    if (preset == "bone") return "#7a7a7a";
    if (preset == "brain") return "#e08a00";
    if (preset == "subdural") return "#c0612b";
    if (preset == "stroke") return "#a0522d";
    return "#333333";
}

std::string roleText(const std::string& role) {
    std::string r = role;
    std::replace(r.begin(), r.end(), '_', ' ');
    return r;
}

std::string optTime(const std::optional<double>& t) { return t ? clockText(*t) : "—"; }
}  // namespace

std::string depthTimeSvg(const scenario::Scenario& sc, const Score& score) {
    // Interruptions get a strip of lanes above the plot (several can stand at once).
    struct Bar {
        double t0, t1;
        std::string label, title;
        bool answered;
        int lane = 0;
    };
    std::vector<Bar> bars;
    for (const auto& i : score.interruptions.items) {
        double t1 = i.answeredAt.value_or(score.endTime);
        for (const auto& e : score.events)
            if (e.value("event", "") == "interruption_end" && e.value("id", "") == i.spec->id) t1 = e["t"].get<double>();
        bars.push_back({i.startedAt, t1, roleText(i.spec->role), roleText(i.spec->role) + ": " + i.spec->text,
                        i.answeredAt.has_value()});
    }
    std::vector<double> laneEnd;
    for (auto& b : bars) {
        std::size_t lane = 0;
        while (lane < laneEnd.size() && laneEnd[lane] > b.t0) ++lane;
        if (lane == laneEnd.size()) laneEnd.push_back(0);
        laneEnd[lane] = b.t1 + 1;
        b.lane = int(lane);
    }
    const double laneH = 14;
    const double W = 1000, left = 170, right = 20, bottom = 40;
    const double top = 14 + laneH * double(laneEnd.size());
    const double H = top + 380 + bottom;
    double zMax = -1e9, zMin = 1e9;
    auto projection = [&](const scenario::Region& r) {
        for (const auto& s : sc.images.series)
            if (s.id == r.series && s.kind == "scout") return true;
        return false;
    };
    for (const auto& r : sc.regions) {
        if (projection(r)) continue;
        zMax = std::max(zMax, r.zToMm);
        zMin = std::min(zMin, r.zFromMm);
    }
    for (const auto& v : score.views) {
        if (v.view.projection || v.view.series.empty()) continue;
        zMax = std::max(zMax, v.view.cursor.z);
        zMin = std::min(zMin, v.view.cursor.z);
    }
    if (zMax <= zMin) zMax = zMin + 1;
    double tEnd = std::max(score.endTime, 1.0);
    auto X = [&](double t) { return left + (W - left - right) * t / tEnd; };
    auto Y = [&](double z) { return top + (H - top - bottom) * (zMax - z) / (zMax - zMin); };
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << W << " " << H
      << "\" width=\"100%\" role=\"img\" aria-label=\"Slice position over time\" font-family=\"sans-serif\" font-size=\"11\">\n";
    o << "<rect x=\"0\" y=\"0\" width=\"" << W << "\" height=\"" << H << "\" fill=\"#ffffff\"/>\n";
    // Regions: bands for the body parts that do not overlap much; the long ones (spine) as brackets at the left.
    std::vector<std::pair<double, double>> drawn;
    std::vector<std::pair<std::pair<double, double>, std::string>> bands;
    std::vector<const scenario::Region*> brackets;
    for (const auto& r : sc.regions) {
        if (projection(r)) continue;
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
    int band = 0;
    double lastLabelY = -1e9;
    std::sort(bands.begin(), bands.end(), [](const auto& a, const auto& b) { return a.first.second > b.first.second; });
    for (const auto& [range, name] : bands) {
        double y1 = Y(range.second), y2 = Y(range.first);
        o << "<rect x=\"" << left << "\" y=\"" << num(y1) << "\" width=\"" << (W - left - right) << "\" height=\""
          << num(std::max(1.0, y2 - y1)) << "\" fill=\"" << (band++ % 2 ? "#f3f3f7" : "#e6ebf4")
          << "\" stroke=\"#ccd\" stroke-width=\"0.5\"/>\n";
        double ly = std::max((y1 + y2) / 2 + 4, lastLabelY + 12);
        lastLabelY = ly;
        std::string shown = name.size() > 26 ? name.substr(0, 25) + "…" : name;
        o << "<text x=\"" << (left - 30) << "\" y=\"" << num(ly) << "\" text-anchor=\"end\" fill=\"#334\"><title>"
          << htmlEscape(name) << "</title>" << htmlEscape(shown) << "</text>\n";
    }
    for (std::size_t k = 0; k < brackets.size(); ++k) {
        const auto& r = *brackets[k];
        double x = left - 10 - 7 * double(k), y1 = Y(r.zToMm), y2 = Y(r.zFromMm);
        o << "<path d=\"M" << num(x + 3) << " " << num(y1) << " H" << num(x) << " V" << num(y2) << " H" << num(x + 3)
          << "\" fill=\"none\" stroke=\"#667\" stroke-width=\"1.2\"><title>" << htmlEscape(r.label.empty() ? r.id : r.label)
          << "</title></path>\n";
    }
    // Interruption strip.
    for (const auto& b : bars) {
        double y = 8 + laneH * b.lane;
        o << "<rect x=\"" << num(X(b.t0)) << "\" y=\"" << num(y) << "\" width=\"" << num(std::max(3.0, X(b.t1) - X(b.t0)))
          << "\" height=\"" << (laneH - 3) << "\" fill=\"" << (b.answered ? "#f5b041" : "#e59866") << "\"><title>"
          << htmlEscape(b.title) << "</title></rect>\n";
        o << "<text x=\"" << num(X(b.t0) + 2) << "\" y=\"" << num(y + 9) << "\" font-size=\"9\" fill=\"#5a3a00\">"
          << htmlEscape(b.label) << "</text>\n";
        o << "<line x1=\"" << num(X(b.t0)) << "\" x2=\"" << num(X(b.t0)) << "\" y1=\"" << top << "\" y2=\"" << (H - bottom)
          << "\" stroke=\"#e59866\" stroke-width=\"0.8\" stroke-dasharray=\"2 3\"/>\n";
    }
    // Findings: their z extent as a red bracket on the left edge of the plot.
    for (const auto& f : sc.findings) {
        double y1 = Y(f.centreLps.z + f.extentMm.z / 2), y2 = Y(f.centreLps.z - f.extentMm.z / 2);
        o << "<rect x=\"" << (left - 4) << "\" y=\"" << num(y1) << "\" width=\"4\" height=\"" << num(std::max(1.0, y2 - y1))
          << "\" fill=\"#c0392b\"><title>" << htmlEscape(f.label) << "</title></rect>\n";
        o << "<line x1=\"" << left << "\" x2=\"" << (W - right) << "\" y1=\"" << num(Y(f.centreLps.z)) << "\" y2=\""
          << num(Y(f.centreLps.z)) << "\" stroke=\"#c0392b\" stroke-width=\"0.6\" stroke-dasharray=\"4 4\"/>\n";
    }
    // The reading path: one step line per run of the same window (axial views only).
    std::string path, colour;
    auto flush = [&]() {
        if (!path.empty())
            o << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.8\"/>\n";
        path.clear();
    };
    for (std::size_t k = 0; k < score.views.size(); ++k) {
        const auto& v = score.views[k];
        double t1 = k + 1 < score.views.size() ? score.views[k + 1].t : score.endTime;
        if (v.view.series.empty() || v.view.projection || v.view.plane != session::Plane::Axial) {
            flush();
            continue;
        }
        std::string c = windowColour(v.view.preset);
        if (c != colour) {
            // Continue from the previous point so the line stays unbroken across a window change.
            std::string start;
            if (!path.empty() && k > 0) start = "M" + num(X(v.t)) + " " + num(Y(score.views[k - 1].view.cursor.z)) +
                                                " V" + num(Y(v.view.cursor.z));
            flush();
            colour = c;
            path = start.empty() ? "M" + num(X(v.t)) + " " + num(Y(v.view.cursor.z)) : start;
        } else {
            path += " V" + num(Y(v.view.cursor.z));
        }
        path += " H" + num(X(t1));
    }
    flush();
    // Marks (circles), calls (triangles), deteriorations (red lines).
    for (const auto& m : score.marks) {
        o << "<circle cx=\"" << num(X(m.placedAt)) << "\" cy=\"" << num(Y(m.lps.z)) << "\" r=\"5\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"><title>mark "
          << htmlEscape(m.id + ": " + m.label) << "</title></circle>\n";
    }
    for (const auto& e : score.events) {
        double t = e.value("t", 0.0);
        if (e.value("action", "") == "call" && !e.contains("refused")) {
            double x = X(t), y = top + 4;
            o << "<path d=\"M" << num(x - 5) << " " << num(y) << " L" << num(x + 5) << " " << num(y) << " L" << num(x)
              << " " << num(y + 9) << " Z\" fill=\"#000\"><title>call to " << htmlEscape(roleText(e.value("role", "")))
              << "</title></path>\n";
        }
        if (e.value("event", "") == "deterioration") {
            o << "<line x1=\"" << num(X(t)) << "\" x2=\"" << num(X(t)) << "\" y1=\"" << top << "\" y2=\"" << (H - bottom)
              << "\" stroke=\"#c0392b\" stroke-width=\"2\"><title>" << htmlEscape(e.value("announcement", "deterioration"))
              << "</title></line>\n";
        }
    }
    // Time axis.
    o << "<line x1=\"" << left << "\" x2=\"" << (W - right) << "\" y1=\"" << (H - bottom) << "\" y2=\"" << (H - bottom)
      << "\" stroke=\"#333\"/>\n";
    double stepS = tEnd <= 180 ? 30 : tEnd <= 600 ? 60 : 120;
    for (double t = 0; t <= tEnd + 1e-9; t += stepS) {
        o << "<line x1=\"" << num(X(t)) << "\" x2=\"" << num(X(t)) << "\" y1=\"" << (H - bottom) << "\" y2=\""
          << (H - bottom + 4) << "\" stroke=\"#333\"/><text x=\"" << num(X(t)) << "\" y=\"" << (H - bottom + 16)
          << "\" text-anchor=\"middle\">" << clockText(t) << "</text>\n";
    }
    o << "<text x=\"" << ((W + left) / 2) << "\" y=\"" << (H - 4) << "\" text-anchor=\"middle\" fill=\"#555\">session time (mm:ss); vertical: axial slice position (head at the top)</text>\n";
    o << "</svg>\n";
    return o.str();
}

std::string debriefHtml(const scenario::Scenario& sc, const Score& s, const KeyImages& images,
                        const std::string& imagesNote) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n"
      << "<title>Debrief: " << htmlEscape(sc.meta.title) << "</title>\n<style>\n"
      << "body{font-family:sans-serif;max-width:1100px;margin:0 auto;padding:16px;color:#222;background:#fafafa}\n"
      << "h1{margin-bottom:4px}h2{border-bottom:2px solid #ccd;padding-bottom:4px;margin-top:32px}\n"
      << ".badge{display:inline-block;padding:4px 12px;border-radius:4px;color:#fff;font-weight:bold}\n"
      << ".pass{background:#1e8449}.fail{background:#c0392b}.why{color:#555;font-size:0.9em}\n"
      << "table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}\n"
      << "th{background:#eef}.critical{background:#fdecea}.omission{background:#fff6e0}.effective{background:#eaf7ee}\n"
      << ".finding{display:flex;gap:16px;border:1px solid #ddd;background:#fff;padding:10px;margin:10px 0}\n"
      << ".finding img{width:320px;height:auto;image-rendering:pixelated;border:1px solid #999}\n"
      << ".bar{background:#dde;height:12px;width:200px;position:relative}.bar span{display:block;height:12px;background:#2e6fd8}\n"
      << ".legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:14px;height:4px;margin-right:4px;vertical-align:middle}\n"
      << "blockquote{background:#fff;border-left:4px solid #2e6fd8;margin:8px 0;padding:8px 12px}\n"
      << "</style></head><body>\n";

    // ---- Summary
    o << "<h1>" << htmlEscape(sc.meta.title) << "</h1>\n";
    o << "<p>Trainee: <b>" << htmlEscape(s.trainee.empty() ? "(unnamed)" : s.trainee) << "</b> · scenario <code>"
      << htmlEscape(sc.meta.id) << "</code> · session length " << clockText(s.endTime) << " (ended by "
      << htmlEscape(s.endedBy) << ")</p>\n";
    o << "<h2>1. Summary</h2>\n<p><span class=\"badge " << (s.passed ? "pass\">PASSED" : "fail\">NOT PASSED")
      << "</span> &nbsp; <b style=\"font-size:1.6em\">" << num(s.total) << " / 100</b></p>\n";
    o << "<p class=\"why\">" << htmlEscape(s.why) << "</p>\n";
    if (!s.criticalErrors.empty()) {
        o << "<p><b>Critical errors</b> (each fails the session):</p><ul>\n";
        for (const auto& c : s.criticalErrors) o << "<li class=\"critical\">" << htmlEscape(c) << "</li>\n";
        o << "</ul>\n";
    }
    int found = 0;
    for (const auto& f : s.findings.items) found += f.labelCorrect ? 1 : 0;
    o << "<p>You identified <b>" << found << " of " << s.findings.items.size() << "</b> injuries, completed <b>"
      << s.order.completed.size() << " of " << s.order.protocol.size() << "</b> regions of the reading order";
    if (s.order.tau) o << " (order agreement tau " << num(*s.order.tau, "%.2f") << ")";
    o << ", and handled <b>" << s.interruptions.items.size() << "</b> interruption(s).</p>\n";
    o << "<table><tr><th>Part</th><th>Score</th><th>Weight</th><th>Why</th></tr>\n";
    auto part = [&](const char* name, double score, double weight, const std::string& why) {
        o << "<tr><td>" << name << "</td><td>" << num(score * 100, "%.0f") << " %</td><td>" << num(weight, "%.2f")
          << "</td><td class=\"why\">" << htmlEscape(why) << "</td></tr>\n";
    };
    part("Findings", s.findings.score, sc.weights.findings, s.findings.why);
    part("Reading order", s.order.score, sc.weights.order, s.order.why);
    part("Coverage", s.coverage.score, sc.weights.coverage, s.coverage.why);
    part("Interruptions", s.interruptions.score, sc.weights.interruptions, s.interruptions.why);
    part("Conclusion", s.conclusion.score, sc.weights.conclusion, s.conclusion.why);
    o << "</table>\n";

    // ---- What happened
    o << "<h2>2. What happened</h2>\n";
    o << "<p>How you moved through the body: each line is the axial slice on screen over time, coloured by window. "
         "Orange bars above it are interruptions, from when they began until answered (darker: never answered), red "
         "dashed lines the injuries, circles your marks, black triangles your "
         "calls, a red vertical line a deterioration.</p>\n";
    o << "<div class=\"legend\">";
    for (const auto& p : imaging::kWindowPresets)
        o << "<span><i style=\"background:" << windowColour(std::string(p.name)) << "\"></i>" << htmlEscape(std::string(p.label))
          << "</span>";
    o << "<span><i style=\"background:#333\"></i>custom W/L</span></div>\n";
    o << depthTimeSvg(sc, s);
    o << "<table><tr><th>Time</th><th>What happened</th></tr>\n";
    for (const auto& e : s.events) {
        std::string ev = e.value("event", ""), act = e.value("action", "");
        std::string line;
        if (ev == "series_arrived") line = "Images arrived: " + e.value("label", e.value("series", ""));
        else if (ev == "interruption_start")
            line = roleText(e.value("role", "")) + ": “" + e.value("text", "") + "”";
        else if (ev == "interruption_repeat") line = "Repeated: “" + e.value("text", "") + "”";
        else if (ev == "interruption_escalate") line = "Escalated: “" + e.value("text", "") + "”";
        else if (ev == "vitals") line = "Vitals: " + e.value("note", std::string("change"));
        else if (ev == "deadline_missed") line = "Deadline passed for " + e.value("finding", "") + " without a call";
        else if (ev == "deterioration") line = "DETERIORATION: " + e.value("announcement", e.value("finding", ""));
        else if (ev == "session_end") line = "Session ended (" + e.value("reason", "") + ")";
        else if (act == "mark") line = "You marked “" + e.value("label", "") + "”";
        else if (act == "call")
            line = "You told the " + roleText(e.value("role", "")) + ": “" +
                   (e.contains("text") ? e.value("text", "") : e.value("mark_label", "")) + "”" +
                   (e.contains("mark") ? " (mark " + e.value("mark", "") + ")" : std::string()) +
                   (e.contains("refused") ? " (refused: " + e.value("refused", "") + ")" : std::string());
        else if (act == "answer")
            line = "You answered " + e.value("interruption", "") + ": " +
                   (e.contains("option") ? e.value("option", "") : "“" + e.value("text", "") + "”") +
                   (e.contains("refused") ? " (refused: " + e.value("refused", "") + ")" : std::string());
        else if (act == "primary_survey_complete") line = "You declared the primary survey complete";
        else if (act == "conclude") line = "Your conclusion: “" + e.value("text", "") + "”";
        else if (act == "series") line = "You opened series " + e.value("series", "");
        if (line.empty()) continue;
        o << "<tr><td>" << clockText(e.value("t", 0.0)) << "</td><td>" << htmlEscape(line) << "</td></tr>\n";
    }
    o << "</table>\n";

    // ---- Analysis
    o << "<h2>3. Analysis</h2>\n<h3>Findings</h3>\n";
    if (!imagesNote.empty()) o << "<p class=\"why\">" << htmlEscape(imagesNote) << "</p>\n";
    for (const auto& f : s.findings.items) {
        o << "<div class=\"finding " << (f.band <= 2 ? "critical" : f.band <= 6 ? "omission" : "effective") << "\">\n";
        auto it = images.find(f.finding->id);
        if (it != images.end())
            o << "<img alt=\"" << htmlEscape(f.finding->label) << "\" src=\"data:image/png;base64," << base64(it->second)
              << "\">\n";
        o << "<div><h4>" << htmlEscape(f.finding->label) << " — band " << f.band << "/10 (" << f.bandName
          << (f.error.empty() ? "" : ", " + f.error + " error") << ")</h4>\n";
        o << "<p>" << htmlEscape(f.why) << "</p>\n<table>"
          << "<tr><td>ACR category</td><td>" << f.finding->acrCategory << "</td></tr>"
          << "<tr><td>On screen</td><td>" << htmlEscape(f.onScreenWindows.empty() ? std::string("never") : [&] {
                 std::string w;
                 for (const auto& x : f.onScreenWindows) w += (w.empty() ? "" : ", ") + x;
                 return w;
             }()) << "</td></tr>"
          << "<tr><td>Seen in a suitable window</td><td>" << optTime(f.seenAt) << "</td></tr>"
          << "<tr><td>Marked</td><td>" << (f.marked ? htmlEscape("yes, “" + f.markLabel + "”") : "no") << "</td></tr>"
          << "<tr><td>Identified</td><td>" << optTime(f.detectedAt) << "</td></tr>"
          << "<tr><td>Called</td><td>" << (f.calledAt ? clockText(*f.calledAt) + " to " + htmlEscape(roleText(f.calledTo)) : "—")
          << (f.finding->deadlineSeconds > 0 ? " (deadline " + clockText(f.finding->deadlineSeconds) + ")" : "") << "</td></tr>"
          << "</table>\n";
        if (!f.finding->expertDescription.empty())
            o << "<p><b>Expert:</b> " << htmlEscape(f.finding->expertDescription) << "</p>\n";
        if (!f.finding->teachingPoint.empty())
            o << "<p><b>Teaching point:</b> " << htmlEscape(f.finding->teachingPoint) << "</p>\n";
        o << "</div></div>\n";
    }
    if (!s.findings.extraMarks.empty()) {
        o << "<p>Marks on no injury of this case: ";
        for (const auto& m : s.findings.extraMarks) o << htmlEscape("“" + m.label + "” (" + m.id + ") ");
        o << "</p>\n";
    }

    o << "<h3>Reading order</h3>\n<p class=\"why\">" << htmlEscape(s.order.why) << "</p>\n<table><tr><th>Protocol step</th><th>Region</th><th>Completed at</th></tr>\n";
    for (std::size_t i = 0; i < s.order.protocol.size(); ++i) {
        std::optional<double> at;
        for (const auto& [id, t] : s.order.completed)
            if (id == s.order.protocol[i]) at = t;
        const auto* r = sc.findRegion(s.order.protocol[i]);
        o << "<tr><td>" << (i + 1) << "</td><td>" << htmlEscape(r ? r->label : s.order.protocol[i]) << "</td><td>"
          << (at ? clockText(*at) : "not completed") << "</td></tr>\n";
    }
    o << "</table>\n";

    o << "<h3>Coverage per region</h3>\n<table><tr><th>Region</th><th>Seen in a suitable window</th><th>Time</th><th>Scroll courses</th><th>Style</th><th>Why</th></tr>\n";
    for (const auto& r : s.coverage.regions) {
        o << "<tr><td>" << htmlEscape(r.region->label) << "</td><td><div class=\"bar\"><span style=\"width:"
          << num(std::min(1.0, r.fraction) * 100, "%.0f") << "%\"></span></div>" << num(r.fraction * 100, "%.0f")
          << " % of " << r.slices << " slices</td><td>" << num(r.seconds, "%.0f") << " s</td><td>" << r.scrollCourses
          << "</td><td>" << htmlEscape(r.style) << "</td><td class=\"why\">" << htmlEscape(r.why) << "</td></tr>\n";
    }
    o << "</table>\n";

    o << "<h3>Interruptions</h3>\n";
    if (s.interruptions.items.empty()) o << "<p>None happened.</p>\n";
    else {
        o << "<table><tr><th>Who, when</th><th>They said</th><th>Your answer</th><th>Back to reading</th><th>Why</th></tr>\n";
        for (const auto& i : s.interruptions.items) {
            o << "<tr><td>" << htmlEscape(roleText(i.spec->role)) << " at " << clockText(i.startedAt) << "</td><td>"
              << htmlEscape(i.spec->text) << "</td><td>"
              << (i.answeredAt ? htmlEscape(i.answer) + (i.correct ? " ✔" : " ✘") + " after " + num(*i.responseSeconds, "%.0f") + " s"
                               : std::string("—"))
              << (i.feedback.empty() ? "" : "<br><span class=\"why\">" + htmlEscape(i.feedback) + "</span>") << "</td><td>"
              << htmlEscape(i.resumption)
              << (i.resumptionLagSeconds ? ", lag " + num(*i.resumptionLagSeconds) + " s" : std::string()) << "</td><td class=\"why\">"
              << htmlEscape(i.why) << "</td></tr>\n";
        }
        o << "</table>\n";
    }
    o << "<h3>Your conclusion</h3>\n<blockquote>" << htmlEscape(s.conclusion.text.empty() ? "(none written)" : s.conclusion.text)
      << "</blockquote>\n<p class=\"why\">" << htmlEscape(s.conclusion.why) << "</p>\n";

    // ---- Take-home points
    o << "<h2>4. Take-home points</h2>\n<ul>\n";
    int points = 0;
    for (const auto& f : s.findings.items) {
        if (f.band >= 9) continue;
        std::string tp = f.finding->teachingPoint.empty() ? f.why : f.finding->teachingPoint;
        o << "<li><b>" << htmlEscape(f.finding->label) << ":</b> " << htmlEscape(tp) << "</li>\n";
        ++points;
    }
    for (const auto& r : s.coverage.regions)
        if (!r.completedAt) {
            o << "<li>" << htmlEscape(r.region->label) << " was read to " << num(r.fraction * 100, "%.0f")
              << " % in a suitable window (" << htmlEscape([&] {
                     std::string w;
                     for (const auto& x : r.region->windows) w += (w.empty() ? "" : " or ") + x;
                     return w;
                 }()) << "): page through all of it.</li>\n";
            ++points;
        }
    for (const auto& i : s.interruptions.items)
        if (i.resumption == "skipped uncovered ground" || i.resumption == "did not resume" || !i.correct) {
            o << "<li>After the " << htmlEscape(roleText(i.spec->role)) << " (" << clockText(i.startedAt) << "): "
              << htmlEscape(i.feedback.empty() ? i.why : i.feedback) << "</li>\n";
            ++points;
        }
    if (!s.order.outOfOrder.empty()) {
        o << "<li>Keep the protocol order (diagnose first what kills first): " << htmlEscape(s.order.outOfOrder.front()) << ".</li>\n";
        ++points;
    }
    if (points == 0) o << "<li>A clean read: keep this routine under pressure.</li>\n";
    o << "</ul>\n";
    if (!sc.conclusion.expertSentence.empty())
        o << "<h3>The expert's one-sentence conclusion</h3>\n<blockquote>" << htmlEscape(sc.conclusion.expertSentence) << "</blockquote>\n";
    if (!sc.expertReport.empty())
        o << "<h3>Expert report</h3>\n<blockquote style=\"white-space:pre-wrap\">" << htmlEscape(sc.expertReport) << "</blockquote>\n";
    if (!sc.teachingNotes.empty())
        o << "<h3>Teaching notes</h3>\n<div style=\"white-space:pre-wrap\">" << htmlEscape(sc.teachingNotes) << "</div>\n";
    if (!s.warnings.empty()) {
        o << "<h3>Notes on the log</h3><ul>";
        for (const auto& w : s.warnings) o << "<li class=\"why\">" << htmlEscape(w) << "</li>";
        o << "</ul>\n";
    }
    o << "<p class=\"why\">Scoring: WIDI SIM bands, Kendall's tau for order, coverage in a suitable window, "
         "resumption lag after interruptions (clinical reference, sections 6 to 8).</p>\n";
    o << "</body></html>\n";
    return o.str();
}

}  // namespace polysim::scoring

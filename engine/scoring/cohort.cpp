// Cohort comparison report.
#include "scoring/cohort.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/format.h"
#include "scoring/debrief.h"
#include "scoring/debrief_model.h"

namespace polysim::scoring {

namespace {
HistoryEntry fromScoreJson(const Json& j, const std::filesystem::path& file) {
    if (!j.is_object() || !j.contains("total") || !j.contains("findings") || !j.contains("scenario"))
        throw HistoryError(file.string() + ": not a polysim score (needs total, findings, scenario)");
    HistoryEntry e;
    e.trainee = j.value("trainee", "");
    if (e.trainee.empty()) e.trainee = file.stem().string();
    e.scenarioId = j["scenario"].value("id", "");
    e.scenarioTitle = j["scenario"].value("title", "");
    e.total = j.value("total", 0.0);
    e.passed = j.value("passed", false);
    e.criticalErrors = int(j.value("critical_errors", Json::array()).size());
    auto part = [&](const char* k) { return j.contains(k) ? j[k].value("score", 0.0) : 0.0; };
    e.findings = part("findings");
    e.order = part("order");
    e.coverage = part("coverage");
    e.interruptions = part("interruptions");
    e.conclusion = part("conclusion");
    if (j.contains("session")) e.durationSeconds = j["session"].value("duration_seconds", 0.0);
    e.logPath = file.string();
    e.scoreJson = j.dump();
    return e;
}

// The case as its latest scored sessions saw it: level, milestones, version and sign-off (a draft says so).
template <class Trainees>
std::string caseLine(const Trainees& trainees) {
    Json scenario;
    for (const auto& [name, l] : trainees) {
        Json j = Json::parse(l.entry->scoreJson, nullptr, false);
        if (j.is_object() && j.contains("scenario") && j["scenario"].is_object()) scenario = j["scenario"];
    }
    std::string out = "Level: " + (scenario.contains("level") ? scenario["level"].get<std::string>() : "not stated");
    if (scenario.contains("milestones") && scenario["milestones"].is_array() && !scenario["milestones"].empty()) {
        out += "; ACGME milestones: ";
        for (std::size_t i = 0; i < scenario["milestones"].size(); ++i)
            out += (i ? ", " : "") + scenario["milestones"][i].get<std::string>();
    }
    out += "; " + (scenario.contains("version") ? "version " + scenario["version"].get<std::string>() : "no version");
    const Json reviewed = scenario.value("reviewed", Json(nullptr));
    if (reviewed.is_object())
        out += ", reviewed by " + reviewed.value("by", "") + " on " + reviewed.value("on", "");
    else
        out += ", draft (no faculty sign-off)";
    return out;
}

// Latest attempt per trainee and scenario, with the number of attempts.
struct Latest {
    const HistoryEntry* entry = nullptr;
    int attempts = 0;
    double best = 0;
};
std::map<std::string, std::map<std::string, Latest>> latestBy(const std::vector<HistoryEntry>& results) {
    std::map<std::string, std::map<std::string, Latest>> out;  // scenario -> trainee -> latest
    for (const auto& e : results) {
        auto& l = out[e.scenarioId][e.trainee];
        l.entry = &e;  // results come oldest first
        ++l.attempts;
        l.best = std::max(l.best, e.total);
    }
    return out;
}

struct FindingStats {
    std::string label;
    int found = 0, observational = 0, interpretive = 0, communication = 0, total = 0;
    double bandSum = 0;
    std::map<std::string, int> rules;  // "too_fast" -> how many trainees lost points on it by that rule
};

// "misidentified 2, too_fast 1" (most frequent first), "-" when none.
std::string rulesText(const std::map<std::string, int>& rules) {
    std::vector<std::pair<int, std::string>> sorted;
    for (const auto& [rule, n] : rules) sorted.push_back({-n, rule});
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (const auto& [n, rule] : sorted) out += (out.empty() ? "" : ", ") + rule + " " + std::to_string(-n);
    return out.empty() ? "-" : out;
}
}  // namespace

std::vector<HistoryEntry> loadResults(const std::vector<std::filesystem::path>& sources) {
    std::vector<HistoryEntry> out;
    for (const auto& src : sources) {
        if (auto where = ResultsLocation::parse(src.string()); where.postgres()) {
            auto e = History(where).entries();
            out.insert(out.end(), e.begin(), e.end());
            continue;
        }
        if (!std::filesystem::exists(src)) throw HistoryError(src.string() + ": no such file");
        std::ifstream in(src, std::ios::binary);
        char head[16] = {};
        in.read(head, 15);
        if (std::string(head, 15) == "SQLite format 3") {
            History db(src);
            auto e = db.entries();
            out.insert(out.end(), e.begin(), e.end());
            continue;
        }
        in.clear();
        in.seekg(0);
        std::stringstream ss;
        ss << in.rdbuf();
        Json j;
        try {
            j = Json::parse(ss.str());
        } catch (const std::exception& e) {
            throw HistoryError(src.string() + ": neither a results database nor a score JSON file (" + e.what() + ")");
        }
        out.push_back(fromScoreJson(j, src));
    }
    return out;
}

std::string cohortText(const std::vector<HistoryEntry>& results) {
    std::ostringstream o;
    for (const auto& [scenario, trainees] : latestBy(results)) {
        o << "scenario " << scenario << ": " << trainees.size() << " trainee(s)\n  " << caseLine(trainees) << "\n";
        for (const auto& [name, l] : trainees)
            o << "  " << name << ": " << fixed(l.entry->total, 1) << " " << (l.entry->passed ? "passed" : "NOT passed")
              << ", " << l.entry->criticalErrors << " critical error(s), " << l.attempts << " attempt(s), best "
              << fixed(l.best, 1) << "\n";
    }
    return o.str();
}

std::string cohortHtml(const std::vector<HistoryEntry>& results) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src "
         "'unsafe-inline'\">\n"
      << "<title>polysim cohort report</title><style>\n"
      << "body{font-family:sans-serif;max-width:1100px;margin:0 auto;padding:16px;color:#222;background:#fafafa}\n"
      << "h2{border-bottom:2px solid #ccd;padding-bottom:4px;margin-top:28px}\n"
      << "table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #ddd;padding:4px "
         "6px;text-align:left}\n"
      << "th{background:#eef}.pass{background:#eaf7ee}.fail{background:#fdecea}.why{color:#555;font-size:.9em}\n"
      << "</style></head><body>\n<h1>Cohort report</h1>\n";
    auto latest = latestBy(results);
    std::set<std::string> everyone;
    for (const auto& e : results) everyone.insert(e.trainee);
    o << "<p>" << everyone.size() << " trainee(s), " << latest.size() << " scenario(s), " << results.size()
      << " scored session(s). Each trainee's latest attempt counts; attempts and best total are shown beside it.</p>\n";
    for (const auto& [scenarioId, trainees] : latest) {
        std::string title = trainees.begin()->second.entry->scenarioTitle;
        o << "<h2>" << htmlEscape(title.empty() ? scenarioId : title) << " <small>(" << htmlEscape(scenarioId)
          << ")</small></h2>\n";
        o << "<p class=\"case\">" << htmlEscape(caseLine(trainees)) << "</p>\n";
        // Bar chart of latest totals with the pass line.
        const double rowH = 22, left = 160, width = 700;
        double h = rowH * double(trainees.size()) + 30;
        o << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << (left + width + 60) << " " << h
          << "\" width=\"100%\" font-family=\"sans-serif\" font-size=\"12\">\n";
        int row = 0;
        for (const auto& [name, l] : trainees) {
            double y = 10 + rowH * row++;
            o << "<text x=\"" << (left - 6) << "\" y=\"" << (y + 14) << "\" text-anchor=\"end\">" << htmlEscape(name)
              << "</text>\n";
            o << "<rect x=\"" << left << "\" y=\"" << y << "\" height=\"16\" width=\""
              << fixed(width * l.entry->total / 100.0, 1) << "\" fill=\""
              << hexColour(l.entry->passed ? kReportInk.passed : kReportInk.failed) << "\"/>\n";
            o << "<text x=\"" << fixed(left + width * l.entry->total / 100.0 + 4, 1) << "\" y=\"" << (y + 13) << "\">"
              << fixed(l.entry->total, 1) << "</text>\n";
        }
        o << "<line x1=\"" << left << "\" x2=\"" << (left + width) << "\" y1=\"" << (h - 14) << "\" y2=\"" << (h - 14)
          << "\" stroke=\"#333\"/><text x=\"" << left << "\" y=\"" << (h - 2) << "\">0</text><text x=\""
          << (left + width) << "\" y=\"" << (h - 2) << "\" text-anchor=\"end\">100</text>\n</svg>\n";

        o << "<table><tr><th>Trainee</th><th>Total</th><th>Passed</th><th>Critical "
             "errors</th><th>Findings</th><th>Order</th>"
             "<th>Coverage</th><th>Interruptions</th><th>Conclusion</th><th>Attempts (best)</th></tr>\n";
        std::map<std::string, FindingStats> findings;
        std::vector<double> lags;
        int wrongAnswers = 0, answers = 0;
        for (const auto& [name, l] : trainees) {
            const auto& e = *l.entry;
            o << "<tr class=\"" << (e.passed ? "pass" : "fail") << "\"><td>" << htmlEscape(name) << "</td><td>"
              << fixed(e.total, 1) << "</td><td>" << (e.passed ? "yes" : "no") << "</td><td>" << e.criticalErrors
              << "</td><td>" << fixed(e.findings * 100, 0) << " %</td><td>" << fixed(e.order * 100, 0) << " %</td><td>"
              << fixed(e.coverage * 100, 0) << " %</td><td>" << fixed(e.interruptions * 100, 0) << " %</td><td>"
              << fixed(e.conclusion * 100, 0) << " %</td><td>" << l.attempts << " (" << fixed(l.best, 1)
              << ")</td></tr>\n";
            Json j = Json::parse(e.scoreJson, nullptr, false);
            if (j.is_discarded()) continue;
            for (const auto& f : j["findings"].value("items", Json::array())) {
                auto& st = findings[f.value("id", "")];
                st.label = f.value("label", "");
                ++st.total;
                st.bandSum += f.value("band", 0);
                if (f.value("label_correct", false)) ++st.found;
                // The error class (older scores keep it under "error", newer ones under "error_class") and the rule.
                std::string err = f["error_class"].is_string() ? f["error_class"].get<std::string>()
                                  : f["error"].is_string()     ? f["error"].get<std::string>()
                                                               : "";
                if (f["error_class"].is_string() && f["error"].is_string()) ++st.rules[f["error"].get<std::string>()];
                if (err == "observational") ++st.observational;
                if (err == "interpretive") ++st.interpretive;
                if (err == "communication") ++st.communication;
            }
            for (const auto& i : j["interruptions"].value("items", Json::array())) {
                if (i["resumption_lag_seconds"].is_number()) lags.push_back(i["resumption_lag_seconds"].get<double>());
                if (i["answered_at"].is_number()) {
                    ++answers;
                    if (!i.value("correct", false)) ++wrongAnswers;
                }
            }
        }
        o << "</table>\n<h3>Injuries</h3>\n<table><tr><th>Injury</th><th>Found by</th><th>Mean band</th>"
             "<th>Never looked (observational)</th><th>Looked, missed or misnamed (interpretive)</th><th>Not told in "
             "time (communication)</th>"
             "<th>Rules that decided</th></tr>\n";
        for (const auto& [id, st] : findings)
            o << "<tr><td>" << htmlEscape(st.label.empty() ? id : st.label) << "</td><td>" << st.found << " of "
              << st.total << "</td><td>" << fixed(st.bandSum / std::max(1, st.total), 1) << "</td><td>"
              << st.observational << "</td><td>" << st.interpretive << "</td><td>" << st.communication << "</td><td>"
              << htmlEscape(rulesText(st.rules)) << "</td></tr>\n";
        o << "</table>\n";
        double lagMean = 0;
        for (double l : lags) lagMean += l;
        if (!lags.empty()) lagMean /= double(lags.size());
        o << "<p>Interruptions: " << answers << " answered, " << wrongAnswers << " wrongly; mean resumption lag "
          << (lags.empty() ? std::string("—") : fixed(lagMean, 1) + " s") << " over " << lags.size()
          << " resumption(s).</p>\n";
    }
    o << "<p class=\"why\">Scores as `polysim score` explains them; sources: ";
    std::set<std::string> sources;
    for (const auto& e : results) sources.insert(e.logPath);
    o << sources.size() << " log/score file(s).</p>\n</body></html>\n";
    return o.str();
}

}  // namespace polysim::scoring

// Scenario model -> TOML text, in the guide's section order, so a saved file reads like a hand-written one.
#include "scenario/writer.h"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace polysim::scenario {
namespace {

std::string number(double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back as the same double
    return std::string(buf, r.ptr);
}

void escapeInto(std::string& out, const std::string& s, bool multiline) {
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += multiline ? "\n" : "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04X", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
}

std::string quote(const std::string& s) {
    if (s.find('\n') != std::string::npos) {
        // Long texts (reports, teaching notes) stay readable as multi-line strings; the newline after the opening
        // quotes is dropped by TOML.
        std::string out = "\"\"\"\n";
        escapeInto(out, s, true);
        return out + "\"\"\"";
    }
    std::string out = "\"";
    escapeInto(out, s, false);
    return out + "\"";
}

std::string list(const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quote(v[i]);
    return out + "]";
}

std::string vec3(const glm::dvec3& v) { return "[" + number(v.x) + ", " + number(v.y) + ", " + number(v.z) + "]"; }

class Writer {
public:
    std::string str() const { return out_.str(); }
    void section(const std::string& header) { out_ << "\n" << header << "\n"; }
    void key(const std::string& k, const std::string& rawValue) { out_ << k << " = " << rawValue << "\n"; }
    void text(const std::string& k, const std::string& s) {
        if (!s.empty()) key(k, quote(s));
    }
    void num(const std::string& k, double v) { key(k, number(v)); }
    void strings(const std::string& k, const std::vector<std::string>& v) {
        if (!v.empty()) key(k, list(v));
    }
    void vitals(const VitalSigns& v) {
        num("heart_rate", v.heartRate);
        num("systolic", v.systolic);
        num("diastolic", v.diastolic);
        num("spo2", v.spo2);
        num("respiratory_rate", v.respiratoryRate);
        key("gcs", std::to_string(v.gcs));
    }
    std::ostringstream& raw() { return out_; }

private:
    std::ostringstream out_;
};

const char* kindName(InterruptionKind k) {
    switch (k) {
        case InterruptionKind::Question: return "question";
        case InterruptionKind::Request: return "request";
        case InterruptionKind::Challenge: return "challenge";
        case InterruptionKind::Noise: return "noise";
    }
    return "question";
}

}  // namespace

std::string dicomFolderText(const std::filesystem::path& folder, const std::filesystem::path& caseFolder) {
    std::error_code ec;
    const auto target = std::filesystem::absolute(folder, ec).lexically_normal();
    const auto base = std::filesystem::absolute(caseFolder, ec).lexically_normal();
    const auto rel = target.lexically_relative(base);
    int up = 0;
    for (const auto& part : rel) up += part == "..";
    if (rel.empty() || up > 2) return target.generic_string();
    return rel.generic_string();
}

std::string toToml(const Scenario& s, const std::filesystem::path& folderBase) {
    Writer w;
    w.raw() << "# " << (s.meta.title.empty() ? std::string("Scenario") : s.meta.title)
            << "\n# Format: scenarios/README.md. Check with: polysim validate FILE\n";
    w.section("[meta]");
    w.key("id", quote(s.meta.id));
    w.key("title", quote(s.meta.title));
    w.text("author", s.meta.author);
    w.text("version", s.meta.version);
    w.text("difficulty", s.meta.difficulty);
    w.strings("learning_objectives", s.meta.learningObjectives);
    w.text("image_licence", s.meta.imageLicence);

    w.section("[session]");
    w.num("duration", s.durationSeconds);
    w.strings("reading_order", s.readingOrder);

    const auto& p = s.patient;
    w.section("[patient]");
    w.key("age", std::to_string(p.ageYears));
    w.key("sex", quote(p.sex.empty() ? "unknown" : p.sex));
    w.key("mechanism", quote(p.mechanism));
    w.text("prehospital", p.prehospital);
    w.section("[patient.vitals]");
    w.vitals(p.vitalsAtStart);
    for (const auto& t : p.vitalsTrend) {
        w.section("[[patient.trend]]");
        w.num("at", t.atSeconds);
        w.text("note", t.note);
        w.vitals(t.vitals);
    }
    for (const auto& d : p.deteriorations) {
        w.section("[[patient.deterioration]]");
        w.key("finding", quote(d.findingId));
        w.num("over", d.overSeconds);
        w.text("announcement", d.announcement);
        w.vitals(d.vitals);
    }

    if (s.images.phantom) {
        const auto& ph = *s.images.phantom;
        w.section("[images.phantom]");
        w.key("seed", std::to_string(ph.seed));
        w.key("injuries", list(ph.injuries));
        w.key("matrix", std::to_string(ph.matrix));
        w.num("slice_mm", ph.sliceMm);
        w.num("field_of_view_mm", ph.fieldOfViewMm);
    }
    for (const auto& sp : s.images.series) {
        w.section("[[images.series]]");
        w.key("id", quote(sp.id));
        w.text("label", sp.label);
        w.key("kind", quote(sp.kind));
        // A folder written relative to the case file is written relative to where the case is saved now (or
        // absolute when that is far from it); "${VAR}/..." and absolute folders stay as written.
        std::string folder = !sp.folderText.empty() ? sp.folderText : sp.folder.string();
        const bool relative = !folder.empty() && folder[0] != '$' && std::filesystem::path(folder).is_relative();
        if (relative && !folderBase.empty() && !sp.folder.empty()) {
            std::error_code ec;
            const auto base = std::filesystem::absolute(folderBase, ec).lexically_normal();
            // Saved where it was read, the author's own text stays.
            if (sp.folder.lexically_relative(base) != std::filesystem::path(folder).lexically_normal())
                folder = dicomFolderText(sp.folder, base);
        }
        w.text("folder", folder);
        w.text("series_uid", sp.seriesInstanceUid);
        w.num("arrival", sp.arrivalSeconds);
        w.num("arrival_duration", sp.arrivalDurationSeconds);
    }

    for (const auto& r : s.regions) {
        w.section("[[regions]]");
        w.key("id", quote(r.id));
        w.text("label", r.label);
        w.key("z", "[" + number(r.zFromMm) + ", " + number(r.zToMm) + "]");
        w.key("windows", list(r.windows));
        w.text("series", r.series);
        w.num("min_coverage", r.minCoverage);
    }

    for (const auto& f : s.findings) {
        w.section("[[findings]]");
        w.key("id", quote(f.id));
        w.text("injury", f.phantomInjury);
        w.key("label", quote(f.label));
        w.strings("synonyms", f.synonyms);
        w.key("category", std::to_string(f.acrCategory));
        w.key("region", quote(f.region));
        w.key("centre", vec3(f.centreLps));
        w.key("extent", vec3(f.extentMm));
        w.num("deadline", f.deadlineSeconds);
        w.key("tell", list(f.tell));
        w.strings("windows", f.windows);
        w.text("teaching_point", f.teachingPoint);
        w.text("description", f.expertDescription);
    }

    for (const auto& in : s.interruptions) {
        w.section("[[interruptions]]");
        w.key("id", quote(in.id));
        w.key("kind", quote(kindName(in.kind)));
        w.key("role", quote(in.role));
        w.text("name", in.name);
        w.key("text", quote(in.text));
        using T = InterruptionTrigger::Type;
        switch (in.trigger.type) {
            case T::AtTime: w.num("at", in.trigger.atSeconds); break;
            case T::RegionOpened: w.key("when_region_opened", quote(in.trigger.target)); break;
            case T::FindingOnScreen: w.key("when_finding_on_screen", quote(in.trigger.target)); break;
            case T::InterruptionIgnored: w.key("when_ignored", quote(in.trigger.target)); break;
        }
        w.num("delay", in.trigger.delaySeconds);
        w.strings("findings", in.relatedFindings);
        w.strings("keywords", in.keywords);
        w.num("patience", in.patienceSeconds);
        w.text("repeat_text", in.repeatText);
        w.key("max_repeats", std::to_string(in.maxRepeats));
        w.text("escalation_text", in.escalationText);
        w.num("duration", in.durationSeconds);
        for (const auto& a : in.answers) {
            w.section("[[interruptions.answers]]");
            w.key("id", quote(a.id));
            w.key("text", quote(a.text));
            w.key("correct", a.correct ? "true" : "false");
            w.text("feedback", a.feedback);
        }
    }

    w.section("[conclusion]");
    w.text("sentence", s.conclusion.expertSentence);
    for (const auto& k : s.conclusion.keyPoints) {
        w.section("[[conclusion.key_points]]");
        w.key("id", quote(k.id));
        w.key("label", quote(k.label));
        w.key("keywords", list(k.keywords));
    }

    w.section("[debrief]");
    w.text("expert_report", s.expertReport);
    w.text("teaching_notes", s.teachingNotes);

    const auto& sw = s.weights;
    w.section("[scoring]");
    w.num("pass_threshold", sw.passThreshold);
    w.num("min_finding_band", sw.minFindingBand);
    w.section("[scoring.weights]");
    w.num("findings", sw.findings);
    w.num("order", sw.order);
    w.num("coverage", sw.coverage);
    w.num("interruptions", sw.interruptions);
    w.num("conclusion", sw.conclusion);
    return w.str();
}

bool saveScenario(const Scenario& scenario, const std::filesystem::path& file, std::string* error) {
    const std::string text = toToml(scenario, file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path());
    std::filesystem::path tmp = file;
    tmp += ".saving";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            if (error) *error = file.string() + ": cannot be written (folder missing or not writable?)";
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        if (error) *error = file.string() + ": cannot be replaced: " + ec.message();
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

}  // namespace polysim::scenario

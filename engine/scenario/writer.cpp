// Scenario model -> TOML text, in the guide's section order, so a saved file reads like a hand-written one.
#include "scenario/writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "scenario/internal.h"

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
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += multiline ? "\n" : "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
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

constexpr std::size_t kWidth = 118;  // lines of the file, as the shipped scenarios keep them

// A string value starting at `column`. Texts with newlines, or too long for one line, become multi-line strings
// (the newline after the opening quotes is dropped by TOML) wrapped at spaces with a line-ending backslash, which
// TOML joins back without the newline and the next line's indentation: the text reads back the same.
std::string quote(const std::string& s, std::size_t column = 0) {
    std::string flat = "\"";
    escapeInto(flat, s, false);
    flat += "\"";
    if (s.find('\n') == std::string::npos && column + flat.size() <= kWidth) return flat;
    std::string body;
    escapeInto(body, s, true);
    std::string out = "\"\"\"\n";
    std::size_t start = 0;
    while (start <= body.size()) {
        const std::size_t end = std::min(body.find('\n', start), body.size());
        std::string line = body.substr(start, end - start);
        // Break after a space that a non-space follows: the joined lines keep exactly that one space.
        while (line.size() + 3 > kWidth) {  // room for the closing quotes
            std::size_t at = std::string::npos;
            for (std::size_t i = kWidth - 5; i > 0 && at == std::string::npos; --i)
                if (line[i] == ' ' && line[i + 1] != ' ') at = i;
            if (at == std::string::npos) break;
            out += line.substr(0, at + 1) + "\\\n";
            line = line.substr(at + 1);
        }
        out += line;
        if (end < body.size()) out += "\n";
        start = end + 1;
    }
    return out + "\"\"\"";
}

// A list of strings starting at `column`: on one line when it fits, else one item per line.
std::string list(const std::vector<std::string>& v, std::size_t column = 0) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quote(v[i]);
    out += "]";
    if (column + out.size() <= kWidth || v.size() < 2) return out;
    out = "[\n";
    for (const auto& item : v) out += "  " + quote(item, 2) + ",\n";
    return out + "]";
}

// Millimetres to a tenth: positions typed or dragged are whole mm, and more digits only say nothing.
double tenth(double mm) {
    const double r = std::round(mm * 10.0) / 10.0;
    return r == 0 ? 0.0 : r;  // never "-0"
}
bool sameMm(double a, double b) {
    return std::abs(a - b) < 0.05;
}
bool sameMm(const glm::dvec3& a, const glm::dvec3& b) {
    return sameMm(a.x, b.x) && sameMm(a.y, b.y) && sameMm(a.z, b.z);
}
std::string vec3(const glm::dvec3& v) {
    return "[" + number(tenth(v.x)) + ", " + number(tenth(v.y)) + ", " + number(tenth(v.z)) + "]";
}

// Session length and deadlines as an author thinks of them: "12m", "4m30s"; other times as seconds.
std::string minutes(double seconds) {
    if (seconds < 60 || seconds != std::floor(seconds)) return number(seconds);
    const long whole = long(seconds);
    return "\"" + std::to_string(whole / 60) + "m" + (whole % 60 ? std::to_string(whole % 60) + "s" : "") + "\"";
}

class Writer {
public:
    std::string str() const { return out_.str(); }
    void section(const std::string& header) { out_ << "\n" << header << "\n"; }
    void key(const std::string& k, const std::string& rawValue) { out_ << k << " = " << rawValue << "\n"; }
    // A string, always written; text() only when not empty.
    void str(const std::string& k, const std::string& s) { key(k, quote(s, k.size() + 3)); }
    void text(const std::string& k, const std::string& s) {
        if (!s.empty()) str(k, s);
    }
    void list(const std::string& k, const std::vector<std::string>& v) { key(k, scenario::list(v, k.size() + 3)); }
    void num(const std::string& k, double v) { key(k, number(v)); }
    // Only a value that is not the one the reader would take without it.
    void numUnless(const std::string& k, double v, double byDefault) {
        if (v != byDefault) num(k, v);
    }
    void strings(const std::string& k, const std::vector<std::string>& v) {
        if (!v.empty()) list(k, v);
    }
    // The vital signs that differ from `base`, what the reader carries over when a key is left out.
    void vitals(const VitalSigns& v, const VitalSigns& base) {
        numUnless("heart_rate", v.heartRate, base.heartRate);
        if (v.systolic != base.systolic || v.diastolic != base.diastolic) {
            // As clinicians write it when the reader takes it back ("85/50"), else the two numbers.
            if (v.systolic > 0 && v.systolic <= 300 && v.diastolic > 0 && v.diastolic < v.systolic) {
                key("bp", "\"" + number(v.systolic) + "/" + number(v.diastolic) + "\"");
            } else {
                numUnless("systolic", v.systolic, base.systolic);
                numUnless("diastolic", v.diastolic, base.diastolic);
            }
        }
        numUnless("spo2", v.spo2, base.spo2);
        numUnless("respiratory_rate", v.respiratoryRate, base.respiratoryRate);
        if (v.gcs != base.gcs) key("gcs", std::to_string(v.gcs));
    }
    std::ostringstream& raw() { return out_; }

private:
    std::ostringstream out_;
};

bool differs(const VitalSigns& a, const VitalSigns& b) {
    return a.heartRate != b.heartRate || a.systolic != b.systolic || a.diastolic != b.diastolic || a.spo2 != b.spo2 ||
           a.respiratoryRate != b.respiratoryRate || a.gcs != b.gcs;
}

const char* kindName(InterruptionKind k) {
    switch (k) {
        case InterruptionKind::Question:
            return "question";
        case InterruptionKind::Request:
            return "request";
        case InterruptionKind::Challenge:
            return "challenge";
        case InterruptionKind::Noise:
            return "noise";
    }
    return "question";
}

std::string seriesIdOfKind(const Scenario& s, phantom::SeriesKind kind) {
    for (const auto& sp : s.images.series)
        if (sp.kind == kind) return sp.id;
    return {};
}

// The order the reader makes when the file gives none: the default order limited to the case's regions, then the
// case's other regions.
std::vector<std::string> implicitReadingOrder(const Scenario& s) {
    std::vector<std::string> order;
    for (const auto& id : defaultReadingOrder())
        if (s.findRegion(id)) order.push_back(id);
    for (const auto& r : s.regions)
        if (std::find(order.begin(), order.end(), r.id) == order.end()) order.push_back(r.id);
    return order;
}

// What a region would be with only its id in the file.
Region implicitRegion(const Scenario& s, const std::string& id) {
    Region r;
    r.id = id;
    if (const Region* t = defaultRegionTemplate(id)) {
        r.label = t->label;
        r.windows = t->windows;
        r.minCoverage = t->minCoverage;
        r.planes = t->planes;
    } else {
        r.label = id;
    }
    if (s.images.phantom && defaultRegionTemplate(id))
        if (auto z = detail::phantomRegionZ(id)) r.zFromMm = z->first, r.zToMm = z->second;
    fillPlaneSpans(r, s.images.phantom && defaultRegionTemplate(id));
    if (id == "scout") r.series = seriesIdOfKind(s, phantom::SeriesKind::Scout);
    return r;
}

bool sameSpan(const std::optional<std::pair<double, double>>& a, const std::optional<std::pair<double, double>>& b) {
    return a.has_value() == b.has_value() && (!a || (sameMm(a->first, b->first) && sameMm(a->second, b->second)));
}

bool sameRegion(const Region& a, const Region& b) {
    return a.id == b.id && a.label == b.label && sameMm(a.zFromMm, b.zFromMm) && sameMm(a.zToMm, b.zToMm) &&
           a.windows == b.windows && a.series == b.series && a.minCoverage == b.minCoverage && a.planes == b.planes &&
           sameSpan(a.xMm, b.xMm) && sameSpan(a.yMm, b.yMm);
}

std::string span(const std::pair<double, double>& mm) {
    return "[" + number(tenth(mm.first)) + ", " + number(tenth(mm.second)) + "]";
}

// The phantom's regions exactly as the reader makes them when the file has no [[regions]].
bool defaultPhantomRegions(const Scenario& s) {
    if (!s.images.phantom) return false;
    const auto all = phantomRegions();
    if (all.size() != s.regions.size()) return false;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (!sameRegion(s.regions[i], implicitRegion(s, all[i].id))) return false;
    return true;
}

bool defaultSeriesList(const Scenario& s) {
    const auto all = detail::defaultPhantomSeries();
    if (!s.images.phantom || all.size() != s.images.series.size()) return false;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto &a = all[i], &b = s.images.series[i];
        if (a.id != b.id || a.label != b.label || a.kind != b.kind || a.arrivalSeconds != b.arrivalSeconds ||
            a.arrivalDurationSeconds != b.arrivalDurationSeconds || !b.folderText.empty() ||
            !b.seriesInstanceUid.empty())
            return false;
    }
    return true;
}

void writeRegion(Writer& w, const Scenario& s, const Region& r) {
    const Region implicit = implicitRegion(s, r.id);
    w.section("[[regions]]");
    w.str("id", r.id);
    if (r.label != implicit.label) w.str("label", r.label);
    const bool zFromPhantom = implicit.zFromMm < implicit.zToMm;
    if (!zFromPhantom || !sameMm(r.zFromMm, implicit.zFromMm) || !sameMm(r.zToMm, implicit.zToMm))
        w.key("z", "[" + number(tenth(r.zFromMm)) + ", " + number(tenth(r.zToMm)) + "]");
    if (r.windows != implicit.windows) w.list("windows", r.windows);
    if (r.series != implicit.series) w.str("series", r.series);
    w.numUnless("min_coverage", r.minCoverage, implicit.minCoverage);
    if (r.planes != implicit.planes) {
        std::vector<std::string> names;
        for (auto p : r.planes) names.emplace_back(imaging::planeName(p));
        w.list("planes", names);
    }
    // A span is written when the region reads that plane and the reader would not take the same one without it.
    if (r.xMm && r.readIn(imaging::Plane::Sagittal) && !sameSpan(r.xMm, implicit.xMm)) w.key("x", span(*r.xMm));
    if (r.yMm && r.readIn(imaging::Plane::Coronal) && !sameSpan(r.yMm, implicit.yMm)) w.key("y", span(*r.yMm));
}

// A finding: with a phantom injury whose ground truth is known, only what differs from that truth.
void writeFinding(Writer& w, const Finding& f, const phantom::Finding* truth) {
    w.section("[[findings]]");
    if (truth) {
        if (f.id != truth->id) w.str("id", f.id);
        w.str("injury", f.phantomInjury);
        if (f.label != truth->label) w.str("label", f.label);
        // The reader adds the phantom's synonyms to those written: write only the others.
        std::vector<std::string> own;
        for (const auto& syn : f.synonyms)
            if (std::find(truth->synonyms.begin(), truth->synonyms.end(), syn) == truth->synonyms.end())
                own.push_back(syn);
        w.strings("synonyms", own);
        if (f.acrCategory != truth->acrCategory) w.key("category", std::to_string(f.acrCategory));
        if (f.region != truth->region) w.str("region", f.region);
        if (!sameMm(f.centreLps, truth->centreLps)) w.key("centre", vec3(f.centreLps));
        if (!sameMm(f.extentMm, truth->extentMm)) w.key("extent", vec3(f.extentMm));
    } else {
        w.str("id", f.id);
        w.text("injury", f.phantomInjury);
        w.str("label", f.label);
        w.strings("synonyms", f.synonyms);
        w.key("category", std::to_string(f.acrCategory));
        w.str("region", f.region);
        w.key("centre", vec3(f.centreLps));
        w.key("extent", vec3(f.extentMm));
    }
    // The deadline is written even when it is the default: it is what the case is about.
    w.key("deadline", minutes(f.deadlineSeconds));
    if (f.tell != defaultTell(f.acrCategory) && !f.tell.empty()) w.list("tell", f.tell);
    w.strings("windows", f.windows);
    w.text("teaching_point", f.teachingPoint);
    if (!truth || f.expertDescription != truth->expertDescription) w.text("description", f.expertDescription);
    w.strings("essential", f.essential);
    if (!f.lateCallCritical) w.key("late_call_critical", "false");
    if (f.onScout) w.key("on_scout", *f.onScout ? "true" : "false");
    if (f.side) {
        static const char* names[] = {"none", "left", "right", "bilateral"};
        w.str("side", names[static_cast<int>(*f.side)]);
    }
}

void writeInterruption(Writer& w, const Interruption& in) {
    const Interruption implicit;
    w.section("[[interruptions]]");
    w.str("id", in.id);
    w.str("kind", kindName(in.kind));
    w.str("role", in.role);
    w.text("name", in.name);
    using T = InterruptionTrigger::Type;
    switch (in.trigger.type) {
        case T::AtTime:
            w.num("at", in.trigger.atSeconds);
            break;
        case T::RegionOpened:
            w.str("when_region_opened", in.trigger.target);
            break;
        case T::FindingOnScreen:
            w.str("when_finding_on_screen", in.trigger.target);
            break;
        case T::InterruptionIgnored:
            w.str("when_ignored", in.trigger.target);
            break;
    }
    w.numUnless("delay", in.trigger.delaySeconds, 0);
    w.str("text", in.text);
    w.strings("findings", in.relatedFindings);
    w.strings("keywords", in.keywords);
    w.strings("wrong_keywords", in.wrongKeywords);
    w.numUnless("patience", in.patienceSeconds, implicit.patienceSeconds);
    w.text("repeat_text", in.repeatText);
    if (in.maxRepeats != implicit.maxRepeats) w.key("max_repeats", std::to_string(in.maxRepeats));
    w.text("escalation_text", in.escalationText);
    w.numUnless("duration", in.durationSeconds, 0);
    if (in.choicesAfterSeconds) w.num("choices_after", *in.choicesAfterSeconds);
    for (std::size_t i = 0; i < in.answers.size(); ++i) {
        const auto& a = in.answers[i];
        w.section("[[interruptions.answers]]");
        if (a.id != std::to_string(i + 1)) w.str("id", a.id);  // the reader numbers answers without one
        w.str("text", a.text);
        w.key("correct", a.correct ? "true" : "false");
        w.text("feedback", a.feedback);
    }
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

std::string toToml(const Scenario& s, const std::filesystem::path& folderBase, const std::string& header) {
    Writer w;
    if (!header.empty())
        w.raw() << header << (header.back() == '\n' ? "" : "\n");
    else
        w.raw() << "# " << (s.meta.title.empty() ? std::string("Scenario") : s.meta.title)
                << "\n# Format: scenarios/README.md. Check with: polysim validate FILE\n";
    const bool phantom = s.images.phantom.has_value();
    // A phantom case without regions or series says so, or the reader would give it the default ones (top-level keys
    // come before the first table).
    if (phantom && s.regions.empty()) w.raw() << "\nregions = []\n";

    w.section("[meta]");
    w.str("id", s.meta.id);
    w.str("title", s.meta.title);
    w.text("author", s.meta.author);
    w.text("version", s.meta.version);
    if (s.meta.difficulty != "intermediate") w.text("difficulty", s.meta.difficulty);
    w.strings("learning_objectives", s.meta.learningObjectives);
    w.text("image_licence", s.meta.imageLicence);
    w.text("level", s.meta.level);
    w.strings("milestones", s.meta.milestones);
    w.strings("esr_curriculum", s.meta.esrCurriculum);
    w.text("reviewed_by", s.meta.reviewedBy);
    w.text("reviewed_on", s.meta.reviewedOn);

    w.section("[session]");
    w.key("duration", minutes(s.durationSeconds));
    if (s.readingOrder != implicitReadingOrder(s)) w.list("reading_order", s.readingOrder);
    if (!s.alternativeOrders.empty()) {
        // One order per line, wrapped between its ids as a person writes it.
        std::string v = "[\n";
        for (const auto& o : s.alternativeOrders) {
            std::string line = "  [";
            for (std::size_t i = 0; i < o.size(); ++i) {
                const std::string item = quote(o[i]) + (i + 1 < o.size() ? "," : "],");
                if (i > 0 && line.size() + 1 + item.size() > kWidth) {
                    v += line + "\n";
                    line = "   " + item;
                } else {
                    line += (i > 0 ? " " : "") + item;
                }
            }
            if (o.empty()) line += "],";
            v += line + "\n";
        }
        w.key("alternative_orders", v + "]");
    }

    const auto& p = s.patient;
    w.section("[patient]");
    w.key("age", std::to_string(p.ageYears));
    w.str("sex", p.sex.empty() ? "unknown" : p.sex);
    w.str("mechanism", p.mechanism);
    w.text("prehospital", p.prehospital);
    if (differs(p.vitalsAtStart, VitalSigns{})) {
        w.section("[patient.vitals]");
        w.vitals(p.vitalsAtStart, VitalSigns{});
    }
    VitalSigns state = p.vitalsAtStart;  // each change starts from the one before
    for (const auto& t : p.vitalsTrend) {
        w.section("[[patient.trend]]");
        w.num("at", t.atSeconds);
        w.text("note", t.note);
        w.vitals(t.vitals, state);
        state = t.vitals;
    }
    for (const auto& d : p.deteriorations) {
        w.section("[[patient.deterioration]]");
        w.str("finding", d.findingId);
        w.numUnless("over", d.overSeconds, Deterioration{}.overSeconds);
        w.text("announcement", d.announcement);
        w.vitals(d.vitals, state);  // from the end of the trend
    }

    if (phantom) {
        const auto& ph = *s.images.phantom;
        const PhantomSource implicit;
        if (s.images.series.empty()) {
            w.section("[images]");
            w.key("series", "[]");
        }
        w.section("[images.phantom]");
        if (ph.seed != implicit.seed) w.key("seed", std::to_string(ph.seed));
        w.strings("injuries", ph.injuries);
        if (!ph.devices.empty()) w.strings("devices", ph.devices);
        if (ph.matrix != implicit.matrix) w.key("matrix", std::to_string(ph.matrix));
        w.numUnless("slice_mm", ph.sliceMm, implicit.sliceMm);
        w.numUnless("field_of_view_mm", ph.fieldOfViewMm, implicit.fieldOfViewMm);
    }
    if (!defaultSeriesList(s))
        for (const auto& sp : s.images.series) {
            w.section("[[images.series]]");
            w.str("id", sp.id);
            if (sp.label != detail::defaultSeriesLabel(sp.kind)) w.str("label", sp.label);
            if (sp.kind) w.str("kind", std::string(seriesKindText(sp.kind)));
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
            w.numUnless("arrival", sp.arrivalSeconds, 0);
            w.numUnless("arrival_duration", sp.arrivalDurationSeconds, 0);
        }

    if (!defaultPhantomRegions(s))
        for (const auto& r : s.regions) writeRegion(w, s, r);

    // The ground truth as the reader computes it: for the phantom's list of injuries, which a finding names.
    const std::vector<std::string> listed = phantom ? s.images.phantom->injuries : std::vector<std::string>{};
    const auto truths =
        phantom ? detail::phantomTruth(*s.images.phantom, listed) : std::vector<std::optional<phantom::Finding>>{};
    for (const auto& f : s.findings) {
        const auto it = std::find(listed.begin(), listed.end(), f.phantomInjury);
        const auto* truth = it == listed.end() || !truths[std::size_t(it - listed.begin())]
                                ? nullptr
                                : &*truths[std::size_t(it - listed.begin())];
        writeFinding(w, f, truth);
    }

    for (const auto& in : s.interruptions) writeInterruption(w, in);

    if (!s.conclusion.expertSentence.empty() || !s.conclusion.keyPoints.empty()) {
        w.section("[conclusion]");
        w.text("sentence", s.conclusion.expertSentence);
        for (const auto& k : s.conclusion.keyPoints) {
            w.section("[[conclusion.key_points]]");
            w.str("id", k.id);
            w.str("label", k.label);
            w.list("keywords", k.keywords);
        }
    }

    if (!s.expertReport.empty() || !s.teachingNotes.empty()) {
        w.section("[debrief]");
        w.text("expert_report", s.expertReport);
        w.text("teaching_notes", s.teachingNotes);
    }

    const auto& sw = s.weights;
    const ScoringWeights implicit;
    if (sw.passThreshold != implicit.passThreshold || sw.minFindingBand != implicit.minFindingBand ||
        sw.minDwellSeconds != implicit.minDwellSeconds || sw.unreadShare != implicit.unreadShare) {
        w.section("[scoring]");
        w.numUnless("pass_threshold", sw.passThreshold, implicit.passThreshold);
        w.numUnless("min_finding_band", sw.minFindingBand, implicit.minFindingBand);
        w.numUnless("min_dwell_ms", std::round(sw.minDwellSeconds * 1e6) / 1e3,
                    std::round(implicit.minDwellSeconds * 1e6) / 1e3);
        w.numUnless("unread_share", sw.unreadShare, implicit.unreadShare);
    }
    if (sw.findings != implicit.findings || sw.order != implicit.order || sw.coverage != implicit.coverage ||
        sw.interruptions != implicit.interruptions || sw.conclusion != implicit.conclusion) {
        // The weights are relative, so when one changes all are written, to be read together.
        w.section("[scoring.weights]");
        w.num("findings", sw.findings);
        w.num("order", sw.order);
        w.num("coverage", sw.coverage);
        w.num("interruptions", sw.interruptions);
        w.num("conclusion", sw.conclusion);
    }
    return w.str();
}

std::vector<std::string> tomlComments(std::string_view text) {
    std::vector<std::string> out;
    enum class In { Code, Basic, Literal, MultiBasic, MultiLiteral } in = In::Code;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool triple = text.compare(i, 3, c == '\'' ? "\'\'\'" : "\"\"\"") == 0;
        switch (in) {
            case In::Code:
                if (c == '#') {
                    const std::size_t end = std::min(text.find('\n', i), text.size());
                    std::string_view comment = text.substr(i + 1, end - i - 1);
                    while (!comment.empty() && (comment.back() == ' ' || comment.back() == '\r'))
                        comment.remove_suffix(1);
                    while (!comment.empty() && comment.front() == ' ') comment.remove_prefix(1);
                    if (!comment.empty()) out.emplace_back(comment);
                    i = end;
                } else if (c == '"' || c == '\'') {
                    in = triple ? (c == '"' ? In::MultiBasic : In::MultiLiteral) : (c == '"' ? In::Basic : In::Literal);
                    if (triple) i += 2;
                }
                break;
            case In::Basic:
                if (c == '\\')
                    ++i;
                else if (c == '"' || c == '\n')
                    in = In::Code;
                break;
            case In::Literal:
                if (c == '\'' || c == '\n') in = In::Code;
                break;
            case In::MultiBasic:
                if (c == '\\')
                    ++i;
                else if (triple && c == '"')
                    in = In::Code, i += 2;
                break;
            case In::MultiLiteral:
                if (triple && c == '\'') in = In::Code, i += 2;
                break;
        }
    }
    return out;
}

std::string leadingComments(std::string_view text) {
    std::size_t end = 0, keep = 0;
    while (end < text.size()) {
        const std::size_t next = std::min(text.find('\n', end), text.size());
        std::string_view line = text.substr(end, next - end);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (!line.empty() && line.front() != '#' && line.front() != '\r') break;
        end = next + 1;
        if (!line.empty() && line.front() == '#') keep = std::min(end, text.size());
    }
    return std::string(text.substr(0, keep));
}

int commentsLost(std::string_view before, std::string_view after) {
    auto kept = tomlComments(after);
    int lost = 0;
    for (const auto& c : tomlComments(before)) {
        auto it = std::find(kept.begin(), kept.end(), c);
        if (it == kept.end())
            ++lost;
        else
            kept.erase(it);
    }
    return lost;
}

namespace {
std::string fileText(const std::filesystem::path& file) {
    std::error_code ec;
    if (file.empty() || !std::filesystem::is_regular_file(file, ec)) return {};
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

std::string scenarioText(const Scenario& scenario, const std::filesystem::path& file) {
    std::string header = leadingComments(fileText(file));
    if (header.empty()) header = leadingComments(fileText(scenario.sourceFile));
    return toToml(scenario, file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path(), header);
}

bool saveScenario(const Scenario& scenario, const std::filesystem::path& file, std::string* error) {
    const std::string text = scenarioText(scenario, file);
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

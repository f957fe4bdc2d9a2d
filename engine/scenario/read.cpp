// TOML document -> scenario model. Checks the form of every value (known keys, types, ranges, enums) and fills
// defaults, including finding geometry and region z ranges taken from the built-in phantom's ground truth.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <utility>

#include "scenario/read.h"

#include "common/format.h"

namespace polysim::scenario::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string typeName(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        default:
            return "nothing";
    }
}

// Reads the keys of one table, remembering which were used, and reports what is wrong with each value.
class Fields {
public:
    Fields(Report& report, Locations& locations, const toml::table& table, std::string context, std::string path,
           std::vector<std::string> known, SourceLocation fallback)
        : report_(report),
          locations_(locations),
          table_(table),
          context_(std::move(context)),
          path_(std::move(path)),
          known_(std::move(known)) {
        where_ = locate(table.source(), fallback);
        locations_[path_] = where_;
    }

    const SourceLocation& where() const { return where_; }
    const std::string& context() const { return context_; }
    const std::string& path() const { return path_; }
    Report& report() { return report_; }
    Locations& locations() { return locations_; }

    SourceLocation locate(const toml::source_region& r, const SourceLocation& fallback) const {
        if (r.begin.line == 0) return fallback;
        return {report_.file, int(r.begin.line), int(r.begin.column)};
    }

    // The node for `key`, recording its position; nullptr when absent (reported when required).
    const toml::node* get(std::string_view key, bool required = false) {
        used_.insert(std::string(key));
        const toml::node* n = table_.get(key);
        if (!n) {
            // Unreadable: a model has no "not given", so a draft saved would write a made-up value in its place.
            if (required) report_.unreadable(where_, "missing required key '" + std::string(key) + "' in " + context_);
            return nullptr;
        }
        locations_[path_ + "." + std::string(key)] = at(*n);
        return n;
    }
    bool has(std::string_view key) const { return table_.get(key) != nullptr; }
    SourceLocation at(const toml::node& n) const { return locate(n.source(), where_); }
    SourceLocation keyAt(std::string_view key) const {
        for (auto&& [k, v] : table_)
            if (k.str() == key) return locate(k.source(), where_);
        return where_;
    }

    void typeError(const toml::node& n, std::string_view key, std::string_view expected) {
        report_.unreadable(at(n),
                           "'" + std::string(key) + "' must be " + std::string(expected) + ", not " + typeName(n));
    }

    std::optional<std::string> string(std::string_view key, bool required = false) {
        const toml::node* n = get(key, required);
        if (!n) return std::nullopt;
        if (const auto* s = n->as_string()) return s->get();
        typeError(*n, key, "a string");
        return std::nullopt;
    }

    std::optional<double> number(std::string_view key, bool required = false, double lo = -kInf, double hi = kInf) {
        const toml::node* n = get(key, required);
        if (!n) return std::nullopt;
        std::optional<double> v;
        if (const auto* i = n->as_integer()) v = double(i->get());
        if (const auto* f = n->as_floating_point()) v = f->get();
        if (!v) {
            typeError(*n, key, "a number");
            return std::nullopt;
        }
        return inRange(*n, key, *v, lo, hi);
    }

    std::optional<int> integer(std::string_view key, bool required = false, double lo = -kInf, double hi = kInf) {
        const toml::node* n = get(key, required);
        if (!n) return std::nullopt;
        const auto* i = n->as_integer();
        if (!i) {
            typeError(*n, key, "an integer");
            return std::nullopt;
        }
        auto v = inRange(*n, key, double(i->get()), lo, hi);
        if (!v) return std::nullopt;
        return int(*v);
    }

    std::optional<bool> boolean(std::string_view key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (const auto* b = n->as_boolean()) return b->get();
        typeError(*n, key, "true or false");
        return std::nullopt;
    }

    // Optional keys into the model: each KEY's value, when it is there and of its OUT's type (a string, a list of
    // strings, true or false), goes to its OUT; an OUT keeps what it had otherwise. `read(KEY, OUT, KEY, OUT, ...)`.
    void read(std::string_view key, std::string& out) {
        if (auto v = string(key)) out = *v;
    }
    void read(std::string_view key, std::vector<std::string>& out) {
        if (auto v = strings(key)) out = *v;
    }
    void read(std::string_view key, bool& out) {
        if (auto v = boolean(key)) out = *v;
    }
    void read(std::string_view key, std::optional<bool>& out) {
        if (auto v = boolean(key)) out = *v;
    }
    template <typename Out, typename... More>
    void read(std::string_view key, Out& out, std::string_view next, More&... more) {
        read(key, out);
        read(next, more...);
    }

    // Seconds: a number, or a string such as "90s", "4m", "4m30s", "1:30".
    std::optional<double> seconds(std::string_view key, bool required = false, double lo = 0) {
        const toml::node* n = get(key, required);
        if (!n) return std::nullopt;
        std::optional<double> v;
        if (const auto* i = n->as_integer()) v = double(i->get());
        if (const auto* f = n->as_floating_point()) v = f->get();
        if (const auto* s = n->as_string()) {
            v = parseDurationText(s->get());
            if (!v) {
                report_.unreadable(at(*n),
                                   "'" + std::string(key) + "' is not a duration: '" + s->get() +
                                       "' (write seconds as a number, or e.g. \"90s\", \"4m\", \"4m30s\", \"1:30\")");
                return std::nullopt;
            }
        }
        if (!v) {
            typeError(*n, key, "a number of seconds or a duration such as \"4m30s\"");
            return std::nullopt;
        }
        return inRange(*n, key, *v, lo, kInf);
    }

    // An array of strings; a single string is taken as a list of one.
    std::optional<std::vector<std::string>> strings(std::string_view key, bool required = false) {
        const toml::node* n = get(key, required);
        if (!n) return std::nullopt;
        if (const auto* s = n->as_string()) {
            locations_[path_ + "." + std::string(key) + "[0]"] = at(*n);
            return std::vector<std::string>{s->get()};
        }
        const auto* arr = n->as_array();
        if (!arr) {
            typeError(*n, key, "a list of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        bool good = true;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            if (const auto* s = e.as_string()) {
                locations_[path_ + "." + std::string(key) + "[" + std::to_string(out.size()) + "]"] = at(e);
                out.push_back(s->get());
            } else {
                report_.unreadable(at(e), "'" + std::string(key) + "' must be a list of strings; item " +
                                              std::to_string(i + 1) + " is " + typeName(e));
                good = false;
            }
        }
        if (!good) return std::nullopt;
        return out;
    }

    // An array of arrays of strings ([["a", "b"], ["b", "a"]]); an item that is not one is reported and left out.
    std::optional<std::vector<std::vector<std::string>>> stringLists(std::string_view key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        const auto* arr = n->as_array();
        if (!arr) {
            typeError(*n, key, "a list of lists of strings");
            return std::nullopt;
        }
        std::vector<std::vector<std::string>> out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            const auto* inner = e.as_array();
            if (!inner) {
                report_.unreadable(at(e), "'" + std::string(key) + "' must be a list of lists of region ids; item " +
                                              std::to_string(i + 1) + " is " + typeName(e));
                continue;
            }
            const std::string here = path_ + "." + std::string(key) + "[" + std::to_string(out.size()) + "]";
            locations_[here] = at(e);
            std::vector<std::string> one;
            for (std::size_t j = 0; j < inner->size(); ++j) {
                const toml::node& x = *inner->get(j);
                if (const auto* s = x.as_string()) {
                    locations_[here + "[" + std::to_string(one.size()) + "]"] = at(x);
                    one.push_back(s->get());
                } else {
                    report_.unreadable(at(x), "'" + std::string(key) + "' item " + std::to_string(i + 1) +
                                                  " must hold region ids (strings); its item " + std::to_string(j + 1) +
                                                  " is " + typeName(x));
                }
            }
            out.push_back(std::move(one));
        }
        return out;
    }

    // Three numbers [x, y, z].
    std::optional<glm::dvec3> vec3(std::string_view key, bool required = false, std::string_view what = "[x, y, z]") {
        const toml::node* n = get(key, required);
        if (!n) return std::nullopt;
        auto nums = numberList(*n, key, what);
        if (!nums) return std::nullopt;
        if (nums->size() != 3) {
            report_.unreadable(at(*n), "'" + std::string(key) + "' must have 3 numbers " + std::string(what) +
                                           ", not " + std::to_string(nums->size()));
            return std::nullopt;
        }
        return glm::dvec3((*nums)[0], (*nums)[1], (*nums)[2]);
    }

    std::optional<std::vector<double>> numberList(const toml::node& n, std::string_view key, std::string_view what) {
        const auto* arr = n.as_array();
        if (!arr) {
            typeError(n, key, "a list of numbers " + std::string(what));
            return std::nullopt;
        }
        std::vector<double> out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            if (const auto* iv = e.as_integer())
                out.push_back(double(iv->get()));
            else if (const auto* fv = e.as_floating_point())
                out.push_back(fv->get());
            else {
                report_.unreadable(at(e), "'" + std::string(key) + "' must hold numbers " + std::string(what) +
                                              "; item " + std::to_string(i + 1) + " is " + typeName(e));
                return std::nullopt;
            }
            if (!std::isfinite(out.back())) {
                report_.unreadable(at(e), "'" + std::string(key) + "' must hold finite numbers");
                return std::nullopt;
            }
        }
        return out;
    }

    // A date: a TOML date (2026-11-20) or the same as a string; kept as YYYY-MM-DD.
    std::optional<std::string> date(std::string_view key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        std::string text;
        if (const auto* d = n->as_date()) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(d->get().year), int(d->get().month),
                          int(d->get().day));
            text = buf;
        } else if (const auto* s = n->as_string()) {
            text = s->get();
        } else {
            typeError(*n, key, "a date (YYYY-MM-DD)");
            return std::nullopt;
        }
        if (!validDate(text)) {
            report_.unreadable(at(*n),
                               "'" + std::string(key) + "' must be a date written YYYY-MM-DD, not '" + text + "'");
            return std::nullopt;
        }
        return text;
    }

    // One of `allowed`.
    std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& allowed,
                                      bool required = false) {
        auto s = string(key, required);
        if (!s) return std::nullopt;
        if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
        report_.unreadable(locations_[path_ + "." + std::string(key)], "'" + std::string(key) + "' must be one of " +
                                                                           joinQuoted(allowed) + ", not '" + *s + "'" +
                                                                           didYouMean(*s, allowed));
        return std::nullopt;
    }

    const toml::table* table(std::string_view key, bool required = false) {
        const toml::node* n = get(key, required);
        if (!n) return nullptr;
        if (const auto* t = n->as_table()) return t;
        typeError(*n, key, "a table ([" + std::string(key) + "])");
        return nullptr;
    }

    // An array of tables ([[key]] sections or a list of inline tables).
    std::vector<const toml::table*> tables(std::string_view key, bool required = false) {
        std::vector<const toml::table*> out;
        const toml::node* n = get(key, required);
        if (!n) return out;
        const auto* arr = n->as_array();
        if (!arr) {
            typeError(*n, key, "a list of tables ([[" + std::string(key) + "]] sections)");
            return out;
        }
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            if (const auto* t = e.as_table())
                out.push_back(t);
            else
                report_.unreadable(at(e), "'" + std::string(key) + "' must hold tables; item " + std::to_string(i + 1) +
                                              " is " + typeName(e));
        }
        return out;
    }

    // Reports keys that are present but not part of the format at this level.
    void finish() {
        for (auto&& [k, v] : table_) {
            std::string key(k.str());
            if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
            std::string hint = didYouMean(key, known_);
            if (hint.empty()) hint = elsewhere(key);
            report_.unreadable(locate(k.source(), where_), "unknown key '" + key + "' in " + context_ + hint);
        }
    }

private:
    // A key put in the wrong section is a common slip: say where it belongs.
    std::string elsewhere(const std::string& key) const {
        std::vector<std::string> homes;
        for (const auto& sec : formatSections()) {
            if (sec.name == context_ || sec.name == "the scenario") continue;
            bool has =
                std::find(sec.keys.begin(), sec.keys.end(), key) != sec.keys.end() ||
                (sec.takesVitals && std::find(FormatSection::vitalsKeys().begin(), FormatSection::vitalsKeys().end(),
                                              key) != FormatSection::vitalsKeys().end());
            if (has) homes.push_back(sec.name);
        }
        if (homes.empty() || homes.size() > 3) return {};
        std::string out = " ('" + key + "' belongs in ";
        for (std::size_t i = 0; i < homes.size(); ++i)
            out += (i ? i + 1 == homes.size() ? " or " : ", " : "") + homes[i];
        return out + ")";
    }

    std::optional<double> inRange(const toml::node& n, std::string_view key, double v, double lo, double hi) {
        if (!std::isfinite(v) || v < lo || v > hi) {
            std::string range = hi == kInf    ? "at least " + shortNumber(lo)
                                : lo == -kInf ? "at most " + shortNumber(hi)
                                              : "between " + shortNumber(lo) + " and " + shortNumber(hi);
            report_.unreadable(at(n), "'" + std::string(key) + "' must be " + range + ", not " + shortNumber(v));
            return std::nullopt;
        }
        return v;
    }

    Report& report_;
    Locations& locations_;
    const toml::table& table_;
    std::string context_;
    std::string path_;
    std::vector<std::string> known_;
    std::set<std::string> used_;
    SourceLocation where_;
};

// Every key of the format, by section; the authoring guide (scenarios/README.md) documents exactly these.
std::vector<std::string> keys(std::string_view section) {
    for (const auto& s : formatSections())
        if (s.name == section) {
            auto k = s.keys;
            if (s.takesVitals) k.insert(k.end(), s.vitalsKeys().begin(), s.vitalsKeys().end());
            return k;
        }
    return {};
}

// Vitals given in this table; what is not given stays as in `base`.
VitalSigns readVitals(Fields& f, VitalSigns v) {
    if (auto x = f.number("heart_rate", false, 0, 300)) v.heartRate = *x;
    if (auto bp = f.string("bp")) {
        double s = 0, d = 0;
        char slash = 0;
        char rest = 0;
        if (std::sscanf(bp->c_str(), "%lf %c %lf %c", &s, &slash, &d, &rest) == 3 && slash == '/' && s > 0 &&
            s <= 300 && d > 0 && d < s) {
            v.systolic = s;
            v.diastolic = d;
        } else if (slash == '/' && d >= s) {
            f.report().unreadable(f.locations()[f.path() + ".bp"],
                                  "'bp' \"" + *bp + "\": the diastolic pressure must be below the systolic");
        } else {
            f.report().unreadable(f.locations()[f.path() + ".bp"],
                                  "'bp' must be systolic/diastolic in mmHg such as \"85/50\", not '" + *bp + "'");
        }
        if (f.has("systolic") || f.has("diastolic"))
            // Unreadable: a model holds one pressure, so an edit and save would drop one of the two silently.
            f.report().unreadable(f.keyAt(f.has("systolic") ? "systolic" : "diastolic"),
                                  "give the blood pressure either as 'bp' or as 'systolic'/'diastolic', not both");
    }
    if (auto x = f.number("systolic", false, 0, 300)) v.systolic = *x;
    if (auto x = f.number("diastolic", false, 0, 250)) v.diastolic = *x;
    if (auto x = f.number("spo2", false, 0, 100)) v.spo2 = *x;
    if (auto x = f.number("respiratory_rate", false, 0, 80)) v.respiratoryRate = *x;
    if (auto x = f.integer("gcs", false, 3, 15)) v.gcs = *x;
    return v;
}

const std::vector<std::string> kDifficulties{"beginner", "intermediate", "advanced"};
const std::vector<std::string> kSexes{"male", "female", "unknown"};
const std::vector<std::string> kKinds{"question", "request", "challenge", "noise"};
const std::vector<std::string> kTriggerKeys{"at", "when_region_opened", "when_finding_on_screen", "when_ignored"};

class ScenarioReader {
public:
    ScenarioReader(const toml::table& doc, Scenario& s, Locations& locs, Report& report)
        : doc_(doc), s_(s), locs_(locs), report_(report) {}

    void read() {
        SourceLocation top{report_.file, 1, 1};
        Fields root(report_, locs_, doc_, "the scenario", "", keys("the scenario"), top);
        readMeta(root);
        readSession(root);
        readPatient(root);
        readImages(root);
        readRegions(root);
        readFindings(root);
        readDeteriorations();
        readInterruptions(root);
        readConclusion(root);
        readDebrief(root);
        readScoring(root);
        root.finish();
    }

private:
    SourceLocation loc(const std::string& path, const SourceLocation& fallback) {
        auto it = locs_.find(path);
        return it == locs_.end() ? fallback : it->second;
    }

    void readMeta(Fields& root) {
        const toml::table* t = root.table("meta", true);
        if (!t) return;
        Fields f(report_, locs_, *t, "[meta]", "meta", keys("[meta]"), root.where());
        auto& m = s_.meta;
        if (auto v = f.string("id", true)) m.id = *v;
        if (auto v = f.string("title", true)) m.title = *v;
        f.read("author", m.author, "version", m.version);
        m.difficulty = f.choice("difficulty", kDifficulties).value_or("intermediate");
        f.read("learning_objectives", m.learningObjectives, "image_licence", m.imageLicence, "level", m.level,
               "milestones", m.milestones, "esr_curriculum", m.esrCurriculum, "reviewed_by", m.reviewedBy);
        m.reviewedOn = f.date("reviewed_on").value_or("");
        f.finish();
    }

    void readSession(Fields& root) {
        const toml::table* t = root.table("session");
        if (!t) {
            s_.readingOrder.clear();
            return;
        }
        Fields f(report_, locs_, *t, "[session]", "session", keys("[session]"), root.where());
        if (auto v = f.seconds("duration", false, 1)) s_.durationSeconds = *v;
        if (auto v = f.strings("reading_order")) {
            s_.readingOrder = *v;
            explicitOrder_ = true;
        }
        if (auto v = f.stringLists("alternative_orders")) s_.alternativeOrders = *v;
        f.finish();
    }

    void readPatient(Fields& root) {
        const toml::table* t = root.table("patient", true);
        if (!t) return;
        Fields f(report_, locs_, *t, "[patient]", "patient", keys("[patient]"), root.where());
        auto& p = s_.patient;
        if (auto v = f.integer("age", true, 0, 120)) p.ageYears = *v;
        if (auto v = f.choice("sex", kSexes, true)) p.sex = *v;
        if (auto v = f.string("mechanism", true)) p.mechanism = *v;
        f.read("prehospital", p.prehospital);
        if (const toml::table* vt = f.table("vitals")) {
            Fields vf(report_, locs_, *vt, "[patient.vitals]", "patient.vitals", keys("[patient.vitals]"), f.where());
            p.vitalsAtStart = readVitals(vf, p.vitalsAtStart);
            vf.finish();
        }
        VitalSigns state = p.vitalsAtStart;
        auto trend = f.tables("trend");
        for (std::size_t i = 0; i < trend.size(); ++i) {
            std::string path = "patient.trend[" + std::to_string(p.vitalsTrend.size()) + "]";
            Fields tf(report_, locs_, *trend[i], "[[patient.trend]]", path, keys("[[patient.trend]]"), f.where());
            VitalsChange c;
            if (auto at = tf.seconds("at", true)) c.atSeconds = *at;
            if (auto n = tf.string("note")) c.note = *n;
            c.vitals = state = readVitals(tf, state);
            tf.finish();
            p.vitalsTrend.push_back(c);
        }
        trendEnd_ = state;
        deteriorationTables_ = f.tables("deterioration");
        patientWhere_ = f.where();
        f.finish();
    }

    // After the findings, because a deterioration inherits nothing from them but reads after them in the model.
    void readDeteriorations() {
        auto& p = s_.patient;
        for (const toml::table* t : deteriorationTables_) {
            std::string path = "patient.deterioration[" + std::to_string(p.deteriorations.size()) + "]";
            Fields f(report_, locs_, *t, "[[patient.deterioration]]", path, keys("[[patient.deterioration]]"),
                     patientWhere_);
            Deterioration d;
            if (auto v = f.string("finding", true)) d.findingId = *v;
            if (auto v = f.seconds("over", false, 0)) d.overSeconds = *v;
            f.read("announcement", d.announcement);
            d.vitals = readVitals(f, trendEnd_);
            f.finish();
            p.deteriorations.push_back(d);
        }
    }

    void readImages(Fields& root) {
        const toml::table* t = root.table("images", true);
        if (!t) return;
        Fields f(report_, locs_, *t, "[images]", "images", keys("[images]"), root.where());
        imagesWhere_ = f.where();
        if (const toml::table* pt = f.table("phantom")) {
            Fields pf(report_, locs_, *pt, "[images.phantom]", "images.phantom", keys("[images.phantom]"), f.where());
            PhantomSource ph;
            if (const toml::node* n = pf.get("seed")) {
                if (const auto* i = n->as_integer(); i && i->get() >= 0)
                    ph.seed = std::uint64_t(i->get());
                else
                    report_.unreadable(pf.at(*n), "'seed' must be a non-negative integer");
            }
            if (auto v = pf.strings("injuries")) ph.injuries = *v;
            if (auto v = pf.strings("devices")) ph.devices = *v;
            if (auto v = pf.integer("matrix", false, 16, 1024)) ph.matrix = *v;
            if (auto v = pf.number("slice_mm", false, 0.25, 20)) ph.sliceMm = *v;
            if (auto v = pf.number("field_of_view_mm", false, 100, 1000)) ph.fieldOfViewMm = *v;
            pf.finish();
            s_.images.phantom = ph;
        }
        auto series = f.tables("series");
        for (const toml::table* st : series) {
            std::string path = "images.series[" + std::to_string(s_.images.series.size()) + "]";
            Fields sf(report_, locs_, *st, "[[images.series]]", path, keys("[[images.series]]"), f.where());
            SeriesSpec spec;
            spec.where = sf.where();
            if (auto v = sf.string("id", true)) spec.id = *v;
            if (auto v = sf.string("label")) spec.label = *v;
            if (auto v = sf.choice("kind", seriesKinds(), true)) {
                phantom::SeriesKind k;
                if (phantom::parseSeriesKind(*v, k)) spec.kind = k;
            }
            if (auto v = sf.string("folder")) {
                spec.folderText = *v;
                spec.folder = resolveFolder(*v, sf);
            }
            if (auto v = sf.string("series_uid")) spec.seriesInstanceUid = *v;
            if (auto v = sf.seconds("arrival")) spec.arrivalSeconds = *v;
            if (auto v = sf.seconds("arrival_duration")) spec.arrivalDurationSeconds = *v;
            if (spec.label.empty()) spec.label = defaultSeriesLabel(spec.kind);
            sf.finish();
            s_.images.series.push_back(spec);
        }
        if (s_.images.phantom && series.empty() && !f.has("series")) {
            // A trauma protocol on the phantom: scout first, the non-contrast head, then the arterial body streaming.
            s_.images.series = defaultPhantomSeries();
            for (auto& sp : s_.images.series) sp.where = imagesWhere_;
        }
        f.finish();
    }

    // "${VAR}/x" or "$VAR/x" take VAR from the environment; relative folders are relative to the scenario file.
    std::filesystem::path resolveFolder(const std::string& text, Fields& f) {
        std::string expanded = text;
        if (!text.empty() && text[0] == '$') {
            std::size_t nameStart = text.size() > 1 && text[1] == '{' ? 2 : 1;
            std::size_t nameEnd = nameStart;
            while (nameEnd < text.size() && (std::isalnum((unsigned char)text[nameEnd]) || text[nameEnd] == '_'))
                ++nameEnd;
            std::string var = text.substr(nameStart, nameEnd - nameStart);
            std::size_t restStart = nameEnd;
            if (nameStart == 2) {
                if (nameEnd >= text.size() || text[nameEnd] != '}') {
                    report_.error(loc(f.path() + ".folder", f.where()),
                                  "'folder' starts with '${' but the variable name is not closed with '}'");
                    return {};
                }
                restStart = nameEnd + 1;
            }
            if (var.empty()) {
                report_.error(loc(f.path() + ".folder", f.where()), "'folder' names an empty environment variable");
                return {};
            }
            const char* value = std::getenv(var.c_str());
            if (!value || !*value) return {};  // the checker warns: data not on this machine
            expanded = std::string(value) + text.substr(restStart);
        }
        std::filesystem::path p(expanded);
        if (p.is_relative()) p = std::filesystem::path(report_.file).parent_path() / p;
        std::error_code ec;
        auto abs = std::filesystem::absolute(p, ec);
        return (ec ? p : abs).lexically_normal();
    }

    void readRegions(Fields& root) {
        const bool phantom = s_.images.phantom.has_value();
        auto tables = root.tables("regions");
        if (tables.empty() && !root.has("regions")) {
            if (phantom) {
                s_.regions = phantomRegions();
                for (auto& r : s_.regions) {
                    r.where = imagesWhere_;
                    if (r.id == "scout" && hasSeriesKind(phantom::SeriesKind::Scout))
                        r.series = seriesIdOfKind(phantom::SeriesKind::Scout);
                }
            } else {
                report_.error(root.where(),
                              "a DICOM scenario needs [[regions]] with a z range for each region (only the "
                              "built-in phantom has default regions)");
            }
            return;
        }
        for (const toml::table* t : tables) {
            std::string path = "regions[" + std::to_string(s_.regions.size()) + "]";
            Fields f(report_, locs_, *t, "[[regions]]", path, keys("[[regions]]"), root.where());
            Region r;
            r.where = f.where();
            if (auto v = f.string("id", true)) r.id = *v;
            const Region* tmpl = defaultRegionTemplate(r.id);
            if (tmpl) {
                r.label = tmpl->label;
                r.windows = tmpl->windows;
                r.minCoverage = tmpl->minCoverage;
                r.planes = tmpl->planes;
            }
            f.read("label", r.label);
            if (r.label.empty()) r.label = r.id;
            bool haveZ = false;
            if (const toml::node* n = f.get("z")) {
                if (auto nums = f.numberList(*n, "z", "[inferior, superior] in mm")) {
                    if (nums->size() != 2) {
                        report_.unreadable(f.at(*n), "'z' must have 2 numbers [inferior, superior] in mm, not " +
                                                         std::to_string(nums->size()));
                    } else if ((*nums)[0] >= (*nums)[1]) {
                        report_.unreadable(f.at(*n),
                                           "'z' must be [inferior, superior] with the lower (more negative, "
                                           "towards the feet) value first, not [" +
                                               shortNumber((*nums)[0]) + ", " + shortNumber((*nums)[1]) + "]");
                    } else {
                        r.zFromMm = (*nums)[0];
                        r.zToMm = (*nums)[1];
                        haveZ = true;
                    }
                }
            }
            if (!haveZ && phantom && tmpl) {
                // Also after a broken 'z' (already reported), so that findings are not judged against [0, 0].
                if (auto z = phantomRegionZ(r.id)) {
                    r.zFromMm = z->first;
                    r.zToMm = z->second;
                    haveZ = true;
                }
            }
            if (!haveZ && !f.has("z")) {
                report_.unreadable(f.where(),
                                   "missing required key 'z' in [[regions]] '" + r.id + "'" +
                                       (phantom ? " (only the default region ids " + joinQuoted(defaultReadingOrder()) +
                                                      " take their z range from the phantom)"
                                                : std::string(" (DICOM regions need [inferior, superior] mm)")));
            }
            f.read("windows", r.windows);
            if (auto v = f.string("series"))
                r.series = *v;
            else if (r.id == "scout" && hasSeriesKind(phantom::SeriesKind::Scout))
                r.series = seriesIdOfKind(phantom::SeriesKind::Scout);
            if (auto v = f.number("min_coverage", false, 0, 1)) r.minCoverage = *v;
            readPlanes(f, r, phantom && tmpl);
            f.finish();
            s_.regions.push_back(r);
        }
    }

    // A span across the body, [low, high] LPS mm: 'x' right to left, 'y' front to back.
    std::optional<std::pair<double, double>> span(Fields& f, std::string_view key, std::string_view what) {
        const toml::node* n = f.get(key);
        if (!n) return std::nullopt;
        auto nums = f.numberList(*n, key, what);
        if (!nums) return std::nullopt;
        if (nums->size() != 2) {
            report_.unreadable(f.at(*n), "'" + std::string(key) + "' must have 2 numbers " + std::string(what) +
                                             ", not " + std::to_string(nums->size()));
            return std::nullopt;
        }
        if ((*nums)[0] >= (*nums)[1]) {
            report_.unreadable(f.at(*n), "'" + std::string(key) + "' must be " + std::string(what) +
                                             " with the lower value first, not [" + shortNumber((*nums)[0]) + ", " +
                                             shortNumber((*nums)[1]) + "]");
            return std::nullopt;
        }
        return std::make_pair((*nums)[0], (*nums)[1]);
    }

    // The planes the region is read in, and the span each reformat plane sweeps: given, else the phantom's for a
    // default region of a phantom case. A plane the file lists without its span is an error; one the region only
    // inherits from its default is left out (a DICOM region is read axially until its file gives the span).
    void readPlanes(Fields& f, Region& r, bool phantomDefault) {
        bool listed = false;
        if (auto v = f.strings("planes")) {
            listed = true;
            std::vector<imaging::Plane> planes;
            const std::vector<std::string> names{"axial", "coronal", "sagittal"};
            for (std::size_t k = 0; k < v->size(); ++k) {
                const std::string& name = (*v)[k];
                const SourceLocation at = loc(f.path() + ".planes[" + std::to_string(k) + "]", f.where());
                auto p = imaging::parsePlane(name);
                if (!p) {
                    report_.unreadable(at, "unknown plane '" + name + "' in 'planes' of region '" + r.id +
                                               "': must be one of " + joinQuoted(names) + didYouMean(name, names));
                    continue;
                }
                if (std::find(planes.begin(), planes.end(), *p) != planes.end()) {
                    report_.unreadable(at, "plane '" + name + "' appears twice in 'planes' of region '" + r.id + "'");
                    continue;
                }
                planes.push_back(*p);
            }
            r.planes = planes;
        }
        r.xMm = span(f, "x", "[right, left] in mm (LPS x: the patient's right is negative)");
        r.yMm = span(f, "y", "[front, back] in mm (LPS y: anterior is negative)");
        if (phantomDefault) fillPlaneSpans(r, true);
        for (auto p : {imaging::Plane::Sagittal, imaging::Plane::Coronal}) {
            const bool sagittal = p == imaging::Plane::Sagittal;
            const std::string key = sagittal ? "x" : "y";
            if (r.readIn(p) && !r.sweep(p) && listed && !f.has(key))
                report_.unreadable(loc(f.path() + ".planes", f.where()),
                                   "region '" + r.id + "' is read in the " + std::string(imaging::planeName(p)) +
                                       " plane but gives no '" + key + "': the " +
                                       (sagittal ? "left-right span [right, left]" : "front-back span [front, back]") +
                                       " in mm that a sweep of " + std::string(imaging::planeName(p)) +
                                       " slices must cross");
            if (f.has(key) && !r.readIn(p))
                report_.warning(f.keyAt(key), "'" + key + "' of region '" + r.id +
                                                  "' is used only when 'planes' lists '" +
                                                  std::string(imaging::planeName(p)) + "'");
        }
        fillPlaneSpans(r, false);
    }

    bool hasSeriesKind(phantom::SeriesKind kind) const { return !seriesIdOfKind(kind).empty(); }
    std::string seriesIdOfKind(phantom::SeriesKind kind) const {
        for (const auto& sp : s_.images.series)
            if (sp.kind == kind) return sp.id;
        return {};
    }

    void readFindings(Fields& root) {
        std::vector<std::string> injuryIds;
        if (s_.images.phantom) injuryIds = s_.images.phantom->injuries;
        std::vector<std::optional<phantom::Finding>> truths;
        if (s_.images.phantom) truths = phantomTruth(*s_.images.phantom, injuryIds);

        for (const toml::table* t : root.tables("findings")) {
            std::string path = "findings[" + std::to_string(s_.findings.size()) + "]";
            Fields f(report_, locs_, *t, "[[findings]]", path, keys("[[findings]]"), root.where());
            Finding fd;
            fd.where = f.where();
            const phantom::Finding* truth = nullptr;
            // A broken injury reference is reported by the checker, which sees the authoring mode's edits too.
            if (auto inj = f.string("injury")) {
                fd.phantomInjury = *inj;
                auto it = std::find(injuryIds.begin(), injuryIds.end(), *inj);
                if (it != injuryIds.end())
                    if (auto& tr = truths[std::size_t(it - injuryIds.begin())]) truth = &*tr;
            }
            const bool inherits = truth != nullptr || !fd.phantomInjury.empty();
            if (truth) setFromPhantomTruth(fd, *truth);
            // With an injury, geometry and names come from the phantom; a broken injury reference was reported
            // already, so the rest is optional then to avoid a cascade of "missing" messages.
            if (auto v = f.string("id", !inherits)) fd.id = *v;
            if (auto v = f.string("label", !inherits)) fd.label = *v;
            if (auto v = f.strings("synonyms")) {
                // Explicit synonyms add to the phantom's, since both name the same lesion.
                for (auto& syn : *v)
                    if (std::find(fd.synonyms.begin(), fd.synonyms.end(), syn) == fd.synonyms.end())
                        fd.synonyms.push_back(syn);
            }
            if (auto v = f.integer("category", !inherits, 1, 3)) fd.acrCategory = *v;
            if (auto v = f.string("region", !inherits)) fd.region = *v;
            if (auto v = f.vec3("centre", !inherits, "[x, y, z] in LPS mm")) fd.centreLps = *v;
            if (auto v = f.vec3("extent", !inherits, "[x, y, z] in mm")) {
                if (v->x <= 0 || v->y <= 0 || v->z <= 0)
                    report_.unreadable(loc(path + ".extent", f.where()), "'extent' must be positive sizes in mm");
                else
                    fd.extentMm = *v;
            }
            fd.deadlineSeconds =
                f.seconds("deadline", false, 1).value_or(defaultDeadlineSeconds(fd.acrCategory, s_.durationSeconds));
            f.read("tell", fd.tell);
            // A Category 1 finding is always told to someone: the trauma team leader unless the author says whom.
            if (fd.tell.empty()) fd.tell = defaultTell(fd.acrCategory);
            f.read("windows", fd.windows, "teaching_point", fd.teachingPoint, "description", fd.expertDescription,
                   "essential", fd.essential, "late_call_critical", fd.lateCallCritical, "on_scout", fd.onScout);
            if (auto v = f.string("side")) {
                if (*v == "left")
                    fd.side = Side::Left;
                else if (*v == "right")
                    fd.side = Side::Right;
                else if (*v == "bilateral")
                    fd.side = Side::Bilateral;
                else if (*v == "none")
                    fd.side = Side::None;
                else
                    report_.unreadable(
                        loc(path + ".side", f.where()),
                        "'side' must be \"left\", \"right\", \"bilateral\" or \"none\", not \"" + *v + "\"");
            }
            f.finish();
            s_.findings.push_back(fd);
        }
    }

    void readInterruptions(Fields& root) {
        for (const toml::table* t : root.tables("interruptions")) {
            std::string path = "interruptions[" + std::to_string(s_.interruptions.size()) + "]";
            Fields f(report_, locs_, *t, "[[interruptions]]", path, keys("[[interruptions]]"), root.where());
            Interruption in;
            in.where = f.where();
            if (auto v = f.string("id", true)) in.id = *v;
            if (auto v = f.choice("kind", kKinds, true)) {
                in.kind = *v == "question"    ? InterruptionKind::Question
                          : *v == "request"   ? InterruptionKind::Request
                          : *v == "challenge" ? InterruptionKind::Challenge
                                              : InterruptionKind::Noise;
            }
            if (auto v = f.string("role", true)) in.role = *v;
            f.read("name", in.name);
            if (auto v = f.string("text", true)) in.text = *v;
            readTrigger(f, in);
            f.read("findings", in.relatedFindings, "keywords", in.keywords, "wrong_keywords", in.wrongKeywords);
            if (auto v = f.seconds("patience", false, 1)) in.patienceSeconds = *v;
            f.read("repeat_text", in.repeatText);
            if (auto v = f.integer("max_repeats", false, 0, 20)) in.maxRepeats = *v;
            f.read("escalation_text", in.escalationText);
            if (auto v = f.seconds("duration", false, 0)) in.durationSeconds = *v;
            if (auto v = f.seconds("choices_after", false, 0)) in.choicesAfterSeconds = *v;
            auto answers = f.tables("answers");
            for (std::size_t i = 0; i < answers.size(); ++i) {
                std::string apath = path + ".answers[" + std::to_string(in.answers.size()) + "]";
                Fields af(report_, locs_, *answers[i], "the answers of interruption '" + in.id + "'", apath,
                          keys("[[interruptions.answers]]"), f.where());
                AnswerOption a;
                a.id = af.string("id").value_or(std::to_string(in.answers.size() + 1));
                if (auto v = af.string("text", true)) a.text = *v;
                a.correct = af.boolean("correct").value_or(false);
                if (auto v = af.string("feedback")) a.feedback = *v;
                af.finish();
                in.answers.push_back(a);
            }
            f.finish();
            s_.interruptions.push_back(in);
        }
    }

    void readTrigger(Fields& f, Interruption& in) {
        std::vector<std::string> given;
        for (const auto& k : kTriggerKeys)
            if (f.has(k)) given.push_back(k);
        if (given.empty()) {
            // Unreadable: the model has no interruption without a trigger, so a save would make it fire at 0 s.
            report_.unreadable(f.where(), "interruption '" + in.id + "' needs a trigger: one of " +
                                              joinQuoted(kTriggerKeys, ", ") + "");
        } else if (given.size() > 1) {
            report_.unreadable(f.keyAt(given[1]), "interruption '" + in.id + "' has more than one trigger (" +
                                                      joinQuoted(given, " and ") + "); give exactly one");
        }
        auto& tr = in.trigger;
        if (auto v = f.seconds("at")) {
            tr.type = InterruptionTrigger::Type::AtTime;
            tr.atSeconds = *v;
        }
        using Type = InterruptionTrigger::Type;
        for (const auto& [key, type] : {std::pair{"when_region_opened", Type::RegionOpened},
                                        std::pair{"when_finding_on_screen", Type::FindingOnScreen},
                                        std::pair{"when_ignored", Type::InterruptionIgnored}})
            if (auto v = f.string(key)) {
                tr.type = type;
                tr.target = *v;
            }
        if (auto v = f.seconds("delay")) tr.delaySeconds = *v;
    }

    void readConclusion(Fields& root) {
        const toml::table* t = root.table("conclusion");
        if (!t) return;
        Fields f(report_, locs_, *t, "[conclusion]", "conclusion", keys("[conclusion]"), root.where());
        f.read("sentence", s_.conclusion.expertSentence);
        for (const toml::table* kt : f.tables("key_points")) {
            std::string path = "conclusion.key_points[" + std::to_string(s_.conclusion.keyPoints.size()) + "]";
            Fields kf(report_, locs_, *kt, "[[conclusion.key_points]]", path, keys("[[conclusion.key_points]]"),
                      f.where());
            KeyPoint k;
            if (auto v = kf.string("id", true)) k.id = *v;
            if (auto v = kf.string("label", true)) k.label = *v;
            if (auto v = kf.strings("keywords", true)) k.keywords = *v;
            kf.finish();
            s_.conclusion.keyPoints.push_back(k);
        }
        f.finish();
    }

    void readDebrief(Fields& root) {
        const toml::table* t = root.table("debrief");
        if (!t) return;
        Fields f(report_, locs_, *t, "[debrief]", "debrief", keys("[debrief]"), root.where());
        f.read("expert_report", s_.expertReport, "teaching_notes", s_.teachingNotes);
        f.finish();
    }

    void readScoring(Fields& root) {
        const toml::table* t = root.table("scoring");
        if (!t) return;
        Fields f(report_, locs_, *t, "[scoring]", "scoring", keys("[scoring]"), root.where());
        auto& w = s_.weights;
        if (const toml::table* wt = f.table("weights")) {
            Fields wf(report_, locs_, *wt, "[scoring.weights]", "scoring.weights", keys("[scoring.weights]"),
                      f.where());
            if (auto v = wf.number("findings", false, 0)) w.findings = *v;
            if (auto v = wf.number("order", false, 0)) w.order = *v;
            if (auto v = wf.number("coverage", false, 0)) w.coverage = *v;
            if (auto v = wf.number("interruptions", false, 0)) w.interruptions = *v;
            if (auto v = wf.number("conclusion", false, 0)) w.conclusion = *v;
            wf.finish();
        }
        if (auto v = f.number("pass_threshold", false, 0, 100)) w.passThreshold = *v;
        if (auto v = f.number("min_finding_band", false, 0, 10)) w.minFindingBand = *v;
        if (auto v = f.number("min_dwell_ms", false, 0, 2000)) w.minDwellSeconds = *v / 1000.0;
        if (auto v = f.number("unread_share", false, 0, 1)) w.unreadShare = *v;
        f.finish();
    }

    const toml::table& doc_;
    Scenario& s_;
    Locations& locs_;
    Report& report_;
    bool explicitOrder_ = false;
    VitalSigns trendEnd_;
    std::vector<const toml::table*> deteriorationTables_;
    SourceLocation patientWhere_, imagesWhere_;

public:
    bool explicitOrder() const { return explicitOrder_; }
};

}  // namespace

const std::vector<std::string>& FormatSection::vitalsKeys() {
    static const std::vector<std::string> k{"heart_rate",       "bp", "systolic", "diastolic", "spo2",
                                            "respiratory_rate", "gcs"};
    return k;
}

const std::vector<FormatSection>& formatSections() {
    static const std::vector<FormatSection> all{
        {"the scenario",
         {"meta", "session", "patient", "images", "regions", "findings", "interruptions", "conclusion", "debrief",
          "scoring"},
         false},
        {"[meta]",
         {"id", "title", "author", "version", "difficulty", "learning_objectives", "image_licence", "level",
          "milestones", "esr_curriculum", "reviewed_by", "reviewed_on"},
         false},
        {"[session]", {"duration", "reading_order", "alternative_orders"}, false},
        {"[patient]", {"age", "sex", "mechanism", "prehospital", "vitals", "trend", "deterioration"}, false},
        {"[patient.vitals]", {}, true},
        {"[[patient.trend]]", {"at", "note"}, true},
        {"[[patient.deterioration]]", {"finding", "over", "announcement"}, true},
        {"[images]", {"phantom", "series"}, false},
        {"[images.phantom]", {"seed", "injuries", "devices", "matrix", "slice_mm", "field_of_view_mm"}, false},
        {"[[images.series]]", {"id", "label", "kind", "folder", "series_uid", "arrival", "arrival_duration"}, false},
        {"[[regions]]", {"id", "label", "z", "windows", "series", "min_coverage", "planes", "x", "y"}, false},
        {"[[findings]]",
         {"id", "injury", "label", "synonyms", "category", "region", "centre", "extent", "deadline", "tell", "windows",
          "teaching_point", "description", "essential", "late_call_critical", "on_scout", "side"},
         false},
        {"[[interruptions]]",
         {"id",
          "kind",
          "role",
          "name",
          "text",
          "at",
          "when_region_opened",
          "when_finding_on_screen",
          "when_ignored",
          "delay",
          "findings",
          "answers",
          "keywords",
          "wrong_keywords",
          "patience",
          "repeat_text",
          "max_repeats",
          "escalation_text",
          "duration",
          "choices_after"},
         false},
        {"[[interruptions.answers]]", {"id", "text", "correct", "feedback"}, false},
        {"[conclusion]", {"sentence", "key_points"}, false},
        {"[[conclusion.key_points]]", {"id", "label", "keywords"}, false},
        {"[debrief]", {"expert_report", "teaching_notes"}, false},
        {"[scoring]", {"weights", "pass_threshold", "min_finding_band", "min_dwell_ms", "unread_share"}, false},
        {"[scoring.weights]", {"findings", "order", "coverage", "interruptions", "conclusion"}, false},
    };
    return all;
}

void readScenario(const toml::table& doc, Scenario& out, Locations& locations, Report& report) {
    ScenarioReader reader(doc, out, locations, report);
    reader.read();
    if (!reader.explicitOrder()) {
        // The default order, limited to the regions this scenario has.
        out.readingOrder.clear();
        for (const auto& id : defaultReadingOrder())
            if (out.findRegion(id)) out.readingOrder.push_back(id);
        for (const auto& r : out.regions)
            if (std::find(out.readingOrder.begin(), out.readingOrder.end(), r.id) == out.readingOrder.end())
                out.readingOrder.push_back(r.id);
    }
}

}  // namespace polysim::scenario::detail

// What a scenario may leave out: the default regions and reading order (clinical reference, section 2), region z
// ranges and finding geometry from the built-in phantom, and the small word tools the messages use.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "phantom/phantom.h"
#include "scenario/internal.h"
#include "scenario/phantom_source.h"

namespace polysim::scenario {

namespace {
Region tmpl(std::string id, std::string label, std::vector<std::string> windows,
            std::vector<imaging::Plane> planes = {imaging::Plane::Axial}) {
    Region r;
    r.id = std::move(id);
    r.label = std::move(label);
    r.windows = std::move(windows);
    r.planes = std::move(planes);
    return r;
}
using imaging::Plane;

const std::vector<Region>& templates() {
    static const std::vector<Region> all{
        tmpl("scout", "Scout / topogram", {"soft_tissue", "lung", "bone"}),
        tmpl("airway", "Airway and neck", {"soft_tissue", "lung"}),
        // With the airway (ATLS: airway with cervical spine protection): an unstable neck changes how the airway is
        // handled and how the patient is moved, so it is read before the chest, in a bone window.
        // The spine is read on sagittal reformats as well as axial slices: alignment, vertebral height and the
        // posterior wall show on them (and a fracture in the axial plane hides between axial slices). The abdomen
        // and pelvis also on coronal ones: the pelvic ring, sacrum and acetabula, the diaphragm, free fluid.
        tmpl("cervical_spine", "Cervical spine", {"bone"}, {Plane::Axial, Plane::Sagittal}),
        tmpl("chest_lungs", "Chest: lungs and pleura", {"lung", "soft_tissue"}),
        tmpl("chest_mediastinum", "Chest: mediastinum, heart, aorta", {"mediastinum", "soft_tissue"}),
        tmpl("abdomen_pelvis", "Abdomen and pelvis", {"soft_tissue", "liver", "bone"}, {Plane::Axial, Plane::Coronal}),
        tmpl("head", "Head", {"brain", "subdural", "bone"}),
        tmpl("spine", "Thoracolumbar spine", {"bone"}, {Plane::Axial, Plane::Sagittal}),
        tmpl("extremities", "Extremities and the rest", {"bone", "soft_tissue"}),
    };
    return all;
}
}  // namespace

const std::vector<std::string>& defaultReadingOrder() {
    static const std::vector<std::string> order = [] {
        std::vector<std::string> o;
        for (const auto& r : templates()) o.push_back(r.id);
        return o;
    }();
    return order;
}

const Region* defaultRegionTemplate(std::string_view id) {
    for (const auto& r : templates())
        if (r.id == id) return &r;
    return nullptr;
}

phantom::PhantomOptions phantomOptionsFor(const Scenario& scenario) {
    phantom::PhantomOptions o;
    if (!scenario.images.phantom) return o;
    const auto& p = *scenario.images.phantom;
    o.seed = p.seed;
    o.injuries = p.injuries;
    o.devices = p.devices;
    // The images show the patient the story describes.
    if (scenario.patient.sex == "male" || scenario.patient.sex == "female") o.sex = scenario.patient.sex;
    if (scenario.patient.ageYears >= 16 && scenario.patient.ageYears <= 100) o.ageYears = scenario.patient.ageYears;
    o.matrix = p.matrix;
    o.sliceMm = p.sliceMm;
    o.fieldOfViewMm = p.fieldOfViewMm;
    o.phases.clear();
    for (const auto& spec : scenario.images.series) {
        if (spec.kind && spec.kind != phantom::SeriesKind::Scout && spec.kind != phantom::SeriesKind::Head &&
            std::find(o.phases.begin(), o.phases.end(), *spec.kind) == o.phases.end())
            o.phases.push_back(*spec.kind);
    }
    return o;
}

bool Region::readIn(imaging::Plane plane) const {
    return std::find(planes.begin(), planes.end(), plane) != planes.end();
}

std::optional<std::pair<double, double>> Region::sweep(imaging::Plane plane) const {
    switch (plane) {
        case Plane::Axial:
            return std::make_pair(zFromMm, zToMm);
        case Plane::Coronal:
            return yMm;
        case Plane::Sagittal:
            return xMm;
    }
    return std::nullopt;
}

void fillPlaneSpans(Region& r, bool phantom) {
    for (Plane p : {Plane::Sagittal, Plane::Coronal}) {
        auto& span = p == Plane::Sagittal ? r.xMm : r.yMm;
        if (!span && phantom && r.readIn(p)) span = detail::phantomRegionSpan(r.id, p);
    }
    std::erase_if(r.planes, [&](Plane p) { return !r.sweep(p); });
}

std::vector<Region> phantomRegions() {
    std::vector<Region> out;
    for (const auto& t : templates()) {
        Region r = t;
        if (auto z = detail::phantomRegionZ(r.id)) {
            r.zFromMm = z->first;
            r.zToMm = z->second;
        }
        fillPlaneSpans(r, true);
        out.push_back(r);
    }
    return out;
}

double defaultDeadlineSeconds(int acrCategory, double sessionSeconds) {
    return acrCategory == 1 ? std::min(300.0, sessionSeconds) : sessionSeconds;
}

std::vector<std::string> defaultTell(int acrCategory) {
    if (acrCategory == 1) return {"trauma_leader"};
    return {};
}

namespace detail {

// ---- the phantom ----

std::vector<std::string> phantomInjuryIds() {
    std::vector<std::string> ids;
    for (const auto& i : phantom::injuryLibrary()) ids.push_back(i.id);
    return ids;
}

std::vector<std::optional<phantom::Finding>> phantomTruth(const PhantomSource& source,
                                                          const std::vector<std::string>& ids) {
    std::vector<std::optional<phantom::Finding>> out(ids.size());
    phantom::PhantomOptions options;
    options.seed = source.seed;
    options.matrix = source.matrix;
    options.sliceMm = source.sliceMm;
    options.fieldOfViewMm = source.fieldOfViewMm;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto* info = phantom::findInjury(ids[i]);
        if (!info || info->id != ids[i]) continue;
        if (std::find(options.injuries.begin(), options.injuries.end(), ids[i]) != options.injuries.end()) continue;
        options.injuries.push_back(ids[i]);
        index.push_back(i);
    }
    if (options.injuries.empty()) return out;
    std::vector<phantom::Finding> truth;
    try {
        truth = phantom::groundTruth(options);
    } catch (const std::exception&) {
        return out;  // the options themselves are reported by the reader
    }
    for (std::size_t k = 0; k < truth.size() && k < index.size(); ++k) out[index[k]] = std::move(truth[k]);
    return out;
}

void setFromPhantomTruth(Finding& f, const phantom::Finding& truth) {
    f.id = truth.id;
    f.label = truth.label;
    f.synonyms = truth.synonyms;
    f.acrCategory = truth.acrCategory;
    f.region = truth.region;
    f.centreLps = truth.centreLps;
    f.extentMm = truth.extentMm;
    f.expertDescription = truth.expertDescription;
}

std::optional<std::pair<double, double>> phantomRegionSpan(std::string_view regionId, imaging::Plane plane) {
    const char* part = regionId == "cervical_spine"   ? "cervical_spine"
                       : regionId == "spine"          ? "thoracolumbar_spine"
                       : regionId == "abdomen_pelvis" ? "abdomen_pelvis"
                                                      : nullptr;
    const auto* c = part ? phantom::findCrossSpan(part) : nullptr;
    if (!c) return std::nullopt;
    auto span = plane == Plane::Sagittal  ? std::make_pair(c->xFromMm, c->xToMm)
                : plane == Plane::Coronal ? std::make_pair(c->yFromMm, c->yToMm)
                                          : std::make_pair(0.0, 0.0);
    if (!(span.first < span.second)) return std::nullopt;
    return span;
}

std::optional<std::pair<double, double>> phantomRegionZ(std::string_view regionId) {
    const auto& body = phantom::bodyExtent();
    auto range = [](std::string_view name) -> std::optional<std::pair<double, double>> {
        if (const auto* z = phantom::findZRange(name)) return std::make_pair(z->zFromMm, z->zToMm);
        return std::nullopt;
    };
    auto head = range("head"), neck = range("neck"), chest = range("chest"), abdomen = range("abdomen"),
         pelvis = range("pelvis"), thighs = range("thighs");
    if (regionId == "scout") return std::make_pair(body.zBottomMm, body.zTopMm);
    if (regionId == "head") return head;
    if (regionId == "chest_lungs" || regionId == "chest_mediastinum") return chest;
    if (regionId == "airway" && neck && chest)
        // Larynx to the carina: the neck and the upper third of the chest.
        return std::make_pair(chest->second - (chest->second - chest->first) / 3.0, neck->second);
    if (regionId == "abdomen_pelvis" && abdomen && pelvis)
        return std::make_pair(std::min(pelvis->first, abdomen->first), std::max(pelvis->second, abdomen->second));
    if (regionId == "cervical_spine") return neck;  // skull base to the thoracic inlet
    if (regionId == "spine" && neck && pelvis) return std::make_pair(pelvis->first, neck->first);
    if (regionId == "extremities") {
        if (thighs) return std::make_pair(body.zBottomMm, std::max(thighs->second, body.zBottomMm + 1));
        return std::nullopt;
    }
    return std::nullopt;
}

const std::vector<std::string>& seriesKinds() {
    static const std::vector<std::string> kinds = [] {
        std::vector<std::string> names;
        for (auto k : {phantom::SeriesKind::Scout, phantom::SeriesKind::Head, phantom::SeriesKind::NonContrast,
                       phantom::SeriesKind::Arterial, phantom::SeriesKind::PortalVenous})
            names.emplace_back(phantom::seriesKindName(k));
        return names;
    }();
    return kinds;
}

std::string defaultSeriesLabel(const std::optional<phantom::SeriesKind>& kind) {
    if (!kind) return {};
    switch (*kind) {
        case phantom::SeriesKind::Scout:
            return "Scout";
        case phantom::SeriesKind::Head:
            return "Non-contrast head";
        case phantom::SeriesKind::NonContrast:
            return "Non-contrast body";
        case phantom::SeriesKind::Arterial:
            return "Arterial body";
        case phantom::SeriesKind::PortalVenous:
            return "Portal venous abdomen";
    }
    return {};
}

std::vector<SeriesSpec> defaultPhantomSeries() {
    return {
        {"scout", "Scout", phantom::SeriesKind::Scout, {}, {}, 0, 0, {}, {}},
        {"head", "Non-contrast head", phantom::SeriesKind::Head, {}, {}, 20, 10, {}, {}},
        {"arterial", "Arterial body", phantom::SeriesKind::Arterial, {}, {}, 40, 40, {}, {}},
    };
}

std::pair<glm::dvec3, glm::dvec3> phantomVolumeBox(const PhantomSource& source,
                                                   const std::vector<phantom::SeriesKind>& kinds) {
    phantom::PhantomOptions options;
    options.seed = source.seed;
    options.matrix = source.matrix;
    options.sliceMm = source.sliceMm;
    options.fieldOfViewMm = source.fieldOfViewMm;
    glm::dvec3 lo(1e300), hi(-1e300);
    for (const auto kind : kinds) {
        if (kind == phantom::SeriesKind::Scout) continue;
        imaging::VolumeGeometry g;
        try {
            g = phantom::seriesGeometry(options, kind);
        } catch (const std::exception&) {
            continue;
        }
        if (g.dims.x <= 0 || g.dims.y <= 0 || g.dims.z <= 0) continue;
        for (int c = 0; c < 8; ++c) {
            glm::dvec3 ijk((c & 1) ? g.dims.x - 1 : 0, (c & 2) ? g.dims.y - 1 : 0, (c & 4) ? g.dims.z - 1 : 0);
            glm::dvec3 p = g.indexToPatient(ijk);
            lo = glm::min(lo, p);
            hi = glm::max(hi, p);
        }
    }
    if (lo.x > hi.x) return {glm::dvec3(0.0), glm::dvec3(0.0)};
    return {lo, hi};
}

// ---- words ----

bool validId(std::string_view id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

namespace {
// The roles scenarios know, with how people read them.
constexpr std::pair<std::string_view, std::string_view> kRoles[] = {
    {"trauma_leader", "Trauma team leader"},
    {"neurosurgeon", "Neurosurgeon"},
    {"anaesthetist", "Anaesthetist"},
    {"vascular_surgeon", "Vascular surgeon"},
    {"visceral_surgeon", "Visceral surgeon"},
    {"thoracic_surgeon", "Thoracic surgeon"},
    {"orthopaedic_surgeon", "Orthopaedic surgeon"},
    {"neurologist", "Neurologist"},
    {"emergency_physician", "Emergency physician"},
    {"radiographer", "Radiographer"},
    {"interventional_radiologist", "Interventional radiologist"},
    {"maxillofacial_surgeon", "Maxillofacial surgeon"},
    {"nurse", "Nurse"},
    {"phone", "Phone"},
    {"pager", "Pager"}};
}  // namespace

const std::vector<std::string>& knownRoles() {
    static const std::vector<std::string> roles = [] {
        std::vector<std::string> r;
        for (const auto& [id, title] : kRoles) r.emplace_back(id);
        return r;
    }();
    return roles;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const bool same = std::tolower((unsigned char)a[i - 1]) == std::tolower((unsigned char)b[j - 1]);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates) {
    if (word.empty() || word.size() > 200) return {};
    std::size_t best = std::string::npos;
    const std::string* bestWord = nullptr;
    for (const auto& c : candidates) {
        std::size_t d = editDistance(word, c);
        if (d < best) {
            best = d;
            bestWord = &c;
        }
    }
    const std::size_t limit = std::max<std::size_t>(2, std::min(word.size(), bestWord ? bestWord->size() : 0) / 3);
    if (!bestWord || best == 0 || best > limit) return {};
    return "; did you mean '" + *bestWord + "'?";
}

std::string joinQuoted(const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i) out += separator;
        out += "'" + words[i] + "'";
    }
    return out;
}

std::optional<double> parseDurationText(std::string_view text) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && std::isspace((unsigned char)s.front())) s.remove_prefix(1);
        while (!s.empty() && std::isspace((unsigned char)s.back())) s.remove_suffix(1);
        return s;
    };
    text = trim(text);
    if (text.empty()) return std::nullopt;
    auto number = [](std::string_view s) -> std::optional<double> {
        if (s.empty()) return std::nullopt;
        double v = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || v < 0) return std::nullopt;
        return v;
    };
    if (auto colon = text.find(':'); colon != std::string_view::npos) {  // m:ss
        auto m = number(text.substr(0, colon));
        auto sec = number(text.substr(colon + 1));
        if (!m || !sec || *sec >= 60 || text.substr(colon + 1).size() != 2) return std::nullopt;
        return *m * 60 + *sec;
    }
    // Units h, m (min), s; each at most once, in that order.
    double total = 0;
    std::string_view rest = text;
    int lastUnit = -1;
    bool any = false;
    while (!rest.empty()) {
        std::size_t i = 0;
        while (i < rest.size() && (std::isdigit((unsigned char)rest[i]) || rest[i] == '.')) ++i;
        auto v = number(rest.substr(0, i));
        if (!v) return std::nullopt;
        rest.remove_prefix(i);
        rest = trim(rest);
        if (rest.empty()) {
            if (any) return std::nullopt;  // "4m30" is ambiguous
            return *v;
        }
        std::size_t u = 0;
        while (u < rest.size() && std::isalpha((unsigned char)rest[u])) ++u;
        std::string unit(rest.substr(0, u));
        int idx = unit == "h" ? 0 : (unit == "m" || unit == "min") ? 1 : (unit == "s" || unit == "sec") ? 2 : -1;
        if (idx < 0 || idx <= lastUnit) return std::nullopt;
        lastUnit = idx;
        total += *v * (idx == 0 ? 3600 : idx == 1 ? 60 : 1);
        any = true;
        rest.remove_prefix(u);
        rest = trim(rest);
    }
    return total;
}

void Report::add(Diagnostic::Severity s, const SourceLocation& where, std::string message) {
    SourceLocation w = where;
    if (w.file.empty()) w.file = file;
    diagnostics.push_back({s, w, std::move(message), false});
}

bool Report::hasErrors() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; });
}

}  // namespace detail

std::string roleTitle(std::string_view role) {
    if (role == "anaesthesiologist") role = "anaesthetist";
    for (const auto& [id, title] : detail::kRoles)
        if (id == role) return std::string(title);
    // A role the reader only warns about, in words: "ward_registrar" -> "Ward registrar".
    std::string t(role);
    std::replace(t.begin(), t.end(), '_', ' ');
    if (!t.empty()) t[0] = char(std::toupper(static_cast<unsigned char>(t[0])));
    return t;
}

namespace {
// `text` is `prefix` then a whole number in [lo, hi].
bool prefixedNumber(std::string_view text, std::string_view prefix, int lo, int hi) {
    if (!text.starts_with(prefix) || text.size() == prefix.size() || text.size() > prefix.size() + 2) return false;
    int n = 0;
    for (char c : text.substr(prefix.size())) {
        if (c < '0' || c > '9') return false;
        n = n * 10 + (c - '0');
    }
    return n >= lo && n <= hi;
}
}  // namespace

bool validLevel(std::string_view level) {
    return level.empty() || prefixedNumber(level, "PGY-", 1, 7) || prefixedNumber(level, "ESR-", 1, 5);
}

bool validMilestone(std::string_view id) {
    for (std::string_view p : {"PBLI", "PROF", "SBP", "ICS", "PC", "MK"})
        if (id.starts_with(p)) return prefixedNumber(id, p, 1, 20);
    return false;
}

bool validDate(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (d[std::size_t(i)] < '0' || d[std::size_t(i)] > '9') return false;
    const int y = std::stoi(std::string(d.substr(0, 4))), m = std::stoi(std::string(d.substr(5, 2))),
              day = std::stoi(std::string(d.substr(8, 2)));
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || day < 1 || day > kDays[m - 1]) return false;
    return m != 2 || day < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

}  // namespace polysim::scenario

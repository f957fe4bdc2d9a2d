// Injuries painted into real anatomy (see injury_insertion.h). HU values from the clinical reference, section 5:
// unclotted blood 30 to 45, clot 45 to 70, active extravasation 75 to 350 (about aortic in the arterial phase,
// pooled and larger in the portal phase).
#include "importers/injury_insertion.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

namespace polysim::importers {
namespace {

using imaging::LabelMap;
using imaging::Volume;
using imaging::VolumeGeometry;

// Deterministic noise in [-1, 1] from a voxel and the seed (no library random numbers: the same on every machine).
double noise(int i, int j, int k, std::uint64_t seed) {
    std::uint64_t h = seed * 0x9E3779B97F4A7C15ULL;
    for (int v : {i, j, k}) {
        h ^= std::uint64_t(std::uint32_t(v)) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    return double(h >> 11) / double(1ULL << 52) * 2.0 - 1.0;
}

struct Box {
    glm::ivec3 lo{std::numeric_limits<int>::max()}, hi{std::numeric_limits<int>::min()};
    bool empty() const { return lo.x > hi.x; }
    void add(const glm::ivec3& p) {
        lo = glm::min(lo, p);
        hi = glm::max(hi, p);
    }
};

// The CT, its segmentation and what has been painted so far, with the small geometry tools each injury uses.
class Painter {
public:
    Painter(Volume& ct, const LabelMap& seg, std::uint64_t seed) : ct_(ct), seg_(seg), g_(ct.geometry()), seed_(seed) {
        truth_.geometry = g_;
        truth_.labels.assign(g_.voxelCount(), 0);
    }

    std::size_t index(int i, int j, int k) const {
        return (std::size_t(k) * g_.dims.y + std::size_t(j)) * g_.dims.x + std::size_t(i);
    }
    glm::dvec3 at(int i, int j, int k) const { return g_.indexToPatient(glm::dvec3(i, j, k)); }
    int16_t hu(std::size_t idx) const { return ct_.voxels()[idx]; }
    uint16_t label(std::size_t idx) const { return seg_.labels[idx]; }

    std::optional<int> structure(std::initializer_list<const char*> names, std::size_t minVoxels = 50) const {
        for (const char* n : names)
            if (auto l = seg_.labelOf(n); l && count(*l) >= minVoxels) return *l;
        return std::nullopt;
    }
    std::size_t count(int label) const {
        if (counts_.empty()) counts_ = imaging::labelCounts(seg_);
        auto it = counts_.find(label);
        return it == counts_.end() ? 0 : it->second;
    }
    Box boxOf(int label) const {
        Box b;
        forEach([&](int i, int j, int k, std::size_t idx) {
            if (seg_.labels[idx] == label) b.add({i, j, k});
        });
        return b;
    }
    glm::dvec3 centroid(int label) const { return imaging::structureExtent(seg_, label).centroid; }

    template <class Fn>
    void forEach(Fn&& fn) const {
        std::size_t idx = 0;
        for (int k = 0; k < g_.dims.z; ++k)
            for (int j = 0; j < g_.dims.y; ++j)
                for (int i = 0; i < g_.dims.x; ++i, ++idx) fn(i, j, k, idx);
    }
    // Over a box widened by `marginMm`, clipped to the volume.
    template <class Fn>
    void forEachNear(const Box& b, double marginMm, Fn&& fn) const {
        glm::ivec3 m(int(std::ceil(marginMm / g_.spacing.x)), int(std::ceil(marginMm / g_.spacing.y)),
                     int(std::ceil(marginMm / g_.spacing.z)));
        const glm::ivec3 lo = glm::max(b.lo - m, glm::ivec3(0)), hi = glm::min(b.hi + m, g_.dims - 1);
        for (int k = lo.z; k <= hi.z; ++k)
            for (int j = lo.y; j <= hi.y; ++j)
                for (int i = lo.x; i <= hi.x; ++i) fn(i, j, k, index(i, j, k));
    }

    // Distance (mm) from each voxel of the widened box to the nearest voxel of `label` (0 inside), by a two-pass
    // chamfer over the 26 neighbours: close to Euclidean at the few-voxel distances injuries need.
    struct DistanceMap {
        glm::ivec3 lo, size;
        std::vector<float> d;
        float at(int i, int j, int k) const {
            const glm::ivec3 p = glm::ivec3(i, j, k) - lo;
            if (glm::any(glm::lessThan(p, glm::ivec3(0))) || glm::any(glm::greaterThanEqual(p, size)))
                return std::numeric_limits<float>::max();
            return d[(std::size_t(p.z) * size.y + std::size_t(p.y)) * size.x + std::size_t(p.x)];
        }
    };
    DistanceMap distanceTo(int label, const Box& b, double marginMm) const {
        glm::ivec3 m(int(std::ceil(marginMm / g_.spacing.x)) + 1, int(std::ceil(marginMm / g_.spacing.y)) + 1,
                     int(std::ceil(marginMm / g_.spacing.z)) + 1);
        DistanceMap dm;
        dm.lo = glm::max(b.lo - m, glm::ivec3(0));
        const glm::ivec3 hi = glm::min(b.hi + m, g_.dims - 1);
        dm.size = hi - dm.lo + 1;
        const float inf = std::numeric_limits<float>::max() / 4;
        dm.d.assign(std::size_t(dm.size.x) * dm.size.y * dm.size.z, inf);
        auto li = [&](int i, int j, int k) {
            return (std::size_t(k) * dm.size.y + std::size_t(j)) * dm.size.x + std::size_t(i);
        };
        for (int k = 0; k < dm.size.z; ++k)
            for (int j = 0; j < dm.size.y; ++j)
                for (int i = 0; i < dm.size.x; ++i)
                    if (seg_.labels[index(i + dm.lo.x, j + dm.lo.y, k + dm.lo.z)] == label) dm.d[li(i, j, k)] = 0;
        float w[3][3][3];
        for (int c = -1; c <= 1; ++c)
            for (int b2 = -1; b2 <= 1; ++b2)
                for (int a = -1; a <= 1; ++a)
                    w[c + 1][b2 + 1][a + 1] = float(glm::length(glm::dvec3(a, b2, c) * g_.spacing));
        for (int pass = 0; pass < 2; ++pass) {
            const int s = pass == 0 ? 1 : -1;
            for (int k = pass == 0 ? 0 : dm.size.z - 1; k >= 0 && k < dm.size.z; k += s)
                for (int j = pass == 0 ? 0 : dm.size.y - 1; j >= 0 && j < dm.size.y; j += s)
                    for (int i = pass == 0 ? 0 : dm.size.x - 1; i >= 0 && i < dm.size.x; i += s) {
                        float best = dm.d[li(i, j, k)];
                        // The half of the neighbourhood already visited in this pass's order.
                        for (int c = -1; c <= 0; ++c)
                            for (int b2 = -1; b2 <= 1; ++b2)
                                for (int a = -1; a <= 1; ++a) {
                                    if (c == 0 && (b2 > 0 || (b2 == 0 && a >= 0))) continue;
                                    const int ni = i + s * a, nj = j + s * b2, nk = k + s * c;
                                    if (ni < 0 || nj < 0 || nk < 0 || ni >= dm.size.x || nj >= dm.size.y ||
                                        nk >= dm.size.z)
                                        continue;
                                    best = std::min(best, dm.d[li(ni, nj, nk)] + w[c + 1][b2 + 1][a + 1]);
                                }
                        dm.d[li(i, j, k)] = best;
                    }
        }
        return dm;
    }

    // The body's midline at a height: the centre of the voxels denser than fat-free air on that slice.
    glm::dvec3 bodyCentre(int k) const {
        glm::dvec2 sum(0.0);
        std::size_t n = 0;
        for (int j = 0; j < g_.dims.y; ++j)
            for (int i = 0; i < g_.dims.x; ++i)
                if (hu(index(i, j, k)) > -300) sum += glm::dvec2(i, j), ++n;
        const glm::dvec2 c = n ? sum / double(n) : glm::dvec2(g_.dims.x / 2.0, g_.dims.y / 2.0);
        return at(int(std::lround(c.x)), int(std::lround(c.y)), k);
    }

    // The way out from the body's midline to p in the axial plane (unit length), or `fallback` when p is on it.
    glm::dvec3 outward(const glm::dvec3& p, const glm::dvec3& fallback) const {
        glm::dvec3 d = p - bodyCentre(voxelOf(p).z);
        d.z = 0;
        return glm::length(d) > 1 ? glm::normalize(d) : fallback;
    }

    void paint(std::size_t idx, int i, int j, int k, double value, int injury, Box& box) {
        ct_.voxels()[idx] = int16_t(std::clamp(std::lround(value), -1024L, 3071L));
        truth_.labels[idx] = uint16_t(injury);
        box.add({i, j, k});
    }
    uint16_t painted(std::size_t idx) const { return truth_.labels[idx]; }

    // The box (LPS mm) of a voxel box, half a voxel beyond the centres.
    std::pair<glm::dvec3, glm::dvec3> mm(const Box& b) const {
        glm::dvec3 lo(1e300), hi(-1e300);
        for (int c = 0; c < 8; ++c) {
            const glm::dvec3 p = g_.indexToPatient(glm::dvec3((c & 1) ? b.hi.x + 0.5 : b.lo.x - 0.5,
                                                              (c & 2) ? b.hi.y + 0.5 : b.lo.y - 0.5,
                                                              (c & 4) ? b.hi.z + 0.5 : b.lo.z - 0.5));
            lo = glm::min(lo, p);
            hi = glm::max(hi, p);
        }
        return {lo, hi};
    }

    glm::ivec3 voxelOf(const glm::dvec3& p) const { return glm::ivec3(glm::round(g_.patientToIndex(p))); }
    double n(int i, int j, int k, int salt = 0) const { return noise(i, j, k, seed_ + std::uint64_t(salt) * 7919); }
    // Smooth noise (mm scale ~ `scaleMm`) for ragged edges that are not speckled.
    double smooth(const glm::dvec3& p, double scaleMm, int salt = 0) const {
        const double a = double((seed_ + std::uint64_t(salt)) % 1000) * 0.37;
        return (std::sin(p.x / scaleMm + a) + std::sin(p.y / (scaleMm * 1.3) + 2 * a) +
                std::sin(p.z / (scaleMm * 0.8) + 3 * a)) /
               3.0;
    }

    const VolumeGeometry& geometry() const { return g_; }
    const LabelMap& segmentation() const { return seg_; }
    LabelMap& truth() { return truth_; }

private:
    Volume& ct_;
    const LabelMap& seg_;
    VolumeGeometry g_;
    std::uint64_t seed_;
    LabelMap truth_;
    mutable std::map<int, std::size_t> counts_;
};

// Principal axis of a structure's voxels within `radiusMm` of p (power iteration on the covariance).
glm::dvec3 localAxis(const Painter& P, int label, const glm::dvec3& p, double radiusMm, const Box& box) {
    glm::dvec3 mean(0.0);
    std::vector<glm::dvec3> pts;
    P.forEachNear(box, 0, [&](int i, int j, int k, std::size_t idx) {
        if (P.label(idx) != label) return;
        const glm::dvec3 x = P.at(i, j, k);
        if (glm::length(x - p) <= radiusMm) pts.push_back(x), mean += x;
    });
    if (pts.size() < 3) return {0, 0, 1};
    mean /= double(pts.size());
    glm::dmat3 cov(0.0);
    for (const auto& x : pts) cov += glm::outerProduct(x - mean, x - mean);
    glm::dvec3 v(0.3, 0.5, 0.8);
    for (int it = 0; it < 50; ++it) v = glm::normalize(cov * v + glm::dvec3(1e-12));
    return v;
}

struct Laceration {
    int organ = 0;
    glm::dvec3 surface{0.0}, inward{0.0}, deep{0.0};
};

const char* organName(const std::string& id) {
    if (id == "splenic_laceration") return "spleen";
    if (id == "liver_laceration") return "liver";
    return "kidney";
}

// What a case says of each injury that can be inserted. "{organ}" in a label or description stands for the structure
// it was inserted into, as a radiologist says it; a fracture of a cervical vertebra is read in the cervical spine
// region, with the airway, not in the region given here.
struct InjuryText {
    const char* id;
    int acrCategory;
    const char* region;
    const char* role;  // the specialist whose question depends on it
    std::vector<std::string> windows;
    const char* label;
    std::vector<std::string> synonyms;
    const char* description;
    const char* teachingPoint;
};

const std::vector<InjuryText>& injuryTexts() {
    const std::vector<std::string> abdomen{"soft_tissue", "liver"}, bone{"bone"};
    static const std::vector<InjuryText> all{
        {"splenic_laceration",
         1,
         "abdomen_pelvis",
         "visceral_surgeon",
         abdomen,
         "Splenic laceration with perisplenic haematoma",
         {"splenic laceration", "spleen laceration", "splenic injury", "spleen injury", "ruptured spleen",
          "splenic rupture"},
         "Splenic laceration reaching the capsule, with a perisplenic haematoma.",
         "A laceration is a linear or branching low-density cleft in the enhancing spleen; look for haematoma and a "
         "contrast blush beside it (AAST 2018)."},
        {"liver_laceration",
         1,
         "abdomen_pelvis",
         "visceral_surgeon",
         abdomen,
         "Liver laceration with perihepatic haematoma",
         {"liver laceration", "hepatic laceration", "liver injury", "hepatic injury"},
         "Laceration of the liver reaching the capsule, with a perihepatic haematoma.",
         "Read the liver in a liver window (150/90): a laceration is a branching cleft, lower than the enhanced "
         "parenchyma."},
        {"kidney_laceration",
         2,
         "abdomen_pelvis",
         "visceral_surgeon",
         abdomen,
         "Renal laceration with perirenal haematoma ({organ})",
         {"renal laceration", "kidney laceration", "renal injury", "kidney injury", "perirenal haematoma"},
         "Cortical laceration of the {organ} with a perirenal haematoma.",
         "Renal lacerations deeper than 1 cm or into the collecting system raise the grade; delayed images show urine "
         "leaks."},
        {"hemoperitoneum",
         1,
         "abdomen_pelvis",
         "visceral_surgeon",
         abdomen,
         "Haemoperitoneum",
         {"hemoperitoneum", "haemoperitoneum", "free fluid", "intraperitoneal blood", "intra-abdominal bleeding"},
         "Free intraperitoneal fluid of blood density around the liver and spleen and in the pelvis.",
         "Blood collects first in the dependent spaces: Morison's pouch, the paracolic gutters and the pelvis. "
         "Unclotted blood is 30 to 45 HU, clot beside the bleeding organ denser."},
        {"active_extravasation",
         1,
         "abdomen_pelvis",
         "vascular_surgeon",
         abdomen,
         "Active extravasation ({organ})",
         {"active extravasation", "active bleeding", "contrast blush", "extravasation", "arterial bleeding"},
         "Active contrast extravasation from the {organ}, growing into the haematoma.",
         "Extravasation is contrast outside vessels, about as dense as the aorta, that grows and changes shape on the "
         "portal phase; a pseudoaneurysm keeps its shape and fades with the blood pool."},
        {"vertebral_fracture",
         2,
         "spine",
         "orthopaedic_surgeon",
         bone,
         "Vertebral body fracture ({organ})",
         {"vertebral fracture", "spine fracture", "spinal fracture", "vertebral body fracture", "burst fracture"},
         "Fracture line through the body of {organ}.",
         "Read the spine in a bone window on sagittal reformats: follow the cortex of each vertebral body for a "
         "break."},
        {"rib_fracture",
         3,
         "chest_lungs",
         "trauma_leader",
         bone,
         "Rib fracture ({organ})",
         {"rib fracture", "fractured rib", "broken rib"},
         "Fracture of {organ}.",
         "Lower rib fractures point to the spleen, liver and kidneys beneath them."},
        {"pelvic_fracture",
         2,
         "abdomen_pelvis",
         "orthopaedic_surgeon",
         bone,
         "Pelvic fracture ({organ})",
         {"pelvic fracture", "pelvis fracture", "fractured pelvis", "pubic ramus fracture"},
         "Fracture line through the {organ}.",
         "A pelvic ring is broken in two places more often than one: look for the second break and for pelvic "
         "haematoma."},
    };
    return all;
}

// `text` with each "{organ}" replaced by `organ`.
std::string withOrgan(std::string text, const std::string& organ) {
    const std::string mark = "{organ}";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + organ.size()))
        text.replace(at, mark.size(), organ);
    return text;
}

InjuryTruth truthFor(const std::string& id, const std::string& organ) {
    InjuryTruth t;
    t.id = id;
    t.region = "abdomen_pelvis";
    t.windows = {"soft_tissue", "liver"};
    for (const auto& x : injuryTexts()) {
        if (x.id != id) continue;
        t.label = withOrgan(x.label, organ);
        t.synonyms = x.synonyms;
        t.acrCategory = x.acrCategory;
        t.region = x.region;
        // A cervical vertebra is read with the airway.
        if (id == "vertebral_fracture" && organ.size() > 1 && organ[0] == 'C' &&
            std::isdigit(static_cast<unsigned char>(organ[1])))
            t.region = "cervical_spine";
        t.role = x.role;
        t.windows = x.windows;
        t.description = withOrgan(x.description, organ);
        t.teachingPoint = x.teachingPoint;
    }
    return t;
}

// A structure's name as a radiologist says it: "vertebrae_L1" -> "L1", "rib_left_10" -> "rib left 10".
std::string words(std::string s) {
    if (s.rfind("vertebrae_", 0) == 0) s = s.substr(10);
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}
}  // namespace

const std::vector<InsertableInjury>& insertableInjuries() {
    static const std::vector<InsertableInjury> all{
        {"splenic_laceration", "laceration cleft through the spleen to its capsule, perisplenic haematoma", {"spleen"}},
        {"liver_laceration", "laceration cleft in the liver with a perihepatic haematoma", {"liver"}},
        {"kidney_laceration",
         "cortical laceration of a kidney with a perirenal haematoma",
         {"kidney_left", "kidney_right"}},
        {"hemoperitoneum",
         "free fluid of blood density around liver and spleen and in the pelvis",
         {"liver", "spleen", "urinary_bladder"}},
        {"active_extravasation",
         "contrast blush in a lacerated organ: small and dense in the arterial phase, larger and pooled in the "
         "portal phase",
         {"spleen", "liver", "kidney_left", "kidney_right"}},
        {"vertebral_fracture",
         "fracture line through the cortex of a vertebral body (L1, T12, L2 ...)",
         {"vertebrae_L1", "vertebrae_T12", "vertebrae_L2", "vertebrae_L3", "vertebrae_T11", "vertebrae_L4"}},
        {"rib_fracture",
         "fracture through a lower rib at its lateral arc",
         {"rib_left_10", "rib_left_9", "rib_left_11", "rib_right_10", "rib_right_9", "rib_right_11"}},
        {"pelvic_fracture", "fracture line through the anterior pelvic ring", {"hip_left", "hip_right"}},
    };
    return all;
}

InsertionResult insertInjuries(Volume& ct, const LabelMap& seg, const InsertionOptions& o) {
    if (seg.geometry.dims != ct.geometry().dims || seg.labels.size() != ct.voxels().size())
        throw ImportError("the segmentation is not on the CT's grid (place it with placeOnGeometry first)");
    Painter P(ct, seg, o.seed);
    InsertionResult result;
    std::map<std::string, Laceration> lacerations;  // by organ name
    const bool arterial = o.phase == phantom::SeriesKind::Arterial;

    // Lacerations first, so extravasation can sit in one and free fluid comes from it.
    std::vector<std::string> order;
    for (const char* first : {"splenic_laceration", "liver_laceration", "kidney_laceration"})
        if (std::find(o.injuries.begin(), o.injuries.end(), first) != o.injuries.end()) order.push_back(first);
    for (const auto& id : o.injuries)
        if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);

    std::map<std::string, InjuryTruth> truths;
    for (const auto& id : order) {
        const InsertableInjury* info = nullptr;
        for (const auto& k : insertableInjuries())
            if (k.id == id) info = &k;
        if (!info) {
            std::vector<std::string> ids;
            for (const auto& k : insertableInjuries()) ids.push_back(k.id);
            throw ImportError("unknown injury '" + id + "' (injuries that can be inserted: " + listInWords(ids) + ")");
        }
        if (truths.count(id)) continue;
        const int injury = int(truths.size()) + 1;
        Box painted;
        std::string where;

        if (id == "splenic_laceration" || id == "liver_laceration" || id == "kidney_laceration") {
            std::optional<int> organ = id == "kidney_laceration" ? P.structure({"kidney_left", "kidney_right"})
                                                                 : P.structure({organName(id)}, 200);
            if (!organ)
                throw ImportError("cannot insert " + id + ": the segmentation has no " + listInWords(info->needs) +
                                  " (or too few voxels of it)");
            where = seg.nameOf(*organ);
            const Box ob = P.boxOf(*organ);
            const glm::dvec3 c = P.centroid(*organ);
            glm::dvec3 d = P.outward(c, glm::dvec3(1, 0, 0));
            if (id == "splenic_laceration") d = glm::normalize(d + glm::dvec3(0, 0.6, 0));  // posterolateral
            // The capsule point furthest out along d, and how deep the organ is along d.
            double far = -1e300, near = 1e300;
            glm::dvec3 surface = c;
            P.forEachNear(ob, 0, [&](int i, int j, int k, std::size_t idx) {
                if (P.label(idx) != *organ) return;
                const glm::dvec3 x = P.at(i, j, k);
                const double s = glm::dot(x - c, d) - 0.3 * std::abs(x.z - c.z);
                if (s > far) far = s, surface = x;
                near = std::min(near, glm::dot(x - c, d));
            });
            const double depth = 0.6 * (glm::dot(surface - c, d) - near);
            const glm::dvec3 up(0.2 * std::sin(double(o.seed)), 0.2 * std::cos(double(o.seed)), 1.0);
            const glm::dvec3 nrm = glm::normalize(glm::cross(d, up));
            const glm::dvec3 along = glm::normalize(glm::cross(nrm, d));
            const double halfHeight = 0.5 * (P.mm(ob).second.z - P.mm(ob).first.z) * 0.7;
            // Unclotted blood and clot in the cleft: darker than enhanced parenchyma, a little brighter than
            // unenhanced parenchyma (the sentinel clot of a non-contrast scan).
            const double clot = o.phase == phantom::SeriesKind::NonContrast ? 66 : id == "kidney_laceration" ? 42 : 48;
            P.forEachNear(ob, 0, [&](int i, int j, int k, std::size_t idx) {
                if (P.label(idx) != *organ) return;
                const glm::dvec3 x = P.at(i, j, k);
                const double s = glm::dot(surface - x, d);  // depth below the capsule point
                const double t = glm::dot(x - surface, along);
                if (s < -2 || s > depth || std::abs(t) > halfHeight) return;
                const double taper = std::sqrt(std::max(0.0, 1.0 - s / depth)) * (1.0 - 0.5 * std::abs(t) / halfHeight);
                const double width = 1.6 + 3.4 * taper * (1.0 + 0.35 * P.smooth(x, 6.0, 1));
                const double u = glm::dot(x - surface, nrm) - 3.0 * std::sin(s / 9.0 + double(o.seed % 7));
                if (std::abs(u) < width) P.paint(idx, i, j, k, clot + 6 * P.n(i, j, k), injury, painted);
            });
            // Haematoma hugging the capsule around the tear, outside the organ, in fat and soft tissue only.
            const auto dist = P.distanceTo(*organ, ob, 10.0);
            P.forEachNear(ob, 10.0, [&](int i, int j, int k, std::size_t idx) {
                if (P.label(idx) != 0 && P.label(idx) != *organ) return;
                if (P.label(idx) == *organ) return;
                const glm::dvec3 x = P.at(i, j, k);
                const double r = glm::length(x - surface);
                const double thick = 8.0 * (1.0 - r / 45.0) * (1.0 + 0.3 * P.smooth(x, 5.0, 2));
                const float dd = dist.at(i, j, k);
                if (r > 45.0 || dd <= 0 || dd > thick) return;
                const int16_t v = P.hu(idx);
                if (v < -250 || v > 120) return;  // not air, not bone or contrast
                P.paint(idx, i, j, k, 58 + 5 * P.n(i, j, k, 3), injury, painted);
            });
            lacerations[id] = {*organ, surface, -d, surface - d * (0.7 * depth)};
        } else if (id == "active_extravasation") {
            if (o.phase == phantom::SeriesKind::NonContrast)
                throw ImportError(
                    "cannot insert active_extravasation: it shows only on a contrast-enhanced CT, and "
                    "this CT is non-contrast (give --phase arterial or portal if that is wrong)");
            // In a laceration asked for together, else at the edge of the first solid organ the map has.
            std::optional<Laceration> lac;
            for (const char* l : {"splenic_laceration", "liver_laceration", "kidney_laceration"})
                if (!lac && lacerations.count(l)) lac = lacerations[l];
            glm::dvec3 centre, axis(0, 0, 1);
            int organ = 0;
            if (lac) {
                centre = lac->deep * 0.5 + lac->surface * 0.5;
                axis = -lac->inward;
                organ = lac->organ;
            } else {
                auto o2 = P.structure({"spleen", "liver", "kidney_left", "kidney_right"}, 200);
                if (!o2)
                    throw ImportError(
                        "cannot insert active_extravasation: the segmentation has no spleen, liver or "
                        "kidney");
                organ = *o2;
                centre = P.centroid(organ);
            }
            where = seg.nameOf(organ);
            // Arterial: a small jet about as dense as the aorta. Portal: more contrast has leaked, pooled into a
            // larger, less dense collection drawn out towards the capsule.
            const double radius = arterial ? 4.5 : 7.0;
            const double stretch = arterial ? 1.3 : 2.2;
            const double value = arterial ? 280 : 200;
            Box around;
            around.add(P.voxelOf(centre));
            P.forEachNear(around, radius * stretch + 4, [&](int i, int j, int k, std::size_t idx) {
                const uint16_t l = P.label(idx);
                if (l != 0 && l != organ) return;
                const glm::dvec3 x = P.at(i, j, k) - centre;
                const double a = glm::dot(x, axis);
                const glm::dvec3 across = x - axis * a;
                const double r2 = (a / stretch) * (a / stretch) + glm::dot(across, across);
                // Ragged at two scales, as contrast spreading through clot is, not a smooth egg.
                const glm::dvec3 at = P.at(i, j, k);
                const double edge = radius * (1.0 + 0.25 * P.smooth(at, 3.0, 4) + 0.18 * P.smooth(at, 1.3, 10));
                if (r2 > edge * edge) return;
                const int16_t v = P.hu(idx);
                if (v < -250 || v > 600) return;
                const double core = 1.0 - std::sqrt(r2) / edge;
                P.paint(idx, i, j, k, value * (0.7 + 0.4 * core + 0.12 * P.smooth(at, 2.0, 11)) + 15 * P.n(i, j, k, 5),
                        injury, painted);
            });
        } else if (id == "hemoperitoneum") {
            // Around each of liver and spleen on its dependent (posterior) and outer side, and behind the bladder.
            for (const char* name : {"liver", "spleen", "urinary_bladder"}) {
                auto organ = P.structure({name}, 100);
                if (!organ) continue;
                where +=
                    (where.empty() ? "" : ", ") + std::string(name == std::string("urinary_bladder") ? "pelvis" : name);
                const Box ob = P.boxOf(*organ);
                const glm::dvec3 c = P.centroid(*organ);
                const glm::dvec3 out = P.outward(c, glm::dvec3(0, 1, 0));
                const bool pelvis = std::string(name) == "urinary_bladder";
                const double maxThick = pelvis ? 14.0 : 9.0;
                const auto dist = P.distanceTo(*organ, ob, maxThick + 2);
                P.forEachNear(ob, maxThick + 2, [&](int i, int j, int k, std::size_t idx) {
                    if (P.label(idx) != 0 || P.painted(idx)) return;
                    const glm::dvec3 x = P.at(i, j, k);
                    const glm::dvec3 rel = x - c;
                    const double dependent = rel.y / 40.0 + (pelvis ? 0.0 : glm::dot(rel, out) / 60.0);
                    if (dependent < -0.1) return;
                    const double thick =
                        maxThick * std::min(1.0, 0.35 + dependent) * (1.0 + 0.25 * P.smooth(x, 7.0, 6));
                    const float dd = dist.at(i, j, k);
                    if (dd <= 0 || dd > thick) return;
                    const int16_t v = P.hu(idx);
                    if (v < -200 || v > 40) return;  // fat and fluid spaces only: not lung, gas, muscle or bone
                    P.paint(idx, i, j, k, 36 + 5 * P.n(i, j, k, 7), injury, painted);
                });
            }
            if (where.empty())
                throw ImportError(
                    "cannot insert hemoperitoneum: the segmentation has no liver, spleen or urinary "
                    "bladder to put the fluid around");
        } else {
            // Fractures: a thin line through the bone, painted only where the real CT has bone, so it breaks the
            // real cortex and trabeculae.
            std::optional<int> bone;
            for (const auto& name : info->needs)
                if (!bone) bone = P.structure({name.c_str()}, id == "rib_fracture" ? 40 : 150);
            if (!bone)
                throw ImportError("cannot insert " + id + ": the segmentation has none of " + listInWords(info->needs));
            where = seg.nameOf(*bone);
            const Box bb = P.boxOf(*bone);
            const glm::dvec3 c = P.centroid(*bone);
            glm::dvec3 point = c, normal(0, 0.35, 1);
            double radius = 1e9;
            if (id == "vertebral_fracture") {
                // Through the vertebral body (the part in front of the centroid), obliquely.
                glm::dvec3 sum(0.0);
                std::size_t nb = 0;
                P.forEachNear(bb, 0, [&](int i, int j, int k, std::size_t idx) {
                    const glm::dvec3 x = P.at(i, j, k);
                    if (P.label(idx) == *bone && x.y < c.y) sum += x, ++nb;
                });
                if (nb) point = sum / double(nb);
                normal = glm::normalize(glm::dvec3(0.1, 0.25, 1.0));
            } else {
                // Ribs at their outermost arc, the pelvis at its most anterior point (the pubic rami); the cut runs
                // across the bone's local axis.
                const glm::dvec3 mid = P.bodyCentre(P.voxelOf(c).z);
                double best = -1e300;
                P.forEachNear(bb, 0, [&](int i, int j, int k, std::size_t idx) {
                    if (P.label(idx) != *bone) return;
                    const glm::dvec3 x = P.at(i, j, k);
                    const double s = id == "rib_fracture" ? std::abs(x.x - mid.x) : -x.y - 0.3 * std::abs(x.z - c.z);
                    if (s > best) best = s, point = x;
                });
                normal = localAxis(P, *bone, point, 15.0, bb);
                radius = id == "rib_fracture" ? 14.0 : 22.0;
            }
            const glm::dvec3 sp = P.geometry().spacing;
            const double half = std::max(1.2, 0.75 * std::min({sp.x, sp.y, sp.z}));
            const bool bodyOnly = id == "vertebral_fracture";
            P.forEachNear(bb, 2, [&](int i, int j, int k, std::size_t idx) {
                if (P.label(idx) != *bone) return;
                const glm::dvec3 x = P.at(i, j, k);
                if (glm::length(x - point) > radius) return;
                if (bodyOnly && x.y > c.y) return;  // the body, in front of the pedicles
                const double u = glm::dot(x - point, normal) - 0.8 * P.smooth(x, 2.5, 8);
                if (std::abs(u) > half) return;
                if (P.hu(idx) < 60) return;  // fatty marrow or soft tissue already: nothing to break
                P.paint(idx, i, j, k, 35 + 10 * P.n(i, j, k, 9), injury, painted);
            });
        }
        if (painted.empty())
            throw ImportError("cannot insert " + id + " into " + where +
                              ": no voxel of the CT qualified (is the mask on this CT, and the CT enhanced?)");
        InjuryTruth t = truthFor(id, words(where));
        auto [lo, hi] = P.mm(painted);
        // Fracture lines are thin: the finding's box is at least 10 mm each way so it can be pointed at.
        const glm::dvec3 centre = (lo + hi) / 2.0, half = glm::max((hi - lo) / 2.0, glm::dvec3(5.0));
        // Within the voxel centres of the CT, where the case's checks measure the volume.
        Box all;
        all.add({0, 0, 0});
        all.add(P.geometry().dims - 1);
        auto [vlo, vhi] = P.mm(all);
        const glm::dvec3 inset = P.geometry().spacing / 2.0 + 0.05;
        t.lo = glm::clamp(centre - half, vlo + inset, vhi - inset);
        t.hi = glm::clamp(centre + half, vlo + inset, vhi - inset);
        std::size_t voxels = 0;
        for (uint16_t v : P.truth().labels) voxels += v == injury;
        t.source = "inserted into " + words(where) + " (" + std::to_string(voxels) + " voxels)";
        result.notes.push_back(t.label + ": " + t.source);
        P.truth().names[injury] = id;
        truths[id] = t;
    }
    for (const auto& id : o.injuries)
        if (truths.count(id)) {
            result.truths.push_back(truths[id]);
            truths.erase(id);
        }
    result.truthMap = std::move(P.truth());
    return result;
}

}  // namespace polysim::importers

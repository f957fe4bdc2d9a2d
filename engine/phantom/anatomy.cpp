// The normal anatomy of the synthetic patient (head to mid-thigh) as painted layers, in the order a body is built
// up: outline, fat, muscle, cavities, organs, vessels, bones. Sizes follow an adult of about 175 cm lying supine.
#include <cmath>
#include <numbers>

#include "phantom/model.h"

namespace polysim::phantom::detail {
namespace {

using glm::dvec3;
using glm::dvec4;
using K = Extrusion::Key;

// A side's name in the label map's structure names: s = -1 is the patient's right (LPS x < 0).
std::string sideName(int s) {
    return s < 0 ? "right" : "left";
}

double smoothstep(double a, double b, double x) {
    const double t = std::clamp((x - a) / (b - a), 0.0, 1.0);
    return t * t * (3 - 2 * t);
}

struct Builder {
    Model& m;
    Contrast c;
    float H(float nc, float art, float pv) const {
        return c == Contrast::None ? nc : c == Contrast::Arterial ? art : pv;
    }
    Layer& add(ShapePtr s, float hu, Tissue t, TissueMask onto = kAnyTissue, float tex = 0, double freq = 0.1,
               const WarpSet* warp = nullptr) {
        return detail::add(m, std::move(s), hu, t, onto, tex, freq, warp);
    }
    // A bone: cortex of the given thickness around cancellous marrow.
    void bone(ShapePtr s, double cortex = 1.5, float cortexHU = 1100, float marrowHU = 280, const WarpSet* w = nullptr,
              TissueMask onto = kAnyTissue) {
        add(s, cortexHU, kBone, onto, 60, 0.4, w);
        // Cancellous bone: trabeculae against red marrow give a coarse, high-contrast texture; fatty marrow is calm.
        add(offset(s, -cortex), marrowHU, kMarrow, bit(kBone), marrowHU > 100 ? 90.0f : 30.0f, 0.55, w);
    }
    const WarpSet* med() const { return m.mediastinumWarp.empty() ? nullptr : &m.mediastinumWarp; }
    // The layers added while the scope lives belong to the named structure (the label map's name for them).
    [[nodiscard]] StructureScope as(const std::string& name) const { return StructureScope(m, name); }
    const WarpSet* brain() const { return m.brainWarp.empty() ? nullptr : &m.brainWarp; }
};

ShapePtr ell(dvec3 c, dvec3 r, glm::dmat3 rot = glm::dmat3(1.0), double wob = 0, double freq = 0.05,
             std::uint64_t salt = 1) {
    return std::make_shared<Ellipsoid>(c, r, rot, wob, freq, salt);
}
ShapePtr tube(std::vector<dvec4> pts, bool smooth = true, double wob = 0, double freq = 0.1, std::uint64_t salt = 3) {
    return std::make_shared<Tube>(pts, smooth, wob, freq, salt);
}
ShapePtr ext(std::vector<K> keys, double flat = 0, double wob = 0, double freq = 0.03, std::uint64_t salt = 5) {
    return std::make_shared<Extrusion>(std::move(keys), flat, wob, freq, salt);
}
// Half-space z > zf(x, y) (as a shape), used to clip organs at the skull base or below the diaphragm.
ShapePtr above(std::function<double(double, double)> zf, double zlo, double zhi) {
    return std::make_shared<Implicit>(
        [zlo, zhi](double z, Box2& b) {
            if (z < zlo || z > zhi) return false;
            b = {-1e4, -1e4, 1e4, 1e4};
            return true;
        },
        [zf](const dvec3& p) { return zf(p.x, p.y) - p.z; });
}
ShapePtr below(std::function<double(double, double)> zf, double zlo, double zhi) {
    return std::make_shared<Implicit>(
        [zlo, zhi](double z, Box2& b) {
            if (z < zlo || z > zhi) return false;
            b = {-1e4, -1e4, 1e4, 1e4};
            return true;
        },
        [zf](const dvec3& p) { return p.z - zf(p.x, p.y); });
}

// Zero sets of seeded noise fields: a network of thin sheets (one field: fascial septa in fat, fat between muscle
// bundles) or of branching curves (two fields: small vessels). Painted only onto the tissues a layer names, within the
// box of `within`; the distance is the noise value over its typical gradient, so the widths are in mm.
ShapePtr noiseSheets(ShapePtr within, double freq, double widthMm, std::uint64_t salt) {
    return std::make_shared<Implicit>([within](double z, Box2& bx) { return within->sliceBox(z, bx); },
                                      [freq, widthMm, salt](const dvec3& p) {
                                          return std::abs(valueNoise(p * freq, salt)) / (1.2 * freq) - widthMm / 2;
                                      });
}
// Sheets that come and go: the zero set of one field kept only where a second, coarser field is high, each sheet
// tapering to nothing at its ends. A slice then shows short streaks of fat between muscle bundles, as a real muscle
// does, instead of closed wavy contours.
ShapePtr brokenSheets(ShapePtr within, double freq, double widthMm, std::uint64_t salt) {
    return std::make_shared<Implicit>([within](double z, Box2& bx) { return within->sliceBox(z, bx); },
                                      [freq, widthMm, salt](const dvec3& p) {
                                          const double d = std::abs(valueNoise(p * freq, salt)) / (1.2 * freq);
                                          if (d > widthMm) return d;
                                          const double g =
                                              smoothstep(0.0, 0.3, valueNoise(p * (freq * 0.6), salt + 13));
                                          return d - widthMm / 2 * g + (1.0 - g) * 2.0;
                                      });
}
ShapePtr noiseCurves(ShapePtr within, double freq, double radiusMm, std::uint64_t salt) {
    return std::make_shared<Implicit>([within](double z, Box2& bx) { return within->sliceBox(z, bx); },
                                      [freq, radiusMm, salt](const dvec3& p) {
                                          const double a = valueNoise(p * freq, salt),
                                                       c = valueNoise(p * freq, salt + 7);
                                          return std::sqrt(a * a + c * c) / (1.2 * freq) - radiusMm;
                                      });
}

// A plate of bone or tissue of half height `halfHeight` about z = zc whose cross-section is a path in the plane (the
// points' z ignored, radii in w): pedicles and laminae, channels in a vertebral body.
ShapePtr plate(std::vector<dvec4> pts, double zc, double halfHeight) {
    for (auto& q : pts) q.z = zc;
    auto path = tube(pts, pts.size() > 2);
    return std::make_shared<Implicit>(
        [path, zc, halfHeight](double z, Box2& bx) {
            return std::abs(z - zc) <= halfHeight + 1 && path->sliceBox(zc, bx);
        },
        [path, zc, halfHeight](const dvec3& p) {
            const double d = path->sdf({p.x, p.y, zc}), dz = std::abs(p.z - zc) - halfHeight;
            return d > 0 && dz > 0 ? std::hypot(d, dz) : std::max(d, dz);
        });
}
// A plate whose cross-section is a path of points (x, y) with radii (z) given at key levels: between two keys the
// points and radii are interpolated, so the path can curve, thin, thicken and move along z (the iliac wings). Every
// key holds the same number of points; the keys are in ascending z and the plate ends at the first and the last.
ShapePtr sweptPath(std::vector<std::pair<double, std::vector<dvec3>>> keys) {
    // The two keys about z and how far between them; the path's points are mixed on the fly (no copy per voxel).
    auto span = [keys](double z, std::size_t& i, double& t) {
        i = 1;
        while (i + 1 < keys.size() && keys[i].first < z) ++i;
        t = std::clamp((z - keys[i - 1].first) / (keys[i].first - keys[i - 1].first), 0.0, 1.0);
    };
    auto point = [keys](std::size_t i, double t, std::size_t n) {
        return glm::mix(keys[i - 1].second[n], keys[i].second[n], t);
    };
    const double zLo = keys.front().first, zHi = keys.back().first;
    const std::size_t count = keys.front().second.size();
    return std::make_shared<Implicit>(
        [span, point, zLo, zHi, count](double z, Box2& bx) {
            if (z < zLo - 1 || z > zHi + 1) return false;
            std::size_t i;
            double t;
            span(std::clamp(z, zLo, zHi), i, t);
            bx = {1e9, 1e9, -1e9, -1e9};
            for (std::size_t n = 0; n < count; ++n) {
                const dvec3 q = point(i, t, n);
                bx.x0 = std::min(bx.x0, q.x - q.z - 1), bx.y0 = std::min(bx.y0, q.y - q.z - 1);
                bx.x1 = std::max(bx.x1, q.x + q.z + 1), bx.y1 = std::max(bx.y1, q.y + q.z + 1);
            }
            return true;
        },
        [span, point, zLo, zHi, count](const dvec3& p) {
            std::size_t i;
            double t;
            span(std::clamp(p.z, zLo, zHi), i, t);
            double d = 1e9;
            dvec3 from = point(i, t, 0);
            for (std::size_t n = 1; n < count; ++n) {
                const dvec3 to = point(i, t, n);
                const glm::dvec2 a(from), ab = glm::dvec2(to) - a, q = glm::dvec2(p) - a;
                const double u = std::clamp(glm::dot(q, ab) / std::max(glm::dot(ab, ab), 1e-9), 0.0, 1.0);
                d = std::min(d, glm::length(q - ab * u) - glm::mix(from.z, to.z, u));
                from = to;
            }
            const double dz = std::max(zLo - p.z, p.z - zHi);
            return d > 0 && dz > 0 ? std::hypot(d, dz) : std::max(d, dz);
        });
}

// A spinous process: a midline plate `thick` wide from y0 back to y1, its axis sloping from zc down by `drop`, half
// height `halfHeight` at its root and two thirds of that at its tip.
ShapePtr spinous(double y0, double y1, double zc, double drop, double thick, double halfHeight) {
    return std::make_shared<Implicit>(
        [=](double z, Box2& bx) {
            if (z > zc + halfHeight + 1 || z < zc - drop - halfHeight - 1) return false;
            bx = {-thick - 1, y0 - 1, thick + 1, y1 + 1};
            return true;
        },
        [=](const dvec3& p) {
            const double t = std::clamp((p.y - y0) / (y1 - y0), 0.0, 1.0);
            const double zl = zc - drop * t, hh = halfHeight * (1.0 - 0.35 * t);
            return std::max({std::abs(p.x) - thick / 2, std::abs(p.z - zl) - hh, y0 - p.y, p.y - y1});
        });
}

// ---- landmarks ----

const std::vector<K>& torsoKeys() {
    static const std::vector<K> k{{-900, 0, 0, 110, 62},  {-880, 0, 2, 150, 88},   {-840, 0, 4, 166, 100},
                                  {-780, 0, 6, 168, 104}, {-700, 0, 6, 158, 104},  {-640, 0, 6, 148, 104},
                                  {-580, 0, 6, 145, 106}, {-500, 0, 8, 152, 112},  {-440, 0, 8, 156, 114},
                                  {-360, 0, 8, 158, 114}, {-300, 0, 10, 160, 108}, {-278, 0, 14, 150, 92},
                                  {-262, 0, 14, 95, 72}};
    return k;
}
// The skin outline of the trunk for a habitus: the reference outline with the extra subcutaneous fat, most over the
// abdomen and hips, least at the neck. Muscles and organs keep the reference positions.
// How much of a habitus's extra subcutaneous fat the trunk carries at z: all of it over the abdomen and hips.
double trunkFatShare(double z) {
    return z < -480 && z > -880 ? 1.0 : z <= -880 ? 0.6 : z > -280 ? 0.3 : 0.55;
}
std::vector<K> outlineKeys(const Habitus& h) {
    std::vector<K> out;
    for (auto k : torsoKeys()) {
        const double w = trunkFatShare(k.z);
        k.rx = std::max(5.0, k.rx + h.extraFatMm * w);
        k.ry = std::max(5.0, k.ry + h.extraFatMm * w * 0.8);
        out.push_back(k);
    }
    return out;
}
const std::vector<K>& cavityKeys() {
    // The thoracic cavity stops short of the back: the spine and paraspinal muscles lie behind it.
    static const std::vector<K> k{{-860, 0, -5, 62, 40}, {-820, 0, 2, 98, 62},   {-760, 0, 8, 118, 74},
                                  {-700, 0, 4, 130, 84}, {-640, 0, 0, 126, 84},  {-560, 0, 0, 130, 86},
                                  {-480, 0, 0, 138, 88}, {-400, 0, -2, 138, 88}, {-340, 0, 0, 128, 86},
                                  {-300, 0, 6, 108, 78}, {-272, 0, 14, 78, 60},  {-252, 0, 20, 40, 38}};
    return k;
}
// The visceral fat of the trunk: the cavity above the pelvic brim; below it the true pelvis narrows between the
// obturator internus muscles on the inner walls of the acetabula to the perirectal and ischioanal fat.
const std::vector<K>& visceralKeys() {
    static const std::vector<K> k = [] {
        std::vector<K> out{{-860, 0, 16, 34, 38},
                           {-825, 0, 12, 40, 58},
                           {-790, 0, 8, 42, 68},
                           {-765, 0, 8, 80, 76},
                           {-735, 0, 6, 112, 80}};
        for (const auto& c : cavityKeys())
            if (c.z >= -700) out.push_back(c);
        return out;
    }();
    return k;
}
// Skull base: anterior fossa high, middle fossa dips laterally, posterior fossa lowest.
double skullBaseZ(double x, double y) {
    double z = -106.0 + (-150.0 + 106.0) * smoothstep(-25, 35, y);
    z -= 18.0 * std::exp(-((y + 5) / 18) * ((y + 5) / 18)) * smoothstep(18, 40, std::abs(x));
    return z;
}

}  // namespace

double domeZ(double x, double y) {
    const double rr = (x + 72) * (x + 72) + 0.8 * (y - 10) * (y - 10);
    const double rl = (x - 72) * (x - 72) + 0.8 * (y - 10) * (y - 10);
    return std::max(-470.0 - 0.009 * rr, -485.0 - 0.009 * rl);
}

double spineY(double z) {
    static const std::vector<std::pair<double, double>> k{{-800, 84}, {-760, 64}, {-700, 40}, {-669, 28},
                                                          {-620, 24}, {-540, 34}, {-460, 44}, {-380, 48},
                                                          {-300, 32}, {-240, 16}, {-180, 8},  {-130, 12}};
    if (z <= k.front().first) return k.front().second;
    if (z >= k.back().first) return k.back().second;
    std::size_t i = 1;
    while (k[i].first < z) ++i;
    const double t = smoothstep(k[i - 1].first, k[i].first, z);
    return k[i - 1].second + (k[i].second - k[i - 1].second) * t;
}

namespace {
// The spinal canal's and the pedicles' radii at level z (cervical, thoracic, lumbar), and how much wider than round
// the ring of pedicles and laminae is.
double canalRadius(double z) {
    return z > -250 ? 9.0 : z > -520 ? 8.0 : 10.0;
}
double pedicleRadius(double z) {
    return z > -250 ? 3.2 : z > -520 ? 4.0 : 5.2;
}
constexpr double kRingWiden = 1.1;
// The sacrum: a wedge tilted back.
const std::vector<K>& sacrumKeys() {
    static const std::vector<K> k{{-805, 0, 90, 10, 7},
                                  {-780, 0, 78, 20, 12},
                                  {-740, 0, 60, 46, 18},
                                  {-705, 0, 44, 54, 21},
                                  {-690, 0, 38, 40, 20}};
    return k;
}
}  // namespace

double vertebraHalfWidth(const VertebraLevel& v) {
    const double cr = canalRadius(v.z), pr = pedicleRadius(v.z);
    return std::max(v.rx, (cr + pr * 0.7) * kRingWiden + pr);
}

std::pair<double, double> abdominopelvicYSpan(double zFromMm, double zToMm) {
    double front = 1e9, back = -1e9;
    auto take = [&](const std::vector<K>& keys) {
        for (const auto& k : keys)
            if (k.z >= zFromMm && k.z <= zToMm) {
                front = std::min(front, k.cy - k.ry);
                back = std::max(back, k.cy + k.ry);
            }
    };
    take(cavityKeys());
    take(sacrumKeys());
    return {front, back};
}

const std::vector<VertebraLevel>& vertebrae() {
    static const std::vector<VertebraLevel> v = [] {
        std::vector<VertebraLevel> out;
        const char* cn[] = {"C2", "C3", "C4", "C5", "C6", "C7"};
        for (int i = 0; i < 6; ++i) out.push_back({cn[i], -152.0 - 16.5 * i, 11.0, 9.0 + 0.4 * i, 8.0 + 0.2 * i});
        const char* tn[] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12"};
        for (int i = 0; i < 12; ++i)
            out.push_back({tn[i], -252.0 - 23.0 * i, 16.5 + 0.35 * i, 13.0 + 0.45 * i, 11.5 + 0.35 * i});
        const char* ln[] = {"L1", "L2", "L3", "L4", "L5"};
        for (int i = 0; i < 5; ++i)
            out.push_back({ln[i], -537.0 - 33.0 * i, 24.0 + 0.6 * i, 21.0 + 1.0 * i, 16.5 + 0.6 * i});
        return out;
    }();
    return v;
}
const VertebraLevel* findVertebra(const char* name) {
    for (const auto& v : vertebrae())
        if (std::string_view(v.name) == name) return &v;
    return nullptr;
}

namespace {
// How far rib n falls from its head to its front end. The lower ribs slope steeply: the 9th and 10th reach the costal
// margin at the first and second lumbar levels and the floating 11th and 12th end in the flank beside the kidneys, so
// a slice through the upper abdomen cuts five or six ribs round the liver and spleen, as on a real scan.
double ribDrop(int n) {
    static constexpr double kDrop[13] = {0, 22, 40, 40, 62, 62, 62, 62, 62, 92, 112, 96, 72};
    return kDrop[std::clamp(n, 1, 12)];
}
}  // namespace

std::vector<glm::dvec4> ribPath(int s, int n) {
    static const Extrusion cavity(cavityKeys());
    const VertebraLevel* v = findVertebra(("T" + std::to_string(n)).c_str());
    const double z0 = v->z + 4;
    const double phiEnd = glm::radians(n <= 7 ? 150.0 : n <= 10 ? 135.0 - (n - 8) * 8 : 105.0 - (n - 11) * 15);
    const double drop = ribDrop(n);
    std::vector<dvec4> pts;
    pts.push_back({s * (v->rx + 4), spineY(v->z) + 4, z0, 4.0});
    const int N = 12;
    for (int i = 0; i <= N; ++i) {
        const double t = double(i) / N;
        const double phi = glm::radians(12.0) + (phiEnd - glm::radians(12.0)) * t;
        const double z = z0 - drop * std::pow(t, 1.3);
        const auto k = cavity.at(z);
        const double out = 4.0;
        pts.push_back(
            {k.cx + s * (k.rx + out) * std::sin(phi), k.cy + (k.ry + out) * std::cos(phi), z, n == 1 ? 5.0 : 4.2});
    }
    return pts;
}

glm::dvec3 ribPointAt(int side, int n, double t, glm::dvec3* direction) {
    const auto pts = ribPath(side, n);
    const double f = std::clamp(t, 0.0, 1.0) * double(pts.size() - 1);
    const std::size_t i = std::min(std::size_t(f), pts.size() - 2);
    if (direction) *direction = glm::normalize(dvec3(pts[i + 1]) - dvec3(pts[i]));
    return glm::mix(dvec3(pts[i]), dvec3(pts[i + 1]), f - double(i));
}

glm::dvec3 flailInward(int n) {
    // The chord between the two breaks lies inside the rib's arc: from the arc's middle towards it is inwards.
    const dvec3 chord = (ribPointAt(-1, n, kFlailBreaks[0]) + ribPointAt(-1, n, kFlailBreaks[1])) * 0.5;
    const dvec3 arc = ribPointAt(-1, n, (kFlailBreaks[0] + kFlailBreaks[1]) * 0.5);
    const dvec3 d = chord - arc;
    return glm::normalize(dvec3(d.x, d.y, 0));
}

namespace {

// ---- the body, region by region ----

// What an upper arm holds besides its bone, placed along the humerus (points from the shoulder to the elbow) and the
// side s: the medial and lateral intermuscular septa that part the flexors (biceps, brachialis) in front from the
// triceps behind, the brachial artery with its paired veins in the medial groove, and the cephalic vein in the
// lateral subcutaneous fat.
void upperArmDetail(Builder& b, int s, const std::vector<dvec3>& humerus, double armRadius) {
    auto along = [&](dvec3 offsetMm, double r) {
        std::vector<dvec4> pts;
        for (const auto& p : humerus) pts.push_back({p.x + s * offsetMm.x, p.y + offsetMm.y, p.z, r});
        return tube(pts, true, 0.8, 0.08, 60 + std::uint64_t(s + 1) + std::uint64_t(r * 10));
    };
    // Each septum a thin sheet from the humerus out to the skin, medially and laterally.
    for (double side : {-1.0, 1.0}) {
        std::vector<K> sheet;
        for (auto it = humerus.rbegin(); it != humerus.rend(); ++it)  // ascending z
            sheet.push_back({it->z, it->x + s * side * 0.55 * armRadius, it->y, 0.5 * armRadius, 0.9});
        b.add(ext(sheet, 0, 0.8, 0.08, 64 + std::uint64_t(s + 1) * 2 + std::uint64_t(side > 0)), -90, kFat,
              bit(kMuscle));
    }
    b.add(along({-16, -6, 0}, 5.5), -90, kFat, bit(kMuscle));               // fat round the bundle
    b.add(along({-16, -6, 0}, 2.4), b.H(42, 320, 170), kBlood, bit(kFat));  // brachial artery
    for (double dy : {-3.5, 3.5})
        b.add(along({-18.5, -6 + dy, 0}, 1.8), b.H(42, 70, 150), kBlood, bit(kFat));                  // brachial veins
    b.add(along({0.9 * armRadius, -0.45 * armRadius, 0}, 2.2), b.H(42, 70, 150), kBlood, bit(kFat));  // cephalic vein
}

// A hand beside the thigh (arms down, palm towards the thigh, thumb in front): a flat palm and four fingers in a row,
// with the carpal bones in two rows at the wrist, five metacarpals and the phalanges parted at their joints, each a
// small bone with its own cortex. So a slice at the hips cuts bones in the hand, not a ring of skin round nothing.
constexpr double kHandY = -36;                       // the hand's middle, front to back
constexpr double kFingerY[] = {-26, -8.5, 8.5, 25};  // index to little finger, from the hand's middle
constexpr double kFingerEnd[] = {-952, -962, -954, -934};

ShapePtr handShape(int s, double dx) {
    const double y0 = kHandY;
    auto palm = ext({{-888, dx + s * 184.0, y0, 10, 36},
                     {-872, dx + s * 182.0, y0, 13, 41},
                     {-830, dx + s * 177.0, y0, 14, 38},
                     {-800, dx + s * 172.0, y0 + 2, 15, 28},
                     {-784, dx + s * 170.0, y0 + 2, 17, 24}},
                    0, 1.0, 0.06, 150 + s);
    std::vector<ShapePtr> digits;
    for (int f = 0; f < 4; ++f)
        digits.push_back(tube({{dx + s * 184.0, y0 + kFingerY[f] * 0.9, -874, 9},
                               {dx + s * 187.0, y0 + kFingerY[f], -910, 8.5},
                               {dx + s * 189.0, y0 + kFingerY[f], kFingerEnd[f], 7}},
                              true, 0.6, 0.1, 152 + std::uint64_t(f) * 2 + std::uint64_t(s + 1)));
    digits.push_back(tube(
        {{dx + s * 174.0, y0 - 22, -800, 12}, {dx + s * 178.0, y0 - 36, -846, 10}, {dx + s * 181.0, y0 - 40, -890, 8}},
        true, 0.6, 0.1, 162 + s));  // thumb
    for (const auto& part : digits) palm = smoothUnion(palm, part, 3);
    return palm;
}

// The hand's bones, inside handShape(s, dx).
void handBones(Builder& b, int s, double dx) {
    const double y0 = kHandY;
    // Carpal bones, front to back: scaphoid, lunate, triquetrum and pisiform in the proximal row; trapezium,
    // trapezoid, capitate and hamate in the distal one.
    const dvec4 carpals[] = {{-1, -17, -799, 7.0}, {0, -6, -797, 6.0}, {-1, 4, -799, 5.5}, {-5, 11, -801, 4.0},
                             {1, -18, -813, 5.5},  {2, -8, -812, 5.0}, {2, 2, -812, 7.0},  {1, 13, -811, 6.0}};
    std::uint64_t salt = 170 + std::uint64_t(s + 1) * 10;
    for (const dvec4& c : carpals)
        b.bone(ell({dx + s * (172.0 + c.x), y0 + c.y, c.z}, {0.9 * c.w, c.w, 1.1 * c.w}, glm::dmat3(1.0), 0.6, 0.2,
                   salt++),
               1.0, 950, 260);
    // Metacarpals, then the three phalanges of each finger with a joint space between them.
    for (int f = 0; f < 4; ++f) {
        const double y = y0 + kFingerY[f] * 0.9;
        b.bone(tube({{dx + s * 175.0, y, -822, 5}, {dx + s * 179.0, y, -848, 3.6}, {dx + s * 182.0, y, -868, 5}}), 1.2,
               1000, 200);
        const double len = (-874.0 - kFingerEnd[f]) - 8;
        double z = -877;
        for (double share : {0.45, 0.32, 0.23}) {
            const double l = len * share - 2.5;
            b.bone(
                tube({{dx + s * 185.0, y0 + kFingerY[f], z, 4}, {dx + s * 187.0, y0 + kFingerY[f], z - l, 3.2}}, false),
                1.0, 1000, 200);
            z -= l + 2.5;
        }
    }
    b.bone(tube({{dx + s * 174.0, y0 - 24, -812, 5}, {dx + s * 177.0, y0 - 34, -840, 4.2}}, false), 1.2, 1000, 200);
    b.bone(tube({{dx + s * 178.0, y0 - 37, -848, 4}, {dx + s * 181.0, y0 - 40, -884, 3.2}}, false), 1.0, 1000, 200);
}

// The outer surface of the trunk's muscles, inside the subcutaneous fat (thicker over the abdomen and hips).
ShapePtr trunkMuscleWall() {
    std::vector<K> muscleKeys;
    for (const auto& k : torsoKeys()) {
        const double fat = k.z < -560 && k.z > -860 ? 20 : 11;
        muscleKeys.push_back({k.z, k.cx, k.cy, std::max(5.0, k.rx - fat), std::max(5.0, k.ry - fat)});
    }
    return ext(muscleKeys, 0.88, 3.0, 0.03, 12);
}

void bodyWall(Builder& b) {
    // Torso, thighs and arms: skin, subcutaneous fat, muscle. Fat is thicker over abdomen and hips.
    auto torso = ext(outlineKeys(b.m.habitus), 0.9, 2.0, 0.02, 11);
    b.m.organs["trunk_skin"] = torso;
    b.m.skin.push_back(torso);
    b.add(torso, 35, kSkin);
    b.add(offset(torso, -2.5), -98, kFat, kAnyTissue, 14, 0.12);
    b.add(trunkMuscleWall(), 52, kMuscle, kAnyTissue, 10, 0.15);
    for (int s : {-1, 1}) {
        auto thigh = ext({{-1010, s * 88.0, -6, 72, 78},
                          {-930, s * 86.0, -4, 78, 84},
                          {-870, s * 82.0, -2, 82, 90},
                          {-840, s * 75.0, 0, 70, 80}},
                         0.92, 2.0, 0.03, 13 + s);
        b.m.skin.push_back(thigh);
        b.m.organs[s < 0 ? "thigh_skin_right" : "thigh_skin_left"] = thigh;
        b.add(thigh, 35, kSkin);
        b.add(offset(thigh, -2.5), -98, kFat);
        {
            auto n = b.as("thigh_muscles_" + sideName(s));
            b.add(offset(thigh, -13), 52, kMuscle);
        }
        // Arms beside the body, or raised above the head (out of the head's field of view) for the body scan.
        // An arm beside the body rests on the trunk's fat: it lies further out by the fat the habitus adds there.
        const bool up = b.m.habitus.armsUp;
        const double fat = std::max(0.0, b.m.habitus.extraFatMm);
        auto aside = [&]<class P>(std::vector<P> pts) {
            if (!up)
                for (auto& q : pts) q.x += s * fat * trunkFatShare(q.z);
            return pts;
        };
        auto arm = up ? tube({{s * 178.0, 18, -285, 34},
                              {s * 184.0, 26, -230, 33},
                              {s * 188.0, 34, -150, 31},
                              {s * 182.0, 24, -80, 27},
                              {s * 172.0, 6, -10, 24}},
                             true, 1.5, 0.05, 20 + s)
                      : tube(aside(std::vector<dvec4>{{s * 178.0, 18, -285, 34},
                                                      {s * 198.0, 22, -330, 36},
                                                      {s * 202.0, 22, -450, 34},
                                                      {s * 200.0, 18, -575, 30},
                                                      {s * 188.0, -5, -660, 28},
                                                      {s * 172.0, -30, -760, 24},
                                                      {s * 170.0, -34, -792, 20}}),
                             true, 1.5, 0.05, 20 + s);
        if (!up) arm = smoothUnion(arm, handShape(s, s * fat), 4);
        b.m.skin.push_back(arm);
        b.add(arm, 35, kSkin);
        b.add(offset(arm, -2.5), -98, kFat, kAnyTissue, 14, 0.12);
        b.add(offset(arm, -8), 52, kMuscle, kAnyTissue, 10, 0.15);
        upperArmDetail(
            b, s,
            up ? std::vector<dvec3>{{s * 178.0, 22, -300}, {s * 184.0, 28, -240}, {s * 188.0, 34, -160}}
               : aside(std::vector<dvec3>{{s * 180.0, 22, -320}, {s * 200.0, 24, -400}, {s * 200.0, 22, -560}}),
            30);
        if (up) {
            {
                auto n = b.as("humerus_" + sideName(s));
                b.bone(tube({{s * 174.0, 22, -305, 11}, {s * 184.0, 28, -240, 10}, {s * 188.0, 34, -150, 11}}, true),
                       3.0);
            }
            {
                auto n = b.as("radius_" + sideName(s));
                b.bone(tube({{s * 192.0, 36, -140, 8}, {s * 184.0, 26, -80, 7}, {s * 176.0, 12, -15, 7}}, true), 2.0);
            }
            auto n = b.as("ulna_" + sideName(s));
            b.bone(tube({{s * 182.0, 40, -140, 7}, {s * 174.0, 20, -80, 6}, {s * 166.0, 4, -15, 6}}, true), 2.0);
            continue;
        }
        {
            auto n = b.as("humerus_" + sideName(s));
            b.bone(tube(aside(std::vector<dvec4>{
                            {s * 174.0, 22, -305, 11}, {s * 200.0, 24, -400, 10}, {s * 200.0, 22, -570, 11}}),
                        true),
                   3.0);
        }
        {
            auto n = b.as("hand_bones_" + sideName(s));
            handBones(b, s, s * fat);
        }
        // Radius (in front, flaring at the wrist) and ulna, with the patient's palms towards the thighs.
        const std::vector<dvec4> radius{
            {196, 12, -590, 8}, {182, -15, -680, 7}, {170, -38, -772, 7}, {168, -44, -790, 9.5}};
        const std::vector<dvec4> ulna{{204, 24, -592, 7}, {190, -2, -680, 6}, {178, -24, -775, 6}, {175, -25, -789, 6}};
        for (auto [pts, name] : {std::pair{radius, "radius_"}, std::pair{ulna, "ulna_"}}) {
            for (auto& q : pts) q.x *= s;
            auto n = b.as(name + sideName(s));
            b.bone(tube(aside(pts), true), 2.0);
        }
    }
}

void brainParts(Builder& b, const ShapePtr& cavity);

void headOutline(Builder& b) {
    auto scalp = ell({0, 8, -88}, {80, 102, 90}, glm::dmat3(1.0), 1.0, 0.05, 30);
    auto face = ext({{-222, 0, 10, 52, 58},
                     {-205, 0, 0, 50, 64},
                     {-185, 0, -6, 55, 76},
                     {-160, 0, -2, 62, 84},
                     {-130, 0, -4, 68, 92},
                     {-95, 0, -2, 70, 94}},
                    0, 1.5, 0.05, 31);
    auto neck = ext({{-272, 0, 14, 70, 66}, {-240, 0, 12, 62, 64}, {-200, 0, 12, 58, 62}, {-150, 0, 15, 56, 60}}, 0.9,
                    1.0, 0.05, 32);
    auto outline = smoothUnion(scalp, smoothUnion(face, neck, 10), 10);
    b.m.skin.push_back(outline);
    b.add(outline, 35, kSkin);
    b.add(offset(outline, -2.5), -95, kFat);
    b.add(intersect(offset(smoothUnion(face, neck, 10), -8), below([](double, double) { return -100.0; }, -300, -90)),
          52, kMuscle);
    auto nose = tube({{0, -93, -100, 5}, {0, -104, -122, 9}, {0, -97, -138, 9}}, true, 0.8);
    b.add(nose, 35, kSkin);
    b.add(offset(nose, -2.5), -20, kFat);
    for (int s : {-1, 1}) b.add(ell({s * 63.0, -2, -80}, {9, 36, 30}), 50, kMuscle);  // temporalis
}

void head(Builder& b) {
    // Skull: outer table, diploe, inner table; cut below the skull base where the face takes over. The vault is about
    // 7 mm thick over the frontal and occipital bones and thins to 3-4 mm over the temporal squama, where the diploe
    // between the tables all but vanishes.
    auto cavity =
        intersect(ell({0, 8, -90}, {66.5, 87.5, 77.5}, glm::dmat3(1.0), 0.6, 0.04, 33), above(skullBaseZ, -180, 10));
    auto vault = std::make_shared<Implicit>(
        [cavity](double z, Box2& bx) {
            if (!cavity->sliceBox(z, bx)) return false;
            bx = {bx.x0 - 9, bx.y0 - 9, bx.x1 + 9, bx.y1 + 9};
            return true;
        },
        [cavity](const dvec3& p) {
            const double temporal = std::exp(-((p.y - 2) / 34) * ((p.y - 2) / 34)) *
                                    std::exp(-((p.z + 100) / 30) * ((p.z + 100) / 30)) *
                                    smoothstep(35, 62, std::abs(p.x));
            const double thick = 7.0 - 3.4 * temporal + 0.8 * valueNoise(p * 0.03, 34);
            return cavity->sdf(p) - thick;
        });
    auto skullOuter = intersect(vault, above([](double x, double y) { return skullBaseZ(x, y) - 6; }, -180, 10));
    // Scalp over the vault: skin, a dense fibro-fatty subcutaneous layer (greyer than body fat) and the galea on the
    // bone, rather than a band of pure fat.
    auto scalpZone = intersect(offset(skullOuter, 9), above([](double, double) { return -112.0; }, -180, 10));
    b.add(scalpZone, -20, kFat, bit(kFat), 75, 0.3);
    b.add(intersect(offset(skullOuter, 1.3), above([](double, double) { return -112.0; }, -180, 10)), 42, kSkin,
          bit(kFat));
    {
        auto n = b.as("skull");
        b.add(skullOuter, 1250, kBone, kAnyTissue, 80, 0.3);
        b.add(offset(skullOuter, -1.7), 430, kMarrow, bit(kBone), 190, 0.35);
        b.add(offset(cavity, 1.3), 1250, kBone, bit(kMarrow) | bit(kBone), 80, 0.3);
    }
    b.m.organs["cranial_cavity"] = cavity;
    b.m.organs["skull"] = skullOuter;
    brainParts(b, cavity);

    // Face: orbits, sinuses, nasal cavity, jaw, tongue, airway.
    for (int s : {-1, 1}) {
        auto orbit = ell({s * 31.0, -66, -106}, {17, 24, 17}, rotation(0, 0, s * 12.0));
        {
            auto n = b.as("orbit_" + sideName(s));
            b.add(offset(orbit, 1.8), 1000, kBone);
            b.add(orbit, -85, kFat, kAnyTissue, 5, 0.1);
            b.add(ell({s * 32.0, -76, -106}, {12, 12, 12}), 12, kFluid);
            b.add(ell({s * 32.0, -87, -106}, {4.5, 2, 4.5}), 105, kGland);
        }
        auto maxSinus = ell({s * 30.0, -48, -142}, {17, 20, 18}, glm::dmat3(1.0), 1.0, 0.06, 40 + s);
        {
            auto n = b.as("maxillary_sinus_" + sideName(s));
            b.add(offset(maxSinus, 1.8), 1000, kBone);
            b.add(maxSinus, -1000, kAir);
        }
        b.m.organs[s < 0 ? "maxillary_sinus_right" : "maxillary_sinus_left"] = maxSinus;
        auto mastoid = ell({s * 55.0, 32, -135}, {11, 13, 13});
        {
            auto n = b.as("temporal_bone_" + sideName(s));
            b.add(mastoid, -350, kAirway, kAnyTissue, 750, 0.35);
            b.add(tube({{s * 24.0, 12, -124, 7}, {s * 56.0, 26, -130, 9}}, false), 1450, kBone);  // petrous ridge
        }
        // Mandible (condyle, ramus, body) and teeth.
        auto mandible = tube({{s * 52.0, 4, -128, 6},
                              {s * 50.0, 6, -158, 8},
                              {s * 45.0, -8, -196, 8},
                              {s * 30.0, -55, -206, 8},
                              {0, -72, -208, 9}},
                             true, 0.6);
        {
            auto n = b.as("mandible");
            b.bone(mandible, 2.5, 1250, 420);
        }
        b.m.organs[s < 0 ? "mandible_right" : "mandible_left"] = mandible;  // the facial fractures break it
        {
            auto n = b.as("teeth");
            b.add(tube({{s * 28.0, -38, -167, 5}, {s * 20.0, -60, -167, 5}, {0, -70, -167, 5}}, true), 1900, kBone);
            b.add(tube({{s * 27.0, -36, -181, 4.5}, {s * 19.0, -57, -181, 4.5}, {0, -66, -181, 4.5}}, true), 1900,
                  kBone);
        }
        {
            auto n = b.as("sternocleidomastoid_" + sideName(s));
            b.add(tube({{s * 50.0, 30, -138, 8}, {s * 42.0, -18, -212, 10}, {s * 24.0, -52, -266, 7}}, true, 0.6), 55,
                  kMuscle);  // sternocleidomastoid
        }
        {
            auto n = b.as("thyroid_gland");
            b.add(ell({s * 18.0, -22, -245}, {8, 11, 19}), b.H(105, 190, 150), kGland);  // thyroid lobe
        }
    }
    auto sphenoid = ell({0, -14, -118}, {14, 12, 10});
    {
        auto n = b.as("sphenoid_sinus");
        b.add(offset(sphenoid, 2), 1000, kBone);
        b.add(sphenoid, -1000, kAir);
    }
    auto nasalCavity = ell({0, -56, -134}, {10, 30, 17}, glm::dmat3(1.0), 1.0, 0.08, 45);
    {
        auto n = b.as("nasal_cavity");
        b.add(nasalCavity, -1000, kAir);
    }
    b.m.organs["nasal_cavity"] = nasalCavity;
    b.add(ext({{-150, 0, -56, 0.9, 30}, {-115, 0, -56, 0.9, 30}}), 900, kBone);  // nasal septum
    {
        auto n = b.as("tongue");
        b.add(ell({0, -32, -182}, {25, 32, 14}), 62, kMuscle);  // tongue
    }
    // Pharynx down to the larynx; the trachea continues in chest().
    {
        auto n = b.as("pharynx");
        b.add(tube(kPharynx), -1000, kAirway);
    }
}

// Brain inside the cranial cavity: CSF rim, cortex with sulci, white matter, deep grey matter, ventricles, falx.
void brainParts(Builder& b, const ShapePtr& cavity) {
    const WarpSet* w = b.brain();
    b.add(cavity, 8, kCsf);
    auto brain = offset(cavity, -1.6);
    {
        auto n = b.as("brain");
        b.add(brain, 39, kBrain, bit(kCsf), 4, 0.05, w);
    }
    // Sulci: CSF clefts running in from the surface between the gyri, wider at the surface and closing towards their
    // fundus 5-21 mm deep. Their pattern lives on the brain's surface (a noise field sampled at the point's direction
    // from the centre, drifting a little with depth), so each cleft is a sheet standing on the surface, not a tube.
    struct Gyri {
        ShapePtr brain;
        // Distance along the surface to the nearest sulcus (mm), the sulcus's depth and its half width at this depth.
        void at(const dvec3& p, double& depth, double& toSulcus, double& sulcusDepth, double& halfWidth) const {
            depth = -brain->sdf(p);
            // The medial surfaces of the hemispheres face each other across the interhemispheric fissure above the
            // corpus callosum: their sulci run in from the midline.
            if (p.z > -58 && std::abs(p.y - 2) < 80) depth = std::min(depth, std::abs(p.x) - 1.3);
            const dvec3 q = (p - dvec3(0, 8, -90)) / dvec3(66.5, 87.5, 77.5);
            const double len = std::max(1e-6, glm::length(q));
            const dvec3 onSurface = dvec3(0, 8, -90) + q / len * dvec3(66.5, 87.5, 77.5);
            constexpr double f = 0.11;
            const double drift = std::max(0.0, depth) * 0.35;
            toSulcus = std::abs(valueNoise(onSurface * f + dvec3(drift * f, 0, drift * f * 0.5), 71)) / (1.2 * f);
            sulcusDepth = 13.0 + 8.0 * valueNoise(onSurface * 0.035, 73);
            halfWidth = 0.5 + 1.3 * std::clamp(1.0 - depth / std::max(1.0, sulcusDepth), 0.0, 1.0);
        }
    };
    const Gyri gyri{brain};
    auto inBrain = [brain](double z, Box2& bx) { return brain->sliceBox(z, bx); };
    b.add(std::make_shared<Implicit>(inBrain,
                                     [gyri](const dvec3& p) {
                                         double depth, to, sd, hw;
                                         gyri.at(p, depth, to, sd, hw);
                                         if (depth < -2) return -depth;
                                         return std::max(to - hw, depth - sd);
                                     }),
          8, kCsf, bit(kBrain), 0, 0.1, w);
    // White matter: the deep core (centrum semiovale), and a finger into every gyrus under a 2.8 mm cortical ribbon
    // that lines both banks and the fundus of each sulcus.
    auto core = intersect(ell({0, 6, -74}, {50, 72, 48}, glm::dmat3(1.0), 7.0, 0.07, 72), offset(cavity, -8));
    auto gyral = std::make_shared<Implicit>(inBrain, [gyri](const dvec3& p) {
        double depth, to, sd, hw;
        gyri.at(p, depth, to, sd, hw);
        return std::max(3.0 - depth, std::min(hw + 2.8 - to, sd + 2.8 - depth));
    });
    {
        auto n = b.as("brain_white_matter");
        b.add(smoothUnion(core, gyral, 4), 28, kBrain, bit(kBrain), 4, 0.07, w);
    }
    for (int s : {-1, 1}) {
        {
            auto n = b.as("lentiform_nucleus_" + sideName(s));
            b.add(ell({s * 19.0, -6, -82}, {9, 17, 11}, rotation(0, 0, s * 15.0)), 38, kBrain, kAnyTissue, 2, 0.1, w);
        }
        {
            auto n = b.as("thalamus_" + sideName(s));
            b.add(ell({s * 10.0, 13, -84}, {9, 13, 9}), 37, kBrain, kAnyTissue, 2, 0.1, w);
        }
        // Caudate: its head bulges into the frontal horn, its body tapers along the ventricle's lateral wall.
        {
            auto n = b.as("caudate_nucleus_" + sideName(s));
            b.add(
                tube({{s * 17.0, -20, -66, 8}, {s * 19.0, -4, -60, 5}, {s * 22.0, 16, -60, 3}}, true, 0.8, 0.1, 76 + s),
                37, kBrain, bit(kBrain), 2, 0.1, w);
        }
        b.add(ell({s * 52.0, -6, -86}, {4, 22, 8}, rotation(0, 0, s * 8.0), 1.0, 0.1, 74), 8, kCsf, bit(kBrain), 0, 0.1,
              w);  // Sylvian fissure
        // The lateral ventricles either side of the septum pellucidum, their frontal horns a few millimetres apart.
        auto lateral = tube({{s * 7.5, -30, -62, 3.5},
                             {s * 8.5, -12, -58, 5.5},
                             {s * 10.0, 10, -60, 5.5},
                             {s * 23.0, 32, -68, 6.5},
                             {s * 17.0, 52, -68, 2.5}});
        {
            auto n = b.as("lateral_ventricle_" + sideName(s));
            b.add(lateral, 7, kCsf, bit(kBrain), 0, 0.1, w);
            b.add(tube({{s * 23.0, 32, -68, 4.5}, {s * 32.0, 18, -86, 3.5}, {s * 33.0, -6, -96, 2.5}}), 7, kCsf,
                  bit(kBrain), 0, 0.1, w);
        }
        {
            auto n = b.as("cerebellum_" + sideName(s));
            b.add(ell({s * 24.0, 48, -131}, {30, 26, 19}, glm::dmat3(1.0), 1.5, 0.1, 75), 42, kBrain,
                  bit(kBrain) | bit(kCsf), 5, 0.45, w);  // cerebellar hemisphere with folia
        }
    }
    {
        auto n = b.as("third_ventricle");
        b.add(ell({0, 5, -80}, {2.2, 13, 8}), 7, kCsf, bit(kBrain), 0, 0.1, w);  // third ventricle
    }
    // Foramen magnum: the brainstem leaves the skull through the posterior fossa floor.
    b.add(tube({{0, 24, -138, 14}, {0, 22, -166, 13}}), 8, kCsf, bit(kBone) | bit(kMarrow) | bit(kMuscle), 0, 0.1, w);
    {
        auto n = b.as("brainstem");
        b.add(tube({{0, 8, -92, 11}, {0, 20, -122, 11}, {0, 24, -150, 9}, {0, 22, -166, 7}}), 33, kBrain,
              bit(kBrain) | bit(kCsf), 0, 0.1, w);
    }
    {
        auto n = b.as("fourth_ventricle");
        b.add(ell({0, 36, -128}, {7, 4.5, 7}), 7, kCsf, bit(kBrain), 0, 0.1, w);  // fourth ventricle
    }
    // Interhemispheric fissure and falx, above the corpus callosum.
    auto fissure = [cavity](double half) {
        return std::make_shared<Implicit>([cavity](double z, Box2& bx) { return z > -100 && cavity->sliceBox(z, bx); },
                                          [cavity, half](const dvec3& p) {
                                              double d = std::abs(p.x) - half;
                                              // Between genu and splenium the fissure ends on the corpus callosum,
                                              // whose body arches over the lateral ventricles: at their level the
                                              // midline holds the septum pellucidum, not the falx.
                                              const double t = (p.y - 2) / 36;
                                              const double callosum =
                                                  std::max(std::abs(p.y - 2) - 36, p.z + 46 + 14 * t * t);
                                              if (callosum < 0) d = std::max(d, -callosum);
                                              d = std::max(d, -(p.z + 100));
                                              return std::max(d, cavity->sdf(p) + 0.5);
                                          });
    };
    // The falx is a dural sheet under a millimetre thick: a little denser than brain, seen best where CSF borders it.
    b.add(fissure(1.3), 8, kCsf, bit(kBrain) | bit(kCsf), 0, 0.1, w);
    {
        auto n = b.as("falx_cerebri");
        b.add(fissure(0.35), 55, kCsf, bit(kBrain) | bit(kCsf), 0, 0.1, w);
    }
}

// The fissures of a lung and its lobes. The oblique (major) fissure runs from about the level of T4 at the back
// down and forwards to the front of the diaphragm, its lateral edge further forwards than its medial one (so an axial
// slice cuts it as a line from the back of the hilum out and forwards to the chest wall): behind and below it lies
// the lower lobe. On the right, the horizontal (minor) fissure at about the level of the hilum, sloping a little
// down towards the front, parts the middle lobe (below it) from the upper lobe in front of the oblique fissure.
// Each fissure is a pleural sheet under a millimetre thick (a fine line in a lung window, a band where a slice runs
// along it); the lobes only name the label map's voxels.
void lungLobes(Builder& b, int s, const ShapePtr& lung) {
    const double cx = s * 78.0;
    // Signed distance (mm, about) from the oblique fissure: positive behind it, in the lower lobe.
    auto oblique = [cx, s](const dvec3& p) {
        const double lateral = s * (p.x - cx);  // mm from the lung's centre towards the chest wall
        const double yf = 60 + (p.z + 330) * 0.6 - 0.35 * lateral + 0.003 * lateral * lateral +
                          3.0 * valueNoise(p * 0.02, 401 + std::uint64_t(s + 1));
        return (p.y - yf) / 1.22;
    };
    // Signed distance from the horizontal fissure: positive above it.
    auto horizontal = [](const dvec3& p) {
        const double zh = -390 + 0.25 * p.y + 3.0 * valueNoise(p * 0.025, 405);
        return (p.z - zh) / 1.03;
    };
    auto within = [lung](auto f) {
        return std::make_shared<Implicit>([lung](double z, Box2& bx) { return lung->sliceBox(z, bx); },
                                          [lung, f](const dvec3& p) { return std::max(lung->sdf(p), f(p)); });
    };
    const TissueMask onto = bit(kLung) | bit(kLungVessel);
    // A collapsed left lower lobe (a tube in the right main bronchus) draws its own fissure, displaced.
    if (!(s > 0 && b.m.has("endobronchial_intubation")))
        b.add(within([oblique](const dvec3& p) { return std::abs(oblique(p)) - 0.5; }), -100, kLung, bit(kLung)).thin =
            0.6;
    if (s < 0)
        b.add(within([oblique, horizontal](const dvec3& p) {
                  return std::max(std::abs(horizontal(p)) - 0.5, oblique(p) + 1.0);
              }),
              -100, kLung, bit(kLung))
            .thin = 0.6;
    auto lobe = [&](const std::string& name, auto f) {
        auto n = b.as(name);
        b.add(within(f), 0, kLung, onto).labelOnly = true;
    };
    const std::string side = sideName(s);
    lobe("lung_lower_lobe_" + side, [oblique](const dvec3& p) { return -oblique(p); });
    if (s > 0) {
        lobe("lung_upper_lobe_left", oblique);
        return;
    }
    lobe("lung_upper_lobe_right",
         [oblique, horizontal](const dvec3& p) { return std::max(oblique(p), -horizontal(p)); });
    lobe("lung_middle_lobe_right",
         [oblique, horizontal](const dvec3& p) { return std::max(oblique(p), horizontal(p)); });
}

ShapePtr lungShape(int s, bool collapsedSide) {
    (void)collapsedSide;
    const double cx = s * 78.0;
    auto e = ext({{-545, cx, 30, 60, 72},
                  {-480, cx, 10, 64, 92},
                  {-420, cx, 6, 64, 92},
                  {-350, cx, 6, 60, 84},
                  {-300, s * 64.0, 12, 50, 64},
                  {-272, s * 50.0, 18, 32, 42},
                  {-252, s * 36.0, 24, 12, 14}},
                 0, 2.0, 0.03, 50 + s);
    auto clipped = intersect(e, offset(ext(cavityKeys()), -1.5));
    return intersect(clipped, above(domeZ, -560, -240));
}

// A branching vessel or airway tree grown from a hilum into a lung.
void growTree(Builder& b, const ShapePtr& lung, dvec3 pos, dvec3 dir, double r, double len, int depth,
              std::uint64_t salt, float hu, float lungHU, Tissue t, TissueMask onto, bool airway) {
    // Bronchi narrower than about 3 mm show only near the hila on CT: the airway tree stops there.
    if (depth > 11 || r < (airway ? 1.5 : 0.35)) return;
    dvec3 end = pos + dir * len;
    for (int tries = 0; tries < 3 && lung->sdf(end) > -2.5; ++tries) {
        len *= 0.55;
        end = pos + dir * len;
    }
    if (lung->sdf(end) > -1.0 && depth > 0) return;
    const double r2 = r * 0.86;
    if (airway) {
        // The wall is about a sixth of the diameter: a millimetre round a segmental bronchus, thinner beyond.
        const double wall = 0.3 + 0.2 * r, wall2 = 0.3 + 0.2 * r2;
        b.add(tube({{pos, r + wall}, {end, r2 + wall2}}, false), 20, kAirway, onto).thin = 2 * (r + wall);
        b.add(tube({{pos, r}, {end, r2}}, false), -990, kAirway, bit(kAirway) | onto).thin = 2 * r;
    } else {
        b.add(tube({{pos, r}, {end, r2}}, false), hu, t, onto).thin = 2 * r;
    }
    for (int child = 0; child < 2; ++child) {
        const std::uint64_t h = hash3(depth, child, std::int64_t(salt), salt * 31 + 7);
        dvec3 rnd(unit(h) - 0.5, unit(mix64(h)) - 0.5, unit(mix64(h + 1)) - 0.5);
        rnd -= dir * glm::dot(rnd, dir);
        if (glm::length(rnd) < 1e-6) rnd = dvec3(0, 0, 1);
        rnd = glm::normalize(rnd);
        const double angle =
            glm::radians(child == 0 ? 22.0 + 12 * unit(mix64(h + 2)) : -(28.0 + 12 * unit(mix64(h + 3))));
        dvec3 nd = glm::normalize(dir * std::cos(angle) + rnd * std::sin(std::abs(angle)) * (child == 0 ? 1.0 : -1.0));
        const double rr = child == 0 ? r * 0.8 : r * 0.68;
        growTree(b, lung, end, nd, rr, len * (child == 0 ? 0.85 : 0.75), depth + 1, mix64(salt * 2 + child), hu, lungHU,
                 t, onto, airway);
    }
}

// Calcified atherosclerotic plaques on the wall of a vessel, more and larger with age (none before about 55).
void plaques(Builder& b, const ShapePtr& vessel) {
    const double load = std::clamp((b.m.habitus.age - 52) / 30.0, 0.0, 1.0);
    if (load <= 0) return;
    const double threshold = 0.72 - 0.3 * load;
    auto shell = subtract(offset(vessel, 1.2), offset(vessel, -0.8));
    auto spots = std::make_shared<Implicit>([shell](double z, Box2& bx) { return shell->sliceBox(z, bx); },
                                            [shell, threshold](const dvec3& p) {
                                                const double n = valueNoise(p * 0.12, 231);
                                                return std::max(shell->sdf(p), (threshold - n) / (1.2 * 0.12));
                                            });
    b.add(spots, 750, kBone, kAnyTissue, 150, 0.4, b.med());
}

// The heart inside its pericardial envelope `heart` (an ellipsoid in heartFrame()): chambers as a radiologist reads
// them on an axial slice, not bright ovals in a grey ball. In the heart's own frame (u along the long axis from the
// base to the apex, which points left, forwards and down; v across the septum towards the left ventricle; w
// upwards), the left ventricle is a thick-walled prolate cavity with two papillary muscles, the right ventricle a
// thin-walled crescent wrapped round the septum in front, and the atria sit at the base behind them, the left one in
// front of the oesophagus, the right one bulging from the right border. Epicardial fat fills the atrioventricular and
// interventricular grooves, where the coronary arteries run; the pericardium is a thin line outside it. In the
// arterial phase the right atrium mixes dense contrast from the superior vena cava with unopacified blood from the
// inferior vena cava, and the left heart is brighter than the right; without contrast, blood and myocardium are one
// grey and only the fat outlines the chambers.
void cardiac(Builder& b, const ShapePtr& heart, const WarpSet* mw) {
    const glm::dmat3 rot = heartFrame();
    auto chamber = [&](dvec3 c, dvec3 r, double wob, std::uint64_t salt) {
        return intersect(ell(heartPoint(c.x, c.y, c.z), r, rot, wob, 0.06, salt), offset(heart, -2.5));
    };
    const float myoHU = b.H(45, 118, 108);
    auto inHeart = b.as("heart");
    // Epicardial fat under the pericardium, then the muscle of each chamber on it.
    b.add(heart, -88, kHeart, kAnyTissue, 10, 0.1, mw);
    {
        auto n = b.as("pericardium");
        b.add(subtract(offset(heart, 1.1), heart), 32, kPleura, bit(kMediastinalFat) | bit(kLung), 0, 0.1, mw).thin =
            1.1;
    }
    auto lvOuter = chamber({6, 12, -6}, {58, 34, 46}, 1.2, 301);
    auto lvCavity = chamber(kLeftVentricleCavity, {47, 23, 34}, 0.8, 302);
    auto rvCavityEll = chamber({0, -15, -8}, {52, 23, 45}, 1.2, 303);
    auto rvOuter = offset(rvCavityEll, 3.5);
    auto laCavity = ell(heartPoint(-40, 20, 16), {17, 24, 17}, rot, 1.0, 0.06, 304);
    auto rightAtrium = ell({-32, -18, -446}, {22, 24, 27}, glm::dmat3(1.0), 1.0, 0.06, 305);
    b.m.organs["right_atrium"] = rightAtrium;
    // Muscle: the ventricles' walls (the septum is the left ventricle's), the atria's thin walls, the outflow tract.
    {
        auto n = b.as("heart_myocardium");
        b.add(unionOf({lvOuter, rvOuter}), myoHU, kHeart, bit(kHeart), 6, 0.1, mw);
        b.add(offset(laCavity, 2.0), myoHU, kHeart, bit(kHeart) | bit(kMediastinalFat), 4, 0.1, mw);
        b.add(offset(rightAtrium, 2.0), myoHU, kHeart, kAnyTissue, 4, 0.1, mw);
    }
    const dvec3 pulmonaryRoot = heartPoint(3, -31, 20), aorticRoot(-6, -22, -414);
    auto rvot = tube({glm::dvec4(heartPoint(4, -20, 6), 12), glm::dvec4(pulmonaryRoot, 12.5)});
    {
        auto n = b.as("heart_myocardium");
        b.add(offset(rvot, 3.0), myoHU, kHeart, bit(kHeart) | bit(kMediastinalFat), 4, 0.1, mw);
    }
    // Blood: right atrium (mixing in the arterial phase), right ventricle, left atrium, left ventricle.
    const bool arterial = b.c == Contrast::Arterial;
    {
        auto n = b.as("heart_atrium_right");
        b.add(rightAtrium, b.H(42, 175, 160), kBlood, kAnyTissue, arterial ? 95.0f : 6.0f, 0.07, mw);
    }
    {
        auto n = b.as("heart_ventricle_right");
        b.add(subtract(rvCavityEll, lvOuter), b.H(42, 190, 162), kBlood, bit(kHeart), arterial ? 30.0f : 5.0f, 0.08,
              mw);
        b.add(rvot, b.H(42, 200, 162), kBlood, kAnyTissue, 0, 0.1, mw);
    }
    // The moderator band crosses the right ventricle near the apex.
    {
        auto n = b.as("heart_myocardium");
        b.add(tube({glm::dvec4(heartPoint(30, -18, -8), 2.2), glm::dvec4(heartPoint(28, -31, -12), 2.0)}), myoHU,
              kHeart, bit(kBlood), 0, 0.1, mw);
    }
    {
        auto n = b.as("heart_atrium_left");
        b.add(laCavity, b.H(42, 300, 165), kBlood, kAnyTissue, 4, 0.1, mw);
    }
    {
        auto n = b.as("heart_ventricle_left");
        b.add(lvCavity, b.H(42, 322, 168), kBlood, bit(kHeart), 5, 0.1, mw);
        // The left ventricular outflow tract joins the cavity to the aortic root; the mitral inflow to the left atrium.
        b.add(tube({glm::dvec4(heartPoint(-8, 4, -2), 11), glm::dvec4(aorticRoot, 12)}), b.H(42, 322, 168), kBlood,
              bit(kHeart), 0, 0.1, mw);
    }
    {
        auto n = b.as("heart_atrium_left");
        b.add(tube({glm::dvec4(heartPoint(-18, 16, 4), 12), glm::dvec4(heartPoint(-36, 20, 14), 13)}),
              b.H(42, 310, 166), kBlood, bit(kHeart), 0, 0.1, mw);
    }
    // Papillary muscles: the anterolateral and posteromedial, from the free wall into the cavity.
    {
        auto n = b.as("heart_myocardium");
        for (double w : {-13.0, 13.0})
            b.add(ell(heartPoint(16, 25, w), {15, 5, 5.5}, rot, 0.6, 0.1, 306 + std::uint64_t(w > 0)), myoHU, kHeart,
                  bit(kBlood), 0, 0.1, mw);
    }
    // The grooves: the atrioventricular groove rings the heart near its base (u about -30), the interventricular
    // grooves run where the septum (v about -20) meets the surface. Each is a wedge of fat 8 mm wide at the surface
    // closing 7 mm deep, painted over the muscle (the cavities are painted after it).
    auto wedge = [&](auto across, std::uint64_t salt) {
        return std::make_shared<Implicit>([heart](double z, Box2& bx) { return heart->sliceBox(z, bx); },
                                          [heart, across, rot, salt](const dvec3& p) {
                                              const double h = heart->sdf(p);
                                              const dvec3 q = glm::transpose(rot) * (p - kHeartCentre);
                                              const double half =
                                                  4.0 * (1.0 + h / 7.0) + 0.8 * valueNoise(p * 0.08, salt);
                                              return std::max(std::abs(across(q)) - half, -h - 7.0);
                                          });
    };
    b.add(wedge([](const dvec3& q) { return q.x + 30; }, 321), -88, kHeart, bit(kHeart), 8, 0.1, mw);
    b.add(wedge([](const dvec3& q) { return q.y + 20; }, 322), -88, kHeart, bit(kHeart), 8, 0.1, mw);
    // Coronary arteries in those grooves, 3 mm under the pericardium: the right coronary round the right
    // atrioventricular groove to the crux, the circumflex round the left one, the left anterior descending down the
    // anterior interventricular groove towards the apex.
    const float coronaryHU = b.H(42, 330, 175);
    auto surfaceW = [](double u, double v, double sign) {
        const double f = 1.0 - (u / kHeartRadii.x) * (u / kHeartRadii.x) - (v / kHeartRadii.y) * (v / kHeartRadii.y);
        return sign * (kHeartRadii.z * std::sqrt(std::max(0.0, f)) - 3.0);
    };
    auto coronary = [&](std::vector<dvec3> pts, double r0, double r1, std::uint64_t salt) {
        auto n = b.as("coronary_arteries");
        std::vector<dvec4> q;
        for (std::size_t i = 0; i < pts.size(); ++i)
            q.push_back(
                dvec4(heartPoint(pts[i].x, pts[i].y, pts[i].z), r0 + (r1 - r0) * double(i) / double(pts.size() - 1)));
        auto t = tube(q, true, 0.6, 0.1, salt);
        b.add(offset(t, 2.5), -88, kHeart, bit(kHeart), 8, 0.1, mw);
        b.add(t, coronaryHU, kBlood, bit(kHeart) | bit(kMediastinalFat), 0, 0.1, mw).thin = 2 * r1;
        plaques(b, t);
    };
    // Round the atrioventricular ring at u = -30 (its radii there, 3 mm in): angle 90 is up, 180 the right side.
    auto ring = [](double degrees) {
        const double a = glm::radians(degrees), k = std::sqrt(1.0 - (30.0 / kHeartRadii.x) * (30.0 / kHeartRadii.x));
        return dvec3(-30, (kHeartRadii.y * k - 3.0) * std::cos(a), (kHeartRadii.z * k - 3.0) * std::sin(a));
    };
    coronary({ring(110), ring(150), ring(190), ring(230), ring(265)}, 2.0, 1.4, 311);  // right coronary
    coronary({ring(70), ring(30), ring(-10), ring(-50)}, 1.8, 1.2, 313);               // circumflex
    std::vector<dvec3> lad;
    for (double u : {-26.0, -5.0, 15.0, 35.0, 52.0}) lad.push_back({u, -20, surfaceW(u, -20, 1)});
    coronary(lad, 1.9, 1.1, 312);  // left anterior descending
}

void chest(Builder& b) {
    const WarpSet* mw = b.med();
    const bool tension = b.m.has("tension_pneumothorax");
    auto cavity = ext(cavityKeys(), 0, 2.0, 0.03, 60);
    b.add(ext(visceralKeys(), 0, 2.0, 0.03, 60), -95, kVisceralFat, kAnyTissue, 14, 0.1);
    // Diaphragm: a 5 mm muscle sheet under the lung bases.
    {
        auto n = b.as("diaphragm");
        b.add(std::make_shared<Implicit>(
                  [cavity](double z, Box2& bx) { return z > -570 && z < -460 && cavity->sliceBox(z, bx); },
                  [cavity](const dvec3& p) {
                      return std::max(cavity->sdf(p), std::abs(p.z - (domeZ(p.x, p.y) - 2.5)) - 3.0);
                  }),
              50, kMuscle);
    }
    // The erector spinae and multifidus fill the gutters beside the spinous processes, under the thoracolumbar
    // fascia: their back follows the trunk's muscle wall (subcutaneous fat behind them), a thin fat plane parts them
    // from the muscles round them.
    const auto wall = offset(trunkMuscleWall(), -1.0);
    for (int s : {-1, 1}) {
        auto paraspinal = intersect(ext({{-720, s * 28.0, 80, 20, 18},
                                         {-685, s * 32.0, 78, 26, 22},
                                         {-640, s * 40.0, 74, 34, 26},
                                         {-540, s * 36.0, 84, 30, 22},
                                         {-400, s * 30.0, 88, 24, 15},
                                         {-300, s * 28.0, 78, 26, 18},
                                         {-240, s * 30.0, 55, 26, 22},
                                         {-160, s * 28.0, 48, 24, 20}},
                                        0, 1.5, 0.05, 61 + s),
                                    wall);
        b.add(offset(paraspinal, 1.2), -80, kFat, bit(kMuscle));
        {
            auto n = b.as("autochthon_" + sideName(s));
            b.add(paraspinal, 54, kMuscle, bit(kMuscle) | bit(kFat), 8, 0.15);
        }
        // Pectoralis major, inside the chest wall's fat.
        {
            auto n = b.as("pectoralis_major_" + sideName(s));
            b.add(intersect(ell({s * 70.0, -100, -330}, {70, 14, 42}, rotation(0, 0, s * -8.0), 1.5, 0.04, 63 + s),
                            offset(ext(torsoKeys(), 0.9), -6)),
                  52, kMuscle, kAnyTissue, 10, 0.15);
        }
    }
    // Lungs with pulmonary vessels and bronchi.
    const float lungHU = -870;
    for (int s : {-1, 1}) {
        auto lung = lungShape(s, false);
        b.m.organs[s < 0 ? "lung_right" : "lung_left"] = lung;
        const bool collapsed = tension && s == -1;
        auto inLung = b.as("lung_" + sideName(s));
        if (collapsed) {
            b.add(lung, -1000, kPleura);  // pleural air filling the right hemithorax
            auto stump = ell({-42, 18, -385}, {20, 28, 48}, rotation(0, 0, 10), 3.0, 0.08, 66);
            b.add(stump, -450, kLung, kAnyTissue, 60, 0.15);
            continue;
        }
        b.add(lung, lungHU, kLung);
        addDependentAtelectasis(b.m, lung);
        // The fine peripheral vessels the trees below do not reach: a sparse tangle of sub-millimetre branches.
        b.add(noiseCurves(lung, 0.035, 0.7, 221 + s), 40, kLungVessel, bit(kLung)).thin = 1.4;
        lungLobes(b, s, lung);
    }
    for (int s : {-1, 1}) {
        const bool collapsed = tension && s == -1;
        auto lung = collapsed ? ell({-42, 18, -385}, {20, 28, 48}, rotation(0, 0, 10)) : lungShape(s, false);
        const TissueMask onto = bit(kLung) | bit(kLungVessel);
        const dvec3 hilum(s * 48.0, 14, -362);
        const float paHU = b.H(42, 260, 160), pvHU = b.H(42, 280, 165);
        const double scale = collapsed ? 0.35 : 1.0;
        // Trunks fan out from the hilum over the lateral half-sphere, arteries above, veins lower and posterior.
        auto trunk = [&](int i, std::uint64_t salt) {
            const std::uint64_t h = hash3(i, s, 0, salt);
            const double up = unit(h) * 2 - 1, around = (unit(mix64(h)) - 0.5) * 3.0;
            return glm::normalize(dvec3(s * (0.35 + 0.6 * std::cos(around) * std::sqrt(1 - up * up)),
                                        std::sin(around) * std::sqrt(1 - up * up), up * 1.2));
        };
        for (int i = 0; i < 14; ++i) {
            {
                auto n = b.as("pulmonary_arteries_" + sideName(s));
                growTree(b, lung, hilum + dvec3(0, 0, -3.0 * i + 12), trunk(i, 11), 2.7 * scale + 0.5, 34 * scale,
                         collapsed ? 5 : 0, 100 + i + s * 10, paHU, lungHU, kLungVessel, onto, false);
            }
            {
                auto n = b.as("pulmonary_veins_" + sideName(s));
                growTree(b, lung, hilum + dvec3(-s * 2.0, 14, -16.0 - 2 * i), trunk(i, 22), 2.6 * scale + 0.4,
                         32 * scale, collapsed ? 5 : 0, 200 + i + s * 10, pvHU, lungHU, kLungVessel, onto, false);
            }
            auto n = b.as("bronchi_" + sideName(s));
            if (i < 6)
                growTree(b, lung, hilum + dvec3(s * 2.0, 6, 6.0 - 6 * i), trunk(i, 33), 3.5 * scale + 0.5, 28 * scale,
                         collapsed ? 7 : 3, 300 + i + s * 10, 0, lungHU, kAirway, onto | bit(kAirway), true);
        }
    }
    // Mediastinum: fat, heart, great vessels, airway and oesophagus (shifted as a whole by a tension pneumothorax).
    b.add(ext({{-488, 8, -12, 40, 58},
               {-430, 10, -18, 44, 72},
               {-360, 4, -12, 32, 64},
               {-300, 0, -4, 24, 46},
               {-268, 0, 6, 16, 26}},
              0, 2.0, 0.05, 67),
          -90, kMediastinalFat, kAnyTissue, 12, 0.1, mw);
    b.add(ell(kHeartCentre, {68, 52, 56}, heartFrame(), 2.0, 0.05, 68), -85, kMediastinalFat, kAnyTissue, 0, 0.05, mw);
    auto heart = ell(kHeartCentre, kHeartRadii, heartFrame(), 1.5, 0.05, 69);
    b.m.organs["heart"] = heart;
    cardiac(b, heart, mw);
    const float aoHU = b.H(45, 330, 175);
    auto aorta = tube({{-6, -22, -414, 13.5},
                       {-8, -26, -380, 15},
                       {-8, -22, -330, 14},
                       {-3, -10, -305, 13},
                       {12, 14, -300, 12.5},
                       {24, 30, -312, 12},
                       {28, 38, -345, 11.5},
                       {28, 42, -400, 11},
                       {22, 36, -470, 11},
                       {12, 18, -515, 10.5},
                       {5, 6, -560, 10},
                       {4, -2, -620, 9.5},
                       {4, -4, -655, 9}});
    {
        auto n = b.as("aorta");
        b.add(aorta, aoHU, kBlood, kAnyTissue, 0, 0.1, mw);
        b.m.organs["aorta"] = aorta;
        plaques(b, aorta);
    }
    {
        auto n = b.as("brachiocephalic_trunk");
        b.add(tube({{-4, -14, -308, 6}, {-14, -14, -280, 6}, {-22, -8, -262, 5}}), aoHU, kBlood, kAnyTissue, 0, 0.1,
              mw);
    }
    {
        auto n = b.as("subclavian_artery_right");
        b.add(tube({{-22, -8, -262, 5}, {-70, 4, -272, 4.5}, {-150, 15, -285, 4}}), aoHU, kBlood, kAnyTissue, 0, 0.1,
              mw);
    }
    {
        auto n = b.as("common_carotid_artery_left");
        b.add(tube({{6, -2, -302, 4.5}, {18, -8, -272, 4}}), aoHU, kBlood, kAnyTissue, 0, 0.1, mw);
    }
    {
        auto n = b.as("subclavian_artery_left");
        b.add(tube({{18, 20, -303, 5}, {34, 20, -272, 4.5}, {80, 8, -272, 4.5}, {150, 15, -285, 4}}), aoHU, kBlood,
              kAnyTissue, 0, 0.1, mw);
    }
    for (int s : {-1, 1}) {
        auto carotid = tube({{s * (s < 0 ? 22.0 : 18.0), -8, -262, 4},
                             {s * 24.0, -10, -210, 3.6},
                             {s * 24.0, 2, -160, 3.4},
                             {s * 21.0, 8, -128, 2.8}});
        {
            auto n = b.as("common_carotid_artery_" + sideName(s));
            b.add(carotid, aoHU, kBlood);  // common / internal carotid
        }
        b.m.organs[s < 0 ? "carotid_right" : "carotid_left"] = carotid;
        {
            auto n = b.as("internal_jugular_vein_" + sideName(s));
            b.add(tube({{s * 36.0, 12, -132, 5}, {s * 34.0, -6, -215, 6.5}, {s * 26.0, -14, -272, 7}}),
                  b.H(42, 95, 160),
                  kBlood);  // internal jugular
        }
    }
    // Veins: left brachiocephalic (dense contrast from the arm), SVC, IVC.
    const float svcHU = b.H(42, 420, 170);
    {
        auto n = b.as("brachiocephalic_vein_left");
        b.add(tube({{80, -10, -270, 5}, {20, -30, -288, 5.5}, {-30, -24, -298, 7}}), svcHU, kBlood, kAnyTissue, 0, 0.1,
              mw);
    }
    {
        auto n = b.as("superior_vena_cava");
        b.add(tube({{-30, -24, -298, 8}, {-32, -20, -360, 9.5}, {-32, -18, -420, 10}}), svcHU, kBlood, kAnyTissue, 0,
              0.1, mw);
    }
    // Pulmonary trunk and arteries.
    const float paHU = b.H(42, 260, 160);
    {
        auto n = b.as("pulmonary_artery");
        b.add(tube({{10, -58, -410, 13}, {14, -40, -365, 13}, {14, -24, -345, 12}}), paHU, kBlood, kAnyTissue, 0, 0.1,
              mw);
        b.add(tube({{14, -24, -345, 10}, {38, 2, -352, 9}, {50, 14, -362, 7}}), paHU, kBlood, kAnyTissue, 0, 0.1, mw);
        b.add(tube({{14, -24, -345, 10}, {-10, -12, -350, 9.5}, {-30, 4, -356, 9}, {-48, 14, -362, 7}}), paHU, kBlood,
              kAnyTissue, 0, 0.1, mw);
    }
    {
        auto n = b.as("pulmonary_vein");
        for (int s : {-1, 1})
            b.add(tube({{s * 50.0, 26, -395, 6}, {s * 22.0, 14, -398, 7}}), b.H(42, 280, 165), kBlood, kAnyTissue, 0,
                  0.1, mw);
    }
    // Trachea and main bronchi, oesophagus.
    auto trachea = tube({{0, -22, -232, 9}, {0, -14, -275, 9.5}, {1, 4, -318, 9.5}, {2, 12, -334, 8}});
    {
        auto n = b.as("trachea");
        b.add(offset(trachea, 2), 60, kCartilage, kAnyTissue, 0, 0.1, mw);
        b.add(trachea, -1000, kAirway, kAnyTissue, 0, 0.1, mw);
    }
    b.m.organs["trachea"] = trachea;
    for (int s : {-1, 1}) {
        auto bronchus = s < 0 ? tube({{2, 12, -334, 7.5}, {-24, 20, -352, 7}, {-44, 16, -368, 6}})
                              : tube({{2, 12, -334, 7}, {26, 18, -356, 6.5}, {48, 16, -376, 5.5}});
        {
            auto n = b.as("main_bronchus_" + sideName(s));
            b.add(offset(bronchus, 1.8), 60, kCartilage, kAnyTissue, 0, 0.1, mw);
            b.add(bronchus, -1000, kAirway, kAnyTissue, 0, 0.1, mw);
        }
        b.m.organs[s < 0 ? "main_bronchus_right" : "main_bronchus_left"] = bronchus;
    }
    const bool oesoTube = b.m.has("esophageal_intubation");
    auto oeso = tube({{0, 0, -212, 7},
                      {3, 8, -260, 7.5},
                      {4, 24, -320, 7.5},
                      {6, 26, -380, 7.5},
                      {8, 20, -450, 7.5},
                      {24, 6, -495, 8.5},
                      {42, 6, -512, 10}});
    {
        auto n = b.as("esophagus");
        b.add(oesoTube ? offset(oeso, 4) : oeso, 45, kBowel, kAnyTissue, 0, 0.1, mw);
        b.add(offset(oeso, oesoTube ? 1.5 : -5.5), -1000, kAirway, kAnyTissue, 0, 0.1, mw);
    }
    b.m.organs["oesophagus"] = oeso;
    // Sternum, clavicles, scapulae, shoulders.
    auto sternum = ext({{-468, 0, -96, 5, 3},
                        {-450, 0, -100, 12, 5},
                        {-400, 0, -100, 14, 6},
                        {-318, 0, -92, 15, 6},
                        {-305, 0, -88, 24, 8},
                        {-276, 0, -80, 20, 8}},
                       0, 0.5, 0.1, 70);
    {
        auto n = b.as("sternum");
        b.bone(sternum, 1.5, 900, 260);
    }
    b.m.organs["sternum"] = sternum;
    for (int s : {-1, 1}) {
        {
            auto n = b.as("clavicula_" + sideName(s));
            b.bone(tube({{s * 14.0, -80, -270, 8},
                         {s * 60.0, -88, -263, 7},
                         {s * 110.0, -62, -262, 6.5},
                         {s * 148.0, -10, -266, 6.5}}),
                   2.0);
        }
        {
            auto n = b.as("scapula_" + sideName(s));
            b.bone(intersect(ell({s * 112.0, 80, -338}, {50, 4, 70}, rotation(0, 0, s * -38.0), 1.0, 0.08, 71 + s),
                             offset(ext(torsoKeys(), 0.9), -14)),
                   1.4, 900, 300);
            b.bone(tube({{s * 85.0, 100, -295, 5}, {s * 135.0, 50, -280, 5}}, false), 1.5);  // scapular spine
            b.bone(ell({s * 145.0, 30, -290}, {10, 16, 18}), 2.0);                           // glenoid
        }
        {
            auto n = b.as("humerus_" + sideName(s));
            b.bone(ell({s * 170.0, 26, -292}, {22, 22, 24}), 1.5, 900, 260);  // humeral head
        }
    }
}

// Endotracheal tube: in the trachea, or (injury) in the oesophagus. Painted after the head and neck so that the
// pharynx and tongue do not erase it on its way from the mouth.
void endotrachealTube(Builder& b) {
    const WarpSet* mw = b.med();
    const bool oesoTube = b.m.has("esophageal_intubation");
    // Pushed in too far (injury): down the trachea, past the carina and 2 cm into the right main bronchus, which
    // leaves the steeper, wider way on; the cuff lies in the distal trachea above the carina.
    const bool deepTube = b.m.has("endobronchial_intubation");
    const std::vector<dvec4> ettPath =
        oesoTube ? std::vector<dvec4>{{0, -62, -180, 4.6}, {0, -18, -186, 4.6}, {0, -6, -205, 4.6},
                                      {2, 4, -250, 4.6},   {4, 18, -300, 4.6},  {5, 26, -335, 4.6}}
        : deepTube
            ? std::vector<dvec4>{{0, -62, -180, 4.6}, {0, -18, -186, 4.6}, {0, -20, -215, 4.6}, {0, -18, -250, 4.6},
                                 {0, -8, -290, 4.6},  {1, 5, -318, 4.6},   {-5, 14, -336, 4.6}, {-14, 17, -345, 4.6}}
            : std::vector<dvec4>{{0, -62, -180, 4.6},
                                 {0, -18, -186, 4.6},
                                 {0, -20, -215, 4.6},
                                 {0, -18, -250, 4.6},
                                 {0, -4, -295, 4.6}};
    if (deepTube) {
        // The cuff: a thin-walled balloon of air round the tube, filling the distal trachea.
        auto cuff = [](double r) { return ell({0.8, -1, -306}, {r, r, r + 5}, rotation(-23, 0, 0)); };
        b.add(subtract(cuff(8.6), cuff(7.9)), 70, kDevice, bit(kAirway), 0, 0.1, mw);
    }
    auto ett = tube(ettPath);
    b.add(ett, 160, kDevice, kAnyTissue, 0, 0.1, mw);
    b.add(offset(ett, -1.2), -1000, kAirway, bit(kDevice), 0, 0.1, mw);
    // The radio-opaque line in the tube's left wall: it draws the tube on the scout as on a chest film (a line over the
    // tracheal air column wherever the tube really lies) and shows as a bright dot in the wall on the axials.
    std::vector<dvec4> stripe;
    for (const auto& k : ettPath) stripe.push_back({k.x + 3.6, k.y, k.z, 0.8});
    b.add(tube(stripe), 12000, kDevice, kAnyTissue, 0, 0.1, mw);
}

// A rib of a flail segment in three pieces: the posterior arc up to the posterolateral break, the segment between the
// breaks pushed in, and the anterior arc from the anterolateral break on. Each broken end is cut square with
// marrow out to the break (no cortex closes a fresh fracture); the pushed-in segment leaves a cortical step at
// each end.
void flailRib(Builder& b, int n, const std::vector<dvec4>& pts) {
    dvec3 dir[2];
    const dvec3 brk[2] = {ribPointAt(-1, n, kFlailBreaks[0], &dir[0]), ribPointAt(-1, n, kFlailBreaks[1], &dir[1])};
    const double f[2] = {kFlailBreaks[0] * double(pts.size() - 1), kFlailBreaks[1] * double(pts.size() - 1)};
    const double g = kFlailGapMm / 2, reach = 6.0, w = pts[1].w;
    // The side of the plane through break k (normal along the rib) towards the front end (sign +1) or the head (-1).
    auto side = [&](int k, double sign) {
        const dvec3 c = brk[k], nrm = dir[k] * sign;
        return std::make_shared<Implicit>(
            [](double, Box2& bx) {
                bx = {-1e4, -1e4, 1e4, 1e4};
                return true;
            },
            [c, nrm, g](const dvec3& p) { return g - glm::dot(p - c, nrm); });
    };
    // The points of the path between the fractions a and b, run on a little past each cut so the cut is square.
    auto span = [&](double a, double bEnd, bool fromHead, bool toEnd) {
        std::vector<dvec4> out;
        if (!fromHead) out.push_back(dvec4(ribPointAt(-1, n, a / double(pts.size() - 1)), w));
        for (std::size_t i = 0; i < pts.size(); ++i)
            if ((fromHead || double(i) > a) && (toEnd || double(i) < bEnd)) out.push_back(pts[i]);
        if (!toEnd) out.push_back(dvec4(ribPointAt(-1, n, bEnd / double(pts.size() - 1)), w));
        return out;
    };
    auto extend = [&](std::vector<dvec4> p, int k, bool atEnd) {
        const dvec3 e = brk[k] + dir[k] * (atEnd ? reach : -reach);
        if (atEnd)
            p.back() = dvec4(e, w);
        else
            p.front() = dvec4(e, w);
        return p;
    };
    // A piece moved by `shift`, then cut square at the breaks (so the gaps keep their width whichever way it moved).
    auto piece = [&](ShapePtr rib, std::vector<ShapePtr> cuts, dvec3 shift) {
        ShapePtr cortex = shifted(rib, shift), marrow = shifted(offset(rib, -1.3), shift);
        for (auto& c : cuts) {
            cortex = intersect(cortex, c);
            marrow = intersect(marrow, c);
        }
        b.add(cortex, 1000, kBone, kAnyTissue, 60, 0.4);
        b.add(marrow, 300, kMarrow, bit(kBone), 90, 0.55);
    };
    // Posterior arc: from the head to the posterolateral break.
    piece(tube(extend(span(0, f[0], true, false), 0, true)), {side(0, -1)}, dvec3(0));
    // The flail segment, pushed in.
    auto mid = span(f[0], f[1], false, false);
    mid = extend(extend(mid, 0, false), 1, true);
    piece(tube(mid), {side(0, 1), side(1, -1)}, flailInward(n) * kFlailDepressionMm);
    // Anterior arc: from the anterolateral break to the front end.
    piece(tube(extend(span(f[1], 0, false, true), 1, false)), {side(1, 1)}, dvec3(0));
}

void ribs(Builder& b) {
    for (int s : {-1, 1}) {
        for (int n = 1; n <= 12; ++n) {
            const VertebraLevel* v = findVertebra(("T" + std::to_string(n)).c_str());
            const double drop = ribDrop(n);
            std::vector<dvec4> pts = ribPath(s, n);
            // Displaced fractures of right ribs 5-8 (injury): the lateral arc is broken and offset.
            const bool broken = b.m.has("rib_fractures") && s == -1 && n >= 5 && n <= 8;
            const bool flail = b.m.has("flail_chest") && s == -1 && n >= kFlailFirstRib && n <= kFlailLastRib;
            auto rib = b.as("rib_" + sideName(s) + "_" + std::to_string(n));
            if (flail) {
                flailRib(b, n, pts);
            } else if (broken) {
                const std::size_t cut = 7;
                std::vector<dvec4> a(pts.begin(), pts.begin() + cut), c(pts.begin() + cut, pts.end());
                const dvec3 mid = (dvec3(a.back()) + dvec3(c.front())) * 0.5;
                const dvec3 dir = glm::normalize(dvec3(c.front()) - dvec3(a.back()));
                a.push_back(dvec4(mid - dir * 1.0, a.back().w));
                c.insert(c.begin(), dvec4(mid + dir * 1.0, c.front().w));
                for (auto& p : c) p = dvec4(dvec3(p) + dvec3(3.5, -2.0, 2.0), p.w);
                b.bone(tube(a), 1.3, 1000, 300);
                b.bone(tube(c), 1.3, 1000, 300);
            } else {
                b.bone(tube(pts), 1.3, 1000, 300);
            }
            if (n <= 10) {
                auto cartilage = b.as("costal_cartilages");
                const dvec3 end(pts.back());
                const dvec3 target = n <= 7 ? dvec3(s * 14.0, -96, v->z - drop - 8 - (n - 1) * 2.0)
                                            : dvec3(s * (40.0 + 10 * (n - 7)), -88, end.z + 12);
                b.add(tube({{end, 3.6}, {(end + target) * 0.5 + dvec3(0, -4, 0), 3.4}, {target, 3.2}}), 130,
                      kCartilage);
            }
        }
    }
}

void spine(Builder& b) {
    const auto& levels = vertebrae();
    // Spinal canal with CSF and cord following the curvature.
    std::vector<dvec4> canal, cord;
    for (double z = -135; z >= -690; z -= 15) {
        const double y = spineY(z);
        const double ry = z > -250 ? 8 : z > -520 ? 11 : 16;
        canal.push_back({0, y + ry + 7.5, z, z > -250 ? 8.5 : z > -520 ? 7.5 : 9.0});
        if (z > -535) cord.push_back({0, y + ry + 7.5, z, z > -250 ? 5.0 : 4.2});
    }
    for (std::size_t i = 0; i + 1 < levels.size(); ++i) {
        const auto &lo = levels[i + 1], &hi = levels[i];
        const double top = lo.z + lo.height / 2, bottom = hi.z - hi.height / 2;
        auto disc = b.as("intervertebral_discs");
        b.add(ext({{top - 0.5, 0, spineY(lo.z), lo.rx * 0.97, lo.ry * 0.97},
                   {bottom + 0.5, 0, spineY(hi.z), hi.rx * 0.97, hi.ry * 0.97}}),
              85, kCartilage);  // disc
    }
    for (const auto& v : levels) {
        const bool burst = b.m.has("vertebral_burst_fracture") && std::string_view(v.name) == "L1";
        auto vertebra = b.as(std::string("vertebrae_") + v.name);
        const double h = burst ? v.height * 0.7 : v.height;
        const double grow = burst ? 3.0 : 0.0;
        const double y = spineY(v.z);
        auto body = ext({{v.z - h / 2, 0, y, (v.rx + grow) * 0.9, (v.ry + grow) * 0.9},
                         {v.z - h / 2 + 2, 0, y, v.rx + grow, v.ry + grow},
                         {v.z + h / 2 - 2, 0, y, v.rx + grow, v.ry + grow},
                         {v.z + h / 2, 0, y, (v.rx + grow) * 0.9, (v.ry + grow) * 0.9}},
                        0, 0.6, 0.15, 80);
        // The cervical bodies, for the injuries that break them.
        if (v.name[0] == 'C') b.m.organs[std::string("vertebral_body_") + v.name] = body;
        // The body: a thin cortical shell round cancellous bone, whose trabeculae show as a coarse lattice of brighter
        // lines in red marrow, and the basivertebral vein's channel entering from the back at mid-height.
        b.bone(body, 1.1, 950, 200);
        b.add(intersect(offset(body, -1.5), noiseSheets(body, 0.55, 0.4, 81)), 360, kMarrow, bit(kMarrow)).thin = 0.4;
        b.add(plate({{0, y + v.ry, 0, 1.2}, {0, y + v.ry * 0.45, 0, 0.9}, {-v.rx * 0.25, y + v.ry * 0.05, 0, 0.6}}, v.z,
                    h * 0.12),
              80, kMarrow, bit(kMarrow));
        b.add(plate({{0, y + v.ry * 0.45, 0, 0.9}, {v.rx * 0.25, y + v.ry * 0.05, 0, 0.6}}, v.z, h * 0.12), 80, kMarrow,
              bit(kMarrow));
        const double cy = y + v.ry + 7.5, cr = canalRadius(v.z), pr = pedicleRadius(v.z);
        // The arch springs from the upper half of the body; a burst fracture crushes the body, not the arch.
        const double zc = v.z + v.height * 0.12;
        const double archHalf = v.z > -250 ? 0.25 * v.height : 0.32 * v.height;
        // Pedicles and laminae as a ring around the canal, then spinous and transverse processes, all as plates of
        // bone as tall as a real arch (an axial slice through the body shows its arch, not a ring of tube).
        const bool lumbar = v.z < -520;
        std::vector<dvec4> ring, lamina;
        if (lumbar) {
            // A lumbar arch: short thick pedicles straight back from the body, then laminae meeting at an angle
            // behind a triangular canal.
            const double R = cr + pr * 0.7, W = R * kRingWiden;
            for (int s : {-1, 1}) {
                const std::vector<dvec4> half{{s * W, cy - 0.55 * R, 0, pr * 0.95},
                                              {s * W * 1.02, cy + 0.1 * R, 0, pr * 0.9},
                                              {s * W * 0.62, cy + 0.8 * R, 0, pr * 0.58}};
                if (s < 0)
                    ring.insert(ring.end(), half.begin(), half.end());
                else
                    ring.insert(ring.end(), half.rbegin(), half.rend());
                if (s < 0) ring.push_back({0, cy + 1.22 * R, 0, pr * 0.6});
            }
            lamina.assign(ring.begin() + 1, ring.end() - 1);
        } else {
            for (int a = 0; a <= 8; ++a) {
                const double phi = glm::radians(-135.0 + a * 33.75);  // 0 = straight back
                // Pedicles (at the front of the ring) thicker than the laminae behind.
                const double r = pr * (0.72 + 0.28 * smoothstep(60, 120, std::abs(glm::degrees(phi))));
                const dvec4 q{(cr + pr * 0.7) * std::sin(phi) * kRingWiden, cy + (cr + pr * 0.7) * std::cos(phi), 0, r};
                ring.push_back(q);
                if (a >= 2 && a <= 6) lamina.push_back({q.x, q.y, 0, pr * 0.7});
            }
        }
        b.bone(plate(ring, zc, archHalf), 1.2, 950, 200);
        // The laminae slope down from the pedicles to the inferior articular processes, so that most slices through a
        // thoracic or lumbar vertebra show its arch closed behind the canal.
        if (v.z <= -250) b.bone(plate(lamina, zc - 0.3 * v.height, 0.3 * v.height), 1.2, 950, 200);
        const double spLen = v.z > -250 ? 18 : v.z > -520 ? 24 : 26;
        const double spDrop = v.z > -250 ? 5 : v.z > -520 ? 16 : 3;
        b.bone(spinous(cy + cr + pr * 0.3, cy + cr + spLen, zc, spDrop, pr * 1.1,
                       v.z > -520 ? 0.22 * v.height : 0.46 * v.height),
               1.2, 950, 200);
        const double tpLen = v.z > -250 ? 14 : v.z > -520 ? 22 : 30;
        const double tpBack = v.z > -250 ? 0 : v.z > -520 ? 14 : 2;
        for (int s : {-1, 1}) {
            b.bone(tube({{s * (cr * 0.9), cy - 1, v.z + 1, pr * 0.9},
                         {s * (cr * 0.9 + tpLen), cy + tpBack, v.z + 1, pr * 0.7}},
                        false),
                   1.2, 950, 260);
            // Articular processes: the inferior ones of this vertebra behind the superior ones of the one below, the
            // facet joint a thin gap between them at the level of the disc.
            const double fx = s * ((cr + pr * 0.7) * std::sin(glm::radians(80.0)) * kRingWiden + pr * 0.4);
            const double fy = cy + (cr + pr * 0.7) * std::cos(glm::radians(80.0));
            b.bone(ell({fx, fy + pr * 0.9, v.z - v.height * 0.5}, {pr * 0.75, pr * 0.8, v.height * 0.32},
                       rotation(0, 0, s * 25.0)),
                   1.0, 950, 260);
            b.bone(ell({fx + s * pr * 0.5, fy - pr * 0.9, v.z + v.height * 0.45}, {pr * 0.75, pr * 0.8, v.height * 0.3},
                       rotation(0, 0, s * 25.0)),
                   1.0, 950, 260);
        }
    }
    // C1 ring and dens.
    {
        auto n = b.as("vertebrae_C1");
        b.bone(tube({{-10, 4, -134, 4},
                     {-20, 14, -134, 4},
                     {-14, 32, -134, 3.5},
                     {0, 38, -134, 3.5},
                     {14, 32, -134, 3.5},
                     {20, 14, -134, 4},
                     {10, 4, -134, 4}}),
               1.2);
    }
    {
        auto n = b.as("vertebrae_C2");
        b.bone(tube({{0, 12, -146, 5}, {0, 13, -130, 4.5}}, false), 1.2);
    }
    // Epidural fat fills the lumbar canal round the thecal sac, into the corners of its triangle.
    std::vector<dvec4> epidural;
    for (const auto& q : canal)
        if (q.z < -505) epidural.push_back({q.x, q.y + 1.5, q.z, q.w + 3.5});
    b.add(tube(epidural), -90, kFat, bit(kMuscle) | bit(kVisceralFat) | bit(kCartilage), 10, 0.2);
    {
        auto n = b.as("spinal_canal");
        b.add(tube(canal), 8, kCsf, bit(kMuscle) | bit(kFat) | bit(kVisceralFat) | bit(kCartilage));
    }
    {
        auto n = b.as("spinal_cord");
        b.add(tube(cord), 36, kBrain, bit(kCsf));
    }
}

// The anterolateral abdominal wall inside the cavity's margin, below the costal margin: external oblique, internal
// oblique and transversus as three sheets with fat planes between them laterally, the two recti either side of the
// linea alba in front, and quadratus lumborum beside the spine behind the kidneys.
void abdominalWall(Builder& b) {
    auto cav = ext(cavityKeys(), 0, 2.0, 0.03, 60);
    // What the wall's muscles enclose (free gas and fluid lie against its inner surface).
    b.m.organs["inside_abdominal_wall"] = offset(cav, -14);
    auto band = [](double zTop, double zBottom, double yMax) {
        return std::make_shared<Implicit>(
            [zTop, zBottom](double z, Box2& bx) {
                if (z > zTop + 20 || z < zBottom - 20) return false;
                bx = {-1e4, -1e4, 1e4, 1e4};
                return true;
            },
            [zTop, zBottom, yMax](const dvec3& p) {
                return std::max({p.z - zTop, zBottom - p.z, p.y - yMax});
            });
    };
    // Under the costal margin laterally (z -520) and the xiphoid in front (z -500), down to the pelvic brim.
    auto region = band(-515, -700, 40);
    const TissueMask soft = bit(kVisceralFat) | bit(kFat);
    {
        auto n = b.as("abdominal_wall_muscles");
        b.add(intersect(subtract(cav, offset(cav, -14)), region), 54, kMuscle, soft, 8, 0.12);
    }
    for (double d : {-4.5, -9.0})
        b.add(intersect(intersect(subtract(offset(cav, d + 0.7), offset(cav, d - 0.7)), region),
                        std::make_shared<Implicit>(
                            [](double, Box2& bx) {
                                bx = {-1e4, -1e4, 1e4, 1e4};
                                return true;
                            },
                            [](const dvec3& p) { return 62 - std::abs(p.x); })),
              -85, kFat, bit(kMuscle))
            .thin = 1.4;
    // Linea alba between the recti.
    b.add(intersect(region, std::make_shared<Implicit>(
                                [](double, Box2& bx) {
                                    bx = {-1e4, -1e4, 1e4, 1e4};
                                    return true;
                                },
                                [](const dvec3& p) { return std::abs(p.x) - 0.8; })),
          -60, kFat, bit(kMuscle))
        .thin = 1.6;
    for (int s : {-1, 1}) {
        // Rectus abdominis: a flat oval in its fatty sheath just inside the subcutaneous fat, xiphoid to pubis.
        std::vector<K> keys;
        for (const auto& k : cavityKeys())
            if (k.z <= -480 && k.z >= -840)
                keys.push_back({k.z, s * (k.rx * 0.28 + 2), k.cy - k.ry + 8.5, k.rx * 0.24, k.z > -520 ? 4.5 : 6.5});
        auto rectus = ext(keys, 0, 1.0, 0.05, 120 + s);
        b.add(offset(rectus, 1.3), -80, kFat, soft | bit(kMuscle));
        {
            auto n = b.as("rectus_abdominis_" + sideName(s));
            b.add(rectus, 56, kMuscle, bit(kFat), 8, 0.15);
        }
        // Quadratus lumborum beside the spine, behind the kidneys.
        {
            auto n = b.as("quadratus_lumborum_" + sideName(s));
            b.add(tube({{s * 48.0, 72, -560, 9}, {s * 56.0, 70, -620, 13}, {s * 62.0, 60, -690, 14}}, true, 1.0, 0.08,
                       124 + s),
                  52, kMuscle, soft, 8, 0.15);
        }
    }
}

// Loops of small bowel packed in an ellipsoid of the mesentery: several short seeded random walks, each turned back
// as it nears the edge, with an enhancing wall, fluid, the folds of the valvulae conniventes (`folds`, feathery in the
// jejunum) and a little gas in a few loops. Painted only into the visceral fat, so they pack around the organs.
// Returns the loops' outer walls (one tube per walk), for the injuries that lie on them.
std::vector<ShapePtr> bowelLoops(Builder& b, dvec3 centre, dvec3 radii, int walks, int steps, double radius,
                                 double folds, std::uint64_t salt, const std::vector<ShapePtr>& avoid) {
    std::vector<ShapePtr> out;
    for (int w = 0; w < walks; ++w) {
        const std::uint64_t h0 = hash3(w, 0, 0, salt);
        dvec3 p = centre + radii * 0.6 * dvec3(unit(h0) * 2 - 1, unit(mix64(h0)) * 2 - 1, unit(mix64(h0 + 1)) * 2 - 1);
        dvec3 d = glm::normalize(dvec3(unit(mix64(h0 + 2)) - 0.5, unit(mix64(h0 + 3)) - 0.5, 0.3));
        std::vector<dvec4> path;
        for (int i = 0; i < steps; ++i) {
            path.push_back({p, radius * (0.85 + 0.3 * unit(hash3(w, i, 1, salt)))});
            const std::uint64_t h = hash3(w, i, 2, salt);
            const dvec3 turn(unit(h) - 0.5, unit(mix64(h)) - 0.5, unit(mix64(h + 5)) - 0.5);
            const dvec3 q = (p - centre) / radii;
            d = glm::normalize(d + turn * 1.3 - q * 1.2 * std::max(0.0, glm::length(q) - 0.7));
            p += d * 7.0;
        }
        // Kept clear of the other hollow organs (their walls and contents are the same tissues as the loops').
        ShapePtr loops = tube(path, true, 1.0, 0.12, salt + 10 + w);
        for (const auto& a : avoid) loops = subtract(loops, offset(a, 1.5));
        out.push_back(loops);
        b.add(loops, b.H(40, 115, 95), kBowel, bit(kVisceralFat), 6, 0.15);
        auto lumen = offset(loops, -2.2);
        b.add(lumen, 16, kBowelContent, bit(kBowel), 6, 0.1);
        if (folds > 0)
            b.add(intersect(lumen, noiseSheets(lumen, folds, 1.2, salt + 100 + w)), b.H(40, 105, 90), kBowel,
                  bit(kBowelContent))
                .thin = 1.2;
        if (unit(mix64(h0 + 4)) < 0.35)
            b.add(intersect(offset(loops, -3.5),
                            std::make_shared<Implicit>(
                                [](double, Box2& bx) {
                                    bx = {-1e4, -1e4, 1e4, 1e4};
                                    return true;
                                },
                                [salt](const dvec3& q) { return 3.0 - 10.0 * valueNoise(q * 0.04, salt + 200); })),
                  -1000, kAir, bit(kBowelContent) | bit(kBowel));
    }
    return out;
}

void abdomen(Builder& b) {
    const bool art = b.c == Contrast::Arterial;
    auto cav = offset(ext(cavityKeys()), -1);
    auto underDome = below([](double x, double y) { return domeZ(x, y) - 5; }, -900, -250);
    b.m.organs["below_diaphragm"] = underDome;
    // Liver: right and left lobes fused, under the right dome.
    auto liver =
        intersect(intersect(smoothUnion(ell({-66, 6, -548}, {78, 92, 80}, glm::dmat3(1.0), 4.0, 0.03, 90),
                                        ell({10, -42, -505}, {62, 40, 30}, rotation(0, 10, -15), 3.0, 0.04, 91), 22),
                            cav),
                  underDome);
    auto inLiver = b.as("liver");
    b.add(liver, b.H(58, 82, 118), kLiver, kAnyTissue, 7, 0.07);
    b.m.organs["liver"] = liver;
    const float hvHU = b.H(42, 70, 160), portalHU = b.H(42, 150, 190);
    for (int i = 0; i < 3; ++i) {
        const double a = glm::radians(-60.0 + 55 * i);
        {
            auto n = b.as("hepatic_veins");
            b.add(tube({{-20, 12, -478, 5}, {-20 + 75 * std::sin(a) * 0.9, 12 - 60 * std::cos(a) * 0.6, -505, 2.2}}),
                  hvHU, kBlood, bit(kLiver));
        }
    }
    {
        auto n = b.as("portal_vein_and_splenic_vein");
        b.add(tube({{-4, 8, -575, 7}, {-30, -2, -562, 7}, {-55, 0, -545, 5}, {-85, 10, -540, 3}}), portalHU, kBlood);
    }
    b.add(tube({{-30, -2, -562, 4.5}, {-10, -30, -530, 3.5}, {20, -50, -510, 2.5}}), portalHU, kBlood, bit(kLiver));
    // Portal branches fanning out from the hilum to the periphery, each dividing as it goes (seen as dots and short
    // branching lines in any slice), and the fissure of the ligamentum teres parting the left lobe's segments.
    const std::vector<std::pair<dvec3, dvec3>> portalTrunks{
        {{-55, 0, -545}, {-0.9, 0.2, 0.4}},    {{-55, 0, -545}, {-0.7, 0.7, -0.1}},
        {{-55, 0, -545}, {-0.7, -0.6, 0.2}},   {{-55, 0, -545}, {-0.4, 0.3, -0.85}},
        {{-10, -30, -530}, {0.6, -0.6, 0.35}}, {{-10, -30, -530}, {0.8, -0.1, -0.2}},
        {{-30, -2, -562}, {-0.2, -0.8, -0.5}}};
    for (std::size_t i = 0; i < portalTrunks.size(); ++i)
        growTree(b, liver, portalTrunks[i].first, glm::normalize(portalTrunks[i].second), 3.0, 24, 3, 500 + i, portalHU,
                 0, kBlood, bit(kLiver), false);
    b.add(std::make_shared<Implicit>(
              [](double z, Box2& bx) {
                  if (z < -575 || z > -500) return false;
                  bx = {-20, -110, 40, -20};
                  return true;
              },
              [](const dvec3& p) {
                  return std::max({std::abs(p.x - 8 - 0.3 * (p.y + 40)) - 1.6 - 0.04 * (-30 - p.y), p.y + 28,
                                   std::abs(p.z + 537) - 32});
              }),
          -70, kVisceralFat, bit(kLiver));
    inLiver.close();
    {
        auto n = b.as("gallbladder");
        b.add(ell({-42, -58, -585}, {14, 30, 18}, rotation(30, 0, 30)), 6, kFluid);  // gallbladder
    }
    // Spleen: a crescent, concave toward the hilum; arterial phase shows the "zebra" pattern.
    {
        auto n = b.as("spleen");
        auto spleen = subtract(intersect(ell({98, 50, -525}, {30, 62, 50}, rotation(0, 0, 38), 2.5, 0.05, 92), cav),
                               ell({62, 30, -530}, {26, 40, 40}, rotation(0, 0, 38)));
        b.add(spleen, b.H(46, 140, 120), kSpleen, kAnyTissue, art ? 55.0f : 3.0f, art ? 0.09 : 0.05);
        b.m.organs["spleen"] = spleen;
    }
    // Stomach with fluid and an anterior air pocket, duodenum, pancreas. Bagging through a tube in the oesophagus blows
    // the stomach up with air: a large gastric bubble under the left dome with a thin dependent fluid layer, the sign
    // the scout can show before the axials settle where the tube lies.
    const double inflate = b.m.has("esophageal_intubation") ? 1.4 : 1.0;
    // A left diaphragmatic rupture: the fundus and upper body pass up through the tear in the left dome, pinched to a
    // waist where its edges grip them (the collar), and fill the back of the left lower chest down against the
    // posterior ribs (no lung behind them); swallowed air distends them, the fluid lying dependent.
    const bool herniated = b.m.has("diaphragmatic_rupture");
    const dvec4 tear(kDiaphragmTear, kDiaphragmTearRadius);
    auto stomach = herniated ? tube({{80, 50, -420, 26},
                                     {80, 46, -448, 34},
                                     {72, 32, -472, 22},
                                     tear,
                                     {56, -4, -516, 24},
                                     {44, -40, -550, 25},
                                     {12, -60, -576, 19},
                                     {-18, -46, -585, 13}},
                                    true, 2.0, 0.06, 93)
                             : tube({{44, 22, -492, 30 * inflate},
                                     {60, -8, -520, 34 * inflate},
                                     {46, -46, -552, 27 * inflate},
                                     {12, -60, -576, 19 * (1 + (inflate - 1) / 2)},
                                     {-18, -46, -585, 13}},
                                    true, 2.0, 0.06, 93);
    // Where the stomach may lie: below the domes, or (herniated) through the tear into the left chest, beside the
    // heart.
    const ShapePtr room = herniated ? unionOf({underDome, ell(kDiaphragmTear, dvec3(28)),
                                               subtract(b.m.organs.at("lung_left"), offset(b.m.organs.at("heart"), 3))})
                                    : underDome;
    auto inStomach = b.as("stomach");
    b.add(intersect(stomach, room), b.H(40, 95, 85), kBowel);
    b.m.organs["stomach"] = intersect(stomach, room);
    auto lumen = intersect(offset(stomach, inflate > 1 ? -3.0 : -4.5), room);
    b.add(lumen, 12, kBowelContent, kAnyTissue, 6, 0.1);
    // Rugal folds along the wall of the herniated stomach, so the viscus in the chest reads as stomach.
    if (herniated)
        b.add(intersect(subtract(lumen, offset(lumen, -6)), noiseSheets(lumen, 0.07, 2.2, 97)), b.H(40, 95, 85), kBowel,
              bit(kBowelContent));
    // y of the air-fluid level (supine: air lies anterior)
    const double airLevel = inflate > 1 ? 28.0 : herniated ? 60.0 : -42.0;
    b.add(intersect(lumen, std::make_shared<Implicit>(
                               [](double, Box2& bx) {
                                   bx = {-1e4, -1e4, 1e4, 1e4};
                                   return true;
                               },
                               [airLevel](const dvec3& p) { return p.y - airLevel; })),
          -1000, kAir, bit(kBowelContent));
    inStomach.close();
    auto duodenum = tube({{-18, -46, -585, 12},
                          {-46, -22, -592, 13},
                          {-52, 10, -612, 12},
                          {-36, 16, -640, 11},
                          {0, 10, -650, 10},
                          {32, 0, -640, 10}},
                         true, 1.5, 0.08, 94);
    {
        auto n = b.as("duodenum");
        b.add(duodenum, b.H(40, 100, 85), kBowel);
        b.add(tube({{-46, -22, -592, 9}, {-52, 10, -612, 8}, {-36, 16, -640, 7.5}, {0, 10, -650, 7}}), 10,
              kBowelContent, bit(kBowel));
    }
    {
        auto n = b.as("pancreas");
        b.add(
            tube({{-36, -2, -605, 13}, {-5, -8, -592, 10}, {40, 12, -584, 10}, {82, 34, -572, 8}}, true, 2.5, 0.15, 95),
            b.H(42, 125, 100), kPancreas, kAnyTissue, 6, 0.15);
    }
    {
        auto n = b.as("portal_vein_and_splenic_vein");
        b.add(tube({{78, 36, -574, 4}, {40, 20, -586, 4.5}, {-2, 8, -594, 5.5}, {-4, 8, -575, 7}}), b.H(42, 120, 180),
              kBlood);
    }
    // Kidneys: perirenal fat, cortex, medullary pyramids (corticomedullary phase), sinus fat and pelvis.
    for (int s : {-1, 1}) {
        const dvec3 kc(s * 72.0, 58, s < 0 ? -600.0 : -585.0);
        const glm::dmat3 rot = rotation(12, s * 14.0, s * -28.0);
        // The perirenal fat lies mostly behind and beside the kidney; in front it is a thin rim.
        auto perirenal = ell(kc + dvec3(s * 4.0, 5.0, 0), {34, 31, 63}, rot, 3.0, 0.05, 96 + s);
        b.add(perirenal, -92, kVisceralFat);
        // Gerota's fascia round the perirenal fat.
        b.add(subtract(offset(perirenal, 0.5), offset(perirenal, -0.5)), 30, kVisceralFat, bit(kVisceralFat)).thin =
            1.0;
        // A bean: the hilum a notch in its medial border, where the sinus fat opens to the perirenal fat.
        const glm::dmat3 inv = glm::transpose(rot);
        auto kidney = subtract(ell(kc, {27, 23, 54}, rot, 1.0, 0.08, 98 + s),
                               ell(kc + rot * dvec3(-s * 30.0, -4, 0), {10, 8, 20}, rot, 1.0, 0.1, 94 + s));
        auto inKidney = b.as("kidney_" + sideName(s));
        b.add(kidney, b.H(32, 185, 165), kKidney, kAnyTissue, 4, 0.1);
        b.m.organs[s < 0 ? "kidney_right" : "kidney_left"] = kidney;
        // Medullary pyramids (dark in the corticomedullary phase): everything deeper than the 5 mm cortex and short of
        // the sinus, parted into lobes by the columns of Bertin, cortex reaching in between them to the sinus.
        const dvec3 sinusC(-s * 15.0, -5, 0);
        auto sinus = ell(kc + rot * sinusC, {13, 9, 32}, rot, 1.5, 0.12, 92 + s);
        b.add(std::make_shared<Implicit>([kidney](double z, Box2& bx) { return kidney->sliceBox(z, bx); },
                                         [kidney, sinus, kc, inv, sinusC, s](const dvec3& p) {
                                             const double depth = -kidney->sdf(p);
                                             if (depth < 2) return 5.5 - depth;
                                             const dvec3 q = inv * (p - kc) - sinusC;
                                             const double th = std::atan2(q.y, s * q.x);
                                             constexpr double f = 0.085, R = 16;
                                             const double column =
                                                 std::abs(valueNoise(dvec3(R * std::cos(th), R * std::sin(th), q.z) * f,
                                                                     90 + std::uint64_t(s + 1))) /
                                                 (1.2 * f);
                                             // Pyramids narrow to their papillae: the columns widen towards the sinus.
                                             const double toSinus = sinus->sdf(p);
                                             const double half = 1.6 + 0.3 * std::clamp(12.0 - toSinus, 0.0, 12.0);
                                             return std::max({5.5 - depth, half - column, 1.5 - toSinus});
                                         }),
              b.H(30, 80, 150), kKidney, bit(kKidney), 4, 0.15);
        b.add(sinus, -75, kVisceralFat, bit(kKidney), 12, 0.2);
        // Renal pelvis (unopacified urine) leaving through the hilum, with calyces reaching towards the pyramids.
        b.add(ell(kc + rot * dvec3(-s * 22.0, -5, -4), {7, 5, 13}, rot), 8, kFluid, bit(kVisceralFat) | bit(kKidney));
        for (double zz : {-18.0, 0.0, 18.0})
            b.add(tube({{kc + rot * dvec3(-s * 19.0, -5, -4), 2.2}, {kc + rot * dvec3(-s * 6.0, -4, zz), 2.0}}, false),
                  8, kFluid, bit(kVisceralFat));
        inKidney.close();
        {
            auto n = b.as("renal_artery_" + sideName(s));
            b.add(tube({{4, 2, -592, 3.2}, {s * 35.0, 30, -594, 3}, {kc.x - s * 18, kc.y - 4, kc.z, 2.8}}),
                  b.H(45, 320, 175), kBlood);  // renal artery
        }
        {
            auto n = b.as("renal_vein_" + sideName(s));
            b.add(tube({{-22, 2, -596, 4.5}, {s * 35.0, 22, -598, 4.5}, {kc.x - s * 18, kc.y - 8, kc.z - 2, 4}}),
                  b.H(42, 170, 170), kBlood);  // renal vein
        }
        // Psoas and iliacus.
        {
            auto n = b.as("iliopsoas_" + sideName(s));
            b.add(tube({{s * 26.0, 48, -530, 6},
                        {s * 38.0, 44, -600, 14},
                        {s * 50.0, 36, -660, 20},
                        {s * 62.0, 16, -720, 21},
                        {s * 74.0, -10, -780, 18},
                        {s * 86.0, -22, -830, 13}},
                       true, 1.0, 0.06, 97 + s),
                  54, kMuscle);
            b.add(ell({s * 82.0, 20, -720}, {26, 38, 38}, rotation(0, 0, s * 35.0), 2.0, 0.05, 99 + s), 52, kMuscle);
        }
    }
    // IVC (unopacified below the renal veins in the arterial phase), iliac vessels.
    {
        auto n = b.as("inferior_vena_cava");
        b.add(
            tube({{-24, 10, -470, 11}, {-26, 8, -530, 11}, {-24, 2, -596, 11}, {-20, 0, -640, 10}, {-12, 4, -662, 9}}),
            b.H(42, art ? 95 : 40, 160), kBlood);
    }
    for (int s : {-1, 1}) {
        {
            auto n = b.as("iliac_artery_" + sideName(s));
            b.add(tube({{4, -4, -655, 7},
                        {s * 40.0, 20, -700, 6.5},
                        {s * 68.0, 2, -758, 5.5},
                        {s * 84.0, -38, -812, 5},
                        {s * 86.0, -32, -860, 4.5},
                        {s * 82.0, -24, -1010, 4}}),
                  b.H(45, 330, 175), kBlood);
        }
        {
            auto n = b.as("iliac_vena_" + sideName(s));
            b.add(tube({{-12, 4, -662, 8},
                        {s * 36.0, 30, -705, 7.5},
                        {s * 64.0, 12, -760, 7},
                        {s * 76.0, -32, -815, 6.5},
                        {s * 76.0, -26, -870, 6},
                        {s * 76.0, -18, -1010, 5}}),
                  b.H(42, 50, 160), kBlood);
        }
    }
    // Crura of the diaphragm: muscular bands from the front of the upper lumbar bodies arching forward round the aorta
    // to the oesophageal hiatus, the right one thicker; only into the fat, so the vessels pass through.
    {
        auto n = b.as("diaphragm");
        b.add(tube({{-12, 28, -625, 4},
                    {-16, 16, -585, 6.5},
                    {-16, 2, -550, 6.5},
                    {-10, -8, -520, 5.5},
                    {0, -12, -500, 4}},
                   true, 1.0, 0.08, 126),
              52, kMuscle, bit(kVisceralFat), 6, 0.15);
        b.add(tube({{12, 26, -612, 3.5},
                    {18, 16, -578, 5.5},
                    {18, 0, -545, 5.5},
                    {10, -8, -518, 4.5},
                    {2, -12, -502, 3.5}},
                   true, 1.0, 0.08, 127),
              52, kMuscle, bit(kVisceralFat), 6, 0.15);
    }
    // Colon (stool with gas), small bowel (fluid-filled, enhancing wall), bladder, rectum.
    auto colon = tube({{-100, 10, -730, 24},
                       {-108, 30, -660, 22},
                       {-92, -10, -600, 22},
                       {-40, -62, -615, 21},
                       {40, -62, -610, 21},
                       {100, 0, -560, 21},
                       {112, 40, -620, 19},
                       {108, 30, -700, 18},
                       {70, 10, -745, 17},
                       {22, -4, -752, 17},
                       {0, 36, -768, 17},
                       {0, 52, -800, 16},
                       {0, 66, -840, 14},
                       {0, 62, -870, 9}},
                      true, 2.5, 0.05, 101);
    {
        auto n = b.as("colon");
        b.add(colon, b.H(40, 70, 80), kBowel, bit(kVisceralFat) | bit(kMuscle) | bit(kFat));
    }
    // Stool: mottled faecal matter with gas bubbles of every size, and larger gas pockets in some segments.
    auto colonLumen = offset(colon, -3);
    auto inColon = b.as("colon");
    b.add(colonLumen, -40, kBowelContent, bit(kBowel), 90, 0.3);
    auto everywhere = [](double, Box2& bx) {
        bx = {-1e4, -1e4, 1e4, 1e4};
        return true;
    };
    b.add(intersect(colonLumen, std::make_shared<Implicit>(everywhere,
                                                           [](const dvec3& q) {
                                                               const double v = valueNoise(q * 0.15, 140);
                                                               return (0.45 - v) / (1.2 * 0.15);
                                                           })),
          -950, kAir, bit(kBowelContent));
    b.add(intersect(colonLumen, std::make_shared<Implicit>(everywhere,
                                                           [](const dvec3& q) {
                                                               const double v = valueNoise(q * 0.025, 142);
                                                               return (0.5 - v) / (1.2 * 0.025);
                                                           })),
          -1000, kAir, bit(kBowelContent));
    inColon.close();
    // Jejunum in the left upper quadrant below the stomach, ileum filling the rest of the mesentery down to the pelvis.
    auto bladder = ell({0, -34, -795}, {46, 38, 30}, glm::dmat3(1.0), 1.5, 0.05, 103);
    const std::vector<ShapePtr> hollow{stomach, duodenum, colon, bladder};
    {
        auto n = b.as("small_bowel");
        bowelLoops(b, {50, -18, -590}, {55, 40, 36}, 7, 26, 9.5, 0.16, 4343, hollow);
        b.m.organs["ileum"] = unionOf(bowelLoops(b, {-5, -22, -680}, {92, 50, 70}, 14, 34, 11.0, 0.09, 4242, hollow));
    }
    {
        auto n = b.as("urinary_bladder");
        b.add(bladder, 40, kBowel);
        b.add(offset(bladder, -2.5), 7, kFluid);
    }
    if (b.m.habitus.female) {
        // Uterus behind and above the bladder (enhancing myometrium, a thin endometrial stripe), ovaries beside it.
        auto uterus = ell({0, 2, -770}, {32, 24, 42}, rotation(-35, 0, 0), 2.0, 0.06, 104);
        {
            auto n = b.as("uterus");
            b.add(uterus, b.H(45, 95, 120), kGland, bit(kVisceralFat) | bit(kBowel) | bit(kBowelContent), 6, 0.12);
            b.add(ell({0, 2, -770}, {16, 3, 28}, rotation(-35, 0, 0)), b.H(30, 45, 60), kGland, bit(kGland));
        }
        for (int s : {-1, 1}) {
            auto n = b.as("ovary_" + sideName(s));
            b.add(ell({s * 52.0, 10, -775}, {12, 9, 15}, glm::dmat3(1.0), 1.5, 0.1, 105 + s), b.H(35, 60, 75), kGland,
                  bit(kVisceralFat) | bit(kBowel) | bit(kBowelContent), 10, 0.2);
        }
    } else {
        // Prostate below the bladder, with the central gland a little darker than the peripheral zone.
        auto prostate = ell({0, -34, -842}, {21, 16, 18}, glm::dmat3(1.0), 1.0, 0.08, 106);
        {
            auto n = b.as("prostate");
            b.add(prostate, b.H(40, 70, 85), kGland, bit(kVisceralFat) | bit(kFat) | bit(kMuscle), 5, 0.15);
            b.add(ell({0, -38, -840}, {11, 8, 12}), b.H(36, 60, 72), kGland, bit(kGland), 5, 0.2);
        }
    }
}

// What makes soft tissue look like a body rather than a drawing: septa through the subcutaneous fat, fat between
// muscle bundles, small vessels and septa in the visceral and mediastinal fat, vessels inside the liver.
void fineDetail(Builder& b) {
    auto torso = ext(outlineKeys(b.m.habitus));
    const float vesselHU = b.H(42, 210, 170);
    b.add(noiseSheets(torso, 0.045, 0.7, 201), -15, kFat, bit(kFat)).thin = 0.7;
    b.add(noiseSheets(torso, 0.06, 0.6, 203), -10, kFat, bit(kFat)).thin = 0.6;
    b.add(brokenSheets(torso, 0.07, 0.8, 205), -60, kMuscle, bit(kMuscle)).thin = 0.8;
    b.add(noiseSheets(torso, 0.05, 0.7, 207), -20, kVisceralFat, bit(kVisceralFat) | bit(kMediastinalFat)).thin = 0.7;
    // Mesenteric and retroperitoneal vessels: below the diaphragm only (the mediastinum has its own named vessels).
    auto belly = intersect(torso, below([](double x, double y) { return domeZ(x, y) - 5; }, -900, -440));
    {
        auto n = b.as("mesenteric_vessels");
        b.add(noiseCurves(belly, 0.035, 1.2, 209), vesselHU, kBlood, bit(kVisceralFat)).thin = 2.4;
        b.add(noiseCurves(belly, 0.06, 0.7, 211), vesselHU, kBlood, bit(kVisceralFat)).thin = 1.4;
    }
    if (auto liver = b.m.organs["liver"]) {
        auto n = b.as("liver");
        b.add(noiseCurves(liver, 0.03, 1.6, 213), b.H(42, 120, 175), kBlood, bit(kLiver)).thin = 3.2;
    }
    if (auto spleen = b.m.organs["spleen"]) {
        auto n = b.as("spleen");
        b.add(noiseCurves(spleen, 0.05, 0.9, 215), b.H(42, 200, 150), kBlood, bit(kSpleen)).thin = 1.8;
    }
}

// The muscles of one side's hip and thigh, each as its axis: (x, y, z, r) keys from the top down, x for the left
// side, r the muscle's half-width there (it shrinks to nothing where the muscle begins or ends).
std::vector<std::vector<dvec4>> hipAndThighMuscles(int s) {
    std::vector<std::vector<dvec4>> m{
        {{60, 20, -700, 18},
         {66, 10, -740, 17},
         {74, -30, -785, 14},
         {82, -40, -830, 12},
         {95, -20, -855, 0}},                                                                    // iliopsoas
        {{122, -30, -712, 5}, {116, -52, -770, 9}, {102, -66, -850, 10}, {80, -62, -1010, 10}},  // sartorius
        {{104, -40, -770, 4}, {104, -50, -820, 12}, {98, -56, -1010, 15}},                       // rectus femoris
        {{134, -26, -720, 7}, {142, -22, -790, 11}, {146, -14, -880, 8}, {150, -10, -905, 0}},   // tensor fasciae latae
        {{115, 25, -690, 18}, {125, 25, -740, 26}, {135, 15, -790, 18}, {142, 5, -825, 0}},      // gluteus medius
        {{108, 10, -740, 10}, {122, 0, -790, 10}, {130, -5, -815, 0}},                           // gluteus minimus
        {{70, 85, -715, 12},
         {90, 75, -760, 25},
         {105, 65, -800, 30},
         {120, 55, -840, 22},
         {135, 45, -885, 0}},                                                                 // gluteus maximus
        {{62, 10, -760, 8}, {54, -2, -795, 16}, {58, 6, -835, 11}, {70, 30, -855, 0}},        // obturator internus
        {{55, -40, -800, 2}, {58, -40, -830, 10}, {70, -35, -870, 8}, {80, -30, -895, 0}},    // pectineus
        {{55, -10, -828, 3}, {60, -12, -845, 10}, {70, -5, -862, 0}},                         // obturator externus
        {{95, 40, -828, 3}, {100, 38, -850, 9}, {105, 35, -872, 0}},                          // quadratus femoris
        {{35, -45, -830, 3}, {55, -40, -870, 14}, {70, -30, -960, 12}, {85, -15, -1010, 8}},  // adductor longus
        {{40, -20, -842, 4}, {55, -15, -880, 13}, {70, -10, -945, 0}},                        // adductor brevis
        {{50, 30, -848, 6}, {60, 20, -900, 20}, {75, 15, -1010, 20}},                         // adductor magnus
        {{20, -30, -838, 4}, {28, -10, -900, 9}, {40, 0, -1010, 9}},                          // gracilis
        {{145, 10, -838, 5}, {152, 5, -900, 22}, {150, 0, -1010, 22}},                        // vastus lateralis
        {{125, -20, -858, 4}, {122, -22, -920, 16}, {116, -25, -1010, 15}},                   // vastus intermedius
        {{100, -30, -898, 3}, {98, -35, -960, 12}, {95, -35, -1010, 16}},                     // vastus medialis
        {{110, 45, -858, 5}, {128, 45, -930, 15}, {130, 45, -1010, 16}},                      // biceps femoris
        {{95, 55, -858, 5}, {100, 60, -930, 12}, {100, 58, -1010, 12}},                       // semitendinosus
        {{80, 45, -878, 3}, {85, 45, -940, 14}, {90, 45, -1010, 16}},                         // semimembranosus
    };
    for (auto& axis : m)
        for (auto& k : axis) k.x *= s;
    return m;
}

// The fascial planes between muscles that lie side by side: each point of muscle belongs to the muscle whose axis it
// is nearest (less that muscle's half-width there), and where two muscles are about equally near, a plane of fat 1.6
// to 3.2 mm thick, wavy as real planes are, runs between them. So the muscles fill the space between bone and
// subcutaneous fat as real ones do, meeting along planes, rather than floating as tubes in one grey mass. Only near a
// muscle's own outline, so no plane crosses muscle that belongs to none of them.
// The names of hipAndThighMuscles' muscles in its order: with the side, their names in the label map.
const char* const kHipAndThighMuscleNames[] = {
    "iliopsoas",          "sartorius",          "rectus_femoris",    "tensor_fasciae_latae",
    "gluteus_medius",     "gluteus_minimus",    "gluteus_maximus",   "obturator_internus",
    "pectineus",          "obturator_externus", "quadratus_femoris", "adductor_longus",
    "adductor_brevis",    "adductor_magnus",    "gracilis",          "vastus_lateralis",
    "vastus_intermedius", "vastus_medialis",    "biceps_femoris",    "semitendinosus",
    "semimembranosus"};

// Where muscle axes lie: the z range they span and a box round them in every slice.
struct MuscleRange {
    double zTop = -1e9, zBottom = 1e9;
    Box2 box{1e9, 1e9, -1e9, -1e9};
};
MuscleRange muscleRange(const std::vector<std::vector<dvec4>>& axes) {
    MuscleRange r;
    for (const auto& a : axes)
        for (const auto& k : a) {
            r.zTop = std::max(r.zTop, k.z), r.zBottom = std::min(r.zBottom, k.z);
            r.box = {std::min(r.box.x0, k.x - 60), std::min(r.box.y0, k.y - 60), std::max(r.box.x1, k.x + 60),
                     std::max(r.box.y1, k.y + 60)};
        }
    return r;
}

// How far (mm) p lies outside the outline of the nearest muscle and of the second nearest (1e9 when no muscle spans
// p's level), and which muscle is the nearest.
struct NearestMuscles {
    double d1 = 1e9, d2 = 1e9;
    std::size_t nearest = 0;
};
NearestMuscles nearestMuscles(const std::vector<std::vector<dvec4>>& axes, const dvec3& p) {
    NearestMuscles n;
    for (std::size_t m = 0; m < axes.size(); ++m) {
        const auto& a = axes[m];
        if (p.z > a.front().z || p.z < a.back().z) continue;
        std::size_t i = 1;
        while (i + 1 < a.size() && a[i].z > p.z) ++i;
        const double t = (a[i - 1].z - p.z) / (a[i - 1].z - a[i].z);
        const dvec4 k = a[i - 1] + (a[i] - a[i - 1]) * t;
        const double d = std::hypot(p.x - k.x, p.y - k.y) - k.w;
        if (d < n.d1)
            n.d2 = n.d1, n.d1 = d, n.nearest = m;
        else if (d < n.d2)
            n.d2 = d;
    }
    return n;
}

// How far from a muscle's outline a point of muscle still belongs to it (beyond, it belongs to none of them).
constexpr double kMuscleReach = 18;

// The fascial planes between muscles that lie side by side: each point of muscle belongs to the muscle whose axis it
// is nearest (less that muscle's half-width there), and where two muscles are about equally near, a plane of fat 1.6
// to 3.2 mm thick, wavy as real planes are, runs between them. So the muscles fill the space between bone and
// subcutaneous fat as real ones do, meeting along planes, rather than floating as tubes in one grey mass. Only near a
// muscle's own outline, so no plane crosses muscle that belongs to none of them.
ShapePtr muscleSepta(std::vector<std::vector<dvec4>> axes, std::uint64_t salt) {
    const MuscleRange r = muscleRange(axes);
    return std::make_shared<Implicit>(
        [r](double z, Box2& bx) {
            bx = r.box;
            return z <= r.zTop && z >= r.zBottom;
        },
        [axes = std::move(axes), salt](const dvec3& p) {
            const NearestMuscles n = nearestMuscles(axes, p);
            if (n.d2 > 1e8 || n.d1 > kMuscleReach) return 50.0;
            double g = 0.5 * (n.d2 - n.d1);
            if (g > 8) return g;
            g += 1.5 * fbm(p * 0.06, salt);
            return g - (0.8 + 0.4 * (1 + valueNoise(p * 0.04, salt + 7)));
        });
}

// For the label map: the muscle each point of these muscles belongs to (the nearest, as muscleSepta parts them).
void nameMuscles(Builder& b, std::vector<std::vector<dvec4>> axes, int s) {
    std::vector<std::uint16_t> ids;
    for (const char* name : kHipAndThighMuscleNames)
        ids.push_back(b.m.structureId(name + std::string("_") + sideName(s)));
    const MuscleRange r = muscleRange(axes);
    auto near = std::make_shared<Implicit>(
        [r](double z, Box2& bx) {
            bx = r.box;
            return z <= r.zTop && z >= r.zBottom;
        },
        [axes](const dvec3& p) { return nearestMuscles(axes, p).d1 - kMuscleReach; });
    Layer& l = b.add(near, 0, kMuscle, bit(kMuscle));
    l.labelOnly = true;
    l.structureAt = [axes = std::move(axes), ids = std::move(ids)](const dvec3& p) {
        return ids[nearestMuscles(axes, p).nearest];
    };
}

void pelvis(Builder& b) {
    // Sacrum (wedge, tilted back), iliac wings, acetabula, femoral heads and shafts, pubic and ischial rami.
    auto sacrum = ext(sacrumKeys(), 0, 1.5, 0.08, 110);
    b.m.organs["sacrum"] = sacrum;  // for the injuries that open the sacroiliac joints
    {
        auto n = b.as("sacrum");
        b.bone(sacrum, 1.6, 900, 250);
        b.add(tube({{0, 52, -690, 6}, {0, 68, -740, 5}, {0, 82, -780, 3.5}}), 8, kCsf, bit(kMarrow) | bit(kBone));
    }
    for (int s : {-1, 1}) {
        // The ilium: a curved blade from the posterior superior iliac spine and the sacroiliac joint, thick at the
        // back, thin in the middle of the iliac fossa, to the anterior superior iliac spine; lower down it narrows
        // and thickens into the body above the acetabulum, parting from the sacrum at the greater sciatic notch.
        std::vector<std::pair<double, std::vector<dvec3>>> ilium{
            {-770, {{62, 54, 5}, {66, 48, 7}, {74, 40, 8}, {82, 24, 10}, {86, 6, 11}, {86, -8, 9}}},
            {-745, {{50, 70, 5}, {54, 64, 8}, {68, 52, 5.5}, {88, 32, 4}, {100, 6, 4}, {102, -16, 5.5}}},
            {-720, {{56, 78, 6}, {58, 56, 9}, {74, 52, 4}, {98, 34, 3}, {114, 6, 3}, {116, -22, 5}}},
            {-690, {{60, 74, 6}, {58, 46, 8}, {78, 48, 4}, {104, 32, 3}, {122, 4, 3}, {126, -24, 5.5}}},
            {-655, {{74, 60, 4}, {78, 52, 4}, {90, 52, 4.5}, {114, 32, 4.5}, {128, 4, 4.5}, {128, -16, 4.5}}},
        };
        for (auto& [z, path] : ilium)
            for (auto& q : path) q.x *= s;
        {
            auto n = b.as("hip_" + sideName(s));
            b.bone(sweptPath(ilium), 1.6, 950, 260);
        }
        // The acetabulum: a cup of bone round the femoral head, open laterally, forwards and down, its walls (the
        // anterior and posterior columns) wrapping the head's front and back. The pubic rami and the ischium leave it
        // as one bone, their cortex continuous with the cup's.
        const dvec3 hip(s * 92.0, -6, -792), open = glm::normalize(dvec3(s * 0.66, -0.26, -0.7));
        // An open-book injury held reduced by a binder: the pubic bodies stay apart, the joint about 8 mm wide.
        const double symGap = b.m.has("open_book_pelvis") ? 12.0 : 2.0;
        auto ischium = tube({{s * 82.0, 20, -800, 13}, {s * 72.0, 34, -832, 12}, {s * 60.0, 34, -856, 11}});
        auto superiorRamus = tube({{s * 76.0, -22, -798, 10}, {s * 40.0, -56, -808, 9}, {s * symGap, -68, -815, 8}});
        auto inferiorRamus = tube({{s * symGap, -62, -828, 8}, {s * 32.0, -32, -846, 7}, {s * 58.0, 30, -856, 9}});
        auto cup = std::make_shared<Implicit>(
            [hip](double z, Box2& bx) {
                bx = {hip.x - 35, hip.y - 35, hip.x + 35, hip.y + 35};
                return std::abs(z - hip.z) < 35;
            },
            [hip, open](const dvec3& p) {
                const double r = glm::length(p - hip);
                return std::max({r - 33.0, 26.5 - r, glm::dot(p - hip, open) - 7.0});
            });
        {
            auto n = b.as("hip_" + sideName(s));
            b.bone(smoothUnion(smoothUnion(smoothUnion(cup, ischium, 5), superiorRamus, 5), inferiorRamus, 5), 1.8, 950,
                   200);
            b.add(ell({s * 92.0, -6, -792}, {26.5, 26.5, 26.5}), 45, kCartilage);
        }
        // Femur: the shaft with fatty marrow and a thick cortex, then over its top the neck, the greater and lesser
        // trochanters and the intertrochanteric region as one bone of cancellous marrow (no cortex of one part drawn
        // across another), then the head over the neck (dense cancellous bone).
        const bool femurFx = b.m.has("femur_fracture") && s == 1;
        auto inFemur = b.as("femur_" + sideName(s));
        if (femurFx) {
            b.bone(tube({{s * 134.0, 4, -825, 15}, {s * 127.0, 0, -880, 14.5}, {s * 121.0, -4, -928, 14}}), 6.0, 1300,
                   -20);
            b.bone(tube({{s * 130.0, 2, -934, 14}, {s * 124.0, -4, -975, 13.5}, {s * 120.0, -6, -1010, 13.5}}), 6.0,
                   1300, -20);
        } else {
            b.bone(tube({{s * 134.0, 4, -825, 15}, {s * 127.0, 0, -880, 14.5}, {s * 116.0, -6, -1010, 13.5}}), 6.0,
                   1300, -20);
        }
        auto proximal = smoothUnion(
            smoothUnion(tube({{s * 92.0, -6, -792, 15}, {s * 128.0, 4, -812, 15}, {s * 131.0, 3, -848, 14.5}}, false),
                        ell({s * 138.0, 14, -820}, {18, 21, 20}, glm::dmat3(1.0), 1.0, 0.08, 115 + s), 6),
            ell({s * 118.0, 20, -842}, {10, 10, 12}), 4);
        b.bone(proximal, 2.0, 950, 250);
        b.bone(ell({s * 92.0, -6, -792}, {24, 24, 24}), 1.8, 950, 270);
        inFemur.close();
        {
            auto n = b.as("obturator_internus_" + sideName(s));
            b.add(ell({s * 75.0, 6, -825}, {18, 24, 14}), 52, kMuscle,
                  bit(kFat) | bit(kVisceralFat));  // obturator internus
        }
    }
    {
        auto n = b.as("pubic_symphysis");
        b.add(ell({0, -66, -821}, {2.5, 8, 10}), 70, kCartilage, bit(kFat) | bit(kVisceralFat) | bit(kMuscle));
    }
    // The muscles of the hip and thigh, parted by their fascial planes (see muscleSepta). Painted onto muscle only,
    // after the bones.
    for (int s : {-1, 1}) {
        b.add(muscleSepta(hipAndThighMuscles(s), 117 + std::uint64_t(s + 1)), -80, kFat, bit(kMuscle));
        nameMuscles(b, hipAndThighMuscles(s), s);
    }
}

}  // namespace

glm::dmat3 heartFrame() {
    return rotation(0, 18, -38);
}

Habitus habitusOf(std::uint64_t seed) {
    if (seed == 1) return {};
    Habitus h;
    const std::uint64_t r = mix64(seed * 0x9e3779b97f4a7c15ULL + 0xbad);
    h.extraFatMm = -6.0 + 34.0 * std::pow(unit(r), 1.6);  // most patients average, a few obese
    h.female = (mix64(r + 1) & 1) != 0;
    h.age = 18 + int(unit(mix64(r + 2)) * 70);
    h.armsUp = unit(mix64(r + 3)) < 0.5;
    return h;
}

Habitus habitusOf(const PhantomOptions& o) {
    Habitus h = habitusOf(o.seed);
    if (o.sex == "female")
        h.female = true;
    else if (o.sex == "male")
        h.female = false;
    if (o.ageYears > 0) h.age = o.ageYears;
    return h;
}

std::unique_ptr<Model> buildModel(const std::set<std::string>& injuries, Contrast contrast, const Habitus& habitus,
                                  const std::set<std::string>& devices) {
    auto m = std::make_unique<Model>();
    m->contrast = contrast;
    m->habitus = habitus;
    m->injuries = injuries;
    m->devices = devices;
    addInjuryWarps(*m);
    Builder b{*m, contrast};
    bodyWall(b);
    headOutline(b);
    chest(b);
    abdominalWall(b);
    abdomen(b);
    pelvis(b);
    fineDetail(b);
    spine(b);
    ribs(b);
    head(b);
    if (m->devices.count("endotracheal_tube")) {
        auto n = b.as("endotracheal_tube");
        endotrachealTube(b);
    }
    addInjuryLayers(*m);
    {
        auto n = b.as("ecg_electrodes");
        addEcgElectrodes(*m);
    }
    if (m->devices.count("pelvic_binder")) {
        auto n = b.as("pelvic_binder");
        addPelvicBinder(*m);
    }
    auto n = b.as("ct_table");
    addScannerTable(*m);
    return m;
}

}  // namespace polysim::phantom::detail

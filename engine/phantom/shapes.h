// Internal toolkit of the phantom: seeded hashing and smooth noise, signed-distance shapes in patient mm, and the
// per-slice canvas they are painted on with partial-volume edges (painter's order, later layers on top).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <glm/glm.hpp>

namespace polysim::phantom::detail {

// ---- deterministic hashing and noise (never rand(): same inputs give the same numbers everywhere) ----

inline std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}
inline std::uint64_t hash3(std::int64_t i, std::int64_t j, std::int64_t k, std::uint64_t salt) {
    std::uint64_t h = mix64(salt ^ 0x9e3779b97f4a7c15ULL);
    h = mix64(h ^ std::uint64_t(i) * 0x8cb92ba72f3d8dd7ULL);
    h = mix64(h ^ std::uint64_t(j) * 0xd6e8feb86659fd93ULL);
    return mix64(h ^ std::uint64_t(k) * 0xa0761d6478bd642fULL);
}
inline double unit(std::uint64_t h) {
    return double(h >> 11) * (1.0 / 9007199254740992.0);
}  // [0, 1)

// Value noise in [-1, 1], smooth (C1), lattice spacing 1: trilinear lookups in a fixed periodic 64^3 table (cheap
// enough to run per voxel); `salt` shifts into a different part of the table.
[[gnu::const]] const float* noiseTable();
inline double valueNoise(const glm::dvec3& p0, std::uint64_t salt) {
    const std::uint64_t h = mix64(salt * 0x9e3779b97f4a7c15ULL + 12345);
    const glm::dvec3 p = p0 + glm::dvec3(double(h & 1023) * 0.0625, double((h >> 10) & 1023) * 0.0625,
                                         double((h >> 20) & 1023) * 0.0625);
    const double fx = std::floor(p.x), fy = std::floor(p.y), fz = std::floor(p.z);
    const int ix = int(std::int64_t(fx) & 63), iy = int(std::int64_t(fy) & 63), iz = int(std::int64_t(fz) & 63);
    const int jx = (ix + 1) & 63, jy = (iy + 1) & 63, jz = (iz + 1) & 63;
    auto s = [](double t) { return t * t * (3.0 - 2.0 * t); };
    const double tx = s(p.x - fx), ty = s(p.y - fy), tz = s(p.z - fz);
    const float* T = noiseTable();
    auto v = [T](int a, int b, int c) { return double(T[(c * 64 + b) * 64 + a]); };
    auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
    const double x00 = lerp(v(ix, iy, iz), v(jx, iy, iz), tx), x10 = lerp(v(ix, jy, iz), v(jx, jy, iz), tx);
    const double x01 = lerp(v(ix, iy, jz), v(jx, iy, jz), tx), x11 = lerp(v(ix, jy, jz), v(jx, jy, jz), tx);
    return lerp(lerp(x00, x10, ty), lerp(x01, x11, ty), tz);
}
// Two octaves: organic boundary wobble and parenchymal mottling.
inline double fbm(const glm::dvec3& p, std::uint64_t salt) {
    return 0.67 * valueNoise(p, salt) + 0.33 * valueNoise(p * 2.03 + glm::dvec3(17.1, 3.7, 9.2), salt + 1);
}

// ---- tissues (labels let later layers paint only onto certain tissues) ----

enum Tissue : std::uint8_t {
    kAir = 0,
    kSkin,
    kFat,
    kMuscle,
    kVisceralFat,
    kMediastinalFat,
    kLung,
    kLungVessel,
    kAirway,
    kBlood,
    kHeart,
    kLiver,
    kSpleen,
    kKidney,
    kPancreas,
    kBowel,
    kBowelContent,
    kFluid,
    kBrain,
    kCsf,
    kBone,
    kMarrow,
    kCartilage,
    kDevice,
    kHaematoma,
    kPleura,
    kGland,
    kCouch,
    kTissueCount
};
using TissueMask = std::uint64_t;
constexpr TissueMask bit(Tissue t) {
    return TissueMask(1) << t;
}
constexpr TissueMask kAnyTissue = ~TissueMask(0);

// ---- a slice being painted ----

struct Canvas {
    float* hu = nullptr;
    std::uint8_t* label = nullptr;
    int nx = 0, ny = 0;
    double x0 = 0, y0 = 0;  // LPS x, y of pixel (0, 0)
    double dx = 1, dy = 1;  // mm per pixel
    double z = 0;           // LPS z of the slice
    double edgeScale = 1;   // width of every partial-volume ramp, in pixels (the scanner's blur at this pixel size)
    // When set, each pixel gets the structure (Layer::structure) of the last layer that covers at least half of it:
    // the label map.
    std::uint16_t* structure = nullptr;
};

struct Box2 {
    double x0, y0, x1, y1;
};

// A compact displacement (mass effect, mediastinal shift): points within `radius` of `centre` move by up to
// `shift`, smoothly falling to exactly zero at the radius so nothing outside changes.
struct Warp {
    glm::dvec3 centre{0.0};
    glm::dvec3 radius{1.0};  // ellipsoidal support
    glm::dvec3 shift{0.0};
    glm::dvec3 displacement(const glm::dvec3& p) const {
        const glm::dvec3 q = (p - centre) / radius;
        const double t = glm::dot(q, q);
        if (t >= 1.0) return glm::dvec3(0.0);
        const double w = (1.0 - t) * (1.0 - t);
        return shift * w;
    }
};
struct WarpSet {
    std::vector<Warp> warps;
    bool empty() const { return warps.empty(); }
    double maxShift() const {
        double m = 0;
        for (const auto& w : warps) m += glm::length(w.shift);
        return m;
    }
    // The point before deformation that ends up at p (first-order inverse, accurate for smooth small shifts).
    glm::dvec3 source(const glm::dvec3& p) const {
        glm::dvec3 d(0.0);
        for (const auto& w : warps) d += w.displacement(p);
        glm::dvec3 q = p - d;
        glm::dvec3 d2(0.0);
        for (const auto& w : warps) d2 += w.displacement(q);
        return p - d2;
    }
};

// ---- shapes: signed distance in mm (negative inside) ----

struct Shape {
    virtual ~Shape() = default;
    // xy box holding the cross-section at z; false when the shape does not reach z.
    virtual bool sliceBox(double z, Box2& box) const = 0;
    virtual double sdf(const glm::dvec3& p) const = 0;
    // True only where sdf(p) >= d for certain, found more cheaply than sdf itself; false where it cannot tell.
    // Painting asks it first, so that a thin shape with a large box (a rib, a vessel tree) costs little away from
    // itself. Painting looks along one row of a slice at a time, which a shape may use to narrow its search.
    virtual bool surelyBeyond(const glm::dvec3& /*p*/, double /*d*/) const { return false; }

    // Unique to this shape for the life of the program, for per-thread caches of one slice or row (an address may
    // be reused by a later patient's shape).
    const std::uint64_t serial = nextSerial();

private:
    static std::uint64_t nextSerial() {
        static std::atomic<std::uint64_t> n{0};
        return ++n;
    }
};
using ShapePtr = std::shared_ptr<const Shape>;

// Rotated ellipsoid with optional boundary wobble.
struct Ellipsoid : Shape {
    glm::dvec3 c, r;
    glm::dmat3 rot{1.0};  // columns: local axes in LPS
    double wobble = 0, wobbleFreq = 0.05;
    std::uint64_t salt = 1;
    double reach = 0;
    Ellipsoid(glm::dvec3 centre, glm::dvec3 radii, glm::dmat3 rotation = glm::dmat3(1.0), double wob = 0,
              double freq = 0.05, std::uint64_t s = 1)
        : c(centre), r(radii), rot(rotation), wobble(wob), wobbleFreq(freq), salt(s) {
        reach = std::max({r.x, r.y, r.z}) + wobble;
    }
    bool sliceBox(double z, Box2& b) const override {
        // Axis-aligned bound of the rotated ellipsoid.
        glm::dvec3 e;
        for (int a = 0; a < 3; ++a) {
            double s = 0;
            for (int l = 0; l < 3; ++l) s += (rot[l][a] * r[l]) * (rot[l][a] * r[l]);
            e[a] = std::sqrt(s) + wobble + 1.0;
        }
        if (z < c.z - e.z || z > c.z + e.z) return false;
        b = {c.x - e.x, c.y - e.y, c.x + e.x, c.y + e.y};
        return true;
    }
    double sdf(const glm::dvec3& p) const override {
        const glm::dvec3 q = glm::transpose(rot) * (p - c);
        const glm::dvec3 u = q / r;
        const double k0 = glm::length(u);
        const double k1 = glm::length(u / r);
        double d = k1 > 1e-9 ? k0 * (k0 - 1.0) / k1 : -std::min({r.x, r.y, r.z});
        if (wobble > 0 && std::abs(d) < 3 * wobble + 2) d += wobble * fbm(p * wobbleFreq, salt);
        return d;
    }
};

// Capsule chain (vessels, airways, ribs, bowel): radius interpolated along each segment.
struct Tube : Shape {
    struct Seg {
        glm::dvec3 a, b;
        double ra, rb;
        double zlo, zhi;
        glm::dvec3 lo, hi;  // the segment's box (its axis, without the radius)
        double rmax;        // the larger of its two radii
    };
    std::vector<Seg> segs;
    double wobble = 0, wobbleFreq = 0.1;
    std::uint64_t salt = 3;
    double zlo = 1e9, zhi = -1e9;
    // Points with radii; with smooth = true, a Catmull-Rom curve through them.
    Tube(const std::vector<glm::dvec4>& pts, bool smooth = true, double wob = 0, double freq = 0.1, std::uint64_t s = 3)
        : wobble(wob), wobbleFreq(freq), salt(s) {
        std::vector<glm::dvec4> p = pts;
        if (smooth && pts.size() > 2) {
            p.clear();
            for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
                const glm::dvec4 p0 = pts[i == 0 ? 0 : i - 1], p1 = pts[i], p2 = pts[i + 1],
                                 p3 = pts[std::min(i + 2, pts.size() - 1)];
                const double len = glm::length(glm::dvec3(p2) - glm::dvec3(p1));
                const int n = std::max(1, int(len / 6.0));
                for (int s2 = 0; s2 < n; ++s2) {
                    const double t = double(s2) / n, t2 = t * t, t3 = t2 * t;
                    p.push_back(0.5 * ((2.0 * p1) + (-p0 + p2) * t + (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3) * t2 +
                                       (-p0 + 3.0 * p1 - 3.0 * p2 + p3) * t3));
                }
            }
            p.push_back(pts.back());
        }
        for (std::size_t i = 0; i + 1 < p.size(); ++i)
            addSeg(glm::dvec3(p[i]), glm::dvec3(p[i + 1]), p[i].w, p[i + 1].w);
        if (p.size() == 1) addSeg(glm::dvec3(p[0]), glm::dvec3(p[0]), p[0].w, p[0].w);
    }
    void addSeg(glm::dvec3 a, glm::dvec3 b, double ra, double rb) {
        const double m = std::max(ra, rb) + wobble + 1.0;
        Seg s{a,
              b,
              ra,
              rb,
              std::min(a.z, b.z) - m,
              std::max(a.z, b.z) + m,
              glm::min(a, b),
              glm::max(a, b),
              std::max(ra, rb)};
        zlo = std::min(zlo, s.zlo);
        zhi = std::max(zhi, s.zhi);
        segs.push_back(s);
    }
    bool sliceBox(double z, Box2& b) const override {
        if (z < zlo || z > zhi) return false;
        bool any = false;
        for (const auto& s : segs) {
            if (z < s.zlo || z > s.zhi) continue;
            const double m = std::max(s.ra, s.rb) + wobble + 1.0;
            const Box2 sb{std::min(s.a.x, s.b.x) - m, std::min(s.a.y, s.b.y) - m, std::max(s.a.x, s.b.x) + m,
                          std::max(s.a.y, s.b.y) + m};
            if (!any)
                b = sb;
            else
                b = {std::min(b.x0, sb.x0), std::min(b.y0, sb.y0), std::max(b.x1, sb.x1), std::max(b.y1, sb.y1)};
            any = true;
        }
        return any;
    }
    double sdf(const glm::dvec3& p) const override {
        double best = 1e9;
        for (const auto& s : segs) {
            if (p.z < s.zlo || p.z > s.zhi) continue;
            // The segment's distance is at least the distance to its box less its larger radius: a segment that
            // cannot come nearer than the nearest so far is skipped without changing the result.
            const double reach = best + s.rmax;
            if (reach <= 0) continue;
            const glm::dvec3 out = glm::max(glm::max(s.lo - p, p - s.hi), glm::dvec3(0.0));
            if (glm::dot(out, out) >= reach * reach) continue;
            const glm::dvec3 ab = s.b - s.a, ap = p - s.a;
            const double l2 = glm::dot(ab, ab);
            const double t = l2 > 0 ? std::clamp(glm::dot(ap, ab) / l2, 0.0, 1.0) : 0.0;
            const double d = glm::length(ap - ab * t) - (s.ra + (s.rb - s.ra) * t);
            best = std::min(best, d);
        }
        if (wobble > 0 && std::abs(best) < 3 * wobble + 2) best += wobble * fbm(p * wobbleFreq, salt);
        return best;
    }
    // A segment is nearer than its box less its larger radius, and the wobble moves the surface by at most its
    // amplitude (|fbm| <= 1). The segments that can come within d of a row are listed once per row.
    bool surelyBeyond(const glm::dvec3& p, double d) const override {
        if (p.z < zlo || p.z > zhi) return true;
        const double margin = d + wobble + 1e-6;
        struct Row {
            std::uint64_t shape = 0;
            double y = 0, z = 0, margin = 0;
            std::vector<const Seg*> near;
        };
        thread_local Row row;
        if (row.shape != serial || row.y != p.y || row.z != p.z || row.margin != margin) {
            row.shape = serial;
            row.y = p.y;
            row.z = p.z;
            row.margin = margin;
            row.near.clear();
            for (const auto& s : segs) {
                if (p.z < s.zlo || p.z > s.zhi) continue;
                const double reach = margin + s.rmax;
                if (reach <= 0) continue;
                const double oy = std::max({s.lo.y - p.y, p.y - s.hi.y, 0.0}),
                             oz = std::max({s.lo.z - p.z, p.z - s.hi.z, 0.0});
                if (oy * oy + oz * oz < reach * reach) row.near.push_back(&s);
            }
        }
        for (const Seg* s : row.near) {
            const double reach = margin + s->rmax;
            const glm::dvec3 out = glm::max(glm::max(s->lo - p, p - s->hi), glm::dvec3(0.0));
            if (glm::dot(out, out) < reach * reach) return false;
        }
        return true;
    }
};

// Ellipse cross-section whose centre and radii follow key frames along z (body outlines, spinal canal, limbs),
// optionally flattened at the back where the patient lies on the table.
struct Extrusion : Shape {
    struct Key {
        double z, cx, cy, rx, ry;
    };
    std::vector<Key> keys;  // ascending z
    double backFlat = 0;    // >0: clip at y = cy + backFlat * ry
    double wobble = 0, wobbleFreq = 0.03;
    std::uint64_t salt = 5;
    bool roundEnds = true;
    explicit Extrusion(std::vector<Key> k, double flat = 0, double wob = 0, double freq = 0.03, std::uint64_t s = 5)
        : keys(std::move(k)), backFlat(flat), wobble(wob), wobbleFreq(freq), salt(s) {
        std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.z < b.z; });
    }
    Key at(double z) const {
        if (z <= keys.front().z) return keys.front();
        if (z >= keys.back().z) return keys.back();
        std::size_t i = 1;
        while (keys[i].z < z) ++i;
        const Key &a = keys[i - 1], &b = keys[i];
        double t = (z - a.z) / (b.z - a.z);
        t = t * t * (3 - 2 * t);  // smooth between key frames
        return {z, a.cx + (b.cx - a.cx) * t, a.cy + (b.cy - a.cy) * t, a.rx + (b.rx - a.rx) * t,
                a.ry + (b.ry - a.ry) * t};
    }
    bool sliceBox(double z, Box2& b) const override {
        if (z < keys.front().z - 1 || z > keys.back().z + 1) return false;
        const Key k = at(z);
        const double m = wobble + 1.0;
        b = {k.cx - k.rx - m, k.cy - k.ry - m, k.cx + k.rx + m, k.cy + k.ry + m};
        return true;
    }
    double sdf(const glm::dvec3& p) const override {
        // A slice is painted one z at a time: its cross-section is looked up once per shape and slice.
        struct Cached {
            std::uint64_t shape = 0;
            double z = 0;
            Key key{};
        };
        thread_local Cached cached;
        if (cached.shape != serial || cached.z != p.z) cached = {serial, p.z, at(p.z)};
        const Key& k = cached.key;
        const double ux = (p.x - k.cx) / k.rx, uy = (p.y - k.cy) / k.ry;
        const double k0 = std::sqrt(ux * ux + uy * uy);
        const double gx = ux / k.rx, gy = uy / k.ry;
        const double k1 = std::sqrt(gx * gx + gy * gy);
        double d = k1 > 1e-9 ? k0 * (k0 - 1.0) / k1 : -std::min(k.rx, k.ry);
        if (backFlat > 0) d = std::max(d, p.y - (k.cy + backFlat * k.ry));
        // Ends: a cap a few mm long instead of a sharp cut.
        d = std::max(d, std::max(keys.front().z - p.z, p.z - keys.back().z));
        if (wobble > 0 && std::abs(d) < 3 * wobble + 2) d += wobble * fbm(p * wobbleFreq, salt);
        return d;
    }
};

// Any shape from a distance function and a box function (skull base, fissures, iliac wings, cracks...).
struct Implicit : Shape {
    std::function<bool(double, Box2&)> box;
    std::function<double(const glm::dvec3&)> dist;
    Implicit(std::function<bool(double, Box2&)> b, std::function<double(const glm::dvec3&)> d)
        : box(std::move(b)), dist(std::move(d)) {}
    bool sliceBox(double z, Box2& b) const override { return box(z, b); }
    double sdf(const glm::dvec3& p) const override { return dist(p); }
};

// Intersection / subtraction / smooth union of two shapes (box from the first or both).
struct Combine : Shape {
    enum Op { Intersect, Subtract, SmoothUnion } op;
    ShapePtr a, b;
    double k = 8;
    Combine(Op o, ShapePtr x, ShapePtr y, double smooth = 8) : op(o), a(std::move(x)), b(std::move(y)), k(smooth) {}
    bool sliceBox(double z, Box2& bx) const override {
        if (op != SmoothUnion) return a->sliceBox(z, bx);
        Box2 b1{}, b2{};
        const bool h1 = a->sliceBox(z, b1), h2 = b->sliceBox(z, b2);
        if (h1 && h2)
            bx = {std::min(b1.x0, b2.x0), std::min(b1.y0, b2.y0), std::max(b1.x1, b2.x1), std::max(b1.y1, b2.y1)};
        else if (h1)
            bx = b1;
        else if (h2)
            bx = b2;
        return h1 || h2;
    }
    double sdf(const glm::dvec3& p) const override {
        const double da = a->sdf(p), db = b->sdf(p);
        switch (op) {
            case Intersect:
                return std::max(da, db);
            case Subtract:
                return std::max(da, -db);
            case SmoothUnion: {
                const double h = std::clamp(0.5 + 0.5 * (db - da) / k, 0.0, 1.0);
                return db + (da - db) * h - k * h * (1.0 - h);
            }
        }
        return da;
    }
    // The smooth union lies at most k / 4 inside the nearer of its two shapes.
    bool surelyBeyond(const glm::dvec3& p, double d) const override {
        switch (op) {
            case Intersect:
                return a->surelyBeyond(p, d) || b->surelyBeyond(p, d);
            case Subtract:
                return a->surelyBeyond(p, d);
            case SmoothUnion:
                return a->surelyBeyond(p, d + k / 4) && b->surelyBeyond(p, d + k / 4);
        }
        return false;
    }
};
inline ShapePtr intersect(ShapePtr a, ShapePtr b) {
    return std::make_shared<Combine>(Combine::Intersect, a, b);
}
inline ShapePtr subtract(ShapePtr a, ShapePtr b) {
    return std::make_shared<Combine>(Combine::Subtract, a, b);
}
inline ShapePtr smoothUnion(ShapePtr a, ShapePtr b, double k = 8) {
    return std::make_shared<Combine>(Combine::SmoothUnion, a, b, k);
}
// The union of shapes (the nearest one's distance), in the box that holds all of them.
inline ShapePtr unionOf(std::vector<ShapePtr> parts) {
    return std::make_shared<Implicit>(
        [parts](double z, Box2& bx) {
            bool any = false;
            for (const auto& s : parts) {
                Box2 b{};
                if (!s->sliceBox(z, b)) continue;
                bx = any ? Box2{std::min(bx.x0, b.x0), std::min(bx.y0, b.y0), std::max(bx.x1, b.x1),
                                std::max(bx.y1, b.y1)}
                         : b;
                any = true;
            }
            return any;
        },
        [parts](const glm::dvec3& p) {
            double d = 1e9;
            for (const auto& s : parts) d = std::min(d, s->sdf(p));
            return d;
        });
}
// The shape grown (d > 0) or shrunk (d < 0) by a distance.
struct Offset : Shape {
    ShapePtr s;
    double d;
    Offset(ShapePtr shape, double dist) : s(std::move(shape)), d(dist) {}
    bool sliceBox(double z, Box2& b) const override {
        if (!s->sliceBox(z, b)) return false;
        const double m = std::max(d, 0.0);
        b = {b.x0 - m, b.y0 - m, b.x1 + m, b.y1 + m};
        return true;
    }
    double sdf(const glm::dvec3& p) const override { return s->sdf(p) - d; }
    bool surelyBeyond(const glm::dvec3& p, double beyond) const override { return s->surelyBeyond(p, beyond + d); }
};
inline ShapePtr offset(ShapePtr s, double d) {
    return std::make_shared<Offset>(std::move(s), d);
}
// A shape moved by d.
inline ShapePtr shifted(ShapePtr s, glm::dvec3 d) {
    return std::make_shared<Implicit>(
        [s, d](double z, Box2& b) {
            if (!s->sliceBox(z - d.z, b)) return false;
            b = {b.x0 + d.x, b.y0 + d.y, b.x1 + d.x, b.y1 + d.y};
            return true;
        },
        [s, d](const glm::dvec3& p) { return s->sdf(p - d); });
}

// Rotation from Euler angles in degrees (about x, then y, then z).
inline glm::dmat3 rotation(double ax, double ay, double az) {
    const double a = glm::radians(ax), b = glm::radians(ay), c = glm::radians(az);
    const glm::dmat3 rx(1, 0, 0, 0, std::cos(a), std::sin(a), 0, -std::sin(a), std::cos(a));
    const glm::dmat3 ry(std::cos(b), 0, -std::sin(b), 0, 1, 0, std::sin(b), 0, std::cos(b));
    const glm::dmat3 rz(std::cos(c), std::sin(c), 0, -std::sin(c), std::cos(c), 0, 0, 0, 1);
    return rz * ry * rx;
}

// ---- layers: what to paint where ----

struct Layer {
    ShapePtr shape;
    float hu = 0;
    Tissue tissue = kAir;
    TissueMask onto = kAnyTissue;   // paint only over these tissues
    float texture = 0;              // HU amplitude of smooth mottling
    double textureFreq = 0.1;       // 1/mm
    const WarpSet* warp = nullptr;  // deformation applied before evaluating the shape
    double edge = 1.0;              // partial-volume ramp width in pixels (larger = softer)
    // Thickness in mm of a structure that may be thinner than a pixel (small vessels, fracture lines): its
    // partial-volume contribution is scaled by thickness / pixel size, as a detector would average it. 0 = off.
    double thin = 0;
    // The anatomical structure the layer paints (an index into Model::structureNames; 0 = none, outside the body).
    std::uint16_t structure = 0;
    // A layer of no named structure (named by its tissue) painted over its own tissue keeps the structure there: the
    // septa in a named muscle's fat planes belong to that muscle.
    bool keepsStructure = false;
    // A layer that only names the structure of what is painted under it (the lobes of a lung): no pixels change, and
    // it is skipped when no label map is made.
    bool labelOnly = false;
    // For a label-only layer: the structure at each point, when it differs from point to point (the muscles of a
    // thigh, parted by their fascial planes).
    std::function<std::uint16_t(const glm::dvec3&)> structureAt;
};

// Paints layers in order onto the canvas.
void paintLayers(Canvas& c, const std::vector<Layer>& layers, std::uint64_t textureSalt);

}  // namespace polysim::phantom::detail

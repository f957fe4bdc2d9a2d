// What the scanner and the trauma bay add to the patient's images besides anatomy: the couch the patient lies on, the
// ECG electrodes and leads on the chest, a pelvic binder where the case puts one on, and the dependent atelectasis of a
// supine patient's lung bases. Everything outside the body is painted onto air only, so no anatomy changes.
#include <cmath>
#include <numbers>

#include "phantom/model.h"

namespace polysim::phantom::detail {
namespace {

using glm::dvec3;
using glm::dvec4;

// The deepest (most posterior, largest LPS y) point of the body's skin at (x, z): sphere tracing from behind the body
// towards the front. Returns false where the line misses the body.
bool backOfBody(const std::vector<ShapePtr>& skin, double x, double z, double& y) {
    double best = -1e9;
    for (const auto& s : skin) {
        Box2 b{};
        if (!s->sliceBox(z, b) || x < b.x0 || x > b.x1) continue;
        double yy = b.y1 + 1;
        for (int it = 0; it < 64 && yy > b.y0 - 1; ++it) {
            const double d = s->sdf({x, yy, z});
            if (d < 0.25) break;
            yy -= std::max(0.3, 0.9 * d);
        }
        if (yy > b.y0 - 1 && s->sdf({x, yy, z}) < 0.5) best = std::max(best, yy);
    }
    if (best < -1e8) return false;
    y = best;
    return true;
}

// The front of the trunk's skin at (x, z), tracing backwards from in front of the body.
bool frontOfTrunk(const ShapePtr& trunk, double x, double z, dvec3& p, dvec3& normal) {
    Box2 b{};
    if (!trunk->sliceBox(z, b)) return false;
    double y = b.y0 - 1;
    for (int it = 0; it < 80 && y < b.y1; ++it) {
        const double d = trunk->sdf({x, y, z});
        if (d < 0.1) break;
        y += std::max(0.2, 0.9 * d);
    }
    if (y >= b.y1) return false;
    p = {x, y, z};
    const double h = 1.0;
    normal = glm::normalize(dvec3(trunk->sdf(p + dvec3(h, 0, 0)) - trunk->sdf(p - dvec3(h, 0, 0)),
                                  trunk->sdf(p + dvec3(0, h, 0)) - trunk->sdf(p - dvec3(0, h, 0)),
                                  trunk->sdf(p + dvec3(0, 0, h)) - trunk->sdf(p - dvec3(0, 0, h))));
    return true;
}

// A sheet between y = top(x, z) and y = bottom(x, z), |x| <= halfWidth, over the whole length of the scan; its box
// spans y from yLo to yHi.
ShapePtr sheet(std::function<double(double, double)> top, std::function<double(double, double)> bottom,
               double halfWidth, double yLo, double yHi) {
    return std::make_shared<Implicit>(
        [=](double, Box2& b) {
            b = {-halfWidth - 2, yLo - 2, halfWidth + 2, yHi + 2};
            return true;
        },
        [top, bottom, halfWidth](const dvec3& p) {
            return std::max({top(p.x, p.z) - p.y, p.y - bottom(p.x, p.z), std::abs(p.x) - halfWidth});
        });
}

}  // namespace

// The couch: a curved carbon-fibre cradle (two thin shells around a foam core) with a foam mattress on it, under the
// patient's back. The cradle is rigid and straight; it lies where the heaviest part of the back presses the mattress
// to its thinnest. The mattress fills up to the back along its length (thicker under the small of the back and the
// thighs), its cover a thin sheet. Its sides rise gently, as a cradle's do.
void addScannerTable(Model& m) {
    constexpr double kZTop = 60, kZBottom = -1060, kStep = 5, kPadMin = 6, kPadMax = 45;
    constexpr double kHalfWidth = 235, kFlat = 95, kRadius = 460;
    const int n = int((kZTop - kZBottom) / kStep) + 1;
    std::vector<double> back(std::size_t(n), -1e9);
    double deepest = -1e9;
    for (int k = 0; k < n; ++k) {
        const double z = kZTop - k * kStep;
        for (double x = -200; x <= 200; x += 20) {
            double y = 0;
            if (backOfBody(m.skin, x, z, y)) back[std::size_t(k)] = std::max(back[std::size_t(k)], y);
        }
        deepest = std::max(deepest, back[std::size_t(k)]);
    }
    const double cradle = deepest + kPadMin;  // top of the cradle at the midline
    // Mattress top along z: up to the back (within reach of a soft pad), smoothed over a few cm.
    auto padTop = std::make_shared<std::vector<double>>(std::size_t(n));
    for (int k = 0; k < n; ++k) {
        double y = -1e9;
        for (int d = -4; d <= 4; ++d) y = std::max(y, back[std::size_t(std::clamp(k + d, 0, n - 1))]);
        (*padTop)[std::size_t(k)] = std::clamp(y, cradle - kPadMax, cradle - kPadMin);
    }
    for (int pass = 0; pass < 3; ++pass) {
        auto t = *padTop;
        for (int k = 1; k + 1 < n; ++k)
            (*padTop)[std::size_t(k)] =
                std::max(t[std::size_t(k)],
                         0.25 * t[std::size_t(k - 1)] + 0.5 * t[std::size_t(k)] + 0.25 * t[std::size_t(k + 1)]);
    }
    auto rise = [](double x) {
        const double e = std::max(0.0, std::abs(x) - kFlat);
        return e * e / (2 * kRadius);
    };
    auto pad = [padTop, rise, n](double x, double z) {
        const double f = std::clamp((kZTop - z) / kStep, 0.0, double(n - 1));
        const int k = std::min(n - 2, int(f));
        const double t = f - k;
        return (*padTop)[std::size_t(k)] * (1 - t) + (*padTop)[std::size_t(k + 1)] * t - rise(x);
    };
    auto shell = [cradle, rise](double dy) {
        return std::function<double(double, double)>([=](double x, double) { return cradle + dy - rise(x); });
    };
    const double yLo = cradle - kPadMax - 2, yHi = cradle + 20;
    const TissueMask air = bit(kAir);
    // Mattress: foam under a vinyl cover, from the back down to the cradle.
    add(m, sheet(pad, shell(0), kHalfWidth - 15, yLo, cradle), -910, kCouch, air).edge = 1.5;
    add(m,
        sheet(
            pad, [pad](double x, double z) { return pad(x, z) + 0.6; }, kHalfWidth - 15, yLo, cradle),
        250, kCouch, bit(kCouch))
        .thin = 0.6;
    // Cradle: a thin upper carbon-fibre skin and a 2.5 mm lower one around 15 mm of structural foam.
    add(m, sheet(shell(0), shell(18.5), kHalfWidth, yLo, yHi), -960, kCouch, air | bit(kCouch));
    add(m, sheet(shell(0), shell(1.0), kHalfWidth, yLo, yHi), 300, kCouch, bit(kCouch)).thin = 0.6;
    add(m, sheet(shell(16), shell(18.5), kHalfWidth, yLo, yHi), 420, kCouch, bit(kCouch));
}

// Four ECG electrodes on the front of the chest (right and left below the clavicles, right and left lower chest), each
// a foam-and-gel pad on the skin with a metal snap, and a thin lead running from the snap over the chest in the air.
void addEcgElectrodes(Model& m) {
    const auto it = m.organs.find("trunk_skin");
    if (it == m.organs.end()) return;
    const ShapePtr trunk = it->second;
    struct Site {
        double x, z;
    };
    const Site sites[] = {{-72, -300}, {72, -298}, {-92, -478}, {98, -470}};
    for (const auto& s : sites) {
        dvec3 p, nrm;
        if (!frontOfTrunk(trunk, s.x, s.z, p, nrm)) continue;
        // Local frame: u and v tangent to the skin, nrm outwards.
        const dvec3 u = glm::normalize(glm::cross(dvec3(0, 0, 1), nrm));
        const dvec3 v = glm::cross(nrm, u);
        const glm::dmat3 frame(u, v, nrm);
        add(m, std::make_shared<Ellipsoid>(p + nrm * 0.6, dvec3(17, 17, 1.1), frame), -120, kDevice, bit(kAir));
        add(m, std::make_shared<Ellipsoid>(p + nrm * 2.6, dvec3(4.5, 4.5, 1.6), frame), 3000, kDevice,
            bit(kAir) | bit(kDevice));
        // The lead: off the snap, then over the chest 6-9 mm above the skin towards the shoulder on the same side.
        const double side = s.x < 0 ? -1 : 1;
        std::vector<dvec4> lead{{p + nrm * 4.2, 0.8}, {p + nrm * 7.0 + dvec3(side * 4, 0, 8), 0.8}};
        for (int i = 1; i <= 6; ++i) {
            const double t = i / 6.0;
            dvec3 q, qn;
            if (!frontOfTrunk(trunk, s.x + side * 55 * t, s.z + 95 * t, q, qn)) break;
            lead.push_back({q + qn * (7.0 + 2 * std::sin(3 * t + s.x)), 0.8});
        }
        add(m, std::make_shared<Tube>(lead, true), 1400, kDevice, bit(kAir));
    }
}

// A pelvic binder as the trauma bay puts it on (ATLS: at the level of the greater trochanters, not over the iliac
// crests): a woven belt about 140 mm wide and 2.5 mm thick lying on the skin all round the hips and the tops of the
// thighs, over the back too, and its plastic buckle over the front. It goes round the body's outer contour, not into
// the cleft between the thighs. Painted onto air only.
void addPelvicBinder(Model& m) {
    constexpr double kTop = -740, kBottom = -880, kGap = 0.4, kThick = 2.5;
    std::vector<ShapePtr> body;
    for (const char* name : {"trunk_skin", "thigh_skin_left", "thigh_skin_right"})
        if (const auto it = m.organs.find(name); it != m.organs.end()) body.push_back(it->second);
    if (body.empty()) return;
    auto outline = unionOf(body);
    auto belt = std::make_shared<Implicit>(
        [outline](double z, Box2& b) {
            if (z > kTop + 2 || z < kBottom - 2 || !outline->sliceBox(z, b)) return false;
            b = {b.x0 - 8, b.y0 - 8, b.x1 + 8, b.y1 + 8};
            return true;
        },
        [outline](const dvec3& p) {
            const double d = outline->sdf(p);
            const double shell = std::abs(d - (kGap + kThick / 2)) - kThick / 2;
            const double slab = std::max(kBottom - p.z, p.z - kTop);
            // Between the thighs the belt bridges the cleft: nothing inside the body's outline there.
            const double cleft = std::abs(p.x) < 40 && p.z < -830 ? 40 - std::abs(p.x) : -1e9;
            return std::max({shell, slab, cleft});
        });
    add(m, belt, -60, kDevice, bit(kAir)).edge = 0.8;
    // The buckle over the front, at the middle of the belt.
    dvec3 p, nrm;
    if (frontOfTrunk(body.front(), 0, (kTop + kBottom) / 2, p, nrm)) {
        const dvec3 u = glm::normalize(glm::cross(dvec3(0, 0, 1), nrm));
        const glm::dmat3 frame(u, glm::cross(nrm, u), nrm);
        add(m, std::make_shared<Ellipsoid>(p + nrm * (kGap + kThick + 4.5), dvec3(34, 26, 4.5), frame), 180, kDevice,
            bit(kAir) | bit(kDevice));
    }
}

// A supine patient's lung bases: a subpleural band along the posterior (dependent) pleura, about 12 mm deep at the
// bases and gone by the hila, from -600 HU at the pleura fading into aerated lung. Painted only onto lung.
void addDependentAtelectasis(Model& m, const ShapePtr& lung) {
    constexpr double kBase = -500, kTop = -400, kDepth = 14;
    auto band = [lung](double depthMm) {
        return std::make_shared<Implicit>(
            [lung](double z, Box2& b) {
                if (z > kTop || !lung->sliceBox(z, b)) return false;
                b.y0 = 0.5 * (b.y0 + b.y1) - 10;  // the posterior half only
                return true;
            },
            [lung, depthMm](const dvec3& p) {
                const double d = lung->sdf(p);
                if (d > 0) return 100.0;
                const double f = std::clamp((kTop - p.z) / (kTop - kBase), 0.0, 1.0);
                // How much the pleura here faces down (posteriorly): the change of distance one step towards the back.
                const double facing = std::clamp((lung->sdf(p + dvec3(0, 2.0, 0)) - d) / 2.0, 0.0, 1.0);
                const double w = f * f * (3 - 2 * f) * std::clamp((facing - 0.25) / 0.5, 0.0, 1.0);
                return -d + 4 - (depthMm + 4) * w;  // w = 0: at least 4 mm outside, whatever the pixel size
            });
    };
    // Three nested bands (denser towards the pleura) so that the density fades into the aerated lung.
    for (const auto& [depth, hu] : {std::pair{1.0, -770.0f}, std::pair{0.6, -690.0f}, std::pair{0.3, -600.0f}})
        add(m, band(kDepth * depth), hu, kLung, bit(kLung));
}

// ---- artefacts of the reconstruction ----

namespace {

constexpr int kGrid = 128;              // cells per axis of the low-resolution slice the rays are traced through
constexpr int kAngles = 48;             // projection angles over 180 degrees for the (smooth) beam-hardening error
constexpr int kViewsPerAngle = 4;       // the starvation noise's views per angle: each view's rays are starved alone
constexpr int kTaps = 16;               // half-length of the ramp filter
constexpr double kMuWater = 0.0192;     // attenuation of water, 1/mm, at the beam's effective energy (~70 keV)
constexpr double kStreakHu = 45.0;      // SD of the streak noise where a ray's excess exp(p - p_ref) - 1 is 1
constexpr double kHardening = 1.2;      // projection error per (bone line integral)^2
constexpr double kMaxExcess = 7.0;      // the detector's floor: no ray is starved beyond exp(7)
constexpr double kBoneCorrected = 0.2;  // bone line integral the scanner's beam-hardening correction handles
constexpr double kTolerated = 1.5;      // excess the scanner's adaptive filtering of the projections absorbs
// Bone takes the low-energy photons out of the beam far beyond its share of the (mean-energy) attenuation: a ray
// through two bones starves more than its line integral says, so the worst streaks run between dense bones.
constexpr double kBoneStarvation = 2.0;

// Gaussian-ish unit noise from a hash (sum of four uniforms).
double gauss(std::uint64_t h) {
    return ((double(h & 0xffff) + double((h >> 16) & 0xffff) + double((h >> 32) & 0xffff) +
             double((h >> 48) & 0xffff)) /
                65536.0 -
            2.0) *
           1.7320508;
}

}  // namespace

void addScanArtefacts(const std::vector<Layer>& layers, const Canvas& slice, int k, std::uint64_t seed, float* hu,
                      double starvation, double hardening) {
    const int n = kGrid;
    const double fovX = slice.nx * slice.dx, fovY = slice.ny * slice.dy;
    const double d = std::max(fovX, fovY) / n;
    const double cx = slice.x0 - slice.dx / 2 + fovX / 2, cy = slice.y0 - slice.dy / 2 + fovY / 2;
    const double gx0 = cx - n * d / 2 + d / 2, gy0 = cy - n * d / 2 + d / 2;
    thread_local std::vector<float> lo, mu, bone, proj, boneProj, ray, hard, q, field;
    thread_local std::vector<std::uint8_t> lab, mask;
    lo.assign(std::size_t(n) * n, -1000.0f);
    lab.assign(lo.size(), kAir);
    Canvas c{lo.data(), lab.data(), n, n, gx0, gy0, d, d, slice.z, 1.0};
    paintLayers(c, layers, seed);
    mu.resize(lo.size());
    bone.resize(lo.size());
    mask.assign(lo.size(), 0);
    bool any = false;
    for (std::size_t i = 0; i < lo.size(); ++i) {
        // The couch is left out: its thin shells lie along the horizontal rays, whose noise would streak the table.
        if (lab[i] == kCouch) lo[i] = -1000.0f;
        mu[i] = float(kMuWater * d * std::max(0.0, 1.0 + lo[i] / 1000.0));        // per cell crossed
        bone[i] = float(kMuWater * d * std::max(0.0, (lo[i] - 100.0) / 1000.0));  // bone mineral beyond soft tissue
        any |= lo[i] > -500;
    }
    if (!any) return;
    // Where the field is added: the body and a margin of two cells round it.
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            if (lo[std::size_t(j) * n + i] <= -500) continue;
            for (int b = std::max(0, j - 2); b <= std::min(n - 1, j + 2); ++b)
                for (int a = std::max(0, i - 2); a <= std::min(n - 1, i + 2); ++a) mask[std::size_t(b) * n + a] = 1;
        }
    // The box of the body in cells: rays are traced only through it.
    int bi0 = n, bi1 = -1, bj0 = n, bj1 = -1;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i)
            if (mask[std::size_t(j) * n + i])
                bi0 = std::min(bi0, i), bi1 = std::max(bi1, i), bj0 = std::min(bj0, j), bj1 = std::max(bj1, j);
    // Line integrals: NA views x n rays, sampled once per cell along the ray. The photon-starvation noise of every
    // view is independent, so that the streaks of neighbouring views fan out across each other from the dense
    // structures that starve them instead of lying side by side as a few parallel lines.
    const int D = n, NA = kAngles * kViewsPerAngle;
    proj.assign(std::size_t(NA) * D, 0.0f);
    boneProj.assign(proj.size(), 0.0f);
    std::vector<double> cosT(NA), sinT(NA);
    const double bx0 = bi0 - 0.49, bx1 = bi1 + 0.49, by0 = bj0 - 0.49, by1 = bj1 + 0.49;
    for (int a = 0; a < NA; ++a) {
        const double th = std::numbers::pi * a / NA;
        const double ux = std::cos(th), uy = std::sin(th);
        cosT[a] = ux;
        sinT[a] = uy;
        for (int b = 0; b < D; ++b) {
            const double t = (b - (D - 1) / 2.0) * d;
            // A point of the ray in cell units; the stretch of the ray inside the body's box (slab test).
            const double ox = (cx - uy * t - gx0) / d, oy = (cy + ux * t - gy0) / d;
            double s0 = -1e9, s1 = 1e9;
            auto slab = [&](double o, double u, double lo2, double hi2) {
                if (std::abs(u) < 1e-9) {
                    if (o < lo2 || o > hi2) s0 = 1e9;
                    return;
                }
                double a0 = (lo2 - o) / u, a1 = (hi2 - o) / u;
                if (a0 > a1) std::swap(a0, a1);
                s0 = std::max(s0, a0);
                s1 = std::min(s1, a1);
            };
            slab(ox, ux, bx0, bx1);
            slab(oy, uy, by0, by1);
            if (s0 > s1) continue;
            double px = ox + ux * s0, py = oy + uy * s0, sp = 0, sb = 0;
            for (int s = 0, ns = int(s1 - s0) + 1; s < ns; ++s, px += ux, py += uy) {
                const int i = std::clamp(int(px + 0.5), bi0, bi1), j = std::clamp(int(py + 0.5), bj0, bj1);
                const std::size_t o = std::size_t(j) * n + i;
                sp += mu[o];
                sb += bone[o];
            }
            proj[std::size_t(a) * D + b] = float(sp);
            boneProj[std::size_t(a) * D + b] = float(sb);
        }
    }
    // The slice's reference path: the longest ray of each angle, averaged over the angles (the tube current the
    // scanner's modulation chose for this slice).
    double pRef = 0;
    for (int a = 0; a < NA; ++a)
        pRef += *std::max_element(proj.begin() + std::ptrdiff_t(a) * D, proj.begin() + std::ptrdiff_t(a + 1) * D);
    pRef /= NA;
    // Per ray: the noise of the photons missing beyond the reference, and the beam-hardening error; then the ramp
    // filter along the detector (which turns a noisy ray into a bright-and-dark streak).
    // The rays are filtered and back-projected at twice the tracing resolution (detector bins and grid of d / 2), so
    // that a streak is as fine as a real one; each fine bin takes the line integral of its place on the coarse
    // detector.
    const int F = 2, D2 = D * F, n2 = n * F;
    const double d2 = d / F, fx0 = cx - n * d / 2 + d2 / 2, fy0 = cy - n * d / 2 + d2 / 2;
    // SD in projection units that back-projects to kStreakHu over all views (ramp filter power 1/12 per d^2).
    const double sigma0 =
        kStreakHu * kMuWater / 1000.0 * d2 * std::sqrt(double(NA)) / (std::numbers::pi * std::sqrt(1.0 / 12.0));
    ray.resize(std::size_t(D2));
    std::vector<double> h(kTaps + 1, 0.0);
    h[0] = 0.25;
    for (int t = 1; t <= kTaps; t += 2) h[std::size_t(t)] = -1.0 / (std::numbers::pi * std::numbers::pi * t * t);
    auto rampFilter = [&](float* out) {
        for (int b = 0; b < D2; ++b) {
            double v = h[0] * ray[std::size_t(b)];
            for (int t = 1; t <= kTaps; t += 2) {
                const double l = b - t >= 0 ? ray[std::size_t(b - t)] : 0.0,
                             r = b + t < D2 ? ray[std::size_t(b + t)] : 0.0;
                v += h[std::size_t(t)] * (l + r);
            }
            out[b] = float(v / d2);  // ramp filter: d * sum(h / d^2)
        }
    };
    // The filtered views to back-project and their weights: every kViewsPerAngle-th view carries the beam-hardening
    // error (weight of one of kAngles views); every view whose rays are starved carries its own noise.
    std::vector<int> views;
    std::vector<double> weights;
    q.clear();
    for (int a = 0; a < NA; ++a) {
        const float* p = proj.data() + std::size_t(a) * D;
        const bool hardView = a % kViewsPerAngle == 0 && hardening != 0;
        if (hardView) {
            // The beam-hardening error is smooth (its own ramp-filtered edges would ring through the few angles
            // traced).
            const float* pb = boneProj.data() + std::size_t(a) * D;
            hard.assign(std::size_t(D), 0.0f);
            for (int b = 0; b < D; ++b) {
                const double over = std::max(0.0, double(pb[b]) - kBoneCorrected);
                hard[std::size_t(b)] = float(-hardening * kHardening * over * over);
            }
            for (int pass = 0; pass < 4; ++pass) {
                float prev = hard[0];
                for (int b = 0; b < D; ++b) {
                    const float cur = hard[std::size_t(b)], next = b + 1 < D ? hard[std::size_t(b + 1)] : cur;
                    hard[std::size_t(b)] = 0.25f * prev + 0.5f * cur + 0.25f * next;
                    prev = cur;
                }
            }
            for (int b2 = 0; b2 < D2; ++b2) {
                const double bc = std::clamp((b2 + 0.5) / F - 0.5, 0.0, D - 1.001);
                const int b = int(bc);
                const double w = bc - b;
                ray[std::size_t(b2)] = hard[std::size_t(b)] * float(1 - w) + hard[std::size_t(b + 1)] * float(w);
            }
            q.resize(q.size() + std::size_t(D2));
            rampFilter(q.data() + q.size() - std::size_t(D2));
            views.push_back(a);
            weights.push_back(1.0 / kAngles);
        }
        if (starvation == 0) continue;
        bool starved = false;
        for (int b2 = 0; b2 < D2; ++b2) {
            const double bc = std::clamp((b2 + 0.5) / F - 0.5, 0.0, D - 1.001);
            const int b = int(bc);
            const double w = bc - b;
            const float* pb = boneProj.data() + std::size_t(a) * D;
            const double pp = (p[b] + kBoneStarvation * pb[b]) * (1 - w) + (p[b + 1] + kBoneStarvation * pb[b + 1]) * w;
            const double excess = std::min(kMaxExcess, pp - pRef - kTolerated);
            double r = 0;
            if (excess > 0) {
                r = starvation * sigma0 * std::sqrt(std::exp(excess) - 1.0) * gauss(hash3(a, b2, k, seed ^ 0x57ea4ULL));
                starved = true;
            }
            ray[std::size_t(b2)] = float(r);
        }
        if (!starved) continue;
        q.resize(q.size() + std::size_t(D2));
        rampFilter(q.data() + q.size() - std::size_t(D2));
        views.push_back(a);
        weights.push_back(1.0 / NA);
    }
    // Back-projection onto the fine grid, in HU, over the body.
    field.assign(std::size_t(n2) * n2, 0.0f);
    const double toHu = std::numbers::pi * 1000.0 / kMuWater;
    for (int j = 0; j < n2; ++j)
        for (int i = 0; i < n2; ++i) {
            if (!mask[std::size_t(j / F) * n + i / F]) continue;
            const double x = fx0 + i * d2 - cx, y = fy0 + j * d2 - cy;
            double f = 0;
            for (std::size_t v = 0; v < views.size(); ++v) {
                const int a = views[v];
                const double t = (-sinT[std::size_t(a)] * x + cosT[std::size_t(a)] * y) / d2 + (D2 - 1) / 2.0;
                const int b = int(t);
                if (b < 0 || b + 1 >= D2) continue;
                const double w = t - b;
                const float* qa = q.data() + v * std::size_t(D2);
                f += weights[v] * (qa[b] * (1 - w) + qa[b + 1] * w);
            }
            field[std::size_t(j) * n2 + i] = float(f * toHu);
        }
    // Added to the slice with bilinear interpolation, over the body's box.
    const int j0s = std::max(0, int((gy0 + (bj0 - 1) * d - slice.y0) / slice.dy)),
              j1s = std::min(slice.ny - 1, int((gy0 + (bj1 + 1) * d - slice.y0) / slice.dy) + 1);
    const int i0s = std::max(0, int((gx0 + (bi0 - 1) * d - slice.x0) / slice.dx)),
              i1s = std::min(slice.nx - 1, int((gx0 + (bi1 + 1) * d - slice.x0) / slice.dx) + 1);
    for (int j = j0s; j <= j1s; ++j) {
        const double fy = std::clamp((slice.y0 + j * slice.dy - fy0) / d2, 0.0, n2 - 1.001);
        const int j0 = int(fy);
        const double wy = fy - j0;
        for (int i = i0s; i <= i1s; ++i) {
            const double fx = std::clamp((slice.x0 + i * slice.dx - fx0) / d2, 0.0, n2 - 1.001);
            const int i0 = int(fx);
            const double wx = fx - i0;
            const float* r0 = field.data() + std::size_t(j0) * n2 + i0;
            const float* r1 = r0 + n2;
            const double v = (r0[0] * (1 - wx) + r0[1] * wx) * (1 - wy) + (r1[0] * (1 - wx) + r1[1] * wx) * wy;
            hu[std::size_t(j) * slice.nx + i] += float(v);
        }
    }
}

// The layers that matter for the beam's path: everything but the sub-pixel structures (vessels, airways, fracture
// lines) and without texture.
std::vector<Layer> beamPathLayers(const std::vector<Layer>& layers) {
    std::vector<Layer> out;
    for (const auto& l : layers) {
        if (l.thin > 0 || l.labelOnly) continue;
        out.push_back(l);
        out.back().texture = 0;
    }
    return out;
}

}  // namespace polysim::phantom::detail

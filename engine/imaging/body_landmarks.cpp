// Landmarks along z from HU and connectivity, on a working grid of about 2 mm (block means, plus block maxima so that
// thin cortex is not averaged away). Each slice is described once (body, air inside it, bone in the midline and at
// the sides, the cranial cavity); the lungs are the large 3D components of air inside the body; the rest follows
// from runs of slices.
#include "imaging/body_landmarks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <numeric>
#include <stdexcept>

namespace polysim::imaging {

std::optional<double> BodyLandmarks::higherDome() const {
    if (diaphragmDomeRight && diaphragmDomeLeft) return std::max(*diaphragmDomeRight, *diaphragmDomeLeft);
    return diaphragmDomeRight ? diaphragmDomeRight : diaphragmDomeLeft;
}
std::optional<double> BodyLandmarks::lowerDome() const {
    if (diaphragmDomeRight && diaphragmDomeLeft) return std::min(*diaphragmDomeRight, *diaphragmDomeLeft);
    return diaphragmDomeRight ? diaphragmDomeRight : diaphragmDomeLeft;
}

const char* contrastPhaseName(ContrastPhase phase) {
    switch (phase) {
        case ContrastPhase::NonContrast:
            return "non-contrast";
        case ContrastPhase::Arterial:
            return "arterial";
        case ContrastPhase::PortalVenous:
            return "portal venous";
        case ContrastPhase::Unknown:
            break;
    }
    return "unknown";
}

namespace {

constexpr double kWorkingMm = 2.0;  // working grid pitch, in-plane and along z
constexpr int16_t kBoneHu = 350;    // block maximum at or above this: bone (cortex or dense cancellous bone)
constexpr int16_t kSolidHu = -300;  // above: tissue; below: air or lung

std::string mm(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f mm", v);
    return buf;
}

// One working slice: block means and maxima, and the patient x/y of each working pixel.
struct WorkSlice {
    double z = 0;
    std::vector<int16_t> mean, max;
};

struct WorkGrid {
    int w = 0, h = 0;
    double pixelMm = 0, sliceMm = 0;  // working pitch in-plane (mean of x and y) and between working slices
    std::vector<double> x, y;         // LPS x and y of each working pixel (w*h)
    std::vector<WorkSlice> slices;    // ascending z
    double pixelArea() const { return pixelMm * pixelMm; }
};

bool isAxial(const VolumeGeometry& g) {
    // Up to about 25 degrees of gantry tilt (a tilted series is regridded along its slice normal).
    return std::abs(g.direction[2].z) > 0.9 && std::abs(g.direction[0].z) < 0.45 && std::abs(g.direction[1].z) < 0.45;
}

WorkGrid makeGrid(const Volume& v) {
    const auto& g = v.geometry();
    WorkGrid grid;
    const int fx = std::max(1, int(std::lround(kWorkingMm / g.spacing.x)));
    const int fy = std::max(1, int(std::lround(kWorkingMm / g.spacing.y)));
    const int fz = std::max(1, int(std::lround(kWorkingMm / g.spacing.z)));
    grid.w = g.dims.x / fx;
    grid.h = g.dims.y / fy;
    grid.pixelMm = std::sqrt(fx * g.spacing.x * fy * g.spacing.y);
    grid.sliceMm = fz * g.spacing.z;
    grid.x.resize(std::size_t(grid.w) * grid.h);
    grid.y.resize(grid.x.size());
    for (int j = 0; j < grid.h; ++j)
        for (int i = 0; i < grid.w; ++i) {
            const glm::dvec3 p = g.indexToPatient({i * fx + (fx - 1) / 2.0, j * fy + (fy - 1) / 2.0, 0});
            grid.x[std::size_t(j) * grid.w + i] = p.x;
            grid.y[std::size_t(j) * grid.w + i] = p.y;
        }
    for (int k = 0; k < g.dims.z; k += fz) {
        if (!v.sliceReady(k)) continue;
        WorkSlice s;
        s.z = g.indexToPatient({(g.dims.x - 1) / 2.0, (g.dims.y - 1) / 2.0, double(k)}).z;  // the slice's centre
        s.mean.resize(grid.x.size());
        s.max.resize(grid.x.size());
        const int16_t* src = v.slice(k);
        for (int j = 0; j < grid.h; ++j)
            for (int i = 0; i < grid.w; ++i) {
                int sum = 0, hi = -32768;
                for (int b = 0; b < fy; ++b) {
                    const int16_t* row = src + std::size_t(j * fy + b) * g.dims.x + std::size_t(i) * fx;
                    for (int a = 0; a < fx; ++a) {
                        sum += row[a];
                        hi = std::max<int>(hi, row[a]);
                    }
                }
                s.mean[std::size_t(j) * grid.w + i] = int16_t(sum / (fx * fy));
                s.max[std::size_t(j) * grid.w + i] = int16_t(hi);
            }
        grid.slices.push_back(std::move(s));
    }
    std::sort(grid.slices.begin(), grid.slices.end(), [](const WorkSlice& a, const WorkSlice& b) { return a.z < b.z; });
    return grid;
}

// 4-connected components of a 2D mask; returns the label image (0 = outside the mask) and each label's size.
std::vector<int> label2d(const std::vector<uint8_t>& mask, int w, int h, std::vector<int>& sizes) {
    std::vector<int> labels(mask.size(), 0);
    sizes.assign(1, 0);
    std::vector<int> stack;
    for (int start = 0; start < int(mask.size()); ++start) {
        if (!mask[start] || labels[start]) continue;
        const int id = int(sizes.size());
        sizes.push_back(0);
        stack.push_back(start);
        labels[start] = id;
        while (!stack.empty()) {
            const int p = stack.back();
            stack.pop_back();
            ++sizes[id];
            const int x = p % w, y = p / w;
            const int next[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1,
                                 y + 1 < h ? p + w : -1};
            for (int q : next)
                if (q >= 0 && mask[q] && !labels[q]) {
                    labels[q] = id;
                    stack.push_back(q);
                }
        }
    }
    return labels;
}

// Pixels reachable from the image border through `passable` pixels.
std::vector<uint8_t> reachableFromBorder(const std::vector<uint8_t>& passable, int w, int h) {
    std::vector<uint8_t> seen(passable.size(), 0);
    std::vector<int> stack;
    auto seed = [&](int p) {
        if (passable[p] && !seen[p]) {
            seen[p] = 1;
            stack.push_back(p);
        }
    };
    for (int x = 0; x < w; ++x) {
        seed(x);
        seed((h - 1) * w + x);
    }
    for (int y = 0; y < h; ++y) {
        seed(y * w);
        seed(y * w + w - 1);
    }
    while (!stack.empty()) {
        const int p = stack.back();
        stack.pop_back();
        const int x = p % w, y = p / w;
        if (x > 0) seed(p - 1);
        if (x + 1 < w) seed(p + 1);
        if (y > 0) seed(p - w);
        if (y + 1 < h) seed(p + w);
    }
    return seen;
}

// Largest distance (in pixels, chamfer 3-4 / 3) from a mask pixel to the nearest pixel outside the mask: the
// radius of the largest disc the mask holds.
double largestInscribedRadius(const std::vector<uint8_t>& mask, int w, int h) {
    constexpr int kBig = 1 << 28;
    std::vector<int> d(mask.size());
    for (std::size_t i = 0; i < mask.size(); ++i) d[i] = mask[i] ? kBig : 0;
    auto at = [&](int x, int y) { return (x < 0 || y < 0 || x >= w || y >= h) ? 0 : d[std::size_t(y) * w + x]; };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int& v = d[std::size_t(y) * w + x];
            if (!v) continue;
            v = std::min({v, at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4});
        }
    int best = 0;
    for (int y = h - 1; y >= 0; --y)
        for (int x = w - 1; x >= 0; --x) {
            int& v = d[std::size_t(y) * w + x];
            if (!v) continue;
            v = std::min({v, at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4});
            best = std::max(best, v);
        }
    return best / 3.0;
}

// What one working slice shows.
struct SliceFacts {
    double z = 0;
    double bodyArea = 0;  // mm², the patient's largest cross-section with its holes filled
    double bodyCx = 0, bodyCy = 0;
    double bodyWidth = 0, bodyDepth = 0;
    double cranialCavity = 0;  // mm² of brain-density tissue enclosed by bone
    double spineBone = 0;      // mm² of bone in the posterior midline
    double spineCx = 0, spineCy = 0;
    double anteriorMidlineBone = 0;
    double lateralBoneRight = 0, lateralBoneLeft = 0;      // mm² of bone 45 mm or more from the midline
    double femoralRadiusRight = 0, femoralRadiusLeft = 0;  // mm, largest disc of bone on each side
    bool twoThighs = false;                                // the two largest parts are side by side and of similar size
    double trachea = 0;         // mm² of the largest air tube in the midline just in front of the spine
    std::vector<uint8_t> body;  // filled body mask
    std::vector<uint8_t> innerAir;
};

SliceFacts describe(const WorkGrid& g, const WorkSlice& s) {
    SliceFacts f;
    f.z = s.z;
    const std::size_t n = s.mean.size();
    std::vector<uint8_t> solid(n);
    for (std::size_t i = 0; i < n; ++i) solid[i] = s.mean[i] > kSolidHu;
    std::vector<int> sizes;
    auto labels = label2d(solid, g.w, g.h, sizes);
    if (sizes.size() < 2) return f;
    std::vector<int> order(sizes.size() - 1);
    std::iota(order.begin(), order.end(), 1);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return sizes[a] > sizes[b]; });
    const int main = order.front();
    if (sizes[main] * g.pixelArea() < 500) return f;  // less than 5 cm²: no body here
    if (order.size() >= 2) {
        // Thighs: two parts of similar size side by side (a small arm beside the trunk is not a thigh).
        const int second = order[1];
        const double a1 = sizes[main] * g.pixelArea(), a2 = sizes[second] * g.pixelArea();
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (labels[i] == main) x1 += g.x[i], y1 += g.y[i];
            if (labels[i] == second) x2 += g.x[i], y2 += g.y[i];
        }
        x1 /= sizes[main], y1 /= sizes[main], x2 /= sizes[second], y2 /= sizes[second];
        f.twoThighs = a2 >= 60e2 && a2 >= 0.5 * a1 && std::abs(x1 - x2) > 80 && std::abs(y1 - y2) < 60;
    }
    std::vector<uint8_t> notMain(n);
    for (std::size_t i = 0; i < n; ++i) notMain[i] = labels[i] != main;
    if (f.twoThighs)
        for (std::size_t i = 0; i < n; ++i) notMain[i] = labels[i] != order[0] && labels[i] != order[1];
    auto outside = reachableFromBorder(notMain, g.w, g.h);
    f.body.assign(n, 0);
    f.innerAir.assign(n, 0);
    double sx = 0, sy = 0, xmin = 1e9, xmax = -1e9, ymin = 1e9, ymax = -1e9;
    int count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (outside[i]) continue;
        f.body[i] = 1;
        f.innerAir[i] = s.mean[i] < -400;
        sx += g.x[i], sy += g.y[i], ++count;
        xmin = std::min(xmin, g.x[i]), xmax = std::max(xmax, g.x[i]);
        ymin = std::min(ymin, g.y[i]), ymax = std::max(ymax, g.y[i]);
    }
    f.bodyArea = count * g.pixelArea();
    f.bodyCx = sx / count, f.bodyCy = sy / count;
    f.bodyWidth = xmax - xmin, f.bodyDepth = ymax - ymin;

    // Cranial cavity: tissue of brain density that bone closes in (the skull is a ring; ribs and the pelvis are not).
    std::vector<uint8_t> notBone(n);
    // A lower threshold than for bone elsewhere: the temporal squama is thin and partial-volumed in soft kernels.
    // The bone is widened by one working pixel so that foramina and fissures (the superior orbital fissure opens the
    // middle cranial fossa to the orbit) do not let the outside in.
    for (std::size_t i = 0; i < n; ++i) notBone[i] = 1;
    for (int y = 0; y < g.h; ++y)
        for (int x = 0; x < g.w; ++x) {
            if (s.max[std::size_t(y) * g.w + x] < 180) continue;
            for (int b = std::max(0, y - 1); b <= std::min(g.h - 1, y + 1); ++b)
                for (int a = std::max(0, x - 1); a <= std::min(g.w - 1, x + 1); ++a)
                    notBone[std::size_t(b) * g.w + a] = 0;
        }
    auto open = reachableFromBorder(notBone, g.w, g.h);
    std::vector<uint8_t> cavity(n);
    for (std::size_t i = 0; i < n; ++i) cavity[i] = !open[i] && notBone[i] && s.mean[i] >= -20 && s.mean[i] <= 90;
    auto cavityLabels = label2d(cavity, g.w, g.h, sizes);
    f.cranialCavity = sizes.size() > 1 ? *std::max_element(sizes.begin() + 1, sizes.end()) * g.pixelArea() : 0;

    // Bone by place: posterior midline (vertebrae), anterior midline (sternum, pubic symphysis), the sides.
    std::vector<uint8_t> right(n, 0), left(n, 0);
    double spx = 0, spy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        // Cortex (a block reaching kBoneHu) or cancellous bone (a block averaging 160 HU or more).
        if (!f.body[i] || s.mean[i] < 150 || (s.max[i] < kBoneHu && s.mean[i] < 160)) continue;
        const double dx = g.x[i] - f.bodyCx, dy = g.y[i] - f.bodyCy;  // +x: patient left, +y: posterior
        if (std::abs(dx) < 25 && dy > 0) {
            f.spineBone += g.pixelArea();
            spx += g.x[i], spy += g.y[i];
        }
        if (std::abs(dx) < 25 && dy < -0.15 * f.bodyDepth) f.anteriorMidlineBone += g.pixelArea();
        // The femoral heads are mostly cancellous bone; the iliac wings are counted by their cortex (ribs, thin
        // and oblique, count less that way).
        const bool cortex = s.max[i] >= kBoneHu;
        if (dx <= -45) f.lateralBoneRight += cortex * g.pixelArea(), right[i] = 1;
        if (dx >= 45) f.lateralBoneLeft += cortex * g.pixelArea(), left[i] = 1;
    }
    if (f.spineBone > 0)
        f.spineCx = spx / (f.spineBone / g.pixelArea()), f.spineCy = spy / (f.spineBone / g.pixelArea());
    // The trachea: an air tube of 0.8 to 8 cm² in the midline, between the sternum and the spine.
    if (f.spineBone > 0) {
        auto airLabels = label2d(f.innerAir, g.w, g.h, sizes);
        std::vector<double> sx2(sizes.size(), 0), sy2(sizes.size(), 0);
        for (std::size_t i = 0; i < n; ++i)
            if (airLabels[i]) sx2[airLabels[i]] += g.x[i], sy2[airLabels[i]] += g.y[i];
        int tubes = 0;
        for (std::size_t c = 1; c < sizes.size(); ++c) {
            const double area = sizes[c] * g.pixelArea(), cx = sx2[c] / sizes[c], cy = sy2[c] / sizes[c];
            if (area >= 120 && area <= 800 && std::abs(cx - f.spineCx) < 60 && cy < f.spineCy - 5 &&
                cy > f.spineCy - 120) {
                ++tubes;
                if (std::abs(cx - f.spineCx) < 40) f.trachea = std::max(f.trachea, area);
            }
        }
        if (tubes > 1) f.trachea = 0;  // two tubes side by side: the main bronchi, below the carina
    }
    f.femoralRadiusRight = largestInscribedRadius(right, g.w, g.h) * g.pixelMm;
    f.femoralRadiusLeft = largestInscribedRadius(left, g.w, g.h) * g.pixelMm;
    return f;
}

// Runs of slices where `test` holds, allowing gaps of up to `gap` slices; returns the index ranges.
std::vector<std::pair<int, int>> runs(const std::vector<SliceFacts>& facts, const std::function<bool(int)>& test,
                                      int gap = 1) {
    std::vector<std::pair<int, int>> out;
    int start = -1, last = -1;
    for (int i = 0; i < int(facts.size()); ++i) {
        if (!test(i)) continue;
        if (start >= 0 && i - last <= gap + 1) {
            last = i;
            continue;
        }
        if (start >= 0) out.push_back({start, last});
        start = last = i;
    }
    if (start >= 0) out.push_back({start, last});
    return out;
}

std::pair<int, int> longest(const std::vector<std::pair<int, int>>& rs) {
    return *std::max_element(rs.begin(), rs.end(),
                             [](auto& a, auto& b) { return a.second - a.first < b.second - b.first; });
}

// The lungs: 3D components of air inside the body that are large and mostly aerated lung (-950 to -500 HU), plus
// any large air component beside them that reaches as high (a pneumothorax around a collapsed lung).
std::vector<std::vector<uint8_t>> findLungs(const WorkGrid& g, const std::vector<SliceFacts>& facts,
                                            std::vector<std::string>& notes) {
    const std::size_t plane = std::size_t(g.w) * g.h;
    const int d = int(facts.size());
    std::vector<int> label(plane * d, 0);
    struct Comp {
        long count = 0, parenchyma = 0;
        int kLo = 1 << 30, kHi = -1;
    };
    std::vector<Comp> comps(1);
    std::vector<std::size_t> stack;
    for (int k = 0; k < d; ++k) {
        if (facts[k].innerAir.empty()) continue;
        for (std::size_t p = 0; p < plane; ++p) {
            if (!facts[k].innerAir[p] || label[k * plane + p]) continue;
            const int id = int(comps.size());
            comps.push_back({});
            label[k * plane + p] = id;
            stack.push_back(k * plane + p);
            while (!stack.empty()) {
                const std::size_t v = stack.back();
                stack.pop_back();
                const int kk = int(v / plane);
                const std::size_t pp = v % plane;
                Comp& c = comps[id];
                ++c.count;
                const int hu = g.slices[kk].mean[pp];
                if (hu >= -950 && hu <= -500) ++c.parenchyma;
                c.kLo = std::min(c.kLo, kk), c.kHi = std::max(c.kHi, kk);
                const int x = int(pp % g.w), y = int(pp / g.w);
                auto visit = [&](int k2, std::size_t p2) {
                    if (k2 < 0 || k2 >= d || facts[k2].innerAir.empty() || !facts[k2].innerAir[p2]) return;
                    if (label[k2 * plane + p2]) return;
                    label[k2 * plane + p2] = id;
                    stack.push_back(k2 * plane + p2);
                };
                if (x > 0) visit(kk, pp - 1);
                if (x + 1 < g.w) visit(kk, pp + 1);
                if (y > 0) visit(kk, pp - g.w);
                if (y + 1 < g.h) visit(kk, pp + g.w);
                visit(kk - 1, pp);
                visit(kk + 1, pp);
            }
        }
    }
    const double voxelMl = g.pixelArea() * g.sliceMm / 1000.0;
    // The largest aerated component is a lung (or both, joined by the airways). Another large one is a lung too when
    // it reaches the upper half of it: the other lung, or a pneumothorax (pure air) around a collapsed lung. Gas in
    // the bowel tops out near the lung bases and is left out.
    std::vector<uint8_t> isLung(comps.size(), 0);
    std::size_t main = 0;
    for (std::size_t c = 1; c < comps.size(); ++c)
        if (comps[c].count * voxelMl >= 150 && comps[c].parenchyma >= 0.3 * comps[c].count &&
            (!main || comps[c].count > comps[main].count))
            main = c;
    if (!main) {
        notes.push_back("lungs: no large aerated air space inside the body");
        return {};
    }
    const int upperHalf = comps[main].kHi - (comps[main].kHi - comps[main].kLo) / 2;
    for (std::size_t c = 1; c < comps.size(); ++c)
        if (c == main || (comps[c].count * voxelMl >= 150 && comps[c].kHi >= upperHalf)) isLung[c] = 1;
    std::vector<std::vector<uint8_t>> lungs(d);
    for (int k = 0; k < d; ++k) {
        bool any = false;
        std::vector<uint8_t> m(plane, 0);
        for (std::size_t p = 0; p < plane; ++p)
            if (isLung[label[k * plane + p]] && label[k * plane + p]) m[p] = 1, any = true;
        if (any) lungs[k] = std::move(m);
    }
    return lungs;
}

// The dome of one hemidiaphragm from the lung's floor: for every column (x, y) of that lung, the lowest z where there
// is lung. Over the liver or the spleen the floor is the diaphragm; its high points lateral to the heart (whose top
// also floors the lung, medially) are the dome. The 90th percentile keeps a few partial-volume columns from deciding.
std::optional<double> findDome(const WorkGrid& g, const std::vector<SliceFacts>& facts,
                               const std::vector<std::vector<uint8_t>>& lungs, bool rightSide,
                               const ZInterval& within) {
    const std::size_t plane = std::size_t(g.w) * g.h;
    std::vector<double> floor(plane, 1e300);
    double width = 0, cx = 0, cy = 0;
    int n = 0;
    for (int k = 0; k < int(facts.size()); ++k) {
        if (lungs[k].empty() || facts[k].z < within.fromMm || facts[k].z > within.toMm) continue;
        width += facts[k].bodyWidth, cx += facts[k].bodyCx, cy += facts[k].bodyCy, ++n;
        for (std::size_t p = 0; p < plane; ++p)
            if (lungs[k][p] && (g.x[p] < facts[k].bodyCx) == rightSide) floor[p] = std::min(floor[p], facts[k].z);
    }
    if (!n) return std::nullopt;
    width /= n, cx /= n, cy /= n;
    std::vector<double> lateral;
    for (std::size_t p = 0; p < plane; ++p)
        // On the left, the heart sits on the front of the dome: only the columns behind the body's centre count.
        if (floor[p] < 1e299 && std::abs(g.x[p] - cx) >= 0.2 * width && (rightSide || g.y[p] >= cy))
            lateral.push_back(floor[p]);
    if (lateral.size() < 20) return std::nullopt;
    std::sort(lateral.begin(), lateral.end());
    return lateral[lateral.size() * 9 / 10];
}

}  // namespace

BodyLandmarks findLandmarks(const Volume& volume) {
    BodyLandmarks L;
    L.source = "images";
    const auto& geo = volume.geometry();
    // z of the slices' centres (what a tilted slice stands for as a whole).
    const double cx = (geo.dims.x - 1) / 2.0, cy = (geo.dims.y - 1) / 2.0;
    double z0 = geo.indexToPatient({cx, cy, 0}).z, z1 = geo.indexToPatient({cx, cy, double(geo.dims.z - 1)}).z;
    L.volume = {std::min(z0, z1), std::max(z0, z1)};
    if (geo.dims.z < 2 || !isAxial(geo)) {
        L.notes.push_back("the slices are not axial: landmarks are only found on axial series");
        return L;
    }
    const WorkGrid g = makeGrid(volume);
    if (g.slices.size() < 2 || g.w < 16 || g.h < 16) {
        L.notes.push_back("too few slices or too small a matrix to find landmarks");
        return L;
    }
    std::vector<SliceFacts> facts;
    facts.reserve(g.slices.size());
    for (const auto& s : g.slices) facts.push_back(describe(g, s));
    const int d = int(facts.size());
    auto zOf = [&](int k) { return facts[k].z; };
    const double half = g.sliceMm / 2;

    auto bodyRuns = runs(
        facts, [&](int k) { return facts[k].bodyArea >= 500; }, 2);
    if (bodyRuns.empty()) {
        L.notes.push_back("no body in the images");
        return L;
    }
    L.body = ZInterval{zOf(bodyRuns.front().first), zOf(bodyRuns.back().second)};

    // Lungs.
    auto lungs = findLungs(g, facts, L.notes);
    std::vector<double> lungArea(d, 0);
    for (int k = 0; k < d; ++k)
        if (!lungs.empty() && !lungs[k].empty())
            lungArea[k] = std::count(lungs[k].begin(), lungs[k].end(), 1) * g.pixelArea();
    auto lungRuns = runs(
        facts, [&](int k) { return lungArea[k] >= 300; }, 2);
    if (!lungRuns.empty()) {
        auto r = longest(lungRuns);
        L.lungs = ZInterval{zOf(r.first) - half, zOf(r.second) + half};
        L.diaphragmDomeRight = findDome(g, facts, lungs, true, *L.lungs);
        L.diaphragmDomeLeft = findDome(g, facts, lungs, false, *L.lungs);
        L.notes.push_back("lungs (air inside the body, 3D connected): " + mm(L.lungs->fromMm) + " to " +
                          mm(L.lungs->toMm));
    }
    auto hasLung = [&](int k) { return lungArea[k] >= 300; };
    // Carina: the trachea comes down from the neck as one midline tube and ends where it divides into the bronchi.
    if (L.lungs) {
        int k = d - 1;
        while (k >= 0 && facts[k].trachea == 0 && zOf(k) > L.lungs->toMm - 40) --k;
        if (k >= 0 && facts[k].trachea > 0) {
            // The arch can push the trachea aside for a few centimetres: gaps of up to 40 mm are bridged.
            const int bridge = int(40 / g.sliceMm);
            for (int next = k - 1; next >= 0 && k - next <= bridge; --next)
                if (facts[next].trachea > 0) k = next;
            if (zOf(k) > L.lungs->fromMm && zOf(k) < L.lungs->toMm) L.carina = zOf(k) - half;
        }
    }

    // Cranium: the skull closes around brain tissue; the head is small beside a trunk and holds no lung.
    auto cranial = [&](int k) { return facts[k].cranialCavity >= 1500 && facts[k].bodyArea < 450e2 && !hasLung(k); };
    auto craniumRuns = runs(facts, cranial, 2);
    if (!craniumRuns.empty()) {
        auto r = longest(craniumRuns);
        if ((r.second - r.first + 1) * g.sliceMm >= 20) {
            L.cranium = ZInterval{zOf(r.first) - half, zOf(r.second) + half};
            L.skullBase = L.cranium->fromMm;
            // The skull closes inside the images when the head's section has shrunk to a cap at the top slice.
            double widest = 0;
            for (int k = r.first; k <= r.second; ++k) widest = std::max(widest, facts[k].bodyArea);
            const int top = bodyRuns.back().second;
            if (L.body->toMm <= L.cranium->toMm + 30 && facts[top].bodyArea < 0.3 * widest)
                L.vertex = L.body->toMm + half;
            L.notes.push_back("cranial cavity (brain enclosed by bone): " + mm(L.cranium->fromMm) + " to " +
                              mm(L.cranium->toMm));
        }
    }
    auto inCranium = [&](int k) { return L.cranium && zOf(k) >= L.cranium->fromMm; };

    // Spine: bone in the posterior midline, below the cranium.
    // Intervertebral discs leave gaps of up to about 15 mm without bone.
    const int discGap = int(std::ceil(16.0 / g.sliceMm));
    auto spineRuns = runs(
        facts, [&](int k) { return facts[k].spineBone >= 150 && !inCranium(k) && !facts[k].twoThighs; }, discGap);
    if (!spineRuns.empty()) {
        auto r = longest(spineRuns);
        if ((r.second - r.first + 1) * g.sliceMm >= 10) L.spine = ZInterval{zOf(r.first) - half, zOf(r.second) + half};
    }
    if (L.spine) {
        double hi = L.skullBase ? std::min(*L.skullBase, L.spine->toMm) : L.spine->toMm;
        std::optional<double> lo;
        if (L.lungs)
            lo = std::max(L.lungs->toMm, L.spine->fromMm);
        else if (L.cranium)
            lo = L.spine->fromMm;  // a head and neck CT: the spine below the skull is cervical
        // Without lungs or skull the spine in the images is thoracic or lumbar, unless the neck alone is there.
        if (lo && hi - *lo >= 10 && (L.cranium || L.volume.toMm > L.lungs->toMm + 10))
            L.cervicalSpine = ZInterval{*lo, hi};
    }

    // Pelvis: below the lungs, the iliac wings are broad bone on both sides that goes on for centimetres.
    const int need = std::max(3, int(std::lround(10.0 / g.sliceMm)));
    // The pelvis is in a trunk (a head and neck are far narrower), below the lungs and the skull.
    auto belowLungs = [&](int k) {
        return !hasLung(k) && !inCranium(k) && (!L.lungs || zOf(k) < L.lungs->toMm) &&
               (!L.skullBase || zOf(k) < *L.skullBase - 200) && facts[k].bodyArea >= 350e2;
    };
    auto iliac = [&](int k) {
        return belowLungs(k) && !facts[k].twoThighs && facts[k].lateralBoneRight >= 400 &&
               facts[k].lateralBoneLeft >= 400;
    };
    for (int k = d - 1; k >= need - 1; --k) {
        bool all = true;
        for (int i = 0; all && i < need; ++i) all = iliac(k - i);
        if (all) {
            // A crest at the top slice may continue above the images: only a crest with trunk above it is one.
            if (k < d - 1)
                L.iliacCrests = zOf(k) + half;
            else
                L.notes.push_back("iliac wings reach the top of the images (crests above them)");
            break;
        }
    }
    const double pelvisTop = L.iliacCrests ? *L.iliacCrests : (L.lungs ? L.lungs->fromMm : L.volume.toMm);
    // Femoral heads: on both sides a disc of bone at least 15 mm in radius (the ilium and the femoral shaft are
    // thinner).
    for (int k = d - 1; k >= 2; --k) {
        if (zOf(k) > pelvisTop || !belowLungs(k)) continue;
        auto head = [&](int i) { return facts[i].femoralRadiusRight >= 15 && facts[i].femoralRadiusLeft >= 15; };
        if (head(k) && head(k - 1) && head(k - 2)) {
            L.femoralHeads = zOf(k) + half;
            break;
        }
    }
    // Pubic symphysis: bone in the anterior midline below the iliac crests (the lowest such run).
    auto symRuns = runs(facts, [&](int k) {
        return zOf(k) < pelvisTop - 40 && belowLungs(k) && !facts[k].twoThighs && facts[k].anteriorMidlineBone >= 100;
    });
    for (auto it = symRuns.begin(); it != symRuns.end(); ++it)
        if ((it->second - it->first + 1) * g.sliceMm >= 12 && (!L.femoralHeads || zOf(it->second) < *L.femoralHeads)) {
            L.pubicSymphysis = ZInterval{zOf(it->first) - half, zOf(it->second) + half};
            L.pelvisBottom = L.pubicSymphysis->fromMm;
            break;
        }
    // Thighs: the two legs apart, below the pelvis.
    auto thighRuns = runs(
        facts, [&](int k) { return facts[k].twoThighs && !hasLung(k) && !inCranium(k); }, 2);
    if (!thighRuns.empty()) {
        auto r = longest(thighRuns);
        if ((r.second - r.first + 1) * g.sliceMm >= 20) L.thighs = ZInterval{zOf(r.first) - half, zOf(r.second) + half};
    }
    if (L.thighs && !L.pelvisBottom && L.thighs->toMm < pelvisTop) L.pelvisBottom = L.thighs->toMm;
    return L;
}

BodyLandmarks findLandmarks(const StructureLabels& labels) {
    const auto& geo = labels.geometry;
    if (labels.voxels.size() != geo.voxelCount())
        throw std::invalid_argument("segmentation has " + std::to_string(labels.voxels.size()) + " voxels, its grid " +
                                    std::to_string(geo.voxelCount()));
    BodyLandmarks L;
    L.source = "segmentation";
    double z0 = geo.indexToPatient({0, 0, 0}).z, z1 = geo.indexToPatient({0, 0, double(std::max(geo.dims.z - 1, 0))}).z;
    L.volume = {std::min(z0, z1), std::max(z0, z1)};
    // z extent of every label present; a voxel's z is its slice's when the slices are axial, else its own.
    std::map<int, ZInterval> extent;
    const std::size_t plane = geo.sliceVoxelCount();
    for (std::size_t v = 0; v < labels.voxels.size(); ++v) {
        const int id = labels.voxels[v];
        if (!id) continue;
        const int k = int(v / plane), j = int((v % plane) / std::size_t(geo.dims.x)),
                  i = int(v % std::size_t(geo.dims.x));
        const double z = geo.indexToPatient({i, j, k}).z;
        auto [it, inserted] = extent.try_emplace(id, ZInterval{z, z});
        if (!inserted) it->second = {std::min(it->second.fromMm, z), std::max(it->second.toMm, z)};
    }
    // Vertebrae as datasets name them ("C2", "T12", "L1") read as TotalSegmentator's ("vertebrae_C2").
    std::map<int, std::string> names;
    for (const auto& [id, n] : labels.names) {
        const bool vertebra = n.size() >= 2 && n.size() <= 3 && (n[0] == 'C' || n[0] == 'T' || n[0] == 'L') &&
                              std::all_of(n.begin() + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; });
        names[id] = vertebra ? "vertebrae_" + n : n;
    }
    auto join = [&](const std::function<bool(const std::string&)>& match) -> std::optional<ZInterval> {
        std::optional<ZInterval> out;
        for (const auto& [id, z] : extent) {
            auto name = names.find(id);
            if (name == names.end() || !match(name->second)) continue;
            out = out ? ZInterval{std::min(out->fromMm, z.fromMm), std::max(out->toMm, z.toMm)} : z;
        }
        return out;
    };
    auto starts = [](const char* prefix) { return [prefix](const std::string& n) { return n.rfind(prefix, 0) == 0; }; };
    auto is = [](const char* name) { return [name](const std::string& n) { return n == name; }; };
    for (const auto& [id, z] : extent) {
        if (!names.count(id)) continue;
        L.body = L.body ? ZInterval{std::min(L.body->fromMm, z.fromMm), std::max(L.body->toMm, z.toMm)} : z;
    }
    L.lungs = join(starts("lung"));
    if (auto liver = join(is("liver"))) L.diaphragmDomeRight = liver->toMm;
    if (auto left = join([](const std::string& n) { return n == "spleen" || n == "stomach"; }))
        L.diaphragmDomeLeft = left->toMm;
    if (auto brain = join(is("brain"))) {
        L.cranium = brain;
        L.skullBase = brain->fromMm;
    }
    if (auto skull = join(is("skull")); skull && skull->toMm < L.volume.toMm) L.vertex = skull->toMm;
    L.spine = join([](const std::string& n) { return n.rfind("vertebrae_", 0) == 0 || n == "sacrum"; });
    L.cervicalSpine = join(starts("vertebrae_C"));
    if (auto r = join(is("hip_right")), l = join(is("hip_left")); r && l) {
        L.iliacCrests = std::min(r->toMm, l->toMm);
        L.pelvisBottom = std::max(r->fromMm, l->fromMm);
    }
    if (auto r = join(is("femur_right")), l = join(is("femur_left")); r && l) {
        L.femoralHeads = std::min(r->toMm, l->toMm);
        if (L.pelvisBottom && std::max(r->fromMm, l->fromMm) < *L.pelvisBottom)
            L.thighs = ZInterval{std::max(r->fromMm, l->fromMm), *L.pelvisBottom};
    }
    L.notes.push_back("landmarks from the segmentation's structures");
    return L;
}

BodyLandmarks combineLandmarks(const BodyLandmarks& fromSegmentation, const BodyLandmarks& fromImages) {
    BodyLandmarks L = fromSegmentation;
    auto fill = [](auto& mine, const auto& other) {
        if (!mine) mine = other;
    };
    L.body = fromImages.body ? fromImages.body : fromSegmentation.body;  // the images show the whole body
    fill(L.cranium, fromImages.cranium);
    fill(L.skullBase, fromImages.skullBase);
    fill(L.vertex, fromImages.vertex);
    if (L.spine && fromImages.spine)
        L.spine = ZInterval{std::min(L.spine->fromMm, fromImages.spine->fromMm),
                            std::max(L.spine->toMm, fromImages.spine->toMm)};
    fill(L.spine, fromImages.spine);
    fill(L.cervicalSpine, fromImages.cervicalSpine);
    fill(L.lungs, fromImages.lungs);
    fill(L.carina, fromImages.carina);
    fill(L.diaphragmDomeRight, fromImages.diaphragmDomeRight);
    fill(L.diaphragmDomeLeft, fromImages.diaphragmDomeLeft);
    fill(L.iliacCrests, fromImages.iliacCrests);
    fill(L.femoralHeads, fromImages.femoralHeads);
    fill(L.pubicSymphysis, fromImages.pubicSymphysis);
    fill(L.pelvisBottom, fromImages.pelvisBottom);
    fill(L.thighs, fromImages.thighs);
    L.source = "segmentation and images";
    L.notes.push_back("landmarks the segmentation lacks from the images");
    return L;
}

namespace {
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}
}  // namespace

ContrastEstimate estimateContrastPhase(const Volume& volume, const BodyLandmarks& landmarks) {
    ContrastEstimate out;
    const auto& geo = volume.geometry();
    if (geo.dims.z < 1 || !isAxial(geo)) {
        out.reason = "not an axial series";
        return out;
    }
    const WorkGrid g = makeGrid(volume);
    std::vector<double> aortaPerSlice;
    std::vector<double> liver;
    int eligible = 0;
    for (const auto& s : g.slices) {
        if (landmarks.cranium && s.z >= landmarks.cranium->fromMm - 20) continue;
        const SliceFacts f = describe(g, s);
        if (f.bodyArea < 300e2 || f.spineBone < 150 || f.twoThighs) continue;  // trunk slices with a vertebra
        ++eligible;
        // The aorta: a bright (>= 120 HU), round, homogeneous blob without cortex, in front of the vertebra.
        const std::size_t n = s.mean.size();
        std::vector<uint8_t> bright(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const double dx = g.x[i] - f.spineCx, dy = g.y[i] - f.spineCy;
            bright[i] =
                f.body[i] && s.mean[i] >= 120 && s.mean[i] <= 700 && std::abs(dx) <= 50 && dy <= -10 && dy >= -90;
        }
        std::vector<int> sizes;
        auto labels = label2d(bright, g.w, g.h, sizes);
        double best = -1, bestHu = 0;
        for (int c = 1; c < int(sizes.size()); ++c) {
            const double area = sizes[c] * g.pixelArea();
            if (area < 150 || area > 1500) continue;  // an aorta is 1.5 to 4 cm across
            std::vector<double> hu;
            double cx = 0, cy = 0;
            int cortex = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (labels[i] == c) {
                    hu.push_back(s.mean[i]);
                    cx += g.x[i], cy += g.y[i];
                    cortex += s.max[i] >= 700;
                }
            cx /= double(hu.size()), cy /= double(hu.size());
            double r2 = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (labels[i] == c) r2 = std::max(r2, (g.x[i] - cx) * (g.x[i] - cx) + (g.y[i] - cy) * (g.y[i] - cy));
            const double roundness = area / (M_PI * std::max(r2, 1.0));
            if (roundness < 0.45 || cortex > 0.15 * double(hu.size())) continue;
            std::sort(hu.begin(), hu.end());
            const double iqr = hu[hu.size() * 3 / 4] - hu[hu.size() / 4];
            if (iqr > 120) continue;  // cancellous bone is patchy; blood is even
            // Marrow lies in a brighter cortical shell; a vessel lies in fat and soft tissue, none of it brighter.
            const double mid = hu[hu.size() / 2];
            int ring = 0, brighter = 0;
            for (std::size_t i = 0; i < n; ++i) {
                if (labels[i] != c) continue;
                const int x = int(i % g.w), y = int(i / g.w);
                for (auto [a, b] : {std::pair{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}}) {
                    if (a < 0 || b < 0 || a >= g.w || b >= g.h) continue;
                    const std::size_t q = std::size_t(b) * g.w + a;
                    if (labels[q] == c) continue;
                    ++ring;
                    brighter += s.mean[q] > mid + 50;
                }
            }
            if (brighter > 0.25 * ring) continue;
            const double score = roundness * area;
            if (score > best) best = score, bestHu = hu[hu.size() / 2];
        }
        if (best > 0) aortaPerSlice.push_back(bestHu);
        // The liver: soft tissue on the right, 2 to 6 cm under the right dome.
        if (landmarks.diaphragmDomeRight && s.z < *landmarks.diaphragmDomeRight - 20 &&
            s.z > *landmarks.diaphragmDomeRight - 60) {
            std::vector<double> hu;
            for (std::size_t i = 0; i < n; ++i) {
                const double dx = g.x[i] - f.bodyCx, dy = g.y[i] - f.bodyCy;
                if (f.body[i] && dx < -0.15 * f.bodyWidth && std::abs(dy) < 0.25 * f.bodyDepth && s.mean[i] > 0 &&
                    s.mean[i] < 250)
                    hu.push_back(s.mean[i]);
            }
            if (hu.size() * g.pixelArea() > 1000) liver.push_back(median(hu));
        }
    }
    if (eligible < 3) {
        out.reason = "no chest or abdomen slices with a vertebra: no aorta to measure";
        return out;
    }
    char buf[200];
    if (!liver.empty()) out.liverHu = median(liver);
    if (aortaPerSlice.size() < std::max<std::size_t>(3, std::size_t(eligible) / 4)) {
        out.phase = ContrastPhase::NonContrast;
        std::snprintf(buf, sizeof buf, "no enhanced aorta in front of the spine (%zu of %d trunk slices)",
                      aortaPerSlice.size(), eligible);
        out.reason = buf;
        return out;
    }
    out.aortaHu = median(aortaPerSlice);
    const double ao = *out.aortaHu;
    // Late arterial: aorta 250 to 400 HU with the liver barely enhanced; portal venous: aorta 130 to 250 HU and the
    // liver at 100 HU or more (clinical reference, section 5).
    if (ao >= 250 && (!out.liverHu || *out.liverHu < 100))
        out.phase = ContrastPhase::Arterial;
    else
        out.phase = ContrastPhase::PortalVenous;
    if (out.liverHu)
        std::snprintf(buf, sizeof buf, "aorta %.0f HU (median of %zu slices), liver %.0f HU", ao, aortaPerSlice.size(),
                      *out.liverHu);
    else
        std::snprintf(buf, sizeof buf, "aorta %.0f HU (median of %zu slices), no liver in the images", ao,
                      aortaPerSlice.size());
    out.reason = buf;
    return out;
}

}  // namespace polysim::imaging

// Image statistics that tell real CT from a drawing (see realism.h): pooled over the slices measured, so one odd
// slice does not decide.
#include "phantom/realism.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>

#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"

namespace polysim::phantom {
namespace {

constexpr int kBlock = 16;                           // noise block, pixels
constexpr double kNoiseLow = -40, kNoiseHigh = 160;  // a noise block lies wholly in this HU range
constexpr double kSoftLow = -150, kSoftHigh = 250;   // soft tissue for levels and edges
constexpr double kLevelHu = 5;
constexpr double kEdgeHuPerMm = 12;
constexpr double kSmoothMm = 2.5;  // width of the local mean before levels and edges
constexpr double kBodyHu = -400;

struct Pool {
    std::vector<double> blockSd;
    std::vector<double> nps = std::vector<double>(kBlock * kBlock, 0.0);
    int npsBlocks = 0;
    std::vector<double> edgeWidths;
    std::vector<double> histogram = std::vector<double>(std::size_t((kSoftHigh - kSoftLow) / kLevelHu), 0.0);
    double bodyPixels = 0, edgePixels = 0;
    int slices = 0;
};

// Pixels of the body: the largest 4-connected region above -400 HU together with what it encloses (the lungs,
// bowel gas), but not the table or a separate arm resting on it.
std::vector<std::uint8_t> bodyMask(const std::int16_t* v, int nx, int ny) {
    const std::size_t n = std::size_t(nx) * ny;
    std::vector<int> comp(n, -1);
    std::vector<std::size_t> stack;
    int best = -1;
    std::size_t bestSize = 0;
    int label = 0;
    for (std::size_t s = 0; s < n; ++s) {
        if (comp[s] >= 0 || v[s] <= kBodyHu) continue;
        std::size_t size = 0;
        stack.push_back(s);
        comp[s] = label;
        while (!stack.empty()) {
            const std::size_t p = stack.back();
            stack.pop_back();
            ++size;
            const int i = int(p % nx), j = int(p / nx);
            auto visit = [&](int a, int b) {
                if (a < 0 || b < 0 || a >= nx || b >= ny) return;
                const std::size_t q = std::size_t(b) * nx + a;
                if (comp[q] < 0 && v[q] > kBodyHu) {
                    comp[q] = label;
                    stack.push_back(q);
                }
            };
            visit(i - 1, j), visit(i + 1, j), visit(i, j - 1), visit(i, j + 1);
        }
        if (size > bestSize) bestSize = size, best = label;
        ++label;
    }
    // Outside = reachable from the border without crossing the body; everything else is body.
    std::vector<std::uint8_t> outside(n, 0);
    for (int i = 0; i < nx; ++i)
        for (int j : {0, ny - 1}) stack.push_back(std::size_t(j) * nx + i);
    for (int j = 0; j < ny; ++j)
        for (int i : {0, nx - 1}) stack.push_back(std::size_t(j) * nx + i);
    while (!stack.empty()) {
        const std::size_t p = stack.back();
        stack.pop_back();
        if (outside[p] || comp[p] == best) continue;
        outside[p] = 1;
        const int i = int(p % nx), j = int(p / nx);
        if (i > 0) stack.push_back(p - 1);
        if (i + 1 < nx) stack.push_back(p + 1);
        if (j > 0) stack.push_back(p - nx);
        if (j + 1 < ny) stack.push_back(p + nx);
    }
    std::vector<std::uint8_t> body(n, 0);
    if (best < 0) return body;
    for (std::size_t p = 0; p < n; ++p) body[p] = !outside[p];
    return body;
}

// Box mean of half-width r pixels (integral image).
std::vector<float> boxMean(const std::int16_t* v, int nx, int ny, int r) {
    std::vector<double> I(std::size_t(nx + 1) * (ny + 1), 0.0);
    for (int j = 0; j < ny; ++j) {
        double row = 0;
        for (int i = 0; i < nx; ++i) {
            row += v[std::size_t(j) * nx + i];
            I[std::size_t(j + 1) * (nx + 1) + i + 1] = I[std::size_t(j) * (nx + 1) + i + 1] + row;
        }
    }
    std::vector<float> out(std::size_t(nx) * ny);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const int a = std::max(0, i - r), b = std::min(nx, i + r + 1), c = std::max(0, j - r),
                      d = std::min(ny, j + r + 1);
            const double s = I[std::size_t(d) * (nx + 1) + b] - I[std::size_t(c) * (nx + 1) + b] -
                             I[std::size_t(d) * (nx + 1) + a] + I[std::size_t(c) * (nx + 1) + a];
            out[std::size_t(j) * nx + i] = float(s / double((b - a) * (d - c)));
        }
    return out;
}

void noiseBlocks(const std::int16_t* v, int nx, int ny, Pool& pool) {
    static const auto twiddle = [] {
        std::vector<double> t(2 * kBlock);
        for (int k = 0; k < kBlock; ++k) {
            t[2 * k] = std::cos(2 * std::numbers::pi * k / kBlock);
            t[2 * k + 1] = -std::sin(2 * std::numbers::pi * k / kBlock);
        }
        return t;
    }();
    double r[kBlock][kBlock];
    double re[kBlock][kBlock], im[kBlock][kBlock];
    for (int bj = 0; bj + kBlock <= ny; bj += kBlock)
        for (int bi = 0; bi + kBlock <= nx; bi += kBlock) {
            bool inside = true;
            double mean = 0;
            for (int y = 0; y < kBlock && inside; ++y)
                for (int x = 0; x < kBlock; ++x) {
                    const double h = v[std::size_t(bj + y) * nx + bi + x];
                    if (h < kNoiseLow || h > kNoiseHigh) {
                        inside = false;
                        break;
                    }
                    r[y][x] = h;
                    mean += h;
                }
            if (!inside) continue;
            mean /= kBlock * kBlock;
            // Remove the plane a + b x + c y (x, y centred, so the three fits are independent).
            double sx = 0, sy = 0, xx = 0;
            for (int y = 0; y < kBlock; ++y)
                for (int x = 0; x < kBlock; ++x) {
                    const double cx = x - (kBlock - 1) / 2.0, cy = y - (kBlock - 1) / 2.0;
                    sx += cx * (r[y][x] - mean), sy += cy * (r[y][x] - mean), xx += cx * cx;
                }
            const double b = sx / xx, c = sy / xx;
            double ss = 0;
            for (int y = 0; y < kBlock; ++y)
                for (int x = 0; x < kBlock; ++x) {
                    r[y][x] -= mean + b * (x - (kBlock - 1) / 2.0) + c * (y - (kBlock - 1) / 2.0);
                    ss += r[y][x] * r[y][x];
                }
            pool.blockSd.push_back(std::sqrt(ss / (kBlock * kBlock - 3)));
            // 2D DFT, rows then columns.
            double tre[kBlock][kBlock], tim[kBlock][kBlock];
            for (int y = 0; y < kBlock; ++y)
                for (int u = 0; u < kBlock; ++u) {
                    double a = 0, s = 0;
                    for (int x = 0; x < kBlock; ++x) {
                        const int k = (u * x) % kBlock;
                        a += r[y][x] * twiddle[2 * k], s += r[y][x] * twiddle[2 * k + 1];
                    }
                    tre[y][u] = a, tim[y][u] = s;
                }
            for (int u = 0; u < kBlock; ++u)
                for (int w = 0; w < kBlock; ++w) {
                    double a = 0, s = 0;
                    for (int y = 0; y < kBlock; ++y) {
                        const int k = (w * y) % kBlock;
                        const double cr = twiddle[2 * k], ci = twiddle[2 * k + 1];
                        a += tre[y][u] * cr - tim[y][u] * ci;
                        s += tre[y][u] * ci + tim[y][u] * cr;
                    }
                    re[w][u] = a, im[w][u] = s;
                }
            for (int w = 0; w < kBlock; ++w)
                for (int u = 0; u < kBlock; ++u)
                    pool.nps[std::size_t(w) * kBlock + u] += re[w][u] * re[w][u] + im[w][u] * im[w][u];
            ++pool.npsBlocks;
        }
}

// 10-90 % width of one air-to-skin transition; `step` walks into the body (+1 from the left, -1 from the right).
bool edgeWidth(const std::int16_t* row, int nx, int start, int step, double dx, double& width) {
    const int reach = std::max(3, int(std::lround(4.0 / dx)));
    auto at = [&](int i) { return double(row[std::clamp(i, 0, nx - 1)]); };
    if (start - 10 * step < 0 || start - 10 * step >= nx) return false;
    double air = 0;
    for (int k = 5; k <= 10; ++k) air += at(start - k * step);
    air /= 6;
    double top = -1e9;
    for (int k = 0; k <= reach; ++k) top = std::max(top, at(start + k * step));
    if (top - air < 600) return false;
    auto crossing = [&](double level) {
        for (int k = -5; k <= reach; ++k) {
            const double a = at(start + (k - 1) * step), b = at(start + k * step);
            if (b >= level && a < level) return (k - 1) + (level - a) / (b - a);
        }
        return std::nan("");
    };
    const double lo = crossing(air + 0.1 * (top - air)), hi = crossing(air + 0.9 * (top - air));
    if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) return false;
    width = (hi - lo) * dx;
    return true;
}

void measureSlice(const imaging::Volume& vol, int k, Pool& pool) {
    const auto& g = vol.geometry();
    const int nx = g.dims.x, ny = g.dims.y;
    const double dx = g.spacing.x, dy = g.spacing.y;
    const std::int16_t* v = vol.slice(k);
    const auto body = bodyMask(v, nx, ny);
    int jmin = ny, jmax = -1;
    double bodyCount = 0;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i)
            if (body[std::size_t(j) * nx + i]) jmin = std::min(jmin, j), jmax = std::max(jmax, j), ++bodyCount;
    if (bodyCount < 1000) return;
    ++pool.slices;
    noiseBlocks(v, nx, ny, pool);
    // Skin edge on rows through the middle of the body, both sides.
    for (int j = jmin + (jmax - jmin) * 3 / 10; j <= jmin + (jmax - jmin) * 7 / 10; j += 2) {
        const std::int16_t* row = v + std::size_t(j) * nx;
        const std::uint8_t* b = body.data() + std::size_t(j) * nx;
        int left = 0, right = nx - 1;
        while (left < nx && !b[left]) ++left;
        while (right >= 0 && !b[right]) --right;
        double w;
        if (left < right && edgeWidth(row, nx, left, +1, dx, w)) pool.edgeWidths.push_back(w);
        if (left < right && edgeWidth(row, nx, right, -1, dx, w)) pool.edgeWidths.push_back(w);
    }
    const int r = std::max(1, int(std::lround(kSmoothMm / 2 / dx)));
    const auto s = boxMean(v, nx, ny, r);
    for (int j = 1; j + 1 < ny; ++j)
        for (int i = 1; i + 1 < nx; ++i) {
            const std::size_t p = std::size_t(j) * nx + i;
            if (!body[p]) continue;
            pool.bodyPixels += 1;
            const double h = s[p];
            if (h < kSoftLow || h >= kSoftHigh) continue;
            pool.histogram[std::size_t((h - kSoftLow) / kLevelHu)] += 1;
            const double gx = (s[p + 1] - s[p - 1]) / (2 * dx), gy = (s[p + nx] - s[p - nx]) / (2 * dy);
            if (gx * gx + gy * gy > kEdgeHuPerMm * kEdgeHuPerMm) pool.edgePixels += 1;
        }
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

ImageStatistics summarise(const imaging::Volume& vol, const Pool& pool) {
    ImageStatistics s;
    s.slices = pool.slices;
    s.noiseHu = median(pool.blockSd);
    s.skinEdgeMm = median(pool.edgeWidths);
    const double dx = vol.geometry().spacing.x, dy = vol.geometry().spacing.y;
    double num = 0, den = 0;
    for (int w = 0; w < kBlock; ++w)
        for (int u = 0; u < kBlock; ++u) {
            if (u == 0 && w == 0) continue;
            const double fu = (u <= kBlock / 2 ? u : u - kBlock) / (kBlock * dx);
            const double fw = (w <= kBlock / 2 ? w : w - kBlock) / (kBlock * dy);
            const double p = pool.nps[std::size_t(w) * kBlock + u];
            num += std::sqrt(fu * fu + fw * fw) * p, den += p;
        }
    s.noiseFrequency = den > 0 ? num / den : 0;
    double total = 0, entropy = 0;
    for (double c : pool.histogram) total += c;
    for (double c : pool.histogram)
        if (c > 0) entropy -= c / total * std::log(c / total);
    s.softTissueLevels = total > 0 ? std::exp(entropy) : 0;
    s.edgeDensity = pool.bodyPixels > 0 ? pool.edgePixels / pool.bodyPixels : 0;
    return s;
}

}  // namespace

ImageStatistics measureSlices(const imaging::Volume& volume, const std::vector<int>& slices) {
    Pool pool;
    for (int k : slices)
        if (k >= 0 && k < volume.dims().z && volume.sliceReady(k)) measureSlice(volume, k, pool);
    return summarise(volume, pool);
}

ImageStatistics measureZRange(const imaging::Volume& volume, double zFromMm, double zToMm, int count) {
    const auto& g = volume.geometry();
    const double k0 = g.patientToIndex(g.origin + glm::dvec3(0, 0, zFromMm - g.origin.z)).z;
    const double k1 = g.patientToIndex(g.origin + glm::dvec3(0, 0, zToMm - g.origin.z)).z;
    const int lo = std::max(0, int(std::ceil(std::min(k0, k1)))),
              hi = std::min(g.dims.z - 1, int(std::floor(std::max(k0, k1))));
    std::vector<int> ks;
    if (hi >= lo) {
        const int n = std::min(count, hi - lo + 1);
        for (int i = 0; i < n; ++i)
            ks.push_back(n == 1 ? (lo + hi) / 2 : lo + int(std::lround(double(hi - lo) * i / (n - 1))));
        ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    }
    return measureSlices(volume, ks);
}

std::string statisticsTable(const std::vector<StatisticsRow>& rows) {
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "%-40s %6s %9s %11s %9s %8s %7s\n", "series", "slices", "noise HU", "NPS c/mm",
                  "skin mm", "levels", "edges");
    out += line;
    for (const auto& r : rows) {
        std::snprintf(line, sizeof line, "%-40s %6d %9.1f %11.3f %9.2f %8.1f %7.3f\n", r.name.c_str(), r.stats.slices,
                      r.stats.noiseHu, r.stats.noiseFrequency, r.stats.skinEdgeMm, r.stats.softTissueLevels,
                      r.stats.edgeDensity);
        out += line;
    }
    return out;
}

const std::vector<RealReference>& realReferences() {
    static const std::string lidc = "LIDC-IDRI-0001 (TCIA, CC BY 3.0)", cptac = "CPTAC-GBM C3N-01192 (TCIA, CC BY 3.0)";
    // Levels matched by landmarks: the real chest runs from the aortic arch (z -100) through the heart (-200) to the
    // kidneys (-300); the phantom has the arch at -305, the heart at -430 and the renal hila at -600. The real head's
    // lateral ventricles lie at z 0..20, the phantom's at -75..-50.
    static const std::vector<RealReference> r{
        {"chest", "lidc-idri-0001-chest", lidc, SeriesKind::Arterial, -440, -310, -195, -95},
        {"upper abdomen", "lidc-idri-0001-chest", lidc, SeriesKind::Arterial, -610, -540, -305, -255},
        {"head", "cptac-gbm-head", cptac, SeriesKind::Head, -80, -45, -5, 20},
    };
    return r;
}

const std::vector<SideBySideView>& sideBySideViews() {
    static const std::vector<SideBySideView> v{
        {"compare-chest-lung.png", "chest below the carina, lung window", "lidc-idri-0001-chest", SeriesKind::Arterial,
         -350, -130, imaging::findWindowPreset("lung")->window},
        {"compare-chest-mediastinum.png", "chest at the heart, mediastinal window", "lidc-idri-0001-chest",
         SeriesKind::Arterial, -430, -200, imaging::findWindowPreset("mediastinum")->window},
        {"compare-upper-abdomen.png", "upper abdomen at the pancreas, soft-tissue window", "lidc-idri-0001-chest",
         SeriesKind::Arterial, -565, -275, imaging::findWindowPreset("soft_tissue")->window},
        {"compare-head-brain.png", "head at the lateral ventricles, brain window", "cptac-gbm-head", SeriesKind::Head,
         -62, 10, imaging::findWindowPreset("brain")->window},
        // The only real pelvis among the references is a 3 mm-voxel portal venous series (TotalSegmentator's example),
        // at the femoral heads and the roofs of the acetabula, above the metal of its left hip replacement.
        {"compare-pelvis.png", "pelvis at the femoral heads, soft-tissue window",
         "totalsegmentator-example/example_ct.nii.gz", SeriesKind::PortalVenous, -792, 135,
         imaging::findWindowPreset("soft_tissue")->window},
    };
    return v;
}

imaging::Image8 bodyCentredAxial(const imaging::Volume& vol, double z, const imaging::Window& window, double widthMm,
                                 double heightMm, double pixelMm) {
    const auto& g = vol.geometry();
    const int nx = g.dims.x, ny = g.dims.y;
    const int k =
        std::clamp(int(std::lround(g.patientToIndex(g.origin + glm::dvec3(0, 0, z - g.origin.z)).z)), 0, g.dims.z - 1);
    const std::int16_t* v = vol.slice(k);
    const auto body = bodyMask(v, nx, ny);
    double si = 0, sj = 0, n = 0;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i)
            if (body[std::size_t(j) * nx + i]) si += i, sj += j, n += 1;
    const glm::dvec3 centre =
        g.indexToPatient(n > 0 ? glm::dvec3(si / n, sj / n, k) : glm::dvec3(nx / 2.0, ny / 2.0, k));
    imaging::Image8 img;
    img.width = int(std::lround(widthMm / pixelMm));
    img.height = int(std::lround(heightMm / pixelMm));
    img.pixels.resize(std::size_t(img.width) * img.height);
    for (int r = 0; r < img.height; ++r)
        for (int c = 0; c < img.width; ++c) {
            const glm::dvec3 p(centre.x - widthMm / 2 + c * pixelMm, centre.y - heightMm / 2 + r * pixelMm, centre.z);
            const glm::dvec3 q = g.patientToIndex(p);
            const int i0 = int(std::floor(q.x)), j0 = int(std::floor(q.y));
            const double fx = q.x - i0, fy = q.y - j0;
            auto at = [&](int i, int j) {
                return (i < 0 || j < 0 || i >= nx || j >= ny) ? -1024.0 : double(v[std::size_t(j) * nx + i]);
            };
            const double h = (at(i0, j0) * (1 - fx) + at(i0 + 1, j0) * fx) * (1 - fy) +
                             (at(i0, j0 + 1) * (1 - fx) + at(i0 + 1, j0 + 1) * fx) * fy;
            img.pixels[std::size_t(r) * img.width + c] = imaging::windowed(h, window);
        }
    return img;
}

namespace {

// Two images of the same height side by side with a dark gap.
imaging::Image8 beside(const imaging::Image8& a, const imaging::Image8& b) {
    imaging::Image8 out;
    const int gap = 6;
    out.width = a.width + gap + b.width;
    out.height = std::max(a.height, b.height);
    out.pixels.assign(std::size_t(out.width) * out.height, 40);
    for (int r = 0; r < a.height; ++r)
        std::copy_n(a.pixels.data() + std::size_t(r) * a.width, a.width,
                    out.pixels.data() + std::size_t(r) * out.width);
    for (int r = 0; r < b.height; ++r)
        std::copy_n(b.pixels.data() + std::size_t(r) * b.width, b.width,
                    out.pixels.data() + std::size_t(r) * out.width + a.width + gap);
    return out;
}

}  // namespace

std::vector<RegionComparison> compareWithReal(const std::filesystem::path& realFolder, const PhantomOptions& options,
                                              const std::filesystem::path& imagesOut) {
    std::map<std::string, std::shared_ptr<imaging::Volume>> real;
    auto realSeries = [&](const std::string& folder) {
        auto& v = real[folder];
        if (!v) {
            try {
                const auto path = realFolder / folder;
                v = imaging::isNiftiName(path) ? imaging::readNiftiCt(path) : imaging::loadCtVolume(path);
            } catch (const std::exception& e) {
                throw PhantomError("real reference " + (realFolder / folder).string() + ": " + e.what());
            }
        }
        return v;
    };
    std::map<SeriesKind, std::unique_ptr<imaging::Volume>> generated;
    auto phantomSeries = [&](SeriesKind kind) -> const imaging::Volume& {
        auto& v = generated[kind];
        if (!v) v = generateSeries(options, kind);
        return *v;
    };
    std::vector<RegionComparison> out;
    for (const auto& ref : realReferences()) {
        RegionComparison c{ref, {}, {}};
        c.phantom = measureZRange(phantomSeries(ref.phantomSeries), ref.phantomZFrom, ref.phantomZTo);
        c.real = measureZRange(*realSeries(ref.folder), ref.realZFrom, ref.realZTo);
        out.push_back(c);
    }
    if (!imagesOut.empty()) {
        std::filesystem::create_directories(imagesOut);
        for (const auto& view : sideBySideViews()) {
            const bool head = view.phantomSeries == SeriesKind::Head;
            const double w = head ? 200 : 380, h = head ? 230 : 290, px = head ? 0.45 : 0.7;
            const auto a = bodyCentredAxial(phantomSeries(view.phantomSeries), view.phantomZ, view.window, w, h, px);
            const auto b = bodyCentredAxial(*realSeries(view.folder), view.realZ, view.window, w, h, px);
            imaging::writePng(imagesOut / view.file, beside(a, b));
        }
    }
    return out;
}

}  // namespace polysim::phantom

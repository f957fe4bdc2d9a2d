// Turns the painted model into voxels: series geometry, the per-slice painter, CT noise, the scout projection, and
// the threads that share the slices. Deterministic: the numbers depend only on the options, never on timing.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "imaging/segmentation.h"
#include "phantom/model.h"

namespace polysim::phantom {

namespace detail {

const float* noiseTable() {
    static const std::vector<float> table = [] {
        std::vector<float> t(64 * 64 * 64);
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = float(unit(hash3(std::int64_t(i), 17, 29, 0x5eed)) * 2.0 - 1.0);
        return t;
    }();
    return table.data();
}

void paintLayers(Canvas& c, const std::vector<Layer>& layers, std::uint64_t textureSalt) {
    for (const auto& L : layers) {
        if (L.labelOnly && !c.structure) continue;
        Box2 b{};
        if (!L.shape->sliceBox(c.z, b)) continue;
        if (L.warp) {
            const double m = L.warp->maxShift() + 1;
            b = {b.x0 - m, b.y0 - m, b.x1 + m, b.y1 + m};
        }
        const int i0 = std::max(0, int(std::floor((b.x0 - c.x0) / c.dx)) - 1);
        const int i1 = std::min(c.nx - 1, int(std::ceil((b.x1 - c.x0) / c.dx)) + 1);
        const int j0 = std::max(0, int(std::floor((b.y0 - c.y0) / c.dy)) - 1);
        const int j1 = std::min(c.ny - 1, int(std::ceil((b.y1 - c.y0) / c.dy)) + 1);
        if (i0 > i1 || j0 > j1) continue;
        const double inv = 1.0 / (std::max(c.dx, c.dy) * L.edge * c.edgeScale);
        const double reach = 0.5 / inv;  // a voxel is painted where the distance is below this
        const double cover = L.thin > 0 ? std::min(1.0, L.thin / std::max(c.dx, c.dy)) : 1.0;
        const std::uint64_t salt =
            mix64(textureSalt ^ (std::uint64_t(L.tissue) << 40) ^ std::uint64_t(std::int64_t(L.hu * 8.0f)) ^
                  (std::uint64_t(L.textureFreq * 1000) << 20));
        for (int j = j0; j <= j1; ++j) {
            const double y = c.y0 + j * c.dy;
            float* hu = c.hu + std::size_t(j) * c.nx;
            std::uint8_t* lab = c.label + std::size_t(j) * c.nx;
            std::uint16_t* st = c.structure ? c.structure + std::size_t(j) * c.nx : nullptr;
            for (int i = i0; i <= i1; ++i) {
                if (!(L.onto & bit(Tissue(lab[i])))) continue;
                glm::dvec3 p(c.x0 + i * c.dx, y, c.z);
                if (L.warp)
                    p = L.warp->source(p);
                else if (L.shape->surelyBeyond(p, reach))
                    continue;
                const double d = L.shape->sdf(p);
                double a = 0.5 - d * inv;
                if (a <= 0) continue;
                if (L.labelOnly) {
                    if (a >= 0.5) st[i] = L.structureAt ? L.structureAt(p) : L.structure;
                    continue;
                }
                if (a > 1) a = 1;
                a *= cover;
                double v = L.hu;
                if (L.texture != 0) v += L.texture * fbm(p * L.textureFreq, salt);
                hu[i] += float(a * (v - hu[i]));
                if (a >= 0.5) {
                    if (st && !(L.keepsStructure && lab[i] == L.tissue)) st[i] = L.structure;
                    lab[i] = L.tissue;
                }
            }
        }
    }
}

namespace {

Contrast contrastOf(SeriesKind k) {
    switch (k) {
        case SeriesKind::Arterial:
            return Contrast::Arterial;
        case SeriesKind::PortalVenous:
            return Contrast::Portal;
        default:
            return Contrast::None;
    }
}

constexpr double kBodyTop = 4.0, kBodyLength = 1000.0;
constexpr double kHeadBottom = -240.0;
constexpr double kPortalTop = -440.0, kPortalBottom = -880.0;
// HU standard deviation and grain of the noise, as measured on real series (polysim phantom --realism): a 120 kVp
// trauma body protocol with a standard kernel at 0.7-1 mm pixels, and a head protocol at about 0.5 mm pixels.
constexpr double kBodyNoise = 14.0, kHeadNoise = 7.5;
constexpr float kBodyGrain = 20.0f, kHeadGrain = 2.0f;  // centre weight of the [1 c 1] noise kernel: larger is finer
// Centre weight of the head series' [1 c 1] point-spread blur: its 0.5 mm pixels are finer than the scanner's
// resolution. The body's 1 mm pixels already hold the blur in the one-pixel partial-volume ramp of every edge.
constexpr float kHeadBlur = 2.0f;
// Samples along the beam through the body for each pixel of the topogram: a line integral of shapes whose edges are
// anti-aliased over the sample spacing, so more samples change little but cost time.
constexpr int kScoutDepthSamples = 80;

// The scanner's point-spread function: a separable [1 c 1] / (c + 2) blur of the painted slice (edges, small
// vessels); a smaller centre weight blurs more.
void blurSlice(float* hu, int nx, int ny, float c, std::vector<float>& tmp) {
    const float n = 1.0f / (c + 2.0f);
    tmp.resize(std::size_t(nx) * ny);
    for (int j = 0; j < ny; ++j) {
        const float* r = hu + std::size_t(j) * nx;
        float* o = tmp.data() + std::size_t(j) * nx;
        for (int i = 0; i < nx; ++i) o[i] = n * (r[std::max(0, i - 1)] + c * r[i] + r[std::min(nx - 1, i + 1)]);
    }
    for (int j = 0; j < ny; ++j) {
        const float* a = tmp.data() + std::size_t(std::max(0, j - 1)) * nx;
        const float* b = tmp.data() + std::size_t(j) * nx;
        const float* d = tmp.data() + std::size_t(std::min(ny - 1, j + 1)) * nx;
        float* o = hu + std::size_t(j) * nx;
        for (int i = 0; i < nx; ++i) o[i] = n * (a[i] + c * b[i] + d[i]);
    }
}

// CT image noise: white noise smoothed by a separable [1 c 1] kernel (the grain of the reconstruction kernel), then
// scaled to `sigma`.
void addNoise(float* hu, int nx, int ny, int k, std::uint64_t seed, double sigma, float grain,
              std::vector<float>& white, std::vector<float>& tmp) {
    white.resize(std::size_t(nx + 2) * (ny + 2));
    tmp.resize(white.size());
    for (int j = -1; j <= ny; ++j)
        for (int i = -1; i <= nx; i += 1) {
            const std::uint64_t h = hash3(i, j, k, seed);
            // Sum of four uniforms: close enough to Gaussian for image noise.
            const double g = (double(h & 0xffff) + double((h >> 16) & 0xffff) + double((h >> 32) & 0xffff) +
                              double((h >> 48) & 0xffff)) /
                                 65536.0 -
                             2.0;
            white[std::size_t(j + 1) * (nx + 2) + std::size_t(i + 1)] = float(g * 1.7320508);
        }
    const int W = nx + 2;
    for (int j = 0; j < ny + 2; ++j)
        for (int i = 1; i <= nx; ++i) {
            const std::size_t o = std::size_t(j) * W + i;
            tmp[o] = white[o - 1] + grain * white[o] + white[o + 1];
        }
    // The white samples have unit variance; the separable kernel's gain is (2 + grain^2).
    const float scale = float(sigma / (2.0 + double(grain) * grain));
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const std::size_t o = std::size_t(j + 1) * W + std::size_t(i + 1);
            hu[std::size_t(j) * nx + i] += scale * (tmp[o - W] + grain * tmp[o] + tmp[o + W]);
        }
}

int16_t toHU(float v) {
    return int16_t(std::lround(std::clamp(v, -1024.0f, 3071.0f)));
}

// Runs fn(k) for k in [0, n) on every hardware thread; progress reported from the calling thread only. When
// onDone throws (the caller stopping the work), the other threads stop after their slice and the exception goes on.
void parallelSlices(int n, const std::function<void(int)>& fn, const std::function<void(int)>& onDone) {
    const int threads = std::max(1u, std::thread::hardware_concurrency());
    std::atomic<int> next{0}, done{0};
    auto work = [&](bool reporter) {
        for (int k; (k = next.fetch_add(1)) < n;) {
            fn(k);
            const int d = done.fetch_add(1) + 1;
            if (reporter && onDone) onDone(d);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, false);
    std::exception_ptr stopped;
    try {
        work(true);
    } catch (...) {
        stopped = std::current_exception();
        next = n;
    }
    for (auto& t : pool) t.join();
    if (stopped) std::rethrow_exception(stopped);
    if (onDone) onDone(n);
}

}  // namespace
}  // namespace detail

using namespace detail;

std::string_view seriesKindName(SeriesKind kind) {
    switch (kind) {
        case SeriesKind::Scout:
            return "scout";
        case SeriesKind::Head:
            return "head";
        case SeriesKind::NonContrast:
            return "noncontrast";
        case SeriesKind::Arterial:
            return "arterial";
        case SeriesKind::PortalVenous:
            return "portal";
    }
    return "?";
}

bool parseSeriesKind(std::string_view name, SeriesKind& out) {
    for (auto k :
         {SeriesKind::Scout, SeriesKind::Head, SeriesKind::NonContrast, SeriesKind::Arterial, SeriesKind::PortalVenous})
        if (seriesKindName(k) == name) {
            out = k;
            return true;
        }
    return false;
}

const std::vector<std::string>& knownDevices() {
    static const std::vector<std::string> all = {"pelvic_binder", "endotracheal_tube"};
    return all;
}

std::string knownDeviceList() {
    std::string out;
    for (const auto& d : knownDevices()) out += (out.empty() ? "" : ", ") + d;
    return out;
}

namespace detail {
std::set<std::string> devicesOf(const PhantomOptions& o) {
    const auto& known = knownDevices();
    for (const auto& d : o.devices)
        if (std::find(known.begin(), known.end(), d) == known.end())
            throw PhantomError("phantom: unknown device '" + d + "' (known: " + knownDeviceList() + ")");
    std::set<std::string> out(o.devices.begin(), o.devices.end());
    // A misplaced tube is a tube: the injuries that put it in the oesophagus or a main bronchus bring it.
    for (const auto& id : canonicalInjuries(o))
        if (id == "esophageal_intubation" || id == "endobronchial_intubation") out.insert("endotracheal_tube");
    return out;
}
}  // namespace detail

void validate(const PhantomOptions& o) {
    if (o.matrix < 16 || o.matrix > 1024)
        throw PhantomError("phantom: matrix " + std::to_string(o.matrix) + " is out of range (16 to 1024)");
    if (!(o.sliceMm >= 0.25 && o.sliceMm <= 20))
        throw PhantomError("phantom: slice spacing " + std::to_string(o.sliceMm) + " mm is out of range (0.25 to 20)");
    if (!(o.fieldOfViewMm >= 200 && o.fieldOfViewMm <= 700))
        throw PhantomError("phantom: field of view " + std::to_string(o.fieldOfViewMm) +
                           " mm is out of range (200 to 700)");
    for (auto k : o.phases)
        if (k == SeriesKind::Scout || k == SeriesKind::Head)
            throw PhantomError("phantom: phases may only be noncontrast, arterial or portal");
    if (!o.sex.empty() && o.sex != "male" && o.sex != "female")
        throw PhantomError("phantom: sex '" + o.sex + "' is not male or female");
    if (o.ageYears != 0 && (o.ageYears < 16 || o.ageYears > 100))
        throw PhantomError("phantom: age " + std::to_string(o.ageYears) +
                           " is out of range (the built-in patient is an adult of 16 to 100)");
    canonicalInjuries(o);
    devicesOf(o);
}

const BodyExtent& bodyExtent() {
    static const BodyExtent e{-996.0,
                              4.0,
                              {{"head", -235, 4},
                               {"neck", -275, -185},
                               {"chest", -560, -250},
                               {"abdomen", -720, -465},
                               {"pelvis", -880, -680},
                               {"thighs", -996, -860}}};
    return e;
}

const ZRange* findZRange(std::string_view name) {
    for (const auto& r : bodyExtent().regions)
        if (r.name == name) return &r;
    return nullptr;
}

const CrossSpan* findCrossSpan(std::string_view name) {
    static const std::vector<CrossSpan> all = [] {
        std::vector<CrossSpan> out;
        // Whole millimetres outwards, so that a sweep over the span shows all of every level.
        auto spine = [&](const char* id, char first) {
            CrossSpan c{id};
            double half = 0, front = 1e9, back = -1e9;
            for (const auto& v : detail::vertebrae()) {
                if (v.name[0] != first && !(first == 'T' && v.name[0] == 'L')) continue;
                half = std::max(half, detail::vertebraHalfWidth(v));
                front = std::min(front, detail::spineY(v.z) - v.ry);
                back = std::max(back, detail::spineY(v.z) + v.ry);
            }
            c.xFromMm = -std::ceil(half);
            c.xToMm = std::ceil(half);
            c.yFromMm = std::floor(front);
            c.yToMm = std::ceil(back);
            out.push_back(c);
        };
        spine("cervical_spine", 'C');
        spine("thoracolumbar_spine", 'T');
        const auto *abdomen = findZRange("abdomen"), *pelvis = findZRange("pelvis");
        const auto [front, back] = detail::abdominopelvicYSpan(std::min(abdomen->zFromMm, pelvis->zFromMm),
                                                               std::max(abdomen->zToMm, pelvis->zToMm));
        CrossSpan ap{"abdomen_pelvis"};
        ap.yFromMm = std::floor(front);
        ap.yToMm = std::ceil(back);
        out.push_back(ap);
        return out;
    }();
    for (const auto& c : all)
        if (c.name == name) return &c;
    return nullptr;
}

std::vector<SeriesKind> studySeries(const PhantomOptions& o) {
    std::vector<SeriesKind> s{SeriesKind::Scout, SeriesKind::Head};
    for (auto k : o.phases)
        if (std::find(s.begin(), s.end(), k) == s.end()) s.push_back(k);
    return s;
}

imaging::VolumeGeometry seriesGeometry(const PhantomOptions& o, SeriesKind kind) {
    imaging::VolumeGeometry g;
    double fov = o.fieldOfViewMm, cy = 0, top = kBodyTop, length = kBodyLength;
    if (kind == SeriesKind::Head) {
        fov = std::min(250.0, fov);
        cy = 8;
        length = top - kHeadBottom;
    } else if (kind == SeriesKind::PortalVenous) {
        top = kPortalTop;
        length = kPortalTop - kPortalBottom;
    }
    const double dx = fov / o.matrix;
    if (kind == SeriesKind::Scout) {
        const int rows = int(std::lround(kBodyLength / dx));
        g.dims = {o.matrix, rows, 1};
        g.spacing = {dx, dx, 1.0};
        g.origin = {-fov / 2 + dx / 2, 0.0, kBodyTop - dx / 2};
        g.direction = glm::dmat3(glm::dvec3(1, 0, 0), glm::dvec3(0, 0, -1), glm::dvec3(0, 1, 0));
        return g;
    }
    const int nz = std::max(1, int(std::lround(length / o.sliceMm)));
    g.dims = {o.matrix, o.matrix, nz};
    g.spacing = {dx, dx, o.sliceMm};
    g.origin = {-fov / 2 + dx / 2, cy - fov / 2 + dx / 2, top - length + o.sliceMm / 2};
    g.direction = glm::dmat3(1.0);
    return g;
}

namespace {

// The topogram is made row by row from the top of the head down, as the table moves through the gantry. `partial`
// (when set) gets the image made so far as it grows: a new volume each time, the rows below still air.
void generateScout(const PhantomOptions& o, imaging::Volume& vol, const Progress& progress,
                   const PartialImage& partial) {
    const auto g = vol.geometry();
    const auto model = buildModel(canonicalInjuries(o), Contrast::None, habitusOf(o), devicesOf(o));
    const int nx = g.dims.x, rows = g.dims.y, ny = kScoutDepthSamples;
    const double fovY = o.fieldOfViewMm, dy = fovY / ny;
    // A row's pixels are written once, then its flag is set: the partial images copy only flagged rows.
    std::vector<std::atomic<std::uint8_t>> rowDone(static_cast<std::size_t>(rows));
    // The first rows show as soon as there are a few (the first image on screen), then about every 3% of the image.
    int shownRows = 0;
    const int first = std::max(1, rows / 64), step = std::max(1, rows / 32);
    auto showSoFar = [&](int d) {
        if (!partial || (d < (shownRows == 0 ? first : shownRows + step) && d < rows)) return;
        int prefix = shownRows;
        while (prefix < rows && rowDone[std::size_t(prefix)].load(std::memory_order_acquire)) ++prefix;
        if (prefix == shownRows || prefix == rows) return;  // nothing new, or the whole image (shown by the caller)
        auto soFar = std::make_shared<imaging::Volume>(g);
        std::copy_n(vol.voxels().data(), std::size_t(prefix) * nx, soFar->voxels().data());
        soFar->markAllReady();
        shownRows = prefix;
        partial(std::move(soFar));
    };
    parallelSlices(
        rows,
        [&](int r) {
            thread_local std::vector<float> hu;
            thread_local std::vector<std::uint8_t> lab;
            hu.assign(std::size_t(nx) * ny, -1000.0f);
            lab.assign(hu.size(), kAir);
            Canvas c{hu.data(),   lab.data(), nx,
                     ny,          g.origin.x, -fovY / 2 + dy / 2,
                     g.spacing.x, dy,         g.origin.z - r * g.spacing.y};
            paintLayers(c, model->layers, o.seed);
            int16_t* row = vol.voxels().data() + std::size_t(r) * nx;
            for (int i = 0; i < nx; ++i) {
                double wel = 0;  // water-equivalent path length, mm
                for (int j = 0; j < ny; ++j) wel += std::max(0.0, (hu[std::size_t(j) * nx + i] + 1000.0) / 1000.0) * dy;
                const double noise = (unit(hash3(i, r, 0, o.seed ^ 0x5c0u)) - 0.5) * 20.0;
                row[i] = toHU(float(wel * 7.0 - 1000.0 + noise));
            }
            rowDone[std::size_t(r)].store(1, std::memory_order_release);
        },
        [&](int d) {
            if (progress) progress(double(d) / rows, "scout");
            showSoFar(d);
        });
    vol.markAllReady();
}

}  // namespace

std::unique_ptr<imaging::Volume> generateSeries(const PhantomOptions& o, SeriesKind kind, const Progress& progress) {
    auto vol = std::make_unique<imaging::Volume>(seriesGeometry(o, kind));
    generateSeriesInto(o, kind, *vol, progress);
    return vol;
}

void generateSeriesInto(const PhantomOptions& o, SeriesKind kind, imaging::Volume& out, const Progress& progress,
                        const PartialImage& partial, imaging::LabelMap* labels) {
    validate(o);
    const auto g = seriesGeometry(o, kind);
    if (out.dims() != g.dims)
        throw PhantomError("the volume for the " + std::string(seriesKindName(kind)) +
                           " series does not have that series' dimensions");
    if (kind == SeriesKind::Scout) {
        if (labels) throw PhantomError("the scout is a projection: it has no label map");
        return generateScout(o, out, progress, partial);
    }
    imaging::Volume* vol = &out;
    const auto model = buildModel(canonicalInjuries(o), contrastOf(kind), habitusOf(o), devicesOf(o));
    if (labels) {
        labels->geometry = g;
        labels->labels.assign(std::size_t(g.dims.x) * g.dims.y * g.dims.z, 0);
        labels->names.clear();
        for (std::size_t id = 1; id < model->structureNames.size(); ++id)
            labels->names[int(id)] = model->structureNames[id];
    }
    // The scanner's streaks follow the beam's path through the patient without the injuries, so that an injury changes
    // the pixels of its own finding only (the ground truth's promise). The devices are in the beam's path.
    const auto plain = model->injuries.empty() ? nullptr : buildModel({}, contrastOf(kind), habitusOf(o), devicesOf(o));
    const std::vector<Layer> beamPath = beamPathLayers(plain ? plain->layers : model->layers);
    const int nx = g.dims.x, ny = g.dims.y, nz = g.dims.z;
    const std::string stage(seriesKindName(kind));
    // From the top down, the order in which a head-first scan sends its images, so the first to arrive are made first.
    parallelSlices(
        nz,
        [&](int n) {
            const int k = nz - 1 - n;
            thread_local std::vector<float> hu, white, tmp;
            thread_local std::vector<std::uint8_t> lab;
            hu.assign(std::size_t(nx) * ny, -1000.0f);
            lab.assign(hu.size(), kAir);
            const bool head = kind == SeriesKind::Head;
            std::uint16_t* structure = labels ? labels->labels.data() + std::size_t(k) * hu.size() : nullptr;
            Canvas c{hu.data(),
                     lab.data(),
                     nx,
                     ny,
                     g.origin.x,
                     g.origin.y,
                     g.spacing.x,
                     g.spacing.y,
                     g.origin.z + k * g.spacing.z,
                     head ? 1.5 : 1.0,
                     structure};
            paintLayers(c, model->layers, o.seed);
            if (head) blurSlice(hu.data(), nx, ny, kHeadBlur, tmp);
            // The head protocol's reconstruction corrects beam hardening by bone (iteratively), leaving a trace.
            addScanArtefacts(beamPath, c, k, o.seed, hu.data(), 1.0, head ? 0.15 : 1.0);
            addNoise(hu.data(), nx, ny, k, o.seed, head ? kHeadNoise : kBodyNoise, head ? kHeadGrain : kBodyGrain,
                     white, tmp);
            int16_t* dst = vol->slice(k);
            for (std::size_t i = 0; i < hu.size(); ++i) dst[i] = toHU(hu[i]);
            vol->markSliceReady(k);
        },
        [&](int d) {
            if (progress) progress(double(d) / nz, stage);
        });
}

}  // namespace polysim::phantom

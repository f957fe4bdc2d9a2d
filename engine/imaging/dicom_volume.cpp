// Assembling a Volume from a scanned series: the grid (regular as acquired, or resampled onto an orthogonal grid
// for tilted / unevenly spaced stacks), decoding on worker threads and streaming slices to readers as they land.
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "imaging/dicom_internal.h"

#include "common/format.h"

namespace polysim::imaging {
namespace {

// Where each decoded source slice goes and how the target grid is made from them.
struct Plan {
    VolumeGeometry geometry;
    std::vector<SliceHeader> sources;  // distinct positions, ascending along the normal
    bool resample = false;
    std::string resampling;
    // Resampling only: per source slice, distance along the normal from the first, and its in-plane offset in
    // source pixels relative to the target grid's first voxel.
    std::vector<double> distance;
    std::vector<glm::dvec2> offset;
};

Plan makePlan(const SeriesReport& series) {
    Plan plan;
    double last = -std::numeric_limits<double>::infinity();
    for (const auto& s : series.slices) {
        double d = glm::dot(s.position, series.normal);
        if (!plan.sources.empty() && d - last < 0.01) continue;  // duplicate position: lowest InstanceNumber kept
        plan.sources.push_back(s);
        last = d;
    }
    const SliceHeader& first = plan.sources.front();
    const glm::dvec3 r = first.rowDirection, c = first.columnDirection, n = series.normal;
    VolumeGeometry& g = plan.geometry;
    g.direction = glm::dmat3(r, c, n);
    g.spacing = glm::dvec3(first.pixelSpacing, series.sliceSpacing > 0 ? series.sliceSpacing : 1.0);
    g.dims = glm::ivec3(first.columns, first.rows, int(plan.sources.size()));
    g.origin = first.position;
    if (!series.needsResampling || plan.sources.size() < 2) return plan;

    plan.resample = true;
    const std::size_t count = plan.sources.size();
    double minX = 0, maxX = 0, minY = 0, maxY = 0, minGap = std::numeric_limits<double>::infinity();
    std::vector<glm::dvec2> shift(count);
    for (std::size_t s = 0; s < count; ++s) {
        glm::dvec3 delta = plan.sources[s].position - first.position;
        plan.distance.push_back(glm::dot(delta, n));
        shift[s] = glm::dvec2(glm::dot(delta, r) / g.spacing.x, glm::dot(delta, c) / g.spacing.y);
        minX = std::min(minX, shift[s].x);
        maxX = std::max(maxX, shift[s].x);
        minY = std::min(minY, shift[s].y);
        maxY = std::max(maxY, shift[s].y);
        if (s > 0) minGap = std::min(minGap, plan.distance[s] - plan.distance[s - 1]);
    }
    // Positions a damaged header put metres away would make a grid of gigabytes (or overflow the conversions
    // below); the scan leaves such images out, and anything that still spreads this far is refused here.
    const double span = plan.distance.back();
    const double widest = std::max({maxX - minX, maxY - minY});
    if (!(widest < 2.0 * detail::kMaxImageSide) || !std::isfinite(span) || !(minGap > 0))
        throw DicomLoadError(series.id + " (" + first.file.string() + "...): slice positions spread " + fixed(span, 2) +
                             " mm along the normal and " + fixed(widest, 2) +
                             " pixels sideways; they cannot form one volume");
    // Widen the grid so that every shifted slice fits (a tilted stack slides sideways as it climbs).
    const double eps = 1e-3;
    const int i0 = int(std::floor(minX + eps)), j0 = int(std::floor(minY + eps));
    const int i1 = int(std::ceil(maxX - eps)) + first.columns - 1, j1 = int(std::ceil(maxY - eps)) + first.rows - 1;
    // Slice spacing: the smallest gap (so no acquired detail is lost), at most twice the acquired slice count,
    // the same rule as dcm2niix's equalisation; a merely tilted stack keeps its own spacing.
    int slices = int(std::floor(std::min(span / minGap, 1e9) + 0.5)) + 1;
    slices = std::clamp(slices, 2, int(2 * count));
    const double spacing = span / (slices - 1);
    for (std::size_t s = 0; s < count; ++s) plan.offset.push_back(shift[s] - glm::dvec2(i0, j0));
    g.dims = glm::ivec3(i1 - i0 + 1, j1 - j0 + 1, slices);
    g.spacing.z = spacing;
    g.origin = first.position + double(i0) * g.spacing.x * r + double(j0) * g.spacing.y * c;
    std::string why;
    if (series.gantryTiltDegrees > 0.05) why = "gantry tilt " + fixed(series.gantryTiltDegrees, 1) + " degrees";
    if (!series.uniformSpacing)
        why += std::string(why.empty() ? "" : ", ") +
               (series.missingSlices > 0
                    ? std::to_string(series.missingSlices) + " missing slice(s)"
                    : "slice gaps " + fixed(series.minSliceGap, 2) + "-" + fixed(series.maxSliceGap, 2) + " mm");
    plan.resampling = "resampled (" + why + ") from " + std::to_string(count) +
                      " slices onto a regular orthogonal grid of " + std::to_string(g.dims.x) + "x" +
                      std::to_string(g.dims.y) + "x" + std::to_string(g.dims.z) + " voxels, " + fixed(g.spacing.x, 3) +
                      " x " + fixed(g.spacing.y, 3) + " x " + fixed(spacing, 3) +
                      " mm, by linear interpolation along the slice normal and within each slice";
    return plan;
}

// Samples one source slice, shifted in-plane by a constant offset (source index = target index - offset), along
// one target row into `out`. A shift is constant per slice, so the bilinear weights are too. Outside the slice: air.
void sampleShiftedRow(const int16_t* slice, int columns, int rows, glm::dvec2 offset, int j, int width, float* out) {
    const double y = j - offset.y;
    if (y < -0.5 || y > rows - 0.5) {
        std::fill(out, out + width, float(Volume::kAirHU));
        return;
    }
    const double yc = std::clamp(y, 0.0, double(rows - 1));
    const int y0 = std::min(int(yc), std::max(rows - 2, 0)), y1 = std::min(y0 + 1, rows - 1);
    const float fy = float(yc - y0);
    const int16_t* r0 = slice + std::size_t(y0) * columns;
    const int16_t* r1 = slice + std::size_t(y1) * columns;
    for (int i = 0; i < width; ++i) {
        const double x = i - offset.x;
        if (x < -0.5 || x > columns - 0.5) {
            out[i] = float(Volume::kAirHU);
            continue;
        }
        const double xc = std::clamp(x, 0.0, double(columns - 1));
        const int x0 = std::min(int(xc), std::max(columns - 2, 0)), x1 = std::min(x0 + 1, columns - 1);
        const float fx = float(xc - x0);
        const float top = r0[x0] + (r0[x1] - r0[x0]) * fx;
        const float bottom = r1[x0] + (r1[x1] - r1[x0]) * fx;
        out[i] = top + (bottom - top) * fy;
    }
}

}  // namespace

struct StreamingLoad::State {
    Plan plan;
    LoadOptions options;
    LoadReport report;
    std::shared_ptr<Volume> volume;
    std::vector<int16_t> sourceVoxels;  // resampling only: the acquired slices before regridding
    std::atomic<std::size_t> next{0}, done{0}, decoded{0};
    std::atomic<bool> cancelled{false};
    std::atomic<int> running{0};
    std::mutex mutex;
    std::condition_variable finishedSignal;
    bool finished = false;
    std::exception_ptr error;
    std::vector<std::thread> workers;
    struct SliceStats {
        int16_t min = 0, max = 0;
        double sum = 0;
        bool valid = false;
    };
    std::vector<SliceStats> stats;

    // Integer min/max/sum in one pass, in a form the compiler vectorises (it is on the critical path of every slice).
    static SliceStats sliceStatistics(const int16_t* v, std::size_t n) {
        int mn = 32767, mx = -32768;
        int64_t sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const int x = v[i];
            mn = x < mn ? x : mn;
            mx = x > mx ? x : mx;
            sum += x;
        }
        return {int16_t(mn), int16_t(mx), double(sum), n > 0};
    }

    void work() {
        const std::size_t total = plan.sources.size();
        const std::size_t sliceVoxels = std::size_t(plan.sources.front().columns) * plan.sources.front().rows;
        for (std::size_t k; !cancelled.load() && (k = next.fetch_add(1)) < total;) {
            int16_t* target = plan.resample ? sourceVoxels.data() + k * sliceVoxels : volume->slice(int(k));
            try {
                detail::decodeToHu(plan.sources[k], target);
                decoded.fetch_add(1);
                if (!plan.resample && options.computeStatistics) stats[k] = sliceStatistics(target, sliceVoxels);
            } catch (const std::exception& e) {
                std::fill(target, target + sliceVoxels, Volume::kAirHU);
                std::lock_guard lock(mutex);
                report.skipped.push_back({plan.sources[k].file, e.what()});
                report.warnings.push_back("slice " + std::to_string(k + 1) +
                                          " could not be decoded and is shown as air: " + e.what());
            }
            if (!plan.resample) volume->markSliceReady(int(k));
            std::size_t d = done.fetch_add(1) + 1;
            if (options.progress) options.progress(d, total);
        }
        if (running.fetch_sub(1) == 1) finish();
    }

    // Runs on the last worker out.
    void finish() {
        try {
            if (cancelled.load()) throw DicomLoadError("loading of series " + report.series.id + " was cancelled");
            if (decoded.load() == 0)
                throw SeriesNotLoadableError(
                    "no image of series " + report.series.id + " could be decoded" +
                    (report.skipped.empty() ? std::string() : "; first error: " + report.skipped.back().reason));
            if (plan.resample) resample();
            if (options.computeStatistics) statistics();
        } catch (...) {
            error = std::current_exception();
            // The volume was allocated unfilled: whatever was not written must read as air, not as garbage.
            for (int k = 0; k < volume->dims().z; ++k)
                if (plan.resample || !volume->sliceReady(k))
                    std::fill(volume->slice(k), volume->slice(k) + volume->geometry().sliceVoxelCount(),
                              Volume::kAirHU);
        }
        volume->markAllReady();
        std::lock_guard lock(mutex);
        finished = true;
        finishedSignal.notify_all();
    }

    void resample() {
        const auto& g = plan.geometry;
        const int columns = plan.sources.front().columns, rows = plan.sources.front().rows;
        const std::size_t sliceVoxels = std::size_t(columns) * rows;
        const std::size_t count = plan.sources.size();
        std::atomic<int> nextSlice{0};
        auto regrid = [&] {
            std::vector<float> a(std::size_t(g.dims.x)), b(std::size_t(g.dims.x));
            for (int k; (k = nextSlice.fetch_add(1)) < g.dims.z;) {
                const double d = k * g.spacing.z;
                std::size_t hi = 1;
                while (hi < count - 1 && plan.distance[hi] < d) ++hi;
                const std::size_t lo = hi - 1;
                const float w =
                    float(std::clamp((d - plan.distance[lo]) / (plan.distance[hi] - plan.distance[lo]), 0.0, 1.0));
                const int16_t* sa = sourceVoxels.data() + lo * sliceVoxels;
                const int16_t* sb = sourceVoxels.data() + hi * sliceVoxels;
                int16_t* out = volume->slice(k);
                for (int j = 0; j < g.dims.y; ++j) {
                    sampleShiftedRow(sa, columns, rows, plan.offset[lo], j, g.dims.x, a.data());
                    sampleShiftedRow(sb, columns, rows, plan.offset[hi], j, g.dims.x, b.data());
                    int16_t* row = out + std::size_t(j) * g.dims.x;
                    for (int i = 0; i < g.dims.x; ++i) {
                        const float v = a[i] + (b[i] - a[i]) * w;
                        row[i] = int16_t(v >= 0.0f ? v + 0.5f : v - 0.5f);  // round half away, without libm
                    }
                }
            }
        };
        const unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 16u));
        std::vector<std::thread> helpers;
        for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(regrid);
        regrid();
        for (auto& t : helpers) t.join();
        std::vector<int16_t>().swap(sourceVoxels);
    }

    void statistics() {
        HuStatistics& hu = report.series.hu;
        if (plan.resample) {
            auto voxels = volume->voxels();
            auto [mn, mx] = std::minmax_element(voxels.begin(), voxels.end());
            double sum = 0;
            for (int16_t v : voxels) sum += v;
            hu = {true, *mn, *mx, sum / double(voxels.size())};
            return;
        }
        bool any = false;
        double sum = 0;
        std::size_t n = 0;
        const std::size_t sliceVoxels = volume->geometry().sliceVoxelCount();
        for (const auto& s : stats) {
            if (!s.valid) continue;
            hu.min = any ? std::min(hu.min, s.min) : s.min;
            hu.max = any ? std::max(hu.max, s.max) : s.max;
            any = true;
            sum += s.sum;
            n += sliceVoxels;
        }
        hu.measured = any;
        hu.mean = n ? sum / double(n) : 0.0;
    }
};

StreamingLoad::StreamingLoad(std::shared_ptr<State> state) : state_(std::move(state)) {}

StreamingLoad::~StreamingLoad() {
    cancel();
    for (auto& t : state_->workers)
        if (t.joinable()) t.join();
}

std::unique_ptr<StreamingLoad> StreamingLoad::start(const std::filesystem::path& path, const std::string& uid,
                                                    LoadOptions options) {
    ScanReport scan = scanDicom(path);
    return start(scan, uid, std::move(options));
}

std::unique_ptr<StreamingLoad> StreamingLoad::start(const ScanReport& scan, const std::string& uid,
                                                    LoadOptions options) {
    const SeriesReport& series = chooseCtSeries(scan, uid);
    if (!series.loadable)
        throw SeriesNotLoadableError("series " + series.id +
                                     " cannot be loaded as a volume: " + series.notLoadableReason);
    auto state = std::make_shared<State>();
    state->options = std::move(options);
    state->plan = makePlan(series);
    state->report.series = series;
    state->report.skipped = scan.skipped;
    state->report.warnings = series.warnings;
    state->report.resampled = state->plan.resample;
    state->report.resampling = state->plan.resampling;
    state->volume = std::make_shared<Volume>(state->plan.geometry, Volume::Unfilled{});
    const std::size_t total = state->plan.sources.size();
    if (state->plan.resample)
        state->sourceVoxels.assign(total * std::size_t(series.matrix.x) * std::size_t(series.matrix.y), Volume::kAirHU);
    state->stats.resize(total);
    unsigned threads = state->options.threads ? state->options.threads : std::thread::hardware_concurrency();
    threads = unsigned(std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(1, std::min<std::size_t>(total, 16))));
    state->running = int(threads);
    for (unsigned t = 0; t < threads; ++t) state->workers.emplace_back([s = state.get()] { s->work(); });
    return std::unique_ptr<StreamingLoad>(new StreamingLoad(state));
}

std::shared_ptr<Volume> StreamingLoad::volume() const {
    return state_->volume;
}
std::size_t StreamingLoad::filesDone() const {
    return state_->done.load();
}
std::size_t StreamingLoad::filesTotal() const {
    return state_->plan.sources.size();
}
bool StreamingLoad::finished() const {
    std::lock_guard lock(state_->mutex);
    return state_->finished;
}
void StreamingLoad::wait() {
    std::unique_lock lock(state_->mutex);
    state_->finishedSignal.wait(lock, [&] { return state_->finished; });
}
void StreamingLoad::cancel() {
    state_->cancelled = true;
}
const LoadReport& StreamingLoad::report() {
    wait();
    if (state_->error) std::rethrow_exception(state_->error);
    return state_->report;
}

std::shared_ptr<Volume> loadCtVolume(const ScanReport& scan, const std::string& uid, const LoadOptions& options,
                                     LoadReport* report) {
    auto load = StreamingLoad::start(scan, uid, options);
    const LoadReport& r = load->report();
    if (report) *report = r;
    return load->volume();
}

std::shared_ptr<Volume> loadCtVolume(const std::filesystem::path& path, const std::string& uid,
                                     const LoadOptions& options, LoadReport* report) {
    ScanReport scan = scanDicom(path);
    return loadCtVolume(scan, uid, options, report);
}

std::shared_ptr<Volume> loadLocalizer(const ScanReport& scan, const std::string& uid) {
    const SeriesReport* chosen = nullptr;
    for (const auto& s : scan.series) {
        if (!s.localizer || s.slices.empty()) continue;
        if (!uid.empty() && s.id != uid && seriesKey(s) != uid) continue;
        if (!chosen || s.imageCount > chosen->imageCount) chosen = &s;
    }
    if (!chosen)
        throw SeriesNotFoundError(
            (uid.empty() ? std::string("no localizer (scout) image") : "no localizer (scout) image in series " + uid) +
            " in " + scan.input.string() + "; 'polysim info' lists the series");
    const SliceHeader& image = chosen->slices.front();
    if (!image.hasPosition)
        throw SeriesNotLoadableError("the localizer " + image.file.string() +
                                     " has no ImagePositionPatient/ImageOrientationPatient: it cannot be placed");
    if (image.samplesPerPixel != 1)
        throw SeriesNotLoadableError("the localizer " + image.file.string() + " is a colour image (" +
                                     image.photometric + "), not a grey-scale topogram");
    VolumeGeometry g;
    g.dims = {image.columns, image.rows, 1};
    g.spacing = {image.pixelSpacing.x, image.pixelSpacing.y, image.sliceThickness > 0 ? image.sliceThickness : 1.0};
    g.origin = image.position;
    g.direction = glm::dmat3(image.rowDirection, image.columnDirection,
                             glm::normalize(glm::cross(image.rowDirection, image.columnDirection)));
    auto volume = std::make_shared<Volume>(g, Volume::Unfilled{});
    try {
        detail::decodeToHu(image, volume->slice(0));
    } catch (const DicomLoadError& e) {
        throw SeriesNotLoadableError(std::string("the localizer could not be decoded: ") + e.what());
    }
    volume->markAllReady();
    return volume;
}

std::shared_ptr<Volume> loadLocalizer(const std::filesystem::path& path, const std::string& uid) {
    return loadLocalizer(scanDicom(path), uid);
}

}  // namespace polysim::imaging

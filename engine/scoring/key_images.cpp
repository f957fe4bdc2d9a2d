// Key image rendering for the debrief.
#include "scoring/key_images.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "imaging/dicom_internal.h"
#include "imaging/dicom_loader.h"
#include "imaging/render.h"
#include "phantom/phantom.h"
#include "scenario/phantom_source.h"
#include "session/matching.h"

namespace polysim::scoring {

namespace {
namespace fs = std::filesystem;

std::shared_ptr<imaging::Volume> volumeFor(const scenario::Scenario& sc, const scenario::SeriesSpec& spec) {
    if (sc.images.phantom) {
        // The patient the case reads (seed, injuries, devices), but a debrief picture does not need the full reading
        // resolution; this keeps `polysim score` quick.
        phantom::PhantomOptions o = scenario::phantomOptionsFor(sc);
        o.matrix = std::min(o.matrix, 256);
        o.sliceMm = std::max(o.sliceMm, 2.0);
        if (!spec.kind) throw std::runtime_error("phantom series '" + spec.id + "' has no kind");
        const phantom::SeriesKind kind = *spec.kind;
        o.phases = {kind == phantom::SeriesKind::Head || kind == phantom::SeriesKind::Scout
                        ? phantom::SeriesKind::Arterial
                        : kind};
        return std::shared_ptr<imaging::Volume>(phantom::generateSeries(o, kind).release());
    }
    return imaging::loadCtVolume(spec.folder, spec.seriesInstanceUid);
}

// The series' folder in the phantom study the reading room cached for this scenario, when that study is complete on
// this machine (ensureCachedStudy writes findings.json last and renames the folder into place at the end).
std::optional<fs::path> cachedSeriesFolder(const scenario::Scenario& sc, const scenario::SeriesSpec& spec) {
    if (!sc.images.phantom || spec.kind == phantom::SeriesKind::Scout)
        return std::nullopt;  // the scout is a projection, not a stack
    const fs::path study = phantom::cacheRoot() / ("phantom-" + phantom::optionsHash(scenario::phantomOptionsFor(sc)));
    std::error_code ec;
    if (!fs::exists(study / "findings.json", ec)) return std::nullopt;
    if (!spec.kind) return std::nullopt;
    if (auto folder = phantom::studySeriesFolder(study, *spec.kind); !folder.empty()) return folder;
    return std::nullopt;
}

// The two slices of a cached phantom series around axial position `z`, as a small volume. An axial plane samples
// only the two slices around it (trilinear), so it renders from these exactly as from the whole series, without
// reading the other files of a 1000-slice study. Throws when the files are not what the study writer writes.
std::shared_ptr<imaging::Volume> cachedSlicesAround(const fs::path& folder, const scenario::Scenario& sc,
                                                    const scenario::SeriesSpec& spec, double z) {
    if (!spec.kind) throw std::runtime_error("phantom series '" + spec.id + "' has no kind");
    const phantom::SeriesKind kind = *spec.kind;
    const auto g = phantom::seriesGeometry(scenario::phantomOptionsFor(sc), kind);
    const int nz = g.dims.z;
    if (nz < 2) throw std::runtime_error(folder.string() + ": fewer than two slices");
    // The same slice pair renderPlane interpolates between in the whole series (outside it, either end's pair
    // renders as air just the same).
    const double c = g.patientToIndex(glm::dvec3(g.origin.x, g.origin.y, z)).z;
    const int k0 = std::clamp(int(std::floor(std::clamp(c, 0.0, nz - 1.0))), 0, nz - 2);
    std::vector<imaging::SliceHeader> slices;
    for (int k : {k0, k0 + 1}) {
        // Instance 1 is the most superior slice, as the study writer numbers a head-first scan.
        char name[32];
        std::snprintf(name, sizeof name, "IM%05d.dcm", nz - k);
        auto header = imaging::detail::readFileHeader(folder / name);
        if (!header.skipReason.empty()) throw std::runtime_error((folder / name).string() + ": " + header.skipReason);
        if (header.images.size() != 1) throw std::runtime_error((folder / name).string() + ": not one image");
        const auto& h = header.images.front();
        if (std::abs(h.position.z - g.indexToPatient(glm::dvec3(0, 0, k)).z) > 1e-3 || h.columns != g.dims.x ||
            h.rows != g.dims.y)
            throw std::runtime_error((folder / name).string() + ": not the slice the study geometry expects");
        slices.push_back(h);
    }
    const auto& first = slices.front();
    const glm::dvec3 normal = glm::normalize(glm::cross(first.rowDirection, first.columnDirection));
    imaging::VolumeGeometry sub;
    sub.dims = {first.columns, first.rows, 2};
    sub.spacing = {first.pixelSpacing.x, first.pixelSpacing.y, glm::dot(slices[1].position - first.position, normal)};
    sub.origin = first.position;
    sub.direction = glm::dmat3(first.rowDirection, first.columnDirection, normal);
    auto volume = std::make_shared<imaging::Volume>(sub, imaging::Volume::Unfilled{});
    for (int k = 0; k < 2; ++k) imaging::detail::decodeToHu(slices[std::size_t(k)], volume->slice(k));
    volume->markAllReady();
    return volume;
}

std::string pngBytes(const imaging::Image8& image) {
    static std::atomic<int> counter{0};  // the app makes key images on a thread of their own
    auto path = std::filesystem::temp_directory_path() /
                ("polysim-keyimage-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".png");
    imaging::writePng(path, image);
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    in.close();
    std::filesystem::remove(path);
    return ss.str();
}
}  // namespace

const scenario::SeriesSpec* keyImageSeries(const scenario::Scenario& sc, const scenario::Finding& f) {
    const auto* region = sc.findRegion(f.region);
    for (const auto& s : sc.images.series)
        if (region && !region->series.empty() && s.id == region->series) return &s;
    for (const auto& s : sc.images.series)
        if (s.kind != phantom::SeriesKind::Scout && s.kind != phantom::SeriesKind::Head) return &s;
    return sc.images.series.empty() ? nullptr : &sc.images.series.front();
}

std::string keyImagePng(const scenario::Scenario& sc, const scenario::Finding& f, const imaging::Volume& vol) {
    auto windows = session::findingWindows(sc, f);
    const auto* preset = imaging::findWindowPreset(windows.empty() ? "soft_tissue" : windows.front());
    imaging::Window w = preset ? preset->window : imaging::Window{400, 40};
    auto grey = imaging::renderPlane(vol, imaging::Plane::Axial, f.centreLps.z, w);
    imaging::Image8 rgb;
    rgb.width = grey.width;
    rgb.height = grey.height;
    rgb.channels = 3;
    rgb.pixels.resize(grey.pixels.size() * 3);
    for (std::size_t i = 0; i < grey.pixels.size(); ++i)
        rgb.pixels[3 * i] = rgb.pixels[3 * i + 1] = rgb.pixels[3 * i + 2] = grey.pixels[i];
    // Same pixel grid renderPlane samples: column c at lo.x + c * px, row r at lo.y + r * px.
    const auto& g = vol.geometry();
    double px = std::min(g.spacing.x, g.spacing.y);
    double loX = imaging::planeRange(vol, imaging::Plane::Sagittal).from;
    double loY = imaging::planeRange(vol, imaging::Plane::Coronal).from;
    int c0 = int(std::lround((f.centreLps.x - f.extentMm.x / 2 - loX) / px));
    int c1 = int(std::lround((f.centreLps.x + f.extentMm.x / 2 - loX) / px));
    int r0 = int(std::lround((f.centreLps.y - f.extentMm.y / 2 - loY) / px));
    int r1 = int(std::lround((f.centreLps.y + f.extentMm.y / 2 - loY) / px));
    auto put = [&](int c, int r) {
        if (c < 0 || r < 0 || c >= rgb.width || r >= rgb.height) return;
        auto* p = &rgb.pixels[(std::size_t(r) * rgb.width + c) * 3];
        p[0] = 230;
        p[1] = 40;
        p[2] = 40;
    };
    // The debrief shows every image at the same width: the outline keeps its look whatever the matrix.
    const int thickness = std::max(2, int(std::lround(rgb.width / 128.0)));
    for (int t = 0; t < thickness; ++t) {
        for (int c = c0; c <= c1; ++c) {
            put(c, r0 - t);
            put(c, r1 + t);
        }
        for (int r = r0; r <= r1; ++r) {
            put(c0 - t, r);
            put(c1 + t, r);
        }
    }
    return pngBytes(rgb);
}

KeyImages renderKeyImages(const scenario::Scenario& sc, std::string* note, KeyImageSources* sources) {
    KeyImages out;
    std::map<std::string, std::shared_ptr<imaging::Volume>> wholeSeries;  // generated or loaded, by series id
    std::map<std::string, std::optional<fs::path>> cached;                // cached study folder, by series id
    std::vector<std::string> problems;
    for (const auto& f : sc.findings) {
        const auto* spec = keyImageSeries(sc, f);
        if (!spec) continue;
        std::shared_ptr<const imaging::Volume> vol;
        auto source = sc.images.phantom ? KeyImageSource::Generated : KeyImageSource::Loaded;
        auto folder = cached.find(spec->id);
        if (folder == cached.end()) folder = cached.emplace(spec->id, cachedSeriesFolder(sc, *spec)).first;
        if (folder->second) {
            try {
                vol = cachedSlicesAround(*folder->second, sc, *spec, f.centreLps.z);
                source = KeyImageSource::CachedStudy;
            } catch (const std::exception&) {
                // A cache that is not what the writer makes: generate the series instead, as with no cache.
            }
        }
        if (!vol) {
            auto it = wholeSeries.find(spec->id);
            if (it == wholeSeries.end()) {
                std::shared_ptr<imaging::Volume> v;
                try {
                    v = volumeFor(sc, *spec);
                } catch (const std::exception& e) {
                    problems.push_back("series " + spec->id + ": " + e.what());
                }
                it = wholeSeries.emplace(spec->id, v).first;
            }
            vol = it->second;
        }
        if (!vol) continue;
        try {
            out[f.id] = keyImagePng(sc, f, *vol);
            if (sources) (*sources)[f.id] = source;
        } catch (const std::exception& e) {
            problems.push_back(f.id + ": " + e.what());
        }
    }
    if (note) {
        note->clear();
        for (const auto& p : problems) *note += (note->empty() ? "Key images missing: " : "; ") + p;
    }
    return out;
}

}  // namespace polysim::scoring

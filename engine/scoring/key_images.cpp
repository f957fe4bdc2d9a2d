// Key image rendering for the debrief.
#include "scoring/key_images.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "imaging/dicom_loader.h"
#include "imaging/render.h"
#include "phantom/phantom.h"
#include "session/matching.h"

namespace polysim::scoring {

namespace {
const scenario::SeriesSpec* seriesFor(const scenario::Scenario& sc, const scenario::Finding& f) {
    const auto* region = sc.findRegion(f.region);
    for (const auto& s : sc.images.series)
        if (region && !region->series.empty() && s.id == region->series) return &s;
    for (const auto& s : sc.images.series)
        if (s.kind != "scout" && s.kind != "head") return &s;
    return sc.images.series.empty() ? nullptr : &sc.images.series.front();
}

std::shared_ptr<imaging::Volume> volumeFor(const scenario::Scenario& sc, const scenario::SeriesSpec& spec) {
    if (sc.images.phantom) {
        const auto& ph = *sc.images.phantom;
        phantom::PhantomOptions o;
        o.seed = ph.seed;
        o.injuries = ph.injuries;
        // A debrief picture does not need the full reading resolution; this keeps `polysim score` quick.
        o.matrix = std::min(ph.matrix, 256);
        o.sliceMm = std::max(ph.sliceMm, 2.0);
        o.fieldOfViewMm = ph.fieldOfViewMm;
        phantom::SeriesKind kind;
        if (!phantom::parseSeriesKind(spec.kind, kind)) throw std::runtime_error("unknown phantom series '" + spec.kind + "'");
        o.phases = {kind == phantom::SeriesKind::Head || kind == phantom::SeriesKind::Scout ? phantom::SeriesKind::Arterial
                                                                                              : kind};
        return std::shared_ptr<imaging::Volume>(phantom::generateSeries(o, kind).release());
    }
    return imaging::loadCtVolume(spec.folder, spec.seriesInstanceUid);
}

std::string pngBytes(const imaging::Image8& image) {
    static int counter = 0;
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

KeyImages renderKeyImages(const scenario::Scenario& sc, std::string* note) {
    KeyImages out;
    std::map<std::string, std::shared_ptr<imaging::Volume>> volumes;
    std::vector<std::string> problems;
    for (const auto& f : sc.findings) {
        const auto* spec = seriesFor(sc, f);
        if (!spec) continue;
        auto it = volumes.find(spec->id);
        if (it == volumes.end()) {
            std::shared_ptr<imaging::Volume> v;
            try {
                v = volumeFor(sc, *spec);
            } catch (const std::exception& e) {
                problems.push_back("series " + spec->id + ": " + e.what());
            }
            it = volumes.emplace(spec->id, v).first;
        }
        if (!it->second) continue;
        const auto& vol = *it->second;
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
        for (int t = 0; t < 2; ++t) {
            for (int c = c0; c <= c1; ++c) {
                put(c, r0 - t);
                put(c, r1 + t);
            }
            for (int r = r0; r <= r1; ++r) {
                put(c0 - t, r);
                put(c1 + t, r);
            }
        }
        try {
            out[f.id] = pngBytes(rgb);
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

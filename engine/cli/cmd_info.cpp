// `polysim info PATH [--json]`: what the loader finds in a folder, DICOMDIR or file — every series with its
// geometry, spacing, tilt, HU range and warnings, the skipped files with reasons, and identifying attributes present.
#include <cstdio>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/command.h"
#include "common/format.h"
#include "imaging/dicom_loader.h"

namespace polysim::cli {
namespace {
using namespace polysim::imaging;
using nlohmann::json;

json vec(const glm::dvec3& v) {
    return json::array({v.x, v.y, v.z});
}
json vec(const glm::dvec2& v) {
    return json::array({v.x, v.y});
}
std::string triple(const glm::dvec3& v, int decimals = 2) {
    return "(" + fixed(v.x, decimals) + ", " + fixed(v.y, decimals) + ", " + fixed(v.z, decimals) + ")";
}
std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

struct LoadedSeries {
    bool attempted = false;
    std::string error;
    LoadReport report;
    VolumeGeometry geometry;
};

json seriesJson(const SeriesReport& s, const LoadedSeries& loaded) {
    const SeriesReport& r = loaded.attempted && loaded.error.empty() ? loaded.report.series : s;
    json j;
    j["id"] = r.id;
    j["series_instance_uid"] = r.seriesInstanceUid.empty() ? json(nullptr) : json(r.seriesInstanceUid);
    j["study_instance_uid"] = r.studyInstanceUid;
    j["description"] = r.description;
    j["modality"] = r.modality;
    j["series_number"] = r.seriesNumber;
    j["split_reason"] = r.splitReason.empty() ? json(nullptr) : json(r.splitReason);
    j["images"] = r.imageCount;
    j["matrix"] = json::array({r.matrix.x, r.matrix.y});
    j["pixel_spacing_mm"] = vec(r.pixelSpacing);
    j["slice_thickness_mm"] = r.sliceThickness;
    j["slice_spacing_mm"] = r.sliceSpacing;
    j["slice_gap_range_mm"] = json::array({r.minSliceGap, r.maxSliceGap});
    j["orientation"] = r.orientation;
    j["row_direction"] = vec(r.rowDirection);
    j["column_direction"] = vec(r.columnDirection);
    j["normal"] = vec(r.normal);
    j["origin_lps_mm"] = vec(r.origin);
    j["gantry_tilt_deg"] = r.gantryTiltDegrees;
    j["stated_gantry_tilt_deg"] = r.statedGantryTiltDegrees ? json(*r.statedGantryTiltDegrees) : json(nullptr);
    j["uniform_spacing"] = r.uniformSpacing;
    j["missing_slices"] = r.missingSlices;
    j["duplicate_positions"] = r.duplicatePositions;
    j["localizer"] = r.localizer;
    j["multiframe"] = r.multiframe;
    j["is_ct"] = r.isCt;
    j["loadable"] = r.loadable;
    j["not_loadable_reason"] = r.loadable ? json(nullptr) : json(r.notLoadableReason);
    j["needs_resampling"] = r.needsResampling;
    j["transfer_syntaxes"] = r.transferSyntaxes;
    if (r.hu.measured)
        j["hu"] = {{"min", r.hu.min}, {"max", r.hu.max}, {"mean", r.hu.mean}};
    else
        j["hu"] = nullptr;
    std::vector<std::string> warnings = loaded.attempted && loaded.error.empty() ? loaded.report.warnings : r.warnings;
    if (!loaded.error.empty()) warnings.push_back("loading failed: " + loaded.error);
    j["warnings"] = warnings;
    j["identifying_attributes"] = r.identifyingAttributes;
    if (loaded.attempted && loaded.error.empty()) {
        const auto& g = loaded.geometry;
        j["volume"] = {{"dims", json::array({g.dims.x, g.dims.y, g.dims.z})},
                       {"spacing_mm", vec(g.spacing)},
                       {"origin_lps_mm", vec(g.origin)},
                       {"direction", json::array({vec(g.direction[0]), vec(g.direction[1]), vec(g.direction[2])})},
                       {"resampled", loaded.report.resampled},
                       {"resampling", loaded.report.resampling}};
    } else {
        j["volume"] = nullptr;
    }
    return j;
}

void printText(const ScanReport& scan, const std::vector<LoadedSeries>& loaded, const std::string& chosen) {
    std::cout << scan.input.string() << ": " << scan.filesExamined << " file(s), " << scan.series.size() << " series, "
              << scan.skipped.size() << " skipped\n";
    for (std::size_t i = 0; i < scan.series.size(); ++i) {
        const LoadedSeries& l = loaded[i];
        const SeriesReport& r = l.attempted && l.error.empty() ? l.report.series : scan.series[i];
        std::cout << "\nseries " << r.id << (r.id == chosen ? "   [default CT volume]" : "") << "\n";
        std::cout << "  description     " << (r.description.empty() ? "(none)" : r.description) << "  (number "
                  << r.seriesNumber << ", modality " << (r.modality.empty() ? "?" : r.modality) << ")\n";
        if (!r.splitReason.empty()) std::cout << "  split because   " << r.splitReason << "\n";
        std::cout << "  images          " << r.imageCount << (r.multiframe ? " frames of one multi-frame object" : "")
                  << (r.localizer ? " (localizer)" : "") << "\n";
        std::cout << "  matrix          " << r.matrix.x << " x " << r.matrix.y << "\n";
        std::cout << "  spacing         " << fixed(r.pixelSpacing.x, 3) << " x " << fixed(r.pixelSpacing.y, 3)
                  << " mm, slices " << fixed(r.sliceSpacing, 3) << " mm apart (median; thickness "
                  << fixed(r.sliceThickness, 2) << " mm)\n";
        std::cout << "  spacing uniform " << (r.uniformSpacing ? "yes" : "no")
                  << (r.uniformSpacing
                          ? ""
                          : " (gaps " + fixed(r.minSliceGap, 2) + " to " + fixed(r.maxSliceGap, 2) + " mm)")
                  << "\n";
        std::cout << "  orientation     " << r.orientation << ", rows " << triple(r.rowDirection, 3) << ", columns "
                  << triple(r.columnDirection, 3) << "\n";
        std::cout << "  origin          " << triple(r.origin) << " mm LPS\n";
        std::cout << "  gantry tilt     " << fixed(r.gantryTiltDegrees, 2) << " degrees (measured from positions)"
                  << (r.statedGantryTiltDegrees ? ", header says " + fixed(*r.statedGantryTiltDegrees, 1) : "") << "\n";
        std::cout << "  transfer syntax " << join(r.transferSyntaxes) << "\n";
        if (r.hu.measured)
            std::cout << "  HU              min " << r.hu.min << ", max " << r.hu.max << ", mean "
                      << fixed(r.hu.mean, 1) << "\n";
        if (l.attempted && l.error.empty()) {
            const auto& g = l.geometry;
            std::cout << "  volume          " << g.dims.x << " x " << g.dims.y << " x " << g.dims.z << " voxels of "
                      << fixed(g.spacing.x, 3) << " x " << fixed(g.spacing.y, 3) << " x " << fixed(g.spacing.z, 3)
                      << " mm\n";
            if (l.report.resampled) std::cout << "  resampling      " << l.report.resampling << "\n";
        }
        if (!r.loadable) std::cout << "  not loadable    " << r.notLoadableReason << "\n";
        std::vector<std::string> warnings = l.attempted && l.error.empty() ? l.report.warnings : r.warnings;
        if (!l.error.empty()) warnings.push_back("loading failed: " + l.error);
        for (const auto& w : warnings) std::cout << "  warning         " << w << "\n";
        if (!r.identifyingAttributes.empty())
            std::cout << "  identifying     " << join(r.identifyingAttributes) << "\n";
    }
    if (!scan.skipped.empty()) {
        std::cout << "\nskipped files:\n";
        for (const auto& s : scan.skipped) std::cout << "  " << s.path.string() << ": " << s.reason << "\n";
    }
    std::cout << "\nidentifying attributes present: "
              << (scan.identifyingAttributes.empty() ? "none" : join(scan.identifyingAttributes)) << "\n";
}

int info(const Args& args) {
    std::string path;
    bool asJson = false, headersOnly = false;
    ArgReader in("info");
    in.flag("--json", asJson)
        .flag("--headers-only", headersOnly)
        .positional(path)
        .tooMany("one PATH only (a folder, a DICOMDIR or a file)");
    if (auto status = in.read(args)) return *status;
    if (path.empty()) return usageError("info", "missing PATH");

    ScanReport scan = scanDicom(path);
    std::vector<LoadedSeries> loaded(scan.series.size());
    std::vector<SkippedFile> decodeSkips;
    if (!headersOnly) {
        for (std::size_t i = 0; i < scan.series.size(); ++i) {
            if (!scan.series[i].loadable) continue;
            LoadedSeries& l = loaded[i];
            l.attempted = true;
            try {
                auto volume = loadCtVolume(scan, scan.series[i].id, {}, &l.report);
                l.geometry = volume->geometry();
                for (std::size_t k = scan.skipped.size(); k < l.report.skipped.size(); ++k)
                    decodeSkips.push_back(l.report.skipped[k]);
            } catch (const std::exception& e) {
                l.error = e.what();
            }
        }
    }
    std::string chosen;
    std::string noCt;
    try {
        chosen = chooseCtSeries(scan).id;
    } catch (const DicomLoadError& e) {
        noCt = e.what();
    }
    ScanReport shown = scan;
    shown.skipped.insert(shown.skipped.end(), decodeSkips.begin(), decodeSkips.end());

    if (asJson) {
        json j;
        j["input"] = shown.input.string();
        j["files_examined"] = shown.filesExamined;
        j["default_ct_series"] = chosen.empty() ? json(nullptr) : json(chosen);
        j["series"] = json::array();
        for (std::size_t i = 0; i < shown.series.size(); ++i)
            j["series"].push_back(seriesJson(shown.series[i], loaded[i]));
        j["skipped"] = json::array();
        for (const auto& s : shown.skipped) j["skipped"].push_back({{"path", s.path.string()}, {"reason", s.reason}});
        j["identifying_attributes"] = shown.identifyingAttributes;
        j["error"] = noCt.empty() ? json(nullptr) : json(noCt);
        std::cout << j.dump(2) << "\n";
    } else {
        printText(shown, loaded, chosen);
    }
    if (!noCt.empty()) {
        std::cerr << "polysim info: " << noCt << "\n";
        return 1;
    }
    return 0;
}
}  // namespace

POLYSIM_REGISTER_COMMAND(
    {"info", "list the DICOM series in a folder, DICOMDIR or file",
     "polysim info PATH [--json] [--headers-only]\n"
     "  Lists every series found under PATH (folders are searched recursively): UID, description,\n"
     "  matrix, spacing, orientation, origin, gantry tilt, spacing uniformity, transfer syntaxes,\n"
     "  HU min/max/mean, warnings, skipped files with reasons and identifying attributes present.\n"
     "  --json          one JSON document (keys documented in the README)\n"
     "  --headers-only  do not decode pixels (no HU statistics, no volume geometry)\n"
     "  Exit status 1 when PATH holds no CT series.",
     info});

}  // namespace polysim::cli

// `polysim landmarks PATH [--series ID] [--masks SEG [--labels CSV]] [--json]`: the body landmarks, the contrast phase
// and the reading-order regions found in a CT series (or the phantom), as `author --new` would use them.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/command.h"
#include "imaging/body_landmarks.h"
#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "phantom/phantom.h"
#include "scenario/image_regions.h"

namespace polysim::cli {
namespace {
using nlohmann::json;

json interval(const std::optional<imaging::ZInterval>& z) {
    return z ? json::array({z->fromMm, z->toMm}) : json(nullptr);
}
json value(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

int run(const Args& args) {
    std::string path, series, masks, labels;
    bool asJson = false;
    ArgReader in("landmarks");
    in.value("--series", series, "--series needs a series id or SeriesInstanceUID")
        .value("--masks", masks, "--masks needs a NIfTI label map or a folder of masks")
        .value("--labels", labels, "--labels needs a labels.csv")
        .flag("--json", asJson)
        .positional(path)
        .tooMany("more than one PATH given");
    if (auto status = in.read(args)) return *status;
    if (path.empty()) return usageError("landmarks", "missing PATH (a DICOM folder or file, or 'phantom[:KIND]')");
    if (!labels.empty() && masks.empty()) return usageError("landmarks", "--labels names the labels of --masks SEG");
    try {
        std::shared_ptr<const imaging::Volume> volume;
        if (path == "phantom" || path.rfind("phantom:", 0) == 0) {
            phantom::PhantomOptions o;
            o.matrix = 256;
            o.sliceMm = 2;
            phantom::SeriesKind kind = phantom::SeriesKind::Arterial;
            if (path.size() > 8 && !phantom::parseSeriesKind(path.substr(8), kind))
                return usageError("landmarks", "unknown phantom series '" + path.substr(8) + "'");
            if (kind != phantom::SeriesKind::Scout && kind != phantom::SeriesKind::Head) o.phases = {kind};
            volume = phantom::generateSeries(o, kind);
        } else {
            volume = imaging::loadCtVolume(path, series);
        }
        // With a segmentation, as author --new --masks: its structures first, the images for what it lacks.
        imaging::BodyLandmarks L = imaging::findLandmarks(*volume);
        if (!masks.empty()) {
            std::optional<std::map<int, std::string>> names;
            if (!labels.empty()) names = imaging::readLabelNames(labels);
            auto placed = imaging::placeOnGeometry(imaging::readSegmentation(masks, names), volume->geometry());
            L = imaging::combineLandmarks(imaging::findLandmarks(imaging::StructureLabels{
                                              placed.geometry, std::move(placed.labels), placed.names}),
                                          L);
        }
        const auto contrast = imaging::estimateContrastPhase(*volume, L);
        std::vector<std::string> why;
        const auto regions = scenario::regionsFromLandmarks(L, &why);
        const std::string kind(scenario::seriesKindText(scenario::seriesKindFromImages(L, contrast)));
        if (asJson) {
            json j;
            j["input"] = path;
            j["source"] = L.source;
            j["volume"] = interval(L.volume);
            j["body"] = interval(L.body);
            j["cranium"] = interval(L.cranium);
            j["skull_base"] = value(L.skullBase);
            j["vertex"] = value(L.vertex);
            j["spine"] = interval(L.spine);
            j["cervical_spine"] = interval(L.cervicalSpine);
            j["lungs"] = interval(L.lungs);
            j["carina"] = value(L.carina);
            j["diaphragm_dome_right"] = value(L.diaphragmDomeRight);
            j["diaphragm_dome_left"] = value(L.diaphragmDomeLeft);
            j["iliac_crests"] = value(L.iliacCrests);
            j["femoral_heads"] = value(L.femoralHeads);
            j["pubic_symphysis"] = interval(L.pubicSymphysis);
            j["pelvis_bottom"] = value(L.pelvisBottom);
            j["thighs"] = interval(L.thighs);
            j["notes"] = L.notes;
            j["contrast"] = {{"phase", imaging::contrastPhaseName(contrast.phase)},
                             {"aorta_hu", value(contrast.aortaHu)},
                             {"liver_hu", value(contrast.liverHu)},
                             {"reason", contrast.reason}};
            j["series_kind"] = kind.empty() ? json(nullptr) : json(kind);
            json rs = json::array();
            for (const auto& r : regions) rs.push_back({{"id", r.id}, {"z_from_mm", r.zFromMm}, {"z_to_mm", r.zToMm}});
            j["regions"] = rs;
            j["region_reasons"] = why;
            std::cout << j.dump(2) << "\n";
            return 0;
        }
        auto line = [](const char* name, const std::optional<imaging::ZInterval>& z) {
            std::cout << "  " << name;
            if (z)
                std::cout << z->fromMm << " to " << z->toMm << " mm\n";
            else
                std::cout << "not in the images\n";
        };
        auto at = [](const char* name, const std::optional<double>& v) {
            std::cout << "  " << name;
            if (v)
                std::cout << *v << " mm\n";
            else
                std::cout << "not in the images\n";
        };
        std::cout << path << ": z " << L.volume.fromMm << " to " << L.volume.toMm << " mm (landmarks from the "
                  << L.source << ")\n";
        line("body             ", L.body);
        line("cranial cavity   ", L.cranium);
        at("skull base       ", L.skullBase);
        at("vertex           ", L.vertex);
        line("spine            ", L.spine);
        line("cervical spine   ", L.cervicalSpine);
        line("lungs            ", L.lungs);
        at("carina           ", L.carina);
        at("right dome       ", L.diaphragmDomeRight);
        at("left dome        ", L.diaphragmDomeLeft);
        at("iliac crests     ", L.iliacCrests);
        at("femoral heads    ", L.femoralHeads);
        line("pubic symphysis  ", L.pubicSymphysis);
        line("thighs           ", L.thighs);
        std::cout << "contrast: " << imaging::contrastPhaseName(contrast.phase) << " (" << contrast.reason << ")\n";
        std::cout << "series kind: " << (kind.empty() ? "unknown" : kind) << "\nregions:\n";
        for (const auto& w : why) std::cout << "  " << w << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "polysim landmarks: " << e.what() << "\n";
        return 1;
    }
}
}  // namespace
POLYSIM_REGISTER_COMMAND({"landmarks", "find body landmarks, contrast phase and reading-order regions in a CT series",
                          "polysim landmarks PATH [--series ID] [--masks SEG [--labels labels.csv]] [--json]\n"
                          "  PATH: a DICOM folder or file, or phantom[:noncontrast|arterial|portal|head] (256 matrix, "
                          "2 mm)\n"
                          "  SEG: the CT's segmentation (as for 'polysim import segmented'); its structures give the "
                          "landmarks they can, the images the rest\n"
                          "  Prints the z (LPS mm) of the lungs, diaphragm domes, cranial cavity and skull base, "
                          "spine, iliac crests, femoral heads, pubic symphysis and thighs, the contrast phase from "
                          "the aorta and liver HU, and each region's limits as 'polysim author --new' sets them.",
                          run});
}  // namespace polysim::cli

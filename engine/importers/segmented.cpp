// `polysim import segmented`: a real normal CT and its segmentation, injuries painted in, written as a derived
// series and a case with the ground truth.
#include <algorithm>

#include "imaging/body_landmarks.h"
#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "importers/derived_series.h"
#include "importers/importers.h"
#include "importers/injury_insertion.h"
#include "scenario/image_regions.h"

namespace polysim::importers {
namespace fs = std::filesystem;

namespace {
std::string words(std::string s) {
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}
}  // namespace

ImportedCase importSegmented(const SegmentedImport& r) {
    if (r.injuries.empty()) throw ImportError("which injuries? (--insert splenic_laceration,hemoperitoneum,...)");
    for (const auto& id : r.injuries) {
        const auto& all = insertableInjuries();
        if (std::none_of(all.begin(), all.end(), [&](const InsertableInjury& k) { return k.id == id; })) {
            std::vector<std::string> ids;
            for (const auto& k : all) ids.push_back(k.id);
            throw ImportError("unknown injury '" + id + "' (injuries that can be inserted: " + listInWords(ids) + ")");
        }
    }
    const fs::path images = r.imagesFolder.empty()
                                ? fs::absolute(r.outFile).parent_path() / (r.outFile.stem().string() + "_images")
                                : fs::absolute(r.imagesFolder);
    std::error_code ec;
    if (fs::exists(images, ec) && !fs::is_empty(images, ec))
        throw ImportError(images.string() +
                          " already exists and is not empty: not writing the derived series over "
                          "it (remove it or choose another --images)");

    std::shared_ptr<imaging::Volume> ct;
    try {
        if (imaging::isNiftiName(r.ct) && !fs::is_directory(r.ct, ec))
            ct = imaging::readNiftiCt(r.ct);
        else
            ct = imaging::loadCtVolume(r.ct, r.seriesUid);
    } catch (const std::exception& e) {
        throw ImportError(std::string("the CT cannot be read: ") + e.what());
    }
    imaging::LabelMap seg;
    try {
        std::optional<std::map<int, std::string>> names;
        if (r.labelNames) names = imaging::readLabelNames(*r.labelNames);
        seg = imaging::placeOnGeometry(imaging::readSegmentation(r.masks, names), ct->geometry());
    } catch (const imaging::SegmentationError& e) {
        throw ImportError(std::string("the masks do not fit the CT: ") + e.what());
    }
    InsertionOptions io;
    io.injuries = r.injuries;
    io.seed = r.seed;
    std::vector<std::string> notes;
    if (r.phase) {
        io.phase = *r.phase;
    } else {
        // The phase as for any CT (imaging/body_landmarks.h), with the landmarks read from the masks.
        const auto landmarks = imaging::combineLandmarks(
            imaging::findLandmarks(imaging::StructureLabels{seg.geometry, seg.labels, seg.names}),
            imaging::findLandmarks(*ct));
        const auto contrast = imaging::estimateContrastPhase(*ct, landmarks);
        const auto kind = scenario::seriesKindFromImages(landmarks, contrast);
        if (kind == phantom::SeriesKind::NonContrast || kind == phantom::SeriesKind::Arterial ||
            kind == phantom::SeriesKind::PortalVenous) {
            io.phase = *kind;
            notes.push_back("Contrast phase '" + std::string(phantom::seriesKindName(io.phase)) +
                            "' from the images: " + contrast.reason + ".");
        } else {
            notes.push_back("The images do not tell the contrast phase (" + contrast.reason +
                            "): taken as portal venous (--phase to say otherwise).");
        }
    }
    InsertionResult inserted = insertInjuries(*ct, seg, io);

    std::vector<std::string> names;
    for (const auto& t : inserted.truths) names.push_back(words(t.id));
    const std::string list = listInWords(names);
    DerivedSeriesText text;
    const std::string phaseWords = io.phase == phantom::SeriesKind::Arterial      ? "Arterial"
                                   : io.phase == phantom::SeriesKind::NonContrast ? "Non-contrast"
                                                                                  : "Portal venous";
    text.seriesDescription = phaseWords + " CT, injuries inserted";
    text.derivationDescription = "Injuries painted into a real CT by polysim import segmented (" + list +
                                 "), inside the structures of its segmentation; not an original acquisition. "
                                 "Source images: " +
                                 r.ct.filename().string() + "; masks: " + r.masks.filename().string() + "; seed " +
                                 std::to_string(r.seed) + ".";
    text.imageComments =
        "SIMULATED INJURIES for teaching: " + list + ". Ground truth in " + r.outFile.filename().string() + ".";
    text.contrast = io.phase == phantom::SeriesKind::NonContrast ? "" : "IV contrast";
    text.seriesNumber = 2;
    try {
        writeDerivedSeries(*ct, images, text);
        imaging::writeNiftiLabels(inserted.truthMap,
                                  images.parent_path() / (r.outFile.stem().string() + "_truth.nii.gz"));
    } catch (const std::exception& e) {
        throw ImportError(e.what());
    }

    CaseRequest req;
    req.dicomFolder = images;
    req.outFile = r.outFile;
    // The title and the briefing say what happened, never what is to be found (the injuries are in the case's
    // findings, the images' comments and the instructor's listing).
    std::string source = r.ct.filename().string();
    for (const char* ext : {".gz", ".nii"})
        if (source.size() > std::string(ext).size() && source.ends_with(ext))
            source.resize(source.size() - std::string(ext).size());
    req.title = "Blunt trauma, real CT with simulated injuries (" + source + ")";
    req.licence = r.licence.empty()
                      ? "Derived from the CT " + r.ct.filename().string() +
                            " with injuries painted in by polysim; the source images' licence and citation apply "
                            "(state them here)."
                      : r.licence + " Injuries painted in by polysim (derived images).";
    req.mechanism = "Blunt trauma (simulated): injuries were painted into a real CT of a patient without them.";
    req.learningObjectives = {"Find and call the injuries on real anatomy, in the reading order"};
    req.injuries = inserted.truths;
    req.seriesKind = io.phase;
    req.segmentation = seg;
    req.notes = notes;
    req.notes.push_back("Derived series (new UIDs) in " + images.string() +
                        "; the changed voxels, labelled by "
                        "injury, in " +
                        (r.outFile.stem().string() + "_truth.nii.gz") + " beside it.");
    return buildCase(req);
}

}  // namespace polysim::importers

// `polysim import`: public trauma datasets and segmented normal CT to a playable case (engine/importers).
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/args.h"
#include "cli/command.h"
#include "importers/importers.h"
#include "importers/injury_insertion.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kName = "import";

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

void printCase(const importers::ImportedCase& c) {
    const auto& s = c.scenario;
    std::cout << "wrote " << s.sourceFile.string() << ": " << s.findings.size() << " finding(s), "
              << s.images.series.size() << " series, " << s.regions.size() << " region(s), " << s.interruptions.size()
              << " interruption(s)\n";
    for (const auto& f : s.findings)
        std::cout << "  finding " << f.id << " (Category " << f.acrCategory << ", " << f.region << "): " << f.label
                  << "\n";
    for (const auto& n : c.notes) std::cout << "  note: " << n << "\n";
    std::cout << "Check it with: polysim validate " << s.sourceFile.string() << "\n";
}

int runImport(const Args& args) {
    std::string source, root, patient, study, out, masks, insert, images, licence, series;
    std::optional<std::string> labels, phase;
    std::uint64_t seed = 1;
    bool list = false;
    ArgReader in(std::string{kName});
    in.value("--patient", patient, "--patient needs a patient_id")
        .value("--study", study, "--study needs a StudyInstanceUID")
        .value("--out", out, "--out needs a case file (CASE.toml)")
        .value("--masks", masks, "--masks needs a NIfTI label map or a folder of masks")
        .value("--labels", labels, "--labels needs a labels.csv")
        .value("--insert", insert, "--insert needs injury ids, e.g. splenic_laceration,hemoperitoneum")
        .value("--images", images, "--images needs a folder for the derived series")
        .value("--phase", phase, "--phase needs arterial, portal or noncontrast")
        .value("--licence", licence, "--licence needs the source images' licence and citation")
        .value("--series", series, "--series needs a SeriesInstanceUID")
        .number("--seed", seed, "--seed needs a whole number")
        .flag("--list", list)
        .positional(source)
        .positional(root)
        .tooMany("one source and one folder at a time ('ARG' is one too many)");
    if (auto status = in.read(args)) return *status;
    // `polysim import ROOT --list`: the dataset is told from its CSVs.
    if (list && root.empty() && !source.empty() && source != "segmented" && source != "rsna-abdominal" &&
        source != "rsna-cspine")
        std::swap(source, root);
    if (source.empty() && !list) return usageError(kName, "which source? rsna-abdominal, rsna-cspine or segmented");
    if (source != "rsna-abdominal" && source != "rsna-cspine" && source != "segmented" && !source.empty())
        return usageError(kName, "unknown source '" + source + "' (rsna-abdominal, rsna-cspine or segmented)");
    try {
        if (list) {
            if (source == "segmented") {
                for (const auto& k : importers::insertableInjuries()) std::cout << k.id << ": " << k.summary << "\n";
                return 0;
            }
            if (root.empty()) return usageError(kName, "--list needs the dataset's folder");
            for (const auto& line : importers::listDataset(root)) std::cout << line << "\n";
            return 0;
        }
        if (root.empty()) return usageError(kName, "which folder? (polysim import " + source + " FOLDER ...)");
        if (out.empty()) return usageError(kName, "--out CASE.toml: where the case is written");
        std::error_code ec;
        if (std::filesystem::exists(out, ec))
            return usageError(kName, out + " already exists: not overwriting it (choose another --out)");
        importers::ImportedCase made;
        if (source == "rsna-abdominal") {
            if (patient.empty()) return usageError(kName, "--patient ID: which patient (polysim import ROOT --list)");
            made = importers::importRsnaAbdominal(root, patient, out);
        } else if (source == "rsna-cspine") {
            if (study.empty()) return usageError(kName, "--study UID: which study (polysim import ROOT --list)");
            made = importers::importRsnaCspine(root, study, out);
        } else {
            if (masks.empty()) return usageError(kName, "--masks SEG: the CT's segmentation");
            const auto phaseKind = phase ? scenario::seriesKindNamed(*phase) : std::nullopt;
            if (phase && phaseKind != phantom::SeriesKind::Arterial && phaseKind != phantom::SeriesKind::PortalVenous &&
                phaseKind != phantom::SeriesKind::NonContrast)
                return usageError(kName, "--phase is arterial, portal or noncontrast");
            importers::SegmentedImport r;
            r.ct = root;
            r.seriesUid = series;
            r.masks = masks;
            if (labels) r.labelNames = *labels;
            r.injuries = splitList(insert);
            r.outFile = out;
            r.imagesFolder = images;
            r.phase = phaseKind;
            r.seed = seed;
            r.licence = licence;
            made = importers::importSegmented(r);
        }
        importers::writeCase(made);
        printCase(made);
        return 0;
    } catch (const importers::ImportError& e) {
        std::cerr << "polysim import: " << e.what() << "\n";
        return 1;
    }
}

POLYSIM_REGISTER_COMMAND(
    {kName, "Make a case from a public trauma dataset or by inserting injuries into a real CT",
     "polysim import rsna-abdominal ROOT --patient ID --out CASE.toml\n"
     "polysim import rsna-cspine ROOT --study UID --out CASE.toml\n"
     "polysim import segmented CT_FOLDER_OR_NIFTI --masks SEG --insert INJURY,... --out CASE.toml\n"
     "        [--labels labels.csv] [--images FOLDER] [--phase arterial|portal|noncontrast]\n"
     "        [--seed N] [--licence TEXT] [--series UID]\n"
     "polysim import ROOT --list            which patients or studies have injuries, and what\n"
     "polysim import segmented --list       the injuries that can be inserted\n"
     "\n"
     "ROOT is the dataset's folder as published (train.csv, train_images/, segmentations/ ...).\n"
     "SEG is a multilabel NIfTI (names from labels.csv beside it or --labels, else\n"
     "TotalSegmentator v2's) or a folder of one mask per structure (spleen.nii.gz ...).\n"
     "The derived series goes to CASE_images/ beside the case (new UIDs), the changed voxels to\n"
     "CASE_truth.nii.gz; the case is checked as 'polysim validate' would before it is kept.",
     runImport});
}  // namespace
}  // namespace polysim::cli

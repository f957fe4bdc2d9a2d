// `polysim author SCENARIO.toml [--out FILE.toml]`: the instructors' authoring screen on a case's images.
// `--new phantom|DICOM_FOLDER --out FILE.toml` first writes a new case's skeleton (scenario/new_case.h), then opens it;
// `--masks SEG` gives the DICOM folder's segmentation, whose structures then place the regions.
// --screenshot FILE.png renders it once the images are loaded and exits (for tests and the README).
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/args.h"
#include "cli/command.h"
#include "gui/authoring.h"
#include "imaging/segmentation.h"
#include "scenario/loader.h"
#include "scenario/new_case.h"
#include "scenario/writer.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kName = "author";

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

int runAuthor(const Args& args) {
    gui::AuthoringOptions o;
    std::string scenario, out, screenshot, newFrom, injuries, seed, matrix, sliceMm, masks, labels;
    ArgReader in{std::string(kName)};
    in.value("--out", out, "--out needs a file")
        .value("--screenshot", screenshot, "--screenshot needs a file")
        .windowSize(o.width, o.height)
        .value("--new", newFrom, "--new needs 'phantom' or a DICOM folder")
        .phantomOptions(seed, matrix, sliceMm, injuries)
        .value("--masks", masks, "--masks needs a segmentation (a NIfTI file or a folder of masks)")
        .value("--labels", labels, "--labels needs a labels.csv")
        .positional(scenario)
        .tooMany("only one scenario at a time ('ARG' is one too many)");
    if (auto status = in.read(args)) return *status;
    o.scenario = scenario, o.out = out, o.screenshot = screenshot;
    const bool phantomOnly = !injuries.empty() || !seed.empty() || !matrix.empty() || !sliceMm.empty();
    const bool dicomOnly = !masks.empty() || !labels.empty();
    if (dicomOnly && (newFrom.empty() || newFrom == "phantom"))
        return usageError(kName, "--masks and --labels go with --new DICOM_FOLDER (the segmentation of its CT)");
    if (!labels.empty() && masks.empty())
        return usageError(kName, "--labels names the labels of --masks SEG: give --masks");
    if (newFrom.empty()) {
        if (phantomOnly) return usageError(kName, "--injuries, --seed, --matrix and --slice-mm go with --new phantom");
        if (o.scenario.empty()) return usageError(kName, "which scenario? (polysim author SCENARIO.toml)");
        return gui::runAuthoring(o);
    }

    // A new case: never onto someone's existing file, and always somewhere named.
    if (!o.scenario.empty())
        return usageError(
            kName, "--new makes a new case; give either --new or a scenario ('" + o.scenario.string() + "'), not both");
    if (o.out.empty()) return usageError(kName, "--new needs --out FILE.toml: where the new case is written");
    std::error_code ec;
    if (std::filesystem::exists(o.out, ec))
        return usageError(kName, o.out.string() + " already exists: not overwriting it (open it with 'polysim author " +
                                     o.out.string() + "', or choose another --out)");
    scenario::NewCase made;
    if (newFrom == "phantom") {
        scenario::NewPhantomCaseOptions po;
        po.injuries = splitList(injuries);
        try {
            if (!seed.empty()) po.seed = std::stoull(seed);
            if (!matrix.empty()) po.matrix = std::stoi(matrix);
            if (!sliceMm.empty()) po.sliceMm = std::stod(sliceMm);
        } catch (const std::exception&) {
            return usageError(kName, "--seed, --matrix and --slice-mm need numbers");
        }
        made = scenario::newPhantomCase(o.out, po);
    } else {
        if (phantomOnly) return usageError(kName, "--injuries, --seed, --matrix and --slice-mm go with --new phantom");
        scenario::NewDicomCaseOptions dicom;
        if (!masks.empty()) {
            std::optional<std::map<int, std::string>> names;
            if (!labels.empty()) names = imaging::readLabelNames(labels);
            dicom.segmentation = imaging::readSegmentation(masks, names);
        }
        made = scenario::newDicomCase(newFrom, o.out, dicom);
    }
    std::string error;
    if (!scenario::saveScenario(made.scenario, o.out, &error)) throw std::runtime_error(error);
    // The skeleton is checked as the loader reads it: a skeleton that does not load would be a bug here.
    auto check = scenario::loadScenario(o.out);
    std::cout << "new case written to " << o.out.string() << " (" << made.scenario.findings.size() << " finding(s), "
              << check.errorCount() << " error(s), " << check.warningCount() << " warning(s))\n";
    for (const auto& d : check.diagnostics) std::cout << "  " << d.format() << "\n";
    std::cout << "next:\n";
    for (const auto& n : made.notes) std::cout << "  - " << n << "\n";
    if (!check.ok()) return 1;
    o.scenario = o.out;
    o.out.clear();
    o.notes = made.notes;
    return gui::runAuthoring(o);
}
}  // namespace
POLYSIM_REGISTER_COMMAND(
    {"author", "edit a scenario, or start a new one: place findings on its images, edit texts, save TOML",
     "polysim author SCENARIO.toml [--out FILE.toml] [--screenshot FILE.png] [--size WxH]\n"
     "       polysim author --new phantom [--injuries ID,ID,...] [--seed N] [--matrix N] [--slice-mm MM] --out "
     "FILE.toml [...]\n"
     "       polysim author --new DICOM_FOLDER [--masks SEG [--labels labels.csv]] --out FILE.toml [...]\n"
     "  SEG: the CT's segmentation, as for 'polysim import segmented' (a multilabel NIfTI with TotalSegmentator\n"
     "  names or labels.csv, or a folder of one mask per structure); its structures then place the regions.\n"
     "  Ctrl+S saves; closing the window or Ctrl+Q with unsaved changes asks first; Escape cancels a drag.",
     runAuthor});
}  // namespace polysim::cli

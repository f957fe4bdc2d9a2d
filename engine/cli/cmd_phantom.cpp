// `polysim phantom`: writes the synthetic polytrauma patient as a DICOM CT study, with its ground truth, or lists the
// injury library.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/args.h"
#include "cli/command.h"
#include "phantom/phantom.h"
#include "phantom/realism.h"

namespace polysim::cli {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto e = s.find(',', start);
        std::string item = s.substr(start, e == std::string::npos ? std::string::npos : e - start);
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
        if (e == std::string::npos) break;
        start = e + 1;
    }
    return out;
}

int listInjuries() {
    for (const auto& i : phantom::injuryLibrary())
        std::printf("%-26s cat %d  %-17s %s%s\n", i.id.c_str(), i.acrCategory, i.region.c_str(), i.label.c_str(),
                    i.subtle ? " [subtle]" : "");
    return 0;
}

// The phantom measured against real CT (and, with --images-out, pictured beside it). The slice spacing defaults to
// 5 mm here: the statistics are per slice, and a coarser series is made in a fraction of the time.
int compareRealism(phantom::PhantomOptions o, const Args& args, const std::string& realFolder,
                   const std::string& imagesOut) {
    if (std::find(args.begin(), args.end(), "--slice-mm") == args.end()) o.sliceMm = 5;
    try {
        phantom::validate(o);
        const auto regions = phantom::compareWithReal(realFolder, o, imagesOut);
        std::vector<phantom::StatisticsRow> rows;
        for (const auto& r : regions) {
            rows.push_back({"phantom " + r.reference.region + " (" +
                                std::string(phantom::seriesKindName(r.reference.phantomSeries)) + ")",
                            r.phantom});
            rows.push_back({"real " + r.reference.region + " (" + r.reference.folder + ")", r.real});
        }
        std::cout << phantom::statisticsTable(rows);
        if (!imagesOut.empty())
            for (const auto& v : phantom::sideBySideViews())
                std::cout << "wrote " << (std::filesystem::path(imagesOut) / v.file).string() << ": " << v.what << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "polysim phantom: " << e.what() << "\n";
        return 1;
    }
}

int phantomCommand(const Args& args) {
    phantom::PhantomOptions o;
    std::string out, findingsOut, realism, imagesOut, labelsOut;
    std::optional<std::string> injuries, devices, phases;
    bool quiet = false, list = false, noLabels = false;
    ArgReader in("phantom");
    in.flag("--list-injuries", list)
        .value("--out", out, "--out needs a folder")
        .number("--seed", o.seed, "--seed needs a whole number")
        .value("--injuries", injuries, "--injuries needs ID,ID,... (see --list-injuries)")
        .value("--devices", devices, "--devices needs ID,... (pelvic_binder, endotracheal_tube)")
        .value("--sex", o.sex, "--sex needs male or female")
        .number("--age", o.ageYears, "--age needs a whole number of years")
        .number("--matrix", o.matrix, "--matrix needs a whole number")
        .number("--slice-mm", o.sliceMm, "--slice-mm needs a number")
        .number("--fov-mm", o.fieldOfViewMm, "--fov-mm needs a number")
        .value("--phases", phases, "--phases needs a list such as arterial,portal")
        .value("--findings-out", findingsOut, "--findings-out needs a file name")
        .value("--realism", realism, "--realism needs the folder of the real CT references")
        .value("--images-out", imagesOut, "--images-out needs a folder")
        .value("--labels-out", labelsOut, "--labels-out needs a folder")
        .flag("--no-labels", noLabels)
        .flag("--quiet", quiet)
        .flag("-q", quiet);
    if (auto status = in.read(args)) return *status;
    if (list) return listInjuries();
    if (injuries) o.injuries = splitList(*injuries);
    if (devices) o.devices = splitList(*devices);
    if (phases) {
        o.phases.clear();
        for (const auto& p : splitList(*phases)) {
            phantom::SeriesKind k;
            if (!phantom::parseSeriesKind(p, k) || k == phantom::SeriesKind::Scout || k == phantom::SeriesKind::Head)
                return usageError("phantom", "unknown phase '" + p + "' (noncontrast, arterial, portal)");
            o.phases.push_back(k);
        }
    }
    if (!realism.empty()) return compareRealism(o, args, realism, imagesOut);
    if (out.empty() && findingsOut.empty()) return usageError("phantom", "give --out DIR (and/or --findings-out FILE)");
    try {
        phantom::validate(o);
        if (!out.empty()) {
            // The label maps go beside the study folder (STUDY_labels), not into it: DICOM readers of the study meet
            // DICOM files only.
            if (labelsOut.empty() && !noLabels) {
                fs::path study = fs::path(out).lexically_normal();
                if (study.filename().empty()) study = study.parent_path();
                labelsOut = study.string() + "_labels";
            }
            if (noLabels) labelsOut.clear();
            int lastPercent = -1;
            const auto study = phantom::writeStudy(
                o, out,
                [&](double f, std::string_view stage) {
                    const int p = int(f * 100);
                    if (quiet || p == lastPercent) return;
                    lastPercent = p;
                    std::fprintf(stderr, "\r%3d%%  %-40.*s", p, int(stage.size()), stage.data());
                    std::fflush(stderr);
                },
                {}, labelsOut);
            if (!quiet) std::fprintf(stderr, "\n");
            std::cout << "wrote " << study.fileCount << " images in " << study.seriesInstanceUids.size()
                      << " series to " << study.folder.string() << "\n";
            if (!study.labelMaps.empty())
                std::cout << "wrote the anatomy's label maps to " << study.labelMaps.front().parent_path().string()
                          << " (labels.csv names the structures)\n";
        }
        if (!findingsOut.empty()) {
            std::ofstream f(findingsOut);
            // FILE.toml: the scenario file's [[findings]] syntax, ready to paste into a case; otherwise JSON.
            const auto truth = phantom::groundTruth(o);
            f << (findingsOut.ends_with(".toml") ? phantom::findingsToml(truth) : phantom::findingsJson(truth));
            if (!f) {
                std::cerr << "polysim phantom: " << findingsOut << ": cannot write the findings\n";
                return 1;
            }
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "polysim phantom: " << e.what() << "\n";
        return 1;
    }
}
}  // namespace
POLYSIM_REGISTER_COMMAND(
    {"phantom", "write the synthetic polytrauma patient as a DICOM CT study",
     "polysim phantom --out DIR [--seed N] [--injuries ID,ID,...] [--devices pelvic_binder,endotracheal_tube] [--sex "
     "male|female] "
     "[--age YEARS] [--matrix N] [--slice-mm X] "
     "[--fov-mm X] [--phases arterial,portal] [--findings-out FILE.toml|FILE.json] [--labels-out DIR | --no-labels] "
     "[--quiet]\n"
     "       polysim phantom --realism REAL_CT_FOLDER [--images-out DIR] [--seed N] [--slice-mm X]\n"
     "       polysim phantom --list-injuries",
     phantomCommand});
}  // namespace polysim::cli

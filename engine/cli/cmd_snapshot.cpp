// `polysim snapshot PATH --z MM ...`: one windowed plane of a DICOM series (or the built-in phantom) to PNG, without a
// window. For authoring scenarios, reports and tests.
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/args.h"
#include "cli/command.h"
#include "imaging/dicom_loader.h"
#include "imaging/render.h"
#include "imaging/segmentation.h"
#include "phantom/phantom.h"

namespace polysim::cli {
namespace {

// "phantom" or "phantom:KIND" where KIND is a series kind (head, arterial, ...).
bool isPhantomPath(const std::string& p) {
    return p == "phantom" || p.rfind("phantom:", 0) == 0;
}

int snapshot(const Args& args) {
    std::string path, out, series, injuries;
    std::optional<std::string> windowText;
    std::optional<double> position;
    double seed = 1, matrix = 256, sliceMm = 2;
    imaging::Plane plane = imaging::Plane::Axial;
    imaging::Window window{400, 40};
    auto setPlane = [&](const std::string& v) {
        auto p = imaging::parsePlane(v);
        if (p) plane = *p;
        return p.has_value();
    };
    ArgReader in("snapshot");
    for (const char* name : {"--z", "--position", "--at"})
        in.number(name, position, std::string(name) + " needs a number of mm");
    in.check("--plane", "--plane must be axial, coronal or sagittal", setPlane)
        .value("--window", windowText, "--window needs a preset name or W/L")
        .value("--out", out, "--out needs a file name")
        .value("--series", series, "--series needs a SeriesInstanceUID")
        .phantomOptions(seed, matrix, sliceMm, injuries)
        .positional(path)
        .tooMany("more than one PATH given");
    if (auto status = in.read(args)) return *status;
    if (windowText) {
        auto w = imaging::parseWindow(*windowText);
        if (!w)
            return usageError("snapshot",
                              "unknown window '" + *windowText + "' (a preset such as lung, or W/L like 1500/-600)");
        window = *w;
    }
    if (path.empty())
        return usageError("snapshot", "missing PATH (a DICOM folder or file, a NIfTI CT, or 'phantom[:KIND]')");
    if (out.empty()) return usageError("snapshot", "missing --out FILE.png");
    try {
        std::shared_ptr<const imaging::Volume> volume;
        if (isPhantomPath(path)) {
            phantom::PhantomOptions o;
            o.seed = std::uint64_t(seed);
            o.matrix = int(matrix);
            o.sliceMm = sliceMm;
            for (std::size_t s = 0; s < injuries.size();) {
                const auto e = injuries.find(',', s);
                const std::string id = injuries.substr(s, e == std::string::npos ? std::string::npos : e - s);
                if (!id.empty()) o.injuries.push_back(id);
                s = e == std::string::npos ? injuries.size() : e + 1;
            }
            phantom::SeriesKind kind = phantom::SeriesKind::Arterial;
            if (path.size() > 8 && !phantom::parseSeriesKind(path.substr(8), kind))
                return usageError("snapshot", "unknown phantom series '" + path.substr(8) +
                                                  "' (scout, head, noncontrast, arterial, portal)");
            if (kind != phantom::SeriesKind::Scout && kind != phantom::SeriesKind::Head) o.phases = {kind};
            volume = phantom::generateSeries(o, kind);
        } else if (imaging::isNiftiName(path) && !std::filesystem::is_directory(path)) {
            volume = imaging::readNiftiCt(path);
        } else {
            const auto scan = imaging::scanDicom(path);
            try {
                volume = imaging::loadCtVolume(scan, series);
            } catch (const imaging::DicomLoadError&) {
                // A topogram (the folder's only image, or the series asked for) is one image, not a stack; with no
                // topogram there either, the reason the stack did not load is the one to tell.
                const auto stackError = std::current_exception();
                try {
                    volume = imaging::loadLocalizer(scan, series);
                } catch (const imaging::SeriesNotFoundError&) {
                    std::rethrow_exception(stackError);
                }
            }
        }
        const auto range = imaging::planeRange(*volume, plane);
        if (!position) position = (range.from + range.to) / 2;
        if (*position < range.from - 1e-6 || *position > range.to + 1e-6) {
            std::cerr << "polysim snapshot: " << imaging::planeName(plane) << " position " << *position
                      << " mm is outside " << path << " (" << range.from << " to " << range.to << " mm)\n";
            return 1;
        }
        imaging::writePng(out, imaging::renderPlane(*volume, plane, *position, window));
        std::cout << out << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "polysim snapshot: " << e.what() << "\n";
        return 1;
    }
}
}  // namespace
POLYSIM_REGISTER_COMMAND({"snapshot", "render one plane of a DICOM series or the phantom to PNG",
                          "polysim snapshot PATH [--z MM] [--plane axial|coronal|sagittal] [--window NAME|W/L] "
                          "--out FILE.png [--series UID]\n"
                          "  PATH: a DICOM folder or file, a CT in NIfTI (.nii, .nii.gz), or "
                          "phantom[:scout|head|noncontrast|arterial|portal] "
                          "(then also --seed N --injuries ID,... --matrix N --slice-mm X; default 256, 2 mm)\n"
                          "  --z MM: position along the plane normal in patient mm (z axial, y coronal, x sagittal; "
                          "default the middle)",
                          snapshot});
}  // namespace polysim::cli

// Finding every series under a path: reading headers on all cores, grouping by SeriesInstanceUID, splitting what
// cannot form one volume, sorting along the slice normal and describing the spacing, tilt and gaps in plain words.
#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "common/format.h"
#include "imaging/dicom_internal.h"

namespace polysim::imaging {
namespace fs = std::filesystem;
using detail::FileHeader;

std::string transferSyntaxName(const std::string& uid) {
    struct Name {
        const char* uid;
        const char* name;
    };
    static const Name kNames[] = {
        {UID_LittleEndianImplicitTransferSyntax, "Implicit VR Little Endian"},
        {UID_LittleEndianExplicitTransferSyntax, "Explicit VR Little Endian"},
        {UID_BigEndianExplicitTransferSyntax, "Explicit VR Big Endian"},
        {UID_DeflatedExplicitVRLittleEndianTransferSyntax, "Deflated Explicit VR Little Endian"},
        {UID_RLELosslessTransferSyntax, "RLE Lossless"},
        {UID_JPEGProcess1TransferSyntax, "JPEG Baseline"},
        {UID_JPEGProcess2_4TransferSyntax, "JPEG Extended"},
        {UID_JPEGProcess14TransferSyntax, "JPEG Lossless"},
        {UID_JPEGProcess14SV1TransferSyntax, "JPEG Lossless SV1"},
        {UID_JPEGLSLosslessTransferSyntax, "JPEG-LS Lossless"},
        {UID_JPEGLSLossyTransferSyntax, "JPEG-LS Near-Lossless"},
        {UID_JPEG2000LosslessOnlyTransferSyntax, "JPEG 2000 Lossless"},
        {UID_JPEG2000TransferSyntax, "JPEG 2000"},
    };
    for (const auto& n : kNames)
        if (uid == n.uid) return n.name;
    if (const char* name = dcmFindNameOfUID(uid.c_str(), nullptr)) return name;
    return uid;
}

namespace {

// Rounded values that decide whether two images can sit in one volume.
struct StackKey {
    bool localizer = false;
    bool hasPosition = false;
    int rows = 0, columns = 0;
    std::array<long, 6> orientation{};
    std::array<long, 2> spacing{};
    long thickness = 0;
    std::string multiframeFile;  // an enhanced object is its own stack
    auto operator<=>(const StackKey&) const = default;
};

StackKey keyOf(const SliceHeader& s) {
    StackKey k;
    k.localizer = s.localizer;
    k.hasPosition = s.hasPosition;
    k.rows = s.rows;
    k.columns = s.columns;
    for (int i = 0; i < 3; ++i) {
        k.orientation[i] = std::lround(s.rowDirection[i] * 1000.0);
        k.orientation[3 + i] = std::lround(s.columnDirection[i] * 1000.0);
    }
    k.spacing = {std::lround(s.pixelSpacing.x * 1000.0), std::lround(s.pixelSpacing.y * 1000.0)};
    k.thickness = std::lround(s.sliceThickness * 100.0);
    if (s.frameCount > 1) k.multiframeFile = s.file.string();
    return k;
}

std::string differenceFrom(const StackKey& main, const StackKey& part) {
    std::vector<std::string> why;
    if (part.localizer != main.localizer) why.push_back(part.localizer ? "localizer (scout) image" : "not a localizer");
    if (part.rows != main.rows || part.columns != main.columns) why.push_back("different matrix");
    if (part.orientation != main.orientation) why.push_back("different orientation");
    if (part.spacing != main.spacing) why.push_back("different pixel spacing");
    if (part.thickness != main.thickness) why.push_back("different slice thickness");
    if (part.hasPosition != main.hasPosition) why.push_back("position missing");
    if (part.multiframeFile != main.multiframeFile) why.push_back("separate multi-frame object");
    std::string out;
    for (const auto& w : why) out += (out.empty() ? "" : ", ") + w;
    return out;
}

std::string orientationName(const glm::dvec3& n) {
    glm::dvec3 a = glm::abs(n);
    const double m = std::max({a.x, a.y, a.z});
    if (m < 0.9) return "oblique";
    if (m == a.z) return "axial";
    if (m == a.y) return "coronal";
    return "sagittal";
}

void analyse(SeriesReport& r) {
    auto& slices = r.slices;
    const SliceHeader& first = slices.front();
    r.matrix = {first.columns, first.rows};
    r.pixelSpacing = first.pixelSpacing;
    r.sliceThickness = first.sliceThickness;
    r.rowDirection = first.rowDirection;
    r.columnDirection = first.columnDirection;
    r.normal = glm::normalize(glm::cross(first.rowDirection, first.columnDirection));
    r.orientation = orientationName(r.normal);
    r.localizer = first.localizer;
    r.multiframe = first.frameCount > 1;
    r.imageCount = int(slices.size());
    const glm::dvec3 n = r.normal;
    std::stable_sort(slices.begin(), slices.end(), [&](const SliceHeader& a, const SliceHeader& b) {
        double da = glm::dot(a.position, n), db = glm::dot(b.position, n);
        if (std::abs(da - db) > 1e-4) return da < db;
        return a.instanceNumber < b.instanceNumber;
    });
    r.origin = slices.front().position;

    std::set<std::string> syntaxes;
    std::set<std::pair<double, double>> rescales;
    for (const auto& s : slices) {
        syntaxes.insert(s.transferSyntaxUid);
        rescales.insert({s.rescaleSlope, s.rescaleIntercept});
    }
    for (const auto& s : syntaxes) r.transferSyntaxes.push_back(transferSyntaxName(s));
    std::set<double> thicknesses;
    for (const auto& s : slices) thicknesses.insert(s.sliceThickness);
    if (thicknesses.size() > 1) {
        std::string list;
        for (double t : thicknesses) list += (list.empty() ? "" : ", ") + fixed(t, 2) + " mm";
        r.warnings.push_back("slice thickness varies along the stack (" + list + ")");
    }
    if (rescales.size() > 1)
        r.warnings.push_back("RescaleSlope/RescaleIntercept differ between slices (" + std::to_string(rescales.size()) +
                             " combinations); each slice is converted to HU with its own");

    if (!first.hasPosition) {
        r.notLoadableReason =
            "no ImagePositionPatient/ImageOrientationPatient: the images cannot be placed in the patient";
        return;
    }
    if (r.localizer) {
        r.notLoadableReason = "localizer (scout) image, not a cross-sectional volume";
        return;
    }
    if (first.samplesPerPixel != 1) {
        r.notLoadableReason = "colour image (" + first.photometric + "), not a grey-scale CT";
        return;
    }

    // Distances along the normal of the distinct positions (duplicates: the lowest InstanceNumber stands).
    constexpr double kSamePosition = 0.01;  // mm
    std::vector<double> d;
    std::vector<glm::dvec3> distinct;
    for (const auto& s : slices) {
        double di = glm::dot(s.position, n);
        if (!d.empty() && di - d.back() < kSamePosition) {
            ++r.duplicatePositions;
            continue;
        }
        d.push_back(di);
        distinct.push_back(s.position);
    }
    if (r.duplicatePositions > 0)
        r.warnings.push_back(std::to_string(r.duplicatePositions) +
                             " image(s) share a position with another image (two phases or repeated slices in one "
                             "series?); the one with the lowest InstanceNumber is used");
    if (d.size() >= 2) {
        std::vector<double> gaps;
        for (std::size_t i = 1; i < d.size(); ++i) gaps.push_back(d[i] - d[i - 1]);
        std::vector<double> sorted = gaps;
        std::sort(sorted.begin(), sorted.end());
        r.sliceSpacing = sorted[sorted.size() / 2];
        r.minSliceGap = sorted.front();
        r.maxSliceGap = sorted.back();
        const double tolerance = std::max(0.02, 0.01 * r.sliceSpacing);
        r.uniformSpacing = r.maxSliceGap - r.minSliceGap <= tolerance;
        if (!r.uniformSpacing) {
            // Gaps that are whole multiples of the usual spacing are missing slices; anything else is uneven.
            bool onlyMultiples = true;
            for (double g : gaps) {
                double ratio = g / r.sliceSpacing;
                long whole = std::lround(ratio);
                if (std::abs(g - whole * r.sliceSpacing) > tolerance * std::max(1L, whole))
                    onlyMultiples = false;
                else if (whole >= 2)
                    r.missingSlices += int(whole - 1);
            }
            if (!onlyMultiples) r.missingSlices = 0;
            if (r.missingSlices > 0)
                r.warnings.push_back("missing images? " + std::to_string(r.missingSlices) +
                                     " slice position(s) absent in a " + fixed(r.sliceSpacing, 2) + " mm stack");
            else
                r.warnings.push_back("slice spacing varies from " + fixed(r.minSliceGap, 2) + " to " +
                                     fixed(r.maxSliceGap, 2) + " mm (measured along the slice normal)");
        }
        glm::dvec3 v = distinct.back() - distinct.front();
        double cosine = std::clamp(std::abs(glm::dot(glm::normalize(v), n)), 0.0, 1.0);
        r.gantryTiltDegrees = std::acos(cosine) * 180.0 / M_PI;
        if (r.gantryTiltDegrees > 0.05)
            r.warnings.push_back("gantry tilt of " + fixed(r.gantryTiltDegrees, 1) +
                                 " degrees measured from the slice positions");
    } else {
        r.sliceSpacing = r.sliceThickness > 0 ? r.sliceThickness : 1.0;
        r.minSliceGap = r.maxSliceGap = 0.0;
    }
    if (r.statedGantryTiltDegrees && std::abs(std::abs(*r.statedGantryTiltDegrees) - r.gantryTiltDegrees) > 0.5)
        r.warnings.push_back("GantryDetectorTilt (0018,1120) says " + fixed(*r.statedGantryTiltDegrees, 1) +
                             " degrees but the positions show " + fixed(r.gantryTiltDegrees, 1) +
                             "; the positions are used");
    r.needsResampling = r.gantryTiltDegrees > 0.05 || !r.uniformSpacing;
    if (r.needsResampling)
        r.warnings.push_back(
            "resampled to a regular orthogonal grid when loaded (as dcm2niix does for tilted or "
            "unevenly spaced CT)");
    r.loadable = true;
}

void collectFiles(const fs::path& path, std::vector<fs::path>& files, std::vector<SkippedFile>& skipped) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
        if (ec) throw DicomLoadError("cannot read folder " + path.string() + ": " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec) {
                skipped.push_back({it->path(), "cannot read: " + ec.message()});
                ec.clear();
                continue;
            }
            std::error_code e2;
            if (it->is_regular_file(e2)) files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
    } else if (fs::exists(path, ec)) {
        files.push_back(path);
    } else {
        throw DicomLoadError(path.string() + ": no such file or folder");
    }
}

// Stacks that differ only in slice thickness and cover separate ranges along the normal (a head CT with 4 mm
// slices through the posterior fossa and 7 mm above) form one volume with uneven spacing, as dcm2niix stacks them;
// overlapping ones (two reconstructions of the same range) stay apart.
bool rangesDisjoint(std::map<StackKey, std::vector<SliceHeader>>& stacks, const std::vector<StackKey>& keys,
                    const glm::dvec3& n) {
    std::vector<std::pair<double, double>> ranges;
    for (const auto& k : keys) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto& s : stacks[k]) {
            double d = glm::dot(s.position, n);
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
        ranges.push_back({lo, hi});
    }
    std::sort(ranges.begin(), ranges.end());
    for (std::size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].first <= ranges[i - 1].second + 0.01) return false;
    return true;
}

void mergeThicknessParts(std::map<StackKey, std::vector<SliceHeader>>& stacks) {
    std::map<StackKey, std::vector<StackKey>> byGeometry;
    for (const auto& [key, slices] : stacks) {
        if (!key.hasPosition || key.localizer || !key.multiframeFile.empty()) continue;
        StackKey general = key;
        general.thickness = 0;
        byGeometry[general].push_back(key);
    }
    for (auto& [general, keys] : byGeometry) {
        if (keys.size() < 2) continue;
        const SliceHeader& any = stacks[keys.front()].front();
        const glm::dvec3 n = glm::normalize(glm::cross(any.rowDirection, any.columnDirection));
        if (!rangesDisjoint(stacks, keys, n)) {
            // Images without SliceThickness (a damaged copy of one slice, say) must not keep the parts that state
            // theirs apart: they stay a part of their own and the rest is judged without them.
            std::erase_if(keys, [](const StackKey& k) { return k.thickness == 0; });
            if (keys.size() < 2 || !rangesDisjoint(stacks, keys, n)) continue;
        }
        std::vector<SliceHeader> merged;
        for (const auto& k : keys) {
            auto& part = stacks[k];
            merged.insert(merged.end(), part.begin(), part.end());
            stacks.erase(k);
        }
        stacks[keys.front()] = std::move(merged);
    }
}

// Images without a SeriesInstanceUID are grouped as dcm2niix groups them: by study, series number, orientation and
// geometry (matrix, pixel spacing), and also by modality, description and reconstruction kernel, so that two
// reconstructions of one acquisition stay apart. The id is derived from these values, so it is the same on every scan
// of the folder and a case file can name it.
std::string groupIdWithoutSeriesUid(const FileHeader& h) {
    const SliceHeader& s = h.images.front();
    std::string key = h.studyInstanceUid + '|' + (h.hasSeriesNumber ? std::to_string(h.seriesNumber) : "-") + '|' +
                      h.modality + '|' + h.description + '|' + h.convolutionKernel + '|' + std::to_string(s.rows) +
                      'x' + std::to_string(s.columns) + '|' + (s.localizer ? "L" : "");
    char buf[32];
    for (double v : {s.rowDirection.x, s.rowDirection.y, s.rowDirection.z, s.columnDirection.x, s.columnDirection.y,
                     s.columnDirection.z, s.pixelSpacing.x, s.pixelSpacing.y}) {
        std::snprintf(buf, sizeof buf, "|%.3f", v + 0.0);  // + 0.0: -0.000 and 0.000 are one orientation
        key += buf;
    }
    std::uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across runs and machines
    for (unsigned char c : key) hash = (hash ^ c) * 1099511628211ull;
    std::snprintf(buf, sizeof buf, "%08x", unsigned(hash ^ (hash >> 32)));
    return "nouid-" + (h.hasSeriesNumber ? std::to_string(h.seriesNumber) : std::string("x")) + "-" + buf;
}

// The plain-words warning for a series grouped without a SeriesInstanceUID: what was missing and what stood in.
std::string groupedWithoutUidWarning(const FileHeader& h, std::size_t files) {
    std::string missing = "SeriesInstanceUID (0020,000E)";
    if (h.studyInstanceUid.empty()) missing += ", StudyInstanceUID (0020,000D)";
    if (!h.hasSeriesNumber) missing += ", SeriesNumber (0020,0011)";
    return std::to_string(files) + " file(s) without " + missing + ": grouped into one series by " +
           (h.studyInstanceUid.empty() ? std::string("") : "study, ") +
           (h.hasSeriesNumber ? "series number " + std::to_string(h.seriesNumber) + ", " : std::string("")) +
           "orientation, matrix, pixel spacing, description and kernel (as dcm2niix does); the id is made from them";
}

std::string imageName(const SliceHeader& s) {
    std::string out = s.file.string();
    if (s.frameCount > 1) out += " (frame " + std::to_string(s.frame + 1) + ")";
    return out;
}

// Images whose ImagePositionPatient lies far from the rest of their stack (a damaged header: 30 m off, or 1e308)
// would stretch the volume over metres of empty space; they are left out, each named in the skipped files.
// Returns the warning for the series, or empty.
std::string leaveOutDistantImages(std::vector<SliceHeader>& slices, std::vector<SkippedFile>& skipped) {
    if (slices.empty() || !slices.front().hasPosition) return {};
    constexpr double kBeyondAnyScanner = 1e5;  // mm from the scanner's origin
    std::vector<bool> out(slices.size(), false);
    std::vector<std::string> reasons(slices.size());
    auto fmtPos = [](const glm::dvec3& p) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "(%.6g, %.6g, %.6g)", p.x, p.y, p.z);
        return std::string(buf);
    };
    for (std::size_t i = 0; i < slices.size(); ++i) {
        const glm::dvec3& p = slices[i].position;
        if (!(std::abs(p.x) < kBeyondAnyScanner && std::abs(p.y) < kBeyondAnyScanner &&
              std::abs(p.z) < kBeyondAnyScanner)) {
            out[i] = true;
            reasons[i] =
                "ImagePositionPatient " + fmtPos(p) + " mm is not a place inside a scanner; left out of the volume";
        }
    }
    // Sideways: a stack drifts in-plane only as far as its gantry tilt makes it (under 2 mm per mm along the
    // normal even at 60 degrees); an image far off that line is out.
    const glm::dvec3 r = slices.front().rowDirection, c = slices.front().columnDirection;
    const glm::dvec3 n = glm::normalize(glm::cross(r, c));
    auto median = [](std::vector<double> v) {
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    std::vector<double> along, across1, across2;
    for (std::size_t i = 0; i < slices.size(); ++i) {
        if (out[i]) continue;
        along.push_back(glm::dot(slices[i].position, n));
        across1.push_back(glm::dot(slices[i].position, r));
        across2.push_back(glm::dot(slices[i].position, c));
    }
    if (along.size() >= 3) {
        const double d0 = median(along), x0 = median(across1), y0 = median(across2);
        for (std::size_t i = 0; i < slices.size(); ++i) {
            if (out[i]) continue;
            const glm::dvec3& p = slices[i].position;
            const double sideways = std::hypot(glm::dot(p, r) - x0, glm::dot(p, c) - y0);
            if (sideways > 300.0 + 2.0 * std::abs(glm::dot(p, n) - d0)) {
                out[i] = true;
                reasons[i] = "ImagePositionPatient " + fmtPos(p) + " lies " + fixed(sideways / 1000.0, 1) +
                             " m sideways of the rest of its series; left out of the volume";
            }
        }
    }
    // Along the normal: runs of images separated by a jump far larger than the usual gap; the largest run stays.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < slices.size(); ++i)
        if (!out[i]) order.push_back(i);
    auto depth = [&](std::size_t i) { return glm::dot(slices[i].position, n); };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return depth(a) < depth(b); });
    if (order.size() >= 3) {
        std::vector<double> steps, real;
        for (std::size_t k = 1; k < order.size(); ++k) steps.push_back(depth(order[k]) - depth(order[k - 1]));
        for (double d : steps)
            if (d > 0.01) real.push_back(d);
        const double usual = real.empty() ? 0.0 : median(real);
        const double jump = std::max(200.0, 20.0 * usual);
        std::vector<std::pair<std::size_t, std::size_t>> runs{{0, 1}};  // [first, end) in `order`
        for (std::size_t k = 1; k < order.size(); ++k) {
            if (steps[k - 1] > jump) runs.push_back({k, k});
            runs.back().second = k + 1;
        }
        if (runs.size() > 1) {
            auto keep = std::max_element(runs.begin(), runs.end(), [](const auto& a, const auto& b) {
                return a.second - a.first < b.second - b.first;
            });
            const double centre = depth(order[(keep->first + keep->second) / 2]);
            for (const auto& run : runs) {
                if (&run == &*keep) continue;
                for (std::size_t k = run.first; k < run.second; ++k) {
                    out[order[k]] = true;
                    reasons[order[k]] = "ImagePositionPatient " + fmtPos(slices[order[k]].position) + " lies " +
                                        fixed(std::abs(depth(order[k]) - centre) / 1000.0, 1) +
                                        " m along the slice normal from the rest of its series; left out of the volume";
                }
            }
        }
    }
    std::vector<SliceHeader> kept;
    int left = 0;
    for (std::size_t i = 0; i < slices.size(); ++i) {
        if (!out[i]) {
            kept.push_back(std::move(slices[i]));
            continue;
        }
        skipped.push_back({slices[i].file, (slices[i].frameCount > 1 ? imageName(slices[i]) + ": " : "") + reasons[i]});
        ++left;
    }
    if (kept.empty()) {  // nothing sensible to keep: leave the stack as it was, makePlan refuses it with a reason
        for (int i = 0; i < left; ++i) skipped.pop_back();
        return {};
    }
    slices = std::move(kept);
    if (left == 0) return {};
    return std::to_string(left) +
           " image(s) left out: their position lies far from the rest of the series "
           "(each is listed with the skipped files)";
}

}  // namespace

ScanReport scanDicom(const fs::path& path, const ProgressCallback& progress) {
    ScanReport report;
    report.input = path;
    std::vector<fs::path> files;
    collectFiles(path, files, report.skipped);

    auto readAll = [&](const std::vector<fs::path>& list) {
        std::vector<FileHeader> headers(list.size());
        std::atomic<std::size_t> next{0}, done{0};
        auto work = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < list.size();) {
                headers[i] = detail::readFileHeader(list[i]);
                std::size_t d = done.fetch_add(1) + 1;
                if (progress) progress(d, list.size());
            }
        };
        unsigned n = std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 16);
        n = unsigned(std::min<std::size_t>(n, std::max<std::size_t>(list.size(), 1)));
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
        return headers;
    };

    std::vector<FileHeader> headers = readAll(files);
    // A DICOMDIR given directly: read the files it lists. Inside a folder scan its images are found anyway.
    if (headers.size() == 1 && headers[0].isDicomdir) {
        auto listed = headers[0].dicomdirFiles;
        if (listed.empty()) throw DicomLoadError(path.string() + ": DICOMDIR lists no image files");
        std::vector<fs::path> present;
        for (const auto& f : listed) {
            std::error_code ec;
            if (fs::is_regular_file(f, ec))
                present.push_back(f);
            else
                report.skipped.push_back({f, "listed in the DICOMDIR but missing"});
        }
        headers = readAll(present);
        files = present;
    }
    report.filesExamined = files.size();

    // SeriesInstanceUID -> stacks that can each form one volume.
    std::map<std::string, std::vector<const FileHeader*>> bySeries;
    std::vector<std::string> seriesOrder;
    std::set<std::string> identifying;
    for (const auto& h : headers) {
        if (!h.skipReason.empty()) {
            if (!(h.isDicomdir && headers.size() > 1)) report.skipped.push_back({h.path, h.skipReason});
            continue;
        }
        const std::string key = h.seriesInstanceUid.empty() ? groupIdWithoutSeriesUid(h) : h.seriesInstanceUid;
        if (!bySeries.count(key)) seriesOrder.push_back(key);
        bySeries[key].push_back(&h);
    }
    for (const auto& uid : seriesOrder) {
        const auto& members = bySeries[uid];
        std::map<StackKey, std::vector<SliceHeader>> stacks;
        std::set<std::string> seriesIdentifying;
        std::optional<double> statedTilt;
        for (const FileHeader* h : members) {
            for (const auto& img : h->images) stacks[keyOf(img)].push_back(img);
            seriesIdentifying.insert(h->identifying.begin(), h->identifying.end());
            if (h->statedGantryTilt) statedTilt = h->statedGantryTilt;
        }
        std::vector<std::string> leftOut;
        for (auto& [key, slices] : stacks)
            if (auto w = leaveOutDistantImages(slices, report.skipped); !w.empty()) leftOut.push_back(w);
        mergeThicknessParts(stacks);
        std::vector<std::pair<StackKey, std::vector<SliceHeader>>> parts(stacks.begin(), stacks.end());
        // The main part: most images, non-localizers first.
        std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
            if (a.first.localizer != b.first.localizer) return !a.first.localizer;
            return a.second.size() > b.second.size();
        });
        const FileHeader& any = *members.front();
        for (std::size_t p = 0; p < parts.size(); ++p) {
            SeriesReport r;
            r.seriesInstanceUid = members.front()->seriesInstanceUid;  // empty for a group made without one
            r.id = p == 0 ? uid : uid + "#" + std::to_string(p + 1);
            r.studyInstanceUid = any.studyInstanceUid;
            r.description = any.description;
            r.modality = any.modality;
            r.seriesNumber = any.seriesNumber;
            r.statedGantryTiltDegrees = statedTilt;
            r.slices = std::move(parts[p].second);
            const std::string sop = r.slices.front().sopClassUid;
            r.isCt = r.modality == "CT" ||
                     (r.modality.empty() && (sop == UID_CTImageStorage || sop == UID_EnhancedCTImageStorage));
            if (p > 0) r.splitReason = differenceFrom(parts[0].first, parts[p].first);
            if (parts.size() > 1)
                r.warnings.push_back(p == 0 ? "this DICOM series also holds " + std::to_string(parts.size() - 1) +
                                                  " part(s) that cannot join this volume; listed separately"
                                            : "split from series " + uid + ": " + r.splitReason);
            if (r.seriesInstanceUid.empty()) r.warnings.push_back(groupedWithoutUidWarning(any, members.size()));
            r.identifyingAttributes.assign(seriesIdentifying.begin(), seriesIdentifying.end());
            if (p == 0) r.warnings.insert(r.warnings.end(), leftOut.begin(), leftOut.end());
            analyse(r);
            report.series.push_back(std::move(r));
        }
        identifying.insert(seriesIdentifying.begin(), seriesIdentifying.end());
    }
    report.identifyingAttributes.assign(identifying.begin(), identifying.end());
    return report;
}

std::string seriesKey(const SeriesReport& series) {
    if (!series.seriesInstanceUid.empty()) return series.seriesInstanceUid;
    return series.id.substr(0, series.id.find('#'));
}

const SeriesReport& chooseCtSeries(const ScanReport& scan, const std::string& uid) {
    auto describe = [&] {
        return std::to_string(scan.filesExamined) + " file(s) examined, " + std::to_string(scan.series.size()) +
               " series, " + std::to_string(scan.skipped.size()) + " skipped";
    };
    if (!uid.empty()) {
        const SeriesReport* best = nullptr;
        for (const auto& s : scan.series) {
            if (s.id == uid) return s;  // exact part asked for
            if (seriesKey(s) == uid && s.loadable && (!best || s.imageCount > best->imageCount)) best = &s;
        }
        if (best) return *best;
        for (const auto& s : scan.series)
            if (seriesKey(s) == uid)
                throw SeriesNotLoadableError("series " + uid + " in " + scan.input.string() +
                                             " cannot be loaded as a volume: " + s.notLoadableReason);
        throw SeriesNotFoundError("no series " + uid + " in " + scan.input.string() + " (" + describe() +
                                  "); 'polysim info' lists the series");
    }
    const SeriesReport* best = nullptr;
    auto better = [](const SeriesReport& a, const SeriesReport* b) {
        if (!b) return true;
        bool aAxial = a.orientation == "axial", bAxial = b->orientation == "axial";
        if (aAxial != bAxial) return aAxial;
        return a.imageCount - a.duplicatePositions > b->imageCount - b->duplicatePositions;
    };
    for (const auto& s : scan.series)
        if (s.isCt && s.loadable && better(s, best)) best = &s;
    if (!best) {
        std::string why = "no CT series in " + scan.input.string() + " (" + describe() + ")";
        if (!scan.skipped.empty())
            why += "; first skipped: " + scan.skipped.front().path.string() + ": " + scan.skipped.front().reason;
        throw NoCtSeriesError(why);
    }
    return *best;
}

}  // namespace polysim::imaging

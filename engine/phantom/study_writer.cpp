// Writes the phantom as a DICOM CT study (one file per slice, explicit VR little endian, int16) with UIDs derived from
// the options, and keeps generated studies in the user cache so the app generates each case only once.
#include <signal.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "imaging/segmentation.h"
#include "phantom/model.h"

namespace polysim::phantom {
namespace fs = std::filesystem;

namespace {

constexpr const char* kGeneratorVersion = "polysim-phantom-15";

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string canonicalOptions(const PhantomOptions& o) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s|seed=%llu|matrix=%d|slice=%.6g|fov=%.6g|", kGeneratorVersion,
                  static_cast<unsigned long long>(o.seed), o.matrix, o.sliceMm, o.fieldOfViewMm);
    std::string s = buf;
    for (const auto& id : detail::canonicalInjuries(o)) s += id + ",";
    s += "|";
    for (auto k : studySeries(o)) s += std::string(seriesKindName(k)) + ",";
    // Only a study with devices says so: the studies without keep their folders and UIDs.
    if (const auto devices = detail::devicesOf(o); !devices.empty()) {
        s += "|devices=";
        for (const auto& d : devices) s += d + ",";
    }
    if (!o.sex.empty()) s += "|sex=" + o.sex;
    if (o.ageYears > 0) s += "|age=" + std::to_string(o.ageYears);
    return s;
}

// "2.25." followed by a 128-bit number from the options and the purpose: the same options give the same UIDs.
std::string uid(const std::string& canonical, const std::string& purpose) {
    const std::uint64_t hi = detail::mix64(fnv1a(canonical + "#" + purpose)),
                        lo = detail::mix64(fnv1a(purpose + "@" + canonical, 0x84222325cbf29ce4ULL));
    unsigned __int128 v = (static_cast<unsigned __int128>(hi) << 64) | lo;
    v >>= 1;  // keep well under 2^128 - 1
    std::string digits;
    do {
        digits.insert(digits.begin(), char('0' + int(v % 10)));
        v /= 10;
    } while (v != 0);
    return "2.25." + digits;
}

std::string ds(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.8g", std::abs(v) < 5e-9 ? 0.0 : v);
    return buf;
}
std::string ds3(const glm::dvec3& v) {
    return ds(v.x) + "\\" + ds(v.y) + "\\" + ds(v.z);
}

struct SeriesText {
    const char* description;
    const char* bodyPart;
    const char* kernel;
    const char* window;  // centre\width
    const char* contrast;
};
SeriesText seriesText(SeriesKind k) {
    switch (k) {
        case SeriesKind::Scout:
            return {"Topogram AP", "WHOLEBODY", "T20f", "600\\2400", ""};
        case SeriesKind::Head:
            return {"Head non-contrast", "HEAD", "H31s", "40\\80", ""};
        case SeriesKind::NonContrast:
            return {"Body non-contrast", "WHOLEBODY", "B31f", "40\\400", ""};
        case SeriesKind::Arterial:
            return {"Whole body arterial phase", "WHOLEBODY", "B31f", "40\\400", "Iodinated contrast"};
        case SeriesKind::PortalVenous:
            return {"Abdomen pelvis portal venous phase", "ABDOMEN", "B31f", "60\\400", "Iodinated contrast"};
    }
    return {"", "", "", "", ""};
}

void check(const OFCondition& c, const fs::path& file) {
    if (c.bad()) throw PhantomError(file.string() + ": cannot write DICOM: " + c.text());
}

struct StudyIds {
    std::string canonical, study, frame, patientId;
    std::string sex, age;  // the patient's, as DICOM writes them ("F", "025Y")
};

// One image of a series: slice k of the volume.
void writeImage(const imaging::Volume& vol, int k, SeriesKind kind, int seriesNumber, const std::string& seriesUid,
                const StudyIds& ids, const fs::path& file) {
    const auto& g = vol.geometry();
    const int nz = g.dims.z;
    const int instance = nz - k;  // instance 1 is the most superior image, as scanners number a head-first scan
    const SeriesText t = seriesText(kind);
    DcmFileFormat ff;
    DcmDataset* d = ff.getDataset();
    auto put = [&](const DcmTagKey& tag, const std::string& v) { check(d->putAndInsertString(tag, v.c_str()), file); };
    auto put16 = [&](const DcmTagKey& tag, Uint16 v) { check(d->putAndInsertUint16(tag, v), file); };
    put(DCM_SpecificCharacterSet, "ISO_IR 100");
    put(DCM_ImageType, kind == SeriesKind::Scout ? "ORIGINAL\\PRIMARY\\LOCALIZER" : "ORIGINAL\\PRIMARY\\AXIAL");
    put(DCM_SOPClassUID, UID_CTImageStorage);
    put(DCM_SOPInstanceUID,
        uid(ids.canonical, "image/" + std::to_string(seriesNumber) + "/" + std::to_string(instance)));
    put(DCM_StudyDate, "20000101");
    put(DCM_SeriesDate, "20000101");
    put(DCM_ContentDate, "20000101");
    put(DCM_StudyTime, "120000");
    put(DCM_SeriesTime, "12" + std::string(seriesNumber < 10 ? "0" : "") + std::to_string(seriesNumber) + "00");
    put(DCM_ContentTime, "120000");
    put(DCM_AccessionNumber, "");
    put(DCM_Modality, "CT");
    put(DCM_Manufacturer, "polysim synthetic phantom");
    put(DCM_ReferringPhysicianName, "");
    put(DCM_StudyDescription, "Polytrauma whole-body CT (synthetic)");
    put(DCM_SeriesDescription, t.description);
    put(DCM_PatientName, "POLYSIM^PHANTOM");
    put(DCM_PatientID, ids.patientId);
    put(DCM_PatientBirthDate, "");
    put(DCM_PatientSex, ids.sex);
    put(DCM_PatientAge, ids.age);
    put(DCM_BodyPartExamined, t.bodyPart);
    if (*t.contrast) put(DCM_ContrastBolusAgent, t.contrast);
    put(DCM_SliceThickness, ds(kind == SeriesKind::Scout ? 1.0 : g.spacing.z));
    put(DCM_KVP, "120");
    put(DCM_ConvolutionKernel, t.kernel);
    put(DCM_PatientPosition, "HFS");
    put(DCM_StudyInstanceUID, ids.study);
    put(DCM_SeriesInstanceUID, seriesUid);
    put(DCM_StudyID, "1");
    put(DCM_SeriesNumber, std::to_string(seriesNumber));
    put(DCM_AcquisitionNumber, "1");
    put(DCM_InstanceNumber, std::to_string(instance));
    const glm::dvec3 pos = g.indexToPatient(glm::dvec3(0, 0, k));
    put(DCM_ImagePositionPatient, ds3(pos));
    put(DCM_ImageOrientationPatient, ds3(g.direction[0]) + "\\" + ds3(g.direction[1]));
    put(DCM_FrameOfReferenceUID, ids.frame);
    put(DCM_PositionReferenceIndicator, "");
    if (kind != SeriesKind::Scout) put(DCM_SliceLocation, ds(pos.z));
    put16(DCM_SamplesPerPixel, 1);
    put(DCM_PhotometricInterpretation, "MONOCHROME2");
    put16(DCM_Rows, Uint16(g.dims.y));
    put16(DCM_Columns, Uint16(g.dims.x));
    put(DCM_PixelSpacing, ds(g.spacing.y) + "\\" + ds(g.spacing.x));  // row spacing first
    put16(DCM_BitsAllocated, 16);
    put16(DCM_BitsStored, 16);
    put16(DCM_HighBit, 15);
    put16(DCM_PixelRepresentation, 1);
    const std::string window = t.window;
    put(DCM_WindowCenter, window.substr(0, window.find('\\')));
    put(DCM_WindowWidth, window.substr(window.find('\\') + 1));
    put(DCM_RescaleIntercept, "-1024");
    put(DCM_RescaleSlope, "1");
    put(DCM_RescaleType, "HU");
    // Stored value = HU + 1024 (a common scanner convention; the loader must apply the rescale).
    const std::size_t n = g.sliceVoxelCount();
    std::vector<Uint16> px(n);
    const int16_t* src = vol.slice(k);
    for (std::size_t i = 0; i < n; ++i) px[i] = Uint16(int16_t(src[i] + 1024));
    check(d->putAndInsertUint16Array(DCM_PixelData, px.data(), unsigned(n)), file);
    check(ff.saveFile(file.c_str(), EXS_LittleEndianExplicit), file);
}

// Relative cost of each series for progress reporting (voxels to generate, roughly).
double cost(const PhantomOptions& o, SeriesKind k) {
    const auto g = seriesGeometry(o, k);
    const double v = double(g.dims.x) * g.dims.y * g.dims.z;
    return k == SeriesKind::Scout ? double(g.dims.x) * 160.0 * g.dims.y : v;  // the scout paints 160 rows deep
}

}  // namespace

std::string optionsHash(const PhantomOptions& o) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(canonicalOptions(o))));
    return buf;
}

std::filesystem::path studySeriesFolder(const std::filesystem::path& study, SeriesKind kind) {
    const std::string suffix = "_" + std::string(seriesKindName(kind));
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(study, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_directory(ec) && name.size() > suffix.size() && name.ends_with(suffix)) return e.path();
    }
    return {};
}

// Where the label maps' numbers for the phantom's own structures start, clear of TotalSegmentator's (1 to 117).
constexpr int kFirstPhantomLabel = 200;

WrittenStudy writeStudy(const PhantomOptions& o, const fs::path& folder, const Progress& progress,
                        const SeriesStarted& started, const fs::path& labelFolder) {
    validate(o);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder))
        throw PhantomError(folder.string() + ": cannot create the study folder (" + ec.message() + ")");
    StudyIds ids;
    ids.canonical = canonicalOptions(o);
    ids.study = uid(ids.canonical, "study");
    ids.frame = uid(ids.canonical, "frame");
    ids.patientId = "POLYSIM-" + optionsHash(o).substr(0, 8);
    {
        const auto h = detail::habitusOf(o);
        char age[8];
        std::snprintf(age, sizeof age, "%03dY", std::clamp(h.age, 0, 999));
        ids.sex = h.female ? "F" : "M";
        ids.age = age;
    }
    WrittenStudy out;
    out.folder = folder;
    out.studyInstanceUid = ids.study;
    const auto series = studySeries(o);
    double total = 0, done = 0;
    for (auto k : series) total += 2 * cost(o, k);
    auto writeSeries = [&](int number, SeriesKind kind, const imaging::Volume& vol) {
        const double c = cost(o, kind);
        const std::string name(seriesKindName(kind));
        char dirName[32];
        std::snprintf(dirName, sizeof dirName, "%02d_%s", number, name.c_str());
        const fs::path dir = folder / dirName;
        fs::create_directories(dir, ec);
        if (ec) throw PhantomError(dir.string() + ": cannot create the series folder (" + ec.message() + ")");
        const std::string seriesUid = uid(ids.canonical, "series/" + std::to_string(number));
        out.seriesInstanceUids.push_back(seriesUid);
        const int nz = vol.dims().z;
        std::atomic<int> next{0}, written{0};
        std::string error;
        std::mutex errorMutex;
        auto work = [&](bool reporter) {
            for (int k; (k = next.fetch_add(1)) < nz;) {
                char fileName[32];
                std::snprintf(fileName, sizeof fileName, "IM%05d.dcm", nz - k);
                try {
                    writeImage(vol, k, kind, number, seriesUid, ids, dir / fileName);
                } catch (const std::exception& e) {
                    std::lock_guard lock(errorMutex);
                    if (error.empty()) error = e.what();
                    next = nz;
                }
                const int w = written.fetch_add(1) + 1;
                if (reporter && progress) progress((done + c * w / nz) / total, "writing " + name);
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < std::max(1u, std::thread::hardware_concurrency()); ++t) pool.emplace_back(work, false);
        std::exception_ptr stopped;  // the progress callback stopping the work
        try {
            work(true);
        } catch (...) {
            stopped = std::current_exception();
            next = nz;
        }
        for (auto& t : pool) t.join();
        if (stopped) std::rethrow_exception(stopped);
        if (!error.empty()) throw PhantomError(error);
        done += c;
        out.fileCount += std::size_t(nz);
    };
    // Someone watching the series as they are made (the reading room) holds them anyway and waits for the next one:
    // then every series is made first, in order, and the files are written after the last. Otherwise each series is
    // written as soon as it is made, so only one is in memory at a time.
    std::vector<std::pair<SeriesKind, std::shared_ptr<const imaging::Volume>>> toWrite;
    // The study's one numbering of the label maps' structures.
    std::map<std::string, int> labelOf;
    for (const auto& [label, name] : imaging::totalSegmentatorNames()) labelOf[name] = label;
    std::map<int, std::string> studyNames;
    int nextLabel = kFirstPhantomLabel;
    auto writeLabels = [&](int number, SeriesKind kind, imaging::LabelMap& map) {
        std::vector<std::uint16_t> renumber(map.names.empty() ? 1 : std::size_t(map.names.rbegin()->first) + 1, 0);
        for (const auto& [local, name] : map.names) {
            auto [it, added] = labelOf.try_emplace(name, nextLabel);
            if (added) ++nextLabel;
            renumber[std::size_t(local)] = std::uint16_t(it->second);
        }
        std::map<int, std::string> names;
        for (auto& v : map.labels)
            if (v != 0) v = renumber[v];
        for (const auto& [local, name] : map.names) names[renumber[std::size_t(local)]] = name;
        map.names = names;
        studyNames.insert(names.begin(), names.end());
        fs::create_directories(labelFolder, ec);
        if (ec) throw PhantomError(labelFolder.string() + ": cannot create the label folder (" + ec.message() + ")");
        char fileName[48];
        std::snprintf(fileName, sizeof fileName, "%02d_%s.nii.gz", number, std::string(seriesKindName(kind)).c_str());
        try {
            imaging::writeNiftiLabels(map, labelFolder / fileName);
        } catch (const imaging::SegmentationError& e) {
            throw PhantomError(e.what());
        }
        out.labelMaps.push_back(labelFolder / fileName);
    };
    int number = 0;
    for (auto kind : series) {
        ++number;
        const double c = cost(o, kind);
        auto vol = std::make_shared<imaging::Volume>(seriesGeometry(o, kind));
        const bool oneImage = vol->dims().z == 1;  // shown as it grows, then complete
        if (started && !oneImage) started(kind, vol, false);
        PartialImage partial;
        if (started && oneImage)
            partial = [&](std::shared_ptr<const imaging::Volume> soFar) { started(kind, soFar, true); };
        imaging::LabelMap labels;
        const bool withLabels = !labelFolder.empty() && kind != SeriesKind::Scout;
        generateSeriesInto(
            o, kind, *vol,
            [&](double f, std::string_view stage) {
                if (progress) progress((done + f * c) / total, std::string("generating ") + std::string(stage));
            },
            partial, withLabels ? &labels : nullptr);
        if (withLabels) writeLabels(number, kind, labels);
        if (started && oneImage) started(kind, vol, false);
        done += c;
        if (started)
            toWrite.emplace_back(kind, std::move(vol));
        else
            writeSeries(number, kind, *vol);
    }
    number = 0;
    for (const auto& [kind, vol] : toWrite) writeSeries(++number, kind, *vol);
    if (!labelFolder.empty()) {
        std::ofstream csv(labelFolder / "labels.csv");
        csv << "label,name\n";
        for (const auto& [label, name] : studyNames) csv << label << "," << name << "\n";
        if (!csv) throw PhantomError((labelFolder / "labels.csv").string() + ": cannot be written");
    }
    if (progress) progress(1.0, "done");
    return out;
}

namespace {
// Partial folders (phantom-<hash>.partial-<pid>) of generations whose process no longer exists: killed or crashed
// mid-way, never completed, never to be reused.
void removeStalePartials(const fs::path& root) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const std::string name = e.path().filename().string();
        const auto at = name.find(".partial-");
        if (!name.starts_with("phantom-") || at == std::string::npos) continue;
        const std::string digits = name.substr(at + 9);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
        const long pid = std::stol(digits);
        if (pid <= 0 || pid == long(::getpid())) continue;
        if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
    }
}
}  // namespace

fs::path cacheRoot() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "polysim";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "polysim";
    return fs::temp_directory_path() / "polysim-cache";
}

fs::path ensureCachedStudy(const PhantomOptions& o, const Progress& progress, const SeriesStarted& started) {
    validate(o);
    const fs::path root = cacheRoot();
    const fs::path final = root / ("phantom-" + optionsHash(o));
    if (fs::is_directory(final) && fs::exists(final / "findings.json")) return final;
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) throw PhantomError(root.string() + ": cannot create the cache folder (" + ec.message() + ")");
    removeStalePartials(root);
    // A private temporary folder renamed at the end: an interrupted generation is never mistaken for a study.
    const fs::path tmp = root / ("phantom-" + optionsHash(o) + ".partial-" + std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    try {
        writeStudy(o, tmp, progress, started);
        std::ofstream f(tmp / "findings.json");
        f << findingsJson(groundTruth(o));
        if (!f) throw PhantomError((tmp / "findings.json").string() + ": cannot write");
    } catch (...) {
        fs::remove_all(tmp, ec);  // stopped or failed: nothing half-written stays in the cache
        throw;
    }
    fs::rename(tmp, final, ec);
    if (ec) {
        // Another process finished the same study first; use theirs.
        fs::remove_all(tmp);
        if (!fs::exists(final / "findings.json"))
            throw PhantomError(final.string() + ": cannot move the generated study into place (" + ec.message() + ")");
    }
    return final;
}

}  // namespace polysim::phantom

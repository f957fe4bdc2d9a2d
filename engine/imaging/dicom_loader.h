// Turns a folder of DICOM files (or a DICOMDIR, or single files) into CT series reports and a Volume in HU with
// correct patient geometry. Bad files are skipped with a reason; nothing a file contains may crash the loader.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/volume.h"

namespace polysim::imaging {

// Every failure a user can cause with the files they give; the message names the path and what to do.
class DicomLoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// The path holds no loadable CT series at all.
class NoCtSeriesError : public DicomLoadError {
public:
    using DicomLoadError::DicomLoadError;
};
// A series was asked for by UID (or id) and is not there, or is not a loadable CT volume.
class SeriesNotFoundError : public DicomLoadError {
public:
    using DicomLoadError::DicomLoadError;
};
// The series exists but cannot be turned into a volume (e.g. a single localizer, an unsupported transfer syntax).
class SeriesNotLoadableError : public DicomLoadError {
public:
    using DicomLoadError::DicomLoadError;
};

struct SkippedFile {
    std::filesystem::path path;
    std::string reason;  // e.g. "not a DICOM file", "truncated: ...", "no pixel data (Structured Report)"
};

// One image (one file, or one frame of an enhanced multi-frame file) as its header describes it.
struct SliceHeader {
    std::filesystem::path file;
    int frame = 0;       // 0-based frame in a multi-frame object; 0 for single-frame files
    int frameCount = 1;  // frames in that file
    int instanceNumber = 0;
    glm::dvec3 position{0.0};          // ImagePositionPatient, LPS mm, centre of the first pixel
    glm::dvec3 rowDirection{1, 0, 0};  // direction of increasing column index (along a row)
    glm::dvec3 columnDirection{0, 1, 0};
    glm::dvec2 pixelSpacing{1.0, 1.0};  // x = between columns, y = between rows (DICOM stores row spacing first)
    double sliceThickness = 0.0;
    int rows = 0, columns = 0;
    int bitsAllocated = 16, bitsStored = 16;
    bool pixelSigned = false;  // PixelRepresentation 1
    int samplesPerPixel = 1;
    std::string photometric;
    double rescaleSlope = 1.0, rescaleIntercept = 0.0;
    std::optional<int32_t> paddingValue;  // PixelPaddingValue in stored units
    std::string transferSyntaxUid;
    std::string sopClassUid;
    bool localizer = false;    // ImageType contains LOCALIZER (scout / topogram)
    bool hasPosition = false;  // ImagePositionPatient and ImageOrientationPatient present
    // Where native (uncompressed) pixel data lies in the file, found while scanning; 0 when unknown or encapsulated.
    // The decoder then reads a frame with one pread instead of parsing the file again.
    std::uint64_t pixelDataOffset = 0, pixelDataLength = 0;
};

struct HuStatistics {
    bool measured = false;  // false until the pixels have been decoded
    int16_t min = 0, max = 0;
    double mean = 0.0;
};

// What `polysim info` prints for one series. A DICOM series that cannot form one volume is split into several
// reports sharing the SeriesInstanceUID; `id` stays unique ("UID", or "UID#2", "UID#3" for the splits).
struct SeriesReport {
    std::string id;
    std::string seriesInstanceUid;
    std::string studyInstanceUid;
    std::string description;
    std::string modality;
    int seriesNumber = 0;
    std::string splitReason;       // why this part was split from the rest of its DICOM series, if it was
    int imageCount = 0;            // images (files or frames) in this part
    glm::ivec2 matrix{0, 0};       // columns, rows
    glm::dvec2 pixelSpacing{0.0};  // mm between columns, between rows
    double sliceThickness = 0.0;   // as stated in the headers
    double sliceSpacing = 0.0;     // median distance between positions, measured along the slice normal
    double minSliceGap = 0.0, maxSliceGap = 0.0;
    glm::dvec3 rowDirection{1, 0, 0}, columnDirection{0, 1, 0}, normal{0, 0, 1};
    std::string orientation;                        // "axial", "coronal", "sagittal", "oblique" (from the normal)
    glm::dvec3 origin{0.0};                         // LPS mm of the first pixel of the first slice after sorting
    double gantryTiltDegrees = 0.0;                 // measured from the positions, not from (0018,1120)
    std::optional<double> statedGantryTiltDegrees;  // (0018,1120) when present, for comparison only
    bool uniformSpacing = true;
    int missingSlices = 0;       // estimated from gaps that are multiples of the usual spacing
    int duplicatePositions = 0;  // images sharing a position with another one
    bool localizer = false;
    bool multiframe = false;
    bool isCt = false;
    bool loadable = false;  // can become a Volume
    std::string notLoadableReason;
    bool needsResampling = false;               // tilted or unevenly spaced: loaded onto a regular orthogonal grid
    std::vector<std::string> transferSyntaxes;  // readable names, e.g. "RLE Lossless"
    HuStatistics hu;
    std::vector<std::string> warnings;               // plain words, as a radiographer would understand them
    std::vector<std::string> identifyingAttributes;  // names of identifying attributes present and non-empty
    std::vector<SliceHeader> slices;                 // sorted along the normal (ascending), duplicates included
};

struct ScanReport {
    std::filesystem::path input;
    std::size_t filesExamined = 0;
    std::vector<SeriesReport> series;
    std::vector<SkippedFile> skipped;
    std::vector<std::string> identifyingAttributes;  // union over all series
};

// files done, files total
using ProgressCallback = std::function<void(std::size_t done, std::size_t total)>;

struct LoadOptions {
    unsigned threads = 0;           // decoding threads; 0 = one per core
    ProgressCallback progress;      // called from worker threads (keep it cheap, make it thread-safe)
    bool computeStatistics = true;  // HU min/max/mean of the loaded volume into the report
};

// Reads every header under `path` (recursively for a folder; the referenced files for a DICOMDIR) and groups them
// into series. Never throws for bad files (they go to `skipped`); throws DicomLoadError only when the path itself
// does not exist or cannot be read.
ScanReport scanDicom(const std::filesystem::path& path, const ProgressCallback& progress = {});

// What names a whole DICOM series (all its parts): its SeriesInstanceUID, or for images that carry none, the id the
// scan derived from their study, series number, orientation and geometry ("nouid-3-1a2b3c4d").
std::string seriesKey(const SeriesReport& series);

// Chooses the series to load: by id or SeriesInstanceUID (or seriesKey) if given, else the largest axial CT series that
// is not a localizer (falling back to the largest other CT volume). Throws NoCtSeriesError / SeriesNotFoundError.
const SeriesReport& chooseCtSeries(const ScanReport& scan, const std::string& seriesInstanceUid = {});

struct LoadReport {
    SeriesReport series;               // the chosen series; hu filled in when computed
    std::vector<SkippedFile> skipped;  // files skipped while scanning or decoding
    bool resampled = false;
    std::string resampling;             // how the grid was made, in words, when resampled
    std::vector<std::string> warnings;  // series warnings plus anything found while decoding
};

// Loads one CT series as a Volume (blocking; decodes on all cores). Throws a DicomLoadError subclass when impossible.
std::shared_ptr<Volume> loadCtVolume(const std::filesystem::path& path, const std::string& seriesInstanceUid = {},
                                     const LoadOptions& options = {}, LoadReport* report = nullptr);
// Same, from a scan already made (avoids reading the headers twice).
std::shared_ptr<Volume> loadCtVolume(const ScanReport& scan, const std::string& seriesInstanceUid = {},
                                     const LoadOptions& options = {}, LoadReport* report = nullptr);

// Loads in the background: volume() is available at once (geometry from the headers, voxels air) and slices are
// marked ready with Volume::markSliceReady as they land. Uniform untilted series stream slice by slice; series that
// must be resampled become ready all at once at the end. The destructor cancels and joins.
class StreamingLoad {
public:
    // Scans (or uses `scan`), chooses the series and starts decoding. Throws like loadCtVolume for what can be
    // known from the headers; decoding errors of single files end up in report().skipped.
    static std::unique_ptr<StreamingLoad> start(const std::filesystem::path& path,
                                                const std::string& seriesInstanceUid = {}, LoadOptions options = {});
    static std::unique_ptr<StreamingLoad> start(const ScanReport& scan, const std::string& seriesInstanceUid = {},
                                                LoadOptions options = {});
    ~StreamingLoad();
    StreamingLoad(const StreamingLoad&) = delete;
    StreamingLoad& operator=(const StreamingLoad&) = delete;

    std::shared_ptr<Volume> volume() const;
    std::size_t filesDone() const;
    std::size_t filesTotal() const;
    bool finished() const;
    void wait();
    void cancel();
    // Waits for completion. Rethrows a fatal error (e.g. no slice at all could be decoded).
    const LoadReport& report();

    struct State;  // shared with the workers

private:
    explicit StreamingLoad(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

// A localizer (scout, topogram) as a one-image Volume in HU, placed in the patient by its own header (a coronal AP
// topogram has the normal along P). `uid` picks the series by id or SeriesInstanceUID; without it, the localizer
// series with the most images. A series of several localizer images of one orientation gives its first.
// Throws SeriesNotFoundError when there is no such localizer, SeriesNotLoadableError when it cannot be placed or
// decoded; messages name the path.
std::shared_ptr<Volume> loadLocalizer(const ScanReport& scan, const std::string& uid = {});
std::shared_ptr<Volume> loadLocalizer(const std::filesystem::path& path, const std::string& uid = {});

// Readable name of a transfer syntax UID ("JPEG-LS Lossless" ...), or the UID itself when unknown.
std::string transferSyntaxName(const std::string& uid);

}  // namespace polysim::imaging

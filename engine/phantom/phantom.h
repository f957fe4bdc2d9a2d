// The synthetic polytrauma patient: a procedural whole-body CT (head to mid-thigh) with injuries from a library,
// generated into imaging::Volume in memory and written as a DICOM CT study, plus the ground truth of every injury.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/volume.h"

namespace polysim::imaging {
struct LabelMap;
}

namespace polysim::phantom {

// A user-caused problem with the options (unknown injury id, impossible matrix, unwritable folder...).
struct PhantomError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The series a phantom study holds. Names match scenario::SeriesSpec::kind.
enum class SeriesKind {
    Scout,         // "scout": AP localizer (topogram), one image, its own series
    Head,          // "head": non-contrast head, small field of view
    NonContrast,   // "noncontrast": whole body without contrast
    Arterial,      // "arterial": whole body, late arterial phase
    PortalVenous,  // "portal": abdomen and pelvis, portal venous phase
};
std::string_view seriesKindName(SeriesKind kind);              // "scout", "head", ...
bool parseSeriesKind(std::string_view name, SeriesKind& out);  // accepts the names above

struct PhantomOptions {
    std::uint64_t seed = 1;
    std::vector<std::string> injuries;  // injury ids (or synonyms) from injuryLibrary(); order does not matter
    // What the team put on the patient before the scan, from knownDevices() ("pelvic_binder", "endotracheal_tube");
    // order does not matter.
    std::vector<std::string> devices;
    // The patient the case describes, so that the images show the sex and age its story gives (the pelvic organs,
    // the calcified plaques of age): "male", "female", or empty for the seed's; the age in years (16 to 100), or 0
    // for the seed's. The seed still varies the build and the arms.
    std::string sex;
    int ageYears = 0;
    int matrix = 512;              // columns = rows of every axial series
    double sliceMm = 1.0;          // slice spacing = thickness of the axial series
    double fieldOfViewMm = 500.0;  // body field of view; the head series uses min(250, this)
    // Series written besides the scout and the non-contrast head (a real trauma protocol: arterial body,
    // optionally portal venous abdomen/pelvis).
    std::vector<SeriesKind> phases{SeriesKind::Arterial};
};

// The devices a case may put on the patient: "pelvic_binder" (a belt round the hips at the greater trochanters, its
// buckle over the front) and "endotracheal_tube" (an intubated patient's tube, its tip in the mid trachea; the
// oesophageal and endobronchial intubation injuries bring it, misplaced). A patient the case does not intubate has no
// tube in the images.
const std::vector<std::string>& knownDevices();
// knownDevices() as "pelvic_binder, endotracheal_tube", for messages.
std::string knownDeviceList();

// Throws PhantomError naming the bad value (unknown injury with the list of valid ids, matrix out of 16..1024, ...).
void validate(const PhantomOptions& options);

// ---- the injury library ----

struct InjuryInfo {
    std::string id;                     // "epidural_hematoma"
    std::string label;                  // "Epidural haematoma, right temporoparietal, with midline shift"
    std::vector<std::string> synonyms;  // what a trainee may call it ("EDH", "extradural haematoma", ...)
    int acrCategory = 1;                // 1: minutes, verbal; 2: hours; 3: days
    std::string region;       // airway | chest_lungs | chest_mediastinum | abdomen_pelvis | head | spine | extremities
    std::string description;  // the expert's one-line description
    bool subtle = false;      // a deliberately hard-to-see variant
    // A normal variant the phantom can paint (acrCategory 0): not an injury, so no finding scores it; the trauma
    // lexicon knows it as a mimic, and naming an injury in its place is a false call.
    bool normalVariant = false;
};
const std::vector<InjuryInfo>& injuryLibrary();
// By id or (case-insensitive) synonym; nullptr when unknown.
const InjuryInfo* findInjury(std::string_view idOrSynonym);

// Ground truth for one placed injury (feeds scenario::Finding).
struct Finding {
    std::string id;  // the injury id
    std::string label;
    std::vector<std::string> synonyms;
    int acrCategory = 1;
    std::string region;
    glm::dvec3 centreLps{0.0};  // centre of the lesion itself, patient LPS mm
    glm::dvec3 extentMm{0.0};   // box size around centreLps that holds the lesion
    std::string expertDescription;
    SeriesKind series = SeriesKind::Arterial;  // the series that shows it best
    // Box (LPS mm, min and max corners) outside which the injury changes no voxel of any series. Larger than the
    // lesion box when the injury has remote effects (midline shift, mediastinal shift, collapsed lung).
    glm::dvec3 affectedMinLps{0.0};
    glm::dvec3 affectedMaxLps{0.0};
};
// One finding per injury in options.injuries, in that order. Independent of matrix and slice spacing.
std::vector<Finding> groundTruth(const PhantomOptions& options);
// The findings as JSON (array of objects with the fields above; centre/extent as [x, y, z]).
std::string findingsJson(const std::vector<Finding>& findings);
// The same ground truth as `[[findings]]` blocks of a scenario file (every value explicit).
std::string findingsToml(const std::vector<Finding>& findings);

// ---- anatomy along the body axis ----

// z in LPS mm (superior is +z). The vertex is at z = 0; the body ends at mid-thigh at about z = -1000.
struct ZRange {
    std::string name;    // head, neck, chest, abdomen, pelvis, thighs
    double zFromMm = 0;  // inferior bound
    double zToMm = 0;    // superior bound
};
struct BodyExtent {
    double zBottomMm = -1000.0;   // lowest scanned z (mid-thigh)
    double zTopMm = 0.0;          // vertex
    std::vector<ZRange> regions;  // head, neck, chest, abdomen, pelvis, thighs (may overlap by a few mm)
};
const BodyExtent& bodyExtent();
const ZRange* findZRange(std::string_view name);

// ---- anatomy across the body ----

// What a sweep of reformats must cross to read a part read on them, LPS mm, low to high: left-right (x, for sagittal
// slices) and front-back (y, for coronal slices). "cervical_spine" (C2 to C7) and "thoracolumbar_spine" (T1 to L5):
// the vertebral bodies, pedicles and facets, transverse processes left out; "abdomen_pelvis": the abdominal and
// pelvic cavity from the front to the back of the sacrum, over the abdomen's and pelvis' z range.
struct CrossSpan {
    std::string name;
    double xFromMm = 0, xToMm = 0;
    double yFromMm = 0, yToMm = 0;
};
const CrossSpan* findCrossSpan(std::string_view name);

// ---- generating ----

// fraction 0..1 of the whole job, and what is being done ("arterial: slice 310/1000", "writing arterial").
// A callback may throw to stop the work (a user who leaves): the worker threads stop after their current slice and
// the exception reaches the caller; ensureCachedStudy then removes its partial folder.
using Progress = std::function<void(double fraction, std::string_view stage)>;

// Geometry of one series for these options (axial series: identity direction, i = patient left, j = posterior,
// k = superior; the scout is one coronal image, matrix columns by body-length rows).
imaging::VolumeGeometry seriesGeometry(const PhantomOptions& options, SeriesKind kind);
// The series kinds a study with these options holds, in series-number order: scout, head, then options.phases.
std::vector<SeriesKind> studySeries(const PhantomOptions& options);

// Generates one series in memory, all slices marked ready. Uses every hardware thread. Deterministic:
// the same options give identical voxels on every machine.
std::unique_ptr<imaging::Volume> generateSeries(const PhantomOptions& options, SeriesKind kind,
                                                const Progress& progress = {});
// A one-image series (the scout) as it grows: a new volume holding the rows made so far (the rest air), all marked
// ready.
using PartialImage = std::function<void(std::shared_ptr<const imaging::Volume> soFar)>;
// The same into a volume made with seriesGeometry(options, kind), each slice marked ready as soon as it is made, so a
// viewer holding the volume shows the series as it is generated. Slices are made from the top down, the order a
// head-first scan sends them. The scout is made row by row from the top; `partial` sees it grow.
// With `labels`, the same pass also makes the anatomy's label map on the series' grid: each voxel holds the structure
// painted there, named in labels->names (TotalSegmentator's names where it has the structure, "vertebrae_L1",
// "rib_left_4", "liver"; otherwise names of that form, and tissues outside a named structure by their tissue,
// "subcutaneous_fat"). The numbers are the model's own; writeStudy() gives a study one numbering. Not for the scout.
void generateSeriesInto(const PhantomOptions& options, SeriesKind kind, imaging::Volume& volume,
                        const Progress& progress = {}, const PartialImage& partial = {},
                        imaging::LabelMap* labels = nullptr);
// Called as a series starts being generated, with the volume its slices fill in (from the generating thread), with
// `growing` false. A one-image series (the scout) is shown as it grows instead: called with each partial image
// (`growing` true), then with the complete one.
using SeriesStarted = std::function<void(SeriesKind kind, std::shared_ptr<const imaging::Volume> volume, bool growing)>;

struct WrittenStudy {
    std::filesystem::path folder;
    std::string studyInstanceUid;
    std::vector<std::string> seriesInstanceUids;  // in studySeries() order
    std::size_t fileCount = 0;
    // With label maps: the anatomy of each axial series (<labelFolder>/<number>_<kind>.nii.gz); labels.csv beside
    // them names their labels (TotalSegmentator's `label,name` form).
    std::vector<std::filesystem::path> labelMaps;
};
// Writes the study as DICOM CT Image Storage files (explicit VR little endian, int16, one file per slice) in
// folder/<series-number>_<kind>/IM<nnnnn>.dcm. UIDs derive from the options, so the same options give
// byte-identical files. Throws PhantomError when the folder cannot be written.
// `started` sees each series' volume as its generation starts.
// With a `labelFolder`, each axial series' anatomy is written there as a NIfTI label map (see WrittenStudy), apart
// from the DICOM files so that DICOM readers of the study meet DICOM only. One numbering for the whole study:
// TotalSegmentator v2's label numbers for the structures it has (5 liver, 31 vertebrae_L1), then the phantom's other
// structures from 200 in the order the series first paint them.
WrittenStudy writeStudy(const PhantomOptions& options, const std::filesystem::path& folder,
                        const Progress& progress = {}, const SeriesStarted& started = {},
                        const std::filesystem::path& labelFolder = {});
// The folder a written study holds the series of this kind in (<number>_<kind>/); empty when it has none.
std::filesystem::path studySeriesFolder(const std::filesystem::path& study, SeriesKind kind);

// Short hex hash of everything that changes the pixels (and the generator version).
std::string optionsHash(const PhantomOptions& options);
// The user cache folder: $XDG_CACHE_HOME/polysim or ~/.cache/polysim.
std::filesystem::path cacheRoot();
// Generates the study into cacheRoot()/phantom-<optionsHash>/ once (via a temporary folder renamed at the end, so
// an interrupted generation is never reused) and returns that folder; later calls return it at once. Before
// generating, the temporary folders of processes that no longer exist are removed.
// While generating, `started` sees each series' volume as its generation starts (not called when the study is cached).
std::filesystem::path ensureCachedStudy(const PhantomOptions& options, const Progress& progress = {},
                                        const SeriesStarted& started = {});

}  // namespace polysim::phantom

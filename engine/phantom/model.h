// Internal: the phantom as an ordered list of painted layers for one series (phase), and the geometry of each
// injury shared by the painter and the ground truth so that the findings always match the pixels.
#pragma once

#include <map>
#include <set>
#include <string>

#include "phantom/phantom.h"
#include "phantom/shapes.h"

namespace polysim::phantom::detail {

enum class Contrast { None, Arterial, Portal };

// What makes one patient differ from the next (from the seed), around fixed organ positions so that injuries and
// findings sit in the same place for every seed: the thickness of subcutaneous fat, sex (prostate or uterus and
// ovaries), age (calcified plaques in the aorta and iliac arteries) and whether the arms lie beside the body or are
// raised above the head for the body scan.
struct Habitus {
    double extraFatMm = 0;  // added to the subcutaneous fat of the trunk (-6 = lean .. +28 = obese)
    bool female = false;
    int age = 45;  // years; plaques from about 55
    bool armsUp = false;
};
// Seed 1 is the reference patient (45-year-old man of average build, arms at his sides); other seeds vary.
Habitus habitusOf(std::uint64_t seed);
// The seed's habitus with the sex and age the options give.
Habitus habitusOf(const PhantomOptions& options);

struct Model {
    std::vector<Layer> layers;
    WarpSet brainWarp;        // midline shift from intracranial haematomas
    WarpSet mediastinumWarp;  // shift of the mediastinum by a tension pneumothorax
    Contrast contrast = Contrast::Arterial;
    Habitus habitus;
    std::set<std::string> injuries;          // canonical ids
    std::set<std::string> devices;           // PhantomOptions::devices
    std::map<std::string, ShapePtr> organs;  // shapes the injuries refer to: "cranial_cavity", "liver", "spleen"...
    std::vector<ShapePtr> skin;              // outer outlines of the body (trunk, head and neck, thighs, arms)
    // The structures the layers paint, by Layer::structure (index 0 is none): TotalSegmentator's names where it has
    // the structure ("liver", "vertebrae_L1", "rib_left_4"), otherwise names of the same form; layers outside any
    // named structure are named by their tissue ("subcutaneous_fat").
    std::vector<std::string> structureNames{""};
    std::uint16_t currentStructure = 0;  // the structure add() gives new layers (see StructureScope)
    // The index of a structure's name, added when new.
    std::uint16_t structureId(const std::string& name);
    bool has(const char* id) const { return injuries.count(id) != 0; }
    Model() = default;
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
};

// While alive, every layer added to the model belongs to the named structure (nested scopes: the innermost).
class StructureScope {
public:
    StructureScope(Model& m, const std::string& name) : m_(m), outer_(m.currentStructure) {
        m.currentStructure = m.structureId(name);
    }
    ~StructureScope() { close(); }
    // Ends the scope before the end of its block.
    void close() {
        if (open_) m_.currentStructure = outer_;
        open_ = false;
    }
    StructureScope(const StructureScope&) = delete;
    StructureScope& operator=(const StructureScope&) = delete;

private:
    Model& m_;
    std::uint16_t outer_;
    bool open_ = true;
};

// Appends a painted layer to the model (the anatomy and the injuries paint through this one function).
Layer& add(Model& m, ShapePtr s, float hu, Tissue t, TissueMask onto = kAnyTissue, float tex = 0, double freq = 0.1,
           const WarpSet* warp = nullptr);

// Builds the whole patient for one contrast phase; injuries by canonical id.
std::unique_ptr<Model> buildModel(const std::set<std::string>& injuries, Contrast contrast, const Habitus& habitus = {},
                                  const std::set<std::string>& devices = {});

// Canonical ids of the options' injuries (synonyms resolved); throws PhantomError for unknown ones.
std::set<std::string> canonicalInjuries(const PhantomOptions& options);
// The options' devices as a set; throws PhantomError for a device not in knownDevices().
std::set<std::string> devicesOf(const PhantomOptions& options);

// ---- fixed anatomy landmarks (LPS mm) the injuries and the ground truth refer to ----

// The diaphragm: z of the higher of the right and left domes at (x, y); the diaphragm is a 6 mm sheet just below.
double domeZ(double x, double y);
// A left diaphragmatic rupture: the centre of the tear in the left dome, where the herniated stomach passes through
// it, and the stomach's radius there (the waist).
inline const glm::dvec3 kDiaphragmTear{64, 20, -490};
inline constexpr double kDiaphragmTearRadius = 15.0;
// A left internal carotid dissection: the z range of the intramural haematoma at its thickest (about 1.5 to 3 cm
// above the level of the bifurcation, C3-C4, at about -177 mm), and where the lumen tapers back to normal above it.
inline constexpr double kCarotidDissectionLow = -163.0, kCarotidDissectionHigh = -149.0;
inline constexpr double kCarotidTaperTop = -135.0;

// The aortic isthmus, just beyond the left subclavian origin: the centre of the lumen, and the centre of a ductus
// diverticulum's bulge from its anteromedial wall (towards the ligamentum arteriosum).
inline const glm::dvec3 kIsthmusCentre{26.4, 34.0, -322.6};
inline const glm::dvec3 kDuctusDiverticulum{19.9, 23.4, -324.0};
// A minimal aortic injury about 5 cm below the isthmus: the flap's base on the left posterolateral wall of the
// descending aorta (centre about (28.6, 41.5, -378), radius 11 mm) and the point it leans towards in the lumen.
inline const glm::dvec3 kMinimalAorticFlapBase{37.4, 48.1, -378};
inline const glm::dvec3 kMinimalAorticInjury{33.0, 41.8, -378};
// The heart: the centre of its pericardial envelope, and its own frame (the columns: the long axis from the base to
// the apex, which points left, forwards and down; across the septum towards the left ventricle; upwards), and a
// point of it given in that frame (mm along each column from the centre).
inline const glm::dvec3 kHeartCentre{22, -28, -428};
// The radii of the pericardial envelope along the frame's columns.
inline const glm::dvec3 kHeartRadii{62, 47, 52};
glm::dmat3 heartFrame();
inline glm::dvec3 heartPoint(double u, double v, double w) {
    return kHeartCentre + heartFrame() * glm::dvec3(u, v, w);
}
// The centre of the left ventricular cavity in the heart's frame.
inline const glm::dvec3 kLeftVentricleCavity{6, 13, -6};
// An incidental solid nodule in the posterior segment of the right upper lobe.
inline const glm::dvec3 kLungNodule{-78, 38, -318};

// The pharynx from the nasopharynx down to the larynx: the centre and radius of its air column at each point.
inline const std::vector<glm::dvec4> kPharynx{
    {0, -2, -138, 9}, {0, -6, -165, 7}, {0, -12, -195, 7}, {0, -22, -215, 8}, {0, -22, -232, 8.5}};

// Spine: vertebral body centre y as a function of z (lordosis / kyphosis).
double spineY(double z);
struct VertebraLevel {
    const char* name;
    double z;       // centre of the body
    double height;  // body height
    double rx, ry;  // body radii
};
const std::vector<VertebraLevel>& vertebrae();
const VertebraLevel* findVertebra(const char* name);
// Half the left-right width of a vertebra's body, pedicles and facets (the transverse processes left out): what a
// sagittal sweep of the spine crosses.
double vertebraHalfWidth(const VertebraLevel& v);
// Front (low) and back (high) LPS y of the abdominal and pelvic cavity and the sacrum between two levels: what a
// coronal sweep of the abdomen and pelvis crosses.
std::pair<double, double> abdominopelvicYSpan(double zFromMm, double zToMm);

// Centre line of rib n (1..12) on side s (-1 right, +1 left), posterior to anterior, with radii in w.
std::vector<glm::dvec4> ribPath(int side, int n);
// The point of rib n's centre line at fraction t of ribPath's points (0 the head, 1 the front end), and the rib's
// direction there (towards its front end).
glm::dvec3 ribPointAt(int side, int n, double t, glm::dvec3* direction = nullptr);
// A flail segment of the right chest wall: ribs kFlailFirstRib to kFlailLastRib each broken twice, posterolaterally
// and anterolaterally (fractions of ribPath as in ribPointAt); the segment between the breaks lies
// kFlailDepressionMm further in, and kFlailGapMm of haematoma parts the broken ends.
inline constexpr int kFlailFirstRib = 4, kFlailLastRib = 8;
inline constexpr double kFlailBreaks[2] = {0.36, 0.80};
inline constexpr double kFlailDepressionMm = 4.0;
inline constexpr double kFlailGapMm = 2.4;
// The direction in which rib n's flail segment is pushed in (towards the chest's centre, level in z).
glm::dvec3 flailInward(int n);

// Lesion placement shared by the painter and groundTruth().
struct InjuryGeometry {
    glm::dvec3 centre;
    glm::dvec3 extent;
    glm::dvec3 affectedMin, affectedMax;
    SeriesKind series;
};
InjuryGeometry injuryGeometry(const std::string& id);

// What the scanner adds around the patient, outside the body (scanner.cpp): the couch under the patient (pad, carbon
// cradle with a foam core) following the habitus, and ECG electrodes with their leads on the chest skin.
void addScannerTable(Model& m);
void addEcgElectrodes(Model& m);
// A pelvic binder round the hips (needs the organs "trunk_skin", "thigh_skin_left" and "thigh_skin_right").
void addPelvicBinder(Model& m);
// Dependent atelectasis: a subpleural band of denser lung along the posterior (dependent) pleura of the bases.
void addDependentAtelectasis(Model& m, const ShapePtr& lung);

// The scanner's artefacts in one axial slice, from the path of the beam through the patient (layers painted at low
// resolution on the slice's field of view, so they do not depend on detail): photon-starvation streaks, noise of the
// rays whose attenuation exceeds the slice's typical longest path, growing with exp(line integral); and beam hardening,
// a projection error that grows with the square of the bone in the ray (dark bands between dense bones). Both are
// filtered and back-projected at low resolution and added to `hu` (slice.nx x slice.ny, slice's geometry) with
// weights `starvation` and `hardening` (1 = the scanner's). `k` and `seed` choose the noise.
void addScanArtefacts(const std::vector<Layer>& layers, const Canvas& slice, int k, std::uint64_t seed, float* hu,
                      double starvation = 1.0, double hardening = 1.0);
// The layers addScanArtefacts needs for the beam's path: the model's, without sub-pixel structures or texture.
std::vector<Layer> beamPathLayers(const std::vector<Layer>& layers);

// Adds the lesion layers and warps of every injury in the model (called by buildModel at the right points).
void addInjuryWarps(Model& m);
void addInjuryLayers(Model& m);

}  // namespace polysim::phantom::detail

// How much a CT series looks like a real one, in numbers a radiologist's eye also uses: the grain of the noise, how
// sharp the skin edge is, how many different soft-tissue greys the anatomy holds and how much of the body lies on an
// edge between structures. Measured the same way on the phantom's series and on real CT, so the two can be compared.
#pragma once

#include <string>
#include <vector>

#include "imaging/volume.h"

namespace polysim::phantom {

struct ImageStatistics {
    int slices = 0;  // slices measured
    // Robust soft-tissue noise, HU: the median standard deviation of 16 x 16-pixel blocks lying wholly in soft tissue
    // (-30..130 HU), each after removing its mean and linear trend, so anatomy barely counts.
    double noiseHu = 0;
    // Mean spatial frequency of the noise power spectrum of those blocks, cycles/mm: the noise grain (a sharp kernel
    // gives a high value, a smooth kernel a low one).
    double noiseFrequency = 0;
    // 10-90 % width of the air-to-skin edge at the sides of the body, mm (the system's blur).
    double skinEdgeMm = 0;
    // Effective number of 5-HU levels (exp of the entropy of the histogram) that body soft tissue (-150..250 HU)
    // fills after a 2.5 mm local mean: how many different greys the anatomy holds.
    double softTissueLevels = 0;
    // Share of body pixels with soft-tissue value and a local gradient above 12 HU/mm after the same mean: the share
    // of the body that lies on an edge between structures (anatomical detail).
    double edgeDensity = 0;
};

// Measures `slices` (indices into the volume's slices; those not ready are skipped). Axial slices only.
ImageStatistics measureSlices(const imaging::Volume& volume, const std::vector<int>& slices);
// Measures up to `count` slices evenly spread between two patient z positions (mm, either order).
ImageStatistics measureZRange(const imaging::Volume& volume, double zFromMm, double zToMm, int count = 10);

// One row of a comparison table: what was measured and on what.
struct StatisticsRow {
    std::string name;  // "phantom chest (arterial)", "real chest LIDC-IDRI-0001"
    ImageStatistics stats;
};
// A plain-text table of rows (fixed-width columns), as `polysim phantom --realism` prints it.
std::string statisticsTable(const std::vector<StatisticsRow>& rows);

}  // namespace polysim::phantom

#include <filesystem>

#include "imaging/render.h"
#include "imaging/window.h"
#include "phantom/phantom.h"

namespace polysim::phantom {

// A real series under the real-CT fixtures folder and the stretch of the phantom with the same anatomy.
struct RealReference {
    std::string region;  // "chest", "upper abdomen", "head"
    std::string folder;  // under the real fixtures folder, e.g. "lidc-idri-0001-chest" (a DICOM folder or a NIfTI CT)
    std::string source;  // whom to credit
    SeriesKind phantomSeries;
    double phantomZFrom, phantomZTo;  // LPS z of the phantom slab measured
    double realZFrom, realZTo;        // LPS z of the real slab with the same anatomy
};
const std::vector<RealReference>& realReferences();

// One side-by-side picture: the phantom (left) beside the real series (right) at the same level and window.
struct SideBySideView {
    std::string file;    // "compare-chest-lung.png"
    std::string what;    // "chest at the carina, lung window"
    std::string folder;  // real series, as in RealReference::folder, or a NIfTI CT file under the real folder
    SeriesKind phantomSeries;
    double phantomZ, realZ;
    imaging::Window window;
};
const std::vector<SideBySideView>& sideBySideViews();

// The axial slice nearest `z`, resampled at `pixelMm` over a widthMm x heightMm box centred on the body.
imaging::Image8 bodyCentredAxial(const imaging::Volume& volume, double z, const imaging::Window& window, double widthMm,
                                 double heightMm, double pixelMm);

struct RegionComparison {
    RealReference reference;
    ImageStatistics phantom, real;
};
// Generates the phantom series the references need (with `options`' seed, matrix and slice spacing), loads the real
// series from `realFolder`, measures both, and writes the side-by-side pictures into `imagesOut` when it is given.
// Throws PhantomError naming a missing or unreadable real series.
std::vector<RegionComparison> compareWithReal(const std::filesystem::path& realFolder, const PhantomOptions& options,
                                              const std::filesystem::path& imagesOut = {});

}  // namespace polysim::phantom

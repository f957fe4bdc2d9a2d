// Writes a CT volume as a new DICOM series derived from real images: fresh study, series and instance UIDs (never
// the source's), ImageType DERIVED\SECONDARY, and DerivationDescription / ImageComments that say what was changed.
#pragma once

#include <filesystem>
#include <string>

#include "imaging/volume.h"

namespace polysim::importers {

struct DerivedSeriesText {
    std::string seriesDescription;      // "Portal venous abdomen (injuries inserted)"
    std::string derivationDescription;  // what was done to the source images, in words
    std::string imageComments;          // e.g. the list of inserted injuries
    std::string contrast;               // ContrastBolusAgent when enhanced, "" when not
    int seriesNumber = 1;
    // File names: "IM%05d.dcm" by default; "%d.dcm" names files by instance number as RSNA datasets do.
    std::string fileNamePattern = "IM%05d.dcm";
    // Instance 1 is the most superior image (as a head-first scan numbers them); with this false it is slice k = 0.
    bool numberFromTop = true;
};

struct WrittenSeries {
    std::filesystem::path folder;
    std::string studyInstanceUid, seriesInstanceUid;
    int files = 0;
};

// Writes one file per slice into `folder` (created). Throws std::runtime_error naming the file on failure.
WrittenSeries writeDerivedSeries(const imaging::Volume& volume, const std::filesystem::path& folder,
                                 const DerivedSeriesText& text);

}  // namespace polysim::importers

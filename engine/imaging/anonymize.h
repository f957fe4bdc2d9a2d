// De-identification of DICOM files with the DICOM PS3.15 Basic Application Level Confidentiality Profile (Annex E):
// the attributes the profile lists are removed, emptied or replaced, every instance UID is replaced by a new one
// consistently across all files of a run (so studies, series, frames of reference and references stay whole),
// private attributes, curves and overlay comments are removed, and PatientIdentityRemoved / DeidentificationMethod
// say what was done. Pixel data are copied untouched, in their transfer syntax.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "imaging/dicom_loader.h"

class DcmItem;

namespace polysim::imaging {

// The input or output folder cannot be used as asked; the message says which and why.
class AnonymizeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct AnonymizeOptions {
    // Retain Patient Characteristics Option (113108): keep sex, age, size and weight.
    bool keepPatientCharacteristics = false;
    // Keep study, series and protocol descriptions (the profile removes them; they help to tell the series apart,
    // and whoever keeps them must check they name no one).
    bool keepDescriptions = false;
    std::function<void(std::size_t done, std::size_t total)> progress;
};

// Applies the profile to one data set (recursively through sequences), replacing UIDs through one table so that
// the same original UID gets the same new UID in every data set given to the same Deidentifier.
class Deidentifier {
public:
    explicit Deidentifier(AnonymizeOptions options = {});
    void apply(DcmItem& dataset);
    // The replacement of an instance UID (made on first use).
    std::string replacementUid(const std::string& original);
    std::vector<std::string> warnings;  // e.g. pixels that may carry burned-in text

private:
    void clean(DcmItem& item, int depth);
    AnonymizeOptions options_;
    std::map<std::string, std::string> uids_;
};

struct AnonymizeReport {
    std::filesystem::path output;
    std::size_t filesWritten = 0;
    std::size_t studies = 0, series = 0;
    std::vector<SkippedFile> skipped;   // with the reason (not DICOM, DICOMDIR, unreadable)
    std::vector<std::string> warnings;  // each names the file
};

// De-identifies every DICOM file under `input` (recursively) into `output`, as
// OUTPUT/<new SeriesInstanceUID>/<new SOPInstanceUID>.dcm (original file names can carry names too). `output` must
// be new or empty and outside `input`. Throws AnonymizeError for unusable folders; bad files are skipped.
AnonymizeReport anonymizeFolder(const std::filesystem::path& input, const std::filesystem::path& output,
                                const AnonymizeOptions& options = {});

}  // namespace polysim::imaging

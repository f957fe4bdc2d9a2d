// `polysim anonymize FOLDER --out FOLDER`: the DICOM basic confidentiality profile over a folder, so that teaching
// files carry no identifying attributes; then checks the result the way `polysim info` reports it.
#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "imaging/anonymize.h"
#include "imaging/dicom_loader.h"

namespace polysim::cli {
namespace {
using namespace polysim::imaging;

int anonymize(const Args& args) {
    std::string input, output;
    AnonymizeOptions options;
    ArgReader in("anonymize");
    in.value("--out", output, "--out needs a folder")
        .flag("--keep-patient-characteristics", options.keepPatientCharacteristics)
        .flag("--keep-descriptions", options.keepDescriptions)
        .positional(input)
        .tooMany("one input FOLDER only");
    if (auto status = in.read(args)) return *status;
    if (input.empty()) return usageError("anonymize", "missing the input FOLDER");
    if (output.empty()) return usageError("anonymize", "missing --out FOLDER");

    AnonymizeReport report;
    try {
        report = anonymizeFolder(input, output, options);
    } catch (const AnonymizeError& e) {
        std::cerr << "polysim anonymize: " << e.what() << "\n";
        return 1;
    }
    std::cout << input << " -> " << output << ": " << report.filesWritten << " file(s) of " << report.studies
              << " study(ies), " << report.series << " series, " << report.skipped.size() << " skipped\n";
    for (const auto& s : report.skipped) std::cout << "  skipped " << s.path.string() << ": " << s.reason << "\n";
    for (const auto& w : report.warnings) std::cout << "  warning " << w << "\n";
    if (report.filesWritten == 0) {
        std::cerr << "polysim anonymize: no DICOM file found under " << input << "\n";
        return 1;
    }
    ScanReport check = scanDicom(output);
    std::string present;
    bool unexpected = false;  // an attribute that neither the profile nor a chosen option leaves
    for (const auto& a : check.identifyingAttributes) {
        present += (present.empty() ? "" : ", ") + a;
        if (!(options.keepPatientCharacteristics && a == "PatientAge")) unexpected = true;
    }
    std::cout << "identifying attributes present: " << (present.empty() ? "none" : present)
              << (!present.empty() && !unexpected ? " (kept as asked)" : "") << "\n";
    return unexpected ? 1 : 0;
}
}  // namespace

POLYSIM_REGISTER_COMMAND(
    {"anonymize", "de-identify DICOM files (PS3.15 basic confidentiality profile) for teaching",
     "polysim anonymize FOLDER --out FOLDER [--keep-patient-characteristics] [--keep-descriptions]\n"
     "  Applies the DICOM PS3.15 Basic Application Level Confidentiality Profile to every DICOM file under FOLDER:\n"
     "  names, IDs, dates, institutions, physicians and comments the profile lists are removed or emptied, all\n"
     "  instance UIDs are replaced consistently across the run (studies, series and references stay whole),\n"
     "  private attributes are removed, PatientIdentityRemoved is YES and DeidentificationMethod says how.\n"
     "  Pixel data are copied untouched (same HU, same transfer syntax). Files are written as\n"
     "  OUT/<new SeriesInstanceUID>/<new SOPInstanceUID>.dcm; the input is never changed.\n"
     "  --keep-patient-characteristics  keep sex, age, size and weight (Retain Patient Characteristics Option)\n"
     "  --keep-descriptions             keep study, series and protocol descriptions (check they name no one)\n"
     "  The output folder must be new or empty. Files that are not DICOM are listed as skipped with the reason.\n"
     "  Exit status 1 when nothing could be anonymized or identifying attributes remain.",
     anonymize});

}  // namespace polysim::cli

// A derived CT series with DCMTK (see derived_series.h).
#include "importers/derived_series.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include <dcmtk/dcmdata/dctk.h>

namespace polysim::importers {
namespace fs = std::filesystem;

namespace {
std::string newUid() {
    char buf[100];
    dcmGenerateUniqueIdentifier(buf, SITE_INSTANCE_UID_ROOT);
    return buf;
}

std::string decimal(double v) {
    char s[32];
    std::snprintf(s, sizeof s, "%.6g", v);
    return s;
}

std::string triple(const glm::dvec3& v) {
    return decimal(v.x) + "\\" + decimal(v.y) + "\\" + decimal(v.z);
}

// DICOM LO/LT values have length limits; a long list of injuries is cut at a word.
std::string limited(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    s.resize(max);
    return s;
}
}  // namespace

WrittenSeries writeDerivedSeries(const imaging::Volume& vol, const fs::path& folder, const DerivedSeriesText& t) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw std::runtime_error(folder.string() + ": cannot create the folder: " + ec.message());
    WrittenSeries out;
    out.folder = folder;
    out.studyInstanceUid = newUid();
    out.seriesInstanceUid = newUid();
    const std::string frame = newUid();
    const auto& g = vol.geometry();
    const int nz = g.dims.z;
    for (int k = 0; k < nz; ++k) {
        const int instance = t.numberFromTop ? nz - k : k + 1;
        char name[64];
        std::snprintf(name, sizeof name, t.fileNamePattern.c_str(), instance);
        const fs::path file = folder / name;
        DcmFileFormat ff;
        DcmDataset* d = ff.getDataset();
        auto put = [&](const DcmTagKey& tag, const std::string& v) {
            if (d->putAndInsertString(tag, v.c_str()).bad())
                throw std::runtime_error(file.string() + ": cannot set " + DcmTag(tag).getTagName());
        };
        auto put16 = [&](const DcmTagKey& tag, Uint16 v) {
            if (d->putAndInsertUint16(tag, v).bad())
                throw std::runtime_error(file.string() + ": cannot set " + DcmTag(tag).getTagName());
        };
        put(DCM_SpecificCharacterSet, "ISO_IR 100");
        put(DCM_ImageType, "DERIVED\\SECONDARY\\AXIAL");
        put(DCM_SOPClassUID, UID_CTImageStorage);
        put(DCM_SOPInstanceUID, newUid());
        put(DCM_StudyInstanceUID, out.studyInstanceUid);
        put(DCM_SeriesInstanceUID, out.seriesInstanceUid);
        put(DCM_FrameOfReferenceUID, frame);
        put(DCM_Modality, "CT");
        put(DCM_Manufacturer, "polysim (derived from a real CT)");
        put(DCM_StudyDescription, "Teaching case (derived images)");
        put(DCM_SeriesDescription, limited(t.seriesDescription, 64));
        put(DCM_DerivationDescription, limited(t.derivationDescription, 1024));
        put(DCM_ImageComments, limited(t.imageComments, 10240));
        put(DCM_BurnedInAnnotation, "NO");
        put(DCM_PatientName, "POLYSIM^TEACHING");
        put(DCM_PatientID, "POLYSIM-DERIVED");
        put(DCM_PatientBirthDate, "");
        put(DCM_PatientSex, "O");
        put(DCM_StudyDate, "20000101");
        put(DCM_StudyTime, "120000");
        put(DCM_AccessionNumber, "");
        put(DCM_ReferringPhysicianName, "");
        put(DCM_StudyID, "1");
        if (!t.contrast.empty()) put(DCM_ContrastBolusAgent, t.contrast);
        put(DCM_SeriesNumber, std::to_string(t.seriesNumber));
        put(DCM_InstanceNumber, std::to_string(instance));
        put(DCM_PatientPosition, "HFS");
        const glm::dvec3 pos = g.indexToPatient(glm::dvec3(0, 0, k));
        put(DCM_ImagePositionPatient, triple(pos));
        put(DCM_ImageOrientationPatient, triple(g.direction[0]) + "\\" + triple(g.direction[1]));
        put(DCM_SliceLocation, decimal(pos.z));
        put(DCM_SliceThickness, decimal(g.spacing.z));
        put(DCM_PixelSpacing, decimal(g.spacing.y) + "\\" + decimal(g.spacing.x));  // row spacing first
        put16(DCM_SamplesPerPixel, 1);
        put(DCM_PhotometricInterpretation, "MONOCHROME2");
        put16(DCM_Rows, Uint16(g.dims.y));
        put16(DCM_Columns, Uint16(g.dims.x));
        put16(DCM_BitsAllocated, 16);
        put16(DCM_BitsStored, 16);
        put16(DCM_HighBit, 15);
        put16(DCM_PixelRepresentation, 1);
        put(DCM_RescaleIntercept, "0");
        put(DCM_RescaleSlope, "1");
        put(DCM_RescaleType, "HU");
        put(DCM_WindowCenter, "40");
        put(DCM_WindowWidth, "400");
        const int16_t* src = vol.slice(k);
        if (d->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(src),
                                       unsigned(g.sliceVoxelCount()))
                .bad())
            throw std::runtime_error(file.string() + ": cannot set the pixel data");
        const OFCondition c = ff.saveFile(file.c_str(), EXS_LittleEndianExplicit);
        if (c.bad()) throw std::runtime_error(file.string() + ": cannot write DICOM: " + c.text());
        ++out.files;
    }
    return out;
}

}  // namespace polysim::importers

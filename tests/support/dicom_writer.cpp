// Synthetic CT slices written with DCMTK (see dicom_writer.h).
#include "support/dicom_writer.h"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace polysim::test {

std::vector<uint16_t> testPattern(int rows, int columns, int seed) {
    std::vector<uint16_t> v(std::size_t(rows) * columns);
    for (int j = 0; j < rows; ++j)
        for (int i = 0; i < columns; ++i) v[std::size_t(j) * columns + i] = uint16_t(100 + seed * 37 + i * 3 + j * 11);
    return v;
}

std::string newUid() {
    char buf[100];
    dcmGenerateUniqueIdentifier(buf, SITE_INSTANCE_UID_ROOT);
    return buf;
}

namespace {
void check(const OFCondition& c, const std::string& what) {
    if (c.bad()) throw std::runtime_error("DICOM writer: " + what + ": " + c.text());
}
std::string ds(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
std::string triple(const glm::dvec3& v) {
    return ds(v.x) + "\\" + ds(v.y) + "\\" + ds(v.z);
}
}  // namespace

void writeCtSlice(const std::filesystem::path& file, const SyntheticSlice& s) {
    static std::once_flag codecs;
    std::call_once(codecs, [] {
        DcmRLEEncoderRegistration::registerCodecs();
        DJEncoderRegistration::registerCodecs();
        DJLSEncoderRegistration::registerCodecs();
    });
    DcmFileFormat format;
    DcmDataset* d = format.getDataset();
    const std::string sop = s.sopInstanceUid.empty() ? newUid() : s.sopInstanceUid;
    check(d->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage), "SOPClassUID");
    check(d->putAndInsertString(DCM_SOPInstanceUID, sop.c_str()), "SOPInstanceUID");
    d->putAndInsertString(DCM_StudyInstanceUID,
                          s.studyInstanceUid.empty() ? "1.2.826.0.1.3680043.2.1125.999.1" : s.studyInstanceUid.c_str());
    if (!s.seriesInstanceUid.empty()) d->putAndInsertString(DCM_SeriesInstanceUID, s.seriesInstanceUid.c_str());
    d->putAndInsertString(DCM_Modality, s.modality.c_str());
    d->putAndInsertString(DCM_SeriesDescription, s.seriesDescription.c_str());
    d->putAndInsertString(DCM_SeriesNumber, std::to_string(s.seriesNumber).c_str());
    d->putAndInsertString(DCM_InstanceNumber, std::to_string(s.instanceNumber).c_str());
    if (!s.patientName.empty()) d->putAndInsertString(DCM_PatientName, s.patientName.c_str());
    if (!s.patientId.empty()) d->putAndInsertString(DCM_PatientID, s.patientId.c_str());
    if (!s.institutionName.empty()) d->putAndInsertString(DCM_InstitutionName, s.institutionName.c_str());
    d->putAndInsertString(DCM_ImageType, s.localizer ? "ORIGINAL\\PRIMARY\\LOCALIZER" : "ORIGINAL\\PRIMARY\\AXIAL");
    d->putAndInsertString(DCM_ImagePositionPatient, triple(s.position).c_str());
    d->putAndInsertString(DCM_ImageOrientationPatient,
                          (triple(s.rowDirection) + "\\" + triple(s.columnDirection)).c_str());
    d->putAndInsertString(DCM_PixelSpacing, (ds(s.pixelSpacing.y) + "\\" + ds(s.pixelSpacing.x)).c_str());
    d->putAndInsertString(DCM_SliceThickness, ds(s.sliceThickness).c_str());
    if (s.statedGantryTilt) d->putAndInsertString(DCM_GantryDetectorTilt, ds(*s.statedGantryTilt).c_str());
    d->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    d->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    d->putAndInsertUint16(DCM_Rows, Uint16(s.rows));
    d->putAndInsertUint16(DCM_Columns, Uint16(s.columns));
    d->putAndInsertUint16(DCM_BitsAllocated, 16);
    d->putAndInsertUint16(DCM_BitsStored, Uint16(s.bitsStored));
    d->putAndInsertUint16(DCM_HighBit, Uint16(s.bitsStored - 1));
    d->putAndInsertUint16(DCM_PixelRepresentation, s.pixelSigned ? 1 : 0);
    d->putAndInsertString(DCM_RescaleSlope, ds(s.rescaleSlope).c_str());
    d->putAndInsertString(DCM_RescaleIntercept, ds(s.rescaleIntercept).c_str());
    d->putAndInsertString(DCM_RescaleType, "HU");
    if (s.paddingValue) {
        if (s.pixelSigned)
            d->putAndInsertSint16(DCM_PixelPaddingValue, Sint16(*s.paddingValue));
        else
            d->putAndInsertUint16(DCM_PixelPaddingValue, Uint16(*s.paddingValue));
    }
    std::vector<uint16_t> pixels = s.stored.empty() ? testPattern(s.rows, s.columns, s.instanceNumber) : s.stored;
    if (pixels.size() != std::size_t(s.rows) * s.columns) throw std::runtime_error("DICOM writer: wrong pixel count");
    check(d->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size())),
          "PixelData");

    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    switch (s.syntax) {
        case DicomSyntax::ExplicitLittle:
            break;
        case DicomSyntax::ImplicitLittle:
            xfer = EXS_LittleEndianImplicit;
            break;
        case DicomSyntax::ExplicitBig:
            xfer = EXS_BigEndianExplicit;
            break;
        case DicomSyntax::Deflated:
            xfer = EXS_DeflatedLittleEndianExplicit;
            break;
        case DicomSyntax::Rle: {
            DcmRLERepresentationParameter rp;
            check(d->chooseRepresentation(EXS_RLELossless, &rp), "RLE encoding");
            xfer = EXS_RLELossless;
            break;
        }
        case DicomSyntax::JpegLossless: {
            DJ_RPLossless rp;
            check(d->chooseRepresentation(EXS_JPEGProcess14SV1, &rp), "JPEG lossless encoding");
            xfer = EXS_JPEGProcess14SV1;
            break;
        }
        case DicomSyntax::JpegLsLossless: {
            DJLSRepresentationParameter rp(0, OFTrue);
            check(d->chooseRepresentation(EXS_JPEGLSLossless, &rp), "JPEG-LS encoding");
            xfer = EXS_JPEGLSLossless;
            break;
        }
    }
    check(format.saveFile(file.c_str(), xfer), "saving " + file.string());
}

}  // namespace polysim::test

// Reading what one DICOM file says about itself (geometry, pixel format, series, identifying attributes),
// without loading its pixels. Anything wrong with the file becomes a skip reason, never an exception.
#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <cmath>
#include <mutex>

#include "imaging/dicom_internal.h"
#include "imaging/dicom_structure.h"

namespace polysim::imaging::detail {
namespace fs = std::filesystem;

void registerCodecsOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        // The loader reports every problem itself, naming the file; DCMTK's own log lines would only be noise.
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

namespace {

std::string getString(DcmItem* item, const DcmTagKey& key) {
    OFString value;
    if (item && item->findAndGetOFStringArray(key, value).good()) {
        std::string s = value.c_str();
        while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
        while (!s.empty() && s.front() == ' ') s.erase(s.begin());
        return s;
    }
    return {};
}

bool getDoubles(DcmItem* item, const DcmTagKey& key, double* out, int count) {
    if (!item) return false;
    for (int i = 0; i < count; ++i) {
        Float64 v = 0;
        if (item->findAndGetFloat64(key, v, static_cast<unsigned long>(i)).bad() || !std::isfinite(v)) return false;
        out[i] = v;
    }
    return true;
}

std::optional<double> getDouble(DcmItem* item, const DcmTagKey& key) {
    double v = 0;
    if (getDoubles(item, key, &v, 1)) return v;
    return std::nullopt;
}

// Why a numeric attribute that is present cannot be used (not a number, infinite, zero or negative where a size is
// meant), or empty when it is absent or fine. An absent attribute keeps its default; a broken one is never guessed.
std::string unusableNumbers(DcmItem* item, const DcmTagKey& key, const char* name, int count, bool positive) {
    if (!item) return {};
    DcmElement* element = nullptr;
    if (item->findAndGetElement(key, element).bad() || !element || element->getLength() == 0) return {};
    OFString text;
    element->getOFStringArray(text);
    for (int i = 0; i < count; ++i) {
        Float64 v = 0;
        if (item->findAndGetFloat64(key, v, static_cast<unsigned long>(i)).bad() || !std::isfinite(v) ||
            (positive && v <= 0))
            return std::string(name) + " '" + text.c_str() + "' is not " +
                   (positive ? "a positive finite number" : "a finite number") + (count > 1 ? " pair" : "") +
                   (positive ? "; its size in mm would be a guess" : "; its HU would be a guess");
    }
    return {};
}

std::optional<long> getInt(DcmItem* item, const DcmTagKey& key) {
    if (!item) return std::nullopt;
    Sint32 s = 0;
    if (item->findAndGetSint32(key, s).good()) return s;
    Uint16 u = 0;
    if (item->findAndGetUint16(key, u).good()) return u;
    Sint16 ss = 0;
    if (item->findAndGetSint16(key, ss).good()) return ss;
    // IS strings
    std::string text = getString(item, key);
    if (text.empty()) return std::nullopt;
    try {
        return std::stol(text);
    } catch (...) {
        return std::nullopt;
    }
}

// PixelPaddingValue is US or SS depending on PixelRepresentation; in implicit VR files DCMTK cannot know which.
std::optional<int32_t> getPadding(DcmItem* item, bool pixelSigned) {
    DcmElement* element = nullptr;
    if (item->findAndGetElement(DCM_PixelPaddingValue, element).bad() || !element || element->getLength() < 2)
        return std::nullopt;
    Uint16 u = 0;
    Sint16 s = 0;
    if (element->getUint16(u).good()) return pixelSigned ? int32_t(int16_t(u)) : int32_t(u);
    if (element->getSint16(s).good()) return pixelSigned ? int32_t(s) : int32_t(uint16_t(s));
    return std::nullopt;
}

DcmItem* sequenceItem(DcmItem* item, const DcmTagKey& key, long index = 0) {
    DcmItem* out = nullptr;
    if (item && item->findAndGetSequenceItem(key, out, index).good()) return out;
    return nullptr;
}

// Enhanced objects keep a functional group either per frame or shared by all frames.
DcmItem* functionalGroup(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& key) {
    if (DcmItem* g = sequenceItem(perFrame, key)) return g;
    return sequenceItem(shared, key);
}

struct IdentifyingAttribute {
    const char* name;
    DcmTagKey key;
};
const IdentifyingAttribute kIdentifying[] = {
    {"PatientName", DCM_PatientName},
    {"PatientID", DCM_PatientID},
    {"PatientBirthDate", DCM_PatientBirthDate},
    {"PatientAge", DCM_PatientAge},
    {"PatientAddress", DCM_PatientAddress},
    {"PatientTelephoneNumbers", DCM_PatientTelephoneNumbers},
    {"OtherPatientIDs", DCM_RETIRED_OtherPatientIDs},
    {"OtherPatientNames", DCM_OtherPatientNames},
    {"PatientBirthName", DCM_PatientBirthName},
    {"PatientMotherBirthName", DCM_PatientMotherBirthName},
    {"MedicalRecordLocator", DCM_RETIRED_MedicalRecordLocator},
    {"AccessionNumber", DCM_AccessionNumber},
    {"InstitutionName", DCM_InstitutionName},
    {"InstitutionAddress", DCM_InstitutionAddress},
    {"InstitutionalDepartmentName", DCM_InstitutionalDepartmentName},
    {"StationName", DCM_StationName},
    {"DeviceSerialNumber", DCM_DeviceSerialNumber},
    {"ReferringPhysicianName", DCM_ReferringPhysicianName},
    {"ReferringPhysicianAddress", DCM_ReferringPhysicianAddress},
    {"PerformingPhysicianName", DCM_PerformingPhysicianName},
    {"NameOfPhysiciansReadingStudy", DCM_NameOfPhysiciansReadingStudy},
    {"OperatorsName", DCM_OperatorsName},
    {"RequestingPhysician", DCM_RequestingPhysician},
    {"StudyDate", DCM_StudyDate},
    {"SeriesDate", DCM_SeriesDate},
    {"AcquisitionDate", DCM_AcquisitionDate},
    {"ContentDate", DCM_ContentDate},
    {"StudyTime", DCM_StudyTime},
};

std::string sopClassName(const std::string& uid) {
    if (uid.empty()) return "no SOP class";
    const char* name = dcmFindNameOfUID(uid.c_str(), nullptr);
    return name ? std::string(name) : uid;
}

}  // namespace

bool isJpeg2000(const std::string& uid) {
    return uid == UID_JPEG2000LosslessOnlyTransferSyntax || uid == UID_JPEG2000TransferSyntax;
}

bool isEncapsulated(const std::string& uid) {
    return uid != UID_LittleEndianImplicitTransferSyntax && uid != UID_LittleEndianExplicitTransferSyntax &&
           uid != UID_BigEndianExplicitTransferSyntax && uid != UID_DeflatedExplicitVRLittleEndianTransferSyntax;
}

bool transferSyntaxSupported(const std::string& uid) {
    static const char* kSupported[] = {
        UID_LittleEndianImplicitTransferSyntax,
        UID_LittleEndianExplicitTransferSyntax,
        UID_BigEndianExplicitTransferSyntax,
        UID_DeflatedExplicitVRLittleEndianTransferSyntax,
        UID_RLELosslessTransferSyntax,
        UID_JPEGProcess1TransferSyntax,
        UID_JPEGProcess2_4TransferSyntax,
        UID_JPEGProcess14TransferSyntax,
        UID_JPEGProcess14SV1TransferSyntax,
        UID_JPEGLSLosslessTransferSyntax,
        UID_JPEGLSLossyTransferSyntax,
        UID_JPEG2000LosslessOnlyTransferSyntax,
        UID_JPEG2000TransferSyntax,
    };
    for (const char* s : kSupported)
        if (uid == s) return true;
    return false;
}

FileHeader readFileHeader(const fs::path& path) {
    registerCodecsOnce();
    FileHeader h;
    h.path = path;
    const FileProbe probe = probeDicomFile(path);
    if (probe.size == 0 && probe.problem.empty()) {
        h.skipReason = "empty file";
        return h;
    }
    if (!probe.problem.empty()) {
        h.skipReason = probe.problem;
        return h;
    }
    const bool part10 = probe.part10;
    DcmFileFormat file;
    // Values above 4 KB (the pixels) stay on disk until decoding; the structure is still parsed to the end, so a
    // truncated file is caught here rather than half-way through a volume.
    OFCondition status = file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
    DcmDataset* ds = file.getDataset();
    const std::string sopClass = getString(ds, DCM_SOPClassUID);
    const bool hasPixels = ds && ds->tagExists(DCM_PixelData);
    if (status.bad()) {
        if (!part10 && sopClass.empty() && !hasPixels)
            h.skipReason = "not a DICOM file";
        else
            h.skipReason = std::string("unreadable DICOM (truncated or corrupt): ") + status.text();
        return h;
    }
    if (!part10 && sopClass.empty() && getString(ds, DCM_Modality).empty() && !hasPixels) {
        h.skipReason = "not a DICOM file";
        return h;
    }
    DcmMetaInfo* meta = file.getMetaInfo();
    const std::string mediaClass = getString(meta, DCM_MediaStorageSOPClassUID);
    if (mediaClass == UID_MediaStorageDirectoryStorage || ds->tagExists(DCM_DirectoryRecordSequence)) {
        h.isDicomdir = true;
        h.skipReason = "DICOMDIR index (no image itself)";
        DcmSequenceOfItems* records = nullptr;
        if (ds->findAndGetSequence(DCM_DirectoryRecordSequence, records).good() && records) {
            for (unsigned long i = 0; i < records->card(); ++i) {
                DcmItem* record = records->getItem(i);
                OFString id;
                if (record->findAndGetOFStringArray(DCM_ReferencedFileID, id).good() && !id.empty()) {
                    // ReferencedFileID components are separated by backslashes, relative to the DICOMDIR's folder.
                    fs::path file = path.parent_path();
                    std::string component;
                    for (char c : std::string(id.c_str()) + "\\") {
                        if (c == '\\') {
                            while (!component.empty() && component.back() == ' ') component.pop_back();
                            if (!component.empty()) file /= component;
                            component.clear();
                        } else {
                            component += c;
                        }
                    }
                    h.dicomdirFiles.push_back(file);
                }
            }
        }
        return h;
    }

    std::string xfer = getString(meta, DCM_TransferSyntaxUID);
    if (xfer.empty()) xfer = DcmXfer(ds->getOriginalXfer()).getXferID();
    if (!hasPixels) {
        h.skipReason = "no image (" + sopClassName(sopClass) + ")";
        if (ds->tagExists(DCM_FloatPixelData) || ds->tagExists(DCM_DoubleFloatPixelData))
            h.skipReason = "floating-point pixel data is not supported (" + sopClassName(sopClass) + ")";
        return h;
    }
    if (!transferSyntaxSupported(xfer)) {
        h.skipReason = "unsupported transfer syntax " + transferSyntaxName(xfer) + " (" + xfer + ")";
        return h;
    }

    h.seriesInstanceUid = getString(ds, DCM_SeriesInstanceUID);
    h.studyInstanceUid = getString(ds, DCM_StudyInstanceUID);
    h.description = getString(ds, DCM_SeriesDescription);
    h.modality = getString(ds, DCM_Modality);
    h.seriesNumber = int(getInt(ds, DCM_SeriesNumber).value_or(0));
    h.statedGantryTilt = getDouble(ds, DCM_GantryDetectorTilt);
    for (const auto& a : kIdentifying)
        if (!getString(ds, a.key).empty()) h.identifying.push_back(a.name);
    // Images without a SeriesInstanceUID are kept: the scan groups them by what else they say (dicom_scan.cpp).
    h.hasSeriesNumber = getInt(ds, DCM_SeriesNumber).has_value();
    h.convolutionKernel = getString(ds, DCM_ConvolutionKernel);

    SliceHeader base;
    base.file = path;
    if (probe.littleEndian && !isEncapsulated(xfer)) {
        base.pixelDataOffset = probe.pixelDataOffset;
        base.pixelDataLength = probe.pixelDataLength;
    }
    base.sopClassUid = sopClass;
    base.transferSyntaxUid = xfer;
    base.instanceNumber = int(getInt(ds, DCM_InstanceNumber).value_or(0));
    base.rows = int(getInt(ds, DCM_Rows).value_or(0));
    base.columns = int(getInt(ds, DCM_Columns).value_or(0));
    base.bitsAllocated = int(getInt(ds, DCM_BitsAllocated).value_or(0));
    base.bitsStored = int(getInt(ds, DCM_BitsStored).value_or(base.bitsAllocated));
    base.pixelSigned = getInt(ds, DCM_PixelRepresentation).value_or(0) == 1;
    base.samplesPerPixel = int(getInt(ds, DCM_SamplesPerPixel).value_or(1));
    base.photometric = getString(ds, DCM_PhotometricInterpretation);
    base.paddingValue = getPadding(ds, base.pixelSigned);
    const std::string imageType = getString(ds, DCM_ImageType);
    base.localizer = imageType.find("LOCALIZER") != std::string::npos;
    if (base.rows <= 0 || base.columns <= 0) {
        h.skipReason = "image without Rows/Columns";
        return h;
    }
    if (base.rows > kMaxImageSide || base.columns > kMaxImageSide) {
        // A damaged header would otherwise make the decoder allocate gigabytes before it fails.
        h.skipReason = "Rows x Columns " + std::to_string(base.rows) + " x " + std::to_string(base.columns) +
                       " is larger than any CT image (at most " + std::to_string(kMaxImageSide) + " a side)";
        return h;
    }
    if (base.bitsAllocated != 8 && base.bitsAllocated != 16 && base.bitsAllocated != 32) {
        h.skipReason = "unsupported BitsAllocated " + std::to_string(base.bitsAllocated);
        return h;
    }
    if (base.bitsStored <= 0 || base.bitsStored > base.bitsAllocated) base.bitsStored = base.bitsAllocated;

    std::string invalid;  // a value present but unusable: the file is skipped, naming it
    auto readGeometry = [&invalid](DcmItem* positionItem, DcmItem* orientationItem, DcmItem* measuresItem,
                                   DcmItem* rescaleItem, SliceHeader& s) {
        double pos[3], iop[6], ps[2];
        if (getDoubles(positionItem, DCM_ImagePositionPatient, pos, 3) &&
            getDoubles(orientationItem, DCM_ImageOrientationPatient, iop, 6)) {
            glm::dvec3 r(iop[0], iop[1], iop[2]), c(iop[3], iop[4], iop[5]);
            if (glm::length(r) > 0.5 && glm::length(c) > 0.5 &&
                std::abs(glm::dot(glm::normalize(r), glm::normalize(c))) < 0.05) {
                s.position = glm::dvec3(pos[0], pos[1], pos[2]);
                s.rowDirection = glm::normalize(r);
                // Scanners round the cosines; make the pair exactly orthonormal so the volume axes are.
                s.columnDirection = glm::normalize(c - glm::dot(c, s.rowDirection) * s.rowDirection);
                s.hasPosition = true;
            }
        }
        if (getDoubles(measuresItem, DCM_PixelSpacing, ps, 2) && ps[0] > 0 && ps[1] > 0)
            s.pixelSpacing = glm::dvec2(ps[1], ps[0]);  // DICOM: row spacing (between rows) first
        else if (invalid.empty())
            invalid = unusableNumbers(measuresItem, DCM_PixelSpacing, "PixelSpacing", 2, true);
        if (auto t = getDouble(measuresItem, DCM_SliceThickness)) s.sliceThickness = *t;
        if (auto slope = getDouble(rescaleItem, DCM_RescaleSlope); slope && *slope != 0.0)
            s.rescaleSlope = *slope;
        else if (invalid.empty())
            invalid = unusableNumbers(rescaleItem, DCM_RescaleSlope, "RescaleSlope", 1, false);
        if (auto icpt = getDouble(rescaleItem, DCM_RescaleIntercept))
            s.rescaleIntercept = *icpt;
        else if (invalid.empty())
            invalid = unusableNumbers(rescaleItem, DCM_RescaleIntercept, "RescaleIntercept", 1, false);
    };

    const long frames = getInt(ds, DCM_NumberOfFrames).value_or(1);
    DcmItem* shared = sequenceItem(ds, DCM_SharedFunctionalGroupsSequence);
    DcmSequenceOfItems* perFrame = nullptr;
    ds->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame);
    if (frames > 1 || perFrame) {
        if (!perFrame || perFrame->card() < static_cast<unsigned long>(frames)) {
            h.skipReason = "multi-frame image (" + std::to_string(frames) +
                           " frames) without per-frame positions (PerFrameFunctionalGroupsSequence); cannot place its "
                           "frames in the patient";
            return h;
        }
        for (long f = 0; f < frames; ++f) {
            DcmItem* pf = perFrame->getItem(static_cast<unsigned long>(f));
            SliceHeader s = base;
            s.frame = int(f);
            s.frameCount = int(frames);
            s.instanceNumber = base.instanceNumber * 100000 + int(f);
            DcmItem* pos = functionalGroup(pf, shared, DCM_PlanePositionSequence);
            DcmItem* ori = functionalGroup(pf, shared, DCM_PlaneOrientationSequence);
            DcmItem* mea = functionalGroup(pf, shared, DCM_PixelMeasuresSequence);
            DcmItem* res = functionalGroup(pf, shared, DCM_PixelValueTransformationSequence);
            readGeometry(pos, ori, mea ? mea : ds, res ? res : ds, s);
            h.images.push_back(std::move(s));
        }
    } else {
        SliceHeader s = base;
        readGeometry(ds, ds, ds, ds, s);
        h.images.push_back(std::move(s));
    }
    if (!invalid.empty()) {
        h.images.clear();
        h.skipReason = invalid;
    }
    return h;
}

}  // namespace polysim::imaging::detail

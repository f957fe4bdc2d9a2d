// The Basic Application Level Confidentiality Profile with DCMTK (see anonymize.h). The attribute actions are those
// of PS3.15 Table E.1-1, Basic Profile column; where the table leaves a choice (X/Z, X/D, Z/D, X/Z/D) the action
// that keeps a CT image valid and carries no value is taken: emptied for attributes a CT image must have (type 2),
// removed otherwise. Attributes the table does not name are treated by what they can hold: person names are
// emptied, dates and times removed, instance UIDs replaced, private attributes removed.
#include "imaging/anonymize.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <set>

#include "imaging/dicom_internal.h"

namespace polysim::imaging {
namespace fs = std::filesystem;

namespace {
enum class Action { Remove, Empty, Dummy, NewUid, Keep };
enum class Retained { Never, PatientCharacteristics, Descriptions };

struct Rule {
    std::uint16_t group, element;
    Action action;
    Retained retained = Retained::Never;
};

constexpr Action X = Action::Remove, Z = Action::Empty, D = Action::Dummy, U = Action::NewUid, K = Action::Keep;

// PS3.15 Table E.1-1, Basic Profile.
const Rule kRules[] = {
    {0x0008, 0x0014, U},                          // Instance Creator UID
    {0x0008, 0x0015, X},                          // Instance Coercion DateTime
    {0x0008, 0x0018, U},                          // SOP Instance UID
    {0x0008, 0x0020, Z},                          // Study Date
    {0x0008, 0x0021, X},                          // Series Date
    {0x0008, 0x0022, X},                          // Acquisition Date
    {0x0008, 0x0023, Z},                          // Content Date
    {0x0008, 0x0024, X},                          // Overlay Date
    {0x0008, 0x0025, X},                          // Curve Date
    {0x0008, 0x002A, X},                          // Acquisition DateTime
    {0x0008, 0x0030, Z},                          // Study Time
    {0x0008, 0x0031, X},                          // Series Time
    {0x0008, 0x0032, X},                          // Acquisition Time
    {0x0008, 0x0033, Z},                          // Content Time
    {0x0008, 0x0034, X},                          // Overlay Time
    {0x0008, 0x0035, X},                          // Curve Time
    {0x0008, 0x0050, Z},                          // Accession Number
    {0x0008, 0x0058, U},                          // Failed SOP Instance UID List
    {0x0008, 0x0080, X},                          // Institution Name
    {0x0008, 0x0081, X},                          // Institution Address
    {0x0008, 0x0082, X},                          // Institution Code Sequence
    {0x0008, 0x0090, Z},                          // Referring Physician's Name
    {0x0008, 0x0092, X},                          // Referring Physician's Address
    {0x0008, 0x0094, X},                          // Referring Physician's Telephone Numbers
    {0x0008, 0x0096, X},                          // Referring Physician Identification Sequence
    {0x0008, 0x009C, Z},                          // Consulting Physician's Name
    {0x0008, 0x009D, X},                          // Consulting Physician Identification Sequence
    {0x0008, 0x0201, X},                          // Timezone Offset From UTC
    {0x0008, 0x1010, X},                          // Station Name
    {0x0008, 0x1030, X, Retained::Descriptions},  // Study Description
    {0x0008, 0x103E, X, Retained::Descriptions},  // Series Description
    {0x0008, 0x1040, X},                          // Institutional Department Name
    {0x0008, 0x1041, X},                          // Institutional Department Type Code Sequence
    {0x0008, 0x1048, X},                          // Physician(s) of Record
    {0x0008, 0x1049, X},                          // Physician(s) of Record Identification Sequence
    {0x0008, 0x1050, X},                          // Performing Physicians' Name
    {0x0008, 0x1052, X},                          // Performing Physician Identification Sequence
    {0x0008, 0x1060, X},                          // Name of Physician(s) Reading Study
    {0x0008, 0x1062, X},                          // Physician(s) Reading Study Identification Sequence
    {0x0008, 0x1070, X},                          // Operators' Name
    {0x0008, 0x1072, X},                          // Operator Identification Sequence
    {0x0008, 0x1080, X},                          // Admitting Diagnoses Description
    {0x0008, 0x1084, X},                          // Admitting Diagnoses Code Sequence
    {0x0008, 0x1110, X},                          // Referenced Study Sequence
    {0x0008, 0x1111, X},                          // Referenced Performed Procedure Step Sequence
    {0x0008, 0x1120, X},                          // Referenced Patient Sequence
    {0x0008, 0x1140, K},                          // Referenced Image Sequence (X/Z/U*: kept, its UIDs replaced)
    {0x0008, 0x1155, U},                          // Referenced SOP Instance UID
    {0x0008, 0x1195, U},                          // Transaction UID
    {0x0008, 0x2111, X},                          // Derivation Description
    {0x0008, 0x2112, K},                          // Source Image Sequence (X/Z/U*: kept, its UIDs replaced)
    {0x0008, 0x3010, U},                          // Irradiation Event UID
    {0x0008, 0x4000, X},                          // Identifying Comments
    {0x0010, 0x0010, Z},                          // Patient's Name
    {0x0010, 0x0020, Z},                          // Patient ID
    {0x0010, 0x0021, X},                          // Issuer of Patient ID
    {0x0010, 0x0030, Z},                          // Patient's Birth Date
    {0x0010, 0x0032, X},                          // Patient's Birth Time
    {0x0010, 0x0040, Z, Retained::PatientCharacteristics},  // Patient's Sex
    {0x0010, 0x0050, X},                                    // Patient's Insurance Plan Code Sequence
    {0x0010, 0x0101, X},                                    // Patient's Primary Language Code Sequence
    {0x0010, 0x0102, X},                                    // Patient's Primary Language Modifier Code Sequence
    {0x0010, 0x1000, X},                                    // Other Patient IDs
    {0x0010, 0x1001, X},                                    // Other Patient Names
    {0x0010, 0x1002, X},                                    // Other Patient IDs Sequence
    {0x0010, 0x1005, X},                                    // Patient's Birth Name
    {0x0010, 0x1010, X, Retained::PatientCharacteristics},  // Patient's Age
    {0x0010, 0x1020, X, Retained::PatientCharacteristics},  // Patient's Size
    {0x0010, 0x1030, X, Retained::PatientCharacteristics},  // Patient's Weight
    {0x0010, 0x1040, X},                                    // Patient's Address
    {0x0010, 0x1050, X},                                    // Insurance Plan Identification
    {0x0010, 0x1060, X},                                    // Patient's Mother's Birth Name
    {0x0010, 0x1080, X},                                    // Military Rank
    {0x0010, 0x1081, X},                                    // Branch of Service
    {0x0010, 0x1090, X},                                    // Medical Record Locator
    {0x0010, 0x1100, X},                                    // Referenced Patient Photo Sequence
    {0x0010, 0x2000, X},                                    // Medical Alerts
    {0x0010, 0x2110, X},                                    // Allergies
    {0x0010, 0x2150, X},                                    // Country of Residence
    {0x0010, 0x2152, X},                                    // Region of Residence
    {0x0010, 0x2154, X},                                    // Patient's Telephone Numbers
    {0x0010, 0x2155, X},                                    // Patient's Telecom Information
    {0x0010, 0x2160, X},                                    // Ethnic Group
    {0x0010, 0x2180, X},                                    // Occupation
    {0x0010, 0x21A0, X},                                    // Smoking Status
    {0x0010, 0x21B0, X},                                    // Additional Patient History
    {0x0010, 0x21C0, X},                                    // Pregnancy Status
    {0x0010, 0x21D0, X},                                    // Last Menstrual Date
    {0x0010, 0x21F0, X},                                    // Patient's Religious Preference
    {0x0010, 0x2203, X},                                    // Patient's Sex Neutered
    {0x0010, 0x2297, X},                                    // Responsible Person
    {0x0010, 0x2299, X},                                    // Responsible Organization
    {0x0010, 0x4000, X},                                    // Patient Comments
    {0x0012, 0x0010, X},                                    // Clinical Trial Sponsor Name
    {0x0012, 0x0020, X},                                    // Clinical Trial Protocol ID
    {0x0012, 0x0021, X},                                    // Clinical Trial Protocol Name
    {0x0012, 0x0030, X},                                    // Clinical Trial Site ID
    {0x0012, 0x0031, X},                                    // Clinical Trial Site Name
    {0x0012, 0x0040, X},                                    // Clinical Trial Subject ID
    {0x0012, 0x0042, X},                                    // Clinical Trial Subject Reading ID
    {0x0012, 0x0050, X},                                    // Clinical Trial Time Point ID
    {0x0012, 0x0051, X},                                    // Clinical Trial Time Point Description
    {0x0012, 0x0060, X},                                    // Clinical Trial Coordinating Center Name
    {0x0012, 0x0071, X},                                    // Clinical Trial Series ID
    {0x0012, 0x0072, X},                                    // Clinical Trial Series Description
    {0x0012, 0x0081, X},                                    // Clinical Trial Protocol Ethics Committee Name
    {0x0012, 0x0082, X},                                    // Clinical Trial Protocol Ethics Committee Approval Number
    {0x0018, 0x1000, X},                                    // Device Serial Number
    {0x0018, 0x1002, U},                                    // Device UID
    {0x0018, 0x1004, X},                                    // Plate ID
    {0x0018, 0x1005, X},                                    // Generator ID
    {0x0018, 0x1007, X},                                    // Cassette ID
    {0x0018, 0x1008, X},                                    // Gantry ID
    {0x0018, 0x1030, X, Retained::Descriptions},            // Protocol Name
    {0x0018, 0x1400, X},                                    // Acquisition Device Processing Description
    {0x0018, 0x4000, X},                                    // Acquisition Comments
    {0x0018, 0x700A, X},                                    // Detector ID
    {0x0018, 0x9424, X},                                    // Acquisition Protocol Description
    {0x0018, 0xA003, X},                                    // Contribution Description
    {0x0020, 0x000D, U},                                    // Study Instance UID
    {0x0020, 0x000E, U},                                    // Series Instance UID
    {0x0020, 0x0010, Z},                                    // Study ID
    {0x0020, 0x0052, U},                                    // Frame of Reference UID
    {0x0020, 0x0200, U},                                    // Synchronization Frame of Reference UID
    {0x0020, 0x3401, X},                                    // Modifying Device ID
    {0x0020, 0x3404, X},                                    // Modifying Device Manufacturer
    {0x0020, 0x3406, X},                                    // Modified Image Description
    {0x0020, 0x4000, X},                                    // Image Comments
    {0x0020, 0x9158, X},                                    // Frame Comments
    {0x0020, 0x9161, U},                                    // Concatenation UID
    {0x0020, 0x9164, U},                                    // Dimension Organization UID
    {0x0028, 0x1199, U},                                    // Palette Color Lookup Table UID
    {0x0028, 0x1214, U},                                    // Large Palette Color Lookup Table UID
    {0x0028, 0x4000, X},                                    // Image Presentation Comments
    {0x0032, 0x0012, X},                                    // Study ID Issuer
    {0x0032, 0x1020, X},                                    // Scheduled Study Location
    {0x0032, 0x1021, X},                                    // Scheduled Study Location AE Title
    {0x0032, 0x1030, X},                                    // Reason for Study
    {0x0032, 0x1032, X},                                    // Requesting Physician
    {0x0032, 0x1033, X},                                    // Requesting Service
    {0x0032, 0x1060, X},                                    // Requested Procedure Description
    {0x0032, 0x1070, X},                                    // Requested Contrast Agent
    {0x0032, 0x4000, X},                                    // Study Comments
    {0x0038, 0x0004, X},                                    // Referenced Patient Alias Sequence
    {0x0038, 0x0010, X},                                    // Admission ID
    {0x0038, 0x0011, X},                                    // Issuer of Admission ID
    {0x0038, 0x001E, X},                                    // Scheduled Patient Institution Residence
    {0x0038, 0x0020, X},                                    // Admitting Date
    {0x0038, 0x0021, X},                                    // Admitting Time
    {0x0038, 0x0040, X},                                    // Discharge Diagnosis Description
    {0x0038, 0x0050, X},                                    // Special Needs
    {0x0038, 0x0060, X},                                    // Service Episode ID
    {0x0038, 0x0061, X},                                    // Issuer of Service Episode ID
    {0x0038, 0x0062, X},                                    // Service Episode Description
    {0x0038, 0x0300, X},                                    // Current Patient Location
    {0x0038, 0x0400, X},                                    // Patient's Institution Residence
    {0x0038, 0x0500, X},                                    // Patient State
    {0x0038, 0x4000, X},                                    // Visit Comments
    {0x0040, 0x0001, X},                                    // Scheduled Station AE Title
    {0x0040, 0x0002, X},                                    // Scheduled Procedure Step Start Date
    {0x0040, 0x0003, X},                                    // Scheduled Procedure Step Start Time
    {0x0040, 0x0004, X},                                    // Scheduled Procedure Step End Date
    {0x0040, 0x0005, X},                                    // Scheduled Procedure Step End Time
    {0x0040, 0x0006, X},                                    // Scheduled Performing Physician's Name
    {0x0040, 0x0007, X},                                    // Scheduled Procedure Step Description
    {0x0040, 0x000B, X},                                    // Scheduled Performing Physician Identification Sequence
    {0x0040, 0x0010, X},                                    // Scheduled Station Name
    {0x0040, 0x0011, X},                                    // Scheduled Procedure Step Location
    {0x0040, 0x0012, X},                                    // Pre-Medication
    {0x0040, 0x0241, X},                                    // Performed Station AE Title
    {0x0040, 0x0242, X},                                    // Performed Station Name
    {0x0040, 0x0243, X},                                    // Performed Location
    {0x0040, 0x0244, X},                                    // Performed Procedure Step Start Date
    {0x0040, 0x0245, X},                                    // Performed Procedure Step Start Time
    {0x0040, 0x0250, X},                                    // Performed Procedure Step End Date
    {0x0040, 0x0251, X},                                    // Performed Procedure Step End Time
    {0x0040, 0x0253, X},                                    // Performed Procedure Step ID
    {0x0040, 0x0254, X},                                    // Performed Procedure Step Description
    {0x0040, 0x0275, X},                                    // Request Attributes Sequence
    {0x0040, 0x0280, X},                                    // Comments on the Performed Procedure Step
    {0x0040, 0x0555, X},                                    // Acquisition Context Sequence
    {0x0040, 0x1001, X},                                    // Requested Procedure ID
    {0x0040, 0x1004, X},                                    // Patient Transport Arrangements
    {0x0040, 0x1005, X},                                    // Requested Procedure Location
    {0x0040, 0x1010, X},                                    // Names of Intended Recipients of Results
    {0x0040, 0x1011, X},                                    // Intended Recipients of Results Identification Sequence
    {0x0040, 0x1101, X},                                    // Person Identification Code Sequence
    {0x0040, 0x1102, X},                                    // Person's Address
    {0x0040, 0x1103, X},                                    // Person's Telephone Numbers
    {0x0040, 0x1104, X},                                    // Person's Telecom Information
    {0x0040, 0x1400, X},                                    // Requested Procedure Comments
    {0x0040, 0x2001, X},                                    // Reason for the Imaging Service Request
    {0x0040, 0x2008, X},                                    // Order Entered By
    {0x0040, 0x2009, X},                                    // Order Enterer's Location
    {0x0040, 0x2010, X},                                    // Order Callback Phone Number
    {0x0040, 0x2011, X},                                    // Order Callback Telecom Information
    {0x0040, 0x2016, Z},                                    // Placer Order Number / Imaging Service Request
    {0x0040, 0x2017, Z},                                    // Filler Order Number / Imaging Service Request
    {0x0040, 0x2400, X},                                    // Imaging Service Request Comments
    {0x0040, 0x3001, X},                                    // Confidentiality Constraint on Patient Data Description
    {0x0040, 0xA027, D},                                    // Verifying Organization
    {0x0040, 0xA073, D},                                    // Verifying Observer Sequence
    {0x0040, 0xA075, D},                                    // Verifying Observer Name
    {0x0040, 0xA078, X},                                    // Author Observer Sequence
    {0x0040, 0xA07A, X},                                    // Participant Sequence
    {0x0040, 0xA07C, X},                                    // Custodial Organization Sequence
    {0x0040, 0xA088, Z},                                    // Verifying Observer Identification Code Sequence
    {0x0040, 0xA123, D},                                    // Person Name
    {0x0040, 0xA124, U},                                    // UID
    {0x0040, 0xA730, X},                                    // Content Sequence
    {0x0040, 0xDB0C, U},                                    // Template Extension Organization UID
    {0x0040, 0xDB0D, U},                                    // Template Extension Creator UID
    {0x0070, 0x0001, X},                                    // Graphic Annotation Sequence
    {0x0070, 0x0084, Z},                                    // Content Creator's Name
    {0x0070, 0x0086, X},                                    // Content Creator's Identification Code Sequence
    {0x0088, 0x0140, U},                                    // Storage Media File-set UID
    {0x3006, 0x0024, U},                                    // Referenced Frame of Reference UID
    {0x3006, 0x00C2, U},                                    // Related Frame of Reference UID
    {0x0400, 0x0100, X},                                    // Digital Signature UID
    {0x0400, 0x0402, X},                                    // Referenced Digital Signature Sequence
    {0x0400, 0x0403, X},                                    // Referenced SOP Instance MAC Sequence
    {0x0400, 0x0404, X},                                    // MAC
    {0x0400, 0x0550, X},                                    // Modified Attributes Sequence
    {0x0400, 0x0561, X},                                    // Original Attributes Sequence
    {0x4000, 0x0010, X},                                    // Arbitration
    {0x4000, 0x4000, X},                                    // Text Comments
    {0xFFFA, 0xFFFA, X},                                    // Digital Signatures Sequence
    {0xFFFC, 0xFFFC, X},                                    // Data Set Trailing Padding
};

const Rule* ruleFor(const DcmTagKey& tag) {
    for (const auto& r : kRules)
        if (r.group == tag.getGroup() && r.element == tag.getElement()) return &r;
    return nullptr;
}

// UIDs that name kinds of things (SOP classes, transfer syntaxes, coding schemes), not instances: never replaced.
bool namesAKind(const DcmTagKey& tag, const std::string& value) {
    static const std::set<DcmTagKey> kinds = {DCM_SOPClassUID,
                                              DCM_ReferencedSOPClassUID,
                                              DCM_MediaStorageSOPClassUID,
                                              DCM_TransferSyntaxUID,
                                              DCM_ImplementationClassUID,
                                              DCM_ReferencedSOPClassUIDInFile,
                                              DCM_ReferencedTransferSyntaxUIDInFile,
                                              DCM_CodingSchemeUID,
                                              DCM_RelatedGeneralSOPClassUID,
                                              DCM_OriginalSpecializedSOPClassUID,
                                              DCM_MappingResourceUID,
                                              DCM_ContextGroupExtensionCreatorUID,
                                              DCM_PrivateInformationCreatorUID,
                                              DCM_AffectedSOPClassUID,
                                              DCM_RequestedSOPClassUID};
    return kinds.count(tag) > 0 || value.rfind("1.2.840.10008.", 0) == 0;
}

std::string dummyValue(DcmEVR vr) {
    switch (vr) {
        case EVR_DA:
            return "19000101";
        case EVR_TM:
            return "000000";
        case EVR_DT:
            return "19000101000000";
        case EVR_IS:
        case EVR_DS:
            return "0";
        case EVR_AS:
            return "000Y";
        default:
            return "ANONYMOUS";
    }
}

bool isPrivate(const DcmTagKey& tag) {
    return tag.getGroup() % 2 == 1;
}
bool isCurve(const DcmTagKey& tag) {
    return tag.getGroup() >= 0x5000 && tag.getGroup() <= 0x50FF;
}
bool isOverlayText(const DcmTagKey& tag) {
    // Overlay Data (60xx,3000) and Overlay Comments (60xx,4000) can draw or write names; Table E.1-1 removes both.
    return tag.getGroup() >= 0x6000 && tag.getGroup() <= 0x60FF &&
           (tag.getElement() == 0x3000 || tag.getElement() == 0x4000);
}
bool isDateOrTime(DcmEVR vr) {
    return vr == EVR_DA || vr == EVR_DT || vr == EVR_TM;
}
}  // namespace

Deidentifier::Deidentifier(AnonymizeOptions options) : options_(std::move(options)) {}

std::string Deidentifier::replacementUid(const std::string& original) {
    auto it = uids_.find(original);
    if (it != uids_.end()) return it->second;
    char uid[100];
    dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
    return uids_[original] = uid;
}

void Deidentifier::clean(DcmItem& item, int depth) {
    if (depth > 64) return;  // deeper nesting than any real object; the profile still applied above it
    for (unsigned long i = 0; i < item.card();) {
        DcmElement* e = item.getElement(i);
        const DcmTagKey tag = e->getTag();
        const DcmEVR vr = e->ident();
        const Rule* rule = ruleFor(tag);
        Action action = Action::Keep;
        if (isPrivate(tag) || isCurve(tag) || isOverlayText(tag)) {
            action = Action::Remove;
        } else if (rule) {
            action = rule->action;
            if ((rule->retained == Retained::PatientCharacteristics && options_.keepPatientCharacteristics) ||
                (rule->retained == Retained::Descriptions && options_.keepDescriptions))
                action = Action::Keep;
        } else if (vr == EVR_PN) {
            action = Action::Empty;  // any person's name the table does not list
        } else if (isDateOrTime(vr)) {
            action = Action::Remove;
        } else if (vr == EVR_UI) {
            action = Action::NewUid;
        }

        if (action == Action::Remove) {
            delete item.remove(i);
            continue;
        }
        if (vr == EVR_SQ) {
            auto* sq = static_cast<DcmSequenceOfItems*>(e);
            if (action == Action::Empty || action == Action::Dummy)
                sq->clear();
            else
                for (unsigned long k = 0; k < sq->card(); ++k) clean(*sq->getItem(k), depth + 1);
        } else if (action == Action::Empty) {
            e->clear();
        } else if (action == Action::Dummy) {
            e->putString(dummyValue(vr).c_str());
        } else if (action == Action::NewUid && vr == EVR_UI) {
            OFString value;
            e->getOFStringArray(value);
            std::string original = value.c_str();
            if (!original.empty() && !namesAKind(tag, original)) {
                std::string replaced;  // each value of a multi-valued UI attribute on its own
                std::size_t start = 0;
                for (;;) {
                    std::size_t end = original.find('\\', start);
                    std::string one =
                        original.substr(start, end == std::string::npos ? std::string::npos : end - start);
                    if (start > 0) replaced += '\\';
                    if (!one.empty()) replaced += replacementUid(one);
                    if (end == std::string::npos) break;
                    start = end + 1;
                }
                e->putString(replaced.c_str());
            }
        }
        ++i;
    }
}

void Deidentifier::apply(DcmItem& dataset) {
    OFString burned;
    if (dataset.findAndGetOFString(DCM_BurnedInAnnotation, burned).good() && burned == "YES")
        warnings.push_back("BurnedInAnnotation is YES: the pixels themselves carry text that may identify the patient");
    clean(dataset, 0);
    dataset.putAndInsertString(DCM_PatientIdentityRemoved, "YES");
    std::string method = "DICOM PS3.15 E.1 Basic Application Level Confidentiality Profile (polysim anonymize)";
    if (options_.keepPatientCharacteristics) method += "; Retain Patient Characteristics Option";
    if (options_.keepDescriptions) method += "; study, series and protocol descriptions kept";
    dataset.putAndInsertString(DCM_DeidentificationMethod, method.substr(0, 64).c_str());
    dataset.findAndDeleteElement(DCM_DeidentificationMethodCodeSequence);
    auto addCode = [&](const char* value, const char* meaning) {
        DcmItem* code = nullptr;
        if (dataset.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, code, -2).good() && code) {
            code->putAndInsertString(DCM_CodeValue, value);
            code->putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
            code->putAndInsertString(DCM_CodeMeaning, meaning);
        }
    };
    addCode("113100", "Basic Application Confidentiality Profile");
    if (options_.keepPatientCharacteristics) addCode("113108", "Retain Patient Characteristics Option");
    dataset.putAndInsertString(DCM_LongitudinalTemporalInformationModified, "REMOVED");
}

// ---------------------------------------------------------------------------------------------------------------

namespace {
bool inside(const fs::path& child, const fs::path& parent) {
    auto c = child.lexically_normal(), p = parent.lexically_normal();
    auto [pe, ce] = std::mismatch(p.begin(), p.end(), c.begin(), c.end());
    return pe == p.end() || (std::next(pe) == p.end() && pe->empty());
}
}  // namespace

AnonymizeReport anonymizeFolder(const fs::path& input, const fs::path& output, const AnonymizeOptions& options) {
    std::error_code ec;
    if (!fs::exists(input, ec)) throw AnonymizeError(input.string() + " does not exist");
    const fs::path in = fs::weakly_canonical(input, ec);
    const fs::path out = fs::weakly_canonical(output, ec);
    if (inside(out, in) || inside(in, out))
        throw AnonymizeError("the output folder " + output.string() + " must lie outside the input " + input.string() +
                             " (and not contain it)");
    if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
        throw AnonymizeError("the output folder " + output.string() +
                             " is not empty; choose a new or empty folder so nothing there is mixed or overwritten");

    std::vector<fs::path> files;
    if (fs::is_directory(in, ec)) {
        for (fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec))
            if (it->is_regular_file()) files.push_back(it->path());
        if (ec) throw AnonymizeError("cannot read " + input.string() + ": " + ec.message());
    } else {
        files.push_back(in);
    }
    std::sort(files.begin(), files.end());

    detail::registerCodecsOnce();
    AnonymizeReport report;
    report.output = output;
    fs::create_directories(out, ec);
    if (ec) throw AnonymizeError("cannot create " + output.string() + ": " + ec.message());

    Deidentifier deidentifier(options);
    std::set<std::string> studies, series;
    for (std::size_t n = 0; n < files.size(); ++n) {
        const fs::path& file = files[n];
        if (options.progress) options.progress(n, files.size());
        DcmFileFormat ff;
        OFCondition status = ff.loadFile(file.c_str());
        if (status.bad()) {
            report.skipped.push_back({file, std::string("not a readable DICOM file (") + status.text() + ")"});
            continue;
        }
        DcmDataset* ds = ff.getDataset();
        OFString sopClass;
        ff.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, sopClass);
        if (sopClass == UID_MediaStorageDirectoryStorage || ds->tagExists(DCM_DirectoryRecordSequence)) {
            report.skipped.push_back({file,
                                      "DICOMDIR: not copied (it repeats the patients' identities); the images "
                                      "it lists are anonymized on their own"});
            continue;
        }
        OFString sop;
        if (ds->findAndGetOFString(DCM_SOPInstanceUID, sop).bad() || sop.empty()) {
            report.skipped.push_back({file, "no SOPInstanceUID (0008,0018): not a DICOM instance"});
            continue;
        }
        const E_TransferSyntax xfer = ds->getOriginalXfer();
        const std::size_t warningsBefore = deidentifier.warnings.size();
        deidentifier.apply(*ds);
        for (std::size_t w = warningsBefore; w < deidentifier.warnings.size(); ++w)
            report.warnings.push_back(file.string() + ": " + deidentifier.warnings[w]);

        DcmMetaInfo* meta = ff.getMetaInfo();
        for (Uint16 element : {0x0016, 0x0017, 0x0018})  // source, sending and receiving AE titles
            meta->findAndDeleteElement(DcmTagKey(0x0002, element));

        OFString newSop, newSeries, newStudy;
        ds->findAndGetOFString(DCM_SOPInstanceUID, newSop);
        ds->findAndGetOFString(DCM_SeriesInstanceUID, newSeries);
        ds->findAndGetOFString(DCM_StudyInstanceUID, newStudy);
        fs::path dir = out / (newSeries.empty() ? std::string("no-series") : std::string(newSeries.c_str()));
        fs::create_directories(dir, ec);
        fs::path target = dir / (std::string(newSop.c_str()) + ".dcm");
        fs::path partial = target;
        partial += ".part";
        status =
            ff.saveFile(partial.c_str(), xfer, EET_UndefinedLength, EGL_recalcGL, EPD_noChange, 0, 0, EWM_updateMeta);
        if (status.bad()) {
            fs::remove(partial, ec);
            report.skipped.push_back(
                {file, std::string("could not be written to ") + target.string() + " (" + status.text() + ")"});
            continue;
        }
        fs::rename(partial, target, ec);
        ++report.filesWritten;
        if (!newStudy.empty()) studies.insert(newStudy.c_str());
        if (!newSeries.empty()) series.insert(newSeries.c_str());
    }
    if (options.progress) options.progress(files.size(), files.size());
    report.studies = studies.size();
    report.series = series.size();
    return report;
}

}  // namespace polysim::imaging

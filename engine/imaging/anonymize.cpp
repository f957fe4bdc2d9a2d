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

struct Rule {
    DcmTagKey tag;
    Action action;
};

constexpr Action X = Action::Remove, Z = Action::Empty, D = Action::Dummy, U = Action::NewUid, K = Action::Keep;

// PS3.15 Table E.1-1, Basic Profile, by attribute keyword.
const Rule kRules[] = {
    {DCM_InstanceCreatorUID, U},
    {DCM_InstanceCoercionDateTime, X},
    {DCM_SOPInstanceUID, U},
    {DCM_StudyDate, Z},
    {DCM_SeriesDate, X},
    {DCM_AcquisitionDate, X},
    {DCM_ContentDate, Z},
    {DCM_RETIRED_OverlayDate, X},
    {DCM_RETIRED_CurveDate, X},
    {DCM_AcquisitionDateTime, X},
    {DCM_StudyTime, Z},
    {DCM_SeriesTime, X},
    {DCM_AcquisitionTime, X},
    {DCM_ContentTime, Z},
    {DCM_RETIRED_OverlayTime, X},
    {DCM_RETIRED_CurveTime, X},
    {DCM_AccessionNumber, Z},
    {DCM_FailedSOPInstanceUIDList, U},
    {DCM_InstitutionName, X},
    {DCM_InstitutionAddress, X},
    {DCM_InstitutionCodeSequence, X},
    {DCM_ReferringPhysicianName, Z},
    {DCM_ReferringPhysicianAddress, X},
    {DCM_ReferringPhysicianTelephoneNumbers, X},
    {DCM_ReferringPhysicianIdentificationSequence, X},
    {DCM_ConsultingPhysicianName, Z},
    {DCM_ConsultingPhysicianIdentificationSequence, X},
    {DCM_TimezoneOffsetFromUTC, X},
    {DCM_StationName, X},
    {DCM_StudyDescription, X},
    {DCM_SeriesDescription, X},
    {DCM_InstitutionalDepartmentName, X},
    {DCM_InstitutionalDepartmentTypeCodeSequence, X},
    {DCM_PhysiciansOfRecord, X},
    {DCM_PhysiciansOfRecordIdentificationSequence, X},
    {DCM_PerformingPhysicianName, X},
    {DCM_PerformingPhysicianIdentificationSequence, X},
    {DCM_NameOfPhysiciansReadingStudy, X},
    {DCM_PhysiciansReadingStudyIdentificationSequence, X},
    {DCM_OperatorsName, X},
    {DCM_OperatorIdentificationSequence, X},
    {DCM_AdmittingDiagnosesDescription, X},
    {DCM_AdmittingDiagnosesCodeSequence, X},
    {DCM_ReferencedStudySequence, X},
    {DCM_ReferencedPerformedProcedureStepSequence, X},
    {DCM_ReferencedPatientSequence, X},
    {DCM_ReferencedImageSequence, K},  // X/Z/U*: kept, its UIDs replaced
    {DCM_ReferencedSOPInstanceUID, U},
    {DCM_TransactionUID, U},
    {DCM_DerivationDescription, X},
    {DCM_SourceImageSequence, K},  // X/Z/U*: kept, its UIDs replaced
    {DCM_IrradiationEventUID, U},
    {DCM_RETIRED_IdentifyingComments, X},
    {DCM_PatientName, Z},
    {DCM_PatientID, Z},
    {DCM_IssuerOfPatientID, X},
    {DCM_PatientBirthDate, Z},
    {DCM_PatientBirthTime, X},
    {DCM_PatientSex, Z},
    {DCM_PatientInsurancePlanCodeSequence, X},
    {DCM_PatientPrimaryLanguageCodeSequence, X},
    {DCM_PatientPrimaryLanguageModifierCodeSequence, X},
    {DCM_RETIRED_OtherPatientIDs, X},
    {DCM_OtherPatientNames, X},
    {DCM_OtherPatientIDsSequence, X},
    {DCM_PatientBirthName, X},
    {DCM_PatientAge, X},
    {DCM_PatientSize, X},
    {DCM_PatientWeight, X},
    {DCM_PatientAddress, X},
    {DCM_RETIRED_InsurancePlanIdentification, X},
    {DCM_PatientMotherBirthName, X},
    {DCM_MilitaryRank, X},
    {DCM_BranchOfService, X},
    {DCM_RETIRED_MedicalRecordLocator, X},
    {DCM_ReferencedPatientPhotoSequence, X},
    {DCM_MedicalAlerts, X},
    {DCM_Allergies, X},
    {DCM_CountryOfResidence, X},
    {DCM_RegionOfResidence, X},
    {DCM_PatientTelephoneNumbers, X},
    {DCM_PatientTelecomInformation, X},
    {DCM_EthnicGroup, X},
    {DCM_Occupation, X},
    {DCM_SmokingStatus, X},
    {DCM_AdditionalPatientHistory, X},
    {DCM_PregnancyStatus, X},
    {DCM_LastMenstrualDate, X},
    {DCM_PatientReligiousPreference, X},
    {DCM_PatientSexNeutered, X},
    {DCM_ResponsiblePerson, X},
    {DCM_ResponsibleOrganization, X},
    {DCM_PatientComments, X},
    {DCM_ClinicalTrialSponsorName, X},
    {DCM_ClinicalTrialProtocolID, X},
    {DCM_ClinicalTrialProtocolName, X},
    {DCM_ClinicalTrialSiteID, X},
    {DCM_ClinicalTrialSiteName, X},
    {DCM_ClinicalTrialSubjectID, X},
    {DCM_ClinicalTrialSubjectReadingID, X},
    {DCM_ClinicalTrialTimePointID, X},
    {DCM_ClinicalTrialTimePointDescription, X},
    {DCM_ClinicalTrialCoordinatingCenterName, X},
    {DCM_ClinicalTrialSeriesID, X},
    {DCM_ClinicalTrialSeriesDescription, X},
    {DCM_ClinicalTrialProtocolEthicsCommitteeName, X},
    {DCM_ClinicalTrialProtocolEthicsCommitteeApprovalNumber, X},
    {DCM_DeviceSerialNumber, X},
    {DCM_DeviceUID, U},
    {DCM_PlateID, X},
    {DCM_GeneratorID, X},
    {DCM_CassetteID, X},
    {DCM_GantryID, X},
    {DCM_ProtocolName, X},
    {DCM_AcquisitionDeviceProcessingDescription, X},
    {DCM_RETIRED_AcquisitionComments, X},
    {DCM_DetectorID, X},
    {DCM_AcquisitionProtocolDescription, X},
    {DCM_ContributionDescription, X},
    {DCM_StudyInstanceUID, U},
    {DCM_SeriesInstanceUID, U},
    {DCM_StudyID, Z},
    {DCM_FrameOfReferenceUID, U},
    {DCM_SynchronizationFrameOfReferenceUID, U},
    {DCM_RETIRED_ModifyingDeviceID, X},
    {DCM_RETIRED_ModifyingDeviceManufacturer, X},
    {DCM_RETIRED_ModifiedImageDescription, X},
    {DCM_ImageComments, X},
    {DCM_FrameComments, X},
    {DCM_ConcatenationUID, U},
    {DCM_DimensionOrganizationUID, U},
    {DCM_PaletteColorLookupTableUID, U},
    {DCM_RETIRED_LargePaletteColorLookupTableUID, U},
    {DCM_RETIRED_ImagePresentationComments, X},
    {DCM_RETIRED_StudyIDIssuer, X},
    {DCM_RETIRED_ScheduledStudyLocation, X},
    {DCM_RETIRED_ScheduledStudyLocationAETitle, X},
    {DCM_RETIRED_ReasonForStudy, X},
    {DCM_RequestingPhysician, X},
    {DCM_RequestingService, X},
    {DCM_RequestedProcedureDescription, X},
    {DCM_RequestedContrastAgent, X},
    {DCM_RETIRED_StudyComments, X},
    {DCM_ReferencedPatientAliasSequence, X},
    {DCM_AdmissionID, X},
    {DCM_RETIRED_IssuerOfAdmissionID, X},
    {DCM_RETIRED_ScheduledPatientInstitutionResidence, X},
    {DCM_AdmittingDate, X},
    {DCM_AdmittingTime, X},
    {DCM_RETIRED_DischargeDiagnosisDescription, X},
    {DCM_SpecialNeeds, X},
    {DCM_ServiceEpisodeID, X},
    {DCM_RETIRED_IssuerOfServiceEpisodeID, X},
    {DCM_ServiceEpisodeDescription, X},
    {DCM_CurrentPatientLocation, X},
    {DCM_PatientInstitutionResidence, X},
    {DCM_PatientState, X},
    {DCM_VisitComments, X},
    {DCM_ScheduledStationAETitle, X},
    {DCM_ScheduledProcedureStepStartDate, X},
    {DCM_ScheduledProcedureStepStartTime, X},
    {DCM_ScheduledProcedureStepEndDate, X},
    {DCM_ScheduledProcedureStepEndTime, X},
    {DCM_ScheduledPerformingPhysicianName, X},
    {DCM_ScheduledProcedureStepDescription, X},
    {DCM_ScheduledPerformingPhysicianIdentificationSequence, X},
    {DCM_ScheduledStationName, X},
    {DCM_ScheduledProcedureStepLocation, X},
    {DCM_PreMedication, X},
    {DCM_PerformedStationAETitle, X},
    {DCM_PerformedStationName, X},
    {DCM_PerformedLocation, X},
    {DCM_PerformedProcedureStepStartDate, X},
    {DCM_PerformedProcedureStepStartTime, X},
    {DCM_PerformedProcedureStepEndDate, X},
    {DCM_PerformedProcedureStepEndTime, X},
    {DCM_PerformedProcedureStepID, X},
    {DCM_PerformedProcedureStepDescription, X},
    {DCM_RequestAttributesSequence, X},
    {DCM_CommentsOnThePerformedProcedureStep, X},
    {DCM_AcquisitionContextSequence, X},
    {DCM_RequestedProcedureID, X},
    {DCM_PatientTransportArrangements, X},
    {DCM_RequestedProcedureLocation, X},
    {DCM_NamesOfIntendedRecipientsOfResults, X},
    {DCM_IntendedRecipientsOfResultsIdentificationSequence, X},
    {DCM_PersonIdentificationCodeSequence, X},
    {DCM_PersonAddress, X},
    {DCM_PersonTelephoneNumbers, X},
    {DCM_PersonTelecomInformation, X},
    {DCM_RequestedProcedureComments, X},
    {DCM_RETIRED_ReasonForTheImagingServiceRequest, X},
    {DCM_OrderEnteredBy, X},
    {DCM_OrderEntererLocation, X},
    {DCM_OrderCallbackPhoneNumber, X},
    {DCM_OrderCallbackTelecomInformation, X},
    {DCM_PlacerOrderNumberImagingServiceRequest, Z},
    {DCM_FillerOrderNumberImagingServiceRequest, Z},
    {DCM_ImagingServiceRequestComments, X},
    {DCM_ConfidentialityConstraintOnPatientDataDescription, X},
    {DCM_VerifyingOrganization, D},
    {DCM_VerifyingObserverSequence, D},
    {DCM_VerifyingObserverName, D},
    {DCM_AuthorObserverSequence, X},
    {DCM_ParticipantSequence, X},
    {DCM_CustodialOrganizationSequence, X},
    {DCM_VerifyingObserverIdentificationCodeSequence, Z},
    {DCM_PersonName, D},
    {DCM_UID, U},
    {DCM_ContentSequence, X},
    {DCM_RETIRED_TemplateExtensionOrganizationUID, U},
    {DCM_RETIRED_TemplateExtensionCreatorUID, U},
    {DCM_GraphicAnnotationSequence, X},
    {DCM_ContentCreatorName, Z},
    {DCM_ContentCreatorIdentificationCodeSequence, X},
    {DCM_StorageMediaFileSetUID, U},
    {DCM_ReferencedFrameOfReferenceUID, U},
    {DCM_RETIRED_RelatedFrameOfReferenceUID, U},
    {DCM_DigitalSignatureUID, X},
    {DCM_ReferencedDigitalSignatureSequence, X},
    {DCM_ReferencedSOPInstanceMACSequence, X},
    {DCM_MAC, X},
    {DCM_ModifiedAttributesSequence, X},
    {DCM_OriginalAttributesSequence, X},
    {DCM_RETIRED_Arbitrary, X},
    {DCM_RETIRED_TextComments, X},
    {DCM_DigitalSignaturesSequence, X},
    {DCM_DataSetTrailingPadding, X},
};

const Rule* ruleFor(const DcmTagKey& tag) {
    for (const auto& r : kRules)
        if (r.tag == tag) return &r;
    return nullptr;
}

// What the options keep of the attributes the profile removes or empties: the Retain Patient Characteristics Option
// (Table E.1-1's column of that name), and the study, series and protocol descriptions.
const DcmTagKey kPatientCharacteristics[] = {DCM_PatientSex, DCM_PatientAge, DCM_PatientSize, DCM_PatientWeight};
const DcmTagKey kDescriptions[] = {DCM_StudyDescription, DCM_SeriesDescription, DCM_ProtocolName};

template <std::size_t N>
bool listed(const DcmTagKey (&tags)[N], const DcmTagKey& tag) {
    return std::find(std::begin(tags), std::end(tags), tag) != std::end(tags);
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
            if ((options_.keepPatientCharacteristics && listed(kPatientCharacteristics, tag)) ||
                (options_.keepDescriptions && listed(kDescriptions, tag)))
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

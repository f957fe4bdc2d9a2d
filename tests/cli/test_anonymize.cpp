// `polysim anonymize` on real CT given a patient's identity (names, IDs, dates, institution, private attributes,
// references between images): afterwards no identifying value is left anywhere in the files, polysim info finds no
// identifying attribute, UIDs are new yet consistent, and the images load to the same HU on the same grid.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <fstream>
#include <set>

#include "imaging/dicom_loader.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

bool isDicom(const fs::path& file) {
    std::string bytes = readFile(file);
    return bytes.size() > 132 && bytes.compare(128, 4, "DICM") == 0;
}

std::string get(DcmItem& item, const DcmTagKey& key) {
    OFString v;
    item.findAndGetOFStringArray(key, v);
    return v.c_str();
}

std::vector<fs::path> dicomFiles(const fs::path& folder) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        if (e.is_regular_file() && isDicom(e.path())) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Whether any element at any depth of `item` is private (odd group).
bool hasPrivate(DcmItem& item) {
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* e = item.getElement(i);
        if (e->getTag().getGroup() % 2 == 1) return true;
        if (e->ident() == EVR_SQ) {
            auto* sq = static_cast<DcmSequenceOfItems*>(e);
            for (unsigned long k = 0; k < sq->card(); ++k)
                if (hasPrivate(*sq->getItem(k))) return true;
        }
    }
    return false;
}

const std::vector<std::string> kIdentity = {"DOE^JANE",      "MRN-4711",    "19700203",  "Springfield General",
                                            "HOUSE^GREGORY", "ACC99821",    "20240115",  "Jane fell",
                                            "OLD-0815",      "ACME secret", "CT-ROOM-2", "Dr^Who"};

// A copy of the tilted GE head CT (real scanner files) carrying a made-up patient's identity in the attributes the
// profile must treat, in a folder whose name is the patient's.
struct IdentifiedStudy {
    fs::path folder;
    std::string studyUid, seriesUid;
    std::set<std::string> sopUids;
};
IdentifiedStudy identifiedCopy(const fs::path& source, const fs::path& dir) {
    IdentifiedStudy s;
    s.folder = dir / "DOE_JANE";
    fs::create_directories(s.folder / "nested");
    std::vector<std::string> sops;
    auto files = dicomFiles(source);
    for (const auto& f : files) {
        DcmFileFormat ff;
        ff.loadFile(f.c_str());
        sops.push_back(get(*ff.getDataset(), DCM_SOPInstanceUID));
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        DcmFileFormat ff;
        EXPECT_TRUE(ff.loadFile(files[i].c_str()).good());
        DcmDataset* ds = ff.getDataset();
        ds->putAndInsertString(DCM_PatientName, "DOE^JANE");
        ds->putAndInsertString(DCM_PatientID, "MRN-4711");
        ds->putAndInsertString(DCM_PatientBirthDate, "19700203");
        ds->putAndInsertString(DCM_PatientSex, "F");
        ds->putAndInsertString(DCM_PatientAge, "054Y");
        ds->putAndInsertString(DCM_InstitutionName, "Springfield General");
        ds->putAndInsertString(DCM_ReferringPhysicianName, "HOUSE^GREGORY");
        ds->putAndInsertString(DCM_AccessionNumber, "ACC99821");
        ds->putAndInsertString(DCM_StudyDate, "20240115");
        ds->putAndInsertString(DCM_SeriesDate, "20240115");
        ds->putAndInsertString(DCM_RETIRED_OtherPatientIDs, "OLD-0815");
        ds->putAndInsertString(DCM_ImageComments, "Jane fell from a horse");
        ds->putAndInsertString(DCM_StationName, "CT-ROOM-2");
        ds->putAndInsertString(DcmTag(0x0009, 0x0010, EVR_LO), "ACME");
        ds->putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), "ACME secret");
        ds->putAndInsertString(DcmTagKey(0x6000, 0x4000), "Jane fell");
        // Each slice refers to the next, as localizer and source references do; a name hides in the item too.
        DcmItem* ref = nullptr;
        ds->findOrCreateSequenceItem(DCM_ReferencedImageSequence, ref, -2);
        ref->putAndInsertString(DCM_ReferencedSOPClassUID, UID_CTImageStorage);
        ref->putAndInsertString(DCM_ReferencedSOPInstanceUID, sops[(i + 1) % sops.size()].c_str());
        ref->putAndInsertString(DcmTag(0x0008, 0x1050, EVR_PN), "Dr^Who");
        if (i == 0) {
            s.studyUid = get(*ds, DCM_StudyInstanceUID);
            s.seriesUid = get(*ds, DCM_SeriesInstanceUID);
        }
        s.sopUids.insert(sops[i]);
        fs::path target = (i % 2 ? s.folder / "nested" : s.folder) / ("DOE_JANE_" + std::to_string(i) + ".dcm");
        EXPECT_TRUE(ff.saveFile(target.c_str(), ds->getOriginalXfer()).good());
    }
    std::ofstream(s.folder / "report.txt") << "Jane Doe, MRN-4711";
    return s;
}

std::string identifyingLine(const std::string& text) {
    auto at = text.find("identifying attributes present:");
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
}

TEST(Anonymize, NoIdentifyingValueIsLeftAndTheImagesLoadToTheSameHu) {
    fs::path dir = scratchDir("anonymize-basic");
    IdentifiedStudy in = identifiedCopy(fixturesDir() / "dicom" / "ge-head-tilt", dir);
    std::map<fs::path, std::string> before;
    for (const auto& e : fs::recursive_directory_iterator(in.folder))
        if (e.is_regular_file()) before[e.path()] = readFile(e.path());
    ASSERT_EQ(identifyingLine(runPolysim("info --headers-only " + in.folder.string()).out).find("none"),
              std::string::npos);

    fs::path out = dir / "teaching";
    CommandResult r = runPolysim("anonymize " + in.folder.string() + " --out " + out.string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("28 file(s) of 1 study(ies), 1 series, 1 skipped"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("report.txt: not a readable DICOM file"), std::string::npos) << "names the skipped file";
    EXPECT_EQ(identifyingLine(runPolysim("info --headers-only " + out.string()).out),
              "identifying attributes present: none");

    // Not one identifying value or original UID anywhere in the bytes, nor in the file and folder names.
    auto files = dicomFiles(out);
    ASSERT_EQ(files.size(), 28u);
    for (const auto& f : files) {
        std::string bytes = readFile(f) + f.string();
        for (const auto& value : kIdentity) EXPECT_EQ(bytes.find(value), std::string::npos) << value << " in " << f;
        EXPECT_EQ(bytes.find(in.studyUid), std::string::npos) << f;
        EXPECT_EQ(bytes.find(in.seriesUid), std::string::npos) << f;
        for (const auto& sop : in.sopUids) ASSERT_EQ(bytes.find(sop), std::string::npos) << f;
        EXPECT_EQ(f.string().find("DOE"), std::string::npos);
    }

    // New UIDs, consistent: one study, one series, one frame of reference; references point at the new instances.
    std::set<std::string> studies, series, frames, sops, referenced;
    for (const auto& f : files) {
        DcmFileFormat ff;
        ASSERT_TRUE(ff.loadFile(f.c_str()).good());
        DcmDataset* ds = ff.getDataset();
        studies.insert(get(*ds, DCM_StudyInstanceUID));
        series.insert(get(*ds, DCM_SeriesInstanceUID));
        frames.insert(get(*ds, DCM_FrameOfReferenceUID));
        sops.insert(get(*ds, DCM_SOPInstanceUID));
        EXPECT_EQ(get(*ff.getMetaInfo(), DCM_MediaStorageSOPInstanceUID), get(*ds, DCM_SOPInstanceUID));
        DcmItem* ref = nullptr;
        ASSERT_TRUE(ds->findAndGetSequenceItem(DCM_ReferencedImageSequence, ref, 0).good());
        referenced.insert(get(*ref, DCM_ReferencedSOPInstanceUID));
        EXPECT_EQ(get(*ref, DCM_ReferencedSOPClassUID), UID_CTImageStorage);
        EXPECT_EQ(get(*ds, DCM_SOPClassUID), UID_CTImageStorage);
        EXPECT_EQ(get(*ds, DCM_PatientIdentityRemoved), "YES");
        EXPECT_NE(get(*ds, DCM_DeidentificationMethod).find("Basic Application Level Confidentiality"),
                  std::string::npos);
        DcmItem* code = nullptr;
        ASSERT_TRUE(ds->findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, 0).good());
        EXPECT_EQ(get(*code, DCM_CodeValue), "113100");
        EXPECT_FALSE(hasPrivate(*ds)) << f;
        EXPECT_TRUE(ds->tagExists(DCM_PatientName)) << "type 2 attributes stay, empty";
        EXPECT_EQ(get(*ds, DCM_PatientName), "");
        EXPECT_EQ(get(*ds, DCM_PatientSex), "");
        EXPECT_FALSE(ds->tagExists(DCM_PatientAge));
    }
    EXPECT_EQ(studies.size(), 1u);
    EXPECT_EQ(series.size(), 1u);
    EXPECT_EQ(frames.size(), 1u);
    EXPECT_EQ(sops.size(), 28u);
    EXPECT_EQ(referenced, sops) << "every reference names one of the new instances";

    auto original = loadCtVolume(in.folder);
    auto copy = loadCtVolume(out);
    ASSERT_EQ(original->dims(), copy->dims());
    EXPECT_EQ(original->geometry().origin, copy->geometry().origin);
    EXPECT_TRUE(std::equal(original->voxels().begin(), original->voxels().end(), copy->voxels().begin()));

    // The input is as it was.
    for (const auto& [file, bytes] : before) EXPECT_EQ(readFile(file), bytes) << file;
}

TEST(Anonymize, CompressedImagesKeepTheirTransferSyntaxAndHu) {
    fs::path dir = scratchDir("anonymize-jpegls");
    fs::path source = fixturesDir() / "real" / "cptac-gbm-head";
    fs::path out = dir / "out";
    CommandResult r = runPolysim("anonymize " + source.string() + " --out " + out.string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    CommandResult info = runPolysim("info --headers-only " + out.string());
    EXPECT_NE(info.out.find("transfer syntax JPEG-LS Lossless"), std::string::npos) << info.out;
    EXPECT_EQ(identifyingLine(info.out), "identifying attributes present: none");
    auto original = loadCtVolume(source);
    auto copy = loadCtVolume(out);
    ASSERT_EQ(original->dims(), copy->dims());
    EXPECT_TRUE(std::equal(original->voxels().begin(), original->voxels().end(), copy->voxels().begin()));
}

TEST(Anonymize, PatientCharacteristicsStayWhenAsked) {
    fs::path dir = scratchDir("anonymize-keep");
    IdentifiedStudy in = identifiedCopy(fixturesDir() / "dicom" / "ge-head-tilt", dir);
    fs::path out = dir / "out";
    CommandResult r =
        runPolysim("anonymize " + in.folder.string() + " --out " + out.string() + " --keep-patient-characteristics");
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("identifying attributes present: PatientAge (kept as asked)"), std::string::npos) << r.out;
    DcmFileFormat ff;
    ASSERT_TRUE(ff.loadFile(dicomFiles(out).front().c_str()).good());
    EXPECT_EQ(get(*ff.getDataset(), DCM_PatientSex), "F");
    EXPECT_EQ(get(*ff.getDataset(), DCM_PatientAge), "054Y");
    EXPECT_EQ(get(*ff.getDataset(), DCM_PatientName), "");
}

TEST(Anonymize, AnOutputThatIsNotEmptyOrLiesInsideTheInputIsRefused) {
    fs::path dir = scratchDir("anonymize-refuse");
    IdentifiedStudy in = identifiedCopy(fixturesDir() / "dicom" / "ge-head-tilt", dir);
    fs::path out = dir / "used";
    fs::create_directories(out);
    std::ofstream(out / "keep.txt") << "mine";
    CommandResult busy = runPolysim("anonymize " + in.folder.string() + " --out " + out.string());
    EXPECT_EQ(busy.exitCode, 1);
    EXPECT_NE(busy.err.find("is not empty"), std::string::npos) << busy.err;
    EXPECT_EQ(readFile(out / "keep.txt"), "mine");

    CommandResult inside = runPolysim("anonymize " + in.folder.string() + " --out " + (in.folder / "anon").string());
    EXPECT_EQ(inside.exitCode, 1);
    EXPECT_NE(inside.err.find("must lie outside the input"), std::string::npos) << inside.err;
    EXPECT_FALSE(fs::exists(in.folder / "anon"));

    CommandResult nothing = runPolysim("anonymize " + (dir / "missing").string() + " --out " + (dir / "o").string());
    EXPECT_EQ(nothing.exitCode, 1);
    EXPECT_NE(nothing.err.find("does not exist"), std::string::npos) << nothing.err;
}

}  // namespace
}  // namespace polysim::test

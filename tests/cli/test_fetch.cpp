// `polysim fetch` against a real Orthanc with its DICOMweb plugin, started by each test on a free local port and
// loaded with real CT through its REST API: a fetched study is the source study file for file and voxel for voxel;
// a fetch cut short keeps what arrived whole and the next run fetches only the rest; a server that refuses, is not
// there or drops the connection gives an error that names what failed.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <sys/stat.h>

#include <map>
#include <set>

#include "imaging/dicom_loader.h"
#include "imaging/dicomweb.h"
#include "support/orthanc_server.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

fs::path headCt() {
    return fixturesDir() / "dicom" / "ge-head-tilt";
}

std::string attribute(const fs::path& file, const DcmTagKey& key) {
    std::string bytes = readFile(file);
    if (bytes.size() < 132 || bytes.compare(128, 4, "DICM") != 0) return {};
    DcmFileFormat ff;
    if (ff.loadFile(file.c_str()).bad()) return {};
    OFString v;
    ff.getDataset()->findAndGetOFString(key, v);
    return v.c_str();
}
// The StudyInstanceUID of the first DICOM file in a folder.
std::string studyOf(const fs::path& folder) {
    for (const auto& e : fs::directory_iterator(folder))
        if (auto uid = attribute(e.path(), DCM_StudyInstanceUID); !uid.empty()) return uid;
    return {};
}

std::vector<fs::path> filesWithExtension(const fs::path& folder, const std::string& ext) {
    std::vector<fs::path> out;
    if (!fs::exists(folder)) return out;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
    return out;
}

// Contents of every DICOM file of the source folder, to recognise each fetched file as one of them.
std::set<std::string> sourceContents(const fs::path& folder) {
    std::set<std::string> all;
    for (const auto& e : fs::directory_iterator(folder))
        if (!attribute(e.path(), DCM_SOPInstanceUID).empty()) all.insert(readFile(e.path()));
    return all;
}

struct FileStamp {
    ino_t inode;
    struct timespec modified;
};
FileStamp stampOf(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return {st.st_ino, st.st_mtim};
}

class Fetch : public ::testing::Test {
protected:
    void startServer(OrthancOptions options = {}) {
        const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        dir_ = scratchDir("fetch-" + name);
        server_ = std::make_unique<OrthancServer>(dir_ / "orthanc", std::move(options));
        ASSERT_EQ(server_->uploadFolder(headCt()), 28);
        study_ = studyOf(headCt());
        ASSERT_FALSE(study_.empty());
    }
    fs::path out() const { return dir_ / "fetched"; }
    CommandResult fetch(const std::string& url, const std::string& extra = {}) const {
        return runPolysim("fetch " + url + " --study " + study_ + " --out " + out().string() + " " + extra);
    }

    fs::path dir_;
    std::unique_ptr<OrthancServer> server_;
    std::string study_;
};

TEST_F(Fetch, AFetchedStudyIsTheSourceStudyFileForFileAndVoxelForVoxel) {
    startServer();
    CommandResult r = fetch(server_->dicomWebUrl());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("28 instances (28 fetched, 0 already here"), std::string::npos) << r.out;

    auto fetched = filesWithExtension(out(), ".dcm");
    ASSERT_EQ(fetched.size(), 28u);
    auto source = sourceContents(headCt());
    for (const auto& f : fetched) EXPECT_TRUE(source.count(readFile(f))) << f << " differs from every source file";
    EXPECT_TRUE(filesWithExtension(out(), ".part").empty());

    auto original = loadCtVolume(headCt());
    auto copy = loadCtVolume(out());
    ASSERT_EQ(original->dims(), copy->dims());
    EXPECT_TRUE(std::equal(original->voxels().begin(), original->voxels().end(), copy->voxels().begin()));

    // The identifying attributes are named as polysim info names them for the source.
    CommandResult info = runPolysim("info --headers-only " + headCt().string());
    auto line = [](const std::string& text) {
        auto at = text.find("identifying attributes present:");
        return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
    };
    ASSERT_FALSE(line(info.out).empty()) << info.out;
    EXPECT_EQ(line(r.out), line(info.out));
    EXPECT_NE(r.out.find("polysim anonymize"), std::string::npos);
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no progress bar drawn into a file";
}

TEST_F(Fetch, OnATerminalAProgressBarCountsTheInstances) {
    startServer();
    // script(1) gives the command a terminal and records what it drew.
    fs::path typescript = dir_ / "typescript";
    CommandResult r = runShell("script -qec '" + polysimBinary().string() + " fetch " + server_->dicomWebUrl() +
                               " --study " + study_ + " --out " + out().string() + "' " + typescript.string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    std::string drawn = readFile(typescript);
    EXPECT_NE(drawn.find("\rseries 1/1 [##############################] 28/28 instances"), std::string::npos)
        << drawn.substr(0, 2000);
    EXPECT_NE(drawn.find("/28 instances"), std::string::npos);
}

TEST_F(Fetch, AUrlEndingInTheStudyNeedsNoStudyOptionAndListingDownloadsNothing) {
    startServer();
    CommandResult list = runPolysim("fetch " + server_->dicomWebUrl() + "/studies/" + study_ + " --list");
    ASSERT_EQ(list.exitCode, 0) << list.err;
    EXPECT_NE(list.out.find("1 series"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("28 instances"), std::string::npos) << list.out;

    CommandResult r =
        runPolysim("fetch " + server_->dicomWebUrl() + "/studies/" + study_ + "/ --out " + out().string() + " --quiet");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(filesWithExtension(out(), ".dcm").size(), 28u);
}

TEST_F(Fetch, AFetchCutShortKeepsWholeInstancesOnlyAndTheNextRunFetchesJustTheRest) {
    startServer();
    // The relay passes about a third of the study, then closes the connection in an orderly way mid-instance.
    std::uint64_t third = 0;
    for (const auto& e : fs::directory_iterator(headCt())) third += e.file_size();
    third /= 3;
    {
        CuttingRelay relay(server_->port(), third, false);
        CommandResult cut = fetch("http://127.0.0.1:" + std::to_string(relay.port()) + "/dicom-web");
        EXPECT_EQ(cut.exitCode, 1);
        EXPECT_NE(cut.err.find("ended before the transfer was complete"), std::string::npos) << cut.err;
        EXPECT_NE(cut.err.find(std::to_string(relay.port())), std::string::npos) << "names the URL: " << cut.err;
        EXPECT_NE(cut.err.find("the same command fetches only what is missing"), std::string::npos) << cut.err;
    }
    auto kept = filesWithExtension(out(), ".dcm");
    ASSERT_GT(kept.size(), 3u);
    ASSERT_LT(kept.size(), 20u);
    EXPECT_TRUE(filesWithExtension(out(), ".part").empty()) << "a half-arrived instance was left behind";
    auto source = sourceContents(headCt());
    std::map<fs::path, FileStamp> stamps;
    for (const auto& f : kept) {
        EXPECT_TRUE(source.count(readFile(f))) << f << " is not a complete source file";
        stamps[f] = stampOf(f);
    }
    // A leftover of a killed fetch never counts as an instance.
    std::ofstream(kept.front().parent_path() / ".incoming-9.part") << "DICM";

    CommandResult resumed = fetch(server_->dicomWebUrl());
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    const std::string counts =
        std::to_string(28 - kept.size()) + " fetched, " + std::to_string(kept.size()) + " already here";
    EXPECT_NE(resumed.out.find(counts), std::string::npos) << resumed.out;
    for (const auto& [f, before] : stamps) {
        FileStamp after = stampOf(f);
        EXPECT_EQ(after.inode, before.inode) << f << " was downloaded again";
        EXPECT_EQ(after.modified.tv_nsec, before.modified.tv_nsec) << f << " was rewritten";
    }
    auto all = filesWithExtension(out(), ".dcm");
    ASSERT_EQ(all.size(), 28u);
    for (const auto& f : all) EXPECT_TRUE(source.count(readFile(f))) << f;
    EXPECT_TRUE(filesWithExtension(out(), ".part").empty());
}

TEST_F(Fetch, AResetConnectionIsReportedAndNothingAlreadyThereIsLost) {
    startServer();
    fs::create_directories(out());
    std::ofstream(out() / "notes.txt") << "my notes";
    // A reset also discards what the client's system had received but not yet read, so fewer instances than the
    // relayed bytes would hold may arrive whole; a slow client (the sanitizer build, a loaded machine) may keep none.
    CuttingRelay relay(server_->port(), 4'000'000, true);
    CommandResult r = fetch("http://127.0.0.1:" + std::to_string(relay.port()) + "/dicom-web");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("broke during the transfer"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/series/"), std::string::npos) << "names the series request: " << r.err;
    EXPECT_EQ(readFile(out() / "notes.txt"), "my notes");
    // Whatever arrived before the reset is a whole instance; nothing half-written stays.
    auto kept = filesWithExtension(out(), ".dcm");
    auto source = sourceContents(headCt());
    for (const auto& f : kept) EXPECT_TRUE(source.count(readFile(f))) << f;
    EXPECT_TRUE(filesWithExtension(out(), ".part").empty());
}

TEST_F(Fetch, ARefusedConnectionNamesTheAddressAndCreatesNothing) {
    dir_ = scratchDir("fetch-refused");
    study_ = studyOf(headCt());
    const int port = freeLocalPort();
    CommandResult r = fetch("http://127.0.0.1:" + std::to_string(port) + "/dicom-web");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("cannot connect to http://127.0.0.1:" + std::to_string(port)), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out()));
}

TEST_F(Fetch, AWrongRootOrAnUnknownStudyIsNotFound) {
    startServer();
    CommandResult wrongRoot = fetch(server_->url() + "/dicomweb");
    EXPECT_EQ(wrongRoot.exitCode, 1);
    EXPECT_NE(wrongRoot.err.find("HTTP 404"), std::string::npos) << wrongRoot.err;
    EXPECT_NE(wrongRoot.err.find(server_->url() + "/dicomweb/studies/" + study_), std::string::npos) << wrongRoot.err;

    CommandResult unknown =
        runPolysim("fetch " + server_->dicomWebUrl() + " --study 1.2.3.4.5 --out " + out().string());
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_NE(unknown.err.find("holds no series of study 1.2.3.4.5"), std::string::npos) << unknown.err;

    CommandResult series = fetch(server_->dicomWebUrl(), "--series 1.2.3.4.6");
    EXPECT_EQ(series.exitCode, 1);
    EXPECT_NE(series.err.find("has no series 1.2.3.4.6"), std::string::npos) << series.err;
    EXPECT_TRUE(filesWithExtension(out(), ".dcm").empty());
}

TEST_F(Fetch, AServerThatWantsCredentialsSaysSoAndTheRightOnesWork) {
    startServer({.users = {{"teacher", "s3cret"}}, .luaScript = {}});
    CommandResult none = fetch(server_->dicomWebUrl());
    EXPECT_EQ(none.exitCode, 1);
    EXPECT_NE(none.err.find("HTTP 401 Unauthorized"), std::string::npos) << none.err;
    EXPECT_NE(none.err.find("--user"), std::string::npos) << "says how to give credentials: " << none.err;

    CommandResult wrong = fetch(server_->dicomWebUrl(), "--user teacher:guess");
    EXPECT_EQ(wrong.exitCode, 1);
    EXPECT_NE(wrong.err.find("HTTP 401"), std::string::npos) << wrong.err;
    EXPECT_TRUE(filesWithExtension(out(), ".dcm").empty());

    CommandResult right = fetch(server_->dicomWebUrl(), "--user teacher:s3cret --quiet");
    ASSERT_EQ(right.exitCode, 0) << right.err;
    EXPECT_EQ(filesWithExtension(out(), ".dcm").size(), 28u);

    // The same credentials as a header (how tokens are given).
    fs::remove_all(out());
    CommandResult header =
        fetch(server_->dicomWebUrl(), "--header 'Authorization: Basic dGVhY2hlcjpzM2NyZXQ=' --quiet");
    ASSERT_EQ(header.exitCode, 0) << header.err;
    EXPECT_EQ(filesWithExtension(out(), ".dcm").size(), 28u);
}

TEST_F(Fetch, AServerThatForbidsTheRequestSaysForbidden) {
    startServer({.users = {},
                 .luaScript = "function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)\n"
                              "  return not string.find(uri, '^/dicom%-web')\n"
                              "end\n"});
    CommandResult r = fetch(server_->dicomWebUrl());
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("HTTP 403 Forbidden"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out()));
}

TEST_F(Fetch, SmallQidoPagesStillListEveryInstance) {
    startServer();
    ASSERT_EQ(fetch(server_->dicomWebUrl(), "--quiet").exitCode, 0);
    auto files = filesWithExtension(out(), ".dcm");
    ASSERT_EQ(files.size(), 28u);
    std::sort(files.begin(), files.end());
    for (std::size_t i = 0; i < files.size(); i += 3) fs::remove(files[i]);  // 10 missing, spread over the pages

    CommandResult r = fetch(server_->dicomWebUrl(), "--page-size 4 --quiet");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("10 fetched, 18 already here"), std::string::npos) << r.out;
    EXPECT_EQ(filesWithExtension(out(), ".dcm").size(), 28u);
}

// The multipart reader gets the same message cut at every possible place and must give the same parts.
TEST(Multipart, PartsComeOutTheSameWhereverTheChunksBreak) {
    struct Collect : dicomweb::MultipartReader::Handler {
        std::vector<std::string> parts;
        std::vector<std::string> types;
        void beginPart(const std::map<std::string, std::string>& h) override {
            parts.emplace_back();
            types.push_back(h.count("content-type") ? h.at("content-type") : "");
        }
        void partData(const char* d, std::size_t n) override { parts.back().append(d, n); }
        void endPart() override {}
    };
    const std::string boundary = "b0und4ry";
    const std::string one = std::string("DICM\0\r\n--b0und4r\r\nx", 19), two = "\r\n--\r\n";
    const std::string message = "preamble\r\n--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" + one +
                                "\r\n--" + boundary + "  \r\ncontent-type: Application/DICOM\r\n\r\n" + two + "\r\n--" +
                                boundary + "--\r\nepilogue";
    for (std::size_t cut = 0; cut <= message.size(); ++cut) {
        Collect c;
        dicomweb::MultipartReader reader(boundary, c);
        reader.feed(message.data(), cut);
        EXPECT_FALSE(cut < message.size() - 12 && reader.finished()) << cut;
        reader.feed(message.data() + cut, message.size() - cut);
        ASSERT_TRUE(reader.finished()) << cut;
        ASSERT_EQ(c.parts.size(), 2u) << cut;
        EXPECT_EQ(c.parts[0], one) << cut;
        EXPECT_EQ(c.parts[1], two) << cut;
        EXPECT_EQ(c.types[1], "Application/DICOM");
    }
    Collect c;
    dicomweb::MultipartReader cutShort(boundary, c);
    cutShort.feed(message.data(), message.size() / 2);
    EXPECT_FALSE(cutShort.finished());
    EXPECT_EQ(dicomweb::MultipartReader::boundaryOf("multipart/related; type=\"application/dicom\"; boundary=\"a b\""),
              "a b");
    EXPECT_EQ(dicomweb::MultipartReader::boundaryOf("multipart/related; BOUNDARY=xyz; type=x"), "xyz");
}

}  // namespace
}  // namespace polysim::test

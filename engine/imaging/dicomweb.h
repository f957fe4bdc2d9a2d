// A DICOMweb client (QIDO-RS to list a study's series and instances, WADO-RS to retrieve them) that pulls a study
// into a folder, resumably: each instance lands in FOLDER/<SeriesInstanceUID>/<SOPInstanceUID>.dcm only once it
// has arrived whole and parsed as DICOM, so an interrupted fetch keeps every complete instance and the next one
// retrieves only what is missing. Nothing here knows about terminals; progress goes to a callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace polysim::imaging::dicomweb {

// What went wrong, in the terms a user can act on.
enum class FailureKind {
    Connection,    // no connection at all (refused, unknown host, TLS failure, timeout while connecting)
    Unauthorized,  // HTTP 401: credentials missing or wrong
    Forbidden,     // HTTP 403: the server refuses this client
    NotFound,      // HTTP 404, or a study/series the server does not hold
    HttpStatus,    // any other HTTP error status
    Dropped,       // the connection broke or stalled during a transfer
    BadResponse,   // the server answered something that is not what DICOMweb promises
    LocalFile,     // the output folder could not be written
};

class DicomWebError : public std::runtime_error {
public:
    DicomWebError(FailureKind kind, std::string url, long httpStatus, const std::string& message)
        : std::runtime_error(message), kind_(kind), url_(std::move(url)), httpStatus_(httpStatus) {}
    FailureKind kind() const { return kind_; }
    const std::string& url() const { return url_; }  // the request that failed
    long httpStatus() const { return httpStatus_; }  // 0 when no HTTP answer came

private:
    FailureKind kind_;
    std::string url_;
    long httpStatus_;
};

struct Server {
    std::string baseUrl;               // the service root, e.g. http://pacs:8042/dicom-web (a trailing '/' is fine)
    std::vector<std::string> headers;  // extra request headers, "Name: value" (e.g. an Authorization bearer token)
    std::string userPassword;          // "user:password" for HTTP basic authentication; empty: none
    long connectTimeoutSeconds = 20;
    long stallSeconds = 60;       // a transfer that receives nothing for this long counts as dropped
    std::size_t pageSize = 1000;  // QIDO-RS results asked for per request (limit/offset paging)
};

struct SeriesInfo {
    std::string uid;
    std::string modality;
    std::string description;
    int number = 0;
    int instancesStated = -1;  // NumberOfSeriesRelatedInstances when the server gives it
};

struct InstanceInfo {
    std::string sopInstanceUid;
    int number = 0;
};

// QIDO-RS, following limit/offset pages until the server has nothing new (servers cap page sizes differently, and
// some ignore paging altogether). Throws DicomWebError.
std::vector<SeriesInfo> listSeries(const Server& server, const std::string& studyUid);
std::vector<InstanceInfo> listInstances(const Server& server, const std::string& studyUid,
                                        const std::string& seriesUid);

struct FetchProgress {
    std::string seriesUid;
    std::size_t seriesIndex = 0, seriesCount = 0;  // 1-based index of the series being fetched
    std::size_t instancesDone = 0;                 // complete on disk (fetched now or before)
    std::size_t instancesTotal = 0;
    std::uint64_t bytesReceived = 0;  // this run, over the network
};

struct FetchOptions {
    std::vector<std::string> seriesUids;  // only these series; empty: the whole study
    std::function<void(const FetchProgress&)> progress;
};

struct FetchReport {
    std::filesystem::path folder;
    std::vector<SeriesInfo> series;  // the series fetched
    std::size_t instancesTotal = 0;
    std::size_t alreadyPresent = 0;  // complete before this run, not downloaded again
    std::size_t fetched = 0;         // downloaded in this run
    std::uint64_t bytesReceived = 0;
    std::vector<std::filesystem::path> files;  // every instance file of the study in the folder
    std::vector<std::string> warnings;
};

// Pulls a study into `folder` (created when missing). Instances already complete there are kept and not
// downloaded again; leftovers of an interrupted transfer (*.part) are removed. On failure throws DicomWebError
// after keeping every instance that arrived whole.
FetchReport fetchStudy(const Server& server, const std::string& studyUid, const std::filesystem::path& folder,
                       const FetchOptions& options = {});

// True for a string usable as a UID in a URL and as a file name: digits and dots, at most 64 characters.
bool plausibleUid(const std::string& uid);

// Splits a URL the user gave as the service root plus an optional /studies/UID[/series/UID] suffix.
struct ParsedUrl {
    std::string baseUrl, studyUid, seriesUid;
};
ParsedUrl splitStudyUrl(const std::string& url);

// An incremental multipart/related reader (RFC 2046): bytes go in as they arrive, in chunks of any size, and each
// body part comes out through the callbacks. `finished()` tells a complete message from one cut short.
class MultipartReader {
public:
    struct Handler {
        virtual ~Handler() = default;
        virtual void beginPart(const std::map<std::string, std::string>& headers) = 0;  // lower-case names
        virtual void partData(const char* data, std::size_t size) = 0;
        virtual void endPart() = 0;
    };
    MultipartReader(std::string boundary, Handler& handler);
    void feed(const char* data, std::size_t size);  // throws std::runtime_error on a malformed message
    bool finished() const { return state_ == State::Epilogue; }
    bool inPart() const { return state_ == State::Body; }

    // The boundary parameter of a Content-Type value; empty when there is none.
    static std::string boundaryOf(const std::string& contentType);

private:
    enum class State { Preamble, AfterDelimiter, Headers, Body, Epilogue };
    bool step();             // one state transition on the buffer; false when more bytes are needed
    std::string delimiter_;  // "--" + boundary
    Handler& handler_;
    State state_ = State::Preamble;
    std::string buffer_;
};

}  // namespace polysim::imaging::dicomweb

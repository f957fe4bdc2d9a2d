// DICOMweb over libcurl: QIDO-RS listings with paging, WADO-RS retrieval parsed as multipart/related while it
// streams, each part written to a *.part file and renamed to its SOPInstanceUID only when whole and readable.
#include "imaging/dicomweb.h"

#include <curl/curl.h>
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "imaging/dicom_internal.h"

namespace polysim::imaging::dicomweb {
namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------------------------
// multipart/related

namespace {
std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string trim(const std::string& s) {
    std::size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    std::size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}
constexpr std::size_t kMaxPartHeaderBytes = 64 * 1024;
}  // namespace

MultipartReader::MultipartReader(std::string boundary, Handler& handler)
    : delimiter_("--" + std::move(boundary)), handler_(handler) {}

std::string MultipartReader::boundaryOf(const std::string& contentType) {
    std::string l = lower(contentType);
    std::size_t at = l.find("boundary=");
    if (at == std::string::npos) return {};
    std::size_t start = at + 9;
    if (start < contentType.size() && contentType[start] == '"') {
        std::size_t end = contentType.find('"', start + 1);
        if (end == std::string::npos) return {};
        return contentType.substr(start + 1, end - start - 1);
    }
    std::size_t end = contentType.find_first_of("; \t", start);
    return contentType.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

void MultipartReader::feed(const char* data, std::size_t size) {
    buffer_.append(data, size);
    while (step()) {
    }
}

bool MultipartReader::step() {
    switch (state_) {
        case State::Preamble: {
            std::size_t at = buffer_.find(delimiter_);
            if (at == std::string::npos) {
                // Keep what could be the start of a delimiter split across chunks.
                if (buffer_.size() > delimiter_.size()) buffer_.erase(0, buffer_.size() - delimiter_.size());
                return false;
            }
            buffer_.erase(0, at + delimiter_.size());
            state_ = State::AfterDelimiter;
            return true;
        }
        case State::AfterDelimiter: {
            if (buffer_.size() < 2) return false;
            if (buffer_.compare(0, 2, "--") == 0) {
                state_ = State::Epilogue;
                buffer_.clear();
                return false;
            }
            // Transport padding (spaces, tabs) may follow the delimiter before its line break.
            std::size_t eol = buffer_.find("\r\n");
            if (eol == std::string::npos) {
                if (buffer_.size() > 1024) throw std::runtime_error("multipart delimiter line without a line break");
                return false;
            }
            if (!trim(buffer_.substr(0, eol)).empty()) throw std::runtime_error("text after a multipart delimiter");
            buffer_.erase(0, eol + 2);
            state_ = State::Headers;
            return true;
        }
        case State::Headers: {
            std::map<std::string, std::string> headers;
            std::size_t end;
            if (buffer_.compare(0, 2, "\r\n") == 0) {
                end = 0;  // a part without headers
            } else {
                end = buffer_.find("\r\n\r\n");
                if (end == std::string::npos) {
                    if (buffer_.size() > kMaxPartHeaderBytes)
                        throw std::runtime_error("multipart part headers too long");
                    return false;
                }
                std::size_t pos = 0;
                while (pos < end) {
                    std::size_t eol = buffer_.find("\r\n", pos);
                    if (eol == std::string::npos || eol > end) eol = end;
                    std::string line = buffer_.substr(pos, eol - pos);
                    if (auto colon = line.find(':'); colon != std::string::npos)
                        headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
                    pos = eol + 2;
                }
                end += 2;
            }
            buffer_.erase(0, end + 2);
            state_ = State::Body;
            handler_.beginPart(headers);
            return true;
        }
        case State::Body: {
            const std::string closing = "\r\n" + delimiter_;
            std::size_t at = buffer_.find(closing);
            if (at == std::string::npos) {
                // Everything except a possible beginning of the delimiter is body.
                if (buffer_.size() >= closing.size()) {
                    std::size_t safe = buffer_.size() - (closing.size() - 1);
                    handler_.partData(buffer_.data(), safe);
                    buffer_.erase(0, safe);
                }
                return false;
            }
            if (at > 0) handler_.partData(buffer_.data(), at);
            buffer_.erase(0, at + closing.size());
            state_ = State::AfterDelimiter;
            handler_.endPart();
            return true;
        }
        case State::Epilogue:
            buffer_.clear();
            return false;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs and UIDs

bool plausibleUid(const std::string& uid) {
    if (uid.empty() || uid.size() > 64 || uid.front() == '.' || uid.back() == '.') return false;
    return std::all_of(uid.begin(), uid.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
           uid.find("..") == std::string::npos;
}

ParsedUrl splitStudyUrl(const std::string& url) {
    ParsedUrl p;
    std::size_t at = url.find("/studies/");
    if (at == std::string::npos) {
        p.baseUrl = url;
    } else {
        p.baseUrl = url.substr(0, at);
        std::string rest = url.substr(at + 9);
        std::size_t q = rest.find_first_of("?#");
        if (q != std::string::npos) rest.erase(q);
        std::size_t slash = rest.find('/');
        p.studyUid = rest.substr(0, slash);
        if (slash != std::string::npos) {
            std::string tail = rest.substr(slash);
            if (tail.rfind("/series/", 0) == 0) {
                std::string s = tail.substr(8);
                p.seriesUid = s.substr(0, s.find('/'));
            }
        }
    }
    while (!p.baseUrl.empty() && p.baseUrl.back() == '/') p.baseUrl.pop_back();
    return p;
}

namespace {
std::string root(const Server& server) {
    std::string base = server.baseUrl;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}
std::string studyUrl(const Server& s, const std::string& study) {
    return root(s) + "/studies/" + study;
}
std::string seriesUrl(const Server& s, const std::string& study, const std::string& series) {
    return studyUrl(s, study) + "/series/" + series;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Head {
    long status = 0;
    std::string contentType;
    std::string contentLength;
};

// Receives the body of a successful (2xx) response; may throw, which ends the transfer.
using BodySink = std::function<void(const Head& head, const char* data, std::size_t size)>;

struct TransferState {
    CURL* curl = nullptr;
    Head head;
    bool headChecked = false;
    std::string errorBody;  // first bytes of an error response, for the message
    const BodySink* sink = nullptr;
    std::exception_ptr failure;
};

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<TransferState*>(user);
    std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        t->head = {};  // a new response (after a redirect or a 100 Continue)
    } else if (auto colon = line.find(':'); colon != std::string::npos) {
        std::string name = lower(trim(line.substr(0, colon)));
        if (name == "content-type") t->head.contentType = trim(line.substr(colon + 1));
        if (name == "content-length") t->head.contentLength = trim(line.substr(colon + 1));
    }
    return size * count;
}

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<TransferState*>(user);
    const size_t n = size * count;
    if (!t->headChecked) {
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->head.status);
        t->headChecked = true;
    }
    if (t->head.status < 200 || t->head.status >= 300) {
        if (t->errorBody.size() < 2048) t->errorBody.append(data, std::min<size_t>(n, 2048 - t->errorBody.size()));
        return n;
    }
    try {
        (*t->sink)(t->head, data, n);
    } catch (...) {
        t->failure = std::current_exception();
        return 0;  // aborts the transfer
    }
    return n;
}

std::string statusText(long status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 406:
            return "Not Acceptable";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "";
    }
}

std::string firstLine(const std::string& body) {
    std::string t = trim(body);
    // JSON error bodies (Orthanc, Google Cloud, dcm4chee) carry their text in a message field.
    if (!t.empty() && t.front() == '{') {
        json j = json::parse(t, nullptr, false);
        if (j.is_object()) {
            const json* holder = j.contains("error") && j["error"].is_object() ? &j["error"] : &j;
            for (const char* key : {"Message", "message", "errorMessage", "Details"})
                if (holder->contains(key) && (*holder)[key].is_string()) {
                    t = (*holder)[key].get<std::string>();
                    break;
                }
        }
    }
    std::size_t eol = t.find_first_of("\r\n");
    if (eol != std::string::npos) t.erase(eol);
    if (t.size() > 200) t = t.substr(0, 200) + "...";
    for (char& c : t)
        if (static_cast<unsigned char>(c) < 32) c = ' ';
    return t;
}

// One GET. Returns the head of a 2xx response after its body went to `sink`; throws DicomWebError otherwise.
Head get(const Server& server, const std::string& url, const std::string& accept, const BodySink& sink) {
    initCurlOnce();
    // One handle per thread, reset between requests: its connection cache lets a fetch of many single instances
    // reuse one (TLS) connection instead of opening one per instance.
    thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) throw DicomWebError(FailureKind::Connection, url, 0, "cannot start an HTTP transfer (libcurl)");
    curl_easy_reset(curl.get());
    TransferState t;
    t.curl = curl.get();
    t.sink = &sink;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headerList = curl_slist_append(nullptr, ("Accept: " + accept).c_str());
    for (const auto& h : server.headers) headerList = curl_slist_append(headerList, h.c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(headerList, &curl_slist_free_all);

    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headerList);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, server.connectTimeoutSeconds);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, server.stallSeconds);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "polysim/0.1 (DICOMweb)");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    if (!server.userPassword.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, server.userPassword.c_str());
    }

    CURLcode rc = curl_easy_perform(c);
    if (t.failure) std::rethrow_exception(t.failure);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    t.head.status = status;
    std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    if (rc != CURLE_OK) {
        switch (rc) {
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_RESOLVE_PROXY:
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_URL_MALFORMAT:
            case CURLE_UNSUPPORTED_PROTOCOL:
                throw DicomWebError(FailureKind::Connection, url, 0,
                                    "cannot connect to " + url + ": " + detail +
                                        " (is the server running, and are the address and port right?)");
            case CURLE_OPERATION_TIMEDOUT:
                if (status == 0)
                    throw DicomWebError(FailureKind::Connection, url, 0, "cannot connect to " + url + ": " + detail);
                throw DicomWebError(FailureKind::Dropped, url, status,
                                    "the transfer from " + url + " stalled and was given up: " + detail);
            default:
                throw DicomWebError(FailureKind::Dropped, url, status,
                                    "the connection to " + url + " broke during the transfer: " + detail);
        }
    }
    if (status < 200 || status >= 300) {
        std::string what = "HTTP " + std::to_string(status);
        if (auto text = statusText(status); !text.empty()) what += " " + text;
        std::string said = firstLine(t.errorBody);
        std::string tail = said.empty() ? "" : " (the server said: " + said + ")";
        if (status == 401)
            throw DicomWebError(FailureKind::Unauthorized, url, status,
                                "the server refused " + url + " with " + what +
                                    ": it needs credentials (a user and password, or an access token)" + tail);
        if (status == 403)
            throw DicomWebError(
                FailureKind::Forbidden, url, status,
                "the server refused " + url + " with " + what + ": these credentials may not read it" + tail);
        if (status == 404)
            throw DicomWebError(FailureKind::NotFound, url, status,
                                "the server has nothing at " + url + " (" + what +
                                    "): check the DICOMweb root URL and the UIDs" + tail);
        throw DicomWebError(FailureKind::HttpStatus, url, status, "the server answered " + what + " to " + url + tail);
    }
    return t.head;
}

// ---------------------------------------------------------------------------------------------------------------
// QIDO-RS

constexpr std::size_t kMaxQidoBytes = 256u << 20;

json getJson(const Server& server, const std::string& url) {
    std::string body;
    get(server, url, "application/dicom+json, application/json", [&](const Head&, const char* d, std::size_t n) {
        if (body.size() + n > kMaxQidoBytes)
            throw DicomWebError(FailureKind::BadResponse, url, 200, "the listing from " + url + " is too large");
        body.append(d, n);
    });
    if (trim(body).empty()) return json::array();  // some servers answer 204 / an empty body for no match
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        throw DicomWebError(FailureKind::BadResponse, url, 200,
                            "the server's answer to " + url + " is not a DICOM JSON list: " + firstLine(body));
    return j;
}

// The first value of attribute `tag` (8 hex digits) as text; PN values give their alphabetic form.
std::string text(const json& item, const char* tag) {
    auto a = item.find(tag);
    if (a == item.end() || !a->is_object()) return {};
    auto v = a->find("Value");
    if (v == a->end() || !v->is_array() || v->empty()) return {};
    const json& first = (*v)[0];
    if (first.is_string()) return first.get<std::string>();
    if (first.is_number_integer()) return std::to_string(first.get<long long>());
    if (first.is_number()) return std::to_string(first.get<double>());
    if (first.is_object() && first.contains("Alphabetic") && first["Alphabetic"].is_string())
        return first["Alphabetic"].get<std::string>();
    return {};
}
int integer(const json& item, const char* tag, int otherwise) {
    std::string t = text(item, tag);
    try {
        return t.empty() ? otherwise : int(std::stol(t));
    } catch (const std::exception&) {
        return otherwise;
    }
}

// Every result of a QIDO-RS query, page by page. A page that brings nothing new ends the listing, which covers
// servers that cap the page size below ours and servers that ignore limit/offset.
template <typename Item>
std::vector<Item> listAll(const Server& server, const std::string& url, const char* uidTag,
                          const std::function<Item(const json&, const std::string&)>& make) {
    std::vector<Item> all;
    std::set<std::string> seen;
    const std::size_t page = std::max<std::size_t>(server.pageSize, 1);
    for (std::size_t offset = 0;;) {
        std::string pageUrl = url + "?limit=" + std::to_string(page) + "&offset=" + std::to_string(offset);
        json results = getJson(server, pageUrl);
        std::size_t fresh = 0;
        for (const auto& item : results) {
            if (!item.is_object()) continue;
            std::string uid = text(item, uidTag);
            if (!plausibleUid(uid))
                throw DicomWebError(FailureKind::BadResponse, pageUrl, 200,
                                    "the listing from " + pageUrl + " holds an invalid UID '" + firstLine(uid) + "'");
            if (seen.insert(uid).second) {
                all.push_back(make(item, uid));
                ++fresh;
            }
        }
        if (fresh == 0 || all.size() > 10'000'000) break;
        offset += results.size();
    }
    return all;
}
}  // namespace

std::vector<SeriesInfo> listSeries(const Server& server, const std::string& studyUid) {
    return listAll<SeriesInfo>(server, studyUrl(server, studyUid) + "/series", "0020000E",
                               [](const json& item, const std::string& uid) {
                                   SeriesInfo s;
                                   s.uid = uid;
                                   s.modality = text(item, "00080060");
                                   s.description = text(item, "0008103E");
                                   s.number = integer(item, "00200011", 0);
                                   s.instancesStated = integer(item, "00201209", -1);
                                   return s;
                               });
}

std::vector<InstanceInfo> listInstances(const Server& server, const std::string& studyUid,
                                        const std::string& seriesUid) {
    return listAll<InstanceInfo>(server, seriesUrl(server, studyUid, seriesUid) + "/instances", "00080018",
                                 [](const json& item, const std::string& uid) {
                                     return InstanceInfo{uid, integer(item, "00200013", 0)};
                                 });
}

// ---------------------------------------------------------------------------------------------------------------
// WADO-RS into files

namespace {
constexpr const char* kAcceptOriginal = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
constexpr const char* kAcceptDefault = "multipart/related; type=\"application/dicom\"";

struct InstanceUids {
    std::string sop, series, study;
};
std::optional<InstanceUids> readUids(const fs::path& file) {
    DcmFileFormat ff;
    if (ff.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 256).bad()) return std::nullopt;
    DcmDataset* ds = ff.getDataset();
    OFString sop, series, study;
    ds->findAndGetOFString(DCM_SOPInstanceUID, sop);
    ds->findAndGetOFString(DCM_SeriesInstanceUID, series);
    ds->findAndGetOFString(DCM_StudyInstanceUID, study);
    return InstanceUids{sop.c_str(), series.c_str(), study.c_str()};
}

// Writes the parts of one response into a series folder, each as *.part until it is whole and readable.
class SeriesWriter : public MultipartReader::Handler {
public:
    SeriesWriter(fs::path dir, std::string study, std::string series, std::string url,
                 std::function<void(const std::string& sop, const fs::path& file)> onInstance)
        : dir_(std::move(dir)),
          study_(std::move(study)),
          series_(std::move(series)),
          url_(std::move(url)),
          onInstance_(std::move(onInstance)) {}
    ~SeriesWriter() override { abandon(); }

    void beginPart(const std::map<std::string, std::string>& headers) override {
        auto type = headers.find("content-type");
        if (type != headers.end() && lower(type->second).rfind("application/dicom", 0) != 0)
            throw DicomWebError(FailureKind::BadResponse, url_, 200,
                                "the server sent a part of type '" + firstLine(type->second) + "' from " + url_ +
                                    " where a DICOM instance (application/dicom) belongs");
        declaredLength_.reset();
        if (auto len = headers.find("content-length"); len != headers.end()) {
            try {
                declaredLength_ = std::stoull(len->second);
            } catch (const std::exception&) {
            }
        }
        partPath_ = dir_ / (".incoming-" + std::to_string(++parts_) + ".part");
        out_.open(partPath_, std::ios::binary | std::ios::trunc);
        if (!out_) throw DicomWebError(FailureKind::LocalFile, url_, 0, "cannot write " + partPath_.string());
        partBytes_ = 0;
    }
    void partData(const char* data, std::size_t size) override {
        out_.write(data, std::streamsize(size));
        partBytes_ += size;
        if (!out_)
            throw DicomWebError(FailureKind::LocalFile, url_, 0,
                                "cannot write " + partPath_.string() + " (disk full?)");
    }
    void endPart() override {
        out_.close();
        if (!out_) throw DicomWebError(FailureKind::LocalFile, url_, 0, "cannot write " + partPath_.string());
        if (declaredLength_ && *declaredLength_ != partBytes_)
            throw DicomWebError(FailureKind::Dropped, url_, 200,
                                "a part from " + url_ + " came with " + std::to_string(partBytes_) + " bytes of the " +
                                    std::to_string(*declaredLength_) + " it announced");
        auto uids = readUids(partPath_);
        if (!uids)
            throw DicomWebError(FailureKind::BadResponse, url_, 200,
                                "the server sent a part from " + url_ + " that is not a readable DICOM file");
        if (!plausibleUid(uids->sop))
            throw DicomWebError(
                FailureKind::BadResponse, url_, 200,
                "an instance from " + url_ + " has an invalid SOPInstanceUID '" + firstLine(uids->sop) + "'");
        if (uids->series != series_ || uids->study != study_)
            throw DicomWebError(FailureKind::BadResponse, url_, 200,
                                "the server sent instance " + uids->sop + " of another study or series from " + url_);
        fs::path final = dir_ / (uids->sop + ".dcm");
        std::error_code ec;
        fs::rename(partPath_, final, ec);
        if (ec)
            throw DicomWebError(FailureKind::LocalFile, url_, 0,
                                "cannot rename " + partPath_.string() + ": " + ec.message());
        partPath_.clear();
        onInstance_(uids->sop, final);
    }
    // Removes a part that did not arrive whole.
    void abandon() {
        if (partPath_.empty()) return;
        out_.close();
        std::error_code ec;
        fs::remove(partPath_, ec);
        partPath_.clear();
    }

private:
    fs::path dir_;
    std::string study_, series_, url_;
    std::function<void(const std::string&, const fs::path&)> onInstance_;
    std::ofstream out_;
    fs::path partPath_;
    std::size_t parts_ = 0;
    std::uint64_t partBytes_ = 0;
    std::optional<std::uint64_t> declaredLength_;
};

struct FetchContext {
    const Server& server;
    std::string study;
    FetchReport& report;
    FetchProgress progress;
    const FetchOptions& options;
    bool originalSyntax = true;  // false once the server refused transfer-syntax=*

    void tell() {
        if (options.progress) options.progress(progress);
    }
};

// Retrieves `url` (a series or one instance) into `dir`.
void retrieve(FetchContext& ctx, const std::string& url, const fs::path& dir, const std::string& series,
              std::set<std::string>& present) {
    SeriesWriter writer(dir, ctx.study, series, url, [&](const std::string& sop, const fs::path&) {
        if (present.insert(sop).second) {
            ++ctx.report.fetched;
            ++ctx.progress.instancesDone;
        }
        ctx.tell();
    });
    std::optional<MultipartReader> multipart;
    bool single = false;  // a bare application/dicom body
    BodySink sink = [&](const Head& head, const char* data, std::size_t n) {
        if (!multipart && !single) {
            std::string type = lower(head.contentType);
            if (type.rfind("multipart/", 0) == 0) {
                std::string boundary = MultipartReader::boundaryOf(head.contentType);
                if (boundary.empty())
                    throw DicomWebError(FailureKind::BadResponse, url, head.status,
                                        "the multipart answer from " + url + " names no boundary");
                multipart.emplace(boundary, writer);
            } else if (type.rfind("application/dicom", 0) == 0 || type.empty()) {
                single = true;
                writer.beginPart({});
            } else {
                throw DicomWebError(FailureKind::BadResponse, url, head.status,
                                    "the server answered " + url + " with '" + firstLine(head.contentType) +
                                        "' instead of DICOM instances");
            }
        }
        ctx.report.bytesReceived += n;
        ctx.progress.bytesReceived += n;
        try {
            if (multipart)
                multipart->feed(data, n);
            else
                writer.partData(data, n);
        } catch (const DicomWebError&) {
            throw;
        } catch (const std::exception& e) {
            throw DicomWebError(FailureKind::BadResponse, url, head.status,
                                "the multipart answer from " + url + " is malformed: " + e.what());
        }
        ctx.tell();
    };
    try {
        get(ctx.server, url, ctx.originalSyntax ? kAcceptOriginal : kAcceptDefault, sink);
    } catch (const DicomWebError& e) {
        writer.abandon();
        // A server that cannot send the stored transfer syntax is asked again for its default one.
        if (ctx.originalSyntax && (e.httpStatus() == 406 || e.httpStatus() == 400) && !multipart && !single) {
            ctx.originalSyntax = false;
            ctx.report.warnings.push_back("the server would not send the stored transfer syntax (HTTP " +
                                          std::to_string(e.httpStatus()) +
                                          "); instances come in its default transfer syntax");
            retrieve(ctx, url, dir, series, present);
            return;
        }
        throw;
    }
    if (single) {
        writer.endPart();
    } else if (multipart && !multipart->finished()) {
        writer.abandon();
        throw DicomWebError(FailureKind::Dropped, url, 200,
                            "the connection to " + url + " ended before the transfer was complete");
    }
}

std::set<std::string> completeInstances(const fs::path& dir) {
    std::set<std::string> sops;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (p.extension() == ".part") {
            std::error_code rm;
            fs::remove(p, rm);  // a transfer cut short earlier; never counted as an instance
        } else if (p.extension() == ".dcm" && it->is_regular_file() && it->file_size() > 0) {
            sops.insert(p.stem().string());
        }
    }
    return sops;
}
}  // namespace

FetchReport fetchStudy(const Server& server, const std::string& studyUid, const fs::path& folder,
                       const FetchOptions& options) {
    if (!plausibleUid(studyUid))
        throw std::invalid_argument("'" + studyUid + "' is not a StudyInstanceUID (digits and dots, at most 64)");
    detail::registerCodecsOnce();  // also quiets DCMTK's log: a part that is not DICOM is reported here, by URL
    FetchReport report;
    report.folder = folder;

    std::vector<SeriesInfo> series = listSeries(server, studyUid);
    if (series.empty())
        throw DicomWebError(FailureKind::NotFound, studyUrl(server, studyUid), 200,
                            "the server at " + root(server) + " holds no series of study " + studyUid);
    if (!options.seriesUids.empty()) {
        std::vector<SeriesInfo> chosen;
        for (const auto& wanted : options.seriesUids) {
            auto it = std::find_if(series.begin(), series.end(), [&](const SeriesInfo& s) { return s.uid == wanted; });
            if (it == series.end())
                throw DicomWebError(FailureKind::NotFound, seriesUrl(server, studyUid, wanted), 200,
                                    "study " + studyUid + " on " + root(server) + " has no series " + wanted);
            chosen.push_back(*it);
        }
        series = chosen;
    }
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw DicomWebError(FailureKind::LocalFile, {}, 0, "cannot create " + folder.string() + ": " + ec.message());

    FetchContext ctx{server, studyUid, report, {}, options};
    ctx.progress.seriesCount = series.size();
    for (std::size_t i = 0; i < series.size(); ++i) {
        const SeriesInfo& s = series[i];
        report.series.push_back(s);
        fs::path dir = folder / s.uid;
        fs::create_directories(dir, ec);
        if (ec)
            throw DicomWebError(FailureKind::LocalFile, {}, 0, "cannot create " + dir.string() + ": " + ec.message());
        std::set<std::string> present = completeInstances(dir);
        const std::set<std::string> before = present;  // complete before this run
        const std::string url = seriesUrl(server, studyUid, s.uid);
        ctx.progress.seriesUid = s.uid;
        ctx.progress.seriesIndex = i + 1;

        // A series with nothing on disk whose size the server stated comes in one request, and is listed
        // instance by instance only when fewer instances arrive (listing costs the server more than the series).
        bool retrievedWhole = false;
        if (before.empty() && s.instancesStated > 0) {
            ctx.progress.instancesTotal = std::size_t(s.instancesStated);
            ctx.progress.instancesDone = 0;
            ctx.tell();
            retrieve(ctx, url, dir, s.uid, present);
            retrievedWhole = true;
            if (present.size() >= std::size_t(s.instancesStated)) {
                report.instancesTotal += present.size();
                continue;
            }
        }
        std::vector<InstanceInfo> instances = listInstances(server, studyUid, s.uid);
        std::size_t listedPresent = 0;
        for (const auto& inst : instances) {
            listedPresent += present.count(inst.sopInstanceUid);
            report.alreadyPresent += before.count(inst.sopInstanceUid);
        }
        ctx.progress.instancesTotal = instances.size();
        ctx.progress.instancesDone = listedPresent;
        ctx.tell();

        // After an interruption only the missing instances come, one by one.
        if (listedPresent == 0 && !instances.empty() && !retrievedWhole) retrieve(ctx, url, dir, s.uid, present);
        for (const auto& inst : instances)
            if (!present.count(inst.sopInstanceUid))
                retrieve(ctx, url + "/instances/" + inst.sopInstanceUid, dir, s.uid, present);
        report.instancesTotal += std::max(instances.size(), present.size());
    }
    for (const auto& s : report.series) {
        std::vector<fs::path> files;
        for (fs::directory_iterator it(folder / s.uid, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".dcm") files.push_back(it->path());
        std::sort(files.begin(), files.end());
        report.files.insert(report.files.end(), files.begin(), files.end());
    }
    return report;
}

}  // namespace polysim::imaging::dicomweb

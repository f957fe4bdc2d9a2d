// Starting and stopping a real Orthanc for a test, and a relay that breaks connections (see orthanc_server.h).
#include "support/orthanc_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/test_env.h"

namespace polysim::test {
namespace fs = std::filesystem;

int freeLocalPort() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (s >= 0) ::close(s);
        throw std::runtime_error("no free local TCP port");
    }
    ::close(s);
    return ntohs(a.sin_port);
}

namespace {
const char* orthancBinary() {
    for (const char* p : {"/usr/sbin/Orthanc", "/usr/bin/Orthanc"})
        if (::access(p, X_OK) == 0) return p;
    throw std::runtime_error("Orthanc is not installed (Debian package orthanc)");
}
std::string dicomWebPlugin() {
    for (const char* p : {"/usr/share/orthanc/plugins/libOrthancDicomWeb.so", "/usr/lib/orthanc/libOrthancDicomWeb.so"})
        if (::access(p, R_OK) == 0) return p;
    throw std::runtime_error("the Orthanc DICOMweb plugin is not installed (Debian package orthanc-dicomweb)");
}

size_t discard(char*, size_t size, size_t count, void*) {
    return size * count;
}
size_t readInto(char* ptr, size_t size, size_t count, void* user) {
    auto* in = static_cast<std::ifstream*>(user);
    in->read(ptr, std::streamsize(size * count));
    return size_t(in->gcount());
}

// One HTTP request to Orthanc's REST API; returns the status (0: no answer).
long rest(const std::string& url, const std::string& userPassword, const fs::path* upload = nullptr) {
    CURL* c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (!userPassword.empty()) curl_easy_setopt(c, CURLOPT_USERPWD, userPassword.c_str());
    std::ifstream in;
    curl_slist* headers = nullptr;
    if (upload) {
        in.open(*upload, std::ios::binary);
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, readInto);
        curl_easy_setopt(c, CURLOPT_READDATA, &in);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(fs::file_size(*upload)));
        headers = curl_slist_append(headers, "Content-Type: application/dicom");
        headers = curl_slist_append(headers, "Expect:");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    }
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return status;
}

std::string tail(const fs::path& file) {
    std::string all = readFile(file);
    return all.size() > 3000 ? all.substr(all.size() - 3000) : all;
}
}  // namespace

OrthancServer::OrthancServer(const fs::path& dir, OrthancOptions options) : dir_(dir), options_(std::move(options)) {
    fs::create_directories(dir_);
    // Parallel tests pick ports independently; a port taken in between makes Orthanc exit, and we try another.
    for (int attempt = 0; attempt < 8; ++attempt)
        if (tryStart(freeLocalPort())) return;
    throw std::runtime_error("Orthanc did not start; its log ends:\n" + tail(dir_ / "orthanc.log"));
}

OrthancServer::~OrthancServer() {
    stop();
}

std::string OrthancServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}
std::string OrthancServer::dicomWebUrl() const {
    return url() + "/dicom-web";
}

bool OrthancServer::tryStart(int port) {
    port_ = port;
    nlohmann::json config = {
        {"Name", "polysim-test"},
        {"StorageDirectory", (dir_ / "storage").string()},
        {"IndexDirectory", (dir_ / "storage").string()},
        {"TemporaryDirectory", (dir_ / "tmp").string()},
        {"HttpPort", port},
        {"DicomServerEnabled", false},  // no DICOM port: nothing to collide with the packaged service's 4242
        {"RemoteAccessAllowed", false},
        {"HttpCompressionEnabled", false},
        {"StorageCompression", false},
        {"SaveJobs", false},
        {"ConcurrentJobs", 1},
        {"Plugins", {dicomWebPlugin()}},
        {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}, {"EnableWado", false}}},
        {"AuthenticationEnabled", !options_.users.empty()},
        {"RegisteredUsers", options_.users},
    };
    if (!options_.luaScript.empty()) {
        std::ofstream(dir_ / "filter.lua") << options_.luaScript;
        config["LuaScripts"] = {(dir_ / "filter.lua").string()};
    }
    fs::create_directories(dir_ / "tmp");
    std::ofstream(dir_ / "orthanc.json") << config.dump(2);

    const std::string binary = orthancBinary();
    const std::string configPath = (dir_ / "orthanc.json").string();
    const std::string logPath = (dir_ / "orthanc.log").string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
        int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log >= 0) {
            ::dup2(log, 1);
            ::dup2(log, 2);
        }
        ::execl(binary.c_str(), binary.c_str(), configPath.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    std::string credentials;
    if (!options_.users.empty()) credentials = options_.users.begin()->first + ":" + options_.users.begin()->second;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        if (rest(url() + "/system", credentials) == 200) return true;
        ::usleep(100 * 1000);
    }
    stop();
    return false;
}

void OrthancServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        ::usleep(50 * 1000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

bool OrthancServer::upload(const fs::path& file) {
    std::string credentials;
    if (!options_.users.empty()) credentials = options_.users.begin()->first + ":" + options_.users.begin()->second;
    return rest(url() + "/instances", credentials, &file) == 200;
}

int OrthancServer::uploadFolder(const fs::path& folder) {
    int stored = 0;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file() && upload(entry.path())) ++stored;
    return stored;
}

// ---------------------------------------------------------------------------------------------------------------

CuttingRelay::CuttingRelay(int targetPort, std::uint64_t budget, bool reset)
    : targetPort_(targetPort), budget_(budget), reset_(reset) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
        ::pipe(wake_) != 0)
        throw std::runtime_error("cannot open the relay's port");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
}

CuttingRelay::~CuttingRelay() {
    char x = 0;
    if (::write(wake_[1], &x, 1) < 0) {
    }
    thread_.join();
    ::close(listener_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void CuttingRelay::run() {
    bool spent = false;
    for (;;) {
        pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents) return;
        int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) continue;
        if (spent || !relay(client)) {
            spent = true;
            if (reset_) {
                linger l{1, 0};
                ::setsockopt(client, SOL_SOCKET, SO_LINGER, &l, sizeof l);
            }
        }
        ::close(client);
    }
}

bool CuttingRelay::relay(int client) {
    int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(std::uint16_t(targetPort_));
    if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(server);
        return true;
    }
    char buf[16384];
    bool within = true;
    for (;;) {
        pollfd fds[3] = {{client, POLLIN, 0}, {server, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) continue;
        if (fds[2].revents) break;
        if (fds[0].revents) {
            ssize_t n = ::read(client, buf, sizeof buf);
            if (n <= 0 || ::write(server, buf, size_t(n)) != n) break;
        }
        if (fds[1].revents) {
            ssize_t n = ::read(server, buf, sizeof buf);
            if (n <= 0) break;
            std::uint64_t left = budget_ > relayed_ ? budget_ - relayed_ : 0;
            std::size_t give = std::size_t(std::min<std::uint64_t>(left, std::uint64_t(n)));
            if (give > 0 && ::write(client, buf, give) != ssize_t(give)) break;
            relayed_ += give;
            if (give < std::size_t(n)) {
                within = false;
                break;
            }
        }
    }
    ::close(server);
    return within;
}

}  // namespace polysim::test

// A real Orthanc server with its DICOMweb plugin (Debian packages orthanc, orthanc-dicomweb), started by a test on a
// free local port with its own storage folder and configuration, and stopped when the test ends. Also a TCP relay
// that cuts the connection after a number of bytes, to test what a client does when a transfer breaks.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

namespace polysim::test {

// A TCP port on 127.0.0.1 that nothing listens on at the moment of the call.
int freeLocalPort();

struct OrthancOptions {
    std::map<std::string, std::string> users;  // non-empty: HTTP basic authentication with these users
    std::string luaScript;                     // Lua callbacks, e.g. IncomingHttpRequestFilter
};

class OrthancServer {
public:
    // Starts Orthanc with `dir` as its storage and config folder and waits until it answers. Throws with the end of
    // Orthanc's log when it does not start.
    explicit OrthancServer(const std::filesystem::path& dir, OrthancOptions options = {});
    ~OrthancServer();
    OrthancServer(const OrthancServer&) = delete;
    OrthancServer& operator=(const OrthancServer&) = delete;

    int port() const { return port_; }
    std::string url() const;          // http://127.0.0.1:PORT
    std::string dicomWebUrl() const;  // the DICOMweb root
    // Stores one file through the REST API (POST /instances). Returns false when Orthanc refuses it (not DICOM).
    bool upload(const std::filesystem::path& file);
    // Stores every file of a folder; returns how many Orthanc accepted.
    int uploadFolder(const std::filesystem::path& folder);

private:
    bool tryStart(int port);
    void stop();
    std::filesystem::path dir_;
    OrthancOptions options_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// Relays 127.0.0.1:port() to a local target port and cuts the connection once `budget` bytes have gone from the
// target to the client (with a reset when `reset`, else an orderly close); later connections are closed at once.
class CuttingRelay {
public:
    CuttingRelay(int targetPort, std::uint64_t budget, bool reset);
    ~CuttingRelay();
    CuttingRelay(const CuttingRelay&) = delete;
    CuttingRelay& operator=(const CuttingRelay&) = delete;
    int port() const { return port_; }
    std::uint64_t bytesRelayed() const { return relayed_; }

private:
    void run();
    bool relay(int client);  // false once the budget is spent
    int targetPort_;
    std::uint64_t budget_;
    bool reset_;
    int listener_ = -1;
    int port_ = 0;
    int wake_[2] = {-1, -1};
    std::atomic<std::uint64_t> relayed_{0};
    std::thread thread_;
};

}  // namespace polysim::test

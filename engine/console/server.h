// The instructor's console server: an embedded HTTP + WebSocket server (civetweb, from Debian) that serves the
// console page, the session's state as JSON, and a live feed of it. It never touches the session: the app's frame
// loop publishes snapshots into it and takes the instructor's commands out of it (see link.h).
//
//   GET  /?token=T           the page (self-contained: no file or script from elsewhere)
//   GET  /state?token=T      the latest snapshot (JSON)
//   POST /command?token=T    one command as a JSON object in the log's format ({"action": "pause"}, ...)
//   WS   /live?token=T       snapshots as they are published; commands may be sent back as text frames
// A request without the session's token, or with another, gets 403.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace polysim::console {

// The console cannot start (the port is taken, the address is not this machine's); the message says which.
struct ConsoleError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ConsoleAddress {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port
};
// "[ADDR:]PORT" as --serve takes it ("8080", "0.0.0.0:8080", "192.168.1.20:8080"); nullopt and `error` when not.
std::optional<ConsoleAddress> parseConsoleAddress(const std::string& text, std::string* error);

// 128 random bits as 32 hexadecimal digits.
std::string randomToken();

class ConsoleServer {
public:
    // Starts listening at once (throws ConsoleError when it cannot).
    explicit ConsoleServer(const ConsoleAddress& address, std::string token = randomToken());
    ~ConsoleServer();
    ConsoleServer(const ConsoleServer&) = delete;
    ConsoleServer& operator=(const ConsoleServer&) = delete;

    const std::string& host() const { return host_; }
    int port() const { return port_; }
    const std::string& token() const { return token_; }
    std::string url() const;  // http://ADDR:PORT/?token=TOKEN

    // Frame loop side. The snapshot goes to /state and to every live page (sent by the server's own thread).
    void publish(std::string snapshotJson);
    // The commands the pages sent since the last call, oldest first.
    std::vector<nlohmann::ordered_json> takeCommands();
    std::size_t livePages() const;

    struct Impl;

private:
    std::string host_;
    int port_ = 0;
    std::string token_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace polysim::console

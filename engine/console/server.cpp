// The console's embedded server (see server.h): civetweb does the HTTP and WebSocket protocol; this file only routes
// requests, checks the token and passes JSON through queues guarded by a mutex.
#include "console/server.h"

#include <civetweb.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "console/page.h"

namespace polysim::console {

using Json = nlohmann::ordered_json;

std::optional<ConsoleAddress> parseConsoleAddress(const std::string& text, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<ConsoleAddress> {
        if (error) *error = why;
        return std::nullopt;
    };
    ConsoleAddress a;
    std::string port = text;
    if (auto colon = text.rfind(':'); colon != std::string::npos) {
        a.host = text.substr(0, colon);
        port = text.substr(colon + 1);
        in_addr probe{};
        if (a.host == "localhost") a.host = "127.0.0.1";
        if (::inet_pton(AF_INET, a.host.c_str(), &probe) != 1)
            return fail("'" + a.host + "' is not an IPv4 address (e.g. 127.0.0.1, or 0.0.0.0 for every network)");
    }
    int p = -1;
    auto r = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || r.ec != std::errc{} || r.ptr != port.data() + port.size() || p < 0 || p > 65535)
        return fail("'" + port + "' is not a port number (0 to 65535; 0 picks a free one)");
    a.port = p;
    return a;
}

std::string randomToken() {
    std::random_device rd;
    std::string out;
    const char* hex = "0123456789abcdef";
    for (int i = 0; i < 4; ++i) {  // 4 x 32 bits
        auto v = rd();
        for (int k = 0; k < 4; ++k) out += hex[(v >> (k * 8)) & 0xf], out += hex[(v >> (k * 8 + 4)) & 0xf];
    }
    return out;
}

namespace {
// A port the system says is free now (civetweb needs a number; it is taken again at once).
int freePort(const std::string& host) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    ::inet_pton(AF_INET, host.c_str(), &sa.sin_addr);
    int port = -1;
    socklen_t len = sizeof sa;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == 0)
        port = ntohs(sa.sin_port);
    ::close(fd);
    return port;
}

bool sameToken(const std::string& a, const std::string& b) {
    // Compared in full whatever differs first, so the time taken says nothing about the token.
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string tokenOf(const mg_connection* conn) {
    const mg_request_info* ri = mg_get_request_info(conn);
    if (!ri || !ri->query_string) return {};
    char buf[128];
    int n = mg_get_var(ri->query_string, std::strlen(ri->query_string), "token", buf, sizeof buf);
    return n > 0 ? std::string(buf, std::size_t(n)) : std::string();
}

void respond(mg_connection* conn, int status, const char* type, const std::string& body) {
    mg_response_header_start(conn, status);
    mg_response_header_add(conn, "Content-Type", type, -1);
    mg_response_header_add(conn, "Cache-Control", "no-store", -1);
    mg_response_header_add(conn, "Content-Length", std::to_string(body.size()).c_str(), -1);
    // The page may run no script and load nothing that is not its own.
    mg_response_header_add(conn, "Content-Security-Policy",
                           "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                           "connect-src 'self'; img-src 'self' data:",
                           -1);
    mg_response_header_send(conn);
    mg_write(conn, body.data(), body.size());
}
}  // namespace

struct ConsoleServer::Impl {
    ConsoleServer* owner = nullptr;
    mg_context* ctx = nullptr;
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::string snapshot = "{\"waiting\":true}";
    std::uint64_t version = 0;
    std::deque<Json> commands;
    // The live pages, under a lock of their own: held while writing to them (network time), which the frame loop's
    // publish() never waits for.
    mutable std::mutex liveMutex;
    std::set<mg_connection*> live;
    bool stopping = false;
    std::thread pusher;

    bool allowed(const mg_connection* conn) const { return sameToken(tokenOf(conn), owner->token_); }

    void queue(const char* data, std::size_t size) {
        Json j = Json::parse(data, data + size, nullptr, false);
        if (!j.is_object()) return;  // not a command; the page only sends objects
        std::lock_guard lock(mutex);
        if (commands.size() < 1000) commands.push_back(std::move(j));
    }

    // Sends each new snapshot to every live page, off the frame loop.
    void push() {
        std::uint64_t sent = 0;
        while (true) {
            std::string text;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || version != sent; });
                if (stopping) return;
                sent = version;
                text = snapshot;
            }
            std::lock_guard lock(liveMutex);
            for (mg_connection* c : live) {
                mg_lock_connection(c);
                mg_websocket_write(c, MG_WEBSOCKET_OPCODE_TEXT, text.data(), text.size());
                mg_unlock_connection(c);
            }
        }
    }

    static int page(mg_connection* conn, void* self) {
        auto* impl = static_cast<Impl*>(self);
        if (!impl->allowed(conn)) {
            respond(conn, 403, "text/plain; charset=utf-8", "403: this console needs the token printed by polysim\n");
            return 403;
        }
        const mg_request_info* ri = mg_get_request_info(conn);
        std::string uri = ri->local_uri ? ri->local_uri : "/";
        std::string method = ri->request_method ? ri->request_method : "";
        if (uri == "/" && method == "GET") {
            respond(conn, 200, "text/html; charset=utf-8", kConsolePage);
            return 200;
        }
        if (uri == "/state" && method == "GET") {
            std::string body;
            {
                std::lock_guard lock(impl->mutex);
                body = impl->snapshot;
            }
            respond(conn, 200, "application/json", body);
            return 200;
        }
        if (uri == "/command" && method == "POST") {
            std::string body;
            char buf[4096];
            int n;
            while ((n = mg_read(conn, buf, sizeof buf)) > 0 && body.size() < 65536) body.append(buf, std::size_t(n));
            Json j = Json::parse(body, nullptr, false);
            if (!j.is_object()) {
                respond(conn, 400, "text/plain; charset=utf-8",
                        "400: send one JSON object, e.g. {\"action\":\"pause\"}\n");
                return 400;
            }
            impl->queue(body.data(), body.size());
            respond(conn, 202, "application/json", "{\"queued\":true}");
            return 202;
        }
        respond(conn, 404, "text/plain; charset=utf-8", "404\n");
        return 404;
    }

    static int wsConnect(const mg_connection* conn, void* self) {
        return static_cast<Impl*>(self)->allowed(conn) ? 0 : 1;  // 1 closes it before the handshake
    }
    static void wsReady(mg_connection* conn, void* self) {
        auto* impl = static_cast<Impl*>(self);
        std::lock_guard live(impl->liveMutex);
        impl->live.insert(conn);
        std::string text;
        {
            std::lock_guard lock(impl->mutex);
            text = impl->snapshot;
        }
        mg_lock_connection(conn);
        mg_websocket_write(conn, MG_WEBSOCKET_OPCODE_TEXT, text.data(), text.size());
        mg_unlock_connection(conn);
    }
    static int wsData(mg_connection*, int bits, char* data, std::size_t size, void* self) {
        int opcode = bits & 0xf;
        if (opcode == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE) return 0;
        if (opcode == MG_WEBSOCKET_OPCODE_TEXT && size <= 65536) static_cast<Impl*>(self)->queue(data, size);
        return 1;
    }
    static void wsClose(const mg_connection* conn, void* self) {
        auto* impl = static_cast<Impl*>(self);
        std::lock_guard lock(impl->liveMutex);
        impl->live.erase(const_cast<mg_connection*>(conn));
    }
};

ConsoleServer::ConsoleServer(const ConsoleAddress& address, std::string token)
    : host_(address.host), port_(address.port), token_(std::move(token)), impl_(std::make_unique<Impl>()) {
    impl_->owner = this;
    if (port_ == 0) port_ = freePort(host_);
    if (port_ <= 0) throw ConsoleError("instructor console: no free port on " + host_);
    mg_init_library(MG_FEATURES_WEBSOCKET);
    std::string listen = host_ + ":" + std::to_string(port_);
    const char* options[] = {
        "listening_ports",      listen.c_str(), "num_threads", "8", "enable_websocket_ping_pong", "yes",
        "websocket_timeout_ms", "30000",        nullptr};
    mg_callbacks callbacks{};
    impl_->ctx = mg_start(&callbacks, impl_.get(), options);
    if (!impl_->ctx) {
        mg_exit_library();
        throw ConsoleError("instructor console: cannot listen on " + listen +
                           " (is the port taken, or the address not one of this machine's?)");
    }
    mg_set_request_handler(impl_->ctx, "/", &Impl::page, impl_.get());
    mg_set_websocket_handler(impl_->ctx, "/live", &Impl::wsConnect, &Impl::wsReady, &Impl::wsData, &Impl::wsClose,
                             impl_.get());
    impl_->pusher = std::thread([this] { impl_->push(); });
}

ConsoleServer::~ConsoleServer() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    impl_->pusher.join();
    mg_stop(impl_->ctx);
    mg_exit_library();
}

std::string ConsoleServer::url() const {
    return "http://" + host_ + ":" + std::to_string(port_) + "/?token=" + token_;
}

void ConsoleServer::publish(std::string snapshotJson) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->snapshot = std::move(snapshotJson);
        ++impl_->version;
    }
    impl_->wake.notify_all();
}

std::vector<Json> ConsoleServer::takeCommands() {
    std::lock_guard lock(impl_->mutex);
    std::vector<Json> out(impl_->commands.begin(), impl_->commands.end());
    impl_->commands.clear();
    return out;
}

std::size_t ConsoleServer::livePages() const {
    std::lock_guard lock(impl_->liveMutex);
    return impl_->live.size();
}

}  // namespace polysim::console

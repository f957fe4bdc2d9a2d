// `make bench`: latency from a trainee's action to the instructor's live page. Each iteration changes the window in
// the session, runs one frame of the console's link (which publishes the new state) and waits until a WebSocket
// client on loopback has received it. Target: under 100 ms (a frame of the app, at most 16.7 ms at 60 Hz, comes on
// top: the link publishes on the frame the action happens in).
#include <benchmark/benchmark.h>

#include <civetweb.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "console/link.h"
#include "console/server.h"
#include "session/session.h"
#include "session/trauma_case.h"

using namespace polysim;

namespace {
struct Received {
    std::mutex mutex;
    std::condition_variable arrived;
    std::string lastPreset;

    static int onData(mg_connection*, int bits, char* data, size_t size, void* self) {
        if ((bits & 0xf) != MG_WEBSOCKET_OPCODE_TEXT) return 1;
        auto snapshot = nlohmann::json::parse(data, data + size, nullptr, false);
        if (!snapshot.is_object() || !snapshot.contains("view")) return 1;
        auto* r = static_cast<Received*>(self);
        std::lock_guard lock(r->mutex);
        r->lastPreset = snapshot["view"]["window"]["preset"].get<std::string>();
        r->arrived.notify_all();
        return 1;
    }
};

void BM_ConsoleLatencyTraineeActionToLivePage(benchmark::State& state) {
    auto scenario = test::traumaCase();
    session::SessionClock clock;
    session::EventLog log;
    session::Session session(scenario, clock, log);
    console::ConsoleServer server(console::ConsoleAddress{"127.0.0.1", 0});
    console::ConsoleLink link(server);
    link.frame(session, log, nullptr, 0);
    Received received;
    char error[256] = "";
    std::string path = "/live?token=" + server.token();
    mg_connection* conn = mg_connect_websocket_client("127.0.0.1", server.port(), 0, error, sizeof error, path.c_str(),
                                                      nullptr, &Received::onData, nullptr, &received);
    if (!conn) {
        state.SkipWithError(error);
        return;
    }
    bool lung = false;
    double worst = 0;
    for (auto _ : state) {
        lung = !lung;
        const std::string preset = lung ? "lung" : "soft_tissue";
        auto t0 = std::chrono::steady_clock::now();
        session.apply(session::SetWindow{preset, lung ? imaging::Window{1500, -600} : imaging::Window{400, 40}});
        link.frame(session, log, nullptr, 0);
        std::unique_lock lock(received.mutex);
        if (!received.arrived.wait_for(lock, std::chrono::seconds(2), [&] { return received.lastPreset == preset; })) {
            state.SkipWithError("the live page did not receive the change within 2 s");
            break;
        }
        worst =
            std::max(worst, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    state.counters["worst_ms"] = worst;
    mg_close_connection(conn);
}
BENCHMARK(BM_ConsoleLatencyTraineeActionToLivePage)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(500);
}  // namespace

// The instructor's console as a browser on the same network meets it: a page and a state that need the session's
// token, commands that reach the session only through the app's frame loop and land in the event log, and a live
// feed that shows a trainee's action at once.
#include <gtest/gtest.h>

#include <civetweb.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "console/link.h"
#include "console/server.h"
#include "console/snapshot.h"
#include "session/session.h"
#include "session/trauma_case.h"

using namespace polysim;
using Json = nlohmann::ordered_json;

namespace {
struct Reply {
    int status = -1;
    std::string body;
};

Reply request(int port, const std::string& method, const std::string& target, const std::string& body = "") {
    char error[256] = "";
    mg_connection* c = mg_connect_client("127.0.0.1", port, 0, error, sizeof error);
    if (!c) return {-1, error};
    mg_printf(c,
              "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
              "Connection: close\r\n\r\n",
              method.c_str(), target.c_str(), body.size());
    if (!body.empty()) mg_write(c, body.data(), body.size());
    Reply r;
    if (mg_get_response(c, error, sizeof error, 5000) >= 0) {
        r.status = mg_get_response_info(c)->status_code;
        char buf[4096];
        int n;
        while ((n = mg_read(c, buf, sizeof buf)) > 0) r.body.append(buf, std::size_t(n));
    } else {
        r.body = error;
    }
    mg_close_connection(c);
    return r;
}

// A live page: keeps the snapshots the server pushes.
struct LivePage {
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<std::pair<std::chrono::steady_clock::time_point, Json>> snapshots;
    mg_connection* conn = nullptr;

    static int onData(mg_connection*, int bits, char* data, size_t size, void* self) {
        if ((bits & 0xf) != MG_WEBSOCKET_OPCODE_TEXT) return 1;
        auto* page = static_cast<LivePage*>(self);
        std::lock_guard lock(page->mutex);
        page->snapshots.push_back({std::chrono::steady_clock::now(), Json::parse(data, data + size)});
        page->arrived.notify_all();
        return 1;
    }
    bool open(int port, const std::string& token) {
        char error[256] = "";
        std::string path = "/live?token=" + token;
        conn = mg_connect_websocket_client("127.0.0.1", port, 0, error, sizeof error, path.c_str(), nullptr, &onData,
                                           nullptr, this);
        return conn != nullptr;
    }
    // The first snapshot after `from` that satisfies `test`, with when it arrived.
    template <class F>
    std::optional<std::pair<std::chrono::steady_clock::time_point, Json>> waitFor(std::size_t from, F test) {
        std::unique_lock lock(mutex);
        std::optional<std::pair<std::chrono::steady_clock::time_point, Json>> found;
        arrived.wait_for(lock, std::chrono::seconds(5), [&] {
            for (std::size_t i = from; i < snapshots.size(); ++i)
                if (test(snapshots[i].second)) {
                    found = snapshots[i];
                    return true;
                }
            return false;
        });
        return found;
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return snapshots.size();
    }
    ~LivePage() {
        if (conn) mg_close_connection(conn);
    }
};

struct TaughtRoom {
    scenario::Scenario scenario = test::traumaCase();
    session::SessionClock clock;
    session::EventLog log;
    session::Session session{scenario, clock, log};
    console::ConsoleServer server{console::ConsoleAddress{"127.0.0.1", 0}};
    console::ConsoleLink link{server};
    // One frame of the app: the clock moves, the console's commands are applied, the state is published.
    void frame(double seconds = 1.0 / 60) {
        clock.advanceBy(seconds);
        session.update();
        link.frame(session, log, nullptr, seconds);
    }
};
}  // namespace

TEST(Console, TheAddressCarriesARandomTokenAndEveryRequestWithoutItGets403) {
    TaughtRoom room;
    room.frame();
    const auto& token = room.server.token();
    EXPECT_TRUE(token.size() == 32 && token.find_first_not_of("0123456789abcdef") == std::string::npos) << token;
    EXPECT_EQ(room.server.url(), "http://127.0.0.1:" + std::to_string(room.server.port()) + "/?token=" + token);
    console::ConsoleServer other{console::ConsoleAddress{"127.0.0.1", 0}};
    EXPECT_NE(other.token(), token);  // each session its own

    const int port = room.server.port();
    EXPECT_EQ(request(port, "GET", "/").status, 403);
    EXPECT_EQ(request(port, "GET", "/state").status, 403);
    EXPECT_EQ(request(port, "GET", "/?token=" + std::string(32, '0')).status, 403);
    EXPECT_EQ(request(port, "GET", "/state?token=" + token.substr(0, 31)).status, 403);
    EXPECT_EQ(request(port, "POST", "/command", R"({"action":"pause"})").status, 403);
    LivePage intruder;
    EXPECT_FALSE(intruder.open(port, "wrong"));
    room.frame();
    EXPECT_FALSE(room.session.paused());  // nothing got through

    auto page = request(port, "GET", "/?token=" + token);
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("instructor's console"), std::string::npos);
    // Self-contained: nothing is loaded from elsewhere.
    EXPECT_EQ(page.body.find("http://"), std::string::npos);
    EXPECT_EQ(page.body.find("https://"), std::string::npos);
    EXPECT_EQ(page.body.find("src="), std::string::npos);
}

TEST(Console, TheStateShowsTheSessionAndTheGroundTruth) {
    TaughtRoom room;
    room.clock.advanceTo(30);
    room.session.update();
    room.session.apply(session::SetWindow{"lung", {1500, -600}});
    room.frame();
    auto reply = request(room.server.port(), "GET", "/state?token=" + room.server.token());
    ASSERT_EQ(reply.status, 200);
    auto state = Json::parse(reply.body);
    EXPECT_NEAR(state["t"].get<double>(), 30.0, 0.1);
    EXPECT_EQ(state["paused"], false);
    EXPECT_EQ(state["view"]["window"]["preset"], "lung");
    EXPECT_GT(state["vitals"]["hr"].get<double>(), 110.0);  // on its way to 118 at 02:00
    ASSERT_EQ(state["findings"].size(), 2u);
    EXPECT_EQ(state["findings"][0]["id"], "tension_pneumothorax");
    EXPECT_EQ(state["findings"][0]["called"], false);
    ASSERT_EQ(state["coverage"].size(), 3u);
    EXPECT_EQ(state["scripted"][0]["id"], "neuro_q1");  // still to come at 02:00
}

TEST(Console, AnInjectedQuestionIsAppliedByTheFrameLoopAndLogged) {
    TaughtRoom room;
    room.frame();
    const int port = room.server.port();
    const std::string token = room.server.token();
    auto sent = request(port, "POST", "/command?token=" + token,
                        R"({"action":"say","role":"trauma_leader","text":"Anything in the chest I need to know now?",)"
                        R"("findings":["tension_pneumothorax"]})");
    EXPECT_EQ(sent.status, 202) << sent.body;
    // Not before the app's next frame: the server never touches the session.
    EXPECT_TRUE(room.session.activeInterruptions().empty());
    room.frame();
    auto active = room.session.activeInterruptions();
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].spec->id, "say1");
    EXPECT_EQ(active[0].spec->role, "trauma_leader");
    EXPECT_EQ(active[0].saying, "Anything in the chest I need to know now?");
    bool logged = false;
    for (const auto& e : room.log.events())
        if (e.value("action", "") == "say" && e.value("role", "") == "trauma_leader") logged = true;
    EXPECT_TRUE(logged);
    auto state = Json::parse(request(port, "GET", "/state?token=" + token).body);
    ASSERT_EQ(state["interruptions"].size(), 1u);
    EXPECT_EQ(state["interruptions"][0]["instructor"], true);
    EXPECT_EQ(state["recent"].back()["event"], "interruption_start");

    // A trainee's action cannot come from the console.
    request(port, "POST", "/command?token=" + token,
            R"({"action":"call","text":"tension pneumothorax","role":"trauma_leader"})");
    room.frame();
    EXPECT_TRUE(room.session.calls().empty());
    EXPECT_EQ(request(port, "POST", "/command?token=" + token, "not json").status, 400);
}

TEST(Console, TheLivePageSeesATraineeActionAndItsPauseIsTimedInRealSeconds) {
    TaughtRoom room;
    room.frame();
    LivePage page;
    ASSERT_TRUE(page.open(room.server.port(), room.server.token()));
    ASSERT_TRUE(page.waitFor(0, [](const Json& s) { return s.contains("t"); }));

    // The trainee changes the window; the page sees it from the same frame.
    std::size_t before = page.count();
    auto acted = std::chrono::steady_clock::now();
    room.session.apply(session::SetWindow{"lung", {1500, -600}});
    room.frame();
    auto seen = page.waitFor(before, [](const Json& s) { return s["view"]["window"]["preset"] == "lung"; });
    ASSERT_TRUE(seen);
    double ms = std::chrono::duration<double, std::milli>(seen->first - acted).count();
    std::printf("trainee action to the live page: %.2f ms\n", ms);
    EXPECT_LT(ms, 100.0);

    // Commands may come back over the live connection too.
    std::string pause = R"({"action":"pause"})";
    mg_websocket_client_write(page.conn, MG_WEBSOCKET_OPCODE_TEXT, pause.data(), pause.size());
    for (int i = 0; i < 200 && !room.session.paused(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        room.frame();
    }
    ASSERT_TRUE(room.session.paused());
    const double t = room.session.now();
    for (int i = 0; i < 90; ++i) room.frame(1.0 / 30);  // three seconds in the room
    EXPECT_EQ(room.session.now(), t);
    std::string resume = R"({"action":"resume"})";
    mg_websocket_client_write(page.conn, MG_WEBSOCKET_OPCODE_TEXT, resume.data(), resume.size());
    for (int i = 0; i < 200 && room.session.paused(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        room.frame(0);
    }
    ASSERT_FALSE(room.session.paused());
    ASSERT_EQ(room.session.pauses().size(), 1u);
    EXPECT_NEAR(room.session.pauses()[0].heldSeconds, 3.0, 0.15);
    EXPECT_TRUE(page.waitFor(0, [](const Json& s) { return s["paused"] == true; }));
}

TEST(Console, AddressesAreReadAsTheInstructorWritesThem) {
    std::string why;
    auto a = console::parseConsoleAddress("8080", &why);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto b = console::parseConsoleAddress("0.0.0.0:9000", &why);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "0.0.0.0");
    EXPECT_FALSE(console::parseConsoleAddress("eighty", &why));
    EXPECT_NE(why.find("not a port number"), std::string::npos);
    EXPECT_FALSE(console::parseConsoleAddress("my-laptop:80", &why));
    EXPECT_NE(why.find("not an IPv4 address"), std::string::npos);
}

// The simulator app as the tests and the README use it: `polysim run SCENARIO --screenshot --at` under Xvfb with
// Mesa, on the shipped motorcyclist case at test resolution (128 x 128, 4 mm slices).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <stb_image.h>

#include "gui/voice.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using polysim::test::runPolysim;
using polysim::test::runShell;

namespace {
std::string slurp(const fs::path& p) {
    return polysim::test::readFile(p);
}

fs::path smallMotorcyclist(const fs::path& dir) {
    return polysim::test::smallShippedScenario("motorcyclist", dir);
}

// Every test shares one phantom cache, so the small phantom is generated once per test run.
std::string env() {
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";
    return "XDG_CACHE_HOME=" + cache.string() + " XDG_CONFIG_HOME=" + cache.string() + " SDL_AUDIODRIVER=dummy ";
}

struct Png {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
    std::array<int, 3> at(int x, int y) const {
        const unsigned char* p = rgb.data() + (std::size_t(y) * w + x) * 3;
        return {p[0], p[1], p[2]};
    }
};
Png readPng(const fs::path& file) {
    Png p;
    int n = 0;
    unsigned char* data = stbi_load(file.string().c_str(), &p.w, &p.h, &n, 3);
    if (data) p.rgb.assign(data, data + std::size_t(p.w) * p.h * 3), stbi_image_free(data);
    return p;
}
}  // namespace

TEST(App, ScreenshotShowsTheCtImageTheHudAndTheSpeakingTeamMember) {
    auto dir = polysim::test::scratchDir("app-screenshot");
    fs::path scenario = smallMotorcyclist(dir);
    // 50 s: the arterial series is streaming in and the trauma leader has asked about the scout (at 12 s,
    // repeating while unanswered).
    auto r = runShell(env() + polysim::test::polysimBinary().string() + " run " + scenario.string() + " --screenshot " +
                      (dir / "shot.png").string() + " --at 50 --log " + (dir / "log.jsonl").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    Png png = readPng(dir / "shot.png");
    ASSERT_EQ(png.w, 1600);
    ASSERT_EQ(png.h, 900);

    // The viewer holds CT images: many grey levels, not one flat colour. (A trainee who does nothing looks at
    // the scout, which showed the moment it arrived.)
    std::set<int> greys;
    double sum = 0, sum2 = 0;
    int n = 0;
    for (int y = 60; y < 890; y += 3)
        for (int x = 350; x < 1595; x += 3) {
            auto c = png.at(x, y);
            if (c[0] == c[1] && c[1] == c[2]) greys.insert(c[0]);
            sum += c[0], sum2 += double(c[0]) * c[0], ++n;
        }
    double sd = std::sqrt(sum2 / n - (sum / n) * (sum / n));
    EXPECT_GT(greys.size(), 30u) << "the axial view looks flat";
    EXPECT_GT(sd, 20.0) << "the axial view looks uniform";

    // The HUD's vitals monitor: the green ECG trace and the red blood pressure digits on black.
    int green = 0, red = 0;
    for (int y = 46; y < 220; ++y)
        for (int x = 0; x < 340; ++x) {
            auto c = png.at(x, y);
            if (c[1] > 180 && c[0] < 120 && c[2] < 150) ++green;
            if (c[0] > 200 && c[1] < 120 && c[2] < 120) ++red;
        }
    EXPECT_GT(green, 100) << "no ECG trace / heart rate in the HUD";
    EXPECT_GT(red, 30) << "no blood pressure in the HUD";

    // The trauma leader's speech bubble: a border in the leader's red (200, 60, 60) over the viewer.
    int bubble = 0;
    for (int y = 0; y < png.h; ++y)
        for (int x = 340; x < png.w; ++x)
            if (png.at(x, y) == std::array<int, 3>{200, 60, 60}) ++bubble;
    EXPECT_GT(bubble, 500) << "no trauma-leader bubble";
    std::string log = slurp(dir / "log.jsonl");
    EXPECT_NE(log.find("\"interruption_start\""), std::string::npos) << log;
    EXPECT_NE(log.find("{\"t\":0.0,\"action\":\"series\",\"series\":\"scout\"}"), std::string::npos) << log;
}

TEST(App, ScriptedTraineeLogsExactlyWhatPolysimPlayLogs) {
    auto dir = polysim::test::scratchDir("app-script");
    fs::path scenario = smallMotorcyclist(dir);
    std::ofstream(dir / "trainee.txt") << "00:14 answer leader_scout \"right tension pneumothorax\"\n"
                                          "00:40 window lung\n"
                                          "00:41 scroll -100 -> -400 over 20s\n"
                                          "01:10 mark 60,0,-300 \"tension pneumothorax\" as ptx\n"
                                          "01:12 call ptx trauma_leader\n"
                                          "02:00 window soft_tissue\n"
                                          "05:00 primary-survey-complete\n"
                                          "05:10 conclude \"Right tension pneumothorax, decompress now.\"\n"
                                          "05:20 end\n";
    auto play =
        runShell(env() + "USER=tester " + polysim::test::polysimBinary().string() + " play " + scenario.string() +
                 " --script " + (dir / "trainee.txt").string() + " --log " + (dir / "play.jsonl").string());
    ASSERT_EQ(play.exitCode, 0) << play.out << play.err;
    // The app stops at 55 s (mid-scroll) for its screenshot, then plays the rest of the script.
    auto app = runShell(env() + "USER=tester " + polysim::test::polysimBinary().string() + " run " + scenario.string() +
                        " --script " + (dir / "trainee.txt").string() + " --log " + (dir / "app.jsonl").string() +
                        " --screenshot " + (dir / "shot.png").string() + " --at 55");
    ASSERT_EQ(app.exitCode, 0) << app.out << app.err;
    std::string a = slurp(dir / "app.jsonl"), p = slurp(dir / "play.jsonl");
    EXPECT_GT(p.size(), 1000u);
    EXPECT_EQ(a, p);
}

TEST(App, AnInterruptedSessionResumesFromItsLog) {
    auto dir = polysim::test::scratchDir("app-resume");
    fs::path scenario = smallMotorcyclist(dir);
    std::ofstream(dir / "trainee.txt") << "00:14 answer leader_scout \"right tension pneumothorax\"\n"
                                          "00:40 window lung\n"
                                          "00:45 mark 60,0,-300 \"tension pneumothorax\" as ptx\n";
    auto play = runShell(env() + polysim::test::polysimBinary().string() + " play " + scenario.string() + " --script " +
                         (dir / "trainee.txt").string() + " --log " + (dir / "full.jsonl").string());
    ASSERT_EQ(play.exitCode, 0) << play.err;
    // The app "crashed" at 60 s: its log holds everything up to then and no session_end.
    std::ifstream in(dir / "full.jsonl");
    std::ofstream cut(dir / "crashed.jsonl");
    std::string line, kept;
    while (std::getline(in, line)) {
        auto t = std::stod(line.substr(line.find(':') + 1));
        if (t > 60) break;
        kept += line + "\n";
    }
    cut << kept;
    cut.close();
    auto r = runShell(env() + polysim::test::polysimBinary().string() + " run " + scenario.string() + " --log " +
                      (dir / "crashed.jsonl").string() + " --resume --screenshot " + (dir / "shot.png").string() +
                      " --at 90");
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    std::string after = slurp(dir / "crashed.jsonl");
    EXPECT_EQ(after.substr(0, kept.size()), kept) << "the logged part must stay as it was";
    EXPECT_GT(after.size(), kept.size()) << "the resumed session goes on logging";
    EXPECT_EQ(after.find("\"session_start\"", kept.find('\n')), std::string::npos)
        << "resuming must not start a new session";
    EXPECT_NE(after.find("\"mark\""), std::string::npos);  // the mark from before the crash is still in the session
}

TEST(App, AScriptedSessionResumedInTheAppLogsWhatPlayResumedLogs) {
    // The same crashed scripted session carried on by `polysim play --resume` and by the app with the same script:
    // the script goes on after the actions the log holds, so both logs end up identical (and equal the whole run).
    auto dir = polysim::test::scratchDir("app-resume-script");
    fs::path scenario = smallMotorcyclist(dir);
    const std::string script = (polysim::test::sourceDir() / "scenarios/scripts/motorcyclist-expert.txt").string();
    const std::string polysim = env() + polysim::test::polysimBinary().string();
    auto full = runShell(polysim + " play " + scenario.string() + " --script " + script + " --log " +
                         (dir / "full.jsonl").string());
    ASSERT_EQ(full.exitCode, 0) << full.err;
    std::ifstream in(dir / "full.jsonl");
    std::string kept;
    for (std::string line; std::getline(in, line);)
        if (std::stod(line.substr(line.find(':') + 1)) <= 90) kept += line + "\n";
    std::ofstream(dir / "play.jsonl") << kept;
    std::ofstream(dir / "app.jsonl") << kept;
    auto play = runShell(polysim + " play " + scenario.string() + " --script " + script + " --log " +
                         (dir / "play.jsonl").string() + " --resume");
    ASSERT_EQ(play.exitCode, 0) << play.err;
    auto app =
        runShell(polysim + " run " + scenario.string() + " --script " + script + " --log " +
                 (dir / "app.jsonl").string() + " --resume --screenshot " + (dir / "shot.png").string() + " --at 120");
    ASSERT_EQ(app.exitCode, 0) << app.out << app.err;
    EXPECT_EQ(app.err.find("refused"), std::string::npos) << "the app played the script again: " << app.err;
    const std::string played = slurp(dir / "play.jsonl"), run = slurp(dir / "app.jsonl");
    EXPECT_EQ(run, played) << "the app's resumed log differs from polysim play's";
    EXPECT_EQ(played, slurp(dir / "full.jsonl")) << "resuming changed what the session logged";
}

TEST(App, TheScoutOpensAsOneProjectionAcrossTheWholeViewer) {
    auto dir = polysim::test::scratchDir("app-scout");
    fs::path scenario = smallMotorcyclist(dir);
    std::ofstream(dir / "trainee.txt") << "00:05 series scout\n00:06 window bone\n";
    auto r = runShell(env() + polysim::test::polysimBinary().string() + " run " + scenario.string() + " --script " +
                      (dir / "trainee.txt").string() + " --screenshot " + (dir / "shot.png").string() +
                      " --at 10 --log " + (dir / "log.jsonl").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    Png png = readPng(dir / "shot.png");
    // Down the middle of the viewer runs the body (bright spine and skull), beside it air (black): one tall image,
    // not three small views.
    int bright = 0, dark = 0;
    for (int y = 80; y < 880; y += 4) {
        if (png.at(975, y)[0] > 120) ++bright;
        if (png.at(420, y)[0] < 10) ++dark;
    }
    EXPECT_GT(bright, 60) << "no body down the middle of the viewer";
    EXPECT_GT(dark, 180) << "the side of a projection should be air";
    EXPECT_NE(slurp(dir / "log.jsonl").find("\"series\":\"scout\""), std::string::npos);
}

TEST(App, AfterTheSessionEndsTheScreenShowsTheDebrief) {
    auto dir = polysim::test::scratchDir("app-debrief");
    fs::path scenario = smallMotorcyclist(dir);
    std::ofstream(dir / "trainee.txt") << "00:20 end\n";
    auto r = runShell(env() + polysim::test::polysimBinary().string() + " run " + scenario.string() + " --script " +
                      (dir / "trainee.txt").string() + " --screenshot " + (dir / "shot.png").string() +
                      " --at 30 --log " + (dir / "log.jsonl").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    Png png = readPng(dir / "shot.png");
    // A trainee who read nothing fails: the "NOT PASSED" badge in the debrief's red, at the top left under the
    // case title and the summary's header.
    int red = 0;
    for (int y = 60; y < 140; ++y)
        for (int x = 0; x < 400; ++x)
            if (png.at(x, y) == std::array<int, 3>{192, 57, 43}) ++red;
    EXPECT_GT(red, 500) << "no failed score at the top of the debrief";
}

TEST(App, ScreenshotNeedsASessionTime) {
    auto r = runPolysim("run --screenshot x.png");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
}

TEST(RoomAudio, EachRoleSpeaksWithItsOwnVoiceAndPhonesRing) {
    auto leader = polysim::gui::synthesiseSpeech("trauma_leader", "Anything on the scout?");
    auto anaesthetist = polysim::gui::synthesiseSpeech("anaesthetist", "Anything on the scout?");
    ASSERT_GT(leader.size(), 5000u) << "espeak-ng produced no speech";
    ASSERT_GT(anaesthetist.size(), 5000u);
    auto energy = [](const std::vector<int16_t>& s) {
        double e = 0;
        for (auto v : s) e += double(v) * v;
        return e / double(s.size());
    };
    EXPECT_GT(energy(leader), 1e4) << "silent speech";
    EXPECT_NE(leader, anaesthetist) << "two roles sound identical";
    // Zero crossings per second follow the pitch: the anaesthetist's voice is set higher than the leader's.
    auto crossings = [](const std::vector<int16_t>& s) {
        int c = 0;
        for (std::size_t i = 1; i < s.size(); ++i) c += (s[i - 1] < 0) != (s[i] < 0);
        return double(c) / double(s.size());
    };
    EXPECT_NE(crossings(leader), crossings(anaesthetist));
    auto phone = polysim::gui::ringTone(false), pager = polysim::gui::ringTone(true);
    EXPECT_GT(phone.size(), std::size_t(polysim::gui::speechSampleRate()));  // rings for seconds
    EXPECT_LT(pager.size(), phone.size());
    EXPECT_GT(energy(pager), 1e6);
}

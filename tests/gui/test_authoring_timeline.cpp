// The authoring screen's interruption timeline: session time maps to the strip and back, dragging moves a timed
// interruption in 5 s steps inside the session, an interruption added at a time is valid and survives Save and a
// reload, triggered interruptions are estimated no earlier than the images that can trigger them, and the strip
// itself answers the mouse (drag, double-click).
#include <gtest/gtest.h>

#include <functional>

#include <imgui.h>

#include "gui/authoring.h"
#include "gui/authoring_timeline.h"
#include "gui/viewer.h"
#include "scenario/loader.h"
#include "support/headless_imgui.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using polysim::gui::AuthoringModel;
using polysim::scenario::Diagnostic;
using polysim::scenario::InterruptionTrigger;
namespace tl = polysim::gui::timeline;

namespace {
polysim::scenario::Scenario loadMotorcyclist(const std::string& test) {
    auto dir = polysim::test::scratchDir(test);
    auto r = polysim::scenario::loadScenario(polysim::test::smallShippedScenario("motorcyclist", dir));
    EXPECT_TRUE(r.ok()) << polysim::scenario::formatDiagnostics(r.diagnostics);
    return r.scenario ? *r.scenario : polysim::scenario::Scenario{};
}

// The motorcyclist in an authoring model with the context the timeline and the Interruptions tab draw from.
struct TimelineCase {
    explicit TimelineCase(const std::string& test)
        : model(loadMotorcyclist(test + "-source"), polysim::test::scratchDir(test) / "edited.toml") {}
    AuthoringModel model;
    polysim::gui::Viewer viewer;
    polysim::gui::AuthoringSelection selection;
    polysim::gui::AuthoringWidgetState widgets;
    polysim::gui::AuthoringContext ctx{model, viewer, selection, widgets};
};

std::size_t indexOf(const polysim::scenario::Scenario& s, const std::string& id) {
    for (std::size_t i = 0; i < s.interruptions.size(); ++i)
        if (s.interruptions[i].id == id) return i;
    ADD_FAILURE() << "no interruption " << id;
    return 0;
}

const tl::TimeAxis kAxis{100, 1000, 0, 900};  // 1 px per second
}  // namespace

TEST(AuthoringTimeline, SessionTimeMapsToTheStripAndBack) {
    EXPECT_FLOAT_EQ(kAxis.x(0), 100);
    EXPECT_FLOAT_EQ(kAxis.x(900), 1000);
    EXPECT_FLOAT_EQ(kAxis.x(450), 550);
    for (double t : {0.0, 12.5, 300.0, 899.0}) EXPECT_NEAR(kAxis.seconds(kAxis.x(t)), t, 1e-3);
    // A zoomed view: the first two minutes across the same pixels.
    const tl::TimeAxis zoomed{100, 1000, 60, 180};
    EXPECT_FLOAT_EQ(zoomed.x(60), 100);
    EXPECT_FLOAT_EQ(zoomed.x(120), 550);
    EXPECT_NEAR(zoomed.seconds(1000), 180, 1e-3);
}

TEST(AuthoringTimeline, TimesSnapToFiveSecondsAndReadAsMinutesAndSeconds) {
    EXPECT_EQ(tl::snapSeconds(12), 10);
    EXPECT_EQ(tl::snapSeconds(13), 15);
    EXPECT_EQ(tl::snapSeconds(0.4), 0);
    EXPECT_EQ(tl::clock(0), "0:00");
    EXPECT_EQ(tl::clock(75), "1:15");
    EXPECT_EQ(tl::clock(600), "10:00");
    // Tick labels stay apart: 64 px at 1 px/s is a minute; zoomed in it is finer.
    EXPECT_EQ(tl::tickStep(kAxis, 64), 120);
    EXPECT_EQ(tl::tickStep(tl::TimeAxis{0, 900, 0, 90}, 64), 10);
}

TEST(AuthoringTimeline, DeadlinesAtTheSameTimeShareOneMarkerInsteadOfOverlapping) {
    // Five Category 1 findings due at 5:00: one marker ("5 findings"), not five labels drawn over each other.
    auto s = loadMotorcyclist("timeline-deadlines");
    s.findings.resize(1);
    for (int i = 2; i <= 5; ++i) {
        s.findings.push_back(s.findings.front());
        s.findings.back().id = "finding_" + std::to_string(i);
    }
    for (auto& f : s.findings) f.deadlineSeconds = 300;
    const auto axis = tl::stripAxis(ImVec2(468, 724), ImVec2(1118, 170), s.durationSeconds);
    std::vector<float> xs;
    for (const auto& f : s.findings) xs.push_back(axis.x(f.deadlineSeconds));
    const auto together = tl::groupMarks(xs, 12);
    ASSERT_EQ(together.size(), 1u);
    EXPECT_EQ(together[0].size(), 5u);
    // Marks further apart keep markers of their own; a group starts at its leftmost mark.
    const auto groups = tl::groupMarks({150, 100, 104, 400, 400, 111}, 12);
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(groups[0], (std::vector<std::size_t>{1, 2, 5}));
    EXPECT_EQ(groups[1], (std::vector<std::size_t>{0}));
    EXPECT_EQ(groups[2], (std::vector<std::size_t>{3, 4}));
}

TEST(AuthoringTimeline, AnAnswerAddedAfterARemovalGetsAnIdNoOtherAnswerHas) {
    auto dir = polysim::test::scratchDir("timeline-answers");
    AuthoringModel model(loadMotorcyclist("timeline-answers-source"), dir / "edited.toml");
    auto& in = model.scenario().interruptions[tl::addInterruptionAt(model, 120)];
    in.answers.clear();
    for (int i = 0; i < 3; ++i) tl::addAnswer(in);
    EXPECT_EQ(in.answers[2].id, "3");
    in.answers.erase(in.answers.begin() + 1);  // "1", "3" are left
    const std::string added = tl::addAnswer(in).id;
    EXPECT_NE(added, "1");
    EXPECT_NE(added, "3");
    in.answers.back().correct = true;
    model.touch();
    int duplicates = 0;
    for (const auto& d : model.validate()) duplicates += d.message.find("duplicate answer id") != std::string::npos;
    EXPECT_EQ(duplicates, 0) << polysim::scenario::formatDiagnostics(model.validate());
}

TEST(AuthoringTimeline, DraggingATimedInterruptionMovesItInFiveSecondStepsInsideTheSession) {
    auto s = loadMotorcyclist("timeline-drag");
    const std::size_t i = indexOf(s, "surgeon_bleeding");  // at 75 s
    auto& t = s.interruptions[i].trigger;
    ASSERT_EQ(t.type, InterruptionTrigger::Type::AtTime);
    const double grabbed = t.atSeconds;

    EXPECT_TRUE(tl::dragAtTime(s, i, grabbed, 32, kAxis));  // 75 + 32 = 107 -> 105
    EXPECT_EQ(t.atSeconds, 105);
    EXPECT_FALSE(tl::dragAtTime(s, i, grabbed, 31, kAxis)) << "106 snaps to the same 105: no change, no edit";
    EXPECT_TRUE(tl::dragAtTime(s, i, grabbed, -500, kAxis));
    EXPECT_EQ(t.atSeconds, 0) << "dragged before the start it stays at 0:00";
    EXPECT_TRUE(tl::dragAtTime(s, i, grabbed, 5000, kAxis));
    EXPECT_EQ(t.atSeconds, s.durationSeconds) << "dragged past the end it stays at the session's end";
    t.delaySeconds = 10;
    tl::dragAtTime(s, i, grabbed, 5000, kAxis);
    EXPECT_LE(t.atSeconds + t.delaySeconds, s.durationSeconds) << "with its delay it still starts inside the session";

    const std::size_t triggered = indexOf(s, "drain_question");  // when chest_lungs opens
    const auto before = s.interruptions[triggered].trigger;
    EXPECT_FALSE(tl::dragAtTime(s, triggered, 0, 100, kAxis)) << "a triggered interruption has no time to drag";
    EXPECT_EQ(s.interruptions[triggered].trigger.atSeconds, before.atSeconds);
}

TEST(AuthoringTimeline, AnInterruptionAddedAtATimeValidatesAndSurvivesSaveAndReload) {
    auto dir = polysim::test::scratchDir("timeline-add");
    AuthoringModel model(loadMotorcyclist("timeline-add-source"), dir / "edited.toml");
    const auto editsBefore = model.edits();
    const std::size_t i = tl::addInterruptionAt(model, 92);
    EXPECT_GT(model.edits(), editsBefore) << "adding is an unsaved change";
    const auto added = model.scenario().interruptions[i];
    EXPECT_EQ(added.trigger.type, InterruptionTrigger::Type::AtTime);
    EXPECT_EQ(added.trigger.atSeconds, 90) << "added on the 5 s grid";
    EXPECT_EQ(tl::addInterruptionAt(model, 92), i + 1);
    EXPECT_NE(model.scenario().interruptions[i + 1].id, added.id) << "a second one gets its own id";
    tl::removeInterruption(model, i + 1);

    const auto diagnostics = model.validate();
    for (const auto& d : diagnostics)
        EXPECT_EQ(d.format().find(added.id), std::string::npos)
            << "the new interruption draws a diagnostic: " << d.format();
    for (const auto& d : diagnostics) EXPECT_NE(d.severity, Diagnostic::Severity::Error) << d.format();

    std::string error;
    ASSERT_TRUE(model.save(&error)) << error;
    auto reloaded = polysim::scenario::loadScenario(dir / "edited.toml");
    ASSERT_TRUE(reloaded.ok()) << polysim::scenario::formatDiagnostics(reloaded.diagnostics);
    const auto* back = reloaded.scenario->findInterruption(added.id);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->trigger.type, InterruptionTrigger::Type::AtTime);
    EXPECT_EQ(back->trigger.atSeconds, 90);
    EXPECT_EQ(back->role, added.role);
    EXPECT_EQ(back->name, added.name);
    EXPECT_EQ(back->text, added.text);
    ASSERT_EQ(back->answers.size(), 2u);
    int correct = 0;
    for (std::size_t k = 0; k < 2; ++k) {
        EXPECT_EQ(back->answers[k].id, added.answers[k].id);
        EXPECT_EQ(back->answers[k].text, added.answers[k].text);
        EXPECT_EQ(back->answers[k].correct, added.answers[k].correct);
        correct += back->answers[k].correct;
    }
    EXPECT_EQ(correct, 1) << "one right and one wrong quick answer";
}

TEST(AuthoringTimeline, ATriggeredInterruptionIsEstimatedNoEarlierThanTheImagesThatTriggerIt) {
    auto s = loadMotorcyclist("timeline-estimate");
    auto& drain = s.interruptions[indexOf(s, "drain_question")];
    ASSERT_EQ(drain.trigger.type, InterruptionTrigger::Type::RegionOpened);
    double firstChestSeries = 1e9;  // chest_lungs is in every series but the scout and the head CT
    for (const auto& series : s.images.series)
        if (series.kind != polysim::phantom::SeriesKind::Scout && series.kind != polysim::phantom::SeriesKind::Head)
            firstChestSeries = std::min(firstChestSeries, series.arrivalSeconds);
    auto e = tl::estimateStart(s, drain);
    ASSERT_TRUE(e.seconds.has_value()) << e.reason;
    EXPECT_FALSE(e.exact);
    EXPECT_GE(*e.seconds, firstChestSeries + drain.trigger.delaySeconds);
    EXPECT_NE(e.trigger.find("Chest: lungs and pleura"), std::string::npos) << "the strip writes what it waits for";

    // A region shown only by the portal series waits for that series, which arrives later.
    for (auto& r : s.regions)
        if (r.id == "chest_lungs") r.series = "portal";
    double portal = 0;
    for (const auto& series : s.images.series)
        if (series.id == "portal") portal = series.arrivalSeconds;
    ASSERT_GT(portal, firstChestSeries);
    e = tl::estimateStart(s, drain);
    ASSERT_TRUE(e.seconds.has_value());
    EXPECT_GE(*e.seconds, portal);

    // Ignored: after the other one has asked, repeated and escalated, plus the delay.
    const auto& escalates = s.interruptions[indexOf(s, "leader_escalates")];
    const auto after = tl::estimateStart(s, escalates);
    ASSERT_TRUE(after.seconds.has_value()) << after.reason;
    EXPECT_DOUBLE_EQ(*after.seconds,
                     *e.seconds + drain.patienceSeconds * (drain.maxRepeats + 1) + escalates.trigger.delaySeconds);
}

using polysim::test::HeadlessImGui;

TEST(AuthoringTimeline, TheStripDragsATimedInterruptionAddsOneOnDoubleClickAndDeletesTheSelected) {
    auto dir = polysim::test::scratchDir("timeline-mouse");
    auto s = loadMotorcyclist("timeline-mouse-source");
    const auto keep = s.interruptions[indexOf(s, "surgeon_bleeding")];  // at 75 s, alone in its lane
    s.interruptions = {keep};
    AuthoringModel model(s, dir / "edited.toml");
    polysim::gui::Viewer viewer;
    polysim::gui::AuthoringSelection selection;
    polysim::gui::AuthoringWidgetState widgets;
    polysim::gui::AuthoringContext ctx{model, viewer, selection, widgets};
    const ImVec2 pos(468, 724), size(1118, 170);
    const auto axis = tl::stripAxis(pos, size, s.durationSeconds);
    auto draw = [&] { polysim::gui::drawInterruptionTimeline(ctx, pos, size); };
    HeadlessImGui imgui;

    // Find the block's row: the first height at which its start is under the mouse.
    const float x = axis.x(75) + 3;
    float y = -1;
    for (float probe = pos.y; probe < pos.y + size.y && y < 0; probe += 2)
        if (imgui.frame(ImVec2(x, probe), false, draw) && imgui.frame(ImVec2(x, probe), false, draw)) y = probe;
    ASSERT_GE(y, 0) << "the interruption at 1:15 is drawn where the axis puts 1:15";

    const auto edits = model.edits();
    const float dx = float(60 * axis.pixelsPerSecond());  // one minute later
    imgui.frame(ImVec2(x, y), true, draw);
    for (int step = 1; step <= 6; ++step) imgui.frame(ImVec2(x + dx * float(step) / 6, y), true, draw);
    imgui.frame(ImVec2(x + dx, y), false, draw);
    EXPECT_EQ(selection.interruption, 0) << "clicking a block selects it";
    EXPECT_EQ(model.scenario().interruptions[0].trigger.atSeconds, 135) << "dragged one minute: 1:15 -> 2:15";
    EXPECT_GT(model.edits(), edits) << "the drag is an unsaved change";

    // A double-click on free space of the same lane at 5:00 adds an interruption there and selects it.
    const ImVec2 free(axis.x(300), y);
    for (bool down : {false, true, false, true, false}) imgui.frame(free, down, draw);
    ASSERT_EQ(model.scenario().interruptions.size(), 2u);
    EXPECT_EQ(model.scenario().interruptions[1].trigger.atSeconds, 300);
    EXPECT_EQ(selection.interruption, 1);

    // Delete (authoring.delete), with the strip holding the keyboard after those clicks, removes the selected one.
    // The key arrives as Dear ImGui's SDL backend reports it: by scancode.
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[SDL_SCANCODE_DELETE] = true;
    imgui.frame(free, false, draw);
    io.KeysDown[SDL_SCANCODE_DELETE] = false;
    imgui.frame(free, false, draw);
    ASSERT_EQ(model.scenario().interruptions.size(), 1u);
    EXPECT_EQ(model.scenario().interruptions[0].id, keep.id);
    EXPECT_EQ(selection.interruption, -1);
}

TEST(AuthoringTimeline, RowsNeverOverlapAndEachBlockIsClickedWhereItIsSeen) {
    // Packing: whatever the spans, no two in a row overlap, and a span goes to the first row free at its start.
    const std::vector<std::pair<float, float>> spans{{0, 50},  {10, 30}, {20, 90}, {30, 40},
                                                     {45, 60}, {50, 70}, {95, 99}};
    const auto rows = tl::packRows(spans);
    for (std::size_t i = 0; i < spans.size(); ++i)
        for (std::size_t j = i + 1; j < spans.size(); ++j) {
            if (rows[i] != rows[j]) continue;
            EXPECT_TRUE(spans[i].second <= spans[j].first || spans[j].second <= spans[i].first) << i << " " << j;
        }
    EXPECT_EQ(rows[6], 0) << "row 0 is free again at 95";

    // The motorcyclist's room on the strip of a 1280 x 720 window: a busy first minute.
    TimelineCase c("timeline-rows");
    auto& model = c.model;
    auto& selection = c.selection;
    auto& ctx = c.ctx;
    HeadlessImGui imgui;
    ImVec2 pos(468, 440), size(806, 170);
    auto draw = [&] { polysim::gui::drawInterruptionTimeline(ctx, pos, size); };
    imgui.frame(ImVec2(-1, -1), false, draw);
    // The strip asks for the height that shows every row; given it, every block is drawn.
    ASSERT_GT(c.widgets.strip.wantedHeight, 0);
    size.y = std::max(size.y, c.widgets.strip.wantedHeight);
    imgui.frame(ImVec2(-1, -1), false, draw);
    const auto blocks = c.widgets.strip.blocks;
    ASSERT_EQ(blocks.size(), model.scenario().interruptions.size());
    for (std::size_t i = 0; i < blocks.size(); ++i)
        for (std::size_t j = i + 1; j < blocks.size(); ++j) {
            const auto &a = blocks[i], &b = blocks[j];
            const bool apart = a.max.x <= b.min.x || b.max.x <= a.min.x || a.max.y <= b.min.y || b.max.y <= a.min.y;
            EXPECT_TRUE(apart) << model.scenario().interruptions[a.interruption].id << " and "
                               << model.scenario().interruptions[b.interruption].id << " overlap";
        }
    // A click on each block, where it shows, selects that one.
    for (const auto& b : blocks) {
        const ImVec2 at(b.min.x + 3, (b.min.y + b.max.y) / 2);
        imgui.frame(at, false, draw);
        imgui.frame(at, true, draw);
        imgui.frame(at, false, draw);
        EXPECT_EQ(selection.interruption, int(b.interruption)) << model.scenario().interruptions[b.interruption].id;
    }
    EXPECT_EQ(model.scenario().interruptions.size(), blocks.size()) << "clicking adds nothing";
}

TEST(AuthoringTimeline, TheInterruptionsTabFitsThePanelAndDrawingIsNoEdit) {
    // The authoring panel is 460 px wide at 1600 x 900; every interruption of the case, whatever its trigger, shows
    // its fields without sideways scrolling, and showing them changes nothing.
    TimelineCase c("timeline-editor");
    auto& model = c.model;
    auto& selection = c.selection;
    auto& ctx = c.ctx;
    HeadlessImGui imgui;
    const auto edits = model.edits();
    for (int i = 0; i < int(model.scenario().interruptions.size()); ++i) {
        selection.interruption = i;
        float overflow = -1;
        for (int frame = 0; frame < 3; ++frame)  // ImGui settles window sizes over a few frames
            imgui.frame(ImVec2(-1, -1), false, [&] {
                ImGui::SetNextWindowPos(ImVec2(0, 0));
                ImGui::SetNextWindowSize(ImVec2(460, 900));
                ImGui::Begin("Authoring", nullptr, ImGuiWindowFlags_HorizontalScrollbar);
                polysim::gui::drawInterruptionEditor(ctx);
                overflow = ImGui::GetScrollMaxX();
                ImGui::End();
            });
        EXPECT_EQ(overflow, 0) << model.scenario().interruptions[std::size_t(i)].id << " is wider than the panel";
    }
    EXPECT_EQ(model.edits(), edits) << "drawing alone does not count as an edit";
}

TEST(AuthoringTimeline, BlocksSpeakInTheCasesWordsNotItsIds) {
    // "when chest_mediastinum opens", "visceral_request": the trainer reads names, roles and regions as the case
    // words them; ids are for the file.
    auto s = loadMotorcyclist("timeline-words");
    for (const auto& in : s.interruptions) {
        const auto e = tl::estimateStart(s, in);
        const std::string text = tl::blockLabel(in, e);
        EXPECT_EQ(text.find('_'), std::string::npos) << in.id << ": " << text;
        EXPECT_EQ(text.find(in.id), std::string::npos) << in.id << ": " << text;
        const std::string who = in.name.empty() ? polysim::scenario::roleTitle(in.role) : in.name;
        EXPECT_NE(text.find(who), std::string::npos) << text;
        if (in.trigger.type == InterruptionTrigger::Type::RegionOpened) {
            const auto* region = s.findRegion(in.trigger.target);
            ASSERT_TRUE(region);
            EXPECT_NE(e.trigger.find(region->label), std::string::npos) << e.trigger;
            EXPECT_EQ(e.reason.find(in.trigger.target), std::string::npos) << e.reason;
        }
    }
    // A question with no name is its role's title.
    polysim::scenario::Interruption nameless;
    nameless.id = "visceral_request";
    nameless.role = "visceral_surgeon";
    EXPECT_EQ(tl::interruptionWho(nameless), "Visceral surgeon");
    for (const auto& series : s.images.series) {
        if (!series.label.empty()) {
            EXPECT_EQ(tl::seriesName(series), series.label);
        }
    }
}

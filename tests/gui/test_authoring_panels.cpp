// The authoring panels' edits of what is not placed on the images: the reading order, the vitals trend,
// deteriorations, the conclusion's keywords and a finding's synonyms and teaching point all survive Save and a
// reload, and leave a case that validates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include <imgui.h>

#include "gui/app_window.h"
#include "gui/authoring.h"
#include "gui/authoring_panels.h"
#include "gui/viewer.h"
#include "scenario/loader.h"
#include "support/headless_imgui.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using polysim::gui::AuthoringModel;
using polysim::scenario::Diagnostic;
using polysim::scenario::Scenario;

namespace {
Scenario load(const fs::path& file) {
    auto r = polysim::scenario::loadScenario(file);
    EXPECT_TRUE(r.ok()) << polysim::scenario::formatDiagnostics(r.diagnostics);
    return r.scenario ? *r.scenario : Scenario{};
}

int errors(const std::vector<Diagnostic>& ds) {
    return int(std::count_if(ds.begin(), ds.end(),
                             [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; }));
}

// The small motorcyclist case in a fresh folder, and a model that saves next to it.
struct Case {
    fs::path dir;
    AuthoringModel model;
    explicit Case(const std::string& name)
        : dir(polysim::test::scratchDir(name)),
          model(load(polysim::test::smallShippedScenario("motorcyclist", dir)), dir / "edited.toml") {}

    // Save, then read the file back the way a session would.
    Scenario saveAndReload() {
        std::string error;
        EXPECT_TRUE(model.save(&error)) << error;
        return load(dir / "edited.toml");
    }
};
}  // namespace

TEST(AuthoringPanels, MovingARegionUpTheReadingOrderChangesTheProtocolOrderAfterSaveAndReload) {
    Case c("panels-order");
    auto& s = c.model.scenario();
    const auto before = s.readingOrder;
    ASSERT_GE(before.size(), 3u);
    ASSERT_TRUE(polysim::gui::moveInReadingOrder(s, 2, -1));
    EXPECT_FALSE(polysim::gui::moveInReadingOrder(s, 0, -1)) << "the first region cannot be read earlier";
    c.model.touch();

    const auto reloaded = c.saveAndReload();
    auto expected = before;
    std::swap(expected[1], expected[2]);
    // The session's start position and the order score both follow Scenario::readingOrder as loaded.
    EXPECT_EQ(reloaded.readingOrder, expected);
    EXPECT_EQ(errors(c.model.validate()), 0);
}

TEST(AuthoringPanels, AVitalsChangeAddedOutOfOrderLandsInTimeOrder) {
    Case c("panels-trend");
    auto& p = c.model.scenario().patient;
    p.vitalsTrend.clear();
    polysim::scenario::VitalsChange late, early, middle;
    late.atSeconds = 300, late.note = "late";
    early.atSeconds = 60, early.note = "early";
    middle.atSeconds = 180, middle.note = "middle";
    middle.vitals.heartRate = 130;
    polysim::gui::addVitalsChange(p, late);
    polysim::gui::addVitalsChange(p, early);
    EXPECT_EQ(polysim::gui::addVitalsChange(p, middle), 1u);
    c.model.touch();
    EXPECT_EQ(errors(c.model.validate()), 0) << polysim::scenario::formatDiagnostics(c.model.validate());

    const auto reloaded = c.saveAndReload();  // the loader rejects a trend out of time order
    const auto& trend = reloaded.patient.vitalsTrend;
    ASSERT_EQ(trend.size(), 3u);
    EXPECT_EQ(trend[0].note, "early");
    EXPECT_EQ(trend[1].note, "middle");
    EXPECT_EQ(trend[2].note, "late");
    EXPECT_DOUBLE_EQ(trend[1].vitals.heartRate, 130);

    // A time edited in place is put back in order.
    p.vitalsTrend[0].atSeconds = 400;
    polysim::gui::sortVitalsTrend(p);
    EXPECT_EQ(p.vitalsTrend.back().note, "early");
}

TEST(AuthoringPanels, ADefaultDeteriorationFollowsACategory1FindingAndTheCaseStillValidates) {
    Case c("panels-deterioration");
    auto& s = c.model.scenario();
    // A new finding is Category 1 and has no deterioration yet.
    c.model.addFindingAt({60, 0, -300});
    std::vector<std::string> followedBefore;
    for (const auto& d : s.patient.deteriorations) followedBefore.push_back(d.findingId);

    auto d = polysim::gui::defaultDeterioration(s);
    ASSERT_TRUE(d.has_value());
    const auto* f = s.findFinding(d->findingId);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->acrCategory, 1);
    EXPECT_EQ(std::count(followedBefore.begin(), followedBefore.end(), f->id), 0)
        << "the default goes to a Category 1 finding that has no deterioration yet";
    const auto end = polysim::gui::vitalsAtEndOfTrend(s.patient);
    EXPECT_GT(d->vitals.heartRate, end.heartRate);
    EXPECT_LT(d->vitals.systolic, end.systolic);
    EXPECT_FALSE(d->announcement.empty());

    s.patient.deteriorations.push_back(*d);
    c.model.touch();
    const auto ds = c.model.validate();
    EXPECT_EQ(errors(ds), 0) << polysim::scenario::formatDiagnostics(ds);
    const auto reloaded = c.saveAndReload();
    ASSERT_EQ(reloaded.patient.deteriorations.size(), s.patient.deteriorations.size());
    EXPECT_EQ(reloaded.patient.deteriorations.back().findingId, d->findingId);

    // Once every Category 1 finding has one, there is no default to add.
    while (auto next = polysim::gui::defaultDeterioration(s)) s.patient.deteriorations.push_back(*next);
    for (const auto& g : s.findings) {
        if (g.acrCategory != 1) continue;
        EXPECT_TRUE(std::any_of(s.patient.deteriorations.begin(), s.patient.deteriorations.end(), [&](const auto& x) {
            return x.findingId == g.id;
        })) << g.id;
    }
}

TEST(AuthoringPanels, KeywordsTypedWithCommasBecomeSeparateKeywordsAndRoundTrip) {
    Case c("panels-keywords");
    auto& conclusion = c.model.scenario().conclusion;
    std::vector<std::string> ids;
    for (const auto& k : conclusion.keyPoints) ids.push_back(k.id);
    polysim::scenario::KeyPoint k;
    k.id = polysim::gui::uniqueId("point", ids);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), k.id), 0);
    k.label = "rib fractures";
    k.keywords = polysim::gui::splitCommaList("a, b ,c");
    EXPECT_EQ(k.keywords, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(polysim::gui::splitCommaList(" , ,").empty()) << "empty items are dropped";
    conclusion.keyPoints.push_back(k);
    conclusion.expertSentence = "Right tension pneumothorax: decompress now.";
    c.model.touch();

    const auto reloaded = c.saveAndReload();
    const auto& points = reloaded.conclusion.keyPoints;
    auto it = std::find_if(points.begin(), points.end(), [&](const auto& p) { return p.id == k.id; });
    ASSERT_NE(it, points.end());
    EXPECT_EQ(it->keywords, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(polysim::gui::joinCommaList(it->keywords), "a, b, c");
    EXPECT_EQ(reloaded.conclusion.expertSentence, "Right tension pneumothorax: decompress now.");
}

TEST(AuthoringPanels, AnEditedSynonymTeachingPointRolesAndWindowsRoundTrip) {
    Case c("panels-finding");
    auto& f = c.model.addFindingAt({60, 0, -300});
    f.id = "rib_fractures_right";
    f.label = "right rib fractures";
    f.synonyms = {"rib fx", "broken ribs"};
    f.synonyms[0] = "fractured ribs";  // edited in place, as the synonym list does
    f.teachingPoint = "Count the ribs on the bone window.\nLook for a pneumothorax under each fracture.";
    f.tell.clear();
    polysim::gui::setChosen(f.tell, "trauma_leader", true);
    polysim::gui::setChosen(f.tell, "thoracic_surgeon", true);
    polysim::gui::setChosen(f.tell, "trauma_leader", false);
    polysim::gui::setChosen(f.windows, "bone", true);
    c.model.touch();
    EXPECT_EQ(errors(c.model.validate()), 0) << polysim::scenario::formatDiagnostics(c.model.validate());

    const auto reloaded = c.saveAndReload();
    const auto* g = reloaded.findFinding("rib_fractures_right");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->synonyms, (std::vector<std::string>{"fractured ribs", "broken ribs"}));
    EXPECT_EQ(g->teachingPoint, f.teachingPoint);
    EXPECT_EQ(g->tell, std::vector<std::string>{"thoracic_surgeon"});
    EXPECT_EQ(g->windows, std::vector<std::string>{"bone"});
}

TEST(AuthoringPanels, RenamingARegionKeepsTheFindingsAndOrderThatNameIt) {
    Case c("panels-rename");
    auto& s = c.model.scenario();
    const auto& f = s.findings.front();
    const std::string old = f.region;
    ASSERT_FALSE(old.empty());
    EXPECT_EQ(polysim::gui::renameRegion(s, old, "renamed_region"), "");
    c.model.touch();
    EXPECT_EQ(s.findRegion(old), nullptr);
    EXPECT_EQ(s.findings.front().region, "renamed_region");
    EXPECT_NE(std::find(s.readingOrder.begin(), s.readingOrder.end(), "renamed_region"), s.readingOrder.end());
    EXPECT_EQ(errors(c.model.validate()), 0) << polysim::scenario::formatDiagnostics(c.model.validate());

    // A removed region leaves the reading order too; a new one joins it at the end.
    polysim::gui::removeRegion(s, 0);
    EXPECT_TRUE(polysim::gui::regionsNotInOrder(s).empty());
    const auto& added = polysim::gui::addRegion(s, -400);
    EXPECT_EQ(s.readingOrder.back(), added.id);
    EXPECT_LT(added.zFromMm, added.zToMm);
}

TEST(AuthoringPanels, APlaneTickedOnARegionGetsASpanAndSurvivesSaveAndReload) {
    using polysim::imaging::Plane;
    Case c("panels-planes");
    auto& s = c.model.scenario();
    auto* lungs = const_cast<polysim::scenario::Region*>(s.findRegion("chest_lungs"));
    auto* spine = const_cast<polysim::scenario::Region*>(s.findRegion("spine"));
    ASSERT_TRUE(lungs && spine);
    // Coronal lungs: a first guess across the body for the author to set.
    ASSERT_TRUE(polysim::gui::setRegionPlane(s, *lungs, Plane::Coronal, true));
    ASSERT_TRUE(lungs->sweep(Plane::Coronal));
    EXPECT_EQ(*lungs->sweep(Plane::Coronal), std::make_pair(-100.0, 100.0));
    lungs->yMm = std::make_pair(-110.0, 120.0);
    // The spine off sagittal and on again: the phantom's span comes back.
    ASSERT_TRUE(polysim::gui::setRegionPlane(s, *spine, Plane::Sagittal, false));
    spine->xMm.reset();
    ASSERT_TRUE(polysim::gui::setRegionPlane(s, *spine, Plane::Sagittal, true));
    EXPECT_EQ(*spine->sweep(Plane::Sagittal), std::make_pair(-25.0, 25.0));
    ASSERT_TRUE(polysim::gui::setRegionPlane(s, *spine, Plane::Axial, false));
    EXPECT_FALSE(polysim::gui::setRegionPlane(s, *spine, Plane::Sagittal, false)) << "the last plane stays";
    EXPECT_EQ(spine->planes, std::vector<Plane>{Plane::Sagittal});
    c.model.touch();
    EXPECT_EQ(errors(c.model.validate()), 0) << polysim::scenario::formatDiagnostics(c.model.validate());
    const auto reloaded = c.saveAndReload();
    EXPECT_EQ(reloaded.findRegion("chest_lungs")->planes, (std::vector<Plane>{Plane::Axial, Plane::Coronal}));
    EXPECT_EQ(*reloaded.findRegion("chest_lungs")->sweep(Plane::Coronal), std::make_pair(-110.0, 120.0));
    EXPECT_EQ(reloaded.findRegion("spine")->planes, std::vector<Plane>{Plane::Sagittal});

    // A reformat plane without a span (only a case built in code can hold one) is an error of the case.
    lungs->planes.push_back(Plane::Sagittal);
    lungs->xMm.reset();
    c.model.touch();
    const auto ds = c.model.validate();
    EXPECT_TRUE(std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) {
        return d.message.find("'chest_lungs' is read in the sagittal plane but has no 'x'") != std::string::npos;
    })) << polysim::scenario::formatDiagnostics(ds);
}

TEST(AuthoringPanels, ARenameToAnIdInUseEmptyOrInvalidIsRefusedAndChangesNothing) {
    Case c("panels-rename-refused");
    auto& s = c.model.scenario();
    const Scenario before = s;
    const std::string lungs = "chest_lungs";
    ASSERT_NE(s.findRegion(lungs), nullptr);
    ASSERT_NE(s.findRegion("head"), nullptr);
    EXPECT_NE(polysim::gui::renameRegion(s, lungs, "head").find("already called 'head'"), std::string::npos);
    EXPECT_NE(polysim::gui::renameRegion(s, lungs, "").find("needs an id"), std::string::npos);
    EXPECT_NE(polysim::gui::renameRegion(s, lungs, "Chest Lungs").find("lower-case"), std::string::npos);
    EXPECT_NE(polysim::gui::renameRegion(s, "no_such_region", "x").find("no region"), std::string::npos);
    const auto& f0 = s.findings[0];
    EXPECT_FALSE(polysim::gui::renameFinding(s, f0.id, s.findings[1].id).empty());
    EXPECT_FALSE(polysim::gui::renameInterruption(s, s.interruptions[0].id, s.interruptions[1].id).empty());
    EXPECT_EQ(polysim::gui::renameRegion(s, lungs, lungs), "") << "keeping the id is no error";
    // Nothing moved: every region keeps its findings, the order is the same.
    EXPECT_EQ(s.readingOrder, before.readingOrder);
    for (std::size_t i = 0; i < s.findings.size(); ++i) {
        EXPECT_EQ(s.findings[i].id, before.findings[i].id);
        EXPECT_EQ(s.findings[i].region, before.findings[i].region);
    }
    for (std::size_t i = 0; i < s.regions.size(); ++i) EXPECT_EQ(s.regions[i].id, before.regions[i].id);
}

TEST(AuthoringPanels, RenamingAFindingOrAnInterruptionCarriesEveryReferenceAlong) {
    Case c("panels-rename-references");
    auto& s = c.model.scenario();
    using Trigger = polysim::scenario::InterruptionTrigger::Type;
    // The motorcyclist's tension pneumothorax has a deterioration, is what interruptions ask about, and a challenge
    // waits for it on screen.
    const std::string ptx = "tension_pneumothorax";
    auto refersTo = [&](const std::string& id) {
        int n = 0;
        for (const auto& d : s.patient.deteriorations) n += d.findingId == id;
        for (const auto& in : s.interruptions) {
            n += int(std::count(in.relatedFindings.begin(), in.relatedFindings.end(), id));
            n += in.trigger.type == Trigger::FindingOnScreen && in.trigger.target == id;
        }
        return n;
    };
    const int references = refersTo(ptx);
    ASSERT_GE(references, 2) << "the shipped case refers to its pneumothorax";
    EXPECT_EQ(polysim::gui::renameFinding(s, ptx, "right_tension_ptx"), "");
    c.model.touch();
    EXPECT_EQ(refersTo(ptx), 0);
    EXPECT_EQ(refersTo("right_tension_ptx"), references);
    EXPECT_NE(s.findFinding("right_tension_ptx"), nullptr);

    // An interruption another waits for (when ignored).
    std::string waitedFor;
    for (const auto& in : s.interruptions)
        if (in.trigger.type == Trigger::InterruptionIgnored) waitedFor = in.trigger.target;
    ASSERT_FALSE(waitedFor.empty()) << "the shipped case has a 'when_ignored' trigger";
    EXPECT_EQ(polysim::gui::renameInterruption(s, waitedFor, "renamed_question"), "");
    c.model.touch();
    for (const auto& in : s.interruptions) {
        if (in.trigger.type == Trigger::InterruptionIgnored) {
            EXPECT_NE(in.trigger.target, waitedFor);
        }
    }
    EXPECT_EQ(errors(c.model.validate()), 0) << polysim::scenario::formatDiagnostics(c.model.validate());

    // What the session reads back from the file is the renamed case.
    const Scenario again = c.saveAndReload();
    ASSERT_NE(again.findFinding("right_tension_ptx"), nullptr);
    EXPECT_NE(again.findFinding("right_tension_ptx")->phantomInjury, "") << "still the phantom's injury";
    EXPECT_NE(again.findInterruption("renamed_question"), nullptr);
}

TEST(AuthoringPanels, TypingARegionIdRenamesOnlyWhenTheFieldIsLeft) {
    Case c("panels-rename-typing");
    auto& s = c.model.scenario();
    const auto* head = s.findRegion("head");
    ASSERT_NE(head, nullptr);
    std::vector<std::string> inHead;
    for (const auto& f : s.findings)
        if (f.region == "head") inHead.push_back(f.id);
    int airway = -1;
    for (std::size_t i = 0; i < s.regions.size(); ++i)
        if (s.regions[i].id == "airway") airway = int(i);
    ASSERT_GE(airway, 0);
    polysim::gui::Viewer viewer;
    polysim::gui::AuthoringSelection selection;
    polysim::gui::AuthoringWidgetState widgets;
    polysim::gui::AuthoringContext ctx{c.model, viewer, selection, widgets};
    polysim::test::HeadlessImGui imgui;
    ImVec2 field(0, 0);
    auto draw = [&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(460, 300));
        ImGui::Begin("region");
        auto& r = s.regions[std::size_t(airway)];
        // Where the field is drawn (a refusal is written under it, so it is not the last item).
        field = ImVec2(ImGui::GetCursorScreenPos().x + 60, ImGui::GetCursorScreenPos().y + 6);
        if (polysim::gui::idField(ctx, "id", r.id, [&](const std::string& from, const std::string& to) {
                return polysim::gui::renameRegion(s, from, to);
            }))
            c.model.touch();
        ImGui::End();
    };
    auto retype = [&](const std::string& text, const std::function<void()>& eachFrame, bool leave = true) {
        imgui.frame(ImVec2(-1, -1), false, draw);
        imgui.frame(field, true, draw);  // click into the field
        imgui.frame(field, false, draw);
        ImGui::GetIO().KeyCtrl = true;  // select what it holds
        imgui.key(ImGuiKey_A, true);
        imgui.frame(field, false, draw);
        imgui.key(ImGuiKey_A, false);
        ImGui::GetIO().KeyCtrl = false;
        imgui.frame(field, false, draw);
        for (char ch : text) {
            imgui.type(std::string(1, ch));
            imgui.frame(field, false, draw);
            eachFrame();
        }
        if (!leave) return;
        imgui.key(ImGuiKey_Enter, true);  // leave the field
        imgui.frame(field, false, draw);
        imgui.key(ImGuiKey_Enter, false);
        imgui.frame(field, false, draw);
    };
    const auto edits = c.model.edits();
    // On the way to "head_neck" the field holds "head": the head region must not take over airway's references.
    retype("head_neck", [&] {
        EXPECT_EQ(s.regions[std::size_t(airway)].id, "airway") << "nothing is renamed while typing";
        EXPECT_EQ(c.model.edits(), edits);
    });
    EXPECT_EQ(s.regions[std::size_t(airway)].id, "head_neck");
    EXPECT_NE(std::find(s.readingOrder.begin(), s.readingOrder.end(), "head_neck"), s.readingOrder.end());
    EXPECT_EQ(std::count(s.readingOrder.begin(), s.readingOrder.end(), "head"), 1);
    std::vector<std::string> stillInHead;
    for (const auto& f : s.findings)
        if (f.region == "head") stillInHead.push_back(f.id);
    EXPECT_EQ(stillInHead, inHead) << "the head region keeps its findings and gains none";
    EXPECT_GT(c.model.edits(), edits);

    // Leaving the field with the id of another region is refused: the id stays.
    retype("head", [] {});
    EXPECT_EQ(s.regions[std::size_t(airway)].id, "head_neck");
    EXPECT_EQ(std::count(s.readingOrder.begin(), s.readingOrder.end(), "head"), 1);
    EXPECT_EQ(errors(c.model.validate()), 0) << polysim::scenario::formatDiagnostics(c.model.validate());

    // Ctrl+S or Ctrl+Q while the field is still typed in: the screen leaves the field before the next frame's
    // widgets, so the typed id is renamed before the save writes the case or the quit asks about unsaved changes.
    retype(
        "neck", [] {}, false);
    EXPECT_EQ(s.regions[std::size_t(airway)].id, "head_neck") << "typing alone renames nothing";
    imgui.frame(field, false, [&] {
        polysim::gui::endTyping();
        draw();
    });
    EXPECT_EQ(s.regions[std::size_t(airway)].id, "neck") << "the typed id was lost when the field was left";
    EXPECT_NE(std::find(s.readingOrder.begin(), s.readingOrder.end(), "neck"), s.readingOrder.end());
}

TEST(AuthoringPanels, ALongerSessionMovesTheDefaultDeadlinesAndKeepsTheChosenOnes) {
    Case c("panels-session");
    auto& s = c.model.scenario();
    polysim::gui::setSessionDuration(s, 240);  // 4 minutes: shorter than a Category 1 finding's 5
    auto& a = c.model.addFindingAt({60, 0, -300});
    EXPECT_EQ(a.deadlineSeconds, 240) << "Category 1 in a 4 min session: the session end";
    c.model.setCategory(a, 2);
    auto& b = c.model.addFindingAt({40, 0, -300});
    b.deadlineSeconds = 200;  // the author's own
    const std::string ids[] = {a.id, b.id};
    polysim::gui::setSessionDuration(s, 1200);
    c.model.touch();
    EXPECT_EQ(s.findFinding(ids[0])->deadlineSeconds, 1200) << "Category 2: the session end, wherever it is";
    EXPECT_EQ(s.findFinding(ids[1])->deadlineSeconds, 200);
    polysim::gui::setSessionDuration(s, -5);
    EXPECT_EQ(s.durationSeconds, 1) << "a session lasts at least a second";
    polysim::gui::setSessionDuration(s, 1200);

    // Texts of the case written in the Case tab reach the file.
    s.meta.imageLicence = "CC BY 4.0, the RSNA 2023 Abdominal Trauma dataset";
    s.meta.learningObjectives = {"Call the spleen", "Read the pelvis"};
    s.meta.difficulty = "advanced";
    s.teachingNotes = "Spleen first.";
    s.images.series[1].arrivalSeconds = 25;
    c.model.touch();
    const Scenario again = c.saveAndReload();
    EXPECT_EQ(again.durationSeconds, 1200);
    EXPECT_EQ(again.meta.imageLicence, s.meta.imageLicence);
    EXPECT_EQ(again.meta.learningObjectives, s.meta.learningObjectives);
    EXPECT_EQ(again.meta.difficulty, "advanced");
    EXPECT_EQ(again.teachingNotes, "Spleen first.");
    EXPECT_EQ(again.images.series[1].arrivalSeconds, 25);
}

TEST(AuthoringPanels, EveryPanelFitsTheAuthoringPanelWidth) {
    // The authoring screen gives the panels 460 px at 1600 x 900; a panel wider than that would need sideways
    // scrolling for every field. The PNGs are written for a human to look at.
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    Case c("panels-render");
    auto& s = c.model.scenario();
    ASSERT_FALSE(s.findings.empty());
    polysim::gui::AppWindow window({.width = 1600, .height = 900, .vsync = false, .hidden = true});
    polysim::gui::Viewer viewer;
    polysim::gui::AuthoringSelection selection;
    selection.region = 1;
    polysim::gui::AuthoringWidgetState widgets;
    polysim::gui::AuthoringContext ctx{c.model, viewer, selection, widgets};
    const std::pair<const char*, std::function<void()>> panels[] = {
        {"finding", [&] { polysim::gui::drawFindingDetails(ctx, s.findings.front()); }},
        {"case",
         [&] {
             polysim::gui::drawCaseAndSession(ctx);
             polysim::gui::drawPatientAndVitals(ctx);
             polysim::gui::drawConclusion(ctx);
             polysim::gui::drawDebriefTexts(ctx);
         }},
        {"regions", [&] { polysim::gui::drawRegionsAndOrder(ctx); }},
    };
    const auto edits = c.model.edits();
    for (const auto& [name, draw] : panels) {
        float overflow = -1;
        for (int frame = 0; frame < 4; ++frame) {  // ImGui settles window and table sizes over a few frames
            window.beginFrame();
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(ImVec2(460, 900));
            ImGui::Begin(name, nullptr,
                         ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_HorizontalScrollbar);
            draw();
            overflow = ImGui::GetScrollMaxX();
            ImGui::End();
            if (frame < 3)
                window.endFrame();
            else
                window.renderWithoutSwap();
        }
        polysim::gui::writePng(c.dir / (std::string("panel-") + name + ".png"), window.readPixels());
        window.swap();
        EXPECT_EQ(overflow, 0) << name << " is wider than the panel by " << overflow << " px";
    }
    EXPECT_EQ(c.model.edits(), edits) << "drawing alone does not count as an edit";
}

// Scenario files as an instructor meets them: the shipped cases load, every mistake is reported at its line and
// column, the authoring guide agrees with the reader, and no input - however broken - crashes the reader.
// GCC 12 reports std::function inside std::regex as maybe uninitialised when built with AddressSanitizer at -O1
// (a known false positive of that warning); this file's regular expressions read the README and expected errors.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "imaging/dicom_loader.h"
#include "phantom/model.h"
#include "phantom/phantom.h"
#include "scenario/internal.h"
#include "scenario/loader.h"
#include "scenario/phantom_source.h"
#include "scenario/writer.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace polysim;
using scenario::Diagnostic;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path scenariosDir() {
    return test::sourceDir() / "scenarios";
}

std::vector<fs::path> tomlFiles(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".toml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Runs with POLYSIM_DATA unset, so that the DICOM template is judged as on a machine without the dataset.
struct NoDataEnvironment : ::testing::Test {
    void SetUp() override {
        if (const char* v = std::getenv("POLYSIM_DATA")) saved_ = v;
        ::unsetenv("POLYSIM_DATA");
    }
    void TearDown() override {
        if (saved_) ::setenv("POLYSIM_DATA", saved_->c_str(), 1);
    }
    std::optional<std::string> saved_;
};

std::string extractGuideExample() {
    const std::string guide = slurp(scenariosDir() / "README.md");
    const std::string begin = "<!-- annotated-example:begin -->", end = "<!-- annotated-example:end -->";
    auto b = guide.find(begin), e = guide.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) return {};
    std::string block = guide.substr(b + begin.size(), e - b - begin.size());
    auto fence = block.find("```toml");
    auto close = block.rfind("```");
    if (fence == std::string::npos || close == std::string::npos || close <= fence) return {};
    fence = block.find('\n', fence) + 1;
    return block.substr(fence, close - fence);
}

}  // namespace

// ---- the shipped cases ----

using ShippedScenarios = NoDataEnvironment;

TEST_F(ShippedScenarios, EveryFileInScenariosValidatesWithoutErrors) {
    auto files = tomlFiles(scenariosDir());
    ASSERT_GE(files.size(), 5u) << "four phantom cases and the RSNA template";
    for (const auto& f : files) {
        auto r = scenario::loadScenario(f);
        EXPECT_TRUE(r.ok()) << f << "\n" << scenario::formatDiagnostics(r.diagnostics);
        ASSERT_TRUE(r.scenario.has_value()) << f;
        const auto& s = *r.scenario;
        if (s.images.phantom) {
            // Phantom cases are finished work: not even a warning.
            EXPECT_TRUE(r.diagnostics.empty()) << f << "\n" << scenario::formatDiagnostics(r.diagnostics);
        } else {
            // The RSNA template: the only complaint is that the dataset is not on this machine.
            for (const auto& d : r.diagnostics)
                EXPECT_NE(d.message.find("POLYSIM_DATA"), std::string::npos) << d.format();
        }
        // A programme can place every shipped case: the level it is for and the milestones it assesses.
        EXPECT_FALSE(s.meta.level.empty()) << f << " states no level";
        EXPECT_FALSE(s.meta.milestones.empty()) << f << " names no milestone";
    }
}

TEST_F(ShippedScenarios, PhantomCasesCoverAllInterruptionKindsAndTriggerTypes) {
    for (const auto& f : tomlFiles(scenariosDir())) {
        auto r = scenario::loadScenario(f);
        ASSERT_TRUE(r.scenario) << f;
        const auto& s = *r.scenario;
        if (!s.images.phantom) continue;
        std::set<scenario::InterruptionKind> kinds;
        std::set<scenario::InterruptionTrigger::Type> triggers;
        for (const auto& i : s.interruptions) {
            kinds.insert(i.kind);
            triggers.insert(i.trigger.type);
        }
        EXPECT_EQ(kinds.size(), 4u) << f << ": question, request, challenge and noise";
        EXPECT_FALSE(s.patient.vitalsTrend.empty()) << f;
        EXPECT_GE(s.conclusion.keyPoints.size(), 2u) << f;
        EXPECT_FALSE(s.expertReport.empty()) << f;
        EXPECT_FALSE(s.teachingNotes.empty()) << f;
        if (s.findings.empty()) {
            // A negative scan: no finding to come on screen, to deteriorate over or to call; the challenge pushes
            // an overcall, and the conclusion's key points say there is no acute injury.
            EXPECT_EQ(triggers.size(), 3u) << f << ": at, region opened, interruption ignored";
            EXPECT_TRUE(std::any_of(s.interruptions.begin(), s.interruptions.end(), [](const auto& i) {
                return i.kind == scenario::InterruptionKind::Challenge && !i.answers.empty();
            })) << f;
            continue;
        }
        EXPECT_EQ(triggers.size(), 4u) << f << ": at, region opened, finding on screen, interruption ignored";
        if (std::any_of(s.findings.begin(), s.findings.end(),
                        [](const scenario::Finding& x) { return x.acrCategory == 1; })) {
            EXPECT_FALSE(s.patient.deteriorations.empty()) << f;
            continue;
        }
        // A case with no Category 1 finding (the aortic mimic: a grade I aortic injury under a ductus diverticulum):
        // its Category 1 question is an overcall, so a challenge pushes it, and nobody deteriorates over a finding
        // that is not Category 1.
        EXPECT_TRUE(std::any_of(s.interruptions.begin(), s.interruptions.end(), [](const auto& i) {
            return i.kind == scenario::InterruptionKind::Challenge && !i.answers.empty();
        })) << f;
    }
}

TEST(DefaultScenario, AsksThePhantomForTheSeriesItNames) {
    auto r = scenario::loadScenario(scenario::defaultScenarioPath());
    ASSERT_TRUE(r.scenario);
    auto o = scenario::phantomOptionsFor(*r.scenario);
    EXPECT_EQ(o.seed, r.scenario->images.phantom->seed);
    EXPECT_EQ(o.injuries, r.scenario->images.phantom->injuries);
    // The motorcyclist has an arterial body and a portal venous abdomen (for the growing splenic blush).
    EXPECT_EQ(o.phases,
              (std::vector<phantom::SeriesKind>{phantom::SeriesKind::Arterial, phantom::SeriesKind::PortalVenous}));
    EXPECT_NO_THROW(phantom::validate(o));
    auto kinds = phantom::studySeries(o);
    for (const auto& spec : r.scenario->images.series) {
        ASSERT_TRUE(spec.kind.has_value()) << spec.id;
        EXPECT_NE(std::find(kinds.begin(), kinds.end(), *spec.kind), kinds.end())
            << scenario::seriesKindText(spec.kind) << " is not generated";
    }
}

// Every shipped case on the built-in patient shows the patient its story describes: the sex and the age of
// [patient] reach the phantom (its pelvic organs, the plaques of age), whatever the seed chooses for build and arms.
TEST(ShippedPhantomCases, TheImagesShowTheSexAndAgeThePatientTableGives) {
    int phantomCases = 0;
    for (const auto& file : scenario::shippedScenarios()) {
        auto r = scenario::loadScenario(file);
        ASSERT_TRUE(r.scenario) << file;
        if (!r.scenario->images.phantom) continue;
        ++phantomCases;
        const auto& patient = r.scenario->patient;
        const auto habitus = phantom::detail::habitusOf(scenario::phantomOptionsFor(*r.scenario));
        ASSERT_TRUE(patient.sex == "male" || patient.sex == "female") << file << ": " << patient.sex;
        EXPECT_EQ(habitus.female, patient.sex == "female") << file;
        EXPECT_EQ(habitus.age, patient.ageYears) << file;
    }
    EXPECT_GE(phantomCases, 10);
}

// Solo practice meets a different patient in every case: no two shipped cases on the built-in patient share a seed
// (the seed chooses build, fat, arms and the small variations of the anatomy).
TEST(ShippedPhantomCases, NoTwoCasesShareAPatient) {
    std::map<std::uint64_t, std::string> bySeed;
    for (const auto& file : scenario::shippedScenarios()) {
        auto r = scenario::loadScenario(file);
        ASSERT_TRUE(r.scenario) << file;
        if (!r.scenario->images.phantom) continue;
        const auto seed = r.scenario->images.phantom->seed;
        auto [it, fresh] = bySeed.emplace(seed, file.filename().string());
        EXPECT_TRUE(fresh) << file.filename() << " uses seed " << seed << ", as " << it->second << " does";
    }
    EXPECT_GE(bySeed.size(), 10u);
}

TEST(DefaultScenario, IsTheMotorcyclistAndLoads) {
    auto path = scenario::defaultScenarioPath();
    EXPECT_EQ(path.filename(), "motorcyclist.toml");
    auto r = scenario::loadScenario(path);
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    EXPECT_EQ(r.scenario->meta.id, "motorcyclist");
    EXPECT_GE(scenario::shippedScenarios().size(), 5u);
}

// ---- the phantom fills in what the author leaves out ----

TEST(PhantomDefaults, FindingNamingAnInjuryTakesTheGroundTruthAndExplicitValuesOverride) {
    const std::string text = R"(
[meta]
id = "t"
title = "t"
[patient]
age = 30
sex = "male"
mechanism = "m"
[images.phantom]
seed = 5
injuries = ["tension_pneumothorax", "epidural_hematoma"]
[[findings]]
injury = "tension_pneumothorax"
[[findings]]
injury = "epidural_hematoma"
id = "edh"
centre = [10, 20, -60]
label = "My label"
)";
    auto r = scenario::parseScenario(text, "inline.toml");
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    phantom::PhantomOptions o;
    o.seed = 5;
    o.injuries = {"tension_pneumothorax", "epidural_hematoma"};
    auto truth = phantom::groundTruth(o);
    ASSERT_EQ(truth.size(), 2u);
    const auto& s = *r.scenario;
    const auto* ptx = s.findFinding("tension_pneumothorax");
    ASSERT_NE(ptx, nullptr);
    EXPECT_EQ(ptx->centreLps, truth[0].centreLps);
    EXPECT_EQ(ptx->extentMm, truth[0].extentMm);
    EXPECT_EQ(ptx->label, truth[0].label);
    EXPECT_EQ(ptx->region, truth[0].region);
    EXPECT_EQ(ptx->acrCategory, truth[0].acrCategory);
    EXPECT_EQ(ptx->deadlineSeconds, 300) << "Category 1 default: the 5-minute hot report";
    EXPECT_EQ(ptx->tell, std::vector<std::string>{"trauma_leader"});
    const auto* edh = s.findFinding("edh");
    ASSERT_NE(edh, nullptr);
    EXPECT_EQ(edh->centreLps, glm::dvec3(10, 20, -60));
    EXPECT_EQ(edh->extentMm, truth[1].extentMm);
    EXPECT_EQ(edh->label, "My label");
    EXPECT_EQ(edh->phantomInjury, "epidural_hematoma");
    // No [[regions]] and no order: the nine default regions from the phantom's anatomy, in the default order.
    EXPECT_EQ(s.readingOrder, scenario::defaultReadingOrder());
    const auto* head = s.findRegion("head");
    ASSERT_NE(head, nullptr);
    EXPECT_LT(head->zFromMm, head->zToMm);
    EXPECT_GE(edh->centreLps.z, head->zFromMm);
    // And the default series: scout, head, arterial.
    ASSERT_EQ(s.images.series.size(), 3u);
    EXPECT_EQ(s.images.series[0].kind, phantom::SeriesKind::Scout);
}

// ---- the guide ----

TEST(AuthoringGuide, AnnotatedExampleValidatesWithoutAnyDiagnostic) {
    const std::string example = extractGuideExample();
    ASSERT_FALSE(example.empty()) << "scenarios/README.md lost its annotated-example markers";
    auto r = scenario::parseScenario(example, scenariosDir() / "README.md");
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.diagnostics.empty()) << scenario::formatDiagnostics(r.diagnostics);
    ASSERT_TRUE(r.scenario);
    EXPECT_EQ(r.scenario->interruptions.size(), 4u);
}

TEST(AuthoringGuide, DocumentsExactlyTheKeysTheReaderAccepts) {
    const std::string guide = slurp(scenariosDir() / "README.md");
    std::istringstream in(guide);
    std::map<std::string, std::set<std::string>> documented;
    std::string line, section;
    const std::regex heading(R"(^### `([^`]+)`\s*$)"), row(R"(^\| `([a-z_0-9]+)` \|)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, heading))
            section = m[1];
        else if (line.rfind("## ", 0) == 0)
            section.clear();
        else if (!section.empty() && std::regex_search(line, m, row))
            documented[section].insert(m[1]);
    }
    for (const auto& s : scenario::detail::formatSections()) {
        if (s.name == "the scenario") {
            // Every top-level key has its own section in the guide.
            for (const auto& k : s.keys) {
                bool found = std::any_of(documented.begin(), documented.end(), [&](const auto& d) {
                    return d.first == "[" + k + "]" || d.first == "[[" + k + "]]";
                });
                EXPECT_TRUE(found) << "top-level '" << k << "' has no section in scenarios/README.md";
            }
            continue;
        }
        std::set<std::string> keys(s.keys.begin(), s.keys.end());
        if (s.name == "[patient.vitals]") keys.insert(s.vitalsKeys().begin(), s.vitalsKeys().end());
        EXPECT_EQ(documented[s.name], keys) << "section " << s.name << " of scenarios/README.md";
    }
}

TEST(AuthoringGuide, ListsExactlyThePhantomsInjuries) {
    const std::string guide = slurp(scenariosDir() / "README.md");
    auto row = guide.find("| `injuries` |");
    ASSERT_NE(row, std::string::npos);
    const std::string line = guide.substr(row, guide.find('\n', row) - row);
    std::set<std::string> listed;
    const std::regex id("`([a-z_]+)`");
    for (auto it = std::sregex_iterator(line.begin(), line.end(), id); it != std::sregex_iterator(); ++it)
        if ((*it)[1] != "injuries") listed.insert((*it)[1]);
    std::set<std::string> library;
    for (const auto& i : phantom::injuryLibrary()) library.insert(i.id);
    EXPECT_EQ(listed, library) << "the injuries row of [images.phantom] in scenarios/README.md";
}

// ---- broken files: the expected diagnostic at the expected place ----

namespace {
struct Expectation {
    int line = 0, column = 0;
    std::string severity, text;
    std::string raw;
};
std::vector<Expectation> expectationsOf(const fs::path& file) {
    std::vector<Expectation> out;
    std::istringstream in(slurp(file));
    std::string line;
    const std::regex re(R"(^# expect: (\d+):(\d+): (error|warning): (.*)$)");
    std::smatch m;
    while (std::getline(in, line))
        if (std::regex_match(line, m, re)) out.push_back({std::stoi(m[1]), std::stoi(m[2]), m[3], m[4], line});
    return out;
}
}  // namespace

class BrokenFile : public ::testing::TestWithParam<fs::path> {
protected:
    void SetUp() override {
        if (const char* v = std::getenv("POLYSIM_DATA")) saved_ = v;
        ::unsetenv("POLYSIM_DATA");
    }
    void TearDown() override {
        if (saved_) ::setenv("POLYSIM_DATA", saved_->c_str(), 1);
    }
    std::optional<std::string> saved_;
};

TEST_P(BrokenFile, GivesTheExpectedDiagnosticsAtTheExpectedLineAndColumn) {
    const fs::path file = GetParam();
    auto expected = expectationsOf(file);
    ASSERT_FALSE(expected.empty()) << file << " has no '# expect: LINE:COL: error: TEXT' line";
    auto r = scenario::loadScenario(file);
    EXPECT_FALSE(r.ok()) << file << " should be invalid";
    EXPECT_FALSE(r.scenario.has_value());
    for (const auto& e : expected) {
        bool found = std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
            const bool sev = (d.severity == Diagnostic::Severity::Error) == (e.severity == "error");
            return sev && d.where.line == e.line && d.where.column == e.column &&
                   d.message.find(e.text) != std::string::npos && d.where.file == file.string();
        });
        EXPECT_TRUE(found) << file.filename() << ": expected\n  " << e.raw << "\ngot\n"
                           << scenario::formatDiagnostics(r.diagnostics);
    }
    // Only what was expected: every error of a broken file is one the file announces.
    for (const auto& d : r.diagnostics) {
        if (d.severity != Diagnostic::Severity::Error) continue;
        bool announced = std::any_of(expected.begin(), expected.end(), [&](const Expectation& e) {
            return e.severity == "error" && d.where.line == e.line && d.where.column == e.column &&
                   d.message.find(e.text) != std::string::npos;
        });
        EXPECT_TRUE(announced) << file.filename() << ": unexpected " << d.format();
    }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BrokenFile,
                         ::testing::ValuesIn(tomlFiles(test::sourceDir() / "tests/scenario/broken")),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                             std::string n = info.param.stem().string();
                             std::replace_if(
                                 n.begin(), n.end(), [](char c) { return !std::isalnum((unsigned char)c); }, '_');
                             return n;
                         });

// The authoring mode opens a file whose errors are of meaning (the model holds every value it wrote, so it can show
// the errors and save without losing anything); a file with a value the model cannot hold is refused.
TEST_F(ShippedScenarios, FilesWithErrorsOfMeaningGiveADraftButUnreadableValuesDoNot) {
    const fs::path broken = test::sourceDir() / "tests/scenario/broken";
    for (const char* name : {"deadline-and-order", "duplicate-ids", "finding-region-and-volume"}) {
        auto r = scenario::loadScenario(broken / (std::string(name) + ".toml"));
        EXPECT_FALSE(r.scenario) << name << ": validate and run still refuse it";
        ASSERT_TRUE(r.draft) << name << "\n" << scenario::formatDiagnostics(r.diagnostics);
        EXPECT_TRUE(r.unreadable().empty()) << name;
        // Checking the draft as the authoring mode does finds the same errors of meaning (at the entry at fault,
        // since an edited model no longer knows the position of each value).
        // Saved as it is, the draft opens again with its errors still there: nothing was fixed by making it up.
        auto saved = scenario::parseScenario(scenario::toToml(*r.draft), "saved.toml");
        EXPECT_TRUE(saved.draft && saved.unreadable().empty()) << name << ": the saved draft cannot be opened again\n"
                                                               << scenario::formatDiagnostics(saved.diagnostics);
        EXPECT_FALSE(saved.ok()) << name << ": saving the draft made its errors disappear";
        auto gist = [](const std::string& m) { return m.substr(0, m.find(" (")); };
        for (const auto& d : scenario::validateScenario(*r.draft)) {
            if (d.severity != Diagnostic::Severity::Error) continue;
            EXPECT_TRUE(std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                                    [&](const Diagnostic& x) { return gist(x.message) == gist(d.message); }))
                << name << ": the draft has an error the file does not: " << d.format();
        }
    }
    auto deadline = scenario::loadScenario(broken / "deadline-and-order.toml");
    ASSERT_TRUE(deadline.draft);
    const auto* ptx = deadline.draft->findFinding("tension_pneumothorax");
    ASSERT_NE(ptx, nullptr);
    EXPECT_EQ(ptx->deadlineSeconds, 360) << "the wrong value is kept, to be shown and fixed";
    EXPECT_EQ(deadline.draft->readingOrder.size(), 4u) << "the unknown and the repeated region stay in the order";
    auto edited = scenario::validateScenario(*deadline.draft);
    EXPECT_TRUE(std::any_of(edited.begin(), edited.end(), [&](const Diagnostic& d) {
        return d.message.find("deadline of finding 'tension_pneumothorax' (360 s)") != std::string::npos &&
               d.where.line == ptx->where.line;
    })) << scenario::formatDiagnostics(edited);

    // A required key left out is refused too: the model would hold a made-up value in its place (a finding at the
    // origin, an interruption at 0 s) and a save would write it as if the author had; so is a pressure given twice,
    // which the model holds once.
    for (const char* name : {"syntax-error", "wrong-types", "values-out-of-range", "unknown-key", "bad-enums",
                             "wrong-section", "missing-required", "blood-pressure-twice"}) {
        auto r = scenario::loadScenario(broken / (std::string(name) + ".toml"));
        EXPECT_FALSE(r.draft) << name << ": a value of this file would be lost";
        EXPECT_FALSE(r.unreadable().empty()) << name;
        for (const auto& d : r.unreadable()) EXPECT_GT(d.where.line, 0) << name << ": " << d.format();
    }
}

// ---- DICOM on disk ----

namespace {
std::string dicomScenario(const std::string& folder, const std::string& uid, const std::string& centre) {
    return R"([meta]
id = "d"
title = "d"
[patient]
age = 30
sex = "male"
mechanism = "m"
[[images.series]]
id = "head"
kind = "head"
folder = ")" +
           folder + R"("
)" + (uid.empty() ? std::string() : "series_uid = \"" + uid + "\"\n") +
           R"([[regions]]
id = "head"
z = [-500, 500]
[[findings]]
id = "f"
label = "f"
category = 1
region = "head"
centre = )" +
           centre + R"(
extent = [10, 10, 10]
[[conclusion.key_points]]
id = "k"
label = "k"
keywords = ["k"]
)";
}
}  // namespace

using DicomScenario = NoDataEnvironment;

TEST_F(DicomScenario, MissingDataIsAWarningUnlessDataIsRequired) {
    const std::string text = dicomScenario("${POLYSIM_DATA}/rsna/train_images/1/2", "", "[0, 0, 0]");
    auto r = scenario::parseScenario(text, "case.toml");
    EXPECT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    ASSERT_EQ(r.diagnostics.size(), 1u) << scenario::formatDiagnostics(r.diagnostics);
    EXPECT_EQ(r.diagnostics[0].severity, Diagnostic::Severity::Warning);
    EXPECT_NE(r.diagnostics[0].message.find("POLYSIM_DATA is not set"), std::string::npos);
    EXPECT_EQ(r.diagnostics[0].where.line, 11) << "the folder line";

    scenario::LoadOptions strict;
    strict.requireData = true;
    auto s = scenario::parseScenario(text, "case.toml", strict);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.diagnostics[0].severity, Diagnostic::Severity::Error);
}

TEST_F(DicomScenario, FolderUnderTheDataVariableIsFoundWhenTheVariableIsSet) {
    ::setenv("POLYSIM_DATA", (test::fixturesDir() / "dicom").c_str(), 1);
    auto scan = imaging::scanDicom(test::fixturesDir() / "dicom/ge-head-tilt");
    const auto& series = imaging::chooseCtSeries(scan);
    const glm::dvec3 inside = series.slices[series.slices.size() / 2].position +
                              series.rowDirection * (series.pixelSpacing.x * series.matrix.x / 2.0) +
                              series.columnDirection * (series.pixelSpacing.y * series.matrix.y / 2.0);
    const std::string centre =
        "[" + std::to_string(inside.x) + ", " + std::to_string(inside.y) + ", " + std::to_string(inside.z) + "]";
    auto r = scenario::parseScenario(dicomScenario("${POLYSIM_DATA}/ge-head-tilt", series.seriesInstanceUid, centre),
                                     "case.toml");
    EXPECT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    ASSERT_TRUE(r.scenario);
    EXPECT_EQ(r.scenario->images.series[0].folder, (test::fixturesDir() / "dicom/ge-head-tilt").lexically_normal());
    EXPECT_EQ(r.scenario->images.series[0].folderText, "${POLYSIM_DATA}/ge-head-tilt");

    // The same finding 40 cm to the patient's left is outside the scanned head.
    const std::string outside =
        "[" + std::to_string(inside.x + 400) + ", " + std::to_string(inside.y) + ", " + std::to_string(inside.z) + "]";
    auto o = scenario::parseScenario(dicomScenario("${POLYSIM_DATA}/ge-head-tilt", "", outside), "case.toml");
    EXPECT_FALSE(o.ok());
    bool found = std::any_of(o.diagnostics.begin(), o.diagnostics.end(), [](const Diagnostic& d) {
        return d.message.find("lies outside the volume") != std::string::npos && d.where.line == 20;
    });
    EXPECT_TRUE(found) << scenario::formatDiagnostics(o.diagnostics);
}

TEST_F(DicomScenario, AScoutSeriesMustBeALocalizerImage) {
    // The head CT folder holds axial slices only: as a scout it is an error on its folder line that says what to
    // do; the same folder with the axial series as the body is fine.
    const std::string folder = (test::fixturesDir() / "dicom/ge-head-tilt").string();
    std::string text = dicomScenario(folder, "", "[0, 0, 0]");
    const std::string series = "[[images.series]]\n";
    text.insert(text.find(series), series + "id = \"scout\"\nkind = \"scout\"\nfolder = \"" + folder + "\"\n");
    auto r = scenario::parseScenario(text, "case.toml");
    EXPECT_FALSE(r.ok());
    auto d = std::find_if(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& x) {
        return x.message.find("no localizer (scout) image") != std::string::npos;
    });
    ASSERT_NE(d, r.diagnostics.end()) << scenario::formatDiagnostics(r.diagnostics);
    EXPECT_EQ(d->severity, Diagnostic::Severity::Error);
    EXPECT_EQ(d->where.line, 11) << "the scout's folder line";
    EXPECT_NE(d->message.find(fs::path(folder).lexically_normal().string()), std::string::npos) << d->message;
    EXPECT_NE(d->message.find("projects one from the body series"), std::string::npos) << d->message;
}

// ---- nothing crashes ----

TEST(Robustness, RandomBytesAndMangledScenariosNeverCrashAndAlwaysExplain) {
    std::mt19937 rng(20261123);
    const std::string base = slurp(scenariosDir() / "motorcyclist.toml");
    const std::string alphabet = "[]{}=\"'\\\n #.,-_0123456789abcxyz\t\x01\xff\xc3\xa9";
    int invalid = 0;
    for (int round = 0; round < 1500; ++round) {
        std::string text;
        if (round % 4 == 0) {
            // Pure garbage.
            std::size_t n = rng() % 400;
            for (std::size_t i = 0; i < n; ++i) text += alphabet[rng() % alphabet.size()];
        } else {
            // A real scenario with a few random edits: the kind of damage a hand edit does.
            text = base;
            int edits = 1 + int(rng() % 6);
            for (int e = 0; e < edits; ++e) {
                std::size_t pos = rng() % text.size();
                switch (rng() % 4) {
                    case 0:
                        text.erase(pos, 1 + rng() % 20);
                        break;
                    case 1:
                        text.insert(pos, 1, alphabet[rng() % alphabet.size()]);
                        break;
                    case 2:
                        text[pos] = alphabet[rng() % alphabet.size()];
                        break;
                    case 3: {
                        std::size_t from = rng() % text.size();
                        text.insert(pos, text.substr(from, rng() % 80));
                        break;
                    }
                }
            }
        }
        auto r = scenario::parseScenario(text, "fuzz.toml");
        EXPECT_EQ(r.ok(), r.scenario.has_value());
        if (!r.ok()) {
            ++invalid;
            for (const auto& d : r.diagnostics) {
                EXPECT_FALSE(d.message.empty());
                EXPECT_EQ(d.format().rfind("fuzz.toml", 0), 0u) << d.format();
            }
        }
    }
    EXPECT_GT(invalid, 400) << "most mangled files should be reported as invalid";
}

TEST(Robustness, UnreadableInputsAreErrorsNamingTheFile) {
    auto missing = scenario::loadScenario("/nonexistent/case.toml");
    ASSERT_EQ(missing.diagnostics.size(), 1u);
    EXPECT_EQ(missing.diagnostics[0].format(), "/nonexistent/case.toml: error: no such file");
    auto folder = scenario::loadScenario(scenariosDir());
    EXPECT_FALSE(folder.ok());
    auto device = scenario::loadScenario("/dev/zero");
    ASSERT_EQ(device.diagnostics.size(), 1u);
    EXPECT_EQ(device.diagnostics[0].format(), "/dev/zero: error: is not a regular file");
    auto empty = scenario::parseScenario("", "empty.toml");
    EXPECT_FALSE(empty.ok());
    EXPECT_NE(scenario::formatDiagnostics(empty.diagnostics).find("empty.toml:1:1: error: missing required key 'meta'"),
              std::string::npos)
        << scenario::formatDiagnostics(empty.diagnostics);
}

TEST(Durations, AcceptTheFormsTheGuideDocuments) {
    using scenario::detail::parseDurationText;
    EXPECT_EQ(parseDurationText("90"), 90);
    EXPECT_EQ(parseDurationText("90s"), 90);
    EXPECT_EQ(parseDurationText("4m"), 240);
    EXPECT_EQ(parseDurationText("4m30s"), 270);
    EXPECT_EQ(parseDurationText("1h"), 3600);
    EXPECT_EQ(parseDurationText("1:30"), 90);
    EXPECT_FALSE(parseDurationText("5 minutes"));
    EXPECT_FALSE(parseDurationText("4m30"));
    EXPECT_FALSE(parseDurationText("30s4m"));
    EXPECT_FALSE(parseDurationText("1:3"));
    EXPECT_FALSE(parseDurationText("-5"));
}

// ---- the command ----

TEST(ValidateCommand, ExitCodesSayValidInvalidOrUsage) {
    auto good = test::runPolysim("validate " + (scenariosDir() / "motorcyclist.toml").string());
    EXPECT_EQ(good.exitCode, 0) << good.err;
    EXPECT_NE(good.out.find("valid"), std::string::npos);

    const fs::path broken = test::sourceDir() / "tests/scenario/broken/unknown-key.toml";
    auto bad = test::runPolysim("validate " + (scenariosDir() / "motorcyclist.toml").string() + " " + broken.string());
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find(broken.string() + ":"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find(": error: unknown key"), std::string::npos) << bad.err;

    EXPECT_EQ(test::runPolysim("validate").exitCode, 2);
    EXPECT_EQ(test::runPolysim("validate --frobnicate x.toml").exitCode, 2);
    EXPECT_EQ(test::runPolysim("validate /nonexistent.toml").exitCode, 1);
}

TEST(ValidateCommand, RequireDataTurnsTheMissingDatasetIntoAnError) {
    const std::string file = (scenariosDir() / "rsna-2023-abdominal-template.toml").string();
    auto lenient = test::runShell("env -u POLYSIM_DATA " + test::polysimBinary().string() + " validate " + file);
    EXPECT_EQ(lenient.exitCode, 0) << lenient.err;
    EXPECT_NE(lenient.err.find("warning: DICOM data"), std::string::npos) << lenient.err;
    auto strict =
        test::runShell("env -u POLYSIM_DATA " + test::polysimBinary().string() + " validate --require-data " + file);
    EXPECT_EQ(strict.exitCode, 1);
    EXPECT_NE(strict.err.find("error: DICOM data"), std::string::npos) << strict.err;
}

// ---- saving (the authoring mode) ----

namespace {
// Two models hold the same case: every value the session, scoring and debrief use (positions to a tenth of a mm,
// which is what the writer keeps).
void expectSameCase(const scenario::Scenario& a, const scenario::Scenario& b, const std::string& name) {
    SCOPED_TRACE(name);
    auto sameVitals = [](const scenario::VitalSigns& x, const scenario::VitalSigns& y) {
        return x.heartRate == y.heartRate && x.systolic == y.systolic && x.diastolic == y.diastolic &&
               x.spo2 == y.spo2 && x.respiratoryRate == y.respiratoryRate && x.gcs == y.gcs;
    };
    auto near = [](const glm::dvec3& x, const glm::dvec3& y) { return glm::length(x - y) < 0.09; };
    EXPECT_EQ(a.meta.id, b.meta.id);
    EXPECT_EQ(a.meta.title, b.meta.title);
    EXPECT_EQ(a.meta.author, b.meta.author);
    EXPECT_EQ(a.meta.version, b.meta.version);
    EXPECT_EQ(a.meta.difficulty, b.meta.difficulty);
    EXPECT_EQ(a.meta.learningObjectives, b.meta.learningObjectives);
    EXPECT_EQ(a.meta.imageLicence, b.meta.imageLicence);
    EXPECT_EQ(a.durationSeconds, b.durationSeconds);
    EXPECT_EQ(a.readingOrder, b.readingOrder);
    EXPECT_EQ(a.alternativeOrders, b.alternativeOrders);
    EXPECT_EQ(a.patient.ageYears, b.patient.ageYears);
    EXPECT_EQ(a.patient.sex, b.patient.sex);
    EXPECT_EQ(a.patient.mechanism, b.patient.mechanism);
    EXPECT_EQ(a.patient.prehospital, b.patient.prehospital);
    EXPECT_TRUE(sameVitals(a.patient.vitalsAtStart, b.patient.vitalsAtStart));
    ASSERT_EQ(a.patient.vitalsTrend.size(), b.patient.vitalsTrend.size());
    for (std::size_t i = 0; i < a.patient.vitalsTrend.size(); ++i) {
        EXPECT_EQ(a.patient.vitalsTrend[i].atSeconds, b.patient.vitalsTrend[i].atSeconds);
        EXPECT_EQ(a.patient.vitalsTrend[i].note, b.patient.vitalsTrend[i].note);
        EXPECT_TRUE(sameVitals(a.patient.vitalsTrend[i].vitals, b.patient.vitalsTrend[i].vitals)) << "trend " << i;
    }
    ASSERT_EQ(a.patient.deteriorations.size(), b.patient.deteriorations.size());
    for (std::size_t i = 0; i < a.patient.deteriorations.size(); ++i) {
        const auto &x = a.patient.deteriorations[i], &y = b.patient.deteriorations[i];
        EXPECT_EQ(x.findingId, y.findingId);
        EXPECT_EQ(x.overSeconds, y.overSeconds);
        EXPECT_EQ(x.announcement, y.announcement);
        EXPECT_TRUE(sameVitals(x.vitals, y.vitals)) << "deterioration " << i;
    }
    ASSERT_EQ(a.images.phantom.has_value(), b.images.phantom.has_value());
    if (a.images.phantom) {
        EXPECT_EQ(a.images.phantom->seed, b.images.phantom->seed);
        EXPECT_EQ(a.images.phantom->injuries, b.images.phantom->injuries);
        EXPECT_EQ(a.images.phantom->matrix, b.images.phantom->matrix);
        EXPECT_EQ(a.images.phantom->sliceMm, b.images.phantom->sliceMm);
        EXPECT_EQ(a.images.phantom->fieldOfViewMm, b.images.phantom->fieldOfViewMm);
    }
    ASSERT_EQ(a.images.series.size(), b.images.series.size());
    for (std::size_t i = 0; i < a.images.series.size(); ++i) {
        const auto &x = a.images.series[i], &y = b.images.series[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.label, y.label);
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.folder, y.folder);
        EXPECT_EQ(x.seriesInstanceUid, y.seriesInstanceUid);
        EXPECT_EQ(x.arrivalSeconds, y.arrivalSeconds);
        EXPECT_EQ(x.arrivalDurationSeconds, y.arrivalDurationSeconds);
    }
    ASSERT_EQ(a.regions.size(), b.regions.size());
    for (std::size_t i = 0; i < a.regions.size(); ++i) {
        const auto &x = a.regions[i], &y = b.regions[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.label, y.label);
        EXPECT_NEAR(x.zFromMm, y.zFromMm, 0.05) << x.id;
        EXPECT_NEAR(x.zToMm, y.zToMm, 0.05) << x.id;
        EXPECT_EQ(x.windows, y.windows) << x.id;
        EXPECT_EQ(x.series, y.series) << x.id;
        EXPECT_EQ(x.minCoverage, y.minCoverage) << x.id;
        EXPECT_EQ(x.planes, y.planes) << x.id;
        for (auto plane : {imaging::Plane::Sagittal, imaging::Plane::Coronal}) {
            if (!x.readIn(plane)) continue;  // a span the region does not sweep is not part of the case
            ASSERT_EQ(x.sweep(plane).has_value(), y.sweep(plane).has_value()) << x.id;
            if (!x.sweep(plane)) continue;
            EXPECT_NEAR(x.sweep(plane)->first, y.sweep(plane)->first, 0.05) << x.id;
            EXPECT_NEAR(x.sweep(plane)->second, y.sweep(plane)->second, 0.05) << x.id;
        }
    }
    ASSERT_EQ(a.findings.size(), b.findings.size());
    for (std::size_t i = 0; i < a.findings.size(); ++i) {
        const auto &x = a.findings[i], &y = b.findings[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.label, y.label) << x.id;
        EXPECT_EQ(x.synonyms, y.synonyms) << x.id;
        EXPECT_EQ(x.acrCategory, y.acrCategory) << x.id;
        EXPECT_EQ(x.region, y.region) << x.id;
        EXPECT_TRUE(near(x.centreLps, y.centreLps)) << x.id;
        EXPECT_TRUE(near(x.extentMm, y.extentMm)) << x.id;
        EXPECT_EQ(x.deadlineSeconds, y.deadlineSeconds) << x.id;
        EXPECT_EQ(x.tell, y.tell) << x.id;
        EXPECT_EQ(x.windows, y.windows) << x.id;
        EXPECT_EQ(x.teachingPoint, y.teachingPoint) << x.id;
        EXPECT_EQ(x.expertDescription, y.expertDescription) << x.id;
        EXPECT_EQ(x.phantomInjury, y.phantomInjury) << x.id;
    }
    ASSERT_EQ(a.interruptions.size(), b.interruptions.size());
    for (std::size_t i = 0; i < a.interruptions.size(); ++i) {
        const auto &x = a.interruptions[i], &y = b.interruptions[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.trigger.type, y.trigger.type) << x.id;
        EXPECT_EQ(x.trigger.atSeconds, y.trigger.atSeconds) << x.id;
        EXPECT_EQ(x.trigger.target, y.trigger.target) << x.id;
        EXPECT_EQ(x.trigger.delaySeconds, y.trigger.delaySeconds) << x.id;
        EXPECT_EQ(x.role, y.role) << x.id;
        EXPECT_EQ(x.name, y.name) << x.id;
        EXPECT_EQ(x.text, y.text) << x.id;
        EXPECT_EQ(x.kind, y.kind) << x.id;
        EXPECT_EQ(x.relatedFindings, y.relatedFindings) << x.id;
        EXPECT_EQ(x.keywords, y.keywords) << x.id;
        EXPECT_EQ(x.wrongKeywords, y.wrongKeywords) << x.id;
        EXPECT_EQ(x.patienceSeconds, y.patienceSeconds) << x.id;
        EXPECT_EQ(x.repeatText, y.repeatText) << x.id;
        EXPECT_EQ(x.maxRepeats, y.maxRepeats) << x.id;
        EXPECT_EQ(x.escalationText, y.escalationText) << x.id;
        EXPECT_EQ(x.durationSeconds, y.durationSeconds) << x.id;
        ASSERT_EQ(x.answers.size(), y.answers.size()) << x.id;
        for (std::size_t k = 0; k < x.answers.size(); ++k) {
            EXPECT_EQ(x.answers[k].id, y.answers[k].id) << x.id;
            EXPECT_EQ(x.answers[k].text, y.answers[k].text) << x.id;
            EXPECT_EQ(x.answers[k].correct, y.answers[k].correct) << x.id;
            EXPECT_EQ(x.answers[k].feedback, y.answers[k].feedback) << x.id;
        }
    }
    EXPECT_EQ(a.conclusion.expertSentence, b.conclusion.expertSentence);
    ASSERT_EQ(a.conclusion.keyPoints.size(), b.conclusion.keyPoints.size());
    for (std::size_t i = 0; i < a.conclusion.keyPoints.size(); ++i) {
        EXPECT_EQ(a.conclusion.keyPoints[i].id, b.conclusion.keyPoints[i].id);
        EXPECT_EQ(a.conclusion.keyPoints[i].label, b.conclusion.keyPoints[i].label);
        EXPECT_EQ(a.conclusion.keyPoints[i].keywords, b.conclusion.keyPoints[i].keywords);
    }
    EXPECT_EQ(a.expertReport, b.expertReport);
    EXPECT_EQ(a.teachingNotes, b.teachingNotes);
    EXPECT_EQ(a.weights.findings, b.weights.findings);
    EXPECT_EQ(a.weights.order, b.weights.order);
    EXPECT_EQ(a.weights.coverage, b.weights.coverage);
    EXPECT_EQ(a.weights.interruptions, b.weights.interruptions);
    EXPECT_EQ(a.weights.conclusion, b.weights.conclusion);
    EXPECT_EQ(a.weights.passThreshold, b.weights.passThreshold);
    EXPECT_EQ(a.weights.minFindingBand, b.weights.minFindingBand);
}

int lines(const std::string& text) {
    return int(std::count(text.begin(), text.end(), '\n'));
}

// The total `polysim score` gives a scripted trainee's run of `scenario`.
std::string scoredTotal(const fs::path& scenario, const fs::path& script, const fs::path& log) {
    auto play =
        test::runPolysim("play " + scenario.string() + " --script " + script.string() + " --log " + log.string());
    EXPECT_EQ(play.exitCode, 0) << play.out << play.err;
    auto score = test::runPolysim("score " + scenario.string() + " " + log.string() + " --json -");
    EXPECT_TRUE(score.exitCode == 0 || score.exitCode == 3) << "passed or failed: " << score.out << score.err;
    std::smatch m;
    return std::regex_search(score.out, m, std::regex(R"("total":\s*([0-9.]+))")) ? m[1].str() : "none";
}
}  // namespace

TEST_F(ShippedScenarios, SavedScenarioReadsBackAsTheSameCase) {
    const fs::path dir = test::scratchDir("scenario-roundtrip");
    for (const auto& f : tomlFiles(scenariosDir())) {
        auto original = scenario::loadScenario(f);
        ASSERT_TRUE(original.scenario) << f;
        const fs::path saved = dir / f.filename();
        std::string error;
        ASSERT_TRUE(scenario::saveScenario(*original.scenario, saved, &error)) << error;
        auto again = scenario::loadScenario(saved);
        ASSERT_TRUE(again.ok()) << saved << "\n" << scenario::formatDiagnostics(again.diagnostics);
        // The case is the same one...
        expectSameCase(*original.scenario, *again.scenario, f.filename().string());
        // ...and writing what was read back gives the same text (a fixed point).
        EXPECT_EQ(scenario::toToml(*again.scenario, dir), scenario::toToml(*original.scenario, dir)) << f;

        // What the reader would take anyway is not written: the file is no longer than the hand-written one, and a
        // phantom case keeps following the phantom (regions, geometry, the phantom's own options).
        const std::string hand = test::readFile(f), text = test::readFile(saved);
        EXPECT_LE(lines(text), lines(hand)) << f.filename() << " grew from " << lines(hand) << " to " << lines(text);
        for (const char* key : {"[[regions]]", "min_coverage", "matrix =", "field_of_view_mm", "[scoring.weights]",
                                "delay = 0", "arrival = 0", "\ncentre =", "\nextent ="}) {
            if (hand.find(key) == std::string::npos) {
                EXPECT_EQ(text.find(key), std::string::npos) << f.filename() << " writes '" << key << "'";
            }
        }
        if (!original.scenario->images.phantom) continue;
        for (const auto& fd : original.scenario->findings) {
            EXPECT_EQ(text.find("label = \"" + fd.label + "\""), std::string::npos)
                << f.filename() << ": the phantom's label of " << fd.id << " is written out";
        }
    }
}

TEST_F(ShippedScenarios, SavedScenarioScoresTheShippedScriptsAsTheOriginal) {
    const fs::path dir = test::scratchDir("scenario-roundtrip-score");
    int compared = 0;
    for (const auto& f : tomlFiles(scenariosDir())) {
        auto original = scenario::loadScenario(f);
        ASSERT_TRUE(original.scenario) << f;
        const fs::path saved = dir / f.filename();
        ASSERT_TRUE(scenario::saveScenario(*original.scenario, saved));
        for (const char* who : {"expert", "novice"}) {
            const fs::path script = scenariosDir() / "scripts" / (f.stem().string() + "-" + who + ".txt");
            if (!fs::exists(script)) continue;
            const std::string stem = f.stem().string() + "-" + who;
            EXPECT_EQ(scoredTotal(saved, script, dir / (stem + "-saved.jsonl")),
                      scoredTotal(f, script, dir / (stem + "-original.jsonl")))
                << f.filename() << " with " << script.filename();
            ++compared;
        }
    }
    EXPECT_GE(compared, 8) << "an expert and a novice script for each shipped phantom case";
}

TEST(Saving, CommentsAreFoundOutsideStringsAndTheOpeningOnesAreKept) {
    const std::string text =
        "# A case\n#\n# by hand\n\n[meta]  # the metadata\nid = \"a#b\"   # not 'a'\n"
        "title = 'x # y'\nnote = \"\"\"\n# inside a text\n\"\"\"\n# before findings\n";
    EXPECT_EQ(scenario::tomlComments(text),
              (std::vector<std::string>{"A case", "by hand", "the metadata", "not 'a'", "before findings"}));
    EXPECT_EQ(scenario::leadingComments(text), "# A case\n#\n# by hand\n");
    EXPECT_EQ(scenario::leadingComments("[meta]\n# late\n"), "");
    EXPECT_EQ(scenario::commentsLost(text, "# A case\n# by hand\n[meta]\n"), 3);
    EXPECT_EQ(scenario::commentsLost(text, text), 0);

    // Saved over a hand-written file, the comments that open it stay; the text says how many others would go.
    const fs::path dir = test::scratchDir("scenario-comments");
    const fs::path file = dir / "rsna.toml";
    fs::copy_file(scenariosDir() / "rsna-2023-abdominal-template.toml", file);
    const std::string hand = test::readFile(file);
    auto r = scenario::loadScenario(file);
    ASSERT_TRUE(r.scenario) << scenario::formatDiagnostics(r.diagnostics);
    const std::string saved = scenario::scenarioText(*r.scenario, file);
    EXPECT_EQ(saved.rfind(scenario::leadingComments(hand), 0), 0u) << "the introduction opens the saved file";
    EXPECT_GE(scenario::tomlComments(scenario::leadingComments(hand)).size(), 10u);
    EXPECT_EQ(
        scenario::commentsLost(hand, saved),
        int(scenario::tomlComments(hand).size()) - int(scenario::tomlComments(scenario::leadingComments(hand)).size()));
}

TEST(Saving, ADicomFolderIsWrittenRelativeNearTheCaseAndAbsoluteFarFromIt) {
    const fs::path dir = test::scratchDir("scenario-folder-text");
    auto r = scenario::parseScenario(dicomScenario("../data/ct", "", "[0, 0, 0]"), dir / "cases" / "case.toml");
    ASSERT_TRUE(r.draft) << scenario::formatDiagnostics(r.diagnostics);
    const auto& s = *r.draft;
    ASSERT_EQ(s.images.series[0].folder, dir / "data" / "ct");
    auto folderIn = [&](const fs::path& base) {
        const std::string text = scenario::toToml(s, base);
        const auto at = text.find("folder = \"");
        return at == std::string::npos ? std::string() : text.substr(at + 10, text.find('"', at + 10) - at - 10);
    };
    EXPECT_EQ(folderIn(dir / "cases"), "../data/ct") << "saved where it was read: as the author wrote it";
    EXPECT_EQ(folderIn(dir / "other"), "../data/ct");
    EXPECT_EQ(folderIn(dir / "data"), "ct");
    EXPECT_EQ(folderIn(dir / "a" / "b" / "c"), (dir / "data" / "ct").string()) << "three levels up: absolute";
    EXPECT_EQ(folderIn("/"), (dir / "data" / "ct").string().substr(1)) << "below the folder: relative";
}

TEST(AuthoringModel, ACaseBuiltInCodeIsCheckedWithTheSameRules) {
    // What the authoring mode does: edit the model, check it before saving, point at the entry at fault.
    auto r = scenario::loadScenario(scenario::defaultScenarioPath());
    ASSERT_TRUE(r.scenario);
    scenario::Scenario s = *r.scenario;
    EXPECT_TRUE(scenario::validateScenario(s).empty()) << scenario::formatDiagnostics(scenario::validateScenario(s));
    s.findings[1].region = "belly";
    s.findings[1].where = {"edited.toml", 7, 3};
    s.interruptions[0].trigger = {scenario::InterruptionTrigger::Type::FindingOnScreen, 0, "nothing", 0};
    s.durationSeconds = 200;  // now the spleen and pelvis deadlines are too late
    auto d = scenario::validateScenario(s);
    auto has = [&](const std::string& text, int line) {
        return std::any_of(d.begin(), d.end(), [&](const Diagnostic& x) {
            return x.severity == Diagnostic::Severity::Error && x.message.find(text) != std::string::npos &&
                   (line == 0 || x.where.line == line);
        });
    };
    EXPECT_TRUE(has("region 'belly', which does not exist", 7)) << scenario::formatDiagnostics(d);
    EXPECT_TRUE(has("waits for unknown finding 'nothing'", 0)) << scenario::formatDiagnostics(d);
    EXPECT_TRUE(has("deadline of finding 'pelvic_ring_fracture' (420 s) is after the session ends (200 s", 0))
        << scenario::formatDiagnostics(d);
}

// ---- the phantom's ground truth, exported for authors ----

TEST(PhantomExport, FindingsWrittenAsTomlValidateInAScenarioAndKeepThePhantomsPositions) {
    auto dir = polysim::test::scratchDir("findings-toml");
    auto r = polysim::test::runPolysim("phantom --injuries epidural_hematoma,splenic_laceration --findings-out " +
                                       (dir / "truth.toml").string());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::ifstream in(dir / "truth.toml");
    std::stringstream block;
    block << in.rdbuf();
    ASSERT_NE(block.str().find("[[findings]]"), std::string::npos) << block.str();
    const std::string text =
        "[meta]\nid = \"t\"\ntitle = \"t\"\n[patient]\nage = 30\nsex = \"male\"\nmechanism = \"m\"\n"
        "[images.phantom]\nseed = 1\ninjuries = [\"epidural_hematoma\", \"splenic_laceration\"]\n" +
        block.str();
    auto parsed = scenario::parseScenario(text, "exported.toml");
    ASSERT_TRUE(parsed.ok()) << scenario::formatDiagnostics(parsed.diagnostics) << "\n" << text;
    for (const auto& d : parsed.diagnostics)  // the excerpt has no conclusion; nothing may be wrong with its findings
        EXPECT_TRUE(d.message.find("finding") == std::string::npos && d.message.find("injury") == std::string::npos)
            << d.format();
    phantom::PhantomOptions o;
    o.injuries = {"epidural_hematoma", "splenic_laceration"};
    auto truth = phantom::groundTruth(o);
    ASSERT_EQ(parsed.scenario->findings.size(), truth.size());
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const auto& f = parsed.scenario->findings[i];
        EXPECT_EQ(f.id, truth[i].id);
        EXPECT_EQ(f.acrCategory, truth[i].acrCategory);
        EXPECT_EQ(f.region, truth[i].region);
        EXPECT_NEAR(glm::distance(f.centreLps, truth[i].centreLps), 0.0, 0.1) << f.id;
        EXPECT_NEAR(glm::distance(f.extentMm, truth[i].extentMm), 0.0, 0.1) << f.id;
    }
}

// ---- What a programme reads off a case: level, milestones, faculty sign-off ----

namespace {
// The fall-from-height case, its level, milestones and curriculum items taken out and `lines` added to its [meta]
// table; and the line number of the first one.
std::pair<std::string, int> withMeta(const std::string& lines) {
    std::string text;
    std::istringstream in(slurp(scenariosDir() / "fall-from-height.toml"));
    for (std::string l; std::getline(in, l);)
        if (!l.starts_with("level = ") && !l.starts_with("milestones = ") && !l.starts_with("esr_curriculum = "))
            text += l + "\n";
    const auto at = text.find("image_licence = ");
    const int line = int(std::count(text.begin(), text.begin() + std::ptrdiff_t(at), '\n')) + 1;
    text.insert(at, lines);
    return {text, line};
}
}  // namespace

TEST(Programme, LevelMilestonesAndSignOffAreReadAndSavedAsWritten) {
    auto [text, line] = withMeta(
        "level = \"PGY-3\"\nmilestones = [\"PC2\", \"MK2\"]\nesr_curriculum = [\"Emergency radiology: polytrauma\"]\n"
        "reviewed_by = \"Dr A. Faculty\"\nreviewed_on = 2026-11-20\n");
    auto r = scenario::parseScenario(text, "case.toml");
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    const auto& m = r.scenario->meta;
    EXPECT_EQ(m.level, "PGY-3");
    EXPECT_EQ(m.milestones, (std::vector<std::string>{"PC2", "MK2"}));
    EXPECT_EQ(m.esrCurriculum, (std::vector<std::string>{"Emergency radiology: polytrauma"}));
    EXPECT_EQ(m.reviewedOn, "2026-11-20");
    EXPECT_TRUE(m.signedOff());
    // Saved by the authoring mode and read again: the same.
    auto saved = scenario::parseScenario(scenario::toToml(*r.scenario), "saved.toml");
    ASSERT_TRUE(saved.ok()) << scenario::formatDiagnostics(saved.diagnostics);
    EXPECT_EQ(saved.scenario->meta.level, "PGY-3");
    EXPECT_EQ(saved.scenario->meta.milestones, m.milestones);
    EXPECT_EQ(saved.scenario->meta.reviewedBy, "Dr A. Faculty");
    EXPECT_EQ(saved.scenario->meta.reviewedOn, "2026-11-20");
    // Without a sign-off the case is a draft, which is no error: the library says so.
    auto shipped = scenario::parseScenario(slurp(scenariosDir() / "fall-from-height.toml"), "case.toml");
    ASSERT_TRUE(shipped.ok());
    EXPECT_FALSE(shipped.scenario->meta.signedOff());
}

TEST(Programme, AWrongLevelMilestoneOrSignOffIsAnErrorAtItsLine) {
    struct Case {
        std::string lines, says;
        int lineOffset;  // which added line the error is on
    };
    const std::vector<Case> cases = {
        {"level = \"PGY-9\"\n", "level 'PGY-9'", 0},
        {"level = \"third year\"\n", "PGY-1 to PGY-7", 0},
        {"milestones = [\"PC2\", \"XY1\"]\n", "milestone 'XY1'", 0},
        {"reviewed_by = \"Dr A. Faculty\"\n", "both reviewed_by", 0},
        {"reviewed_on = 2026-11-20\n", "both reviewed_by", 0},
        {"reviewed_by = \"Dr A. Faculty\"\nreviewed_on = \"2026-02-30\"\n", "YYYY-MM-DD, not '2026-02-30'", 1},
        {"reviewed_by = \"Dr A. Faculty\"\nreviewed_on = 20261120\n", "must be a date", 1},
    };
    for (const auto& c : cases) {
        auto [text, line] = withMeta(c.lines);
        auto r = scenario::parseScenario(text, "case.toml");
        EXPECT_FALSE(r.ok()) << c.lines;
        bool found = false;
        for (const auto& d : r.diagnostics)
            if (d.severity == Diagnostic::Severity::Error && d.message.find(c.says) != std::string::npos) {
                found = true;
                EXPECT_EQ(d.where.line, line + c.lineOffset) << c.lines << ": " << d.message;
                EXPECT_GT(d.where.column, 0);
            }
        EXPECT_TRUE(found) << c.lines << " -> " << scenario::formatDiagnostics(r.diagnostics);
    }
}

// ---------------------------------------------------------------- the planes a region is read in
namespace {
using imaging::Plane;
const scenario::Region& regionOf(const scenario::Scenario& s, const std::string& id) {
    const auto* r = s.findRegion(id);
    if (!r) throw std::runtime_error("no region " + id);
    return *r;
}
}  // namespace

TEST(RegionPlanes, TheSpineReadsSagittalAndTheAbdomenCoronalByDefaultAcrossThePhantomsAnatomy) {
    auto r = scenario::loadScenario(scenariosDir() / "motorcyclist.toml");
    ASSERT_TRUE(r.scenario) << scenario::formatDiagnostics(r.diagnostics);
    const auto& s = *r.scenario;
    const auto* lumbar = phantom::findCrossSpan("thoracolumbar_spine");
    const auto* neck = phantom::findCrossSpan("cervical_spine");
    ASSERT_TRUE(lumbar && neck);
    // Vertebral bodies, pedicles and facets: the L5 body is the widest, the cervical facets wider than its bodies.
    EXPECT_EQ(lumbar->xFromMm, -25);
    EXPECT_EQ(lumbar->xToMm, 25);
    EXPECT_EQ(neck->xFromMm, -16);
    EXPECT_EQ(neck->xToMm, 16);
    const auto& spine = regionOf(s, "spine");
    EXPECT_EQ(spine.planes, (std::vector<Plane>{Plane::Axial, Plane::Sagittal}));
    ASSERT_TRUE(spine.sweep(Plane::Sagittal));
    EXPECT_EQ(*spine.sweep(Plane::Sagittal), std::make_pair(-25.0, 25.0));
    EXPECT_FALSE(spine.sweep(Plane::Coronal)) << "not read coronally, so no span";
    EXPECT_EQ(regionOf(s, "cervical_spine").planes, (std::vector<Plane>{Plane::Axial, Plane::Sagittal}));
    const auto& abdomen = regionOf(s, "abdomen_pelvis");
    EXPECT_EQ(abdomen.planes, (std::vector<Plane>{Plane::Axial, Plane::Coronal}));
    ASSERT_TRUE(abdomen.sweep(Plane::Coronal));
    EXPECT_LT(abdomen.sweep(Plane::Coronal)->first, -60) << "from the front of the cavity";
    EXPECT_GT(abdomen.sweep(Plane::Coronal)->second, 90) << "to the back of the sacrum";
    for (const char* id : {"airway", "chest_lungs", "chest_mediastinum", "head", "extremities"})
        EXPECT_EQ(regionOf(s, id).planes, std::vector<Plane>{Plane::Axial}) << id;
}

TEST(RegionPlanes, ADicomRegionIsReadAxiallyUntilItsFileGivesTheSpan) {
    // Where the spine lies across a real patient's images is not the phantom's: the default sagittal reading of
    // 'spine' needs the file's 'x'.
    const std::string base = dicomScenario("nowhere", "", "[0, 0, 0]") + "[[regions]]\nid = \"spine\"\nz = [-500, 0]\n";
    scenario::LoadOptions noScan;
    noScan.scanDicom = false;
    auto plain = scenario::parseScenario(base, "case.toml", noScan);
    ASSERT_TRUE(plain.draft) << scenario::formatDiagnostics(plain.diagnostics);
    EXPECT_EQ(regionOf(*plain.draft, "spine").planes, std::vector<Plane>{Plane::Axial});
    auto withX = scenario::parseScenario(base + "x = [-30, 34]\n", "case.toml", noScan);
    ASSERT_TRUE(withX.draft) << scenario::formatDiagnostics(withX.diagnostics);
    const auto& spine = regionOf(*withX.draft, "spine");
    EXPECT_EQ(spine.planes, (std::vector<Plane>{Plane::Axial, Plane::Sagittal}));
    EXPECT_EQ(*spine.sweep(Plane::Sagittal), std::make_pair(-30.0, 34.0));
    // Saved and read back: the same planes and span.
    auto again = scenario::parseScenario(scenario::toToml(*withX.draft), "case.toml", noScan);
    ASSERT_TRUE(again.draft) << scenario::formatDiagnostics(again.diagnostics);
    EXPECT_EQ(regionOf(*again.draft, "spine").planes, spine.planes);
    EXPECT_EQ(regionOf(*again.draft, "spine").sweep(Plane::Sagittal), spine.sweep(Plane::Sagittal));
}

TEST(RegionPlanes, AnUnknownPlaneIsAnErrorAtItsFileLineAndColumn) {
    const fs::path dir = test::scratchDir("region-planes");
    const fs::path file = dir / "planes.toml";
    std::ofstream(file) << R"([meta]
id = "p"
title = "p"
[patient]
age = 30
sex = "male"
mechanism = "m"
[images.phantom]
seed = 3
[[regions]]
id = "spine"
planes = ["axial", "oblique"]
)";
    auto r = scenario::loadScenario(file);
    EXPECT_FALSE(r.ok());
    const auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& d) {
        return d.message.find("unknown plane 'oblique'") != std::string::npos;
    });
    ASSERT_NE(it, r.diagnostics.end()) << scenario::formatDiagnostics(r.diagnostics);
    EXPECT_EQ(it->severity, Diagnostic::Severity::Error);
    EXPECT_EQ(it->where.file, file.string());
    EXPECT_EQ(it->where.line, 12);
    EXPECT_EQ(it->where.column, 20) << "at the plane's own name in the list";
    EXPECT_NE(it->format().find(file.string() + ":12:20: error:"), std::string::npos) << it->format();
}

TEST(RegionPlanes, PlanesAndSpansAnAuthorChangesAreSavedAndReadBack) {
    auto r = scenario::loadScenario(scenariosDir() / "motorcyclist.toml");
    ASSERT_TRUE(r.scenario);
    auto s = *r.scenario;
    const std::string untouched = scenario::toToml(s);
    EXPECT_EQ(untouched.find("planes ="), std::string::npos) << "the defaults are not written";
    for (auto& region : s.regions) {
        if (region.id == "spine") region.planes = {Plane::Axial};  // no sagittal credit in this case
        if (region.id == "chest_lungs") {
            region.planes = {Plane::Axial, Plane::Coronal};
            region.yMm = std::make_pair(-120.0, 110.0);
        }
    }
    const std::string text = scenario::toToml(s);
    EXPECT_NE(text.find("planes = [\"axial\"]"), std::string::npos) << text;
    EXPECT_NE(text.find("y = [-120, 110]"), std::string::npos) << text;
    auto again = scenario::parseScenario(text, scenariosDir() / "saved.toml");
    ASSERT_TRUE(again.ok()) << scenario::formatDiagnostics(again.diagnostics);
    expectSameCase(s, *again.scenario, "edited planes");
}

// Scenario files no author would write but a damaged or hostile one might: nesting deep enough to overflow a
// recursive parser, thousands of interruptions. Each is answered with a message naming file, line and column.
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/loader.h"
#include "scenario/toml_depth.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
namespace fs = std::filesystem;

std::string repeat(const std::string& s, int n) {
    std::string out;
    out.reserve(s.size() * std::size_t(n));
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

TEST(ScenarioHostile, KeysAndTableNamesFiftyThousandLevelsDeepAreRefusedWithTheirPlace) {
    const std::string prefix = "# a damaged file\n\n";
    const std::pair<const char*, std::string> cases[] = {
        {"dotted key", prefix + repeat("k.", 50000) + "k = 1\n"},
        {"table header", prefix + "[" + repeat("a.", 50000) + "a]\n"},
        {"array of tables", prefix + "[[" + repeat("a.", 50000) + "a]]\n"},
        {"quoted segments", prefix + repeat("\"k\".", 50000) + "k = 1\n"},
        {"inline tables", prefix + "x = " + repeat("{a.b = ", 100) + "1" + repeat("}", 100) + "\n"},
    };
    for (const auto& [what, text] : cases) {
        auto r = scenario::parseScenario(text, "deep.toml");
        ASSERT_FALSE(r.ok()) << what;
        ASSERT_FALSE(r.unreadable().empty()) << what;
        const std::string message = r.diagnostics.front().format();
        EXPECT_EQ(message.rfind("deep.toml:3:", 0), 0u) << what << ": " << message;
        EXPECT_NE(message.find("nests too deeply"), std::string::npos) << what << ": " << message;
    }
}

TEST(ScenarioHostile, DotsInsideStringsCommentsAndNumbersAreNotNesting) {
    std::string text = "# " + repeat("a.", 500) + "\n";
    text += "title = \"" + repeat("x.", 500) + "\"\n";
    text += "notes = '''\n" + repeat("y.", 500) + "\n'''\n";
    text += "numbers = [" + repeat("1.5, ", 500) + "2.5]\n";
    text += "a.b.c.d = 1\n[x.y.z]\nw = 2\n";
    EXPECT_FALSE(scenario::findTomlNestingProblem(text).has_value());
}

TEST(ScenarioHostile, ValidateRefusesADeepFileFromTheCommandLineInsteadOfCrashing) {
    const fs::path dir = scratchDir("deep_validate");
    std::ofstream(dir / "deep.toml") << "[" << repeat("a.", 50000) << "a]\n";
    auto r = runPolysim("validate " + (dir / "deep.toml").string());
    EXPECT_EQ(r.exitCode, 1) << r.err;  // a finding, not a crash (a signal gives another status)
    EXPECT_NE((r.out + r.err).find("deep.toml:1:"), std::string::npos) << r.out << r.err;
}

// A scenario with `count` interruptions, each waiting for the previous one to be ignored (a long chain, the worst
// case for the cycle check), appended to a shipped case.
std::string manyInterruptions(int count) {
    std::string text = readFile(sourceDir() / "scenarios" / "motorcyclist.toml");
    for (int i = 0; i < count; ++i) {
        text += "\n[[interruptions]]\nid = \"x" + std::to_string(i) +
                "\"\nkind = \"question\"\n"
                "role = \"trauma_leader\"\nname = \"Dr X\"\n";
        text += i == 0 ? "at = 30\n" : "when_ignored = \"x" + std::to_string(i - 1) + "\"\n";
        text +=
            "text = \"Anything new on the scan?\"\nfindings = [\"tension_pneumothorax\"]\n"
            "keywords = [\"pneumothorax\"]\npatience = 20\nmax_repeats = 1\n\n"
            "[[interruptions.answers]]\ntext = \"Yes\"\ncorrect = true\n";
    }
    return text;
}

TEST(ScenarioHostile, EightThousandChainedInterruptionsValidate) {
    // Before, the check of each chain walked the whole chain with a linear search per step (cubic): this file did
    // not validate within 300 s. ctest's timeout fails the test if that comes back.
    auto r = scenario::parseScenario(manyInterruptions(8000), "many.toml", {false, false});
    EXPECT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics).substr(0, 2000);
    ASSERT_TRUE(r.scenario.has_value());
    EXPECT_GE(r.scenario->interruptions.size(), 8000u);
}

TEST(ScenarioHostile, ACycleOfIgnoredTriggersIsStillFoundInALongChain) {
    std::string text = manyInterruptions(300);
    // Close the chain: the first waits for the last.
    const std::string first = "id = \"x0\"\nkind = \"question\"\nrole = \"trauma_leader\"\nname = \"Dr X\"\nat = 30\n";
    const auto at = text.find(first);
    ASSERT_NE(at, std::string::npos);
    text.replace(
        at, first.size(),
        "id = \"x0\"\nkind = \"question\"\nrole = \"trauma_leader\"\nname = \"Dr X\"\nwhen_ignored = \"x299\"\n");
    auto r = scenario::parseScenario(text, "cycle.toml", {false, false});
    EXPECT_FALSE(r.ok());
    EXPECT_NE(scenario::formatDiagnostics(r.diagnostics).find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace polysim::test

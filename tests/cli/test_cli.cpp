// The command line a user meets first: help, unknown commands, usage errors.
#include <gtest/gtest.h>

#include "support/test_env.h"

using polysim::test::runPolysim;

TEST(Cli, HelpListsEveryRegisteredCommand) {
    auto r = runPolysim("help");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("run"), std::string::npos) << r.out;
}

TEST(Cli, UnknownCommandFailsWithAPointerToHelp) {
    auto r = runPolysim("frobnicate");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("polysim help"), std::string::npos) << r.err;
}

TEST(Cli, OptionsWithoutACommandGoToTheSimulator) {
    // `polysim --size` with a bad value must be answered by `run` itself, not refused as an unknown command.
    auto r = runPolysim("--size nonsense");
    EXPECT_EQ(r.err.find("unknown command"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("polysim run"), std::string::npos) << r.err;
}

namespace {
// A usage error: exit 2, "polysim COMMAND: MESSAGE" and the command's usage on stderr, nothing on stdout.
void expectUsageError(const std::string& args, const std::string& message) {
    auto r = runPolysim(args);
    EXPECT_EQ(r.exitCode, 2) << args << "\n" << r.err;
    const std::string command = args.substr(0, args.find(' '));
    EXPECT_NE(r.err.find("polysim " + command + ": " + message + "\n"), std::string::npos) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("usage: polysim " + command), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << args;
}
}  // namespace

TEST(Cli, AnUnknownOptionIsAUsageErrorOfThatCommand) {
    expectUsageError("play s.toml --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("score s.toml log.jsonl --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("cohort results.sqlite --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("info /tmp --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("validate --frobnicate s.toml", "unknown option '--frobnicate'");
    expectUsageError("history --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("phantom --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("snapshot phantom --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("run --frobnicate", "unknown option '--frobnicate'");
    expectUsageError("author s.toml --frobnicate", "unknown option '--frobnicate'");
}

TEST(Cli, RunAndAuthorCheckTheirOptionsAsEveryCommandDoes) {
    expectUsageError("run s.toml --log", "--log needs a file");
    expectUsageError("run s.toml --size 100x100", "--size needs WIDTHxHEIGHT, at least 320x240, e.g. 1600x900");
    expectUsageError("author s.toml --size 1600", "--size needs WIDTHxHEIGHT, at least 320x240, e.g. 1600x900");
    expectUsageError("run s.toml --at -1 --screenshot x.png", "--at needs a session time in seconds (0 or more)");
    expectUsageError("run s.toml --bench-frames 0", "--bench-frames needs a positive number of frames");
    expectUsageError("run a.toml b.toml", "only one scenario at a time ('b.toml' is one too many)");
    expectUsageError("author a.toml b.toml", "only one scenario at a time ('b.toml' is one too many)");
    expectUsageError("author s.toml --out", "--out needs a file");
}

TEST(Cli, AnOptionWithoutItsValueSaysWhatItNeeds) {
    expectUsageError("play s.toml --script t.txt --log", "--log needs a file");
    expectUsageError("score s.toml log.jsonl --json", "--json needs a file (or -)");
    expectUsageError("cohort results.sqlite --html", "--html needs a file");
    expectUsageError("history --scenario", "--scenario needs an id");
    expectUsageError("phantom --out", "--out needs a folder");
    expectUsageError("snapshot phantom --window", "--window needs a preset name or W/L");
}

TEST(Cli, NumbersAndNamedValuesAreChecked) {
    expectUsageError("phantom --out x --matrix 12x", "--matrix needs a whole number");
    expectUsageError("phantom --out x --seed -3", "--seed needs a whole number");
    expectUsageError("phantom --out x --phases arterial,scout",
                     "unknown phase 'scout' (noncontrast, arterial, portal)");
    expectUsageError("snapshot phantom --at 1O", "--at needs a number of mm");
    expectUsageError("snapshot phantom --plane oblique --out x.png", "--plane must be axial, coronal or sagittal");
    expectUsageError("snapshot phantom --window lugn --out x.png",
                     "unknown window 'lugn' (a preset such as lung, or W/L like 1500/-600)");
    expectUsageError("play s.toml --script t.txt --log l.jsonl --slice-mm 0",
                     "--slice-mm needs a number above 0, not '0'");
}

TEST(Cli, PositionalArgumentsBeyondWhatACommandTakesAreRefused) {
    expectUsageError("play a.toml b.toml --script t.txt --log l.jsonl", "unexpected argument 'b.toml'");
    expectUsageError("score a.toml", "needs SCENARIO.toml and LOG.jsonl");
    expectUsageError("info a b", "one PATH only (a folder, a DICOMDIR or a file)");
    expectUsageError("snapshot a b --out x.png", "more than one PATH given");
    expectUsageError("history someone", "unexpected argument 'someone'");
    expectUsageError("phantom extra", "unexpected argument 'extra'");
    expectUsageError("play --script t.txt --log l.jsonl", "which scenario? (a .toml file)");
    expectUsageError("cohort", "give at least one results database or score JSON file");
    expectUsageError("validate", "no scenario file given");
}

TEST(Cli, FlagsAndOptionsMayComeInAnyOrder) {
    auto dir = polysim::test::scratchDir("cli_order");
    auto scenario = polysim::test::sourceDir() / "scenarios" / "motorcyclist.toml";
    // --quiet before the file and -q after it both silence the summary line.
    for (const auto& args :
         {"validate --quiet --no-scan " + scenario.string(), "validate " + scenario.string() + " --no-scan -q"}) {
        auto r = runPolysim(args);
        EXPECT_EQ(r.exitCode, 0) << args << "\n" << r.err;
        EXPECT_EQ(r.out, "") << args;
    }
    auto r = runPolysim("validate --no-scan " + scenario.string());
    EXPECT_NE(r.out.find(": valid"), std::string::npos) << r.out;
    // The findings of a phantom written with options before and after --findings-out are the same file.
    auto a = runPolysim("phantom --seed 7 --injuries tension_pneumothorax --findings-out " + (dir / "a.json").string());
    auto b =
        runPolysim("phantom --findings-out " + (dir / "b.json").string() + " --injuries tension_pneumothorax --seed 7");
    ASSERT_EQ(a.exitCode, 0) << a.err;
    ASSERT_EQ(b.exitCode, 0) << b.err;
    EXPECT_NE(polysim::test::readFile(dir / "a.json").find("tension_pneumothorax"), std::string::npos);
    EXPECT_EQ(polysim::test::readFile(dir / "a.json"), polysim::test::readFile(dir / "b.json"));
}

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

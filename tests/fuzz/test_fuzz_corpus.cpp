// Every input that ever crashed, hung or misbehaved in a reader (tests/fuzz/corpus/<reader>/) is fed again to the
// fuzz targets' entry points: a crash or undefined behaviour (under the sanitizer build) fails this test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "fuzz/entry.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
namespace fs = std::filesystem;

TEST(FuzzCorpus, EveryInputThatEverCrashedAReaderIsReadSafelyNow) {
    const fs::path corpus = POLYSIM_FUZZ_CORPUS;
    int inputs = 0;
    for (const auto& target : fuzz::targetNames()) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(corpus / target))
            if (e.is_regular_file()) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        EXPECT_FALSE(files.empty()) << "no regression inputs for " << target;
        for (const auto& f : files) {
            SCOPED_TRACE(f.string());
            const std::string bytes = readFile(f);
            fuzz::runOne(target, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++inputs;
        }
    }
    EXPECT_GT(inputs, 0);
}

}  // namespace
}  // namespace polysim::test

// libFuzzer's entry for one target; the target's name is compiled in (POLYSIM_FUZZ_TARGET).
#include "fuzz/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    polysim::fuzz::runOne(POLYSIM_FUZZ_TARGET, data, size);
    return 0;
}

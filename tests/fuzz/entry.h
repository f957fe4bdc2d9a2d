// The entry points the fuzz targets and the regression-corpus test share: each feeds one input to one reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace polysim::fuzz {

// Names of the readers: "dicom", "scenario", "script", "event_log" (also the corpus folder names).
const std::vector<std::string>& targetNames();

// Feeds `data` to the named reader. Returns normally whatever the reader thinks of the input (an error it reports
// is the right answer); a crash, a hang or undefined behaviour is the failure the fuzzer and the test look for.
void runOne(const std::string& target, const uint8_t* data, std::size_t size);

}  // namespace polysim::fuzz

// Reading a user-named text file (event log, trainee script) without hanging or filling memory: only regular
// files are read (a FIFO would block forever, /dev/zero never ends), and only up to a size limit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace polysim::session {

struct TextFile {
    std::string text;
    std::string error;  // empty on success; otherwise why it was not read ("is not a regular file (a FIFO)")
};

// Opens without blocking, checks that the opened file is a regular file of at most maxBytes, reads it whole.
TextFile readRegularTextFile(const std::filesystem::path& file, std::uintmax_t maxBytes);

// Why a file may not be written as a log ("is a FIFO"), or empty when it may: regular files, files that do not
// exist yet, and character devices such as /dev/null are fine; FIFOs, sockets, block devices and folders are not.
std::string whyNotWritable(const std::filesystem::path& file);

}  // namespace polysim::session

// Bounded, non-blocking reads of the text files a user names on the command line.
#include "session/text_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace polysim::session {

namespace {
const char* kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "not a regular file";
}
}  // namespace

TextFile readRegularTextFile(const std::filesystem::path& file, std::uintmax_t maxBytes) {
    TextFile out;
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        out.error = errno == ENOENT ? "does not exist" : std::string("cannot be opened: ") + std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        out.error = std::string("cannot be examined: ") + std::strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        out.error = std::string("is ") + kindOf(st.st_mode) + ", not a regular file";
    } else if (std::uintmax_t(st.st_size) > maxBytes) {
        out.error = "is " + std::to_string(std::uintmax_t(st.st_size) >> 20) + " MB, more than the " +
                    std::to_string(maxBytes >> 20) + " MB such a file can be";
    } else {
        out.text.resize(std::size_t(st.st_size));
        std::size_t done = 0;
        while (done < out.text.size()) {
            ssize_t got = ::read(fd, out.text.data() + done, out.text.size() - done);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                out.error = std::string("cannot be read: ") + std::strerror(errno);
                break;
            }
            if (got == 0) break;  // shrank while being read: keep what is there
            done += std::size_t(got);
        }
        out.text.resize(done);
    }
    ::close(fd);
    if (!out.error.empty()) out.text.clear();
    return out;
}

std::string whyNotWritable(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return {};  // does not exist yet (or the open will say why)
    if (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)) return {};
    return std::string("is ") + kindOf(st.st_mode) + ", not a file a log can be written to";
}

}  // namespace polysim::session

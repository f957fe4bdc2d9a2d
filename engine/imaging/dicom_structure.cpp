// An iterative walk over a DICOM file's element structure that bounds sequence nesting before DCMTK's recursive
// parser sees the file. Values are skipped by offset, so pixel data is never read.
#include "imaging/dicom_structure.h"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dctag.h>

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace polysim::imaging::detail {
namespace {

constexpr uint32_t kUndefined = 0xFFFFFFFFu;
// A deflated data set inflates to at most this much for the walk (a CT header is kilobytes).
constexpr std::size_t kMaxInflated = std::size_t(512) << 20;

// Random access to the bytes of a file or a buffer.
class Bytes {
public:
    virtual ~Bytes() = default;
    virtual std::uint64_t size() const = 0;
    // Pointer to n bytes at pos, valid until the next call; null when they are not all there.
    virtual const uint8_t* at(std::uint64_t pos, std::size_t n) = 0;
};

class MemoryBytes final : public Bytes {
public:
    MemoryBytes(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint64_t size() const override { return size_; }
    const uint8_t* at(std::uint64_t pos, std::size_t n) override {
        return pos <= size_ && n <= size_ - pos ? data_ + pos : nullptr;
    }

private:
    const uint8_t* data_;
    std::size_t size_;
};

// Reads through a window of the file with pread; skipping a value costs nothing.
class FileBytes final : public Bytes {
public:
    FileBytes(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    std::uint64_t size() const override { return size_; }
    const uint8_t* at(std::uint64_t pos, std::size_t n) override {
        if (pos > size_ || n > size_ - pos) return nullptr;
        if (pos >= start_ && pos + n <= start_ + filled_) return window_.data() + (pos - start_);
        const std::size_t want = std::max<std::size_t>(n, kWindow);
        window_.resize(want);
        std::size_t got = 0;
        while (got < want) {
            ssize_t r = ::pread(fd_, window_.data() + got, want - got, off_t(pos + got));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += std::size_t(r);
        }
        start_ = pos;
        filled_ = got;
        return got >= n ? window_.data() : nullptr;
    }

private:
    static constexpr std::size_t kWindow = 64 * 1024;
    int fd_;
    std::uint64_t size_;
    std::vector<uint8_t> window_;
    std::uint64_t start_ = 0;
    std::size_t filled_ = 0;
};

uint16_t u16(const uint8_t* p, bool little) {
    return little ? uint16_t(p[0] | p[1] << 8) : uint16_t(p[0] << 8 | p[1]);
}
uint32_t u32(const uint8_t* p, bool little) {
    return little ? uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24
                  : uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
bool isVr(const uint8_t* p) {
    return p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z';
}
bool longVr(const uint8_t* p) {
    static const char* kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"};
    for (const char* v : kLong)
        if (p[0] == v[0] && p[1] == v[1]) return true;
    return false;
}
bool dictionarySaysSequence(uint16_t group, uint16_t element) {
    return DcmTag(group, element).getEVR() == EVR_SQ;
}

struct Frame {
    enum Kind { Dataset, Sequence, Item, Fragments } kind;
    std::uint64_t end;  // UINT64_MAX: undefined length, ends at its delimiter
    bool implicit;
};

// Walks a data set that starts at `pos`; fills maxDepth, and problem when the limit is passed.
// `looksDicom`: the file has the preamble or a meta header, or starts as a data set does; only then is a value that
// claims more bytes than the file holds a damaged DICOM file (otherwise it is text or junk, for the parser to name).
void walkDataSet(Bytes& bytes, std::uint64_t pos, bool implicit, bool little, int limit, FileProbe& probe,
                 bool looksDicom, bool recordPixels = true) {
    constexpr std::uint64_t kOpen = ~std::uint64_t(0);
    std::vector<Frame> stack{{Frame::Dataset, bytes.size(), implicit}};
    auto push = [&](Frame f) {
        stack.push_back(f);
        const int depth = int(stack.size()) - 1;
        probe.maxDepth = std::max(probe.maxDepth, depth);
        if (depth > limit) {
            probe.problem = "sequences nest more than " + std::to_string(limit) +
                            " levels deep (no CT image needs that; reading it could crash the reader)";
            return false;
        }
        return true;
    };
    while (!stack.empty() && probe.problem.empty()) {
        const Frame f = stack.back();
        if (f.end != kOpen && pos >= f.end) {
            stack.pop_back();
            continue;
        }
        const uint8_t* h = bytes.at(pos, 8);
        if (!h) return;  // truncated: the parser says so
        const uint16_t group = u16(h, little), element = u16(h + 2, little);
        if (group == 0xFFFE) {
            const uint32_t length = u32(h + 4, little);
            pos += 8;
            if (element == 0xE000) {
                if (f.kind == Frame::Fragments) {
                    if (length == kUndefined) return;
                    if (pos + length > bytes.size()) {
                        if (!looksDicom) return;
                        probe.problem = "unreadable DICOM (truncated or corrupt): a pixel data fragment claims " +
                                        std::to_string(length) + " bytes past the end of the file";
                        return;
                    }
                    pos += length;
                } else if (!push({Frame::Item, length == kUndefined ? kOpen : pos + length, f.implicit})) {
                    return;
                }
            } else if (element == 0xE00D) {
                if (f.kind == Frame::Item) stack.pop_back();
            } else if (element == 0xE0DD) {
                while (stack.size() > 1) {
                    const Frame::Kind k = stack.back().kind;
                    stack.pop_back();
                    if (k == Frame::Sequence || k == Frame::Fragments) break;
                }
            } else if (length != kUndefined) {
                pos += length;
            }
            continue;
        }
        uint32_t length;
        bool sequence = false, unknownVr = false;
        if (f.implicit) {
            length = u32(h + 4, little);
            pos += 8;
            sequence = length != kUndefined && dictionarySaysSequence(group, element);
        } else if (isVr(h + 4) && longVr(h + 4)) {
            const uint8_t* l = bytes.at(pos + 8, 4);
            if (!l) return;
            length = u32(l, little);
            sequence = h[4] == 'S' && h[5] == 'Q';
            unknownVr = h[4] == 'U' && h[5] == 'N';
            pos += 12;
        } else {
            length = u16(h + 6, little);
            pos += 8;
        }
        if (length == kUndefined) {
            const bool pixels = group == 0x7FE0 && element == 0x0010 && !f.implicit;
            if (!push({pixels ? Frame::Fragments : Frame::Sequence, kOpen, f.implicit || unknownVr})) return;
        } else if (sequence) {
            if (!push({Frame::Sequence, pos + length, f.implicit})) return;
        } else {
            if (pos + length > bytes.size()) {
                if (!looksDicom) return;
                // DCMTK would allocate the claimed length (up to 4 GB) when the value is first asked for.
                char tag[16];
                std::snprintf(tag, sizeof tag, "(%04X,%04X)", group, element);
                probe.problem = std::string("unreadable DICOM (truncated or corrupt): element ") + tag + " claims " +
                                std::to_string(length) + " bytes but only " +
                                std::to_string(pos < bytes.size() ? bytes.size() - pos : 0) + " remain in the file";
                return;
            }
            if (group == 0x7FE0 && element == 0x0010 && stack.size() == 1 && recordPixels) {
                probe.pixelDataOffset = pos;
                probe.pixelDataLength = length;
            }
            pos += length;
        }
    }
}

// Raw deflate (RFC 1951) of everything after the meta header, as the Deflated Explicit VR Little Endian syntax is.
bool inflateAll(const uint8_t* data, std::size_t size, std::vector<uint8_t>& out) {
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return false;
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = uInt(std::min<std::size_t>(size, 0x7fffffff));
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (out.size() >= kMaxInflated) break;
        const std::size_t old = out.size();
        out.resize(std::min(kMaxInflated, std::max<std::size_t>(old * 2, 1 << 16)));
        z.next_out = out.data() + old;
        z.avail_out = uInt(out.size() - old);
        rc = inflate(&z, Z_NO_FLUSH);
        out.resize(out.size() - z.avail_out);
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR;
}

void probe(Bytes& bytes, int limit, FileProbe& out) {
    out.size = bytes.size();
    std::uint64_t pos = 0;
    if (const uint8_t* p = bytes.at(128, 4); p && std::memcmp(p, "DICM", 4) == 0) {
        out.part10 = true;
        pos = 132;
    }
    // File meta information: explicit VR little endian, group 0002; remember the transfer syntax.
    std::string syntax;
    bool hadMeta = false;
    while (const uint8_t* h = bytes.at(pos, 8)) {
        if (u16(h, true) != 0x0002) break;
        hadMeta = true;
        uint32_t length;
        std::uint64_t value;
        if (isVr(h + 4) && longVr(h + 4)) {
            const uint8_t* l = bytes.at(pos + 8, 4);
            if (!l) return;
            length = u32(l, true);
            value = pos + 12;
        } else {
            length = u16(h + 6, true);
            value = pos + 8;
        }
        if (length == kUndefined) return;  // a malformed meta header: the parser says so
        if (u16(h + 2, true) == 0x0010 && length < 80)
            if (const uint8_t* v = bytes.at(value, length)) syntax.assign(reinterpret_cast<const char*>(v), length);
        pos = value + length;
    }
    while (!syntax.empty() && (syntax.back() == '\0' || syntax.back() == ' ')) syntax.pop_back();
    bool implicit = false, little = true;
    if (hadMeta && !syntax.empty()) {
        implicit = syntax == "1.2.840.10008.1.2";
        little = syntax != "1.2.840.10008.1.2.2";
        if (syntax == "1.2.840.10008.1.2.1.99") {
            const std::uint64_t rest = bytes.size() > pos ? bytes.size() - pos : 0;
            const uint8_t* compressed =
                rest > 0 && rest < (std::uint64_t(1) << 31) ? bytes.at(pos, std::size_t(rest)) : nullptr;
            std::vector<uint8_t> plain;
            if (!compressed || !inflateAll(compressed, std::size_t(rest), plain)) return;
            MemoryBytes inflated(plain.data(), plain.size());
            walkDataSet(inflated, 0, false, true, limit, out, true,
                        false);  // offsets of the inflated stream, not the file
            return;
        }
    }
    bool looksDicom = out.part10 || hadMeta;
    if (!hadMeta || syntax.empty()) {
        if (const uint8_t* h = bytes.at(pos, 6)) {
            // No meta header: guess as the parser does, from the first element.
            implicit = !isVr(h + 4);
            little = !(h[0] == 0 && h[1] != 0);
            looksDicom = looksDicom || u16(h, little) == 0x0008;
        }
    }
    out.littleEndian = little;
    walkDataSet(bytes, pos, implicit, little, limit, out, looksDicom);
}

}  // namespace

FileProbe probeDicomBytes(const uint8_t* data, std::size_t size, int depthLimit) {
    FileProbe out;
    MemoryBytes bytes(data, size);
    probe(bytes, depthLimit, out);
    return out;
}

FileProbe probeDicomFile(const std::filesystem::path& path, int depthLimit) {
    FileProbe out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        out.problem = std::string("cannot read file: ") + std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        out.problem = "not a regular file";
    } else {
        FileBytes bytes(fd, std::uint64_t(st.st_size));
        probe(bytes, depthLimit, out);
        out.size = std::uint64_t(st.st_size);
    }
    ::close(fd);
    return out;
}

}  // namespace polysim::imaging::detail

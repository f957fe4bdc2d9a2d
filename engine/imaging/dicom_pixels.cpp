// Decoding one image of a DICOM file into Hounsfield units: native and DCMTK-decoded syntaxes through
// getUncompressedFrame, JPEG 2000 through OpenJPEG; stored bits, sign, padding and the slice's own rescale applied.
#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <openjpeg.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>

#include "imaging/dicom_internal.h"

namespace polysim::imaging::detail {
namespace {

[[noreturn]] void fail(const SliceHeader& s, const std::string& why) {
    std::string where = s.file.string();
    if (s.frameCount > 1) where += " (frame " + std::to_string(s.frame + 1) + ")";
    throw DicomLoadError(where + ": " + why);
}

// Converts stored values to HU. `Sample` is the container type; only the low BitsStored bits carry the value.
template <typename Sample>
void storedToHu(const Sample* src, std::size_t count, const SliceHeader& s, int16_t* out) {
    const int bits = std::clamp(s.bitsStored, 1, 32);
    const bool fullWidth = bits == int(sizeof(Sample) * 8) || bits >= 32;
    const double slope = s.rescaleSlope, intercept = s.rescaleIntercept;
    const bool integerRescale = slope == 1.0 && intercept == std::round(intercept) && std::abs(intercept) < 1e6;
    const int32_t icpt = int32_t(intercept);
    const bool hasPadding = s.paddingValue.has_value();
    const int32_t padding = s.paddingValue.value_or(0);
    // Padding below air (e.g. -2000 stored, -3024 HU) marks pixels outside the scanned field. A lossy codec
    // (JPEG-LS near-lossless, JPEG 2000) moves them off the exact padding value, so everything below air is air
    // then: no real CT pixel is below -1024 HU.
    const bool paddingBelowAir = hasPadding && padding * slope + intercept < Volume::kAirHU;

    auto stored = [&](Sample raw) -> int32_t {
        if constexpr (sizeof(Sample) == 4) {
            if (fullWidth)
                return s.pixelSigned ? int32_t(raw) : int32_t(std::min<uint32_t>(uint32_t(raw), 0x7fffffffu));
        }
        if (fullWidth)
            return s.pixelSigned ? int32_t(std::make_signed_t<Sample>(raw))
                                 : int32_t(std::make_unsigned_t<Sample>(raw));
        const uint32_t mask = (1u << bits) - 1u;
        uint32_t v = uint32_t(std::make_unsigned_t<Sample>(raw)) & mask;
        if (s.pixelSigned && (v & (1u << (bits - 1)))) return int32_t(v) - int32_t(1u << bits);
        return int32_t(v);
    };
    auto clampHu = [](double v) -> int16_t { return int16_t(std::clamp(v, -32768.0, 32767.0)); };

    if constexpr (sizeof(Sample) == 2) {
        if (integerRescale) {
            // The common CT case, written without branches so the compiler vectorises it: shift-based masking
            // and sign extension of the stored bits, integer rescale, padding by select.
            const int shift = 16 - bits;
            const int32_t lowest = paddingBelowAir ? int32_t(Volume::kAirHU) : -32768;
            const int32_t pad = hasPadding ? padding : std::numeric_limits<int32_t>::min();
            if (s.pixelSigned) {
                for (std::size_t i = 0; i < count; ++i) {
                    const int32_t v = int16_t(uint16_t(src[i] << shift)) >> shift;
                    int32_t h = std::min(std::max(v + icpt, lowest), 32767);
                    out[i] = int16_t(v == pad ? int32_t(Volume::kAirHU) : h);
                }
            } else {
                const uint32_t mask = (1u << bits) - 1u;
                for (std::size_t i = 0; i < count; ++i) {
                    const int32_t v = int32_t(src[i] & mask);
                    int32_t h = std::min(std::max(v + icpt, lowest), 32767);
                    out[i] = int16_t(v == pad ? int32_t(Volume::kAirHU) : h);
                }
            }
            return;
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        int32_t v = stored(src[i]);
        if (hasPadding && v == padding) {
            out[i] = Volume::kAirHU;
        } else if (integerRescale) {
            out[i] = int16_t(std::clamp(v + icpt, paddingBelowAir ? int32_t(Volume::kAirHU) : -32768, 32767));
        } else {
            const double hu = std::round(v * slope + intercept);
            out[i] = clampHu(paddingBelowAir ? std::max(hu, double(Volume::kAirHU)) : hu);
        }
    }
}

// The same for samples of BitsAllocated bits, as they lie in a frame's bytes.
void bytesToHu(const uint8_t* bytes, std::size_t count, const SliceHeader& s, int16_t* out) {
    switch (s.bitsAllocated) {
        case 8:
            storedToHu(bytes, count, s, out);
            break;
        case 16:
            storedToHu(reinterpret_cast<const uint16_t*>(bytes), count, s, out);
            break;
        case 32:
            storedToHu(reinterpret_cast<const uint32_t*>(bytes), count, s, out);
            break;
        default:
            fail(s, "unsupported BitsAllocated " + std::to_string(s.bitsAllocated));
    }
}

struct MemoryStream {
    const uint8_t* data;
    std::size_t size;
    std::size_t pos;
};

OPJ_SIZE_T readStream(void* buffer, OPJ_SIZE_T bytes, void* user) {
    auto* m = static_cast<MemoryStream*>(user);
    if (m->pos >= m->size) return OPJ_SIZE_T(-1);
    OPJ_SIZE_T n = std::min<OPJ_SIZE_T>(bytes, m->size - m->pos);
    std::memcpy(buffer, m->data + m->pos, n);
    m->pos += n;
    return n;
}
OPJ_OFF_T skipStream(OPJ_OFF_T bytes, void* user) {
    auto* m = static_cast<MemoryStream*>(user);
    OPJ_OFF_T target = std::clamp<OPJ_OFF_T>(OPJ_OFF_T(m->pos) + bytes, 0, OPJ_OFF_T(m->size));
    OPJ_OFF_T moved = target - OPJ_OFF_T(m->pos);
    m->pos = std::size_t(target);
    return moved;
}
OPJ_BOOL seekStream(OPJ_OFF_T position, void* user) {
    auto* m = static_cast<MemoryStream*>(user);
    if (position < 0 || std::size_t(position) > m->size) return OPJ_FALSE;
    m->pos = std::size_t(position);
    return OPJ_TRUE;
}
void collectError(const char* message, void* user) {
    auto* text = static_cast<std::string*>(user);
    if (text->empty()) {
        *text = message ? message : "";
        while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
    }
}
void ignoreMessage(const char*, void*) {}

// One frame of encapsulated pixel data, fragments joined.
std::vector<uint8_t> encapsulatedFrame(DcmDataset* ds, const SliceHeader& s) {
    DcmElement* element = nullptr;
    if (ds->findAndGetElement(DCM_PixelData, element).bad() || !element) fail(s, "no pixel data");
    auto* pixel = OFdynamic_cast(DcmPixelData*, element);
    if (!pixel) fail(s, "pixel data is not a pixel data element");
    DcmPixelSequence* sequence = nullptr;
    E_TransferSyntax xfer = DcmXfer(s.transferSyntaxUid.c_str()).getXfer();
    if (pixel->getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() || !sequence)
        fail(s, "no encapsulated " + transferSyntaxName(s.transferSyntaxUid) + " pixel data");
    const unsigned long items = sequence->card();
    if (items < 2) fail(s, "empty encapsulated pixel data");
    unsigned long firstItem = 1, lastItem = items - 1;
    if (s.frameCount > 1) {
        if (items - 1 != static_cast<unsigned long>(s.frameCount))
            fail(s, "JPEG 2000 multi-frame object with fragmented frames is not supported");
        firstItem = lastItem = static_cast<unsigned long>(s.frame) + 1;
    }
    std::vector<uint8_t> bytes;
    for (unsigned long i = firstItem; i <= lastItem; ++i) {
        DcmPixelItem* item = nullptr;
        Uint8* data = nullptr;
        if (sequence->getItem(item, i).bad() || !item || item->getUint8Array(data).bad())
            fail(s, "unreadable pixel data fragment " + std::to_string(i));
        if (data) bytes.insert(bytes.end(), data, data + item->getLength());
    }
    return bytes;
}

bool isJpegFamily(const std::string& uid) {
    return uid.rfind("1.2.840.10008.1.2.4.5", 0) == 0 || uid.rfind("1.2.840.10008.1.2.4.7", 0) == 0 ||
           uid.rfind("1.2.840.10008.1.2.4.8", 0) == 0;  // JPEG baseline/extended/lossless, JPEG-LS
}

// The width and height a JPEG or JPEG-LS stream declares in its frame header (SOFn / SOF55), read before the
// decoder allocates anything; nothing when the stream has none before its scan.
std::optional<std::pair<int, int>> jpegFrameSize(const uint8_t* data, std::size_t size) {
    if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return std::nullopt;
    std::size_t pos = 2;
    while (pos + 4 <= size) {
        if (data[pos] != 0xFF) return std::nullopt;
        const uint8_t marker = data[pos + 1];
        if (marker == 0xFF) {
            ++pos;
            continue;
        }
        const std::size_t length = std::size_t(data[pos + 2]) << 8 | data[pos + 3];
        const bool sof =
            (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) || marker == 0xF7;
        if (sof) {
            if (pos + 9 > size || length < 7) return std::nullopt;
            const int height = data[pos + 5] << 8 | data[pos + 6];
            const int width = data[pos + 7] << 8 | data[pos + 8];
            return std::make_pair(width, height);
        }
        if (marker == 0xDA) return std::nullopt;
        pos += 2 + length;
    }
    return std::nullopt;
}

// Refuses a JPEG or JPEG-LS frame whose stream declares another size than Rows/Columns.
void checkJpegFrameSize(DcmElement* element, const SliceHeader& s) {
    auto* pixel = OFdynamic_cast(DcmPixelData*, element);
    DcmPixelSequence* sequence = nullptr;
    E_TransferSyntax xfer = DcmXfer(s.transferSyntaxUid.c_str()).getXfer();
    if (!pixel || pixel->getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() || !sequence) return;
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (sequence->card() < 2 || sequence->getItem(item, 1).bad() || !item || item->getUint8Array(data).bad() || !data)
        return;
    auto declared = jpegFrameSize(data, item->getLength());
    if (declared && declared->second != 0 && (declared->first != s.columns || declared->second != s.rows))
        fail(s, transferSyntaxName(s.transferSyntaxUid) + " stream is " + std::to_string(declared->first) + "x" +
                    std::to_string(declared->second) + " but the header says " + std::to_string(s.columns) + "x" +
                    std::to_string(s.rows) + " (Columns x Rows)");
}

}  // namespace

std::optional<std::string> decodeJpeg2000(const uint8_t* data, std::size_t size, Jpeg2000Image& image) {
    if (size < 12) return "JPEG 2000 stream too short";
    static const uint8_t kJp2Signature[] = {0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20};
    const bool jp2 = std::memcmp(data, kJp2Signature, sizeof kJp2Signature) == 0;
    MemoryStream memory{data, size, 0};
    opj_stream_t* stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
    opj_stream_set_user_data(stream, &memory, nullptr);
    opj_stream_set_user_data_length(stream, size);
    opj_stream_set_read_function(stream, readStream);
    opj_stream_set_skip_function(stream, skipStream);
    opj_stream_set_seek_function(stream, seekStream);
    opj_codec_t* codec = opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    std::string error;
    opj_set_error_handler(codec, collectError, &error);
    opj_set_warning_handler(codec, ignoreMessage, nullptr);
    opj_set_info_handler(codec, ignoreMessage, nullptr);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    opj_image_t* decoded = nullptr;
    std::optional<std::string> result;
    bool headerRead = opj_setup_decoder(codec, &parameters) && opj_read_header(stream, codec, &decoded);
    if (headerRead && (image.width > 0 || image.height > 0)) {
        // A damaged stream can claim a huge image; OpenJPEG would then allocate and clear it for minutes.
        const long w = long(decoded->x1) - long(decoded->x0), h = long(decoded->y1) - long(decoded->y0);
        if (w != image.width || h != image.height || decoded->numcomps < 1 || decoded->numcomps > 4) {
            result = "JPEG 2000 stream claims a " + std::to_string(w) + "x" + std::to_string(h) + " image with " +
                     std::to_string(decoded->numcomps) + " component(s) but the DICOM header says " +
                     std::to_string(image.width) + "x" + std::to_string(image.height);
            opj_image_destroy(decoded);
            opj_destroy_codec(codec);
            opj_stream_destroy(stream);
            return result;
        }
    }
    if (!headerRead || !opj_decode(codec, stream, decoded) || !opj_end_decompress(codec, stream)) {
        result = "JPEG 2000 decoding failed" + (error.empty() ? std::string() : ": " + error);
    } else if (decoded->numcomps < 1 || !decoded->comps[0].data) {
        result = "JPEG 2000 stream holds no image component";
    } else {
        const opj_image_comp_t& c = decoded->comps[0];
        image.width = int(c.w);
        image.height = int(c.h);
        image.isSigned = c.sgnd != 0;
        image.precision = int(c.prec);
        image.samples.assign(c.data, c.data + std::size_t(c.w) * c.h);
    }
    if (decoded) opj_image_destroy(decoded);
    opj_destroy_codec(codec);
    opj_stream_destroy(stream);
    return result;
}

// Native little-endian pixels whose place in the file the scan found: one pread of the frame, no second parse.
bool readNativeFrame(const SliceHeader& s, int16_t* out) {
    const std::size_t count = std::size_t(s.rows) * std::size_t(s.columns);
    const std::size_t bytes = count * std::size_t(s.bitsAllocated / 8);
    if (s.pixelDataOffset == 0 || s.samplesPerPixel != 1 || bytes == 0 ||
        (s.bitsAllocated != 8 && s.bitsAllocated != 16 && s.bitsAllocated != 32))
        return false;
    const std::uint64_t start = s.pixelDataOffset + std::uint64_t(s.frame) * bytes;
    if (std::uint64_t(s.frame + 1) * bytes > s.pixelDataLength)
        fail(s, "pixel data shorter than Rows x Columns x frames");
    const int fd = ::open(s.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;  // let the full reader say why
    thread_local std::vector<uint8_t> buffer;
    buffer.resize(bytes + 8);
    std::size_t got = 0;
    while (got < bytes) {
        ssize_t r = ::pread(fd, buffer.data() + got, bytes - got, off_t(start + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += std::size_t(r);
    }
    ::close(fd);
    if (got < bytes) fail(s, "file ends inside its pixel data (truncated)");
    bytesToHu(buffer.data(), count, s, out);
    return true;
}

void decodeToHu(const SliceHeader& s, int16_t* out) {
    registerCodecsOnce();
    if (readNativeFrame(s, out)) return;
    DcmFileFormat file;
    OFCondition status = file.loadFile(s.file.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
    if (status.bad()) fail(s, std::string("unreadable DICOM: ") + status.text());
    DcmDataset* ds = file.getDataset();
    const std::size_t count = std::size_t(s.rows) * std::size_t(s.columns);

    if (isJpeg2000(s.transferSyntaxUid)) {
        std::vector<uint8_t> bytes = encapsulatedFrame(ds, s);
        Jpeg2000Image image;
        image.width = s.columns;  // expected size: a stream claiming another is refused before decoding
        image.height = s.rows;
        if (auto error = decodeJpeg2000(bytes.data(), bytes.size(), image))
            fail(s, *error + " (" + transferSyntaxName(s.transferSyntaxUid) + ")");
        if (image.width != s.columns || image.height != s.rows)
            fail(s, "JPEG 2000 image is " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                        " but the header says " + std::to_string(s.columns) + "x" + std::to_string(s.rows));
        storedToHu(reinterpret_cast<const uint32_t*>(image.samples.data()), count, s, out);
        return;
    }

    DcmElement* pixel = nullptr;
    if (ds->findAndGetElement(DCM_PixelData, pixel).bad() || !pixel) fail(s, "no pixel data");
    if (isJpegFamily(s.transferSyntaxUid)) checkJpegFrameSize(pixel, s);
    Uint32 frameSize = 0;
    if (pixel->getUncompressedFrameSize(ds, frameSize).bad() || frameSize == 0)
        fail(s, "cannot work out the size of a frame from Rows/Columns/BitsAllocated");
    const std::size_t bytesPerSample = std::size_t(s.bitsAllocated) / 8;
    if (frameSize < count * bytesPerSample) fail(s, "frame smaller than Rows x Columns");
    thread_local std::vector<uint8_t> buffer;
    buffer.resize(std::size_t(frameSize) + 8);
    Uint32 startFragment = 0;
    OFString colourModel;
    status = pixel->getUncompressedFrame(ds, Uint32(s.frame), startFragment, buffer.data(), frameSize, colourModel);
    if (status.bad())
        fail(s, "cannot decode " + transferSyntaxName(s.transferSyntaxUid) + " pixel data: " + status.text());
    bytesToHu(buffer.data(), count, s, out);
}

}  // namespace polysim::imaging::detail

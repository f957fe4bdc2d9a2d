// Plane rendering with windowing and PNG output (see render.h).
#include "imaging/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>

#include <png.h>

namespace polysim::imaging {

namespace {

struct Bounds {
    glm::dvec3 lo{1e300}, hi{-1e300};
};

Bounds bounds(const Volume& v) {
    Bounds b;
    const glm::ivec3 d = v.dims();
    for (int c = 0; c < 8; ++c) {
        const glm::dvec3 ijk((c & 1) ? d.x - 1 : 0, (c & 2) ? d.y - 1 : 0, (c & 4) ? d.z - 1 : 0);
        const glm::dvec3 p = v.geometry().indexToPatient(ijk);
        b.lo = glm::min(b.lo, p);
        b.hi = glm::max(b.hi, p);
    }
    return b;
}

// Trilinear sample in voxel index space; outside the volume is air. Thin axes (one voxel) use that voxel.
double sample(const Volume& v, const glm::dvec3& ijk) {
    const glm::ivec3 d = v.dims();
    int i0[3];
    double t[3];
    for (int a = 0; a < 3; ++a) {
        double c = ijk[a];
        if (d[a] == 1) {
            if (std::abs(c) > 0.5) return Volume::kAirHU;
            c = 0;
        }
        if (c < -0.5 || c > d[a] - 0.5) return Volume::kAirHU;
        c = std::clamp(c, 0.0, double(d[a] - 1));
        i0[a] = std::min(int(std::floor(c)), std::max(0, d[a] - 2));
        t[a] = d[a] == 1 ? 0.0 : c - i0[a];
    }
    auto at = [&](int a, int b, int c) {
        return double(v.at(std::min(i0[0] + a, d.x - 1), std::min(i0[1] + b, d.y - 1), std::min(i0[2] + c, d.z - 1)));
    };
    const double x00 = at(0, 0, 0) + (at(1, 0, 0) - at(0, 0, 0)) * t[0];
    const double x10 = at(0, 1, 0) + (at(1, 1, 0) - at(0, 1, 0)) * t[0];
    const double x01 = at(0, 0, 1) + (at(1, 0, 1) - at(0, 0, 1)) * t[0];
    const double x11 = at(0, 1, 1) + (at(1, 1, 1) - at(0, 1, 1)) * t[0];
    const double y0 = x00 + (x10 - x00) * t[1], y1 = x01 + (x11 - x01) * t[1];
    return y0 + (y1 - y0) * t[2];
}

}  // namespace

PlaneRange planeRange(const Volume& v, Plane plane) {
    const Bounds b = bounds(v);
    const int a = normalAxis(plane);
    return {b.lo[a], b.hi[a]};
}

Image8 renderPlane(const Volume& v, Plane plane, double positionMm, const Window& w, double pixelMm) {
    const auto& g = v.geometry();
    if (pixelMm <= 0) {
        // The finest sampling among the volume's axes that lie in the plane: a reformat keeps the in-plane pixel,
        // a topogram (one coronal image) its own pixels.
        pixelMm = std::numeric_limits<double>::infinity();
        for (int k = 0; k < 3; ++k)
            if (v.dims()[k] > 1 && std::abs(g.direction[k][normalAxis(plane)]) < 0.9)
                pixelMm = std::min(pixelMm, g.spacing[k]);
        if (!std::isfinite(pixelMm)) pixelMm = std::min(g.spacing.x, g.spacing.y);
    }
    const Bounds b = bounds(v);
    // Horizontal and vertical LPS axes of the image, and the sign of vertical (superior up on reformats).
    int ha = 0, va = 1;
    bool vDown = false;  // true: image row 0 is the highest coordinate (superior on top)
    if (plane == Plane::Coronal) va = 2, vDown = true;
    if (plane == Plane::Sagittal) ha = 1, va = 2, vDown = true;
    const int na = normalAxis(plane);
    Image8 img;
    img.width = std::max(1, int(std::lround((b.hi[ha] - b.lo[ha]) / pixelMm)) + 1);
    img.height = std::max(1, int(std::lround((b.hi[va] - b.lo[va]) / pixelMm)) + 1);
    img.pixels.resize(std::size_t(img.width) * img.height);
    for (int r = 0; r < img.height; ++r) {
        for (int c = 0; c < img.width; ++c) {
            glm::dvec3 p;
            p[na] = positionMm;
            p[ha] = b.lo[ha] + c * pixelMm;
            p[va] = vDown ? b.hi[va] - r * pixelMm : b.lo[va] + r * pixelMm;
            img.pixels[std::size_t(r) * img.width + c] = windowed(sample(v, g.patientToIndex(p)), w);
        }
    }
    return img;
}

void writePng(const std::filesystem::path& file, const Image8& image) {
    if (image.width <= 0 || image.height <= 0 || (image.channels != 1 && image.channels != 3) ||
        image.pixels.size() != std::size_t(image.width) * image.height * image.channels)
        throw std::runtime_error(file.string() + ": image to write is empty or inconsistent");
    std::unique_ptr<FILE, int (*)(FILE*)> fp(std::fopen(file.c_str(), "wb"), &std::fclose);
    if (!fp) throw std::runtime_error(file.string() + ": cannot open for writing");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        throw std::runtime_error(file.string() + ": cannot initialise the PNG writer");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        throw std::runtime_error(file.string() + ": PNG write failed (disk full?)");
    }
    png_init_io(png, fp.get());
    png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8,
                 image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int r = 0; r < image.height; ++r)
        png_write_row(png, image.pixels.data() + std::size_t(r) * image.width * image.channels);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
}

}  // namespace polysim::imaging

// A CT volume in Hounsfield units with its patient geometry (DICOM LPS, millimetres).
// The common currency between the loader, the phantom, the viewer and scoring.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace polysim::imaging {

// Where voxel (i, j, k) sits in the patient. i runs along image columns, j along rows, k across slices.
struct VolumeGeometry {
    glm::ivec3 dims{0, 0, 0};           // columns, rows, slices
    glm::dvec3 spacing{1.0, 1.0, 1.0};  // mm between voxel centres along i, j, k
    glm::dvec3 origin{0.0, 0.0, 0.0};   // LPS mm of the centre of voxel (0, 0, 0)
    glm::dmat3 direction{1.0};          // columns: unit LPS direction of the i, j and k axes

    glm::dvec3 indexToPatient(const glm::dvec3& ijk) const { return origin + direction * (ijk * spacing); }
    glm::dvec3 patientToIndex(const glm::dvec3& lps) const {
        return (glm::transpose(direction) * (lps - origin)) / spacing;  // direction is orthonormal
    }
    // 4x4 affine (column-major, glm convention) mapping homogeneous voxel index to LPS mm.
    glm::dmat4 indexToPatientMatrix() const {
        glm::dmat4 m(1.0);
        for (int c = 0; c < 3; ++c) m[c] = glm::dvec4(direction[c] * spacing[c], 0.0);
        m[3] = glm::dvec4(origin, 1.0);
        return m;
    }
    std::size_t voxelCount() const { return std::size_t(dims.x) * std::size_t(dims.y) * std::size_t(dims.z); }
    std::size_t sliceVoxelCount() const { return std::size_t(dims.x) * std::size_t(dims.y); }
};

// int16 HU voxels stored once, slice-major (k), then row (j), then column (i).
// Slices can be filled progressively by a loader on worker threads; readers ask which slices are ready.
class Volume {
public:
    static constexpr int16_t kAirHU = -1024;

    explicit Volume(const VolumeGeometry& geometry, int16_t fill = kAirHU) : Volume(geometry, Unfilled{}) {
        std::fill(voxels_.get(), voxels_.get() + count_, fill);
    }
    // For a writer that fills every slice itself (the DICOM loader): memory is not touched up front, so the pages
    // are first written by the decoding threads, in parallel. Read only slices marked ready.
    struct Unfilled {};
    Volume(const VolumeGeometry& geometry, Unfilled)
        : geometry_(geometry),
          count_(geometry.voxelCount()),
          voxels_(allocateVoxels(count_)),
          ready_(std::make_unique<std::atomic<uint8_t>[]>(std::size_t(std::max(geometry.dims.z, 0)))) {}

    Volume(const Volume&) = delete;
    Volume& operator=(const Volume&) = delete;

    const VolumeGeometry& geometry() const { return geometry_; }
    glm::ivec3 dims() const { return geometry_.dims; }

    std::span<int16_t> voxels() { return {voxels_.get(), count_}; }
    std::span<const int16_t> voxels() const { return {voxels_.get(), count_}; }
    int16_t* slice(int k) { return voxels_.get() + std::size_t(k) * geometry_.sliceVoxelCount(); }
    const int16_t* slice(int k) const { return voxels_.get() + std::size_t(k) * geometry_.sliceVoxelCount(); }
    int16_t at(int i, int j, int k) const {
        return voxels_[(std::size_t(k) * geometry_.dims.y + std::size_t(j)) * geometry_.dims.x + std::size_t(i)];
    }
    int16_t& at(int i, int j, int k) {
        return voxels_[(std::size_t(k) * geometry_.dims.y + std::size_t(j)) * geometry_.dims.x + std::size_t(i)];
    }
    bool contains(int i, int j, int k) const {
        return i >= 0 && j >= 0 && k >= 0 && i < geometry_.dims.x && j < geometry_.dims.y && k < geometry_.dims.z;
    }

    // Progressive loading: a writer fills slice k, then marks it; readers may use any ready slice at once.
    void markSliceReady(int k) {
        ready_[std::size_t(k)].store(1, std::memory_order_release);
        readyCount_.fetch_add(1, std::memory_order_acq_rel);
    }
    void markAllReady() {
        for (int k = 0; k < geometry_.dims.z; ++k)
            if (!sliceReady(k)) markSliceReady(k);
    }
    bool sliceReady(int k) const { return ready_[std::size_t(k)].load(std::memory_order_acquire) != 0; }
    int slicesReady() const { return readyCount_.load(std::memory_order_acquire); }
    bool complete() const { return slicesReady() >= geometry_.dims.z; }

private:
    struct FreeVoxels {
        void operator()(int16_t* p) const { std::free(p); }
    };
    // Large volumes ask for transparent huge pages: a 512x512x800 CT is 100 000 page faults in 4 KB pages, which
    // costs more than decoding it on a virtual machine.
    static int16_t* allocateVoxels(std::size_t count) {
        constexpr std::size_t kHuge = std::size_t(2) << 20;
        const std::size_t bytes = std::max<std::size_t>(count, 1) * sizeof(int16_t);
        void* p = nullptr;
        if (bytes >= 2 * kHuge) {
            p = std::aligned_alloc(kHuge, (bytes + kHuge - 1) / kHuge * kHuge);
#ifdef MADV_HUGEPAGE
            if (p) ::madvise(p, (bytes + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);
#endif
        }
        if (!p) p = std::malloc(bytes);
        if (!p) throw std::bad_alloc();
        return static_cast<int16_t*>(p);
    }

    VolumeGeometry geometry_;
    std::size_t count_;
    std::unique_ptr<int16_t[], FreeVoxels> voxels_;  // not a vector: a vector would write every voxel on construction
    std::unique_ptr<std::atomic<uint8_t>[]> ready_;
    std::atomic<int> readyCount_{0};
};

}  // namespace polysim::imaging

// NIfTI label maps through libnifti2, placed by their affines (see segmentation.h).
#include "imaging/segmentation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include <nifti2_io.h>

namespace polysim::imaging {
namespace fs = std::filesystem;

namespace {
// Beyond this a "mask" is hostile or not a mask (about 2 GB of labels).
constexpr int64_t kMaxVoxels = int64_t(1) << 30;

struct NiftiDeleter {
    void operator()(nifti_image* n) const { nifti_image_free(n); }
};
using NiftiPtr = std::unique_ptr<nifti_image, NiftiDeleter>;

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower((unsigned char)c));
    return s;
}

std::string structureNameFromFile(const fs::path& p) {
    std::string n = p.filename().string();
    for (const char* ext : {".nii.gz", ".NII.GZ", ".nii", ".NII"})
        if (n.size() > std::strlen(ext) && n.ends_with(ext)) return n.substr(0, n.size() - std::strlen(ext));
    return n;
}

NiftiPtr readHeader(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw SegmentationError(file.string() + ": no such file");
    nifti_set_debug_level(0);
    NiftiPtr nim(nifti_image_read(file.c_str(), 0));
    if (!nim) throw SegmentationError(file.string() + ": not a readable NIfTI-1 or NIfTI-2 file");
    return nim;
}

// Reads the header, checks that the file is a 3-D image of a sane size, then the voxels.
NiftiPtr openNifti(const fs::path& file) {
    NiftiPtr nim = readHeader(file);
    const int64_t nx = nim->nx, ny = nim->ny, nz = nim->dim[0] >= 3 ? nim->nz : 1;
    if (nim->dim[0] < 2 || nim->dim[0] > 7 || nx < 1 || ny < 1 || nz < 1)
        throw SegmentationError(file.string() + ": not a 3-D image (dimensions " + std::to_string(nim->dim[0]) + ")");
    for (int d = 4; d <= nim->dim[0]; ++d)
        if (nim->dim[d] > 1)
            throw SegmentationError(file.string() + ": a " + std::to_string(nim->dim[0]) +
                                    "-D image with several volumes; give one 3-D label map");
    if (nx > kMaxVoxels / ny || nx * ny > kMaxVoxels / nz)
        throw SegmentationError(file.string() + ": " + std::to_string(nx) + " x " + std::to_string(ny) + " x " +
                                std::to_string(nz) + " voxels is too large for a label map");
    if (nifti_image_load(nim.get()) != 0 || !nim->data)
        throw SegmentationError(file.string() + ": the voxel data cannot be read (truncated or corrupt file?)");
    return nim;
}

VolumeGeometry geometryOf(const nifti_image& nim, const fs::path& file) {
    nifti_dmat44 m;
    if (nim.sform_code > 0)
        m = nim.sto_xyz;
    else if (nim.qform_code > 0)
        m = nim.qto_xyz;
    else
        throw SegmentationError(file.string() +
                                ": neither sform nor qform is set, so the voxels cannot be placed in the patient "
                                "(re-export the mask with its CT's orientation)");
    VolumeGeometry g;
    g.dims = {int(nim.nx), int(nim.ny), nim.dim[0] >= 3 ? int(nim.nz) : 1};
    // RAS+ to LPS: negate the first two world axes.
    const double flip[3] = {-1.0, -1.0, 1.0};
    for (int c = 0; c < 3; ++c) {
        glm::dvec3 axis(flip[0] * m.m[0][c], flip[1] * m.m[1][c], flip[2] * m.m[2][c]);
        const double len = glm::length(axis);
        if (!(len > 1e-6) || !std::isfinite(len))
            throw SegmentationError(file.string() + ": the affine gives axis " + std::to_string(c) +
                                    " no length; the file's orientation is broken");
        g.spacing[c] = len;
        g.direction[c] = axis / len;
    }
    g.origin = {flip[0] * m.m[0][3], flip[1] * m.m[1][3], flip[2] * m.m[2][3]};
    for (int a = 0; a < 3; ++a)
        for (int b = a + 1; b < 3; ++b)
            if (std::abs(glm::dot(g.direction[a], g.direction[b])) > 1e-3)
                throw SegmentationError(file.string() +
                                        ": the affine has shear (its axes are not perpendicular); polysim places "
                                        "masks on orthogonal grids only");
    return g;
}

// Voxel values as doubles, whatever the stored type; nullopt for types a label map or CT cannot be.
template <class Fn>
void forEachValue(const nifti_image& nim, const fs::path& file, Fn&& fn) {
    const std::size_t n = std::size_t(nim.nx) * std::size_t(nim.ny) * std::size_t(nim.dim[0] >= 3 ? nim.nz : 1);
    auto run = [&](auto* p) {
        for (std::size_t i = 0; i < n; ++i) fn(i, double(p[i]));
    };
    switch (nim.datatype) {
        case DT_UINT8:
            run(static_cast<const uint8_t*>(nim.data));
            break;
        case DT_INT8:
            run(static_cast<const int8_t*>(nim.data));
            break;
        case DT_INT16:
            run(static_cast<const int16_t*>(nim.data));
            break;
        case DT_UINT16:
            run(static_cast<const uint16_t*>(nim.data));
            break;
        case DT_INT32:
            run(static_cast<const int32_t*>(nim.data));
            break;
        case DT_UINT32:
            run(static_cast<const uint32_t*>(nim.data));
            break;
        case DT_INT64:
            run(static_cast<const int64_t*>(nim.data));
            break;
        case DT_UINT64:
            run(static_cast<const uint64_t*>(nim.data));
            break;
        case DT_FLOAT32:
            run(static_cast<const float*>(nim.data));
            break;
        case DT_FLOAT64:
            run(static_cast<const double*>(nim.data));
            break;
        default:
            throw SegmentationError(file.string() + ": voxel type " + nifti_datatype_string(nim.datatype) +
                                    " is not a label or CT value type");
    }
}

LabelMap readLabelFile(const fs::path& file) {
    NiftiPtr nim = openNifti(file);
    LabelMap map;
    map.source = file;
    map.geometry = geometryOf(*nim, file);
    map.labels.assign(map.geometry.voxelCount(), 0);
    double bad = 0;
    forEachValue(*nim, file, [&](std::size_t i, double v) {
        if (!std::isfinite(v) || v < 0 || v > 65535 || v != std::floor(v)) {
            bad = v;
            return;
        }
        map.labels[i] = uint16_t(v);
    });
    if (bad != 0)
        throw SegmentationError(file.string() + ": voxel value " + std::to_string(bad) +
                                " is not a label (labels are whole numbers 0 to 65535); is this an image, not a mask?");
    return map;
}

// Index-space mapping from `to`'s voxels into `from`'s: from_ijk = A * to_ijk + b.
struct IndexMap {
    glm::dmat3 a;
    glm::dvec3 b;
};
IndexMap indexMap(const VolumeGeometry& from, const VolumeGeometry& to) {
    const glm::dmat3 toM = to.direction * glm::dmat3(glm::dvec3(to.spacing.x, 0, 0), glm::dvec3(0, to.spacing.y, 0),
                                                     glm::dvec3(0, 0, to.spacing.z));
    const glm::dmat3 fromInv = glm::dmat3(glm::dvec3(1 / from.spacing.x, 0, 0), glm::dvec3(0, 1 / from.spacing.y, 0),
                                          glm::dvec3(0, 0, 1 / from.spacing.z)) *
                               glm::transpose(from.direction);
    return {fromInv * toM, fromInv * (to.origin - from.origin)};
}

struct Box {
    glm::dvec3 lo{1e300}, hi{-1e300};
    double volume() const {
        const glm::dvec3 d = glm::max(hi - lo, glm::dvec3(0.0));
        return d.x * d.y * d.z;
    }
};
// The grid's box in LPS, half a voxel beyond the outer voxel centres.
Box boxOf(const VolumeGeometry& g) {
    Box b;
    for (int c = 0; c < 8; ++c) {
        const glm::dvec3 ijk((c & 1) ? g.dims.x - 0.5 : -0.5, (c & 2) ? g.dims.y - 0.5 : -0.5,
                             (c & 4) ? g.dims.z - 0.5 : -0.5);
        const glm::dvec3 p = g.indexToPatient(ijk);
        b.lo = glm::min(b.lo, p);
        b.hi = glm::max(b.hi, p);
    }
    return b;
}

std::string boxText(const Box& b) {
    char s[160];
    std::snprintf(s, sizeof s, "x %.0f..%.0f, y %.0f..%.0f, z %.0f..%.0f mm LPS", b.lo.x, b.hi.x, b.lo.y, b.hi.y,
                  b.lo.z, b.hi.z);
    return s;
}
}  // namespace

bool isNiftiName(const fs::path& p) {
    const std::string n = lower(p.filename().string());
    return n.ends_with(".nii") || n.ends_with(".nii.gz");
}

std::optional<int> LabelMap::labelOf(const std::string& name) const {
    const std::string want = lower(name);
    for (const auto& [label, n] : names)
        if (lower(n) == want) return label;
    return std::nullopt;
}

std::string LabelMap::nameOf(int label) const {
    auto it = names.find(label);
    return it != names.end() ? it->second : "label " + std::to_string(label);
}

StructureExtent structureExtent(const LabelMap& map, int label) {
    LabelMap one;
    one.geometry = map.geometry;
    one.labels.resize(map.labels.size());
    std::transform(map.labels.begin(), map.labels.end(), one.labels.begin(),
                   [label](uint16_t v) { return uint16_t(v == label ? 1 : 0); });
    auto all = structureExtents(one);
    return all.empty() ? StructureExtent{} : all.begin()->second;
}

std::map<int, StructureExtent> structureExtents(const LabelMap& map) {
    struct Acc {
        std::size_t n = 0;
        glm::ivec3 lo{std::numeric_limits<int>::max()}, hi{std::numeric_limits<int>::min()};
        glm::dvec3 sum{0.0};
    };
    std::map<int, Acc> acc;
    const auto& g = map.geometry;
    std::size_t idx = 0;
    Acc* last = nullptr;
    int lastLabel = -1;
    for (int k = 0; k < g.dims.z; ++k)
        for (int j = 0; j < g.dims.y; ++j)
            for (int i = 0; i < g.dims.x; ++i, ++idx) {
                const int l = map.labels[idx];
                if (!l) continue;
                if (l != lastLabel) last = &acc[l], lastLabel = l;
                ++last->n;
                last->lo = glm::min(last->lo, glm::ivec3(i, j, k));
                last->hi = glm::max(last->hi, glm::ivec3(i, j, k));
                last->sum += glm::dvec3(i, j, k);
            }
    std::map<int, StructureExtent> out;
    for (const auto& [l, a] : acc) {
        StructureExtent e;
        e.voxels = a.n;
        e.centroid = g.indexToPatient(a.sum / double(a.n));
        e.lo = glm::dvec3(1e300);
        e.hi = glm::dvec3(-1e300);
        for (int c = 0; c < 8; ++c) {
            const glm::dvec3 p = g.indexToPatient(glm::dvec3((c & 1) ? a.hi.x + 0.5 : a.lo.x - 0.5,
                                                             (c & 2) ? a.hi.y + 0.5 : a.lo.y - 0.5,
                                                             (c & 4) ? a.hi.z + 0.5 : a.lo.z - 0.5));
            e.lo = glm::min(e.lo, p);
            e.hi = glm::max(e.hi, p);
        }
        out[l] = e;
    }
    return out;
}

std::map<int, std::size_t> labelCounts(const LabelMap& map) {
    std::vector<std::size_t> n(65536, 0);
    for (uint16_t v : map.labels) ++n[v];
    std::map<int, std::size_t> out;
    for (int v = 1; v < 65536; ++v)
        if (n[std::size_t(v)]) out[v] = n[std::size_t(v)];
    return out;
}

VolumeGeometry niftiGeometry(const fs::path& file) {
    return geometryOf(*readHeader(file), file);
}

std::shared_ptr<Volume> readNiftiCt(const fs::path& file) {
    NiftiPtr nim = openNifti(file);
    const VolumeGeometry g = geometryOf(*nim, file);
    auto vol = std::make_shared<Volume>(g, Volume::Unfilled{});
    const double slope = nim->scl_slope != 0 && std::isfinite(nim->scl_slope) ? nim->scl_slope : 1.0;
    const double inter = std::isfinite(nim->scl_inter) ? nim->scl_inter : 0.0;
    auto out = vol->voxels();
    forEachValue(*nim, file, [&](std::size_t i, double v) {
        const double hu = std::isfinite(v) ? std::round(v * slope + inter) : double(Volume::kAirHU);
        out[i] = int16_t(std::clamp(hu, -32768.0, 32767.0));
    });
    vol->markAllReady();
    return vol;
}

const std::map<int, std::string>& totalSegmentatorNames() {
    static const std::map<int, std::string> names = [] {
        // TotalSegmentator v2, task "total", in label order.
        static const char* const kNames[] = {"spleen",
                                             "kidney_right",
                                             "kidney_left",
                                             "gallbladder",
                                             "liver",
                                             "stomach",
                                             "pancreas",
                                             "adrenal_gland_right",
                                             "adrenal_gland_left",
                                             "lung_upper_lobe_left",
                                             "lung_lower_lobe_left",
                                             "lung_upper_lobe_right",
                                             "lung_middle_lobe_right",
                                             "lung_lower_lobe_right",
                                             "esophagus",
                                             "trachea",
                                             "thyroid_gland",
                                             "small_bowel",
                                             "duodenum",
                                             "colon",
                                             "urinary_bladder",
                                             "prostate",
                                             "kidney_cyst_left",
                                             "kidney_cyst_right",
                                             "sacrum",
                                             "vertebrae_S1",
                                             "vertebrae_L5",
                                             "vertebrae_L4",
                                             "vertebrae_L3",
                                             "vertebrae_L2",
                                             "vertebrae_L1",
                                             "vertebrae_T12",
                                             "vertebrae_T11",
                                             "vertebrae_T10",
                                             "vertebrae_T9",
                                             "vertebrae_T8",
                                             "vertebrae_T7",
                                             "vertebrae_T6",
                                             "vertebrae_T5",
                                             "vertebrae_T4",
                                             "vertebrae_T3",
                                             "vertebrae_T2",
                                             "vertebrae_T1",
                                             "vertebrae_C7",
                                             "vertebrae_C6",
                                             "vertebrae_C5",
                                             "vertebrae_C4",
                                             "vertebrae_C3",
                                             "vertebrae_C2",
                                             "vertebrae_C1",
                                             "heart",
                                             "aorta",
                                             "pulmonary_vein",
                                             "brachiocephalic_trunk",
                                             "subclavian_artery_right",
                                             "subclavian_artery_left",
                                             "common_carotid_artery_right",
                                             "common_carotid_artery_left",
                                             "brachiocephalic_vein_left",
                                             "brachiocephalic_vein_right",
                                             "atrial_appendage_left",
                                             "superior_vena_cava",
                                             "inferior_vena_cava",
                                             "portal_vein_and_splenic_vein",
                                             "iliac_artery_left",
                                             "iliac_artery_right",
                                             "iliac_vena_left",
                                             "iliac_vena_right",
                                             "humerus_left",
                                             "humerus_right",
                                             "scapula_left",
                                             "scapula_right",
                                             "clavicula_left",
                                             "clavicula_right",
                                             "femur_left",
                                             "femur_right",
                                             "hip_left",
                                             "hip_right",
                                             "spinal_cord",
                                             "gluteus_maximus_left",
                                             "gluteus_maximus_right",
                                             "gluteus_medius_left",
                                             "gluteus_medius_right",
                                             "gluteus_minimus_left",
                                             "gluteus_minimus_right",
                                             "autochthon_left",
                                             "autochthon_right",
                                             "iliopsoas_left",
                                             "iliopsoas_right",
                                             "brain",
                                             "skull",
                                             "rib_left_1",
                                             "rib_left_2",
                                             "rib_left_3",
                                             "rib_left_4",
                                             "rib_left_5",
                                             "rib_left_6",
                                             "rib_left_7",
                                             "rib_left_8",
                                             "rib_left_9",
                                             "rib_left_10",
                                             "rib_left_11",
                                             "rib_left_12",
                                             "rib_right_1",
                                             "rib_right_2",
                                             "rib_right_3",
                                             "rib_right_4",
                                             "rib_right_5",
                                             "rib_right_6",
                                             "rib_right_7",
                                             "rib_right_8",
                                             "rib_right_9",
                                             "rib_right_10",
                                             "rib_right_11",
                                             "rib_right_12",
                                             "sternum",
                                             "costal_cartilages"};
        std::map<int, std::string> m;
        for (std::size_t i = 0; i < std::size(kNames); ++i) m[int(i + 1)] = kNames[i];
        return m;
    }();
    return names;
}

std::map<int, std::string> readLabelNames(const fs::path& csv) {
    std::ifstream in(csv);
    if (!in) throw SegmentationError(csv.string() + ": cannot be read");
    std::map<int, std::string> names;
    std::string line;
    for (int lineNo = 1; std::getline(in, line); ++lineNo) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || (lineNo == 1 && lower(line).starts_with("label"))) continue;
        const auto comma = line.find(',');
        int label = -1;
        try {
            if (comma != std::string::npos) label = std::stoi(line.substr(0, comma));
        } catch (const std::exception&) {
        }
        std::string name = comma == std::string::npos ? "" : line.substr(comma + 1);
        while (!name.empty() && std::isspace((unsigned char)name.back())) name.pop_back();
        if (label < 1 || label > 65535 || name.empty())
            throw SegmentationError(csv.string() + ":" + std::to_string(lineNo) +
                                    ": expected 'label,name' with a label from 1 to 65535, found '" +
                                    line.substr(0, 80) + "'");
        names[label] = name;
    }
    return names;
}

LabelMap readSegmentation(const fs::path& path, const std::optional<std::map<int, std::string>>& labelNames) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(path, ec))
            if (e.is_regular_file(ec) && isNiftiName(e.path())) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (files.empty())
            throw SegmentationError(path.string() +
                                    ": no .nii or .nii.gz masks in this folder (expected one mask per structure, as "
                                    "TotalSegmentator writes them)");
        if (files.size() > 65535) throw SegmentationError(path.string() + ": too many masks");
        LabelMap out;
        out.source = path;
        for (std::size_t n = 0; n < files.size(); ++n) {
            LabelMap one = readLabelFile(files[n]);
            const int label = int(n + 1);
            if (n == 0) {
                out.geometry = one.geometry;
                out.labels.assign(out.geometry.voxelCount(), 0);
            } else {
                one = placeOnGeometry(one, out.geometry);
            }
            out.names[label] = structureNameFromFile(files[n]);
            for (std::size_t i = 0; i < one.labels.size(); ++i)
                if (one.labels[i]) out.labels[i] = uint16_t(label);
        }
        return out;
    }
    LabelMap map = readLabelFile(path);
    if (labelNames) {
        map.names = *labelNames;
    } else if (fs::path csv = path.parent_path() / "labels.csv"; fs::is_regular_file(csv, ec)) {
        map.names = readLabelNames(csv);
    } else {
        map.names = totalSegmentatorNames();
    }
    return map;
}

double boxOverlap(const VolumeGeometry& a, const VolumeGeometry& b) {
    const Box ba = boxOf(a), bb = boxOf(b);
    Box both{glm::max(ba.lo, bb.lo), glm::min(ba.hi, bb.hi)};
    const double smaller = std::min(ba.volume(), bb.volume());
    return smaller > 0 ? both.volume() / smaller : 0.0;
}

LabelMap placeOnGeometry(const LabelMap& map, const VolumeGeometry& target) {
    const Box ms = boxOf(map.geometry), ts = boxOf(target);
    const double overlap = boxOverlap(map.geometry, target);
    const std::string where = map.source.string() + ": the mask (" + boxText(ms) + ")";
    if (overlap <= 0.0)
        throw SegmentationError(where + " does not overlap the series (" + boxText(ts) +
                                "): it belongs to another series or patient position");
    if (overlap < 0.5)
        throw SegmentationError(where + " covers only " + std::to_string(int(std::round(overlap * 100))) +
                                "% of the series (" + boxText(ts) +
                                ") where they overlap: wrong extent, or a mask of another series");
    LabelMap out;
    out.geometry = target;
    out.names = map.names;
    out.source = map.source;
    out.labels.assign(target.voxelCount(), 0);
    const IndexMap m = indexMap(map.geometry, target);
    const glm::ivec3 d = map.geometry.dims;
    std::size_t idx = 0;
    for (int k = 0; k < target.dims.z; ++k)
        for (int j = 0; j < target.dims.y; ++j) {
            glm::dvec3 p = m.a * glm::dvec3(0, j, k) + m.b;
            const glm::dvec3 step = m.a[0];
            for (int i = 0; i < target.dims.x; ++i, ++idx, p += step) {
                const int si = int(std::floor(p.x + 0.5)), sj = int(std::floor(p.y + 0.5)),
                          sk = int(std::floor(p.z + 0.5));
                if (si < 0 || sj < 0 || sk < 0 || si >= d.x || sj >= d.y || sk >= d.z) continue;
                out.labels[idx] = map.at(si, sj, sk);
            }
        }
    return out;
}

void writeNiftiLabels(const LabelMap& map, const fs::path& file) {
    const auto& g = map.geometry;
    const int64_t dims[8] = {3, g.dims.x, g.dims.y, g.dims.z, 1, 1, 1, 1};
    NiftiPtr nim(nifti_make_new_nim(dims, DT_UINT16, 1));
    if (!nim) throw SegmentationError(file.string() + ": cannot make a NIfTI image");
    std::copy(map.labels.begin(), map.labels.end(), static_cast<uint16_t*>(nim->data));
    nifti_dmat44 m;
    std::memset(&m, 0, sizeof m);
    const double flip[3] = {-1.0, -1.0, 1.0};
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) m.m[r][c] = flip[r] * g.direction[c][r] * g.spacing[c];
        m.m[r][3] = flip[r] * g.origin[r];
    }
    m.m[3][3] = 1.0;
    nim->sform_code = NIFTI_XFORM_SCANNER_ANAT;
    nim->sto_xyz = m;
    nim->sto_ijk = nifti_dmat44_inverse(m);
    nim->qform_code = NIFTI_XFORM_SCANNER_ANAT;
    double dx, dy, dz, qfac;
    nifti_dmat44_to_quatern(m, &nim->quatern_b, &nim->quatern_c, &nim->quatern_d, &nim->qoffset_x, &nim->qoffset_y,
                            &nim->qoffset_z, &dx, &dy, &dz, &qfac);
    nim->qfac = qfac;
    nim->qto_xyz = m;
    nim->qto_ijk = nim->sto_ijk;
    nim->dx = nim->pixdim[1] = g.spacing.x;
    nim->dy = nim->pixdim[2] = g.spacing.y;
    nim->dz = nim->pixdim[3] = g.spacing.z;
    nim->xyz_units = NIFTI_UNITS_MM;
    if (nifti_set_filenames(nim.get(), file.c_str(), 0, 1) != 0)
        throw SegmentationError(file.string() + ": not a NIfTI file name (.nii or .nii.gz)");
    nifti_image_write(nim.get());
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw SegmentationError(file.string() + ": cannot be written");
}

}  // namespace polysim::imaging

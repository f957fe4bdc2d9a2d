// The RSNA trauma challenge datasets in their published layouts (see importers.h): their CSV labels and
// segmentations become findings with ground-truth boxes on the study's own DICOM series.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "importers/importers.h"

namespace polysim::importers {
namespace fs = std::filesystem;

namespace {
constexpr const char* kRaticLicence =
    "RSNA Abdominal Traumatic Injury CT (RATIC) Dataset, Copyright RSNA, 2023. Non-commercial use only (research "
    "and education). Cite: Rudie JD et al., The RSNA Abdominal Traumatic Injury CT (RATIC) Dataset, Radiology: "
    "Artificial Intelligence 2024 (arXiv:2405.19595).";
constexpr const char* kCspineLicence =
    "RSNA Cervical Spine Fracture CT Dataset, Copyright RSNA, 2022 (RSNA 2022 Cervical Spine Fracture Detection). "
    "Non-commercial use only (research and education). Cite: Lin HM et al., The RSNA Cervical Spine Fracture CT "
    "Dataset, Radiology: Artificial Intelligence 2023.";

// A CSV file read whole: a header and rows, cells by column name. Errors name the file and line.
struct Csv {
    fs::path file;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<int> lines;  // file line of each row

    int column(const std::string& name) const {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return int(i);
        return -1;
    }
    void require(std::initializer_list<const char*> names) const {
        for (const char* n : names)
            if (column(n) < 0)
                throw ImportError(file.string() + ":1: no column '" + n + "' (the header has " +
                                  std::to_string(header.size()) + " columns); is this the dataset's own file?");
    }
    const std::string& cell(std::size_t row, const std::string& name) const {
        static const std::string empty;
        const int c = column(name);
        return c >= 0 && std::size_t(c) < rows[row].size() ? rows[row][std::size_t(c)] : empty;
    }
    int integer(std::size_t row, const std::string& name) const {
        const std::string& v = cell(row, name);
        try {
            std::size_t used = 0;
            const double d = std::stod(v, &used);
            if (used == v.size()) return int(d);
        } catch (const std::exception&) {
        }
        throw ImportError(file.string() + ":" + std::to_string(lines[row]) + ": '" + name + "' is '" + v +
                          "', not a number");
    }
};

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            out.push_back(cur), cur.clear();
        else if (c != '\r')
            cur += c;
    }
    out.push_back(cur);
    return out;
}

Csv readCsv(const fs::path& file, const std::string& what) {
    std::ifstream in(file);
    if (!in)
        throw ImportError(file.string() + ": missing (" + what + "); is the folder the dataset's root, as downloaded?");
    Csv csv;
    csv.file = file;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line == "\r") continue;
        if (csv.header.empty()) {
            csv.header = splitCsvLine(line);
            continue;
        }
        csv.rows.push_back(splitCsvLine(line));
        csv.lines.push_back(n);
        if (csv.rows.size() > 10'000'000) throw ImportError(file.string() + ": too many rows");
    }
    if (csv.header.empty()) throw ImportError(file.string() + ": empty file (expected a header line)");
    return csv;
}

std::string examples(const Csv& csv, const std::string& column) {
    std::string out;
    for (std::size_t r = 0; r < csv.rows.size() && r < 5; ++r) out += (r ? ", " : "") + csv.cell(r, column);
    return out;
}

std::size_t findRow(const Csv& csv, const std::string& column, const std::string& id, const std::string& what) {
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
        if (csv.cell(r, column) == id) return r;
    throw ImportError(what + " '" + id + "' is not in " + csv.file.string() + " (" + std::to_string(csv.rows.size()) +
                      " rows; e.g. " + examples(csv, column) + "); 'polysim import " + csv.file.parent_path().string() +
                      " --list' lists them");
}

// The grid a series' volume will have, from its headers (no pixels read).
imaging::VolumeGeometry seriesGeometry(const imaging::SeriesReport& r) {
    imaging::VolumeGeometry g;
    g.dims = {r.matrix.x, r.matrix.y, r.imageCount};
    g.spacing = {r.pixelSpacing.x, r.pixelSpacing.y, r.sliceSpacing > 0 ? r.sliceSpacing : 1.0};
    g.origin = r.origin;
    g.direction = glm::dmat3(r.rowDirection, r.columnDirection, r.normal);
    return g;
}

std::pair<glm::dvec3, glm::dvec3> seriesBox(const imaging::SeriesReport& r) {
    const auto g = seriesGeometry(r);
    glm::dvec3 lo(1e300), hi(-1e300);
    for (int c = 0; c < 8; ++c) {
        const glm::dvec3 p = g.indexToPatient(
            glm::dvec3((c & 1) ? g.dims.x - 1 : 0, (c & 2) ? g.dims.y - 1 : 0, (c & 4) ? g.dims.z - 1 : 0));
        lo = glm::min(lo, p);
        hi = glm::max(hi, p);
    }
    return {lo, hi};
}

// A box inside the series box by fractions of it (x from the patient's right, y from the front, z from the feet):
// where an organ lies in an abdominal CT when nothing better says.
std::pair<glm::dvec3, glm::dvec3> fractionBox(const imaging::SeriesReport& r, glm::dvec3 from, glm::dvec3 to) {
    auto [lo, hi] = seriesBox(r);
    return {lo + (hi - lo) * from, lo + (hi - lo) * to};
}

std::optional<imaging::LabelMap> datasetMask(const fs::path& dir, const std::string& stem,
                                             const std::map<int, std::string>& names,
                                             const imaging::SeriesReport& series, std::vector<std::string>& notes) {
    for (const char* ext : {".nii", ".nii.gz"}) {
        const fs::path file = dir / (stem + ext);
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) continue;
        try {
            auto placed = imaging::placeOnGeometry(imaging::readSegmentation(file, names), seriesGeometry(series));
            notes.push_back("Segmentation " + file.filename().string() + " placed on the series by its affine.");
            return placed;
        } catch (const imaging::SegmentationError& e) {
            throw ImportError(e.what());
        }
    }
    return std::nullopt;
}

std::string seriesFolderName(const imaging::SeriesReport& r) {
    return r.slices.empty() ? "" : r.slices.front().file.parent_path().filename().string();
}

// z of a slice (its file name is `<number>.dcm`, or its InstanceNumber is `number`).
std::optional<double> sliceZ(const imaging::SeriesReport& r, int number) {
    for (const auto& s : r.slices)
        if (s.file.stem() == std::to_string(number)) return s.position.z;
    for (const auto& s : r.slices)
        if (s.instanceNumber == number) return s.position.z;
    return std::nullopt;
}

const imaging::SliceHeader* sliceOf(const imaging::SeriesReport& r, int number) {
    for (const auto& s : r.slices)
        if (s.file.stem() == std::to_string(number)) return &s;
    for (const auto& s : r.slices)
        if (s.instanceNumber == number) return &s;
    return nullptr;
}

imaging::ScanReport scanStudy(const fs::path& folder, const std::string& what) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw ImportError(folder.string() + ": no such folder (the images of " + what + ")");
    auto scan = imaging::scanDicom(folder);
    bool any = false;
    for (const auto& s : scan.series) any = any || (s.isCt && s.loadable && !s.localizer);
    if (!any)
        throw ImportError(folder.string() + ": no loadable CT series (" + std::to_string(scan.filesExamined) +
                          " files, " + std::to_string(scan.skipped.size()) + " skipped" +
                          (scan.skipped.empty() ? "" : "; first: " + scan.skipped.front().reason) + ")");
    return scan;
}

std::string grade(const Csv& csv, std::size_t row, const std::string& organ) {
    if (csv.integer(row, organ + "_high") == 1) return "high";
    if (csv.integer(row, organ + "_low") == 1) return "low";
    return "";
}
}  // namespace

ImportedCase importRsnaAbdominal(const fs::path& root, const std::string& patientId, const fs::path& outFile) {
    const Csv train = readCsv(root / "train.csv", "the per-patient injury labels");
    train.require({"patient_id", "bowel_healthy", "bowel_injury", "extravasation_healthy", "extravasation_injury",
                   "kidney_healthy", "kidney_low", "kidney_high", "liver_healthy", "liver_low", "liver_high",
                   "spleen_healthy", "spleen_low", "spleen_high", "any_injury"});
    const std::size_t row = findRow(train, "patient_id", patientId, "patient");
    std::vector<std::string> notes;

    // Series metadata: the aortic HU tells the phase.
    std::map<std::string, double> aorticHu;
    std::set<std::string> incomplete;
    if (std::error_code ec; fs::is_regular_file(root / "train_series_meta.csv", ec)) {
        const Csv meta = readCsv(root / "train_series_meta.csv", "the per-series metadata");
        meta.require({"patient_id", "series_id", "aortic_hu", "incomplete_organ"});
        for (std::size_t r = 0; r < meta.rows.size(); ++r) {
            if (meta.cell(r, "patient_id") != patientId) continue;
            try {
                aorticHu[meta.cell(r, "series_id")] = std::stod(meta.cell(r, "aortic_hu"));
            } catch (const std::exception&) {
            }
            if (meta.cell(r, "incomplete_organ") == "1" || meta.cell(r, "incomplete_organ") == "1.0")
                incomplete.insert(meta.cell(r, "series_id"));
        }
    } else {
        notes.push_back(
            "No train_series_meta.csv: series kinds come from the images (aorta and liver), not from "
            "the dataset's aortic HU.");
    }

    const fs::path study = root / "train_images" / patientId;
    const imaging::ScanReport scan = scanStudy(study, "patient " + patientId);
    // The main series: the one with a segmentation, else the first.
    const imaging::SeriesReport* main = nullptr;
    std::map<std::string, const imaging::SeriesReport*> bySeriesId;
    for (const auto& s : scan.series) {
        if (!s.isCt || !s.loadable || s.localizer) continue;
        const std::string sid = seriesFolderName(s);
        if (bySeriesId.count(sid)) continue;
        bySeriesId[sid] = &s;
        if (!main) main = &s;
    }
    for (const auto& [sid, s] : bySeriesId) {
        std::error_code ec;
        if (fs::is_regular_file(root / "segmentations" / (sid + ".nii"), ec) ||
            fs::is_regular_file(root / "segmentations" / (sid + ".nii.gz"), ec)) {
            main = s;
            break;
        }
    }
    const std::string mainId = seriesFolderName(*main);
    const std::map<int, std::string> raticNames{
        {1, "liver"}, {2, "spleen"}, {3, "kidney_left"}, {4, "kidney_right"}, {5, "bowel"}};
    std::optional<imaging::LabelMap> seg = datasetMask(root / "segmentations", mainId, raticNames, *main, notes);
    if (incomplete.count(mainId))
        notes.push_back("train_series_meta.csv marks series " + mainId +
                        " as not covering every organ (incomplete_organ).");

    std::vector<InjuryTruth> injuries;
    struct Organ {
        std::string key, label, synonym;
        std::vector<std::string> masks;
        glm::dvec3 from, to;  // where it lies as fractions of the series box, when there is no mask
    };
    const Organ organs[] = {
        {"spleen", "Splenic injury", "splenic", {"spleen"}, {0.6, 0.45, 0.55}, {0.9, 0.85, 1.0}},
        {"liver", "Liver injury", "hepatic", {"liver"}, {0.1, 0.2, 0.5}, {0.55, 0.8, 1.0}},
        {"kidney", "Renal injury", "renal", {"kidney_left", "kidney_right"}, {0.2, 0.55, 0.3}, {0.8, 0.9, 0.75}},
    };
    for (const auto& o : organs) {
        const std::string g = grade(train, row, o.key);
        if (g.empty()) continue;
        InjuryTruth t;
        t.id = o.key + "_injury";
        t.label = o.label + ", " + g + " grade";
        t.synonyms = {o.synonym + " injury", o.key + " injury", o.synonym + " laceration", o.key + " laceration"};
        if (o.key == "spleen") t.synonyms.push_back("ruptured spleen");
        t.acrCategory = g == "high" ? 1 : 2;
        t.region = "abdomen_pelvis";
        t.windows = {"soft_tissue", "liver"};
        t.role = "visceral_surgeon";
        t.description = o.label + " (" + g + " grade in the dataset's labels).";
        t.teachingPoint = g == "high" ? "High grade (AAST 4 and 5 in RATIC's labels): deep laceration, shattered "
                                        "organ or vascular injury; the surgeon needs to hear it at once."
                                      : "Low grade (AAST 1 to 3 in RATIC's labels): small lacerations and "
                                        "haematomas, often managed without surgery.";
        bool placed = false;
        if (seg) {
            glm::dvec3 lo(1e300), hi(-1e300);
            for (const auto& m : o.masks)
                if (auto l = seg->labelOf(m)) {
                    const auto e = imaging::structureExtent(*seg, *l);
                    if (!e.voxels) continue;
                    lo = glm::min(lo, e.lo);
                    hi = glm::max(hi, e.hi);
                    placed = true;
                }
            if (placed) {
                t.lo = lo;
                t.hi = hi;
                t.source = "train.csv " + o.key + "_" + g + "; located by the " + o.key + " in segmentations/" +
                           mainId + ".nii";
            }
        }
        if (!placed) {
            std::tie(t.lo, t.hi) = fractionBox(*main, o.from, o.to);
            t.source = "train.csv " + o.key + "_" + g + "; no segmentation of this organ, so placed where the " +
                       o.key + " usually lies: check the box in the authoring mode";
        }
        injuries.push_back(t);
    }

    // Extravasation and bowel injury: on the slices the image-level labels name.
    std::map<std::string, std::vector<std::pair<std::string, int>>> imageLabels;  // injury -> (series, instance)
    if (std::error_code ec; fs::is_regular_file(root / "image_level_labels.csv", ec)) {
        const Csv il = readCsv(root / "image_level_labels.csv", "the image-level labels");
        il.require({"patient_id", "series_id", "instance_number", "injury_name"});
        for (std::size_t r = 0; r < il.rows.size(); ++r)
            if (il.cell(r, "patient_id") == patientId)
                imageLabels[il.cell(r, "injury_name")].push_back(
                    {il.cell(r, "series_id"), il.integer(r, "instance_number")});
    }
    struct ImageInjury {
        std::string column, labelName, id, label, mask;
        std::vector<std::string> synonyms;
        std::string role, description, teaching;
    };
    const ImageInjury imageInjuries[] = {
        {"extravasation_injury",
         "Active_Extravasation",
         "active_extravasation",
         "Active extravasation",
         "",
         {"active extravasation", "active bleeding", "contrast blush", "extravasation"},
         "vascular_surgeon",
         "Active contrast extravasation.",
         "Contrast outside the vessels, as dense as the aorta, that grows on the later phase: tell the trauma "
         "leader at once; interventional radiology or surgery stops it."},
        {"bowel_injury",
         "Bowel",
         "bowel_injury",
         "Bowel injury",
         "bowel",
         {"bowel injury", "bowel perforation", "mesenteric injury", "hollow viscus injury"},
         "visceral_surgeon",
         "Bowel or mesenteric injury.",
         "Look for bowel wall discontinuity, free air, mesenteric haematoma and free fluid without a solid-organ "
         "injury to explain it."},
    };
    for (const auto& ii : imageInjuries) {
        if (train.integer(row, ii.column) != 1) continue;
        InjuryTruth t;
        t.id = ii.id;
        t.label = ii.label;
        t.synonyms = ii.synonyms;
        t.acrCategory = 1;
        t.region = "abdomen_pelvis";
        t.windows = {"soft_tissue"};
        t.role = ii.role;
        t.description = ii.description;
        t.teachingPoint = ii.teaching;
        // The labelled slices, on the series they were labelled on (the whole slice: the labels give no place in it).
        double zlo = 1e300, zhi = -1e300;
        const imaging::SeriesReport* on = nullptr;
        int count = 0;
        for (const auto& [sid, instance] : imageLabels[ii.labelName]) {
            auto it = bySeriesId.find(sid);
            if (it == bySeriesId.end()) continue;
            if (auto z = sliceZ(*it->second, instance)) {
                zlo = std::min(zlo, *z);
                zhi = std::max(zhi, *z);
                on = it->second;
                ++count;
            }
        }
        if (on) {
            auto [lo, hi] = seriesBox(*on);
            const double half = std::max(on->sliceSpacing, 1.0) / 2;
            t.lo = {lo.x, lo.y, zlo - half};
            t.hi = {hi.x, hi.y, zhi + half};
            t.source = "train.csv " + ii.column + "; " + std::to_string(count) +
                       " image(s) in image_level_labels.csv (" + ii.labelName + ")";
        } else if (seg && !ii.mask.empty() && seg->labelOf(ii.mask) &&
                   imaging::structureExtent(*seg, *seg->labelOf(ii.mask)).voxels) {
            const auto e = imaging::structureExtent(*seg, *seg->labelOf(ii.mask));
            t.lo = e.lo;
            t.hi = e.hi;
            t.source = "train.csv " + ii.column + "; no image-level labels, so the whole bowel mask";
        } else {
            std::tie(t.lo, t.hi) = fractionBox(*main, {0.1, 0.1, 0.1}, {0.9, 0.9, 0.9});
            t.source = "train.csv " + ii.column + "; no image-level labels for it: the whole abdomen";
        }
        injuries.push_back(t);
    }

    CaseRequest req;
    req.dicomFolder = study;
    req.outFile = outFile;
    // The title says what happened, not what is to be found: the injuries are in the findings (and --list).
    req.title = "Blunt abdominal trauma (RSNA patient " + patientId + ")";
    req.licence = kRaticLicence;
    req.mechanism = "Blunt abdominal trauma (the dataset does not record the mechanism; the instructor may add it).";
    req.prehospital =
        "Haemodynamically borderline on arrival after a road traffic collision; contrast-enhanced "
        "CT of the abdomen and pelvis.";
    req.learningObjectives = {"Find, grade and call abdominal organ injuries on a real trauma CT",
                              "Look for active extravasation and bowel injury"};
    req.injuries = injuries;
    for (const auto& [sid, s] : bySeriesId)
        if (auto it = aorticHu.find(sid); it != aorticHu.end())
            req.seriesKindByUid[s->seriesInstanceUid] =
                it->second >= 250 ? phantom::SeriesKind::Arterial : phantom::SeriesKind::PortalVenous;
    req.segmentation = seg;
    req.notes = notes;
    if (injuries.empty()) req.notes.push_back("The patient has no injury in train.csv: the case is a normal study.");
    return buildCase(req);
}

ImportedCase importRsnaCspine(const fs::path& root, const std::string& studyUid, const fs::path& outFile) {
    const Csv train = readCsv(root / "train.csv", "the per-study fracture labels");
    train.require({"StudyInstanceUID", "patient_overall", "C1", "C2", "C3", "C4", "C5", "C6", "C7"});
    const std::size_t row = findRow(train, "StudyInstanceUID", studyUid, "study");
    std::vector<std::string> notes;
    const fs::path study = root / "train_images" / studyUid;
    const imaging::ScanReport scan = scanStudy(study, "study " + studyUid);
    const imaging::SeriesReport* main = &imaging::chooseCtSeries(scan);

    std::map<int, std::string> names;
    for (int v = 1; v <= 7; ++v) names[v] = "C" + std::to_string(v);
    for (int v = 1; v <= 12; ++v) names[7 + v] = "T" + std::to_string(v);
    std::optional<imaging::LabelMap> seg = datasetMask(root / "segmentations", studyUid, names, *main, notes);

    // Fracture boxes: pixel boxes on numbered slices, turned into patient boxes.
    struct PatientBox {
        glm::dvec3 lo, hi;
    };
    std::vector<PatientBox> boxes;
    if (std::error_code ec; fs::is_regular_file(root / "train_bounding_boxes.csv", ec)) {
        const Csv bb = readCsv(root / "train_bounding_boxes.csv", "the fracture boxes");
        bb.require({"StudyInstanceUID", "x", "y", "width", "height", "slice_number"});
        for (std::size_t r = 0; r < bb.rows.size(); ++r) {
            if (bb.cell(r, "StudyInstanceUID") != studyUid) continue;
            const int slice = bb.integer(r, "slice_number");
            const imaging::SliceHeader* s = sliceOf(*main, slice);
            if (!s) {
                notes.push_back(bb.file.filename().string() + ":" + std::to_string(bb.lines[r]) + ": slice " +
                                std::to_string(slice) + " is not in the series; box left out");
                continue;
            }
            double v[4];
            int c = 0;
            for (const char* k : {"x", "y", "width", "height"}) {
                try {
                    v[c++] = std::stod(bb.cell(r, k));
                } catch (const std::exception&) {
                    throw ImportError(bb.file.string() + ":" + std::to_string(bb.lines[r]) + ": '" + k + "' is '" +
                                      bb.cell(r, k) + "', not a number");
                }
            }
            PatientBox p{glm::dvec3(1e300), glm::dvec3(-1e300)};
            for (int corner = 0; corner < 4; ++corner) {
                const double col = v[0] + ((corner & 1) ? v[2] : 0), rowPx = v[1] + ((corner & 2) ? v[3] : 0);
                const glm::dvec3 x = s->position + s->rowDirection * (col * s->pixelSpacing.x) +
                                     s->columnDirection * (rowPx * s->pixelSpacing.y);
                p.lo = glm::min(p.lo, x);
                p.hi = glm::max(p.hi, x);
            }
            const double half = std::max(main->sliceSpacing, 0.5) / 2;
            p.lo.z -= half;
            p.hi.z += half;
            boxes.push_back(p);
        }
    } else {
        notes.push_back("No train_bounding_boxes.csv: fractures are located by their vertebra's mask only.");
    }

    std::vector<int> fractured;
    for (int v = 1; v <= 7; ++v)
        if (train.integer(row, "C" + std::to_string(v)) == 1) fractured.push_back(v);
    // Which fractured vertebra each box belongs to: the mask under its centre, else the nearest fractured vertebra
    // by height (masks), else by order from the top.
    std::map<int, std::vector<PatientBox>> boxesOf;
    const std::map<int, imaging::StructureExtent> levelExtents =
        seg ? imaging::structureExtents(*seg) : std::map<int, imaging::StructureExtent>{};
    auto [slo, shi] = seriesBox(*main);
    for (const auto& b : boxes) {
        int owner = 0;
        const glm::dvec3 centre = (b.lo + b.hi) / 2.0;
        if (seg) {
            const glm::ivec3 ijk(glm::round(seg->geometry.patientToIndex(centre)));
            const auto& d = seg->geometry.dims;
            if (glm::all(glm::greaterThanEqual(ijk, glm::ivec3(0))) && glm::all(glm::lessThan(ijk, d))) {
                const int l = seg->at(ijk.x, ijk.y, ijk.z);
                if (std::find(fractured.begin(), fractured.end(), l) != fractured.end()) owner = l;
            }
            if (!owner) {
                double best = 1e300;
                for (int v : fractured)
                    if (auto e = levelExtents.find(v); e != levelExtents.end()) {
                        const double dz = std::abs(e->second.centroid.z - centre.z);
                        if (dz < best) best = dz, owner = v;
                    }
            }
        }
        if (!owner && !fractured.empty()) {
            // C1 at the top of the series, C7 lower: share the series height out among the fractured levels.
            const double f = (shi.z - centre.z) / std::max(shi.z - slo.z, 1.0);
            owner = fractured[std::min(fractured.size() - 1, std::size_t(f * double(fractured.size())))];
        }
        if (owner) boxesOf[owner].push_back(b);
    }

    std::vector<InjuryTruth> injuries;
    for (int v : fractured) {
        const std::string name = "C" + std::to_string(v);
        InjuryTruth t;
        t.id = "fracture_c" + std::to_string(v);
        t.label = name + " fracture";
        t.synonyms = {name + " fracture", "cervical spine fracture", "cervical fracture", "c-spine fracture",
                      "fracture of " + name};
        t.acrCategory = 1;
        t.region = "cervical_spine";
        t.windows = {"bone"};
        t.role = "neurosurgeon";
        t.description = "Fracture of " + name + ".";
        t.teachingPoint =
            "Read the cervical spine in a bone window on sagittal and coronal reformats; check the "
            "alignment lines and the craniocervical junction. A cervical fracture is unstable until "
            "proven otherwise: keep the collar on and tell the team.";
        if (!boxesOf[v].empty()) {
            t.lo = glm::dvec3(1e300);
            t.hi = glm::dvec3(-1e300);
            for (const auto& b : boxesOf[v]) t.lo = glm::min(t.lo, b.lo), t.hi = glm::max(t.hi, b.hi);
            t.source =
                "train.csv " + name + "; " + std::to_string(boxesOf[v].size()) + " box(es) in train_bounding_boxes.csv";
        } else if (levelExtents.count(v)) {
            const auto& e = levelExtents.at(v);
            t.lo = e.lo;
            t.hi = e.hi;
            t.source = "train.csv " + name + "; no box, located by the " + name + " mask";
        } else {
            // Without box or mask: the level's share of the upper series, along the midline.
            const double top = shi.z - (shi.z - slo.z) * 0.12 * (v - 1), bottom = top - (shi.z - slo.z) * 0.12;
            const glm::dvec3 mid = (slo + shi) / 2.0;
            t.lo = {mid.x - 20, mid.y - 20, std::max(bottom, slo.z)};
            t.hi = {mid.x + 20, mid.y + 20, top};
            t.source = "train.csv " + name + "; no box and no mask: placed by level, check it in the authoring mode";
        }
        injuries.push_back(t);
    }

    CaseRequest req;
    req.dicomFolder = study;
    req.outFile = outFile;
    req.title = "Blunt trauma with neck pain (RSNA cervical spine study " + studyUid.substr(0, 24) + ")";
    req.licence = kCspineLicence;
    req.mechanism = "Blunt trauma with neck pain (the dataset does not record the mechanism).";
    req.prehospital = "Immobilised in a cervical collar; CT of the cervical spine.";
    req.learningObjectives = {"Find and call cervical spine fractures on a real CT, level by level"};
    req.injuries = injuries;
    req.seriesKind = phantom::SeriesKind::NonContrast;
    req.segmentation = seg;
    req.notes = notes;
    if (fractured.empty() && train.integer(row, "patient_overall") == 1)
        req.notes.push_back("train.csv says patient_overall = 1 but no level C1 to C7 is marked.");
    return buildCase(req);
}

std::vector<std::string> listDataset(const fs::path& root) {
    const Csv train = readCsv(root / "train.csv", "the dataset's labels");
    std::vector<std::string> injured, healthy;
    if (train.column("spleen_high") >= 0) {
        train.require({"patient_id", "bowel_injury", "extravasation_injury", "kidney_low", "kidney_high", "liver_low",
                       "liver_high", "spleen_low", "spleen_high"});
        // The phases of each patient's series, from the aortic HU the dataset measured: telling a pseudoaneurysm
        // from active bleeding needs two.
        std::map<std::string, std::vector<std::string>> phases;
        if (std::error_code ec; fs::is_regular_file(root / "train_series_meta.csv", ec)) {
            const Csv meta = readCsv(root / "train_series_meta.csv", "the per-series metadata");
            meta.require({"patient_id", "series_id", "aortic_hu"});
            for (std::size_t r = 0; r < meta.rows.size(); ++r) {
                try {
                    const double hu = std::stod(meta.cell(r, "aortic_hu"));
                    phases[meta.cell(r, "patient_id")].push_back(hu >= 250 ? "arterial" : "portal venous");
                } catch (const std::exception&) {
                    phases[meta.cell(r, "patient_id")].push_back("unknown phase");
                }
            }
        }
        auto phaseText = [&](const std::string& id) -> std::string {
            auto it = phases.find(id);
            if (it == phases.end()) return {};
            auto p = it->second;
            std::sort(p.begin(), p.end());
            return " (" + std::to_string(p.size()) + " series: " + listInWords(p) + ")";
        };
        int twoPhases = 0;
        for (const auto& [id, p] : phases) {
            const std::set<std::string> kinds(p.begin(), p.end());
            twoPhases += kinds.count("arterial") && kinds.count("portal venous") ? 1 : 0;
        }
        for (std::size_t r = 0; r < train.rows.size(); ++r) {
            std::vector<std::string> what;
            for (const char* organ : {"spleen", "liver", "kidney"}) {
                const std::string g = grade(train, r, organ);
                if (!g.empty()) what.push_back(std::string(organ) + " " + g);
            }
            if (train.integer(r, "extravasation_injury") == 1) what.push_back("active extravasation");
            if (train.integer(r, "bowel_injury") == 1) what.push_back("bowel injury");
            const std::string id = train.cell(r, "patient_id");
            if (what.empty())
                healthy.push_back(id);
            else
                injured.push_back("patient " + id + ": " + listInWords(what) + phaseText(id));
        }
        std::vector<std::string> out = injured;
        out.push_back(std::to_string(injured.size()) + " of " + std::to_string(train.rows.size()) +
                      " patients injured; " + std::to_string(healthy.size()) + " without injury" +
                      (healthy.empty() ? "" : " (e.g. " + healthy.front() + ")"));
        if (!phases.empty())
            out.push_back(std::to_string(twoPhases) + (twoPhases == 1 ? " patient has" : " patients have") +
                          " an arterial and a portal venous series: the "
                          "cases that can teach a pseudoaneurysm (same shape in both) apart from active bleeding "
                          "(grows in the later phase); the import takes every series of a patient");
        out.push_back("Import one: polysim import rsna-abdominal " + root.string() + " --patient ID --out CASE.toml");
        return out;
    }
    if (train.column("StudyInstanceUID") >= 0) {
        train.require({"StudyInstanceUID", "patient_overall", "C1", "C2", "C3", "C4", "C5", "C6", "C7"});
        for (std::size_t r = 0; r < train.rows.size(); ++r) {
            std::vector<std::string> levels;
            for (int v = 1; v <= 7; ++v)
                if (train.integer(r, "C" + std::to_string(v)) == 1) levels.push_back("C" + std::to_string(v));
            const std::string id = train.cell(r, "StudyInstanceUID");
            if (levels.empty())
                healthy.push_back(id);
            else
                injured.push_back("study " + id + ": fracture of " + listInWords(levels));
        }
        std::vector<std::string> out = injured;
        out.push_back(std::to_string(injured.size()) + " of " + std::to_string(train.rows.size()) +
                      " studies with a fracture; " + std::to_string(healthy.size()) + " without");
        out.push_back("Import one: polysim import rsna-cspine " + root.string() + " --study UID --out CASE.toml");
        return out;
    }
    throw ImportError(train.file.string() +
                      ":1: neither the RSNA abdominal trauma (patient_id, spleen_high ...) nor the cervical spine "
                      "(StudyInstanceUID, C1 ... C7) header");
}

}  // namespace polysim::importers

// Skeletons of new cases (see new_case.h): everything the loader requires is filled with defaults from the clinical
// reference and the phantom, so the author starts from a case that validates and only edits what is clinical.
#include "scenario/new_case.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "imaging/body_landmarks.h"
#include "imaging/dicom_loader.h"
#include "phantom/model.h"
#include "phantom/phantom.h"
#include "scenario/image_regions.h"
#include "scenario/internal.h"
#include "scenario/loader.h"
#include "scenario/writer.h"

namespace polysim::scenario {
namespace fs = std::filesystem;

namespace {
constexpr double kDuration = 900;

std::string spaced(std::string id) {
    std::replace(id.begin(), id.end(), '_', ' ');
    return id;
}

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower((unsigned char)c));
    return s;
}

// What every skeleton shares: the id, a title to replace, a patient the loader accepts, an empty debrief to fill.
Scenario baseCase(const fs::path& outFile, const std::string& title) {
    Scenario s;
    s.sourceFile = fs::absolute(outFile).lexically_normal();
    s.meta.id = caseIdFromFile(outFile);
    s.meta.title = title;
    s.meta.version = "0.1";
    s.meta.difficulty = "intermediate";
    s.durationSeconds = kDuration;
    s.patient.ageYears = 40;
    s.patient.sex = "unknown";
    s.patient.mechanism = "Describe the mechanism of injury here.";
    s.patient.prehospital =
        "Describe the handover here: prehospital story, what was done, why the patient is on the table.";
    return s;
}

// The hot report laid out in the case's reading order, with the findings' descriptions where they belong.
std::string reportSkeleton(const Scenario& s) {
    std::string out = "PRIMARY SURVEY (hot report, verbal to the trauma team leader):\n";
    for (const auto& id : s.readingOrder) {
        const Region* r = s.findRegion(id);
        if (!r) continue;
        out += r->label + ":";
        for (const auto& f : s.findings)
            if (f.region == id) out += " " + (f.expertDescription.empty() ? f.label : f.expertDescription);
        out += "\n";
    }
    out += "CONCLUSION:";
    return out;
}

// One key point per finding (Category 1 first, as the conclusion should name them), named by the finding's id
// and its synonyms.
void conclusionSkeleton(Scenario& s) {
    std::vector<const Finding*> order;
    for (int cat = 1; cat <= 3; ++cat)
        for (const auto& f : s.findings)
            if (f.acrCategory == cat) order.push_back(&f);
    std::string sentence;
    for (const auto* f : order) {
        KeyPoint k;
        k.id = f->id;
        k.label = f->label;
        auto add = [&](const std::string& word) {
            const bool known = std::any_of(k.keywords.begin(), k.keywords.end(),
                                           [&](const std::string& w) { return lower(w) == lower(word); });
            if (!known && k.keywords.size() < 4) k.keywords.push_back(word);
        };
        add(spaced(f->phantomInjury.empty() ? f->id : f->phantomInjury));
        for (const auto& syn : f->synonyms) add(syn);
        s.conclusion.keyPoints.push_back(k);
        std::string label = f->label;
        if (!sentence.empty() && !label.empty()) label[0] = char(std::tolower((unsigned char)label[0]));
        sentence += (sentence.empty() ? "" : "; ") + label;
    }
    s.conclusion.expertSentence =
        sentence.empty() ? "Write the one-sentence conclusion the trainee should give." : sentence + ".";
}

// Where a DICOM folder is written in the file: under ${POLYSIM_DATA} when set and holding it (the file then works
// on any machine with the dataset), otherwise relative to the scenario file's folder when near it, else absolute.
std::string folderText(const fs::path& folder, const fs::path& outFile) {
    if (const char* data = std::getenv("POLYSIM_DATA"); data && *data) {
        auto base = fs::absolute(data).lexically_normal();
        auto rel = folder.lexically_relative(base);
        if (!rel.empty() && *rel.begin() != "..") {
            std::string r = rel.generic_string();
            return r == "." ? "${POLYSIM_DATA}" : "${POLYSIM_DATA}/" + r;
        }
    }
    return dicomFolderText(folder, fs::absolute(outFile).lexically_normal().parent_path());
}

// The deepest folder holding every file of the series (not above the folder the author gave).
fs::path seriesFolder(const imaging::SeriesReport& r, const fs::path& root) {
    if (r.slices.empty()) return root;
    fs::path common = fs::absolute(r.slices.front().file).lexically_normal().parent_path();
    for (const auto& sl : r.slices) {
        const fs::path dir = fs::absolute(sl.file).lexically_normal().parent_path();
        while (!common.empty() && common != root) {
            auto rel = dir.lexically_relative(common);
            if (!rel.empty() && *rel.begin() != "..") break;
            common = common.parent_path();
        }
    }
    auto rel = common.lexically_relative(root);
    if (common.empty() || rel.empty() || *rel.begin() == "..") return root;
    return common;
}

// z extent (LPS mm) of a series' volume, from the corners of its first and last slices.
std::pair<double, double> zRange(const imaging::SeriesReport& r) {
    double lo = 1e300, hi = -1e300;
    const glm::dvec3 across = r.rowDirection * (r.pixelSpacing.x * std::max(r.matrix.x - 1, 0));
    const glm::dvec3 down = r.columnDirection * (r.pixelSpacing.y * std::max(r.matrix.y - 1, 0));
    for (const auto* sl : {&r.slices.front(), &r.slices.back()})
        for (int c = 0; c < 4; ++c) {
            const double z = (sl->position + (c & 1 ? across : glm::dvec3(0.0)) + (c & 2 ? down : glm::dvec3(0.0))).z;
            lo = std::min(lo, z);
            hi = std::max(hi, z);
        }
    return {lo, hi};
}

// A first guess at what a series is, from its description; the author corrects it in the file.
// The kind the description names (head, arterial, portal), or none when it names none.
std::optional<phantom::SeriesKind> kindFromDescription(const imaging::SeriesReport& r) {
    const std::string d = lower(r.description);
    auto has = [&](std::initializer_list<const char*> words) {
        return std::any_of(words.begin(), words.end(), [&](const char* w) { return d.find(w) != std::string::npos; });
    };
    if (has({"head", "brain", "skull", "cran", "cerebr", "schaedel", "cct"})) return phantom::SeriesKind::Head;
    if (has({"arter", "angio", "cta", "polytrauma"})) return phantom::SeriesKind::Arterial;
    if (has({"portal", "venous", "pv "})) return phantom::SeriesKind::PortalVenous;
    return std::nullopt;
}

// A first guess from the description, else from the field of view and the stack's length.
phantom::SeriesKind guessKind(const imaging::SeriesReport& r) {
    if (auto kind = kindFromDescription(r)) return *kind;
    // No telling words: a head CT is reconstructed in a small field of view (about 250 mm against 350 to 500 for
    // the body) and its stack is short.
    const double fov = std::max(r.pixelSpacing.x * r.matrix.x, r.pixelSpacing.y * r.matrix.y);
    const auto [lo, hi] = zRange(r);
    if (fov > 0 && fov <= 260 && hi - lo <= 300) return phantom::SeriesKind::Head;
    return phantom::SeriesKind::NonContrast;
}

double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}
}  // namespace

void fillConclusionAndReport(Scenario& s) {
    s.conclusion = {};
    conclusionSkeleton(s);
    s.expertReport = reportSkeleton(s);
}

std::string caseIdFromFile(const fs::path& file) {
    std::string id;
    for (char c : file.stem().string()) {
        c = char(std::tolower((unsigned char)c));
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (ok)
            id += c;
        else if (!id.empty() && id.back() != '_')
            id += '_';
    }
    while (!id.empty() && id.back() == '_') id.pop_back();
    return id.empty() ? "new_case" : id;
}

NewCase newPhantomCase(const fs::path& outFile, const NewPhantomCaseOptions& o) {
    std::vector<std::string> injuries;
    for (const auto& name : o.injuries) {
        const auto* info = phantom::findInjury(name);
        if (!info) {
            std::string all;
            for (const auto& i : phantom::injuryLibrary()) all += (all.empty() ? "" : ", ") + i.id;
            throw NewCaseError("unknown phantom injury '" + name + "' (injuries: " + all + ")");
        }
        if (std::find(injuries.begin(), injuries.end(), info->id) == injuries.end()) injuries.push_back(info->id);
    }
    std::string title = "New phantom case";
    if (!injuries.empty()) {
        title += ": ";
        for (std::size_t i = 0; i < injuries.size(); ++i) title += (i ? ", " : "") + spaced(injuries[i]);
    }
    Scenario s = baseCase(outFile, title + " (edit this title)");
    s.meta.imageLicence = "Synthetic patient generated by polysim; no real patient data";
    // The patient the seed makes, for the author to change: the images follow [patient]'s sex and age.
    const auto habitus = phantom::detail::habitusOf(o.seed);
    s.patient.sex = habitus.female ? "female" : "male";
    s.patient.ageYears = habitus.age;

    PhantomSource ph;
    ph.seed = o.seed;
    ph.injuries = injuries;
    ph.matrix = o.matrix;
    ph.sliceMm = o.sliceMm;
    s.images.phantom = ph;
    // The trauma protocol of the shipped phantom cases: scout at once, head, then the arterial body streaming in.
    s.images.series = {
        {"scout", "Scout", phantom::SeriesKind::Scout, {}, {}, 0, 0, {}, {}},
        {"head", "Non-contrast head", phantom::SeriesKind::Head, {}, {}, 20, 10, {}, {}},
        {"arterial", "Arterial phase, vertex to thighs", phantom::SeriesKind::Arterial, {}, {}, 35, 45, {}, {}},
    };
    s.regions = phantomRegions();
    s.readingOrder = defaultReadingOrder();

    phantom::PhantomOptions po;
    po.seed = o.seed;
    po.injuries = injuries;
    po.matrix = o.matrix;
    po.sliceMm = o.sliceMm;
    try {
        phantom::validate(po);
    } catch (const phantom::PhantomError& e) {
        throw NewCaseError(e.what());
    }
    for (const auto& t : phantom::groundTruth(po)) {
        Finding f;
        detail::setFromPhantomTruth(f, t);
        f.phantomInjury = t.id;
        f.deadlineSeconds = defaultDeadlineSeconds(t.acrCategory, kDuration);
        f.tell = defaultTell(t.acrCategory);
        s.findings.push_back(std::move(f));
    }
    conclusionSkeleton(s);
    s.expertReport = reportSkeleton(s);

    NewCase out{std::move(s), {}};
    if (injuries.empty())
        out.notes.push_back(
            "No injuries: the patient is normal. Place findings at the crosshair in the Findings tab, "
            "or start again with --injuries (polysim phantom --list-injuries).");
    else
        out.notes.push_back(
            "Findings come from the phantom's ground truth; add deadlines, who to tell and teaching "
            "points, and the interruptions of the room.");
    out.notes.push_back(
        "Edit the title, author and learning objectives, the patient (age, sex, mechanism, handover, vitals) and the "
        "expert report in the Case tab.");
    return out;
}

NewCase newDicomCase(const fs::path& dicomFolder, const fs::path& outFile, const NewDicomCaseOptions& options) {
    const fs::path root = fs::absolute(dicomFolder).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw NewCaseError(dicomFolder.string() + ": no such folder");
    imaging::ScanReport scan;
    try {
        scan = imaging::scanDicom(root);
    } catch (const std::exception& e) {
        throw NewCaseError(e.what());
    }
    // One entry per SeriesInstanceUID: a series split by the scanner's quirks is the part the loader would choose.
    std::vector<const imaging::SeriesReport*> volumes;
    const imaging::SeriesReport* localizer = nullptr;
    std::set<std::string> seen;
    for (const auto& r : scan.series) {
        if (!r.isCt) continue;
        if (r.localizer) {
            if (!localizer) localizer = &r;
            continue;
        }
        if (!r.loadable || r.slices.empty() || !seen.insert(imaging::seriesKey(r)).second) continue;
        try {
            volumes.push_back(&imaging::chooseCtSeries(scan, imaging::seriesKey(r)));
        } catch (const imaging::DicomLoadError&) {
        }
    }
    if (volumes.empty())
        throw NewCaseError("no CT series in " + dicomFolder.string() + " (" + std::to_string(scan.filesExamined) +
                           " file(s) examined, " + std::to_string(scan.series.size()) + " series, " +
                           std::to_string(scan.skipped.size()) +
                           " skipped): a case needs at least one CT volume; 'polysim info " + dicomFolder.string() +
                           "' lists what the folder holds");
    std::stable_sort(volumes.begin(), volumes.end(),
                     [](auto* a, auto* b) { return a->seriesNumber < b->seriesNumber; });

    Scenario s = baseCase(outFile, "New case: " + root.filename().string() + " (edit this title)");
    std::map<std::string, int> used;
    auto uniqueId = [&](const std::string& kind) {
        int n = ++used[kind];
        return n == 1 ? kind : kind + "_" + std::to_string(n);
    };
    auto spec = [&](const imaging::SeriesReport& r, phantom::SeriesKind kind, double arrival, double duration) {
        SeriesSpec sp;
        sp.id = uniqueId(std::string(phantom::seriesKindName(kind)));
        sp.kind = kind;
        sp.label = r.description.empty() ? detail::defaultSeriesLabel(sp.kind) : r.description;
        sp.folder = seriesFolder(r, root);
        sp.folderText = folderText(sp.folder, outFile);
        sp.seriesInstanceUid = imaging::seriesKey(r);
        sp.arrivalSeconds = arrival;
        sp.arrivalDurationSeconds = duration;
        return sp;
    };
    if (localizer) s.images.series.push_back(spec(*localizer, phantom::SeriesKind::Scout, 0, 0));
    // Each volume is read once: its landmarks give the regions it shows, its aorta and liver the contrast phase.
    double zLo = 1e300, zHi = -1e300;
    std::vector<std::vector<Region>> perSeries;
    std::vector<std::string> found, maskMisses;
    int maskHits = 0;
    for (std::size_t i = 0; i < volumes.size(); ++i) {
        const imaging::SeriesReport& r = *volumes[i];
        std::optional<phantom::SeriesKind> kind;
        std::string what = r.description.empty() ? imaging::seriesKey(r) : r.description;
        try {
            imaging::LoadOptions lo;
            lo.computeStatistics = false;
            const auto volume = imaging::loadCtVolume(scan, r.id, lo);
            std::optional<imaging::BodyLandmarks> fromMasks;
            if (options.segmentation) {
                try {
                    auto placed = imaging::placeOnGeometry(*options.segmentation, volume->geometry());
                    fromMasks = imaging::findLandmarks(
                        imaging::StructureLabels{placed.geometry, std::move(placed.labels), placed.names});
                    ++maskHits;
                    found.push_back("Series '" + what + "': landmarks from the segmentation " +
                                    options.segmentation->source.filename().string());
                } catch (const imaging::SegmentationError& e) {
                    maskMisses.push_back("series '" + what + "': " + e.what());
                }
            }
            const auto hu = imaging::findLandmarks(*volume);
            const auto landmarks = fromMasks ? imaging::combineLandmarks(*fromMasks, hu) : hu;
            const auto contrast = imaging::estimateContrastPhase(*volume, landmarks);
            // A phase the description names is what the radiographer recorded; the images decide when it is silent.
            const auto fromImages = seriesKindFromImages(landmarks, contrast);
            kind = kindFromDescription(r);
            std::string said = kind ? " (named in the description" : "";
            if (kind && fromImages && fromImages != kind)
                said += "; the images look " + std::string(seriesKindText(fromImages)) + ": check it";
            if (!said.empty()) said += ")";
            if (!kind) kind = fromImages;
            std::vector<std::string> why;
            auto regions = regionsFromLandmarks(landmarks, &why);
            const auto [zLow, zHigh] = zRange(r);
            for (auto& region : regions) {
                region.zFromMm = std::max(region.zFromMm, round1(zLow));
                region.zToMm = std::min(region.zToMm, round1(zHigh));
            }
            perSeries.push_back(std::move(regions));
            const std::string named = kind ? std::string(seriesKindText(kind))
                                           : std::string(phantom::seriesKindName(guessKind(r))) + " (guessed)";
            found.push_back("Series '" + what + "': " + named + said + "; contrast from the images: " +
                            imaging::contrastPhaseName(contrast.phase) + " (" + contrast.reason + ")");
            for (const auto& w : why) found.push_back("Region " + w);
        } catch (const std::exception& e) {
            found.push_back("Series '" + what + "' could not be read for landmarks: " + e.what());
        }
        if (!kind) kind = guessKind(r);
        s.images.series.push_back(spec(r, *kind, 20.0 + 30.0 * double(i), 20));
        auto [lo, hi] = zRange(r);
        zLo = std::min(zLo, lo);
        zHi = std::max(zHi, hi);
    }
    if (options.segmentation && maskHits == 0 && !maskMisses.empty()) {
        std::string why;
        for (const auto& m : maskMisses) why += "\n  " + m;
        throw NewCaseError("the segmentation " + options.segmentation->source.string() + " lies on none of the " +
                           std::to_string(maskMisses.size()) + " CT series in " + dicomFolder.string() + ":" + why);
    }
    for (const auto& m : maskMisses) found.push_back("The segmentation does not lie on " + m + " (landmarks from HU)");
    const std::vector<Region> detected = mergeRegions(perSeries);

    const auto& body = phantom::bodyExtent();
    const double scale = (zHi - zLo) / (body.zTopMm - body.zBottomMm);
    for (Region r : phantomRegions()) {
        if (r.id == "scout") {
            if (!localizer) continue;
            r.zFromMm = round1(zLo);
            r.zToMm = round1(zHi);
            r.series = s.images.series.front().id;
            s.regions.push_back(r);
            continue;
        }
        if (!detected.empty()) {
            auto it = std::find_if(detected.begin(), detected.end(), [&](const Region& d) { return d.id == r.id; });
            if (it != detected.end()) s.regions.push_back(*it);
            continue;
        }
        // Nothing found in the images (no axial series): the default regions with the phantom's proportions
        // squeezed onto the series' z range, a first guess that keeps every region inside the images.
        const double from = zLo + (r.zFromMm - body.zBottomMm) * scale;
        const double to = zLo + (r.zToMm - body.zBottomMm) * scale;
        r.zFromMm = std::clamp(round1(from), zLo, zHi);
        r.zToMm = std::clamp(round1(to), zLo, zHi);
        if (r.zFromMm > r.zToMm) std::swap(r.zFromMm, r.zToMm);
        // The phantom's spans across the body say nothing of where this patient lies: axial slices only.
        r.xMm.reset();
        r.yMm.reset();
        fillPlaneSpans(r, false);
        s.regions.push_back(r);
    }
    for (const auto& id : defaultReadingOrder())
        if (s.findRegion(id)) s.readingOrder.push_back(id);
    conclusionSkeleton(s);
    s.expertReport = reportSkeleton(s);

    NewCase out{std::move(s), {}, zLo, zHi};
    char range[96];
    std::snprintf(range, sizeof range, "%.0f to %.0f mm", zLo, zHi);
    if (!detected.empty())
        out.notes.push_back(std::string("Regions and series kinds come from the images") +
                            (maskHits ? " and the segmentation's structures" : "") + " (z " + range +
                            "): each region spans the landmarks that bound it, and regions the images do not hold are "
                            "left out; check them on the coronal view (Regions tab).");
    else
        out.notes.push_back(std::string("No landmarks found (no axial CT volume): region z limits are only a first "
                                        "guess, spread over the series' z range (") +
                            range + "): drag them into place on the coronal view (Regions tab).");
    for (const auto& f : found) out.notes.push_back(f);
    if (!localizer) out.notes.push_back("No localizer in the folder: the case has no scout.");
    if (const std::string& text = out.scenario.images.series.front().folderText; text.rfind("${POLYSIM_DATA}", 0) != 0)
        out.notes.push_back(std::string("The DICOM folder is written ") +
                            (fs::path(text).is_absolute() ? "as an absolute path (it is far from the case file)"
                                                          : "relative to the case file") +
                            "; with POLYSIM_DATA set to the dataset's folder it would be written as "
                            "${POLYSIM_DATA}/..., which works on any machine.");
    out.notes.push_back("No findings yet: place them at the crosshair in the Findings tab.");
    out.notes.push_back(
        "Fill in the image licence or citation, the author and the learning objectives (Case tab), the patient and "
        "the expert report.");
    return out;
}

}  // namespace polysim::scenario

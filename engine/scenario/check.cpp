// The meaning checks of a scenario: ids are unique, references resolve, times fit the session, windows exist,
// findings lie inside their volume and region, and DICOM data is where the file says.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "common/format.h"
#include "imaging/dicom_loader.h"
#include "imaging/window.h"
#include "scenario/internal.h"

namespace polysim::scenario::detail {
namespace {

std::vector<std::string> presetNames() {
    std::vector<std::string> out;
    for (const auto& p : imaging::kWindowPresets) out.emplace_back(p.name);
    return out;
}

struct Box {
    glm::dvec3 lo{0.0}, hi{0.0};
    bool contains(const glm::dvec3& p, double tolerance = 0) const {
        for (int a = 0; a < 3; ++a)
            if (p[a] < lo[a] - tolerance || p[a] > hi[a] + tolerance) return false;
        return true;
    }
};

std::string vec(const glm::dvec3& v) {
    return "[" + shortNumber(v.x) + ", " + shortNumber(v.y) + ", " + shortNumber(v.z) + "]";
}

class Checker {
public:
    Checker(const Scenario& s, const Locations& locs, const LoadOptions& options, Report& report)
        : s_(s), locs_(locs), options_(options), report_(report) {}

    void run() {
        checkIds();
        checkProgramme();
        checkSeries();
        checkRegions();
        checkOrder();
        checkFindings();
        checkPatient();
        checkInterruptions();
        checkConclusion();
    }

private:
    // What a programme reads off the case: its level, milestones and faculty sign-off.
    void checkProgramme() {
        const auto& m = s_.meta;
        if (!validLevel(m.level))
            report_.error(at("meta.level", top()), "level '" + m.level +
                                                       "' is not one polysim knows: PGY-1 to PGY-7 (ACGME), or ESR-1 "
                                                       "to ESR-5 (year of the ESR European Training Curriculum)");
        for (std::size_t i = 0; i < m.milestones.size(); ++i)
            if (!validMilestone(m.milestones[i]))
                report_.error(at("meta.milestones[" + std::to_string(i) + "]", top()),
                              "milestone '" + m.milestones[i] +
                                  "' is not an ACGME subcompetency id (PC, MK, SBP, PBLI, PROF or ICS and its number, "
                                  "e.g. PC2)");
        if (m.reviewedBy.empty() != m.reviewedOn.empty())
            report_.error(at(m.reviewedBy.empty() ? "meta.reviewed_on" : "meta.reviewed_by", top()),
                          "a sign-off needs both reviewed_by (who) and reviewed_on (when, YYYY-MM-DD)");
    }

    SourceLocation at(const std::string& path, const SourceLocation& fallback) const {
        auto it = locs_.find(path);
        if (it != locs_.end() && it->second.line > 0) return it->second;
        if (fallback.line > 0 || !fallback.file.empty()) return fallback;
        return {report_.file, 0, 0};
    }
    // False when the reader could not read the value at `path` (reported there), so that its default is not judged.
    bool readable(const std::string& path) const {
        auto it = locs_.find(path);
        if (it == locs_.end()) return true;
        return std::none_of(report_.diagnostics.begin(), report_.diagnostics.end(), [&](const Diagnostic& d) {
            return d.unreadable && d.where.line == it->second.line && d.where.column == it->second.column;
        });
    }
    SourceLocation top() const {
        auto it = locs_.find("");
        return it != locs_.end() ? it->second : SourceLocation{report_.file, 0, 0};
    }

    template <class T, class IdOf>
    void unique(const std::vector<T>& items, IdOf idOf, const std::string& prefix, const std::string& what,
                const std::function<SourceLocation(std::size_t)>& whereOf) {
        std::map<std::string, std::size_t> first;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string& id = idOf(items[i]);
            if (id.empty()) continue;
            auto [it, inserted] = first.emplace(id, i);
            if (!inserted) {
                SourceLocation prev = at(prefix + "[" + std::to_string(it->second) + "].id", whereOf(it->second));
                report_.error(
                    at(prefix + "[" + std::to_string(i) + "].id", whereOf(i)),
                    "duplicate " + what + " id '" + id + "'" +
                        (prev.line > 0 ? " (first defined at line " + std::to_string(prev.line) + ")" : std::string()));
            }
        }
    }

    void checkIds() {
        // Where the file has no 'id' at all, the reader said so already.
        if ((locs_.empty() || locs_.count("meta.id")) && readable("meta.id") && !validId(s_.meta.id))
            report_.error(
                at("meta.id", top()),
                "'id' must be lower-case letters, digits, '_' or '-' (it names results), not '" + s_.meta.id + "'");
        for (std::size_t i = 0; i < s_.findings.size(); ++i)
            if (!s_.findings[i].id.empty() && !validId(s_.findings[i].id))
                report_.error(at("findings[" + std::to_string(i) + "].id", s_.findings[i].where),
                              "'id' must be lower-case letters, digits, '_' or '-', not '" + s_.findings[i].id + "'");
        unique(
            s_.images.series, [](const SeriesSpec& x) -> const std::string& { return x.id; }, "images.series", "series",
            [&](std::size_t i) { return s_.images.series[i].where; });
        unique(
            s_.regions, [](const Region& x) -> const std::string& { return x.id; }, "regions", "region",
            [&](std::size_t i) { return s_.regions[i].where; });
        unique(
            s_.findings, [](const Finding& x) -> const std::string& { return x.id; }, "findings", "finding",
            [&](std::size_t i) { return s_.findings[i].where; });
        unique(
            s_.interruptions, [](const Interruption& x) -> const std::string& { return x.id; }, "interruptions",
            "interruption", [&](std::size_t i) { return s_.interruptions[i].where; });
        unique(
            s_.conclusion.keyPoints, [](const KeyPoint& x) -> const std::string& { return x.id; },
            "conclusion.key_points", "key point", [&](std::size_t) { return top(); });
        for (std::size_t i = 0; i < s_.interruptions.size(); ++i) {
            const auto& in = s_.interruptions[i];
            unique(
                in.answers, [](const AnswerOption& x) -> const std::string& { return x.id; },
                "interruptions[" + std::to_string(i) + "].answers", "answer", [&](std::size_t) { return in.where; });
        }
    }

    std::vector<std::string> ids(const auto& items) const {
        std::vector<std::string> out;
        for (const auto& x : items) out.push_back(x.id);
        return out;
    }

    // ---- images ----

    void checkSeries() {
        const bool phantom = s_.images.phantom.has_value();
        const auto& series = s_.images.series;
        if (!phantom && series.empty()) {
            report_.error(at("images", top()),
                          "[images] needs either [images.phantom] (the built-in patient) or [[images.series]] "
                          "entries with a DICOM 'folder'");
            return;
        }
        std::map<phantom::SeriesKind, std::size_t> kinds;
        for (std::size_t i = 0; i < series.size(); ++i) {
            const auto& sp = series[i];
            const std::string p = "images.series[" + std::to_string(i) + "]";
            if (sp.arrivalSeconds + sp.arrivalDurationSeconds > s_.durationSeconds)
                report_.warning(at(p + ".arrival", sp.where),
                                "series '" + sp.id + "' is still arriving at " +
                                    shortNumber(sp.arrivalSeconds + sp.arrivalDurationSeconds) +
                                    " s, after the session ends (" + shortNumber(s_.durationSeconds) + " s)");
            if (phantom) {
                if (!sp.folderText.empty())
                    report_.error(at(p + ".folder", sp.where),
                                  "series '" + sp.id +
                                      "' has a 'folder', but this scenario runs on the built-in "
                                      "phantom, which generates its series (remove [images.phantom] to use DICOM)");
                if (!sp.seriesInstanceUid.empty())
                    report_.error(at(p + ".series_uid", sp.where),
                                  "'series_uid' is for DICOM series; the phantom's series are chosen by 'kind'");
                if (sp.kind) {
                    auto [it, inserted] = kinds.emplace(*sp.kind, i);
                    if (!inserted)
                        report_.error(at(p + ".kind", sp.where), "the phantom makes one series of each kind; '" +
                                                                     std::string(seriesKindText(sp.kind)) +
                                                                     "' is already series '" + series[it->second].id +
                                                                     "'");
                }
            } else {
                if (sp.folderText.empty()) {
                    report_.error(sp.where, "series '" + sp.id +
                                                "' needs a 'folder' (DICOM data, relative to the scenario file or "
                                                "under an environment variable such as \"${POLYSIM_DATA}/...\")");
                    continue;
                }
                checkDicomSeries(sp, p);
            }
        }
    }

    void dataMissing(const SourceLocation& where, const std::string& message) {
        if (options_.requireData)
            report_.error(where, message);
        else
            report_.warning(where, message +
                                       "; the scenario cannot be played on this machine until the data is "
                                       "there (with --require-data this is an error)");
    }

    void checkDicomSeries(const SeriesSpec& sp, const std::string& p) {
        const SourceLocation where = at(p + ".folder", sp.where);
        if (sp.folder.empty()) {
            std::string var = sp.folderText.substr(sp.folderText.size() > 1 && sp.folderText[1] == '{' ? 2 : 1);
            var =
                var.substr(0, var.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"));
            dataMissing(where, "DICOM data of series '" + sp.id + "' not found: environment variable " + var +
                                   " is not set (set it to the folder that holds the dataset)");
            return;
        }
        std::error_code ec;
        if (!std::filesystem::exists(sp.folder, ec)) {
            dataMissing(where, "DICOM data of series '" + sp.id + "' not found: no folder " + sp.folder.string());
            return;
        }
        if (!options_.scanDicom) return;
        const imaging::ScanReport* scan = scanOf(sp.folder, where);
        if (!scan) return;
        if (sp.kind == phantom::SeriesKind::Scout) {
            // A scout is a localizer, a projection never stacked into a volume: it only has to be there.
            for (const auto& r : scan->series)
                if (r.localizer && (sp.seriesInstanceUid.empty() || r.id == sp.seriesInstanceUid ||
                                    imaging::seriesKey(r) == sp.seriesInstanceUid))
                    return;
            if (sp.seriesInstanceUid.empty()) {
                report_.error(where, "no localizer (scout) image in " + sp.folder.string() + " for series '" + sp.id +
                                         "'; without a scout series the reading room projects one from the body "
                                         "series");
                return;
            }
        }
        const imaging::SeriesReport* chosen = nullptr;
        try {
            chosen = &imaging::chooseCtSeries(*scan, sp.seriesInstanceUid);
        } catch (const std::exception& e) {
            std::vector<std::string> uids;
            for (const auto& r : scan->series)
                if (r.isCt && uids.size() < 6) uids.push_back(imaging::seriesKey(r));
            const SourceLocation uidWhere = sp.seriesInstanceUid.empty() ? where : at(p + ".series_uid", where);
            if (!sp.seriesInstanceUid.empty())
                report_.error(uidWhere, "series UID '" + sp.seriesInstanceUid + "' of series '" + sp.id +
                                            "' not found in " + sp.folder.string() +
                                            (uids.empty() ? std::string(" (it holds no CT series)")
                                                          : " (CT series there: " + joinQuoted(uids) + ")"));
            else
                report_.error(uidWhere,
                              "no CT series in " + sp.folder.string() + " for series '" + sp.id + "': " + e.what());
            return;
        }
        if (!chosen->loadable) {
            report_.error(sp.seriesInstanceUid.empty() ? where : at(p + ".series_uid", where),
                          "series '" + sp.id + "' (" + chosen->id +
                              ") cannot be loaded as a volume: " + chosen->notLoadableReason);
            return;
        }
        if (sp.kind != phantom::SeriesKind::Scout && !chosen->slices.empty()) dicomBoxes_.push_back(boxOf(*chosen));
    }

    const imaging::ScanReport* scanOf(const std::filesystem::path& folder, const SourceLocation& where) {
        auto it = scans_.find(folder.string());
        if (it != scans_.end()) return it->second.get();
        std::shared_ptr<imaging::ScanReport> scan;
        try {
            scan = std::make_shared<imaging::ScanReport>(imaging::scanDicom(folder));
        } catch (const std::exception& e) {
            report_.error(where, std::string("cannot read DICOM folder: ") + e.what());
        }
        scans_[folder.string()] = scan;
        return scan.get();
    }

    static Box boxOf(const imaging::SeriesReport& r) {
        Box b{glm::dvec3(1e300), glm::dvec3(-1e300)};
        const glm::dvec3 across = r.rowDirection * (r.pixelSpacing.x * std::max(r.matrix.x - 1, 0));
        const glm::dvec3 down = r.columnDirection * (r.pixelSpacing.y * std::max(r.matrix.y - 1, 0));
        for (const auto* sl : {&r.slices.front(), &r.slices.back()}) {
            for (int c = 0; c < 4; ++c) {
                glm::dvec3 p = sl->position + (c & 1 ? across : glm::dvec3(0.0)) + (c & 2 ? down : glm::dvec3(0.0));
                b.lo = glm::min(b.lo, p);
                b.hi = glm::max(b.hi, p);
            }
        }
        return b;
    }

    // ---- regions and order ----

    void checkWindows(const std::vector<std::string>& windows, const std::string& path, const SourceLocation& fb) {
        static const auto names = presetNames();
        for (std::size_t i = 0; i < windows.size(); ++i)
            if (!imaging::findWindowPreset(windows[i]))
                report_.error(at(path + "[" + std::to_string(i) + "]", at(path, fb)),
                              "unknown window '" + windows[i] + "'" + didYouMean(windows[i], names) +
                                  " (presets: " + joinQuoted(names) + ")");
    }

    void checkRegions() {
        const auto seriesIds = ids(s_.images.series);
        for (std::size_t i = 0; i < s_.regions.size(); ++i) {
            const auto& r = s_.regions[i];
            const std::string p = "regions[" + std::to_string(i) + "]";
            checkWindows(r.windows, p + ".windows", r.where);
            if (r.windows.empty())
                report_.warning(at(p + ".windows", r.where),
                                "region '" + r.id + "' has no windows, so it can never count as read");
            if (!r.series.empty() && !s_.images.series.empty() &&
                std::find(seriesIds.begin(), seriesIds.end(), r.series) == seriesIds.end())
                report_.error(at(p + ".series", r.where), "region '" + r.id + "' names unknown series '" + r.series +
                                                              "'" + didYouMean(r.series, seriesIds) +
                                                              " (series: " + joinQuoted(seriesIds) + ")");
            checkPlaneSpans(r, p);
        }
    }

    // A reformat plane's span must lie inside the images, or no sweep of them could cross it.
    void checkPlaneSpans(const Region& r, const std::string& p) {
        if (r.planes.empty())
            report_.error(at(p + ".planes", r.where), "region '" + r.id +
                                                          "' is read in no plane, so it can never count "
                                                          "as read");
        const auto box = volumeBox();
        for (auto plane : {imaging::Plane::Sagittal, imaging::Plane::Coronal}) {
            const auto span = r.sweep(plane);
            const int axis = imaging::normalAxis(plane);
            const std::string key = axis == 0 ? "x" : "y";
            // The reader drops a plane without its span; a case built in code (the authoring mode) may hold one.
            if (r.readIn(plane) && !span)
                report_.error(at(p + ".planes", r.where), "region '" + r.id + "' is read in the " +
                                                              std::string(imaging::planeName(plane)) +
                                                              " plane but has no '" + key + "' span to sweep");
            if (!box || !r.readIn(plane) || !span) continue;
            if (span->first >= box->lo[axis] - 1.0 && span->second <= box->hi[axis] + 1.0) continue;
            report_.error(at(p + "." + key, r.where),
                          "'" + key + "' of region '" + r.id + "' [" + shortNumber(span->first) + ", " +
                              shortNumber(span->second) + "] mm runs outside the images (" + key + " " +
                              shortNumber(box->lo[axis]) + " to " + shortNumber(box->hi[axis]) +
                              " mm), so no sweep of " + std::string(imaging::planeName(plane)) +
                              " slices could cross it");
        }
    }

    void checkOrder() {
        const auto regionIds = ids(s_.regions);
        std::set<std::string> seen;
        for (std::size_t i = 0; i < s_.readingOrder.size(); ++i) {
            const auto& id = s_.readingOrder[i];
            const SourceLocation w =
                at("session.reading_order[" + std::to_string(i) + "]", at("session.reading_order", top()));
            if (!s_.findRegion(id))
                report_.error(w, "reading order names unknown region '" + id + "'" + didYouMean(id, regionIds) +
                                     " (regions: " + joinQuoted(regionIds) + ")");
            else if (!seen.insert(id).second)
                report_.error(w, "region '" + id + "' appears twice in the reading order");
        }
        // Each accepted alternative is the same regions in another order.
        const std::set<std::string> protocol(s_.readingOrder.begin(), s_.readingOrder.end());
        for (std::size_t a = 0; a < s_.alternativeOrders.size(); ++a) {
            const std::string path = "session.alternative_orders[" + std::to_string(a) + "]";
            const SourceLocation whole = at(path, at("session.alternative_orders", top()));
            std::set<std::string> mine;
            bool known = true;
            for (std::size_t i = 0; i < s_.alternativeOrders[a].size(); ++i) {
                const auto& id = s_.alternativeOrders[a][i];
                const SourceLocation w = at(path + "[" + std::to_string(i) + "]", whole);
                if (!s_.findRegion(id)) {
                    report_.error(w, "alternative order " + std::to_string(a + 1) + " names unknown region '" + id +
                                         "'" + didYouMean(id, regionIds) + " (regions: " + joinQuoted(regionIds) + ")");
                    known = false;
                } else if (!mine.insert(id).second) {
                    report_.error(w, "region '" + id + "' appears twice in alternative order " + std::to_string(a + 1));
                }
            }
            if (!known || mine == protocol) continue;
            std::vector<std::string> missing, extra;
            for (const auto& id : protocol)
                if (!mine.count(id)) missing.push_back(id);
            for (const auto& id : mine)
                if (!protocol.count(id)) extra.push_back(id);
            report_.error(whole, "alternative order " + std::to_string(a + 1) +
                                     " must hold the reading order's regions in another order" +
                                     (missing.empty() ? std::string() : "; it leaves out " + joinQuoted(missing)) +
                                     (extra.empty() ? std::string() : "; it adds " + joinQuoted(extra)));
        }
        if (!locs_.count("session.reading_order")) return;
        for (const auto& r : s_.regions)
            if (!seen.count(r.id))
                report_.warning(at("session.reading_order", top()),
                                "region '" + r.id + "' is not in the reading order, so order scoring ignores it");
    }

    // ---- findings ----

    std::optional<Box> volumeBox() {
        if (s_.images.phantom) {
            std::vector<phantom::SeriesKind> kinds;
            for (const auto& sp : s_.images.series)
                if (sp.kind) kinds.push_back(*sp.kind);
            auto [lo, hi] = phantomVolumeBox(*s_.images.phantom, kinds);
            if (lo.x >= hi.x) return std::nullopt;
            return Box{lo, hi};
        }
        if (dicomBoxes_.empty()) return std::nullopt;
        Box b = dicomBoxes_.front();
        for (const auto& o : dicomBoxes_) {
            b.lo = glm::min(b.lo, o.lo);
            b.hi = glm::max(b.hi, o.hi);
        }
        return b;
    }

    // The phantom's injuries exist and are listed once; findings name injuries of these images.
    void checkInjuries() {
        const auto library = phantomInjuryIds();
        if (s_.images.phantom) {
            std::set<std::string> seen;
            const auto& injuries = s_.images.phantom->injuries;
            for (std::size_t i = 0; i < injuries.size(); ++i) {
                const auto& id = injuries[i];
                const SourceLocation w =
                    at("images.phantom.injuries[" + std::to_string(i) + "]", at("images.phantom", top()));
                if (std::find(library.begin(), library.end(), id) == library.end())
                    report_.error(w, "unknown phantom injury '" + id + "'" + didYouMean(id, library) +
                                         " ('polysim phantom --list-injuries' lists them)");
                else if (!seen.insert(id).second)
                    report_.error(w, "injury '" + id + "' is listed twice");
            }
            const auto& known = phantom::knownDevices();
            const auto& devices = s_.images.phantom->devices;
            for (std::size_t i = 0; i < devices.size(); ++i)
                if (std::find(known.begin(), known.end(), devices[i]) == known.end())
                    report_.error(at("images.phantom.devices[" + std::to_string(i) + "]", at("images.phantom", top())),
                                  "unknown device '" + devices[i] + "'" + didYouMean(devices[i], known) +
                                      " (known: " + phantom::knownDeviceList() + ")");
        }
        for (std::size_t i = 0; i < s_.findings.size(); ++i) {
            const auto& f = s_.findings[i];
            if (f.phantomInjury.empty()) continue;
            const SourceLocation w = at("findings[" + std::to_string(i) + "].injury", f.where);
            if (!s_.images.phantom) {
                report_.error(w,
                              "'injury' takes ground truth from the built-in phantom, but this scenario has no "
                              "[images.phantom]");
                continue;
            }
            const auto& injuries = s_.images.phantom->injuries;
            if (std::find(injuries.begin(), injuries.end(), f.phantomInjury) != injuries.end()) continue;
            const bool known = std::find(library.begin(), library.end(), f.phantomInjury) != library.end();
            report_.error(
                w,
                "finding refers to injury '" + f.phantomInjury + "', which is not in [images.phantom] injuries" +
                    (known ? " (add it there)" : didYouMean(f.phantomInjury, injuries.empty() ? library : injuries)));
        }
    }

    // The trainee reads the title before the case: it says what happened, not what is to be found.
    void checkTitle() {
        auto words = [](const std::string& text) {
            std::string out = " ";
            for (unsigned char c : text) out += std::isalnum(c) ? char(std::tolower(c)) : ' ';
            std::string squeezed;
            for (char c : out + " ")
                if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
            return squeezed;
        };
        const std::string title = words(s_.meta.title);
        for (const auto& f : s_.findings) {
            std::vector<std::string> names = f.synonyms;
            names.push_back(f.label.substr(0, f.label.find_first_of(",:(")));
            for (const auto& n : names) {
                std::string w = words(n);
                if (w.size() > 2 && title.find(w) != std::string::npos) {
                    report_.warning(at("meta.title", top()), "the title names finding '" + f.id + "' ('" + n +
                                                                 "'): say what happened, not what is to be found");
                    break;
                }
            }
        }
    }

    void checkFindings() {
        checkInjuries();
        const auto regionIds = ids(s_.regions);
        const auto volume = volumeBox();
        const auto& roles = knownRoles();
        // A negative scan has no finding on purpose: it is scored on the read, the answers, the conclusion's key
        // points ("no acute injury") and any false Category 1 call. Without key points nothing would be scored.
        if (s_.findings.empty() && s_.conclusion.keyPoints.empty())
            report_.warning(at("findings", top()),
                            "the scenario has no [[findings]]: nothing can be detected, called or scored");
        checkTitle();
        for (std::size_t i = 0; i < s_.findings.size(); ++i) {
            const auto& f = s_.findings[i];
            const std::string p = "findings[" + std::to_string(i) + "]";
            const Region* region = f.region.empty() ? nullptr : s_.findRegion(f.region);
            if (!f.region.empty() && !region)
                report_.error(at(p + ".region", f.where),
                              "finding '" + f.id + "' is in region '" + f.region + "', which does not exist" +
                                  didYouMean(f.region, regionIds) + " (regions: " + joinQuoted(regionIds) + ")");
            if (f.deadlineSeconds > s_.durationSeconds)
                report_.error(at(p + ".deadline", f.where),
                              "deadline of finding '" + f.id + "' (" + shortNumber(f.deadlineSeconds) +
                                  " s) is after the session ends (" + shortNumber(s_.durationSeconds) +
                                  " s, [session] duration)");
            checkWindows(f.windows, p + ".windows", f.where);
            for (std::size_t k = 0; k < f.tell.size(); ++k)
                if (std::find(roles.begin(), roles.end(), f.tell[k]) == roles.end())
                    report_.warning(at(p + ".tell[" + std::to_string(k) + "]", f.where),
                                    "finding '" + f.id + "' is to be told to '" + f.tell[k] +
                                        "', who is not a known role" + didYouMean(f.tell[k], roles) +
                                        " (roles: " + joinQuoted(roles) + ")");
            const SourceLocation centreAt = at(p + ".centre", at(p + ".injury", f.where));
            // A finding whose position is missing (reported by the reader) has no geometry to judge.
            const bool placed = locs_.empty() || locs_.count(p + ".centre") || !f.phantomInjury.empty();
            if (placed && volume && !volume->contains(f.centreLps)) {
                report_.error(centreAt, "finding '" + f.id + "' at " + vec(f.centreLps) +
                                            " mm lies outside the volume (" + vec(volume->lo) + " to " +
                                            vec(volume->hi) + " mm LPS)");
            } else if (placed && volume) {
                Box fb{f.centreLps - f.extentMm / 2.0, f.centreLps + f.extentMm / 2.0};
                if (!volume->contains(fb.lo, 1.0) || !volume->contains(fb.hi, 1.0))
                    report_.warning(at(p + ".extent", centreAt),
                                    "finding '" + f.id + "' extends beyond the volume (box " + vec(fb.lo) + " to " +
                                        vec(fb.hi) + ", volume " + vec(volume->lo) + " to " + vec(volume->hi) + ")");
            }
            if (placed && region && (f.centreLps.z < region->zFromMm - 1.0 || f.centreLps.z > region->zToMm + 1.0))
                report_.warning(centreAt, "finding '" + f.id + "' at z = " + shortNumber(f.centreLps.z) +
                                              " mm is outside its region '" + region->id + "' (z " +
                                              shortNumber(region->zFromMm) + " to " + shortNumber(region->zToMm) +
                                              " mm)");
        }
        if (s_.images.phantom) {
            const auto library = phantomInjuryIds();
            for (std::size_t i = 0; i < s_.images.phantom->injuries.size(); ++i) {
                const auto& inj = s_.images.phantom->injuries[i];
                if (std::find(library.begin(), library.end(), inj) == library.end()) continue;  // reported above
                // A normal variant (a ductus diverticulum) is in the images to be told from an injury, not scored.
                if (const auto* info = phantom::findInjury(inj); info && info->normalVariant) continue;
                bool scored = std::any_of(s_.findings.begin(), s_.findings.end(),
                                          [&](const Finding& f) { return f.phantomInjury == inj; });
                if (!scored)
                    report_.warning(at("images.phantom.injuries[" + std::to_string(i) + "]", top()),
                                    "injury '" + inj +
                                        "' is in the images but no finding scores it (add a "
                                        "[[findings]] entry with injury = \"" +
                                        inj + "\")");
            }
        }
    }

    // ---- patient ----

    void checkVitals(const VitalSigns& v, const SourceLocation& where) {
        if (v.diastolic >= v.systolic)
            report_.error(where, "diastolic pressure (" + shortNumber(v.diastolic) + ") must be below systolic (" +
                                     shortNumber(v.systolic) + ")");
    }

    void checkPatient() {
        const auto& p = s_.patient;
        checkVitals(p.vitalsAtStart, at("patient.vitals", at("patient", top())));
        // The built-in patient takes the case's sex and age (phantomOptionsFor); outside what it can show, the
        // seed's are shown instead and the author should know.
        if (s_.images.phantom && p.ageYears > 0 && (p.ageYears < 16 || p.ageYears > 100))
            report_.warning(at("patient.age", at("patient", top())),
                            "the built-in patient is an adult of 16 to 100: a patient of " +
                                std::to_string(p.ageYears) + " is shown at the age its seed gives");
        if (s_.images.phantom && p.sex == "unknown")
            report_.warning(at("patient.sex", at("patient", top())),
                            "sex 'unknown': the built-in patient is shown with the sex its seed gives");
        double lastAt = 0;
        for (std::size_t i = 0; i < p.vitalsTrend.size(); ++i) {
            const std::string path = "patient.trend[" + std::to_string(i) + "]";
            checkVitals(p.vitalsTrend[i].vitals, at(path, top()));
            const double t = p.vitalsTrend[i].atSeconds;
            if (t < lastAt && readable(path + ".at"))
                report_.error(at(path + ".at", at(path, top())),
                              "vitals trend entries must be in time order; 'at' = " + shortNumber(t) +
                                  " s comes after " + shortNumber(lastAt) + " s");
            lastAt = std::max(lastAt, t);
            if (p.vitalsTrend[i].atSeconds > s_.durationSeconds)
                report_.warning(at(path + ".at", top()), "vitals change at " + shortNumber(p.vitalsTrend[i].atSeconds) +
                                                             " s comes after the session ends (" +
                                                             shortNumber(s_.durationSeconds) + " s)");
        }
        const auto findingIds = ids(s_.findings);
        for (std::size_t i = 0; i < p.deteriorations.size(); ++i) {
            const auto& d = p.deteriorations[i];
            const std::string path = "patient.deterioration[" + std::to_string(i) + "]";
            checkVitals(d.vitals, at(path, top()));
            const Finding* f = s_.findFinding(d.findingId);
            if (!d.findingId.empty() && !f)
                report_.error(at(path + ".finding", at(path, top())), "deterioration refers to unknown finding '" +
                                                                          d.findingId + "'" +
                                                                          didYouMean(d.findingId, findingIds));
            else if (f && f->acrCategory != 1)
                report_.warning(at(path + ".finding", at(path, top())),
                                "deterioration follows finding '" + f->id + "', which is Category " +
                                    std::to_string(f->acrCategory) +
                                    ", not 1: a late call of it would not "
                                    "normally change the patient within the session");
        }
    }

    // ---- interruptions ----

    void checkInterruptions() {
        const auto regionIds = ids(s_.regions);
        const auto findingIds = ids(s_.findings);
        const auto interruptionIds = ids(s_.interruptions);
        const auto& roles = knownRoles();
        using T = InterruptionTrigger::Type;
        for (std::size_t i = 0; i < s_.interruptions.size(); ++i) {
            const auto& in = s_.interruptions[i];
            const std::string p = "interruptions[" + std::to_string(i) + "]";
            const auto& tr = in.trigger;
            switch (tr.type) {
                case T::AtTime:
                    if (tr.atSeconds + tr.delaySeconds > s_.durationSeconds)
                        report_.warning(at(p + ".at", in.where), "interruption '" + in.id + "' at " +
                                                                     shortNumber(tr.atSeconds + tr.delaySeconds) +
                                                                     " s comes after the session ends (" +
                                                                     shortNumber(s_.durationSeconds) + " s)");
                    break;
                case T::RegionOpened:
                    if (!tr.target.empty() && !s_.findRegion(tr.target))
                        report_.error(at(p + ".when_region_opened", in.where),
                                      "interruption '" + in.id + "' waits for unknown region '" + tr.target + "'" +
                                          didYouMean(tr.target, regionIds));
                    break;
                case T::FindingOnScreen:
                    if (!tr.target.empty() && !s_.findFinding(tr.target))
                        report_.error(at(p + ".when_finding_on_screen", in.where),
                                      "interruption '" + in.id + "' waits for unknown finding '" + tr.target + "'" +
                                          didYouMean(tr.target, findingIds));
                    break;
                case T::InterruptionIgnored:
                    if (tr.target == in.id)
                        report_.error(at(p + ".when_ignored", in.where),
                                      "interruption '" + in.id + "' waits for itself to be ignored");
                    else if (!tr.target.empty() && !s_.findInterruption(tr.target))
                        report_.error(at(p + ".when_ignored", in.where),
                                      "interruption '" + in.id + "' waits for unknown interruption '" + tr.target +
                                          "'" + didYouMean(tr.target, interruptionIds));
                    else if (inCycle(i))
                        report_.error(at(p + ".when_ignored", in.where),
                                      "interruption '" + in.id +
                                          "' is part of a cycle of 'when_ignored' triggers, "
                                          "so none of them can ever start");
                    break;
            }
            for (std::size_t k = 0; k < in.relatedFindings.size(); ++k)
                if (!s_.findFinding(in.relatedFindings[k]))
                    report_.error(at(p + ".findings[" + std::to_string(k) + "]", at(p + ".findings", in.where)),
                                  "interruption '" + in.id + "' refers to unknown finding '" + in.relatedFindings[k] +
                                      "'" + didYouMean(in.relatedFindings[k], findingIds));
            if (!in.role.empty() && std::find(roles.begin(), roles.end(), in.role) == roles.end())
                report_.warning(at(p + ".role", in.where),
                                "interruption '" + in.id + "' has role '" + in.role + "', which is not a known role" +
                                    didYouMean(in.role, roles) + " (roles: " + joinQuoted(roles) + ")");
            const bool answerable = in.kind != InterruptionKind::Noise;
            if (answerable && in.answers.empty() && in.keywords.empty())
                report_.warning(in.where, "interruption '" + in.id +
                                              "' has neither 'answers' nor 'keywords', so no reply can be scored");
            if (answerable && !in.answers.empty() &&
                std::none_of(in.answers.begin(), in.answers.end(), [](const AnswerOption& a) { return a.correct; }))
                report_.warning(at(p + ".answers", in.where),
                                "no answer of interruption '" + in.id + "' is marked correct = true");
            // In a negative scan a challenge pushes an overcall: holding is the right answer, with no finding to name.
            if (in.kind == InterruptionKind::Challenge && in.relatedFindings.empty() && !s_.findings.empty())
                report_.warning(in.where, "challenge '" + in.id +
                                              "' names no 'findings' it is about, so holding or "
                                              "revising cannot be judged");
            if (in.kind == InterruptionKind::Noise && !in.answers.empty())
                report_.warning(at(p + ".answers", in.where),
                                "noise '" + in.id + "' has answers; noise is only acknowledged");
        }
    }

    // Whether interruption `start` lies on a cycle of 'when_ignored' triggers. Each interruption waits for at most
    // one other, so the triggers form chains; every chain is walked once, whatever its length.
    bool inCycle(std::size_t start) {
        if (onCycle_.empty()) markCycles();
        return onCycle_[start] != 0;
    }
    void markCycles() {
        const std::size_t n = s_.interruptions.size();
        std::map<std::string, std::size_t> byId;
        for (std::size_t i = 0; i < n; ++i) byId.emplace(s_.interruptions[i].id, i);
        constexpr std::size_t kNone = ~std::size_t(0);
        std::vector<std::size_t> next(n, kNone);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& tr = s_.interruptions[i].trigger;
            if (tr.type != InterruptionTrigger::Type::InterruptionIgnored) continue;
            if (auto it = byId.find(tr.target); it != byId.end()) next[i] = it->second;
        }
        onCycle_.assign(n, 0);
        std::vector<std::size_t> walk(n, kNone);  // which walk first reached each interruption
        for (std::size_t start = 0; start < n; ++start) {
            std::size_t cur = start;
            while (cur != kNone && walk[cur] == kNone) {
                walk[cur] = start;
                cur = next[cur];
            }
            if (cur == kNone || walk[cur] != start) continue;  // ran out, or into a chain already walked
            for (std::size_t c = cur;;) {                      // `cur` closed a loop in this walk: mark the loop
                onCycle_[c] = 1;
                c = next[c];
                if (c == cur) break;
            }
        }
    }

    void checkConclusion() {
        for (std::size_t i = 0; i < s_.conclusion.keyPoints.size(); ++i) {
            const auto& k = s_.conclusion.keyPoints[i];
            const std::string path = "conclusion.key_points[" + std::to_string(i) + "]";
            // Where the file has no 'keywords' at all, the reader said so already.
            if (k.keywords.empty() && (locs_.empty() || locs_.count(path + ".keywords")) &&
                readable(path + ".keywords"))
                report_.error(at(path + ".keywords", at(path, top())),
                              "'keywords' of key point '" + k.id + "' is empty: nothing could ever name it");
        }
        const auto& w = s_.weights;
        if (w.findings + w.order + w.coverage + w.interruptions + w.conclusion <= 0)
            report_.error(at("scoring.weights", top()), "the scoring weights are all zero: nothing could be scored");
        if (s_.conclusion.keyPoints.empty())
            report_.warning(at("conclusion", top()),
                            "no [[conclusion.key_points]]: the trainee's one-sentence conclusion cannot be scored");
    }

    const Scenario& s_;
    const Locations& locs_;
    const LoadOptions& options_;
    Report& report_;
    std::vector<char> onCycle_;  // per interruption: on a cycle of when_ignored triggers (filled on first use)
    std::map<std::string, std::shared_ptr<imaging::ScanReport>> scans_;
    std::vector<Box> dicomBoxes_;
};

}  // namespace

void checkScenario(const Scenario& scenario, const Locations& locations, const LoadOptions& options, Report& report) {
    Checker(scenario, locations, options, report).run();
}

}  // namespace polysim::scenario::detail

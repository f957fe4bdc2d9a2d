// A complete case from an importer's ground truth (see case_builder.h).
#include "importers/case_builder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "scenario/internal.h"
#include "scenario/loader.h"
#include "scenario/new_case.h"
#include "scenario/writer.h"

namespace polysim::importers {
namespace fs = std::filesystem;
using scenario::Region;

namespace {
double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}

struct RoleQuestion {
    std::string_view role, name, text, escalation;
    std::string_view falseReassurance;  // the plausible wrong answer beside "nothing acute"
};
// What each specialist asks the radiologist when their region comes up.
constexpr RoleQuestion kQuestions[] = {
    {"visceral_surgeon", "Dr Brandt", "Anything in the abdomen I need to take to theatre?",
     "I need an answer to book theatre.", "Solid organs look intact; only a trace of free fluid."},
    {"vascular_surgeon", "Dr Okafor", "Is anything actively bleeding? Do I call interventional radiology?",
     "If he's bleeding I need to know now.", "No contrast outside the vessels."},
    {"neurosurgeon", "Dr Weber", "How is the cervical spine? Can the collar come off?",
     "I can't clear the spine without your read.", "Alignment is normal and the cortex is intact."},
    {"orthopaedic_surgeon", "Dr Lindqvist", "Any fractures I need to fix today?", "Theatre is asking me now.",
     "Only old, healed changes in the bones."},
    {"trauma_leader", "Dr Mensah", "Give me the headline: anything life-threatening?",
     "I need the headline before we move him.", "Nothing immediately life-threatening."},
};
const RoleQuestion& questionFor(const std::string& role) {
    for (const auto& q : kQuestions)
        if (q.role == role) return q;
    return kQuestions[std::size(kQuestions) - 1];
}

std::string idPart(std::string s) {
    for (auto& c : s) {
        c = char(std::tolower((unsigned char)c));
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) c = '_';
    }
    return s;
}
}  // namespace

std::string listInWords(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
}

std::string inSentence(std::string label) {
    // "Active extravasation" inside a sentence; "C2 fracture" keeps its capital.
    if (label.size() > 1 && std::isupper((unsigned char)label[0]) && std::islower((unsigned char)label[1]))
        label[0] = char(std::tolower((unsigned char)label[0]));
    return label;
}

ImportedCase buildCase(const CaseRequest& req) {
    scenario::NewCase made;
    try {
        scenario::NewDicomCaseOptions options;
        options.segmentation = req.segmentation;
        made = scenario::newDicomCase(req.dicomFolder, req.outFile, options);
    } catch (const scenario::NewCaseError& e) {
        throw ImportError(e.what());
    }
    scenario::Scenario& s = made.scenario;
    ImportedCase out;
    s.meta.title = req.title;
    s.meta.imageLicence = req.licence;
    s.meta.author = "polysim import";
    s.meta.learningObjectives = req.learningObjectives;
    if (!req.mechanism.empty()) s.patient.mechanism = req.mechanism;
    if (!req.prehospital.empty()) s.patient.prehospital = req.prehospital;
    for (auto& sp : s.images.series) {
        if (sp.kind == phantom::SeriesKind::Scout) continue;
        const auto before = sp.kind;
        const std::string beforeName(scenario::seriesKindText(before));
        if (auto it = req.seriesKindByUid.find(sp.seriesInstanceUid); it != req.seriesKindByUid.end())
            sp.kind = it->second;
        else if (req.seriesKind && sp.kind != phantom::SeriesKind::Head)
            sp.kind = req.seriesKind;
        const std::string kindName(scenario::seriesKindText(sp.kind));
        if (sp.kind != before && sp.label == scenario::detail::defaultSeriesLabel(before))
            sp.label = scenario::detail::defaultSeriesLabel(sp.kind);
        // The series id was made from the guessed kind ("noncontrast_2"): made again from the real one.
        if (sp.kind != before && !beforeName.empty() && sp.id.rfind(beforeName, 0) == 0) {
            std::string id = kindName;
            for (int n = 2; std::any_of(s.images.series.begin(), s.images.series.end(),
                                        [&](const scenario::SeriesSpec& o) { return &o != &sp && o.id == id; });
                 ++n)
                id = kindName + "_" + std::to_string(n);
            for (auto& r : s.regions)
                if (r.series == sp.id) r.series = id;
            sp.id = id;
        }
    }

    // Regions and their z limits come from the landmarks (from the segmentation's structures when there is one);
    // findings are kept inside what the images cover.
    const double zLo = made.zFromMm, zHi = made.zToMm;

    std::set<std::string> roles;
    for (const auto& t : req.injuries) {
        scenario::Finding f;
        f.id = idPart(t.id);
        f.label = t.label;
        f.synonyms = t.synonyms;
        f.acrCategory = t.acrCategory;
        f.centreLps = (t.lo + t.hi) / 2.0;
        f.extentMm = glm::max(t.hi - t.lo, glm::dvec3(2.0));
        f.expertDescription = t.description;
        f.teachingPoint = t.teachingPoint;
        f.windows = t.windows;
        f.deadlineSeconds = scenario::defaultDeadlineSeconds(t.acrCategory, s.durationSeconds);
        f.tell = scenario::defaultTell(t.acrCategory);
        if (!t.role.empty() && std::find(f.tell.begin(), f.tell.end(), t.role) == f.tell.end())
            f.tell.push_back(t.role);
        // The preferred region when the case has it, else the one around the finding; its z range grows to hold
        // the finding, since the finding is where the dataset says.
        Region* region = nullptr;
        for (auto& r : s.regions)
            if (r.id == t.region) region = &r;
        // A vertebra the images do not place in the neck is read with the rest of the column.
        if (!region && t.region == "cervical_spine")
            for (auto& r : s.regions)
                if (r.id == "spine") region = &r;
        if (!region) {
            double best = 1e300;
            for (auto& r : s.regions) {
                if (r.id == "scout") continue;
                const double d = f.centreLps.z < r.zFromMm ? r.zFromMm - f.centreLps.z
                                 : f.centreLps.z > r.zToMm ? f.centreLps.z - r.zToMm
                                                           : 0.0;
                if (d < best) best = d, region = &r;
            }
        }
        if (!region) {
            Region r = *scenario::defaultRegionTemplate(t.region.empty() ? "abdomen_pelvis" : t.region);
            r.zFromMm = round1(f.centreLps.z);
            r.zToMm = round1(f.centreLps.z);
            s.regions.push_back(r);
            s.readingOrder.push_back(r.id);
            region = &s.regions.back();
        }
        region->zFromMm = std::min(region->zFromMm, round1(std::max(t.lo.z, zLo)));
        region->zToMm = std::max(region->zToMm, round1(std::min(t.hi.z, zHi)));
        f.region = region->id;
        if (!t.role.empty()) roles.insert(t.role);
        if (!t.source.empty()) out.notes.push_back(t.label + ": " + t.source);
        s.findings.push_back(std::move(f));
    }
    s.readingOrder.clear();
    for (const auto& id : scenario::defaultReadingOrder())
        if (s.findRegion(id)) s.readingOrder.push_back(id);

    // One question per specialist who has something here, when their region first comes up; the trauma leader asks
    // for the headline a minute in. The right answer names their findings.
    std::vector<std::string> askers(roles.begin(), roles.end());
    if (!s.findings.empty() && !roles.count("trauma_leader")) askers.push_back("trauma_leader");
    for (const auto& role : askers) {
        const RoleQuestion& q = questionFor(role);
        scenario::Interruption in;
        in.id = idPart(role) + "_asks";
        in.role = role;
        in.name = std::string(q.name);
        in.text = std::string(q.text);
        in.kind = scenario::InterruptionKind::Question;
        in.escalationText = std::string(q.escalation);
        std::vector<std::string> labels;
        std::string region;
        for (const auto& f : s.findings) {
            const bool mine = role == "trauma_leader" ? f.acrCategory == 1
                                                      : std::find(f.tell.begin(), f.tell.end(), role) != f.tell.end();
            if (!mine) continue;
            in.relatedFindings.push_back(f.id);
            labels.push_back(inSentence(f.label));
            if (region.empty()) region = f.region;
            for (const auto& w : f.synonyms)
                if (std::find(in.keywords.begin(), in.keywords.end(), w) == in.keywords.end() &&
                    in.keywords.size() < 12)
                    in.keywords.push_back(w);
        }
        if (in.relatedFindings.empty()) continue;
        if (role == "trauma_leader" || region.empty()) {
            in.trigger.type = scenario::InterruptionTrigger::Type::AtTime;
            in.trigger.atSeconds = std::min(90.0, s.durationSeconds / 2);
        } else {
            in.trigger.type = scenario::InterruptionTrigger::Type::RegionOpened;
            in.trigger.target = region;
            in.trigger.delaySeconds = 20;
        }
        std::string yes = listInWords(labels);
        if (!yes.empty()) yes[0] = char(std::toupper((unsigned char)yes[0]));
        const std::string missed = "There is " + listInWords(labels) + " in this case.";
        std::vector<scenario::AnswerOption> answers{
            {"yes", yes + ".", true, "Named what is there."},
            {"reassure", std::string(q.falseReassurance), false, missed},
            {"nothing", "Nothing acute so far.", false, missed},
        };
        // The right answer is not always the first button: its place follows the interruption's id.
        std::size_t h = 0;
        for (char c : in.id) h = h * 31 + std::size_t((unsigned char)c);
        std::rotate(answers.begin(), answers.begin() + std::ptrdiff_t(h % answers.size()), answers.end());
        in.answers = answers;
        s.interruptions.push_back(std::move(in));
    }
    // A missed Category 1 finding makes the patient worse, as bleeding does.
    for (const auto& f : s.findings)
        if (f.acrCategory == 1) {
            scenario::Deterioration d;
            d.findingId = f.id;
            d.vitals = s.patient.vitalsAtStart;
            d.vitals.heartRate = 128;
            d.vitals.systolic = 82;
            d.vitals.diastolic = 48;
            d.overSeconds = 120;
            d.announcement = "Trauma leader: 'Pressure's dropping. What have we got?'";
            s.patient.deteriorations.push_back(d);
            break;
        }
    scenario::fillConclusionAndReport(s);
    out.scenario = std::move(s);
    for (auto& n : req.notes) out.notes.push_back(n);
    for (auto& n : made.notes) {
        // What the importer has filled in already is not left to the author.
        const bool done =
            n.find("No findings yet") != std::string::npos ||
            (req.segmentation && n.find("Region z") != std::string::npos) ||
            ((req.seriesKind || !req.seriesKindByUid.empty()) && n.find("Series kinds") != std::string::npos) ||
            (!req.licence.empty() && n.find("image licence") != std::string::npos);
        if (!done) out.notes.push_back(n);
    }
    return out;
}

void writeCase(const ImportedCase& imported) {
    const fs::path file = imported.scenario.sourceFile;
    std::string error;
    if (!scenario::saveScenario(imported.scenario, file, &error)) throw ImportError(error);
    const auto loaded = scenario::loadScenario(file);
    std::vector<scenario::Diagnostic> errors;
    for (const auto& d : loaded.diagnostics)
        if (d.severity == scenario::Diagnostic::Severity::Error) errors.push_back(d);
    if (!errors.empty())
        throw ImportError(file.string() + " was written but does not validate:\n" +
                          scenario::formatDiagnostics(errors));
}

}  // namespace polysim::importers

// Authoring panels (see authoring_panels.h): a few generic editors (string list, tick boxes, id combo, vitals)
// serve every panel, and the edits that have rules of their own (order, time order, defaults) are the plain
// functions at the top.
#include "gui/authoring_panels.h"
#include "gui/palette.h"

#include <algorithm>
#include <cctype>

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include "imaging/window.h"
#include "phantom/phantom.h"
#include "scenario/internal.h"
#include "scenario/loader.h"

namespace polysim::gui {

// ---- edit operations ----

std::vector<std::string> splitCommaList(std::string_view text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find(',', start), text.size());
        std::string_view item = text.substr(start, end - start);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
        if (!item.empty()) items.emplace_back(item);
        start = end + 1;
    }
    return items;
}

std::string joinCommaList(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + items[i];
    return text;
}

std::string uniqueId(std::string_view stem, const std::vector<std::string>& taken) {
    for (int n = 1;; ++n) {
        std::string id = std::string(stem) + "_" + std::to_string(n);
        if (std::find(taken.begin(), taken.end(), id) == taken.end()) return id;
    }
}

void setChosen(std::vector<std::string>& chosen, const std::string& name, bool on) {
    chosen.erase(std::remove(chosen.begin(), chosen.end(), name), chosen.end());
    if (on) chosen.push_back(name);
}

bool moveInReadingOrder(scenario::Scenario& s, std::size_t index, int delta) {
    auto& order = s.readingOrder;
    const long to = long(index) + delta;
    if (index >= order.size() || to < 0 || to >= long(order.size())) return false;
    std::swap(order[index], order[std::size_t(to)]);
    return true;
}

std::vector<std::string> regionsNotInOrder(const scenario::Scenario& s) {
    std::vector<std::string> out;
    for (const auto& r : s.regions)
        if (std::find(s.readingOrder.begin(), s.readingOrder.end(), r.id) == s.readingOrder.end()) out.push_back(r.id);
    return out;
}

namespace {
template <class T>
std::vector<std::string> idsOf(const std::vector<T>& items) {
    std::vector<std::string> ids;
    for (const auto& x : items) ids.push_back(x.id);
    return ids;
}
}  // namespace

scenario::Region& addRegion(scenario::Scenario& s, double zCentreMm) {
    scenario::Region r;
    r.id = uniqueId("region", idsOf(s.regions));
    r.label = "New region";
    r.zFromMm = zCentreMm - 50;
    r.zToMm = zCentreMm + 50;
    s.readingOrder.push_back(r.id);
    s.regions.push_back(std::move(r));
    return s.regions.back();
}

void removeRegion(scenario::Scenario& s, std::size_t index) {
    if (index >= s.regions.size()) return;
    const std::string id = s.regions[index].id;
    s.regions.erase(s.regions.begin() + long(index));
    s.readingOrder.erase(std::remove(s.readingOrder.begin(), s.readingOrder.end(), id), s.readingOrder.end());
}

bool setRegionPlane(const scenario::Scenario& s, scenario::Region& r, imaging::Plane plane, bool on) {
    if (on == r.readIn(plane)) return true;
    if (!on) {
        if (r.planes.size() <= 1) return false;
        std::erase(r.planes, plane);
        return true;
    }
    r.planes.push_back(plane);
    std::sort(r.planes.begin(), r.planes.end(), [](auto a, auto b) { return int(a) < int(b); });
    if (plane == imaging::Plane::Axial || r.sweep(plane)) return true;
    auto& span = plane == imaging::Plane::Sagittal ? r.xMm : r.yMm;
    if (s.images.phantom && scenario::defaultRegionTemplate(r.id))
        span = scenario::detail::phantomRegionSpan(r.id, plane);
    if (!span) span = plane == imaging::Plane::Sagittal ? std::make_pair(-25.0, 25.0) : std::make_pair(-100.0, 100.0);
    return true;
}

std::string idProblem(const std::string& id, const std::vector<std::string>& taken, std::string_view what) {
    if (id.empty()) return "a " + std::string(what) + " needs an id";
    if (!scenario::detail::validId(id)) return "'" + id + "' is not an id: use lower-case letters, digits, '_' or '-'";
    if (std::find(taken.begin(), taken.end(), id) != taken.end())
        return "another " + std::string(what) + " is already called '" + id + "'";
    return {};
}

namespace {
using Trigger = scenario::InterruptionTrigger::Type;

// The item called `from` in `items`, renamed to `to` after the checks; `follow` then updates the references.
template <class T, class Follow>
std::string renameIn(std::vector<T>& items, std::string_view what, const std::string& from, const std::string& to,
                     Follow follow) {
    if (from == to) return {};
    T* item = nullptr;
    std::vector<std::string> others;
    for (auto& x : items) {
        if (x.id == from && !item)
            item = &x;
        else
            others.push_back(x.id);
    }
    if (!item) return "no " + std::string(what) + " is called '" + from + "'";
    if (auto problem = idProblem(to, others, what); !problem.empty()) return problem;
    item->id = to;
    follow();
    return {};
}

void replaceIn(std::vector<std::string>& ids, const std::string& from, const std::string& to) {
    std::replace(ids.begin(), ids.end(), from, to);
}

void retarget(scenario::Scenario& s, Trigger type, const std::string& from, const std::string& to) {
    for (auto& in : s.interruptions)
        if (in.trigger.type == type && in.trigger.target == from) in.trigger.target = to;
}
}  // namespace

std::string renameRegion(scenario::Scenario& s, const std::string& from, const std::string& to) {
    return renameIn(s.regions, "region", from, to, [&] {
        replaceIn(s.readingOrder, from, to);
        for (auto& f : s.findings)
            if (f.region == from) f.region = to;
        retarget(s, Trigger::RegionOpened, from, to);
    });
}

std::string renameFinding(scenario::Scenario& s, const std::string& from, const std::string& to) {
    return renameIn(s.findings, "finding", from, to, [&] {
        for (auto& d : s.patient.deteriorations)
            if (d.findingId == from) d.findingId = to;
        for (auto& in : s.interruptions) replaceIn(in.relatedFindings, from, to);
        retarget(s, Trigger::FindingOnScreen, from, to);
    });
}

std::string renameInterruption(scenario::Scenario& s, const std::string& from, const std::string& to) {
    return renameIn(s.interruptions, "interruption", from, to,
                    [&] { retarget(s, Trigger::InterruptionIgnored, from, to); });
}

bool idField(AuthoringContext& ctx, const char* label, const std::string& id,
             const std::function<std::string(const std::string&, const std::string&)>& rename, float width) {
    // One field is typed in at a time: what it holds, the id it had when the typing began, and the last refusal.
    auto& field = ctx.widgets.idField;
    const ImGuiID self = ImGui::GetID(label);
    // A field that went away while typed in (another item selected) starts again from the case's id.
    if (field.typing == self && field.frame < ImGui::GetFrameCount() - 1) field.typing = 0;
    std::string text = field.typing == self ? field.text : id;
    if (width != 0) ImGui::SetNextItemWidth(width);
    ImGui::InputText(label, &text);
    if (ImGui::IsItemActivated()) field.typing = self, field.from = id;
    if (field.typing == self) field.text = text, field.frame = ImGui::GetFrameCount();
    bool renamed = false;
    if (ImGui::IsItemDeactivated() && field.typing == self) {
        field.typing = 0;
        if (ImGui::IsItemDeactivatedAfterEdit() && text != field.from) {
            field.why = rename(field.from, text);
            field.refused = field.why.empty() ? 0 : self;
            renamed = field.why.empty();
        }
    }
    if (field.refused == self && field.typing != self) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::kError);
        ImGui::TextWrapped("not renamed: %s", field.why.c_str());
        ImGui::PopStyleColor();
    }
    if (field.typing == self && field.refused == self) field.refused = 0;
    return renamed;
}

void endTyping() {
    ImGui::ClearActiveID();
}

void setSessionDuration(scenario::Scenario& s, double seconds) {
    seconds = std::max(1.0, seconds);
    for (auto& f : s.findings)
        if (f.deadlineSeconds == scenario::defaultDeadlineSeconds(f.acrCategory, s.durationSeconds))
            f.deadlineSeconds = scenario::defaultDeadlineSeconds(f.acrCategory, seconds);
    s.durationSeconds = seconds;
}

scenario::VitalSigns vitalsAtEndOfTrend(const scenario::Patient& p) {
    return p.vitalsTrend.empty() ? p.vitalsAtStart : p.vitalsTrend.back().vitals;
}

std::size_t addVitalsChange(scenario::Patient& p, scenario::VitalsChange change) {
    auto at = std::upper_bound(p.vitalsTrend.begin(), p.vitalsTrend.end(), change.atSeconds,
                               [](double t, const scenario::VitalsChange& c) { return t < c.atSeconds; });
    const auto index = std::size_t(at - p.vitalsTrend.begin());
    p.vitalsTrend.insert(at, std::move(change));
    return index;
}

void sortVitalsTrend(scenario::Patient& p) {
    std::stable_sort(
        p.vitalsTrend.begin(), p.vitalsTrend.end(),
        [](const scenario::VitalsChange& a, const scenario::VitalsChange& b) { return a.atSeconds < b.atSeconds; });
}

std::optional<scenario::Deterioration> defaultDeterioration(const scenario::Scenario& s) {
    for (const auto& f : s.findings) {
        if (f.acrCategory != 1) continue;
        const auto& ds = s.patient.deteriorations;
        if (std::any_of(ds.begin(), ds.end(), [&](const scenario::Deterioration& d) { return d.findingId == f.id; }))
            continue;
        scenario::Deterioration d;
        d.findingId = f.id;
        // An untreated Category 1 injury shows as shock: faster pulse, lower pressure and saturation.
        auto v = vitalsAtEndOfTrend(s.patient);
        v.heartRate = std::min(180.0, v.heartRate + 30);
        v.systolic = std::max(60.0, v.systolic - 35);
        v.diastolic = std::max(30.0, std::min(v.diastolic - 20, v.systolic - 20));
        v.spo2 = std::max(75.0, v.spo2 - 6);
        v.respiratoryRate = std::min(40.0, v.respiratoryRate + 8);
        d.vitals = v;
        d.overSeconds = 60;
        d.announcement = "Pressure's dropping, what's going on?";
        return d;
    }
    return std::nullopt;
}

// ---- generic editors ----

namespace {

// Fields end this far from the panel's right edge, so that the labels on their right (as in the rest of the panel)
// are not cut off: room for "phantom injury" or "announcement" at the screen's 16 px font.
constexpr float kLabelRoom = -120;
constexpr double kZero = 0, kOne = 1;

bool touched(AuthoringContext& ctx, bool changed) {
    if (changed) ctx.model.touch();
    return changed;
}

void heading(const char* text) {
    ImGui::Spacing();
    ImGui::TextDisabled("%s", text);
}

bool removeButton(const char* tooltip) {
    bool pressed = ImGui::SmallButton("x");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip);
    return pressed;
}

// One text per row with a remove button, and an add button below. Items in `fixed` are shown but not editable
// (`why` says so when hovered).
bool stringListEditor(const char* id, std::vector<std::string>& items, const char* addLabel,
                      const std::vector<std::string>& fixed = {}, const char* why = "") {
    bool changed = false;
    ImGui::PushID(id);
    for (std::size_t i = 0; i < items.size(); ++i) {
        ImGui::PushID(int(i));
        ImGui::SetNextItemWidth(kLabelRoom);
        if (std::find(fixed.begin(), fixed.end(), items[i]) != fixed.end()) {
            ImGui::BeginDisabled();
            ImGui::InputText("##item", &items[i], ImGuiInputTextFlags_ReadOnly);
            ImGui::EndDisabled();
            if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", why);
            ImGui::PopID();
            continue;
        }
        changed |= ImGui::InputText("##item", &items[i]);
        ImGui::SameLine();
        if (removeButton("remove")) {
            items.erase(items.begin() + long(i));
            changed = true;
            ImGui::PopID();
            break;
        }
        ImGui::PopID();
    }
    if (ImGui::SmallButton(addLabel)) {
        items.emplace_back();
        changed = true;
    }
    ImGui::PopID();
    return changed;
}

// A comma-separated text for a list. While the field is active ImGui edits its own copy of the text, so the author
// can type commas and spaces; the list is re-split on every change and the text re-joined once the field is left.
bool commaListInput(const char* label, std::vector<std::string>& items, float width = kLabelRoom) {
    std::string text = joinCommaList(items);
    ImGui::SetNextItemWidth(width);
    if (!ImGui::InputText(label, &text)) return false;
    items = splitCommaList(text);
    return true;
}

// Tick boxes for `options` in columns; with `other`, a comma field below for chosen names that are not options.
bool choiceBoxes(const char* id, std::vector<std::string>& chosen, const std::vector<std::string>& options, int columns,
                 const char* other = nullptr) {
    bool changed = false;
    if (ImGui::BeginTable(id, columns, ImGuiTableFlags_SizingStretchSame)) {
        for (const auto& name : options) {
            ImGui::TableNextColumn();
            bool on = std::find(chosen.begin(), chosen.end(), name) != chosen.end();
            if (ImGui::Checkbox(name.c_str(), &on)) {
                setChosen(chosen, name, on);
                changed = true;
            }
        }
        ImGui::EndTable();
    }
    if (other) {
        std::vector<std::string> extra, known;
        for (const auto& c : chosen)
            (std::find(options.begin(), options.end(), c) == options.end() ? extra : known).push_back(c);
        if (commaListInput(other, extra)) {
            known.insert(known.end(), extra.begin(), extra.end());
            chosen = std::move(known);
            changed = true;
        }
    }
    return changed;
}

const std::vector<std::string>& presetNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& p : imaging::kWindowPresets) out.emplace_back(p.name);
        return out;
    }();
    return names;
}

bool windowBoxes(const char* id, std::vector<std::string>& windows) {
    return choiceBoxes(id, windows, presetNames(), 3);
}

// A combo over ids; `none` (when given) is the empty value.
bool idCombo(const char* label, std::string& value, const std::vector<std::string>& ids, const char* none = nullptr,
             float width = kLabelRoom) {
    const std::string shown = value.empty() && none ? none : value;
    bool changed = false;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(label, shown.c_str())) {
        if (none && ImGui::Selectable(none, value.empty())) value.clear(), changed = true;
        for (const auto& id : ids)
            if (ImGui::Selectable(id.c_str(), id == value)) value = id, changed = true;
        ImGui::EndCombo();
    }
    return changed;
}

void leadingLabel(const char* label) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine();
}

bool numberField(const char* label, double& v, double lo, double hi, float width) {
    leadingLabel(label);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    const std::string id = std::string("##") + label;
    return ImGui::DragScalar(id.c_str(), ImGuiDataType_Double, &v, 0.5f, &lo, &hi, "%.0f",
                             ImGuiSliderFlags_AlwaysClamp);
}

// Heart rate, pressure, saturation, breathing rate and GCS in two short rows, each clamped to what the scenario
// format accepts; the diastolic stays below the systolic.
bool vitalsEditor(const char* id, scenario::VitalSigns& v) {
    ImGui::PushID(id);
    bool changed = numberField("HR", v.heartRate, 0, 300, 50);
    ImGui::SameLine();
    changed |= numberField("BP", v.systolic, 1, 300, 50);
    ImGui::SameLine(0, 2);
    changed |= numberField("/", v.diastolic, 0, std::max(0.0, v.systolic - 1), 50);
    ImGui::SameLine();
    changed |= numberField("SpO2 %", v.spo2, 0, 100, 44);
    changed |= numberField("RR", v.respiratoryRate, 0, 80, 50);
    ImGui::SameLine();
    leadingLabel("GCS");
    ImGui::SetNextItemWidth(50);
    changed |= ImGui::DragInt("##gcs", &v.gcs, 0.1f, 3, 15, "%d", ImGuiSliderFlags_AlwaysClamp);
    ImGui::PopID();
    return changed;
}

// Roles worth telling a finding to: the known roles less the sounds in the room (a phone or pager is not told).
const std::vector<std::string>& tellableRoles() {
    static const std::vector<std::string> roles = [] {
        std::vector<std::string> out;
        for (const auto& r : scenario::detail::knownRoles())
            if (r != "phone" && r != "pager") out.push_back(r);
        return out;
    }();
    return roles;
}

void drawPhantomInjury(AuthoringContext& ctx, scenario::Finding& f) {
    auto& phantom = ctx.model.scenario().images.phantom;
    if (!phantom) return;
    std::vector<std::string> ids;
    for (const auto& inj : phantom::injuryLibrary()) ids.push_back(inj.id);
    touched(ctx, idCombo("phantom injury", f.phantomInjury, ids, "none"));
    if (f.phantomInjury.empty()) return;
    if (const auto* info = phantom::findInjury(f.phantomInjury); info && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", info->label.c_str());
    auto& injuries = phantom->injuries;
    if (std::find(injuries.begin(), injuries.end(), f.phantomInjury) != injuries.end()) return;
    ImGui::TextColored(palette::kAttention, "not in this case's phantom images");
    ImGui::SameLine();
    if (ImGui::SmallButton("add to the phantom")) {
        injuries.push_back(f.phantomInjury);
        ctx.model.touch();
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The images change; they are regenerated when the case is next opened.");
}

}  // namespace

// ---- the panels ----

void drawFindingDetails(AuthoringContext& ctx, scenario::Finding& f) {
    ImGui::Separator();
    heading("synonyms (other names a trainee may use)");
    // The loader always adds the phantom injury's own synonyms back, so editing those would not last.
    const auto* injury = f.phantomInjury.empty() ? nullptr : phantom::findInjury(f.phantomInjury);
    touched(ctx, stringListEditor("synonyms", f.synonyms, "+ synonym",
                                  injury ? injury->synonyms : std::vector<std::string>{},
                                  "from the phantom injury: always counts"));

    heading("tell (who must hear it)");
    touched(ctx, choiceBoxes("tell", f.tell, tellableRoles(), 2, "other roles"));

    heading("visible in windows");
    touched(ctx, windowBoxes("windows", f.windows));
    if (f.windows.empty()) {
        const auto* region = ctx.model.scenario().findRegion(f.region);
        const std::string fallback = region ? joinCommaList(region->windows) : std::string("none: no region");
        ImGui::TextDisabled("none ticked: the region's windows (%s)", fallback.c_str());
    }

    touched(ctx, ImGui::InputTextMultiline("teaching point", &f.teachingPoint, ImVec2(kLabelRoom, 60)));
    drawPhantomInjury(ctx, f);
}

namespace {

void drawRegionEditor(AuthoringContext& ctx, scenario::Region& r) {
    auto& s = ctx.model.scenario();
    auto rename = [&](const std::string& from, const std::string& to) { return renameRegion(s, from, to); };
    touched(ctx, idField(ctx, "id", r.id, rename, kLabelRoom));
    ImGui::SetNextItemWidth(kLabelRoom);
    touched(ctx, ImGui::InputText("label", &r.label));
    ImGui::SetNextItemWidth(kLabelRoom);
    if (touched(ctx, ImGui::InputScalarN("z (mm)", ImGuiDataType_Double, &r.zFromMm, 2, nullptr, nullptr, "%.0f")))
        r.zToMm = std::max(r.zToMm, r.zFromMm + 1);  // the format wants the lower limit first
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("from (inferior, lower value) to (superior): the head is at higher z");
    touched(ctx, windowBoxes("region windows", r.windows));
    std::vector<std::string> series;
    for (const auto& sp : s.images.series) series.push_back(sp.id);
    touched(ctx, idCombo("series", r.series, series, "any series"));
    ImGui::SetNextItemWidth(kLabelRoom);
    touched(ctx, ImGui::SliderScalar("min coverage", ImGuiDataType_Double, &r.minCoverage, &kZero, &kOne, "%.2f",
                                     ImGuiSliderFlags_AlwaysClamp));
    heading("read in the planes (its coverage is that of the plane read best)");
    for (auto plane : {imaging::Plane::Axial, imaging::Plane::Coronal, imaging::Plane::Sagittal}) {
        bool on = r.readIn(plane);
        const std::string name(imaging::planeName(plane));
        if (plane != imaging::Plane::Axial) ImGui::SameLine();
        if (ImGui::Checkbox(name.c_str(), &on)) touched(ctx, setRegionPlane(s, r, plane, on));
    }
    // The span a reformat sweep must cross, for each reformat plane the region is read in.
    for (auto plane : {imaging::Plane::Sagittal, imaging::Plane::Coronal}) {
        auto& span = plane == imaging::Plane::Sagittal ? r.xMm : r.yMm;
        if (!r.readIn(plane) || !span) continue;
        const bool sagittal = plane == imaging::Plane::Sagittal;
        double mm[2] = {span->first, span->second};
        ImGui::SetNextItemWidth(kLabelRoom);
        if (touched(ctx, ImGui::InputScalarN(sagittal ? "x (mm)" : "y (mm)", ImGuiDataType_Double, mm, 2, nullptr,
                                             nullptr, "%.0f")))
            span = std::make_pair(mm[0], std::max(mm[1], mm[0] + 1));  // the format wants the lower limit first
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(sagittal
                                  ? "right to left (the patient's right is lower): what a sweep of sagittal "
                                    "slices must cross"
                                  : "front to back (anterior is lower): what a sweep of coronal slices must cross");
    }
}

void drawReadingOrder(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    int move = -1, delta = 0, drop = -1;
    if (ImGui::BeginTable("order", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("step", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("region", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("move", ImGuiTableColumnFlags_WidthFixed);
        for (std::size_t i = 0; i < s.readingOrder.size(); ++i) {
            ImGui::PushID(int(i));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%zu.", i + 1);
            ImGui::TableNextColumn();
            const auto* region = s.findRegion(s.readingOrder[i]);
            const std::string text = s.readingOrder[i] + (region ? "  " + region->label : "  (unknown region)");
            if (ImGui::Selectable(text.c_str(), region && ctx.selection.region == int(region - s.regions.data())) &&
                region)
                ctx.selection.region = int(region - s.regions.data());
            ImGui::TableNextColumn();
            if (i == 0) ImGui::BeginDisabled();
            if (ImGui::ArrowButton("up", ImGuiDir_Up)) move = int(i), delta = -1;
            if (i == 0) ImGui::EndDisabled();
            ImGui::SameLine();
            if (i + 1 == s.readingOrder.size()) ImGui::BeginDisabled();
            if (ImGui::ArrowButton("down", ImGuiDir_Down)) move = int(i), delta = 1;
            if (i + 1 == s.readingOrder.size()) ImGui::EndDisabled();
            ImGui::SameLine();
            if (removeButton("take out of the reading order (order scoring then ignores the region)")) drop = int(i);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (move >= 0) touched(ctx, moveInReadingOrder(s, std::size_t(move), delta));
    if (drop >= 0) {
        s.readingOrder.erase(s.readingOrder.begin() + drop);
        ctx.model.touch();
    }
    const auto left = regionsNotInOrder(s);
    if (left.empty()) return;
    heading("not in the order (order scoring ignores them)");
    for (const auto& id : left) {
        ImGui::PushID(id.c_str());
        if (ImGui::SmallButton("add to order")) {
            s.readingOrder.push_back(id);
            ctx.model.touch();
        }
        ImGui::SameLine();
        ImGui::TextUnformatted(id.c_str());
        ImGui::PopID();
    }
}

}  // namespace

void drawRegionsAndOrder(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    int& selected = ctx.selection.region;
    if (ImGui::CollapsingHeader("Regions", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (ImGui::BeginTable("regions", 3,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                              ImVec2(0, 150))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn("id", ImGuiTableColumnFlags_WidthStretch, 1.2f);
            ImGui::TableSetupColumn("z (mm)", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableSetupColumn("windows", ImGuiTableColumnFlags_WidthStretch, 1.6f);
            ImGui::TableHeadersRow();
            for (int i = 0; i < int(s.regions.size()); ++i) {
                const auto& r = s.regions[std::size_t(i)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                if (ImGui::Selectable((r.id + "##r" + std::to_string(i)).c_str(), selected == i,
                                      ImGuiSelectableFlags_SpanAllColumns))
                    selected = i;
                if (ImGui::IsItemHovered() && !r.label.empty()) ImGui::SetTooltip("%s", r.label.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%.0f .. %.0f", r.zFromMm, r.zToMm);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(joinCommaList(r.windows).c_str());
            }
            ImGui::EndTable();
        }
        if (ImGui::SmallButton("+ region at crosshair")) {
            addRegion(s, ctx.crosshairLps.z);
            selected = int(s.regions.size()) - 1;
            ctx.model.touch();
        }
        if (selected >= 0 && selected < int(s.regions.size())) {
            ImGui::SameLine();
            if (ImGui::SmallButton("delete region")) {
                removeRegion(s, std::size_t(selected));
                selected = -1;
                ctx.model.touch();
            }
        }
        if (selected >= 0 && selected < int(s.regions.size())) {
            ImGui::PushID(selected);
            drawRegionEditor(ctx, s.regions[std::size_t(selected)]);
            ImGui::PopID();
        }
    }
    if (ImGui::CollapsingHeader("Reading order", ImGuiTreeNodeFlags_DefaultOpen)) drawReadingOrder(ctx);
}

namespace {

// One block per row, drawn by `row` (which returns true when the row's remove button was pressed), separated by
// lines. The removal waits until every row is drawn, so no row is skipped or drawn twice in that frame.
template <class T, class Row>
void editRows(AuthoringContext& ctx, std::vector<T>& rows, Row row) {
    std::optional<std::size_t> remove;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ImGui::PushID(int(i));
        if (row(rows[i])) remove = i;
        ImGui::Separator();
        ImGui::PopID();
    }
    if (!remove) return;
    rows.erase(rows.begin() + long(*remove));
    ctx.model.touch();
}

// A text filling the rest of the line, then the row's remove button; true when that was pressed.
bool textThenRemove(AuthoringContext& ctx, const char* id, const char* hint, std::string& text, const char* removeTip) {
    ImGui::SetNextItemWidth(-30);
    touched(ctx, ImGui::InputTextWithHint(id, hint, &text));
    ImGui::SameLine();
    return removeButton(removeTip);
}

void drawTrend(AuthoringContext& ctx) {
    auto& p = ctx.model.scenario().patient;
    bool resort = false;
    editRows(ctx, p.vitalsTrend, [&](scenario::VitalsChange& c) {
        leadingLabel("at");
        ImGui::SetNextItemWidth(60);
        if (touched(ctx, ImGui::InputDouble("s", &c.atSeconds, 0, 0, "%.0f"))) c.atSeconds = std::max(0.0, c.atSeconds);
        // Re-sorting while the time is typed would move the row under the cursor; sort once it is left.
        resort |= ImGui::IsItemDeactivatedAfterEdit();
        ImGui::SameLine();
        const bool remove = textThenRemove(ctx, "##note", "note on the monitor", c.note, "remove this change");
        touched(ctx, vitalsEditor("vitals", c.vitals));
        return remove;
    });
    if (resort) sortVitalsTrend(p);
    if (ImGui::SmallButton("+ vitals change")) {
        scenario::VitalsChange c;
        c.atSeconds = p.vitalsTrend.empty() ? 60 : p.vitalsTrend.back().atSeconds + 60;
        c.vitals = vitalsAtEndOfTrend(p);
        addVitalsChange(p, std::move(c));
        ctx.model.touch();
    }
}

void drawDeteriorations(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    auto& ds = s.patient.deteriorations;
    std::vector<std::string> category1;
    for (const auto& f : s.findings)
        if (f.acrCategory == 1) category1.push_back(f.id);
    editRows(ctx, ds, [&](scenario::Deterioration& d) {
        touched(ctx, idCombo("finding", d.findingId, category1, nullptr, kLabelRoom - 30));
        ImGui::SameLine();
        const bool remove = removeButton("remove this deterioration");
        ImGui::SetNextItemWidth(kLabelRoom);
        touched(ctx, ImGui::InputDouble("over (s)", &d.overSeconds, 10, 60, "%.0f"));
        d.overSeconds = std::max(0.0, d.overSeconds);
        ImGui::SetNextItemWidth(kLabelRoom);
        touched(ctx, ImGui::InputTextWithHint("announcement", "said in the room", &d.announcement));
        touched(ctx, vitalsEditor("vitals", d.vitals));
        return remove;
    });
    const auto next = defaultDeterioration(s);
    if (!next) ImGui::BeginDisabled();
    if (ImGui::SmallButton("+ deterioration")) {
        ds.push_back(*next);
        ctx.model.touch();
    }
    if (!next) ImGui::EndDisabled();
    if (!next) {
        ImGui::SameLine();
        ImGui::TextDisabled("every Category 1 finding has one");
    }
}

}  // namespace

void drawCaseAndSession(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    auto& m = s.meta;
    if (ImGui::CollapsingHeader("Case", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::PushID("case");
        ImGui::SetNextItemWidth(kLabelRoom);
        touched(ctx, ImGui::InputText("title", &m.title));
        ImGui::SetNextItemWidth(kLabelRoom);
        touched(ctx, ImGui::InputText("author", &m.author));
        ImGui::SetNextItemWidth(100);
        touched(ctx, ImGui::InputText("version", &m.version));
        ImGui::SameLine(0, 24);
        static const std::vector<std::string> difficulties{"beginner", "intermediate", "advanced"};
        touched(ctx, idCombo("difficulty", m.difficulty, difficulties, nullptr, 130));
        ImGui::SetNextItemWidth(kLabelRoom);
        touched(ctx, ImGui::InputText("image licence", &m.imageLicence));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("licence or citation of the images; required in spirit for public datasets");
        heading("learning objectives (briefing and debrief)");
        touched(ctx, stringListEditor("objectives", m.learningObjectives, "+ objective"));
        heading("for the programme: level, milestones, sign-off");
        static const std::vector<std::string> levels{"PGY-1", "PGY-2", "PGY-3", "PGY-4", "PGY-5", "PGY-6",
                                                     "PGY-7", "ESR-1", "ESR-2", "ESR-3", "ESR-4", "ESR-5"};
        touched(ctx, idCombo("level", m.level, levels, "not stated", 130));
        heading("ACGME milestones (PC2, MK2, ICS1, ...)");
        touched(ctx, stringListEditor("milestones", m.milestones, "+ milestone"));
        heading("ESR European Training Curriculum items");
        touched(ctx, stringListEditor("esr", m.esrCurriculum, "+ curriculum item"));
        ImGui::SetNextItemWidth(kLabelRoom);
        touched(ctx, ImGui::InputText("reviewed by", &m.reviewedBy));
        ImGui::SetNextItemWidth(130);
        touched(ctx, ImGui::InputText("reviewed on", &m.reviewedOn));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("YYYY-MM-DD; without a sign-off the library shows a draft");
        ImGui::PopID();
    }
    if (ImGui::CollapsingHeader("Session and series arrival", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::PushID("session");
        // While the length is typed, each value is applied to the deadlines as they were when typing began, so the
        // lengths passed on the way (1, 12, 120 on the way to 1200) do not pull a chosen deadline along.
        auto& typing = ctx.widgets.sessionLengthTyping;
        double duration = s.durationSeconds;
        ImGui::SetNextItemWidth(140);
        if (ImGui::InputDouble("session length (s)", &duration, 30, 60, "%.0f")) {
            if (!typing) {
                typing.emplace(s.durationSeconds, std::vector<double>{});
                for (const auto& f : s.findings) typing->second.push_back(f.deadlineSeconds);
            }
            if (typing->second.size() == s.findings.size()) {
                s.durationSeconds = typing->first;
                for (std::size_t i = 0; i < s.findings.size(); ++i) s.findings[i].deadlineSeconds = typing->second[i];
            }
            setSessionDuration(s, duration);
            ctx.model.touch();
        }
        if (!ImGui::IsItemActive()) typing.reset();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("the session ends then at the latest; default deadlines follow it");
        const float tableWidth = ImGui::GetContentRegionAvail().x - 4;
        if (ImGui::BeginTable("series", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp,
                              ImVec2(tableWidth, 0))) {
            ImGui::TableSetupColumn("series", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 2.0f);
            ImGui::TableSetupColumn("arrives (s)", ImGuiTableColumnFlags_WidthFixed, 76);
            ImGui::TableSetupColumn("over (s)", ImGuiTableColumnFlags_WidthFixed, 64);
            ImGui::TableHeadersRow();
            for (std::size_t i = 0; i < s.images.series.size(); ++i) {
                auto& sp = s.images.series[i];
                ImGui::PushID(int(i));
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::AlignTextToFramePadding();
                ImGui::TextUnformatted(sp.id.c_str());
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("kind: %s", std::string(scenario::seriesKindText(sp.kind)).c_str());
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
                touched(ctx, ImGui::InputText("##label", &sp.label));
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
                if (touched(ctx, ImGui::InputDouble("##arrival", &sp.arrivalSeconds, 0, 0, "%.0f")))
                    sp.arrivalSeconds = std::max(0.0, sp.arrivalSeconds);
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
                if (touched(ctx, ImGui::InputDouble("##duration", &sp.arrivalDurationSeconds, 0, 0, "%.0f")))
                    sp.arrivalDurationSeconds = std::max(0.0, sp.arrivalDurationSeconds);
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + tableWidth);
        ImGui::TextWrapped("arrives: the first image; over: how long the images stream in (0: all at once)");
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        ImGui::PopID();
    }
}

void drawDebriefTexts(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    if (!ImGui::CollapsingHeader("Debrief", ImGuiTreeNodeFlags_DefaultOpen)) return;
    ImGui::PushID("debrief");
    touched(ctx, ImGui::InputTextMultiline("expert report", &s.expertReport, ImVec2(kLabelRoom, 100)));
    touched(ctx, ImGui::InputTextMultiline("teaching notes", &s.teachingNotes, ImVec2(kLabelRoom, 80)));
    ImGui::PopID();
}

void drawPatientAndVitals(AuthoringContext& ctx) {
    auto& p = ctx.model.scenario().patient;
    if (ImGui::CollapsingHeader("Patient", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::SetNextItemWidth(100);
        if (touched(ctx, ImGui::InputInt("age", &p.ageYears))) p.ageYears = std::clamp(p.ageYears, 0, 120);
        ImGui::SameLine(0, 24);
        static const std::vector<std::string> sexes{"male", "female", "unknown"};
        touched(ctx, idCombo("sex", p.sex, sexes, nullptr, 100));
        touched(ctx, ImGui::InputTextMultiline("mechanism", &p.mechanism, ImVec2(kLabelRoom, 60)));
        touched(ctx, ImGui::InputTextMultiline("prehospital", &p.prehospital, ImVec2(kLabelRoom, 60)));
        heading("vitals at the start");
        touched(ctx, vitalsEditor("start", p.vitalsAtStart));
    }
    if (ImGui::CollapsingHeader("Vitals trend", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::PushID("trend");
        drawTrend(ctx);
        ImGui::PopID();
    }
    if (ImGui::CollapsingHeader("Deteriorations (Category 1 finding not called in time)",
                                ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::PushID("deteriorations");
        drawDeteriorations(ctx);
        ImGui::PopID();
    }
}

void drawConclusion(AuthoringContext& ctx) {
    auto& c = ctx.model.scenario().conclusion;
    if (!ImGui::CollapsingHeader("Conclusion", ImGuiTreeNodeFlags_DefaultOpen)) return;
    ImGui::PushID("conclusion");
    editRows(ctx, c.keyPoints, [&](scenario::KeyPoint& k) {
        ImGui::SetNextItemWidth(110);
        touched(ctx, ImGui::InputTextWithHint("##id", "id", &k.id));
        ImGui::SameLine();
        const bool remove = textThenRemove(ctx, "##label", "label", k.label, "remove this key point");
        touched(ctx, commaListInput("keywords", k.keywords));
        return remove;
    });
    if (ImGui::SmallButton("+ key point")) {
        scenario::KeyPoint k;
        k.id = uniqueId("point", idsOf(c.keyPoints));
        c.keyPoints.push_back(std::move(k));
        ctx.model.touch();
    }
    touched(ctx, ImGui::InputTextMultiline("model sentence", &c.expertSentence, ImVec2(kLabelRoom, 60)));
    ImGui::PopID();
}

}  // namespace polysim::gui

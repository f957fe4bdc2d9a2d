// Names of trainee commands and their log representation.
#include <type_traits>

#include "session/event_log.h"

namespace polysim::session {

namespace {
template <class T>
constexpr std::string_view nameOf() {
    if constexpr (std::is_same_v<T, OpenSeries>)
        return "series";
    else if constexpr (std::is_same_v<T, SetPlane>)
        return "plane";
    else if constexpr (std::is_same_v<T, SetPosition>)
        return "position";
    else if constexpr (std::is_same_v<T, SetWindow>)
        return "window";
    else if constexpr (std::is_same_v<T, SetZoom>)
        return "zoom";
    else if constexpr (std::is_same_v<T, SetPan>)
        return "pan";
    else if constexpr (std::is_same_v<T, ResetView>)
        return "reset_view";
    else if constexpr (std::is_same_v<T, SetLayout>)
        return "layout";
    else if constexpr (std::is_same_v<T, SetCrosshair>)
        return "crosshair";
    else if constexpr (std::is_same_v<T, MarkFinding>)
        return "mark";
    else if constexpr (std::is_same_v<T, RemoveMark>)
        return "unmark";
    else if constexpr (std::is_same_v<T, AnswerInterruption>)
        return "answer";
    else if constexpr (std::is_same_v<T, CallFinding>)
        return "call";
    else if constexpr (std::is_same_v<T, DeclarePrimarySurveyComplete>)
        return "primary_survey_complete";
    else if constexpr (std::is_same_v<T, WriteConclusion>)
        return "conclude";
    else if constexpr (std::is_same_v<T, EndSession>)
        return "end";
    else if constexpr (std::is_same_v<T, PauseClock>)
        return "pause";
    else if constexpr (std::is_same_v<T, ResumeClock>)
        return "resume";
    else if constexpr (std::is_same_v<T, InjectInterruption>)
        return "inject";
    else if constexpr (std::is_same_v<T, HoldInterruption>)
        return "hold";
    else if constexpr (std::is_same_v<T, Say>)
        return "say";
    else
        return "note";
}

Json vec(const glm::dvec3& v) {
    return Json::array({v.x, v.y, v.z});
}
Json vec(const glm::dvec2& v) {
    return Json::array({v.x, v.y});
}

bool readNumber(const Json& j, const char* key, double& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return false;
    out = it->get<double>();
    return true;
}
bool readStrings(const Json& j, const char* key, std::vector<std::string>& out) {
    auto it = j.find(key);
    if (it == j.end()) return true;
    if (!it->is_array()) return false;
    for (const auto& x : *it) {
        if (!x.is_string()) return false;
        out.push_back(x.get<std::string>());
    }
    return true;
}
bool readString(const Json& j, const char* key, std::string& out, bool required = true) {
    auto it = j.find(key);
    if (it == j.end()) return !required;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}
template <int N>
bool readVec(const Json& j, const char* key, glm::vec<N, double>& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array() || it->size() != N) return false;
    for (int i = 0; i < N; ++i) {
        if (!(*it)[i].is_number()) return false;
        out[i] = (*it)[i].get<double>();
    }
    return true;
}
}  // namespace

bool isInstructorCommand(const Command& command) {
    if (const auto* end = std::get_if<EndSession>(&command)) return !end->by.empty();
    return std::holds_alternative<PauseClock>(command) || std::holds_alternative<ResumeClock>(command) ||
           std::holds_alternative<InjectInterruption>(command) || std::holds_alternative<HoldInterruption>(command) ||
           std::holds_alternative<Say>(command) || std::holds_alternative<InstructorNote>(command);
}

std::string_view commandName(const Command& command) {
    return std::visit([](const auto& c) { return nameOf<std::decay_t<decltype(c)>>(); }, command);
}

const std::vector<ActionName>& actionNames() {
    static const std::vector<ActionName> all = {
        {"series", "series", "series ID"},
        {"plane", "plane", "plane axial|coronal|sagittal"},
        {"position", "goto", "goto MM"},
        {"position", "scroll", "scroll FROM -> TO over SECONDSs [step MM]"},
        {"window", "window", "window PRESET | window WIDTH/LEVEL"},
        {"zoom", "zoom", "zoom FACTOR"},
        {"pan", "pan", "pan X,Y"},
        {"reset_view", "reset", "reset"},
        {"layout", "layout", "layout axial|coronal|sagittal"},
        {"crosshair", "crosshair", "crosshair X,Y,Z"},
        {"mark", "mark", "mark X,Y,Z \"label\" [as ID]"},
        {"unmark", "unmark", "unmark ID"},
        {"answer", "answer", "answer INTERRUPTION OPTION | answer INTERRUPTION \"free text\""},
        {"call", "call", "call MARK_ID|\"words\" ROLE"},
        {"primary_survey_complete", "primary-survey-complete", "primary-survey-complete"},
        {"conclude", "conclude", "conclude \"one sentence\""},
        {"end", "end", "end [instructor]"},
        {"pause", "pause", "pause", true},
        {"resume", "resume", "resume [HELD_SECONDSs]", true},
        {"inject", "inject", "inject INTERRUPTION", true},
        {"hold", "hold", "hold INTERRUPTION", true},
        {"say", "say", "say ROLE \"words\" [about FINDING,...] [keywords \"word, word\"]", true},
        {"note", "note", "note \"words\"", true},
    };
    return all;
}

const ActionName* actionForScriptVerb(std::string_view verb) {
    if (verb == "slice" || verb == "position") verb = "goto";
    if (verb == "primary_survey_complete") verb = "primary-survey-complete";
    for (const auto& a : actionNames())
        if (a.script == verb) return &a;
    return nullptr;
}

bool isActionName(std::string_view log) {
    for (const auto& a : actionNames())
        if (a.log == log) return true;
    return false;
}

Json commandToJson(const Command& command) {
    Json j;
    j["action"] = std::string(commandName(command));
    std::visit(
        [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, OpenSeries>)
                j["series"] = c.series;
            else if constexpr (std::is_same_v<T, SetPlane>)
                j["plane"] = std::string(planeName(c.plane));
            else if constexpr (std::is_same_v<T, SetLayout>)
                j["big"] = std::string(planeName(c.big));
            else if constexpr (std::is_same_v<T, SetPosition>)
                j["mm"] = c.mm;
            else if constexpr (std::is_same_v<T, SetWindow>) {
                if (!c.preset.empty()) j["preset"] = c.preset;
                j["width"] = c.window.width;
                j["level"] = c.window.level;
            } else if constexpr (std::is_same_v<T, SetZoom>)
                j["zoom"] = c.zoom;
            else if constexpr (std::is_same_v<T, SetPan>)
                j["centre"] = vec(c.centreMm);
            else if constexpr (std::is_same_v<T, SetCrosshair>)
                j["lps"] = vec(c.lps);
            else if constexpr (std::is_same_v<T, MarkFinding>) {
                j["lps"] = vec(c.lps);
                j["label"] = c.label;
                if (!c.id.empty()) j["id"] = c.id;
            } else if constexpr (std::is_same_v<T, RemoveMark>)
                j["id"] = c.id;
            else if constexpr (std::is_same_v<T, AnswerInterruption>) {
                j["interruption"] = c.interruption;
                if (!c.option.empty()) j["option"] = c.option;
                if (!c.text.empty()) j["text"] = c.text;
            } else if constexpr (std::is_same_v<T, CallFinding>) {
                if (!c.mark.empty()) j["mark"] = c.mark;
                if (!c.text.empty()) j["text"] = c.text;
                j["role"] = c.role;
            } else if constexpr (std::is_same_v<T, WriteConclusion>)
                j["text"] = c.text;
            else if constexpr (std::is_same_v<T, EndSession>) {
                if (!c.by.empty()) j["by"] = c.by;
            } else if constexpr (std::is_same_v<T, ResumeClock>) {
                if (c.heldSeconds > 0) j["held_s"] = c.heldSeconds;
            } else if constexpr (std::is_same_v<T, InjectInterruption> || std::is_same_v<T, HoldInterruption>)
                j["interruption"] = c.interruption;
            else if constexpr (std::is_same_v<T, Say>) {
                j["role"] = c.role;
                j["text"] = c.text;
                if (!c.findings.empty()) j["findings"] = c.findings;
                if (!c.keywords.empty()) j["keywords"] = c.keywords;
                if (!c.id.empty()) j["id"] = c.id;
            } else if constexpr (std::is_same_v<T, InstructorNote>)
                j["text"] = c.text;
        },
        command);
    return j;
}

std::optional<Command> commandFromJson(const Json& j, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<Command> {
        if (error) *error = why;
        return std::nullopt;
    };
    std::string name;
    if (!j.is_object() || !readString(j, "action", name)) return fail("no \"action\" name");
    if (name == "series") {
        OpenSeries c;
        if (!readString(j, "series", c.series)) return fail("series: needs \"series\"");
        return c;
    }
    if (name == "plane") {
        std::string p;
        if (!readString(j, "plane", p) || !parsePlane(p)) return fail("plane: needs \"plane\" axial|coronal|sagittal");
        return SetPlane{*parsePlane(p)};
    }
    if (name == "position") {
        SetPosition c;
        if (!readNumber(j, "mm", c.mm)) return fail("position: needs number \"mm\"");
        return c;
    }
    if (name == "window") {
        SetWindow c;
        if (!readString(j, "preset", c.preset, false) || !readNumber(j, "width", c.window.width) ||
            !readNumber(j, "level", c.window.level))
            return fail("window: needs \"width\" and \"level\"");
        return c;
    }
    if (name == "zoom") {
        SetZoom c;
        if (!readNumber(j, "zoom", c.zoom)) return fail("zoom: needs number \"zoom\"");
        return c;
    }
    if (name == "pan") {
        SetPan c;
        if (!readVec<2>(j, "centre", c.centreMm)) return fail("pan: needs \"centre\" [x, y]");
        return c;
    }
    if (name == "reset_view") return ResetView{};
    if (name == "layout") {
        std::string big;
        auto plane = readString(j, "big", big) ? parsePlane(big) : std::nullopt;
        if (!plane) return fail("layout: needs \"big\" axial|coronal|sagittal");
        return SetLayout{*plane};
    }
    if (name == "crosshair") {
        SetCrosshair c;
        if (!readVec<3>(j, "lps", c.lps)) return fail("crosshair: needs \"lps\" [x, y, z]");
        return c;
    }
    if (name == "mark") {
        MarkFinding c;
        if (!readVec<3>(j, "lps", c.lps) || !readString(j, "label", c.label) || !readString(j, "id", c.id, false))
            return fail("mark: needs \"lps\" [x, y, z] and \"label\"");
        return c;
    }
    if (name == "unmark") {
        RemoveMark c;
        if (!readString(j, "id", c.id)) return fail("unmark: needs \"id\"");
        return c;
    }
    if (name == "answer") {
        AnswerInterruption c;
        if (!readString(j, "interruption", c.interruption) || !readString(j, "option", c.option, false) ||
            !readString(j, "text", c.text, false))
            return fail("answer: needs \"interruption\"");
        return c;
    }
    if (name == "call") {
        CallFinding c;
        if (!readString(j, "mark", c.mark, false) || !readString(j, "text", c.text, false) ||
            !readString(j, "role", c.role))
            return fail("call: needs \"role\"");
        return c;
    }
    if (name == "primary_survey_complete") return DeclarePrimarySurveyComplete{};
    if (name == "conclude") {
        WriteConclusion c;
        if (!readString(j, "text", c.text)) return fail("conclude: needs \"text\"");
        return c;
    }
    if (name == "end") {
        EndSession c;
        if (!readString(j, "by", c.by, false)) return fail("end: \"by\" must be text");
        return c;
    }
    if (name == "pause") return PauseClock{};
    if (name == "resume") {
        ResumeClock c;
        if (j.contains("held_s") && (!readNumber(j, "held_s", c.heldSeconds) || c.heldSeconds < 0))
            return fail("resume: \"held_s\" must be a number of seconds");
        return c;
    }
    if (name == "inject" || name == "hold") {
        std::string id;
        if (!readString(j, "interruption", id)) return fail(name + ": needs \"interruption\"");
        if (name == "inject") return InjectInterruption{id};
        return HoldInterruption{id};
    }
    if (name == "say") {
        Say c;
        if (!readString(j, "role", c.role) || !readString(j, "text", c.text) ||
            !readStrings(j, "findings", c.findings) || !readStrings(j, "keywords", c.keywords) ||
            !readString(j, "id", c.id, false))
            return fail("say: needs \"role\" and \"text\" (\"findings\" and \"keywords\": lists of text)");
        return c;
    }
    if (name == "note") {
        InstructorNote c;
        if (!readString(j, "text", c.text)) return fail("note: needs \"text\"");
        return c;
    }
    return fail("unknown action '" + name + "'");
}

}  // namespace polysim::session

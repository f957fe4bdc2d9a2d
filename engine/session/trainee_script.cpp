// Parser and runner of trainee scripts (format in trainee_script.h).
#include "session/trainee_script.h"

#include "session/text_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "session/session.h"

namespace polysim::session {

namespace {
struct Token {
    std::string text;
    int column = 0;  // 1-based
    bool quoted = false;
};

struct LineParser {
    const std::filesystem::path& file;
    int line;

    [[noreturn]] void fail(int column, const std::string& message) const {
        throw ScriptError(file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
    }

    std::vector<Token> tokenize(const std::string& text) const {
        std::vector<Token> out;
        std::size_t i = 0;
        while (i < text.size()) {
            if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
                ++i;
                continue;
            }
            if (text[i] == '#') break;
            Token t;
            t.column = int(i) + 1;
            if (text[i] == '"') {
                t.quoted = true;
                ++i;
                bool closed = false;
                while (i < text.size()) {
                    if (text[i] == '\\' && i + 1 < text.size()) {
                        t.text += text[i + 1];
                        i += 2;
                    } else if (text[i] == '"') {
                        closed = true;
                        ++i;
                        break;
                    } else {
                        t.text += text[i++];
                    }
                }
                if (!closed) fail(t.column, "unterminated quoted text (missing closing \")");
            } else {
                while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r') t.text += text[i++];
            }
            out.push_back(t);
        }
        return out;
    }

    double number(const Token& t, const char* what) const {
        double v = 0;
        auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        if (t.quoted || r.ec != std::errc{} || r.ptr != t.text.data() + t.text.size() || !std::isfinite(v))
            fail(t.column, std::string("expected ") + what + ", found '" + t.text + "'");
        return v;
    }

    Plane plane(const Token& t) const {
        auto plane = parsePlane(t.text);
        if (!plane) fail(t.column, "unknown plane '" + t.text + "' (axial, coronal or sagittal)");
        return *plane;
    }

    std::vector<double> numbers(const Token& t, std::size_t n, const char* what) const {
        std::vector<double> out;
        std::size_t start = 0;
        while (true) {
            std::size_t comma = t.text.find(',', start);
            std::string part = t.text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            Token p{part, t.column + int(start), false};
            out.push_back(number(p, what));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (out.size() != n) fail(t.column, std::string("expected ") + what + ", found '" + t.text + "'");
        return out;
    }

    double time(const Token& t) const {
        // MM:SS[.fff] or H:MM:SS[.fff]
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (true) {
            std::size_t c = t.text.find(':', start);
            parts.push_back(t.text.substr(start, c == std::string::npos ? std::string::npos : c - start));
            if (c == std::string::npos) break;
            start = c + 1;
        }
        auto bad = [&]() { fail(t.column, "expected a time MM:SS (e.g. 01:35 or 01:35.5), found '" + t.text + "'"); };
        if (parts.size() < 2 || parts.size() > 3) bad();
        double total = 0;
        for (std::size_t k = 0; k < parts.size(); ++k) {
            double v = 0;
            const auto& s = parts[k];
            auto r = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size() || v < 0) bad();
            bool last = k + 1 == parts.size();
            if (!last && v != std::floor(v)) bad();
            if (k > 0 && v >= 60) bad();
            total = total * 60 + v;
        }
        return total;
    }

    void expectCount(const std::vector<Token>& tok, std::size_t min, std::size_t max, const std::string& usage) const {
        if (tok.size() < min)
            fail(tok.back().column + int(tok.back().text.size()), "missing argument; usage: " + usage);
        if (tok.size() > max) fail(tok[max].column, "unexpected '" + tok[max].text + "'; usage: " + usage);
    }
};
}  // namespace

TraineeScript parseTraineeScript(const std::string& text, const std::filesystem::path& file) {
    TraineeScript script;
    script.file = file;
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    double busyUntil = 0;
    int busyLine = 0;
    std::set<std::string> markIds;
    int autoMark = 1;
    while (std::getline(in, raw)) {
        ++lineNo;
        LineParser p{file, lineNo};
        auto tok = p.tokenize(raw);
        if (tok.empty()) continue;
        ScriptAction a;
        a.line = lineNo;
        a.t = p.time(tok[0]);
        if (a.t < busyUntil)
            p.fail(tok[0].column, "time " + tok[0].text + " is before the previous action at line " +
                                      std::to_string(busyLine) + " ends (" + std::to_string(busyUntil) +
                                      " s); actions must be in time order");
        if (tok.size() < 2) p.fail(tok[0].column + int(tok[0].text.size()), "missing action after the time");
        // The verb is looked up in the one vocabulary of actions (session/command.h), which also gives its usage.
        const ActionName* action = actionForScriptVerb(tok[1].text);
        if (!action) {
            std::string trainee, instructor;
            for (const auto& n : actionNames()) {
                std::string& list = n.instructor ? instructor : trainee;
                list += (list.empty() ? "" : ", ") + std::string(n.script);
            }
            p.fail(tok[1].column,
                   "unknown action '" + tok[1].text + "' (" + trainee + "; the instructor's: " + instructor + ")");
        }
        const std::string verb(action->script);
        const std::string usage(action->usage);
        std::vector<Token> args(tok.begin() + 1, tok.end());  // args[0] is the verb
        if (verb == "series") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{OpenSeries{args[1].text}};
        } else if (verb == "plane") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{SetPlane{p.plane(args[1])}};
        } else if (verb == "goto") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{SetPosition{p.number(args[1], "a position in mm")}};
        } else if (verb == "scroll") {
            p.expectCount(args, 6, 8, usage);
            Scroll s;
            s.fromMm = p.number(args[1], "a position in mm");
            if (args[2].text != "->") p.fail(args[2].column, "expected '->'; usage: " + usage);
            s.toMm = p.number(args[3], "a position in mm");
            if (args[4].text != "over") p.fail(args[4].column, "expected 'over'; usage: " + usage);
            std::string secs = args[5].text;
            if (!secs.empty() && secs.back() == 's') secs.pop_back();
            s.overSeconds = p.number({secs, args[5].column, false}, "a duration in seconds (e.g. 20s)");
            if (s.overSeconds < 0) p.fail(args[5].column, "the duration cannot be negative");
            if (args.size() > 6) {
                if (args[6].text != "step" || args.size() != 8)
                    p.fail(args[6].column, "expected 'step MM'; usage: " + usage);
                s.stepMm = p.number(args[7], "a step in mm");
                if (s.stepMm <= 0) p.fail(args[7].column, "the step must be above 0 mm");
            }
            a.what = s;
        } else if (verb == "window") {
            p.expectCount(args, 2, 2, usage);
            auto w = imaging::parseWindow(args[1].text);
            if (!w)
                p.fail(args[1].column, "unknown window '" + args[1].text + "' (a preset such as lung, or 1500/-600)");
            const auto* preset = imaging::findWindowPreset(args[1].text);
            a.what = Command{SetWindow{preset ? std::string(preset->name) : std::string(), *w}};
        } else if (verb == "zoom") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{SetZoom{p.number(args[1], "a zoom factor")}};
        } else if (verb == "pan") {
            p.expectCount(args, 2, 2, usage);
            auto v = p.numbers(args[1], 2, "X,Y in mm");
            a.what = Command{SetPan{{v[0], v[1]}}};
        } else if (verb == "layout") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{SetLayout{p.plane(args[1])}};
        } else if (verb == "reset") {
            p.expectCount(args, 1, 1, usage);
            a.what = Command{ResetView{}};
        } else if (verb == "crosshair") {
            p.expectCount(args, 2, 2, usage);
            auto v = p.numbers(args[1], 3, "X,Y,Z in mm (LPS)");
            a.what = Command{SetCrosshair{{v[0], v[1], v[2]}}};
        } else if (verb == "mark") {
            p.expectCount(args, 3, 5, usage);
            auto v = p.numbers(args[1], 3, "X,Y,Z in mm (LPS)");
            MarkFinding m{{v[0], v[1], v[2]}, args[2].text, ""};
            if (args.size() > 3) {
                if (args[3].text != "as" || args.size() != 5)
                    p.fail(args[3].column, "expected 'as ID'; usage: " + usage);
                m.id = args[4].text;
            } else {
                m.id = "m" + std::to_string(autoMark);
            }
            ++autoMark;
            markIds.insert(m.id);
            // Scripts name marks themselves so a later 'call' can refer to them; the log keeps the same id.
            a.what = Command{m};
        } else if (verb == "unmark") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{RemoveMark{args[1].text}};
        } else if (verb == "answer") {
            p.expectCount(args, 3, 3, usage);
            AnswerInterruption ans{args[1].text, "", ""};
            if (args[2].quoted)
                ans.text = args[2].text;
            else
                ans.option = args[2].text;
            a.what = Command{ans};
        } else if (verb == "call") {
            p.expectCount(args, 3, 3, usage);
            CallFinding c;
            if (!args[1].quoted && markIds.count(args[1].text))
                c.mark = args[1].text;
            else
                c.text = args[1].text;
            c.role = args[2].text;
            a.what = Command{c};
        } else if (verb == "primary-survey-complete") {
            p.expectCount(args, 1, 1, usage);
            a.what = Command{DeclarePrimarySurveyComplete{}};
        } else if (verb == "conclude") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{WriteConclusion{args[1].text}};
        } else if (verb == "end") {
            p.expectCount(args, 1, 2, usage);
            if (args.size() == 2 && args[1].text != "instructor")
                p.fail(args[1].column,
                       "expected 'instructor' (the instructor ends the session); usage: end [instructor]");
            a.what = Command{EndSession{args.size() == 2 ? "instructor" : ""}};
        } else if (verb == "pause") {
            p.expectCount(args, 1, 1, usage);
            a.what = Command{PauseClock{}};
        } else if (verb == "resume") {
            p.expectCount(args, 1, 2, usage);
            ResumeClock r;
            if (args.size() == 2) {
                std::string secs = args[1].text;
                if (!secs.empty() && secs.back() == 's') secs.pop_back();
                r.heldSeconds = p.number({secs, args[1].column, false}, "the seconds the pause lasted (e.g. 45s)");
                if (r.heldSeconds < 0) p.fail(args[1].column, "the seconds held cannot be negative");
            }
            a.what = Command{r};
        } else if (verb == "inject" || verb == "hold") {
            p.expectCount(args, 2, 2, usage);
            if (verb == "inject")
                a.what = Command{InjectInterruption{args[1].text}};
            else
                a.what = Command{HoldInterruption{args[1].text}};
        } else if (verb == "say") {
            p.expectCount(args, 3, 7, usage);
            Say say{args[1].text, args[2].text, {}, {}, ""};
            auto split = [](const std::string& text) {
                std::vector<std::string> out;
                std::stringstream in(text);
                std::string item;
                while (std::getline(in, item, ',')) {
                    auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
                    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
                }
                return out;
            };
            for (std::size_t k = 3; k < args.size(); k += 2) {
                if (k + 1 >= args.size()) p.fail(args[k].column, "missing argument; usage: " + usage);
                if (args[k].text == "about")
                    say.findings = split(args[k + 1].text);
                else if (args[k].text == "keywords")
                    say.keywords = split(args[k + 1].text);
                else
                    p.fail(args[k].column, "expected 'about' or 'keywords'; usage: " + usage);
            }
            a.what = Command{say};
        } else if (verb == "note") {
            p.expectCount(args, 2, 2, usage);
            a.what = Command{InstructorNote{args[1].text}};
        }
        busyUntil = a.t + (std::holds_alternative<Scroll>(a.what) ? std::get<Scroll>(a.what).overSeconds : 0.0);
        busyLine = lineNo;
        script.actions.push_back(std::move(a));
    }
    return script;
}

TraineeScript loadTraineeScript(const std::filesystem::path& file) {
    // The shipped scripts are tens of kilobytes.
    auto read = readRegularTextFile(file, std::uintmax_t(64) << 20);
    if (!read.error.empty()) throw ScriptError(file.string() + ": trainee script " + read.error);
    return parseTraineeScript(read.text, file);
}

void ScriptRunner::applyAt(Session& session, SessionClock& clock, double t, const Command& command, int line) {
    if (skip_ > 0) {
        --skip_;
        return;
    }
    clock.advanceTo(t);
    session.update();
    if (session.ended()) return;
    auto r = session.apply(command);
    ++applied_;
    if (!r.accepted)
        refused_.push_back(script_.file.string() + ":" + std::to_string(line) + ": " +
                           std::string(commandName(command)) + " refused: " + r.reason);
}

void ScriptRunner::runUntil(Session& session, SessionClock& clock, double seconds) {
    while (next_ < script_.actions.size() && !session.ended()) {
        const auto& a = script_.actions[next_];
        if (const auto* c = std::get_if<Command>(&a.what)) {
            if (a.t > seconds) return;
            applyAt(session, clock, a.t, *c, a.line);
            ++next_;
            continue;
        }
        const auto& s = std::get<Scroll>(a.what);
        if (scrollStep_ < 0) {
            if (a.t > seconds) return;
            // The slice spacing is the open series' when the scroll starts.
            clock.advanceTo(a.t);
            session.update();
            double step = s.stepMm > 0 ? s.stepMm : session.sliceMm(session.view().series);
            scrollSteps_ = std::max(1, int(std::ceil(std::abs(s.toMm - s.fromMm) / step - 1e-9)));
            scrollStep_ = 0;
        }
        while (scrollStep_ <= scrollSteps_ && !session.ended()) {
            double f = double(scrollStep_) / scrollSteps_;
            double t = a.t + s.overSeconds * f;
            if (t > seconds) return;
            applyAt(session, clock, t, SetPosition{s.fromMm + (s.toMm - s.fromMm) * f}, a.line);
            ++scrollStep_;
        }
        scrollStep_ = -1;
        ++next_;
    }
}

ScriptRun runTraineeScript(Session& session, SessionClock& clock, const TraineeScript& script,
                           std::size_t alreadyApplied) {
    ScriptRunner runner(script, alreadyApplied);
    runner.runUntil(session, clock, std::numeric_limits<double>::infinity());
    if (!session.ended()) {
        double end = session.scenario().durationSeconds > 0 ? session.scenario().durationSeconds : clock.now();
        session.advanceTo(std::max(end, clock.now()));
    }
    return {runner.applied(), runner.refused()};
}

}  // namespace polysim::session

// The bindings table, its chord syntax and the TOML file it is saved in.
#include "gui/bindings.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <SDL.h>
#include <imgui.h>
#include <toml++/toml.h>

#include "imaging/window.h"
#include "scenario/toml_depth.h"

namespace polysim::gui {
namespace fs = std::filesystem;

const std::vector<CommandInfo>& bindableCommands() {
    static const std::vector<CommandInfo> all = [] {
        std::vector<CommandInfo> c = {
            {"slice.next", "next image (towards the feet in the axial view)", CommandKind::Key,
             "plane, zoom, pan, position"},
            {"slice.previous", "previous image (towards the head)", CommandKind::Key, "plane, zoom, pan, position"},
            {"slice.next10", "10 images on", CommandKind::Key, "plane, zoom, pan, position"},
            {"slice.previous10", "10 images back", CommandKind::Key, "plane, zoom, pan, position"},
            {"slice.first", "first image", CommandKind::Key, "plane, zoom, pan, position"},
            {"slice.last", "last image", CommandKind::Key, "plane, zoom, pan, position"},
            {"slice.scroll", "scroll through images", CommandKind::Wheel, "plane, zoom, pan, position"},
            {"slice.scroll10", "scroll 10 images per notch", CommandKind::Wheel, "plane, zoom, pan, position"},
            {"view.zoom", "zoom", CommandKind::Wheel, "plane, zoom, pan"},
            {"view.zoom_in", "zoom in", CommandKind::Key, "plane, zoom, pan"},
            {"view.zoom_out", "zoom out", CommandKind::Key, "plane, zoom, pan"},
            {"view.reset", "reset zoom, pan and window", CommandKind::Key, "reset_view, window"},
            {"view.swap", "swap the big view: axial, coronal, sagittal in turn", CommandKind::Key, "layout"},
            {"view.bubble_lane", "speech bubbles in a lane of their own beside the images, or over the reformats",
             CommandKind::Key},
            {"view.pan", "pan", CommandKind::Drag, "plane, zoom, pan"},
            {"window.adjust", "window/level (across: width, down: level)", CommandKind::Drag, "window"},
            {"crosshair.move", "move the crosshair (links the three views)", CommandKind::Drag, "crosshair"},
            {"finding.mark", "mark a finding at the crosshair", CommandKind::Key, "mark"},
            {"authoring.save", "authoring: save the case", CommandKind::Key},
            {"authoring.quit", "authoring: quit (asks first when there are unsaved changes)", CommandKind::Key},
            {"authoring.cancel", "authoring: put back what a drag changed, or cancel the quit question",
             CommandKind::Key},
            {"authoring.delete", "authoring: delete the selected interruption on the timeline", CommandKind::Key},
        };
        // Preset commands come from the shared preset table, so a new preset is bindable without code here.
        static std::vector<std::string> names, descriptions;
        names.reserve(imaging::kWindowPresets.size());
        descriptions.reserve(imaging::kWindowPresets.size());
        for (const auto& p : imaging::kWindowPresets) {
            names.push_back("window.preset." + std::string(p.name));
            descriptions.push_back("window preset: " + std::string(p.label));
        }
        for (std::size_t i = 0; i < names.size(); ++i)
            c.push_back({names[i], descriptions[i], CommandKind::Key, "window"});
        return c;
    }();
    return all;
}

const CommandInfo* findBindableCommand(std::string_view name) {
    for (const auto& c : bindableCommands())
        if (c.name == name) return &c;
    return nullptr;
}

std::string Chord::toString() const {
    std::string s;
    if (mods & kCtrl) s += "Ctrl+";
    if (mods & kAlt) s += "Alt+";
    if (mods & kShift) s += "Shift+";
    switch (kind) {
        case CommandKind::Key:
            s += SDL_GetKeyName(SDL_Keycode(key));
            break;
        case CommandKind::Wheel:
            s += "Wheel";
            break;
        case CommandKind::Drag:
            s += button == 1 ? "LeftDrag" : button == 2 ? "MiddleDrag" : "RightDrag";
            break;
    }
    return s;
}

std::optional<Chord> Chord::parse(std::string_view text) {
    Chord c;
    // A trailing '+' is the plus key itself ("Ctrl++"), so split only on '+' followed by something.
    while (true) {
        auto plus = text.find('+');
        if (plus == std::string_view::npos || plus == 0 || plus + 1 >= text.size()) break;
        auto mod = text.substr(0, plus);
        if (mod == "Ctrl")
            c.mods |= kCtrl;
        else if (mod == "Shift")
            c.mods |= kShift;
        else if (mod == "Alt")
            c.mods |= kAlt;
        else
            return std::nullopt;
        text.remove_prefix(plus + 1);
    }
    if (text == "Wheel") {
        c.kind = CommandKind::Wheel;
    } else if (text == "LeftDrag" || text == "MiddleDrag" || text == "RightDrag") {
        c.kind = CommandKind::Drag;
        c.button = text == "LeftDrag" ? 1 : text == "MiddleDrag" ? 2 : 3;
    } else {
        std::string name(text);
        SDL_Keycode k = SDL_GetKeyFromName(name.c_str());
        if (k == SDLK_UNKNOWN) return std::nullopt;
        c.kind = CommandKind::Key;
        c.key = k;
    }
    return c;
}

Bindings Bindings::defaults() {
    Bindings b;
    auto add = [&](std::string_view command, std::string_view chord) {
        b.bindings_.push_back({std::string(command), *Chord::parse(chord)});
    };
    add("slice.next", "Down");
    add("slice.previous", "Up");
    add("slice.next10", "Shift+Down");
    add("slice.next10", "PageDown");
    add("slice.previous10", "Shift+Up");
    add("slice.previous10", "PageUp");
    add("slice.first", "Home");
    add("slice.last", "End");
    add("slice.scroll", "Wheel");
    add("slice.scroll10", "Shift+Wheel");
    add("view.zoom", "Ctrl+Wheel");
    add("view.zoom_in", "=");
    add("view.zoom_out", "-");
    add("view.reset", "Space");
    add("view.swap", "V");
    add("view.bubble_lane", "B");
    add("view.pan", "MiddleDrag");
    add("window.adjust", "RightDrag");
    add("crosshair.move", "LeftDrag");
    add("finding.mark", "M");
    add("authoring.save", "Ctrl+S");
    add("authoring.quit", "Ctrl+Q");
    add("authoring.cancel", "Escape");
    add("authoring.delete", "Delete");
    int n = 1;
    for (const auto& p : imaging::kWindowPresets) add("window.preset." + std::string(p.name), std::to_string(n++));
    return b;
}

namespace {
[[noreturn]] void fail(const fs::path& file, const toml::source_region& where, const std::string& what) {
    std::ostringstream os;
    os << file.string() << ":" << where.begin.line << ":" << where.begin.column << ": " << what;
    throw std::runtime_error(os.str());
}
}  // namespace

Bindings Bindings::load(const fs::path& file) {
    Bindings b = defaults();
    toml::table root;
    try {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error(file.string() + ": cannot be read");
        std::stringstream text;
        text << in.rdbuf();
        if (auto deep = scenario::findTomlNestingProblem(text.str()))
            throw std::runtime_error(file.string() + ":" + std::to_string(deep->line) + ":" +
                                     std::to_string(deep->column) + ": " + deep->message);
        root = toml::parse(text.str(), file.string());
    } catch (const toml::parse_error& e) {
        fail(file, e.source(), std::string(e.description()));
    }
    auto* table = root["bindings"].as_table();
    if (!table) {
        if (root.contains("bindings")) fail(file, root["bindings"].node()->source(), "'bindings' must be a table");
        return b;  // an empty file means "all defaults"
    }
    for (const auto& [key, node] : *table) {
        std::string command(key.str());
        const CommandInfo* info = findBindableCommand(command);
        if (!info) fail(file, key.source(), "unknown command '" + command + "' (see the bindings table in the app)");
        std::vector<Chord> chords;
        auto addChord = [&](const toml::node& n) {
            auto text = n.value<std::string>();
            if (!text) fail(file, n.source(), "a chord must be a string like \"Shift+Down\"");
            auto chord = Chord::parse(*text);
            if (!chord) fail(file, n.source(), "'" + *text + "' is not a key, Wheel or Left/Middle/RightDrag chord");
            if (chord->kind != info->kind)
                fail(file, n.source(),
                     "'" + command + "' needs a " +
                         (info->kind == CommandKind::Key     ? "key"
                          : info->kind == CommandKind::Wheel ? "Wheel"
                                                             : "Drag") +
                         " chord, not '" + *text + "'");
            chords.push_back(*chord);
        };
        if (auto* arr = node.as_array()) {
            for (const auto& n : *arr) addChord(n);
        } else {
            addChord(node);
        }
        b.set(command, std::move(chords));
    }
    return b;
}

void Bindings::save(const fs::path& file) const {
    toml::table bindings;
    for (const auto& info : bindableCommands()) {
        toml::array chords;
        for (const auto& c : chordsOf(info.name)) chords.push_back(c.toString());
        bindings.insert(std::string(info.name), std::move(chords));
    }
    toml::table root;
    root.insert("bindings", std::move(bindings));
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    std::ofstream out(file);
    if (!out) throw std::runtime_error(file.string() + ": cannot write the bindings file");
    out << "# polysim key and mouse bindings: command = [chords]. Chords: keys (\"Shift+Down\", \"7\"),\n"
           "# \"Wheel\" with modifiers, \"LeftDrag\" / \"MiddleDrag\" / \"RightDrag\". Delete a line to get the "
           "default.\n"
        << root << "\n";
}

const std::string* Bindings::commandFor(const Chord& chord) const {
    for (const auto& b : bindings_)
        if (b.chord == chord) return &b.command;
    return nullptr;
}

std::vector<Chord> Bindings::chordsOf(std::string_view command) const {
    std::vector<Chord> out;
    for (const auto& b : bindings_)
        if (b.command == command) out.push_back(b.chord);
    return out;
}

void Bindings::set(std::string_view command, std::vector<Chord> chords) {
    std::erase_if(bindings_, [&](const Binding& b) { return b.command == command; });
    // A chord belongs to one command only: taking it here frees it elsewhere.
    for (const auto& c : chords) std::erase_if(bindings_, [&](const Binding& b) { return b.chord == c; });
    for (auto& c : chords) bindings_.push_back({std::string(command), c});
}

fs::path defaultBindingsFile() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "polysim" / "bindings.toml";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".config" / "polysim" / "bindings.toml";
    return fs::path("polysim-bindings.toml");
}

uint8_t modifiersFromSdl(uint16_t m) {
    uint8_t r = 0;
    if (m & KMOD_CTRL) r |= kCtrl;
    if (m & KMOD_SHIFT) r |= kShift;
    if (m & KMOD_ALT) r |= kAlt;
    return r;
}

bool commandPressed(const Bindings& bindings, std::string_view command) {
    const ImGuiIO& io = ImGui::GetIO();
    const uint8_t mods = uint8_t((io.KeyCtrl ? kCtrl : 0) | (io.KeyShift ? kShift : 0) | (io.KeyAlt ? kAlt : 0));
    for (const auto& c : bindings.chordsOf(command)) {
        if (c.kind != CommandKind::Key || c.mods != mods) continue;
        // The SDL backend of Dear ImGui 1.86 keeps io.KeysDown by scancode. Before SDL's keyboard is set up (no
        // video yet), the key's name finds its scancode on a US layout.
        SDL_Scancode sc = SDL_GetScancodeFromKey(SDL_Keycode(c.key));
        if (sc == SDL_SCANCODE_UNKNOWN) sc = SDL_GetScancodeFromName(SDL_GetKeyName(SDL_Keycode(c.key)));
        if (sc != SDL_SCANCODE_UNKNOWN && ImGui::IsKeyPressed(int(sc), false)) return true;
    }
    return false;
}

}  // namespace polysim::gui

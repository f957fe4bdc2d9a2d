// Key and mouse bindings as data: every viewer action is a named command, bound to one or more chords
// ("Shift+Down", "Ctrl+Wheel", "RightDrag"). Users rebind them in a TOML file, as radiologists program their mice.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace polysim::gui {

enum class CommandKind { Key, Wheel, Drag };

struct CommandInfo {
    std::string_view name;         // "slice.next": what the bindings file calls it
    std::string_view description;  // shown in the bindings table
    CommandKind kind;
    // The session actions it is logged as, by their names in the event log and the vocabulary of actions
    // (session::actionNames: "position" is the script's `goto`), comma-separated; empty: it changes only the screen.
    std::string_view logs = {};
};
// Every bindable command, in the order the bindings table shows them.
const std::vector<CommandInfo>& bindableCommands();
const CommandInfo* findBindableCommand(std::string_view name);

enum Modifier : uint8_t { kCtrl = 1, kShift = 2, kAlt = 4 };

// One key press, wheel turn or mouse drag with its modifiers.
struct Chord {
    CommandKind kind = CommandKind::Key;
    int32_t key = 0;   // SDL_Keycode for Key chords
    int button = 0;    // 1 left, 2 middle, 3 right (SDL numbering) for Drag chords
    uint8_t mods = 0;  // Modifier bits
    bool operator==(const Chord&) const = default;

    std::string toString() const;
    // Parses "Ctrl+Shift+Down", "7", "Wheel", "Shift+Wheel", "MiddleDrag"; empty when it is not a chord.
    static std::optional<Chord> parse(std::string_view text);
};

struct Binding {
    std::string command;
    Chord chord;
};

class Bindings {
public:
    static Bindings defaults();

    // Reads a bindings file over the defaults: each command listed there replaces its default chords.
    // Throws std::runtime_error naming the file, line and column on anything it cannot use.
    static Bindings load(const std::filesystem::path& file);
    void save(const std::filesystem::path& file) const;

    // The command bound to a chord, if any.
    const std::string* commandFor(const Chord& chord) const;
    std::vector<Chord> chordsOf(std::string_view command) const;
    void set(std::string_view command, std::vector<Chord> chords);
    const std::vector<Binding>& all() const { return bindings_; }

private:
    std::vector<Binding> bindings_;
};

// $XDG_CONFIG_HOME/polysim/bindings.toml, or ~/.config/polysim/bindings.toml.
std::filesystem::path defaultBindingsFile();

// Modifier bits from SDL's KMOD_* state.
uint8_t modifiersFromSdl(uint16_t sdlMods);

// Whether a key command's chord was pressed this frame, as Dear ImGui saw the keyboard: for panels that read keys
// through ImGui (the authoring timeline's Delete) rather than through SDL events.
bool commandPressed(const Bindings& bindings, std::string_view command);

}  // namespace polysim::gui

// The reading room's bindings editor (see reading_room.h): every command with its chords, rebound by pressing the
// new key, wheel or button, saved to the user's bindings file.
#include "gui/reading_room.h"

#include "gui/palette.h"

#include <imgui.h>

namespace polysim::gui {

bool ReadingRoom::captureChord(const SDL_Event& e) {
    if (capturing_.empty()) return false;
    const CommandInfo* info = findBindableCommand(capturing_);
    Chord c;
    c.kind = info->kind;
    if (e.type == SDL_KEYDOWN && info->kind == CommandKind::Key) {
        SDL_Keycode k = e.key.keysym.sym;
        if (k == SDLK_LCTRL || k == SDLK_RCTRL || k == SDLK_LSHIFT || k == SDLK_RSHIFT || k == SDLK_LALT ||
            k == SDLK_RALT)
            return true;  // wait for the key the modifiers go with
        if (k == SDLK_ESCAPE) {
            capturing_.clear();
            return true;
        }
        c.key = k;
        c.mods = modifiersFromSdl(e.key.keysym.mod);
    } else if (e.type == SDL_MOUSEWHEEL && info->kind == CommandKind::Wheel) {
        c.mods = modifiersFromSdl(uint16_t(SDL_GetModState()));
    } else if (e.type == SDL_MOUSEBUTTONDOWN && info->kind == CommandKind::Drag && !ImGui::GetIO().WantCaptureMouse) {
        c.button = e.button.button;
        c.mods = modifiersFromSdl(uint16_t(SDL_GetModState()));
    } else {
        return e.type == SDL_KEYDOWN;  // keys do nothing else while capturing
    }
    bindings_.set(capturing_, {c});
    try {
        bindings_.save(defaultBindingsFile());
        bindingsStatus_ = capturing_ + " = " + c.toString() + ", saved to " + defaultBindingsFile().string();
    } catch (const std::exception& ex) {
        bindingsStatus_ = ex.what();
    }
    capturing_.clear();
    return true;
}

void ReadingRoom::drawBindings() {
    if (!bindingsOpen_) return;
    ImGui::SetNextWindowSize(ImVec2(620, 560), ImGuiCond_Appearing);
    ImGui::Begin("Keys and mouse", &bindingsOpen_);
    ImGui::TextWrapped(
        "Every action is a named command. Click a chord to rebind it, then press the key, turn the wheel "
        "or press the mouse button over the image (Escape cancels). Saved in %s.",
        defaultBindingsFile().string().c_str());
    if (!bindingsStatus_.empty()) ImGui::TextColored(palette::kSaved, "%s", bindingsStatus_.c_str());
    if (ImGui::BeginTable("bindings", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, ImVec2(0, -34))) {
        ImGui::TableSetupColumn("command");
        ImGui::TableSetupColumn("chords");
        ImGui::TableSetupColumn("what it does");
        ImGui::TableSetupColumn("logged as");
        ImGui::TableHeadersRow();
        for (const auto& info : bindableCommands()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(info.name).c_str());
            ImGui::TableNextColumn();
            std::string chords;
            for (const auto& c : bindings_.chordsOf(info.name)) chords += (chords.empty() ? "" : ", ") + c.toString();
            if (capturing_ == info.name) chords = "press...";
            if (chords.empty()) chords = "(none)";
            if (ImGui::SmallButton((chords + "##" + std::string(info.name)).c_str())) capturing_ = info.name;
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(info.description).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(info.logs.empty() ? "-" : std::string(info.logs).c_str());
        }
        ImGui::EndTable();
    }
    if (ImGui::Button("Restore the defaults")) {
        bindings_ = Bindings::defaults();
        try {
            bindings_.save(defaultBindingsFile());
            bindingsStatus_ = "defaults restored";
        } catch (const std::exception& ex) {
            bindingsStatus_ = ex.what();
        }
    }
    ImGui::End();
}

}  // namespace polysim::gui

// Real input events for GUI tests (see sdl_input.h).
#include "support/sdl_input.h"

namespace polysim::test {

void clickInWindow(SDL_Window* window, int x, int y, const std::function<void()>& frame) {
    // Other tests' windows may open on the same display (ctest -j under one Xvfb): ours goes on top, and the
    // pointer is moved until SDL sees it over our window.
    for (int attempt = 0; attempt < 10; ++attempt) {
        SDL_RaiseWindow(window);
        SDL_WarpMouseInWindow(window, x, y);
        for (int i = 0; i < 3; ++i) frame();  // the pointer's motion reaches SDL and ImGui hovers the control
        if (SDL_GetMouseFocus() == window) break;
        SDL_Delay(50);
    }
    SDL_Event e{};
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.windowID = SDL_GetWindowID(window);
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = SDL_PRESSED;
    e.button.clicks = 1;
    e.button.x = x, e.button.y = y;
    SDL_PushEvent(&e);
    frame();
    e.type = SDL_MOUSEBUTTONUP;
    e.button.state = SDL_RELEASED;
    SDL_PushEvent(&e);
    for (int i = 0; i < 2; ++i) frame();
}

namespace {
void pushKey(SDL_Window* window, SDL_Keycode key, Uint16 mods, bool down) {
    SDL_Event e{};
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.windowID = SDL_GetWindowID(window);
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.sym = key;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    e.key.keysym.mod = mods;
    SDL_PushEvent(&e);
}
}  // namespace

void pressKey(SDL_Window* window, SDL_Keycode key, const std::function<void()>& frame, Uint16 mods) {
    SDL_SetModState(SDL_Keymod(mods));
    pushKey(window, key, mods, true);
    frame();
    pushKey(window, key, mods, false);
    frame();
    SDL_SetModState(KMOD_NONE);
}

void typeText(SDL_Window* window, const std::string& text, const std::function<void()>& frame) {
    for (char c : text) {
        const SDL_Keycode key = SDL_Keycode(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        pushKey(window, key, KMOD_NONE, true);
        SDL_Event t{};
        t.type = SDL_TEXTINPUT;
        t.text.windowID = SDL_GetWindowID(window);
        t.text.text[0] = c;
        SDL_PushEvent(&t);
        frame();
        pushKey(window, key, KMOD_NONE, false);
        frame();
    }
}

}  // namespace polysim::test

// A user's mouse and keyboard on a real window under Xvfb: the X pointer moved over a point and SDL button, key and
// text events put on SDL's queue, as the app's event loop receives them. `frame` draws one frame of whatever the
// window shows (it polls the queue); it is called between the events so that ImGui sees presses and releases apart.
#pragma once

#include <functional>
#include <string>

#include <SDL.h>

namespace polysim::test {

// Moves the pointer over (x, y) in `window` (raising it over other tests' windows on the same display), then presses
// and releases the left button there.
void clickInWindow(SDL_Window* window, int x, int y, const std::function<void()>& frame);
// Presses and releases a key (with `mods` held, as SDL reports them), one frame each.
void pressKey(SDL_Window* window, SDL_Keycode key, const std::function<void()>& frame, Uint16 mods = KMOD_NONE);
// Types `text` one character at a time as a keyboard does: key down, the character, key up.
void typeText(SDL_Window* window, const std::string& text, const std::function<void()>& frame);

}  // namespace polysim::test

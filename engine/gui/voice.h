// The reading room's sound: team members speak through espeak-ng (a distinct voice per role), phones ring and
// pagers beep with tones generated here, all mixed through SDL2 audio so several can sound at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace polysim::gui {

// espeak-ng voice settings for a role: who sounds like whom.
struct RoleVoice {
    const char* espeakVoice;  // "en-gb+m3"
    int pitch;                // 0..100
    int rate;                 // words per minute
};
RoleVoice voiceForRole(const std::string& role);

// Synthesises speech into 16-bit mono samples at `sampleRate()` (blocking). Empty when espeak-ng is unavailable.
std::vector<int16_t> synthesiseSpeech(const std::string& role, const std::string& text);
int speechSampleRate();
// Phone ring (two 440+480 Hz bursts) or pager (three 1 kHz beeps), at speechSampleRate().
std::vector<int16_t> ringTone(bool pager);

class RoomAudio {
public:
    RoomAudio();  // opens the SDL audio device; silent (but working) when there is none
    ~RoomAudio();
    RoomAudio(const RoomAudio&) = delete;
    RoomAudio& operator=(const RoomAudio&) = delete;

    // Queues speech for synthesis on a worker thread; plays as soon as it is ready, mixed with what is playing.
    void say(const std::string& role, const std::string& text);
    void ring(bool pager);
    bool deviceOpen() const { return device_ != 0; }
    int playing() const;  // sounds currently mixing

private:
    struct Sound {
        std::vector<int16_t> samples;
        std::size_t pos = 0;
    };
    static void mix(void* self, uint8_t* stream, int len);
    void play(std::vector<int16_t> samples);
    void work();

    uint32_t device_ = 0;
    mutable std::mutex mixMutex_;
    std::vector<Sound> sounds_;
    std::mutex queueMutex_;
    std::condition_variable queueReady_;
    std::deque<std::pair<std::string, std::string>> queue_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace polysim::gui

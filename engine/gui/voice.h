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
// Whether espeak-ng has that voice (language and variant); speech in a voice it lacks falls back to plain English.
bool espeakHasVoice(const char* espeakVoice);

// Synthesises speech into 16-bit mono samples at `sampleRate()` (blocking). Empty when espeak-ng is unavailable.
std::vector<int16_t> synthesiseSpeech(const std::string& role, const std::string& text);
int speechSampleRate();
// Phone ring (two 440+480 Hz bursts) or pager (three 1 kHz beeps), at speechSampleRate().
std::vector<int16_t> ringTone(bool pager);

// The sounds playing at once, summed sample by sample (clipped to 16 bits): two team members talking at the same
// moment are heard together, not one after the other.
class SoundMix {
public:
    void add(std::vector<int16_t> samples);
    // The next `n` samples of the mix (silence when nothing plays); finished sounds drop out.
    void pull(int16_t* out, std::size_t n);
    int playing() const { return int(sounds_.size()); }

private:
    struct Sound {
        std::vector<int16_t> samples;
        std::size_t pos = 0;
    };
    std::vector<Sound> sounds_;
    std::vector<int32_t> acc_;
};

class RoomAudio {
public:
    // Opens the SDL audio device; silent (but working) when there is none. With openDevice false nothing is heard:
    // the mix is pulled with pull() instead (tests, offline rendering).
    explicit RoomAudio(bool openDevice = true);
    ~RoomAudio();
    RoomAudio(const RoomAudio&) = delete;
    RoomAudio& operator=(const RoomAudio&) = delete;

    // Queues speech for synthesis on a worker thread; plays as soon as it is ready, mixed with what is playing.
    // Utterances asked for while one is being synthesised start together with it.
    void say(const std::string& role, const std::string& text);
    void ring(bool pager);
    bool deviceOpen() const { return device_ != 0; }
    int playing() const;  // sounds currently mixing
    // Blocks until everything said so far is synthesised and in the mix.
    void waitForSpeech();
    // The next `n` samples of the mix, as the audio device takes them.
    std::vector<int16_t> pull(std::size_t n);

private:
    static void mix(void* self, uint8_t* stream, int len);
    void play(std::vector<std::vector<int16_t>> together);
    void work();

    uint32_t device_ = 0;
    bool offline_ = false;
    mutable std::mutex mixMutex_;
    SoundMix sounds_;
    std::mutex queueMutex_;
    std::condition_variable queueReady_;
    std::condition_variable queueDone_;
    std::deque<std::pair<std::string, std::string>> queue_;
    int synthesising_ = 0;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace polysim::gui

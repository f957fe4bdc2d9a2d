// espeak-ng speech and generated tones mixed through SDL2 audio (see voice.h).
#include "gui/voice.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

namespace polysim::gui {
namespace {
std::mutex& espeakMutex() {  // espeak-ng keeps global state: one synthesis at a time
    static std::mutex m;
    return m;
}
int espeakRate = 0;  // 0: not initialised, -1: unavailable

int initEspeak() {
    if (espeakRate == 0) {
        int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
        espeakRate = r > 0 ? r : -1;
    }
    return espeakRate;
}

int collect(short* wav, int n, espeak_EVENT* events) {
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    if (wav && n > 0) out->insert(out->end(), wav, wav + n);
    return 0;
}
}  // namespace

RoleVoice voiceForRole(const std::string& role) {
    // One voice per role the scenario reader knows (scenario::detail::knownRoles), each an espeak-ng language and
    // variant that exists, so no two team members sound alike.
    struct Entry {
        std::string_view role;
        RoleVoice voice;
    };
    static constexpr Entry kVoices[] = {
        {"trauma_leader", {"en-gb-x-rp+m3", 45, 185}},
        {"neurosurgeon", {"en+m1", 35, 165}},
        {"anaesthetist", {"en+f3", 60, 175}},
        {"vascular_surgeon", {"en-us+m4", 40, 170}},
        {"visceral_surgeon", {"en+m7", 55, 180}},
        {"thoracic_surgeon", {"en-gb-scotland+m2", 45, 170}},
        {"orthopaedic_surgeon", {"en-us-nyc+m5", 40, 175}},
        {"neurologist", {"en+f4", 50, 160}},
        {"emergency_physician", {"en-029+m6", 50, 180}},
        {"radiographer", {"en-gb-x-gbclan+f2", 55, 170}},
        {"interventional_radiologist", {"en-gb-x-rp+f4", 45, 170}},
        {"maxillofacial_surgeon", {"en-gb-scotland+m5", 40, 165}},
        {"nurse", {"en+f2", 70, 170}},
        {"phone", {"en-us+f1", 50, 175}},  // the caller at the other end
        {"pager", {"en+m2", 50, 175}},
    };
    std::string_view r = role == "anaesthesiologist" ? std::string_view("anaesthetist") : std::string_view(role);
    for (const auto& e : kVoices)
        if (e.role == r) return e.voice;
    // Another role: a variant and pitch of its own from its name.
    static constexpr const char* kVariants[] = {"en+m4", "en+m6", "en+f1", "en+f5", "en-us+m2", "en-us+f4"};
    const std::size_t h = std::hash<std::string>{}(role);
    return {kVariants[h % std::size(kVariants)], int(30 + h / 7 % 40), 170};
}

bool espeakHasVoice(const char* espeakVoice) {
    std::lock_guard lock(espeakMutex());
    return initEspeak() > 0 && espeak_SetVoiceByName(espeakVoice) == EE_OK;
}

int speechSampleRate() {
    std::lock_guard lock(espeakMutex());
    int r = initEspeak();
    return r > 0 ? r : 22050;
}

std::vector<int16_t> synthesiseSpeech(const std::string& role, const std::string& text) {
    std::vector<int16_t> out;
    std::lock_guard lock(espeakMutex());
    if (initEspeak() < 0) return out;
    RoleVoice v = voiceForRole(role);
    espeak_SetSynthCallback(collect);
    if (espeak_SetVoiceByName(v.espeakVoice) != EE_OK) espeak_SetVoiceByName("en");
    espeak_SetParameter(espeakPITCH, v.pitch, 0);
    espeak_SetParameter(espeakRATE, v.rate, 0);
    espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &out);
    return out;
}

std::vector<int16_t> ringTone(bool pager) {
    const int rate = speechSampleRate();
    std::vector<int16_t> s;
    auto tone = [&](double seconds, double f1, double f2, double amp) {
        int n = int(seconds * rate);
        for (int i = 0; i < n; ++i) {
            double t = double(i) / rate;
            double env = std::min({1.0, t * 200.0, (seconds - t) * 200.0});  // no clicks at the edges
            double v = f2 > 0 ? 0.5 * (std::sin(2 * M_PI * f1 * t) + std::sin(2 * M_PI * f2 * t))
                              : std::sin(2 * M_PI * f1 * t);
            s.push_back(int16_t(v * env * amp * 32767));
        }
    };
    auto silence = [&](double seconds) { s.insert(s.end(), std::size_t(seconds * rate), 0); };
    if (pager) {
        for (int i = 0; i < 3; ++i) tone(0.15, 1000, 0, 0.35), silence(0.1);
    } else {
        for (int i = 0; i < 2; ++i) tone(0.4, 440, 480, 0.3), silence(0.2), tone(0.4, 440, 480, 0.3), silence(1.0);
    }
    return s;
}

void SoundMix::add(std::vector<int16_t> samples) {
    if (!samples.empty()) sounds_.push_back({std::move(samples), 0});
}

void SoundMix::pull(int16_t* out, std::size_t n) {
    acc_.assign(n, 0);
    for (auto& s : sounds_) {
        std::size_t take = std::min(n, s.samples.size() - s.pos);
        for (std::size_t i = 0; i < take; ++i) acc_[i] += s.samples[s.pos + i];
        s.pos += take;
    }
    std::erase_if(sounds_, [](const Sound& s) { return s.pos >= s.samples.size(); });
    for (std::size_t i = 0; i < n; ++i) out[i] = int16_t(std::clamp(acc_[i], -32768, 32767));
}

RoomAudio::RoomAudio(bool openDevice) : offline_(!openDevice) {
    if (openDevice) {
        if (SDL_WasInit(SDL_INIT_AUDIO) == 0 && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) return;
        SDL_AudioSpec want{}, have{};
        want.freq = speechSampleRate();
        want.format = AUDIO_S16SYS;
        want.channels = 1;
        want.samples = 1024;
        want.callback = &RoomAudio::mix;
        want.userdata = this;
        device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
        if (device_) SDL_PauseAudioDevice(device_, 0);
    }
    worker_ = std::thread([this] { work(); });
}

RoomAudio::~RoomAudio() {
    {
        std::lock_guard lock(queueMutex_);
        stopping_ = true;
    }
    queueReady_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (device_) SDL_CloseAudioDevice(device_);
}

void RoomAudio::say(const std::string& role, const std::string& text) {
    if (!worker_.joinable()) return;
    {
        std::lock_guard lock(queueMutex_);
        queue_.emplace_back(role, text);
    }
    queueReady_.notify_one();
}

void RoomAudio::ring(bool pager) {
    play({ringTone(pager)});
}

int RoomAudio::playing() const {
    std::lock_guard lock(mixMutex_);
    return sounds_.playing();
}

void RoomAudio::waitForSpeech() {
    std::unique_lock lock(queueMutex_);
    queueDone_.wait(lock, [&] { return stopping_ || (queue_.empty() && synthesising_ == 0); });
}

std::vector<int16_t> RoomAudio::pull(std::size_t n) {
    std::vector<int16_t> out(n);
    std::lock_guard lock(mixMutex_);
    sounds_.pull(out.data(), n);
    return out;
}

void RoomAudio::play(std::vector<std::vector<int16_t>> together) {
    if (!device_ && !offline_) return;
    std::lock_guard lock(mixMutex_);  // one lock: they start on the same sample
    for (auto& s : together) sounds_.add(std::move(s));
}

void RoomAudio::work() {
    while (true) {
        std::vector<std::pair<std::string, std::string>> items;
        {
            std::unique_lock lock(queueMutex_);
            queueReady_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
        }
        // Everything asked for before the synthesis is done starts together: team members who speak at the same
        // moment overlap instead of queueing behind each other.
        std::vector<std::vector<int16_t>> ready;
        while (true) {
            {
                std::lock_guard lock(queueMutex_);
                if (queue_.empty() || stopping_) break;
                items.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
                queue_.clear();
                synthesising_ += int(items.size());
            }
            for (const auto& [role, text] : items) ready.push_back(synthesiseSpeech(role, text));
        }
        play(std::move(ready));
        {
            std::lock_guard lock(queueMutex_);
            synthesising_ = 0;
        }
        queueDone_.notify_all();
    }
}

void RoomAudio::mix(void* self, uint8_t* stream, int len) {
    auto* a = static_cast<RoomAudio*>(self);
    std::lock_guard lock(a->mixMutex_);
    a->sounds_.pull(reinterpret_cast<int16_t*>(stream), std::size_t(len / 2));
}

}  // namespace polysim::gui

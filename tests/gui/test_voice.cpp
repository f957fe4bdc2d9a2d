// The reading room's sound with real espeak-ng synthesis: team members who speak at the same moment are heard
// together, mixed, not one after the other.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "gui/voice.h"
#include "scenario/internal.h"

using polysim::gui::RoomAudio;
using polysim::gui::synthesiseSpeech;

namespace {
double energy(const std::vector<int16_t>& s, std::size_t from, std::size_t to) {
    double e = 0;
    for (std::size_t i = from; i < std::min(to, s.size()); ++i) e += double(s[i]) * s[i];
    return to > from ? e / double(to - from) : 0;
}

std::vector<int16_t> trimmed(std::vector<int16_t> s) {
    while (!s.empty() && s.back() == 0) s.pop_back();
    return s;
}

// Pulls the room's mix in device-sized blocks until nothing plays any more.
std::vector<int16_t> drain(RoomAudio& audio) {
    std::vector<int16_t> out;
    while (audio.playing() > 0) {
        auto block = audio.pull(1024);
        out.insert(out.end(), block.begin(), block.end());
        if (out.size() > 60u * 48000u) break;  // a minute: something never ends
    }
    return trimmed(out);  // the last block is padded with silence: the mix lasts up to its last sound
}
}  // namespace

TEST(RoomAudio, TwoTeamMembersSpeakingAtOnceAreHeardTogether) {
    const std::string leaderSays = "Radiology, is the chest clear? We need to know now.";
    const std::string nurseSays = "The patient's pressure is dropping.";
    auto leader = trimmed(synthesiseSpeech("trauma_leader", leaderSays));
    auto nurse = trimmed(synthesiseSpeech("nurse", nurseSays));
    ASSERT_GT(leader.size(), 10000u) << "espeak-ng produced no speech";
    ASSERT_GT(nurse.size(), 10000u);

    RoomAudio audio(false);
    audio.say("trauma_leader", leaderSays);
    audio.say("nurse", nurseSays);
    audio.waitForSpeech();
    EXPECT_EQ(audio.playing(), 2) << "both utterances should be sounding";
    auto mix = drain(audio);

    // As long as the longer one, far short of the two in a row. (espeak-ng does not synthesise a sentence to the
    // same sample twice: lengths and samples vary a little from one synthesis to the next.)
    const std::size_t longer = std::max(leader.size(), nurse.size()), both = leader.size() + nurse.size();
    EXPECT_NEAR(double(mix.size()), double(longer), 0.05 * double(longer)) << "not as long as the longer utterance";
    EXPECT_LT(mix.size(), both * 3 / 4) << "the voices were queued one after the other";

    // Both contribute from the start: while both speak, the mix carries the energy of the two voices together
    // (two independent voices add their energies), well above either alone.
    const std::size_t overlap = std::min(leader.size(), nurse.size()) * 9 / 10;
    const double eLeader = energy(leader, 0, overlap), eNurse = energy(nurse, 0, overlap),
                 eMix = energy(mix, 0, overlap);
    EXPECT_GT(eMix, 0.75 * (eLeader + eNurse)) << eMix << " " << eLeader << " " << eNurse;
    EXPECT_LT(eMix, 1.25 * (eLeader + eNurse)) << eMix << " " << eLeader << " " << eNurse;
    EXPECT_GT(eMix, 1.2 * std::max(eLeader, eNurse)) << "only one voice is heard while both should speak";
    // After the shorter one has finished, only the longer one is left.
    const auto& longest = leader.size() > nurse.size() ? leader : nurse;
    const std::size_t tailFrom = std::min(leader.size(), nurse.size()) + 2000, tailTo = longer * 95 / 100;
    if (tailTo > tailFrom + 4000) {
        EXPECT_NEAR(energy(mix, tailFrom, tailTo), energy(longest, tailFrom, tailTo),
                    0.5 * energy(longest, tailFrom, tailTo));
    }
}

TEST(RoomAudio, APhoneRingsOverSpeech) {
    RoomAudio audio(false);
    audio.say("anaesthetist", "I'm going in on the right.");
    audio.waitForSpeech();
    audio.ring(false);
    EXPECT_EQ(audio.playing(), 2);
    auto mix = drain(audio);
    // The ring (about 3 s of tone) outlasts the sentence: the mix lasts as long as the ring, not the two in a row.
    const auto ring = trimmed(polysim::gui::ringTone(false));
    const auto speech = trimmed(synthesiseSpeech("anaesthetist", "I'm going in on the right."));
    ASSERT_GT(ring.size(), speech.size());
    EXPECT_EQ(mix.size(), ring.size());
}

TEST(RoomAudio, EveryRoleTheScenarioReaderKnowsSpeaksInAVoiceOfItsOwn) {
    const auto& roles = polysim::scenario::detail::knownRoles();
    std::set<std::tuple<std::string, int, int>> voices;
    for (const auto& role : roles) {
        const auto v = polysim::gui::voiceForRole(role);
        // A voice espeak-ng lacks falls back to plain English: that role would sound like the others.
        EXPECT_TRUE(polysim::gui::espeakHasVoice(v.espeakVoice)) << role << ": no espeak-ng voice " << v.espeakVoice;
        voices.insert({v.espeakVoice, v.pitch, v.rate});
    }
    EXPECT_EQ(voices.size(), roles.size()) << "two roles share a voice";
}

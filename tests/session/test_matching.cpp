// A search box's matching is looser than scoring's: the first letters of a word find it, while scoring still names
// a finding only by whole words.
#include <gtest/gtest.h>

#include "session/matching.h"

using polysim::session::containsPhrase;
using polysim::session::matchesSearch;

TEST(Matching, ASearchFindsWordsFromTheirFirstLettersInAnyCase) {
    EXPECT_TRUE(matchesSearch("Splenic laceration with active extravasation", "sple"));
    EXPECT_TRUE(matchesSearch("Splenic laceration with active extravasation", "Sple LAC"));
    EXPECT_TRUE(matchesSearch("Tension pneumothorax, right", "pneumo right"));
    EXPECT_FALSE(matchesSearch("Splenic laceration", "sple liver")) << "every word typed must match";
    EXPECT_TRUE(matchesSearch("Splenic laceration", "")) << "an empty search finds everything";
}

TEST(Matching, ScoringStillNamesFindingsByWholeWordsOnly) {
    EXPECT_TRUE(containsPhrase("Splenic laceration with active extravasation", "splenic laceration"));
    EXPECT_FALSE(containsPhrase("Splenic laceration", "sple"));
    EXPECT_FALSE(containsPhrase("pneumothorax", "thorax"));
}

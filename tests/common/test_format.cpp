// How times and numbers read wherever a trainee sees them: the reading room's clock, the debrief, the reports.
#include <gtest/gtest.h>

#include "common/format.h"
#include "imaging/plane.h"

using namespace polysim;

TEST(Format, TheClockShowsTheSecondUnderWayInTheRoomAndTheDebriefAlike) {
    EXPECT_EQ(clockText(0), "00:00");
    EXPECT_EQ(clockText(59.6), "00:59") << "a clock does not show a minute before it has passed";
    EXPECT_EQ(clockText(60), "01:00");
    EXPECT_EQ(clockText(79.6), "01:19");
    EXPECT_EQ(clockText(3 * 60 + 25), "03:25");
    EXPECT_EQ(clockText(59.9999999999), "01:00") << "a time computed as a sum reads as the second it is";
    EXPECT_EQ(clockText(-2), "00:00") << "before the start is the start";
}

TEST(Format, TotalsKeepTheirDecimalSoAnAlmostPassIsNotReadAsAPass) {
    EXPECT_EQ(fixed(69.6, 1), "69.6");
    EXPECT_EQ(fixed(69.94, 1), "69.9");
    EXPECT_EQ(fixed(0.25 * 100, 0), "25");
    EXPECT_EQ(fixed(1.005, 2).size(), 4u);
}

TEST(Format, ShortNumbersDropTrailingZeros) {
    EXPECT_EQ(shortNumber(1.0), "1");
    EXPECT_EQ(shortNumber(2.5), "2.5");
    EXPECT_EQ(shortNumber(0.625), "0.625");
    EXPECT_EQ(shortNumber(0.703125, 3), "0.703");
}

TEST(Format, EachPlaneIsReadAlongItsOwnPatientAxis) {
    EXPECT_EQ(imaging::normalAxis(imaging::Plane::Axial), 2);     // z, head to feet
    EXPECT_EQ(imaging::normalAxis(imaging::Plane::Coronal), 1);   // y, front to back
    EXPECT_EQ(imaging::normalAxis(imaging::Plane::Sagittal), 0);  // x, right to left
}

// The app's colours, by what they say: one place to keep the reading room, the screens and authoring consistent
// (a role's colour is roleColour in reading_room.h; the debrief's are scoring::DebriefTone's).
#pragma once

#include <imgui.h>

namespace polysim::gui::palette {

// Text.
inline const ImVec4 kDone{0.4f, 1, 0.5f, 1};          // complete, submitted, the session clock, the default case
inline const ImVec4 kAttention{1, 0.8f, 0.3f, 1};     // asks for a look: an unfinished session, changed, asks again
inline const ImVec4 kError{1, 0.4f, 0.4f, 1};         // a file that cannot be read or saved
inline const ImVec4 kUnavailable{1, 0.7f, 0.35f, 1};  // a case whose images are not on this machine
inline const ImVec4 kCaution{1, 0.8f, 0.4f, 1};       // a briefing's caution (a GCS taken after sedation)
inline const ImVec4 kStatus{1, 0.6f, 0.3f, 1};        // a refusal or a warning at the foot of the screen
inline const ImVec4 kSaved{0.5f, 1, 0.6f, 1};         // a setting saved
inline const ImVec4 kNote{0.55f, 0.85f, 1, 1};        // a new case's next steps
inline const ImVec4 kWhite{1, 1, 1, 1};
inline const ImVec4 kPending{0.85f, 0.85f, 0.85f, 1};  // a region of the reading order not yet complete
inline const ImVec4 kMarkId{1, 0.5f, 0.5f, 1};         // a mark's id in the findings list

// Buttons.
inline const ImVec4 kSelected{0.2f, 0.4f, 0.7f, 1};    // the preset on screen, the computed scout shown
inline const ImVec4 kArrived{0.15f, 0.45f, 0.25f, 1};  // a series complete (and the computed scout offered)
inline const ImVec4 kArriving{0.75f, 0.55f, 0.1f, 1};  // a series arriving
inline const ImVec4 kAwaited{0.3f, 0.3f, 0.3f, 1};     // a series not yet arrived
inline const ImVec4 kAwaitedText{0.7f, 0.7f, 0.7f, 1};

// The deterioration alarm and the bubbles' state.
inline const ImVec4 kAlarmBorder{1, 0.25f, 0.25f, 1};
inline const ImVec4 kAlarmTitle{1, 0.9f, 0.3f, 1};
inline const ImVec4 kEscalating{1, 0.3f, 0.3f, 1};
inline constexpr ImU32 kAlarmBackground = IM_COL32(150, 20, 20, 255);

// The vitals monitor.
inline constexpr ImU32 kMonitorBackground = IM_COL32(0, 0, 0, 255);
inline constexpr ImU32 kHeartRate = IM_COL32(60, 230, 90, 255);
inline constexpr ImU32 kBloodPressure = IM_COL32(255, 80, 80, 255);
inline constexpr ImU32 kSaturation = IM_COL32(80, 200, 255, 255);
inline constexpr ImU32 kRespiratoryRate = IM_COL32(255, 220, 80, 255);
inline constexpr ImU32 kGcs = IM_COL32(230, 230, 230, 255);
inline constexpr ImU32 kAlarm = IM_COL32(255, 60, 60, 255);

// The reading order's coverage bar and the waiting viewer's lines.
inline constexpr ImU32 kBarTrack = IM_COL32(50, 60, 80, 255);
inline constexpr ImU32 kBarDone = IM_COL32(90, 220, 120, 255);
inline constexpr ImU32 kBarGoing = IM_COL32(230, 180, 40, 255);
inline constexpr ImU32 kWaitingTitle = IM_COL32(230, 200, 120, 255);
inline constexpr ImU32 kWaitingLine = IM_COL32(170, 170, 170, 255);
inline constexpr ImU32 kDefaultCaseRow = IM_COL32(30, 70, 45, 255);

// The viewer: crosshair, overlay text, the trainee's marks, the hatch over images not yet arrived, the view frames.
inline constexpr ImU32 kCrosshair = IM_COL32(60, 200, 255, 150);
inline constexpr ImU32 kViewerLabel = IM_COL32(255, 210, 80, 255);  // the regions and series over the image
inline constexpr ImU32 kViewerText = IM_COL32(230, 230, 230, 255);
inline constexpr ImU32 kTextShadow = IM_COL32(0, 0, 0, 220);
inline constexpr ImU32 kNotArrived = IM_COL32(10, 25, 80, 215);
inline constexpr ImU32 kNotArrivedHatch = IM_COL32(50, 80, 170, 200);
inline constexpr ImU32 kMark = IM_COL32(255, 80, 80, 255);
inline constexpr ImU32 kMarkLabel = IM_COL32(255, 120, 120, 255);
inline constexpr ImU32 kActiveView = IM_COL32(60, 120, 200, 255);  // the frame of the view the keys act on
inline constexpr ImU32 kViewFrame = IM_COL32(50, 50, 50, 255);

// The banner while the instructor holds the clock.
inline constexpr ImU32 kPausedBanner = IM_COL32(20, 40, 90, 230);
inline constexpr ImU32 kPausedText = IM_COL32(255, 255, 255, 255);

// The debrief: text by tone, row and score-badge backgrounds, quotes and labels.
inline const ImVec4 kToneMuted{0.62f, 0.64f, 0.68f, 1};
inline const ImVec4 kToneCritical{1.0f, 0.45f, 0.45f, 1};
inline const ImVec4 kToneOmission{1.0f, 0.78f, 0.35f, 1};
inline const ImVec4 kToneGood{0.45f, 0.95f, 0.55f, 1};  // effective, passed
inline constexpr ImU32 kRowCritical = IM_COL32(92, 34, 34, 255);
inline constexpr ImU32 kRowOmission = IM_COL32(78, 62, 22, 255);
inline constexpr ImU32 kRowGood = IM_COL32(28, 68, 40, 255);
inline constexpr ImU32 kBadgePassed = IM_COL32(30, 132, 73, 255);
inline constexpr ImU32 kBadgeFailed = IM_COL32(192, 57, 43, 255);
inline const ImVec4 kQuote{0.85f, 0.9f, 1.0f, 1};
inline const ImVec4 kDebriefLabel{0.55f, 0.75f, 1.0f, 1};
// Its depth-versus-time plot, in the HTML report's colours (#rrggbb) on the report's white paper.
constexpr ImU32 hex(unsigned rgb) {
    return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, 255);
}
inline constexpr ImU32 kPlotPaper = hex(0xffffff);
inline constexpr ImU32 kPlotBand = hex(0xccccdd);
inline constexpr ImU32 kPlotBandLabel = hex(0x333344);
inline constexpr ImU32 kPlotBandArrow = hex(0x666677);
inline constexpr ImU32 kPlotLaneLabel = hex(0x5a3a00);
inline constexpr ImU32 kPlotInk = hex(0x000000);  // marks and calls
inline constexpr ImU32 kPlotAxis = hex(0x333333);
inline constexpr ImU32 kPlotTick = hex(0x222222);
inline constexpr ImU32 kPlotAxisLabel = hex(0x555555);

// Authoring: the canvas's boxes and region limits, the timeline's lanes.
inline constexpr ImU32 kBox = IM_COL32(255, 150, 30, 255);          // a finding's box
inline constexpr ImU32 kBoxSelected = IM_COL32(255, 240, 70, 255);  // the selected finding's box and handles
inline constexpr ImU32 kBoxFill = IM_COL32(255, 240, 70, 28);
inline constexpr ImU32 kDrawing = IM_COL32(120, 230, 255, 255);  // the box being drawn
inline constexpr ImU32 kRegion = IM_COL32(70, 200, 110, 255);    // region limit lines
inline constexpr ImU32 kRegionSelected = IM_COL32(150, 255, 170, 255);
inline constexpr ImU32 kRegionLabel = IM_COL32(110, 210, 140, 200);
inline constexpr ImU32 kShadow = IM_COL32(0, 0, 0, 220);
inline constexpr ImU32 kRegionStrip = IM_COL32(0, 0, 0, 110);  // behind the region labels
inline constexpr ImU32 kHandleRim = IM_COL32(0, 0, 0, 255);
inline constexpr ImU32 kTimelineText = IM_COL32(225, 225, 230, 255);
inline constexpr ImU32 kTimelineDim = IM_COL32(150, 150, 160, 255);
inline constexpr ImU32 kTimelineHint = IM_COL32(120, 120, 130, 255);
inline constexpr ImU32 kLaneOdd = IM_COL32(255, 255, 255, 10);
inline constexpr ImU32 kLaneEven = IM_COL32(255, 255, 255, 18);
inline constexpr ImU32 kTick = IM_COL32(255, 255, 255, 28);
inline constexpr ImU32 kSeriesBar = IM_COL32(70, 110, 160, 200);
inline constexpr ImU32 kCategory1 = IM_COL32(235, 70, 70, 255);
inline constexpr ImU32 kCategory2 = IM_COL32(230, 170, 50, 255);
inline constexpr ImU32 kVitalsMark = IM_COL32(110, 200, 220, 255);
inline constexpr ImU32 kMoreRows = IM_COL32(230, 190, 90, 255);

// The instructor console's QR code: dark modules on a light square, as every phone camera reads them.
inline constexpr ImU32 kQrLight = IM_COL32(255, 255, 255, 255);
inline constexpr ImU32 kQrDark = IM_COL32(0, 0, 0, 255);

// The window background of every screen.
inline const ImVec4 kWindowBackground{0.08f, 0.09f, 0.10f, 0.96f};

}  // namespace polysim::gui::palette

// The app's colours, by what they say: one place to keep the reading room, the screens and authoring consistent
// (a role's colour is roleColour in reading_room.h; the debrief's are scoring::DebriefTone's).
#pragma once

#include <imgui.h>

namespace polysim::gui::palette {

// An opaque colour written as #rrggbb.
constexpr ImU32 hex(unsigned rgb) {
    return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, 255);
}

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
inline constexpr ImU32 kAlarmBackground = hex(0x961414);

// The vitals monitor.
inline constexpr ImU32 kMonitorBackground = hex(0x000000);
inline constexpr ImU32 kHeartRate = hex(0x3ce65a);
inline constexpr ImU32 kBloodPressure = hex(0xff5050);
inline constexpr ImU32 kSaturation = hex(0x50c8ff);
inline constexpr ImU32 kRespiratoryRate = hex(0xffdc50);
inline constexpr ImU32 kGcs = hex(0xe6e6e6);
inline constexpr ImU32 kAlarm = hex(0xff3c3c);

// The reading order's coverage bar and the waiting viewer's lines.
inline constexpr ImU32 kBarTrack = hex(0x323c50);
inline constexpr ImU32 kBarDone = hex(0x5adc78);
inline constexpr ImU32 kBarGoing = hex(0xe6b428);
inline constexpr ImU32 kWaitingTitle = hex(0xe6c878);
inline constexpr ImU32 kWaitingLine = hex(0xaaaaaa);
inline constexpr ImU32 kDefaultCaseRow = hex(0x1e462d);

// The viewer: crosshair, overlay text, the trainee's marks, the hatch over images not yet arrived, the view frames.
inline constexpr ImU32 kCrosshair = IM_COL32(60, 200, 255, 150);
inline constexpr ImU32 kViewerLabel = hex(0xffd250);  // the regions and series over the image
inline constexpr ImU32 kViewerText = hex(0xe6e6e6);
inline constexpr ImU32 kTextShadow = IM_COL32(0, 0, 0, 220);
inline constexpr ImU32 kNotArrived = IM_COL32(10, 25, 80, 215);
inline constexpr ImU32 kNotArrivedHatch = IM_COL32(50, 80, 170, 200);
inline constexpr ImU32 kMark = hex(0xff5050);
inline constexpr ImU32 kMarkLabel = hex(0xff7878);
inline constexpr ImU32 kActiveView = hex(0x3c78c8);  // the frame of the view the keys act on
inline constexpr ImU32 kViewFrame = hex(0x323232);

// The banner while the instructor holds the clock.
inline constexpr ImU32 kPausedBanner = IM_COL32(20, 40, 90, 230);
inline constexpr ImU32 kPausedText = hex(0xffffff);

// The debrief: text by tone, row and score-badge backgrounds, quotes and labels.
inline const ImVec4 kToneMuted{0.62f, 0.64f, 0.68f, 1};
inline const ImVec4 kToneCritical{1.0f, 0.45f, 0.45f, 1};
inline const ImVec4 kToneOmission{1.0f, 0.78f, 0.35f, 1};
inline const ImVec4 kToneGood{0.45f, 0.95f, 0.55f, 1};  // effective, passed
// Table rows by tone.
inline constexpr ImU32 kRowCritical = hex(0x5c2222);
inline constexpr ImU32 kRowOmission = hex(0x4e3e16);
inline constexpr ImU32 kRowGood = hex(0x1c4428);
inline const ImVec4 kQuote{0.85f, 0.9f, 1.0f, 1};
inline const ImVec4 kDebriefLabel{0.55f, 0.75f, 1.0f, 1};
// Authoring: the canvas's boxes and region limits, the timeline's lanes.
inline constexpr ImU32 kBox = hex(0xff961e);          // a finding's box
inline constexpr ImU32 kBoxSelected = hex(0xfff046);  // the selected finding's box and handles
inline constexpr ImU32 kBoxFill = IM_COL32(255, 240, 70, 28);
inline constexpr ImU32 kDrawing = hex(0x78e6ff);  // the box being drawn
inline constexpr ImU32 kRegion = hex(0x46c86e);   // region limit lines
inline constexpr ImU32 kRegionSelected = hex(0x96ffaa);
inline constexpr ImU32 kRegionLabel = IM_COL32(110, 210, 140, 200);
inline constexpr ImU32 kShadow = IM_COL32(0, 0, 0, 220);
inline constexpr ImU32 kRegionStrip = IM_COL32(0, 0, 0, 110);  // behind the region labels
inline constexpr ImU32 kHandleRim = hex(0x000000);
inline constexpr ImU32 kTimelineText = hex(0xe1e1e6);
inline constexpr ImU32 kTimelineDim = hex(0x9696a0);
inline constexpr ImU32 kTimelineHint = hex(0x787882);
inline constexpr ImU32 kLaneOdd = IM_COL32(255, 255, 255, 10);
inline constexpr ImU32 kLaneEven = IM_COL32(255, 255, 255, 18);
inline constexpr ImU32 kTick = IM_COL32(255, 255, 255, 28);
// The timeline's marks: series arriving, findings by category, changes of vital signs, more rows below.
inline constexpr ImU32 kSeriesBar = IM_COL32(70, 110, 160, 200);
inline constexpr ImU32 kCategory1 = hex(0xeb4646);
inline constexpr ImU32 kCategory2 = hex(0xe6aa32);
inline constexpr ImU32 kVitalsMark = hex(0x6ec8dc);
inline constexpr ImU32 kMoreRows = hex(0xe6be5a);

// The instructor console's QR code: dark modules on a light square, as every phone camera reads them.
inline constexpr ImU32 kQrLight = hex(0xffffff);
inline constexpr ImU32 kQrDark = hex(0x000000);

// The window background of every screen.
inline const ImVec4 kWindowBackground{0.08f, 0.09f, 0.10f, 0.96f};

}  // namespace polysim::gui::palette

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

}  // namespace polysim::gui::palette

// What the instructor's console shows, as one JSON document built from the session on the app's frame loop: the
// clock, what the trainee looks at, coverage, marks and calls, interruptions standing and still to come, vitals,
// and the ground truth (which the trainee's screen never shows).
#pragma once

#include "scoring/score.h"
#include "session/session.h"

namespace polysim::console {

using session::Json;

// `coverage`: the reading room's latest score of the log so far (coverage per region, findings seen and marked);
// null when there is none yet (or in exam mode, where the room does not compute it).
// `log`: the session's log, whose last kRecentEvents lines (but slice moves and other view changes) are listed.
Json sessionSnapshot(const session::Session& session, const session::EventLog& log, const scoring::Score* coverage);
inline constexpr std::size_t kRecentEvents = 40;

// The roles the instructor may speak as: the case's own first, then the rest of the team, then phone and pager.
std::vector<std::string> speakingRoles(const scenario::Scenario& scenario);

}  // namespace polysim::console

// How people name trauma findings: the trauma lexicon (every injury the simulator knows, common normal variants and
// mimics) and the reading of free text against it: words in any order, British and American spelling, stems and
// plurals, abbreviations, negation ("no pneumothorax"), and the essential element of a diagnosis (tension, active
// bleeding, burst) without which a name is only partly right.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.h"

namespace polysim::session {

// One diagnosis of the lexicon.
struct Diagnosis {
    std::string id;                      // the phantom injury id when the simulator makes it; else a lexicon id
    std::string label;                   // as the mark picker lists it: "Tension pneumothorax"
    std::vector<std::string> names;      // phrases that name it, words in any order ("splenic laceration")
    std::vector<std::string> essential;  // one of these words must be said as well for the full diagnosis
    std::vector<std::string> lesser;     // a lesser or neighbouring diagnosis: partly right ("pneumothorax")
    std::vector<std::string> organs;     // the organ alone: partly right ("spleen")
    bool organRequired = false;          // a name must say the organ too ("active bleeding" alone is not the spleen)
    bool variant = false;                // a normal variant or a mimic, not an injury
    bool onScout = false;                // shows on a scout (topogram) when present
    bool lateral = false;                // an injury of one side: a reader names it ("right", "left")
    bool category1 = false;              // an ACR Category 1 diagnosis: told at once, and a major discrepancy if false
    // A name and the essential element count only when said in one clause: "active splenic bleeding and a pelvic
    // fracture" does not say that the pelvis is bleeding.
    bool inOneClause = false;
};

// Every diagnosis the lexicon knows, injuries first, then normal variants and mimics.
const std::vector<Diagnosis>& traumaLexicon();
// The lexicon entry of a scenario finding: by its phantom injury, its id, or the entry its label names.
const Diagnosis* diagnosisOf(const scenario::Finding& finding);
// A finding lies on one side when its centre is this far from the midline (x = 0 in LPS).
inline constexpr double kSideFromMidlineMm = 15.0;
// The side a reader must name: the finding's `side`, else its label's side word, else its position for an injury
// the lexicon knows to be lateralised. None: any side, or none, is right.
scenario::Side findingSide(const scenario::Finding& finding);
std::string_view sideName(scenario::Side side);  // "left", "right", "bilateral", "" for none
// The vertebral levels a finding is at, from its label ("C5 flexion teardrop fracture", "C2 fracture"), else from its
// synonyms ("L1 fracture"), as places from the skull down (C1 = 0, T1 = 7, L1 = 19, S1 = 24); empty when none is
// named; a Le Fort fracture's level ("Le Fort II") is one more, above them all. A reader who names the finding at
// other levels only names another fracture.
std::set<int> findingLevels(const scenario::Finding& finding);
// The part of the body a diagnosis is in ("head", "chest", "abdomen", "pelvis", "spine", "limbs"), empty if none.
std::string_view bodyPartOf(const Diagnosis& d);
// Injuries a reader could plausibly name instead of `about` (the same part of the body) that name no finding of
// `scenario`: wrong answers to offer beside the right one. Ordered by `seed`, at most `count`.
std::vector<const Diagnosis*> plausibleDistractors(const scenario::Finding& about, const scenario::Scenario& scenario,
                                                   std::uint64_t seed, std::size_t count);
// The labels the mark picker offers: the whole lexicon, alphabetical, the same for every case.
std::vector<std::string> markLabelLexicon();

// How far words name a finding.
enum class Naming {
    None,     // not about it
    Denied,   // said to be absent ("no pneumothorax", "splenic laceration, no active bleeding")
    Other,    // names a different diagnosis ("liver laceration" for the splenic injury; "splenic cleft")
    Partial,  // the organ only, a lesser diagnosis, the name without its essential element, or a hedge ("A or B")
    Full,     // the diagnosis with its essential element
};
std::string_view namingName(Naming n);  // "none", "denied", "other", "partial", "full"

struct TextNaming {
    Naming level = Naming::None;
    std::string other;           // for Other: the label of the diagnosis named instead
    bool misidentified = false;  // Other because the words name it on the other side or at other vertebral levels
    std::string hedgedWith;      // Partial because the words offer it or another diagnosis: that one's label
};

// Reads `text` against a finding (its label, synonyms, the lexicon's names, the scenario's `essential` words).
TextNaming nameFinding(std::string_view text, const scenario::Finding& finding);
// A phrase (a quick-answer keyword, a key point's keyword) said positively, its words in any order in one sentence.
bool saysPhrase(std::string_view text, std::string_view phrase);
// The phrase's words, in its order and next to each other, not negated just before ("it can wait" in "it can wait
// until the scan is done", not in "it can't wait"): for phrases that must be said as written.
bool saysWords(std::string_view text, std::string_view phrase);
// The words give an answer a person can act on without naming anything: yes, no, fine, now, later...
bool saysAnAnswer(std::string_view text);
// The phrase only names anatomy ("pelvis", "spleen", "the chest"): too short to credit a finding.
bool anatomyOnly(std::string_view phrase);

}  // namespace polysim::session

// The trauma lexicon and the free-text reader (see lexicon.h).
#include "session/lexicon.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace polysim::session {

namespace {

// ---------------------------------------------------------------- words
// Abbreviations people type, as the words they stand for.
const std::map<std::string, std::string>& abbreviations() {
    static const std::map<std::string, std::string> m{
        {"ptx", "pneumothorax"},
        {"tptx", "tension pneumothorax"},
        {"pneumo", "pneumothorax"},
        {"htx", "hemothorax"},
        {"edh", "epidural hematoma"},
        {"sdh", "subdural hematoma"},
        {"sah", "subarachnoid hemorrhage"},
        {"tsah", "traumatic subarachnoid hemorrhage"},
        {"dai", "diffuse axonal injury"},
        {"ett", "endotracheal tube"},
        {"et", "endotracheal"},
        {"fx", "fracture"},
        {"fxs", "fracture"},
        {"tai", "traumatic aortic injury"},
        {"bai", "blunt aortic injury"},
        {"btai", "blunt traumatic aortic injury"},
        {"hemopneumothorax", "hemothorax pneumothorax"},
        {"hemopneumothoraces", "hemothorax pneumothorax"},
        {"si", "sacroiliac"},
        {"sij", "sacroiliac"},
        {"ivc", "inferior vena cava"},
        {"ir", "interventional radiology"},
        {"ica", "internal carotid artery"},
        {"icas", "internal carotid artery"},
        {"cca", "common carotid artery"},
        {"bcvi", "blunt cerebrovascular injury"},
        {"bcvis", "blunt cerebrovascular injury"},
    };
    return m;
}

// Words that mean the same concept, after British spelling is made American (ae, oe -> e).
const std::map<std::string, std::string>& concepts() {
    static const std::map<std::string, std::string> m = [] {
        std::map<std::string, std::string> c;
        auto add = [&](const std::string& to, std::initializer_list<const char*> from) {
            for (const char* f : from) c[f] = to;
            c[to] = to;
        };
        add("spleen", {"splenic", "spleens"});
        add("liver", {"hepatic", "livers"});
        add("kidney", {"renal", "kidneys"});
        add("lung", {"pulmonary", "lungs"});
        add("aorta", {"aortic"});
        add("pelvis", {"pelvic", "hemipelvis"});
        add("rib", {"ribs", "costal"});
        add("spine", {"spinal", "vertebra", "vertebre", "vertebral", "vertebrae", "vertebras", "spines"});
        add("skull", {"calvarial", "calvarium", "cranial", "calvaria"});
        add("hematoma", {"hematomas", "hematomata", "clot", "clots"});
        add("bleeding",
            {"hemorrhage", "hemorrhages", "hemorrhaging", "hemorrhagic", "bleed", "bleeds", "bled", "bleeder"});
        add("extravasation", {"extravasating", "extravasated", "extravasations", "blush", "blushes", "jet"});
        add("pneumothorax", {"pneumothoraces", "pneumothoraxes"});
        add("hemothorax", {"hemothoraces", "hemothoraxes"});
        add("fracture", {"fractures", "fractured", "broken", "break", "breaks", "fracturing"});
        add("laceration", {"lacerations", "lacerated", "tear", "tears", "torn"});
        add("rupture", {"ruptured", "ruptures"});
        add("esophagus", {"esophageal", "gullet"});
        add("trachea", {"tracheal"});
        add("bronchus", {"bronchi", "bronchial", "mainstem"});
        add("tube", {"tubes", "intubation", "intubated"});
        add("epidural", {"extradural"});
        add("mediastinum", {"mediastinal"});
        add("active", {"actively", "ongoing", "live"});
        add("tension", {"tensioning", "tensioned"});
        add("pleura", {"pleural"});
        add("shift", {"shifted", "deviation", "deviated", "displacement"});
        add("femur", {"femoral"});
        add("pubis", {"pubic", "rami", "ramus"});
        add("sacrum", {"sacral"});
        add("injury", {"injuries", "injured", "trauma", "traumatic", "damage", "damaged"});
        add("contusion", {"contusions", "bruise", "bruising", "contused"});
        add("collapse", {"collapsed"});
        add("retropulsion", {"retropulsed", "retropulsive"});
        add("compression", {"compressed", "wedge", "wedging"});
        add("unstable", {"instability"});
        add("disruption", {"disrupted", "disruptions", "disrupting"});
        add("symphysis", {"symphyseal", "symphyses"});
        add("diastasis", {"diastases", "diastatic", "diastased"});
        add("undisplaced", {"nondisplaced", "non", "hairline"});
        add("effusion", {"effusions"});
        add("fluid", {"fluids"});
        add("brain", {"cerebral", "intracranial"});
        add("head", {"heads"});
        add("chest", {"thorax", "thoracic", "chests", "intrathoracic", "hemithorax", "hemithoraces"});
        add("abdomen", {"abdominal", "belly", "tummy"});
        add("heart", {"cardiac"});
        add("pericardium", {"pericardial"});
        add("sternum", {"sternal"});
        add("pseudoaneurysm", {"pseudoaneurysms", "pseudo"});
        add("dissection", {"dissected", "dissections", "dissecting"});
        add("carotid", {"carotids"});
        add("transection", {"transected"});
        add("free", {});
        add("air", {"gas", "gases"});
        add("mesentery", {"mesenteric", "mesenteries"});
        add("perforation", {"perforated", "perforations", "perforate"});
        add("sulcus", {"sulci", "sulcal"});
        add("contrecoup", {"countercoup"});
        add("pharynx", {"pharyngeal", "oropharynx", "oropharyngeal", "nasopharynx", "nasopharyngeal", "hypopharynx",
                        "hypopharyngeal", "pharynges"});
        add("mandible", {"mandibular", "mandibles", "jaw"});
        add("maxilla", {"maxillary", "maxillae"});
        add("compromise", {"compromised", "compromising"});
        add("narrowing", {"narrowed", "narrow", "narrows"});
        add("obstruction", {"obstructed", "obstructing"});
        add("threat", {"threatened", "threatening", "threatens"});
        add("risk", {"risks"});
        add("diaphragm", {"diaphragmatic", "diaphragms", "hemidiaphragm", "hemidiaphragms", "hemidiaphragmatic"});
        add("stomach", {"gastric", "stomachs"});
        add("hernia", {"herniation", "herniated", "herniating", "herniate", "hernias", "herniations", "hernial"});
        add("viscera", {"viscus", "visceral"});
        add("ductus", {"ductal"});
        add("diverticulum", {"diverticula"});
        add("nodule", {"nodules", "nodular"});
        add("flap", {"flaps"});
        return c;
    }();
    return m;
}

// The words of `text`, separated by spaces.
std::set<std::string> wordSet(std::string_view text) {
    std::set<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find(' ', at), text.size());
        if (end > at) out.emplace(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

// Words that carry no meaning for naming a finding (articles, prepositions, sides, sizes, hedges).
const std::set<std::string>& stopWords() {
    static const std::set<std::string> s = wordSet(
        "a an the of in on at to is are was were be been with there this that it its from for by has have "
        "right left bilateral side large small big massive some i we you he she his her patient pt looks look "
        "like think probably possible possibly likely definite definitely clear clearly obvious seen see "
        "visible present also as into just very quite significant acute new here please so do does one two my "
        "your our their them they me us now go going will can could would should might may let well ok okay "
        "yes sure what about which who an any all both up down out over under behind level lobe mm cm "
        " other same only t s d ll evident identified showing shows show area region rt lt r l "
        "sided bilaterally dextral sinistral unilateral ipsilateral");
    return s;
}

// Cues that say something is absent. Before the words they cover...
const std::set<std::string>& negationsBefore() {
    static const std::set<std::string> s{"no",      "not",    "without", "negative", "nil",  "never",
                                         "neither", "nor",    "absence", "isn",      "aren", "doesn",
                                         "don",     "cannot", "exclude", "excluding"};
    return s;
}
// ...and after them ("pneumothorax excluded", "the liver is normal").
const std::set<std::string>& negationsAfter() {
    static const std::set<std::string> s{"excluded", "absent", "unlikely", "normal", "unremarkable", "intact", "ruled",
                                         "fine",     "ok",     "okay",     "clear",  "negative",     "stable"};
    return s;
}
// Words that close a clause: what follows is a new statement.
const std::set<std::string>& clauseBreaks() {
    static const std::set<std::string> s{"and",  "but",  "however", "although", "though", "whereas", "while", "yet",
                                         "then", "plus", "also",    "except",   "apart",  "which",   "so"};
    return s;
}

std::string americanSpelling(std::string w) {
    // haem- -> hem-, oesoph- -> esoph-, anaest- -> anest-, orthopaed- -> orthoped-.
    for (const char* pair : {"ae", "oe"}) {
        std::size_t at;
        while ((at = w.find(pair)) != std::string::npos) w.erase(at, 1);
    }
    return w;
}

std::string stem(const std::string& w) {
    auto ends = [&](const char* suf) {
        std::string s(suf);
        return w.size() > s.size() + 2 && w.compare(w.size() - s.size(), s.size(), s) == 0;
    };
    if (ends("ies")) return w.substr(0, w.size() - 3) + "y";
    if (ends("ing")) return w.substr(0, w.size() - 3);
    if (ends("ed")) return w.substr(0, w.size() - 2);
    if (ends("es") && (ends("ses") || ends("xes") || ends("ches"))) return w.substr(0, w.size() - 2);
    if (ends("s") && !ends("ss") && !ends("us") && !ends("is") && !ends("ax")) return w.substr(0, w.size() - 1);
    return w;
}

// One word as the reader compares it; empty for a word that carries no meaning.
std::vector<std::string> canonical(std::string w) {
    if (auto it = abbreviations().find(w); it != abbreviations().end()) {
        std::vector<std::string> out;
        std::string rest = it->second;
        std::size_t at = 0;
        while (at < rest.size()) {
            std::size_t end = rest.find(' ', at);
            if (end == std::string::npos) end = rest.size();
            for (auto& c : canonical(rest.substr(at, end - at))) out.push_back(c);
            at = end + 1;
        }
        return out;
    }
    w = americanSpelling(w);
    if (abbreviations().count(w)) return canonical(w);
    if (auto it = concepts().find(w); it != concepts().end()) return {it->second};
    if (stopWords().count(w)) return {};
    std::string s = stem(w);
    if (auto it = concepts().find(s); it != concepts().end()) return {it->second};
    if (stopWords().count(s)) return {};
    return {s};
}

struct Word {
    std::string raw;              // lower case, as typed
    bool breakBefore = false;     // punctuation before it ends a clause
    bool sentenceBefore = false;  // ... or a sentence
    bool slashBefore = false;     // a slash between it and the word before: "EDH/SDH" offers two diagnoses
    bool question = false;        // a question mark follows it
};

// Prefixes written with a hyphen that make one word with what follows.
const std::set<std::string>& hyphenPrefixes() {
    static const std::set<std::string> s{"extra", "intra", "sub",    "retro",   "peri",  "pseudo", "hemo",  "pneumo",
                                         "non",   "re",    "antero", "postero", "trans", "para",   "infra", "supra"};
    return s;
}

std::vector<Word> splitWords(std::string_view text) {
    std::vector<Word> out;
    std::string cur;
    bool pendingBreak = false, pendingSentence = false, pendingSlash = false;
    auto flush = [&] {
        if (cur.empty()) return;
        out.push_back({cur, pendingBreak, pendingSentence, pendingSlash && !pendingSentence});
        cur.clear();
        pendingBreak = pendingSentence = pendingSlash = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (std::isalnum(c)) {
            cur += char(std::tolower(c));
            continue;
        }
        bool wasWord = !cur.empty();
        // A prefix joined by a hyphen is one word with it: "extra-dural", "pseudo-aneurysm", "re-intubate".
        if (c == '-' && wasWord && i + 1 < text.size() && std::isalpha(static_cast<unsigned char>(text[i + 1])) &&
            hyphenPrefixes().count(americanSpelling(cur)))
            continue;
        flush();
        if (c == '=') {
            out.push_back({"equals", pendingBreak, pendingSentence});  // "no trace = wrong place"
            pendingBreak = pendingSentence = false;
            continue;
        }
        if (c == '#' && i + 1 < text.size() && std::isalpha(static_cast<unsigned char>(text[i + 1]))) {
            out.push_back({"fracture", pendingBreak, pendingSentence});  // "#ribs", "#NOF": the clinical shorthand
            pendingBreak = pendingSentence = false;
            continue;
        }
        if (c == '/' && wasWord && out.back().raw == "r" && i + 1 < text.size() && std::tolower(text[i + 1]) == 'o' &&
            (i + 2 >= text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 2])))) {
            out.back().raw = "rule";  // "r/o": rule out
            out.push_back({"out", false, false});
            ++i;
            continue;
        }
        if (c == '?' && !out.empty()) out.back().question = true;
        if (c == '.' || c == ';' || c == '!' || c == '?' || c == '\n') {
            pendingBreak = pendingSentence = true;
        } else if (c == ',' || c == ':' || c == '(' || c == ')' || c == '/') {
            pendingBreak = true;
            if (c == '/') pendingSlash = true;
        } else if (c == '-') {
            // A dash between words ("No - active bleeding") ends a clause; a hyphen inside one ("Tension-PTX") does
            // not.
            bool hyphen = wasWord && i + 1 < text.size() && std::isalnum(static_cast<unsigned char>(text[i + 1]));
            if (!hyphen) pendingBreak = true;
        } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
            unsigned char d = static_cast<unsigned char>(text[i + 2]);
            if (d == 0x93 || d == 0x94) pendingBreak = true;  // en and em dashes; a typographic apostrophe is not
            i += 2;
        }
    }
    flush();
    return out;
}

// ---------------------------------------------------------------- phrases read as one word
// Phrases whose words mean something else together than apart: a pelvic ring pattern is not a vertebral compression
// ("lateral compression"), a vertical shear is not a shear injury of the brain, a chest tube is not the endotracheal
// tube, spinal precautions say nothing about the spine, and "no trace = wrong place" says the tube is misplaced
// rather than denying something. Read before negation and clauses, as the words in `as`.
struct Idiom {
    std::vector<std::string> words;  // American spelling, lower case, as splitWords gives them
    std::vector<std::string> as;
    bool loose = false;       // "means", "=", "is", "the" may stand between its words
    bool notOfSpine = false;  // not in a sentence about the spine ("lateral compression fracture of L1")
};
const std::vector<Idiom>& idioms() {
    static const std::vector<Idiom> v = [] {
        std::vector<Idiom> out;
        auto add = [&](std::vector<std::string> words, std::vector<std::string> as, bool loose = false,
                       bool notOfSpine = false) {
            out.push_back({std::move(words), std::move(as), loose, notOfSpine});
        };
        // Young-Burgess pelvic ring patterns.
        for (const char* w : {"lc", "lc1", "lc2", "lc3", "lci", "lcii", "lciii"})
            add({w}, {"lateralcompression", "pelvis"});
        add({"lateral", "compression"}, {"lateralcompression", "pelvis"}, false, true);
        for (const char* w : {"apc", "apc1", "apc2", "apc3", "apci", "apcii", "apciii"})
            add({w}, {"apcompression", "pelvis"});
        add({"anteroposterior", "compression"}, {"apcompression", "pelvis"}, false, true);
        add({"antero", "posterior", "compression"}, {"apcompression", "pelvis"}, false, true);
        add({"anterior", "posterior", "compression"}, {"apcompression", "pelvis"}, false, true);
        add({"ap", "compression"}, {"apcompression", "pelvis"}, false, true);
        add({"open", "book"}, {"openbook", "pelvis"});
        add({"vertical", "shear"}, {"verticalshear", "pelvis"});
        // The capnography rule for a tube: no trace, wrong place.
        add({"no", "trace", "wrong", "place"}, {"misplaced", "tube"}, true);
        for (const char* w : {"place", "position", "hole"}) add({"wrong", w}, {"misplaced"});
        // Treatment, not anatomy.
        for (const char* w : {"tube", "drain", "drains", "tubes"}) {
            add({"chest", w}, {"chestdrain"});
            add({"pleural", w}, {"chestdrain"});
            add({"intercostal", w}, {"chestdrain"});
        }
        for (const char* w : {"pelvic", "pelvis"}) add({w, "binder"}, {"binder"});
        for (const char* w : {"spinal", "spine", "cervical"})
            for (const char* x : {"precautions", "precaution", "immobilization", "immobilisation", "board"})
                add({w, x}, {"precautions"});
        add({"c", "spine", "precautions"}, {"precautions"});
        // Gas in the mediastinum is one diagnosis: "free mediastinal air" is not the free air of the abdomen.
        for (const char* w : {"air", "gas", "emphysema"}) {
            add({"mediastinal", w}, {"pneumomediastinum"});
            add({w, "in", "the", "mediastinum"}, {"pneumomediastinum"});
            add({w, "in", "mediastinum"}, {"pneumomediastinum"});
        }
        // Longest first.
        std::stable_sort(out.begin(), out.end(),
                         [](const Idiom& a, const Idiom& b) { return a.words.size() > b.words.size(); });
        return out;
    }();
    return v;
}

// A word that puts a sentence on the spine: "spine", "vertebral", "lumbar", a level ("L1", "T12", "C2").
bool spineWord(const std::string& w) {
    static const std::set<std::string> s{"spine",  "spinal",        "vertebra", "vertebral", "vertebrae", "vertebre",
                                         "lumbar", "thoracolumbar", "endplate", "endplates", "cervical"};
    if (s.count(w)) return true;
    return w.size() >= 2 && w.size() <= 3 && (w[0] == 'c' || w[0] == 't' || w[0] == 'l') &&
           std::all_of(w.begin() + 1, w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A vertebral level as written ("c5", "t12", "l1", "s1") as its place from the skull down (C1 = 0, T1 = 7,
// L1 = 19, S1 = 24); -1 for a word that is not one.
int spineLevelIndex(const std::string& w) {
    if (w.size() < 2 || w.size() > 3) return -1;
    if (!std::all_of(w.begin() + 1, w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return -1;
    const int n = std::stoi(w.substr(1));
    struct Segment {
        char letter;
        int first, count;
    };
    static constexpr Segment segments[] = {{'c', 0, 7}, {'t', 7, 12}, {'l', 19, 5}, {'s', 24, 5}};
    for (const auto& s : segments)
        if (w[0] == s.letter) return n >= 1 && n <= s.count ? s.first + n - 1 : -1;
    return -1;
}

// Le Fort levels share the set of vertebral levels, above them all.
constexpr int kLeFort = 100;

// The vertebral levels words name: each level, and every level of a range ("C2-C7", "T12 to L2", "C2 through C7").
std::set<int> spineLevelsOf(const std::vector<std::string>& raw, const std::vector<char>& keep) {
    std::set<int> out;
    int last = -1;
    std::size_t lastAt = 0;
    for (std::size_t k = 0; k < raw.size(); ++k) {
        if (!keep[k]) continue;
        const int v = spineLevelIndex(raw[k]);
        if (v < 0) continue;
        const bool range =
            last >= 0 && (lastAt + 1 == k ||
                          (lastAt + 2 == k && (raw[k - 1] == "to" || raw[k - 1] == "through" || raw[k - 1] == "thru")));
        if (range)
            for (int i = std::min(last, v); i <= std::max(last, v); ++i) out.insert(i);
        out.insert(v);
        last = v;
        lastAt = k;
    }
    // The level of a Le Fort fracture ("Le Fort II", "LeFort 1", "Le Fort I and II"), as kLeFort + 1..3: the pattern
    // tells the surgeon which bones are broken, as a vertebral level does.
    static const std::map<std::string, int> leFortLevels{{"i", 1}, {"1", 1}, {"ii", 2}, {"2", 2}, {"iii", 3}, {"3", 3}};
    static const std::set<std::string> joins{"and", "or", "to", "through", "type", "plus"};
    for (std::size_t k = 0; k < raw.size(); ++k) {
        if (!(raw[k] == "lefort" || (raw[k] == "fort" && k > 0 && raw[k - 1] == "le"))) continue;
        for (std::size_t j = k + 1; j < raw.size() && j <= k + 6; ++j) {
            if (auto l = leFortLevels.find(raw[j]); l != leFortLevels.end()) {
                if (keep[j]) out.insert(kLeFort + l->second);
            } else if (!joins.count(raw[j])) {
                break;
            }
        }
    }
    return out;
}

std::string spineLevelName(int index) {
    if (index > kLeFort)
        return "Le Fort " + std::string(index == kLeFort + 1 ? "I" : index == kLeFort + 2 ? "II" : "III");
    static const char* names[] = {"C1", "C2", "C3", "C4", "C5", "C6", "C7",  "T1",  "T2",  "T3",
                                  "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1",
                                  "L2", "L3", "L4", "L5", "S1", "S2", "S3",  "S4",  "S5"};
    return index >= 0 && index < int(std::size(names)) ? names[index] : "";
}

// A word that names a part of the pelvic ring.
bool pelvisWord(const std::string& w) {
    static const std::set<std::string> s{"pelvis",     "pelvic",     "ring",   "pubic", "pubis", "rami",
                                         "ramus",      "sacral",     "sacrum", "ala",   "alar",  "symphysis",
                                         "symphyseal", "sacroiliac", "si",     "iliac"};
    return s.count(w) > 0;
}

std::vector<Word> readIdioms(const std::vector<Word>& in) {
    static const std::set<std::string> fillers{"means", "mean", "equals", "is", "the", "a"};
    std::vector<Word> out;
    std::size_t sentenceStart = 0;
    for (std::size_t i = 0; i < in.size();) {
        if (in[i].sentenceBefore) sentenceStart = i;
        bool matched = false;
        for (const auto& idiom : idioms()) {
            std::size_t j = i, k = 0;
            while (k < idiom.words.size() && j < in.size() && (j == i || !in[j].sentenceBefore)) {
                std::string w = americanSpelling(in[j].raw);
                if (w == idiom.words[k]) {
                    ++k;
                    ++j;
                } else if (idiom.loose && k > 0 && fillers.count(w)) {
                    ++j;
                } else {
                    break;
                }
            }
            if (k < idiom.words.size()) continue;
            if (idiom.notOfSpine) {
                // Of the spine when its clause names the spine, or its sentence does and the clause names no part
                // of the pelvis: "lateral compression fracture of L1", "L1 and T12: lateral compression fractures";
                // not "LC pelvic fracture and an L1 burst".
                std::size_t from = i, to = j;
                while (from > sentenceStart && !in[from].breakBefore && !clauseBreaks().count(in[from - 1].raw)) --from;
                while (to < in.size() && !in[to].breakBefore && !clauseBreaks().count(in[to].raw)) ++to;
                bool spineClause = false, pelvisClause = false, spineSentence = false;
                for (std::size_t m = from; m < to; ++m) {
                    spineClause = spineClause || spineWord(americanSpelling(in[m].raw));
                    pelvisClause = pelvisClause || pelvisWord(americanSpelling(in[m].raw));
                }
                for (std::size_t m = sentenceStart; m < in.size() && (m == sentenceStart || !in[m].sentenceBefore); ++m)
                    spineSentence = spineSentence || spineWord(americanSpelling(in[m].raw));
                if (spineClause || (spineSentence && !pelvisClause)) continue;
            }
            for (std::size_t a = 0; a < idiom.as.size(); ++a)
                out.push_back({idiom.as[a], a == 0 && in[i].breakBefore, a == 0 && in[i].sentenceBefore});
            i = j;
            matched = true;
            break;
        }
        if (!matched) out.push_back(in[i++]);
    }
    return out;
}

// The sides and vertebral levels a clause names positively, with its meaning words, to tell which finding a side or
// a level is said of.
struct ClauseSides {
    std::set<std::string> words;
    std::set<scenario::Side> sides;
    std::set<int> levels;  // vertebral levels, as spineLevelIndex gives them
};
// A sentence as sets of meaning words said positively and said to be absent, and the sides its clauses name.
struct Sentence {
    std::set<std::string> positive, negated;
    std::vector<ClauseSides> clauses;
    bool deferred = false;  // says a part is not read yet ("spine not read yet, I'll tell you"): names no organ
    bool chronic = false;   // calls something old ("chronic subdural", "old fracture", "healed"): not an acute injury
    // The sentence's words in order, for telling a hedge between two diagnoses ("epidural or subdural haematoma").
    struct Token {
        std::vector<std::string> words;  // its meaning words (canonical); empty for a hedge
        bool hedge = false;              // "or", "versus", "vs", "either", "differential", a slash
        int stretch = 0;                 // words in one stretch have no clause break between them except at a hedge
    };
    std::vector<Token> tokens;
};

// "right", "rt", "R"... as a side; "right now", "all right", "that's right" are not.
std::optional<scenario::Side> sideWord(const std::vector<std::string>& raw, std::size_t k) {
    static const std::set<std::string> right{"right", "rt", "r", "dextral"}, left{"left", "lt", "l", "sinistral"},
        both{"bilateral", "bilaterally", "both"};
    static const std::set<std::string> notSideAfter{"now", "away", "there", "then", "here", "after", "on", "ahead"},
        notSideBefore{"all", "that", "s", "is", "you", "re", "thats", "alright", "quite"};
    const std::string& w = raw[k];
    if (both.count(w)) return scenario::Side::Bilateral;
    if (!right.count(w) && !left.count(w)) return std::nullopt;
    if (k + 1 < raw.size() && notSideAfter.count(raw[k + 1])) return std::nullopt;
    if (k > 0 && notSideBefore.count(raw[k - 1])) return std::nullopt;
    // A direction, not a side: "shifted to the left", "deviated towards the right".
    static const std::set<std::string> toward{"to", "towards", "toward"};
    if ((k > 0 && toward.count(raw[k - 1])) || (k > 1 && raw[k - 1] == "the" && toward.count(raw[k - 2])))
        return std::nullopt;
    return right.count(w) ? scenario::Side::Right : scenario::Side::Left;
}

// Words after which what a negation said stops and a new statement about it starts: "no trace means wrong place",
// "no capnography trace, so the tube is in the oesophagus". They end a negation's reach, not the clause.
const std::set<std::string>& negationEnds() {
    static const std::set<std::string> s{"means",     "mean",      "meaning",  "equals",    "implies",
                                         "imply",     "indicates", "indicate", "suggests",  "suggesting",
                                         "therefore", "thus",      "hence",    "because",   "until",
                                         "unless",    "otherwise", "confirms", "confirming"};
    return s;
}

// A word that negates what follows it: "no", "not", "without"... and the "t" of "can't".
bool negatesAfter(const std::vector<std::string>& raw, std::size_t k) {
    if (negationsBefore().count(raw[k])) return true;
    return raw[k] == "t" && k > 0 && (raw[k - 1] == "can" || raw[k - 1] == "won");
}

// Negation inside one clause: words after a "no" are absent; a clause with "excluded", "normal" or a "not" that
// nothing meaningful follows ("tension pneumothorax is not present") is absent as a whole. A negation reaches to the
// end of its clause or to a word that starts a new statement ("no trace means wrong place": only the trace is
// absent). A negated exclusion is a suspicion, not an absence: "cannot exclude a tension pneumothorax", "not ruled
// out".
// Words that say what the reader is about to look for, not what is there: "rule out a tension pneumothorax",
// "looking for active bleeding", "assess for EDH". What follows them in the clause names nothing and denies nothing.
bool searchesAt(const std::vector<std::string>& raw, std::size_t k) {
    static const std::set<std::string> verbs{"look",   "looking",   "check",  "checking",  "evaluate", "evaluating",
                                             "assess", "assessing", "search", "searching", "screen",   "screening",
                                             "hunt",   "hunting",   "scan",   "scanning",  "examine",  "examining"};
    if (k + 1 < raw.size() && raw[k] == "rule" && raw[k + 1] == "out") return true;
    if (k + 1 < raw.size() && verbs.count(raw[k]) && raw[k + 1] == "for") return true;
    // "need to exclude", "have to exclude", "to exclude": an intention, not a statement of absence.
    if (k + 1 < raw.size() && raw[k] == "to" && (raw[k + 1] == "exclude" || raw[k + 1] == "rule")) return true;
    return false;
}

void readClause(const std::vector<std::string>& raw, Sentence& s) {
    std::vector<char> negated(raw.size(), 0), skip(raw.size(), 0);
    for (std::size_t k = 0; k < raw.size(); ++k)
        if (searchesAt(raw, k)) {
            std::fill(skip.begin() + std::ptrdiff_t(k), skip.end(), 1);
            break;
        }
    static const std::set<std::string> anywhere{"normal", "unremarkable", "intact"};
    static const std::set<std::string> exclusions{"exclude", "excluded", "excluding", "rule", "ruled", "excludable"};
    // A negated exclusion: both words say nothing.
    for (std::size_t k = 0; k < raw.size(); ++k) {
        if (!negatesAfter(raw, k)) continue;
        std::size_t j = k + 1;
        while (j < raw.size() && canonical(raw[j]).empty() && !exclusions.count(raw[j]) && !negatesAfter(raw, j)) ++j;
        if (j < raw.size() && exclusions.count(raw[j])) {
            skip[k] = skip[j] = 1;
            if (j + 1 < raw.size() && raw[j + 1] == "out") skip[j + 1] = 1;
        }
    }
    for (std::size_t a = 0; a < raw.size();) {
        std::size_t b = a;
        while (b < raw.size() && !negationEnds().count(raw[b])) ++b;
        // The stretch [a, b) is one statement.
        std::size_t negFrom = b;
        bool negAll = false;
        for (std::size_t k = a; k < b; ++k) {
            if (skip[k]) continue;
            if (negatesAfter(raw, k)) {
                bool meaningAfter = false;
                for (std::size_t j = k + 1; j < b; ++j)
                    if (!skip[j] && !canonical(raw[j]).empty() && !negationsAfter().count(raw[j])) meaningAfter = true;
                if (meaningAfter)
                    negFrom = std::min(negFrom, k + 1);
                else if (k > a)
                    negAll = true;
            }
            if ((negationsAfter().count(raw[k]) && k > a) || anywhere.count(raw[k])) negAll = true;
            if (raw[k] == "out" && k > a && (raw[k - 1] == "ruled" || raw[k - 1] == "rule")) negAll = true;
        }
        for (std::size_t k = a; k < b; ++k) negated[k] = negAll || k >= negFrom;
        a = b + 1;
    }
    ClauseSides cs;
    std::vector<char> positiveWord(raw.size(), 0);
    for (std::size_t k = 0; k < raw.size(); ++k) positiveWord[k] = !skip[k] && !negated[k];
    cs.levels = spineLevelsOf(raw, positiveWord);
    for (std::size_t k = 0; k < raw.size(); ++k) {
        if (skip[k] || negatesAfter(raw, k) || negationsAfter().count(raw[k]) || negationEnds().count(raw[k])) continue;
        for (auto& c : canonical(raw[k])) {
            (negated[k] ? s.negated : s.positive).insert(c);
            if (!negated[k]) cs.words.insert(c);
        }
        if (auto side = sideWord(raw, k); side && !negated[k]) cs.sides.insert(*side);
        // "chronic", "healed", "old" (not "81-year-old") said of what is named: a finding of another age.
        static const std::set<std::string> chronic{"chronic",      "healed",      "healing",
                                                   "longstanding", "preexisting", "old"};
        static const std::set<std::string> ages{"year", "years", "yr",  "yrs",  "month", "months",
                                                "week", "weeks", "day", "days", "yo"};
        if (!negated[k] && chronic.count(raw[k]) && !(raw[k] == "old" && k > 0 && ages.count(raw[k - 1])))
            s.chronic = true;
    }
    if (!raw.empty()) s.clauses.push_back(std::move(cs));
}

// A clause that names only a side ("on the right, tension pneumothorax"; "left and right pneumothorax") gives it to
// the clauses beside it.
void shareSides(Sentence& s) {
    auto& c = s.clauses;
    std::vector<std::set<scenario::Side>> given(c.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (!c[i].words.empty() || c[i].sides.empty()) continue;
        if (i > 0) given[i - 1].insert(c[i].sides.begin(), c[i].sides.end());
        if (i + 1 < c.size()) given[i + 1].insert(c[i].sides.begin(), c[i].sides.end());
    }
    for (std::size_t i = 0; i < c.size(); ++i) c[i].sides.insert(given[i].begin(), given[i].end());
}

// The words say a part has not been read yet, or promise to tell later: "not read yet", "haven't looked at the
// spine", "I'll tell you before you move him". Such a sentence names an organ without saying anything about it.
bool defersReading(const std::vector<std::string>& w) {
    static const std::vector<std::vector<std::string>> cues{{"not", "read"},
                                                            {"not", "yet", "read"},
                                                            {"yet", "to", "read"},
                                                            {"yet", "to", "look"},
                                                            {"not", "looked"},
                                                            {"haven", "t", "read"},
                                                            {"haven", "t", "looked"},
                                                            {"havent", "read"},
                                                            {"havent", "looked"},
                                                            {"not", "got", "to"},
                                                            {"not", "reached"},
                                                            {"not", "yet", "looked"},
                                                            {"ll", "tell", "you"},
                                                            {"will", "tell", "you"},
                                                            {"ll", "let", "you", "know"},
                                                            {"will", "let", "you", "know"},
                                                            {"once", "it", "arrives"},
                                                            {"when", "it", "arrives"},
                                                            {"not", "arrived"},
                                                            {"not", "in", "yet"}};
    for (std::size_t i = 0; i < w.size(); ++i)
        for (const auto& c : cues) {
            std::size_t k = 0;
            while (k < c.size() && i + k < w.size() && w[i + k] == c[k]) ++k;
            if (k == c.size()) return true;
        }
    return false;
}

std::vector<Sentence> readSentences(std::string_view text) {
    std::vector<Sentence> out;
    Sentence cur;
    std::vector<std::string> clause;
    auto endClause = [&] {
        readClause(clause, cur);
        clause.clear();
    };
    std::vector<std::string> words;  // the sentence's words, for the cues that defer a reading
    static const std::set<std::string> hedges{"or", "versus", "vs", "either", "differential", "ddx", "alternatively"};
    int stretch = 0;
    // A question ("is there a tension pneumothorax?", "could it be an EDH?") asks; it names and denies nothing.
    static const std::set<std::string> interrogatives{
        "is",    "are", "any",   "could", "can",   "do",  "does", "did",  "was",   "were",  "should", "has", "have",
        "might", "may", "would", "will",  "shall", "isn", "aren", "what", "where", "which", "how",    "why"};
    bool question = false;
    auto endSentence = [&] {
        endClause();
        shareSides(cur);
        cur.deferred = defersReading(words);
        const bool asks = question && !words.empty() && interrogatives.count(words.front());
        words.clear();
        question = false;
        if (!asks && (!cur.positive.empty() || !cur.negated.empty())) out.push_back(cur);
        cur = {};
    };
    for (const auto& w : readIdioms(splitWords(text))) {
        if (w.sentenceBefore)
            endSentence();
        else if (w.breakBefore)
            endClause();
        // A clause break ends a stretch, except where the break comes with the hedge itself ("EDH, or SDH",
        // "EDH/SDH").
        const bool hedge = hedges.count(w.raw) > 0;
        if ((w.breakBefore || w.sentenceBefore || clauseBreaks().count(w.raw)) && !hedge && !w.slashBefore) ++stretch;
        // "and/or" is a hedge: the "and" before it does not end the stretch.
        if ((hedge || w.slashBefore) && !cur.tokens.empty() && !words.empty() && clauseBreaks().count(words.back()) &&
            cur.tokens.size() >= 2)
            cur.tokens.back().stretch = stretch = cur.tokens[cur.tokens.size() - 2].stretch;
        if (w.slashBefore) cur.tokens.push_back({{}, true, stretch});
        if (w.question) question = true;
        cur.tokens.push_back({hedge ? std::vector<std::string>{} : canonical(w.raw), hedge, stretch});
        words.push_back(w.raw);
        if (clauseBreaks().count(w.raw)) {
            endClause();
            continue;
        }
        clause.push_back(w.raw);
    }
    endSentence();
    return out;
}

using Bag = std::set<std::string>;

Bag bagOf(std::string_view phrase) {
    Bag b;
    for (const auto& w : readIdioms(splitWords(phrase)))
        for (auto& c : canonical(w.raw)) b.insert(c);
    return b;
}

bool within(const Bag& bag, const std::set<std::string>& words) {
    if (bag.empty()) return false;
    return std::all_of(bag.begin(), bag.end(), [&](const std::string& w) { return words.count(w) > 0; });
}
bool anyOf(const Bag& bag, const std::set<std::string>& words) {
    return std::any_of(bag.begin(), bag.end(), [&](const std::string& w) { return words.count(w) > 0; });
}

const std::set<std::string>& anatomyWords() {
    static const std::set<std::string> s = wordSet(
        "spleen liver kidney lung aorta pelvis rib spine skull esophagus trachea mediastinum pleura femur "
        "pubis sacrum brain head chest abdomen heart neck bone isthmus ring l1 lumbar thoracolumbar "
        "temporoparietal parietal convexity hilum bowel pancrea bladder diaphragm airway tube hip shoulder "
        "face facial orbit scapula clavicle sternum leg arm thigh vessel artery vein endotracheal symphysis "
        "sacroiliac");
    return s;
}

Diagnosis dx(std::string id, std::string label, std::vector<std::string> names, std::vector<std::string> essential = {},
             std::vector<std::string> lesser = {}, std::vector<std::string> organs = {}) {
    Diagnosis d;
    d.id = std::move(id);
    d.label = std::move(label);
    d.names = std::move(names);
    d.essential = std::move(essential);
    d.lesser = std::move(lesser);
    d.organs = std::move(organs);
    return d;
}
Diagnosis variant(std::string id, std::string label, std::vector<std::string> names) {
    Diagnosis d = dx(std::move(id), std::move(label), std::move(names));
    d.variant = true;
    return d;
}
Diagnosis organ(Diagnosis d) {
    d.organRequired = true;
    return d;
}
Diagnosis scout(Diagnosis d) {
    d.onScout = true;
    return d;
}
Diagnosis oneClause(Diagnosis d) {
    d.inOneClause = true;
    return d;
}

}  // namespace

// ---------------------------------------------------------------- the lexicon
const std::vector<Diagnosis>& traumaLexicon() {
    static const std::vector<Diagnosis> all = [] {
        std::vector<Diagnosis> all{
            // Injuries the simulator makes (ids are the phantom's).
            // Extradural called subdural (and the reverse) is the wrong name for a collection that goes to theatre all
            // the same: partly right, not a different diagnosis.
            dx("epidural_hematoma", "Epidural haematoma",
               {"epidural hematoma", "epidural bleeding", "epidural collection"}, {},
               {"intracranial bleeding", "intracranial hematoma", "extra axial hematoma", "extra axial collection",
                "subdural hematoma", "subdural bleeding", "subdural"},
               {"brain", "head", "skull"}),
            dx("subdural_hematoma", "Acute subdural haematoma", {"subdural hematoma", "subdural bleeding", "subdural"},
               {},
               {"intracranial bleeding", "intracranial hematoma", "extra axial collection", "epidural hematoma",
                "epidural bleeding", "epidural"},
               {"brain", "head"}),
            dx("skull_fracture", "Skull fracture", {"skull fracture", "parietal fracture", "temporal fracture"}, {}, {},
               {"skull"}),
            scout(dx("tension_pneumothorax", "Tension pneumothorax",
                     {"tension pneumothorax", "pneumothorax mediastinum shift", "pneumothorax shift"},
                     {"tension", "shift"}, {"pneumothorax", "collapse lung", "air pleura"}, {"lung", "pleura"})),
            dx("hemothorax", "Haemothorax",
               {"hemothorax", "pleura bleeding", "pleura hematoma", "blood pleura", "blood chest"},
               {"hemothorax", "blood", "bleeding", "hematoma"}, {"pleura effusion", "pleura fluid", "fluid chest"},
               {"pleura"}),
            dx("aortic_injury", "Traumatic aortic injury",
               {"aorta injury", "aorta transection", "aorta rupture", "aorta pseudoaneurysm", "aorta intimal flap",
                "aorta laceration", "aorta dissection", "isthmus injury", "isthmus pseudoaneurysm", "aorta tear"},
               {"aorta", "isthmus"},
               {"mediastinum hematoma", "mediastinum bleeding", "periaortic hematoma", "mediastinum widening"},
               {"aorta"}),
            organ(dx("splenic_laceration", "Splenic laceration with active extravasation",
                     {"spleen laceration", "spleen injury", "spleen rupture", "spleen bleeding", "spleen extravasation",
                      "spleen fracture", "spleen hematoma"},
                     {"active", "extravasation"}, {"perisplenic hematoma", "spleen contusion"}, {"spleen"})),
            organ(dx("liver_laceration", "Liver laceration",
                     {"liver laceration", "liver injury", "liver rupture", "liver fracture"}, {},
                     {"liver contusion", "liver hematoma", "subcapsular hematoma"}, {"liver"})),
            dx("hemoperitoneum", "Haemoperitoneum",
               {"hemoperitoneum", "intraperitoneal blood", "blood abdomen", "intraperitoneal bleeding"}, {},
               {"free fluid", "intraperitoneal fluid", "ascites"}, {"abdomen"}),
            organ(dx("kidney_laceration", "Kidney laceration",
                     {"kidney laceration", "kidney injury", "kidney rupture", "perirenal hematoma"}, {},
                     {"kidney contusion"}, {"kidney"})),
            organ(dx("pelvic_ring_fracture", "Pelvic ring fracture",
                     {"pelvis fracture",
                      "pelvis ring fracture",
                      "pubis fracture",
                      "sacrum fracture",
                      "unstable pelvis",
                      "sacrum ala fracture",
                      "pelvis ring disruption",
                      "pelvis ring injury",
                      "lateral compression",
                      "anteroposterior compression",
                      "open book",
                      "vertical shear",
                      "symphysis diastasis",
                      "sacroiliac diastasis",
                      "symphysis widening",
                      "sacroiliac widening",
                      "symphysis disruption",
                      "sacroiliac disruption",
                      "lateral compression fracture",
                      "lateral compression ring fracture",
                      "lateral compression ring injury",
                      "lateral compression ring disruption"},
                     {}, {"pelvis hematoma"}, {"pelvis", "pubis", "sacrum", "symphysis", "sacroiliac"})),
            // An open book is a pelvic ring injury of its own pattern: a ring fracture named without it is part of
            // it, a lateral compression another pattern.
            dx("open_book_pelvis", "Open-book pelvic injury (anteroposterior compression)",
               {"open book", "anteroposterior compression", "symphysis diastasis", "pubis diastasis",
                "symphysis widening", "symphysis disruption", "symphysis separation", "sacroiliac widening",
                "sacroiliac diastasis", "sacroiliac disruption"},
               {},
               {"pelvis ring fracture", "pelvis fracture", "pelvis ring injury", "pelvis ring disruption",
                "unstable pelvis", "pelvis hematoma"},
               {"pelvis", "pubis", "symphysis", "sacroiliac"}),
            // Bleeding in the pelvis counts when it is active: a haematoma or a pseudoaneurysm (which does not grow
            // on the portal phase) is part of it. Said in one clause, so that a list of a patient's injuries
            // ("active splenic bleeding and a pelvic fracture") does not put the bleeding in the pelvis.
            oneClause(dx("pelvic_arterial_bleeding", "Active arterial bleeding in the pelvis",
                         {"pelvis bleeding", "pelvis extravasation", "iliac bleeding", "iliac extravasation",
                          "gluteal bleeding", "gluteal extravasation", "obturator bleeding", "obturator extravasation"},
                         {"active", "extravasation"},
                         {"pelvis hematoma", "extraperitoneal hematoma", "pseudoaneurysm", "active extravasation",
                          "active bleeding"},
                         {"pelvis", "iliac", "gluteal", "obturator"})),
            dx("vertebral_burst_fracture", "Vertebral burst fracture",
               {"burst fracture", "spine burst", "fracture retropulsion"}, {"burst", "retropulsion"},
               {"compression fracture", "spine fracture", "l1 fracture", "lumbar fracture", "spine injury"},
               {"spine", "l1"}),
            dx("rib_fractures", "Rib fractures", {"rib fracture"}, {}, {"flail chest", "flail segment", "flail"},
               {"rib"}),
            dx("rib_fracture_subtle", "Undisplaced rib fracture", {"rib fracture"}, {}, {}, {"rib"}),
            dx("esophageal_intubation", "Oesophageal intubation",
               {"esophagus tube", "tube esophagus", "esophagus intubation", "misplaced tube", "malpositioned tube",
                "tube malposition"},
               {"esophagus", "misplaced", "malpositioned", "malposition"}, {"tube"}, {"tube"}),
            dx("femur_fracture", "Femoral shaft fracture", {"femur fracture", "femur shaft fracture"}, {}, {},
               {"femur"}),
            // Other trauma injuries a reader may name.
            dx("simple_pneumothorax", "Pneumothorax (simple)", {"pneumothorax"}),
            // Gas round the airway and the great vessels, outside the pleura and the pericardium.
            dx("pneumomediastinum", "Pneumomediastinum", {"pneumomediastinum", "macklin effect", "macklin"}),
            dx("pneumopericardium", "Pneumopericardium", {"pneumopericardium", "air pericardium"}),
            dx("pulmonary_contusion", "Pulmonary contusion", {"lung contusion"}),
            dx("pulmonary_laceration", "Pulmonary laceration", {"lung laceration", "pneumatocele"}),
            // A flail segment is named by the flail, by ribs broken twice each (segmental, double) or by the stove-in
            // chest ("segment" is a word of its own, so a flail mandible is the jaw's, not the chest's); ribs broken
            // once each ("rib fractures") miss what makes it a flail and are partly right, as is the
            // contused lung beneath it said alone.
            dx("flail_chest", "Flail chest",
               {"flail chest", "flail segment", "flail rib", "segmental rib fracture", "rib segmental fracture",
                "double rib fracture", "rib fracture two places", "rib fracture twice", "stove chest",
                "paradoxical chest wall"},
               {}, {"rib fracture", "serial rib fracture", "multiple rib fracture", "lung contusion"}, {"rib"}),
            dx("sternal_fracture", "Sternal fracture", {"sternal fracture", "sternum fracture"}, {},
               {"retrosternal hematoma", "retrosternal bleeding"}, {"sternum"}),
            dx("hemopericardium", "Haemopericardium / tamponade",
               {"hemopericardium", "pericardial effusion", "tamponade", "pericardial hematoma", "pericardial bleeding",
                "blood pericardium"},
               {}, {"pericardial fluid", "pericardial collection"}, {"pericardium"}),
            // A torn diaphragm is named by the tear, by what has come up through it (the stomach in the chest) or by
            // its signs; a raised hemidiaphragm (eventration) or fluid in the pleura (haemothorax) is another
            // diagnosis.
            dx("diaphragmatic_rupture", "Diaphragmatic rupture",
               {"diaphragm rupture", "diaphragm laceration", "diaphragm defect", "diaphragm hernia", "diaphragm injury",
                "stomach hernia", "stomach chest", "viscera hernia", "colon chest", "collar sign",
                "dependent viscera sign"},
               {}, {}, {"diaphragm"}),
            dx("tracheobronchial_injury", "Tracheobronchial injury",
               {"trachea injury", "bronchial injury", "trachea tear"}),
            dx("esophageal_injury", "Oesophageal rupture", {"esophagus rupture", "esophagus injury"}),
            // Blood in the sulci and in a contused brain are their own diagnoses; an extra-axial collection named
            // in their place, or bleeding in the head said without where, is a neighbour: partly right. A dense
            // falx or venous sinus is the mimic, not the blood.
            dx("subarachnoid_hemorrhage", "Traumatic subarachnoid haemorrhage",
               {"subarachnoid bleeding", "subarachnoid blood", "sulcus blood", "sulcus bleeding", "sylvian blood",
                "sylvian bleeding", "blood sylvian fissure"},
               {}, {"intracranial bleeding", "intracranial blood", "subdural hematoma", "subdural"}, {"brain", "head"}),
            dx("cerebral_contusion", "Cerebral contusion",
               {"brain contusion", "haemorrhagic contusion", "frontal contusion", "temporal contusion",
                "contrecoup contusion", "coup contrecoup", "contre coup", "contrecoup injury",
                "intraparenchymal bleeding", "parenchymal bleeding", "intraparenchymal hematoma"},
               {}, {"intracranial bleeding", "intracranial hematoma", "contusion"}, {"brain", "head"}),
            dx("diffuse_axonal_injury", "Diffuse axonal injury", {"diffuse axonal injury", "shear injury"}),
            // Facial fractures (under the phantom's id): named by the pattern (Le Fort, at the level the finding
            // gives: a Le Fort I called for a Le Fort II is another fracture, as a spine level is), the midface or the
            // mandible; an orbital fracture alone is part of it, an isolated nasal fracture another diagnosis.
            dx("facial_fractures", "Facial fractures",
               {"facial fracture", "le fort", "lefort", "midface fracture", "mid face fracture", "maxilla fracture",
                "mandible fracture", "flail mandible", "pyramidal fracture", "craniofacial disjunction",
                "pterygoid fracture", "facial smash"},
               {}, {"orbital fracture", "orbit floor fracture", "zygoma fracture"}, {"face", "mandible", "maxilla"}),
            // The airway threatened by the facial fractures: blood and swelling in the pharynx, the tongue fallen
            // back. A patent or normal airway is not it.
            dx("airway_compromise", "Airway compromise",
               {"airway compromise", "airway risk", "threatened airway", "airway threat", "airway obstruction",
                "pharynx hematoma", "pharynx blood", "blood airway", "pharynx swelling airway", "tongue fallen back",
                "tongue falling back"},
               // A narrowed airway alone is a sign other injuries give too (a prevertebral haematoma behind a
               // cervical fracture); securing the airway is a plan, not a finding.
               {}, {"pharynx swelling", "airway narrowing", "pharynx narrowing"}, {"airway", "pharynx"}),
            dx("nasal_fracture", "Isolated nasal bone fracture", {"nasal fracture", "nose fracture"}),
            // A cervical fracture called a burst fracture (a teardrop fracture pushes bone into the canal too) is
            // partly named.
            dx("cervical_spine_fracture", "Cervical spine fracture",
               {"cervical fracture", "c2 fracture", "odontoid fracture", "teardrop fracture"}, {}, {"burst fracture"}),
            dx("vertebral_compression_fracture", "Vertebral compression fracture", {"compression fracture"}),
            dx("chance_fracture", "Chance fracture", {"chance fracture", "flexion distraction"}),
            dx("pancreatic_injury", "Pancreatic injury",
               {"pancreatic injury", "pancreatic laceration", "pancreatic transection"}),
            // Free gas is the sign of a perforation: the call that opens the abdomen. A bowel or mesenteric injury
            // without it is a neighbouring, lesser diagnosis of the same patient.
            dx("pneumoperitoneum", "Pneumoperitoneum (free intraperitoneal gas)",
               {"pneumoperitoneum", "free air", "free intraperitoneal air", "intraperitoneal air", "extraluminal air",
                "bowel perforation", "hollow viscus perforation", "perforated bowel", "perforated viscus",
                "bowel rupture"},
               {}, {"bowel injury", "hollow viscus injury", "small bowel injury"}, {}),
            dx("mesenteric_injury", "Bowel or mesenteric injury",
               {"bowel injury", "mesentery injury", "mesentery hematoma", "mesentery bleeding", "mesentery tear",
                "bowel contusion", "bowel wall hematoma", "hollow viscus injury", "small bowel injury"},
               {}, {"mesentery stranding", "bowel wall thickening", "interloop fluid", "thickened bowel"}, {}),
            dx("adrenal_hematoma", "Adrenal haematoma", {"adrenal hematoma", "adrenal bleeding"}),
            dx("bladder_rupture", "Bladder rupture", {"bladder rupture", "bladder injury"}),
            dx("urethral_injury", "Urethral injury", {"urethral injury"}),
            dx("hip_dislocation", "Hip dislocation", {"hip dislocation", "dislocated hip"}),
            dx("acetabular_fracture", "Acetabular fracture", {"acetabular fracture", "acetabulum fracture"}),
            dx("tibial_fracture", "Tibial fracture", {"tibia fracture", "tibial fracture", "tibial plateau fracture"}),
            dx("scapular_fracture", "Scapular fracture", {"scapula fracture", "scapular fracture"}),
            dx("clavicle_fracture", "Clavicle fracture", {"clavicle fracture", "clavicular fracture"}),
            dx("humeral_fracture", "Humeral fracture", {"humerus fracture", "humeral fracture"}),
            // Blunt injury of a carotid artery (Denver grades I-V) named by the artery and its lesion: the dissection,
            // the flap, the blood in its wall, or a blunt cerebrovascular injury; a narrowing, a pseudoaneurysm or an
            // occlusion of the carotid names it in part. The vertebral artery's injury and spasm are other diagnoses.
            dx("carotid_dissection", "Carotid artery dissection (blunt cerebrovascular injury)",
               {"carotid dissection", "carotid intimal flap", "carotid flap", "carotid intramural hematoma",
                "carotid wall hematoma", "carotid injury", "carotid tear", "carotid intimal tear",
                "carotid intimal injury", "cerebrovascular injury", "carotid dissection flap"},
               {},
               {"carotid stenosis", "carotid narrowing", "carotid irregularity", "carotid pseudoaneurysm",
                "carotid occlusion", "carotid thrombus"},
               {"carotid"}),
            dx("vertebral_artery_dissection", "Vertebral artery dissection",
               {"vertebral artery dissection", "vertebral artery injury", "vertebral artery occlusion",
                "vertebral artery flap"}),
            // A tube pushed past the carina into a main bronchus: the tube (or its tip) said to be in a bronchus,
            // too deep or past the carina. The tube alone, or a collapsed lung, is partly right. The scout shows its
            // line running on past the carina.
            scout(dx("endobronchial_intubation", "Endobronchial (right main bronchus) intubation",
                     {"endobronchial", "endobronchial intubation", "tube bronchus", "tube too deep", "tube deep",
                      "tube too far", "tube past carina", "tube beyond carina", "tube below carina", "tip past carina",
                      "tip beyond carina", "tip below carina", "tip bronchus", "pull tube back", "withdraw tube"},
                     {}, {"tube", "lung collapse"}, {"tube"})),
            // A minimal aortic injury (SVS grade I) is named by its grade (an intimal flap alone is also part of
            // the graver injuries: the case's synonyms say where this one lies); the aorta or a flap alone is part
            // of it. A pseudoaneurysm or a transection is a graver injury (grade III
            // or IV, for an endograft): said of this flap it over-calls its grade, a false Category 1 call of the
            // traumatic aortic injury when the patient has none.
            dx("minimal_aortic_injury", "Minimal aortic injury (intimal flap, SVS grade I)",
               {"minimal aorta injury", "minimal aorta tear", "minimal intimal flap", "minimal intimal tear",
                "grade 1 aorta injury", "grade one aorta injury", "svs grade 1", "svs 1"},
               {}, {"aorta flap", "flap"}, {"aorta"}),
            // An incidental solid nodule: named as a nodule; a lung mass or lesion is part of it.
            dx("lung_nodule", "Pulmonary nodule", {"nodule", "lung nodule", "solid nodule", "nodular opacity"}, {},
               {"lung lesion", "lung mass", "lung opacity", "density lung"}, {}),
            // Normal variants and mimics.
            variant("splenic_cleft", "Splenic cleft (normal variant)", {"spleen cleft", "spleen lobulation"}),
            variant("arterial_phase_spleen", "Arterial-phase splenic heterogeneity (zebra spleen)",
                    {"zebra spleen", "arterial phase heterogeneity", "arterial phase spleen", "heterogeneous spleen",
                     "moire spleen"}),
            // The bump of the isthmus where the ductus arteriosus was: named as a diverticulum, a ductus bump or a
            // normal variant of the isthmus.
            variant("ductus_diverticulum", "Ductus diverticulum (normal variant)",
                    {"ductus diverticulum", "diverticulum", "ductus bump", "ductal bump", "ductus remnant",
                     "variant isthmus", "isthmus bump"}),
            variant("pericardial_recess", "Pericardial recess", {"pericardial recess", "superior recess"}),
            variant("azygos_lobe", "Azygos lobe", {"azygos lobe", "azygos fissure"}),
            variant("skin_fold", "Skin fold (pneumothorax mimic)", {"skin fold"}),
            variant("bulla", "Bulla (pneumothorax mimic)", {"bulla", "bullae", "emphysema"}),
            variant("mach_band", "Mach band", {"mach band"}),
            variant("motion_artefact", "Motion or breathing artefact",
                    {"motion artefact", "breathing artefact", "motion artifact", "artefact", "artifact"}),
            variant("streak_artefact", "Streak or beam-hardening artefact",
                    {"streak artefact", "beam hardening", "streak artifact"}),
            variant("vascular_channel", "Vascular channel or suture (fracture mimic)",
                    {"vascular channel", "vascular groove", "suture line", "cranial suture", "nutrient foramen"}),
            variant("accessory_ossicle", "Accessory ossicle or unfused apophysis",
                    {"accessory ossicle", "unfused apophysis", "os acromiale"}),
            variant("limbus_vertebra", "Limbus vertebra or Schmorl node", {"limbus vertebra", "schmorl node"}),
            variant("old_fracture", "Old healed fracture", {"old fracture", "healed fracture", "old wedge"}),
            variant("focal_fatty_sparing", "Focal fat or fatty sparing (liver)",
                    {"fatty sparing", "focal fat", "fatty infiltration"}),
            variant("hepatic_cyst", "Simple cyst", {"cyst", "cysts"}),
            variant("atelectasis", "Atelectasis", {"atelectasis", "dependent atelectasis"}),
            variant("bowel_gas", "Bowel gas", {"bowel gas"}),
            variant("diaphragm_eventration", "Eventration or raised hemidiaphragm",
                    {"eventration", "raised diaphragm", "elevated diaphragm", "high diaphragm", "diaphragm elevation",
                     "diaphragm paralysis", "phrenic palsy", "phrenic nerve palsy"}),
            variant("mixing_artefact", "Contrast mixing artefact",
                    {"mixing artefact", "mixing artifact", "inflow artefact"}),
            variant("carotid_spasm", "Carotid spasm or flow artefact (dissection mimic)",
                    {"carotid spasm", "vasospasm", "arterial spasm", "carotid flow artefact"}),
            variant("dense_falx", "Dense or calcified falx / tentorium (haemorrhage mimic)",
                    {"falx calcification", "calcified falx", "dense falx", "falx", "tentorium", "dense tentorium"}),
            variant("dense_venous_sinus", "Hyperdense venous sinus (haemorrhage mimic)",
                    {"dense sinus", "hyperdense sinus", "venous sinus", "dense venous sinus", "sagittal sinus"}),
            variant("sinusitis", "Sinusitis or sinus fluid",
                    {"sinusitis", "sinus fluid", "sinus disease", "mucosal thickening", "sinus opacification"}),
        };
        // A burst named by its level alone: "L1 burst", "T12 burst".
        for (auto& d : all)
            if (d.id == "vertebral_burst_fracture") {
                for (int i = 1; i <= 12; ++i) d.names.push_back("t" + std::to_string(i) + " burst");
                for (int i = 1; i <= 5; ++i) d.names.push_back("l" + std::to_string(i) + " burst");
                for (int i = 3; i <= 7; ++i) d.names.push_back("c" + std::to_string(i) + " burst");
            }
        // Injuries of paired organs or of one side of the body: a reader names their side.
        static const std::set<std::string> lateral{"epidural_hematoma",
                                                   "subdural_hematoma",
                                                   "skull_fracture",
                                                   "tension_pneumothorax",
                                                   "hemothorax",
                                                   "kidney_laceration",
                                                   "rib_fractures",
                                                   "rib_fracture_subtle",
                                                   "femur_fracture",
                                                   "simple_pneumothorax",
                                                   "pulmonary_contusion",
                                                   "pulmonary_laceration",
                                                   "flail_chest",
                                                   "cerebral_contusion",
                                                   "adrenal_hematoma",
                                                   "hip_dislocation",
                                                   "acetabular_fracture",
                                                   "tibial_fracture",
                                                   "scapular_fracture",
                                                   "clavicle_fracture",
                                                   "humeral_fracture",
                                                   "carotid_dissection",
                                                   "pelvic_arterial_bleeding",
                                                   "lung_nodule"};
        for (auto& d : all) d.lateral = lateral.count(d.id) > 0;
        // ACR Category 1: the diagnoses that need a direct call within minutes (tension pneumothorax, aortic injury,
        // intracranial haemorrhage with mass effect, active extravasation) and a misplaced or tamponading cause of
        // imminent death.
        static const std::set<std::string> category1{"tension_pneumothorax",
                                                     "aortic_injury",
                                                     "epidural_hematoma",
                                                     "subdural_hematoma",
                                                     "splenic_laceration",
                                                     "esophageal_intubation",
                                                     "hemopericardium",
                                                     "pneumoperitoneum",
                                                     "open_book_pelvis",
                                                     "pelvic_arterial_bleeding",
                                                     "endobronchial_intubation",
                                                     "subarachnoid_hemorrhage",
                                                     "cerebral_contusion",
                                                     "diaphragmatic_rupture",
                                                     "flail_chest",
                                                     "carotid_dissection",
                                                     "airway_compromise"};
        for (auto& d : all) d.category1 = category1.count(d.id) > 0;
        return all;
    }();
    return all;
}

scenario::Side findingSide(const scenario::Finding& finding) {
    if (finding.side) return *finding.side;
    // The label's own words: "Right tension pneumothorax", "Bilateral rib fractures".
    std::set<scenario::Side> said;
    for (const auto& s : readSentences(finding.label))
        for (const auto& c : s.clauses) said.insert(c.sides.begin(), c.sides.end());
    if (said.count(scenario::Side::Bilateral) ||
        (said.count(scenario::Side::Left) && said.count(scenario::Side::Right)))
        return scenario::Side::Bilateral;
    if (said.size() == 1) return *said.begin();
    // Else where it lies, for an injury with a side: patient left is +x in LPS.
    const auto* d = diagnosisOf(finding);
    if (!d || !d->lateral) return scenario::Side::None;
    if (finding.centreLps.x >= kSideFromMidlineMm) return scenario::Side::Left;
    if (finding.centreLps.x <= -kSideFromMidlineMm) return scenario::Side::Right;
    return scenario::Side::None;
}

std::set<int> findingLevels(const scenario::Finding& finding) {
    auto of = [](std::string_view text) {
        std::vector<std::string> raw;
        for (const auto& w : splitWords(text)) raw.push_back(w.raw);
        return spineLevelsOf(raw, std::vector<char>(raw.size(), 1));
    };
    std::set<int> out = of(finding.label);
    if (out.empty())
        for (const auto& s : finding.synonyms) {
            auto l = of(s);
            out.insert(l.begin(), l.end());
        }
    return out;
}

std::string_view bodyPartOf(const Diagnosis& d) {
    static const std::map<std::string, std::string_view> part{{"epidural_hematoma", "head"},
                                                              {"subdural_hematoma", "head"},
                                                              {"skull_fracture", "head"},
                                                              {"subarachnoid_hemorrhage", "head"},
                                                              {"cerebral_contusion", "head"},
                                                              {"diffuse_axonal_injury", "head"},
                                                              {"facial_fractures", "head"},
                                                              {"nasal_fracture", "head"},
                                                              {"airway_compromise", "head"},
                                                              {"carotid_dissection", "head"},
                                                              {"vertebral_artery_dissection", "head"},
                                                              {"tension_pneumothorax", "chest"},
                                                              {"hemothorax", "chest"},
                                                              {"aortic_injury", "chest"},
                                                              {"rib_fractures", "chest"},
                                                              {"rib_fracture_subtle", "chest"},
                                                              {"esophageal_intubation", "chest"},
                                                              {"simple_pneumothorax", "chest"},
                                                              {"pneumomediastinum", "chest"},
                                                              {"pulmonary_contusion", "chest"},
                                                              {"pulmonary_laceration", "chest"},
                                                              {"flail_chest", "chest"},
                                                              {"sternal_fracture", "chest"},
                                                              {"hemopericardium", "chest"},
                                                              {"diaphragmatic_rupture", "chest"},
                                                              {"tracheobronchial_injury", "chest"},
                                                              {"esophageal_injury", "chest"},
                                                              {"endobronchial_intubation", "chest"},
                                                              {"pneumopericardium", "chest"},
                                                              {"scapular_fracture", "chest"},
                                                              {"clavicle_fracture", "chest"},
                                                              {"minimal_aortic_injury", "chest"},
                                                              {"lung_nodule", "chest"},
                                                              {"splenic_laceration", "abdomen"},
                                                              {"liver_laceration", "abdomen"},
                                                              {"hemoperitoneum", "abdomen"},
                                                              {"kidney_laceration", "abdomen"},
                                                              {"pancreatic_injury", "abdomen"},
                                                              {"pneumoperitoneum", "abdomen"},
                                                              {"mesenteric_injury", "abdomen"},
                                                              {"adrenal_hematoma", "abdomen"},
                                                              {"pelvic_ring_fracture", "pelvis"},
                                                              {"open_book_pelvis", "pelvis"},
                                                              {"pelvic_arterial_bleeding", "pelvis"},
                                                              {"bladder_rupture", "pelvis"},
                                                              {"urethral_injury", "pelvis"},
                                                              {"hip_dislocation", "pelvis"},
                                                              {"acetabular_fracture", "pelvis"},
                                                              {"vertebral_burst_fracture", "spine"},
                                                              {"cervical_spine_fracture", "spine"},
                                                              {"vertebral_compression_fracture", "spine"},
                                                              {"chance_fracture", "spine"},
                                                              {"femur_fracture", "limbs"},
                                                              {"tibial_fracture", "limbs"},
                                                              {"humeral_fracture", "limbs"}};
    auto it = part.find(d.id);
    return it == part.end() ? std::string_view() : it->second;
}

std::vector<const Diagnosis*> plausibleDistractors(const scenario::Finding& about, const scenario::Scenario& scenario,
                                                   std::uint64_t seed, std::size_t count) {
    std::vector<const Diagnosis*> out;
    const Diagnosis* own = diagnosisOf(about);
    if (!own || bodyPartOf(*own).empty()) return out;
    for (const auto& d : traumaLexicon()) {
        if (&d == own || d.variant || bodyPartOf(d) != bodyPartOf(*own)) continue;
        // Never an injury this patient has (a right answer among the wrong ones), nor one that names it in part.
        bool inCase = false;
        for (const auto& f : scenario.findings) {
            auto level = nameFinding(d.label, f).level;
            const Diagnosis* fd = diagnosisOf(f);
            if (fd == &d || level == Naming::Full || level == Naming::Partial) inCase = true;
        }
        if (!inCase) out.push_back(&d);
    }
    auto key = [&](const Diagnosis* d) {
        std::uint64_t h = 1469598103934665603ull ^ seed;
        for (char ch : d->id) {
            h ^= static_cast<unsigned char>(ch);
            h *= 1099511628211ull;
        }
        return h;
    };
    std::sort(out.begin(), out.end(), [&](const Diagnosis* a, const Diagnosis* b) { return key(a) < key(b); });
    if (out.size() > count) out.resize(count);
    return out;
}

std::string_view sideName(scenario::Side side) {
    switch (side) {
        case scenario::Side::Left:
            return "left";
        case scenario::Side::Right:
            return "right";
        case scenario::Side::Bilateral:
            return "bilateral";
        case scenario::Side::None:
            break;
    }
    return "";
}

std::vector<std::string> markLabelLexicon() {
    std::vector<std::string> out;
    for (const auto& d : traumaLexicon()) out.push_back(d.label);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

const Diagnosis* diagnosisOf(const scenario::Finding& finding) {
    for (const auto& d : traumaLexicon())
        if ((!finding.phantomInjury.empty() && d.id == finding.phantomInjury) || d.id == finding.id) return &d;
    // A finding of real CT: the injury its label names, the longest name that fits.
    const Diagnosis* best = nullptr;
    std::size_t bestSize = 0;
    auto sentences = readSentences(finding.label);
    for (const auto& d : traumaLexicon()) {
        if (d.variant) continue;
        for (const auto& n : d.names) {
            Bag b = bagOf(n);
            for (const auto& s : sentences)
                if (within(b, s.positive) && b.size() > bestSize) {
                    best = &d;
                    bestSize = b.size();
                }
        }
    }
    return best;
}

std::string_view namingName(Naming n) {
    switch (n) {
        case Naming::None:
            return "none";
        case Naming::Denied:
            return "denied";
        case Naming::Other:
            return "other";
        case Naming::Partial:
            return "partial";
        case Naming::Full:
            return "full";
    }
    return "none";
}

// ---------------------------------------------------------------- reading text against a finding
namespace {
struct FindingWords {
    std::vector<Bag> names;   // full names (label, first clause, synonyms, the lexicon's names)
    Bag essential;            // one of these must be said as well
    std::vector<Bag> lesser;  // partly right
    Bag organs;
    bool organRequired = false;
    const Diagnosis* diagnosis = nullptr;
    // Names that say a vertebral level, without it ("C3 fracture": "fracture"): said at another level only, they name
    // another fracture.
    std::vector<Bag> levelFree;
};

FindingWords wordsOf(const scenario::Finding& f) {
    FindingWords w;
    w.diagnosis = diagnosisOf(f);
    auto addName = [&](std::string_view phrase) {
        Bag b = bagOf(phrase);
        if (!b.empty() && std::find(w.names.begin(), w.names.end(), b) == w.names.end()) w.names.push_back(b);
    };
    std::string label = f.label;
    std::size_t cut = label.find_first_of(",:(");
    addName(label.substr(0, cut));
    for (const auto& s : f.synonyms) addName(s);
    std::string id = f.id;
    std::replace(id.begin(), id.end(), '_', ' ');
    addName(id);
    if (w.diagnosis) {
        for (const auto& n : w.diagnosis->names) addName(n);
        // The lexicon's essential element applies when the finding is that diagnosis in full: a case whose finding
        // is a plain "Splenic laceration" does not ask for active bleeding.
        Bag label = bagOf(f.label);
        for (const auto& e : w.diagnosis->essential)
            for (auto& c : bagOf(e)) w.essential.insert(c);
        if (!anyOf(w.essential, label)) w.essential.clear();
        for (const auto& l : w.diagnosis->lesser) w.lesser.push_back(bagOf(l));
        for (const auto& o : w.diagnosis->organs)
            for (auto& c : bagOf(o)) w.organs.insert(c);
        w.organRequired = w.diagnosis->organRequired;
    }
    // A loose synonym that the lexicon knows as a lesser diagnosis ("flail chest" for rib fractures, "pneumothorax"
    // for a tension pneumothorax) stays a lesser one, whatever the case's synonym list says.
    std::erase_if(w.names,
                  [&](const Bag& b) { return std::find(w.lesser.begin(), w.lesser.end(), b) != w.lesser.end(); });
    if (w.organRequired) {
        // A name that does not say the organ ("active bleeding") names a lesser thing: where is it bleeding?
        std::vector<Bag> keep;
        for (auto& b : w.names) (anyOf(b, w.organs) ? keep : w.lesser).push_back(b);
        w.names = std::move(keep);
    }
    for (const auto& e : f.essential)
        for (auto& c : bagOf(e)) w.essential.insert(c);
    for (const auto& b : w.names) {
        Bag rest;
        for (const auto& x : b)
            if (spineLevelIndex(x) < 0) rest.insert(x);
        if (!rest.empty() && rest.size() < b.size()) w.levelFree.push_back(std::move(rest));
    }
    // The essential element itself never counts as an organ or a lesser name.
    return w;
}

// The words name the organ of another diagnosis that needs its organ said (the liver, a kidney).
bool inAnotherOrgan(const std::set<std::string>& words, const Diagnosis* own) {
    for (const auto& d : traumaLexicon()) {
        if (&d == own || !d.organRequired) continue;
        for (const auto& o : d.organs)
            if (anyOf(bagOf(o), words) &&
                !(own && std::find(own->organs.begin(), own->organs.end(), o) != own->organs.end()))
                return true;
    }
    return false;
}
// The words name another diagnosis in full by a name that holds `part` and says more.
bool partOfAnother(const Bag& part, const std::set<std::string>& words, const Diagnosis* own) {
    for (const auto& d : traumaLexicon()) {
        if (&d == own) continue;
        for (const auto& n : d.names) {
            Bag b = bagOf(n);
            if (b.size() > part.size() && within(part, b) && within(b, words)) return true;
        }
    }
    return false;
}
// The sentence offers the finding's name as one of two diagnoses ("epidural or subdural haematoma", "EDH/SDH",
// "splenic laceration versus cleft"): a hedge between them, which names neither in full. A hedge word stands between
// a word only the finding's name has and a word only the other's name has, with no clause break between them.
// Returns the other diagnosis's label, or empty.
std::string hedgedWith(const Sentence& s, const std::vector<Bag>& own, const Diagnosis* ownDx) {
    const auto& t = s.tokens;
    if (std::none_of(t.begin(), t.end(), [](const Sentence::Token& k) { return k.hedge; })) return {};
    // A word of `only` in the hedge's stretch on one side of it.
    auto beside = [&](std::size_t h, const Bag& only, bool before) {
        for (std::size_t k = 0; k < t.size(); ++k) {
            if (t[k].stretch != t[h].stretch || (before ? k >= h : k <= h)) continue;
            for (const auto& w : t[k].words)
                if (only.count(w)) return true;
        }
        return false;
    };
    for (const auto& d : traumaLexicon()) {
        if (&d == ownDx) continue;
        for (const auto& n : d.names) {
            Bag theirs = bagOf(n);
            if (theirs.empty() || !within(theirs, s.positive)) continue;
            for (const auto& mine : own) {
                if (!within(mine, s.positive) || within(theirs, mine)) continue;
                Bag mineOnly, theirsOnly;
                for (const auto& w : mine)
                    if (!theirs.count(w)) mineOnly.insert(w);
                for (const auto& w : theirs)
                    if (!mine.count(w)) theirsOnly.insert(w);
                if (mineOnly.empty()) continue;
                for (std::size_t h = 0; h < t.size(); ++h)
                    if (t[h].hedge && ((beside(h, mineOnly, true) && beside(h, theirsOnly, false)) ||
                                       (beside(h, theirsOnly, true) && beside(h, mineOnly, false))))
                        return d.label;
            }
        }
    }
    return {};
}
}  // namespace

TextNaming nameFinding(std::string_view text, const scenario::Finding& finding) {
    TextNaming out;
    auto sentences = readSentences(text);
    if (sentences.empty()) return out;
    FindingWords w = wordsOf(finding);
    bool full = false, partial = false, denied = false;
    std::string other, wrongSide, wrongLevel, hedged;
    const scenario::Side side = findingSide(finding);
    const std::set<int> levels = findingLevels(finding);
    // The words that say a clause speaks of this finding, to find the side said of it.
    std::set<std::string> topic(w.essential.begin(), w.essential.end());
    topic.insert(w.organs.begin(), w.organs.end());
    for (const auto* list : {&w.names, &w.lesser})
        for (const auto& b : *list) topic.insert(b.begin(), b.end());
    // A sentence that names it on the other side only (no "bilateral", not both sides) names another lesion.
    auto otherSide = [&](const Sentence& s) {
        if (side != scenario::Side::Left && side != scenario::Side::Right) return false;
        std::set<scenario::Side> said;
        for (const auto& c : s.clauses)
            if (anyOf(c.words, topic)) said.insert(c.sides.begin(), c.sides.end());
        return !said.empty() && !said.count(side) && !said.count(scenario::Side::Bilateral);
    };
    // A sentence that names it at other vertebral levels only names another fracture: the level the surgeon will
    // operate on. Its text: "it at C2".
    auto otherLevel = [&](const Sentence& s) -> std::string {
        if (levels.empty()) return {};
        std::set<int> said;
        for (const auto& c : s.clauses)
            if (anyOf(c.words, topic)) said.insert(c.levels.begin(), c.levels.end());
        for (int l : said)
            if (levels.count(l)) return {};
        std::string at;
        for (int l : said) at += (at.empty() ? "" : "/") + spineLevelName(l);
        if (!at.empty() && *said.begin() > kLeFort) return "it as " + at;
        return at.empty() ? "" : "it at " + at;
    };
    for (const auto& s : sentences) {
        bool named = false, namedNoEssential = false;
        auto nameIn = [&](const std::set<std::string>& words) {
            for (const auto& b : w.names)
                if (within(b, words)) {
                    if (w.essential.empty() || anyOf(w.essential, words))
                        named = true;
                    else
                        namedNoEssential = true;
                }
        };
        if (w.diagnosis && w.diagnosis->inOneClause)
            for (const auto& c : s.clauses) nameIn(c.words);
        else
            nameIn(s.positive);
        if (named || namedNoEssential) {
            if (otherSide(s)) {
                wrongSide = std::string("it on the ") + (side == scenario::Side::Left ? "right" : "left");
                continue;
            }
            if (auto at = otherLevel(s); !at.empty()) {
                wrongLevel = at;
                continue;
            }
        }
        if (named && s.chronic && !(w.diagnosis && w.diagnosis->variant)) {
            // An acute injury called old ("small chronic subdural", "old L1 fracture") is not the diagnosis the
            // team acts on now: partly right.
            partial = true;
            continue;
        }
        if (named) {
            if (auto with = hedgedWith(s, w.names, w.diagnosis); !with.empty()) {
                partial = true;
                if (hedged.empty()) hedged = with;
                continue;
            }
            full = true;
            continue;
        }
        // Said to be absent: a name (or a lesser name, or the essential element) in the negated words of a sentence
        // that does not also name it.
        std::set<std::string> all = s.positive;
        all.insert(s.negated.begin(), s.negated.end());
        bool deny = false;
        for (const auto& b : w.names)
            if (within(b, all) && anyOf(b, s.negated)) deny = true;
        for (const auto& b : w.lesser)
            if (within(b, all) && anyOf(b, s.negated)) deny = true;
        if (namedNoEssential && anyOf(w.essential, s.negated)) deny = true;
        if (deny) {
            denied = true;
            continue;
        }
        bool lesser = namedNoEssential;
        // A lesser name is not said of this finding when the sentence puts it in another organ ("hepatic laceration
        // with active extravasation" is not the spleen's bleeding) or when it is part of another diagnosis named in
        // full ("right mainstem intubation" says the tube, but of another diagnosis).
        const bool elsewhere = !anyOf(w.organs, s.positive) && inAnotherOrgan(s.positive, w.diagnosis);
        for (const auto& b : w.lesser)
            if (within(b, s.positive) && !(elsewhere && !anyOf(b, w.organs)) &&
                !partOfAnother(b, s.positive, w.diagnosis))
                lesser = true;
        const bool organ = !s.deferred && anyOf(w.organs, s.positive);
        if ((lesser || organ) && otherSide(s)) {
            wrongSide = std::string("it on the ") + (side == scenario::Side::Left ? "right" : "left");
            continue;
        }
        bool levelFree = false;
        for (const auto& b : w.levelFree) levelFree = levelFree || within(b, s.positive);
        if (lesser || organ || levelFree)
            if (auto at = otherLevel(s); !at.empty()) {
                wrongLevel = at;
                continue;
            }
        if (lesser) {
            partial = true;
            continue;
        }
        // Another diagnosis named in its place.
        for (const auto& d : traumaLexicon()) {
            if (&d == w.diagnosis) continue;
            for (const auto& n : d.names) {
                Bag b = bagOf(n);
                if (within(b, s.positive) && other.empty()) other = d.label;
            }
        }
        if (!other.empty()) continue;
        if (organ) partial = true;
    }
    if (full)
        out.level = Naming::Full;
    else if (denied)
        out.level = Naming::Denied;
    else if (partial) {
        out.level = Naming::Partial;
        out.hedgedWith = hedged;
    } else if (!wrongSide.empty() || !wrongLevel.empty()) {
        out.level = Naming::Other;
        out.other = !wrongSide.empty() ? wrongSide : wrongLevel;
        out.misidentified = true;
    } else if (!other.empty()) {
        out.level = Naming::Other;
        out.other = other;
    }
    return out;
}

bool saysPhrase(std::string_view text, std::string_view phrase) {
    Bag b = bagOf(phrase);
    // A phrase that is itself a negation or spans a clause ("not read yet", "no flail", "vertically stable", "then
    // the head") is said when its words are, in its order.
    bool literal = b.empty();
    for (const auto& w : splitWords(phrase))
        if (negationsBefore().count(w.raw) || negationsAfter().count(w.raw) || clauseBreaks().count(w.raw))
            literal = true;
    if (literal) return saysWords(text, phrase);
    for (const auto& s : readSentences(text))
        if (within(b, s.positive)) return true;
    return false;
}

bool saysWords(std::string_view text, std::string_view phrase) {
    const auto pw = splitWords(phrase);
    if (pw.empty()) return false;
    const auto words = splitWords(text);
    static const std::set<std::string> contracted{"don",     "can", "won",  "doesn", "didn",
                                                  "shouldn", "isn", "aren", "mustn"};
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::size_t k = 0;
        while (k < pw.size() && i + k < words.size() &&
               americanSpelling(words[i + k].raw) == americanSpelling(pw[k].raw))
            ++k;
        if (k != pw.size()) continue;
        // Not negated just before it, within three words of its clause: "no drain", "not an old fracture", "don't
        // wait", "no need to get the fixator".
        bool negated = false;
        for (std::size_t j = i, back = 0; j > 0 && back < 3 && !words[j].breakBefore; --j, ++back)
            if (negationsBefore().count(words[j - 1].raw) ||
                (words[j - 1].raw == "t" && j > 1 && contracted.count(words[j - 2].raw)))
                negated = true;
        if (!negated) return true;
    }
    return false;
}

bool saysAnAnswer(std::string_view text) {
    static const std::set<std::string> answers{"yes",   "yeah",  "yep",      "no",       "nope",        "fine",
                                               "ok",    "okay",  "normal",   "clear",    "stable",      "unstable",
                                               "now",   "later", "wait",     "agree",    "disagree",    "correct",
                                               "wrong", "sure",  "negative", "positive", "immediately", "urgent"};
    for (const auto& w : splitWords(text))
        if (answers.count(w.raw)) return true;
    return false;
}

bool anatomyOnly(std::string_view phrase) {
    Bag b = bagOf(phrase);
    if (b.empty()) return true;
    return std::all_of(b.begin(), b.end(), [](const std::string& w) { return anatomyWords().count(w) > 0; });
}

}  // namespace polysim::session

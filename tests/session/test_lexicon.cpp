// Free text as trainees type it: a call in their own words counts, "no pneumothorax" does not, a loose synonym
// ("pneumothorax" for a tension pneumothorax, "pleural effusion" for a haemothorax) earns partial credit at most,
// and the phrasing corpus (tests/session/phrasing_corpus.tsv) is read with a measured precision and recall.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "session/lexicon.h"
#include "support/test_env.h"

using namespace polysim;
using session::Naming;

namespace {
const scenario::Scenario& shipped(const std::string& name) {
    return test::shippedScenario(name);
}
const scenario::Finding& finding(const std::string& scenarioName, const std::string& id) {
    const auto* f = shipped(scenarioName).findFinding(id);
    if (!f) throw std::runtime_error("no finding " + id + " in " + scenarioName);
    return *f;
}
Naming level(const std::string& scenarioName, const std::string& id, const std::string& text) {
    return session::nameFinding(text, finding(scenarioName, id)).level;
}
std::string name(Naming n) {
    return std::string(session::namingName(n));
}
}  // namespace

TEST(Lexicon, NegatedWordsNeverNameAFinding) {
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "no pneumothorax"), Naming::Denied);
    EXPECT_EQ(level("pedestrian", "aortic_injury", "no aortic injury, no haematoma"), Naming::Denied);
    EXPECT_EQ(level("pedestrian", "aortic_injury", "No aortic injury and a normal liver"), Naming::Denied);
    EXPECT_EQ(level("pedestrian", "liver_laceration_subtle", "No aortic injury and a normal liver"), Naming::Denied);
    // A "no" that answers the question is not a negation of what follows it.
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "No, active splenic bleeding"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "No - active bleeding from the spleen"), Naming::Full);
}

TEST(Lexicon, ASynonymWithoutTheEssentialElementEarnsPartialCreditAtMost) {
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "pneumothorax"), Naming::Partial);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "collapsed lung"), Naming::Partial);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "compression fracture of L1"), Naming::Partial);
    EXPECT_EQ(level("oesophageal-intubation", "rib_fractures", "flail chest"), Naming::Partial);
    EXPECT_EQ(level("pedestrian", "aortic_injury", "mediastinal haematoma"), Naming::Partial);
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "pleural effusion"), Naming::Partial);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "splenic laceration"), Naming::Partial);
    // ... while the same diagnosis with its essential element is a full call.
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "tension pneumothorax"), Naming::Full);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "burst fracture of L1"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "splenic laceration with active extravasation"),
              Naming::Full);
}

TEST(Lexicon, WordsInAnyOrderStemsPluralsAndSpellingsNameTheFinding) {
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "Active splenic bleeding, go to theatre"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "the spleen is actively bleeding"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", "fractures of the pelvis"), Naming::Full);
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "hemothoraces"), Naming::Full);
    EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation", "ETT in the esophagus"), Naming::Full);
}

TEST(Lexicon, AnOrganAloneNeverCreditsAFindingAndNamesAnotherDiagnosisAsOther) {
    EXPECT_TRUE(session::anatomyOnly("pelvis"));
    EXPECT_TRUE(session::anatomyOnly("the chest"));
    EXPECT_FALSE(session::anatomyOnly("pelvic fracture"));
    EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", "pelvis"), Naming::Partial);
    auto other = session::nameFinding("liver laceration", finding("motorcyclist", "splenic_laceration"));
    EXPECT_EQ(other.level, Naming::Other);
    EXPECT_EQ(other.other, "Liver laceration");
}

TEST(Lexicon, ThePickerOffersTheWholeLexiconNotTheCaseAndNoDifficultyTag) {
    auto labels = session::markLabelLexicon();
    EXPECT_GE(labels.size(), 50u);
    for (const auto& l : labels) EXPECT_EQ(l.find("subtle"), std::string::npos) << l;
    auto has = [&](const std::string& l) { return std::find(labels.begin(), labels.end(), l) != labels.end(); };
    EXPECT_TRUE(has("Tension pneumothorax"));
    EXPECT_TRUE(has("Femoral shaft fracture")) << "injuries that are in no shipped case are offered too";
    EXPECT_TRUE(has("Splenic cleft (normal variant)")) << "and normal variants and mimics";
}

// Reads the corpus, prints the confusion of expected against read levels, and holds precision and recall of
// "counts as a call" (full) to the figures the README quotes.
TEST(Lexicon, ThePhrasingCorpusIsReadWithHighPrecisionAndRecall) {
    std::ifstream in(test::sourceDir() / "tests" / "session" / "phrasing_corpus.tsv");
    ASSERT_TRUE(in) << "phrasing_corpus.tsv";
    std::string line;
    int tp = 0, fp = 0, fn = 0, tn = 0, exact = 0, lines = 0;
    std::map<std::string, int> perFinding, positives, negatives;
    std::map<std::pair<std::string, std::string>, int> confusion;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::stringstream ss(line);
        std::string sc, id, expect, text;
        std::getline(ss, sc, '\t');
        std::getline(ss, id, '\t');
        std::getline(ss, expect, '\t');
        std::getline(ss, text);
        auto got = name(level(sc, id, text));
        ++lines;
        ++perFinding[sc + "/" + id];
        (expect == "full" ? positives : negatives)[sc + "/" + id]++;
        ++confusion[{expect, got}];
        if (got == expect) ++exact;
        bool want = expect == "full", have = got == "full";
        if (want && have) {
            ++tp;
        } else if (!want && have) {
            ++fp;
        } else if (want && !have) {
            ++fn;
        } else {
            ++tn;
        }
        EXPECT_TRUE(want == have || (expect != "full" && got != "full"))
            << sc << " " << id << ": '" << text << "' expected " << expect << ", read " << got;
        if (expect == "partial") {
            EXPECT_NE(got, "full") << "'" << text << "' must not be a full call";
        }
    }
    double precision = tp + fp ? double(tp) / (tp + fp) : 0, recall = tp + fn ? double(tp) / (tp + fn) : 0;
    std::printf(
        "phrasing corpus: %d phrasings, %d calls (full), %d near misses; precision %.3f, recall %.3f; "
        "level exactly as expected %d of %d\n",
        lines, tp + fn, fp + tn, precision, recall, exact, lines);
    for (const auto& [k, n] : confusion)
        std::printf("  expected %-8s read %-8s %d\n", k.first.c_str(), k.second.c_str(), n);
    EXPECT_GE(precision, 0.98);
    EXPECT_GE(recall, 0.95);
    // At least 20 phrasings, with positives and near misses, for every shipped Category 1 finding.
    for (const std::string& sc : test::shippedCaseNames())
        for (const auto& f : shipped(sc).findings) {
            if (f.acrCategory != 1) continue;
            std::string key = sc + "/" + f.id;
            EXPECT_GE(perFinding[key], 20) << key;
            EXPECT_GE(positives[key], 8) << key;
            EXPECT_GE(negatives[key], 8) << key;
        }
}

// A lateralised finding named on the wrong side is another lesion: the reader called the side the surgeon will open.
TEST(Lexicon, TheWrongSideOfALateralisedFindingNamesAnotherLesion) {
    // The shipped findings take their side from the phantom's label or position.
    EXPECT_EQ(session::findingSide(finding("motorcyclist", "tension_pneumothorax")), scenario::Side::Right);
    EXPECT_EQ(session::findingSide(finding("fall-from-height", "epidural_hematoma")), scenario::Side::Right);
    EXPECT_EQ(session::findingSide(finding("oesophageal-intubation", "hemothorax")), scenario::Side::Left);
    EXPECT_EQ(session::findingSide(finding("pedestrian", "aortic_injury")), scenario::Side::None);

    auto wrong = session::nameFinding("left tension pneumothorax", finding("motorcyclist", "tension_pneumothorax"));
    EXPECT_EQ(wrong.level, Naming::Other);
    EXPECT_TRUE(wrong.misidentified);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "Tension PTX on the left, decompress"), Naming::Other);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "lt tension pneumothorax"), Naming::Other);
    EXPECT_EQ(level("fall-from-height", "epidural_hematoma", "Left EDH, theatre now"), Naming::Other);
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "right haemothorax"), Naming::Other);
    // A lesser name on the wrong side is no partial credit either.
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "left pneumothorax"), Naming::Other);

    // No side, the right side, both sides or "bilateral" keep the name.
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "tension pneumothorax"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "On the right, tension pneumothorax"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "bilateral tension pneumothoraces"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "left and right tension pneumothorax"), Naming::Full);
    // A direction is not a side: the mediastinum shifts away from a tension pneumothorax.
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "tension pneumothorax, mediastinum shifted to the left"),
              Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "right pneumothorax with mediastinal shift to the left"),
              Naming::Full);
    // A side said of another finding in the same sentence is not said of this one.
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "right rib fractures and a haemothorax"), Naming::Full);
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "Left haemothorax and right rib fractures"), Naming::Full);
    // "Right now" and "all right" are not sides.
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "haemothorax, drain it right now"), Naming::Full);

    // A finding that is not lateralised ignores sides; an explicit side overrides the position.
    EXPECT_EQ(level("pedestrian", "aortic_injury", "aortic injury on the left"), Naming::Full);
    scenario::Finding f = finding("motorcyclist", "tension_pneumothorax");
    f.label = "Tension pneumothorax";
    f.centreLps.x = 60;  // patient left
    EXPECT_EQ(session::findingSide(f), scenario::Side::Left);
    EXPECT_EQ(session::nameFinding("right tension pneumothorax", f).level, Naming::Other);
    f.side = scenario::Side::Bilateral;
    EXPECT_EQ(session::nameFinding("right tension pneumothorax", f).level, Naming::Full);
    f.side = scenario::Side::None;
    EXPECT_EQ(session::nameFinding("right tension pneumothorax", f).level, Naming::Full);
}

// A fracture named at another vertebral level is another fracture: the level is where the surgeon operates. A
// name with the right level, a range that holds it, or no level at all keeps its credit.
TEST(Lexicon, AFractureNamedAtAnotherVertebralLevelNamesAnotherFracture) {
    const auto& c5 = finding("diving-neck", "cervical_spine_fracture");
    const auto& l1 = finding("fall-from-height", "vertebral_burst_fracture");
    EXPECT_EQ(session::findingLevels(c5), std::set<int>{4});
    EXPECT_EQ(session::findingLevels(l1), std::set<int>{19});

    auto c2 = session::nameFinding("unstable C2 teardrop fracture", c5);
    EXPECT_EQ(c2.level, Naming::Other);
    EXPECT_TRUE(c2.misidentified);
    EXPECT_EQ(c2.other, "it at C2");
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "C6 flexion teardrop fracture, unstable"), Naming::Other);
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "C2 fracture"), Naming::Other);
    // A lesser name at the wrong level earns nothing either.
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "C4 compression fracture"), Naming::Other);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "T12 burst fracture with retropulsion"),
              Naming::Other);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "L2 burst, retropulsed fragment"), Naming::Other);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "C6 burst fracture"), Naming::Other);

    // The right level, a range or pair that holds it, or no level at all.
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "C5 teardrop fracture"), Naming::Full);
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "unstable teardrop fracture"), Naming::Full);
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "teardrop fracture with haematoma from C2 to C7"),
              Naming::Full);
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "unstable C4-C6 fracture-dislocation, teardrop"),
              Naming::Full);
    EXPECT_EQ(level("diving-neck", "cervical_spine_fracture", "C5 teardrop fracture, C2 and C6 intact"), Naming::Full);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "L1 burst fracture"), Naming::Full);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "T12-L1 burst fracture"), Naming::Full);
    // Another level said of something else in the sentence is not said of this fracture.
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "L1 burst fracture, and T12 is normal"),
              Naming::Full);

    // A real CT's fracture takes its level from its label, as the cervical spine importer writes it.
    scenario::Finding c3;
    c3.id = "fracture_c3";
    c3.label = "C3 fracture";
    c3.synonyms = {"C3 fracture", "cervical spine fracture", "cervical fracture", "fracture of C3"};
    c3.acrCategory = 1;
    EXPECT_EQ(session::nameFinding("C3 fracture", c3).level, Naming::Full);
    EXPECT_EQ(session::nameFinding("fracture of C7", c3).level, Naming::Other);
    EXPECT_EQ(session::nameFinding("cervical spine fracture", c3).level, Naming::Full);
    // A finding without a level ignores levels.
    const auto& ribs = finding("motorcyclist", "tension_pneumothorax");
    EXPECT_TRUE(session::findingLevels(ribs).empty());
}

// Coordinated plurals and lists name each of their diagnoses: "splenic and liver lacerations" says a splenic
// laceration and a liver laceration.
TEST(Lexicon, ACoordinatedListNamesEachOfItsDiagnoses) {
    scenario::Finding spleen;
    spleen.id = "spleen_injury";
    spleen.label = "Splenic laceration";
    scenario::Finding liver;
    liver.id = "liver_injury";
    liver.label = "Liver laceration";
    for (const char* text :
         {"splenic and liver lacerations", "liver and splenic lacerations", "lacerations of the spleen and liver",
          "splenic, hepatic and renal lacerations", "spleen and liver are lacerated"}) {
        EXPECT_EQ(session::nameFinding(text, spleen).level, Naming::Full) << text;
        EXPECT_EQ(session::nameFinding(text, liver).level, Naming::Full) << text;
        EXPECT_TRUE(session::saysPhrase(text, "splenic laceration")) << text;
    }
    // ... but a negated member of the list is not said.
    EXPECT_NE(session::nameFinding("liver laceration, no splenic laceration", spleen).level, Naming::Full);
    EXPECT_FALSE(session::saysPhrase("liver laceration, no splenic laceration", "splenic laceration"));
}

// A hedge between two diagnoses is not a call of either: "epidural or subdural haematoma" earns partial credit at most
// for each, and the debrief says what it hedged with. A choice of treatment ("theatre or IR") and a list of what is
// absent ("no haemothorax or pneumothorax") are not hedges.
TEST(Lexicon, AHedgeBetweenTwoDiagnosesNamesNeitherInFull) {
    scenario::Finding edh;
    edh.id = "epidural_hematoma";
    edh.label = "Right epidural haematoma";
    edh.phantomInjury = "epidural_hematoma";
    scenario::Finding sdh;
    sdh.id = "subdural_hematoma";
    sdh.label = "Subdural haematoma";
    sdh.phantomInjury = "subdural_hematoma";
    for (const char* text :
         {"epidural or subdural haematoma", "EDH/SDH", "EDH / SDH right", "either an EDH or an SDH", "EDH and/or SDH",
          "subdural vs epidural hematoma", "extradural haematoma, differential subdural"}) {
        auto n = session::nameFinding(text, edh);
        EXPECT_EQ(n.level, Naming::Partial) << text;
        EXPECT_FALSE(n.hedgedWith.empty()) << text;
        EXPECT_NE(session::nameFinding(text, sdh).level, Naming::Full) << text;
    }
    // Said plainly, or with a choice of treatment, it is a call.
    for (const char* text : {"epidural haematoma", "EDH, theatre or IR now", "EDH. Subdural or not, it needs theatre",
                             "epidural haematoma and a small subdural haematoma"})
        EXPECT_EQ(session::nameFinding(text, edh).level, Naming::Full) << text;
    // The plain statement after a hedge settles it.
    EXPECT_EQ(session::nameFinding("EDH or SDH? EDH, definitely.", edh).level, Naming::Full);
}

namespace {
// Words name a lexicon diagnosis in full, as the conclusion's overcalls and false Category 1 calls read them.
bool namesDiagnosis(const std::string& text, const std::string& id) {
    for (const auto& d : session::traumaLexicon())
        if (d.id == id) {
            scenario::Finding probe;
            probe.id = d.id;
            probe.label = d.label;
            probe.phantomInjury = d.id;
            return session::nameFinding(text, probe).level == Naming::Full;
        }
    throw std::runtime_error("no diagnosis " + id);
}
}  // namespace

// Every injury of the lexicon is acute: called old ("small chronic subdural", "old L1 burst fracture", "healed rib
// fractures") it is not the diagnosis the team acts on now, and earns partial credit at most. A patient's age is not
// the injury's ("81-year-old with an acute subdural").
TEST(Lexicon, AnAcuteInjuryCalledOldIsOnlyPartlyNamed) {
    scenario::Finding sdh;
    sdh.id = "subdural_hematoma";
    sdh.label = "Acute subdural haematoma";
    sdh.phantomInjury = "subdural_hematoma";
    for (const char* text : {"small chronic subdural collection", "old subdural haematoma", "chronic SDH",
                             "subdural haematoma, probably longstanding"})
        EXPECT_EQ(session::nameFinding(text, sdh).level, Naming::Partial) << text;
    for (const char* text : {"81-year-old with an acute subdural haematoma", "acute SDH, not a chronic one",
                             "subdural haematoma, no old injury"})
        EXPECT_EQ(session::nameFinding(text, sdh).level, Naming::Full) << text;
    scenario::Finding burst;
    burst.id = "vertebral_burst_fracture";
    burst.label = "L1 burst fracture";
    burst.phantomInjury = "vertebral_burst_fracture";
    EXPECT_EQ(session::nameFinding("old L1 burst fracture", burst).level, Naming::Partial);
    EXPECT_EQ(session::nameFinding("L1 burst fracture", burst).level, Naming::Full);
}

// Saying what one is about to look for, or asking, is neither a call nor a false Category 1 call: "rule out aortic
// injury", "looking for active bleeding", "r/o tension PTX", "is there an EDH?". Said as a finding after it, it is.
TEST(Lexicon, ASearchOrAQuestionNamesNothing) {
    for (const char* text :
         {"rule out aortic injury", "r/o traumatic aortic injury", "looking for aortic injury now",
          "checking for a tension pneumothorax", "assess for EDH", "I need to exclude active splenic bleeding",
          "is there a tension pneumothorax?", "Could this be an epidural haematoma?"})
        for (const char* id : {"aortic_injury", "tension_pneumothorax", "epidural_hematoma", "splenic_laceration"})
            EXPECT_FALSE(namesDiagnosis(text, id)) << text << " / " << id;
    EXPECT_TRUE(namesDiagnosis("Looked for it: traumatic aortic injury at the isthmus", "aortic_injury"));
    EXPECT_TRUE(namesDiagnosis("Is he stable? Right tension pneumothorax, decompress now", "tension_pneumothorax"));
    EXPECT_TRUE(namesDiagnosis("EDH on the right; rule out a skull fracture next", "epidural_hematoma"));
}

// Young-Burgess patterns are pelvic ring fractures: "lateral compression" is not a vertebral compression fracture, and
// a vertical shear is not a shear injury of the brain.
TEST(Lexicon, APelvicRingPatternNamesThePelvicRingFractureNeverASpineFracture) {
    for (const char* text :
         {"lateral compression pelvic fracture", "LC type pelvic ring injury",
          "pelvis: lateral compression, right rami and left sacral ala", "lateral compression injury",
          "Lateral-compression ring fracture (right rami, left sacral ala)", "LC-II pelvic fracture",
          "anteroposterior compression pelvic injury", "APC injury of the pelvis",
          "antero-posterior compression fracture", "open book pelvis", "open-book injury", "vertical shear injury",
          "pelvic ring injury", "symphyseal diastasis", "widened SI joint with symphysis diastasis"}) {
        EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", text), Naming::Full) << text;
        EXPECT_FALSE(namesDiagnosis(text, "vertebral_compression_fracture")) << text;
        EXPECT_FALSE(namesDiagnosis(text, "diffuse_axonal_injury")) << text;
        const auto spine = level("fall-from-height", "vertebral_burst_fracture", text);
        EXPECT_TRUE(spine == Naming::None || spine == Naming::Other) << text << ": " << name(spine);
    }
    // A compression fracture of the spine stays one, even when called lateral.
    for (const char* text :
         {"L1 compression fracture", "lateral compression fracture of L1", "lumbar wedge compression fracture"}) {
        EXPECT_TRUE(namesDiagnosis(text, "vertebral_compression_fracture")) << text;
        EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", text), Naming::Other) << text;
        EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", text), Naming::Partial) << text;
    }
    EXPECT_TRUE(namesDiagnosis("L1 and T12: lateral compression fractures", "vertebral_compression_fracture"));
    // ... and a spine fracture beside a pelvic one in the same sentence leaves the pelvis its pattern.
    const std::string both = "lateral compression pelvic fracture and an L1 burst fracture";
    EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", both), Naming::Full);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", both), Naming::Full);
    EXPECT_FALSE(namesDiagnosis(both, "vertebral_compression_fracture"));
    EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", "no lateral compression injury"), Naming::Denied);
}

// A negation word negates what it governs, not everything after it in the clause.
TEST(Lexicon, ANegationReachesOnlyTheDiagnosisItGoverns) {
    // The capnography rule names the misplaced tube.
    for (const char* text :
         {"no trace means wrong place", "No trace = wrong place", "no trace means wrong place, tube in the oesophagus",
          "No trace, wrong place: reintubate"}) {
        EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation", text), Naming::Full) << text;
        EXPECT_TRUE(session::saysPhrase(text, "wrong place")) << text;
    }
    EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation",
                    "no capnography trace means the tube is in the oesophagus"),
              Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "Not read yet, but there is a tension pneumothorax"),
              Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax",
                    "not read yet - I'll tell you before you move him, tension pneumothorax on the right"),
              Naming::Full);
    // A negated exclusion is a suspicion, not an absence.
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "can't exclude a tension pneumothorax"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "tension pneumothorax cannot be excluded"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "tension pneumothorax not ruled out"), Naming::Full);
    // Every negation still denies.
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "no pneumothorax"), Naming::Denied);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "pneumothorax excluded"), Naming::Denied);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "no evidence of tension pneumothorax"), Naming::Denied);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "tension pneumothorax ruled out"), Naming::Denied);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "I can't see a tension pneumothorax"), Naming::Denied);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "without active extravasation"), Naming::Denied);
    EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", "pelvic fracture ruled out"), Naming::Denied);
    EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation", "the tube is not in the oesophagus"),
              Naming::Denied);
}

// "Not read yet" answers a question without naming anything: it neither denies nor names a finding of the part not
// read, and a keyword that is itself a negation ("not read yet", "no flail") is said when its words are.
TEST(Lexicon, NotReadYetNamesAndDeniesNothing) {
    const std::string answer = "Not read yet - keep full spinal precautions, I'll tell you before you move him.";
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", answer), Naming::None);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "spine not read yet, I'll tell you"), Naming::None);
    EXPECT_TRUE(session::saysPhrase(answer, "not read yet"));
    EXPECT_TRUE(session::saysPhrase("Not read yet.", "not read yet"));
    EXPECT_FALSE(session::saysPhrase("I have read it", "not read yet"));
    EXPECT_TRUE(session::saysPhrase("Left haemothorax, no flail", "no flail"));
    EXPECT_FALSE(session::saysPhrase("Left haemothorax, flail segment", "no flail"));
}

// Treatment words name the treatment: a chest tube is not the endotracheal tube, a pelvic binder is not a pelvic
// injury. A lesser name said of another organ or inside another diagnosis is that other diagnosis.
TEST(Lexicon, TreatmentAndAnotherOrgansBleedingAreNotPartlyThisFinding) {
    EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation", "put in a chest tube on the left"),
              Naming::None);
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "left haemothorax, put in a chest tube"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", "keep the pelvic binder on"), Naming::None);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "hepatic laceration with active extravasation"),
              Naming::Other);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "renal laceration with active bleeding"), Naming::Other);
    EXPECT_EQ(level("motorcyclist", "splenic_laceration", "active bleeding"), Naming::Partial);
    EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation", "right mainstem intubation"), Naming::Other);
    EXPECT_EQ(level("oesophageal-intubation", "esophageal_intubation", "check the tube"), Naming::Partial);
}

// Spellings and shorthand radiologists write.
TEST(Lexicon, HyphenatedPrefixesShorthandAndCombinedNamesAreRead) {
    EXPECT_EQ(level("fall-from-height", "epidural_hematoma", "extra-dural haematoma on the right"), Naming::Full);
    EXPECT_EQ(level("fall-from-height", "vertebral_burst_fracture", "AO A3 L1 burst"), Naming::Full);
    EXPECT_EQ(level("pedestrian", "aortic_injury", "BTAI at the isthmus"), Naming::Full);
    EXPECT_EQ(level("pedestrian", "aortic_injury", "pseudo-aneurysm at the isthmus"), Naming::Full);
    EXPECT_EQ(level("oesophageal-intubation", "rib_fractures", "#ribs on the right"), Naming::Full);
    EXPECT_EQ(level("oesophageal-intubation", "hemothorax", "left haemopneumothorax"), Naming::Full);
    EXPECT_EQ(level("motorcyclist", "tension_pneumothorax", "right haemopneumothorax"), Naming::Partial);
}

// A finding's synonyms are what the case accepts as its name: none may name another diagnosis ("flail chest" for
// single rib fractures, "compression fracture" for a burst fracture, "pleural effusion" for a haemothorax), and each
// must name the finding at least in part.
TEST(Lexicon, NoShippedSynonymNamesADifferentDiagnosis) {
    for (const std::string& name : test::shippedCaseNames()) {
        for (const auto& f : shipped(name).findings) {
            const auto* own = session::diagnosisOf(f);
            for (const auto& s : f.synonyms) {
                const auto level = session::nameFinding(s, f).level;
                EXPECT_TRUE(level == Naming::Full || level == Naming::Partial)
                    << name << ": '" << s << "' for " << f.id << " reads as "
                    << std::string(session::namingName(level));
                for (const auto& d : session::traumaLexicon()) {
                    if (&d == own) continue;
                    scenario::Finding other;
                    other.id = d.id;
                    other.label = d.label;
                    // Another entry that this finding's own label also names is the same diagnosis under another
                    // heading (a subtle variant); one it does not name is a different diagnosis.
                    if (session::nameFinding(s, other).level != Naming::Full ||
                        session::nameFinding(f.label, other).level == Naming::Full)
                        continue;
                    ADD_FAILURE() << name << ": '" << s << "', a synonym of " << f.id << ", names " << d.label;
                }
            }
        }
    }
}

// The steering-wheel chest: a haemopericardium with tamponade and a sternal fracture. Their names, in the words
// readers use, name them and nothing else; the tamponade is not an aortic injury, and the retrosternal haematoma is
// only part of the sternal fracture.
TEST(Lexicon, HaemopericardiumAndSternalFractureAreNamedByTheirOwnWordsOnly) {
    const std::string sc = "steering-wheel-chest";
    for (const char* text : {"haemopericardium", "Hemopericardium", "pericardial effusion with tamponade",
                             "cardiac tamponade", "blood in the pericardium", "pericardial haematoma",
                             "haemo-pericardium with tamponade", "Tamponade: the RV is flat and the IVC full"})
        EXPECT_EQ(level(sc, "hemopericardium", text), Naming::Full) << text;
    for (const char* text : {"no pericardial effusion", "no tamponade", "the heart looks fine, no haemopericardium"})
        EXPECT_EQ(level(sc, "hemopericardium", text), Naming::Denied) << text;
    EXPECT_EQ(level(sc, "hemopericardium", "a little pericardial fluid"), Naming::Partial);
    EXPECT_NE(level(sc, "hemopericardium", "pericardial recess"), Naming::Full);
    EXPECT_NE(level(sc, "hemopericardium", "sternal fracture"), Naming::Full);
    EXPECT_NE(level(sc, "hemopericardium", "mediastinal haematoma"), Naming::Full);

    for (const char* text : {"sternal fracture", "fractured sternum",
                             "sternal body fracture with retrosternal haematoma", "broken sternum", "#sternum"})
        EXPECT_EQ(level(sc, "sternal_fracture", text), Naming::Full) << text;
    EXPECT_EQ(level(sc, "sternal_fracture", "retrosternal haematoma"), Naming::Partial);
    EXPECT_EQ(level(sc, "sternal_fracture", "no sternal fracture"), Naming::Denied);
    EXPECT_NE(level(sc, "sternal_fracture", "haemopericardium"), Naming::Full);
    EXPECT_NE(level(sc, "sternal_fracture", "rib fractures"), Naming::Full);

    // Neither name calls another shipped case's finding, and neither is a false alarm of an aortic injury.
    EXPECT_NE(level("pedestrian", "aortic_injury", "haemopericardium with tamponade"), Naming::Full);
    EXPECT_NE(level("pedestrian", "aortic_injury", "sternal fracture with retrosternal haematoma"), Naming::Full);
    EXPECT_NE(level("oesophageal-intubation", "rib_fractures", "sternal fracture"), Naming::Full);
    EXPECT_NE(level("ladder-fall", "hemothorax", "haemopericardium"), Naming::Full);
    // The lexicon knows the tamponade as a Category 1 diagnosis under the phantom's id.
    const auto* d = session::diagnosisOf(finding(sc, "hemopericardium"));
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->id, "hemopericardium");
    EXPECT_TRUE(d->category1);
    EXPECT_EQ(finding(sc, "hemopericardium").acrCategory, 1);
    EXPECT_EQ(finding(sc, "sternal_fracture").acrCategory, 2);
}

// The seat-belt case: free gas is named by its own words, gas said to be in the bowel is another thing (the mimic),
// a bowel or mesenteric injury is only part of the perforation, and neither names the other case's diagnoses.
TEST(Lexicon, FreeGasIsAPerforationAndGasInTheBowelIsNot) {
    const std::string sc = "seatbelt-bowel";
    for (const char* text : {"free gas", "free air in front of the liver", "pneumoperitoneum", "bowel perforation",
                             "perforated viscus", "extraluminal gas under the anterior abdominal wall"})
        EXPECT_EQ(level(sc, "pneumoperitoneum", text), Naming::Full) << text;
    for (const char* text : {"gas in the bowel", "bowel gas in the colon"})
        EXPECT_EQ(level(sc, "pneumoperitoneum", text), Naming::Other) << text;
    EXPECT_EQ(level(sc, "pneumoperitoneum", "no free air"), Naming::Denied);
    EXPECT_EQ(level(sc, "pneumoperitoneum", "bowel injury"), Naming::Partial);
    EXPECT_NE(level(sc, "pneumoperitoneum", "mesenteric haematoma"), Naming::Full);

    for (const char* text : {"mesenteric haematoma", "mesenteric injury with interloop fluid", "bowel injury",
                             "bowel and mesenteric injury"})
        EXPECT_EQ(level(sc, "mesenteric_injury", text), Naming::Full) << text;
    EXPECT_EQ(level(sc, "mesenteric_injury", "some interloop fluid"), Naming::Partial);
    EXPECT_NE(level(sc, "mesenteric_injury", "free gas"), Naming::Full);
    EXPECT_NE(level("cyclist-handlebar", "hemoperitoneum", "free gas"), Naming::Full);
    EXPECT_NE(level("motorcyclist", "tension_pneumothorax", "pneumoperitoneum"), Naming::Full);
    // Free gas is a Category 1 diagnosis under the phantom's id; the mesenteric injury is not.
    const auto* gas = session::diagnosisOf(finding(sc, "pneumoperitoneum"));
    EXPECT_TRUE(gas && gas->id == "pneumoperitoneum" && gas->category1);
    const auto* mesentery = session::diagnosisOf(finding(sc, "mesenteric_injury"));
    EXPECT_TRUE(mesentery && mesentery->id == "mesenteric_injury" && !mesentery->category1);
}

// The pelvis-binder case: the bleeding is named by its activity in the pelvis (a blush, active extravasation); a
// haematoma or a pseudoaneurysm, which does not grow on the portal phase, is only part of it. The open book is named
// by its own pattern (APC, a symphyseal diastasis, a widened SI joint); a lateral compression is another pattern, and a
// pelvic fracture without the pattern only part of it. Neither names the other case's pelvic ring fracture wrongly.
TEST(Lexicon, APelvicBlushIsActiveBleedingAndAnOpenBookIsNotALateralCompression) {
    const std::string sc = "pelvis-binder-bleed";
    for (const char* text : {"active extravasation in the pelvis", "arterial blush in the right hemipelvis",
                             "contrast blush beside the right internal iliac artery", "active bleeding in the pelvis",
                             "active extravasation from the obturator artery"})
        EXPECT_EQ(level(sc, "pelvic_arterial_bleeding", text), Naming::Full) << text;
    for (const char* text : {"pseudoaneurysm of the right internal iliac artery", "pelvic haematoma",
                             "extraperitoneal haematoma", "bleeding in the pelvis"})
        EXPECT_EQ(level(sc, "pelvic_arterial_bleeding", text), Naming::Partial) << text;
    EXPECT_EQ(level(sc, "pelvic_arterial_bleeding", "no active extravasation in the pelvis"), Naming::Denied);
    EXPECT_EQ(level(sc, "pelvic_arterial_bleeding", "active splenic bleeding"), Naming::Other);
    EXPECT_EQ(level(sc, "pelvic_arterial_bleeding", "active extravasation in the left pelvis"), Naming::Other)
        << "the wrong side";

    for (const char* text : {"open book pelvis", "APC injury", "anteroposterior compression", "symphyseal diastasis",
                             "pubic diastasis", "widened SI joint", "sacroiliac joint widening"})
        EXPECT_EQ(level(sc, "open_book_pelvis", text), Naming::Full) << text;
    for (const char* text : {"lateral compression", "lateral compression pelvic fracture", "LC pelvic ring injury"})
        EXPECT_EQ(level(sc, "open_book_pelvis", text), Naming::Other) << text;
    EXPECT_EQ(level(sc, "open_book_pelvis", "pelvic ring fracture"), Naming::Partial);
    EXPECT_EQ(level(sc, "open_book_pelvis", "no symphyseal diastasis"), Naming::Denied);
    // The motorcyclist's lateral compression fracture keeps its names, open book among them.
    for (const char* text : {"lateral compression pelvic fracture", "open book pelvis", "pelvic ring fracture"})
        EXPECT_EQ(level("motorcyclist", "pelvic_ring_fracture", text), Naming::Full) << text;
    EXPECT_NE(level("motorcyclist", "splenic_laceration", "active extravasation in the pelvis"), Naming::Full);
    // A list of injuries with the spleen's bleeding and a pelvic fracture does not say that the pelvis bleeds (the
    // motorcyclist's conclusion is no false call of it).
    EXPECT_FALSE(
        namesDiagnosis("Right tension pneumothorax, active splenic bleeding and a Young-Burgess LC pelvic "
                       "ring fracture",
                       "pelvic_arterial_bleeding"));
    EXPECT_TRUE(namesDiagnosis("pelvic fracture with active bleeding in the pelvis", "pelvic_arterial_bleeding"));
    // Both are Category 1 diagnoses under the phantom's ids.
    for (const char* id : {"pelvic_arterial_bleeding", "open_book_pelvis"}) {
        const auto* d = session::diagnosisOf(finding(sc, id));
        EXPECT_TRUE(d && d->id == id && d->category1) << id;
        EXPECT_EQ(finding(sc, id).acrCategory, 1) << id;
    }
}

// The tube pushed into the right main bronchus (scenarios/tube-right-bronchus.toml): said in the words readers use, it
// names that tube and nothing else, and a tube in the oesophagus is another diagnosis. Gas in the mediastinum is a
// pneumomediastinum, never the abdomen's free air, and a pneumothorax or pneumopericardium is something else.
TEST(Lexicon, ATubeInTheRightBronchusAndGasInTheMediastinumAreNamedByTheirOwnWordsOnly) {
    const std::string sc = "tube-right-bronchus";
    for (const char* text :
         {"tube in the right main bronchus", "endobronchial tube", "the tube is too deep", "ETT in the right bronchus",
          "right mainstem intubation", "the tip is past the carina", "pull the tube back 3 cm"})
        EXPECT_EQ(level(sc, "endobronchial_intubation", text), Naming::Full) << text;
    for (const char* text : {"oesophageal intubation", "the tube is in the oesophagus"})
        EXPECT_EQ(level(sc, "endobronchial_intubation", text), Naming::Other) << text;
    EXPECT_EQ(level(sc, "endobronchial_intubation", "the endotracheal tube"), Naming::Partial);
    EXPECT_EQ(level(sc, "endobronchial_intubation", "the tube is not too deep"), Naming::Denied);
    EXPECT_NE(level("oesophageal-intubation", "esophageal_intubation", "the tube is too deep"), Naming::Full);
    const auto* tube = session::diagnosisOf(finding(sc, "endobronchial_intubation"));
    EXPECT_TRUE(tube && tube->id == "endobronchial_intubation" && tube->category1 && tube->onScout);

    for (const char* text : {"pneumomediastinum", "mediastinal emphysema", "free mediastinal air",
                             "gas in the mediastinum tracking into the neck", "Macklin effect"})
        EXPECT_EQ(level(sc, "pneumomediastinum", text), Naming::Full) << text;
    for (const char* text : {"pneumothorax", "pneumopericardium"})
        EXPECT_EQ(level(sc, "pneumomediastinum", text), Naming::Other) << text;
    for (const char* text : {"free mediastinal air", "mediastinal gas"})
        EXPECT_NE(level("seatbelt-bowel", "pneumoperitoneum", text), Naming::Full) << text;
    const auto* gas = session::diagnosisOf(finding(sc, "pneumomediastinum"));
    EXPECT_TRUE(gas && gas->id == "pneumomediastinum" && !gas->category1);
}

// The assaulted head: blood in the sulci is named by its own words, a contusion by its own, an extra-axial collection
// is at most a neighbour of the subarachnoid blood, and the mimics (the falx, a dense sinus) name the mimic, not the
// blood.
TEST(Lexicon, SulcalBloodAndContusionsAreNamedByTheirOwnWordsAndTheFalxIsNotBlood) {
    const std::string sc = "assault-head";
    const std::string sah = "subarachnoid_hemorrhage", contusion = "cerebral_contusion";
    for (const char* text : {"traumatic subarachnoid haemorrhage", "tSAH", "sulcal blood", "blood in the sulci",
                             "blood in the left Sylvian fissure", "subarachnoid bleed"})
        EXPECT_EQ(level(sc, sah, text), Naming::Full) << text;
    for (const char* text : {"haemorrhagic contusion", "bifrontal contusions", "contrecoup contusions",
                             "coup-contrecoup injury", "intraparenchymal haemorrhage", "left temporal contusion"})
        EXPECT_EQ(level(sc, contusion, text), Naming::Full) << text;
    for (const char* text : {"just the falx", "falx calcification", "dense sinus", "hyperdense venous sinus"})
        for (const auto& id : {sah, contusion}) EXPECT_EQ(level(sc, id, text), Naming::Other) << id << ": " << text;
    // What each reads as, and what it must never read as.
    struct Reading {
        std::string scenario, finding, text;
        Naming is;
    };
    for (const auto& r : std::vector<Reading>{{sc, sah, "subdural haematoma", Naming::Partial},
                                              {sc, sah, "extradural haematoma", Naming::Other},
                                              {sc, sah, "no SAH", Naming::Denied},
                                              {sc, contusion, "contusion", Naming::Partial},
                                              {sc, contusion, "lung contusion", Naming::Other}})
        EXPECT_EQ(level(r.scenario, r.finding, r.text), r.is) << r.finding << ": " << r.text;
    for (const auto& r : std::vector<Reading>{
             {sc, contusion, "subdural haematoma", Naming::Full},
             {sc, contusion, "sulcal blood", Naming::Full},
             {"elderly-fall-anticoagulated", "subdural_hematoma", "subarachnoid haemorrhage", Naming::Full},
             {"elderly-fall-anticoagulated", "subdural_hematoma", "haemorrhagic contusion", Naming::Full},
             {"elderly-fall-anticoagulated", "subdural_hematoma", "falx", Naming::Full}})
        EXPECT_NE(level(r.scenario, r.finding, r.text), r.is) << r.finding << ": " << r.text;
    // Acute intracranial haemorrhage is a Category 1 result under the phantom's ids.
    for (const auto& id : {sah, contusion}) {
        const auto* d = session::diagnosisOf(finding(sc, id));
        EXPECT_TRUE(d && d->id == id && d->category1) << id;
        EXPECT_EQ(finding(sc, id).acrCategory, 1) << id;
    }
}

// The T-boned driver: a torn left hemidiaphragm with the stomach in the chest. The tear, the stomach above it and
// the signs that show it name it; the X-ray's readings (a raised hemidiaphragm, an eventration, a haemothorax) name
// other diagnoses, and it is a Category 1 diagnosis (the drain set is open).
TEST(Lexicon, ADiaphragmaticRuptureIsTheTearOrTheStomachInTheChestAndNeverARaisedHemidiaphragm) {
    const std::string sc = "diaphragm-rupture", id = "diaphragmatic_rupture";
    for (const char* text : {"diaphragmatic rupture", "torn diaphragm", "ruptured left hemidiaphragm",
                             "gastric herniation into the chest", "intrathoracic stomach", "stomach in the chest",
                             "collar sign", "dependent viscera sign", "traumatic diaphragmatic hernia"})
        EXPECT_EQ(level(sc, id, text), Naming::Full) << text;
    for (const char* text : {"raised left hemidiaphragm", "eventration", "elevated hemidiaphragm", "left haemothorax"})
        EXPECT_EQ(level(sc, id, text), Naming::Other) << text;
    EXPECT_EQ(level(sc, id, "no diaphragmatic rupture"), Naming::Denied);
    EXPECT_NE(level(sc, id, "large gastric bubble"), Naming::Full);
    const auto* torn = session::diagnosisOf(finding(sc, id));
    EXPECT_TRUE(torn && torn->id == id && torn->category1);
}

// The elderly driver: right ribs 4 to 8 each broken twice over a pulmonary contusion. The flail, the ribs broken twice
// (segmental, double, in two places) or the stove-in chest name it; rib fractures said without what makes them a
// flail, or the contusion alone, are only part of it; a pneumothorax or a haemothorax is another diagnosis, and it is
// a Category 1 diagnosis (where he goes and how he breathes).
TEST(Lexicon, AFlailChestIsRibsBrokenTwiceAndRibFracturesAloneAreOnlyPartOfIt) {
    const std::string sc = "flail-chest", id = "flail_chest";
    for (const char* text : {"flail segment right ribs 4 to 8", "right flail chest", "segmental rib fractures",
                             "segmental fractures of the right ribs", "right ribs each broken in two places",
                             "double rib fractures on the right", "stove-in chest"})
        EXPECT_EQ(level(sc, id, text), Naming::Full) << text;
    for (const char* text :
         {"rib fractures", "right rib fractures", "multiple rib fractures", "pulmonary contusion", "broken ribs"})
        EXPECT_EQ(level(sc, id, text), Naming::Partial) << text;
    for (const char* text : {"right pneumothorax", "right haemothorax", "left flail chest"})
        EXPECT_EQ(level(sc, id, text), Naming::Other) << text;
    EXPECT_EQ(level(sc, id, "no flail segment"), Naming::Denied);
    const auto* flail = session::diagnosisOf(finding(sc, id));
    EXPECT_TRUE(flail && flail->id == id && flail->category1);
}

// The belted passenger with the neck belt mark: a left internal carotid dissection. The dissection, its flap or the
// blood in its wall, or a blunt cerebrovascular injury of that carotid, name it; the right carotid is another lesion
// (the side the treatment is aimed at), and a vertebral artery dissection, carotid spasm or a normal neck are not it.
// It is a Category 1 diagnosis (stroke prevention with antithrombotics starts now).
TEST(Lexicon, ALeftCarotidDissectionIsTheDissectedArteryOnItsSideAndNeverSpasmOrTheVertebralArtery) {
    const std::string sc = "neck-seatbelt-carotid", id = "carotid_dissection";
    for (const char* text :
         {"left ICA dissection", "carotid dissection", "BCVI grade 2 left internal carotid", "intimal flap left ICA",
          "blunt cerebrovascular injury", "intramural haematoma in the left internal carotid artery"})
        EXPECT_EQ(level(sc, id, text), Naming::Full) << text;
    for (const char* text : {"right ICA dissection", "right carotid dissection"}) {
        const auto n = session::nameFinding(text, finding(sc, id));
        EXPECT_EQ(n.level, Naming::Other) << text;
        EXPECT_TRUE(n.misidentified) << text;
    }
    for (const char* text : {"vertebral artery dissection", "carotid spasm"})
        EXPECT_EQ(level(sc, id, text), Naming::Other) << text;
    EXPECT_NE(level(sc, id, "normal neck"), Naming::Full);
    EXPECT_EQ(level(sc, id, "no carotid dissection"), Naming::Denied);
    EXPECT_EQ(level(sc, id, "left ICA narrowing"), Naming::Partial);
    const auto* dissection = session::diagnosisOf(finding(sc, id));
    EXPECT_TRUE(dissection && dissection->id == id && dissection->category1);
}

// The aortic-mimic driver: a minimal aortic injury (SVS grade I) below a ductus diverticulum. The grade, the small
// intimal flap or tear name the injury; a pseudoaneurysm or a transection names the graver, Category 1 injury he does
// not have, and a ductus diverticulum the mimic: other diagnoses. The lexicon knows the minimal injury as Category 2
// and the diverticulum as a normal variant.
TEST(Lexicon, AMinimalAorticInjuryIsTheFlapByItsGradeAndNeitherThePseudoaneurysmNorTheDiverticulum) {
    const std::string sc = "aortic-mimic", id = "minimal_aortic_injury";
    for (const char* text : {"minimal aortic injury", "small intimal flap in the descending aorta",
                             "minimal intimal tear", "SVS grade 1 aortic injury", "grade 1 aortic injury", "MAI"})
        EXPECT_EQ(level(sc, id, text), Naming::Full) << text;
    for (const char* text : {"pseudoaneurysm at the isthmus", "aortic transection", "ductus diverticulum",
                             "ductus bump at the isthmus", "a bump of the isthmus"})
        EXPECT_EQ(level(sc, id, text), Naming::Other) << text;
    EXPECT_EQ(level(sc, id, "a flap in the aorta"), Naming::Partial);
    EXPECT_EQ(level(sc, id, "no intimal flap"), Naming::Denied);
    const auto* mai = session::diagnosisOf(finding(sc, id));
    EXPECT_TRUE(mai && mai->id == id && !mai->category1 && !mai->variant);
    const auto& all = session::traumaLexicon();
    const auto bump = std::find_if(all.begin(), all.end(), [](const auto& d) { return d.id == "ductus_diverticulum"; });
    ASSERT_NE(bump, all.end());
    EXPECT_TRUE(bump->variant && !bump->category1);
    // The nodule: named as a nodule, on its side.
    EXPECT_EQ(level(sc, "lung_nodule", "right upper lobe nodule"), Naming::Full);
    EXPECT_EQ(level(sc, "lung_nodule", "left upper lobe nodule"), Naming::Other);
}

// The motorcyclist's face (scenarios/facial-airway.toml): a Le Fort II fracture called a Le Fort I or III is another
// fracture (the pattern tells the surgeon which bones are broken and whether a nasal tube may pass), as a spine
// fracture at another level is; the midface or the mandible named without a level is the fracture, an isolated nasal
// fracture or sinus fluid is not; the airway is named by its compromise, not by the word alone.
TEST(Lexicon, ALeFortFractureCalledAtAnotherLevelNamesAnotherFracture) {
    const auto one = session::nameFinding("Le Fort I fracture", finding("facial-airway", "facial_fractures"));
    EXPECT_TRUE(one.level == Naming::Other && one.misidentified && one.other == "it as Le Fort I") << one.other;
    const std::vector<std::tuple<std::string, std::string, Naming>> said{
        {"facial_fractures", "Le Fort III, craniofacial disjunction", Naming::Other},
        {"facial_fractures", "Le Fort II fracture on both sides", Naming::Full},
        {"facial_fractures", "LeFort 2 fractures", Naming::Full},
        {"facial_fractures", "bilateral mandible fractures", Naming::Full},
        {"facial_fractures", "midface fracture", Naming::Full},
        {"facial_fractures", "nasal bone fracture", Naming::Other},
        {"facial_fractures", "sinus fluid", Naming::Other},
        {"airway_compromise", "airway at risk", Naming::Full},
        {"airway_compromise", "pharyngeal haematoma narrowing the airway", Naming::Full},
        {"airway_compromise", "the airway", Naming::Partial},
    };
    for (const auto& [id, text, want] : said)
        EXPECT_EQ(level("facial-airway", id, text), want) << id << ": '" << text << "'";
    const auto* airway = session::diagnosisOf(finding("facial-airway", "airway_compromise"));
    EXPECT_TRUE(airway && airway->category1);
}

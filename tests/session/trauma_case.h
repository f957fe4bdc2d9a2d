// A small polytrauma case built in code for session and scoring tests: a right tension pneumothorax (Category 1,
// call the trauma leader within 4 minutes or the patient deteriorates), a splenic laceration (Category 2), a
// neurosurgeon who asks about the head at 02:00, and a phone that rings. Phantom geometry: vertex at z = 0.
#pragma once

#include "scenario/scenario.h"

namespace polysim::test {

inline scenario::Scenario traumaCase() {
    using namespace scenario;
    Scenario s;
    s.meta.id = "test_chest_case";
    s.meta.title = "Test case: motorcyclist with a tension pneumothorax";
    s.meta.version = "1";
    PhantomSource ph;
    ph.sliceMm = 4;
    ph.matrix = 128;
    s.images.phantom = ph;
    auto series = [](const char* id, const char* label, double duration) {
        SeriesSpec sp;
        sp.id = id;
        sp.label = label;
        sp.kind = seriesKindNamed(id);
        sp.arrivalSeconds = 0;
        sp.arrivalDurationSeconds = duration;
        return sp;
    };
    s.images.series = {series("head", "Non-contrast head", 10), series("arterial", "Arterial body", 20)};
    s.patient.vitalsAtStart = {110, 95, 60, 90, 28, 14};
    s.patient.vitalsTrend = {{120, {118, 90, 55, 88, 30, 14}, "Sats falling"}};
    Deterioration d;
    d.findingId = "tension_pneumothorax";
    d.vitals = {140, 70, 40, 78, 36, 12};
    d.overSeconds = 60;
    d.announcement = "Pressure's dropping, what's going on in the chest?";
    s.patient.deteriorations = {d};

    s.regions = {
        {"head", "Head", -200, 0, {"brain", "subdural", "bone"}, "head", 0.8, {imaging::Plane::Axial}, {}, {}, {}},
        {"chest_lungs",
         "Chest: lungs and pleura",
         -480,
         -260,
         {"lung"},
         "arterial",
         0.8,
         {imaging::Plane::Axial},
         {},
         {},
         {}},
        {"abdomen_pelvis",
         "Abdomen and pelvis",
         -800,
         -480,
         {"soft_tissue", "liver"},
         "arterial",
         0.8,
         {imaging::Plane::Axial},
         {},
         {},
         {}}};
    s.readingOrder = {"chest_lungs", "abdomen_pelvis", "head"};

    Finding ptx;
    ptx.id = "tension_pneumothorax";
    ptx.label = "Tension pneumothorax, right";
    ptx.synonyms = {"tension pneumothorax", "tension ptx"};
    ptx.acrCategory = 1;
    ptx.region = "chest_lungs";
    ptx.centreLps = {-80, 0, -360};
    ptx.extentMm = {60, 140, 120};
    ptx.deadlineSeconds = 240;
    ptx.tell = {"trauma_leader"};
    ptx.windows = {"lung"};
    ptx.teachingPoint = "Pneumothorax hides in soft-tissue windows: always page the lungs in a lung window.";
    ptx.expertDescription = "Large right pneumothorax with mediastinal shift to the left.";
    Finding spleen;
    spleen.id = "splenic_laceration";
    spleen.label = "Splenic laceration";
    spleen.synonyms = {"spleen laceration", "splenic injury"};
    spleen.acrCategory = 2;
    spleen.region = "abdomen_pelvis";
    spleen.centreLps = {90, 20, -560};
    spleen.extentMm = {60, 60, 60};
    spleen.deadlineSeconds = 0;
    spleen.tell = {};
    s.findings = {ptx, spleen};

    Interruption neuro;
    neuro.id = "neuro_q1";
    neuro.trigger.type = InterruptionTrigger::Type::AtTime;
    neuro.trigger.atSeconds = 120;
    neuro.role = "neurosurgeon";
    neuro.name = "Dr Weber";
    neuro.text = "Anything in the head I need to take to theatre?";
    neuro.answers = {
        {"not_yet", "I have not read the head yet, you will hear in two minutes.", true, ""},
        {"no_bleed", "No bleed.", false, "The head had not been read yet: never answer for unread images."}};
    neuro.patienceSeconds = 20;
    neuro.choicesAfterSeconds = 0;  // the quick answers at once: these scripts pick them
    neuro.repeatText = "Hello? The head?";
    neuro.maxRepeats = 1;
    neuro.escalationText = "I'm going to ring your consultant.";
    Interruption phone;
    phone.id = "phone";
    phone.kind = InterruptionKind::Noise;
    phone.trigger.type = InterruptionTrigger::Type::RegionOpened;
    phone.trigger.target = "abdomen_pelvis";
    phone.trigger.delaySeconds = 5;
    phone.role = "phone";
    phone.text = "(phone rings)";
    phone.durationSeconds = 15;
    s.interruptions = {neuro, phone};

    s.conclusion.keyPoints = {{"ptx", "tension pneumothorax", {"tension pneumothorax", "tension ptx"}},
                              {"spleen", "splenic laceration", {"spleen", "splenic"}}};
    s.conclusion.expertSentence = "Right tension pneumothorax needing immediate decompression; splenic laceration.";
    s.expertReport = "Right tension pneumothorax with mediastinal shift. Grade III splenic laceration.";
    s.teachingNotes = "Read the chest in a lung window first.";
    s.durationSeconds = 600;
    return s;
}

// The expert: lungs in a lung window first, calls the pneumothorax at once, answers the neurosurgeon honestly,
// then abdomen and head.
inline const char* kExpertScript = R"(# expert run of the test case
00:01 series arterial
00:02 window lung
00:03 scroll -260 -> -480 over 30s
00:40 mark -80,0,-360 "tension pneumothorax" as ptx
00:42 call ptx trauma_leader
00:50 window soft_tissue
00:51 scroll -480 -> -800 over 40s
01:35 mark 90,20,-560 "splenic laceration"
01:40 series head
01:41 window brain
01:42 scroll 0 -> -110 over 14s
02:05 answer neuro_q1 not_yet
02:08 scroll -110 -> -200 over 10s
02:20 primary-survey-complete
02:30 conclude "Right tension pneumothorax, decompress now; splenic laceration."
02:31 end
)";

// The novice: reads everything in a soft-tissue window, never opens the chest in a lung window.
inline const char* kNoviceScript = R"(# novice run: never opens the lung window
00:04 series arterial
00:05 scroll -260 -> -800 over 60s
01:20 series head
01:21 window brain
01:22 scroll 0 -> -200 over 30s
02:10 answer neuro_q1 no_bleed
04:10 conclude "No acute injury."
04:20 end
)";

}  // namespace polysim::test

namespace polysim::test {
// Reads the chest in a lung window when the neurosurgeon interrupts at 02:00, answers at 02:06 and resumes at 02:10.
inline const char* kInterruptedScript = R"(# interrupted mid-chest
00:01 series arterial
01:40 window lung
01:41 scroll -260 -> -360 over 15s
02:06 answer neuro_q1 not_yet
02:10 scroll -360 -> -480 over 15s
02:30 end
)";
}  // namespace polysim::test

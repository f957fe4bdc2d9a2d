// The injury library: what each injury is called, how urgent it is, where it sits, and the layers and deformations
// that paint it. The ground truth is computed from the same geometry as the pixels.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "phantom/model.h"

namespace polysim::phantom {

const std::vector<InjuryInfo>& injuryLibrary() {
    static const std::vector<InjuryInfo> lib{
        {"epidural_hematoma",
         "Epidural haematoma, right temporoparietal, with midline shift",
         {"EDH", "epidural hematoma", "epidural haematoma", "extradural haematoma", "extradural hematoma",
          "epidural bleed"},
         1,
         "head",
         "Biconvex hyperdense extra-axial collection over the right convexity with mass effect and midline shift to "
         "the left.",
         false},
        {"subdural_hematoma",
         "Acute subdural haematoma, left convexity",
         {"SDH", "subdural hematoma", "subdural haematoma", "acute subdural", "subdural bleed"},
         1,
         "head",
         "Crescentic hyperdense collection along the left hemispheric convexity, mild mass effect.",
         false},
        {"skull_fracture",
         "Undisplaced linear skull fracture, right parietal (hair-thin)",
         {"skull fracture", "calvarial fracture", "linear skull fracture", "parietal fracture"},
         2,
         "head",
         "Hair-thin undisplaced linear fracture of the right parietal bone, visible only in the bone window.",
         true},
        {"tension_pneumothorax",
         "Tension pneumothorax, right, with mediastinal shift",
         {"tension pneumothorax", "pneumothorax", "PTX", "tension PTX"},
         1,
         "chest_lungs",
         "Large right pneumothorax with collapsed lung at the hilum and shift of the mediastinum to the left.",
         false},
        {"hemothorax",
         "Haemothorax, left",
         {"haemothorax", "hemothorax", "pleural haematoma", "blood in the pleural space"},
         1,
         "chest_lungs",
         "Dependent left pleural fluid of blood density (about 40 HU) with compressive atelectasis.",
         false},
        {"aortic_injury",
         "Traumatic aortic injury at the isthmus with mediastinal haematoma",
         {"aortic injury", "aortic transection", "aortic rupture", "pseudoaneurysm", "intimal flap",
          "mediastinal haematoma", "mediastinal hematoma", "TAI"},
         1,
         "chest_mediastinum",
         "Contained pseudoaneurysm and intimal flap at the aortic isthmus with surrounding mediastinal haematoma.",
         false},
        {"splenic_laceration",
         "Splenic laceration with active extravasation",
         {"splenic laceration", "spleen laceration", "splenic injury", "ruptured spleen", "active extravasation",
          "contrast blush", "active bleeding"},
         1,
         "abdomen_pelvis",
         "Deep splenic laceration with an active contrast blush and perisplenic haematoma.",
         false},
        {"liver_laceration",
         "Liver laceration, right lobe (segments 6/7)",
         {"liver laceration", "hepatic laceration", "liver injury", "hepatic injury"},
         2,
         "abdomen_pelvis",
         "Branching hypodense laceration in the posterior right hepatic lobe.",
         false},
        {"liver_laceration_subtle",
         "Small hypodense liver laceration, left lobe (subtle)",
         {"liver laceration", "hepatic laceration", "small liver laceration"},
         2,
         "abdomen_pelvis",
         "Small ill-defined hypodense laceration in the left hepatic lobe, best seen in the liver window.",
         true},
        {"hemoperitoneum",
         "Haemoperitoneum",
         {"haemoperitoneum", "hemoperitoneum", "free fluid", "intraperitoneal blood", "free intraperitoneal fluid"},
         1,
         "abdomen_pelvis",
         "Free intraperitoneal fluid of blood density in Morison's pouch, the right paracolic gutter and the pelvis.",
         false},
        {"kidney_laceration",
         "Left kidney laceration with perirenal haematoma",
         {"kidney laceration", "renal laceration", "renal injury", "kidney injury", "perirenal haematoma",
          "perirenal hematoma"},
         2,
         "abdomen_pelvis",
         "Laceration of the lateral left renal cortex with a perirenal haematoma.",
         false},
        {"pelvic_ring_fracture",
         "Pelvic ring fracture: right pubic rami and left sacral ala",
         {"pelvic fracture", "pelvic ring fracture", "pubic rami fracture", "sacral fracture"},
         1,
         "abdomen_pelvis",
         "Fractures of the right superior and inferior pubic rami and the left sacral ala with pelvic haematoma.",
         false},
        {"vertebral_burst_fracture",
         "Burst fracture of L1 with retropulsion",
         {"burst fracture", "vertebral fracture", "L1 fracture", "spine fracture", "retropulsion"},
         2,
         "spine",
         "L1 burst fracture with loss of height and a retropulsed fragment narrowing the canal.",
         false},
        {"rib_fractures",
         "Displaced fractures of right ribs 5 to 8",
         {"rib fractures", "rib fracture", "serial rib fractures", "broken ribs"},
         3,
         "chest_lungs",
         "Displaced lateral fractures of the right 5th to 8th ribs.",
         false},
        {"rib_fracture_subtle",
         "Undisplaced fracture of the left 7th rib (hair-thin)",
         {"rib fracture", "undisplaced rib fracture", "left rib fracture"},
         3,
         "chest_lungs",
         "Hair-thin undisplaced fracture line of the posterolateral left 7th rib.",
         true},
        {"esophageal_intubation",
         "Endotracheal tube in the oesophagus",
         {"oesophageal intubation", "esophageal intubation", "misplaced tube", "tube in the oesophagus",
          "tube in the esophagus", "malpositioned endotracheal tube", "ETT malposition"},
         1,
         "airway",
         "The endotracheal tube lies in the oesophagus behind the empty trachea.",
         false},
        {"femur_fracture",
         "Displaced fracture of the left femoral shaft",
         {"femur fracture", "femoral fracture", "femoral shaft fracture", "broken femur"},
         2,
         "extremities",
         "Transverse displaced fracture of the distal left femoral shaft with thigh haematoma.",
         false},
        {"sternal_fracture",
         "Sternal body fracture with retrosternal haematoma",
         {"sternal fracture", "sternum fracture", "fractured sternum", "broken sternum"},
         2,
         "chest_mediastinum",
         "Transverse fracture of the upper sternal body, the lower fragment stepped a few millimetres back, with a "
         "retrosternal haematoma; best seen on a sagittal reformat in a bone window.",
         false},
        {"hemopericardium",
         "Haemopericardium with cardiac tamponade",
         {"haemopericardium", "hemopericardium", "cardiac tamponade", "pericardial tamponade", "tamponade",
          "pericardial haematoma", "pericardial hematoma", "blood in the pericardium"},
         1,
         "chest_mediastinum",
         "Pericardial collection of blood density (about 45 HU), up to 1.5 cm thick, with a flattened right "
         "ventricle and a distended IVC and hepatic veins filled by reflux of contrast: tamponade.",
         false},
        {"pneumoperitoneum",
         "Pneumoperitoneum: free intraperitoneal gas from a hollow viscus perforation",
         {"pneumoperitoneum", "free air", "free gas", "free intraperitoneal air", "free intraperitoneal gas",
          "extraluminal gas", "extraluminal air", "bowel perforation", "hollow viscus perforation"},
         1,
         "abdomen_pelvis",
         "Small pockets and a thin anterior collection of gas (about -1000 HU) outside the bowel, under the anterior "
         "abdominal wall and over the front of the liver, with a few bubbles in the mesentery; non-dependent, and "
         "seen best in a lung or wide window.",
         true},
        {"mesenteric_injury",
         "Mesenteric injury with a thickened small-bowel segment",
         {"mesenteric injury", "mesenteric haematoma", "mesenteric hematoma", "bowel and mesenteric injury",
          "small bowel injury", "bowel injury"},
         2,
         "abdomen_pelvis",
         "Mesenteric haematoma (about 55 HU) with stranding of the mesenteric fat in the left mid-abdomen, a little "
         "fluid between the small-bowel loops (about 25 HU), and a short segment of ileum whose wall is thickened to "
         "about 7 mm and enhances; no solid-organ injury to explain the fluid.",
         true},
        {"seatbelt_sign",
         "Seat-belt sign: stranding of the subcutaneous fat of the lower abdominal wall",
         {"seat belt sign", "seatbelt sign", "lap belt sign", "seat belt mark", "abdominal wall contusion",
          "subcutaneous stranding"},
         3,
         "abdomen_pelvis",
         "A band of stranding and haziness in the subcutaneous fat across the lower anterior abdominal wall, where "
         "the lap belt lay.",
         false},
        {"cervical_spine_fracture",
         "C5 flexion teardrop fracture with prevertebral haematoma (unstable)",
         {"cervical spine fracture", "cervical fracture", "C5 fracture", "fracture of C5", "teardrop fracture",
          "flexion teardrop fracture", "C5 teardrop fracture", "fractured C5"},
         1,
         "cervical_spine",
         "Flexion teardrop fracture of C5: a triangular anteroinferior fragment, the rest of the body tilted forward "
         "with its posteroinferior corner pushed about 3 mm back into the canal against the cord, a sagittal split of "
         "the body, and a prevertebral haematoma (about 9 mm deep at C3, over 22 mm at C6) narrowing the airway; "
         "best seen on a sagittal reformat in a bone window.",
         false},
        {"open_book_pelvis",
         "Open-book pelvic ring injury (anteroposterior compression) held reduced by the binder",
         {"open book pelvis", "open-book pelvic injury", "open book injury", "APC injury", "APC pelvic injury",
          "anteroposterior compression injury", "symphyseal diastasis", "pubic diastasis", "symphysis diastasis",
          "widened symphysis", "sacroiliac joint widening", "widened SI joint"},
         1,
         "abdomen_pelvis",
         "Anteroposterior compression (open-book) injury of the pelvic ring, reduced by the binder: the pubic "
         "symphysis about 8 mm wide with a small bony avulsion and blood in the joint, the anterior right "
         "sacroiliac joint widened (the posterior part closed); the binder stays on, so the ring looks nearly "
         "normal. Young-Burgess APC II.",
         false},
        {"pelvic_arterial_bleeding",
         "Active arterial bleeding from a right internal iliac branch with an extraperitoneal pelvic haematoma",
         {"active pelvic arterial bleeding", "active pelvic bleeding", "active extravasation in the pelvis",
          "arterial blush in the pelvis", "pelvic contrast blush", "active internal iliac bleeding",
          "active extravasation from the internal iliac artery", "pelvic active extravasation"},
         1,
         "abdomen_pelvis",
         "Extraperitoneal pelvic haematoma (about 55 HU) in the space of Retzius and along the right pelvic side "
         "wall, pushing the bladder back and to the left, with an active arterial blush beside the anterior "
         "division of the right internal iliac artery (its obturator branch): as dense as the iliac artery in the "
         "arterial phase, larger, more diffuse and denser than the iliac artery in the portal phase.",
         false},
        {"endobronchial_intubation",
         "Endotracheal tube in the right main bronchus, with collapse of the left lower lobe",
         {"endobronchial intubation", "right main bronchus intubation", "right mainstem intubation",
          "mainstem intubation", "endobronchial tube", "tube in the right main bronchus", "tube too deep",
          "ETT in the right bronchus"},
         1,
         "airway",
         "The tip of the endotracheal tube lies 2 cm beyond the carina in the right main bronchus, the cuff in the "
         "distal trachea: the left lung is not ventilated. The left lower lobe is collapsed (a dense enhancing "
         "triangle behind the heart against the spine, its fissure swung back and in), the left upper lobe is "
         "hypoaerated, and the mediastinum lies a little to the left.",
         false},
        {"pneumomediastinum",
         "Pneumomediastinum (Macklin effect), no airway or oesophageal wall defect",
         {"pneumomediastinum", "mediastinal emphysema", "free mediastinal air", "mediastinal air", "mediastinal gas",
          "Macklin effect"},
         2,
         "chest_mediastinum",
         "Streaks of gas (below -900 HU) round the trachea, the oesophagus and the aortic arch and along the "
         "sheaths of the main bronchi and pulmonary arteries at the hila, tracking up into the soft tissues of the "
         "lower neck; none inside the airway, and the tracheal and oesophageal walls are intact (alveolar rupture "
         "with gas along the bronchovascular sheaths: the Macklin effect).",
         false},
        {"subarachnoid_hemorrhage",
         "Traumatic subarachnoid haemorrhage, both frontal convexities and the left Sylvian fissure",
         {"subarachnoid haemorrhage", "subarachnoid hemorrhage", "traumatic subarachnoid haemorrhage",
          "traumatic subarachnoid hemorrhage", "tSAH", "SAH", "sulcal blood", "sulcal haemorrhage",
          "blood in the Sylvian fissure", "subarachnoid blood"},
         1,
         "head",
         "Thin hyperdense blood (50-70 HU) filling sulci over both frontal convexities and the left Sylvian fissure, "
         "where there should be CSF; the basal cisterns are clear (the pattern of trauma, not of an aneurysm). Not "
         "the falx, which is a thin dense line in the midline, nor the dense venous sinuses.",
         false},
        {"cerebral_contusion",
         "Haemorrhagic cerebral contusions, bilateral inferior frontal and left temporal pole (contrecoup)",
         {"cerebral contusion", "brain contusion", "haemorrhagic contusion", "hemorrhagic contusion",
          "contrecoup contusion", "frontal contusion", "temporal contusion", "intraparenchymal haemorrhage",
          "intraparenchymal hemorrhage"},
         1,
         "head",
         "Patchy haemorrhagic foci (55-75 HU) in low-density oedema (15-25 HU) in the cortex and subcortical white "
         "matter of both inferior frontal lobes (gyri recti and orbitofrontal gyri) and the left temporal pole: "
         "contrecoup of an occipital impact, with a boggy occipital scalp haematoma at the coup site. Contusions "
         "blossom over hours: repeat CT.",
         false},
        {"diaphragmatic_rupture",
         "Left diaphragmatic rupture with the stomach herniated into the chest",
         {"diaphragmatic rupture", "ruptured diaphragm", "diaphragm rupture", "diaphragmatic injury",
          "diaphragmatic tear", "torn diaphragm", "diaphragmatic hernia", "traumatic diaphragmatic hernia",
          "intrathoracic stomach", "gastric herniation", "herniated stomach", "stomach in the chest"},
         1,
         "chest_lungs",
         "A tear of about 3.5 cm in the posterolateral left hemidiaphragm, its free edges thickened; the gastric "
         "fundus and upper body (gas anteriorly, fluid dependent, rugal folds) pass up through it, pinched to a waist "
         "at the tear (the collar sign), into the left lower chest, where they lie against the posterior ribs with no "
         "lung behind them (the dependent viscera sign) up to about 7 cm above the normal left dome; the left lower "
         "lobe is compressed above the stomach and the mediastinum pushed slightly to the right. Not a raised "
         "hemidiaphragm and not a haemothorax: a chest drain here would enter the stomach.",
         false},
        {"flail_chest",
         "Flail segment, right ribs 4 to 8, with pulmonary contusion",
         {"flail chest", "flail segment", "right flail chest", "flail segment right ribs 4 to 8", "stove-in chest"},
         1,
         "chest_lungs",
         "Right ribs 4 to 8 each broken twice, posterolaterally and anterolaterally, the breaks lined up rib above "
         "rib: a flail segment about 14 cm long, pushed a few millimetres in, with a cortical step, a gap and a small "
         "fragment at each break, haematoma in the intercostal muscle and subcutaneous emphysema over it. Beneath it "
         "a pulmonary contusion of the right middle and lower lobes: ill-defined ground glass and consolidation "
         "against the pleura (no subpleural sparing), not confined to a segment. Paradoxical movement and the "
         "contusion threaten ventilation: intensive care, early non-invasive ventilation or intubation, regional "
         "analgesia, and rib fixation to be discussed.",
         false},
        {"carotid_dissection",
         "Left internal carotid artery dissection (blunt cerebrovascular injury, Denver grade II)",
         {"carotid dissection", "left carotid dissection", "internal carotid dissection", "ICA dissection",
          "left ICA dissection", "carotid artery dissection", "carotid injury", "blunt carotid injury",
          "blunt cerebrovascular injury", "BCVI", "carotid intimal flap", "carotid intramural haematoma",
          "carotid intramural hematoma", "dissected left internal carotid", "left internal carotid dissection"},
         1,
         "head",
         "The left internal carotid artery about 1.5 to 3 cm above the level of the bifurcation (C2-C3): an eccentric "
         "crescent of non-enhancing intramural haematoma (about 60 HU) along its posterolateral wall narrows the "
         "contrast-filled lumen to about half the area of the right internal carotid at the same level, a thin raised "
         "intimal flap lies across the remaining lumen, and the lumen tapers back to normal calibre over the next "
         "1.5 cm; the vessel's outer diameter is slightly larger than the right. Stranding in the subcutaneous fat of "
         "the left neck where the shoulder belt lay. Seen on the arterial phase; the bones are normal.",
         false},
        {"ductus_diverticulum",
         "Ductus diverticulum of the aortic isthmus (normal variant)",
         {"ductus diverticulum", "ductus bump", "ductal diverticulum", "diverticulum of the isthmus"},
         0,
         "chest_mediastinum",
         "A smooth, symmetric focal bulge of about 5 mm from the anteromedial wall of the aortic isthmus, just beyond "
         "the left subclavian origin, towards the ligamentum arteriosum: it meets the wall at obtuse angles, fills "
         "with contrast exactly as the aorta does, and has no intimal flap and no haematoma round it. A normal "
         "variant (the remnant of the ductus arteriosus), not an injury: a pseudoaneurysm meets the wall at acute "
         "angles, is irregular and comes with a flap or a mediastinal haematoma.",
         false,
         true},
        {"minimal_aortic_injury",
         "Minimal aortic injury (SVS grade I intimal tear) of the proximal descending aorta",
         {"minimal aortic injury", "MAI", "grade I aortic injury", "grade 1 aortic injury", "SVS grade I aortic injury",
          "SVS grade 1 aortic injury", "small intimal flap", "intimal tear of the descending aorta"},
         2,
         "chest_mediastinum",
         "A thin (about 1.3 mm) intimal flap about 6 mm long in the axial plane and 7 mm along the vessel, arising "
         "from the left posterolateral wall of the proximal descending aorta about 5 cm below the isthmus and lying "
         "free in the contrast-filled lumen; the outer contour of the aorta is normal and there is no periaortic or "
         "mediastinal haematoma. SVS grade I: blood-pressure and heart-rate control and a follow-up CT, not an "
         "endograft.",
         false},
        {"lung_nodule",
         "Solid pulmonary nodule of about 8.5 mm, right upper lobe (incidental)",
         {"lung nodule", "pulmonary nodule", "right upper lobe nodule", "solid nodule", "incidental lung nodule",
          "RUL nodule"},
         3,
         "chest_lungs",
         "A solid, round soft-tissue nodule of about 8.5 mm with a slightly lobulated edge in the posterior segment "
         "of the right upper lobe, in aerated lung away from the vessels and the pleura. Incidental: in a 58-year-old "
         "smoker (high risk) a solid nodule of 6-8 mm is followed with CT at 3-6 months and one over 8 mm is "
         "considered for CT at 3 months, PET-CT or tissue sampling (Fleischner Society 2017).",
         false},
        {"facial_fractures",
         "Le Fort II fracture of both sides with bilateral mandible fractures (right parasymphyseal, left angle)",
         {"Le Fort II fracture", "Le Fort 2 fracture", "bilateral Le Fort II", "midface fracture", "pyramidal fracture",
          "bilateral mandible fractures", "mandibular fractures", "facial fractures"},
         2,
         "head",
         "A pyramidal (Le Fort II) fracture on both sides: lines through the medial orbital walls, across the orbital "
         "floors and the infraorbital rims, down the anterior, lateral and posterior walls of both maxillary sinuses "
         "and through both pterygoid plates (broken with a step), and across the nasal septum; blood (about 55 HU) "
         "fills both maxillary sinuses to a small anterior bubble of air and the back of the nasal cavity, and the "
         "soft tissues of the midface are swollen. The mandible is broken on both sides, through the right "
         "parasymphysis and the left angle, the segment between them (the chin and the left body) pulled about 4 mm "
         "back and 3 mm down: a flail anterior mandible.",
         false},
        {"airway_compromise",
         "Airway compromise: blood and swelling in the nasopharynx and oropharynx, the tongue base fallen back",
         {"airway compromise", "airway at risk", "compromised airway", "threatened airway", "narrowed airway",
          "pharyngeal haematoma", "pharyngeal hematoma", "blood in the pharynx", "airway narrowing"},
         1,
         "airway",
         "From the nasopharynx down to the tongue base the pharyngeal air column is a slit about 3 mm deep: blood and "
         "swollen soft tissue (about 58 HU) fill its back, and the tongue base, no longer held forward by the broken "
         "mandible, lies against it from the front. The larynx below is open. The airway must be secured now (awake "
         "fibreoptic or surgical), before he is laid flat again; not through the nose.",
         false},
    };
    return lib;
}

const InjuryInfo* findInjury(std::string_view idOrSynonym) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (auto& ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        return out;
    };
    const std::string key = lower(idOrSynonym);
    for (const auto& i : injuryLibrary())
        if (i.id == key) return &i;
    for (const auto& i : injuryLibrary())
        for (const auto& s : i.synonyms)
            if (lower(s) == key) return &i;
    return nullptr;
}

namespace detail {
namespace {
using glm::dvec3;

InjuryGeometry box(dvec3 centre, dvec3 extent, dvec3 amin, dvec3 amax, SeriesKind series = SeriesKind::Arterial) {
    return {centre, extent, amin, amax, series};
}
InjuryGeometry lesionOnly(dvec3 centre, dvec3 extent, double margin = 4, SeriesKind series = SeriesKind::Arterial) {
    return {centre, extent, centre - extent * 0.5 - margin, centre + extent * 0.5 + margin, series};
}

// Right ribs 5-8: the break points and the displaced distal arcs.
void ribBox(int side, int nFrom, int nTo, std::size_t from, dvec3& lo, dvec3& hi) {
    lo = dvec3(1e9);
    hi = dvec3(-1e9);
    for (int n = nFrom; n <= nTo; ++n) {
        const auto pts = ribPath(side, n);
        for (std::size_t i = from; i < pts.size(); ++i) {
            lo = glm::min(lo, dvec3(pts[i]));
            hi = glm::max(hi, dvec3(pts[i]));
        }
    }
}

dvec3 ribBreakPoint(int side, int n, double t) {
    const auto pts = ribPath(side, n);
    const double f = t * double(pts.size() - 1);
    const std::size_t i = std::min(std::size_t(f), pts.size() - 2);
    return glm::mix(dvec3(pts[i]), dvec3(pts[i + 1]), f - double(i));
}

// The flail chest: the middle of rib n's segment, the centre and radii of the region of contused lung beneath the
// segment (the contusion lies within it, against the pleura), and the lowest corner of that region.
dvec3 flailMiddle(int n) {
    return ribBreakPoint(-1, n, (kFlailBreaks[0] + kFlailBreaks[1]) * 0.5);
}
dvec3 flailContusionCentre() {
    return (flailMiddle(5) + flailMiddle(7)) * 0.5 + flailInward(6) * 30.0 + dvec3(0, 0, -8);
}
const dvec3 kFlailContusionRadii{42, 62, 62};
// The subcutaneous emphysema: the centre and radii of the region of the chest wall's fat it lies in.
dvec3 flailEmphysemaCentre() {
    return flailMiddle(6) - flailInward(6) * 18.0;
}
const dvec3 kFlailEmphysemaRadii{45, 75, 65};

const Warp kEdhWarp{{-30, 10, -62}, {85, 100, 70}, {10, 0, 0}};
const Warp kSdhWarp{{35, 5, -65}, {85, 100, 70}, {-5, 0, 0}};
const Warp kTensionWarp{{0, 0, -390}, {120, 170, 160}, {40, 0, 0}};
// Tamponade: the pericardial blood presses the thin anterior wall of the right ventricle back towards the septum.
const Warp kTamponadeWarp{{2, -66, -432}, {30, 26, 34}, {6.2, 7.9, 0}};
// A collapsed left lower lobe pulls the mediastinum a little to the left.
const Warp kLobarCollapseWarp{{0, 10, -410}, {110, 150, 150}, {7, 0, 0}};
// The left lower lobe, collapsed: the part of the left lung on the back, inner and lower side of a plane through
// kCollapsedFissure (the displaced oblique fissure), a triangle behind the heart with its base on the diaphragm.
const dvec3 kCollapsedFissure{60, 40, -430};
const dvec3 kCollapsedFissureNormal{-0.55, 0.6, -0.5};
// Diaphragmatic rupture: the stomach in the left chest pushes the mediastinum a little to the right.
const Warp kHerniationWarp{{10, 0, -430}, {100, 130, 100}, {-7, 0, 0}};

// Sternal fracture: the break of the sternal body, the plane's normal (up and a little back), and the step of the
// lower fragment (posterior).
const dvec3 kSternalBreak{0, -96, -355};
const dvec3 kSternalBreakNormal{0, 0.3, 1};
const dvec3 kSternalStep{0, 3.5, 0};

// The mesenteric injury: the centre of the haematoma in the ileal mesentery (left of the midline, at the level where
// the lap belt pressed the bowel against the spine), and the loop beside it whose wall is thickened.
const dvec3 kMesentery{28, -40, -692};
const dvec3 kInjuredLoop{12, -50, -690};
// C5 flexion teardrop fracture: the body tilts forward (degrees about the left-right axis, its top going forward)
// and moves back, leaving its anteroinferior corner (the teardrop) a little forward and down.
constexpr double kTeardropTiltDeg = 9.0;
const dvec3 kTeardropBodyShift{0, 2.2, -0.3};
const dvec3 kTeardropFragmentShift{0, -1.8, -1.2};
// How deep the prevertebral haematoma is in front of the cervical bodies (mm) at levels z: about 9 mm at C3 (normal
// up to 7 mm at C2 to C4), over 22 mm at C6.
double prevertebralDepth(double z) {
    static const std::vector<std::pair<double, double>> k{{-238, 0},    {-232, 21}, {-218, 28}, {-201, 14},
                                                          {-185, 10.5}, {-170, 9},  {-162, 5},  {-156, 0}};
    if (z <= k.front().first || z >= k.back().first) return 0;
    std::size_t i = 1;
    while (k[i].first < z) ++i;
    const double t = (z - k[i - 1].first) / (k[i].first - k[i - 1].first);
    return k[i - 1].second + (k[i].second - k[i - 1].second) * t;
}

// The open book: where the blood lies in the widened symphysis, and the small flake of bone torn from the front of
// the right pubic body.
const dvec3 kSymphysis{0, -67, -821};
const dvec3 kSymphysisAvulsion{-3.5, -77, -811};
// The right internal iliac artery from the bifurcation down into the pelvis, its superior gluteal branch back to the
// greater sciatic notch, and its anterior division with the obturator artery forward along the side wall; the blush
// lies beside the obturator artery, towards the bladder.
const std::vector<glm::dvec4> kInternalIliac{
    {-40, 20, -702, 4.2}, {-44, 30, -716, 4}, {-50, 38, -736, 3.6}, {-54, 30, -756, 3}};
const std::vector<glm::dvec4> kSuperiorGluteal{{-50, 38, -736, 3}, {-56, 48, -748, 2.6}, {-62, 54, -756, 2.2}};
const std::vector<glm::dvec4> kObturatorArtery{
    {-54, 30, -756, 3}, {-56, 14, -772, 2.4}, {-57, -2, -790, 2.2}, {-60, -18, -808, 2}};
const dvec3 kBlush{-50, 4, -784};

InjuryGeometry warpBox(const Warp& w, dvec3 centre, dvec3 extent, SeriesKind series) {
    const dvec3 lo = glm::min(w.centre - w.radius, centre - extent * 0.5) - 4.0;
    const dvec3 hi = glm::max(w.centre + w.radius, centre + extent * 0.5) + 4.0;
    return {centre, extent, lo, hi, series};
}

}  // namespace

InjuryGeometry injuryGeometry(const std::string& id) {
    if (id == "epidural_hematoma") return warpBox(kEdhWarp, {-58, 10, -62}, {16, 68, 60}, SeriesKind::Head);
    if (id == "subdural_hematoma") return warpBox(kSdhWarp, {58, 5, -65}, {20, 120, 86}, SeriesKind::Head);
    if (id == "skull_fracture") return lesionOnly({-58, 10, -40}, {40, 40, 58}, 6, SeriesKind::Head);
    if (id == "tension_pneumothorax")
        return box({-78, 20, -400}, {130, 190, 300}, {-170, -130, -565}, {140, 130, -225});
    if (id == "hemothorax") return box({80, 45, -420}, {124, 110, 250}, {10, -45, -560}, {150, 110, -245});
    if (id == "aortic_injury") return box({26, 28, -326}, {44, 44, 50}, {-28, -20, -386}, {60, 66, -274});
    if (id == "splenic_laceration") return box({98, 48, -525}, {60, 80, 80}, {40, -20, -590}, {150, 125, -460});
    if (id == "liver_laceration") return lesionOnly({-92, 28, -562}, {72, 52, 56}, 5);
    if (id == "liver_laceration_subtle") return lesionOnly({-30, -35, -515}, {18, 14, 22}, 4);
    if (id == "hemoperitoneum") return box({-60, 10, -660}, {150, 110, 270}, {-155, -95, -815}, {65, 80, -455});
    if (id == "kidney_laceration") return box({88, 58, -588}, {50, 50, 70}, {40, 10, -665}, {135, 110, -510});
    if (id == "pelvic_ring_fracture") return box({-5, 5, -775}, {90, 140, 180}, {-85, -90, -870}, {70, 100, -675});
    if (id == "vertebral_burst_fracture") {
        const double y = spineY(-537);
        return box({0, y + 6, -537}, {60, 56, 34}, {-40, y - 35, -560}, {40, y + 45, -514});
    }
    if (id == "rib_fractures") {
        dvec3 lo, hi, blo(1e9), bhi(-1e9);
        ribBox(-1, 5, 8, 6, lo, hi);
        for (int n = 5; n <= 8; ++n) {
            const dvec3 p = ribBreakPoint(-1, n, 6.5 / 13.0);
            blo = glm::min(blo, p);
            bhi = glm::max(bhi, p);
        }
        // The re-drawn rib ends change a few mm beyond the arcs' box once the scanner's blur is added.
        return box((blo + bhi) * 0.5, (bhi - blo) + 20.0, lo - 16.0, hi + 16.0);
    }
    if (id == "rib_fracture_subtle") return lesionOnly(ribBreakPoint(1, 7, 0.4), {16, 16, 16}, 4);
    // The tube and the oesophagus around it, and the stomach it blows up with air.
    if (id == "esophageal_intubation") return box({2, 2, -262}, {20, 90, 160}, {-45, -110, -615}, {120, 80, -168});
    if (id == "femur_fracture") return box({126, -2, -931}, {56, 56, 60}, {78, -52, -1015}, {178, 48, -812});
    // The break and the haematoma behind it; the stepped lower fragment reaches down to the xiphoid.
    if (id == "sternal_fracture") return box({0, -92, -358}, {52, 36, 60}, {-32, -118, -478}, {32, -66, -318});
    // The blood around the heart (the box leaves out the top of the sac in front, where the sternum lies); the
    // flattened right ventricle, and the distended IVC and hepatic veins below.
    if (id == "hemopericardium") return box({20, -24, -432}, {150, 124, 130}, {-100, -104, -685}, {104, 48, -350});
    // The gas over the liver and under the anterior wall, and the bubbles in the mesentery below.
    if (id == "pneumoperitoneum")
        return box({-25, -72, -545}, {110, 24, 80}, {-135, -100, -722}, {100, -10, -458}, SeriesKind::PortalVenous);
    // The haematoma and stranding, the thickened loop beside it, and the fluid between the loops round them.
    if (id == "mesenteric_injury")
        return box(kMesentery, {44, 36, 40}, kMesentery - dvec3(62, 52, 52), kMesentery + dvec3(62, 52, 52),
                   SeriesKind::PortalVenous);
    if (id == "seatbelt_sign") return box({0, -84, -700}, {220, 30, 34}, {-150, -112, -730}, {150, -55, -670});
    // The broken C5 body and its fragments; the prevertebral haematoma from C2 to C7 in front of the bodies and the
    // airway it narrows, and the retropulsed corner in the canal.
    if (id == "cervical_spine_fracture") {
        const auto* c5 = findVertebra("C5");
        const double y = spineY(c5->z);
        return box({0, y - 2, c5->z}, {28, 32, 24}, {-24, -34, -244}, {24, y + 22, -150});
    }
    // The widened symphysis (to mark); the pubic bodies that moved apart and the right sacroiliac joint opened in
    // front.
    if (id == "open_book_pelvis") return box(kSymphysis, {24, 26, 30}, {-95, -95, -870}, {95, 90, -690});
    // The haematoma in the space of Retzius and along the right side wall up to the blush; the bladder it pushes,
    // the internal iliac artery and its branches.
    if (id == "pelvic_arterial_bleeding") return box({-28, -22, -796}, {70, 90, 54}, {-86, -96, -850}, {50, 72, -690});
    // The tube's tip in the right main bronchus; the tube from the mouth, the mediastinum pulled to the left and the
    // whole left lung.
    if (id == "endobronchial_intubation") {
        const auto g = warpBox(kLobarCollapseWarp, {-8, 14, -338}, {24, 20, 30}, SeriesKind::Arterial);
        return box(g.centre, g.extent, glm::min(g.affectedMin, dvec3(-40, -110, -570)),
                   glm::max(g.affectedMax, dvec3(160, 120, -170)));
    }
    // The gas round the trachea, oesophagus and arch and at the hila, and up into the lower neck.
    if (id == "pneumomediastinum") return box({0, 10, -305}, {50, 50, 90}, {-75, -60, -400}, {80, 60, -160});
    // The blood in the sulci of both frontal convexities and in the left Sylvian fissure.
    if (id == "subarachnoid_hemorrhage")
        return box({0, -38, -58}, {120, 80, 70}, {-72, -92, -108}, {72, 30, -14}, SeriesKind::Head);
    // Both inferior frontal lobes and the left temporal pole; the scalp haematoma at the back of the head.
    if (id == "cerebral_contusion")
        return box({14, -42, -100}, {92, 60, 26}, {-50, -84, -124}, {72, 122, -44}, SeriesKind::Head);
    // The tear and the stomach above it in the left chest; the stomach's new course below the tear, the compressed
    // lung round it and the mediastinum pushed to the right.
    if (id == "diaphragmatic_rupture") return box({74, 36, -456}, {64, 76, 92}, {-95, -135, -605}, {140, 100, -325});
    // The flail segment between its two lines of breaks; the whole of the redrawn ribs, the haematoma and the gas in
    // the chest wall, and the contused lung beneath.
    if (id == "flail_chest") {
        dvec3 lo, hi, blo(1e9), bhi(-1e9);
        ribBox(-1, kFlailFirstRib, kFlailLastRib, 0, lo, hi);
        for (int n = kFlailFirstRib; n <= kFlailLastRib; ++n)
            for (double t : kFlailBreaks) {
                const dvec3 p = ribBreakPoint(-1, n, t);
                blo = glm::min(blo, p);
                bhi = glm::max(bhi, p);
            }
        const dvec3 c = flailContusionCentre(), e = flailEmphysemaCentre();
        lo = glm::min(lo, glm::min(c - kFlailContusionRadii, e - kFlailEmphysemaRadii));
        hi = glm::max(hi, glm::max(c + kFlailContusionRadii, e + kFlailEmphysemaRadii));
        return box((blo + bhi) * 0.5, (bhi - blo) + 20.0, lo - 16.0, hi + 16.0);
    }
    // The narrowed segment of the left internal carotid; the tapered lumen above it and the belt's stranding in the
    // fat of the left neck.
    if (id == "carotid_dissection")
        return box({23, 3, (kCarotidDissectionLow + kCarotidDissectionHigh) / 2}, {14, 14, 16}, {5, -70, -235},
                   {75, 30, kCarotidTaperTop + 4});
    // The bulge of the isthmus; the blood it adds lies within a few millimetres of it.
    // A few voxels of the isthmus's far wall, across the lumen from it, change by a little as well: the affected
    // range holds the whole isthmus.
    if (id == "ductus_diverticulum")
        return box(kDuctusDiverticulum, {16, 16, 20}, kDuctusDiverticulum - dvec3(14, 14, 16),
                   dvec3(kDuctusDiverticulum.x + 14, kIsthmusCentre.y + 20, kDuctusDiverticulum.z + 16));
    // The flap inside the lumen of the descending aorta: it changes nothing outside the vessel.
    if (id == "minimal_aortic_injury") return lesionOnly(kMinimalAorticInjury, {14, 14, 12}, 4);
    if (id == "lung_nodule") return lesionOnly(kLungNodule, {12, 12, 12}, 4);
    // The midface from the orbital floors to the maxillary alveolus and the mandible below it; the swelling of the
    // cheeks and the pterygoid plates behind the sinuses.
    if (id == "facial_fractures")
        return box({0, -50, -160}, {100, 80, 120}, {-80, -110, -230}, {80, 10, -95}, SeriesKind::Head);
    // The pharynx from the nasopharynx to the tongue base.
    if (id == "airway_compromise")
        return box({0, -10, -186}, {30, 44, 100}, {-20, -40, -225}, {20, 20, -122}, SeriesKind::Head);
    throw PhantomError("phantom: no geometry for injury '" + id + "'");
}

void addInjuryWarps(Model& m) {
    if (m.has("epidural_hematoma")) m.brainWarp.warps.push_back(kEdhWarp);
    if (m.has("subdural_hematoma")) m.brainWarp.warps.push_back(kSdhWarp);
    if (m.has("tension_pneumothorax")) m.mediastinumWarp.warps.push_back(kTensionWarp);
    if (m.has("hemopericardium")) m.mediastinumWarp.warps.push_back(kTamponadeWarp);
    if (m.has("endobronchial_intubation")) m.mediastinumWarp.warps.push_back(kLobarCollapseWarp);
    if (m.has("diaphragmatic_rupture")) m.mediastinumWarp.warps.push_back(kHerniationWarp);
}

std::uint16_t Model::structureId(const std::string& name) {
    const auto it = std::find(structureNames.begin(), structureNames.end(), name);
    if (it != structureNames.end()) return std::uint16_t(it - structureNames.begin());
    structureNames.push_back(name);
    return std::uint16_t(structureNames.size() - 1);
}

namespace {
// The structure a layer outside any named structure belongs to: its tissue (air outside the body is none).
const char* tissueStructure(Tissue t) {
    static const char* const names[kTissueCount] = {"",
                                                    "skin",
                                                    "subcutaneous_fat",
                                                    "muscle",
                                                    "visceral_fat",
                                                    "mediastinal_fat",
                                                    "lung",
                                                    "lung_vessels",
                                                    "airway",
                                                    "blood_vessel",
                                                    "heart",
                                                    "liver",
                                                    "spleen",
                                                    "kidney",
                                                    "pancreas",
                                                    "bowel",
                                                    "bowel_content",
                                                    "fluid",
                                                    "brain",
                                                    "csf",
                                                    "bone",
                                                    "bone_marrow",
                                                    "cartilage",
                                                    "device",
                                                    "haematoma",
                                                    "pleura",
                                                    "gland",
                                                    "ct_table"};
    return names[t];
}
}  // namespace

Layer& add(Model& m, ShapePtr s, float hu, Tissue t, TissueMask onto, float tex, double freq, const WarpSet* w) {
    Layer l;
    l.structure = m.currentStructure != 0 ? m.currentStructure : t == kAir ? 0 : m.structureId(tissueStructure(t));
    l.keepsStructure = m.currentStructure == 0;
    l.shape = std::move(s);
    l.hu = hu;
    l.tissue = t;
    l.onto = onto;
    l.texture = tex;
    l.textureFreq = freq;
    l.warp = w;
    m.layers.push_back(l);
    return m.layers.back();
}

namespace {
using glm::dvec4;

ShapePtr ell(dvec3 c, dvec3 r, glm::dmat3 rot = glm::dmat3(1.0), double wob = 0, double freq = 0.05,
             std::uint64_t salt = 1) {
    return std::make_shared<Ellipsoid>(c, r, rot, wob, freq, salt);
}
ShapePtr tube(std::vector<dvec4> pts, bool smooth = true, double wob = 0, double freq = 0.1, std::uint64_t salt = 3) {
    return std::make_shared<Tube>(pts, smooth, wob, freq, salt);
}
// A shape within `marginMm` of an organ in each slice, whose signed distance is `dist`.
ShapePtr nearOrgan(ShapePtr organ, double marginMm, std::function<double(const dvec3&)> dist) {
    return std::make_shared<Implicit>(
        [organ, marginMm](double z, Box2& b) {
            if (!organ->sliceBox(z, b)) return false;
            b = {b.x0 - marginMm, b.y0 - marginMm, b.x1 + marginMm, b.y1 + marginMm};
            return true;
        },
        std::move(dist));
}
// A crack: slab of half-width `half` around the plane through c with normal n, limited to a ball of radius r.
ShapePtr crack(dvec3 c, dvec3 n, double half, double r, double wobble = 0) {
    n = glm::normalize(n);
    return std::make_shared<Implicit>(
        [c, r](double z, Box2& b) {
            if (std::abs(z - c.z) > r + 1) return false;
            b = {c.x - r - 1, c.y - r - 1, c.x + r + 1, c.y + r + 1};
            return true;
        },
        [c, n, half, r, wobble](const dvec3& p) {
            double d = std::abs(glm::dot(p - c, n) + wobble * valueNoise(p * 0.15, 501)) - half;
            return std::max(d, glm::length(p - c) - r);
        });
}
Layer& addCrack(Model& m, ShapePtr s, float hu, Tissue t, TissueMask onto, double width) {
    Layer& l = add(m, std::move(s), hu, t, onto);
    l.thin = width;
    return l;
}
constexpr TissueMask kBoneMask = bit(kBone) | bit(kMarrow);
constexpr TissueMask kSoft = bit(kFat) | bit(kVisceralFat) | bit(kMuscle) | bit(kMediastinalFat);
// The part of a shape below (caudal to) a plane through c with normal n, within z >= zLow.
ShapePtr belowPlane(ShapePtr s, dvec3 c, dvec3 n, double zLow) {
    n = glm::normalize(n);
    return std::make_shared<Implicit>(
        [s, c, zLow](double z, Box2& b) { return z >= zLow && z <= c.z + 12 && s->sliceBox(z, b); },
        [s, c, n](const dvec3& p) { return std::max(s->sdf(p), glm::dot(p - c, n)); });
}
// Broken strands within a shape: the zero set of one noise field kept where a coarser field is high, so that a slice
// shows short streaks of oedema and blood through fat (stranding) rather than closed contours.
ShapePtr strands(ShapePtr within, double freq, double widthMm, std::uint64_t salt) {
    return std::make_shared<Implicit>([within](double z, Box2& b) { return within->sliceBox(z, b); },
                                      [within, freq, widthMm, salt](const dvec3& p) {
                                          const double d = std::abs(valueNoise(p * freq, salt)) / (1.2 * freq);
                                          const double g =
                                              std::clamp(valueNoise(p * (freq * 0.43), salt + 1) / 0.3, 0.0, 1.0);
                                          return std::max(within->sdf(p), d - widthMm / 2 * g + (1.0 - g) * 2.0);
                                      });
}
// A shape turned by `rot` about `pivot` and then moved by d; `box` and [zLo, zHi] bound where it may lie.
ShapePtr placed(ShapePtr s, dvec3 pivot, glm::dmat3 rot, dvec3 d, Box2 box, double zLo, double zHi) {
    const glm::dmat3 back = glm::transpose(rot);
    return std::make_shared<Implicit>(
        [box, zLo, zHi](double z, Box2& b) {
            if (z < zLo || z > zHi) return false;
            b = box;
            return true;
        },
        [s, pivot, back, d](const dvec3& p) { return s->sdf(pivot + back * (p - pivot - d)); });
}
// A shape given by its signed distance, lying within `box` between zLo and zHi.
ShapePtr withinSlab(double zLo, double zHi, Box2 box, std::function<double(const dvec3&)> dist) {
    return std::make_shared<Implicit>(
        [zLo, zHi, box](double z, Box2& b) {
            if (z < zLo || z > zHi) return false;
            b = box;
            return true;
        },
        std::move(dist));
}
// The half of space where dot(p - c, n) <= 0.
ShapePtr halfSpace(dvec3 c, dvec3 n) {
    n = glm::normalize(n);
    return std::make_shared<Implicit>(
        [](double, Box2& b) {
            b = {-1e4, -1e4, 1e4, 1e4};
            return true;
        },
        [c, n](const dvec3& p) { return glm::dot(p - c, n); });
}
}  // namespace

void addInjuryLayers(Model& m) {
    auto H = [&](float nc, float a, float pv) {
        return m.contrast == Contrast::None ? nc : m.contrast == Contrast::Arterial ? a : pv;
    };
    const WarpSet* mw = m.mediastinumWarp.empty() ? nullptr : &m.mediastinumWarp;
    const TissueMask brainMask = bit(kBrain) | bit(kCsf);

    if (m.has("epidural_hematoma")) {
        StructureScope injury(m, "epidural_hematoma");
        add(m, ell({-63, 10, -62}, {10, 34, 30}, glm::dmat3(1.0), 1.0, 0.1, 401), 66, kHaematoma, brainMask, 5, 0.2);
    }
    if (m.has("subdural_hematoma")) {
        StructureScope injury(m, "subdural_hematoma");
        auto cav = m.organs.at("cranial_cavity");
        add(m,
            std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    if (z < -112 || z > -18) return false;
                    b = {10, -70, 80, 75};
                    return true;
                },
                [cav](const dvec3& p) {
                    const double inside = cav->sdf(p);
                    auto win = [](double v, double a, double b) {
                        const double t = std::clamp((v - a) / (b - a), 0.0, 1.0);
                        return std::sin(t * 3.14159265358979);
                    };
                    const double t = 7.0 * std::sqrt(std::max(0.0, win(p.y, -60, 70) * win(p.z, -110, -20))) *
                                     std::clamp((p.x - 15) / 20, 0.0, 1.0);
                    return std::max(inside, -inside - t);
                }),
            62, kHaematoma, brainMask, 4, 0.2);
    }
    const WarpSet* bw = m.brainWarp.empty() ? nullptr : &m.brainWarp;
    if (m.has("subarachnoid_hemorrhage")) {
        StructureScope injury(m, "subarachnoid_hemorrhage");
        // Blood where the CSF of the sulci was: over both frontal convexities in patches (some sulci fill, others
        // stay dark), away from the midline so the interhemispheric fissure and the falx keep their look, and along
        // the left Sylvian fissure. The thin CSF rim under the inner table stays CSF (blood there would be a
        // subdural's crescent); the basal cisterns stay clear.
        auto cav = m.organs.at("cranial_cavity");
        add(m,
            withinSlab(-104, -18, {-70, -90, 70, 26},
                       [cav](const dvec3& p) {
                           const double depth = -cav->sdf(p);  // mm in from the inner table
                           const double patch = (0.25 - valueNoise(p * 0.045, 471)) * 12.0;
                           const double convexity = std::max({2.2 - depth, depth - 14.0, 9.0 - std::abs(p.x), p.y + 8.0,
                                                              -80.0 - p.z, p.z + 20.0, patch});
                           const dvec3 q = rotation(0, 0, 8.0) * (p - dvec3(52, -6, -86));
                           const double sylvian =
                               std::max((glm::length(q / dvec3(7, 25, 11)) - 1.0) * 8.0, 2.2 - depth);
                           return std::min(convexity, sylvian);
                       }),
            62, kHaematoma, bit(kCsf), 4, 0.2, bw);
    }
    if (m.has("cerebral_contusion")) {
        StructureScope injury(m, "cerebral_contusion");
        // Contrecoup: the brain strikes the floor of the anterior fossa and the sphenoid ridge. Oedema of the cortex
        // and the white matter under it, darker than brain, with patchy haemorrhage in it; the CSF rim under the
        // inner table stays.
        auto cav = m.organs.at("cranial_cavity");
        struct Site {
            dvec3 c, r;
            std::uint64_t salt;
        };
        const std::vector<Site> sites{{{-18, -50, -95}, {15, 17, 10}, 481},
                                      {{19, -48, -95}, {16, 18, 10}, 483},
                                      {{45, -18, -102}, {13, 16, 11}, 485}};
        auto inBrain = [cav](ShapePtr s) {
            return std::make_shared<Implicit>([s](double z, Box2& b) { return s->sliceBox(z, b); },
                                              [s, cav](const dvec3& p) {
                                                  const double depth = -cav->sdf(p);
                                                  return std::max({s->sdf(p), 2.2 - depth, depth - 22.0});
                                              });
        };
        for (const auto& s : sites)
            add(m, inBrain(ell(s.c, s.r, glm::dmat3(1.0), 2.5, 0.12, s.salt)), 17, kBrain, bit(kBrain) | bit(kCsf), 3,
                0.15, bw);
        for (const auto& s : sites) {
            auto core = ell(s.c, s.r * 0.7, glm::dmat3(1.0), 1.5, 0.12, s.salt + 1);
            auto foci = std::make_shared<Implicit>([core](double z, Box2& b) { return core->sliceBox(z, b); },
                                                   [core, salt = s.salt](const dvec3& p) {
                                                       const double blob = (0.12 - valueNoise(p * 0.2, salt + 2)) * 5.0;
                                                       return std::max(core->sdf(p), blob);
                                                   });
            add(m, inBrain(foci), 66, kHaematoma, bit(kBrain), 5, 0.2, bw);
        }
        // The coup site: a boggy haematoma in the scalp over the occiput.
        add(m, ell({0, 104, -80}, {30, 14, 24}, glm::dmat3(1.0), 2.0, 0.08, 487), 55, kHaematoma,
            bit(kFat) | bit(kSkin), 5, 0.15);
    }
    if (m.has("skull_fracture")) {
        StructureScope injury(m, "skull_fracture");
        addCrack(m, crack({-66, 10, -40}, {0.15, 0.9, 0.4}, 0.35, 28), 45, kFluid, kBoneMask, 0.7);
    }

    if (m.has("hemothorax")) {
        StructureScope injury(m, "hemothorax");
        auto lung = m.organs.at("lung_left");
        auto inLung = [lung](double y0) {
            return std::make_shared<Implicit>([lung](double z, Box2& b) { return lung->sliceBox(z, b); },
                                              [lung, y0](const dvec3& p) {
                                                  // Supine: blood lies posteriorly and climbs the lateral
                                                  // chest wall as a meniscus.
                                                  const double level =
                                                      y0 + 3.0 * std::sin(p.z * 0.05) - 0.008 * (p.x - 60) * (p.x - 60);
                                                  return std::max(lung->sdf(p), level - p.y);
                                              });
        };
        const TissueMask lungMask = bit(kLung) | bit(kLungVessel) | bit(kAirway);
        add(m, inLung(24), -150, kLung, lungMask);  // compressive atelectasis
        add(m, inLung(32), 42, kFluid, lungMask | bit(kLung), 4, 0.1);
    }
    if (m.has("aortic_injury")) {
        StructureScope injury(m, "aortic_injury");
        auto aorta = m.organs.at("aorta");
        add(m, ell({16, 22, -330}, {38, 36, 48}, glm::dmat3(1.0), 4.0, 0.06, 402), 58, kHaematoma,
            bit(kMediastinalFat) | bit(kVisceralFat), 5, 0.15, mw);
        add(m, ell({31, 24, -326}, {11, 9, 13}, glm::dmat3(1.0), 1.5, 0.1, 403), H(45, 330, 175), kBlood,
            bit(kHaematoma) | bit(kMediastinalFat) | bit(kVisceralFat) | bit(kLung), 0, 0.1, mw);
        auto flap = std::make_shared<Implicit>(
            [](double z, Box2& b) {
                if (z < -345 || z > -305) return false;
                b = {0, 10, 50, 60};
                return true;
            },
            [aorta](const dvec3& p) {
                const dvec3 n = glm::normalize(dvec3(0.7, -0.7, 0.15));
                const double d = std::abs(glm::dot(p - dvec3(25, 36, -325), n)) - 0.6;
                return std::max({d, aorta->sdf(p) + 1.0, std::abs(p.z + 325) - 18});
            });
        add(m, flap, 70, kHaematoma, bit(kBlood), 0, 0.1, mw);
    }
    if (m.has("splenic_laceration")) {
        StructureScope injury(m, "splenic_laceration");
        auto spleen = m.organs.at("spleen");
        add(m,
            nearOrgan(spleen, 12,
                      [spleen](const dvec3& p) {
                          const double s = spleen->sdf(p);
                          return std::max({s - 9.0, -s, 70.0 - p.x});
                      }),
            55, kHaematoma, bit(kVisceralFat) | bit(kFat), 4, 0.15);
        add(m,
            std::make_shared<Combine>(Combine::Intersect, spleen,
                                      crack({100, 50, -525}, {0.8, -0.5, 0.3}, 2.2, 45, 3.0)),
            50, kHaematoma, bit(kSpleen), 4, 0.2);
        const double r = m.contrast == Contrast::Portal ? 1.5 : 1.0;
        add(m, ell({97, 48, -522}, {6 * r, 7 * r, 6 * r}, glm::dmat3(1.0), 2.0, 0.2, 404), H(52, 260, 230), kBlood,
            bit(kSpleen) | bit(kHaematoma) | bit(kVisceralFat), 40, 0.3);
    }
    if (m.has("liver_laceration")) {
        StructureScope injury(m, "liver_laceration");
        add(m,
            tube({{-122, 42, -548, 3.5}, {-96, 30, -560, 5.0}, {-76, 42, -576, 4.0}, {-62, 30, -586, 2.5}}, false, 1.6,
                 0.25, 405),
            H(42, 45, 55), kHaematoma, bit(kLiver), 3, 0.2);
        add(m, tube({{-96, 30, -560, 3.5}, {-102, 10, -544, 2.5}, {-98, 8, -538, 1.5}}, false, 1.2, 0.25, 406),
            H(42, 45, 55), kHaematoma, bit(kLiver), 3, 0.2);
    }
    if (m.has("liver_laceration_subtle")) {
        StructureScope injury(m, "liver_laceration_subtle");
        add(m, ell({-30, -35, -515}, {7, 3, 9}, rotation(0, 20, 35), 1.0, 0.3, 407), H(40, 62, 96), kHaematoma,
            bit(kLiver));
    }
    if (m.has("hemoperitoneum")) {
        StructureScope injury(m, "hemoperitoneum");
        const TissueMask onto = bit(kVisceralFat);
        auto liver = m.organs.at("liver");
        add(m, ell({-78, 42, -585}, {30, 20, 35}, glm::dmat3(1.0), 4.0, 0.06, 408), 40, kFluid, onto, 4, 0.1);
        add(m, tube({{-122, 10, -600, 10}, {-125, 5, -700, 9}}, false, 2.0, 0.08, 409), 40, kFluid, onto, 4, 0.1);
        add(m, ell({0, -10, -790}, {50, 30, 24}, glm::dmat3(1.0), 4.0, 0.06, 410), 40, kFluid, onto, 4, 0.1);
        add(m,
            nearOrgan(liver, 8,
                      [liver](const dvec3& p) {
                          return std::max({liver->sdf(p) - 5.0, p.x + 40.0, -p.z - 640});
                      }),
            40, kFluid, onto, 4, 0.1);
    }
    if (m.has("kidney_laceration")) {
        StructureScope injury(m, "kidney_laceration");
        auto kidney = m.organs.at("kidney_left");
        add(m,
            nearOrgan(kidney, 12,
                      [kidney](const dvec3& p) {
                          return std::max({kidney->sdf(p) - 10.0, -kidney->sdf(p), 66.0 - p.x});
                      }),
            56, kHaematoma, bit(kVisceralFat), 4, 0.15);
        add(m,
            std::make_shared<Combine>(Combine::Intersect, kidney,
                                      crack({90, 58, -588}, {0.25, 0.3, 0.92}, 2.0, 24, 2.0)),
            45, kHaematoma, bit(kKidney), 3, 0.2);
    }
    if (m.has("pelvic_ring_fracture")) {
        StructureScope injury(m, "pelvic_ring_fracture");
        add(m, ell({-45, -25, -805}, {26, 28, 26}, glm::dmat3(1.0), 3.0, 0.08, 411), 52, kHaematoma,
            bit(kVisceralFat) | bit(kFat) | bit(kMuscle), 4, 0.15);
        add(m, crack({-42, -54, -807}, {1, 0.25, 0.1}, 1.3, 16, 1.0), 45, kHaematoma, kBoneMask);
        add(m, crack({-30, -36, -844}, {0.9, 0.2, 0.5}, 1.2, 14, 1.0), 45, kHaematoma, kBoneMask);
        add(m, crack({32, 50, -715}, {1, 0.1, 0.1}, 1.0, 30, 1.5), 45, kHaematoma, kBoneMask);
    }
    if (m.has("vertebral_burst_fracture")) {
        StructureScope injury(m, "vertebral_burst_fracture");
        const double y = spineY(-537);
        const auto* l1 = findVertebra("L1");
        add(m,
            std::make_shared<Extrusion>(std::vector<Extrusion::Key>{{-552, 0, y, l1->rx + 9, l1->ry + 8},
                                                                    {-522, 0, y, l1->rx + 9, l1->ry + 8}}),
            55, kHaematoma, kSoft | bit(kCartilage));
        // The fracture lines stay in the crushed body of L1: not across the discs into T12 and L2.
        const double crushedHalf = 0.35 * l1->height;
        auto inL1 = [&](ShapePtr c) {
            return intersect(c, std::make_shared<Extrusion>(
                                    std::vector<Extrusion::Key>{{l1->z - crushedHalf, 0, y, l1->rx + 6, l1->ry + 6},
                                                                {l1->z + crushedHalf, 0, y, l1->rx + 6, l1->ry + 6}}));
        };
        add(m, inL1(crack({0, y, -536}, {0.1, 0.35, 1.0}, 0.9, 30, 1.0)), 60, kHaematoma, kBoneMask);
        add(m, inL1(crack({5, y, -537}, {1, 0.25, 0.05}, 0.8, 30, 1.0)), 60, kHaematoma, kBoneMask);
        add(m, ell({0, y + l1->ry + 5.5, -533}, {9, 3.5, 6}), 950, kBone, bit(kCsf) | bit(kBrain) | kSoft);
    }
    if (m.has("rib_fractures")) {
        StructureScope injury(m, "rib_fractures");
        for (int n = 5; n <= 8; ++n)
            add(m, ell(ribBreakPoint(-1, n, 6.5 / 13.0), {8, 8, 8}, glm::dmat3(1.0), 2.0, 0.1, 412 + std::uint64_t(n)),
                55, kHaematoma, bit(kMuscle) | bit(kFat), 4, 0.15);
    }
    if (m.has("flail_chest")) {
        StructureScope injury(m, "flail_chest");
        // The ribs themselves are drawn broken with the skeleton (anatomy.cpp). At each break, haematoma in the
        // intercostal muscle and the fat round it, and at most breaks a small fragment of cortex lying in it, outside
        // the rib.
        const TissueMask wall = bit(kMuscle) | bit(kFat);
        for (int n = kFlailFirstRib; n <= kFlailLastRib; ++n)
            for (int k = 0; k < 2; ++k) {
                const dvec3 p = ribBreakPoint(-1, n, kFlailBreaks[k]);
                const std::uint64_t salt = 500 + std::uint64_t(n * 2 + k);
                add(m, ell(p, {10, 10, 9}, glm::dmat3(1.0), 2.0, 0.1, salt), 55, kHaematoma, wall, 4, 0.15);
                if ((n + k) % 3 != 0)
                    add(m, ell(p - flailInward(n) * 6.0 + dvec3(0, 0, 2.5), {2.2, 1.4, 1.6}, rotation(0, 0, 30.0 * n)),
                        900, kBone, wall | bit(kHaematoma));
            }
        // Subcutaneous emphysema: pockets and streaks of gas in the fat over the segment.
        const dvec3 over = flailEmphysemaCentre(), r = kFlailEmphysemaRadii;
        add(m,
            withinSlab(over.z - r.z, over.z + r.z, {over.x - r.x, over.y - r.y, over.x + r.x, over.y + r.y},
                       [over, r](const dvec3& p) {
                           const double region = glm::length((p - over) / r) - 1.0;
                           const double pockets = (0.3 - valueNoise(p * 0.16, 511)) * 5.0;
                           return std::max(region * 40.0, pockets);
                       }),
            -1000, kAir, bit(kFat));
        // The pulmonary contusion beneath: ground glass in a band along the pleura under the segment, of uneven
        // depth, with patches of consolidation in it; it ignores the segments' borders and reaches the pleura.
        auto lung = m.organs.at("lung_right");
        const dvec3 c = flailContusionCentre();
        auto contusion = [lung, c](double depthMm, double patch, std::uint64_t salt) {
            return withinSlab(c.z - kFlailContusionRadii.z, c.z + kFlailContusionRadii.z,
                              {c.x - kFlailContusionRadii.x, c.y - kFlailContusionRadii.y, c.x + kFlailContusionRadii.x,
                               c.y + kFlailContusionRadii.y},
                              [lung, c, depthMm, patch, salt](const dvec3& p) {
                                  const double region = (glm::length((p - c) / kFlailContusionRadii) - 1.0) * 40.0;
                                  const double depth = -lung->sdf(p);
                                  const double reach = depthMm * (1.0 + 0.45 * valueNoise(p * 0.06, salt));
                                  const double patches = (patch - valueNoise(p * 0.08, salt + 1)) * 10.0;
                                  return std::max({lung->sdf(p), depth - reach, region, patches});
                              });
        };
        add(m, contusion(30, -0.35, 513), -560, kLung, bit(kLung), 70, 0.2);
        add(m, contusion(16, 0.05, 515), -90, kLung, bit(kLung), 50, 0.2);
    }
    if (m.has("rib_fracture_subtle")) {
        StructureScope injury(m, "rib_fracture_subtle");
        const auto pts = ribPath(1, 7);
        const dvec3 p = ribBreakPoint(1, 7, 0.4);
        const std::size_t i = std::size_t(0.4 * double(pts.size() - 1));
        addCrack(m, crack(p, dvec3(pts[i + 1]) - dvec3(pts[i]), 0.3, 7), 50, kHaematoma, kBoneMask, 0.6);
    }
    if (m.has("femur_fracture")) {
        StructureScope injury(m, "femur_fracture");
        add(m, ell({126, -2, -931}, {34, 34, 38}, glm::dmat3(1.0), 4.0, 0.06, 420), 56, kHaematoma,
            bit(kMuscle) | bit(kFat), 5, 0.15);
    }
    if (m.has("sternal_fracture")) {
        StructureScope injury(m, "sternal_fracture");
        auto sternum = m.organs.at("sternum");
        // The retrosternal haematoma, in the fat between the sternum and the great vessels.
        add(m, ell({0, -83, -360}, {24, 8, 30}, glm::dmat3(1.0), 2.0, 0.08, 421), 58, kHaematoma, kSoft, 5, 0.15);
        // The lower fragment leaves its place (fracture haematoma where it was) and lies a few millimetres back.
        add(m, belowPlane(sternum, kSternalBreak, kSternalBreakNormal, -480), 52, kHaematoma, kBoneMask, 4, 0.2);
        auto moved = shifted(sternum, kSternalStep);
        add(m, belowPlane(moved, kSternalBreak, kSternalBreakNormal, -480), 900, kBone, kAnyTissue, 60, 0.4);
        add(m, belowPlane(offset(moved, -1.5), kSternalBreak, kSternalBreakNormal, -480), 260, kMarrow, bit(kBone), 90,
            0.55);
        // The fracture gap between the fragments.
        add(m, crack(kSternalBreak + kSternalStep * 0.5, kSternalBreakNormal, 0.9, 24, 0.6), 50, kHaematoma, kBoneMask);
    }
    if (m.has("cervical_spine_fracture")) {
        StructureScope injury(m, "cervical_spine_fracture");
        const auto* c5 = findVertebra("C5");
        auto body = m.organs.at("vertebral_body_C5");
        const dvec3 centre(0, spineY(c5->z), c5->z);
        // The prevertebral haematoma from C2 to C7: soft tissue in front of the bodies, pushing into the back of the
        // pharynx and larynx (the airway narrows, with no trace of its old wall); the oesophagus, air in its lumen,
        // the vessels and the thyroid keep their place in it.
        const dvec3 oesoTop{0, 0, -212}, oesoAxis = glm::normalize(dvec3{3, 8, -260} - oesoTop);
        add(m,
            std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    if (z < -240 || z > -154) return false;
                    b = {-18, -34, 18, 26};
                    return true;
                },
                [oesoTop, oesoAxis](const dvec3& p) {
                    const double back = spineY(p.z), depth = prevertebralDepth(p.z);
                    const double front = back - 8.5 - depth - 0.6 * valueNoise(p * 0.08, 441);
                    const double halfWidth = 9.0 + 0.35 * depth;
                    const dvec3 q = p - oesoTop;
                    const double oesophagus = glm::length(q - oesoAxis * std::max(0.0, glm::dot(q, oesoAxis)));
                    return std::max(
                        {front - p.y, p.y - back, std::abs(p.x) - halfWidth, 0.5 - depth, 2.5 - oesophagus});
                }),
            58, kHaematoma,
            kAnyTissue &
                ~(kBoneMask | bit(kCartilage) | bit(kBowel) | bit(kCsf) | bit(kBrain) | bit(kBlood) | bit(kGland)),
            5, 0.15);
        // The fracture runs from the front of the body, a little above mid-height, down and back to the lower
        // endplate: in front of and below it is the teardrop fragment.
        const dvec3 a = centre + dvec3(0, -c5->ry, 2.5), b = centre + dvec3(0, 6.5 - c5->ry, -c5->height / 2);
        const dvec3 n = glm::cross(b - a, dvec3(1, 0, 0));  // forward and down
        // The body's bone becomes fracture haematoma where no fragment lies any more.
        add(m, offset(body, 0.6), 62, kHaematoma, kBoneMask, 4, 0.2);
        // Each fragment: cortex outside, cancellous bone with its trabecular lattice to the broken face.
        auto lattice = std::make_shared<Implicit>(
            [body](double z, Box2& bx) { return body->sliceBox(z, bx); },
            [](const dvec3& p) { return std::abs(valueNoise(p * 0.55, 81)) / (1.2 * 0.55) - 0.2; });
        const Box2 around{-16, centre.y - 16, 16, centre.y + 18};
        auto fragment = [&](ShapePtr side, glm::dmat3 rot, dvec3 d) {
            auto put = [&](ShapePtr s) {
                return placed(intersect(s, side), centre, rot, d, around, c5->z - 12, c5->z + 12);
            };
            add(m, put(body), 950, kBone, kAnyTissue, 60, 0.4);
            add(m, put(offset(body, -1.1)), 200, kMarrow, bit(kBone), 90, 0.55);
            add(m, put(intersect(offset(body, -1.5), lattice)), 360, kMarrow, bit(kMarrow)).thin = 0.4;
        };
        fragment(halfSpace(a, n), rotation(kTeardropTiltDeg, 0, 0), kTeardropBodyShift);
        fragment(halfSpace(a, -n), glm::dmat3(1.0), kTeardropFragmentShift);
        // A sagittal split through the tilted body, seen on the axial slices.
        addCrack(m, crack(centre + kTeardropBodyShift + dvec3(1.5, 0, 0), {1, 0.12, 0.05}, 0.5, 9, 0.8), 60, kHaematoma,
                 kBoneMask, 0.9);
    }
    if (m.has("open_book_pelvis")) {
        StructureScope injury(m, "open_book_pelvis");
        // The pubic bodies lie apart (anatomy: the symphysis about 8 mm wide under the binder); blood fills the torn
        // joint between them, round what is left of its disc.
        add(m, ell(kSymphysis, {7.5, 11, 13}, glm::dmat3(1.0), 1.0, 0.1, 471), 58, kHaematoma, kSoft | bit(kCartilage),
            4, 0.2);
        add(m, ell(kSymphysis + dvec3(0, 2, 2), {1.6, 6, 7}, glm::dmat3(1.0), 0.8, 0.15, 472), 80, kCartilage,
            bit(kHaematoma));
        // A flake of bone torn from the front of the right pubic body, in the gap.
        add(m, ell(kSymphysisAvulsion, {2.0, 1.5, 2.6}, rotation(0, 0, 20)), 800, kBone, bit(kHaematoma) | kSoft);
        // The right sacroiliac joint opened in front: the iliac side of the joint stands further from the sacrum in
        // front (about 4 mm more), closing to normal at the back, where the ligaments held. A new cortex lines the
        // iliac face.
        auto sacrum = m.organs.at("sacrum");
        auto opened = [sacrum](double extra) {
            return std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    if (z < -772 || z > -694) return false;
                    b = {-90, 10, -30, 90};
                    return true;
                },
                [sacrum, extra](const dvec3& p) {
                    // How far the joint opens: 4.5 mm at its front, nothing at its back third; fading at its ends.
                    const double front = std::clamp((62.0 - p.y) / 18.0, 0.0, 1.0);
                    const double ends = std::clamp(std::min(p.z + 772, -694 - p.z) / 10.0, 0.0, 1.0);
                    const double open = 4.5 * front * ends;
                    const double d = sacrum->sdf(p);
                    return std::max({0.8 - d, d - (5.5 + open + extra), 0.3 - open, p.x + 30});
                });
        };
        add(m, opened(1.3), 950, kBone, bit(kMarrow));
        add(m, opened(0), 30, kFluid, kBoneMask, 3, 0.2);
    }
    if (m.has("pelvic_arterial_bleeding")) {
        StructureScope injury(m, "pelvic_arterial_bleeding");
        // The right internal iliac artery and its branches (the phantom draws only the common and external iliac
        // arteries without this injury).
        const float artery = H(45, 330, 175);
        const TissueMask around = kSoft | bit(kHaematoma);
        add(m, tube(kInternalIliac), artery, kBlood, around);
        add(m, tube(kSuperiorGluteal), artery, kBlood, around);
        add(m, tube(kObturatorArtery), artery, kBlood, around);
        // The extraperitoneal haematoma: in the space of Retzius between the pubis and the bladder, and along the
        // right pelvic side wall back to the torn branch. It presses the front and right of the bladder, whose wall
        // now runs along the haematoma.
        auto haematoma =
            smoothUnion(smoothUnion(ell({-6, -62, -800}, {42, 15, 26}, glm::dmat3(1.0), 3.0, 0.08, 481),
                                    ell({-44, -24, -796}, {14, 40, 28}, rotation(0, 0, -12), 3.0, 0.08, 482), 10),
                        ell({-50, 8, -782}, {12, 22, 24}, glm::dmat3(1.0), 2.5, 0.08, 483), 10);
        const TissueMask pelvicFat = bit(kVisceralFat) | bit(kFat);
        const TissueMask bladder = bit(kBowel) | bit(kFluid);
        auto inBladder = [&](ShapePtr s) {
            return intersect(s, ell({0, -34, -795}, {47.5, 39.5, 31.5}));  // the bladder and its wall
        };
        add(m, haematoma, 55, kHaematoma, pelvicFat, 5, 0.15);
        add(m, inBladder(offset(haematoma, 2.0)), 40, kBowel, bladder);
        add(m, inBladder(haematoma), 55, kHaematoma, bladder, 5, 0.15);
        // The blush: contrast pouring out beside the obturator artery. In the arterial phase a small irregular
        // jet as dense as the artery; in the portal phase the pool has grown, spread and run back along the side wall,
        // denser than the arteries, which are fading. It spreads through the fat, the clot and the side wall's muscle.
        const TissueMask bed = pelvicFat | bit(kHaematoma) | bit(kMuscle);
        if (m.contrast == Contrast::Arterial) {
            add(m, ell(kBlush, {5.5, 7.5, 6.5}, rotation(0, 0, 30), 1.6, 0.2, 484), 345, kBlood, bed, 40, 0.3);
            add(m,
                tube({{kBlush.x - 3, kBlush.y + 2, kBlush.z + 3, 1.6}, {kBlush.x + 4, kBlush.y - 7, kBlush.z - 2, 1.2}},
                     false, 0.6, 0.3, 485),
                330, kBlood, bed, 30, 0.3);
        } else if (m.contrast == Contrast::Portal) {
            auto pool = smoothUnion(ell(kBlush + dvec3(1, 2, -2), {8.5, 12, 10}, rotation(0, 0, 30), 2.5, 0.12, 486),
                                    ell(kBlush + dvec3(4, -8, -8), {6, 10, 8}, rotation(0, 0, 10), 2.0, 0.15, 487), 6);
            add(m, pool, 265, kBlood, bed, 45, 0.25);
        }
    }
    if (m.has("diaphragmatic_rupture")) {
        StructureScope injury(m, "diaphragmatic_rupture");
        // The stomach itself is drawn through the tear with the abdomen (anatomy.cpp). The tear: no muscle round the
        // stomach's waist out to about 3.5 cm across (a thin rim of fat round the waist), and the free edges beyond
        // it retracted and thickened.
        const dvec3 axis = glm::normalize(dvec3{72, 32, -472} - dvec3{56, -4, -516});
        auto aroundTear = [axis](double rFrom, double rTo, double halfThickness) {
            return std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    if (z < kDiaphragmTear.z - 30 || z > kDiaphragmTear.z + 30) return false;
                    b = {kDiaphragmTear.x - 40, kDiaphragmTear.y - 40, kDiaphragmTear.x + 40, kDiaphragmTear.y + 40};
                    return true;
                },
                [axis, rFrom, rTo, halfThickness](const dvec3& p) {
                    const dvec3 q = p - kDiaphragmTear;
                    const double r = glm::length(q - axis * glm::dot(q, axis));
                    const double sheet = std::abs(p.z - (domeZ(p.x, p.y) - 2.5)) - halfThickness;
                    return std::max({sheet, rFrom - r, r - rTo});
                });
        };
        const TissueMask lungMask = bit(kLung) | bit(kLungVessel) | bit(kAirway);
        add(m, aroundTear(0, 18.5, 4.0), -90, kVisceralFat, bit(kMuscle));
        add(m, aroundTear(18.5, 27, 5.0), 50, kMuscle, lungMask | bit(kVisceralFat) | bit(kFat), 8, 0.15);
        // The left lower lobe pressed against the stomach: collapsed lung next to it, denser lung further out.
        auto lung = m.organs.at("lung_left"), stomach = m.organs.at("stomach");
        auto round = [&](double mm) {
            return std::make_shared<Implicit>(
                [lung](double z, Box2& b) { return z > -500 && z < -380 && lung->sliceBox(z, b); },
                [lung, stomach, mm](const dvec3& p) { return std::max(lung->sdf(p), stomach->sdf(p) - mm); });
        };
        add(m, round(20), -200, kLung, lungMask, 30, 0.12);
        add(m, round(8), H(35, 95, 75), kLung, lungMask, 6, 0.15);
    }
    if (m.has("carotid_dissection")) {
        StructureScope injury(m, "carotid_dissection");
        // How far the haematoma has grown at height z: none below the lesion, full along it, and thinning over the
        // tapered segment above.
        auto grown = [](double z) {
            if (z < kCarotidDissectionLow - 5 || z > kCarotidTaperTop) return 0.0;
            if (z < kCarotidDissectionLow) return (z - kCarotidDissectionLow + 5) / 5;
            if (z <= kCarotidDissectionHigh) return 1.0;
            return (kCarotidTaperTop - z) / (kCarotidTaperTop - kCarotidDissectionHigh);
        };
        // The remaining lumen is pushed anteromedially, the wall bulges posterolaterally; the crescent between them is
        // blood in the wall, which does not enhance.
        auto ica = m.organs.at("carotid_left");
        const dvec3 toLumen = glm::normalize(dvec3(-0.6, -0.8, 0));
        auto lumen = [ica, toLumen](const dvec3& p, double g) { return ica->sdf(p - toLumen * (1.15 * g)) + 1.2 * g; };
        auto wall = [ica, toLumen](const dvec3& p, double g) { return ica->sdf(p + toLumen * (0.9 * g)) - 0.9 * g; };
        const Box2 neckBox{8, -14, 40, 18};
        const double zLo = kCarotidDissectionLow - 6, zHi = kCarotidTaperTop + 1;
        add(m,
            withinSlab(zLo, zHi, neckBox,
                       [grown, lumen, wall](const dvec3& p) {
                           const double g = grown(p.z);
                           if (g <= 0) return 4.0;
                           return std::max(wall(p, g), -lumen(p, g));
                       }),
            60, kHaematoma, kAnyTissue, 4, 0.25);
        // The raised intimal flap: a thin sheet from the torn wall half-way across the remaining lumen, along the
        // narrowed segment (the artery's axis runs from (24, 2, -160) to (21, 8, -128)).
        const dvec3 along = glm::normalize(glm::cross(toLumen, dvec3(0, 0, 1)));
        add(m,
            withinSlab(kCarotidDissectionLow, kCarotidDissectionHigh + 2, neckBox,
                       [toLumen, along, lumen](const dvec3& p) {
                           const double t = (p.z + 160) / 32;
                           const dvec3 axis(24 - 3 * t, 2 + 6 * t, p.z);
                           const dvec3 q = p - axis - toLumen * 0.4;
                           return std::max({lumen(p, 1.0), std::abs(glm::dot(q, toLumen)) - 0.5, -glm::dot(q, along)});
                       }),
            60, kHaematoma, bit(kBlood), 0, 0.1);
        // Where the shoulder belt crossed the left side of the neck, from the lateral neck down to the front: the
        // subcutaneous fat hazy, with strands of oedema and blood.
        auto band = [](double half) {
            return withinSlab(-235, -170, {4, -70, 75, 25}, [half](const dvec3& p) {
                const double h = half + 4.0 * valueNoise(p * 0.06, 481);
                return std::max({std::abs(p.z + 214 - 0.35 * p.x) - h, 6.0 - p.x, p.y - 22.0});
            });
        };
        add(m, band(11), -45, kFat, bit(kFat), 20, 0.12);
        add(m, strands(band(9), 0.16, 1.2, 483), 0, kFat, bit(kFat), 10, 0.2).thin = 1.2;
    }
    if (m.has("ductus_diverticulum")) {
        StructureScope injury(m, "ductus_diverticulum");
        // A smooth bulge of the anteromedial isthmus, blended into the wall (obtuse angles), filled with the aorta's
        // own blood: only what lies outside the aorta is painted, so the lumen itself is unchanged.
        auto aorta = m.organs.at("aorta");
        const dvec3 towards = glm::normalize(kDuctusDiverticulum - kIsthmusCentre);
        // The bulge's own frame: its short axis along `towards` (out of the wall), longest along the vessel.
        const dvec3 side = glm::normalize(glm::cross(towards, dvec3(0, 0, 1)));
        auto bulge = ell(kDuctusDiverticulum, {6, 10, 10}, glm::dmat3(towards, side, glm::cross(towards, side)));
        auto widened = subtract(intersect(ell(kDuctusDiverticulum, dvec3(20)), smoothUnion(aorta, bulge, 6)), aorta);
        add(m, widened, H(45, 330, 175), kBlood, kAnyTissue, 0, 0.1, mw);
    }
    if (m.has("minimal_aortic_injury")) {
        StructureScope injury(m, "minimal_aortic_injury");
        // A thin intimal flap from the left posterolateral wall, leaning into the lumen, about 6 mm across and 7 mm
        // along the vessel; painted only on the aorta's blood, so the outer contour and the fat round it are unchanged.
        auto aorta = m.organs.at("aorta");
        auto flap = std::make_shared<Implicit>(
            [](double z, Box2& b) {
                if (std::abs(z - kMinimalAorticInjury.z) > 6) return false;
                b = {kMinimalAorticInjury.x - 10, kMinimalAorticInjury.y - 10, kMinimalAorticInjury.x + 10,
                     kMinimalAorticInjury.y + 10};
                return true;
            },
            [aorta](const dvec3& p) {
                const dvec3 q = p - kMinimalAorticFlapBase;
                const dvec3 along = glm::normalize(kMinimalAorticInjury - kMinimalAorticFlapBase);
                const dvec3 across = glm::normalize(glm::cross(along, dvec3(0, 0, 1)));
                const double s = glm::dot(q, along);
                return std::max({std::abs(glm::dot(q, across)) - 0.65, -s - 1.0, s - 6.0, std::abs(q.z) - 3.5,
                                 aorta->sdf(p) + 0.3});
            });
        add(m, flap, 70, kHaematoma, bit(kBlood), 0, 0.1, mw);
    }
    if (m.has("lung_nodule")) {
        StructureScope injury(m, "lung_nodule");
        // A solid nodule, round with a slightly lobulated edge, in aerated lung.
        add(m, ell(kLungNodule, {4.3, 4.1, 4.4}, rotation(0, 0, 20), 0.6, 0.45, 511), H(38, 70, 65), kLung,
            bit(kLung) | bit(kLungVessel), 6, 0.2);
    }
    if (m.has("facial_fractures")) {
        StructureScope injury(m, "facial_fractures");
        // The Le Fort II lines, side by side: each a crack 2 mm wide filled with blood through the bone it crosses.
        const TissueMask blood = bit(kHaematoma);
        for (int s : {-1, 1}) {
            // Up the medial orbital wall, across the orbital floor and the infraorbital rim and down the front of
            // the maxillary sinus, then back along its lateral and posterior walls to the pterygoid plates.
            add(m, crack({s * 15.5, -74, -112}, {0, 1, 0.25}, 1.0, 11, 0.8), 55, kHaematoma, kBoneMask);
            add(m, crack({s * 24.0, -70, -126}, {1, 0.15, 0}, 1.0, 17, 0.8), 55, kHaematoma, kBoneMask);
            add(m, crack({s * 38.0, -36, -146}, {0, 0, 1}, 1.0, 18, 0.5), 55, kHaematoma, kBoneMask);
            // The pterygoid plates (drawn here: the phantom's face has none of its own), medial and lateral, broken
            // across with the lower piece stepped 2 mm back.
            for (double x : {15.0, 24.0}) {
                auto plate = [s, x](double zLo, double zHi, double dy) {
                    return withinSlab(
                        zLo, zHi, {s * x - 3, -30 + dy, s * x + 3, -6 + dy}, [s, x, zLo, zHi, dy](const dvec3& p) {
                            const dvec3 q =
                                glm::abs(p - dvec3(s * x, -18 + dy, (zLo + zHi) / 2)) - dvec3(0.8, 8, (zHi - zLo) / 2);
                            return std::max({q.x, q.y, q.z});
                        });
                };
                add(m, plate(-149.5, -136, 0), 1000, kBone, kSoft | blood, 60, 0.4);
                add(m, plate(-168, -152.5, 2), 1000, kBone, kSoft | blood, 60, 0.4);
                add(m,
                    withinSlab(-152.5, -149.5, {s * x - 3, -30, s * x + 3, -4},
                               [s, x](const dvec3& p) {
                                   return std::max(std::abs(p.x - s * x) - 0.8, std::abs(p.y + 17) - 9);
                               }),
                    55, kHaematoma, kSoft);
            }
            // Blood fills the maxillary sinus (it lies at the back: the patient is supine) but for a small bubble of
            // air in front.
            auto sinus = m.organs.at(s < 0 ? "maxillary_sinus_right" : "maxillary_sinus_left");
            add(m, intersect(sinus, halfSpace({0, -61, 0}, {0, -1, 0})), 55, kHaematoma, bit(kAir), 6, 0.15);
            // Swollen cheek: the skin and fat in front of the maxilla dense and about 7 mm thicker.
            add(m,
                intersect(ell({s * 34.0, -72, -142}, {20, 7, 15}, glm::dmat3(1.0), 1.0, 0.08, 611 + s),
                          halfSpace({0, 0, -123}, {0, 0, 1})),
                45, kHaematoma, bit(kAir) | bit(kFat) | bit(kSkin), 6, 0.12);
        }
        // Across the nasal septum, and blood in the back of the nasal cavity.
        add(m, crack({0, -70, -124}, {0, 0.2, 1}, 1.0, 15, 0.8), 55, kHaematoma, kBoneMask);
        add(m, intersect(m.organs.at("nasal_cavity"), halfSpace({0, -50, 0}, {0, -1, 0})), 55, kHaematoma, bit(kAir), 6,
            0.15);
        // The midface's subcutaneous fat oedematous under the swelling.
        add(m, intersect(ell({0, -82, -138}, {62, 22, 36}), halfSpace({0, 0, -123}, {0, 0, 1})), 38, kHaematoma,
            bit(kFat), 8, 0.15);

        // The mandible, broken through the right parasymphysis and the left angle: the segment between them (the
        // chin and the left body) is pulled back and down by the muscles of the floor of the mouth.
        const dvec3 c1{-14, -67, -207}, n1 = glm::normalize(dvec3{0.87, -0.49, 0});
        const dvec3 c2{42, -20, -199}, n2 = glm::normalize(dvec3{-0.3, -0.94, -0.2});
        const dvec3 pull{0, 4, -3};
        const ShapePtr jaw = unionOf({m.organs.at("mandible_right"), m.organs.at("mandible_left")});
        auto segment = [&](ShapePtr s) { return intersect(intersect(s, halfSpace(c1, -n1)), halfSpace(c2, -n2)); };
        add(m, segment(offset(jaw, 0.8)), 50, kMuscle, kBoneMask, 8, 0.15);
        add(m, shifted(segment(jaw), pull), 1250, kBone, kAnyTissue & ~bit(kAir), 60, 0.4);
        add(m, shifted(segment(offset(jaw, -2.5)), pull), 420, kMarrow, bit(kBone), 90, 0.55);
        add(m, crack(c1, n1, 1.2, 13, 0.5), 55, kHaematoma, kBoneMask);
        add(m, crack(c2, n2, 1.2, 13, 0.5), 55, kHaematoma, kBoneMask);
    }
    if (m.has("airway_compromise")) {
        StructureScope injury(m, "airway_compromise");
        // The pharynx narrowed to a slit about 3 mm deep: blood and swollen soft tissue fill its back from the
        // nasopharynx to the tongue base, and the tongue base (and, above it, blood) fills its front.
        auto centreY = [](double z) {
            for (std::size_t i = 1; i < kPharynx.size(); ++i)
                if (z >= kPharynx[i].z) {
                    const double t = (z - kPharynx[i].z) / (kPharynx[i - 1].z - kPharynx[i].z);
                    return kPharynx[i].y + t * (kPharynx[i - 1].y - kPharynx[i].y);
                }
            return kPharynx.back().y;
        };
        const Box2 box{-14, -40, 14, 20};
        auto inPharynx = [centreY](double side) {
            return [centreY, side](const dvec3& p) {
                return std::max({side * (centreY(p.z) - p.y) + 1.5, std::abs(p.x) - 13, std::abs(p.y + 10) - 28});
            };
        };
        add(m, withinSlab(-212, -126, box, inPharynx(1)), 58, kHaematoma, bit(kAirway), 8, 0.15);
        add(m, withinSlab(-205, -158, box, inPharynx(-1)), 62, kMuscle, bit(kAirway), 5, 0.1);
        add(m, withinSlab(-158, -126, box, inPharynx(-1)), 58, kHaematoma, bit(kAirway), 8, 0.15);
    }
    if (m.has("hemopericardium")) {
        StructureScope injury(m, "hemopericardium");
        auto heart = m.organs.at("heart");
        // What the pericardium holds: the heart and the right atrium bulging from its right border.
        auto contents = smoothUnion(heart, offset(m.organs.at("right_atrium"), 2.0), 8);
        // The blood is 5 to 10 mm deep, deepest behind the heart (the patient is supine), a little uneven.
        auto sac = [contents](double extra) {
            return std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    // The heart with its right atrium and the deepest blood around them.
                    if (z < -505 || z > -350) return false;
                    b = {-80, -105, 105, 50};
                    return true;
                },
                [contents, extra](const dvec3& p) {
                    const double depth =
                        5.0 + 5.0 * std::clamp((p.y + 40.0) / 60.0, 0.0, 1.0) + 1.5 * valueNoise(p * 0.04, 431);
                    return contents->sdf(p) - depth - extra;
                });
        };
        const TissueMask around = bit(kMediastinalFat) | bit(kVisceralFat) | bit(kLung) | bit(kLungVessel);
        add(m, sac(1.4), 40, kPleura, around);  // the parietal pericardium, a thin line outside the blood
        add(m, sac(0), 45, kFluid, around | bit(kPleura), 5, 0.1);
        // Epicardial fat in patches on the heart's surface, under the blood (on the heart where the blood pressed
        // it).
        add(m,
            std::make_shared<Implicit>([heart](double z, Box2& b) { return heart->sliceBox(z, b); },
                                       [heart](const dvec3& p) {
                                           const double h = heart->sdf(p);
                                           const double w =
                                               3.0 * std::clamp(valueNoise(p * 0.05, 433) + 0.15, 0.0, 1.0);
                                           return std::max(-h, h - w);
                                       }),
            -75, kMediastinalFat, bit(kFluid), 8, 0.1, mw);
        // The right heart cannot fill: blood and contrast from the arm run back into a distended IVC and hepatic
        // veins (dense in the arterial phase).
        const TissueMask veinBed = bit(kBlood) | bit(kLiver) | bit(kVisceralFat) | bit(kMuscle) | bit(kFat);
        add(m, tube({{-25, 10, -462, 15}, {-26, 8, -530, 15}, {-24, 3, -575, 13.5}}), H(42, 300, 165), kBlood, veinBed,
            30, 0.08);
        add(m, tube({{-24, 3, -575, 13.5}, {-20, 0, -640, 12}, {-12, 4, -664, 10}}), H(42, 95, 160), kBlood, veinBed, 0,
            0.1);
        for (int i = 0; i < 3; ++i) {
            const double a = glm::radians(-60.0 + 55 * i);
            add(m, tube({{-20, 12, -476, 7.5}, {-20 + 74 * std::sin(a) * 0.9, 12 - 66 * std::cos(a) * 0.6, -507, 3.8}}),
                H(42, 280, 165), kBlood, bit(kLiver) | bit(kBlood), 25, 0.1);
        }
    }
    if (m.has("pneumoperitoneum")) {
        StructureScope injury(m, "pneumoperitoneum");
        // Free gas rises to the front of the supine patient: a thin layer between the anterior abdominal wall and
        // the front of the liver, deepest in the epigastrium and thinning to the flanks and downwards.
        auto liver = m.organs.at("liver");
        auto depth = [](const dvec3& p) {
            const double across = 1.0 - std::clamp(std::abs(p.x + 20.0) / 95.0, 0.0, 1.0);
            const double along = 1.0 - std::clamp(std::abs(p.z + 530.0) / 65.0, 0.0, 1.0);
            return 7.0 * std::sqrt(across * along) + 1.2 * valueNoise(p * 0.08, 441);
        };
        add(m,
            std::make_shared<Implicit>(
                [liver](double z, Box2& b) {
                    if (z < -600 || z > -462 || !liver->sliceBox(z, b)) return false;
                    b.y1 = std::min(b.y1, -40.0);
                    return b.y0 < b.y1;
                },
                [liver, depth](const dvec3& p) {
                    // The outer `t` mm of the liver that face forwards: moving `t` mm to the front leaves the
                    // liver. The liver's surface is pushed back by the gas in front of it.
                    const double t = depth(p);
                    if (t <= 0.3) return 5.0;
                    return std::max({liver->sdf(p), -liver->sdf(p - dvec3(0, t, 0)), p.y + 45.0});
                }),
            -1000, kAir, bit(kLiver) | bit(kVisceralFat));
        // Under the anterior wall below the liver: gas in the fat between the wall and the loops and colon that lie
        // against it.
        auto inside = m.organs.at("inside_abdominal_wall");
        auto abdomen = m.organs.at("below_diaphragm");
        add(m,
            std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    if (z < -705 || z > -540) return false;
                    b = {-95, -95, 75, -40};
                    return true;
                },
                [inside, abdomen](const dvec3& p) {
                    const double across = 1.0 - std::clamp(std::abs(p.x + 10.0) / 80.0, 0.0, 1.0);
                    const double t = 4.5 * across + 1.5 * valueNoise(p * 0.1, 443) - 0.5;
                    const double d = inside->sdf(p);
                    return std::max({d, -d - t, p.y + 48.0, abdomen->sdf(p)});
                }),
            -1000, kAir, bit(kVisceralFat));
        // Bubbles of 2 to 6 mm in the mesenteric fat in front of the torn loop and along the falciform ligament.
        const std::vector<dvec4> bubbles{{18, -58, -684, 2.4}, {30, -60, -700, 1.8},  {-4, -60, -676, 1.6},
                                         {40, -52, -690, 1.4}, {-30, -54, -700, 2.0}, {-12, -58, -706, 1.5},
                                         {4, -62, -578, 2.2},  {2, -58, -592, 1.6},   {-42, -58, -690, 1.3}};
        for (std::size_t i = 0; i < bubbles.size(); ++i)
            add(m, intersect(ell(dvec3(bubbles[i]), dvec3(bubbles[i].w), glm::dmat3(1.0), 0.4, 0.4, 445 + i), abdomen),
                -1000, kAir, bit(kVisceralFat));
    }
    if (m.has("mesenteric_injury")) {
        StructureScope injury(m, "mesenteric_injury");
        auto ileum = m.organs.at("ileum");
        const TissueMask fat = bit(kVisceralFat);
        // Stranding: the mesenteric fat round the tear hazy and streaked.
        add(m, ell(kMesentery, {52, 38, 44}, rotation(0, 0, 25), 6.0, 0.05, 451), -55, kVisceralFat, fat, 22, 0.2);
        add(m, strands(ell(kMesentery, {48, 34, 40}, rotation(0, 0, 25), 6.0, 0.05, 451), 0.14, 1.4, 454), 10,
            kVisceralFat, fat, 6, 0.2)
            .thin = 1.3;
        // The mesenteric haematoma between the loops.
        add(m, ell(kMesentery, {15, 10, 14}, rotation(0, 0, 25), 3.0, 0.08, 452), 56, kHaematoma, fat, 6, 0.15);
        // Fluid between the loops round it: the fat within a few millimetres of a loop's wall, in patches.
        const dvec3 fc = kMesentery + dvec3(-12, 6, -6);
        add(m,
            std::make_shared<Implicit>(
                [fc](double z, Box2& b) {
                    if (std::abs(z - fc.z) > 46) return false;
                    b = {fc.x - 56, fc.y - 40, fc.x + 56, fc.y + 40};
                    return true;
                },
                [ileum, fc](const dvec3& p) {
                    const dvec3 q = (p - fc) / dvec3(44, 32, 36);
                    const double region = (glm::length(q) - 1.0) * 32.0;
                    const double reach = 1.5 + 4.0 * valueNoise(p * 0.07, 453);
                    return std::max(ileum->sdf(p) - reach, region);
                }),
            26, kFluid, fat, 4, 0.1);
        // A short segment of the loop beside the haematoma: its wall thickened to about 7 mm by blood and oedema
        // (narrowing the lumen), with an enhancing inner layer.
        auto segment = [ileum](double grow) {
            return std::make_shared<Implicit>(
                [](double z, Box2& b) {
                    if (std::abs(z - kInjuredLoop.z) > 20) return false;
                    b = {kInjuredLoop.x - 20, kInjuredLoop.y - 20, kInjuredLoop.x + 20, kInjuredLoop.y + 20};
                    return true;
                },
                [ileum, grow](const dvec3& p) {
                    const double ball = glm::length(p - kInjuredLoop) - 17.0;
                    return std::max({ileum->sdf(p), -ileum->sdf(p) - grow, ball});
                });
        };
        const TissueMask loop = bit(kBowel) | bit(kBowelContent) | bit(kAir);
        add(m, segment(7.0), H(48, 85, 95), kBowel, loop, 8, 0.15);
        add(m, segment(1.2), H(45, 105, 120), kBowel, bit(kBowel), 6, 0.15);  // the serosa enhances
        add(m, subtract(segment(7.0), segment(5.5)), H(45, 130, 150), kBowel, bit(kBowel), 6, 0.2);  // mucosa
    }
    if (m.has("seatbelt_sign")) {
        StructureScope injury(m, "seatbelt_sign");
        // Where the lap belt lay: the subcutaneous fat across the lower abdomen hazy, with streaks of oedema and
        // blood.
        auto band = [](double zHalf) {
            return std::make_shared<Implicit>(
                [zHalf](double z, Box2& b) {
                    if (std::abs(z + 700) > zHalf + 6) return false;
                    b = {-140, -110, 140, -58};
                    return true;
                },
                [zHalf](const dvec3& p) {
                    const double half = zHalf + 5.0 * valueNoise(p * 0.05, 461);
                    return std::max({std::abs(p.z + 700 + 0.06 * p.x) - half, p.y + 62.0, std::abs(p.x) - 125.0});
                });
        };
        add(m, band(14), -52, kFat, bit(kFat), 22, 0.12);
        add(m, strands(band(12), 0.16, 1.2, 463), -5, kFat, bit(kFat), 10, 0.2).thin = 1.2;
    }
    if (m.has("endobronchial_intubation")) {
        StructureScope injury(m, "endobronchial_intubation");
        // The tube (anatomy) ventilates the right lung alone. The left upper lobe, still open, holds less air; the
        // left lower lobe has lost its air: dense lung that enhances, its vessels brighter still, no air bronchogram.
        auto lung = m.organs.at("lung_left");
        add(m, lung, -640, kLung, bit(kLung), 30, 0.15);
        add(m, intersect(lung, halfSpace(kCollapsedFissure, -kCollapsedFissureNormal)), H(40, 95, 85), kLung,
            bit(kLung) | bit(kAirway), 8, 0.15);
    }
    if (m.has("pneumomediastinum")) {
        StructureScope injury(m, "pneumomediastinum");
        // Gas from ruptured alveoli tracks along the bronchovascular sheaths to the hila and spreads in the
        // mediastinal fat round the airway, oesophagus and arch, and up into the neck: streaks a few millimetres
        // thick just outside each wall, broken where the noise says so. Only fat and muscle take it, never the airway,
        // lung, vessels or the oesophagus's wall.
        auto streaks = [](ShapePtr organ, double wall, double depth, double zLo, double zHi, std::uint64_t salt) {
            return std::make_shared<Implicit>(
                [organ, wall, depth, zLo, zHi](double z, Box2& b) {
                    if (z < zLo || z > zHi || !organ->sliceBox(z, b)) return false;
                    const double r = wall + depth + 1;
                    b = {b.x0 - r, b.y0 - r, b.x1 + r, b.y1 + r};
                    return true;
                },
                [organ, wall, depth, zLo, zHi, salt](const dvec3& p) {
                    const double t = depth * std::clamp(valueNoise(p * 0.07, salt) * 2.5 + 0.5, 0.0, 1.0);
                    if (t < 0.6) return 4.0;
                    const double d = organ->sdf(p);
                    return std::max({wall - d, d - wall - t, zLo - p.z, p.z - zHi});
                });
        };
        const TissueMask soft = bit(kMediastinalFat) | bit(kFat) | bit(kVisceralFat) | bit(kMuscle);
        auto gas = [&](ShapePtr s) { add(m, std::move(s), -1000, kAir, soft, 0, 0.1, mw); };
        gas(streaks(m.organs.at("trachea"), 2.4, 4.5, -330, -175, 471));
        gas(streaks(m.organs.at("oesophagus"), 0.4, 4.0, -360, -175, 472));
        gas(streaks(m.organs.at("aorta"), 0.5, 4.0, -345, -290, 473));
        gas(streaks(m.organs.at("main_bronchus_right"), 2.2, 3.5, -375, -330, 474));
        gas(streaks(m.organs.at("main_bronchus_left"), 2.2, 3.5, -385, -330, 475));
    }
}

std::set<std::string> canonicalInjuries(const PhantomOptions& options) {
    std::set<std::string> out;
    for (const auto& id : options.injuries) {
        const InjuryInfo* info = findInjury(id);
        if (!info) {
            std::string valid;
            for (const auto& i : injuryLibrary()) valid += (valid.empty() ? "" : ", ") + i.id;
            throw PhantomError("phantom: unknown injury '" + id + "' (known: " + valid + ")");
        }
        out.insert(info->id);
    }
    return out;
}

}  // namespace detail

std::vector<Finding> groundTruth(const PhantomOptions& options) {
    detail::canonicalInjuries(options);  // validates
    std::vector<Finding> out;
    std::set<std::string> seen;
    for (const auto& id : options.injuries) {
        const InjuryInfo* info = findInjury(id);
        if (!seen.insert(info->id).second) continue;
        const auto g = detail::injuryGeometry(info->id);
        Finding f;
        f.id = info->id;
        f.label = info->label;
        f.synonyms = info->synonyms;
        f.acrCategory = info->acrCategory;
        f.region = info->region;
        f.centreLps = g.centre;
        f.extentMm = g.extent;
        f.expertDescription = info->description;
        f.series = g.series;
        f.affectedMinLps = g.affectedMin;
        f.affectedMaxLps = g.affectedMax;
        out.push_back(std::move(f));
    }
    return out;
}

std::string findingsJson(const std::vector<Finding>& findings) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    auto v3 = [](const glm::dvec3& v) { return nlohmann::ordered_json::array({v.x, v.y, v.z}); };
    for (const auto& f : findings) {
        nlohmann::ordered_json j;
        j["id"] = f.id;
        j["label"] = f.label;
        j["synonyms"] = f.synonyms;
        j["acr_category"] = f.acrCategory;
        j["region"] = f.region;
        j["centre_lps"] = v3(f.centreLps);
        j["extent_mm"] = v3(f.extentMm);
        j["series"] = std::string(seriesKindName(f.series));
        j["expert_description"] = f.expertDescription;
        j["phantom_injury"] = f.id;
        j["affected_min_lps"] = v3(f.affectedMinLps);
        j["affected_max_lps"] = v3(f.affectedMaxLps);
        arr.push_back(j);
    }
    return arr.dump(2) + "\n";
}

namespace {
// A TOML basic string: quotes, backslashes and control characters escaped.
std::string tomlString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string tomlVec(const glm::dvec3& v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "[%.1f, %.1f, %.1f]", v.x, v.y, v.z);
    return buf;
}
}  // namespace

std::string findingsToml(const std::vector<Finding>& findings) {
    // Every value is written out, not only `injury`, so the block also serves a scenario that reads this study as
    // DICOM from disk, where there is no phantom to fill the ground truth in.
    std::string out =
        "# Ground truth of the synthetic patient, in the scenario file's [[findings]] syntax\n"
        "# (scenarios/README.md). Add deadline, tell, windows and teaching_point per case.\n"
        "# In a case that reads this study from disk as DICOM, delete the `injury` lines.\n";
    for (const auto& f : findings) {
        out += "\n[[findings]]\n";
        out += "id = " + tomlString(f.id) + "\n";
        out += "injury = " + tomlString(f.id) + "\n";
        out += "label = " + tomlString(f.label) + "\n";
        out += "synonyms = [";
        for (std::size_t i = 0; i < f.synonyms.size(); ++i) out += (i ? ", " : "") + tomlString(f.synonyms[i]);
        out += "]\n";
        out += "category = " + std::to_string(f.acrCategory) + "\n";
        out += "region = " + tomlString(f.region) + "\n";
        out += "centre = " + tomlVec(f.centreLps) + "\n";
        out += "extent = " + tomlVec(f.extentMm) + "\n";
        out += "description = " + tomlString(f.expertDescription) + "\n";
    }
    return out;
}

}  // namespace polysim::phantom

// Landmarks to reading-order regions: where a radiologist puts each region's limits (clinical reference, section 2).
#include "scenario/image_regions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "scenario/loader.h"

namespace polysim::scenario {
namespace {
using imaging::ZInterval;

constexpr double kMinRegionMm = 20;  // a region shorter than this is too little of it to read

std::string mm(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
}
double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}
}  // namespace

std::vector<Region> regionsFromLandmarks(const imaging::BodyLandmarks& L, std::vector<std::string>* why) {
    if (!L.body) {
        if (why) why->push_back("no body found in the images: no region could be placed");
        return {};
    }
    std::map<std::string, ZInterval> z;
    std::map<std::string, std::string> how;
    auto say = [&](const std::string& id, const std::string& text) { how[id] = text; };
    const ZInterval body = *L.body;
    auto put = [&](const std::string& id, double from, double to, const std::string& text) {
        from = std::max(from, L.volume.fromMm);
        to = std::min(to, L.volume.toMm);
        if (to - from < kMinRegionMm) {
            say(id, "left out: only " + mm(std::max(0.0, to - from)) + " mm of it in the images (" + text + ")");
            return;
        }
        z[id] = {from, to};
        say(id, mm(from) + " to " + mm(to) + " mm: " + text);
    };

    // Head: the cranium, with the face and mandible below the skull base, up to the vertex.
    if (L.cranium) {
        double top = L.vertex ? *L.vertex : std::max(L.cranium->toMm, std::min(body.toMm, L.cranium->toMm + 30));
        put("head", *L.skullBase - 40, top,
            "skull base - 40 mm (face, mandible) to " +
                std::string(L.vertex ? "the vertex" : "the top of the skull in the images"));
    } else {
        say("head", "left out: no cranial cavity in the images");
    }

    // Airway and neck: from the skull base (or the top of the images) down to the carina.
    {
        const double top = L.skullBase ? *L.skullBase : body.toMm;
        std::optional<double> bottom;
        std::string text;
        if (L.carina) {
            bottom = *L.carina;
            text = "the carina to ";
        } else if (L.lungs) {
            const double floor = L.higherDome() ? *L.higherDome() : L.lungs->fromMm;
            bottom = L.lungs->toMm - 0.4 * (L.lungs->toMm - floor);
            text = "the carina (estimated 40 % of the way from the lung apex to the diaphragm) to ";
        } else if (L.skullBase) {
            bottom = body.fromMm;
            text = "the lowest neck slice to ";
        }
        if (bottom)
            put("airway", *bottom, top, text + (L.skullBase ? "the skull base" : "the top of the images"));
        else
            say("airway", "left out: neither lungs nor a skull base to place the neck by");
    }

    if (L.lungs) {
        put("chest_lungs", L.lungs->fromMm, L.lungs->toMm, "lung bases to apices (air inside the body)");
        const double floor = L.lowerDome() ? *L.lowerDome() : L.lungs->fromMm;
        put("chest_mediastinum", floor, L.lungs->toMm,
            std::string(L.lowerDome() ? "lower diaphragm dome" : "lung bases") + " to the lung apices");
    } else {
        say("chest_lungs", "left out: no lungs in the images");
        say("chest_mediastinum", "left out: no lungs in the images");
    }

    // Abdomen and pelvis: from the higher diaphragm dome down to below the pubic symphysis. On a chest CT only the
    // part below the lung bases counts as abdomen of its own.
    {
        std::optional<double> top;
        std::string text;
        if (L.lungs) {
            if (body.fromMm < L.lungs->fromMm - kMinRegionMm) {
                top = L.higherDome() ? *L.higherDome() : L.lungs->fromMm;
                text = L.higherDome() ? "higher diaphragm dome" : "lung bases";
            }
        } else if (!L.cranium) {
            top = body.toMm;
            text = "top of the images";
        }
        double bottom = body.fromMm;
        std::string low = "the lowest slice";
        if (L.pelvisBottom)
            bottom = *L.pelvisBottom - 10, low = "10 mm below the pubic symphysis";
        else if (L.thighs)
            bottom = L.thighs->toMm, low = "the top of the thighs";
        if (top)
            put("abdomen_pelvis", bottom, *top, low + " to the " + text);
        else
            say("abdomen_pelvis",
                L.cranium ? "left out: a head and neck study" : "left out: the images end above the lung bases");
    }

    // The cervical spine is read early, with the airway; the thoracolumbar spine is the rest of the column below it.
    if (L.cervicalSpine)
        put("cervical_spine", L.cervicalSpine->fromMm, L.cervicalSpine->toMm,
            std::string("vertebrae in the posterior midline from ") +
                (L.lungs ? "the lung apices" : "the lowest slice") + " to " +
                (L.skullBase ? "the skull base" : "the top of the spine"));
    else
        say("cervical_spine", L.spine ? "left out: no vertebrae between the lung apices and the skull base"
                                      : "left out: no vertebrae in the images");
    if (L.spine)
        put("spine", L.spine->fromMm,
            L.cervicalSpine ? std::min(L.spine->toMm, L.cervicalSpine->fromMm) : L.spine->toMm,
            std::string("vertebrae in the posterior midline") + (L.cervicalSpine ? " below the cervical spine" : ""));
    else
        say("spine", "left out: no vertebrae in the images");
    if (L.thighs)
        put("extremities", L.thighs->fromMm, L.thighs->toMm, "the thighs apart below the pelvis");
    else
        say("extremities", "left out: no thighs in the images");

    std::vector<Region> out;
    for (const auto& id : defaultReadingOrder()) {
        if (why && how.count(id)) why->push_back(id + ": " + how[id]);
        auto it = z.find(id);
        if (it == z.end()) continue;
        const Region* t = defaultRegionTemplate(id);
        if (!t) continue;
        Region r = *t;
        r.zFromMm = round1(it->second.fromMm);
        r.zToMm = round1(it->second.toMm);
        fillPlaneSpans(r, false);  // where the spine lies across the images is not known: axial slices only
        out.push_back(r);
    }
    return out;
}

std::vector<Region> mergeRegions(const std::vector<std::vector<Region>>& perSeries) {
    std::vector<Region> out;
    for (const auto& id : defaultReadingOrder()) {
        std::optional<Region> merged;
        for (const auto& list : perSeries)
            for (const auto& r : list) {
                if (r.id != id) continue;
                if (!merged) merged = r;
                merged->zFromMm = std::min(merged->zFromMm, r.zFromMm);
                merged->zToMm = std::max(merged->zToMm, r.zToMm);
            }
        if (merged) out.push_back(*merged);
    }
    return out;
}

std::optional<phantom::SeriesKind> seriesKindFromImages(const imaging::BodyLandmarks& L,
                                                        const imaging::ContrastEstimate& c) {
    if (L.cranium && !L.lungs && c.phase == imaging::ContrastPhase::Unknown) return phantom::SeriesKind::Head;
    switch (c.phase) {
        case imaging::ContrastPhase::NonContrast:
            return phantom::SeriesKind::NonContrast;
        case imaging::ContrastPhase::Arterial:
            return phantom::SeriesKind::Arterial;
        case imaging::ContrastPhase::PortalVenous:
            return phantom::SeriesKind::PortalVenous;
        case imaging::ContrastPhase::Unknown:
            break;
    }
    return std::nullopt;
}

}  // namespace polysim::scenario

// Authoring on the images (see authoring_canvas.h): the pure geometry first, then the canvas that draws the boxes
// and region limits over the viewer and turns mouse drags into edits of the model.
#include "gui/authoring_canvas.h"
#include "gui/palette.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

namespace polysim::gui {
namespace {
constexpr double kGripPx = 6;       // how close to an edge of the selected box grabs it
constexpr double kOtherGripPx = 4;  // the same for the outline of a box that is not selected
constexpr double kLimitGripPx = 5;  // how close to a region limit line grabs it
constexpr double kClickPx = 3;      // a press that moves less than this is a click, not a drag
constexpr double kLabelCharPx = 7;  // width of one character of the default font, for hit tests without ImGui
constexpr double kLabelHeightPx = 15;

using palette::kBox;
using palette::kBoxFill;
using palette::kBoxSelected;
using palette::kDrawing;
using palette::kRegion;
using palette::kRegionLabel;
using palette::kRegionSelected;
using palette::kShadow;

FindingBox boxOf(const scenario::Finding& f) {
    return {f.centreLps, f.extentMm};
}

void textWithShadow(ImDrawList* l, ImVec2 p, ImU32 col, const std::string& s, float size = 0) {
    if (size <= 0) size = ImGui::GetFontSize();
    l->AddText(ImGui::GetFont(), size, ImVec2(p.x + 1, p.y + 1), kShadow, s.c_str());
    l->AddText(ImGui::GetFont(), size, p, col, s.c_str());
}

// Whole pixels, so one-pixel outlines stay crisp.
ImVec2 snapped(glm::dvec2 p) {
    return ImVec2(std::floor(float(p.x)), std::floor(float(p.y)));
}

glm::dvec2 clampTo(const ImageRect& r, glm::dvec2 p) {
    return glm::clamp(p, r.min, r.max);
}

// Box of a finding in one view, ignoring whether the plane cuts it (for dragging from where it was).
PixelRect pixelRectOf(const FindingBox& box, const PlaneFrame& f) {
    glm::dvec2 a = f.toPixels(box.centreLps - box.extentMm * 0.5), b = f.toPixels(box.centreLps + box.extentMm * 0.5);
    return {glm::min(a, b), glm::max(a, b)};
}
}  // namespace

std::optional<PixelRect> boxInView(const FindingBox& box, const PlaneFrame& f) {
    const double reach = std::max(box.extentMm[f.normalAxis] * 0.5, f.sliceThicknessMm * 0.5);
    if (std::abs(f.sliceMm - box.centreLps[f.normalAxis]) > reach + 1e-6) return std::nullopt;
    return pixelRectOf(box, f);
}

BoxGrip gripAt(const PixelRect& r, glm::dvec2 px, double tol) {
    BoxGrip g;
    if (px.x < r.min.x - tol || px.x > r.max.x + tol || px.y < r.min.y - tol || px.y > r.max.y + tol) return g;
    // Inwards an edge reaches at most a quarter of the box, so a small box can still be moved from its middle.
    const glm::dvec2 in = glm::min(glm::dvec2(tol), r.size() * 0.25);
    g.left = px.x <= r.min.x + in.x;
    g.right = px.x >= r.max.x - in.x;
    g.top = px.y <= r.min.y + in.y;
    g.bottom = px.y >= r.max.y - in.y;
    if (g.left && g.right) (std::abs(px.x - r.min.x) <= std::abs(px.x - r.max.x) ? g.right : g.left) = false;
    if (g.top && g.bottom) (std::abs(px.y - r.min.y) <= std::abs(px.y - r.max.y) ? g.bottom : g.top) = false;
    g.inside = !g.edge() && r.contains(px);
    return g;
}

FindingBox dragBox(const FindingBox& start, const PlaneFrame& f, BoxGrip grip, glm::dvec2 fromPx, glm::dvec2 toPx) {
    FindingBox b = start;
    const glm::dvec2 d = toPx - fromPx;
    if (!grip.edge()) {
        if (grip.inside) {
            b.centreLps[f.acrossAxis] += std::round(d.x / f.pxPerMm.x);
            b.centreLps[f.downAxis] += std::round(d.y / f.pxPerMm.y);
        }
        return b;
    }
    // One patient axis: the screen's low side (left or top) is the low mm bound when mm grow along the screen.
    auto resize = [&](int axis, double pxPerMm, bool lowSide, bool highSide, double dPx) {
        double lo = start.centreLps[axis] - start.extentMm[axis] * 0.5;
        double hi = start.centreLps[axis] + start.extentMm[axis] * 0.5;
        const double dMm = dPx / pxPerMm;
        const bool moveLo = pxPerMm > 0 ? lowSide : highSide;
        const bool moveHi = pxPerMm > 0 ? highSide : lowSide;
        if (moveLo) lo = std::min(std::round(lo + dMm), hi - 1.0);
        if (moveHi) hi = std::max(std::round(hi + dMm), lo + 1.0);
        b.centreLps[axis] = (lo + hi) * 0.5;
        b.extentMm[axis] = hi - lo;
    };
    resize(f.acrossAxis, f.pxPerMm.x, grip.left, grip.right, d.x);
    resize(f.downAxis, f.pxPerMm.y, grip.top, grip.bottom, d.y);
    return b;
}

FindingBox boxFromDrawnRect(const PlaneFrame& f, glm::dvec2 aPx, glm::dvec2 bPx) {
    const glm::dvec3 a = f.toLps(aPx), b = f.toLps(bPx);
    FindingBox box;
    for (int axis : {f.acrossAxis, f.downAxis}) {
        double lo = std::round(std::min(a[axis], b[axis])), hi = std::round(std::max(a[axis], b[axis]));
        if (hi - lo < 1.0) hi = lo + 1.0;
        box.centreLps[axis] = (lo + hi) * 0.5;
        box.extentMm[axis] = hi - lo;
    }
    box.centreLps[f.normalAxis] = f.sliceMm;
    box.extentMm[f.normalAxis] = std::min(box.extentMm[f.acrossAxis], box.extentMm[f.downAxis]);
    return box;
}

std::vector<LimitGrip> limitsAt(const std::vector<scenario::Region>& regions, const PlaneFrame& f, glm::dvec2 px,
                                double tol) {
    std::vector<std::pair<double, LimitGrip>> near;
    if (f.downAxis != 2) return {};
    for (int i = 0; i < int(regions.size()); ++i)
        for (bool upper : {true, false}) {
            const auto& r = regions[std::size_t(i)];
            const double distance = std::abs(px.y - (f.pxAtZero.y + f.pxPerMm.y * (upper ? r.zToMm : r.zFromMm)));
            // Lines less than a pixel apart count as the same height: the one region order puts first leads.
            if (distance <= tol) near.push_back({std::floor(distance), LimitGrip{i, upper}});
        }
    std::stable_sort(near.begin(), near.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<LimitGrip> out;
    for (const auto& n : near) out.push_back(n.second);
    return out;
}

LimitGrip limitAt(const std::vector<scenario::Region>& regions, const PlaneFrame& f, glm::dvec2 px, double tol,
                  int preferred) {
    const auto all = limitsAt(regions, f, px, tol);
    for (const auto& g : all)
        if (g.region == preferred) return g;
    return all.empty() ? LimitGrip{} : all.front();
}

int regionAfterClick(const std::vector<LimitGrip>& underMouse, int selected, int pressed) {
    std::vector<int> regions;
    for (const auto& g : underMouse)
        if (std::find(regions.begin(), regions.end(), g.region) == regions.end()) regions.push_back(g.region);
    const auto at = std::find(regions.begin(), regions.end(), selected);
    if (at == regions.end()) return pressed;
    return *(std::next(at) == regions.end() ? regions.begin() : std::next(at));
}

std::string regionShortName(const scenario::Region& r) {
    if (!r.label.empty() && r.label.size() <= 14) return r.label;
    std::string name = r.id;
    std::replace(name.begin(), name.end(), '_', ' ');
    if (!name.empty()) name[0] = char(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
}

std::vector<std::optional<double>> stackLabels(const std::vector<double>& wishes, double height, double top,
                                               double bottom) {
    std::vector<std::size_t> order(wishes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return wishes[a] < wishes[b]; });
    // Without room for all, the lowest are left out: the head end, read first, stays labelled.
    const std::size_t fit = height > 0 ? std::size_t(std::max(0.0, std::floor((bottom - top) / height))) : 0;
    if (order.size() > fit) order.resize(fit);
    std::vector<double> y(order.size());
    for (std::size_t k = 0; k < order.size(); ++k)  // downwards: below the one above
        y[k] = std::max(std::max(wishes[order[k]], top), k ? y[k - 1] + height : top);
    for (std::size_t k = order.size(); k-- > 0;)  // upwards: above the one below and the bottom
        y[k] = std::min(y[k], (k + 1 < order.size() ? y[k + 1] : bottom) - height);
    std::vector<std::optional<double>> out(wishes.size());
    for (std::size_t k = 0; k < order.size(); ++k) out[order[k]] = y[k];
    return out;
}

void moveLimit(scenario::Region& r, bool upper, double zMm) {
    // A region keeps at least 1 mm: the format wants the lower limit below the upper one.
    const double z = std::round(zMm);
    if (upper)
        r.zToMm = std::max(z, r.zFromMm + 1);
    else
        r.zFromMm = std::min(z, r.zToMm - 1);
}

ImGuiMouseCursor cursorFor(BoxGrip g) {
    if ((g.left && g.top) || (g.right && g.bottom)) return ImGuiMouseCursor_ResizeNWSE;
    if ((g.right && g.top) || (g.left && g.bottom)) return ImGuiMouseCursor_ResizeNESW;
    if (g.left || g.right) return ImGuiMouseCursor_ResizeEW;
    if (g.top || g.bottom) return ImGuiMouseCursor_ResizeNS;
    if (g.inside) return ImGuiMouseCursor_ResizeAll;
    return ImGuiMouseCursor_Arrow;
}

AuthoringCanvas::Hit AuthoringCanvas::hitAt(AuthoringContext& ctx, Plane plane, glm::dvec2 px) const {
    Hit hit;
    const auto& s = ctx.model.scenario();
    const PlaneFrame frame = ctx.viewer.frame(plane);
    const int selected = ctx.selection.finding;
    if (selected >= 0 && selected < int(s.findings.size()))
        if (auto r = boxInView(boxOf(s.findings[std::size_t(selected)]), frame)) {
            BoxGrip g = gripAt(*r, px, kGripPx);
            if (g.any()) return {Drag::Box, selected, g, {}};
        }
    if (showRegions_ && plane != Plane::Axial)
        if (LimitGrip l = limitAt(s.regions, frame, px, kLimitGripPx, ctx.selection.region); l.any())
            return {Drag::Limit, -1, {}, l};
    // Other boxes are picked by their outline or their label; inside them a click still moves the crosshair.
    for (int i = int(s.findings.size()) - 1; i >= 0; --i) {
        if (i == selected) continue;
        const auto& f = s.findings[std::size_t(i)];
        auto r = boxInView(boxOf(f), frame);
        if (!r) continue;
        if (BoxGrip g = gripAt(*r, px, kOtherGripPx); g.edge()) return {Drag::Box, i, g, {}};
        PixelRect label{{r->min.x, r->min.y - kLabelHeightPx},
                        {r->min.x + kLabelCharPx * double(f.id.size()), r->min.y}};
        if (label.contains(px)) {
            BoxGrip move;
            move.inside = true;
            return {Drag::Box, i, move, {}};
        }
    }
    return hit;
}

ImGuiMouseCursor AuthoringCanvas::hoverCursor(AuthoringContext& ctx) const {
    if (drag_ == Drag::Box) return cursorFor(dragGrip_);
    if (drag_ == Drag::Limit) return ImGuiMouseCursor_ResizeNS;
    if (drag_ == Drag::Draw || tool_ == Tool::DrawBox || !ctx.viewer.volume()) return ImGuiMouseCursor_Arrow;
    auto plane = ctx.viewer.viewAt(mouse_);
    if (!plane) return ImGuiMouseCursor_Arrow;
    Hit hit = hitAt(ctx, *plane, mouse_);
    if (hit.kind == Drag::Box) return cursorFor(hit.grip);
    if (hit.kind == Drag::Limit) return ImGuiMouseCursor_ResizeNS;
    return ImGuiMouseCursor_Arrow;
}

bool AuthoringCanvas::handleEvent(const SDL_Event& e, AuthoringContext& ctx, bool imguiWantsMouse) {
    auto& s = ctx.model.scenario();
    switch (e.type) {
        case SDL_MOUSEMOTION: {
            mouse_ = {e.motion.x, e.motion.y};
            if (drag_ == Drag::None) return false;
            if (!moved_ && glm::length(mouse_ - pressPx_) >= kClickPx) moved_ = true;
            if (moved_) applyDrag(ctx, mouse_);
            return true;
        }
        case SDL_MOUSEBUTTONDOWN: {
            mouse_ = {e.button.x, e.button.y};
            if (e.button.button != SDL_BUTTON_LEFT || imguiWantsMouse || !ctx.viewer.volume() || drag_ != Drag::None)
                return false;
            auto plane = ctx.viewer.viewAt(mouse_);
            if (!plane) return false;
            Hit hit;
            if (tool_ == Tool::DrawBox) {
                const ImageRect image = ctx.viewer.imageRect(*plane);
                if (mouse_ != clampTo(image, mouse_)) return false;  // off the image: the viewer's business
                hit.kind = Drag::Draw;
            } else {
                hit = hitAt(ctx, *plane, mouse_);
                if (hit.kind == Drag::None) return false;
            }
            drag_ = hit.kind;
            dragPlane_ = *plane;
            dragFrame_ = ctx.viewer.frame(*plane);
            pressPx_ = mouse_;
            moved_ = false;
            if (hit.kind == Drag::Box) {
                ctx.selection.finding = dragFinding_ = hit.finding;
                dragGrip_ = hit.grip;
                startBox_ = boxOf(s.findings[std::size_t(hit.finding)]);
            } else if (hit.kind == Drag::Limit) {
                selectedBeforePress_ = ctx.selection.region;
                ctx.selection.region = hit.limit.region;
                dragLimit_ = hit.limit;
                const auto& r = s.regions[std::size_t(hit.limit.region)];
                startLimitMm_ = hit.limit.upper ? r.zToMm : r.zFromMm;
            }
            return true;
        }
        case SDL_MOUSEBUTTONUP: {
            mouse_ = {e.button.x, e.button.y};
            if (e.button.button != SDL_BUTTON_LEFT || drag_ == Drag::None) return false;
            finishDrag(ctx, mouse_);
            return true;
        }
        default:  // keys are bound commands: routeAuthoringEvent cancels a drag on authoring.cancel

            return false;
    }
}

void AuthoringCanvas::cancelDrag(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    if (drag_ == Drag::Box && moved_ && dragFinding_ < int(s.findings.size())) {
        auto& f = s.findings[std::size_t(dragFinding_)];
        f.centreLps = startBox_.centreLps, f.extentMm = startBox_.extentMm;
        ctx.model.touch();
    } else if (drag_ == Drag::Limit && moved_ && dragLimit_.region < int(s.regions.size())) {
        auto& r = s.regions[std::size_t(dragLimit_.region)];
        (dragLimit_.upper ? r.zToMm : r.zFromMm) = startLimitMm_;
        ctx.model.touch();
    }
    drag_ = Drag::None;
}

void AuthoringCanvas::applyDrag(AuthoringContext& ctx, glm::dvec2 px) {
    auto& s = ctx.model.scenario();
    if (drag_ == Drag::Box && dragFinding_ < int(s.findings.size())) {
        auto& f = s.findings[std::size_t(dragFinding_)];
        FindingBox b = dragBox(startBox_, dragFrame_, dragGrip_, pressPx_, px);
        if (b.centreLps != f.centreLps || b.extentMm != f.extentMm) {
            f.centreLps = b.centreLps, f.extentMm = b.extentMm;
            ctx.model.touch();
        }
    } else if (drag_ == Drag::Limit && dragLimit_.region < int(s.regions.size())) {
        auto& r = s.regions[std::size_t(dragLimit_.region)];
        const double before = dragLimit_.upper ? r.zToMm : r.zFromMm;
        moveLimit(r, dragLimit_.upper, dragFrame_.toLps(px)[2]);
        if ((dragLimit_.upper ? r.zToMm : r.zFromMm) != before) ctx.model.touch();
    }
}

void AuthoringCanvas::finishDrag(AuthoringContext& ctx, glm::dvec2 px) {
    const Drag kind = drag_;
    drag_ = Drag::None;
    if (moved_) applyDrag(ctx, px);
    if (kind == Drag::Draw && moved_) {
        const ImageRect image = ctx.viewer.imageRect(dragPlane_);
        const glm::dvec2 a = clampTo(image, pressPx_), b = clampTo(image, px);
        if (std::abs(a.x - b.x) >= kClickPx && std::abs(a.y - b.y) >= kClickPx) {
            FindingBox box = boxFromDrawnRect(dragFrame_, a, b);
            auto& f = ctx.model.addFindingAt(box.centreLps);
            f.extentMm = box.extentMm;
            ctx.model.touch();
            ctx.selection.finding = int(ctx.model.scenario().findings.size()) - 1;
            tool_ = Tool::Edit;  // the new box is ready to be adjusted
        }
        return;
    }
    // Clicks on limits that lie on one another go round their regions.
    if (!moved_ && kind == Drag::Limit)
        ctx.selection.region =
            regionAfterClick(limitsAt(ctx.model.scenario().regions, dragFrame_, pressPx_, kLimitGripPx),
                             selectedBeforePress_, dragLimit_.region);
    // A click on a box (or with the draw tool) is still the viewer's click: it moves the crosshair there.
    if (!moved_ && kind != Drag::Limit) ctx.viewer.execute("crosshair.move", dragPlane_, {0.0, 0.0}, px);
}

namespace {
// Text as room allows, at `size` pixels: cut with "..." to `width` pixels.
std::string fitted(const std::string& text, float width, float size = 0) {
    if (size <= 0) size = ImGui::GetFontSize();
    auto widthOf = [&](const std::string& t) {
        return ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0.f, t.c_str()).x;
    };
    if (widthOf(text) <= width) return text;
    std::string cut = text;
    while (!cut.empty() && widthOf(cut + "...") > width) cut.pop_back();
    while (!cut.empty() && (cut.back() == ' ' || cut.back() == ':' || cut.back() == ',')) cut.pop_back();
    return cut.empty() ? std::string() : cut + "...";
}
}  // namespace

void AuthoringCanvas::drawRegionLimits(ImDrawList* l, AuthoringContext& ctx, Plane plane) const {
    const auto& regions = ctx.model.scenario().regions;
    const ImageRect bounds = ctx.viewer.viewBounds(plane);
    const PlaneFrame frame = ctx.viewer.frame(plane);
    const int selected = ctx.selection.region;
    // Every limit gets a tick and a short name in a strip along the view's right edge (inside the orientation
    // letter), pushed apart so the names never pile up; limits at one height share one name. The selected region's
    // two limits are drawn bright, with its full name and z beside the line.
    struct Tick {
        float y;
        std::vector<std::pair<int, bool>> limits;  // region, upper
    };
    std::vector<Tick> ticks;
    auto yOf = [&](const scenario::Region& r, bool upper) {
        return std::floor(float(frame.pxAtZero.y + frame.pxPerMm.y * (upper ? r.zToMm : r.zFromMm)));
    };
    for (int i = 0; i < int(regions.size()); ++i)
        for (bool upper : {true, false}) {
            const float y = yOf(regions[std::size_t(i)], upper);
            if (y < bounds.min.y || y > bounds.max.y) continue;
            // Dashed, so a limit is not mistaken for the crosshair.
            if (i != selected)
                for (float x = float(bounds.min.x); x < float(bounds.max.x); x += 14.f)
                    l->AddLine(ImVec2(x, y), ImVec2(std::min(x + 9.f, float(bounds.max.x)), y), kRegion, 1.f);
            auto same =
                std::find_if(ticks.begin(), ticks.end(), [&](const Tick& t) { return std::abs(t.y - y) < 2.f; });
            if (same == ticks.end())
                ticks.push_back({y, {{i, upper}}});
            else
                same->limits.push_back({i, upper});
        }
    std::sort(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) { return a.y < b.y; });

    const float font = std::round(ImGui::GetFontSize() * 0.8125f);  // the timeline's size: names, not reading matter
    auto widthOf = [&](const std::string& t) {
        return ImGui::GetFont()->CalcTextSizeA(font, FLT_MAX, 0.f, t.c_str()).x;
    };
    // Each region at a tick has a line of its own (limits at one height share the tick, not a line), so no name is
    // cut to make room for another; the strip is as wide as the longest name, up to almost half the view.
    struct Line {
        std::size_t tick;
        int region;
        std::string name;
    };
    std::vector<Line> lines;
    float widest = 0;
    for (std::size_t k = 0; k < ticks.size(); ++k) {
        std::vector<std::string> named;
        for (const auto& limit : ticks[k].limits) {
            std::string name = regionShortName(regions[std::size_t(limit.first)]);
            if (std::find(named.begin(), named.end(), name) != named.end()) continue;
            named.push_back(name);
            widest = std::max(widest, widthOf(name));
            lines.push_back({k, limit.first, std::move(name)});
        }
    }
    const float stripRight = float(bounds.max.x) - 16,
                stripWidth = std::clamp(widest + 12, 60.f, std::max(60.f, float(bounds.size().x) * 0.45f));
    const float stripLeft = stripRight - stripWidth;
    l->AddRectFilled(ImVec2(stripLeft - 2, float(bounds.min.y)), ImVec2(stripRight + 2, float(bounds.max.y)),
                     palette::kRegionStrip);
    for (const auto& t : ticks) {
        bool isSelected = false;
        for (const auto& limit : t.limits) isSelected = isSelected || limit.first == selected;
        const ImU32 col = isSelected ? kRegionSelected : kRegionLabel;
        // The tick: a short bracket into the region (down from a top limit, up from a bottom one).
        l->AddLine(ImVec2(stripLeft - 6, t.y), ImVec2(stripLeft + 2, t.y), col, 1.5f);
        for (const auto& [region, upper] : t.limits)
            l->AddLine(ImVec2(stripLeft - 6, t.y), ImVec2(stripLeft - 6, t.y + (upper ? 4.f : -4.f)), col, 1.5f);
    }
    // The names of one tick centred on it, one under the other; then all pushed apart so none overlaps another.
    const float lineHeight = font + 1;
    std::vector<double> wishes;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        std::size_t first = n, count = 0;
        while (first > 0 && lines[first - 1].tick == lines[n].tick) --first;
        for (const auto& line : lines) count += line.tick == lines[n].tick;
        wishes.push_back(ticks[lines[n].tick].y - lineHeight * float(count) * 0.5f + lineHeight * float(n - first));
    }
    const auto places = stackLabels(wishes, lineHeight, bounds.min.y + 2, bounds.max.y - 2);
    for (std::size_t n = 0; n < lines.size(); ++n) {
        if (!places[n]) continue;
        const float tickY = ticks[lines[n].tick].y, y = float(*places[n]);
        const ImU32 col = lines[n].region == selected ? kRegionSelected : kRegionLabel;
        if (std::abs(y + font * 0.5f - tickY) > 2)  // away from its line: a leader from the tick
            l->AddLine(ImVec2(stripLeft + 2, tickY), ImVec2(stripLeft + 6, y + font * 0.5f), col, 1.f);
        const std::string shown = fitted(lines[n].name, stripWidth - 10, font);
        const ImVec2 at = snapped({stripLeft + 8, y});
        textWithShadow(l, at, col, shown, font);
        limitLabels_.push_back({lines[n].region, shown, at, ImVec2(at.x + widthOf(shown), at.y + font)});
    }

    // The selected region: solid lines, and its full name with top/bottom and z inside the region, left of the strip.
    if (selected < 0 || selected >= int(regions.size())) return;
    const auto& r = regions[std::size_t(selected)];
    const float top = yOf(r, true), bottom = yOf(r, false);
    for (float y : {top, bottom})
        if (y >= bounds.min.y && y <= bounds.max.y)
            l->AddLine(ImVec2(float(bounds.min.x), y), ImVec2(stripLeft - 6, y), kRegionSelected, 2.f);
    const bool roomInside = bottom - top >= 2 * font + 6;  // else the labels go outside the region
    for (bool upper : {true, false}) {
        char z[48];
        std::snprintf(z, sizeof z, " %s z %.0f mm", upper ? "top" : "bottom", upper ? r.zToMm : r.zFromMm);
        // The name gives way to the room (the label, else the short name, else cut); which limit and where do not.
        const float room = stripLeft - float(bounds.min.x) - 16 - ImGui::CalcTextSize(z).x;
        const std::string label = r.label.empty() ? r.id : r.label;
        const std::string name =
            ImGui::CalcTextSize(label.c_str()).x <= room ? label : fitted(regionShortName(r), room);
        const std::string shown = name + z;
        const float w = ImGui::CalcTextSize(shown.c_str()).x;
        const float line = upper ? top : bottom;
        float y = upper == roomInside ? line + 3 : line - font - 2;
        // Below the view's own header line, above its bottom edge.
        y = std::clamp(y, float(bounds.min.y) + ImGui::GetFontSize() + 4, float(bounds.max.y) - font - 1);
        textWithShadow(l, snapped({stripLeft - 10 - w, y}), kRegionSelected, shown);
    }
}

void AuthoringCanvas::draw(ImDrawList* l, AuthoringContext& ctx) {
    limitLabels_.clear();
    const Viewer& viewer = ctx.viewer;
    if (!viewer.volume()) return;
    // The boxes carry the findings' ids: the viewer's marks shrink to a dot at each centre (from the next frame).
    ctx.viewer.setMarkLabels(false);
    if (ImGuiMouseCursor c = hoverCursor(ctx); c != ImGuiMouseCursor_Arrow && !ImGui::GetIO().WantCaptureMouse)
        ImGui::SetMouseCursor(c);
    const auto& s = ctx.model.scenario();
    const int selectedFinding = ctx.selection.finding;
    for (int p = 0; p < 3; ++p) {
        const Plane plane = Plane(p);
        const ImageRect bounds = viewer.viewBounds(plane);
        if (bounds.size().x <= 0 || bounds.size().y <= 0) continue;
        const PlaneFrame frame = viewer.frame(plane);
        l->PushClipRect(snapped(bounds.min), snapped(bounds.max), true);

        if (showRegions_ && plane != Plane::Axial && frame.downAxis == 2) {
            drawRegionLimits(l, ctx, plane);
            // Under the mouse, which limits those are (several may lie on one line).
            const auto under = drag_ == Drag::None && viewer.viewAt(mouse_) == plane && !ImGui::GetIO().WantCaptureMouse
                                   ? limitsAt(s.regions, frame, mouse_, kLimitGripPx)
                                   : std::vector<LimitGrip>{};
            std::string tip;
            for (const auto& g : under) {
                const auto& r = s.regions[std::size_t(g.region)];
                char z[32];
                std::snprintf(z, sizeof z, ", z %.0f mm", g.upper ? r.zToMm : r.zFromMm);
                tip += (tip.empty() ? "" : "\n") + (r.label.empty() ? r.id : r.label) + " (" + r.id +
                       "): " + (g.upper ? "top" : "bottom") + z;
            }
            if (under.size() > 1) tip += "\n\ndrag: the selected region's limit; click again: the next region";
            if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
        }

        auto drawBox = [&](int i) {
            const auto& f = s.findings[std::size_t(i)];
            auto r = boxInView(boxOf(f), frame);
            if (!r) return;
            const bool selected = i == selectedFinding;
            const ImVec2 a = snapped(r->min), b = snapped(r->max);
            if (selected) l->AddRectFilled(a, b, kBoxFill);
            l->AddRect(a, b, selected ? kBoxSelected : kBox, 0.f, 0, selected ? 2.f : 1.5f);
            textWithShadow(l, ImVec2(a.x, a.y - 16), selected ? kBoxSelected : kBox, f.id);
            if (!selected) return;
            const float mx = std::floor((a.x + b.x) / 2), my = std::floor((a.y + b.y) / 2);
            for (ImVec2 h : {a, ImVec2(mx, a.y), ImVec2(b.x, a.y), ImVec2(a.x, my), ImVec2(b.x, my), ImVec2(a.x, b.y),
                             ImVec2(mx, b.y), b}) {
                l->AddRectFilled(ImVec2(h.x - 4, h.y - 4), ImVec2(h.x + 4, h.y + 4), palette::kHandleRim);
                l->AddRectFilled(ImVec2(h.x - 3, h.y - 3), ImVec2(h.x + 3, h.y + 3), kBoxSelected);
            }
        };
        for (int i = 0; i < int(s.findings.size()); ++i)
            if (i != selectedFinding) drawBox(i);
        if (selectedFinding >= 0 && selectedFinding < int(s.findings.size())) drawBox(selectedFinding);

        if (drag_ == Drag::Draw && dragPlane_ == plane && moved_) {
            const ImageRect image = viewer.imageRect(plane);
            const glm::dvec2 a = clampTo(image, pressPx_), b = clampTo(image, mouse_);
            const FindingBox box = boxFromDrawnRect(frame, a, b);
            l->AddRect(snapped(glm::min(a, b)), snapped(glm::max(a, b)), kDrawing, 0.f, 0, 2.f);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.0f x %.0f mm", box.extentMm[frame.acrossAxis],
                          box.extentMm[frame.downAxis]);
            textWithShadow(l, snapped(glm::max(a, b) + glm::dvec2(6, 2)), kDrawing, buf);
        }
        l->PopClipRect();
    }
}

void AuthoringCanvas::drawTools(AuthoringContext& ctx) {
    ImGui::Separator();
    int tool = int(tool_);
    if (!ctx.viewer.volume()) ImGui::BeginDisabled();
    ImGui::RadioButton("Edit", &tool, int(Tool::Edit));
    ImGui::SameLine();
    ImGui::RadioButton("Draw box", &tool, int(Tool::DrawBox));
    if (!ctx.viewer.volume()) ImGui::EndDisabled();
    tool_ = Tool(tool);
    ImGui::SameLine(0, 24);
    ImGui::Checkbox("Region limits", &showRegions_);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    if (tool_ == Tool::DrawBox)
        ImGui::TextWrapped("Left-drag on any view: a new finding spanning the rectangle, centred on the shown slice.");
    else
        ImGui::TextWrapped("Drag the selected box to move it, its edges to resize; click an outline to select. %s",
                           showRegions_ ? "Drag region lines (coronal, sagittal) to move limits." : "");
    ImGui::PopStyleColor();
    ImGui::Separator();
}

AuthoringRequest routeAuthoringEvent(const SDL_Event& e, AuthoringContext& ctx, AuthoringCanvas& canvas,
                                     QuitGuard& quit, const Bindings& bindings, bool imguiWantsMouse,
                                     bool imguiWantsKeyboard, bool imguiWantsText) {
    // Save, quit and cancel are bound keys like every other (Ctrl+S, Ctrl+Q and Escape by default).
    std::string_view command;
    if (e.type == SDL_KEYDOWN) {
        const Chord chord{CommandKind::Key, e.key.keysym.sym, 0, modifiersFromSdl(e.key.keysym.mod)};
        if (const std::string* c = bindings.commandFor(chord)) command = *c;
    }
    const bool savesOrQuits = e.type == SDL_QUIT || command == "authoring.save" || command == "authoring.quit";
    if (imguiWantsText && savesOrQuits) return AuthoringRequest::FinishTypingFirst;
    if (e.type == SDL_QUIT) {
        canvas.cancelDrag(ctx);
        quit.request(ctx.model);
        return AuthoringRequest::None;
    }
    if (command == "authoring.cancel") {
        if (canvas.dragging())
            canvas.cancelDrag(ctx);
        else if (quit.asking())
            quit.answer(QuitGuard::Answer::Cancel, ctx.model);
        return AuthoringRequest::None;
    }
    if (command == "authoring.save" || command == "authoring.quit") {
        canvas.cancelDrag(ctx);
        if (command == "authoring.save") return AuthoringRequest::Save;
        quit.request(ctx.model);
        return AuthoringRequest::None;
    }
    if (quit.asking()) return AuthoringRequest::None;  // the question is modal: nothing reaches the images meanwhile
    if (!canvas.handleEvent(e, ctx, imguiWantsMouse))
        ctx.viewer.handleEvent(e, bindings, imguiWantsMouse, imguiWantsKeyboard);
    return AuthoringRequest::None;
}

}  // namespace polysim::gui

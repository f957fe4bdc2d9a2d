// The reading-room viewer: command handling, layout, texture upload and overlays.
#include "gui/viewer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "gui/palette.h"
#include "gui/text_fit.h"
#include "session/command.h"

namespace polysim::gui {
namespace {
constexpr double kZoomStep = 1.15;
using palette::kCrosshair;
constexpr ImU32 kLabel = palette::kViewerLabel;
constexpr ImU32 kText = palette::kViewerText;

void textWithShadow(ImDrawList* l, ImVec2 p, ImU32 col, const char* s) {
    l->AddText(ImVec2(p.x + 1, p.y + 1), palette::kTextShadow, s);
    l->AddText(p, col, s);
}
}  // namespace

void Viewer::createGl() {
    program_.create();
}
void Viewer::destroyGl() {
    for (auto& v : views_) v.texture.release(), v.uploadedIndex = -1;
    program_.destroy();
}

void Viewer::setVolume(std::shared_ptr<const imaging::Volume> volume, std::string seriesLabel) {
    volume_ = std::move(volume);
    seriesLabel_ = std::move(seriesLabel);
    if (!volume_) return;
    for (int p = 0; p < 3; ++p) {
        views_[p].mapping = PlaneMapping::of(Plane(p), volume_->geometry());
        views_[p].uploadedIndex = views_[p].uploadedReady = -1;
    }
    const glm::ivec3 d = volume_->dims();
    // A projection (the scout) is one image: it gets the whole viewer in the plane it lies in.
    single_.reset();
    for (int p = 0; p < 3; ++p)
        if (d[views_[p].mapping.normalAxis] == 1) single_ = Plane(p);
    if (lastLayoutSize_.x > 0) layout(lastLayoutMin_, lastLayoutSize_);
    // Its own look starts at the first image (the top of the axial stack), centred in-plane: where a reader begins.
    glm::dvec3 c = glm::dvec3(d - 1) * 0.5;
    const auto& ax = views_[int(Plane::Axial)].mapping;
    c[ax.normalAxis] = ax.nextStep > 0 ? 0 : d[ax.normalAxis] - 1;
    for (int p = 0; p < 3; ++p) c[p] = std::round(c[p]);
    own_.cursor = c;
}

void Viewer::refreshVolume(std::shared_ptr<const imaging::Volume> volume) {
    if (!volume_ || !volume || volume->dims() != volume_->dims()) return setVolume(std::move(volume), seriesLabel_);
    volume_ = std::move(volume);
    for (auto& v : views_) v.uploadedIndex = v.uploadedReady = -1;
}

glm::dvec3 Viewer::clampedCursor(glm::dvec3 ijk) const {
    if (!volume_) return ijk;
    const glm::ivec3 d = volume_->dims();
    for (int a = 0; a < 3; ++a) ijk[a] = std::clamp(std::round(ijk[a]), 0.0, double(std::max(d[a] - 1, 0)));
    return ijk;
}

ViewerLook Viewer::look() const {
    ViewerLook k = lookSource ? lookSource() : own_;
    k.cursor = clampedCursor(k.cursor);
    return k;
}

bool Viewer::sliceArrived(int k) const {
    if (!volume_ || !volume_->sliceReady(k)) return false;
    if (arrivedImages_ < 0) return true;
    // Images arrive from the top of the axial stack down, as a scanner sends them.
    const auto& ax = views_[int(Plane::Axial)].mapping;
    if (ax.normalAxis != 2) return true;
    int number = ax.nextStep > 0 ? k + 1 : volume_->dims().z - k;
    return number <= arrivedImages_;
}

int Viewer::sliceCount(Plane p) const {
    return volume_ ? volume_->dims()[views_[int(p)].mapping.normalAxis] : 0;
}

int Viewer::imageNumber(Plane p) const {
    return imageNumber(p, look());
}

int Viewer::imageNumber(Plane p, const ViewerLook& k) const {
    const auto& m = views_[int(p)].mapping;
    int idx = int(std::lround(k.cursor[m.normalAxis]));
    return m.nextStep > 0 ? idx + 1 : sliceCount(p) - idx;
}

ViewerChange Viewer::state(Plane p) const {
    return changeOf(p, look());
}

ViewerChange Viewer::changeOf(Plane p, const ViewerLook& k) const {
    ViewerChange s;
    s.plane = p;
    s.sliceIndex = int(std::lround(k.cursor[views_[int(p)].mapping.normalAxis]));
    s.imageNumber = imageNumber(p, k);
    s.window = k.window;
    s.zoom = k.zoom[int(p)];
    s.centreMm = k.centreMm[int(p)];
    s.big = k.big;
    if (volume_) s.cursorLps = volume_->geometry().indexToPatient(k.cursor);
    return s;
}

std::vector<std::string> Viewer::regionsAt(double z) const {
    std::vector<std::string> out;
    for (const auto& r : regions_)
        if (z >= std::min(r.zFromMm, r.zToMm) && z <= std::max(r.zFromMm, r.zToMm)) out.push_back(r.label);
    return out;
}

std::string Viewer::regionAt(double z) const {
    std::string out;
    for (const auto& r : regionsAt(z)) out += (out.empty() ? "" : " / ") + r;
    return out;
}

void Viewer::drawNotArrived(ImDrawList* l, Plane p, const ImageRect& image, const ViewerLook& look) const {
    const View& v = views_[int(p)];
    const glm::ivec3 d = volume_->dims();
    auto hatch = [&](glm::dvec2 a, glm::dvec2 b) {
        const ImVec2 lo(float(std::min(a.x, b.x)), float(std::min(a.y, b.y)));
        const ImVec2 hi(float(std::max(a.x, b.x)), float(std::max(a.y, b.y)));
        l->AddRectFilled(lo, hi, palette::kNotArrived);
        l->PushClipRect(lo, hi, true);
        for (float t = lo.x - (hi.y - lo.y); t < hi.x; t += 14)
            l->AddLine(ImVec2(t, hi.y), ImVec2(t + (hi.y - lo.y), lo.y), palette::kNotArrivedHatch, 1.5f);
        l->PopClipRect();
    };
    if (v.mapping.normalAxis == 2) {  // one image of the stack: all there or not
        if (!sliceArrived(int(std::lround(look.cursor.z)))) hatch(image.min, image.max);
        return;
    }
    // A reformat crosses every image of the stack: a band for each run of missing ones.
    for (int k = 0; k < d.z;) {
        if (sliceArrived(k)) {
            ++k;
            continue;
        }
        int last = k;
        while (last + 1 < d.z && !sliceArrived(last + 1)) ++last;
        glm::dvec3 from = look.cursor, to = look.cursor;
        from.z = k - 0.5, to.z = last + 0.5;
        const glm::dvec2 a = image.toPixels(v.mapping.uvOf(from, d)), b = image.toPixels(v.mapping.uvOf(to, d));
        if (v.mapping.downAxis == 2)
            hatch({image.min.x, a.y}, {image.max.x, b.y});
        else
            hatch({a.x, image.min.y}, {b.x, image.max.y});
        k = last + 1;
    }
}

std::vector<std::string> Viewer::axialHeader() const {
    std::vector<std::string> lines{seriesLabel_};
    if (!volume_) return lines;
    const double z = volume_->geometry().indexToPatient(cursor()).z;
    const float width = float(views_[int(Plane::Axial)].size.x) - 12;
    char at[48];
    std::snprintf(at, sizeof at, "z %.1f mm", z);
    const std::vector<std::string> names = regionsAt(z);
    // Where regions overlap their names follow the position, or go one to a line when that is too wide.
    std::string oneLine = at;
    for (std::size_t i = 0; i < names.size(); ++i) oneLine += (i == 0 ? "  " : " / ") + names[i];
    if (names.size() <= 1 || ImGui::CalcTextSize(oneLine.c_str()).x <= width) {
        std::istringstream wrapped(wrapToWidth(oneLine, width));
        for (std::string line; std::getline(wrapped, line);) lines.push_back(line);
        return lines;
    }
    lines.push_back(at);
    for (const auto& name : names) {
        std::istringstream wrapped(wrapToWidth(name, width));
        for (std::string line; std::getline(wrapped, line);) lines.push_back(line);
    }
    return lines;
}

void Viewer::setCursor(glm::dvec3 ijk) {
    if (volume_) own_.cursor = clampedCursor(ijk);
}

namespace {
imaging::Window clampedWindow(imaging::Window w) {
    w.width = std::clamp(w.width, 1.0, 8000.0);
    w.level = std::clamp(w.level, -2000.0, 4000.0);
    return w;
}
}  // namespace

void Viewer::setWindow(imaging::Window w) {
    own_.window = clampedWindow(w);
}

void Viewer::moveSlice(ViewerLook& k, Plane p, int images) const {
    if (!volume_) return;
    const auto& m = views_[int(p)].mapping;
    k.cursor[m.normalAxis] += double(images) * m.nextStep;
    k.cursor = clampedCursor(k.cursor);
}

void Viewer::zoomAbout(ViewerLook& k, Plane p, double factor, glm::dvec2 px) const {
    const View& v = views_[int(p)];
    const double from = k.zoom[int(p)];
    const double z = std::clamp(from * factor, session::kMinZoom, session::kMaxZoom);  // what the session accepts
    glm::dvec2 centre = v.min + v.size * 0.5;
    // Keep the point under the mouse where it is.
    glm::dvec2 pan = panPx(p, k);
    glm::dvec2 rel = (px.x < 0 ? centre : px) - centre - pan;
    pan += rel - rel * (z / from);
    k.centreMm[int(p)] = centreOf(p, k, z, pan);
    k.zoom[int(p)] = z;
}

bool Viewer::execute(std::string_view command, Plane p, glm::dvec2 amount, glm::dvec2 mousePx) {
    const ViewerLook before = look();
    ViewerLook k = before;
    active_ = p;
    auto notches = int(std::lround(amount.x));
    if (command == "slice.next")
        moveSlice(k, p, 1);
    else if (command == "slice.previous")
        moveSlice(k, p, -1);
    else if (command == "slice.next10")
        moveSlice(k, p, 10);
    else if (command == "slice.previous10")
        moveSlice(k, p, -10);
    else if (command == "slice.first")
        moveSlice(k, p, -sliceCount(p));
    else if (command == "slice.last")
        moveSlice(k, p, sliceCount(p));
    else if (command == "slice.scroll")
        moveSlice(k, p, -notches);  // wheel towards the user = next image
    else if (command == "slice.scroll10")
        moveSlice(k, p, -10 * notches);
    else if (command == "view.zoom")
        zoomAbout(k, p, std::pow(kZoomStep, amount.x), mousePx);
    else if (command == "view.zoom_in")
        zoomAbout(k, p, kZoomStep, {-1, -1});
    else if (command == "view.zoom_out")
        zoomAbout(k, p, 1.0 / kZoomStep, {-1, -1});
    else if (command == "view.pan")
        k.centreMm[int(p)] = centreOf(p, k, k.zoom[int(p)], panPx(p, k) + amount);
    else if (command == "view.reset") {
        k.zoom = {1.0, 1.0, 1.0};
        k.centreMm = {};
        k.window = defaultWindow_;
    } else if (command == "window.adjust") {
        // Finer steps in narrow windows, so a brain window can be tuned as easily as a lung window.
        double f = std::max(0.5, k.window.width / 400.0);
        k.window = clampedWindow({k.window.width + amount.x * 2.0 * f, k.window.level - amount.y * 1.0 * f});
    } else if (command == "crosshair.move") {
        if (auto probeAt = probe(mousePx, before); probeAt && probeAt->plane == p)
            k.cursor = glm::dvec3(probeAt->voxel);
        else
            return true;
    } else if (command.starts_with("window.preset.")) {
        const auto* preset = imaging::findWindowPreset(command.substr(14));
        if (!preset) return false;
        k.window = preset->window;
    } else if (command == "view.swap") {
        k.big = k.big == Plane::Axial ? Plane::Coronal : k.big == Plane::Coronal ? Plane::Sagittal : Plane::Axial;
    } else if (command == "finding.mark" || command == "view.bubble_lane") {
        // Changes nothing in the viewer: whoever shows it asks for a label at the crosshair, or lays out the room.
    } else {
        return false;
    }
    if (k == before) return true;
    if (!lookSource) own_ = k;
    if (onChange) onChange(changeOf(p, k), command);
    // The views move at once, so the next event in this frame lands in the view now under the pointer.
    if (k.big != before.big && lastLayoutSize_.x > 0) layout(lastLayoutMin_, lastLayoutSize_);
    return true;
}

std::optional<Plane> Viewer::viewAt(glm::dvec2 px) const {
    for (int p = 0; p < 3; ++p) {
        const View& v = views_[p];
        if (px.x >= v.min.x && px.y >= v.min.y && px.x < v.min.x + v.size.x && px.y < v.min.y + v.size.y)
            return Plane(p);
    }
    return std::nullopt;
}

ImageRect Viewer::imageRect(Plane p) const {
    return imageRect(p, look());
}

ImageRect Viewer::imageRect(Plane p, const ViewerLook& k) const {
    const View& v = views_[int(p)];
    return fitImage(v.min, v.size, v.mapping.sizeMm, k.zoom[int(p)], panPx(p, k));
}

namespace {
// The two LPS coordinates in the plane (axial: x, y; coronal: x, z; sagittal: y, z), as session::SetPan has them.
glm::ivec2 inPlaneAxes(Plane p) {
    return p == Plane::Axial ? glm::ivec2(0, 1) : p == Plane::Coronal ? glm::ivec2(0, 2) : glm::ivec2(1, 2);
}
}  // namespace

glm::dvec2 Viewer::panPx(Plane p, const ViewerLook& k) const {
    const auto& centre = k.centreMm[int(p)];
    if (!centre || !volume_) return glm::dvec2(0.0);
    const View& v = views_[int(p)];
    const ImageRect centred = fitImage(v.min, v.size, v.mapping.sizeMm, k.zoom[int(p)], glm::dvec2(0.0));
    if (centred.size().x <= 0 || centred.size().y <= 0) return glm::dvec2(0.0);
    const auto& g = volume_->geometry();
    glm::dvec3 lps = g.indexToPatient(k.cursor);
    const glm::ivec2 axes = inPlaneAxes(p);
    lps[axes.x] = centre->x, lps[axes.y] = centre->y;
    const glm::dvec2 at = centred.toPixels(v.mapping.uvOf(g.patientToIndex(lps), volume_->dims()));
    return v.min + v.size * 0.5 - at;  // moves that point to the view's centre
}

std::optional<glm::dvec2> Viewer::centreOf(Plane p, const ViewerLook& k, double zoom, glm::dvec2 pan) const {
    // A whole, centred image says nothing about a centre: it matters once the view is zoomed or moved.
    if (zoom <= 1.0 && pan == glm::dvec2(0.0)) return std::nullopt;
    if (!volume_) return k.centreMm[int(p)];
    const View& v = views_[int(p)];
    const ImageRect rect = fitImage(v.min, v.size, v.mapping.sizeMm, zoom, pan);
    if (rect.size().x <= 0 || rect.size().y <= 0) return k.centreMm[int(p)];  // not laid out
    const auto& g = volume_->geometry();
    const glm::dvec3 ijk = v.mapping.voxelAt(rect.toUv(v.min + v.size * 0.5), k.cursor, volume_->dims());
    const glm::dvec3 lps = g.indexToPatient(ijk);
    const glm::ivec2 axes = inPlaneAxes(p);
    return glm::dvec2(lps[axes.x], lps[axes.y]);
}

PlaneFrame Viewer::frame(Plane p) const {
    PlaneFrame f;
    f.plane = p;
    if (!volume_) return f;
    const View& v = views_[int(p)];
    const auto& g = volume_->geometry();
    const AxisMap axes = AxisMap::of(g);
    auto patientAxisOf = [&](int voxelAxis) {
        for (int a = 0; a < 3; ++a)
            if (axes.voxelAxis[a] == voxelAxis) return a;
        return voxelAxis;
    };
    f.acrossAxis = patientAxisOf(v.mapping.acrossAxis);
    f.downAxis = patientAxisOf(v.mapping.downAxis);
    f.normalAxis = patientAxisOf(v.mapping.normalAxis);
    f.sliceThicknessMm = g.spacing[v.mapping.normalAxis];
    const glm::dvec3 cursorIjk = cursor();
    const ImageRect r = imageRect(p);
    auto pixelOf = [&](const glm::dvec3& lps) { return r.toPixels(v.mapping.uvOf(g.patientToIndex(lps), g.dims)); };
    const glm::dvec3 at = g.indexToPatient(cursorIjk);
    glm::dvec3 across = at, down = at;
    across[f.acrossAxis] += 1.0;
    down[f.downAxis] += 1.0;
    const glm::dvec2 pAt = pixelOf(at);
    f.pxPerMm = {pixelOf(across).x - pAt.x, pixelOf(down).y - pAt.y};
    f.pxAtZero = pAt - f.pxPerMm * glm::dvec2(at[f.acrossAxis], at[f.downAxis]);
    f.sliceMm = at[f.normalAxis];
    return f;
}

std::optional<Viewer::Probe> Viewer::probe(glm::dvec2 px) const {
    return probe(px, look());
}

std::optional<Viewer::Probe> Viewer::probe(glm::dvec2 px, const ViewerLook& k) const {
    if (!volume_) return std::nullopt;
    auto p = viewAt(px);
    if (!p) return std::nullopt;
    const View& v = views_[int(*p)];
    glm::dvec2 uv = imageRect(*p, k).toUv(px);
    if (uv.x < 0 || uv.y < 0 || uv.x >= 1 || uv.y >= 1) return std::nullopt;
    glm::dvec3 ijk = v.mapping.voxelAt(uv, k.cursor, volume_->dims());
    glm::ivec3 vox(std::lround(ijk.x), std::lround(ijk.y), std::lround(ijk.z));
    if (!volume_->contains(vox.x, vox.y, vox.z)) return std::nullopt;
    const bool arrived = sliceArrived(vox.z);
    int hu = arrived ? volume_->at(vox.x, vox.y, vox.z) : imaging::Volume::kAirHU;
    return Probe{*p, vox, hu, volume_->geometry().indexToPatient(glm::dvec3(vox)), arrived};
}

std::string Viewer::handleEvent(const SDL_Event& e, const Bindings& bindings, bool wantsMouse, bool wantsKeyboard) {
    auto run = [&](const std::string* cmd, Plane p, glm::dvec2 amount, glm::dvec2 px) -> std::string {
        if (cmd && execute(*cmd, p, amount, px)) return *cmd;
        return {};
    };
    switch (e.type) {
        case SDL_KEYDOWN: {
            if (wantsKeyboard) return {};
            Chord c;
            c.kind = CommandKind::Key;
            c.key = e.key.keysym.sym;
            c.mods = modifiersFromSdl(e.key.keysym.mod);
            return run(bindings.commandFor(c), active_, {1.0, 0.0}, mouse_);
        }
        case SDL_MOUSEWHEEL: {
            if (wantsMouse) return {};
            auto p = viewAt(mouse_);
            if (!p || e.wheel.y == 0) return {};
            Chord c;
            c.kind = CommandKind::Wheel;
            c.mods = modifiersFromSdl(uint16_t(SDL_GetModState()));
            double notches = e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e.wheel.y : e.wheel.y;
            return run(bindings.commandFor(c), *p, {notches, 0.0}, mouse_);
        }
        case SDL_MOUSEBUTTONDOWN: {
            mouse_ = {e.button.x, e.button.y};
            if (wantsMouse) return {};
            auto p = viewAt(mouse_);
            if (!p) return {};
            Chord c;
            c.kind = CommandKind::Drag;
            c.button = e.button.button;
            c.mods = modifiersFromSdl(uint16_t(SDL_GetModState()));
            const std::string* cmd = bindings.commandFor(c);
            if (!cmd) return {};
            dragCommand_ = *cmd;
            dragPlane_ = *p;
            lastMouse_ = mouse_;
            active_ = *p;
            // A click with the crosshair tool moves it at once; the other drags act on motion.
            if (dragCommand_ == "crosshair.move") return run(&dragCommand_, *p, {0.0, 0.0}, mouse_);
            return {};
        }
        case SDL_MOUSEBUTTONUP:
            dragCommand_.clear();
            return {};
        case SDL_MOUSEMOTION: {
            mouse_ = {e.motion.x, e.motion.y};
            if (dragCommand_.empty()) return {};
            glm::dvec2 delta = mouse_ - lastMouse_;
            lastMouse_ = mouse_;
            return run(&dragCommand_, dragPlane_, delta, mouse_);
        }
        default:
            return {};
    }
}

void Viewer::layout(glm::dvec2 min, glm::dvec2 size) {
    lastLayoutMin_ = min, lastLayoutSize_ = size;
    if (single_) {
        for (auto& v : views_) v.min = min, v.size = {0.0, 0.0};
        views_[int(*single_)].size = size;
        return;
    }
    // The big plane on the left, the other two stacked on the right in axial, coronal, sagittal order.
    const double gap = 4.0;
    double bigW = std::floor(size.x * bigShare_);
    const Plane big = bigPlane();
    views_[int(big)].min = min;
    views_[int(big)].size = {bigW, size.y};
    double rx = min.x + bigW + gap, rw = size.x - bigW - gap, rh = std::floor((size.y - gap) / 2);
    const auto [upper, lower] = sidePlanes();
    views_[int(upper)].min = {rx, min.y};
    views_[int(upper)].size = {rw, rh};
    views_[int(lower)].min = {rx, min.y + rh + gap};
    views_[int(lower)].size = {rw, size.y - rh - gap};
}

bool Viewer::prepareFrame() {
    if (!volume_) return false;
    // Anything that changes which slices may show: decoding progress and scenario arrival.
    const int ready = volume_->slicesReady() * 4096 + arrivedImages_;
    const ViewerLook k = look();
    for (int p = 0; p < 3; ++p) {
        View& v = views_[p];
        int idx = int(std::lround(k.cursor[v.mapping.normalAxis]));
        bool stale = idx != v.uploadedIndex;
        // Reformats gather from every slice: while a series streams in, refresh them a few times a second,
        // not on every arriving slice, so scrolling stays smooth during loading.
        if (!stale && ready != v.uploadedReady) stale = Plane(p) == Plane::Axial || v.framesSinceUpload >= 15;
        ++v.framesSinceUpload;
        if (stale) {
            auto [w, h] = extractPlane(*volume_, v.mapping, idx, scratch_, [this](int k) { return sliceArrived(k); });
            v.texture.upload(scratch_.data(), w, h);
            v.uploadedIndex = idx;
            v.uploadedReady = ready;
            v.framesSinceUpload = 0;
        }
        v.draw.program = &program_;
        v.draw.texture = &v.texture;
        v.draw.image = imageRect(Plane(p), k);
        v.draw.uvToTexture = v.mapping.uvToTexture();
        v.draw.window = k.window;
    }
    const auto& ax = views_[int(Plane::Axial)].mapping;
    if (ax.normalAxis == 2 && !single_) return sliceArrived(int(std::lround(k.cursor.z)));
    return volume_->slicesReady() > 0;
}

void Viewer::draw(ImDrawList* l) {
    char buf[256];
    const ViewerLook k = look();
    for (int p = 0; p < 3; ++p) {
        View& v = views_[p];
        if (v.size.x <= 0 || v.size.y <= 0) continue;
        ImVec2 a(float(v.min.x), float(v.min.y)), b(float(v.min.x + v.size.x), float(v.min.y + v.size.y));
        // No fill: the frame is cleared to black, and software rendering pays for every full-view pass.
        if (!volume_) continue;
        l->PushClipRect(a, b, true);
        l->AddCallback(drawPlaneCallback, &v.draw);
        l->AddCallback(ImDrawCallback_ResetRenderState, nullptr);

        // Crosshair: the other two planes' positions.
        const glm::ivec3 d = volume_->dims();
        ImageRect r = imageRect(Plane(p), k);
        drawNotArrived(l, Plane(p), r, k);
        glm::dvec2 c = r.toPixels(v.mapping.uvOf(k.cursor, d));
        l->AddLine(ImVec2(float(c.x), a.y), ImVec2(float(c.x), b.y), kCrosshair);
        l->AddLine(ImVec2(a.x, float(c.y)), ImVec2(b.x, float(c.y)), kCrosshair);

        // Orientation letters at the edges of the view.
        const auto& lab = v.mapping.labels;
        float midX = (a.x + b.x) / 2, midY = (a.y + b.y) / 2;
        textWithShadow(l, ImVec2(a.x + 6, midY - 7), kLabel, lab[0].data());
        textWithShadow(l, ImVec2(b.x - 16, midY - 7), kLabel, lab[1].data());
        textWithShadow(l, ImVec2(midX - 4, a.y + 4), kLabel, lab[2].data());
        textWithShadow(l, ImVec2(midX - 4, b.y - 20), kLabel, lab[3].data());

        // Corner annotations.
        Plane pl = Plane(p);
        std::snprintf(buf, sizeof buf, "%s  Im %d / %d", std::string(planeName(pl)).c_str(), imageNumber(pl, k),
                      sliceCount(pl));
        textWithShadow(l, ImVec2(a.x + 6, a.y + 4), kText, buf);
        // The main view (the axial, or a projection shown alone) carries the series, the window and loading.
        const bool mainView = single_ ? pl == *single_ : pl == Plane::Axial;
        if (mainView) {
            const auto* preset = imaging::presetOf(k.window);
            std::snprintf(buf, sizeof buf, "W %.0f  L %.0f%s%s", k.window.width, k.window.level, preset ? "  " : "",
                          preset ? std::string(preset->label).c_str() : "");
            textWithShadow(l, ImVec2(a.x + 6, b.y - 40), kText, buf);
            if (!volume_->complete()) {
                std::snprintf(buf, sizeof buf, "receiving images %d / %d", volume_->slicesReady(), d.z);
                textWithShadow(l, ImVec2(b.x - 220, a.y + 4), kLabel, buf);
            }
        }
        if (mainView && pl != Plane::Axial) textWithShadow(l, ImVec2(a.x + 6, a.y + 22), kText, seriesLabel_.c_str());
        if (pl == Plane::Axial) {
            std::string header;
            for (const auto& line : axialHeader()) header += (header.empty() ? "" : "\n") + line;
            textWithShadow(l, ImVec2(a.x + 6, a.y + 22), kText, header.c_str());
            int idx = int(std::lround(k.cursor.z));
            if (v.mapping.normalAxis == 2 && !sliceArrived(idx))
                textWithShadow(l, ImVec2(midX - 60, midY + 20), kLabel, "image not yet arrived");
        }
        for (const auto& [lps, label] : marks_) {
            glm::dvec3 ijk = volume_->geometry().patientToIndex(lps);
            if (std::abs(ijk[v.mapping.normalAxis] - k.cursor[v.mapping.normalAxis]) > 2.5) continue;
            glm::dvec2 m = r.toPixels(v.mapping.uvOf(ijk, d));
            if (!markLabels_) {
                l->AddCircle(ImVec2(float(m.x), float(m.y)), 4.f, palette::kMark, 12, 2.f);
                continue;
            }
            l->AddCircle(ImVec2(float(m.x), float(m.y)), 14.f, palette::kMark, 24, 2.f);
            textWithShadow(l, ImVec2(float(m.x) + 16, float(m.y) - 8), palette::kMarkLabel, label.c_str());
        }
        if (auto pr = probe(mouse_, k); pr && pr->plane == pl) {
            char hu[16] = "\u2014";  // no value where no image has arrived
            if (pr->arrived) std::snprintf(hu, sizeof hu, "%d", pr->hu);
            std::snprintf(buf, sizeof buf, "%s HU   (%.1f, %.1f, %.1f) mm LPS", hu, pr->lps.x, pr->lps.y, pr->lps.z);
            textWithShadow(l, ImVec2(a.x + 6, b.y - 22), kText, buf);
        }
        l->PopClipRect();
        l->AddRect(a, b, active_ == pl ? palette::kActiveView : palette::kViewFrame);
    }
}

}  // namespace polysim::gui

// The debrief screen (see debrief_view.h).
#include "gui/debrief_view.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include <imgui.h>
#include <stb/stb_image.h>

#include "gui/gl.h"
#include "gui/palette.h"
#include "scoring/key_images.h"

extern char** environ;

namespace polysim::gui {
namespace fs = std::filesystem;
using scoring::DebriefBlock;
using scoring::Tone;

namespace {
ImU32 colour(scoring::Rgb c, int alpha = 255) {
    return IM_COL32((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, alpha);
}

ImVec4 toneColour(Tone t) {
    switch (t) {
        case Tone::Muted:
            return palette::kToneMuted;
        case Tone::Critical:
            return palette::kToneCritical;
        case Tone::Omission:
            return palette::kToneOmission;
        case Tone::Effective:
        case Tone::Passed:
            return palette::kToneGood;
        case Tone::Plain:
            break;
    }
    return ImGui::GetStyleColorVec4(ImGuiCol_Text);
}

// Row backgrounds for the band colours, dark enough for light text.
std::optional<ImU32> rowColour(Tone t) {
    switch (t) {
        case Tone::Critical:
            return palette::kRowCritical;
        case Tone::Omission:
            return palette::kRowOmission;
        case Tone::Effective:
        case Tone::Passed:
            return palette::kRowGood;
        default:
            return std::nullopt;
    }
}

// A paragraph's lead ("Critical errors", "Expert:").
const ImVec4 kLabelColour = palette::kDebriefLabel;

ImFont* boldFont() {
    ImGuiIO& io = ImGui::GetIO();
    return io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr;
}

std::string onPath(const std::string& program) {
    const char* path = std::getenv("PATH");
    if (!path) return "";
    std::string all = path;
    for (std::size_t start = 0; start <= all.size();) {
        std::size_t end = all.find(':', start);
        if (end == std::string::npos) end = all.size();
        fs::path candidate = fs::path(all.substr(start, end - start)) / program;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        start = end + 1;
    }
    return "";
}
}  // namespace

DebriefView::DebriefView(const scenario::Scenario& scenario, const scoring::Score& score, fs::path log)
    : scenario_(scenario), score_(score), log_(std::move(log)), debrief_(scoring::buildDebrief(scenario, score)) {
    opener_ = onPath("xdg-open");
    // The same images `polysim score --html` puts in the report, made once and off the UI thread (from the study
    // the reading room cached they take well under a second; a case without a cache generates or loads a series).
    pending_ = std::async(std::launch::async, [&scenario] {
        Prepared p;
        p.png = scoring::renderKeyImages(scenario, &p.note);
        for (const auto& [id, bytes] : p.png) {
            int w = 0, h = 0, n = 0;
            stbi_uc* pixels =
                stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w, &h, &n, 4);
            if (!pixels) continue;
            p.decoded[id] = {w, h, std::vector<unsigned char>(pixels, pixels + std::size_t(w) * h * 4)};
            stbi_image_free(pixels);
        }
        return p;
    });
}

DebriefView::~DebriefView() {
    if (pending_.valid()) pending_.wait();
    for (auto& [id, tex] : textures_) {
        GLuint name = tex.first;
        glDeleteTextures(1, &name);
    }
}

void DebriefView::pollKeyImages() {
    if (ready_ || !pending_.valid() || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    Prepared p;
    try {
        p = pending_.get();
    } catch (const std::exception& e) {
        p.note = std::string("Key images missing: ") + e.what();
    }
    png_ = std::move(p.png);
    imagesNote_ = std::move(p.note);
    for (const auto& [id, img] : p.decoded) {
        const GLuint tex = newImageTexture();
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, img.width, img.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, img.rgba.data());
        ++textureUploads();
        textures_[id] = {tex, {img.width, img.height}};
    }
    glBindTexture(GL_TEXTURE_2D, 0);
    ready_ = true;
}

fs::path DebriefView::reportPath() const {
    return log_.empty() ? fs::path() : fs::path(log_).replace_extension(".html");
}

bool DebriefView::exportReport() {
    statusError_ = true;
    if (log_.empty()) {
        status_ = "This session has no event log, so there is nothing to write the report next to.";
        return false;
    }
    if (!ready_ && pending_.valid()) {
        pending_.wait();
        pollKeyImages();
    }
    const fs::path html = reportPath();
    std::error_code ec;
    const bool existed = fs::exists(html, ec);
    // Written beside it first and moved over it, so a failed write never leaves half a report in its place.
    fs::path partial = html;
    partial += ".partial";
    std::string problem;
    {
        std::ofstream out(partial, std::ios::binary);
        if (!out) problem = std::strerror(errno);
        out << scoring::debriefHtml(scenario_, score_, png_, imagesNote_);
        out.close();
        if (!out && problem.empty()) problem = std::strerror(errno);
    }
    if (problem.empty()) {
        fs::rename(partial, html, ec);
        if (ec) problem = ec.message();
    }
    if (!problem.empty()) {
        fs::remove(partial, ec);
        status_ = "Could not write the report " + html.string() + ": " + problem;
        return false;
    }
    statusError_ = false;
    status_ = (existed ? "Updated: " : "Written: ") + html.string() +
              (existed ? " (the report there before was replaced)" : "");
    exported_ = true;
    return true;
}

std::optional<std::pair<float, float>> DebriefView::controlCentre(const std::string& name) const {
    auto it = controls_.find(name);
    if (it == controls_.end()) return std::nullopt;
    return it->second;
}

void DebriefView::noteControl(const std::string& name) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    controls_[name] = {(a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f};
}

void DebriefView::text(const std::string& s) {
    ImGui::TextWrapped("%s", s.c_str());
    drawn_.texts.push_back(s);
}

DebriefView::Action DebriefView::draw() {
    pollKeyImages();
    drawn_ = {};
    controls_.clear();
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("##debrief", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus);
    // The footer (actions, export status, log) stays put; everything else scrolls above it.
    const float footer = ImGui::GetFrameHeightWithSpacing() + 2 * ImGui::GetTextLineHeightWithSpacing() +
                         ImGui::GetStyle().ItemSpacing.y * 2;
    ImGui::BeginChild("##debrief-content", ImVec2(0, -footer), false, ImGuiWindowFlags_AlwaysVerticalScrollbar);
    drawContent();
    openMethods_ = false;  // once opened, a fold keeps its state as a click leaves it
    ImGui::EndChild();
    ImGui::Separator();
    Action action = drawFooter();
    ImGui::End();
    return action;
}

DebriefView::Action DebriefView::drawFooter() {
    ImGui::BeginDisabled(!ready_ || log_.empty());
    bool exportNow =
        ImGui::Button(ready_ ? "Export the HTML report" : "Export the HTML report (preparing key images...)");
    ImGui::EndDisabled();
    if (ready_ && !log_.empty()) noteControl("export");
    if (exportNow) exportReport();
    if (exported_ && !statusError_ && !opener_.empty()) {
        ImGui::SameLine();
        if (ImGui::Button("Open the report")) {
            const std::string file = reportPath().string();
            char* argv[] = {const_cast<char*>(opener_.c_str()), const_cast<char*>(file.c_str()), nullptr};
            pid_t pid = 0;
            if (posix_spawn(&pid, opener_.c_str(), nullptr, nullptr, argv, environ) == 0) {
                std::thread([pid] {
                    ::waitpid(pid, nullptr, 0);
                }).detach();  // xdg-open returns once it has handed over
                status_ = "Opening " + file + " with xdg-open";
            } else {
                status_ = "Could not start xdg-open for " + file;
                statusError_ = true;
            }
        }
        noteControl("open-report");
    }
    ImGui::SameLine();
    const bool close = ImGui::Button("Close (back to the library)");
    noteControl("close");
    // Jumps to the parts of the debrief.
    ImGui::SameLine(0, 40);
    ImGui::TextDisabled("Go to:");
    for (std::size_t k = 0; k < debrief_.sections.size(); ++k) {
        ImGui::SameLine();
        ImGui::PushID(int(k));
        if (ImGui::SmallButton(debrief_.sections[k].title.c_str())) jumpTo_ = k;
        noteControl("section:" + std::to_string(k + 1));
        ImGui::PopID();
    }
    if (!status_.empty())
        ImGui::TextColored(statusError_ ? toneColour(Tone::Critical) : toneColour(Tone::Effective), "%s",
                           status_.c_str());
    else
        ImGui::TextDisabled("%s", log_.empty() ? "No event log: the report cannot be exported."
                                               : ("The report goes next to the log: " + reportPath().string()).c_str());
    ImGui::TextDisabled("Event log: %s", log_.empty() ? "(none)" : log_.string().c_str());
    return close ? Action::Close : Action::None;
}

void DebriefView::drawContent() {
    ImFont* bold = boldFont();
    if (bold) ImGui::PushFont(bold);
    text(debrief_.title);
    if (bold) ImGui::PopFont();
    ImGui::PushStyleColor(ImGuiCol_Text, toneColour(Tone::Muted));
    text(debrief_.facts);
    ImGui::PopStyleColor();
    int index = 0;
    for (std::size_t k = 0; k < debrief_.sections.size(); ++k) {
        const auto& sec = debrief_.sections[k];
        ImGui::Spacing();
        if (jumpTo_ && *jumpTo_ == k) {
            ImGui::SetScrollHereY(0.0f);
            ImGui::SetNextItemOpen(true);
            jumpTo_.reset();
        }
        drawn_.texts.push_back(sec.title);
        if (!ImGui::CollapsingHeader(sec.title.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
            index += int(sec.blocks.size());
            continue;
        }
        drawn_.sections.push_back(sec.title);
        ImGui::Indent(8);
        for (const auto& b : sec.blocks) drawBlock(b, index++);
        ImGui::Unindent(8);
    }
}

void DebriefView::drawBlock(const DebriefBlock& b, int index) {
    ImGui::PushID(index);
    ImFont* bold = boldFont();
    switch (b.kind) {
        case DebriefBlock::Kind::Heading:
            ImGui::Spacing();
            if (bold) ImGui::PushFont(bold);
            text(b.text);
            if (bold) ImGui::PopFont();
            break;
        case DebriefBlock::Kind::Score: {
            if (bold) ImGui::PushFont(bold);
            ImVec2 size = ImGui::CalcTextSize(b.label.c_str());
            ImVec2 at = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddRectFilled(
                at, ImVec2(at.x + size.x + 16, at.y + size.y + 8),
                b.tone == Tone::Passed ? colour(scoring::kReportInk.passed) : colour(scoring::kReportInk.failed), 4);
            ImGui::SetCursorScreenPos(ImVec2(at.x + 8, at.y + 4));
            ImGui::TextUnformatted(b.label.c_str());
            drawn_.texts.push_back(b.label);
            ImGui::SameLine(0, 24);
            ImGui::TextColored(toneColour(b.tone), "%s", b.text.c_str());
            drawn_.texts.push_back(b.text);
            if (bold) ImGui::PopFont();
            ImGui::Spacing();
            break;
        }
        case DebriefBlock::Kind::Paragraph:
            if (!b.label.empty()) {
                ImGui::TextColored(kLabelColour, "%s", b.label.c_str());
                drawn_.texts.push_back(b.label);
                ImGui::SameLine();
            }
            ImGui::PushStyleColor(ImGuiCol_Text, toneColour(b.tone));
            text(b.text);
            ImGui::PopStyleColor();
            break;
        case DebriefBlock::Kind::Quote: {
            ImGui::Indent(14);
            ImVec2 top = ImGui::GetCursorScreenPos();
            ImGui::PushStyleColor(ImGuiCol_Text, palette::kQuote);
            text(b.text);
            ImGui::PopStyleColor();
            ImVec2 bottom = ImGui::GetItemRectMax();
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(top.x - 10, top.y), ImVec2(top.x - 6, bottom.y),
                                                      colour(0x2e6fd8));
            ImGui::Unindent(14);
            break;
        }
        case DebriefBlock::Kind::Bullets:
            ImGui::PushStyleColor(ImGuiCol_Text, toneColour(b.tone));
            for (const auto& item : b.items) {
                ImGui::Bullet();
                ImGui::SameLine();
                text(item);
            }
            ImGui::PopStyleColor();
            break;
        case DebriefBlock::Kind::Table:
            drawTable(b.table, "##table", !b.table.columns.empty());
            break;
        case DebriefBlock::Kind::Finding:
            drawFinding(b.finding, index);
            break;
        case DebriefBlock::Kind::KeyImagesNote:
            if (!ready_)
                ImGui::TextDisabled("Preparing the key images...");
            else if (!imagesNote_.empty())
                ImGui::TextColored(toneColour(Tone::Muted), "%s", imagesNote_.c_str());
            break;
        case DebriefBlock::Kind::Plot:
            drawPlot();
            break;
        case DebriefBlock::Kind::Method:
            // The formulas behind the words: there for whoever asks, shut until then.
            drawn_.texts.push_back(b.label);
            if (openMethods_) ImGui::SetNextItemOpen(true);
            if (ImGui::TreeNode("##method", "%s", b.label.c_str())) {
                drawTable(b.table, "##how", false);
                ImGui::TreePop();
            }
            break;
    }
    ImGui::PopID();
}

void DebriefView::drawTable(const scoring::DebriefTable& t, const char* id, bool header) {
    const int columns = int(t.columns.empty() ? (t.rows.empty() ? 0 : t.rows.front().cells.size()) : t.columns.size());
    if (columns == 0) return;
    // Columns share the width by how much they hold, so the reasons get the room and the times stay narrow.
    std::vector<float> weight(std::size_t(columns), 1.0f);
    for (int c = 0; c < columns; ++c) {
        std::size_t total = c < int(t.columns.size()) ? t.columns[std::size_t(c)].size() : 0;
        for (const auto& r : t.rows)
            if (c < int(r.cells.size()))
                total += r.cells[std::size_t(c)].text.size() + r.cells[std::size_t(c)].note.size();
        weight[std::size_t(c)] = std::clamp(float(total) / float(t.rows.size() + 1), 4.0f, 70.0f);
    }
    if (!ImGui::BeginTable(id, columns,
                           ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
        return;
    float labels = 0;  // label / value pairs: the labels as wide as the longest
    if (!header)
        for (const auto& r : t.rows)
            if (!r.cells.empty()) labels = std::max(labels, ImGui::CalcTextSize(r.cells.front().text.c_str()).x);
    for (int c = 0; c < columns; ++c) {
        if (!header && c == 0)
            ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, labels + 4);
        else
            ImGui::TableSetupColumn(c < int(t.columns.size()) ? t.columns[std::size_t(c)].c_str() : "",
                                    ImGuiTableColumnFlags_WidthStretch, weight[std::size_t(c)]);
    }
    if (header) {
        ImGui::TableHeadersRow();
        for (const auto& c : t.columns) drawn_.texts.push_back(c);
    }
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const auto& row = t.rows[r];
        ImGui::TableNextRow();
        if (auto bg = rowColour(row.tone)) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, *bg);
        for (const auto& cell : row.cells) {
            ImGui::TableNextColumn();
            if (cell.bar) {
                ImGui::ProgressBar(float(std::clamp(*cell.bar, 0.0, 1.0)),
                                   ImVec2(std::min(120.0f, ImGui::GetContentRegionAvail().x), 6), "");
            }
            ImGui::PushStyleColor(ImGuiCol_Text, toneColour(cell.tone));
            text(cell.text);
            ImGui::PopStyleColor();
            if (!cell.note.empty()) {
                ImGui::PushStyleColor(ImGuiCol_Text, toneColour(Tone::Muted));
                text(cell.note);
                ImGui::PopStyleColor();
            }
        }
    }
    ImGui::EndTable();
}

void DebriefView::drawFinding(const scoring::DebriefFinding& f, int index) {
    ImGui::Spacing();
    const float imageWidth = 300;
    if (!ImGui::BeginTable("##finding", 2, ImGuiTableFlags_BordersOuter | ImGuiTableFlags_PadOuterX)) return;
    ImGui::TableSetupColumn("image", ImGuiTableColumnFlags_WidthFixed, imageWidth);
    ImGui::TableSetupColumn("text", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableNextRow();
    if (auto bg = rowColour(f.tone)) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, (*bg & 0x00ffffff) | 0x60000000);
    ImGui::TableNextColumn();
    if (auto it = textures_.find(f.findingId); it != textures_.end()) {
        const auto [w, h] = it->second.second;
        ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(it->second.first)),
                     ImVec2(imageWidth, imageWidth * float(h) / float(std::max(1, w))));
        ++drawn_.keyImages;
    } else {
        ImGui::TextDisabled("%s", ready_ ? "(no key image)" : "(preparing the key image...)");
    }
    ImGui::TableNextColumn();
    ImFont* bold = boldFont();
    if (bold) ImGui::PushFont(bold);
    ImGui::PushStyleColor(ImGuiCol_Text, toneColour(f.tone));
    text(f.heading);
    ImGui::PopStyleColor();
    if (bold) ImGui::PopFont();
    text(f.why);
    ImGui::PushID(index);
    drawTable(f.details, "##details", false);
    ImGui::PopID();
    for (const auto& [label, note] : f.notes) {
        ImGui::TextColored(kLabelColour, "%s", label.c_str());
        drawn_.texts.push_back(label);
        ImGui::SameLine();
        text(note);
    }
    if (!f.method.empty()) {
        // The band and its scale: the method, folded shut as the summary's.
        drawn_.texts.push_back("How is this computed");
        ImGui::PushID(index);
        if (openMethods_) ImGui::SetNextItemOpen(true);
        if (ImGui::TreeNode("##method", "How is this computed")) {
            ImGui::PushStyleColor(ImGuiCol_Text, toneColour(Tone::Muted));
            text(f.method);
            ImGui::PopStyleColor();
            ImGui::TreePop();
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void DebriefView::drawPlot() {
    const auto& p = debrief_.plot;
    // The legend: a swatch per window, wrapping like words.
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    for (std::size_t i = 0; i < p.legend.size(); ++i) {
        const auto& l = p.legend[i];
        const float w = 18 + ImGui::CalcTextSize(l.label.c_str()).x + 16;
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
        }
        ImVec2 at = ImGui::GetCursorScreenPos();
        const float mid = at.y + ImGui::GetTextLineHeight() * 0.5f;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x, mid - 2), ImVec2(at.x + 14, mid + 2), colour(l.colour));
        ImGui::Dummy(ImVec2(16, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0, 2);
        ImGui::TextUnformatted(l.label.c_str());
        drawn_.texts.push_back(l.label);
    }

    const float width = ImGui::GetContentRegionAvail().x;
    const float s = width / float(p.width);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, float(p.height) * s));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto P = [&](double x, double y) { return ImVec2(o.x + float(x) * s, o.y + float(y) * s); };
    int& n = drawn_.plotPrimitives;
    ImFont* font = ImGui::GetFont();
    auto label = [&](const std::string& t, double x, double baseline, float size, ImU32 col, float anchor) {
        // SVG places text by its baseline; ImGui by its top-left corner. anchor: 0 start, 0.5 middle, 1 end.
        const float px = size * s;
        ImVec2 extent = font->CalcTextSizeA(px, FLT_MAX, 0, t.c_str());
        ImVec2 at = P(x, baseline);
        dl->AddText(font, px, ImVec2(at.x - extent.x * anchor, at.y - px * 0.8f), col, t.c_str());
        drawn_.texts.push_back(t);
        ++n;
    };
    auto dashedV = [&](double x, double y0, double y1, ImU32 col, float thickness, double on, double off) {
        for (double y = y0; y < y1; y += on + off) dl->AddLine(P(x, y), P(x, std::min(y1, y + on)), col, thickness * s);
        ++n;
    };
    auto dashedH = [&](double x0, double x1, double y, ImU32 col, float thickness, double on, double off) {
        for (double x = x0; x < x1; x += on + off) dl->AddLine(P(x, y), P(std::min(x1, x + on), y), col, thickness * s);
        ++n;
    };
    const auto& a = p.area;
    drawn_.plotX0 = o.x, drawn_.plotY0 = o.y, drawn_.plotX1 = o.x + width, drawn_.plotY1 = o.y + float(p.height) * s;
    dl->AddRectFilled(P(0, 0), P(p.width, p.height), colour(scoring::kReportInk.paper));
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const bool hovered = ImGui::IsItemHovered();
    std::string tip;
    auto inside = [&](double x0, double y0, double x1, double y1) {
        ImVec2 lo = P(x0, y0), hi = P(x1, y1);
        return hovered && mouse.x >= lo.x && mouse.x <= hi.x && mouse.y >= lo.y && mouse.y <= hi.y;
    };
    for (const auto& b : p.bands) {
        dl->AddRectFilled(P(b.rect.x0, b.rect.y0), P(b.rect.x1, b.rect.y1), colour(b.fill));
        dl->AddRect(P(b.rect.x0, b.rect.y0), P(b.rect.x1, b.rect.y1), colour(scoring::kReportInk.bandEdge), 0, 0,
                    0.5f * s);
        ++n;
        label(b.shownLabel, p.labelX, b.labelY, 11, colour(scoring::kReportInk.bandLabel), 1.0f);
        if (inside(0, b.labelY - 11, p.labelX, b.labelY + 2)) tip = b.label;
    }
    for (const auto& b : p.brackets) {
        const ImVec2 pts[] = {P(b.x + 3, b.y0), P(b.x, b.y0), P(b.x, b.y1), P(b.x + 3, b.y1)};
        dl->AddPolyline(pts, 4, colour(scoring::kReportInk.bracket), 0, 1.2f * s);
        ++n;
        if (inside(b.x - 3, b.y0, b.x + 4, b.y1)) tip = b.label;
    }
    for (const auto& l : p.lanes) {
        dl->AddRectFilled(P(l.rect.x0, l.rect.y0), P(l.rect.x1, l.rect.y1), colour(l.fill));
        ++n;
        label(l.label, l.rect.x0 + 2, l.rect.y0 + 9, 9, colour(scoring::kReportInk.laneLabel), 0.0f);
        dashedV(l.startX, a.y0, a.y1, colour(scoring::kReportInk.laneStart), 0.8f, 2, 3);
        if (inside(l.rect.x0, l.rect.y0, l.rect.x1, l.rect.y1)) tip = l.title;
    }
    for (const auto& f : p.injuries) {
        dl->AddRectFilled(P(f.bar.x0, f.bar.y0), P(f.bar.x1, f.bar.y1), colour(scoring::kReportInk.injury));
        ++n;
        dashedH(a.x0, a.x1, f.centreY, colour(scoring::kReportInk.injury), 0.6f, 4, 4);
        if (inside(f.bar.x0 - 3, f.bar.y0, f.bar.x1 + 1, f.bar.y1)) tip = f.label;
    }
    for (const auto& path : p.paths) {
        std::vector<ImVec2> pts;
        pts.reserve(path.points.size());
        for (const auto& q : path.points) pts.push_back(P(q.x, q.y));
        dl->AddPolyline(pts.data(), int(pts.size()), colour(path.colour), 0, 1.8f * s);
        ++n;
    }
    for (const auto& m : p.marks) {
        dl->AddCircle(P(m.at.x, m.at.y), 5 * s, colour(scoring::kReportInk.marks), 0, 1.5f * s);
        ++n;
        if (inside(m.at.x - 6, m.at.y - 6, m.at.x + 6, m.at.y + 6)) tip = m.title;
    }
    for (const auto& c : p.calls) {
        dl->AddTriangleFilled(P(c.at.x - 5, c.at.y), P(c.at.x + 5, c.at.y), P(c.at.x, c.at.y + 9),
                              colour(scoring::kReportInk.marks));
        ++n;
        if (inside(c.at.x - 6, c.at.y, c.at.x + 6, c.at.y + 10)) tip = c.title;
    }
    for (const auto& d : p.deteriorations) {
        dl->AddLine(P(d.at.x, a.y0), P(d.at.x, a.y1), colour(scoring::kReportInk.injury), 2 * s);
        ++n;
        if (inside(d.at.x - 3, a.y0, d.at.x + 3, a.y1)) tip = d.title;
    }
    dl->AddLine(P(a.x0, a.y1), P(a.x1, a.y1), colour(scoring::kReportInk.axis), s);
    ++n;
    for (const auto& t : p.ticks) {
        dl->AddLine(P(t.x, a.y1), P(t.x, a.y1 + 4), colour(scoring::kReportInk.axis), s);
        ++n;
        label(t.label, t.x, a.y1 + 16, 11, colour(scoring::kReportInk.tickLabel), 0.5f);
    }
    label(p.axisLabel, (p.width + a.x0) / 2, p.height - 4, 11, colour(scoring::kReportInk.axisLabel), 0.5f);
    if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
}

}  // namespace polysim::gui

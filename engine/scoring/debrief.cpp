// HTML debrief writer. Everything is inline so the file can be mailed, archived or opened offline.
#include "scoring/debrief.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/format.h"
#include "scoring/debrief_model.h"

namespace polysim::scoring {

std::string htmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = unsigned(std::uint8_t(bytes[i])) << 16 | unsigned(std::uint8_t(bytes[i + 1])) << 8 |
                     unsigned(std::uint8_t(bytes[i + 2]));
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = unsigned(std::uint8_t(bytes[i])) << 16;
        if (i + 1 < bytes.size()) v |= unsigned(std::uint8_t(bytes[i + 1])) << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

namespace {
const char* toneClass(Tone t) {
    switch (t) {
        case Tone::Muted:
            return "why";
        case Tone::Critical:
            return "critical";
        case Tone::Omission:
            return "omission";
        case Tone::Effective:
            return "effective";
        case Tone::Passed:
            return "pass";
        case Tone::Plain:
            break;
    }
    return "";
}
std::string classAttr(Tone t) {
    const char* c = toneClass(t);
    return *c ? std::string(" class=\"") + c + "\"" : std::string();
}

std::string pathData(const std::vector<DepthTimePlot::Point>& points) {
    std::string d;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& a = points[i];
        if (i == 0) {
            d += "M" + fixed(a.x, 1) + " " + fixed(a.y, 1);
            continue;
        }
        const auto& b = points[i - 1];
        // Steps: horizontal and vertical runs written as H and V.
        if (a.y == b.y)
            d += " H" + fixed(a.x, 1);
        else if (a.x == b.x)
            d += " V" + fixed(a.y, 1);
        else
            d += " L" + fixed(a.x, 1) + " " + fixed(a.y, 1);
    }
    return d;
}

std::string plotSvg(const DepthTimePlot& p) {
    const auto& a = p.area;
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << p.width << " " << fixed(p.height, 1)
      << "\" width=\"100%\" role=\"img\" aria-label=\"Slice position over time\" font-family=\"sans-serif\" "
         "font-size=\"11\">\n";
    o << "<rect x=\"0\" y=\"0\" width=\"" << p.width << "\" height=\"" << fixed(p.height, 1) << "\" fill=\""
      << hexColour(kReportInk.paper) << "\"/>\n";
    for (const auto& b : p.bands) {
        o << "<rect x=\"" << fixed(b.rect.x0, 1) << "\" y=\"" << fixed(b.rect.y0, 1) << "\" width=\""
          << fixed(b.rect.x1 - b.rect.x0, 1) << "\" height=\"" << fixed(b.rect.y1 - b.rect.y0, 1) << "\" fill=\""
          << hexColour(b.fill) << "\" stroke=\"" << hexColour(kReportInk.bandEdge) << "\" stroke-width=\"0.5\"/>\n";
        o << "<text x=\"" << fixed(p.labelX, 1) << "\" y=\"" << fixed(b.labelY, 1) << "\" text-anchor=\"end\" fill=\""
          << hexColour(kReportInk.bandLabel) << "\"><title>" << htmlEscape(b.label) << "</title>"
          << htmlEscape(b.shownLabel) << "</text>\n";
    }
    for (const auto& b : p.brackets)
        o << "<path d=\"M" << fixed(b.x + 3, 1) << " " << fixed(b.y0, 1) << " H" << fixed(b.x, 1) << " V"
          << fixed(b.y1, 1) << " H" << fixed(b.x + 3, 1) << "\" fill=\"none\" stroke=\""
          << hexColour(kReportInk.bracket) << "\" stroke-width=\"1.2\"><title>" << htmlEscape(b.label)
          << "</title></path>\n";
    for (const auto& l : p.lanes) {
        o << "<rect x=\"" << fixed(l.rect.x0, 1) << "\" y=\"" << fixed(l.rect.y0, 1) << "\" width=\""
          << fixed(l.rect.x1 - l.rect.x0, 1) << "\" height=\"" << fixed(l.rect.y1 - l.rect.y0, 1) << "\" fill=\""
          << hexColour(l.fill) << "\"><title>" << htmlEscape(l.title) << "</title></rect>\n";
        o << "<text x=\"" << fixed(l.rect.x0 + 2, 1) << "\" y=\"" << fixed(l.rect.y0 + 9, 1)
          << "\" font-size=\"9\" fill=\"" << hexColour(kReportInk.laneLabel) << "\">" << htmlEscape(l.label)
          << "</text>\n";
        o << "<line x1=\"" << fixed(l.startX, 1) << "\" x2=\"" << fixed(l.startX, 1) << "\" y1=\"" << fixed(a.y0, 1)
          << "\" y2=\"" << fixed(a.y1, 1) << "\" stroke=\"" << hexColour(kReportInk.laneStart)
          << "\" stroke-width=\"0.8\" stroke-dasharray=\"2 3\"/>\n";
    }
    for (const auto& f : p.injuries) {
        o << "<rect x=\"" << fixed(f.bar.x0, 1) << "\" y=\"" << fixed(f.bar.y0, 1) << "\" width=\""
          << fixed(f.bar.x1 - f.bar.x0, 1) << "\" height=\"" << fixed(f.bar.y1 - f.bar.y0, 1) << "\" fill=\""
          << hexColour(kReportInk.injury) << "\"><title>" << htmlEscape(f.label) << "</title></rect>\n";
        o << "<line x1=\"" << fixed(a.x0, 1) << "\" x2=\"" << fixed(a.x1, 1) << "\" y1=\"" << fixed(f.centreY, 1)
          << "\" y2=\"" << fixed(f.centreY, 1) << "\" stroke=\"" << hexColour(kReportInk.injury)
          << "\" stroke-width=\"0.6\" stroke-dasharray=\"4 4\"/>\n";
    }
    for (const auto& path : p.paths)
        o << "<path d=\"" << pathData(path.points) << "\" fill=\"none\" stroke=\"" << hexColour(path.colour)
          << "\" stroke-width=\"1.8\"/>\n";
    for (const auto& m : p.marks)
        o << "<circle cx=\"" << fixed(m.at.x, 1) << "\" cy=\"" << fixed(m.at.y, 1)
          << "\" r=\"5\" fill=\"none\" stroke=\"" << hexColour(kReportInk.marks) << "\" stroke-width=\"1.5\"><title>"
          << htmlEscape(m.title) << "</title></circle>\n";
    for (const auto& c : p.calls)
        o << "<path d=\"M" << fixed(c.at.x - 5, 1) << " " << fixed(c.at.y, 1) << " L" << fixed(c.at.x + 5, 1) << " "
          << fixed(c.at.y, 1) << " L" << fixed(c.at.x, 1) << " " << fixed(c.at.y + 9, 1) << " Z\" fill=\""
          << hexColour(kReportInk.marks) << "\"><title>" << htmlEscape(c.title) << "</title></path>\n";
    for (const auto& d : p.deteriorations)
        o << "<line x1=\"" << fixed(d.at.x, 1) << "\" x2=\"" << fixed(d.at.x, 1) << "\" y1=\"" << fixed(a.y0, 1)
          << "\" y2=\"" << fixed(a.y1, 1) << "\" stroke=\"" << hexColour(kReportInk.injury)
          << "\" stroke-width=\"2\"><title>" << htmlEscape(d.title) << "</title></line>\n";
    o << "<line x1=\"" << fixed(a.x0, 1) << "\" x2=\"" << fixed(a.x1, 1) << "\" y1=\"" << fixed(a.y1, 1) << "\" y2=\""
      << fixed(a.y1, 1) << "\" stroke=\"" << hexColour(kReportInk.axis) << "\"/>\n";
    for (const auto& t : p.ticks)
        o << "<line x1=\"" << fixed(t.x, 1) << "\" x2=\"" << fixed(t.x, 1) << "\" y1=\"" << fixed(a.y1, 1) << "\" y2=\""
          << fixed(a.y1 + 4, 1) << "\" stroke=\"" << hexColour(kReportInk.axis) << "\"/><text x=\"" << fixed(t.x, 1)
          << "\" y=\"" << fixed(a.y1 + 16, 1) << "\" text-anchor=\"middle\" fill=\"" << hexColour(kReportInk.tickLabel)
          << "\">" << htmlEscape(t.label) << "</text>\n";
    o << "<text x=\"" << fixed((p.width + a.x0) / 2, 1) << "\" y=\"" << fixed(p.height - 4, 1)
      << "\" text-anchor=\"middle\" fill=\"" << hexColour(kReportInk.axisLabel) << "\">" << htmlEscape(p.axisLabel)
      << "</text>\n";
    o << "</svg>\n";
    return o.str();
}

std::string tableHtml(const DebriefTable& t) {
    std::ostringstream o;
    o << "<table>";
    if (!t.columns.empty()) {
        o << "<tr>";
        for (const auto& c : t.columns) o << "<th>" << htmlEscape(c) << "</th>";
        o << "</tr>";
    }
    o << "\n";
    for (const auto& r : t.rows) {
        o << "<tr" << classAttr(r.tone) << ">";
        for (const auto& c : r.cells) {
            o << "<td" << classAttr(c.tone) << ">";
            if (c.bar)
                o << "<div class=\"bar\"><span style=\"width:" << fixed(std::clamp(*c.bar, 0.0, 1.0) * 100, 0)
                  << "%\"></span></div>";
            o << htmlEscape(c.text);
            if (!c.note.empty()) o << "<br><span class=\"why\">" << htmlEscape(c.note) << "</span>";
            o << "</td>";
        }
        o << "</tr>\n";
    }
    o << "</table>\n";
    return o.str();
}

std::string preformattedStyle(bool pre) {
    return pre ? " style=\"white-space:pre-wrap\"" : "";
}
}  // namespace

std::string depthTimeSvg(const scenario::Scenario& sc, const Score& score) {
    return plotSvg(buildDepthTimePlot(sc, score));
}

std::string debriefHtml(const scenario::Scenario& sc, const Score& s, const KeyImages& images,
                        const std::string& imagesNote) {
    const Debrief d = buildDebrief(sc, s);
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src "
         "'unsafe-inline'\">\n"
      << "<title>Debrief: " << htmlEscape(d.title) << "</title>\n<style>\n"
      << "body{font-family:sans-serif;max-width:1100px;margin:0 auto;padding:16px;color:#222;background:#fafafa}\n"
      << "h1{margin-bottom:4px}h2{border-bottom:2px solid #ccd;padding-bottom:4px;margin-top:32px}\n"
      << ".badge{display:inline-block;padding:4px 12px;border-radius:4px;color:#fff;font-weight:bold}\n"
      << ".badge.pass{background:" << hexColour(kReportInk.passed)
      << "}.badge.critical{background:" << hexColour(kReportInk.failed) << "}.why{color:#555;font-size:0.9em}\n"
      << "table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #ddd;padding:4px "
         "6px;text-align:left;vertical-align:top}\n"
      << "th{background:#eef}.critical{background:#fdecea}.omission{background:#fff6e0}.effective{background:#eaf7ee}\n"
      << ".finding{display:flex;gap:16px;border:1px solid #ddd;background:#fff;padding:10px;margin:10px 0}\n"
      << ".finding img{width:320px;height:auto;image-rendering:pixelated;border:1px solid #999}\n"
      << ".bar{background:#dde;height:12px;width:200px;position:relative}.bar "
         "span{display:block;height:12px;background:#2e6fd8}\n"
      << ".legend span{display:inline-block;margin-right:12px}.legend "
         "i{display:inline-block;width:14px;height:4px;margin-right:4px;vertical-align:middle}\n"
      << "blockquote{background:#fff;border-left:4px solid #2e6fd8;margin:8px 0;padding:8px 12px}\n"
      << "</style></head><body>\n";
    o << "<h1>" << htmlEscape(d.title) << "</h1>\n<p>" << htmlEscape(d.facts) << "</p>\n";
    for (const auto& sec : d.sections) {
        o << "<h2>" << htmlEscape(sec.title) << "</h2>\n";
        for (const auto& b : sec.blocks) {
            switch (b.kind) {
                case DebriefBlock::Kind::Heading:
                    o << "<h3>" << htmlEscape(b.text) << "</h3>\n";
                    break;
                case DebriefBlock::Kind::Score:
                    o << "<p><span class=\"badge " << toneClass(b.tone) << "\">" << htmlEscape(b.label)
                      << "</span> &nbsp; <b style=\"font-size:1.6em\">" << htmlEscape(b.text) << "</b></p>\n";
                    break;
                case DebriefBlock::Kind::Paragraph:
                    o << "<p" << classAttr(b.tone) << preformattedStyle(b.preformatted) << ">"
                      << (b.label.empty() ? "" : "<b>" + htmlEscape(b.label) + "</b> ") << htmlEscape(b.text)
                      << "</p>\n";
                    break;
                case DebriefBlock::Kind::Quote:
                    o << "<blockquote" << preformattedStyle(b.preformatted) << ">" << htmlEscape(b.text)
                      << "</blockquote>\n";
                    break;
                case DebriefBlock::Kind::Bullets:
                    o << "<ul>\n";
                    for (const auto& i : b.items) o << "<li" << classAttr(b.tone) << ">" << htmlEscape(i) << "</li>\n";
                    o << "</ul>\n";
                    break;
                case DebriefBlock::Kind::Table:
                    o << tableHtml(b.table);
                    break;
                case DebriefBlock::Kind::KeyImagesNote:
                    if (!imagesNote.empty()) o << "<p class=\"why\">" << htmlEscape(imagesNote) << "</p>\n";
                    break;
                case DebriefBlock::Kind::Finding: {
                    const auto& f = b.finding;
                    o << "<div class=\"finding " << toneClass(f.tone) << "\">\n";
                    if (auto it = images.find(f.findingId); it != images.end())
                        o << "<img alt=\"" << htmlEscape(f.heading) << "\" src=\"data:image/png;base64,"
                          << base64(it->second) << "\">\n";
                    o << "<div><h4>" << htmlEscape(f.heading) << "</h4>\n<p>" << htmlEscape(f.why) << "</p>\n"
                      << tableHtml(f.details);
                    for (const auto& [label, text] : f.notes)
                        o << "<p><b>" << htmlEscape(label) << "</b> " << htmlEscape(text) << "</p>\n";
                    if (!f.method.empty())
                        o << "<details><summary>How is this computed</summary><p class=\"why\">" << htmlEscape(f.method)
                          << "</p></details>\n";
                    o << "</div></div>\n";
                    break;
                }
                case DebriefBlock::Kind::Method:
                    o << "<details><summary>" << htmlEscape(b.label) << "</summary>\n"
                      << tableHtml(b.table) << "</details>\n";
                    break;
                case DebriefBlock::Kind::Plot:
                    o << "<div class=\"legend\">";
                    for (const auto& l : d.plot.legend)
                        o << "<span><i style=\"background:" << hexColour(l.colour) << "\"></i>" << htmlEscape(l.label)
                          << "</span>";
                    o << "</div>\n" << plotSvg(d.plot);
                    break;
            }
        }
    }
    o << "</body></html>\n";
    return o.str();
}

}  // namespace polysim::scoring

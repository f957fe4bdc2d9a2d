// The debrief's content, built once from a scenario and a scored session: what the HTML report (debriefHtml) and
// the app's debrief screen both show, so the two cannot drift apart. Sections in PEARLS order (summary, what
// happened, analysis, take-home points), each a list of blocks (paragraphs, lists, tables, finding cards, the
// depth-versus-time plot). No HTML and no GUI here: the plot is geometry in its own coordinates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.h"
#include "scoring/score.h"

namespace polysim::scoring {

using Rgb = std::uint32_t;  // 0xRRGGBB

// The reports' ink, the same in the HTML report and in the app's debrief: the depth-versus-time plot's, and the
// total's badge (also the cohort report's bars).
struct ReportInk {
    Rgb paper = 0xffffff, bandEdge = 0xccccdd, bandLabel = 0x333344, bracket = 0x666677, laneLabel = 0x5a3a00;
    Rgb laneStart = 0xe59866;  // where an interruption began
    Rgb injury = 0xc0392b;     // the findings' levels, and a deterioration
    Rgb marks = 0x000000;      // the trainee's marks and calls
    Rgb axis = 0x333333, tickLabel = 0x222222, axisLabel = 0x555555;
    Rgb passed = 0x1e8449, failed = 0xc0392b;
};
inline constexpr ReportInk kReportInk{};
// "#rrggbb", as HTML and SVG write a colour.
std::string hexColour(Rgb c);

// How a piece of text or a row is set off: muted for reasons and footnotes, the band colours for findings.
enum class Tone { Plain, Muted, Critical, Omission, Effective, Passed };

struct DebriefCell {
    DebriefCell(std::string text = "", std::string note = "", std::optional<double> bar = std::nullopt,
                Tone tone = Tone::Plain)
        : text(std::move(text)), note(std::move(note)), bar(bar), tone(tone) {}
    std::string text;
    std::string note;           // a second, muted line (an answer's feedback)
    std::optional<double> bar;  // 0..1: drawn as a bar before the text (coverage, part scores)
    Tone tone = Tone::Plain;
};

struct DebriefTable {
    std::vector<std::string> columns;  // empty: a table without a header row (label / value pairs)
    struct Row {
        std::vector<DebriefCell> cells;
        Tone tone = Tone::Plain;
    };
    std::vector<Row> rows;
};

// One finding of the case: its key image (by finding id), what the trainee did and what the expert says.
struct DebriefFinding {
    std::string findingId;
    std::string heading;  // "Tension pneumothorax, right — critical error (observational error: missed)"
    Tone tone = Tone::Plain;
    std::string why;
    std::string method;    // how its band was reached (WIDI SIM), shown folded under "How is this computed"
    DebriefTable details;  // ACR category, on screen, seen, marked, identified, called
    std::vector<std::pair<std::string, std::string>> notes;  // {"Expert", ...}, {"Teaching point", ...}
};

struct DebriefBlock {
    enum class Kind {
        Heading,        // text
        Score,          // label: "PASSED" / "NOT PASSED"; text: "69.6 / 100"; tone: Passed or Critical
        Paragraph,      // label (a bold lead, may be empty) + text
        Quote,          // text, line breaks kept when `preformatted`
        Bullets,        // items
        Table,          // table
        Finding,        // finding
        KeyImagesNote,  // where the renderer says why key images are missing (the note comes with the images)
        Plot,           // the Debrief's plot, with its legend
        Method,         // label ("How is this computed") + table: the formulas behind the words, folded shut
    };
    Kind kind = Kind::Paragraph;
    Tone tone = Tone::Plain;
    std::string label, text;
    bool preformatted = false;
    std::vector<std::string> items;
    DebriefTable table;
    DebriefFinding finding;
};

struct DebriefSection {
    std::string title;  // "1. Summary", "2. What happened", "3. Analysis", "4. Take-home points"
    std::vector<DebriefBlock> blocks;
};

// The depth-versus-time plot: the axial slice on screen over the session, coloured by window, with the regions as
// bands, interruptions in lanes above, injuries, marks, calls and deteriorations. Coordinates: x to the right,
// y down, in a width x height box (the SVG's viewBox; the app scales it to its width).
struct DepthTimePlot {
    struct Point {
        double x = 0, y = 0;
    };
    struct Rect {
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    };
    struct Band {  // a region, or regions sharing the same z range
        Rect rect;
        Rgb fill = 0;
        std::string label, shownLabel;  // shownLabel: shortened to fit the margin
        double labelY = 0;              // baseline of the label, right-aligned at labelX
    };
    struct Bracket {  // a long region overlapping the bands (the spine), at the left
        double x = 0, y0 = 0, y1 = 0;
        std::string label;
    };
    struct Lane {  // an interruption, from when it began until answered (or it ended)
        Rect rect;
        Rgb fill = 0;
        std::string label, title;
        double startX = 0;  // a dashed line down through the plot where it began
    };
    struct Injury {  // a finding's z extent at the left edge, and its centre as a dashed line across
        Rect bar;
        double centreY = 0;
        std::string label;
    };
    struct Path {  // a run of the reading path in one window
        std::vector<Point> points;
        Rgb colour = 0;
    };
    struct Marker {
        Point at;
        std::string title;
    };
    struct Tick {
        double x = 0;
        std::string label;
    };
    struct LegendEntry {
        std::string label;
        Rgb colour = 0;
    };
    double width = 1000, height = 0;
    Rect area;          // the time-by-depth area (axis at its bottom)
    double labelX = 0;  // right edge of the band labels
    std::vector<Band> bands;
    std::vector<Bracket> brackets;
    std::vector<Lane> lanes;
    std::vector<Injury> injuries;
    std::vector<Path> paths;
    std::vector<Marker> marks;           // circles at (time, z)
    std::vector<Marker> calls;           // triangles at the top of the area
    std::vector<Marker> deteriorations;  // red lines down through the area at `at.x`
    std::vector<Tick> ticks;
    std::string axisLabel;
    std::vector<LegendEntry> legend;
};

struct Debrief {
    std::string title;  // the scenario's title
    std::string facts;  // trainee, scenario id, session length, how it ended
    std::vector<DebriefSection> sections;
    DepthTimePlot plot;
};

Debrief buildDebrief(const scenario::Scenario& scenario, const Score& score);
DepthTimePlot buildDepthTimePlot(const scenario::Scenario& scenario, const Score& score);

// Every text a reader sees, in reading order: title, facts, section titles, headings, paragraphs, list items,
// table headers and cells, finding headings, details and notes, and the plot's labels, ticks and legend. Both
// renderers must show each of them.
// `folded`: also the texts behind the "How is this computed" folds (the HTML holds them; the app shows them once the
// fold is opened).
std::vector<std::string> debriefTexts(const Debrief& debrief, bool folded = true);

// The colour the plot draws a window preset in ("#333333"-grey for a free width/level).
Rgb windowColour(const std::string& preset);

}  // namespace polysim::scoring

// `polysim fetch DICOMWEB_URL --study UID --out FOLDER`: pulls a study from a PACS or archive over DICOMweb, with a
// progress bar on a terminal, resuming an interrupted fetch; then says which identifying attributes came with it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "imaging/dicom_loader.h"
#include "imaging/dicomweb.h"

namespace polysim::cli {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;
namespace web = polysim::imaging::dicomweb;

std::string megabytes(std::uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
    return buf;
}

// One line redrawn in place on a terminal, at most ten times a second.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled), start_(Clock::now()) {}
    void show(const web::FetchProgress& p) {
        if (!enabled_) return;
        auto now = Clock::now();
        bool seriesDone = p.instancesDone == p.instancesTotal;
        if (now - last_ < std::chrono::milliseconds(100) && !seriesDone) return;
        last_ = now;
        constexpr int width = 30;
        int filled = p.instancesTotal ? int(width * p.instancesDone / p.instancesTotal) : width;
        std::string bar(std::size_t(filled), '#');
        bar.resize(width, '-');
        double seconds = std::chrono::duration<double>(now - start_).count();
        char line[200];
        std::snprintf(line, sizeof line, "\rseries %zu/%zu [%s] %zu/%zu instances  %s  %.1f MB/s   ", p.seriesIndex,
                      p.seriesCount, bar.c_str(), p.instancesDone, p.instancesTotal, megabytes(p.bytesReceived).c_str(),
                      seconds > 0 ? double(p.bytesReceived) / 1e6 / seconds : 0.0);
        std::cerr << line << std::flush;
        drawn_ = true;
    }
    void finish() {
        if (drawn_) std::cerr << "\n";
        drawn_ = false;
    }

private:
    using Clock = std::chrono::steady_clock;
    bool enabled_;
    bool drawn_ = false;
    Clock::time_point start_, last_{};
};

std::size_t completeFiles(const fs::path& folder) {
    std::size_t n = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".dcm") ++n;
    return n;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

int fetch(const Args& args) {
    std::string url, out, study;
    std::vector<std::string> series;
    web::Server server;
    bool list = false, quiet = false;
    ArgReader in("fetch");
    in.value("--study", study, "--study needs a StudyInstanceUID")
        .value("--out", out, "--out needs a folder")
        .check("--series", "--series needs a SeriesInstanceUID",
               [&](const std::string& v) {
                   series.push_back(v);
                   return true;
               })
        .check("--header", "--header needs 'Name: value'",
               [&](const std::string& v) {
                   if (v.find(':') == std::string::npos || v.front() == ':') return false;
                   server.headers.push_back(v);
                   return true;
               })
        .value("--user", server.userPassword, "--user needs USER:PASSWORD")
        .check("--page-size", "--page-size needs a whole number from 1 up",
               [&](const std::string& v) { return ArgReader::parseNumber(v, server.pageSize) && server.pageSize > 0; })
        .check("--timeout", "--timeout needs a number of seconds from 1 up",
               [&](const std::string& v) {
                   return ArgReader::parseNumber(v, server.stallSeconds) && server.stallSeconds > 0;
               })
        .flag("--list", list)
        .flag("--quiet", quiet)
        .positional(url)
        .tooMany("one DICOMWEB_URL only");
    if (auto status = in.read(args)) return *status;
    if (url.empty()) return usageError("fetch", "missing DICOMWEB_URL (the server's DICOMweb root)");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        return usageError("fetch", "DICOMWEB_URL must start with http:// or https:// (got '" + url + "')");
    // The URL may carry the study (and series) itself, as viewers show it: .../studies/UID/series/UID.
    web::ParsedUrl parsed = web::splitStudyUrl(url);
    server.baseUrl = parsed.baseUrl;
    if (study.empty()) study = parsed.studyUid;
    if (!parsed.seriesUid.empty() && series.empty()) series.push_back(parsed.seriesUid);
    if (study.empty()) return usageError("fetch", "missing --study UID");
    if (!web::plausibleUid(study))
        return usageError("fetch", "'" + study + "' is not a StudyInstanceUID (digits and dots, at most 64)");
    for (const auto& s : series)
        if (!web::plausibleUid(s))
            return usageError("fetch", "'" + s + "' is not a SeriesInstanceUID (digits and dots, at most 64)");
    if (!list && out.empty()) return usageError("fetch", "missing --out FOLDER (or --list to only list the series)");

    try {
        if (list) {
            auto all = web::listSeries(server, study);
            if (all.empty()) {
                std::cerr << "polysim fetch: the server at " << server.baseUrl << " holds no series of study " << study
                          << "\n";
                return 1;
            }
            std::cout << "study " << study << " on " << server.baseUrl << ": " << all.size() << " series\n";
            for (const auto& s : all)
                std::cout << "  " << s.uid << "  number " << s.number << ", " << (s.modality.empty() ? "?" : s.modality)
                          << ", " << (s.instancesStated >= 0 ? std::to_string(s.instancesStated) : "?")
                          << " instances, " << (s.description.empty() ? "(no description)" : s.description) << "\n";
            return 0;
        }

        ProgressBar bar(!quiet && ::isatty(STDERR_FILENO));
        web::FetchOptions options;
        options.seriesUids = series;
        options.progress = [&bar](const web::FetchProgress& p) { bar.show(p); };
        web::FetchReport report;
        try {
            report = web::fetchStudy(server, study, out, options);
        } catch (...) {
            bar.finish();
            throw;
        }
        bar.finish();

        std::cout << "study " << study << " from " << server.baseUrl << " into " << out << ": " << report.series.size()
                  << " series, " << report.instancesTotal << " instances (" << report.fetched << " fetched, "
                  << report.alreadyPresent << " already here, " << megabytes(report.bytesReceived) << " received)\n";
        for (const auto& s : report.series)
            std::cout << "  series " << s.uid << "  number " << s.number << ", "
                      << (s.modality.empty() ? "?" : s.modality) << ", "
                      << (s.description.empty() ? "(no description)" : s.description) << "\n";
        for (const auto& w : report.warnings) std::cout << "warning: " << w << "\n";

        ScanReport scan = scanDicom(out);
        std::cout << "identifying attributes present: "
                  << (scan.identifyingAttributes.empty() ? "none" : joined(scan.identifyingAttributes)) << "\n";
        if (!scan.identifyingAttributes.empty())
            std::cout << "  before teaching with these images: polysim anonymize " << out << " --out FOLDER\n";
        return 0;
    } catch (const web::DicomWebError& e) {
        std::cerr << "polysim fetch: " << e.what() << "\n";
        if (e.kind() == web::FailureKind::Unauthorized || e.kind() == web::FailureKind::Forbidden)
            std::cerr << "  credentials go with --user USER:PASSWORD or --header 'Authorization: Bearer TOKEN'\n";
        if (!out.empty() && !list && fs::exists(out)) {
            std::size_t kept = completeFiles(out);
            std::cerr << "  " << kept << " complete instance(s) kept in " << out
                      << (kept && e.kind() == web::FailureKind::Dropped
                              ? "; the same command fetches only what is missing"
                              : "")
                      << "\n";
        }
        return 1;
    }
}
}  // namespace

POLYSIM_REGISTER_COMMAND(
    {"fetch", "pull a study from a PACS or archive over DICOMweb (QIDO-RS, WADO-RS)",
     "polysim fetch DICOMWEB_URL --study UID --out FOLDER [--series UID]... [--user USER:PASSWORD]\n"
     "              [--header 'Name: value']... [--page-size N] [--timeout SECONDS] [--quiet]\n"
     "       polysim fetch DICOMWEB_URL --study UID --list\n"
     "  Lists the study's series and instances with QIDO-RS and retrieves them with WADO-RS in their stored\n"
     "  transfer syntax, into FOLDER/<SeriesInstanceUID>/<SOPInstanceUID>.dcm. An instance is written under its\n"
     "  name only once it arrived whole, so running the same command again after an interruption fetches only\n"
     "  what is missing. DICOMWEB_URL is the server's DICOMweb root (e.g. http://pacs:8042/dicom-web); a URL\n"
     "  ending in /studies/UID[/series/UID] gives the study (and series) too.\n"
     "  --series UID      only this series (repeatable)\n"
     "  --user U:P        HTTP basic authentication\n"
     "  --header H        an extra request header, e.g. 'Authorization: Bearer TOKEN' (repeatable)\n"
     "  --page-size N     QIDO-RS results per request (default 1000)\n"
     "  --timeout S       give up a transfer that receives nothing for S seconds (default 60)\n"
     "  --list            list the study's series, download nothing\n"
     "  --quiet           no progress bar\n"
     "  Afterwards prints the identifying attributes present, as polysim info does.\n"
     "  Exit status 1 when the server refuses, cannot be reached or drops the connection (complete instances are\n"
     "  kept), 2 for a usage error.",
     fetch});

}  // namespace polysim::cli

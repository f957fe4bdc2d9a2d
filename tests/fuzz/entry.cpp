// Each fuzz target hands its input to the same reader the program uses on a user's file.
#include "fuzz/entry.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "imaging/dicom_internal.h"
#include "imaging/dicom_loader.h"
#include "scenario/loader.h"
#include "scoring/score.h"
#include "session/event_log.h"
#include "session/trainee_script.h"

namespace polysim::fuzz {
namespace fs = std::filesystem;

namespace {

// The readers of DICOM files and logs take paths: the input goes to a file of this process's own.
fs::path inputFile(const char* extension) {
    const fs::path dir = fs::temp_directory_path() / ("polysim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / (std::string("input") + extension);
}

void writeInput(const fs::path& file, const uint8_t* data, std::size_t size) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
}

void dicom(const uint8_t* data, std::size_t size) {
    const fs::path file = inputFile(".dcm");
    writeInput(file, data, size);
    // The header scan, then the decoder for what the scan accepted, as the loader runs them.
    imaging::detail::FileHeader header = imaging::detail::readFileHeader(file);
    if (!header.skipReason.empty()) return;
    for (const auto& slice : header.images) {
        std::vector<int16_t> pixels(std::size_t(slice.rows) * std::size_t(slice.columns));
        try {
            imaging::detail::decodeToHu(slice, pixels.data());
        } catch (const imaging::DicomLoadError&) {
        }
        break;  // one frame is enough: every frame goes through the same code
    }
    try {
        imaging::ScanReport scan = imaging::scanDicom(file);
        if (!scan.series.empty() && scan.series.front().loadable) imaging::loadCtVolume(scan, scan.series.front().id);
    } catch (const imaging::DicomLoadError&) {
    }
}

void scenarioText(const uint8_t* data, std::size_t size) {
    scenario::LoadOptions options;
    options.scanDicom = false;  // a fuzzed folder name must not send the checker through the file system
    scenario::parseScenario(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml", options);
}

void script(const uint8_t* data, std::size_t size) {
    try {
        session::parseTraineeScript(std::string(reinterpret_cast<const char*>(data), size), "fuzz.txt");
    } catch (const session::ScriptError&) {
    }
}

const scenario::Scenario& motorcyclist() {
    static const scenario::Scenario s = [] {
        auto r = scenario::loadScenario(scenario::defaultScenarioPath(), {false, false});
        if (!r.scenario) throw std::runtime_error("the shipped scenario does not load");
        return *r.scenario;
    }();
    return s;
}

void eventLog(const uint8_t* data, std::size_t size) {
    const fs::path file = inputFile(".jsonl");
    writeInput(file, data, size);
    try {
        // Reading, then replaying through the session and scoring, as `polysim score` does.
        scoring::scoreLogFile(motorcyclist(), file);
    } catch (const session::LogError&) {
    }
}

}  // namespace

const std::vector<std::string>& targetNames() {
    static const std::vector<std::string> names = {"dicom", "scenario", "script", "event_log"};
    return names;
}

void runOne(const std::string& target, const uint8_t* data, std::size_t size) {
    if (target == "dicom") return dicom(data, size);
    if (target == "scenario") return scenarioText(data, size);
    if (target == "script") return script(data, size);
    if (target == "event_log") return eventLog(data, size);
    throw std::invalid_argument("no fuzz target '" + target + "'");
}

}  // namespace polysim::fuzz

// `microcircuit analyze DIR --spectra / --psth / --health`: power spectra,
// pulse-locked PSTHs and the health check against the reference
// (docs/analysis.md).
#include "cli_activity.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/reference_check.hpp"
#include "microcircuit/spectrum.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>

namespace mc::cli {
namespace {

nlohmann::ordered_json jnum(double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr); }

std::string csvNum(double x) {
    if (!std::isfinite(x)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

/// A table number: "-" when undefined.
std::string fixed(double x, int precision) {
    if (!std::isfinite(x)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", precision, x);
    return buf;
}

std::string outPath(const std::string& dir, const char* name) { return (std::filesystem::path(dir) / name).string(); }

/// The folder's configuration; nullopt when it has none (e.g. NEST's output).
std::optional<Config> folderConfig(const std::string& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
    try {
        Config c;
        applyConfigPath(c, dir);
        return c;
    } catch (const ConfigError&) {
        return std::nullopt;
    }
}

} // namespace

void writeSpectra(const SpikeData& data, double tMin, double tMax, const std::string& outDir, bool noSummary, bool quiet) {
    std::vector<Spectrum> spectra;
    for (const PopulationSpikes& pop : data.populations) spectra.push_back(populationSpectrum(pop, tMin, tMax));
    std::ostringstream csv;
    csv << "population,frequency_hz,power_hz2_per_hz\n";
    nlohmann::ordered_json js = nlohmann::ordered_json::object();
    js["t_min"] = tMin;
    js["t_max"] = tMax;
    js["bin_ms"] = SpectrumOptions{}.binMs;
    js["units"] = "frequency Hz, power (spikes/s)^2/Hz of the population rate per neuron";
    nlohmann::ordered_json pops = nlohmann::ordered_json::object();
    for (std::size_t p = 0; p < spectra.size(); ++p) {
        const Spectrum& s = spectra[p];
        const std::string& name = data.populations[p].name;
        nlohmann::ordered_json j;
        j["peak_hz"] = jnum(s.peakHz);
        j["resolution_hz"] = s.resolutionHz;
        j["segments"] = s.segments;
        nlohmann::ordered_json f = nlohmann::ordered_json::array(), pw = nlohmann::ordered_json::array();
        for (std::size_t k = 0; k < s.freqHz.size(); ++k) {
            csv << name << ',' << csvNum(s.freqHz[k]) << ',' << csvNum(s.power[k]) << '\n';
            f.push_back(s.freqHz[k]);
            pw.push_back(jnum(s.power[k]));
        }
        j["frequency_hz"] = std::move(f);
        j["power"] = std::move(pw);
        pops[name] = std::move(j);
        if (!noSummary) std::printf("%-5s spectrum peak %6.1f Hz (resolution %.2f Hz, %d segments)\n", name.c_str(), s.peakHz,
                                s.resolutionHz, s.segments);
    }
    js["populations"] = std::move(pops);
    writeTextFileAtomic(outPath(outDir, "spectra.csv"), csv.str());
    writeTextFileAtomic(outPath(outDir, "spectra.json"), js.dump(1) + "\n");
    if (!quiet) std::fprintf(stderr, "spectra written to %s\n", outPath(outDir, "spectra.{csv,json}").c_str());
}

std::vector<double> folderOnsets(const std::string& dir) {
    const std::optional<Config> c = folderConfig(dir);
    std::vector<double> onsets;
    if (!c) return onsets;
    if (c->stim.thalamic_input) onsets.push_back(c->stim.th_start);
    for (const TimedEvent& e : c->events)
        if (e.kind == TimedEvent::Kind::ThalamicPulse) onsets.push_back(e.start_ms);
    std::sort(onsets.begin(), onsets.end());
    return onsets;
}

void writePsth(const SpikeData& data, std::vector<double> onsets, const std::string& dir, const std::string& outDir,
               bool noSummary, bool quiet) {
    if (onsets.empty()) onsets = folderOnsets(dir);
    if (onsets.empty())
        throw ConfigError(dir + ": no thalamic pulse onsets (stim_dict.json's thalamic_input/th_start or events.json's "
                                "thalamic_pulse events); give them with --onsets T1,T2,...");
    const double end = data.tEnd > 0.0 ? data.tEnd : data.lastSpikeMs;
    std::ostringstream csv;
    csv << "population,time_ms,rate_hz,sem_hz,trials\n";
    nlohmann::ordered_json js = nlohmann::ordered_json::object();
    js["onsets_ms"] = onsets;
    const PsthOptions opt;
    js["bin_ms"] = opt.binMs;
    js["before_ms"] = opt.beforeMs;
    js["after_ms"] = opt.afterMs;
    nlohmann::ordered_json pops = nlohmann::ordered_json::object();
    int trials = 0;
    for (const PopulationSpikes& pop : data.populations) {
        const Psth h = pulsePsth(pop, onsets, end, opt);
        trials = h.trials;
        nlohmann::ordered_json j;
        j["trials"] = h.trials;
        j["peak_ms"] = jnum(h.peakMs);
        nlohmann::ordered_json t = nlohmann::ordered_json::array(), m = nlohmann::ordered_json::array(),
                               s = nlohmann::ordered_json::array();
        for (std::size_t b = 0; b < h.timeMs.size(); ++b) {
            csv << pop.name << ',' << csvNum(h.timeMs[b]) << ',' << csvNum(h.mean[b]) << ',' << csvNum(h.sem[b]) << ','
                << h.trials << '\n';
            t.push_back(h.timeMs[b]);
            m.push_back(jnum(h.mean[b]));
            s.push_back(jnum(h.sem[b]));
        }
        j["time_ms"] = std::move(t);
        j["rate_hz"] = std::move(m);
        j["sem_hz"] = std::move(s);
        pops[pop.name] = std::move(j);
        if (!noSummary) std::printf("%-5s PSTH peak %+6.1f ms after the onset, %d trials\n", pop.name.c_str(), h.peakMs, h.trials);
    }
    if (trials == 0)
        throw ConfigError(dir + ": no onset has its whole PSTH window (-50 to +150 ms) inside the recorded data");
    js["populations"] = std::move(pops);
    writeTextFileAtomic(outPath(outDir, "psth.csv"), csv.str());
    writeTextFileAtomic(outPath(outDir, "psth.json"), js.dump(1) + "\n");
    if (!quiet) std::fprintf(stderr, "PSTHs written to %s\n", outPath(outDir, "psth.{csv,json}").c_str());
}

HealthReport folderHealth(const SpikeData& data, double tMin, double tMax, const std::string& dir) {
    std::optional<Config> c = folderConfig(dir);
    // Scale and drive come from net_dict.json: without it the defaults would
    // pose as the run's, so there is no reference rate to hold it against.
    std::error_code ec;
    if (!c || !std::filesystem::exists(std::filesystem::path(dir) / "net_dict.json", ec)) {
        c = Config{};
        c->net.N_scaling = c->net.K_scaling = -1.0; // unknown: no reference rates
    }
    return checkAgainstReference(data, tMin, tMax, *c);
}

void printHealth(const HealthReport& r, bool table) {
    if (table) {
        if (!r.bandNote.empty()) std::printf("band: %s\n", r.bandNote.c_str());
        std::printf("%-5s %9s %9s %13s %7s %8s %10s %9s  %s\n", "pop", "rate (Hz)", "ref (Hz)", "band (Hz)", "ratio",
                    "mean CV", "Fano", "synchrony", "state");
        for (const PopulationCheck& c : r.populations)
            std::printf("%-5s %9.3f %9s %13s %7s %8s %10.3g %9.4f  %s%s\n", c.name.c_str(), c.health.meanRate,
                        fixed(c.referenceRate, 3).c_str(),
                        std::isfinite(c.bandLow) ? (fixed(c.bandLow, 2) + "-" + fixed(c.bandHigh, 2)).c_str() : "-",
                        fixed(c.rateRatio, 2).c_str(), fixed(c.meanCv, 3).c_str(),
                        c.health.fano, c.health.synchrony, stateName(c.health.state),
                        c.problem.empty() ? "" : "  <-- outside");
    }
    std::printf("health: %s\n", r.verdict.c_str());
}

nlohmann::ordered_json healthJson(const HealthReport& r) {
    nlohmann::ordered_json j;
    j["healthy"] = r.healthy;
    j["verdict"] = r.verdict;
    j["have_reference"] = r.haveReference;
    j["calibrated"] = r.calibrated;
    j["band"] = r.bandNote;
    nlohmann::ordered_json pops = nlohmann::ordered_json::object();
    for (const PopulationCheck& c : r.populations)
        pops[c.name] = {{"mean_rate", jnum(c.health.meanRate)}, {"reference_rate", jnum(c.referenceRate)},
                        {"rate_ratio", jnum(c.rateRatio)},     {"band_low", jnum(c.bandLow)},
                        {"band_high", jnum(c.bandHigh)},       {"mean_cv", jnum(c.meanCv)},
                        {"calibrated_cv", jnum(c.cvExpected)}, {"calibrated_cv_sd", jnum(c.cvSpread)},
                        {"fano", jnum(c.health.fano)},         {"synchrony", jnum(c.health.synchrony)},
                        {"state", stateName(c.health.state)},  {"rate_ok", c.rateOk},
                        {"cv_ok", c.cvOk},                     {"state_ok", c.stateOk},
                        {"problem", c.problem}};
    j["populations"] = std::move(pops);
    return j;
}

} // namespace mc::cli

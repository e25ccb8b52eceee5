#include "ui/data_export.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/output_folder.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace mc::ui {
namespace {

bool writeAtomic(const QString& path, const std::string& text, QString* error) {
    try {
        writeTextFileAtomic(path.toStdString(), text);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

int populationOf(const DerivedParams& d, std::int32_t neuron) {
    int p = 0;
    while (p < kNumPops - 1 && neuron >= d.first_neuron[p + 1])
        ++p;
    return p;
}

} // namespace

bool writeSpikesCsv(const QString& path, std::span<const Spike> spikes, const DerivedParams& derived,
                    double resolutionMs, QString* error) {
    std::string out = "population,sender,time_ms\n";
    out.reserve(out.size() + spikes.size() * 24);
    const double micros = resolutionMs * 1000.0;
    for (const Spike& s : spikes) {
        out += kPopNames[populationOf(derived, s.neuron)];
        out += ',';
        out += std::to_string(static_cast<std::int64_t>(s.neuron) + 1);
        out += ',';
        appendTimeMs(out, std::llround((s.step + 1) * micros));
        out += '\n';
    }
    return writeAtomic(path, out, error);
}

bool writeNestFolder(const QString& folder, std::span<const Spike> spikes, std::int64_t endStep, const Config& config,
                     const DerivedParams& derived, QString* error) {
    try {
        // NEST's text files and, where the build has HDF5, the same spikes as a SONATA report.
        OutputFolder out(folder.toStdString(), config, derived, SpikeFormats{true, sonataAvailable()});
        out.onSpikes(spikes, endStep);
        out.finish();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool writeStatsCsv(const QString& path, const WindowStats& s, const DerivedParams& d, QString* error) {
    std::string out = "population,neurons,from_ms,to_ms,rate_mean_hz,rate_sd_hz,cv_mean,neurons_with_cv\n";
    char line[256];
    for (int p = 0; p < kNumPops; ++p) {
        std::snprintf(line, sizeof line, "%s,%d,%.1f,%.1f,%.6g,%.6g,%.6g,%zu\n", kPopNames[p], d.num_neurons[p],
                      s.fromMs, s.toMs, s.meanRate[p], s.sdRate[p], s.meanCv[p], s.cvs[p].size());
        out += line;
    }
    return writeAtomic(path, out, error);
}

bool writeStatsJson(const QString& path, const WindowStats& s, const DerivedParams& d, QString* error) {
    nlohmann::ordered_json pops = nlohmann::ordered_json::object();
    for (int p = 0; p < kNumPops; ++p) {
        pops[kPopNames[p]] = {{"neurons", d.num_neurons[p]},
                              {"rate_mean_hz", s.meanRate[p]},
                              {"rate_sd_hz", s.sdRate[p]},
                              {"cv_mean", s.meanCv[p]},
                              {"neurons_with_cv", s.cvs[p].size()},
                              {"rates_hz", s.rates[p]},
                              {"cvs", s.cvs[p]}};
    }
    const nlohmann::ordered_json doc{{"from_ms", s.fromMs}, {"to_ms", s.toMs}, {"populations", pops}};
    return writeAtomic(path, doc.dump(1) + "\n", error);
}

} // namespace mc::ui

#include "ui/data_export.hpp"

#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/output_folder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

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

namespace {

struct Stimulus {
    double startMs, durMs;
    std::string label;
};

std::string fmt(const char* f, double a, double b = 0.0, double c = 0.0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, f, a, b, c);
    return buf;
}

/// Stimuli of a kind (thalamic pulses or DC transients) that overlap [from, to].
std::vector<Stimulus> overlapping(const ExportedInterval& in, EventKind kind) {
    const Config& built = in.session.config;
    std::vector<Stimulus> all;
    if (kind == EventKind::ThalamicPulse && built.stim.thalamic_input && built.stim.th_start < kNeverMs)
        all.push_back({built.stim.th_start, built.stim.th_duration, "configured"});
    if (kind == EventKind::DcTransient && built.stim.dc_transient)
        all.push_back({built.stim.dc_transient_start, built.stim.dc_transient_dur, "configured"});
    for (const LiveEvent& e : in.session.events)
        if (e.kind == kind)
            all.push_back({e.startMs, kind == EventKind::ThalamicPulse ? built.stim.th_duration : e.durMs, "live"});
    std::vector<Stimulus> out;
    for (const Stimulus& s : all)
        if (s.startMs <= in.toMs && s.startMs + s.durMs >= in.fromMs) out.push_back(s);
    std::sort(out.begin(), out.end(), [](const Stimulus& a, const Stimulus& b) { return a.startMs < b.startMs; });
    return out;
}

} // namespace

Config intervalConfig(const ExportedInterval& in, std::vector<std::string>* notes) {
    const Config& built = in.session.config;
    const double h = built.sim.sim_resolution;
    const auto fromStep = static_cast<std::int64_t>(std::llround(in.fromMs / h));
    Config c = configAt(built, in.session.events, fromStep);
    c.events.clear();
    c.sim.t_presim = in.fromMs;
    c.sim.t_sim = in.toMs - in.fromMs;
    // Live changes after the start of the interval: the dicts hold one value.
    Config current = c;
    for (const LiveEvent& e : in.session.events) {
        if (e.kind != EventKind::Live || e.step <= fromStep || e.step * h > in.toMs) continue;
        const Config next = configAt(built, in.session.events, e.step);
        if (notes)
            notes->push_back(fmt("at %.1f ms: PSP_exc_mean %g mV, g %g", e.step * h, next.net.PSP_exc_mean,
                                 next.net.g) +
                             fmt(", bg_rate %g Hz (was %g mV, %g", next.net.bg_rate, current.net.PSP_exc_mean,
                                 current.net.g) +
                             fmt(", %g Hz)", current.net.bg_rate) + (e.label.empty() ? "" : ": " + e.label));
        current = next;
    }
    const auto pulses = overlapping(in, EventKind::ThalamicPulse);
    c.stim.thalamic_input = !pulses.empty();
    if (!pulses.empty()) c.stim.th_start = pulses.front().startMs;
    const auto dcs = overlapping(in, EventKind::DcTransient);
    c.stim.dc_transient = !dcs.empty();
    if (!dcs.empty()) {
        c.stim.dc_transient_start = dcs.front().startMs;
        c.stim.dc_transient_dur = dcs.front().durMs;
    }
    if (notes) {
        for (std::size_t i = 1; i < pulses.size(); ++i)
            notes->push_back(fmt("thalamic pulse at %.1f ms (%g ms); stim_dict.json holds only the first, at %.1f ms",
                                 pulses[i].startMs, pulses[i].durMs, pulses.front().startMs));
        for (std::size_t i = 1; i < dcs.size(); ++i)
            notes->push_back(fmt("DC transient at %.1f ms for %g ms; stim_dict.json holds only the first, at %.1f ms",
                                 dcs[i].startMs, dcs[i].durMs, dcs.front().startMs));
    }
    return c;
}

namespace {

std::string readme(const ExportedInterval& in, const std::vector<std::string>& notes) {
    std::string t;
    t += "Spikes exported by the microcircuit desktop program\n";
    t += "====================================================\n\n";
    t += fmt("Interval: %.1f to %.1f ms of model time (", in.fromMs, in.toMs) + in.what.toStdString() +
         "), both ends included.\n";
    if (in.allSpikesFromZero) t += "The spike files hold every spike from 0 ms on, the warm-up before the interval included.\n";
    t += "\n";
    t += "spike_recorder-<id>-0.dat  the spikes of one population each, in NEST's ASCII format.\n"
         "                           Senders are NEST ids (from 1); the program's hover shows the same ids.\n"
         "spikes.h5                  the same spikes as a SONATA report (builds with HDF5).\n"
         "population_nodeids.dat     first and last id of each population.\n"
         "rates.csv                  mean and sd over neurons of the per-neuron rates over the interval,\n"
         "                           as `microcircuit analyze` computes them on this folder.\n"
         "sim_dict.json              t_presim = start of the interval, t_sim = its length. The network had\n"
         "                           run for t_presim ms before the first exported spike; this is not the\n"
         "                           warm-up of the run.\n"
         "net_dict.json              the parameters in effect at the start of the interval (live changes\n"
         "                           before it included).\n"
         "stim_dict.json             thalamic_input / dc_transient are true if a thalamic pulse / DC\n"
         "                           transient overlaps the interval; th_start, dc_transient_start and\n"
         "                           dc_transient_dur give the first one.\n"
         "session.json               the session: File > Load session in the program replays the run.\n"
         "events.json                the configuration the network was built with and every live change\n"
         "                           and stimulus as a timed event; `microcircuit run --config events.json`\n"
         "                           replays the run up to the end of the interval.\n\n";
    if (notes.empty()) {
        t += "The dicts describe the interval completely: no live change and no further stimulus\n"
             "happened in it.\n";
    } else {
        t += "What the dicts cannot express (one value per key), in time order; all of it is in\n"
             "events.json and session.json:\n";
        for (const std::string& n : notes)
            t += "  - " + n + "\n";
    }
    return t;
}

} // namespace

bool writeNestFolder(const QString& folder, std::span<const Spike> spikes, const ExportedInterval& in,
                     const DerivedParams& derived, QString* error) {
    try {
        std::vector<std::string> notes;
        const Config c = intervalConfig(in, &notes);
        const std::string dir = folder.toStdString();
        // NEST's text files and, where the build has HDF5, the same spikes as a SONATA report.
        OutputFolder out(dir, c, derived, SpikeFormats{true, sonataAvailable()});
        out.onSpikes(spikes, static_cast<std::int64_t>(std::llround(in.toMs / c.sim.sim_resolution)));
        out.finish();
        Session session = in.session;
        writeTextFileAtomic(dir + "/session.json", sessionToJson(session));
        writeTextFileAtomic(dir + "/events.json", configToJson(sessionAsConfig(session, in.toMs)));
        writeTextFileAtomic(dir + "/README.txt", readme(in, notes));
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

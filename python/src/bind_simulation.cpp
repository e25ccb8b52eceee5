// The simulation object: build, run (GIL released, Ctrl-C between chunks),
// live changes, spikes as NumPy arrays, membrane-potential probes.
#include "bindings.hpp"
#include "recorder.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/output_folder.hpp"
#include "microcircuit/simulation.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstdio>
#include <cmath>
#include <optional>
#include <thread>

namespace mc::python {

namespace {

/// Membrane potentials of some neurons every `interval` steps.
struct Probe {
    std::vector<std::int32_t> neurons;
    std::int64_t interval = 1;
    std::vector<double> times;  ///< ms
    std::vector<double> values; ///< mV, row-major [sample][neuron]
};

/// Marks the simulation busy while the GIL is released, so that a second
/// Python thread cannot touch it meanwhile.
class BusyGuard {
public:
    explicit BusyGuard(std::atomic<bool>& flag) : m_flag(flag) {
        if (m_flag.exchange(true)) throw std::runtime_error("the simulation is busy: run() is under way in another thread");
    }
    ~BusyGuard() { m_flag = false; }
    BusyGuard(const BusyGuard&) = delete;
    BusyGuard& operator=(const BusyGuard&) = delete;

private:
    std::atomic<bool>& m_flag;
};

template <class T>
py::array_t<T> readOnlyView(const T* data, std::size_t n, py::handle base) {
    py::array_t<T> a({n}, {sizeof(T)}, data, base);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}

class PySimulation {
public:
    PySimulation(const std::string& configJson, int threads, const std::optional<std::string>& out) {
        Config config = configFromParts({{configJson, "config"}});
        if (threads > 0) config.sim.local_num_threads = threads;
        const DerivedParams derived = deriveParameters(config);
        checkMemoryFits(config, derived, config.sim.local_num_threads);
        // An unwritable folder fails before a long build.
        if (out) {
            m_folder = std::make_unique<OutputFolder>(*out, config, derived);
            m_outPath = *out;
        }
        m_recorder = std::make_unique<Recorder>(derived, config.sim.sim_resolution, config.sim.rec_spikes);
        m_recorder->setFolder(m_folder.get());

        // Ctrl-C during the build: the progress callback, called on this
        // (the main) thread, takes the GIL and lets Python check for signals.
        std::atomic<bool> cancel{false};
        const auto self = std::this_thread::get_id();
        BuildOptions options;
        options.threads = config.sim.local_num_threads;
        options.cancel = &cancel;
        options.progress = [&](double, const char*) {
            if (std::this_thread::get_id() != self || cancel) return;
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) cancel = true;
        };
        try {
            py::gil_scoped_release release;
            m_sim = std::make_unique<Simulation>(config, options);
        } catch (const BuildCancelled&) {
            if (PyErr_Occurred()) throw py::error_already_set();
            throw;
        }
        m_events = std::make_unique<EventPlayer>(config.events, config.sim.sim_resolution);
    }

    ~PySimulation() {
        try {
            close();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "microcircuit_live: %s\n", e.what());
        }
    }

    /// Completes the output folder: spike files closed, rates.csv written.
    /// A run that went on past t_presim + t_sim records the t_sim actually
    /// simulated in sim_dict.json (OutputFolder::finish does so for one
    /// that ended earlier), so that readers take the whole run. Throws
    /// WriteError (ValueError in Python) if a write failed.
    void close() {
        if (!m_folder) return;
        std::unique_ptr<OutputFolder> folder = std::move(m_folder);
        m_recorder->setFolder(nullptr);
        const Config& now = m_sim->config();
        if (m_sim->timeMs() > now.sim.t_presim + now.sim.t_sim + 0.5 * m_sim->resolution()) {
            Config ran = now;
            ran.sim.t_sim = m_sim->timeMs() - now.sim.t_presim;
            writeReferenceDicts(ran, m_sim->derived(), m_outPath);
        }
        folder->finish();
    }

    /// The engine, when no run() is under way in another thread.
    Simulation& sim() {
        ensureIdle();
        return *m_sim;
    }
    const Simulation& sim() const {
        ensureIdle();
        return *m_sim;
    }
    void ensureIdle() const {
        if (m_busy) throw std::runtime_error("the simulation is busy: run() is under way in another thread");
    }

    /// Advances by `ms` of model time in chunks of at most 100 ms (and up to
    /// each probe sample), with the GIL released; between chunks Python
    /// checks for signals, so Ctrl-C raises KeyboardInterrupt at a chunk
    /// boundary and leaves a consistent simulation.
    void run(double ms) {
        const double h = m_sim->resolution();
        if (!std::isfinite(ms) || ms < 0.0)
            throw ConfigError("run: t = " + std::to_string(ms) + " ms must be a finite time >= 0 ms");
        const std::int64_t steps = std::llround(ms / h);
        if (std::abs(steps * h - ms) > 1e-6 * h)
            throw ConfigError("run: t = " + std::to_string(ms) + " ms is not a multiple of the time step " +
                              std::to_string(h) + " ms");
        const std::int64_t chunk = std::max<std::int64_t>(1, std::llround(100.0 / h));
        std::int64_t done = 0;
        while (done < steps) {
            std::int64_t n = std::min(chunk, steps - done);
            for (const Probe& p : m_probes) n = std::min(n, p.interval - m_sim->steps() % p.interval);
            {
                BusyGuard busy(m_busy);
                py::gil_scoped_release release;
                m_events->run(*m_sim, n, m_recorder.get());
                sampleProbes();
            }
            done += n;
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        }
    }

    void sampleProbes() {
        const std::int64_t now = m_sim->steps();
        for (Probe& p : m_probes)
            if (now % p.interval == 0) sampleProbe(p);
    }

    int addProbe(const std::vector<std::int64_t>& ids, double intervalMs) {
        const std::int32_t total = m_sim->derived().total_neurons;
        const double h = m_sim->resolution();
        const std::int64_t interval = std::llround(intervalMs / h);
        if (!(intervalMs > 0.0) || interval < 1 || std::abs(interval * h - intervalMs) > 1e-6 * h)
            throw ConfigError("probe: interval_ms = " + std::to_string(intervalMs) +
                              " must be a positive multiple of the time step " + std::to_string(h) + " ms");
        if (ids.empty()) throw ConfigError("probe: no neurons given");
        Probe p;
        p.interval = interval;
        for (std::int64_t id : ids) {
            if (id < 1 || id > total)
                throw ConfigError("probe: neuron id " + std::to_string(id) + " is outside 1.." +
                                  std::to_string(total) + " (NEST ids count from 1)");
            p.neurons.push_back(static_cast<std::int32_t>(id - 1));
        }
        m_probes.push_back(std::move(p));
        if (m_sim->steps() % interval == 0) sampleProbe(m_probes.back());
        return static_cast<int>(m_probes.size()) - 1;
    }

    void sampleProbe(Probe& p) {
        p.times.push_back(m_sim->timeMs());
        for (std::int32_t n : p.neurons) p.values.push_back(m_sim->membranePotential(n));
    }

    py::tuple probeData(int i) const {
        ensureIdle();
        if (i < 0 || i >= static_cast<int>(m_probes.size())) throw std::out_of_range("no such probe");
        const Probe& p = m_probes[i];
        py::array_t<double> times(p.times.size(), p.times.data());
        py::array_t<double> v({p.times.size(), p.neurons.size()});
        std::copy(p.values.begin(), p.values.end(), v.mutable_data());
        py::array_t<std::int64_t> ids(p.neurons.size());
        for (std::size_t k = 0; k < p.neurons.size(); ++k) ids.mutable_data()[k] = p.neurons[k] + 1;
        return py::make_tuple(ids, times, v);
    }

    /// The whole recording as (senders, times), read-only views of the
    /// recorder's columns: no copy.
    py::tuple spikes() const {
        ensureIdle();
        auto cols = m_recorder->columns();
        const std::size_t n = cols->senders.size();
        auto* holder = new std::shared_ptr<const SpikeColumns>(cols);
        py::capsule base(holder, [](void* p) { delete static_cast<std::shared_ptr<const SpikeColumns>*>(p); });
        return py::make_tuple(readOnlyView(cols->senders.data(), n, base), readOnlyView(cols->times.data(), n, base));
    }

    SpikeData spikeData() const {
        auto cols = m_recorder->columns();
        const DerivedParams& d = m_sim->derived();
        std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
        for (int p = 0; p < kNumPops; ++p) ranges.emplace_back(d.first_neuron[p] + 1, d.first_neuron[p + 1]);
        std::vector<SpikeRecord> records(cols->senders.size());
        for (std::size_t k = 0; k < records.size(); ++k) records[k] = {cols->senders[k], cols->times[k]};
        SpikeData data = buildSpikeData(ranges, records, "the recording");
        data.tPresim = m_sim->config().sim.t_presim;
        data.tEnd = m_sim->timeMs();
        data.nScaling = m_sim->config().net.N_scaling;
        return data;
    }

    py::dict analyze(double tMin, double tMax, int subsample, std::uint64_t seed, double ccBin, double rateBin) const {
        ensureIdle();
        if (!m_recorder->keeps()) throw ConfigError("analyze: spikes are not recorded (sim.rec_spikes is false)");
        return analysisToDict(spikeData(), analysisOptions(tMin, tMax, subsample, seed, ccBin, rateBin));
    }

    void applySetJson(const std::string& json, const std::string& origin) {
        Simulation& s = sim();
        s.applyConfig(applySet(s.config(), json, origin, true));
    }

    py::list folderRates() const {
        py::list out;
        if (!m_folder) return out;
        for (const PopulationRate& r : m_folder->rates()) out.append(py::make_tuple(r.mean, r.sd));
        return out;
    }

    std::unique_ptr<Simulation> m_sim;
    std::string m_outPath;
    std::unique_ptr<OutputFolder> m_folder;
    std::unique_ptr<Recorder> m_recorder;
    std::unique_ptr<EventPlayer> m_events;
    std::vector<Probe> m_probes;
    std::atomic<bool> m_busy{false};
};

} // namespace

void bindSimulation(py::module_& m) {
    py::class_<PySimulation>(m, "Simulation")
        .def(py::init<const std::string&, int, const std::optional<std::string>&>(), py::arg("config_json"),
             py::arg("threads") = 0, py::arg("out") = std::nullopt)
        .def("run", &PySimulation::run, py::arg("ms"))
        .def("close", &PySimulation::close)
        .def("config_json", [](PySimulation& s) { return configToJson(s.sim().config()); })
        .def("built_config_json", [](PySimulation& s) { return configToJson(s.sim().builtConfig()); })
        .def("derived", [](PySimulation& s) { return derivedToDict(s.sim().derived()); })
        .def("apply_set", &PySimulation::applySetJson, py::arg("set_json"), py::arg("origin"))
        .def("thalamic_pulse", [](PySimulation& s, double start) { return s.sim().scheduleThalamicPulse(start); })
        .def("dc_transient", [](PySimulation& s, double start, double dur) { s.sim().scheduleDcTransient(start, dur); })
        .def("spikes", &PySimulation::spikes)
        .def("recorder_copies", [](const PySimulation& s) { return s.m_recorder->copies(); })
        .def("analyze", &PySimulation::analyze, py::arg("t_min"), py::arg("t_max"), py::arg("subsample"),
             py::arg("seed"), py::arg("cc_bin_ms"), py::arg("rate_bin_ms"))
        .def("add_probe", &PySimulation::addProbe, py::arg("ids"), py::arg("interval_ms"))
        .def("probe_data", &PySimulation::probeData, py::arg("index"))
        .def("membrane_potentials",
             [](PySimulation& s, const std::vector<std::int64_t>& ids) {
                 const Simulation& sim = s.sim();
                 py::array_t<double> out(ids.size());
                 for (std::size_t k = 0; k < ids.size(); ++k) {
                     if (ids[k] < 1 || ids[k] > sim.derived().total_neurons)
                         throw ConfigError("neuron id " + std::to_string(ids[k]) + " is outside 1.." +
                                           std::to_string(sim.derived().total_neurons));
                     out.mutable_data()[k] = sim.membranePotential(static_cast<std::int32_t>(ids[k] - 1));
                 }
                 return out;
             })
        .def("folder_rates", &PySimulation::folderRates)
        .def("store_metadata",
             [](PySimulation& s) {
                 if (s.m_outPath.empty()) throw ConfigError("store_metadata: the simulation has no output folder");
                 writeReferenceDicts(s.sim().config(), s.sim().derived(), s.m_outPath);
             })
        .def("spike_counts",
             [](PySimulation& s) {
                 const auto c = s.sim().spikeCounts();
                 return py::array_t<std::int64_t>(c.size(), c.data());
             })
        .def_property_readonly("steps", [](const PySimulation& s) { return s.sim().steps(); })
        .def_property_readonly("time_ms", [](const PySimulation& s) { return s.sim().timeMs(); })
        .def_property_readonly("resolution", [](const PySimulation& s) { return s.sim().resolution(); })
        .def_property_readonly("threads", [](const PySimulation& s) { return s.sim().threads(); })
        .def_property_readonly("backend", [](const PySimulation& s) { return std::string(s.sim().backend()); })
        .def_property_readonly("simd", [](const PySimulation& s) { return std::string(s.sim().simd()); })
        .def_property_readonly("delivery", [](const PySimulation& s) { return std::string(s.sim().delivery()); })
        .def_property_readonly("num_synapses", [](const PySimulation& s) { return s.sim().numSynapses(); })
        .def_property_readonly("memory_bytes", [](const PySimulation& s) { return s.sim().memoryBytes(); })
        .def_property_readonly("build_seconds", [](const PySimulation& s) { return s.sim().buildSeconds(); });
}

} // namespace mc::python

#include "microcircuit/simulation.hpp"

#include "microcircuit/errors.hpp"
#include "network.hpp"
#include "neuron_update.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>

namespace mc {
namespace {

int resolveThreads(const Config& config, const BuildOptions& options) {
    int threads = options.threads > 0 ? options.threads : config.sim.local_num_threads;
    if (threads <= 0) threads = Simulation::defaultThreads();
    return std::max(1, threads);
}

void checkNeuron(const detail::Network& net, std::int32_t neuron) {
    if (neuron < 0 || neuron >= net.derived.total_neurons)
        throw ConfigError("neuron index " + std::to_string(neuron) + " is outside [0, " +
                          std::to_string(net.derived.total_neurons) + ")");
}

std::int64_t toSteps(double ms, double h) { return std::llround(ms / h); }

} // namespace

Simulation::Simulation(const Config& config, const BuildOptions& options)
    : m_net(std::make_unique<detail::Network>()) {
    config.validate();
    detail::Network& net = *m_net;
    net.config = config;
    net.config.events.clear(); // a run's timed changes are the caller's (EventPlayer)
    net.derived = deriveParameters(config);
    net.built = net.config;
    net.builtDerived = net.derived;
    const int threads = resolveThreads(config, options);
    checkMemoryFits(config, net.derived, threads);
    try {
        net.workers = std::make_unique<detail::Workers>(threads);
        detail::buildNetwork(net, options);
        detail::prepareNeurons(net);
        detail::preparePoisson(net);
        net.history.assign(static_cast<std::size_t>(net.delaySlots) + 1,
                           std::vector<std::vector<std::int32_t>>(net.shards.size() + 1));
        detail::prepareDelivery(net);
    } catch (const std::bad_alloc&) {
        // The estimate said it fits, but the address space (ulimit -v, a
        // container's limit) or other programs' memory said otherwise.
        char buf[320];
        std::snprintf(buf, sizeof buf,
                      "the network at N_scaling %g, K_scaling %g with %d threads did not fit in memory: it needs "
                      "about %.1f GB and an allocation failed during construction (free memory, lower the "
                      "scale or the threads, or raise ulimit -v)",
                      config.net.N_scaling, config.net.K_scaling, threads,
                      static_cast<double>(estimateMemoryBytes(config, net.derived, threads)) / 1e9);
        m_net.reset();
        throw ConfigError(buf);
    }
    // NEST's default delay (1 ms) in steps, as NEST rounds it to the grid.
    if (config.stim.timing == "nest")
        net.deviceDelaySteps = std::max<std::int64_t>(1, toSteps(1.0, config.sim.sim_resolution));
    if (config.stim.thalamic_input) scheduleThalamicPulse(config.stim.th_start);
    if (config.stim.dc_transient) scheduleDcTransient(config.stim.dc_transient_start, config.stim.dc_transient_dur);
}

Simulation::~Simulation() = default;

const Config& Simulation::config() const { return m_net->config; }
const DerivedParams& Simulation::derived() const { return m_net->derived; }
int Simulation::threads() const { return m_net->workers->threads(); }
const char* Simulation::backend() const { return detail::Workers::backendName(); }
const char* Simulation::simd() const { return detail::simdName(); }
const char* Simulation::delivery() const { return m_net->ring ? "ring" : "queue"; }

void Simulation::run(std::int64_t steps, SpikeSink* sink) {
    if (steps < 0) throw ConfigError("cannot run a negative number of steps (" + std::to_string(steps) + ")");
    std::vector<Spike> spikes;
    detail::advanceSteps(*m_net, steps, sink ? &spikes : nullptr);
    if (sink) sink->onSpikes(spikes, m_net->step);
}

int Simulation::defaultThreads() { return detail::Workers::hardwareThreads(); }

void Simulation::setThreadLimit(const std::atomic<int>* limit, std::atomic<int>* stepping) {
    m_net->threadLimit = limit;
    m_net->threadsStepping = stepping;
}

std::int64_t Simulation::steps() const { return m_net->step; }
double Simulation::resolution() const { return m_net->config.sim.sim_resolution; }
double Simulation::timeMs() const { return static_cast<double>(m_net->step) * resolution(); }


void Simulation::setLive(const LiveParams& live) {
    for (double f : {live.exc_weight_factor, live.inh_weight_factor, live.bg_rate_factor, live.dc_factor})
        if (!(f >= 0.0 && f <= 100.0))
            throw ConfigError("live parameter factor " + std::to_string(f) + " is outside [0, 100]");
    // The factors scale the values the network was built with.
    const Config& built = m_net->built;
    Config c = m_net->config;
    c.net.PSP_exc_mean = built.net.PSP_exc_mean * live.exc_weight_factor;
    c.net.g = built.net.g * live.inh_weight_factor;
    c.net.bg_rate = built.net.bg_rate * (built.net.bg_input_type == "poisson" ? live.bg_rate_factor : live.dc_factor);
    detail::applyLiveConfig(*m_net, c);
    m_net->live = live;
}

void Simulation::applyConfig(const Config& config) { detail::applyLiveConfig(*m_net, config); }

void Simulation::restart(const Config& config) {
    detail::Network& net = *m_net;
    Config target = config;
    target.events.clear();
    detail::applyLiveConfig(net, target);
    net.live = LiveParams{};
    // The state as initialiseNeurons (construction.cpp) leaves it.
    const Config& c = net.built;
    const DerivedParams& d = net.builtDerived;
    std::fill(net.current.begin(), net.current.end(), 0.0f);
    std::fill(net.refractory.begin(), net.refractory.end(), 0);
    const bool original = c.net.V0_type == "original";
    for (int p = 0; p < kNumPops; ++p) {
        const double mean = original ? c.net.neuron.V0_mean_original : c.net.neuron.V0_mean_optimized[p];
        const double sd = original ? c.net.neuron.V0_std_original : c.net.neuron.V0_std_optimized[p];
        for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) {
            detail::Stream rng(c.sim.rng_seed, detail::Purpose::InitialV, static_cast<std::uint32_t>(i));
            net.v[i] = static_cast<float>(mean + sd * rng.normal() - c.net.neuron.E_L[p]);
        }
    }
    for (detail::Shard& sh : net.shards) {
        std::fill(sh.input.begin(), sh.input.end(), 0);
        for (auto& q : sh.queue) q.clear();
        sh.recorded.clear();
        sh.spikeCounts.fill(0);
    }
    for (auto& slot : net.history)
        for (auto& list : slot) list.clear();
    net.step = 0;
    net.thalamicPulses.clear();
    net.dcTransients.clear();
    if (net.config.stim.thalamic_input) scheduleThalamicPulse(net.config.stim.th_start);
    if (net.config.stim.dc_transient)
        scheduleDcTransient(net.config.stim.dc_transient_start, net.config.stim.dc_transient_dur);
}

const Config& Simulation::builtConfig() const { return m_net->built; }

const LiveParams& Simulation::live() const { return m_net->live; }

bool Simulation::scheduleThalamicPulse(double startMs) {
    if (!m_net->config.stim.thalamic_input) return false;
    const double h = resolution();
    const std::int64_t start = toSteps(startMs, h);
    m_net->thalamicPulses.push_back({start, start + toSteps(m_net->config.stim.th_duration, h)});
    return true;
}

void Simulation::scheduleDcTransient(double startMs, double durMs) {
    const double h = resolution();
    const std::int64_t start = toSteps(startMs, h);
    m_net->dcTransients.push_back({start, start + toSteps(durMs, h)});
}

std::int64_t Simulation::numSynapses() const { return m_net->numSynapses; }
std::int64_t Simulation::memoryBytes() const { return m_net->memoryBytes(); }
double Simulation::buildSeconds() const { return m_net->buildSeconds; }

double Simulation::membranePotential(std::int32_t neuron) const {
    checkNeuron(*m_net, neuron);
    return m_net->v[neuron] + m_net->config.net.neuron.E_L[m_net->populationOf(neuron)];
}

double Simulation::synapticCurrent(std::int32_t neuron) const {
    checkNeuron(*m_net, neuron);
    return m_net->current[neuron];
}

std::int32_t Simulation::refractoryStepsLeft(std::int32_t neuron) const {
    checkNeuron(*m_net, neuron);
    return m_net->refractory[neuron];
}

void Simulation::injectInput(std::int32_t neuron, double amplitude) {
    checkNeuron(*m_net, neuron);
    for (detail::Shard& shard : m_net->shards) {
        if (neuron < shard.first || neuron >= shard.first + shard.count) continue;
        const bool inhibitory = amplitude < 0.0;
        const int pop = m_net->populationOf(neuron);
        const double scale = inhibitory ? m_net->scaling.unitIn[pop] : m_net->scaling.unitEx[pop];
        const double units = std::abs(amplitude) / (m_net->weightUnit * (scale > 0.0 ? scale : 1.0));
        const std::int32_t rounded = static_cast<std::int32_t>(std::llround(units));
        const std::size_t local = static_cast<std::size_t>(neuron - shard.first);
        std::int32_t* input = shard.accumulator(m_net->step, m_net->inputSlots);
        if (!m_net->scaling.split) input[local] += inhibitory ? -rounded : rounded;
        else input[local + (inhibitory ? shard.half() : 0)] += rounded;
    }
}

void Simulation::setProbes(const std::vector<std::int32_t>& neurons, std::int32_t everySteps) {
    if (everySteps < 1) throw ConfigError("probe interval " + std::to_string(everySteps) + " steps is below 1");
    for (std::int32_t n : neurons) checkNeuron(*m_net, n);
    detail::Network& net = *m_net;
    net.probeTraces = ProbeTraces{};
    net.probeTraces.neurons = neurons;
    net.probeEvery = everySteps;
    for (detail::Shard& shard : net.shards) {
        shard.probes.clear();
        for (std::size_t i = 0; i < neurons.size(); ++i)
            if (neurons[i] >= shard.first && neurons[i] < shard.first + shard.count)
                shard.probes.push_back({neurons[i], static_cast<std::int32_t>(i)});
    }
}

const std::vector<std::int32_t>& Simulation::probes() const { return m_net->probeTraces.neurons; }

ProbeTraces Simulation::takeProbeTraces() {
    ProbeTraces& tr = m_net->probeTraces;
    ProbeTraces out;
    out.neurons = tr.neurons;
    std::swap(out.steps, tr.steps);
    std::swap(out.vm, tr.vm);
    std::swap(out.current, tr.current);
    return out;
}

std::array<std::int64_t, kNumPops> Simulation::spikeCounts() const { return detail::totalSpikeCounts(*m_net); }

void Simulation::setPhaseTiming(bool on) {
    m_net->phases.assign(on ? static_cast<std::size_t>(m_net->workers->threads()) : 0, {});
}

std::vector<PhaseTimes> Simulation::phaseTimes() const {
    std::vector<PhaseTimes> out;
    for (const auto& w : m_net->phases) out.push_back(w.times);
    return out;
}
const detail::Network& Simulation::network() const { return *m_net; }

} // namespace mc

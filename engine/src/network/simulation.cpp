#include "microcircuit/simulation.hpp"

#include "microcircuit/errors.hpp"
#include "network.hpp"
#include "neuron_update.hpp"

#include <cmath>

namespace mc {
namespace {

int resolveThreads(const Config& config, const BuildOptions& options) {
    int threads = options.threads > 0 ? options.threads : config.sim.local_num_threads;
    if (threads <= 0) threads = detail::Workers::hardwareThreads();
    return std::max(1, threads);
}

void checkNeuron(const detail::Network& net, std::int32_t neuron) {
    if (neuron < 0 || neuron >= net.derived.total_neurons)
        throw ConfigError("neuron index " + std::to_string(neuron) + " is outside [0, " +
                          std::to_string(net.derived.total_neurons) + ")");
}

std::int64_t toSteps(double ms, double h) { return std::llround(ms / h); }

/// Exact-integration propagators of iaf_psc_exp (Rotter & Diesmann 1999).
void preparePropagators(detail::Network& net) {
    const NeuronParams& p = net.config.net.neuron;
    const double h = net.config.sim.sim_resolution;
    const double P11 = std::exp(-h / p.tau_syn);
    const double P22 = std::exp(-h / p.tau_m);
    double P21;
    if (std::abs(p.tau_m - p.tau_syn) < 1e-9 * p.tau_m) {
        P21 = h / p.C_m * P22; // limit tau_syn -> tau_m
    } else {
        // tau_s tau_m / (C (tau_m - tau_s)) (P22 - P11), written with expm1 to
        // stay accurate when the time constants are close.
        const double a = h / p.tau_m, b = h / p.tau_syn;
        P21 = p.tau_syn * p.tau_m / (p.C_m * (p.tau_m - p.tau_syn)) * std::exp(-a) * (-std::expm1(a - b));
    }
    const double P20 = p.tau_m / p.C_m * -std::expm1(-h / p.tau_m);
    net.P11 = static_cast<float>(P11);
    net.P21 = static_cast<float>(P21);
    net.P22 = static_cast<float>(P22);
    net.P20 = static_cast<float>(P20);
    net.theta = static_cast<float>(p.V_th - p.E_L);
    net.vReset = static_cast<float>(p.V_reset - p.E_L);
    net.refractorySteps = static_cast<std::int32_t>(toSteps(p.t_ref, h));
}

void preparePoisson(detail::Network& net) {
    const double h = net.config.sim.sim_resolution;
    for (int p = 0; p < kNumPops; ++p)
        net.poisson[p] = detail::makePoissonTable(net.derived.poisson_rate[p] * net.live.bg_rate_factor * h * 1e-3);
    net.poissonDelaySteps = static_cast<std::int32_t>(toSteps(net.config.net.delay_poisson, h));
    net.thalamicPoisson = detail::makePoissonTable(net.config.stim.th_rate * h * 1e-3);
}

} // namespace

Simulation::Simulation(const Config& config, const BuildOptions& options)
    : m_net(std::make_unique<detail::Network>()) {
    config.validate();
    detail::Network& net = *m_net;
    net.config = config;
    net.derived = deriveParameters(config);
    const int threads = resolveThreads(config, options);
    checkMemoryFits(config, net.derived, threads);
    net.workers = std::make_unique<detail::Workers>(threads);
    detail::buildNetwork(net, options);
    preparePropagators(net);
    preparePoisson(net);
    net.history.assign(static_cast<std::size_t>(net.delaySlots) + 1,
                       std::vector<std::vector<std::int32_t>>(net.shards.size() + 1));
    detail::prepareDelivery(net);
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

std::int64_t Simulation::steps() const { return m_net->step; }
double Simulation::resolution() const { return m_net->config.sim.sim_resolution; }
double Simulation::timeMs() const { return static_cast<double>(m_net->step) * resolution(); }


void Simulation::setLive(const LiveParams& live) {
    for (double f : {live.exc_weight_factor, live.inh_weight_factor, live.bg_rate_factor, live.dc_factor})
        if (!(f >= 0.0 && f <= 100.0))
            throw ConfigError("live parameter factor " + std::to_string(f) + " is outside [0, 100]");
    const bool rateChanged = live.bg_rate_factor != m_net->live.bg_rate_factor;
    if (detail::splitInput(live) != detail::splitInput(m_net->live))
        detail::relayPendingInput(*m_net, detail::splitInput(live));
    m_net->live = live;
    if (rateChanged) preparePoisson(*m_net);
}

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
    return m_net->v[neuron] + m_net->config.net.neuron.E_L;
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
        const double scale = inhibitory ? m_net->live.inh_weight_factor : m_net->live.exc_weight_factor;
        const double units = std::abs(amplitude) / (m_net->weightUnit * (scale > 0.0 ? scale : 1.0));
        const std::int32_t rounded = static_cast<std::int32_t>(std::llround(units));
        const std::size_t local = static_cast<std::size_t>(neuron - shard.first);
        std::int32_t* input = shard.accumulator(m_net->step, m_net->inputSlots);
        if (!detail::splitInput(m_net->live)) input[local] += inhibitory ? -rounded : rounded;
        else input[local + (inhibitory ? shard.half() : 0)] += rounded;
    }
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

// A straightforward reference path for the optimised engine: every neuron
// updated in MODEL.md's order with scalar code, every spike's synapses
// walked one by one into per-step lists of arrivals, and each arriving
// synapse counted with its weight at arrival time. It starts from a built
// network's state and decoded synapses and knows nothing of shards,
// segments, queues, rings or the SIMD loops, so agreement (identical spikes
// and potentials) checks the whole optimised delivery and update.
//
// Live changes: after the engine applies a change at a step, refresh()
// takes the new constants (weight codes, units, neuron constants) from the
// network, and moves the potentials of populations whose E_L changed (V is
// kept relative to E_L) by itself. The drive it derives itself from the
// configuration the network reports (deriveParameters with the neuron
// parameters it was built with, I_e excepted): the Poisson tables
// of bg_rate x K_ext, the DC drive and compensation, the external weight and
// the DC transient's amplitude, so a drive change the engine's tables miss
// shows as a difference.
#pragma once

#include "network/flush_subnormals.hpp"
#include "network/network.hpp"
#include "network/random.hpp"

#include "microcircuit/model.hpp"
#include "microcircuit/spike_sink.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace mc::test {

class ReferenceSimulator {
public:
    explicit ReferenceSimulator(const detail::Network& net)
        : m_n(net.derived.total_neurons), m_H(net.delaySlots + 1), m_step(net.step), m_v(net.v.begin(), net.v.end()),
          m_current(net.current.begin(), net.current.end()), m_ref(net.refractory.begin(), net.refractory.end()),
          m_arrivals(m_H), m_parrotArrivals(static_cast<std::size_t>(net.deviceDelaySteps) + 1) {
        m_out.resize(net.numSources);
        detail::forEachSynapse(net, [&](const detail::SynapseView& v) {
            m_out[v.source].push_back(static_cast<std::int32_t>(m_targets.size()));
            m_targets.push_back(v.target);
            m_delays.push_back(v.delay);
        });
        refresh(net);
    }

    /// Takes the constants of the network as they are now.
    void refresh(const detail::Network& net) {
        if (!m_EL.empty())
            for (std::int32_t i = 0; i < m_n; ++i) {
                const int p = net.populationOf(i);
                m_v[i] += static_cast<float>(m_EL[p] - net.config.net.neuron.E_L[p]);
            }
        m_EL.assign(net.config.net.neuron.E_L.begin(), net.config.net.neuron.E_L.end());
        // As NEST's SetStatus: drive currents keep the neuron parameters the
        // network was built with, except I_e (live_apply.cpp).
        Config drive = net.config;
        drive.net.neuron = net.built.net.neuron;
        drive.net.neuron.I_e = net.config.net.neuron.I_e;
        const DerivedParams d = deriveParameters(drive);
        const double h = net.config.sim.sim_resolution;
        for (int p = 0; p < kNumPops; ++p) {
            m_cdf[p] = detail::makePoissonTable(d.poisson_rate[p] * h * 1e-3).cdf;
            m_iConst[p] = d.dc_amp[p] + net.config.net.neuron.I_e[p];
            m_wExt[p] = static_cast<float>(d.weight_ext[p]);
            m_dcStim[p] = d.dc_transient_amp[p];
        }
        m_codes.clear();
        detail::forEachSynapse(net, [&](const detail::SynapseView& v) { m_codes.push_back(v.code); });
        m_net = &net;
    }

    /// Simulates `steps` steps; spikes are appended to `out`.
    void run(std::int64_t steps, std::vector<Spike>& out) {
        // The engine flushes subnormal floats to zero; so does the reference.
        const detail::FlushSubnormals flush;
        for (std::int64_t s = 0; s < steps; ++s) step(out);
    }

    const std::vector<float>& v() const { return m_v; }

private:
    void step(std::vector<Spike>& out) {
        const detail::Network& net = *m_net;
        const std::int64_t t = m_step;
        // Arrivals due now, each with its current weight code.
        std::vector<std::int32_t> ex(m_n, 0), in(m_n, 0);
        for (std::int32_t syn : m_arrivals[t % m_H]) {
            const std::int32_t code = m_codes[syn];
            if (code < 0) in[m_targets[syn]] -= code;
            else ex[m_targets[syn]] += code;
        }
        m_arrivals[t % m_H].clear();
        const bool split = net.scaling.split;
        const std::uint32_t key = detail::stepKey(net.config.sim.rng_seed, detail::Purpose::Poisson, t);
        const bool stimOn = dcCurrentArrived(net, t - 1);
        std::vector<std::int32_t> fired;
        for (std::int32_t i = 0; i < m_n; ++i) {
            const int p = net.populationOf(i);
            const detail::PopulationConstants& k = net.pops[p];
            const float unitEx = static_cast<float>(net.weightUnit * net.scaling.unitEx[p]);
            const float unitIn = static_cast<float>(-net.weightUnit * net.scaling.unitIn[p]);
            // One signed sum unless excitation and inhibition are scaled apart.
            float input = static_cast<float>(split ? ex[i] : ex[i] - in[i]) * unitEx;
            const auto& cdf = m_cdf[p];
            if (t >= net.poissonDelaySteps && !cdf.empty()) {
                const std::uint32_t u = detail::neuronDraw(key, static_cast<std::uint32_t>(i));
                std::uint32_t count = 0;
                while (count < cdf.size() && u >= cdf[count]) ++count;
                input = input + static_cast<float>(static_cast<std::int32_t>(count)) * m_wExt[p];
            }
            if (split) input = input + static_cast<float>(in[i]) * unitIn;
            const float iConst = static_cast<float>(m_iConst[p] + (stimOn ? m_dcStim[p] : 0.0));
            // One current: I_ex and I_in share tau_syn, so only their sum matters.
            if (m_ref[i] == 0) m_v[i] = (k.P22 * m_v[i] + k.P21 * m_current[i]) + k.P20 * iConst;
            else --m_ref[i];
            m_current[i] = m_current[i] * k.P11 + input;
            if (m_v[i] >= k.theta) {
                m_ref[i] = k.refractorySteps;
                m_v[i] = k.vReset;
                fired.push_back(i);
            }
        }
        const std::int32_t nTh = net.numSources - m_n;
        if (nTh > 0) {
            const std::int64_t D = net.deviceDelaySteps;
            if (D == 0) {
                // "exact": the thalamic neurons are the generator.
                if (activeAt(net.thalamicPulses, t)) drawThalamus(net, t, nTh, fired);
            } else {
                // NEST: one poisson_generator, active for start < s <= end
                // (its draws keyed by s - 1, as the engine keys them), feeds
                // the parrots through a connection of D steps; a parrot
                // repeats what arrives in the step it arrives. Overlapping
                // pulses: one generator, on while any of them is.
                const bool on = std::any_of(net.thalamicPulses.begin(), net.thalamicPulses.end(),
                                            [t](const auto& w) { return t > w[0] && t <= w[1]; });
                if (on) drawThalamus(net, t - 1, nTh, m_parrotArrivals[(t + D) % m_parrotArrivals.size()]);
                auto& now = m_parrotArrivals[t % m_parrotArrivals.size()];
                fired.insert(fired.end(), now.begin(), now.end());
                now.clear();
            }
        }
        for (std::int32_t s : fired) {
            if (s < m_n) out.push_back({s, static_cast<std::int32_t>(t)});
            for (std::int32_t syn : m_out[s]) m_arrivals[(t + m_delays[syn]) % m_H].push_back(syn);
        }
        ++m_step;
    }

    /// The thalamic neurons' Poisson counts keyed by step `key` (a count k
    /// is k spikes of the neuron).
    void drawThalamus(const detail::Network& net, std::int64_t key, std::int32_t nTh,
                      std::vector<std::int32_t>& out) const {
        const std::uint32_t thKey = detail::stepKey(net.config.sim.rng_seed, detail::Purpose::Thalamus, key);
        const auto& cdf = net.thalamicPoisson.cdf;
        for (std::int32_t k = 0; k < nTh; ++k) {
            const std::uint32_t u = detail::neuronDraw(thKey, static_cast<std::uint32_t>(k));
            for (std::uint32_t c = 0; c < cdf.size() && u >= cdf[c]; ++c) out.push_back(m_n + k);
        }
    }

    /// Whether the DC transient's current has arrived at the end of step u
    /// (and so enters V in step u + 1). "exact": the device is on in the
    /// steps start .. end - 1 and reaches the neuron at once. NEST: a
    /// dc_generator sends in the steps s with start < s + 2 <= end, s >= 0
    /// (a current generator's is_active), and the current arrives D steps
    /// later.
    static bool dcCurrentArrived(const detail::Network& net, std::int64_t u) {
        const std::int64_t D = net.deviceDelaySteps;
        if (D == 0) return activeAt(net.dcTransients, u);
        const std::int64_t s = u - D; // the step the device sent it
        if (s < 0) return false;
        for (const auto& w : net.dcTransients)
            if (w[0] < s + 2 && s + 2 <= w[1]) return true;
        return false;
    }

    static bool activeAt(const std::vector<std::array<std::int64_t, 2>>& w, std::int64_t t) {
        for (const auto& x : w)
            if (t >= x[0] && t < x[1]) return true;
        return false;
    }

    const detail::Network* m_net = nullptr;
    std::int32_t m_n;
    int m_H;
    std::int64_t m_step;
    std::vector<float> m_v, m_current;
    std::vector<std::int32_t> m_ref;
    std::vector<double> m_EL;
    std::array<std::vector<std::uint32_t>, kNumPops> m_cdf; ///< Poisson drive, from the configuration
    std::array<double, kNumPops> m_iConst{}, m_dcStim{};
    std::array<float, kNumPops> m_wExt{};
    std::vector<std::vector<std::int32_t>> m_out;    ///< per source: its synapses (indices)
    std::vector<std::int32_t> m_targets, m_delays, m_codes;
    std::vector<std::vector<std::int32_t>> m_arrivals; ///< per step slot: synapses arriving then
    /// Per step slot (ring of deviceDelaySteps + 1): the parrots' arrivals.
    std::vector<std::vector<std::int32_t>> m_parrotArrivals;
};

} // namespace mc::test

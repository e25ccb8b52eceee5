#include "ui/probes/probe_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mc::ui {

void ProbeStore::reset(const DerivedParams& derived, double resolutionMs) {
    m_derived = derived;
    m_h = resolutionMs;
    m_traces.clear();
}

void ProbeStore::setNeurons(const std::vector<std::int32_t>& neurons) {
    std::vector<ProbeTrace> next;
    for (std::int32_t n : neurons) {
        if (static_cast<int>(next.size()) == kMaxProbes) break;
        const auto old =
            std::find_if(m_traces.begin(), m_traces.end(), [&](const ProbeTrace& t) { return t.neuron == n; });
        if (old != m_traces.end()) {
            next.push_back(std::move(*old));
            old->neuron = -1; // taken; a repeated neuron starts afresh
        } else {
            ProbeTrace t;
            t.neuron = n;
            next.push_back(std::move(t));
        }
    }
    m_traces = std::move(next);
}

std::vector<std::int32_t> ProbeStore::neurons() const {
    std::vector<std::int32_t> out;
    for (const ProbeTrace& t : m_traces)
        out.push_back(t.neuron);
    return out;
}

void ProbeStore::append(const ProbeTraces& tr) {
    if (tr.neurons != neurons()) return; // samples of a probe set since replaced
    for (std::size_t i = 0; i < m_traces.size(); ++i) {
        ProbeTrace& t = m_traces[i];
        for (std::size_t k = 0; k < tr.samples(); ++k) {
            t.steps.push_back(tr.steps[k]);
            t.vm.push_back(tr.vmAt(k, i));
            t.current.push_back(tr.currentAt(k, i));
        }
        if (t.steps.size() > kMaxSamples) {
            const std::size_t drop = t.steps.size() - kMaxSamples / 2;
            t.steps.erase(t.steps.begin(), t.steps.begin() + static_cast<std::ptrdiff_t>(drop));
            t.vm.erase(t.vm.begin(), t.vm.begin() + static_cast<std::ptrdiff_t>(drop));
            t.current.erase(t.current.begin(), t.current.begin() + static_cast<std::ptrdiff_t>(drop));
            const std::int64_t first = t.steps.front();
            t.spikes.erase(t.spikes.begin(), std::lower_bound(t.spikes.begin(), t.spikes.end(), first));
        }
    }
}

void ProbeStore::setRecorded(std::vector<ProbeTrace> traces) {
    if (traces.size() > static_cast<std::size_t>(kMaxProbes)) traces.resize(kMaxProbes);
    m_traces = std::move(traces);
}

void ProbeStore::noteSpikes(std::span<const Spike> spikes) {
    if (m_traces.empty()) return;
    for (const Spike& s : spikes)
        for (ProbeTrace& t : m_traces)
            if (t.neuron == s.neuron && !t.steps.empty() && s.step >= t.steps.front()) t.spikes.push_back(s.step);
}

std::string ProbeStore::populationOf(std::int32_t neuron) const {
    int p = 0;
    while (p < kNumPops - 1 && neuron >= m_derived.first_neuron[p + 1])
        ++p;
    return kPopNames[p];
}

std::string ProbeStore::label(std::int32_t neuron) const {
    int p = 0;
    while (p < kNumPops - 1 && neuron >= m_derived.first_neuron[p + 1])
        ++p;
    char buf[96];
    std::snprintf(buf, sizeof buf, "#%d of %d in %s, NEST id %d", neuron - m_derived.first_neuron[p],
                  m_derived.num_neurons[p], kPopNames[p], neuron + 1);
    return buf;
}

std::string ProbeStore::toCsv() const {
    std::string out = "neuron_id,population,time_ms,V_m_mV,I_syn_pA\n";
    const std::int64_t micros = std::llround(m_h * 1000.0);
    for (const ProbeTrace& t : m_traces) {
        const std::string pop = populationOf(t.neuron);
        for (std::size_t k = 0; k < t.steps.size(); ++k) {
            char line[128];
            const std::int64_t us = (t.steps[k] + 1) * micros;
            std::snprintf(line, sizeof line, "%d,%s,%lld.%03lld,%.6f,", t.neuron + 1, pop.c_str(),
                          static_cast<long long>(us / 1000), static_cast<long long>(us % 1000), t.vm[k]);
            out += line;
            // A recorded voltmeter has no current: the field stays empty.
            if (k < t.current.size()) {
                std::snprintf(line, sizeof line, "%.6f", t.current[k]);
                out += line;
            }
            out += '\n';
        }
    }
    return out;
}

} // namespace mc::ui

#include "ui/connectivity/connectivity_metrics.hpp"

#include "microcircuit/model.hpp"

namespace mc::ui {

const ProjectionGrid& ConnectivityNumbers::of(ConnectivityMetric m) const {
    switch (m) {
    case ConnectivityMetric::Probability: return probability;
    case ConnectivityMetric::Synapses: return synapses;
    case ConnectivityMetric::InDegree: return inDegree;
    case ConnectivityMetric::MeanWeight: return weightPa;
    case ConnectivityMetric::MeanPsp: return pspMv;
    case ConnectivityMetric::InputCurrent: return currentPa;
    }
    return probability;
}

ConnectivityNumbers connectivityNumbers(const Config& current, const Config& built,
                                        const std::array<double, kNumPops>& rates) {
    // Counts come from the built structure; weights from the running values,
    // derived as the engine derives them after a live change.
    const DerivedParams structure = deriveParameters(built);
    const DerivedParams live = deriveLive(current, built.net.neuron);
    ConnectivityNumbers n;
    n.thalamicNeurons = built.stim.thalamic_input ? built.stim.num_th_neurons : 0;
    const NeuronParams& neuron = current.net.neuron;
    for (int y = 0; y < kNumPops; ++y) {
        n.neurons[y] = structure.num_neurons[y];
        const double ny = std::max(1, structure.num_neurons[y]);
        const double mvPerPa = 1.0 / pscOverPsp(neuron.C_m[y], neuron.tau_m[y], neuron.tau_syn[y]);
        const double tauSynS = neuron.tau_syn[y] * 1e-3;
        for (int x = 0; x <= kNumPops; ++x) {
            const bool th = x == kThalamus;
            const double count = th ? static_cast<double>(structure.num_th_synapses[y])
                                    : static_cast<double>(structure.num_synapses[y][x]);
            const double w = th ? live.weight_th[y] : live.weight_mean[y][x];
            const double rate = th ? current.stim.th_rate : rates[x];
            n.probability[y][x] = th ? built.stim.conn_probs_th[y] : built.net.conn_probs[y][x];
            n.synapses[y][x] = count;
            n.inDegree[y][x] = count / ny;
            n.weightPa[y][x] = w;
            n.pspMv[y][x] = w * mvPerPa;
            // Mean current of exponential PSCs: in-degree x weight x rate x tau_syn.
            n.currentPa[y][x] = count / ny * w * rate * tauSynS;
        }
    }
    return n;
}

QString metricName(ConnectivityMetric m) {
    switch (m) {
    case ConnectivityMetric::Probability: return "connection probability";
    case ConnectivityMetric::Synapses: return "synapse count";
    case ConnectivityMetric::InDegree: return "in-degree per target neuron";
    case ConnectivityMetric::MeanWeight: return "mean weight";
    case ConnectivityMetric::MeanPsp: return "mean PSP";
    case ConnectivityMetric::InputCurrent: return "mean input current per target neuron";
    }
    return {};
}

QString metricUnit(ConnectivityMetric m) {
    switch (m) {
    case ConnectivityMetric::MeanWeight:
    case ConnectivityMetric::InputCurrent: return "pA";
    case ConnectivityMetric::MeanPsp: return "mV";
    default: return {};
    }
}

bool metricSigned(ConnectivityMetric m) {
    return m == ConnectivityMetric::MeanWeight || m == ConnectivityMetric::MeanPsp ||
           m == ConnectivityMetric::InputCurrent;
}

} // namespace mc::ui

#include "ui/spike_store.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {

void SpikeStore::reset(const DerivedParams& derived, double resolutionMs) {
    m_derived = derived;
    m_h = resolutionMs;
    m_endStep = 0;
    m_firstStoredStep = 0;
    m_spikes.clear();
    m_spikes.shrink_to_fit();
    m_discarded = 0;
    m_total = 0;
    m_counts.assign(static_cast<std::size_t>(derived.total_neurons), 0);
    m_bins.clear();
}

void SpikeStore::restart() {
    m_endStep = 0;
    m_firstStoredStep = 0;
    m_spikes.clear();
    m_discarded = 0;
    m_total = 0;
    std::fill(m_counts.begin(), m_counts.end(), 0u);
    m_bins.clear();
}

bool SpikeStore::truncate(std::int64_t endStep) {
    if (m_discarded > 0) return false;
    if (endStep >= m_endStep) return true;
    endStep = std::max<std::int64_t>(0, endStep);
    const auto byStep = [](const Spike& s, std::int64_t step) { return s.step < step; };
    const auto cut = std::lower_bound(m_spikes.begin(), m_spikes.end(), endStep, byStep);
    const double stepsPerBin = 1.0 / m_h;
    for (auto it = cut; it != m_spikes.end(); ++it) {
        if (it->neuron < 0 || it->neuron >= m_derived.total_neurons) continue;
        --m_counts[it->neuron];
        const auto bin = static_cast<std::size_t>(static_cast<double>(it->step + 1) / stepsPerBin);
        if (bin < m_bins.size()) --m_bins[bin][populationOf(it->neuron)];
    }
    m_total -= static_cast<std::uint64_t>(m_spikes.end() - cut);
    m_spikes.erase(cut, m_spikes.end());
    m_bins.resize(std::min(m_bins.size(), static_cast<std::size_t>(std::ceil(static_cast<double>(endStep) * m_h))));
    m_endStep = endStep;
    return true;
}

int SpikeStore::populationOf(std::int32_t neuron) const {
    const auto& f = m_derived.first_neuron;
    const auto it = std::upper_bound(f.begin(), f.begin() + kNumPops, neuron);
    return std::clamp(static_cast<int>(it - f.begin()) - 1, 0, kNumPops - 1);
}

void SpikeStore::append(std::span<const Spike> spikes, std::int64_t endStep) {
    if (m_spikes.size() + spikes.size() > kMaxSpikes) {
        // Keep the newer half: the raster and the statistics use recent data.
        const std::size_t drop = std::min(m_spikes.size(), kMaxSpikes / 2);
        m_spikes.erase(m_spikes.begin(), m_spikes.begin() + static_cast<std::ptrdiff_t>(drop));
        m_discarded += drop;
        m_firstStoredStep = m_spikes.empty() ? m_endStep : m_spikes.front().step;
    }
    const double stepsPerBin = 1.0 / m_h;
    const std::size_t binsNeeded = static_cast<std::size_t>(std::ceil(static_cast<double>(endStep) * m_h));
    if (m_bins.size() < binsNeeded) m_bins.resize(binsNeeded, {});
    for (const Spike& s : spikes) {
        if (s.neuron < 0 || s.neuron >= m_derived.total_neurons) continue;
        ++m_counts[s.neuron];
        const auto bin = static_cast<std::size_t>(static_cast<double>(s.step + 1) / stepsPerBin);
        if (bin >= m_bins.size()) m_bins.resize(bin + 1, {});
        ++m_bins[bin][populationOf(s.neuron)];
    }
    m_spikes.insert(m_spikes.end(), spikes.begin(), spikes.end());
    m_total += spikes.size();
    m_endStep = std::max(m_endStep, endStep);
}

std::span<const Spike> SpikeStore::range(std::int64_t fromStep, std::int64_t toStep) const {
    const auto byStep = [](const Spike& s, std::int64_t step) { return s.step < step; };
    const auto lo = std::lower_bound(m_spikes.begin(), m_spikes.end(), fromStep, byStep);
    const auto hi = std::lower_bound(lo, m_spikes.end(), toStep, byStep);
    return {m_spikes.data() + (lo - m_spikes.begin()), static_cast<std::size_t>(hi - lo)};
}

double SpikeStore::rateOf(std::int32_t neuron) const {
    if (neuron < 0 || neuron >= neurons() || m_endStep == 0) return 0.0;
    return m_counts[neuron] / (static_cast<double>(m_endStep) * m_h * 1e-3);
}

std::array<double, kNumPops> SpikeStore::populationRates(double fromMs, double toMs) const {
    std::array<double, kNumPops> out{};
    const auto b0 = static_cast<std::size_t>(std::max(0.0, std::floor(fromMs)));
    const auto b1 = std::min(m_bins.size(), static_cast<std::size_t>(std::max(0.0, std::floor(toMs))));
    if (b1 <= b0) return out;
    std::array<double, kNumPops> sum{};
    for (std::size_t b = b0; b < b1; ++b)
        for (int p = 0; p < kNumPops; ++p)
            sum[p] += m_bins[b][p];
    const double seconds = static_cast<double>(b1 - b0) * 1e-3;
    for (int p = 0; p < kNumPops; ++p)
        if (m_derived.num_neurons[p] > 0) out[p] = sum[p] / (m_derived.num_neurons[p] * seconds);
    return out;
}

WindowStats computeWindowStats(const SpikeStore& store, double fromMs, double toMs) {
    WindowStats w;
    w.fromMs = std::max(fromMs, static_cast<double>(store.firstStoredStep()) * store.resolution());
    w.toMs = toMs;
    const std::int32_t n = store.neurons();
    const double seconds = (w.toMs - w.fromMs) * 1e-3;
    if (n <= 0 || seconds <= 0.0) return w;
    const double h = store.resolution();
    // Steps s with (s+1)h in [from, to): s in [from/h - 1, to/h - 1).
    const auto s0 = static_cast<std::int64_t>(std::llround(w.fromMs / h)) - 1;
    const auto s1 = static_cast<std::int64_t>(std::llround(w.toMs / h)) - 1;
    std::vector<std::uint32_t> count(static_cast<std::size_t>(n), 0);
    std::vector<std::int32_t> last(static_cast<std::size_t>(n), -1);
    std::vector<double> isiSum(static_cast<std::size_t>(n), 0.0), isiSq(static_cast<std::size_t>(n), 0.0);
    for (const Spike& s : store.range(s0, s1)) {
        const std::size_t i = static_cast<std::size_t>(s.neuron);
        if (last[i] >= 0) {
            const double isi = (s.step - last[i]) * h;
            isiSum[i] += isi;
            isiSq[i] += isi * isi;
        }
        last[i] = s.step;
        ++count[i];
    }
    const DerivedParams& d = store.derived();
    for (int p = 0; p < kNumPops; ++p) {
        double sum = 0.0, sq = 0.0, cvSum = 0.0;
        for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) {
            const double r = count[i] / seconds;
            w.rates[p].push_back(static_cast<float>(r));
            sum += r;
            sq += r * r;
            if (count[i] >= 3) {
                const double k = count[i] - 1.0;
                const double mean = isiSum[i] / k;
                const double var = std::max(0.0, isiSq[i] / k - mean * mean);
                const double cv = mean > 0.0 ? std::sqrt(var) / mean : 0.0;
                w.cvs[p].push_back(static_cast<float>(cv));
                cvSum += cv;
            }
        }
        const double m = d.num_neurons[p];
        if (m > 0) {
            w.meanRate[p] = sum / m;
            w.sdRate[p] = std::sqrt(std::max(0.0, sq / m - w.meanRate[p] * w.meanRate[p]));
        }
        if (!w.cvs[p].empty()) w.meanCv[p] = cvSum / static_cast<double>(w.cvs[p].size());
    }
    return w;
}

} // namespace mc::ui

#include "ui/charts/window_accumulator.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {

void WindowAccumulator::reset() {
    m_rewrites = ~std::uint64_t{0};
    m_neurons = -1;
}

void WindowAccumulator::rebuild(const SpikeStore& store) {
    ++m_rebuilds;
    m_rewrites = store.rewrites();
    m_neurons = store.neurons();
    m_h = store.resolution();
    const auto n = static_cast<std::size_t>(std::max(0, m_neurons));
    m_sums.assign(n, IsiSums{});
    m_lastStep.assign(n, -1);
    m_lastIndex.assign(n, 0);
    const auto all = store.all();
    m_begin = m_end = static_cast<std::size_t>(store.range(m_from, m_from).data() - all.data());
    if (m_next.empty()) m_next.resize(1024);
}

void WindowAccumulator::add(const Spike& s, std::size_t index) {
    if (index - m_begin >= m_next.size()) {
        // The ring is full: double it, keeping each spike at its index.
        std::vector<std::int32_t> bigger(m_next.size() * 2);
        for (std::size_t i = m_begin; i < index; ++i)
            bigger[i & (bigger.size() - 1)] = nextInterval(i);
        m_next.swap(bigger);
    }
    nextInterval(index) = -1;
    if (s.neuron < 0 || s.neuron >= m_neurons) return;
    const auto i = static_cast<std::size_t>(s.neuron);
    IsiSums& n = m_sums[i];
    // The interval from the neuron's previous spike counts if that spike is
    // still in the window (it then has a count there).
    if (n.count > 0) {
        const std::int64_t isi = s.step - m_lastStep[i];
        n.sum += isi;
        n.sumSq += static_cast<std::uint64_t>(isi * isi);
        nextInterval(m_lastIndex[i]) = static_cast<std::int32_t>(isi);
    }
    ++n.count;
    m_lastStep[i] = s.step;
    m_lastIndex[i] = index;
}

void WindowAccumulator::removeOldest(const SpikeStore& store) {
    const Spike& s = store.all()[m_begin];
    const std::int32_t isi = nextInterval(m_begin);
    ++m_begin;
    if (s.neuron < 0 || s.neuron >= m_neurons) return;
    IsiSums& n = m_sums[static_cast<std::size_t>(s.neuron)];
    --n.count;
    if (isi >= 0) {
        n.sum -= isi;
        n.sumSq -= static_cast<std::uint64_t>(std::int64_t{isi} * isi);
    }
}

WindowStats WindowAccumulator::update(const SpikeStore& store) {
    const double h = store.resolution();
    // Time stamps (s + 1) h in [max(0, now - window), now): as computeWindowStats.
    const double now = store.timeMs();
    const double from = std::max(0.0, now - m_windowMs);
    const std::int64_t oldFrom = m_from;
    m_from = std::llround(from / h) - 1;
    m_to = std::llround(now / h) - 1;
    const auto all = store.all();
    const bool stale = store.rewrites() != m_rewrites || store.neurons() != m_neurons || h != m_h ||
                       m_end > all.size() || m_from < oldFrom;
    // Past spikes not yet read that already left the window: start over at the window.
    const bool gap = m_end < all.size() && all[m_end].step < m_from;
    if (stale || gap) rebuild(store);
    while (m_end < all.size() && all[m_end].step < m_to) {
        add(all[m_end], m_end);
        ++m_end;
        ++m_read;
    }
    while (m_begin < m_end && all[m_begin].step < m_from)
        removeOldest(store);
    return windowStatsFrom(m_sums, store.derived(), static_cast<double>(m_from + 1) * h,
                           static_cast<double>(m_to + 1) * h);
}

} // namespace mc::ui

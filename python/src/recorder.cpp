#include "recorder.hpp"

#include <algorithm>
#include <cmath>

namespace mc::python {

Recorder::Recorder(const DerivedParams&, double resolution, bool keep)
    : m_columns(std::make_shared<SpikeColumns>()), m_stepMicros(std::llround(resolution * 1000.0)), m_keep(keep) {}

void Recorder::onSpikes(std::span<const Spike> spikes, std::int64_t endStep) {
    if (m_folder) m_folder->onSpikes(spikes, endStep);
    if (!m_keep || spikes.empty()) return;
    const std::size_t need = m_columns->senders.size() + spikes.size();
    if (need > m_columns->senders.capacity()) {
        const std::size_t room = std::max(need, m_columns->senders.capacity() * 3 / 2 + 4096);
        if (m_columns.use_count() > 1) {
            // An array views these rows: growing in place would free them.
            auto fresh = std::make_shared<SpikeColumns>();
            fresh->senders.reserve(room);
            fresh->times.reserve(room);
            fresh->senders = m_columns->senders; // keeps the reserved room
            fresh->times = m_columns->times;
            m_columns = std::move(fresh);
            ++m_copies;
        } else {
            m_columns->senders.reserve(room);
            m_columns->times.reserve(room);
        }
    }
    for (const Spike& s : spikes) {
        m_columns->senders.push_back(std::int64_t{s.neuron} + 1);
        // Exact for whole microseconds: the same double as parsing "%.3f".
        m_columns->times.push_back(static_cast<double>((std::int64_t{s.step} + 1) * m_stepMicros) / 1000.0);
    }
}

} // namespace mc::python

// Spikes kept in memory for Python, in columns that NumPy arrays view
// without copying.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/output_folder.hpp"
#include "microcircuit/spike_sink.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace mc::python {

/// The recording as two columns, one row per spike in emission order
/// (by step, then neuron), as in the reference's spike files.
struct SpikeColumns {
    std::vector<std::int64_t> senders; ///< NEST ids, from 1
    std::vector<double> times;         ///< ms; the nearest double to the files' "%.3f" value
};

/// Records every spike into SpikeColumns and passes it on to an output
/// folder (if any). Arrays handed to Python hold a shared_ptr to the
/// columns and view their first n rows. Appending leaves those rows where
/// they are unless the vectors must grow; only then, and only while an
/// array still views them, the recorder moves to a new copy (the old
/// arrays keep theirs). So the recording exists once in memory unless old
/// arrays are kept across a run that outgrows the reserved room.
class Recorder : public SpikeSink {
public:
    Recorder(const DerivedParams& derived, double resolution, bool keep);

    void setFolder(OutputFolder* folder) { m_folder = folder; }
    void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) override;

    /// The columns as they are now, shared with whoever holds them.
    std::shared_ptr<const SpikeColumns> columns() const { return m_columns; }
    bool keeps() const { return m_keep; }
    std::size_t size() const { return m_columns->senders.size(); }
    /// Copies made because arrays viewed columns that had to grow.
    int copies() const { return m_copies; }

private:
    std::shared_ptr<SpikeColumns> m_columns;
    OutputFolder* m_folder = nullptr;
    std::int64_t m_stepMicros;
    bool m_keep;
    int m_copies = 0;
};

} // namespace mc::python

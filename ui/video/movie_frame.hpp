// One frame of a spike movie, painted without a display (QImage + QPainter):
// the raster of a recorded run over a time window ending at the frame's
// time, one band per population (neurons to scale), in the theme's E/I
// colours, with layer and population labels, a time axis and the time.
#pragma once

#include "ui/theme.hpp"

#include "microcircuit/spike_data.hpp"

#include <QImage>
#include <QString>

#include <cstdint>
#include <vector>

namespace mc::ui {

/// The spikes of a recording, sorted by time, each with its raster row, for
/// drawing many frames quickly (a frame finds its window by binary search).
class MovieSpikes {
  public:
    explicit MovieSpikes(const SpikeData& data);
    struct Entry {
        double timeMs;
        std::int32_t row; ///< neuron's row from the top (population 0 first)
        std::int16_t pop;
    };
    const std::vector<Entry>& entries() const { return m_entries; }
    /// First row of each population and, last, the total number of rows.
    const std::vector<std::int32_t>& rowStart() const { return m_rowStart; }
    const std::vector<QString>& names() const { return m_names; }

  private:
    std::vector<Entry> m_entries;
    std::vector<std::int32_t> m_rowStart;
    std::vector<QString> m_names;
};

struct MovieFrameOptions {
    double tEndMs = 0.0;    ///< right edge of the raster: the frame's time
    double windowMs = 500.0; ///< width of the raster's time window
    QString title;          ///< top left (e.g. the folder's name)
    Theme theme;
};

/// Paints a frame into `image` (any size; the layout scales with its height).
void paintMovieFrame(QImage& image, const MovieSpikes& spikes, const MovieFrameOptions& options);

} // namespace mc::ui

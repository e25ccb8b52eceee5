// What the raster draws into its ring each frame.
//
// The ring texture has R columns; absolute column c is texture column
// c mod R. A point of size p reaches M = p/2 + 1 columns beyond its own, so
// a column's pixels depend on the spikes of the M columns on either side.
// The ring keeps absolute columns [lo, hi] complete, hi - lo + 1 <= V =
// R - 3M, and besides them:
//   - the M columns before lo hold their spikes (their points reach into lo),
//   - the M columns after hi are cleared and hold only what the spikes up to
//     hi drew into them.
// New spikes (all in columns >= hi, the store is in step order) are drawn
// after clearing the columns that enter the M columns after the new hi;
// those are the texture columns of long-gone absolute columns < lo - 2M,
// which nothing shown depends on. The result equals drawing every spike of
// [lo - M, hi] at once into a cleared ring, which is what a full redraw does.
#include "ui/raster/raster_renderer.hpp"

#include "ui/gui_cpu.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mc::ui {

RasterRenderer::Geometry RasterRenderer::geometry(const RasterFrame& frame) const {
    Geometry g;
    Key& k = g.key;
    k.width = std::max(1, frame.plot.width());
    k.height = std::max(1, frame.plot.height());
    k.pointSize = std::max(1, static_cast<int>(std::lround(frame.pointSize)));
    k.decimation = std::max(1, frame.decimation);
    k.generation = frame.generation;
    k.steps = std::max<std::int64_t>(1, std::llround(frame.stepSpan));
    k.n0 = frame.n0;
    k.nSpan = frame.nSpan;
    k.firstNeuron = frame.firstNeuron;
    for (int p = 0; p < kNumPops; ++p)
        k.colours[p] = frame.colours[p].rgba();
    k.background = frame.background.rgba();
    g.map = ColumnMap{k.steps, k.width};
    g.margin = k.pointSize / 2 + 1;
    g.pad = g.margin + 1;
    g.left = g.map.column(frame.t0Step + 1);
    g.endStep = frame.endStep >= 0 ? frame.endStep
                                   : (frame.stored.empty() ? 0 : std::int64_t{frame.stored.back().step} + 1);
    g.head = g.map.column(g.endStep);
    g.storedEnd = frame.storedBase + frame.stored.size();
    return g;
}

std::uint64_t RasterRenderer::indexOfTime(const RasterFrame& frame, std::int64_t t) const {
    const auto it = std::partition_point(frame.stored.begin(), frame.stored.end(),
                                         [t](const Spike& s) { return std::int64_t{s.step} + 1 < t; });
    return frame.storedBase + static_cast<std::uint64_t>(it - frame.stored.begin());
}

void RasterRenderer::render(const RasterFrame& frame) {
    m_stats = {};
    if (!m_ready) return;
    const Geometry g = geometry(frame);
    if (!ensureRing(g.key.width, g.key.height, g.margin)) {
        renderDirect(frame); // a plot wider than any texture the GPU has
        return;
    }
    const bool profile = guicpu::rasterProfile();
    {
        const guicpu::Scope cpu(guicpu::Part::RasterRing);
        // The store lost spikes the ring shows (a replay scrubbed back), dropped
        // the ones it was about to draw, or the picture changed as a whole.
        const bool changed = !m_ringValid || g.key != m_key || g.endStep < m_seenEndStep || g.storedEnd < m_drawnEnd ||
                             m_drawnEnd < frame.storedBase;
        if (changed || !advanceRing(frame, g) || !ringCovers(frame, g)) redrawRing(frame, g);
        uploadDirty();
        m_seenEndStep = g.endStep;
        if (profile) m_gl->glFinish();
    }
    const guicpu::Scope cpu(guicpu::Part::RasterCopy);
    compose(frame, g);
    if (profile) m_gl->glFinish();
}

void RasterRenderer::redrawRing(const RasterFrame& frame, const Geometry& g) {
    const std::int64_t room = m_ringColumns - 3 * g.margin; // V
    const std::int64_t right = g.left + g.key.width - 1;
    std::int64_t lo, hi;
    if (right >= g.head) { // the window reaches the newest spikes: keep the most history
        hi = g.head;
        lo = hi - room + 1;
    } else { // a view in the past: history on both sides
        lo = g.left - (room - g.key.width) / 2;
        hi = lo + room - 1;
        if (hi >= g.head) {
            hi = g.head;
            lo = hi - room + 1;
        }
    }
    std::fill(m_pixels.begin(), m_pixels.end(), g.key.background | 0xff000000u);
    m_dirtyAll = true;
    m_stats.columnsCleared += static_cast<std::uint64_t>(m_ringColumns);
    const std::uint64_t from = indexOfTime(frame, g.map.firstTime(lo - g.margin));
    const std::uint64_t to = indexOfTime(frame, g.map.firstTime(hi + 1));
    paintSpikes(frame, g, from, to);
    m_lo = lo;
    m_hi = hi;
    m_drawnEnd = to;
    m_key = g.key;
    m_ringValid = true;
    m_stats.fullRedraw = true;
    ++m_fullRedraws;
}

namespace {

/// First column whose pixels any stored spike touches (none: the largest).
std::int64_t firstInkedColumn(const RasterFrame& frame, const ColumnMap& map, int margin) {
    if (frame.stored.empty()) return std::numeric_limits<std::int64_t>::max();
    return map.column(std::int64_t{frame.stored.front().step} + 1) - margin;
}

} // namespace

bool RasterRenderer::advanceRing(const RasterFrame& frame, const Geometry& g) {
    if (g.storedEnd == m_drawnEnd && g.head <= m_hi) return true; // nothing new
    const std::int64_t room = m_ringColumns - 3 * g.margin;
    const std::int64_t lo = std::max(m_lo, g.head - room + 1);
    // Moving on would drop columns the window shows (a view panned back
    // while the run goes on): keep the ring; the new spikes are not shown.
    if (lo > g.left && lo > firstInkedColumn(frame, g.map, g.margin)) return true;
    if (g.head - m_hi > room / 2) return false; // a jump: cheaper and simpler to draw it all again
    clearColumns(m_hi + g.margin, g.head + g.margin, g.key.background);
    paintSpikes(frame, g, m_drawnEnd, g.storedEnd);
    m_hi = std::max(m_hi, g.head);
    m_lo = lo;
    m_drawnEnd = g.storedEnd;
    return true;
}

bool RasterRenderer::ringCovers(const RasterFrame& frame, const Geometry& g) const {
    // Left of lo the quad shows background: right only where no spike reaches.
    const bool leftOk = g.left >= m_lo || firstInkedColumn(frame, g.map, g.margin) >= m_lo;
    // Right of hi: fine once hi is the newest column (nothing later exists).
    const bool rightOk = m_hi == g.head || g.left + g.key.width - 1 <= m_hi;
    return leftOk && rightOk;
}

} // namespace mc::ui

// The ring's pixels, drawn by the CPU: spikes as points, columns cleared,
// and the columns that changed sent to the ring's texture.
//
// A point is a square of whole pixels, exactly what OpenGL rasterises for the
// vertex shader's point (raster.vert, renderDirect): for size p its centre
// lies on a pixel centre (p odd) or a pixel corner (p even), so it covers the
// pixels from `before` = floor(p / 2) left of (above) its own to p - 1 -
// before right of (below) it. Its row comes from the same single-precision
// arithmetic as the shader's (built with -ffp-contract=off), its column from
// the same integers (ColumnMap). Points are painted in the store's order, a
// later spike over an earlier one, as one draw call paints them.
//
// Why the CPU: with software OpenGL (Mesa's llvmpipe, the worst case a user
// can have) a point costs ~400 ns to set up and rasterise, ~4 ms a frame at
// scale 0.1 at full speed, a fifth of a core; here it is a few stores. With a
// GPU the upload of the changed columns is small (docs/performance.md).
#include "ui/raster/raster_renderer.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {

void RasterRenderer::paintSpikes(const RasterFrame& frame, const Geometry& g, std::uint64_t from, std::uint64_t to) {
    if (from >= to) return;
    const Key& k = g.key;
    const int ring = m_ringColumns, rows = m_ringRows;
    const int before = k.pointSize / 2, after = k.pointSize - 1 - before;
    const float n0 = static_cast<float>(k.n0), nSpan = static_cast<float>(k.nSpan);
    const float rowsF = static_cast<float>(k.height);
    std::uint32_t* pixels = m_pixels.data();
    const auto timeAt = [&](std::uint64_t i) { return std::int64_t{frame.stored[i - frame.storedBase].step} + 1; };
    std::int64_t lastTime = timeAt(from), column = g.map.column(lastTime);
    int ringColumn = static_cast<int>(floorMod(column, ring));
    for (std::uint64_t i = from; i < to; ++i) {
        const Spike& s = frame.stored[i - frame.storedBase];
        const std::int32_t n = s.neuron;
        int p = 0;
        for (int q = 1; q < kNumPops; ++q)
            if (n >= k.firstNeuron[q]) p = q;
        if ((n - k.firstNeuron[p]) % k.decimation != 0) continue;
        if (const std::int64_t t = std::int64_t{s.step} + 1; t != lastTime) {
            lastTime = t;
            column = g.map.column(t);
            ringColumn = static_cast<int>(floorMod(column, ring));
        }
        const float y = (static_cast<float>(n) - n0 + 0.5f) / nSpan * rowsF;
        const int row = static_cast<int>(std::floor(y));
        const int r0 = std::max(0, row - before), r1 = std::min(rows - 1, row + after);
        const std::uint32_t colour = k.colours[p];
        for (int c = ringColumn - before; c <= ringColumn + after; ++c) {
            // Across the ring's seam: the other end of the texture.
            const int x = c < 0 ? c + ring : (c >= ring ? c - ring : c);
            for (int r = r0; r <= r1; ++r)
                pixels[static_cast<std::size_t>(r) * static_cast<std::size_t>(ring) + static_cast<std::size_t>(x)] =
                    colour;
        }
    }
    markDirty(g.map.column(timeAt(from)) - before, g.map.column(timeAt(to - 1)) + after);
    m_stats.spikesDrawn += to - from;
}

void RasterRenderer::clearColumns(std::int64_t from, std::int64_t to, QRgb background) {
    const std::int64_t n = std::min<std::int64_t>(to - from, m_ringColumns);
    if (n <= 0) return;
    const std::uint32_t fill = background | 0xff000000u; // cleared opaque, as glClear with alpha 1 did
    const std::size_t ring = static_cast<std::size_t>(m_ringColumns);
    const std::size_t start = static_cast<std::size_t>(floorMod(from + 1, m_ringColumns));
    const std::size_t first = std::min<std::size_t>(static_cast<std::size_t>(n), ring - start);
    for (std::size_t r = 0; r < static_cast<std::size_t>(m_ringRows); ++r) {
        std::uint32_t* row = m_pixels.data() + r * ring;
        std::fill(row + start, row + start + first, fill);
        std::fill(row, row + (static_cast<std::size_t>(n) - first), fill);
    }
    markDirty(from + 1, from + n);
    m_stats.columnsCleared += static_cast<std::uint64_t>(n);
}

void RasterRenderer::markDirty(std::int64_t lo, std::int64_t hi) {
    if (hi < lo) return;
    if (m_dirtyHi < m_dirtyLo) {
        m_dirtyLo = lo;
        m_dirtyHi = hi;
    } else {
        m_dirtyLo = std::min(m_dirtyLo, lo);
        m_dirtyHi = std::max(m_dirtyHi, hi);
    }
}

void RasterRenderer::uploadDirty() {
    if (!m_dirtyAll && m_dirtyHi < m_dirtyLo) return;
    const int ring = m_ringColumns;
    m_gl->glBindTexture(GL_TEXTURE_2D, m_texture);
    m_gl->glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    m_gl->glPixelStorei(GL_UNPACK_ROW_LENGTH, ring);
    const auto upload = [&](int x, int width) {
        m_gl->glPixelStorei(GL_UNPACK_SKIP_PIXELS, x);
        // BGRA bytes: a QRgb (0xAARRGGBB) in little-endian memory, the texture's own layout.
        m_gl->glTexSubImage2D(GL_TEXTURE_2D, 0, x, 0, width, m_ringRows, GL_BGRA, GL_UNSIGNED_BYTE, m_pixels.data());
    };
    const std::int64_t n = m_dirtyHi - m_dirtyLo + 1;
    if (m_dirtyAll || n >= ring) {
        upload(0, ring);
    } else {
        const int start = static_cast<int>(floorMod(m_dirtyLo, ring));
        const int first = static_cast<int>(std::min<std::int64_t>(n, ring - start));
        upload(start, first);
        if (n > first) upload(0, static_cast<int>(n - first));
    }
    m_gl->glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
    m_gl->glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    m_gl->glBindTexture(GL_TEXTURE_2D, 0);
    m_dirtyAll = false;
    m_dirtyLo = 0;
    m_dirtyHi = -1;
}

} // namespace mc::ui

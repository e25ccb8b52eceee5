// Draws spikes into the current OpenGL 3.3 core context, independent of any
// widget (RasterView's surface forwards to it; tests and offscreen renders call
// it on a framebuffer object).
//
// How it draws (docs/gui.md, "How the raster draws"): every spike goes to a
// whole pixel column (its time, ColumnMap) and row (its neuron). The picture
// lives in a ring along time: absolute column c is ring column c mod ring.
// Each frame only the spikes new since the last frame are painted into it
// (after clearing the columns that scroll in) by the CPU (raster_paint.cpp),
// the columns that changed go to the ring's texture, and the window is shown
// by copying the texture from the window's first column on, wrapping around
// at its end (two rectangles of texels; a quad whose shader reads the ring
// where a copy is not allowed). Everything is painted again from the store
// only when the picture changes as a whole (zoom, pan beyond the ring's
// history, resize, colours, decimation, another network, a replay scrubbed
// back).
//
// renderDirect draws the same points with OpenGL straight from the store (the
// reference the ring is tested against, and the way for plots wider than any
// texture): a vertex buffer, itself a ring, mirrors a contiguous range of the
// spike store (global spike index g in slot g mod capacity).
#pragma once

#include "ui/raster/raster_columns.hpp"

#include "microcircuit/params.hpp"
#include "microcircuit/spike_sink.hpp"

#include <QColor>
#include <QOpenGLExtraFunctions>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QRect>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace mc::ui {

struct RasterFrame {
    std::span<const Spike> stored; ///< every stored spike, sorted by step
    std::uint64_t storedBase = 0;  ///< global index of stored[0]
    std::int64_t endStep = -1;     ///< first step not simulated yet; -1: the step after the last stored spike
    int generation = 0;            ///< a new network invalidates the picture
    std::int64_t t0Step = 0;       ///< left edge: time (t0Step + 1) h
    double stepSpan = 10000;       ///< window length (steps)
    double n0 = 0, nSpan = 1;      ///< neuron range shown, top to bottom
    int decimation = 1;
    std::array<std::int32_t, kNumPops + 1> firstNeuron{};
    std::array<QColor, kNumPops> colours;
    QColor background = Qt::white;
    float pointSize = 1.5f; ///< device pixels (rounded to whole pixels)
    QRect plot;             ///< plot area in framebuffer pixels, origin top-left
    QSize framebuffer;      ///< framebuffer size in pixels
};

/// What one frame cost the renderer (for the performance probe).
struct RasterFrameStats {
    std::uint64_t spikesDrawn = 0;  ///< spikes rasterised this frame
    std::uint64_t columnsCleared = 0;
    bool fullRedraw = false; ///< the whole ring was drawn again from the store
    bool direct = false;     ///< drawn without the ring (no texture of that size)
};

class RasterRenderer {
  public:
    RasterRenderer() = default;
    ~RasterRenderer();
    /// Compiles the shaders in the current context; false (see error()) on failure.
    bool initialize();
    /// Shows the frame in frame.plot (nothing outside it), drawing into the
    /// ring only what is new since the last call.
    void render(const RasterFrame& frame);
    /// Draws every spike of the window straight from the store, without the
    /// ring (the reference the ring is tested against).
    void renderDirect(const RasterFrame& frame);
    /// Shows the ring by the shader quad even where a copy of texels would do
    /// (the path for multisampled framebuffers; tests use it on any).
    void setQuadOnly(bool on) { m_quadOnly = on; }
    /// The next render draws everything again.
    void invalidate() { m_ringValid = false; }
    /// Frees GL objects; the context must be current.
    void release();
    const QString& error() const { return m_error; }
    bool isReady() const { return m_ready; }
    const RasterFrameStats& lastFrame() const { return m_stats; }
    std::uint64_t fullRedraws() const { return m_fullRedraws; }

  private:
    /// Everything that, when it changes, changes the whole picture.
    struct Key {
        int width = 0, height = 0, pointSize = 0, decimation = 0, generation = 0;
        std::int64_t steps = 0;
        double n0 = 0, nSpan = 0;
        std::array<std::int32_t, kNumPops + 1> firstNeuron{};
        std::array<QRgb, kNumPops> colours{};
        QRgb background = 0;
        bool operator==(const Key&) const = default;
    };
    /// The frame in whole pixels and columns.
    struct Geometry {
        Key key;
        ColumnMap map;
        int margin = 1;     ///< columns a point reaches beyond its own (M)
        int pad = 2;        ///< viewport beyond the target (points cut at the edge, not dropped)
        std::int64_t left = 0;      ///< absolute column at the plot's left edge
        std::int64_t head = 0;      ///< column of the newest possible spike (endStep)
        std::int64_t endStep = 0;
        std::uint64_t storedEnd = 0;
    };
    Geometry geometry(const RasterFrame& frame) const;

    // raster_renderer.cpp: GL objects, the spike mirror and drawing.
    /// A ring texture for a plot of width x height; false if the GPU has no texture that wide.
    bool ensureRing(int width, int height, int margin);
    void ensureCapacity(std::size_t spikes);
    void mirror(const RasterFrame& frame, std::uint64_t from, std::uint64_t to);
    /// Draws stored spikes [from, to) (global indices) with OpenGL straight
    /// into the bound framebuffer, whose viewport is set.
    void drawSpikes(const RasterFrame& frame, const Geometry& g, std::uint64_t from, std::uint64_t to);

    // raster_paint.cpp: the ring's pixels.
    /// Paints stored spikes [from, to) (global indices) into the ring.
    void paintSpikes(const RasterFrame& frame, const Geometry& g, std::uint64_t from, std::uint64_t to);
    /// Clears absolute columns (from, to] of the ring.
    void clearColumns(std::int64_t from, std::int64_t to, QRgb background);
    /// Absolute columns [lo, hi] changed since the last upload.
    void markDirty(std::int64_t lo, std::int64_t hi);
    /// Sends the changed columns to the ring's texture.
    void uploadDirty();
    /// Shows the window from the ring in frame.plot: copies whole texels, or
    /// (into a multisampled framebuffer) a quad whose shader reads them.
    void compose(const RasterFrame& frame, const Geometry& g);
    bool composeByCopy(const RasterFrame& frame, const Geometry& g);

    // raster_ring.cpp: what to draw into the ring this frame.
    void redrawRing(const RasterFrame& frame, const Geometry& g);
    bool advanceRing(const RasterFrame& frame, const Geometry& g);
    bool ringCovers(const RasterFrame& frame, const Geometry& g) const;
    /// Global index of the first stored spike of time index >= t.
    std::uint64_t indexOfTime(const RasterFrame& frame, std::int64_t t) const;

    QOpenGLExtraFunctions* m_gl = nullptr;
    std::unique_ptr<QOpenGLShaderProgram> m_program, m_compose;
    QOpenGLVertexArrayObject m_vao, m_quadVao;
    unsigned m_vbo = 0;
    std::size_t m_capacity = 0;
    std::uint64_t m_mirrorBegin = 0, m_mirrorEnd = 0;
    int m_generation = -1;
    bool m_ready = false;
    QString m_error;
    int m_maxTexture = 4096;
    bool m_quadOnly = false;

    // The ring: m_ringColumns x m_ringRows pixels (QRgb, row 0 at the top) in
    // memory and in a texture behind a framebuffer.
    unsigned m_texture = 0, m_fbo = 0;
    int m_ringColumns = 0, m_ringRows = 0;
    std::vector<std::uint32_t> m_pixels;
    std::int64_t m_dirtyLo = 0, m_dirtyHi = -1; ///< absolute columns changed since the last upload
    bool m_dirtyAll = false;
    bool m_ringValid = false;
    Key m_key;
    std::int64_t m_lo = 0, m_hi = -1; ///< absolute columns [m_lo, m_hi] hold every spike of theirs
    std::uint64_t m_drawnEnd = 0;     ///< global index of the first stored spike not drawn yet
    std::int64_t m_seenEndStep = 0;
    RasterFrameStats m_stats;
    std::uint64_t m_fullRedraws = 0;
};

} // namespace mc::ui

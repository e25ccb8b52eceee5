// Draws spikes as GL points into the current OpenGL 3.3 core context,
// independent of any widget (the QOpenGLWidget forwards to it; tests and
// offscreen renders call it on a framebuffer object).
//
// The vertex buffer is a ring that mirrors a contiguous range of the spike
// store (global spike index g lives in slot g mod capacity): each frame only
// spikes that are new since the last frame are uploaded.
#pragma once

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

namespace mc::ui {

struct RasterFrame {
    std::span<const Spike> stored; ///< every stored spike, sorted by step
    std::uint64_t storedBase = 0;  ///< global index of stored[0]
    std::size_t visibleBegin = 0;  ///< visible spikes: stored[visibleBegin, visibleEnd)
    std::size_t visibleEnd = 0;
    int generation = 0;       ///< a new network invalidates the mirror
    std::int64_t t0Step = 0;  ///< left edge: time (t0Step + 1) h
    double stepSpan = 10000;  ///< window length (steps)
    double n0 = 0, nSpan = 1; ///< neuron range shown, top to bottom
    int decimation = 1;
    std::array<std::int32_t, kNumPops + 1> firstNeuron{};
    std::array<QColor, kNumPops> colours;
    QColor background = Qt::white;
    float pointSize = 1.5f; ///< device pixels
    QRect plot;             ///< plot area in framebuffer pixels, origin top-left
    QSize framebuffer;      ///< framebuffer size in pixels
};

class RasterRenderer {
  public:
    RasterRenderer() = default;
    ~RasterRenderer();
    /// Compiles the shaders in the current context; false (see error()) on failure.
    bool initialize();
    /// Draws the visible spikes into frame.plot (scissored: nothing outside it).
    void render(const RasterFrame& frame);
    /// Frees GL objects; the context must be current.
    void release();
    const QString& error() const { return m_error; }
    bool isReady() const { return m_ready; }
    std::uint64_t uploadedSpikes() const { return m_uploaded; }

  private:
    void ensureCapacity(std::size_t spikes);
    void upload(const RasterFrame& frame, std::uint64_t from, std::uint64_t to);

    QOpenGLExtraFunctions* m_gl = nullptr;
    std::unique_ptr<QOpenGLShaderProgram> m_program;
    QOpenGLVertexArrayObject m_vao;
    unsigned m_vbo = 0;
    std::size_t m_capacity = 0;
    std::uint64_t m_mirrorBegin = 0, m_mirrorEnd = 0;
    int m_generation = -1;
    std::uint64_t m_uploaded = 0;
    bool m_ready = false;
    QString m_error;
};

} // namespace mc::ui

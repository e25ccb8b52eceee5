// The raster's overlay (axes, labels, separators, markers) on the GPU side:
// a texture holding the overlay, painted with QPainter only where it changed
// (ui/raster/raster_overlay.cpp). Each frame the
// margins around the plot are copied from it as they are (they are opaque),
// and inside the plot only the rectangles that hold ink are blended over the
// spikes. Painting once and copying is far cheaper than painting
// through OpenGL every frame in software (docs/performance.md).
#pragma once

#include <QImage>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QRect>

#include <memory>
#include <vector>

class QOpenGLExtraFunctions;

namespace mc::ui {

class OverlayLayer {
  public:
    /// Compiles the blending shader in the current context; false on failure.
    bool initialize();
    /// Frees GL objects; the context must be current.
    void release();
    bool isReady() const { return m_ready; }
    /// A texture of `pixels`; true if it was (re)allocated, its content lost.
    bool resize(const QSize& pixels);
    /// Binds the framebuffer to paint the overlay into, the usual way up
    /// (then finishPainting). The layer itself keeps the overlay upside down
    /// (texture row y = the overlay's row y from the top), as copy() and
    /// blend() expect.
    void bindForPainting();
    /// Fills `rect` (device pixels from the top-left, like all rects here)
    /// of the painting framebuffer with `colour`.
    void fill(const QRect& rect, const QColor& colour);
    /// Takes `rect` of what was painted into the layer.
    void finishPainting(const QRect& rect);
    /// Uploads `image` (ARGB32 premultiplied) to the layer at `topLeft`.
    void upload(const QImage& image, const QPoint& topLeft);
    /// Reads `rect` of the layer back (ARGB32 premultiplied), e.g. to find its ink.
    QImage read(const QRect& rect);
    /// Copies `rect` of the overlay into the bound framebuffer as it is.
    void copy(const QRect& rect, int framebufferHeight);
    /// Blends `rects` of the overlay over the bound framebuffer (premultiplied "over").
    void blend(const std::vector<QRect>& rects, const QSize& framebuffer);

  private:
    QOpenGLExtraFunctions* m_gl = nullptr;
    std::unique_ptr<QOpenGLShaderProgram> m_program;
    QOpenGLVertexArrayObject m_vao;
    unsigned m_vbo = 0, m_texture = 0, m_fbo = 0;
    unsigned m_paintTexture = 0, m_paintFbo = 0; ///< painted into, the usual way up
    QSize m_size;
    bool m_ready = false;
    std::vector<float> m_vertices;
};

/// Rectangles (device pixels) covering every pixel of `area` in `image`
/// whose alpha is not 0: for each band of `band` rows, the runs of columns
/// holding ink, runs closer than `gap` columns merged, and a run equal to
/// one of the band above merged with it (one tall rectangle for a vertical line).
std::vector<QRect> inkRects(const QImage& image, const QRect& area, int band = 4, int gap = 8);

} // namespace mc::ui

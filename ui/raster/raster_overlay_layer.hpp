// The raster's overlay (axes, labels, separators, markers) on the GPU side:
// a texture holding the overlay as painted by QPainter into a QImage
// (ui/raster/raster_overlay.cpp), uploaded where it changed. Each frame the
// margins around the plot are copied from it as they are (they are opaque),
// and inside the plot only the rectangles that hold ink are blended over the
// spikes. Painting on the CPU once and copying is far cheaper than painting
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
    /// Uploads the rows of `rect` (device pixels, top-left origin) of
    /// `image` (ARGB32 premultiplied, the framebuffer's size); a new size
    /// reallocates the texture (then upload all of it).
    void upload(const QImage& image, const QRect& rect);
    /// Copies `rect` of the overlay into the bound framebuffer as it is.
    void copy(const QRect& rect, int framebufferHeight);
    /// Blends `rects` of the overlay over the bound framebuffer (premultiplied "over").
    void blend(const std::vector<QRect>& rects, const QSize& framebuffer);

  private:
    QOpenGLExtraFunctions* m_gl = nullptr;
    std::unique_ptr<QOpenGLShaderProgram> m_program;
    QOpenGLVertexArrayObject m_vao;
    unsigned m_vbo = 0, m_texture = 0, m_fbo = 0;
    QSize m_size;
    bool m_ready = false;
    std::vector<float> m_vertices;
};

/// Rectangles (device pixels) covering every pixel of `area` in `image`
/// whose alpha is not 0: for each band of `band` rows, the runs of columns
/// holding ink, runs closer than `gap` columns merged.
std::vector<QRect> inkRects(const QImage& image, const QRect& area, int band = 4, int gap = 8);

} // namespace mc::ui

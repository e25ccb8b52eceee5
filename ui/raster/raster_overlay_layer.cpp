#include "ui/raster/raster_overlay_layer.hpp"

#include <QFile>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QVector2D>

#include <algorithm>

namespace mc::ui {
namespace {

QByteArray readResource(const char* path) {
    QFile f(QString::fromLatin1(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

bool OverlayLayer::initialize() {
    QOpenGLContext* ctx = QOpenGLContext::currentContext();
    if (!ctx) return false;
    m_gl = ctx->extraFunctions();
    m_program = std::make_unique<QOpenGLShaderProgram>();
    const QByteArray vs = readResource(":/shaders/raster_overlay.vert");
    const QByteArray fs = readResource(":/shaders/raster_overlay.frag");
    if (vs.isEmpty() || fs.isEmpty() || !m_program->addShaderFromSourceCode(QOpenGLShader::Vertex, vs) ||
        !m_program->addShaderFromSourceCode(QOpenGLShader::Fragment, fs) || !m_program->link())
        return false;
    m_vao.create();
    m_vao.bind();
    m_gl->glGenBuffers(1, &m_vbo);
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    m_gl->glEnableVertexAttribArray(0);
    m_gl->glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);
    m_vao.release();
    m_ready = true;
    return true;
}

void OverlayLayer::release() {
    if (!m_gl) return;
    if (m_vbo) m_gl->glDeleteBuffers(1, &m_vbo);
    for (unsigned* fbo : {&m_fbo, &m_paintFbo})
        if (*fbo) m_gl->glDeleteFramebuffers(1, fbo);
    for (unsigned* texture : {&m_texture, &m_paintTexture})
        if (*texture) m_gl->glDeleteTextures(1, texture);
    m_vbo = m_fbo = m_texture = m_paintFbo = m_paintTexture = 0;
    m_size = {};
    m_vao.destroy();
    m_program.reset();
    m_ready = false;
}

bool OverlayLayer::resize(const QSize& pixels) {
    if (!m_ready || pixels == m_size || pixels.isEmpty()) return false;
    GLint previous = 0;
    m_gl->glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &previous);
    const auto allocate = [&](unsigned& texture, unsigned& fbo) {
        // Unsized with BGRA data, as the ring (raster_renderer.cpp): stored
        // as a window's pixels are, so that copy() is a copy of memory.
        if (!texture) m_gl->glGenTextures(1, &texture);
        m_gl->glBindTexture(GL_TEXTURE_2D, texture);
        m_gl->glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, pixels.width(), pixels.height(), 0, GL_BGRA, GL_UNSIGNED_BYTE,
                           nullptr);
        m_gl->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        m_gl->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        m_gl->glBindTexture(GL_TEXTURE_2D, 0);
        if (!fbo) m_gl->glGenFramebuffers(1, &fbo);
        m_gl->glBindFramebuffer(GL_FRAMEBUFFER, fbo);
        m_gl->glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture, 0);
    };
    allocate(m_texture, m_fbo);
    allocate(m_paintTexture, m_paintFbo);
    m_gl->glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
    m_size = pixels;
    return true;
}

void OverlayLayer::bindForPainting() {
    m_gl->glBindFramebuffer(GL_FRAMEBUFFER, m_paintFbo);
    m_gl->glViewport(0, 0, m_size.width(), m_size.height());
}

void OverlayLayer::fill(const QRect& rect, const QColor& colour) {
    const QRect r = rect.intersected(QRect(QPoint(0, 0), m_size));
    if (r.isEmpty()) return;
    m_gl->glBindFramebuffer(GL_FRAMEBUFFER, m_paintFbo);
    m_gl->glEnable(GL_SCISSOR_TEST);
    m_gl->glScissor(r.x(), m_size.height() - r.y() - r.height(), r.width(), r.height());
    const float a = static_cast<float>(colour.alphaF());
    m_gl->glClearColor(static_cast<float>(colour.redF()) * a, static_cast<float>(colour.greenF()) * a,
                       static_cast<float>(colour.blueF()) * a, a);
    m_gl->glClear(GL_COLOR_BUFFER_BIT);
    m_gl->glDisable(GL_SCISSOR_TEST);
}

void OverlayLayer::finishPainting(const QRect& rect) {
    const QRect r = rect.intersected(QRect(QPoint(0, 0), m_size));
    if (r.isEmpty()) return;
    // Painted the usual way up (row 0 at the bottom), kept upside down: a
    // flipped copy, exact, only when the overlay was painted.
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, m_paintFbo);
    m_gl->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, m_fbo);
    const int h = m_size.height();
    m_gl->glBlitFramebuffer(r.x(), h - r.y(), r.x() + r.width(), h - r.y() - r.height(), r.x(), r.y(),
                            r.x() + r.width(), r.y() + r.height(), GL_COLOR_BUFFER_BIT, GL_NEAREST);
}

void OverlayLayer::upload(const QImage& image, const QPoint& topLeft) {
    const QRect r = QRect(topLeft, image.size()).intersected(QRect(QPoint(0, 0), m_size));
    if (r.isEmpty() || image.format() != QImage::Format_ARGB32_Premultiplied) return;
    m_gl->glBindTexture(GL_TEXTURE_2D, m_texture);
    m_gl->glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(image.bytesPerLine() / 4));
    m_gl->glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    const uchar* first = image.constScanLine(r.y() - topLeft.y()) + 4 * (r.x() - topLeft.x());
    m_gl->glTexSubImage2D(GL_TEXTURE_2D, 0, r.x(), r.y(), r.width(), r.height(), GL_BGRA, GL_UNSIGNED_BYTE, first);
    m_gl->glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    m_gl->glBindTexture(GL_TEXTURE_2D, 0);
}

QImage OverlayLayer::read(const QRect& rect) {
    const QRect r = rect.intersected(QRect(QPoint(0, 0), m_size));
    if (r.isEmpty()) return {};
    QImage img(r.size(), QImage::Format_ARGB32_Premultiplied);
    GLint previous = 0;
    m_gl->glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &previous);
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, m_fbo);
    m_gl->glPixelStorei(GL_PACK_ALIGNMENT, 4);
    m_gl->glPixelStorei(GL_PACK_ROW_LENGTH, static_cast<GLint>(img.bytesPerLine() / 4));
    // Texture rows from the top: the first row read is the image's first.
    m_gl->glReadPixels(r.x(), r.y(), r.width(), r.height(), GL_BGRA, GL_UNSIGNED_BYTE, img.bits());
    m_gl->glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(previous));
    return img;
}

void OverlayLayer::copy(const QRect& rect, int framebufferHeight) {
    const QRect r = rect.intersected(QRect(QPoint(0, 0), m_size));
    if (!m_ready || !m_fbo || r.isEmpty()) return;
    GLint previous = 0;
    m_gl->glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &previous);
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, m_fbo);
    // Texture rows run from the top: read them flipped (into a window, which
    // Mesa keeps from the top as well, a plain copy of memory).
    const int yGl = framebufferHeight - r.y() - r.height();
    m_gl->glBlitFramebuffer(r.x(), r.y() + r.height(), r.x() + r.width(), r.y(), r.x(), yGl, r.x() + r.width(),
                            yGl + r.height(), GL_COLOR_BUFFER_BIT, GL_NEAREST);
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(previous));
}

void OverlayLayer::blend(const std::vector<QRect>& rects, const QSize& framebuffer) {
    if (!m_ready || !m_texture || rects.empty()) return;
    m_vertices.clear();
    for (const QRect& r : rects) {
        const auto x0 = static_cast<float>(r.x()), x1 = static_cast<float>(r.x() + r.width());
        const auto y0 = static_cast<float>(framebuffer.height() - r.y() - r.height());
        const auto y1 = static_cast<float>(framebuffer.height() - r.y());
        for (float v : {x0, y0, x1, y0, x0, y1, x1, y0, x1, y1, x0, y1})
            m_vertices.push_back(v);
    }
    m_gl->glViewport(0, 0, framebuffer.width(), framebuffer.height());
    m_gl->glEnable(GL_BLEND);
    m_gl->glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    m_program->bind();
    m_program->setUniformValue("framebufferSize", QVector2D(float(framebuffer.width()), float(framebuffer.height())));
    m_program->setUniformValue("overlay", 0);
    m_gl->glActiveTexture(GL_TEXTURE0);
    m_gl->glBindTexture(GL_TEXTURE_2D, m_texture);
    m_vao.bind();
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    m_gl->glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(m_vertices.size() * sizeof(float)), m_vertices.data(),
                       GL_STREAM_DRAW);
    m_gl->glDrawArrays(GL_TRIANGLES, 0, static_cast<GLsizei>(m_vertices.size() / 2));
    m_vao.release();
    m_gl->glBindTexture(GL_TEXTURE_2D, 0);
    m_program->release();
    m_gl->glDisable(GL_BLEND);
}

std::vector<QRect> inkRects(const QImage& image, const QRect& area, int band, int gap) {
    std::vector<QRect> rects;
    const QRect a = area.intersected(image.rect());
    if (a.isEmpty() || image.format() != QImage::Format_ARGB32_Premultiplied) return rects;
    std::vector<unsigned char> inked(static_cast<std::size_t>(a.width()));
    // A run like one of the band above (a vertical line) extends that one's
    // rectangle: fewer, taller rectangles (llvmpipe pays per triangle).
    const auto add = [&](int x, int y, int w, int h) {
        for (std::size_t i = 0; i < rects.size(); ++i)
            if (rects[i].x() == x && rects[i].width() == w && rects[i].bottom() + 1 == y) {
                rects[i].setBottom(y + h - 1);
                return;
            }
        rects.emplace_back(x, y, w, h);
    };
    for (int y0 = a.top(); y0 <= a.bottom(); y0 += band) {
        const int rows = std::min(band, a.bottom() + 1 - y0);
        std::fill(inked.begin(), inked.end(), 0);
        for (int y = y0; y < y0 + rows; ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y)) + a.left();
            for (int x = 0; x < a.width(); ++x)
                inked[static_cast<std::size_t>(x)] |= qAlpha(line[x]) != 0;
        }
        int start = -1, last = -1;
        for (int x = 0; x <= a.width(); ++x) {
            const bool ink = x < a.width() && inked[static_cast<std::size_t>(x)];
            if (ink) {
                if (start >= 0 && x - last > gap) {
                    add(a.left() + start, y0, last - start + 1, rows);
                    start = -1;
                }
                if (start < 0) start = x;
                last = x;
            }
        }
        if (start >= 0) add(a.left() + start, y0, last - start + 1, rows);
    }
    return rects;
}

} // namespace mc::ui

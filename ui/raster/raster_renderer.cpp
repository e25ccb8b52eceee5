// GL objects, the spike mirror and the three drawing steps of the raster:
// spikes into the ring (or straight into the framebuffer), clearing ring
// columns, and the quad that shows the ring. What to draw when is in
// raster_ring.cpp.
#include "ui/raster/raster_renderer.hpp"

#include <QFile>
#include <QOpenGLContext>
#include <QVector2D>

#include <algorithm>
#include <climits>

#ifndef GL_PROGRAM_POINT_SIZE
#define GL_PROGRAM_POINT_SIZE 0x8642
#endif

namespace mc::ui {
namespace {

QByteArray readResource(const char* path) {
    QFile f(QString::fromLatin1(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool build(QOpenGLShaderProgram& program, const char* vertex, const char* fragment) {
    const QByteArray vs = readResource(vertex);
    const QByteArray fs = readResource(fragment);
    return !vs.isEmpty() && !fs.isEmpty() && program.addShaderFromSourceCode(QOpenGLShader::Vertex, vs) &&
           program.addShaderFromSourceCode(QOpenGLShader::Fragment, fs) && program.link();
}

} // namespace

RasterRenderer::~RasterRenderer() {
    // GL objects need a current context; the owner calls release() when it has one.
    if (QOpenGLContext::currentContext() && m_ready) release();
}

bool RasterRenderer::initialize() {
    QOpenGLContext* ctx = QOpenGLContext::currentContext();
    if (!ctx) {
        m_error = "no current OpenGL context";
        return false;
    }
    m_gl = ctx->extraFunctions();
    m_program = std::make_unique<QOpenGLShaderProgram>();
    m_compose = std::make_unique<QOpenGLShaderProgram>();
    if (!build(*m_program, ":/shaders/raster.vert", ":/shaders/raster.frag")) {
        m_error = "OpenGL 3.3 shaders did not compile: " + m_program->log();
        return false;
    }
    if (!build(*m_compose, ":/shaders/raster_ring.vert", ":/shaders/raster_ring.frag")) {
        m_error = "OpenGL 3.3 shaders did not compile: " + m_compose->log();
        return false;
    }
    GLint maxTexture = 0, maxViewport[2] = {0, 0};
    m_gl->glGetIntegerv(GL_MAX_TEXTURE_SIZE, &maxTexture);
    m_gl->glGetIntegerv(GL_MAX_VIEWPORT_DIMS, maxViewport);
    m_maxTexture = std::min<int>(maxTexture, std::min(maxViewport[0], maxViewport[1]) - 64);
    m_vao.create();
    m_vao.bind();
    m_gl->glGenBuffers(1, &m_vbo);
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    m_gl->glEnableVertexAttribArray(0);
    m_vao.release();
    m_quadVao.create(); // the quad's corners come from gl_VertexID; core GL still wants a VAO
    m_capacity = 0;
    ensureCapacity(std::size_t{1} << 18);
    m_ringColumns = m_ringRows = 0;
    m_ringValid = false;
    m_ready = true;
    return true;
}

void RasterRenderer::release() {
    if (m_vbo) m_gl->glDeleteBuffers(1, &m_vbo);
    if (m_fbo) m_gl->glDeleteFramebuffers(1, &m_fbo);
    if (m_texture) m_gl->glDeleteTextures(1, &m_texture);
    m_vbo = m_fbo = m_texture = 0;
    m_ringColumns = m_ringRows = 0;
    m_ringValid = false;
    m_vao.destroy();
    m_quadVao.destroy();
    m_program.reset();
    m_compose.reset();
    m_ready = false;
}

bool RasterRenderer::ensureRing(int width, int height, int margin) {
    // Half a window of history beyond the window (a paused view pans back
    // that far without a redraw), plus the margins of raster_ring.cpp.
    const int columns = std::min(width + width / 2 + 3 * margin + 8, m_maxTexture);
    if (columns < width + 3 * margin + 1 || height > m_maxTexture || height < 1) return false;
    if (columns == m_ringColumns && height == m_ringRows) return true;
    GLint previous = 0;
    m_gl->glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &previous);
    if (!m_texture) m_gl->glGenTextures(1, &m_texture);
    m_gl->glBindTexture(GL_TEXTURE_2D, m_texture);
    // Unsized, with BGRA data: Mesa then stores the texels as a window's
    // pixels are (B, G, R, A in memory), which lets the copy into the window
    // be a copy of memory (composeByCopy).
    m_gl->glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, columns, height, 0, GL_BGRA, GL_UNSIGNED_BYTE, nullptr);
    m_gl->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    m_gl->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    m_gl->glBindTexture(GL_TEXTURE_2D, 0);
    if (!m_fbo) m_gl->glGenFramebuffers(1, &m_fbo);
    m_gl->glBindFramebuffer(GL_FRAMEBUFFER, m_fbo);
    m_gl->glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, m_texture, 0);
    const bool complete = m_gl->glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    m_gl->glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
    m_ringColumns = complete ? columns : 0;
    m_ringRows = complete ? height : 0;
    m_pixels.assign(static_cast<std::size_t>(m_ringColumns) * static_cast<std::size_t>(m_ringRows), 0);
    m_ringValid = false;
    return complete;
}

void RasterRenderer::ensureCapacity(std::size_t spikes) {
    if (spikes <= m_capacity) return;
    std::size_t cap = std::size_t{1} << 18;
    while (cap < spikes)
        cap <<= 1;
    m_capacity = cap;
    m_vao.bind();
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    m_gl->glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(cap * sizeof(Spike)), nullptr, GL_DYNAMIC_DRAW);
    m_gl->glVertexAttribIPointer(0, 2, GL_INT, sizeof(Spike), nullptr);
    m_vao.release();
    m_mirrorBegin = m_mirrorEnd = 0; // contents lost
}

void RasterRenderer::mirror(const RasterFrame& frame, std::uint64_t from, std::uint64_t to) {
    if (to - from > m_capacity) ensureCapacity(static_cast<std::size_t>(to - from));
    const std::uint64_t storedEnd = frame.storedBase + frame.stored.size();
    // A replay scrubbed back forgets spikes: slots past the store's end are stale.
    m_mirrorEnd = std::min(m_mirrorEnd, storedEnd);
    if (frame.generation != m_generation || from < m_mirrorBegin || from > m_mirrorEnd) {
        m_generation = frame.generation;
        m_mirrorBegin = m_mirrorEnd = from; // restart the mirror here
    }
    if (to <= m_mirrorEnd) return;
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    for (std::uint64_t g = m_mirrorEnd; g < to;) {
        const std::size_t slot = static_cast<std::size_t>(g % m_capacity);
        const std::size_t n = std::min<std::uint64_t>(to - g, m_capacity - slot);
        m_gl->glBufferSubData(GL_ARRAY_BUFFER, static_cast<GLintptr>(slot * sizeof(Spike)),
                              static_cast<GLsizeiptr>(n * sizeof(Spike)), frame.stored.data() + (g - frame.storedBase));
        g += n;
    }
    m_mirrorEnd = to;
    m_mirrorBegin = std::max(m_mirrorBegin, m_mirrorEnd > m_capacity ? m_mirrorEnd - m_capacity : 0);
}

void RasterRenderer::drawSpikes(const RasterFrame& frame, const Geometry& g, std::uint64_t from, std::uint64_t to) {
    if (from >= to) return;
    mirror(frame, from, to);
    QOpenGLShaderProgram& p = *m_program;
    const int columns = g.key.width;
    p.bind();
    p.setUniformValue("steps", static_cast<GLint>(g.map.steps));
    p.setUniformValue("columns", static_cast<GLint>(g.map.columns));
    p.setUniformValue("rows", static_cast<GLint>(g.key.height));
    p.setUniformValue("pad", static_cast<GLint>(g.pad));
    p.setUniformValue("viewportSize", QVector2D(float(columns + 2 * g.pad), float(g.key.height + 2 * g.pad)));
    p.setUniformValue("n0", static_cast<GLfloat>(g.key.n0));
    p.setUniformValue("nSpan", static_cast<GLfloat>(g.key.nSpan));
    p.setUniformValue("decimation", static_cast<GLint>(g.key.decimation));
    p.setUniformValue("pointSize", static_cast<GLint>(g.key.pointSize));
    GLint first[kNumPops + 1];
    for (int i = 0; i <= kNumPops; ++i)
        first[i] = frame.firstNeuron[i];
    m_gl->glUniform1iv(p.uniformLocation("firstNeuron"), kNumPops + 1, first);
    for (int i = 0; i < kNumPops; ++i)
        p.setUniformValue(QString("colours[%1]").arg(i).toLatin1().constData(), frame.colours[i]);
    m_gl->glEnable(GL_PROGRAM_POINT_SIZE);
    m_vao.bind();
    // Column arithmetic in 32-bit integers in the shader: one draw covers at
    // most `span` time indices, so (T - baseT) * columns + remainder fits.
    const std::int64_t span = std::max<std::int64_t>(1, (INT_MAX - g.map.steps) / g.map.columns);
    const auto timeAt = [&](std::uint64_t i) { return std::int64_t{frame.stored[i - frame.storedBase].step} + 1; };
    for (std::uint64_t i = from; i < to;) {
        const std::int64_t baseT = timeAt(i);
        std::uint64_t end = to;
        if (timeAt(to - 1) - baseT >= span) end = std::min(to, indexOfTime(frame, baseT + span));
        const std::int64_t baseColumn = g.map.column(baseT);
        p.setUniformValue("baseT", static_cast<GLint>(baseT));
        p.setUniformValue("baseRem", static_cast<GLint>(g.map.remainder(baseT)));
        p.setUniformValue("baseColumn", static_cast<GLint>(baseColumn - g.left));
        const std::size_t slot = static_cast<std::size_t>(i % m_capacity);
        const std::size_t n = static_cast<std::size_t>(end - i);
        const std::size_t firstPart = std::min(n, m_capacity - slot);
        m_gl->glDrawArrays(GL_POINTS, static_cast<GLint>(slot), static_cast<GLsizei>(firstPart));
        if (n > firstPart) m_gl->glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(n - firstPart));
        m_stats.spikesDrawn += end - i;
        i = end;
    }
    m_vao.release();
    p.release();
}

bool RasterRenderer::composeByCopy(const RasterFrame& frame, const Geometry& g) {
    // A copy of whole texels (no shader): one or two rectangles of the ring,
    // the background around them. Not into a multisampled framebuffer.
    GLint samples = 0;
    m_gl->glGetIntegerv(GL_SAMPLE_BUFFERS, &samples);
    if (samples > 0 || m_quadOnly) return false;
    const QRect& r = frame.plot;
    const int yGl = frame.framebuffer.height() - r.y() - r.height();
    const int w = g.key.width, h = g.key.height;
    const auto clampPx = [&](std::int64_t c) { return static_cast<int>(std::clamp<std::int64_t>(c - g.left, 0, w)); };
    const int a = clampPx(m_lo), b = std::max(a, clampPx((m_hi == g.head ? m_hi + g.margin : m_hi) + 1));
    m_gl->glEnable(GL_SCISSOR_TEST);
    m_gl->glClearColor(frame.background.redF(), frame.background.greenF(), frame.background.blueF(), 1.0f);
    for (const auto& [from, to] : {std::pair{0, a}, std::pair{b, w}})
        if (to > from) {
            m_gl->glScissor(r.x() + from, yGl, to - from, h);
            m_gl->glClear(GL_COLOR_BUFFER_BIT);
        }
    m_gl->glDisable(GL_SCISSOR_TEST);
    GLint target = 0;
    m_gl->glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &target);
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, m_fbo);
    const int start = static_cast<int>(floorMod(g.left + a, m_ringColumns));
    const int first = std::min(b - a, m_ringColumns - start);
    const int x = r.x() + a;
    // The ring is upside down (raster.vert), so the copy flips it: into a
    // window, whose rows Mesa keeps from the top, that is a plain copy of
    // memory (Mesa's blit of a framebuffer object into a window otherwise
    // flips, i.e. draws a textured quad: 4 ms a frame at 1920 x 1200 in software).
    if (first > 0)
        m_gl->glBlitFramebuffer(start, h, start + first, 0, x, yGl, x + first, yGl + h, GL_COLOR_BUFFER_BIT,
                                GL_NEAREST);
    if (b - a > first)
        m_gl->glBlitFramebuffer(0, h, b - a - first, 0, x + first, yGl, x + b - a, yGl + h, GL_COLOR_BUFFER_BIT,
                                GL_NEAREST);
    m_gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(target));
    return true;
}

void RasterRenderer::compose(const RasterFrame& frame, const Geometry& g) {
    if (composeByCopy(frame, g)) return;
    const QRect& r = frame.plot;
    const int yGl = frame.framebuffer.height() - r.y() - r.height();
    QOpenGLShaderProgram& p = *m_compose;
    m_gl->glViewport(r.x(), yGl, r.width(), r.height());
    m_gl->glEnable(GL_SCISSOR_TEST);
    m_gl->glScissor(r.x(), yGl, r.width(), r.height());
    p.bind();
    p.setUniformValue("originX", static_cast<GLint>(r.x()));
    p.setUniformValue("originY", static_cast<GLint>(yGl));
    p.setUniformValue("ring", static_cast<GLint>(m_ringColumns));
    p.setUniformValue("offset", static_cast<GLint>(floorMod(g.left, m_ringColumns)));
    // Columns the ring does not hold show the background: before its first
    // column (nothing there), and past the newest spikes' reach.
    const auto clampPx = [&](std::int64_t c) {
        return static_cast<GLint>(std::clamp<std::int64_t>(c - g.left, -1, g.key.width));
    };
    p.setUniformValue("firstColumn", clampPx(m_lo));
    p.setUniformValue("lastColumn", clampPx(m_hi == g.head ? m_hi + g.margin : m_hi));
    p.setUniformValue("background", frame.background);
    p.setUniformValue("ringTexture", 0);
    m_gl->glActiveTexture(GL_TEXTURE0);
    m_gl->glBindTexture(GL_TEXTURE_2D, m_texture);
    m_quadVao.bind();
    m_gl->glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    m_quadVao.release();
    m_gl->glBindTexture(GL_TEXTURE_2D, 0);
    p.release();
    m_gl->glDisable(GL_SCISSOR_TEST);
}

void RasterRenderer::renderDirect(const RasterFrame& frame) {
    m_stats = {};
    m_stats.direct = true;
    if (!m_ready) return;
    const Geometry g = geometry(frame);
    const QRect& r = frame.plot;
    const int yGl = frame.framebuffer.height() - r.y() - r.height();
    m_gl->glEnable(GL_SCISSOR_TEST);
    m_gl->glScissor(r.x(), yGl, r.width(), r.height());
    m_gl->glClearColor(frame.background.redF(), frame.background.greenF(), frame.background.blueF(), 1.0f);
    m_gl->glClear(GL_COLOR_BUFFER_BIT);
    m_gl->glViewport(r.x() - g.pad, yGl - g.pad, r.width() + 2 * g.pad, r.height() + 2 * g.pad);
    // The window's columns and the margins whose points reach into them.
    const std::uint64_t from = indexOfTime(frame, g.map.firstTime(g.left - g.margin));
    const std::uint64_t to = indexOfTime(frame, g.map.firstTime(g.left + g.key.width + g.margin));
    drawSpikes(frame, g, from, to);
    m_gl->glDisable(GL_SCISSOR_TEST);
}

} // namespace mc::ui

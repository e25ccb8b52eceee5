#include "ui/raster/raster_renderer.hpp"

#include <QFile>
#include <QOpenGLContext>

#include <algorithm>

#ifndef GL_PROGRAM_POINT_SIZE
#define GL_PROGRAM_POINT_SIZE 0x8642
#endif

namespace mc::ui {
namespace {

QByteArray readResource(const char* path) {
    QFile f(QString::fromLatin1(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
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
    const QByteArray vs = readResource(":/shaders/raster.vert");
    const QByteArray fs = readResource(":/shaders/raster.frag");
    if (vs.isEmpty() || fs.isEmpty() || !m_program->addShaderFromSourceCode(QOpenGLShader::Vertex, vs) ||
        !m_program->addShaderFromSourceCode(QOpenGLShader::Fragment, fs) || !m_program->link()) {
        m_error = "OpenGL 3.3 shaders did not compile: " + m_program->log();
        return false;
    }
    m_vao.create();
    m_vao.bind();
    m_gl->glGenBuffers(1, &m_vbo);
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    m_gl->glEnableVertexAttribArray(0);
    m_vao.release();
    m_capacity = 0;
    ensureCapacity(std::size_t{1} << 18);
    m_ready = true;
    return true;
}

void RasterRenderer::release() {
    if (m_vbo) m_gl->glDeleteBuffers(1, &m_vbo);
    m_vbo = 0;
    m_vao.destroy();
    m_program.reset();
    m_ready = false;
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
    m_generation = -1;
}

void RasterRenderer::upload(const RasterFrame& frame, std::uint64_t from, std::uint64_t to) {
    m_gl->glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    while (from < to) {
        const std::size_t slot = static_cast<std::size_t>(from % m_capacity);
        const std::size_t n = std::min<std::uint64_t>(to - from, m_capacity - slot);
        const Spike* src = frame.stored.data() + (from - frame.storedBase);
        m_gl->glBufferSubData(GL_ARRAY_BUFFER, static_cast<GLintptr>(slot * sizeof(Spike)),
                              static_cast<GLsizeiptr>(n * sizeof(Spike)), src);
        from += n;
        m_uploaded += n;
    }
}

void RasterRenderer::render(const RasterFrame& frame) {
    if (!m_ready) return;
    QOpenGLExtraFunctions& gl = *m_gl;
    const QRect& r = frame.plot;
    const int yGl = frame.framebuffer.height() - r.y() - r.height();
    gl.glEnable(GL_SCISSOR_TEST);
    gl.glScissor(r.x(), yGl, r.width(), r.height());
    gl.glViewport(r.x(), yGl, r.width(), r.height());
    gl.glClearColor(frame.background.redF(), frame.background.greenF(), frame.background.blueF(), 1.0f);
    gl.glClear(GL_COLOR_BUFFER_BIT);

    const std::uint64_t g0 = frame.storedBase + frame.visibleBegin;
    const std::uint64_t g1 = frame.storedBase + frame.visibleEnd;
    if (g1 > g0) {
        if (g1 - g0 > m_capacity) ensureCapacity(static_cast<std::size_t>(g1 - g0));
        if (frame.generation != m_generation || g0 < m_mirrorBegin || g0 > m_mirrorEnd) {
            m_generation = frame.generation;
            m_mirrorBegin = m_mirrorEnd = g0; // restart the mirror here
        }
        if (g1 > m_mirrorEnd) {
            upload(frame, std::max(m_mirrorEnd, g0), g1);
            m_mirrorEnd = g1;
            m_mirrorBegin = std::max(m_mirrorBegin, m_mirrorEnd > m_capacity ? m_mirrorEnd - m_capacity : 0);
        }

        m_program->bind();
        m_program->setUniformValue("t0Step", static_cast<GLint>(frame.t0Step));
        m_program->setUniformValue("stepSpan", static_cast<GLfloat>(frame.stepSpan));
        m_program->setUniformValue("n0", static_cast<GLfloat>(frame.n0));
        m_program->setUniformValue("nSpan", static_cast<GLfloat>(frame.nSpan));
        m_program->setUniformValue("decimation", static_cast<GLint>(std::max(1, frame.decimation)));
        m_program->setUniformValue("pointSize", frame.pointSize);
        GLint first[kNumPops + 1];
        for (int i = 0; i <= kNumPops; ++i)
            first[i] = frame.firstNeuron[i];
        gl.glUniform1iv(m_program->uniformLocation("firstNeuron"), kNumPops + 1, first);
        for (int p = 0; p < kNumPops; ++p)
            m_program->setUniformValue(QString("colours[%1]").arg(p).toLatin1().constData(), frame.colours[p]);
        gl.glEnable(GL_PROGRAM_POINT_SIZE);
        m_vao.bind();
        const std::size_t slot = static_cast<std::size_t>(g0 % m_capacity);
        const std::size_t n = static_cast<std::size_t>(g1 - g0);
        const std::size_t firstPart = std::min(n, m_capacity - slot);
        gl.glDrawArrays(GL_POINTS, static_cast<GLint>(slot), static_cast<GLsizei>(firstPart));
        if (n > firstPart) gl.glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(n - firstPart));
        m_vao.release();
        m_program->release();
    }
    gl.glDisable(GL_SCISSOR_TEST);
}

} // namespace mc::ui

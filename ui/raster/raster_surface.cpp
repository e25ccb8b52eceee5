#include "ui/raster/raster_surface.hpp"

#include "ui/gui_cpu.hpp"
#include "ui/raster/raster_view.hpp"

#include <QContextMenuEvent>
#include <QCoreApplication>
#include <QExposeEvent>
#include <QMouseEvent>
#include <QOpenGLContext>

namespace mc::ui {

RasterSurface::RasterSurface(RasterView* view) : m_view(view) {
    setSurfaceType(QSurface::OpenGLSurface);
    // Activating this window would take the keyboard from the widgets (and
    // the main window's shortcuts): RasterView holds the focus instead.
    setFlag(Qt::WindowDoesNotAcceptFocus);
}

RasterSurface::~RasterSurface() {
    delete m_context;
}

bool RasterSurface::makeCurrent() {
    if (!handle()) create();
    if (!m_context) {
        m_context = new QOpenGLContext;
        m_context->setFormat(requestedFormat());
        if (!m_context->create()) {
            delete m_context;
            m_context = nullptr;
            return false;
        }
        if (!m_context->makeCurrent(this)) return false;
        if (m_view) m_view->initializeGL();
        return true;
    }
    return m_context->makeCurrent(this);
}

void RasterSurface::doneCurrent() {
    if (m_context) m_context->doneCurrent();
}

void RasterSurface::requestFrame() {
    if (m_pending) return;
    m_pending = true;
    requestUpdate();
}

void RasterSurface::render() {
    m_pending = false;
    if (!m_view || !isExposed()) return;
    const guicpu::Scope cpu(guicpu::Part::RasterFrame);
    if (!makeCurrent()) return;
    m_view->paintFrame(0, size() * devicePixelRatio());
    const guicpu::Scope swap(guicpu::Part::RasterSwap);
    m_context->swapBuffers(this);
}

void RasterSurface::exposeEvent(QExposeEvent*) {
    if (isExposed()) render();
}

bool RasterSurface::event(QEvent* e) {
    if (e->type() == QEvent::UpdateRequest) {
        render();
        return true;
    }
    if (!m_view) return QWindow::event(e);
    switch (e->type()) {
    case QEvent::MouseButtonPress:
        if (static_cast<QMouseEvent*>(e)->button() == Qt::RightButton) {
            auto* m = static_cast<QMouseEvent*>(e);
            QContextMenuEvent menu(QContextMenuEvent::Mouse, m->position().toPoint(), m->globalPosition().toPoint(),
                                   m->modifiers());
            QCoreApplication::sendEvent(m_view, &menu);
            return true;
        }
        // Without a window manager nobody activates the main window, and the
        // X server sends keys to the window under the pointer: this one.
        // Activating the main window makes it Qt's focus window, to which Qt
        // routes every key (and so the window's shortcuts keep working).
        if (QWidget* top = m_view->window(); top && !top->isActiveWindow()) top->activateWindow();
        m_view->setFocus(Qt::MouseFocusReason);
        [[fallthrough]];
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
        // The same coordinates: the surface fills the view.
        QCoreApplication::sendEvent(m_view, e);
        return true;
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
        // Keys go to Qt's focus window (the main window) once a window
        // manager has given it the focus; one that reaches this window anyway
        // goes to the view and, unused, up to its parents.
        QCoreApplication::sendEvent(m_view, e);
        return true;
    case QEvent::ContextMenu:
        return true; // opened on the right button press above
    default:
        return QWindow::event(e);
    }
}

} // namespace mc::ui

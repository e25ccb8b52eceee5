// The raster's OpenGL surface: a native child window with its own context,
// embedded in RasterView with QWidget::createWindowContainer. A QOpenGLWidget
// would make Qt compose the whole top-level window through OpenGL on every
// frame (the backing store uploaded and blended, in software on Mesa's
// llvmpipe); a window of its own is drawn and swapped alone, and the rest of
// the window stays on the ordinary raster backing store (docs/performance.md).
// Input is handed to RasterView, which keeps all of the view's logic.
#pragma once

#include <QWindow>

class QOpenGLContext;

namespace mc::ui {

class RasterView;

class RasterSurface : public QWindow {
  public:
    explicit RasterSurface(RasterView* view);
    ~RasterSurface() override;
    /// Makes the context current on this window, creating it (and calling
    /// RasterView::initializeGL) on first use. false: no OpenGL.
    bool makeCurrent();
    void doneCurrent();
    QOpenGLContext* context() const { return m_context; }
    /// A frame at the next update request (several requests make one frame).
    void requestFrame();
    /// The view is going away: no more forwarding.
    void detach() { m_view = nullptr; }

  protected:
    bool event(QEvent* e) override;
    void exposeEvent(QExposeEvent* e) override;

  private:
    void render();
    RasterView* m_view;
    QOpenGLContext* m_context = nullptr;
    bool m_pending = false;
};

} // namespace mc::ui

// A widget that paints itself with a function: the PSTH and spectrum panels
// draw on screen with the same painter code their figure exports use.
#pragma once

#include <QPainter>
#include <QWidget>

#include <functional>
#include <utility>

namespace mc::ui {

class PaintCanvas : public QWidget {
  public:
    PaintCanvas(std::function<void(QPainter&, const QRectF&)> paint, QSize minimum) : m_paint(std::move(paint)) {
        setMinimumSize(minimum);
    }

  protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        m_paint(p, QRectF(rect()));
    }

  private:
    std::function<void(QPainter&, const QRectF&)> m_paint;
};

} // namespace mc::ui

#include "ui/sweep/sweep_map_view.hpp"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace mc::ui {

SweepMapView::SweepMapView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(420, 280);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void SweepMapView::setMap(std::optional<figures::SweepMap> map) {
    m_map = std::move(map);
    update();
}

void SweepMapView::setPlaceholder(const QString& text) {
    m_placeholder = text;
    update();
}

std::optional<SweepMapView::Cell> SweepMapView::cellAt(QPointF pos) const {
    if (!m_map) return std::nullopt;
    const QRectF r = rect();
    const int nx = static_cast<int>(m_map->xValues.size()), ny = static_cast<int>(m_map->yValues.size());
    for (int k = 0; k < static_cast<int>(m_map->cells.size()); ++k)
        for (int row = 0; row < ny; ++row)
            for (int c = 0; c < nx; ++c)
                if (figures::sweepMapCell(r, *m_map, k, c, row).contains(pos)) return Cell{k, c, row};
    return std::nullopt;
}

QPointF SweepMapView::cellCenter(int panel, int column, int row) const {
    if (!m_map) return {};
    return figures::sweepMapCell(rect(), *m_map, panel, column, row).center();
}

void SweepMapView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (!m_map) {
        p.fillRect(rect(), palette().window());
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    figures::paintSweepMap(p, rect(), *m_map);
}

void SweepMapView::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    if (const auto cell = cellAt(e->position())) emit cellClicked(cell->panel, cell->column, cell->row);
}

void SweepMapView::mouseMoveEvent(QMouseEvent* e) {
    const auto cell = cellAt(e->position());
    const bool same = cell && m_hovered && cell->panel == m_hovered->panel && cell->column == m_hovered->column &&
                      cell->row == m_hovered->row;
    if (same || (!cell && !m_hovered)) return;
    m_hovered = cell;
    m_cellText.clear();
    if (cell) emit cellHovered(cell->panel, cell->column, cell->row);
    else emit cellHovered(-1, 0, 0);
}

void SweepMapView::leaveEvent(QEvent*) {
    if (!m_hovered) return;
    m_hovered.reset();
    emit cellHovered(-1, 0, 0);
}

bool SweepMapView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        if (const auto cell = cellAt(help->pos())) {
            m_hovered = cell;
            m_cellText.clear();
            emit cellHovered(cell->panel, cell->column, cell->row);
            if (!m_cellText.isEmpty()) {
                QToolTip::showText(help->globalPos(), m_cellText, this);
                return true;
            }
        }
        QToolTip::hideText();
        e->ignore();
        return true;
    }
    return QWidget::event(e);
}

} // namespace mc::ui

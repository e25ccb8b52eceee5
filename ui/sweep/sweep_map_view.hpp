// The heat map of the Sweep panel: paints a SweepMap with the phase-diagram
// code of `sweep --figures` (figures/sweep_figure), and reports the cell
// under the mouse (hover) and clicked cells.
#pragma once

#include "figures/sweep_figure.hpp"

#include <QWidget>

#include <optional>

namespace mc::ui {

class SweepMapView : public QWidget {
    Q_OBJECT
  public:
    explicit SweepMapView(QWidget* parent = nullptr);

    /// Shows `map` (no map: an empty grey area with `placeholder`).
    void setMap(std::optional<figures::SweepMap> map);
    void setPlaceholder(const QString& text);
    const std::optional<figures::SweepMap>& map() const { return m_map; }

    struct Cell {
        int panel = 0; ///< index into the shown map's populations
        int column = 0, row = 0;
    };
    /// The cell at `pos` (widget coordinates), if any.
    std::optional<Cell> cellAt(QPointF pos) const;
    /// The cell under the mouse now, if any.
    std::optional<Cell> hoveredCell() const { return m_hovered; }
    /// Centre of a cell in widget coordinates (tests click there).
    QPointF cellCenter(int panel, int column, int row) const;

  signals:
    void cellClicked(int panel, int column, int row);
    /// The mouse is over a cell (panel < 0: over none); a slot may set the
    /// cell's tooltip text with setCellText.
    void cellHovered(int panel, int column, int row);

  public:
    /// Text shown for the cell being hovered (set in response to cellHovered).
    void setCellText(const QString& text) { m_cellText = text; }

  protected:
    void paintEvent(QPaintEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void leaveEvent(QEvent* e) override;
    bool event(QEvent* e) override;

  private:
    std::optional<figures::SweepMap> m_map;
    QString m_placeholder;
    QString m_cellText;
    std::optional<Cell> m_hovered;
};

} // namespace mc::ui

// The Sweep panel's exports: the map as a figure (the phase-diagram painter
// of `sweep --figures`) and as CSV (one row per cell and population).
#include "ui/sweep/sweep_map_view.hpp"
#include "ui/sweep/sweep_panel.hpp"

#include "figures/figure_writer.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/sweep.hpp"

#include <QFileDialog>
#include <QFileInfo>

#include <cmath>
#include <cstdio>

namespace mc::ui {
namespace {

/// A field name or a swept value (JSON text: a string keeps its quotes) as a CSV cell.
std::string csvCell(std::string s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return csvField(s);
}

} // namespace

bool SweepPanel::exportFigure(const QString& path) {
    const auto& shown = mapView()->map();
    if (!shown) return false;
    const bool one = shown->populations.size() == 1;
    try {
        figures::writeFigure(path.toStdString(),
                             one ? QSize(1800, 1200) : QSize(figures::kSweepFigureWidth, figures::kSweepFigureHeight),
                             [&](QPainter& p, const QRectF& r) { figures::paintSweepMap(p, r, *shown); });
    } catch (const std::exception& e) {
        showMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    showMessage("Map written to " + path, false);
    return true;
}

bool SweepPanel::exportCsv(const QString& path) {
    const auto& shown = mapView()->map();
    if (!shown) return false;
    // The cells as shown: seeds averaged (state: the most frequent), empty when no value.
    const bool state = shown->statistic == figures::SweepStatistic::State;
    std::string csv = csvCell(shown->xField);
    if (!shown->yField.empty()) csv += "," + csvCell(shown->yField);
    csv += std::string(",population,") + figures::sweepStatisticColumn(shown->statistic) + "\n";
    const std::size_t nx = shown->xValues.size();
    for (std::size_t k = 0; k < shown->populations.size(); ++k)
        for (std::size_t r = 0; r < shown->yValues.size(); ++r)
            for (std::size_t c = 0; c < nx; ++c) {
                const double v = shown->cells[k][r * nx + c];
                csv += csvCell(shown->xValues[c]);
                if (!shown->yField.empty()) csv += "," + csvCell(shown->yValues[r]);
                csv += "," + shown->populations[k] + ",";
                if (std::isfinite(v)) {
                    if (state) {
                        csv += stateName(static_cast<ActivityState>(static_cast<int>(v)));
                    } else {
                        char buf[40];
                        std::snprintf(buf, sizeof buf, "%.10g", v);
                        csv += buf;
                    }
                }
                csv += "\n";
            }
    try {
        writeFileAtomic(path.toStdString(), csv);
    } catch (const std::exception& e) {
        showMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    showMessage("Map written to " + path, false);
    return true;
}

void SweepPanel::askExportFigure() {
    QString selected;
    QString path = QFileDialog::getSaveFileName(this, "Export the map as a figure", "sweep_map.png",
                                                "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)", &selected);
    if (path.isEmpty()) return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "pdf")
        path += selected.startsWith("SVG") ? ".svg" : selected.startsWith("PDF") ? ".pdf" : ".png";
    exportFigure(path);
}

void SweepPanel::askExportCsv() {
    QString path = QFileDialog::getSaveFileName(this, "Export the map as CSV", "sweep_map.csv", "CSV (*.csv)");
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += ".csv";
    exportCsv(path);
}

} // namespace mc::ui

#include "ui/figure_export.hpp"

#include "ui/axis_ticks.hpp"

#include "figures/figure_writer.hpp"
#include "microcircuit/errors.hpp"

#include <QFileInfo>
#include <QGraphicsView>
#include <QPainter>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace mc::ui {

bool writeFigure(const QString& path, QSize size, const std::function<void(QPainter&, const QRectF&)>& paint,
                 QString* error) {
    // The figures library writes the file; PNGs are drawn at twice the size.
    const double scale = QFileInfo(path).suffix().toLower() == "png" ? 2.0 : 1.0;
    const QRectF area(0, 0, size.width(), size.height());
    try {
        figures::writeFigure(
            path.toStdString(), size * scale,
            [&](QPainter& p, const QRectF&) {
                p.setRenderHint(QPainter::Antialiasing);
                p.scale(scale, scale);
                paint(p, area);
            },
            96);
        return true;
    } catch (const ConfigError& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool writeWidgetFigure(const QString& path, QWidget* widget, QString* error) {
    // Charts are drawn without antialiasing on screen (cost); figures with it.
    auto* view = qobject_cast<QGraphicsView*>(widget);
    const bool hadAa = view && view->renderHints().testFlag(QPainter::Antialiasing);
    if (view) view->setRenderHint(QPainter::Antialiasing, true);
    const bool ok = writeFigure(
        path, widget->size(),
        [widget](QPainter& p, const QRectF& area) {
            p.fillRect(area, Qt::white);
            widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
        },
        error);
    if (view) view->setRenderHint(QPainter::Antialiasing, hadAa);
    return ok;
}

void paintRasterFigure(QPainter& p, const QRectF& area, const SpikeStore& store, const RasterFigureView& v,
                       const std::vector<TimedEvent>& events) {
    const Theme& theme = v.theme;
    p.fillRect(area, Qt::white);
    const double s = theme.fontScale();
    const QRectF plot = area.adjusted(70 * s, 20 * s, -16, -48 * s);
    const auto& d = store.derived();
    const auto xOf = [&](double t) { return plot.left() + (t - v.t0Ms) / (v.t1Ms - v.t0Ms) * plot.width(); };
    const auto yOf = [&](double n) { return plot.top() + (n - v.n0 + 0.5) / v.nSpan * plot.height(); };
    const double h = store.resolution();

    // Event markers under the spikes.
    p.setRenderHint(QPainter::Antialiasing, false);
    for (const TimedEvent& e : events) {
        const double t = markerMs(e);
        if (t < v.t0Ms || t > v.t1Ms) continue;
        p.setPen(QPen(theme.marker(), 1.0, Qt::DashLine));
        p.drawLine(QPointF(xOf(t), plot.top()), QPointF(xOf(t), plot.bottom()));
        p.setFont(theme.font(7.5));
        p.drawText(QPointF(xOf(t) + 3, plot.top() - 4), QString::fromStdString(e.label));
    }
    // Dots, like matplotlib's '.' markers of the reference figure.
    p.save();
    p.setClipRect(plot);
    const double dot = std::max(1.0, theme.pointSize() * 0.9);
    const auto s0 = static_cast<std::int64_t>(std::floor(v.t0Ms / h)) - 1;
    const auto s1 = static_cast<std::int64_t>(std::ceil(v.t1Ms / h));
    std::array<QColor, kNumPops> colours;
    for (int pop = 0; pop < kNumPops; ++pop)
        colours[pop] = theme.population(pop);
    p.setPen(Qt::NoPen);
    for (const Spike& sp : store.range(s0, s1)) {
        const int pop = store.populationOf(sp.neuron);
        if ((sp.neuron - d.first_neuron[pop]) % v.decimation != 0) continue;
        if (sp.neuron < v.n0 || sp.neuron >= v.n0 + v.nSpan) continue;
        const double t = (sp.step + 1) * h;
        p.fillRect(QRectF(xOf(t) - dot / 2, yOf(sp.neuron) - dot / 2, dot, dot), colours[pop]);
    }
    p.restore();

    // Frame, layer separators and labels.
    p.setPen(QPen(Qt::black, 1.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
    p.setFont(theme.font(11));
    for (int layer = 0; layer < 4; ++layer) {
        const double a = std::max(plot.top(), yOf(d.first_neuron[2 * layer] - 0.5));
        const double b = std::min(plot.bottom(), yOf(d.first_neuron[2 * layer + 2] - 0.5));
        if (layer > 0 && a > plot.top() && a < plot.bottom()) {
            p.setPen(QPen(QColor(0xb0, 0xb0, 0xb0), 0.8));
            p.drawLine(QPointF(plot.left(), a), QPointF(plot.right(), a));
        }
        if (b - a < 8) continue;
        p.setPen(Qt::black);
        p.drawText(QRectF(area.left(), a, plot.left() - area.left() - 8, b - a), Qt::AlignRight | Qt::AlignVCenter,
                   layerName(2 * layer));
    }
    p.setFont(theme.font(9.5));
    const QFontMetricsF fm(p.font());
    for (double t : niceTicks(v.t0Ms, v.t1Ms, 8)) {
        const double x = xOf(t);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
        p.drawText(QRectF(x - 50, plot.bottom() + 5, 100, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   QString::number(t, 'f', tickDecimals(v.t0Ms, v.t1Ms)));
    }
    p.setFont(theme.font(10.5));
    p.drawText(QRectF(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(),
                      area.bottom() - plot.bottom() - fm.height() - 6),
               Qt::AlignCenter, "time [ms]");
    if (v.decimation > 1) {
        p.setFont(theme.font(8));
        p.drawText(QRectF(plot.left(), area.top(), plot.width(), plot.top() - area.top()),
                   Qt::AlignRight | Qt::AlignVCenter, QString("1 in %1 neurons shown").arg(v.decimation));
    }
}

} // namespace mc::ui

#include "ui/figure_export.hpp"

#include "ui/axis_ticks.hpp"
#include "ui/sim_controller.hpp"

#include "figures/figure_writer.hpp"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPageSize>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

/// Logical units of the paint routine: 1/96 inch.
constexpr double kLogicalDpi = 96.0;

bool paintOn(QPaintDevice& device, const QRectF& area, double scale,
             const std::function<void(QPainter&, const QRectF&)>& paint) {
    QPainter p;
    if (!p.begin(&device)) return false;
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.scale(scale, scale);
    p.fillRect(area, Qt::white);
    paint(p, area);
    return p.end();
}

QFont printFont(double pt, bool bold = false) {
    QFont f;
    f.setPointSizeF(pt);
    f.setBold(bold);
    return f;
}

} // namespace

bool writeFigure(const QString& path, const FigureSize& size,
                 const std::function<void(QPainter&, const QRectF&)>& paint, QString* error) {
    figures::ensureGuiApplication();
    const QString ext = QFileInfo(path).suffix().toLower();
    const QSizeF logical = size.logical();
    const QRectF area(QPointF(0, 0), logical);
    const auto fail = [&](const QString& why) {
        if (error) *error = path + ": " + why;
        return false;
    };
    if (!(size.widthMm >= 10 && size.widthMm <= 1000 && size.heightMm >= 10 && size.heightMm <= 1000))
        return fail(QString("figure size %1 x %2 mm is not allowed (10 to 1000 mm each)")
                        .arg(size.widthMm)
                        .arg(size.heightMm));
    if (size.dpi < 50 || size.dpi > 2400) return fail(QString("resolution %1 dpi is not allowed (50 to 2400)").arg(size.dpi));
    bool ok = false;
    if (ext == "png") {
        const double scale = size.dpi / kLogicalDpi;
        QImage image(QSize(static_cast<int>(std::lround(logical.width() * scale)),
                           static_cast<int>(std::lround(logical.height() * scale))),
                     QImage::Format_ARGB32_Premultiplied);
        // Paint at 96 dpi (fonts in points at their printed size), then record the real resolution.
        image.setDotsPerMeterX(static_cast<int>(std::lround(kLogicalDpi / 0.0254)));
        image.setDotsPerMeterY(static_cast<int>(std::lround(kLogicalDpi / 0.0254)));
        ok = paintOn(image, area, scale, paint);
        image.setDotsPerMeterX(static_cast<int>(std::lround(size.dpi / 0.0254)));
        image.setDotsPerMeterY(static_cast<int>(std::lround(size.dpi / 0.0254)));
        ok = ok && image.save(path, "PNG");
    } else if (ext == "svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(logical.toSize());
        svg.setViewBox(area);
        svg.setResolution(static_cast<int>(kLogicalDpi));
        svg.setTitle(QFileInfo(path).baseName());
        svg.setDescription("microcircuit figure");
        ok = paintOn(svg, area, 1.0, paint);
    } else if (ext == "pdf") {
        QPdfWriter pdf(path);
        pdf.setResolution(static_cast<int>(kLogicalDpi));
        pdf.setPageSize(QPageSize(QSizeF(size.widthMm, size.heightMm), QPageSize::Millimeter));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(QFileInfo(path).baseName());
        pdf.setCreator("microcircuit");
        ok = paintOn(pdf, area, 1.0, paint);
    } else {
        return fail("unknown figure format '." + ext + "' (use .png, .svg or .pdf)");
    }
    if (!ok || !QFileInfo(path).isFile() || QFileInfo(path).size() == 0) return fail("cannot be written");
    return true;
}

bool writeWidgetFigure(const QString& path, QWidget* widget, const FigureSize& size, QString* error) {
    auto* view = qobject_cast<QChartView*>(widget);
    if (!view || !view->chart()) {
        return writeFigure(
            path, size,
            [&](QPainter& p, const QRectF& area) {
                p.scale(area.width() / widget->width(), area.height() / widget->height());
                widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
            },
            error);
    }
    // Lay the chart out at the figure's size on white, then put it back.
    QChart* chart = view->chart();
    const QSizeF oldSize = chart->size();
    const QBrush oldBrush = chart->backgroundBrush();
    const qreal oldRound = chart->backgroundRoundness();
    const bool oldShadow = chart->isDropShadowEnabled();
    const bool hadAa = view->renderHints().testFlag(QPainter::Antialiasing);
    chart->setBackgroundBrush(Qt::white);
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    chart->resize(size.logical());
    if (chart->layout()) chart->layout()->activate();
    const bool ok = writeFigure(
        path, size,
        [&](QPainter& p, const QRectF& area) {
            chart->scene()->render(&p, area, chart->sceneBoundingRect());
        },
        error);
    chart->setBackgroundBrush(oldBrush);
    chart->setBackgroundRoundness(oldRound);
    chart->setDropShadowEnabled(oldShadow);
    chart->resize(oldSize);
    if (chart->layout()) chart->layout()->activate();
    view->setRenderHint(QPainter::Antialiasing, hadAa);
    return ok;
}

std::vector<StimulusSpan> stimulusSpans(const Config& c, const std::vector<TimedEvent>& events) {
    std::vector<StimulusSpan> out;
    if (c.stim.thalamic_input && c.stim.th_start < kNeverMs)
        out.push_back({c.stim.th_start, c.stim.th_start + c.stim.th_duration});
    if (c.stim.dc_transient)
        out.push_back({c.stim.dc_transient_start, c.stim.dc_transient_start + c.stim.dc_transient_dur});
    for (const TimedEvent& e : events) {
        if (e.kind == TimedEvent::Kind::ThalamicPulse) out.push_back({e.start_ms, e.start_ms + c.stim.th_duration});
        if (e.kind == TimedEvent::Kind::DcTransient) out.push_back({e.start_ms, e.start_ms + e.duration_ms});
    }
    return out;
}

QRectF rasterPlotRect(const QRectF& area) {
    // Figure units are 1/96 inch: room for layer labels (8 pt) on the left,
    // legend and markers (7 pt) above, ticks and the axis label below.
    return area.adjusted(40, 20, -8, -32);
}

void paintRasterFigure(QPainter& p, const QRectF& area, const SpikeStore& store, const RasterFigureView& v) {
    const Theme& theme = v.theme;
    p.fillRect(area, Qt::white);
    const QRectF plot = rasterPlotRect(area);
    const auto& d = store.derived();
    const auto xOf = [&](double t) { return plot.left() + (t - v.t0Ms) / (v.t1Ms - v.t0Ms) * plot.width(); };
    const auto yOf = [&](double n) { return plot.top() + (n - v.n0 + 0.5) / v.nSpan * plot.height(); };
    const double h = store.resolution();

    // Stimuli shaded under the spikes, as on screen.
    p.save();
    p.setClipRect(plot);
    QColor shade = theme.marker();
    shade.setAlpha(40);
    for (const StimulusSpan& s : v.stimuli)
        if (s.endMs >= v.t0Ms && s.startMs <= v.t1Ms)
            p.fillRect(QRectF(QPointF(xOf(s.startMs), plot.top()), QPointF(xOf(s.endMs), plot.bottom())), shade);
    p.restore();

    // Dots, like matplotlib's '.' markers of the reference figure.
    const double dot = std::max(0.6, theme.pointSize() * 0.75);
    const auto s0 = static_cast<std::int64_t>(std::floor(v.t0Ms / h)) - 1;
    const auto s1 = static_cast<std::int64_t>(std::ceil(v.t1Ms / h));
    std::array<QColor, kNumPops> colours;
    for (int pop = 0; pop < kNumPops; ++pop)
        colours[pop] = theme.population(pop);
    const auto spikes = store.range(s0, s1);
    const auto visit = [&](auto&& draw) {
        for (const Spike& sp : spikes) {
            const int pop = store.populationOf(sp.neuron);
            if ((sp.neuron - d.first_neuron[pop]) % v.decimation != 0) continue;
            if (sp.neuron < v.n0 || sp.neuron >= v.n0 + v.nSpan) continue;
            const double t = (sp.step + 1) * h;
            if (t < v.t0Ms || t > v.t1Ms) continue;
            draw(pop, QRectF(xOf(t) - dot / 2, yOf(sp.neuron) - dot / 2, dot, dot));
        }
    };
    p.save();
    p.setClipRect(plot);
    p.setRenderHint(QPainter::Antialiasing, false);
    const bool pixels = p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Raster;
    if (pixels) {
        visit([&](int pop, const QRectF& r) { p.fillRect(r, colours[pop]); });
    } else if (v.embedScale > 0.0 && spikes.size() >= kEmbedSpikesAbove) {
        // Dense: one image of the dots under vector axes and text.
        QImage img(QSize(static_cast<int>(std::ceil(plot.width() * v.embedScale)),
                         static_cast<int>(std::ceil(plot.height() * v.embedScale))),
                   QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::transparent);
        QPainter ip(&img);
        ip.scale(v.embedScale, v.embedScale);
        ip.translate(-plot.topLeft());
        visit([&](int pop, const QRectF& r) { ip.fillRect(r, colours[pop]); });
        ip.end();
        p.drawImage(plot, img);
    } else {
        // Sparse: one path per population.
        std::array<QPainterPath, kNumPops> paths;
        for (auto& path : paths)
            path.setFillRule(Qt::WindingFill);
        visit([&](int pop, const QRectF& r) { paths[pop].addRect(r); });
        for (int pop = 0; pop < kNumPops; ++pop)
            if (!paths[pop].isEmpty()) p.fillPath(paths[pop], colours[pop]);
    }
    p.restore();

    // Markers of live changes and stimuli: dashed lines, labels above the plot.
    const QFont small = printFont(6.5);
    const QFontMetricsF fmSmall(small);
    p.setFont(small);
    // Legend at the top right: E and I colours.
    double legendLeft = plot.right();
    {
        const double box = fmSmall.ascent() * 0.8;
        const double y = plot.top() - 5 - fmSmall.descent();
        for (int k = 1; k >= 0; --k) {
            const QString text = k == 0 ? "excitatory" : "inhibitory";
            const double w = fmSmall.horizontalAdvance(text);
            legendLeft -= w;
            p.setPen(Qt::black);
            p.drawText(QPointF(legendLeft, y), text);
            legendLeft -= box + 3;
            p.fillRect(QRectF(legendLeft, y - box, box, box), k == 0 ? theme.excitatory() : theme.inhibitory());
            legendLeft -= 8;
        }
    }
    double lastLabelRight = area.left();
    for (const TimedEvent& e : v.events) {
        const double t = markerMs(e);
        if (t < v.t0Ms || t > v.t1Ms) continue;
        const double x = xOf(t);
        p.setPen(QPen(theme.marker(), 0.8, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const QString label = QString::fromStdString(e.label);
        const double w = fmSmall.horizontalAdvance(label);
        const double lx = std::max(x - w / 2, area.left() + 1);
        if (lx < lastLabelRight || lx + w > legendLeft) continue; // no overlaps
        lastLabelRight = lx + w + 4;
        p.setPen(theme.marker());
        p.drawText(QPointF(lx, plot.top() - 5 - fmSmall.descent()), label);
    }

    // Frame, layer separators and labels.
    p.setPen(QPen(Qt::black, 0.8));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
    p.setFont(printFont(8));
    for (int layer = 0; layer < 4; ++layer) {
        const double a = std::max(plot.top(), yOf(d.first_neuron[2 * layer] - 0.5));
        const double b = std::min(plot.bottom(), yOf(d.first_neuron[2 * layer + 2] - 0.5));
        if (layer > 0 && a > plot.top() && a < plot.bottom()) {
            p.setPen(QPen(QColor(0xb0, 0xb0, 0xb0), 0.6));
            p.drawLine(QPointF(plot.left(), a), QPointF(plot.right(), a));
        }
        if (b - a < 8) continue;
        p.setPen(Qt::black);
        p.drawText(QRectF(area.left(), a, plot.left() - area.left() - 5, b - a), Qt::AlignRight | Qt::AlignVCenter,
                   layerName(2 * layer));
    }
    // Time axis, in model time or relative to the chosen origin.
    const QFont tickFont = printFont(7);
    const QFontMetricsF fm(tickFont);
    p.setFont(tickFont);
    const double a0 = v.t0Ms - v.originMs, a1 = v.t1Ms - v.originMs;
    const int decimals = tickDecimals(a0, a1);
    const double labelWidth =
        std::max(fm.horizontalAdvance(QString::number(a0, 'f', decimals)), fm.horizontalAdvance(QString::number(a1, 'f', decimals)));
    const int maxTicks = std::max(2, static_cast<int>(plot.width() / (labelWidth + 10)));
    for (double t : niceTicks(a0, a1, maxTicks)) {
        const double x = xOf(t + v.originMs);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
        const QString label = QString::number(std::abs(t) < 1e-9 ? 0.0 : t, 'f', decimals);
        const double w = fm.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2, area.left() + 1, area.right() - w - 1); // inside the figure
        p.drawText(QPointF(left, plot.bottom() + 4 + fm.ascent()), label);
    }
    p.setFont(printFont(8));
    const QString axis = v.originLabel.isEmpty() ? QString("time [ms]") : "time relative to " + v.originLabel + " [ms]";
    p.drawText(QRectF(plot.left(), plot.bottom() + 4 + fm.height(), plot.width(),
                      area.bottom() - plot.bottom() - fm.height() - 4),
               Qt::AlignHCenter | Qt::AlignVCenter, axis);
    if (v.decimation > 1) {
        p.setFont(small);
        p.drawText(QRectF(area.left() + 2, area.top(), plot.width(), plot.top() - area.top() - 5 - fmSmall.height()),
                   Qt::AlignLeft | Qt::AlignTop, QString("1 in %1 neurons shown").arg(v.decimation));
    }
}

bool askFigureOptions(QWidget* parent, const QString& title, const RasterFigureView* view, FigureOptions& o) {
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto* form = new QFormLayout(&dialog);
    auto* width = new QComboBox(&dialog);
    const std::pair<const char*, double> widths[] = {{"One journal column (85 mm)", 85.0},
                                                      {"1.5 columns (114 mm)", 114.0},
                                                      {"Two columns (174 mm)", 174.0},
                                                      {"Slide (254 mm)", 254.0}};
    for (const auto& [name, mm] : widths)
        width->addItem(name, mm);
    width->setCurrentIndex(std::max(0, width->findData(o.size.widthMm)));
    auto* height = new QDoubleSpinBox(&dialog);
    height->setRange(20.0, 400.0);
    height->setDecimals(0);
    height->setSuffix(" mm");
    height->setValue(o.size.heightMm);
    auto* dpi = new QComboBox(&dialog);
    for (int r : {150, 300, 600, 1200})
        dpi->addItem(QString("%1 dpi").arg(r), r);
    dpi->setCurrentIndex(std::max(0, dpi->findData(o.size.dpi)));
    form->addRow("Width", width);
    form->addRow("Height", height);
    form->addRow("Resolution", dpi);
    QComboBox* origin = nullptr;
    if (view) {
        origin = new QComboBox(&dialog);
        origin->addItem("Model time", QVariant());
        origin->addItem(QString("Relative to the window start (%1 ms)").arg(view->t0Ms, 0, 'f', 1), view->t0Ms);
        std::vector<double> offered;
        for (const TimedEvent& e : view->events) {
            const double t = markerMs(e);
            if (t < view->t0Ms || t > view->t1Ms) continue;
            origin->addItem(QString("Relative to %1 (%2 ms)").arg(QString::fromStdString(e.label)).arg(t, 0, 'f', 1), t);
            offered.push_back(t);
        }
        // Configured stimuli (live ones are offered above by their label).
        for (const StimulusSpan& s : view->stimuli)
            if (s.startMs >= view->t0Ms && s.startMs <= view->t1Ms &&
                std::find(offered.begin(), offered.end(), s.startMs) == offered.end())
                origin->addItem(QString("Relative to the stimulus at %1 ms").arg(s.startMs, 0, 'f', 1), s.startMs);
        form->addRow("Time axis", origin);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return false;
    o.size.widthMm = width->currentData().toDouble();
    o.size.heightMm = height->value();
    o.size.dpi = dpi->currentData().toInt();
    if (origin && origin->currentData().isValid()) {
        o.originMs = origin->currentData().toDouble();
        QString text = origin->currentText();
        text.remove(0, QString("Relative to ").size());
        o.originLabel = text;
    } else {
        o.originMs = 0.0;
        o.originLabel.clear();
    }
    return true;
}

} // namespace mc::ui

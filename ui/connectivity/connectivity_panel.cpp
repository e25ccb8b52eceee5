#include "ui/connectivity/connectivity_panel.hpp"

#include "ui/connectivity/connectivity_map.hpp"
#include "ui/controls/parameter_editor.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QSvgGenerator>
#include <QVBoxLayout>

namespace mc::ui {

ProjectionDialog::ProjectionDialog(int target, int source, const Config& config, QWidget* parent)
    : QDialog(parent), m_target(target), m_source(source) {
    const bool th = source == kThalamus;
    setWindowTitle(QString("%1 → %2").arg(populationLabel(source), populationLabel(target)));
    auto* form = new QFormLayout(this);
    m_factor = new QDoubleSpinBox;
    m_factor->setRange(0.0, 100.0);
    m_factor->setDecimals(3);
    m_factor->setSingleStep(0.1);
    m_factor->setValue(th ? config.stim.weight_factors_th[target] : config.net.weight_factors[target][source]);
    m_factor->setToolTip(QString("%1: factor on the projection's mean weight. Applies live.")
                             .arg(th ? QString("stim.weight_factors_th[%1]").arg(target)
                                     : QString("net.weight_factors[%1][%2]").arg(target).arg(source)));
    m_probability = new QDoubleSpinBox;
    m_probability->setRange(0.0, 0.9999);
    m_probability->setDecimals(4);
    m_probability->setSingleStep(0.005);
    m_probability->setValue(th ? config.stim.conn_probs_th[target] : config.net.conn_probs[target][source]);
    m_probability->setToolTip(QString("%1: connection probability. Needs a rebuild (pending until \"Apply and rebuild\").")
                                  .arg(th ? QString("stim.conn_probs_th[%1]").arg(target)
                                          : QString("net.conn_probs[%1][%2]").arg(target).arg(source)));
    form->addRow(new QLabel(QString("<b>%1 → %2</b> (row %3, column %4)")
                                .arg(populationLabel(source), populationLabel(target))
                                .arg(target)
                                .arg(source)));
    form->addRow("Weight factor (live)", m_factor);
    form->addRow("Connection probability (rebuild)", m_probability);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

ConnectivityPanel::ConnectivityPanel(SimController* controller, ParameterEditor* editor, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_editor(editor) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    m_metric = new QComboBox;
    for (int i = 0; i < kNumMetrics; ++i) {
        const auto m = static_cast<ConnectivityMetric>(i);
        const QString unit = metricUnit(m);
        m_metric->addItem(metricName(m) + (unit.isEmpty() ? "" : " (" + unit + ")"));
    }
    top->addWidget(new QLabel("Show"));
    top->addWidget(m_metric, 1);
    for (const char* format : {"PNG", "SVG", "PDF", "CSV"}) {
        auto* b = new QPushButton(format);
        b->setToolTip(QString("Export the map as %1").arg(format));
        connect(b, &QPushButton::clicked, this, [this, format] { exportAs(format); });
        top->addWidget(b);
    }
    layout->addLayout(top);
    m_map = new ConnectivityMap(controller, editor);
    layout->addWidget(m_map, 1);
    m_message = new QLabel;
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    connect(m_metric, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_map->setMetric(static_cast<ConnectivityMetric>(i)); });
    connect(m_map, &ConnectivityMap::projectionClicked, this, &ConnectivityPanel::editProjection);
    connect(controller, &SimController::built, m_map, &ConnectivityMap::refresh);
    connect(controller, &SimController::eventApplied, m_map, &ConnectivityMap::refresh);
    connect(editor, &ParameterEditor::pendingChanged, m_map, &ConnectivityMap::refresh);
    // Input currents follow the rates: redraw once a second while visible.
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) m_map->refresh();
    });
    m_timer.start();
}

void ConnectivityPanel::editProjection(int target, int source) {
    if (m_dialog) m_dialog->deleteLater();
    m_dialog = new ProjectionDialog(target, source, m_editor->edited(), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    ProjectionDialog* d = m_dialog;
    connect(d, &QDialog::accepted, this, [this, d] { applyDialog(d); });
    connect(d, &QObject::destroyed, this, [this, d] {
        if (m_dialog == d) m_dialog = nullptr;
    });
    d->open();
}

void ConnectivityPanel::applyDialog(ProjectionDialog* d) {
    const int y = d->target(), x = d->source();
    const bool th = x == kThalamus;
    const Config c = m_editor->edited();
    const double factor = th ? c.stim.weight_factors_th[y] : c.net.weight_factors[y][x];
    const double prob = th ? c.stim.conn_probs_th[y] : c.net.conn_probs[y][x];
    bool ok = true;
    // Spin boxes round to their decimals: compare with the value as shown.
    if (d->weightFactor()->value() != d->weightFactor()->valueFromText(d->weightFactor()->textFromValue(factor)))
        ok = m_editor->submitElement(th ? "stim.weight_factors_th" : "net.weight_factors", y, th ? -1 : x,
                                     d->weightFactor()->value());
    if (ok && d->probability()->value() != d->probability()->valueFromText(d->probability()->textFromValue(prob)))
        ok = m_editor->submitElement(th ? "stim.conn_probs_th" : "net.conn_probs", y, th ? -1 : x,
                                     d->probability()->value());
    m_message->setText(ok ? QString() : m_editor->errorText());
    m_map->refresh();
}

bool ConnectivityPanel::exportImage(const QString& path, QString* error) const {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSize size(900, 700);
    bool ok = true;
    if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle("microcircuit connectivity");
        QPainter p;
        ok = p.begin(&svg);
        if (ok) m_map->paintMap(p, QRectF(QPointF(0, 0), QSizeF(size)));
    } else if (suffix == "pdf") {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QSizeF(size.width() * 0.75, size.height() * 0.75), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(96);
        QPainter p;
        ok = p.begin(&pdf);
        if (ok) m_map->paintMap(p, QRectF(QPointF(0, 0), QSizeF(size)));
    } else if (suffix == "png") {
        QImage image(size * 2, QImage::Format_ARGB32);
        image.setDevicePixelRatio(2.0);
        image.fill(Qt::white);
        {
            QPainter p(&image);
            p.setRenderHint(QPainter::TextAntialiasing);
            m_map->paintMap(p, QRectF(QPointF(0, 0), QSizeF(size)));
        }
        ok = image.save(path, "PNG");
    } else {
        if (error) *error = path + ": unknown image type (use .png, .svg or .pdf)";
        return false;
    }
    if (!ok && error) *error = path + ": cannot be written";
    return ok;
}

bool ConnectivityPanel::exportCsv(const QString& path, QString* error) const {
    const ConnectivityNumbers& n = m_map->numbers();
    std::string csv = "target,source,probability,synapses,indegree,mean_weight_pA,mean_psp_mV,input_current_pA\n";
    for (int y = 0; y < kNumPops; ++y)
        for (int x = 0; x <= kNumPops; ++x) {
            char line[256];
            std::snprintf(line, sizeof line, "%s,%s,%.6g,%.0f,%.6g,%.6g,%.6g,%.6g\n", y < kNumPops ? kPopNames[y] : "",
                          x == kThalamus ? "TC" : kPopNames[x], n.probability[y][x], n.synapses[y][x],
                          n.inDegree[y][x], n.weightPa[y][x], n.pspMv[y][x], n.currentPa[y][x]);
            csv += line;
        }
    try {
        writeTextFileAtomic(path.toStdString(), csv);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

void ConnectivityPanel::exportAs(const QString& format) {
    const QString lower = format.toLower();
    const QString path = QFileDialog::getSaveFileName(this, "Export connectivity", "connectivity." + lower,
                                                      format + " (*." + lower + ")");
    if (path.isEmpty()) return;
    QString error;
    const bool ok = lower == "csv" ? exportCsv(path, &error) : exportImage(path, &error);
    m_message->setText(ok ? QString("Saved %1").arg(path) : error);
}

} // namespace mc::ui

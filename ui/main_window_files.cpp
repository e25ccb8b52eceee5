// Loading and saving configurations and sessions; exporting figures, spikes
// and statistics. Bad input is reported and leaves the running network alone.
#include "ui/main_window.hpp"

#include "ui/data_export.hpp"
#include "ui/figure_export.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/session.hpp"
#include "ui/sim_controller.hpp"

#include "figures/boxplot_figure.hpp"
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"

#include <QChartView>
#include <QFileDialog>
#include <QFileInfo>
#include <QStandardPaths>

#include <cmath>

namespace mc::ui {
namespace {

/// Spikes whose time (step + 1) h lies in [t0, t1].
std::span<const Spike> spikesBetween(const SpikeStore& store, double t0, double t1) {
    const double h = store.resolution();
    return store.range(static_cast<std::int64_t>(std::ceil(t0 / h - 1e-9)) - 1,
                       static_cast<std::int64_t>(std::floor(t1 / h + 1e-9)));
}

} // namespace

QString MainWindow::askSavePath(const QString& title, const QString& suggested, const QString& filter) {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QFileDialog::getSaveFileName(this, title, dir + "/" + suggested, filter);
}

QString MainWindow::askOpenPath(const QString& title, const QString& filter) {
    return QFileDialog::getOpenFileName(this, title, QString(), filter);
}

namespace {

/// A loader's message, with the file's name in front when it does not say
/// it (values checked together after reading name only the field).
QString namingFile(const QString& path, const char* what) {
    const QString message = QString::fromStdString(what);
    const QString name = QFileInfo(path).fileName();
    return message.contains(name) ? message : name + ": " + message;
}

} // namespace

bool MainWindow::loadConfigFrom(const QString& path) {
    Config c = defaultConfig();
    try {
        applyConfigPath(c, path.toStdString());
        c.validate();
        deriveParameters(c);
    } catch (const std::exception& e) {
        showMessage(true, "Could not load the configuration",
                    namingFile(path, e.what()) + "\n\nThe running network is unchanged.");
        return false;
    }
    m_pendingLessonText = "Configuration <b>" + QFileInfo(path).fileName().toHtmlEscaped() + "</b> loaded.";
    m_controller->rebuild(c);
    return true;
}

bool MainWindow::saveConfigTo(const QString& path) {
    try {
        writeTextFileAtomic(path.toStdString(), configToJson(m_controller->configNow()));
        return true;
    } catch (const std::exception& e) {
        showMessage(true, "Could not save the configuration", e.what());
        return false;
    }
}

bool MainWindow::loadSessionFrom(const QString& path) {
    Session s;
    try {
        s = sessionFromJson(readTextFile(path.toStdString()), QFileInfo(path).fileName().toStdString());
        deriveParameters(s.config);
    } catch (const std::exception& e) {
        showMessage(true, "Could not load the session",
                    namingFile(path, e.what()) + "\n\nThe running network is unchanged.");
        return false;
    }
    m_pendingLessonText = QString("Replaying session <b>%1</b>: %2 live changes are re-applied at the model times "
                                  "at which they were made, so the spikes are the same as in the saved run.")
                              .arg(QFileInfo(path).fileName().toHtmlEscaped())
                              .arg(s.events.size());
    m_controller->loadSession(s);
    return true;
}

bool MainWindow::saveSessionTo(const QString& path) {
    try {
        writeTextFileAtomic(path.toStdString(), sessionToJson(m_controller->session()));
        return true;
    } catch (const std::exception& e) {
        showMessage(true, "Could not save the session", e.what());
        return false;
    }
}

RasterFigureView MainWindow::rasterFigureView() const {
    RasterFigureView v;
    v.t0Ms = m_raster->t0Ms();
    v.t1Ms = m_raster->t1Ms();
    v.n0 = m_raster->n0();
    v.nSpan = m_raster->nSpan();
    v.decimation = m_raster->decimation();
    v.resolutionMs = m_controller->store().resolution();
    v.theme = m_theme;
    v.theme.presentation = false;
    v.events = m_controller->markedEvents();
    v.stimuli = stimulusSpans(m_controller->config(), v.events);
    return v;
}

bool MainWindow::exportRasterTo(const QString& path, const FigureOptions& options, const RasterFigureView* frozen) {
    if (!m_controller->hasNetwork()) {
        showMessage(true, "Nothing to export", "There is no network yet.");
        return false;
    }
    RasterFigureView v = frozen ? *frozen : rasterFigureView();
    v.originMs = options.originMs;
    v.originLabel = options.originLabel;
    // Vector files embed dense rasters as an image at the chosen resolution.
    v.embedScale = options.size.dpi / 96.0;
    const SpikeStore& store = m_controller->store();
    QString error;
    if (!writeFigure(
            path, options.size, [&](QPainter& p, const QRectF& area) { paintRasterFigure(p, area, store, v); },
            &error)) {
        showMessage(true, "Could not export the raster", error);
        return false;
    }
    return true;
}

bool MainWindow::exportChartTo(ChartKind kind, const QString& path, const FigureSize& size) {
    QString error;
    if (!writeWidgetFigure(path, m_charts->view(kind), size, &error)) {
        showMessage(true, "Could not export the chart", error);
        return false;
    }
    return true;
}

bool MainWindow::exportSpikesCsvTo(const QString& path, bool wholeRun) {
    const SpikeStore& store = m_controller->store();
    const auto spikes = wholeRun ? store.all() : spikesBetween(store, m_raster->t0Ms(), m_raster->t1Ms());
    QString error;
    if (!writeSpikesCsv(path, spikes, store.derived(), store.resolution(), &error)) {
        showMessage(true, "Could not export spikes", error);
        return false;
    }
    return true;
}

bool MainWindow::exportSpikesNestTo(const QString& folder, bool wholeRun) {
    const SpikeStore& store = m_controller->store();
    const double h = store.resolution();
    // The interval on the time grid: spikes are stamped (step + 1) h.
    ExportedInterval in;
    in.session = m_controller->session();
    in.toMs = store.timeMs();
    if (wholeRun) {
        // Rates from the end of the warm-up, as `microcircuit run` writes them.
        const double presim = in.session.config.sim.t_presim;
        in.fromMs = in.toMs > presim ? presim : 0.0;
        in.what = "the whole run";
        in.allSpikesFromZero = store.firstStoredStep() == 0;
    } else {
        in.fromMs = std::ceil(std::max(0.0, m_raster->t0Ms()) / h - 1e-9) * h;
        in.toMs = std::min(in.toMs, std::floor(m_raster->t1Ms() / h + 1e-9) * h);
        in.what = "the visible window";
    }
    // Spikes older than the store's limit are gone: start after them.
    if (store.firstStoredStep() > 0) in.fromMs = std::max(in.fromMs, static_cast<double>(store.firstStoredStep() + 1) * h);
    if (!(in.toMs > in.fromMs)) {
        showMessage(true, "Nothing to export", "The interval to export is empty: run the network first.");
        return false;
    }
    const auto spikes = wholeRun ? store.all() : spikesBetween(store, in.fromMs, in.toMs);
    QString error;
    if (!writeNestFolder(folder, spikes, in, store.derived(), &error)) {
        showMessage(true, "Could not export spike files", error);
        return false;
    }
    return true;
}

namespace {
/// Statistics of the whole run after the model's warm-up (t_presim), as the
/// validation does; runs shorter than twice the warm-up use everything.
WindowStats runStats(const SimController& c) {
    const double now = c.store().timeMs();
    const double presim = c.config().sim.t_presim;
    return computeWindowStats(c.store(), now > 2.0 * presim ? presim : 0.0, now);
}
} // namespace

bool MainWindow::exportBoxPlotTo(const QString& path, const FigureSize& size) {
    const WindowStats stats = runStats(*m_controller);
    std::vector<std::string> names(kPopNames.begin(), kPopNames.end());
    std::vector<std::vector<double>> rates;
    for (const auto& r : stats.rates)
        rates.emplace_back(r.begin(), r.end());
    QString error;
    if (!writeFigure(
            path, size,
            [&](QPainter& p, const QRectF& area) {
                figures::paintBoxplot(p, area, names, rates);
            },
            &error)) {
        showMessage(true, "Could not export the box plot", error);
        return false;
    }
    return true;
}

bool MainWindow::exportStatisticsTo(const QString& path) {
    const SpikeStore& store = m_controller->store();
    const WindowStats stats = runStats(*m_controller);
    QString error;
    const bool json = QFileInfo(path).suffix().toLower() == "json";
    const bool ok = json ? writeStatsJson(path, stats, store.derived(), &error)
                         : writeStatsCsv(path, stats, store.derived(), &error);
    if (!ok) showMessage(true, "Could not export statistics", error);
    return ok;
}

void MainWindow::exportRasterAs(const QString& format) {
    // The figure shows the view at the moment the export was asked for, not
    // when the dialogs are closed (the raster keeps scrolling meanwhile).
    const RasterFigureView frozen = rasterFigureView();
    const QString ext = format.toLower();
    const QString p = askSavePath("Export raster", "raster." + ext, format + " (*." + ext + ")");
    if (p.isEmpty()) return;
    FigureOptions o{kRasterFigure};
    if (askFigureOptions(this, "Raster figure", &frozen, o)) exportRasterTo(p, o, &frozen);
}

void MainWindow::exportChartAs(ChartKind kind, const QString& format) {
    const QString ext = format.toLower();
    const QString p = askSavePath("Export chart", QString(chartStem(kind)) + "." + ext, format + " (*." + ext + ")");
    if (p.isEmpty()) return;
    FigureOptions o{kChartFigure};
    if (askFigureOptions(this, "Chart figure", nullptr, o)) exportChartTo(kind, p, o.size);
}

void MainWindow::exportBoxPlotAs(const QString& format) {
    const QString ext = format.toLower();
    const QString p = askSavePath("Export box plot", "box_plot." + ext, format + " (*." + ext + ")");
    if (p.isEmpty()) return;
    FigureOptions o{kBoxPlotFigure};
    if (askFigureOptions(this, "Box plot figure", nullptr, o)) exportBoxPlotTo(p, o.size);
}

} // namespace mc::ui

// Menus, keyboard shortcuts, the shortcut list and the About box (lessons: main_window_lessons.cpp).
#include "ui/main_window.hpp"

#include "ui/controls/control_panel.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/version.hpp"

#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>

namespace mc::ui {
namespace {

struct Shortcut {
    const char* keys;
    const char* what;
};
constexpr Shortcut kShortcuts[] = {
    {"Space", "play / pause"},
    {".", "step 10 ms"},
    {"Ctrl+1 … Ctrl+5", "speed 0.1×, 0.25×, 0.5×, 1× real time, max"},
    {"T", "fire a thalamic pulse now"},
    {"D", "start a DC transient now"},
    {"Ctrl+R / Ctrl+Shift+R", "rebuild / reseed and rebuild"},
    {"Esc", "cancel a rebuild"},
    {"Home or double-click", "raster: back to the scrolling full view"},
    {"wheel / Ctrl+wheel", "raster: zoom time / neurons; drag to pan"},
    {"+ / −", "raster: shorter / longer time window"},
    {"F11", "presentation mode (full screen, large fonts, thick markers)"},
    {"Ctrl+B", "colour-blind-safe palette"},
    {"Ctrl+E", "export the raster as PNG"},
    {"Ctrl+O / Ctrl+S", "open / save a session"},
    {"Ctrl+Shift+O", "open a configuration (ours, or the reference's sim/net/stim_dict.json)"},
    {"Ctrl+Shift+V", "record a video of the raster (and charts) / stop recording"},
    {"F1", "this list"},
    {"Ctrl+Q", "quit"},
};

} // namespace

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("Open &session…", QKeySequence("Ctrl+O"), this, [this] {
        const QString p = askOpenPath("Open session", "Sessions (*.json);;All files (*)");
        if (!p.isEmpty()) loadSessionFrom(p);
    });
    file->addAction("&Save session…", QKeySequence("Ctrl+S"), this, [this] {
        const QString p = askSavePath("Save session", "session.json", "Sessions (*.json)");
        if (!p.isEmpty()) saveSessionTo(p);
    });
    file->addSeparator();
    file->addAction("Open &configuration…", QKeySequence("Ctrl+Shift+O"), this, [this] {
        const QString p = askOpenPath("Open configuration (ours, or the reference's sim/net/stim_dict.json)",
                                      "JSON (*.json);;All files (*)");
        if (!p.isEmpty()) loadConfigFrom(p);
    });
    file->addAction("Save c&onfiguration…", this, [this] {
        const QString p = askSavePath("Save configuration", "microcircuit.json", "JSON (*.json)");
        if (!p.isEmpty()) saveConfigTo(p);
    });
    file->addSeparator();
    file->addAction("Open &recording…", QKeySequence("Ctrl+Alt+O"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, "Open recording (a folder of spike files: ours, NEST .dat or .gdf, SONATA .h5)");
        if (!dir.isEmpty()) openRecording(dir);
    });
    file->addSeparator();
    QMenu* raster = file->addMenu("Export &raster");
    raster->addAction("PNG…", QKeySequence("Ctrl+E"), this, [this] { exportRasterAs("PNG"); });
    raster->addAction("SVG…", this, [this] { exportRasterAs("SVG"); });
    raster->addAction("PDF…", this, [this] { exportRasterAs("PDF"); });
    QMenu* charts = file->addMenu("Export c&hart");
    const char* chartNames[] = {"Population rates", "Mean rates", "Rate distribution", "ISI CV distribution"};
    for (int i = 0; i < kNumCharts; ++i) {
        QMenu* m = charts->addMenu(chartNames[i]);
        for (const char* fmt : {"PNG", "SVG", "PDF"})
            m->addAction(QString(fmt) + "…", this, [this, i, fmt] { exportChartAs(static_cast<ChartKind>(i), fmt); });
    }
    QMenu* box = file->addMenu("Export rate &box plot (reference style)");
    for (const char* fmt : {"PNG", "SVG", "PDF"})
        box->addAction(QString(fmt) + "…", this, [this, fmt] { exportBoxPlotAs(fmt); });
    QMenu* spikes = file->addMenu("Export s&pikes");
    for (bool whole : {false, true}) {
        const QString range = whole ? "whole run" : "visible window";
        spikes->addAction("CSV, " + range + "…", this, [this, whole] {
            const QString p = askSavePath("Export spikes", "spikes.csv", "CSV (*.csv)");
            if (!p.isEmpty()) exportSpikesCsvTo(p, whole);
        });
        spikes->addAction("Reference spike files (NEST format and SONATA), " + range + "…", this, [this, whole] {
            const QString p = askSavePath("Export spike folder (created)", "microcircuit-spikes", "Folder (*)");
            if (!p.isEmpty()) exportSpikesNestTo(p, whole);
        });
    }
    QMenu* stats = file->addMenu("Export s&tatistics");
    stats->addAction("CSV…", this, [this] {
        const QString p = askSavePath("Export statistics", "statistics.csv", "CSV (*.csv)");
        if (!p.isEmpty()) exportStatisticsTo(p);
    });
    stats->addAction("JSON…", this, [this] {
        const QString p = askSavePath("Export statistics", "statistics.json", "JSON (*.json)");
        if (!p.isEmpty()) exportStatisticsTo(p);
    });
    QMenu* exportMenu = file->addMenu("E&xport");
    exportMenu->addAction("For &NEST…", this, &MainWindow::exportForNestAsked)
        ->setToolTip("The configuration running now (live changes included) as the reference PyNEST package's "
                     "sim/net/stim_dict.json, run_microcircuit.py and submit.slurm");
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu* sim = menuBar()->addMenu("&Simulation");
    m_playAction =
        sim->addAction("Play / pause", QKeySequence(Qt::Key_Space), m_controller, &SimController::togglePause);
    QAction* stepAction = sim->addAction("Step 10 ms", QKeySequence(Qt::Key_Period), m_controls, &ControlPanel::step);
    QMenu* speed = sim->addMenu("Speed");
    auto* speeds = new QActionGroup(this);
    const char* speedNames[] = {"0.1× (slow motion)", "0.25×", "0.5×", "1× real time", "max"};
    for (int i = 0; i < 5; ++i) {
        QAction* a = speed->addAction(speedNames[i], QKeySequence(QString("Ctrl+%1").arg(i + 1)), this,
                                      [this, i] { m_controller->setSpeed(kSpeeds[i]); });
        a->setCheckable(true);
        a->setChecked(i == 3);
        speeds->addAction(a);
        connect(m_controller, &SimController::speedChanged, a, [a, i](double s) { a->setChecked(s == kSpeeds[i]); });
    }
    sim->addSeparator();
    QAction* pulseAction =
        sim->addAction("Thalamic pulse now", QKeySequence(Qt::Key_T), m_controls, &ControlPanel::fireThalamicNow);
    QAction* dcAction =
        sim->addAction("DC transient now", QKeySequence(Qt::Key_D), m_controls, &ControlPanel::startDcTransientNow);
    m_networkActions = {m_playAction, stepAction, pulseAction, dcAction};
    m_engineActions = {pulseAction, dcAction};
    sim->addSeparator();
    sim->addAction("Rebuild", QKeySequence("Ctrl+R"), m_controls, &ControlPanel::rebuild);
    sim->addAction("Reseed and rebuild", QKeySequence("Ctrl+Shift+R"), m_controls, &ControlPanel::reseed);
    sim->addAction("Cancel rebuild", QKeySequence(Qt::Key_Escape), m_controller, &SimController::cancelBuild);
    sim->addAction("Reset to defaults", m_controls, &ControlPanel::resetRequested);

    createLessonMenu();

    QMenu* view = menuBar()->addMenu("&View");
    m_presentationAction = view->addAction("Presentation mode", QKeySequence(Qt::Key_F11), this,
                                           [this](bool on) { setPresentationMode(on); });
    m_presentationAction->setCheckable(true);
    m_paletteAction = view->addAction("Colour-blind-safe palette", QKeySequence("Ctrl+B"), this,
                                      [this](bool on) { setColourBlindSafe(on); });
    m_paletteAction->setCheckable(true);
    view->addAction("Follow model time (reset view)", QKeySequence(Qt::Key_Home), m_raster, &RasterView::resetView);
    // The chosen window is marked; Home, double-click and "Follow" return to it after zooming.
    QMenu* window = view->addMenu("Raster window");
    auto* windows = new QActionGroup(this);
    for (double s : {0.1, 0.25, 0.5, 1.0, 2.0, 5.0}) {
        QAction* a =
            window->addAction(QString("%1 s").arg(s), this, [this, s] { m_raster->chooseWindowMs(s * 1000.0); });
        a->setCheckable(true);
        a->setChecked(s * 1000.0 == m_raster->chosenWindowMs());
        a->setData(s * 1000.0);
        windows->addAction(a);
        connect(m_raster, &RasterView::chosenWindowChanged, a,
                [a](double ms) { a->setChecked(a->data().toDouble() == ms); });
    }
    if (auto* dock = findChild<QDockWidget*>("controls")) view->addAction(dock->toggleViewAction());
    view->addActions(m_explore.toggleActions());
    if (auto* dock = findChild<QDockWidget*>("sweep")) view->addAction(dock->toggleViewAction());

    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("Keyboard shortcuts", QKeySequence(Qt::Key_F1), this, &MainWindow::showShortcuts);
    help->addAction("About microcircuit", this, &MainWindow::showAbout);
}

void MainWindow::showShortcuts() {
    QString html = "<table cellspacing='6'>";
    for (const Shortcut& s : kShortcuts)
        html += QString("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(QString(s.keys).toHtmlEscaped(), QString(s.what).toHtmlEscaped());
    html += "</table>";
    auto* box = new QMessageBox(QMessageBox::NoIcon, "Keyboard shortcuts", html, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, "About microcircuit",
        QString("<h3>microcircuit %1</h3>"
                "<p>A live simulation of the cortical microcircuit model of "
                "<b>Potjans TC, Diesmann M (2014) The cell-type specific cortical microcircuit: relating structure "
                "and activity in a full-scale spiking network model. <i>Cerebral Cortex</i> 24(3):785–806</b>, "
                "doi:10.1093/cercor/bhs358.</p>"
                "<p>77,169 leaky integrate-and-fire neurons (iaf_psc_exp, exact integration) in 8 populations "
                "(layers 2/3, 4, 5 and 6, excitatory and inhibitory), about 0.3 billion synapses at full scale. "
                "Parameters follow the reference implementation (the PyNEST microcircuit example, NEST 3.9).</p>"
                "<p>Engine: %2 worker threads, deterministic for a given seed whatever the thread count.</p>"
                "<p>Free software under the GNU General Public License, version 2 or later.</p>")
            .arg(QString::fromUtf8(mc::versionString()))
            .arg(m_controller->buildInfo() ? m_controller->buildInfo()->threads : 0));
}

} // namespace mc::ui

#include "ui/main_window.hpp"

#include "ui/controls/control_panel.hpp"
#include "ui/perf_probe.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/controls/exploration_docks.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

#include <cstdio>
#include <unistd.h>

namespace mc::ui {
namespace {

/// Resident memory of this process (bytes), from /proc; 0 if unknown.
std::int64_t residentBytes() {
    long pages = 0, resident = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

QString megabytes(std::int64_t bytes) {
    return QString("%1 MB").arg(bytes / 1048576.0, 0, 'f', 0);
}

QString withThousands(std::int64_t n) {
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

} // namespace

Config MainWindow::defaultConfig() {
    Config c;
    QFile f(":/config/default.json");
    if (f.open(QIODevice::ReadOnly)) {
        try {
            applyConfigJson(c, f.readAll().toStdString(), "default.json");
        } catch (const std::exception&) {
            c = Config{}; // the compiled-in defaults are the same values
        }
    }
    return c;
}

MainWindow::MainWindow(int threads, QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("microcircuit — Potjans & Diesmann (2014) cortical microcircuit");
    m_normalFont = font();
    m_controller = new SimController(threads, this);
    m_raster = new RasterView(m_controller);
    m_charts = new ChartsPanel(m_controller);

    m_banner = new QLabel;
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet("QLabel { background: #fff3b0; color: #3a2a00; border: 2px solid #d9a400; "
                            "padding: 8px; font-weight: bold; }");
    m_banner->hide();
    m_info = new QLabel;
    m_info->setWordWrap(true);
    m_info->setStyleSheet("QLabel { background: #e3eefc; color: #10264a; border: 1px solid #7aa2d8; padding: 6px; }");
    m_info->hide();

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_raster);
    splitter->addWidget(m_charts);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_banner);
    layout->addWidget(m_info);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    m_controls = new ControlPanel(m_controller);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* dock = new QDockWidget("Controls");
    dock->setObjectName("controls");
    dock->setWidget(scroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    dock->setMinimumWidth(300);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    m_explore = addExplorationDocks(*this, m_controller);

    createStatusBar();
    createMenus();

    connect(m_controller, &SimController::built, this, &MainWindow::onBuilt);
    connect(m_controller, &SimController::buildStarted, this, [this] {
        m_buildLabel->setText("Building the network…");
        m_buildProgress->setValue(0);
        m_buildLabel->show();
        m_buildProgress->show();
        m_buildCancel->show();
    });
    connect(m_controller, &SimController::buildProgress, this, [this](double f, const QString& phase) {
        m_buildLabel->setText("Building: " + phase);
        m_buildProgress->setValue(static_cast<int>(f * 100.0));
    });
    connect(m_controller, &SimController::buildFailed, this, [this](const QString& msg, bool cancelled) {
        m_buildLabel->hide();
        m_buildProgress->hide();
        m_buildCancel->hide();
        m_pendingLessonText.clear();
        showMessage(!cancelled, cancelled ? "Rebuild cancelled" : "The network could not be built", msg);
    });
    connect(m_controller, &SimController::errorOccurred, this,
            [this](const QString& msg) { showMessage(true, "Simulation error", msg); });
    connect(m_raster, &RasterView::exportRequested, this, &MainWindow::exportRasterAs);
    connect(m_charts, &ChartsPanel::exportRequested, this, &MainWindow::exportChartAs);
    connect(m_controls, &ControlPanel::resetRequested, this, [this] {
        m_controller->setSpeed(1.0);
        m_controller->rebuild(defaultConfig());
    });
    m_statusTimer.setInterval(250);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_statusTimer.start();
    m_probe = new PerfProbe(
        [this] {
            return QString("t_model=%1s speed=%2x fps=%3 spikes/s=%4")
                .arg(m_controller->modelTimeMs() / 1000.0, 0, 'f', 2)
                .arg(m_controller->achievedSpeed(), 0, 'f', 2)
                .arg(m_raster->framesPerSecond(), 0, 'f', 1)
                .arg(m_controller->spikesPerModelSecond(), 0, 'f', 0);
        },
        this);
    resize(1500, 950);
    applyTheme();
}

MainWindow::~MainWindow() = default;

void MainWindow::start() {
    m_controller->setSpeed(1.0);
    m_controller->rebuild(defaultConfig());
}

void MainWindow::createStatusBar() {
    QStatusBar* bar = statusBar();
    m_buildLabel = new QLabel;
    m_buildProgress = new QProgressBar;
    m_buildProgress->setRange(0, 100);
    m_buildProgress->setMaximumWidth(220);
    m_buildCancel = new QPushButton("Cancel");
    m_buildCancel->setToolTip("Cancel the rebuild; the previous network keeps running if memory allowed keeping it.");
    connect(m_buildCancel, &QPushButton::clicked, m_controller, &SimController::cancelBuild);
    bar->addWidget(m_buildLabel);
    bar->addWidget(m_buildProgress);
    bar->addWidget(m_buildCancel);
    m_buildLabel->hide();
    m_buildProgress->hide();
    m_buildCancel->hide();
    m_statusTime = new QLabel;
    m_statusSpeed = new QLabel;
    m_statusSize = new QLabel;
    m_statusMemory = new QLabel;
    m_statusSpikes = new QLabel;
    m_statusTime->setToolTip("Model time since the network was built");
    m_statusSpeed->setToolTip("Speed achieved over the last 2 s: model time per wall-clock time "
                              "(RTF = wall-clock / model time, as in the literature)");
    m_statusMemory->setToolTip("Resident memory of the program, and the part held by the network");
    m_statusSpikes->setToolTip("Spikes per second of model time, whole network, over the last 2 s");
    for (QLabel* l : {m_statusTime, m_statusSpeed, m_statusSize, m_statusMemory, m_statusSpikes})
        bar->addPermanentWidget(l);
}

void MainWindow::updateStatus() {
    const auto info = m_controller->buildInfo();
    m_statusTime->setText(QString("t = %1 s").arg(m_controller->modelTimeMs() / 1000.0, 0, 'f', 2));
    const double speed = m_controller->achievedSpeed();
    m_statusSpeed->setText(m_controller->isPaused() ? QString("paused")
                           : speed > 0.0
                               ? QString("%1× real time (RTF %2)").arg(speed, 0, 'f', 2).arg(1.0 / speed, 0, 'f', 2)
                               : QString("—"));
    if (info) {
        std::int64_t thalamic = 0;
        for (std::int64_t n : info->derived.num_th_synapses)
            thalamic += n;
        m_statusSize->setText(QString("%1 neurons, %2 synapses")
                                  .arg(withThousands(info->derived.total_neurons))
                                  .arg(withThousands(info->synapses - thalamic)));
        m_statusSize->setToolTip(QString("Neurons and recurrent synapses of the network. %1 thalamic synapses are "
                                         "built as well, so that a pulse can be fired at any time; they change "
                                         "nothing until then. Built in %2 s on %3 threads.")
                                     .arg(withThousands(thalamic))
                                     .arg(info->buildSeconds, 0, 'f', 2)
                                     .arg(info->threads));
        m_statusMemory->setText(
            QString("memory %1 (network %2)").arg(megabytes(residentBytes())).arg(megabytes(info->memoryBytes)));
    }
    QString spikes =
        QString("%1 spikes/s").arg(withThousands(static_cast<std::int64_t>(m_controller->spikesPerModelSecond())));
    if (m_controller->droppedSpikes() > 0)
        spikes += QString(" (%1 not shown: display fell behind)").arg(m_controller->droppedSpikes());
    m_statusSpikes->setText(spikes);
}

void MainWindow::onBuilt() {
    m_buildLabel->hide();
    m_buildProgress->hide();
    m_buildCancel->hide();
    const auto info = m_controller->buildInfo();
    const DerivedParams& d = info->derived;
    if (!d.below_rheobase.empty()) {
        QString text = QString("Silent network: with DC drive, %1 of 8 populations get less current than the "
                               "rheobase (%2 pA), so they cannot fire.")
                           .arg(d.below_rheobase.size())
                           .arg(d.rheobase[d.below_rheobase.front()], 0, 'f', 0);
        for (const std::string& w : d.warnings) {
            // The engine's advice names command-line flags; the GUI gives its own below.
            const std::string shown = w.substr(0, w.find(" Use --"));
            text += "<br><span style='font-weight:normal'>" + QString::fromStdString(shown).toHtmlEscaped() + "</span>";
        }
        text += "<br><span style='font-weight:normal'>Use Poisson drive (the project default) or a scale ≥ 0.2 "
                "for an active network.</span>";
        m_banner->setText(text);
        m_banner->show();
    } else {
        m_banner->hide();
    }
    if (!m_pendingLessonText.isEmpty()) {
        m_info->setText(m_pendingLessonText);
        m_info->show();
        m_pendingLessonText.clear();
    } else {
        m_info->hide();
    }
}

void MainWindow::showMessage(bool error, const QString& title, const QString& text) {
    m_lastMessage = title + ": " + text;
    emit messageShown(title, text);
    auto* box =
        new QMessageBox(error ? QMessageBox::Critical : QMessageBox::Information, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not modal to the engine: the simulation keeps running behind it
}

void MainWindow::setPresentationMode(bool on) {
    m_theme.presentation = on;
    if (m_presentationAction) m_presentationAction->setChecked(on);
    if (on)
        showFullScreen();
    else
        showNormal();
    applyTheme();
}

void MainWindow::setColourBlindSafe(bool on) {
    m_theme.colourBlindSafe = on;
    if (m_paletteAction) m_paletteAction->setChecked(on);
    applyTheme();
}

void MainWindow::applyTheme() {
    QFont f = m_normalFont;
    if (m_theme.presentation) {
        f.setPointSizeF(m_normalFont.pointSizeF() * 1.45);
        f.setBold(true);
    }
    setFont(f);
    // The side panel and the status bar stay moderate so that they fit a
    // 1280 x 720 projector next to a large raster.
    QFont panel = m_normalFont;
    if (m_theme.presentation) panel.setPointSizeF(m_normalFont.pointSizeF() * 1.2);
    if (auto* dock = findChild<QDockWidget*>("controls")) dock->widget()->setFont(panel);
    statusBar()->setFont(m_normalFont);
    m_raster->setTheme(m_theme);
    m_charts->setTheme(m_theme);
    if (auto* dock = findChild<QDockWidget*>("controls")) dock->setMinimumWidth(m_theme.presentation ? 370 : 300);
    const QString size = m_theme.presentation ? "16pt" : "11pt";
    m_banner->setStyleSheet(QString("QLabel { background: #fff3b0; color: #3a2a00; border: 2px solid #d9a400; "
                                    "padding: 8px; font-weight: bold; font-size: %1; }")
                                .arg(size));
}

} // namespace mc::ui

#include "ui/main_window.hpp"

#include "ui/controls/control_panel.hpp"
#include "ui/gui_cpu.hpp"
#include "ui/lessons/lesson_panel.hpp"
#include "ui/perf_probe.hpp"
#include "ui/probes/probe_menu.hpp"
#include "ui/probes/probe_panel.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/controls/exploration_docks.hpp"
#include "ui/sim_controller.hpp"
#include "ui/video/video_menu.hpp"
#include "ui/video/video_recorder.hpp"
#include "ui/sweep/sweep_panel.hpp"

#include "microcircuit/config_io.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
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
    m_splitter = splitter;
    // The probe panel shares the raster's time axis, right under it.
    m_probePanel = new ProbePanel(m_controller, m_raster);
    auto* rasterAndProbes = new QWidget;
    auto* rasterLayout = new QVBoxLayout(rasterAndProbes);
    rasterLayout->setContentsMargins(0, 0, 0, 0);
    rasterLayout->setSpacing(0);
    rasterLayout->addWidget(m_raster, 3);
    rasterLayout->addWidget(m_probePanel, 2);
    splitter->addWidget(rasterAndProbes);
    splitter->addWidget(m_charts);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setCollapsible(0, false);
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_banner);
    layout->addWidget(m_info);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);
    createReplay(layout);

    m_controls = new ControlPanel(m_controller);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* dock = new QDockWidget("Controls");
    dock->setObjectName("controls");
    dock->setWidget(scroll);
    // Closable, so that View → Controls can hide and show it.
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    dock->setMinimumWidth(300);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    m_explore = addExplorationDocks(*this, m_controller);
    addSweepDock(*this, m_controller);

    createStatusBar();
    createMenus();
    installProbeMenu(this, nullptr, m_probePanel, m_raster, m_controller);
    m_activity = installActivityTools(*this, m_controller, m_charts, m_controls);
    m_video = new VideoRecorder(m_controller, m_raster, m_splitter, this);
    installVideoMenu(this, m_video);

    connect(m_controller, &SimController::built, this, &MainWindow::onBuilt);
    connect(m_controller, &SimController::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_controller, &SimController::buildStarted, this, [this] {
        m_buildLabel->setText("Building the network…");
        m_buildProgress->setValue(0);
    });
    connect(m_controller, &SimController::buildProgress, this, [this](double f, const QString& phase) {
        m_buildLabel->setText("Building: " + phase);
        m_buildProgress->setValue(static_cast<int>(f * 100.0));
    });
    connect(m_controller, &SimController::buildFailed, this, [this](const QString& msg, bool cancelled) {
        if (!m_controller->isBuilding()) m_pendingLessonText.clear();
        showMessage(!cancelled, cancelled ? "Rebuild cancelled" : "The network could not be built", msg);
    });
    connect(m_controller, &SimController::replayFinished, this, [this] {
        if (m_info->text().startsWith("Replaying")) m_info->hide();
    });
    connect(m_controller, &SimController::errorOccurred, this,
            [this](const QString& msg) { showMessage(true, "Simulation error", msg); });
    connect(m_raster, &RasterView::exportRequested, this, &MainWindow::exportRasterAs);
    connect(m_charts, &ChartsPanel::exportRequested, this, &MainWindow::exportChartAs);
    // Enter in a value box applies it and gives the keyboard back to the raster.
    connect(m_controls, &ControlPanel::editingDone, this, [this] { m_raster->setFocus(Qt::OtherFocusReason); });
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
                       .arg(m_controller->spikesPerModelSecond(), 0, 'f', 0) +
                   // The raster's own work (ui/raster/raster_ring.cpp).
                   QString(" raster_paint_ms=%1 raster_spikes/frame=%2 raster_full/s=%3")
                       .arg(m_raster->paintMs(), 0, 'f', 2)
                       .arg(m_raster->spikesDrawnPerFrame(), 0, 'f', 0)
                       .arg(m_raster->fullRedrawsPerSecond(), 0, 'f', 1);
        },
        this);
    // 1500 x 950, or all of a smaller screen; once shown (and framed by the
    // window manager) it is fitted again.
    resize(1500, 950);
    fitToScreen();
    QTimer::singleShot(0, this, &MainWindow::fitToScreen);
    applyTheme();
    onStateChanged(m_controller->state());
}

MainWindow::~MainWindow() = default;

SweepPanel* MainWindow::sweepPanel() const { return findChild<SweepPanel*>(); }

QString MainWindow::bannerText() const {
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QString MainWindow::infoText() const {
    return m_info->isHidden() ? QString() : m_info->text();
}

void MainWindow::fitToScreen() {
    if (isFullScreen()) return;
    QScreen* s = screen();
    if (!s) return;
    const QRect avail = s->availableGeometry();
    // The frame (title bar, borders) comes on top of the client size.
    const QSize frame = frameGeometry().size() - geometry().size();
    const QSize room(avail.width() - frame.width(), avail.height() - frame.height());
    const QSize fitted = size().boundedTo(room).expandedTo(minimumSizeHint().boundedTo(room));
    if (fitted != size()) resize(fitted);
    QRect g = frameGeometry();
    if (!avail.contains(g)) {
        g.moveLeft(std::clamp(g.left(), avail.left(), std::max(avail.left(), avail.right() - g.width() + 1)));
        g.moveTop(std::clamp(g.top(), avail.top(), std::max(avail.top(), avail.bottom() - g.height() + 1)));
        move(g.topLeft());
    }
}

void MainWindow::resizeEvent(QResizeEvent* e) {
    QMainWindow::resizeEvent(e);
    updateCompactLayout();
}

void MainWindow::updateCompactLayout() {
    const bool compact = height() < kCompactHeight;
    if (compact == m_charts->isCompact()) return;
    m_charts->setCompact(compact);
    // The raster keeps priority: two thirds of the height in a short window.
    const int total = m_splitter->height();
    if (total > 0)
        m_splitter->setSizes(compact ? QList<int>{total * 2 / 3, total / 3} : QList<int>{total * 3 / 5, total * 2 / 5});
}

void MainWindow::onStateChanged(RunState state) {
    const bool building = state == RunState::Building;
    m_buildLabel->setVisible(building);
    m_buildProgress->setVisible(building);
    m_buildCancel->setVisible(building);
    const bool network = state == RunState::Running || state == RunState::Paused;
    for (QAction* a : m_networkActions)
        a->setEnabled(network && !(m_controller->isRecording() && m_engineActions.contains(a)));
    if (state == RunState::NoNetwork) {
        // Nothing runs: nothing of the released network stays on screen.
        m_charts->clear();
        m_banner->hide();
        m_info->hide();
    }
    m_raster->update();
    updateStatus();
}
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
    // Fixed widths sized for the longest text each field shows: nothing
    // shifts sideways as the numbers change.
    const QFontMetrics fm(m_normalFont);
    const std::pair<QLabel*, const char*> widths[] = {
        {m_statusTime, "t = 00000.00 s"},
        {m_statusSpeed, "00.00× real time (RTF 00.00)"},
        {m_statusSize, "00,000 neurons, 000,000,000 synapses"},
        {m_statusMemory, "memory 00000 MB (network 0000 MB)"},
        {m_statusSpikes, "0,000,000 spikes/s"},
    };
    for (const auto& [label, longest] : widths) {
        label->setFixedWidth(fm.horizontalAdvance(longest) + 8);
        label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        bar->addPermanentWidget(label);
    }
}

void MainWindow::updateStatus() {
    const guicpu::Scope cpu(guicpu::Part::Status);
    const auto info = m_controller->buildInfo();
    if (!info) {
        m_statusTime->setText(m_controller->isBuilding() ? "building" : "no network");
        for (QLabel* l : {m_statusSpeed, m_statusSize, m_statusMemory, m_statusSpikes})
            l->setText("—");
        m_statusMemory->setText(QString("memory %1").arg(megabytes(residentBytes())));
        return;
    }
    m_statusTime->setText(QString("t = %1 s").arg(m_controller->modelTimeMs() / 1000.0, 0, 'f', 2));
    const double speed = m_controller->achievedSpeed();
    m_statusSpeed->setText(m_controller->isBuilding() ? QString("building")
                           : m_controller->isPaused() ? QString("paused")
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
        if (m_controller->isRecording()) {
            m_statusSize->setText(QString("%1 neurons recorded").arg(withThousands(info->derived.total_neurons)));
            m_statusSize->setToolTip("Neurons of the recording's population table; nothing is simulated");
            m_statusMemory->setText(QString("memory %1").arg(megabytes(residentBytes())));
        }
    }
    QString spikes =
        QString("%1 spikes/s").arg(withThousands(static_cast<std::int64_t>(m_controller->spikesPerModelSecond())));
    m_statusSpikes->setText(spikes);
    m_statusSpikes->setToolTip(
        "Spikes per second of model time, whole network, over the last 2 s of running" +
        (m_controller->droppedSpikes() > 0
             ? QString(". %1 spikes were lost: the memory ran out.").arg(m_controller->droppedSpikes())
             : QString()));
}

void MainWindow::onBuilt() {
    m_buildLabel->hide();
    m_buildProgress->hide();
    m_buildCancel->hide();
    const auto info = m_controller->buildInfo();
    const DerivedParams& d = info->derived;
    QStringList warnings;
    if (!d.below_rheobase.empty()) {
        QStringList names;
        for (int p : d.below_rheobase)
            names << kPopNames[p];
        QString text = QString("Silent network: with DC drive, %1 of 8 populations (%2) get less current than the "
                               "rheobase (%3 pA), so they cannot fire on their own.")
                           .arg(d.below_rheobase.size())
                           .arg(names.join(", "))
                           .arg(d.rheobase[d.below_rheobase.front()], 0, 'f', 0);
        for (const std::string& w : d.warnings) {
            // The engine's first sentence says what the line above says, and
            // its advice names command-line flags; the GUI gives its own below.
            std::string shown = w.substr(0, w.find(" Use --"));
            if (shown.rfind("DC drive leaves", 0) == 0 && shown.find(". ") != std::string::npos)
                shown = shown.substr(shown.find(". ") + 2);
            text += "<br><span style='font-weight:normal'>" + QString::fromStdString(shown).toHtmlEscaped() + "</span>";
        }
        text += "<br><span style='font-weight:normal'>Use Poisson drive (the project default) or a scale ≥ 0.2 "
                "for an active network.</span>";
        warnings << text;
    }
    const auto smallest = std::min_element(d.num_neurons.begin(), d.num_neurons.end());
    if (*smallest < 10)
        warnings << QString("Very small network: %1 has only %2 neurons (fewer than 10). Rates, CVs and "
                            "distributions of populations this small are unreliable; use a scale ≥ 0.01.")
                        .arg(kPopNames[smallest - d.num_neurons.begin()])
                        .arg(*smallest);
    m_banner->setText(warnings.join("<br>"));
    m_banner->setVisible(!warnings.isEmpty());
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
    if (m_lessonPanel) m_lessonPanel->setLargeText(on);
    if (on) {
        showFullScreen();
    } else {
        showNormal();
        fitToScreen();                                          // the size before F11 may be larger than this screen
        QTimer::singleShot(50, this, &MainWindow::fitToScreen); // after the window system restored it
    }
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
    // Explicit fonts (every property resolved), or the window's presentation
    // font would still reach them.
    QFont panel = m_normalFont;
    panel.setResolveMask(QFont::AllPropertiesResolved);
    if (m_theme.presentation) panel.setPointSizeF(m_normalFont.pointSizeF() * 1.2);
    if (auto* dock = findChild<QDockWidget*>("controls")) dock->widget()->setFont(panel);
    QFont status = m_normalFont;
    status.setResolveMask(QFont::AllPropertiesResolved);
    statusBar()->setFont(status);
    for (QLabel* l : {m_statusTime, m_statusSpeed, m_statusSize, m_statusMemory, m_statusSpikes, m_buildLabel})
        l->setFont(status);
    m_raster->setTheme(m_theme);
    m_probePanel->setTheme(m_theme);
    m_charts->setTheme(m_theme);
    if (m_activity.psth) m_activity.setTheme(m_theme);
    if (auto* dock = findChild<QDockWidget*>("controls")) dock->setMinimumWidth(m_theme.presentation ? 370 : 300);
    const QString size = m_theme.presentation ? "16pt" : "11pt";
    m_banner->setStyleSheet(QString("QLabel { background: #fff3b0; color: #3a2a00; border: 2px solid #d9a400; "
                                    "padding: 8px; font-weight: bold; font-size: %1; }")
                                .arg(size));
}

} // namespace mc::ui

// The main window's side of replay: the timeline bar under the views, the
// "Recording: DIR" title and status label, and File -> Open recording.
#include "ui/main_window.hpp"

#include "ui/controls/control_panel.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/replay/replay_bar.hpp"
#include "ui/replay/replay_player.hpp"

#include <QDir>
#include <QLabel>
#include <QLayout>
#include <QStatusBar>

namespace mc::ui {

void MainWindow::createReplay(QLayout* layout) {
    m_replay = new ReplayPlayer(m_controller, this);
    m_replayBar = new ReplayBar(m_controller, m_replay, this);
    m_replayBar->hide();
    layout->addWidget(m_replayBar);
    m_statusRecording = new QLabel;
    m_statusRecording->setStyleSheet("QLabel { color: #7a3b00; font-weight: bold; }");
    m_statusRecording->hide();
    statusBar()->addWidget(m_statusRecording);
    connect(m_controller, &SimController::sourceChanged, this, &MainWindow::onSourceChanged);
    connect(m_replay, &ReplayPlayer::loadFailed, this, [this](const QString& message, bool cancelled) {
        if (!m_controller->isRecording()) m_replayBar->hide();
        showMessage(!cancelled, cancelled ? "Opening cancelled" : "The recording could not be opened", message);
    });
    connect(m_replay, &ReplayPlayer::voltagesProblem, this,
            [this](const QString& message) { showMessage(false, "Recorded voltages not shown", message); });
    connect(m_replayBar, &ReplayBar::simulateRequested, this, [this] {
        const Recording* r = m_replay->recording();
        if (!r) return;
        m_controller->setSpeed(1.0);
        m_controller->rebuild(r->info.config);
    });
}

void MainWindow::openRecording(const QString& folder) {
    m_replayBar->show();
    m_replay->open(folder);
}

void MainWindow::onSourceChanged() {
    const bool recording = m_controller->isRecording();
    const QString dir = QDir::toNativeSeparators(m_controller->recordingFolder());
    setWindowTitle(recording ? QString("Recording: %1 — microcircuit").arg(dir)
                             : QString("microcircuit — Potjans & Diesmann (2014) cortical microcircuit"));
    m_statusRecording->setText("Recording: " + dir);
    m_statusRecording->setToolTip("Replaying recorded spikes from " + dir +
                                  "; nothing is simulated. \"Simulate this configuration\" runs it live.");
    m_statusRecording->setVisible(recording);
    m_replayBar->setVisible(recording || m_replay->isLoading());
    onStateChanged(m_controller->state());
}

} // namespace mc::ui

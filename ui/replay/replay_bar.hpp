// The timeline under the raster while a recording is shown: play/pause,
// step, speed, a slider to scrub to any time, a loop window, a list of the
// recorded events to jump to, "Simulate this configuration", and the
// loading progress with Cancel.
#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
QT_END_NAMESPACE

namespace mc::ui {

class ReplayPlayer;
class SimController;

class ReplayBar : public QWidget {
    Q_OBJECT
  public:
    static constexpr int kSliderSteps = 10000;
    ReplayBar(SimController* controller, ReplayPlayer* player, QWidget* parent = nullptr);

    QSlider* slider() const { return m_slider; }
    QComboBox* eventList() const { return m_events; }
    QPushButton* simulateButton() const { return m_simulate; }
    QPushButton* cancelButton() const { return m_cancel; }

  signals:
    /// The user asked to run the recording's configuration live.
    void simulateRequested();

  private:
    void syncTime(double ms);
    void syncLoaded();
    void applyLoop();

    SimController* m_controller;
    ReplayPlayer* m_player;
    QWidget* m_timeline;
    QPushButton* m_play;
    QPushButton* m_step;
    QComboBox* m_speed;
    QSlider* m_slider;
    QLabel* m_time;
    QCheckBox* m_loop;
    QDoubleSpinBox* m_loopFrom;
    QDoubleSpinBox* m_loopTo;
    QComboBox* m_events;
    QPushButton* m_simulate;
    QWidget* m_loading;
    QLabel* m_loadLabel;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    bool m_syncing = false;
};

} // namespace mc::ui

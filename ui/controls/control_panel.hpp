// The side panel: run controls, network (rebuild) parameters, live
// parameters and stimuli. Every control's tooltip says what it is in the
// model and whether it applies live or rebuilds the network.
#pragma once

#include "microcircuit/params.hpp"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
QT_END_NAMESPACE

namespace mc::ui {

class SimController;

/// Speed presets: model seconds per wall second (0 = as fast as possible).
inline constexpr double kSpeeds[] = {0.1, 0.25, 0.5, 1.0, 0.0};

class ControlPanel : public QWidget {
    Q_OBJECT
  public:
    explicit ControlPanel(SimController* controller, QWidget* parent = nullptr);

    /// The configuration the "Rebuild" button would build.
    Config requestedConfig() const;
    void rebuild();
    void reseed();
    void fireThalamicNow();
    void startDcTransientNow();
    void step();

    /// The line under the network settings: what Rebuild would change.
    QString pendingText() const;
    /// The note under the stimuli (e.g. why a pulse was not scheduled).
    QString stimulusNote() const;
    /// Schedules a thalamic pulse at the "Pulse at" time; refused (with a
    /// note) when that time is already past.
    void schedulePulse();
    /// Adds a row at the end of the Stimuli group (Repeat… and its indicator).
    void addStimulusRow(QWidget* row);

  signals:
    void resetRequested();
    /// Enter committed a value: the window gives the keyboard back to the raster.
    void editingDone();

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void syncState();
    void updatePending();
    void syncFromBuild();
    void syncLive();
    void syncPaused(bool paused);
    void syncSpeed(double speed);
    void applyLive(const QString& what);
    QWidget* runGroup();
    QWidget* networkGroup();
    QWidget* liveGroup();
    QWidget* stimulusGroup();

    SimController* m_controller;
    QPushButton* m_play = nullptr;
    QPushButton* m_step = nullptr;
    QComboBox* m_speed = nullptr;
    QComboBox* m_scale = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_drive = nullptr;
    QLabel* m_pending = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QDoubleSpinBox* m_g = nullptr;
    QDoubleSpinBox* m_psp = nullptr;
    QDoubleSpinBox* m_thAt = nullptr;
    QDoubleSpinBox* m_dcDur = nullptr;
    QLabel* m_stimulusNote = nullptr;
    QWidget* m_liveBox = nullptr;
    QWidget* m_stimulusBox = nullptr;
    bool m_scaleEdited = false;
    bool m_syncing = false;
};

} // namespace mc::ui

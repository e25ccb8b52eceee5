// The GUI side of pulse-locked PSTHs, spectra and the health check: the
// Repeat… dialog and its indicator, the PSTH and spectrum docks, the
// reference band on the mean-rate chart and the verdict in the status bar.
#pragma once

#include "ui/theme.hpp"

QT_BEGIN_NAMESPACE
class QDockWidget;
class QLabel;
class QMainWindow;
class QPushButton;
class QWidget;
QT_END_NAMESPACE

namespace mc::ui {

class ChartsPanel;
class ControlPanel;
class HealthBand;
class HealthMonitor;
class PsthPanel;
class PulseRepeater;
class SimController;
class SpectrumPanel;
struct RepeatPlan;

struct ActivityTools {
    PulseRepeater* repeater = nullptr;
    PsthPanel* psth = nullptr;
    SpectrumPanel* spectrum = nullptr;
    HealthMonitor* health = nullptr;
    HealthBand* band = nullptr;
    QDockWidget* psthDock = nullptr;
    QDockWidget* spectrumDock = nullptr;
    QLabel* healthLabel = nullptr; ///< the verdict in the status bar
    QLabel* repeatLabel = nullptr; ///< "Repeating 3/10" under the stimuli
    QPushButton* stopButton = nullptr;
    void setTheme(const Theme& theme) const;
};

/// Creates the tools in `window` (after its menus exist): Simulation →
/// Repeat stimulus… / Stop repeating, View → PSTH / Spectrum, a Repeat row
/// in the controls' Stimuli group, the health verdict in the status bar.
ActivityTools installActivityTools(QMainWindow& window, SimController* controller, ChartsPanel* charts,
                                   ControlPanel* controls);

/// Asks for a repeat plan (kind, period, count, DC duration). False if cancelled.
bool askRepeatPlan(QWidget* parent, RepeatPlan& plan);

} // namespace mc::ui

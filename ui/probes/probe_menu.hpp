// The Probe menu (add a neuron by population and index, remove, export) and
// the raster's click that follows a neuron.
#pragma once

#include <QString>

class QMainWindow;
class QMenu;

namespace mc::ui {

class ProbePanel;
class RasterView;
class SimController;

/// Adds the Probe menu to `window`'s menu bar, inserted before `before` (or
/// before Help), and makes a click on a raster row follow that neuron.
void installProbeMenu(QMainWindow* window, QMenu* before, ProbePanel* panel, RasterView* raster,
                      SimController* controller);

/// The neuron (global index) of `population`'s neuron `index`, or -1 with `why`.
int probeNeuronOf(const SimController& controller, const QString& population, int index, QString* why);

} // namespace mc::ui

// The two docks for exploring the model: the parameter editor and the
// connectivity map, tabbed on the right of the main window (hidden until
// chosen in the View menu).
#pragma once

#include <QList>

QT_BEGIN_NAMESPACE
class QAction;
class QDockWidget;
class QMainWindow;
QT_END_NAMESPACE

namespace mc::ui {

class ConnectivityPanel;
class ParameterEditor;
class SimController;

struct ExplorationDocks {
    ParameterEditor* editor = nullptr;
    ConnectivityPanel* connectivity = nullptr;
    QDockWidget* editorDock = nullptr;
    QDockWidget* connectivityDock = nullptr;
    /// Show/hide actions for the View menu.
    QList<QAction*> toggleActions() const;
};

ExplorationDocks addExplorationDocks(QMainWindow& window, SimController* controller);

} // namespace mc::ui

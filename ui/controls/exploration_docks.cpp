#include "ui/controls/exploration_docks.hpp"

#include "ui/connectivity/connectivity_panel.hpp"
#include "ui/controls/parameter_editor.hpp"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>

namespace mc::ui {

QList<QAction*> ExplorationDocks::toggleActions() const {
    return {editorDock->toggleViewAction(), connectivityDock->toggleViewAction()};
}

ExplorationDocks addExplorationDocks(QMainWindow& window, SimController* controller) {
    ExplorationDocks d;
    d.editor = new ParameterEditor(controller);
    d.connectivity = new ConnectivityPanel(controller, d.editor);
    d.editorDock = new QDockWidget("Parameters");
    d.editorDock->setObjectName("parameters");
    d.editorDock->setWidget(d.editor);
    d.editorDock->toggleViewAction()->setText("Parameter editor");
    d.connectivityDock = new QDockWidget("Connectivity");
    d.connectivityDock->setObjectName("connectivity");
    d.connectivityDock->setWidget(d.connectivity);
    d.connectivityDock->toggleViewAction()->setText("Connectivity map");
    window.addDockWidget(Qt::RightDockWidgetArea, d.editorDock);
    window.addDockWidget(Qt::RightDockWidgetArea, d.connectivityDock);
    window.tabifyDockWidget(d.editorDock, d.connectivityDock);
    d.editorDock->hide();
    d.connectivityDock->hide();
    return d;
}

} // namespace mc::ui

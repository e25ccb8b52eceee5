// Process-wide setup shared by the program and the UI tests.
#include "ui/gui_main.hpp"

#include <QSurfaceFormat>
#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initMicrocircuitResources() {
    Q_INIT_RESOURCE(microcircuit);
}

namespace mc::ui {

void initResources() {
    initMicrocircuitResources();
}

void setDefaultSurfaceFormat() {
    QSurfaceFormat format;
    format.setVersion(3, 3);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setSwapInterval(1);
    QSurfaceFormat::setDefaultFormat(format);
}

} // namespace mc::ui

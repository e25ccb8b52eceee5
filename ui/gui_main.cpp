#include "ui/gui_main.hpp"

#include "ui/main_window.hpp"

#include "microcircuit/version.hpp"

#include <QApplication>
#include <QIcon>
#include <QScreen>

namespace mc::ui {

int runGui(int argc, char** argv, const char* recording) {
    setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    initResources();
    QApplication::setApplicationName("microcircuit");
    QApplication::setApplicationDisplayName("microcircuit");
    QApplication::setOrganizationName("microcircuit");
    QApplication::setApplicationVersion(mc::versionString());
    QApplication::setDesktopFileName("io.github.microcircuit.microcircuit");
    QApplication::setWindowIcon(QIcon(":/icons/microcircuit.svg"));
    MainWindow window;
    // Small screens and projectors (e.g. 1280 x 720): use all of it.
    const QRect available = window.screen()->availableGeometry();
    if (available.width() < window.width() || available.height() < window.height())
        window.showMaximized();
    else
        window.show();
    if (recording)
        window.openRecording(QString::fromLocal8Bit(recording));
    else
        window.start();
    return QApplication::exec();
}

} // namespace mc::ui

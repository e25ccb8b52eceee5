#include "ui/gui_main.hpp"

#include "ui/main_window.hpp"
#include "ui/sim_controller.hpp"
#include "ui/speed_run.hpp"

#include "microcircuit/version.hpp"

#include <QApplication>
#include <QIcon>
#include <QScreen>

#include <cstdlib>

namespace mc::ui {

void limitSoftwareRendererThreads() {
    // 0: llvmpipe rasterises on the calling (GUI) thread. Ignored by hardware drivers.
    setenv("LP_NUM_THREADS", "0", 0);
}

int runGui(int argc, char** argv, const char* recording) {
    GuiOptions options;
    options.recording = recording;
    return runGui(argc, argv, options);
}

int runGui(int argc, char** argv, const GuiOptions& options) {
    limitSoftwareRendererThreads();
    setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    initResources();
    QApplication::setApplicationName("microcircuit");
    QApplication::setApplicationDisplayName("microcircuit");
    QApplication::setOrganizationName("microcircuit");
    QApplication::setApplicationVersion(mc::versionString());
    QApplication::setDesktopFileName("io.github.microcircuit.microcircuit");
    QApplication::setWindowIcon(QIcon(":/icons/microcircuit.svg"));
    MainWindow window(options.threads);
    SpeedRun::Options run;
    run.maxSpeed = options.maxSpeed;
    run.quitAfterSeconds = options.quitAfterSeconds;
    run.logPath = QString::fromStdString(options.perfLog);
    SpeedRun speedRun(window, run);
    if (options.width > 0 && options.height > 0) window.resize(options.width, options.height);
    // Small screens and projectors (e.g. 1280 x 720): use all of it.
    const QRect available = window.screen()->availableGeometry();
    if (available.width() < window.width() || available.height() < window.height())
        window.showMaximized();
    else
        window.show();
    if (options.recording) {
        window.openRecording(QString::fromLocal8Bit(options.recording));
    } else if (options.config) {
        window.controller()->setSpeed(options.maxSpeed ? 0.0 : 1.0);
        window.controller()->rebuild(*options.config);
    } else {
        window.start();
    }
    return QApplication::exec();
}

} // namespace mc::ui

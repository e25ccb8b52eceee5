#include "ui/video/video_menu.hpp"

#include "ui/video/video_recorder.hpp"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>

namespace mc::ui {
namespace {

/// The options dialog; false if cancelled.
bool askOptions(QWidget* parent, VideoRecordOptions& o) {
    QDialog dialog(parent);
    dialog.setWindowTitle("Record video");
    auto* form = new QFormLayout(&dialog);
    auto* what = new QComboBox;
    what->addItems({"Raster and charts", "Raster only"});
    what->setCurrentIndex(o.withCharts ? 0 : 1);
    form->addRow("Record", what);
    auto* wall = new QRadioButton("Wall time: what is on screen, as it runs");
    auto* model = new QRadioButton("Model time (slow motion): the recorder steps the simulation");
    (o.clock == VideoClock::WallTime ? wall : model)->setChecked(true);
    auto* msPerFrame = new QDoubleSpinBox;
    msPerFrame->setRange(0.1, 10000.0);
    msPerFrame->setDecimals(1);
    msPerFrame->setSuffix(" ms of model time per frame");
    msPerFrame->setValue(o.msPerFrame);
    msPerFrame->setToolTip("At 30 frames/s, 1 ms per frame plays 1 s of model time in 33 s of video");
    form->addRow("Clock", wall);
    form->addRow("", model);
    form->addRow("", msPerFrame);
    auto* fps = new QSpinBox;
    fps->setRange(1, 120);
    fps->setValue(o.fps);
    fps->setSuffix(" frames/s");
    form->addRow("Video frame rate", fps);
    auto* duration = new QDoubleSpinBox;
    duration->setRange(0.0, 86400.0);
    duration->setDecimals(2);
    duration->setSpecialValueText("until stopped");
    duration->setValue(o.stopAfterS);
    const auto durationSuffix = [duration, wall] {
        duration->setSuffix(wall->isChecked() ? " s of wall time" : " s of model time");
    };
    durationSuffix();
    form->addRow("Stop after", duration);
    auto* path = new QLineEdit(o.path);
    auto* browse = new QPushButton("Browse…");
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path, 1);
    pathRow->addWidget(browse);
    form->addRow("File", pathRow);
    form->addRow(new QLabel("Stop with File → Stop recording video, by pausing, or at the duration set.\n"
                            "The file appears under its name when the recording stops."));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText("Record");
    form->addRow(buttons);
    QObject::connect(wall, &QRadioButton::toggled, &dialog, [=](bool) {
        msPerFrame->setEnabled(model->isChecked());
        durationSuffix();
    });
    msPerFrame->setEnabled(model->isChecked());
    QObject::connect(browse, &QPushButton::clicked, &dialog, [&dialog, path] {
        const QString p = QFileDialog::getSaveFileName(&dialog, "Record video to", path->text(), "MP4 video (*.mp4)");
        if (!p.isEmpty()) path->setText(p.endsWith(".mp4", Qt::CaseInsensitive) ? p : p + ".mp4");
    });
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return false;
    o.withCharts = what->currentIndex() == 0;
    o.clock = wall->isChecked() ? VideoClock::WallTime : VideoClock::ModelTime;
    o.msPerFrame = msPerFrame->value();
    o.fps = fps->value();
    o.stopAfterS = duration->value();
    o.path = path->text().trimmed();
    return true;
}

QString clockText(double seconds) {
    const int s = static_cast<int>(seconds);
    return QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

} // namespace

QString recordingIndicatorText(const VideoRecorder& r) {
    if (!r.isActive()) return {};
    if (r.options().clock == VideoClock::ModelTime)
        return QString("● REC %1 · %2 ms of model time · %3 frames")
            .arg(clockText(r.elapsedSeconds()))
            .arg(r.modelMsRecorded(), 0, 'f', 0)
            .arg(r.frames());
    return QString("● REC %1 · %2 frames").arg(clockText(r.elapsedSeconds())).arg(r.frames());
}

QAction* installVideoMenu(QMainWindow* window, VideoRecorder* recorder) {
    QMenu* file = window->menuBar()->actions().isEmpty() ? nullptr : window->menuBar()->actions().first()->menu();
    auto* action = new QAction("Record &video…", window);
    action->setShortcut(QKeySequence("Ctrl+Shift+V"));
    action->setToolTip("Record the raster (with the charts, or alone) to an MP4 video; the same action stops");
    if (file) {
        // Before the separator that precedes Quit.
        QAction* before = nullptr;
        const QList<QAction*> items = file->actions();
        for (int i = 0; i < items.size(); ++i)
            if (items[i]->shortcut() == QKeySequence(QKeySequence::Quit)) before = i > 0 ? items[i - 1] : items[i];
        file->insertAction(before, action);
    } else {
        window->addAction(action);
    }

    auto* indicator = new QLabel;
    indicator->setObjectName("videoIndicator");
    indicator->setStyleSheet("QLabel { color: #c00000; font-weight: bold; padding: 0 6px; }");
    indicator->setToolTip("A video is being recorded; File → Stop recording video (Ctrl+Shift+V) stops it");
    indicator->hide();
    window->statusBar()->addPermanentWidget(indicator);
    auto* refresh = new QTimer(indicator);
    refresh->setInterval(250);
    QObject::connect(refresh, &QTimer::timeout, indicator,
                     [indicator, recorder] { indicator->setText(recordingIndicatorText(*recorder)); });

    auto options = std::make_shared<VideoRecordOptions>();
    const QString videos = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
    options->path = QDir(QDir(videos).exists() ? videos : QDir::homePath()).filePath("microcircuit.mp4");
    QObject::connect(action, &QAction::triggered, window, [window, recorder, options] {
        if (recorder->isActive()) {
            recorder->stop();
            return;
        }
        if (!askOptions(window, *options)) return;
        QString why;
        if (!recorder->start(*options, &why)) QMessageBox::warning(window, "Video not recorded", why);
    });
    QObject::connect(recorder, &VideoRecorder::started, window, [action, indicator, refresh, recorder] {
        action->setText("Stop recording &video");
        indicator->setText(recordingIndicatorText(*recorder));
        indicator->show();
        refresh->start();
    });
    const auto ended = [action, indicator, refresh] {
        action->setText("Record &video…");
        refresh->stop();
        indicator->hide();
    };
    QObject::connect(recorder, &VideoRecorder::finished, window, [window, ended](const QString& path, int frames) {
        ended();
        window->statusBar()->showMessage(QString("Video saved: %1 (%2 frames)").arg(path).arg(frames), 10000);
    });
    QObject::connect(recorder, &VideoRecorder::failed, window, [window, ended](const QString& message) {
        ended();
        auto* box = new QMessageBox(QMessageBox::Critical, "Video not recorded", message, QMessageBox::Ok, window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    return action;
}

} // namespace mc::ui

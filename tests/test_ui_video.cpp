// File -> Record video in the window (issue 14): a recording in model time
// of a set duration has exactly the frames it should (read back by ffprobe as
// H.264 of the view's size), the spikes are those of a run without recording,
// the status bar shows the red indicator while recording, the same action
// stops it, and pausing stops a wall-time recording.
#include "video_probe.hpp"

#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"
#include "ui/video/video_menu.hpp"
#include "ui/video/video_recorder.hpp"

#include "microcircuit/simulation.hpp"

#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>

using namespace mc;
using namespace mc::ui;

namespace {

class Collector : public SpikeSink {
  public:
    void onSpikes(std::span<const Spike> s, std::int64_t) override { all.insert(all.end(), s.begin(), s.end()); }
    std::vector<Spike> all;
};

Config smallConfig() {
    Config c;
    c.net.N_scaling = c.net.K_scaling = 0.03;
    c.net.bg_input_type = "poisson";
    c.sim.rng_seed = 21;
    return c;
}

bool buildPaused(MainWindow& w) {
    SimController* c = w.controller();
    c->pause();
    QSignalSpy built(c, &SimController::built);
    c->rebuild(smallConfig());
    return built.wait(60000);
}

QAction* recordAction(MainWindow& w) {
    for (QAction* a : w.menuBar()->actions().first()->menu()->actions())
        if (a->text().contains("video")) return a;
    return nullptr;
}

} // namespace

class TestUiVideo : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
    }

    void modelTimeRecordingHasItsFramesAndChangesNoSpike() {
        MainWindow w(2);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(buildPaused(w));
        SimController* c = w.controller();
        c->step(50.0); // some history before the recording starts
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{500}, 30000);

        VideoRecorder* rec = w.videoRecorder();
        QVERIFY(rec);
        QVERIFY(recordAction(w));
        QCOMPARE(recordAction(w)->text(), QString("Record &video…"));
        QLabel* indicator = w.statusBar()->findChild<QLabel*>("videoIndicator");
        QVERIFY(indicator && indicator->isHidden());

        // 0.3 s of model time at 10 ms per frame: 30 frames, the raster and charts.
        VideoRecordOptions o;
        o.path = m_dir.filePath("model.mp4");
        o.clock = VideoClock::ModelTime;
        o.msPerFrame = 10.0;
        o.stopAfterS = 0.3;
        o.withCharts = true;
        QSignalSpy finished(rec, &VideoRecorder::finished);
        QSignalSpy failed(rec, &VideoRecorder::failed);
        QString why;
        QVERIFY2(rec->start(o, &why), qPrintable(why));
        QVERIFY(rec->isActive());
        QVERIFY(indicator->isVisible());
        QVERIFY(indicator->text().startsWith("● REC"));
        QCOMPARE(recordAction(w)->text(), QString("Stop recording &video"));
        QVERIFY(!QFileInfo::exists(o.path)); // only the temporary file while recording
        QVERIFY(finished.wait(120000) || !finished.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(finished.first().at(1).toInt(), 30);
        QVERIFY(!rec->isActive());
        QVERIFY(indicator->isHidden());
        QCOMPARE(recordAction(w)->text(), QString("Record &video…"));
        // The recorder advanced exactly 300 ms and left the simulation paused, as it was.
        QCOMPARE(c->store().endStep(), std::int64_t{3500});
        QVERIFY(c->isPaused());

        const ProbedVideo v = probeVideo(o.path);
        QVERIFY2(v.ok, qPrintable(v.error));
        QCOMPARE(v.codec, QString("h264"));
        QCOMPARE(v.pixFmt, QString("yuv420p"));
        QCOMPARE(v.frames, 30); // exact: the model clock makes the count known
        QCOMPARE(QSize(v.width, v.height), rec->frameSize());
        QVERIFY(v.width % 2 == 0 && v.height % 2 == 0);
        QVERIFY(v.width >= 600 && v.height >= 400); // the raster and the charts, not a sliver
        QVERIFY(v.moovFirst);
        QVERIFY(!QFileInfo::exists(o.path + ".part"));
        // The raster's layer labels (painted over its OpenGL spikes) are in
        // the video: dark text left of the plot, at the top left of the frame.
        const QImage first = firstVideoFrame(o.path, m_dir.filePath("model_frame0.png"));
        QVERIFY(!first.isNull());
        const QSize raster = w.raster()->size() * w.raster()->devicePixelRatio();
        QVERIFY2(darkPixels(first, QRect(0, 0, raster.width() / 16, raster.height())) > 100,
                 "no layer labels in the video's raster");

        // The same network run directly, without any recording: the same spikes.
        Simulation plain(c->buildInfo()->config);
        Collector without;
        plain.run(3500, &without);
        const auto all = c->store().all();
        QCOMPARE(all.size(), without.all.size());
        QVERIFY(std::equal(all.begin(), all.end(), without.all.begin(), without.all.end(),
                           [](const Spike& a, const Spike& b) { return a.neuron == b.neuron && a.step == b.step; }));
    }

    void rasterOnlyAndStoppedByTheAction() {
        MainWindow w(2);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(buildPaused(w));
        VideoRecorder* rec = w.videoRecorder();
        VideoRecordOptions o;
        o.path = m_dir.filePath("raster.mp4");
        o.clock = VideoClock::ModelTime;
        o.msPerFrame = 5.0;
        o.withCharts = false; // until stopped
        QSignalSpy frames(rec, &VideoRecorder::frameWritten);
        QSignalSpy finished(rec, &VideoRecorder::finished);
        QVERIFY(rec->start(o));
        QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 5, 60000);
        recordAction(w)->trigger(); // the same action stops
        QCOMPARE(finished.size(), 1);
        const int n = finished.first().at(1).toInt();
        QVERIFY(n >= 5);
        // Frames are taken at whole steps of 5 ms only: the model ends after the
        // n frames and the step of the next one, which was under way.
        QTRY_COMPARE_WITH_TIMEOUT(w.controller()->store().endStep(), std::int64_t{50} * (n + 1), 30000);
        const ProbedVideo v = probeVideo(o.path);
        QVERIFY2(v.ok, qPrintable(v.error));
        QCOMPARE(v.frames, n);
        // The raster alone: its own size (rounded down to even), narrower than the window.
        QCOMPARE(QSize(v.width, v.height), QSize(w.raster()->width() & ~1, w.raster()->height() & ~1) *
                                               w.raster()->devicePixelRatio());
    }

    void wallTimeStopsOnPauseOrDuration() {
        MainWindow w(2);
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(buildPaused(w));
        SimController* c = w.controller();
        VideoRecorder* rec = w.videoRecorder();
        VideoRecordOptions o;
        o.path = m_dir.filePath("wall.mp4");
        o.clock = VideoClock::WallTime;
        o.fps = 30;
        o.stopAfterS = 1.0; // 30 frames, repeated when the machine is late
        QSignalSpy finished(rec, &VideoRecorder::finished);
        c->resume();
        QVERIFY(rec->start(o));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(1).toInt(), 30);
        ProbedVideo v = probeVideo(o.path);
        QVERIFY2(v.ok, qPrintable(v.error));
        QVERIFY2(std::abs(v.frames - 30) <= 1, qPrintable(QString("%1 frames").arg(v.frames)));
        QCOMPARE(v.fps, 30.0);

        // Until stopped: pausing stops it, and the file is complete.
        o.path = m_dir.filePath("paused.mp4");
        o.stopAfterS = 0.0;
        finished.clear();
        QVERIFY(rec->start(o));
        QTest::qWait(400);
        c->pause();
        QCOMPARE(finished.size(), 1);
        v = probeVideo(o.path);
        QVERIFY2(v.ok, qPrintable(v.error));
        QCOMPARE(v.frames, finished.first().at(1).toInt());
    }

    void fullDiskStopsAndLeavesNoFile() {
        MainWindow w(2);
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(buildPaused(w));
        VideoRecorder* rec = w.videoRecorder();
        VideoRecordOptions o;
        o.path = m_dir.filePath("full.mp4");
        o.clock = VideoClock::ModelTime;
        o.msPerFrame = 5.0;
        o.stopAfterS = 0.25; // 50 frames: more than 8 kB, whether the write fails during or at the end
        QSignalSpy finished(rec, &VideoRecorder::finished);
        QSignalSpy failed(rec, &VideoRecorder::failed);
        // A file size limit stands in for a full disk (writes fail with EFBIG).
        rlimit old{};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto previous = std::signal(SIGXFSZ, SIG_IGN);
        const rlimit small{8000, old.rlim_max};
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        const bool started = rec->start(o);
        if (started) QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || !finished.isEmpty(), 120000);
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, previous);
        QVERIFY(started);
        QVERIFY(finished.isEmpty());
        QCOMPARE(failed.size(), 1);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains("full.mp4") && message.contains("deleted"), qPrintable(message));
        QVERIFY(!rec->isActive());
        QVERIFY(!QFileInfo::exists(o.path));
        QVERIFY(!QFileInfo::exists(o.path + ".part"));
    }

    void unwritableFileIsRefusedClearly() {
        MainWindow w(2);
        w.show();
        QVERIFY(buildPaused(w));
        VideoRecordOptions o;
        o.path = m_dir.filePath("no/such/folder/x.mp4");
        QString why;
        QVERIFY(!w.videoRecorder()->start(o, &why));
        QVERIFY2(why.contains("x.mp4.part") && why.contains("cannot be created"), qPrintable(why));
        QVERIFY(!w.videoRecorder()->isActive());
    }
};

QTEST_MAIN(TestUiVideo)
#include "test_ui_video.moc"

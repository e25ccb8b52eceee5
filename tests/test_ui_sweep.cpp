// The Sweep panel (issue 13): a 3 x 3 sweep run from the panel through the
// sweep library fills every cell, live and point by point, with the values
// the sweep folder's summary.csv holds; hover shows a cell's numbers; a click
// loads that point's configuration into the live view; bad input shows the
// command line's message; a second Run on the same folder resumes.
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/sim_controller.hpp"
#include "ui/sweep/sweep_map_view.hpp"
#include "ui/sweep/sweep_panel.hpp"

#include <QAction>
#include <QApplication>
#include <QHelpEvent>
#include <QDockWidget>
#include <QFile>
#include <QScreen>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace mc;
using namespace mc::ui;

namespace {

/// summary.csv as rows of cells (header first).
QList<QStringList> readCsv(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QList<QStringList> rows;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (!line.isEmpty()) rows << QString::fromUtf8(line).split(',');
    return rows;
}

/// The CLI's message for the same bad --set.
QString cliMessage(const QString& set) {
    QProcess p;
    p.start(MC_BINARY, {"sweep", "--set", set, "--set", "net.bg_rate=6:10:2", "--scale", "0.02", "--out", "/nonexistent/x"});
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardError()).trimmed();
}

} // namespace

class TestUiSweep : public QObject {
    Q_OBJECT
  private slots:
    void sweepFillsCellsAndLoadsAPoint() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        SimController controller(2);
        SweepPanel panel(&controller);
        panel.resize(1000, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setAxis(0, "net.g", "-4:-6:1");
        panel.setAxis(1, "net.bg_rate", "6:10:2");
        panel.setScale(0.02);
        panel.setTimes(100, 200);
        panel.setSeeds(1);
        panel.setRecordSpikes(false);
        const QString dir = tmp.path() + "/sweep";
        panel.setFolder(dir);

        // The map fills point by point: after the k-th shown point, k cells of
        // every population hold a value.
        QList<int> filled;
        connect(&panel, &SweepPanel::pointShown, this, [&] {
            int n = 0;
            for (double v : panel.fullMap()->cells[0]) n += std::isfinite(v) ? 1 : 0;
            filled << n;
        });
        QSignalSpy finished(&panel, &SweepPanel::sweepFinished);
        QVERIFY2(panel.run(), qPrintable(panel.message()));
        QVERIFY(panel.isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(panel.pointsDone(), 9);
        QCOMPARE(filled, (QList<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));

        // Every cell equals summary.csv (the sweep folder is an ordinary one).
        const auto rows = readCsv(dir + "/summary.csv");
        QCOMPARE(rows.size(), 1 + 9 * 8);
        QCOMPARE(rows[0].mid(0, 6), (QStringList{"point", "net.g", "net.bg_rate", "seed", "population", "mean_rate"}));
        const figures::SweepMap& map = *panel.fullMap();
        QCOMPARE(map.xValues.size(), std::size_t{3});
        QCOMPARE(map.yValues.size(), std::size_t{3});
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList& r = rows[i];
            const int column = static_cast<int>(std::lround((-4.0 - r[1].toDouble()) / 1.0));
            const int row = static_cast<int>(std::lround((r[2].toDouble() - 6.0) / 2.0));
            int pop = 0;
            while (pop < kNumPops && r[4] != kPopNames[pop]) ++pop;
            QVERIFY(pop < kNumPops);
            const double cell = map.cells[static_cast<std::size_t>(pop)][static_cast<std::size_t>(row * 3 + column)];
            QVERIFY2(std::abs(cell - r[5].toDouble()) <= 1e-9 * std::max(1.0, std::abs(cell)),
                     qPrintable(QString("point %1 %2: map %3, summary %4").arg(r[0], r[4]).arg(cell).arg(r[5])));
        }

        // Hover text names the cell's fields and its numbers.
        const QString text = panel.cellText(0, 2, 1);
        QVERIFY2(text.contains("net.g = -6") && text.contains("net.bg_rate = 8") && text.contains("rate "), qPrintable(text));

        // A click on cell (g = -6, bg_rate = 8) of L2/3E loads that point into the live view.
        QSignalSpy built(&controller, &SimController::built);
        QSignalSpy loaded(&panel, &SweepPanel::pointLoaded);
        QTest::mouseClick(panel.mapView(), Qt::LeftButton, {}, panel.mapView()->cellCenter(0, 2, 1).toPoint());
        QCOMPARE(loaded.size(), 1);
        QVERIFY(built.wait(60000));
        QCOMPARE(controller.config().net.g, -6.0);
        QCOMPARE(controller.config().net.bg_rate, 8.0);
        QCOMPARE(controller.config().net.N_scaling, 0.02);
        const int point = loaded.first().first().toInt();
        QCOMPARE(panel.points()[static_cast<std::size_t>(point)].config.net.g, -6.0);

        // Exports: the map as shown, as CSV (one row per cell and population) and as a figure.
        QVERIFY(panel.exportCsv(tmp.path() + "/map.csv"));
        const auto csv = readCsv(tmp.path() + "/map.csv");
        QCOMPARE(csv.size(), 1 + 9 * 8);
        QCOMPARE(csv[0], (QStringList{"net.g", "net.bg_rate", "population", "mean_rate"}));
        QCOMPARE(csv[1].mid(0, 3), (QStringList{"-4.0", "6.0", "L23E"}));
        QVERIFY(std::abs(csv[1][3].toDouble() - map.cells[0][0]) <= 1e-9 * std::max(1.0, map.cells[0][0]));
        QVERIFY(panel.exportFigure(tmp.path() + "/map.png"));
        QCOMPARE(QImage(tmp.path() + "/map.png").size(), QSize(figures::kSweepFigureWidth, figures::kSweepFigureHeight));

        // Run again into the same folder: every point is found finished (resume).
        QVERIFY2(panel.run(), qPrintable(panel.message()));
        QVERIFY(finished.wait(60000));
        QVERIFY2(panel.message().contains("(0 now, 9 already done)"), qPrintable(panel.message()));
        QCOMPARE(panel.pointsDone(), 9);
    }

    void cancelKeepsFinishedPointsAndRunResumes() {
        QTemporaryDir tmp;
        SimController controller(1);
        QSignalSpy built(&controller, &SimController::built);
        Config live;
        live.net.N_scaling = live.net.K_scaling = 0.02;
        controller.rebuild(live);
        QVERIFY(built.wait(60000));
        QVERIFY(!controller.isPaused());
        SweepPanel panel(&controller);
        panel.setAxis(0, "net.g", "-4:-6:1");
        panel.setAxis(1, "net.bg_rate", "6:10:2");
        panel.setScale(0.02);
        panel.setTimes(100, 1000);
        panel.setRecordSpikes(false);
        panel.setFolder(tmp.path() + "/sweep");
        QSignalSpy finished(&panel, &SweepPanel::sweepFinished);
        connect(&panel, &SweepPanel::pointShown, &panel, &SweepPanel::cancel);
        QVERIFY(panel.run());
        QVERIFY(controller.isPaused()); // the live view waits while the sweep runs
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.takeFirst().first().toBool(), false);
        QVERIFY(!controller.isPaused()); // and continues after it
        const int done = panel.pointsDone();
        QVERIFY2(done >= 1 && done < 9, qPrintable(QString::number(done)));
        QVERIFY2(panel.message().startsWith("Cancelled"), qPrintable(panel.message()));
        QVERIFY(!QFile::exists(tmp.path() + "/sweep/summary.csv"));
        disconnect(&panel, &SweepPanel::pointShown, &panel, &SweepPanel::cancel);
        QVERIFY(panel.run());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.takeFirst().first().toBool(), true);
        QVERIFY2(panel.message().contains(QString("(%1 now, %2 already done)").arg(9 - done).arg(done)),
                 qPrintable(panel.message()));
        QVERIFY(QFile::exists(tmp.path() + "/sweep/summary.csv"));
    }

    void theWindowHasTheSweepPanel() {
        initResources();
        MainWindow w(2);
        auto* dock = w.findChild<QDockWidget*>("sweep");
        QVERIFY(dock && w.sweepPanel() && dock->widget() == w.sweepPanel());
        QCOMPARE(dock->toggleViewAction()->text(), QString("Sweep panel"));
        bool inMenu = false;
        for (QAction* a : w.findChildren<QAction*>())
            inMenu = inMenu || a == dock->toggleViewAction();
        QVERIFY(inMenu);
    }

    /// With MC_SCREENSHOT_DIR set: the window with the Sweep panel after the
    /// default sweep at scale 0.1 (docs/screenshots/sweep_panel.png); the
    /// window then stays MC_SCREENSHOT_HOLD_S seconds for `import -window root`.
    void screenshotOfThePanelInTheWindow() {
        const QString dir = qEnvironmentVariable("MC_SCREENSHOT_DIR");
        if (dir.isEmpty()) QSKIP("MC_SCREENSHOT_DIR not set");
        QTemporaryDir tmp;
        MainWindow w(2);
        w.move(0, 0);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy built(w.controller(), &SimController::built);
        w.start();
        QVERIFY(built.wait(60000));
        auto* dock = w.findChild<QDockWidget*>("sweep");
        dock->show();
        dock->raise();
        w.resizeDocks({dock}, {760}, Qt::Horizontal);
        SweepPanel* panel = w.sweepPanel();
        panel->setFolder(tmp.path() + "/sweep");
        panel->setRecordSpikes(false);
        panel->setStatistic(figures::SweepStatistic::State);
        QSignalSpy finished(panel, &SweepPanel::sweepFinished);
        QVERIFY2(panel->run(), qPrintable(panel->message()));
        QVERIFY(finished.wait(600000));
        QTest::qWait(1500);
        const QPointF cell = panel->mapView()->cellCenter(2, 3, 2);
        QTest::mouseMove(panel->mapView(), cell.toPoint());
        QHelpEvent hover(QEvent::ToolTip, cell.toPoint(), panel->mapView()->mapToGlobal(cell.toPoint()));
        QApplication::sendEvent(panel->mapView(), &hover);
        QTest::qWait(1000);
        QPixmap shot = w.screen()->grabWindow(0, 0, 0, 1600, 1000);
        QVERIFY(shot.save(dir + "/sweep_panel.png"));
        QTest::qWait(qEnvironmentVariableIntValue("MC_SCREENSHOT_HOLD_S") * 1000);
    }

    void badInputShowsTheCommandLinesMessage() {
        SimController controller(1);
        SweepPanel panel(&controller);
        for (const QString& values : {QString("net.gg=1:2:1"), QString("net.g=-3:-8:0"), QString("g=-3:-8:1")}) {
            const int eq = static_cast<int>(values.indexOf('='));
            panel.setAxis(0, values.left(eq), values.mid(eq + 1));
            QVERIFY(!panel.run());
            QVERIFY(!panel.isRunning());
            const QString cli = cliMessage(values);
            QVERIFY2(!panel.message().isEmpty() && cli.contains(panel.message()),
                     qPrintable("panel: " + panel.message() + "\ncli: " + cli));
        }
    }
};

QTEST_MAIN(TestUiSweep)
#include "test_ui_sweep.moc"

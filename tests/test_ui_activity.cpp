// Repeat…, the PSTH and spectrum panels and the health check of the desktop
// program (issue 14): a repeat of 3 thalamic pulses gives 3 logged events at
// their onsets and a PSTH of 3 trials whose L4E peak follows the onset; the
// PSTH panel's numbers equal `microcircuit analyze --psth` of the same
// session replayed by `microcircuit run --session`; the spectrum panel's
// numbers equal spectrum.hpp on the spikes read back from that folder; the
// default network is "like the reference" and a g = -2 network is flagged
// with a population named, in the status bar.
#include "ui/activity/activity_tools.hpp"
#include "ui/activity/health_monitor.hpp"
#include "ui/activity/psth_panel.hpp"
#include "ui/activity/pulse_repeater.hpp"
#include "ui/activity/spectrum_panel.hpp"
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/spectrum.hpp"
#include "microcircuit/spike_data.hpp"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>

using namespace mc;
using namespace mc::ui;

namespace {

Config smallConfig(double scale = 0.1) {
    Config c = MainWindow::defaultConfig();
    c.net.N_scaling = c.net.K_scaling = scale;
    c.net.bg_input_type = "poisson";
    c.sim.rng_seed = 23;
    return c;
}

bool near(double a, double b) {
    if (!std::isfinite(a) || !std::isfinite(b)) return std::isfinite(a) == std::isfinite(b);
    return std::abs(a - b) <= 1e-5 * std::max(1.0, std::abs(b));
}

/// psth.csv as `analyze --psth` writes it: population -> (rate, sem) per bin, and the trials.
struct CsvPsth {
    std::map<QString, std::vector<std::pair<double, double>>> rows;
    int trials = -1;
};

CsvPsth readPsthCsv(const QString& path) {
    CsvPsth out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return out;
    f.readLine(); // header
    while (!f.atEnd()) {
        const QStringList c = QString::fromUtf8(f.readLine()).trimmed().split(',');
        if (c.size() < 5) continue;
        const auto num = [](const QString& s) { return s.isEmpty() ? std::nan("") : s.toDouble(); };
        out.rows[c[0]].emplace_back(num(c[2]), num(c[3]));
        out.trials = c[4].toInt();
    }
    return out;
}

QString runBinary(const QStringList& args) {
    QProcess p;
    p.start(MC_BINARY, args);
    if (!p.waitForFinished(240000)) return "timed out: " + args.join(' ');
    if (p.exitCode() != 0) return QString::fromUtf8(p.readAllStandardError());
    return {};
}

/// After pause(): the step in flight may still arrive; wait until time stands.
/// Builds `config` and runs it as fast as possible; false if no build came.
bool buildFlatOut(SimController& c, const Config& config) {
    QSignalSpy built(&c, &SimController::built);
    c.rebuild(config);
    if (!built.wait(60000)) return false;
    c.setSpeed(0.0);
    return true;
}

/// The thalamic pulses in the controller's event log.
std::vector<TimedEvent> thalamicPulses(const SimController& c) {
    std::vector<TimedEvent> pulses;
    for (const TimedEvent& e : c.events())
        if (e.kind == TimedEvent::Kind::ThalamicPulse) pulses.push_back(e);
    return pulses;
}

void waitUntilStopped(const SimController& c) {
    std::int64_t last = -1;
    while (c.store().endStep() != last) {
        last = c.store().endStep();
        QTest::qWait(300);
    }
}

/// The whole screen (Xvfb) into `name` under MC_SCREENSHOT_DIR, with
/// ImageMagick's `import -window root`, else Qt's own grab of the screen.
void screenshot(MainWindow& w, const QString& name) {
    const QString dir = qEnvironmentVariable("MC_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QTest::qWait(1500); // panels and charts catch up
    QCoreApplication::processEvents();
    const QString path = dir + "/" + name;
    if (QProcess::execute("import", {"-window", "root", path}) == 0) return;
    w.screen()->grabWindow(0).save(path);
}

QTabWidget* chartTabs(MainWindow& w) { return w.charts()->findChild<QTabWidget*>(); }

} // namespace

class TestUiActivity : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
    }

    void repeatGivesTrialsEqualToTheCommandLine() {
        MainWindow w(2);
        w.resize(1600, 1000);
        w.show();
        SimController* c = w.controller();
        const ActivityTools& a = w.activity();
        QVERIFY(buildFlatOut(*c, smallConfig()));
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 200.0, 60000);

        // Refused: a period shorter than the PSTH window.
        RepeatPlan plan;
        plan.periodMs = 150.0;
        plan.count = 3;
        QString why;
        QVERIFY(!a.repeater->start(plan, &why));
        QVERIFY(why.contains("200 ms"));

        plan.periodMs = 300.0;
        QVERIFY2(a.repeater->start(plan, &why), qPrintable(why));
        QVERIFY(a.repeater->isActive());
        QVERIFY(a.repeatLabel->text().startsWith("Repeating 0/3"));
        QVERIFY(!a.stopButton->isHidden());
        QTRY_VERIFY_WITH_TIMEOUT(!a.repeater->isActive(), 120000);
        QCOMPARE(a.repeater->fired(), 3);
        QVERIFY(a.stopButton->isHidden());

        // Three events in the log, each applied at its onset, one period apart.
        const std::vector<TimedEvent> pulses = thalamicPulses(*c);
        QCOMPARE(pulses.size(), std::size_t{3});
        for (std::size_t i = 0; i < pulses.size(); ++i) {
            QCOMPARE(pulses[i].t_ms, pulses[i].start_ms);
            QCOMPARE(std::fmod(pulses[i].start_ms, 1.0), 0.0);
            if (i > 0) QCOMPARE(pulses[i].start_ms - pulses[i - 1].start_ms, 300.0);
            QVERIFY(QString::fromStdString(pulses[i].label).contains(QString("repeat %1/3").arg(i + 1)));
        }

        // The PSTH once the last window is complete: 3 trials, L4E answers after the onset.
        const double last = pulses.back().start_ms;
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > last + 400.0, 60000);
        c->pause();
        waitUntilStopped(*c);
        a.psth->refresh();
        const PsthResult& psth = a.psth->result();
        QCOMPARE(psth.trials, 3);
        const Psth& l4e = psth.populations[2];
        QVERIFY2(l4e.peakMs > 0.0 && l4e.peakMs <= 30.0, qPrintable(QString::number(l4e.peakMs)));
        double before = 0.0, after = 0.0;
        for (std::size_t b = 0; b < l4e.timeMs.size(); ++b) {
            if (l4e.timeMs[b] < 0.0) before = std::max(before, l4e.mean[b]);
            if (l4e.timeMs[b] >= 0.0 && l4e.timeMs[b] < 20.0) after = std::max(after, l4e.mean[b]);
        }
        QVERIFY2(after > 3.0 * before, qPrintable(QString("%1 vs %2").arg(after).arg(before)));

        // The same session replayed headless and analysed: the same numbers.
        const QString session = m_dir.filePath("repeat_session.json");
        QVERIFY(w.saveSessionTo(session));
        const QString folder = m_dir.filePath("repeat_run");
        QString err = runBinary({"run", "--session", session, "--out", folder, "--no-figures", "-q"});
        QVERIFY2(err.isEmpty(), qPrintable(err));
        err = runBinary({"analyze", folder, "--psth", "-q"});
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const CsvPsth cli = readPsthCsv(folder + "/psth.csv");
        if (cli.trials != 3) {
            QFile j(folder + "/psth.json"), sd(folder + "/sim_dict.json");
            j.open(QIODevice::ReadOnly);
            sd.open(QIODevice::ReadOnly);
            qWarning() << j.read(300) << sd.readAll() << "GUI onsets" << psth.onsetsMs << "end" << c->modelTimeMs();
        }
        QCOMPARE(cli.trials, 3);
        for (int p = 0; p < kNumPops; ++p) {
            const auto& rows = cli.rows.at(kPopNames[p]);
            const Psth& h = psth.populations[p];
            QCOMPARE(rows.size(), h.mean.size());
            for (std::size_t b = 0; b < rows.size(); ++b) {
                QVERIFY2(near(h.mean[b], rows[b].first) && near(h.sem[b], rows[b].second),
                         qPrintable(QString("%1 bin %2: %3 ± %4 in the window, %5 ± %6 from analyze")
                                        .arg(kPopNames[p])
                                        .arg(h.timeMs[b])
                                        .arg(h.mean[b])
                                        .arg(h.sem[b])
                                        .arg(rows[b].first)
                                        .arg(rows[b].second)));
            }
        }

        // Exports: the CSV carries the same numbers, the figure is written.
        a.psth->setSmoothingMs(2.0);
        QString error;
        QVERIFY2(a.psth->exportCsvTo(m_dir.filePath("psth_gui.csv"), &error), qPrintable(error));
        const CsvPsth gui = readPsthCsv(m_dir.filePath("psth_gui.csv"));
        QCOMPARE(gui.trials, 3);
        QVERIFY(near(gui.rows.at("L4E")[60].first, psth.populations[2].mean[60]));
        for (const char* ext : {"png", "svg", "pdf"}) {
            const QString path = m_dir.filePath(QString("psth.%1").arg(ext));
            QVERIFY2(a.psth->exportFigureTo(path, &error), qPrintable(error));
            QVERIFY(QFileInfo(path).size() > 1000);
        }

        // The spectrum panel: spectrum.hpp on the same spikes, read back from the folder.
        if (haveSpectra()) {
            a.spectrum->setWindowSeconds(1.0);
            a.spectrum->refresh();
            const SpectrumResult& s = a.spectrum->result();
            QCOMPARE(s.toMs, c->modelTimeMs());
            QCOMPARE(s.fromMs, c->modelTimeMs() - 1000.0);
            const SpikeData data = readSpikeFolder(folder.toStdString());
            for (int p = 0; p < kNumPops; ++p) {
                const Spectrum ref = populationSpectrum(data.populations[p], s.fromMs, s.toMs);
                QCOMPARE(s.populations[p].freqHz.size(), ref.freqHz.size());
                QVERIFY(ref.freqHz.size() > 400); // up to 500 Hz at 1 Hz resolution
                for (std::size_t k = 0; k < ref.freqHz.size(); ++k)
                    QVERIFY2(near(s.populations[p].power[k], ref.power[k]),
                             qPrintable(QString("%1 at %2 Hz").arg(kPopNames[p]).arg(ref.freqHz[k])));
            }
            QVERIFY2(a.spectrum->exportCsvTo(m_dir.filePath("spectra.csv"), &error), qPrintable(error));
            QVERIFY2(a.spectrum->exportFigureTo(m_dir.filePath("spectra.png"), &error), qPrintable(error));
        }
    }

    void stopEndsTheRepeatAndDropsThePendingStimulus() {
        MainWindow w(2);
        w.show();
        SimController* c = w.controller();
        QVERIFY(buildFlatOut(*c, smallConfig(0.02)));
        RepeatPlan plan;
        plan.kind = TimedEvent::Kind::DcTransient;
        plan.periodMs = 400.0;
        plan.count = 0; // until stopped
        plan.dcDurationMs = 50.0;
        QVERIFY(w.activity().repeater->start(plan));
        QTRY_VERIFY_WITH_TIMEOUT(w.activity().repeater->fired() >= 2, 60000);
        QVERIFY(w.activity().repeatLabel->text().contains("until stopped"));
        // Paused, every stimulus applied so far is known; those scheduled ahead are dropped.
        c->pause();
        waitUntilStopped(*c);
        const int fired = w.activity().repeater->fired();
        w.activity().repeater->stop();
        const double stoppedAt = c->modelTimeMs();
        c->resume();
        // Well beyond the next period: nothing more comes.
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > stoppedAt + 4000.0, 60000);
        int dc = 0;
        for (const TimedEvent& e : c->events())
            if (e.kind == TimedEvent::Kind::DcTransient) {
                ++dc;
                QCOMPARE(e.duration_ms, 50.0);
                QVERIFY(e.start_ms < stoppedAt);
            }
        QCOMPARE(dc, fired);
        QCOMPARE(w.activity().repeater->fired(), fired);
        QVERIFY(w.activity().repeatLabel->text().startsWith("Repeat done"));
    }

    /// The window shows the network some time after the engine computed it
    /// (the spike channel never drops). A repeat started while the window
    /// lags far behind must still put every stimulus exactly on its onset:
    /// the engine fixes the onsets against its own time, not the window's.
    void repeatStartedWhileTheWindowLagsIsOnTime() {
        MainWindow w(2);
        w.show();
        SimController* c = w.controller();
        QVERIFY(buildFlatOut(*c, smallConfig(0.02)));
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 100.0, 60000);
        QTest::qSleep(1500); // the event loop stands still while the engine runs on
        const double shownAt = c->modelTimeMs();
        RepeatPlan plan;
        plan.periodMs = 250.0;
        plan.count = 4;
        QVERIFY(w.activity().repeater->start(plan));
        QTRY_VERIFY_WITH_TIMEOUT(!w.activity().repeater->isActive(), 60000);
        const std::vector<TimedEvent> pulses = thalamicPulses(*c);
        QCOMPARE(pulses.size(), std::size_t{4});
        // The engine was seconds ahead of what the window showed.
        QVERIFY2(pulses[0].start_ms > shownAt + 500.0,
                 qPrintable(QString("%1 vs %2").arg(pulses[0].start_ms).arg(shownAt)));
        for (std::size_t i = 0; i < pulses.size(); ++i) {
            QCOMPARE(pulses[i].t_ms, pulses[i].start_ms);
            QCOMPARE(std::fmod(pulses[i].start_ms, 1.0), 0.0);
            if (i > 0) QCOMPARE(pulses[i].start_ms - pulses[i - 1].start_ms, 250.0);
        }
        QCOMPARE(w.activity().repeater->fired(), 4);
    }

    void healthVerdictOfTheDefaultAndAnUnbalancedNetwork() {
        MainWindow w(2);
        w.resize(1600, 1000);
        w.show();
        SimController* c = w.controller();
        const ActivityTools& a = w.activity();
        QSignalSpy built(c, &SimController::built);
        c->rebuild(MainWindow::defaultConfig());
        QVERIFY(built.wait(60000));
        c->setSpeed(0.0);
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 2600.0, 120000);
        c->pause();
        waitUntilStopped(*c);
        a.health->refresh();
        QVERIFY(a.health->report().has_value());
        QVERIFY(a.health->report()->haveReference);
        QCOMPARE(a.health->verdict(), QString("asynchronous irregular, like the reference"));
        QCOMPARE(a.healthLabel->text(), QString("Health: asynchronous irregular, like the reference"));
        // The L5I band (calibrated: above NEST's 7.80 Hz) reaches into the chart.
        const PopulationCheck& l5i = a.health->report()->populations[5];
        QVERIFY(a.health->report()->calibrated && l5i.bandHigh > 7.80 * 1.05);
        QVERIFY(a.band->topHz() >= l5i.bandHigh * 1.12 - 1e-9);
        // View → Health check (what a lesson opens as "Health") brings the band into view.
        QAction* show = w.findChild<QAction*>("health");
        QVERIFY(show);
        show->trigger();
        QTabWidget* tabs = chartTabs(w);
        QVERIFY(tabs); // 1000 pixels high: the charts are tabs
        QCOMPARE(tabs->tabText(tabs->currentIndex()), QString("Mean rates"));
        // The health window's mean rates are the store's population rates of the same interval.
        const auto storeRates = c->store().populationRates(a.health->fromMs(), a.health->toMs());
        for (int p = 0; p < kNumPops; ++p) {
            const double r = a.health->report()->populations[p].health.meanRate;
            QVERIFY2(std::abs(r - storeRates[p]) <= 0.02 * storeRates[p],
                     qPrintable(QString("%1: %2 vs %3 Hz").arg(kPopNames[p]).arg(r).arg(storeRates[p])));
        }

        Config unbalanced = MainWindow::defaultConfig();
        unbalanced.net.g = -2.0;
        c->rebuild(unbalanced);
        QVERIFY(built.wait(60000));
        c->resume();
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 2600.0, 120000);
        c->pause();
        waitUntilStopped(*c);
        a.health->refresh();
        QVERIFY(a.health->report().has_value());
        QVERIFY(!a.health->report()->healthy);
        const QString verdict = a.health->verdict();
        bool named = false;
        for (const char* p : kPopNames) named = named || verdict.contains(p);
        QVERIFY2(named, qPrintable(verdict));
        QVERIFY(a.healthLabel->text().contains(verdict));
    }

    /// The screenshots of docs/gui.md (MC_SCREENSHOT_DIR set, a 1600 x 1000 screen).
    void screenshots() {
        if (!qEnvironmentVariableIsSet("MC_SCREENSHOT_DIR")) QSKIP("set MC_SCREENSHOT_DIR");
        MainWindow w(2);
        w.setGeometry(0, 0, 1600, 1000);
        w.show();
        SimController* c = w.controller();
        const ActivityTools& a = w.activity();
        QSignalSpy built(c, &SimController::built);
        c->rebuild(MainWindow::defaultConfig());
        QVERIFY(built.wait(60000));
        c->setSpeed(0.0);
        RepeatPlan plan;
        plan.count = 12;
        QVERIFY(a.repeater->start(plan));
        a.psthDock->show();
        w.resizeDocks({a.psthDock}, {760}, Qt::Horizontal);
        a.psth->setSmoothingMs(1.0);
        QTRY_VERIFY_WITH_TIMEOUT(a.psth->result().trials == 12, 240000);
        c->setSpeed(1.0);
        screenshot(w, "psth_panel.png");
        a.psthDock->hide();
        a.spectrumDock->show();
        w.resizeDocks({a.spectrumDock}, {760}, Qt::Horizontal);
        // Five seconds without pulses for the spectrum.
        const double t = c->modelTimeMs();
        c->setSpeed(0.0);
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > t + 5200.0, 240000);
        c->setSpeed(1.0);
        a.spectrum->refresh();
        screenshot(w, "spectrum_panel.png");
        a.spectrumDock->hide();
        if (QTabWidget* tabs = chartTabs(w)) tabs->setCurrentIndex(1); // mean rates
        a.health->refresh();
        screenshot(w, "health_band.png");
        Config unbalanced = MainWindow::defaultConfig();
        unbalanced.net.g = -2.0;
        c->rebuild(unbalanced);
        QVERIFY(built.wait(60000));
        c->setSpeed(0.0);
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 3000.0, 240000);
        c->setSpeed(1.0);
        if (QTabWidget* tabs = chartTabs(w)) tabs->setCurrentIndex(1);
        a.health->refresh();
        screenshot(w, "health_flagged.png");
    }
};

QTEST_MAIN(TestUiActivity)
#include "test_ui_activity.moc"

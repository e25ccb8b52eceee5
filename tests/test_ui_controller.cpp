// The controller and its engine thread: start, pause, resume, speed, step,
// live changes, rebuilds (determinism by seed), cancelling a rebuild.
#include "ui/sim_controller.hpp"

#include "microcircuit/live.hpp"

#include <QSignalSpy>
#include <QtTest>

#include <vector>

using namespace mc;
using namespace mc::ui;

namespace {

Config smallConfig(double scale = 0.05, std::uint64_t seed = 55) {
    Config c;
    c.net.N_scaling = scale;
    c.net.K_scaling = scale;
    c.sim.rng_seed = seed;
    return c;
}

std::vector<Spike> spikesOf(const SimController& c) {
    auto all = c.store().all();
    return {all.begin(), all.end()};
}

bool sameSpikes(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step) return false;
    return true;
}

/// Builds `config` paused and advances exactly `ms` of model time.
std::vector<Spike> runPaused(SimController& c, const Config& config, double ms) {
    c.pause();
    QSignalSpy built(&c, &SimController::built);
    c.rebuild(config);
    if (!built.wait(20000)) return {};
    c.step(ms);
    const auto steps = static_cast<std::int64_t>(std::llround(ms / config.sim.sim_resolution));
    if (!QTest::qWaitFor([&] { return c.store().endStep() == steps; }, 20000)) return {};
    return spikesOf(c);
}

} // namespace

class TestUiController : public QObject {
    Q_OBJECT
  private slots:
    void startsAndRuns() {
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        QSignalSpy arrived(&c, &SimController::spikesArrived);
        c.setSpeed(0.0);
        c.rebuild(Config{}); // the project default: scale 0.1, Poisson drive
        QVERIFY(built.wait(20000));
        QVERIFY(c.hasNetwork());
        QCOMPARE(c.store().neurons(), c.buildInfo()->derived.total_neurons);
        QVERIFY(c.buildInfo()->config.stim.thalamic_input); // so a pulse can be fired any time
        QCOMPARE(c.buildInfo()->config.stim.th_start, kNeverMs);
        QTRY_VERIFY_WITH_TIMEOUT(c.modelTimeMs() > 100.0, 20000);
        QVERIFY(arrived.count() > 0);
        QVERIFY(c.store().totalSpikes() > 0);
        // Every population fires in the default network.
        const auto rates = c.store().populationRates(50.0, c.modelTimeMs());
        for (int p = 0; p < kNumPops; ++p)
            QVERIFY2(rates[p] > 0.0, kPopNames[p]);
    }

    void pauseStopsModelTime() {
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        QSignalSpy paused(&c, &SimController::pausedChanged);
        c.rebuild(smallConfig());
        QVERIFY(built.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(c.modelTimeMs() > 50.0, 20000);
        c.pause();
        QCOMPARE(paused.count(), 1);
        QVERIFY(c.isPaused());
        QTest::qWait(150); // the chunk in flight arrives
        const double t = c.modelTimeMs();
        QTest::qWait(500);
        QCOMPARE(c.modelTimeMs(), t);
        c.resume();
        QVERIFY(!c.isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(c.modelTimeMs() > t + 20.0, 20000);
    }

    void stepWhilePaused() {
        SimController c(2);
        const auto spikes = runPaused(c, smallConfig(), 20.0);
        QCOMPARE(c.store().endStep(), std::int64_t{200});
        c.step(5.0);
        QTRY_COMPARE(c.store().endStep(), std::int64_t{250});
        QTest::qWait(200);
        QCOMPARE(c.store().endStep(), std::int64_t{250});
    }

    void speedIsPaced() {
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        QSignalSpy speed(&c, &SimController::speedChanged);
        c.setSpeed(0.25);
        QCOMPARE(speed.count(), 1);
        QCOMPARE(c.speed(), 0.25);
        c.rebuild(smallConfig(0.02));
        QVERIFY(built.wait(20000));
        QTest::qWait(100);
        const double t0 = c.modelTimeMs();
        QElapsedTimer wall;
        wall.start();
        QTest::qWait(1000);
        const double ratio = (c.modelTimeMs() - t0) / static_cast<double>(wall.elapsed());
        // Slow motion 0.25x: far below real time, but running.
        QVERIFY2(ratio > 0.1 && ratio < 0.4, qPrintable(QString::number(ratio)));
        c.setSpeed(0.0);
        const double t1 = c.modelTimeMs();
        QTest::qWait(1000);
        QVERIFY((c.modelTimeMs() - t1) > 500.0); // as fast as possible: well above 0.25x
    }

    void liveChangeIsLoggedWithItsStep() {
        SimController c(2);
        runPaused(c, smallConfig(), 10.0);
        QSignalSpy applied(&c, &SimController::eventApplied);
        LiveValues v = c.liveValues();
        QCOMPARE(v.g, -4.0);
        v.g = -5.0;
        c.setLiveValues(v, "g = -5");
        QTRY_COMPARE(applied.count(), 1);
        QCOMPARE(c.events().size(), std::size_t{1});
        const TimedEvent& e = c.events().front();
        QCOMPARE(eventStep(e, 0.1), std::int64_t{100});
        QCOMPARE(e.kind, TimedEvent::Kind::Set);
        QCOMPARE(QString::fromStdString(e.set), QString("{\"net\":{\"g\":-5.0}}"));
        QCOMPARE(c.liveValues().g, -5.0);
        QCOMPARE(c.currentConfig().net.g, -5.0);
        QCOMPARE(c.config().net.g, -4.0); // as built
        c.fireThalamicPulse();
        QTRY_COMPARE(applied.count(), 2);
        QCOMPARE(c.events().back().kind, TimedEvent::Kind::ThalamicPulse);
        QCOMPARE(c.events().back().start_ms, 10.0);
    }

    void thalamicPulseRaisesL4Activity() {
        SimController c(2);
        runPaused(c, smallConfig(0.1), 100.0);
        const double before = c.store().populationRates(50.0, 100.0)[2];
        c.fireThalamicPulse();
        c.step(20.0);
        QTRY_COMPARE_WITH_TIMEOUT(c.store().endStep(), std::int64_t{1200}, 20000);
        const double during = c.store().populationRates(100.0, 115.0)[2];
        QVERIFY2(during > 3.0 * before, qPrintable(QString("%1 -> %2").arg(before).arg(during)));
    }

    void rebuildSameSeedSameSpikesNewSeedDifferent() {
        SimController c(2);
        const auto a = runPaused(c, smallConfig(0.05, 55), 100.0);
        QVERIFY(a.size() > 100);
        const auto b = runPaused(c, smallConfig(0.05, 55), 100.0);
        QVERIFY(sameSpikes(a, b));
        const auto d = runPaused(c, smallConfig(0.05, 56), 100.0);
        QVERIFY(!d.empty());
        QVERIFY(!sameSpikes(a, d));
    }

    void rebuildWithNewScaleChangesSize() {
        SimController c(2);
        runPaused(c, smallConfig(0.05), 1.0);
        const auto n1 = c.store().neurons();
        runPaused(c, smallConfig(0.02), 1.0);
        QVERIFY(c.store().neurons() < n1);
        QCOMPARE(c.buildInfo()->config.net.N_scaling, 0.02);
    }

    void cancelledRebuildKeepsTheNetwork() {
        SimController c(2);
        runPaused(c, smallConfig(0.02), 5.0);
        const auto info = c.buildInfo();
        QSignalSpy failed(&c, &SimController::buildFailed);
        QSignalSpy progress(&c, &SimController::buildProgress);
        c.rebuild(smallConfig(1.0)); // full scale: seconds of work
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 20000);
        c.cancelBuild();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(failed.at(0).at(1).toBool(), true);
        QVERIFY(!c.isBuilding());
        QCOMPARE(c.buildInfo(), info);
        c.step(5.0);
        QTRY_COMPARE(c.store().endStep(), std::int64_t{100});
    }

    void engineExceptionBecomesAnErrorSignal() {
        SimController c(2);
        runPaused(c, smallConfig(0.02), 5.0);
        QSignalSpy errors(&c, &SimController::errorOccurred);
        LiveValues v = c.liveValues();
        v.g = -1000.0; // the engine refuses it (allowed -100..0), with the command line's message
        c.setLiveValues(v, "absurd g");
        QTRY_COMPARE(errors.count(), 1);
        QVERIFY2(errors.at(0).at(0).toString().contains("net.g = -1000 is not allowed: must be >= -100 and <= 0"),
                 qPrintable(errors.at(0).at(0).toString()));
        QVERIFY(c.events().empty()); // nothing was applied or logged
        QCOMPARE(c.liveValues().g, -4.0);
        c.step(5.0); // the engine thread is alive and well
        QTRY_COMPARE(c.store().endStep(), std::int64_t{100});
    }

    void badConfigFailsBuildCleanly() {
        SimController c(2);
        runPaused(c, smallConfig(0.02), 5.0);
        const auto info = c.buildInfo();
        QSignalSpy failed(&c, &SimController::buildFailed);
        Config bad = smallConfig(0.02);
        bad.net.N_scaling = -1.0;
        c.rebuild(bad);
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains("N_scaling"));
        QCOMPARE(c.buildInfo(), info);
    }
};

QTEST_GUILESS_MAIN(TestUiController)
#include "test_ui_controller.moc"

// The controller and its engine thread: start, pause, resume, speed, step,
// live changes, rebuilds (determinism by seed), cancelling a rebuild.
#include "ui/sim_controller.hpp"

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

    // The pacing rule without a wall clock (the machine may be loaded): at
    // 0.25x, 1 s of model time may take no less than 4 s; at 2x, 0.5 s.
    void speedIsPaced() {
        QCOMPARE(pacedWallSeconds(10000, 0.1, 0.25), 4.0);
        QCOMPARE(pacedWallSeconds(10000, 0.1, 2.0), 0.5);
        QCOMPARE(pacedWallSeconds(0, 0.1, 0.25), 0.0);
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        QSignalSpy speed(&c, &SimController::speedChanged);
        c.setSpeed(0.25);
        QCOMPARE(speed.count(), 1);
        QCOMPARE(c.speed(), 0.25);
        c.rebuild(smallConfig(0.02));
        QVERIFY(built.wait(20000));
        // Slow motion still runs, and so does "as fast as possible" (0).
        const double t0 = c.modelTimeMs();
        QTRY_VERIFY_WITH_TIMEOUT(c.modelTimeMs() > t0 + 20.0, 30000);
        c.setSpeed(0.0);
        QCOMPARE(c.speed(), 0.0);
        const double t1 = c.modelTimeMs();
        QTRY_VERIFY_WITH_TIMEOUT(c.modelTimeMs() > t1 + 500.0, 30000);
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
        const LiveEvent& e = c.events().front();
        QCOMPARE(e.step, std::int64_t{100});
        QCOMPARE(e.kind, EventKind::Live);
        QCOMPARE(e.live.inh_weight_factor, 1.25);
        QCOMPARE(e.live.exc_weight_factor, 1.0);
        QCOMPARE(c.liveValues().g, -5.0);
        c.fireThalamicPulse();
        QTRY_COMPARE(applied.count(), 2);
        QCOMPARE(c.events().back().kind, EventKind::ThalamicPulse);
        QCOMPARE(c.events().back().startMs, 10.0);
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

    /// Issue 18, item 7: one state machine; the states of a build, a pause, a cancel.
    void stateFollowsBuildPauseAndCancel() {
        SimController c(2);
        QCOMPARE(c.state(), RunState::NoNetwork);
        QSignalSpy states(&c, &SimController::stateChanged);
        runPaused(c, smallConfig(0.02), 5.0);
        // pause (no network yet: still "no network"), building, paused
        QCOMPARE(c.state(), RunState::Paused);
        QCOMPARE(states.count(), 2);
        QCOMPARE(states.at(0).at(0).value<RunState>(), RunState::Building);
        QCOMPARE(states.at(1).at(0).value<RunState>(), RunState::Paused);
        c.resume();
        QCOMPARE(c.state(), RunState::Running);
        c.pause();
        QCOMPARE(c.state(), RunState::Paused);
        states.clear();
        QSignalSpy failed(&c, &SimController::buildFailed);
        c.rebuild(smallConfig(1.0));
        QCOMPARE(c.state(), RunState::Building);
        c.cancelBuild();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(c.state(), RunState::Paused); // the kept network, still paused
        QCOMPARE(states.count(), 2);
        QCOMPARE(states.at(1).at(0).value<RunState>(), RunState::Paused);
    }

    /// A cancelled first build leaves no network, and says so in its state.
    void cancelledFirstBuildLeavesNoNetwork() {
        SimController c(2);
        QSignalSpy failed(&c, &SimController::buildFailed);
        QSignalSpy progress(&c, &SimController::buildProgress);
        c.rebuild(smallConfig(1.0));
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 20000);
        c.cancelBuild();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(failed.at(0).at(0).toString().contains("there is no network"));
        QCOMPARE(c.state(), RunState::NoNetwork);
        QVERIFY(!c.hasNetwork());
        QCOMPARE(c.store().neurons(), 0);
    }

    /// Item 7: a rebuild requested during a build replaces it; one network, one report.
    void rebuildDuringABuildReplacesIt() {
        SimController c(2);
        runPaused(c, smallConfig(0.02), 5.0);
        QSignalSpy built(&c, &SimController::built);
        QSignalSpy failed(&c, &SimController::buildFailed);
        QSignalSpy progress(&c, &SimController::buildProgress);
        QSignalSpy states(&c, &SimController::stateChanged);
        c.rebuild(smallConfig(1.0));
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 20000);
        c.rebuild(smallConfig(0.03, 7)); // replaces the full-scale build
        QCOMPARE(c.state(), RunState::Building);
        QTRY_COMPARE_WITH_TIMEOUT(built.count(), 1, 60000);
        QTest::qWait(300);
        QCOMPARE(built.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(c.state(), RunState::Paused);
        QCOMPARE(c.config().net.N_scaling, 0.03);
        QCOMPARE(c.config().sim.rng_seed, std::uint64_t{7});
        QCOMPARE(states.count(), 2); // building, then paused: no "no network" in between
    }

    /// Item 6: a scale that does not fit in memory is refused before anything is built or released.
    void tooLargeIsRefusedBeforeBuilding() {
        SimController c(2);
        runPaused(c, smallConfig(0.02), 5.0);
        const auto info = c.buildInfo();
        QSignalSpy failed(&c, &SimController::buildFailed);
        QSignalSpy started(&c, &SimController::buildStarted);
        c.rebuild(smallConfig(40.0)); // about 2 TB of synapses
        QCOMPARE(failed.count(), 1);  // at once, on the GUI thread
        QCOMPARE(started.count(), 0);
        QVERIFY(failed.at(0).at(0).toString().contains("need about"));
        QVERIFY(failed.at(0).at(0).toString().contains("GB"));
        QCOMPARE(c.state(), RunState::Paused);
        QCOMPARE(c.buildInfo(), info);
        QVERIFY(SimController::memoryRefusal(smallConfig(0.1), 2).isEmpty());
    }

    /// Smaller item: speed and spike rate are measured over running time only.
    void ratesFrozenWhilePausedAndResetOnResume() {
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        c.setSpeed(0.0);
        c.rebuild(smallConfig(0.05));
        QVERIFY(built.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(c.spikesPerModelSecond() > 0.0 && c.achievedSpeed() > 0.0, 20000);
        c.pause();
        QCOMPARE(c.achievedSpeed(), 0.0);
        QTest::qWait(300); // the last chunk arrives
        const double rate = c.spikesPerModelSecond();
        QTest::qWait(1500);
        QCOMPARE(c.spikesPerModelSecond(), rate);
        c.resume();
        // No speed from a window that includes the pause; a new measurement follows.
        QCOMPARE(c.achievedSpeed(), 0.0);
        QTRY_VERIFY_WITH_TIMEOUT(c.achievedSpeed() > 0.0, 20000);
    }

    /// Smaller item: a replayed session ends at its saved end, and says so.
    void replayEndsAtTheSavedEnd() {
        SimController c(2);
        QSignalSpy finished(&c, &SimController::replayFinished);
        QSignalSpy built(&c, &SimController::built);
        c.pause();
        Session s{smallConfig(0.02), {}, 500};
        c.loadSession(s);
        QVERIFY(built.wait(20000));
        QVERIFY(c.isReplaying());
        c.step(30.0);
        QTRY_COMPARE(c.store().endStep(), std::int64_t{300});
        QTest::qWait(100);
        QCOMPARE(finished.count(), 0);
        c.step(30.0);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!c.isReplaying());
    }

    /// Smaller item: a pulse the configuration schedules is marked like a live one.
    void configuredStimuliAreMarked() {
        SimController c(2);
        Config cfg = smallConfig(0.02);
        cfg.stim.thalamic_input = true;
        cfg.stim.th_start = 700.0;
        runPaused(c, cfg, 1.0);
        const auto marked = c.markedEvents();
        QCOMPARE(marked.size(), std::size_t{1});
        QCOMPARE(marked[0].kind, EventKind::ThalamicPulse);
        QCOMPARE(marked[0].startMs, 700.0);
        runPaused(c, smallConfig(0.02), 1.0);
        QVERIFY(c.markedEvents().empty()); // no thalamic input configured: nothing scheduled
    }

    void engineExceptionBecomesAnErrorSignal() {
        SimController c(2);
        runPaused(c, smallConfig(0.02), 5.0);
        QSignalSpy errors(&c, &SimController::errorOccurred);
        LiveValues v = c.liveValues();
        v.g = -1000.0; // factor 250: the engine refuses it (allowed 0..100)
        c.setLiveValues(v, "absurd g");
        QTRY_COMPARE(errors.count(), 1);
        QVERIFY(errors.at(0).at(0).toString().contains("outside"));
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

// The hand-off from the engine to the window loses nothing when the GUI
// thread stalls (issue 19): while the engine runs at full speed the GUI
// thread sleeps (no event loop, no drains) until the spikes waiting for it
// exceed the hand-off's initial room, at least 2 s; afterwards the store and
// an exported spike file hold exactly the spikes of a headless run of the
// same configuration and seed, spike for spike.
#include "ui/data_export.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/simulation.hpp"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

using namespace mc;
using namespace mc::ui;

namespace {

class Collect : public SpikeSink {
  public:
    void onSpikes(std::span<const Spike> s, std::int64_t) override { spikes.insert(spikes.end(), s.begin(), s.end()); }
    std::vector<Spike> spikes;
};

/// The first spike where two lists differ ("" when equal).
QString firstDifference(std::span<const Spike> a, std::span<const Spike> b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step)
            return QString("spike %1: neuron %2 step %3 against neuron %4 step %5")
                .arg(i)
                .arg(a[i].neuron)
                .arg(a[i].step)
                .arg(b[i].neuron)
                .arg(b[i].step);
    if (a.size() != b.size()) return QString("%1 spikes against %2").arg(a.size()).arg(b.size());
    return {};
}

/// Parses the CSV of writeSpikesCsv back into spikes (time = (step + 1) h).
std::vector<Spike> readCsv(const QString& path, double h) {
    std::vector<Spike> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return out;
    f.readLine(); // header
    while (!f.atEnd()) {
        const QList<QByteArray> fields = f.readLine().trimmed().split(',');
        if (fields.size() != 3) continue;
        const int sender = fields[1].toInt();
        const double t = fields[2].toDouble();
        out.push_back(Spike{sender - 1, static_cast<std::int32_t>(std::llround(t / h)) - 1});
    }
    return out;
}

} // namespace

class TestUiStall : public QObject {
    Q_OBJECT
  private slots:
    void stalledGuiLosesNoSpike() {
        Config config;
        config.net.N_scaling = config.net.K_scaling = 0.1;
        config.sim.rng_seed = 12345;
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        c.setSpeed(0.0);
        c.rebuild(config);
        QVERIFY(built.wait(60000));
        QTest::qWait(200);

        // The stall: the GUI thread sleeps, the engine goes on.
        QElapsedTimer stall;
        stall.start();
        while (stall.elapsed() < 2000 || (c.mostSpikesWaiting() <= SpikeChannel::kInitialRoom && stall.elapsed() < 60000))
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        QVERIFY2(c.mostSpikesWaiting() > SpikeChannel::kInitialRoom,
                 "the engine did not get ahead of the stalled GUI by more than the hand-off's initial room");

        // Stop the engine and let the GUI take everything.
        c.pause();
        std::int64_t end = -1;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const std::int64_t now = c.store().endStep();
                QTest::qWait(300);
                if (now == c.store().endStep() && now == end) return true;
                end = now;
                return false;
            },
            30000));
        QVERIFY(end > 0);
        QCOMPARE(c.droppedSpikes(), std::uint64_t{0});
        QCOMPARE(c.store().discarded(), std::uint64_t{0});

        // The same configuration and seed headless, one run, one thread.
        BuildOptions options;
        options.threads = 1;
        Simulation headless(forLiveUse(config), options);
        Collect all;
        headless.run(end, &all);
        qInfo("%lld steps, %zu spikes; at most %zu spikes waited for the stalled GUI", static_cast<long long>(end),
              all.spikes.size(), c.mostSpikesWaiting());
        QVERIFY(all.spikes.size() > SpikeChannel::kInitialRoom);
        const QString storeDiff = firstDifference(c.store().all(), all.spikes);
        QVERIFY2(storeDiff.isEmpty(), qPrintable("store: " + storeDiff));
        QCOMPARE(c.store().totalSpikes(), static_cast<std::uint64_t>(all.spikes.size()));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString csv = dir.filePath("spikes.csv");
        QString error;
        QVERIFY2(writeSpikesCsv(csv, c.store().all(), c.store().derived(), c.store().resolution(), &error),
                 qPrintable(error));
        const std::vector<Spike> exported = readCsv(csv, c.store().resolution());
        const QString fileDiff = firstDifference(exported, all.spikes);
        QVERIFY2(fileDiff.isEmpty(), qPrintable("exported file: " + fileDiff));
    }
};

QTEST_GUILESS_MAIN(TestUiStall)
#include "test_ui_stall.moc"

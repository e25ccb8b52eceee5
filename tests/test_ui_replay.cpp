// Replay (ui/replay/): a folder written by `microcircuit run` opened in the
// window shows exactly its spikes, scrubbing in either direction gives the
// same view, playback advances and loops, the folder's event log is marked,
// engine controls are disabled, and loading can be cancelled or fail cleanly.
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/replay/replay_bar.hpp"
#include "ui/replay/replay_player.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/recording.hpp"

#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>

using namespace mc;
using namespace mc::ui;

namespace {

using Counts = std::array<std::int64_t, kNumPops>;

/// Spikes per population with lo < t <= hi, straight from the files' times.
Counts fileCounts(const SpikeData& d, double lo, double hi) {
    Counts c{};
    for (int p = 0; p < kNumPops; ++p)
        for (double t : d.populations[p].times)
            if (t > lo + 1e-6 && t <= hi + 1e-6) ++c[p];
    return c;
}

/// The same, from what the store shows (a spike of step s is stamped (s + 1) h).
Counts storeCounts(const SpikeStore& s, double lo, double hi) {
    Counts c{};
    const double h = s.resolution();
    for (const Spike& x : s.all()) {
        const double t = (x.step + 1) * h;
        if (t > lo + 1e-6 && t <= hi + 1e-6) ++c[s.populationOf(x.neuron)];
    }
    return c;
}

bool waitLoaded(ReplayPlayer* player) {
    QSignalSpy ok(player, &ReplayPlayer::loaded);
    QSignalSpy bad(player, &ReplayPlayer::loadFailed);
    for (int i = 0; i < 600 && ok.isEmpty() && bad.isEmpty(); ++i)
        QTest::qWait(50);
    return !ok.isEmpty();
}

} // namespace

class TestUiReplay : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
        m_folder = m_dir.filePath("run");
        QProcess run;
        run.start(MC_BINARY, {"run", "--scale", "0.02", "--t-sim", "1000", "--threads", "2", "--out", m_folder});
        QVERIFY(run.waitForFinished(120000));
        QCOMPARE(run.exitCode(), 0);
        // The folder's event log (as export-nest writes it): a pulse and a live change.
        QFile events(m_folder + "/events.json");
        QVERIFY(events.open(QIODevice::WriteOnly));
        events.write(R"({"events": [{"t_ms": 300, "kind": "thalamic_pulse", "start_ms": 300, "label": "pulse A"},
                                    {"t_ms": 600, "set": {"net": {"g": -5}}, "label": "g -5"}]})");
        events.close();
        m_data = readRecording(m_folder.toStdString());
        QVERIFY(m_data.totalSpikes > 1000);
    }

    void showsExactlyTheRecordedSpikes() {
        MainWindow w(2);
        w.show();
        w.openRecording(m_folder);
        QVERIFY(waitLoaded(w.replayPlayer()));
        SimController* c = w.controller();
        ReplayPlayer* p = w.replayPlayer();
        QVERIFY(c->isRecording());
        QCOMPARE(c->store().neurons(),
                 static_cast<std::int32_t>(m_data.populations.back().lastId - m_data.populations.front().firstId + 1));
        QVERIFY(w.windowTitle().startsWith("Recording: "));
        QVERIFY(w.windowTitle().contains(m_folder));
        QCOMPARE(p->timeMs(), 0.0);
        QCOMPARE(c->store().totalSpikes(), std::uint64_t{0});

        // The whole recording: every spike of the files, per population and 100 ms bin.
        p->seek(p->endMs());
        QCOMPARE(c->store().totalSpikes(), static_cast<std::uint64_t>(m_data.totalSpikes));
        for (double t = 0.0; t < p->endMs(); t += 100.0)
            QCOMPARE(storeCounts(c->store(), t, t + 100.0), fileCounts(m_data, t, t + 100.0));

        // Scrubbing backwards to t: the store ends at t and holds the spikes up to t.
        const double window = 200.0;
        p->seek(750.0);
        QCOMPARE(c->modelTimeMs(), 750.0);
        const Counts at750 = storeCounts(c->store(), 750.0 - window, 750.0);
        QCOMPARE(at750, fileCounts(m_data, 750.0 - window, 750.0));
        QCOMPARE(storeCounts(c->store(), 750.0, 2000.0), Counts{}); // nothing after t
        // ... back further, then forwards again: the same view.
        p->seek(120.0);
        const Counts upTo120 = fileCounts(m_data, 0.0, 120.0);
        QCOMPARE(storeCounts(c->store(), 0.0, 120.0), upTo120);
        // Per-neuron counts and the 1 ms bins follow the scrub too (hover, charts).
        Counts binned{};
        for (const auto& bin : c->store().bins())
            for (int q = 0; q < kNumPops; ++q)
                binned[q] += bin[q];
        QCOMPARE(binned, upTo120);
        std::int64_t perNeuron = 0, files = 0;
        for (std::int32_t n = 0; n < c->store().neurons(); ++n)
            perNeuron += c->store().countOf(n);
        for (std::int64_t k : upTo120)
            files += k;
        QCOMPARE(perNeuron, files);
        QCOMPARE(c->store().totalSpikes(), static_cast<std::uint64_t>(files));
        p->seek(750.0);
        QCOMPARE(storeCounts(c->store(), 750.0 - window, 750.0), at750);
        QCOMPARE(c->store().range(0, c->store().endStep()).size(), c->store().all().size());
    }

    void opensANestFolderWithTwoVirtualProcesses() {
        // NEST 3's files: two per population (virtual processes), with and
        // without the "# sender" header, rows unsorted.
        const QString nest = m_dir.filePath("nest");
        QVERIFY(QDir().mkpath(nest));
        const auto write = [&](const QString& name, const QByteArray& text) {
            QFile f(nest + "/" + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        QByteArray table;
        for (int q = 0; q < kNumPops; ++q)
            table += QByteArray::number(q * 10 + 1) + " " + QByteArray::number(q * 10 + 10) + "\n";
        write("population_nodeids.dat", table);
        write("spike_recorder-100-0.dat", "# NEST version: 3.8\n# RecordingBackendASCII version: 2\n"
                                          "sender\ttime_ms\n3\t250.5\n1\t12.0\n2\t12.0\n");
        write("spike_recorder-100-1.dat", "# sender time_ms\n4\t99.9\n1\t5.1\n");
        write("spike_recorder-107-0.dat", "sender\ttime_ms\n80\t300.0\n71\t0.1\n");
        write("spike_recorder-107-1.dat", "# sender time_ms\n75\t150.2\n");
        MainWindow w(2);
        w.show();
        w.openRecording(nest);
        QVERIFY(waitLoaded(w.replayPlayer()));
        SimController* c = w.controller();
        QCOMPARE(c->store().neurons(), 80);
        w.replayPlayer()->seek(w.replayPlayer()->endMs());
        QCOMPARE(c->store().totalSpikes(), std::uint64_t{8});
        const Counts expected{5, 0, 0, 0, 0, 0, 0, 3};
        QCOMPARE(storeCounts(c->store(), 0.0, 1000.0), expected);
        // In step order, as the engine gives them; sender 1 at 5.1 ms first.
        QCOMPARE(c->store().all().front().neuron, 70);
        QCOMPARE(c->store().all()[1].neuron, 0);
        QCOMPARE(c->store().all()[1].step, 50);
        // Without sim/net dicts the configuration is not known: no live run of it.
        QVERIFY(!w.replayBar()->simulateButton()->isEnabled());
        QVERIFY(!w.replayBar()->simulateButton()->toolTip().isEmpty());
    }

    void playsStepsAndLoops() {
        MainWindow w(2);
        w.show();
        w.openRecording(m_folder);
        QVERIFY(waitLoaded(w.replayPlayer()));
        SimController* c = w.controller();
        ReplayPlayer* p = w.replayPlayer();
        QVERIFY(c->isPaused());
        p->seek(100.0);
        c->setSpeed(1.0);
        c->resume();
        QVERIFY(!c->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 150.0, 10000); // playing advances
        c->pause();
        p->seek(100.0);
        p->advance(50.0); // 50 ms of wall time at 1x
        QCOMPARE(c->modelTimeMs(), 150.0);
        c->setSpeed(0.1);
        p->advance(50.0);
        QCOMPARE(c->modelTimeMs(), 155.0);
        c->step(10.0); // Step drives the recording, not the engine
        QCOMPARE(c->modelTimeMs(), 165.0);
        // The loop window: reaching its end starts it again.
        c->setSpeed(1.0);
        p->setLoop(true, 100.0, 300.0);
        p->seek(290.0);
        p->advance(50.0);
        QCOMPARE(c->modelTimeMs(), 100.0);
        // Without a loop, playback stops at the end of the recording.
        p->setLoop(false, 0.0, 0.0);
        p->seek(p->endMs() - 5.0);
        c->resume();
        p->advance(50.0);
        QCOMPARE(c->modelTimeMs(), p->endMs());
        QVERIFY(c->isPaused());
    }

    void marksEventsAndDisablesEngineControls() {
        MainWindow w(2);
        w.show();
        w.openRecording(m_folder);
        QVERIFY(waitLoaded(w.replayPlayer()));
        SimController* c = w.controller();
        QStringList labels;
        for (const TimedEvent& e : c->markedEvents())
            labels << QString::fromStdString(e.label);
        QVERIFY2(labels.contains("pulse A") && labels.contains("g -5"), qPrintable(labels.join(", ")));
        // Jumping to an event puts it inside the view.
        QComboBox* list = w.replayBar()->eventList();
        int index = -1;
        for (int i = 0; i < list->count(); ++i)
            if (list->itemText(i).contains("g -5")) index = i;
        QVERIFY(index > 0);
        list->setCurrentIndex(index);
        emit list->activated(index);
        QVERIFY(c->modelTimeMs() > 600.0 && c->modelTimeMs() < 1000.0);
        // Engine-only controls are off and say why.
        int disabled = 0;
        for (QGroupBox* box : w.findChildren<QGroupBox*>()) {
            if (box->title().startsWith("Live") || box->title().startsWith("Stimuli")) {
                QVERIFY(!box->isEnabled());
                QVERIFY(box->toolTip().contains("replays a recording"));
                ++disabled;
            }
        }
        QCOMPARE(disabled, 2);
        // "Simulate this configuration" builds the folder's network live.
        QVERIFY(w.replayBar()->simulateButton()->isEnabled());
        w.replayBar()->simulateButton()->click();
        QVERIFY(!c->isRecording());
        QTRY_VERIFY_WITH_TIMEOUT(c->state() == RunState::Running, 60000);
        QCOMPARE(c->config().net.N_scaling, 0.02);
        QVERIFY(!w.windowTitle().contains("Recording"));
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 20.0, 30000);
    }

    void cancelAndBadFolder() {
        MainWindow w(2);
        w.show();
        ReplayPlayer* p = w.replayPlayer();
        w.openRecording(m_folder);
        QVERIFY(waitLoaded(p));
        p->seek(500.0);
        const int generation = w.controller()->buildInfo()->generation;

        // Cancel: nothing changes on screen.
        QSignalSpy failed(p, &ReplayPlayer::loadFailed);
        w.openRecording(m_folder);
        p->cancelLoad();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
        QCOMPARE(failed.at(0).at(1).toBool(), true);
        QCOMPARE(w.controller()->buildInfo()->generation, generation);
        QCOMPARE(w.controller()->modelTimeMs(), 500.0);

        // A folder without spikes: a clear message; the window goes on.
        const QString empty = m_dir.filePath("empty");
        QVERIFY(QDir().mkpath(empty));
        w.openRecording(empty);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, 30000);
        QCOMPARE(failed.at(1).at(1).toBool(), false);
        const QString message = failed.at(1).at(0).toString();
        QVERIFY2(message.contains("empty"), qPrintable(message));
        QVERIFY(w.lastMessage().contains(message));
        QCOMPARE(w.controller()->recordingFolder(), m_folder);
        QCOMPARE(w.controller()->buildInfo()->generation, generation);
        // ... and a good folder opens again after it.
        w.openRecording(m_folder);
        QVERIFY(waitLoaded(p));
        QVERIFY(w.controller()->isRecording());
    }

  private:
    QTemporaryDir m_dir;
    QString m_folder;
    SpikeData m_data;
};

QTEST_MAIN(TestUiReplay)
#include "test_ui_replay.moc"

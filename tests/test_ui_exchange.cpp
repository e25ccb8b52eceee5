// Configurations leaving the window and recorded voltages coming in:
// - File → Save configuration writes the configuration running now, live
//   changes included (issue 12), as `config` prints it;
// - File → Export → For NEST… writes that configuration as the reference's
//   dicts, shows the export's warnings, replaces an earlier export whole and
//   refuses a folder holding other files (issue 15);
// - a replayed folder written by `run --probe` shows its voltmeter traces in
//   the probe panel, sample for sample (issue 15).
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/probes/probe_store.hpp"
#include "ui/replay/replay_player.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/recording.hpp"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

using namespace mc;
using namespace mc::ui;

namespace {

Config smallConfig() {
    Config c;
    c.net.N_scaling = c.net.K_scaling = 0.02;
    c.net.bg_input_type = "poisson";
    c.sim.rng_seed = 5;
    return c;
}

Config readBack(const QString& path) {
    Config c;
    applyConfigPath(c, path.toStdString());
    return c;
}

const char* kChanges = R"({"net": {"g": -5.0, "neuron_params": {"tau_m": [10, 10, 12, 10, 10, 10, 10, 10]}}})";

} // namespace

class TestUiExchange : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    /// A paused window running smallConfig() with g = -5 and L4E's tau_m = 12 ms applied live.
    bool startChanged(MainWindow& w) {
        SimController* c = w.controller();
        c->pause();
        QSignalSpy built(c, &SimController::built);
        c->rebuild(smallConfig());
        if (!built.wait(60000)) return false;
        c->applyChange(kChanges, "test changes");
        for (int i = 0; i < 400 && c->currentConfig().net.g != -5.0; ++i) QTest::qWait(25);
        return c->currentConfig().net.g == -5.0;
    }

  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
    }

    void saveConfigurationKeepsLiveChanges() {
        MainWindow w(1);
        QVERIFY(startChanged(w));
        SimController* c = w.controller();
        QCOMPARE(c->config().net.g, -4.0); // what the network was built with
        const QString path = m_dir.filePath("saved.json");
        QVERIFY(w.saveConfigTo(path));
        const Config saved = readBack(path);
        QCOMPARE(saved.net.g, -5.0);
        QCOMPARE(saved.net.neuron.tau_m[2], 12.0);
        QCOMPARE(saved.net.neuron.tau_m[0], 10.0);
        // The window's always-built thalamic synapses are not the configuration's.
        QCOMPARE(saved.stim.thalamic_input, false);
        QCOMPARE(saved.stim.th_start, Config{}.stim.th_start);
        // Exactly what `config` prints for the state now (and a file `run --config` takes).
        Config expected = smallConfig();
        applyConfigJson(expected, kChanges, "changes");
        QCOMPARE(QString::fromStdString(configToJson(saved)), QString::fromStdString(configToJson(expected)));
        QCOMPARE(QString::fromStdString(configToJson(c->configNow())), QString::fromStdString(configToJson(expected)));
    }

    void exportForNestReplacesWholeAndWarns() {
        MainWindow w(1);
        QVERIFY(startChanged(w));
        SimController* c = w.controller();
        const QString folder = m_dir.filePath("nest");
        QVERIFY2(w.exportForNestTo(folder, false), qPrintable(w.lastMessage()));
        for (const char* f : {"sim_dict.json", "net_dict.json", "stim_dict.json", "run_microcircuit.py", "submit.slurm",
                              "README.txt"})
            QVERIFY2(QFile::exists(folder + "/" + f), f);
        // A per-population tau_m is what the reference's dicts cannot express: named, not dropped.
        QCOMPARE(w.lastNestWarnings().size(), 1);
        QVERIFY(w.lastNestWarnings().front().contains("tau_m"));
        QVERIFY(w.lastMessage().contains("NEST will NOT do these"));
        QVERIFY(w.lastMessage().contains("tau_m"));
        // The round trip: reading the export back gives the configuration running now.
        QCOMPARE(QString::fromStdString(configToJson(readBack(folder))),
                 QString::fromStdString(configToJson(c->configNow())));

        // Another change; an earlier export is replaced only when asked.
        c->applyChange(R"({"net": {"g": -6.0}})", "g -6");
        QTRY_COMPARE_WITH_TIMEOUT(c->currentConfig().net.g, -6.0, 10000);
        QFile stale(folder + "/rates.csv"); // a file of the old folder that the new export does not write
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("old\n");
        stale.close();
        QVERIFY(!w.exportForNestTo(folder, false));
        QVERIFY(w.lastMessage().contains("earlier export"));
        QCOMPARE(readBack(folder).net.g, -5.0);
        QVERIFY(w.exportForNestTo(folder, true));
        QCOMPARE(readBack(folder).net.g, -6.0);
        QVERIFY(!QFile::exists(folder + "/rates.csv")); // replaced whole, not mixed
        const QStringList beside = QDir(m_dir.path()).entryList({"nest.*"}, QDir::AllEntries | QDir::NoDotAndDotDot);
        QVERIFY2(beside.isEmpty(), qPrintable(beside.join(", "))); // no work folder or lock left

        // A folder holding other files is refused, and left as it was.
        const QString mixed = m_dir.filePath("mixed");
        QVERIFY(QDir().mkpath(mixed));
        QFile notes(mixed + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("mine\n");
        notes.close();
        QVERIFY(!w.exportForNestTo(mixed, true));
        QVERIFY2(w.lastMessage().contains("notes.txt"), qPrintable(w.lastMessage()));
        QCOMPARE(QDir(mixed).entryList(QDir::Files), QStringList{"notes.txt"});
    }

    void replayShowsRecordedVoltages() {
        const QString folder = m_dir.filePath("probed");
        QProcess run;
        run.start(MC_BINARY, {"run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "300", "--threads", "2",
                              "--probe", "L4E:0,L23I:5,L4E:3", "--no-figures", "-q", "--out", folder});
        QVERIFY(run.waitForFinished(120000));
        QCOMPARE(run.exitCode(), 0);
        // The files as written: NEST id -> (time, V_m) rows.
        std::map<std::int64_t, std::vector<std::pair<double, double>>> rows;
        for (const QString& name : QDir(folder).entryList({"voltmeter-*.dat"})) {
            std::ifstream in((folder + "/" + name).toStdString());
            std::string line;
            while (std::getline(in, line)) {
                if (line.empty() || line[0] == '#' || line.rfind("sender", 0) == 0) continue;
                std::istringstream s(line);
                std::int64_t id;
                double t, v;
                s >> id >> t >> v;
                rows[id].push_back({t, v});
            }
        }
        QCOMPARE(rows.size(), std::size_t(3));

        MainWindow w(1);
        w.show();
        QSignalSpy loaded(w.replayPlayer(), &ReplayPlayer::loaded);
        w.openRecording(folder);
        QVERIFY(loaded.wait(60000));
        SimController* c = w.controller();
        QVERIFY(c->isRecording());
        const auto& traces = c->probes().traces();
        QCOMPARE(traces.size(), std::size_t(3));
        const double h = c->probes().resolution();
        for (const ProbeTrace& t : traces) {
            const auto& want = rows[t.neuron + 1];
            QCOMPARE(t.vm.size(), want.size());
            QCOMPARE(t.vm.size(), std::size_t(3000)); // every step of 300 ms
            QVERIFY(t.current.empty());
            for (std::size_t k = 0; k < want.size(); ++k) {
                QCOMPARE((t.steps[k] + 1) * h, want[k].first);
                QCOMPARE(t.vm[k], want[k].second);
            }
        }
        // Labels name the population and NEST id as for a live probe; the first L4E neuron is there.
        const std::int32_t l4e0 = c->store().derived().first_neuron[2];
        QVERIFY(std::any_of(traces.begin(), traces.end(), [&](const ProbeTrace& t) { return t.neuron == l4e0; }));
        QVERIFY(QString::fromStdString(c->probes().label(l4e0)).contains("L4E"));
        // Spikes of a probed neuron are marked: those of the recording.
        std::size_t marked = 0;
        for (const ProbeTrace& t : traces) marked += t.spikes.size();
        std::size_t recorded = 0;
        const SpikeData data = readRecording(folder.toStdString());
        for (const ProbeTrace& t : traces) {
            int p = 0;
            while (c->store().derived().first_neuron[p + 1] <= t.neuron) ++p;
            recorded += data.populations[p].neuron(t.neuron - c->store().derived().first_neuron[p]).size();
        }
        QCOMPARE(marked, recorded);

        // A malformed voltmeter file: the spikes replay, the others' traces are shown, and the message names it.
        const QString broken = m_dir.filePath("probed_broken");
        QVERIFY(QDir().rename(folder, broken));
        const QString bad = QDir(broken).entryList({"voltmeter-*.dat"}).front();
        QFile f(broken + "/" + bad);
        QVERIFY(f.open(QIODevice::Append));
        f.write("12 abc -60\n");
        f.close();
        QSignalSpy loadedAgain(w.replayPlayer(), &ReplayPlayer::loaded);
        w.openRecording(broken);
        QVERIFY(loadedAgain.wait(60000));
        QVERIFY(c->probes().traces().size() < 3);
        QVERIFY2(w.lastMessage().contains(bad) && w.lastMessage().contains("sender time_ms V_m"),
                 qPrintable(w.lastMessage()));
    }
};

QTEST_MAIN(TestUiExchange)
#include "test_ui_exchange.moc"

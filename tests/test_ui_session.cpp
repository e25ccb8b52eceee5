// Sessions as configuration + timed events: the desktop program's controller
// with changes of every kind, then `microcircuit run --session` on the saved
// session, must give bit-identical spikes, for 1, 2 and 4 threads on either
// side.
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/session.hpp"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

using namespace mc;
using namespace mc::ui;

namespace {

std::string readFile(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The spike files `run` writes for these spikes: one per population.
std::vector<std::string> spikeFiles(const std::vector<Spike>& spikes, const DerivedParams& d) {
    std::vector<std::string> files(kNumPops, "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n");
    for (const Spike& s : spikes) {
        int p = 0;
        while (s.neuron >= d.first_neuron[p + 1]) ++p;
        char line[64];
        std::snprintf(line, sizeof line, "%d\t%.3f\n", s.neuron + 1, (s.step + 1) * 0.1);
        files[p] += line;
    }
    return files;
}

struct GuiRun {
    std::vector<Spike> spikes;
    Session session;
    DerivedParams derived;
};

/// A GUI session with changes of every kind: sets of weights (global and one
/// projection), drive, neuron parameters of one population, a thalamic pulse
/// and a DC transient, each made at a different step while paused.
GuiRun runGuiSession(int threads) {
    GuiRun out;
    SimController c(threads);
    c.pause();
    QSignalSpy built(&c, &SimController::built);
    QSignalSpy applied(&c, &SimController::eventApplied);
    Config config;
    config.net.N_scaling = config.net.K_scaling = 0.05;
    config.sim.rng_seed = 77;
    c.rebuild(config);
    if (!built.wait(30000)) return out;
    const auto stepTo = [&](std::int64_t step) {
        c.step((step - c.store().endStep()) * 0.1);
        return QTest::qWaitFor([&] { return c.store().endStep() == step; }, 30000);
    };
    const auto change = [&](const char* set, const char* label) {
        const int before = applied.count();
        c.applyChange(set, label);
        return QTest::qWaitFor([&] { return applied.count() == before + 1; }, 30000);
    };
    WeightFactors wf = unitWeightFactors();
    wf[0][2] = 2.0;
    std::string wfJson = "{\"net\":{\"weight_factors\":[";
    for (int y = 0; y < kNumPops; ++y) {
        wfJson += y ? ",[" : "[";
        for (int x = 0; x < kNumPops; ++x) wfJson += (x ? "," : "") + std::to_string(wf[y][x]);
        wfJson += "]";
    }
    wfJson += "]}}";
    bool ok = stepTo(150) && change(R"({"net":{"g":-4.5,"PSP_exc_mean":0.16}})", "g, PSP") && stepTo(230) &&
              change(wfJson.c_str(), "L4E -> L2/3E x2") && stepTo(310) &&
              change(R"({"net":{"neuron_params":{"V_th":[-50,-50,-49,-50,-50,-50,-50,-50],"tau_m":[10,10,10,10,10,10,12,10]}}})",
                     "V_th, tau_m") &&
              stepTo(400) && change(R"({"net":{"bg_rate":8.5,"K_ext":[1600,1500,2100,1900,2000,1900,2900,2300]}})", "drive") &&
              stepTo(480);
    if (!ok) return out;
    int before = applied.count();
    c.fireThalamicPulse();
    if (!QTest::qWaitFor([&] { return applied.count() == before + 1; }, 30000) || !stepTo(600)) return out;
    before = applied.count();
    c.startDcTransient(-1.0, 30.0);
    if (!QTest::qWaitFor([&] { return applied.count() == before + 1; }, 30000) || !stepTo(900)) return out;
    const auto all = c.store().all();
    out.spikes.assign(all.begin(), all.end());
    out.session = c.session();
    out.derived = c.buildInfo()->derived;
    return out;
}

bool sameSpikes(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step) return false;
    return true;
}

} // namespace

class TestUiSession : public QObject {
    Q_OBJECT
  private slots:
    void guiSessionAndRunSessionGiveTheSameSpikes() {
        QTemporaryDir dir;
        const GuiRun one = runGuiSession(1);
        QVERIFY(one.spikes.size() > 1000);
        QCOMPARE(one.session.events.size(), std::size_t{6});
        QCOMPARE(one.session.endStep, std::int64_t{900});
        for (int threads : {2, 4}) {
            const GuiRun other = runGuiSession(threads);
            QVERIFY2(sameSpikes(one.spikes, other.spikes), qPrintable(QString("%1 threads").arg(threads)));
        }
        // The changes did something: the same network without them differs.
        {
            Session plain = one.session;
            plain.events.clear();
            const QString path = dir.filePath("plain.json");
            std::ofstream(path.toStdString()) << sessionToJson(plain);
            QProcess p;
            p.start(MC_BINARY, {"run", "--session", path, "--out", dir.filePath("plain"), "--no-figures", "-q"});
            QVERIFY(p.waitForFinished(120000));
            QCOMPARE(p.exitCode(), 0);
            const auto expected = spikeFiles(one.spikes, one.derived);
            const int recorder = one.derived.total_neurons + 1;
            QVERIFY(readFile(dir.filePath(QString("plain/spike_recorder-%1-0.dat").arg(recorder))) != expected[0]);
        }
        const QString path = dir.filePath("session.json");
        std::ofstream(path.toStdString()) << sessionToJson(one.session);
        const auto expected = spikeFiles(one.spikes, one.derived);
        for (const char* threads : {"1", "2", "4"}) {
            const QString out = dir.filePath(QString("run%1").arg(threads));
            QProcess p;
            p.start(MC_BINARY,
                    {"run", "--session", path, "--threads", threads, "--out", out, "--no-figures", "-q"});
            QVERIFY(p.waitForFinished(120000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            for (int pop = 0; pop < kNumPops; ++pop) {
                const int recorder = one.derived.total_neurons + 1 + pop;
                const std::string got = readFile(out + QString("/spike_recorder-%1-0.dat").arg(recorder));
                QVERIFY2(got == expected[pop], qPrintable(QString("%1 threads, %2").arg(threads).arg(kPopNames[pop])));
            }
        }
    }

    void runSessionRefusesModelFlags() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.json");
        Session s;
        s.endStep = 10;
        std::ofstream(path.toStdString()) << sessionToJson(s);
        QProcess p;
        p.start(MC_BINARY, {"run", "--session", path, "--scale", "0.2", "--out", dir.filePath("o"), "-q"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("--session"));
    }
};

QTEST_GUILESS_MAIN(TestUiSession)
#include "test_ui_session.moc"

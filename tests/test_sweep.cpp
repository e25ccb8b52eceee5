// Sweeps (issue 13): axes, reuse of a built network (spikes identical to a
// fresh build), and `microcircuit sweep` end to end: every point equals a
// plain run, the summary does not depend on concurrency or on a kill and
// resume, bad input, and the Slurm job array run task by task.
#include "microcircuit/analysis.hpp"
#include "microcircuit/ensemble.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/simulation.hpp"
#include "microcircuit/spike_data.hpp"
#include "microcircuit/sweep.hpp"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <cmath>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out, err;
};

Result runBinary(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(MC_BINARY, args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The small sweep of the tests: 2 x 2 grid x 2 seeds at scale 0.02.
QStringList smallSweep(const QString& out) {
    return {"sweep", "--scale", "0.02", "--t-presim", "100", "--t-sim", "200", "--set", "net.g=-4:-5:1", "--set",
            "net.bg_rate=8,9", "--seeds", "2", "--threads", "2", "--out", out, "-q"};
}

mc::Config tiny(double bgRate, double g = -4.0) {
    mc::Config c;
    c.net.N_scaling = c.net.K_scaling = 0.02;
    c.net.bg_rate = bgRate;
    c.net.g = g;
    c.sim.local_num_threads = 1;
    return c;
}

std::vector<mc::Spike> runFor(mc::Simulation& sim, std::int64_t steps) {
    struct Keep : mc::SpikeSink {
        std::vector<mc::Spike> all;
        void onSpikes(std::span<const mc::Spike> s, std::int64_t) override { all.insert(all.end(), s.begin(), s.end()); }
    } keep;
    sim.run(steps, &keep);
    return keep.all;
}

bool sameSpikes(const std::vector<mc::Spike>& a, const std::vector<mc::Spike>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step) return false;
    return true;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_ref; ///< the small sweep, run once with defaults

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_ref = m_dir.filePath("ref");
        const Result r = runBinary(smallSweep(m_ref));
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void rangesListsAndTheirErrors() {
        const mc::Config base;
        const mc::SweepAxis g = mc::parseSweepAxis("net.g=-3:-8:0.5", base);
        QCOMPARE(g.values.size(), std::size_t{11});
        QCOMPARE(g.values.front(), std::string("-3.0"));
        QCOMPARE(g.values[1], std::string("-3.5"));
        QCOMPARE(g.values.back(), std::string("-8.0"));
        const mc::SweepAxis tenths = mc::parseSweepAxis("net.bg_rate=0.1:0.3:0.1", base);
        QCOMPARE(tenths.values, (std::vector<std::string>{"0.1", "0.2", "0.3"}));
        QCOMPARE(mc::parseSweepAxis("net.bg_rate=4,8,12", base).values.size(), std::size_t{3});
        QVERIFY_THROWS_EXCEPTION(mc::ConfigError, mc::parseSweepAxis("net.g=-3:-8:0", base));
        QVERIFY_THROWS_EXCEPTION(mc::ConfigError, mc::parseSweepAxis("net.no_such_field=1,2", base));
        QVERIFY_THROWS_EXCEPTION(mc::ConfigError, mc::parseSweepAxis("net.g", base));
        QVERIFY_THROWS_EXCEPTION(mc::ConfigError, mc::parseSweepAxis("net.bg_rate=-1", base)); // invalid value
    }

    void pointsAreTheGridTimesSeeds() {
        mc::SweepSpec spec;
        spec.axes.push_back(mc::parseSweepAxis("net.g=-4,-5", spec.base));
        spec.axes.push_back(mc::parseSweepAxis("net.bg_rate=8,9,10", spec.base));
        spec.seeds = {7, 8};
        const auto points = mc::expandSweep(spec);
        QCOMPARE(points.size(), std::size_t{12});
        // The seed changes fastest, then the last axis.
        QCOMPARE(points[1].seed, std::uint64_t{8});
        QCOMPARE(points[2].config.net.bg_rate, 9.0);
        QCOMPARE(points[11].config.net.g, -5.0);
        QCOMPARE(points[11].config.sim.rng_seed, std::uint64_t{8});
        // sweep.json round trip gives the same points.
        const mc::SweepSpec back = mc::sweepFromJson(mc::sweepToJson(spec, points), "sweep.json");
        QCOMPARE(mc::sweepToJson(back, mc::expandSweep(back)), mc::sweepToJson(spec, points));
    }

    void reusedNetworkGivesTheSpikesOfAFreshBuild() {
        // Only a live field that keeps the weights: reuse.
        QVERIFY(mc::canReuseNetwork(tiny(8.0), tiny(10.0)));
        // g changes the weights' codes at build time; the seed, the synapses.
        QVERIFY(!mc::canReuseNetwork(tiny(8.0, -4.0), tiny(8.0, -5.0)));
        mc::Config other = tiny(8.0);
        other.sim.rng_seed = 56;
        QVERIFY(!mc::canReuseNetwork(tiny(8.0), other));

        mc::Simulation reused(tiny(8.0));
        runFor(reused, 1500); // leaves state, input in flight, weights in use
        reused.restart(tiny(10.0));
        QCOMPARE(reused.steps(), std::int64_t{0});
        const auto a = runFor(reused, 2000);
        mc::Simulation fresh(tiny(10.0));
        const auto b = runFor(fresh, 2000);
        QVERIFY(b.size() > 100);
        QVERIFY(sameSpikes(a, b));
        // And back to the first configuration after a run at another one.
        reused.restart(tiny(8.0));
        mc::Simulation fresh8(tiny(8.0));
        QVERIFY(sameSpikes(runFor(reused, 2000), runFor(fresh8, 2000)));
    }

    void everyPointEqualsAPlainRun() {
        const QJsonObject sweep = QJsonDocument::fromJson(readAll(m_ref + "/sweep.json")).object();
        QCOMPARE(sweep["points"].toArray().size(), 8);
        const QByteArray csv = readAll(m_ref + "/summary.csv");
        QCOMPARE(csv.count('\n'), 1 + 8 * 8);
        QVERIFY(csv.startsWith("point,net.g,net.bg_rate,seed,population,mean_rate,std_rate,mean_cv,mean_cc,synchrony,state\n"));
        // Point 0 builds its network; point 2 (bg_rate 9, same g and seed) reuses it.
        for (int k : {0, 2, 7}) {
            const QString point = m_ref + QString("/points/%1").arg(k, 4, 10, QChar('0'));
            const QString plain = m_dir.filePath(QString("plain%1").arg(k));
            const Result r = runBinary({"run", "--config", point, "--out", plain, "--no-figures", "-q"});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QStringList files = QDir(plain).entryList({"spike_recorder-*.dat"});
            QCOMPARE(files.size(), 8);
            for (const QString& f : files) QVERIFY2(readAll(point + "/" + f) == readAll(plain + "/" + f), qPrintable(f));
            // Statistics: those of the plain run's files over [t_presim, end].
            mc::AnalysisOptions o;
            o.tMin = 100.0;
            const mc::AnalysisResult res = mc::analyzeSpikes(mc::readSpikeFolder(plain.toStdString()), o);
            const QJsonArray pops = QJsonDocument::fromJson(readAll(point + "/stats.json")).object()["populations"].toArray();
            for (int p = 0; p < 8; ++p) {
                const QJsonObject s = pops[p].toObject();
                QCOMPARE(s["mean_rate"].toDouble(), res.populations[p].meanRate);
                QCOMPARE(s["std_rate"].toDouble(), res.populations[p].stdRate);
                if (std::isfinite(res.populations[p].meanCv)) QCOMPARE(s["mean_cv"].toDouble(), res.populations[p].meanCv);
                else QVERIFY(s["mean_cv"].isNull());
                if (std::isfinite(res.populations[p].meanCc)) QCOMPARE(s["mean_cc"].toDouble(), res.populations[p].meanCc);
            }
        }
    }

    void summaryDoesNotDependOnConcurrencyOrReuse() {
        const QString one = m_dir.filePath("one");
        QStringList args = smallSweep(one);
        args << "--jobs" << "1" << "--no-reuse" << "--no-record";
        const Result r = runBinary(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readAll(one + "/summary.csv"), readAll(m_ref + "/summary.csv"));
        QCOMPARE(readAll(one + "/summary.json"), readAll(m_ref + "/summary.json"));
        QVERIFY(QDir(one + "/points/0000").entryList({"spike_recorder-*.dat"}).isEmpty());
    }

    void resumeRedoesOnlyUnfinishedPoints() {
        // What a kill leaves: points never started, a point's work folder
        // (".incomplete-<pid>") and a damaged finished point.
        const QString dir = m_dir.filePath("resume");
        QVERIFY(QDir().mkpath(dir));
        const Result r0 = runBinary(smallSweep(dir));
        QVERIFY2(r0.exitCode == 0, r0.err.constData());
        QVERIFY(QFile::remove(dir + "/summary.csv"));
        QVERIFY(QDir(dir + "/points/0005").removeRecursively());
        QVERIFY(QDir(dir + "/points/0006").removeRecursively());
        QVERIFY(QDir().rename(dir + "/points/0007", dir + "/points/0006.incomplete-99999"));
        QFile stats(dir + "/points/0003/stats.json");
        QVERIFY(stats.open(QIODevice::WriteOnly | QIODevice::Truncate));
        stats.write("{\"point\": 3, \"popul");
        stats.close();
        const QByteArray kept = readAll(dir + "/points/0000/stats.json");
        QStringList args = smallSweep(dir);
        args.removeAll("-q");
        args[args.indexOf("--threads") + 1] = "1"; // threads are not part of the sweep
        const Result r = runBinary(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("8 of 8 points finished (4 now, 4 already done)"), r.out.constData());
        QCOMPARE(readAll(dir + "/summary.csv"), readAll(m_ref + "/summary.csv"));
        QCOMPARE(readAll(dir + "/points/0000/stats.json"), kept);
    }

    void ctrlCLeavesFinishedPointsValid() {
        const QString dir = m_dir.filePath("interrupted");
        QStringList args = {"sweep", "--scale", "0.02", "--t-presim", "100", "--t-sim", "3000", "--set",
                            "net.bg_rate=8,8.5,9,9.5,10,10.5", "--jobs", "1", "--threads", "1", "--out", dir};
        QProcess p;
        p.start(MC_BINARY, args);
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dir + "/points/0000/stats.json"), 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains("interrupted: ") && err.contains(" of 6 points are finished"), err.constData());
        QVERIFY(!QFile::exists(dir + "/summary.csv"));
        // collect names what is missing; a rerun finishes the rest.
        const Result c = runBinary({"sweep", "collect", dir});
        QCOMPARE(c.exitCode, 1);
        QVERIFY2(c.err.contains("points are not finished yet"), c.err.constData());
        const Result r = runBinary(args << "-q");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readAll(dir + "/summary.csv").count('\n'), 1 + 6 * 8);
    }

    void badInputIsRefusedClearly() {
        const QString dir = m_dir.filePath("bad");
        Result r = runBinary({"sweep", "--set", "net.no_such=1,2", "--out", dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no_such"), r.err.constData());
        r = runBinary({"sweep", "--set", "net.g=-3:-8:0", "--out", dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no points"), r.err.constData());
        // Reuse insisted on, over a field that needs a rebuild or changes weights.
        r = runBinary({"sweep", "--set", "net.bg_rate=8,9", "--set", "net.g=-4,-5", "--reuse", "--out", dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--reuse: the swept field net.g changes"), r.err.constData());
        r = runBinary({"sweep", "--set", "sim.rng_seed=1,2", "--seeds", "2", "--out", dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("seeds are given twice"), r.err.constData());
        // A seed axis of its own is a sweep over realisations: --reuse allows it.
        const QString seedAxis = m_dir.filePath("seedaxis");
        r = runBinary({"sweep", "--set", "sim.rng_seed=1,2", "--reuse", "--scale", "0.02", "--t-presim", "50",
                       "--t-sim", "50", "--no-record", "--out", seedAxis, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray seedCsv = readAll(seedAxis + "/summary.csv");
        QVERIFY2(seedCsv.contains("\n0,1,1,L23E,") && seedCsv.contains("\n1,2,2,L23E,"), seedCsv.constData());
        r = runBinary({"sweep", "--set", "net.N_scaling=0.02,0.03", "--reuse", "--out", dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("net.N_scaling needs a rebuild"), r.err.constData());
        // Another sweep into the reference sweep's folder.
        QStringList other = smallSweep(m_ref);
        other[other.indexOf("net.bg_rate=8,9")] = "net.bg_rate=8,10";
        r = runBinary(other);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("holds a different sweep"), r.err.constData());
        r = runBinary({"sweep", "collect", m_dir.filePath("nothing")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no sweep.json"), r.err.constData());
        r = runBinary({"sweep", "--point", "8", m_ref});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("points 0 to 7"), r.err.constData());
        // --submit without sbatch on PATH.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", m_dir.filePath("empty-path"));
        QStringList slurm = smallSweep(m_dir.filePath("nosbatch"));
        slurm << "--slurm" << "--submit";
        r = runBinary(slurm, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no sbatch"), r.err.constData());
    }

    void ensembleKsAgainstHandComputedValues() {
        auto result = [](std::vector<double> rates, std::vector<double> cvs) {
            mc::AnalysisResult r;
            mc::PopulationStats p;
            p.name = "L23E";
            p.rates = std::move(rates);
            p.cvs = std::move(cvs);
            r.populations.push_back(p);
            return r;
        };
        // F_a - F_b for {1,2,3} against {2,3,4,5} is largest at x = 3: 1 - 2/4.
        const mc::EnsembleKs ks = mc::ensembleKs(
            {result({1, 2, 3}, {0.5}), result({2, 3, 4, 5}, {0.5}), result({10, 11}, {0.7, 0.9})});
        QCOMPARE(ks.realisations, 3);
        QCOMPARE(ks.distances[0][0], (std::vector<double>{0.5, 1.0, 1.0})); // pairs (0,1), (0,2), (1,2)
        QCOMPARE(ks.distances[1][0], (std::vector<double>{0.0, 1.0, 1.0}));
        QVERIFY(std::isnan(ks.distances[2][0][0])); // no correlations on either side
        const QJsonObject j = QJsonDocument::fromJson(QByteArray::fromStdString(mc::ensembleJson(ks, 0))).object();
        QCOMPARE(j["L23E"].toObject()["seeds"].toObject()["0"].toObject()["1"].toDouble(), 0.5);
        QCOMPARE(j["L23E"].toObject()["list"].toArray().size(), 3);
        QVERIFY(QJsonDocument::fromJson(QByteArray::fromStdString(mc::ensembleJson(ks, 2)))
                    .object()["L23E"].toObject()["list"].toArray()[0].isNull());
        QVERIFY_THROWS_EXCEPTION(mc::ConfigError, mc::ensembleKs({result({1}, {})}));
    }

    void ensembleOfIdenticalRealisationsHasZeroDistances() {
        const QString a = m_ref + "/points/0000", b = m_ref + "/points/0001", out = m_dir.filePath("ens");
        Result r = runBinary({"analyze", a, "--ensemble", a, a, "--t-min", "100", "--ensemble-out", out, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char* stat : {"rate", "spike_cvs", "spike_ccs"}) {
            const QJsonObject j = QJsonDocument::fromJson(readAll(out + "/" + stat + "_ks_distances.json")).object();
            QCOMPARE(j.size(), 8);
            for (const QString& pop : j.keys())
                for (const auto v : j[pop].toObject()["list"].toArray()) QVERIFY(v.isNull() || v.toDouble() == 0.0);
        }
        // Two seeds of the sweep differ.
        r = runBinary({"analyze", a, "--ensemble", b, "--t-min", "100", "--ensemble-out", out, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject rates = QJsonDocument::fromJson(readAll(out + "/rate_ks_distances.json")).object();
        QVERIFY(rates["L4E"].toObject()["list"].toArray()[0].toDouble() > 0.0);
    }

    void ensembleOverASweepsSeedAxis() {
        // The small sweep: 4 grid points x 2 seeds. Each grid point's
        // distances equal analyze --ensemble on its two point folders.
        const QString out = m_dir.filePath("seed_ks");
        Result r = runBinary({"analyze", "--ensemble", m_ref, "--ensemble-out", out, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("grid point 3: net.g=-5.0 net.bg_rate=9 (points 6 7)"));
        for (int g = 0; g < 4; ++g) {
            const QString one = m_dir.filePath(QString("pair_ks_%1").arg(g));
            const QString a = QString("%1/points/%2").arg(m_ref).arg(2 * g, 4, 10, QChar('0'));
            const QString b = QString("%1/points/%2").arg(m_ref).arg(2 * g + 1, 4, 10, QChar('0'));
            r = runBinary({"analyze", a, "--ensemble", b, "--ensemble-out", one, "-q"});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            for (const char* s : {"rate", "spike_cvs", "spike_ccs"}) {
                const QString file = QString("/%1_ks_distances.json").arg(s);
                const QByteArray mine = readAll(QString("%1/%2").arg(out).arg(g, 4, 10, QChar('0')) + file);
                QVERIFY(!mine.isEmpty());
                QCOMPARE(mine, readAll(one + file));
            }
        }
        // ks_summary.csv: 4 grid points x 8 populations; the mean over one pair is that pair's distance.
        const QList<QByteArray> lines = readAll(out + "/ks_summary.csv").trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 4 * 8);
        QVERIFY(lines[0].startsWith("grid_point,net.g,net.bg_rate,points,population,rate_ks_mean,rate_ks_sd,rate_ks_max"));
        const QJsonObject rate0 = QJsonDocument::fromJson(readAll(out + "/0000/rate_ks_distances.json")).object();
        const QList<QByteArray> row = lines[1].split(',');
        QCOMPARE(row[3], QByteArray("0 1"));
        QCOMPARE(row[4], QByteArray("L23E"));
        const double d = rate0["L23E"].toObject()["list"].toArray()[0].toDouble();
        QVERIFY2(std::abs(row[5].toDouble() - d) <= 1e-9, row[5].constData()); // 10 digits in the CSV
        QCOMPARE(row[7], row[5]); // max of one pair
    }

    void ensembleOverIdenticalSeedsIsZero() {
        // Seeds [7, 7]: two identical realisations of each grid point.
        const QString file = m_dir.filePath("same_seed.json");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"axes": {"net.bg_rate": [8]}, "seeds": [7, 7]})");
        f.close();
        const QString dir = m_dir.filePath("same_seed");
        Result r = runBinary({"sweep", "--file", file, "--scale", "0.02", "--t-presim", "100", "--t-sim", "200",
                              "--out", dir, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runBinary({"analyze", "--ensemble", dir, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray rows = QJsonDocument::fromJson(readAll(dir + "/ensemble/ks_summary.json")).object()["rows"].toArray();
        QCOMPARE(rows.size(), 8);
        int defined = 0;
        for (const auto& v : rows)
            for (const char* key : {"rate_ks_max", "spike_cvs_ks_max", "spike_ccs_ks_max"})
                if (!v.toObject()[key].isNull()) {
                    ++defined;
                    QCOMPARE(v.toObject()[key].toDouble(), 0.0);
                }
        QVERIFY(defined >= 8);
    }

    void ensembleOverASweepRefusesWhatItCannotDo() {
        const auto refused = [&](const QStringList& sweepArgs, const char* expected) {
            const QString dir = m_dir.filePath(QString("refuse_%1").arg(qHash(sweepArgs.join(' '))));
            QStringList args{"sweep", "--scale", "0.02", "--set", "net.bg_rate=8,9", "--slurm", "--out", dir};
            Result r = runBinary(args + sweepArgs);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            r = runBinary({"analyze", "--ensemble", dir});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(expected), r.err.constData());
        };
        refused({}, "one seed per grid point");
        refused({"--seeds", "2"}, "4 of 4 points are not finished yet: 0 1 2 3");
        refused({"--seeds", "2", "--no-record"}, "ran with --no-record");
        Result r = runBinary({"analyze", m_ref});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is a sweep folder"), r.err.constData());
        r = runBinary({"analyze", m_ref + "/points/0000", "--ensemble", m_ref});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("give it alone"), r.err.constData());
    }

    void slurmArrayTasksRunLocallyGiveTheSameSummary() {
        // The job array, each task run here with SLURM_ARRAY_TASK_ID set as
        // Slurm would (test_slurm runs it on a real one-node cluster).
        const QString dir = m_dir.filePath("slurm");
        QStringList args = smallSweep(dir);
        args << "--slurm" << "--points-per-task" << "3";
        const Result w = runBinary(args);
        QVERIFY2(w.exitCode == 0, w.err.constData());
        const QString script = dir + "/slurm/sweep.sbatch";
        QVERIFY(readAll(script).contains("#SBATCH --array=0-2\n"));
        QProcess syntax;
        syntax.start("bash", {"-n", script});
        QVERIFY(syntax.waitForFinished());
        QCOMPARE(syntax.exitCode(), 0);
        const Result early = runBinary({"sweep", "collect", dir});
        QCOMPARE(early.exitCode, 1);
        QVERIFY2(early.err.contains("8 of 8 points are not finished yet: 0 1 2 3 4 5 6 7"), early.err.constData());
        for (int task = 0; task < 3; ++task) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("SLURM_ARRAY_TASK_ID", QString::number(task));
            env.insert("SLURM_CPUS_PER_TASK", "1");
            p.setProcessEnvironment(env);
            p.start("bash", {script});
            QVERIFY(p.waitForFinished(120000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            if (task == 0) {
                const Result partial = runBinary({"sweep", "collect", "--partial", dir});
                QCOMPARE(partial.exitCode, 0);
                QCOMPARE(readAll(dir + "/summary.csv").count('\n'), 1 + 3 * 8);
            }
        }
        const Result c = runBinary({"sweep", "collect", dir});
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QCOMPARE(readAll(dir + "/summary.csv"), readAll(m_ref + "/summary.csv"));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"

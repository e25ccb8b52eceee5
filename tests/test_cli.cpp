// The command line (`microcircuit run|config|bench`), run as a process:
// refused input gives a non-zero exit and one line naming the problem; a run
// writes the reference's output folder; bench prints one JSON object; an
// interrupted run leaves spike files that parse.
#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <csignal>
#include <sys/types.h>

#ifndef MC_BINARY
#error "MC_BINARY (path of the microcircuit executable) must be defined by the build"
#endif

namespace {

struct Result {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out, err;
    bool finished = false;
};

Result runCli(const QStringList& args, const QString& workDir, int timeoutMs = 120000) {
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.start(QStringLiteral(MC_BINARY), args);
    Result r;
    if (!p.waitForStarted(10000)) return r;
    r.finished = p.waitForFinished(timeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitCode();
    r.status = p.exitStatus();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

/// A keyword "a|b" matches if either alternative occurs (case-insensitive).
bool lineHasAll(const QString& line, const QStringList& keywords) {
    for (const QString& k : keywords) {
        bool any = false;
        for (const QString& alt : k.split('|'))
            if (line.contains(alt, Qt::CaseInsensitive)) any = true;
        if (!any) return false;
    }
    return true;
}

const QString kHeader = "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n";

/// Checks a spike file; returns an error description or an empty string.
/// Every line after the header is "<id>\t<ms with 3 decimals>", ids in
/// [firstId, lastId], times on the grid, non-decreasing and <= maxMs.
QString checkSpikeFile(const QString& path, int firstId, int lastId, double maxMs, int* spikes,
                       double countFromMs = 0.0, int* countedAfter = nullptr) {
    const QString text = readAll(path);
    if (!text.startsWith(kHeader)) return path + ": header is not NEST's: " + text.left(80);
    static const QRegularExpression line("^(\\d+)\\t(\\d+)\\.(\\d{3})$");
    const QStringList lines = text.mid(kHeader.size()).split('\n');
    double last = 0.0;
    *spikes = 0;
    for (int i = 0; i < lines.size(); ++i) {
        if (i == lines.size() - 1 && lines[i].isEmpty()) break; // final newline
        const auto m = line.match(lines[i]);
        if (!m.hasMatch()) return QString("%1 line %2 does not parse: \"%3\"").arg(path).arg(i + 4).arg(lines[i]);
        const int id = m.captured(1).toInt();
        const int micros = m.captured(2).toInt() * 1000 + m.captured(3).toInt();
        const double t = micros / 1000.0;
        if (id < firstId || id > lastId) return QString("%1: sender %2 outside [%3, %4]").arg(path).arg(id).arg(firstId).arg(lastId);
        if (micros % 100 != 0) return QString("%1: time %2 is not on the 0.1 ms grid").arg(path).arg(t);
        if (t < last) return QString("%1: times not in order at line %2").arg(path).arg(i + 4);
        if (t <= 0.0 || t > maxMs + 1e-9) return QString("%1: time %2 outside (0, %3]").arg(path).arg(t).arg(maxMs);
        if (countedAfter && t > countFromMs + 1e-9) ++*countedAfter;
        last = t;
        ++*spikes;
    }
    return {};
}

/// population_nodeids.dat as [first, last] per population (ids from 1).
QList<QPair<int, int>> readNodeIds(const QString& folder) {
    QList<QPair<int, int>> ids;
    for (const QString& l : readAll(folder + "/population_nodeids.dat").split('\n', Qt::SkipEmptyParts)) {
        const QStringList parts = l.split(' ', Qt::SkipEmptyParts);
        if (parts.size() == 2) ids.append({parts[0].toInt(), parts[1].toInt()});
    }
    return ids;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(MC_BINARY)), MC_BINARY);
        auto write = [&](const QString& name, const QByteArray& text) {
            QFile f(path(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write("unknown_key.json", R"({"sim": {"bogus_key": 1}})");
        write("broken.json", R"({"sim": {"t_sim": )");
        write("bad_value.json", R"({"net": {"bg_input_type": "foo"}})");
    }

    void configPrintsJsonThatRunAccepts() {
        const Result cfg = runCli({"config"}, m_dir.path());
        QCOMPARE(cfg.exitCode, 0);
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(cfg.out.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.isObject());
        for (const char* key : {"sim", "net", "stim"}) QVERIFY2(doc.object().contains(key), key);
        QCOMPARE(doc.object()["sim"].toObject()["rng_seed"].toInt(), 55);
        QFile f(path("printed.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(cfg.out.toUtf8());
        f.close();
        const Result run = runCli({"run", "--config", path("printed.json"), "--scale", "0.02", "--t-sim", "50",
                                   "--t-presim", "0", "--out", path("from_config"), "--no-figures", "-q"},
                                  m_dir.path());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(run.out.contains("neurons"));
        QVERIFY(QFile::exists(path("from_config/population_nodeids.dat")));
    }

    // Each refused input: non-zero exit, no simulation, and one line of
    // stderr naming the problem. Cheap options are added so that a refusal
    // that does not happen costs a short run, not a default one.
    void refusedInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("keywords");
        const QStringList cheap = {"--t-sim", "1", "--t-presim", "0", "--no-figures", "-q"};
        auto row = [&](const char* name, QStringList args, const QStringList& keywords, bool addCheap = true) {
            if (addCheap) args += cheap;
            QTest::newRow(name) << args << keywords;
        };
        row("unknown key in a config file", {"run", "--config", "@DIR@/unknown_key.json", "--scale", "0.02"},
            {"bogus_key", "unknown_key.json"});
        row("malformed config file", {"run", "--config", "@DIR@/broken.json", "--scale", "0.02"}, {"broken.json", "JSON"});
        row("bad value in a config file", {"run", "--config", "@DIR@/bad_value.json", "--scale", "0.02"},
            {"bg_input_type", "foo"});
        row("missing config file", {"run", "--config", "@DIR@/nonexistent.json", "--scale", "0.02"}, {"nonexistent.json"});
        row("--scale 0", {"run", "--scale", "0", "--out", "@DIR@/scale0"}, {"scale", "0"});
        row("--scale -1", {"run", "--scale", "-1", "--out", "@DIR@/scale-1"}, {"scale", "-1"});
        row("--n-scaling 0", {"run", "--n-scaling", "0", "--out", "@DIR@/n0"}, {"scaling", "0"});
        row("--k-scaling 0", {"run", "--k-scaling", "0", "--out", "@DIR@/k0"}, {"scaling", "0"});
        row("--dt 0", {"run", "--dt", "0", "--scale", "0.02", "--out", "@DIR@/dt0"}, {"--dt|sim_resolution", "0"});
        row("--dt -1", {"run", "--dt", "-1", "--scale", "0.02", "--out", "@DIR@/dt-1"}, {"--dt|sim_resolution", "-1"});
        row("--t-sim -5", {"run", "--scale", "0.02", "--out", "@DIR@/tsim", "--t-sim", "-5", "--t-presim", "0", "-q"},
            {"t-sim|t_sim", "-5"}, false);
        row("--t-presim -3", {"run", "--scale", "0.02", "--out", "@DIR@/tpresim", "--t-sim", "1", "--t-presim", "-3", "-q"},
            {"t-presim|t_presim", "-3"}, false);
        row("--seed -5", {"run", "--seed", "-5", "--scale", "0.02", "--out", "@DIR@/seed"}, {"seed", "-5"});
        row("--threads -3", {"run", "--threads", "-3", "--scale", "0.02", "--out", "@DIR@/threads"}, {"threads", "-3"});
        row("--drive foo", {"run", "--drive", "foo", "--scale", "0.02", "--out", "@DIR@/drive"}, {"drive", "foo"});
        row("--v0 bar", {"run", "--v0", "bar", "--scale", "0.02", "--out", "@DIR@/v0"}, {"v0", "bar"});
        row("network too large (--scale 10)", {"run", "--scale", "10", "--out", "@DIR@/huge"}, {"network too large"});
        row("unwritable output folder", {"run", "--scale", "0.02", "--out", "/proc/nope"}, {"/proc/nope"});
        row("output folder is a file", {"run", "--scale", "0.02", "--out", "@DIR@/broken.json"}, {"broken.json"});
        row("bench --scale 0", {"bench", "--scale", "0", "--t-sim", "1"}, {"scale", "0"}, false);
        row("bench network too large", {"bench", "--scale", "10", "--t-sim", "1"}, {"network too large"}, false);
    }
    void refusedInput() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, keywords);
        for (QString& a : args) a.replace("@DIR@", m_dir.path());
        const Result r = runCli(args, m_dir.path());
        QVERIFY(r.finished);
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.exitCode != 0, qPrintable("accepted: " + args.join(' ') + "\n" + r.out.left(200)));
        QVERIFY2(!r.out.contains("neurons"), "a simulation ran");
        bool found = false;
        for (const QString& line : r.err.split('\n'))
            if (lineHasAll(line, keywords)) found = true;
        QVERIFY2(found, qPrintable(QString("no stderr line names %1:\n%2").arg(keywords.join(", "), r.err)));
    }

    // A short run writes the reference's output folder.
    void runWritesReferenceOutputFolder() {
        const QString out = path("run_out");
        const Result r = runCli({"run", "--scale", "0.02", "--t-sim", "200", "--t-presim", "100", "--out", out,
                                 "--no-figures"},
                                m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // population_nodeids.dat: 8 contiguous ranges from 1.
        const auto ids = readNodeIds(out);
        QCOMPARE(ids.size(), 8);
        QCOMPARE(ids[0].first, 1);
        for (int p = 1; p < 8; ++p) QCOMPARE(ids[p].first, ids[p - 1].second + 1);
        const int total = ids[7].second;
        QVERIFY(total > 1000 && total < 2000); // 0.02 * 77169
        for (const char* f : {"sim_dict.json", "net_dict.json", "stim_dict.json"}) {
            QJsonParseError e{};
            QJsonDocument::fromJson(readAll(out + "/" + f).toUtf8(), &e);
            QVERIFY2(e.error == QJsonParseError::NoError, f);
        }
        // Spike files spike_recorder-<total + 1 + p>-0.dat.
        QStringList rates = readAll(out + "/rates.csv").split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rates.size(), 9);
        QCOMPARE(rates[0], QString("population,mean,std"));
        const char* names[8] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
        int allSpikes = 0;
        for (int p = 0; p < 8; ++p) {
            const QString file = QString("%1/spike_recorder-%2-0.dat").arg(out).arg(total + 1 + p);
            QVERIFY2(QFile::exists(file), qPrintable(file));
            int spikes = 0, after = 0;
            const QString problem = checkSpikeFile(file, ids[p].first, ids[p].second, 300.0, &spikes, 100.0, &after);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            allSpikes += spikes;
            // rates.csv: mean over neurons of the rate over [t_presim, t_presim + t_sim).
            const QStringList cols = rates[p + 1].split(',');
            QCOMPARE(cols.size(), 3);
            QCOMPARE(cols[0], QString(names[p]));
            const double expected = after / ((ids[p].second - ids[p].first + 1) * 0.2);
            QVERIFY2(std::abs(cols[1].toDouble() - expected) <= 1e-5 + 1e-6 * expected,
                     qPrintable(QString("%1: rates.csv %2, spike file %3").arg(names[p], cols[1]).arg(expected)));
            QVERIFY(cols[2].toDouble() >= 0.0);
        }
        QVERIFY2(allSpikes > 50, qPrintable(QString("%1 spikes").arg(allSpikes)));
        // No spike file for ids that are not recorders.
        QVERIFY(!QFile::exists(QString("%1/spike_recorder-%2-0.dat").arg(out).arg(total + 9)));
    }

    // The files of `run` are byte-identical for 1 and 3 threads.
    void spikeFilesIdenticalForAnyThreadCount() {
        QStringList files[2];
        const QString outs[2] = {path("threads1"), path("threads3")};
        const char* threads[2] = {"1", "3"};
        for (int k = 0; k < 2; ++k) {
            const Result r = runCli({"run", "--scale", "0.03", "--t-sim", "200", "--t-presim", "0", "--threads",
                                     threads[k], "--out", outs[k], "--no-figures", "-q"},
                                    m_dir.path());
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            files[k] = QDir(outs[k]).entryList({"spike_recorder-*.dat"}, QDir::Files, QDir::Name);
        }
        QCOMPARE(files[0].size(), 8);
        QCOMPARE(files[0], files[1]);
        qint64 bytes = 0;
        for (const QString& f : files[0]) {
            const QString a = readAll(outs[0] + "/" + f), b = readAll(outs[1] + "/" + f);
            QVERIFY2(a == b, qPrintable(f + " differs between 1 and 3 threads"));
            bytes += a.size();
        }
        QVERIFY(bytes > 8 * kHeader.size() + 1000); // spikes, not only headers
        QCOMPARE(readAll(outs[0] + "/rates.csv"), readAll(outs[1] + "/rates.csv"));
    }

    // MODEL.md: configurations that leave populations below rheobase must be flagged.
    void dcDriveAtScaleTenthWarnsAboutRheobase() {
        const Result r = runCli({"run", "--scale", "0.1", "--drive", "dc", "--t-sim", "1", "--t-presim", "0", "--out",
                                 path("dc_out"), "--no-figures", "-q"},
                                m_dir.path());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("warning") && r.err.contains("rheobase"), qPrintable(r.err));
        // Poisson drive at the same scale: no warning.
        const Result p = runCli({"run", "--scale", "0.1", "--t-sim", "1", "--t-presim", "0", "--out", path("p_out"),
                                 "--no-figures", "-q"},
                                m_dir.path());
        QCOMPARE(p.exitCode, 0);
        QVERIFY2(!p.err.contains("rheobase"), qPrintable(p.err));
    }

    void benchPrintsOneJsonObject() {
        const Result r = runCli({"bench", "--scale", "0.02", "--t-sim", "100"}, m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QJsonParseError e{};
        const QJsonDocument doc = QJsonDocument::fromJson(lines[0].toUtf8(), &e);
        QVERIFY2(e.error == QJsonParseError::NoError && doc.isObject(), qPrintable(lines[0]));
        const QJsonObject o = doc.object();
        for (const char* key : {"neurons", "synapses", "construction_s", "simulation_s", "rtf", "spikes", "peak_rss_mb",
                                "threads"})
            QVERIFY2(o.contains(key) && o[key].isDouble(), key);
        QVERIFY(o["neurons"].toInt() > 1000 && o["neurons"].toInt() < 2000);
        QVERIFY(o["synapses"].toDouble() > 100000);
        QVERIFY(o["rtf"].toDouble() > 0.0);
        QVERIFY(o["simulation_s"].toDouble() > 0.0);
        QVERIFY(o["peak_rss_mb"].toDouble() > 1.0);
        QVERIFY(o["threads"].toInt() >= 1);
        QVERIFY(o["spikes"].toDouble() >= 0.0);
    }

    // bench --phases: per worker, the phases of a step add up to the step's
    // wall time, and timing them does not change the spikes.
    void benchPhasesAddUpToTheStepTime() {
        const auto bench = [&](bool phases) {
            QStringList args{"bench", "--scale", "0.05", "--t-sim", "500", "--threads", "2"};
            if (phases) args << "--phases";
            const Result r = runCli(args, m_dir.path());
            if (r.exitCode != 0) qWarning("%s", qPrintable(r.err));
            return QJsonDocument::fromJson(r.out.toUtf8()).object();
        };
        const QJsonObject plain = bench(false), timed = bench(true);
        QVERIFY(!plain.isEmpty() && !timed.isEmpty());
        QVERIFY(!plain.contains("phases"));
        QCOMPARE(timed["spikes"].toDouble(), plain["spikes"].toDouble());
        const QJsonArray workers = timed["phases"].toArray();
        QCOMPARE(workers.size(), timed["threads"].toInt());
        const double stepNs = timed["simulation_s"].toDouble() * 1e9 / 5000.0; // 500 ms at 0.1 ms
        for (const QJsonValue& w : workers) {
            const QJsonObject o = w.toObject();
            QCOMPARE(o["steps"].toInt(), 5000);
            double sum = 0.0;
            for (const char* key : {"enqueue_ns", "deliver_ns", "update_ns", "deliver_ahead_ns", "wait_ns"}) {
                QVERIFY2(o[key].isDouble() && o[key].toDouble() >= 0.0, key);
                sum += o[key].toDouble();
            }
            QVERIFY(o["update_ns"].toDouble() > 0.0);
            // The stepping loop's time: all of the run but starting the workers
            // (which a loaded machine can delay) and the run's own bookkeeping.
            QVERIFY2(sum <= stepNs * 1.01 && sum >= stepNs * 0.5,
                     qPrintable(QString("phases %1 ns against %2 ns per step").arg(sum).arg(stepNs)));
        }
    }

    // SIGINT during a long run: exit 130, and every line of every spike file
    // parses. The run writes into "<out>.incomplete-<pid>", renamed
    // "<out>.interrupted-<pid>" when it stops; "<out>" itself is not created.
    void interruptedRunLeavesValidSpikeFiles() {
        const QString out = path("interrupted");
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(MC_BINARY), {"run", "--scale", "0.1", "--t-sim", "600000", "--t-presim", "0", "--out", out,
                                            "--no-figures", "-q"});
        QVERIFY(p.waitForStarted(10000));
        const QString pid = QString::number(p.processId());
        const QString work = out + ".incomplete-" + pid;
        // Wait until spikes have been written (after the build), then ~1 s more.
        QTRY_COMPARE_WITH_TIMEOUT(readNodeIds(work).size(), 8, 30000);
        const QString firstFile = QString("%1/spike_recorder-%2-0.dat").arg(work).arg(readNodeIds(work)[7].second + 1);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(firstFile).size() > 200, 30000);
        QTest::qWait(1000);
        QCOMPARE(p.state(), QProcess::Running);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished();
            QFAIL("the run did not stop within 30 s of SIGINT");
        }
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("interrupted"));
        QVERIFY(!QFileInfo::exists(out));
        QVERIFY(!QFileInfo::exists(work));
        const QString kept = out + ".interrupted-" + pid;
        const auto ids = readNodeIds(kept);
        QCOMPARE(ids.size(), 8);
        int all = 0;
        for (int pop = 0; pop < 8; ++pop) {
            int spikes = 0;
            const QString file = QString("%1/spike_recorder-%2-0.dat").arg(kept).arg(ids[7].second + 1 + pop);
            const QString problem = checkSpikeFile(file, ids[pop].first, ids[pop].second, 600000.0, &spikes);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            all += spikes;
        }
        QVERIFY(all > 100);
        QVERIFY(QFile::exists(kept + "/rates.csv"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

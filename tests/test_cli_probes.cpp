// Membrane potentials from the command line: "voltmeter" in sim.rec_dev
// writes NEST's voltmeter files (every neuron every rec_V_int ms), --probe
// writes the chosen neurons at every step in the same format; neither
// changes a spike file; bad --probe values are refused with exit status 2;
// --overwrite removes earlier voltmeter files; analyze reads such a folder
// and writes the pulse-locked PSTH of a run with a thalamic pulse.
#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>

#ifndef MC_BINARY
#error "MC_BINARY (path of the microcircuit executable) must be defined by the build"
#endif

namespace {

struct Result {
    int exitCode = -1;
    QString out, err;
};

Result runCli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(MC_BINARY), args);
    Result r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(180000)) return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// A voltmeter file parsed back: (sender, time stamp in µs) -> V_m. Fails
/// (returns an error text) on a bad header or line.
struct Samples {
    QMap<QPair<int, qint64>, double> vm;
    QList<qint64> times; ///< distinct time stamps in file order
};
QString parseVoltmeter(const QString& file, Samples& out) {
    const QList<QByteArray> lines = readAll(file).split('\n');
    if (lines.size() < 4 || lines[0] != "# NEST version: 3.9" || lines[1] != "# RecordingBackendASCII version: 2" ||
        lines[2] != "sender\ttime_ms\tV_m")
        return file + ": not NEST's voltmeter header";
    if (!lines.last().isEmpty()) return file + ": does not end with a newline";
    for (int i = 3; i + 1 < lines.size(); ++i) {
        const QList<QByteArray> c = lines[i].split('\t');
        bool ok1 = false, ok2 = false, ok3 = false;
        if (c.size() != 3) return QString("%1:%2: %3 columns").arg(file).arg(i + 1).arg(c.size());
        const int sender = c[0].toInt(&ok1);
        const qint64 t = qRound64(c[1].toDouble(&ok2) * 1000.0);
        const double v = c[2].toDouble(&ok3);
        if (!ok1 || !ok2 || !ok3 || c[1].split('.').value(1).size() != 3 || c[2].split('.').value(1).size() != 3)
            return QString("%1:%2: bad line '%3'").arg(file).arg(i + 1).arg(QString(lines[i]));
        out.vm[{sender, t}] = v;
        if (out.times.isEmpty() || out.times.last() != t) out.times.append(t);
    }
    return {};
}

QList<QPair<int, int>> nodeIds(const QString& folder) {
    QList<QPair<int, int>> ids;
    for (const QByteArray& l : readAll(folder + "/population_nodeids.dat").split('\n'))
        if (const auto p = l.split(' '); p.size() == 2) ids.append({p[0].toInt(), p[1].toInt()});
    return ids;
}

} // namespace

class TestCliProbes : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString path(const QString& n) const { return m_dir.filePath(n); }
    QStringList cheap() const { return {"--scale", "0.02", "--t-presim", "0", "--t-sim", "60", "--no-figures", "-q"}; }
    void write(const QString& name, const QByteArray& text) {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        write("voltmeter.json", R"({"sim": {"rec_dev": ["spike_recorder", "voltmeter"], "rec_V_int": 2.0}})");
        write("voltmeter1.json", R"({"sim": {"rec_dev": ["spike_recorder", "voltmeter"]}})");
        write("multimeter.json", R"({"sim": {"rec_dev": ["multimeter"]}})");
        write("interval.json", R"({"sim": {"rec_dev": ["voltmeter"], "rec_V_int": 0.15}})");
        const Result plain = runCli(QStringList{"run", "--out", path("plain")} + cheap());
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
    }

    void voltmeterRecordsEveryNeuronEveryInterval() {
        const QString out = path("volt");
        const Result r = runCli(QStringList{"run", "--config", path("voltmeter.json"), "--out", out} + cheap());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto ids = nodeIds(out);
        QCOMPARE(ids.size(), 8);
        const int total = ids[7].second;
        for (int p = 0; p < 8; ++p) {
            // Ids after the 8 spike recorders, as the reference creates them.
            const QString file = QString("%1/voltmeter-%2-0.dat").arg(out).arg(total + 9 + p);
            Samples s;
            const QString problem = parseVoltmeter(file, s);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            const int n = ids[p].second - ids[p].first + 1;
            QCOMPARE(s.vm.size(), n * 30); // 2, 4, ..., 60 ms
            QCOMPARE(s.times.size(), 30);
            QCOMPARE(s.times.first(), qint64(2000));
            QCOMPARE(s.times.last(), qint64(60000));
            for (auto it = s.vm.begin(); it != s.vm.end(); ++it) {
                QVERIFY(it.key().first >= ids[p].first && it.key().first <= ids[p].second);
                QVERIFY2(it.value() > -120.0 && it.value() < -50.0, qPrintable(QString::number(it.value())));
            }
        }
        // sim_dict.json keeps the devices, as the reference's.
        QVERIFY(readAll(out + "/sim_dict.json").contains("\"voltmeter\""));
        // Spikes are those of a run without the voltmeter, byte for byte.
        for (const QString& f : QDir(path("plain")).entryList({"spike_recorder-*.dat"}))
            QVERIFY2(readAll(out + "/" + f) == readAll(path("plain/") + f), qPrintable(f));
        // analyze takes the folder (it ignores the voltmeter files).
        const Result a = runCli({"analyze", out, "--t-min", "0", "-q"});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err + a.out));
    }

    void probeRecordsEveryStepAndAgreesWithTheVoltmeter() {
        const QString out = path("probe");
        const Result r = runCli(QStringList{"run", "--probe", "L4E:0,L23I:5,L4E:7", "--out", out} + cheap());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto ids = nodeIds(out);
        const int total = ids[7].second;
        QStringList files = QDir(out).entryList({"voltmeter-*.dat"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 2); // L23I and L4E only
        Samples l23i, l4e;
        QVERIFY(parseVoltmeter(QString("%1/voltmeter-%2-0.dat").arg(out).arg(total + 9 + 1), l23i).isEmpty());
        QVERIFY(parseVoltmeter(QString("%1/voltmeter-%2-0.dat").arg(out).arg(total + 9 + 2), l4e).isEmpty());
        QCOMPARE(l23i.vm.size(), 600); // every 0.1 ms of 60 ms
        QCOMPARE(l4e.vm.size(), 1200);
        QCOMPARE(l23i.times.first(), qint64(100));
        QVERIFY(l23i.vm.contains({ids[1].first + 5, 100}));
        QVERIFY(l4e.vm.contains({ids[2].first, 60000}));
        QVERIFY(l4e.vm.contains({ids[2].first + 7, 60000}));
        // The same neurons in the voltmeter's files (every 1 ms): the same values.
        const QString volt = path("volt1");
        const Result v = runCli(QStringList{"run", "--config", path("voltmeter1.json"), "--out", volt} + cheap());
        QVERIFY2(v.exitCode == 0, qPrintable(v.err));
        Samples all;
        QVERIFY(parseVoltmeter(QString("%1/voltmeter-%2-0.dat").arg(volt).arg(total + 9 + 2), all).isEmpty());
        int compared = 0;
        for (auto it = l4e.vm.begin(); it != l4e.vm.end(); ++it)
            if (it.key().second % 1000 == 0) {
                QCOMPARE(all.vm.value(it.key(), 999.0), it.value());
                ++compared;
            }
        QCOMPARE(compared, 120);
        for (const QString& f : QDir(path("plain")).entryList({"spike_recorder-*.dat"}))
            QVERIFY2(readAll(out + "/" + f) == readAll(path("plain/") + f), qPrintable(f));
        // A rerun with --overwrite and no probes leaves no voltmeter file behind.
        const Result again = runCli(QStringList{"run", "--overwrite", "--out", out} + cheap());
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QCOMPARE(QDir(out).entryList({"voltmeter-*.dat"}).size(), 0);
    }

    void badProbesAreRefused_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::newRow("index too large") << QStringList{"--probe", "L4E:100000"} << "L4E:100000";
        QTest::newRow("unknown population") << QStringList{"--probe", "L7E:1"} << "L7E:1";
        QTest::newRow("no index") << QStringList{"--probe", "L4E"} << "L4E";
        QTest::newRow("negative index") << QStringList{"--probe", "L4E:-1"} << "L4E:-1";
        QTest::newRow("trailing comma") << QStringList{"--probe", "L4E:1,"} << "--probe";
        QTest::newRow("probe and voltmeter")
            << QStringList{"--probe", "L4E:1", "--config", path("voltmeter.json")} << "rec_dev";
        QTest::newRow("unknown device") << QStringList{"--config", path("multimeter.json")} << "multimeter";
        QTest::newRow("interval off the grid") << QStringList{"--config", path("interval.json")} << "rec_V_int";
    }
    void badProbesAreRefused() {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        const Result r = runCli(QStringList{"run"} + args + QStringList{"--out", path("refused")} + cheap());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("refused/population_nodeids.dat")));
    }
};

QTEST_GUILESS_MAIN(TestCliProbes)
#include "test_cli_probes.moc"

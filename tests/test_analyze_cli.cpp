// `microcircuit analyze` end to end: a short run, then its analysis, whose
// rates must equal the run's rates.csv; figures; and bad input (exit code 2
// and a one-line message naming the problem).
#include "test_helpers.hpp"

#include "microcircuit/analysis.hpp"
#include "microcircuit/spike_data.hpp"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out, err;
};

Result runBinary(const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(MC_BINARY, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestAnalyzeCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_run, m_run2;

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_run = m_dir.filePath("run");
        const Result r = runBinary(
            {"run", "--scale", "0.05", "--t-presim", "100", "--t-sim", "300", "--threads", "1", "--out", m_run, "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_run2 = m_dir.filePath("run2");
        const Result r2 = runBinary({"run", "--scale", "0.05", "--t-presim", "100", "--t-sim", "300", "--seed", "56",
                                     "--threads", "1", "--out", m_run2, "-q"});
        QVERIFY2(r2.exitCode == 0, r2.err.constData());
    }

    /// `analyze A --reference B` on two different runs: each KS distance is
    /// that of its own statistic, computed here from the definition.
    void referenceGivesTheKsDistancesOfTwoRuns() {
        const Result r = runBinary({"analyze", m_run, "--reference", m_run2, "--json", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        const mc::AnalysisResult a = mc::analyzeSpikes(mc::readSpikeFolder(m_run.toStdString()), {});
        const mc::AnalysisResult b = mc::analyzeSpikes(mc::readSpikeFolder(m_run2.toStdString()), {});
        QCOMPARE(a.tMin, 100.0);
        int distinct = 0;
        for (std::size_t p = 0; p < a.populations.size(); ++p) {
            const auto& pa = a.populations[p];
            const auto& pb = b.populations[p];
            const QJsonObject ks = json[QString::fromStdString(pa.name)].toObject()["ks"].toObject();
            const double rates = mc::test::definitionKs(pa.rates, pb.rates);
            const double cvs = mc::test::definitionKs(pa.cvs, pb.cvs);
            const double ccs = mc::test::definitionKs(pa.ccs, pb.ccs);
            const QString what = QString("%1: KS rates %2 / %3, CVs %4 / %5, CCs %6 / %7")
                                     .arg(pa.name.c_str())
                                     .arg(ks["rates"].toDouble(-1)).arg(rates)
                                     .arg(ks["cvs"].toDouble(-1)).arg(cvs)
                                     .arg(ks["ccs"].toDouble(-1)).arg(ccs);
            // Undefined (no neuron with 3 spikes, no defined pair) is null.
            const auto same = [](const QJsonValue& v, double x) {
                return std::isnan(x) ? v.isNull() : std::abs(v.toDouble(-1) - x) < 1e-12;
            };
            QVERIFY2(same(ks["rates"], rates), qPrintable(what));
            QVERIFY2(same(ks["cvs"], cvs), qPrintable(what));
            QVERIFY2(same(ks["ccs"], ccs), qPrintable(what));
            QVERIFY2(rates > 0.0, qPrintable(what)); // two different runs
            if (std::abs(cvs - ccs) > 0.01) ++distinct; // NaN counts as not distinct
        }
        QVERIFY2(distinct >= 4, "the CV and CC distances must differ for a swap to show");
    }

    void ratesEqualRatesCsv() {
        // rates.csv and analyze both count spikes stamped in [t_presim, end] =
        // [100, 400] ms and divide by the same 300 ms; analyze takes the
        // interval from the folder's sim_dict.json by default.
        const Result r = runBinary({"analyze", m_run, "--json", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError pe;
        const QJsonObject json = QJsonDocument::fromJson(r.out, &pe).object();
        QVERIFY2(pe.error == QJsonParseError::NoError, r.out.constData());
        QFile csv(m_run + "/rates.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readLine().trimmed(), QByteArray("population,mean,std"));
        const QStringList pops{"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
        const double factor = 1.0;
        double total = 0.0;
        for (const QString& pop : pops) {
            const QList<QByteArray> f = csv.readLine().trimmed().split(',');
            QCOMPARE(QString(f[0]), pop);
            const QJsonObject o = json.value(pop).toObject();
            QVERIFY2(!o.isEmpty(), qPrintable(pop));
            for (const char* key : {"mean_rate", "std_rate", "mean_cv", "mean_cc", "n_neurons"})
                QVERIFY2(o.contains(key), key);
            QVERIFY(std::abs(o["mean_rate"].toDouble() * factor - f[1].toDouble()) < 2e-6);
            QVERIFY(std::abs(o["std_rate"].toDouble() * factor - f[2].toDouble()) < 2e-6);
            QVERIFY(o["n_neurons"].toInt() > 0);
            total += o["mean_rate"].toDouble();
        }
        QVERIFY(total > 1.0); // the network is active
    }

    void tableAndReference() {
        const Result r = runBinary({"analyze", m_run, "--t-min", "100", "--reference", m_run, "--json", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json.size(), 8);
        const QJsonObject ks = json["L4E"].toObject()["ks"].toObject();
        QCOMPARE(ks["rates"].toDouble(-1), 0.0);
        QCOMPARE(ks["cvs"].toDouble(-1), 0.0);
        QCOMPARE(ks["ccs"].toDouble(-1), 0.0);
        const Result t = runBinary({"analyze", m_run, "--t-min", "100", "-q"});
        QVERIFY(t.exitCode == 0 && t.out.contains("L6I") && t.out.contains("mean CV"));
    }

    void figures() {
#ifdef MC_WITH_GUI
        QVERIFY(QFile::exists(m_run + "/raster.png")); // drawn by `run`
        QVERIFY(QFile::exists(m_run + "/boxplot.png"));
        const QString out = m_dir.filePath("figs");
        const Result r =
            runBinary({"analyze", m_run, "--t-min", "100", "--figures", "--figures-out", out, "--format", "svg", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char* f : {"raster.svg", "boxplot.svg", "distributions.svg"})
            QVERIFY2(QFile::exists(out + "/" + f), f);
#else
        QSKIP("figures need the Qt build");
#endif
    }

    void badInput_data() {
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing folder") << "none" << QStringList{} << "not a folder";
        QTest::newRow("no table") << "notable" << QStringList{} << "population_nodeids.dat: missing";
        QTest::newRow("malformed row") << "badrow" << QStringList{} << "spike_recorder-9-0.dat:4:";
        QTest::newRow("id outside table") << "badid" << QStringList{} << "sender id 99";
        QTest::newRow("no spikes") << "empty" << QStringList{} << "hold no spikes";
        QTest::newRow("interval without data")
            << "run" << QStringList{"--t-min", "5000", "--t-max", "6000"} << "no spikes in the interval";
        QTest::newRow("empty interval") << "run" << QStringList{"--t-min", "300", "--t-max", "200"} << "is empty";
        QTest::newRow("negative start") << "run" << QStringList{"--t-min", "-5"} << "--t-min -5.000 must be >= 0 ms";
    }
    void badInput() {
        QFETCH(QString, setup);
        QFETCH(QStringList, extra);
        QFETCH(QString, message);
        QString dir = m_dir.filePath("bad-" + setup);
        if (setup == "run") {
            dir = m_run;
        } else if (setup != "none") {
            QVERIFY(QDir().mkpath(dir));
            if (setup != "notable") writeFile(dir + "/population_nodeids.dat", "1 4\n5 8\n");
            QByteArray rows = "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n";
            if (setup == "badrow") rows += "1\t2.5 x\n";
            if (setup == "badid") rows += "99\t2.5\n";
            if (setup == "notable") rows += "1\t2.5\n";
            writeFile(dir + "/spike_recorder-9-0.dat", rows);
        }
        const Result r = runBinary(QStringList{"analyze", dir, "-q"} + extra);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains(message.toUtf8()), r.err.constData());
        QCOMPARE(r.err.count('\n'), 1); // one line
    }
};

QTEST_GUILESS_MAIN(TestAnalyzeCli)
#include "test_analyze_cli.moc"

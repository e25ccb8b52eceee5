// Spectra, pulse-locked PSTHs and the health check against the reference
// (microcircuit/spectrum.hpp, reference_check.hpp; `analyze --spectra
// --psth --health`): synthetic signals and trains with known answers, then
// short real runs.
#include "test_helpers.hpp"

#include "microcircuit/reference_check.hpp"
#include "microcircuit/spectrum.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace mc;

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out, err;
};

Result runBinary(const QStringList& args) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(MC_BINARY, args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

PopulationSpikes population(int n) {
    PopulationSpikes p;
    p.name = "X";
    p.firstId = 1;
    p.lastId = n;
    return p;
}

/// n neurons firing as inhomogeneous Poisson processes of rate
/// r (1 + m sin(2 pi f t)) over [0, ms] (thinning).
PopulationSpikes modulatedTrains(int n, double r, double m, double f, double ms, unsigned seed) {
    PopulationSpikes p = population(n);
    std::mt19937_64 rng(seed);
    const double rMax = r * (1.0 + m);
    std::exponential_distribution<double> isi(rMax * 1e-3);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < n; ++i) {
        for (double t = isi(rng); t <= ms; t += isi(rng))
            if (u(rng) * rMax <= r * (1.0 + m * std::sin(2.0 * std::numbers::pi * f * t * 1e-3))) p.times.push_back(t);
        p.offsets.push_back(p.times.size());
    }
    return p;
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestActivity : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    /// A 40 Hz sinusoid of amplitude a: the peak at 40 Hz, and its power
    /// (summed over the peak's bins) a^2 / 2, the sinusoid's variance.
    void sinusoidGivesPeakAndPower() {
        if (!haveSpectra()) QSKIP("built without FFTW3");
        std::vector<double> x(10000);
        const double a = 3.0;
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = 5.0 + a * std::sin(2.0 * std::numbers::pi * 40.0 * i * 1e-3);
        const Spectrum s = welchSpectrum(x);
        QCOMPARE(s.resolutionHz, 1.0);
        QCOMPARE(s.segments, 19);
        QVERIFY2(std::abs(s.peakHz - 40.0) <= s.resolutionHz, qPrintable(QString::number(s.peakHz)));
        QCOMPARE(s.freqHz.back(), 500.0);
        double band = 0.0;
        for (std::size_t k = 35; k <= 45; ++k) band += s.power[k] * s.resolutionHz;
        QVERIFY2(std::abs(band - a * a / 2.0) < 0.01 * a * a / 2.0, qPrintable(QString::number(band)));
        QVERIFY(s.power[0] < 1e-12); // the mean is removed
    }

    /// Independent Poisson neurons: flat at 2 r / N (one-sided density of
    /// the rate per neuron); the same neurons modulated at 40 Hz peak there.
    void poissonIsFlatModulatedPeaks() {
        if (!haveSpectra()) QSKIP("built without FFTW3");
        const int n = 200;
        const double r = 10.0;
        const Spectrum flat = populationSpectrum(modulatedTrains(n, r, 0.0, 40.0, 20000.0, 1), 0.0, 20000.0);
        double sum = 0.0;
        int count = 0;
        for (std::size_t k = 0; k < flat.freqHz.size(); ++k)
            if (flat.freqHz[k] >= 5.0 && flat.freqHz[k] < 495.0) {
                sum += flat.power[k];
                ++count;
            }
        const double level = sum / count, expected = 2.0 * r / n;
        QVERIFY2(std::abs(level / expected - 1.0) < 0.05, qPrintable(QString("%1 vs %2").arg(level).arg(expected)));
        const Spectrum mod = populationSpectrum(modulatedTrains(n, r, 0.5, 40.0, 20000.0, 2), 0.0, 20000.0);
        QVERIFY2(std::abs(mod.peakHz - 40.0) <= mod.resolutionHz, qPrintable(QString::number(mod.peakHz)));
        // The sinusoid's power, (r m)^2 / 2 = 12.5, stands on the flat floor.
        QVERIFY(mod.power[40] > 30.0 * expected); // Hann: the peak bin holds 1/1.5 of it
    }

    /// Every neuron spikes 5.3 ms after each onset: the mean is 1000 Hz per
    /// neuron in the 5 ms bin, 0 elsewhere, the s.e.m. over identical trials
    /// is 0, and a trial whose window leaves the data is left out.
    void psthOfLockedTrains() {
        PopulationSpikes p = population(10);
        const std::vector<double> onsets{1000.0, 2000.0, 3000.0, 4000.0, 4950.0};
        for (int i = 0; i < 10; ++i)
            for (double t : onsets) p.times.push_back(t + 5.3);
        const Psth h = pulsePsth(p, onsets, 5000.0);
        QCOMPARE(h.trials, 4);
        QCOMPARE(h.timeMs.size(), std::size_t{200});
        QCOMPARE(h.timeMs[50], 0.0);
        QCOMPARE(h.peakMs, 5.0);
        QCOMPARE(h.mean[55], 1000.0);
        for (std::size_t b = 0; b < h.mean.size(); ++b) {
            if (b != 55) QCOMPARE(h.mean[b], 0.0);
            QCOMPARE(h.sem[b], 0.0);
        }
        // Different heights per trial: s.e.m. = sd(ddof 1) / sqrt(trials).
        PopulationSpikes q = population(1);
        q.times = {1010.5, 2010.5, 2010.6};
        const std::vector<double> two{1000.0, 2000.0};
        const Psth g = pulsePsth(q, two, 3000.0);
        QCOMPARE(g.mean[60], 1500.0);
        QVERIFY(std::abs(g.sem[60] - 500.0) < 1e-9); // values 1000 and 2000 Hz
    }

    /// Reference rates are those of MODEL.md for the scale and drive; a
    /// synchronous synthetic population is named in the verdict.
    void healthNamesTheProblem() {
        QVERIFY(referenceRates(0.1, 0.1, true).has_value());
        QVERIFY(!referenceRates(0.1, 0.1, false).has_value()); // the silent DC network has no reference
        QCOMPARE((*referenceRates(1.0, 1.0, false))[2], 4.414);
        // 100 neurons sharing one 5 Hz Poisson train: synchronous.
        SpikeData data;
        PopulationSpikes lock = modulatedTrains(1, 5.0, 0.0, 40.0, 2000.0, 3);
        PopulationSpikes p = population(100);
        p.name = "L5E";
        for (int i = 0; i < 100; ++i) {
            p.times.insert(p.times.end(), lock.times.begin(), lock.times.end());
            p.offsets.push_back(p.times.size());
        }
        data.populations.push_back(p);
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.3; // no reference rates
        const HealthReport r = checkAgainstReference(data, 0.0, 2000.0, c);
        QVERIFY(!r.healthy && !r.haveReference);
        QVERIFY2(QString::fromStdString(r.verdict).startsWith("synchronous: L5E population Fano factor"),
                 r.verdict.c_str());
        QVERIFY(r.populations[0].health.fano > 50.0);
    }

    /// A default run is healthy; its spectra and the CLI's files agree.
    void defaultRunIsHealthy() {
        const QString run = m_dir.filePath("default");
        Result r = runBinary({"run", "--t-presim", "300", "--t-sim", "1000", "--threads", "2", "--out", run, "--no-figures", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runBinary({"analyze", run, "--health", "--json", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject health = QJsonDocument::fromJson(r.out).object()["health"].toObject();
        QVERIFY2(health["healthy"].toBool(), r.out.constData());
        QCOMPARE(health["verdict"].toString(), QString("asynchronous irregular, like the reference"));
        const Result t = runBinary({"analyze", run, "-q"});
        QVERIFY(t.out.contains("health: asynchronous irregular, like the reference"));
        r = runBinary({"analyze", run, "--spectra", "-q"});
        if (!haveSpectra()) {
            QVERIFY2(r.exitCode == 2 && r.err.contains("FFTW3"), r.err.constData());
            return;
        }
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject spectra = readJson(run + "/spectra.json")["populations"].toObject();
        QCOMPARE(spectra.size(), 8);
        const QJsonObject l4e = spectra["L4E"].toObject();
        QCOMPARE(l4e["frequency_hz"].toArray().size(), 501);
        QVERIFY(l4e["peak_hz"].toDouble() > 0.0);
        QVERIFY(QFile::exists(run + "/spectra.csv"));
    }

    /// Without inhibition (g = 0) the network runs away, and with g = -2 it
    /// fires too much: both flagged, the populations named.
    void silentRunIsFlagged() {
        const QString cfg = m_dir.filePath("nobg.json");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"net": {"g": 0.0}})");
        f.close();
        const QString run = m_dir.filePath("nobg");
        Result r = runBinary({"run", "--config", cfg, "--t-presim", "100", "--t-sim", "300", "--threads", "2", "--out",
                              run, "--no-figures", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runBinary({"analyze", run, "--health", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("health: L23E "), r.out.constData());
        QVERIFY(!r.out.contains("like the reference"));
        // g = -2: asynchronous, but every population fires too much; named with its factor.
        f.setFileName(m_dir.filePath("g2.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"net": {"g": -2.0}})");
        f.close();
        const QString g2 = m_dir.filePath("g2");
        r = runBinary({"run", "--config", m_dir.filePath("g2.json"), "--t-presim", "300", "--t-sim", "1000", "--threads",
                       "2", "--out", g2, "--no-figures", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runBinary({"analyze", g2, "--health", "--json", "-q"});
        const QJsonObject h = QJsonDocument::fromJson(r.out).object()["health"].toObject();
        QVERIFY(!h["healthy"].toBool());
        const QJsonObject l5e = h["populations"].toObject()["L5E"].toObject();
        QVERIFY2(!l5e["rate_ok"].toBool() && l5e["rate_ratio"].toDouble() > 2.0, r.out.constData());
        QVERIFY2(h["verdict"].toString().contains("L5E ") && h["verdict"].toString().contains("x above the reference"),
                 r.out.constData());
    }

    /// Repeated thalamic pulses: L4E (which receives thalamic input) peaks
    /// a few ms after each onset; the onsets come from the folder.
    void thalamicPulsesLockL4E() {
        const QString cfg = m_dir.filePath("pulses.json");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"stim": {"thalamic_input": true, "th_start": 400},
                    "events": [{"t_ms": 700, "kind": "thalamic_pulse"}, {"t_ms": 1000, "kind": "thalamic_pulse"}]})");
        f.close();
        const QString run = m_dir.filePath("pulses");
        Result r = runBinary({"run", "--config", cfg, "--t-presim", "200", "--t-sim", "1000", "--threads", "2", "--out",
                              run, "--no-figures", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runBinary({"analyze", run, "--psth", "-q"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject psth = readJson(run + "/psth.json");
        QCOMPARE(psth["onsets_ms"].toArray().size(), 3);
        const QJsonObject l4e = psth["populations"].toObject()["L4E"].toObject();
        QCOMPARE(l4e["trials"].toInt(), 3);
        const double peak = l4e["peak_ms"].toDouble(-1);
        QVERIFY2(peak >= 1.0 && peak <= 10.0, qPrintable(QString::number(peak)));
        // Bad input: no onsets at all, or a negative one.
        const QString plain = m_dir.filePath("nobg");
        r = runBinary({"analyze", plain, "--psth", "-q"});
        QVERIFY2(r.exitCode == 2 && r.err.contains("--onsets"), r.err.constData());
        r = runBinary({"analyze", plain, "--psth", "--onsets", "-5", "-q"});
        QVERIFY2(r.exitCode == 2 && r.err.contains("--onsets"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestActivity)
#include "test_activity.moc"

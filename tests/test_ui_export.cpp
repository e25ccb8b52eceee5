// Exports: figures (PNG/SVG/PDF headers), spikes as CSV and as the
// reference's spike files (parsed back to the same spikes), statistics, and a
// saved session that loads and replays the same spikes.
#include "ui/charts/charts_panel.hpp"
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/recording.hpp"
#include "microcircuit/sonata.hpp"
#include <QApplication>

#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace mc;
using namespace mc::ui;

namespace {

QByteArray head(const QString& path, int n) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.read(n) : QByteArray();
}

std::vector<Spike> toVector(std::span<const Spike> s) {
    return {s.begin(), s.end()};
}

bool equal(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const Spike& x, const Spike& y) {
               return x.neuron == y.neuron && x.step == y.step;
           });
}

void sortSpikes(std::vector<Spike>& v) {
    std::sort(v.begin(), v.end(),
              [](const Spike& a, const Spike& b) { return a.step != b.step ? a.step < b.step : a.neuron < b.neuron; });
}

/// Builds the default network paused and advances it `ms`.
bool buildAndRun(MainWindow& w, double ms, const Config& config = Config{}) {
    SimController* c = w.controller();
    c->pause();
    QSignalSpy built(c, &SimController::built);
    c->rebuild(config);
    if (!built.wait(20000)) return false;
    c->step(ms);
    const auto steps = static_cast<std::int64_t>(std::llround(ms / config.sim.sim_resolution));
    return QTest::qWaitFor([&] { return c->store().endStep() == steps; }, 30000);
}

} // namespace

class TestUiExport : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
        // MC_KEEP_TEST_OUTPUT=1 keeps the exported files for inspection.
        if (qEnvironmentVariableIsSet("MC_KEEP_TEST_OUTPUT")) {
            m_dir.setAutoRemove(false);
            qInfo("exports in %s", qPrintable(m_dir.path()));
        }
    }

    void figuresHaveTheRightHeaders() {
        MainWindow w(2);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(buildAndRun(w, 300.0));
        w.charts()->refresh();
        QTest::qWait(100); // let the charts lay out their new axes
        const QList<QPair<QString, QByteArray>> formats = {
            {"png", QByteArray("\x89PNG\r\n\x1a\n", 8)}, {"svg", "<?xml"}, {"pdf", "%PDF-"}};
        for (const auto& [ext, magic] : formats) {
            const QString box = m_dir.filePath("box_plot." + ext);
            QVERIFY(w.exportBoxPlotTo(box));
            QVERIFY2(head(box, magic.size()) == magic, qPrintable(box));
            const QString raster = m_dir.filePath("raster." + ext);
            QVERIFY(w.exportRasterTo(raster));
            QVERIFY2(head(raster, magic.size()) == magic, qPrintable(raster));
            QVERIFY(QFileInfo(raster).size() > 1000);
            for (int k = 0; k < kNumCharts; ++k) {
                const QString chart = m_dir.filePath(QString("%1.%2").arg(chartStem(ChartKind(k)), ext));
                QVERIFY(w.exportChartTo(ChartKind(k), chart));
                QVERIFY2(head(chart, magic.size()) == magic, qPrintable(chart));
                QVERIFY(QFileInfo(chart).size() > 500);
            }
        }
        QVERIFY(head(m_dir.filePath("raster.svg"), 400).contains("<svg"));
        QImage png(m_dir.filePath("raster.png"));
        QCOMPARE(png.size(), QSize(2000, 1400));
        // An unknown format is refused with a message, not a crash.
        QVERIFY(!w.exportRasterTo(m_dir.filePath("raster.bmpx")));
        QVERIFY(w.lastMessage().contains("format"));
    }

    void spikesCsvParsesBack() {
        MainWindow w(2);
        QVERIFY(buildAndRun(w, 400.0));
        const SpikeStore& store = w.controller()->store();
        for (bool whole : {true, false}) {
            const QString path = m_dir.filePath(whole ? "all.csv" : "visible.csv");
            QVERIFY(w.exportSpikesCsvTo(path, whole));
            std::ifstream in(path.toStdString());
            std::string line;
            std::getline(in, line);
            QCOMPARE(QString::fromStdString(line), QString("population,sender,time_ms"));
            std::vector<Spike> back;
            while (std::getline(in, line)) {
                std::istringstream ss(line);
                std::string pop, sender, time;
                std::getline(ss, pop, ',');
                std::getline(ss, sender, ',');
                std::getline(ss, time, ',');
                const auto neuron = static_cast<std::int32_t>(std::stol(sender) - 1);
                const auto step = static_cast<std::int32_t>(std::llround(std::stod(time) / 0.1) - 1);
                QCOMPARE(QString::fromStdString(pop), QString(kPopNames[store.populationOf(neuron)]));
                back.push_back({neuron, step});
            }
            const double t0 = whole ? 0.0 : w.raster()->t0Ms();
            const double t1 = whole ? 1e12 : w.raster()->t1Ms();
            std::vector<Spike> expected;
            for (const Spike& s : store.all()) {
                const double t = (s.step + 1) * 0.1;
                if (t >= t0 - 1e-9 && t <= t1 + 1e-9) expected.push_back(s);
            }
            QVERIFY(!back.empty());
            QVERIFY(equal(back, expected));
        }
    }

    void nestFilesParseBack() {
        MainWindow w(2);
        QVERIFY(buildAndRun(w, 300.0));
        const QString folder = m_dir.filePath("nest");
        QVERIFY(w.exportSpikesNestTo(folder, true));
        QVERIFY(QFile::exists(folder + "/population_nodeids.dat"));
        QVERIFY(QFile::exists(folder + "/net_dict.json"));
        std::vector<Spike> back;
        int files = 0;
        QDirIterator it(folder, {"spike_recorder-*.dat"}, QDir::Files);
        while (it.hasNext()) {
            ++files;
            std::ifstream in(it.next().toStdString());
            std::string line;
            std::getline(in, line);
            QVERIFY(line.rfind("# NEST version", 0) == 0);
            std::getline(in, line);
            std::getline(in, line);
            QCOMPARE(QString::fromStdString(line), QString("sender\ttime_ms"));
            long sender;
            double time;
            while (in >> sender >> time)
                back.push_back(
                    {static_cast<std::int32_t>(sender - 1), static_cast<std::int32_t>(std::llround(time / 0.1) - 1)});
        }
        QCOMPARE(files, kNumPops);
        sortSpikes(back);
        QVERIFY(equal(back, toVector(w.controller()->store().all())));
        // ... and the same spikes as a SONATA report beside them, read alone.
        if (!sonataAvailable()) return; // a build without libhdf5 writes no report
        const QString sonata = m_dir.filePath("nest_sonata");
        QVERIFY(QDir().mkpath(sonata));
        QVERIFY(QFile::copy(folder + "/spikes.h5", sonata + "/spikes.h5"));
        QVERIFY(QFile::copy(folder + "/population_nodeids.dat", sonata + "/population_nodeids.dat"));
        const SpikeData report = readRecording(sonata.toStdString());
        std::vector<Spike> fromReport;
        for (const PopulationSpikes& pop : report.populations)
            for (int n = 0; n < pop.size(); ++n)
                for (double t : pop.neuron(n))
                    fromReport.push_back({static_cast<std::int32_t>(pop.firstId - 1 + n),
                                          static_cast<std::int32_t>(std::llround(t / 0.1) - 1)});
        sortSpikes(fromReport);
        QVERIFY(equal(fromReport, back));
    }

    void statisticsAndConfig() {
        MainWindow w(2);
        QVERIFY(buildAndRun(w, 300.0));
        QVERIFY(w.exportStatisticsTo(m_dir.filePath("stats.csv")));
        QVERIFY(w.exportStatisticsTo(m_dir.filePath("stats.json")));
        QFile json(m_dir.filePath("stats.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject pops = QJsonDocument::fromJson(json.readAll()).object().value("populations").toObject();
        QCOMPARE(pops.size(), kNumPops);
        QVERIFY(pops.value("L4E").toObject().value("rate_mean_hz").toDouble() > 0.5);
        QCOMPARE(head(m_dir.filePath("stats.csv"), 10), QByteArray("population"));
        QVERIFY(w.saveConfigTo(m_dir.filePath("config.json")));
        Config back;
        applyConfigPath(back, m_dir.filePath("config.json").toStdString());
        QCOMPARE(back.sim.rng_seed, w.controller()->config().sim.rng_seed);
        QCOMPARE(back.net.N_scaling, 0.1);
    }

    void sessionReplaysTheSameSpikes() {
        std::vector<Spike> original;
        std::vector<TimedEvent> events;
        const QString path = m_dir.filePath("session.json");
        {
            MainWindow w(2);
            Config config;
            config.sim.rng_seed = 1234;
            QVERIFY(buildAndRun(w, 50.0, config));
            SimController* c = w.controller();
            QSignalSpy applied(c, &SimController::eventApplied);
            LiveValues v = c->liveValues();
            v.g = -5.5;
            v.bgRateHz = 9.0;
            c->setLiveValues(v, "g -5.5, 9 Hz");
            c->step(50.0);
            c->fireThalamicPulse();
            c->step(50.0);
            c->startDcTransient(-1.0, 30.0);
            c->step(50.0);
            QTRY_COMPARE(applied.count(), 3);
            QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{2000}, 30000);
            original = toVector(c->store().all());
            events = c->events();
            QVERIFY(w.saveSessionTo(path));
        }
        MainWindow w(2);
        SimController* c = w.controller();
        c->pause();
        QSignalSpy built(c, &SimController::built);
        QVERIFY(w.loadSessionFrom(path));
        QVERIFY(built.wait(20000));
        QCOMPARE(c->config().sim.rng_seed, std::uint64_t{1234});
        // Before the replay reaches them, the changes still belong to the session.
        QCOMPARE(c->session().events.size(), events.size());
        c->step(200.0);
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{2000}, 30000);
        QCOMPARE(c->events().size(), events.size());
        for (std::size_t i = 0; i < events.size(); ++i) {
            QCOMPARE(c->events()[i].t_ms, events[i].t_ms);
            QCOMPARE(c->events()[i].kind, events[i].kind);
        }
        QVERIFY(original.size() > 1000);
        QVERIFY(equal(toVector(c->store().all()), original));
    }

  private:
    QTemporaryDir m_dir;
};

int main(int argc, char** argv) {
    mc::ui::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestUiExport test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui_export.moc"

// Probes in the desktop program: a probe added while paused records V_m and
// current equal to the engine's own probe of the same network, the spikes
// are those of a run without probes, a click on a raster row follows that
// neuron, and the exports (CSV read back, PNG/SVG/PDF) are written.
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/probes/probe_menu.hpp"
#include "ui/probes/probe_panel.hpp"
#include "ui/probes/probe_store.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/simulation.hpp"

#include <QScreen>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace mc;
using namespace mc::ui;

namespace {

class Collector : public SpikeSink {
  public:
    void onSpikes(std::span<const Spike> s, std::int64_t) override { all.insert(all.end(), s.begin(), s.end()); }
    std::vector<Spike> all;
};

Config smallConfig() {
    Config c;
    c.net.N_scaling = c.net.K_scaling = 0.05;
    c.net.bg_input_type = "poisson";
    c.sim.rng_seed = 11;
    return c;
}

bool sameSpikes(std::span<const Spike> a, const std::vector<Spike>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step) return false;
    return true;
}

} // namespace

class TestUiProbes : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
    }

    void probeEqualsTheEngineAndChangesNoSpike() {
        MainWindow w(2);
        w.resize(1400, 950);
        w.show();
        SimController* c = w.controller();
        c->pause();
        QSignalSpy built(c, &SimController::built);
        c->rebuild(smallConfig());
        QVERIFY(built.wait(30000));
        c->step(20.0);
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{200}, 30000);
        ProbePanel* panel = w.probePanel();
        QVERIFY(!panel->isVisible());
        QString why;
        const int l4e = probeNeuronOf(*c, "L4E", 3, &why);
        QVERIFY2(l4e >= 0, qPrintable(why));
        QCOMPARE(l4e, c->store().derived().first_neuron[2] + 3);
        QCOMPARE(probeNeuronOf(*c, "L4E", 1 << 30, &why), -1);
        QVERIFY(why.contains("L4E"));
        QVERIFY(panel->addProbe(l4e));
        QVERIFY(panel->addProbe(c->store().derived().first_neuron[1] + 7));
        QVERIFY(panel->isVisible());
        QCOMPARE(c->probes().traces().size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(c->probes().label(l4e)),
                 QString("#3 of %1 in L4E, NEST id %2").arg(c->store().derived().num_neurons[2]).arg(l4e + 1));
        c->step(300.0);
        const std::int64_t end = 3200;
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), end, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            !c->probes().traces()[1].steps.empty() && c->probes().traces()[1].steps.back() == end - 1, 30000);
        const ProbeTrace& t0 = c->probes().traces()[0];
        const std::int64_t first = t0.steps.front();
        QVERIFY(first >= 200 && first < 300);
        QCOMPARE(std::int64_t(t0.steps.size()), end - first);

        // The engine, driven directly, with the same probes from the same step.
        const Config& built_ = c->buildInfo()->config;
        Simulation probed(built_), plain(built_);
        Collector withProbes, without;
        probed.run(first, &withProbes);
        probed.setProbes(c->probes().neurons());
        probed.run(end - first, &withProbes);
        plain.run(end, &without);
        const ProbeTraces ref = probed.takeProbeTraces();
        QCOMPARE(ref.samples(), t0.steps.size());
        for (std::size_t i = 0; i < 2; ++i) {
            const ProbeTrace& t = c->probes().traces()[i];
            for (std::size_t k = 0; k < ref.samples(); ++k) {
                QCOMPARE(t.steps[k], ref.steps[k]);
                QCOMPARE(t.vm[k], ref.vmAt(k, i));
                QCOMPARE(t.current[k], ref.currentAt(k, i));
            }
        }
        // Spikes: the window's, the engine's with probes and without are one and the same.
        QVERIFY(without.all.size() > 100);
        QVERIFY(sameSpikes(c->store().all(), without.all));
        QVERIFY(sameSpikes(withProbes.all, without.all));
        // The probe's spikes are those of its neuron in the store, after it was added.
        std::vector<std::int64_t> spikesOf;
        for (const Spike& s : without.all)
            if (s.neuron == l4e && s.step >= first) spikesOf.push_back(s.step);
        QCOMPARE(t0.spikes, spikesOf);
        for (std::int64_t s : t0.spikes) // reset in the step of the spike
            QCOMPARE(t0.vm[static_cast<std::size_t>(s - first)], built_.net.neuron.V_reset[2]);

        // CSV, read back.
        const QString csv = m_dir.filePath("probes.csv");
        QString error;
        QVERIFY2(panel->exportCsvTo(csv, &error), qPrintable(error));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines[0], QByteArray("neuron_id,population,time_ms,V_m_mV,I_syn_pA"));
        QCOMPARE(lines.size(), 1 + 2 * static_cast<int>(ref.samples()) + 1);
        for (int k : {0, 17, static_cast<int>(ref.samples()) - 1}) {
            const QList<QByteArray> cols = lines[1 + k].split(',');
            QCOMPARE(cols.size(), 5);
            QCOMPARE(cols[0].toInt(), l4e + 1);
            QCOMPARE(cols[1], QByteArray("L4E"));
            QVERIFY(std::abs(cols[2].toDouble() - (ref.steps[k] + 1) * 0.1) < 1e-9);
            QVERIFY(std::abs(cols[3].toDouble() - ref.vmAt(k, 0)) < 1e-6);
            QVERIFY(std::abs(cols[4].toDouble() - ref.currentAt(k, 0)) < 1e-6);
        }
        // Figures.
        for (const char* ext : {"png", "svg", "pdf"}) {
            const QString path = m_dir.filePath(QString("probes.%1").arg(ext));
            QVERIFY2(panel->exportFigureTo(path, &error), qPrintable(error));
            QVERIFY(QFileInfo(path).size() > 1000);
            if (qEnvironmentVariableIsSet("MC_PROBE_SCREENSHOT") && QString(ext) == "png") // to look at
                QFile::copy(path, qEnvironmentVariable("MC_PROBE_SCREENSHOT") + ".figure.png");
        }
        if (qEnvironmentVariableIsSet("MC_PROBE_SCREENSHOT")) { // docs/screenshots/probes.png
            w.raster()->setWindowMs(250.0);
            QTest::qWait(500);
            // From the screen: a widget grab leaves out the raster's painted overlay.
            QPixmap shot =
                w.screen()->grabWindow(0, w.x(), w.y(), w.frameGeometry().width(), w.frameGeometry().height());
            if (shot.isNull()) shot = w.grab();
            QVERIFY(shot.save(qEnvironmentVariable("MC_PROBE_SCREENSHOT")));
        }
        // Removing them hides the panel.
        panel->clearProbes();
        QVERIFY(c->probes().traces().empty());
        QVERIFY(!panel->isVisible());
    }

    void clickOnARasterRowFollowsThatNeuron() {
        MainWindow w(1);
        w.resize(1400, 950);
        w.show();
        SimController* c = w.controller();
        c->pause();
        QSignalSpy built(c, &SimController::built);
        c->rebuild(smallConfig());
        QVERIFY(built.wait(30000));
        c->step(5.0);
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{50}, 30000);
        RasterView* r = w.raster();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const int target = c->store().derived().first_neuron[4] + 10;
        const QPoint at(r->plotRect().center().x(), static_cast<int>(std::lround(r->neuronToY(target))));
        QTest::mouseClick(r, Qt::LeftButton, {}, at);
        QCOMPARE(c->probes().traces().size(), std::size_t(1));
        // One pixel spans nSpan / height neuron rows: the probe is the row under the pixel.
        const double perPixel = r->nSpan() / r->plotRect().height();
        QVERIFY2(std::abs(c->probes().traces()[0].neuron - target) <= perPixel + 1,
                 qPrintable(QString("%1 for %2").arg(c->probes().traces()[0].neuron).arg(target)));
        // A drag pans and follows nobody.
        QTest::mousePress(r, Qt::LeftButton, {}, at);
        QTest::mouseMove(r, at + QPoint(60, 20));
        QTest::mouseRelease(r, Qt::LeftButton, {}, at + QPoint(60, 20));
        QCOMPARE(c->probes().traces().size(), std::size_t(1));
    }
};

QTEST_MAIN(TestUiProbes)
#include "test_ui_probes.moc"

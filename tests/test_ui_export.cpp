// Exports: figures (PNG/SVG/PDF headers), spikes as CSV and as the
// reference's spike files (parsed back to the same spikes), statistics, and a
// saved session that loads and replays the same spikes.
#include "ui/charts/charts_panel.hpp"
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include "ui/data_export.hpp"
#include "ui/figure_export.hpp"

#include "microcircuit/analysis.hpp"
#include "microcircuit/config_io.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/recording.hpp"
#include "microcircuit/simulation.hpp"
#include "microcircuit/sonata.hpp"
#include "microcircuit/spike_data.hpp"

#include <QApplication>

#include <QComboBox>
#include <QDialog>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonArray>
#include <QLineEdit>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
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

/// Collects every spike of a headless run.
struct Collect : SpikeSink {
    std::vector<Spike> spikes;
    void onSpikes(std::span<const Spike> s, std::int64_t) override { spikes.insert(spikes.end(), s.begin(), s.end()); }
};

QJsonObject readJson(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

/// rates.csv as {population: (mean, std)}.
std::map<std::string, std::pair<double, double>> readRatesCsv(const QString& path) {
    std::map<std::string, std::pair<double, double>> out;
    std::ifstream in(path.toStdString());
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream ss(line);
        std::string pop, mean, sd;
        std::getline(ss, pop, ',');
        std::getline(ss, mean, ',');
        std::getline(ss, sd, ',');
        out[pop] = {std::stod(mean), std::stod(sd)};
    }
    return out;
}

/// Mean and ddof-0 sd over a population's neurons of their spike counts in
/// [t0, t1] (times (step + 1) h) divided by the interval: by hand.
std::pair<double, double> handRates(std::span<const Spike> all, const DerivedParams& d, int pop, double t0, double t1,
                                    bool closed = true) {
    std::vector<double> count(d.num_neurons[pop], 0.0);
    for (const Spike& s : all) {
        const double t = (s.step + 1) * 0.1;
        const bool in = t >= t0 - 1e-9 && (closed ? t <= t1 + 1e-9 : t < t1 - 1e-9);
        if (in && s.neuron >= d.first_neuron[pop] && s.neuron < d.first_neuron[pop + 1])
            count[s.neuron - d.first_neuron[pop]] += 1.0;
    }
    double sum = 0.0, sq = 0.0;
    for (double& c : count) {
        c /= (t1 - t0) * 1e-3;
        sum += c;
    }
    const double mean = sum / count.size();
    for (double c : count)
        sq += (c - mean) * (c - mean);
    return {mean, std::sqrt(sq / count.size())};
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
        // One journal column (85 x 65 mm) at 300 dpi, and the SVG's physical size.
        QImage png(m_dir.filePath("raster.png"));
        QCOMPARE(png.size(), QSize(1004, 768));
        QCOMPARE(png.dotsPerMeterX(), static_cast<int>(std::lround(300 / 0.0254)));
        const QByteArray svgHead = head(m_dir.filePath("raster.svg"), 1000);
        const QRegularExpressionMatch mm = QRegularExpression("width=\"([0-9.]+)mm\"").match(QString(svgHead));
        QVERIFY2(mm.hasMatch() && std::abs(mm.captured(1).toDouble() - 85.0) < 0.5, svgHead.constData());
        // Charts on white, not the screen's grey rounded background.
        const QImage chart(m_dir.filePath(QString("%1.png").arg(chartStem(ChartKind::MeanRates))));
        QCOMPARE(chart.size(), QSize(2055, 945)); // two journal columns, 174 x 80 mm
        for (const QPoint corner : {QPoint(1, 1), QPoint(chart.width() - 2, 1), QPoint(1, chart.height() - 2)})
            QCOMPARE(QColor(chart.pixel(corner)), QColor(Qt::white));
        // An unknown format is refused with a message, not a crash.
        QVERIFY(!w.exportRasterTo(m_dir.filePath("raster.bmpx")));
        QVERIFY(w.lastMessage().contains("format"));
    }

    /// The raster figure: each spike at the pixel its time and neuron give,
    /// the E/I legend, the stimulus shaded, time relative to an event.
    void rasterFigureContent() {
        MainWindow w(2);
        QVERIFY(buildAndRun(w, 300.0));
        SimController* c = w.controller();
        QSignalSpy applied(c, &SimController::eventApplied);
        c->fireThalamicPulse(600.0); // shaded over [600, 610], after the last spike
        QTRY_COMPARE(applied.count(), 1);
        c->step(100.0);
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{4000}, 30000);
        const RasterFigureView v = w.rasterFigureView();
        QCOMPARE(v.t0Ms, 0.0);
        QCOMPARE(v.t1Ms, 1000.0);
        const QString path = m_dir.filePath("raster-content.png");
        QVERIFY(w.exportRasterTo(path));
        const QImage img = QImage(path).convertToFormat(QImage::Format_RGB32);
        const double k = kRasterFigure.dpi / 96.0;
        const QRectF plot = rasterPlotRect(QRectF(QPointF(0, 0), kRasterFigure.logical()));
        const auto xOf = [&](double t) { return static_cast<int>((plot.left() + t / 1000.0 * plot.width()) * k); };
        const SpikeStore& store = c->store();
        const DerivedParams& d = store.derived();
        const auto yOf = [&](double n) {
            return static_cast<int>((plot.top() + (n + 0.5) / d.total_neurons * plot.height()) * k);
        };
        const auto nearColour = [](QRgb a, const QColor& b, int tol) {
            return std::abs(qRed(a) - b.red()) <= tol && std::abs(qGreen(a) - b.green()) <= tol &&
                   std::abs(qBlue(a) - b.blue()) <= tol;
        };
        int checked = 0, wrong = 0;
        for (std::size_t i = 0; i < store.all().size(); i += 37) {
            const Spike& sp = store.all()[i];
            const int pop = store.populationOf(sp.neuron);
            const double t = (sp.step + 1) * 0.1;
            // Clear of band edges (layer lines, the other colour) and of the frame and the pulse marker.
            if (sp.neuron - d.first_neuron[pop] < 100 || d.first_neuron[pop + 1] - sp.neuron < 100 || t < 5.0 ||
                std::abs(t - 600.0) < 3.0)
                continue;
            ++checked;
            if (!nearColour(img.pixel(xOf(t), yOf(sp.neuron)), v.theme.population(pop), 3)) ++wrong;
        }
        QVERIFY2(checked > 100 && wrong == 0, qPrintable(QString("%1 of %2 spikes not at their pixel").arg(wrong).arg(checked)));
        // Nothing drawn where no spike is: after the last spike (400 ms).
        int late = 0;
        for (int y = static_cast<int>(plot.top() * k) + 2; y < plot.bottom() * k - 2; ++y)
            for (int x = xOf(420.0); x < xOf(590.0); ++x)
                if (nearColour(img.pixel(x, y), v.theme.excitatory(), 40) ||
                    nearColour(img.pixel(x, y), v.theme.inhibitory(), 40))
                    ++late;
        QCOMPARE(late, 0);
        // Legend above the plot in both colours.
        int exc = 0, inh = 0;
        for (int y = 0; y < plot.top() * k; ++y)
            for (int x = 0; x < img.width(); ++x) {
                exc += nearColour(img.pixel(x, y), v.theme.excitatory(), 2);
                inh += nearColour(img.pixel(x, y), v.theme.inhibitory(), 2);
            }
        QVERIFY2(exc > 20 && inh > 20, qPrintable(QString("legend: %1 E, %2 I pixels").arg(exc).arg(inh)));
        // The pulse shaded over [600, 610] ms: the marker green at 16% on white.
        QColor shade(217, 235, 222);
        int shaded = 0, unshaded = 0;
        for (int y = static_cast<int>(plot.top() * k) + 2; y < plot.bottom() * k - 2; ++y) {
            shaded += nearColour(img.pixel(xOf(605.0), y), shade, 4);
            unshaded += nearColour(img.pixel(xOf(590.0), y), shade, 4);
            unshaded += nearColour(img.pixel(xOf(620.0), y), shade, 4);
        }
        QVERIFY2(shaded > 50 && unshaded == 0, qPrintable(QString("%1 shaded, %2 outside").arg(shaded).arg(unshaded)));

        // Time relative to the pulse: the axis says so and 0 is at 600 ms.
        FigureOptions o{kRasterFigure};
        o.originMs = 600.0;
        o.originLabel = "thalamic pulse (600.0 ms)";
        const QString svg = m_dir.filePath("raster-relative.svg");
        QVERIFY(w.exportRasterTo(svg, o));
        const QByteArray text = head(svg, 1 << 22);
        QVERIFY(text.contains("time relative to thalamic pulse (600.0 ms) [ms]"));
        QVERIFY(text.contains(">-400<") && text.contains(">0<") && text.contains(">400<"));
        QVERIFY(!text.contains(">1000<") && !text.contains(">200.0<"));
    }

    /// A dense raster (2 s at scale 0.1) stays small as SVG and PDF: the dots
    /// are one embedded image under vector axes and text.
    void denseRasterVectorFilesStaySmall() {
        MainWindow w(2);
        QVERIFY(buildAndRun(w, 2000.0));
        w.raster()->setWindowMs(2000.0);
        QVERIFY(w.controller()->store().all().size() > 40000);
        for (const char* ext : {"svg", "pdf"}) {
            const QString path = m_dir.filePath(QString("raster-2s.%1").arg(ext));
            QVERIFY(w.exportRasterTo(path));
            const qint64 size = QFileInfo(path).size();
            QVERIFY2(size < 1500000, qPrintable(QString("%1: %2 bytes").arg(ext).arg(size)));
        }
        const QByteArray svg = head(m_dir.filePath("raster-2s.svg"), 1 << 24);
        QVERIFY(svg.contains("<image"));
        QVERIFY(svg.contains("L2/3") && svg.contains("time [ms]")); // text stays text
    }

    /// Ctrl+E exports the view of the moment the key was pressed, although
    /// the network runs on while the dialogs are open.
    void ctrlEFreezesTheViewAtTheKeyPress() {
        MainWindow w(2);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QApplication::setActiveWindow(&w);
        QVERIFY(buildAndRun(w, 2000.0));
        SimController* c = w.controller();
        QCOMPARE(w.raster()->t1Ms(), 2000.0);
        const QString path = m_dir.filePath("ctrl-e.png");
        int stage = 0;
        QTimer poll;
        QElapsedTimer since;
        since.start();
        // The dialogs run inside keyClick (the shortcut opens them); this timer answers them.
        connect(&poll, &QTimer::timeout, this, [&] {
            QWidget* modal = QApplication::activeModalWidget();
            if (since.elapsed() > 60000) { // never hang: give up and close what is open
                if (auto* dialog = qobject_cast<QDialog*>(modal)) dialog->reject();
                return;
            }
            if (stage == 0) {
                auto* files = qobject_cast<QFileDialog*>(modal);
                if (!files) return;
                stage = 1;
                // The model runs on 500 ms while the user picks a file name.
                c->step(500.0);
                QTest::qWaitFor([&] { return c->store().endStep() == 25000; }, 30000);
                files->setDirectory(QFileInfo(path).path());
                auto* name = files->findChild<QLineEdit*>("fileNameEdit");
                if (name) name->setText(QFileInfo(path).fileName());
                else files->selectFile(path);
                static_cast<QDialog*>(files)->accept();
            } else if (stage == 1) {
                auto* options = qobject_cast<QDialog*>(modal);
                if (!options || options->windowTitle() != "Raster figure") return;
                stage = 2;
                options->accept();
            }
        });
        poll.start(50);
        QTest::keyClick(&w, Qt::Key_E, Qt::ControlModifier);
        QCOMPARE(stage, 2);
        poll.stop();
        QTRY_VERIFY(QFileInfo::exists(path));
        QCOMPARE(c->store().endStep(), std::int64_t{25000});
        QVERIFY(w.raster()->t1Ms() > 2400.0); // the view itself moved on
        // The figure shows 1000-2000 ms: spikes sit at the columns of that
        // window (a view taken at Save, 1500-2500 ms, puts them elsewhere).
        const QImage img = QImage(path).convertToFormat(QImage::Format_RGB32);
        const double k = kRasterFigure.dpi / 96.0;
        const QRectF plot = rasterPlotRect(QRectF(QPointF(0, 0), kRasterFigure.logical()));
        const SpikeStore& store = c->store();
        const DerivedParams& d = store.derived();
        const Theme theme;
        int checked = 0, wrong = 0;
        for (const Spike& sp : store.range(10050, 19950)) {
            if (sp.neuron % 23 != 0) continue;
            const int pop = store.populationOf(sp.neuron);
            if (sp.neuron - d.first_neuron[pop] < 100 || d.first_neuron[pop + 1] - sp.neuron < 100) continue;
            const double t = (sp.step + 1) * 0.1;
            const int x = static_cast<int>((plot.left() + (t - 1000.0) / 1000.0 * plot.width()) * k);
            const int y = static_cast<int>((plot.top() + (sp.neuron + 0.5) / d.total_neurons * plot.height()) * k);
            const QColor px(img.pixel(x, y));
            const QColor want = theme.population(pop);
            ++checked;
            if (std::abs(px.red() - want.red()) > 3 || std::abs(px.green() - want.green()) > 3 ||
                std::abs(px.blue() - want.blue()) > 3)
                ++wrong;
        }
        QVERIFY2(checked > 100 && wrong == 0, qPrintable(QString("%1 of %2 spikes elsewhere").arg(wrong).arg(checked)));
    }

    /// With MC_SCREENSHOT_DIR set: the example figure and dialog of
    /// docs/gui.md ("Export"). A thalamic pulse at 700 ms after a change of
    /// the drive at 400 ms; the raster relative to the pulse, one column at
    /// 300 dpi.
    void exampleFigureForTheDocs() {
        const QString dir = qEnvironmentVariable("MC_SCREENSHOT_DIR");
        if (dir.isEmpty()) QSKIP("set MC_SCREENSHOT_DIR to write the documentation's example figure");
        MainWindow w(2);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        Config config;
        config.stim.thalamic_input = true;
        QVERIFY(buildAndRun(w, 400.0, config));
        SimController* c = w.controller();
        QSignalSpy applied(c, &SimController::eventApplied);
        LiveValues v = c->liveValues();
        v.bgRateHz = 9.0;
        c->setLiveValues(v, "drive 9 Hz");
        QTRY_COMPARE(applied.count(), 1);
        c->step(600.0);
        QTRY_COMPARE_WITH_TIMEOUT(c->store().endStep(), std::int64_t{10000}, 30000);
        w.raster()->setWindowMs(700.0);
        FigureOptions o{kRasterFigure};
        o.originMs = 700.0;
        o.originLabel = "the thalamic pulse";
        QVERIFY(w.exportRasterTo(dir + "/figure_raster.png", o));
        // The dialog, as it opens for this view.
        const RasterFigureView view = w.rasterFigureView();
        QTimer::singleShot(300, this, [&] {
            if (auto* d = qobject_cast<QDialog*>(QApplication::activeModalWidget())) {
                d->grab().save(dir + "/figure_dialog.png");
                d->reject();
            }
        });
        FigureOptions ask{kRasterFigure};
        QVERIFY(!askFigureOptions(&w, "Raster figure", &view, ask));
        QVERIFY(QFileInfo::exists(dir + "/figure_dialog.png"));
    }

    /// The export dialog: width, resolution and the time axis's origin
    /// (model time, the window's start, each marked event in view).
    void figureDialogChoices() {
        RasterFigureView v;
        v.t0Ms = 0.0;
        v.t1Ms = 1000.0;
        LiveEvent pulse;
        pulse.kind = EventKind::ThalamicPulse;
        pulse.step = 3000;
        pulse.startMs = 300.0;
        pulse.label = "thalamic pulse";
        v.events = {pulse};
        v.stimuli = {{300.0, 310.0}, {700.0, 710.0}}; // the live pulse and a configured one
        FigureOptions o{kRasterFigure};
        QStringList origins;
        QTimer::singleShot(200, this, [&] {
            auto* d = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!d) return;
            const auto boxes = d->findChildren<QComboBox*>();
            QCOMPARE(boxes.size(), 3);
            boxes[0]->setCurrentIndex(boxes[0]->findData(174.0));
            boxes[1]->setCurrentIndex(boxes[1]->findData(600));
            for (int i = 0; i < boxes[2]->count(); ++i)
                origins << boxes[2]->itemText(i);
            boxes[2]->setCurrentIndex(boxes[2]->findData(300.0));
            d->accept();
        });
        QVERIFY(askFigureOptions(nullptr, "Raster figure", &v, o));
        QCOMPARE(origins.size(), 4);
        QCOMPARE(origins[0], QString("Model time"));
        QVERIFY(origins[3].contains("700.0 ms"));
        QCOMPARE(o.size.widthMm, 174.0);
        QCOMPARE(o.size.heightMm, 65.0);
        QCOMPARE(o.size.dpi, 600);
        QCOMPARE(o.originMs, 300.0);
        QCOMPARE(o.originLabel, QString("thalamic pulse (300.0 ms)"));
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

    /// A NEST export of the visible window holds the window's spikes, rates
    /// as `microcircuit analyze` computes them on the folder, dicts that say
    /// what produced the spikes, and an event log that replays the run.
    void nestWindowExportDescribesTheRun() {
        MainWindow w(2);
        Config config;
        config.sim.rng_seed = 77;
        QVERIFY(buildAndRun(w, 300.0, config));
        SimController* c = w.controller();
        QSignalSpy applied(c, &SimController::eventApplied);
        const auto advance = [&](double ms) {
            const std::int64_t target = c->store().endStep() + std::llround(ms / 0.1);
            c->step(ms);
            return QTest::qWaitFor([&] { return c->store().endStep() == target; }, 30000);
        };
        LiveValues v = c->liveValues();
        v.g = -5.0;
        c->setLiveValues(v, "g -5"); // at 300 ms, before the window
        QTRY_COMPARE(applied.count(), 1);
        QVERIFY(advance(200.0));
        c->fireThalamicPulse(); // 500 ms
        QTRY_COMPARE(applied.count(), 2);
        QVERIFY(advance(100.0));
        c->startDcTransient(-1.0, 50.0); // 600 ms
        QTRY_COMPARE(applied.count(), 3);
        QVERIFY(advance(100.0));
        v = c->liveValues();
        QCOMPARE(v.g, -5.0);
        v.bgRateHz = 9.0;
        c->setLiveValues(v, "drive 9 Hz"); // 700 ms, inside the window
        QTRY_COMPARE(applied.count(), 4);
        QVERIFY(advance(100.0));
        QCOMPARE(c->events()[0].step, std::int64_t{3000});
        QCOMPARE(c->events()[3].step, std::int64_t{7000});
        w.raster()->setWindowMs(400.0);
        QCOMPARE(w.raster()->t0Ms(), 400.0);
        QCOMPARE(w.raster()->t1Ms(), 800.0);

        const QString folder = m_dir.filePath("nest-window");
        QVERIFY(w.exportSpikesNestTo(folder, false));
        const SpikeStore& store = c->store();
        const DerivedParams& d = store.derived();

        // Rates: as analyze computes them on the folder, and by hand over the window.
        const auto csv = readRatesCsv(folder + "/rates.csv");
        const SpikeData data = readSpikeFolder(folder.toStdString());
        const AnalysisResult r = analyzeSpikes(data, AnalysisOptions{});
        QCOMPARE(r.tMin, 400.0);
        QCOMPARE(r.tMax, 800.0);
        for (int p = 0; p < kNumPops; ++p) {
            const auto [mean, sd] = csv.at(kPopNames[p]);
            const auto [hMean, hSd] = handRates(store.all(), d, p, 400.0, 800.0);
            QVERIFY2(std::abs(mean - r.populations[p].meanRate) < 2e-6 && std::abs(sd - r.populations[p].stdRate) < 2e-6,
                     kPopNames[p]);
            QVERIFY2(std::abs(mean - hMean) < 2e-6 && std::abs(sd - hSd) < 2e-6,
                     qPrintable(QString("%1: %2 / %3 Hz, by hand %4 / %5").arg(kPopNames[p]).arg(mean).arg(sd).arg(hMean).arg(hSd)));
        }
        QVERIFY(csv.at("L4E").first > 1.0);
        // Only the window's spikes are in the files.
        QVERIFY(data.firstSpikeMs >= 400.0 && data.lastSpikeMs <= 800.0);

        // The dicts: the interval, the values in effect at its start, the stimuli in it.
        const QJsonObject sim = readJson(folder + "/sim_dict.json");
        QCOMPARE(sim["t_presim"].toDouble(), 400.0);
        QCOMPARE(sim["t_sim"].toDouble(), 400.0);
        const QJsonObject net = readJson(folder + "/net_dict.json");
        QCOMPARE(net["g"].toDouble(), -5.0);
        QCOMPARE(net["bg_rate"].toDouble(), 8.0); // changed only at 700 ms
        const QJsonObject stim = readJson(folder + "/stim_dict.json");
        QCOMPARE(stim["thalamic_input"].toBool(), true);
        QCOMPARE(stim["th_start"].toDouble(), 500.0);
        QCOMPARE(stim["dc_transient"].toBool(), true);
        QCOMPARE(stim["dc_transient_start"].toDouble(), 600.0);
        QCOMPARE(stim["dc_transient_dur"].toDouble(), 50.0);
        // README.txt says what they cannot: the change at 700 ms.
        QFile readme(folder + "/README.txt");
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString text = readme.readAll();
        QVERIFY2(text.contains("at 700.0 ms") && text.contains("bg_rate 9 Hz"), qPrintable(text));
        QVERIFY(text.contains("400.0 to 800.0 ms"));

        // session.json loads as a session; events.json replays the same spikes headless.
        const Session session = sessionFromJson(readTextFile((folder + "/session.json").toStdString()), "session.json");
        QCOMPARE(session.events.size(), std::size_t{4});
        Config replay;
        applyConfigPath(replay, (folder + "/events.json").toStdString());
        QCOMPARE(replay.events.size(), std::size_t{4});
        QCOMPARE(replay.sim.t_presim + replay.sim.t_sim, 800.0);
        replay.validate();
        validateEvents(replay);
        Simulation sim2(replay);
        EventPlayer player(replay.events, replay.sim.sim_resolution);
        Collect got;
        player.run(sim2, 8000, &got);
        QVERIFY(got.spikes.size() > 1000);
        QVERIFY2(equal(got.spikes, toVector(store.all())), "events.json does not replay the run");

        // The whole run: rates from the end of the warm-up (500 ms), as `run` writes them.
        const QString whole = m_dir.filePath("nest-whole");
        QVERIFY(w.exportSpikesNestTo(whole, true));
        const auto csvWhole = readRatesCsv(whole + "/rates.csv");
        const AnalysisResult rw = analyzeSpikes(readSpikeFolder(whole.toStdString()), AnalysisOptions{});
        QCOMPARE(rw.tMin, 500.0);
        QCOMPARE(rw.tMax, 800.0);
        for (int p = 0; p < kNumPops; ++p)
            QVERIFY(std::abs(csvWhole.at(kPopNames[p]).first - rw.populations[p].meanRate) < 2e-6);
        QCOMPARE(readJson(whole + "/net_dict.json")["g"].toDouble(), -5.0);
        QCOMPARE(readJson(whole + "/stim_dict.json")["th_start"].toDouble(), 500.0);
    }

    void statisticsAndConfig() {
        MainWindow w(2);
        QVERIFY(buildAndRun(w, 300.0));
        QVERIFY(w.exportStatisticsTo(m_dir.filePath("stats.csv")));
        QVERIFY(w.exportStatisticsTo(m_dir.filePath("stats.json")));
        QFile json(m_dir.filePath("stats.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(json.readAll()).object();
        const QJsonObject pops = doc.value("populations").toObject();
        QCOMPARE(pops.size(), kNumPops);
        // A 300 ms run is shorter than twice the warm-up: statistics over [0, 300) ms.
        QCOMPARE(doc.value("from_ms").toDouble(), 0.0);
        QCOMPARE(doc.value("to_ms").toDouble(), 300.0);
        const SpikeStore& store = w.controller()->store();
        const DerivedParams& d = store.derived();
        // By hand from the spikes: rates, and ISI CVs (ddof 0) of neurons with >= 3 spikes.
        std::vector<std::vector<double>> times(d.total_neurons);
        for (const Spike& sp : store.all())
            if ((sp.step + 1) * 0.1 < 300.0 - 1e-9) times[sp.neuron].push_back((sp.step + 1) * 0.1);
        std::ifstream csv(m_dir.filePath("stats.csv").toStdString());
        std::string line;
        std::getline(csv, line);
        QCOMPARE(QString::fromStdString(line),
                 QString("population,neurons,from_ms,to_ms,rate_mean_hz,rate_sd_hz,cv_mean,neurons_with_cv"));
        for (int p = 0; p < kNumPops; ++p) {
            const auto [mean, sd] = handRates(store.all(), d, p, 0.0, 300.0, false);
            double cvSum = 0.0;
            int withCv = 0;
            for (int i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) {
                const auto& t = times[i];
                if (t.size() < 3) continue;
                double m = 0.0, q = 0.0;
                for (std::size_t k = 1; k < t.size(); ++k)
                    m += t[k] - t[k - 1];
                m /= t.size() - 1;
                for (std::size_t k = 1; k < t.size(); ++k)
                    q += (t[k] - t[k - 1] - m) * (t[k] - t[k - 1] - m);
                cvSum += std::sqrt(q / (t.size() - 1)) / m;
                ++withCv;
            }
            const QJsonObject o = pops.value(kPopNames[p]).toObject();
            QCOMPARE(o.value("neurons").toInt(), d.num_neurons[p]);
            QVERIFY2(std::abs(o.value("rate_mean_hz").toDouble() - mean) < 1e-9 * std::max(1.0, mean), kPopNames[p]);
            QVERIFY2(std::abs(o.value("rate_sd_hz").toDouble() - sd) < 1e-6 * std::max(1.0, sd), kPopNames[p]);
            QCOMPARE(o.value("neurons_with_cv").toInt(), withCv);
            if (withCv > 0) QVERIFY2(std::abs(o.value("cv_mean").toDouble() - cvSum / withCv) < 1e-5, kPopNames[p]);
            QCOMPARE(o.value("rates_hz").toArray().size(), d.num_neurons[p]);
            // The CSV row says the same (6 significant digits).
            std::getline(csv, line);
            const QStringList f = QString::fromStdString(line).split(',');
            QCOMPARE(f.size(), 8);
            QCOMPARE(f[0], QString(kPopNames[p]));
            QCOMPARE(f[1].toInt(), d.num_neurons[p]);
            QVERIFY(std::abs(f[4].toDouble() - mean) <= 1e-5 * std::max(1.0, mean));
            QVERIFY(std::abs(f[5].toDouble() - sd) <= 1e-5 * std::max(1.0, sd));
            QCOMPARE(f[7].toInt(), withCv);
        }
        QVERIFY(pops.value("L4E").toObject().value("rate_mean_hz").toDouble() > 0.5);
        QVERIFY(w.saveConfigTo(m_dir.filePath("config.json")));
        Config back;
        applyConfigPath(back, m_dir.filePath("config.json").toStdString());
        QCOMPARE(back.sim.rng_seed, w.controller()->config().sim.rng_seed);
        QCOMPARE(back.net.N_scaling, 0.1);
    }

    void sessionReplaysTheSameSpikes() {
        std::vector<Spike> original;
        std::vector<LiveEvent> events;
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
            QCOMPARE(c->events()[i].step, events[i].step);
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

// The OpenGL raster: after ~250 ms of model time every population's band
// holds pixels of its E/I colour, and no spike pixel lies outside the plot.
#include "ui/gui_main.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"
#include "ui_test_helpers.hpp"

#include <QApplication>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QScreen>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>

using namespace mc;
using namespace mc::ui;

namespace {

bool near(QRgb a, const QColor& b, int tol = 3) {
    return std::abs(qRed(a) - b.red()) <= tol && std::abs(qGreen(a) - b.green()) <= tol &&
           std::abs(qBlue(a) - b.blue()) <= tol;
}

} // namespace

class TestUiRaster : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { initResources(); }

    void bandsHoldTheirColoursAndNothingOutside_data() {
        QTest::addColumn<bool>("colourBlind");
        QTest::addColumn<bool>("presentation");
        QTest::newRow("reference palette") << false << false;
        QTest::newRow("colour-blind safe, presentation") << true << true;
    }

    void bandsHoldTheirColoursAndNothingOutside() {
        QFETCH(bool, colourBlind);
        QFETCH(bool, presentation);
        SimController c(2);
        QVERIFY(test::buildPaused(c, Config{}));
        c.step(250.0);
        QTRY_COMPARE_WITH_TIMEOUT(c.store().endStep(), std::int64_t{2500}, 30000);

        RasterView view(&c);
        Theme theme;
        theme.colourBlindSafe = colourBlind;
        theme.presentation = presentation;
        view.setTheme(theme);
        view.setWindowMs(250.0);
        view.resize(1000, 1000);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage img = view.grabFramebuffer().convertToFormat(QImage::Format_RGB32);
        QVERIFY2(view.glError().isEmpty(), qPrintable(view.glError()));
        QVERIFY(!img.isNull());
        const double dpr = img.devicePixelRatio();
        const QRect plot = view.plotRect();
        QCOMPARE(view.decimation(), 1);

        const auto& first = c.store().derived().first_neuron;
        for (int p = 0; p < kNumPops; ++p) {
            // Markers are squares of a few pixels: keep clear of the band edges by their size.
            const int margin = static_cast<int>(std::ceil(theme.pointSize() * dpr)) + 1;
            const int y0 = static_cast<int>(std::ceil(view.neuronToY(first[p]) * dpr)) + margin;
            const int y1 = static_cast<int>(std::floor(view.neuronToY(first[p + 1] - 1) * dpr)) - margin;
            QVERIFY(y1 > y0);
            int own = 0, other = 0;
            for (int y = y0; y <= y1; ++y)
                for (int x = static_cast<int>(plot.left() * dpr) + 2; x < (plot.right() - 1) * dpr; ++x) {
                    const QRgb px = img.pixel(x, y);
                    if (near(px, theme.population(p)))
                        ++own;
                    else if (near(px, theme.population(p + (isExcitatory(p) ? 1 : -1))))
                        ++other;
                }
            QVERIFY2(own > 20, qPrintable(QString("%1: %2 pixels of its colour").arg(kPopNames[p]).arg(own)));
            QVERIFY2(other == 0, qPrintable(QString("%1: %2 pixels of the other colour").arg(kPopNames[p]).arg(other)));
        }
        // Outside the plot area: no pixel of either spike colour.
        const QRect inside(static_cast<int>(plot.left() * dpr), static_cast<int>(plot.top() * dpr),
                           static_cast<int>(plot.width() * dpr), static_cast<int>(plot.height() * dpr));
        int outside = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                if (inside.contains(x, y)) continue;
                const QRgb px = img.pixel(x, y);
                if (near(px, theme.excitatory()) || near(px, theme.inhibitory())) ++outside;
            }
        QCOMPARE(outside, 0);
        img.save(
            QDir::temp().filePath(QString("test_ui_raster_%1.png").arg(QTest::currentDataTag()).replace(' ', '_')));
    }

    /// The renderer needs no widget: it draws into a framebuffer object of an
    /// offscreen context (the path for tests and offscreen renders).
    void rendererDrawsOffscreen() {
        QOffscreenSurface surface;
        surface.create();
        QOpenGLContext context;
        QVERIFY(context.create());
        QVERIFY(context.makeCurrent(&surface));
        QOpenGLFramebufferObject fbo(400, 300);
        QVERIFY(fbo.bind());
        context.functions()->glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
        context.functions()->glClear(GL_COLOR_BUFFER_BIT);
        // Two spikes: neuron 0 (L23E) at step 9 and neuron 150 (L23I) at step 49.
        const std::vector<Spike> spikes = {{0, 9}, {150, 49}};
        RasterFrame f;
        f.stored = spikes;
        f.stepSpan = 100;
        f.nSpan = 200;
        f.firstNeuron = {0, 100, 200, 200, 200, 200, 200, 200, 200};
        Theme theme;
        for (int p = 0; p < kNumPops; ++p)
            f.colours[p] = theme.population(p);
        f.pointSize = 6.0f;
        f.plot = QRect(50, 50, 300, 200);
        f.framebuffer = QSize(400, 300);
        {
            RasterRenderer renderer;
            QVERIFY2(renderer.initialize(), qPrintable(renderer.error()));
            renderer.render(f);
            QCOMPARE(renderer.lastFrame().spikesDrawn, std::uint64_t{2});
            renderer.render(f); // nothing new: nothing painted or cleared again
            QCOMPARE(renderer.lastFrame().spikesDrawn, std::uint64_t{0});
            QCOMPARE(renderer.lastFrame().columnsCleared, std::uint64_t{0});
            QVERIFY(!renderer.lastFrame().fullRedraw);
            renderer.release();
        }
        const QImage img = fbo.toImage().convertToFormat(QImage::Format_RGB32);
        context.doneCurrent();
        // Spike (neuron n, step s) lands at x = 50 + s/100 * 300, y = 50 + (n + 0.5)/200 * 200.
        QVERIFY(near(img.pixel(50 + 27, 51), theme.excitatory()));
        QVERIFY(near(img.pixel(50 + 27, 48), Qt::black)); // the marker is cut at the plot's edge
        QVERIFY(near(img.pixel(50 + 147, 50 + 150), theme.inhibitory()));
        QVERIFY(near(img.pixel(200, 200), Qt::white));
        QVERIFY(near(img.pixel(10, 10), Qt::black)); // outside the plot: untouched
    }

    void pausedViewIsFrozen() {
        SimController c(2);
        QSignalSpy built(&c, &SimController::built);
        c.rebuild(Config{});
        QVERIFY(built.wait(20000));
        RasterView view(&c);
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(c.modelTimeMs() > 1200.0, 30000);
        c.pause();
        // The step in flight when pause was asked for may still arrive (on a
        // loaded machine, late): the view must be frozen once model time is.
        double settled = -1.0;
        for (int i = 0; i < 100 && settled != c.modelTimeMs(); ++i) {
            settled = c.modelTimeMs();
            QTest::qWait(150);
        }
        QCOMPARE(c.modelTimeMs(), settled);
        QTest::qWait(100); // the repaint of that last step
        const double t1 = view.t1Ms();
        const QImage a = view.grabFramebuffer();
        QTest::qWait(300);
        QCOMPARE(view.t1Ms(), t1);
        QCOMPARE(view.grabFramebuffer(), a);
        // ... and it shows spikes: an empty raster would also stay the same.
        const QImage img = a.convertToFormat(QImage::Format_RGB32);
        Theme theme;
        int spikes = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                if (near(img.pixel(x, y), theme.excitatory()) || near(img.pixel(x, y), theme.inhibitory())) ++spikes;
        QVERIFY2(spikes > 200, qPrintable(QString("%1 spike pixels").arg(spikes)));
    }

    /// Each spike of the store is drawn at the column of its time and the row
    /// of its neuron, also after the view scrolled on.
    /// The window shows what grabFramebuffer() renders (spikes, labels, axis):
    /// the raster draws into an OpenGL window of its own (raster_surface.cpp),
    /// and the tests that compare frames use the grab.
    void screenShowsTheGrabbedFrame() {
        SimController c(2);
        QVERIFY(test::buildPaused(c, test::tinyNetwork()));
        c.step(300.0);
        QTRY_COMPARE_WITH_TIMEOUT(c.store().endStep(), std::int64_t{3000}, 30000);
        RasterView view(&c);
        view.setWindowMs(300.0);
        view.resize(700, 450);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage grabbed = view.grabFramebuffer().convertToFormat(QImage::Format_RGB32);
        QVERIFY(!grabbed.isNull());
        QCOMPARE(grabbed.devicePixelRatio(), 1.0); // Xvfb: screen pixels are the grab's
        const QPoint at = view.mapToGlobal(QPoint(0, 0));
        const auto shown = [&] {
            return view.screen()
                ->grabWindow(0, at.x(), at.y(), view.width(), view.height())
                .toImage()
                .convertToFormat(QImage::Format_RGB32);
        };
        QTRY_VERIFY_WITH_TIMEOUT(shown() == grabbed, 5000);
    }

    void spikesAtTheirPixels() {
        SimController c(2);
        QVERIFY(test::buildPaused(c, test::tinyNetwork()));
        RasterView view(&c);
        view.setWindowMs(200.0);
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        Theme theme;
        const DerivedParams& d = c.store().derived();
        for (double until : {300.0, 650.0}) { // the second check after scrolling 350 ms
            c.step(until - c.modelTimeMs());
            QTRY_COMPARE_WITH_TIMEOUT(c.store().endStep(), static_cast<std::int64_t>(std::llround(until / 0.1)), 30000);
            QCOMPARE(view.t1Ms(), std::max(until, 200.0));
            view.update();
            QTest::qWait(100);
            const QImage img = view.grabFramebuffer().convertToFormat(QImage::Format_RGB32);
            const double dpr = img.devicePixelRatio();
            const QRect plot = view.plotRect();
            const double t0 = view.t0Ms();
            int checked = 0, wrong = 0;
            for (const Spike& sp : c.store().all()) {
                const double t = (sp.step + 1) * 0.1;
                const int pop = c.store().populationOf(sp.neuron);
                if (t < t0 + 2.0 || t > until - 2.0 || sp.neuron - d.first_neuron[pop] < 3 ||
                    d.first_neuron[pop + 1] - sp.neuron < 3)
                    continue;
                const double x = (plot.left() + (t - t0) / 200.0 * plot.width()) * dpr;
                const double y = view.neuronToY(sp.neuron) * dpr;
                bool found = false;
                for (int dy = -1; dy <= 1 && !found; ++dy)
                    for (int dx = -1; dx <= 1 && !found; ++dx)
                        found = near(img.pixel(static_cast<int>(x) + dx, static_cast<int>(y) + dy), theme.population(pop));
                ++checked;
                if (!found) ++wrong;
            }
            QVERIFY2(checked > 200 && wrong == 0,
                     qPrintable(QString("at %1 ms: %2 of %3 spikes not at their pixel").arg(until).arg(wrong).arg(checked)));
        }
    }

    /// With decimation k only every k-th neuron of each population is drawn,
    /// in its own row; a window scrolled to a later step moves the spikes left.
    void rendererDecimatesAndScrolls() {
        QOffscreenSurface surface;
        surface.create();
        QOpenGLContext context;
        QVERIFY(context.create());
        QVERIFY(context.makeCurrent(&surface));
        QOpenGLFramebufferObject fbo(400, 300);
        QVERIFY(fbo.bind());
        // Neurons 0-99 E, 100-199 I; every neuron fires once, at step 1000 + 3n.
        std::vector<Spike> spikes;
        for (int n = 0; n < 200; ++n)
            spikes.push_back({n, 1000 + 3 * n});
        std::sort(spikes.begin(), spikes.end(), [](const Spike& a, const Spike& b) { return a.step < b.step; });
        Theme theme;
        RasterFrame f;
        f.stored = spikes;
        f.t0Step = 999 + 200; // scrolled: the window starts at step 1200
        f.stepSpan = 600;
        f.nSpan = 200;
        f.decimation = 3;
        f.firstNeuron = {0, 100, 200, 200, 200, 200, 200, 200, 200};
        for (int p = 0; p < kNumPops; ++p)
            f.colours[p] = theme.population(p);
        f.pointSize = 1.0f;
        f.plot = QRect(0, 0, 400, 300);
        f.framebuffer = QSize(400, 300);
        {
            RasterRenderer renderer;
            QVERIFY2(renderer.initialize(), qPrintable(renderer.error()));
            renderer.render(f);
            renderer.release();
        }
        const QImage img = fbo.toImage().convertToFormat(QImage::Format_RGB32);
        context.doneCurrent();
        int drawn = 0;
        for (int n = 0; n < 200; ++n) {
            const int pop = n < 100 ? 0 : 1;
            const int step = 1000 + 3 * n;
            if (step < 1200 || step > 1790) continue; // outside the window
            const double x = (step - f.t0Step) / f.stepSpan * 400.0;
            const double y = (n + 0.5) / 200.0 * 300.0;
            const bool on = near(img.pixel(static_cast<int>(x), static_cast<int>(y)), theme.population(pop));
            const bool shown = (n - (pop == 0 ? 0 : 100)) % 3 == 0;
            QVERIFY2(on == shown, qPrintable(QString("neuron %1 at step %2: %3").arg(n).arg(step).arg(on ? "drawn" : "missing")));
            drawn += on;
        }
        QVERIFY(drawn > 35); // 130 neurons fire inside the window, 1 in 3 is drawn
    }

    /// The hover names a neuron by its NEST id (as in every exported file)
    /// and its place in its population.
    void hoverUsesTheFilesNeuronIds() {
        Config config;
        config.net.N_scaling = 0.01;
        const DerivedParams d = deriveParameters(config);
        QCOMPARE(neuronLabel(d, 0), QString("neuron 1 (#1 of %1 in L23E)").arg(d.num_neurons[0]));
        QCOMPARE(neuronLabel(d, d.first_neuron[2]), QString("neuron %1 (#1 of %2 in L4E)").arg(d.first_neuron[2] + 1).arg(d.num_neurons[2]));
        QCOMPARE(neuronLabel(d, d.total_neurons - 1),
                 QString("neuron %1 (#%2 of %2 in L6I)").arg(d.total_neurons).arg(d.num_neurons[7]));

        SimController c(2);
        c.pause();
        QSignalSpy built(&c, &SimController::built);
        c.rebuild(config);
        QVERIFY(built.wait(20000));
        c.step(100.0);
        QTRY_COMPARE_WITH_TIMEOUT(c.store().endStep(), std::int64_t{1000}, 30000);
        RasterView view(&c);
        view.resize(800, 1100); // more than one pixel row per neuron
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.plotRect().height() > c.store().neurons());
        const QRect plot = view.plotRect();
        int checked = 0;
        for (std::size_t i = 0; i < c.store().all().size(); i += 11) {
            const Spike& sp = c.store().all()[i];
            const double t = (sp.step + 1) * 0.1;
            const QPoint pos(static_cast<int>(plot.left() + (t - view.t0Ms()) / view.windowMs() * plot.width()),
                             static_cast<int>(std::lround(view.neuronToY(sp.neuron))));
            const QString text = view.hoverText(pos);
            QVERIFY2(text.startsWith(neuronLabel(d, sp.neuron) + "\n"), qPrintable(text));
            QVERIFY2(text.startsWith(QString("neuron %1 ").arg(sp.neuron + 1)), qPrintable(text));
            ++checked;
        }
        QVERIFY(checked > 10);
        QVERIFY(view.hoverText(QPoint(2, 2)).isEmpty()); // outside the plot
    }
};

int main(int argc, char** argv) {
    mc::ui::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestUiRaster test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui_raster.moc"

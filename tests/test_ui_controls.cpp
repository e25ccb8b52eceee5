// The window's controls as a user drives them (issue 18): shortcuts while a
// value box has focus, Enter giving the keyboard back to the raster, every
// control following the state (building / running / paused / no network),
// controls restored after a cancelled rebuild, the raster window returning to
// the chosen length, pending rebuild settings, pulses in the past, banners,
// the charts' colours and a window that fits its screen.
#include "ui/charts/charts_panel.hpp"
#include "ui/controls/control_panel.hpp"
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/session.hpp"
#include "ui/sim_controller.hpp"

#include <QAbstractAxis>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

using namespace mc;
using namespace mc::ui;

namespace {

Config smallConfig(double scale = 0.02, std::uint64_t seed = 55) {
    Config c = MainWindow::defaultConfig();
    c.net.N_scaling = c.net.K_scaling = scale;
    c.sim.rng_seed = seed;
    return c;
}

QAction* action(const MainWindow& w, const QString& text) {
    for (QAction* a : w.findChildren<QAction*>())
        if (a->text() == text) return a;
    return nullptr;
}

template <class T> T* controlWithTip(const MainWindow& w, const QString& tipPart) {
    for (T* c : w.controls()->findChildren<T*>())
        if (c->toolTip().contains(tipPart)) return c;
    return nullptr;
}

QPushButton* button(const MainWindow& w, const QString& text) {
    for (QPushButton* b : w.controls()->findChildren<QPushButton*>())
        if (b->text() == text) return b;
    return nullptr;
}

/// A shown, active window with a small network built (paused unless `run`).
bool startSmall(MainWindow& w, bool run = false, Config config = smallConfig()) {
    w.move(0, 0);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) return false;
    QApplication::setActiveWindow(&w);
    SimController* c = w.controller();
    if (!run) c->pause();
    QSignalSpy built(c, &SimController::built);
    c->rebuild(config);
    return built.wait(20000);
}

double colourDistance(const QColor& a, const QColor& b) {
    return std::hypot(a.redF() - b.redF(), a.greenF() - b.greenF(), a.blueF() - b.blueF());
}

} // namespace

class TestUiControls : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { initResources(); }

    /// Item 5: shortcuts work while a value box has focus; Enter applies and
    /// returns the keyboard to the raster; the box keeps its value and unit.
    void shortcutsWorkWhileAValueBoxHasFocus() {
        MainWindow w(2);
        w.resize(1280, 720);
        QVERIFY(startSmall(w, true));
        SimController* c = w.controller();
        auto* rate = controlWithTip<QDoubleSpinBox>(w, "External drive rate");
        QVERIFY(rate);
        rate->setFocus();
        QTRY_VERIFY(rate->hasFocus());
        rate->selectAll();
        QTest::keyClicks(rate, "12");
        QTest::keyClick(rate, Qt::Key_Return);
        QTRY_COMPARE(c->liveValues().bgRateHz, 12.0);
        QTRY_VERIFY(w.raster()->hasFocus());

        // Back in the box (its text selected, as after Enter), the window's keys still work.
        rate->setFocus();
        QTRY_VERIFY(rate->hasFocus());
        rate->selectAll();
        QVERIFY(!c->isPaused());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QVERIFY(c->isPaused());
        QCOMPARE(rate->text(), QString("12.00 Hz")); // not replaced by the key
        QSignalSpy applied(c, &SimController::eventApplied);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_T);
        QTRY_COMPARE(applied.count(), 1);
        QCOMPARE(c->events().back().kind, TimedEvent::Kind::ThalamicPulse);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(c->speed(), 0.0);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F11);
        QVERIFY(w.theme().presentation);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F11);
        QVERIFY(!w.theme().presentation);
        // Digits still go into the box.
        auto* g = controlWithTip<QDoubleSpinBox>(w, "Relative inhibition");
        g->setFocus();
        QTRY_VERIFY(g->hasFocus());
        g->selectAll();
        QTest::keyClicks(g, "-5");
        QTest::keyClick(g, Qt::Key_Enter);
        QTRY_COMPARE(c->liveValues().g, -5.0);
        QTRY_VERIFY(w.raster()->hasFocus());
    }

    /// Items 7 and 8: a cancelled reseed restores every control; with no
    /// network left, nothing of the released one is shown and Play is off.
    void cancelledRebuildRestoresControlsAndState() {
        MainWindow w(2);
        w.resize(1280, 720);
        QVERIFY(startSmall(w));
        SimController* c = w.controller();
        auto* seed = controlWithTip<QSpinBox>(w, "Master seed");
        auto* scale = controlWithTip<QComboBox>(w, "Scale of the network");
        QVERIFY(seed && scale);
        QCOMPARE(seed->value(), 55);
        scale->setCurrentText("1");
        QSignalSpy failed(c, &SimController::buildFailed);
        w.controls()->reseed(); // full scale with a new seed: seconds of work
        QVERIFY(seed->value() != 55);
        QCOMPARE(c->state(), RunState::Building);
        QVERIFY(!controlWithTip<QPushButton>(w, "Pause or resume")->isEnabled());
        QVERIFY(!action(w, "Play / pause")->isEnabled());
        c->cancelBuild();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(seed->value(), 55);
        QCOMPARE(scale->currentText(), QString("0.02"));
        QVERIFY(w.controls()->pendingText().isEmpty());
        QCOMPARE(c->state(), RunState::Paused);
        QVERIFY(controlWithTip<QPushButton>(w, "Pause or resume")->isEnabled());
        QVERIFY(action(w, "Play / pause")->isEnabled());
        QVERIFY(w.lastMessage().contains("keeps running"));
    }

    void noNetworkDisablesNetworkControls() {
        MainWindow w(2);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        SimController* c = w.controller();
        QCOMPARE(c->state(), RunState::NoNetwork);
        QVERIFY(!action(w, "Play / pause")->isEnabled());
        QVERIFY(!action(w, "Thalamic pulse now")->isEnabled());
        QVERIFY(!controlWithTip<QPushButton>(w, "Pause or resume")->isEnabled());
        QVERIFY(!button(w, "Thalamic pulse now")->isEnabled());
        QVERIFY(button(w, "Rebuild")->isEnabled());
        QSignalSpy built(c, &SimController::built);
        c->rebuild(smallConfig());
        QVERIFY(built.wait(20000));
        QVERIFY(action(w, "Play / pause")->isEnabled());
        QVERIFY(button(w, "Thalamic pulse now")->isEnabled());
    }

    /// Item 11: Home, double-click and Follow return to the chosen window; the menu marks it.
    void resetViewReturnsToTheChosenWindow() {
        MainWindow w(2);
        QVERIFY(startSmall(w));
        RasterView* r = w.raster();
        QCOMPARE(r->windowMs(), 1000.0);
        QVERIFY(action(w, "1 s")->isChecked());
        r->setWindowMs(25000.0); // zoomed out
        QTest::mouseDClick(r, Qt::LeftButton, {}, r->plotRect().center());
        QCOMPARE(r->windowMs(), 1000.0);
        action(w, "2 s")->trigger();
        QCOMPARE(r->windowMs(), 2000.0);
        QVERIFY(action(w, "2 s")->isChecked());
        QVERIFY(!action(w, "1 s")->isChecked());
        r->setWindowMs(300.0);
        action(w, "Follow model time (reset view)")->trigger();
        QCOMPARE(r->windowMs(), 2000.0);
        QVERIFY(r->isFollowing());
    }

    /// Smaller item: the hover tooltip's time follows the scrolling raster under a still mouse.
    void hoverTimeFollowsTheScrolling() {
        MainWindow w(2);
        w.resize(1280, 720);
        QVERIFY(startSmall(w, true));
        RasterView* r = w.raster();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->modelTimeMs() > 1100.0, 20000);
        const QPoint at = r->plotRect().center();
        QTest::mouseMove(r, at);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString first = QToolTip::text();
        QVERIFY(first.contains("t = "));
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible() && QToolTip::text() != first, 5000);
        QVERIFY(QToolTip::text().contains("t = "));
    }

    /// Smaller item: the "Replaying session" line goes once the replay passes the saved end.
    void replayBannerGoesAtTheSavedEnd() {
        MainWindow w(2);
        QVERIFY(startSmall(w));
        QTemporaryDir dir;
        const QString path = dir.filePath("session.json");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(sessionToJson(Session{smallConfig(), {}, 400})));
        }
        QSignalSpy built(w.controller(), &SimController::built);
        QVERIFY(w.loadSessionFrom(path));
        QVERIFY(built.wait(20000));
        QVERIFY(w.infoText().startsWith("Replaying"));
        w.controller()->step(30.0);
        QTRY_COMPARE(w.controller()->store().endStep(), std::int64_t{300});
        QTest::qWait(100);
        QVERIFY(w.infoText().startsWith("Replaying")); // not at the saved end yet
        w.controller()->step(20.0);
        QTRY_VERIFY(w.infoText().isEmpty());
    }

    /// Smaller items: View → Controls works; the shortcut list names Ctrl+Shift+O.
    void viewControlsAndShortcutList() {
        MainWindow w(2);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QAction* controls = action(w, "Controls");
        QVERIFY(controls);
        QVERIFY(controls->isEnabled());
        auto* dock = w.findChild<QDockWidget*>("controls");
        QVERIFY(dock->isVisible());
        controls->trigger();
        QTRY_VERIFY(!dock->isVisible());
        controls->trigger();
        QTRY_VERIFY(dock->isVisible());
        action(w, "Keyboard shortcuts")->trigger();
        QMessageBox* box = w.findChild<QMessageBox*>();
        QVERIFY(box);
        QVERIFY(box->text().contains("Ctrl+Shift+O"));
        box->close();
    }

    /// Smaller item: a new scale is flagged as pending until Rebuild, with its size.
    void pendingRebuildSettingsAreShown() {
        MainWindow w(2);
        QVERIFY(startSmall(w));
        auto* scale = controlWithTip<QComboBox>(w, "Scale of the network");
        QVERIFY(w.controls()->pendingText().isEmpty());
        scale->setCurrentText("0.05");
        QVERIFY(w.controls()->pendingText().contains("Pending until Rebuild"));
        QVERIFY(w.controls()->pendingText().contains("scale 0.05"));
        scale->setCurrentText("0.001");
        QVERIFY(w.controls()->pendingText().contains("only"));
        scale->setCurrentText("30");
        QVERIFY(w.controls()->pendingText().contains("refuse"));
        scale->setCurrentText("0.05");
        QSignalSpy built(w.controller(), &SimController::built);
        w.controls()->rebuild();
        QVERIFY(built.wait(20000));
        QVERIFY(w.controls()->pendingText().isEmpty());
    }

    /// Smaller items: a pulse in the past is refused with a note; "Pulse at"
    /// follows the built configuration (and so Reset to defaults).
    void pulseInThePastAndPulseAtReset() {
        MainWindow w(2);
        Config lesson = smallConfig();
        lesson.stim.thalamic_input = true;
        lesson.stim.th_start = 700.0;
        QVERIFY(startSmall(w, false, lesson));
        SimController* c = w.controller();
        auto* at = controlWithTip<QDoubleSpinBox>(w, "Schedules a thalamic pulse");
        QVERIFY(at);
        QCOMPARE(at->value(), 700.0);
        c->step(200.0);
        QTRY_VERIFY(c->modelTimeMs() >= 200.0);
        at->setValue(50.0);
        QSignalSpy applied(c, &SimController::eventApplied);
        w.controls()->schedulePulse();
        QVERIFY(w.controls()->stimulusNote().contains("already past"));
        QTest::qWait(200);
        QCOMPARE(applied.count(), 0);
        at->setValue(900.0);
        w.controls()->schedulePulse();
        QTRY_COMPARE(applied.count(), 1);
        QCOMPARE(c->events().back().start_ms, 900.0);
        at->setValue(4000.0);
        QSignalSpy built(c, &SimController::built);
        c->rebuild(smallConfig()); // as Reset to defaults does
        QVERIFY(built.wait(20000));
        QCOMPARE(at->value(), 700.0);
        QVERIFY(w.controls()->stimulusNote().isEmpty());
    }

    /// Smaller item: lesson 2's banner says its first sentence once; item 6: tiny scales warn.
    void bannersSayThingsOnce() {
        MainWindow w(2);
        Config dc = smallConfig(0.1);
        dc.net.bg_input_type = "dc";
        QVERIFY(startSmall(w, false, dc));
        const QString banner = w.bannerText();
        QVERIFY(banner.contains("Silent network"));
        QCOMPARE(banner.count("of 8 populations"), 1);
        QCOMPARE(banner.count("below rheobase"), 0);
        QSignalSpy built(w.controller(), &SimController::built);
        w.controller()->rebuild(smallConfig(0.001));
        QVERIFY(built.wait(20000));
        QVERIFY(w.bannerText().contains("fewer than 10"));
    }

    /// Item 9: one distinct colour per population in the rate chart, E/I as a
    /// dark/light pair of one hue; y labels never elided.
    void rateChartColoursAndAxes() {
        for (int a = 0; a < kNumPops; ++a)
            for (int b = a + 1; b < kNumPops; ++b)
                QVERIFY2(colourDistance(Theme::populationLine(a), Theme::populationLine(b)) > 0.25,
                         qPrintable(QString("%1 and %2").arg(kPopNames[a], kPopNames[b])));
        for (int layer = 0; layer < 4; ++layer) {
            const QColor e = Theme::populationLine(2 * layer), i = Theme::populationLine(2 * layer + 1);
            QVERIFY(std::abs(e.hslHueF() - i.hslHueF()) < 0.06); // one hue ...
            QVERIFY(i.lightnessF() > e.lightnessF() + 0.1);      // ... light and dark
        }
        MainWindow w(2);
        w.resize(1024, 700);
        QVERIFY(startSmall(w, true));
        QChart* chart = w.charts()->view(ChartKind::RateSeries)->chart();
        int line = 0;
        for (QAbstractSeries* s : chart->series())
            if (auto* l = qobject_cast<QLineSeries*>(s)) {
                QCOMPARE(l->pen().color(), Theme::populationLine(line));
                ++line;
            }
        QCOMPARE(line, kNumPops);
        // A large change of scale on the y axis (g = -6 drives rates up).
        LiveValues v = w.controller()->liveValues();
        v.g = -1.0;
        w.controller()->setLiveValues(v, "g -1");
        QTest::qWait(1500);
        w.charts()->refresh();
        QTest::qWait(200);
        for (QAbstractAxis* axis : chart->axes())
            QVERIFY(!axis->labelsTruncated());
    }

    /// Item 10: the window fits its screen, also after leaving F11; a short
    /// window gives the raster priority and puts the charts in tabs.
    void windowFitsTheScreenAndRasterKeepsPriority() {
        MainWindow w(2);
        QVERIFY(startSmall(w));
        const QRect avail = w.screen()->availableGeometry();
        QVERIFY(avail.contains(w.frameGeometry()));
        w.resize(avail.width() + 600, avail.height() + 400); // as a window restored from a larger screen
        QTest::keyClick(&w, Qt::Key_F11);
        QVERIFY(w.theme().presentation);
        QTest::qWait(200);
        QTest::keyClick(&w, Qt::Key_F11);
        QVERIFY(!w.theme().presentation);
        QTRY_VERIFY(avail.contains(w.frameGeometry()));
        w.resize(1280, 720);
        QTRY_VERIFY(w.charts()->isCompact());
        QTRY_VERIFY(w.raster()->height() > 720 / 2);
        if (avail.height() > MainWindow::kCompactHeight + 50) { // a tall screen: the four charts in a grid
            w.resize(1600, MainWindow::kCompactHeight + 50);
            QTRY_VERIFY(!w.charts()->isCompact());
        }
    }
};

int main(int argc, char** argv) {
    mc::ui::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestUiControls test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui_controls.moc"

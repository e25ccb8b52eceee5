// The parameter editor and the connectivity map: every field shown, invalid
// entries refused with the command line's message, live edits applied and
// logged, rebuild edits pending until "Apply and rebuild", a click on the map
// editing the projection under it, and the map's numbers and exports.
#include "ui/connectivity/connectivity_map.hpp"
#include "ui/connectivity/connectivity_panel.hpp"
#include "ui/controls/exploration_docks.hpp"
#include "ui/controls/parameter_editor.hpp"
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/fields.hpp"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QScreen>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidgetItem>
#include <QtTest>

#include <fstream>

using namespace mc;
using namespace mc::ui;

namespace {

Config small() {
    Config c;
    c.net.N_scaling = c.net.K_scaling = 0.03;
    return c;
}

bool buildPaused(SimController& c, const Config& config) {
    c.pause();
    QSignalSpy built(&c, &SimController::built);
    c.rebuild(config);
    return built.wait(30000);
}

void leaves(const nlohmann::ordered_json& j, const std::string& path, std::vector<std::string>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) leaves(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
        return;
    }
    out.push_back(path);
}

} // namespace

class TestUiParameters : public QObject {
    Q_OBJECT
  private slots:
    void editorShowsEveryFieldOfTheDefaultConfiguration() {
        SimController c(1);
        ParameterEditor editor(&c);
        auto doc = nlohmann::ordered_json::parse(configToJson(Config{}));
        doc.erase("events");
        std::vector<std::string> paths;
        leaves(doc, "", paths);
        QVERIFY(paths.size() > 50);
        for (const std::string& p : paths) {
            QTreeWidgetItem* item = editor.itemOf(p);
            QVERIFY2(item, p.c_str());
            QVERIFY2(!item->text(1).isEmpty(), p.c_str());                        // value
            QVERIFY2(!item->text(3).isEmpty(), p.c_str());                        // range
            QVERIFY2(item->text(4) == "live" || item->text(4) == "rebuild", p.c_str());
            QVERIFY2(!item->toolTip(0).isEmpty(), p.c_str());                     // description
        }
        QCOMPARE(editor.itemOf("net.g")->text(1), QString("-4.0"));
        QCOMPARE(editor.itemOf("net.g")->text(4), QString("live"));
        QCOMPARE(editor.itemOf("net.conn_probs")->text(4), QString("rebuild"));
        QCOMPARE(editor.itemOf("net.PSP_exc_mean")->text(2), QString("mV"));
        // Search narrows the list.
        editor.searchBox()->setText("thalamic");
        QVERIFY(editor.itemOf("stim.th_rate"));
        QVERIFY(!editor.itemOf("net.g"));
    }

    void invalidEntryShowsTheCommandLinesMessageAndChangesNothing() {
        SimController c(1);
        QVERIFY(buildPaused(c, small()));
        ParameterEditor editor(&c);
        QSignalSpy applied(&c, &SimController::eventApplied);
        editor.select("net.g");
        editor.valueEdit()->setText("5");
        QTest::keyClick(editor.valueEdit(), Qt::Key_Return);
        // The command line's message for the same value in a file.
        QTemporaryDir dir;
        const QString file = dir.filePath("bad.json");
        std::ofstream(file.toStdString()) << R"({"net": {"g": 5}})";
        QProcess p;
        p.start(MC_BINARY, {"run", "--config", file, "--out", dir.filePath("out"), "-q"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        const QString cli = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(editor.errorText(), QString("net.g = 5 is not allowed: must be >= -100 and <= 0"));
        QVERIFY2(cli.contains(editor.errorText()), qPrintable(cli));
        QTest::qWait(200);
        QCOMPARE(applied.count(), 0);
        QVERIFY(editor.pending().empty());
        QCOMPARE(c.currentConfig().net.g, -4.0);
        QCOMPARE(editor.valueEdit()->text(), QString("-4.0")); // back to the value in force
        // A word where a number belongs: the reader's message.
        editor.valueEdit()->setText("strong");
        QTest::keyClick(editor.valueEdit(), Qt::Key_Return);
        QVERIFY2(editor.errorText().contains("net.g: expected a number"), qPrintable(editor.errorText()));
        // A table cell out of range.
        editor.select("net.K_ext");
        editor.valueTable()->item(0, 3)->setText("-1");
        QVERIFY2(editor.errorText().startsWith("net.K_ext[3] (L4I) = -1 is not allowed"), qPrintable(editor.errorText()));
        QVERIFY(editor.pending().empty());
        QCOMPARE(applied.count(), 0);
    }

    void liveEditAppliesAtTheNextStepAndIsLogged() {
        SimController c(1);
        QVERIFY(buildPaused(c, small()));
        c.step(5.0);
        QTRY_COMPARE(c.store().endStep(), std::int64_t{50});
        ParameterEditor editor(&c);
        QSignalSpy applied(&c, &SimController::eventApplied);
        editor.select("net.neuron_params.V_th");
        editor.valueTable()->item(0, 2)->setText("-49");
        QTRY_COMPARE(applied.count(), 1);
        QVERIFY(editor.errorText().isEmpty());
        QVERIFY(editor.pending().empty());
        QCOMPARE(c.currentConfig().net.neuron.V_th[2], -49.0);
        QCOMPARE(c.currentConfig().net.neuron.V_th[3], -50.0);
        QCOMPARE(c.config().net.neuron.V_th[2], -50.0); // as built
        const TimedEvent& e = c.events().back();
        QCOMPARE(e.kind, TimedEvent::Kind::Set);
        QCOMPARE(e.t_ms, 5.0);
        QVERIFY(!e.label.empty());
        QVERIFY(c.session().events.size() == 1);
        // Changed from defaults: the filter shows it, revert undoes it.
        editor.changedOnlyBox()->setChecked(true);
        QVERIFY(editor.itemOf("net.neuron_params.V_th"));
        QVERIFY(!editor.itemOf("net.g"));
        editor.changedOnlyBox()->setChecked(false);
        QVERIFY(editor.revert("net.neuron_params.V_th"));
        QTRY_COMPARE(applied.count(), 2);
        QCOMPARE(c.currentConfig().net.neuron.V_th[2], -50.0);
        // Reset all: live fields back at once (one logged change), the rest pending.
        QVERIFY(editor.submit("net.g", "-5"));
        QVERIFY(editor.submit("stim.weight_factors_th", "[1,1,3,1,1,1,1,1]"));
        QVERIFY(editor.submit("net.delay_exc_mean", "2.0"));
        QTRY_COMPARE(applied.count(), 4);
        QCOMPARE(c.currentConfig().stim.weight_factors_th[2], 3.0);
        QCOMPARE(editor.pending().size(), std::size_t{1});
        editor.discardPending();
        QVERIFY(editor.submit("net.delay_exc_mean", "2.0"));
        editor.resetAll();
        QTRY_COMPARE(applied.count(), 5);
        QCOMPARE(c.currentConfig().net.g, -4.0);
        QCOMPARE(c.currentConfig().stim.weight_factors_th[2], 1.0);
        QCOMPARE(QString::fromStdString(c.events().back().label), QString("reset all"));
        // The pending delay went back to the value in force; the network's
        // scale 0.03 is not the default 0.1, so N and K scaling wait for a rebuild.
        QCOMPARE(editor.pending().size(), std::size_t{2});
        QVERIFY(editor.pending().count("net.N_scaling") && editor.pending().count("net.K_scaling"));
        QCOMPARE(editor.edited().net.N_scaling, 0.1);
    }

    void pendingRebuildEditIsAppliedByApplyAndRebuild() {
        SimController c(1);
        QVERIFY(buildPaused(c, small()));
        ParameterEditor editor(&c);
        QSignalSpy built(&c, &SimController::built);
        QSignalSpy applied(&c, &SimController::eventApplied);
        editor.select("sim.rng_seed");
        editor.valueEdit()->setText("99");
        QTest::keyClick(editor.valueEdit(), Qt::Key_Return);
        QVERIFY(editor.errorText().isEmpty());
        QCOMPARE(editor.pending().size(), std::size_t{1});
        QVERIFY(editor.pending().count("sim.rng_seed"));
        QVERIFY(editor.itemOf("sim.rng_seed")->text(1).contains("pending"));
        QVERIFY(editor.applyRebuildButton()->isEnabled());
        QTest::qWait(200);
        QCOMPARE(built.count(), 0);
        QCOMPARE(applied.count(), 0);
        QCOMPARE(c.config().sim.rng_seed, std::uint64_t{55});
        // Discard forgets it; a second edit is applied by the button.
        QTest::mouseClick(editor.discardButton(), Qt::LeftButton);
        QVERIFY(editor.pending().empty());
        QVERIFY(editor.submit("net.conn_probs", [] {
            auto m = nlohmann::json::parse(fieldValueJson(Config{}, "net.conn_probs"));
            m[0][2] = 0.08;
            return m.dump();
        }()));
        QVERIFY(editor.submit("sim.rng_seed", "99"));
        QCOMPARE(editor.pending().size(), std::size_t{2});
        QTest::mouseClick(editor.applyRebuildButton(), Qt::LeftButton);
        QVERIFY(built.wait(30000));
        QCOMPARE(c.config().sim.rng_seed, std::uint64_t{99});
        QCOMPARE(c.config().net.conn_probs[0][2], 0.08);
        QCOMPARE(c.config().net.N_scaling, 0.03); // the rest as it was
        QVERIFY(editor.pending().empty());
    }

    void mapClickEditsTheProjectionUnderIt() {
        SimController c(1);
        QVERIFY(buildPaused(c, small()));
        ParameterEditor editor(&c);
        ConnectivityPanel panel(&c, &editor);
        panel.resize(900, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy applied(&c, &SimController::eventApplied);
        ConnectivityMap* map = panel.map();
        // Row L2/3E (target 0), column L4E (source 2): the model's famous projection.
        QTest::mouseClick(map, Qt::LeftButton, {}, map->cellRect(0, 2).center().toPoint());
        QTRY_VERIFY(panel.openDialog());
        QCOMPARE(panel.openDialog()->target(), 0);
        QCOMPARE(panel.openDialog()->source(), 2);
        QCOMPARE(panel.openDialog()->weightFactor()->value(), 1.0);
        QCOMPARE(panel.openDialog()->probability()->value(), 0.0437);
        panel.openDialog()->weightFactor()->setValue(2.0);
        panel.openDialog()->accept();
        QTRY_COMPARE(applied.count(), 1);
        const WeightFactors& wf = c.currentConfig().net.weight_factors;
        for (int y = 0; y < kNumPops; ++y)
            for (int x = 0; x < kNumPops; ++x) QCOMPARE(wf[y][x], y == 0 && x == 2 ? 2.0 : 1.0);
        QVERIFY(map->changedFromDefaults(0, 2));
        QVERIFY(!map->changedFromDefaults(2, 0));
        QVERIFY(editor.pending().empty());
        // The thalamic column: a probability change waits for a rebuild.
        QTest::mouseClick(map, Qt::LeftButton, {}, map->cellRect(3, 8).center().toPoint());
        QTRY_VERIFY(panel.openDialog() && panel.openDialog()->source() == 8);
        QCOMPARE(panel.openDialog()->target(), 3);
        panel.openDialog()->probability()->setValue(0.1);
        panel.openDialog()->accept();
        QVERIFY(editor.pending().count("stim.conn_probs_th"));
        QCOMPARE(editor.edited().stim.conn_probs_th[3], 0.1);
        QCOMPARE(c.config().stim.conn_probs_th[3], 0.0619);
        bool pendingOnly = false;
        QVERIFY(map->changedFromDefaults(3, 8, &pendingOnly));
        QVERIFY(pendingOnly);
    }

    void mapNumbersAndExports() {
        SimController c(1);
        QVERIFY(buildPaused(c, small()));
        ParameterEditor editor(&c);
        ConnectivityPanel panel(&c, &editor);
        const ConnectivityNumbers& n = panel.map()->numbers();
        const DerivedParams& d = c.buildInfo()->derived;
        for (int y = 0; y < kNumPops; ++y) {
            QCOMPARE(n.neurons[y], d.num_neurons[y]);
            for (int x = 0; x < kNumPops; ++x) {
                QCOMPARE(n.probability[y][x], c.config().net.conn_probs[y][x]);
                QCOMPARE(n.synapses[y][x], double(d.num_synapses[y][x]));
                QCOMPARE(n.inDegree[y][x] * d.num_neurons[y], n.synapses[y][x]);
                QCOMPARE(n.weightPa[y][x], d.weight_mean[y][x]);
                // Inhibitory sources have negative weights; the default PSP is 0.15 mV (x2 for L4E -> L2/3E).
                // Weights are divided by sqrt(K_scaling), so are the PSPs the synapses make.
                const double psp = (y == 0 && x == 2 ? 0.3 : 0.15) * (isExcitatory(x) ? 1.0 : -4.0) / std::sqrt(0.03);
                QVERIFY2(std::abs(n.pspMv[y][x] - psp) < 1e-9 || n.synapses[y][x] == 0, qPrintable(QString::number(n.pspMv[y][x])));
            }
        }
        QTemporaryDir dir;
        QString error;
        for (const char* name : {"map.png", "map.svg", "map.pdf"}) {
            QVERIFY2(panel.exportImage(dir.filePath(name), &error), qPrintable(error));
            QVERIFY(QFileInfo(dir.filePath(name)).size() > 1000);
        }
        QVERIFY(!panel.exportImage(dir.filePath("map.bmpx"), &error));
        QVERIFY(error.contains("unknown image type"));
        QVERIFY2(panel.exportCsv(dir.filePath("map.csv"), &error), qPrintable(error));
        std::ifstream in(dir.filePath("map.csv").toStdString());
        std::string line;
        int lines = 0;
        while (std::getline(in, line)) ++lines;
        QCOMPARE(lines, 1 + kNumPops * (kNumPops + 1));
    }

    // With MC_SCREENSHOT_DIR set (and a display): the whole window with both
    // docks after a live change of L4E -> L2/3E and a pending probability.
    void screenshotOfEditorAndMap() {
        const QString dir = qEnvironmentVariable("MC_SCREENSHOT_DIR");
        if (dir.isEmpty()) QSKIP("MC_SCREENSHOT_DIR not set");
        MainWindow w(2);
        SimController* c = w.controller();
        QSignalSpy built(c, &SimController::built);
        w.resize(1600, 1000);
        w.show();
        w.start();
        QVERIFY(built.wait(30000));
        const ExplorationDocks& docks = w.explorationDocks();
        // Side by side for the picture (they open as tabs).
        w.removeDockWidget(docks.connectivityDock);
        w.addDockWidget(Qt::RightDockWidgetArea, docks.connectivityDock);
        w.splitDockWidget(docks.editorDock, docks.connectivityDock, Qt::Vertical);
        docks.editorDock->show();
        docks.connectivityDock->show();
        w.resizeDocks({docks.editorDock}, {660}, Qt::Horizontal);
        w.resizeDocks({docks.editorDock, docks.connectivityDock}, {540, 420}, Qt::Vertical);
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 300.0, 30000);
        QSignalSpy applied(c, &SimController::eventApplied);
        QVERIFY(docks.editor->submitElement("net.weight_factors", 0, 2, 2.0));
        QTRY_COMPARE(applied.count(), 1);
        QVERIFY(docks.editor->submitElement("net.conn_probs", 2, 4, 0.02));
        docks.editor->select("net.weight_factors");
        docks.connectivity->metricBox()->setCurrentIndex(int(ConnectivityMetric::MeanPsp));
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > c->events().back().t_ms + 350.0, 30000);
        QTest::qWait(600);
        QPixmap shot = w.screen()->grabWindow(0, w.x(), w.y(), w.frameGeometry().width(), w.frameGeometry().height());
        if (shot.isNull()) shot = w.grab();
        QVERIFY(shot.save(dir + "/parameters_connectivity.png"));
    }
};

int main(int argc, char** argv) {
    mc::ui::setDefaultSurfaceFormat(); // the main window's raster needs OpenGL 3.3 core
    QApplication app(argc, argv);
    mc::ui::initResources();
    TestUiParameters test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui_parameters.moc"

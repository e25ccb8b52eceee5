// Bad input: a corrupt or invalid configuration or session gives a clear
// message and leaves the running network untouched.
#include "ui/gui_main.hpp"
#include "ui/main_window.hpp"
#include "ui/sim_controller.hpp"

#include <QApplication>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace mc;
using namespace mc::ui;

class TestUiBadInput : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        initResources();
        QVERIFY(m_dir.isValid());
    }

    void rejected_data() {
        QTest::addColumn<bool>("session");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("config: not JSON") << false << QByteArray("{ \"net\": { \"N_scaling\": 0.1, ") << "JSON";
        QTest::newRow("config: out of range") << false << QByteArray("{\"net\": {\"N_scaling\": -3}}") << "N_scaling";
        QTest::newRow("config: unknown key") << false << QByteArray("{\"net\": {\"N_scalling\": 0.2}}") << "N_scalling";
        QTest::newRow("config: wrong type") << false << QByteArray("{\"sim\": {\"rng_seed\": \"abc\"}}") << "rng_seed";
        QTest::newRow("config: binary garbage") << false << QByteArray("\x89PNG\r\n\x1a\n\0\0\0", 11) << "bad.json: not valid JSON";
        QTest::newRow("session: truncated")
            << true << QByteArray("{\"format\": \"microcircuit-session\", \"vers") << "JSON";
        QTest::newRow("session: not a session") << true << QByteArray("{\"net\": {\"N_scaling\": 0.1}}") << "session";
        QTest::newRow("session: bad event kind")
            << true
            << QByteArray("{\"format\":\"microcircuit-session\",\"version\":1,\"config\":{},\"end_step\":0, "
                          "\"events\":[{\"step\":5,\"kind\":\"explode\",\"label\":\"\"}]}")
            << "explode";
        QTest::newRow("session: bad config")
            << true
            << QByteArray("{\"format\":\"microcircuit-session\",\"version\":1,\"config\":{\"net\":{\"g\":\"strong\"}}, "
                          "\"end_step\":0,\"events\":[]}")
            << "g";
        QTest::newRow("session: factor out of range")
            << true
            << QByteArray("{\"format\":\"microcircuit-session\",\"version\":1,\"config\":{},\"end_step\":0, "
                          "\"events\":[{\"step\":5,\"kind\":\"live\",\"exc_weight_factor\":1,\"inh_weight_factor\":-2, "
                          "\"bg_rate_factor\":1,\"dc_factor\":1}]}")
            << "factor";
    }

    void rejected() {
        QFETCH(bool, session);
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        MainWindow w(2);
        SimController* c = w.controller();
        QSignalSpy built(c, &SimController::built);
        c->rebuild(Config{});
        QVERIFY(built.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > 20.0, 20000);
        const auto info = c->buildInfo();

        const QString path = m_dir.filePath("bad.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
        f.close();
        QSignalSpy started(c, &SimController::buildStarted);
        QSignalSpy shown(&w, &MainWindow::messageShown);
        const bool ok = session ? w.loadSessionFrom(path) : w.loadConfigFrom(path);
        QVERIFY(!ok);
        QCOMPARE(shown.count(), 1);
        QVERIFY2(w.lastMessage().contains(mentions), qPrintable(w.lastMessage()));
        QVERIFY(w.lastMessage().contains("unchanged"));
        auto* box = w.findChild<QMessageBox*>();
        QVERIFY(box);
        QCOMPARE(box->icon(), QMessageBox::Critical);
        // The running network is untouched and keeps running.
        QCOMPARE(started.count(), 0);
        QCOMPARE(c->buildInfo(), info);
        const double t = c->modelTimeMs();
        QTRY_VERIFY_WITH_TIMEOUT(c->modelTimeMs() > t + 10.0, 20000);
    }

    // The GUI's loaders with the hostile-input corpus (tests/hostile): each
    // file is refused with a message naming the file and the field, and
    // nothing crashes (deep nesting, a FIFO that would block, 1e999).
    void hostileCorpus_data() {
        QTest::addColumn<bool>("session");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("mentions");
        const QString sessions = QStringLiteral(MC_HOSTILE_DIR "/sessions/");
        const QString files = QStringLiteral(MC_HOSTILE_DIR "/files/");
        auto session = [&](const char* file, QStringList mentions) {
            QTest::newRow(file) << true << sessions + file << (mentions << file);
        };
        session("format_number.json", {"format", "5"});
        session("label_number.json", {"events[0].label", "42"});
        session("step_negative.json", {"events[0].step", "-5"});
        session("step_huge.json", {"events[0].step", "1.5e+30"});
        session("version_string.json", {"version", "\"1\""});
        session("config_overflow.json", {"net.N_scaling", "overflow"});
        session("end_step_negative.json", {"end_step", "-1"});
        session("factor_string.json", {"exc_weight_factor", "\"x\""});
        auto config = [&](const char* file, QStringList mentions) {
            QTest::newRow(file) << false << files + file << (mentions << file);
        };
        config("overflow.json", {"net.N_scaling", "overflow"});
        config("n_scaling_tiny.json", {"N_scaling", "no neuron"});
        config("c_m_tiny.json", {"C_m", "cannot be simulated"});
        config("seed_too_large.json", {"rng_seed"});
        // Made here: too deep to commit, or special files.
        const QString deep = m_dir.filePath("deep.json");
        QFile f(deep);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"net\": " + QByteArray(100000, '[') + QByteArray(100000, ']') + "}");
        f.close();
        QTest::newRow("config nested 100,000 deep") << false << deep << QStringList{"deep.json", "nested"};
        const QString deepSession = m_dir.filePath("deep_session.json");
        QFile g(deepSession);
        QVERIFY(g.open(QIODevice::WriteOnly | QIODevice::Truncate));
        g.write("{\"format\": \"microcircuit-session\", \"version\": 1, \"config\": " + QByteArray(100000, '['));
        g.close();
        QTest::newRow("session nested 100,000 deep") << true << deepSession << QStringList{"deep_session.json", "nested"};
        const QString fifo = m_dir.filePath("fifo.json");
        QVERIFY(mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0 || QFile::exists(fifo));
        QTest::newRow("config FIFO") << false << fifo << QStringList{"fifo.json", "FIFO"};
        QTest::newRow("session FIFO") << true << fifo << QStringList{"fifo.json", "FIFO"};
    }

    void hostileCorpus() {
        QFETCH(bool, session);
        QFETCH(QString, path);
        QFETCH(QStringList, mentions);
        MainWindow w(2);
        QSignalSpy shown(&w, &MainWindow::messageShown);
        const bool ok = session ? w.loadSessionFrom(path) : w.loadConfigFrom(path);
        QVERIFY(!ok);
        QCOMPARE(shown.count(), 1);
        for (const QString& m : mentions)
            QVERIFY2(w.lastMessage().contains(m), qPrintable(m + " not in: " + w.lastMessage()));
        QVERIFY2(w.lastMessage().size() < 600, qPrintable(w.lastMessage()));
    }

    void missingFile() {
        MainWindow w(2);
        QVERIFY(!w.loadSessionFrom(m_dir.filePath("does-not-exist.json")));
        QVERIFY(w.lastMessage().contains("does-not-exist"));
        QVERIFY(!w.loadConfigFrom(m_dir.filePath("nope.json")));
        QVERIFY(w.lastMessage().contains("nope"));
    }

  private:
    QTemporaryDir m_dir;
};

int main(int argc, char** argv) {
    mc::ui::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestUiBadInput test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui_bad_input.moc"

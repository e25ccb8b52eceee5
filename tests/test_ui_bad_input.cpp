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

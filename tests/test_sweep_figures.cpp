// `microcircuit sweep --figures` (issue 13): the phase diagrams of a small
// real sweep are written, each cell of each population's panel has the colour
// of its value in summary.json, and a sweep over one field draws one row.
#include "figures/sweep_figure.hpp"
#include "microcircuit/errors.hpp"

#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace mc;

namespace {

int runBinary(const QStringList& args, QByteArray* err = nullptr) {
    QProcess p;
    p.start(MC_BINARY, args);
    if (!p.waitForFinished(240000)) return -1;
    if (err) *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

QStringList smallSweep(const QString& out) {
    return {"sweep", "--scale", "0.02", "--t-presim", "100", "--t-sim", "300", "--no-record", "--threads", "2",
            "--out", out, "-q", "--figures"};
}

/// The pixel in the middle of cell (column, row) of population `pop`.
QRgb cellPixel(const QImage& img, const figures::SweepMap& map, int pop, int column, int row) {
    const QRectF cell =
        figures::sweepMapCell(QRectF(0, 0, img.width(), img.height()), map, pop, column, row);
    return img.pixel(cell.center().toPoint()) & 0xffffff;
}

bool near(QRgb a, QRgb b) {
    return std::abs(qRed(a) - qRed(b)) <= 2 && std::abs(qGreen(a) - qGreen(b)) <= 2 && std::abs(qBlue(a) - qBlue(b)) <= 2;
}

} // namespace

class TestSweepFigures : public QObject {
    Q_OBJECT
  private slots:
    void twoFieldsDrawAPhaseDiagram() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("sweep");
        // Without drive the circuit is silent: the bg_rate = 0 row must differ
        // from the driven row, so a flipped or shifted map is seen.
        QByteArray err;
        QCOMPARE(runBinary(smallSweep(out) << "--set" << "net.g=-4,-6" << "--set" << "net.bg_rate=0,8" << "--format"
                                           << "png" << "--format" << "svg",
                           &err),
                 0);
        for (const char* stem : {"phase_rate", "phase_cv", "phase_synchrony", "phase_state"}) {
            QVERIFY2(QFile::exists(out + "/figures/" + stem + ".png"), stem);
            QFile svg(out + "/figures/" + stem + ".svg");
            QVERIFY(svg.open(QIODevice::ReadOnly));
            const QByteArray text = svg.readAll();
            QVERIFY(text.contains("<svg"));
            QVERIFY(text.contains("net.bg_rate")); // the axis is named as in the configuration
        }
        QVERIFY(!QFile::exists(out + "/figures/phase_rate.pdf"));

        const auto states = figures::readSweepMap(out.toStdString(), figures::SweepStatistic::State);
        QCOMPARE(states.populations.size(), std::size_t(8));
        QCOMPARE(states.xField, std::string("net.g"));
        QCOMPARE(states.yField, std::string("net.bg_rate"));
        QImage img(out + "/figures/phase_state.png");
        QCOMPARE(img.size(), QSize(figures::kSweepFigureWidth, figures::kSweepFigureHeight));
        int silent = 0, other = 0;
        for (int pop = 0; pop < 8; ++pop)
            for (int r = 0; r < 2; ++r)
                for (int c = 0; c < 2; ++c) {
                    const double v = states.cells[pop][r * 2 + c];
                    QVERIFY(std::isfinite(v));
                    const auto s = static_cast<ActivityState>(static_cast<int>(v));
                    if (r == 0) QCOMPARE(s, ActivityState::Silent); // bg_rate 0, the bottom row
                    (s == ActivityState::Silent ? silent : other)++;
                    QCOMPARE(cellPixel(img, states, pop, c, r), figures::stateColor(s).rgb() & 0xffffff);
                }
        QVERIFY2(other > 0, "the driven row has active populations");
        QVERIFY(silent >= 16);

        // Rates: the colour on the scale from the smallest to the largest mean.
        const auto rates = figures::readSweepMap(out.toStdString(), figures::SweepStatistic::MeanRate);
        double lo = 1e9, hi = -1e9;
        for (const auto& cells : rates.cells)
            for (double v : cells) lo = std::min(lo, v), hi = std::max(hi, v);
        QVERIFY(hi > lo);
        QCOMPARE(lo, 0.0);
        QImage rimg(out + "/figures/phase_rate.png");
        for (int pop = 0; pop < 8; ++pop)
            for (int k = 0; k < 4; ++k) {
                const double v = rates.cells[pop][k];
                if (k < 2) QCOMPARE(v, 0.0); // silent without drive
                QVERIFY(near(cellPixel(rimg, rates, pop, k % 2, k / 2),
                             figures::scaleColor((v - lo) / (hi - lo)).rgb() & 0xffffff));
            }

        // collect --figures redraws them (here as PDF) from the folder.
        QCOMPARE(runBinary({"sweep", "collect", out, "--figures", "--format", "pdf"}), 0);
        QFile pdf(out + "/figures/phase_state.pdf");
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
    }

    void oneFieldDrawsOneRow() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("sweep");
        QCOMPARE(runBinary(smallSweep(out) << "--set" << "net.bg_rate=0,4,8"), 0);
        const auto map = figures::readSweepMap(out.toStdString(), figures::SweepStatistic::State);
        QCOMPARE(map.yValues.size(), std::size_t(1));
        QCOMPARE(map.xValues.size(), std::size_t(3));
        QImage img(out + "/figures/phase_state.png");
        for (int pop = 0; pop < 8; ++pop) {
            QCOMPARE(cellPixel(img, map, pop, 0, 0), figures::stateColor(ActivityState::Silent).rgb() & 0xffffff);
            for (int c = 0; c < 3; ++c)
                QCOMPARE(cellPixel(img, map, pop, c, 0),
                         figures::stateColor(static_cast<ActivityState>(static_cast<int>(map.cells[pop][c]))).rgb() &
                             0xffffff);
        }
    }

    void ensembleFigureHasABoxPlotPerStatistic() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("seeds");
        QStringList args = smallSweep(out);
        args.removeAll("--no-record");
        args.removeAll("--figures");
        QCOMPARE(runBinary(args << "--set" << "net.bg_rate=8" << "--seeds" << "3"), 0);
        const QString figs = tmp.filePath("ens");
        QByteArray err;
        QCOMPARE(runBinary({"analyze", out + "/points/0000", "--ensemble", out + "/points/0001", out + "/points/0002",
                            "--ensemble-out", tmp.filePath("json"), "--figures", "--figures-out", figs, "--format",
                            "png", "--format", "svg", "-q"},
                           &err),
                 0);
        QVERIFY(QFile::exists(tmp.filePath("json/rate_ks_distances.json")));
        QVERIFY(QFile::exists(figs + "/ensemble_ks.svg"));
        QImage img(figs + "/ensemble_ks.png");
        QCOMPARE(img.size(), QSize(3600, 900));
        // Each third holds box plots: the excitatory and inhibitory colours.
        for (int third = 0; third < 3; ++third) {
            int exc = 0, inh = 0;
            for (int y = 0; y < img.height(); ++y)
                for (int x = third * 1200; x < (third + 1) * 1200; ++x) {
                    const QRgb c = img.pixel(x, y) & 0xffffff;
                    exc += c == (QColor(0x59, 0x52, 0x89).rgb() & 0xffffff);
                    inh += c == (QColor(0xaf, 0x14, 0x3c).rgb() & 0xffffff);
                }
            QVERIFY2(exc > 50 && inh > 50, qPrintable(QString("panel %1: %2 %3").arg(third).arg(exc).arg(inh)));
        }
    }

    void partialCollectLeavesUnfinishedCellsGrey() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("part");
        QStringList args = smallSweep(out);
        args.removeAll("--figures");
        QCOMPARE(runBinary(args << "--set" << "net.g=-4,-5" << "--set" << "net.bg_rate=8,9" << "--slurm"), 0);
        QCOMPARE(runBinary({"sweep", "--point", "0", out, "-q"}), 0);
        QCOMPARE(runBinary({"sweep", "collect", out, "--figures"}), 1); // incomplete: no summary, no figures
        QVERIFY(!QFile::exists(out + "/figures/phase_state.png"));
        QCOMPARE(runBinary({"sweep", "collect", out, "--partial", "--figures"}), 0);
        const auto map = figures::readSweepMap(out.toStdString(), figures::SweepStatistic::State);
        QImage img(out + "/figures/phase_state.png");
        const QRgb grey = figures::kNoValueColor.rgb() & 0xffffff;
        for (int pop = 0; pop < 8; ++pop) {
            QVERIFY(std::isfinite(map.cells[pop][0]));
            QVERIFY(cellPixel(img, map, pop, 0, 0) != grey); // point 0: net.g = -4, net.bg_rate = 8
            for (int k = 1; k < 4; ++k) {
                QVERIFY(std::isnan(map.cells[pop][k]));
                QCOMPARE(cellPixel(img, map, pop, k % 2, k / 2), grey);
            }
        }
    }

    void badInputIsRefusedBeforeRunning() {
        QTemporaryDir tmp;
        QByteArray err;
        // Three swept fields: refused before any point runs.
        const QString out = tmp.filePath("three");
        QCOMPARE(runBinary(smallSweep(out) << "--set" << "net.g=-4,-5" << "--set" << "net.bg_rate=8,9" << "--set"
                                           << "net.delay_rel_std=0.5,0.4",
                           &err),
                 2);
        QVERIFY2(err.contains("one or two swept fields") && err.contains("has 3"), err.constData());
        QVERIFY(!QFile::exists(out + "/points/0000/stats.json"));
        QCOMPARE(runBinary({"sweep", "--set", "net.g=-4,-5", "--out", tmp.filePath("f"), "--format", "png"}, &err), 2);
        QVERIFY2(err.contains("--format goes with --figures"), err.constData());
        QCOMPARE(runBinary({"sweep", "--set", "net.g=-4,-5", "--out", tmp.filePath("g"), "--figures", "--format", "bmp"},
                           &err),
                 2);
        QCOMPARE(runBinary({"sweep", "--set", "net.g=-4,-5", "--out", tmp.filePath("s"), "--slurm", "--figures"}, &err), 2);
        QVERIFY2(err.contains("sweep collect --figures"), err.constData());
        QVERIFY(!QFile::exists(tmp.filePath("s/sweep.json")));
    }
};

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestSweepFigures t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_sweep_figures.moc"

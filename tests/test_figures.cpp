// Figures (figures/): every format written with a valid header and real
// content, the raster's colours in the right bands, box-plot statistics, the
// reference's thinning rule, and the figures of a run folder.
#include "figures/boxplot_figure.hpp"
#include "figures/figure_writer.hpp"
#include "figures/figures.hpp"
#include "figures/plot_style.hpp"
#include "figures/raster_figure.hpp"
#include "microcircuit/errors.hpp"

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <random>

using namespace mc;

namespace {

constexpr int kPerPop = 60;

/// Eight populations of 60 neurons firing Poisson spikes at 20 Hz over 0-1000 ms.
SpikeData syntheticData() {
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (int p = 0; p < 8; ++p)
        ranges.emplace_back(1 + p * kPerPop, (p + 1) * kPerPop);
    std::mt19937_64 gen(3);
    std::exponential_distribution<double> isi(20.0 * 1e-3);
    std::vector<SpikeRecord> rec;
    for (int id = 1; id <= 8 * kPerPop; ++id)
        for (double t = isi(gen); t <= 1000.0; t += isi(gen))
            rec.push_back({id, std::round(t * 10.0) / 10.0});
    SpikeData d = buildSpikeData(ranges, rec);
    d.tPresim = 0.0;
    d.tEnd = 1000.0;
    return d;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Pixels of exactly `c` in rows [y0, y1) of the image.
int countColor(const QImage& img, int y0, int y1, QColor c) {
    int n = 0;
    const QRgb want = c.rgb();
    for (int y = y0; y < y1; ++y)
        for (int x = 0; x < img.width(); ++x)
            if ((img.pixel(x, y) & 0xffffff) == (want & 0xffffff)) ++n;
    return n;
}

} // namespace

class TestFigures : public QObject {
    Q_OBJECT
  private slots:
    void everyFormatIsWritten() {
        const SpikeData data = syntheticData();
        AnalysisOptions o;
        o.tMin = 0.0;
        const AnalysisResult r = analyzeSpikes(data, o);
        QTemporaryDir dir;
        figures::writeAnalysisFigures(data, r, &r, dir.path().toStdString(), {"png", "svg", "pdf"});
        for (const char* stem : {"raster", "boxplot", "distributions"}) {
            const QByteArray png = readAll(dir.filePath(QString(stem) + ".png"));
            QVERIFY2(png.startsWith("\x89PNG\r\n\x1a\n"), stem);
            QImage img;
            QVERIFY(img.loadFromData(png, "PNG"));
            QVERIFY(img.width() >= 1200 && img.height() >= 900);
            // Non-trivial: a good share of the pixels are not white.
            int ink = 0;
            for (int y = 0; y < img.height(); y += 3)
                for (int x = 0; x < img.width(); x += 3)
                    ink += (img.pixel(x, y) & 0xffffff) != 0xffffff;
            QVERIFY2(ink > 1000, stem);
            const QByteArray svg = readAll(dir.filePath(QString(stem) + ".svg"));
            QVERIFY2(svg.contains("<svg") && svg.contains("</svg>") && svg.size() > 10000, stem);
            const QByteArray pdf = readAll(dir.filePath(QString(stem) + ".pdf"));
            QVERIFY2(pdf.startsWith("%PDF-") && pdf.trimmed().endsWith("%%EOF") && pdf.size() > 3000, stem);
        }
    }
    void rasterHasBothColoursInEveryBand() {
        const SpikeData data = syntheticData();
        QTemporaryDir dir;
        const QString path = dir.filePath("raster.png");
        figures::writeFigure(path.toStdString(), {1200, 900}, [&](QPainter& p, const QRectF& r) {
            figures::paintRaster(p, r, data, {0.0, 1000.0, 1});
        });
        QImage img(path);
        QVERIFY(!img.isNull());
        // The plot spans 3 %..87 % of the height; populations are equal, so
        // population i has the i-th eighth of it (L2/3E at the top).
        const double top = 900 * 0.03, height = 900 * 0.84;
        for (int pop = 0; pop < 8; ++pop) {
            const int y0 = static_cast<int>(top + height * pop / 8.0) + 3;
            const int y1 = static_cast<int>(top + height * (pop + 1) / 8.0) - 3;
            const int exc = countColor(img, y0, y1, QColor("#595289"));
            const int inh = countColor(img, y0, y1, QColor("#af143c"));
            if (pop % 2 == 0)
                QVERIFY2(exc > 500 && inh == 0, qPrintable(QString("population %1").arg(pop)));
            else
                QVERIFY2(inh > 500 && exc == 0, qPrintable(QString("population %1").arg(pop)));
        }
    }
    void boxStatisticsAsNumpy() {
        const auto b = figures::boxStats({9, 1, 2, 3, 4, 5, 6, 7, 8, 100});
        QCOMPARE(b.median, 5.5); // numpy.percentile(linear)
        QCOMPARE(b.q1, 3.25);
        QCOMPARE(b.q3, 7.75);
        QCOMPARE(b.mean, 14.5);
        QCOMPARE(b.whiskerHigh, 9.0); // 100 lies beyond q3 + 1.5 IQR = 14.5
        QCOMPARE(b.outliers, (std::vector<double>{100.0}));
    }
    /// Each population's box sits in its row (L2/3E at the top) with the
    /// thick black median line at the column of its median.
    void boxPlotMediansAtTheirPixels() {
        figures::ensureGuiApplication();
        const std::vector<std::string> names{"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
        std::vector<std::vector<double>> rates;
        const double medians[] = {1.0, 3.0, 4.5, 6.0, 8.0, 9.5, 2.0, 7.0};
        for (double m : medians) {
            // Skewed, so that the dashed mean line (m + 0.1) lies apart from
            // the median m; quartiles m - 0.1 and m + 0.3.
            std::vector<double> v{m};
            for (int i = 1; i <= 20; ++i) {
                v.push_back(m - 0.01 * i);
                v.push_back(m + 0.03 * i);
            }
            rates.push_back(v);
        }
        QImage img(1200, 900, QImage::Format_RGB32);
        img.fill(Qt::white);
        {
            QPainter p(&img);
            figures::paintBoxplot(p, QRectF(0, 0, 1200, 900), names, rates);
        }
        // The layout of paintBoxplot: plot at 14%..95% x 3%..87%, x from 0 to 1.05 max.
        const QRectF plot(1200 * 0.14, 900 * 0.03, 1200 * 0.81, 900 * 0.84);
        const double hi = (9.5 + 0.6) * 1.05;
        const auto xOf = [&](double r) { return plot.left() + r / hi * plot.width(); };
        const double rowH = plot.height() / 8;
        for (int i = 0; i < 8; ++i) {
            const int cy = static_cast<int>(plot.top() + rowH * (i + 0.5));
            // The box's fill colour at this row, between q1 and the median.
            const int xFill = static_cast<int>(std::lround(xOf(medians[i] - 0.055)));
            QCOMPARE(QColor(img.pixel(xFill, cy)), figures::populationColor(i));
            // Black pixels strictly inside the box: the median line only.
            double sum = 0.0;
            int n = 0;
            for (int x = static_cast<int>(xOf(medians[i] - 0.075)); x <= xOf(medians[i] + 0.05); ++x) {
                const QColor c(img.pixel(x, cy));
                if (c.red() < 60 && c.green() < 60 && c.blue() < 60) {
                    sum += x;
                    ++n;
                }
            }
            QVERIFY2(n >= 2, qPrintable(QString("%1: no median line").arg(names[i].c_str())));
            QVERIFY2(std::abs(sum / n - xOf(medians[i])) < 1.5,
                     qPrintable(QString("%1: median line at x %2, expected %3").arg(names[i].c_str()).arg(sum / n).arg(xOf(medians[i]))));
            // Nothing of the box above or below its row band.
            const int outside = static_cast<int>(plot.top() + rowH * i) + 1;
            QCOMPARE(QColor(img.pixel(xFill, outside)), QColor(Qt::white));
        }
    }
    void referenceThinning() {
        QCOMPARE(figures::rasterStride(0.1), 1);
        QCOMPARE(figures::rasterStride(0.2), 2);
        QCOMPARE(figures::rasterStride(0.5), 5);
        QCOMPARE(figures::rasterStride(1.0), 10);
        QCOMPARE(figures::rasterStride(-1.0), 1); // unknown scale
    }
    void runFolderFigures() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        std::ofstream(d + "/population_nodeids.dat")
            << "1 60\n61 120\n121 180\n181 240\n241 300\n301 360\n361 420\n421 480\n";
        std::ofstream(d + "/sim_dict.json") << R"({"t_presim": 100.0, "t_sim": 900.0})";
        std::ofstream f(d + "/spike_recorder-481-0.dat");
        f << "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n";
        const SpikeData data = syntheticData();
        for (const auto& pop : data.populations)
            for (int n = 0; n < pop.size(); ++n)
                for (double t : pop.neuron(n))
                    f << pop.firstId + n << '\t' << t << '\n';
        f.close();
        figures::writeRunFigures(d);
        QVERIFY(QImage(dir.filePath("raster.png")).width() == 1200);
        QVERIFY(QImage(dir.filePath("boxplot.png")).width() == 1200);
    }
    void unknownFormatIsAnError() {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(ConfigError, figures::writeFigure(dir.filePath("x.bmp").toStdString(), {10, 10},
                                                                   [](QPainter&, const QRectF&) {}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, figures::writeFigure(dir.filePath("no/such/dir/x.png").toStdString(),
                                                                   {10, 10}, [](QPainter&, const QRectF&) {}));
    }
};

int main(int argc, char** argv) {
    // Headless: the offscreen platform unless the environment chooses one.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestFigures t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_figures.moc"

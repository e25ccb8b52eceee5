#include "figures/figures.hpp"

#include "figures/boxplot_figure.hpp"
#include "figures/distribution_figure.hpp"
#include "figures/figure_writer.hpp"
#include "figures/raster_figure.hpp"
#include "microcircuit/errors.hpp"

#include <cstdio>
#include <filesystem>

namespace mc::figures {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> popNames(const SpikeData& data) {
    std::vector<std::string> names;
    for (const auto& p : data.populations)
        names.push_back(p.name);
    return names;
}

std::vector<std::vector<double>> rateLists(const AnalysisResult& r) {
    std::vector<std::vector<double>> rates;
    for (const auto& p : r.populations)
        rates.push_back(p.rates);
    return rates;
}

void writeRaster(const SpikeData& data, const std::string& path) {
    const RasterOptions window = defaultRasterWindow(data);
    writeFigure(path, {kFigureWidth, kFigureHeight},
                [&](QPainter& p, const QRectF& r) { paintRaster(p, r, data, window); });
}

void writeBoxplot(const SpikeData& data, const AnalysisResult& result, const std::string& path) {
    const auto names = popNames(data);
    const auto rates = rateLists(result);
    writeFigure(path, {kFigureWidth, kFigureHeight},
                [&](QPainter& p, const QRectF& r) { paintBoxplot(p, r, names, rates); });
}

} // namespace

bool writeRunFigures(const std::string& folder) {
    try {
        const SpikeData data = readSpikeFolder(folder);
        writeRaster(data, (fs::path(folder) / "raster.png").string());
        // The box plot shows rates over the recorded time after the warm-up,
        // like rates.csv and the reference's firing_rates().
        AnalysisOptions options;
        options.tMin = data.tPresim >= 0.0 ? data.tPresim : 0.0;
        options.subsample = 2; // correlations are not drawn here
        const AnalysisResult result = analyzeSpikes(data, options);
        writeBoxplot(data, result, (fs::path(folder) / "boxplot.png").string());
        return true;
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "error: figures not drawn: %s\n", e.what());
        return false;
    }
}

void writeAnalysisFigures(const SpikeData& data, const AnalysisResult& result, const AnalysisResult* reference,
                          const std::string& outDir, const std::vector<std::string>& formats) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir)) throw ConfigError(outDir + ": figure folder cannot be created");
    for (const std::string& fmt : formats) {
        const auto file = [&](const char* stem) {
            return (fs::path(outDir) / (std::string(stem) + "." + fmt)).string();
        };
        writeRaster(data, file("raster"));
        writeBoxplot(data, result, file("boxplot"));
        writeFigure(file("distributions"), {kDistributionWidth, kDistributionHeight},
                    [&](QPainter& p, const QRectF& r) { paintDistributions(p, r, result, reference); });
    }
}

void writeEnsembleFigure(const EnsembleKs& ks, const std::string& outDir, const std::vector<std::string>& formats) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir)) throw ConfigError(outDir + ": figure folder cannot be created");
    static const char* const labels[3] = {"KS distance of rates", "KS distance of ISI CVs",
                                          "KS distance of correlations"};
    for (const std::string& fmt : formats)
        writeFigure((fs::path(outDir) / ("ensemble_ks." + fmt)).string(), {3 * kFigureWidth, kFigureHeight},
                    [&](QPainter& p, const QRectF& r) {
                        p.fillRect(r, Qt::white);
                        for (int s = 0; s < 3; ++s)
                            paintBoxplot(p, QRectF(r.left() + r.width() * s / 3, r.top(), r.width() / 3, r.height()),
                                         ks.populations, ks.distances[static_cast<std::size_t>(s)], labels[s]);
                    });
}

} // namespace mc::figures

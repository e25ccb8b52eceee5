// Standard figures of a spike folder, written headless (no display needed):
// raster.<fmt>, boxplot.<fmt> and, for an analysis, distributions.<fmt>.
// The painters themselves (raster_figure.hpp, boxplot_figure.hpp,
// distribution_figure.hpp) take a QPainter and a rect, for reuse by the GUI.
#pragma once

#include "microcircuit/analysis.hpp"
#include "microcircuit/ensemble.hpp"
#include "microcircuit/spike_data.hpp"

#include <string>
#include <vector>

namespace mc::figures {

/// Called by `microcircuit run` after a recorded run: reads the folder and
/// writes raster.png and boxplot.png into it (rates over the run after its
/// warm-up). Problems are reported on stderr, never thrown (the run's data
/// are already safe); returns false then. A figure that could not be
/// written completely is not left in the folder.
bool writeRunFigures(const std::string& folder);

/// Figures of `microcircuit analyze --figures`: raster, box plot and
/// distributions (overlaid with `reference` when given) in each format of
/// `formats` ("png", "svg", "pdf"), into `outDir` (created if needed).
/// Throws mc::ConfigError if a file cannot be written.
void writeAnalysisFigures(const SpikeData& data, const AnalysisResult& result, const AnalysisResult* reference,
                          const std::string& outDir, const std::vector<std::string>& formats);

/// The ensemble figure of `analyze --ensemble --figures`, as the reference's:
/// the KS distances between pairs of realisations per population, one box
/// plot each for rates, ISI CVs and correlations, side by side, written as
/// ensemble_ks.<fmt> into `outDir`. Throws mc::ConfigError / mc::WriteError.
void writeEnsembleFigure(const EnsembleKs& ks, const std::string& outDir, const std::vector<std::string>& formats);

/// Figure sizes in pixels at 300 dpi: the reference's 4 x 3 in, and a taller
/// page for the 8 x 3 distribution grid.
inline constexpr int kFigureWidth = 1200, kFigureHeight = 900;
inline constexpr int kDistributionWidth = 1800, kDistributionHeight = 2400;

} // namespace mc::figures

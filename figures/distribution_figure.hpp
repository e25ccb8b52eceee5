// Distributions of the validation statistics: one row per population, one
// column each for per-neuron rates, ISI CVs and spike-count correlations;
// the reference's distribution (e.g. NEST's) is overlaid as a black outline.
#pragma once

#include "microcircuit/analysis.hpp"

#include <QPainter>
#include <QRectF>

namespace mc::figures {

/// Histogram of the values within [lo, hi] in `bins` bins, as fractions of
/// all finite values (so samples of different sizes compare); empty if none.
std::vector<double> normalizedHistogram(const std::vector<double>& values, double lo, double hi, int bins);

/// Paints the 8 x 3 grid of histograms; `reference` may be null.
void paintDistributions(QPainter& painter, const QRectF& rect, const AnalysisResult& result,
                        const AnalysisResult* reference);

} // namespace mc::figures

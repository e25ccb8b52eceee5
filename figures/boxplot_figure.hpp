// Horizontal box plot of per-neuron rates per population, as the reference's
// box_plot.png: L2/3E at the top, boxes in the E/I colours, black median,
// dashed light-grey mean.
#pragma once

#include <QPainter>
#include <QRectF>

#include <string>
#include <vector>

namespace mc::figures {

/// Quartiles and whiskers of one sample (linear interpolation, as numpy).
struct BoxStats {
    double q1 = 0, median = 0, q3 = 0, mean = 0;
    double whiskerLow = 0, whiskerHigh = 0; ///< furthest data within 1.5 IQR of the box
    std::vector<double> outliers;           ///< data beyond the whiskers
};
BoxStats boxStats(std::vector<double> values);

/// Paints one box per population (names[i], rates[i] in Hz), first at the top;
/// `xLabel` names the values (other values than rates: the ensemble figure).
void paintBoxplot(QPainter& painter, const QRectF& rect, const std::vector<std::string>& names,
                  const std::vector<std::vector<double>>& rates, const QString& xLabel = "firing rate (spikes/s)");

} // namespace mc::figures

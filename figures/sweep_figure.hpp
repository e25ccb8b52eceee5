// Phase diagrams of a sweep (`microcircuit sweep --figures`): one panel per
// population, one coloured cell per grid point, from the sweep's summary.json.
#pragma once

#include "microcircuit/health.hpp"
#include "microcircuit/sweep.hpp"

#include <QColor>
#include <QPainter>
#include <QRectF>

#include <string>
#include <vector>

namespace mc::figures {

enum class SweepStatistic { MeanRate, MeanCv, MeanCc, Synchrony, State };
/// The summary column of a statistic ("mean_rate", ...) and its title in the maps.
const char* sweepStatisticColumn(SweepStatistic statistic);
QString sweepStatisticTitle(SweepStatistic statistic);

/// The grid of one statistic: x is the first swept field, y the second (one
/// row when only one field is swept). Seeds are averaged (undefined values
/// left out); for the state, the most frequent state over the seeds (a tie
/// goes to the earlier of silent, asynchronous irregular, synchronous,
/// saturated). NaN marks a cell without a value.
struct SweepMap {
    std::string xField, yField;                ///< configuration names; yField empty for one axis
    std::vector<std::string> xValues, yValues; ///< JSON text of each column / row (yValues has one "" entry for one axis)
    std::vector<std::string> populations;
    std::vector<std::vector<double>> cells; ///< [population][row * xValues.size() + column]; states as ActivityState numbers
    SweepStatistic statistic = SweepStatistic::MeanRate;
};

/// Reads DIR/sweep.json and DIR/summary.json. Throws mc::ConfigError naming
/// the file when either is missing or invalid, or when the sweep does not
/// have one or two swept fields.
SweepMap readSweepMap(const std::string& dir, SweepStatistic statistic);

/// One population's statistics at one point, as a summary row holds them.
struct SweepRow {
    int point = 0;
    PointPopulationStats stats;
};

/// The map of `rows` (any subset of the points, e.g. those finished so far):
/// every cell of the grid and all 8 populations, NaN where no row gives a
/// value. Throws mc::ConfigError unless the sweep has one or two swept
/// fields, or when a row names a point the sweep does not have.
SweepMap buildSweepMap(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<SweepRow>& rows,
                       SweepStatistic statistic);
/// The map of one population only (painted as one large panel).
SweepMap onePopulation(const SweepMap& map, std::size_t population);
/// The cell (column, row) of a point in the map's grid.
std::pair<int, int> sweepMapCellOf(const SweepSpec& spec, const SweepPoint& point);

/// Throws mc::ConfigError unless a sweep over `axes` swept fields can be drawn.
void checkSweepMapAxes(std::size_t axes);

/// Colour of an activity state in the maps (and their legend).
QColor stateColor(ActivityState state);
/// Colour of a value at `t` in [0, 1] on the numeric maps' colour scale
/// (dark blue - green - yellow, like viridis).
QColor scaleColor(double t);
/// Colour of cells without a value.
inline const QColor kNoValueColor{0xdd, 0xdd, 0xdd};

/// Paints the map: a 2 x 4 grid of panels (L2/3E, L2/3I in the top row, ...),
/// or one panel filling the plot area when the map has one population,
/// each cell a grid point, with the fields' names on the axes, and a colour
/// bar (or state legend) on the right.
void paintSweepMap(QPainter& painter, const QRectF& rect, const SweepMap& map);
/// Rectangle of cell (column, row) of population `pop` when painted into `rect`
/// (row 0 at the bottom, like the y axis); for tests and hover.
QRectF sweepMapCell(const QRectF& rect, const SweepMap& map, int pop, int column, int row);

/// Writes phase_rate, phase_cv, phase_synchrony and phase_state in each of
/// `formats` into DIR/figures. Throws mc::ConfigError / mc::WriteError.
void writeSweepFigures(const std::string& dir, const std::vector<std::string>& formats);

inline constexpr int kSweepFigureWidth = 2400, kSweepFigureHeight = 1500;

} // namespace mc::figures

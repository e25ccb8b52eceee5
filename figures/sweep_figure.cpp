#include "figures/sweep_figure.hpp"

#include "figures/figure_writer.hpp"
#include "figures/plot_style.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/model.hpp"
#include "microcircuit/sweep.hpp"

#include <QFontMetricsF>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace mc::figures {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int stateIndex(const std::string& name, const std::string& file) {
    for (int k = 0; k < 4; ++k)
        if (name == stateName(static_cast<ActivityState>(k))) return k;
    throw ConfigError(file + ": unknown state \"" + name.substr(0, 60) + "\"");
}

QString valueLabel(const std::string& jsonText) {
    QString s = QString::fromStdString(jsonText);
    if (s.size() >= 2 && s.startsWith('"') && s.endsWith('"')) return s.mid(1, s.size() - 2);
    // Whole numbers without their ".0" (JSON writes 12.0 for a double).
    if (s.endsWith(".0") && s.size() > 2 && (s[s.size() - 3].isDigit())) s.chop(2);
    return s;
}

QString popLabel(const std::string& name) {
    return QString::fromStdString(name).replace("23", "2/3");
}

} // namespace

void checkSweepMapAxes(std::size_t axes) {
    if (axes == 1 || axes == 2) return;
    throw ConfigError("--figures draws maps over one or two swept fields; this sweep has " + std::to_string(axes) +
                      (axes == 0 ? " (seeds only: use microcircuit analyze --ensemble on its points)"
                                 : " (sweep at most two fields with --set, or draw from summary.csv yourself)"));
}

const char* sweepStatisticColumn(SweepStatistic s) {
    switch (s) {
    case SweepStatistic::MeanRate: return "mean_rate";
    case SweepStatistic::MeanCv: return "mean_cv";
    case SweepStatistic::MeanCc: return "mean_cc";
    case SweepStatistic::Synchrony: return "synchrony";
    case SweepStatistic::State: return "state";
    }
    return "";
}

QString sweepStatisticTitle(SweepStatistic s) {
    switch (s) {
    case SweepStatistic::MeanRate: return "mean rate (spikes/s)";
    case SweepStatistic::MeanCv: return "mean CV of ISIs";
    case SweepStatistic::MeanCc: return "mean spike-count correlation";
    case SweepStatistic::Synchrony: return "synchrony index";
    case SweepStatistic::State: return "activity state";
    }
    return "";
}

std::pair<int, int> sweepMapCellOf(const SweepSpec& spec, const SweepPoint& point) {
    const auto at = [&](std::size_t a) {
        const auto& v = spec.axes[a].values;
        return static_cast<int>(std::find(v.begin(), v.end(), point.values[a]) - v.begin());
    };
    return {at(0), spec.axes.size() == 2 ? at(1) : 0};
}

SweepMap buildSweepMap(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<SweepRow>& rows,
                       SweepStatistic statistic) {
    checkSweepMapAxes(spec.axes.size());
    SweepMap map;
    map.statistic = statistic;
    map.xField = spec.axes[0].field;
    map.xValues = spec.axes[0].values;
    if (spec.axes.size() == 2) {
        map.yField = spec.axes[1].field;
        map.yValues = spec.axes[1].values;
    } else {
        map.yValues = {""};
    }
    const std::size_t nx = map.xValues.size(), ny = map.yValues.size();
    for (const char* name : kPopNames) map.populations.push_back(name);
    // Per population and cell: the values over the seeds.
    std::vector<std::vector<std::vector<double>>> samples(map.populations.size(),
                                                          std::vector<std::vector<double>>(nx * ny));
    for (const SweepRow& row : rows) {
        if (row.point < 0 || row.point >= static_cast<int>(points.size()))
            throw ConfigError("point " + std::to_string(row.point) + " is not a point of this sweep");
        const auto pop = std::find(map.populations.begin(), map.populations.end(), row.stats.population);
        if (pop == map.populations.end())
            throw ConfigError("point " + std::to_string(row.point) + ": unknown population \"" +
                              row.stats.population.substr(0, 60) + "\"");
        const auto [column, r] = sweepMapCellOf(spec, points[static_cast<std::size_t>(row.point)]);
        const PointPopulationStats& st = row.stats;
        double value = kNaN;
        switch (statistic) {
        case SweepStatistic::MeanRate: value = st.meanRate; break;
        case SweepStatistic::MeanCv: value = st.meanCv; break;
        case SweepStatistic::MeanCc: value = st.meanCc; break;
        case SweepStatistic::Synchrony: value = st.synchrony; break;
        case SweepStatistic::State: value = static_cast<int>(st.state); break;
        }
        samples[static_cast<std::size_t>(pop - map.populations.begin())][static_cast<std::size_t>(r) * nx +
                                                                          static_cast<std::size_t>(column)]
            .push_back(value);
    }
    for (const auto& popSamples : samples) {
        std::vector<double> cells(nx * ny, kNaN);
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto& s = popSamples[c];
            if (statistic == SweepStatistic::State) {
                std::array<int, 4> count{};
                for (double v : s) ++count[static_cast<std::size_t>(v)];
                const auto best = std::max_element(count.begin(), count.end());
                if (*best > 0) cells[c] = static_cast<double>(best - count.begin());
            } else {
                double sum = 0;
                int n = 0;
                for (double v : s)
                    if (std::isfinite(v)) sum += v, ++n;
                if (n > 0) cells[c] = sum / n;
            }
        }
        map.cells.push_back(std::move(cells));
    }
    return map;
}

SweepMap onePopulation(const SweepMap& map, std::size_t population) {
    SweepMap one = map;
    one.populations = {map.populations.at(population)};
    one.cells = {map.cells.at(population)};
    return one;
}

SweepMap readSweepMap(const std::string& dir, SweepStatistic statistic) {
    const SweepSpec spec = readSweep(dir);
    checkSweepMapAxes(spec.axes.size());
    const std::vector<SweepPoint> points = expandSweep(spec);
    const std::string file = (fs::path(dir) / "summary.json").string();
    const json summary = parseJson(readInputFile(file), file);
    std::vector<SweepRow> rows;
    const auto number = [](const json& v) { return v.is_number() ? v.get<double>() : kNaN; };
    try {
        for (const json& row : summary.at("rows")) {
            SweepRow r;
            r.point = row.at("point").get<int>();
            r.stats.population = row.at("population").get<std::string>();
            r.stats.meanRate = number(row.at("mean_rate"));
            r.stats.stdRate = number(row.at("std_rate"));
            r.stats.meanCv = number(row.at("mean_cv"));
            r.stats.meanCc = number(row.at("mean_cc"));
            r.stats.synchrony = number(row.at("synchrony"));
            r.stats.state = static_cast<ActivityState>(stateIndex(row.at("state").get<std::string>(), file));
            rows.push_back(std::move(r));
        }
    } catch (const json::exception& e) {
        throw ConfigError(file + ": not a sweep summary (" + std::string(e.what()).substr(0, 120) + ")");
    }
    try {
        return buildSweepMap(spec, points, rows, statistic);
    } catch (const ConfigError& e) {
        throw ConfigError(file + ": " + e.what());
    }
}

QColor stateColor(ActivityState state) {
    switch (state) {
    case ActivityState::Silent: return {0x4d, 0x4d, 0x4d};
    case ActivityState::AsynchronousIrregular: return {0x2c, 0xa0, 0x2c};
    case ActivityState::Synchronous: return {0xff, 0x7f, 0x0e};
    case ActivityState::Saturated: return {0xd6, 0x27, 0x28};
    }
    return kNoValueColor;
}

QColor scaleColor(double t) {
    static const std::array<QColor, 5> stops{QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b),
                                             QColor(0x21, 0x91, 0x8c), QColor(0x5e, 0xc9, 0x62),
                                             QColor(0xfd, 0xe7, 0x25)};
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 4.0;
    const int i = std::min(3, static_cast<int>(t));
    const double f = t - i;
    const QColor a = stops[static_cast<std::size_t>(i)], b = stops[static_cast<std::size_t>(i) + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + f * (b.redF() - a.redF())),
                            static_cast<float>(a.greenF() + f * (b.greenF() - a.greenF())),
                            static_cast<float>(a.blueF() + f * (b.blueF() - a.blueF())));
}

namespace {

struct Layout {
    QRectF panels, legend;
};

Layout layoutOf(const QRectF& rect) {
    const double legendW = rect.width() * 0.19;
    return {QRectF(rect.left(), rect.top(), rect.width() - legendW, rect.height()),
            QRectF(rect.right() - legendW, rect.top(), legendW, rect.height())};
}

QRectF plotOf(const QRectF& rect, const SweepMap& map, int pop) {
    const QRectF area = layoutOf(rect).panels;
    const std::size_t panels = map.cells.size();
    // Room on the left for the y values and the y field's name, however
    // narrow the panels are (the window's Sweep panel is narrower than a figure).
    const QFontMetricsF fm(figureFont(rect, 0.022));
    double yw = 0;
    if (!map.yField.empty())
        for (const auto& v : map.yValues) yw = std::max(yw, fm.horizontalAdvance(valueLabel(v)));
    const double needed = map.yField.empty() ? fm.height() : fm.height() * 0.6 + yw + fm.height() * 1.6;
    if (panels == 1) { // one population: one panel over the whole area
        const double left = std::max(area.width() * 0.14, needed);
        return QRectF(area.left() + left, area.top() + area.height() * 0.07, area.width() * 0.94 - left,
                      area.height() * 0.78);
    }
    const double w = area.width() / 4, h = area.height() / 2;
    const QRectF panel(area.left() + w * (pop % 4), area.top() + h * ((pop / 4) % 2), w, h);
    const double left = std::min(w * 0.6, std::max(w * 0.32, needed));
    return QRectF(panel.left() + left, panel.top() + h * 0.10, w * 0.94 - left, h * 0.66);
}

/// Every k-th label so that labels do not overlap.
int labelStep(int n, double space, double labelSize) {
    const int fit = std::max(1, static_cast<int>(space / std::max(1.0, labelSize * 1.3)));
    return std::max(1, (n + fit - 1) / fit);
}

} // namespace

QRectF sweepMapCell(const QRectF& rect, const SweepMap& map, int pop, int column, int row) {
    const QRectF plot = plotOf(rect, map, pop);
    const double nx = static_cast<double>(std::max<std::size_t>(1, map.xValues.size()));
    const double ny = static_cast<double>(std::max<std::size_t>(1, map.yValues.size()));
    const double w = plot.width() / nx, h = plot.height() / ny;
    return QRectF(plot.left() + w * column, plot.bottom() - h * (row + 1), w, h);
}

void paintSweepMap(QPainter& p, const QRectF& rect, const SweepMap& map) {
    const QFont font = figureFont(rect, 0.022);
    const QFontMetricsF fm(font);
    const bool states = map.statistic == SweepStatistic::State;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& cells : map.cells)
        for (double v : cells)
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(hi >= lo)) lo = 0, hi = 1;
    if (hi == lo) hi = lo + (lo == 0 ? 1.0 : std::abs(lo) * 0.1);
    const auto colorOf = [&](double v) {
        if (!std::isfinite(v)) return kNoValueColor;
        return states ? stateColor(static_cast<ActivityState>(static_cast<int>(v))) : scaleColor((v - lo) / (hi - lo));
    };
    const int nx = static_cast<int>(map.xValues.size()), ny = static_cast<int>(map.yValues.size());
    p.save();
    p.fillRect(rect, Qt::white);
    p.setFont(font);
    QPen pen(Qt::black);
    pen.setWidthF(std::max(1.0, rect.height() / 800.0));
    for (std::size_t k = 0; k < map.cells.size() && k < 8; ++k) {
        const int pop = static_cast<int>(k);
        p.setRenderHint(QPainter::Antialiasing, false);
        for (int r = 0; r < ny; ++r)
            for (int c = 0; c < nx; ++c)
                p.fillRect(sweepMapCell(rect, map, pop, c, r).adjusted(0, 0, 1, 1),
                           colorOf(map.cells[k][static_cast<std::size_t>(r * nx + c)]));
        p.setRenderHint(QPainter::Antialiasing, true);
        const QRectF plot = plotOf(rect, map, pop);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRect(plot);
        const QString title = popLabel(map.populations[k]);
        p.drawText(QPointF(plot.center().x() - fm.horizontalAdvance(title) / 2, plot.top() - fm.descent() - 4), title);
        const double tick = fm.height() * 0.3;
        double widest = 0;
        for (const auto& v : map.xValues) widest = std::max(widest, fm.horizontalAdvance(valueLabel(v)));
        const int xs = labelStep(nx, plot.width(), widest);
        for (int c = 0; c < nx; c += xs) {
            const QRectF cell = sweepMapCell(rect, map, pop, c, 0);
            const QString label = valueLabel(map.xValues[static_cast<std::size_t>(c)]);
            p.drawLine(QPointF(cell.center().x(), plot.bottom()), QPointF(cell.center().x(), plot.bottom() + tick));
            p.drawText(QPointF(cell.center().x() - fm.horizontalAdvance(label) / 2, plot.bottom() + tick + fm.ascent()),
                       label);
        }
        const QString xl = QString::fromStdString(map.xField);
        p.drawText(QPointF(plot.center().x() - fm.horizontalAdvance(xl) / 2,
                           plot.bottom() + tick + fm.height() + fm.ascent()),
                   xl);
        if (!map.yField.empty()) {
            const int ys = labelStep(ny, plot.height(), fm.height());
            double yw = 0;
            for (int r = 0; r < ny; r += ys) {
                const QRectF cell = sweepMapCell(rect, map, pop, 0, r);
                const QString label = valueLabel(map.yValues[static_cast<std::size_t>(r)]);
                yw = std::max(yw, fm.horizontalAdvance(label));
                p.drawLine(QPointF(plot.left() - tick, cell.center().y()), QPointF(plot.left(), cell.center().y()));
                p.drawText(QPointF(plot.left() - tick * 2 - fm.horizontalAdvance(label),
                                   cell.center().y() + fm.ascent() / 2 - fm.descent() / 2),
                           label);
            }
            p.save();
            p.translate(plot.left() - tick * 2 - yw - fm.descent() - 4, plot.center().y());
            p.rotate(-90);
            const QString yl = QString::fromStdString(map.yField);
            p.drawText(QPointF(-fm.horizontalAdvance(yl) / 2, 0), yl);
            p.restore();
        }
    }
    // Legend: colour bar with ticks, or the states' swatches.
    const QRectF legend = layoutOf(rect).legend;
    const QString title = sweepStatisticTitle(map.statistic);
    p.setPen(pen);
    p.drawText(QPointF(legend.left() + 4, legend.top() + legend.height() * 0.07), title);
    if (states) {
        for (int k = 0; k < 4; ++k) {
            const QRectF sw(legend.left() + 4, legend.top() + legend.height() * (0.12 + 0.07 * k), fm.height(),
                            fm.height());
            p.fillRect(sw, stateColor(static_cast<ActivityState>(k)));
            // Wrapped where the legend is narrow ("asynchronous irregular").
            const QRectF text(sw.right() + fm.height() * 0.4, sw.top() - fm.height() * 0.6,
                              legend.right() - sw.right() - fm.height() * 0.4, sw.height() + fm.height() * 1.2);
            p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, stateName(static_cast<ActivityState>(k)));
        }
        const QRectF sw(legend.left() + 4, legend.top() + legend.height() * (0.12 + 0.07 * 4), fm.height(), fm.height());
        p.fillRect(sw, kNoValueColor);
        p.drawText(QPointF(sw.right() + fm.height() * 0.4, sw.center().y() + fm.ascent() / 2 - fm.descent() / 2),
                   "no data");
    } else {
        const QRectF bar(legend.left() + 4, legend.top() + legend.height() * 0.12, legend.width() * 0.18,
                         legend.height() * 0.70);
        p.setRenderHint(QPainter::Antialiasing, false);
        const int steps = std::max(2, static_cast<int>(bar.height()));
        for (int i = 0; i < steps; ++i) {
            const double y = bar.bottom() - bar.height() * (i + 1) / steps;
            p.fillRect(QRectF(bar.left(), y, bar.width(), bar.height() / steps + 1),
                       scaleColor(static_cast<double>(i) / (steps - 1)));
        }
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setBrush(Qt::NoBrush);
        p.drawRect(bar);
        const Scale y{lo, hi, bar.bottom(), bar.top()};
        for (double t : niceTicks(lo, hi, 5)) {
            const double py = y(t);
            if (py < bar.top() - 0.5 || py > bar.bottom() + 0.5) continue;
            p.drawLine(QPointF(bar.right(), py), QPointF(bar.right() + fm.height() * 0.3, py));
            p.drawText(QPointF(bar.right() + fm.height() * 0.5, py + fm.ascent() / 2 - fm.descent() / 2), tickLabel(t));
        }
        const QRectF sw(bar.left(), bar.bottom() + fm.height(), fm.height(), fm.height());
        p.fillRect(sw, kNoValueColor);
        p.drawText(QPointF(sw.right() + fm.height() * 0.4, sw.center().y() + fm.ascent() / 2 - fm.descent() / 2),
                   "no data");
    }
    p.restore();
}

void writeSweepFigures(const std::string& dir, const std::vector<std::string>& formats) {
    const fs::path out = fs::path(dir) / "figures";
    std::error_code ec;
    fs::create_directories(out, ec);
    if (!fs::is_directory(out)) throw ConfigError(out.string() + ": figure folder cannot be created");
    const std::pair<SweepStatistic, const char*> figures[] = {{SweepStatistic::MeanRate, "phase_rate"},
                                                              {SweepStatistic::MeanCv, "phase_cv"},
                                                              {SweepStatistic::Synchrony, "phase_synchrony"},
                                                              {SweepStatistic::State, "phase_state"}};
    for (const auto& [statistic, stem] : figures) {
        const SweepMap map = readSweepMap(dir, statistic);
        for (const std::string& fmt : formats)
            writeFigure((out / (std::string(stem) + "." + fmt)).string(), {kSweepFigureWidth, kSweepFigureHeight},
                        [&](QPainter& p, const QRectF& r) { paintSweepMap(p, r, map); });
    }
}

} // namespace mc::figures

#include "ui/connectivity/connectivity_map.hpp"

#include "ui/controls/parameter_editor.hpp"
#include "ui/sim_controller.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

constexpr double kLeft = 112, kTop = 64, kBottom = 56, kRight = 12, kGap = 10;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

/// Viridis-like sequential scale for t in [0, 1].
QColor sequential(double t) {
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140), QColor(94, 201, 98),
                                   QColor(253, 231, 37)};
    t = std::clamp(t, 0.0, 1.0) * 4.0;
    const int i = std::min(3, static_cast<int>(t));
    return mix(stops[i], stops[i + 1], t - i);
}

/// Blue (negative) - white - red (positive) for t in [-1, 1].
QColor diverging(double t) {
    t = std::clamp(t, -1.0, 1.0);
    return t < 0 ? mix(QColor(250, 250, 250), QColor(49, 84, 170), -t) : mix(QColor(250, 250, 250), QColor(180, 24, 38), t);
}

QString compact(double v) {
    const double a = std::abs(v);
    if (v == 0.0) return "0";
    if (a >= 1e6) return QString::number(v / 1e6, 'f', a >= 1e7 ? 0 : 1) + "M";
    if (a >= 1e4) return QString::number(v / 1e3, 'f', 0) + "k";
    if (a >= 100) return QString::number(v, 'f', 0);
    return QString::number(v, 'g', 3);
}

} // namespace

QString populationLabel(int index) {
    if (index == kThalamus) return "TC";
    QString name = kPopNames[index];
    return name.replace("L23", "L2/3");
}

ConnectivityMap::ConnectivityMap(SimController* controller, ParameterEditor* editor, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_editor(editor) {
    setMouseTracking(true);
    setMinimumSize(520, 420);
    refresh();
}

void ConnectivityMap::setMetric(ConnectivityMetric metric) {
    m_metric = metric;
    update();
}

void ConnectivityMap::refresh() {
    m_rates.fill(0.0);
    const double t = m_controller->modelTimeMs();
    if (m_controller->hasNetwork() && t > 0.0) m_rates = m_controller->store().populationRates(std::max(0.0, t - 500.0), t);
    m_numbers = connectivityNumbers(m_controller->currentConfig(), m_controller->config(), m_rates);
    update();
}

QRectF ConnectivityMap::matrixArea(const QRectF& area) const {
    return area.adjusted(kLeft, kTop, -kRight - kGap, -kBottom);
}

QRectF ConnectivityMap::cellRect(int target, int source) const {
    const QRectF m = matrixArea(QRectF(rect()));
    const double w = m.width() / (kNumPops + 1), h = m.height() / kNumPops;
    const double x = m.left() + source * w + (source == kThalamus ? kGap : 0.0);
    return QRectF(x, m.top() + target * h, w, h);
}

bool ConnectivityMap::cellAt(QPointF pos, int& target, int& source) const {
    for (int y = 0; y < kNumPops; ++y)
        for (int x = 0; x <= kNumPops; ++x)
            if (cellRect(y, x).contains(pos)) {
                target = y;
                source = x;
                return true;
            }
    return false;
}

bool ConnectivityMap::changedFromDefaults(int y, int x, bool* pendingOnly) const {
    const Config def = ParameterEditor::defaults();
    const auto differs = [&](const Config& c) {
        if (x == kThalamus)
            return c.stim.conn_probs_th[y] != def.stim.conn_probs_th[y] ||
                   c.stim.weight_factors_th[y] != def.stim.weight_factors_th[y];
        return c.net.conn_probs[y][x] != def.net.conn_probs[y][x] ||
               c.net.weight_factors[y][x] != def.net.weight_factors[y][x];
    };
    const bool now = differs(m_controller->currentConfig());
    const bool edited = m_editor ? differs(m_editor->edited()) : now;
    if (pendingOnly) *pendingOnly = !now && edited;
    return now || edited;
}

QString ConnectivityMap::describe(int y, int x) const {
    const ConnectivityNumbers& n = m_numbers;
    const Config& c = m_controller->currentConfig();
    const double factor = x == kThalamus ? c.stim.weight_factors_th[y] : c.net.weight_factors[y][x];
    QString text = QString("<b>%1 → %2</b><br>").arg(populationLabel(x), populationLabel(y));
    text += QString("connection probability %1<br>synapses %2<br>in-degree %3 per %4 neuron<br>")
                .arg(n.probability[y][x], 0, 'g', 4)
                .arg(n.synapses[y][x], 0, 'f', 0)
                .arg(n.inDegree[y][x], 0, 'f', 1)
                .arg(populationLabel(y));
    text += QString("mean weight %1 pA (weight factor %2)<br>mean PSP %3 mV<br>")
                .arg(n.weightPa[y][x], 0, 'f', 1)
                .arg(factor, 0, 'g', 4)
                .arg(n.pspMv[y][x], 0, 'f', 3);
    text += x == kThalamus ? QString("input current %1 pA during a pulse (%2 Hz)")
                                 .arg(n.currentPa[y][x], 0, 'f', 1)
                                 .arg(c.stim.th_rate, 0, 'g', 4)
                           : QString("input current %1 pA at the recent rate of %2 (%3 Hz)")
                                 .arg(n.currentPa[y][x], 0, 'f', 1)
                                 .arg(populationLabel(x))
                                 .arg(m_rates[x], 0, 'f', 2);
    bool pending = false;
    if (changedFromDefaults(y, x, &pending)) text += pending ? "<br><i>changed, pending a rebuild</i>" : "<br><i>changed from the defaults</i>";
    return text + "<br><small>Click to edit this projection.</small>";
}

void ConnectivityMap::paintMap(QPainter& p, const QRectF& area) const {
    p.save();
    p.fillRect(area, Qt::white);
    const QRectF m = matrixArea(area);
    const double cw = m.width() / (kNumPops + 1), ch = m.height() / kNumPops;
    const auto cell = [&](int y, int x) {
        return QRectF(m.left() + x * cw + (x == kThalamus ? kGap : 0.0), m.top() + y * ch, cw, ch);
    };
    const ProjectionGrid& g = m_numbers.of(m_metric);
    double maxAbs = 0.0;
    for (int y = 0; y < kNumPops; ++y)
        for (int x = 0; x <= kNumPops; ++x)
            if (m_numbers.synapses[y][x] > 0.0) maxAbs = std::max(maxAbs, std::abs(g[y][x]));
    const bool sign = metricSigned(m_metric);
    QFont font = p.font();
    font.setPointSizeF(8.5);
    p.setFont(font);
    const QString unit = metricUnit(m_metric);
    QFont titleFont = font;
    titleFont.setBold(true);
    titleFont.setPointSizeF(10);
    p.setFont(titleFont);
    p.setPen(Qt::black);
    p.drawText(QRectF(area.left(), area.top() + 2, area.width(), 18), Qt::AlignCenter,
               metricName(m_metric) + (unit.isEmpty() ? "" : " (" + unit + ")") + "   rows: target, columns: source");
    p.setFont(font);
    for (int x = 0; x <= kNumPops; ++x) {
        const QRectF r = cell(0, x);
        const int size = x == kThalamus ? m_numbers.thalamicNeurons : m_numbers.neurons[x];
        p.drawText(QRectF(r.left(), m.top() - 40, r.width(), 18), Qt::AlignCenter, populationLabel(x));
        p.setPen(Qt::darkGray);
        p.drawText(QRectF(r.left(), m.top() - 22, r.width(), 18), Qt::AlignCenter, QString("n=%1").arg(size));
        p.setPen(Qt::black);
    }
    for (int y = 0; y < kNumPops; ++y) {
        const QRectF r = cell(y, 0);
        p.drawText(QRectF(area.left() + 4, r.top(), kLeft - 10, r.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   populationLabel(y));
        p.setPen(Qt::darkGray);
        p.drawText(QRectF(area.left() + 4, r.top(), kLeft - 10, r.height()), Qt::AlignVCenter | Qt::AlignRight,
                   QString("n=%1").arg(m_numbers.neurons[y]));
        p.setPen(Qt::black);
    }
    for (int y = 0; y < kNumPops; ++y)
        for (int x = 0; x <= kNumPops; ++x) {
            const QRectF r = cell(y, x);
            const double v = g[y][x];
            const double t = maxAbs > 0 ? v / maxAbs : 0.0;
            // No synapses: weights and PSPs would be nominal only.
            const bool none = m_numbers.synapses[y][x] == 0.0;
            const QColor fill = none || v == 0.0 ? QColor(238, 238, 238) : sign ? diverging(t) : sequential(t);
            p.fillRect(r.adjusted(0.5, 0.5, -0.5, -0.5), fill);
            p.setPen(fill.lightnessF() < 0.5 ? Qt::white : Qt::black);
            if (r.width() > 34) p.drawText(r, Qt::AlignCenter, none && sign ? QString("–") : compact(v));
            bool pending = false;
            if (changedFromDefaults(y, x, &pending)) {
                p.setPen(QPen(QColor(230, 97, 0), 2.5, pending ? Qt::DashLine : Qt::SolidLine));
                p.setBrush(Qt::NoBrush);
                p.drawRect(r.adjusted(1.5, 1.5, -1.5, -1.5));
            }
        }
    if (m_hoverTarget >= 0) {
        p.setPen(QPen(Qt::black, 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(cell(m_hoverTarget, m_hoverSource));
    }
    // Colour scale.
    const QRectF bar(m.left(), m.bottom() + 22, std::min(260.0, m.width() * 0.6), 10);
    for (int i = 0; i < 100; ++i) {
        const double t = i / 99.0;
        const QColor c = sign ? diverging(2 * t - 1) : sequential(t);
        p.fillRect(QRectF(bar.left() + t * (bar.width() - bar.width() / 100), bar.top(), bar.width() / 99 + 0.5, bar.height()), c);
    }
    p.setPen(Qt::black);
    p.drawText(QRectF(bar.left() - 60, bar.top() - 3, 56, 16), Qt::AlignRight | Qt::AlignVCenter,
               compact(sign ? -maxAbs : 0.0));
    p.drawText(QRectF(bar.right() + 4, bar.top() - 3, 80, 16), Qt::AlignLeft | Qt::AlignVCenter, compact(maxAbs) + " " + unit);
    p.setPen(QColor(230, 97, 0));
    p.drawText(QRectF(bar.right() + 90, bar.top() - 3, area.right() - bar.right() - 90, 16),
               Qt::AlignLeft | Qt::AlignVCenter, "outlined: changed from defaults");
    p.restore();
}

void ConnectivityMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    paintMap(p, QRectF(rect()));
}

void ConnectivityMap::mouseMoveEvent(QMouseEvent* e) {
    int y = -1, x = -1;
    if (!cellAt(e->position(), y, x)) y = x = -1;
    if (y != m_hoverTarget || x != m_hoverSource) {
        m_hoverTarget = y;
        m_hoverSource = x;
        update();
    }
    if (y >= 0) QToolTip::showText(e->globalPosition().toPoint(), describe(y, x), this);
    else QToolTip::hideText();
}

void ConnectivityMap::mousePressEvent(QMouseEvent* e) {
    int y = -1, x = -1;
    if (e->button() == Qt::LeftButton && cellAt(e->position(), y, x)) emit projectionClicked(y, x);
}

void ConnectivityMap::leaveEvent(QEvent*) {
    m_hoverTarget = m_hoverSource = -1;
    update();
}

} // namespace mc::ui

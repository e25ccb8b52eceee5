#include "ui/activity/pulse_repeater.hpp"

#include "ui/sim_controller.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {

PulseRepeater::PulseRepeater(SimController* controller, QObject* parent) : QObject(parent), m_controller(controller) {
    connect(controller, &SimController::eventApplied, this, &PulseRepeater::onEventApplied);
    // A new network (or a recording shown instead) ends the series.
    const auto end = [this] {
        m_pending.clear();
        if (!m_active) return;
        m_active = false;
        emit changed();
    };
    connect(controller, &SimController::buildStarted, this, end);
    connect(controller, &SimController::sourceChanged, this, end);
    // The new network has had no stimulus of a series yet.
    connect(controller, &SimController::built, this, [this] {
        m_pending.clear();
        if (m_fired == 0) return;
        m_fired = 0;
        emit changed();
    });
}

bool PulseRepeater::start(const RepeatPlan& plan, QString* why) {
    const auto refuse = [&](const QString& text) {
        if (why) *why = text;
        return false;
    };
    if (!m_controller->hasNetwork() || m_controller->isBuilding() || m_controller->isRecording())
        return refuse("Repeating a stimulus needs a running network (not a recording, not while building).");
    if (!(plan.periodMs >= kMinPeriodMs))
        return refuse(QString("The period must be at least %1 ms (the PSTH window, −50 to +150 ms, must not "
                              "overlap the next trial's); %2 ms was given.")
                          .arg(kMinPeriodMs)
                          .arg(plan.periodMs));
    if (plan.count < 0) return refuse("The number of repetitions must be ≥ 0 (0: until stopped).");
    if (plan.kind == TimedEvent::Kind::DcTransient && !(plan.dcDurationMs > 0.0 && plan.dcDurationMs < plan.periodMs))
        return refuse("The DC transient must last more than 0 ms and less than the period.");
    if (m_active) m_controller->clearScheduledStimuli();
    m_plan = plan;
    m_active = true;
    m_fired = 0;
    m_scheduled = 0;
    m_pending.clear();
    // On the 1 ms grid, so that every onset lies on a PSTH bin edge.
    m_firstOnset = std::ceil(m_controller->modelTimeMs() + std::max(0.0, plan.firstDelayMs));
    topUp();
    emit changed();
    return true;
}

void PulseRepeater::stop() {
    if (!m_active) return;
    m_controller->clearScheduledStimuli();
    // Those the engine applied meanwhile are still reported (and counted).
    m_active = false;
    emit changed();
}

void PulseRepeater::topUp() {
    const int ahead = std::max(3, static_cast<int>(std::ceil(kLookAheadMs / m_plan.periodMs)));
    const int until = m_plan.count > 0 ? std::min(m_plan.count, m_fired + ahead) : m_fired + ahead;
    const QString of = m_plan.count > 0 ? QString("/%1").arg(m_plan.count) : QString();
    const QString what = m_plan.kind == TimedEvent::Kind::ThalamicPulse
                             ? QString("thalamic pulse")
                             : QString("DC transient %1 ms").arg(std::lround(m_plan.dcDurationMs));
    for (; m_scheduled < until; ++m_scheduled) {
        TimedEvent e;
        e.kind = m_plan.kind;
        e.start_ms = m_firstOnset + m_scheduled * m_plan.periodMs;
        e.label = QString("%1, repeat %2%3").arg(what).arg(m_scheduled + 1).arg(of).toStdString();
        if (m_plan.kind == TimedEvent::Kind::DcTransient) e.duration_ms = m_plan.dcDurationMs;
        m_pending.push_back(e.label);
        m_controller->scheduleStimulus(std::move(e));
    }
}

void PulseRepeater::onEventApplied(int index) {
    const TimedEvent& e = m_controller->events().at(static_cast<std::size_t>(index));
    const auto it = std::find(m_pending.begin(), m_pending.end(), e.label);
    if (e.kind != m_plan.kind || it == m_pending.end()) return;
    m_pending.erase(it);
    ++m_fired;
    if (!m_active) { // applied before the stop reached the engine thread
        emit changed();
        return;
    }
    if (m_plan.count > 0 && m_fired >= m_plan.count)
        m_active = false;
    else
        topUp();
    emit changed();
}

QString PulseRepeater::statusText() const {
    if (m_active)
        return m_plan.count > 0 ? QString("Repeating %1/%2").arg(m_fired).arg(m_plan.count)
                                : QString("Repeating %1 (until stopped)").arg(m_fired);
    if (m_fired > 0) return QString("Repeat done: %1 stimuli").arg(m_fired);
    return {};
}

} // namespace mc::ui

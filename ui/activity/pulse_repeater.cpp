#include "ui/activity/pulse_repeater.hpp"

#include "ui/sim_controller.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {

PulseRepeater::PulseRepeater(SimController* controller, QObject* parent) : QObject(parent), m_controller(controller) {
    connect(controller, &SimController::eventApplied, this, &PulseRepeater::onEventApplied);
    // A new network (or a recording shown instead) ends the series.
    const auto end = [this] {
        if (!m_active) return;
        m_active = false;
        emit changed();
    };
    connect(controller, &SimController::buildStarted, this, end);
    connect(controller, &SimController::sourceChanged, this, end);
    // The new network has had no stimulus of a series yet.
    connect(controller, &SimController::built, this, [this] {
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
    if (plan.kind == TimedEvent::Kind::ThalamicPulse && !m_controller->currentConfig().stim.thalamic_input)
        return refuse("This network was built without thalamic input (stim.thalamic_input); repeat a DC transient "
                      "or rebuild with thalamic input.");
    if (plan.count < 0) return refuse("The number of repetitions must be ≥ 0 (0: until stopped).");
    if (plan.kind == TimedEvent::Kind::DcTransient && !(plan.dcDurationMs > 0.0 && plan.dcDurationMs < plan.periodMs))
        return refuse("The DC transient must last more than 0 ms and less than the period.");
    m_plan = plan;
    m_active = true;
    m_fired = 0;
    m_stem = plan.kind == TimedEvent::Kind::ThalamicPulse
                 ? std::string("thalamic pulse")
                 : "DC transient " + std::to_string(std::lround(plan.dcDurationMs)) + " ms";
    EngineWorker::StimulusSeries series; // replaces one in progress
    series.stimulus.kind = plan.kind;
    series.stimulus.label = m_stem;
    if (plan.kind == TimedEvent::Kind::DcTransient) series.stimulus.duration_ms = plan.dcDurationMs;
    series.periodMs = plan.periodMs;
    series.count = plan.count;
    series.firstDelayMs = plan.firstDelayMs;
    m_controller->startStimulusSeries(std::move(series));
    emit changed();
    return true;
}

void PulseRepeater::stop() {
    if (!m_active) return;
    m_controller->stopStimulusSeries();
    // Those the engine applied meanwhile are still reported (and counted).
    m_active = false;
    emit changed();
}

void PulseRepeater::onEventApplied(int index) {
    const TimedEvent& e = m_controller->events().at(static_cast<std::size_t>(index));
    // The next of this series (a stopped series' stimuli that were applied
    // before the stop reached the engine thread count too).
    if (e.kind != m_plan.kind || e.label != EngineWorker::seriesLabel(m_stem, m_fired + 1, m_plan.count)) return;
    ++m_fired;
    if (m_active && m_plan.count > 0 && m_fired >= m_plan.count) m_active = false;
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

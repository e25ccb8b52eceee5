// Timed events: checked against the configuration, then played into a
// running simulation at their steps.
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace mc {
namespace {

std::string where(std::size_t i) { return "events[" + std::to_string(i) + "]"; }

} // namespace

std::int64_t eventStep(const TimedEvent& event, double resolution) { return std::llround(event.t_ms / resolution); }

void validateEvents(const Config& config) {
    Config current = config;
    current.events.clear();
    for (std::size_t i = 0; i < config.events.size(); ++i) {
        const TimedEvent& e = config.events[i];
        switch (e.kind) {
        case TimedEvent::Kind::Set:
            current = applySet(current, e.set, where(i) + ".set");
            break;
        case TimedEvent::Kind::ThalamicPulse:
            if (!config.stim.thalamic_input)
                throw ConfigError(where(i) + ": a thalamic pulse needs the thalamic neurons (stim.thalamic_input = true)");
            break;
        case TimedEvent::Kind::DcTransient:
            break;
        }
    }
}

EventPlayer::EventPlayer(std::vector<TimedEvent> events, double resolution) : m_events(std::move(events)) {
    for (const TimedEvent& e : m_events) m_steps.push_back(eventStep(e, resolution));
}

std::int64_t EventPlayer::nextStep() const { return m_next < m_steps.size() ? m_steps[m_next] : INT64_MAX; }

void EventPlayer::apply(Simulation& sim, const TimedEvent& event) {
    switch (event.kind) {
    case TimedEvent::Kind::Set:
        sim.applyConfig(applySet(sim.config(), event.set, "event at " + std::to_string(event.t_ms) + " ms"));
        break;
    case TimedEvent::Kind::ThalamicPulse:
        if (!sim.scheduleThalamicPulse(event.start_ms))
            throw ConfigError("a thalamic pulse needs the thalamic neurons (stim.thalamic_input = true)");
        break;
    case TimedEvent::Kind::DcTransient:
        sim.scheduleDcTransient(event.start_ms, event.duration_ms);
        break;
    }
}

std::vector<TimedEvent> EventPlayer::applyDue(Simulation& sim) {
    std::vector<TimedEvent> applied;
    while (m_next < m_events.size() && m_steps[m_next] <= sim.steps()) {
        apply(sim, m_events[m_next]);
        applied.push_back(m_events[m_next++]);
    }
    return applied;
}

void EventPlayer::run(Simulation& sim, std::int64_t steps, SpikeSink* sink) {
    const std::int64_t end = sim.steps() + steps;
    while (sim.steps() < end) {
        applyDue(sim);
        const std::int64_t stop = std::min(end, std::max(nextStep(), sim.steps() + 1));
        sim.run(stop - sim.steps(), sink);
    }
    applyDue(sim);
}

} // namespace mc

#include "ui/session.hpp"

#include "microcircuit/live.hpp"

#include <algorithm>

namespace mc::ui {

Config configAt(const Config& built, const std::vector<TimedEvent>& events, std::int64_t step) {
    Config c = built;
    c.events.clear();
    for (const TimedEvent& e : events)
        if (e.kind == TimedEvent::Kind::Set && eventStep(e, built.sim.sim_resolution) <= step)
            c = applySet(c, e.set, "event at " + std::to_string(e.t_ms) + " ms", false);
    return c;
}

Config sessionAsConfig(const Session& session, double endMs) {
    Config c = session.withEvents();
    c.sim.t_presim = std::min(c.sim.t_presim, endMs);
    c.sim.t_sim = endMs - c.sim.t_presim;
    return c;
}

double markerMs(const TimedEvent& e) { return e.kind == TimedEvent::Kind::Set ? e.t_ms : e.start_ms; }

double stimulusEndMs(const TimedEvent& e, const Config& c) {
    switch (e.kind) {
    case TimedEvent::Kind::ThalamicPulse:
        return e.start_ms + c.stim.th_duration;
    case TimedEvent::Kind::DcTransient:
        return e.start_ms + e.duration_ms;
    default:
        return markerMs(e);
    }
}

} // namespace mc::ui

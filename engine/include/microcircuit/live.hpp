// Live changes: which configuration fields can change while a network runs,
// and the timed list of changes ("events") that the desktop program logs,
// configuration files carry and `microcircuit run` replays. One
// implementation for the GUI, sessions, `run --session`, sweeps and Python.
#pragma once

#include "microcircuit/params.hpp"
#include "microcircuit/simulation.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mc {

/// Whether a configuration field, named by its dotted path as `microcircuit
/// config` prints it ("net.g", "net.weight_factors",
/// "net.neuron_params.V_th"), can change while the network runs
/// (Simulation::applyConfig). Everything else needs a rebuild: sizes,
/// connection probabilities, delays, the seed, the time step, initial
/// potentials, which stimuli exist.
bool isLiveField(std::string_view path);

/// The fields whose values differ between two configurations, as dotted
/// paths (a matrix or list is one field); events are not compared.
std::vector<std::string> changedFields(const Config& a, const Config& b);

/// `base` with a partial configuration (a JSON object with the sections
/// "sim", "net", "stim", e.g. {"net": {"g": -5}}) applied and validated.
/// With `liveOnly`, a field that needs a rebuild is refused. Throws
/// ConfigError naming `origin` and the field.
Config applySet(const Config& base, std::string_view setJson, const std::string& origin, bool liveOnly = true);

/// The model step before which an event applies.
std::int64_t eventStep(const TimedEvent& event, double resolution);

/// Checks a configuration's events: each change applies on top of the ones
/// before it, changes only live fields and leaves a valid configuration;
/// pulses need their stimulus. Throws ConfigError naming events[i].
void validateEvents(const Config& config);

/// Plays timed events into a running simulation at their steps.
class EventPlayer {
public:
    EventPlayer(std::vector<TimedEvent> events, double resolution);
    /// Step of the next event not yet applied (INT64_MAX when none is left).
    std::int64_t nextStep() const;
    /// Applies every event due at or before sim.steps(); returns them.
    std::vector<TimedEvent> applyDue(Simulation& sim);
    /// Runs `steps` steps, applying each event before its step; the sink is
    /// called once per stretch between events.
    void run(Simulation& sim, std::int64_t steps, SpikeSink* sink);
    /// Applies one event now (throws ConfigError as validateEvents would).
    static void apply(Simulation& sim, const TimedEvent& event);

private:
    std::vector<TimedEvent> m_events;
    std::vector<std::int64_t> m_steps;
    std::size_t m_next = 0;
};

} // namespace mc

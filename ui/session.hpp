// A session: the configuration the network was built from (seed included) and
// the log of live changes with the model step at which each was applied.
// Rebuilding from the configuration and re-applying the log at the same steps
// replays the same spikes (the engine is deterministic for a config + seed).
#pragma once

#include "microcircuit/params.hpp"
#include "microcircuit/simulation.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mc::ui {

enum class EventKind { Live, ThalamicPulse, DcTransient };

/// One change made while the network ran.
struct LiveEvent {
    std::int64_t step = 0; ///< model step at which it was applied (a chunk boundary)
    EventKind kind = EventKind::Live;
    LiveParams live;      ///< the full set of live factors after the change (Live)
    double startMs = 0.0; ///< onset of a thalamic pulse or DC transient (ms)
    double durMs = 0.0;   ///< duration of a DC transient (ms)
    std::string label;    ///< short text shown on the raster's time axis
};

struct Session {
    Config config;                 ///< as built (seed, scale, drive, g, PSP ...)
    std::vector<LiveEvent> events; ///< in order of application
    std::int64_t endStep = 0;      ///< model steps simulated when the session was saved
};

/// `built` with the live factors of the last Live event at or before `step`.
Config configAt(const Config& built, const std::vector<LiveEvent>& events, std::int64_t step);

/// The session as an engine configuration: the built configuration with every
/// change and stimulus as a timed event (the "events" list of live.hpp) and
/// t_sim set so that the run ends at `endMs`; `microcircuit run --config`
/// replays it.
Config sessionAsConfig(const Session& session, double endMs);

/// JSON document {"format": "microcircuit-session", "version": 1, "config", "events", "end_step"}.
std::string sessionToJson(const Session& session);
/// Parses a session; throws ConfigError naming the problem (bad JSON, missing
/// field, invalid configuration). `origin` names the source in messages.
Session sessionFromJson(std::string_view text, const std::string& origin);

} // namespace mc::ui

// The desktop program's sessions are the engine's: the configuration a
// network was built from plus its timed changes (microcircuit/session.hpp),
// the same events `microcircuit run --session` replays. Here: where a
// change shows on a time axis.
#pragma once

#include "microcircuit/session.hpp"

namespace mc::ui {

/// `built` with every set event applied before or at `step` (the configuration in force then).
Config configAt(const Config& built, const std::vector<TimedEvent>& events, std::int64_t step);

/// The session as one configuration file: its configuration with the events
/// and t_sim set so that the run ends at `endMs`; `microcircuit run --config`
/// replays it.
Config sessionAsConfig(const Session& session, double endMs);

/// Where a change is marked on a time axis (ms): the moment a set applied,
/// or the onset of a thalamic pulse or DC transient.
double markerMs(const TimedEvent& event);
/// End of a stimulus's active interval (ms); for a set, markerMs.
double stimulusEndMs(const TimedEvent& event, const Config& config);

} // namespace mc::ui

// The desktop program's sessions are the engine's: the configuration a
// network was built from plus its timed changes (microcircuit/session.hpp),
// the same events `microcircuit run --session` replays. Here: where a
// change shows on a time axis.
#pragma once

#include "microcircuit/session.hpp"

namespace mc::ui {

/// Where a change is marked on a time axis (ms): the moment a set applied,
/// or the onset of a thalamic pulse or DC transient.
double markerMs(const TimedEvent& event);
/// End of a stimulus's active interval (ms); for a set, markerMs.
double stimulusEndMs(const TimedEvent& event, const Config& config);

} // namespace mc::ui

// The reference's sim_dict "rec_dev" list for a configuration (config_io.cpp).
#pragma once

#include "microcircuit/params.hpp"

#include <nlohmann/json.hpp>

namespace mc::detail {

/// ["spike_recorder"] when spikes are recorded, plus "voltmeter" when V_m is.
nlohmann::ordered_json recordingDevices(const SimParams& s);

} // namespace mc::detail

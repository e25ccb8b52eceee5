// The "events" list of a configuration file, as JSON (config_io.cpp):
//   {"t_ms": 1200, "set": {"net": {"g": -5}}, "label": "g -5"}
//   {"t_ms": 300, "kind": "thalamic_pulse", "start_ms": 700}
//   {"t_ms": 650, "kind": "dc_transient", "duration_ms": 100}
// start_ms defaults to t_ms, duration_ms to stim.dc_transient_dur.
#pragma once

#include "microcircuit/params.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mc::detail {

std::vector<TimedEvent> eventsFromJson(const nlohmann::ordered_json& list, const Config& config,
                                       const std::string& origin);
nlohmann::ordered_json eventsToJson(const std::vector<TimedEvent>& events);

} // namespace mc::detail

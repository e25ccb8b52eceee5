// Statistics of one sweep point from its spikes (point_runner.cpp).
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/spike_sink.hpp"
#include "microcircuit/sweep.hpp"

#include <vector>

namespace mc {

/// Per population over [t_presim, t_presim + t_sim] (returned in tMin, tMax):
/// rates, CVs and correlations as `microcircuit analyze` computes them, and
/// the activity state of health.hpp.
std::vector<PointPopulationStats> pointStatistics(const std::vector<Spike>& spikes, const Config& config,
                                                  const DerivedParams& derived, double& tMin, double& tMax);

} // namespace mc

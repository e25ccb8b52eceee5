// The numbers behind the connectivity map: per projection [target][source]
// (source 8 = the thalamus) one of six quantities, from the configuration
// the network runs with and the rates it fires at.
#pragma once

#include "microcircuit/params.hpp"

#include <array>
#include <QString>

namespace mc::ui {

enum class ConnectivityMetric { Probability, Synapses, InDegree, MeanWeight, MeanPsp, InputCurrent };
inline constexpr int kNumMetrics = 6;
inline constexpr int kThalamus = kNumPops; ///< source index of the thalamic column

/// Values [target][source], sources 0..7 then the thalamus.
using ProjectionGrid = std::array<std::array<double, kNumPops + 1>, kNumPops>;

struct ConnectivityNumbers {
    ProjectionGrid probability{}, synapses{}, inDegree{}, weightPa{}, pspMv{}, currentPa{};
    std::array<int, kNumPops> neurons{}; ///< population sizes as built
    int thalamicNeurons = 0;
    const ProjectionGrid& of(ConnectivityMetric m) const;
};

/// `current`: the configuration running now (live changes applied);
/// `built`: the one the network was built from; `rates`: each population's
/// recent mean rate (Hz). Thalamic input current is the one during a pulse
/// (stim.th_rate).
ConnectivityNumbers connectivityNumbers(const Config& current, const Config& built,
                                        const std::array<double, kNumPops>& rates);

QString metricName(ConnectivityMetric m);
QString metricUnit(ConnectivityMetric m); ///< "" for pure numbers
/// Signed quantities (weights, PSPs, currents) are drawn with a diverging palette.
bool metricSigned(ConnectivityMetric m);

} // namespace mc::ui

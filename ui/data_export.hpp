// Data exports: spikes as CSV or in the reference's (NEST) spike files, and
// per-population statistics as CSV or JSON. Files are written atomically.
#pragma once

#include "ui/spike_store.hpp"

#include "microcircuit/params.hpp"

#include <QString>

#include <span>

namespace mc::ui {

/// CSV with header `population,sender,time_ms`; sender is the NEST node id
/// (neuron index + 1, as in the reference's files), time (step + 1) h with 3 decimals.
bool writeSpikesCsv(const QString& path, std::span<const Spike> spikes, const DerivedParams& derived,
                    double resolutionMs, QString* error);

/// The reference's output folder: spike_recorder-<id>-0.dat per population,
/// the same spikes as a SONATA report spikes.h5 (builds with HDF5),
/// population_nodeids.dat, sim/net/stim_dict.json and rates.csv.
bool writeNestFolder(const QString& folder, std::span<const Spike> spikes, std::int64_t endStep, const Config& config,
                     const DerivedParams& derived, QString* error);

/// Per population: neurons, mean and sd of per-neuron rates, mean ISI CV,
/// neurons with a CV, over the window of `stats`.
bool writeStatsCsv(const QString& path, const WindowStats& stats, const DerivedParams& derived, QString* error);
bool writeStatsJson(const QString& path, const WindowStats& stats, const DerivedParams& derived, QString* error);

} // namespace mc::ui

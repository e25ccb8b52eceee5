// Data exports: spikes as CSV or in the reference's (NEST) spike files, and
// per-population statistics as CSV or JSON. Files are written atomically.
#pragma once

#include "ui/session.hpp"
#include "ui/spike_store.hpp"

#include "microcircuit/params.hpp"

#include <QString>

#include <span>
#include <string>
#include <vector>

namespace mc::ui {

/// CSV with header `population,sender,time_ms`; sender is the NEST node id
/// (neuron index + 1, as in the reference's files), time (step + 1) h with 3 decimals.
bool writeSpikesCsv(const QString& path, std::span<const Spike> spikes, const DerivedParams& derived,
                    double resolutionMs, QString* error);

/// What a spike export describes: the spikes stamped in [fromMs, toMs] of the
/// session's run.
struct ExportedInterval {
    double fromMs = 0.0, toMs = 0.0; ///< on the time grid
    Session session;                 ///< build configuration and every change applied so far
    QString what;                    ///< "the visible window", "the whole run" (for README.txt)
    bool allSpikesFromZero = false;  ///< the files also hold the spikes before fromMs (the warm-up)
};

/// The reference's dictionaries for an interval: t_presim = fromMs and
/// t_sim = its length; net values (PSP, g, drive) in effect at fromMs; the
/// first thalamic pulse and DC transient that overlap the interval. What they
/// cannot say (later changes, further stimuli) is appended to `notes`.
Config intervalConfig(const ExportedInterval& interval, std::vector<std::string>* notes);

/// The reference's output folder: spike_recorder-<id>-0.dat per population,
/// the same spikes as a SONATA report spikes.h5 (builds with HDF5),
/// population_nodeids.dat, sim/net/stim_dict.json (intervalConfig) and
/// rates.csv over the interval (as `microcircuit analyze` computes them on the
/// folder); beside them session.json (File > Load session), events.json (the
/// build configuration with every change as a timed event, for `microcircuit
/// run --config`) and README.txt.
bool writeNestFolder(const QString& folder, std::span<const Spike> spikes, const ExportedInterval& interval,
                     const DerivedParams& derived, QString* error);

/// Per population: neurons, mean and sd of per-neuron rates, mean ISI CV,
/// neurons with a CV, over the window of `stats`.
bool writeStatsCsv(const QString& path, const WindowStats& stats, const DerivedParams& derived, QString* error);
bool writeStatsJson(const QString& path, const WindowStats& stats, const DerivedParams& derived, QString* error);

} // namespace mc::ui

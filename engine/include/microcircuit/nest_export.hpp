// A configuration handed to NEST: the reference PyNEST package's own three
// dictionaries plus a script that runs them, for users who move to a cluster.
//
// The folder holds
//   sim_dict.json net_dict.json stim_dict.json  the reference's key names,
//                  shapes and units (PSP_matrix_mean and delay_matrix_mean,
//                  which the package derives in Python, included); keys of
//                  this program that the package does not know appear only
//                  when they differ from the model's defaults
//   run_microcircuit.py  loads the dicts, runs create -> connect -> simulate
//                  (presim and sim) with PyNEST's `microcircuit` package and
//                  writes the spikes into data_path (default data/ beside it)
//   submit.slurm   a batch script for a Slurm cluster
//   README.txt     what was exported, and what the reference cannot express
//   events.json    the configuration's timed changes, when it has any
// Reading the folder back (`--config DIR`) gives the same configuration.
#pragma once

#include "microcircuit/params.hpp"

#include <string>
#include <vector>

namespace mc {

struct NestExport {
    /// What the reference's dictionaries cannot express and NEST will
    /// therefore not do (also listed in README.txt).
    std::vector<std::string> warnings;
    /// What was folded into the dictionaries or is applied by the run script.
    std::vector<std::string> notes;
    std::vector<std::string> files; ///< written, in order
};

/// The files exportForNest writes besides the dictionaries and events.json
/// (which are run files, isRunFileName): a folder holding only these and run
/// files is an earlier export, which a new export may replace.
inline constexpr const char* kNestExportScripts[] = {"run_microcircuit.py", "submit.slurm", "README.txt"};

/// Writes the files into `folder` (created if needed; files written
/// atomically) as they are, replacing files of the same names. Throws
/// ConfigError if it cannot be written. What a user asks for goes through
/// exportForNestFolder.
NestExport exportForNest(const Config& config, const std::string& folder);

/// The export as `microcircuit export-nest` and the window write it: into a
/// work folder beside `folder`, renamed into place when complete (RunTarget),
/// so an earlier export is replaced whole or not at all. Refuses
/// (ConfigError, nothing changed) a folder that holds anything, unless
/// `overwrite` and it holds only an earlier export's or a run's files.
NestExport exportForNestFolder(const Config& config, const std::string& folder, bool overwrite);

/// The three dictionaries as JSON text, in the order sim, net, stim.
std::vector<std::string> nestDicts(const Config& config);

namespace detail {
/// The text of run_microcircuit.py (nest_run_script.cpp).
std::string nestRunScript(const std::string& versionLine);
/// The text of submit.slurm for a network of the given scale.
std::string nestSlurmScript(const Config& config);
} // namespace detail

} // namespace mc

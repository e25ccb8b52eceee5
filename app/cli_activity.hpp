// analyze --spectra / --psth / --health (cli_activity.cpp).
#pragma once

#include "microcircuit/reference_check.hpp"
#include "microcircuit/spike_data.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mc::cli {

/// spectra.csv and spectra.json into outDir.
void writeSpectra(const SpikeData& data, double tMin, double tMax, const std::string& outDir, bool noSummary, bool quiet);
/// Thalamic pulse onsets of a run folder (stim_dict.json and events.json), sorted.
std::vector<double> folderOnsets(const std::string& dir);
/// psth.csv and psth.json into outDir; onsets empty: the folder's.
void writePsth(const SpikeData& data, std::vector<double> onsets, const std::string& dir, const std::string& outDir,
               bool noSummary, bool quiet);
HealthReport folderHealth(const SpikeData& data, double tMin, double tMax, const std::string& dir);
void printHealth(const HealthReport& report, bool table);
nlohmann::ordered_json healthJson(const HealthReport& report);

} // namespace mc::cli

// Checks on the set of spike files in a folder before any is read
// (folder_checks.cpp, used by readSpikeFolder): files of different runs or
// NEST versions mixed in one folder would silently add up.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mc::detail {

/// Throws ConfigError naming the folder when `files` mix NEST 2's .gdf with
/// NEST 3's .dat files, or name more spike recorders than `populations`
/// (one recorder per population: more means files of several runs).
void checkSpikeFileSet(const std::string& folder, const std::vector<std::filesystem::path>& files, int populations);

} // namespace mc::detail

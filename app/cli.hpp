// Headless subcommands of `microcircuit`.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace mc::cli {

/// Hook called after a recorded run with the output folder (figures).
using AfterRun = std::function<void(const std::string& folder)>;

/// Registers the subcommands on `app`; each sets `action` when chosen.
void addRunCommand(CLI::App& app, std::function<int()>& action, AfterRun afterRun);
void addConfigCommand(CLI::App& app, std::function<int()>& action);
void addBenchCommand(CLI::App& app, std::function<int()>& action);

} // namespace mc::cli

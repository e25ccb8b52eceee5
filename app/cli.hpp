// Headless subcommands of `microcircuit`.
#pragma once

#include "microcircuit/analysis.hpp"
#include "microcircuit/ensemble.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mc::cli {

/// Hook called after a recorded run with the output folder (figures);
/// returns false if a figure could not be written (it says why on stderr).
using AfterRun = std::function<bool(const std::string& folder)>;

/// Registers the subcommands on `app`; each sets `action` when chosen.
void addRunCommand(CLI::App& app, std::function<int()>& action, AfterRun afterRun);
void addConfigCommand(CLI::App& app, std::function<int()>& action);
void addBenchCommand(CLI::App& app, std::function<int()>& action);
void addExportNestCommand(CLI::App& app, std::function<int()>& action);

/// Hook that draws the figures of `microcircuit analyze --figures` (Qt side):
/// data, its statistics, the reference's statistics (or null), output folder
/// and formats ("png", "svg", "pdf"). Empty in builds without Qt.
using AnalysisFigures = std::function<void(const SpikeData& data, const AnalysisResult& result,
                                           const AnalysisResult* reference, const std::string& outDir,
                                           const std::vector<std::string>& formats)>;
/// Hook that draws the ensemble figure of `analyze --ensemble --figures`
/// (KS distances, output folder, formats). Empty in builds without Qt.
using EnsembleFigures =
    std::function<void(const EnsembleKs& ks, const std::string& outDir, const std::vector<std::string>& formats)>;
void addAnalyzeCommand(CLI::App& app, std::function<int()>& action, AnalysisFigures figures,
                       EnsembleFigures ensembleFigures);
/// Hook that draws a sweep's phase diagrams (`sweep --figures`, Qt side):
/// `check` refuses a sweep with a number of swept fields it cannot draw,
/// `draw` writes the figures of a sweep folder in the formats given. Both
/// empty in builds without Qt.
struct SweepFigures {
    std::function<void(std::size_t axes)> check;
    std::function<void(const std::string& dir, const std::vector<std::string>& formats)> draw;
};
/// `microcircuit sweep` and `microcircuit sweep collect` (docs/sweeps.md).
void addSweepCommand(CLI::App& app, std::function<int()>& action, SweepFigures figures);

/// The flags of `microcircuit render` (app/cli_render.cpp).
struct RenderArgs {
    std::string folder, output;
    std::optional<double> fromMs, toMs, msPerFrame;
    int fps = 30;
    int width = 1280, height = 720;
    double windowMs = 500.0;
    bool quiet = false;
};
/// Hook that draws and encodes the video (Qt side, ui/video/): returns a
/// one-line summary; throws ConfigError (bad input) or WriteError (the video
/// could not be written). Empty in builds without Qt.
using RenderVideo =
    std::function<std::string(const RenderArgs& args, const std::function<void(double fraction)>& progress)>;
void addRenderCommand(CLI::App& app, std::function<int()>& action, RenderVideo render);

} // namespace mc::cli

// microcircuit: no arguments -> the desktop program; subcommands -> headless.
#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/version.hpp"

#include <cstdio>
#include <exception>
#include <string>

#ifdef MC_WITH_GUI
#include "figures/figures.hpp"
#include "figures/sweep_figure.hpp"
#include "ui/gui_main.hpp"
#include "ui/video/render_video.hpp"
#endif

int main(int argc, char** argv) {
#ifdef MC_WITH_GUI
    if (argc == 1) return mc::ui::runGui(argc, argv);
    mc::cli::AfterRun afterRun = [](const std::string& folder) { return mc::figures::writeRunFigures(folder); };
    mc::cli::AnalysisFigures analysisFigures = mc::figures::writeAnalysisFigures;
    mc::cli::SweepFigures sweepFigures{mc::figures::checkSweepMapAxes, mc::figures::writeSweepFigures};
    mc::cli::EnsembleFigures ensembleFigures = mc::figures::writeEnsembleFigure;
    mc::cli::RenderVideo renderVideo = [](const mc::cli::RenderArgs& a, const std::function<void(double)>& progress) {
        const mc::ui::RenderResult r = mc::ui::renderVideo(
            {a.folder, a.output, a.fromMs, a.toMs, a.fps, a.msPerFrame, a.width, a.height, a.windowMs}, progress);
        char line[300];
        std::snprintf(line, sizeof line, "wrote %s: %d frames, %d x %d, %d frames/s, %.1f-%.1f ms at %g ms per frame",
                      a.output.c_str(), r.frames, a.width, a.height, a.fps, r.fromMs, r.toMs, r.msPerFrame);
        return std::string(line);
    };
#else
    mc::cli::RenderVideo renderVideo;
    mc::cli::EnsembleFigures ensembleFigures;
    mc::cli::SweepFigures sweepFigures;
    mc::cli::AfterRun afterRun;
    mc::cli::AnalysisFigures analysisFigures;
#endif
    CLI::App app{"microcircuit: the Potjans & Diesmann (2014) cortical microcircuit, live.\n"
                 "Without arguments the desktop program starts."};
    app.set_version_flag("--version", std::string("microcircuit ") + mc::versionString());
    app.require_subcommand(0, 1);
    std::function<int()> action;
    mc::cli::addRunCommand(app, action, afterRun);
    mc::cli::addConfigCommand(app, action);
    mc::cli::addBenchCommand(app, action);
    mc::cli::addAnalyzeCommand(app, action, analysisFigures, ensembleFigures);
    mc::cli::addSweepCommand(app, action, sweepFigures);
    mc::cli::addExportNestCommand(app, action);
    mc::cli::addRenderCommand(app, action, renderVideo);
    std::string viewFolder;
    auto* view = app.add_subcommand("view", "open a recorded spike folder in the desktop program and replay it");
    view->add_option("DIR", viewFolder,
                     "folder of spike files: ours, NEST's spike_recorder-*.dat (either header) or .gdf, SONATA *.h5")
        ->required()
        ->check(CLI::ExistingDirectory);
    view->callback([&] {
#ifdef MC_WITH_GUI
        // Qt sees only the program name: the folder is handed over directly.
        action = [&viewFolder, argv] { return mc::ui::runGui(1, argv, viewFolder.c_str()); };
#else
        action = [] {
            std::fprintf(stderr, "error: view: this build has no desktop program (built headless)\n");
            return 2;
        };
#endif
    });
    mc::cli::ModelFlags guiModel;
    bool guiMaxSpeed = false;
    std::string guiPerfLog;
    double quitAfter = 0.0;
    auto* gui = app.add_subcommand("gui", "start the desktop program on a network given by flags (and measure it)");
    gui->add_option("--config", guiModel.configs, "JSON configuration, reference dicts, or a folder holding them; repeatable")
        ->check(mc::cli::nonEmptyPath());
    gui->add_option("--scale", guiModel.scale, "N_scaling = K_scaling = F (default 0.1; 1 = full scale)");
    gui->add_option("--drive", guiModel.drive, "background drive: poisson (default) or dc")
        ->check(CLI::IsMember({"poisson", "dc"}));
    gui->add_option("--seed", guiModel.seed, "random seed, a whole number from 0 to 2^64 - 1 (default 55)")
        ->type_name("UINT64");
    gui->add_option("--threads", guiModel.threads, "engine worker threads (default: all cores)");
    gui->add_flag("--max-speed", guiMaxSpeed, "run as fast as possible instead of at real time");
    gui->add_option("--quit-after", quitAfter, "quit S seconds (wall time) after the network is built")
        ->type_name("S");
    gui->add_option("--perf-log", guiPerfLog,
                    "write the achieved speed, frames/s, event-loop latency and memory as JSON lines to FILE "
                    "(a summary line last with --quit-after)")
        ->type_name("FILE")
        ->check(mc::cli::nonEmptyPath());
    std::string guiSize;
    gui->add_option("--size", guiSize, "window size in pixels, e.g. 1920x1200 (default 1500x950, fitted to the screen)")
        ->type_name("WxH");
    gui->callback([&] {
#ifdef MC_WITH_GUI
        action = [&, argv] {
            if (!(quitAfter >= 0.0 && quitAfter <= 1e6))
                throw mc::ConfigError("--quit-after " + std::to_string(quitAfter) +
                                      " is not allowed: must be a number of seconds from 0 (never) to 1e6");
            mc::ui::GuiOptions guiOptions;
            guiOptions.config = guiModel.resolve();
            guiOptions.maxSpeed = guiMaxSpeed;
            guiOptions.perfLog = guiPerfLog;
            guiOptions.threads = guiModel.threads ? *guiModel.threads : 0;
            guiOptions.quitAfterSeconds = quitAfter;
            if (!guiSize.empty()) {
                int w = 0, h = 0;
                char extra = 0;
                if (std::sscanf(guiSize.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 240 || w > 16384 ||
                    h > 16384)
                    throw mc::ConfigError("--size " + guiSize.substr(0, 60) +
                                          " is not allowed: must be WIDTHxHEIGHT in pixels, e.g. 1920x1200, "
                                          "from 320x240 to 16384x16384");
                guiOptions.width = w;
                guiOptions.height = h;
            }
            return mc::ui::runGui(1, argv, guiOptions);
        };
#else
        action = [] {
            std::fprintf(stderr, "error: gui: this build has no desktop program (built headless)\n");
            return 2;
        };
#endif
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Help and version exit 0; any flag error is bad input: status 2.
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (!action) {
        std::fputs(app.help().c_str(), stdout);
        return 0;
    }
    try {
        return action();
    } catch (const mc::WriteError& e) {
        // A write failed (disk full, ...): not bad input; the message says which file.
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    } catch (const mc::ConfigError& e) {
        // One line, whatever a message quotes (messages cut values to ~60
        // characters; this is the last guard).
        std::string what = e.what();
        if (what.size() > 2000) what = what.substr(0, 1997) + "...";
        std::fprintf(stderr, "error: %s\n", what.c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error: %s\n", e.what());
        return 3;
    }
}

// microcircuit: no arguments -> the desktop program; subcommands -> headless.
#include "cli.hpp"

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

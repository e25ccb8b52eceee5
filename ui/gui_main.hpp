#pragma once

#include "microcircuit/params.hpp"

#include <optional>
#include <string>

class QSurfaceFormat;

namespace mc::ui {

/// How the desktop program starts (`microcircuit`, `microcircuit view DIR`, `microcircuit gui ...`).
struct GuiOptions {
    const char* recording = nullptr; ///< replay this spike folder instead of building a network
    std::optional<Config> config;    ///< build this instead of the default network
    int threads = 0;                 ///< engine worker threads (0: all cores)
    bool maxSpeed = false;           ///< run as fast as possible instead of at real time
    double quitAfterSeconds = 0.0;   ///< quit this long after the network is built (0: never)
    std::string perfLog;             ///< JSON lines of achieved speed, frames, latency, memory
    int width = 0, height = 0;       ///< window size in pixels (0: the default, fitted to the screen)
};

/// Runs the desktop program (QApplication event loop); returns its exit code.
/// With `recording`, the window replays that spike folder instead of building the default network.
int runGui(int argc, char** argv, const char* recording = nullptr);
int runGui(int argc, char** argv, const GuiOptions& options);
/// OpenGL 3.3 core profile, set as the default before the QApplication exists.
void setDefaultSurfaceFormat();
/// Mesa's software renderer (llvmpipe) starts one rendering thread per core,
/// which compete with the engine's workers for the same cores; unless the
/// user set LP_NUM_THREADS, the window renders on its own thread instead.
/// Must run before the first OpenGL context exists.
void limitSoftwareRendererThreads();
/// Registers the compiled-in resources (shaders, icon, presets) of the static library.
void initResources();
} // namespace mc::ui

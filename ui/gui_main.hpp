#pragma once

class QSurfaceFormat;

namespace mc::ui {
/// Runs the desktop program (QApplication event loop); returns its exit code.
/// With `recording`, the window replays that spike folder instead of building the default network.
int runGui(int argc, char** argv, const char* recording = nullptr);
/// OpenGL 3.3 core profile, set as the default before the QApplication exists.
void setDefaultSurfaceFormat();
/// Registers the compiled-in resources (shaders, icon, presets) of the static library.
void initResources();
} // namespace mc::ui

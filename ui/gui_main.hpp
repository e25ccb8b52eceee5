#pragma once
namespace mc::ui {
/// Runs the desktop program (QApplication event loop); returns its exit code.
int runGui(int argc, char** argv);
}

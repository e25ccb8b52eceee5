// File -> Record video… (the options dialog; the same action stops) and the
// recording indicator in the status bar: a red dot with the elapsed time.
#pragma once

#include <QString>

class QAction;
class QMainWindow;

namespace mc::ui {

class VideoRecorder;
struct VideoRecordOptions;

/// Adds "Record video…" to `window`'s File menu (before Quit) and the
/// indicator to its status bar. Returns the action (it toggles recording).
QAction* installVideoMenu(QMainWindow* window, VideoRecorder* recorder);

/// The indicator's text while recording, e.g. "● REC 0:12 · 360 frames".
QString recordingIndicatorText(const VideoRecorder& recorder);

} // namespace mc::ui

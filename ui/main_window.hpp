// The main window: raster on top, live charts below, controls in a dock,
// status bar with model time, speed, size, memory and spike rate. Menus and
// file handling live in main_window_menus.cpp and main_window_files.cpp.
#pragma once

#include "ui/activity/activity_tools.hpp"
#include "ui/charts/charts_panel.hpp"
#include "ui/controls/exploration_docks.hpp"
#include "ui/lessons/lesson_file.hpp"
#include "ui/sim_controller.hpp"
#include "ui/figure_export.hpp"
#include "ui/theme.hpp"

#include "microcircuit/params.hpp"

#include <QMainWindow>
#include <QStringList>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
QT_END_NAMESPACE

namespace mc::ui {

class ControlPanel;
class LessonPanel;
class PerfProbe;
class ProbePanel;
class RasterView;
class ReplayBar;
class ReplayPlayer;
class SimController;
class VideoRecorder;
class SweepPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    /// `threads`: engine worker threads (0 = all cores).
    explicit MainWindow(int threads = 0, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Builds the default network and runs it at real time.
    void start();
    /// The project default (resources/config/default.json).
    static Config defaultConfig();

    SimController* controller() const { return m_controller; }
    RasterView* raster() const { return m_raster; }
    ChartsPanel* charts() const { return m_charts; }
    ControlPanel* controls() const { return m_controls; }
    /// The parameter editor and connectivity map docks.
    const ExplorationDocks& explorationDocks() const { return m_explore; }
    /// The membrane-potential probes under the raster (Probe menu).
    ProbePanel* probePanel() const { return m_probePanel; }
    /// File → Record video (ui/video/).
    VideoRecorder* videoRecorder() const { return m_video; }
    /// The Sweep panel (ui/sweep/), in a dock shown by View → Sweep panel.
    SweepPanel* sweepPanel() const;
    const Theme& theme() const { return m_theme; }
    /// Repeat…, the PSTH and spectrum panels and the health check (ui/activity/).
    const ActivityTools& activity() const { return m_activity; }
    /// Event-loop latency probe (worst lateness per second).
    const PerfProbe* perfProbe() const { return m_probe; }
    PerfProbe* perfProbe() { return m_probe; }

    void setPresentationMode(bool on);
    void setColourBlindSafe(bool on);

    // File operations with a path (the menus ask for one first). Each returns
    // false after showing a message that says why.
    bool loadConfigFrom(const QString& path);
    bool saveConfigTo(const QString& path);
    bool loadSessionFrom(const QString& path);
    bool saveSessionTo(const QString& path);
    /// The raster as a figure; `frozen` is the view captured when the export
    /// was asked for (rasterFigureView), else the view now.
    bool exportRasterTo(const QString& path, const FigureOptions& options = FigureOptions(kRasterFigure),
                        const RasterFigureView* frozen = nullptr);
    /// What the raster shows now, for a figure.
    RasterFigureView rasterFigureView() const;
    bool exportChartTo(ChartKind kind, const QString& path, const FigureSize& size = kChartFigure);
    bool exportSpikesCsvTo(const QString& path, bool wholeRun);
    bool exportSpikesNestTo(const QString& folder, bool wholeRun);
    bool exportStatisticsTo(const QString& path);
    /// File → Export → For NEST… (main_window_nest.cpp): configNow() as the
    /// reference's dictionaries and run scripts. A folder holding an earlier
    /// export is replaced whole only with `replace`; one holding other files is
    /// refused. The export's warnings are shown (and kept in lastNestWarnings()).
    bool exportForNestTo(const QString& folder, bool replace);
    const QStringList& lastNestWarnings() const { return m_lastNestWarnings; }
    /// The reference's horizontal box plot of per-neuron rates (whole run after the warm-up).
    bool exportBoxPlotTo(const QString& path, const FigureSize& size = kBoxPlotFigure);

    /// Opens a recorded spike folder in place of the engine (ui/replay/); reads
    /// it in the background with progress in the timeline bar. A bad folder
    /// shows a message and leaves what is shown untouched.
    void openRecording(const QString& folder);
    ReplayPlayer* replayPlayer() const { return m_replay; }
    ReplayBar* replayBar() const { return m_replayBar; }

    /// The lesson panel (a dock, shown when a lesson starts) and its lessons.
    LessonPanel* lessonPanel() const { return m_lessonPanel; }
    /// Offers the lessons of a teacher's file (docs/lessons.md) in the panel;
    /// a malformed file shows the reader's message and changes nothing.
    bool loadLessonsFrom(const QString& path);
    /// The lessons bundled in resources/lessons/ (one file each, in name order).
    static std::vector<Lesson> bundledLessons(QString* error = nullptr);

    /// The last message shown to the user (errors included).
    const QString& lastMessage() const { return m_lastMessage; }
    /// The texts of the yellow warning banner and the blue information line (empty when hidden).
    QString bannerText() const;
    QString infoText() const;
    /// Below this height (logical pixels) the charts share one tabbed area,
    /// so that the raster keeps most of the window.
    /// (Four charts in a grid need about 450 pixels of their own to stay legible.)
    static constexpr int kCompactHeight = 1150;

  protected:
    void resizeEvent(QResizeEvent* e) override;

  signals:
    void messageShown(const QString& title, const QString& text);

  private:
    void createMenus();
    void createStatusBar();
    void updateStatus();
    void onBuilt();
    void onStateChanged(RunState state);
    /// Keeps the window on the screen it is on (also after leaving full screen).
    void fitToScreen();
    void updateCompactLayout();
    void showMessage(bool error, const QString& title, const QString& text);
    void showShortcuts();
    void showAbout();
    /// The Lessons menu and the lesson dock (main_window_lessons.cpp).
    void createLessonMenu();
    void applyTheme();
    QString askSavePath(const QString& title, const QString& suggested, const QString& filter);
    QString askOpenPath(const QString& title, const QString& filter);
    void exportRasterAs(const QString& format);
    void exportChartAs(ChartKind kind, const QString& format);
    void exportBoxPlotAs(const QString& format);
    void exportForNestAsked();
    /// Timeline bar, status label and title of replay (main_window_replay.cpp).
    void createReplay(QLayout* layout);
    void onSourceChanged();

    SimController* m_controller;
    RasterView* m_raster;
    ProbePanel* m_probePanel;
    LessonPanel* m_lessonPanel = nullptr;
    ChartsPanel* m_charts;
    ControlPanel* m_controls;
    ExplorationDocks m_explore;
    ActivityTools m_activity;
    QLabel* m_banner;
    QLabel* m_info;
    QLabel* m_statusTime;
    QLabel* m_statusSpeed;
    QLabel* m_statusSize;
    QLabel* m_statusMemory;
    QLabel* m_statusSpikes;
    QLabel* m_buildLabel;
    QProgressBar* m_buildProgress;
    QPushButton* m_buildCancel;
    QAction* m_presentationAction = nullptr;
    QAction* m_paletteAction = nullptr;
    QAction* m_playAction = nullptr;
    QList<QAction*> m_networkActions; ///< enabled only while a network exists
    QList<QAction*> m_engineActions;  ///< need the engine: disabled while a recording is shown
    ReplayPlayer* m_replay = nullptr;
    ReplayBar* m_replayBar = nullptr;
    QLabel* m_statusRecording = nullptr;
    QSplitter* m_splitter = nullptr;
    QTimer m_statusTimer;
    PerfProbe* m_probe = nullptr;
    VideoRecorder* m_video = nullptr;
    Theme m_theme;
    QFont m_normalFont;
    QString m_lastMessage;
    QString m_pendingLessonText;
    QStringList m_lastNestWarnings;
};

} // namespace mc::ui

// The Sweep panel (docs/sweeps.md, "In the window"): two configuration
// fields and their ranges, seeds, scale and time per point; Run sweeps them
// in the background through the sweep library of `microcircuit sweep` into
// a sweep folder, and the heat map fills cell by cell as points finish.
// Hover shows a cell's numbers, a click loads its configuration into the
// live view. The live view pauses while a sweep runs (the sweep uses every
// core) and continues afterwards.
#pragma once

#include "figures/sweep_figure.hpp"
#include "microcircuit/sweep.hpp"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
QT_END_NAMESPACE

namespace mc::ui {

class SimController;
class SweepMapView;
class SweepRunner;

class SweepPanel : public QWidget {
    Q_OBJECT
  public:
    explicit SweepPanel(SimController* controller, QWidget* parent = nullptr);
    ~SweepPanel() override;

    // The form (also for tests and scripts).
    /// Axis 0 runs across the map, axis 1 up. `values` as after --set FIELD=:
    /// "a:b:step" or "v1,v2,...".
    void setAxis(int axis, const QString& field, const QString& values);
    void setSeeds(int seeds);
    void setScale(double scale);
    /// Warm-up (t_presim) and analysed time (t_sim) of each point, ms.
    void setTimes(double presimMs, double simMs);
    /// The sweep folder; empty: a new temporary folder at Run.
    void setFolder(const QString& folder);
    void setRecordSpikes(bool on);
    void setStatistic(figures::SweepStatistic statistic);
    /// The population shown (index into kPopNames), or -1 for all eight as small multiples.
    void setPopulation(int population);

    /// Starts the sweep of the form's settings. Bad input shows the command
    /// line's message (message()) and returns false.
    bool run();
    /// Stops the sweep; finished points stay valid and Run resumes them.
    void cancel();
    bool isRunning() const;

    /// The last message (errors and the sweep's result).
    QString message() const;
    /// The folder of the current (or last) sweep.
    QString folder() const { return QString::fromStdString(m_dir); }
    int pointsDone() const { return m_done; }
    int pointsTotal() const { return static_cast<int>(m_points.size()); }
    SweepMapView* mapView() const { return m_view; }
    /// The map of the chosen statistic over all populations (as far as filled).
    const std::optional<figures::SweepMap>& fullMap() const { return m_map; }
    /// The points of the current sweep and the configuration they run.
    const std::vector<SweepPoint>& points() const { return m_points; }
    const SweepSpec& spec() const { return m_spec; }
    /// The numbers of a cell (panel of the shown map), as hover shows them.
    QString cellText(int panel, int column, int row) const;
    /// Loads the configuration of a cell's first point into the live view (rebuild).
    bool loadCell(int panel, int column, int row);
    bool exportFigure(const QString& path);
    bool exportCsv(const QString& path);
    /// The live view was paused by the sweep and is continued when it ends.
    bool pausedLiveView() const { return m_pausedLive; }

  signals:
    void sweepFinished(bool complete);
    /// A finished point's statistics entered the map.
    void pointShown(int point);
    void pointLoaded(int point);

  private:
    struct AxisRow {
        QComboBox* field;
        QLineEdit* values;
        QLabel* count;
    };
    /// The sweep the form describes; throws ConfigError with the CLI's message.
    SweepSpec formSpec() const;
    Config baseConfig() const;
    void validateForm();
    void onPointProgress(int point, bool finished);
    void onFinished(bool complete, bool cancelled, const QString& message);
    void refreshMap();
    void showMessage(const QString& text, bool error);
    void updateButtons();
    /// Points of the cell, in seed order.
    std::vector<int> cellPoints(int column, int row) const;
    int populationOfPanel(int panel) const;
    void chooseFolder();
    void askExportFigure();
    void askExportCsv();

    SimController* m_controller;
    SweepRunner* m_runner;
    AxisRow m_axes[2];
    QSpinBox* m_seeds;
    QDoubleSpinBox* m_scale;
    QDoubleSpinBox* m_presim;
    QDoubleSpinBox* m_tsim;
    QLineEdit* m_folder;
    QCheckBox* m_record;
    QComboBox* m_statistic;
    QComboBox* m_population;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_exportFigure;
    QPushButton* m_exportCsv;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    QLabel* m_message;
    QLabel* m_hover;
    SweepMapView* m_view;

    std::string m_dir;
    SweepSpec m_spec;
    std::vector<SweepPoint> m_points;
    std::vector<figures::SweepRow> m_rows;
    std::vector<bool> m_finished;
    std::optional<figures::SweepMap> m_map;
    int m_done = 0;
    int m_doneAtStart = -1;
    QElapsedTimer m_clock;
    bool m_pausedLive = false;
    QString m_messageText;
};

} // namespace mc::ui

QT_BEGIN_NAMESPACE
class QDockWidget;
class QMainWindow;
QT_END_NAMESPACE

namespace mc::ui {
/// Adds the Sweep panel as a dock (object name "sweep") tabbed with the
/// right-hand docks, hidden until View → Sweep panel shows it.
QDockWidget* addSweepDock(QMainWindow& window, SimController* controller);
} // namespace mc::ui

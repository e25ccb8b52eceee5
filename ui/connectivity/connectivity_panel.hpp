// The connectivity dock: which quantity the map shows, export buttons
// (PNG / SVG / PDF, CSV), and the small editor a click on a projection opens
// (weight factor: live; connection probability: pending a rebuild), which
// edits through the parameter editor.
#pragma once

#include "ui/connectivity/connectivity_metrics.hpp"

#include <QDialog>
#include <QTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QLabel;
QT_END_NAMESPACE

namespace mc::ui {

class ConnectivityMap;
class ParameterEditor;
class SimController;

/// Edits one projection: its weight factor and connection probability.
class ProjectionDialog : public QDialog {
    Q_OBJECT
  public:
    ProjectionDialog(int target, int source, const Config& config, QWidget* parent = nullptr);
    int target() const { return m_target; }
    int source() const { return m_source; }
    QDoubleSpinBox* weightFactor() const { return m_factor; }
    QDoubleSpinBox* probability() const { return m_probability; }

  private:
    int m_target, m_source;
    QDoubleSpinBox* m_factor;
    QDoubleSpinBox* m_probability;
};

class ConnectivityPanel : public QWidget {
    Q_OBJECT
  public:
    ConnectivityPanel(SimController* controller, ParameterEditor* editor, QWidget* parent = nullptr);

    ConnectivityMap* map() const { return m_map; }
    QComboBox* metricBox() const { return m_metric; }
    /// The dialog opened by the last click (nullptr when none is open).
    ProjectionDialog* openDialog() const { return m_dialog; }
    /// Opens the editor of projection source -> target (source 8 = thalamus).
    void editProjection(int target, int source);

    /// The map as an image (.png, .svg or .pdf by the suffix); false with `error` set.
    bool exportImage(const QString& path, QString* error) const;
    /// Every quantity of every projection as CSV; false with `error` set.
    bool exportCsv(const QString& path, QString* error) const;

  private:
    void applyDialog(ProjectionDialog* dialog);
    void exportAs(const QString& format);

    SimController* m_controller;
    ParameterEditor* m_editor;
    ConnectivityMap* m_map;
    QComboBox* m_metric;
    QLabel* m_message;
    ProjectionDialog* m_dialog = nullptr;
    QTimer m_timer;
};

} // namespace mc::ui

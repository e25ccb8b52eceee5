// The parameter editor dock: every configuration field (the engine's field
// table, fields.hpp) grouped and searchable, with value, unit, range, a
// one-line description and whether it applies live or needs a rebuild.
// Edits are checked as the command line checks a configuration (the same
// message, shown under the field). Live edits go to the engine at the next
// step boundary as a timed change (logged in the session, marked on the
// raster); rebuild edits wait as "pending" until "Apply and rebuild".
#pragma once

#include "microcircuit/params.hpp"

#include <QString>
#include <QWidget>

#include <map>
#include <string>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;
QT_END_NAMESPACE

namespace mc {
struct FieldInfo;
}

namespace mc::ui {

class SimController;

class ParameterEditor : public QWidget {
    Q_OBJECT
  public:
    explicit ParameterEditor(SimController* controller, QWidget* parent = nullptr);

    /// Sets field `path` to `valueJson` (JSON text: 5, [1, ...], "dc", true).
    /// Returns false, shows the message under the field and changes nothing
    /// if the configuration would be invalid. A live field goes to the
    /// running network; any other becomes pending.
    /// `label` marks a live change on the raster ("name = value" if empty).
    bool submit(const std::string& path, const std::string& valueJson, const std::string& label = {});
    /// Sets one element of a list (column < 0) or matrix field.
    bool submitElement(const std::string& path, int row, int column, double value);
    /// Sets `path` back to its default.
    bool revert(const std::string& path);
    /// Every field back to its default (live ones now, others pending).
    void resetAll();
    /// Rebuilds with the pending edits.
    void applyPending();
    void discardPending();

    /// The configuration as edited: the running one plus pending edits.
    Config edited() const;
    /// What "changed from defaults" compares with (the defaults as the
    /// desktop program builds them).
    static Config defaults();
    const std::map<std::string, std::string>& pending() const { return m_pending; }
    /// Selects a field (its editor opens below the list).
    void select(const std::string& path);
    QString selectedPath() const { return m_selected; }
    /// The message under the field (empty when the last edit was accepted).
    QString errorText() const;
    /// The tree row of a field; nullptr if the filter hides it or there is none.
    QTreeWidgetItem* itemOf(const std::string& path) const;

    QLineEdit* searchBox() const { return m_search; }
    QCheckBox* changedOnlyBox() const { return m_changedOnly; }
    QLineEdit* valueEdit() const { return m_valueEdit; }
    QTableWidget* valueTable() const { return m_table; }
    QPushButton* applyRebuildButton() const { return m_applyRebuild; }
    QPushButton* discardButton() const { return m_discard; }

  signals:
    /// The pending edits changed (count of fields waiting for a rebuild).
    void pendingChanged(int count);

  private:
    void buildTree();
    void refresh();
    void refreshDetail();
    void applyFilter();
    void onValueEntered();
    void onTableEdited(int row, int column);
    void showError(const QString& text);
    void prunePending();
    QString summary(const FieldInfo& f, const Config& c) const;

    SimController* m_controller;
    QLineEdit* m_search;
    QCheckBox* m_changedOnly;
    QTreeWidget* m_tree;
    QLabel* m_title;
    QLabel* m_description;
    QStackedWidget* m_stack;
    QLineEdit* m_valueEdit;
    QComboBox* m_choice;
    QTableWidget* m_table;
    QLabel* m_error;
    QPushButton* m_revert;
    QLabel* m_pendingLabel;
    QPushButton* m_applyRebuild;
    QPushButton* m_discard;
    QPushButton* m_resetAll;

    QString m_selected;
    std::map<std::string, std::string> m_pending; ///< path -> value (JSON) waiting for a rebuild
    bool m_filling = false; ///< the detail editor is being filled, not edited
};

} // namespace mc::ui

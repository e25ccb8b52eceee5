// The editor's edits: checking a value as the command line does, sending a
// live change to the engine, collecting and applying rebuild edits, and the
// detail pane (line, choice or table) of the selected field.
#include "ui/controls/parameter_editor.hpp"

#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/fields.hpp"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>

namespace mc::ui {
namespace {

using nlohmann::json;

/// Text typed for a number: JSON if it is JSON, else a string, so that the
/// configuration reader words the message ("expected a number, got string").
json typed(const QString& text, bool textField) {
    const std::string s = text.trimmed().toStdString();
    if (textField) return json(s);
    try {
        return json::parse(s);
    } catch (const json::parse_error&) {
        return json(s);
    }
}

/// A short label for the raster's time axis: "g = -5", "V_th[L4E] = -49".
std::string changeLabel(const std::string& path, const std::string& valueJson) {
    std::string name = path.substr(path.rfind('.') + 1);
    std::string value = valueJson;
    if (value.size() > 18) value = "…";
    return name + " = " + value;
}

} // namespace

Config ParameterEditor::defaults() { return forLiveUse(Config{}); }

Config ParameterEditor::edited() const {
    Config c = m_controller->currentConfig();
    c.events.clear();
    for (const auto& [path, value] : m_pending) {
        try {
            applyConfigJson(c, fieldSetJson(path, value), "pending edit");
        } catch (const ConfigError&) {
            // Checked when it was entered; a rebuild since cannot make it unreadable.
        }
    }
    return c;
}

bool ParameterEditor::submit(const std::string& path, const std::string& valueJson, const std::string& label) {
    const FieldInfo* f = findField(path);
    if (!f) return false;
    if (m_selected.toStdString() != path) select(path);
    Config c = edited();
    std::string set;
    try {
        set = fieldSetJson(path, valueJson);
        applyConfigJson(c, set, "editor");
        c.validate();
    } catch (const ConfigError& e) {
        refreshDetail(); // back to the value in force
        showError(QString::fromStdString(e.what()));
        return false;
    }
    showError({});
    const std::string value = fieldValueJson(c, path);
    const bool running = m_controller->hasNetwork() && !m_controller->isBuilding();
    if (f->live() && running) {
        m_pending.erase(path);
        if (value != fieldValueJson(m_controller->currentConfig(), path))
            m_controller->applyChange(fieldSetJson(path, value),
                                      QString::fromStdString(label.empty() ? changeLabel(path, value) : label));
    } else {
        m_pending[path] = value;
    }
    prunePending();
    refresh();
    return true;
}

bool ParameterEditor::submitElement(const std::string& path, int row, int column, double value) {
    json v = json::parse(fieldValueJson(edited(), path));
    if (!v.is_array()) { // a neuron parameter written as one number
        const json one = v;
        v = json::array();
        for (int i = 0; i < kNumPops; ++i) v.push_back(one);
    }
    if (column < 0) v.at(row) = value;
    else v.at(row).at(column) = value;
    // "weight_factors L4E→L23E = 2", "V_th L4E = -49"
    std::string label = path.substr(path.rfind('.') + 1) + " ";
    if (column >= 0) label += std::string(kPopNames[column]) + "→";
    label += std::string(kPopNames[row]) + " = " + json(value).dump();
    return submit(path, v.dump(), label);
}

bool ParameterEditor::revert(const std::string& path) {
    if (m_pending.erase(path)) refresh();
    return submit(path, fieldValueJson(defaults(), path));
}

void ParameterEditor::resetAll() {
    const Config def = defaults();
    const Config now = edited();
    const bool running = m_controller->hasNetwork() && !m_controller->isBuilding();
    json live = json::object();
    for (const FieldInfo& f : configFields()) {
        const std::string d = fieldValueJson(def, f.path);
        if (d == fieldValueJson(now, f.path)) continue;
        if (f.live() && running) {
            std::string p(f.path);
            for (char& ch : p) ch = ch == '.' ? '/' : ch;
            live[json::json_pointer("/" + p)] = json::parse(d);
        } else {
            m_pending[std::string(f.path)] = d;
        }
    }
    if (!live.empty()) m_controller->applyChange(live.dump(), "reset all");
    showError({});
    prunePending();
    refresh();
}

void ParameterEditor::applyPending() {
    if (m_pending.empty()) return;
    const Config c = edited();
    m_pending.clear();
    m_controller->rebuild(c);
    refresh();
}

void ParameterEditor::discardPending() {
    m_pending.clear();
    showError({});
    refresh();
}

void ParameterEditor::prunePending() {
    const Config& now = m_controller->currentConfig();
    for (auto it = m_pending.begin(); it != m_pending.end();)
        it = fieldValueJson(now, it->first) == it->second ? m_pending.erase(it) : std::next(it);
}

void ParameterEditor::showError(const QString& text) {
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

QString ParameterEditor::errorText() const { return m_error->text(); }

void ParameterEditor::onValueEntered() {
    if (m_filling || m_selected.isEmpty()) return;
    const FieldInfo& f = fieldInfo(m_selected.toStdString());
    submit(m_selected.toStdString(), typed(m_valueEdit->text(), f.shape == FieldShape::Text).dump());
}

void ParameterEditor::onTableEdited(int editedRow, int editedColumn) {
    if (m_filling || m_selected.isEmpty()) return;
    const FieldInfo& f = fieldInfo(m_selected.toStdString());
    json v = json::array();
    for (int r = 0; r < m_table->rowCount(); ++r) {
        json row = json::array();
        for (int c = 0; c < m_table->columnCount(); ++c) {
            const QTableWidgetItem* item = m_table->item(r, c);
            row.push_back(typed(item ? item->text() : QString(), false));
        }
        if (f.shape == FieldShape::Matrix) v.push_back(row);
        else v = row;
    }
    const std::string path = m_selected.toStdString();
    const QTableWidgetItem* cell = m_table->item(editedRow, editedColumn);
    std::string label = path.substr(path.rfind('.') + 1) + " ";
    if (f.shape == FieldShape::Matrix) label += std::string(kPopNames[editedColumn]) + "→" + kPopNames[editedRow];
    else label += kPopNames[editedColumn];
    label += " = " + (cell ? cell->text().trimmed().left(12).toStdString() : std::string());
    submit(path, v.dump(), label);
}

void ParameterEditor::refreshDetail() {
    if (m_selected.isEmpty()) return;
    const std::string path = m_selected.toStdString();
    const FieldInfo& f = fieldInfo(path);
    const Config shown = edited();
    const Config def = defaults();
    m_filling = true;
    const QString unit = f.unit.empty() ? QString("no unit") : QString::fromUtf8(f.unit.data(), int(f.unit.size()));
    m_title->setText(QString("<b>%1</b> &nbsp; %2").arg(m_selected.toHtmlEscaped(),
                                                        f.live() ? "applies live" : "needs a rebuild"));
    m_description->setText(QString("%1.\nUnit: %2. Allowed: %3.%4%5")
                               .arg(QString::fromUtf8(f.description.data(), int(f.description.size())), unit,
                                    QString::fromStdString(f.rangeText(shown.sim.sim_resolution)),
                                    f.shape == FieldShape::Matrix ? " Rows: target, columns: source." : "",
                                    m_pending.count(path) ? " Pending until \"Apply and rebuild\"." : ""));
    const json value = json::parse(fieldValueJson(shown, path));
    const json defValue = json::parse(fieldValueJson(def, path));
    if (f.shape == FieldShape::PerPopulation || f.shape == FieldShape::Matrix) {
        const bool matrix = f.shape == FieldShape::Matrix;
        m_table->clear();
        m_table->setRowCount(matrix ? kNumPops : 1);
        m_table->setColumnCount(kNumPops);
        QStringList names;
        for (const char* p : kPopNames) names << p;
        m_table->setHorizontalHeaderLabels(names);
        m_table->setVerticalHeaderLabels(matrix ? names : QStringList{"value"});
        m_table->setToolTip(matrix ? "rows: target population, columns: source population" : "one value per population");
        for (int r = 0; r < m_table->rowCount(); ++r)
            for (int c = 0; c < kNumPops; ++c) {
                const json& v = matrix ? value[r][c] : (value.is_array() ? value[c] : value);
                const json& d = matrix ? defValue[r][c] : (defValue.is_array() ? defValue[c] : defValue);
                auto* item = new QTableWidgetItem(QString::fromStdString(v.dump()));
                if (v != d) {
                    item->setBackground(QColor(255, 236, 170));
                    item->setToolTip(QString("default %1").arg(QString::fromStdString(d.dump())));
                }
                m_table->setItem(r, c, item);
            }
        m_stack->setCurrentWidget(m_table);
    } else if (!f.choices.empty()) {
        m_choice->clear();
        for (const QString& w : QString::fromUtf8(f.choices.data(), int(f.choices.size())).split('|'))
            m_choice->addItem(w);
        m_choice->setCurrentText(value.is_string() ? QString::fromStdString(value.get<std::string>())
                                                   : QString::fromStdString(value.dump()));
        m_stack->setCurrentWidget(m_choice);
    } else {
        m_valueEdit->setText(value.is_string() ? QString::fromStdString(value.get<std::string>())
                                               : QString::fromStdString(value.dump()));
        m_stack->setCurrentWidget(m_valueEdit);
    }
    m_revert->setEnabled(value != defValue);
    m_filling = false;
}

} // namespace mc::ui

// The editor's layout, field list and filter; the edits themselves are in
// parameter_editor_edits.cpp.
#include "ui/controls/parameter_editor.hpp"

#include "ui/sim_controller.hpp"

#include "microcircuit/fields.hpp"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mc::ui {
namespace {

enum Column { ColField, ColValue, ColUnit, ColRange, ColApplies };
constexpr int kPathRole = Qt::UserRole;

QString unitText(const FieldInfo& f) { return f.unit.empty() ? QString() : QString::fromUtf8(f.unit.data(), int(f.unit.size())); }

} // namespace

ParameterEditor::ParameterEditor(SimController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* top = new QHBoxLayout;
    m_search = new QLineEdit;
    m_search->setPlaceholderText("Search fields (name or description)");
    m_search->setClearButtonEnabled(true);
    m_changedOnly = new QCheckBox("Changed from defaults");
    m_changedOnly->setToolTip("Show only the fields whose value differs from the default configuration.");
    top->addWidget(m_search, 1);
    top->addWidget(m_changedOnly);
    layout->addLayout(top);

    m_tree = new QTreeWidget;
    m_tree->setColumnCount(5);
    m_tree->setHeaderLabels({"Field", "Value", "Unit", "Range", "Applies"});
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(ColField, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(ColValue, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);

    auto* detail = new QWidget;
    auto* d = new QVBoxLayout(detail);
    d->setContentsMargins(0, 4, 0, 0);
    m_title = new QLabel;
    m_title->setTextFormat(Qt::RichText);
    m_description = new QLabel;
    m_description->setWordWrap(true);
    m_stack = new QStackedWidget;
    m_valueEdit = new QLineEdit;
    m_valueEdit->setToolTip("Type a value and press Enter.");
    m_choice = new QComboBox;
    m_table = new QTableWidget;
    m_table->horizontalHeader()->setDefaultSectionSize(58);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_stack->addWidget(m_valueEdit);
    m_stack->addWidget(m_choice);
    m_stack->addWidget(m_table);
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_revert = new QPushButton("Revert to default");
    auto* row = new QHBoxLayout;
    row->addWidget(m_revert);
    row->addStretch(1);
    d->addWidget(m_title);
    d->addWidget(m_description);
    d->addWidget(m_stack, 1);
    d->addWidget(m_error);
    d->addLayout(row);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_tree);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    m_pendingLabel = new QLabel;
    m_pendingLabel->setWordWrap(true);
    m_applyRebuild = new QPushButton("Apply and rebuild");
    m_applyRebuild->setToolTip("Rebuild the network with the pending changes (the running network keeps the live ones).");
    m_discard = new QPushButton("Discard");
    m_discard->setToolTip("Forget the pending changes.");
    m_resetAll = new QPushButton("Reset all");
    m_resetAll->setToolTip("Every field back to its default: live fields now, the others pending a rebuild.");
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_applyRebuild);
    bottom->addWidget(m_discard);
    bottom->addStretch(1);
    bottom->addWidget(m_resetAll);
    layout->addWidget(m_pendingLabel);
    layout->addLayout(bottom);

    buildTree();
    connect(m_search, &QLineEdit::textChanged, this, [this] { applyFilter(); });
    connect(m_changedOnly, &QCheckBox::toggled, this, [this] { applyFilter(); });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        const QString path = item ? item->data(ColField, kPathRole).toString() : QString();
        if (path.isEmpty() || path == m_selected) return;
        m_selected = path;
        showError({});
        refreshDetail();
    });
    connect(m_valueEdit, &QLineEdit::returnPressed, this, &ParameterEditor::onValueEntered);
    connect(m_choice, &QComboBox::activated, this, [this](int index) {
        if (m_filling || m_selected.isEmpty()) return;
        const std::string word = m_choice->itemText(index).toStdString();
        const FieldInfo& f = fieldInfo(m_selected.toStdString());
        submit(m_selected.toStdString(), f.shape == FieldShape::Boolean ? word : nlohmann::json(word).dump());
    });
    connect(m_table, &QTableWidget::cellChanged, this, &ParameterEditor::onTableEdited);
    connect(m_revert, &QPushButton::clicked, this, [this] {
        if (!m_selected.isEmpty()) revert(m_selected.toStdString());
    });
    connect(m_applyRebuild, &QPushButton::clicked, this, &ParameterEditor::applyPending);
    connect(m_discard, &QPushButton::clicked, this, &ParameterEditor::discardPending);
    connect(m_resetAll, &QPushButton::clicked, this, &ParameterEditor::resetAll);
    connect(m_controller, &SimController::built, this, [this] {
        prunePending();
        refresh();
    });
    connect(m_controller, &SimController::eventApplied, this, [this] {
        prunePending();
        refresh();
    });
    refresh();
    select("net.g");
}

void ParameterEditor::buildTree() {
    std::map<FieldGroup, QTreeWidgetItem*> groups;
    for (FieldGroup g : {FieldGroup::NetworkSize, FieldGroup::Connectivity, FieldGroup::Synapses, FieldGroup::Neurons,
                         FieldGroup::Drive, FieldGroup::Stimuli, FieldGroup::Simulation}) {
        auto* item = new QTreeWidgetItem(m_tree, {QString(groupName(g))});
        QFont bold = item->font(ColField);
        bold.setBold(true);
        item->setFont(ColField, bold);
        item->setFirstColumnSpanned(true);
        item->setFlags(Qt::ItemIsEnabled);
        groups[g] = item;
    }
    for (const FieldInfo& f : configFields()) {
        const QString path = QString::fromUtf8(f.path.data(), int(f.path.size()));
        auto* item = new QTreeWidgetItem(groups[f.group]);
        item->setText(ColField, path);
        item->setData(ColField, kPathRole, path);
        item->setText(ColUnit, unitText(f));
        item->setText(ColApplies, f.live() ? "live" : "rebuild");
        item->setToolTip(ColApplies, f.live() ? "Applies while the network runs, at the next step boundary."
                                              : "Needs a rebuild: collected as pending until \"Apply and rebuild\".");
        const QString tip = QString::fromUtf8(f.description.data(), int(f.description.size()));
        item->setToolTip(ColField, tip);
        item->setToolTip(ColValue, tip);
    }
    m_tree->expandAll();
}

QString ParameterEditor::summary(const FieldInfo& f, const Config& c) const {
    const auto value = nlohmann::json::parse(fieldValueJson(c, f.path));
    if (f.shape == FieldShape::Matrix) {
        const auto def = nlohmann::json::parse(fieldValueJson(defaults(), f.path));
        int changed = 0;
        for (int y = 0; y < kNumPops; ++y)
            for (int x = 0; x < kNumPops; ++x) changed += value[y][x] != def[y][x];
        return changed ? QString("8 × 8, %1 changed").arg(changed) : QString("8 × 8");
    }
    if (value.is_array()) {
        bool uniform = true;
        for (const auto& v : value) uniform = uniform && v == value[0];
        if (uniform) return QString::fromStdString(value[0].dump()) + " (all)";
        QString text = QString::fromStdString(value.dump());
        text.replace(",", ", ");
        return text.size() > 48 ? text.left(45) + "…" : text;
    }
    if (value.is_string()) return QString::fromStdString(value.get<std::string>());
    return QString::fromStdString(value.dump());
}

void ParameterEditor::refresh() {
    const Config shown = edited();
    const Config def = defaults();
    const double h = shown.sim.sim_resolution;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const std::string path = item->data(ColField, kPathRole).toString().toStdString();
            const FieldInfo& f = fieldInfo(path);
            const bool pending = m_pending.count(path) > 0;
            const bool changed = fieldValueJson(shown, path) != fieldValueJson(def, path);
            item->setText(ColValue, summary(f, shown) + (pending ? "  (pending)" : ""));
            item->setText(ColRange, QString::fromStdString(f.rangeText(h)));
            QFont font = m_tree->font();
            font.setBold(changed);
            font.setItalic(pending);
            item->setFont(ColField, font);
            item->setFont(ColValue, font);
            item->setData(ColField, Qt::UserRole + 1, changed);
        }
    }
    const int n = static_cast<int>(m_pending.size());
    QStringList names;
    for (const auto& [path, value] : m_pending) names << QString::fromStdString(path);
    m_pendingLabel->setText(n == 0 ? QString("No changes waiting for a rebuild.")
                                   : QString("<b>%1 pending</b> (need a rebuild): %2").arg(n).arg(names.join(", ")));
    m_applyRebuild->setEnabled(n > 0 && !m_controller->isBuilding());
    m_discard->setEnabled(n > 0);
    applyFilter();
    refreshDetail();
    emit pendingChanged(n);
}

void ParameterEditor::applyFilter() {
    const QString needle = m_search->text().trimmed();
    const bool changedOnly = m_changedOnly->isChecked();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        int visible = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            bool show = needle.isEmpty() || item->text(ColField).contains(needle, Qt::CaseInsensitive) ||
                        item->toolTip(ColField).contains(needle, Qt::CaseInsensitive) ||
                        group->text(ColField).contains(needle, Qt::CaseInsensitive);
            if (changedOnly) show = show && item->data(ColField, Qt::UserRole + 1).toBool();
            item->setHidden(!show);
            visible += show;
        }
        group->setHidden(visible == 0);
    }
}

QTreeWidgetItem* ParameterEditor::itemOf(const std::string& path) const {
    const QString p = QString::fromStdString(path);
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (group->child(i)->data(ColField, kPathRole).toString() == p)
                return group->isHidden() || group->child(i)->isHidden() ? nullptr : group->child(i);
    }
    return nullptr;
}

void ParameterEditor::select(const std::string& path) {
    if (!findField(path)) return;
    if (!itemOf(path)) { // shown even if the filter hid it
        m_search->clear();
        m_changedOnly->setChecked(false);
    }
    m_selected = QString::fromStdString(path);
    if (QTreeWidgetItem* item = itemOf(path)) {
        m_tree->setCurrentItem(item);
        m_tree->scrollToItem(item);
    }
    refreshDetail();
}

} // namespace mc::ui

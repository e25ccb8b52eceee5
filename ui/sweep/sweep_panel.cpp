#include "ui/sweep/sweep_panel.hpp"

#include "ui/sim_controller.hpp"
#include "ui/sweep/sweep_map_view.hpp"
#include "ui/sweep/sweep_runner.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/fields.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/model.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QMainWindow>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <cmath>

namespace mc::ui {
namespace {

QString popLabel(const std::string& name) { return QString::fromStdString(name).replace("23", "2/3"); }

/// A swept value as the map labels it: JSON text without a string's quotes.
QString valueText(const std::string& json) {
    QString s = QString::fromStdString(json);
    if (s.size() >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.mid(1, s.size() - 2);
    return s;
}

QString num(double v, int precision) { return std::isfinite(v) ? QString::number(v, 'f', precision) : QString("–"); }

QString duration(double s) {
    if (s >= 3600) return QString("%1 h %2 min").arg(static_cast<int>(s / 3600)).arg(static_cast<int>(s / 60) % 60);
    if (s >= 60) return QString("%1 min %2 s").arg(static_cast<int>(s / 60)).arg(static_cast<int>(s) % 60);
    return QString("%1 s").arg(static_cast<int>(std::ceil(s)));
}

} // namespace

SweepPanel::SweepPanel(SimController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_runner(new SweepRunner(this)) {
    auto* layout = new QVBoxLayout(this);
    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel("<b>Field</b>"), 0, 1);
    grid->addWidget(new QLabel("<b>Values</b> (a:b:step or v1,v2,…)"), 0, 2);
    QStringList fields;
    for (const FieldInfo& f : configFields())
        if (f.shape == FieldShape::Number || f.shape == FieldShape::Integer) fields << QString::fromUtf8(f.path.data(), static_cast<int>(f.path.size()));
    const char* labels[2] = {"Across", "Up"};
    const char* defaults[2][2] = {{"net.g", "-3:-8:1"}, {"net.bg_rate", "4:12:2"}};
    for (int a = 0; a < 2; ++a) {
        AxisRow& row = m_axes[a];
        row.field = new QComboBox;
        row.field->setEditable(true);
        row.field->addItems(fields);
        row.field->setInsertPolicy(QComboBox::NoInsert);
        row.field->completer()->setCompletionMode(QCompleter::PopupCompletion);
        row.field->completer()->setFilterMode(Qt::MatchContains);
        row.field->setToolTip("Any configuration field by its dotted name (as `microcircuit config` prints it); "
                              "live fields and fields that need a rebuild alike.");
        row.field->setCurrentText(defaults[a][0]);
        row.values = new QLineEdit(defaults[a][1]);
        row.values->setToolTip("As after --set FIELD= on the command line: a range a:b:step (from a towards b, b "
                               "included when on the grid) or a list v1,v2,…");
        row.count = new QLabel;
        grid->addWidget(new QLabel(labels[a]), a + 1, 0);
        grid->addWidget(row.field, a + 1, 1);
        grid->addWidget(row.values, a + 1, 2);
        grid->addWidget(row.count, a + 1, 3);
        connect(row.field, &QComboBox::currentTextChanged, this, &SweepPanel::validateForm);
        connect(row.values, &QLineEdit::textChanged, this, &SweepPanel::validateForm);
    }
    grid->setColumnStretch(2, 1);
    layout->addLayout(grid);

    auto* form = new QHBoxLayout;
    m_seeds = new QSpinBox;
    m_seeds->setRange(1, 1000);
    m_seeds->setToolTip("Realisations of every grid point: seeds s, s + 1, … from the live network's seed s.");
    m_scale = new QDoubleSpinBox;
    m_scale->setRange(0.01, 1.0);
    m_scale->setDecimals(3);
    m_scale->setSingleStep(0.05);
    m_scale->setValue(0.1);
    m_scale->setToolTip("Network scale of every point (N_scaling = K_scaling).");
    m_presim = new QDoubleSpinBox;
    m_presim->setRange(0, 100000);
    m_presim->setDecimals(0);
    m_presim->setSuffix(" ms");
    m_presim->setValue(Config{}.sim.t_presim);
    m_presim->setToolTip("Warm-up of every point (t_presim), left out of the statistics.");
    m_tsim = new QDoubleSpinBox;
    m_tsim->setRange(1, 1000000);
    m_tsim->setDecimals(0);
    m_tsim->setSuffix(" ms");
    m_tsim->setValue(1000);
    m_tsim->setToolTip("Model time analysed per point after the warm-up (t_sim).");
    form->addWidget(new QLabel("Seeds"));
    form->addWidget(m_seeds);
    form->addWidget(new QLabel("Scale"));
    form->addWidget(m_scale);
    form->addWidget(new QLabel("Warm-up"));
    form->addWidget(m_presim);
    form->addWidget(new QLabel("Time per point"));
    form->addWidget(m_tsim);
    form->addStretch(1);
    layout->addLayout(form);

    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit;
    m_folder->setPlaceholderText("empty: a new temporary folder");
    m_folder->setToolTip("The sweep folder (as `sweep --out`). A folder holding the same sweep is resumed: its "
                         "finished points are kept. `microcircuit sweep collect DIR --figures` works on it.");
    auto* choose = new QPushButton("Choose…");
    connect(choose, &QPushButton::clicked, this, &SweepPanel::chooseFolder);
    m_record = new QCheckBox("Keep spike files");
    m_record->setChecked(true);
    m_record->setToolTip("Write each point's spike files (needed by analyze --ensemble on the sweep); off: "
                         "statistics only, as --no-record.");
    folderRow->addWidget(new QLabel("Folder"));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(choose);
    folderRow->addWidget(m_record);
    layout->addLayout(folderRow);

    auto* buttons = new QHBoxLayout;
    m_run = new QPushButton("Run");
    m_run->setToolTip("Run the sweep in the background; the map fills as points finish.");
    m_cancel = new QPushButton("Cancel");
    m_cancel->setToolTip("Stop the sweep; finished points stay valid, Run again resumes.");
    m_statistic = new QComboBox;
    m_statistic->addItem("mean rate", static_cast<int>(figures::SweepStatistic::MeanRate));
    m_statistic->addItem("CV of ISIs", static_cast<int>(figures::SweepStatistic::MeanCv));
    m_statistic->addItem("correlation (CC)", static_cast<int>(figures::SweepStatistic::MeanCc));
    m_statistic->addItem("synchrony", static_cast<int>(figures::SweepStatistic::Synchrony));
    m_statistic->addItem("state", static_cast<int>(figures::SweepStatistic::State));
    m_population = new QComboBox;
    m_population->addItem("all populations", -1);
    for (int p = 0; p < kNumPops; ++p) m_population->addItem(popLabel(kPopNames[p]), p);
    m_exportFigure = new QPushButton("Export figure…");
    m_exportCsv = new QPushButton("Export CSV…");
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addSpacing(12);
    buttons->addWidget(new QLabel("Show"));
    buttons->addWidget(m_statistic);
    buttons->addWidget(m_population);
    buttons->addStretch(1);
    buttons->addWidget(m_exportFigure);
    buttons->addWidget(m_exportCsv);
    layout->addLayout(buttons);

    m_progress = new QProgressBar;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progressText = new QLabel("The live view pauses while a sweep runs (the sweep uses every core) and continues "
                                "when it ends or is cancelled.");
    m_progressText->setWordWrap(true);
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_progress);
    layout->addWidget(m_progressText);
    layout->addWidget(m_message);
    m_view = new SweepMapView;
    m_view->setPlaceholder("Choose two fields and their values, then Run: each cell of the map is one point of the "
                           "grid, filled as soon as its point is finished.");
    layout->addWidget(m_view, 1);
    m_hover = new QLabel("Hover over a cell for its numbers; click it to load its configuration into the live view.");
    m_hover->setWordWrap(true);
    m_hover->setTextFormat(Qt::RichText);
    layout->addWidget(m_hover);

    connect(m_run, &QPushButton::clicked, this, &SweepPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &SweepPanel::cancel);
    connect(m_exportFigure, &QPushButton::clicked, this, &SweepPanel::askExportFigure);
    connect(m_exportCsv, &QPushButton::clicked, this, &SweepPanel::askExportCsv);
    connect(m_statistic, &QComboBox::currentIndexChanged, this, &SweepPanel::refreshMap);
    connect(m_population, &QComboBox::currentIndexChanged, this, &SweepPanel::refreshMap);
    connect(m_runner, &SweepRunner::pointProgress, this, &SweepPanel::onPointProgress);
    connect(m_runner, &SweepRunner::finished, this, &SweepPanel::onFinished);
    connect(m_view, &SweepMapView::cellHovered, this, [this](int panel, int column, int row) {
        if (panel < 0) return;
        const QString text = cellText(panel, column, row);
        m_view->setCellText(text);
        m_hover->setText(text);
    });
    connect(m_view, &SweepMapView::cellClicked, this, [this](int panel, int column, int row) { loadCell(panel, column, row); });
    validateForm();
    updateButtons();
}

SweepPanel::~SweepPanel() = default;

void SweepPanel::setAxis(int axis, const QString& field, const QString& values) {
    m_axes[axis].field->setCurrentText(field);
    m_axes[axis].values->setText(values);
}
void SweepPanel::setSeeds(int seeds) { m_seeds->setValue(seeds); }
void SweepPanel::setScale(double scale) { m_scale->setValue(scale); }
void SweepPanel::setTimes(double presimMs, double simMs) {
    m_presim->setValue(presimMs);
    m_tsim->setValue(simMs);
}
void SweepPanel::setFolder(const QString& folder) { m_folder->setText(folder); }
void SweepPanel::setRecordSpikes(bool on) { m_record->setChecked(on); }
void SweepPanel::setStatistic(figures::SweepStatistic statistic) {
    m_statistic->setCurrentIndex(m_statistic->findData(static_cast<int>(statistic)));
}
void SweepPanel::setPopulation(int population) { m_population->setCurrentIndex(m_population->findData(population)); }
bool SweepPanel::isRunning() const { return m_runner->isRunning(); }
QString SweepPanel::message() const { return m_messageText; }

Config SweepPanel::baseConfig() const {
    Config c = m_controller->currentConfig();
    // The live view always builds thalamic synapses (forLiveUse); a sweep
    // point builds them only if the configuration asks for thalamic input.
    if (c.stim.thalamic_input && c.stim.th_start >= kNeverMs) {
        c.stim.thalamic_input = false;
        c.stim.th_start = Config{}.stim.th_start;
    }
    c.events.clear();
    c.net.N_scaling = c.net.K_scaling = m_scale->value();
    c.sim.t_presim = m_presim->value();
    c.sim.t_sim = m_tsim->value();
    c.sim.local_num_threads = 0; // threads say how, not what (as `sweep`)
    c.sim.rec_spikes = true;      // recording is the sweep's own setting (a loaded point may have had it off)
    return c;
}

SweepSpec SweepPanel::formSpec() const {
    SweepSpec spec;
    spec.base = baseConfig();
    spec.base.validate();
    for (const AxisRow& row : m_axes)
        spec.axes.push_back(parseSweepAxis((row.field->currentText().trimmed() + "=" + row.values->text().trimmed()).toStdString(),
                                           spec.base));
    // The base value of a swept field is never run; it is set to the axis'
    // first value so that the sweep (and resuming it) does not depend on the
    // live value of that field.
    for (const SweepAxis& axis : spec.axes)
        spec.base = applySet(spec.base, fieldSetJson(axis.field, axis.values.front()), "sweep panel", false);
    for (int k = 0; k < m_seeds->value(); ++k) spec.seeds.push_back(spec.base.sim.rng_seed + static_cast<std::uint64_t>(k));
    spec.record = m_record->isChecked();
    return spec;
}

void SweepPanel::validateForm() {
    bool ok = true;
    Config base;
    try {
        base = baseConfig();
    } catch (const std::exception&) {
    }
    for (AxisRow& row : m_axes) {
        try {
            const SweepAxis axis = parseSweepAxis(
                (row.field->currentText().trimmed() + "=" + row.values->text().trimmed()).toStdString(), base);
            row.count->setText(QString("%1 value%2").arg(axis.values.size()).arg(axis.values.size() == 1 ? "" : "s"));
            row.count->setStyleSheet({});
            row.count->setToolTip({});
        } catch (const std::exception& e) {
            ok = false;
            row.count->setText("invalid");
            row.count->setStyleSheet("color: #b00020; font-weight: bold;");
            row.count->setToolTip(QString::fromStdString(e.what()));
        }
    }
    if (ok && !m_messageText.isEmpty() && m_message->property("formError").toBool()) m_message->hide();
}

void SweepPanel::showMessage(const QString& text, bool error) {
    m_messageText = text;
    m_message->setText(text);
    m_message->setStyleSheet(error ? "QLabel { color: #b00020; font-weight: bold; }" : "");
    m_message->setProperty("formError", error);
    m_message->setVisible(!text.isEmpty());
}

void SweepPanel::updateButtons() {
    const bool running = m_runner->isRunning();
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_exportFigure->setEnabled(m_map.has_value());
    m_exportCsv->setEnabled(m_map.has_value());
    for (AxisRow& row : m_axes) {
        row.field->setEnabled(!running);
        row.values->setEnabled(!running);
    }
    for (QWidget* w : std::initializer_list<QWidget*>{m_seeds, m_scale, m_presim, m_tsim, m_folder, m_record})
        w->setEnabled(!running);
}

bool SweepPanel::run() {
    if (m_runner->isRunning()) return false;
    SweepSpec spec;
    std::vector<SweepPoint> points;
    std::string dir = m_folder->text().trimmed().toStdString();
    try {
        spec = formSpec();
        points = expandSweep(spec);
        figures::checkSweepMapAxes(spec.axes.size());
        if (dir.empty()) {
            QTemporaryDir tmp(QDir::tempPath() + "/microcircuit-sweep-XXXXXX");
            if (!tmp.isValid()) throw ConfigError("cannot create a temporary sweep folder in " + QDir::tempPath().toStdString());
            tmp.setAutoRemove(false);
            dir = tmp.path().toStdString();
        }
        prepareSweepFolder(dir, sweepToJson(spec, points), "Folder");
    } catch (const std::exception& e) {
        showMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    // Run again with the same folder: resume (the folder's finished points are kept).
    m_folder->setText(QString::fromStdString(dir));
    m_dir = dir;
    m_spec = spec;
    m_points = points;
    m_rows.clear();
    m_finished.assign(points.size(), false);
    m_done = 0;
    m_doneAtStart = -1;
    m_progress->setRange(0, static_cast<int>(points.size()));
    m_progress->setValue(0);
    refreshMap();
    showMessage({}, false);
    m_pausedLive = !m_controller->isPaused() && m_controller->hasNetwork();
    if (m_pausedLive) m_controller->pause();
    m_clock.start();
    m_runner->start(dir, spec, points);
    m_progressText->setText(QString("Sweep of %1 points in %2; the live view is paused until it ends.")
                                .arg(points.size())
                                .arg(QString::fromStdString(dir)));
    updateButtons();
    return true;
}

void SweepPanel::cancel() {
    if (!m_runner->isRunning()) return;
    m_runner->cancel();
    m_progressText->setText("Cancelling: the points running now stop at their next 100 ms…");
}

void SweepPanel::onPointProgress(int point, bool finished) {
    if (point < 0 || point >= static_cast<int>(m_points.size())) return;
    const SweepPoint& p = m_points[static_cast<std::size_t>(point)];
    if (!finished) {
        if (m_doneAtStart < 0) {
            m_doneAtStart = m_done;
            m_clock.restart(); // points found finished cost nothing: the ETA follows the points run now
        }
    } else if (!m_finished[static_cast<std::size_t>(point)]) {
        try {
            for (PointPopulationStats& s : readPointStatistics(m_dir, p)) m_rows.push_back({point, std::move(s)});
            m_finished[static_cast<std::size_t>(point)] = true;
            ++m_done;
        } catch (const std::exception& e) {
            showMessage(QString::fromStdString(e.what()), true);
        }
        refreshMap();
        if (m_finished[static_cast<std::size_t>(point)]) emit pointShown(point);
    }
    m_progress->setValue(m_done);
    QString text = QString("%1 of %2 points").arg(m_done).arg(m_points.size());
    const int ranNow = m_doneAtStart < 0 ? 0 : m_done - m_doneAtStart;
    if (ranNow > 0 && m_done < static_cast<int>(m_points.size()))
        text += ", ETA " + duration(m_clock.elapsed() / 1000.0 / ranNow * (static_cast<int>(m_points.size()) - m_done));
    QString label = QString("point %1").arg(p.index);
    for (std::size_t a = 0; a < m_spec.axes.size(); ++a)
        label += " " + QString::fromStdString(m_spec.axes[a].field) + "=" + valueText(p.values[a]);
    text += QString("; %1 %2 seed %3").arg(finished ? "finished" : "running", label).arg(p.seed);
    m_progressText->setText(text + ". The live view is paused until the sweep ends.");
}

void SweepPanel::onFinished(bool complete, bool cancelled, const QString& message) {
    if (m_pausedLive) m_controller->resume();
    m_pausedLive = false;
    m_progressText->setText(complete ? QString("Done: %1 points in %2.").arg(m_points.size()).arg(QString::fromStdString(m_dir))
                                     : QString("Stopped: %1 of %2 points finished.").arg(m_done).arg(m_points.size()));
    showMessage(message + (complete ? QString("\nFrom the command line: microcircuit sweep collect %1 --figures")
                                          .arg(QString::fromStdString(m_dir))
                                    : QString()),
                !complete && !cancelled);
    updateButtons();
    emit sweepFinished(complete);
}

void SweepPanel::refreshMap() {
    if (m_points.empty()) return;
    try {
        m_map = figures::buildSweepMap(m_spec, m_points, m_rows,
                                       static_cast<figures::SweepStatistic>(m_statistic->currentData().toInt()));
    } catch (const std::exception& e) {
        m_map.reset();
        showMessage(QString::fromStdString(e.what()), true);
    }
    const int pop = m_population->currentData().toInt();
    if (m_map && pop >= 0) m_view->setMap(figures::onePopulation(*m_map, static_cast<std::size_t>(pop)));
    else m_view->setMap(m_map);
    updateButtons();
}

int SweepPanel::populationOfPanel(int panel) const {
    const int pop = m_population->currentData().toInt();
    return pop >= 0 ? pop : panel;
}

std::vector<int> SweepPanel::cellPoints(int column, int row) const {
    std::vector<int> out;
    for (const SweepPoint& p : m_points) {
        const auto [c, r] = figures::sweepMapCellOf(m_spec, p);
        if (c == column && r == row) out.push_back(p.index);
    }
    return out;
}

QString SweepPanel::cellText(int panel, int column, int row) const {
    if (!m_map) return {};
    const int pop = populationOfPanel(panel);
    if (pop < 0 || pop >= kNumPops) return {};
    const std::vector<int> cell = cellPoints(column, row);
    if (cell.empty()) return {};
    const SweepPoint& first = m_points[static_cast<std::size_t>(cell.front())];
    QStringList where;
    for (std::size_t a = 0; a < m_spec.axes.size(); ++a)
        where << QString::fromStdString(m_spec.axes[a].field) + " = " + valueText(first.values[a]);
    QString text = "<b>" + where.join(", ") + "</b> — " + popLabel(kPopNames[pop]);
    for (int index : cell) {
        const SweepPoint& p = m_points[static_cast<std::size_t>(index)];
        text += QString("<br>point %1, seed %2: ").arg(p.index).arg(p.seed);
        bool found = false;
        for (const figures::SweepRow& r : m_rows)
            if (r.point == index && r.stats.population == kPopNames[pop]) {
                const PointPopulationStats& s = r.stats;
                text += QString("rate %1 Hz (sd %2), CV %3, CC %4, synchrony %5, %6")
                            .arg(num(s.meanRate, 2), num(s.stdRate, 2), num(s.meanCv, 2), num(s.meanCc, 4),
                                 num(s.synchrony, 4), stateName(s.state));
                found = true;
            }
        if (!found) text += "<i>not finished</i>";
    }
    return text + "<br><i>Click to load point " + QString::number(first.index) + " into the live view.</i>";
}

bool SweepPanel::loadCell(int panel, int column, int row) {
    if (!m_map) return false;
    const std::vector<int> cell = cellPoints(column, row);
    if (cell.empty() || panel < 0) return false;
    const SweepPoint& p = m_points[static_cast<std::size_t>(cell.front())];
    m_controller->rebuild(p.config);
    QString label;
    for (std::size_t a = 0; a < m_spec.axes.size(); ++a)
        label += " " + QString::fromStdString(m_spec.axes[a].field) + " = " + valueText(p.values[a]);
    showMessage(QString("Loaded point %1 (%2, seed %3, scale %4) into the live view%5.")
                    .arg(p.index)
                    .arg(label.trimmed())
                    .arg(p.seed)
                    .arg(p.config.net.N_scaling)
                    .arg(m_runner->isRunning() ? "; it stays paused until the sweep ends" : ""),
                false);
    emit pointLoaded(p.index);
    return true;
}

void SweepPanel::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, "Sweep folder", m_folder->text());
    if (!dir.isEmpty()) m_folder->setText(dir);
}

} // namespace mc::ui

namespace mc::ui {

QDockWidget* addSweepDock(QMainWindow& window, SimController* controller) {
    auto* dock = new QDockWidget("Sweep");
    dock->setObjectName("sweep");
    dock->setWidget(new SweepPanel(controller));
    dock->toggleViewAction()->setText("Sweep panel");
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    if (auto* other = window.findChild<QDockWidget*>("parameters")) window.tabifyDockWidget(other, dock);
    dock->hide();
    return dock;
}

} // namespace mc::ui

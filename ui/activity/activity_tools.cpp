#include "ui/activity/activity_tools.hpp"

#include "ui/activity/health_monitor.hpp"
#include "ui/activity/psth_panel.hpp"
#include "ui/activity/pulse_repeater.hpp"
#include "ui/activity/spectrum_panel.hpp"
#include "ui/charts/charts_panel.hpp"
#include "ui/controls/control_panel.hpp"
#include "ui/sim_controller.hpp"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QValueAxis>

#include <cmath>

namespace mc::ui {
namespace {

QMenu* menuNamed(QMainWindow& window, const QString& title) {
    for (QAction* a : window.menuBar()->actions())
        if (a->text() == title) return a->menu();
    return nullptr;
}

void startRepeat(QMainWindow& window, const ActivityTools& t) {
    RepeatPlan plan = t.repeater->plan();
    if (!askRepeatPlan(&window, plan)) return;
    QString why;
    if (!t.repeater->start(plan, &why)) {
        QMessageBox::information(&window, "Repeat", why);
        return;
    }
    t.psth->setLockKind(plan.kind);
    t.psthDock->show();
    t.psthDock->raise();
}

} // namespace

bool askRepeatPlan(QWidget* parent, RepeatPlan& plan) {
    QDialog dialog(parent);
    dialog.setWindowTitle("Repeat a stimulus");
    auto* form = new QFormLayout(&dialog);
    auto* kind = new QComboBox;
    kind->addItems({"thalamic pulse", "DC transient"});
    kind->setCurrentIndex(plan.kind == TimedEvent::Kind::ThalamicPulse ? 0 : 1);
    auto* period = new QDoubleSpinBox;
    period->setRange(PulseRepeater::kMinPeriodMs, 1e6);
    period->setDecimals(0);
    period->setSuffix(" ms");
    period->setValue(plan.periodMs);
    auto* count = new QSpinBox;
    count->setRange(1, 100000);
    count->setValue(std::max(1, plan.count));
    auto* untilStopped = new QCheckBox("until stopped");
    untilStopped->setChecked(plan.count == 0);
    QObject::connect(untilStopped, &QCheckBox::toggled, count, &QWidget::setDisabled);
    count->setDisabled(untilStopped->isChecked());
    auto* countRow = new QHBoxLayout;
    countRow->addWidget(count, 1);
    countRow->addWidget(untilStopped);
    auto* dur = new QDoubleSpinBox;
    dur->setRange(1.0, 1e5);
    dur->setDecimals(0);
    dur->setSuffix(" ms");
    dur->setValue(plan.dcDurationMs);
    QObject::connect(kind, &QComboBox::currentIndexChanged, dur, [dur](int i) { dur->setEnabled(i == 1); });
    dur->setEnabled(kind->currentIndex() == 1);
    form->addRow("Stimulus", kind);
    form->addRow("Every (onset to onset)", period);
    form->addRow("Times", countRow);
    form->addRow("DC transient duration", dur);
    auto* note = new QLabel("The first comes 100 ms from now, each one exactly on time; all are logged in the "
                            "session and marked on the raster. The PSTH panel averages the trials.");
    note->setWordWrap(true);
    form->addRow(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText("Start");
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return false;
    plan.kind = kind->currentIndex() == 0 ? TimedEvent::Kind::ThalamicPulse : TimedEvent::Kind::DcTransient;
    plan.periodMs = period->value();
    plan.count = untilStopped->isChecked() ? 0 : count->value();
    plan.dcDurationMs = dur->value();
    return true;
}

void ActivityTools::setTheme(const Theme& theme) const {
    psth->setTheme(theme);
    spectrum->setTheme(theme);
}

ActivityTools installActivityTools(QMainWindow& window, SimController* controller, ChartsPanel* charts,
                                   ControlPanel* controls) {
    ActivityTools t;
    t.repeater = new PulseRepeater(controller, &window);
    t.psth = new PsthPanel(controller);
    t.spectrum = new SpectrumPanel(controller);
    t.health = new HealthMonitor(controller, &window);

    t.psthDock = new QDockWidget("PSTH");
    t.psthDock->setObjectName("psth");
    t.psthDock->setWidget(t.psth);
    t.psthDock->toggleViewAction()->setText("PSTH (pulse-locked rates)");
    t.spectrumDock = new QDockWidget("Spectrum");
    t.spectrumDock->setObjectName("spectrum");
    t.spectrumDock->setWidget(t.spectrum);
    t.spectrumDock->toggleViewAction()->setText("Power spectra");
    window.addDockWidget(Qt::RightDockWidgetArea, t.psthDock);
    window.addDockWidget(Qt::RightDockWidgetArea, t.spectrumDock);
    t.psthDock->hide();
    t.spectrumDock->hide();
    QObject::connect(t.spectrumDock, &QDockWidget::visibilityChanged, t.spectrum, [s = t.spectrum](bool shown) {
        if (shown) s->refresh();
    });

    // Repeat… and its indicator under the stimuli.
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* repeat = new QPushButton("Repeat…");
    repeat->setToolTip("<p>Fires a thalamic pulse or a DC transient every T ms (default 1000), N times or until "
                       "stopped, for a PSTH averaged over the trials (View → PSTH). <b>Applies live</b>; each "
                       "stimulus is logged in the session and marked on the raster.</p>");
    t.repeatLabel = new QLabel;
    t.repeatLabel->setToolTip("Stimuli of the repeat applied so far");
    t.stopButton = new QPushButton("Stop");
    t.stopButton->setToolTip("Stops the repeat at once: the stimuli not yet given are dropped; those already given "
                             "stay (and stay in the PSTH).");
    t.stopButton->hide();
    layout->addWidget(repeat);
    layout->addWidget(t.repeatLabel, 1);
    layout->addWidget(t.stopButton);
    controls->addStimulusRow(row);
    QObject::connect(repeat, &QPushButton::clicked, &window, [&window, t] { startRepeat(window, t); });
    QObject::connect(t.stopButton, &QPushButton::clicked, t.repeater, &PulseRepeater::stop);
    QObject::connect(t.repeater, &PulseRepeater::changed, &window, [t] {
        t.repeatLabel->setText(t.repeater->statusText());
        t.repeatLabel->setStyleSheet(t.repeater->isActive() ? "QLabel { color: #0b6e2e; font-weight: bold; }" : "");
        t.stopButton->setVisible(t.repeater->isActive());
    });

    if (QMenu* sim = menuNamed(window, "&Simulation")) {
        sim->addSeparator();
        sim->addAction("Repeat stimulus…", &window, [&window, t] { startRepeat(window, t); });
        sim->addAction("Stop repeating", t.repeater, &PulseRepeater::stop);
    }
    if (QMenu* view = menuNamed(window, "&View")) {
        view->addSeparator();
        view->addAction(t.psthDock->toggleViewAction());
        view->addAction(t.spectrumDock->toggleViewAction());
        // Brings the band into view (lessons open it by the name "Health").
        QAction* health = view->addAction("Health check (mean-rate chart)", charts, [charts] {
            if (auto* tabs = charts->findChild<QTabWidget*>())
                for (int i = 0; i < tabs->count(); ++i)
                    if (tabs->tabText(i) == "Mean rates") tabs->setCurrentIndex(i);
        });
        health->setObjectName("health");
    }

    // The verdict in the status bar, the band on the mean-rate chart.
    t.healthLabel = new QLabel;
    // A long verdict (several populations) is cut at the bar's width; the tooltip has it whole.
    t.healthLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    window.statusBar()->insertWidget(0, t.healthLabel, 1);
    QChart* chart = charts->view(ChartKind::MeanRates)->chart();
    t.band = new HealthBand(chart, t.health);
    chart->scene()->addItem(t.band);
    QObject::connect(chart, &QChart::plotAreaChanged, t.band, [b = t.band] { b->relayout(); });
    for (QAbstractAxis* axis : chart->axes(Qt::Vertical))
        if (auto* v = qobject_cast<QValueAxis*>(axis))
            QObject::connect(v, &QValueAxis::rangeChanged, t.band, [b = t.band] { b->update(); });
    QObject::connect(t.health, &HealthMonitor::updated, &window, [t, charts] {
        const QString v = t.health->verdict();
        const bool bad = t.health->report() && !t.health->report()->healthy;
        t.healthLabel->setText(v.isEmpty() ? QString() : "Health: " + v);
        QString tip = "<p>Health check against the reference (NEST 3.9's rates for this scale and drive, ±30 %; "
                      "mean ISI CV 0.3–1.5; no synchrony), the verdict of <tt>microcircuit analyze</tt>.</p>";
        if (const auto& r = t.health->report()) {
            tip += QString("<p><b>%1</b></p><table><tr><th>pop</th><th>rate</th><th>ref.</th><th>CV</th><th>Fano</th>"
                           "<th>state</th></tr>")
                       .arg(v.toHtmlEscaped());
            for (const PopulationCheck& pc : r->populations)
                tip += QString("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                           .arg(QString::fromStdString(pc.name))
                           .arg(pc.health.meanRate, 0, 'f', 2)
                           .arg(std::isfinite(pc.referenceRate) ? QString::number(pc.referenceRate, 'f', 2) : "–")
                           .arg(std::isfinite(pc.meanCv) ? QString::number(pc.meanCv, 'f', 2) : "–")
                           .arg(pc.health.fano, 0, 'g', 3)
                           .arg(stateName(pc.health.state));
            tip += QString("</table><p>Spikes of %1–%2 s.</p>")
                       .arg(t.health->fromMs() / 1000.0, 0, 'f', 1)
                       .arg(t.health->toMs() / 1000.0, 0, 'f', 1);
        }
        t.healthLabel->setToolTip(tip);
        t.healthLabel->setStyleSheet(bad ? "QLabel { color: #b00000; font-weight: bold; }"
                                         : "QLabel { color: #0b6e2e; }");
        charts->setMeanRatesFloor(t.band->topHz());
        t.band->update();
    });
    return t;
}

} // namespace mc::ui

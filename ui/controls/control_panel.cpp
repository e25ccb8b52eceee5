#include "ui/controls/control_panel.hpp"

#include "ui/sim_controller.hpp"

#include "microcircuit/model.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace mc::ui {
namespace {

QDoubleSpinBox* spin(double lo, double hi, double step, int decimals, const QString& suffix) {
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setSingleStep(step);
    s->setDecimals(decimals);
    s->setSuffix(suffix);
    s->setKeyboardTracking(false); // apply when the value is committed, not per keystroke
    return s;
}

enum class Applies { Live, OnRebuild, RebuildsNow };

/// Tooltip: what the control is in the model, then how it takes effect.
QString tip(const QString& what, Applies applies) {
    const char* how = "";
    switch (applies) {
    case Applies::Live:
        how = "Applies live, at the next 1 ms boundary of model time.";
        break;
    case Applies::OnRebuild:
        how = "Rebuilds the network: takes effect when you press Rebuild.";
        break;
    case Applies::RebuildsNow:
        how = "Rebuilds the network at once.";
        break;
    }
    return "<p>" + what + "</p><p><b>" + how + "</b></p>";
}

} // namespace

ControlPanel::ControlPanel(SimController* controller, QWidget* parent) : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(runGroup());
    layout->addWidget(liveGroup());
    layout->addWidget(stimulusGroup());
    layout->addWidget(networkGroup());
    auto* reset = new QPushButton("Reset to defaults");
    reset->setToolTip(tip("Rebuilds the project's default network (scale 0.1, Poisson drive, seed 55, g = −4, "
                          "PSP 0.15 mV, 8 Hz) and returns to real-time speed.",
                          Applies::RebuildsNow));
    connect(reset, &QPushButton::clicked, this, &ControlPanel::resetRequested);
    layout->addWidget(reset);
    layout->addStretch(1);

    connect(controller, &SimController::built, this, &ControlPanel::syncFromBuild);
    // After a cancelled or failed build every control shows the network that runs.
    connect(controller, &SimController::buildFailed, this, &ControlPanel::syncFromBuild);
    connect(controller, &SimController::eventApplied, this, &ControlPanel::syncLive);
    connect(controller, &SimController::pausedChanged, this, &ControlPanel::syncPaused);
    connect(controller, &SimController::speedChanged, this, &ControlPanel::syncSpeed);
    connect(controller, &SimController::stateChanged, this, &ControlPanel::syncState);
    connect(controller, &SimController::sourceChanged, this, &ControlPanel::syncState);
    // Value boxes keep the keys they can use (digits, point, minus, arrows);
    // the window's shortcuts (Space, T, D, ...) work while they have focus.
    for (QWidget* w : findChildren<QAbstractSpinBox*>())
        w->installEventFilter(this);
    m_scale->installEventFilter(this);
    if (m_scale->lineEdit()) m_scale->lineEdit()->installEventFilter(this);
    syncFromBuild();
    syncState();
}

bool ControlPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        const Qt::KeyboardModifiers mods = key->modifiers() & ~(Qt::ShiftModifier | Qt::KeypadModifier);
        const bool letter = key->key() >= Qt::Key_A && key->key() <= Qt::Key_Z;
        if (mods == Qt::NoModifier && (letter || key->key() == Qt::Key_Space)) {
            // Never part of a number: leave the key to the window's shortcut.
            event->ignore();
            return true;
        }
    } else if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            // The box applies the value itself; then the keyboard goes back to the raster.
            QTimer::singleShot(0, this, &ControlPanel::editingDone);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ControlPanel::syncState() {
    const RunState s = m_controller->state();
    const bool network = s == RunState::Running || s == RunState::Paused;
    m_play->setEnabled(network);
    m_play->setText(s == RunState::Paused ? "Play" : "Pause");
    m_step->setEnabled(network);
    // A replayed recording has no engine to change (ui/replay/).
    const bool engine = network && !m_controller->isRecording();
    const QString why = m_controller->isRecording()
                            ? "Needs the engine: this window replays a recording. Rebuild (or \"Simulate this "
                              "configuration\" under the timeline) runs the recording's configuration live."
                            : QString();
    for (QWidget* box : {m_liveBox, m_stimulusBox}) {
        box->setEnabled(engine);
        box->setToolTip(why);
    }
}

QString ControlPanel::pendingText() const {
    return m_pending->text();
}

QString ControlPanel::stimulusNote() const {
    return m_stimulusNote->text();
}

void ControlPanel::schedulePulse() {
    const double at = m_thAt->value();
    const double now = m_controller->modelTimeMs();
    if (at < now) {
        m_stimulusNote->setText(QString("Not scheduled: %1 ms is already past (model time is %2 ms). "
                                        "Choose a later time, or use \"Thalamic pulse now\" (T).")
                                    .arg(at, 0, 'f', 0)
                                    .arg(now, 0, 'f', 0));
        return;
    }
    m_stimulusNote->setText(QString("Thalamic pulse scheduled at %1 ms.").arg(at, 0, 'f', 0));
    m_controller->fireThalamicPulse(at);
}

void ControlPanel::updatePending() {
    if (m_syncing) return;
    const Config& built = m_controller->config();
    const Config wanted = requestedConfig();
    QStringList changes;
    if (wanted.net.N_scaling != built.net.N_scaling || wanted.net.K_scaling != built.net.K_scaling)
        changes << QString("scale %1").arg(wanted.net.N_scaling);
    if (wanted.sim.rng_seed != built.sim.rng_seed) changes << QString("seed %1").arg(wanted.sim.rng_seed);
    if (wanted.net.bg_input_type != built.net.bg_input_type)
        changes << QString("%1 drive").arg(QString::fromStdString(wanted.net.bg_input_type));
    QString text;
    if (!changes.isEmpty() || !m_controller->hasNetwork()) {
        text = changes.isEmpty() ? QString("No network: press Rebuild to build one.")
                                 : QString("<b>Pending until Rebuild:</b> %1.").arg(changes.join(", "));
        try {
            const DerivedParams d = deriveParameters(wanted);
            const QString refusal = SimController::memoryRefusal(forLiveUse(wanted), 0);
            if (!refusal.isEmpty()) {
                text += " <span style='color:#a00000'>Rebuild will refuse it: " +
                        refusal.section(" Nothing was built", 0, 0).toHtmlEscaped() + "</span>";
            } else {
                const auto small = std::min_element(d.num_neurons.begin(), d.num_neurons.end());
                text += QString(" %1 neurons, about %2 MB.")
                            .arg(d.total_neurons)
                            .arg(estimateMemoryBytes(wanted, d, 1) / 1048576.0, 0, 'f', 0);
                if (*small < 10)
                    text += QString(" <span style='color:#a00000'>%1 has only %2 neurons: populations this small "
                                    "give unreliable rates and statistics.</span>")
                                .arg(kPopNames[small - d.num_neurons.begin()])
                                .arg(*small);
            }
        } catch (const std::exception& e) {
            text += " <span style='color:#a00000'>" + QString::fromStdString(e.what()).toHtmlEscaped() + "</span>";
        }
    } else if (built.net.K_scaling != built.net.N_scaling) {
        text = QString("Built with N_scaling %1, K_scaling %2.").arg(built.net.N_scaling).arg(built.net.K_scaling);
    }
    m_pending->setText(text);
}

QWidget* ControlPanel::runGroup() {
    auto* box = new QGroupBox("Run");
    auto* form = new QFormLayout(box);
    m_play = new QPushButton("Pause");
    m_play->setToolTip("<p>Pause or resume the simulation (<b>Space</b>). Pausing stops model time and "
                       "freezes the raster so it can be inspected (drag to pan, wheel to zoom).</p>"
                       "<p><b>Applies at once.</b></p>");
    connect(m_play, &QPushButton::clicked, m_controller, &SimController::togglePause);
    m_step = new QPushButton("Step 10 ms");
    m_step->setToolTip("<p>Advance the model by 10 ms (100 steps of 0.1 ms) and stop (<b>.</b>). "
                       "Works while paused.</p><p><b>Applies at once.</b></p>");
    connect(m_step, &QPushButton::clicked, this, &ControlPanel::step);
    auto* row = new QHBoxLayout;
    row->addWidget(m_play);
    row->addWidget(m_step);
    form->addRow(row);
    m_speed = new QComboBox;
    m_speed->addItems({"0.1× (slow motion)", "0.25×", "0.5×", "1× real time", "max (as fast as possible)"});
    m_speed->setCurrentIndex(3);
    m_speed->setToolTip("<p>Model time per wall-clock time. Real time: one second of model time per second. "
                        "Slow motion helps to follow single spikes; max runs the engine flat out "
                        "(the status bar shows the speed actually achieved).</p><p><b>Applies live.</b></p>");
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!m_syncing && i >= 0 && i < 5) m_controller->setSpeed(kSpeeds[i]);
    });
    form->addRow("Speed", m_speed);
    return box;
}

QWidget* ControlPanel::liveGroup() {
    auto* box = new QGroupBox("Live parameters");
    m_liveBox = box;
    auto* form = new QFormLayout(box);
    m_rate = spin(0.0, 40.0, 0.5, 2, " Hz");
    m_rate->setToolTip(tip("External drive rate <i>ν</i><sub>bg</sub>: rate of each of the K<sub>ext</sub> "
                           "cortico-cortical inputs of every neuron (model: 8 Hz). With Poisson drive it scales the "
                           "Poisson rate; with DC drive it scales the DC that stands in for the Poisson input "
                           "(the K-scaling compensation stays as built).",
                           Applies::Live));
    m_g = spin(-12.0, 0.0, 0.25, 2, "");
    m_g->setToolTip(tip("Relative inhibition <i>g</i>: inhibitory weight = g × excitatory weight "
                        "(model: −4). Applied as a factor g/g<sub>built</sub> on every inhibitory synapse.",
                        Applies::Live));
    m_psp = spin(0.0, 0.6, 0.01, 3, " mV");
    m_psp->setToolTip(tip("Mean excitatory PSP amplitude (model: 0.15 mV; L4E→L2/3E is twice that). "
                          "Applied as a factor PSP/PSP<sub>built</sub> on every excitatory weight, including "
                          "the external and thalamic inputs.",
                          Applies::Live));
    form->addRow("Drive rate", m_rate);
    form->addRow("Inhibition g", m_g);
    form->addRow("Exc. PSP", m_psp);
    connect(m_rate, &QDoubleSpinBox::valueChanged, this, [this] { applyLive("ν " + m_rate->text()); });
    connect(m_g, &QDoubleSpinBox::valueChanged, this, [this] { applyLive("g " + m_g->text()); });
    connect(m_psp, &QDoubleSpinBox::valueChanged, this, [this] { applyLive("PSP " + m_psp->text()); });
    return box;
}

QWidget* ControlPanel::stimulusGroup() {
    auto* box = new QGroupBox("Stimuli");
    m_stimulusBox = box;
    auto* form = new QFormLayout(box);
    auto* fire = new QPushButton("Thalamic pulse now");
    fire->setToolTip("<p>Fires the thalamic input (<b>T</b>): 902 thalamic neurons spike as Poisson trains at "
                     "120 Hz for 10 ms, projecting mainly to L4 and L6 (reference scaling).</p>"
                     "<p><b>Applies live</b>; marked on the raster.</p>");
    connect(fire, &QPushButton::clicked, this, &ControlPanel::fireThalamicNow);
    form->addRow(fire);
    m_thAt = spin(0.0, 1e7, 100.0, 0, " ms");
    m_thAt->setValue(700.0);
    auto* schedule = new QPushButton("Schedule");
    schedule->setToolTip("<p>Schedules a thalamic pulse at the given model time (the reference fires one at "
                         "700 ms). <b>Applies live.</b></p>");
    m_thAt->setToolTip(schedule->toolTip());
    connect(schedule, &QPushButton::clicked, this, &ControlPanel::schedulePulse);
    auto* row = new QHBoxLayout;
    row->addWidget(m_thAt, 1);
    row->addWidget(schedule);
    form->addRow("Pulse at", row);
    m_dcDur = spin(1.0, 10000.0, 10.0, 0, " ms");
    m_dcDur->setValue(100.0);
    auto* dc = new QPushButton("DC transient now");
    dc->setToolTip("<p>Adds a step current of 0.3 pA × K<sub>ext</sub> to every neuron for the given duration "
                   "(<b>D</b>; the reference's DC transient, normally 650–750 ms).</p><p><b>Applies live</b>; "
                   "marked on the raster.</p>");
    m_dcDur->setToolTip(dc->toolTip());
    connect(dc, &QPushButton::clicked, this, &ControlPanel::startDcTransientNow);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(m_dcDur, 1);
    row2->addWidget(dc);
    form->addRow("Duration", row2);
    m_stimulusNote = new QLabel;
    m_stimulusNote->setWordWrap(true);
    form->addRow(m_stimulusNote);
    return box;
}

void ControlPanel::addStimulusRow(QWidget* row) { static_cast<QFormLayout*>(m_stimulusBox->layout())->addRow(row); }

QWidget* ControlPanel::networkGroup() {
    auto* box = new QGroupBox("Network (rebuilds)");
    auto* form = new QFormLayout(box);
    m_scale = new QComboBox;
    m_scale->setEditable(true);
    m_scale->setInsertPolicy(QComboBox::NoInsert);
    m_scale->addItems({"0.01", "0.05", "0.1", "0.2", "0.5", "1"});
    m_scale->setValidator(
        new QDoubleValidator(0.001, 100.0, 4, m_scale)); // too large for memory: refused with the estimate
    m_scale->setToolTip(tip("Scale of the network: N_scaling (population sizes) and K_scaling (in-degrees) "
                            "together. 1 = full scale, 77,169 neurons and 0.3 billion synapses (about 1.3 GB, "
                            "tens of seconds to build). Below 1, weights are scaled by 1/√K and a DC "
                            "compensation keeps the mean input.",
                            Applies::OnRebuild));
    connect(m_scale, &QComboBox::currentTextChanged, this, [this] {
        if (!m_syncing) m_scaleEdited = true;
        updatePending();
    });
    form->addRow("Scale N, K", m_scale);
    m_seed = new QSpinBox;
    m_seed->setRange(0, 2147483647);
    m_seed->setToolTip(tip("Master seed of every random stream: connectivity, weights, delays, initial "
                           "potentials and Poisson drive. The same seed gives the same network and spikes.",
                           Applies::OnRebuild));
    auto* reseed = new QPushButton("Reseed");
    reseed->setToolTip(tip("Picks a new random seed (Ctrl+Shift+R).", Applies::RebuildsNow));
    connect(reseed, &QPushButton::clicked, this, &ControlPanel::reseed);
    auto* row = new QHBoxLayout;
    row->addWidget(m_seed, 1);
    row->addWidget(reseed);
    form->addRow("Seed", row);
    m_drive = new QComboBox;
    m_drive->addItems({"poisson", "dc"});
    m_drive->setToolTip(tip("External drive: independent Poisson spike trains (the original model, project "
                            "default) or a constant DC current (the reference package's default). At scale 0.1 "
                            "DC drive leaves most populations below rheobase: the network is silent.",
                            Applies::OnRebuild));
    form->addRow("Drive", m_drive);
    connect(m_seed, &QSpinBox::valueChanged, this, &ControlPanel::updatePending);
    connect(m_drive, &QComboBox::currentTextChanged, this, &ControlPanel::updatePending);
    auto* rebuildButton = new QPushButton("Rebuild");
    rebuildButton->setToolTip(tip("Builds a new network with these settings and the current live values "
                                  "(Ctrl+R). The window stays responsive; the build can be cancelled.",
                                  Applies::RebuildsNow));
    connect(rebuildButton, &QPushButton::clicked, this, &ControlPanel::rebuild);
    form->addRow(rebuildButton);
    m_pending = new QLabel;
    m_pending->setWordWrap(true);
    form->addRow(m_pending);
    return box;
}

Config ControlPanel::requestedConfig() const {
    Config c = m_controller->config();
    if (m_scaleEdited) {
        const double s = m_scale->currentText().toDouble();
        if (s > 0.0) c.net.N_scaling = c.net.K_scaling = s;
    }
    c.sim.rng_seed = static_cast<std::uint64_t>(m_seed->value());
    c.net.bg_input_type = m_drive->currentText().toStdString();
    c.net.bg_rate = m_rate->value();
    c.net.g = m_g->value();
    c.net.PSP_exc_mean = m_psp->value();
    return c;
}

void ControlPanel::rebuild() {
    m_controller->rebuild(requestedConfig());
}

void ControlPanel::reseed() {
    m_seed->setValue(static_cast<int>(QRandomGenerator::global()->bounded(1, 1000000)));
    rebuild();
}

void ControlPanel::step() {
    m_controller->step(10.0);
}
void ControlPanel::fireThalamicNow() {
    m_controller->fireThalamicPulse();
}
void ControlPanel::startDcTransientNow() {
    m_controller->startDcTransient(-1.0, m_dcDur->value());
}

void ControlPanel::applyLive(const QString& what) {
    if (m_syncing) return;
    m_controller->setLiveValues({m_psp->value(), m_g->value(), m_rate->value()}, what);
}

void ControlPanel::syncFromBuild() {
    m_syncing = true;
    const Config& c = m_controller->config();
    const QString scale = QString::number(c.net.N_scaling);
    m_scale->setCurrentText(scale); // N; a different K is kept unless the scale is edited
    m_scaleEdited = false;
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(c.sim.rng_seed, 2147483647)));
    m_drive->setCurrentText(QString::fromStdString(c.net.bg_input_type));
    // The stimulus settings return to the built configuration's (the reference's 700 ms pulse, 100 ms DC).
    m_thAt->setValue(c.stim.thalamic_input && c.stim.th_start < kNeverMs ? c.stim.th_start : 700.0);
    m_dcDur->setValue(c.stim.dc_transient ? c.stim.dc_transient_dur : 100.0);
    m_stimulusNote->clear();
    m_syncing = false;
    updatePending();
    syncLive();
}

void ControlPanel::syncLive() {
    m_syncing = true;
    const LiveValues v = m_controller->liveValues();
    m_rate->setValue(v.bgRateHz);
    m_g->setValue(v.g);
    m_psp->setValue(v.pspMv);
    m_syncing = false;
}

void ControlPanel::syncPaused(bool) {
    syncState();
}

void ControlPanel::syncSpeed(double speed) {
    m_syncing = true;
    for (int i = 0; i < 5; ++i)
        if (std::abs(kSpeeds[i] - speed) < 1e-9) m_speed->setCurrentIndex(i);
    m_syncing = false;
}

} // namespace mc::ui

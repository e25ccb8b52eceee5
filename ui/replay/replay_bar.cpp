#include "ui/replay/replay_bar.hpp"

#include "ui/replay/replay_player.hpp"
#include "ui/session.hpp"
#include "ui/sim_controller.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

struct SpeedChoice {
    const char* text;
    double speed; ///< controller speed; 0 = max
};
constexpr SpeedChoice kSpeeds[] = {{"0.1×", 0.1}, {"0.25×", 0.25}, {"0.5×", 0.5}, {"1×", 1.0},
                                   {"2×", 2.0},   {"5×", 5.0},     {"10×", 10.0}, {"max (50×)", 0.0}};

QString seconds(double ms) {
    return QString::number(ms / 1000.0, 'f', 3) + " s";
}

} // namespace

ReplayBar::ReplayBar(SimController* controller, ReplayPlayer* player, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_player(player) {
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 2, 0, 2);

    m_timeline = new QWidget;
    auto* row = new QHBoxLayout(m_timeline);
    row->setContentsMargins(0, 0, 0, 0);
    m_play = new QPushButton("Play");
    m_play->setToolTip("Play or pause the recording (Space)");
    m_step = new QPushButton("Step");
    m_step->setToolTip("Advance the recording by 10 ms (.)");
    m_speed = new QComboBox;
    for (const auto& s : kSpeeds)
        m_speed->addItem(s.text);
    m_speed->setToolTip("Recorded time per wall-clock time");
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setRange(0, kSliderSteps);
    m_slider->setMinimumWidth(120);
    m_slider->setToolTip("Drag to any time of the recording; the views show the window ending there");
    m_time = new QLabel;
    m_time->setMinimumWidth(QFontMetrics(font()).horizontalAdvance("0000.000 s / 0000.000 s") + 8);
    m_loop = new QCheckBox("Loop");
    m_loop->setToolTip("Repeat the window from … to … while playing");
    m_loopFrom = new QDoubleSpinBox;
    m_loopTo = new QDoubleSpinBox;
    for (QDoubleSpinBox* b : {m_loopFrom, m_loopTo}) {
        b->setDecimals(3);
        b->setSuffix(" s");
        b->setSingleStep(0.1);
    }
    m_events = new QComboBox;
    m_events->setToolTip("Recorded events (pulses, live changes) from the folder's log: choose one to jump to it");
    m_events->setMinimumContentsLength(10);
    m_events->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_simulate = new QPushButton("Simulate this configuration");
    m_simulate->setObjectName("simulate");
    m_simulate->setToolTip("Build the recording's configuration and run it live");
    // Two rows, so that the window keeps fitting a 1280-pixel screen.
    auto* rows = new QVBoxLayout;
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(2);
    row->addLayout(rows);
    auto* top = new QHBoxLayout;
    top->addWidget(m_play);
    top->addWidget(m_step);
    top->addWidget(m_speed);
    top->addWidget(m_slider, 1);
    top->addWidget(m_time);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_loop);
    bottom->addWidget(m_loopFrom);
    bottom->addWidget(new QLabel("to"));
    bottom->addWidget(m_loopTo);
    bottom->addSpacing(12);
    bottom->addWidget(m_events, 1);
    bottom->addWidget(m_simulate);
    rows->addLayout(top);
    rows->addLayout(bottom);

    m_loading = new QWidget;
    auto* lrow = new QHBoxLayout(m_loading);
    lrow->setContentsMargins(0, 0, 0, 0);
    m_loadLabel = new QLabel("Opening the recording…");
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_cancel = new QPushButton("Cancel");
    m_cancel->setToolTip("Stop reading the recording; what is shown now stays");
    lrow->addWidget(m_loadLabel);
    lrow->addWidget(m_progress, 1);
    lrow->addWidget(m_cancel);
    outer->addWidget(m_loading);
    outer->addWidget(m_timeline);
    m_loading->hide();

    connect(m_play, &QPushButton::clicked, controller, &SimController::togglePause);
    connect(m_step, &QPushButton::clicked, this, [this] { m_controller->step(10.0); });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!m_syncing && i >= 0) m_controller->setSpeed(kSpeeds[i].speed);
    });
    connect(controller, &SimController::speedChanged, this, [this](double s) {
        const auto* it = std::find_if(std::begin(kSpeeds), std::end(kSpeeds),
                                      [s](const SpeedChoice& c) { return std::abs(c.speed - s) < 1e-9; });
        if (it == std::end(kSpeeds)) return;
        m_syncing = true;
        m_speed->setCurrentIndex(static_cast<int>(it - std::begin(kSpeeds)));
        m_syncing = false;
    });
    connect(controller, &SimController::pausedChanged, this,
            [this](bool paused) { m_play->setText(paused ? "Play" : "Pause"); });
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        if (m_syncing) return;
        m_player->seek(m_player->endMs() * v / kSliderSteps);
    });
    connect(m_loop, &QCheckBox::toggled, this, &ReplayBar::applyLoop);
    connect(m_loopFrom, &QDoubleSpinBox::valueChanged, this, &ReplayBar::applyLoop);
    connect(m_loopTo, &QDoubleSpinBox::valueChanged, this, &ReplayBar::applyLoop);
    connect(m_events, &QComboBox::activated, this, [this](int i) {
        const QVariant t = m_events->itemData(i);
        if (!t.isValid()) return;
        // The event a little inside the right edge, so that what followed it shows too.
        m_player->seek(t.toDouble() + 200.0);
    });
    connect(m_simulate, &QPushButton::clicked, this, &ReplayBar::simulateRequested);
    connect(m_cancel, &QPushButton::clicked, player, &ReplayPlayer::cancelLoad);
    connect(player, &ReplayPlayer::timeChanged, this, &ReplayBar::syncTime);
    connect(player, &ReplayPlayer::loadProgress, this, [this](double f, const QString& file) {
        m_loading->show();
        m_timeline->setEnabled(false);
        m_progress->setValue(static_cast<int>(std::lround(f * 1000.0)));
        m_loadLabel->setText(file.isEmpty() ? "Opening the recording…" : "Reading " + file + "…");
    });
    connect(player, &ReplayPlayer::loaded, this, &ReplayBar::syncLoaded);
    connect(player, &ReplayPlayer::loadFailed, this, [this] {
        m_loading->hide();
        m_timeline->setEnabled(m_player->isActive());
    });
}

void ReplayBar::syncLoaded() {
    m_loading->hide();
    m_timeline->setEnabled(true);
    const Recording* r = m_player->recording();
    const double end = m_player->endMs();
    m_syncing = true;
    for (QDoubleSpinBox* b : {m_loopFrom, m_loopTo})
        b->setRange(0.0, end / 1000.0);
    m_loopFrom->setValue(0.0);
    m_loopTo->setValue(end / 1000.0);
    m_loop->setChecked(false);
    for (int i = 0; i < static_cast<int>(std::size(kSpeeds)); ++i)
        if (std::abs(kSpeeds[i].speed - m_controller->speed()) < 1e-9) m_speed->setCurrentIndex(i);
    m_play->setText(m_controller->isPaused() ? "Play" : "Pause");
    m_events->clear();
    const auto marked = m_controller->markedEvents();
    m_events->addItem(marked.empty() ? "No recorded events" : QString("Jump to event (%1)").arg(marked.size()));
    for (const TimedEvent& e : marked) {
        const double t = markerMs(e);
        m_events->addItem(seconds(t) + "  " + QString::fromStdString(e.label), t);
    }
    m_events->setEnabled(!marked.empty());
    m_simulate->setEnabled(r && r->configKnown);
    m_simulate->setToolTip(r && r->configKnown ? "Build the recording's configuration and run it live"
                                               : "The configuration of this recording is not known: " +
                                                     QString::fromStdString(r ? r->note : std::string()));
    m_syncing = false;
    syncTime(m_player->timeMs());
}

void ReplayBar::syncTime(double ms) {
    const double end = m_player->endMs();
    m_syncing = true;
    if (!m_slider->isSliderDown()) // the user's drag sets the value
        m_slider->setValue(end > 0.0 ? static_cast<int>(std::lround(ms / end * kSliderSteps)) : 0);
    m_syncing = false;
    m_time->setText(seconds(ms) + " / " + seconds(end));
}

void ReplayBar::applyLoop() {
    if (m_syncing) return;
    m_player->setLoop(m_loop->isChecked(), m_loopFrom->value() * 1000.0, m_loopTo->value() * 1000.0);
}

} // namespace mc::ui

#include "ui/lessons/lesson_runner.hpp"

#include "ui/main_window.hpp"
#include "ui/probes/probe_menu.hpp"
#include "ui/probes/probe_panel.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/config_io.hpp"

#include <QAction>
#include <algorithm>
#include <QChart>
#include <QChartView>
#include <QDockWidget>
#include <QMenu>
#include <QTabWidget>
#include <QTimer>

namespace mc::ui {
namespace {

QString plainName(QString s) {
    s.remove('&');
    s.remove(QChar(0x2026));
    s.remove("...");
    return s.trimmed().toLower();
}

/// Whether `candidate` names `key`: exactly, or as a whole word in it ("PSTH" in "PSTH panel").
int matchScore(const QString& candidate, const QString& key) {
    const QString c = plainName(candidate);
    if (c.isEmpty()) return 0;
    if (c == key) return 2;
    const qsizetype at = c.indexOf(key);
    if (at < 0) return 0;
    const auto boundary = [&](qsizetype i) { return i < 0 || i >= c.size() || !c[i].isLetterOrNumber(); };
    return boundary(at - 1) && boundary(at + key.size()) ? 1 : 0;
}

} // namespace

LessonRunner::LessonRunner(MainWindow* window, QObject* parent) : QObject(parent), m_window(window) {}

void LessonRunner::run(const std::vector<LessonAction>& actions) {
    ++m_generation;
    m_waiting = false;
    m_queue.assign(actions.begin(), actions.end());
    m_results.clear();
    m_busy = true;
    emit progressed();
    QTimer::singleShot(0, this, [this, g = m_generation] {
        if (g == m_generation) next();
    });
}

void LessonRunner::stop() {
    ++m_generation;
    m_queue.clear();
    m_results.clear();
    m_waiting = false;
    if (m_busy) {
        m_busy = false;
        emit finished();
    }
}

void LessonRunner::note(bool ok, const QString& line) {
    m_results << (ok ? QString::fromUtf8("\u2713 ") : QString::fromUtf8("\u26a0 ")) + line;
    emit progressed();
}

void LessonRunner::waitForBuild() {
    m_waiting = true;
    const int g = m_generation;
    auto* guard = new QObject(this);
    const auto resume = [this, guard, g](bool ok, const QString& why) {
        guard->deleteLater();
        if (g != m_generation) return;
        m_waiting = false;
        if (!ok) {
            note(false, "The network could not be built (" + why + "); the step's other actions were skipped.");
            m_queue.clear();
        }
        next();
    };
    SimController* c = m_window->controller();
    connect(c, &SimController::built, guard, [resume] { resume(true, {}); });
    connect(c, &SimController::buildFailed, guard, [resume, c](const QString& msg, bool) {
        if (!c->isBuilding()) resume(false, msg);
    });
}

void LessonRunner::next() {
    while (!m_queue.empty()) {
        if (m_window->controller()->isBuilding()) {
            waitForBuild();
            return;
        }
        const LessonAction a = m_queue.front();
        m_queue.pop_front();
        if (!perform(a)) {
            waitForBuild();
            return;
        }
    }
    m_busy = false;
    emit finished();
}

bool LessonRunner::perform(const LessonAction& a) {
    SimController* c = m_window->controller();
    const bool engine = c->hasNetwork() && !c->isRecording();
    const QString noNetwork = c->isRecording() ? "a recording is shown, not a simulation: load a configuration first"
                                               : "there is no network yet";
    switch (a.kind) {
    case LessonAction::Kind::Load: {
        Config config = MainWindow::defaultConfig();
        try {
            applyConfigJson(config, a.configJson, "lesson");
            config.validate();
        } catch (const std::exception& e) {
            note(false, QString("The configuration could not be loaded: %1").arg(e.what()));
            return true;
        }
        note(true, QString("Building the network: scale %1, in-degrees %2, %3 drive")
                       .arg(config.net.N_scaling)
                       .arg(config.net.K_scaling)
                       .arg(QString::fromStdString(config.net.bg_input_type)));
        const QString refusal = SimController::memoryRefusal(forLiveUse(config), 0);
        if (!refusal.isEmpty()) {
            note(false, "The network cannot be built on this machine: " + refusal);
            m_queue.clear();
            return true;
        }
        c->rebuild(config);
        return !c->isBuilding(); // wait for the network unless the build was refused at once
    }
    case LessonAction::Kind::Pulse: {
        if (!engine) {
            note(false, "No thalamic pulse: " + noNetwork + ".");
            return true;
        }
        const double at = c->modelTimeMs() + a.delayMs;
        c->fireThalamicPulse(a.delayMs > 0.0 ? at : -1.0);
        note(true, a.delayMs > 0.0 ? QString("Thalamic pulse scheduled at t = %1 ms.").arg(at, 0, 'f', 0)
                                   : QString("Thalamic pulse fired at t = %1 ms.").arg(at, 0, 'f', 0));
        return true;
    }
    case LessonAction::Kind::Set:
        if (!engine) {
            note(false, "No change: " + noNetwork + ".");
            return true;
        }
        c->applyChange(a.setJson, QString::fromStdString(a.label));
        note(true, "Changed live: " + QString::fromStdString(a.label) + " (marked on the raster's time axis).");
        return true;
    case LessonAction::Kind::Probe: {
        QString why;
        const QString pop = QString::fromStdString(a.population);
        const int neuron = engine ? probeNeuronOf(*c, pop, a.index, &why) : -1;
        if (!engine) why = noNetwork;
        if (neuron < 0 || !m_window->probePanel()->addProbe(neuron, &why)) {
            note(false, QString("No probe on %1 #%2: %3").arg(pop).arg(a.index).arg(why));
            return true;
        }
        note(true, QString("Following %1 #%2 (NEST id %3) in the probe panel under the raster.")
                       .arg(pop)
                       .arg(a.index)
                       .arg(neuron + 1));
        return true;
    }
    case LessonAction::Kind::Open: {
        QString what;
        note(openPanel(m_window, QString::fromStdString(a.panel), &what), what);
        return true;
    }
    case LessonAction::Kind::Speed:
        c->setSpeed(a.speed);
        note(true, a.speed > 0.0 ? QString("Speed %1× real time.").arg(a.speed) : QString("Speed: as fast as possible."));
        return true;
    case LessonAction::Kind::Pause:
        c->pause();
        note(true, "Paused.");
        return true;
    case LessonAction::Kind::Play:
        c->resume();
        note(true, "Running.");
        return true;
    }
    return true;
}

bool LessonRunner::openPanel(MainWindow* window, const QString& name, QString* what) {
    const QString key = plainName(name);
    for (int wanted : {2, 1}) {
        for (QDockWidget* d : window->findChildren<QDockWidget*>()) {
            if (std::max(matchScore(d->objectName(), key), matchScore(d->windowTitle(), key)) < wanted) continue;
            d->show();
            d->raise();
            *what = QString("Opened the %1 panel.").arg(d->windowTitle());
            return true;
        }
        for (QTabWidget* t : window->findChildren<QTabWidget*>()) {
            for (int i = 0; i < t->count(); ++i) {
                if (matchScore(t->tabText(i), key) < wanted) continue;
                t->setCurrentIndex(i);
                *what = QString("Showing the %1 tab.").arg(QString(t->tabText(i)).remove('&'));
                return true;
            }
        }
        // Charts laid out side by side (no tabs) are on screen already.
        for (QChartView* v : window->findChildren<QChartView*>()) {
            if (!v->chart() || matchScore(v->chart()->title(), key) < wanted) continue;
            for (QTabWidget* t : window->findChildren<QTabWidget*>()) {
                const int i = t->indexOf(v);
                if (i < 0) continue;
                t->setCurrentIndex(i); // charts share tabs in a short window
                *what = QString("Showing the %1 tab.").arg(QString(t->tabText(i)).remove('&'));
                return true;
            }
            if (!v->isVisible()) {
                *what = QString("The chart \"%1\" is not shown now (presentation mode shows two charts only).")
                            .arg(v->chart()->title());
                return false;
            }
            *what = QString("The chart \"%1\" is under the raster.").arg(v->chart()->title());
            return true;
        }
        for (QAction* a : window->findChildren<QAction*>()) {
            // Menu entries only by their exact name: "PSTH" must not trigger "Export PSTH as CSV…".
            if (a->menu() || std::max(matchScore(a->objectName(), key), matchScore(a->text(), key)) < 2) continue;
            const QString text = QString(a->text()).remove('&');
            if (!a->isEnabled()) {
                *what = QString("\"%1\" is not available now.").arg(text);
                return false;
            }
            if (!a->isCheckable() || !a->isChecked()) a->trigger();
            *what = QString("Opened \"%1\".").arg(text);
            return true;
        }
    }
    *what = QString("This version of the program has no panel or menu entry called \"%1\"; the step goes on "
                    "without it.")
                .arg(name);
    return false;
}

} // namespace mc::ui

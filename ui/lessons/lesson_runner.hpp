// Runs a lesson step's actions in the window, one after the other: a
// configuration to load waits for its network before the next action (a
// pulse, a probe) runs on it. Each action leaves one line saying what it
// did, or why it could not (a panel this version does not have, a neuron
// index beyond the population): a lesson goes on, it never stops the class.
#pragma once

#include "ui/lessons/lesson_file.hpp"

#include <QObject>
#include <QStringList>

#include <deque>

namespace mc::ui {

class MainWindow;

class LessonRunner : public QObject {
    Q_OBJECT
  public:
    explicit LessonRunner(MainWindow* window, QObject* parent = nullptr);

    /// Runs `actions` (dropping any not yet run of an earlier call).
    void run(const std::vector<LessonAction>& actions);
    /// Drops the actions not yet run and forgets the results of those run.
    void stop();
    bool isBusy() const { return m_busy; }
    /// One line per action run so far: "✓ …" done, "⚠ …" not possible.
    const QStringList& results() const { return m_results; }

    /// Finds a panel or menu entry by name (dock, chart tab or menu entry,
    /// case and "&"/"…" ignored) and shows or triggers it; `what` says what
    /// was done, or that nothing of that name exists.
    static bool openPanel(MainWindow* window, const QString& name, QString* what);

  signals:
    void progressed();
    void finished();

  private:
    void next();
    /// Runs one action; false if it waits for a build to end.
    bool perform(const LessonAction& a);
    void note(bool ok, const QString& line);
    void waitForBuild();

    MainWindow* m_window;
    std::deque<LessonAction> m_queue;
    QStringList m_results;
    bool m_busy = false;
    bool m_waiting = false;
    int m_generation = 0; ///< a run() while waiting makes the old wait's continuation stale
};

} // namespace mc::ui

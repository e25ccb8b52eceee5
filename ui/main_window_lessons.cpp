// The Lessons menu and the lesson dock: the bundled lessons
// (resources/lessons/*.json, one file each) and a teacher's own file.
#include "ui/main_window.hpp"

#include "ui/lessons/lesson_panel.hpp"

#include "microcircuit/errors.hpp"

#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QMenuBar>

namespace mc::ui {

std::vector<Lesson> MainWindow::bundledLessons(QString* error) {
    std::vector<Lesson> all;
    const QDir dir(":/lessons");
    for (const QString& name : dir.entryList({"*.json"}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        try {
            if (!f.open(QIODevice::ReadOnly)) throw ConfigError(name.toStdString() + ": cannot be read");
            for (Lesson& l : parseLessons(f.readAll().toStdString(), name.toStdString())) all.push_back(std::move(l));
        } catch (const std::exception& e) {
            if (error) *error += QString::fromStdString(e.what()) + "\n";
        }
    }
    return all;
}

void MainWindow::createLessonMenu() {
    m_lessonPanel = new LessonPanel(this);
    auto* dock = new QDockWidget("Lesson");
    dock->setObjectName("lessons");
    dock->setWidget(m_lessonPanel);
    dock->toggleViewAction()->setText("Lesson panel");
    addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    QString error;
    m_lessonPanel->setLessons(bundledLessons(&error), "bundled");
    if (!error.isEmpty()) showMessage(true, "A bundled lesson could not be read", error);

    QMenu* menu = menuBar()->addMenu("&Lessons");
    const std::vector<Lesson>& lessons = m_lessonPanel->lessons();
    for (int i = 0; i < static_cast<int>(lessons.size()); ++i) {
        QAction* a = menu->addAction(QString("%1. %2").arg(i + 1).arg(QString::fromStdString(lessons[i].title)), this,
                                     [this, dock, i] {
                                         if (m_lessonPanel->source() != "bundled") {
                                             m_lessonPanel->setLessons(bundledLessons(), "bundled");
                                         }
                                         dock->show();
                                         dock->raise();
                                         m_lessonPanel->startLesson(i);
                                     });
        a->setToolTip(QString::fromStdString(lessons[i].summary));
    }
    menu->setToolTipsVisible(true);
    menu->addSeparator();
    menu->addAction("Open lesson file…", this, [this] {
        const QString p = askOpenPath("Open lesson file (docs/lessons.md says how to write one)",
                                      "Lessons (*.json);;All files (*)");
        if (!p.isEmpty()) loadLessonsFrom(p);
    });
    menu->addAction(dock->toggleViewAction());
}

bool MainWindow::loadLessonsFrom(const QString& path) {
    std::vector<Lesson> lessons;
    try {
        lessons = readLessonFile(path.toStdString());
    } catch (const std::exception& e) {
        showMessage(true, "Could not open the lesson file", QString::fromStdString(e.what()));
        return false;
    }
    m_lessonPanel->setLessons(std::move(lessons), QFileInfo(path).fileName());
    if (auto* dock = findChild<QDockWidget*>("lessons")) {
        dock->show();
        dock->raise();
    }
    if (m_lessonPanel->lessons().size() == 1) m_lessonPanel->startLesson(0);
    return true;
}

} // namespace mc::ui

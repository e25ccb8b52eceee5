// The lesson panel (a dock): one lesson at a time, one step at a time — what
// to look at, what the program did for the step, a question for the class
// with its answer on request, Back and Next. "Large text" makes it readable
// from the back of a lecture hall; presentation mode turns it on.
#pragma once

#include "ui/lessons/lesson_file.hpp"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
QT_END_NAMESPACE

namespace mc::ui {

class LessonRunner;
class MainWindow;

class LessonPanel : public QWidget {
    Q_OBJECT
  public:
    explicit LessonPanel(MainWindow* window, QWidget* parent = nullptr);

    /// Replaces the lessons offered (the bundled ones, or a teacher's file named by `source`).
    void setLessons(std::vector<Lesson> lessons, const QString& source);
    const std::vector<Lesson>& lessons() const { return m_lessons; }
    const QString& source() const { return m_source; }

    /// Opens lesson `index` at its first step and runs that step's actions.
    void startLesson(int index);
    /// The next step (its actions run); on the last step, ends the lesson.
    void next();
    /// The step before, shown without running its actions again ("Do this step again" does).
    void back();
    void runStepAgain();
    void showAnswer();

    int lessonIndex() const { return m_lesson; }
    int stepIndex() const { return m_step; }
    bool answerShown() const;
    LessonRunner* runner() const { return m_runner; }
    /// What the panel shows of the step, as plain text (for tests and screen readers).
    QString stepText() const;

    void setLargeText(bool on);
    bool largeText() const;

  signals:
    void stepShown(int lesson, int step);

  private:
    void showStep(bool runActions);
    void updateResults();
    void applyFonts();

    MainWindow* m_window;
    LessonRunner* m_runner;
    std::vector<Lesson> m_lessons;
    QString m_source;
    int m_lesson = -1;
    int m_step = 0;
    QComboBox* m_choose;
    QCheckBox* m_large;
    QLabel* m_title;
    QLabel* m_stepTitle;
    QLabel* m_look;
    QLabel* m_results;
    QLabel* m_question;
    QPushButton* m_showAnswer;
    QLabel* m_answer;
    QPushButton* m_back;
    QPushButton* m_again;
    QPushButton* m_next;
};

} // namespace mc::ui

#include "ui/lessons/lesson_panel.hpp"

#include "ui/lessons/lesson_runner.hpp"
#include "ui/main_window.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTextDocument>
#include <QVBoxLayout>

namespace mc::ui {
namespace {

/// Plain text as HTML paragraphs (a blank line starts a new one).
QString paragraphs(const std::string& text) {
    QString html;
    for (const QString& p : QString::fromStdString(text).split("\n\n", Qt::SkipEmptyParts))
        html += "<p>" + p.trimmed().toHtmlEscaped().replace('\n', "<br>") + "</p>";
    return html;
}

QLabel* wrapped() {
    auto* l = new QLabel;
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QString toPlain(const QLabel* l) {
    QTextDocument d;
    d.setHtml(l->text());
    return d.toPlainText().trimmed();
}

} // namespace

LessonPanel::LessonPanel(MainWindow* window, QWidget* parent)
    : QWidget(parent), m_window(window), m_runner(new LessonRunner(window, this)) {
    m_choose = new QComboBox;
    m_choose->setToolTip("The lesson to teach; choosing one starts it at its first step");
    m_large = new QCheckBox("Large text");
    m_large->setToolTip("Text large enough to read on a projector (on in presentation mode, F11)");
    m_title = wrapped();
    m_stepTitle = wrapped();
    m_look = wrapped();
    m_results = wrapped();
    m_results->setStyleSheet("QLabel { color: #1d4d1d; }");
    m_question = wrapped();
    m_showAnswer = new QPushButton("Show the answer");
    m_answer = wrapped();
    m_answer->setStyleSheet("QLabel { background: #eef6e8; border: 1px solid #9cc68a; padding: 6px; }");
    m_back = new QPushButton(QString::fromUtf8("\u2190 Back"));
    m_again = new QPushButton("Do this step again");
    m_next = new QPushButton(QString::fromUtf8("Next \u2192"));
    m_back->setToolTip("The step before (its actions are not repeated; \"Do this step again\" repeats them)");
    m_again->setToolTip("Runs this step's actions again (loads its configuration, fires its pulse, ...)");
    m_next->setToolTip("The next step; its actions run at once");

    auto* top = new QHBoxLayout;
    top->addWidget(m_choose, 1);
    top->addWidget(m_large);
    auto* content = new QWidget;
    auto* text = new QVBoxLayout(content);
    for (QWidget* w : {static_cast<QWidget*>(m_title), static_cast<QWidget*>(m_stepTitle),
                       static_cast<QWidget*>(m_look), static_cast<QWidget*>(m_results),
                       static_cast<QWidget*>(m_question)})
        text->addWidget(w);
    text->addWidget(m_showAnswer, 0, Qt::AlignLeft);
    text->addWidget(m_answer);
    text->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_back);
    buttons->addWidget(m_again);
    buttons->addStretch(1);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    connect(m_choose, &QComboBox::activated, this, &LessonPanel::startLesson);
    connect(m_large, &QCheckBox::toggled, this, [this] { applyFonts(); });
    connect(m_showAnswer, &QPushButton::clicked, this, &LessonPanel::showAnswer);
    connect(m_back, &QPushButton::clicked, this, &LessonPanel::back);
    connect(m_again, &QPushButton::clicked, this, &LessonPanel::runStepAgain);
    connect(m_next, &QPushButton::clicked, this, &LessonPanel::next);
    connect(m_runner, &LessonRunner::progressed, this, &LessonPanel::updateResults);
    applyFonts();
    showStep(false);
}

void LessonPanel::setLessons(std::vector<Lesson> lessons, const QString& source) {
    m_runner->stop();
    m_lessons = std::move(lessons);
    m_source = source;
    m_lesson = -1;
    m_choose->clear();
    for (const Lesson& l : m_lessons) m_choose->addItem(QString::fromStdString(l.title));
    m_choose->setCurrentIndex(-1);
    m_choose->setPlaceholderText("Choose a lesson (" + source + ")");
    showStep(false);
}

void LessonPanel::startLesson(int index) {
    if (index < 0 || index >= static_cast<int>(m_lessons.size())) return;
    m_lesson = index;
    m_step = 0;
    m_choose->setCurrentIndex(index);
    showStep(true);
}

void LessonPanel::next() {
    if (m_lesson < 0) return;
    if (m_step + 1 >= static_cast<int>(m_lessons[m_lesson].steps.size())) {
        // The end: back to the choice, the network keeps running as it is.
        m_runner->stop();
        m_lesson = -1;
        m_choose->setCurrentIndex(-1);
        showStep(false);
        return;
    }
    ++m_step;
    showStep(true);
}

void LessonPanel::back() {
    if (m_lesson < 0 || m_step == 0) return;
    --m_step;
    m_runner->stop();
    showStep(false);
}

void LessonPanel::runStepAgain() {
    if (m_lesson >= 0) showStep(true);
}

void LessonPanel::showAnswer() {
    m_answer->show();
    m_showAnswer->hide();
}

bool LessonPanel::answerShown() const { return !m_answer->isHidden(); }

void LessonPanel::showStep(bool runActions) {
    const bool open = m_lesson >= 0;
    m_back->setEnabled(open && m_step > 0);
    m_again->setEnabled(open);
    m_next->setEnabled(open);
    m_answer->hide();
    if (!open) {
        m_title->setText(m_lessons.empty() ? "<b>No lessons</b>"
                                           : "<b>Lessons</b><p>Choose a lesson above. Each is a few steps: what to "
                                             "look at, what the program does for you, and a question for the class "
                                             "with its answer on request.</p>");
        for (QLabel* l : {m_stepTitle, m_look, m_results, m_question}) l->clear();
        m_showAnswer->hide();
        m_next->setText(QString::fromUtf8("Next \u2192"));
        return;
    }
    const Lesson& lesson = m_lessons[m_lesson];
    const LessonStep& step = lesson.steps[m_step];
    const int n = static_cast<int>(lesson.steps.size());
    m_title->setText("<b>" + QString::fromStdString(lesson.title).toHtmlEscaped() + "</b>" +
                     (m_step == 0 ? paragraphs(lesson.summary) : QString()));
    m_stepTitle->setText(QString("<b>Step %1 of %2: %3</b>")
                             .arg(m_step + 1)
                             .arg(n)
                             .arg(QString::fromStdString(step.title).toHtmlEscaped()));
    m_look->setText(paragraphs(step.look));
    const bool question = !step.question.empty();
    m_question->setText(question ? "<b>Question:</b> " + QString::fromStdString(step.question).toHtmlEscaped()
                                 : QString());
    m_answer->setText(paragraphs(step.answer));
    m_showAnswer->setVisible(question);
    m_next->setText(m_step + 1 == n ? QString("Finish") : QString::fromUtf8("Next \u2192"));
    m_again->setVisible(!step.actions.empty());
    if (runActions) {
        m_runner->run(step.actions);
    } else {
        m_runner->stop();
        m_results->clear();
    }
    emit stepShown(m_lesson, m_step);
}

void LessonPanel::updateResults() {
    QStringList lines;
    for (const QString& r : m_runner->results()) lines << r.toHtmlEscaped();
    m_results->setText(lines.join("<br>"));
}

QString LessonPanel::stepText() const {
    QStringList parts;
    for (const QLabel* l : {m_title, m_stepTitle, m_look, m_results, m_question})
        if (!l->text().isEmpty()) parts << toPlain(l);
    if (answerShown()) parts << toPlain(m_answer);
    return parts.join("\n");
}

void LessonPanel::setLargeText(bool on) { m_large->setChecked(on); }

bool LessonPanel::largeText() const { return m_large->isChecked(); }

void LessonPanel::applyFonts() {
    QFont f = m_window ? m_window->font() : font();
    f.setPointSizeF(largeText() ? 20.0 : 11.0);
    for (QWidget* w : {static_cast<QWidget*>(m_title), static_cast<QWidget*>(m_stepTitle),
                       static_cast<QWidget*>(m_look), static_cast<QWidget*>(m_results),
                       static_cast<QWidget*>(m_question), static_cast<QWidget*>(m_answer),
                       static_cast<QWidget*>(m_showAnswer), static_cast<QWidget*>(m_back),
                       static_cast<QWidget*>(m_again), static_cast<QWidget*>(m_next)})
        w->setFont(f);
    QFont title = f;
    title.setPointSizeF(f.pointSizeF() * 1.25);
    m_title->setFont(title);
    // Large type needs a wider column to keep a few words per line.
    setMinimumWidth(largeText() ? 480 : 320);
}

} // namespace mc::ui

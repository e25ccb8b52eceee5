// Lessons as data (docs/lessons.md): a lesson is a short sequence of steps,
// each with what to look at, actions the program performs when the step is
// entered (load a configuration, fire a thalamic pulse, change a live
// parameter, follow a neuron, open a panel), and a question for the class
// with its answer shown on request. Files are JSON so that a teacher writes
// one without compiling; reading checks every field and names the file, the
// lesson, the step and the field in its message. Qt-free.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mc::ui {

struct LessonAction {
    enum class Kind { Load, Pulse, Set, Probe, Open, Speed, Pause, Play };
    Kind kind = Kind::Pause;
    std::string configJson; ///< Load: a partial configuration on top of the program's defaults
    std::string setJson;    ///< Set: a partial configuration of live fields ({"net": {"g": -5}})
    std::string label;      ///< Set: how the change is logged and marked (default: the fields)
    double delayMs = 0.0;   ///< Pulse: model time after now at which it fires (0: at once)
    std::string population; ///< Probe: population name ("L4E")
    int index = 0;          ///< Probe: index within the population, from 0
    std::string panel;      ///< Open: a panel or menu entry, resolved when the step runs
    double speed = 1.0;     ///< Speed: model seconds per wall second, 0 = as fast as possible
};

struct LessonStep {
    std::string title;
    std::string look; ///< what to look at (plain text; blank lines separate paragraphs)
    std::vector<LessonAction> actions;
    std::string question; ///< may be empty
    std::string answer;   ///< shown on request; required with a question
};

struct Lesson {
    std::string title;
    std::string summary;
    std::vector<LessonStep> steps;
};

/// The action names of a file's "do" fields, in Kind order.
const std::vector<std::string>& lessonActionNames();
const char* lessonActionName(LessonAction::Kind kind);

/// Parses a lesson file's text; `origin` names it in messages. Throws
/// ConfigError: "<origin>: lesson 2 ("Title"), step 3, actions[0].do: "fire"
/// is not an action; allowed: load, pulse, ...".
std::vector<Lesson> parseLessons(std::string_view text, const std::string& origin);
/// Reads and parses a lesson file (mc::readInputFile: regular files only, bounded size).
std::vector<Lesson> readLessonFile(const std::string& path);

/// The "format" value every lesson file carries.
inline constexpr const char* kLessonFormat = "microcircuit-lessons";

} // namespace mc::ui

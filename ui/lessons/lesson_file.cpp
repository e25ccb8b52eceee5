#include "ui/lessons/lesson_file.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/params.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <initializer_list>

namespace mc::ui {

using nlohmann::ordered_json;

namespace {

/// Where a field is: "<origin>: lesson 2 ("Title"), step 3, " — the prefix of every message.
struct Place {
    std::string origin;
    int lesson = -1; ///< from 0; -1: the file itself
    std::string lessonTitle;
    int step = -1;

    std::string prefix() const {
        std::string s = origin + ": ";
        if (lesson >= 0) {
            s += "lesson " + std::to_string(lesson + 1);
            if (!lessonTitle.empty()) s += " (\"" + lessonTitle + "\")";
            s += ", ";
        }
        if (step >= 0) s += "step " + std::to_string(step + 1) + ", ";
        return s;
    }
    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw ConfigError(prefix() + field + ": " + what);
    }
};

std::string list(std::initializer_list<const char*> names) {
    std::string s;
    for (const char* n : names) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

/// Refuses keys that are not among `allowed` (a misspelt key would else be ignored).
void onlyKeys(const ordered_json& obj, std::initializer_list<const char*> allowed, const Place& at,
              const std::string& where) {
    for (const auto& [key, value] : obj.items()) {
        bool known = false;
        for (const char* a : allowed) known = known || key == a;
        if (!known)
            at.fail(where.empty() ? "\"" + key + "\"" : where + "." + key,
                    "unknown field; allowed here: " + list(allowed));
    }
}

std::string text(const ordered_json& obj, const char* key, const Place& at, const std::string& where, bool required) {
    const std::string field = where.empty() ? key : where + "." + key;
    if (!obj.contains(key)) {
        if (required) at.fail(field, "missing; it must be a text");
        return {};
    }
    const ordered_json& v = obj[key];
    if (!v.is_string()) at.fail(field, jsonExcerpt(v) + " is not a text (write it in double quotes)");
    std::string s = v.get<std::string>();
    if (required && s.find_first_not_of(" \t\n") == std::string::npos) at.fail(field, "must not be empty");
    return s;
}

double number(const ordered_json& obj, const char* key, const Place& at, const std::string& where, double lo,
              double hi, const char* allowed) {
    const std::string field = where + "." + key;
    if (!obj.contains(key)) at.fail(field, std::string("missing; it must be ") + allowed);
    const ordered_json& v = obj[key];
    if (!v.is_number()) at.fail(field, jsonExcerpt(v) + " is not a number; allowed: " + allowed);
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) at.fail(field, jsonExcerpt(v) + " is out of range; allowed: " + allowed);
    return x;
}

const ordered_json& object(const ordered_json& obj, const char* key, const Place& at, const std::string& where) {
    const std::string field = where + "." + key;
    if (!obj.contains(key)) at.fail(field, "missing; it must be an object such as {\"net\": {\"g\": -5}}");
    const ordered_json& v = obj[key];
    if (!v.is_object()) at.fail(field, jsonExcerpt(v) + " is not an object such as {\"net\": {\"g\": -5}}");
    return v;
}

/// The engine's own message, without its origin (the place already names it).
std::string engineReason(const std::exception& e, const std::string& origin) {
    std::string m = e.what();
    if (m.rfind(origin + ": ", 0) == 0) m.erase(0, origin.size() + 2);
    return m;
}

LessonAction parseAction(const ordered_json& a, const Place& at, const std::string& where) {
    if (!a.is_object())
        at.fail(where, jsonExcerpt(a) + " is not an action; an action is an object such as {\"do\": \"pulse\"}");
    LessonAction out;
    const std::string kind = text(a, "do", at, where, true);
    const auto& names = lessonActionNames();
    std::size_t k = 0;
    while (k < names.size() && names[k] != kind) ++k;
    if (k == names.size()) {
        std::string allowed;
        for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
        at.fail(where + ".do", "\"" + kind + "\" is not an action; allowed: " + allowed);
    }
    out.kind = static_cast<LessonAction::Kind>(k);
    switch (out.kind) {
    case LessonAction::Kind::Load: {
        onlyKeys(a, {"do", "config"}, at, where);
        const ordered_json& cfg = object(a, "config", at, where);
        out.configJson = cfg.dump();
        Config c;
        try {
            applyConfigJson(c, out.configJson, at.origin);
            c.validate();
        } catch (const std::exception& e) {
            at.fail(where + ".config", engineReason(e, at.origin));
        }
        break;
    }
    case LessonAction::Kind::Pulse:
        onlyKeys(a, {"do", "in_ms"}, at, where);
        if (a.contains("in_ms"))
            out.delayMs = number(a, "in_ms", at, where, 0.0, 1e6, "a delay in ms from 0 to 1000000");
        break;
    case LessonAction::Kind::Set: {
        onlyKeys(a, {"do", "set", "label"}, at, where);
        const ordered_json& set = object(a, "set", at, where);
        out.setJson = set.dump();
        out.label = text(a, "label", at, where, false);
        try {
            // The program's defaults stand in for the network the step will run on.
            applySet(Config{}, out.setJson, at.origin, true);
        } catch (const std::exception& e) {
            at.fail(where + ".set", engineReason(e, at.origin) +
                                        " (a step changes only fields that apply live; load a configuration for "
                                        "the others)");
        }
        if (out.label.empty()) out.label = jsonExcerpt(set, 80);
        break;
    }
    case LessonAction::Kind::Probe: {
        onlyKeys(a, {"do", "population", "index"}, at, where);
        out.population = text(a, "population", at, where, true);
        bool known = false;
        std::string pops;
        for (const char* p : kPopNames) {
            known = known || out.population == p;
            pops += (pops.empty() ? "" : ", ") + std::string(p);
        }
        if (!known) at.fail(where + ".population", "\"" + out.population + "\" is not a population; allowed: " + pops);
        out.index = 0;
        if (a.contains("index")) {
            const ordered_json& v = a["index"];
            if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 1'000'000)
                at.fail(where + ".index", jsonExcerpt(v) + " is not allowed; allowed: a whole number from 0 (the "
                                                           "population's first neuron)");
            out.index = static_cast<int>(v.get<std::int64_t>());
        }
        break;
    }
    case LessonAction::Kind::Open:
        onlyKeys(a, {"do", "panel"}, at, where);
        out.panel = text(a, "panel", at, where, true);
        break;
    case LessonAction::Kind::Speed:
        onlyKeys(a, {"do", "value"}, at, where);
        out.speed = number(a, "value", at, where, 0.0, 100.0,
                           "model seconds per wall second from 0 to 100 (1 = real time, 0 = as fast as possible)");
        break;
    case LessonAction::Kind::Pause:
    case LessonAction::Kind::Play:
        onlyKeys(a, {"do"}, at, where);
        break;
    }
    return out;
}

LessonStep parseStep(const ordered_json& s, Place at) {
    if (!s.is_object()) at.fail("the step", jsonExcerpt(s) + " is not an object with \"title\", \"look\", ...");
    onlyKeys(s, {"title", "look", "actions", "question", "answer"}, at, "");
    LessonStep out;
    out.title = text(s, "title", at, "", true);
    out.look = text(s, "look", at, "", true);
    out.question = text(s, "question", at, "", false);
    out.answer = text(s, "answer", at, "", false);
    if (!out.question.empty() && out.answer.empty())
        at.fail("answer", "missing; a step with a question needs its answer (shown when asked for)");
    if (out.question.empty() && !out.answer.empty()) at.fail("question", "missing; an answer needs its question");
    if (s.contains("actions")) {
        const ordered_json& acts = s["actions"];
        if (!acts.is_array()) at.fail("actions", jsonExcerpt(acts) + " is not a list of actions ([{\"do\": ...}])");
        for (std::size_t i = 0; i < acts.size(); ++i)
            out.actions.push_back(parseAction(acts[i], at, "actions[" + std::to_string(i) + "]"));
    }
    return out;
}

} // namespace

const std::vector<std::string>& lessonActionNames() {
    static const std::vector<std::string> names = {"load", "pulse", "set", "probe", "open", "speed", "pause", "play"};
    return names;
}

const char* lessonActionName(LessonAction::Kind kind) {
    return lessonActionNames()[static_cast<std::size_t>(kind)].c_str();
}

std::vector<Lesson> parseLessons(std::string_view text_, const std::string& origin) {
    const ordered_json doc = parseJson(text_, origin);
    Place at;
    at.origin = origin;
    if (!doc.is_object()) at.fail("the file", "is not a JSON object with \"format\" and \"lessons\"");
    onlyKeys(doc, {"format", "lessons"}, at, "");
    const std::string format = text(doc, "format", at, "", true);
    if (format != kLessonFormat)
        at.fail("format", "\"" + format + "\" is not allowed; allowed: \"" + kLessonFormat + "\"");
    if (!doc.contains("lessons") || !doc["lessons"].is_array() || doc["lessons"].empty())
        at.fail("lessons", "missing or empty; it must be a list of lessons");
    std::vector<Lesson> out;
    const ordered_json& all = doc["lessons"];
    for (std::size_t i = 0; i < all.size(); ++i) {
        at.lesson = static_cast<int>(i);
        at.lessonTitle.clear();
        at.step = -1;
        const ordered_json& l = all[i];
        if (!l.is_object()) at.fail("the lesson", jsonExcerpt(l) + " is not an object with \"title\" and \"steps\"");
        if (l.contains("title") && l["title"].is_string()) at.lessonTitle = l["title"].get<std::string>();
        onlyKeys(l, {"title", "summary", "steps"}, at, "");
        Lesson lesson;
        lesson.title = text(l, "title", at, "", true);
        lesson.summary = text(l, "summary", at, "", false);
        if (!l.contains("steps") || !l["steps"].is_array() || l["steps"].empty())
            at.fail("steps", "missing or empty; a lesson is a list of at least one step");
        for (std::size_t k = 0; k < l["steps"].size(); ++k) {
            at.step = static_cast<int>(k);
            lesson.steps.push_back(parseStep(l["steps"][k], at));
        }
        out.push_back(std::move(lesson));
    }
    return out;
}

std::vector<Lesson> readLessonFile(const std::string& path) {
    const std::string name = path.substr(path.find_last_of('/') + 1);
    return parseLessons(readInputFile(path), name);
}

} // namespace mc::ui

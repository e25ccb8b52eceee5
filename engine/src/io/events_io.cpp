#include "events_io.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/json_read.hpp"

#include <cmath>

namespace mc::detail {
namespace {

using nlohmann::ordered_json;

std::string shown(const ordered_json& j) { return jsonExcerpt(j); }

double number(const ordered_json& e, const char* key, const std::string& where) {
    const ordered_json& v = e.at(key);
    if (!v.is_number()) throw ConfigError(where + "." + key + ": expected a number (ms), got " + shown(v));
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < 0.0 || x > 1e9)
        throw ConfigError(where + "." + key + " = " + shown(v) + " is not allowed: must be >= 0 and <= 1e9 ms");
    return x;
}

const char* kindName(TimedEvent::Kind k) {
    switch (k) {
    case TimedEvent::Kind::ThalamicPulse:
        return "thalamic_pulse";
    case TimedEvent::Kind::DcTransient:
        return "dc_transient";
    default:
        return "set";
    }
}

} // namespace

std::vector<TimedEvent> eventsFromJson(const ordered_json& list, const Config& config, const std::string& origin) {
    if (!list.is_array()) throw ConfigError(origin + ": events: expected a list, got " + shown(list));
    std::vector<TimedEvent> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const ordered_json& e = list[i];
        const std::string where = origin + ": events[" + std::to_string(i) + "]";
        if (!e.is_object()) throw ConfigError(where + ": expected an object, got " + shown(e));
        TimedEvent ev;
        if (!e.contains("t_ms")) throw ConfigError(where + ": missing \"t_ms\" (when it applies, in ms)");
        ev.t_ms = number(e, "t_ms", where);
        std::string kind = e.contains("set") ? "set" : "";
        if (e.contains("kind")) {
            if (!e.at("kind").is_string()) throw ConfigError(where + ".kind: expected a string, got " + shown(e.at("kind")));
            kind = e.at("kind").get<std::string>();
        }
        if (kind == "set") ev.kind = TimedEvent::Kind::Set;
        else if (kind == "thalamic_pulse") ev.kind = TimedEvent::Kind::ThalamicPulse;
        else if (kind == "dc_transient") ev.kind = TimedEvent::Kind::DcTransient;
        else
            throw ConfigError(where + ".kind = \"" + kind.substr(0, 40) +
                              "\" is not allowed: must be \"set\", \"thalamic_pulse\" or \"dc_transient\"");
        ev.start_ms = e.contains("start_ms") ? number(e, "start_ms", where) : ev.t_ms;
        ev.duration_ms = e.contains("duration_ms") ? number(e, "duration_ms", where) : config.stim.dc_transient_dur;
        if (e.contains("label")) {
            if (!e.at("label").is_string()) throw ConfigError(where + ".label: expected a string, got " + shown(e.at("label")));
            ev.label = e.at("label").get<std::string>();
        }
        for (auto it = e.begin(); it != e.end(); ++it) {
            const std::string& k = it.key();
            const bool known = k == "t_ms" || k == "kind" || k == "label" || k == "set" ||
                               (ev.kind != TimedEvent::Kind::Set && k == "start_ms") ||
                               (ev.kind == TimedEvent::Kind::DcTransient && k == "duration_ms");
            if (!known) throw ConfigError(where + ": unknown key \"" + k.substr(0, 40) + "\" for a " + kind + " event");
        }
        if (ev.kind == TimedEvent::Kind::Set) {
            if (!e.contains("set") || !e.at("set").is_object())
                throw ConfigError(where + ".set: expected the changed fields as an object, e.g. {\"net\": {\"g\": -5}}");
            ev.set = e.at("set").dump();
        } else if (e.contains("set")) {
            throw ConfigError(where + ": a " + kind + " event has no \"set\"");
        }
        out.push_back(std::move(ev));
    }
    return out;
}

ordered_json eventsToJson(const std::vector<TimedEvent>& events) {
    ordered_json list = ordered_json::array();
    for (const TimedEvent& e : events) {
        ordered_json j;
        j["t_ms"] = e.t_ms;
        if (e.kind == TimedEvent::Kind::Set) {
            j["set"] = ordered_json::parse(e.set);
        } else {
            j["kind"] = kindName(e.kind);
            j["start_ms"] = e.start_ms;
            if (e.kind == TimedEvent::Kind::DcTransient) j["duration_ms"] = e.duration_ms;
        }
        if (!e.label.empty()) j["label"] = e.label;
        list.push_back(std::move(j));
    }
    return list;
}

} // namespace mc::detail

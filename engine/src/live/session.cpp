// Sessions as a configuration plus its timed events (session.hpp).
#include "microcircuit/session.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace mc {
namespace {

using nlohmann::ordered_json;

constexpr int kVersion = 2;

std::string shown(const ordered_json& j) {
    std::string s = j.dump();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

double number(const ordered_json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) throw ConfigError(where + ": missing field '" + key + "'");
    if (!j.at(key).is_number()) throw ConfigError(where + "." + key + ": expected a number, got " + shown(j.at(key)));
    return j.at(key).get<double>();
}

/// Version 1: {"step", "kind": "live" | "thalamic_pulse" | "dc_transient",
/// live factors relative to the built configuration, or start/duration}.
std::vector<TimedEvent> eventsFromVersion1(const ordered_json& list, const Config& built, const std::string& origin) {
    if (!list.is_array()) throw ConfigError(origin + ": missing list 'events'");
    const double h = built.sim.sim_resolution;
    std::vector<TimedEvent> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const ordered_json& j = list[i];
        const std::string where = origin + ": events[" + std::to_string(i) + "]";
        if (!j.is_object()) throw ConfigError(where + ": expected an object");
        const double step = number(j, "step", where);
        if (!(step >= 0.0 && step <= 1e12)) throw ConfigError(where + ".step = " + shown(j.at("step")) + " is out of range");
        TimedEvent e;
        e.t_ms = step * h;
        const std::string kind = j.contains("kind") && j.at("kind").is_string() ? j.at("kind").get<std::string>() : "";
        if (j.contains("label") && j.at("label").is_string()) e.label = j.at("label").get<std::string>();
        if (kind == "live") {
            const double exc = number(j, "exc_weight_factor", where), inh = number(j, "inh_weight_factor", where);
            const double rate = number(j, built.net.bg_input_type == "poisson" ? "bg_rate_factor" : "dc_factor", where);
            for (double f : {exc, inh, rate})
                if (!(f >= 0.0 && f <= 100.0))
                    throw ConfigError(where + ": live factor " + std::to_string(f) + " is outside [0, 100]");
            ordered_json set;
            set["net"]["PSP_exc_mean"] = built.net.PSP_exc_mean * exc;
            set["net"]["g"] = built.net.g * inh;
            set["net"]["bg_rate"] = built.net.bg_rate * rate;
            e.kind = TimedEvent::Kind::Set;
            e.set = set.dump();
        } else if (kind == "thalamic_pulse" || kind == "dc_transient") {
            e.kind = kind == "dc_transient" ? TimedEvent::Kind::DcTransient : TimedEvent::Kind::ThalamicPulse;
            e.start_ms = number(j, "start_ms", where);
            e.duration_ms = number(j, "duration_ms", where);
            if (!(e.start_ms >= 0.0 && e.duration_ms >= 0.0 && e.duration_ms <= 1e6))
                throw ConfigError(where + ": start_ms/duration_ms out of range");
        } else {
            throw ConfigError(where + ".kind: unknown event kind '" + kind.substr(0, 40) +
                              "' (allowed: live, thalamic_pulse, dc_transient)");
        }
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace

Config Session::withEvents() const {
    Config c = config;
    c.events = events;
    return c;
}

std::string sessionToJson(const Session& session) {
    ordered_json doc;
    doc["format"] = "microcircuit-session";
    doc["version"] = kVersion;
    doc["config"] = ordered_json::parse(configToJson(session.withEvents()));
    doc["end_step"] = session.endStep;
    return doc.dump(2) + "\n";
}

Session sessionFromJson(std::string_view text, const std::string& origin) {
    ordered_json doc;
    try {
        doc = ordered_json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        throw ConfigError(origin + ": not valid JSON (" + e.what() + ")");
    }
    if (!doc.is_object() || !doc.contains("format") || doc.at("format") != "microcircuit-session")
        throw ConfigError(origin + ": not a microcircuit session (expected \"format\": \"microcircuit-session\")");
    if (!doc.contains("version") || !doc.at("version").is_number_integer())
        throw ConfigError(origin + ": missing field 'version'");
    const auto version = doc.at("version").get<std::int64_t>();
    if (version != 1 && version != kVersion)
        throw ConfigError(origin + ": session version " + std::to_string(version) +
                          " is not supported (this program reads versions 1 and 2; a newer microcircuit wrote it?)");
    if (!doc.contains("config") || !doc.at("config").is_object())
        throw ConfigError(origin + ": missing object 'config'");
    if (!doc.contains("end_step") || !doc.at("end_step").is_number_integer() || doc.at("end_step").get<std::int64_t>() < 0)
        throw ConfigError(origin + ": missing field 'end_step' (a whole number of steps, >= 0)");

    Session s;
    applyConfigJson(s.config, doc.at("config").dump(), origin + " (config)");
    try {
        s.config.validate();
    } catch (const ConfigError& e) {
        throw ConfigError(origin + " (config): " + e.what());
    }
    s.endStep = doc.at("end_step").get<std::int64_t>();
    if (version == 1) {
        if (s.config.events.size()) throw ConfigError(origin + ": a version 1 session keeps its events outside 'config'");
        if (!doc.contains("events")) throw ConfigError(origin + ": missing list 'events'");
        s.config.events = eventsFromVersion1(doc.at("events"), s.config, origin);
    } else if (doc.contains("events")) {
        throw ConfigError(origin + ": a version 2 session keeps its events in config.events");
    }
    try {
        s.config.validate();
        validateEvents(s.config);
    } catch (const ConfigError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
    s.events = std::move(s.config.events);
    s.config.events.clear();
    return s;
}

Session readSessionFile(const std::string& path) { return sessionFromJson(readTextFile(path), path); }

} // namespace mc

// Sessions as a configuration plus its timed events (session.hpp).
#include "microcircuit/session.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/live.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace mc {
namespace {

using nlohmann::ordered_json;

constexpr int kVersion = 2;
// Largest step a session may name: 1e9 ms (the longest run) at 0.001 ms steps.
constexpr std::int64_t kMaxStep = 1'000'000'000'000;

const ordered_json& member(const ordered_json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) throw ConfigError(where + ": missing field \"" + key + "\"");
    return j.at(key);
}

std::int64_t stepField(const ordered_json& j, const char* key, const std::string& where) {
    const ordered_json& v = member(j, key, where);
    const bool integral = v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    const double x = v.is_number() ? v.get<double>() : 0.0;
    if (!integral || x < 0.0 || x > static_cast<double>(kMaxStep))
        throw ConfigError(where + "." + key + " = " + jsonExcerpt(v) +
                          " is not allowed: must be a whole number of steps from 0 to 1e12");
    return v.is_number_unsigned() ? static_cast<std::int64_t>(v.get<std::uint64_t>())
           : v.is_number_integer() ? v.get<std::int64_t>()
                                   : static_cast<std::int64_t>(x);
}

double numberField(const ordered_json& j, const char* key, const std::string& where, double lo, double hi) {
    const ordered_json& v = member(j, key, where);
    if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi)) {
        char range[96];
        std::snprintf(range, sizeof range, "must be a number from %g to %g", lo, hi);
        throw ConfigError(where + "." + key + " = " + jsonExcerpt(v) + " is not allowed: " + range);
    }
    return v.get<double>();
}

std::string stringField(const ordered_json& j, const char* key, const std::string& where) {
    const ordered_json& v = member(j, key, where);
    if (!v.is_string())
        throw ConfigError(where + "." + key + ": expected a string, got " + std::string(v.type_name()) + " " +
                          jsonExcerpt(v));
    return v.get<std::string>();
}

/// Version 1: {"step", "kind": "live" | "thalamic_pulse" | "dc_transient",
/// live factors relative to the built configuration, or start/duration}.
std::vector<TimedEvent> eventsFromVersion1(const ordered_json& list, const Config& built, const std::string& origin) {
    const double h = built.sim.sim_resolution;
    std::vector<TimedEvent> out;
    std::int64_t last = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const ordered_json& j = list[i];
        const std::string where = origin + ": events[" + std::to_string(i) + "]";
        if (!j.is_object()) throw ConfigError(where + ": expected an object, got " + jsonExcerpt(j));
        const std::int64_t step = stepField(j, "step", where);
        if (step < last)
            throw ConfigError(where + ".step = " + std::to_string(step) +
                              " is not allowed: events must be in time order (the one before is at step " +
                              std::to_string(last) + ")");
        last = step;
        TimedEvent e;
        e.t_ms = static_cast<double>(step) * h;
        const std::string kind = stringField(j, "kind", where);
        if (j.contains("label")) e.label = stringField(j, "label", where);
        if (kind == "live") {
            const double exc = numberField(j, "exc_weight_factor", where, 0.0, 100.0);
            const double inh = numberField(j, "inh_weight_factor", where, 0.0, 100.0);
            const double poisson = numberField(j, "bg_rate_factor", where, 0.0, 100.0);
            const double dc = numberField(j, "dc_factor", where, 0.0, 100.0);
            ordered_json set;
            set["net"]["PSP_exc_mean"] = built.net.PSP_exc_mean * exc;
            set["net"]["g"] = built.net.g * inh;
            set["net"]["bg_rate"] = built.net.bg_rate * (built.net.bg_input_type == "poisson" ? poisson : dc);
            e.kind = TimedEvent::Kind::Set;
            e.set = set.dump();
        } else if (kind == "thalamic_pulse" || kind == "dc_transient") {
            e.kind = kind == "dc_transient" ? TimedEvent::Kind::DcTransient : TimedEvent::Kind::ThalamicPulse;
            e.start_ms = numberField(j, "start_ms", where, 0.0, 1e9);
            e.duration_ms = numberField(j, "duration_ms", where, 0.0, 1e6);
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
    const ordered_json doc = parseJson(text, origin);
    if (!doc.is_object() || !doc.contains("format"))
        throw ConfigError(origin + ": not a microcircuit session (expected \"format\": \"microcircuit-session\")");
    const ordered_json& format = doc.at("format");
    if (!format.is_string() || format.get<std::string>() != "microcircuit-session")
        throw ConfigError(origin + ": format = " + jsonExcerpt(format) +
                          " is not a microcircuit session (expected \"format\": \"microcircuit-session\")");
    const ordered_json& version = member(doc, "version", origin);
    if (!version.is_number_integer())
        throw ConfigError(origin + ": version = " + jsonExcerpt(version) + " is not supported: must be the number 1 or 2");
    if (version.get<std::int64_t>() != 1 && version.get<std::int64_t>() != kVersion)
        throw ConfigError(origin + ": version = " + jsonExcerpt(version) +
                          " is not supported (this program reads session versions 1 and 2; a newer microcircuit "
                          "wrote it?)");
    if (!doc.contains("config") || !doc.at("config").is_object())
        throw ConfigError(origin + ": missing object \"config\"");

    Session s;
    // The parsed document is at most kJsonMaxDepth deep, so dumping it is safe.
    applyConfigJson(s.config, doc.at("config").dump(), origin + " (config)");
    try {
        s.config.validate();
    } catch (const ConfigError& e) {
        throw ConfigError(origin + " (config): " + e.what());
    }
    s.endStep = stepField(doc, "end_step", origin);
    if (version.get<std::int64_t>() == 1) {
        if (!s.config.events.empty())
            throw ConfigError(origin + ": a version 1 session keeps its events outside \"config\"");
        if (!doc.contains("events") || !doc.at("events").is_array())
            throw ConfigError(origin + ": missing list \"events\"");
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

Session readSessionFile(const std::string& path) { return sessionFromJson(readInputFile(path), path); }

} // namespace mc

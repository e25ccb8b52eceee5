#include "ui/session.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/json_read.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mc::ui {
namespace {

using nlohmann::json;

const char* kindName(EventKind k) {
    switch (k) {
    case EventKind::Live:
        return "live";
    case EventKind::ThalamicPulse:
        return "thalamic_pulse";
    case EventKind::DcTransient:
        return "dc_transient";
    }
    return "live";
}

EventKind kindFromName(const std::string& s, const std::string& where) {
    if (s == "live") return EventKind::Live;
    if (s == "thalamic_pulse") return EventKind::ThalamicPulse;
    if (s == "dc_transient") return EventKind::DcTransient;
    throw ConfigError(where + ".kind: unknown event kind '" + s.substr(0, 40) + "' (allowed: live, thalamic_pulse, dc_transient)");
}

using nlohmann::ordered_json;

// Largest step a session may name: 1e9 ms (the longest run) at 0.001 ms steps.
constexpr std::int64_t kMaxStep = 1'000'000'000'000;

const ordered_json& member(const ordered_json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) throw ConfigError(where + ": missing field \"" + key + "\"");
    return j.at(key);
}

std::int64_t stepField(const ordered_json& j, const char* key, const std::string& where) {
    const ordered_json& v = member(j, key, where);
    const bool integral = v.is_number_integer() ||
                          (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
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

void applyFactors(Config& c, const Config& built, const LiveParams& f) {
    c.net.PSP_exc_mean = built.net.PSP_exc_mean * f.exc_weight_factor;
    c.net.g = built.net.g * f.inh_weight_factor;
    c.net.bg_rate = built.net.bg_rate * (built.net.bg_input_type == "poisson" ? f.bg_rate_factor : f.dc_factor);
}

} // namespace

Config configAt(const Config& built, const std::vector<LiveEvent>& events, std::int64_t step) {
    Config c = built;
    for (const LiveEvent& e : events)
        if (e.kind == EventKind::Live && e.step <= step) applyFactors(c, built, e.live);
    return c;
}

Config sessionAsConfig(const Session& session, double endMs) {
    const Config& built = session.config;
    Config c = built;
    c.events.clear();
    const double h = built.sim.sim_resolution;
    Config current = built;
    for (const LiveEvent& e : session.events) {
        TimedEvent t;
        t.t_ms = static_cast<double>(e.step) * h;
        t.label = e.label;
        if (e.kind == EventKind::Live) {
            Config next = built;
            applyFactors(next, built, e.live);
            json net = json::object();
            // The values the engine computes from the factors (Simulation::setLive), exactly.
            if (next.net.PSP_exc_mean != current.net.PSP_exc_mean) net["PSP_exc_mean"] = next.net.PSP_exc_mean;
            if (next.net.g != current.net.g) net["g"] = next.net.g;
            if (next.net.bg_rate != current.net.bg_rate) net["bg_rate"] = next.net.bg_rate;
            current = next;
            if (net.empty()) continue;
            t.kind = TimedEvent::Kind::Set;
            t.set = json{{"net", net}}.dump();
        } else {
            t.kind = e.kind == EventKind::ThalamicPulse ? TimedEvent::Kind::ThalamicPulse : TimedEvent::Kind::DcTransient;
            t.start_ms = e.startMs;
            t.duration_ms = e.durMs;
        }
        c.events.push_back(std::move(t));
    }
    c.sim.t_presim = std::min(c.sim.t_presim, endMs);
    c.sim.t_sim = endMs - c.sim.t_presim;
    return c;
}

std::string sessionToJson(const Session& session) {
    json events = json::array();
    for (const LiveEvent& e : session.events) {
        json j{{"step", e.step}, {"kind", kindName(e.kind)}, {"label", e.label}};
        if (e.kind == EventKind::Live) {
            j["exc_weight_factor"] = e.live.exc_weight_factor;
            j["inh_weight_factor"] = e.live.inh_weight_factor;
            j["bg_rate_factor"] = e.live.bg_rate_factor;
            j["dc_factor"] = e.live.dc_factor;
        } else {
            j["start_ms"] = e.startMs;
            j["duration_ms"] = e.durMs;
        }
        events.push_back(std::move(j));
    }
    json doc{{"format", "microcircuit-session"},
             {"version", 1},
             {"config", json::parse(configToJson(session.config))},
             {"events", std::move(events)},
             {"end_step", session.endStep}};
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
    if (!version.is_number_integer() || version.get<std::int64_t>() != 1)
        throw ConfigError(origin + ": version = " + jsonExcerpt(version) +
                          " is not supported (this program reads session version 1)");
    Session s;
    if (!doc.contains("config") || !doc.at("config").is_object())
        throw ConfigError(origin + ": missing object \"config\"");
    // The parsed document is at most kJsonMaxDepth deep, so dumping it is safe.
    applyConfigJson(s.config, doc.at("config").dump(), origin + " (config)");
    s.config.validate();
    s.endStep = stepField(doc, "end_step", origin);
    if (!doc.contains("events") || !doc.at("events").is_array())
        throw ConfigError(origin + ": missing list \"events\"");
    std::int64_t last = 0;
    for (std::size_t i = 0; i < doc.at("events").size(); ++i) {
        const ordered_json& j = doc.at("events")[i];
        const std::string where = origin + ": events[" + std::to_string(i) + "]";
        if (!j.is_object()) throw ConfigError(where + ": expected an object, got " + jsonExcerpt(j));
        LiveEvent e;
        e.step = stepField(j, "step", where);
        if (e.step < last)
            throw ConfigError(where + ".step = " + std::to_string(e.step) +
                              " is not allowed: events must be in time order (the one before is at step " +
                              std::to_string(last) + ")");
        last = e.step;
        e.kind = kindFromName(stringField(j, "kind", where), where);
        if (j.contains("label")) e.label = stringField(j, "label", where);
        if (e.kind == EventKind::Live) {
            e.live.exc_weight_factor = numberField(j, "exc_weight_factor", where, 0.0, 100.0);
            e.live.inh_weight_factor = numberField(j, "inh_weight_factor", where, 0.0, 100.0);
            e.live.bg_rate_factor = numberField(j, "bg_rate_factor", where, 0.0, 100.0);
            e.live.dc_factor = numberField(j, "dc_factor", where, 0.0, 100.0);
        } else {
            e.startMs = numberField(j, "start_ms", where, 0.0, 1e9);
            e.durMs = numberField(j, "duration_ms", where, 0.0, 1e6);
        }
        s.events.push_back(std::move(e));
    }
    return s;
}

} // namespace mc::ui

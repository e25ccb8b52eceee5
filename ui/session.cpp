#include "ui/session.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

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
    throw ConfigError(where + ".kind: unknown event kind '" + s + "' (allowed: live, thalamic_pulse, dc_transient)");
}

template <class T> T field(const json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) throw ConfigError(where + ": missing field '" + key + "'");
    try {
        return j.at(key).get<T>();
    } catch (const json::exception&) {
        throw ConfigError(where + "." + key + ": wrong type (" + j.at(key).dump() + ")");
    }
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
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw ConfigError(origin + ": not valid JSON (" + e.what() + ")");
    }
    if (!doc.is_object() || doc.value("format", std::string{}) != "microcircuit-session")
        throw ConfigError(origin + ": not a microcircuit session (expected \"format\": \"microcircuit-session\")");
    if (field<int>(doc, "version", origin) != 1)
        throw ConfigError(origin + ": unsupported session version " + doc.at("version").dump());
    Session s;
    if (!doc.contains("config") || !doc.at("config").is_object())
        throw ConfigError(origin + ": missing object 'config'");
    applyConfigJson(s.config, doc.at("config").dump(), origin + " (config)");
    s.config.validate();
    s.endStep = field<std::int64_t>(doc, "end_step", origin);
    if (!doc.contains("events") || !doc.at("events").is_array()) throw ConfigError(origin + ": missing list 'events'");
    std::int64_t last = 0;
    for (std::size_t i = 0; i < doc.at("events").size(); ++i) {
        const json& j = doc.at("events")[i];
        const std::string where = origin + ": events[" + std::to_string(i) + "]";
        if (!j.is_object()) throw ConfigError(where + ": expected an object");
        LiveEvent e;
        e.step = field<std::int64_t>(j, "step", where);
        if (e.step < last) throw ConfigError(where + ".step: events must be in time order");
        last = e.step;
        e.kind = kindFromName(field<std::string>(j, "kind", where), where);
        e.label = j.value("label", std::string{});
        if (e.kind == EventKind::Live) {
            e.live.exc_weight_factor = field<double>(j, "exc_weight_factor", where);
            e.live.inh_weight_factor = field<double>(j, "inh_weight_factor", where);
            e.live.bg_rate_factor = field<double>(j, "bg_rate_factor", where);
            e.live.dc_factor = field<double>(j, "dc_factor", where);
            for (double f :
                 {e.live.exc_weight_factor, e.live.inh_weight_factor, e.live.bg_rate_factor, e.live.dc_factor})
                if (!(f >= 0.0 && f <= 100.0))
                    throw ConfigError(where + ": live factor " + std::to_string(f) + " is outside [0, 100]");
        } else {
            e.startMs = field<double>(j, "start_ms", where);
            e.durMs = field<double>(j, "duration_ms", where);
            if (!(e.startMs >= 0.0 && e.durMs >= 0.0 && e.durMs <= 1e6))
                throw ConfigError(where + ": start_ms/duration_ms out of range");
        }
        s.events.push_back(std::move(e));
    }
    return s;
}

} // namespace mc::ui

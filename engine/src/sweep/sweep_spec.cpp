// Sweep specification: axes from flags or a file, the points, sweep.json.
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/sweep.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace mc {
namespace {

using nlohmann::ordered_json;

/// More points than this is a typing error, not a sweep.
constexpr std::size_t kMaxPoints = 1000000;

std::string cut(const std::string& s) { return s.size() > 60 ? s.substr(0, 57) + "..." : s; }

/// {"net": {"g": value}} from "net.g" and the value's JSON text.
std::string partialJson(const std::string& field, const std::string& value) {
    ordered_json v = ordered_json::parse(value);
    std::string rest = field;
    std::vector<std::string> parts;
    for (std::size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1))
        parts.push_back(rest.substr(0, dot));
    parts.push_back(rest);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        ordered_json o = ordered_json::object();
        o[*it] = std::move(v);
        v = std::move(o);
    }
    return v.dump();
}

bool parseNumber(const std::string& s, double& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(out);
}

/// A value as JSON text: JSON if it parses as a scalar, else a string.
std::string valueText(const std::string& token) {
    try {
        ordered_json j = ordered_json::parse(token);
        if (!j.is_structured()) return j.dump();
    } catch (const std::exception&) {
    }
    return ordered_json(token).dump();
}

void checkField(const std::string& field, const std::vector<std::string>& values, const Config& base,
                const std::string& origin) {
    if (field.find('.') == std::string::npos)
        throw ConfigError(origin + ": '" + cut(field) +
                          "' is not a configuration field; name it by its dotted path, e.g. net.g or net.bg_rate "
                          "(microcircuit config lists them)");
    if (values.empty()) throw ConfigError(origin + ": the range of " + field + " has no points");
    for (const std::string& v : values) applySet(base, partialJson(field, v), origin + " (" + field + " = " + cut(v) + ")", false);
}

} // namespace

SweepAxis parseSweepAxis(const std::string& text, const Config& base) {
    const std::string origin = "--set " + cut(text);
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError(origin + ": expected FIELD=VALUES, e.g. net.g=-3:-8:0.5 or net.bg_rate=4,8,12");
    SweepAxis axis;
    axis.field = text.substr(0, eq);
    const std::string spec = text.substr(eq + 1);
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto colon = spec.find(':', start);
        parts.push_back(spec.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    double a, b, step;
    if (parts.size() == 3 && parseNumber(parts[0], a) && parseNumber(parts[1], b) && parseNumber(parts[2], step)) {
        if (step == 0.0)
            throw ConfigError(origin + ": the step of a range a:b:step must not be 0 (the range has no points)");
        const double n = std::floor(std::abs(b - a) / std::abs(step) + 1e-9) + 1.0;
        if (n > static_cast<double>(kMaxPoints))
            throw ConfigError(origin + ": the range has " + std::to_string(static_cast<long long>(n)) +
                              " points; at most " + std::to_string(kMaxPoints) + " are allowed");
        const double dir = b >= a ? 1.0 : -1.0;
        for (int i = 0; i < static_cast<int>(n); ++i) {
            // Rounded to 12 digits so that 0.1 steps give 0.3, not 0.30000000000000004.
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.12g", a + dir * std::abs(step) * i);
            axis.values.push_back(ordered_json(std::strtod(buf, nullptr)).dump());
        }
    } else if (parts.size() > 1) {
        throw ConfigError(origin + ": a range is a:b:step with three numbers, e.g. -3:-8:0.5");
    } else {
        for (std::size_t start = 0;;) {
            const auto comma = spec.find(',', start);
            const std::string token = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (token.empty()) throw ConfigError(origin + ": an empty value in the list '" + cut(spec) + "'");
            axis.values.push_back(valueText(token));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    checkField(axis.field, axis.values, base, origin);
    return axis;
}

void applySweepFile(SweepSpec& spec, const std::string& path) {
    const ordered_json j = parseJson(readInputFile(path), path);
    if (!j.is_object()) throw ConfigError(path + ": a sweep file is a JSON object (see docs/sweeps.md)");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& key = it.key();
        if (key != "config" && key != "axes" && key != "seeds")
            throw ConfigError(path + ": unknown key '" + cut(key) + "' (allowed: config, axes, seeds)");
    }
    if (j.contains("config")) {
        if (!j["config"].is_object()) throw ConfigError(path + ": \"config\" must be a configuration object");
        applyConfigJson(spec.base, j["config"].dump(), path + " (config)");
    }
    if (j.contains("axes")) {
        const ordered_json& axes = j["axes"];
        if (!axes.is_object())
            throw ConfigError(path + ": \"axes\" maps fields to values, e.g. {\"net.g\": [-4, -5], \"net.bg_rate\": \"4:12:2\"}");
        for (auto it = axes.begin(); it != axes.end(); ++it) {
            if (it->is_string()) {
                spec.axes.push_back(parseSweepAxis(it.key() + "=" + it->get<std::string>(), spec.base));
                continue;
            }
            if (!it->is_array())
                throw ConfigError(path + ": axes." + cut(it.key()) + " must be a list of values or a range text \"a:b:step\"");
            SweepAxis axis{it.key(), {}};
            for (const auto& v : *it) axis.values.push_back(v.dump());
            checkField(axis.field, axis.values, spec.base, path + ": axes");
            spec.axes.push_back(std::move(axis));
        }
    }
    if (j.contains("seeds")) {
        const ordered_json& s = j["seeds"];
        spec.seeds.clear();
        if (s.is_number_unsigned() && s.get<std::uint64_t>() >= 1 && s.get<std::uint64_t>() <= 100000) {
            for (std::uint64_t k = 0; k < s.get<std::uint64_t>(); ++k) spec.seeds.push_back(spec.base.sim.rng_seed + k);
        } else if (s.is_array() && !s.empty()) {
            for (const auto& v : s) {
                if (!v.is_number_unsigned())
                    throw ConfigError(path + ": seeds holds " + jsonExcerpt(v) + "; seeds are whole numbers >= 0");
                spec.seeds.push_back(v.get<std::uint64_t>());
            }
        } else {
            throw ConfigError(path + ": seeds is " + jsonExcerpt(s) +
                              "; give a count from 1 to 100000 or a list of seeds");
        }
    }
}

std::vector<SweepPoint> expandSweep(const SweepSpec& spec) {
    std::vector<std::uint64_t> seeds = spec.seeds;
    for (const SweepAxis& a : spec.axes)
        if (a.field == "sim.rng_seed" && !seeds.empty())
            throw ConfigError("sweep: seeds are given twice, by --seeds (or a sweep file's seeds) and by sim.rng_seed; "
                              "use one");
    // Without a seed list, the seed is the configuration's (base or swept).
    const bool ownSeeds = !seeds.empty();
    if (seeds.empty()) seeds.push_back(spec.base.sim.rng_seed);
    double total = static_cast<double>(seeds.size());
    for (const SweepAxis& a : spec.axes) {
        if (a.values.empty()) throw ConfigError("sweep: the axis " + a.field + " has no points");
        total *= static_cast<double>(a.values.size());
    }
    if (total > static_cast<double>(kMaxPoints))
        throw ConfigError("sweep: " + std::to_string(static_cast<long long>(total)) + " points; at most " +
                          std::to_string(kMaxPoints) + " are allowed");
    for (std::size_t i = 0; i < spec.axes.size(); ++i)
        for (std::size_t k = 0; k < i; ++k)
            if (spec.axes[i].field == spec.axes[k].field)
                throw ConfigError("sweep: the field " + spec.axes[i].field + " is swept twice");
    std::vector<SweepPoint> points;
    std::vector<std::size_t> idx(spec.axes.size(), 0);
    const int n = static_cast<int>(total);
    for (int i = 0; i < n; ++i) {
        // Mixed radix: the last axis and then the seed change fastest.
        int rest = i;
        const std::size_t seedIndex = static_cast<std::size_t>(rest % static_cast<int>(seeds.size()));
        rest /= static_cast<int>(seeds.size());
        for (std::size_t a = spec.axes.size(); a-- > 0;) {
            const int size = static_cast<int>(spec.axes[a].values.size());
            idx[a] = static_cast<std::size_t>(rest % size);
            rest /= size;
        }
        SweepPoint p;
        p.index = i;
        p.seed = seeds[seedIndex];
        p.config = spec.base;
        for (std::size_t a = 0; a < spec.axes.size(); ++a) {
            p.values.push_back(spec.axes[a].values[idx[a]]);
            p.config = applySet(p.config, partialJson(spec.axes[a].field, p.values.back()),
                                "sweep point " + std::to_string(i), false);
        }
        if (ownSeeds) p.config.sim.rng_seed = p.seed;
        p.seed = p.config.sim.rng_seed;
        p.config.sim.rec_spikes = spec.record;
        p.config.validate();
        char folder[32];
        std::snprintf(folder, sizeof folder, "points/%04d", i);
        p.folder = folder;
        points.push_back(std::move(p));
    }
    return points;
}

std::string sweepToJson(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
    ordered_json j;
    j["format"] = "microcircuit sweep 1";
    ordered_json axes = ordered_json::array();
    for (const SweepAxis& a : spec.axes) {
        ordered_json values = ordered_json::array();
        for (const std::string& v : a.values) values.push_back(ordered_json::parse(v));
        axes.push_back({{"field", a.field}, {"values", values}});
    }
    j["axes"] = axes;
    j["seeds"] = spec.seeds;
    j["record"] = spec.record;
    j["config"] = ordered_json::parse(configToJson(spec.base));
    ordered_json list = ordered_json::array();
    for (const SweepPoint& p : points) {
        ordered_json e;
        e["point"] = p.index;
        e["folder"] = p.folder;
        e["seed"] = p.seed;
        ordered_json values = ordered_json::object();
        for (std::size_t a = 0; a < spec.axes.size(); ++a) values[spec.axes[a].field] = ordered_json::parse(p.values[a]);
        e["values"] = values;
        list.push_back(e);
    }
    j["points"] = list;
    return j.dump(2) + "\n";
}

SweepSpec sweepFromJson(const std::string& text, const std::string& origin) {
    const ordered_json j = parseJson(text, origin);
    SweepSpec spec;
    try {
        if (j.at("format") != "microcircuit sweep 1")
            throw ConfigError(origin + ": not a sweep of this program (format " + jsonExcerpt(j.at("format")) + ")");
        applyConfigJson(spec.base, j.at("config").dump(), origin + " (config)");
        for (const auto& a : j.at("axes")) {
            SweepAxis axis{a.at("field").get<std::string>(), {}};
            for (const auto& v : a.at("values")) axis.values.push_back(v.dump());
            spec.axes.push_back(std::move(axis));
        }
        spec.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
        spec.record = j.at("record").get<bool>();
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(origin + ": not a valid sweep.json (" + cut(e.what()) + ")");
    }
    return spec;
}

SweepSpec readSweep(const std::string& dir) {
    const std::string path = (std::filesystem::path(dir) / "sweep.json").string();
    if (!std::filesystem::exists(path))
        throw ConfigError(dir + " is not a sweep folder: it has no sweep.json (start the sweep with microcircuit sweep --out " + dir + ")");
    return sweepFromJson(readInputFile(path), path);
}

void prepareSweepFolder(const std::string& dir, const std::string& sweepJson, const std::string& flag) {
    namespace fs = std::filesystem;
    const fs::path specPath = fs::path(dir) / "sweep.json";
    std::error_code ec;
    if (fs::exists(specPath, ec)) {
        if (readInputFile(specPath.string()) != sweepJson)
            throw ConfigError(flag + " " + dir + " holds a different sweep (its sweep.json differs from these settings); "
                              "resume it with the same settings, or choose another folder");
        return;
    }
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
        throw ConfigError(flag + " " + dir + " is not empty and holds no sweep.json; a sweep needs its own folder");
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw ConfigError(flag + " " + dir + ": cannot create the folder (" + (ec ? ec.message() : "not a folder") + ")");
    writeFileAtomic(specPath.string(), sweepJson);
}

std::vector<std::vector<int>> seedGroups(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
    // A swept sim.rng_seed is a seed axis too: its value is left out of the key.
    std::map<std::vector<std::string>, std::size_t> groupOf;
    std::vector<std::vector<int>> groups;
    for (const SweepPoint& p : points) {
        std::vector<std::string> key;
        for (std::size_t a = 0; a < spec.axes.size(); ++a)
            if (spec.axes[a].field != "sim.rng_seed") key.push_back(p.values[a]);
        const auto [it, added] = groupOf.emplace(std::move(key), groups.size());
        if (added) groups.emplace_back();
        groups[it->second].push_back(p.index);
    }
    return groups;
}

} // namespace mc

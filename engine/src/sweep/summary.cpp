// summary.csv and summary.json of a sweep, from the points' stats.json; and
// the Slurm job array that runs the points on a cluster.
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/sweep.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mc {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string csvNumber(const ordered_json& v) {
    if (!v.is_number()) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v.get<double>());
    return buf;
}

/// A swept value in a CSV cell: numbers and booleans as they are, strings unquoted.
std::string csvValue(const std::string& jsonText) {
    const ordered_json v = ordered_json::parse(jsonText);
    return csvField(v.is_string() ? v.get<std::string>() : v.dump());
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::vector<PointPopulationStats> readPointStatistics(const std::string& dir, const SweepPoint& point) {
    const std::string path = (fs::path(dir) / point.folder / "stats.json").string();
    const ordered_json j = parseJson(readInputFile(path), path);
    const auto number = [](const ordered_json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
    std::vector<PointPopulationStats> out;
    try {
        if (j.at("point") != point.index)
            throw ConfigError(path + ": holds the statistics of point " + jsonExcerpt(j.at("point")) + ", not of point " +
                              std::to_string(point.index));
        for (const ordered_json& pop : j.at("populations")) {
            PointPopulationStats s;
            s.population = pop.at("population").get<std::string>();
            s.meanRate = number(pop.at("mean_rate"));
            s.stdRate = number(pop.at("std_rate"));
            s.meanCv = number(pop.at("mean_cv"));
            s.meanCc = number(pop.at("mean_cc"));
            s.synchrony = number(pop.at("synchrony"));
            const std::string state = pop.at("state").get<std::string>();
            int k = 0;
            while (k < 4 && state != stateName(static_cast<ActivityState>(k))) ++k;
            if (k == 4) throw ConfigError(path + ": unknown state \"" + state.substr(0, 60) + "\"");
            s.state = static_cast<ActivityState>(k);
            out.push_back(std::move(s));
        }
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(path + ": not a sweep point's statistics (" + std::string(e.what()).substr(0, 120) + ")");
    }
    return out;
}

std::vector<int> writeSummary(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points,
                              bool partial) {
    std::vector<int> missing;
    std::string csv = "point";
    for (const SweepAxis& a : spec.axes) csv += "," + csvField(a.field);
    csv += ",seed,population,mean_rate,std_rate,mean_cv,mean_cc,synchrony,state\n";
    ordered_json rows = ordered_json::array();
    for (const SweepPoint& p : points) {
        if (!pointFinished(dir, spec, p)) {
            missing.push_back(p.index);
            continue;
        }
        const std::string path = (fs::path(dir) / p.folder / "stats.json").string();
        const ordered_json stats = parseJson(readInputFile(path), path);
        for (const ordered_json& pop : stats.at("populations")) {
            csv += std::to_string(p.index);
            ordered_json row;
            row["point"] = p.index;
            for (std::size_t a = 0; a < spec.axes.size(); ++a) {
                csv += "," + csvValue(p.values[a]);
                row[spec.axes[a].field] = ordered_json::parse(p.values[a]);
            }
            csv += "," + std::to_string(p.seed) + "," + pop.at("population").get<std::string>();
            row["seed"] = p.seed;
            row["population"] = pop.at("population");
            for (const char* key : {"mean_rate", "std_rate", "mean_cv", "mean_cc", "synchrony"}) {
                csv += "," + csvNumber(pop.at(key));
                row[key] = pop.at(key);
            }
            csv += "," + csvField(pop.at("state").get<std::string>()) + "\n";
            row["state"] = pop.at("state");
            rows.push_back(row);
        }
    }
    if (!missing.empty() && !partial) return missing;
    ordered_json j;
    j["columns"] = ordered_json::array({"point"});
    for (const SweepAxis& a : spec.axes) j["columns"].push_back(a.field);
    for (const char* c : {"seed", "population", "mean_rate", "std_rate", "mean_cv", "mean_cc", "synchrony", "state"})
        j["columns"].push_back(c);
    j["complete"] = missing.empty();
    j["rows"] = rows;
    writeFileAtomic((fs::path(dir) / "summary.csv").string(), csv);
    writeFileAtomic((fs::path(dir) / "summary.json").string(), j.dump(2) + "\n");
    return missing;
}

std::string writeSlurmScript(const std::string& dir, const std::vector<SweepPoint>& points,
                             const SlurmOptions& options) {
    const fs::path slurm = fs::path(dir) / "slurm";
    std::error_code ec;
    fs::create_directories(slurm, ec);
    if (ec) throw WriteError("cannot create " + slurm.string() + ": " + ec.message());
    const int per = std::max(1, options.pointsPerTask);
    const int tasks = (static_cast<int>(points.size()) + per - 1) / per;
    std::string list;
    for (int t = 0; t < tasks; ++t) {
        for (int k = t * per; k < std::min<int>((t + 1) * per, static_cast<int>(points.size())); ++k)
            list += (k > t * per ? " " : "") + std::to_string(points[k].index);
        list += "\n";
    }
    writeFileAtomic((slurm / "points.txt").string(), list);
    const std::string absDir = fs::absolute(dir).lexically_normal().string();
    std::string s = "#!/bin/bash\n";
    s += "# A microcircuit sweep as a Slurm job array: task K runs the points on line K + 1\n";
    s += "# of points.txt. Written by `microcircuit sweep --slurm`; gather the summary with\n";
    s += "# `microcircuit sweep collect " + absDir + "` (also while the array runs).\n";
    s += "#SBATCH --job-name=microcircuit-sweep\n";
    s += "#SBATCH --array=0-" + std::to_string(tasks - 1) + "\n";
    s += "#SBATCH --ntasks=1\n";
    s += "#SBATCH --cpus-per-task=" + std::to_string(std::max(1, options.cpusPerTask)) + "\n";
    if (!options.partition.empty()) s += "#SBATCH --partition=" + options.partition + "\n";
    if (!options.time.empty()) s += "#SBATCH --time=" + options.time + "\n";
    if (!options.account.empty()) s += "#SBATCH --account=" + options.account + "\n";
    s += "#SBATCH --output=" + absDir + "/slurm/task-%a.log\n";
    s += "set -eu\n";
    s += "dir=" + shellQuote(absDir) + "\n";
    s += "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$dir/slurm/points.txt\")\n";
    s += "status=0\n";
    s += "for k in $line; do\n";
    s += "  " + shellQuote(options.executable) +
         " sweep --point \"$k\" --threads \"${SLURM_CPUS_PER_TASK:-1}\" \"$dir\" || status=1\n";
    s += "done\n";
    s += "exit $status\n";
    const std::string path = (slurm / "sweep.sbatch").string();
    writeFileAtomic(path, s);
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
    return path;
}

} // namespace mc

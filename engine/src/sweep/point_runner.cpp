// Running sweep points: a pool of workers, each running a chain of points on
// one network (rebuilt only where a point needs it), each point into its own
// run folder through RunTarget (written beside, committed when complete).
#include "microcircuit/analysis.hpp"
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/output_folder.hpp"
#include "microcircuit/run_target.hpp"
#include "microcircuit/simulation.hpp"
#include "microcircuit/sweep.hpp"
#include "sweep_stats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace mc {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

/// Forwards spikes to the output folder and keeps them for the statistics.
class PointSink : public SpikeSink {
public:
    explicit PointSink(OutputFolder& folder) : m_folder(folder) {}
    void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) override {
        m_folder.onSpikes(spikes, endStep);
        m_spikes.insert(m_spikes.end(), spikes.begin(), spikes.end());
    }
    const std::vector<Spike>& spikes() const { return m_spikes; }

private:
    OutputFolder& m_folder;
    std::vector<Spike> m_spikes;
};

struct Chain {
    std::vector<int> points; ///< indices into the sweep's points, run in this order
};

/// Groups points that can share a network (same seed and rebuild fields),
/// then splits the groups so that at least `workers` chains exist when there
/// are that many points.
std::vector<Chain> makeChains(const std::vector<SweepPoint>& points, const std::vector<int>& which, bool reuse,
                              int workers) {
    std::vector<Chain> chains;
    for (int i : which) {
        bool placed = false;
        if (reuse)
            for (Chain& c : chains)
                if (canReuseNetwork(points[c.points.front()].config, points[i].config)) {
                    c.points.push_back(i);
                    placed = true;
                    break;
                }
        if (!placed) chains.push_back(Chain{{i}});
    }
    // Split the longest chain in halves until there is work for every worker.
    while (static_cast<int>(chains.size()) < workers) {
        auto longest = std::max_element(chains.begin(), chains.end(),
                                        [](const Chain& a, const Chain& b) { return a.points.size() < b.points.size(); });
        if (longest == chains.end() || longest->points.size() < 2) break;
        const std::size_t half = longest->points.size() / 2;
        Chain second{std::vector<int>(longest->points.begin() + static_cast<std::ptrdiff_t>(half), longest->points.end())};
        longest->points.resize(half);
        chains.push_back(std::move(second));
    }
    return chains;
}

/// The spikes of a run as SpikeData, with the times a spike file holds
/// (microsecond stamps, as OutputFolder writes them), so statistics equal
/// those `microcircuit analyze` computes from the files.
SpikeData toSpikeData(const std::vector<Spike>& spikes, const Config& config, const DerivedParams& d) {
    SpikeData data;
    const std::int64_t stepMicros = std::llround(config.sim.sim_resolution * 1000.0);
    std::vector<std::size_t> counts(static_cast<std::size_t>(d.total_neurons) + 1, 0);
    for (const Spike& s : spikes) ++counts[static_cast<std::size_t>(s.neuron) + 1];
    for (std::size_t i = 1; i < counts.size(); ++i) counts[i] += counts[i - 1];
    std::vector<double> times(spikes.size());
    std::vector<std::size_t> fill(counts.begin(), counts.end() - 1);
    for (const Spike& s : spikes)
        times[fill[s.neuron]++] = static_cast<double>((std::int64_t{s.step} + 1) * stepMicros) / 1000.0;
    for (int p = 0; p < kNumPops; ++p) {
        PopulationSpikes pop;
        pop.name = kPopNames[p];
        const std::int32_t lo = d.first_neuron[p], hi = d.first_neuron[p + 1];
        pop.firstId = lo + 1;
        pop.lastId = hi;
        pop.offsets.assign(1, 0);
        for (std::int32_t i = lo; i < hi; ++i) pop.offsets.push_back(counts[i + 1] - counts[lo]);
        pop.times.assign(times.begin() + static_cast<std::ptrdiff_t>(counts[lo]),
                         times.begin() + static_cast<std::ptrdiff_t>(counts[hi]));
        data.populations.push_back(std::move(pop));
    }
    data.totalSpikes = spikes.size();
    if (!spikes.empty()) {
        // Sorted by step: the first and last spikes are the earliest and latest.
        data.firstSpikeMs = static_cast<double>((std::int64_t{spikes.front().step} + 1) * stepMicros) / 1000.0;
        data.lastSpikeMs = static_cast<double>((std::int64_t{spikes.back().step} + 1) * stepMicros) / 1000.0;
    }
    data.tPresim = config.sim.t_presim;
    data.tEnd = config.sim.t_presim + config.sim.t_sim;
    return data;
}

ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

std::string statsJson(const SweepPoint& point, const std::vector<PointPopulationStats>& stats, double tMin,
                      double tMax) {
    ordered_json j;
    j["point"] = point.index;
    j["t_min"] = tMin;
    j["t_max"] = tMax;
    ordered_json pops = ordered_json::array();
    for (const PointPopulationStats& s : stats)
        pops.push_back({{"population", s.population},
                        {"mean_rate", number(s.meanRate)},
                        {"std_rate", number(s.stdRate)},
                        {"mean_cv", number(s.meanCv)},
                        {"mean_cc", number(s.meanCc)},
                        {"synchrony", number(s.synchrony)},
                        {"state", stateName(s.state)}});
    j["populations"] = pops;
    j["config"] = ordered_json::parse(configToJson(point.config));
    return j.dump(2) + "\n";
}

} // namespace

std::vector<PointPopulationStats> pointStatistics(const std::vector<Spike>& spikes, const Config& config,
                                                  const DerivedParams& derived, double& tMin, double& tMax) {
    tMin = config.sim.t_presim;
    tMax = config.sim.t_presim + config.sim.t_sim;
    const SpikeData data = toSpikeData(spikes, config, derived);
    AnalysisOptions options;
    options.tMin = tMin;
    options.tMax = tMax;
    AnalysisResult result;
    bool any = true;
    try {
        result = analyzeSpikes(data, options);
    } catch (const ConfigError&) {
        any = false; // no spike in the interval: every population is silent
    }
    std::vector<PointPopulationStats> out;
    for (int p = 0; p < kNumPops; ++p) {
        PointPopulationStats s;
        s.population = kPopNames[p];
        const PopulationHealth h = assessPopulation(data.populations[p], tMin, tMax);
        s.synchrony = h.synchrony;
        s.state = h.state;
        if (any) {
            const PopulationStats& ps = result.populations[p];
            s.meanRate = ps.meanRate;
            s.stdRate = ps.stdRate;
            s.meanCv = ps.meanCv;
            s.meanCc = ps.meanCc;
        } else {
            s.meanCv = s.meanCc = std::nan("");
        }
        out.push_back(s);
    }
    return out;
}

bool canReuseNetwork(const Config& a, const Config& b) {
    for (const std::string& f : changedFields(a, b)) {
        if (!isLiveField(f)) return false;
        // Weights and drive keep being derived with the built neuron
        // parameters (deriveLive), which a fresh build would not.
        if (f.rfind("net.neuron_params", 0) == 0) return false;
    }
    // The stored weight codes and their unit follow the weights at build
    // time: a change of weights runs well live, but not bit-identically to a
    // fresh build.
    const DerivedParams da = deriveParameters(a), db = deriveParameters(b);
    return da.weight_mean == db.weight_mean && da.weight_th == db.weight_th;
}

bool pointFinished(const std::string& dir, const SweepSpec& spec, const SweepPoint& point) {
    const fs::path folder = fs::path(dir) / point.folder;
    std::error_code ec;
    if (!fs::is_regular_file(folder / "stats.json", ec) || !fs::is_regular_file(folder / "rates.csv", ec)) return false;
    try {
        const ordered_json j = parseJson(readInputFile((folder / "stats.json").string()), "stats.json");
        if (j.at("point") != point.index) return false;
        if (j.at("config") != ordered_json::parse(configToJson(point.config))) return false;
        if (j.at("populations").size() != static_cast<std::size_t>(kNumPops)) return false;
    } catch (const std::exception&) {
        return false;
    }
    if (spec.record) {
        const DerivedParams d = deriveParameters(point.config);
        for (int p = 0; p < kNumPops; ++p) {
            const std::string name = "spike_recorder-" + std::to_string(recorderId(d, p)) + "-0.dat";
            if (!fs::is_regular_file(folder / name, ec)) return false;
        }
    }
    return true;
}

SweepRunResult runSweepPoints(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points,
                              const std::vector<int>& which, const SweepRunOptions& options) {
    SweepRunResult result;
    std::mutex mutex;
    std::vector<int> todo;
    for (int i : which) {
        if (pointFinished(dir, spec, points[i])) {
            ++result.skipped;
            if (options.progress) options.progress(points[i], true);
        } else {
            todo.push_back(i);
        }
    }
    if (todo.empty()) return result;
    const int cores = options.cores > 0 ? options.cores : std::max(1u, std::thread::hardware_concurrency());
    int workers = options.jobs > 0 ? options.jobs : cores;
    workers = std::max(1, std::min(workers, static_cast<int>(todo.size())));
    std::vector<Chain> chains = makeChains(points, todo, options.reuse, workers);
    workers = std::min(workers, static_cast<int>(chains.size()));
    const int threadsPerPoint = std::max(1, cores / workers);
    std::atomic<std::size_t> next{0};
    auto cancelled = [&] { return options.cancel && options.cancel->load(); };

    auto runChain = [&](const Chain& chain) {
        std::unique_ptr<Simulation> sim;
        for (int i : chain.points) {
            if (cancelled()) return;
            const SweepPoint& point = points[i];
            {
                std::lock_guard lock(mutex);
                if (options.progress) options.progress(point, false);
            }
            try {
                const Config& config = point.config;
                const fs::path folderPath = fs::path(dir) / point.folder;
                std::error_code ec;
                RunTarget target(folderPath.string(), fs::exists(folderPath, ec));
                const DerivedParams derived = deriveParameters(config);
                std::unique_ptr<OutputFolder> folder;
                try {
                    folder = std::make_unique<OutputFolder>(target.workPath(), config, derived);
                    if (sim) {
                        sim->restart(config);
                    } else {
                        BuildOptions build;
                        build.threads = threadsPerPoint;
                        build.cancel = options.cancel;
                        sim = std::make_unique<Simulation>(config, build);
                        std::lock_guard lock(mutex);
                        ++result.builds;
                    }
                } catch (...) {
                    folder.reset();
                    target.discard();
                    throw;
                }
                PointSink sink(*folder);
                const double h = config.sim.sim_resolution;
                const std::int64_t total = std::llround((config.sim.t_presim + config.sim.t_sim) / h);
                const std::int64_t chunk = std::max<std::int64_t>(1, std::llround(100.0 / h));
                EventPlayer events(config.events, h);
                while (sim->steps() < total && !cancelled() && !folder->failed())
                    events.run(*sim, std::min(chunk, total - sim->steps()), &sink);
                folder->finish();
                if (sim->steps() < total) {
                    folder.reset();
                    target.abandon();
                    sim.reset();
                    return; // cancelled
                }
                double tMin = 0, tMax = 0;
                const auto stats = pointStatistics(sink.spikes(), config, derived, tMin, tMax);
                writeFileAtomic((fs::path(target.workPath()) / "stats.json").string(),
                                statsJson(point, stats, tMin, tMax));
                folder.reset();
                target.commit();
                std::lock_guard lock(mutex);
                ++result.done;
                if (options.progress) options.progress(point, true);
            } catch (const BuildCancelled&) {
                return;
            } catch (const std::exception& e) {
                sim.reset(); // its state is unknown now: the next point builds afresh
                std::lock_guard lock(mutex);
                ++result.failed;
                result.errors.push_back("point " + std::to_string(point.index) + " (" + point.folder + "): " + e.what());
            }
        }
    };
    auto worker = [&] {
        for (std::size_t c; (c = next.fetch_add(1)) < chains.size();) runChain(chains[c]);
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    result.cancelled = cancelled();
    return result;
}

} // namespace mc

// Live changes of the running network: the neuron constants, drive and
// weights that follow from the current configuration.
//
// A live change makes the network run as one built from the new
// configuration would, with the same synapses (sources, targets, delays,
// relative weight draws) and the same state, except that weights and drive
// currents are derived with the neuron parameters the network was built
// with (deriveLive): changing C_m of a population keeps its synapses' weights
// in pA, as NEST's SetStatus does.
//
// Weights: the stored 16-bit codes are exact integers summed exactly, so any
// thread count gives the same spikes. A synapse from class x onto population
// y counts code * weightUnit * unit[y] with unit = unitEx or unitIn by the
// source's sign, and code = round(base * rho[y][x]) (WeightScaling). The
// wanted ratio r[y][x] (current mean weight / built mean weight) is split
// into unit * rho so that codes are rewritten as rarely as possible:
//  - every source of a sign scaled alike (g, PSP_exc_mean): only the unit
//    changes, rho stays 1 and no code is touched;
//  - otherwise the unit stays if every rho = r / unit keeps the codes inside
//    16 bits, else the unit becomes the largest r (every rho <= 1).
// Codes are always recomputed from the codes as built, so repeated changes
// do not accumulate rounding.
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mc::detail {
namespace {

std::int64_t toSteps(double ms, double h) { return std::llround(ms / h); }

bool nearlyEqual(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b)); }

/// First source index and end of a source class.
std::array<std::int32_t, 2> sourcesOf(const Network& net, int x) {
    if (x == kThalamus) return {net.derived.total_neurons, net.numSources};
    return {net.derived.first_neuron[x], net.derived.first_neuron[x + 1]};
}

std::int64_t projectionSynapses(const DerivedParams& d, int y, int x) {
    return x == kThalamus ? d.num_th_synapses[y] : d.num_synapses[y][x];
}
double meanWeight(const DerivedParams& d, int y, int x) {
    return x == kThalamus ? d.weight_th[y] : d.weight_mean[y][x];
}
bool excitatoryColumn(int x) { return x == kThalamus || isExcitatory(x); }

/// Largest code magnitude a projection can hold as built: its mean plus 8
/// sd (construction.cpp clips the rare larger draw to the largest code).
double largestBuiltCode(const Network& net, int y, int x) {
    const double w = std::abs(meanWeight(net.builtDerived, y, x));
    return std::min(static_cast<double>(kMaxCode), w * (1.0 + 8.0 * net.built.net.weight_rel_std) / net.weightUnit + 1.0);
}

/// rho in fixed point (2^-24): an integer multiply and shift per synapse
/// instead of a floating-point rounding call; the error, below 0.002 of a
/// code, is far inside the half code of the rounding itself.
constexpr int kRhoShift = 24;

/// Rewrites, from the codes as built and the current rho, the codes of the
/// synapses from source class x onto the populations in `targets` (bit y
/// for population y); the others are not touched. Shards without such
/// targets are skipped, and the synapses to rewrite are cut into pieces
/// for all workers, whatever shard they lie in. Each code depends only on
/// its built code and rho, so the pieces and the thread count do not
/// change the result.
void rewriteColumn(Network& net, int x, std::uint32_t targets) {
    const int D = net.delaySlots;
    const auto [firstSource, endSource] = sourcesOf(net, x);
    const int shards = static_cast<int>(net.shards.size());
    if (net.scaling.base.size() != net.shards.size()) net.scaling.base.resize(net.shards.size());
    std::array<std::int64_t, kNumPops> q{};
    for (int y = 0; y < kNumPops; ++y) q[y] = std::llround(net.scaling.rho[y][x] * (1 << kRhoShift));
    struct Piece {
        int shard;
        std::uint32_t begin, end;
    };
    std::vector<Piece> pieces;
    std::vector<std::vector<std::uint8_t>> popOf(shards);
    std::int64_t total = 0;
    std::vector<std::array<std::uint32_t, 2>> range(shards, {0, 0});
    for (int k = 0; k < shards; ++k) {
        const Shard& sh = net.shards[k];
        if (sh.count == 0) continue;
        const std::uint32_t present = [&] {
            std::uint32_t m = 0;
            for (int p = net.populationOf(sh.first); p <= net.populationOf(sh.first + sh.count - 1); ++p) m |= 1u << p;
            return m;
        }();
        if ((present & targets) == 0) continue;
        range[k] = {sh.offsets[static_cast<std::size_t>(firstSource) * D], sh.offsets[static_cast<std::size_t>(endSource) * D]};
        total += range[k][1] - range[k][0];
        // Population of each local target (the shard's neurons are contiguous).
        popOf[k].resize(static_cast<std::size_t>(sh.count));
        for (std::int32_t i = 0; i < sh.count; ++i) popOf[k][i] = static_cast<std::uint8_t>(net.populationOf(sh.first + i));
        WeightScaling::BaseCodes& b = net.scaling.base[k][x];
        if (!b.codes && range[k][1] > range[k][0]) {
            // Not zeroed: only the entries of saved populations are ever read.
            b.codes.reset(new std::int16_t[range[k][1] - range[k][0]]);
            b.begin = range[k][0];
        }
    }
    // About four pieces per worker, none below 64 Ki synapses.
    const std::int64_t pieceSize =
        std::max<std::int64_t>(std::int64_t{1} << 16, total / (4 * std::max(1, net.workers->threads())) + 1);
    for (int k = 0; k < shards; ++k)
        for (std::uint32_t i = range[k][0]; i < range[k][1];) {
            const std::uint32_t e = static_cast<std::uint32_t>(std::min<std::int64_t>(range[k][1], i + pieceSize));
            pieces.push_back({k, i, e});
            i = e;
        }
    net.workers->parallelFor(static_cast<int>(pieces.size()), [&](int n) {
        const Piece& piece = pieces[n];
        Shard& sh = net.shards[piece.shard];
        const WeightScaling::BaseCodes& b = net.scaling.base[piece.shard][x];
        const std::uint32_t fresh = targets & ~b.saved; // save these codes now
        const std::uint8_t* pop = popOf[piece.shard].data();
        std::uint32_t* syn = sh.synapses.data();
        std::int16_t* base = b.codes.get() - b.begin;
        constexpr std::int64_t half = std::int64_t{1} << (kRhoShift - 1);
        for (std::uint32_t i = piece.begin; i < piece.end; ++i) {
            const std::int32_t local = synapseTarget(syn[i]);
            const std::uint32_t bit = 1u << pop[local];
            if ((targets & bit) == 0) continue;
            if (fresh & bit) base[i] = static_cast<std::int16_t>(synapseCode(syn[i]));
            // Rounds half up (towards +infinity); the same on every machine.
            const std::int64_t scaled = (std::int64_t{base[i]} * q[pop[local]] + half) >> kRhoShift;
            syn[i] = packSynapse(local, static_cast<std::int32_t>(std::clamp<std::int64_t>(scaled, -kMaxCode, kMaxCode)));
        }
    });
    for (int k = 0; k < shards; ++k)
        if (range[k][1] > range[k][0]) net.scaling.base[k][x].saved |= targets;
}

/// The weight scaling for the wanted ratios, and which codes must change.
struct ScalingPlan {
    WeightScaling scaling;
    std::array<std::array<bool, kNumPops>, kColumns> rewrite{}; ///< [x][y]
    bool anyRewrite = false;
};

ScalingPlan planScaling(const Network& net, const std::array<std::array<double, kColumns>, kNumPops>& r) {
    ScalingPlan plan;
    const WeightScaling& now = net.scaling;
    plan.scaling.unitEx = now.unitEx;
    plan.scaling.unitIn = now.unitIn;
    plan.scaling.rho = now.rho;
    for (int y = 0; y < kNumPops; ++y) {
        for (const bool excitatory : {true, false}) {
            std::vector<int> columns;
            for (int x = 0; x < kColumns; ++x)
                if (excitatoryColumn(x) == excitatory && projectionSynapses(net.derived, y, x) > 0)
                    columns.push_back(x);
            double& unit = excitatory ? plan.scaling.unitEx[y] : plan.scaling.unitIn[y];
            if (columns.empty()) continue;
            double largest = 0.0;
            bool alike = true;
            for (int x : columns) {
                largest = std::max(largest, r[y][x]);
                alike = alike && nearlyEqual(r[y][x], r[y][columns.front()]);
            }
            std::array<double, kColumns> rho = plan.scaling.rho[y];
            if (largest == 0.0) {
                unit = 0.0; // nothing arrives: keep the codes as they are
            } else if (alike) {
                unit = largest;
                for (int x : columns) rho[x] = 1.0;
            } else {
                bool fits = unit > 0.0;
                for (int x : columns)
                    fits = fits && r[y][x] / unit * largestBuiltCode(net, y, x) <= kMaxCode;
                if (!fits) unit = largest;
                for (int x : columns) rho[x] = r[y][x] / unit;
            }
            for (int x : columns) {
                if (rho[x] == plan.scaling.rho[y][x]) continue;
                plan.scaling.rho[y][x] = rho[x];
                plan.rewrite[x][y] = true;
                plan.anyRewrite = true;
            }
        }
        plan.scaling.split = plan.scaling.split || plan.scaling.unitEx[y] != plan.scaling.unitIn[y];
    }
    return plan;
}

/// Wanted weight ratios (current mean weight / built mean weight) per projection.
std::array<std::array<double, kColumns>, kNumPops> weightRatios(const Network& net, const DerivedParams& d) {
    std::array<std::array<double, kColumns>, kNumPops> r{};
    for (int y = 0; y < kNumPops; ++y)
        for (int x = 0; x < kColumns; ++x) {
            r[y][x] = 1.0;
            if (projectionSynapses(net.builtDerived, y, x) == 0) continue;
            const double built = meanWeight(net.builtDerived, y, x), now = meanWeight(d, y, x);
            if (built == 0.0) {
                if (now == 0.0) continue;
                const char* source = x == kThalamus ? "thalamus" : kPopNames[x];
                char buf[256];
                std::snprintf(buf, sizeof buf,
                              "the %s -> %s synapses were built with weight 0; giving them a weight needs a rebuild",
                              source, kPopNames[y]);
                throw ConfigError(buf);
            }
            r[y][x] = now / built;
        }
    return r;
}

void applyScaling(Network& net, const ScalingPlan& plan) {
    const auto rewrite = [&] {
        net.scaling.rho = plan.scaling.rho;
        for (int x = 0; x < kColumns; ++x) {
            std::uint32_t targets = 0;
            for (int y = 0; y < kNumPops; ++y)
                if (plan.rewrite[x][y]) targets |= 1u << y;
            if (targets != 0) rewriteColumn(net, x, targets);
        }
    };
    changeWeights(net, plan.scaling.split, plan.anyRewrite ? std::function<void()>(rewrite) : std::function<void()>());
    net.scaling.unitEx = plan.scaling.unitEx;
    net.scaling.unitIn = plan.scaling.unitIn;
    net.scaling.rho = plan.scaling.rho;
}

} // namespace

void prepareNeurons(Network& net) {
    const NeuronParams& n = net.config.net.neuron;
    const double h = net.config.sim.sim_resolution;
    for (int p = 0; p < kNumPops; ++p) {
        const double tauM = n.tau_m[p], tauS = n.tau_syn[p], C = n.C_m[p];
        // Exact-integration propagators of iaf_psc_exp (Rotter & Diesmann 1999).
        const double P11 = std::exp(-h / tauS);
        const double P22 = std::exp(-h / tauM);
        double P21;
        if (std::abs(tauM - tauS) < 1e-9 * tauM) {
            P21 = h / C * P22; // limit tau_syn -> tau_m
        } else {
            // tau_s tau_m / (C (tau_m - tau_s)) (P22 - P11), written with expm1 to
            // stay accurate when the time constants are close.
            const double a = h / tauM, b = h / tauS;
            P21 = tauS * tauM / (C * (tauM - tauS)) * std::exp(-a) * (-std::expm1(a - b));
        }
        PopulationConstants& k = net.pops[p];
        k.P11 = static_cast<float>(P11);
        k.P21 = static_cast<float>(P21);
        k.P22 = static_cast<float>(P22);
        k.P20 = static_cast<float>(tauM / C * -std::expm1(-h / tauM));
        k.theta = static_cast<float>(n.V_th[p] - n.E_L[p]);
        k.vReset = static_cast<float>(n.V_reset[p] - n.E_L[p]);
        k.refractorySteps = static_cast<std::int32_t>(toSteps(n.t_ref[p], h));
        k.iConst = net.derived.dc_amp[p] + n.I_e[p];
        k.wExt = static_cast<float>(net.derived.weight_ext[p]);
    }
}

void preparePoisson(Network& net) {
    const double h = net.config.sim.sim_resolution;
    for (int p = 0; p < kNumPops; ++p)
        net.poisson[p] = makePoissonTable(net.derived.poisson_rate[p] * h * 1e-3);
    net.poissonDelaySteps = static_cast<std::int32_t>(toSteps(net.config.net.delay_poisson, h));
    net.thalamicPoisson = makePoissonTable(net.config.stim.th_rate * h * 1e-3);
}

void applyLiveConfig(Network& net, const Config& config) {
    config.validate();
    for (const std::string& field : changedFields(net.config, config))
        if (!isLiveField(field))
            throw ConfigError(field + " cannot change while the network runs: it needs a rebuild");
    const DerivedParams derived = deriveLive(config, net.built.net.neuron);
    const ScalingPlan plan = planScaling(net, weightRatios(net, derived)); // throws before anything changes
    const NeuronParams before = net.config.net.neuron;
    net.config = config;
    net.config.events.clear();
    net.derived = derived;
    // v is kept relative to E_L: a new E_L keeps the membrane potential
    // itself, as NEST does.
    for (int p = 0; p < kNumPops; ++p) {
        const float shift = static_cast<float>(before.E_L[p] - config.net.neuron.E_L[p]);
        if (shift == 0.0f) continue;
        for (std::int32_t i = derived.first_neuron[p]; i < derived.first_neuron[p + 1]; ++i) net.v[i] += shift;
    }
    prepareNeurons(net);
    preparePoisson(net);
    applyScaling(net, plan);
}

} // namespace mc::detail

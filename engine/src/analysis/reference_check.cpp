#include "microcircuit/reference_check.hpp"

#include "microcircuit/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mc {
namespace {

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

std::string fmt(const char* format, double a, double b = 0.0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, format, a, b);
    return buf;
}

} // namespace

std::optional<std::array<double, 8>> referenceRates(double n, double k, bool poisson) {
    if (near(n, 0.1) && near(k, 0.1) && poisson) return std::array<double, 8>{0.48, 2.16, 4.07, 5.05, 6.66, 7.80, 0.84, 7.02};
    if (near(n, 0.2) && near(k, 0.2) && !poisson) return std::array<double, 8>{0.63, 2.28, 3.84, 4.91, 7.32, 7.65, 0.84, 6.81};
    if (near(n, 0.5) && near(k, 0.5) && !poisson) return std::array<double, 8>{0.69, 2.62, 4.10, 5.43, 7.66, 8.14, 1.06, 7.36};
    if (near(n, 1.0) && near(k, 1.0)) return std::array<double, 8>{0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829};
    return std::nullopt;
}

double rateBandHalfWidth(const SeedSpread* spread, int pop, double ref, int neurons, double windowMs) {
    if (!spread || pop < 0 || pop >= 8 || !(spread->rateMean[pop] > 0.0)) return kRateTolerance * ref;
    const double mean = spread->rateMean[pop];
    double var = spread->rateSd[pop] * spread->rateSd[pop];
    // A shorter window adds Poisson counting noise: the variance of a mean
    // rate over n neurons and T seconds is rate / (n T).
    if (windowMs > 0.0 && windowMs < kCalibrationWindowMs && neurons > 0)
        var += mean / neurons * (1e3 / windowMs - 1e3 / kCalibrationWindowMs);
    return std::max(kBandSigmas * std::sqrt(var) * ref / mean, kBandFloor * ref);
}

HealthReport checkAgainstReference(const SpikeData& data, double tMin, double tMax, const Config& config) {
    const bool poisson = config.net.bg_input_type == "poisson";
    return checkAgainstReference(data, tMin, tMax, config,
                                 seedSpread(config.net.N_scaling, config.net.K_scaling, poisson));
}

HealthReport checkAgainstReference(const SpikeData& data, double tMin, double tMax, const Config& config,
                                   const SeedSpread* spread) {
    HealthReport r;
    const bool poisson = config.net.bg_input_type == "poisson";
    const auto ref = referenceRates(config.net.N_scaling, config.net.K_scaling, poisson);
    if (!ref) spread = nullptr;
    r.haveReference = ref.has_value();
    r.calibrated = spread != nullptr;
    if (spread)
        r.bandNote = fmt("NEST rate +- %.0f sd of this engine's seed spread (%.0f seeds)", kBandSigmas, static_cast<double>(spread->seeds));
    else if (ref)
        r.bandNote = fmt("NEST rate +- %.0f %% (no calibrated spread for this scale)", kRateTolerance * 100);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::string problems;
    for (std::size_t p = 0; p < data.populations.size(); ++p) {
        const PopulationSpikes& pop = data.populations[p];
        PopulationCheck c;
        c.name = pop.name;
        c.health = assessPopulation(pop, tMin, tMax);
        std::vector<double> cvs;
        for (int i = 0; i < pop.size(); ++i) {
            const double cv = trainCv(pop.neuron(i), tMin, tMax);
            if (std::isfinite(cv)) cvs.push_back(cv);
        }
        c.meanCv = cvs.empty() ? nan : meanOf(cvs);
        c.referenceRate = ref && p < ref->size() ? (*ref)[p] : nan;
        c.rateRatio = c.health.meanRate / c.referenceRate;
        const double half = rateBandHalfWidth(spread, static_cast<int>(p), c.referenceRate, pop.size(), tMax - tMin);
        c.bandLow = c.referenceRate - half;
        c.bandHigh = c.referenceRate + half;
        c.cvExpected = spread && p < 8 ? spread->cvMean[p] : nan;
        c.cvSpread = spread && p < 8 ? spread->cvSd[p] : nan;
        const bool outside = std::isfinite(c.referenceRate) && (c.health.meanRate < c.bandLow || c.health.meanRate > c.bandHigh);
        std::string what;
        if (c.health.state != ActivityState::AsynchronousIrregular) {
            c.stateOk = false;
            what = c.health.state == ActivityState::Synchronous
                       ? "synchronous: " + c.name + " population Fano factor " + fmt("%.3g", c.health.fano)
                       : c.name + " " + stateName(c.health.state) + fmt(" (%.3g Hz)", c.health.meanRate);
        } else if (outside) {
            c.rateOk = false;
            what = c.name + " " +
                   (c.rateRatio > 1.0 ? fmt("%.2gx above the reference (%.3g Hz)", c.rateRatio, c.referenceRate)
                                      : fmt("%.2gx below the reference (%.3g Hz)", c.rateRatio, c.referenceRate));
        } else if (std::isfinite(c.meanCv) && (c.meanCv < kCvLow || c.meanCv > kCvHigh)) {
            c.cvOk = false;
            what = c.name + (c.meanCv < kCvLow ? " too regular" : " too bursty") + fmt(": mean ISI CV %.2f", c.meanCv);
        }
        // The rate is also judged for populations whose state is off.
        if (outside) c.rateOk = false;
        c.problem = what;
        if (!what.empty()) {
            r.healthy = false;
            problems += (problems.empty() ? "" : "; ") + what;
        }
        r.populations.push_back(std::move(c));
    }
    if (r.healthy)
        r.verdict = !r.haveReference ? "asynchronous irregular (no reference rates for this scale and drive)"
                    : r.calibrated   ? "asynchronous irregular, like the reference"
                                     : "asynchronous irregular, like the reference (band +-30 %: no calibrated spread for this scale)";
    else
        r.verdict = problems;
    return r;
}

} // namespace mc

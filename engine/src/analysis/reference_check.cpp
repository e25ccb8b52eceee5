#include "microcircuit/reference_check.hpp"

#include "microcircuit/analysis.hpp"

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

HealthReport checkAgainstReference(const SpikeData& data, double tMin, double tMax, const Config& config) {
    HealthReport r;
    const auto ref = referenceRates(config.net.N_scaling, config.net.K_scaling, config.net.bg_input_type == "poisson");
    r.haveReference = ref.has_value();
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
        std::string what;
        if (c.health.state != ActivityState::AsynchronousIrregular) {
            c.stateOk = false;
            what = c.health.state == ActivityState::Synchronous
                       ? "synchronous: " + c.name + " population Fano factor " + fmt("%.3g", c.health.fano)
                       : c.name + " " + stateName(c.health.state) + fmt(" (%.3g Hz)", c.health.meanRate);
        } else if (std::isfinite(c.rateRatio) && std::abs(c.rateRatio - 1.0) > kRateTolerance) {
            c.rateOk = false;
            what = c.name + " " +
                   (c.rateRatio > 1.0 ? fmt("%.2gx above the reference (%.3g Hz)", c.rateRatio, c.referenceRate)
                                      : fmt("%.2gx below the reference (%.3g Hz)", c.rateRatio, c.referenceRate));
        } else if (std::isfinite(c.meanCv) && (c.meanCv < kCvLow || c.meanCv > kCvHigh)) {
            c.cvOk = false;
            what = c.name + (c.meanCv < kCvLow ? " too regular" : " too bursty") + fmt(": mean ISI CV %.2f", c.meanCv);
        }
        // The rate is also judged for populations whose state is off.
        if (std::isfinite(c.rateRatio) && std::abs(c.rateRatio - 1.0) > kRateTolerance) c.rateOk = false;
        c.problem = what;
        if (!what.empty()) {
            r.healthy = false;
            problems += (problems.empty() ? "" : "; ") + what;
        }
        r.populations.push_back(std::move(c));
    }
    if (r.healthy)
        r.verdict = r.haveReference ? "asynchronous irregular, like the reference"
                                    : "asynchronous irregular (no reference rates for this scale and drive)";
    else
        r.verdict = problems;
    return r;
}

} // namespace mc

#include "microcircuit/spectrum.hpp"

#include "microcircuit/analysis.hpp"
#include "microcircuit/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#ifdef MC_HAVE_FFTW
#include <fftw3.h>
#endif

namespace mc {

bool haveSpectra() {
#ifdef MC_HAVE_FFTW
    return true;
#else
    return false;
#endif
}

Spectrum welchSpectrum(std::span<const double> signal, const SpectrumOptions& options) {
#ifndef MC_HAVE_FFTW
    (void)signal;
    (void)options;
    throw ConfigError("spectra need FFTW3: this build of microcircuit has none (install libfftw3-dev and rebuild)");
#else
    if (!(options.binMs > 0.0)) throw ConfigError("spectrum bin " + std::to_string(options.binMs) + " ms must be > 0");
    if (signal.size() < 4) throw ConfigError("spectrum: the interval holds fewer than 4 bins");
    std::size_t n = static_cast<std::size_t>(std::llround(options.segmentMs / options.binMs));
    n = std::clamp<std::size_t>(n, 4, signal.size());
    const std::size_t step = std::max<std::size_t>(1, n / 2);
    const double fs = 1000.0 / options.binMs; // Hz
    std::vector<double> window(n);
    double wsum2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
        wsum2 += window[i] * window[i];
    }
    const std::size_t nf = n / 2 + 1;
    double* in = fftw_alloc_real(n);
    fftw_complex* out = fftw_alloc_complex(nf);
    fftw_plan plan = fftw_plan_dft_r2c_1d(static_cast<int>(n), in, out, FFTW_ESTIMATE);
    std::vector<double> acc(nf, 0.0);
    int segments = 0;
    for (std::size_t start = 0; start + n <= signal.size(); start += step, ++segments) {
        double mean = 0.0;
        for (std::size_t i = 0; i < n; ++i) mean += signal[start + i];
        mean /= static_cast<double>(n);
        for (std::size_t i = 0; i < n; ++i) in[i] = (signal[start + i] - mean) * window[i];
        fftw_execute(plan);
        for (std::size_t k = 0; k < nf; ++k) acc[k] += out[k][0] * out[k][0] + out[k][1] * out[k][1];
    }
    fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(out);

    Spectrum s;
    s.segments = segments;
    s.resolutionHz = fs / static_cast<double>(n);
    s.peakHz = std::numeric_limits<double>::quiet_NaN();
    double best = -1.0;
    for (std::size_t k = 0; k < nf; ++k) {
        const double f = static_cast<double>(k) * s.resolutionHz;
        if (f > options.maxHz + 1e-9) break;
        // One-sided density: both halves, except at 0 Hz and at Nyquist.
        const bool edge = k == 0 || (n % 2 == 0 && k == nf - 1);
        const double p = acc[k] / segments / (fs * wsum2) * (edge ? 1.0 : 2.0);
        s.freqHz.push_back(f);
        s.power.push_back(p);
        if (k > 0 && p > best) {
            best = p;
            s.peakHz = f;
        }
    }
    return s;
#endif
}

Spectrum populationSpectrum(const PopulationSpikes& pop, double tMin, double tMax, const SpectrumOptions& options) {
    if (!(options.binMs > 0.0)) throw ConfigError("spectrum bin " + std::to_string(options.binMs) + " ms must be > 0");
    // The rate series is held whole: refuse an interval whose bins would
    // take more than 80 MB (about 2.8 h of model time in 1 ms bins).
    constexpr double kMaxBins = 1e7;
    if ((tMax - tMin) / options.binMs > kMaxBins)
    {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "spectrum: the interval %g-%g ms has more than 10^7 bins of %g ms; choose a shorter one with "
                      "--t-min/--t-max",
                      tMin, tMax, options.binMs);
        throw ConfigError(buf);
    }
    const std::vector<double> rate = populationRate(pop, tMin, tMax, options.binMs);
    return welchSpectrum(rate, options);
}

Psth pulsePsth(const PopulationSpikes& pop, std::span<const double> onsetsMs, double dataEndMs,
               const PsthOptions& options) {
    if (!(options.binMs > 0.0) || !(options.beforeMs >= 0.0) || !(options.afterMs > 0.0))
        throw ConfigError("PSTH window: bin must be > 0 ms, before >= 0 ms, after > 0 ms");
    const auto before = static_cast<long>(std::llround(options.beforeMs / options.binMs));
    const auto after = static_cast<long>(std::llround(options.afterMs / options.binMs));
    const std::size_t nb = static_cast<std::size_t>(before + after);
    Psth h;
    for (std::size_t b = 0; b < nb; ++b) h.timeMs.push_back((static_cast<double>(b) - before) * options.binMs);
    std::vector<double> sum(nb, 0.0), sumSq(nb, 0.0);
    const double perBinHz = pop.size() > 0 ? 1000.0 / (options.binMs * pop.size()) : 0.0;
    std::vector<double> sorted(pop.times);
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> trial(nb);
    for (double onset : onsetsMs) {
        const double lo = onset - before * options.binMs, hi = onset + after * options.binMs;
        if (lo < 0.0 || hi > dataEndMs + 1e-9) continue;
        std::fill(trial.begin(), trial.end(), 0.0);
        for (auto it = std::lower_bound(sorted.begin(), sorted.end(), lo); it != sorted.end() && *it < hi; ++it) {
            const auto b = static_cast<std::size_t>((*it - lo) / options.binMs);
            if (b < nb) trial[b] += perBinHz;
        }
        for (std::size_t b = 0; b < nb; ++b) {
            sum[b] += trial[b];
            sumSq[b] += trial[b] * trial[b];
        }
        ++h.trials;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    h.peakMs = nan;
    double best = -1.0;
    for (std::size_t b = 0; b < nb; ++b) {
        const double n = h.trials;
        const double m = h.trials > 0 ? sum[b] / n : nan;
        double sem = nan;
        if (h.trials > 1) sem = std::sqrt(std::max(0.0, (sumSq[b] - n * m * m) / (n - 1.0)) / n);
        h.mean.push_back(m);
        h.sem.push_back(sem);
        if (h.trials > 0 && h.timeMs[b] >= -1e-9 && m > best) {
            best = m;
            h.peakMs = h.timeMs[b];
        }
    }
    return h;
}

} // namespace mc

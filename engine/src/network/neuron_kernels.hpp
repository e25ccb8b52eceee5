// Shared parts of the neuron update loops (neuron_update*.cpp): the step's
// constants, the portable loop, and the choice of loop variant. The SIMD
// loops do the same IEEE single-precision operations in the same order as
// the portable one (no FMA: the project builds with -ffp-contract=off), so
// every variant gives bit-identical states and spikes.
#pragma once

#include "neuron_update.hpp"
#include "random.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace mc::detail {

/// The step's constants in the form the loops use.
struct Kernel {
    float P11, P21, P22, drive, theta, vReset, unitEx, unitIn, wExt;
    std::int32_t refractorySteps;
    std::uint32_t key;
    const std::uint32_t* cdf;
    std::uint32_t cdfSize;
    /// Thresholds tested for every neuron; draws at or above cdf[vectorThresholds - 1]
    /// (at most 1 in 1024) test the rest one by one.
    std::uint32_t vectorThresholds;
    bool split; ///< separate inhibitory accumulator

    explicit Kernel(const UpdateConstants& c)
        : P11(c.P11), P21(c.P21), P22(c.P22), drive(c.P20 * c.iConst), theta(c.theta), vReset(c.vReset),
          unitEx(c.unitEx), unitIn(c.unitIn), wExt(c.wExt), refractorySteps(c.refractorySteps), key(c.poissonKey),
          cdf(c.cdf), cdfSize(c.cdf ? c.cdfSize : 0), vectorThresholds(0), split(c.split) {
        constexpr std::uint32_t rare = 1u << 22; // 2^32 / 1024
        while (vectorThresholds < cdfSize && 0u - cdf[vectorThresholds] > rare)
            ++vectorThresholds;
        vectorThresholds = std::min(vectorThresholds + 1, cdfSize);
    }
};

/// The portable loop over neurons [from, to) of the range.
template <bool Poisson, bool Split>
void updateScalar(const NeuronRange& r, const Kernel& k, std::int32_t from, std::int32_t to,
                  std::vector<std::int32_t>& spikes) {
    for (std::int32_t j = from; j < to; ++j) {
        float input = static_cast<float>(r.inputEx[j]) * k.unitEx;
        r.inputEx[j] = 0;
        if constexpr (Poisson) {
            const std::uint32_t u = neuronDraw(k.key, static_cast<std::uint32_t>(r.first + j));
            input = input + static_cast<float>(poissonCount(u, k.cdf, k.cdfSize)) * k.wExt;
        }
        if constexpr (Split) {
            input = input + static_cast<float>(r.inputIn[j]) * k.unitIn;
            r.inputIn[j] = 0;
        }
        const std::int32_t ref = r.refractory[j];
        const float vOld = r.v[j];
        const float integrated = (k.P22 * vOld + k.P21 * r.current[j]) + k.drive;
        const float vNew = ref == 0 ? integrated : vOld;
        r.current[j] = r.current[j] * k.P11 + input;
        const bool spike = vNew >= k.theta;
        r.v[j] = spike ? k.vReset : vNew;
        r.refractory[j] = spike ? k.refractorySteps : std::max(ref - 1, 0);
        if (spike) spikes.push_back(r.first + j);
    }
}

/// The SIMD loops run over chunks of kChunk vectors, keep each vector's spike
/// mask, and append the spikes after the chunk: with no call inside the
/// loop, the compiler keeps every constant in a register.
inline constexpr int kChunk = 64;
template <int Lanes, class Mask>
void appendSpikes(const Mask* masks, int vectors, std::int32_t first, std::vector<std::int32_t>& spikes) {
    for (int b = 0; b < vectors; ++b)
        for (unsigned m = masks[b]; m; m &= m - 1)
            spikes.push_back(first + b * Lanes + __builtin_ctz(m));
}

/// Runs Loop::run<Poisson, Split, NV> for the kernel's mode; NV, the number
/// of Poisson thresholds compared for every neuron, is a compile-time
/// constant so the compares unroll. Returns how many neurons the loop did;
/// 0 when no variant fits (the portable loop then does them all).
template <class Loop> std::int32_t runLoop(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
    const auto poisson = [&]<bool Split>() -> std::int32_t {
        const std::uint32_t nv = k.vectorThresholds;
        if (nv <= 2) return Loop::template run<true, Split, 2>(r, k, spikes);
        if (nv <= 3) return Loop::template run<true, Split, 3>(r, k, spikes);
        if (nv <= 4) return Loop::template run<true, Split, 4>(r, k, spikes);
        if (nv <= 6) return Loop::template run<true, Split, 6>(r, k, spikes);
        if (nv <= 8) return Loop::template run<true, Split, 8>(r, k, spikes);
        if (nv <= 12) return Loop::template run<true, Split, 12>(r, k, spikes);
        if (nv <= 16) return Loop::template run<true, Split, 16>(r, k, spikes);
        if (nv <= 24) return Loop::template run<true, Split, 24>(r, k, spikes);
        return 0;
    };
    if (k.cdfSize > 0) return k.split ? poisson.template operator()<true>() : poisson.template operator()<false>();
    return k.split ? Loop::template run<false, true, 0>(r, k, spikes)
                   : Loop::template run<false, false, 0>(r, k, spikes);
}

/// The vector loops; each returns how many neurons it did. updateVector is
/// plain C++ that the compiler vectorises (every architecture); the AVX ones
/// are built on x86-64 only (MC_X86_SIMD_LOOPS).
std::int32_t updateVector(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes);
std::int32_t updateAvx2(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes);
std::int32_t updateAvx512(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes);

} // namespace mc::detail

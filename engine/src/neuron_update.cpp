#include "neuron_update.hpp"

#include "random.hpp"

#include <algorithm>
#include <cstring>

namespace mc::detail {
namespace {

constexpr int kBlock = 256;

/// Poisson thresholds for a fixed number K of comparisons: count = number of
/// k with u > cdf[k] - 1; unused entries hold 0xFFFFFFFF, which no draw
/// exceeds. Stored with the sign bit flipped, as is the draw, so that a
/// signed comparison (the one AVX2 has) gives the unsigned order.
template <int K>
struct Limits {
    std::int32_t limit[K > 0 ? K : 1];
    explicit Limits(const UpdateConstants& c) {
        for (int k = 0; k < K; ++k) {
            const std::uint32_t l =
                k < static_cast<int>(c.cdfSize) ? (c.cdf[k] == 0 ? 0u : c.cdf[k] - 1u) : 0xFFFFFFFFu;
            limit[k] = static_cast<std::int32_t>(l ^ 0x80000000u);
        }
    }
};

// One fused, branch-free loop per block: input, Poisson count, integration,
// threshold. K (compile time) fixes the number of Poisson comparisons so the
// compiler unrolls them and vectorises over neurons. Compiled twice (AVX2 and
// baseline x86-64) and picked at load time; only integer operations and IEEE
// float multiplies/adds in a fixed order (no FMA contraction:
// -ffp-contract=off), so both versions give identical results.
// K = -1: the Poisson input was computed beforehand into `extra` (pA).
// The state arrays are __restrict parameters: gcc honours restrict on
// parameters, not on local pointers, and needs it to vectorise.
// ThreadSanitizer cannot load the ifunc resolver of target_clones.
#if defined(__SANITIZE_THREAD__)
#define MC_CLONES
#else
#define MC_CLONES __attribute__((target_clones("avx2", "default")))
#endif

template <int K>
MC_CLONES void updateKernel(
    int n, std::uint32_t id0, const UpdateConstants& c, std::int32_t* __restrict accEx,
    std::int32_t* __restrict accIn, float* __restrict v, float* __restrict iEx, float* __restrict iIn,
    std::int32_t* __restrict refractory, const float* __restrict extra, std::uint8_t* __restrict fired) {
    const Limits<K> lim(c);
    // Constants in locals: stores through the state pointers cannot alias them.
    const float P11 = c.P11, P21 = c.P21, P22 = c.P22, drive = c.P20 * c.iConst;
    const float theta = c.theta, vReset = c.vReset, unitEx = c.unitEx, unitIn = c.unitIn, wExt = c.wExt;
    const std::int32_t refractorySteps = c.refractorySteps;
    const std::uint32_t key = c.poissonKey;
    for (int j = 0; j < n; ++j) {
        float inEx = static_cast<float>(accEx[j]) * unitEx;
        const float inIn = static_cast<float>(accIn[j]) * unitIn;
        accEx[j] = 0;
        accIn[j] = 0;
        if constexpr (K > 0) {
            // Poisson count by inversion of a uniform draw keyed by (step, neuron).
            const std::int32_t u =
                static_cast<std::int32_t>(neuronDraw(key, id0 + static_cast<std::uint32_t>(j)) ^ 0x80000000u);
            std::int32_t count = 0;
#pragma GCC unroll 32
            for (int k = 0; k < K; ++k) count += u > lim.limit[k] ? 1 : 0;
            inEx += static_cast<float>(count) * wExt;
        } else if constexpr (K < 0) {
            inEx += extra[j];
        }
        const std::int32_t ref = refractory[j];
        const float vOld = v[j];
        const float integrated = P22 * vOld + P21 * (iEx[j] + iIn[j]) + drive;
        const float vj = ref == 0 ? integrated : vOld;
        const std::int32_t refj = ref == 0 ? 0 : ref - 1;
        iEx[j] = iEx[j] * P11 + inEx;
        iIn[j] = iIn[j] * P11 + inIn;
        const bool spike = vj >= theta;
        v[j] = spike ? vReset : vj;
        refractory[j] = spike ? refractorySteps : refj;
        fired[j] = spike ? 1 : 0;
    }
}

template <int K>
void updateBlock(const NeuronRange& r, std::int32_t offset, int n, const UpdateConstants& c, const float* extra,
                 std::uint8_t* fired) {
    updateKernel<K>(n, static_cast<std::uint32_t>(r.first + offset), c, r.inputEx + offset, r.inputIn + offset,
                    r.v + offset, r.iEx + offset, r.iIn + offset, r.refractory + offset, extra, fired);
}

using BlockFunction = void (*)(const NeuronRange&, std::int32_t, int, const UpdateConstants&, const float*,
                               std::uint8_t*);

BlockFunction blockFunction(const UpdateConstants& c) {
    if (!c.cdf) return &updateBlock<0>;
    if (c.cdfSize <= 8) return &updateBlock<8>;
    if (c.cdfSize <= 12) return &updateBlock<12>;
    if (c.cdfSize <= 16) return &updateBlock<16>;
    if (c.cdfSize <= 24) return &updateBlock<24>;
    if (c.cdfSize <= 32) return &updateBlock<32>;
    return nullptr;
}

/// Any mean Poisson count (more than 32 thresholds): counts by a plain loop.
void updateBlockLargeMean(const NeuronRange& r, std::int32_t offset, int n, const UpdateConstants& c,
                          std::uint8_t* fired) {
    float extra[kBlock];
    const std::uint32_t id0 = static_cast<std::uint32_t>(r.first + offset);
    for (int j = 0; j < n; ++j) {
        const std::uint32_t u = neuronDraw(c.poissonKey, id0 + static_cast<std::uint32_t>(j));
        std::uint32_t count = 0;
        while (count < c.cdfSize && u >= c.cdf[count]) ++count;
        extra[j] = static_cast<float>(static_cast<std::int32_t>(count)) * c.wExt;
    }
    updateBlock<-1>(r, offset, n, c, extra, fired);
}

} // namespace

void updateNeurons(const NeuronRange& range, const UpdateConstants& c, std::vector<std::int32_t>& spikes) {
    std::uint8_t fired[kBlock + 8] = {};
    const BlockFunction block = blockFunction(c);
    for (std::int32_t offset = 0; offset < range.n; offset += kBlock) {
        const int n = static_cast<int>(std::min<std::int32_t>(kBlock, range.n - offset));
        if (block) block(range, offset, n, c, nullptr, fired);
        else updateBlockLargeMean(range, offset, n, c, fired);
        // Spikes are rare: skip 8 flags at a time.
        for (int j = 0; j < n; j += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, fired + j, 8);
            if (word == 0) continue;
            for (int k = j; k < std::min(j + 8, n); ++k)
                if (fired[k]) spikes.push_back(range.first + offset + k);
        }
    }
}

} // namespace mc::detail

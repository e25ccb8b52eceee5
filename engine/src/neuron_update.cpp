#include "neuron_update.hpp"

#include "random.hpp"

#include <algorithm>
#include <cstring>

namespace mc::detail {
namespace {

constexpr int kBlock = 256;

// Compiled twice (AVX2 and baseline x86-64) and picked at load time. Only
// integer operations and IEEE float multiplies/adds in a fixed order (no FMA
// contraction: -ffp-contract=off), so both versions give identical results.
__attribute__((target_clones("avx2", "default"))) void updateBlock(const NeuronRange& r, std::int32_t offset,
                                                                   int n, const UpdateConstants& c,
                                                                   std::uint8_t* fired) {
    float inEx[kBlock], inIn[kBlock];
    std::int32_t* __restrict accEx = r.inputEx + offset;
    std::int32_t* __restrict accIn = r.inputIn + offset;
    for (int j = 0; j < n; ++j) {
        inEx[j] = static_cast<float>(accEx[j]) * c.unitEx;
        inIn[j] = static_cast<float>(accIn[j]) * c.unitIn;
        accEx[j] = 0;
        accIn[j] = 0;
    }
    if (c.cdf) {
        // Poisson count by inversion: the number of thresholds at or below a
        // uniform 32-bit draw keyed by (step, neuron).
        std::uint32_t u[kBlock], count[kBlock];
        const std::uint32_t id0 = static_cast<std::uint32_t>(r.first + offset);
        for (int j = 0; j < n; ++j) {
            u[j] = neuronDraw(c.poissonKey, id0 + static_cast<std::uint32_t>(j));
            count[j] = 0;
        }
        for (std::uint32_t k = 0; k < c.cdfSize; ++k) {
            const std::uint32_t t = c.cdf[k];
            for (int j = 0; j < n; ++j) count[j] += u[j] >= t ? 1u : 0u;
        }
        for (int j = 0; j < n; ++j) inEx[j] += static_cast<float>(static_cast<std::int32_t>(count[j])) * c.wExt;
    }
    float* __restrict v = r.v + offset;
    float* __restrict iEx = r.iEx + offset;
    float* __restrict iIn = r.iIn + offset;
    std::int32_t* __restrict refractory = r.refractory + offset;
    // Constants in locals: stores through the state pointers cannot alias them.
    const float P11 = c.P11, P21 = c.P21, P22 = c.P22, drive = c.P20 * c.iConst;
    const float theta = c.theta, vReset = c.vReset;
    const std::int32_t refractorySteps = c.refractorySteps;
    for (int j = 0; j < n; ++j) {
        const std::int32_t ref = refractory[j];
        const float vOld = v[j];
        const float integrated = P22 * vOld + P21 * (iEx[j] + iIn[j]) + drive;
        const float vj = ref == 0 ? integrated : vOld;
        const std::int32_t refj = ref == 0 ? 0 : ref - 1;
        iEx[j] = iEx[j] * P11 + inEx[j];
        iIn[j] = iIn[j] * P11 + inIn[j];
        const bool spike = vj >= theta;
        v[j] = spike ? vReset : vj;
        refractory[j] = spike ? refractorySteps : refj;
        fired[j] = spike ? 1 : 0;
    }
}

} // namespace

void updateNeurons(const NeuronRange& range, const UpdateConstants& c, std::vector<std::int32_t>& spikes) {
    std::uint8_t fired[kBlock + 8] = {};
    for (std::int32_t offset = 0; offset < range.n; offset += kBlock) {
        const int n = static_cast<int>(std::min<std::int32_t>(kBlock, range.n - offset));
        updateBlock(range, offset, n, c, fired);
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

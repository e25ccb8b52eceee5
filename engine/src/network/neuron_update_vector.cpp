// The neuron update written for the compiler to vectorise: NEON on ARM64
// (where it is the default loop), SSE2 on x86-64 processors without AVX2.
//
// The portable loop (neuron_kernels.hpp) does not vectorise: a spike's
// push_back and the Poisson count's search are control flow in the loop body
// (-fopt-info-vec-missed: "control flow in loop"). Here the same operations
// in the same order run over blocks of neurons in passes that have neither:
// the Poisson counts with NV compares (thresholds padded with 0xFFFFFFFF, as
// in the AVX loops), the exact search only for the rare draws at or above the
// last compared threshold, then the state update with selects and a spike
// flag per neuron, then the spike list. Results are bit-identical to the
// portable loop's (test_reference_path_vector, and the aarch64 test).
#include "neuron_kernels.hpp"

namespace mc::detail {
namespace {

/// Neurons per block: the counts and flags of a block stay in L1.
constexpr std::int32_t kBlock = 128;

/// Poisson counts of neurons first .. first + m - 1 (NV thresholds compared
/// for every neuron, the whole table searched for the rare rest).
template <int NV>
void poissonCounts(const Kernel& k, const std::uint32_t (&limit)[NV], std::uint32_t first, std::int32_t m,
                   std::int32_t* __restrict count) {
    const std::uint32_t key = k.key;
    std::uint32_t rare = 0;
    for (std::int32_t j = 0; j < m; ++j) {
        const std::uint32_t u = neuronDraw(key, first + static_cast<std::uint32_t>(j));
        std::int32_t c = 0;
#pragma GCC unroll 32
        for (int t = 0; t < NV; ++t)
            c += u >= limit[t];
        count[j] = c;
        rare |= u >= limit[NV - 1];
    }
    // At most 1 draw in 1024 (Kernel::vectorThresholds).
    if (rare)
        for (std::int32_t j = 0; j < m; ++j) {
            const std::uint32_t u = neuronDraw(key, first + static_cast<std::uint32_t>(j));
            if (u >= limit[NV - 1]) count[j] = poissonCount(u, k.cdf, k.cdfSize);
        }
}

/// The state update of m neurons, with the portable loop's operations in its
/// order; fired[j] says whether neuron j spiked. __restrict: the arrays never
/// overlap, so the vector loop needs no run-time overlap checks.
template <bool Poisson, bool Split>
void updateBlock(const Kernel& k, std::int32_t m, const std::int32_t* __restrict count,
                 std::int32_t* __restrict inputEx, std::int32_t* __restrict inputIn, float* __restrict v,
                 float* __restrict current, std::int32_t* __restrict refractory, std::int32_t* __restrict fired) {
    const float P11 = k.P11, P21 = k.P21, P22 = k.P22, drive = k.drive, theta = k.theta, vReset = k.vReset;
    const float unitEx = k.unitEx, unitIn = k.unitIn, wExt = k.wExt;
    const std::int32_t refSteps = k.refractorySteps;
    for (std::int32_t j = 0; j < m; ++j) {
        float input = static_cast<float>(inputEx[j]) * unitEx;
        inputEx[j] = 0;
        if constexpr (Poisson) input = input + static_cast<float>(count[j]) * wExt;
        if constexpr (Split) {
            input = input + static_cast<float>(inputIn[j]) * unitIn;
            inputIn[j] = 0;
        }
        const std::int32_t ref = refractory[j];
        const float vOld = v[j], cur = current[j];
        const float integrated = (P22 * vOld + P21 * cur) + drive;
        const float vNew = ref == 0 ? integrated : vOld;
        current[j] = cur * P11 + input;
        const bool spike = vNew >= theta;
        v[j] = spike ? vReset : vNew;
        refractory[j] = spike ? refSteps : std::max(ref - 1, 0);
        fired[j] = spike;
    }
}

struct Vector {
    template <bool Poisson, bool Split, int NV>
    static std::int32_t run(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
        std::uint32_t limit[NV > 0 ? NV : 1];
        for (int t = 0; t < NV; ++t)
            limit[t] = static_cast<std::uint32_t>(t) < k.cdfSize ? k.cdf[t] : 0xFFFFFFFFu;
        std::int32_t count[kBlock];
        std::int32_t fired[kBlock];
        for (std::int32_t block = 0; block < r.n; block += kBlock) {
            const std::int32_t m = std::min(kBlock, r.n - block);
            if constexpr (Poisson) poissonCounts<NV>(k, limit, static_cast<std::uint32_t>(r.first + block), m, count);
            updateBlock<Poisson, Split>(k, m, count, r.inputEx + block, Split ? r.inputIn + block : nullptr,
                                        r.v + block, r.current + block, r.refractory + block, fired);
            for (std::int32_t j = 0; j < m; ++j)
                if (fired[j]) spikes.push_back(r.first + block + j);
        }
        return r.n;
    }
};

} // namespace

std::int32_t updateVector(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
    return runLoop<Vector>(r, k, spikes);
}

} // namespace mc::detail

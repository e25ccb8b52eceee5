#include "neuron_update.hpp"

#include "random.hpp"

#include <algorithm>
#include <immintrin.h>

namespace mc::detail {
namespace {

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

    explicit Kernel(const UpdateConstants& c)
        : P11(c.P11), P21(c.P21), P22(c.P22), drive(c.P20 * c.iConst), theta(c.theta), vReset(c.vReset),
          unitEx(c.unitEx), unitIn(c.unitIn), wExt(c.wExt), refractorySteps(c.refractorySteps), key(c.poissonKey),
          cdf(c.cdf), cdfSize(c.cdf ? c.cdfSize : 0), vectorThresholds(0) {
        constexpr std::uint32_t rare = 1u << 22; // 2^32 / 1024
        while (vectorThresholds < cdfSize && 0u - cdf[vectorThresholds] > rare) ++vectorThresholds;
        vectorThresholds = std::min(vectorThresholds + 1, cdfSize);
    }
};

// Both loops below do the same IEEE single-precision operations in the same
// order (no FMA: the project builds with -ffp-contract=off), so the AVX2 loop
// and the portable one give bit-identical states and spikes.

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

#if defined(__x86_64__)
/// Eight neurons at a time with AVX2; returns how many neurons it did (a
/// multiple of 8), the caller does the rest. NV (a compile-time count, so the
/// compares unroll) is at least k.vectorThresholds; thresholds past the
/// table's end read 0xFFFFFFFF, which only the largest draw reaches, and that
/// draw takes the exact fix-up like any draw at or above the last threshold.
template <bool Poisson, bool Split, int NV>
__attribute__((target("avx2"))) std::int32_t updateAvx2(const NeuronRange& r, const Kernel& k,
                                                       std::vector<std::int32_t>& spikes) {
    const __m256 P11 = _mm256_set1_ps(k.P11), P21 = _mm256_set1_ps(k.P21), P22 = _mm256_set1_ps(k.P22);
    const __m256 drive = _mm256_set1_ps(k.drive), theta = _mm256_set1_ps(k.theta);
    const __m256 vReset = _mm256_set1_ps(k.vReset), unitEx = _mm256_set1_ps(k.unitEx);
    const __m256 unitIn = _mm256_set1_ps(k.unitIn), wExt = _mm256_set1_ps(k.wExt);
    const __m256i refSteps = _mm256_set1_epi32(k.refractorySteps), one = _mm256_set1_epi32(1);
    const __m256i zero = _mm256_setzero_si256();
    // Poisson draws: u = mix32(neuron * golden ^ key), compared as signed
    // integers after flipping the sign bit (AVX2 has only signed compares).
    constexpr std::uint32_t golden = 0x9E3779B1u;
    const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
    const __m256i key = _mm256_set1_epi32(static_cast<int>(k.key));
    const __m256i m1 = _mm256_set1_epi32(0x7FEB352D), m2 = _mm256_set1_epi32(static_cast<int>(0x846CA68Bu));
    const __m256i stride = _mm256_set1_epi32(static_cast<int>(8u * golden));
    __m256i hashed = _mm256_mullo_epi32(
        _mm256_add_epi32(_mm256_set1_epi32(r.first), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
        _mm256_set1_epi32(static_cast<int>(golden)));
    __m256i limit[NV > 0 ? NV : 1];
    for (int t = 0; t < NV; ++t) {
        const std::uint32_t c = static_cast<std::uint32_t>(t) < k.cdfSize ? k.cdf[t] : 0xFFFFFFFFu;
        limit[t] = _mm256_set1_epi32(static_cast<int>(c ^ 0x80000000u));
    }
    const __m256i base = _mm256_set1_epi32(NV);

    // Local copies: the compiler cannot keep r's members in registers across
    // the (rare) push_back of a spike.
    std::int32_t* const inputEx = r.inputEx;
    std::int32_t* const inputIn = r.inputIn;
    float* const v = r.v;
    float* const current = r.current;
    std::int32_t* const refractory = r.refractory;
    const std::int32_t first = r.first, n = r.n;
    std::int32_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256i* ex = reinterpret_cast<__m256i*>(inputEx + j);
        __m256 input = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256(ex)), unitEx);
        _mm256_storeu_si256(ex, zero);
        if constexpr (Poisson) {
            __m256i h = _mm256_xor_si256(hashed, key);
            hashed = _mm256_add_epi32(hashed, stride);
            h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
            h = _mm256_mullo_epi32(h, m1);
            h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 15));
            h = _mm256_mullo_epi32(h, m2);
            h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
            const __m256i u = _mm256_xor_si256(h, sign);
            // count = NV - #{t < NV : u < cdf[t]} (a true compare is -1).
            __m256i count = base, below = zero;
#pragma GCC unroll 32
            for (int t = 0; t < NV; ++t) {
                below = _mm256_cmpgt_epi32(limit[t], u);
                count = _mm256_add_epi32(count, below);
            }
            const int above = ~_mm256_movemask_ps(_mm256_castsi256_ps(below)) & 0xFF;
            if (above) {
                alignas(32) std::int32_t c[8];
                alignas(32) std::uint32_t draws[8];
                _mm256_store_si256(reinterpret_cast<__m256i*>(c), count);
                _mm256_store_si256(reinterpret_cast<__m256i*>(draws), _mm256_xor_si256(u, sign));
                for (int lane = 0; lane < 8; ++lane)
                    if (above >> lane & 1)
                        c[lane] = poissonCount(draws[lane], k.cdf, k.cdfSize);
                count = _mm256_load_si256(reinterpret_cast<const __m256i*>(c));
            }
            input = _mm256_add_ps(input, _mm256_mul_ps(_mm256_cvtepi32_ps(count), wExt));
        }
        if constexpr (Split) {
            __m256i* in = reinterpret_cast<__m256i*>(inputIn + j);
            input = _mm256_add_ps(input, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256(in)), unitIn));
            _mm256_storeu_si256(in, zero);
        }
        const __m256i ref = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(refractory + j));
        const __m256 vOld = _mm256_loadu_ps(v + j);
        const __m256 cur = _mm256_loadu_ps(current + j);
        const __m256 integrated =
            _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(P22, vOld), _mm256_mul_ps(P21, cur)), drive);
        const __m256 active = _mm256_castsi256_ps(_mm256_cmpeq_epi32(ref, zero));
        const __m256 vNew = _mm256_blendv_ps(vOld, integrated, active);
        _mm256_storeu_ps(current + j, _mm256_add_ps(_mm256_mul_ps(cur, P11), input));
        const __m256 spike = _mm256_cmp_ps(vNew, theta, _CMP_GE_OQ);
        _mm256_storeu_ps(v + j, _mm256_blendv_ps(vNew, vReset, spike));
        const __m256i refNew = _mm256_max_epi32(_mm256_sub_epi32(ref, one), zero);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(refractory + j),
                            _mm256_blendv_epi8(refNew, refSteps, _mm256_castps_si256(spike)));
        for (int mask = _mm256_movemask_ps(spike); mask; mask &= mask - 1)
            spikes.push_back(first + j + __builtin_ctz(static_cast<unsigned>(mask)));
    }
    return j;
}

bool haveAvx2() {
#if defined(__SANITIZE_THREAD__)
    return false; // ThreadSanitizer: keep to the portable loop
#else
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
#endif
}
#endif

template <bool Poisson, bool Split>
void updateAll(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
    std::int32_t done = 0;
#if defined(__x86_64__)
    if (haveAvx2()) {
        const std::uint32_t nv = k.vectorThresholds;
        if constexpr (!Poisson) done = updateAvx2<false, Split, 0>(r, k, spikes);
        else if (nv <= 2) done = updateAvx2<true, Split, 2>(r, k, spikes);
        else if (nv <= 3) done = updateAvx2<true, Split, 3>(r, k, spikes);
        else if (nv <= 4) done = updateAvx2<true, Split, 4>(r, k, spikes);
        else if (nv <= 6) done = updateAvx2<true, Split, 6>(r, k, spikes);
        else if (nv <= 8) done = updateAvx2<true, Split, 8>(r, k, spikes);
        else if (nv <= 12) done = updateAvx2<true, Split, 12>(r, k, spikes);
        else if (nv <= 16) done = updateAvx2<true, Split, 16>(r, k, spikes);
        else if (nv <= 24) done = updateAvx2<true, Split, 24>(r, k, spikes);
        // larger means: the portable loop
    }
#endif
    updateScalar<Poisson, Split>(r, k, done, r.n, spikes);
}

} // namespace

void updateNeurons(const NeuronRange& range, const UpdateConstants& c, std::vector<std::int32_t>& spikes) {
    const Kernel k(c);
    if (k.cdfSize > 0) {
        if (c.split) updateAll<true, true>(range, k, spikes);
        else updateAll<true, false>(range, k, spikes);
    } else {
        if (c.split) updateAll<false, true>(range, k, spikes);
        else updateAll<false, false>(range, k, spikes);
    }
}

} // namespace mc::detail

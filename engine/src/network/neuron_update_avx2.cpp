// The neuron update, eight neurons at a time with AVX2 (see neuron_kernels.hpp).
#include "neuron_kernels.hpp"

#include <immintrin.h>

namespace mc::detail {
namespace {

/// Eight neurons at a time with AVX2; returns how many neurons it did, the
/// caller does the rest (fewer than 8). Neurons before the first 32-byte
/// boundary go through the portable loop, so that no vector straddles two
/// cache lines. NV (a compile-time count, so the
/// compares unroll) is at least k.vectorThresholds; thresholds past the
/// table's end read 0xFFFFFFFF, which only the largest draw reaches, and that
/// draw takes the exact fix-up like any draw at or above the last threshold.
struct Avx2 {
    template <bool Poisson, bool Split, int NV>
    __attribute__((target("avx2"))) static std::int32_t run(const NeuronRange& r, const Kernel& k,
                                                            std::vector<std::int32_t>& spikes) {
        const __m256 P11 = _mm256_set1_ps(k.P11), P21 = _mm256_set1_ps(k.P21), P22 = _mm256_set1_ps(k.P22);
        const __m256 drive = _mm256_set1_ps(k.drive), theta = _mm256_set1_ps(k.theta);
        const __m256 vReset = _mm256_set1_ps(k.vReset), unitEx = _mm256_set1_ps(k.unitEx);
        const __m256 unitIn = _mm256_set1_ps(k.unitIn), wExt = _mm256_set1_ps(k.wExt);
        const __m256i refSteps = _mm256_set1_epi32(k.refractorySteps), one = _mm256_set1_epi32(1);
        const __m256i zero = _mm256_setzero_si256();
        // Poisson draws: u = mix32(neuron * golden ^ key), compared as signed
        // integers after flipping the sign bit (AVX2 has only signed compares).
        constexpr std::uint32_t golden = kGolden;
        const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
        const __m256i key = _mm256_set1_epi32(static_cast<int>(k.key));
        const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kMixMul1));
        const __m256i m2 = _mm256_set1_epi32(static_cast<int>(kMixMul2));
        const __m256i stride = _mm256_set1_epi32(static_cast<int>(8u * golden));
        const std::int32_t head = std::min(r.n, (8 - (r.first & 7)) & 7);
        updateScalar<Poisson, Split>(r, k, 0, head, spikes);
        __m256i hashed = _mm256_mullo_epi32(
            _mm256_add_epi32(_mm256_set1_epi32(r.first + head), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
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
        std::int32_t j = head;
        std::uint8_t fired[kChunk];
        while (j + 8 <= n) {
            const std::int32_t chunk = j;
            int b = 0;
            for (; b < kChunk && j + 8 <= n; ++b, j += 8) {
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
                            if (above >> lane & 1) c[lane] = poissonCount(draws[lane], k.cdf, k.cdfSize);
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
                // Most vectors have no refractory or firing neuron: their
                // counters stay 0 and are not written (a well-predicted branch).
                if (_mm256_movemask_ps(active) != 0xFF || _mm256_movemask_ps(spike) != 0) {
                    const __m256i refNew = _mm256_max_epi32(_mm256_sub_epi32(ref, one), zero);
                    _mm256_storeu_si256(reinterpret_cast<__m256i*>(refractory + j),
                                        _mm256_blendv_epi8(refNew, refSteps, _mm256_castps_si256(spike)));
                }
                fired[b] = static_cast<std::uint8_t>(_mm256_movemask_ps(spike));
            }
            appendSpikes<8>(fired, b, first + chunk, spikes);
        }
        return j;
    }
};

} // namespace

std::int32_t updateAvx2(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
    return runLoop<Avx2>(r, k, spikes);
}

} // namespace mc::detail

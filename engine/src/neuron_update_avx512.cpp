// The neuron update, sixteen neurons at a time with AVX-512 (see
// neuron_kernels.hpp). Compares give mask registers, so the selects of the
// AVX2 loop become single masked moves and the Poisson thresholds are
// compared as unsigned integers directly.
#include "neuron_kernels.hpp"

#include <immintrin.h>

// GCC 12's AVX-512 intrinsics start from a deliberately undefined vector and
// trip -Wmaybe-uninitialized (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace mc::detail {
namespace {

struct Avx512 {
    template <bool Poisson, bool Split, int NV>
    __attribute__((target("avx512f"))) static std::int32_t run(const NeuronRange& r, const Kernel& k,
                                                               std::vector<std::int32_t>& spikes) {
        const __m512 P11 = _mm512_set1_ps(k.P11), P21 = _mm512_set1_ps(k.P21), P22 = _mm512_set1_ps(k.P22);
        const __m512 drive = _mm512_set1_ps(k.drive), theta = _mm512_set1_ps(k.theta);
        const __m512 vReset = _mm512_set1_ps(k.vReset), unitEx = _mm512_set1_ps(k.unitEx);
        const __m512 unitIn = _mm512_set1_ps(k.unitIn), wExt = _mm512_set1_ps(k.wExt);
        const __m512i refSteps = _mm512_set1_epi32(k.refractorySteps), one = _mm512_set1_epi32(1);
        const __m512i zero = _mm512_setzero_si512();
        // Poisson draws: u = mix32(neuron * golden ^ key), as in neuronDraw.
        constexpr std::uint32_t golden = kGolden;
        const __m512i key = _mm512_set1_epi32(static_cast<int>(k.key));
        const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kMixMul1));
        const __m512i m2 = _mm512_set1_epi32(static_cast<int>(kMixMul2));
        const __m512i stride = _mm512_set1_epi32(static_cast<int>(16u * golden));
        __m512i hashed = _mm512_mullo_epi32(
            _mm512_add_epi32(_mm512_set1_epi32(r.first),
                             _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
            _mm512_set1_epi32(static_cast<int>(golden)));
        // Thresholds past the table's end read 0xFFFFFFFF: only the largest
        // draw reaches one, and it takes the exact fix-up below.
        __m512i limit[NV > 0 ? NV : 1];
        for (int t = 0; t < NV; ++t)
            limit[t] =
                _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(t) < k.cdfSize ? k.cdf[t] : 0xFFFFFFFFu));
        std::int32_t* const inputEx = r.inputEx;
        std::int32_t* const inputIn = r.inputIn;
        float* const v = r.v;
        float* const current = r.current;
        std::int32_t* const refractory = r.refractory;
        const std::int32_t first = r.first, n = r.n;
        // Every vector, the last one too, uses masked loads and stores, so
        // there is no leftover for the portable loop.
        std::int32_t j = 0;
        __mmask16 fired[kChunk];
        while (j < n) {
            const std::int32_t chunk = j;
            int b = 0;
            for (; b < kChunk && j < n; ++b, j += 16) {
                const __mmask16 live = n - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - j)) - 1);
                const __m512i ex = _mm512_maskz_loadu_epi32(live, inputEx + j);
                __m512 input = _mm512_mul_ps(_mm512_cvtepi32_ps(ex), unitEx);
                _mm512_mask_storeu_epi32(inputEx + j, live, zero);
                if constexpr (Poisson) {
                    __m512i h = _mm512_xor_si512(hashed, key);
                    hashed = _mm512_add_epi32(hashed, stride);
                    h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
                    h = _mm512_mullo_epi32(h, m1);
                    h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 15));
                    h = _mm512_mullo_epi32(h, m2);
                    h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
                    // count = #{t < NV : u >= cdf[t]}; lanes at or above the
                    // last threshold compared are counted again in full.
                    __m512i count = zero;
                    __mmask16 above = 0;
#pragma GCC unroll 32
                    for (int t = 0; t < NV; ++t) {
                        above = _mm512_cmpge_epu32_mask(h, limit[t]);
                        count = _mm512_mask_add_epi32(count, above, count, one);
                    }
                    above &= live;
                    if (above) {
                        alignas(64) std::int32_t c[16];
                        alignas(64) std::uint32_t draws[16];
                        _mm512_store_si512(c, count);
                        _mm512_store_si512(draws, h);
                        for (unsigned m = above; m; m &= m - 1) {
                            const int lane = __builtin_ctz(m);
                            c[lane] = poissonCount(draws[lane], k.cdf, k.cdfSize);
                        }
                        count = _mm512_load_si512(c);
                    }
                    input = _mm512_add_ps(input, _mm512_mul_ps(_mm512_cvtepi32_ps(count), wExt));
                }
                if constexpr (Split) {
                    const __m512 in = _mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(live, inputIn + j));
                    input = _mm512_add_ps(input, _mm512_mul_ps(in, unitIn));
                    _mm512_mask_storeu_epi32(inputIn + j, live, zero);
                }
                const __m512i ref = _mm512_maskz_loadu_epi32(live, refractory + j);
                const __m512 vOld = _mm512_maskz_loadu_ps(live, v + j);
                const __m512 cur = _mm512_maskz_loadu_ps(live, current + j);
                const __m512 integrated =
                    _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(P22, vOld), _mm512_mul_ps(P21, cur)), drive);
                const __m512 vNew = _mm512_mask_blend_ps(_mm512_cmpeq_epi32_mask(ref, zero), vOld, integrated);
                _mm512_mask_storeu_ps(current + j, live, _mm512_add_ps(_mm512_mul_ps(cur, P11), input));
                const __mmask16 spike = _mm512_mask_cmp_ps_mask(live, vNew, theta, _CMP_GE_OQ);
                _mm512_mask_storeu_ps(v + j, live, _mm512_mask_blend_ps(spike, vNew, vReset));
                const __m512i refNew = _mm512_max_epi32(_mm512_sub_epi32(ref, one), zero);
                _mm512_mask_storeu_epi32(refractory + j, live, _mm512_mask_blend_epi32(spike, refNew, refSteps));
                fired[b] = spike;
            }
            appendSpikes<16>(fired, b, first + chunk, spikes);
        }
        return n;
    }
};

} // namespace

std::int32_t updateAvx512(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
    return runLoop<Avx512>(r, k, spikes);
}

} // namespace mc::detail

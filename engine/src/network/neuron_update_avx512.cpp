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

#define MC_AVX512 __attribute__((target("avx512f"), always_inline)) inline

/// Loads and stores of one vector: plain for whole vectors, masked for the
/// last, partial one (a masked load costs an extra uop).
template <bool Full> struct Lanes {
    __mmask16 live;
    MC_AVX512 __m512i load(const std::int32_t* p) const {
        if constexpr (Full) return _mm512_loadu_si512(p);
        else return _mm512_maskz_loadu_epi32(live, p);
    }
    MC_AVX512 __m512 load(const float* p) const {
        if constexpr (Full) return _mm512_loadu_ps(p);
        else return _mm512_maskz_loadu_ps(live, p);
    }
    MC_AVX512 void store(std::int32_t* p, __m512i x) const {
        if constexpr (Full) _mm512_storeu_si512(p, x);
        else _mm512_mask_storeu_epi32(p, live, x);
    }
    MC_AVX512 void store(float* p, __m512 x) const {
        if constexpr (Full) _mm512_storeu_ps(p, x);
        else _mm512_mask_storeu_ps(p, live, x);
    }
};

/// The loop's constants in registers, and the update of one vector.
template <bool Poisson, bool Split, int NV> struct Avx512Step {
    __m512 P11, P21, P22, drive, theta, vReset, unitEx, unitIn, wExt;
    __m512i refSteps, one, zero, key, m1, m2, stride, hashed;
    // Thresholds past the table's end read 0xFFFFFFFF: only the largest
    // draw reaches one, and it takes the exact fix-up below.
    __m512i limit[NV > 0 ? NV : 1];
    const Kernel& k;
    // Copies, so that the compiler need not reload them after every store.
    std::int32_t *inputEx, *inputIn, *refractory;
    float *v, *current;

    __attribute__((target("avx512f"))) Avx512Step(const NeuronRange& r, const Kernel& kernel)
        : k(kernel), inputEx(r.inputEx), inputIn(r.inputIn), refractory(r.refractory), v(r.v), current(r.current) {
        P11 = _mm512_set1_ps(k.P11);
        P21 = _mm512_set1_ps(k.P21);
        P22 = _mm512_set1_ps(k.P22);
        drive = _mm512_set1_ps(k.drive);
        theta = _mm512_set1_ps(k.theta);
        vReset = _mm512_set1_ps(k.vReset);
        unitEx = _mm512_set1_ps(k.unitEx);
        unitIn = _mm512_set1_ps(k.unitIn);
        wExt = _mm512_set1_ps(k.wExt);
        refSteps = _mm512_set1_epi32(k.refractorySteps);
        one = _mm512_set1_epi32(1);
        zero = _mm512_setzero_si512();
        // Poisson draws: u = mix32(neuron * golden ^ key), as in neuronDraw.
        key = _mm512_set1_epi32(static_cast<int>(k.key));
        m1 = _mm512_set1_epi32(static_cast<int>(kMixMul1));
        m2 = _mm512_set1_epi32(static_cast<int>(kMixMul2));
        stride = _mm512_set1_epi32(static_cast<int>(16u * kGolden));
        // The first vector starts at the cache line of neuron r.first.
        hashed = _mm512_mullo_epi32(
            _mm512_add_epi32(_mm512_set1_epi32(r.first - (r.first & 15)),
                             _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
            _mm512_set1_epi32(static_cast<int>(kGolden)));
        for (int t = 0; t < NV; ++t)
            limit[t] =
                _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(t) < k.cdfSize ? k.cdf[t] : 0xFFFFFFFFu));
    }

    /// Updates neurons [j, j + 16) (the lanes of `lanes`); returns the spike mask.
    template <bool Full> MC_AVX512 __mmask16 operator()(std::int32_t j, Lanes<Full> lanes) {
        const __m512i ex = lanes.load(inputEx + j);
        __m512 input = _mm512_mul_ps(_mm512_cvtepi32_ps(ex), unitEx);
        lanes.store(inputEx + j, zero);
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
            above &= lanes.live;
            if (above) [[unlikely]] {
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
            const __m512 in = _mm512_cvtepi32_ps(lanes.load(inputIn + j));
            input = _mm512_add_ps(input, _mm512_mul_ps(in, unitIn));
            lanes.store(inputIn + j, zero);
        }
        const __m512i ref = lanes.load(refractory + j);
        const __m512 vOld = lanes.load(v + j);
        const __m512 cur = lanes.load(current + j);
        const __m512 integrated =
            _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(P22, vOld), _mm512_mul_ps(P21, cur)), drive);
        const __mmask16 resting = _mm512_testn_epi32_mask(ref, ref);
        const __m512 vNew = _mm512_mask_blend_ps(resting, vOld, integrated);
        lanes.store(current + j, _mm512_add_ps(_mm512_mul_ps(cur, P11), input));
        const __mmask16 spike = _mm512_mask_cmp_ps_mask(lanes.live, vNew, theta, _CMP_GE_OQ);
        lanes.store(v + j, _mm512_mask_blend_ps(spike, vNew, vReset));
        // A counter that is 0 and stays 0 (nearly every neuron in a step) is
        // not written, so its cache line stays clean.
        const __m512i refNew = _mm512_mask_blend_epi32(spike, _mm512_sub_epi32(ref, one), refSteps);
        _mm512_mask_storeu_epi32(refractory + j, lanes.live & (spike | static_cast<__mmask16>(~resting)), refNew);
        return spike;
    }
};

struct Avx512 {
    template <bool Poisson, bool Split, int NV>
    __attribute__((target("avx512f"))) static std::int32_t run(const NeuronRange& r, const Kernel& k,
                                                               std::vector<std::int32_t>& spikes) {
        Avx512Step<Poisson, Split, NV> step(r, k);
        // Vectors start on cache lines (the state arrays are page-aligned and
        // indexed by neuron): a range starting mid-line begins with a
        // masked vector whose first lanes belong to the neurons before it.
        // Split-line loads and stores cost the DC update ~40%.
        const std::int32_t n = r.n, head = r.first & 15;
        __mmask16 fired[kChunk];
        std::int32_t j = -head;
        if (head > 0) {
            const std::uint32_t lanes = static_cast<std::uint32_t>(std::min(16, head + n));
            fired[0] = step(j, Lanes<false>{static_cast<__mmask16>(((1u << lanes) - 1) & ~((1u << head) - 1))});
            appendSpikes<16>(fired, 1, r.first + j, spikes);
            j += 16;
        }
        while (j + 16 <= n) {
            const std::int32_t chunk = j;
            int b = 0;
            for (; b < kChunk && j + 16 <= n; ++b, j += 16) fired[b] = step(j, Lanes<true>{0xFFFF});
            appendSpikes<16>(fired, b, r.first + chunk, spikes);
        }
        if (j < n) {
            fired[0] = step(j, Lanes<false>{static_cast<__mmask16>((1u << (n - j)) - 1)});
            appendSpikes<16>(fired, 1, r.first + j, spikes);
        }
        return n;
    }
};

} // namespace

std::int32_t updateAvx512(const NeuronRange& r, const Kernel& k, std::vector<std::int32_t>& spikes) {
    return runLoop<Avx512>(r, k, spikes);
}

} // namespace mc::detail

// Picks the widest neuron update loop the processor has (AVX-512, AVX2, or
// the portable loop); MC_SIMD=avx512|avx2|portable in the environment
// narrows the choice, which the tests use to check all loops agree.
#include "neuron_kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace mc::detail {
namespace {

enum class Simd { Portable, Avx2, Avx512 };

Simd detectSimd() {
#if defined(MC_X86_SIMD_LOOPS) && !defined(__SANITIZE_THREAD__) // TSan: keep to the portable loop
    Simd best = Simd::Portable;
    if (__builtin_cpu_supports("avx2")) best = Simd::Avx2;
    if (__builtin_cpu_supports("avx512f")) best = Simd::Avx512;
    if (const char* want = std::getenv("MC_SIMD")) {
        if (std::strcmp(want, "portable") == 0)
            best = Simd::Portable;
        else if (std::strcmp(want, "avx2") == 0 && best == Simd::Avx512)
            best = Simd::Avx2;
    }
    return best;
#else
    return Simd::Portable;
#endif
}

/// The loop in use, chosen once.
Simd activeSimd() {
    static const Simd simd = detectSimd();
    return simd;
}

template <bool Poisson, bool Split>
void finish(const NeuronRange& r, const Kernel& k, std::int32_t from, std::vector<std::int32_t>& spikes) {
    updateScalar<Poisson, Split>(r, k, from, r.n, spikes);
}

} // namespace

void updateNeurons(const NeuronRange& range, const UpdateConstants& c, std::vector<std::int32_t>& spikes) {
    const Kernel k(c);
    std::int32_t done = 0;
#if defined(MC_X86_SIMD_LOOPS) // built on x86-64 only (engine/CMakeLists.txt)
    const Simd simd = activeSimd();
    if (simd == Simd::Avx512)
        done = updateAvx512(range, k, spikes);
    else if (simd == Simd::Avx2)
        done = updateAvx2(range, k, spikes);
#endif
    const bool poisson = k.cdfSize > 0;
    if (poisson && k.split)
        finish<true, true>(range, k, done, spikes);
    else if (poisson)
        finish<true, false>(range, k, done, spikes);
    else if (k.split)
        finish<false, true>(range, k, done, spikes);
    else
        finish<false, false>(range, k, done, spikes);
}

const char* simdName() {
    switch (activeSimd()) {
    case Simd::Avx512:
        return "avx512";
    case Simd::Avx2:
        return "avx2";
    default:
        return "portable";
    }
}

} // namespace mc::detail

// Picks the widest neuron update loop the processor has: AVX-512, AVX2 (both
// x86-64 only), the vector loop (compiler-vectorised: NEON on ARM64) or the
// portable loop. MC_SIMD=avx512|avx2|vector|portable in the environment
// narrows the choice, which the tests use to check all loops agree.
#include "neuron_kernels.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mc::detail {
namespace {

enum class Simd { Portable, Vector, Avx2, Avx512 }; // narrowest first

Simd detectSimd() {
#if defined(__SANITIZE_THREAD__) // TSan: keep to the portable loop
    return Simd::Portable;
#else
    Simd best = Simd::Vector;
#if defined(MC_X86_SIMD_LOOPS)
    if (__builtin_cpu_supports("avx2")) best = Simd::Avx2;
    if (__builtin_cpu_supports("avx512f")) best = Simd::Avx512;
#endif
    if (const char* want = std::getenv("MC_SIMD")) {
        Simd wanted = best; // an unknown name changes nothing
        if (std::strcmp(want, "portable") == 0)
            wanted = Simd::Portable;
        else if (std::strcmp(want, "vector") == 0)
            wanted = Simd::Vector;
        else if (std::strcmp(want, "avx2") == 0)
            wanted = Simd::Avx2;
        best = std::min(best, wanted);
    }
    return best;
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
    switch (activeSimd()) {
#if defined(MC_X86_SIMD_LOOPS) // built on x86-64 only (engine/CMakeLists.txt)
    case Simd::Avx512:
        done = updateAvx512(range, k, spikes);
        break;
    case Simd::Avx2:
        done = updateAvx2(range, k, spikes);
        break;
#endif
    case Simd::Vector:
        done = updateVector(range, k, spikes);
        break;
    default:
        break;
    }
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
    case Simd::Vector:
        return "vector";
    default:
        return "portable";
    }
}

} // namespace mc::detail

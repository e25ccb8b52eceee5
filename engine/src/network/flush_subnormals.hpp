// Flush-to-zero for the simulation threads, the same on x86-64 and ARM64.
//
// A silent network's currents decay towards zero through the subnormal range
// (below 1.2e-38), where x86 arithmetic is ~100x slower; such values are
// ~1e-36 of any potential that matters. Every worker runs in the same mode, so
// results stay identical for any thread count, and both architectures treat
// subnormal inputs and results alike, so they give the same spikes:
//
//   x86-64  MXCSR.FTZ (bit 15) turns subnormal results into 0,
//           MXCSR.DAZ (bit 6) reads subnormal operands as 0;
//   AArch64 FPCR.FZ (bit 24) does both, for float and double, in scalar and
//           NEON code (half precision has its own bit, FZ16, unused here).
//
// One corner differs (docs/arm64.md): x86 flushes a result that is still
// subnormal after rounding, ARM one that is subnormal before rounding, so an
// exact result less than 2^-25 (relative) below the smallest normal float,
// 2^-126 = 1.1754944e-38, becomes 2^-126 on x86 and 0 on ARM.
// In the engine only decaying currents get there, and a difference of 1e-38
// pA vanishes in the next addition to any normal value.
//
// Used by the engine's workers (stepping.cpp) and the reference path of the
// tests, which must round exactly as the engine does.
#pragma once

#include <cstdint>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace mc::detail {

/// Sets flush-to-zero (and denormals-are-zero) for this thread while in
/// scope; the previous mode comes back when it ends. Does nothing on
/// architectures other than x86 and AArch64.
class FlushSubnormals {
public:
#if defined(__SSE__)
    FlushSubnormals() : m_saved(_mm_getcsr()) { _mm_setcsr(m_saved | kFtzDaz); }
    ~FlushSubnormals() { _mm_setcsr(m_saved); }
#elif defined(__aarch64__)
    FlushSubnormals() : m_saved(readFpcr()) { writeFpcr(m_saved | kFz); }
    ~FlushSubnormals() { writeFpcr(m_saved); }
#else
    FlushSubnormals() {}
    ~FlushSubnormals() {}
#endif
    FlushSubnormals(const FlushSubnormals&) = delete;
    FlushSubnormals& operator=(const FlushSubnormals&) = delete;

private:
#if defined(__SSE__)
    static constexpr unsigned kFtzDaz = 0x8040u;
    unsigned m_saved;
#elif defined(__aarch64__)
    static constexpr std::uint64_t kFz = std::uint64_t{1} << 24;
    static std::uint64_t readFpcr() {
        std::uint64_t v;
        asm volatile("mrs %0, fpcr" : "=r"(v));
        return v;
    }
    // "memory": floating-point work on stored data is not moved across the switch.
    static void writeFpcr(std::uint64_t v) { asm volatile("msr fpcr, %0" : : "r"(v) : "memory"); }
    std::uint64_t m_saved;
#endif
};

} // namespace mc::detail

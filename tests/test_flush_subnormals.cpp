// FlushSubnormals (engine/src/network/flush_subnormals.hpp) on the processor
// it runs on: subnormal results and operands are zero inside its scope, the
// previous mode comes back after it, and the one documented corner where x86
// and ARM differ behaves as documented. Plain C++ without Qt, so that
// scripts/test_aarch64.sh can cross-compile it and run it under qemu-aarch64.
#include "network/flush_subnormals.hpp"

#include <bit>
#include <cstdint>
#include <cstdio>

namespace {

int failures = 0;

void check(bool ok, const char* what, float got) {
    std::printf("%s  %s (got %.9g, bits 0x%08x)\n", ok ? "ok  " : "FAIL", what, static_cast<double>(got),
                std::bit_cast<std::uint32_t>(got));
    if (!ok) ++failures;
}

// volatile: the products must be computed at run time, in the current mode.
volatile float g_normal = 1.5e-38f; // just above 2^-126
volatile float g_half = 0.5f;
volatile float g_subnormal = std::bit_cast<float>(std::uint32_t{0x00400000}); // 2^-127
volatile float g_big = 0x1p100f;
volatile float g_aboveMin = std::bit_cast<float>(std::uint32_t{0x00800001}); // 2^-126 (1 + 2^-23)
volatile float g_belowOne = std::bit_cast<float>(std::uint32_t{0x3F7FFFFE}); // 1 - 2^-23
volatile double g_normalD = 1e-300, g_smallD = 1e-10;

void checkDefaultMode(const char* when) {
    std::printf("-- %s\n", when);
    check(g_normal * g_half != 0.0f, "a subnormal result is kept", g_normal * g_half);
    check(g_subnormal * g_big != 0.0f, "a subnormal operand counts", g_subnormal * g_big);
}

} // namespace

int main() {
    checkDefaultMode("default mode");
    {
        const mc::detail::FlushSubnormals flush;
        std::printf("-- inside FlushSubnormals\n");
        check(g_normal * g_half == 0.0f, "a subnormal result becomes 0", g_normal * g_half);
        check(g_subnormal * g_big == 0.0f, "a subnormal operand reads as 0", g_subnormal * g_big);
        check(!(g_subnormal > 0.0f), "a subnormal operand compares equal to 0", g_subnormal);
        const double d = g_normalD * g_smallD;
        check(d == 0.0, "a subnormal double result becomes 0", static_cast<float>(d));
        // The exact product 2^-126 (1 - 2^-46) is subnormal before rounding
        // and 2^-126 after: x86 flushes after rounding, ARM before.
        const float corner = g_aboveMin * g_belowOne;
#if defined(__aarch64__)
        check(corner == 0.0f, "ARM: a result that rounds up to 2^-126 is flushed", corner);
#else
        check(corner == 0x1p-126f, "x86: a result that rounds up to 2^-126 is kept", corner);
#endif
    }
    checkDefaultMode("after FlushSubnormals");
    std::printf("%s\n", failures == 0 ? "all passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}

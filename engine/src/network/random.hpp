// Random number streams that do not depend on the number of threads.
//
// Every random quantity of the model is drawn from a stream keyed by
// (seed, purpose, entity): a Philox4x32-10 block (Salmon et al. 2011) turns the
// key into the 128-bit state of a fast xoshiro128++ generator. Which thread
// draws a stream therefore never changes what it yields.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace mc::detail {

/// Purposes of random streams; part of every stream key.
enum class Purpose : std::uint32_t {
    OutDegree = 1,   // multinomial out-degree of a projection
    Targets = 2,     // target neuron of each synapse of a source
    SynapseDraws = 3,// delay and weight of each synapse of a source
    InitialV = 4,    // initial membrane potentials
    Poisson = 5,     // background Poisson input (per step)
    Thalamus = 6,    // thalamic Poisson spikes (per step)
};

/// Philox4x32 with 10 rounds: counter (4 words) and key (2 words) -> 4 words.
struct Philox4x32 {
    std::uint32_t out[4];
    Philox4x32(std::uint32_t c0, std::uint32_t c1, std::uint32_t c2, std::uint32_t c3,
               std::uint64_t key) {
        std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
        for (int r = 0; r < 10; ++r) {
            const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * c0;
            const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * c2;
            const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
            const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
            c1 = static_cast<std::uint32_t>(p1);
            c3 = static_cast<std::uint32_t>(p0);
            c0 = n0;
            c2 = n2;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }
};

/// xoshiro128++ (Blackman & Vigna), seeded from a Philox block of the stream key.
class Stream {
public:
    Stream(std::uint64_t seed, Purpose purpose, std::uint32_t a, std::uint32_t b = 0,
           std::uint32_t c = 0) {
        Philox4x32 p(static_cast<std::uint32_t>(purpose), a, b, c, seed);
        for (int i = 0; i < 4; ++i) m_s[i] = p.out[i];
        if ((m_s[0] | m_s[1] | m_s[2] | m_s[3]) == 0) m_s[0] = 1;
    }

    std::uint32_t next() {
        const std::uint32_t result = rotl(m_s[0] + m_s[3], 7) + m_s[0];
        const std::uint32_t t = m_s[1] << 9;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 11);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() {
        const std::uint64_t hi = next() >> 5, lo = next() >> 6;
        return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
    }

    /// Uniform integer in [0, n) without bias (Lemire's method).
    std::uint32_t below(std::uint32_t n) {
        std::uint64_t m = std::uint64_t{next()} * n;
        std::uint32_t low = static_cast<std::uint32_t>(m);
        if (low < n) {
            const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
            while (low < threshold) {
                m = std::uint64_t{next()} * n;
                low = static_cast<std::uint32_t>(m);
            }
        }
        return static_cast<std::uint32_t>(m >> 32);
    }

    /// Standard normal deviate: the ziggurat method with 128 layers (Marsaglia
    /// & Tsang 2000, in Doornik's 2005 form); ~99% of draws cost one compare.
    double normal();

private:
    static std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
    std::uint32_t m_s[4];
};

/// Multipliers of mix32 and neuronDraw; the SIMD update loops
/// (neuron_update_avx*.cpp) compute the same hash from them.
inline constexpr std::uint32_t kMixMul1 = 0x7FEB352Du, kMixMul2 = 0x846CA68Bu, kGolden = 0x9E3779B1u;

/// A 32-bit integer hash with good avalanche (two multiply-xorshift rounds).
constexpr std::uint32_t mix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= kMixMul1;
    x ^= x >> 15;
    x *= kMixMul2;
    x ^= x >> 16;
    return x;
}

/// Per-step key for hashed per-neuron draws: depends on seed, purpose and step.
inline std::uint32_t stepKey(std::uint64_t seed, Purpose purpose, std::int64_t step) {
    Philox4x32 p(static_cast<std::uint32_t>(purpose), static_cast<std::uint32_t>(step),
                 static_cast<std::uint32_t>(static_cast<std::uint64_t>(step) >> 32), 0, seed);
    return p.out[0];
}

/// Uniform 32-bit draw for one neuron in one step: cheap, vectorisable and
/// keyed only by (stepKey, neuron). The step key is itself random (Philox), so
/// a neuron's draws in different steps are independent; within a step, neurons
/// differ by a fixed input pattern that one round of mix32 decorrelates.
constexpr std::uint32_t neuronDraw(std::uint32_t key, std::uint32_t neuron) {
    return mix32((neuron * kGolden) ^ key);
}

/// Walker's alias table over a discrete distribution (O(1) sampling).
class AliasTable {
public:
    AliasTable() = default;
    explicit AliasTable(const std::vector<double>& weights);
    template <class Rng>
    std::uint32_t sample(Rng& rng) const {
        const std::uint32_t r = rng.next();
        const std::uint32_t i = static_cast<std::uint32_t>((std::uint64_t{r} * m_prob.size()) >> 32);
        return (rng.next() < m_prob[i]) ? i : m_alias[i];
    }
    std::size_t size() const { return m_prob.size(); }

private:
    std::vector<std::uint32_t> m_prob; // acceptance threshold scaled to 2^32
    std::vector<std::uint32_t> m_alias;
};

} // namespace mc::detail

// The parallel backend: oneTBB or OpenMP, chosen at configure time
// (MC_PARALLEL=tbb|openmp). Work is always split into index ranges whose
// results do not depend on which thread runs them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

namespace mc::detail {

class Workers {
public:
    explicit Workers(int threads);
    ~Workers();
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;

    int threads() const { return m_threads; }
    /// Calls body(i) for every i in [0, n), spread over the workers; returns
    /// when all calls have finished.
    void parallelFor(int n, const std::function<void(int)>& body);

    /// Calls body(worker) for worker = 0 .. threads()-1 on that many threads
    /// running at the same time (worker 0 on the calling thread), so the
    /// bodies may wait for each other at a SpinBarrier.
    void runTeam(const std::function<void(int worker)>& body);

    static const char* backendName();
    static int hardwareThreads();

private:
    int m_threads;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Tells the core that this is a spin-wait loop (x86 `pause`, ARM `yield`):
/// it stops the loop from flooding the memory system with loads and lets a
/// sibling hardware thread run. Nothing on other architectures.
inline void spinHint() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

/// A reusable barrier for a team that meets every simulation step (~10^4
/// times per model second). Waiting threads spin briefly (a step of a small
/// network takes microseconds), then sleep on the generation counter (a
/// futex), so an oversubscribed machine, e.g. the GUI and the engine sharing
/// two cores, is not slowed down by spinning. They do not yield in between:
/// a thread that yields to a runnable GUI or X server thread gives it the
/// rest of a time slice (milliseconds, ~100 steps) and runs again only when
/// the scheduler returns to it, while a thread woken from the futex preempts
/// at once (issue 19, docs/performance.md "GUI speed").
class SpinBarrier {
public:
    explicit SpinBarrier(int parties) : m_parties(static_cast<std::uint32_t>(parties)) {}
    void arriveAndWait() { wait(arrive()); }

    /// Split phase: arrive() says this thread's part of the step is done and
    /// returns a ticket; wait(ticket) returns once every party has arrived.
    /// Between the two the thread may do work nobody else waits for.
    std::uint32_t arrive() { return arrive(m_parties); }

    /// arrive() for a generation that `parties` threads take part in (all of
    /// them pass the same number; a team whose size changes from step to step).
    /// With one party it still completes the generation, for threads that
    /// follow the generations from outside (waitUntil).
    std::uint32_t arrive(std::uint32_t parties) {
        if (m_parties == 1) return 0;
        // One word holds the generation (high half) and the number of
        // arrivals (low half): arriving is a single locked add on one cache line.
        const std::uint64_t before = m_state.fetch_add(1, std::memory_order_acq_rel);
        const std::uint32_t generation = static_cast<std::uint32_t>(before >> 32);
        if (static_cast<std::uint32_t>(before) + 1 == parties) {
            // Everyone else has arrived: nobody adds to the word until this store.
            m_state.store(std::uint64_t{generation + 1u} << 32, std::memory_order_seq_cst);
            if (m_sleepers.load(std::memory_order_seq_cst) > 0) m_state.notify_all();
        }
        return generation;
    }
    void wait(std::uint32_t generation) {
        if (m_parties == 1) return;
        waitWhile([generation](std::uint32_t g) { return g == generation; });
    }

    /// Returns once `generation` generations have completed (counted modulo
    /// 2^32 from the barrier's start; at most 2^31 ahead of the current one).
    void waitUntil(std::uint32_t generation) {
        if (m_parties == 1) return;
        waitWhile([generation](std::uint32_t g) { return static_cast<std::int32_t>(generation - g) > 0; });
    }

    /// Pauses before sleeping: ~10-40 us on current x86 cores (as long as the
    /// spinning and the yields before issue 19 together).
    static constexpr int kSpins = 1024;

private:
    static std::uint32_t generationOf(std::uint64_t state) { return static_cast<std::uint32_t>(state >> 32); }
    template <class Pending>
    void waitWhile(Pending pending) {
        for (int spin = 0; spin < kSpins; ++spin) {
            if (!pending(generationOf(m_state.load(std::memory_order_acquire)))) return;
            spinHint();
        }
        m_sleepers.fetch_add(1, std::memory_order_seq_cst);
        for (std::uint64_t seen = m_state.load(std::memory_order_seq_cst); pending(generationOf(seen));
             seen = m_state.load(std::memory_order_seq_cst))
            m_state.wait(seen);
        m_sleepers.fetch_sub(1, std::memory_order_relaxed);
    }
    const std::uint32_t m_parties;
    alignas(64) std::atomic<std::uint64_t> m_state{0};
    alignas(64) std::atomic<int> m_sleepers{0};
};

} // namespace mc::detail

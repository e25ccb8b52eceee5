// The parallel backend: oneTBB or OpenMP, chosen at configure time
// (MC_PARALLEL=tbb|openmp). Work is always split into index ranges whose
// results do not depend on which thread runs them.
#pragma once

#include <atomic>
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

/// A reusable barrier for a team that meets every simulation step (~10^4
/// times per model second). Waiting threads spin briefly (a step of a small
/// network takes microseconds), then yield, then sleep on the generation
/// counter (a futex), so an oversubscribed machine, e.g. the GUI and the
/// engine sharing two cores, is not slowed down by spinning.
class SpinBarrier {
public:
    explicit SpinBarrier(int parties) : m_parties(parties) {}
    void arriveAndWait() {
        if (m_parties == 1) return;
        const unsigned generation = m_generation.load(std::memory_order_acquire);
        if (m_waiting.fetch_add(1, std::memory_order_acq_rel) + 1 == m_parties) {
            m_waiting.store(0, std::memory_order_relaxed);
            m_generation.fetch_add(1, std::memory_order_seq_cst);
            if (m_sleepers.load(std::memory_order_seq_cst) > 0) m_generation.notify_all();
            return;
        }
        for (int spin = 0; spin < 512; ++spin) {
            if (m_generation.load(std::memory_order_acquire) != generation) return;
            __builtin_ia32_pause();
        }
        for (int spin = 0; spin < 8; ++spin) {
            if (m_generation.load(std::memory_order_acquire) != generation) return;
            std::this_thread::yield();
        }
        m_sleepers.fetch_add(1, std::memory_order_seq_cst);
        while (m_generation.load(std::memory_order_seq_cst) == generation) m_generation.wait(generation);
        m_sleepers.fetch_sub(1, std::memory_order_relaxed);
    }

private:
    const int m_parties;
    alignas(64) std::atomic<int> m_waiting{0};
    alignas(64) std::atomic<unsigned> m_generation{0};
    alignas(64) std::atomic<int> m_sleepers{0};
};

} // namespace mc::detail

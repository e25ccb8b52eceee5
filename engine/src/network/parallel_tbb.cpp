#include "parallel.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace mc::detail {

// TBB does not promise that tasks run at the same time, so the stepping team
// (whose members wait for each other every step) is a set of persistent
// threads of our own; TBB runs the ordinary parallel loops.
struct Workers::Impl {
    explicit Impl(int threads) : arena(std::min(threads, tbb::info::default_concurrency())) {
        for (int w = 1; w < threads; ++w) team.emplace_back([this, w](std::stop_token stop) { serve(w, stop); });
    }
    ~Impl() {
        for (auto& t : team) t.request_stop();
        {
            std::lock_guard lock(mutex);
            ++generation;
        }
        wake.notify_all();
    }

    void serve(int worker, std::stop_token stop) {
        std::uint64_t seen = 0;
        while (true) {
            const std::function<void(int)>* job;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return generation != seen; });
                seen = generation;
                if (stop.stop_requested()) return;
                job = current;
            }
            (*job)(worker);
            {
                std::lock_guard lock(mutex);
                if (--running == 0) finished.notify_all();
            }
        }
    }

    void run(const std::function<void(int)>& body) {
        {
            std::lock_guard lock(mutex);
            current = &body;
            running = static_cast<int>(team.size());
            ++generation;
        }
        wake.notify_all();
        body(0);
        std::unique_lock lock(mutex);
        finished.wait(lock, [&] { return running == 0; });
    }

    tbb::task_arena arena;
    std::mutex mutex;
    std::condition_variable wake, finished;
    std::uint64_t generation = 0;
    int running = 0;
    const std::function<void(int)>* current = nullptr;
    std::vector<std::jthread> team; // last member: destroyed (joined) first
};

Workers::Workers(int threads) : m_threads(threads), m_impl(std::make_unique<Impl>(threads)) {}
Workers::~Workers() = default;

void Workers::runTeam(const std::function<void(int)>& body) {
    if (m_threads == 1) {
        body(0);
        return;
    }
    m_impl->run(body);
}

void Workers::parallelFor(int n, const std::function<void(int)>& body) {
    if (n == 1 || m_threads == 1) {
        for (int i = 0; i < n; ++i) body(i);
        return;
    }
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer cannot see oneTBB's (uninstrumented) synchronisation
    // and would report every hand-over between a loop and its caller; the
    // team's threads synchronise through the standard library, which it sees.
    std::atomic<int> next{0};
    m_impl->run([&](int) {
        for (int i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) body(i);
    });
    return;
#endif
    m_impl->arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<int>(0, n, 1),
            [&](const tbb::blocked_range<int>& r) {
                for (int i = r.begin(); i != r.end(); ++i) body(i);
            },
            tbb::simple_partitioner());
    });
}

const char* Workers::backendName() { return "tbb"; }
int Workers::hardwareThreads() { return tbb::info::default_concurrency(); }

} // namespace mc::detail

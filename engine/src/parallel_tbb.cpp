#include "parallel.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

namespace mc::detail {

struct Workers::Impl {
    explicit Impl(int threads) : arena(threads) {}
    tbb::task_arena arena;
};

Workers::Workers(int threads) : m_threads(threads), m_impl(std::make_unique<Impl>(threads)) {}
Workers::~Workers() = default;

void Workers::parallelFor(int n, const std::function<void(int)>& body) {
    if (n == 1 || m_threads == 1) {
        for (int i = 0; i < n; ++i) body(i);
        return;
    }
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

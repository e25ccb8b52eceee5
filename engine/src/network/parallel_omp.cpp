#include "parallel.hpp"

#include <omp.h>

namespace mc::detail {

struct Workers::Impl {};

Workers::Workers(int threads) : m_threads(threads) {}
Workers::~Workers() = default;

void Workers::parallelFor(int n, const std::function<void(int)>& body) {
    if (n == 1 || m_threads == 1) {
        for (int i = 0; i < n; ++i) body(i);
        return;
    }
#pragma omp parallel for num_threads(m_threads) schedule(dynamic, 1)
    for (int i = 0; i < n; ++i) body(i);
}

void Workers::runTeam(const std::function<void(int)>& body) {
    if (m_threads == 1) {
        body(0);
        return;
    }
    // Without dynamic adjustment OpenMP gives the parallel region exactly
    // m_threads threads, which the barrier inside body relies on.
    omp_set_dynamic(0);
#pragma omp parallel num_threads(m_threads)
    body(omp_get_thread_num());
}

const char* Workers::backendName() { return "openmp"; }
int Workers::hardwareThreads() { return omp_get_num_procs(); }

} // namespace mc::detail

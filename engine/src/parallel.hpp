// The parallel backend: oneTBB or OpenMP, chosen at configure time
// (MC_PARALLEL=tbb|openmp). Work is always split into index ranges whose
// results do not depend on which thread runs them.
#pragma once

#include <functional>
#include <memory>

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

    static const char* backendName();
    static int hardwareThreads();

private:
    int m_threads;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mc::detail

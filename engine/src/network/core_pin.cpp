#include "core_pin.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace mc::detail {

#if defined(__linux__)
namespace {

/// The index-th core of `allowed`, or -1.
int nthCore(const cpu_set_t& allowed, int index) {
    for (int c = 0, seen = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &allowed) && seen++ == index) return c;
    return -1;
}

bool pinningWanted() {
    static const bool wanted = [] {
        const char* env = std::getenv("MC_PIN");
        return !(env && std::strcmp(env, "0") == 0);
    }();
    return wanted;
}

} // namespace

CorePin::CorePin(int worker, int threads) {
    static_assert(sizeof(cpu_set_t) <= sizeof(m_previous));
    if (threads < 2 || !pinningWanted()) return;
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0) return;
    if (CPU_COUNT(&allowed) != threads) return;
    const int cpu = nthCore(allowed, worker);
    if (cpu < 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) != 0) return;
    std::memcpy(m_previous, &allowed, sizeof allowed);
    m_pinned = true;
}

CorePin::~CorePin() {
    if (!m_pinned) return;
    cpu_set_t previous;
    std::memcpy(&previous, m_previous, sizeof previous);
    pthread_setaffinity_np(pthread_self(), sizeof previous, &previous);
}

#else

CorePin::CorePin(int, int) {}
CorePin::~CorePin() = default;

#endif

} // namespace mc::detail

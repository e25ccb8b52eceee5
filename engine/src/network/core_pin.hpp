// One core per worker while a team steps, when the team fills the machine.
//
// With as many workers as the process may use cores, Linux sometimes puts
// two workers on one core and leaves the other idle for milliseconds: a
// worker woken from the barrier's futex is placed next to its waker, and the
// load balancer takes a while to move a thread that has just run (it counts
// as cache-hot). Each such stretch runs both halves of every step on one core,
// and their spinning takes turns with the work. Measured in the window at
// scale 0.1 (docs/performance.md, "One core per worker"): ~2,500 switches a
// second between the two workers on one core, and the model ran ~20% slower
// than with each worker kept on a core of its own.
//
// Only a team with exactly one worker per allowed core is pinned (fewer
// leave the scheduler room to spread them; more must share anyway), and the
// thread's own set of cores comes back when the pin ends, so the calling
// thread (a Python or GUI program's own) is left as it was. MC_PIN=0 turns it
// off. Nothing on systems other than Linux.
#pragma once

namespace mc::detail {

class CorePin {
public:
    /// Keeps the calling thread, worker `worker` of a team of `threads`, on
    /// the worker-th core of the cores it may run on.
    CorePin(int worker, int threads);
    ~CorePin();
    CorePin(const CorePin&) = delete;
    CorePin& operator=(const CorePin&) = delete;

    /// Whether this thread is pinned.
    bool pinned() const { return m_pinned; }

private:
    bool m_pinned = false;
    unsigned char m_previous[128]; // the thread's cpu_set_t before (glibc: 1024 bits)
};

} // namespace mc::detail

// CorePin (engine/src/network/core_pin.hpp): a team with one worker per
// allowed core keeps each worker on a core of its own while it steps, other
// teams are left to the scheduler, and the thread's own cores come back.
#include "network/core_pin.hpp"
#include "test_helpers.hpp"

#include "microcircuit/simulation.hpp"

#include <QtTest/QtTest>

#include <pthread.h>
#include <sched.h>

#include <vector>

using namespace mc;
using namespace mc::test;

namespace {

std::vector<Spike> spikesOf(const Config& c, int threads, double ms) {
    Simulation sim(c, withThreads(threads));
    SpikeCollector sink;
    sim.run(stepsOf(ms, c.sim.sim_resolution), &sink);
    return sink.all;
}

QString describeFirstDifference(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step)
            return QString("spike %1: (%2, step %3) vs (%4, step %5)").arg(i).arg(a[i].neuron).arg(a[i].step).arg(b[i].neuron).arg(b[i].step);
    return QString("%1 vs %2 spikes").arg(a.size()).arg(b.size());
}

cpu_set_t coresOfThisThread() {
    cpu_set_t s;
    CPU_ZERO(&s);
    pthread_getaffinity_np(pthread_self(), sizeof s, &s);
    return s;
}

std::vector<int> listOf(const cpu_set_t& s) {
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &s)) cpus.push_back(c);
    return cpus;
}

/// Restricts this thread to its first two cores while alive (the set it had comes back).
class TwoCores {
public:
    TwoCores() : m_before(coresOfThisThread()) {
        const std::vector<int> all = listOf(m_before);
        if (all.size() < 2) return;
        cpu_set_t two;
        CPU_ZERO(&two);
        CPU_SET(all[0], &two);
        CPU_SET(all[1], &two);
        m_ok = pthread_setaffinity_np(pthread_self(), sizeof two, &two) == 0;
        m_cores = {all[0], all[1]};
    }
    ~TwoCores() { pthread_setaffinity_np(pthread_self(), sizeof m_before, &m_before); }
    bool ok() const { return m_ok; }
    const std::vector<int>& cores() const { return m_cores; }

private:
    cpu_set_t m_before;
    bool m_ok = false;
    std::vector<int> m_cores;
};

} // namespace

class TestCorePin : public QObject {
    Q_OBJECT

private slots:
    void init() {
        if (qgetenv("MC_PIN") == "0") QSKIP("MC_PIN=0 turns pinning off");
    }

    void eachWorkerOfAFullTeamOnItsOwnCore() {
        const TwoCores two;
        if (!two.ok()) QSKIP("needs two cores");
        for (int worker : {0, 1}) {
            {
                const detail::CorePin pin(worker, 2);
                QVERIFY(pin.pinned());
                QCOMPARE(listOf(coresOfThisThread()), std::vector<int>{two.cores()[worker]});
                QCOMPARE(sched_getcpu(), two.cores()[worker]); // moved there at once
            }
            QCOMPARE(listOf(coresOfThisThread()), two.cores()); // and back
        }
    }

    void otherTeamsAreLeftToTheScheduler() {
        const TwoCores two;
        if (!two.ok()) QSKIP("needs two cores");
        for (int threads : {1, 3, 4}) {
            const detail::CorePin pin(0, threads);
            QVERIFY2(!pin.pinned(), qPrintable(QString("%1 workers on 2 cores").arg(threads)));
            QCOMPARE(listOf(coresOfThisThread()), two.cores());
        }
    }

    // A run whose team fills the caller's cores gives the same spikes as one
    // thread, and the caller (here the test's thread, in a program its main
    // or GUI engine thread) may use all its cores again afterwards.
    void aPinnedRunGivesTheSameSpikesAndLeavesTheCallerAsItWas() {
        const TwoCores two;
        if (!two.ok()) QSKIP("needs two cores");
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.05;
        c.net.bg_input_type = "poisson";
        const std::vector<Spike> one = spikesOf(c, 1, 200.0);
        const std::vector<Spike> pinned = spikesOf(c, 2, 200.0);
        QVERIFY2(one.size() > 1000, qPrintable(QString("only %1 spikes").arg(one.size())));
        QVERIFY2(sameSpikes(one, pinned), qPrintable(describeFirstDifference(one, pinned)));
        QCOMPARE(listOf(coresOfThisThread()), two.cores());
    }
};

QTEST_APPLESS_MAIN(TestCorePin)
#include "test_core_pin.moc"

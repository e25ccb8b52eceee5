#include "ui/spike_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#else
#include <cstdlib>
#endif

namespace mc::ui {

// ---------------------------------------------------------------- SpikeArray

namespace {
#if defined(__linux__)
std::size_t pageBytes() {
    static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return page;
}
#endif
} // namespace

SpikeArray::~SpikeArray() { clear(true); }

void SpikeArray::reserve(std::size_t n) {
    if (n <= m_capacity) return;
    // Grow generously: reserved room costs address space, not memory.
    std::size_t want = std::max({n, 2 * m_capacity, std::size_t{1} << 17});
#if defined(__linux__)
    const std::size_t page = pageBytes();
    std::size_t bytes = (want * sizeof(Spike) + page - 1) / page * page;
    void* p = m_data == nullptr
                  ? mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                  : mremap(m_data, m_capacity * sizeof(Spike), bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) throw std::bad_alloc();
#else
    std::size_t bytes = want * sizeof(Spike);
    void* p = std::realloc(m_data, bytes);
    if (p == nullptr) throw std::bad_alloc();
#endif
    m_data = static_cast<Spike*>(p);
    m_capacity = bytes / sizeof(Spike);
}

void SpikeArray::append(std::span<const Spike> spikes) {
    if (spikes.empty()) return;
    reserve(m_size + spikes.size());
    std::memcpy(m_data + m_size, spikes.data(), spikes.size() * sizeof(Spike));
    m_size += spikes.size();
}

void SpikeArray::truncate(std::size_t n) {
    if (n >= m_size) return;
    m_size = n;
#if defined(__linux__)
    // Whole pages past the end go back to the system (they read as zeros if touched again).
    const std::size_t page = pageBytes();
    const std::size_t keep = (n * sizeof(Spike) + page - 1) / page * page;
    const std::size_t mapped = m_capacity * sizeof(Spike);
    if (keep < mapped) madvise(reinterpret_cast<char*>(m_data) + keep, mapped - keep, MADV_DONTNEED);
#endif
}

void SpikeArray::clear(bool release) {
    if (!release) {
        truncate(0);
        return;
    }
#if defined(__linux__)
    if (m_data != nullptr) munmap(m_data, m_capacity * sizeof(Spike));
#else
    std::free(m_data);
#endif
    m_data = nullptr;
    m_size = m_capacity = 0;
}

// ---------------------------------------------------------------- SpikeStore

void SpikeStore::reset(const DerivedParams& derived, double resolutionMs) {
    m_derived = derived;
    m_h = resolutionMs;
    m_endStep = 0;
    m_spikes.clear(true);
    m_sorted = {};
    m_pending.clear();
    m_total = 0;
    ++m_rewrites;
    m_late = 0;
    m_counts.assign(static_cast<std::size_t>(derived.total_neurons), 0);
    m_bins.clear();
}

void SpikeStore::restart() {
    m_endStep = 0;
    m_spikes.truncate(0);
    m_pending.clear();
    m_total = 0;
    ++m_rewrites;
    m_late = 0;
    std::fill(m_counts.begin(), m_counts.end(), 0u);
    m_bins.clear();
}

void SpikeStore::count(const Spike& s, int sign) {
    if (s.neuron < 0 || s.neuron >= m_derived.total_neurons) return;
    m_counts[s.neuron] += static_cast<std::uint32_t>(sign);
    // Bin b holds the spikes whose time stamp (step + 1) h lies in [b, b + 1) ms.
    const auto bin = static_cast<std::size_t>(static_cast<double>(s.step + 1) / (1.0 / m_h));
    if (sign > 0 && bin >= m_bins.size()) m_bins.resize(bin + 1, {});
    if (bin < m_bins.size()) m_bins[bin][populationOf(s.neuron)] += static_cast<std::uint32_t>(sign);
}

bool SpikeStore::truncate(std::int64_t endStep) {
    if (endStep >= m_endStep) return true;
    endStep = std::max<std::int64_t>(0, endStep);
    const auto spikes = all();
    const auto byStep = [](const Spike& s, std::int64_t step) { return s.step < step; };
    const auto cut = std::lower_bound(spikes.begin(), spikes.end(), endStep, byStep);
    for (auto it = cut; it != spikes.end(); ++it)
        count(*it, -1);
    m_total -= static_cast<std::uint64_t>(spikes.end() - cut);
    m_spikes.truncate(static_cast<std::size_t>(cut - spikes.begin()));
    m_bins.resize(std::min(m_bins.size(), static_cast<std::size_t>(std::ceil(static_cast<double>(endStep) * m_h))));
    m_endStep = endStep;
    m_pending.clear();
    ++m_rewrites;
    return true;
}

int SpikeStore::populationOf(std::int32_t neuron) const {
    const auto& f = m_derived.first_neuron;
    const auto it = std::upper_bound(f.begin(), f.begin() + kNumPops, neuron);
    return std::clamp(static_cast<int>(it - f.begin()) - 1, 0, kNumPops - 1);
}

void SpikeStore::append(std::span<const Spike> spikes, std::int64_t endStep) {
    const auto byStep = [](const Spike& a, const Spike& b) { return a.step < b.step; };
    const auto canonical = [](const Spike& a, const Spike& b) {
        return a.step != b.step ? a.step < b.step : a.neuron < b.neuron;
    };
    endStep = std::max(m_endStep, endStep);
    if (!m_pending.empty() || !std::is_sorted(spikes.begin(), spikes.end(), byStep) ||
        (!spikes.empty() && spikes.back().step >= endStep)) {
        // Threads or chunks delivered out of order, or ahead of the time they
        // report: one canonical order (a neuron's spikes in time order, range()
        // can search by step), and spikes of steps not yet reached wait.
        m_sorted.assign(m_pending.begin(), m_pending.end());
        m_sorted.insert(m_sorted.end(), spikes.begin(), spikes.end());
        std::sort(m_sorted.begin(), m_sorted.end(), canonical);
        const auto due = std::lower_bound(m_sorted.begin(), m_sorted.end(), Spike{0, static_cast<std::int32_t>(endStep)},
                                          byStep);
        m_pending.assign(due, m_sorted.end());
        m_sorted.erase(due, m_sorted.end());
        spikes = m_sorted;
    }
    const std::size_t binsNeeded = static_cast<std::size_t>(std::ceil(static_cast<double>(endStep) * m_h));
    if (m_bins.size() < binsNeeded) m_bins.resize(binsNeeded, {});
    for (const Spike& s : spikes)
        count(s, +1);
    const std::size_t old = m_spikes.size();
    const bool late = old > 0 && !spikes.empty() && spikes.front().step < m_spikes.data()[old - 1].step;
    if (late)
        m_late += static_cast<std::uint64_t>(std::count_if(
            spikes.begin(), spikes.end(), [last = m_spikes.data()[old - 1].step](const Spike& s) { return s.step < last; }));
    m_spikes.append(spikes);
    if (late) {
        // Spikes of steps already passed (a hand-off that broke its promise):
        // merge them into place after the stored ones of their step, a stable
        // merge, so what was stored keeps its relative order.
        Spike* begin = m_spikes.data();
        Spike* mid = begin + old;
        std::inplace_merge(std::upper_bound(begin, mid, *mid, byStep), mid, begin + m_spikes.size(), byStep);
        ++m_rewrites;
    }
    m_total += spikes.size();
    m_endStep = endStep;
}

std::span<const Spike> SpikeStore::range(std::int64_t fromStep, std::int64_t toStep) const {
    const auto spikes = all();
    const auto byStep = [](const Spike& s, std::int64_t step) { return s.step < step; };
    const auto lo = std::lower_bound(spikes.begin(), spikes.end(), fromStep, byStep);
    const auto hi = std::lower_bound(lo, spikes.end(), toStep, byStep);
    return {spikes.data() + (lo - spikes.begin()), static_cast<std::size_t>(hi - lo)};
}

double SpikeStore::rateOf(std::int32_t neuron) const {
    if (neuron < 0 || neuron >= neurons() || m_endStep == 0) return 0.0;
    return m_counts[neuron] / (static_cast<double>(m_endStep) * m_h * 1e-3);
}

std::array<double, kNumPops> SpikeStore::populationRates(double fromMs, double toMs) const {
    std::array<double, kNumPops> out{};
    const auto b0 = static_cast<std::size_t>(std::max(0.0, std::floor(fromMs)));
    const auto b1 = std::min(m_bins.size(), static_cast<std::size_t>(std::max(0.0, std::floor(toMs))));
    if (b1 <= b0) return out;
    std::array<double, kNumPops> sum{};
    for (std::size_t b = b0; b < b1; ++b)
        for (int p = 0; p < kNumPops; ++p)
            sum[p] += m_bins[b][p];
    const double seconds = static_cast<double>(b1 - b0) * 1e-3;
    for (int p = 0; p < kNumPops; ++p)
        if (m_derived.num_neurons[p] > 0) out[p] = sum[p] / (m_derived.num_neurons[p] * seconds);
    return out;
}

// ---------------------------------------------------------------- statistics

double isiCv(const IsiSums& n) {
    if (n.count < 3 || n.sum <= 0) return 0.0;
    // var / mean^2 = (k Q - S^2) / S^2 over k = count - 1 intervals of S, Q
    // (sum and sum of squares in steps): exact in integers, never negative.
    const auto k = static_cast<std::uint64_t>(n.count - 1);
    const auto s = static_cast<std::uint64_t>(n.sum);
#if defined(__SIZEOF_INT128__)
    const unsigned __int128 num = static_cast<unsigned __int128>(k) * n.sumSq - static_cast<unsigned __int128>(s) * s;
    return std::sqrt(static_cast<double>(num)) / static_cast<double>(s);
#else
    const long double num = static_cast<long double>(k) * n.sumSq - static_cast<long double>(s) * s;
    return std::sqrt(static_cast<double>(std::max(0.0L, num))) / static_cast<double>(s);
#endif
}

WindowStats windowStatsFrom(std::span<const IsiSums> neurons, const DerivedParams& d, double fromMs, double toMs) {
    WindowStats w;
    w.fromMs = fromMs;
    w.toMs = toMs;
    const double seconds = (toMs - fromMs) * 1e-3;
    if (neurons.size() < static_cast<std::size_t>(d.total_neurons) || d.total_neurons <= 0 || seconds <= 0.0)
        return w;
    for (int p = 0; p < kNumPops; ++p) {
        double sum = 0.0, sq = 0.0, cvSum = 0.0;
        w.rates[p].reserve(static_cast<std::size_t>(d.num_neurons[p]));
        for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) {
            const IsiSums& n = neurons[static_cast<std::size_t>(i)];
            const double r = n.count / seconds;
            w.rates[p].push_back(static_cast<float>(r));
            sum += r;
            sq += r * r;
            if (n.count >= 3) {
                const double cv = isiCv(n);
                w.cvs[p].push_back(static_cast<float>(cv));
                cvSum += cv;
            }
        }
        const double m = d.num_neurons[p];
        if (m > 0) {
            w.meanRate[p] = sum / m;
            w.sdRate[p] = std::sqrt(std::max(0.0, sq / m - w.meanRate[p] * w.meanRate[p]));
        }
        if (!w.cvs[p].empty()) w.meanCv[p] = cvSum / static_cast<double>(w.cvs[p].size());
    }
    return w;
}

WindowStats computeWindowStatsSteps(const SpikeStore& store, std::int64_t fromStep, std::int64_t toStep) {
    const double h = store.resolution();
    const std::int32_t n = store.neurons();
    std::vector<IsiSums> sums(static_cast<std::size_t>(std::max(0, n)));
    std::vector<std::int32_t> last(sums.size(), -1);
    // The store is sorted by step, so each neuron's spikes come in time order
    // and every interval is >= 0 (an interval from spikes out of order once
    // gave a negative sum and CVs of ~1e11).
    for (const Spike& s : store.range(fromStep, toStep)) {
        if (s.neuron < 0 || s.neuron >= n) continue;
        const auto i = static_cast<std::size_t>(s.neuron);
        if (last[i] >= 0) {
            const std::int64_t isi = s.step - last[i];
            sums[i].sum += isi;
            sums[i].sumSq += static_cast<std::uint64_t>(isi * isi);
        }
        last[i] = s.step;
        ++sums[i].count;
    }
    return windowStatsFrom(sums, store.derived(), static_cast<double>(fromStep + 1) * h,
                           static_cast<double>(toStep + 1) * h);
}

WindowStats computeWindowStats(const SpikeStore& store, double fromMs, double toMs) {
    const double h = store.resolution();
    fromMs = std::max(0.0, fromMs);
    if (!(toMs > fromMs)) return windowStatsFrom({}, store.derived(), fromMs, toMs);
    // Time stamps (s + 1) h in [from, to): steps s in [from/h - 1, to/h - 1).
    return computeWindowStatsSteps(store, std::llround(fromMs / h) - 1, std::llround(toMs / h) - 1);
}

} // namespace mc::ui

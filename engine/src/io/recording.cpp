#include "microcircuit/recording.hpp"

namespace mc {

SpikeData readRecording(const std::string& folder, const ReadProgress& progress, const std::atomic<bool>* cancel) {
    // The readers call progress between blocks; a cancel request unwinds from there.
    const auto check = [cancel] {
        if (cancel && cancel->load(std::memory_order_relaxed)) throw ReadCancelled();
    };
    check();
    SpikeData data = readSpikeFolder(folder, [&](double fraction, const std::string& file) {
        check();
        if (progress) progress(fraction, file);
    });
    check();
    return data;
}

} // namespace mc

// SONATA in a build without HDF5: every request says so; folders without a
// report read as before.
#include "microcircuit/errors.hpp"
#include "microcircuit/sonata.hpp"

#include "sonata_folder.hpp"

#include <filesystem>

namespace mc {

namespace {
[[noreturn]] void unavailable(const std::string& path) {
    throw ConfigError(path + ": SONATA (HDF5) files are not supported by this build of microcircuit "
                             "(built without libhdf5)");
}
} // namespace

bool sonataAvailable() {
    return false;
}

struct SonataSpikeWriter::Impl {};

SonataSpikeWriter::SonataSpikeWriter(const std::string& path, const std::vector<std::string>&,
                                     const std::vector<std::int32_t>&, std::int64_t) {
    unavailable(path);
}
SonataSpikeWriter::~SonataSpikeWriter() = default;
void SonataSpikeWriter::append(std::span<const Spike>) {}
void SonataSpikeWriter::close() {}

std::vector<std::pair<std::string, std::uint64_t>> sonataSpikeCounts(const std::string& path) {
    unavailable(path);
}
bool isSonataSpikeReport(const std::string&) {
    return false;
}

namespace detail {
std::string findSonataReport(const std::string& folder, bool strict) {
    if (!strict) return {};
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
        if (entry.path().extension() == ".h5") unavailable(entry.path().string());
    return {};
}
SpikeData readSonataFolder(const std::string&, const std::string& path, const ReadProgress&) {
    unavailable(path);
}
void checkSonataAgrees(const std::string&, const SpikeData&) {}
} // namespace detail

} // namespace mc

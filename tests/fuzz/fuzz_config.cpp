// libFuzzer target: the configuration reader (config_io.cpp, events_io.cpp,
// json_read.cpp) and the checks after it. Any input must end in a Config or a
// ConfigError; another exception, a crash, a leak, a hang or an allocation
// beyond libFuzzer's memory limit is a bug. Built by scripts/fuzz.sh.
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/model.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    mc::Config config;
    try {
        mc::applyConfigJson(config, text, "fuzz.json");
        config.validate();
        const mc::DerivedParams derived = mc::deriveParameters(config);
        (void)mc::estimateMemoryBytes(config, derived, 1);
        // What was read must write out and read back.
        mc::Config again;
        mc::applyConfigJson(again, mc::configToJson(config), "again.json");
    } catch (const mc::ConfigError&) {
    }
    return 0;
}

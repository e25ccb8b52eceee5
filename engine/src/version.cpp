#include "microcircuit/version.hpp"

// Written at every build by engine/cmake/version_info.cmake (only when the
// commit changed, so an unchanged checkout recompiles nothing).
#include "version_info.hpp"

namespace mc {

const char* version() { return MC_VERSION_NUMBER; }

const char* gitCommit() { return MC_GIT_COMMIT; }

const char* versionString() {
    return MC_GIT_COMMIT[0] ? MC_VERSION_NUMBER " (git " MC_GIT_COMMIT ")" : MC_VERSION_NUMBER;
}

} // namespace mc

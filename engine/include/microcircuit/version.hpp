// The program's version: one number from CMake's project(VERSION) and, in a
// build from a git checkout, the commit it was built from. Everything that
// reports a version (--version, the About box, `bench` JSON, run folders'
// sim_dict.json) takes it from here.
#pragma once

namespace mc {

/// The release version from the top-level CMakeLists.txt, e.g. "0.1.0".
const char* version();

/// The commit the binary was built from, 12 hex digits, with "-modified"
/// appended when the checkout had uncommitted changes to tracked files; ""
/// when built outside a git checkout (e.g. from a release tarball).
const char* gitCommit();

/// version(), followed by " (git <commit>)" when gitCommit() is known:
/// "0.1.0" or "0.1.0 (git 5e48b02c3f1a)".
const char* versionString();

} // namespace mc

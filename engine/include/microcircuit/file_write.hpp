// Checked writes for recorded data: every byte written is confirmed, a failed
// write is reported with the operating system's reason, and no half-written
// file is left behind under a final name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mc {

/// Writes `bytes` to `path` through `path + ".part"`, flushed to the disk and
/// renamed into place. On any failure the ".part" file is removed, `path` is
/// left as it was, and WriteError names the file and the reason.
void writeFileAtomic(const std::string& path, std::string_view bytes);

/// Appends `bytes` to the open descriptor `fd` (retrying short writes).
/// Returns 0 on success, else the errno of the failed write.
int appendAll(int fd, std::string_view bytes);

/// The operating system's text for errno `err` ("No space left on device").
std::string errnoText(int err);

} // namespace mc

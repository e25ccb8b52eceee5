#include "microcircuit/file_write.hpp"

#include "microcircuit/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mc {

std::string errnoText(int err) {
    return std::strerror(err);
}

int appendAll(int fd, std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return 0;
}

void writeFileAtomic(const std::string& path, std::string_view bytes) {
    const std::string tmp = path + ".part";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int err = errno;
        throw WriteError(path + ": cannot be written (" + errnoText(err) + ")");
    }
    int err = appendAll(fd, bytes);
    // fsync before the rename: after a crash the final name holds either the
    // old file or the whole new one, never a truncated one.
    if (err == 0 && ::fsync(fd) != 0 && errno != EINVAL) err = errno;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
    if (err != 0) {
        ::unlink(tmp.c_str());
        throw WriteError(path + ": write failed (" + errnoText(err) + ")");
    }
}

} // namespace mc

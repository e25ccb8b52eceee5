# Cross-compiling for 64-bit ARM Linux (Raspberry Pi 5, ARM laptops) with
# Debian's cross toolchain (apt-get install g++-aarch64-linux-gnu).
#
# Debian is multiarch: arm64 libraries installed as `<package>:arm64` live in
# /usr/lib/aarch64-linux-gnu next to the host's, so the "sysroot" is / and
# CMake only has to look in the right architecture's library folder.
# Header-only packages (nlohmann-json3-dev, libcli11-dev) are shared by all
# architectures. Programs built here run on this machine under qemu-aarch64
# (Debian's qemu-user), which CMake uses as the emulator for tests.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Build tools (moc, ...) come from the host; libraries and CMake package
# files only from the target's folders (/usr/lib/aarch64-linux-gnu, /usr/share).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

find_program(MC_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(MC_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MC_QEMU_AARCH64})
endif()

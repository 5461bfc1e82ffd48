# Cross-compiles for 64-bit Arm Linux with Debian's g++-aarch64-linux-gnu and runs what it builds
# (the tests, and Catch2's test discovery) under qemu-aarch64 with the Arm libraries of
# libc6-arm64-cross. Used by scripts/test-aarch64.sh:
#   cmake -S . -B build/aarch64 --toolchain cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)

# Libraries and headers come from the Arm sysroot. xsimd and Catch2 are header-only, so the
# build machine's packages serve: their CMake files are found on the build machine, and their
# headers in /usr/include, which Debian's cross compiler searches after its own directories
# (-idirafter says so explicitly, and keeps the Arm C and C++ headers first).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# Debian puts xsimd's CMake package under the build machine's multiarch directory, which a
# search for aarch64 does not look in.
file(GLOB _rectify_build_machine_packages LIST_DIRECTORIES true /usr/lib/*-linux-gnu*/cmake)
list(APPEND CMAKE_PREFIX_PATH ${_rectify_build_machine_packages})
set(CMAKE_CXX_FLAGS_INIT "-idirafter /usr/include")

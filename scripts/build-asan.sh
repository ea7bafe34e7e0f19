#!/usr/bin/env bash
# Configures (once) and builds the sanitizer folder $ASAN_BUILD_DIR (default build-asan):
# clang with ASan + UBSan everywhere and libFuzzer instrumentation (-DMONET_FUZZ=ON), no
# benchmarks, no Python module. Arguments are build targets (default: everything there is,
# i.e. the libraries, the CLI, the C++ tests and the fuzz targets).
# Warnings are not errors here: the gcc build in build/ enforces -Werror; a warning only
# clang emits must not fail the sanitizer run.
set -euo pipefail
cd "$(dirname "$0")/.."
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
if [ ! -f "$ASAN_BUILD_DIR/build.ninja" ]; then
  CXX=${ASAN_CXX:-clang++} cmake -S . -B "$ASAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMONET_FUZZ=ON -DMONET_BUILD_BENCH=OFF -DMONET_BUILD_PYTHON=OFF -DMONET_WERROR=OFF \
    ${CMAKE_ARGS:-}
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$ASAN_BUILD_DIR" -j "${JOBS:-$(nproc)}" "${targets[@]}"

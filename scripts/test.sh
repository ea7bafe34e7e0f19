#!/usr/bin/env bash
# Every check: set up, build, formatting, the whole test suite through CTest; then the C++
# tests again under ASan + UBSan (build-asan, clang) and a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
(cd build && ctest --output-on-failure -j "${JOBS:-$(nproc)}")

bash scripts/build-asan.sh
(cd "${ASAN_BUILD_DIR:-build-asan}" && ctest --output-on-failure -j "${JOBS:-$(nproc)}")
for src in fuzz/*.cpp; do
  target=$(basename "$src" .cpp)
  [ "$target" = replay_main ] && continue
  NICE=0 bash scripts/fuzz.sh "$target" "${FUZZ_SECONDS:-20}"
done

#!/usr/bin/env bash
# Every check: set up, build, formatting, the whole test suite through CTest; then the C++
# tests again under ASan + UBSan (build-asan, clang) and a short run (10 s) of every fuzz
# target. All of it took 29 min wall (24 min of CPU per core) on a loaded 2-core machine:
# CI must stay under 30 minutes, so keep additions small.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
(cd build && ctest --output-on-failure -j "${JOBS:-$(nproc)}")

bash scripts/build-asan.sh
# The browser test checks the report's JavaScript, which no C++ sanitizer sees.
(cd "${ASAN_BUILD_DIR:-build-asan}" && ctest --output-on-failure -j "${JOBS:-$(nproc)}" -E '^report_browser$')
for src in fuzz/*.cpp; do
  target=$(basename "$src" .cpp)
  [ "$target" = replay_main ] && continue
  NICE=0 bash scripts/fuzz.sh "$target" "${FUZZ_SECONDS:-10}"
done

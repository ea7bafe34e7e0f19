#!/usr/bin/env bash
# Every check: set up, build, formatting, the whole test suite through CTest; then the C++
# tests again under ASan + UBSan (build-asan, clang) and a short run (5 s) of every fuzz
# target. CI must stay under 30 minutes on 2 cores (it took 28 min on the CI runner before
# the sanitizer stage skipped the slowest tests below), so keep additions small.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
(cd build && ctest --output-on-failure -j "${JOBS:-$(nproc)}")

bash scripts/build-asan.sh
# Skipped under the sanitizers (each still runs in the gcc build above): the browser test
# checks the report's JavaScript, which no C++ sanitizer sees; the others repeat, many times
# over, code paths that smaller tests exercise under ASan, and together took 340 of the
# stage's 720 CPU seconds (calibration's repeated fits, every shipped experiment, the
# validation tables, the example fleet, the brute-force front up to n = 14).
asan_skip='^(report_browser|validation_tables'
asan_skip+='|calibrate recovers DRAM bandwidth and energy the measurements were simulated with'
asan_skip+='|every shipped experiment file runs'
asan_skip+='|monet-sim select on the shipped example fleet'
asan_skip+='|exact front equals brute force over segment plans up to n = 14)$'
(cd "${ASAN_BUILD_DIR:-build-asan}" && ctest --output-on-failure -j "${JOBS:-$(nproc)}" -E "$asan_skip")
for src in fuzz/*.cpp; do
  target=$(basename "$src" .cpp)
  [ "$target" = replay_main ] && continue
  NICE=0 bash scripts/fuzz.sh "$target" "${FUZZ_SECONDS:-5}"
done

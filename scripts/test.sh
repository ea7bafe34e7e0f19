#!/usr/bin/env bash
# Every check: set up, build, formatting, the whole test suite through CTest; then the C++
# tests again under ASan + UBSan (build-asan, clang) and a short run (5 s) of every fuzz
# target. CI must stay under 30 minutes on 2 cores (the fresh-clone run took 34-35 min on
# 2026-12-05 before the test folders were built as unity batches and the calibration fits were
# skipped under the sanitizers), so keep additions small.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
(cd build && ctest --output-on-failure -j "${JOBS:-$(nproc)}")

bash scripts/build-asan.sh
# Skipped under the sanitizers (each still runs in the gcc build above): the browser test
# checks the report's JavaScript, which no C++ sanitizer sees; the others repeat, many times
# over, code paths that smaller tests exercise under ASan (calibration's repeated fits, every
# shipped experiment, the validation tables, the example fleet, the brute-force front up to
# n = 14). On 2026-12-05 the calibration fits alone took 172 of the stage's 721 CPU seconds.
asan_skip='^(report_browser|validation_tables'
asan_skip+='|calibrate recovers DRAM bandwidth and energy the measurements were simulated with'
asan_skip+='|a parameter shared by two accelerator files is fitted to one value'
asan_skip+='|no leave-one-out figure for a measurement that alone determines a parameter'
asan_skip+='|every shipped experiment file runs'
asan_skip+='|Every shipped few-shot experiment runs'
asan_skip+='|monet-sim select on the shipped example fleet'
asan_skip+='|exact front equals brute force over segment plans up to n = 14)$'
(cd "${ASAN_BUILD_DIR:-build-asan}" && ctest --output-on-failure -j "${JOBS:-$(nproc)}" -E "$asan_skip")
for src in fuzz/*.cpp; do
  target=$(basename "$src" .cpp)
  [ "$target" = replay_main ] && continue
  NICE=0 bash scripts/fuzz.sh "$target" "${FUZZ_SECONDS:-5}"
done

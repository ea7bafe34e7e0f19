#!/usr/bin/env bash
# Runs one libFuzzer target for a while: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
# TARGET is a fuzz/<target>.cpp (accelerator, workload, experiment, zigzag, stream, ...).
# Builds it in $ASAN_BUILD_DIR (default build-asan, see scripts/build-asan.sh), grows
# the corpus $BUILD_DIR/fuzz/corpus/TARGET from the seeds in fuzz/TARGET.seeds and the
# regression inputs in tests/data/fuzz/TARGET/, and writes findings to
# $BUILD_DIR/fuzz/findings/TARGET/. Runs niced (NICE=10) with one worker. Exit status 0
# when the time ran out without a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
if [ ! -f "fuzz/$target.cpp" ]; then
  echo "fuzz.sh: no fuzz target '$target' (targets: $(cd fuzz && ls *.cpp | grep -v replay_main | sed 's/\.cpp$//' | tr '\n' ' '))" >&2
  exit 2
fi

BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
ASAN_BUILD_DIR=$BUILD_DIR JOBS=${JOBS:-2} nice -n "${NICE:-10}" bash scripts/build-asan.sh "fuzz_$target"

corpus=$BUILD_DIR/fuzz/corpus/$target
findings=$BUILD_DIR/fuzz/findings/$target
mkdir -p "$corpus" "$findings"
# Seeds: fuzz/TARGET.seeds holds globs relative to the repository root, one per line.
if [ -f "fuzz/$target.seeds" ]; then
  while read -r glob; do
    [[ -z "$glob" || "$glob" == \#* ]] && continue
    for f in $glob; do [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")"; done
  done <"fuzz/$target.seeds"
fi
extra=()
[ -d "tests/data/fuzz/$target" ] && extra+=("tests/data/fuzz/$target")
dict=()
[ -f "fuzz/$target.dict" ] && dict+=("-dict=fuzz/$target.dict")
[ ${#dict[@]} -eq 0 ] && [ -f fuzz/yaml.dict ] && [ "$target" != onnx_import ] && dict+=("-dict=fuzz/yaml.dict")

# Leak checking stays on; allocations over 1 GiB and a 2 GiB resident size are findings
# (unbounded memory), and so is one input running longer than 20 s (a hang).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
set +e
nice -n "${NICE:-10}" "$BUILD_DIR/fuzz/fuzz_$target" "$corpus" "${extra[@]}" "${dict[@]}" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "$@"
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "fuzz.sh: $target found a problem (status $status); the input is in $findings/." >&2
  echo "  Fix it, minimise the input ($BUILD_DIR/fuzz/fuzz_$target -minimize_crash=1 -runs=10000 FILE)" >&2
  echo "  and add it to tests/data/fuzz/$target/ so CTest replays it." >&2
fi
exit $status

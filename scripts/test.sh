#!/usr/bin/env bash
# Every check: set up, build, formatting, then the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
cd build
ctest --output-on-failure -j "${JOBS:-$(nproc)}"

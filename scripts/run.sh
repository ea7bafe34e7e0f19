#!/usr/bin/env bash
# The main job on its built-in default: set up, build, then simulate one training step of
# ResNet-18 on the heterogeneous edge accelerator (fused per block, 8 tiles) and print the
# summary. Extra arguments go to `monet-sim run` (e.g. `-o DIR`); outputs land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec build/cli/monet-sim run configs/experiments/resnet18-train-edge-hetero.yaml "$@"

#!/usr/bin/env bash
# Main job on the built-in default: set up, build, then describe ResNet-18.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec build/cli/monet-sim describe resnet18 "$@"

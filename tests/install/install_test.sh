#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then use the installed binary and Python package
# from another folder: presets resolve to <prefix>/share/monet-sim/configs (never the sources),
# MONET_CONFIG_PATH adds and overrides presets, and a bad entry is refused.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR PYTHON PYTHONDIR(relative to the prefix)
set -euo pipefail
build=$1 source=$2 python=$3 pythondir=$4
prefix=$(mktemp -d /tmp/monet-install.XXXXXX)
work=$(mktemp -d /tmp/monet-install-cwd.XXXXXX)
trap 'rm -rf "$prefix" "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
bin=$prefix/bin/monet-sim
configs=$prefix/share/monet-sim/configs
[ -x "$bin" ] || fail "no installed binary at $bin"
[ -f "$configs/accelerators/tpu-like.yaml" ] || fail "no installed presets in $configs"
[ -f "$configs/workloads/mlp.yaml" ] || fail "no installed workloads in $configs"
[ -f "$prefix/$pythondir/monet/__init__.py" ] || fail "no installed Python package"
ls "$prefix/$pythondir/monet/"_monet*.so >/dev/null || fail "no installed extension module"
# Nothing compiled in points at the source tree's configs.
if grep -q -a -F "$source/configs" "$bin" "$prefix/$pythondir/monet/"_monet*.so; then
  fail "an installed binary embeds $source/configs"
fi

cd "$work"
# A preset name, resolved in the installed configs.
out=$("$bin" validate tpu-like)
case $out in "$configs/accelerators/tpu-like.yaml: accelerator"*) ;; *) fail "validate: $out" ;; esac
# A run on a preset, from a folder that is neither the build nor the source tree.
cat > e.yaml <<YAML
name: installed
workload: {file: $configs/workloads/mlp.yaml, batch: 4}
training: {optimizer: sgd}
accelerator: edge-hetero
YAML
"$bin" run e.yaml -o out >run.log 2>&1 || { cat run.log; fail "run on a preset"; }
[ -f out/summary.json ] || fail "run wrote no summary.json"

# MONET_CONFIG_PATH: a folder of one's own comes first, adds presets and overrides shipped ones.
mkdir -p mine/accelerators
sed 's/^name: .*/name: my-tpu/' "$configs/accelerators/tpu-like.yaml" > mine/accelerators/my-tpu.yaml
cp "$configs/accelerators/tpu-like.yaml" mine/accelerators/tpu-like.yaml
out=$(MONET_CONFIG_PATH="$work/mine" "$bin" validate my-tpu)
case $out in "$work/mine/accelerators/my-tpu.yaml: accelerator 'my-tpu'"*) ;; *) fail "own preset: $out" ;; esac
out=$(MONET_CONFIG_PATH="::$work/mine" "$bin" validate tpu-like)
case $out in "$work/mine/accelerators/tpu-like.yaml:"*) ;; *) fail "override: $out" ;; esac
# A folder that does not exist is an error (exit 2, naming it), not skipped.
set +e
err=$(MONET_CONFIG_PATH="$work/nowhere" "$bin" validate tpu-like 2>&1); rc=$?
set -e
[ $rc -eq 2 ] || fail "bad MONET_CONFIG_PATH: exit $rc"
case $err in *"$work/nowhere"*"not a folder"*) ;; *) fail "bad MONET_CONFIG_PATH: $err" ;; esac

# The installed Python package, from the same folder.
PYTHONPATH="$prefix/$pythondir" MONET_CONFIG_PATH="$work/mine" "$python" - "$prefix" "$work" <<'PY'
import os, sys
import monet
prefix, work = sys.argv[1], sys.argv[2]
assert monet.__file__.startswith(prefix), monet.__file__
configs = os.path.join(prefix, "share/monet-sim/configs")
assert os.path.samefile(monet.accelerators.config_dir(), configs), monet.accelerators.config_dir()
path = [os.path.realpath(p) for p in monet.accelerators.config_path()]
assert path == [os.path.realpath(os.path.join(work, "mine")), os.path.realpath(configs)], path
assert "my-tpu" in monet.accelerators.presets() and "cim-reram" in monet.accelerators.presets()
assert monet.accelerators.load("my-tpu").name == "my-tpu"
r = monet.simulate(os.path.join(work, "e.yaml"))
assert r.latency_s > 0, r
PY
echo "install test passed ($prefix)"

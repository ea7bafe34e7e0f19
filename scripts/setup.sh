#!/usr/bin/env bash
# Installs the Debian packages monet-sim needs (only the missing ones) and configures +
# builds everything into build/. Safe to run again: it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake ninja-build g++ clang-format clang libclang-rt-14-dev
  libyaml-cpp-dev libeigen3-dev nlohmann-json3-dev libboost-graph-dev libcli11-dev catch2
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx libbenchmark-dev
  pybind11-dev python3-pybind11 python3-dev python3-numpy python3-matplotlib python3-yaml
  python3-distributed python3-pytest jupyter-nbconvert python3-ipykernel python3-nbformat
  python3-pandas chromium fonts-liberation)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPython3_EXECUTABLE=/usr/bin/python3 ${CMAKE_ARGS:-}
fi
cmake --build "$BUILD_DIR" -j "$JOBS"

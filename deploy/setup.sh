#!/usr/bin/env bash
# Sets clicktrack up on a Debian 12 machine and then does one thing:
#
#   deploy/setup.sh run [trackerd flags…]   install what is missing, build, run trackerd
#   deploy/setup.sh test                    install what is missing, build, run every test
#   deploy/setup.sh build                   install what is missing, build
#
# Installing needs root (or sudo). The build goes to build/ (CMake + Ninja + ccache); the
# daemon is build/trackerd. BUILD_TYPE (default RelWithDebInfo) picks the CMake build type.
set -euo pipefail

cd "$(dirname "$0")/.."
mode="${1:-build}"
[ $# -gt 0 ] && shift

# Everything the project builds, tests and benchmarks with: Debian 12 packages only.
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  librocksdb-dev libabsl-dev libprotobuf-dev protobuf-compiler libssl-dev libspdlog-dev
  libgtest-dev libbenchmark-dev
  wrk nginx curl
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  # nginx is only a benchmark baseline: never let its package start a service.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

build_type="${BUILD_TYPE:-RelWithDebInfo}"
jobs="$(nproc)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build --parallel "$jobs"

case "$mode" in
  build)
    ;;
  run)
    exec build/trackerd "$@"
    ;;
  test)
    ctest --test-dir build --output-on-failure --parallel "$jobs" --timeout 300
    ;;
  *)
    echo "usage: deploy/setup.sh [build|run|test] [trackerd flags…]" >&2
    exit 2
    ;;
esac

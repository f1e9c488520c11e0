#!/usr/bin/env bash
# Sets clicktrack up on a Debian 12 machine and then does one thing:
#
#   deploy/setup.sh run [trackerd flags…]   install what is missing, build, run trackerd
#   deploy/setup.sh test                    install what is missing, then what CI runs, in
#                                           order: the checks, the suite (GCC), the suite
#                                           again with clang under ASan+UBSan and with GCC
#                                           under TSan, each fuzz target briefly
#   deploy/setup.sh check                   the checks alone: clang-format and the shape limits
#   deploy/setup.sh build                   install what is missing, build
#   deploy/setup.sh fuzz [seconds]          build the fuzz targets and run each (default 600 s)
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
  libgtest-dev libbenchmark-dev librdkafka-dev
  wrk nginx curl postgresql-15 linux-perf
  clang libclang-rt-14-dev clang-format python3 git nodejs
  chromium chromium-driver python3-selenium ca-certificates
  systemd python3-prometheus-client prometheus libjs-chart.js
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

# configure DIR [cmake options…]; the default build is build/.
configure() {
  local dir="$1"
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
}

# The checks that need no build: every source formatted as .clang-format says, and no file
# or function over the shape limits (deploy/check_shape.py).
run_checks() {
  echo "check: clang-format" >&2
  git ls-files -- '*.cc' '*.h' | xargs clang-format --dry-run -Werror
  echo "check: shape" >&2
  deploy/check_shape.py
  check_unit
  check_deploy
}

# The systemd unit: valid (systemd-analyze verify, with a stand-in binary), and locked down to
# an exposure of at most 2.0 of 10 (systemd-analyze security; docs/operations.md).
check_unit() {
  echo "check: systemd unit" >&2
  local dir
  dir="$(mktemp -d)"
  sed 's|^ExecStart=.*|ExecStart=/bin/true|' deploy/trackerd.service >"$dir/trackerd.service"
  systemd-analyze verify "$dir/trackerd.service"
  systemd-analyze security --offline=true --threshold=20 "$dir/trackerd.service" >"$dir/security" ||
    { cat "$dir/security" >&2; echo "check: the unit's exposure is over 2.0" >&2; exit 1; }
  rm -rf "$dir"
}

# The rest of deploy/: the backup units (systemd-analyze verify), the alerts (promtool check
# rules), and the nginx front (nginx -t, with a throwaway certificate). The Dockerfile is linted
# with hadolint where it is installed (Debian 12 has no package of it).
check_deploy() {
  echo "check: deploy/ (backup units, alerts, nginx front)" >&2
  local dir
  dir="$(mktemp -d)"
  sed 's|^ExecStart=.*|ExecStart=/bin/true|' deploy/trackerd.service >"$dir/trackerd.service"
  cp deploy/clicktrack-backup.service deploy/clicktrack-backup.timer "$dir/"
  (cd "$dir" && systemd-analyze verify clicktrack-backup.service clicktrack-backup.timer)
  promtool check rules deploy/prometheus/alerts.yml >/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
  sed "s|/etc/ssl/clicktrack|$dir|" deploy/nginx/clicktrack.conf >"$dir/site.conf"
  printf 'pid %s/nginx.pid;\nerror_log %s/error.log;\nevents {}\nhttp { include %s/site.conf; }\n' \
    "$dir" "$dir" "$dir" >"$dir/nginx.conf"
  nginx -q -t -c "$dir/nginx.conf"
  deploy/grafana/check_dashboard.py deploy/grafana/clicktrack-dashboard.json >/dev/null
  if command -v hadolint >/dev/null; then hadolint deploy/Dockerfile; fi
  rm -rf "$dir"
}

# The clang build: ASan+UBSan, warnings as errors, the tests and the libFuzzer targets.
configure_clang() {
  CC=clang CXX=clang++ configure build-clang -DCLICKTRACK_FUZZ=ON -DCLICKTRACK_WERROR=ON \
    -DCLICKTRACK_BUILD_BENCH=OFF
}

# Each libFuzzer target for $1 seconds on a scratch copy of its corpus (new inputs stay out
# of the repository; a crash leaves its input in build-clang/ and fails).
run_fuzzers() {
  local seconds="$1"
  local targets
  targets=$(cd tests/fuzz && ls fuzz_*.cc | sed 's/\.cc$//')
  configure_clang
  # shellcheck disable=SC2086  # one target per word
  cmake --build build-clang --parallel "$jobs" --target $targets
  local target scratch passed=0
  for target in $targets; do
    scratch="$(mktemp -d)"
    echo "fuzz: $target for ${seconds}s" >&2
    if ! (cd build-clang && "./tests/fuzz/$target" -max_total_time="$seconds" \
      -print_final_stats=1 "$scratch" "../tests/fuzz/corpus/$target" >"$scratch.log" 2>&1); then
      tail -n 60 "$scratch.log" >&2
      echo "fuzz: $target found a crash; its input is in build-clang/ (crash-*)" >&2
      exit 1
    fi
    grep -E '^stat::number_of_executed_units' "$scratch.log" | sed "s/^/fuzz: $target /" >&2
    rm -f "$scratch.log"
    rm -rf "$scratch"
    passed=$((passed + 1))
  done
  echo "fuzz: $passed passed, 0 failed"
}

case "$mode" in
  build)
    configure build
    cmake --build build --parallel "$jobs"
    ;;
  run)
    configure build
    cmake --build build --parallel "$jobs"
    exec build/trackerd "$@"
    ;;
  check)
    run_checks
    ;;
  test)
    run_checks
    # GCC, warnings as errors: the suite.
    configure build -DCLICKTRACK_WERROR=ON
    cmake --build build --parallel "$jobs"
    ctest --test-dir build --output-on-failure --parallel "$jobs" --timeout 300
    # clang with AddressSanitizer and UndefinedBehaviorSanitizer: the suite again.
    configure_clang
    cmake --build build-clang --parallel "$jobs"
    ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-clang --output-on-failure \
      --parallel "$jobs" --timeout 600
    # GCC with ThreadSanitizer: the suite again. The daemons the tests start inherit
    # TSAN_OPTIONS; a race in one makes it exit 66, which fails its test.
    configure build-tsan -DCLICKTRACK_SANITIZE=thread -DCLICKTRACK_WERROR=ON \
      -DCLICKTRACK_BUILD_BENCH=OFF
    cmake --build build-tsan --parallel "$jobs"
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$PWD/deploy/tsan-suppressions.txt" \
      ctest --test-dir build-tsan --output-on-failure --parallel "$jobs" --timeout 600
    run_fuzzers "${FUZZ_SECONDS:-15}"
    ;;
  fuzz)
    run_fuzzers "${1:-600}"
    ;;
  *)
    echo "usage: deploy/setup.sh [build|run|check|test|fuzz] [trackerd flags…|seconds]" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# check_tsan.sh: builds the torch-free core tests with ThreadSanitizer
# (cmake -DHSGD_SANITIZE=thread) in build-tsan/ and runs the concurrent ones:
# the PS stress test, the threads runtime and the server protocol with its
# ranks (and server shards) as threads (*InProc*). Any data race fails the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmake -S "$ROOT" -B "$ROOT/build-tsan" -DHSGD_SANITIZE=thread -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHSGD_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$ROOT/build-tsan" -j2 --target hsgd_core_tests
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  "$ROOT/build-tsan/tests/hsgd_core_tests" --gtest_filter='*ParameterServer*:*ThreadsRuntime*:*Threads*:*InProc*'

#!/usr/bin/env bash
# check_asan.sh: builds the whole project and its test suite with AddressSanitizer
# and UndefinedBehaviorSanitizer (cmake -DHSGD_SANITIZE=address,undefined: every
# hsgd translation unit, the LibTorch ones included, built with
# -fno-sanitize-recover=all so a UBSan report ends the process) in build-asan/,
# and runs every test with ctest. Any report fails the run.
#
#   scripts/check_asan.sh [CTEST ARGS...]     e.g. -R IdxReader
#   scripts/check_asan.sh --core              only the torch-free core tests (hsgd_core_tests,
#                                             159 tests: PS, schedules, simulator, readers, threads
#                                             runtime...): what CI runs, since the whole suite
#                                             takes about 35 min here (docs/fuzzing.md)
#   HSGD_JOBS=1 scripts/check_asan.sh         build and test parallelism (default 2)
#
# What is not instrumented: LibTorch, OpenBLAS, OpenMPI, zlib and the C++
# standard library are Debian's prebuilt shared libraries; ASan still checks
# every access that hsgd's own code (and the LibTorch/toml++/nlohmann header code
# inlined into it) makes to their memory, and its allocator serves theirs.
# The options below are the only exceptions; docs/fuzzing.md says the same.
# Status: the whole suite passes (231 tests, 2026-11-27; docs/fuzzing.md);
# .ci/run runs the --core part.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-asan"
JOBS="${HSGD_JOBS:-2}"

CORE_ONLY=0
if [[ "${1:-}" == "--core" ]]; then
  CORE_ONLY=1
  shift
fi

cmake -S "$ROOT" -B "$BUILD" -DHSGD_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHSGD_BUILD_BENCHMARKS=OFF >/dev/null
if ((CORE_ONLY)); then
  cmake --build "$BUILD" -j"$JOBS" --target hsgd_core_tests
else
  cmake --build "$BUILD" -j"$JOBS"
fi

# halt_on_error / abort_on_error: the first report ends the process with an
# error, so the test that provoked it fails (children the tests start, the hsgd
# program and its mpirun ranks, inherit these variables).
# Leak reports stay on (detect_leaks=1), with the suppressions of
# scripts/lsan_suppressions.txt for memory that uninstrumented libraries keep
# until exit.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan_suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
cd "$BUILD"
if ((CORE_ONLY)); then
  exec "$BUILD/tests/hsgd_core_tests" "$@"
fi
ctest --output-on-failure -j"$JOBS" "$@"

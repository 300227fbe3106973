#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer targets (fuzz/, one per parser of outside input)
# with clang-14 and -fsanitize=fuzzer,address,undefined in build-fuzz/, replays
# every committed seed and every input that ever crashed (fuzz/corpus/<target>/,
# fuzz/regressions/<target>/), then fuzzes each target for SECONDS.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target (default 180); all targets by default
#   HSGD_JOBS=1 scripts/fuzz.sh ...         build parallelism (default 2)
#
# New interesting inputs go to build-fuzz/corpus/<target>/ (kept between runs,
# not committed). A crash, sanitizer report, leak, hang (one input over
# HSGD_FUZZ_TIMEOUT wall-clock seconds, default 60: generous, since on a loaded
# machine a nice'd fuzzer may wait long for a core) or single allocation over
# 512 MB leaves its input under fuzz/crashes/ with a .cmd
# file holding the command that reproduces it; the script then exits 1. To keep
# it as a regression test: fix the bug, copy the input to fuzz/regressions/<target>/
# (replayed by the FuzzReplay.* tests of every build) and add a test to tests/.
# Needs clang-14 (scripts/setup.sh installs it). Exit status: 0 when no target crashed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-180}"
shift || true
BUILD="$ROOT/build-fuzz"
CRASHES="$ROOT/fuzz/crashes"
ALL_TARGETS=(idx cifar_archive csv run_config suite schedule metrics message checkpoint cifar_records run_checkpoint)  # = HSGD_FUZZ_TARGETS (CMakeLists.txt)
[[ $# -gt 0 ]] && TARGETS=("$@") || TARGETS=("${ALL_TARGETS[@]}")

log() { printf '[fuzz] %s\n' "$*"; }

command -v clang++-14 >/dev/null || { echo "fuzz.sh: clang++-14 missing (run scripts/setup.sh)" >&2; exit 2; }
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD" -DHSGD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
log "building ${TARGETS[*]} in $BUILD (-j${HSGD_JOBS:-2})"
cmake --build "$BUILD" -j"${HSGD_JOBS:-2}" --target "${TARGETS[@]/#/fuzz_}" >/dev/null

mkdir -p "$CRASHES" "$BUILD/logs"
# Leaks are real findings here (every target frees what it parses). UBSan stops
# at the first report (the code is built with -fno-sanitize-recover=all).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
failed=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD/fuzz/fuzz_$t"
  work="$BUILD/corpus/$t"
  mkdir -p "$work"
  flags=(-timeout="${HSGD_FUZZ_TIMEOUT:-60}" -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1
         -artifact_prefix="$CRASHES/$t-")
  [[ -f "$ROOT/fuzz/dict/$t.dict" ]] && flags+=(-dict="$ROOT/fuzz/dict/$t.dict")
  seeds=("$ROOT/fuzz/corpus/$t")
  [[ -d "$ROOT/fuzz/regressions/$t" ]] && seeds+=("$ROOT/fuzz/regressions/$t")
  before="$(ls "$CRASHES" | sort)"
  log "$t: ${SECONDS_PER_TARGET} s (log: $BUILD/logs/$t.log)"
  status=0
  "$bin" "${flags[@]}" -max_total_time="$SECONDS_PER_TARGET" "$work" "${seeds[@]}" >"$BUILD/logs/$t.log" 2>&1 || status=$?
  # libFuzzer's last status line: executions, coverage (cov: edges, ft: features), corpus.
  grep -E '^#[0-9]+' "$BUILD/logs/$t.log" | tail -n1 | sed "s/^/[fuzz] $t: /" || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$BUILD/logs/$t.log" |
    sed "s/^/[fuzz] $t: /" || true
  if ((status != 0)); then
    failed+=("$t")
    log "$t FAILED (exit $status); the report:"
    grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==|deadly signal|Test unit written' "$BUILD/logs/$t.log" | head -n 20 >&2 || true
    for f in $(comm -13 <(echo "$before") <(ls "$CRASHES" | sort)); do
      [[ "$f" == *.cmd ]] && continue
      printf '%s\n' "cd $ROOT && $bin $CRASHES/$f   # $t; a build of scripts/fuzz.sh" >"$CRASHES/$f.cmd"
      log "kept $CRASHES/$f; reproduce with: $(cat "$CRASHES/$f.cmd")"
    done
  fi
done
if ((${#failed[@]})); then
  log "FAILED: ${failed[*]} (inputs under $CRASHES)"
  exit 1
fi
log "no crash in ${TARGETS[*]}"

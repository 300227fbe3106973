#!/usr/bin/env bash
# readme_commands_test.sh SOURCE_DIR BUILD_DIR WORK_DIR: runs every hsgd
# command that README.md documents, with a short budget, and fails naming each
# README line whose command failed.
#
# A command is a line of a ```sh block that runs build/hsgd (directly or
# through scripts/mpirun.sh), with its backslash continuations joined and its
# comment dropped. Every such command runs unless SKIP below names it with the
# reason, so a command added to README.md is run by default. Each runs in
# WORK_DIR, where build/ and scripts/ link to the build and the sources, in
# README order (so `train --resume runs/long` finds the run an earlier command
# made), with these changes that keep each within seconds:
#   --seconds X      becomes X / 50 (100 s of the simulator: 2 s; 180 s of mpi: 3.6 s);
#                    train and compare without --seconds get --seconds 2 (with
#                    --epochs N, the first budget reached ends the run);
#   experiment SUITE (not --list) gets --seeds 1 --set seconds=1;
#   "..." (README's "and other options") is dropped;
#   PLACEHOLDER paths become real ones (runs/x: the run made above; my-suite.toml: a tiny suite written here).
set -uo pipefail
src=$1 build=$2 work=$3

# Commands that cannot run in a test: a fixed string of the command -> the reason.
declare -A SKIP=(
  ["--hostfile hosts.txt"]="needs hosts.txt naming other machines, each with the same binary and data"
  ["--host node1:5,node2:4"]="runs ranks on the machines node1 and node2"
  ["--model torchscript:my_net.pt"]="needs the user's own TorchScript file; tests/torchscript_test.cc exports modules and trains them in sim and threads"
)
declare -A PLACEHOLDER=(
  ["runs/x/config.toml"]="runs/long/config.toml"
)

rm -rf "$work"
mkdir -p "$work"
ln -s "$build" "$work/build"
ln -s "$src/scripts" "$work/scripts"
export HSGD_DATA_ROOT="$src/data"
cat > "$work/my-suite.toml" <<'EOF'
name = "my-suite"
description = "a tiny suite of the README test"
seeds = 2
modes = ["async", "hybrid"]
[options]
runtime = "sim"
data = "synthetic:samples=500"
model = "mlp"
workers = 2
seconds = 2
EOF

# The README's commands, one per line: "LINE_NUMBER<TAB>COMMAND".
readme_commands() {
  awk '
    /^```/ { in_block = !in_block && ($0 ~ /^```sh/); next }
    !in_block { next }
    {
      line = $0
      if (pending != "") { line = pending " " line } else { first = NR }
      if (line ~ /\\$/) { sub(/\\$/, "", line); pending = line; next }
      pending = ""
      sub(/[ \t]+#.*$/, "", line); sub(/^#.*$/, "", line)
      gsub(/[ \t]+/, " ", line); sub(/^ /, "", line); sub(/ $/, "", line)
      if (line ~ /(^| )build\/hsgd( |$)/) print first "\t" line
    }' "$src/README.md"
}

# The command with a short budget.
shortened() {
  local cmd=$1 out=() word i
  read -r -a words <<<"$cmd"
  for ((i = 0; i < ${#words[@]}; ++i)); do
    word=${words[i]}
    [[ $word == "..." ]] && continue
    [[ -n ${PLACEHOLDER[$word]+x} ]] && word=${PLACEHOLDER[$word]}
    out+=("$word")
    if [[ $word == --seconds && $((i + 1)) -lt ${#words[@]} ]]; then
      out+=("$(awk -v s="${words[i + 1]}" 'BEGIN { print s / 50 }')")
      ((++i))
    fi
  done
  cmd="${out[*]}"
  if [[ $cmd =~ build/hsgd\ (train|compare)( |$) && ! $cmd =~ --seconds && ! $cmd =~ --help ]]; then
    cmd+=" --seconds 2"
  fi
  if [[ $cmd =~ build/hsgd\ experiment\ [^-] && ! $cmd =~ --list ]]; then
    cmd+=" --seeds 1 --set seconds=1"
  fi
  printf '%s' "$cmd"
}

failed=() ran=0 skipped=0
# README.md opens with exactly two commands: main.sh and test.sh.
first_block=$(awk '/^```/ { if (open) exit; open = 1; next } open' "$src/README.md")
[[ $(grep -c . <<<"$first_block") == 2 && $first_block == *scripts/main.sh* && $first_block == *scripts/test.sh* ]] ||
  failed+=("README.md must open with exactly two commands, scripts/main.sh and scripts/test.sh")
declare -A skip_used=()
while IFS=$'\t' read -r number cmd; do
  reason=""
  for pattern in "${!SKIP[@]}"; do
    if [[ $cmd == *"$pattern"* ]]; then reason=${SKIP[$pattern]}; skip_used[$pattern]=1; fi
  done
  if [[ -n $reason ]]; then
    echo "README.md:$number: skipped: $cmd ($reason)"
    ((++skipped))
    continue
  fi
  short=$(shortened "$cmd")
  start=$(date +%s.%N)
  # stdin from /dev/null: mpirun would read the rest of the command list
  (cd "$work" && timeout 300 bash -c "$short") </dev/null >"$work/line-$number.log" 2>&1
  rc=$?
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  ((++ran))
  if ((rc == 0)); then
    echo "README.md:$number: ok in ${seconds}s: $short"
  else
    echo "README.md:$number: FAILED (exit status $rc) in ${seconds}s: $short"
    tail -n 15 "$work/line-$number.log" | sed 's/^/    /'
    failed+=("README.md:$number: $cmd")
  fi
done < <(readme_commands)

for pattern in "${!SKIP[@]}"; do
  [[ -n ${skip_used[$pattern]+x} ]] || failed+=("SKIP entry '$pattern' matches no README command: remove it")
done
echo "$ran README commands run, $skipped skipped, ${#failed[@]} failed"
((ran > 10)) || failed+=("only $ran commands found in README.md: is the extraction broken?")
if ((${#failed[@]})); then
  printf 'failed: %s\n' "${failed[@]}"
  exit 1
fi

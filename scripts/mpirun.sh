#!/usr/bin/env bash
# mpirun.sh: mpirun with what hsgd's MPI runs need (docs/faults.md):
# - --enable-recovery: the job goes on when a worker rank dies (without it,
#   OpenMPI aborts every rank within seconds); rank 0 declares it dead after
#   --worker-timeout and K stops counting it.
# - rank 0's exit status: under --enable-recovery mpirun itself exits 0
#   whatever the ranks did, so rank 0 leaves its status in the file named by
#   HSGD_EXIT_STATUS_FILE and this script exits with it (0 finished,
#   1 failed, 5 diverged, 143/130 terminated; README.md lists them).
# - --oversubscribe, so that more ranks than cores may run (a 2-core machine
#   with 1 server + 4 workers); as root, OpenMPI's two OMPI_ALLOW_RUN_AS_ROOT*.
#   scripts/mpirun.sh -np 5 build/hsgd train --runtime mpi ...   (hsgd train or compare)
# SIGINT and SIGTERM to this script go on to mpirun, which forwards them to
# every rank: rank 0 then ends the run cleanly with its metrics.
set -euo pipefail
if [[ "$(id -u)" == 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
status_file="$(mktemp "${TMPDIR:-/tmp}/hsgd-status.XXXXXX")"
trap 'rm -f "$status_file"' EXIT
: >"$status_file"
export HSGD_EXIT_STATUS_FILE="$status_file"
set -m  # mpirun in its own process group, where SIGINT is not ignored; the traps forward signals to it
# btl_vader_single_copy_mechanism none: with the default (CMA), a rank reads a
# large message straight from its sender's memory, and OpenMPI aborts the
# reader when the sender dies in the middle; through shared-memory fragments
# the reader just waits, and hsgd gives up on that sender after its timeout.
mpirun --oversubscribe --enable-recovery --mca btl_vader_single_copy_mechanism none -x HSGD_EXIT_STATUS_FILE "$@" &
mpirun_pid=$!
trap 'kill -TERM "$mpirun_pid" 2>/dev/null || true' TERM
trap 'kill -INT "$mpirun_pid" 2>/dev/null || true' INT
rc=0
# wait returns early (status > 128) when a trapped signal arrives: wait again for mpirun itself
while true; do
  wait "$mpirun_pid" && rc=0 || rc=$?
  kill -0 "$mpirun_pid" 2>/dev/null || break
done
if [[ -s "$status_file" ]]; then
  rc="$(head -c 16 "$status_file" | tr -dc '0-9')"
  [[ -n "$rc" ]] || rc=1
elif ((rc == 0)); then
  # rank 0 never got to leave a status: it was killed (or this is not an hsgd command)
  echo "mpirun.sh: rank 0 ended without leaving its exit status (killed?): exit status 1" >&2
  rc=1
fi
exit "$rc"

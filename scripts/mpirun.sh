#!/usr/bin/env bash
# mpirun.sh: mpirun with what this kind of machine needs: as root, OpenMPI's
# two OMPI_ALLOW_RUN_AS_ROOT* variables; and --oversubscribe, so that more
# ranks than cores may run (a 2-core machine with 1 server + 4 workers).
#   scripts/mpirun.sh -np 5 build/hsgd train --runtime mpi ...
set -euo pipefail
if [[ "$(id -u)" == 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
exec mpirun --oversubscribe "$@"

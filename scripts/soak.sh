#!/usr/bin/env bash
# soak.sh [--minutes M] [--runtimes sim,threads,mpi] [--seed S] [--out DIR]
# | --long M --out DIR | --report DIR[,DIR...]: the
# chaos soak (scripts/soak.py; docs/faults.md, "The chaos soak"), with
# Debian's Python and the project's build. Not part of CI: it runs for
# M minutes per runtime (default 30). Exit status 0 when nothing was lost.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -x "$ROOT/build/hsgd" ]] || { echo "soak: build/hsgd missing: run scripts/setup.sh first" >&2; exit 1; }
exec /usr/bin/python3 "$ROOT/scripts/soak.py" "$@"

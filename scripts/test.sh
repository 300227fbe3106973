#!/usr/bin/env bash
# test.sh: sets everything up (scripts/setup.sh) and runs all tests with ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "${HSGD_BUILD_DIR:-$ROOT/build}"
ctest --output-on-failure -j2 "$@"

#!/usr/bin/env bash
# install_test.sh BUILD_DIR WORK_DIR: installs the build into WORK_DIR/prefix
# (cmake --install), builds tests/consumer against the installed package
# (find_package(hsgd) -> hsgd::core) and runs it. Exit status 0 when all of that works.
set -euo pipefail
build=$1 work=$2
src="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work.install.log" 2>&1 || { cat "$work.install.log"; exit 1; }
mv "$work.install.log" "$work/install.log"
test -x "$work/prefix/bin/hsgd"
test -f "$work/prefix/include/hsgd/ps/parameter_server.h"
cmake -S "$src/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
"$work/consumer/ps_consumer"
"$work/prefix/bin/hsgd" --version

#!/usr/bin/env bash
# pip_install_test.sh SRC BUILD: `pip install .` from the checkout into a fresh
# virtual environment of /usr/bin/python3 (docs/python.md) puts a working hsgd
# package there, importable from any folder without PYTHONPATH.
set -euo pipefail
SRC="$1"; BUILD="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$tmp/env"   # its pip from Debian's python3-pip-whl
cd "$SRC"
HSGD_BUILD_DIR="$BUILD" PIP_DISABLE_PIP_VERSION_CHECK=1 "$tmp/env/bin/pip" install -q --no-build-isolation --no-deps .
cd "$tmp"
unset PYTHONPATH
"$tmp/env/bin/python" - <<'PY'
import numpy as np, hsgd, sys
assert hsgd.__file__.startswith(sys.prefix), hsgd.__file__
ps = hsgd.ParameterServer(np.ones(4, dtype=np.float32), workers=1, mode="async", lr=1.0)
ps.push(0, 0, np.ones(4, dtype=np.float32))
assert ps.params().tolist() == [0.0] * 4
print("pip install: hsgd", hsgd.__version__, "from", hsgd.__file__)
PY

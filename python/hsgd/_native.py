"""The compiled part of hsgd (_hsgd, built by CMake with pybind11), loaded
with a message that says what to do when this interpreter cannot load it."""
import sys

BUILT_FOR = "/usr/bin/python3 (Debian 12's CPython 3.11, whose python3-torch is the LibTorch hsgd links)"

try:
    from . import _hsgd as native  # noqa: F401
except ImportError as e:  # another interpreter, or the module not built
    raise ImportError(
        f"hsgd's compiled module could not be loaded by {sys.executable} (Python "
        f"{sys.version.split()[0]}): {e}. It is built for {BUILT_FOR}: run "
        "`scripts/setup.sh`, then use .venv/bin/python (or /usr/bin/python3 with "
        "PYTHONPATH=build/python); see docs/python.md") from e

"""The compiled part of hsgd (_hsgd, built by CMake with pybind11 for
Debian's /usr/bin/python3), loaded with a message that says what to do when
this interpreter is another one or cannot load it. Another CPython 3.11 (a
pyenv or conda one) might load the module but lacks Debian's torch, numpy and
pandas, and its own torch would be a second LibTorch in the process: it is
refused by name unless HSGD_ANY_PYTHON=1."""
import os
import sys
from pathlib import Path

BUILT_FOR = "/usr/bin/python3 (Debian 12's CPython 3.11, whose python3-torch is the LibTorch hsgd links)"
HOW = ("run `scripts/setup.sh`, then use .venv/bin/python (or /usr/bin/python3 with PYTHONPATH=build/python); "
       "see docs/python.md")


def _debian_python():
    base = getattr(sys, "_base_executable", None) or sys.executable
    try:
        return Path(base).resolve() == Path("/usr/bin/python3").resolve()
    except OSError:
        return False


if not _debian_python() and os.environ.get("HSGD_ANY_PYTHON") != "1":
    raise ImportError(f"hsgd: this is {sys.executable} (Python {sys.version.split()[0]}). It is built for "
                      f"{BUILT_FOR}: {HOW}")

try:
    from . import _hsgd as native  # noqa: F401
except ImportError as e:  # the module not built, or built for another Python
    raise ImportError(f"hsgd's compiled module could not be loaded by {sys.executable}: {e}. It is built for "
                      f"{BUILT_FOR}: {HOW}") from e

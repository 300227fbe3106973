"""pip install . (docs/python.md): the hsgd package, built by the project's
CMake for Debian's /usr/bin/python3. Run with --no-build-isolation (Debian's
setuptools; this machine has no PyPI):

    /usr/bin/python3 -m venv --system-site-packages ENV
    ENV/bin/pip install --no-build-isolation --no-deps .

The build folder is $HSGD_BUILD_DIR or build/ of this checkout, configured
when it is not yet; the package is what it assembles in BUILD/python/hsgd/.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUILD = Path(os.environ.get("HSGD_BUILD_DIR", ROOT / "build"))


def debian_python():
    """Whether this is /usr/bin/python3, or a virtual environment made from it."""
    base = getattr(sys, "_base_executable", sys.executable)
    return Path(base).resolve() == Path("/usr/bin/python3").resolve()


class BuildWithCMake(build_py):
    def run(self):
        if not debian_python():
            sys.exit(f"hsgd: the module is built for /usr/bin/python3, not {sys.executable} (docs/python.md)")
        if not (BUILD / "CMakeCache.txt").exists():
            subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(BUILD), "-DCMAKE_BUILD_TYPE=Release"])
        subprocess.check_call(["cmake", "--build", str(BUILD), "-j", os.environ.get("HSGD_JOBS", "2"),
                               "--target", "_hsgd"])
        target = Path(self.build_lib) / "hsgd"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(BUILD / "python" / "hsgd", target, ignore=shutil.ignore_patterns("__pycache__"))


setup(
    name="hsgd",
    version="0.1.0",
    description="data-parallel SGD with a parameter server, from asynchronous to synchronous (C++ core)",
    packages=["hsgd"],
    package_dir={"hsgd": "python/hsgd"},
    python_requires=">=3.11,<3.12",
    cmdclass={"build_py": BuildWithCMake},
    options={"build": {"build_base": str(BUILD / "setuptools")}},  # not build/lib beside CMake's files
    zip_safe=False,
)

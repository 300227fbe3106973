"""Every example of examples/ runs with --quick (a few seconds of training)
in a fresh folder, and says what it should."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hsgd

from conftest import ROOT

EXAMPLES = {
    "hello.py": "Run(",
    "train_and_compare.py": "verdict:",
    "own_model_and_data.py": "on 5 classes",
    "k_policy.py": "threads: Run(",
    "parameter_server_loop.py": "hsgd / Python:",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs(tmp_path, name):
    env = dict(os.environ, PYTHONPATH=str(Path(hsgd.__file__).resolve().parents[1]))  # this hsgd, from any folder
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / name), "--quick", "--out", str(tmp_path / "out")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert EXAMPLES[name] in proc.stdout, proc.stdout

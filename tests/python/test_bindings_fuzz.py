"""Randomised wrong types and values over the public Python functions (bindings_fuzz.py), in
a subprocess so that a crash of the interpreter is a failure with its output, not a lost run."""

import os
import subprocess
import sys
import pathlib


def test_random_bad_arguments_raise_clean_errors(tmp_path):
    script = pathlib.Path(__file__).resolve().parent / "bindings_fuzz.py"
    p = subprocess.run([sys.executable, str(script), "7", "3000"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert p.returncode == 0, f"exit {p.returncode}\n{p.stdout[-6000:]}\n{p.stderr[-6000:]}"
    assert "0 findings" in p.stdout

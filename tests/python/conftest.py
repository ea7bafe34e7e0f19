"""Shared paths for the Python tests. CTest sets PYTHONPATH (the build tree's package),
MONET_SOURCE_DIR and MONET_CLI; run by hand, the defaults point into ./build."""

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(os.environ.get("MONET_SOURCE_DIR",
                                   pathlib.Path(__file__).resolve().parents[2]))
if "monet" not in sys.modules:
    try:
        import monet  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(ROOT / "build" / "python"))

CLI = pathlib.Path(os.environ.get("MONET_CLI", ROOT / "build" / "cli" / "monet-sim"))
CONFIGS = ROOT / "configs"
DATA = pathlib.Path(__file__).resolve().parent / "data"
DEFAULT_EXPERIMENT = CONFIGS / "experiments" / "resnet18-train-edge-hetero.yaml"
SWEEP_SCRIPT = ROOT / "examples" / "sweeps" / "sweep.py"


@pytest.fixture
def cli():
    if not CLI.exists():
        pytest.skip(f"monet-sim not built at {CLI}")
    return str(CLI)

"""monet: Python interface of monet-sim, a simulator of neural-network training and inference
on heterogeneous dataflow accelerators.

    import monet
    result = monet.simulate("configs/experiments/resnet18-train-edge-hetero.yaml")
    result.summary["latency_s"], result.ops, result.cns        # dict and tables
    monet.plot.gantt(result)                                    # matplotlib figure

Modules: workloads (built-in networks, YAML, ONNX), training (expansion, checkpointing,
exact fronts), accelerators (presets, editable descriptions), ga (NSGA-II with Python
evaluation), plot (figures), sweep (grid/random design-space sweeps, local or on Dask).
Fleets (fleet.py): calibrate(measurements) fits accelerator fields to a board's measurements,
select(fleet) chooses a model per device online, as `monet-sim calibrate/select` do; both
return the CLI's JSON document as a dict.
Errors from the library raise MonetError (ConfigError for files: file, line, field, value and
rule in the message and in `e.issues`).
"""

from __future__ import annotations

import importlib
from typing import Any

from . import _monet  # noqa: F401  (monet._monet: the compiled module)
from ._monet import ConfigError, MonetError
from . import accelerators, ga, training, workloads
from .fleet import calibrate, select
from .search import Front, search
from .simulate import (EpisodeResult, Experiment, GenerationResult, PlanSpec, Result,
                       load_experiment, parse_experiment, plan, simulate)
from .table import Table

__version__ = "0.1.0"

__all__ = ["MonetError", "ConfigError", "simulate", "Result", "GenerationResult",
           "EpisodeResult", "load_experiment",
           "parse_experiment", "plan", "Experiment", "PlanSpec", "search", "Front", "Table",
           "workloads", "training", "accelerators", "ga", "plot", "sweep", "calibrate", "select"]


def __getattr__(name: str) -> Any:
    # plot pulls in matplotlib and sweep pulls in yaml: imported on first use.
    if name in ("plot", "sweep"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'monet' has no attribute {name!r}")

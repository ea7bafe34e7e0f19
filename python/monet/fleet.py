"""`monet-sim calibrate` and `monet-sim select` from Python (fleet/README.md documents both
files and every output field).

Each takes what the CLI takes: a file path, or the same document as a dict (relative paths
in it resolve against the folder of `name`, by default the working directory). With
`out_dir` it writes the CLI's output folder, as one set replaced atomically. It returns the
CLI's JSON document as a dict, plus what the CLI writes to other files. What the CLI prints as
warnings is raised as Python warnings (UserWarning) and kept in the dict's `warnings`.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Dict, Optional, Union

from . import _monet
from ._checks import require

__all__ = ["calibrate", "select"]

PathLike = Union[str, "os.PathLike[str]"]


def _source(document: Union[PathLike, Dict[str, Any]], name: Optional[str], what: str):
    """(YAML text, name): empty text when `document` is a file to load."""
    require(document, (str, os.PathLike, dict), what)
    if isinstance(document, dict):
        # JSON is YAML: the C++ parser reads the dict with the file's rules and messages.
        return json.dumps(document), (name or "<python>")
    if name is not None:
        raise TypeError(f"{what}: name= is for dicts; a file is named by its path")
    return "", os.fspath(document)


def _announce(result: Dict[str, Any]) -> Dict[str, Any]:
    # What the CLI prints on stderr as "warning:" is a Python warning here (and stays in the
    # dict's `warnings`).
    notes = list(result.get("warnings", []))
    if "fit" in result and not result["fit"]["converged"]:
        notes.append("the fit did not converge")
    for note in notes:
        warnings.warn(note, stacklevel=3)
    return result


def calibrate(measurements: Union[PathLike, Dict[str, Any]], *, out_dir: Optional[PathLike] = None,
              threads: int = 0, name: Optional[str] = None) -> Dict[str, Any]:
    """Fits accelerator fields to measured latency, energy and power, like
    `monet-sim calibrate MEASUREMENTS.yaml -o DIR`.

    Returns calibration.json as a dict: `parameters` (initial, fitted, uncertainty, at_bound,
    in the field's unit), `measurements` (per quantity: measured, before, after,
    leave_one_out and their relative errors error_before, error_after, error_leave_one_out),
    `fit`, `warnings`; plus `calibrated_accelerators` ({file name: YAML text}, the files
    written to out_dir). threads: parallel simulations (0 = all cores)."""
    text, source = _source(measurements, name, "calibrate(measurements)")
    return _announce(_monet.calibrate(text, source, os.fspath(out_dir) if out_dir else "", threads))


def select(fleet: Union[PathLike, Dict[str, Any]], *, out_dir: Optional[PathLike] = None,
           threads: int = 0, name: Optional[str] = None) -> Dict[str, Any]:
    """Chooses a model per device online against baselines, like
    `monet-sim select FLEET.yaml -o DIR`.

    Returns select.json as a dict (`models`, `devices` with their `oracle_model`, `pairs`
    with latency, energy, QoE and feasibility, `policies` with cumulative regret, growth
    exponent and choice counts, `warnings`) plus `per_round`, rounds.csv as columns:
    `device` and `user` per round, and per policy name `choice` (model names), `feedback`,
    `regret` and `cumulative_regret`. threads: parallel simulations (0 = all cores)."""
    text, source = _source(fleet, name, "select(fleet)")
    return _announce(_monet.select(text, source, os.fspath(out_dir) if out_dir else "", threads))

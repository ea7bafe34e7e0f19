"""`monet-sim search` from Python: :func:`search` → :class:`Front`.

The search problems live in the C++ library (codesign/search.hpp): `codesign` (core allocation,
fusion, checkpointing and hardware knobs, every genome simulated) and `checkpoint-chain`
(the chain model of checkpointing, compared with its exact front). The experiment's
`search:` section (configs/experiments/README.md) gives the defaults; keywords override it.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Dict, List, Optional, Union

import numpy as np

from . import _monet
from ._checks import require
from ._monet import Experiment, HardwareKnob, SearchSpec
from .simulate import Result, load_experiment, parse_experiment
from .table import Table

__all__ = ["search", "Front", "SearchSpec", "HardwareKnob", "search_spec"]

def _knob(k: Union[HardwareKnob, Dict[str, Any]]) -> HardwareKnob:
    if isinstance(k, HardwareKnob):
        return k
    unknown = set(k) - {"kind", "core", "memory", "values"}
    if unknown:
        raise _monet.MonetError(f"knob {k!r}: unknown keys {sorted(unknown)} "
                                "(kind, core, memory, values)")
    # Kind names and the unit of each kind's values are the C++ tables' (codesign/).
    return HardwareKnob(k.get("kind", ""), k.get("core", ""), k.get("memory", ""),
                        list(k.get("values", [])))


def search_spec(experiment: Experiment, spec: Optional[SearchSpec] = None, **overrides) -> SearchSpec:
    """The experiment's search section (or `spec`, or defaults) with keyword overrides:
    problem, genes, objectives, knobs, granularity, max_tile_exponent, population,
    generations, evaluations, seconds, seed, threads, crossover_prob, mutation_prob."""
    if spec is None:
        spec = _monet.parse_search(experiment) if _monet.has_search(experiment) else SearchSpec()
    spec = spec.copy()
    nsga = {"population": "population", "generations": "max_generations",
            "evaluations": "max_evaluations", "seconds": "max_seconds", "seed": "seed",
            "threads": "threads", "crossover_prob": "crossover_prob"}
    for key, value in overrides.items():
        if value is None:
            continue
        if key in nsga:
            setattr(spec.nsga, nsga[key], value)
        elif key == "knobs":
            spec.knobs = [_knob(k) for k in value]
        elif key in ("problem", "genes", "objectives", "granularity", "max_tile_exponent",
                     "mutation_prob"):
            setattr(spec, key, value)
        else:
            raise TypeError(f"search: unknown option {key!r}")
    if spec.problem == "checkpoint-chain" and "genes" not in overrides:
        spec.genes = ["checkpoint"]
    return spec


def _progress_printer(info: dict) -> None:
    end = "\r" if sys.stderr.isatty() else "\n"
    print(info["text"], end=end, file=sys.stderr, flush=True)


def search(experiment: Union[str, "os.PathLike[str]", Experiment], spec: Optional[SearchSpec] = None,
           *, checkpoint: Optional[str] = None, resume: bool = False,
           progress: Union[bool, Callable[[dict], Optional[bool]], None] = None,
           out_dir: Optional[str] = None, **overrides) -> "Front":
    """Runs the experiment's search and returns the front.

    overrides: problem ("codesign" | "checkpoint-chain" | "generate"), genes (allocation,
    fusion, checkpoint, hardware; generate: weights, kv_cache, fusion, allocation, with the
    candidates of the file's search section), objectives (latency, energy, onchip_memory,
    dram_memory, footprint, frozen_parameters, average_power, area; generate: ttft, tpot,
    energy_per_token, peak_memory, weight_bits_lost, kv_cache_bits_lost, average_power), knobs
    (dicts {kind: array|memory|dram_bandwidth, core, memory, values}), granularity,
    max_tile_exponent, population, generations, evaluations, seconds, seed, threads,
    crossover_prob, mutation_prob (per gene, every group).
    checkpoint/resume: state file written after every generation, and continuing from it.
    progress: True prints one line per generation on stderr; a callable gets a dict (and may
    return False to stop). out_dir: also write the CLI's files (pareto.json, ...).
    """
    if isinstance(experiment, (str, os.PathLike)):
        experiment = load_experiment(experiment)
    s = search_spec(experiment, spec, **overrides)
    callback = _progress_printer if progress is True else (progress or None)
    run = _monet.run_search(experiment, s, checkpoint or "", resume, callback)
    front = Front(run)
    if out_dir:
        front.write(out_dir)
    return front


class Front:
    """The front of a search: members sorted feasible first, then by objectives.

    objective_names  e.g. ["latency_s", "energy_pj", "peak_footprint_bytes"]
    objectives       NumPy array, one row per member
    table            Table with the objectives, violation, feasible and plan columns
    hypervolume      of the feasible members (w.r.t. result.reference_point)
    exact_hypervolume / exact_front_size   checkpoint-chain: the DP front's, same reference
    """

    def __init__(self, run: _monet.SearchRun):
        self._run = require(run, _monet.SearchRun, "Front(run)")
        self.members: List[dict] = run.members
        self.objective_names: List[str] = list(run.objective_names)
        #: for people: "latency", "energy", "peak footprint", ...
        self.objective_labels: List[str] = list(run.objective_labels)
        #: base units of the objectives: "s", "pJ", "B", "MACs"
        self.objective_units: List[str] = list(run.objective_units)

    @property
    def problem(self) -> str:
        return self._run.problem

    @property
    def objectives(self) -> np.ndarray:
        return np.array([m["objectives"] for m in self.members], dtype=float).reshape(
            len(self.members), len(self.objective_names))

    @property
    def feasible(self) -> np.ndarray:
        return np.array([m["feasible"] for m in self.members], dtype=bool)

    @property
    def table(self) -> Table:
        cols: Dict[str, Any] = {n: self.objectives[:, i] for i, n in enumerate(self.objective_names)}
        cols["violation"] = np.array([m["violation"] for m in self.members], dtype=float)
        cols["feasible"] = self.feasible
        cols["plan"] = [m["plan"] for m in self.members]
        return Table(cols)

    @property
    def hypervolume(self) -> float:
        return self._run.hypervolume

    @property
    def exact_hypervolume(self) -> Optional[float]:
        return self._run.exact_hypervolume

    @property
    def exact_front_size(self) -> int:
        return self._run.exact_front_size

    @property
    def result(self) -> _monet.GaResult:
        return self._run.result

    @property
    def history(self) -> Table:
        h = self._run.result.history
        return Table({"generation": np.array([e.generation for e in h], dtype=np.int64),
                      "evaluations": np.array([e.evaluations for e in h], dtype=np.int64),
                      "hypervolume": np.array([e.hypervolume for e in h], dtype=float),
                      "front_size": np.array([e.front_size for e in h], dtype=np.int64)})

    def __len__(self) -> int:
        return len(self.members)

    def write(self, directory: str, front_files: int = 16) -> List[str]:
        """pareto.json, pareto.csv, history.csv, search.json and front/NNN.yaml for
        `front_files` well-spread members (as the CLI's --front-files); returns what was
        written."""
        return self._run.write(os.fspath(directory), front_files)

    def experiment(self, index: int) -> Experiment:
        """Codesign: front member `index` as an experiment (replayable with monet.simulate)."""
        base = self._run.experiment
        text = self._run.member_experiment_yaml(index, f"{base.name}-front-{index:03d}",
                                                base.accelerator)
        return parse_experiment(text, base.file or "<search>")

    def accelerator(self, index: int) -> _monet.Accelerator:
        """Codesign: the accelerator of member `index` (its hardware knobs applied)."""
        return self._run.member_accelerator(index)

    def simulate(self, index: int, records: bool = True) -> Result:
        """Codesign: simulates front member `index` with full records."""
        from .simulate import simulate

        return simulate(self.experiment(index), self.accelerator(index), records=records)

    def __repr__(self) -> str:
        q = _monet.format_quantity
        feasible = int(self.feasible.sum()) if self.members else 0
        lines = [f"<Front {self.problem}: {len(self.members)} members ({feasible} feasible), "
                 f"hypervolume {self.hypervolume:.6g}"
                 + (f", {100 * self.hypervolume / self.exact_hypervolume:.2f}% of the exact front's"
                    if self.exact_hypervolume else "")]
        if self.members:
            objs = self.objectives
            for k, (label, unit) in enumerate(zip(self.objective_labels, self.objective_units)):
                lines.append(f"  {label}: {q(objs[:, k].min(), unit)} to {q(objs[:, k].max(), unit)}")
            best = ", ".join(q(v, u) for v, u in zip(objs[0], self.objective_units))
            lines.append(f"  member 0: {best}  {self.members[0]['plan']}")
        return "\n".join(lines) + ">"

"""Simulating one step: :func:`simulate` → :class:`Result`.

`simulate` takes an experiment (a path, YAML-file object or :class:`Experiment`) — the same
run as `monet-sim run` — or a graph / training step with an accelerator and plan options. A
generation experiment (mode: generate) gives a :class:`GenerationResult`, a few-shot one an
:class:`EpisodeResult`: their summary.json documents, as `monet-sim run` writes them.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _monet
from ._checks import require
from ._monet import Accelerator, Experiment, Graph, PlanSpec, TrainingStep
from .table import Table

__all__ = ["Experiment", "PlanSpec", "Result", "GenerationResult", "EpisodeResult", "simulate",
           "load_experiment", "parse_experiment", "plan"]

PathLike = Union[str, "os.PathLike[str]"]


def load_experiment(path: PathLike) -> Experiment:
    """An experiment file (configs/experiments/README.md), validated; fields are editable."""
    return _monet.load_experiment(os.fspath(path))


def parse_experiment(text_or_dict: Union[str, Dict[str, Any]], name: str = "<python>") -> Experiment:
    """An experiment from YAML text or a dict (JSON is YAML). `name` stands in for the file in
    messages, and relative paths resolve against its folder."""
    text = text_or_dict if isinstance(text_or_dict, str) else json.dumps(text_or_dict)
    return _monet.parse_experiment_yaml(text, name)


def _allocation_rule(rule: Any) -> _monet.AllocationRule:
    if isinstance(rule, _monet.AllocationRule):
        return rule
    unknown = set(rule) - {"ops", "kind", "pass", "cores"}
    if unknown:
        raise _monet.MonetError(f"allocation rule {rule!r}: unknown keys {sorted(unknown)} "
                                "(ops, kind, pass, cores)")
    return _monet.AllocationRule(ops=rule.get("ops", ""), kind=rule.get("kind", ""),
                                 pass_=rule.get("pass", ""), cores=list(rule.get("cores", [])))


def plan(stacks: str = "layer-by-layer", tiles: Union[int, Sequence[int]] = 1,
         ops_per_stack: int = 4, starts: Sequence[str] = (),
         allocation: Sequence[Any] = (), allocation_default: str = "fastest") -> PlanSpec:
    """A PlanSpec. stacks: layer-by-layer | blocks | fixed | explicit (with `starts`); tiles: one
    count for every stack, or (explicit) one per stack; allocation: rules as dicts
    {ops, kind, pass, cores} or AllocationRule objects, first match wins."""
    p = PlanSpec()
    p.stacks = stacks
    if isinstance(tiles, int):
        p.tiles = tiles
    else:
        p.stack_tiles = list(tiles)
        p.tiles = max(p.stack_tiles) if p.stack_tiles else 1
    p.ops_per_stack = ops_per_stack
    p.starts = list(starts)
    p.allocation = [_allocation_rule(r) for r in allocation]
    p.allocation_default = allocation_default
    return p


_make_plan = plan  # `plan` is also a keyword of simulate()


def _accelerator(acc: Union[Accelerator, PathLike, None]) -> Optional[Accelerator]:
    if acc is None or isinstance(acc, Accelerator):
        return acc
    return _monet.load_accelerator(os.fspath(acc))


def simulate(what: Union[PathLike, Experiment, Graph, TrainingStep],
             accelerator: Union[Accelerator, PathLike, None] = None, *,
             plan: Optional[PlanSpec] = None, stacks: Optional[str] = None,
             tiles: Optional[Union[int, Sequence[int]]] = None,
             ops_per_stack: Optional[int] = None, allocation: Optional[Sequence[Any]] = None,
             objective: Optional[str] = None, cim_written_fraction: Optional[float] = None,
             name: str = "", records: bool = True
             ) -> Union["Result", "GenerationResult", "EpisodeResult"]:
    """Simulate one step and return a :class:`Result`.

    - ``simulate("configs/experiments/x.yaml")`` or ``simulate(experiment)``: as `monet-sim
      run`; `accelerator` replaces the experiment's, plan keywords override its plan.
    - ``simulate(graph_or_step, accelerator, stacks="blocks", tiles=8)``: a forward graph
      (inference) or a TrainingStep from :func:`monet.training.expand` on an accelerator
      (preset name, file or Accelerator).

    records=False skips per-CN records and memory samples (faster; tables are then empty).
    - An experiment with mode generate or few-shot runs as a whole (prefill and decode steps,
      or fine-tuning steps and the episode's inference): a :class:`GenerationResult` or
      :class:`EpisodeResult`. Its accelerator may be replaced by a preset name or file (not an
      Accelerator object: each part loads it itself); the plan keywords apply to every part.
    """
    if isinstance(what, (str, os.PathLike)):
        what = load_experiment(what)
    overrides = {k: v for k, v in dict(stacks=stacks, tiles=tiles, ops_per_stack=ops_per_stack,
                                       allocation=allocation).items() if v is not None}
    if isinstance(what, Experiment):
        if plan is not None or overrides or objective or name or cim_written_fraction is not None:
            what = what.copy()
            if plan is not None:
                what.plan = plan
                what.stacks = plan.stacks
            if "stacks" in overrides:
                what.stacks = overrides["stacks"]
            if "tiles" in overrides:
                t = overrides["tiles"]
                if isinstance(t, int):
                    what.tiles = t
                else:
                    what.plan.stack_tiles = list(t)
                    what.plan.tiles = max(t)
            if "ops_per_stack" in overrides:
                what.plan.ops_per_stack = overrides["ops_per_stack"]
            if "allocation" in overrides:
                what.plan.allocation = [_allocation_rule(r) for r in overrides["allocation"]]
            if objective:
                what.objective = objective
            if cim_written_fraction is not None:
                what.cim_written_fraction = cim_written_fraction
            if name:
                what.name = name
        if what.mode in ("generate", "few-shot"):
            return _run_whole(what, accelerator)
        return Result(_monet.run_experiment(what, _accelerator(accelerator), records))
    if accelerator is None:
        raise TypeError("simulate(graph, accelerator, ...): an accelerator is needed")
    if plan is not None and overrides:
        raise TypeError("give either plan= or plan keywords, not both")
    spec = plan if plan is not None else _make_plan(**overrides)
    step = what if isinstance(what, TrainingStep) else None
    graph = what.graph if step is not None else what
    if not isinstance(graph, Graph):
        raise TypeError(f"simulate: {type(what).__name__} is not an experiment, Graph or "
                        "TrainingStep")
    return Result(_monet.run_graph(graph, _accelerator(accelerator), spec, name,
                                   objective or "latency", cim_written_fraction, step, records))


def _run_whole(experiment: Experiment,
               accelerator: Union[Accelerator, PathLike, None]) -> Union["GenerationResult",
                                                                         "EpisodeResult"]:
    if isinstance(accelerator, Accelerator):
        raise TypeError(f"simulate: a {experiment.mode} experiment takes its accelerator as a "
                        "preset name or file, not an Accelerator object (each part it runs "
                        "loads it): write it with monet.accelerators.to_yaml and pass the file")
    if accelerator is not None:
        experiment = experiment.copy()
        experiment.accelerator = os.fspath(accelerator)
    if experiment.mode == "generate":
        return GenerationResult(_monet.run_generation(experiment))
    return EpisodeResult(_monet.run_episode(experiment))


class _WholeRun:
    """A run of several scheduled parts, known by its summary.json document."""

    def __init__(self, summary: dict):
        self.summary: dict = require(summary, dict, type(self).__name__ + "(summary)")

    @property
    def power(self) -> dict:
        """summary["power"]: average and peak W at the supply, static, dynamic, board and
        supply energies (J), the budget (configs/experiments/README.md)."""
        return self.summary["power"]

    @property
    def parts(self) -> Table:
        """One row per scheduled part (summary["parts"] without nested documents)."""
        rows = self.summary["parts"]
        keys = [k for k in rows[0] if not isinstance(rows[0][k], (dict, list))] if rows else []
        return Table({k: [r[k] for r in rows] for k in keys})


class GenerationResult(_WholeRun):
    """A generation run (mode: generate): the prefill and the decode steps.

    summary      summary.json of `monet-sim run` (a dict; schema monet.generate/1)
    ttft_s, tpot_s, decode_tokens_per_s, energy_per_token_j   from summary["generation"]
    power        summary["power"]; parts: a Table of the scheduled graphs
    """

    @property
    def ttft_s(self) -> float:
        return self.summary["generation"]["ttft_s"]

    @property
    def tpot_s(self) -> float:
        return self.summary["generation"]["tpot_s"]

    @property
    def decode_tokens_per_s(self) -> float:
        return self.summary["generation"]["decode_tokens_per_s"]

    @property
    def energy_per_token_j(self) -> float:
        return self.summary["generation"]["energy_per_token_j"]

    def __repr__(self) -> str:
        s, g, p = self.summary, self.summary["generation"], self.summary["power"]
        return (f"<GenerationResult {s['experiment']}: {s['workload']} on {s['accelerator']}, "
                f"{s['prompt_tokens']} + {s['output_tokens']} tokens: ttft {g['ttft_s']:.4g} s, "
                f"tpot {g['tpot_s']:.4g} s, {p['average_w']:.3g} W average>")


class EpisodeResult(_WholeRun):
    """A few-shot episode (mode: few-shot): fine-tuning steps, then the episode's inference.

    summary      summary.json of `monet-sim run` (a dict; schema monet.episode/1)
    latency_s, energy_pj   per episode; power: summary["power"]; parts: a Table of the parts
    """

    @property
    def latency_s(self) -> float:
        return self.summary["latency_s"]

    @property
    def energy_pj(self) -> float:
        return self.summary["energy_pj"]

    def __repr__(self) -> str:
        s = self.summary
        return (f"<EpisodeResult {s['experiment']}: {s['workload']} on {s['accelerator']}, "
                f"{s['ways']}-way {s['shots']}-shot: {s['latency_s']:.4g} s, "
                f"{s['power']['average_w']:.3g} W average>")


class Result:
    """One simulated step.

    summary      the summary.json document of `monet-sim run` (a dict; schema monet.summary/1)
    ops          per-op Table (ops.csv at full precision)
    cns          per-CN Table (op, tile, core, start_s, end_s, energies, MACs)
    transfers    per-transfer Table (DRAM reads/writes, link transfers, refetches)
    memory       per-memory timelines: dicts with name, capacity_bytes, peak_bytes, time_s,
                 used_bytes (NumPy arrays)
    """

    def __init__(self, run: _monet.Run):
        self._run = require(run, _monet.Run, "Result(run)")
        self._summary: Optional[dict] = None
        self._tables: Dict[str, Table] = {}

    @property
    def summary(self) -> dict:
        if self._summary is None:
            self._summary = self._run.summary()
        return self._summary

    @property
    def latency_s(self) -> float:
        return self.summary["latency_s"]

    @property
    def energy_pj(self) -> float:
        return self.summary["energy_pj"]["total"]

    @property
    def graph(self) -> Graph:
        return self._run.graph

    @property
    def accelerator(self) -> Accelerator:
        return self._run.accelerator

    @property
    def plan(self) -> _monet.FusionPlan:
        return self._run.plan

    def _table(self, key: str) -> Table:
        if key not in self._tables:
            self._tables[key] = Table(getattr(self._run, key + "_table")())
        return self._tables[key]

    @property
    def ops(self) -> Table:
        return self._table("op")

    @property
    def cns(self) -> Table:
        return self._table("cn")

    @property
    def transfers(self) -> Table:
        return self._table("transfer")

    @property
    def memory(self) -> List[dict]:
        return self._run.memory_timelines()

    @property
    def core_names(self) -> List[str]:
        return self._run.core_names

    def trace(self) -> dict:
        """Chrome / Perfetto trace-event document (open in ui.perfetto.dev)."""
        return self._run.trace()

    def write_trace(self, path: PathLike) -> None:
        with open(os.fspath(path), "w") as f:
            json.dump(self.trace(), f)

    def ops_csv(self) -> str:
        return self._run.ops_csv()

    def memory_csv(self) -> str:
        return self._run.memory_csv()

    def write(self, directory: PathLike) -> None:
        """summary.json, schedule.trace.json, memory.csv and ops.csv, as `monet-sim run -o`."""
        self._run.write(os.fspath(directory))

    def __str__(self) -> str:
        return self._run.summary_text()

    def __repr__(self) -> str:
        s = self.summary
        q = _monet.format_quantity
        e = s["energy_pj"]
        m = s["memory"]
        parts = ", ".join(f"{k.replace('_', ' ')} {q(v, 'pJ')}" for k, v in e.items() if k != "total")
        plan = s.get("plan", {})
        lines = [
            f"<Result {s['experiment']}: {s['workload']} ({s['mode']}) on {s['accelerator']}",
            f"  plan       {plan.get('stacks', '?')}, {plan.get('stack_count', '?')} stacks, "
            f"tiles {plan.get('tiles', '?')}",
            f"  latency    {q(s['latency_s'], 's')} ({s['latency_cycles']:,.0f} cycles)",
            f"  energy     {q(e['total'], 'pJ')} ({parts})",
            f"  memory     peak on-chip {q(m['peak_onchip_bytes'], 'B')}, peak DRAM "
            f"{q(m['peak_dram_bytes'], 'B')} of {q(m['dram_capacity_bytes'], 'B')}, footprint "
            f"{q(m['peak_footprint_bytes'], 'B')}",
            f"  traffic    DRAM {q(s['traffic']['dram_read_bytes'] + s['traffic']['dram_write_bytes'], 'B')}"
            f", links {q(s['traffic']['link_bytes'], 'B')}",
            "  cores      " + ", ".join(f"{c['name']} {100 * c['utilization']:.0f}%" for c in s["cores"]),
        ]
        if "overrides" in s:
            lines.append("  set        " + ", ".join(s["overrides"]))
        lines.append(f"  tables     ops ({len(self.ops)} rows), cns ({len(self.cns)}), transfers "
                     f"({len(self.transfers)}); summary (dict), memory (timelines), trace()>")
        return "\n".join(lines)

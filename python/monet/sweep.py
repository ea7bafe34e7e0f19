"""Design-space sweeps: a grid or a random sample over workload × accelerator knobs × plans,
run on local processes or a Dask cluster, with results streamed to a CSV as they complete.

A sweep file (examples/sweeps/README.md has the full format)::

    name: resnet18-tiles
    base: ../../configs/experiments/resnet18-train-edge-hetero.yaml   # an experiment file
    experiment: {mode: training}          # optional fields merged over the base
    sample: grid                          # grid | random (with count and seed)
    axes:
      workload.model: [resnet18, mobilevit-xxs]       # dotted paths into the experiment
      fusion.tiles: [1, 2, 4, 8]
      hardware.array.sa_ws: [16, 32]                  # accelerator knobs (with_knobs)
      hardware.memory.sa_ws.gb: [512 KiB, 1 MiB]
      hardware.dram_bandwidth: [8 GB/s, 16 GB/s]
    metrics: [latency_s, energy_pj.total, memory.peak_footprint_bytes]

Rows are written (and flushed to disk) one by one as points finish, so an interrupted sweep
keeps every finished row; resuming skips the points whose rows are there. Each row carries
the point index and a key hashed from its parameters, the base experiment and the metrics, so
resuming after the sweep changed is refused.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import random
import signal
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from . import _monet
from ._monet import ConfigError, MonetError

__all__ = ["Sweep", "load", "run", "run_point", "read_csv", "DEFAULT_METRICS"]

DEFAULT_METRICS = [
    "latency_s", "energy_pj.total", "energy_pj.compute", "energy_pj.onchip_memory",
    "energy_pj.link", "energy_pj.dram", "memory.peak_onchip_bytes", "memory.peak_dram_bytes",
    "memory.peak_footprint_bytes", "memory.capacity_violation_bytes", "traffic.dram_read_bytes",
    "traffic.dram_write_bytes", "traffic.link_bytes", "plan.stack_count", "counts.cns"]
_SUMMARY_ROOTS = {"latency_s", "latency_cycles", "reference_clock_hz", "energy_pj", "memory",
                  "traffic", "counts", "plan", "phases", "training_memory", "workload",
                  "accelerator", "mode", "experiment"}
_TOP_KEYS = {"name", "description", "base", "experiment", "sample", "count", "seed", "axes",
             "metrics"}
_PATH_FIELDS = (("workload", "file"), ("workload", "onnx"))


class _Doc:
    """YAML with line numbers, for errors naming file, line, field, value and rule."""

    def __init__(self, path: str):
        self.path = path
        try:
            with open(path) as f:
                self.text = f.read()
            self.root = yaml.compose(self.text)
        except OSError as e:
            raise ConfigError(f"{path}: cannot read the sweep file ({e.strerror})") from None
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", -1) + 1
            raise ConfigError(f"{path}:{line}: YAML syntax error: {getattr(e, 'problem', e)}") from None
        self.data = yaml.safe_load(self.text)

    def line(self, *keys: str) -> int:
        node = self.root
        best = node.start_mark.line + 1 if node is not None else 0
        for k in keys:
            if not isinstance(node, yaml.MappingNode):
                break
            for knode, vnode in node.value:
                if knode.value == k:
                    node, best = vnode, knode.start_mark.line + 1
                    break
            else:
                break
        return best

    def fail(self, keys: Sequence[str], value: Any, rule: str) -> None:
        shown = value if isinstance(value, str) else json.dumps(value)
        raise ConfigError(f"{self.path}:{self.line(*keys)}: field '{'.'.join(keys)}' = "
                          f"'{shown}': {rule}")


def _range_values(doc: _Doc, key: str, spec: dict) -> List[Any]:
    allowed = {"range", "steps", "scale", "integer"}
    if set(spec) - allowed or "range" not in spec:
        doc.fail(["axes", key], spec, "a range axis is {range: [lo, hi], steps: N, "
                 "scale: linear|log, integer: true|false}")
    lo, hi = spec["range"] if isinstance(spec["range"], list) and len(spec["range"]) == 2 else (None, None)
    steps = spec.get("steps", 2)
    scale = spec.get("scale", "linear")
    if not all(isinstance(v, (int, float)) for v in (lo, hi)) or not isinstance(steps, int) \
            or steps < 2 or scale not in ("linear", "log") or (scale == "log" and min(lo, hi) <= 0):
        doc.fail(["axes", key], spec, "range needs two numbers (positive for log), steps >= 2, "
                 "scale linear or log")
    if scale == "log":
        values = [lo * (hi / lo) ** (i / (steps - 1)) for i in range(steps)]
    else:
        values = [lo + (hi - lo) * i / (steps - 1) for i in range(steps)]
    return [int(round(v)) for v in values] if spec.get("integer") else values


def _hardware_knob(doc: _Doc, key: str) -> Tuple[str, str]:
    parts = key.split(".")
    kind = parts[1] if len(parts) > 1 else ""
    ok = ((kind == "array" and len(parts) in (3, 4)) or (kind == "memory" and len(parts) == 4)
          or (kind in ("dram_bandwidth", "dram_capacity") and len(parts) == 2))
    if not ok:
        doc.fail(["axes", key], key, "hardware axes are hardware.array.CORE[.DIM], "
                 "hardware.memory.CORE.LEVEL, hardware.dram_bandwidth, hardware.dram_capacity")
    return kind, ".".join(parts[2:])


def _set_path(exp: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    node = exp
    for i, p in enumerate(parts[:-1]):
        child = node.get(p)
        if not isinstance(child, dict):
            # `workload: resnet18` and `fusion: blocks` are shorthands of a one-key map.
            short = {"workload": "model", "fusion": "stacks"}.get(p) if i == 0 else None
            child = {short: child} if short and child is not None else {}
            node[p] = child
        node = child
    node[parts[-1]] = value


def _absolute_paths(exp: dict, origin_dir: str) -> None:
    for section, field in _PATH_FIELDS:
        s = exp.get(section)
        if isinstance(s, dict) and isinstance(s.get(field), str) and not os.path.isabs(s[field]):
            s[field] = os.path.normpath(os.path.join(origin_dir, s[field]))
    acc = exp.get("accelerator")
    if isinstance(acc, str) and not os.path.isabs(acc) and os.path.exists(os.path.join(origin_dir, acc)):
        exp["accelerator"] = os.path.normpath(os.path.join(origin_dir, acc))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return str(value)


class Sweep:
    """A parsed, validated sweep file: its points and the CSV columns."""

    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        doc = _Doc(self.path)
        d = doc.data
        if not isinstance(d, dict):
            raise ConfigError(f"{self.path}:1: a sweep file must be a map")
        for k in d:
            if k not in _TOP_KEYS:
                doc.fail([k], k, "unknown field (known: " + ", ".join(sorted(_TOP_KEYS)) + ")")
        here = os.path.dirname(self.path)
        self.name = str(d.get("name", os.path.splitext(os.path.basename(path))[0]))
        base: dict = {}
        if "base" in d:
            base_path = os.path.normpath(os.path.join(here, str(d["base"])))
            if not os.path.exists(base_path):
                doc.fail(["base"], d["base"], "no such experiment file (relative to the sweep file)")
            with open(base_path) as f:
                base = yaml.safe_load(f) or {}
            _absolute_paths(base, os.path.dirname(base_path))
        inline = d.get("experiment", {}) or {}
        if not isinstance(inline, dict):
            doc.fail(["experiment"], inline, "must be a map of experiment fields")
        inline = json.loads(json.dumps(inline))
        _absolute_paths(inline, here)
        base.update(inline)
        base.pop("outputs", None)
        base.pop("search", None)
        self.base = base

        axes = d.get("axes")
        if not isinstance(axes, dict) or not axes:
            doc.fail(["axes"], axes, "must be a non-empty map: dotted field → list of values")
        self.axes: List[Tuple[str, List[Any]]] = []
        self.hardware: Dict[str, Tuple[str, str]] = {}
        for key, values in axes.items():
            if not isinstance(key, str) or not key:
                doc.fail(["axes"], key, "axis names are dotted field paths")
            if isinstance(values, dict):
                values = _range_values(doc, key, values)
            if not isinstance(values, list) or not values:
                doc.fail(["axes", key], values, "must be a non-empty list of values")
            if key.startswith("hardware."):
                self.hardware[key] = _hardware_knob(doc, key)
            self.axes.append((key, values))

        self.sample = d.get("sample", "grid")
        total = math.prod(len(v) for _, v in self.axes)
        if self.sample == "grid":
            if "count" in d:
                doc.fail(["count"], d["count"], "count applies to sample: random")
            self.indices: Sequence[int] = range(total)
        elif self.sample == "random":
            count, seed = d.get("count"), d.get("seed", 1)
            if not isinstance(count, int) or count < 1:
                doc.fail(["count"], count, "sample: random needs count, a positive integer")
            if not isinstance(seed, int):
                doc.fail(["seed"], seed, "must be an integer")
            self.indices = sorted(random.Random(seed).sample(range(total), min(count, total)))
        else:
            doc.fail(["sample"], self.sample, "must be grid or random")

        self.metrics = d.get("metrics", DEFAULT_METRICS)
        if not isinstance(self.metrics, list) or not self.metrics or \
                not all(isinstance(m, str) for m in self.metrics):
            doc.fail(["metrics"], self.metrics, "must be a non-empty list of summary.json fields")
        for m in self.metrics:
            if m.split(".")[0] not in _SUMMARY_ROOTS:
                doc.fail(["metrics"], m, "not a summary.json field (roots: " +
                         ", ".join(sorted(_SUMMARY_ROOTS)) + ")")
        self._doc = doc
        self._points: Optional[List[dict]] = None

    @property
    def columns(self) -> List[str]:
        # feasible: false when a memory is over capacity (summary.json's feasible), so no sweep
        # row reads as a success it is not.
        return (["point", "key"] + [k for k, _ in self.axes] + ["status", "feasible"] +
                [m for m in self.metrics if m != "feasible"] + ["error"])

    def points(self) -> List[dict]:
        """Every point, validated (experiment fields by the library, knobs on the accelerator)."""
        if self._points is None:
            self._points = [self._point(i, grid) for i, grid in enumerate(self.indices)]
        return self._points

    def _point(self, index: int, grid_index: int) -> dict:
        params: Dict[str, Any] = {}
        rest = grid_index
        for key, values in reversed(self.axes):
            rest, j = divmod(rest, len(values))
            params[key] = values[j]
        params = {k: params[k] for k, _ in self.axes}
        exp = json.loads(json.dumps(self.base))
        knobs: Dict[str, Any] = {}
        for key, value in params.items():
            if key in self.hardware:
                kind, target = self.hardware[key]
                if kind in ("array", "memory"):
                    knobs.setdefault(kind, {})[target] = value
                else:
                    knobs[kind] = value
            else:
                _set_path(exp, key, value)
        exp["name"] = f"{self.name}-{index:05d}"
        text = json.dumps(exp, sort_keys=True)
        # The key covers the base experiment too: editing it invalidates finished rows.
        key = hashlib.sha1(json.dumps([params, self.base, self.metrics], sort_keys=True,
                                      default=str).encode()).hexdigest()[:12]
        where = f"{self.path}#point-{index}"
        try:
            e = _monet.parse_experiment_yaml(text, where)
            if knobs:
                _knobbed(e.accelerator, knobs)
        except MonetError as err:
            raise type(err)(f"{self.path}:{self._doc.line('axes')}: point {index} "
                            f"({_describe(params)}): {err}") from None
        return {"index": index, "key": key, "params": params, "experiment": text, "where": where,
                "knobs": knobs, "metrics": list(self.metrics)}


def _describe(params: Dict[str, Any]) -> str:
    return ", ".join(f"{k}={_cell(v)}" for k, v in params.items())


_ACC_CACHE: Dict[str, Any] = {}


def _knobbed(accelerator: str, knobs: Dict[str, Any]):
    from .accelerators import with_knobs

    key = json.dumps([accelerator, knobs], sort_keys=True, default=str)
    if key not in _ACC_CACHE:
        if len(_ACC_CACHE) > 256:
            _ACC_CACHE.clear()
        _ACC_CACHE[key] = with_knobs(accelerator, **knobs)
    return _ACC_CACHE[key]


def _metric(summary: dict, path: str) -> Any:
    node: Any = summary
    for p in path.split("."):
        if not isinstance(node, dict) or p not in node:
            raise MonetError(f"metric '{path}' is not in this run's summary.json")
        node = node[p]
    return node


def run_point(point: dict) -> Dict[str, str]:
    """Simulates one point and returns its CSV row (status ok, or error with the message).
    Module-level so that Dask and process pools can ship it to workers by name."""
    row = {"point": str(point["index"]), "key": point["key"]}
    row.update({k: _cell(v) for k, v in point["params"].items()})
    try:
        e = _monet.parse_experiment_yaml(point["experiment"], point["where"])
        acc = _knobbed(e.accelerator, point["knobs"]) if point["knobs"] else None
        summary = _monet.run_experiment(e, acc, False).summary()
        row.update({m: _cell(_metric(summary, m)) for m in point["metrics"]})
        row["feasible"] = "true" if summary["feasible"] else "false"
        row["status"], row["error"] = "ok", ""
    except MonetError as err:
        row.update({m: "" for m in point["metrics"]})
        row["feasible"] = ""
        row["status"], row["error"] = "error", str(err).replace("\n", " | ")
    return row


def read_csv(path: str) -> List[Dict[str, str]]:
    """The complete rows of a sweep CSV (a partly written last line is ignored)."""
    with open(path, newline="") as f:
        text = f.read()
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    return list(csv.DictReader(text.splitlines()))


class _ProgressBar:
    def __init__(self, total: int, done: int, stream=None, enabled: bool = True):
        self.total, self.done, self.errors = total, done, 0
        self.start, self.stream, self.enabled = time.monotonic(), stream or sys.stderr, enabled
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.first = done
        self.last_decile = -1
        self.show()

    def update(self, ok: bool) -> None:
        self.done += 1
        self.errors += not ok
        self.show()

    def show(self) -> None:
        if not self.enabled or self.total == 0:
            return
        frac = self.done / self.total
        decile = int(frac * 10)
        if not self.tty and decile == self.last_decile and self.done != self.total:
            return
        self.last_decile = decile
        elapsed = time.monotonic() - self.start
        ran = self.done - self.first
        eta = elapsed / ran * (self.total - self.done) if ran else float("nan")
        bar = "#" * int(frac * 30)
        text = (f"[{bar:<30}] {self.done}/{self.total} points  {self.errors} errors  "
                f"{_clock(elapsed)} elapsed  ETA {_clock(eta)}")
        self.stream.write(("\r" + text) if self.tty else (text + "\n"))
        if self.tty and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def _clock(s: float) -> str:
    if s != s:  # nan
        return "?"
    s = int(round(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _open_csv(path: str, columns: List[str], resume: bool, overwrite: bool,
              sweep: Sweep) -> Tuple[Any, set]:
    done: set = set()
    if os.path.exists(path) and os.path.getsize(path) > 0 and not overwrite:
        if not resume:
            raise MonetError(f"{path} exists; use --resume to continue it or --overwrite")
        with open(path, "rb") as f:
            torn_header = b"\n" not in f.read()
        if torn_header:
            # Killed while the header itself was written: no row can follow it, start afresh.
            return _new_csv(path, columns), done
        with open(path, newline="") as f:
            header = next(csv.reader(f), [])
        if header != columns:
            raise MonetError(f"{path}: its columns differ from the sweep's ({sweep.path}); "
                             "write to another file or --overwrite")
        keys = {p["index"]: p["key"] for p in sweep.points()}
        rows = read_csv(path)
        for r in rows:
            i = int(r["point"])
            if keys.get(i) != r["key"]:
                raise MonetError(f"{path}: point {i} was written for other parameters; the sweep "
                                 "file changed since (write to another file or --overwrite)")
            done.add(i)
        # Drop a partly written last line so appended rows start on a fresh line.
        with open(path, "rb+") as f:
            data = f.read()
            if data and not data.endswith(b"\n"):
                f.truncate(data.rfind(b"\n") + 1)
        f = open(path, "a", newline="")
    else:
        f = _new_csv(path, columns)
    return f, done


def _new_csv(path: str, columns: List[str]):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    f = open(path, "w", newline="")
    csv.writer(f).writerow(columns)
    f.flush()
    os.fsync(f.fileno())
    return f


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the kernel kills this worker when the sweep process dies (Linux
    PR_SET_PDEATHSIG), so a killed sweep leaves no worker computing its queued points."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # not Linux: nothing to arm
        pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def run(sweep: "Sweep | str", out: str, *, workers: Optional[int] = None,
        scheduler: Optional[str] = None, resume: bool = False, overwrite: bool = False,
        progress: bool = True, limit: Optional[int] = None,
        on_row: Optional[Callable[[Dict[str, str]], None]] = None) -> Dict[str, int]:
    """Runs the sweep's missing points and appends their rows to `out` as they complete.

    workers: local processes (default: CPU count); scheduler: a Dask scheduler address
    ("tcp://host:8786") to run on a distributed cluster instead. limit: run at most this many
    points. Returns counts {total, skipped, ran, errors}.
    """
    if isinstance(sweep, str):
        sweep = Sweep(sweep)
    points = sweep.points()
    f, done = _open_csv(out, sweep.columns, resume, overwrite, sweep)
    todo = [p for p in points if p["index"] not in done]
    if limit is not None:
        todo = todo[:limit]
    bar = _ProgressBar(len(points), len(done), enabled=progress)
    writer = csv.DictWriter(f, fieldnames=sweep.columns)
    counts = {"total": len(points), "skipped": len(done), "ran": 0, "errors": 0}

    def write(row: Dict[str, str]) -> None:
        writer.writerow(row)
        f.flush()
        os.fsync(f.fileno())
        counts["ran"] += 1
        counts["errors"] += row["status"] != "ok"
        bar.update(row["status"] == "ok")
        if on_row:
            on_row(row)

    try:
        if not todo:
            pass
        elif scheduler:
            _run_dask(todo, scheduler, write)
        else:
            _run_local(todo, workers or os.cpu_count() or 1, write)
    finally:
        f.close()
    return counts


def _run_local(points: List[dict], workers: int, write: Callable[[Dict[str, str]], None]) -> None:
    if workers <= 1:
        for p in points:
            write(run_point(p))
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(run_point, p) for p in points]
        for fut in as_completed(futures):
            write(fut.result())


def _run_dask(points: List[dict], address: str, write: Callable[[Dict[str, str]], None]) -> None:
    from distributed import Client, as_completed

    with Client(address) as client:
        futures = client.map(run_point, points, pure=False)
        for fut in as_completed(futures):
            write(fut.result())


def load(path: str) -> Sweep:
    """Parses and validates a sweep file."""
    return Sweep(path)

"""Figures of simulation results (matplotlib). Every function returns the Figure; nothing is
shown, so they work headless (MPLBACKEND=Agg) and in notebooks alike.

gantt             one row per core, per link and for the DRAM channel
memory            occupancy of each memory over time, with its capacity
pareto            2-D fronts (several series, non-dominated points joined)
pareto_pairs      the three pairwise projections of 3-objective fronts
energy_breakdown  stacked bars of compute / on-chip memory / links / DRAM energy
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

# Figures are made with Figure(), not pyplot: no global figure registry (no leaks in loops, no
# display needed) and a notebook shows each returned figure once. Importing pyplot still lets
# a notebook's inline backend register how to display them.
import matplotlib.pyplot  # noqa: F401,E402

from .ga import nondominated

__all__ = ["gantt", "memory", "pareto", "pareto_pairs", "energy_breakdown", "time_scale",
           "unit_scale"]

_PASS_COLORS = {"forward": "#4C72B0", "loss": "#8172B2", "backward-data": "#DD8452",
                "backward-weight": "#C44E52", "optimizer": "#55A868", "recompute": "#937860"}
_TRANSFER_COLORS = {"dram-read": "#64B5CD", "dram-write": "#E17C05", "link": "#8C8C8C",
                    "refetch": "#DA8BC3"}
_ENERGY_COLORS = {"compute": "#4C72B0", "onchip_memory": "#55A868", "link": "#8C8C8C",
                  "dram": "#C44E52"}
_OTHER_COLORS = ["#937860", "#DA8BC3", "#8172B2", "#CCB974", "#64B5CD"]


def time_scale(seconds: float) -> Tuple[float, str]:
    """(factor, unit) to show times of this magnitude: s, ms, µs or ns."""
    for factor, unit in ((1, "s"), (1e3, "ms"), (1e6, "µs"), (1e9, "ns")):
        if seconds * factor >= 1:
            return factor, unit
    return 1e9, "ns"


def unit_scale(unit: str, largest: float) -> Tuple[float, str]:
    """(factor, unit) to show values in base `unit` (s, pJ, B) whose largest is `largest`:
    seconds as s/ms/µs/ns, pJ as J/mJ/µJ/nJ/pJ, bytes as GiB/MiB/KiB/B; others unchanged."""
    if unit == "s":
        return time_scale(largest)
    if unit == "B":
        scale, name = _byte_scale(largest)
        return 1.0 / scale, name
    if unit == "pJ":
        for factor, name in ((1e-12, "J"), (1e-9, "mJ"), (1e-6, "µJ"), (1e-3, "nJ")):
            if largest * factor >= 1:
                return factor, name
        return 1.0, "pJ"
    return 1.0, unit


def _figure(ax, figsize) -> Tuple[Figure, Any]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def gantt(result, ax=None, figsize=(11, 4.5), transfers: bool = True,
          title: Optional[str] = None) -> Figure:
    """The schedule: one row per core (CNs coloured by pass) and, with `transfers`, one row for
    the DRAM channel and one per link (transfers coloured by kind)."""
    fig, ax = _figure(ax, figsize)
    cns, tr = result.cns, result.transfers
    latency = result.summary["latency_s"]
    f, unit = time_scale(latency)
    rows: List[str] = list(result.core_names)
    if transfers:
        rows += ["dram"] + ["link " + link.name for link in result.accelerator.links]
    index = {name: i for i, name in enumerate(rows)}
    legend: Dict[str, str] = {}

    def bars(row_names, starts, ends, categories, colors):
        for cat in np.unique(categories):
            color = colors.get(cat, _OTHER_COLORS[len(legend) % len(_OTHER_COLORS)])
            for row in np.unique(row_names[categories == cat]):
                sel = (categories == cat) & (row_names == row)
                spans = np.column_stack((starts[sel] * f, (ends[sel] - starts[sel]) * f))
                ax.broken_barh(spans, (index[row] - 0.4, 0.8), facecolors=color, linewidth=0)
            legend[cat] = color

    if len(cns):
        bars(cns["core"], cns["start_s"], cns["end_s"], cns["pass"], _PASS_COLORS)
    if transfers and len(tr):
        bars(tr["resource"], tr["start_s"], tr["end_s"], tr["kind"], _TRANSFER_COLORS)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, latency * f)
    ax.set_xlabel(f"time ({unit})")
    # Only the categories that occur, beside the plot where they cover no bar.
    handles = [Patch(color=c, label=k) for k, c in legend.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small",
              frameon=False)
    s = result.summary
    ax.set_title(title or f"{s['workload']} ({s['mode']}) on {s['accelerator']}")
    fig.tight_layout()
    return fig


def memory(result, names: Optional[Sequence[str]] = None, dram: bool = False,
           figsize=None) -> Figure:
    """Occupancy over time of each memory (one panel each, sharing the time axis) with its
    capacity dashed. `names` picks memories; the DRAM is left out unless `dram`."""
    lines = [m for m in result.memory
             if (names is None and (dram or m["name"] != "dram"))
             or (names is not None and m["name"] in names)]
    if not lines:
        raise ValueError("no memory timelines to plot (simulate with records=True)")
    latency = result.summary["latency_s"]
    f, unit = time_scale(latency)
    fig = Figure(figsize=figsize or (10, 1.6 * len(lines) + 0.8))
    axes = fig.subplots(len(lines), 1, sharex=True, squeeze=False)
    for ax, m in zip(axes[:, 0], lines):
        t = np.concatenate(([0.0], m["time_s"], [latency])) * f
        used = np.concatenate(([0.0], m["used_bytes"],
                               [m["used_bytes"][-1] if len(m["used_bytes"]) else 0.0]))
        scale, bunit = _byte_scale(max(m["capacity_bytes"], m["peak_bytes"], 1.0))
        ax.step(t, used / scale, where="post", color="#4C72B0", linewidth=1)
        ax.fill_between(t, used / scale, step="post", alpha=0.25, color="#4C72B0")
        ax.axhline(m["capacity_bytes"] / scale, color="#C44E52", linestyle="--", linewidth=1)
        ax.set_ylabel(f"{m['name']}\n({bunit})", fontsize="small")
        ax.set_ylim(0, max(m["capacity_bytes"], m["peak_bytes"]) / scale * 1.08)
    axes[-1, 0].set_xlabel(f"time ({unit})")
    axes[0, 0].set_title("memory occupancy (dashed: capacity)")
    fig.tight_layout()
    return fig


def _byte_scale(n: float) -> Tuple[float, str]:
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n >= scale:
            return float(scale), unit
    return 1.0, "B"


Series = Union[Sequence[Sequence[float]], np.ndarray, Any]


def _series(points: Union[Series, Mapping[str, Series]]) -> Dict[str, np.ndarray]:
    if isinstance(points, Mapping):
        return {k: _points(v) for k, v in points.items()}
    return {"": _points(points)}


def _points(p: Series) -> np.ndarray:
    if hasattr(p, "objectives") and not isinstance(p, np.ndarray):  # a monet.Front
        p = p.objectives[p.feasible] if hasattr(p, "feasible") else p.objectives
    return np.asarray(p, dtype=float)


def _axes_of(points, names: Optional[Sequence[str]], count: int) -> Tuple[List[str], np.ndarray]:
    """Axis titles and per-objective factors: a Front brings its objectives' labels and units
    (values scaled to ms, mJ, MiB, ...); plain arrays take `names` (default "objective k")."""
    fronts = list(points.values()) if isinstance(points, Mapping) else [points]
    front = next((f for f in fronts if hasattr(f, "objective_units")), None)
    if front is None or names is not None:
        titles = list(names) if names is not None else [f"objective {k + 1}" for k in range(count)]
        return titles, np.ones(count)
    largest = np.max(np.abs(np.vstack([_points(f) for f in fronts if len(_points(f))] or
                                      [np.zeros((1, count))])), axis=0)
    titles, factors = [], []
    for k in range(count):
        factor, unit = unit_scale(front.objective_units[k], largest[k])
        titles.append(f"{front.objective_labels[k]} ({unit})" if unit else front.objective_labels[k])
        factors.append(factor)
    return titles, np.array(factors)


def _draw_front(ax, pts: np.ndarray, i: int, j: int, label: str, style: int) -> None:
    markers = "o^sDvP*X"
    if len(pts) == 0:
        return
    xy = pts[:, [i, j]]
    front = xy[nondominated(xy)]
    front = front[np.argsort(front[:, 0])]
    line = ax.step(front[:, 0], front[:, 1], where="post", linewidth=1, alpha=0.8)[0]
    ax.scatter(xy[:, 0], xy[:, 1], s=18, marker=markers[style % len(markers)],
               color=line.get_color(), label=label or None, alpha=0.8)


def pareto(points: Union[Series, Mapping[str, Series]], names: Optional[Sequence[str]] = None,
           ax=None, figsize=(6, 4.5), title: Optional[str] = None,
           log: Tuple[bool, bool] = (False, False)) -> Figure:
    """2-D Pareto plot. `points`: an (n, 2+) array, a monet.Front, or {label: points} for
    several series; each series' non-dominated points are joined by a staircase. A Front names
    the axes with its objectives and units (scaled: ms, mJ, MiB); `names` overrides."""
    fig, ax = _figure(ax, figsize)
    series = _series(points)
    width = next((p.shape[1] for p in series.values() if p.ndim == 2), 2)
    titles, factors = _axes_of(points, names, width)
    for k, (label, pts) in enumerate(series.items()):
        _draw_front(ax, pts * factors if len(pts) else pts, 0, 1, label, k)
    ax.set_xlabel(titles[0])
    ax.set_ylabel(titles[1])
    if log[0]:
        ax.set_xscale("log")
    if log[1]:
        ax.set_yscale("log")
    if any(_series(points)):
        ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def pareto_pairs(points: Union[Series, Mapping[str, Series]],
                 names: Optional[Sequence[str]] = None, figsize=(14, 4.2),
                 title: Optional[str] = None) -> Figure:
    """The three pairwise projections of 3-objective points; in each panel the points that are
    non-dominated in that pair are joined. Axes as in `pareto`."""
    series = _series(points)
    titles, factors = _axes_of(points, names, 3)
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, 3)
    for ax, (i, j) in zip(axes, ((0, 1), (0, 2), (1, 2))):
        for k, (label, pts) in enumerate(series.items()):
            _draw_front(ax, pts * factors if len(pts) else pts, i, j, label, k)
        ax.set_xlabel(titles[i])
        ax.set_ylabel(titles[j])
        ax.grid(alpha=0.3)
    if any(series):
        axes[0].legend(fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def energy_breakdown(results: Union[Any, Sequence[Any], Mapping[str, Any]], ax=None,
                     figsize=None, unit: str = "mJ", title: Optional[str] = None) -> Figure:
    """Stacked bars of energy by category (compute, on-chip memory, links, DRAM). `results`:
    a Result or summary dict, a list of them, or {label: result}."""
    if isinstance(results, Mapping) and "energy_pj" not in results:
        items = list(results.items())
    elif isinstance(results, (list, tuple)):
        items = [(_label(r), r) for r in results]
    else:
        items = [(_label(results), results)]
    scale = {"pJ": 1.0, "nJ": 1e3, "uJ": 1e6, "µJ": 1e6, "mJ": 1e9, "J": 1e12}[unit]
    fig, ax = _figure(ax, figsize or (max(5.0, 1.2 * len(items) + 3.5), 4))
    x = np.arange(len(items))
    bottom = np.zeros(len(items))
    # The categories summary.json has, in its order; those zero in every result are left out.
    parts: List[str] = []
    for _, r in items:
        parts += [k for k in _summary(r)["energy_pj"] if k != "total" and k not in parts]
    for n, part in enumerate(parts):
        values = np.array([_summary(r)["energy_pj"].get(part, 0.0) for _, r in items]) / scale
        if not values.any():
            continue
        color = _ENERGY_COLORS.get(part, _OTHER_COLORS[n % len(_OTHER_COLORS)])
        ax.bar(x, values, bottom=bottom, color=color, label=part.replace("_", " "), width=0.6)
        bottom += values
    ax.set_xticks(x)
    ax.set_xticklabels([label for label, _ in items], rotation=20 if len(items) > 3 else 0,
                       ha="right" if len(items) > 3 else "center")
    ax.set_ylabel(f"energy ({unit})")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(title or "energy per step")
    fig.tight_layout()
    return fig


def _summary(r) -> dict:
    return r if isinstance(r, Mapping) else r.summary


def _label(r) -> str:
    s = _summary(r)
    return f"{s.get('workload', '?')}\n{s.get('accelerator', '')}"

"""What a notebook user sees of results: complete reprs, tables that slice, iterate and become
DataFrames, plots named with objectives and units, the Perfetto trace's counters and slice
arguments."""

import json

import numpy as np
import pytest

import monet
import monet.plot
from conftest import DEFAULT_EXPERIMENT


@pytest.fixture(scope="module")
def result():
    return monet.simulate(DEFAULT_EXPERIMENT)


@pytest.fixture(scope="module")
def front():
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    return monet.search(e, genes=["fusion"], objectives=["latency", "energy", "footprint"],
                        population=8, generations=1, seed=4)


def test_tables_slice_index_iterate(result):
    ops = result.ops
    head = ops[:3]
    assert isinstance(head, monet.Table) and len(head) == 3
    assert list(head["name"]) == list(ops["name"][:3])
    assert ops[0]["name"] == ops["name"][0] and ops[-1]["name"] == ops["name"][-1]
    forward = ops[ops["pass"] == "forward"]
    assert 0 < len(forward) < len(ops) and set(forward["pass"]) == {"forward"}
    assert [row["name"] for row in ops[[2, 0]]] == [ops["name"][2], ops["name"][0]]
    assert sum(1 for _ in ops) == len(ops)
    ranked = ops.sort("energy_pj", descending=True)
    assert np.all(np.diff(ranked["energy_pj"]) <= 0)
    with pytest.raises(IndexError):
        ops[len(ops)]
    with pytest.raises(KeyError, match="no column"):
        ops["nope"]
    assert "more rows" in repr(ops) and "name" in repr(ops)


def test_to_pandas(result):
    df = result.ops.to_pandas()
    assert list(df.columns) == result.ops.columns and len(df) == len(result.ops)
    assert df["energy_pj"].sum() == pytest.approx(result.ops["energy_pj"].sum())


def test_op_energies_add_up_to_the_total(result):
    # Every transfer is charged to the op whose tile caused it, so nothing is left over.
    assert result.ops["energy_pj"].sum() == pytest.approx(result.energy_pj, rel=1e-9)
    phases = result.summary["phases"]
    assert sum(p["energy_pj"] for p in phases.values()) == pytest.approx(result.energy_pj, rel=1e-9)
    busy = result.ops["busy_s"]
    assert set(result.ops["bound_by"][busy > 0]) - {""} and "" not in set(result.ops["bound_by"][busy > 0])
    # The GPU kernel column names one of the two kernels, or nothing off GPU cores.
    assert set(result.ops["kernel"]) <= {"", "tiled", "gemv"}
    assert set(result.cns["kernel"]) <= {"", "tiled", "gemv"}


def test_result_repr_is_complete(result):
    text = repr(result)
    s = result.summary
    for expected in (s["experiment"], s["workload"], s["accelerator"],
                     monet._monet.format_seconds(s["latency_s"]),
                     monet._monet.format_energy_pj(s["energy_pj"]["total"]),
                     "peak on-chip", "peak DRAM", "footprint", "cores", "ops (", "cns ("):
        assert expected in text, expected


def test_trace_has_memory_counters_and_slice_arguments(result):
    trace = result.trace()
    events = trace["traceEvents"]
    counters = [e for e in events if e["ph"] == "C" and "bytes" in e["args"]]
    power = [e for e in events if e["ph"] == "C" and "watts" in e["args"]]
    assert power and all(e["args"]["watts"] > 0 for e in power)
    assert len(counters) == sum(len(m["time_s"]) for m in result.memory)
    assert {e["name"] for e in counters} == {m["name"] + " used" for m in result.memory}
    slices = [e for e in events if e["ph"] == "X" and e["pid"] == 1]
    assert len(slices) == len(result.cns)
    for key in ("op", "pass", "tile", "macs", "in_bytes", "out_bytes", "dram_bytes", "bound_by",
                "kernel"):
        assert all(key in e["args"] for e in slices), key
    assert sum(e["args"]["macs"] for e in slices) == pytest.approx(result.summary["counts"]["macs"])
    json.dumps(trace)


def test_front_names_its_objectives_with_units(front, tmp_path):
    assert front.objective_labels == ["latency", "energy", "peak footprint"]
    assert front.objective_units == ["s", "pJ", "B"]
    text = repr(front)
    assert "latency:" in text and " ms" in text and "mJ" in text and "MiB" in text
    fig = monet.plot.pareto(front)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "latency (ms)" and ax.get_ylabel() == "energy (mJ)"
    # Values scaled with the labels: the x data are milliseconds.
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    assert xs.max() == pytest.approx(front.objectives[front.feasible][:, 0].max() * 1e3)
    fig = monet.plot.pareto_pairs(front)
    assert [a.get_ylabel() for a in fig.axes] == ["energy (mJ)", "peak footprint (MiB)",
                                                  "peak footprint (MiB)"]
    written = front.write(str(tmp_path), front_files=2)
    files = sorted(p.name for p in (tmp_path / "front").glob("*.yaml"))
    assert len(files) == min(2, len(front)) and any(w.startswith("front/") for w in written)
    pareto = json.loads((tmp_path / "pareto.json").read_text())
    assert len(pareto["members"]) == len(front)


def _overlaps(a, b):
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


def test_legends_cover_no_bar_and_list_only_what_occurs(result):
    fig = monet.plot.energy_breakdown([result, result.summary])
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend()
    box = legend.get_window_extent()
    assert not any(_overlaps(box, p.get_window_extent()) for p in ax.patches)
    labels = [t.get_text() for t in legend.get_texts()]
    nonzero = [k.replace("_", " ") for k, v in result.summary["energy_pj"].items()
               if k != "total" and v > 0]
    assert labels == nonzero
    fig = monet.plot.gantt(result)
    labels = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert labels == set(result.cns["pass"]) | set(result.transfers["kind"])

"""Every plot renders to PNG without a display (Agg) and shows what it should."""

import io
import struct

import numpy as np
import pytest

import monet
import monet.plot
from conftest import DEFAULT_EXPERIMENT


@pytest.fixture(scope="module")
def result():
    return monet.simulate(DEFAULT_EXPERIMENT)


def png_size(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_gantt_has_a_row_per_core_link_and_dram(result):
    fig = monet.plot.gantt(result)
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    links = ["link " + link.name for link in result.accelerator.links]
    assert rows == result.core_names + ["dram"] + links
    w, h = png_size(fig)
    assert w > 100 and h > 100


def test_memory_plot_has_a_panel_per_memory(result):
    fig = monet.plot.memory(result)
    onchip = [m for m in result.memory if m["name"] != "dram"]
    assert len(fig.axes) == len(onchip)
    png_size(fig)
    assert len(monet.plot.memory(result, dram=True).axes) == len(result.memory)


def test_energy_breakdown_bars_stack_to_the_total(result):
    fig = monet.plot.energy_breakdown({"a": result, "b": result.summary}, unit="mJ")
    ax = fig.axes[0]
    heights = np.array([[p.get_height() for p in c.patches] for c in ax.containers])
    assert heights.sum(axis=0) == pytest.approx([result.energy_pj / 1e9] * 2, rel=1e-9)
    png_size(fig)


def test_pareto_plots():
    rng = np.random.default_rng(0)
    pts = rng.random((40, 3))
    fig = monet.plot.pareto({"a": pts, "b": pts + 0.1}, names=["x", "y"])
    assert len(fig.axes[0].collections) == 2
    png_size(fig)
    fig = monet.plot.pareto_pairs(pts, names=["x", "y", "z"])
    assert [ax.get_xlabel() for ax in fig.axes] == ["x", "x", "y"]
    assert [ax.get_ylabel() for ax in fig.axes] == ["y", "z", "z"]
    png_size(fig)


def _legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _overlaps(fig, legend, ax):
    fig.canvas.draw()  # Agg: legend and axes positions in display units
    renderer = fig.canvas.get_renderer()
    a, b = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_gantt_legend_lists_the_categories_that_occur_beside_the_bars(result):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = monet.plot.gantt(result)
    FigureCanvasAgg(fig)
    ax = fig.axes[0]
    occurring = set(result.cns["pass"]) | set(result.transfers["kind"])
    assert sorted(_legend_labels(ax)) == sorted(occurring)
    # An inference run has no backward or recompute CNs: the legend must not list them.
    assert "backward" not in _legend_labels(ax) and "recompute" not in _legend_labels(ax)
    assert not _overlaps(fig, ax.get_legend(), ax)


def test_energy_breakdown_legend_has_only_nonzero_categories_beside_the_bars(result):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = monet.plot.energy_breakdown(result)
    FigureCanvasAgg(fig)
    ax = fig.axes[0]
    nonzero = {k.replace("_", " ") for k, v in result.summary["energy_pj"].items()
               if k != "total" and v != 0}
    assert set(_legend_labels(ax)) == nonzero
    assert not _overlaps(fig, ax.get_legend(), ax)

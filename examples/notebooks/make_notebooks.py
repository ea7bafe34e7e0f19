#!/usr/bin/env python3
"""Writes the example notebooks (*.ipynb, without outputs) from the cells below.

Edit the cells here and run `python3 make_notebooks.py`; the tests execute the .ipynb files
headless (jupyter nbconvert --execute), so keep each under a minute.
"""

import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))

# Every notebook starts here: use `monet` from PYTHONPATH, else from the build tree.
SETUP = '''\
%matplotlib inline
import os, sys, pathlib
try:
    import monet
except ImportError:  # not on PYTHONPATH: use the build tree of this checkout
    root = next(p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]
                if (p / "configs" / "accelerators").is_dir())
    sys.path.insert(0, str(root / "build" / "python"))
    import monet
import monet.plot
import numpy as np
CONFIGS = pathlib.Path(monet.accelerators.config_dir())
print("monet", monet.__version__, "- configs in", CONFIGS)'''


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


QUICK_START = [
    md("""
# Quick start

`monet` simulates a training step (or inference) of a neural network on a heterogeneous
dataflow accelerator: it expands the forward graph into forward, backward and optimizer ops,
fuses layers into stacks cut into tiles, maps every tile on a core with an analytical cost
model and schedules everything with link and DRAM contention.

This notebook runs the README's default experiment, looks at its schedule and memory, then
simulates one training step of each built-in network on the same accelerator.
"""),
    code(SETUP),
    code("""
print("workloads:", ", ".join(name for name, _ in monet.workloads.builtin()))
print("accelerator presets:", ", ".join(monet.accelerators.presets()))
"""),
    md("""
## One experiment file, as `monet-sim run` does it

The result's `summary` is the same document as the CLI's `summary.json`; `ops`, `cns` and
`transfers` are tables (NumPy columns) of the schedule.
"""),
    code("""
result = monet.simulate(CONFIGS / "experiments" / "resnet18-train-edge-hetero.yaml")
print(result)
s = result.summary
print(f"latency {s['latency_s'] * 1e3:.2f} ms, energy {s['energy_pj']['total'] / 1e9:.2f} mJ, "
      f"{s['plan']['stack_count']} stacks, {s['counts']['cns']} CNs")
"""),
    code("""
ops = result.ops
busy = ops["end_s"] - ops["start_s"]
slowest = np.argsort(busy)[::-1][:8]
for i in slowest:
    print(f"{ops['name'][i]:<28} {ops['pass'][i]:<16} {ops['core'][i]:<6} "
          f"{busy[i] * 1e3:7.3f} ms  {ops['macs'][i] / 1e6:9.1f} MMACs")
"""),
    md("## The schedule: one row per core, the DRAM channel and each link"),
    code("monet.plot.gantt(result)"),
    md("## Memory occupancy of every on-chip memory (dashed: capacity)"),
    code("monet.plot.memory(result)"),
    md("""
## A training step of each network

Forward graphs come from `monet.workloads`, `monet.training.expand` adds the loss, the
backward pass (dX and dW) and the optimizer (here SGD with momentum, 16-bit tensors), and
`monet.simulate` runs the step fused per block with 4 tiles. GPT-2 runs on 128 tokens to keep
this notebook quick.
"""),
    code("""
networks = {
    "ResNet-18": monet.workloads.resnet18(batch=1),
    "ResNet12": monet.workloads.resnet12(batch=1),
    "MobileViT-XXS": monet.workloads.mobilevit("xxs", batch=1),
    "GPT-2 small (128 tokens)": monet.workloads.gpt2("small", batch=1, seq=128),
}
bits = dict(activation_bits=16, weight_bits=16, gradient_bits=16, optimizer_state_bits=16)
results = {}
for name, forward in networks.items():
    step = monet.training.expand(forward, optimizer="momentum", **bits)
    results[name] = monet.simulate(step, "edge-hetero", stacks="blocks", tiles=4, name=name)
    s = results[name].summary
    print(f"{name:<26} {forward.totals()['parameters'] / 1e6:7.2f} M params  "
          f"{s['counts']['macs'] / 1e9:8.2f} GMACs/step  latency {s['latency_s'] * 1e3:9.2f} ms  "
          f"energy {s['energy_pj']['total'] / 1e9:9.2f} mJ  "
          f"footprint {s['memory']['peak_footprint_bytes'] / 2**20:8.1f} MiB")
"""),
    code("monet.plot.energy_breakdown(results, unit='mJ')"),
    code("monet.plot.gantt(results['MobileViT-XXS'])"),
    md("""
## Exporting

`write_trace` saves a Chrome/Perfetto trace (open it in ui.perfetto.dev); `write` saves the
four files `monet-sim run -o DIR` writes.
"""),
    code("""
import tempfile
out = pathlib.Path(tempfile.mkdtemp(prefix="monet-quick-start-"))
result.write(out)
result.write_trace(out / "resnet18.trace.json")
print(sorted(p.name for p in out.iterdir()))
"""),
]

FUSION = [
    md("""
# Fusion study: tile count vs latency, energy and DRAM traffic

Layer fusion cuts the graph into stacks; every op of a stack is split into the same number of
tiles along its rows (tokens for transformer layers), and tiles run depth-first, so the
intermediate tiles can stay on chip instead of going to DRAM. More tiles mean smaller
working sets (less spilling) but more, smaller CNs whose weights are re-read per tile.

Here: one training step of ResNet-18 and MobileViT-XXS (batch 1, SGD with momentum, 16-bit
tensors) on `edge-hetero`, fused per model block, for 1 to 32 tiles per stack, against the
layer-by-layer schedule (no fusion).
"""),
    code(SETUP),
    code("""
bits = dict(activation_bits=16, weight_bits=16, gradient_bits=16, optimizer_state_bits=16)
steps = {
    "ResNet-18": monet.training.expand(monet.workloads.resnet18(batch=1), optimizer="momentum", **bits),
    "MobileViT-XXS": monet.training.expand(monet.workloads.mobilevit("xxs", batch=1),
                                           optimizer="momentum", **bits),
}
acc = monet.accelerators.load("edge-hetero")
tiles = [1, 2, 4, 8, 16, 32]

def metrics(r):
    s = r.summary
    return (s["latency_s"], s["energy_pj"]["total"],
            s["traffic"]["dram_read_bytes"] + s["traffic"]["dram_write_bytes"])

rows = {}
for name, step in steps.items():
    base = metrics(monet.simulate(step, acc, stacks="layer-by-layer", records=False))
    fused = np.array([metrics(monet.simulate(step, acc, stacks="blocks", tiles=t, records=False))
                      for t in tiles])
    rows[name] = (base, fused)
    print(name)
    print(f"  {'layer-by-layer':>14}  latency {base[0] * 1e3:8.2f} ms  energy {base[1] / 1e9:8.2f} mJ"
          f"  DRAM {base[2] / 2**20:8.1f} MiB")
    for t, (lat, en, dram) in zip(tiles, fused):
        print(f"  {'blocks x' + str(t):>14}  latency {lat * 1e3:8.2f} ms  energy {en / 1e9:8.2f} mJ"
              f"  DRAM {dram / 2**20:8.1f} MiB")
"""),
    code("""
from matplotlib.figure import Figure
fig = Figure(figsize=(13, 7))
axes = fig.subplots(2, 3, sharex=True)
labels = [("latency (ms)", 1e3), ("energy (mJ)", 1e-9), ("DRAM traffic (MiB)", 1 / 2**20)]
for row, (name, (base, fused)) in enumerate(rows.items()):
    for col, (label, scale) in enumerate(labels):
        ax = axes[row, col]
        ax.plot(tiles, fused[:, col] * scale, "o-", label="fused per block")
        ax.axhline(base[col] * scale, color="gray", linestyle="--", label="layer-by-layer")
        ax.set_xscale("log", base=2)
        ax.set_title(f"{name}: {label}", fontsize="medium")
        if row == 1:
            ax.set_xlabel("tiles per stack")
axes[0, 0].legend(fontsize="small")
fig.tight_layout()
fig
"""),
    md("""
The best tile count per network and metric (the same plan does not minimise all three):
"""),
    code("""
for name, (base, fused) in rows.items():
    best = {label: tiles[int(np.argmin(fused[:, i]))] for i, (label, _) in enumerate(labels)}
    ratio = fused[:, 2].min() / base[2]
    print(f"{name}: best tiles {best}; least DRAM traffic = {ratio:.2f} x layer-by-layer's")
"""),
    md("## Where the time goes with the DRAM-optimal tile count (ResNet-18)"),
    code("""
base, fused = rows["ResNet-18"]
t_best = tiles[int(np.argmin(fused[:, 2]))]
r = monet.simulate(steps["ResNet-18"], acc, stacks="blocks", tiles=t_best, name=f"ResNet-18, {t_best} tiles")
monet.plot.gantt(r)
"""),
]

CHECKPOINT = [
    md("""
# Activation checkpointing trade-offs for GPT-2

Training keeps the activations the backward pass needs; checkpointing drops some and
recomputes them, trading extra forward work for memory. monet models the model as a *chain*
(one element per transformer layer, one boundary tensor between layers, plus the tensors each
element saves) and computes:

* the **exact Pareto front** of (recompute cost, peak activation memory) over all plans, by
  dynamic programming (`monet.training.checkpoint_front`);
* a **GA front** from NSGA-II searching the keep/drop bits (`monet.search`,
  problem `checkpoint-chain`) — the DP front tells how close it gets;
* the store-all and √n (Chen et al. 2016) baselines.

GPT-2 small, 128 tokens, batch 1, Adam, 16-bit activations.
"""),
    code(SETUP),
    code("""
forward = monet.workloads.gpt2("small", batch=1, seq=128)
opts = monet.training.options(optimizer="adam", activation_bits=16)
chain = monet.training.extract_chain(forward, opts)
print(chain, "- total forward", f"{chain.total_cost() / 1e9:.2f} G{chain.cost_unit}")
for e in chain.elements[:3]:
    print(f"  {e.name:<8} f={e.cost / 1e6:8.1f} M  output {e.output_bytes / 1024:7.1f} KiB  "
          f"saves {len(e.saved)} tensors, {e.saved_bytes / 1024:8.1f} KiB")
"""),
    md("## The exact front and the baselines"),
    code("""
front = monet.training.checkpoint_front(chain)
exact = np.array([[p.recompute_cost, p.peak_bytes] for p in front.points], dtype=float)
baselines = {b.name: (b.evaluation.recompute_cost, b.evaluation.peak_bytes)
             for b in monet.training.baselines(chain)}
print(f"{len(front.points)} Pareto-optimal plans")
for name, (cost, peak) in baselines.items():
    print(f"  {name:<10} recompute {cost / 1e9:6.2f} GMACs  peak {peak / 2**20:7.2f} MiB")
print(f"  least memory: recompute {exact[-1, 0] / 1e9:6.2f} GMACs, peak {exact[-1, 1] / 2**20:7.2f} MiB")
"""),
    md("""
## NSGA-II on the same problem

The experiment is written as a dict; its `search` section asks for the chain problem. The
GA's initial population holds store-all, √n and drop-everything, as the CLI's does.
"""),
    code("""
experiment = monet.parse_experiment({
    "name": "gpt2-checkpointing",
    "workload": {"model": "gpt2-small", "batch": 1, "seq": 128},
    "training": {"optimizer": "adam", "activation_bits": 16},
    "accelerator": "edge-hetero",
    "search": {"problem": "checkpoint-chain", "population": 48, "generations": 60, "seed": 1},
})
ga = monet.search(experiment)
print(ga)
print(f"GA hypervolume = {ga.hypervolume / ga.exact_hypervolume:.2%} of the exact front's "
      f"({len(ga)} GA points, {ga.exact_front_size} exact points)")
"""),
    code("""
points = {"exact (DP)": exact, "NSGA-II": ga.objectives}
fig = monet.plot.pareto(points, names=["recompute (MACs)", "peak activation bytes"],
                        title="GPT-2 small, 128 tokens: checkpointing front")
ax = fig.axes[0]
for name, (cost, peak) in baselines.items():
    ax.scatter([cost], [peak], marker="*", s=160, zorder=5, label=name)
ax.legend(fontsize="small")
fig
"""),
    code("""
from matplotlib.figure import Figure
h = ga.history
fig = Figure(figsize=(6, 3.5))
ax = fig.subplots()
ax.plot(h["evaluations"], h["hypervolume"] / ga.exact_hypervolume, "o-", markersize=3)
ax.axhline(1.0, color="gray", linestyle="--")
ax.set_xlabel("evaluations")
ax.set_ylabel("hypervolume / exact")
ax.set_title("GA convergence")
fig.tight_layout()
fig
"""),
    md("""
## From the chain model to a simulated training step

Take the cheapest exact plan whose peak fits in half of store-all's, turn it into the names of
the tensors to drop, expand the training step with it and simulate it on `edge-hetero`.
"""),
    code("""
store_all_peak = baselines["store-all"][1]
point = monet.training.best_within_budget(front, store_all_peak // 2)
print(monet.training.plan_str(chain, point.plan),
      f"recompute {point.recompute_cost / 1e9:.2f} GMACs, peak {point.peak_bytes / 2**20:.2f} MiB")
dropped = monet.training.to_checkpoint_plan(chain, point.plan)
runs = {}
for label, ckpt in (("store-all", "none"), ("half budget", dropped), ("sqrt", "sqrt")):
    step = monet.training.expand(forward, optimizer="adam", activation_bits=16, checkpoint=ckpt)
    runs[label] = monet.simulate(step, "edge-hetero", stacks="blocks", tiles=4, name=label)
    s = runs[label].summary
    print(f"{label:<12} latency {s['latency_s'] * 1e3:8.2f} ms  "
          f"saved activations {s['training_memory']['saved_activation_bytes'] / 2**20:7.2f} MiB  "
          f"footprint {s['memory']['peak_footprint_bytes'] / 2**20:8.2f} MiB")
"""),
    code("monet.plot.energy_breakdown(runs, unit='mJ', title='GPT-2 step energy per checkpoint plan')"),
]

HARDWARE = [
    md("""
# Hardware exploration: array size x memory size x DRAM bandwidth

Start from the TPU-like preset (one 32x32 weight-stationary array, 2 MiB SRAM, 5.6 GB/s DRAM)
and vary three knobs for a ResNet-18 training step (batch 1, 16-bit tensors, fused per block
with 4 tiles):

* the array: 16x16, 32x32, 64x64 PEs,
* the SRAM: 512 KiB, 2 MiB, 8 MiB,
* the DRAM bandwidth: 2.8, 5.6, 11.2 GB/s.

Accelerators are editable objects; `monet.accelerators.with_knobs` applies the same knobs as
`monet-sim search` and checks the result. For larger grids, or to run on a Dask cluster, the
same study is `examples/sweeps/hardware-grid.yaml`.
"""),
    code(SETUP),
    code("""
base = monet.accelerators.load("tpu-like")
tpu = base.core("tpu")
print([f"{d.name}={d.size}" for d in tpu.array], tpu.memory("sram"),
      f"DRAM {base.dram.bandwidth_bytes_per_s / 1e9:.1f} GB/s")

# Editing fields directly works too: a copy with a 48x48 array.
edited = base.copy()
for d in edited.core("tpu").array:
    d.size = 48
print("edited:", edited.core("tpu").macs_per_cycle(), "MACs/cycle vs", tpu.macs_per_cycle())
"""),
    code("""
step = monet.training.expand(monet.workloads.resnet18(batch=1), optimizer="momentum",
                             activation_bits=16, weight_bits=16, gradient_bits=16,
                             optimizer_state_bits=16)
arrays = [16, 32, 64]
srams = ["512 KiB", "2 MiB", "8 MiB"]
bandwidths = ["2.8 GB/s", "5.6 GB/s", "11.2 GB/s"]
grid = []
for n in arrays:
    for sram in srams:
        for bw in bandwidths:
            acc = monet.accelerators.with_knobs(base, array={"tpu": n}, memory={"tpu.sram": sram},
                                                dram_bandwidth=bw)
            s = monet.simulate(step, acc, stacks="blocks", tiles=4, records=False).summary
            grid.append(dict(array=n, sram=sram, bandwidth=bw, latency_s=s["latency_s"],
                             energy_pj=s["energy_pj"]["total"],
                             onchip_bytes=sum(m.size_bytes * m.instances for m in acc.core("tpu").memories),
                             dram_bytes=s["traffic"]["dram_read_bytes"] + s["traffic"]["dram_write_bytes"]))
table = monet.Table({k: [g[k] for g in grid] for k in grid[0]})
print(table)
"""),
    md("## Latency over array size and DRAM bandwidth, one panel per SRAM size"),
    code("""
from matplotlib.figure import Figure
fig = Figure(figsize=(13, 3.8))
axes = fig.subplots(1, 3, sharey=True)
lo, hi = table["latency_s"].min() * 1e3, table["latency_s"].max() * 1e3
for ax, sram in zip(axes, srams):
    sel = table["sram"] == sram
    lat = table["latency_s"][sel].reshape(len(arrays), len(bandwidths)) * 1e3
    ax.imshow(lat, cmap="viridis_r", origin="lower", vmin=lo, vmax=hi)
    for i in range(len(arrays)):
        for j in range(len(bandwidths)):
            dark = (lat[i, j] - lo) / (hi - lo) > 0.5  # viridis_r is dark at the top
            ax.text(j, i, f"{lat[i, j]:.0f}", ha="center", va="center",
                    color="w" if dark else "k", fontsize="small")
    ax.set_xticks(range(len(bandwidths)), bandwidths)
    ax.set_yticks(range(len(arrays)), [f"{n}x{n}" for n in arrays])
    ax.set_title(f"SRAM {sram}: latency (ms), one colour scale", fontsize="medium")
    ax.set_xlabel("DRAM bandwidth")
axes[0].set_ylabel("array")
fig.tight_layout()
fig
"""),
    md("""
## Trade-offs: latency, energy and on-chip memory

The third objective is the core's total on-chip storage (SRAM plus the per-PE register files,
which grow with the array), a stand-in for area. DRAM bandwidth costs nothing among these
objectives, so the Pareto-optimal designs all use the fastest DRAM. Each panel shows one pair
of objectives; the points no other point beats in that pair are joined.
"""),
    code("""
# In readable units: ms, mJ, MiB.
pts = np.column_stack([table["latency_s"] * 1e3, table["energy_pj"] / 1e9,
                       table["onchip_bytes"] / 2**20])
monet.plot.pareto_pairs(pts, names=["latency (ms)", "energy (mJ)", "peak on-chip memory (MiB)"],
                        title="ResNet-18 training step on TPU-like variants")
"""),
    code("""
front = monet.ga.nondominated(pts)
print(f"{front.sum()} of {len(pts)} designs are Pareto-optimal in (latency, energy, on-chip bytes):")
for row in table.where(front).rows():
    print(f"  array {row['array']}x{row['array']}, SRAM {row['sram']:>7}, DRAM {row['bandwidth']:>9}: "
          f"{row['latency_s'] * 1e3:7.2f} ms, {row['energy_pj'] / 1e9:7.2f} mJ")
monet.plot.pareto(pts[:, :2], names=["latency (ms)", "energy (mJ)"], title="latency vs energy")
"""),
]


FLEET = [
    md("""
# Device fleets: calibrate a board, then choose a model per device

`monet.calibrate` and `monet.select` are `monet-sim calibrate` and `monet-sim select`
(fleet/README.md documents both files and every output field). Each takes a file or the same
document as a dict, returns the CLI's JSON document as a dict and, with `out_dir=`, writes the
CLI's output folder.

1. **Calibrate**: fit accelerator fields (here the Orin Nano's DRAM bandwidth and read energy)
   to measured latency and energy, with the error of every measurement before and after the
   fit and its leave-one-out error (fit without it, predict it).
2. **Select**: play online model-selection policies (LinUCB, Thompson sampling, ε-greedy, one
   model for all devices) against the per-device oracle on a small fleet and plot their regret.
"""),
    code(SETUP),
    md("""
## Calibrate

Three small networks from `configs/workloads/` (an MNIST MLP, a tiny transformer, ResNet-20
for CIFAR-10) are "measured" once each. The measurements are **synthetic**: the simulator
produced them on a "board" that is the Orin Nano preset with DRAM at 50 GB/s and 10 pJ/bit
instead of 68 GB/s and 8 pJ/bit. They stand in for a user's measurements (latency from a
timer, energy from a power meter, at the supply), with 2 % of random measurement error added:
the fit should land near 50 GB/s and 10 pJ/bit, and the leave-one-out errors say how far to
trust the calibrated model on runs that were not measured.
"""),
    code("""
import json, tempfile
work = pathlib.Path(tempfile.mkdtemp(prefix="monet-fleet-"))
preset = CONFIGS / "accelerators" / "jetson-orin-nano.yaml"
board = (preset.read_text().replace("  bandwidth: 68 GB/s", "  bandwidth: 50 GB/s")
                          .replace("  read_energy: 8 pJ/bit", "  read_energy: 10 pJ/bit"))
(work / "board.yaml").write_text(board)

def experiment(workload, accelerator):
    return {"name": workload, "workload": {"file": str(CONFIGS / "workloads" / f"{workload}.yaml")},
            "mode": "inference", "accelerator": str(accelerator),
            "fusion": {"stacks": "layer-by-layer", "tiles": 1}}

rng = np.random.default_rng(7)
noisy = lambda v: v * rng.lognormal(0, 0.02)  # 2 % measurement error
measurements = []
for workload in ("mlp", "transformer-tiny", "resnet20-cifar"):
    (work / f"{workload}.yaml").write_text(json.dumps(experiment(workload, preset)))
    s = monet.simulate(monet.parse_experiment(experiment(workload, work / "board.yaml"))).summary
    measurements.append({"experiment": f"{workload}.yaml", "latency": f"{noisy(s['latency_s'])!r} s",
                         "energy": f"{noisy(s['power']['supply_energy_j']) * 1e12!r} pJ"})
calibration = {
    "parameters": [
        {"accelerator": str(preset), "field": "dram.bandwidth", "min": "20 GB/s", "max": "100 GB/s"},
        {"accelerator": str(preset), "field": "dram.read_energy", "min": "2 pJ/bit", "max": "20 pJ/bit"}],
    "measurements": measurements}
cal = monet.calibrate(calibration, name=str(work / "calibration.yaml"), out_dir=work / "calibrated")
for p in cal["parameters"]:
    print(f"{p['field']:<18} {p['initial']:g} -> {p['fitted']:.3f} {p['unit']} "
          f"(+- {p['uncertainty']:.2f})")
for m in cal["measurements"]:
    for q in m["quantities"]:
        print(f"{m['name']:<17} {q['quantity']:<8} error before {100 * q['error_before']:+5.1f} %, "
              f"after {100 * q['error_after']:+5.1f} %, left out {100 * q['error_leave_one_out']:+5.1f} %")
print("written:", sorted(p.name for p in (work / "calibrated").iterdir()))
"""),
    md("""
## Select

Three models on two devices (the calibrated Orin Nano and the ZCU104 running Tensil), with
users' QoE = accuracy − latency / 100 ms − 0.2 · energy / 200 mJ and noisy feedback: on the
Orin the most accurate model is worth its latency, on the slower FPGA it is not.
The accuracies are the published figures `configs/fleets/example.yaml` cites. Every pair is
simulated once; the policies then play 1500 rounds of requests from the devices' users.
"""),
    code("""
fleet = {
    "models": [
        {"name": "mobilevit-xxs", "workload": "mobilevit-xxs", "accuracy": "69.0 %", "precision": "16 bit"},
        {"name": "resnet12", "workload": "resnet12", "accuracy": "78.63 %", "precision": "16 bit"},
        {"name": "resnet18", "workload": "resnet18", "accuracy": "69.758 %", "precision": "16 bit"}],
    "devices": [
        {"name": "orin-nano", "accelerator": str(work / "calibrated" / "jetson-orin-nano.yaml"), "users": 300},
        {"name": "zcu104", "accelerator": "zcu104-tensil", "users": 100}],
    "qoe": {"accuracy": {"weight": 1.0}, "latency": {"weight": 1.0, "max": "100 ms"},
            "energy": {"weight": 0.2, "max": "200 mJ"}},
    "noise": {"sd": 0.05, "user_sd": 0.02},
    "bandit": {"rounds": 1500, "seed": 1},
}
sel = monet.select(fleet)
for p in sel["pairs"]:
    print(f"{p['model']:<14} on {p['device']:<10} latency {p['latency_s'] * 1e3:7.2f} ms, "
          f"energy {p['energy_j'] * 1e3:7.2f} mJ, QoE {p['qoe']:.4f}")
for d in sel["devices"]:
    print(f"oracle for {d['name']}: {d['oracle_model']}")
for p in sel["policies"]:
    print(f"{p['name']:<15} cumulative regret {p['cumulative_regret']:7.3f}, "
          f"growth exponent {p['growth_exponent']:.2f}")
"""),
    code("""
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(7, 4))
for name, p in sel["per_round"]["policies"].items():
    if name != "oracle":
        ax.plot(np.arange(1, len(p["cumulative_regret"]) + 1), p["cumulative_regret"], label=name)
ax.set_xlabel("round")
ax.set_ylabel("cumulative regret (QoE units)")
ax.set_title("online model selection against the per-device oracle")
ax.legend();
"""),
    md("""
How to read it: LinUCB and Thompson sampling learn one linear model of the QoE over the pairs'
features (stated accuracy, size, predicted latency and energy); once it ranks each device's
models right their regret stops growing. ε-greedy keeps exploring a fixed share of rounds on
every device, so its regret keeps growing, slowly and linearly; one model for all devices pays
the gap on the device it does not suit in every round. `growth_exponent` above is the slope of
each curve on log-log axes (1: linear regret). `monet.select(fleet, out_dir=...)` writes the
same rounds as `rounds.csv`, with `select.json` and `regret.svg`.
"""),
]


def write(name, cells):
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives identical files
        cell["id"] = f"{name.split('.')[0].replace('_', '-')}-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    with open(os.path.join(HERE, name), "w") as f:
        nbformat.write(nb, f)


if __name__ == "__main__":
    write("quick_start.ipynb", QUICK_START)
    write("fusion_study.ipynb", FUSION)
    write("checkpointing_gpt2.ipynb", CHECKPOINT)
    write("hardware_exploration.ipynb", HARDWARE)
    write("fleet.ipynb", FLEET)

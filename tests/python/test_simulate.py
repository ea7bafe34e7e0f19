"""monet.simulate against `monet-sim run`, and the schedule tables against invariants."""

import json
import subprocess

import numpy as np
import pytest

import monet
from conftest import DEFAULT_EXPERIMENT


def run_cli(cli, experiment, out):
    subprocess.run([cli, "run", str(experiment), "-o", str(out)], check=True,
                   capture_output=True, text=True)
    return json.loads((out / "summary.json").read_text())


def test_python_summary_equals_cli_summary_json(cli, tmp_path):
    cli_summary = run_cli(cli, DEFAULT_EXPERIMENT, tmp_path / "cli")
    result = monet.simulate(DEFAULT_EXPERIMENT)
    assert result.summary == cli_summary
    # The files Result.write() produces are the CLI's, byte for byte.
    result.write(tmp_path / "py")
    for name in ("summary.json", "schedule.trace.json", "memory.csv", "power.csv", "ops.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_inference_experiment_with_workload_file_equals_cli(cli, tmp_path):
    exp = tmp_path / "tiny-infer.yaml"
    workload = monet.accelerators.config_dir() + "/workloads/transformer-tiny.yaml"
    exp.write_text(f"name: tiny-infer\nworkload: {{file: {workload}, batch: 4}}\n"
                   "mode: inference\naccelerator: edge-hetero\nfusion: {stacks: fixed, "
                   "ops_per_stack: 2, tiles: 2}\n")
    assert monet.simulate(exp).summary == run_cli(cli, exp, tmp_path / "cli")


def test_graph_mode_equals_experiment_mode():
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    step = monet.training.expand(monet.workloads.resnet18(batch=1), e.training_options)
    a = monet.simulate(step, e.accelerator, plan=e.plan, name=e.name).summary
    b = monet.simulate(e).summary
    assert a == b


def test_accelerator_override_and_checked_copy_change_nothing():
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    base = monet.simulate(e).summary
    assert monet.simulate(e, monet.accelerators.load("edge-hetero")).summary == base
    assert monet.simulate(e, monet.accelerators.load("edge-hetero").checked()).summary == base


def test_plan_overrides_match_an_edited_experiment():
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    edited = e.copy()
    edited.tiles = 4
    assert monet.simulate(e, tiles=4).summary == monet.simulate(edited).summary
    assert e.tiles == 8  # simulate() copies before overriding


def test_tables_satisfy_schedule_invariants():
    r = monet.simulate(DEFAULT_EXPERIMENT)
    s = r.summary
    cns, ops, tr = r.cns, r.ops, r.transfers
    assert len(cns) == s["counts"]["cns"]
    assert len(tr) == s["counts"]["transfers"]
    # Tiles partition each op's loop nest, so CN MACs add up to the graph's MACs.
    assert cns["macs"].sum() == pytest.approx(s["counts"]["macs"], rel=1e-12)
    assert ops["macs"].sum() == pytest.approx(s["counts"]["macs"], rel=1e-12)
    # Latency is the end of the last CN or transfer.
    assert max(cns["end_s"].max(), tr["end_s"].max()) == pytest.approx(s["latency_s"], rel=1e-12)
    assert np.all(cns["end_s"] >= cns["start_s"])
    # Busy time per core is the sum of its CN durations.
    for core in s["cores"]:
        sel = cns["core"] == core["name"]
        busy = (cns["end_s"][sel] - cns["start_s"][sel]).sum()
        assert busy == pytest.approx(core["busy_s"], rel=1e-9, abs=1e-15)
    # No two CNs overlap on one core.
    for name in r.core_names:
        sel = cns["core"] == name
        order = np.argsort(cns["start_s"][sel])
        starts, ends = cns["start_s"][sel][order], cns["end_s"][sel][order]
        assert np.all(starts[1:] >= ends[:-1] - 1e-15)
    # DRAM traffic in the summary is the DRAM transfers' bytes.
    reads = tr["bytes"][np.isin(tr["kind"], ["dram-read", "refetch"])].sum()
    writes = tr["bytes"][tr["kind"] == "dram-write"].sum()
    assert reads == pytest.approx(s["traffic"]["dram_read_bytes"], rel=1e-9)
    assert writes == pytest.approx(s["traffic"]["dram_write_bytes"], rel=1e-9)
    # Memory timelines peak where the summary says and stay within capacity on chip.
    for m in r.memory:
        if len(m["used_bytes"]):
            assert m["used_bytes"].max() == pytest.approx(m["peak_bytes"], rel=1e-12)
        if m["name"] != "dram":
            assert m["peak_bytes"] <= m["capacity_bytes"] * (1 + 1e-12)


def test_records_off_keeps_the_summary():
    full = monet.simulate(DEFAULT_EXPERIMENT)
    lean = monet.simulate(DEFAULT_EXPERIMENT, records=False)
    assert lean.summary == full.summary
    assert len(lean.cns) == 0


def test_trace_export(tmp_path):
    r = monet.simulate(DEFAULT_EXPERIMENT)
    r.write_trace(tmp_path / "t.json")
    events = json.loads((tmp_path / "t.json").read_text())["traceEvents"]
    slices = [e for e in events if e.get("ph") == "X" and e["pid"] == 1]
    assert len(slices) == r.summary["counts"]["cns"]


def test_hardware_knobs_are_applied_and_derived_fields_follow():
    acc = monet.accelerators.with_knobs("tpu-like", array={"tpu": 64},
                                        memory={"tpu.sram": "4 MiB"}, dram_bandwidth="11.2 GB/s")
    tpu = acc.core("tpu")
    assert tpu.macs_per_cycle() == 64 * 64
    assert tpu.memory("sram").size_bytes == 4 * 2**20
    assert acc.dram.bandwidth_bytes_per_s == pytest.approx(11.2e9)
    assert tpu.memory("rf_w").instances == 64 * 64  # one register file per PE
    one_dim = monet.accelerators.with_knobs("tpu-like", array={"tpu.D1": 8})
    assert one_dim.core("tpu").macs_per_cycle() == 8 * 32


def test_dram_bandwidth_knob_keeps_the_sustained_share():
    # jetson-agx-orin: 152.8 GB/s sustained of a 204.8 GB/s pin rate (a published measurement).
    agx = monet.accelerators.load("jetson-agx-orin")
    assert agx.dram.timing_bytes_per_s == pytest.approx(152.8e9)
    assert agx.dram.sustained_fraction == pytest.approx(152.8 / 204.8)
    doubled = monet.accelerators.with_knobs(agx, dram_bandwidth="409.6 GB/s")
    assert doubled.dram.timing_bytes_per_s == pytest.approx(2 * 152.8e9)
    agx.dram.sustained_fraction = 1.5
    with pytest.raises(monet.ConfigError, match="sustained_fraction"):
        agx.checked()


def test_editing_fields_in_place():
    acc = monet.accelerators.load("tpu-like")
    acc.core("tpu").memories[-1].size_bytes = 1 << 20
    acc.cores[0].array[0].size = 16
    assert acc.core("tpu").memory("sram").size_bytes == 1 << 20
    assert acc.cores[0].macs_per_cycle() == 16 * 32
    assert acc.checked().core("tpu").memory("rf_w").instances == 16 * 32
    cim = monet.accelerators.load("cim-reram")
    core = next(c for c in cim.cores if c.kind == "cim")
    core.cim.rows = 64
    assert core.array[0].size == 128  # derived array follows only after checked()
    checked = cim.checked()
    assert checked.core(core.name).array[0].size == 64


def test_tlmm_core_fields_read_and_edit():
    acc = monet.accelerators.load("kv260-tellme")
    tlmm = acc.core("tlmm").tlmm
    # configs/accelerators/kv260-tellme.yaml: groups of 5 ternary activations, 16 lookups and
    # 16 table entries per cycle, 0.65 pJ each.
    assert (tlmm.group, tlmm.weight_levels, tlmm.weight_bits) == (5, 3, 2)
    assert (tlmm.lookups_per_cycle, tlmm.entries_per_cycle) == (16, 16)
    assert tlmm.lookup_energy_pj == pytest.approx(0.65)
    assert tlmm.entries_per_table() == 3 ** 5
    tlmm.group = 4
    assert acc.core("tlmm").tlmm.entries_per_table() == 81  # a live reference
    assert acc.checked().core("tlmm").tlmm.group == 4
    tlmm.group = 17  # the loader's rule: 1 … 16
    with pytest.raises(monet.ConfigError, match=r"group"):
        acc.checked()


def test_dram_bandwidth_bound_step_gets_faster_with_more_bandwidth():
    step = monet.training.expand(monet.workloads.resnet18(), optimizer="momentum",
                                 activation_bits=16, weight_bits=16, gradient_bits=16,
                                 optimizer_state_bits=16)
    slow = monet.accelerators.load("tpu-like")
    fast = slow.copy()
    fast.dram.bandwidth_bytes_per_s *= 2
    a = monet.simulate(step, slow, stacks="blocks", tiles=4, records=False).summary
    b = monet.simulate(step, fast, stacks="blocks", tiles=4, records=False).summary
    assert b["latency_s"] < a["latency_s"]
    assert slow.dram.bandwidth_bytes_per_s == pytest.approx(5.6e9)  # the copy was edited


def test_experiment_to_yaml_reads_back_with_edits():
    e = monet.load_experiment(monet.accelerators.config_dir() +
                              "/experiments/resnet12-train-edge-hetero.yaml")
    e.name = "edited"
    e.tiles = 2
    text = e.to_yaml("written from Python")
    assert text.startswith("# written from Python\n")
    back = monet.parse_experiment(text, "/nonexistent/back.yaml")
    assert back.name == "edited" and back.tiles == 2 and back.stacks == "blocks"
    assert back.workload.model == "resnet12" and back.workload.batch == 8
    t = back.training_options
    assert (t.optimizer, t.weight_bits, t.optimizer_state_bits) == ("momentum", 16, 32)
    assert back.to_yaml() == monet.parse_experiment(back.to_yaml(), "x.yaml").to_yaml()


def test_experiments_edited_in_python_meet_the_plan_rules_of_files():
    e = monet.load_experiment(monet.accelerators.config_dir() +
                              "/experiments/resnet12-train-edge-hetero.yaml")
    e.stacks = "layer-by-layer"  # keeps tiles 4: a file saying so is refused, so is this
    with pytest.raises(monet.ConfigError, match="layer-by-layer runs every op as one tile"):
        monet.simulate(e)
    e.tiles = 1
    assert monet.simulate(e).latency_s > 0

"""examples/sweeps/sweep.py: grid and random points, local vs Dask runs, kill and resume."""

import csv
import os
import signal
import subprocess
import sys
import time

import pytest

import monet
import monet.sweep
from conftest import DATA, ROOT, SWEEP_SCRIPT

HARDWARE = ROOT / "examples" / "sweeps" / "hardware-grid.yaml"
KILL = DATA / "kill-resume.yaml"


def sweep(*args, **kw):
    return subprocess.run([sys.executable, str(SWEEP_SCRIPT), *map(str, args)],
                          capture_output=True, text=True, **kw)


def rows_by_point(path):
    rows = monet.sweep.read_csv(str(path))
    points = [int(r["point"]) for r in rows]
    assert len(points) == len(set(points)), "duplicate rows"
    return {int(r["point"]): r for r in rows}


def test_grid_points_are_the_product_of_the_axes():
    s = monet.sweep.load(str(HARDWARE))
    points = s.points()
    assert len(points) == 3 * 3 * 3
    assert len({p["key"] for p in points}) == 27
    combos = {(p["params"]["hardware.array.tpu"], p["params"]["hardware.memory.tpu.sram"],
               p["params"]["hardware.dram_bandwidth"]) for p in points}
    assert len(combos) == 27
    assert s.columns[:2] == ["point", "key"] and s.columns[-1] == "error"


def test_random_sample_is_a_seeded_subset_of_the_grid():
    s = monet.sweep.load(str(ROOT / "examples" / "sweeps" / "random-plans.yaml"))
    again = monet.sweep.load(str(ROOT / "examples" / "sweeps" / "random-plans.yaml"))
    assert len(s.points()) == 24
    assert [p["key"] for p in s.points()] == [p["key"] for p in again.points()]
    assert len({p["key"] for p in s.points()}) == 24


def test_sweep_file_errors_name_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nexperiment: {workload: resnet18, accelerator: tpu-like}\n"
                   "axes:\n  fusion.tiles: []\n")
    with pytest.raises(monet.ConfigError, match=rf"{bad}:4: field 'axes.fusion.tiles'"):
        monet.sweep.load(str(bad))
    bad.write_text("experiment: {workload: resnet18, accelerator: tpu-like}\n"
                   "axes:\n  fusion.tilez: [1, 2]\n")
    with pytest.raises(monet.ConfigError, match="tilez"):
        monet.sweep.load(str(bad)).points()
    bad.write_text("experiment: {workload: resnet18, accelerator: tpu-like}\n"
                   "axes:\n  hardware.array.gpu: [8]\n")
    with pytest.raises(monet.MonetError, match="no core or core group 'gpu'"):
        monet.sweep.load(str(bad)).points()


def test_failing_points_become_error_rows(tmp_path):
    spec = tmp_path / "tiles.yaml"
    spec.write_text("experiment: {workload: resnet18, accelerator: edge-hetero, "
                    "fusion: {stacks: blocks}}\naxes:\n  fusion.tiles: [2, 500]\n")
    out = tmp_path / "tiles.csv"
    p = sweep(spec, "-o", out, "-j", "1", "--no-progress")
    assert p.returncode == 0, p.stderr
    rows = rows_by_point(out)
    assert rows[0]["status"] == "ok" and float(rows[0]["latency_s"]) > 0
    assert rows[1]["status"] == "error"
    assert "larger than the longest split axis" in rows[1]["error"]


def test_rows_over_capacity_are_infeasible(tmp_path):
    # ResNet-18 inference keeps 11.7 M parameters (11.7 MB at 8 bit) in DRAM: 1 MiB cannot hold
    # them, 8 GiB can.
    spec = tmp_path / "dram.yaml"
    spec.write_text("experiment: {workload: {model: resnet18, element_bits: 8}, accelerator: tpu-like, "
                    "mode: inference}\n"
                    "axes:\n  hardware.dram_capacity: [8 GiB, 1 MiB]\n")
    out = tmp_path / "dram.csv"
    p = sweep(spec, "-o", out, "-j", "1", "--no-progress")
    assert p.returncode == 0, p.stderr
    rows = rows_by_point(out)
    assert [rows[0]["status"], rows[1]["status"]] == ["ok", "ok"]
    assert rows[0]["feasible"] == "true"
    assert rows[1]["feasible"] == "false"


def test_rows_equal_direct_simulation(tmp_path):
    out = tmp_path / "hw.csv"
    p = sweep(HARDWARE, "-o", out, "-j", "2", "--no-progress")
    assert p.returncode == 0, p.stderr
    rows = rows_by_point(out)
    assert sorted(rows) == list(range(27))
    point = monet.sweep.load(str(HARDWARE)).points()[13]
    acc = monet.accelerators.with_knobs(
        "tpu-like", array={"tpu": point["params"]["hardware.array.tpu"]},
        memory={"tpu.sram": point["params"]["hardware.memory.tpu.sram"]},
        dram_bandwidth=point["params"]["hardware.dram_bandwidth"])
    step = monet.training.expand(monet.workloads.resnet18(), optimizer="momentum",
                                 activation_bits=16, weight_bits=16, gradient_bits=16,
                                 optimizer_state_bits=16)
    s = monet.simulate(step, acc, stacks="blocks", tiles=4).summary
    assert float(rows[13]["latency_s"]) == s["latency_s"]
    assert float(rows[13]["energy_pj.total"]) == s["energy_pj"]["total"]


def test_dask_local_cluster_gives_the_local_rows(tmp_path):
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "local.csv"
    p = sweep(HARDWARE, "-o", local, "-j", "2", "--no-progress")
    assert p.returncode == 0, p.stderr
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        dask = tmp_path / "dask.csv"
        p = sweep(HARDWARE, "-o", dask, "--scheduler", cluster.scheduler_address, "--no-progress")
        assert p.returncode == 0, p.stderr
    assert rows_by_point(dask) == rows_by_point(local)


def test_killed_sweep_resumes_without_duplicate_or_lost_rows(tmp_path):
    reference = tmp_path / "reference.csv"
    p = sweep(KILL, "-o", reference, "-j", "2", "--no-progress")
    assert p.returncode == 0, p.stderr
    expected = rows_by_point(reference)
    total = len(monet.sweep.load(str(KILL)).points())
    assert sorted(expected) == list(range(total))

    out = tmp_path / "interrupted.csv"
    proc = subprocess.Popen([sys.executable, str(SWEEP_SCRIPT), str(KILL), "-o", str(out),
                             "-j", "1", "--no-progress"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.exists() and len(monet.sweep.read_csv(str(out))) >= 5:
            break
        if proc.poll() is not None:
            pytest.fail("the sweep finished before it could be interrupted")
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = rows_by_point(out)
    assert 5 <= len(done) < total
    # A row cut off mid-write (as a kill during a write leaves it) is dropped on resume.
    with open(out, "a") as f:
        f.write("999,deadbeef,4,sq")

    p = sweep(KILL, "-o", out, "--no-progress")
    assert p.returncode != 0 and "--resume" in p.stderr  # no silent overwrite
    p = sweep(KILL, "-o", out, "--resume", "-j", "2", "--no-progress")
    assert p.returncode == 0, p.stderr
    assert f"{len(done)} already done" in p.stderr
    assert rows_by_point(out) == expected
    with open(out, newline="") as f:
        assert sum(1 for _ in csv.reader(f)) == total + 1  # header + one line per point


def test_resume_refuses_a_csv_of_another_sweep(tmp_path):
    out = tmp_path / "hw.csv"
    assert sweep(HARDWARE, "-o", out, "--limit", "2", "-j", "1", "--no-progress").returncode == 0
    p = sweep(KILL, "-o", out, "--resume", "--no-progress")
    assert p.returncode == 2 and "columns differ" in p.stderr


def test_resume_refuses_rows_of_a_changed_experiment(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("experiment: {workload: resnet18, accelerator: edge-hetero, "
                    "fusion: {stacks: blocks}}\naxes:\n  fusion.tiles: [1, 2, 4]\n")
    out = tmp_path / "s.csv"
    assert sweep(spec, "-o", out, "--limit", "1", "-j", "1", "--no-progress").returncode == 0
    spec.write_text(spec.read_text().replace("resnet18", "resnet12"))
    p = sweep(spec, "-o", out, "--resume", "--no-progress")
    assert p.returncode == 2 and "written for other parameters" in p.stderr


def _alive(pid: int) -> bool:
    """Running or sleeping (a zombie or a vanished process is not alive)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _children(parent: int):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                out.append(int(entry))
    return out


def test_workers_stop_when_the_sweep_is_killed(tmp_path):
    out = tmp_path / "killed.csv"
    proc = subprocess.Popen([sys.executable, str(SWEEP_SCRIPT), str(KILL), "-o", str(out),
                             "-j", "2", "--no-progress"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers = []
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 2 and out.exists() and len(monet.sweep.read_csv(str(out))) >= 1:
            break
        if proc.poll() is not None:
            pytest.fail("the sweep finished before it could be interrupted")
        time.sleep(0.02)
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, as an OOM killer or a user would
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    survivors = [w for w in workers if _alive(w)]
    for w in survivors:  # do not leave them to the next test
        os.kill(w, signal.SIGKILL)
    assert not survivors


def test_resume_repairs_a_header_cut_off_by_a_kill(tmp_path):
    reference = tmp_path / "reference.csv"
    assert sweep(HARDWARE, "-o", reference, "-j", "1", "--no-progress").returncode == 0
    out = tmp_path / "torn.csv"
    out.write_text("point,key,acc")  # a kill while the header was being written
    p = sweep(HARDWARE, "-o", out, "--resume", "-j", "1", "--no-progress")
    assert p.returncode == 0, p.stderr
    assert rows_by_point(out) == rows_by_point(reference)

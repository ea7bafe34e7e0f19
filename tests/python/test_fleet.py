"""monet.calibrate and monet.select mirror `monet-sim calibrate` and `monet-sim select`
(fleet/README.md): same inputs, same output folder, the results as a dict."""

import csv
import json
import subprocess

import pytest

import monet
from conftest import CONFIGS

PRESET = CONFIGS / "accelerators" / "jetson-orin-nano.yaml"


def experiment(name, workload, accelerator):
    return (f"name: {name}\nworkload: {workload}\nmode: inference\n"
            f"accelerator: {accelerator}\nfusion: {{stacks: layer-by-layer, tiles: 1}}\n")


def test_calibrate_recovers_the_dram_values_the_measurements_were_simulated_with(tmp_path):
    # The "board": the preset with DRAM at 50 GB/s and 10 pJ/bit instead of 68 GB/s, 8 pJ/bit.
    text = PRESET.read_text()
    for old, new in (("  bandwidth: 68 GB/s", "  bandwidth: 50 GB/s"),
                     ("  read_energy: 8 pJ/bit", "  read_energy: 10 pJ/bit")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    (tmp_path / "board.yaml").write_text(text)
    measurements = []
    # Two small workload files (simulated in milliseconds): the MLP is DRAM bound, the
    # transformer less so, which separates bandwidth from energy per bit.
    for name in ("mlp", "transformer-tiny"):
        workload = f"{{file: {CONFIGS / 'workloads' / name}.yaml}}"
        truth = tmp_path / f"truth-{name}.yaml"
        truth.write_text(experiment(name, workload, tmp_path / "board.yaml"))
        (tmp_path / f"{name}.yaml").write_text(experiment(name, workload, PRESET))
        s = monet.simulate(truth).summary
        measurements.append({"experiment": f"{name}.yaml", "latency": f"{s['latency_s']!r} s",
                             "energy": f"{s['power']['supply_energy_j'] * 1e12!r} pJ"})
    document = {
        "parameters": [
            {"accelerator": str(PRESET), "field": "dram.bandwidth", "min": "20 GB/s", "max": "100 GB/s"},
            {"accelerator": str(PRESET), "field": "dram.read_energy", "min": "2 pJ/bit",
             "max": "20 pJ/bit"}],
        "measurements": measurements}
    # A run on another accelerator is predicted, not fitted, and the CLI's warning says so.
    mlp = f"{{file: {CONFIGS / 'workloads' / 'mlp.yaml'}}}"
    (tmp_path / "other.yaml").write_text(experiment("other", mlp, "edge-hetero"))
    document["measurements"].append({"experiment": "other.yaml", "latency": "1 ms"})
    # In memory: relative experiment paths resolve against the folder of `name`.
    out = tmp_path / "out"
    with pytest.warns(UserWarning, match="'other' runs on an accelerator no parameter belongs to"):
        j = monet.calibrate(document, out_dir=out, name=str(tmp_path / "cal.yaml"))
    fitted = {p["field"]: p["fitted"] for p in j["parameters"]}
    assert fitted["dram.bandwidth"] == pytest.approx(50, rel=0.01)
    assert fitted["dram.read_energy"] == pytest.approx(10, rel=0.01)
    assert [m["name"] for m in j["measurements"]] == ["mlp", "transformer-tiny", "other"]
    for m in j["measurements"][:2]:
        for q in m["quantities"]:
            assert abs(q["error_after"]) < 1e-3
            # The preset's DRAM is faster and cheaper than the board's: it under-predicts.
            assert q["error_before"] < 0
            # Each measurement predicted by a fit to the other one alone.
            assert abs(q["error_leave_one_out"]) < 0.01
    # The folder holds what the CLI writes; the dict is calibration.json plus the files' text.
    written = json.loads((out / "calibration.json").read_text())
    files = j.pop("calibrated_accelerators")
    assert written == j
    assert list(files) == ["jetson-orin-nano.yaml"]
    assert (out / "jetson-orin-nano.yaml").read_text() == files["jetson-orin-nano.yaml"]
    assert "#   dram.bandwidth: 68 GB/s -> " in files["jetson-orin-nano.yaml"]


def test_calibrate_refuses_bad_files_naming_the_field(tmp_path):
    (tmp_path / "e.yaml").write_text(experiment("e", "resnet12", "jetson-orin-nano"))
    cal = tmp_path / "cal.yaml"
    bw = "  - {accelerator: jetson-orin-nano, field: dram.bandwidth, min: 20 GB/s, max: 100 GB/s}\n"
    cal.write_text("parameters:\n" + bw +
                   "  - {accelerator: jetson-orin-nano, field: dram.read_energy, min: 1 pJ/bit,"
                   " max: 20 pJ/bit}\nmeasurements:\n  - {experiment: e.yaml, latency: 5 ms}\n")
    with pytest.raises(monet.ConfigError, match="2 parameters but only 1 independent") as e:
        monet.calibrate(cal)
    assert e.value.issues[0]["field"] == "parameters"
    cal.write_text("parameters:\n" + bw.replace("min: 20", "min: 70") +
                   "measurements:\n  - {experiment: e.yaml, latency: 5 ms}\n")
    with pytest.raises(monet.ConfigError, match="exclude the current value 68 GB/s") as e:
        monet.calibrate(cal)
    assert (e.value.issues[0]["file"], e.value.issues[0]["line"]) == (str(cal), 2)
    assert e.value.issues[0]["field"] == "parameters[0].min"
    with pytest.raises(monet.ConfigError, match="states no quantity"):
        monet.calibrate({"parameters": [{"accelerator": "jetson-orin-nano", "field": "dram.bandwidth",
                                         "min": "20 GB/s", "max": "100 GB/s"}],
                         "measurements": [{"experiment": "e.yaml"}]}, name=str(cal))
    with pytest.raises(TypeError, match="calibrate"):
        monet.calibrate(42)


# Two models on one device, no noise: the QoE of each pair is exactly what the feedback says.
TINY = {
    "models": [{"name": "xxs", "workload": "mobilevit-xxs", "accuracy": "69.0 %", "precision": "16 bit"},
               {"name": "r12", "workload": "resnet12", "accuracy": "78.63 %", "precision": "16 bit"}],
    "devices": [{"name": "orin", "accelerator": "jetson-orin-nano", "users": 3}],
    "qoe": {"accuracy": {"weight": 1}, "latency": {"weight": 0.5, "max": "500 ms"},
            "energy": {"weight": 0.2, "max": "200 mJ"}},
    "noise": {"sd": 0, "user_sd": 0},
    "bandit": {"rounds": 200, "seed": 3},
}


def test_select_without_noise_finds_the_best_model(tmp_path):
    out = tmp_path / "out"
    j = monet.select(TINY, out_dir=out)
    # The oracle, from the documented QoE: w_acc * accuracy - w_lat * latency / latency_max
    # - w_en * energy / energy_max, with the pairs' simulated latency and energy.
    accuracy = {"xxs": 0.69, "r12": 0.7863}
    qoe = {p["model"]: accuracy[p["model"]] - 0.5 * p["latency_s"] / 0.5 - 0.2 * p["energy_j"] / 0.2
           for p in j["pairs"]}
    for p in j["pairs"]:
        assert p["feasible"] and p["qoe"] == pytest.approx(qoe[p["model"]], rel=1e-9)
    best = max(qoe, key=qoe.get)
    assert j["devices"][0]["oracle_model"] == best
    rounds = j["per_round"]
    assert len(rounds["device"]) == 200 and set(rounds["device"]) == {"orin"}
    linucb = rounds["policies"]["linucb"]
    assert linucb["choice"][-1] == best
    # Without noise the feedback is the chosen pair's QoE, and regret is the oracle's QoE less it.
    for model, fb, regret in zip(linucb["choice"], linucb["feedback"], linucb["regret"]):
        assert fb == pytest.approx(qoe[model], abs=1e-12)
        assert regret == pytest.approx(qoe[best] - qoe[model], abs=1e-12)
    assert linucb["cumulative_regret"][-1] == pytest.approx(sum(linucb["regret"]))
    # The output folder is the CLI's: rounds.csv is per_round, select.json the dict.
    with open(out / "rounds.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["linucb_model"] for r in rows] == linucb["choice"]
    j.pop("per_round")
    assert json.loads((out / "select.json").read_text()) == j
    assert (out / "regret.svg").read_text().startswith("<svg")


def test_select_equals_the_cli(cli, tmp_path):
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(json.dumps(dict(TINY, noise={"sd": 0.05, "user_sd": 0.02})))
    subprocess.run([cli, "select", str(fleet), "-o", str(tmp_path / "cli")], check=True,
                   capture_output=True, text=True)
    monet.select(fleet, out_dir=tmp_path / "py")
    for name in ("select.json", "rounds.csv", "regret.svg"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_select_refuses_bad_input_naming_the_field(tmp_path):
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(
        "models:\n  - {name: a, workload: resnet12, accuracy: 70 %}\n"
        "devices:\n  - {name: d, accelerator: jetson-orin-nano, users: 1}\n"
        "qoe:\n  accuracy: {weight: -2}\n")
    with pytest.raises(monet.ConfigError) as e:
        monet.select(fleet)
    assert (e.value.issues[0]["field"], e.value.issues[0]["line"]) == ("qoe.accuracy.weight", 6)
    bad = dict(TINY, devices=[{"name": "d", "accelerator": "no-such-board", "users": 1}])
    with pytest.raises(monet.ConfigError, match="neither an accelerator file nor a preset") as e:
        monet.select(bad)
    assert e.value.issues[0]["field"] == "devices[0].accelerator"
    assert e.value.issues[0]["file"] == "<python>"
    # A folder that is not monet-sim's is refused before anything runs, and left alone.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(monet.ConfigError, match="mine"):
        monet.select(TINY, out_dir=tmp_path / "mine")
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]

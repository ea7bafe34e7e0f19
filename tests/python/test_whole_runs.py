"""Generation and few-shot experiments from Python: monet.simulate runs them as a whole, as
`monet-sim run` does, and their power adds the preset's static figures over the whole run."""

import json
import subprocess

import pytest

import monet
from conftest import CONFIGS

PEFSL = CONFIGS / "workloads" / "pefsl-resnet9.yaml"


def generation(tokens_out=5):
    return monet.parse_experiment({
        "workload": {"model": "qwen2.5-0.5b", "element_bits": 16},
        "mode": "generate",
        "generate": {"prompt_tokens": 16, "output_tokens": tokens_out},
        "accelerator": "jetson-orin-nano",
    })


def test_generation_summary_equals_cli(cli, tmp_path):
    path = tmp_path / "gen.yaml"
    path.write_text(generation().to_yaml())
    subprocess.run([cli, "run", str(path), "-o", str(tmp_path / "out")], check=True,
                   capture_output=True, text=True)
    cli_summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    r = monet.simulate(path)
    assert isinstance(r, monet.GenerationResult)
    assert r.summary == cli_summary


def test_generation_result_and_its_power():
    r = monet.simulate(generation())
    g, p = r.summary["generation"], r.power
    assert r.ttft_s == g["ttft_s"] > 0
    assert r.tpot_s == pytest.approx(g["decode_s"] / 4)  # 5 output tokens: 4 decode steps
    assert len(r.parts) == 1 + 4  # the prefill and every decode step (few enough to schedule)
    assert list(r.parts["name"][:2]) == ["prefill", "decode@16"]
    # The Orin Nano preset: 1.365 W board baseline at the supply, 0.85 regulators.
    t = g["total_s"]
    dynamic = g["prefill_energy_j"] + g["decode_energy_j"]
    assert p["dynamic_energy_j"] == pytest.approx(dynamic)
    assert p["board_energy_j"] == pytest.approx(1.365 * t)
    assert p["supply_energy_j"] == pytest.approx((dynamic + p["static_w"] * t) / 0.85 + 1.365 * t)
    assert p["average_w"] == pytest.approx(p["supply_energy_j"] / t)


def test_episode_on_another_accelerator():
    e = monet.parse_experiment({
        "workload": {"file": str(PEFSL)},
        "mode": "few-shot",
        "few_shot": {"ways": 5, "shots": 1, "queries": 15,
                     "finetune": {"steps": 20, "trains": "head"}},
        "training": {"optimizer": "adam"},
        "accelerator": "pynq-z1-tensil",
    })
    r = monet.simulate(e, "zcu104-tensil")
    assert isinstance(r, monet.EpisodeResult)
    assert r.summary["accelerator"] == "zcu104-tensil"
    assert list(r.parts["repeat"]) == [20, 1]
    assert r.latency_s == pytest.approx(20 * r.parts["latency_s"][0] + r.parts["latency_s"][1])
    # The ZCU104's 13.8 W idle board power runs for the whole episode.
    assert r.power["board_energy_j"] == pytest.approx(13.8 * r.latency_s)


def test_an_accelerator_object_is_refused_for_whole_runs():
    acc = monet.accelerators.load("jetson-orin-nano")
    with pytest.raises(TypeError, match="preset name or file"):
        monet.simulate(generation(), acc)

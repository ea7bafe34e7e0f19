"""Checkpointing on chains: the exact front against the step-by-step model and hand-computed
chains, and the GA search against the exact front."""

import itertools
import json
import subprocess

import numpy as np
import pytest

import monet


def test_store_all_peak_of_a_hand_chain():
    # a0 = 10 B; three elements with outputs of 4 B and one saved tensor of 2 B each. Keeping
    # everything, the end of the forward pass holds a0 + a1..a3 + s0..s2 = 10 + 12 + 6 bytes.
    chain = monet.training.make_chain(10, [1, 1, 1], [4, 4, 4], [2, 2, 2])
    e = monet.training.evaluate_plan(chain, monet.training.store_all_plan(chain))
    assert (e.recompute_cost, e.peak_bytes, e.kept_bytes) == (0, 28, 28)


def test_dp_front_is_the_brute_force_front_of_a_small_chain():
    chain = monet.training.make_chain(16, [3, 1, 4, 1, 5], [8, 3, 6, 2, 5], [4, 0, 7, 1, 3])
    n = monet.training.plan_gene_count(chain)
    points = set()
    for genes in itertools.product([0, 1], repeat=n):
        e = monet.training.evaluate_plan(chain, list(genes))
        points.add((e.recompute_cost, e.peak_bytes))
    pts = np.array(sorted(points), dtype=float)
    brute = {tuple(p) for p in pts[monet.ga.nondominated(pts)]}
    front = monet.training.checkpoint_front(chain)
    assert {(p.recompute_cost, p.peak_bytes) for p in front.points} == brute


def test_gpt2_front_points_replay_under_the_chain_model():
    chain = monet.training.extract_chain(monet.workloads.gpt2("small", seq=128),
                                         activation_bits=16)
    assert len(chain) == 14  # embeddings, 12 layers, final LayerNorm + head
    front = monet.training.checkpoint_front(chain)
    costs = [p.recompute_cost for p in front.points]
    peaks = [p.peak_bytes for p in front.points]
    assert costs == sorted(costs) and peaks == sorted(peaks, reverse=True)
    store_all = monet.training.evaluate_plan(chain, monet.training.store_all_plan(chain))
    # The embedding costs no MACs, so dropping its output is free: the cheapest point may
    # need less memory than store-all, never more.
    assert costs[0] == 0 and peaks[0] <= store_all.peak_bytes
    for p in front.points:
        e = monet.training.evaluate_plan(chain, p.plan)
        assert (e.recompute_cost, e.peak_bytes) == (p.recompute_cost, p.peak_bytes)
    budget = monet.training.best_within_budget(front, store_all.peak_bytes // 2)
    assert budget.peak_bytes <= store_all.peak_bytes // 2
    names = monet.training.to_checkpoint_plan(chain, budget.plan)
    step = monet.training.expand(monet.workloads.gpt2("small", seq=128), activation_bits=16,
                                 checkpoint=names)
    # The chain model's recompute cost is the MACs of the recompute ops expand() inserts.
    recompute = sum(op.macs for op in step.graph.ops if op.pass_name == "recompute")
    assert recompute == budget.recompute_cost


def _chain_experiment(generations):
    return monet.parse_experiment({
        "name": "gpt2-ckpt", "workload": {"model": "gpt2-small", "seq": 128},
        "training": {"optimizer": "adam", "activation_bits": 16}, "accelerator": "edge-hetero",
        "search": {"problem": "checkpoint-chain", "population": 24, "generations": generations,
                   "seed": 5}})


def test_ga_front_never_beats_the_exact_front():
    front = monet.search(_chain_experiment(15))
    assert front.problem == "checkpoint-chain"
    assert 0 < front.hypervolume <= front.exact_hypervolume * (1 + 1e-12)
    chain = monet.training.extract_chain(monet.workloads.gpt2("small", seq=128),
                                         monet.training.options(optimizer="adam",
                                                                activation_bits=16))
    exact = np.array([[p.recompute_cost, p.peak_bytes]
                      for p in monet.training.checkpoint_front(chain).points], dtype=float)
    for point in front.objectives:
        # Every GA point is weakly dominated by an exact point (the exact front is optimal).
        assert np.all(exact <= point, axis=1).any()
    assert len(front.history) == 16


def test_search_is_deterministic_and_writes_the_cli_files(cli, tmp_path):
    exp_file = tmp_path / "ckpt.yaml"
    exp_file.write_text(
        "name: gpt2-ckpt\nworkload: {model: gpt2-small, seq: 128}\n"
        "training: {optimizer: adam, activation_bits: 16}\naccelerator: edge-hetero\n"
        "search: {problem: checkpoint-chain, population: 16, generations: 6, seed: 9}\n")
    a = monet.search(exp_file, out_dir=str(tmp_path / "py"))
    b = monet.search(exp_file)
    assert a.members == b.members
    subprocess.run([cli, "search", str(exp_file), "-o", str(tmp_path / "cli")], check=True,
                   capture_output=True)
    py = json.loads((tmp_path / "py" / "pareto.json").read_text())
    assert py == json.loads((tmp_path / "cli" / "pareto.json").read_text())


def test_codesign_search_members_replay():
    e = monet.load_experiment(monet.accelerators.config_dir() +
                              "/experiments/resnet18-train-edge-hetero.yaml")
    seen = []
    front = monet.search(e, genes=["fusion"], objectives=["latency", "energy"], population=16,
                         generations=2, seed=3, progress=lambda p: seen.append(p["generation"]))
    assert seen == [0, 1, 2]
    assert front.objective_names == ["latency_s", "energy_pj"]
    best = front.simulate(0, records=False)
    assert [best.summary["latency_s"], best.summary["energy_pj"]["total"]] == \
        pytest.approx(list(front.objectives[0]), rel=1e-12)


def test_search_mutation_prob_reaches_the_engine():
    from monet.search import search_spec  # `monet.search` is the function
    e = _chain_experiment(4)
    assert search_spec(e).mutation_prob is None
    spec = search_spec(e, mutation_prob=0.6, crossover_prob=0.0)
    assert spec.mutation_prob == 0.6 and spec.nsga.crossover_prob == 0.0
    low = monet.search(e, mutation_prob=0.02, crossover_prob=0.0)
    high = monet.search(e, mutation_prob=0.6, crossover_prob=0.0)
    # Same seed and budget: only the mutation rate differs, so the evaluated fronts differ.
    assert [m["genome"] for m in low.members] != [m["genome"] for m in high.members]


def test_search_specs_built_in_python_meet_the_section_rules():
    from monet.search import search_spec
    e = _chain_experiment(2)
    # Every gene group the YAML section accepts, the binding accepts (trainable was missing).
    spec = search_spec(e, problem="codesign", genes=["fusion", "trainable"])
    assert spec.genes == ["fusion", "trainable"]
    # The same rules as the section: hardware genes need knobs, objectives listed once.
    for overrides, words in [({"genes": ["hardware"]}, "search.knobs"),
                             ({"objectives": ["latency", "latency"]}, "listed twice"),
                             ({"mutation_prob": 2.0}, "search.mutation_prob")]:
        with pytest.raises(monet.MonetError, match=words):
            monet.search(e, problem="codesign", **{"genes": ["fusion"], **overrides})

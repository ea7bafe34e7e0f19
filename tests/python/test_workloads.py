"""Workload graphs and training expansion against published counts
(docs/references.md, "Built-in workloads") and hand-derived totals."""

import monet
import pytest


@pytest.mark.parametrize("graph, params, macs", [
    (lambda: monet.workloads.resnet18(), 11_689_512, 1_814_073_344),
    (lambda: monet.workloads.resnet12(), 12_424_320, 3_507_980_288),
    (lambda: monet.workloads.mobilevit("xxs"), 1_272_024, 407_364_096),
    (lambda: monet.workloads.mobilevit("s"), 5_578_632, 2_000_831_488),
    (lambda: monet.workloads.gpt2("small"), 124_439_808, 145_824_153_600),
])
def test_published_parameter_and_mac_counts(graph, params, macs):
    totals = graph().totals()
    assert totals["parameters"] == params
    assert totals["macs"] == macs


def test_build_by_name_and_batch_scaling():
    one = monet.workloads.build("resnet18", batch=1).totals()
    four = monet.workloads.build("resnet18", batch=4).totals()
    assert four["macs"] == 4 * one["macs"]
    assert four["parameters"] == one["parameters"]
    names = [n for n, _ in monet.workloads.builtin()]
    assert {"resnet18", "resnet12", "mobilevit-xxs", "gpt2-small"} <= set(names)


def test_describe_matches_graph():
    g = monet.workloads.mobilevit("xxs", batch=2)
    d = monet.workloads.describe(g)
    assert d["schema"] == "monet.describe/1"
    assert d["totals"]["macs"] == g.totals()["macs"]
    table = monet.workloads.op_table(g)
    assert len(table) == len(g) == len(g.ops)
    assert int(table["macs"].sum()) == g.totals()["macs"]
    op = g.ops[0]
    assert op.kind == "conv" and op.pass_name == "forward"
    assert op.nest_sizes["K"] == 16 and op.nest_sizes["FY"] == 3  # stem conv 3x3, 16 filters


def test_training_step_macs_are_three_forward_passes_minus_first_dx():
    # Conv/linear backward: dX and dW each cost the forward MACs, and the first layer has no
    # dX. ResNet-18's first layer: 64 filters of 3x7x7 over 112x112 outputs.
    fwd = monet.workloads.resnet18()
    conv1 = 64 * 3 * 7 * 7 * 112 * 112
    step = monet.training.expand(fwd, optimizer="sgd")
    assert step.graph.totals()["macs"] == 3 * fwd.totals()["macs"] - conv1
    passes = {op.pass_name for op in step.graph.ops}
    assert {"forward", "loss", "backward-data", "backward-weight", "optimizer"} <= passes


@pytest.mark.parametrize("optimizer, states", [("sgd", 0), ("momentum", 1), ("adam", 2)])
def test_optimizer_state_is_a_multiple_of_the_parameters(optimizer, states):
    step = monet.training.expand(monet.workloads.resnet18(), optimizer=optimizer,
                                 optimizer_state_bits=32, weight_bits=32)
    m = step.memory
    assert m["parameter_bytes"] == 11_689_512 * 4
    assert m["optimizer_state_bytes"] == states * m["parameter_bytes"]


def test_checkpointing_saves_activation_memory():
    fwd = monet.workloads.resnet18()
    full = monet.training.expand(fwd)
    sqrt = monet.training.expand(fwd, checkpoint="sqrt")
    assert sqrt.memory["saved_activation_bytes"] < full.memory["saved_activation_bytes"]
    assert any(op.pass_name == "recompute" for op in sqrt.graph.ops)
    candidates = monet.training.checkpoint_candidates(fwd)
    dropped = monet.training.expand(fwd, checkpoint=candidates[:3])
    assert dropped.memory["saved_activation_bytes"] < full.memory["saved_activation_bytes"]
    opts = monet.training.options(checkpoint="every:2")
    assert opts.checkpoint == "every:2"


def test_workload_file_and_yaml_text():
    g = monet.workloads.load(monet.accelerators.config_dir() + "/workloads/mlp.yaml", batch=3)
    assert len(g) > 0
    text = open(monet.accelerators.config_dir() + "/workloads/mlp.yaml").read()
    same = monet._monet.parse_workload_yaml(text, "mlp.yaml", batch=3)
    assert same.totals() == g.totals()


def test_onnx_load_follows_elem_bits_and_reports_warnings():
    from conftest import ROOT
    r9 = str(ROOT / "tests" / "data" / "resnet9_strided_16fmaps.onnx")
    # 188,032 parameters by hand (tests/workloads/onnx_import_test.cpp): 4 bytes each as
    # exported, 2 bytes each when 16-bit elements are asked for.
    assert monet.workloads.load(r9).totals()["parameter_bytes"] == 4 * 188_032
    assert monet.workloads.load(r9, elem_bits=16).totals()["parameter_bytes"] == 2 * 188_032
    with pytest.warns(UserWarning, match="symbolic batch 'batch_size'"):
        monet.workloads.load(str(ROOT / "tests" / "data" / "resnet18.onnx"))

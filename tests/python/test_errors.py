"""Bad inputs raise monet.MonetError / monet.ConfigError carrying the library's message."""

import monet
import pytest
from conftest import DEFAULT_EXPERIMENT


def test_config_error_is_a_monet_error():
    assert issubclass(monet.ConfigError, monet.MonetError)


def test_unknown_model_names_the_known_ones():
    with pytest.raises(monet.MonetError, match=r"unknown model 'nope'.*resnet18"):
        monet.workloads.build("nope")


def test_experiment_error_names_file_line_field_value_and_rule(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nworkload: resnet18\naccelerator: edge-hetero\n"
                    "fusion: {stacks: blocks, tiles: 0}\n")
    with pytest.raises(monet.ConfigError) as err:
        monet.load_experiment(path)
    message = str(err.value)
    assert f"{path}:4" in message and "fusion.tiles" in message
    issue = err.value.issues[0]
    assert issue["file"] == str(path) and issue["line"] == 4
    assert issue["field"].endswith("tiles") and issue["value"] == "0"


def test_unknown_experiment_field(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("workload: resnet18\naccelerator: edge-hetero\nfusoin: blocks\n")
    with pytest.raises(monet.ConfigError, match="fusoin"):
        monet.simulate(path)


def test_accelerator_file_errors_carry_location(tmp_path):
    text = open(monet.accelerators.config_dir() + "/accelerators/tpu-like.yaml").read()
    path = tmp_path / "acc.yaml"
    path.write_text(text.replace("bandwidth: 5.6 GB/s", "bandwidth: 5.6"))
    with pytest.raises(monet.ConfigError) as err:
        monet.accelerators.load(path)
    assert str(path) in str(err.value) and "bandwidth" in str(err.value)
    assert err.value.issues[0]["line"] > 0


def test_bad_training_options():
    with pytest.raises(monet.MonetError, match="sgd"):
        monet.training.options(optimizer="lamb")
    with pytest.raises(monet.MonetError, match="every"):
        monet.training.options(checkpoint="sometimes")
    with pytest.raises(monet.MonetError, match="no_such_tensor"):
        monet.training.expand(monet.workloads.resnet18(), checkpoint=["no_such_tensor"])


def test_impossible_plans():
    g = monet.workloads.resnet18()
    with pytest.raises(monet.MonetError, match="larger than the longest split axis"):
        monet.simulate(g, "edge-hetero", stacks="blocks", tiles=1000)
    with pytest.raises(monet.MonetError, match="layer-by-layer"):
        monet.simulate(g, "edge-hetero", stacks="layer-by-layer", tiles=4)
    with pytest.raises(monet.MonetError, match="stack rule 'diagonal'"):
        monet.simulate(g, "edge-hetero", stacks="diagonal")
    with pytest.raises(monet.MonetError, match="no_such_core"):
        monet.simulate(g, "edge-hetero", allocation=[{"kind": "conv", "cores": ["no_such_core"]}])


def test_edited_accelerator_is_checked_before_simulating():
    acc = monet.accelerators.load("tpu-like")
    acc.dram.capacity_bytes = 0
    acc.core("tpu").memory("sram").size_bytes = -1
    with pytest.raises(monet.ConfigError) as err:
        monet.simulate(monet.workloads.resnet18(), acc)
    fields = {i["field"] for i in err.value.issues}
    assert fields == {"dram.capacity_bytes", "cores[0].memories[2].size_bytes"}
    assert "must be positive" in str(err.value)


def test_knob_errors():
    with pytest.raises(monet.MonetError, match=r"no core or core group 'gpu'.*tpu"):
        monet.accelerators.with_knobs("tpu-like", array={"gpu": 8})
    with pytest.raises(monet.MonetError, match="no memory 'l3'"):
        monet.accelerators.with_knobs("tpu-like", memory={"tpu.l3": "1 MiB"})
    with pytest.raises(monet.MonetError, match="GB/s"):
        monet.accelerators.with_knobs("tpu-like", dram_bandwidth="fast")


def test_unknown_preset():
    with pytest.raises(monet.MonetError, match="tpu-like"):
        monet.simulate(monet.workloads.resnet18(), "tpu-unlike")


def test_search_without_budget(tmp_path):
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    with pytest.raises(monet.MonetError):
        monet.search(e, problem="checkpoint-chain")  # no generations/evaluations/seconds


def test_search_knob_names_and_units_come_from_the_cpp_tables():
    from monet.search import _knob
    # Text values take the unit of their kind (codesign::knob_value_dimension), as in YAML.
    k = _knob({"kind": "memory", "core": "tpu", "memory": "l2", "values": ["64 KiB", 1024]})
    assert list(k.values) == [65536.0, 1024.0]
    bw = _knob({"kind": "dram_bandwidth", "values": ["25.6 GB/s"]})
    assert list(bw.values) == [25.6e9]
    # An unknown kind lists the table's names; an array knob takes no units.
    with pytest.raises(monet.MonetError, match=r"'cache'.*array, memory, dram_bandwidth"):
        _knob({"kind": "cache", "values": [1]})
    with pytest.raises(monet.MonetError, match="takes numbers"):
        _knob({"kind": "array", "core": "tpu", "values": ["32 KiB"]})


def test_plan_names_come_from_the_fusion_tables():
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    with pytest.raises(monet.MonetError, match=r"stack rule 'chunks'.*layer-by-layer, blocks, fixed, explicit"):
        e.plan.stacks = "chunks"
    with pytest.raises(monet.MonetError, match=r"allocation default 'slowest'.*fastest, follow"):
        e.plan.allocation_default = "slowest"
    with pytest.raises(monet.ConfigError, match=r"cim_written_fraction.*\(0, 1\]"):
        monet.simulate(monet.workloads.resnet18(), "cim-reram", cim_written_fraction=1.5)


def test_mode_names_come_from_the_fusion_table(tmp_path):
    e = monet.load_experiment(DEFAULT_EXPERIMENT)
    assert e.mode == "training"
    with pytest.raises(monet.MonetError, match=r"unknown mode 'train'.*training, inference, few-shot, generate"):
        e.mode = "train"
    with pytest.raises(monet.MonetError, match="needs its section"):
        e.mode = "generate"
    path = tmp_path / "bad_mode.yaml"
    path.write_text("name: m\nworkload: resnet18\nmode: train\naccelerator: edge-hetero\n")
    with pytest.raises(monet.ConfigError, match=r"bad_mode.yaml:3.*training, inference, few-shot, generate"):
        monet.load_experiment(str(path))

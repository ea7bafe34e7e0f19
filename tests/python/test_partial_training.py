"""Partial training and adapters from Python: the same hand-checked figures as the C++ tests
(ResNet-18 fc: 513,000 trainable parameters, 512,000 backward MACs, 2,048 saved bytes)."""

import monet
import pytest


def test_trainable_fc_matches_the_hand_count():
    step = monet.training.expand(monet.workloads.resnet18(), trainable="fc")
    assert step.trainable_parameters == 512 * 1000 + 1000
    assert step.parameters == 11_689_512
    assert step.trainable == "fc"
    assert step.memory["saved_activation_bytes"] == 512 * 4
    report = step.report(monet.training.options(trainable="fc"))
    assert report["totals"]["backward_macs"] == 512 * 1000


def test_trainable_accepts_a_list_and_policies():
    listed = monet.training.expand(monet.workloads.resnet18(), trainable=["layer4.1.*", "fc"])
    text = monet.training.expand(monet.workloads.resnet18(), trainable="layer4.1.*,fc")
    assert listed.trainable_parameters == text.trainable_parameters
    bias = monet.training.expand(monet.workloads.resnet18(), trainable="bias-only")
    # BatchNorm shifts of ResNet-18 (4,800 channels) and the fc bias.
    assert bias.trainable_parameters == 4800 + 1000


def test_lora_adapters_from_dicts():
    step = monet.training.expand(
        monet.workloads.resnet18(),
        adapters=[{"kind": "lora", "rank": 4, "alpha": 8, "targets": ["fc"]}])
    assert step.trainable_parameters == 4 * (512 + 1000)
    assert sorted(step.adapter_parameters) == ["fc.lora_A.weight", "fc.lora_B.weight"]
    assert step.trainable == "none (adapters only)"


def test_bad_trainable_and_adapters_raise_naming_the_field():
    with pytest.raises(monet.MonetError, match="matches no op"):
        monet.training.expand(monet.workloads.resnet18(), trainable="layer9.*")
    with pytest.raises(monet.MonetError, match="not a projection"):
        monet.training.expand(monet.workloads.resnet18(),
                              adapters=[{"kind": "lora", "targets": ["avgpool"]}])
    with pytest.raises(monet.MonetError, match="rank"):
        monet.training.options(adapters=[{"kind": "lora", "rank": 0, "targets": ["fc"]}])


def test_relu_masks_and_mixed_trainable_lists():
    # TinyTL's "bias" update with a trained classifier: BatchNorm shifts, fc bias and weight.
    step = monet.training.expand(monet.workloads.resnet18(), trainable="bias-only,fc")
    assert step.trainable_parameters == 4800 + 1000 + 512 * 1000
    # Kept: the fc input (fp32), relu2's 1-bit mask and conv2's input (relu1's output, fp32).
    feature_map = 512 * 7 * 7
    masked = monet.training.expand(monet.workloads.resnet18(), trainable="layer4.1.conv2,fc",
                                   relu_saves="mask", frozen_batchnorm="running-statistics")
    assert masked.memory["saved_activation_bytes"] == 512 * 4 + feature_map // 8 + feature_map * 4
    assert monet.training.options(relu_saves="mask").relu_saves == "mask"
    with pytest.raises(monet.MonetError, match="output, mask"):
        monet.training.options(relu_saves="bits")

"""The generation search from Python: the spec of the shipped example names the generate
problem, its genes and the generation objectives; fields of other problems are refused."""

import os

import pytest

import monet
from monet.search import search_spec

EXAMPLE = os.path.join(os.environ.get("MONET_SOURCE_DIR", "."),
                       "configs/experiments/search/tinyllama-1.1b-generate-search.yaml")


def test_spec_of_the_shipped_generate_search():
    s = search_spec(monet.load_experiment(EXAMPLE), max_tile_exponent=1)
    assert s.problem == "generate"
    assert s.genes == ["weights", "kv_cache", "fusion", "allocation"]
    assert s.objectives == ["ttft", "tpot", "energy_per_token", "peak_memory",
                            "weight_bits_lost", "kv_cache_bits_lost"]
    assert s.max_tile_exponent == 1  # the generate search's own, not the codesign one's


def test_training_and_codesign_fields_are_refused():
    e = monet.load_experiment(EXAMPLE)
    with pytest.raises(monet.MonetError, match="granularity"):
        monet.search(e, evaluations=8, population=4, granularity="activation")
    with pytest.raises(monet.MonetError, match="generation objectives"):
        monet.search(e, evaluations=8, population=4, objectives=["latency"])

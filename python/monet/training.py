"""Training-step expansion and activation checkpointing.

:func:`expand` turns a forward graph into a training step (loss, dX/dW backward, gradient
sums, recompute ops for a checkpoint plan, optimizer updates). The chain functions give the
exact (recompute cost, peak memory) front of checkpoint plans and their step-by-step model.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _monet
from ._monet import (Chain, ChainEvaluation, ChainPlan, CheckpointFront, FrontPoint,
                     TrainingOptions, TrainingStep)

__all__ = ["TrainingOptions", "TrainingStep", "options", "expand", "checkpoint_candidates",
           "Chain", "ChainPlan", "ChainEvaluation", "CheckpointFront", "FrontPoint",
           "extract_chain", "make_chain", "checkpoint_front", "evaluate_plan", "plan_from_genes",
           "plan_genes", "plan_str", "plan_gene_count", "to_checkpoint_plan", "sqrt_plan",
           "store_all_plan", "baselines", "best_within_budget", "front_json"]

Checkpoint = Union[str, Sequence[str]]


def options(optimizer: str = "sgd", loss: str = "auto", activation_bits: int = 0,
            weight_bits: int = 0, gradient_bits: int = 0, optimizer_state_bits: int = 0,
            checkpoint: Checkpoint = "none", trainable: Union[str, Sequence[str]] = "default",
            adapters: Optional[Sequence[Dict[str, Any]]] = None, frozen_weight_bits: int = 0,
            frozen_batchnorm: str = "batch-statistics",
            relu_saves: str = "output") -> TrainingOptions:
    """TrainingOptions from keywords. Element sizes 0 (the default) are the workload's own
    (the forward graph's parameter size: a 16-bit workload trains at 16 bit). checkpoint: "none", "all-but-inputs-of-blocks", "sqrt",
    "every:K", "drop:a,b" or a list of forward activation names to drop. trainable: "all",
    "none", "last:N", "bias-only", "norm-only" or op-name globs ("layer4.*,fc" or a list), which
    may include bias-only, norm-only and last:N ("bias-only,fc"). relu_saves: "output" or "mask"
    (1 bit per element).
    adapters: dicts such as {"kind": "lora", "rank": 8, "alpha": 16, "targets": ["*.qkv"]},
    {"kind": "da3", "targets": ["layer*"]}, {"kind": "lite-residual", "targets": ["layer*"]}
    (configs/experiments/README.md)."""
    o = TrainingOptions()
    o.optimizer = optimizer
    o.loss = loss
    o.activation_bits = activation_bits
    o.weight_bits = weight_bits
    o.gradient_bits = gradient_bits
    o.optimizer_state_bits = optimizer_state_bits
    o.checkpoint = checkpoint if isinstance(checkpoint, str) else list(checkpoint)
    o.trainable = trainable if isinstance(trainable, str) else list(trainable)
    o.frozen_weight_bits = frozen_weight_bits
    o.frozen_batchnorm = frozen_batchnorm
    o.relu_saves = relu_saves
    if adapters:
        o.adapters = json.dumps(list(adapters))  # JSON is YAML: one parser, one set of rules
    return o


def expand(forward: _monet.Graph, training_options: Optional[TrainingOptions] = None,
           **kwargs) -> TrainingStep:
    """Forward graph → training step. Pass a TrainingOptions, or the keywords of :func:`options`
    (optimizer="adam", activation_bits=16, checkpoint="sqrt", ...)."""
    if training_options is not None and kwargs:
        raise TypeError("give either a TrainingOptions or keywords, not both")
    return _monet.expand(forward, training_options if training_options is not None
                         else options(**kwargs))


def checkpoint_candidates(forward: _monet.Graph, **kwargs) -> List[str]:
    """Names of the forward activations a checkpoint plan may drop."""
    kwargs["checkpoint"] = "none"
    return _monet.checkpoint_candidates(expand(forward, **kwargs))


def extract_chain(forward: _monet.Graph, training_options: Optional[TrainingOptions] = None,
                  op_costs: Sequence[int] = (), cost_unit: str = "MACs", **kwargs) -> Chain:
    """The chain view of a forward graph (one element per block, one boundary tensor between
    neighbours) with sizes from the training step the options build."""
    opts = training_options if training_options is not None else options(**kwargs)
    return _monet.extract_chain(forward, opts, list(op_costs), cost_unit)


make_chain = _monet.make_chain
plan_genes = _monet.plan_genes
plan_str = _monet.plan_str
to_checkpoint_plan = _monet.to_checkpoint_plan
best_within_budget = _monet.best_within_budget


def checkpoint_front(chain: Chain, granularity: str = "block") -> CheckpointFront:
    """Exact Pareto front of (recompute cost, peak activation bytes), by dynamic programming."""
    return _monet.checkpoint_front(chain, granularity)


def plan_gene_count(chain: Chain, granularity: str = "block") -> int:
    return _monet.plan_gene_count(chain, granularity)


def plan_from_genes(chain: Chain, genes: Sequence[int], granularity: str = "block") -> ChainPlan:
    return _monet.plan_from_genes(chain, granularity, list(genes))


def evaluate_plan(chain: Chain, plan: Union[ChainPlan, Sequence[int]],
                  granularity: str = "block") -> ChainEvaluation:
    """Recompute cost and peak bytes of a plan (a ChainPlan or its genes)."""
    if not isinstance(plan, ChainPlan):
        plan = plan_from_genes(chain, plan, granularity)
    return _monet.evaluate_chain_plan(chain, plan)


def sqrt_plan(chain: Chain, granularity: str = "block") -> ChainPlan:
    """Chen et al. 2016: ceil(sqrt(n)) segments, every saved tensor dropped."""
    return _monet.sqrt_plan(chain, granularity)


def store_all_plan(chain: Chain, granularity: str = "block") -> ChainPlan:
    return _monet.store_all_plan(chain, granularity)


def baselines(chain: Chain, granularity: str = "block") -> list:
    """Store-all and √n plans with their evaluations."""
    return _monet.checkpoint_baselines(chain, granularity)


def front_json(chain: Chain, front: CheckpointFront, granularity: str = "block") -> dict:
    """The `monet-sim checkpoint-front` document (schema monet.checkpoint_front/1)."""
    return _monet.checkpoint_front_json(chain, granularity, front)

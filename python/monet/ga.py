"""The NSGA-II engine with Python-side evaluation (ask/tell), and Pareto helpers.

For the searches `monet-sim search` runs (co-design, checkpoint chains) use
:func:`monet.search`; this module is for problems written in Python::

    genes = [monet.ga.GeneGroup.uniform("bits", 20, 0, 1, "uniform", "bit_flip")]
    result = monet.ga.optimize(genes, lambda g: (sum(g), 20 - sum(g)), population=40,
                               generations=30)
"""

from __future__ import annotations

from typing import Callable, Iterable, List, Optional, Sequence, Union

import numpy as np

from ._monet import Evaluation, GaResult, GeneGroup, Nsga2, Nsga2Options, hypervolume

__all__ = ["Evaluation", "GaResult", "GeneGroup", "Nsga2", "Nsga2Options", "hypervolume",
           "optimize", "nondominated"]

Scored = Union[Evaluation, Sequence[float], tuple]


def _evaluation(value: Scored) -> Evaluation:
    if isinstance(value, Evaluation):
        return value
    if (isinstance(value, tuple) and len(value) == 2 and not np.isscalar(value[0])):
        return Evaluation([float(x) for x in value[0]], float(value[1]))
    return Evaluation([float(x) for x in value], 0.0)


def optimize(genes: Sequence[GeneGroup], evaluate: Callable[[List[int]], Scored], *,
             population: int = 64, generations: int = 0, evaluations: int = 0, seed: int = 1,
             seeds: Iterable[Sequence[int]] = (), reference_point: Sequence[float] = (),
             crossover_prob: float = 0.9, mutation_prob: Sequence[float] = (),
             on_generation: Optional[Callable[[Nsga2], Optional[bool]]] = None) -> GaResult:
    """Runs NSGA-II, scoring genomes with `evaluate(genome)`, which returns the minimised
    objectives, an Evaluation, or (objectives, violation). Stops at the first limit
    (generations, evaluations), when no new genome can be made, or when `on_generation`
    returns False. Deterministic for a seed."""
    options = Nsga2Options()
    options.population = population
    options.max_generations = generations
    options.max_evaluations = evaluations
    options.seed = seed
    options.reference_point = list(reference_point)
    options.crossover_prob = crossover_prob
    options.mutation_prob = list(mutation_prob)
    ga = Nsga2(list(genes), options)
    seed_list = [list(s) for s in seeds]
    if seed_list:
        ga.seed(seed_list)
    while True:
        batch = ga.ask()
        if not batch:
            break
        ga.tell([_evaluation(evaluate(g)) for g in batch])
        if on_generation is not None and on_generation(ga) is False:
            break
        if ga.budget_exhausted():
            break
    return ga.result()


def nondominated(points: Sequence[Sequence[float]]) -> np.ndarray:
    """Boolean mask of the points no other point dominates (all objectives minimised)."""
    p = np.asarray(points, dtype=float)
    if p.ndim != 2:
        raise ValueError("points must be a 2-D array (one row per point)")
    keep = np.ones(len(p), dtype=bool)
    for i in range(len(p)):
        dominated_by = np.all(p <= p[i], axis=1) & np.any(p < p[i], axis=1)
        keep[i] = not dominated_by.any()
    return keep

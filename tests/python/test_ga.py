"""The NSGA-II engine driven from Python, on problems whose optimum is known."""

import itertools

import numpy as np
import pytest

import monet


def test_hypervolume_of_a_hand_staircase():
    # Points (1,3), (2,2), (3,1) under reference (4,4): columns of width 1 and heights 1, 2, 3.
    assert monet.ga.hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]) == 6.0
    # One 3-D box: (4-1)*(4-2)*(4-3).
    assert monet.ga.hypervolume([[1, 2, 3]], [4, 4, 4]) == 6.0


def test_nondominated_mask():
    pts = [[1, 5], [2, 2], [3, 3], [5, 1], [2, 2]]
    assert monet.ga.nondominated(pts).tolist() == [True, True, False, True, True]


WEIGHTS = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82, 12, 17]
VALUES = [92, 57, 49, 68, 60, 43, 67, 84, 87, 72, 20, 31]


def knapsack(genome):
    # Minimise (weight, -value): the front of a bi-objective knapsack.
    w = sum(x * wi for x, wi in zip(genome, WEIGHTS))
    v = sum(x * vi for x, vi in zip(genome, VALUES))
    return [float(w), float(-v)]


def test_ga_approaches_the_brute_force_knapsack_front():
    every = np.array([knapsack(g) for g in itertools.product([0, 1], repeat=len(WEIGHTS))])
    exact = every[monet.ga.nondominated(every)]
    ref = [float(sum(WEIGHTS)) + 1, 1.0]
    genes = [monet.ga.GeneGroup.uniform("take", len(WEIGHTS), 0, 1, "uniform", "bit_flip")]
    result = monet.ga.optimize(genes, knapsack, population=40, generations=60, seed=2,
                               reference_point=ref)
    found = np.array([ind.evaluation.objectives for ind in result.front])
    # Every GA point is an achievable point, so it cannot beat the exact front.
    for p in found:
        assert np.all(exact <= p, axis=1).any()
    ratio = monet.ga.hypervolume(found.tolist(), ref) / monet.ga.hypervolume(exact.tolist(), ref)
    assert 0.97 <= ratio <= 1.0
    again = monet.ga.optimize(genes, knapsack, population=40, generations=60, seed=2,
                              reference_point=ref)
    assert [i.genome for i in again.front] == [i.genome for i in result.front]


def test_constraint_violation_ranks_infeasible_last():
    genes = [monet.ga.GeneGroup.uniform("x", 6, 0, 1, "uniform", "bit_flip")]

    def capped(g):  # at most 3 ones allowed
        return ([float(-sum(g)), float(sum(g))], max(0.0, sum(g) - 3.0))

    result = monet.ga.optimize(genes, capped, population=16, generations=20, seed=1)
    assert all(ind.evaluation.feasible for ind in result.front)
    assert max(sum(ind.genome) for ind in result.front) == 3


def test_bad_gene_groups_raise():
    group = monet.ga.GeneGroup("g", [0, 0], [1], "uniform", "reset")  # bounds of 2 and 1 genes
    with pytest.raises(monet.MonetError, match="g"):
        monet.ga.Nsga2([group], monet.ga.Nsga2Options())
    with pytest.raises(monet.MonetError, match="mutation"):
        monet.ga.GeneGroup.uniform("g", 3, 0, 1, "uniform", "teleport")

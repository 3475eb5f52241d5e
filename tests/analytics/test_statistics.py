"""The statistics of the analysis pages against hand-computed and textbook cases (pure: no database)."""

import math

import numpy as np
import pytest
from scipy.stats import pearsonr

from kaohe.analytics.stats.correlation import pearson, spearman
from kaohe.analytics.stats.dea import ccr_input
from kaohe.analytics.stats.kmeans import kmeans
from kaohe.analytics.stats.leniency import RaterMean, leniency
from kaohe.analytics.stats.mutual import PairAggregate, cliques, mutual_high_scoring


def test_pearson_matches_the_hand_computed_coefficient_and_ignores_missing_pairs():
    # dx = (-2,-1,0,1,2), dy = (-2,0,1,0,1): Σdxdy = 6, Σdx² = 10, Σdy² = 6 → r = 6/√60
    result = pearson(np.array([1, 2, 3, 4, 5, 6.0]), np.array([2, 4, 5, 4, 5, np.nan]))

    assert result.n == 5
    assert result.r == pytest.approx(6 / math.sqrt(60), abs=1e-12)
    assert result.p == pytest.approx(pearsonr([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]).pvalue, abs=1e-12)


def test_spearman_gives_ties_their_average_rank():
    # ranks of y = (1, 2.5, 4.5, 2.5, 4.5): Σdx·dr = 7, Σdr² = 9 → r = 7/√90
    result = spearman(np.array([1, 2, 3, 4, 5.0]), np.array([2, 4, 5, 4, 5.0]))

    assert result.r == pytest.approx(7 / math.sqrt(90), abs=1e-12)


def test_a_correlation_with_a_constant_variable_is_undefined():
    result = pearson(np.array([1, 2, 3.0]), np.array([5, 5, 5.0]))

    assert math.isnan(result.r)


def test_leniency_is_the_z_score_of_a_raters_mean_against_the_units_rater_means():
    # unit 1: means 80, 82, 84, 98 → mean 86, population sd √50; unit 2 has too few raters
    raters = [RaterMean("甲", 1, 80, 4), RaterMean("乙", 1, 82, 4), RaterMean("丙", 1, 84, 4),
              RaterMean("丁", 1, 98, 4), RaterMean("戊", 2, 90, 4), RaterMean("己", 2, 70, 4)]

    found = {r.rater: r for r in leniency(raters)}

    assert found["丁"].z == pytest.approx(12 / math.sqrt(50), abs=1e-12)
    assert found["甲"].z == pytest.approx(-6 / math.sqrt(50), abs=1e-12)
    assert found["丁"].verdict == "lenient"
    assert found["甲"].verdict == "typical"
    assert found["丁"].unit_mean == 86
    assert math.isnan(found["戊"].z)
    assert found["戊"].verdict == "undetermined"


PAIRS = [
    PairAggregate("A", "B", 10, 950), PairAggregate("B", "A", 8, 752), PairAggregate("A", "C", 10, 800),
    PairAggregate("B", "C", 5, 400), PairAggregate("C", "A", 6, 480), PairAggregate("C", "B", 6, 486),
    PairAggregate("D", "A", 3, 297), PairAggregate("A", "A", 6, 552),
]


def test_mutual_high_scoring_flags_a_pair_that_exceeds_both_norms_both_ways():
    report = mutual_high_scoring(PAIRS, threshold=5)

    assert [(f.a, f.b) for f in report.mutual] == [("A", "B")]
    flag = report.mutual[0]
    # A→B 95 against A's other giving (800+552)/16 = 84.5 and B's other receiving 486/6 = 81
    assert flag.a_to_b.excess == pytest.approx(10.5, abs=1e-12)
    # B→A 94 against B's other giving 80 and A's other receiving (480+552)/12 = 86
    assert flag.b_to_a.excess == pytest.approx(8.0, abs=1e-12)
    assert flag.strength == pytest.approx(8.0, abs=1e-12)
    assert report.overall_mean == pytest.approx(4420 / 51, abs=1e-12)


def test_mutual_high_scoring_leaves_out_groups_below_the_anonymity_minimum():
    report = mutual_high_scoring(PAIRS, threshold=5)

    assert report.left_out == 1
    assert all(e.rater != "D" for e in report.excesses)


def test_in_group_inflation_is_measured_against_the_groups_other_giving_and_receiving():
    # A→A 92 against A's giving to others (950+800)/20 = 87.5 and A's receiving from others (752+480)/14 = 88
    report = mutual_high_scoring(PAIRS, threshold=3)
    strict = mutual_high_scoring(PAIRS, threshold=5)

    assert [(e.rater, round(e.excess, 10)) for e in report.in_group] == [("A", 4.0)]
    assert strict.in_group == []


def test_cliques_are_the_maximal_sets_of_three_or_more_mutually_flagged_groups():
    assert cliques({("A", "B"), ("A", "C"), ("B", "C"), ("C", "D"), ("D", "E")}) == [("A", "B", "C")]


def test_dea_single_input_single_output_matches_cooper_seiford_tone_table_1_1():
    # Cooper, Seiford & Tone, Data Envelopment Analysis (2nd ed., Springer 2007), Table 1.1: eight branch
    # stores, employees → sales; with one input and one output the CCR efficiency is (y/x) / max(y/x).
    employees = np.array([2, 3, 3, 4, 5, 5, 6, 8.0])
    sales = np.array([1, 3, 2, 3, 4, 2, 3, 5.0])

    result = ccr_input(employees[:, None], sales[:, None])

    assert result.efficiency == pytest.approx([0.5, 1, 2 / 3, 0.75, 0.8, 0.4, 0.5, 0.625], abs=1e-9)
    assert result.peers[0] == {1: pytest.approx(1 / 3, abs=1e-6)}


def test_dea_two_inputs_one_output_matches_the_published_ccr_efficiencies():
    # DataEnvelopmentAnalysis.jl documentation, "Radial Models" (Barbero & Zofío): 11 units, two inputs,
    # one output, input-oriented, constant returns to scale.
    x = np.array([[5, 13], [16, 12], [16, 26], [17, 15], [18, 14], [23, 6], [25, 10], [27, 22], [37, 14],
                  [42, 25], [5, 17]], dtype=float)
    y = np.array([12, 14, 25, 26, 8, 9, 27, 30, 31, 26, 12], dtype=float)

    result = ccr_input(x, y[:, None])

    assert result.efficiency == pytest.approx(
        [1.0, 0.62229, 0.819856, 1.0, 0.310371, 0.555556, 1.0, 0.757669, 0.820106, 0.490566, 1.0], abs=1e-6)


def test_dea_refuses_non_positive_inputs():
    with pytest.raises(ValueError, match="positive"):
        ccr_input(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]]))


def test_kmeans_finds_three_obvious_groups_deterministically():
    points = np.array([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [0, 10], [1, 10], [0, 11]], dtype=float)

    first = kmeans(points, 3, seed=7)
    again = kmeans(points, 3, seed=7)

    assert first.labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert np.array_equal(first.labels, again.labels)
    assert first.centres == pytest.approx(np.array([[1 / 3, 1 / 3], [31 / 3, 31 / 3], [1 / 3, 31 / 3]]), abs=1e-12)


def test_kmeans_refuses_missing_values():
    with pytest.raises(ValueError, match="value for every feature"):
        kmeans(np.array([[1.0], [np.nan]]), 1)

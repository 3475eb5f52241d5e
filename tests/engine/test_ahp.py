"""AHP weights and consistency (DOMAIN.md "Analysis": AHP with consistency ratio < 0.1)."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from kaohe.engine.ahp import AhpResult, ahp_weights, largest_remainder_percentages
from kaohe.engine.problems import Problem

# T. L. Saaty, "How to make a decision: The Analytic Hierarchy Process", European Journal of
# Operational Research 48 (1990) 9-26: the house-buying example, eight criteria (size of house,
# transportation, neighbourhood, age, yard, modern facilities, general condition, financing).
# Published priorities .173 .054 .188 .018 .031 .036 .167 .333; λmax = 9.669, CI = 0.238, CR = 0.169.
SAATY_HOUSE = """
1   5   3   7 6   6   1/3 1/4
1/5 1   1/3 5 3   3   1/5 1/7
1/3 3   1   6 3   4   6   1/5
1/7 1/5 1/6 1 1/3 1/4 1/7 1/8
1/6 1/3 1/3 3 1   1/2 1/5 1/6
1/6 1/3 1/4 4 2   1   1/5 1/6
3   5   1/6 7 5   5   1   1/2
4   7   5   8 6   6   2   1
"""


def parse(text):
    return [[float(Fraction(cell)) for cell in line.split()] for line in text.strip().splitlines()]


def test_saatys_house_example_gives_the_published_weights_and_consistency():
    result = ahp_weights(parse(SAATY_HOUSE))
    assert isinstance(result, AhpResult)
    assert [round(w, 3) for w in result.weights] == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(result.lambda_max, 3) == 9.669
    assert round(result.consistency_index, 3) == 0.238
    assert round(result.consistency_ratio, 3) == 0.169
    assert result.acceptable is False


def test_saatys_house_example_percentages_sum_to_exactly_one_hundred():
    result = ahp_weights(parse(SAATY_HOUSE))
    assert isinstance(result, AhpResult)
    # 17.3017 5.3976 18.8110 1.7508 3.1044 3.6322 16.6834 33.3189: floors sum to 99.97, and the three
    # leftover hundredths go to the largest remainders (33.31|89, 5.39|76, 3.10|44).
    assert result.percentages == tuple(
        D(p) for p in ["17.30", "5.40", "18.81", "1.75", "3.11", "3.63", "16.68", "33.32"]
    )
    assert sum(result.percentages) == D(100)


def test_a_perfectly_consistent_matrix_recovers_its_weights_with_zero_inconsistency():
    weights = [0.5, 0.3, 0.2]
    matrix = [[a / b for b in weights] for a in weights]
    result = ahp_weights(matrix)
    assert isinstance(result, AhpResult)
    assert [round(w, 9) for w in result.weights] == weights
    assert result.percentages == (D("50.00"), D("30.00"), D("20.00"))
    assert round(result.consistency_ratio, 9) == 0
    assert result.acceptable is True


def test_a_two_by_two_matrix_is_always_consistent():
    result = ahp_weights([[1, 3], [1 / 3, 1]])
    assert isinstance(result, AhpResult)
    assert result.percentages == (D("75.00"), D("25.00"))
    assert result.consistency_ratio == 0


def test_three_equal_thirds_hand_the_leftover_hundredth_to_the_first_position():
    assert largest_remainder_percentages([1, 1, 1]) == (D("33.34"), D("33.33"), D("33.33"))


@pytest.mark.parametrize(
    ("_case", "matrix", "expected"),
    [
        ("not square", [[1, 2], [0.5]], [Problem("matrix_not_square", "matrix", {"rows": 2})]),
        (
            "too small",
            [[1]],
            [Problem("matrix_size_out_of_range", "matrix", {"size": 1, "minimum": 2, "maximum": 10})],
        ),
        (
            "too large",
            [[1] * 11 for _ in range(11)],
            [Problem("matrix_size_out_of_range", "matrix", {"size": 11, "minimum": 2, "maximum": 10})],
        ),
        (
            "a non-positive entry",
            [[1, 0], [0, 1]],
            [
                Problem("matrix_entry_not_positive", "matrix[0][1]", {"row": 0, "column": 1}),
                Problem("matrix_entry_not_positive", "matrix[1][0]", {"row": 1, "column": 0}),
            ],
        ),
        (
            "not reciprocal",
            [[1, 2], [2, 1]],
            [Problem("matrix_not_reciprocal", "matrix[1][0]", {"row": 1, "column": 0})],
        ),
        (
            "a diagonal other than 1",
            [[2, 1], [1, 1]],
            [Problem("matrix_not_reciprocal", "matrix[0][0]", {"row": 0, "column": 0})],
        ),
    ],
)
def test_an_invalid_matrix_is_returned_as_problems(_case, matrix, expected):
    assert ahp_weights(matrix) == expected


def test_reciprocals_are_accepted_within_one_millionth():
    assert isinstance(ahp_weights([[1, 3], [0.3333334, 1]]), AhpResult)

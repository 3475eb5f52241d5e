"""Scoring rules: formulas, NaN handling, validation problems and parsing (DOMAIN.md "Indicators")."""

from decimal import Decimal as D

import numpy as np
import pytest

from kaohe.engine.problems import Problem
from kaohe.engine.rules import (
    Band,
    Bands,
    CappedBonus,
    DeductBelow,
    LowerBetter,
    Ratio,
    Rubric,
    Veto,
    rule_from_dict,
)

SATISFACTION_BANDS = Bands(
    D(0), D(100), (Band(D(0), D(80), D(60)), Band(D(80), D(90), D(85)), Band(D(90), D(100), D(100)))
)
QUARTER_RUBRIC = Rubric(("好", "较好", "一般", "较差"), (D(100), D(85), D(70), D(50)))


def scores(rule, values):
    return rule.score(np.array(values, dtype=np.float64)).tolist()


@pytest.mark.parametrize(
    ("_case", "rule", "values", "expected"),
    [
        ("ratio scales to the target and caps at 100", Ratio(D(95)), [0, 47.5, 95, 120], [0, 50, 100, 100]),
        ("ratio rounds half up to cents", Ratio(D(3)), [1, 2], [33.33, 66.67]),
        ("ratio never goes below zero", Ratio(D(10)), [-5], [0]),
        ("deduct_below costs k points per point short", DeductBelow(D(95), D(2)), [95, 99, 90, 0], [100, 100, 90, 0]),
        ("lower_better deducts k per unit", LowerBetter(D(10)), [0, 2.5, 11, -1], [100, 75, 0, 100]),
        (
            "bands look up lower-inclusive ranges",
            SATISFACTION_BANDS,
            [79.99, 80, 89.99, 90, 100],
            [60, 85, 85, 100, 100],
        ),
        ("bands clamp values outside the range", SATISFACTION_BANDS, [-3, 130], [60, 100]),
        ("rubric maps level indexes", QUARTER_RUBRIC, [0, 1, 2, 3], [100, 85, 70, 50]),
        ("capped bonus adds per item up to the cap", CappedBonus(D(2), D(5)), [0, 1, 2, 3, -1], [0, 2, 4, 5, 0]),
    ],
)
def test_each_rule_maps_raw_values_to_its_formula(_case, rule, values, expected):
    assert scores(rule, values) == expected


@pytest.mark.parametrize(
    "rule",
    [
        Ratio(D(95)),
        DeductBelow(D(95), D(2)),
        LowerBetter(D(1)),
        SATISFACTION_BANDS,
        QUARTER_RUBRIC,
        CappedBonus(D(1), D(3)),
    ],
)
def test_a_missing_value_scores_as_missing_in_both_paths(rule):
    assert np.isnan(rule.score(np.array([np.nan]))[0])
    assert rule.score_one(None) is None


@pytest.mark.parametrize(
    ("_case", "rule", "value", "expected"),
    [
        ("ratio", Ratio(D(3)), D(2), D("66.67")),
        ("deduct_below with a half cent", DeductBelow(D(1), D("1.5")), D("0.67"), D("99.51")),
        ("lower_better", LowerBetter(D("0.5")), D(7), D("96.50")),
        ("bands at the top edge", SATISFACTION_BANDS, D(100), D(100)),
        ("rubric", QUARTER_RUBRIC, D(2), D(70)),
        ("capped bonus", CappedBonus(D("1.5"), D(4)), D(3), D("4.00")),
    ],
)
def test_the_decimal_path_gives_the_same_cents_as_the_vectorised_path(_case, rule, value, expected):
    assert rule.score_one(value) == expected
    assert scores(rule, [float(value)]) == [float(expected)]


def test_rubric_treats_minus_one_fractions_and_out_of_range_indexes_as_missing():
    assert np.isnan(scores(QUARTER_RUBRIC, [-1, 1.5, 4])).all()
    assert QUARTER_RUBRIC.score_one(D(-1)) is None
    assert QUARTER_RUBRIC.score_one(D("1.5")) is None


def test_rubric_scores_a_level_by_its_name():
    assert QUARTER_RUBRIC.score_level("较好") == D(85)
    assert QUARTER_RUBRIC.score_level("优秀") is None


def test_veto_scores_no_points_but_triggers_on_any_true_value():
    veto = Veto()
    assert np.isnan(scores(veto, [0, 1])).all()
    assert veto.triggered(np.array([0, 1, np.nan, 2])).tolist() == [False, True, False, True]
    assert veto.triggered_one(D(1)) is True
    assert veto.triggered_one(D(0)) is False
    assert veto.triggered_one(None) is False


@pytest.mark.parametrize(
    ("_case", "rule", "expected"),
    [
        ("ratio needs a positive target", Ratio(D(0)), [Problem("target_not_positive", "target", {"target": D(0)})]),
        ("k must not be negative", LowerBetter(D(-1)), [Problem("k_negative", "k", {"k": D(-1)})]),
        (
            "deduct_below checks both",
            DeductBelow(D(-5), D(-2)),
            [Problem("target_not_positive", "target", {"target": D(-5)}), Problem("k_negative", "k", {"k": D(-2)})],
        ),
        (
            "capped bonus needs a positive item and a cap up to 100",
            CappedBonus(D(0), D(101)),
            [
                Problem("per_item_not_positive", "per_item", {"per_item": D(0)}),
                Problem("cap_out_of_range", "cap", {"cap": D(101)}),
            ],
        ),
        (
            "rubric scores stay within 0-100",
            Rubric(("好", "好", " "), (D(100), D(120), D(50))),
            [
                Problem("rubric_level_duplicate", "levels[1]", {"level": "好"}),
                Problem("score_out_of_range", "levels[1].score", {"score": D(120)}),
                Problem("rubric_level_blank", "levels[2]", {}),
            ],
        ),
        ("a rubric needs levels", Rubric((), ()), [Problem("rubric_empty", "levels", {})]),
    ],
)
def test_rule_validation_reports_each_problem_with_its_field(_case, rule, expected):
    assert rule.validate() == expected


def test_valid_rules_have_no_problems():
    for rule in (Ratio(D(1)), DeductBelow(D(95), D(0)), LowerBetter(D(0)), SATISFACTION_BANDS, QUARTER_RUBRIC, Veto()):
        assert rule.validate() == []


def bands(*triples, minimum=0, maximum=100):
    return Bands(D(minimum), D(maximum), tuple(Band(D(lo), D(hi), D(s)) for lo, hi, s in triples))


@pytest.mark.parametrize(
    ("_case", "rule", "expected"),
    [
        (
            "a gap between two bands",
            bands((0, 80, 60), (85, 100, 100)),
            [Problem("bands_gap", "bands[1]", {"at": D(80), "until": D(85)})],
        ),
        (
            "an overlap between two bands",
            bands((0, 85, 60), (80, 100, 100)),
            [Problem("bands_overlap", "bands[1]", {"at": D(80), "until": D(85)})],
        ),
        (
            "the range's start is not covered",
            bands((10, 100, 60)),
            [Problem("bands_gap", "bands[0]", {"at": D(0), "until": D(10)})],
        ),
        (
            "the range's end is not covered",
            bands((0, 90, 60)),
            [Problem("bands_gap", "bands", {"at": D(90), "until": D(100)})],
        ),
        (
            "a band hangs over the range",
            bands((0, 50, 60), (50, 120, 100)),
            [Problem("band_outside_range", "bands[1]", {"lower": D(50), "upper": D(120)})],
        ),
        ("an empty band", bands((0, 0, 60)), [Problem("band_empty", "bands[0]", {"lower": D(0), "upper": D(0)})]),
        (
            "an empty range",
            bands((0, 1, 60), maximum=0),
            [Problem("range_empty", "maximum", {"minimum": D(0), "maximum": D(0)})],
        ),
        ("no bands at all", bands(), [Problem("bands_empty", "bands", {})]),
    ],
)
def test_bands_must_tile_the_declared_range(_case, rule, expected):
    assert rule.validate() == expected


def test_bands_listed_out_of_order_are_sorted_for_validation_and_lookup():
    rule = bands((90, 100, 100), (0, 90, 50))
    assert rule.validate() == []
    assert scores(rule, [89.99, 90]) == [50, 100]
    assert rule.score_one(D("89.99")) == D(50)


@pytest.mark.parametrize(
    ("_case", "kind", "params", "expected"),
    [
        ("ratio from a string", "ratio", {"target": "95"}, Ratio(D(95))),
        ("ratio from a float", "ratio", {"target": 0.1}, Ratio(D("0.1"))),
        ("deduct_below", "deduct_below", {"target": 95, "k": "2"}, DeductBelow(D(95), D(2))),
        ("lower_better", "lower_better", {"k": 10}, LowerBetter(D(10))),
        ("capped bonus", "capped_bonus", {"per_item": 1, "cap": 5}, CappedBonus(D(1), D(5))),
        ("veto", "veto", {}, Veto()),
        (
            "bands as triples",
            "bands",
            {"minimum": 0, "maximum": 100, "bands": [[0, 80, 60], [80, 90, 85], [90, 100, 100]]},
            SATISFACTION_BANDS,
        ),
        ("rubric as a mapping", "rubric", {"levels": {"好": 100, "较好": 85, "一般": 70, "较差": 50}}, QUARTER_RUBRIC),
        (
            "rubric as pairs",
            "rubric",
            {"levels": [["好", 100], ["较好", 85], ["一般", 70], ["较差", 50]]},
            QUARTER_RUBRIC,
        ),
    ],
)
def test_rule_from_dict_parses_stored_parameters(_case, kind, params, expected):
    assert rule_from_dict(kind, params) == expected


@pytest.mark.parametrize("rule", [Ratio(D(95)), DeductBelow(D(95), D(2)), SATISFACTION_BANDS, QUARTER_RUBRIC, Veto()])
def test_a_rule_survives_a_round_trip_through_its_stored_form(rule):
    assert rule_from_dict(rule.kind, rule.to_dict()) == rule


@pytest.mark.parametrize(
    ("_case", "kind", "params", "expected"),
    [
        ("unknown kind", "sqrt", {}, [Problem("rule_kind_unknown", "kind", {"kind": "sqrt"})]),
        ("missing parameter", "ratio", {}, [Problem("param_missing", "target", {"name": "target"})]),
        (
            "non-numeric parameter",
            "ratio",
            {"target": "lots"},
            [Problem("param_not_numeric", "target", {"name": "target", "value": "lots"})],
        ),
        (
            "booleans are not numbers",
            "lower_better",
            {"k": True},
            [Problem("param_not_numeric", "k", {"name": "k", "value": "True"})],
        ),
        (
            "infinity is not a number",
            "ratio",
            {"target": "inf"},
            [Problem("param_not_numeric", "target", {"name": "target", "value": "inf"})],
        ),
        ("unknown parameter", "veto", {"k": 1}, [Problem("param_unknown", "k", {"name": "k"})]),
        (
            "malformed bands",
            "bands",
            {"minimum": 0, "maximum": 1, "bands": 5},
            [Problem("param_malformed", "bands", {"name": "bands"})],
        ),
        (
            "a malformed band",
            "bands",
            {"minimum": 0, "maximum": 1, "bands": [[0, 1]]},
            [Problem("param_malformed", "bands[0]", {"name": "bands"})],
        ),
        (
            "a non-numeric band bound",
            "bands",
            {"minimum": 0, "maximum": 1, "bands": [{"lower": 0, "upper": "x", "score": 1}]},
            [Problem("param_not_numeric", "bands[0].upper", {"name": "upper", "value": "x"})],
        ),
        ("malformed rubric", "rubric", {"levels": "好"}, [Problem("param_malformed", "levels", {"name": "levels"})]),
        ("semantic problems too", "ratio", {"target": 0}, [Problem("target_not_positive", "target", {"target": D(0)})]),
    ],
)
def test_rule_from_dict_returns_problems_never_exceptions(_case, kind, params, expected):
    assert rule_from_dict(kind, params) == expected

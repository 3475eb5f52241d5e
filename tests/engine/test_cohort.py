"""Cohort column checks: dtypes, shapes against the scheme, ranges, duplicates."""

import numpy as np

from kaohe.engine.problems import Problem
from tests.engine.builders import cohort, scheme


def test_a_well_formed_cohort_has_no_problems():
    s = scheme("plan")
    assert cohort(s, 3).validate_shapes(s) == []


def test_a_column_of_the_wrong_type_is_reported():
    s = scheme()
    c = cohort(s, 2)
    broken = c.__class__(**{**c.__dict__, "veto": np.zeros(2)})
    assert broken.validate_shapes(s) == [
        Problem("column_dtype", "veto", {"column": "veto", "expected": "b", "actual": "f"})
    ]


def test_columns_must_match_the_schemes_indicators_and_rater_roles():
    s = scheme("plan")
    c = cohort(s, 2, values=np.zeros((2, 4)))
    assert [(p.code, p.field, p.params["expected"]) for p in c.validate_shapes(s)] == [
        ("column_shape", "values", "(2, 5)")
    ]


def test_out_of_range_codes_duplicates_and_negative_raises_are_reported():
    s = scheme()
    c = cohort(s, 2, person_ids=[7, 7], quarter_grades=[[0, 0, 0, 5], [0, 0, 0, 0]], quota_raises={(1, 0): -1})
    assert [p.code for p in c.validate_shapes(s)] == [
        "person_ids_duplicate",
        "column_out_of_range",
        "quota_raise_negative",
    ]


def test_working_days_must_be_positive():
    s = scheme()
    assert [p.code for p in cohort(s, 1, working_days=0).validate_shapes(s)] == ["working_days_not_positive"]

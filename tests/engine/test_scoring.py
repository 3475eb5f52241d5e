"""Score stages on small cohorts: 360° raters, dimensions, bonus, composite, bonus factors (DOMAIN.md "Scoring")."""

from decimal import Decimal as D

import numpy as np

from kaohe.engine.codes import DIMENSIONS
from kaohe.engine.rules import CappedBonus, DeductBelow, Ratio, Veto
from kaohe.engine.scoring import CohortResult, score_cohort
from tests.engine.builders import cohort, indicator, one_per_dimension, scheme, scores_column


def run(s, c):
    result = score_cohort(s, c)
    assert isinstance(result, CohortResult), result
    return result


def test_a_rater_role_with_five_ballots_drops_its_highest_and_lowest():
    s = scheme("statutory")  # superior 50 · peer 50
    c = cohort(
        s,
        2,
        # person 1: superior one ballot 90; peers 60, 80, 80, 80, 100 → (400 − 100 − 60) / 3 = 80
        # person 2: peers 4 ballots (below 5: plain mean), no superior → weights renormalised to peers
        rater_sum=[[90, 400], [0, 300]],
        rater_count=[[1, 5], [0, 4]],
        rater_min=[[90, 60], [0, 60]],
        rater_max=[[90, 100], [0, 90]],
    )
    assert run(s, c).scores.rater_score.tolist() == [85.0, 75.0]


def test_a_rater_form_indicator_takes_the_360_score_instead_of_its_value():
    indicators = (indicator("PEER", "de", 100, source="rater_form"), *one_per_dimension()[1:])
    s = scheme("plan", indicators=indicators)  # superior 30 · peer 20 · public 30 · recipient 20
    c = cohort(
        s,
        1,
        values=scores_column([100]),
        rater_sum=[[80, 70, 0, 0]],
        rater_count=[[1, 1, 0, 0]],
        rater_min=[[80, 70, 0, 0]],
        rater_max=[[80, 70, 0, 0]],
    )
    result = run(s, c)
    assert result.scores.rater_score.tolist() == [76.0]  # (30 × 80 + 20 × 70) / 50
    assert result.scores.indicator_scores[0, 0] == 76.0  # the indicator scores the 360° score, not its own value
    assert result.scores.dimension_scores[0].tolist() == [76.0, 100.0, 100.0, 100.0, 100.0]


def test_a_missing_indicator_spreads_its_weight_inside_its_dimension_and_is_flagged():
    indicators = (
        indicator("A", "ji", 60),
        indicator("B", "ji", 40, DeductBelow(D(95), D(2))),
        *(spec for spec in one_per_dimension() if spec.dimension != "ji"),
    )
    s = scheme(indicators=indicators)
    values = np.array([[80, 90, 100, 100, 100, 100], [np.nan, 90, 100, 100, 100, 100]])
    result = run(s, cohort(s, 2, values=values))
    ji = DIMENSIONS.index("ji")
    assert result.scores.indicator_scores[:, :2].tolist()[0] == [80.0, 90.0]
    assert result.scores.dimension_scores[:, ji].tolist() == [84.0, 90.0]  # 0.6 × 80 + 0.4 × 90; then 90 alone
    assert result.scores.dimension_reweighted[:, ji].tolist() == [False, True]
    assert result.scores.indicator_missing[1].tolist() == [True, False, False, False, False, False]


def test_a_dimension_without_data_spreads_its_weight_over_the_other_dimensions():
    s = scheme()  # 德 20 · 能 15 · 勤 15 · 绩 40 · 廉 10
    values = np.array([[np.nan, 80, 80, 80, 80]])
    result = run(s, cohort(s, 1, values=values))
    assert result.scores.annual.tolist() == [80.0]
    assert result.scores.annual_reweighted.tolist() == [True]


def test_bonus_points_are_added_to_the_annual_score_and_capped_at_one_hundred():
    indicators = (*one_per_dimension(), indicator("INNOVATION", "ji", 0, CappedBonus(D(2), D(5))))
    s = scheme(indicators=indicators)
    values = np.array([[90, 90, 90, 90, 90, 1], [90, 90, 90, 90, 90, 9], [98, 98, 98, 98, 98, 9]])
    result = run(s, cohort(s, 3, values=values))
    assert result.scores.bonus_points.tolist() == [2.0, 5.0, 5.0]
    assert result.scores.annual_base.tolist() == [90.0, 90.0, 98.0]
    assert result.scores.annual.tolist() == [92.0, 95.0, 100.0]


def test_a_veto_indicator_scores_nothing_and_forces_incompetent():
    indicators = (*one_per_dimension(), indicator("CLEAN", "lian", 0, Veto()))
    s = scheme(indicators=indicators)
    values = np.array([[100, 100, 100, 100, 100, 1], [100, 100, 100, 100, 100, 0]])
    result = run(s, cohort(s, 2, values=values))
    assert result.scores.veto_triggered.tolist() == [True, False]
    assert result.grading.grade.tolist() == [4, 2]  # quota floor(0.2 × 2) = 0, so the other is 称职
    assert np.isnan(result.scores.indicator_scores[:, 5]).all()


def test_the_statutory_bonus_is_one_month_for_excellent_and_competent_only():
    s = scheme()
    result = run(s, cohort(s, 4, values=scores_column([80, 80, 65, 50]), difficulty=[1.5] * 4))
    assert result.bonus_factor.tolist() == [1.0, 1.0, 0.0, 0.0]


def test_the_local_bonus_multiplies_the_grade_coefficient_by_difficulty():
    s = scheme("plan")
    quarters = [[1, 1, 1, 1], [3, 3, 3, 3], [4, 4, 4, 4]]
    c = cohort(
        s,
        3,
        values=scores_column([80, 65, 50]),
        special_scores=[80.0, 65.0, 50.0],
        quarter_grades=quarters,
        difficulty=[1.35, 1.2, 0.8],
    )
    result = run(s, c)
    assert result.scores.composite.tolist() == [88.0, 67.0, 50.0]  # 平时 40 · 年度 50 · 专项 10
    assert result.grading.grade.tolist() == [2, 3, 4]
    assert result.bonus_factor.tolist() == [1.35, 0.96, 0.0]


def test_the_weakest_dimension_is_the_lowest_weighted_score_with_ties_to_the_earlier():
    s = scheme()
    values = np.array([[90, 80, 70, 95, 99], [80, 80, 90, 90, 90], [np.nan] * 5])
    assert run(s, cohort(s, 3, values=values)).weakest_dimension.tolist() == [2, 0, -1]


def test_an_invalid_scheme_or_cohort_comes_back_as_problems():
    s = scheme(indicators=(indicator("A", "ji", 50), *one_per_dimension()[:3], one_per_dimension()[4]))
    assert [p.code for p in score_cohort(s, cohort(s, 1))] == ["indicator_weights_sum"]
    good = scheme()
    c = cohort(good, 2, values=np.zeros((2, 3)))
    assert [(p.code, p.field) for p in score_cohort(good, c)] == [("column_shape", "values")]


def test_scores_are_rounded_half_up_to_cents_at_every_stage():
    s = scheme(indicators=tuple(indicator(d.upper(), d, 100, Ratio(D(3))) for d in DIMENSIONS))
    result = run(s, cohort(s, 1, values=scores_column([2])))
    assert result.scores.indicator_scores.tolist() == [[66.67] * 5]
    assert result.scores.composite.tolist() == [66.67]

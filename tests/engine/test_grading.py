"""Grade proposals on small cohorts: quotas, vetoes, gates, non-grade codes, ties (DOMAIN.md "Grades")."""

from decimal import Decimal as D

import numpy as np
import pytest

from kaohe.engine.codes import Gate, Grade, NonGrade, TieBreak
from kaohe.engine.scheme import Composition, Quota
from kaohe.engine.scoring import CohortResult, score_cohort
from tests.engine.builders import cohort, scheme, scores_column

# 优秀, 称职, 基本称职, 不称职 (F for failed), no grade
E, C, B, F, NONE = (int(g) for g in (Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT, Grade.NONE))


def run(s, c):
    result = score_cohort(s, c)
    assert isinstance(result, CohortResult), result
    return result


def descending(n, top=99.0):
    """Distinct composites top, top − 0.5, … so ranks follow person ids."""
    return scores_column(top - 0.5 * np.arange(n))


@pytest.mark.parametrize(
    ("_case", "profile", "ratio", "expected_quota"),
    [
        ("statutory 20% of 23 rounds down to 4", "statutory", "0.20", 4),
        ("plan 15% of 23 rounds down to 3", "plan", "0.15", 3),
    ],
)
def test_the_quota_of_a_group_of_23_is_rounded_down(_case, profile, ratio, expected_quota):
    s = scheme(profile)
    assert s.quota.ratio == D(ratio)
    result = run(
        s, cohort(s, 23, values=descending(23), special_scores=np.full(23, 95.0), satisfaction=np.full(23, 90.0))
    )
    assert result.grading.pool_quota.tolist() == [expected_quota] * 23
    assert result.grading.grade.tolist() == [E] * expected_quota + [C] * (23 - expected_quota)


@pytest.mark.parametrize(
    ("_case", "rounding", "expected"), [("round half up", "round", 5), ("ceiling", "ceil", 5), ("floor", "floor", 4)]
)
def test_quota_rounding_is_a_setting(_case, rounding, expected):
    s = scheme(quota=Quota(D("0.20"), rounding))
    assert run(s, cohort(s, 23, values=descending(23))).grading.pool_quota[0] == expected


def test_a_veto_beats_the_top_score():
    s = scheme()
    veto = np.zeros(10, dtype=bool)
    veto[0] = True
    result = run(s, cohort(s, 10, values=descending(10), veto=veto))
    assert result.grading.grade.tolist() == [F, E, E, C, C, C, C, C, C, C]
    assert result.scores.composite[0] == 99.0
    assert not result.grading.candidate[0]


def test_a_warning_sanction_passes_excellent_to_the_next_person():
    s = scheme()
    warning = np.zeros(10, dtype=bool)
    warning[1] = True
    result = run(s, cohort(s, 10, values=descending(10), warning_this_year=warning))
    assert result.grading.grade.tolist() == [E, C, E, C, C, C, C, C, C, C]
    assert result.grading.gate_failed[1].tolist() == [True, False, False, False, False, False, False]
    assert result.grading.rank[[0, 1, 2]].tolist() == [1, 0, 2]


def test_probation_is_excluded_from_the_quota_denominator():
    s = scheme()
    probation = np.zeros(10, dtype=bool)
    probation[9] = True
    result = run(s, cohort(s, 10, values=descending(10), on_probation=probation))
    assert result.grading.pool_participants[0] == 9
    assert result.grading.pool_quota[0] == 1  # floor(0.2 × 9), not floor(0.2 × 10) = 2
    assert result.grading.non_grade[9] == NonGrade.PROBATION
    assert result.grading.grade.tolist() == [E] + [C] * 8 + [NONE]


def test_leave_over_half_the_working_days_is_6a_not_appraised():
    s = scheme()
    result = run(s, cohort(s, 3, leave_days=[125, 126, 200], working_days=250))
    assert result.grading.non_grade.tolist() == [0, NonGrade.LEAVE, NonGrade.LEAVE]
    assert result.grading.grade.tolist()[1:] == [NONE, NONE]
    assert np.isnan(result.bonus_factor[1:]).all()


def test_non_grade_codes_follow_the_precedence_6a_5b_5c_5a():
    s = scheme()
    everything = np.ones(5, dtype=bool)
    result = run(
        s,
        cohort(
            s,
            5,
            leave_days=[200, 0, 0, 0, 0],
            under_investigation=[True, True, False, False, False],
            demerit_or_heavier_active=[True, True, True, False, False],
            on_probation=everything & [True, True, True, True, False],
        ),
    )
    assert result.grading.non_grade.tolist() == [4, 2, 3, 1, 0]


def test_three_consecutive_excellent_years_make_a_class_three_merit_candidate():
    s = scheme()
    history = np.array([[1, 1, 0, 0, 0], [1, 2, 1, 0, 0]], dtype=np.int8)
    result = run(s, cohort(s, 2, values=scores_column([99, 98]), history=history, quota_raises={(1, 0): 2}))
    assert result.grading.grade.tolist() == [E, E]
    assert result.consequences.merit_candidate.tolist() == [True, False]
    assert result.consequences.commendation.tolist() == [True, True]
    assert result.consequences.rank_wait_reduction_months.tolist() == [6, 6]


def test_two_non_consecutive_competent_years_give_a_pay_step():
    s = scheme()
    # last year 基本称职 (did not count), the year before 称职: one credit carried, this year 称职.
    history = np.array([[3, 2, 0, 0, 0], [3, 0, 0, 0, 0]], dtype=np.int8)
    result = run(s, cohort(s, 2, values=scores_column([80, 80]), history=history, step_credit_years=[1, 0]))
    assert result.grading.grade.tolist() == [C, C]
    assert result.consequences.pay_step.tolist() == [True, False]
    assert result.consequences.step_credit_after.tolist() == [0, 1]


def test_the_fifth_qualifying_year_gives_a_level():
    s = scheme()
    result = run(s, cohort(s, 2, values=scores_column([80, 65]), level_credit_years=[4, 4]))
    assert result.consequences.level_up.tolist() == [True, False]
    assert result.consequences.level_credit_after.tolist() == [0, 4]


def test_a_protected_civil_servant_is_never_flagged_for_dismissal_after_two_incompetent_years():
    s = scheme()
    history = np.array([[4, 0, 0, 0, 0]] * 2, dtype=np.int8)
    result = run(s, cohort(s, 2, values=scores_column([40, 40]), history=history, protected=[True, False]))
    assert result.grading.grade.tolist() == [F, F]
    assert result.consequences.dismissal_review.tolist() == [False, True]
    assert result.consequences.dismissal_protected.tolist() == [True, False]
    assert result.consequences.demotion.tolist() == [True, True]


def test_basic_competence_brings_admonition_a_plan_and_a_promotion_freeze():
    s = scheme()
    history = np.array([[3, 0, 0, 0, 0], [2, 0, 0, 0, 0]], dtype=np.int8)
    result = run(s, cohort(s, 2, values=scores_column([65, 65]), history=history, sanction_months=[0, 18]))
    c = result.consequences
    assert result.grading.grade.tolist() == [B, B]
    assert (c.admonition.tolist(), c.improvement_plan_months.tolist()) == ([True, True], [3, 3])
    assert c.organisational_adjustment.tolist() == [True, False]
    assert c.promotion_freeze_months.tolist() == [12, 18]
    assert c.qualifying_year.tolist() == [False, False]


def test_ties_are_broken_by_annual_score_then_good_quarters_then_person_id():
    # 平时 50 · 年度 50; quarters score 好 100, 较好 85. Everyone's composite is 92.5:
    # A annual 100 + 平时 85 (较好 ×4); B annual 85 + 平时 100 (好 ×4); C and D annual 85 + 平时 100 (好 ×2).
    s = scheme("plan", composition=Composition("weights", D(50), D(50), D(0)))
    quarters = [[2, 2, 2, 2], [1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 0, 0]]
    c = cohort(s, 4, values=scores_column([100, 85, 85, 85]), quarter_grades=quarters, person_ids=[4, 3, 1, 2])
    g = run(s, c).grading
    assert run(s, c).scores.composite.tolist() == [92.5] * 4
    assert g.rank.tolist() == [1, 2, 3, 4]
    assert g.tie_break.tolist() == [TieBreak.ANNUAL, TieBreak.GOOD_QUARTERS, TieBreak.PERSON_ID, TieBreak.NONE]
    assert g.tie_break_previous.tolist() == [TieBreak.NONE, TieBreak.ANNUAL, TieBreak.GOOD_QUARTERS, TieBreak.PERSON_ID]


def test_a_missing_component_spreads_its_weight_over_the_others_and_says_so():
    s = scheme("plan")  # 平时 40 · 年度 50 · 专项 10
    c = cohort(s, 2, values=scores_column([90, 90]), special_scores=[np.nan, 80.0])
    result = run(s, c)
    # without 专项: (40 × 100 + 50 × 90) / 90 = 94.44; with it: 40 + 45 + 8 = 93
    assert result.scores.composite.tolist() == [94.44, 93.0]
    assert result.scores.composite_reweighted.tolist() == [True, False]


def test_in_gates_mode_the_composite_is_the_annual_score_and_quarters_only_gate():
    s = scheme()
    c = cohort(s, 3, values=scores_column([90, 90, 90]), quarter_grades=[[1, 2, 2, 2], [2, 2, 2, 2], [1, 1, 1, 4]])
    result = run(s, c)
    assert result.scores.composite.tolist() == [90.0, 90.0, 90.0]
    assert result.grading.gate_failed[:, Gate.NO_GOOD_QUARTER].tolist() == [False, True, False]
    assert result.grading.gate_failed[:, Gate.POOR_QUARTER].tolist() == [False, False, True]
    assert result.grading.candidate.tolist() == [True, False, False]


def test_the_satisfaction_gate_applies_only_when_satisfaction_was_measured():
    s = scheme("plan")
    c = cohort(s, 3, values=scores_column([99, 98, 97]), satisfaction=[69.99, np.nan, 70.0], special_scores=[99.0] * 3)
    g = run(s, c).grading
    assert g.gate_applied[:, Gate.LOW_SATISFACTION].tolist() == [True, False, True]
    assert g.gate_failed[:, Gate.LOW_SATISFACTION].tolist() == [True, False, False]


def test_an_approved_quota_raise_is_honoured_and_never_exceeded():
    s = scheme()
    values = descending(10)
    without = run(s, cohort(s, 10, values=values)).grading
    raised = run(s, cohort(s, 10, values=values, quota_raises={(1, 0): 1, (2, 0): 5})).grading
    assert (without.pool_quota[0], int((without.grade == E).sum())) == (2, 2)
    assert (raised.pool_quota[0], int((raised.grade == E).sum())) == (3, 3)
    assert raised.grade.tolist() == [E, E, E] + [C] * 7


def test_quotas_are_counted_per_group_and_post_level_pool_without_borrowing():
    s = scheme()
    c = cohort(s, 10, values=descending(10), pool_ids=[1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    g = run(s, c).grading
    assert g.pool_quota.tolist() == [1] * 10
    assert g.grade.tolist() == [E, C, C, C, C, E, C, C, C, C]
    assert g.rank.tolist() == [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]


def test_with_pools_switched_off_a_group_is_one_pool():
    s = scheme(quota=Quota(D("0.20"), "floor", per_post_level_pool=False))
    c = cohort(s, 10, values=descending(10), pool_ids=[1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    g = run(s, c).grading
    assert g.pool_quota.tolist() == [2] * 10
    assert g.grade.tolist() == [E, E] + [C] * 8


def test_grades_below_the_quota_follow_the_thresholds():
    s = scheme()
    g = run(s, cohort(s, 5, values=scores_column([70, 69.99, 60, 59.99, np.nan]))).grading
    assert g.grade.tolist() == [C, B, B, F, NONE]

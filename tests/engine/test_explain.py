"""Explanations: every lost point, gate, code, rank and note, as codes with params and sentences."""

from decimal import Decimal as D

import numpy as np

from kaohe.engine.cohort import Waivers
from kaohe.engine.explain import ExplanationItem, explain
from kaohe.engine.rules import CappedBonus, DeductBelow, Veto
from kaohe.engine.scoring import CohortResult, score_cohort
from tests.engine.builders import cohort, indicator, one_per_dimension, scheme, scores_column


def run(s, c):
    result = score_cohort(s, c)
    assert isinstance(result, CohortResult), result
    return result


def plan_case():
    indicators = (
        indicator("JI1", "ji", 60, name_en="Project completion", name_zh="项目完成率"),
        indicator("JI2", "ji", 40, DeductBelow(D(95), D(2)), target=D(95)),
        *(spec for spec in one_per_dimension() if spec.dimension != "ji"),
        indicator("INNOV", "ji", 0, CappedBonus(D(1), D(5))),
    )
    s = scheme("plan", indicators=indicators)
    values = np.array([[80, 90, 100, np.nan, 90, 100, 3], [100, 100, 100, 100, 100, 100, 0]])
    c = cohort(
        s,
        2,
        values=values,
        quarter_grades=[[1, 2, 2, 0], [1, 1, 1, 1]],
        special_scores=[np.nan, 100.0],
        satisfaction=[60.0, 99.0],
        warning_this_year=[True, False],
    )
    return s, c, run(s, c)


def test_each_lost_point_names_the_indicator_its_rule_and_its_weight_chain():
    s, c, result = plan_case()
    items = {
        item.params.get("indicator"): item for item in explain(s, c, result, 1).items if item.code == "points_lost"
    }
    assert dict(items["JI1"].params) == {
        "indicator": "JI1",
        "name_en": "Project completion",
        "name_zh": "项目完成率",
        "rule": "ratio",
        "value": D(80),
        "target": D(100),
        "score": D("80.00"),
        "share": D("15.69"),  # 60% of 绩 (40/85 of 年度, 能 missing) of 年度 (50/90, 专项 missing)
        "lost": D("3.14"),
    }
    assert items["JI1"].sentence == (
        "JI1 Project completion (项目完成率) scored 80.00 of 100 by the ratio rule (value 80, target 100); "
        "it carries 15.69% of your composite, so you lost 3.14 points."
    )
    assert sorted(items) == ["JI1", "JI2", "QIN"]


def test_lost_points_add_up_to_one_hundred_minus_the_composite_before_bonus():
    s, c, result = plan_case()
    explanation = explain(s, c, result, 1)
    assert explanation.composite == D("92.06")
    assert explanation.composite_before_bonus == D("90.39")
    assert explanation.points_lost == D("9.61")


def test_reweighting_bonus_gates_and_grade_are_explained_in_order():
    s, c, result = plan_case()
    codes = [item.code for item in explain(s, c, result, 1).items]
    assert codes == [
        "dimension_missing",
        "points_lost",
        "points_lost",
        "points_lost",
        "component_missing",
        "component_points_lost",
        "bonus_points",
        "gate_warning",
        "gate_low_satisfaction",
        "grade_proposed",
    ]


def test_a_candidate_sees_the_quota_rank_and_the_key_that_separated_them():
    s = scheme()
    c = cohort(s, 3, values=scores_column([99, 99, 98]), quarter_grades=[[1, 1, 2, 2], [1, 1, 1, 2], [1, 1, 1, 1]])
    result = run(s, c)
    items = explain(s, c, result, 1).items
    assert ExplanationItem("quota_rank", {"rank": 2, "candidates": 3, "quota": 0}) in items
    below = next(item for item in items if item.code == "tie_break_below")
    assert below.params["key"] == "good_quarters"  # person 2 has three 好 quarters, person 1 two
    assert below.sentence == "You ranked below the previous candidate on the number of 好 quarters."
    above = next(item for item in items if item.code == "tie_break_above")
    assert above.params["key"] == "composite"


def test_a_non_grade_code_and_a_veto_are_explained():
    indicators = (*one_per_dimension(), indicator("CLEAN", "lian", 0, Veto()))
    s = scheme(indicators=indicators)
    values = np.array([[100, 100, 100, 100, 100, 1], [100, 100, 100, 100, 100, 0]])
    c = cohort(s, 2, values=values, leave_days=[0, 200])
    result = run(s, c)
    assert explain(s, c, result, 1).items[0].sentence == (
        "A 一票否决 record (CLEAN) means the proposal is 不称职 whatever the score."
    )
    leave = explain(s, c, result, 2).items[0]
    assert (leave.code, leave.params["code"]) == ("non_grade_leave", "6A")
    assert leave.sentence == "6A: leave of 200 days exceeds 125.00 of 250 working days."


def test_a_participant_below_the_threshold_is_told_the_threshold():
    s = scheme()
    c = cohort(s, 1, values=scores_column([80]))
    items = explain(s, c, run(s, c), 1).items
    assert ExplanationItem("excellent_threshold_not_reached", {"composite": D("80.00"), "threshold": D(85)}) in items


def test_a_waiver_restores_its_share_of_the_lost_points_and_says_so():
    s = scheme()
    values = np.full((2, len(s.indicators)), 100.0)
    values[:, 4] = 60.0  # 廉 scored 60: 40 points lost
    c = cohort(s, 2, values=values, waivers=Waivers.of([(0, 4, 50)]))
    result = run(s, c)

    assert result.scores.indicator_scores[:, 4].tolist() == [80.0, 60.0]  # half of the 40 lost points back
    item = next(i for i in explain(s, c, result, 1).items if i.code == "fault_tolerance_waiver")
    assert (item.params["before"], item.params["score"]) == (D("60.00"), D("80.00"))
    assert "waived 50% of the deduction" in item.sentence
    assert "fault_tolerance_waiver" not in [i.code for i in explain(s, c, result, 2).items]


def test_a_waiver_on_a_veto_indicator_is_refused():
    s = scheme(indicators=(*one_per_dimension(), indicator("CLEAN", "lian", 0, Veto())))
    problems = score_cohort(s, cohort(s, 1, waivers=Waivers.of([(0, 5, 100)])))
    assert [p.code for p in problems] == ["waiver_not_a_deduction"]


def test_a_unit_head_gate_blocks_excellent_with_its_reason():
    s = scheme()
    c = cohort(s, 10, values=scores_column(99.0 - 0.5 * np.arange(10)), unit_head_gate=[True] + [False] * 9)
    result = run(s, c)
    assert result.grading.grade[0] != 1
    assert "gate_unit_head" in [i.code for i in explain(s, c, result, 1).items]


def test_a_groups_own_ratio_sets_its_quota_and_is_explained():
    s = scheme()
    c = cohort(s, 20, values=scores_column(99.0 - 0.5 * np.arange(20)), group_ids=[1] * 10 + [2] * 10,
               group_quota_ratios={2: D("0.3")})
    result = run(s, c)
    quotas = dict(zip(c.group_ids.tolist(), result.grading.pool_quota.tolist(), strict=True))
    assert quotas == {1: int(s.quota.ratio * 10), 2: 3}
    item = next(i for i in explain(s, c, result, 11).items if i.code == "group_quota_ratio")
    assert item.params["ratio"] == D("30.00")

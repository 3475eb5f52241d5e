"""Scheme checks, the two shipped profiles, statutory departures and weight-vector difference."""

import dataclasses
from decimal import Decimal as D

import pytest

from kaohe.engine.problems import Problem
from kaohe.engine.rules import CappedBonus, LowerBetter, Ratio, Rubric, Veto
from kaohe.engine.scheme import (
    Bonus,
    Composition,
    Gates,
    Quota,
    Thresholds,
    composite_weight_vector,
    plan_defaults,
    statutory_defaults,
    statutory_departures,
    weight_vector_difference,
)
from tests.engine.builders import indicator, scheme


def codes(problems):
    return [(p.code, p.field) for p in problems]


@pytest.mark.parametrize("profile", ["statutory", "plan"])
def test_both_shipped_profiles_validate_once_indicators_are_bound(profile):
    assert scheme(profile).validate() == []


def test_a_profile_without_indicators_cannot_score_any_weighted_dimension():
    assert codes(statutory_defaults().validate()) == [
        ("dimension_without_indicators", f"dimension_weights.{d}") for d in ("de", "neng", "qin", "ji", "lian")
    ]


def test_the_statutory_profile_ships_the_lawful_numbers():
    s = statutory_defaults()
    assert (s.quota.ratio, s.quota.rounding, s.composition.mode) == (D("0.20"), "floor", "gates")
    assert dict(s.rater_weights) == {"superior": D(50), "peer": D(50)}
    assert (s.gates.require_good_quarter, s.gates.block_poor_quarter, s.gates.min_satisfaction) == (True, True, None)
    assert (s.bonus.kind, dict(s.bonus.coefficients)) == (
        "statutory",
        {"excellent": D(1), "competent": D(1), "basic": D(0), "incompetent": D(0)},
    )


def test_the_plan_profile_ships_the_planning_documents_numbers():
    s = plan_defaults()
    assert (s.quota.ratio, s.composition) == (D("0.15"), Composition("weights", D(40), D(50), D(10)))
    assert dict(s.rater_weights) == {"superior": D(30), "peer": D(20), "public": D(30), "recipient": D(20)}
    assert (s.gates.require_good_quarter, s.gates.min_satisfaction) == (False, D(70))
    assert (s.bonus.kind, [s.bonus.coefficients[g] for g in ("excellent", "competent", "basic", "incompetent")]) == (
        "local",
        [D("1.2"), D("1.0"), D("0.8"), D(0)],
    )
    assert dict(s.quarter_rubric) == {"好": D(100), "较好": D(85), "一般": D(70), "较差": D(50)}


def test_indicator_weights_in_a_dimension_must_sum_to_one_hundred():
    indicators = (
        indicator("A", "de", 60),
        indicator("B", "de", 30),
        *(indicator(d, d, 100) for d in ("neng", "qin", "ji", "lian")),
    )
    assert scheme(indicators=indicators).validate() == [
        Problem("indicator_weights_sum", "dimension_weights.de", {"total": D(90), "dimension": "de"})
    ]


def test_veto_and_bonus_indicators_carry_no_weight_and_do_not_count_in_the_sum():
    indicators = (
        indicator("LIAN", "lian", 100),
        indicator("VETO", "lian", 0, Veto()),
        indicator("BONUS", "ji", 0, CappedBonus(D(1), D(5))),
        *(indicator(d, d, 100) for d in ("de", "neng", "qin", "ji")),
    )
    assert scheme(indicators=indicators).validate() == []


def test_a_veto_indicator_with_a_weight_is_rejected():
    spec = dataclasses.replace(indicator("VETO", "lian", 0, Veto()), weight=D(10))
    assert codes(spec.validate()) == [("weight_must_be_zero", "weight")]


@pytest.mark.parametrize(
    ("_case", "changes", "expected"),
    [
        ("unknown dimension", {"dimension": "zhi"}, [("choice_unknown", "dimension")]),
        ("unknown source", {"source": "rumour"}, [("choice_unknown", "source")]),
        ("blank code", {"code": " "}, [("indicator_code_blank", "code")]),
        ("blank Chinese name", {"name_zh": ""}, [("indicator_name_blank", "name_zh")]),
        ("weight over 100", {"weight": D(120)}, [("weight_out_of_range", "weight")]),
        ("a veto kind with a ratio rule", {"kind": "veto"}, [("kind_rule_mismatch", "rule")]),
        (
            "a lower-better rule on a higher-better indicator",
            {"rule": LowerBetter(D(1))},
            [("direction_rule_mismatch", "direction")],
        ),
        ("a target that differs from the rule's", {"target": D(90)}, [("target_mismatch", "target")]),
        (
            "a rubric on a rater form",
            {"rule": Rubric(("好",), (D(100),)), "kind": "qualitative", "source": "rater_form"},
            [("rater_form_rule_unsuitable", "rule")],
        ),
        ("a broken rule", {"rule": Ratio(D(0)), "target": None}, [("target_not_positive", "rule.target")]),
    ],
)
def test_an_indicator_reports_what_does_not_fit(_case, changes, expected):
    spec = dataclasses.replace(indicator("A", "ji", 100, target=D(100)), **changes)
    assert codes(spec.validate()) == expected


@pytest.mark.parametrize(
    ("_case", "changes", "expected"),
    [
        ("unknown profile", {"profile": "custom"}, [("choice_unknown", "profile")]),
        (
            "dimension weights not summing to 100",
            {"dimension_weights": {"de": D(20), "neng": D(15), "qin": D(15), "ji": D(40), "lian": D(5)}},
            [("dimension_weights_sum", "dimension_weights")],
        ),
        (
            "composition not summing to 100",
            {"composition": Composition("weights", D(40), D(50), D(20))},
            [("composition_sum", "composition")],
        ),
        ("unknown composition mode", {"composition": Composition("sum")}, [("choice_unknown", "composition.mode")]),
        (
            "rater weights not summing to 100",
            {"rater_weights": {"superior": D(50), "peer": D(40)}},
            [("rater_weights_sum", "rater_weights")],
        ),
        (
            "unknown rater role",
            {"rater_weights": {"superior": D(50), "friend": D(50)}},
            [("choice_unknown", "rater_weights.friend")],
        ),
        ("too few raters to trim", {"trim_min_raters": 2}, [("trim_min_raters_too_small", "trim_min_raters")]),
        ("quota ratio zero", {"quota": Quota(D(0))}, [("quota_ratio_out_of_range", "quota.ratio")]),
        ("quota ratio over one", {"quota": Quota(D("1.5"))}, [("quota_ratio_out_of_range", "quota.ratio")]),
        ("unknown rounding", {"quota": Quota(D("0.2"), "bankers")}, [("choice_unknown", "quota.rounding")]),
        (
            "thresholds out of order",
            {"thresholds": Thresholds(D(85), D(60), D(70))},
            [("thresholds_unordered", "thresholds")],
        ),
        (
            "threshold over 100",
            {"thresholds": Thresholds(D(101))},
            [("threshold_out_of_range", "thresholds.excellent")],
        ),
        (
            "satisfaction gate over 100",
            {"gates": Gates(min_satisfaction=D(170))},
            [("min_satisfaction_out_of_range", "gates.min_satisfaction")],
        ),
        (
            "missing bonus coefficient",
            {"bonus": Bonus("statutory", {"excellent": D(1), "competent": D(1), "basic": D(0)})},
            [("bonus_coefficient_missing", "bonus.coefficients.incompetent")],
        ),
        (
            "quarter rubric missing a level",
            {"quarter_rubric": {"好": D(100), "较好": D(85), "一般": D(70)}},
            [("quarter_level_missing", "quarter_rubric.较差")],
        ),
        ("leave share over one", {"leave_share_limit": D("1.5")}, [("leave_share_out_of_range", "leave_share_limit")]),
    ],
)
def test_a_scheme_reports_each_broken_setting(_case, changes, expected):
    assert codes(scheme(**changes).validate()) == expected


def test_duplicate_indicator_codes_are_rejected():
    indicators = (*scheme().indicators, indicator("JI", "ji", 0))
    assert ("indicator_code_duplicate", "indicators[5].code") in codes(scheme(indicators=indicators).validate())


def test_the_statutory_profile_departs_from_nothing():
    assert statutory_departures(scheme("statutory")) == []


def test_the_plan_profile_lists_each_departure_from_the_statutory_profile():
    assert codes(statutory_departures(scheme("plan"))) == [
        ("composition_weighted", "composition.mode"),
        ("gate_good_quarter_off", "gates.require_good_quarter"),
        ("satisfaction_gate_added", "gates.min_satisfaction"),
        ("bonus_local", "bonus.kind"),
    ]


def test_an_eighty_percent_bonus_for_basic_competence_labelled_statutory_is_unlawful():
    coefficients = {"excellent": D("1.2"), "competent": D(1), "basic": D("0.8"), "incompetent": D(0)}
    departures = statutory_departures(scheme(bonus=Bonus("statutory", coefficients)))
    assert departures == [
        Problem(
            "statutory_bonus_not_one_month",
            "bonus.coefficients.excellent",
            {"grade": "excellent", "coefficient": D("1.2")},
        ),
        Problem("statutory_bonus_unlawful", "bonus.coefficients.basic", {"grade": "basic", "coefficient": D("0.8")}),
    ]


def test_a_quota_above_twenty_percent_and_other_settings_are_departures():
    rater_indicator = indicator("RATER", "de", 100, source="rater_form")
    indicators = (rater_indicator, *scheme().indicators[1:])
    changed = scheme(
        indicators=indicators,
        quota=Quota(D("0.25"), "round"),
        gates=Gates(block_poor_quarter=False, block_warning=False, block_accountability=False),
        leave_share_limit=D("0.6"),
    )
    assert codes(statutory_departures(changed)) == [
        ("quota_above_statutory", "quota.ratio"),
        ("quota_rounding_not_floor", "quota.rounding"),
        ("rater_score_binding", "indicators[0].weight"),
        ("gate_poor_quarter_off", "gates.block_poor_quarter"),
        ("gate_warning_off", "gates.block_warning"),
        ("gate_accountability_off", "gates.block_accountability"),
        ("leave_share_not_half", "leave_share_limit"),
    ]


def test_the_composite_weight_vector_chains_indicator_dimension_and_component_shares():
    indicators = (
        indicator("A", "ji", 75),
        indicator("B", "ji", 25),
        *(indicator(d, d, 100) for d in ("de", "neng", "qin", "lian")),
    )
    vector = composite_weight_vector(scheme("plan", indicators))
    assert vector["A"] == D(15)  # 75% of 绩 (40%) of 年度 (50%)
    assert vector["component:regular"] == D(40)
    assert sum(vector.values()) == D(100)


def ji_split(profile, **weights):
    others = [spec for spec in scheme().indicators if spec.dimension != "ji"]
    return scheme(profile, indicators=(*(indicator(code, "ji", w) for code, w in weights.items()), *others))


def test_weight_vector_difference_is_half_the_l1_distance_of_the_indicator_weight_vectors():
    law_enforcement, service = ji_split("statutory", A=50, B=50), ji_split("statutory", A=25, C=75)
    # 绩 is 40% of the indicator score: A 20 → 10, B 20 → 0, C 0 → 30: (10 + 20 + 30) / 2 = 30
    assert weight_vector_difference(law_enforcement, service) == D(30)
    assert weight_vector_difference(service, service) == D(0)


def test_weight_vector_difference_leaves_the_profiles_components_out():
    # In weights mode the indicators carry 50% of the composite, but the difference is measured on
    # the indicator (annual) score, so two plan schemes differ by as much as two statutory ones.
    assert weight_vector_difference(ji_split("plan", A=50, B=50), ji_split("plan", A=25, C=75)) == D(30)

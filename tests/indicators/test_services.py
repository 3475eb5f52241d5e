"""The library and schemes: versions by year, weight checks, core indicators, differentiation, AHP."""

from decimal import Decimal

import pytest

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import PermissionDeniedError
from kaohe.indicators import selectors, services
from kaohe.indicators.adapter import library_for_year, snapshot
from kaohe.indicators.models import Indicator, Scheme, SchemeIndicator
from kaohe.indicators.problems import ProblemsError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    return services.default_content_load(actor=None, year=2026)


def _scheme(category="service", profile="plan"):
    return Scheme.objects.get(category=category, profile=profile)


def _weights(scheme):
    return dict(scheme.dimension_weights), {i.code: i.weight for i in scheme.items.all()}


def test_a_dimension_summing_to_101_is_refused_and_nothing_changes(content):
    scheme = _scheme()
    dims, weights = _weights(scheme)
    weights["JI02"] += 1
    events = AuditEvent.objects.count()

    with pytest.raises(ProblemsError) as error:
        services.scheme_save(actor=None, scheme=scheme, dimension_weights=dims, indicator_weights=weights)

    assert [p.code for p in error.value.problems] == ["indicator_weights_sum"]
    assert error.value.problems[0].params["total"] == Decimal(101)
    assert SchemeIndicator.objects.get(scheme=scheme, code="JI02").weight == Decimal(30)
    assert AuditEvent.objects.count() == events


def test_dimension_weights_must_sum_to_100(content):
    scheme = _scheme()
    dims, weights = _weights(scheme)
    dims["ji"] = "50"

    with pytest.raises(ProblemsError) as error:
        services.scheme_save(actor=None, scheme=scheme, dimension_weights=dims, indicator_weights=weights)

    assert "dimension_weights_sum" in [p.code for p in error.value.problems]


def test_a_valid_change_is_saved_and_audited_with_before_and_after(content):
    scheme = _scheme()
    dims, weights = _weights(scheme)
    weights["JI02"], weights["JI03"] = Decimal(35), Decimal(25)

    services.scheme_save(actor=None, scheme=scheme, dimension_weights=dims, indicator_weights=weights)

    event = AuditEvent.objects.filter(action="indicators.scheme.save", object_id=str(scheme.pk)).last()
    assert '"JI02":"30.00"' in event.detail.replace(" ", "") or "JI02" in event.detail
    assert SchemeIndicator.objects.get(scheme=scheme, code="JI02").weight == Decimal(35)


def test_core_indicators_cannot_be_dropped(content):
    scheme = _scheme()
    dims, weights = _weights(scheme)
    weights.pop("LI02")

    with pytest.raises(ProblemsError) as error:
        services.scheme_save(actor=None, scheme=scheme, dimension_weights=dims, indicator_weights=weights)

    assert ("core_indicator_missing", {"code": "LI02"}) in [(p.code, dict(p.params)) for p in error.value.problems]


def test_key_indicators_below_the_category_minimum_are_refused(content):
    scheme = _scheme()
    dims, weights = _weights(scheme)
    weights.update({"JI02": Decimal(20), "JI03": Decimal(20), "JI10": Decimal(40), "JI01": Decimal(20)})

    with pytest.raises(ProblemsError) as error:
        services.scheme_save(actor=None, scheme=scheme, dimension_weights=dims, indicator_weights=weights)

    assert [p.code for p in error.value.problems] == ["key_indicators_below_minimum"]


def test_a_scheme_too_close_to_another_category_cannot_be_put_in_use(content):
    law = _scheme("law_enforcement")
    copy = services.scheme_create(actor=None, name="服务类（抄执法类）", category="service", level="", year=2026,
                                  profile="plan", copy_from=law, key_indicators=(["JI04", "JI05"], Decimal(45)))

    with pytest.raises(ProblemsError) as error:
        services.scheme_activate(actor=None, scheme=copy)

    assert [p.code for p in error.value.problems] == ["differentiation_too_small"]
    assert Scheme.objects.get(pk=copy.pk).status == "draft"
    assert Scheme.objects.filter(category="service", status="active").count() == 1


def test_activating_archives_the_scheme_in_use_before(content):
    statutory = _scheme("service", "statutory")

    services.scheme_activate(actor=None, scheme=statutory)

    assert _scheme("service", "plan").status == "archived"
    assert Scheme.objects.get(pk=statutory.pk).status == "active"


def test_revising_for_a_later_year_keeps_the_old_version_for_earlier_years(content):
    indicator = Indicator.objects.get(code="JI05")

    services.indicator_revise(actor=None, indicator=indicator, year=2027,
                              fields={"rule_params": {"target": 98, "k": 2}, "target": Decimal(98)})

    assert library_for_year(2026).get(code="JI05").rule_params == {"target": 95, "k": 2}
    assert library_for_year(2027).get(code="JI05").rule_params == {"target": 98, "k": 2}
    diff = selectors.library_diff(2026, 2027)
    changed = [(i.code, [c.field for c in changes]) for i, changes in diff.changed]
    assert changed == [("JI05", ["target", "rule_params"])]


def test_a_frozen_snapshot_keeps_the_rule_after_the_library_changes(content):
    frozen = snapshot(_scheme("law_enforcement"))

    services.indicator_revise(actor=None, indicator=Indicator.objects.get(code="JI05"), year=2026,
                              fields={"rule_params": {"target": 99, "k": 3}, "target": Decimal(99)})

    rule = next(i for i in frozen["indicators"] if i["code"] == "JI05")["rule_params"]
    assert rule == {"target": 95, "k": 2}


def test_retired_indicator_leaves_the_library_from_that_year(content):
    services.indicator_retire(actor=None, indicator=Indicator.objects.get(code="NE04"), year=2027)

    assert library_for_year(2026).filter(code="NE04").exists()
    assert not library_for_year(2027).filter(code="NE04").exists()
    assert [i.code for i in selectors.library_diff(2026, 2027).retired] == ["NE04"]


@pytest.mark.parametrize(
    ("_case", "rule_kind", "params", "code"),
    [
        ("ratio without target", "ratio", {}, "param_missing"),
        ("ratio with text target", "ratio", {"target": "abc"}, "param_not_numeric"),
        ("bands with a gap", "bands", {"minimum": 0, "maximum": 100, "bands": [[0, 50, 60], [60, 100, 100]]},
         "bands_gap"),
        ("unknown rule", "formula", {}, "rule_kind_unknown"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(content, _case, rule_kind, params, code):
    fields = {"code": "XX01", "name_zh": "测试指标", "name_en": "Test", "dimension": "ji", "kind": "quantitative",
              "source": "import", "rule_kind": rule_kind, "rule_params": params}

    with pytest.raises(ProblemsError) as error:
        services.indicator_create(actor=None, year=2026, fields=fields)

    assert code in [p.code for p in error.value.problems]
    assert not Indicator.objects.filter(code="XX01").exists()


def test_ahp_weights_are_applied_to_the_dimensions(content):
    scheme = _scheme("general")
    matrix = [[1, 1, 1, 0.5, 2], [1, 1, 1, 0.5, 2], [1, 1, 1, 0.5, 2], [2, 2, 2, 1, 4], [0.5, 0.5, 0.5, 0.25, 1]]

    services.scheme_apply_ahp(actor=None, scheme=scheme, dimension=None, matrix=matrix)

    assert Scheme.objects.get(pk=scheme.pk).dimension_weights == {
        "de": "18.18", "neng": "18.18", "qin": "18.18", "ji": "36.37", "lian": "9.09"}


def test_inconsistent_ahp_judgements_are_refused_with_the_ratio(content):
    scheme = _scheme("general")
    before = dict(scheme.dimension_weights)
    matrix = [[1, 9, 1 / 9, 1, 1], [1 / 9, 1, 9, 1, 1], [9, 1 / 9, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]

    with pytest.raises(ProblemsError) as error:
        services.scheme_apply_ahp(actor=None, scheme=scheme, dimension=None, matrix=matrix)

    assert error.value.problems[0].code == "ahp_inconsistent"
    assert float(error.value.problems[0].params["cr"]) >= 0.1
    assert Scheme.objects.get(pk=scheme.pk).dimension_weights == before


def test_a_county_office_cannot_change_the_library(content, city):
    county_office = factories.user("county", role=Role.APPRAISAL_OFFICE, scope=city.county_a)

    with pytest.raises(PermissionDeniedError):
        services.indicator_retire(actor=county_office, indicator=Indicator.objects.get(code="NE04"), year=2027)

    assert Indicator.objects.get(code="NE04").year_to is None

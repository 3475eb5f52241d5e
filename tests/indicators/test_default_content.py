import pytest

from kaohe.indicators.adapter import engine_scheme, library_for_year
from kaohe.indicators.checks import scheme_errors, scheme_warnings
from kaohe.indicators.models import Scheme
from kaohe.indicators.services import default_content_load

pytestmark = pytest.mark.django_db


def test_default_content_loads_a_valid_library_and_schemes_for_people_and_units():
    schemes = default_content_load(actor=None, year=2026)

    assert library_for_year(2026).filter(subject="person").count() == 25
    assert library_for_year(2026).filter(subject="unit").count() == 22
    assert len(schemes) == 8 + 7
    assert Scheme.objects.filter(status="active", profile="plan").exclude(category__startswith="u_").count() == 4
    assert Scheme.objects.filter(status="active", category__startswith="u_").count() == 7
    assert all(scheme_errors(s, against_active=True) == [] for s in Scheme.objects.all())


def test_an_agricultural_townships_scheme_gives_industry_five_percent_and_satisfaction_thirty():
    default_content_load(actor=None, year=2026)
    settings, _ = engine_scheme(Scheme.objects.get(category="u_town_agri", status="active"))
    weights = {spec.code: spec.weight for spec in settings.indicators}
    assert weights["UT02"] == 5
    assert weights["UC02"] + weights["UC03"] + weights["UC04"] == 30
    assert settings.subject == "unit"


def test_the_statutory_default_schemes_warn_only_about_the_binding_360_score():
    default_content_load(actor=None, year=2026)

    statutory = Scheme.objects.filter(profile="statutory").first()
    plan = Scheme.objects.filter(profile="plan").first()

    assert {p.code for p in scheme_warnings(statutory)} == {"rater_score_binding"}
    assert {"quota_rounding_not_floor", "bonus_local", "composition_weighted"} & {p.code for p in scheme_warnings(plan)}


def test_the_2025_library_still_has_the_retired_indicator_and_lacks_the_new_one():
    default_content_load(actor=None, year=2026)

    codes_2025 = set(library_for_year(2025).values_list("code", flat=True))

    assert "QI04" in codes_2025
    assert "JI10" not in codes_2025


def test_an_engine_scheme_is_built_from_the_rows():
    default_content_load(actor=None, year=2026)
    scheme = Scheme.objects.get(category="service", profile="plan")

    settings, problems = engine_scheme(scheme)

    assert problems == []
    assert str(settings.quota.ratio) == "0.15"
    assert [s.code for s in settings.indicators][:2] == ["DE01", "DE02"]

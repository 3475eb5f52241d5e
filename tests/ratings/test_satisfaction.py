"""Satisfaction per person and quarter: counted only from 100 ratings; contests upheld drop out; the
yearly value goes into the person's QR-rating indicators with its sample size."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from kaohe.collection.models import IndicatorValue
from kaohe.collection.sheets import sheet_matrix
from kaohe.core.errors import PermissionDeniedError
from kaohe.indicators.services import default_content_load
from kaohe.ratings import services
from kaohe.ratings.models import FollowUp
from kaohe.ratings.satisfaction import satisfaction_of
from kaohe.ratings.services import targets_ensure
from kaohe.ratings.store import store_ratings
from tests.ratings.conftest import visit_item

pytestmark = pytest.mark.django_db
FEB = dt.date(2026, 2, 10)


def give(target, levels, *, day=FEB, prefix="r"):
    """Store ratings of the given levels for a target on one day (one batch)."""
    items = [visit_item(target, f"{prefix}-{target.pk}-{day}-{i}", level=level) for i, level in enumerate(levels)]
    outcomes = store_ratings(items, action="ratings.batch.submit", today=day)
    assert all(o.accepted for o in outcomes)


def test_99_ratings_are_an_insufficient_sample(rated):
    give(rated.zhang, [1] * 99)

    result = satisfaction_of([rated.zhang.person_id], year=2026, quarter=1)[rated.zhang.person_id]

    assert (result.sample_size, result.measured, result.mean, result.praise_rate) == (99, False, None, None)
    assert result.status == "insufficient_sample"
    assert result.label() == "insufficient sample (99 of 100 ratings)"


def test_100_ratings_give_the_mean_score_and_the_praise_rate(rated):
    give(rated.zhang, [1] * 50 + [3] * 30 + [5] * 20)

    result = satisfaction_of([rated.zhang.person_id], year=2026, quarter=1)[rated.zhang.person_id]

    # (50 × 100 + 30 × 60 + 20 × 20) / 100 = 72; not 差评: 80 of 100
    assert (result.sample_size, result.mean, result.praise_rate) == (100, Decimal("72.00"), Decimal("80.00"))
    assert result.label() == "72.00"


def test_the_mean_is_rounded_half_up_to_two_decimals(rated):
    give(rated.zhang, [1] * 100 + [2] * 2 + [4])

    result = satisfaction_of([rated.zhang.person_id], year=2026)[rated.zhang.person_id]

    # (100 × 100 + 2 × 80 + 40) / 103 = 99.0291… → 99.03
    assert (result.sample_size, result.mean) == (103, Decimal("99.03"))


def test_the_minimum_is_a_parameter(rated):
    give(rated.zhang, [2] * 30)

    result = satisfaction_of([rated.zhang.person_id], year=2026, minimum=30)[rated.zhang.person_id]

    assert (result.measured, result.mean) == (True, Decimal("80.00"))


def test_quarters_split_at_their_first_day_and_the_year_adds_them(rated):
    give(rated.zhang, [1] * 3, day=dt.date(2026, 3, 31))
    give(rated.zhang, [2] * 4, day=dt.date(2026, 4, 1))
    person = rated.zhang.person_id

    sizes = [satisfaction_of([person], year=2026, quarter=q)[person].sample_size for q in (0, 1, 2, 3, 4)]

    assert sizes == [7, 3, 4, 0, 0]


def test_a_window_s_ratings_are_not_its_staff_s(rated):
    give(rated.window_target, [1] * 5)

    assert satisfaction_of([rated.zhang.person_id], year=2026)[rated.zhang.person_id].sample_size == 0


def test_an_upheld_contest_takes_its_rating_out_and_the_sample_falls_short(rated, people):
    give(rated.zhang, [1] * 99 + [4], day=dt.date(2026, 9, 30))
    person = rated.zhang.person_id
    before = satisfaction_of([person], year=2026, quarter=3)[person]
    case = FollowUp.objects.get()

    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="恶意评价")
    services.follow_up_review(actor=people.inspector, follow_up=case, uphold=True, note="属实")
    after = satisfaction_of([person], year=2026, quarter=3)[person]

    assert (before.sample_size, before.mean) == (100, Decimal("99.40"))
    assert (after.sample_size, after.mean, after.measured) == (99, None, False)


def test_the_yearly_satisfaction_goes_into_the_qr_indicators_of_each_scheme(rated, people):
    default_content_load(actor=None, year=2026)
    city = rated.city
    wang = targets_ensure(actor=None, unit=city.township_a)[0]
    give(rated.zhang, [1] * 90 + [4] * 10)  # 服务类: JI03 好评率 = 90
    give(wang, [2] * 120)  # 县乡基层: JI06 群众满意度 = 80
    give(rated.li, [1] * 20)  # below the minimum

    push = services.satisfaction_record(actor=people.county_office, unit=city.county_a, year=2026)

    ids = np.array([city.zhang_san.pk, city.wang_wu.pk, city.li_si.pk])
    sheet = sheet_matrix(2026, person_ids=ids.tolist()).rows_for(ids)
    assert (push.recorded, push.insufficient, push.without_indicator) == (3, [city.li_si.pk], [])
    assert [np.nan_to_num(sheet.column(c), nan=-1).tolist() for c in ("JI03", "JI06", "sat_n")] == [
        [90.0, -1, -1], [-1, 80.0, -1], [100.0, 120.0, 20.0]]
    values = {(v.person_id, v.code): (v.value, v.sample_size)
              for v in IndicatorValue.objects.filter(source="qr_rating")}
    assert values == {(city.zhang_san.pk, "JI03"): (90.0, 100), (city.wang_wu.pk, "JI06"): (80.0, 120),
                      (city.li_si.pk, "JI03"): (None, 20)}


def test_satisfaction_is_pushed_only_by_the_office_over_the_unit(rated, people):
    with pytest.raises(PermissionDeniedError):
        services.satisfaction_record(actor=people.other_office, unit=rated.city.bureau_a, year=2026)

    assert IndicatorValue.objects.count() == 0

"""The score-inflation alarm: a unit's quarterly grades rise while its 12345 complaints rise too."""

import datetime as dt

import pytest
from django.utils import timezone

from kaohe.accounts.roles import Role
from kaohe.appraisal.models import QuarterGrade
from kaohe.hotline.models import HotlineRecord
from kaohe.worklog.selectors import inflation_alarms
from tests import factories

pytestmark = pytest.mark.django_db


def _grades(people, quarter, grade):
    QuarterGrade.objects.bulk_create([QuarterGrade(person=p, year=2026, quarter=quarter, grade=grade) for p in people])


def _complaints(person, day, n):
    HotlineRecord.objects.bulk_create([HotlineRecord(
        case_no=f"{day:%Y%m%d}-{person.pk}-{i}", received_on=day, text="办事拖拉，投诉", classification="complaint",
        proposed="complaint", confidence=0.9, person=person, source="test", received_at=timezone.now(),
        content_hash=str(i)) for i in range(n)])


def test_grades_and_complaints_rising_together_raise_the_alarm_for_that_unit_only(city):
    bureau = [city.zhang_san, city.li_si]
    _grades(bureau, 1, 3)  # 一般 → 70
    _grades(bureau, 2, 1)  # 好 → 100
    _grades([city.chen_qi], 1, 3)
    _grades([city.chen_qi], 2, 1)
    _complaints(city.zhang_san, dt.date(2026, 2, 10), 1)
    _complaints(city.zhang_san, dt.date(2026, 5, 10), 4)
    _complaints(city.chen_qi, dt.date(2026, 2, 10), 3)  # 青阳县民政局: grades up, complaints down
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)

    alarms = inflation_alarms(office, 2026, 2)

    assert [(a.unit, a.score_before, a.score_now, a.complaints_before, a.complaints_now) for a in alarms] == [
        ("临江区民政局", 70.0, 100.0, 1, 4)]
    outsider = factories.user("b", role=Role.APPRAISAL_OFFICE, scope=city.county_b)
    assert inflation_alarms(outsider, 2026, 2) == []

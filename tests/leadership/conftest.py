"""Fixtures of the leadership tests: 临江区民政局 scored 良好 in 2026, with 张三 as its head and 李四 as a
member of its team, and the users who act on it."""

import datetime as dt
from types import SimpleNamespace

import pytest

from kaohe.accounts.roles import Role
from kaohe.appraisal.services import cycle_open
from kaohe.indicators.services import default_content_load
from kaohe.units.models import LeaderRole, UnitResult
from kaohe.units.services import leader_set, unit_grade_decide, unit_run_execute, unit_value_record
from tests import factories

YEAR = 2026
AS_OF = dt.date(2026, 12, 31)
#: values that score 临江区民政局 85, i.e. 良好 (as in tests/units)
GOOD_SERVICE_DEPARTMENT = {"UD01": 85, "UD02": 98, "UD04": 80, "UD05": 85, "UD06": 90, "UC05": 88, "UC02": 85,
                           "UC03": 80, "UC04": 80}


@pytest.fixture
def lead(city):
    default_content_load(actor=None, year=YEAR)
    cycle = cycle_open(actor=None, name="2026年度考核", year=YEAR, root=city.city)
    bureau = city.bureau_a
    for code, value in GOOD_SERVICE_DEPARTMENT.items():
        unit_value_record(actor=None, unit=bureau, year=YEAR, code=code, value=float(value))
    unit_value_record(actor=None, unit=bureau, year=YEAR, code="UC01", level="较好", source="third_party")
    head = leader_set(actor=None, unit=bureau, person=city.zhang_san, role=LeaderRole.HEAD, start=dt.date(2021, 3, 1))
    member = leader_set(actor=None, unit=bureau, person=city.li_si, role=LeaderRole.MEMBER, start=dt.date(2023, 1, 1))
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    committee = factories.user("committee", role=Role.COMMITTEE, scope=city.city)
    unit_run_execute(actor=office, cycle=cycle, as_of=AS_OF)
    return SimpleNamespace(
        city=city, cycle=cycle, bureau=bureau, head=head, member=member, office=office, committee=committee,
        other_committee=factories.user("committee_b", role=Role.COMMITTEE, scope=city.county_b),
        discipline=factories.user("discipline", role=Role.DISCIPLINE, scope=city.city),
        cadre=factories.user("zhangsan", person=city.zhang_san),
        member_user=factories.user("lisi", person=city.li_si),
    )


def grade_unit(lead, grade: int) -> None:
    """The committee decides the bureau's own grade (3 一般 gates its team and its head)."""
    result = UnitResult.objects.get(run__cycle=lead.cycle, run__is_current=True, unit=lead.bureau)
    unit_grade_decide(actor=lead.committee, result=result, grade=grade, reason="年度重点任务未完成")


@pytest.fixture
def client(client):
    """These page tests read the English texts: the language switch's cookie is set."""
    client.cookies["django_language"] = "en"
    return client

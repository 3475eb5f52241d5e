import datetime as dt
from types import SimpleNamespace

import pytest

from kaohe.accounts.roles import Role
from kaohe.appraisal.services import cycle_open
from kaohe.indicators.services import default_content_load
from kaohe.units.services import unit_value_record
from tests import factories

YEAR = 2026
AS_OF = dt.date(2026, 12, 31)
#: 民政局 (a service department of 临江区) with values that score 85 (良好).
GOOD_SERVICE_DEPARTMENT = {"UD01": 85, "UD02": 98, "UD04": 80, "UD05": 85, "UD06": 90, "UC05": 88, "UC02": 85,
                           "UC03": 80, "UC04": 80}


def record_values(unit, values, level="较好"):
    for code, value in values.items():
        unit_value_record(actor=None, unit=unit, year=YEAR, code=code, value=float(value))
    unit_value_record(actor=None, unit=unit, year=YEAR, code="UC01", level=level, source="third_party")


@pytest.fixture
def units(city):
    default_content_load(actor=None, year=YEAR)
    cycle = cycle_open(actor=None, name="2026年度考核", year=YEAR, root=city.city)
    record_values(city.bureau_a, GOOD_SERVICE_DEPARTMENT)
    return SimpleNamespace(
        city=city, cycle=cycle,
        office=factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city),
        committee=factories.user("committee", role=Role.COMMITTEE, scope=city.city),
    )

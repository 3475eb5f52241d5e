import datetime as dt
from types import SimpleNamespace

import pytest

from kaohe.accounts.roles import Role
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from tests import factories
from tests.appraisal.test_scoring_runs import _city_with_people


@pytest.fixture
def scored(db):
    """A small city with a year of data, a cycle and one run; an appraisal-office login."""
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=dt.date(2026, 12, 31))
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    return SimpleNamespace(city=city, cycle=cycle, run=run, office=office)

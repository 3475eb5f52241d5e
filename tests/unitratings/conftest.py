"""Fixtures of ratings between units: 江州市 with three city departments, raters in the counties and the
township, offices at several levels and the unit library of 2026 (UD04, UD05)."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.indicators.services import default_content_load
from kaohe.org.choices import Level, UnitCategory
from kaohe.org.models import CivilServant, Unit
from kaohe.unitratings.models import CollaborationTask, ReverseRound
from kaohe.unitratings.services import collaboration_task_create, reverse_round_create, reverse_scores_cast
from kaohe.units.services import leader_set
from tests import factories
from tests.factories import SmallCity

YEAR = 2026


@dataclass
class World:
    """The small city, its departments, six leading raters below it and the offices that act."""

    city: SmallCity
    finance: Unit
    transport: Unit
    housing: Unit
    raters: list[CivilServant]
    office: User
    county_office: User
    finance_office: User
    transport_office: User
    township_office: User
    users: dict[int, User] = field(default_factory=dict)

    @property
    def departments(self) -> list[Unit]:
        return [self.finance, self.transport, self.housing]

    def user_of(self, person: CivilServant) -> User:
        if person.pk not in self.users:
            self.users[person.pk] = factories.user(f"p{person.staff_no.lower()}", person=person)
        return self.users[person.pk]


@pytest.fixture
def world(city) -> World:
    default_content_load(actor=None, year=YEAR)
    department = {"level": Level.CITY}
    finance = factories.unit("江州市财政局", city.city, category=UnitCategory.GENERAL, **department)
    transport = factories.unit("江州市交通运输局", city.city, category=UnitCategory.LAW_ENFORCEMENT, **department)
    housing = factories.unit("江州市住建局", city.city, category=UnitCategory.SERVICE, **department)
    homes = [city.county_a, city.county_a, city.county_b, city.county_b, city.township_a, city.township_a]
    raters = [factories.person(f"评{i}", unit, leading=True) for i, unit in enumerate(homes)]
    office = factories.user
    return World(
        city=city, finance=finance, transport=transport, housing=housing, raters=raters,
        office=office("city_office", role=Role.APPRAISAL_OFFICE, scope=city.city),
        county_office=office("county_office", role=Role.APPRAISAL_OFFICE, scope=city.county_a),
        finance_office=office("finance_office", role=Role.APPRAISAL_OFFICE, scope=finance),
        transport_office=office("transport_office", role=Role.APPRAISAL_OFFICE, scope=transport),
        township_office=office("township_office", role=Role.APPRAISAL_OFFICE, scope=city.township_a),
    )


@pytest.fixture
def draft(world) -> ReverseRound:
    return reverse_round_create(actor=world.office, government=world.city.city, year=YEAR)


def rate(world: World, rnd: ReverseRound, person: CivilServant, **scores: int | None) -> int:
    """Cast `person`'s scores by department attribute name (finance=80); departments not named are blank."""
    by_id = {getattr(world, name).pk: value for name, value in scores.items()}
    return reverse_scores_cast(actor=world.user_of(person), round=rnd,
                               scores={d.pk: by_id.get(d.pk) for d in world.departments})


@pytest.fixture
def task(world) -> CollaborationTask:
    """河长制 set by the city: finance, transport and the township take part."""
    return collaboration_task_create(actor=world.office, unit=world.city.city, year=YEAR, name="河长制",
                                     participants=[world.finance, world.transport, world.city.township_a])


def head_of(unit: Unit, name: str) -> User:
    """A person made the head of `unit` (UnitLeader), with an account."""
    person = factories.person(name, unit, leading=True)
    leader_set(actor=None, unit=unit, person=person, role="head", start=dt.date(2025, 1, 1))
    return factories.user(f"head{person.pk}", person=person)


@pytest.fixture
def client(client):
    """The page tests read the English texts unless a test switches the language itself."""
    client.cookies["django_language"] = "en"
    return client

"""Fixtures of the ballot tests: a bureau with a leadership department and two departments."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.ballots.models import BallotRound
from kaohe.ballots.services import round_create
from kaohe.org.choices import Level, PostLevel, UnitCategory
from kaohe.org.models import CivilServant, Department, Unit
from kaohe.org.services import department_create, person_create, position_create
from tests import factories

YEAR = 2026
_names = itertools.count(1)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def member(unit: Unit, department: Department, *, leading: bool = False, name: str = "") -> CivilServant:
    """A person in `department`, on a position of their own (leading or not)."""
    n = next(_names)
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 12000)  # a birth date per person: unique ID numbers
    position = position_create(actor=None, department=department, name=f"岗位{n}", is_leading=leading)
    name = name or f"{SURNAMES[n % len(SURNAMES)]}测{n}"
    return person_create(actor=None, unit=unit, staff_no=f"B{n:06d}", name=name,
                         gender="M", birth_date=birth, id_number=factories.id_number(birth),
                         hire_date=dt.date(2012, 7, 1), post_level=PostLevel.PRINCIPAL_4, department=department,
                         position=position)


@dataclass
class Bureau:
    """A bureau: 办公室 (the head), 一科 (a head and `a_size` staff), 二科 (a head and two staff)."""

    unit: Unit
    head: CivilServant
    a_head: CivilServant
    a_staff: list[CivilServant]
    b_head: CivilServant
    b_staff: list[CivilServant]
    office: User
    users: dict[int, User] = field(default_factory=dict)

    @property
    def people(self) -> list[CivilServant]:
        return [self.head, self.a_head, *self.a_staff, self.b_head, *self.b_staff]

    def user_of(self, person: CivilServant) -> User:
        if person.pk not in self.users:
            self.users[person.pk] = factories.user(f"u{person.staff_no.lower()}", person=person)
        return self.users[person.pk]


def build_bureau(a_size: int = 6, *, name: str = "") -> Bureau:
    parent = factories.unit(f"测试区{next(_names)}", level=Level.COUNTY, category=UnitCategory.GENERAL)
    unit = factories.unit(name or f"测试局{next(_names)}", parent)
    office_dept = department_create(actor=None, unit=unit, name="办公室")
    dept_a = department_create(actor=None, unit=unit, name="一科")
    dept_b = department_create(actor=None, unit=unit, name="二科")
    office = factories.user(f"office{next(_names)}", role=Role.APPRAISAL_OFFICE, scope=unit)
    return Bureau(
        unit=unit, head=member(unit, office_dept, leading=True),
        a_head=member(unit, dept_a, leading=True), a_staff=[member(unit, dept_a) for _ in range(a_size)],
        b_head=member(unit, dept_b, leading=True), b_staff=[member(unit, dept_b) for _ in range(2)],
        office=office,
    )


@pytest.fixture
def bureau(db) -> Bureau:
    return build_bureau()


@pytest.fixture
def draft(bureau) -> BallotRound:
    return round_create(actor=bureau.office, unit=bureau.unit, year=YEAR)


def paper(rnd: BallotRound, person: CivilServant) -> list[int]:
    """The ratee ids on a voter's ballot paper."""
    return sorted(rnd.assignments.filter(voter=person).values_list("ratee_id", flat=True))


def cast(rnd: BallotRound, bureau: Bureau, person: CivilServant, score: int = 80, **per_ratee: int):
    """Cast `person`'s ballot: `score` for everyone, or per ratee id given as `r<id>=score`."""
    from kaohe.ballots.services import ballot_cast

    width = 5 if rnd.by_dimension else 1
    scores = {r: (per_ratee.get(f"r{r}", score),) * width for r in paper(rnd, person)}
    return ballot_cast(actor=bureau.user_of(person), round=rnd, scores=scores)

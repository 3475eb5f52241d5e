"""The demo city 江州市: a deterministic, realistic organisation for trying Kaohe and for benchmarks.

Built with bulk writes (one audit event for the whole load) so that 110,000 people load in
minutes. The same `seed` always gives the same city.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kaohe.audit.services import audit_append
from kaohe.demo.names import (
    CITY,
    COUNTIES,
    DEPARTMENT_UNITS,
    GIVEN_COMMON,
    GIVEN_FEMALE,
    GIVEN_MALE,
    SURNAME_WEIGHTS,
    SURNAMES,
    TOWNSHIP_DEPARTMENTS,
    TOWNSHIP_NAMES,
)
from kaohe.org.choices import (
    SANCTION_MONTHS,
    AccountabilityKind,
    Gender,
    LeaveKind,
    Level,
    PostLevel,
    ProtectedKind,
    SanctionKind,
    UnitCategory,
)
from kaohe.org.idcard import check_char
from kaohe.org.models import (
    Accountability,
    CivilServant,
    Department,
    Investigation,
    Leave,
    Position,
    Posting,
    ProtectedState,
    Sanction,
    Unit,
)
from kaohe.org.services import person_fill_derived

BATCH = 2000
TOWNSHIP_CATEGORIES = (
    UnitCategory.TOWNSHIP_URBAN, UnitCategory.TOWNSHIP_INDUSTRIAL, UnitCategory.TOWNSHIP_AGRICULTURAL,
)
# Post levels with their share of people (clerks and principal staff are most).
POST_LEVEL_WEIGHTS = (
    (PostLevel.INSPECTOR_2, 1), (PostLevel.RESEARCHER_1, 2), (PostLevel.RESEARCHER_2, 4),
    (PostLevel.RESEARCHER_3, 6), (PostLevel.RESEARCHER_4, 8), (PostLevel.PRINCIPAL_1, 12),
    (PostLevel.PRINCIPAL_2, 15), (PostLevel.PRINCIPAL_3, 14), (PostLevel.PRINCIPAL_4, 14),
    (PostLevel.CLERK_1, 16), (PostLevel.CLERK_2, 8),
)


@dataclass
class DemoCity:
    root: Unit
    units: list[Unit] = field(default_factory=list)
    people: int = 0


def _units(rng: random.Random, people: int) -> list[tuple[str, str, str, str, str, int | None]]:
    """(code, name, name_en, level, category, parent index) in creation order, parents first."""
    rows: list[tuple[str, str, str, str, str, int | None]] = [(CITY[2], CITY[0], CITY[1], Level.CITY, "", None)]
    for i, (suffix, en, category, _deps) in enumerate(DEPARTMENT_UNITS):
        rows.append((f"{CITY[2]}D{i:02d}", f"江州市{suffix}", f"Jiangzhou {en}", Level.CITY, category, 0))
    townships = max(3, min(len(TOWNSHIP_NAMES), people // 3000))
    for c, (name, en, code) in enumerate(COUNTIES):
        county_index = len(rows)
        rows.append((code, name, en, Level.COUNTY, UnitCategory.GENERAL, 0))
        for i, (suffix, dep_en, category, _deps) in enumerate(DEPARTMENT_UNITS):
            rows.append((f"{code}D{i:02d}", f"{name}{suffix}", f"{en} {dep_en}", Level.COUNTY, category, county_index))
        for t in range(townships):
            base = TOWNSHIP_NAMES[(t + c * 7) % len(TOWNSHIP_NAMES)]
            kind = "街道" if c < 5 and t % 2 == 0 else "镇"
            category = TOWNSHIP_CATEGORIES[(t + c) % 3] if kind == "镇" else UnitCategory.TOWNSHIP_URBAN
            name_en = f"{base} {'Subdistrict' if kind == '街道' else 'Town'}"
            rows.append((f"{code}T{t:02d}", f"{name}{base}{kind}", name_en, Level.TOWNSHIP, category, county_index))
    return rows


def _create_units(rng: random.Random, people: int) -> list[Unit]:
    specs = _units(rng, people)
    units: list[Unit] = []
    for code, name, name_en, level, category, parent_index in specs:
        parent = units[parent_index] if parent_index is not None else None
        unit = Unit.objects.create(code=code, name=name, name_en=name_en, level=level, category=category,
                                   parent=parent, path="/")
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        units.append(unit)
    Unit.objects.bulk_update(units, ["path", "depth"])
    return units


def _create_departments(units: list[Unit]) -> dict[int, list[list[Position]]]:
    """Departments and positions per unit: a leading post, a deputy, staff posts, risk posts."""
    by_suffix = {suffix: deps for suffix, _en, _cat, deps in DEPARTMENT_UNITS}
    departments: list[Department] = []
    for unit in units[1:]:
        if unit.level == Level.TOWNSHIP:
            names: tuple[str, ...] = TOWNSHIP_DEPARTMENTS
        else:
            names = next((deps for suffix, deps in by_suffix.items() if unit.name.endswith(suffix)), ())
            names = ("办公室", *names)
        departments += [Department(unit=unit, name=n) for n in names]
    Department.objects.bulk_create(departments, batch_size=BATCH)
    positions: list[Position] = []
    for dep in departments:
        risky = "执法" in dep.name or "财务" in dep.name or "基金" in dep.name or "监管" in dep.name
        positions += [
            Position(department=dep, name=f"{dep.name}负责人", difficulty=Decimal("1.30"), is_leading=True,
                     is_risk_post=risky),
            Position(department=dep, name=f"{dep.name}副职", difficulty=Decimal("1.20")),
            Position(department=dep, name="执法岗" if risky else "业务岗", difficulty=Decimal("1.10"),
                     is_risk_post=risky),
            Position(department=dep, name="综合岗", difficulty=Decimal("1.00")),
        ]
    Position.objects.bulk_create(positions, batch_size=BATCH)
    by_unit: dict[int, list[list[Position]]] = {}
    for i in range(0, len(positions), 4):
        by_unit.setdefault(positions[i].department.unit_id, []).append(positions[i : i + 4])
    return by_unit


def _pick_position(rng: random.Random, departments: list[list[Position]], leads: set[int]) -> Position:
    """The first person placed in a department leads it; the rest are deputies or staff."""
    slots = departments[rng.randrange(len(departments))]
    if slots[0].pk not in leads:
        leads.add(slots[0].pk)
        return slots[0]
    return slots[1] if rng.random() < 0.1 else slots[2 + rng.randrange(2)]


def _weights(units: list[Unit]) -> list[float]:
    """How people spread: township and county staff are ~60% (DOMAIN.md scale)."""
    return [0.0 if u.depth == 0 or (u.level == Level.COUNTY and u.category == UnitCategory.GENERAL and u.depth == 1)
            else (1.6 if u.level == Level.CITY else 1.0) for u in units]


class _IdNumbers:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, rng: random.Random, region: str, birth: dt.date, gender: str) -> str:
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            if first17 not in self.used:
                self.used.add(first17)
                return first17 + check_char(first17)


def _person(rng: random.Random, index: int, unit: Unit, position: Position, ids: _IdNumbers,
            today: dt.date) -> CivilServant:
    gender = Gender.MALE if rng.random() < 0.55 else Gender.FEMALE
    given_pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
    given = rng.choice(given_pool) if rng.random() < 0.35 else rng.choice(GIVEN_COMMON) + rng.choice(given_pool)
    name = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0] + given
    birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 34 * 365))
    hire = max(birth + dt.timedelta(days=22 * 365 + rng.randrange(0, 8 * 365)), dt.date(1988, 7, 1))
    hire = min(hire, today - dt.timedelta(days=rng.randrange(30, 400)))
    probation_end = hire + dt.timedelta(days=365) if hire + dt.timedelta(days=365) > today else None
    levels, weights = zip(*POST_LEVEL_WEIGHTS, strict=True)
    post_level = PostLevel.CLERK_2 if probation_end else rng.choices(levels, weights=weights)[0]
    region = unit.code[:6] if unit.code[:6].isdigit() else "360100"
    person = CivilServant(
        staff_no=f"JZ{index:07d}", name=name, gender=gender, birth_date=birth,
        id_number=ids.make(rng, region, birth, gender), phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        hire_date=hire, probation_end=probation_end, post_level=post_level, unit=unit,
        department=position.department, position=position,
    )
    person_fill_derived(person)
    return person


def _records(rng: random.Random, people: list[CivilServant], year: int) -> None:
    """Personnel records that the scoring rules react to, at realistic rates."""
    start = dt.date(year, 1, 1)
    sanctions: list[Sanction] = []
    accountabilities: list[Accountability] = []
    leaves: list[Leave] = []
    protected: list[ProtectedState] = []
    investigations: list[Investigation] = []
    for person in people:
        roll = rng.random()
        day = start + dt.timedelta(days=rng.randrange(0, 300))
        if roll < 0.010:
            sanctions.append(Sanction(person=person, kind=SanctionKind.WARNING, start_date=day,
                                      months=SANCTION_MONTHS[SanctionKind.WARNING], reason="工作失职"))
        elif roll < 0.013:
            sanction = rng.choice([SanctionKind.DEMERIT, SanctionKind.MAJOR_DEMERIT])
            sanctions.append(Sanction(person=person, kind=sanction, start_date=day, months=SANCTION_MONTHS[sanction],
                                      reason="违反工作纪律"))
        elif roll < 0.018:
            accountabilities.append(Accountability(person=person, kind=AccountabilityKind.ADMONITION, date=day,
                                                   reason="履职不力"))
        elif roll < 0.026:
            days = rng.randrange(20, 200)
            leaves.append(Leave(person=person, kind=rng.choice(list(LeaveKind)), start_date=day,
                                end_date=day + dt.timedelta(days=days * 7 // 5), days=days))
        elif roll < 0.034 and person.gender == Gender.FEMALE:
            kind = rng.choice([ProtectedKind.PREGNANCY, ProtectedKind.MATERNITY, ProtectedKind.NURSING])
            protected.append(ProtectedState(person=person, kind=kind, start_date=day,
                                            end_date=day + dt.timedelta(days=158)))
        elif roll < 0.036:
            protected.append(ProtectedState(person=person, kind=ProtectedKind.INJURY_ON_DUTY, start_date=day))
        elif roll < 0.037:
            investigations.append(Investigation(person=person, start_date=day))
    Sanction.objects.bulk_create(sanctions, batch_size=BATCH)
    Accountability.objects.bulk_create(accountabilities, batch_size=BATCH)
    Leave.objects.bulk_create(leaves, batch_size=BATCH)
    ProtectedState.objects.bulk_create(protected, batch_size=BATCH)
    Investigation.objects.bulk_create(investigations, batch_size=BATCH)


def build_demo_city(*, people: int, seed: int, today: dt.date,
                    progress: Callable[[int, int], None] | None = None) -> DemoCity:
    rng = random.Random(seed)
    with transaction.atomic():
        units = _create_units(rng, people)
        positions = _create_departments(units)
        weights = _weights(units)
        ids = _IdNumbers()
        leads: set[int] = set()
        created: list[CivilServant] = []
        for start in range(0, people, BATCH):
            batch = []
            for index in range(start, min(start + BATCH, people)):
                unit = rng.choices(units, weights=weights)[0]
                position = _pick_position(rng, positions[unit.pk], leads)
                batch.append(_person(rng, index + 1, unit, position, ids, today))
            CivilServant.objects.bulk_create(batch, batch_size=BATCH)
            Posting.objects.bulk_create(
                [Posting(person=p, unit=p.unit, department=p.department, position=p.position, start_date=p.hire_date)
                 for p in batch], batch_size=BATCH)
            created += batch
            if progress:
                progress(len(created), people)
        _records(rng, created, today.year)
        audit_append(actor=None, action="demo.city.load", object_type="unit", object_id=units[0].pk,
                     detail={"people": people, "seed": seed, "units": len(units)})
    return DemoCity(root=units[0], units=units, people=len(created))

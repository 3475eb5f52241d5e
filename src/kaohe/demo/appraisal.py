"""The demo city's appraisal year: quarterly grades with 业绩/潜力, unit leaders and unit values, the demo
staff member's commitment and logs, the outside sources (QR ratings, a 民主测评 round, 12345 records: `sources`),
a cycle scored for people and for units — so every page has data.

Deterministic for a seed. Built after `build_demo_year` filled the value sheets; quarters are graded up
to the last one that ended before `today`.
"""

import datetime as dt
import random

import numpy as np
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.appraisal.models import QuarterGrade
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from kaohe.collection.sheets import sheet_matrix
from kaohe.demo.sources import build_demo_sources
from kaohe.indicators.adapter import library_for_year
from kaohe.org.models import CivilServant, Unit
from kaohe.units.models import LeaderRole, UnitLeader
from kaohe.units.scoring import appraised_units
from kaohe.units.services import unit_run_execute, unit_value_record
from kaohe.worklog.services import (
    commitment_approve,
    commitment_save,
    commitment_submit,
    task_progress,
    worklog_write,
)

RUBRIC_LEVELS = ("好", "较好", "一般", "较差")


def build_demo_appraisal(*, year: int, seed: int, today: dt.date) -> None:
    """Everything after the value sheets, in order: quarters, leaders, unit values, work, the cycle's runs."""
    rng = random.Random(seed * 104729 + year)
    _quarter_grades(rng, year, today)
    root = Unit.objects.get(parent__isnull=True)
    cycle = cycle_open(actor=None, name=f"{year}年度考核", year=year, root=root)
    units = [unit for members in appraised_units(cycle).values() for unit in members]
    _leaders(units, year)
    _unit_values(rng, units, year)
    _staff_work(rng, year, today)
    build_demo_sources(year=year, seed=seed, today=today)  # before the runs: they score what the sources fed
    unit_run_execute(actor=None, cycle=cycle, as_of=today)
    scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=today)


def _quarter_grades(rng: random.Random, year: int, today: dt.date) -> None:
    """The sheets' quarter grades as graded records (with 业绩/潜力) for the quarters already over."""
    ended = [q for q in range(1, 5) if dt.date(year, 3 * q, 28) < today]
    sheet = sheet_matrix(year)
    moment = timezone.now()
    records = []
    for q in ended:
        for pid, grade in zip(sheet.person_ids.tolist(), sheet.column(f"q{q}").tolist(), strict=True):
            if grade != grade:  # NaN: nobody graded
                continue
            performance = max(1, min(3, 4 - int(grade) + rng.choice((-1, 0, 0, 0))))
            records.append(QuarterGrade(person_id=pid, year=year, quarter=q, grade=int(grade), graded_at=moment,
                                        performance=performance, potential=rng.choices((1, 2, 3), (2, 5, 3))[0]))
    QuarterGrade.objects.bulk_create(records, batch_size=2000)


def _leaders(units: list[Unit], year: int) -> None:
    """Each appraised unit's head and party secretary: its first two people in leading positions."""
    start = dt.date(year - 2, 1, 1)
    rows = []
    for unit in units:
        leading = list(CivilServant.objects.filter(unit=unit, position__is_leading=True).order_by("id")[:2])
        for person, role in zip(leading, (LeaderRole.HEAD, LeaderRole.PARTY_SECRETARY), strict=False):
            rows.append(UnitLeader(unit=unit, person=person, role=role, start=start))
    UnitLeader.objects.bulk_create(rows)


def _unit_values(rng: random.Random, units: list[Unit], year: int) -> None:
    """A value of every unit indicator for every appraised unit, from the indicator's own source."""
    library = list(library_for_year(year).filter(subject="unit"))
    with transaction.atomic():
        for unit in units:
            strength = rng.betavariate(5, 2)
            for indicator in library:
                if indicator.rule_kind == "rubric":
                    level = rng.choices(RUBRIC_LEVELS, (2 + 4 * strength, 4, 2 - strength, 0.3))[0]
                    unit_value_record(actor=None, unit=unit, year=year, code=indicator.code, level=level,
                                      source=indicator.source)
                    continue
                value = _unit_number(rng, indicator.rule_kind, strength)
                unit_value_record(actor=None, unit=unit, year=year, code=indicator.code, value=value,
                                  source=indicator.source)


def _unit_number(rng: random.Random, rule: str, strength: float) -> float:
    if rule == "lower_better":
        return round(max(0.0, rng.gauss(1.5 - strength, 0.6)), 2)
    if rule == "deduct_below":
        return round(min(100.0, rng.gauss(96 + strength * 3, 1.5)), 1)
    return round(float(np.clip(rng.gauss(80 + strength * 15, 5), 40, 100)), 1)


def _staff_work(rng: random.Random, year: int, today: dt.date) -> None:
    """The demo staff login's commitment (approved) and a fortnight of work logs."""
    staff = User.objects.filter(username="staff").select_related("person").first()
    if staff is None or staff.person is None:
        return
    tasks = [{"title": title, "target": target, "start": dt.date(year, 1, 15).isoformat(),
              "deadline": dt.date(year, month, 28).isoformat()}
             for title, target, month in (("社会救助审核时限压缩", "平均办结时限不超过 10 个工作日", 6),
                                          ("执法案卷评查", "案卷合格率 100%", 9),
                                          ("窗口服务满意度提升", "扫码满意率达到 95%", 12))]
    commitment = commitment_save(actor=staff, year=year, tasks=tasks)
    commitment_approve(actor=None, commitment=commitment_submit(actor=staff, commitment=commitment))
    for task, progress in zip(commitment.tasks.order_by("deadline"), (100, 55, 30), strict=False):
        task_progress(actor=staff, task=task, progress=progress)
    for days in range(1, 15):
        day = today - dt.timedelta(days=days)
        if day.weekday() < 5:
            worklog_write(actor=staff, date=day, text=rng.choice(("受理并审核救助申请", "参加执法案卷评查",
                                                                  "窗口值班，办理群众事项", "整理季度工作台账")))

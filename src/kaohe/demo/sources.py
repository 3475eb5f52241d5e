"""The demo year's outside sources, written through the apps' own services: public QR ratings (with their
follow-up cases), one closed 民主测评 round in a few units, and 12345 hotline records.

Built by `build_demo_appraisal` before the scoring runs, so that what these sources feed (public
satisfaction, 360° aggregates, complaints answered on time) is what the runs score. Deterministic for a
seed (each source draws from its own generator), except what the apps randomise themselves (ballot keys
and order). The amounts grow with the city and are capped, so a city of 110,000 loads them in seconds.
"""

import contextlib
import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.audit.services import audit_append
from kaohe.ballots.choices import RaterRole
from kaohe.ballots.models import BallotRound
from kaohe.ballots.services import ballot_cast, round_close, round_create, round_open, round_rater_add
from kaohe.core.calendar import work_calendar
from kaohe.core.errors import ApplicationError
from kaohe.demo.hotline_texts import PERSON_COMPLAINTS, PRAISE, PROBITY, QUESTIONS, UNIT_COMPLAINTS, UNIT_PRAISE
from kaohe.engine.calendar import UnknownYear
from kaohe.hotline.models import Channel as HotlineChannel
from kaohe.hotline.models import Classification, HotlineRecord
from kaohe.hotline.models import Satisfaction as HotlineSatisfaction
from kaohe.hotline.services import (
    HotlineIn,
    hotline_indicators_feed,
    hotline_record_substantiate,
    hotline_records_store,
)
from kaohe.org.choices import Level, PersonStatus, UnitCategory
from kaohe.org.models import CivilServant, Department, Unit
from kaohe.ratings.choices import BAD_LEVEL_FROM, Channel, TargetKind
from kaohe.ratings.models import FollowUp
from kaohe.ratings.satisfaction import period
from kaohe.ratings.services import (
    BATCH_ACTION,
    MAX_BATCH,
    follow_up_close,
    follow_up_contest,
    follow_up_rectify,
    follow_up_review,
    follow_up_visit,
    person_window_assign,
    satisfaction_record,
    targets_ensure,
    window_create,
)
from kaohe.ratings.store import RatingIn, store_ratings
from kaohe.ratings.tokens import Claim


def build_demo_sources(*, year: int, seed: int, today: dt.date) -> None:
    """QR ratings, a ballot round in three units, and 12345 records for the year up to `today`."""
    people = CivilServant.objects.filter(status=PersonStatus.ACTIVE).count()
    _ratings(random.Random(seed * 15485863 + year), people, year, today)
    _ballots(random.Random(seed * 32452843 + year), year)
    _hotline(random.Random(seed * 49979687 + year), people, year, today)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    calendar = work_calendar()
    days = []
    day = start
    while day <= end:
        try:
            working = calendar.is_working_day(day)
        except UnknownYear:
            working = day.weekday() < 5
        if working:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# QR ratings -------------------------------------------------------------------------------------------

# Level weights 非常满意 … 非常不满意 of an ordinary target: mostly 满意 or better, about 2% 差评.
LEVEL_WEIGHTS = (58.0, 30.0, 10.0, 1.5, 0.5)
GOOD_COMMENTS = ("办事效率高，一次就办好了", "工作人员很耐心，讲解清楚", "服务热情周到", "材料一次性告知，很方便",
                 "没想到这么快就办结了，点赞")
MIDDLE_COMMENTS = ("还可以，就是排队的人有点多", "办好了，但是等了比较久")
BAD_COMMENTS = ("排队等了两个多小时，窗口只开了一个", "材料要求前后说法不一致，来回跑了三趟",
                "工作人员态度冷淡，问了也不解释", "系统一直故障，今天白跑一趟", "说好三天办结，一周了还没消息")
CHANNELS: tuple[str, ...] = (Channel.SCAN, Channel.PHONE, Channel.QUESTIONNAIRE)
CHANNEL_WEIGHTS = (80, 12, 8)
WINDOWS = (("1", "综合受理"), ("2", "出件"))


@dataclass(frozen=True)
class _Rated:
    """A target with the ratings it gets per full quarter (a quarter in progress gets its share so far)."""

    target_id: int
    kind: str
    per_quarter: tuple[int, int]
    quality: float


def _ratings(rng: random.Random, people: int, year: int, today: dt.date) -> None:
    """Ratings of people and windows of some service units and townships, day by day through the store.

    One person a unit gets 100+ ratings a full quarter (a measured satisfaction), up to three others fewer
    than 100 in the whole year (insufficient sample); bad ratings open follow-up cases, which the units
    then answer; the year's satisfaction goes into the people's QR-rating indicators.
    """
    units = _rated_units(rng, _clamp(people // 500, 2, 12))
    with_windows = _clamp(people // 1000, 1, 12)
    rated: list[_Rated] = []
    for i, unit in enumerate(units):
        windows = [window_create(actor=None, unit=unit, number=number, name=name)
                   for number, name in WINDOWS] if i < with_windows else []
        targets = targets_ensure(actor=None, unit=unit)
        people_targets = sorted((t for t in targets if t.kind == TargetKind.PERSON), key=lambda t: t.pk)
        for j, target in enumerate(rng.sample(people_targets, min(len(people_targets), 4))):
            if j == 0:  # the unit's busiest window clerk
                rated.append(_Rated(target.pk, target.kind, (105, 160), rng.betavariate(6, 2)))
                if windows:
                    person_window_assign(actor=None, target=target, window=windows[0])
            else:
                rated.append(_Rated(target.pk, target.kind, (4, 24), rng.betavariate(5, 2)))
        for window in windows:
            rated.append(_Rated(window.rating_target.pk, TargetKind.WINDOW, (120, 200), rng.betavariate(6, 2)))
    _store_ratings(rng, rated, year, today)
    _answer_follow_ups(rng, today)
    for unit in units:
        satisfaction_record(actor=None, unit=unit, year=year)


def _rated_units(rng: random.Random, count: int) -> list[Unit]:
    """Service units and townships with at least two people in post (window staff are found there)."""
    in_post = Count("people", filter=Q(people__status=PersonStatus.ACTIVE))
    units: list[Unit] = list(Unit.objects.filter(Q(category=UnitCategory.SERVICE) | Q(level=Level.TOWNSHIP))
                             .annotate(n=in_post).filter(n__gte=2).order_by("code"))
    service = [u for u in units if u.category == UnitCategory.SERVICE]
    towns = [u for u in units if u.level == Level.TOWNSHIP]
    n_towns = min(len(towns), max(1, count // 3))
    return rng.sample(service, min(len(service), count - n_towns)) + rng.sample(towns, n_towns)


def _store_ratings(rng: random.Random, rated: Sequence[_Rated], year: int, today: dt.date) -> None:
    """Each target's ratings spread over the working days of each quarter up to `today`, stored a day at a
    time (one transaction and audit event a day, as a rating terminal's batch would be)."""
    by_day: dict[dt.date, list[tuple[_Rated, int]]] = defaultdict(list)
    for quarter in range(1, 5):
        days = _working_days(*period(year, quarter))
        elapsed = [d for d in days if d <= today]
        if not elapsed:
            break
        for target in rated:
            weights = (LEVEL_WEIGHTS[0] * (0.5 + target.quality), *LEVEL_WEIGHTS[1:3],
                       *(w * (1.5 - target.quality) for w in LEVEL_WEIGHTS[3:]))
            for _ in range(round(rng.randint(*target.per_quarter) * len(elapsed) / len(days))):
                by_day[rng.choice(elapsed)].append((target, rng.choices((1, 2, 3, 4, 5), weights)[0]))
    for day in sorted(by_day):
        items = [RatingIn(claim=Claim(target.kind, target.target_id, f"SL{day:%Y%m%d}{n:05d}"), level=level,
                          comment=_comment(rng, level), channel=rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0])
                 for n, (target, level) in enumerate(by_day[day], start=1)]
        for first in range(0, len(items), MAX_BATCH):
            store_ratings(items[first:first + MAX_BATCH], action=BATCH_ACTION, today=day)


def _comment(rng: random.Random, level: int) -> str:
    if level >= BAD_LEVEL_FROM:
        return rng.choice(BAD_COMMENTS) if rng.random() < 0.8 else ""
    if level == 3:
        return rng.choice(MIDDLE_COMMENTS) if rng.random() < 0.2 else ""
    return rng.choice(GOOD_COMMENTS) if rng.random() < 0.05 else ""


VISIT_NOTES = ("已电话回访群众，说明了办理时限和所需材料，群众表示理解。", "已上门回访，当面致歉并听取意见。")
RECTIFY_NOTES = ("已调整窗口排班，高峰时段增开窗口。", "已统一材料清单并在窗口公示，组织全员学习。",
                 "已对相关人员批评教育，纳入月度作风考评。")
CLOSE_NOTES = ("经核实，材料要求符合规定，已向群众解释清楚。", "系统故障已由省平台修复，群众事项已办结。")


def _answer_follow_ups(rng: random.Random, today: dt.date) -> None:
    """Older cases visited and then rectified or closed; one contest upheld, one awaiting review; the
    newest three cases still await their visit (a few older ones too: they show as overdue)."""
    cases = list(FollowUp.objects.select_related("unit").order_by("opened_on", "id"))
    old = [c for c in cases if (today - c.opened_on).days > 14]
    contested = old[len(old) // 3: len(old) // 3 + 2] if len(old) >= 6 else []
    newest = cases[-3:]
    for case in cases:
        age = (today - case.opened_on).days
        visit_on = min(today, case.opened_on + dt.timedelta(days=rng.randint(1, 3)))
        answer_on = min(today, visit_on + dt.timedelta(days=rng.randint(1, 4)))
        if case in contested:
            follow_up_contest(actor=None, follow_up=case, reason="该评价所涉事项不属于本单位职责，系误评。",
                              on=visit_on)
            if case == contested[0]:
                follow_up_review(actor=None, follow_up=case, uphold=True, note="经核实属实，该评价不计入统计。",
                                 on=answer_on)
        elif case in newest:
            continue
        elif age > 14 and rng.random() < 0.95:
            follow_up_visit(actor=None, follow_up=case, note=rng.choice(VISIT_NOTES), on=visit_on)
            if rng.random() < 0.6:
                follow_up_rectify(actor=None, follow_up=case, note=rng.choice(RECTIFY_NOTES), on=answer_on)
            else:
                follow_up_close(actor=None, follow_up=case, note=rng.choice(CLOSE_NOTES), on=answer_on)
        elif age > 5 and rng.random() < 0.7:
            follow_up_visit(actor=None, follow_up=case, note=rng.choice(VISIT_NOTES), on=visit_on)


# 民主测评 ------------------------------------------------------------------------------------------------

MAX_RATEES = 12
MAX_VOTERS = 40
TURNOUT = 0.92


def _ballots(rng: random.Random, year: int) -> None:
    """A closed round in three units (the demo leader's first): the people of one department each, rated
    by their superiors and peers, plus service recipients added for two of them — as many as the anonymity
    minimum for the first (shown), two for the second (hidden, like a lone superior)."""
    for number, (unit, ratees) in enumerate(_ballot_units()):
        rnd = round_create(actor=None, unit=unit, year=year, name=f"{unit.name} {year}年度民主测评",
                           ratees=ratees, by_dimension=number == 1)
        outsiders = list(CivilServant.objects.filter(status=PersonStatus.ACTIVE).exclude(unit=unit)
                         .order_by("id").values_list("id", flat=True)[:200])
        recipients = rng.sample(outsiders, min(len(outsiders), rnd.anonymity_min + 2))
        for ratee, voters in zip(ratees[:2], (recipients[:rnd.anonymity_min], recipients[rnd.anonymity_min:]),
                                 strict=False):
            for voter in voters:
                round_rater_add(actor=None, round=rnd, voter=CivilServant.objects.get(pk=voter), ratee=ratee,
                                role=RaterRole.RECIPIENT)
        round_open(actor=None, round=rnd)
        _vote(rng, rnd, added=set(recipients))
        round_close(actor=None, round=rnd)


def _ballot_units() -> list[tuple[Unit, list[CivilServant]]]:
    """Three units, each with one department's people as ratees: the demo leader's unit first, then the
    units of the departments best suited elsewhere — the largest of at most `MAX_VOTERS` people (their
    peers are many enough to be shown), else the smallest larger one (the round stays quick to load)."""
    staff = User.objects.filter(username="staff").select_related("person").first()
    first = staff.person.unit_id if staff and staff.person else None
    departments = sorted(
        Department.objects.annotate(n=Count("people", filter=Q(people__status=PersonStatus.ACTIVE))).filter(n__gt=0)
        .values_list("n", "id", "unit_id"),
        key=lambda row: (row[0] > MAX_VOTERS, row[0] if row[0] > MAX_VOTERS else -row[0], row[1]))
    picked: dict[int, int] = {}
    for _n, department, unit in departments:
        if unit == first and unit not in picked:
            picked[unit] = department
    for _n, department, unit in departments:
        if len(picked) < 3 and unit not in picked:
            picked[unit] = department
    chosen = []
    for unit_id, department in picked.items():
        ratees = list(CivilServant.objects.filter(department_id=department, status=PersonStatus.ACTIVE)
                      .order_by("-position__is_leading", "id")[:MAX_RATEES])
        chosen.append((Unit.objects.get(pk=unit_id), ratees))
    return chosen


def _vote(rng: random.Random, rnd: BallotRound, *, added: set[int]) -> None:
    """Most rostered voters vote (`TURNOUT`; every added rater does), each rating their whole ballot paper."""
    papers: dict[int, list[int]] = defaultdict(list)
    for voter, ratee in rnd.assignments.order_by("voter_id", "ratee_id").values_list("voter_id", "ratee_id"):
        papers[voter].append(ratee)
    standing = {ratee: rng.gauss(86, 5) for ratee in sorted({r for rs in papers.values() for r in rs})}
    users = _voter_accounts(sorted(papers))
    width = 5 if rnd.by_dimension else 1
    for voter, ratees in sorted(papers.items()):
        if voter not in added and rng.random() > TURNOUT:
            continue
        scores = {r: tuple(max(50, min(100, round(rng.gauss(standing[r], 6)))) for _ in range(width))
                  for r in ratees}
        ballot_cast(actor=users[voter], round=rnd, scores=scores)


def _voter_accounts(person_ids: list[int]) -> dict[int, User]:
    """The voters' logins: the existing ones, and for the others an account under their staff number that
    cannot log in until an administrator sets a password (one audit event for all, like the city load)."""
    users = {u.person_id: u for u in User.objects.filter(person_id__in=person_ids) if u.person_id is not None}
    missing = CivilServant.objects.filter(pk__in=[p for p in person_ids if p not in users]).order_by("id")
    new = [User(username=person.staff_no.lower(), display_name=person.name, person=person,
                password=make_password(None)) for person in missing]
    if new:
        with transaction.atomic():
            User.objects.bulk_create(new)
            audit_append(actor=None, action="demo.voters.load", object_type="user", object_id="",
                         detail={"accounts": len(new)})
        users.update({u.person_id: u for u in User.objects.filter(person_id__in=person_ids) if u.person_id is not None})
    return users


# 12345 hotline ----------------------------------------------------------------------------------------

HOTLINE_CHANNELS: tuple[str, ...] = (HotlineChannel.PHONE, HotlineChannel.APP, HotlineChannel.WECHAT,
                                     HotlineChannel.WEB)
HOTLINE_CHANNEL_WEIGHTS = (60, 15, 15, 10)
# (share, kind): complaints about a person or a unit, praise of a person or a unit, questions
HOTLINE_MIX = ((38, "person_complaint"), (4, "probity"), (10, "unit_complaint"), (24, "praise"),
               (6, "unit_praise"), (18, "question"))


def _hotline(rng: random.Random, people: int, year: int, today: dt.date) -> None:
    """12345 cases of the year naming demo people and units, stored month by month as the platform sends
    them; the probity complaints reviewed by the discipline office; their indicators fed."""
    root = Unit.objects.get(parent__isnull=True)
    last = min(today, timezone.localdate())
    if last.year != year:
        return
    named = _hotline_people(rng, _clamp(people // 20, 30, 150))
    units = list(Unit.objects.filter(depth__gt=0, people__status=PersonStatus.ACTIVE).distinct().order_by("code"))
    if not named or not units:
        return
    items: dict[int, list[HotlineIn]] = defaultdict(list)
    days = (last - dt.date(year, 1, 1)).days + 1
    kinds, weights = zip(*((kind, share) for share, kind in HOTLINE_MIX), strict=True)
    for n in range(_clamp(people // 8, 150, 500)):
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(days))
        kind = rng.choices(kinds, weights)[0]
        name, unit = rng.choice(named)
        if kind in ("unit_complaint", "unit_praise", "question"):
            unit = rng.choice(units).name
        template = rng.choice({"person_complaint": PERSON_COMPLAINTS, "probity": PROBITY, "praise": PRAISE,
                               "unit_complaint": UNIT_COMPLAINTS, "unit_praise": UNIT_PRAISE,
                               "question": QUESTIONS}[kind])
        complaint = kind in ("person_complaint", "probity", "unit_complaint")
        late = complaint and rng.random() < 0.12
        hours = rng.uniform(130, 320) if late else rng.uniform(4, 110)
        satisfaction = (rng.choices([HotlineSatisfaction.SATISFIED, HotlineSatisfaction.BASIC,
                                     HotlineSatisfaction.DISSATISFIED], (2, 3, 5) if late else (6, 3, 1))[0]
                        if complaint or kind == "question" else "")
        items[day.month].append(HotlineIn(
            case_no=f"12345{day:%Y%m%d}{n:05d}", received_on=day, text=template.format(name=name, unit=unit),
            channel=rng.choices(HOTLINE_CHANNELS, HOTLINE_CHANNEL_WEIGHTS)[0],
            resolution_hours=round(hours, 1), satisfaction=satisfaction))
    for month in sorted(items):
        batch = sorted(items[month], key=lambda i: (i.received_on, i.case_no))
        hotline_records_store(actor=None, items=batch, scope_unit=root, source="12345",
                              batch=f"12345-{year}{month:02d}")
    _hotline_review(year)


def _hotline_people(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(name, unit name) of people the citizens name: staff of law-enforcement and service units and
    townships, whose names are unique within their unit (so the text names one person)."""
    rows = list(CivilServant.objects.filter(status=PersonStatus.ACTIVE)
                .exclude(unit__category=UnitCategory.GENERAL, unit__level__in=[Level.CITY, Level.COUNTY])
                .order_by("id").values_list("name", "unit__name"))
    seen = Counter(rows)
    rows = [row for row in rows if seen[row] == 1]
    return rng.sample(rows, min(len(rows), count))


def _hotline_review(year: int) -> None:
    """The discipline office reviews the probity complaints (the first substantiated, the last still
    open); the appraisal office feeds the indicators (JI05, LI03)."""
    inspector = User.objects.filter(username="inspector").first()
    probity = list(HotlineRecord.objects.filter(probity=True, classification=Classification.COMPLAINT,
                                                person__isnull=False).select_related("person__unit")
                   .order_by("received_on", "id"))
    if inspector is not None:
        for i, record in enumerate(probity[:-1]):
            hotline_record_substantiate(actor=inspector, record=record, substantiated=i == 0)
    office = User.objects.filter(username="office").first()
    if office is not None:
        with contextlib.suppress(ApplicationError):  # no complaint of the year names a person: nothing to feed
            hotline_indicators_feed(actor=office, year=year)

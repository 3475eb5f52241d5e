"""Role × endpoint × scope over the JSON API: a caller of 青阳县 (county B) never reads 临江区 (county A).

Every GET operation of the OpenAPI schema must have an entry in ROUTES (a new endpoint fails the first test
until someone says how to aim it at county A). Each entry names
- `refused`: calls naming a county-A object (a path id, or a `unit`/`run` filter): every county-B caller gets
  403/404, while county A's own office gets 2xx (so the object is real and readable: the refusal is the scope);
- `readable`: calls a county-B caller may make (lists, global objects, county-B objects, the city's cycle):
  never a 5xx, never a county-A name or id in the answer, and 2xx for the roles in `ok` (a positive control).
The world is built once per module through the services, each county furnished alike (`_furnish`).
"""

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import transaction

from kaohe.accounts.roles import PEOPLE_READER_ROLES, SCOPED_ROLES, Role
from kaohe.analytics.reports import LISTS
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from kaohe.ballots.services import round_close, round_create, round_open
from kaohe.config.api import api
from kaohe.demo.year import build_demo_year
from kaohe.feeds.services import value_import_upload
from kaohe.hotline.services import HotlineIn, hotline_records_store
from kaohe.indicators.models import Indicator, Scheme
from kaohe.indicators.services import default_content_load
from kaohe.leadership.services import cadre_appraisal_open
from kaohe.org.choices import Level, UnitCategory
from kaohe.org.models import CivilServant, Unit
from kaohe.ratings.models import FollowUp
from kaohe.ratings.services import rating_submit, targets_ensure
from kaohe.unitratings.services import (
    collaboration_task_close,
    collaboration_task_create,
    reverse_round_close,
    reverse_round_create,
    reverse_round_open,
)
from kaohe.units.models import LeaderRole
from kaohe.units.services import leader_set, unit_run_execute
from tests import factories
from tests.feeds.files import xlsx
from tests.ratings.conftest import SEPT_30, visit_item

YEAR, AS_OF = 2026, dt.date(2026, 12, 31)
CALLERS = [Role.CIVIL_SERVANT, *sorted(SCOPED_ROLES)]  # 陈七 himself, and every role held over a unit: 青阳县
NAMED_IN_A = ("张三", "李四", "孙八", "王五", "赵六", "临江区")  # "临江区" starts every county-A unit name
PERSON_KEYS, UNIT_KEYS = {"person_id", "ratee_id"}, {"unit_id", "government_id", "participants[]"}
OFFICE, SUP, COMM, DISC = Role.APPRAISAL_OFFICE, Role.SUPERVISOR, Role.COMMITTEE, Role.DISCIPLINE
READERS, ANALYSTS = PEOPLE_READER_ROLES, {OFFICE, SUP, COMM, DISC}
GET_PATHS = sorted(p for p, ops in api.get_openapi_schema()["paths"].items() if "get" in ops)


@dataclass(frozen=True)
class Route:
    readable: Callable[[SimpleNamespace], list[dict]]
    refused: Callable[[SimpleNamespace], list[dict]] | None = None  # None: global by design, or nothing to name
    ok: frozenset[str] = frozenset()  # callers who must get 2xx on every readable call...
    shows: str = ""  # ...and see this county-B text in one of the answers (so a clean answer is not an empty one)


def _r(readable, refused=None, ok=(), shows=""):
    return Route(readable, refused, frozenset(ok), shows)


ROUTES: dict[str, Route] = {
    "/api/org/units": _r(lambda w: [{}], ok=CALLERS, shows="青阳县民政局"),
    "/api/org/units/{unit_id}": _r(lambda w: [{"unit_id": w.b.bureau.pk}], lambda w: [{"unit_id": w.a.bureau.pk}],
                                   CALLERS, "青阳县民政局"),
    "/api/org/people": _r(lambda w: [{}, {"unit_id": w.b.bureau.pk}, {"q": "张"}],
                          lambda w: [{"unit_id": w.a.bureau.pk}], CALLERS, "陈七"),
    "/api/org/people/{person_id}": _r(lambda w: [{"person_id": w.b.person.pk}],
                                      lambda w: [{"person_id": w.a.person.pk}, {"person_id": w.a.station_person.pk}],
                                      CALLERS, "陈七"),
    "/api/indicators/library": _r(lambda w: [{}], ok=CALLERS, shows="DE01"),
    "/api/indicators/library/{indicator_id}": _r(lambda w: [{"indicator_id": w.indicator.pk}], ok=CALLERS),
    "/api/indicators/diff": _r(lambda w: [{"year_from": YEAR - 1, "year_to": YEAR}], ok=CALLERS),
    "/api/indicators/schemes": _r(lambda w: [{}], ok=CALLERS),
    "/api/indicators/schemes/{scheme_id}": _r(lambda w: [{"scheme_id": w.scheme.pk}], ok=CALLERS),
    "/api/feeds/imports/{import_id}": _r(lambda w: [{"import_id": w.b.value_import.pk}],
                                         lambda w: [{"import_id": w.a.value_import.pk}], {OFFICE}, "values.xlsx"),
    "/api/ratings/reasons": _r(lambda w: [{}], ok=CALLERS),
    "/api/ratings/follow-ups": _r(lambda w: [{"all": True}], ok={OFFICE, SUP}, shows="青阳县民政局"),
    "/api/ratings/follow-ups/{follow_up_id}": _r(lambda w: [{"follow_up_id": w.b.follow_up.pk}],
                                                 lambda w: [{"follow_up_id": w.a.follow_up.pk}],
                                                 {OFFICE, SUP, DISC}, "青阳县民政局"),
    "/api/ratings/satisfaction": _r(lambda w: [{"person_ids": [*w.a.people, w.b.person.pk], "year": YEAR}],
                                    ok=CALLERS),
    "/api/ballots/rounds": _r(lambda w: [{}], ok={OFFICE, SUP}, shows="青阳县民政局"),
    "/api/ballots/rounds/{round_id}/results": _r(lambda w: [{"round_id": w.b.ballot.pk}],
                                                 lambda w: [{"round_id": w.a.ballot.pk}], {OFFICE, SUP}, "陈七"),
    "/api/ballots/mine": _r(lambda w: [{}], ok=CALLERS),
    "/api/hotline/records": _r(lambda w: [{"year": YEAR}], ok=READERS, shows="B1"),
    **{f"/api/analytics/{name}": _r(lambda w: [{}, {"run": w.b.run.pk, "unit": w.b.county.pk}],
                                    lambda w: [{"unit": w.a.county.pk}, {"unit": w.a.bureau.pk},
                                               {"run": w.a.run.pk}], ANALYSTS, "青阳县")
       for name in ("dashboard", "leniency", "mutual", "correlation", "clusters", "dea")},
    "/api/analytics/lists/{kind}": _r(lambda w: [{"kind": kind} for kind in LISTS],
                                      lambda w: [{"kind": "results", "unit": w.a.county.pk},
                                                 {"kind": "results", "run": w.a.run.pk}], ANALYSTS, "陈七"),
    "/api/analytics/notices/{run_id}/{person_id}": _r(
        lambda w: [{"run_id": w.b.run.pk, "person_id": w.b.person.pk}],
        lambda w: [{"run_id": w.b.run.pk, "person_id": w.a.person.pk},  # the city's run: readable, 张三 not
                   {"run_id": w.a.run.pk, "person_id": w.a.person.pk}], {Role.CIVIL_SERVANT, *ANALYSTS}, "陈七"),
    **{f"/api/leadership/cycles/{{cycle_id}}/{name}": _r(lambda w: [{"cycle_id": w.b.cycle.pk}],  # the city's cycle
                                                        lambda w: [{"cycle_id": w.a.cycle.pk}],
                                                        {OFFICE, COMM, DISC}, shows)
       for name, shows in (("teams", "青阳县民政局"), ("cadres", "陈七"), ("distribution", ""))},
    "/api/unitratings/reverse/rounds": _r(lambda w: [{}], ok={OFFICE, SUP, COMM}, shows="青阳县"),
    "/api/unitratings/reverse/rounds/{round_id}/results": _r(
        lambda w: [{"round_id": w.b.reverse.pk}], lambda w: [{"round_id": w.a.reverse.pk}], {OFFICE, SUP, COMM},
        "青阳县民政局"),
    "/api/unitratings/collaboration/tasks": _r(lambda w: [{}], ok={OFFICE, SUP, COMM}, shows="河长制"),
    "/api/unitratings/collaboration/tasks/{task_id}/results": _r(
        lambda w: [{"task_id": w.b.task.pk}], lambda w: [{"task_id": w.a.task.pk}], {OFFICE, SUP, COMM},
        "青阳县民政局"),
    "/api/units/cycles/{cycle_id}/results": _r(lambda w: [{"cycle_id": w.b.cycle.pk}],
                                               lambda w: [{"cycle_id": w.a.cycle.pk}], READERS, "青阳县民政局"),
    "/api/units/cycles/{cycle_id}/results/{unit_id}": _r(
        lambda w: [{"cycle_id": w.b.cycle.pk, "unit_id": w.b.bureau.pk}],
        lambda w: [{"cycle_id": w.b.cycle.pk, "unit_id": w.a.bureau.pk},  # the city's cycle: readable, the unit not
                   {"cycle_id": w.a.cycle.pk, "unit_id": w.a.bureau.pk}], READERS, "青阳县民政局"),
    "/api/units/units/{unit_id}/collection-rate": _r(lambda w: [{"unit_id": w.b.bureau.pk, "year": YEAR}],
                                                     lambda w: [{"unit_id": w.a.bureau.pk, "year": YEAR}], READERS),
}


# The world ------------------------------------------------------------------------------------------------

def _furnish(county: Unit, bureau: Unit, township: Unit, person: CivilServant, office, cycle, run) -> SimpleNamespace:
    """One county's objects, built alike for both counties through the services."""
    targets_ensure(actor=None, unit=bureau)
    rating_submit(item=visit_item(person.rating_target, f"scope-{person.pk}", level=5), today=SEPT_30)
    data = xlsx([[person.staff_no, person.name, "JI02", YEAR, 0, 97.5, None, None]])
    value_import = value_import_upload(actor=office, name="values.xlsx", file=io.BytesIO(data), size=len(data))
    ballot = round_create(actor=None, unit=bureau, year=YEAR)
    round_close(actor=None, round=round_open(actor=None, round=ballot))
    raters = list(CivilServant.objects.filter(unit=township))
    reverse = reverse_round_create(actor=None, government=county, year=YEAR, raters=raters, anonymity_min=3)
    reverse_round_close(actor=None, round=reverse_round_open(actor=None, round=reverse))
    task = collaboration_task_create(actor=None, unit=county, year=YEAR, name="河长制", participants=[bureau, township])
    collaboration_task_close(actor=None, task=task)
    return SimpleNamespace(
        county=county, bureau=bureau, person=person, cycle=cycle, run=run, ballot=ballot, reverse=reverse, task=task,
        follow_up=FollowUp.objects.get(unit=bureau), value_import=value_import,
        people=list(CivilServant.objects.filter(unit__path__startswith=county.path).values_list("pk", flat=True)))


def _build() -> SimpleNamespace:
    city = factories.small_city()
    township_b = factories.unit("青阳县城关镇", city.county_b, level=Level.TOWNSHIP,
                                category=UnitCategory.TOWNSHIP_URBAN)
    for unit in (city.bureau_a, city.station_a, city.township_a, city.bureau_b, township_b):
        for i in range(4):
            factories.person(f"{unit.name[:3]}员{i}", unit)
    default_content_load(actor=None, year=YEAR)
    build_demo_year(year=YEAR, seed=3)
    for bureau, head in ((city.bureau_a, city.zhang_san), (city.bureau_b, city.chen_qi)):
        leader = leader_set(actor=None, unit=bureau, person=head, role=LeaderRole.HEAD, start=dt.date(2021, 3, 1))
        cadre_appraisal_open(actor=None, leader=leader, kind="annual", start_year=YEAR)
    cycles = {root: cycle_open(actor=None, name=f"{root.name}{YEAR}年度考核", year=YEAR, root=root)
              for root in (city.city, city.county_a)}
    runs = {root: scoring_run_execute(run=scoring_run_create(actor=None, cycle=c), as_of=AS_OF)
            for root, c in cycles.items()}
    for cycle in cycles.values():
        unit_run_execute(actor=None, cycle=cycle, as_of=AS_OF)
    callers = {role: factories.user(f"b-{role}", role=role, scope=city.county_b) for role in SCOPED_ROLES}
    callers[Role.CIVIL_SERVANT] = factories.user("b-civil-servant", person=city.chen_qi)
    office_a = factories.user("a-office", role=Role.APPRAISAL_OFFICE, scope=city.county_a)
    hotline_records_store(actor=None, scope_unit=city.city, source="manual", batch="scope", items=[
        HotlineIn("A1", dt.date(2026, 2, 10), "投诉临江区民政局张三态度恶劣，材料交了两个月没有回复。"),
        HotlineIn("B1", dt.date(2026, 3, 1), "投诉青阳县民政局陈七态度恶劣，很不满意。")])
    a = _furnish(city.county_a, city.bureau_a, city.township_a, city.zhang_san, office_a, cycles[city.county_a],
                 runs[city.county_a])
    b = _furnish(city.county_b, city.bureau_b, township_b, city.chen_qi, callers[Role.APPRAISAL_OFFICE],
                 cycles[city.city], runs[city.city])  # county B reads the city's cycle: its root contains county B
    a.station_person = city.sun_ba
    county_a_people = CivilServant.objects.filter(unit__path__startswith=city.county_a.path)
    return SimpleNamespace(
        a=a, b=b, callers=callers, office_a=office_a, indicator=Indicator.objects.first(),
        scheme=Scheme.objects.first(),
        a_person_ids=set(county_a_people.values_list("pk", flat=True)),
        a_person_names=set(county_a_people.values_list("name", flat=True)),
        a_unit_ids=set(Unit.objects.filter(path__startswith=city.county_a.path).values_list("pk", flat=True)))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once (the runs take seconds) in a transaction that is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


# Calling and reading answers ------------------------------------------------------------------------------

def _call(client, user, path: str, params: dict):
    client.force_login(user)
    names = {k: v for k, v in params.items() if f"{{{k}}}" in path}
    return client.get(path.format(**names), {k: v for k, v in params.items() if k not in names})


def _leaks(w, response) -> list[str]:
    """County-A names (in any string) and county-A person or unit ids (under their keys) in a JSON answer."""
    found: list[str] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, f"{key}[]")
        elif isinstance(value, str) and (value in w.a_person_names or any(n in value for n in NAMED_IN_A)):
            found.append(value)
        elif isinstance(value, int) and ((key in PERSON_KEYS and value in w.a_person_ids)
                                         or (key in UNIT_KEYS and value in w.a_unit_ids)):
            found.append(f"{key}={value}")

    walk(json.loads(response.content or b"null"))
    return found


def _route(path: str) -> Route:
    if path not in ROUTES:
        pytest.fail(f"GET {path} is not in ROUTES: say how a county-A object is named on it, or why none is")
    return ROUTES[path]


# The matrix -----------------------------------------------------------------------------------------------

def test_every_get_operation_of_the_schema_is_in_the_matrix():
    assert sorted(set(GET_PATHS) - ROUTES.keys()) == []
    assert sorted(ROUTES.keys() - set(GET_PATHS)) == []  # no stale entries either


@pytest.mark.parametrize("caller", [*CALLERS, "a-office"])
@pytest.mark.parametrize("path", [p for p in GET_PATHS if p not in ROUTES or ROUTES[p].refused])
def test_a_county_a_object_is_refused_to_every_county_b_caller_and_served_to_its_own_office(
        db, client, world, path, caller):
    for params in _route(path).refused(world):
        if caller == "a-office":
            response = _call(client, world.office_a, path, params)
            assert 200 <= response.status_code < 300, (params, response.content[:300])
        else:
            response = _call(client, world.callers[caller], path, params)
            assert response.status_code in (403, 404), (params, response.status_code, response.content[:300])
            assert _leaks(world, response) == [], params


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("path", GET_PATHS)
def test_what_a_county_b_caller_reads_holds_no_county_a_name_or_id(db, client, world, path, caller):
    route, answers = _route(path), []
    for params in route.readable(world):
        response = _call(client, world.callers[caller], path, params)

        assert response.status_code < 500, (params, response.content[:300])
        assert _leaks(world, response) == [], (params, response.status_code)
        if caller in route.ok:
            assert 200 <= response.status_code < 300, (params, response.status_code, response.content[:300])
        answers.append(json.dumps(response.json(), ensure_ascii=False))
    if caller in route.ok:
        assert route.shows in " ".join(answers)

"""Daily work: logs, weekly plans feeding 周计划完成率, commitments with approval and revision,
the ledger, special tasks feeding 专项, and the lights of targets."""

import datetime as dt

import pytest

from kaohe.accounts.roles import Role
from kaohe.collection.sheets import sheet_matrix
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.engine.warnings import Light
from kaohe.indicators.services import default_content_load
from kaohe.worklog import services
from kaohe.worklog.models import Commitment, LedgerEntry
from kaohe.worklog.selectors import target_lights
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city):
    default_content_load(actor=None, year=2026)
    return {
        "zs": factories.user("zs", person=city.zhang_san),
        "boss": factories.user("boss", role=Role.SUPERVISOR, scope=city.bureau_a),
        "city": city,
    }


def test_weekly_plans_feed_the_completion_indicator(people):
    zs = people["zs"]
    services.weekly_plan_save(actor=zs, week_start=dt.date(2026, 3, 2),
                              items=[{"task": "整理台账", "done": True}, {"task": "走访", "done": False}])
    services.weekly_plan_save(actor=zs, week_start=dt.date(2026, 3, 9), items=[{"task": "培训", "done": True}])

    assert sheet_matrix(2026, person_ids=[zs.person_id]).column("QI02").tolist() == [75.0]


def test_a_weekly_plan_must_start_on_monday(people):
    with pytest.raises(ApplicationError, match="Monday"):
        services.weekly_plan_save(actor=people["zs"], week_start=dt.date(2026, 3, 3), items=[{"task": "x"}])


def _tasks(progress_start="2026-01-01"):
    return [{"title": "推进一网通办", "target": "办件上网率90%", "start": progress_start, "deadline": "2026-12-31"}]


def test_a_commitment_is_approved_and_a_revision_needs_a_reason_and_approval(people):
    zs, boss = people["zs"], people["boss"]
    draft = services.commitment_save(actor=zs, year=2026, tasks=_tasks())
    services.commitment_submit(actor=zs, commitment=draft)
    services.commitment_approve(actor=boss, commitment=draft)

    with pytest.raises(ApplicationError, match="why"):
        services.commitment_save(actor=zs, year=2026, tasks=_tasks())
    revision = services.commitment_save(actor=zs, year=2026, tasks=_tasks("2026-02-01"), reason="政策调整")
    assert Commitment.objects.get(person=zs.person, year=2026, superseded=False).pk == draft.pk
    services.commitment_submit(actor=zs, commitment=revision)
    services.commitment_approve(actor=boss, commitment=revision)

    current = Commitment.objects.get(person=zs.person, year=2026, superseded=False)
    assert (current.pk, current.version) == (revision.pk, 2)


def test_a_lagging_task_shows_red_and_an_on_time_one_green(people):
    zs, boss = people["zs"], people["boss"]
    draft = services.commitment_save(actor=zs, year=2026, tasks=[*_tasks(),
        {"title": "完成调研报告", "target": "报告1份", "start": "2026-01-01", "deadline": "2026-12-31"}])
    services.commitment_submit(actor=zs, commitment=draft)
    services.commitment_approve(actor=boss, commitment=draft)
    slow, fast = draft.tasks.order_by("id")
    services.task_progress(actor=zs, task=slow, progress=20)
    services.task_progress(actor=zs, task=fast, progress=95)

    lights = {light.title: light.light for light in target_lights(boss, dt.date(2026, 7, 2))}

    assert lights == {"推进一网通办": Light.RED, "完成调研报告": Light.GREEN}


def test_a_supervisor_of_another_unit_cannot_write_the_ledger(people):
    other = factories.user("other", role=Role.SUPERVISOR, scope=people["city"].bureau_b)

    with pytest.raises(PermissionDeniedError):
        services.ledger_write(actor=other, person=people["city"].zhang_san, kind="notable", text="表现突出")

    assert not LedgerEntry.objects.exists()


def test_special_task_results_make_the_special_component(people):
    city, boss = people["city"], people["boss"]
    flood = services.special_task_create(actor=boss, unit=city.bureau_a, title="防汛抢险", target="零伤亡",
                                         start=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 31),
                                         participants=[city.zhang_san])
    drill = services.special_task_create(actor=boss, unit=city.bureau_a, title="应急演练", target="按时完成",
                                         start=dt.date(2026, 9, 1), deadline=dt.date(2026, 9, 30),
                                         participants=[city.zhang_san])
    services.special_task_result(actor=boss, task=flood, person=city.zhang_san, score=96)
    services.special_task_result(actor=boss, task=drill, person=city.zhang_san, score=88)

    assert sheet_matrix(2026, person_ids=[city.zhang_san.pk]).column("special").tolist() == [92.0]


def test_my_work_page_saves_a_log_and_the_board_shows_lights(client, people):
    from kaohe.worklog.models import WorkLog

    client.force_login(people["zs"])
    client.post("/work/", {"action": "log", "text": "走访困难群众三户"})
    client.force_login(people["boss"])
    board = client.get("/work/board/")

    assert WorkLog.objects.get(person=people["zs"].person).text == "走访困难群众三户"
    assert board.status_code == 200

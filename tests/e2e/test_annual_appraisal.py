"""One small unit through a whole annual appraisal in the browser: summary, vote, supervisor, proposal,
committee, 公示, decision, notice signed in disagreement, a review that changes 不称职, final."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kaohe.accounts.roles import Role
from kaohe.appraisal.models import Appraisal
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from kaohe.demo.year import build_demo_year
from kaohe.indicators.services import default_content_load
from tests import factories
from tests.browser import CHROMIUM_ARGS, login  # noqa: F401

pytestmark = pytest.mark.e2e

SUMMARY = "本年度认真履职，牵头完成社会救助数据整改，群众满意度明显提升。"


@pytest.fixture
def year(transactional_db):
    city = factories.small_city()
    for i in range(8):
        factories.person(f"同事{i}", city.bureau_a)
    default_content_load(actor=None, year=2026)
    build_demo_year(year=2026, seed=5)
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=dt.date(2026, 12, 31))
    users = {
        "office": factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city),
        "boss": factories.user("boss", role=Role.SUPERVISOR, scope=city.bureau_a),
        "zs": factories.user("zs", person=city.zhang_san),
        "ls": factories.user("ls", person=city.li_si),
        **{f"c{i}": factories.user(f"c{i}", role=Role.COMMITTEE, scope=city.city) for i in range(3)},
    }
    return city, cycle, users


def _as(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username, factories.PASSWORD)
    return page


def test_a_unit_goes_through_the_whole_annual_appraisal(browser, live_server, year):
    city, cycle, _users = year
    office = _as(browser, live_server, "office")
    office.goto(f"/cycles/{cycle.pk}/")
    office.get_by_role("button", name="1. 为所有人开启年度考核").click()

    for username in ("zs", "ls"):
        person = _as(browser, live_server, username)
        person.goto("/appraisal/mine/")
        person.fill("#m-summary", SUMMARY)
        person.get_by_role("button", name="提交个人总结").click()
        expect(person.get_by_test_id("my-step")).to_have_text("民主测评")
    for name in [f"同事{i}" for i in range(8)]:
        Appraisal.objects.filter(cycle=cycle, person__name=name).update(summary=SUMMARY, step="vote")

    office.goto(f"/appraisal/cycles/{cycle.pk}/units/{city.bureau_a.pk}/")
    office.get_by_role("button", name="民主测评已结束：全部进入下一步").click()

    boss = _as(browser, live_server, "boss")
    boss.goto(f"/appraisal/cycles/{cycle.pk}/units/{city.bureau_a.pk}/")
    for row in boss.locator("tr[data-testid^=row-]").all():
        row.get_by_role("textbox").fill("工作认真负责")
        row.get_by_role("button", name="提出建议").click()
    expect(boss.locator("tr[data-testid=row-张三]")).to_contain_text("系统建议等次")

    office.goto(f"/cycles/{cycle.pk}/")
    office.get_by_role("button", name="2. 采用当前评分结果的建议等次").click()

    committee = _as(browser, live_server, "c0")
    committee.goto(f"/appraisal/cycles/{cycle.pk}/committee/")
    committee.get_by_label("等次：张三").select_option("4")
    committee.locator(f"input[name=reason_{_id(cycle, '张三')}]").fill("年内两次严重工作失误")
    committee.get_by_label("等次：李四").select_option("1")
    committee.locator(f"input[name=reason_{_id(cycle, '李四')}]").fill("牵头完成重点任务")
    committee.get_by_role("button", name="保存考核委员会意见").click()
    expect(committee.locator("body")).not_to_contain_text("未保存任何内容")

    office.goto(f"/cycles/{cycle.pk}/")
    office.select_option("#p-unit", label="临江区民政局")
    office.fill("input[name=start]", (dt.date.today() - dt.timedelta(days=14)).isoformat())
    office.get_by_role("button", name="开启公示").click()
    expect(office.get_by_test_id("published")).to_contain_text("李*")

    committee.goto(f"/appraisal/cycles/{cycle.pk}/committee/")
    for box in committee.locator("input[name=decide]").all():
        box.check()
    committee.get_by_role("button", name="确定所勾选人员的结果并通知本人").click()

    zs = _as(browser, live_server, "zs")
    zs.goto("/appraisal/mine/")
    expect(zs.get_by_test_id("notice")).to_contain_text("不称职")
    zs.get_by_role("radio", name="不同意").check()
    zs.fill("#m-opinion", "失误已及时纠正，未造成损失")
    zs.get_by_role("button", name="签署通知").click()
    zs.fill("#m-grounds", "两次失误均已纠正并未造成后果，申请复核")
    zs.get_by_role("button", name="提交申请").click()
    expect(zs.locator("main")).to_contain_text("复核 ·")

    office.goto("/appeals/")
    office.locator("main").get_by_role("link", name="复核 #").first.click()
    for i in range(3):
        office.get_by_label(f"c{i}").check()
    office.get_by_role("button", name="受理").click()

    committee.goto(office.url)
    committee.get_by_label("改为").check()
    committee.select_option("select[name=new_grade]", "2")
    committee.fill("#c-decision", "经复核，失误已纠正且未造成损失，改为称职")
    committee.get_by_role("button", name="记录决定").click()
    expect(committee.get_by_test_id("case-status")).to_contain_text("decided")

    zs.goto("/appraisal/mine/")
    expect(zs.get_by_test_id("notice")).to_contain_text("称职")
    assert Appraisal.objects.get(cycle=cycle, person=city.zhang_san).final_grade == 2
    assert Appraisal.objects.get(cycle=cycle, person=city.li_si).final_grade == 1


def _id(cycle, name):
    return Appraisal.objects.get(cycle=cycle, person__name=name).pk

"""Units scored by the engine, and what a unit's result does to its staff's quota and its head."""

from decimal import Decimal

import pytest

from kaohe.appraisal.models import RunResult
from kaohe.appraisal.selectors import result_explain
from kaohe.appraisal.services import scoring_run_create, scoring_run_execute
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.units.models import UnitResult, UnitValue
from kaohe.units.quota import staff_effects
from kaohe.units.scoring import appraised_units
from kaohe.units.services import (
    commendation_record,
    leader_set,
    quota_approval_record,
    unit_grade_decide,
    unit_run_execute,
    unit_value_record,
)
from tests import factories
from tests.units.conftest import AS_OF, YEAR, record_values

pytestmark = pytest.mark.django_db


def _result(units, unit):
    return UnitResult.objects.get(run__cycle=units.cycle, run__is_current=True, unit=unit)


def test_townships_by_type_departments_by_category_and_sections_by_the_five_goods_are_appraised(units):
    found = {category: {u.name for u in members} for category, members in appraised_units(units.cycle).items()}
    assert found == {"u_dept_service": {"临江区民政局", "青阳县民政局"}, "u_town_urban": {"临江区城关街道"},
                     "u_section": {"临江区社会救助站"}}


def test_a_department_is_scored_and_graded_with_its_explanation(units):
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    result = _result(units, units.city.bureau_a)
    assert result.grade == 2  # 良好: 80 ≤ composite < 90
    assert 80 <= result.composite < 90
    assert result.scores["UD02"] == 100.0
    codes = [item["code"] for item in result.explanation]
    assert "points_lost" in codes
    assert codes[-1] == "grade_proposed"
    assert result.explanation[-1]["params"]["grade_zh"] == "良好"
    assert _result(units, units.city.bureau_b).grade == 0  # no values: nothing to grade


@pytest.mark.parametrize(("grade", "commendations", "percent"), [
    (2, 0, "12"), (2, 1, "14"), (3, 0, "10"), (4, 0, "8"), (1, 0, "15"),
    (1, 1, "15"),  # 17% wanted, capped at the plan profile's 15% without an approval
])
def test_the_units_grade_sets_its_staff_quota_exactly_as_configured(units, grade, commendations, percent):
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    UnitResult.objects.filter(unit=units.city.bureau_a).update(decided_grade=grade)
    for n in range(commendations):
        commendation_record(actor=units.office, unit=units.city.bureau_a, year=YEAR, title=f"集体嘉奖{n}")
    assert staff_effects(units.cycle).ratios[units.city.bureau_a.pk] == Decimal(percent) / 100


def test_a_recorded_approval_lets_the_quota_pass_the_ceiling_up_to_what_was_approved(units):
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    UnitResult.objects.filter(unit=units.city.bureau_a).update(decided_grade=1)
    for n in range(2):
        commendation_record(actor=units.office, unit=units.city.bureau_a, year=YEAR, title=f"集体嘉奖{n}")
    with pytest.raises(PermissionDeniedError):
        quota_approval_record(actor=units.office, unit=units.city.bureau_a, year=YEAR, ratio_percent=Decimal(18),
                              reason="获省级集体表彰")
    quota_approval_record(actor=units.committee, unit=units.city.bureau_a, year=YEAR, ratio_percent=Decimal(18),
                          reason="获省级集体表彰")
    assert staff_effects(units.cycle).ratios[units.city.bureau_a.pk] == Decimal("0.18")  # 19% wanted, 18% approved


def test_the_staff_quota_reaches_the_scoring_run_and_its_explanation(units):
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=units.cycle), as_of=AS_OF)
    result = RunResult.objects.get(run=run, person=units.city.zhang_san)
    items = {i.code: i for i in result_explain(run, result).explanation.items}
    assert items["group_quota_ratio"].params["ratio"] == Decimal("12.00")


def test_the_head_of_a_unit_graded_fair_is_blocked_from_excellent_with_the_reason(units):
    leader_set(actor=units.office, unit=units.city.bureau_a, person=units.city.zhang_san, role="head",
               start=AS_OF.replace(month=1, day=1))
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    unit_grade_decide(actor=units.committee, result=_result(units, units.city.bureau_a), grade=3,
                      reason="重点工作完成不理想")
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=units.cycle), as_of=AS_OF)
    zhang = RunResult.objects.get(run=run, person=units.city.zhang_san)
    li = RunResult.objects.get(run=run, person=units.city.li_si)
    assert zhang.grade != 1
    assert "gate_unit_head" in [i.code for i in result_explain(run, zhang).explanation.items]
    assert "gate_unit_head" not in [i.code for i in result_explain(run, li).explanation.items]


def test_a_poor_party_building_result_gates_the_party_secretary(units):
    record_values(units.city.bureau_a, {}, level="较差")
    leader_set(actor=units.office, unit=units.city.bureau_a, person=units.city.li_si, role="secretary",
               start=AS_OF.replace(month=1, day=1))
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    assert staff_effects(units.cycle).secretary_gate == {units.city.li_si.pk}


def test_the_committee_cannot_give_more_excellent_than_the_groups_quota(units):
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    result = _result(units, units.city.bureau_a)  # alone in its group: 20% of 1 rounds down to no place
    with pytest.raises(ApplicationError, match="places"):
        unit_grade_decide(actor=units.committee, result=result, grade=1, reason="表现突出")
    assert _result(units, units.city.bureau_a).decided_grade is None


def test_a_bad_value_is_refused_and_changes_nothing(units):
    before = UnitValue.objects.count()
    with pytest.raises(ApplicationError, match="not a unit indicator"):
        unit_value_record(actor=units.office, unit=units.city.bureau_a, year=YEAR, code="JI01", value=90.0)
    with pytest.raises(ApplicationError, match="levels"):
        unit_value_record(actor=units.office, unit=units.city.bureau_a, year=YEAR, code="UC01", level="优")
    assert UnitValue.objects.count() == before
    assert AuditEvent.objects.filter(action="units.value.record").count() == before


def test_the_units_page_explains_and_takes_the_committees_decision(units, client):
    unit_run_execute(actor=units.office, cycle=units.cycle, as_of=AS_OF)
    client.force_login(units.committee)
    url = f"/cycles/{units.cycle.pk}/units/{units.city.bureau_a.pk}/"
    page = client.get(url).content.decode()
    assert "unit-radar" in page
    assert "12%" in page
    client.post(url + "act/", {"action": "grade", "grade": 3, "reason": "重点工作滞后"})
    assert _result(units, units.city.bureau_a).decided_grade == 3
    client.force_login(factories.user("outsider", role="committee", scope=units.city.county_b))
    assert client.get(url).status_code == 404

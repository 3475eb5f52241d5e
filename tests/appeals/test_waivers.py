"""容错免责: apply, the discipline review with the three distinctions, and what an approval does to scoring."""

import datetime as dt

import pytest

from kaohe.accounts.roles import Role
from kaohe.appeals.models import Waiver, WaiverMaterial
from kaohe.appeals.services import waiver_decide, waiver_file, waiver_material_read
from kaohe.appraisal.models import RunResult
from kaohe.appraisal.selectors import result_explain
from kaohe.appraisal.services import scoring_run_create, scoring_run_execute
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from tests import factories

pytestmark = pytest.mark.django_db

ACCOUNT = "在推行容缺受理改革中先行先试，因流程衔接不畅导致部分办件超期，未谋取私利。"
ALL_HOLD = {"trial_not_defiance": True, "exploration_not_prohibited": True, "public_not_private": True}


@pytest.fixture
def deduction(scored):
    """张三's first indicator that cost him points in the run, and a discipline inspector."""
    result = RunResult.objects.get(run=scored.run, person=scored.city.zhang_san)
    lost = [i for i in result_explain(scored.run, result).explanation.items if i.code == "points_lost"]
    inspector = factories.user("jw", role=Role.DISCIPLINE, scope=scored.city.city)
    return lost[0].params["indicator"], inspector


def _rerun(scored):
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=scored.cycle), as_of=dt.date(2026, 12, 31))
    result = RunResult.objects.get(run=run, person=scored.city.zhang_san)
    return result, result_explain(run, result).explanation


def test_an_approved_waiver_gives_the_points_back_and_the_explanation_says_why(scored, deduction):
    code, inspector = deduction
    before = RunResult.objects.get(run=scored.run, person=scored.city.zhang_san).composite
    zs = factories.user("zs", person=scored.city.zhang_san)
    waiver = waiver_file(actor=zs, person=scored.city.zhang_san, year=2026, indicator_code=code, account=ACCOUNT,
                         materials=[("情况说明.pdf", b"%PDF-1.4 ...")])
    waiver_decide(actor=inspector, waiver=waiver, findings=ALL_HOLD, approve=True, share=100,
                  decision="符合三个区分开来，予以免责。")

    result, explanation = _rerun(scored)
    assert result.composite > before
    assert [i.params["indicator"] for i in explanation.items if i.code == "fault_tolerance_waiver"] == [code]
    assert code not in [i.params.get("indicator") for i in explanation.items if i.code == "points_lost"]
    assert AuditEvent.objects.filter(action="appeals.waiver.decide", object_id=str(waiver.pk)).exists()


def test_a_rejected_waiver_changes_nothing(scored, deduction):
    code, inspector = deduction
    before = RunResult.objects.get(run=scored.run, person=scored.city.zhang_san).composite
    waiver = waiver_file(actor=scored.office, person=scored.city.zhang_san, year=2026, indicator_code=code,
                         account=ACCOUNT)
    waiver_decide(actor=inspector, waiver=waiver, findings={**ALL_HOLD, "public_not_private": False},
                  approve=False, share=0, decision="存在谋取私利情形，不予免责。")

    result, explanation = _rerun(scored)
    assert result.composite == before
    assert "fault_tolerance_waiver" not in [i.code for i in explanation.items]


def test_approval_needs_all_three_distinctions_and_only_discipline_decides(scored, deduction):
    code, inspector = deduction
    waiver = waiver_file(actor=scored.office, person=scored.city.zhang_san, year=2026, indicator_code=code,
                         account=ACCOUNT)
    with pytest.raises(ApplicationError, match="三个区分开来"):
        waiver_decide(actor=inspector, waiver=waiver, findings={**ALL_HOLD, "trial_not_defiance": False},
                      approve=True, share=100, decision="符合条件，予以免责。")
    with pytest.raises(PermissionDeniedError):
        waiver_decide(actor=scored.office, waiver=waiver, findings=ALL_HOLD, approve=True, share=100,
                      decision="符合条件，予以免责。")
    assert Waiver.objects.get(pk=waiver.pk).status == "filed"


def test_materials_are_encrypted_at_rest_and_each_read_is_audited(scored, deduction):
    code, inspector = deduction
    waiver = waiver_file(actor=scored.office, person=scored.city.zhang_san, year=2026, indicator_code=code,
                         account=ACCOUNT, materials=[("会议纪要.txt", "集体研究决定先行先试".encode())])
    material = WaiverMaterial.objects.get(waiver=waiver)
    assert "先行先试".encode() not in bytes(material.content)
    assert waiver_material_read(actor=inspector, material=material).decode() == "集体研究决定先行先试"
    assert AuditEvent.objects.filter(action="appeals.waiver.material_read").count() == 1


def test_an_unknown_indicator_or_an_executable_attachment_is_refused(scored):
    with pytest.raises(ApplicationError, match="no indicator"):
        waiver_file(actor=scored.office, person=scored.city.zhang_san, year=2026, indicator_code="NOPE",
                    account=ACCOUNT)
    with pytest.raises(ApplicationError, match="attach PDF"):
        waiver_file(actor=scored.office, person=scored.city.zhang_san, year=2026, indicator_code="JI01",
                    account=ACCOUNT, materials=[("run.exe", b"MZ")])
    assert not Waiver.objects.exists()


def test_the_pages_take_an_application_and_the_inspectors_decision(scored, deduction, client):
    code, inspector = deduction
    zs = factories.user("zs", person=scored.city.zhang_san)
    client.force_login(zs)
    response = client.post("/waivers/", {"year": 2026, "indicator": code, "account": ACCOUNT})
    waiver = Waiver.objects.get()
    assert response.status_code == 302
    assert waiver.person == scored.city.zhang_san

    client.force_login(inspector)
    refused = client.post(f"/waivers/{waiver.pk}/", {"approve": "yes", "share": 50, "decision": "理由充分，予以免责。"})
    assert "三个区分开来" in refused.content.decode()
    assert refused.status_code == 400
    client.post(f"/waivers/{waiver.pk}/", {**dict.fromkeys(ALL_HOLD, "yes"), "approve": "yes", "share": 50,
                                          "decision": "理由充分，予以免责。"})
    assert Waiver.objects.get().share == 50

    client.force_login(factories.user("ls", person=scored.city.li_si))
    assert client.get(f"/waivers/{waiver.pk}/").status_code == 404

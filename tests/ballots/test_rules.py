"""Who rates whom: superiors and department peers, never oneself, never a close relative (回避)."""

import pytest

from kaohe.audit.models import AuditEvent
from kaohe.ballots.models import RaterAssignment, Relationship
from kaohe.ballots.rules import Member, relative_pairs, structural_roster
from kaohe.ballots.services import relationship_record, round_open, round_rater_add, round_rater_remove
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from tests import factories
from tests.ballots.conftest import build_bureau

LEAD_DEPT, DEPT_A = 1, 2
HEAD = Member(1, LEAD_DEPT, leading=True)
A_HEAD = Member(2, DEPT_A, leading=True)
A1, A2, A3 = Member(3, DEPT_A, False), Member(4, DEPT_A, False), Member(5, DEPT_A, False)
MEMBERS = [HEAD, A_HEAD, A1, A2, A3]


def test_staff_are_rated_by_their_department_head_and_their_colleagues():
    roster = structural_roster([A1], MEMBERS, LEAD_DEPT, frozenset())

    assert roster == {(2, 3): "superior", (4, 3): "peer", (5, 3): "peer"}


def test_a_department_head_is_rated_by_the_unit_leadership_and_the_department():
    roster = structural_roster([A_HEAD], MEMBERS, LEAD_DEPT, frozenset())

    assert roster == {(1, 2): "superior", (3, 2): "peer", (4, 2): "peer", (5, 2): "peer"}


def test_the_head_of_the_leadership_department_has_no_superior_here():
    assert structural_roster([HEAD], MEMBERS, LEAD_DEPT, frozenset()) == {}


def test_nobody_rates_themselves():
    roster = structural_roster(MEMBERS, MEMBERS, LEAD_DEPT, frozenset())

    assert [pair for pair in roster if pair[0] == pair[1]] == []


def test_close_relatives_never_rate_each_other_in_either_direction():
    relatives = relative_pairs([(2, 3), (4, 5)])

    roster = structural_roster(MEMBERS, MEMBERS, LEAD_DEPT, relatives)

    assert {(2, 3), (3, 2), (4, 5), (5, 4)} & set(roster) == set()
    assert roster[(2, 4)] == "superior"



@pytest.mark.django_db
def test_opening_a_round_snapshots_the_roster_without_self_or_relatives(bureau, draft):
    spouse, other = bureau.a_staff[0], bureau.a_staff[1]
    relationship_record(actor=bureau.office, person=other, relative=spouse, kind="spouse")

    round_open(actor=bureau.office, round=draft)

    pairs = set(RaterAssignment.objects.filter(round=draft).values_list("voter_id", "ratee_id"))
    assert (spouse.pk, other.pk) not in pairs
    assert (other.pk, spouse.pk) not in pairs
    assert not [p for p in pairs if p[0] == p[1]]
    assert RaterAssignment.objects.get(round=draft, voter=bureau.a_head, ratee=spouse).role == "superior"
    assert RaterAssignment.objects.get(round=draft, voter=bureau.head, ratee=bureau.a_head).role == "superior"
    assert RaterAssignment.objects.get(round=draft, voter=bureau.a_staff[2], ratee=spouse).role == "peer"
    assert RaterAssignment.objects.filter(round=draft, ratee=bureau.a_staff[3], role="peer").count() == 5


@pytest.mark.django_db
def test_a_relation_is_stored_once_with_the_lower_id_first_and_audited(bureau):
    high, low = sorted([bureau.a_staff[0], bureau.a_staff[1]], key=lambda p: -p.pk)

    record = relationship_record(actor=bureau.office, person=high, relative=low, kind="lineal")

    assert (record.person_id, record.relative_id) == (low.pk, high.pk)
    assert AuditEvent.objects.filter(action="ballots.relationship.record", object_id=str(high.pk)).count() == 1
    with pytest.raises(ApplicationError, match="already recorded"):
        relationship_record(actor=bureau.office, person=low, relative=high, kind="spouse")
    assert Relationship.objects.count() == 1


@pytest.mark.django_db
def test_a_relation_outside_the_office_scope_is_refused_and_nothing_is_written(bureau):
    other = build_bureau(2)

    with pytest.raises(PermissionDeniedError):
        relationship_record(actor=other.office, person=bureau.a_staff[0], relative=bureau.a_staff[1], kind="spouse")

    assert Relationship.objects.count() == 0


@pytest.mark.django_db
def test_an_added_recipient_may_not_be_a_relative_a_peer_or_the_ratee(bureau, draft):
    outsider = factories.person("服务对象甲", factories.unit("乡镇甲"))
    relationship_record(actor=None, person=outsider, relative=bureau.b_staff[0], kind="in_law")
    before = RaterAssignment.objects.count()

    with pytest.raises(ApplicationError, match="close relative"):
        round_rater_add(actor=bureau.office, round=draft, voter=outsider, ratee=bureau.b_staff[0], role="recipient")
    with pytest.raises(ApplicationError, match="already rates"):
        round_rater_add(actor=bureau.office, round=draft, voter=bureau.b_staff[1], ratee=bureau.b_staff[0],
                        role="recipient")
    with pytest.raises(ApplicationError, match="oneself"):
        round_rater_add(actor=bureau.office, round=draft, voter=bureau.b_staff[0], ratee=bureau.b_staff[0],
                        role="public")
    with pytest.raises(ApplicationError, match="added by hand"):
        round_rater_add(actor=bureau.office, round=draft, voter=outsider, ratee=bureau.b_head, role="superior")

    assert RaterAssignment.objects.count() == before
    added = round_rater_add(actor=bureau.office, round=draft, voter=outsider, ratee=bureau.b_head, role="recipient")
    assert (added.voter_id, added.ratee_id, added.role) == (outsider.pk, bureau.b_head.pk, "recipient")


@pytest.mark.django_db
def test_a_relation_recorded_after_adding_a_rater_blocks_the_opening(bureau, draft):
    outsider = factories.person("服务对象乙", factories.unit("乡镇乙"))
    round_rater_add(actor=bureau.office, round=draft, voter=outsider, ratee=bureau.b_head, role="recipient")
    relationship_record(actor=None, person=outsider, relative=bureau.b_head, kind="collateral")

    with pytest.raises(ApplicationError, match="may no longer rate"):
        round_open(actor=bureau.office, round=draft)

    draft.refresh_from_db()
    assert draft.status == "draft"
    assert RaterAssignment.objects.filter(round=draft).count() == 1
    round_rater_remove(actor=bureau.office, round=draft, voter=outsider, ratee=bureau.b_head)
    round_open(actor=bureau.office, round=draft)
    assert not RaterAssignment.objects.filter(round=draft, voter=outsider).exists()
    assert AuditEvent.objects.filter(action="ballots.rater.remove", object_id=str(draft.pk)).count() == 1

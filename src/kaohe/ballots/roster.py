"""The organisation as the rater rules see it: members of a round's unit, close relatives, leadership."""

from collections.abc import Iterable

from django.db.models import Q

from kaohe.ballots.models import BallotRound, Relationship
from kaohe.ballots.rules import Member, relative_pairs, structural_roster
from kaohe.org.choices import PersonStatus
from kaohe.org.models import CivilServant, Unit


def unit_members(unit: Unit) -> list[Member]:
    rows = (CivilServant.objects.filter(unit=unit, status=PersonStatus.ACTIVE)
            .values_list("pk", "department_id", "position__is_leading").order_by("pk"))
    return [Member(pk, department, bool(leading)) for pk, department, leading in rows]


def leadership_department(unit: Unit) -> int | None:
    """The unit's first department (领导班子/办公室 by convention): its heads lead the unit."""
    first: int | None = unit.departments.order_by("pk").values_list("pk", flat=True).first()
    return first


def relatives_among(person_ids: Iterable[int]) -> frozenset[frozenset[int]]:
    ids = list(set(person_ids))
    pairs = Relationship.objects.filter(Q(person_id__in=ids) | Q(relative_id__in=ids)).values_list(
        "person_id", "relative_id")
    return relative_pairs(pairs)


def round_structural_roster(rnd: BallotRound) -> dict[tuple[int, int], str]:
    """{(voter, ratee): role} of the superiors and peers for the round's ratees, as of now."""
    members = unit_members(rnd.unit)
    ratee_ids = set(rnd.ratees.values_list("pk", flat=True))
    ratees = [m for m in members if m.person_id in ratee_ids]
    relatives = relatives_among([m.person_id for m in members])
    return structural_roster(ratees, members, leadership_department(rnd.unit), relatives)

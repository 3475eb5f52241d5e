"""Who rates whom (rater assignment rules), as a pure function of the organisation. Stdlib only.

- superior: the people in a leading position of the ratee's department; a department head's (or a
  ratee whose department has no head) superiors are the leaders of the unit's leadership department
  (the unit's first department, 领导班子/办公室 by convention); the head of that department has none
  here (their superior sits in the parent unit);
- peer: everyone else in the ratee's department;
- public and service recipients: added by the appraisal office, never derived;
- never oneself, never a close relative (公务员法 第七十四条 relations, 公务回避).

A pair has one role: superior before peer; an added rater may not also be a superior or peer.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SUPERIOR, PEER = "superior", "peer"


@dataclass(frozen=True)
class Member:
    """A person of the unit as the rules see them."""

    person_id: int
    department_id: int | None
    leading: bool


def relative_pairs(pairs: Iterable[tuple[int, int]]) -> frozenset[frozenset[int]]:
    return frozenset(frozenset(pair) for pair in pairs)


def may_rate(voter: int, ratee: int, relatives: frozenset[frozenset[int]]) -> bool:
    """Not oneself, not a close relative."""
    return voter != ratee and frozenset((voter, ratee)) not in relatives


def _leaders(members: Sequence[Member], department_id: int | None, ratee: Member) -> set[int]:
    if department_id is None:
        return set()
    return {m.person_id for m in members
            if m.leading and m.department_id == department_id and m.person_id != ratee.person_id}


def superiors_of(ratee: Member, members: Sequence[Member], leadership_department: int | None) -> set[int]:
    if not ratee.leading:
        own = _leaders(members, ratee.department_id, ratee)
        if own:
            return own
    elif ratee.department_id == leadership_department:
        return set()
    return _leaders(members, leadership_department, ratee)


def peers_of(ratee: Member, members: Sequence[Member], superiors: set[int]) -> set[int]:
    if ratee.department_id is None:
        return set()
    return {m.person_id for m in members if m.department_id == ratee.department_id
            and m.person_id != ratee.person_id and m.person_id not in superiors}


def structural_roster(ratees: Iterable[Member], members: Sequence[Member], leadership_department: int | None,
                      relatives: frozenset[frozenset[int]]) -> dict[tuple[int, int], str]:
    """{(voter, ratee): role} for superiors and peers, without self-ratings and close relatives."""
    roster: dict[tuple[int, int], str] = {}
    for ratee in ratees:
        superiors = superiors_of(ratee, members, leadership_department)
        for role, voters in ((SUPERIOR, superiors), (PEER, peers_of(ratee, members, superiors))):
            for voter in sorted(voters):
                if may_rate(voter, ratee.person_id, relatives):
                    roster[(voter, ratee.person_id)] = role
    return roster

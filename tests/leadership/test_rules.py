"""The advisory proposals and the 优秀 gate, without the database."""

from decimal import Decimal

import pytest

from kaohe.leadership.rules import CADRE_BANDS, TEAM_BANDS, band, cadre_proposal, gated, team_proposal


@pytest.mark.parametrize(("score", "team", "cadre"), [
    ("100", 1, 1), ("90", 1, 1), ("89.99", 2, 2), ("80", 2, 2), ("79.99", 3, 2), ("70", 3, 2), ("69.99", 3, 3),
    ("60", 3, 3), ("59.99", 4, 4), ("0", 4, 4),
])
def test_a_democratic_score_falls_in_a_band(score, team, cadre):
    assert band(Decimal(score), TEAM_BANDS) == team
    assert band(Decimal(score), CADRE_BANDS) == cadre


@pytest.mark.parametrize(("unit_grade", "expected"), [(None, False), (0, False), (1, False), (2, False), (3, True),
                                                      (4, True)])
def test_a_unit_graded_fair_or_lower_gates(unit_grade, expected):
    assert gated(unit_grade) is expected


def test_a_team_is_proposed_the_worse_of_its_units_grade_and_its_democratic_band():
    assert team_proposal(2, Decimal(95)).grade == 2
    assert team_proposal(1, Decimal(85)).grade == 2
    assert team_proposal(1, Decimal(95)).grade == 1
    assert team_proposal(None, Decimal(95)).grade == 1
    assert team_proposal(0, None).grade == 0  # nothing to propose from
    proposal = team_proposal(3, None)
    assert (proposal.grade, proposal.from_unit, proposal.from_democratic, proposal.gated) == (3, 3, None, True)


def test_a_cadre_is_proposed_the_democratic_band_and_only_the_heads_annual_appraisal_is_gated():
    assert cadre_proposal(Decimal(95), unit_grade=3, head_annual=False).grade == 1
    capped = cadre_proposal(Decimal(95), unit_grade=3, head_annual=True)
    assert (capped.grade, capped.gated) == (2, True)
    assert cadre_proposal(Decimal(95), unit_grade=2, head_annual=True).grade == 1
    assert cadre_proposal(None, unit_grade=3, head_annual=True).grade == 0

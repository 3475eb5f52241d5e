"""Small-group suppression (J1, J2): no published cell covers 0 < n < k, and subtraction reveals none."""

import itertools
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.ballots.suppression import ALL, EMPTY, HIDDEN, SHOWN, Vote, suppress, tally

ROLES = ("superior", "peer", "public", "recipient")
counts_st = st.fixed_dictionaries({role: st.integers(0, 25) for role in ROLES})
k_st = st.integers(3, 12)
complement_st = st.sampled_from(["total", "group"])
votes_st = st.lists(st.builds(Vote, ratee=st.integers(1, 4), role=st.sampled_from(ROLES),
                              overall=st.integers(0, 100).map(Decimal)), max_size=120)


def _remainders(total: int, published: dict[str, int]):
    """Total minus every subset of the published groups: what a subtracting reader can compute."""
    names = sorted(published)
    for size in range(len(names) + 1):
        for subset in itertools.combinations(names, size):
            yield total - sum(published[name] for name in subset)


@given(counts_st, k_st, complement_st)
def test_every_published_group_and_total_has_no_ballots_or_at_least_k(counts, k, complement):
    decision = suppress(counts, k, complement=complement)
    total = sum(counts.values())

    assert all(counts[g] == 0 or counts[g] >= k for g in decision.groups)
    assert not decision.total or total == 0 or total >= k


@given(counts_st, k_st, complement_st)
def test_a_published_total_minus_any_published_groups_leaves_nothing_or_at_least_k(counts, k, complement):
    decision = suppress(counts, k, complement=complement)
    published = {g: counts[g] for g in decision.groups}

    if decision.total:
        assert all(r == 0 or r >= k for r in _remainders(sum(counts.values()), published))


@given(counts_st, k_st, complement_st)
def test_without_a_small_group_everything_is_published(counts, k, complement):
    decision = suppress(counts, k, complement=complement)

    if not [n for n in counts.values() if 0 < n < k]:
        assert (decision.total, decision.groups) == (True, frozenset(ROLES))


@given(counts_st, k_st)
def test_withholding_the_total_keeps_every_role_group_of_k_or_more(counts, k):
    decision = suppress(counts, k, complement="total")

    assert decision.groups == frozenset(g for g, n in counts.items() if n == 0 or n >= k)


@settings(max_examples=300)
@given(votes_st, k_st, complement_st)
def test_every_tallied_cell_is_empty_hidden_or_backed_by_at_least_k_ballots(votes, k, complement):
    tables = tally(votes, k, ROLES, complement=complement)

    for ratee, cells in tables.items():
        mine = [v for v in votes if v.ratee == ratee]
        for cell in cells:
            group = mine if cell.role == ALL else [v for v in mine if v.role == cell.role]
            assert cell.state in (SHOWN, EMPTY, HIDDEN)
            assert (cell.stats is not None) == (cell.state == SHOWN)
            assert (cell.state == EMPTY) == (not group)
            if cell.stats is not None:
                assert cell.stats.n == len(group) >= k
                assert cell.stats.total == sum(v.overall for v in group)
                assert (cell.stats.minimum, cell.stats.maximum) == (min(v.overall for v in group),
                                                                    max(v.overall for v in group))
        total = cells[-1]
        if total.stats is not None:
            shown = {c.role: c.stats.n for c in cells[:-1] if c.stats is not None}
            assert all(r == 0 or r >= k for r in _remainders(total.stats.n, shown))


def test_a_lone_superior_beside_peers_withholds_the_total_and_keeps_the_peers():
    decision = suppress({"superior": 1, "peer": 8, "public": 0, "recipient": 6}, 5)

    assert (decision.total, decision.groups) == (False, frozenset({"peer", "public", "recipient"}))


def test_the_group_complement_hides_the_smallest_other_group_instead():
    decision = suppress({"superior": 1, "peer": 8, "public": 0, "recipient": 6}, 5, complement="group")

    assert (decision.total, decision.groups) == (True, frozenset({"peer", "public"}))


def test_a_hidden_remainder_of_k_or_more_leaves_the_total_shown():
    decision = suppress({"superior": 1, "peer": 8, "public": 4, "recipient": 0}, 5)

    assert (decision.total, decision.groups) == (True, frozenset({"peer", "recipient"}))


def test_a_total_below_k_hides_everything_but_empty_groups():
    decision = suppress({"superior": 1, "peer": 3, "public": 0, "recipient": 0}, 5)

    assert (decision.total, decision.groups) == (False, frozenset({"public", "recipient"}))


def test_a_minimum_below_the_floor_of_three_is_refused():
    with pytest.raises(ValueError, match="below 3"):
        suppress({"peer": 2}, 2)


def test_dimension_means_are_shown_with_their_group_only():
    votes = [Vote(1, "peer", Decimal(80), (80, 80, 80, 80, 80)) for _ in range(4)]
    votes += [Vote(1, "peer", Decimal(90), (90, 100, 80, 90, 90))]

    peer = tally(votes, 5, ROLES)[1][1]

    assert peer.stats.dimension_means == (Decimal("82.00"), Decimal("84.00"), Decimal("80.00"), Decimal("82.00"),
                                          Decimal("82.00"))
    assert peer.stats.mean == Decimal("82.00")


def test_the_suppression_and_rules_modules_import_no_django():
    probe = ("import sys, kaohe; base = set(sys.modules); import kaohe.ballots.suppression, kaohe.ballots.rules; "
             "print(sorted(m for m in set(sys.modules) - base if m.startswith(('django', 'kaohe.')) "
             "and m not in ('kaohe.ballots', 'kaohe.ballots.suppression', 'kaohe.ballots.rules')))")
    src = Path(__file__).resolve().parents[2] / "src"

    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=src)

    assert completed.stdout.strip() == "[]"

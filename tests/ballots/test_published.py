"""Property: for any ballots and any minimum k ≥ 3, nothing rendered (page), exported (Excel) or served
(API) shows a group of fewer than k ballots, and no shown total minus shown groups leaves 0 < n < k."""

import io
import itertools
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.ballots.models import Ballot, BallotRound
from tests.ballots.conftest import YEAR

pytestmark = pytest.mark.django_db

ROLES = ("superior", "peer", "public", "recipient")
CELL = re.compile(r'data-role="(\w+)" data-state="(\w+)">(.*?)</td>', re.S)
ROW = re.compile(r'<tr data-ratee="[^"]*">(.*?)</tr>', re.S)


def _safe(k, shown_total, shown_groups):
    """Every shown count is ≥ k, and the total minus any subset of shown groups is 0 or ≥ k."""
    assert all(n >= k for n in shown_groups)
    if shown_total is not None:
        assert shown_total >= k
        for size in range(len(shown_groups) + 1):
            for subset in itertools.combinations(shown_groups, size):
                assert shown_total - sum(subset) == 0 or shown_total - sum(subset) >= k


def _page_rows(html):
    for row in ROW.findall(html):
        cells = CELL.findall(row)
        counts = {role: (state, re.search(r"n=(\d+)", body)) for role, state, body in cells}
        assert all((state == "shown") == (match is not None) for state, match in counts.values())
        groups = [int(m.group(1)) for role, (state, m) in counts.items() if m and role != "all"]
        total = counts["all"][1]
        yield (int(total.group(1)) if total else None), groups


def _api_rows(cells):
    by_ratee: dict[int, dict[str, int | None]] = {}
    for cell in cells:
        by_ratee.setdefault(cell["ratee_id"], {})[cell["role"]] = cell["n"]
    for counts in by_ratee.values():
        yield counts.pop("all"), [n for n in counts.values() if n is not None]


def _export_counts(content):
    rows = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)
    return [row[3] for row in rows if row and isinstance(row[3], int)]


ballot_sets = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(ROLES), st.integers(0, 100)), max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ballots=ballot_sets, k=st.integers(3, 7))
def test_no_page_export_or_api_shows_a_group_below_the_minimum(client, bureau, ballots, k):
    client.force_login(bureau.office)
    ratees = [bureau.a_head, bureau.a_staff[0], bureau.b_head]
    with transaction.atomic():
        rnd = BallotRound.objects.create(name="性质测试", year=YEAR, unit=bureau.unit, anonymity_min=k, status="closed")
        rnd.ratees.set(ratees)
        Ballot.objects.bulk_create(Ballot(round=rnd, ratee=ratees[i], role=role, overall=Decimal(score))
                                   for i, role, score in ballots)

        page = client.get(reverse("ballots:round_detail", args=[rnd.pk])).content.decode()
        api = json.loads(client.get(f"/api/ballots/rounds/{rnd.pk}/results").content)
        export = _export_counts(client.get(reverse("ballots:round_export", args=[rnd.pk])).content)
        transaction.set_rollback(True)

    page_rows = list(_page_rows(page))
    assert len(page_rows) == 3
    for total, groups in [*page_rows, *_api_rows(api)]:
        _safe(k, total, groups)
    assert all(n >= k for n in export)
    assert sorted(export) == sorted(c["n"] for c in api if c["n"] is not None)

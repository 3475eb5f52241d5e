"""Pages and API of ballots: vote and receipt, the office's round, results with hidden groups, export."""

import io
import json
import logging

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.debug import ExceptionReporter

from kaohe.accounts.roles import Role
from kaohe.ballots.models import Ballot, BallotRound, Participation
from kaohe.ballots.services import round_close, round_open, round_rater_add
from tests import factories
from tests.ballots.conftest import YEAR, cast, paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(bureau, draft):
    return round_open(actor=bureau.office, round=draft)


@pytest.fixture
def closed(bureau, opened):
    """一科 votes (six staff), the unit head votes for the department heads; then the round closes."""
    for person in [*bureau.a_staff, bureau.head]:
        cast(opened, bureau, person, 82)
    return round_close(actor=bureau.office, round=opened)


def _login(client, user):
    client.force_login(user)
    return client


def _form(rnd, person, score):
    return {f"s-{r}": str(score) for r in paper(rnd, person)}


def test_a_voter_sees_the_round_votes_once_and_gets_a_receipt_without_scores(client, bureau, opened):
    voter = bureau.a_staff[0]
    _login(client, bureau.user_of(voter))

    listing = client.get(reverse("ballots:my_ballots")).content.decode()
    form = client.get(reverse("ballots:vote", args=[opened.pk])).content.decode()
    response = client.post(reverse("ballots:vote", args=[opened.pk]), _form(opened, voter, 87))
    receipt = client.get(response["Location"]).content.decode()

    assert opened.name in listing
    assert form.count('type="number"') == 6
    assert bureau.a_head.name in form
    assert response.status_code == 302
    assert response["Location"] == reverse("ballots:receipt", args=[opened.pk])
    assert 'data-testid="receipt"' in receipt
    assert [text for text in (">87<", "87.00", 'type="number"') if text in receipt] == []
    assert Participation.objects.filter(round=opened).count() == 1
    assert client.get(reverse("ballots:vote", args=[opened.pk]))["Location"] == response["Location"]


def test_a_ballot_paper_with_a_blank_is_refused_keeps_what_was_typed_and_writes_nothing(client, bureau, opened):
    voter = bureau.a_staff[0]
    _login(client, bureau.user_of(voter))
    form = _form(opened, voter, 64)
    form[f"s-{bureau.a_head.pk}"] = ""

    response = client.post(reverse("ballots:vote", args=[opened.pk]), form)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="vote-error"' in page
    assert bureau.a_head.name in page
    assert page.count('value="64"') == 5
    assert (Ballot.objects.count(), Participation.objects.count()) == (0, 0)


def test_a_failure_while_voting_reports_no_score_anywhere(bureau, opened, monkeypatch, caplog):
    voter = bureau.a_staff[0]
    client = Client(raise_request_exception=False)
    client.force_login(bureau.user_of(voter))

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("kaohe.ballots.services.audit_append", broken)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("ballots:vote", args=[opened.pk]), _form(opened, voter, 93))

    assert response.status_code == 500
    records = [r for r in caplog.records if getattr(r, "request", None) is not None and r.exc_info]
    assert records
    report = ExceptionReporter(records[0].request, *records[0].exc_info).get_traceback_text()
    assert "audit store down" in report
    assert [text for text in ("'93'", "(93,)", "[93]") if text in report] == []
    assert not [r for r in caplog.records if "93" in r.getMessage()]
    assert (Ballot.objects.count(), Participation.objects.count()) == (0, 0)


def test_someone_without_a_ballot_in_the_round_gets_not_found(client, bureau, opened):
    outsider = factories.person("局外人", factories.unit("别的局"))
    _login(client, factories.user("outsider", person=outsider))

    assert client.get(reverse("ballots:vote", args=[opened.pk])).status_code == 404
    assert client.get(reverse("ballots:round_detail", args=[opened.pk])).status_code == 404


def test_the_office_creates_and_opens_a_round_from_the_pages(client, bureau):
    _login(client, bureau.office)

    created = client.post(reverse("ballots:rounds"), {"unit": bureau.unit.pk, "year": YEAR, "name": "2026年民主测评"})
    rnd = BallotRound.objects.get()
    draft_page = client.get(created["Location"]).content.decode()
    client.post(reverse("ballots:round_open", args=[rnd.pk]))
    open_page = client.get(reverse("ballots:round_detail", args=[rnd.pk])).content.decode()

    assert (rnd.name, rnd.anonymity_min, rnd.ratees.count()) == ("2026年民主测评", 5, 11)
    assert 'data-testid="roster"' in draft_page
    assert rnd.assignments.count() > 0
    assert BallotRound.objects.get().status == "open"
    assert 'data-testid="progress"' in open_page


def test_results_show_groups_of_five_or_more_and_hide_smaller_ones(client, bureau, closed):
    _login(client, bureau.office)
    with translation.override("zh-hans"):
        hidden = gettext("Too few ballots, hidden")

    page = client.get(reverse("ballots:round_detail", args=[closed.pk])).content.decode()

    assert 'data-testid="results"' in page
    assert page.count('data-state="shown"') == 6 + 6 + 1  # a_head: peers; six staff: peers and all
    assert 'data-role="superior" data-state="hidden"' in page
    assert page.count(hidden) == page.count('data-state="hidden"') == 2 + 2  # both heads: superior and all
    assert "n=6" in page
    assert "n=5" in page
    assert "n=1" not in page


def test_the_export_and_the_api_carry_exactly_the_published_cells(client, bureau, closed):
    _login(client, bureau.office)

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("ballots:round_export", args=[closed.pk])).content))
    cells = json.loads(client.get(f"/api/ballots/rounds/{closed.pk}/results").content)

    counts = [row[3] for row in workbook.active.iter_rows(min_row=2, values_only=True) if isinstance(row[3], int)]
    assert sorted(counts) == sorted(c["n"] for c in cells if c["state"] == "shown")
    assert min(counts) >= 5
    assert {(c["n"], c["mean"]) for c in cells if c["state"] != "shown"} == {(None, None)}
    assert len(cells) == 11 * 5


def test_a_supervisor_of_the_unit_sees_closed_results_and_a_colleague_does_not(client, bureau, closed):
    supervisor = factories.user("sup", role=Role.SUPERVISOR, scope=bureau.unit)
    colleague = bureau.user_of(bureau.b_staff[0])

    seen = _login(client, supervisor).get(reverse("ballots:round_detail", args=[closed.pk]))
    refused = _login(Client(), colleague).get(reverse("ballots:round_detail", args=[closed.pk]))

    assert seen.status_code == 200
    assert 'data-testid="results"' in seen.content.decode()
    assert refused.status_code == 404


def test_results_are_refused_before_the_round_closes(client, bureau, opened):
    _login(client, bureau.office)

    assert client.get(reverse("ballots:round_export", args=[opened.pk])).status_code == 403
    assert client.get(f"/api/ballots/rounds/{opened.pk}/results").status_code == 403


def test_the_office_records_a_relation_and_adds_a_recipient_from_the_pages(client, bureau, draft):
    recipient = factories.person("服务对象丙", bureau.unit)
    _login(client, bureau.office)

    client.post(reverse("ballots:relationships"), {"person": bureau.b_staff[0].staff_no,
                                                   "relative": bureau.b_staff[1].staff_no, "kind": "spouse"})
    added = client.post(reverse("ballots:rater_add", args=[draft.pk]), {
        "voter": recipient.staff_no, "ratee": bureau.b_head.pk, "role": "recipient"})
    refused = client.post(reverse("ballots:rater_add", args=[draft.pk]), {
        "voter": recipient.staff_no, "ratee": bureau.b_head.pk, "role": "superior"})
    listing = client.get(reverse("ballots:relationships")).content.decode()
    detail = client.get(reverse("ballots:round_detail", args=[draft.pk])).content.decode()

    assert 'data-testid="added-raters"' in detail
    assert recipient.name in detail
    assert added.status_code == 302
    assert refused.status_code == 400
    assert list(draft.assignments.values_list("voter_id", "ratee_id", "role")) == [
        (recipient.pk, bureau.b_head.pk, "recipient")]
    assert bureau.b_staff[0].name in listing
    assert bureau.b_staff[1].name in listing


def test_no_page_export_or_api_shows_a_participation_hash_or_a_voter_beside_ballots(client, bureau, closed):
    _login(client, bureau.office)
    hashes = list(Participation.objects.filter(round=closed).values_list("voter_hash", flat=True))
    voters = [bureau.user_of(p).username for p in bureau.a_staff]

    texts = [client.get(reverse("ballots:round_detail", args=[closed.pk])).content.decode(),
             client.get(f"/api/ballots/rounds/{closed.pk}/results").content.decode(),
             client.get("/api/ballots/rounds").content.decode()]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("ballots:round_export", args=[closed.pk])).content))
    texts.append(" ".join(str(v) for row in workbook.active.iter_rows(values_only=True) for v in row if v is not None))

    assert len(hashes) == 7
    assert [h for h in hashes for text in texts if h[:16] in text] == []
    assert [u for u in voters for text in texts if u in text] == []


def test_the_office_removes_an_added_rater_from_the_page(client, bureau, draft):
    recipient = factories.person("服务对象丁", bureau.unit)
    assignment = round_rater_add(actor=bureau.office, round=draft, voter=recipient, ratee=bureau.b_head,
                                 role="public")
    _login(client, bureau.office)

    response = client.post(reverse("ballots:rater_remove", args=[draft.pk]), {"assignment": assignment.pk})
    again = client.post(reverse("ballots:rater_remove", args=[draft.pk]), {"assignment": assignment.pk})

    assert response.status_code == 302
    assert again.status_code == 404
    assert draft.assignments.count() == 0


def test_a_by_dimension_round_shows_the_dimension_means_of_shown_groups(client, bureau):
    from kaohe.ballots.services import ballot_cast, round_create

    rnd = round_open(actor=bureau.office, round=round_create(actor=bureau.office, unit=bureau.unit, year=YEAR,
                                                               by_dimension=True, anonymity_min=3))
    for voter, top in zip(bureau.a_staff[:3], (90, 92, 94), strict=True):
        ballot_cast(actor=bureau.user_of(voter), round=rnd,
                    scores=dict.fromkeys(paper(rnd, voter), (top, 80, 70, 60, 50)))
    round_close(actor=bureau.office, round=rnd)
    _login(client, bureau.office)

    page = client.get(reverse("ballots:round_detail", args=[rnd.pk])).content.decode()

    assert "92.00 · 80.00 · 70.00 · 60.00 · 50.00" in page
    assert "<strong>70.40</strong>" in page

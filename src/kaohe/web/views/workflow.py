"""Pages of the appraisal workflow: my year, a unit's annual steps, the committee, 公示, quarters, cases."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appeals.models import Case
from kaohe.appeals.services import case_accept, case_decide, case_file, overdue
from kaohe.appraisal import quarterly, talent, workflow
from kaohe.appraisal.messages import GRADES
from kaohe.appraisal.models import Appraisal, Interview, Objection, Publication, QuarterGrade, RunResult
from kaohe.appraisal.selectors import cycle_get
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.core.masking import mask_name
from kaohe.org import selectors as org_selectors
from kaohe.units.models import UnitLeader

QUARTER_WORDS = {1: "好", 2: "较好", 3: "一般", 4: "较差"}


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _appraisal(request: AuthedRequest, appraisal_id: int) -> Appraisal:
    found = Appraisal.objects.select_related("person__unit", "person__position", "cycle").filter(pk=appraisal_id)
    appraisal = found.filter(scope_for(request.user).people_q("person__")).first()
    if appraisal is None:
        raise NotFoundError(_("No appraisal %(id)s in your data scope.") % {"id": appraisal_id})
    return appraisal


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """A civil servant's year: quarters, the annual steps, the notice to sign, cases."""
    person_id = request.user.person_id
    if person_id is None:
        raise NotFoundError(_("Your account is not linked to a civil servant record."))
    year = timezone.localdate().year
    appraisals = Appraisal.objects.filter(person_id=person_id).select_related("cycle").order_by("-cycle__year")
    current = appraisals.first()
    result = None
    if current is not None:
        run = current.cycle.runs.filter(is_current=True).first()
        result = RunResult.objects.filter(run=run, person_id=person_id).first() if run else None
    context = {
        "year": year, "appraisal": current, "history": appraisals[1:], "result": result,
        "quarters": _quarters(person_id, year),
        "quarter_words": QUARTER_WORDS, "grades": GRADES,
        "cases": Case.objects.filter(appraisal__person_id=person_id).order_by("-filed_on"),
        "step_names": workflow.STEP_NAMES,
        "leads_unit": UnitLeader.objects.filter(person_id=person_id).exists(),
    }
    return render(request, "web/workflow_mine.html", context)


def _quarters(person_id: int, year: int) -> list[tuple[int, QuarterGrade | None]]:
    records = {q.quarter: q for q in QuarterGrade.objects.filter(person_id=person_id, year=year)}
    return [(q, records.get(q)) for q in range(1, 5)]


@login_required
@require_POST
def mine_act(request: AuthedRequest) -> HttpResponse:
    """The person's actions: quarter summary, annual self-summary, signing the notice, filing a case."""
    action = request.POST.get("action", "")
    appraisal = Appraisal.objects.filter(person_id=request.user.person_id).order_by("-cycle__year").first()
    try:
        if action == "quarter":
            quarterly.quarter_summary_submit(actor=request.user, year=_int(request.POST.get("year")),
                                             quarter=_int(request.POST.get("quarter")),
                                             text=request.POST.get("text", ""))
        elif appraisal is None:
            raise ApplicationError(_("There is no annual appraisal open for you."))
        elif action == "summary":
            workflow.summary_submit(actor=request.user, appraisal=appraisal, text=request.POST.get("text", ""))
        elif action == "sign":
            workflow.acknowledge(actor=request.user, appraisal=appraisal, agrees=request.POST.get("agrees") == "yes",
                                 opinion=request.POST.get("opinion", ""))
        elif action == "case":
            case_file(actor=request.user, appraisal=appraisal, kind=request.POST.get("kind", "review"),
                      grounds=request.POST.get("grounds", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("web:workflow_mine")


def _unit_rows(request: AuthedRequest, cycle: Any, unit: Any) -> list[Appraisal]:
    return list(workflow.appraisals_for(request.user, cycle).filter(person__unit=unit).order_by("person__name_pinyin"))


@login_required
def unit_steps(request: AuthedRequest, cycle_id: int, unit_id: int) -> HttpResponse:
    """A unit's people and where each stands; supervisors propose grades, inspectors review risk posts."""
    cycle = cycle_get(request.user, cycle_id)
    unit = org_selectors.unit_get(request.user, unit_id)
    if request.method == "POST":
        try:
            _unit_action(request, cycle, unit)
        except ApplicationError as error:
            return render(request, "web/workflow_unit.html", _unit_context(request, cycle, unit, error.message),
                          status=400)
        return redirect("web:workflow_unit", cycle_id=cycle.pk, unit_id=unit.pk)
    return render(request, "web/workflow_unit.html", _unit_context(request, cycle, unit, ""))


def _unit_action(request: AuthedRequest, cycle: Any, unit: Any) -> None:
    action = request.POST.get("action", "")
    if action == "votes_close":
        workflow.votes_close(actor=request.user, cycle=cycle, unit=unit)
        return
    appraisal = _appraisal(request, _int(request.POST.get("appraisal")))
    if action == "propose":
        workflow.supervisor_propose(actor=request.user, appraisal=appraisal, grade=_int(request.POST.get("grade")),
                                    comment=request.POST.get("comment", ""))
    elif action == "review":
        workflow.special_review_record(actor=request.user, appraisal=appraisal,
                                       veto=request.POST.get("veto") == "yes", note=request.POST.get("note", ""))


def _unit_context(request: AuthedRequest, cycle: Any, unit: Any, error: str) -> dict[str, Any]:
    scope = scope_for(request.user, roles=list(Role.values))
    return {"cycle": cycle, "unit": unit, "rows": _unit_rows(request, cycle, unit), "error": error,
            "grades": GRADES, "step_names": workflow.STEP_NAMES,
            "is_office": scope.has(Role.APPRAISAL_OFFICE), "is_supervisor": scope.has(Role.SUPERVISOR),
            "is_inspector": scope.has(Role.DISCIPLINE)}


@login_required
def committee(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The committee's review table with the quota line: confirm or override (with reasons), then decide."""
    cycle = cycle_get(request.user, cycle_id)
    error = ""
    if request.method == "POST":
        try:
            _committee_action(request, cycle)
            return redirect("web:workflow_committee", cycle_id=cycle.pk)
        except ApplicationError as exc:
            error = exc.message
    rows = workflow.appraisals_for(request.user, cycle).filter(step__in=["committee", "publication", "decision"])
    run = cycle.runs.filter(is_current=True).first()
    results = {r.person_id: r for r in RunResult.objects.filter(run=run, person_id__in=[a.person_id for a in rows])}
    context = {"cycle": cycle, "rows": [(a, results.get(a.person_id)) for a in rows.order_by(
        "person__unit__path", "person__name_pinyin")], "grades": GRADES, "error": error,
        "step_names": workflow.STEP_NAMES}
    return render(request, "web/workflow_committee.html", context, status=400 if error else 200)


def _committee_action(request: AuthedRequest, cycle: Any) -> None:
    if request.POST.get("action") == "decide":
        ids = [_int(v) for v in request.POST.getlist("decide")]
        workflow.decide(actor=request.user, appraisals=Appraisal.objects.filter(cycle=cycle, pk__in=ids))
        return
    decisions = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("grade_") and value:
            aid = _int(key[6:])
            decisions[aid] = (_int(value), request.POST.get(f"reason_{aid}", ""))
    workflow.committee_review(actor=request.user, cycle=cycle, decisions=decisions)


@login_required
def cycle_actions(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The office's cycle-wide steps: open the annual appraisal, take the engine's proposals, open 公示."""
    cycle = cycle_get(request.user, cycle_id)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            workflow.appraisals_start(actor=request.user, cycle=cycle)
        elif action == "proposals":
            workflow.proposals_attach(actor=request.user, cycle=cycle)
        elif action == "publish":
            unit = org_selectors.unit_get(request.user, _int(request.POST.get("unit")))
            start = dt.date.fromisoformat(request.POST.get("start") or timezone.localdate().isoformat())
            publication = workflow.publication_open(actor=request.user, cycle=cycle, unit=unit, start=start)
            return redirect("web:publication", publication_id=publication.pk)
    except (ApplicationError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    return redirect("web:cycle_detail", cycle_id=cycle.pk)


@login_required
def publication(request: AuthedRequest, publication_id: int) -> HttpResponse:
    """The 公示 page inside the organ: proposed 优秀 with masked names and an objection box."""
    found = Publication.objects.select_related("unit", "cycle").filter(pk=publication_id).first()
    user_unit = getattr(request.user.person, "unit_id", None)
    if found is None or not (scope_for(request.user).covers_path(found.unit.path) or user_unit == found.unit_id):
        raise NotFoundError(_("No such 公示 for you."))
    error = ""
    if request.method == "POST":
        try:
            _publication_action(request, found)
            return redirect("web:publication", publication_id=found.pk)
        except ApplicationError as exc:
            error = exc.message
    proposed = Appraisal.objects.filter(cycle=found.cycle, person__unit=found.unit, committee_grade=1).select_related(
        "person", "person__position")
    context = {"publication": found, "people": [(a, mask_name(a.person.name)) for a in proposed], "error": error,
               "objections": Objection.objects.filter(publication=found).select_related("about"),
               "can_resolve": scope_for(request.user, roles=[Role.COMMITTEE]).covers_path(found.unit.path)}
    return render(request, "web/workflow_publication.html", context, status=400 if error else 200)


def _publication_action(request: AuthedRequest, found: Publication) -> None:
    if request.POST.get("action") == "resolve":
        objection = Objection.objects.filter(pk=_int(request.POST.get("objection")), publication=found).first()
        if objection is None:
            raise NotFoundError(_("No such objection."))
        workflow.objection_resolve(actor=request.user, objection=objection,
                                   resolution=request.POST.get("resolution", ""))
        return
    about = Appraisal.objects.filter(pk=_int(request.POST.get("about")), cycle=found.cycle).first()
    if about is None:
        raise ApplicationError(_("Choose whom the objection is about."), field="about")
    workflow.objection_file(actor=request.user, publication=found, about=about.person,
                            text=request.POST.get("text", ""))


@login_required
def quarters(request: AuthedRequest, year: int, quarter: int) -> HttpResponse:
    """A supervisor grades the quarter; the page shows how many 好 are left in each unit."""
    scope = scope_for(request.user, roles=[Role.SUPERVISOR])
    error = ""
    if request.method == "POST":
        person = org_selectors.person_get(request.user, _int(request.POST.get("person")))
        try:
            quarterly.quarter_grade(actor=request.user, person=person, year=year, quarter=quarter,
                                    grade=_int(request.POST.get("grade")), comment=request.POST.get("comment", ""),
                                    performance=_int(request.POST.get("performance")) or None,
                                    potential=_int(request.POST.get("potential")) or None)
            return redirect("web:workflow_quarters", year=year, quarter=quarter)
        except ApplicationError as exc:
            error = exc.message
    people = org_selectors.people_visible(request.user).filter(scope.people_q()).select_related("unit")[:500]
    records = {q.person_id: q for q in QuarterGrade.objects.filter(person__in=people, year=year, quarter=quarter)}
    units = {p.unit for p in people}
    context = {"year": year, "quarter": quarter, "rows": [(p, records.get(p.pk)) for p in people],
               "slots": {u.pk: quarterly.good_slots_left(u, year, quarter) for u in units},
               "quarter_words": QUARTER_WORDS, "error": error,
               "interviews": Interview.objects.filter(person__in=people, done_at__isnull=True)}
    return render(request, "web/workflow_quarters.html", context, status=400 if error else 200)


@login_required
def cases(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    found = Case.objects.filter(scope.people_q("appraisal__person__")).select_related("appraisal__person")
    today = timezone.localdate()
    return render(request, "web/workflow_cases.html", {"cases": [(c, overdue(c, today)) for c in found[:300]]})


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    case = Case.objects.filter(pk=case_id).filter(scope.people_q("appraisal__person__")).select_related(
        "appraisal__person__unit", "appraisal__cycle").first()
    if case is None:
        raise NotFoundError(_("No case %(id)s in your data scope.") % {"id": case_id})
    error = ""
    if request.method == "POST":
        try:
            _case_action(request, case)
            return redirect("web:case_detail", case_id=case.pk)
        except ApplicationError as exc:
            error = exc.message
    context = {"case": case, "overdue": overdue(case), "error": error, "grades": GRADES,
               "members": case.committee.all(),
               "candidates": _committee_candidates(case)}
    return render(request, "web/workflow_case.html", context, status=400 if error else 200)


def _committee_candidates(case: Case) -> Any:
    from kaohe.accounts.models import User
    from kaohe.accounts.scope import holders_over

    return User.objects.filter(pk__in=holders_over(case.appraisal.person.unit.path, Role.COMMITTEE))


def _case_action(request: AuthedRequest, case: Case) -> None:
    from kaohe.accounts.models import User

    if request.POST.get("action") == "accept":
        members = list(User.objects.filter(pk__in=[_int(v) for v in request.POST.getlist("members")]))
        case_accept(actor=request.user, case=case, members=members)
    elif request.POST.get("action") == "decide":
        case_decide(actor=request.user, case=case, outcome=request.POST.get("outcome", ""),
                    decision=request.POST.get("decision", ""),
                    new_grade=_int(request.POST.get("new_grade")) or None)


@login_required
def talent_grid(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The unit's 9-box grid (业绩 × 潜力) and its talent pool; each name opens the person's year."""
    unit = org_selectors.unit_get(request.user, unit_id)
    year = _int(request.GET.get("year"), timezone.localdate().year)
    found = talent.placements(request.user, unit, year)
    context = {"unit": unit, "year": year, "grid": talent.grid(found), "pool": talent.pool(found),
               "rated": len(found)}
    return render(request, "web/talent_grid.html", context)

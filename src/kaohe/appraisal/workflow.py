"""Services of the annual appraisal: each step's action, checked against the pure state machine
(`engine.workflow`) under a row lock, audited, and announced in the next actor's inbox."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import holders_over, scope_for
from kaohe.appraisal.messages import GATES
from kaohe.appraisal.models import Appraisal, Cycle, Objection, Publication, RunResult, ScoringRun
from kaohe.appraisal.results import gate_failed
from kaohe.audit.services import audit_append
from kaohe.ballots.choices import RoundStatus
from kaohe.ballots.models import BallotRound
from kaohe.core.calendar import unknown_year_message, work_calendar
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.notify import notify
from kaohe.engine.calendar import UnknownYear, period_end
from kaohe.engine.codes import Gate
from kaohe.engine.workflow import Facts, Step, blockers
from kaohe.org.models import CivilServant, Unit

GRADES = (1, 2, 3, 4)
STEP_NAMES = {
    "self_summary": gettext_lazy("self-summary"), "vote": gettext_lazy("democratic vote"),
    "supervisor": gettext_lazy("supervisor's proposal"), "special_review": gettext_lazy("special review"),
    "proposal": gettext_lazy("scoring proposal"), "committee": gettext_lazy("committee review"),
    "publication": gettext_lazy("公示"), "decision": gettext_lazy("decision"),
    "notice": gettext_lazy("notice and signature"), "filed": gettext_lazy("filed"),
}
BLOCKER_TEXT = {
    "summary_missing": gettext_lazy("the self-summary has not been submitted"),
    "votes_open": gettext_lazy("the democratic vote is still open"),
    "supervisor_grade_missing": gettext_lazy("the supervisor has not proposed a grade"),
    "special_review_missing": gettext_lazy("the risk-post special review is not done"),
    "no_scoring_run": gettext_lazy("there is no scoring run yet"),
    "committee_grade_missing": gettext_lazy("the committee has not reviewed it"),
    "publication_running": gettext_lazy("the 公示 period has not ended"),
    "objections_open": gettext_lazy("objections are still open"),
    "not_decided": gettext_lazy("the grade has not been decided"),
    "not_acknowledged": gettext_lazy("the notice has not been acknowledged"),
}


def _require(actor: User | None, role: str, unit: Unit) -> None:
    if actor is not None and not scope_for(actor, roles=[role]).covers_path(unit.path):
        raise PermissionDeniedError(_("Your role does not allow this step for %(unit)s.") % {"unit": unit.name})


def facts(appraisal: Appraisal, *, run: ScoringRun | None = None) -> Facts:
    position = appraisal.person.position
    publication = Publication.objects.filter(cycle=appraisal.cycle_id, unit=appraisal.person.unit_id).first()
    today = timezone.localdate()
    return Facts(
        summary_submitted=bool(appraisal.summary), votes_closed=appraisal.votes_closed,
        supervisor_graded=appraisal.supervisor_grade is not None,
        risk_post=bool(position and position.is_risk_post), special_review_done=appraisal.special_review_done,
        proposal_ready=appraisal.engine_grade is not None, committee_graded=appraisal.committee_grade is not None,
        committee_grade_excellent=appraisal.committee_grade == 1,
        publication_over=bool(publication and publication.end_date < today),
        objections_open=Objection.objects.filter(publication=publication, about=appraisal.person_id,
                                                 resolved_at__isnull=True).count() if publication else 0,
        decided=appraisal.final_grade is not None, acknowledged=appraisal.acknowledged_at is not None,
    )


def _advance(appraisal: Appraisal, target: Step) -> None:
    """Move to `target` if the guards hold; say which do not otherwise."""
    reasons = blockers(Step(appraisal.step), target, facts(appraisal))
    if reasons == ["no_such_transition"]:
        raise ApplicationError(_("This appraisal is at the step “%(step)s”; that action belongs to another step.")
                               % {"step": STEP_NAMES.get(appraisal.step, appraisal.step)})
    if reasons:
        raise ApplicationError(_("Cannot move on: %(reasons)s.") % {
            "reasons": "；".join(str(BLOCKER_TEXT.get(r, r)) for r in reasons)})
    appraisal.step = target
    appraisal.save()


def _locked(appraisal_id: int) -> Appraisal:
    return Appraisal.objects.select_for_update(of=("self",)).select_related(
        "person__unit", "person__position", "cycle").get(pk=appraisal_id)


def appraisals_start(*, actor: User | None, cycle: Cycle) -> int:
    """Open the annual appraisal for everyone in the cycle's units; each is asked for a self-summary."""
    _require(actor, Role.APPRAISAL_OFFICE, cycle.root)
    people = CivilServant.objects.filter(unit__path__startswith=cycle.root.path, status="active")
    existing = set(cycle.appraisals.values_list("person_id", flat=True))
    with transaction.atomic():
        created = Appraisal.objects.bulk_create([Appraisal(cycle=cycle, person_id=p) for p in
                                                 people.values_list("id", flat=True) if p not in existing])
        audit_append(actor=actor, action="appraisal.annual.start", object_type="cycle", object_id=cycle.pk,
                     detail={"people": len(created)})
        users = User.objects.filter(person_id__in=[a.person_id for a in created]).values_list("id", flat=True)
        notify(user_ids=users, title=_("Write your annual self-summary for %(year)s") % {"year": cycle.year},
               link="/appraisal/mine/")
    return len(created)


def summary_submit(*, actor: User, appraisal: Appraisal, text: str) -> Appraisal:
    if actor.person_id != appraisal.person_id:
        raise PermissionDeniedError(_("Only the person appraised writes the self-summary."))
    if len(text.strip()) < 20:
        raise ApplicationError(_("Write at least a few sentences (20 characters or more)."), field="summary")
    with transaction.atomic():
        locked = _locked(appraisal.pk)
        locked.summary = text.strip()
        _advance(locked, Step.VOTE)
        audit_append(actor=actor, action="appraisal.annual.summary", object_type="appraisal", object_id=locked.pk)
    return locked


def votes_close(*, actor: User | None, cycle: Cycle, unit: Unit) -> int:
    """The unit's democratic vote is over: its people move on to their supervisor. With a ballot round
    (民主测评) for the unit, closing that round is what ends the vote."""
    _require(actor, Role.APPRAISAL_OFFICE, unit)
    if BallotRound.objects.filter(unit=unit, year=cycle.year, status=RoundStatus.OPEN).exists():
        message = _("The ballot round (民主测评) of %(unit)s is still open: close it, which ends the vote.")
        raise ApplicationError(message % {"unit": unit.name})
    moved = 0
    with transaction.atomic():
        for appraisal in Appraisal.objects.select_for_update().filter(cycle=cycle, person__unit=unit,
                                                                       step=Step.VOTE):
            appraisal.votes_closed = True
            _advance(appraisal, Step.SUPERVISOR)
            moved += 1
        Appraisal.objects.filter(cycle=cycle, person__unit=unit).update(votes_closed=True)
        audit_append(actor=actor, action="appraisal.annual.votes_close", object_type="unit", object_id=unit.pk,
                     detail={"cycle_id": cycle.pk, "moved": moved})
        notify(user_ids=holders_over(unit.path, Role.SUPERVISOR), title=_("Propose grades for %(unit)s") % {
            "unit": unit.name}, link=f"/appraisal/cycles/{cycle.pk}/units/{unit.pk}/")
    return moved


def supervisor_propose(*, actor: User | None, appraisal: Appraisal, grade: int, comment: str) -> Appraisal:
    _require(actor, Role.SUPERVISOR, appraisal.person.unit)
    if grade not in GRADES or not comment.strip():
        raise ApplicationError(_("Choose a grade and write your comments."), field="grade")
    with transaction.atomic():
        locked = _locked(appraisal.pk)
        locked.supervisor_grade, locked.supervisor_comment = grade, comment.strip()
        risk = bool(locked.person.position and locked.person.position.is_risk_post)
        _advance(locked, Step.SPECIAL_REVIEW if risk else Step.PROPOSAL)
        audit_append(actor=actor, action="appraisal.annual.supervisor", object_type="appraisal",
                     object_id=locked.pk, detail={"grade": grade})
        if risk:
            notify(user_ids=holders_over(locked.person.unit.path, Role.DISCIPLINE),
                   title=_("Special review of a risk post: %(name)s") % {"name": locked.person.name},
                   link=f"/appraisal/annual/{locked.pk}/")
    return locked


def special_review_record(*, actor: User | None, appraisal: Appraisal, veto: bool, note: str) -> Appraisal:
    """纪检监察 and audit's joint review of a risk post; a confirmed violation is a veto (一票否决)."""
    _require(actor, Role.DISCIPLINE, appraisal.person.unit)
    with transaction.atomic():
        locked = _locked(appraisal.pk)
        locked.special_review_done, locked.special_review_veto, locked.special_review_note = True, veto, note
        _advance(locked, Step.PROPOSAL)
        audit_append(actor=actor, action="appraisal.annual.special_review", object_type="appraisal",
                     object_id=locked.pk, detail={"veto": veto})
    return locked


def proposals_attach(*, actor: User | None, cycle: Cycle) -> int:
    """Take the engine's proposed grades from the cycle's current run for everyone waiting for them."""
    _require(actor, Role.APPRAISAL_OFFICE, cycle.root)
    run = cycle.runs.filter(is_current=True).first()
    if run is None:
        raise ApplicationError(_("Run the scoring first: there is no current run to propose grades."))
    grades = dict(RunResult.objects.filter(run=run).values_list("person_id", "grade"))
    moved = 0
    with transaction.atomic():
        waiting = Appraisal.objects.select_for_update(of=("self",)).select_related("person__unit", "person__position")
        for appraisal in waiting.filter(cycle=cycle, step=Step.PROPOSAL):
            appraisal.engine_grade = 4 if appraisal.special_review_veto else grades.get(appraisal.person_id, 0)
            _advance(appraisal, Step.COMMITTEE)
            moved += 1
        audit_append(actor=actor, action="appraisal.annual.proposals", object_type="cycle", object_id=cycle.pk,
                     detail={"run": run.version, "moved": moved})
        notify(user_ids=holders_over(cycle.root.path, Role.COMMITTEE), title=_("Review the proposed grades"),
               link=f"/appraisal/cycles/{cycle.pk}/committee/")
    return moved


def _quota_breaches(cycle: Cycle, proposed: dict[int, int]) -> list[str]:
    """Groups and pools whose 优秀 would exceed the places of the current run (a breach is never saved)."""
    run = cycle.runs.filter(is_current=True).first()
    rows = RunResult.objects.filter(run=run).values_list("person_id", "group_id", "pool", "pool_quota")
    quota = {(g, p): q for _pid, g, p, q in rows}
    pool_of = {pid: (g, p) for pid, g, p, _q in rows}
    current = dict(Appraisal.objects.filter(cycle=cycle).values_list("person_id", "committee_grade"))
    current.update(proposed)
    excellent = Counter(pool_of[pid] for pid, grade in current.items() if grade == 1 and pid in pool_of)
    names = dict(Unit.objects.filter(pk__in={g for g, _p in excellent}).values_list("pk", "name"))
    return [_("%(unit)s pool %(pool)s: %(n)s 优秀 for %(quota)s places") % {
        "unit": names.get(g, g), "pool": p, "n": n, "quota": quota.get((g, p), 0)}
        for (g, p), n in excellent.items() if n > quota.get((g, p), 0)]


def _gate_blocks(cycle: Cycle, proposed: dict[int, int]) -> list[str]:
    """People proposed 优秀 although a gate of the current run blocks it (a gate is a rule, not a judgement)."""
    wanted = [pid for pid, grade in proposed.items() if grade == 1]
    rows = RunResult.objects.filter(run__cycle=cycle, run__is_current=True, person_id__in=wanted)
    return [_("%(name)s cannot be 优秀: %(gates)s") % {
        "name": name, "gates": "、".join(str(GATES[g]) for g in Gate if gate_failed(gates, g))}
        for name, gates in rows.values_list("person__name", "gates") if any(gate_failed(gates, g) for g in Gate)]


def committee_review(*, actor: User | None, cycle: Cycle, decisions: dict[int, tuple[int, str]]) -> int:
    """The committee's grades {appraisal id: (grade, reason)}; a grade other than the engine's needs a
    reason, nobody blocked by a gate may be 优秀, and no group may end with more 优秀 than its places."""
    _require(actor, Role.COMMITTEE, cycle.root)
    appraisals = {a.pk: a for a in Appraisal.objects.filter(cycle=cycle, pk__in=decisions)}
    proposed = {appraisals[aid].person_id: grade for aid, (grade, _reason) in decisions.items() if aid in appraisals}
    problems = [_("a grade must be 1–4") for grade, _r in decisions.values() if grade not in GRADES]
    problems += [_("%(name)s: give the reason for departing from the proposed grade") % {"name": a.person.name}
                 for aid, a in appraisals.items() if decisions[aid][0] != a.engine_grade and not decisions[aid][1]]
    problems += _gate_blocks(cycle, proposed) + _quota_breaches(cycle, proposed)
    if problems:
        raise ApplicationError(_("Nothing was saved: %(problems)s.") % {"problems": "；".join(map(str, problems))})
    with transaction.atomic():
        for aid, (grade, reason) in decisions.items():
            locked = _locked(aid)
            locked.committee_grade, locked.override_reason = grade, reason.strip()
            _advance(locked, Step.PUBLICATION if grade == 1 else Step.DECISION)
            audit_append(actor=actor, action="appraisal.annual.committee", object_type="appraisal", object_id=aid,
                         detail={"grade": grade, "engine_grade": locked.engine_grade, "reason": reason[:200]})
    return len(decisions)


def publication_open(*, actor: User | None, cycle: Cycle, unit: Unit, start: dt.date) -> Publication:
    """公示 of the unit's proposed 优秀 for 5 working days from `start` (the start day counts)."""
    _require(actor, Role.APPRAISAL_OFFICE, unit)
    try:
        end = period_end(work_calendar(), start, 5, working=True)
    except UnknownYear as error:
        raise ApplicationError(unknown_year_message(error)) from error
    with transaction.atomic():
        publication, _created = Publication.objects.update_or_create(
            cycle=cycle, unit=unit, defaults={"start_date": start, "end_date": end, "opened_by": actor})
        audit_append(actor=actor, action="appraisal.publication.open", object_type="unit", object_id=unit.pk,
                     detail={"start": start.isoformat(), "end": end.isoformat()})
    return publication


def objection_file(*, actor: User, publication: Publication, about: CivilServant, text: str) -> Objection:
    in_organ = actor.person is not None and actor.person.unit_id == publication.unit_id
    if not (in_organ or scope_for(actor).covers_path(publication.unit.path)):
        raise PermissionDeniedError(_("Only people of the organ may object to its 公示."))
    if not text.strip():
        raise ApplicationError(_("Say what the objection is."), field="text")
    if publication.end_date < timezone.localdate():
        raise ApplicationError(_("The 公示 has ended; objections are closed."))
    with transaction.atomic():
        objection = Objection.objects.create(publication=publication, about=about, text=text.strip(), filed_by=actor)
        audit_append(actor=actor, action="appraisal.publication.objection", object_type="publication",
                     object_id=publication.pk, detail={"about": about.pk})
        notify(user_ids=holders_over(publication.unit.path, Role.COMMITTEE),
               title=_("An objection to the 公示 of %(unit)s") % {"unit": publication.unit.name},
               link=f"/appraisal/publications/{publication.pk}/")
    return objection


def objection_resolve(*, actor: User | None, objection: Objection, resolution: str) -> Objection:
    _require(actor, Role.COMMITTEE, objection.publication.unit)
    if not resolution.strip():
        raise ApplicationError(_("Record how the objection was handled."), field="resolution")
    with transaction.atomic():
        objection.resolution, objection.resolved_at = resolution.strip(), timezone.now()
        objection.save(update_fields=["resolution", "resolved_at"])
        audit_append(actor=actor, action="appraisal.publication.resolve", object_type="objection",
                     object_id=objection.pk)
    return objection


def decide(*, actor: User | None, appraisals: Iterable[Appraisal]) -> int:
    """The head of the organ or the committee decides: the committee's grade becomes final; the person
    is notified in writing and asked to acknowledge it with their opinion."""
    decided = 0
    with transaction.atomic():
        for appraisal in appraisals:
            _require(actor, Role.COMMITTEE, appraisal.person.unit)
            locked = _locked(appraisal.pk)
            if locked.step == Step.PUBLICATION:
                _advance(locked, Step.DECISION)
            locked.final_grade, locked.decided_at, locked.notified_at = (locked.committee_grade, timezone.now(),
                                                                         timezone.now())
            _advance(locked, Step.NOTICE)
            audit_append(actor=actor, action="appraisal.annual.decide", object_type="appraisal",
                         object_id=locked.pk, detail={"grade": locked.final_grade})
            notify(user_ids=User.objects.filter(person_id=locked.person_id).values_list("id", flat=True),
                   title=_("Your appraisal result for %(year)s is ready: read and sign it") % {
                       "year": locked.cycle.year}, link="/appraisal/mine/")
            decided += 1
    return decided


def acknowledge(*, actor: User, appraisal: Appraisal, agrees: bool, opinion: str) -> Appraisal:
    """The person signs the notice with their opinion; the result is filed into the grade history."""
    if actor.person_id != appraisal.person_id:
        raise PermissionDeniedError(_("Only the person appraised signs the notice."))
    if not agrees and not opinion.strip():
        raise ApplicationError(_("If you disagree, write your opinion."), field="opinion")
    with transaction.atomic():
        locked = _locked(appraisal.pk)
        locked.agrees, locked.opinion, locked.acknowledged_at = agrees, opinion.strip(), timezone.now()
        _advance(locked, Step.FILED)
        file_result(locked)
        audit_append(actor=actor, action="appraisal.annual.acknowledge", object_type="appraisal",
                     object_id=locked.pk, detail={"agrees": agrees})
    return locked


def file_result(appraisal: Appraisal) -> None:
    """Write the final grade into the history and credits the next year's scoring reads."""
    from kaohe.appraisal.history import history_record

    history_record(appraisal)


def appraisals_for(user: User, cycle: Cycle) -> QuerySet[Appraisal]:
    """The appraisals of a cycle the caller may see (scope), with people and units."""
    return Appraisal.objects.filter(cycle=cycle).filter(scope_for(user).people_q("person__")).select_related(
        "person__unit", "person__position")

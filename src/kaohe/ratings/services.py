"""Writes of public ratings. Each checks the actor, validates, writes and audits in one transaction.

Ratings come from citizens (no login): the signed token is their authority, and the audit event
names no actor and no network address. Follow-up actions come from staff, checked by `access`.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.appraisal.scoring import scheme_category
from kaohe.audit.services import audit_append
from kaohe.collection.services import ValueIn, values_record
from kaohe.collection.sheets import SATISFACTION_SAMPLE_MIN
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.choices import SchemeStatus, Source
from kaohe.indicators.models import Scheme
from kaohe.org.models import CivilServant, Unit
from kaohe.org.services import require_office_over
from kaohe.ratings.access import require_reviewer, require_unit_actor
from kaohe.ratings.choices import FollowUpStatus, StepAction, TargetKind
from kaohe.ratings.committer import CommitterUnavailableError, committer
from kaohe.ratings.models import FollowUp, FollowUpStep, Rating, RatingTarget, ServiceWindow
from kaohe.ratings.satisfaction import Satisfaction, satisfaction_of
from kaohe.ratings.store import Outcome, RatingIn, Reason, invalid_reason, store_ratings
from kaohe.ratings.tokens import TokenExpiredError, TokenInvalidError, read_token, visit_max_age, visit_token

SUBMIT_ACTION = "ratings.rating.submit"
BATCH_ACTION = "ratings.batch.submit"
MAX_BATCH = 500
PRAISE_RATE_CODES = frozenset({"JI03"})  # 扫码好评率 takes the praise rate; other QR indicators the mean score
REASON_STATUS = {
    Reason.ALREADY_STORED: 409, Reason.DUPLICATE: 409, Reason.UNKNOWN_TARGET: 404, Reason.INACTIVE_TARGET: 410,
    Reason.INVALID: 400, Reason.NO_CALENDAR: 503, Reason.INVALID_TOKEN: 400, Reason.EXPIRED_TOKEN: 410,
    Reason.NEEDS_VISIT_TOKEN: 400, Reason.UNAVAILABLE: 503,
}


class RatingRefusedError(ApplicationError):
    """A rating that was not stored; `reason` is one of `store.Reason`."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = REASON_STATUS.get(reason, 400)


def reason_text(reason: str, *, walk_in: bool = False) -> str:
    """What to tell the citizen or the integrator about a refused rating."""
    if walk_in and reason in (Reason.ALREADY_STORED, Reason.DUPLICATE):
        return _("You have already rated this service today. Thank you.")
    texts = {
        Reason.ALREADY_STORED: _("This rating has already been received. Thank you."),
        Reason.DUPLICATE: _("This service has already been rated. Each service is rated once."),
        Reason.UNKNOWN_TARGET: _("This rating code is not valid. Please scan the code again."),
        Reason.INACTIVE_TARGET: _("This person or window is no longer rated here."),
        Reason.INVALID: _("Choose one of the five levels; a comment has at most 500 characters."),
        Reason.NO_CALENDAR: _("The working-day calendar for this year is missing, so a follow-up deadline cannot "
                              "be set. An administrator must add the year's holidays; please try again later."),
        Reason.INVALID_TOKEN: _("This rating code is not valid. Please scan the code again."),
        Reason.EXPIRED_TOKEN: _("This rating code has expired."),
        Reason.NEEDS_VISIT_TOKEN: _("A batch takes visit codes only (a code issued for one service)."),
        Reason.UNAVAILABLE: _("Rating is unavailable for a moment. Please try again later."),
    }
    return str(texts.get(reason, _("The rating was not accepted.")))


def group_commit_enabled() -> bool:
    return bool(getattr(settings, "KAOHE_RATINGS_GROUP_COMMIT", True))


def rating_submit(*, item: RatingIn, today: dt.date | None = None, grouped: bool | None = None) -> Outcome:
    """Store one rating (and open its follow-up if it is bad); raise RatingRefusedError if not stored.

    Outside any transaction the rating shares the commit of concurrent submissions of this process
    (`committer`); inside one, or with `grouped=False`, it is written in its own transaction here.
    """
    _require_valid(item)
    if grouped is None:
        grouped = group_commit_enabled() and today is None and not connection.in_atomic_block
    try:
        outcome = (committer.submit(item, action=SUBMIT_ACTION) if grouped
                   else store_ratings([item], action=SUBMIT_ACTION, today=today)[0])
    except (CommitterUnavailableError, OperationalError) as exc:
        raise _unavailable() from exc
    return _stored_or_refused(item, outcome)


async def rating_submit_async(*, item: RatingIn) -> Outcome:
    """`rating_submit` for an event loop (the lean intake): always through the group commit."""
    _require_valid(item)
    try:
        outcome = await committer.submit_async(item, action=SUBMIT_ACTION)
    except (CommitterUnavailableError, OperationalError) as exc:
        raise _unavailable() from exc
    return _stored_or_refused(item, outcome)


def _require_valid(item: RatingIn) -> None:
    if invalid_reason(item):
        raise RatingRefusedError(reason_text(Reason.INVALID), reason=Reason.INVALID)


def _unavailable() -> RatingRefusedError:
    """Not stored, not acknowledged: the client sends again."""
    return RatingRefusedError(reason_text(Reason.UNAVAILABLE), reason=Reason.UNAVAILABLE)


def _stored_or_refused(item: RatingIn, outcome: Outcome) -> Outcome:
    if not outcome.accepted:
        raise RatingRefusedError(reason_text(outcome.reason, walk_in=not item.claim.is_visit), reason=outcome.reason)
    return outcome


@dataclass(frozen=True)
class BatchRecord:
    """One record of a batch as received: a visit token and the answer."""

    token: str
    level: int
    comment: str = ""
    channel: str = "scan"
    device_hash: str = ""


def ratings_submit_batch(*, records: Sequence[BatchRecord], ip_hash: str = "",
                         today: dt.date | None = None) -> list[Outcome]:
    """Store up to 500 ratings in one transaction; answer each accepted or rejected with a reason.

    Each record needs a visit token; resending a record is harmless (`already_stored`).
    """
    if len(records) > MAX_BATCH:
        raise ApplicationError(_("A batch has at most %(n)s ratings.") % {"n": MAX_BATCH}, field="ratings")
    outcomes: list[Outcome | None] = []
    items: list[RatingIn] = []
    visit_age = visit_max_age()
    for record in records:
        try:
            claim = read_token(record.token, visit_age=visit_age)
        except TokenExpiredError:
            outcomes.append(Outcome(False, Reason.EXPIRED_TOKEN))
            continue
        except TokenInvalidError:
            outcomes.append(Outcome(False, Reason.INVALID_TOKEN))
            continue
        if not claim.is_visit:
            outcomes.append(Outcome(False, Reason.NEEDS_VISIT_TOKEN))
            continue
        items.append(RatingIn(claim=claim, level=record.level, comment=record.comment, channel=record.channel,
                              device_hash=record.device_hash, ip_hash=ip_hash))
        outcomes.append(None)
    try:
        stored = iter(store_ratings(items, action=BATCH_ACTION, today=today) if items else [])
    except OperationalError as exc:  # nothing stored, nothing acknowledged: the client sends the batch again
        raise _unavailable() from exc
    return [outcome or next(stored) for outcome in outcomes]


def target_unit(target: RatingTarget) -> Unit:
    """The unit answering for a target today: the person's or the window's."""
    return target.person.unit if target.person_id else target.window.unit  # type: ignore[union-attr]


def visit_tokens_issue(*, actor: User | None, target: RatingTarget, service_refs: Sequence[str]) -> list[str]:
    """Visit tokens for service events of a target (for a queue ticket, a receipt or a phone survey)."""
    require_unit_actor(actor, target_unit(target))
    if not 1 <= len(service_refs) <= MAX_BATCH:
        raise ApplicationError(_("Ask for 1 to %(n)s visit codes at a time.") % {"n": MAX_BATCH},
                               field="service_refs")
    tokens = [visit_token(target.kind, target.pk, ref) for ref in service_refs]
    with transaction.atomic():
        audit_append(actor=actor, action="ratings.visit_code.issue", object_type="rating_target",
                     object_id=target.pk, detail={"count": len(tokens)})
    return tokens


def window_create(*, actor: User | None, unit: Unit, number: str, name: str = "") -> ServiceWindow:
    """A service window of `unit` with its rating target."""
    require_unit_actor(actor, unit)
    number = number.strip()
    if not number or len(number) > 16:
        raise ApplicationError(_("A window number has 1 to 16 characters."), field="number")
    if ServiceWindow.objects.filter(unit=unit, number=number).exists():
        raise ApplicationError(_("%(unit)s already has a window %(number)s.") % {"unit": unit.name, "number": number},
                               field="number")
    with transaction.atomic():
        window = ServiceWindow.objects.create(unit=unit, number=number, name=name.strip()[:100])
        RatingTarget.objects.create(kind=TargetKind.WINDOW, window=window)
        audit_append(actor=actor, action="ratings.window.create", object_type="service_window",
                     object_id=window.pk, detail={"unit_id": unit.pk, "number": number})
    return window


def person_window_assign(*, actor: User | None, target: RatingTarget, window: ServiceWindow | None) -> RatingTarget:
    """Record the window where a person works (printed under their code), or clear it."""
    unit = target_unit(target)
    require_unit_actor(actor, unit)
    if target.kind != TargetKind.PERSON or (window is not None and window.unit_id != unit.pk):
        raise ApplicationError(_("Choose a window of the person's own unit."), field="window")
    with transaction.atomic():
        before = target.serves_at_id
        target.serves_at = window
        target.save(update_fields=["serves_at"])
        audit_append(actor=actor, action="ratings.target.window", object_type="rating_target", object_id=target.pk,
                     detail={"window_id": [before, window.pk if window else None]})
    return target


def targets_ensure(*, actor: User | None, unit: Unit) -> list[RatingTarget]:
    """The rating targets of the unit's people in post and open windows, made where missing."""
    require_unit_actor(actor, unit)
    people = list(CivilServant.objects.filter(unit=unit, status="active").values_list("id", flat=True))
    windows = list(ServiceWindow.objects.filter(unit=unit, active=True).values_list("id", flat=True))
    have_people = set(RatingTarget.objects.filter(person_id__in=people).values_list("person_id", flat=True))
    have_windows = set(RatingTarget.objects.filter(window_id__in=windows).values_list("window_id", flat=True))
    new = [RatingTarget(kind=TargetKind.PERSON, person_id=p) for p in people if p not in have_people]
    new += [RatingTarget(kind=TargetKind.WINDOW, window_id=w) for w in windows if w not in have_windows]
    if new:
        with transaction.atomic():
            RatingTarget.objects.bulk_create(new)
            audit_append(actor=actor, action="ratings.target.create", object_type="unit", object_id=unit.pk,
                         detail={"created": len(new)})
    return list(RatingTarget.objects.filter(person_id__in=people).select_related("person")
                .order_by("person__name_pinyin", "id")) + list(
        RatingTarget.objects.filter(window_id__in=windows).select_related("window").order_by("window__number"))


# Follow-up cases ------------------------------------------------------------------------------------

MAX_NOTE = 2000
VISITABLE = (FollowUpStatus.OPEN, FollowUpStatus.DISMISSED)
ANSWERABLE = (FollowUpStatus.VISITED, FollowUpStatus.DISMISSED)
CONTESTABLE = (FollowUpStatus.OPEN, FollowUpStatus.VISITED)


def _note(text: str, field: str) -> str:
    note = text.strip()
    if not note:
        raise ApplicationError(_("Write what was done or decided; the note cannot be empty."), field=field)
    if len(note) > MAX_NOTE:
        raise ApplicationError(_("A note has at most %(n)s characters.") % {"n": MAX_NOTE}, field=field)
    return note


def _refuse_transition(case: FollowUp, action: str) -> ApplicationError:
    return ApplicationError(_("A case that is %(status)s cannot take the step %(action)s.") % {
        "status": FollowUpStatus(case.status).label, "action": StepAction(action).label})


def _step(*, actor: User | None, case: FollowUp, action: str, status: str, note: str, on: dt.date | None,
          allowed: Sequence[str]) -> FollowUp:
    """Move a locked case to `status` with a step and an audit event, if its state allows `action`."""
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=case.pk)
        if locked.status not in allowed:
            raise _refuse_transition(locked, action)
        if action in (StepAction.RECTIFY, StepAction.CLOSE) and locked.status == FollowUpStatus.DISMISSED \
                and not locked.steps.filter(action=StepAction.VISIT).exists():
            raise ApplicationError(_("Visit the citizen before closing the case."))
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        FollowUpStep.objects.create(follow_up=locked, action=action, actor=actor, on=on or timezone.localdate(),
                                    note=note)
        audit_append(actor=actor, action=f"ratings.follow_up.{action}", object_type="follow_up",
                     object_id=locked.pk, detail={"status": [before, status], "rating_id": locked.rating_id})
    case.status, case.updated_at = locked.status, locked.updated_at
    return case


def follow_up_visit(*, actor: User | None, follow_up: FollowUp, note: str, on: dt.date | None = None) -> FollowUp:
    """Record the return visit (回访): what the citizen said and what was explained."""
    require_unit_actor(actor, follow_up.unit)
    return _step(actor=actor, case=follow_up, action=StepAction.VISIT, status=FollowUpStatus.VISITED,
                 note=_note(note, "note"), on=on, allowed=VISITABLE)


def follow_up_rectify(*, actor: User | None, follow_up: FollowUp, note: str, on: dt.date | None = None) -> FollowUp:
    """Record the rectification (整改) after the visit; the case is answered."""
    require_unit_actor(actor, follow_up.unit)
    return _step(actor=actor, case=follow_up, action=StepAction.RECTIFY, status=FollowUpStatus.RECTIFIED,
                 note=_note(note, "note"), on=on, allowed=ANSWERABLE)


def follow_up_close(*, actor: User | None, follow_up: FollowUp, note: str, on: dt.date | None = None) -> FollowUp:
    """Close after the visit without rectification (explained, or nothing to fix); the case is answered."""
    require_unit_actor(actor, follow_up.unit)
    return _step(actor=actor, case=follow_up, action=StepAction.CLOSE, status=FollowUpStatus.CLOSED,
                 note=_note(note, "note"), on=on, allowed=ANSWERABLE)


def follow_up_contest(*, actor: User | None, follow_up: FollowUp, reason: str,
                      on: dt.date | None = None) -> FollowUp:
    """The unit contests a rating it holds malicious or mistaken (申诉); a reviewer decides. Once per case."""
    require_unit_actor(actor, follow_up.unit)
    return _step(actor=actor, case=follow_up, action=StepAction.CONTEST, status=FollowUpStatus.CONTESTED,
                 note=_note(reason, "reason"), on=on, allowed=CONTESTABLE)


def follow_up_review(*, actor: User | None, follow_up: FollowUp, uphold: bool, note: str,
                     on: dt.date | None = None) -> FollowUp:
    """Decide a contest: upheld, the rating stops counting and the case ends; dismissed, the unit answers."""
    require_reviewer(actor, follow_up.unit)
    contester = follow_up.steps.filter(action=StepAction.CONTEST).values_list("actor_id", flat=True).last()
    if actor is not None and contester == actor.pk:
        raise PermissionDeniedError(_("The person who contested a rating cannot decide the contest."))
    with transaction.atomic():
        case = _step(actor=actor, case=follow_up, action=StepAction.UPHOLD if uphold else StepAction.DISMISS,
                     status=FollowUpStatus.UPHELD if uphold else FollowUpStatus.DISMISSED,
                     note=_note(note, "note"), on=on, allowed=(FollowUpStatus.CONTESTED,))
        if uphold:
            Rating.objects.filter(pk=follow_up.rating_id).update(counted=False)
    return case


# Satisfaction into the indicators ----------------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionPush:
    """What `satisfaction_record` did: values sent, people below the sample minimum, people without a
    QR-rating indicator in their scheme."""

    recorded: int
    insufficient: list[int]
    without_indicator: list[int]


def qr_codes_by_category(year: int, level: str) -> dict[str, list[str]]:
    """Per scheme category, the codes of the scheme in use for `year` (the level's own, else the
    all-levels one) whose source is QR rating."""
    qr = set(library_for_year(year).filter(source=Source.QR_RATING).values_list("code", flat=True))
    schemes = Scheme.objects.filter(year=year, status=SchemeStatus.ACTIVE, level__in=[level, ""]).order_by("level")
    found: dict[str, list[str]] = {}
    for scheme in schemes.prefetch_related("items"):  # "" sorts first: a level's own scheme wins
        found[scheme.category] = sorted(item.code for item in scheme.items.all() if item.code in qr)
    return found


def satisfaction_record(*, actor: User | None, unit: Unit, year: int,
                        minimum: int = SATISFACTION_SAMPLE_MIN) -> SatisfactionPush:
    """Send the year's satisfaction of the people of `unit` (and below) with ratings into their
    QR-rating indicators (mean score; JI03 takes the praise rate), with the sample size. Below the
    minimum the value is empty ("no value"), so an earlier value does not linger."""
    require_office_over(actor, unit)
    people = list(CivilServant.objects.filter(unit__path__startswith=unit.path, status="active")
                  .values_list("id", "unit__level", "unit__category"))
    found = satisfaction_of([pid for pid, _level, _cat in people], year=year, minimum=minimum)
    codes_by_level: dict[str, dict[str, list[str]]] = {}
    values, insufficient, without = [], [], []
    for pid, level, category in people:
        result = found[pid]
        if result.sample_size == 0:
            continue
        codes = codes_by_level.setdefault(level, qr_codes_by_category(year, level)).get(
            scheme_category(level, category), [])
        if not codes:
            without.append(pid)
            continue
        if not result.measured:
            insufficient.append(pid)
        for code in codes:
            values.append(ValueIn(pid, code, year, value=_indicator_value(code, result),
                                  sample_size=result.sample_size))
    if values:
        values_record(actor=actor, values=values, source=Source.QR_RATING,
                      batch=f"ratings-{unit.pk}-{year}-{timezone.now():%Y%m%d%H%M%S}")
    return SatisfactionPush(recorded=len(values), insufficient=insufficient, without_indicator=without)


def _indicator_value(code: str, result: Satisfaction) -> float:
    value = result.praise_rate if code in PRAISE_RATE_CODES else result.mean
    return float("nan") if value is None else float(value)

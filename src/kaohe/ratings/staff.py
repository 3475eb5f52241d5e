"""Staff pages of public ratings: a unit's codes (PDF sheet), the follow-up queue, a case, contests."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.core.masking import mask_name
from kaohe.core.pagination import keyset_page
from kaohe.org import selectors as org_selectors
from kaohe.ratings import selectors, services
from kaohe.ratings.access import can_act_on, can_review
from kaohe.ratings.choices import ACTIVE_STATUSES, FollowUpStatus, TargetKind, level_score
from kaohe.ratings.models import FollowUp, RatingTarget
from kaohe.ratings.sheet import Label, qr_svg, sheet_pdf
from kaohe.ratings.tokens import static_token

PAGE_SIZE = 50


def rating_url(request: HttpRequest, token: str) -> str:
    """The public address a code leads to: KAOHE_PUBLIC_BASE_URL if set, else this server's."""
    path = reverse("ratings:rate", args=[token])
    base = str(getattr(settings, "KAOHE_PUBLIC_BASE_URL", "")).rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise NotFoundError(_("%(name)s must be a number.") % {"name": name}) from exc


@login_required
def code_units(request: AuthedRequest) -> HttpResponse:
    return render(request, "ratings/code_units.html", {"units": selectors.units_for_codes(request.user)[:500]})


@login_required
def unit_codes(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_for_codes(request.user, unit_id)
    people = org_selectors.people_visible(request.user).filter(unit=unit, status="active").order_by("name_pinyin")
    targets = {t.person_id: t for t in RatingTarget.objects.filter(person__in=people).select_related("serves_at")}
    windows = list(selectors.windows_of(request.user, unit).select_related("rating_target"))
    context = {"unit": unit, "windows": windows,
               "people": [{"person": p, "target": targets.get(p.pk)} for p in people]}
    return render(request, "ratings/unit_codes.html", context)


@login_required
@require_POST
def unit_codes_pdf(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The unit's printable sheet; codes are made for people and windows that have none yet."""
    unit = selectors.unit_for_codes(request.user, unit_id)
    labels = [_label(request, target, unit.name) for target in services.targets_ensure(actor=request.user, unit=unit)]
    today = timezone.localdate()
    pdf = sheet_pdf(unit_name=unit.name, labels=labels, on=today)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="qr-codes-{unit.code}-{today:%Y%m%d}.pdf"'
    return response


def _label(request: HttpRequest, target: RatingTarget, unit_name: str) -> Label:
    url = rating_url(request, static_token(target.kind, target.pk))
    if target.kind == TargetKind.PERSON and target.person is not None:
        window = target.serves_at
        where = _("Window %(number)s") % {"number": window.number} if window else unit_name
        return Label(url=url, title=mask_name(target.person.name), subtitle=where)
    window = target.window
    return Label(url=url, title=_("Window %(number)s") % {"number": window.number if window else ""},
                 subtitle=(window.name if window else "") or unit_name)


@login_required
def target_qr(request: AuthedRequest, target_id: int) -> HttpResponse:
    target = selectors.target_get(request.user, target_id)
    url = rating_url(request, static_token(target.kind, target.pk))
    return HttpResponse(qr_svg(url, title=_("Scan to rate this service")), content_type="image/svg+xml")


@login_required
@require_POST
def window_add(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_for_codes(request.user, unit_id)
    services.window_create(actor=request.user, unit=unit, number=request.POST.get("number", ""),
                           name=request.POST.get("name", ""))
    services.targets_ensure(actor=request.user, unit=unit)
    return redirect("ratings:unit_codes", unit_id=unit.pk)


@login_required
@require_POST
def person_window(request: AuthedRequest, target_id: int) -> HttpResponse:
    target = selectors.target_get(request.user, target_id)
    unit = services.target_unit(target)
    window_id = request.POST.get("window", "")
    window = selectors.windows_of(request.user, unit).filter(pk=_int(window_id, "window")).first() \
        if window_id else None
    services.person_window_assign(actor=request.user, target=target, window=window)
    return redirect("ratings:unit_codes", unit_id=unit.pk)


@login_required
def follow_up_list(request: AuthedRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    statuses = FollowUpStatus.values if show_all else ACTIVE_STATUSES
    cases, cursor = keyset_page(selectors.follow_ups_to_act_on(request.user, statuses=statuses),
                                order=["due_on", "id"], cursor=request.GET.get("cursor", ""), limit=PAGE_SIZE)
    today = timezone.localdate()
    rows = [_case_row(case, today) for case in cases]
    return render(request, "ratings/follow_ups.html", {"rows": rows, "next_cursor": cursor, "show_all": show_all})


def _case_row(case: FollowUp, today: Any) -> dict[str, Any]:
    target = case.rating.target
    rated = target.person.name if target.person else _("Window %(number)s") % {"number": target.window.number}  # type: ignore[union-attr]
    return {"case": case, "rated": rated, "light": selectors.due_light(case, today),
            "score": level_score(case.rating.level)}


@login_required
def contest_list(request: AuthedRequest) -> HttpResponse:
    cases, cursor = keyset_page(selectors.contests_to_review(request.user), order=["due_on", "id"],
                                cursor=request.GET.get("cursor", ""), limit=PAGE_SIZE)
    today = timezone.localdate()
    return render(request, "ratings/contests.html", {"rows": [_case_row(c, today) for c in cases],
                                                     "next_cursor": cursor})


ACTIONS = {
    "visit": lambda actor, case, note: services.follow_up_visit(actor=actor, follow_up=case, note=note),
    "rectify": lambda actor, case, note: services.follow_up_rectify(actor=actor, follow_up=case, note=note),
    "close": lambda actor, case, note: services.follow_up_close(actor=actor, follow_up=case, note=note),
    "contest": lambda actor, case, note: services.follow_up_contest(actor=actor, follow_up=case, reason=note),
    "uphold": lambda actor, case, note: services.follow_up_review(actor=actor, follow_up=case, uphold=True,
                                                                  note=note),
    "dismiss": lambda actor, case, note: services.follow_up_review(actor=actor, follow_up=case, uphold=False,
                                                                   note=note),
}


@login_required
def follow_up_detail(request: AuthedRequest, follow_up_id: int) -> HttpResponse:
    case = selectors.follow_up_get(request.user, follow_up_id)
    error, note = "", ""
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        note = request.POST.get("note", "")
        if action is None:
            raise ApplicationError(_("Unknown action."))
        try:
            action(request.user, case, note)
            return redirect("ratings:follow_up", follow_up_id=case.pk)
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            error = exc.message
    context = {
        "case": case, "row": _case_row(case, timezone.localdate()), "steps": case.steps.select_related("actor"),
        "actions": available_actions(request.user, case), "error": error, "note": note,
    }
    return render(request, "ratings/follow_up.html", context, status=400 if error else 200)


def available_actions(user: Any, case: FollowUp) -> list[tuple[str, str]]:
    """(action, button text) the user may take on the case in its present state."""
    status = case.status
    actions: list[tuple[str, str]] = []
    if can_act_on(user, case.unit):
        if status in services.VISITABLE:
            actions.append(("visit", _("Record the return visit")))
        if status in services.ANSWERABLE:
            actions += [("rectify", _("Record the rectification")), ("close", _("Close without rectification"))]
        if status in services.CONTESTABLE:
            actions.append(("contest", _("Contest as malicious or mistaken")))
    if status == FollowUpStatus.CONTESTED and can_review(user, case.unit):
        actions += [("uphold", _("Uphold the contest (the rating stops counting)")),
                    ("dismiss", _("Dismiss the contest"))]
    return actions

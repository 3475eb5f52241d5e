"""Pages of daily work: my work (log, weekly plan, commitment), my team (approvals, ledger, special
tasks) and the leaders' warning board (绿黄橙红)."""

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kaohe.accounts.http import AuthedRequest
from kaohe.appraisal.models import QuarterGrade
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.engine.warnings import quarter_light
from kaohe.org import selectors as org_selectors
from kaohe.worklog import services
from kaohe.worklog.models import Commitment, CommitmentStatus, CommitmentTask, LedgerEntry, WeeklyPlan, WorkLog
from kaohe.worklog.selectors import inflation_alarms, target_lights


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    person = request.user.person
    if person is None:
        raise NotFoundError("")
    if request.method == "POST":
        try:
            _mine_action(request, today)
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("worklog:mine")
    week = WeeklyPlan.objects.filter(person=person, week_start=_monday(today)).first()
    commitment = Commitment.objects.filter(person=person, year=today.year).order_by("-version").first()
    context = {"today": today, "logs": WorkLog.objects.filter(person=person).order_by("-date")[:10],
               "week": week, "week_start": _monday(today), "commitment": commitment,
               "tasks": commitment.tasks.all() if commitment else [],
               "ledger": LedgerEntry.objects.filter(person=person)[:20]}
    return render(request, "worklog/mine.html", context)


def _mine_action(request: AuthedRequest, today: dt.date) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "log":
        services.worklog_write(actor=request.user, date=today, text=post.get("text", ""))
    elif action == "week":
        lines = [line.strip() for line in post.get("tasks", "").splitlines() if line.strip()]
        done = set(post.getlist("done"))
        services.weekly_plan_save(actor=request.user, week_start=_monday(today),
                                  items=[{"task": t, "done": str(i) in done} for i, t in enumerate(lines)])
    elif action == "commit":
        tasks = [{"title": t, "target": g, "start": s, "deadline": d} for t, g, s, d in zip(
            post.getlist("title"), post.getlist("target"), post.getlist("start"), post.getlist("deadline"),
            strict=False) if t.strip()]
        draft = services.commitment_save(actor=request.user, year=today.year, tasks=tasks,
                                         reason=post.get("reason", ""))
        services.commitment_submit(actor=request.user, commitment=draft)
    elif action == "progress":
        task = CommitmentTask.objects.filter(pk=post.get("task") or 0, commitment__person=request.user.person).first()
        if task is None:
            raise NotFoundError("")
        services.task_progress(actor=request.user, task=task, progress=int(post.get("progress") or 0))


@login_required
def team(request: AuthedRequest) -> HttpResponse:
    """The supervisor's desk: commitments to approve, the ledger, feedback."""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                found = Commitment.objects.filter(pk=request.POST.get("commitment") or 0).select_related(
                    "person__unit").first()
                if found is None:
                    raise NotFoundError("")
                services.commitment_approve(actor=request.user, commitment=found)
            else:
                person = org_selectors.person_get(request.user, int(request.POST.get("person") or 0))
                services.ledger_write(actor=request.user, person=person, kind=request.POST.get("kind", ""),
                                      text=request.POST.get("text", ""))
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("worklog:team")
    people = org_selectors.people_visible(request.user).exclude(pk=request.user.person_id or 0)[:300]
    waiting = Commitment.objects.filter(person__in=people, status=CommitmentStatus.SUBMITTED).select_related("person")
    return render(request, "worklog/team.html", {"people": people, "waiting": waiting})


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """The warning board: targets by light, quarterly lights per unit."""
    today = timezone.localdate()
    lights = target_lights(request.user, today)
    people = org_selectors.people_visible(request.user)
    quarter = (today.month - 1) // 3 or 4
    year = today.year if today.month > 3 else today.year - 1
    per_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for unit_name, grade in QuarterGrade.objects.filter(person__in=people, year=year, quarter=quarter,
                                                        grade__isnull=False).values_list("person__unit__name",
                                                                                         "grade")[:200000]:
        light = quarter_light(grade)
        if light:
            per_unit[unit_name][light.value] += 1
    context: dict[str, Any] = {"lights": lights[:300], "counts": sorted(Counter(t.light.value for t in lights).items()),
                               "quarter": (year, quarter), "units": sorted(per_unit.items()),
                               "inflation": inflation_alarms(request.user, year, quarter)}
    return render(request, "worklog/board.html", context)

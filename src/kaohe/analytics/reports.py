"""Reports and exports: the personal notice, unit report, 公示 list, consequence lists and listings,
as PDF and Excel. Reads are scoped (`appraisal.selectors`); names are masked unless the viewer's role
shows them; every export is recorded in the audit log in the same transaction as it is produced."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.analytics import excel, pdf
from kaohe.analytics.dashboard import gate_word
from kaohe.analytics.models import UnitRollup
from kaohe.analytics.notices import NOTICE_FIELDS, Addressee, render_notice
from kaohe.analytics.selectors import Subtree, groups, names_visible, rollup
from kaohe.appraisal import selectors as appraisal_selectors
from kaohe.appraisal.messages import GRADES, NON_GRADES
from kaohe.appraisal.models import RunResult, ScoringRun
from kaohe.appraisal.results import CONSEQUENCES
from kaohe.audit.services import audit_append
from kaohe.core.bulk import fetch_all
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.masking import mask_name
from kaohe.engine.codes import DIMENSIONS, Gate

GATE_BITS = (1 << len(Gate)) - 1  # failed gates; the bits from GATE_APPLIED_SHIFT say which gates applied
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序号", "姓名", "单位", "综合得分", "平时", "年度", "专项", "等次", "排名/名额", "未通过的优秀门槛"]
PDF_WIDTHS = (34, 56, 126, 50, 40, 40, 40, 58, 50)
PUBLICITY_HEADERS = ["序号", "姓名（已脱敏）", "单位", "拟定等次"]


@dataclass(frozen=True)
class ListKind:
    title: Promise
    sheet: str
    consequence: str = ""
    excellent_only: bool = False
    masked: bool = False


LISTS: dict[str, ListKind] = {
    "results": ListKind(gettext_lazy("Results listing"), "结果名单"),
    "publicity": ListKind(gettext_lazy("公示: proposed 优秀"), "公示名单", excellent_only=True, masked=True),
    "commendation": ListKind(gettext_lazy("嘉奖 commendation"), "嘉奖名单", consequence="commendation"),
    "merit_candidate": ListKind(gettext_lazy("记三等功 candidates"), "记三等功人选", consequence="merit_candidate"),
    "pay_step": ListKind(gettext_lazy("Eligible for a pay step (档次)"), "晋升档次名单", consequence="pay_step"),
    "level_up": ListKind(gettext_lazy("Eligible for a 级别 up"), "晋升级别名单", consequence="level_up"),
    "admonition": ListKind(gettext_lazy("诫勉 with an improvement plan"), "诫勉名单", consequence="admonition"),
    "demotion": ListKind(gettext_lazy("Demotion by one level"), "降级名单", consequence="demotion"),
    "dismissal_review": ListKind(gettext_lazy("Dismissal review (never automatic)"), "辞退审查名单",
                                 consequence="dismissal_review"),
}
LIST_COLUMNS = ("person__name", "group__name", "composite", "regular", "annual", "special", "grade", "non_grade",
                "rank", "pool_quota", "gates")


def names_allowed(user: User) -> bool:
    return names_visible(scope_for(user))


def _audit(user: User, action: str, run: ScoringRun, detail: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_append(actor=user, action=action, object_type="run", object_id=run.pk, detail=detail)


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf" if fmt == "pdf" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _check_format(fmt: str) -> None:
    if fmt not in ("pdf", "xlsx"):
        raise ApplicationError(_("Choose PDF or Excel."), field="format")


def list_results(user: User, tree: Subtree, kind: str) -> QuerySet[RunResult]:
    """The subtree's results for one list, scoped to the caller, in unit and quota order."""
    if kind not in LISTS:
        raise ApplicationError(_("Unknown list %(kind)s.") % {"kind": kind}, field="kind")
    spec = LISTS[kind]
    results = (appraisal_selectors.results_visible(user, tree.run)
               .filter(person__unit__path__startswith=tree.unit.path))
    if spec.excellent_only:
        results = results.filter(grade=1)
    if spec.consequence:
        bit = 1 << CONSEQUENCES.index(spec.consequence)
        results = results.alias(flag=F("consequences").bitand(bit)).filter(flag__gt=0)
    return results.order_by("group__path", "pool", "-composite", "person_id")


def _grade_text(grade: int, non_grade: int, memo: dict[tuple[int, int], str]) -> str:
    key = (grade, non_grade)
    if key not in memo:
        memo[key] = str(NON_GRADES[non_grade]) if non_grade else str(GRADES[grade])
    return memo[key]


def _gates_text(gates: int, memo: dict[int, str]) -> str:
    if gates not in memo:
        memo[gates] = "；".join(gate_word(i) for i in range(len(Gate)) if gates >> i & 1)
    return memo[gates]


def list_rows(user: User, tree: Subtree, kind: str) -> list[list[Any]]:
    """Rows of a list as cells (names masked unless allowed; always masked on the 公示 list)."""
    spec = LISTS.get(kind) or LISTS["results"]
    show = names_allowed(user) and not spec.masked
    rows = []
    grades: dict[tuple[int, int], str] = {}
    gate_words: dict[int, str] = {}
    for i, (name, unit, composite, regular, annual, special, grade, non_grade, rank, quota, gates) in enumerate(
            fetch_all(list_results(user, tree, kind).values_list(*LIST_COLUMNS)), start=1):
        rows.append([i, name if show else mask_name(name), unit, composite, regular, annual, special,
                     _grade_text(grade, non_grade, grades), f"{rank}/{quota}" if rank else "—",
                     _gates_text(gates & GATE_BITS, gate_words)])
    return rows


def publicity_rows(user: User, tree: Subtree) -> list[list[Any]]:
    return [[r[0], r[1], r[2], r[7]] for r in list_rows(user, tree, "publicity")]


def list_response(user: User, tree: Subtree, kind: str, fmt: str) -> HttpResponse:
    _check_format(fmt)
    rows = list_rows(user, tree, kind)
    spec = LISTS[kind]
    title = f"{tree.unit.name} · {spec.title}"
    if kind == "publicity":
        headers, rows = PUBLICITY_HEADERS, [[r[0], r[1], r[2], r[7]] for r in rows]
        widths: Sequence[float] = (40, 120, 220, 115)
    else:
        headers, widths = HEADERS, (*PDF_WIDTHS, 0)
        if fmt == "pdf":
            headers, rows = HEADERS[:9], [r[:9] for r in rows]
    if fmt == "pdf":
        subtitle = _("%(cycle)s · run v%(version)s · %(rows)s rows") % {
            "cycle": tree.run.cycle.name, "version": tree.run.version, "rows": len(rows)}
        content = pdf.listing_pdf(title, subtitle, headers, widths[: len(headers)], rows,
                                  right=[True, False, False, True, True, True, True, False, True])
    else:
        content = excel.workbook([(spec.sheet, headers, rows)])
    _audit(user, f"analytics.list.{kind}.export", tree.run,
           {"unit_id": tree.unit.pk, "format": fmt, "rows": len(rows), "names_masked": not names_allowed(user)
            or spec.masked})
    return _download(content, f"{kind}-{tree.run.cycle.year}-{tree.unit.pk}.{fmt}", fmt)


def _notice_row(result: RunResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in NOTICE_FIELDS}


def require_notice_reader(user: User, person_id: int) -> None:
    """A notice is for the person themself, or for a role that shows names (within scope)."""
    scope = scope_for(user)
    if scope.own_person_id != person_id and not names_visible(scope):
        raise PermissionDeniedError(_("Your role may not read other people's notices."))


def notice_bytes(user: User, run: ScoringRun, person_id: int) -> tuple[bytes, RunResult]:
    """One person's notice; the person themself, or a viewer whose role shows names in their scope."""
    result = appraisal_selectors.result_get(user, run, person_id)
    require_notice_reader(user, person_id)
    explained = appraisal_selectors.result_explain(run, result)
    own = UnitRollup.objects.filter(run=run, unit_id=result.group_id, tree=False).values_list("dimensions",
                                                                                              flat=True).first()
    person = result.person
    addressee = Addressee(person.name, result.group.name, person.department.name if person.department else "",
                          person.post_level)
    content = render_notice(row=_notice_row(result), person=addressee, unit_means=own or [None] * len(DIMENSIONS),
                            cycle_name=run.cycle.name, year=run.cycle.year, version=run.version,
                            explanation=explained.explanation)
    return content, result


def notice_response(user: User, run: ScoringRun, person_id: int) -> HttpResponse:
    content, result = notice_bytes(user, run, person_id)
    _audit(user, "analytics.notice.export", run, {"person_id": person_id, "format": "pdf"})
    return _download(content, f"notice-{run.cycle.year}-{result.person_id}.pdf", "pdf")


SUMMARY_HEADERS = ["单位", "人数", "优秀", "称职", "基本称职", "不称职", "未定等次", "优秀名额", "平均综合得分"]


def _summary_rows(rows: Sequence[UnitRollup]) -> list[list[Any]]:
    return [[r.unit.name, r.people, r.grade_1, r.grade_2, r.grade_3, r.grade_4, r.no_grade + r.non_grade, r.quota,
             r.composite_mean] for r in rows]


def unit_report_response(user: User, tree: Subtree, fmt: str) -> HttpResponse:
    """The unit report: headline figures, each appraisal group, and the results listing."""
    _check_format(fmt)
    total = rollup(tree)
    summary = _summary_rows([total] if total else []) + _summary_rows(list(groups(tree)))
    listing = list_rows(user, tree, "results")
    title = _("Appraisal report of %(unit)s, %(year)s") % {"unit": tree.unit.name, "year": tree.run.cycle.year}
    if fmt == "pdf":
        intro = [_("%(cycle)s, scoring run v%(version)s.") % {"cycle": tree.run.cycle.name,
                                                              "version": tree.run.version}]
        sections = [(_("Grades by appraisal group"), SUMMARY_HEADERS, (120, 40, 40, 40, 50, 45, 50, 50, 60), summary),
                    (_("Results"), HEADERS[:9], PDF_WIDTHS, [r[:9] for r in listing])]
        content = pdf.report_pdf(title, sections, intro)
    else:
        content = excel.workbook([("等次分布", SUMMARY_HEADERS, summary), ("人员名单", HEADERS, listing)])
    _audit(user, "analytics.unit_report.export", tree.run,
           {"unit_id": tree.unit.pk, "format": fmt, "rows": len(listing), "names_masked": not names_allowed(user)})
    return _download(content, f"report-{tree.run.cycle.year}-{tree.unit.pk}.{fmt}", fmt)

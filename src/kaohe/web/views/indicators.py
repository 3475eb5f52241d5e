"""Pages of the indicator library and the scheme editor (appraisal office)."""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.engine.ahp import ahp_weights
from kaohe.engine.problems import Problem
from kaohe.engine.rules import Rubric, Rule, rule_from_dict
from kaohe.indicators import selectors, services
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.checks import scheme_warnings
from kaohe.indicators.choices import Dimension, IndicatorKind, RuleKind, SchemeStatus
from kaohe.indicators.models import Indicator, Scheme
from kaohe.indicators.problems import ProblemsError, problem_text

FORM_FIELDS = ("code", "name_zh", "name_en", "dimension", "kind", "source", "unit", "direction", "target",
               "rule_kind", "rule_params", "description")


def _year(request: AuthedRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def library(request: AuthedRequest) -> HttpResponse:
    year = _year(request)
    filters = {k: request.GET.get(k, "") for k in ("dimension", "kind", "status")}
    context = {
        "year": year, "filters": filters, "indicators": selectors.library(year=year, **filters),
        "dimensions": Dimension.choices, "kinds": IndicatorKind.choices,
    }
    return render(request, "web/library.html", context)


def _indicator_form(post: Any) -> tuple[dict[str, Any], list[Problem]]:
    fields: dict[str, Any] = {name: post.get(name, "").strip() for name in FORM_FIELDS}
    fields["core"] = post.get("core") == "on"
    problems: list[Problem] = []
    try:
        fields["rule_params"] = json.loads(fields["rule_params"] or "{}")
    except json.JSONDecodeError:
        problems.append(Problem("param_malformed", "rule_params", {"name": "rule_params"}))
    try:
        fields["target"] = Decimal(fields["target"]) if fields["target"] else None
    except InvalidOperation:
        problems.append(Problem("param_not_numeric", "target", {"name": "target", "value": fields["target"]}))
    return fields, problems


@login_required
def indicator_edit(request: AuthedRequest, indicator_id: int | None = None) -> HttpResponse:
    indicator = selectors.indicator_get(indicator_id) if indicator_id else None
    year = _year(request)
    context: dict[str, Any] = {"indicator": indicator, "year": year, "rule_kinds": RuleKind.choices,
                               "choices": _choices()}
    if request.method == "POST":
        fields, problems = _indicator_form(request.POST)
        year = int(request.POST.get("year") or year)
        try:
            if problems:
                raise ProblemsError(problems)
            if indicator is None:
                saved = services.indicator_create(actor=request.user, year=year, fields=fields)
            else:
                saved = services.indicator_revise(actor=request.user, indicator=indicator, year=year, fields=fields)
            return redirect(f"/library/?year={year}&saved={saved.code}")
        except ProblemsError as error:
            context.update(values=fields, problems=[(p.field, problem_text(p)) for p in error.problems], year=year)
            context["values"]["rule_params"] = request.POST.get("rule_params", "")
            return render(request, "web/indicator_edit.html", context, status=400)
    if indicator is not None:
        context["values"] = {**{f: getattr(indicator, f) for f in FORM_FIELDS},
                             "rule_params": json.dumps(indicator.rule_params, ensure_ascii=False),
                             "core": indicator.core}
    else:
        context["values"] = {"rule_kind": "ratio", "rule_params": '{"target": 100}', "direction": "higher"}
    return render(request, "web/indicator_edit.html", context)


def _choices() -> dict[str, Any]:
    from kaohe.indicators.choices import Direction, Source

    return {"dimension": Dimension.choices, "kind": IndicatorKind.choices, "source": Source.choices,
            "direction": Direction.choices}


@login_required
@require_POST
def indicator_retire(request: AuthedRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.indicator_get(indicator_id)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    services.indicator_retire(actor=request.user, indicator=indicator, year=year)
    return redirect(f"/library/?year={year}&saved={indicator.code}")


@login_required
@require_POST
def rule_preview(request: AuthedRequest) -> HttpResponse:
    """The editor's live preview: the score of one typed value under the rule being edited."""
    context: dict[str, Any] = {"value": request.POST.get("preview_value", "")}
    try:
        params = json.loads(request.POST.get("rule_params") or "{}")
    except json.JSONDecodeError:
        params = None
    rule = rule_from_dict(request.POST.get("rule_kind", ""), params) if isinstance(params, dict) else [
        Problem("param_malformed", "rule_params", {"name": "rule_params"})]
    if isinstance(rule, list):
        context["problems"] = [problem_text(p) for p in rule]
    else:
        context["score"] = _preview_score(rule, context["value"])
    return render(request, "web/partials/rule_preview.html", context)


def _preview_score(rule: Rule, raw: str) -> Decimal | None:
    """A rubric reads a level (好/较好/…), every other rule a number."""
    if isinstance(rule, Rubric):
        return rule.score_level(raw.strip())
    try:
        return rule.score_one(Decimal(raw.strip()))
    except InvalidOperation:
        return None


@login_required
def library_diff(request: AuthedRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year_from = int(request.GET.get("from") or this_year - 1)
        year_to = int(request.GET.get("to") or this_year)
    except ValueError:
        year_from, year_to = this_year - 1, this_year
    context = {"year_from": year_from, "year_to": year_to, "diff": selectors.library_diff(year_from, year_to)}
    return render(request, "web/library_diff.html", context)


@login_required
def schemes(request: AuthedRequest) -> HttpResponse:
    year = _year(request)
    return render(request, "web/schemes.html", {"year": year, "schemes": Scheme.objects.filter(year=year)})


def _posted_weights(post: Any) -> tuple[dict[str, str], dict[str, str]]:
    dims = {d: post.get(f"dim_{d}", "").strip() or "0" for d in Dimension.values}
    weights = {key[2:]: value.strip() for key, value in post.items() if key.startswith("w_") and value.strip()}
    return dims, weights


def _editor_context(scheme: Scheme, dims: dict[str, str], weights: dict[str, str],
                    problems: list[Problem]) -> dict[str, Any]:
    library = list(library_for_year(scheme.year).order_by("code"))
    groups = []
    for code, label in Dimension.choices:
        rows = [(i, weights.get(i.code, "")) for i in library if i.dimension == code]
        total = sum((_number(w) for i, w in rows if i.rule_kind not in ("veto", "capped_bonus")), Decimal(0))
        groups.append({"code": code, "label": label, "weight": dims.get(code, ""), "rows": rows, "total": total})
    chart = {"unit": "%", "items": [{"name": str(label), "value": float(_number(dims.get(code, "")))}
                                    for code, label in Dimension.choices]}
    return {
        "scheme": scheme, "groups": groups, "chart": chart,
        "dimension_total": sum((_number(v) for v in dims.values()), Decimal(0)),
        "problems": [(p.field, problem_text(p)) for p in problems],
        "warnings": [problem_text(p) for p in scheme_warnings(scheme)],
        "editable": scheme.status != SchemeStatus.ARCHIVED,
    }


def _number(value: str) -> Decimal:
    try:
        return Decimal(value or "0")
    except InvalidOperation:
        return Decimal(0)


@login_required
def scheme_edit(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    scheme = selectors.scheme_get(scheme_id)
    if request.method == "POST":
        dims, weights = _posted_weights(request.POST)
        try:
            services.scheme_save(actor=request.user, scheme=scheme, dimension_weights=dims, indicator_weights=weights)
            return redirect(f"/schemes/{scheme.pk}/?saved=1")
        except ProblemsError as error:
            context = _editor_context(scheme, dims, weights, error.problems)
            return render(request, "web/scheme_edit.html", context, status=400)
    dims = {k: str(v) for k, v in scheme.dimension_weights.items()}
    weights = {i.code: str(i.weight) for i in scheme.items.all()}
    context = _editor_context(scheme, dims, weights, [])
    context["saved"] = request.GET.get("saved") == "1"
    return render(request, "web/scheme_edit.html", context)


@login_required
@require_POST
def scheme_check(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    """Inline validation while typing: sums and problems, nothing saved."""
    scheme = selectors.scheme_get(scheme_id)
    dims, weights = _posted_weights(request.POST)
    try:
        problems = services.scheme_preview(scheme=scheme, dimension_weights=dims, indicator_weights=weights)
    except ProblemsError as error:
        problems = error.problems
    return render(request, "web/partials/scheme_check.html", _editor_context(scheme, dims, weights, problems))


@login_required
@require_POST
def scheme_activate(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    scheme = selectors.scheme_get(scheme_id)
    try:
        services.scheme_activate(actor=request.user, scheme=scheme)
    except ProblemsError as error:
        dims = {k: str(v) for k, v in scheme.dimension_weights.items()}
        weights = {i.code: str(i.weight) for i in scheme.items.all()}
        return render(request, "web/scheme_edit.html", _editor_context(scheme, dims, weights, error.problems),
                      status=400)
    return redirect(f"/schemes/{scheme.pk}/?saved=1")


@login_required
def scheme_ahp(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    """AHP helper: pairwise comparisons → weights and CR; apply them to the draft when consistent."""
    scheme = selectors.scheme_get(scheme_id)
    target = request.POST.get("target") or request.GET.get("target") or ""
    labels = _ahp_labels(scheme, target)
    context: dict[str, Any] = {"scheme": scheme, "target": target, "labels": labels, "dimensions": Dimension.choices}
    if request.method == "POST":
        matrix = [[request.POST.get(f"m_{i}_{j}", "1") for j in range(len(labels))] for i in range(len(labels))]
        context["matrix"] = matrix
        try:
            values = [[float(Decimal(v)) for v in row] for row in matrix]
            result = ahp_weights(values)
            if isinstance(result, list):
                raise ProblemsError(result)
            context["result"] = {"weights": list(zip(labels, result.percentages, strict=True)),
                                 "cr": f"{result.consistency_ratio:.3f}", "acceptable": result.acceptable}
            if request.POST.get("apply") and result.acceptable:
                services.scheme_apply_ahp(actor=request.user, scheme=scheme, dimension=target or None,
                                          matrix=values)
                return redirect(f"/schemes/{scheme.pk}/?saved=1")
        except (ProblemsError, InvalidOperation, ValueError) as error:
            problems = error.problems if isinstance(error, ProblemsError) else [
                Problem("param_not_numeric", "matrix", {"name": "matrix", "value": ""})]
            context["problems"] = [problem_text(p) for p in problems]
            return render(request, "web/scheme_ahp.html", context, status=400)
    else:
        context["matrix"] = [["1"] * len(labels) for _ in labels]
    return render(request, "web/scheme_ahp.html", context)


def _ahp_labels(scheme: Scheme, target: str) -> list[str]:
    if not target:
        return [str(label) for _, label in Dimension.choices]
    codes = services.counted_codes(scheme, target)
    names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name_zh"))
    return [f"{code} {names.get(code, '')}" for code in codes]

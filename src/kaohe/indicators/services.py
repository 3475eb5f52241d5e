"""Writes of the indicator library and schemes. Each checks, validates through the engine, writes, audits."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import audit_append, changes
from kaohe.core.errors import PermissionDeniedError
from kaohe.engine import scheme as engine
from kaohe.engine.ahp import ahp_weights
from kaohe.engine.policy import plan_policy, statutory_policy
from kaohe.engine.problems import Problem
from kaohe.indicators.adapter import (
    INDICATOR_FIELDS,
    indicator_fields,
    indicator_spec,
    library_for_year,
    settings_json,
)
from kaohe.indicators.checks import scheme_errors
from kaohe.indicators.choices import SchemeStatus
from kaohe.indicators.models import Indicator, Scheme, SchemeIndicator
from kaohe.indicators.problems import ProblemsError

EDITABLE = tuple(f for f in INDICATOR_FIELDS if f not in ("year_from", "year_to"))


def require_library_editor(actor: User | None) -> None:
    """The library and schemes are kept by the appraisal office at the top of the tree (central)."""
    if actor is None:
        return
    scope = scope_for(actor, roles=[Role.APPRAISAL_OFFICE])
    if not any(path.count("/") == 2 for path in scope.unit_paths):
        raise PermissionDeniedError(_("Only the appraisal office at the top unit may change the library and schemes."))


def _decimal(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ProblemsError([Problem("param_not_numeric", field, {"name": field, "value": str(value)})]) from exc
    if not result.is_finite():
        raise ProblemsError([Problem("param_not_numeric", field, {"name": field, "value": str(value)})])
    return result


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ProblemsError([Problem("year_out_of_range", "year", {"year": year})])


def indicator_problems(indicator: Indicator) -> list[Problem]:
    """Vocabulary, rule parameters and rule/kind fit, checked by the engine (weight 0 in the library)."""
    spec = indicator_spec(indicator, Decimal(0))
    return spec if isinstance(spec, list) else spec.validate()


def _save_indicator(actor: User | None, indicator: Indicator, action: str, detail: dict[str, Any]) -> Indicator:
    problems = indicator_problems(indicator)
    if problems:
        raise ProblemsError(problems)
    with transaction.atomic():
        indicator.save()
        audit_append(actor=actor, action=action, object_type="indicator", object_id=indicator.pk, detail=detail)
    return indicator


def indicator_create(*, actor: User | None, year: int, fields: Mapping[str, Any]) -> Indicator:
    """Add an indicator to the library from `year` on."""
    require_library_editor(actor)
    _check_year(year)
    if Indicator.objects.filter(code=fields.get("code", "")).exists():
        raise ProblemsError([Problem("indicator_code_duplicate", "code", {"code": fields.get("code", "")})])
    indicator = Indicator(year_from=year, **{k: v for k, v in fields.items() if k in EDITABLE})
    return _save_indicator(actor, indicator, "indicators.indicator.create", {"code": indicator.code, "year": year})


def indicator_revise(*, actor: User | None, indicator: Indicator, year: int, fields: Mapping[str, Any]) -> Indicator:
    """Change an indicator from `year` on. A version that began earlier is closed and a new one opened,
    so cycles of earlier years keep the version they were opened with."""
    require_library_editor(actor)
    _check_year(year)
    if year < indicator.year_from:
        raise ProblemsError([Problem("version_year_before_start", "year", {"year_from": indicator.year_from})])
    before = indicator_fields(indicator)
    with transaction.atomic():
        if year == indicator.year_from:
            revised = indicator
        else:
            Indicator.objects.filter(pk=indicator.pk).update(year_to=year - 1)
            revised = Indicator(**{f: getattr(indicator, f) for f in EDITABLE}, year_from=year)
        for name, value in fields.items():
            if name in EDITABLE and name != "code":
                setattr(revised, name, value)
        return _save_indicator(actor, revised, "indicators.indicator.revise",
                               {"code": indicator.code, "year": year, **changes(before, indicator_fields(revised))})


def indicator_retire(*, actor: User | None, indicator: Indicator, year: int) -> Indicator:
    """Retire an indicator: it is no longer in the library from `year` on."""
    require_library_editor(actor)
    if year <= indicator.year_from:
        raise ProblemsError([Problem("version_year_before_start", "year", {"year_from": indicator.year_from})])
    with transaction.atomic():
        indicator.year_to = year - 1
        indicator.save(update_fields=["year_to"])
        audit_append(actor=actor, action="indicators.indicator.retire", object_type="indicator",
                     object_id=indicator.pk, detail={"code": indicator.code, "last_year": year - 1})
    return indicator


def profile_defaults(profile: str) -> dict[str, Any]:
    settings = engine.statutory_defaults() if profile == "statutory" else engine.plan_defaults()
    policy = statutory_policy() if profile == "statutory" else plan_policy()
    return settings_json(settings, policy)


def scheme_create(*, actor: User | None, name: str, category: str, level: str, year: int, profile: str,
                  copy_from: Scheme | None = None, key_indicators: tuple[list[str], Decimal] | None = None) -> Scheme:
    """A draft scheme from a profile's defaults (or a copy of another scheme's weights).

    `key_indicators` (codes, minimum share of 绩) is the category's minimum of DOMAIN.md "Indicators".
    """
    require_library_editor(actor)
    _check_year(year)
    if profile not in ("statutory", "plan"):
        raise ProblemsError([Problem("choice_unknown", "profile", {"value": profile, "allowed": "statutory, plan"})])
    defaults = engine.statutory_defaults() if profile == "statutory" else engine.plan_defaults()
    settings = profile_defaults(profile)
    if key_indicators is not None:
        settings["policy"]["key_indicators"] = {"codes": list(key_indicators[0]), "share": str(key_indicators[1])}
    elif copy_from is not None:
        settings["policy"]["key_indicators"] = copy_from.settings["policy"]["key_indicators"]
    scheme = Scheme(name=name, category=category, level=level, year=year, profile=profile, settings=settings,
                    dimension_weights={k: str(v) for k, v in defaults.dimension_weights.items()})
    with transaction.atomic():
        if copy_from is not None:
            scheme.dimension_weights = dict(copy_from.dimension_weights)
        scheme.save()
        source = copy_from.items.all() if copy_from else []
        SchemeIndicator.objects.bulk_create([SchemeIndicator(scheme=scheme, code=i.code, weight=i.weight)
                                             for i in source])
        audit_append(actor=actor, action="indicators.scheme.create", object_type="scheme", object_id=scheme.pk,
                     detail={"name": name, "category": category, "year": year, "profile": profile})
    return scheme


def _weights_snapshot(scheme: Scheme) -> dict[str, Any]:
    return {"dimensions": dict(scheme.dimension_weights),
            "indicators": {i.code: str(i.weight) for i in scheme.items.all()}}


def _apply_weights(scheme: Scheme, dimension_weights: Mapping[str, Any], indicator_weights: Mapping[str, Any],
                   settings: Mapping[str, Any] | None) -> list[Problem]:
    """Write the weights (and settings) and return the scheme's problems; the caller decides to keep them."""
    scheme.dimension_weights = {k: str(_decimal(v, f"dimension_weights.{k}")) for k, v in dimension_weights.items()}
    items = {code: _decimal(v, f"weights.{code}") for code, v in indicator_weights.items()}
    if settings is not None:
        scheme.settings = dict(settings)
    scheme.save()
    scheme.items.all().delete()
    SchemeIndicator.objects.bulk_create([SchemeIndicator(scheme=scheme, code=c, weight=w) for c, w in items.items()])
    return scheme_errors(scheme, against_active=scheme.status == SchemeStatus.ACTIVE)


class _Discard(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def scheme_preview(*, scheme: Scheme, dimension_weights: Mapping[str, Any],
                   indicator_weights: Mapping[str, Any]) -> list[Problem]:
    """The problems the scheme would have with these weights; nothing is kept (inline validation)."""
    try:
        with transaction.atomic():
            raise _Discard(_apply_weights(scheme, dimension_weights, indicator_weights, None))
    except _Discard as result:
        scheme.refresh_from_db()
        return result.problems
    except ProblemsError as error:
        scheme.refresh_from_db()
        return error.problems


def scheme_save(*, actor: User | None, scheme: Scheme, dimension_weights: Mapping[str, Any],
                indicator_weights: Mapping[str, Any], settings: Mapping[str, Any] | None = None) -> Scheme:
    """Save weights (and settings) if the scheme stays valid; otherwise raise with every problem."""
    require_library_editor(actor)
    if scheme.status == SchemeStatus.ARCHIVED:
        raise PermissionDeniedError(_("An archived scheme cannot be changed; copy it to a new draft."))
    before = _weights_snapshot(scheme)
    try:
        with transaction.atomic():
            problems = _apply_weights(scheme, dimension_weights, indicator_weights, settings)
            if problems:
                raise ProblemsError(problems)
            audit_append(actor=actor, action="indicators.scheme.save", object_type="scheme", object_id=scheme.pk,
                         detail=changes(before, _weights_snapshot(scheme)))
    except ProblemsError:
        scheme.refresh_from_db()
        raise
    return scheme


def scheme_activate(*, actor: User | None, scheme: Scheme) -> Scheme:
    """Put a valid scheme in use for its category, level and year; the one in use before is archived."""
    require_library_editor(actor)
    with transaction.atomic():
        problems = scheme_errors(scheme, against_active=True)
        if problems:
            raise ProblemsError(problems)
        previous = Scheme.objects.select_for_update().filter(
            category=scheme.category, level=scheme.level, year=scheme.year, status=SchemeStatus.ACTIVE
        ).exclude(pk=scheme.pk)
        previous_ids = list(previous.values_list("pk", flat=True))
        previous.update(status=SchemeStatus.ARCHIVED)
        scheme.status = SchemeStatus.ACTIVE
        scheme.save(update_fields=["status", "updated_at"])
        audit_append(actor=actor, action="indicators.scheme.activate", object_type="scheme", object_id=scheme.pk,
                     detail={"archived": previous_ids})
    return scheme


def scheme_apply_ahp(*, actor: User | None, scheme: Scheme, dimension: str | None,
                     matrix: list[list[Any]]) -> Scheme:
    """Weights from an AHP pairwise matrix: for the five dimensions (dimension=None) or for the
    indicators of one dimension in scheme order. Refused, with CR shown, when CR ≥ 0.1."""
    result = ahp_weights([[float(_decimal(v, "matrix")) for v in row] for row in matrix])
    if isinstance(result, list):
        raise ProblemsError(result)
    if not result.acceptable:
        raise ProblemsError([Problem("ahp_inconsistent", "matrix", {"cr": f"{result.consistency_ratio:.3f}"})])
    dims = dict(scheme.dimension_weights)
    weights = {i.code: i.weight for i in scheme.items.all()}
    if dimension is None:
        dims = dict(zip(("de", "neng", "qin", "ji", "lian"), (str(w) for w in result.percentages), strict=True))
    else:
        codes = counted_codes(scheme, dimension)
        if len(codes) != len(result.percentages):
            raise ProblemsError([Problem("ahp_size_mismatch", "matrix", {"size": len(codes)})])
        weights.update(zip(codes, result.percentages, strict=True))
    return scheme_save(actor=actor, scheme=scheme, dimension_weights=dims, indicator_weights=weights)


def counted_codes(scheme: Scheme, dimension: str) -> list[str]:
    versions = {i.code: i for i in library_for_year(scheme.year)}
    return [item.code for item in scheme.items.all()
            if item.code in versions and versions[item.code].dimension == dimension
            and versions[item.code].rule_kind not in ("veto", "capped_bonus")]


def default_content_load(*, actor: User | None, year: int, activate_profile: str = "plan") -> list[Scheme]:
    """The default library and schemes for `year`: eight for civil servants (4 categories × 2 profiles)
    and seven for units; the `activate_profile` ones and the unit schemes are put in use. Does nothing
    to an indicator code already present."""
    from kaohe.indicators.defaults import LIBRARY, SCHEMES, UNIT_LIBRARY, UNIT_SCHEMES, unit_settings

    with transaction.atomic():
        existing = set(Indicator.objects.values_list("code", flat=True))
        for row in LIBRARY + UNIT_LIBRARY:
            if row["code"] in existing:
                continue
            indicator = Indicator(**row)
            _save_indicator(actor, indicator, "indicators.indicator.create", {"code": indicator.code,
                                                                                "year": indicator.year_from})
        schemes = []
        for category, spec in SCHEMES.items():
            for profile in ("plan", "statutory"):
                label = _("plan") if profile == "plan" else _("statutory")
                scheme = scheme_create(actor=actor, name=f"{spec['name']}（{label}）", category=category, level="",
                                       year=year, profile=profile,
                                       key_indicators=(spec["key"][0], Decimal(spec["key"][1])))
                scheme_save(actor=actor, scheme=scheme, dimension_weights=spec["dimensions"],
                            indicator_weights=spec["indicators"])
                schemes.append(scheme)
        for category, spec in UNIT_SCHEMES.items():
            scheme = scheme_create(actor=actor, name=spec["name"], category=category, level="", year=year,
                                   profile=activate_profile)
            scheme_save(actor=actor, scheme=scheme, dimension_weights={"ji": 100}, indicator_weights=spec["indicators"],
                        settings=unit_settings(scheme.settings))
            schemes.append(scheme)
        for scheme in schemes:
            if scheme.profile == activate_profile:
                scheme_activate(actor=actor, scheme=scheme)
    return schemes

"""The one place where indicator and scheme rows become engine settings, and back (JSON).

`engine_scheme(scheme)` builds the `kaohe.engine.scheme.Scheme` the engine scores with;
`settings_json(...)`/`scheme_parts(...)` store and read every non-weight setting as JSON;
`snapshot(scheme)` is the frozen copy a cycle keeps.
"""

from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from kaohe.engine import scheme as engine
from kaohe.engine.policy import Deadline, KeyIndicatorMinimum, Policy
from kaohe.engine.problems import Problem, prefixed
from kaohe.engine.rules import rule_from_dict
from kaohe.indicators.choices import category_subject
from kaohe.indicators.models import Indicator, Scheme


def library_for_year(year: int) -> QuerySet[Indicator]:
    """The indicator versions valid in `year`."""
    return Indicator.objects.filter(Q(year_to__isnull=True) | Q(year_to__gte=year), year_from__lte=year)


def _dec(mapping: Mapping[str, Any]) -> dict[str, Decimal]:
    return {key: Decimal(str(value)) for key, value in mapping.items()}


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def settings_json(settings: engine.Scheme, policy: Policy) -> dict[str, Any]:
    """Every setting but the weights, as JSON-safe data (Decimals as strings)."""
    data: dict[str, Any] = _json({
        "composition": asdict(settings.composition),
        "rater_weights": dict(settings.rater_weights),
        "trim_min_raters": settings.trim_min_raters,
        "quota": asdict(settings.quota),
        "thresholds": asdict(settings.thresholds),
        "gates": asdict(settings.gates),
        "bonus": {"kind": settings.bonus.kind, "coefficients": dict(settings.bonus.coefficients)},
        "quarter_rubric": dict(settings.quarter_rubric),
        "leave_share_limit": settings.leave_share_limit,
        "policy": {
            **{k: v for k, v in asdict(policy).items() if k not in ("deadlines", "key_indicators")},
            "deadlines": {key: asdict(d) for key, d in policy.deadlines.items()},
            "key_indicators": asdict(policy.key_indicators) if policy.key_indicators else None,
        },
    })
    return data


def _optional_dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def scheme_settings(profile: str, data: Mapping[str, Any], dimension_weights: Mapping[str, Any],
                    indicators: tuple[engine.IndicatorSpec, ...] = (), subject: str = "person") -> engine.Scheme:
    """An engine `Scheme` from stored JSON (raises KeyError/ValueError on malformed JSON)."""
    composition, quota, thresholds, gates = data["composition"], data["quota"], data["thresholds"], data["gates"]
    return engine.Scheme(
        profile=profile,
        indicators=indicators,
        dimension_weights=_dec(dimension_weights),
        composition=engine.Composition(composition["mode"], Decimal(composition["regular"]),
                                       Decimal(composition["annual"]), Decimal(composition["special"])),
        rater_weights=_dec(data["rater_weights"]),
        trim_min_raters=int(data["trim_min_raters"]),
        quota=engine.Quota(Decimal(quota["ratio"]), quota["rounding"], bool(quota["per_post_level_pool"])),
        thresholds=engine.Thresholds(Decimal(thresholds["excellent"]), Decimal(thresholds["competent"]),
                                     Decimal(thresholds["basic"])),
        gates=engine.Gates(bool(gates["require_good_quarter"]), bool(gates["block_poor_quarter"]),
                           _optional_dec(gates["min_satisfaction"]), bool(gates["block_warning"]),
                           bool(gates["block_accountability"])),
        bonus=engine.Bonus(data["bonus"]["kind"], _dec(data["bonus"]["coefficients"])),
        quarter_rubric=_dec(data["quarter_rubric"]),
        leave_share_limit=Decimal(str(data["leave_share_limit"])),
        subject=subject,
    )


def scheme_policy(data: Mapping[str, Any]) -> Policy:
    raw = data["policy"]
    key = raw.get("key_indicators")
    return Policy(
        deadlines={k: Deadline(int(d["n"]), d["unit"], d["start"]) for k, d in raw["deadlines"].items()},
        warning_yellow=Decimal(str(raw["warning_yellow"])),
        warning_orange=Decimal(str(raw["warning_orange"])),
        anonymity_min=int(raw["anonymity_min"]),
        good_quarter_cap=Decimal(str(raw["good_quarter_cap"])),
        differentiation_min=Decimal(str(raw["differentiation_min"])),
        key_indicators=KeyIndicatorMinimum(tuple(key["codes"]), Decimal(str(key["share"]))) if key else None,
        roll_to_working_day=bool(raw["roll_to_working_day"]),
        staff_excellent_by_unit_grade=tuple(Decimal(str(v)) for v in raw.get(
            "staff_excellent_by_unit_grade", Policy.staff_excellent_by_unit_grade)),
        commendation_bonus=Decimal(str(raw.get("commendation_bonus", Policy.commendation_bonus))),
    )


def indicator_spec(indicator: Indicator, weight: Decimal) -> engine.IndicatorSpec | list[Problem]:
    rule = rule_from_dict(indicator.rule_kind, indicator.rule_params)
    if isinstance(rule, list):
        return prefixed(rule, "rule")
    return engine.IndicatorSpec(
        code=indicator.code, name_zh=indicator.name_zh, name_en=indicator.name_en, dimension=indicator.dimension,
        kind=indicator.kind, source=indicator.source, weight=weight, rule=rule, core=indicator.core,
        unit=indicator.unit, target=indicator.target, direction=indicator.direction,
    )


def engine_scheme(scheme: Scheme) -> tuple[engine.Scheme | None, list[Problem]]:
    """The engine settings of a scheme, with its indicators in scheme order, or the problems."""
    codes = [item.code for item in scheme.items.all()]
    versions = {i.code: i for i in library_for_year(scheme.year).filter(code__in=codes)}
    specs: list[engine.IndicatorSpec] = []
    problems: list[Problem] = []
    for position, item in enumerate(scheme.items.all()):
        version = versions.get(item.code)
        if version is None:
            problems.append(Problem("indicator_not_in_library", f"indicators[{position}]",
                                    {"code": item.code, "year": scheme.year}))
            continue
        spec = indicator_spec(version, item.weight)
        if isinstance(spec, list):
            problems += prefixed(spec, f"indicators[{position}]")
        else:
            specs.append(spec)
    if problems:
        return None, problems
    settings = scheme_settings(scheme.profile, scheme.settings, scheme.dimension_weights, tuple(specs),
                               category_subject(scheme.category))
    return settings, []


def snapshot(scheme: Scheme) -> dict[str, Any]:
    """A self-contained copy of the scheme (settings, weights, indicator versions) for a cycle."""
    versions = {i.code: i for i in library_for_year(scheme.year)}
    data: dict[str, Any] = _json({
        "scheme_id": scheme.pk, "name": scheme.name, "year": scheme.year, "profile": scheme.profile,
        "category": scheme.category, "level": scheme.level, "settings": scheme.settings,
        "dimension_weights": scheme.dimension_weights,
        "indicators": [
            {**indicator_fields(versions[item.code]), "weight": item.weight}
            for item in scheme.items.all() if item.code in versions
        ],
    })
    return data


INDICATOR_FIELDS = (
    "code", "name_zh", "name_en", "dimension", "kind", "source", "unit", "direction", "target", "rule_kind",
    "rule_params", "core", "subject", "description", "year_from", "year_to",
)


def indicator_fields(indicator: Indicator) -> dict[str, Any]:
    return {name: _json(getattr(indicator, name)) for name in INDICATOR_FIELDS}


def indicator_spec_from_snapshot(row: Mapping[str, Any]) -> engine.IndicatorSpec:
    """An indicator of a frozen snapshot (rules were validated when the scheme was put in use)."""
    rule = rule_from_dict(row["rule_kind"], row["rule_params"])
    if isinstance(rule, list):
        raise ValueError(f"Snapshot rule of {row['code']} is invalid: {[p.code for p in rule]}")
    target = row.get("target")
    return engine.IndicatorSpec(
        code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"], dimension=row["dimension"],
        kind=row["kind"], source=row["source"], weight=Decimal(str(row["weight"])), rule=rule, core=row["core"],
        unit=row["unit"], target=None if target is None else Decimal(str(target)), direction=row["direction"],
    )

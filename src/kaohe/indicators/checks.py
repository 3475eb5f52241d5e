"""Checks of a scheme beyond the engine's own: core indicators kept, the category's key-indicator
minimum, differentiation from the other categories' schemes in use, and statutory departures."""

from decimal import Decimal

from kaohe.engine import scheme as engine
from kaohe.engine.problems import Problem, prefixed
from kaohe.indicators.adapter import engine_scheme, library_for_year, scheme_policy
from kaohe.indicators.choices import SchemeStatus, Subject
from kaohe.indicators.models import Scheme


def scheme_errors(scheme: Scheme, *, against_active: bool = False) -> list[Problem]:
    """Everything that makes a scheme unusable; `against_active` adds the differentiation check."""
    settings, problems = engine_scheme(scheme)
    if settings is None:
        return problems
    policy = scheme_policy(scheme.settings)
    problems = settings.validate() + prefixed(policy.validate(), "policy")
    present = {spec.code for spec in settings.indicators}
    library = library_for_year(scheme.year)
    problems += [
        Problem("core_indicator_missing", "indicators", {"code": code})
        for code in library.filter(core=True, subject=settings.subject).values_list("code", flat=True)
        if code not in present
    ]
    problems += [
        Problem("indicator_subject_mismatch", "indicators", {"code": code, "subject": settings.subject})
        for code in library.filter(code__in=present).exclude(subject=settings.subject).values_list("code", flat=True)
    ]
    problems += _key_indicator_problems(settings, policy.key_indicators)
    if against_active and settings.subject == Subject.PERSON:
        problems += differentiation_problems(scheme, settings, policy.differentiation_min)
    return problems


def _key_indicator_problems(settings: engine.Scheme, key: object) -> list[Problem]:
    if key is None:
        return []
    codes, minimum = key.codes, key.share  # type: ignore[attr-defined]
    share = sum((s.weight for s in settings.indicators if s.code in codes and s.dimension == "ji" and s.counted),
                Decimal(0))
    if share >= minimum:
        return []
    return [Problem("key_indicators_below_minimum", "dimension_weights.ji",
                    {"codes": "、".join(codes), "share": share, "minimum": minimum})]


def differentiation_problems(scheme: Scheme, settings: engine.Scheme, minimum: Decimal) -> list[Problem]:
    """Schemes in use for other categories (same year and level) must differ by at least `minimum`."""
    others = Scheme.objects.filter(year=scheme.year, level=scheme.level, status=SchemeStatus.ACTIVE).exclude(
        category=scheme.category).exclude(pk=scheme.pk).exclude(category__startswith="u_")
    problems: list[Problem] = []
    for other in others:
        other_settings, _ = engine_scheme(other)
        if other_settings is None:
            continue
        difference = engine.weight_vector_difference(settings, other_settings)
        if difference < minimum:
            problems.append(Problem("differentiation_too_small", "dimension_weights",
                                    {"other": other.name, "difference": difference, "minimum": minimum}))
    return problems


def scheme_warnings(scheme: Scheme) -> list[Problem]:
    """Settings that depart from the statutory profile, and differentiation not yet reached."""
    settings, _ = engine_scheme(scheme)
    if settings is None:
        return []
    policy = scheme_policy(scheme.settings)
    return engine.statutory_departures(settings) + differentiation_problems(scheme, settings,
                                                                            policy.differentiation_min)

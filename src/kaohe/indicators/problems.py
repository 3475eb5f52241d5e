"""Validation problems from the engine, translated for people, and the error that carries them."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.core.errors import ApplicationError
from kaohe.engine.policy import POLICY_MESSAGES
from kaohe.engine.problems import MESSAGES, Problem
from kaohe.indicators.choices import Dimension, Direction, IndicatorKind, RuleKind, Source

LOCAL_MESSAGES = {
    "core_indicator_missing": "The core indicator {code} cannot be dropped from a scheme.",
    "indicator_not_in_library": "The indicator {code} is not in the library for {year}.",
    "indicator_subject_mismatch": "The indicator {code} is for another kind of subject than this scheme ({subject}).",
    "key_indicators_below_minimum": "The key indicators {codes} hold {share}% of 绩; this category needs at least "
    "{minimum}%.",
    "differentiation_too_small": "The weights differ from the scheme {other} by only {difference}%; categories must "
    "differ by at least {minimum}%.",
    "ahp_inconsistent": "The comparisons are not consistent enough: CR = {cr} (it must be below 0.1). Revisit the "
    "judgements that contradict each other.",
    "indicator_dimension_wrong": "The indicator {code} belongs to another dimension.",
    "year_out_of_range": "The year must be between 2000 and 2100, not {year}.",
    "version_year_before_start": "The new version must start after {year_from}.",
}


def template(code: str) -> str:
    return MESSAGES.get(code) or POLICY_MESSAGES.get(code) or LOCAL_MESSAGES.get(code) or code


def localized_params(params: Mapping[str, object]) -> dict[str, object]:
    """Parameters as people read them: Decimals plainly, codes (dimension, rule, kind…) as their labels."""
    words = {"dimension": Dimension, "rule": RuleKind, "kind": IndicatorKind, "source": Source, "direction": Direction}
    result: dict[str, object] = {}
    for key, value in params.items():
        choices = words.get(key)
        if isinstance(value, Decimal):
            result[key] = format(value, "f")
        elif choices is not None and value in choices.values:
            result[key] = str(choices(value).label)
        elif key == "key_words" and isinstance(value, str):
            result[key] = gettext(value)
        else:
            result[key] = value
    return result


def problem_text(problem: Problem) -> str:
    """The problem in the active language, with its parameters filled in."""
    params = localized_params(problem.params)
    try:
        return gettext(template(problem.code)).format(**params)
    except (KeyError, IndexError, ValueError):
        return gettext(template(problem.code))


class ProblemsError(ApplicationError):
    """Input that breaks one or more rules; nothing was saved. `problems` say what and where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "; ".join(f"{p.field}: {problem_text(p)}" if p.field else problem_text(p) for p in self.problems)
        super().__init__(_("Nothing was saved: %(problems)s") % {"problems": lines},
                         field=self.problems[0].field if self.problems else None)

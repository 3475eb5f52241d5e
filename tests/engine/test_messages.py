"""Every problem code and explanation code the engine can produce has an English default text."""

import re
import string
from pathlib import Path

import pytest

from kaohe.engine.codes import Gate
from kaohe.engine.messages import EXPLANATIONS, MESSAGES

ENGINE = Path(__file__).resolve().parents[2] / "src" / "kaohe" / "engine"
# Modules of the scoring engine proper (other engine modules keep their own message tables).
MODULES = ("ahp", "cohort", "rules", "scheme", "scoring", "grading", "consequences", "explain")


def codes_in(module, pattern):
    return set(re.findall(pattern, (ENGINE / f"{module}.py").read_text(encoding="utf-8")))


def test_every_problem_code_raised_by_the_engine_has_a_message():
    raised = set()
    for module in MODULES:
        raised |= codes_in(module, r'Problem\(\s*"([a-z_]+)"')
        raised |= codes_in(module, r'"((?:gate|statutory_bonus)_[a-z_]+)"')
    raised -= {gate.code for gate in Gate}
    assert raised, "the pattern found nothing"
    assert sorted(raised - set(MESSAGES)) == []


def test_every_explanation_code_has_a_sentence():
    used = codes_in("explain", r'ExplanationItem\(\s*"([a-z_]+)"') | {gate.code for gate in Gate}
    used |= {"non_grade_probation", "non_grade_investigation", "non_grade_sanction", "non_grade_leave"}
    assert sorted(used - set(EXPLANATIONS)) == []


@pytest.mark.parametrize("table", [MESSAGES, EXPLANATIONS])
def test_placeholders_are_plain_named_fields(table):
    for code, text in table.items():
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        assert all(re.fullmatch(r"[a-z_]+", name) for name in fields), code

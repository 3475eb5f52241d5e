"""Engine codes in words for pages: grades, non-grade codes, gates, consequences, explanation items."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.engine.explain import ExplanationItem
from kaohe.engine.messages import EXPLANATIONS
from kaohe.indicators.problems import localized_params

GRADES = {0: _("No grade"), 1: _("Excellent (优秀)"), 2: _("Competent (称职)"),
          3: _("Basically competent (基本称职)"), 4: _("Incompetent (不称职)")}
NON_GRADES = {0: "", 1: _("5A probation"), 2: _("5B under investigation"), 3: _("5C under sanction"),
              4: _("6A leave over half the year")}
GATES = [_("警告 this year"), _("诫勉 or heavier this year"), _("No 好 quarter"), _("A 较差 quarter"),
         _("Satisfaction below the minimum"), _("Head of a unit graded 一般 or lower"),
         _("Party secretary of a unit with a poor 党建 result")]
UNIT_GRADES = {0: _("No grade"), 1: _("Excellent (优秀)"), 2: _("Good (良好)"), 3: _("Fair (一般)"),
               4: _("Poor (较差)")}
CONSEQUENCE_WORDS = {
    "commendation": _("嘉奖 commendation"), "merit_candidate": _("记三等功 candidate"),
    "qualifying_year": _("Counts toward pay steps and time in rank"), "pay_step": _("One pay step (档次)"),
    "level_up": _("One 级别 up"), "admonition": _("诫勉 with a 3-month improvement plan"),
    "organisational_adjustment": _("Organisational adjustment (two years 基本称职)"),
    "demotion": _("Demotion by one level"), "dismissal_review": _("Dismissal review (never automatic)"),
    "dismissal_protected": _("Two years 不称职 but protected (公务员法 第89条): no dismissal"),
}
DIMENSION_WORDS = {"de": _("德 Integrity"), "neng": _("能 Competence"), "qin": _("勤 Diligence"),
                   "ji": _("绩 Performance"), "lian": _("廉 Probity")}


def explanation_text(item: ExplanationItem) -> str:
    """An explanation sentence in the active language (the English template is the msgid)."""
    params = localized_params(item.params)
    try:
        return gettext(EXPLANATIONS[item.code]).format(**params)
    except (KeyError, IndexError, ValueError):
        return item.sentence

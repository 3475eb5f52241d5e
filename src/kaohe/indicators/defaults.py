"""Default content: about 25 indicators over 德能勤绩廉 drawn from the planning documents, and
default schemes for 执法, 服务, 综合管理 and 县乡基层 in both rule profiles.

Targets and rules follow the documents' examples (`../shared/seeds/000`, `001`, `004`); weights are
set so each category's key indicators hold the documents' minimum share of 绩 and categories differ
by at least 30%.
"""

from typing import Any

RUBRIC = {"levels": [["好", 100], ["较好", 85], ["一般", 70], ["较差", 50]]}
SATISFACTION_BANDS = {
    "minimum": 0, "maximum": 100,
    "bands": [[0, 60, 40], [60, 70, 60], [70, 80, 70], [80, 90, 85], [90, 100, 100]],
}


def _ind(code: str, zh: str, en: str, dimension: str, kind: str, source: str, rule: str, params: dict[str, Any],
         *, unit: str = "%", direction: str = "higher", target: Any = None, core: bool = False,
         year_from: int = 2024, year_to: int | None = None) -> dict[str, Any]:
    return {
        "code": code, "name_zh": zh, "name_en": en, "dimension": dimension, "kind": kind, "source": source,
        "rule_kind": rule, "rule_params": params, "unit": unit, "direction": direction, "target": target,
        "core": core, "year_from": year_from, "year_to": year_to, "description": "",
    }


LIBRARY: list[dict[str, Any]] = [
    _ind("DE01", "政治素质（民主测评）", "Political quality (360° ballot)", "de", "quantitative", "rater_form",
         "ratio", {"target": 100}, unit="分", target=100, core=True),
    _ind("DE02", "职业道德", "Professional ethics", "de", "qualitative", "ledger", "rubric", RUBRIC, unit=""),
    _ind("NE01", "业务熟练度", "Command of the work", "neng", "qualitative", "ledger", "rubric", RUBRIC, unit=""),
    _ind("NE02", "政策解读准确率", "Accuracy of policy interpretation", "neng", "quantitative", "import", "ratio",
         {"target": 100}, target=100),
    _ind("NE03", "文字材料质量", "Quality of written materials", "neng", "qualitative", "ledger", "rubric", RUBRIC,
         unit=""),
    _ind("NE04", "学习培训完成率", "Training completed", "neng", "quantitative", "import", "ratio", {"target": 100},
         target=100),
    _ind("QI01", "出勤率", "Attendance rate", "qin", "quantitative", "feed", "ratio", {"target": 100}, target=100,
         core=True),
    _ind("QI02", "周计划完成率（周清月结）", "Weekly plan completion", "qin", "quantitative", "manual", "ratio",
         {"target": 100}, target=100),
    _ind("QI03", "工作态度", "Attitude to work", "qin", "qualitative", "ledger", "rubric", RUBRIC, unit=""),
    _ind("QI04", "会议出席率", "Meeting attendance rate", "qin", "quantitative", "manual", "ratio",
         {"target": 100}, target=100, year_to=2025),
    _ind("JI01", "项目完成率", "Project completion rate", "ji", "quantitative", "import", "ratio",
         {"target": 100}, target=100, core=True),
    _ind("JI02", "办件效率（按时办结率）", "Cases closed on time", "ji", "quantitative", "feed", "deduct_below",
         {"target": 98, "k": 2}, target=98),
    _ind("JI03", "扫码好评率", "Praise rate of QR ratings", "ji", "quantitative", "qr_rating", "bands",
         SATISFACTION_BANDS),
    _ind("JI04", "执法差错率", "Enforcement error rate", "ji", "quantitative", "feed", "lower_better", {"k": 10},
         direction="lower"),
    _ind("JI05", "投诉响应及时率", "Complaints answered on time", "ji", "quantitative", "hotline", "deduct_below",
         {"target": 95, "k": 2}, target=95),
    _ind("JI06", "群众满意度", "Public satisfaction", "ji", "quantitative", "qr_rating", "bands",
         SATISFACTION_BANDS, unit="分"),
    _ind("JI07", "矛盾纠纷化解率", "Disputes resolved", "ji", "quantitative", "import", "ratio", {"target": 95},
         target=95),
    _ind("JI08", "批示采纳率", "Adoption of drafts and proposals", "ji", "quantitative", "import", "ratio",
         {"target": 80}, target=80),
    _ind("JI09", "材料差错率", "Error rate of materials", "ji", "quantitative", "ledger", "lower_better", {"k": 20},
         direction="lower"),
    _ind("JI10", "一网通办率", "Share of services online (一网通办)", "ji", "quantitative", "feed", "ratio",
         {"target": 90}, target=90, year_from=2026),
    _ind("JI11", "政策落地率", "Policies carried into effect", "ji", "quantitative", "import", "ratio",
         {"target": 100}, target=100),
    _ind("JI12", "民生服务覆盖率", "Coverage of livelihood services", "ji", "quantitative", "import", "ratio",
         {"target": 100}, target=100),
    _ind("LI01", "廉洁自律", "Self-discipline in probity", "lian", "qualitative", "ledger", "rubric", RUBRIC,
         unit="", core=True),
    _ind("LI02", "廉政一票否决", "Probity veto (一票否决)", "lian", "veto", "ledger", "veto", {}, unit="",
         direction="higher", core=True),
    _ind("LI03", "廉政投诉查实次数", "Substantiated probity complaints", "lian", "quantitative", "hotline",
         "lower_better", {"k": 25}, unit="次", direction="lower"),
    _ind("BO01", "创新成果与表彰", "Innovations adopted and commendations", "ji", "quantitative", "manual",
         "capped_bonus", {"per_item": 1, "cap": 5}, unit="项"),
]

# Weights (percent of the dimension) per scheme category; veto and bonus indicators carry 0.
SCHEMES: dict[str, dict[str, Any]] = {
    "law_enforcement": {
        "name": "执法类考核方案",
        "dimensions": {"de": 20, "neng": 15, "qin": 15, "ji": 40, "lian": 10},
        "indicators": {"DE01": 60, "DE02": 40, "NE01": 60, "NE02": 40, "QI01": 40, "QI02": 40, "QI03": 20,
                       "JI04": 30, "JI05": 30, "JI01": 25, "JI11": 15, "BO01": 0,
                       "LI01": 60, "LI03": 40, "LI02": 0},
        "key": (["JI04", "JI05"], 45),
    },
    "service": {
        "name": "服务类考核方案",
        "dimensions": {"de": 15, "neng": 15, "qin": 15, "ji": 45, "lian": 10},
        "indicators": {"DE01": 50, "DE02": 50, "NE01": 40, "NE02": 60, "QI01": 40, "QI02": 40, "QI03": 20,
                       "JI02": 30, "JI03": 30, "JI10": 25, "JI01": 15, "BO01": 0,
                       "LI01": 60, "LI03": 40, "LI02": 0},
        "key": (["JI02", "JI03"], 50),
    },
    "general": {
        "name": "综合管理类考核方案",
        "dimensions": {"de": 20, "neng": 25, "qin": 15, "ji": 30, "lian": 10},
        "indicators": {"DE01": 50, "DE02": 50, "NE03": 60, "NE02": 40, "QI01": 50, "QI02": 30, "QI03": 20,
                       "JI08": 25, "JI09": 20, "JI11": 30, "JI01": 25, "BO01": 0,
                       "LI01": 60, "LI03": 40, "LI02": 0},
        "key": (["JI08", "JI09"], 40),
    },
    "grassroots": {
        "name": "县乡基层考核方案",
        "dimensions": {"de": 15, "neng": 10, "qin": 15, "ji": 50, "lian": 10},
        "indicators": {"DE01": 40, "DE02": 60, "NE01": 100, "QI01": 20, "QI02": 50, "QI03": 30,
                       "JI06": 35, "JI07": 25, "JI12": 25, "JI01": 15, "BO01": 0,
                       "LI01": 60, "LI03": 40, "LI02": 0},
        "key": (["JI06", "JI07"], 50),
    },
}

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
        "core": core, "year_from": year_from, "year_to": year_to, "description": "", "subject": "person",
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


def _unit(code: str, zh: str, en: str, source: str, rule: str, params: dict[str, Any],
          **changes: Any) -> dict[str, Any]:
    """A unit indicator (机关绩效考核): all in 绩, scored 0–100 against the unit's targets."""
    kind = "qualitative" if rule == "rubric" else "quantitative"
    return {**_ind(code, zh, en, "ji", kind, source, rule, params, **changes), "subject": "unit"}


TARGET = {"target": 100}
# Units: the documents' township types (seed 004: industry only 5% for 农业生态型), city departments by
# category, public satisfaction ~30% from QR ratings, surveys and phone sampling, reverse evaluation,
# collaboration, third-party assessment, and the 科室 "五好" pattern.
UNIT_LIBRARY: list[dict[str, Any]] = [
    _unit("UT01", "经济发展", "Economic development", "import", "ratio", TARGET, target=100),
    _unit("UT02", "产业发展与招商引资", "Industry and investment", "import", "ratio", TARGET, target=100),
    _unit("UT03", "生态环境保护", "Ecological protection", "import", "ratio", TARGET, target=100),
    _unit("UT04", "社会事业与民生", "Social services and livelihoods", "import", "ratio", TARGET, target=100),
    _unit("UT05", "平安建设与安全生产", "Public safety and work safety", "feed", "ratio", TARGET, target=100),
    _unit("UT06", "基层治理与乡村振兴", "Grassroots governance and rural revitalisation", "import", "ratio", TARGET,
          target=100),
    _unit("UD01", "重点工作完成率", "Key tasks completed", "import", "ratio", TARGET, target=100),
    _unit("UD02", "按时办结率", "Services closed on time", "feed", "deduct_below", {"target": 98, "k": 2}, target=98),
    _unit("UD03", "执法差错率", "Enforcement error rate", "feed", "lower_better", {"k": 10}, direction="lower"),
    _unit("UD04", "反向测评（乡镇街道评部门）", "Reverse evaluation by townships and districts", "reverse", "ratio",
          TARGET, unit="分", target=100),
    _unit("UD05", "跨部门协作互评", "Cross-department collaboration ratings", "collaboration", "ratio", TARGET,
          unit="分", target=100),
    _unit("UD06", "改革创新与营商环境", "Reform, innovation and business environment", "import", "ratio", TARGET,
          target=100),
    _unit("UC01", "党的建设", "Party building (党建)", "third_party", "rubric", RUBRIC, unit=""),
    _unit("UC02", "公众满意度（扫码评价）", "Public satisfaction: QR ratings", "qr_rating", "bands",
          SATISFACTION_BANDS, unit="分"),
    _unit("UC03", "公众满意度（第三方调查）", "Public satisfaction: third-party survey", "survey", "bands",
          SATISFACTION_BANDS, unit="分"),
    _unit("UC04", "公众满意度（电话抽样）", "Public satisfaction: phone sampling", "survey", "bands",
          SATISFACTION_BANDS, unit="分"),
    _unit("UC05", "第三方评估", "Third-party assessment", "third_party", "ratio", TARGET, unit="分", target=100),
    _unit("US01", "团结好", "Unity (团结好)", "ledger", "rubric", RUBRIC, unit=""),
    _unit("US02", "作风好", "Work style (作风好)", "ledger", "rubric", RUBRIC, unit=""),
    _unit("US03", "效果好", "Results (效果好)", "ledger", "rubric", RUBRIC, unit=""),
    _unit("US04", "自律好", "Self-discipline (自律好)", "ledger", "rubric", RUBRIC, unit=""),
    _unit("US05", "业绩好", "Achievements (业绩好)", "ledger", "rubric", RUBRIC, unit=""),
]

SATISFACTION_30 = {"UC02": 10, "UC03": 10, "UC04": 10}  # public satisfaction: 30% of the unit total
UNIT_SCHEMES: dict[str, dict[str, Any]] = {
    "u_town_urban": {"name": "城镇服务型乡镇（街道）考核方案", "indicators": {
        "UT01": 10, "UT02": 10, "UT03": 5, "UT04": 15, "UT05": 10, "UT06": 10, "UC01": 10, **SATISFACTION_30}},
    "u_town_ind": {"name": "工业主导型乡镇考核方案", "indicators": {
        "UT01": 15, "UT02": 15, "UT03": 5, "UT04": 10, "UT05": 10, "UT06": 5, "UC01": 10, **SATISFACTION_30}},
    "u_town_agri": {"name": "农业生态型乡镇考核方案", "indicators": {
        "UT01": 10, "UT02": 5, "UT03": 15, "UT04": 10, "UT05": 10, "UT06": 10, "UC01": 10, **SATISFACTION_30}},
    "u_dept_law": {"name": "执法类部门考核方案", "indicators": {
        "UD01": 15, "UD02": 5, "UD03": 15, "UD04": 10, "UD05": 5, "UD06": 5, "UC01": 10, "UC05": 5,
        **SATISFACTION_30}},
    "u_dept_service": {"name": "服务类部门考核方案", "indicators": {
        "UD01": 15, "UD02": 15, "UD04": 15, "UD05": 5, "UD06": 5, "UC01": 10, "UC05": 5, **SATISFACTION_30}},
    "u_dept_general": {"name": "综合管理类部门考核方案", "indicators": {
        "UD01": 25, "UD04": 10, "UD05": 10, "UD06": 10, "UC01": 10, "UC05": 5, **SATISFACTION_30}},
    "u_section": {"name": "科室“五好”考核方案", "indicators": {
        "US01": 20, "US02": 20, "US03": 20, "US04": 20, "US05": 20}},
}


def unit_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A profile's settings made fit for units: 优秀/良好/一般/较差 at 90/80/70, at most 20% of a group's
    units 优秀, no personal gates, the annual score alone."""
    return {
        **settings,
        "composition": {**settings["composition"], "mode": "gates"},
        "quota": {"ratio": "0.2", "rounding": "floor", "per_post_level_pool": False},
        "thresholds": {"excellent": "90", "competent": "80", "basic": "70"},
        "gates": {"require_good_quarter": False, "block_poor_quarter": False, "min_satisfaction": None,
                  "block_warning": False, "block_accountability": False},
    }

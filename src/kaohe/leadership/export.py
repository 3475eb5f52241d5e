"""Excel export of a cycle's leadership appraisal (openpyxl): the grade distribution, the teams and the
cadres, with Chinese headers as the paper forms have them. Democratic scores appear exactly as the page
shows them: a group below the anonymity minimum is a text, never a number."""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.ballots.suppression import HIDDEN
from kaohe.leadership.selectors import CadreRow, Democratic, Distribution, TeamRow

TEAM_GRADES_ZH = {0: "", 1: "优秀", 2: "良好", 3: "一般", 4: "较差"}
CADRE_GRADES_ZH = {0: "", 1: "优秀", 2: "称职", 3: "基本称职", 4: "不称职"}
ROLES_ZH = {"head": "主要负责人", "secretary": "党组织书记", "member": "班子成员"}
KINDS_ZH = {"annual": "年度考核", "term": "任期考核"}
HIDDEN_ZH = "样本过少，不予显示"
UNDECIDED_ZH = "未确定"

SUMMARY_HEADERS = ["考核对象", "优秀", "良好/称职", "一般/基本称职", "较差/不称职", "未确定", "合计"]
TEAM_HEADERS = ["序号", "单位", "单位考核等次", "民主测评得分", "测评人数", "建议等次", "确定等次", "确定理由"]
CADRE_HEADERS = ["序号", "姓名", "单位", "职务", "考核类型", "考核期间", "单位考核等次", "述职述廉报告",
                 "民主测评得分", "测评人数", "建议等次", "确定等次", "确定理由"]


def _democratic(view: Democratic) -> list[object]:
    if view.shown:
        return [float(view.score) if view.score is not None else None, view.raters]
    return [HIDDEN_ZH if view.state == HIDDEN else "—", None]


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # typed text such as "=HYPERLINK(…)" stays text, never a formula
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for column in sheet.iter_cols(min_row=1, max_row=1):
        sheet.column_dimensions[column[0].column_letter].width = 16
    return sheet


def analysis_workbook(distribution: Distribution, teams: Sequence[TeamRow], cadres: Sequence[CadreRow]) -> bytes:
    """Three sheets: 等次分布, 领导班子, 领导干部."""
    book = Workbook()
    book.remove(book.active)
    summary = [["领导班子", *(distribution.teams.get(g, 0) for g in (1, 2, 3, 4, 0)), sum(distribution.teams.values())],
               ["领导干部（年度）", *(distribution.annual.get(g, 0) for g in (1, 2, 3, 4, 0)),
                sum(distribution.annual.values())],
               ["领导干部（任期）", *(distribution.term.get(g, 0) for g in (1, 2, 3, 4, 0)),
                sum(distribution.term.values())]]
    _sheet(book, "等次分布", SUMMARY_HEADERS, summary)
    team_rows = [[n, t.unit.name, TEAM_GRADES_ZH[t.unit_grade] or "未评定", *_democratic(t.democratic),
                  TEAM_GRADES_ZH[t.proposal.grade], TEAM_GRADES_ZH[t.decided_grade or 0] or UNDECIDED_ZH,
                  t.appraisal.decision_reason if t.appraisal else ""]
                 for n, t in enumerate(teams, start=1)]
    _sheet(book, "领导班子", TEAM_HEADERS, team_rows)
    cadre_rows = []
    for n, c in enumerate(cadres, start=1):
        a = c.appraisal
        period = str(a.end_year) if a.start_year == a.end_year else f"{a.start_year}—{a.end_year}"
        cadre_rows.append([n, a.leader.person.name, a.leader.unit.name, ROLES_ZH.get(a.leader.role, a.leader.role),
                           KINDS_ZH.get(a.kind, a.kind), period, TEAM_GRADES_ZH[c.unit_grade] or "未评定",
                           "已提交" if a.report_submitted_at else "未提交", *_democratic(c.democratic),
                           CADRE_GRADES_ZH[c.proposal.grade], CADRE_GRADES_ZH[a.decided_grade or 0] or UNDECIDED_ZH,
                           a.decision_reason])
    _sheet(book, "领导干部", CADRE_HEADERS, cadre_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Filing a final grade: the grade history and the credits toward pay steps and 级别 that next year's
scoring reads (value-sheet slots h1..h5, step, level), and `AnnualGrade`."""

from kaohe.appraisal.models import AnnualGrade, Appraisal
from kaohe.collection.sheets import sheet_matrix, sheets_update

STEP_YEARS, LEVEL_YEARS = 2, 5  # every 2 cumulative qualifying years a pay step, every 5 a 级别


def credits_after(grade: int, step_credit: int, level_credit: int) -> tuple[int, int]:
    """Credits carried after a year with `grade` (称职 or better qualifies; a step/级别 uses them up)."""
    if grade not in (1, 2):
        return step_credit, level_credit
    step, level = step_credit + 1, level_credit + 1
    return (0 if step >= STEP_YEARS else step), (0 if level >= LEVEL_YEARS else level)


def history_record(appraisal: Appraisal) -> AnnualGrade:
    year, person_id, grade = appraisal.cycle.year, appraisal.person_id, appraisal.final_grade or 0
    sheet = sheet_matrix(year, person_ids=[person_id])
    def slot(name: str) -> int:
        values = sheet.column(name)
        return int(values[0]) if values.size and values[0] == values[0] else 0

    history = [slot(f"h{i}") for i in range(1, 6)]
    step, level = credits_after(grade, slot("step"), slot("level"))
    record, _created = AnnualGrade.objects.update_or_create(
        person_id=person_id, year=year,
        defaults={"grade": grade, "step_credit_after": step, "level_credit_after": level})
    following = {f"h{i}": float(g) for i, g in enumerate([grade, *history[:4]], start=1)}
    sheets_update(year + 1, {person_id: {**following, "step": float(step), "level": float(level)}})
    return record

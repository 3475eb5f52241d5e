"""Public satisfaction per person and quarter (or year) from counted ratings.

The mean score is over levels mapped to 100/80/60/40/20; the praise rate (好评率) is the share of
ratings that are not 差评 (not 不满意 or 非常不满意). Both count only at the sample minimum
(default 100 ratings in the period, DOMAIN.md "Data collection"); below it the answer is
"insufficient sample" and no value. Ratings of a window are the window's, not its staff's. A
rating whose contest was upheld does not count.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from kaohe.collection.sheets import SATISFACTION_SAMPLE_MIN
from kaohe.ratings.choices import BAD_LEVEL_FROM
from kaohe.ratings.models import Rating

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Satisfaction:
    """One person's satisfaction in one period (`quarter` 0 is the whole year)."""

    person_id: int
    year: int
    quarter: int
    sample_size: int
    minimum: int
    score_total: int
    good: int

    @property
    def measured(self) -> bool:
        return self.sample_size >= self.minimum and self.sample_size > 0

    @property
    def mean(self) -> Decimal | None:
        """Mean score 0–100 to two decimals; None for an insufficient sample."""
        if not self.measured:
            return None
        return (Decimal(self.score_total) / Decimal(self.sample_size)).quantize(CENT, ROUND_HALF_UP)

    @property
    def praise_rate(self) -> Decimal | None:
        """Percent of ratings that are not 差评; None for an insufficient sample."""
        if not self.measured:
            return None
        return (Decimal(100 * self.good) / Decimal(self.sample_size)).quantize(CENT, ROUND_HALF_UP)

    @property
    def status(self) -> str:
        return "measured" if self.measured else "insufficient_sample"

    def label(self) -> str:
        if self.mean is None:
            return _("insufficient sample (%(n)s of %(minimum)s ratings)") % {"n": self.sample_size,
                                                                               "minimum": self.minimum}
        return str(self.mean)


def period(year: int, quarter: int = 0) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter 1–4, or of the year for 0."""
    if quarter == 0:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter {quarter} is not 0–4")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def satisfaction_of(person_ids: Iterable[int], *, year: int, quarter: int = 0,
                    minimum: int = SATISFACTION_SAMPLE_MIN) -> dict[int, Satisfaction]:
    """Satisfaction of each person in the period (one query); people without ratings get sample 0."""
    ids = list(dict.fromkeys(person_ids))
    start, end = period(year, quarter)
    rows = (
        Rating.objects.filter(counted=True, target__person_id__in=ids, rated_on__range=(start, end))
        .values("target__person_id")
        .annotate(n=Count("id"), levels=Sum("level"), good=Count("id", filter=Q(level__lt=BAD_LEVEL_FROM)))
    )
    found = {row["target__person_id"]: row for row in rows}
    result = {}
    for pid in ids:
        row = found.get(pid, {"n": 0, "levels": 0, "good": 0})
        n, levels = int(row["n"]), int(row["levels"] or 0)
        result[pid] = Satisfaction(person_id=pid, year=year, quarter=quarter, sample_size=n, minimum=minimum,
                                   score_total=120 * n - 20 * levels, good=int(row["good"]))
    return result

"""The periods of each cadence: ISO weeks, months, quarters, halves, years, and the one period of "once".

Every day lies in exactly one period of a cadence. The periods "of a year" are those whose label
carries the year: for weeks the ISO year, so 2025-W01 starts on 2024-12-30 and 2026-W53 ends in 2027.
"""
import datetime
from dataclasses import dataclass

from .models import Cadence

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> datetime.date:
    return (datetime.date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY


def _months(year: int, first: int, count: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, first, 1), _month_end(year, first + count - 1)


def period_of(cadence: str, day: datetime.date, *, due_on: datetime.date | None = None,
              effective_from: datetime.date | None = None) -> Period | None:
    """The period of ``cadence`` that contains ``day`` (for "once": the rule's one period, if it contains it)."""
    year = day.year
    if cadence == Cadence.WEEKLY:
        iso_year, week, weekday = day.isocalendar()
        start = day - datetime.timedelta(days=weekday - 1)
        return Period(start, start + datetime.timedelta(days=6), f"{iso_year}-W{week:02d}")
    if cadence == Cadence.MONTHLY:
        return Period(*_months(year, day.month, 1), f"{year}-{day.month:02d}")
    if cadence == Cadence.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        return Period(*_months(year, 3 * quarter - 2, 3), f"{year}-Q{quarter}")
    if cadence == Cadence.HALF_YEARLY:
        half = 1 if day.month <= 6 else 2
        return Period(*_months(year, 6 * half - 5, 6), f"{year}-H{half}")
    if cadence == Cadence.YEARLY:
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))
    if cadence == Cadence.ONCE:
        period = once_period(due_on, effective_from)
        return period if period and day in period else None
    raise ValueError(f"unknown cadence {cadence!r}")


def once_period(due_on: datetime.date | None, effective_from: datetime.date | None) -> Period | None:
    """The one period of a rule due once: from its start in force to its due date."""
    if due_on is None:
        return None
    start = min(effective_from or due_on, due_on)
    return Period(start, due_on, due_on.isoformat())


def periods_of_year(cadence: str, year: int) -> list[Period]:
    """The periods whose label carries ``year``, in order ("once" has none: see once_period)."""
    if cadence == Cadence.WEEKLY:
        day = datetime.date.fromisocalendar(year, 1, 1)
        weeks = datetime.date(year, 12, 28).isocalendar()[1]
        return [period_of(cadence, day + datetime.timedelta(weeks=n)) for n in range(weeks)]
    if cadence == Cadence.ONCE:
        return []
    periods, day = [], datetime.date(year, 1, 1)
    while day.year == year:
        period = period_of(cadence, day)
        periods.append(period)
        day = period.end + ONE_DAY
    return periods


def deadline(cadence: str, period: Period, *, due_days: int, grace_days: int,
             due_on: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """(due_on, missed_after): the period's end plus ``due_days`` ("once": its due date), plus the grace."""
    due = due_on if cadence == Cadence.ONCE else period.end + datetime.timedelta(days=due_days)
    return due, due + datetime.timedelta(days=grace_days)

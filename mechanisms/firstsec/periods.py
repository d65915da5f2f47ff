"""Calendar months and ISO weeks as the mechanism counts them."""
import calendar
import datetime


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def parse_month(label: str) -> tuple[int, int]:
    year, month = label.split("-")
    return int(year), int(month)


def months_back(year: int, month: int, count: int) -> list[tuple[int, int]]:
    """``count`` consecutive months ending with (year, month), oldest first."""
    months = []
    for _step in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def weeks_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The Mondays of the ISO weeks from the one containing ``first`` to the one containing ``last``."""
    monday, end = week_start(first), week_start(last)
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks


def last_complete_month(today: datetime.date) -> tuple[int, int]:
    """(year, month) of the last month that has ended by ``today``: the month before today's."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)

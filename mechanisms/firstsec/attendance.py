"""The attendance minimums of a month for a secretary in post for part of it (the rule, apart from storage).

A county's minimums (≥ 22 days in the village, ≥ 12 nights a month) are for a whole month in post. With
pro-rating on (the county's rules, ``FirstsecRule.prorate``; the default), a secretary in post for part of the
month owes each minimum in proportion to the working days (Monday to Friday: the system keeps no holiday
calendar) of the month he was in post, rounded up to a whole day or night, and never more than those working
days: required = min(ceil(minimum × working days in post / working days in the month), working days in post).
So a secretary present (and staying the night) every working day of his part meets both; a whole month in post
owes the minimums as they stand.
"""
import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Minimums:
    min_days: int
    min_nights: int
    prorated: bool = False


def working_days(days) -> int:
    return sum(1 for day in days if day.weekday() < 5)


def days_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + ONE_DAY * n for n in range((last - first).days + 1)]


def required(minimum: int, in_post: int, in_month: int) -> int:
    """The minimum owed for ``in_post`` of the month's ``in_month`` working days."""
    if in_post >= in_month:
        return minimum
    if in_post <= 0:
        return 0
    return min(-(-minimum * in_post // in_month), in_post)


def days_in_post(dispatches, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """The days between the dates on which one of the dispatches was in post (from its start, up to its term's end
    or the day before it was left)."""
    days: set[datetime.date] = set()
    for dispatch in dispatches:
        last = min(dispatch.ends_on, end)
        if dispatch.left_on is not None and dispatch.status != "in_post":
            last = min(last, dispatch.left_on - ONE_DAY)
        first = max(dispatch.started_on, start)
        if first <= last:
            days.update(days_between(first, last))
    return days


def month_minimums(rule, dispatches, start: datetime.date, end: datetime.date) -> Minimums:
    """The minimums owed in the month from ``start`` to ``end`` by the secretary of ``dispatches`` under ``rule``."""
    if not getattr(rule, "prorate", False) or not dispatches:
        return Minimums(rule.min_days, rule.min_nights)
    in_month = working_days(days_between(start, end))
    in_post = working_days(days_in_post(dispatches, start, end))
    if in_post >= in_month:
        return Minimums(rule.min_days, rule.min_nights)
    return Minimums(required(rule.min_days, in_post, in_month), required(rule.min_nights, in_post, in_month),
                    prorated=True)

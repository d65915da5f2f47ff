"""The workflows' today: the local date unless a test (or a replay) set another."""
import contextlib
import datetime

from django.utils import timezone

_today: datetime.date | None = None


def today() -> datetime.date:
    return _today or timezone.localdate()


def set_today(day: datetime.date | None) -> None:
    global _today
    _today = day


@contextlib.contextmanager
def today_is(day: datetime.date):
    previous = _today
    set_today(day)
    try:
        yield day
    finally:
        set_today(previous)

"""A mechanism's today: the local date, unless a test (or a replay of past days) sets another.

Each engine keeps its own (``engines.duties.clock``, ``engines.workflows.clock``), so that a test can move one engine's
calendar without moving the other's:

    _clock = Today()
    today, set_today, today_is = _clock.today, _clock.set_today, _clock.today_is
"""
import contextlib
import datetime

from django.utils import timezone


class Today:
    def __init__(self):
        self.day: datetime.date | None = None

    def today(self) -> datetime.date:
        return self.day or timezone.localdate()

    def set_today(self, day: datetime.date | None) -> None:
        self.day = day

    @contextlib.contextmanager
    def today_is(self, day: datetime.date):
        previous = self.day
        self.day = day
        try:
            yield day
        finally:
            self.day = previous

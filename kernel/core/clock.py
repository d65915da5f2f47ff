"""The one today of the whole system: the local date, unless a test (or a replay of past days) sets another.

Every service, selector, model and demo asks ``clock.today()`` rather than the calendar, so that moving the clock
moves them all:

    from kernel.core import clock

    with clock.today_is(datetime.date(2025, 4, 1)):
        ...                        # every "today" is 1 April 2025
    clock.set_today(day)           # until clock.set_today(None)

``engines.duties.clock`` (the obligations' states, which follow from the day) names the same functions for its
callers. The test suite puts the clock back after each test (conftest.py).
"""
import contextlib
import datetime

from django.utils import timezone


class Today:
    """A today that can be set; the module's functions are those of one instance."""

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


_clock = Today()
today, set_today, today_is = _clock.today, _clock.set_today, _clock.today_is

"""The workflows' today: the local date unless a test (or a replay) set another (kernel.core.clock)."""
from kernel.core.clock import Today

_clock = Today()
today, set_today, today_is = _clock.today, _clock.set_today, _clock.today_is

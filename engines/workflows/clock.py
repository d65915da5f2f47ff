"""The workflows' today: the system's one clock (kernel.core.clock), under the name the workflows' callers use."""
from kernel.core.clock import set_today, today, today_is  # noqa: F401

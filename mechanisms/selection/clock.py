"""Today's date for the selection's deadlines: the system's one clock (kernel.core.clock); a test or the demo may
also pass its own ``today``."""
from kernel.core.clock import set_today, today, today_is  # noqa: F401

"""Today's date for the selection's deadlines (a test or the demo may pass its own ``today`` instead)."""
import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()

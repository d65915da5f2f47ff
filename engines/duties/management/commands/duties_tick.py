"""The duties' daily run: states from the dates, reminders, overdue notices, escalations and e-mail.

The same job runs with every other app's in ``manage.py daily`` (kernel.core.daily)."""
from kernel.core.management.base import DailyJobCommand


class Command(DailyJobCommand):
    help = "Moves obligations to overdue or missed and sends the day's reminders and escalations (run daily)."
    job = "duties"

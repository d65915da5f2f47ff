"""The workflows' daily run: reminders of stage deadlines, overdue notices, escalations and their e-mail.

The same job runs with every other app's in ``manage.py daily`` (kernel.core.daily)."""
from kernel.core.management.base import DailyJobCommand


class Command(DailyJobCommand):
    help = "Sends the day's reminders, overdue notices and escalations of workflow stage deadlines (run daily)."
    job = "workflows"

"""The workflows' daily run: reminders of stage deadlines, overdue notices, escalations and their e-mail."""
import datetime

from django.core.management.base import CommandError

from core.management.base import LoggedCommand
from workflows.reminders import tick


class Command(LoggedCommand):
    help = "Sends the day's reminders, overdue notices and escalations of workflow stage deadlines (run daily)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="act as on this day (default: today)")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date written YYYY-MM-DD") from None
        result = tick(today=day)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))

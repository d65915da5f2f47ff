"""Runs the system's daily jobs (kernel.core.daily): cron runs it once a day on an install without a Celery worker."""
from django.core.management.base import CommandError

from kernel.core.daily import JOBS, run_all
from kernel.core.management.base import LoggedCommand, parse_today


class Command(LoggedCommand):
    help = "Runs every app's daily job: obligations' states and reminders, workflow deadlines, ended terms (run daily)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="act as on this day (default: today)")
        parser.add_argument("--only", action="append", metavar="JOB", help="run only this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")

    def handle(self, *args, today=None, only=None, list=False, **options):
        if list:
            for name in sorted(JOBS):
                self.stdout.write(f"{name}: {JOBS[name].description}")
            return
        try:
            results = run_all(parse_today(today), only)
        except KeyError as exc:
            raise CommandError(f"no daily job named {exc.args[0]} (see --list)") from None
        for name, outcome in results.items():
            if outcome["ok"]:
                result = outcome["result"]
                text = ", ".join(f"{k}: {v}" for k, v in result.items()) if isinstance(result, dict) else str(result)
                self.stdout.write(f"{name}: {text}")
            else:
                self.stderr.write(f"{name}: FAILED {outcome['error']}")
        failed = [name for name, outcome in results.items() if not outcome["ok"]]
        if failed:
            raise CommandError(f"daily jobs failed: {', '.join(failed)}")

"""Runs the system's daily jobs (kernel.core.daily): cron runs it once a day on an install without a Celery worker."""
from django.core.management.base import CommandError

from kernel.core.daily import JOBS, run_all, run_day
from kernel.core.management.base import LoggedCommand, parse_today


class Command(LoggedCommand):
    help = "Runs every app's daily job: obligations' states and reminders, workflow deadlines, ended terms (run daily)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="act as on this day (default: today)")
        parser.add_argument("--only", action="append", metavar="JOB", help="run only this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")
        parser.add_argument("--again", action="store_true",
                            help="run the day again although it has run (a whole run happens once a day otherwise)")

    def handle(self, *args, today=None, only=None, list=False, again=False, **options):
        if list:
            for name in sorted(JOBS):
                self.stdout.write(f"{name}: {JOBS[name].description}")
            return
        try:
            # The whole run claims its day first, so that several schedulers run it once; a partial run (--only)
            # is an operator's, on purpose, and runs as asked.
            results = run_all(parse_today(today), only) if only else run_day(parse_today(today), again=again)
        except KeyError as exc:
            raise CommandError(f"no daily job named {exc.args[0]} (see --list)") from None
        if results is None:
            self.stdout.write("the daily run of this day has already been done (or is running elsewhere); "
                              "--again runs it again")
            return
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

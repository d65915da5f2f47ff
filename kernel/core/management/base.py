"""A management command whose writes are logged as made by the command (and by --as USER, if given)."""
import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kernel.core.actor import acting_as


class LoggedCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="act as this user: their scope applies and the change log names them")

    def execute(self, *args, **options):
        username = options.get("as_user")
        user = None
        if username:
            try:
                user = get_user_model().objects.get(username=username, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no active user named {username!r}") from None
        name = type(self).__module__.rsplit(".", 1)[-1]
        with acting_as(user, source=f"command:{name}"):
            self.acting_user = user
            return super().execute(*args, **options)


def parse_today(text: str | None) -> datetime.date | None:
    """The --today option of the daily commands: None (today) or a date written YYYY-MM-DD."""
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today {text!r} is not a date written YYYY-MM-DD") from None


class DailyJobCommand(LoggedCommand):
    """Runs one app's daily job (kernel.core.daily) on its own: ``job`` names it."""

    job = ""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="act as on this day (default: today)")

    def handle(self, *args, today=None, **options):
        from kernel.core.daily import run_all

        outcome = run_all(parse_today(today), only=[self.job])[self.job]
        if not outcome["ok"]:
            raise CommandError(outcome["error"])
        result = outcome["result"]
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))

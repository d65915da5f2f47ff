"""A management command whose writes are logged as made by the command (and by --as USER, if given)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.actor import acting_as


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

from django.utils.translation import gettext as _

from kernel.accounts import services
from kernel.accounts.management.common import account_named, refusals_as_errors
from kernel.core.management.base import LoggedCommand


class Command(LoggedCommand):
    help = ("Gives an account a new one-time password, printed once, to be changed at the next login; lifts a "
            "lock-out.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        account = account_named(username)
        with refusals_as_errors():
            secret = services.password_reset(user=self.acting_user, target=account)
        self.stderr.write(_("A new one-time password for %(username)s, shown only this once:")
                          % {"username": account.username})
        self.stdout.write(secret)

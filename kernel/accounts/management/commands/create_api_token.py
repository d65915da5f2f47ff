from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kernel.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Creates an API token for a user and prints it once; only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. the script's name")

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"The user {username!r} is not active.")
        token, secret = ApiToken.issue(user, name)
        self.stderr.write(f"Token {token.prefix}… for {username}; it is shown only this once:")
        self.stdout.write(secret)

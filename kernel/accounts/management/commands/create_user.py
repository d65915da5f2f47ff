from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kernel.accounts import services
from kernel.accounts.management.common import organization_coded, refusals_as_errors
from kernel.accounts.roles import Role
from kernel.core.management.base import LoggedCommand
from kernel.people.models import Person


class Command(LoggedCommand):
    help = ("Creates an account placed in an organization (and grants it a role there) and prints its one-time "
            "password, which must be changed at the first login.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="the account holder's name")
        parser.add_argument("--org", required=True, metavar="CODE", help="the account's organization, by its code")
        parser.add_argument("--role", choices=Role.values, help="a role granted on that organization")
        parser.add_argument("--phone", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--person-id", type=int, help="the person the account belongs to (member self-service)")

    def handle(self, *args, username, name, org, role, phone, email, person_id, **options):
        home = organization_coded(org)
        person = None
        if person_id is not None:
            person = Person.objects.filter(pk=person_id).first()
            if person is None:
                raise CommandError(_("No person with the id %(id)s.") % {"id": person_id})
        with refusals_as_errors():
            account, secret = services.user_create_with_role(
                user=self.acting_user, role=role, home=home, username=username, full_name=name, phone=phone,
                email=email, person=person)
        self.stderr.write(_("Account %(username)s created; its one-time password is shown only this once:")
                          % {"username": account.username})
        self.stdout.write(secret)

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kernel.accounts import services
from kernel.accounts.management.common import account_named, organization_coded, refusals_as_errors
from kernel.accounts.models import Grant
from kernel.accounts.roles import Role
from kernel.core.management.base import LoggedCommand


class Command(LoggedCommand):
    help = "Grants a role on an organization to an account, or with --revoke takes it back."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("org_code", metavar="ORG_CODE")
        parser.add_argument("--revoke", action="store_true", help="take the grant back")

    def handle(self, *args, username, role, org_code, revoke, **options):
        account = account_named(username)
        org = organization_coded(org_code)
        with refusals_as_errors():
            if revoke:
                grant = Grant.objects.filter(user=account, role=role, organization=org).first()
                if grant is None:
                    raise CommandError(_("%(username)s holds no such grant.") % {"username": username})
                services.grant_revoke(user=self.acting_user, grant=grant)
                self.stdout.write(_("Revoked: %(grant)s") % {"grant": grant})
            else:
                grant = services.grant_add(user=self.acting_user, target=account, role=role, organization=org)
                self.stdout.write(_("Granted: %(grant)s") % {"grant": grant})

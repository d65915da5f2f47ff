from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.accounts import services
from kernel.accounts.management.common import refusals_as_errors
from kernel.accounts.roles import Role
from kernel.core.management.base import LoggedCommand
from kernel.orgs.models import Organization, OrgType
from kernel.orgs.services import org_create


class Command(LoggedCommand):
    help = ("Starts an empty site: its top organization and that organization's first administrator, whose "
            "one-time password is printed (unless given) and must be changed at the first login.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--org-code", required=True, metavar="CODE")
        parser.add_argument("--org-name", required=True, metavar="NAME")
        parser.add_argument("--org-type", default=OrgType.COMMITTEE, choices=OrgType.values)
        parser.add_argument("--admin", required=True, metavar="USERNAME", help="the first administrator's user name")
        parser.add_argument("--admin-name", default="", help="the first administrator's name")
        parser.add_argument("--password", default=None,
                            help="the administrator's first password (otherwise a one-time password is printed)")

    def handle(self, *args, org_code, org_name, org_type, admin, admin_name, password, **options):
        if Organization.objects.exists() or get_user_model().objects.exists():
            raise CommandError(_("This site is already set up: it holds organizations or accounts. "
                                 "setup_site only starts an empty site."))
        with refusals_as_errors(), transaction.atomic():
            org = org_create(user=None, parent=None, code=org_code, name=org_name, org_type=org_type)
            account, secret = services.user_create(user=None, username=admin, full_name=admin_name or admin,
                                                   home=org, password=password)
            services.grant_add(user=None, target=account, role=Role.COUNTY_ADMIN, organization=org)
        self.stderr.write(_("Created %(org)s and its administrator %(username)s, who must change the password at "
                            "the first login.") % {"org": org.name, "username": account.username})
        if password is None:
            self.stderr.write(_("The one-time password, shown only this once:"))
            self.stdout.write(secret)

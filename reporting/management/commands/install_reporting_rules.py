from django.core.management.base import BaseCommand, CommandError

from core.actor import acting_as
from orgs.models import Organization
from reporting.library import RULES, SECRETARY_STANDARD, install_reporting_rules


class Command(BaseCommand):
    help = ("Installs the shipped reporting duty rules (quarterly, half-yearly and yearly reports, 双向述职, "
            "supervision notices) and the 双向述职 standard, owned by the organization ORG_CODE (default: the "
            "only top-level organization). A file that has not changed keeps its version.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", metavar="ORG_CODE", help="code of the owning organization")
        parser.add_argument("codes", nargs="*", metavar="CODE", help=f"only these ({', '.join(RULES)})")

    def handle(self, *args, owner, codes, **options):
        unknown = sorted(set(codes) - set(RULES) - {SECRETARY_STANDARD})
        if unknown:
            raise CommandError(f"Unknown rules: {', '.join(unknown)}")
        if owner:
            organization = Organization.objects.filter(code=owner).first()
            if organization is None:
                raise CommandError(f"No organization has the code {owner}.")
        else:
            roots = list(Organization.objects.filter(parent=None)[:2])
            if len(roots) != 1:
                raise CommandError("Name the owning organization with --owner ORG_CODE.")
            organization = roots[0]
        with acting_as(None, source="command:install_reporting_rules"):
            versions = install_reporting_rules(user=None, owner=organization, codes=codes or None)
        for code, version in versions.items():
            self.stdout.write(f"{code}: v{version.number}")

from django.core.management.base import BaseCommand, CommandError

from core.actor import acting_as
from firstsec.library import install_firstsec
from orgs.models import Organization


class Command(BaseCommand):
    help = ("Installs the shipped first-secretary duty rules (weekly work report, half-yearly 述职) and the monthly "
            "assessment standard, owned by the organization ORG_CODE (default: the only top-level organization). "
            "A file that has not changed keeps its version.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", metavar="ORG_CODE", help="code of the owning organization")

    def handle(self, *args, owner, **options):
        if owner:
            organization = Organization.objects.filter(code=owner).first()
            if organization is None:
                raise CommandError(f"No organization has the code {owner}.")
        else:
            roots = list(Organization.objects.filter(parent=None)[:2])
            if len(roots) != 1:
                raise CommandError("Name the owning organization with --owner ORG_CODE.")
            organization = roots[0]
        with acting_as(None, source="command:install_firstsec"):
            versions = install_firstsec(user=None, owner=organization)
        for code, version in versions.items():
            self.stdout.write(f"{code}: v{version.number}")

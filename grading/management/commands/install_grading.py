from django.core.management.base import BaseCommand, CommandError

from core.actor import acting_as
from orgs.models import Organization

from ...library import install_grading


class Command(BaseCommand):
    help = ("Installs the workflow definitions grading ships (the 三定一帮 rectification plan), owned by the "
            "organization ORG_CODE (default: the only top-level organization).")

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
        with acting_as(None, source="command:install_grading"):
            versions = install_grading(user=None, owner=organization)
        for code, version in versions.items():
            self.stdout.write(f"{code}: {version.workflow.name} v{version.number}")

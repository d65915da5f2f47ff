from django.core.management.base import BaseCommand, CommandError

from campaigns.library import SHIPPED, install_standards
from core.actor import acting_as
from orgs.models import Organization


class Command(BaseCommand):
    help = ("Installs the shipped default standards (五个好, 六个好, 标准化, 示范化, 十有六册一划一本, village cadres, "
            "member evaluation), owned by the organization ORG_CODE (default: the only top-level organization). "
            "A standard whose file has not changed keeps its version.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", metavar="ORG_CODE", help="code of the owning organization")
        parser.add_argument("codes", nargs="*", metavar="CODE", help=f"only these ({', '.join(SHIPPED)})")

    def handle(self, *args, owner, codes, **options):
        unknown = sorted(set(codes) - set(SHIPPED))
        if unknown:
            raise CommandError(f"Unknown standards: {', '.join(unknown)}")
        if owner:
            organization = Organization.objects.filter(code=owner).first()
            if organization is None:
                raise CommandError(f"No organization has the code {owner}.")
        else:
            roots = list(Organization.objects.filter(parent=None)[:2])
            if len(roots) != 1:
                raise CommandError("Name the owning organization with --owner ORG_CODE.")
            organization = roots[0]
        with acting_as(None, source="command:install_standards"):
            versions = install_standards(user=None, owner=organization, codes=codes or None)
        for code, version in versions.items():
            self.stdout.write(f"{code}: {version.standard.name} v{version.number}")

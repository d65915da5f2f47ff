from django.core.management.base import BaseCommand, CommandError

from kernel.core.actor import acting_as
from kernel.orgs.models import Organization
from mechanisms.orglife.library import SHIPPED, install_rules


class Command(BaseCommand):
    help = ("Installs the shipped duty rules of organization life (三会一课, 主题党日, 组织生活会) and training "
            "for an organization (default: every top-level organization). An unchanged rule keeps its version.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", help="code of the organization that sets the rules")
        parser.add_argument("codes", nargs="*", help=f"rules to install (default: all of {', '.join(SHIPPED)})")

    def handle(self, *args, owner, codes, **options):
        unknown = set(codes) - set(SHIPPED)
        if unknown:
            raise CommandError(f"Unknown rules: {', '.join(sorted(unknown))}")
        owners = Organization.objects.filter(code=owner) if owner else Organization.objects.filter(depth=1)
        if not owners:
            raise CommandError("No such organization." if owner else "There is no organization yet.")
        with acting_as(None, source="command:install_orglife_rules"):
            for org in owners:
                for code, version in install_rules(user=None, owner=org, codes=codes or None).items():
                    self.stdout.write(f"{org.name}: {code} v{version.number}")

from django.core.management.base import BaseCommand, CommandError

from kernel.orgs.models import Organization
from mechanisms.development.definition import install


class Command(BaseCommand):
    help = "Installs the member-development workflow (development/workflows/member-development.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("--owner", help="code of the owning organization (default: the first root)")

    def handle(self, *args, owner=None, **options):
        org = (Organization.objects.filter(code=owner).first() if owner
               else Organization.objects.filter(parent=None).order_by("path").first())
        if org is None:
            raise CommandError("No owning organization found.")
        version = install(owner=org)
        self.stdout.write(f"{version.workflow.code} v{version.number} under {org.name}")

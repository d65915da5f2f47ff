from kernel.core.management.base import LoggedCommand
from kernel.orgs.models import Organization
from kernel.people.counters import recount


class Command(LoggedCommand):
    help = "Rebuilds the organizations' member and sub-organization counters from the registries."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--code", help="only the subtree of the organization with this code")

    def handle(self, *args, code=None, **options):
        root = Organization.objects.get(code=code) if code else None
        updated = recount(root)
        self.stdout.write(f"{updated} organizations recounted")

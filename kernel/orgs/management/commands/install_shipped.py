from django.core.management.base import CommandError
from django.db import transaction

from kernel.core.management.base import LoggedCommand
from kernel.core.shipped import installers
from kernel.orgs.models import Organization


class Command(LoggedCommand):
    help = ("Installs everything the apps ship (standards, duty rules, workflows), owned by --owner ORG_CODE or by "
            "the only top-level organization, in one transaction. Files that have not changed keep their version, "
            "so running it again changes nothing.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--owner", metavar="ORG_CODE", help="code of the owning organization")
        parser.add_argument("--only", action="append", metavar="APP", help="only what this app ships (repeatable)")
        parser.add_argument("--list", action="store_true", help="list what would be installed and stop")

    def handle(self, *args, owner=None, only=None, list=False, **options):
        chosen = installers()
        unknown = sorted(set(only or ()) - {s.name for s in chosen})
        if unknown:
            raise CommandError(f"Nothing is shipped by: {', '.join(unknown)}")
        if only:
            chosen = [s for s in chosen if s.name in only]
        if list:
            for item in chosen:
                self.stdout.write(f"{item.name}: {item.description}")
            return
        if owner:
            organization = Organization.objects.filter(code=owner).first()
            if organization is None:
                raise CommandError(f"No organization has the code {owner}.")
        else:
            roots = [*Organization.objects.filter(parent=None)[:2]]
            if len(roots) != 1:
                raise CommandError("Name the owning organization with --owner ORG_CODE.")
            organization = roots[0]
        with transaction.atomic():
            for item in chosen:
                for code, version in item.install(user=self.acting_user, owner=organization).items():
                    self.stdout.write(f"{item.name}: {code} v{version.number}")

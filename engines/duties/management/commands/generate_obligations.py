"""Generates a year's obligations of every active duty rule (or one), set-based; running it again adds nothing."""
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from engines.duties import services
from engines.duties.models import DutyRule
from kernel.core.management.base import LoggedCommand
from kernel.orgs.models import Organization


class Command(LoggedCommand):
    help = ("Generates the obligations of --year for every period and subject of every active duty rule (or --rule "
            "CODE), under --root ORG_CODE if given; rules due once are generated when their date falls in the year.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--rule", metavar="CODE", help="only this rule")
        parser.add_argument("--root", metavar="ORG_CODE", help="only subjects under this organization")

    def handle(self, *args, year, rule=None, root=None, **options):
        chosen = None
        if rule:
            chosen = DutyRule.objects.filter(code=rule).first()
            if chosen is None:
                raise CommandError(f"no duty rule with the code {rule!r}")
        root_org = None
        if root:
            root_org = Organization.objects.filter(code=root).first()
            if root_org is None:
                raise CommandError(f"no organization with the code {root!r}")
        try:
            created = services.generate(user=self.acting_user, rule=chosen, year=year, root=root_org)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{created} obligations generated for {year}")

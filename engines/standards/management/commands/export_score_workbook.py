"""Writes the score workbook (评分表) of an assessment's rater group: the sheets the acting user may score."""
from pathlib import Path

from django.core.management.base import CommandError

from engines.standards.models import Assessment, RaterGroup
from engines.standards.workbooks import build_workbook
from kernel.core.management.base import LoggedCommand
from kernel.orgs.models import Organization


class Command(LoggedCommand):
    help = ("Writes the score workbook of an assessment for one rater group: a row per sheet the user given by --as "
            "may score (without --as: every sheet), a column per item, the scores entered so far filled in.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("assessment", type=int, help="the assessment's id")
        parser.add_argument("--rater", required=True, metavar="CODE", help="the rater group's code")
        parser.add_argument("--under", metavar="ORG_CODE", help="only the subjects under this organization")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the .xlsx file to write")

    def handle(self, *args, assessment, rater, under=None, output, **options):
        found = Assessment.objects.select_related("version").filter(pk=assessment).first()
        if found is None:
            raise CommandError(f"no assessment {assessment}")
        group = RaterGroup.objects.filter(version_id=found.version_id, code=rater).first()
        if group is None:
            raise CommandError(f"no rater group {rater!r} in {found}")
        root = None
        if under:
            root = Organization.objects.filter(code=under).first()
            if root is None:
                raise CommandError(f"no organization with the code {under!r}")
        data = build_workbook(user=self.acting_user, assessment=found, rater=group, under=root)
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        self.stdout.write(f"{output}: {len(data):,} bytes")

"""Reads a filled-in score workbook (评分表) back: every cell checked, all written or nothing."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from engines.standards.models import Assessment, RaterGroup
from engines.standards.workbooks import NotAWorkbook, meta_int, read_meta, read_workbook, workbook_apply
from kernel.core.management.base import LoggedCommand


class Command(LoggedCommand):
    help = ("Imports a score workbook made by export_score_workbook or downloaded from the assessment's page: the "
            "assessment and rater group are the workbook's own. Every cell is checked; one error and nothing is "
            "written. Without --as it acts as the system.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="the .xlsx score workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            meta = read_meta(data)
        except NotAWorkbook as exc:
            raise CommandError(f"{file}: {exc}") from None
        assessment = Assessment.objects.filter(pk=meta_int(meta, "assessment") or 0).first()
        rater = assessment and RaterGroup.objects.filter(version_id=assessment.version_id,
                                                         code=str(meta.get("rater") or "")).first()
        if assessment is None or rater is None:
            raise CommandError(f"{file}: its assessment or rater group no longer exists")
        try:
            if dry_run:
                plan = read_workbook(data, user=self.acting_user, assessment=assessment, rater=rater)
            else:
                plan = workbook_apply(user=self.acting_user, assessment=assessment, rater=rater, data=data)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(f"{file} was refused: {' '.join(getattr(exc, 'messages', [str(exc)]))}") from None
        for error in plan.errors:
            self.stderr.write(error.text())
        if not plan.ok:
            raise CommandError(f"{len(plan.errors)} errors in {file}: nothing was written")
        counts = plan.counts
        self.stdout.write(f"{assessment} / {rater}: {counts['sheets']} subjects, {counts['added']} scores added, "
                          f"{counts['changed']} changed, {counts['cleared']} cleared, {counts['unchanged']} unchanged"
                          + (" (dry run: nothing written)" if dry_run else ""))

"""Confirms or changes grades from a workbook downloaded from a campaign's grades page (grading/workbooks.py).

The workbook names its campaign and round; every row is checked, and all are saved or none.
"""
from django.core.management.base import CommandError

from kernel.core.management.base import LoggedCommand
from mechanisms.grading import workbooks
from mechanisms.grading.models import Round, Upgrading


class Command(LoggedCommand):
    help = ("Saves the grades of a workbook downloaded from /grading/<id>/grades/workbook.xlsx: all rows or none. "
            "Without --as it acts as the system.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="the edited .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            handle = open(file, "rb")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        with handle:
            upgrading, round_ = self.campaign(handle)
            handle.seek(0)
            result = workbooks.review(user=self.acting_user, upgrading=upgrading, round=round_, file=handle,
                                      apply=not dry_run)
        for error in result.errors:
            where = f"row {error['row']}" if error["row"] else "file"
            self.stderr.write(f"{where}" + (f", {error['column']}" if error["column"] else "") + f": {error['message']}")
        if not result.ok:
            raise CommandError(f"{len(result.errors)} errors in {file}: nothing was written")
        counts = result.plan.counts
        self.stdout.write(f"{upgrading.name} ({round_}): {counts['changed']} changed, {counts['confirmed']} confirmed, "
                          f"{counts['unchanged']} unchanged, {counts['awaiting']} left to confirm"
                          + (" (dry run: nothing written)" if dry_run else ""))

    def campaign(self, handle) -> tuple[Upgrading, str]:
        found = workbooks.Review()
        if not workbooks.read(handle, found):
            raise CommandError(found.errors[0]["message"])
        pk, round_ = found.meta.get("upgrading", ""), found.meta.get("round", "")
        upgradings = Upgrading.objects.select_related("scheme", "owner")
        if self.acting_user is not None:
            upgradings = upgradings.restrict(self.acting_user)
        upgrading = upgradings.filter(pk=int(pk)).first() if pk.isdigit() else None
        if upgrading is None or found.meta.get("format") != workbooks.FORMAT or round_ not in Round.values:
            raise CommandError("the workbook names no grading campaign you may see (its hidden sheet 'meta' is "
                               "missing or changed)")
        return upgrading, round_

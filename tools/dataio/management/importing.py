"""The import commands: without --as they act as the system and may import anywhere."""
from django.core.management.base import CommandError

from kernel.core.management.base import LoggedCommand
from tools.dataio.services import run_import


class ImportCommand(LoggedCommand):
    kind = ""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="an .xlsx workbook or a .csv file (UTF-8 or GB18030)")
        parser.add_argument("--dry-run", action="store_true", help="check and plan only; write nothing")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            handle = open(file, "rb")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        with handle:
            plan = run_import(self.kind, handle, file, user=self.acting_user, dry_run=dry_run,
                              progress=self.progress if options.get("verbosity", 1) > 1 else _quiet)
        for error in plan.error_dicts():
            where = f"row {error['row']}" + (f", {error['column']}" if error["column"] else "")
            self.stderr.write(f"{where}: {error['message']}")
        if not plan.ok:
            raise CommandError(f"{len(plan.errors)} errors in {plan.total} rows: nothing was written")
        counts = plan.counts
        self.stdout.write(f"{plan.total} rows: {counts['created']} created, {counts['updated']} updated, "
                          f"{counts['unchanged']} unchanged" + (" (dry run: nothing written)" if dry_run else ""))

    def progress(self, done, total, phase=""):
        self.stderr.write(f"{phase} {done}/{total}")


def _quiet(done, total, phase=""):
    return None

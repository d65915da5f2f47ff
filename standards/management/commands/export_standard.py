"""Writes a standard's version as a standard file (YAML)."""
from pathlib import Path

from django.core.management.base import CommandError

from core.management.base import LoggedCommand
from standards.library import standard_export
from standards.models import Standard, StandardVersion


class Command(LoggedCommand):
    help = "Writes a standard (its current version, or --version N) as a YAML file, to stdout or -o FILE."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the standard's version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("code", help="the standard's code")
        parser.add_argument("--version", dest="number", type=int, metavar="N", help="the version number")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")

    def handle(self, *args, code, number=None, output=None, **options):
        standards = Standard.objects.all()
        if self.acting_user is not None:
            standards = standards.restrict(self.acting_user)
        standard = standards.filter(code=code).first()
        if standard is None:
            raise CommandError(f"no standard with the code {code!r}")
        try:
            text = standard_export(standard, number)
        except StandardVersion.DoesNotExist:
            raise CommandError(f"{code} has no version {number}" if number else f"{code} has no version") from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")

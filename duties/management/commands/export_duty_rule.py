"""Writes a duty rule's version as a rule file (YAML)."""
from pathlib import Path

from django.core.management.base import CommandError

from core.management.base import LoggedCommand
from duties.models import DutyRule, RuleVersion
from duties.services import rule_export


class Command(LoggedCommand):
    help = "Writes a duty rule (its current version, or --version N) as a YAML file, to stdout or -o FILE."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the rule's version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("code", help="the rule's code")
        parser.add_argument("--version", dest="number", type=int, metavar="N", help="the version number")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")

    def handle(self, *args, code, number=None, output=None, **options):
        rules = DutyRule.objects.all()
        if self.acting_user is not None:
            rules = rules.restrict(self.acting_user)
        rule = rules.filter(code=code).first()
        if rule is None:
            raise CommandError(f"no duty rule with the code {code!r}")
        try:
            text = rule_export(rule, number)
        except RuleVersion.DoesNotExist:
            raise CommandError(f"{code} has no version {number}" if number else f"{code} has no version") from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")

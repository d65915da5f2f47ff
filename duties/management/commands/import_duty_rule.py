"""Imports a duty rule file (YAML): a malformed file is refused with each problem's line, and nothing is written."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from core.management.base import LoggedCommand
from duties.format import FormatError
from duties.models import DutyRule
from duties.services import rule_import
from orgs.models import Organization


class Command(LoggedCommand):
    help = ("Imports a duty rule from a YAML file: a new rule, an update of the current version, or its next "
            "version when the current one is in use. Without --as it acts as the system.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="a duty rule file (YAML, UTF-8)")
        parser.add_argument("--owner", metavar="ORG_CODE",
                            help="the organization that sets a new rule (default: the existing owner, or the only "
                                 "top organization)")

    def handle(self, *args, file, owner=None, **options):
        try:
            with open(file, "rb") as handle:
                text = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            version = rule_import(user=self.acting_user, text=text, owner=self.owner(owner, text))
        except FormatError as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(exc.errors)} errors in {file}: nothing was written") from None
        except PermissionDenied as exc:
            raise CommandError(f"{exc}: nothing was written") from None
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"{file} was refused: nothing was written") from None
        self.stdout.write(f"{version.rule.code}: version {version.number} from {version.effective_from}"
                          + (" (in use)" if version.frozen else ""))

    def owner(self, code: str | None, text) -> Organization:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"no organization with the code {code!r}")
            return org
        existing = self.existing_rule(text)
        if existing is not None:
            return existing.owner
        tops = list(Organization.objects.filter(parent__isnull=True)[:2])
        if len(tops) != 1:
            raise CommandError("say which organization sets the rule: --owner ORG_CODE")
        return tops[0]

    @staticmethod
    def existing_rule(text) -> DutyRule | None:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None  # the import reports it with its line
        code = data.get("code") if isinstance(data, dict) else None
        return DutyRule.objects.filter(code=str(code)).first() if code else None

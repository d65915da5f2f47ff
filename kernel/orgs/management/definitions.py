"""The import and export commands of definition files (standards, duty rules, workflows).

Each engine keeps its definitions as versioned YAML documents; its commands only say which model, which
import and export functions and which FormatError they use. A malformed file is refused with each
problem's line, and nothing is written.
"""
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from kernel.core.management.base import LoggedCommand
from kernel.orgs.models import Organization


class ImportDefinitionCommand(LoggedCommand):
    noun = "definition"  # in messages: "a standard", "a duty rule", ...
    model = None  # the definition model, with a unique ``code`` and an ``owner``
    format_error = Exception  # the engine's FormatError, carrying ``errors``: [(line, reason), ...]

    def import_text(self, *, user, text, owner):
        raise NotImplementedError

    def describe(self, version) -> str:
        return f"version {version.number}" + (" (in use)" if version.frozen else "")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=f"a {self.noun} file (YAML, UTF-8)")
        parser.add_argument("--owner", metavar="ORG_CODE",
                            help=f"the organization that owns a new {self.noun} (default: the existing owner, or "
                                 "the only top organization)")

    def handle(self, *args, file, owner=None, **options):
        try:
            text = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            version = self.import_text(user=self.acting_user, text=text, owner=self.owner(owner, text))
        except self.format_error as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(exc.errors)} errors in {file}: nothing was written") from None
        except PermissionDenied as exc:
            raise CommandError(f"{exc}: nothing was written") from None
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"{file} was refused: nothing was written") from None
        self.stdout.write(f"{self.code_of(version)}: {self.describe(version)}")

    @staticmethod
    def code_of(version) -> str:
        return next(getattr(version, name).code for name in ("standard", "rule", "workflow") if hasattr(version, name))

    def owner(self, code: str | None, text) -> Organization:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"no organization with the code {code!r}")
            return org
        existing = self.existing(text)
        if existing is not None:
            return existing.owner
        tops = list(Organization.objects.filter(parent__isnull=True)[:2])
        if len(tops) != 1:
            raise CommandError(f"say which organization owns the {self.noun}: --owner ORG_CODE")
        return tops[0]

    def existing(self, text):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None  # the import reports it with its line
        code = data.get("code") if isinstance(data, dict) else None
        return self.model.objects.filter(code=str(code)).first() if code else None


class ExportDefinitionCommand(LoggedCommand):
    noun = "definition"
    model = None
    version_model = None

    def export_text(self, definition, number) -> str:
        raise NotImplementedError

    @property
    def help(self):
        return f"Writes a {self.noun} (its current version, or --version N) as a YAML file, to stdout or -o FILE."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the definition's version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("code", help=f"the {self.noun}'s code")
        parser.add_argument("--version", dest="number", type=int, metavar="N", help="the version number")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")

    def handle(self, *args, code, number=None, output=None, **options):
        definitions = self.model.objects.all()
        if self.acting_user is not None:
            definitions = definitions.restrict(self.acting_user)
        definition = definitions.filter(code=code).first()
        if definition is None:
            raise CommandError(f"no {self.noun} with the code {code!r}")
        try:
            text = self.export_text(definition, number)
        except self.version_model.DoesNotExist:
            raise CommandError(f"{code} has no version {number}" if number else f"{code} has no version") from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")


class InstallShippedCommand(LoggedCommand):
    """Installs the definitions an app ships (its library's install function), owned by --owner ORG_CODE or by
    the only top-level organization. A file that has not changed keeps its version. With ``shipped`` set, the
    command also takes the codes to install (default: all of them)."""

    install = None  # staticmethod(install(*, user, owner[, codes]) -> {code: version})
    shipped: tuple = ()  # the codes one may name; empty: the command takes none
    noun = "definitions"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--owner", metavar="ORG_CODE", help="code of the owning organization")
        if self.shipped:
            parser.add_argument("codes", nargs="*", metavar="CODE", help=f"only these ({', '.join(self.shipped)})")

    def describe(self, version) -> str:
        return f"v{version.number}"

    def handle(self, *args, owner=None, codes=None, **options):
        unknown = sorted(set(codes or ()) - set(self.shipped))
        if unknown:
            raise CommandError(f"Unknown {self.noun}: {', '.join(unknown)}")
        if owner:
            organization = Organization.objects.filter(code=owner).first()
            if organization is None:
                raise CommandError(f"No organization has the code {owner}.")
        else:
            roots = list(Organization.objects.filter(parent=None)[:2])
            if len(roots) != 1:
                raise CommandError("Name the owning organization with --owner ORG_CODE.")
            organization = roots[0]
        extra = {"codes": codes or None} if self.shipped else {}
        versions = type(self).install(user=self.acting_user, owner=organization, **extra)
        for code, version in versions.items():
            self.stdout.write(f"{code}: {self.describe(version)}")

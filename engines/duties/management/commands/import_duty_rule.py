"""Imports a duty rule file (YAML): a malformed file is refused with each problem's line, and nothing is written."""
from engines.duties.format import FormatError
from engines.duties.models import DutyRule
from engines.duties.services import rule_import
from kernel.orgs.management.definitions import ImportDefinitionCommand


class Command(ImportDefinitionCommand):
    help = ("Imports a duty rule from a YAML file: a new rule, an update of the current version, or its next "
            "version when the current one is in use. Without --as it acts as the system.")
    noun = "duty rule"
    model = DutyRule
    format_error = FormatError

    def import_text(self, *, user, text, owner):
        return rule_import(user=user, text=text, owner=owner)

    def describe(self, version):
        return f"version {version.number} from {version.effective_from}" + (" (in use)" if version.frozen else "")

"""Imports a standard file (YAML): a malformed file is refused with each problem's line, and nothing is written."""
from engines.standards.format import FormatError
from engines.standards.library import standard_import
from engines.standards.models import Standard
from kernel.orgs.management.definitions import ImportDefinitionCommand


class Command(ImportDefinitionCommand):
    help = ("Imports a standard from a YAML file (see the README's 'Standards file format'): a new standard, an "
            "update of the current version, or its next version when the current one is in use. Without --as it "
            "acts as the system.")
    noun = "standard"
    model = Standard
    format_error = FormatError

    def import_text(self, *, user, text, owner):
        return standard_import(user=user, text=text, owner=owner)

"""Writes a standard's version as a standard file (YAML)."""
from orgs.management.definitions import ExportDefinitionCommand
from standards.library import standard_export
from standards.models import Standard, StandardVersion


class Command(ExportDefinitionCommand):
    noun = "standard"
    model = Standard
    version_model = StandardVersion

    def export_text(self, definition, number):
        return standard_export(definition, number)

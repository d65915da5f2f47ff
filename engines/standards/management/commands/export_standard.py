"""Writes a standard's version as a standard file (YAML)."""
from engines.standards.library import standard_export
from engines.standards.models import Standard, StandardVersion
from kernel.orgs.management.definitions import ExportDefinitionCommand


class Command(ExportDefinitionCommand):
    noun = "standard"
    model = Standard
    version_model = StandardVersion

    def export_text(self, definition, number):
        return standard_export(definition, number)

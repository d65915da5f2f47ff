"""Writes a duty rule's version as a rule file (YAML)."""
from engines.duties.models import DutyRule, RuleVersion
from engines.duties.services import rule_export
from kernel.orgs.management.definitions import ExportDefinitionCommand


class Command(ExportDefinitionCommand):
    noun = "duty rule"
    model = DutyRule
    version_model = RuleVersion

    def export_text(self, definition, number):
        return rule_export(definition, number)

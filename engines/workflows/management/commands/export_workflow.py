"""Writes a workflow's version as a workflow file (YAML)."""
from engines.workflows.models import Workflow, WorkflowVersion
from engines.workflows.services import workflow_export
from kernel.orgs.management.definitions import ExportDefinitionCommand


class Command(ExportDefinitionCommand):
    noun = "workflow"
    model = Workflow
    version_model = WorkflowVersion

    def export_text(self, definition, number):
        return workflow_export(definition, number)

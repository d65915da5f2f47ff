"""Writes a workflow's version as a workflow file (YAML)."""
from orgs.management.definitions import ExportDefinitionCommand
from workflows.models import Workflow, WorkflowVersion
from workflows.services import workflow_export


class Command(ExportDefinitionCommand):
    noun = "workflow"
    model = Workflow
    version_model = WorkflowVersion

    def export_text(self, definition, number):
        return workflow_export(definition, number)

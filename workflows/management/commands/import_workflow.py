"""Imports a workflow file (YAML): a malformed file is refused with each problem's line, and nothing is written."""
from orgs.management.definitions import ImportDefinitionCommand
from workflows.format import FormatError
from workflows.models import Workflow
from workflows.services import workflow_import


class Command(ImportDefinitionCommand):
    help = ("Imports a workflow from a YAML file: a new workflow, an update of the current version, or its next "
            "version when open cases use the current one. Without --as it acts as the system.")
    noun = "workflow"
    model = Workflow
    format_error = FormatError

    def import_text(self, *, user, text, owner):
        return workflow_import(user=user, text=text, owner=owner)

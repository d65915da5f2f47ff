"""Imports a workflow file (YAML): a malformed file is refused with each problem's line, and nothing is written."""
from engines.workflows.format import FormatError
from engines.workflows.models import Workflow
from engines.workflows.services import workflow_import
from kernel.orgs.management.definitions import ImportDefinitionCommand


class Command(ImportDefinitionCommand):
    help = ("Imports a workflow from a YAML file: a new workflow, an update of the current version, or its next "
            "version when open cases use the current one. Without --as it acts as the system.")
    noun = "workflow"
    model = Workflow
    format_error = FormatError

    def import_text(self, *, user, text, owner):
        return workflow_import(user=user, text=text, owner=owner)

"""The 四议两公开 workflow as this app ships it, and what each of its stages records."""
from pathlib import Path

from django.utils.translation import gettext_lazy as _

WORKFLOW_CODE = "four-deliberations"
DEFINITION_FILE = Path(__file__).resolve().parent / "workflows" / "four-deliberations.yaml"

PROPOSAL, COMMITTEES, MEMBERS, VILLAGERS, RESOLUTION_PUBLIC, RESULT_PUBLIC, CLOSED = (
    "proposal", "committees", "members", "villagers", "resolution_public", "result_public", "closed")
STAGES = (PROPOSAL, COMMITTEES, MEMBERS, VILLAGERS, RESOLUTION_PUBLIC, RESULT_PUBLIC, CLOSED)

# The fields each stage's form offers, in order (dates are ISO strings in the case data).
STAGE_FIELDS = {
    PROPOSAL: ("matter", "proposal", "proposed_on"),
    COMMITTEES: ("committees_on", "committees_opinion"),
    MEMBERS: ("members_on", "members_present", "members_for"),
    VILLAGERS: ("villagers_on", "villagers_kind", "villagers_present", "villagers_for"),
    RESOLUTION_PUBLIC: ("resolution_public_on",),
    RESULT_PUBLIC: ("result", "result_public_on"),
}
DATE_FIELDS = ("proposed_on", "committees_on", "members_on", "villagers_on", "resolution_public_on",
               "result_public_on")
NUMBER_FIELDS = ("members_present", "members_for", "villagers_present", "villagers_for")
TEXT_FIELDS = ("matter", "proposal", "committees_opinion", "result")
LABELS = {
    "matter": _("Matter"),
    "proposal": _("Proposal of the branch"),
    "proposed_on": _("Proposed on"),
    "committees_on": _("Two committees met on"),
    "committees_opinion": _("Opinion of the two committees"),
    "members_on": _("Member assembly held on"),
    "members_present": _("Members present"),
    "members_for": _("Members in favour"),
    "villagers_on": _("Villagers' meeting held on"),
    "villagers_kind": _("Villagers' assembly or representatives"),
    "villagers_present": _("Present"),
    "villagers_for": _("In favour"),
    "resolution_public_on": _("Resolution made public on"),
    "result": _("Result of the implementation"),
    "result_public_on": _("Result made public on"),
}
VILLAGERS_KINDS = (("assembly", _("Villagers' assembly")), ("representatives", _("Villagers' representatives")))


def workflow():
    from engines.workflows.models import Workflow

    return Workflow.objects.filter(code=WORKFLOW_CODE).select_related("current_version").first()


def install(*, user=None, owner):
    """Installs (or updates) the shipped definition under ``owner`` through the engine."""
    from engines.workflows.services import workflow_import

    return workflow_import(user=user, text=DEFINITION_FILE.read_text(encoding="utf-8"), owner=owner)


def ensure(*, user=None, owner):
    """The installed workflow, installing the shipped definition under ``owner`` the first time."""
    found = workflow()
    if found is None:
        install(user=user, owner=owner)
        found = workflow()
    return found

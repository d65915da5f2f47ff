"""The member-development workflow as this app ships it, and what each of its stages records."""
from pathlib import Path

from kernel.people.choices import Stage

WORKFLOW_CODE = "member-development"
DEFINITION_FILE = Path(__file__).resolve().parent / "workflows" / "member-development.yaml"

APPLICATION, ACTIVIST, TARGET, NOTICE, VOTE, PROBATIONARY, FULL = (
    "application", "activist", "target", "public_notice", "vote", "probationary", "full")
STAGES = (APPLICATION, ACTIVIST, TARGET, NOTICE, VOTE, PROBATIONARY, FULL)

# The fields the development form offers in each stage (dates are ISO strings in the case data).
STAGE_FIELDS = {
    APPLICATION: ("applied_on", "household"),
    ACTIVIST: ("activist_on", "contact_1", "contact_2"),
    TARGET: ("recommended_on", "target_on", "reviewed_on"),
    NOTICE: ("notice_from",),
    VOTE: ("vote_on", "votes_for", "eligible_voters"),
    PROBATIONARY: ("extended_until", "full_on"),
}
DATE_FIELDS = ("applied_on", "activist_on", "recommended_on", "target_on", "reviewed_on", "notice_from", "vote_on",
               "extended_until", "full_on")
NUMBER_FIELDS = ("votes_for", "eligible_voters")

# Where the person stands in the registry while the case is in a stage (probationary and full are members).
PERSON_STAGE = {APPLICATION: Stage.APPLICANT, ACTIVIST: Stage.ACTIVIST, TARGET: Stage.CANDIDATE,
                NOTICE: Stage.CANDIDATE, VOTE: Stage.CANDIDATE}


def workflow():
    from engines.workflows.models import Workflow

    return Workflow.objects.filter(code=WORKFLOW_CODE).select_related("current_version").first()


def install(*, user=None, owner):
    """Installs (or updates) the shipped definition under ``owner`` through the engine."""
    from engines.workflows.services import workflow_import

    return workflow_import(user=user, text=DEFINITION_FILE.read_text(encoding="utf-8"), owner=owner)

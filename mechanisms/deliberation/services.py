"""Writes of 四议两公开: a matter is a case of the shipped workflow, moved only by the workflows engine.

These functions check and normalise what a stage records (dates, counts not above those present) and then
call engines.workflows.services; the engine's gates do the rest (required fields, majorities, the public notice).
"""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from engines.workflows import services as engine
from kernel.core.excel import parse_date
from kernel.core.services import require_in_scope
from kernel.core.tree import ancestor_paths
from kernel.orgs.models import Organization

from .definition import (
    DATE_FIELDS,
    LABELS,
    NUMBER_FIELDS,
    PROPOSAL,
    RESULT_PUBLIC,
    STAGE_FIELDS,
    STAGES,
    VILLAGERS_KINDS,
    WORKFLOW_CODE,
    ensure,
    workflow,
)


def clean(data: dict) -> dict:
    """The values of ``data`` as the case keeps them: dates as ISO text, counts as integers, text stripped."""
    out, errors = {}, {}
    for key, value in data.items():
        if key not in LABELS:
            errors[key] = [_("Unknown field.")]
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            out[key] = ""
        elif key in DATE_FIELDS:
            try:
                day = parse_date(value)
            except ValueError:
                day = None
            if day is None:
                errors[key] = [_("Enter a date.")]
            else:
                out[key] = day.isoformat()
        elif key in NUMBER_FIELDS:
            try:
                number = int(str(value).strip())
            except ValueError:
                number = -1
            if number < 0:
                errors[key] = [_("Enter a whole number, 0 or more.")]
            else:
                out[key] = number
        elif key == "villagers_kind" and value not in dict(VILLAGERS_KINDS):
            errors[key] = [_("Choose the villagers' assembly or their representatives.")]
        else:
            out[key] = str(value).strip()
    for present, votes in (("members_present", "members_for"), ("villagers_present", "villagers_for")):
        if isinstance(out.get(present), int) and isinstance(out.get(votes), int) and out[votes] > out[present]:
            errors[votes] = [_("More votes in favour than people present.")]
    if errors:
        raise ValidationError(errors)
    return out


def matter_open(*, user, organization: Organization, title: str, matter: str = "", proposal: str = "",
                proposed_on: datetime.date | None = None, today: datetime.date | None = None, installed=None):
    """Opens a major village matter at the branch's proposal (党支部提议); ``installed``: the workflow, if known."""
    require_in_scope(user, organization.path, realm="org")
    found = installed or workflow()
    if found is None:  # installed once, by the system, under the top of the tree the village belongs to
        top = Organization.objects.get(path=ancestor_paths(organization.path)[0])
        found = ensure(user=None, owner=top)
    data = clean({"matter": matter, "proposal": proposal, "proposed_on": proposed_on or ""})
    return engine.case_open(user=user, workflow=found, organization=organization, title=title, data=data,
                            today=today)


def check_data(case, data: dict) -> dict:
    """What a matter may record, whoever writes it (registered with the workflow engine, so that the generic
    case page and API refuse what this app refuses): its fields, cleaned, with no more votes in favour than
    people present, counting what the case already holds. What a stage the matter has left recorded (a
    meeting's date and votes, the day the resolution was made public) is frozen."""
    cleaned = clean(data)
    passed = STAGES[:STAGES.index(case.stage)] if case.stage in STAGES else ()
    frozen = sorted(name for name in cleaned if any(name in STAGE_FIELDS.get(code, ()) for code in passed))
    if frozen:
        raise ValidationError({name: [_("Recorded in a stage the matter has left: it cannot be changed.")]
                               for name in frozen})
    merged = {**case.data, **cleaned}
    for present, votes in (("members_present", "members_for"), ("villagers_present", "villagers_for")):
        if (votes in cleaned or present in cleaned) and isinstance(merged.get(present), int) \
                and isinstance(merged.get(votes), int) and merged[votes] > merged[present]:
            raise ValidationError({votes: [_("More votes in favour than people present.")]})
    return cleaned


def matter_record(*, user, case, data: dict):
    """Records fields of the case's current stage (fields of other stages are refused); the engine then runs
    ``check_data`` on them."""
    allowed = set(STAGE_FIELDS.get(case.stage, ()))
    stray = sorted(set(data) - allowed)
    if stray:
        raise ValidationError({key: [_("Not a field of the present stage.")] for key in stray})
    return engine.case_update(user=user, case=case, data=data)


def matter_return(*, user, case, to_stage: str, comment: str, today: datetime.date | None = None):
    """Sends the matter back (to the branch's proposal) with a reason; ``guard_move`` voids the later records."""
    return engine.case_return(user=user, case=case, to_stage=to_stage, comment=comment, today=today)


def guard_move(case, transition) -> None:
    """The rules every move of a matter keeps, whichever page or API moves it (the generic workflow pages and
    API included): run inside the engine's transaction (engines.workflows.signals.case_moved), a refusal undoes the move.

    * opening: the case records only the proposal's fields, cleaned as ``matter_open`` cleans them;
    * a return voids what the stages after the one returned to recorded: the meetings are held and the
      resolution made public again (the earlier record stays in the transitions);
    * cancelling: not once the resolution is public and the matter is implemented (实施结果公开): its result
      must be made public."""
    if transition.action == "open":
        stray = sorted(set(case.data) - set(STAGE_FIELDS[PROPOSAL]))
        if stray:
            raise ValidationError({key: [_("Not a field of the present stage.")] for key in stray})
        clean(case.data)
    elif transition.action == "cancel" and case.stage == RESULT_PUBLIC:
        raise ValidationError(_("The resolution has been made public: the matter cannot be cancelled, its result "
                                "must be made public."))
    elif transition.action == "return":
        later = {name for code in STAGES[STAGES.index(transition.to_stage) + 1:]
                 for name in STAGE_FIELDS.get(code, ())}
        if later & set(case.data):
            case.data = {key: value for key, value in case.data.items() if key not in later}
            type(case).objects.filter(pk=case.pk).update(data=case.data)


def is_matter(case) -> bool:
    return case.workflow.code == WORKFLOW_CODE


def matter_advance(*, user, case, comment: str = "", today: datetime.date | None = None):
    return engine.case_advance(user=user, case=case, comment=comment, today=today)


__all__ = ["ensure", "matter_advance", "matter_open", "matter_record", "matter_return"]

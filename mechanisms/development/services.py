"""Member development: opening a candidate's case, recording its dates and votes, moving it on.

The case moves only through the workflow engine (engines.workflows.services); this module checks the dates
against each other before the engine is asked, and ``sync_registry`` (run on engines.workflows.signals.case_moved)
keeps the registry in step: the person's political status, then the Member row — created on reaching
probation, made full on reaching full membership — through kernel.people.services.
"""
import contextvars
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from engines.workflows.services import objection_add, objection_resolve  # noqa: F401  (the engine's, for this app's callers)
from kernel.core.services import refuse
from kernel.people.choices import MemberCategory, Stage
from kernel.people.models import Member, Person
from kernel.people.services import member_create, member_update, person_create, person_update

from . import dates
from .definition import (
    DATE_FIELDS,
    FULL,
    NOTICE,
    NUMBER_FIELDS,
    PERSON_STAGE,
    PROBATIONARY,
    STAGE_FIELDS,
    VOTE,
    WORKFLOW_CODE,
    workflow,
)

EDITABLE_FIELDS = {name for names in STAGE_FIELDS.values() for name in names}


def _engine():
    from engines.workflows import services

    return services


def notice_days(case) -> int:
    days = _notice_days.get(case.version_id)
    if days is None:
        stage = case.version.stages.filter(code=NOTICE).first()
        days = _notice_days[case.version_id] = stage.wait_days if stage else dates.NOTICE_DAYS_DEFAULT
    return days


_notice_days: dict[int, int] = {}  # a version's stages never change once it has a case


def _clean(data: dict) -> dict:
    """The values as the case keeps them (dates as ISO text, counts as integers); a field that is not a
    development field, or a value that is not a date or a count, is refused on its field."""
    cleaned, errors = {}, {}
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            errors[name] = [_("Not a field of member development.")]
        elif value in (None, ""):
            cleaned[name] = ""
        elif name in DATE_FIELDS:
            try:
                cleaned[name] = dates.parse(value).isoformat()
            except (TypeError, ValueError):
                errors[name] = [_("Enter a date.")]
        elif name in NUMBER_FIELDS:
            try:
                cleaned[name] = int(value)
            except (TypeError, ValueError):
                errors[name] = [_("Enter a whole number, 0 or more.")]
            else:
                if cleaned[name] < 0:
                    errors[name] = [_("Enter a whole number, 0 or more.")]
        else:
            cleaned[name] = str(value).strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_data(case, data: dict) -> dict:
    """What a development case may record, whoever writes it: registered with the workflow engine
    (``engines.workflows.services.register_data_check``), so that the generic case page and API refuse what
    ``candidate_record`` refuses. Once the candidate is admitted (probationary), the record of the admission
    (the application, the notice, the vote) is frozen: only the probation's own fields may be written."""
    cleaned = _clean(data)
    if cleaned and case.pk and _approved(case):
        raise ValidationError({name: [_("The township has approved this stage as recorded: its record cannot be "
                                        "changed.")] for name in sorted(cleaned)})
    if case.stage == PROBATIONARY:
        frozen = sorted(set(cleaned) - set(STAGE_FIELDS[PROBATIONARY]))
        if frozen:
            raise ValidationError({name: [_("The candidate is admitted as a probationary member: the record of "
                                            "the admission cannot be changed.")] for name in frozen})
    check({**case.data, **cleaned}, birth_date=case.person.birth_date if case.person_id else None,
          days=notice_days(case))
    return cleaned


def _approved(case) -> bool:
    """Whether the case's present stay in its stage is signed off (the township's approval of the vote, of the
    conversion)."""
    entry = case.transitions.order_by("-id").first()
    return case.approvals.filter(stage=case.stage, entry=entry).exists()


def check(case_or_data, *, birth_date, days=dates.NOTICE_DAYS_DEFAULT, today=None) -> None:
    errors = dates.problems(case_or_data, birth_date=birth_date, notice_days=days, today=today)
    for field, messages in dates.votes_problems(case_or_data).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def candidate_open(*, user, organization, applied_on: datetime.date, person: Person | None = None,
                   household: str = "", today: datetime.date | None = None, **person_fields):
    """Opens a development case at the application stage, registering the applicant first if new."""
    wf = workflow()
    if wf is None:
        refuse(_("The member development workflow is not installed (manage.py install_development)."))
    if person is None:
        person = person_create(user=user, organization=organization, stage=Stage.APPLICANT, **person_fields)
    elif Member.objects.filter(person=person).exists():
        refuse(_("This person is already a party member."))
    if wf.cases.filter(person=person, status="open").exists():
        refuse(_("This person already has an open development case."))
    data = _clean({"applied_on": applied_on, "household": household})
    check(data, birth_date=person.birth_date, today=today)
    title = _("%(name)s · member development") % {"name": person.name}
    return _engine().case_open(user=user, workflow=wf, organization=person.organization, person=person,
                               title=title, data=data, today=today)


@transaction.atomic
def candidate_record(*, user, case, data: dict, today: datetime.date | None = None):
    """Records the stage's dates, contacts and vote counts, refusing any that contradict the others."""
    cleaned = _clean(data)
    merged = {**case.data, **cleaned}
    check(merged, birth_date=case.person.birth_date if case.person_id else None, days=notice_days(case), today=today)
    return _engine().case_update(user=user, case=case, data=cleaned)


@transaction.atomic
def candidate_advance(*, user, case, comment: str = "", today: datetime.date | None = None):
    check(case.data, birth_date=case.person.birth_date if case.person_id else None, days=notice_days(case))
    return _engine().case_advance(user=user, case=case, comment=comment, today=today)


def guard_move(case, transition) -> None:
    """The rules every move of a development case keeps, whichever page or API moves it (the generic workflow
    pages and API included): run inside the engine's transaction, a refusal undoes the move whole.

    * opening: the person is not a party member and has no other open development case, and what the case
      records is development's own fields, in order (as ``candidate_open`` requires);
    * cancelling: not once the candidate is a probationary member (the admission stands; the case ends only
      by conversion to full membership);
    * a return voids what the stages after the one returned to recorded (a new notice, a new vote)."""
    if transition.action == "open":
        if Member.objects.filter(person_id=case.person_id).exists():
            refuse(_("This person is already a party member."))
        if type(case).objects.filter(workflow_id=case.workflow_id, person_id=case.person_id,
                                     status="open").exclude(pk=case.pk).exists():
            refuse(_("This person already has an open development case."))
        _clean(case.data)
    elif transition.action == "cancel" and case.stage == PROBATIONARY:
        refuse(_("A probationary member's case cannot be cancelled: the admission by the branch vote stands "
                 "until the conversion to full membership."))
    elif transition.action == "return":
        _void_after(case, transition.to_stage)


def _void_after(case, stage: str) -> None:
    from .definition import STAGES

    later = {name for code in STAGES[STAGES.index(stage) + 1:] for name in STAGE_FIELDS.get(code, ())}
    if later & set(case.data):
        case.data = {key: value for key, value in case.data.items() if key not in later}
        type(case).objects.filter(pk=case.pk).update(data=case.data)


@transaction.atomic
def candidate_approve(*, user, case, comment: str = "", today: datetime.date | None = None):
    """The township's approval (审批) of the branch's vote admitting the candidate, or of the conversion to full
    membership; only a township or county administrator over the branch may give it, once the stage's record
    is complete (``approval_check``), and the case moves on only with it. The record approved is frozen for the
    stay."""
    return _engine().case_approve(user=user, case=case, comment=comment, today=today)


def approval_check(case) -> None:
    """Run by the engine before any sign-off of a development case (registered with
    ``engines.workflows.services.register_approval_check``): the township approves a complete record only — the vote
    with its majority, the conversion with its date — that agrees with the rest of the case."""
    if case.stage not in (VOTE, PROBATIONARY):
        refuse(_("Only the branch vote and the conversion to full membership are approved by the township."))
    check(case.data, birth_date=case.person.birth_date if case.person_id else None, days=notice_days(case))
    missing = _engine().gate(case, approval=False)
    if missing:
        raise ValidationError(missing, code="gate")


# The person's standing is written by the case's own moves (sync_registry) and by nothing else while it is open.
_case_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("development_case_writing", default=False)
KEPT_BY_CASE = frozenset({"membership", "category", "joined_on", "applied_on", "full_on", "stage"})


def membership_check(person_ids, fields) -> dict[int, str]:
    """The people registry's rule (``kernel.people.services.register_membership_check``): while a person's 发展党员 case
    is open, admission (a new membership), conversion (category, the dates) and the development stage are
    written by the case alone, on every path — the people pages and API, the member import."""
    if _case_writing.get() or not set(fields) & KEPT_BY_CASE:
        return {}
    from engines.workflows.models import Case

    cases = Case.objects.filter(workflow__code=WORKFLOW_CODE, status=Case.Status.OPEN, person_id__isnull=False)
    person_ids = list(person_ids)
    if len(person_ids) <= 500:  # one person's write, a small file: look them up
        cases = cases.filter(person_id__in=person_ids)
    # else an import's people: the open cases are few beside them, read once rather than an IN list of thousands
    open_cases = dict(cases.values_list("person_id", "person__name"))
    return {pk: _("%(name)s has an open member-development case (发展党员): admission and conversion "
                  "are recorded through it.") % {"name": open_cases[pk]} for pk in person_ids if pk in open_cases}


def sync_registry(case, transition) -> None:
    """Keeps the person and membership in step with the case (called inside the engine's transaction)."""
    token = _case_writing.set(True)
    try:
        _sync_registry(case, transition)
    finally:
        _case_writing.reset(token)


def _sync_registry(case, transition) -> None:
    guard_move(case, transition)
    person = Person.objects.get(pk=case.person_id)
    check(case.data, birth_date=person.birth_date, days=notice_days(case))
    member = Member.objects.filter(person=person).first()
    stage = transition.to_stage
    if stage == PROBATIONARY and transition.action == "advance" and member is not None:
        refuse(_("%(name)s is already in the registry as a party member: the vote cannot admit them again.")
               % {"name": person.name})
    if stage in PERSON_STAGE and member is None and person.stage != PERSON_STAGE[stage]:
        person_update(user=None, person=person, stage=PERSON_STAGE[stage])
    elif stage == PROBATIONARY and member is None:
        member_create(user=None, person=person, category=MemberCategory.PROBATIONARY,
                      joined_on=dates.parse(case.data["vote_on"]), applied_on=dates.parse(case.data.get("applied_on")))
    elif stage == FULL and member is not None and member.category != MemberCategory.FULL:
        member_update(user=None, member=member, category=MemberCategory.FULL,
                      full_on=dates.parse(case.data["full_on"]))


def is_development_case(case) -> bool:
    return bool(case.person_id) and case.workflow.code == WORKFLOW_CODE

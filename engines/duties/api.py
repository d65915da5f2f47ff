"""The duties engine over the API: rules and their files, obligations, submissions, reviews, approvals,
notices and the roll-up.

Reads go through ``restrict`` (directly or through engines.duties.selectors); writes through engines.duties.services,
which check the caller's scope again. Outside the scope: 404.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kernel.core import todo as todo_sources
from kernel.core.api import (
    In,
    Page,
    PageParams,
    Ref,
    Year,
    choice,
    get_scoped,
    paginate,
    paginate_rows,
    ref,
    run_service,
    scope_exempt,
    scoped,
    yaml_file_responses,
)
from kernel.core.scope import CHANGE, VIEW
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import clock, selectors, services
from .format import FormatError
from .models import (
    Cadence,
    DutyKind,
    DutyRule,
    Notice,
    Obligation,
    ObligationState,
    Recipient,
    RuleVersion,
    SubjectKind,
    Submission,
)

router = Router(tags=["duties"])


# --- schemas ----------------------------------------------------------------------------------------------------

class RuleVersionOut(Schema):
    id: int
    number: int
    effective_from: datetime.date
    frozen: bool = Field(..., description="Used by obligations: editing makes the next version.")
    subject: choice(SubjectKind)
    applies_to: dict[str, list[str]]
    recipient: choice(Recipient)
    kind: choice(DutyKind)
    topic: str
    cadence: choice(Cadence)
    due_days: int
    due_on: datetime.date | None
    grace_days: int
    min_count: int
    remind_days: int
    escalate_days: int
    backfill_days: int | None
    review: bool


class RuleOut(Schema):
    id: int
    code: str
    name: str
    description: str
    owner: Ref
    active: bool
    current: RuleVersionOut | None


class RuleDetailOut(RuleOut):
    versions: list[RuleVersionOut]


class RuleImportIn(In):
    owner: int = Field(..., description="The owning organization's id (for an existing rule: its owner).")
    text: str = Field(..., description="The rule file (YAML).")


class RuleRef(Schema):
    id: int
    code: str
    name: str


class DutySubjectOut(Schema):
    kind: choice(SubjectKind)
    id: int
    name: str


class ObligationOut(Schema):
    id: int
    rule: RuleRef
    version: int
    subject: DutySubjectOut
    owed_to: Ref | None
    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    due_on: datetime.date
    missed_after: datetime.date
    required_count: int
    done_count: int
    state: choice(ObligationState)
    completed_on: datetime.date | None


class ObligationFilters(Schema):
    rule: int | None = Field(None, description="A rule's id.")
    under: int | None = Field(None, description="An organization's id: obligations of its subtree.")
    organization: int | None = Field(None, description="Only this organization's own obligations.")
    person: int | None = Field(None, description="Only this person's obligations.")
    state: choice(ObligationState) | None = None
    period: str | None = Field(None, description="A period label: 2025, 2025-H1, 2025-Q3, 2025-07, 2025-W05.")
    year: Year | None = Field(None, description="Obligations of periods starting in this year.")
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None


class DutySubmissionOut(Schema):
    id: int
    rule: RuleRef
    obligation: int | None
    subject: DutySubjectOut
    occurred_on: datetime.date
    submitted_on: datetime.date
    units: int
    title: str
    body: str
    attachment: str
    submitted_by: str | None
    review: choice(Submission.Review)
    review_note: str
    late_entry: bool
    approval: choice(Submission.Approval)
    approval_note: str
    counts: bool = Field(..., description="Whether it counts towards its obligation now.")


class SubmissionFilters(Schema):
    obligation: int | None = None
    rule: int | None = None
    under: int | None = None
    review: choice(Submission.Review) | None = None
    approval: choice(Submission.Approval) | None = None


class SubmissionIn(In):
    rule: int
    organization: int | None = None
    person: int | None = None
    occurred_on: datetime.date
    title: str
    body: str = ""
    units: int = Field(1, ge=1)
    period_start: datetime.date | None = Field(None, description="For a report: the start of the period it covers.")


class DecisionIn(In):
    accept: bool
    note: str = ""


class ApprovalIn(In):
    approve: bool
    note: str = ""


class WaiveIn(In):
    note: str


class DutyNoticeOut(Schema):
    id: int
    kind: choice(Notice.Kind)
    message: str
    obligation: int | None
    submission: int | None
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class RollupOut(Schema):
    organization: Ref
    total: int
    open: int
    done: int
    late: int
    overdue: int
    missed: int
    waived: int
    due: int
    on_time_rate: float
    on_time_percent: Decimal | None = Field(None, description="done of due in percent, one decimal, rounded once "
                                                              "from the counts (kernel.core.rates)")
    colour: str


# --- serializers ------------------------------------------------------------------------------------------------

def version_data(version: RuleVersion) -> dict:
    return {
        "id": version.pk, "number": version.number, "effective_from": version.effective_from,
        "frozen": version.frozen, "subject": version.subject_kind, "applies_to": version.applies_to or {},
        "recipient": version.recipient, "kind": version.kind, "topic": version.topic, "cadence": version.cadence,
        "due_days": version.due_days, "due_on": version.due_on, "grace_days": version.grace_days,
        "min_count": version.min_count, "remind_days": version.remind_days, "escalate_days": version.escalate_days,
        "backfill_days": version.backfill_days, "review": version.review,
    }


def rule_data(rule: DutyRule) -> dict:
    return {"id": rule.pk, "code": rule.code, "name": rule.name, "description": rule.description,
            "owner": ref(rule.owner), "active": rule.active,
            "current": version_data(rule.current_version) if rule.current_version else None}


def _rule_ref(rule: DutyRule) -> dict:
    return {"id": rule.pk, "code": rule.code, "name": rule.name}


def _subject(row) -> dict:
    if row.person_id:
        return {"kind": SubjectKind.PERSON, "id": row.person_id, "name": row.person.name}
    return {"kind": SubjectKind.ORGANIZATION, "id": row.organization_id, "name": row.organization.name}


def obligation_data(obligation: Obligation) -> dict:
    return {
        "id": obligation.pk, "rule": _rule_ref(obligation.rule), "version": obligation.version_id,
        "subject": _subject(obligation), "owed_to": ref(obligation.owed_to),
        "period_start": obligation.period_start, "period_end": obligation.period_end,
        "period_label": obligation.period_label, "due_on": obligation.due_on,
        "missed_after": obligation.missed_after, "required_count": obligation.required_count,
        "done_count": obligation.done_count, "state": obligation.state, "completed_on": obligation.completed_on,
    }


def submission_data(submission: Submission) -> dict:
    return {
        "id": submission.pk, "rule": _rule_ref(submission.rule), "obligation": submission.obligation_id,
        "subject": _subject(submission), "occurred_on": submission.occurred_on,
        "submitted_on": submission.submitted_on, "units": submission.units, "title": submission.title,
        "body": submission.body, "attachment": submission.attachment.name or "",
        "submitted_by": submission.submitted_by.get_username() if submission.submitted_by else None,
        "review": submission.review, "review_note": submission.review_note, "late_entry": submission.late_entry,
        "approval": submission.approval, "approval_note": submission.approval_note,
        "counts": services.counts(submission),
    }


def notice_data(notice: Notice) -> dict:
    return {"id": notice.pk, "kind": notice.kind, "message": notice.message, "obligation": notice.obligation_id,
            "submission": notice.submission_id, "created_at": notice.created_at, "read_at": notice.read_at}


# --- lookups ----------------------------------------------------------------------------------------------------

def get_org(request, org_id: int, action: str = VIEW) -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=org_id)


def get_rule(request, rule_id: int) -> DutyRule:
    return get_scoped(DutyRule.objects.select_related("owner", "current_version"), request.auth, pk=rule_id)


def get_obligation(request, obligation_id: int, action: str = VIEW) -> Obligation:
    return get_scoped(Obligation.objects.select_related("rule", "organization", "person", "owed_to"), request.auth,
                      action, pk=obligation_id)


def get_submission(request, submission_id: int) -> Submission:
    return get_scoped(Submission.objects.select_related("rule", "organization", "person", "obligation__owed_to",
                                                        "submitted_by"), request.auth, pk=submission_id)


def _format_refused(exc: FormatError) -> ValidationError:
    return ValidationError({"text": [ValidationError(_("line %(line)d: %(reason)s") % {"line": line, "reason": reason},
                                                     code="format") for line, reason in exc.errors]})


# --- rules ------------------------------------------------------------------------------------------------------

@router.get("/rules", response=Page[RuleOut])
@scoped(DutyRule)
def rule_list(request, page: Query[PageParams], q: str = ""):
    return paginate(selectors.rules(request.auth, q=q), page, lambda rows: [rule_data(rule) for rule in rows])


@router.get("/rules/{int:rule_id}", response=RuleDetailOut)
@scoped(DutyRule)
def rule_detail(request, rule_id: int):
    rule = get_rule(request, rule_id)
    return {**rule_data(rule), "versions": [version_data(v) for v in rule.versions.order_by("-number")]}


def _import(request, owner_id: int, text):
    owner = get_org(request, owner_id, CHANGE)
    before = RuleVersion.objects.count()
    try:
        version = run_service(request, services.rule_import, text=text, owner=owner)
    except FormatError as exc:
        raise _format_refused(exc) from None
    rule = get_rule(request, version.rule_id)
    data = {**rule_data(rule), "versions": [version_data(v) for v in rule.versions.order_by("-number")]}
    return Status(201 if RuleVersion.objects.count() > before else 200, data)


@router.post("/rules/import", response={200: RuleDetailOut, 201: RuleDetailOut})
@scoped(DutyRule)
def rule_import(request, payload: RuleImportIn):
    """Imports a rule file: 201 for a new rule or version, 200 when nothing changed; a malformed file
    answers 422 with one error per problem, "line N: reason"."""
    return _import(request, payload.owner, payload.text)


@router.post("/rules/import-file", response={200: RuleDetailOut, 201: RuleDetailOut})
@scoped(DutyRule)
def rule_import_file(request, owner: Form[int], file: File[UploadedFile]):
    """The same as /rules/import, with the file uploaded as multipart/form-data."""
    return _import(request, owner, file.read())


@router.get("/rules/{int:rule_id}/export", openapi_extra=yaml_file_responses("The rule file."))
@scoped(DutyRule)
def rule_export(request, rule_id: int, version: int | None = None):
    """The rule file (YAML) of the current version, or of ``version`` (its number)."""
    rule = get_rule(request, rule_id)
    try:
        text = services.rule_export(rule, version)
    except RuleVersion.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{rule.code}.yaml"'
    return response


# --- obligations ------------------------------------------------------------------------------------------------

@router.get("/obligations", response=Page[ObligationOut])
@scoped(Obligation)
def obligation_list(request, filters: Query[ObligationFilters], page: Query[PageParams]):
    """Obligations with their state, filtered by rule, subtree, subject, state, period or deadline."""
    subject = None
    if filters.organization:
        subject = get_org(request, filters.organization)
    elif filters.person:
        subject = get_scoped(Person.objects, request.auth, pk=filters.person)
    rows = selectors.obligations(
        request.auth, under=get_org(request, filters.under) if filters.under else None,
        rule=get_rule(request, filters.rule) if filters.rule else None, state=filters.state,
        period=filters.period, due_from=filters.due_from, due_to=filters.due_to, subject=subject, year=filters.year)
    return paginate(rows, page, lambda items: [obligation_data(o) for o in items])


@router.get("/obligations/{int:obligation_id}", response=ObligationOut)
@scoped(Obligation)
def obligation_detail(request, obligation_id: int):
    return obligation_data(get_obligation(request, obligation_id))


@router.post("/obligations/{int:obligation_id}/waive", response=ObligationOut)
@scoped(Obligation)
def obligation_waive(request, obligation_id: int, payload: WaiveIn):
    """Releases the subject from this obligation, with the reason (the recipient's decision)."""
    obligation = get_obligation(request, obligation_id)
    run_service(request, services.waive, obligation=obligation, note=payload.note)
    return obligation_data(get_obligation(request, obligation_id))


@router.get("/rollup", response=list[RollupOut])
@scoped(Obligation)
def rollup(request, root: int, year: Year | None = None, rule: int | None = None):
    """The organization and each of its children: counts by state, on-time rate and red/amber/green."""
    organization = get_org(request, root)
    rows = selectors.rollup(request.auth, organization, year=year, rule=get_rule(request, rule) if rule else None)
    return [{**{key: row[key] for key in ("total", "open", "done", "late", "overdue", "missed", "waived", "due",
                                          "colour")},
             "on_time_rate": float(row["on_time_rate"]), "on_time_percent": row["on_time_percent"],
             "organization": ref(row["org"])} for row in rows]


# --- submissions ------------------------------------------------------------------------------------------------

@router.get("/submissions", response=Page[DutySubmissionOut])
@scoped(Submission)
def submission_list(request, filters: Query[SubmissionFilters], page: Query[PageParams]):
    rows = selectors.submissions(
        request.auth, obligation=get_obligation(request, filters.obligation) if filters.obligation else None,
        under=get_org(request, filters.under) if filters.under else None,
        rule=get_rule(request, filters.rule) if filters.rule else None, review=filters.review,
        approval=filters.approval)
    return paginate(rows, page, lambda items: [submission_data(s) for s in items])


@router.get("/submissions/{int:submission_id}", response=DutySubmissionOut)
@scoped(Submission)
def submission_detail(request, submission_id: int):
    return submission_data(get_submission(request, submission_id))


@router.post("/submissions", response={201: DutySubmissionOut})
@scoped(Submission)
def submission_create(request, payload: SubmissionIn):
    """Submits a document or record towards the subject's obligation for the period containing
    ``occurred_on`` (or starting on ``period_start``)."""
    rule = get_rule(request, payload.rule)
    subjects = []
    if payload.organization is not None:
        subjects.append(get_org(request, payload.organization, CHANGE))
    if payload.person is not None:
        subjects.append(get_scoped(Person.objects, request.auth, CHANGE, pk=payload.person))
    if len(subjects) != 1:
        raise ValidationError(_("Name either an organization or a person."))
    subject = subjects[0]
    submission = run_service(request, services.submit, rule=rule, subject=subject, occurred_on=payload.occurred_on,
                             title=payload.title, body=payload.body, units=payload.units,
                             period_start=payload.period_start)
    return Status(201, submission_data(get_submission(request, submission.pk)))


@router.post("/submissions/{int:submission_id}/review", response=DutySubmissionOut)
@scoped(Submission)
def submission_review(request, submission_id: int, payload: DecisionIn):
    """The recipient accepts (it counts) or returns it for revision (it does not)."""
    submission = get_submission(request, submission_id)
    run_service(request, services.submission_review, submission=submission, accept=payload.accept,
                note=payload.note)
    return submission_data(get_submission(request, submission_id))


@router.post("/submissions/{int:submission_id}/approve", response=DutySubmissionOut)
@scoped(Submission)
def submission_approve(request, submission_id: int, payload: ApprovalIn):
    """Approves or refuses a record entered after its back-filling window."""
    submission = get_submission(request, submission_id)
    run_service(request, services.submission_approve, submission=submission, approve=payload.approve,
                note=payload.note)
    return submission_data(get_submission(request, submission_id))


# --- notices ----------------------------------------------------------------------------------------------------

@router.get("/notices", response=Page[DutyNoticeOut])
@scope_exempt("the caller's own notices only")
def notice_list(request, page: Query[PageParams], unread: bool = False):
    return paginate(selectors.notices(request.auth, unread=unread), page,
                    lambda items: [notice_data(notice) for notice in items])


@router.post("/notices/{int:notice_id}/read", response=DutyNoticeOut)
@scope_exempt("the caller's own notices only; another user's answers 404")
def notice_read(request, notice_id: int):
    notice = Notice.objects.filter(pk=notice_id, user=request.auth).first()
    if notice is None:
        raise Http404
    return notice_data(run_service(request, services.notice_mark_read, notice=notice))


# --- other engines' to-do items ---------------------------------------------------------------------------------

class DutyTodoItemOut(Schema):
    title: str
    url: str
    due_on: datetime.date | None = None
    kind: str
    source: str


@router.get("/todo/elsewhere", response=list[DutyTodoItemOut])
@scope_exempt("the caller's own to-do items; each registered source answers for the caller only")
def todo_elsewhere(request):
    """What other engines (kernel.core.todo sources: workflow stage deadlines, say) put on the caller's to-do list."""
    from .todo import todo_items

    return [{"title": item.title, "url": item.url, "due_on": item.due_on, "kind": item.kind,
             "source": str(item.source)} for item in todo_sources.collect(request.auth, clock.today(),
                                                                          exclude=(todo_items,))]


# --- the to-do list and reminders (催办) -------------------------------------------------------------------------

class DutyTodoOut(Schema):
    title: str
    url: str = Field(..., description="The page where the work is done.")
    due_on: datetime.date | None = None
    kind: str = Field(..., description="reminder, overdue, escalation, review, approval or open.")
    source: str = Field(..., description="The kind of work, a translated label (报告, 督办通知, …).")
    organization: str = Field(..., description="The organization (or person) that owes it.")
    state: str = Field(..., description="A short translated state.")
    action: str = Field(..., description="The label of the button that opens the page.")
    overdue_days: int = Field(..., description="Days past due_on; 0 when not overdue.")


def todo_data(item) -> dict:
    return {"title": str(item.title), "url": item.url, "due_on": item.due_on, "kind": item.kind,
            "source": str(item.source), "organization": str(item.organization), "state": str(item.state),
            "action": str(item.action), "overdue_days": item.overdue_days}


@router.get("/todo", response=Page[DutyTodoOut])
@scope_exempt("the caller's own to-do list; each registered source answers for the caller only, scoped")
def todo_list(request, page: Query[PageParams]):
    """Everything the caller's organizations owe or must decide, from every engine and mechanism, sorted by deadline
    (undated last): the to-do page's list."""
    items = todo_sources.collect(request.auth, clock.today())
    return paginate_rows(items, page, lambda rows: [todo_data(item) for item in rows])


class UrgingOut(Schema):
    id: int = Field(..., description="This delivery of the reminder to the caller (for /urgings/{id}/read).")
    message: str
    about: str
    sender: Ref = Field(..., description="The organization that sent it.")
    organization: Ref = Field(..., description="The caller's organization it was sent to.")
    sent_at: datetime.datetime
    read: bool
    read_at: datetime.datetime | None = None


def urging_data(recipient) -> dict:
    return {"id": recipient.pk, "message": recipient.urging.message, "about": recipient.urging.about,
            "sender": ref(recipient.urging.sender_org), "organization": ref(recipient.organization),
            "sent_at": recipient.urging.created_at, "read": recipient.read_at is not None,
            "read_at": recipient.read_at}


@router.get("/urgings", response=Page[UrgingOut])
@scope_exempt("the reminders sent to the caller only")
def urging_list(request, page: Query[PageParams], unread: bool = False):
    """The reminders (催办) the caller received: unread ones, and read ones of the last 30 days."""
    from . import urging

    rows = urging.received(request.auth, clock.today())
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return paginate(rows, page, lambda items: [urging_data(recipient) for recipient in items])


@router.post("/urgings/{int:urging_id}/read", response=UrgingOut)
@scope_exempt("the caller's own reminders only; another user's answers 404")
def urging_read(request, urging_id: int):
    from . import urging
    from .models import UrgingRecipient

    recipient = (UrgingRecipient.objects.filter(pk=urging_id, user=request.auth, urging__withdrawn_at__isnull=True)
                 .select_related("urging__sender_org", "organization").first())
    if recipient is None:
        raise Http404
    urging.mark_read(request.auth, recipient)
    return urging_data(recipient)


class UrgingSentOut(Schema):
    id: int
    message: str
    about: str
    sender: Ref = Field(..., description="The organization it was sent from.")
    sent_at: datetime.datetime
    recipients: int = Field(..., description="The users it was sent to.")
    read: int = Field(..., description="Of them, those who read it.")
    withdrawn_at: datetime.datetime | None = None
    can_withdraw: bool = Field(..., description="Nobody has read it and it is not withdrawn.")


def urging_sent_data(sent) -> dict:
    return {"id": sent.pk, "message": sent.message, "about": sent.about, "sender": ref(sent.sender_org),
            "sent_at": sent.created_at, "recipients": sent.recipient_count, "read": sent.read_count,
            "withdrawn_at": sent.withdrawn_at, "can_withdraw": sent.withdrawn_at is None and not sent.read_count}


@router.get("/urgings/sent", response=Page[UrgingSentOut])
@scope_exempt("the reminders the caller sent only")
def urging_sent_list(request, page: Query[PageParams]):
    from . import urging

    return paginate(urging.sent_by(request.auth), page, lambda items: [urging_sent_data(sent) for sent in items])


@router.post("/urgings/sent/{int:urging_id}/withdraw", response=UrgingSentOut)
@scope_exempt("the caller's own reminders only; another user's answers 404")
def urging_withdraw(request, urging_id: int):
    """Withdraws a reminder the caller sent, while none of its recipients has read it (422 after)."""
    from . import urging

    sent = urging.sent_by(request.auth).filter(pk=urging_id).first()
    if sent is None:
        raise Http404
    run_service(request, urging.withdraw, urging=sent)
    return urging_sent_data(urging.sent_by(request.auth).get(pk=urging_id))

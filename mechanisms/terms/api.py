"""Terms in the REST API: the register of current terms, an organization's terms with the holders at each change,
a term change (409 with the preview before an early one) and its withdrawal, and the table of term lengths.
Reads through ``restrict``; writes through the services, which check the caller's scope again. Outside the scope:
404."""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kernel.core import clock
from kernel.core.api import (
    In,
    NeedsConfirmationOut,
    Page,
    PageParams,
    Ref,
    choice,
    get_scoped,
    paginate,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.orgs.models import Domain, Organization
from kernel.people.models import Person

from . import selectors, services
from .models import HOLDER_TITLES, TERM_TYPES, How, Term, TermLength, TermStatus

router = Router(tags=["terms"])
TERM_TYPE_CHOICES = [(t.value, t.label) for t in TERM_TYPES]
MAX_MONTHS = 60
REGISTER_STATUSES = [(s.value, s.label) for s in (TermStatus.EXPIRED, TermStatus.EXPIRING, TermStatus.CURRENT)]


class TermHolderOut(Schema):
    title: str
    person_before: Ref | None
    name_before: str
    person_after: Ref | None
    name_after: str


class OrgTermOut(Schema):
    id: int
    organization: Ref
    number: int | None
    started_on: datetime.date
    years: int
    expires_on: datetime.date
    expiry_reason: str
    ended_on: datetime.date | None
    status: choice(TermStatus)
    how: choice(How)
    decision: str
    note: str
    reminder: int | None = Field(None, description="The reminder's obligation in the duties engine.")
    reminder_due_on: datetime.date | None
    reminder_state: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str
    holders: list[TermHolderOut]


class TermHolderIn(In):
    title: choice([(t.value, t.label) for t in HOLDER_TITLES])
    person_before: int | None = Field(None, description="Who held the post before (a person's id), or nobody.")
    person_after: int | None = Field(None, description="Who holds it after (a person's id), or nobody.")


class TermChangeIn(In):
    started_on: datetime.date
    number: int | None = Field(None, ge=1, le=999, description="Default: the one after the current term's.")
    how: choice(How) = How.ASSEMBLY
    decision: str = Field("", max_length=300)
    note: str = ""
    expires_on: datetime.date | None = Field(None, description="Default: by the term length in force.")
    expiry_reason: str = Field("", max_length=300)
    holders: list[TermHolderIn] | None = Field(None, description="Default: the posts held the day before and that "
                                                                 "day.")
    confirm: bool = Field(False, description="Before the current term's expiry: without it, 409 with the preview "
                                             "and nothing is written.")


class TermChangeHolderOut(Schema):
    title: str
    before: str
    after: str


class TermChangePreviewOut(NeedsConfirmationOut):
    organization: str
    started_on: str
    number: int | None
    expires_on: str
    holders: list[TermChangeHolderOut]
    effects: list[str]


class TermWithdrawIn(In):
    reason: str = Field(..., min_length=1, max_length=300)


class TermLengthOut(Schema):
    id: int
    owner: Ref
    org_type: choice(TERM_TYPE_CHOICES)
    domain: choice(Domain, blank=True)
    years: int
    effective_from: datetime.date
    note: str


class TermLengthIn(In):
    owner: int
    org_type: choice(TERM_TYPE_CHOICES)
    domain: choice(Domain, blank=True) = ""
    years: int = Field(..., ge=1, le=services.MAX_YEARS)
    effective_from: datetime.date
    note: str = Field(..., min_length=1, max_length=300)


def term_data(term: Term, today: datetime.date, months: int = selectors.MONTHS_AHEAD) -> dict:
    obligation = term.obligation if term.obligation_id else None
    return {"id": term.pk, "organization": ref(term.organization), "number": term.number,
            "started_on": term.started_on, "years": term.years, "expires_on": term.expires_on,
            "expiry_reason": term.expiry_reason, "ended_on": term.ended_on, "status": term.status(today, months),
            "how": term.how, "decision": term.decision, "note": term.note,
            "reminder": term.obligation_id, "reminder_due_on": obligation.due_on if obligation else None,
            "reminder_state": obligation.state if obligation else "",
            "withdrawn_on": term.withdrawn_on, "withdraw_reason": term.withdraw_reason,
            "holders": [{"title": h.title, "person_before": {"id": h.person_before_id, "name": h.name_before}
                         if h.person_before_id else None, "name_before": h.name_before,
                         "person_after": {"id": h.person_after_id, "name": h.name_after} if h.person_after_id
                         else None, "name_after": h.name_after} for h in term.holders.all()]}


def length_data(row: TermLength) -> dict:
    return {"id": row.pk, "owner": ref(row.owner), "org_type": row.org_type, "domain": row.domain, "years": row.years,
            "effective_from": row.effective_from, "note": row.note}


def _organization(request, organization_id: int, action: str = "view") -> Organization:
    return get_scoped(Organization.objects.filter(org_type__in=TERM_TYPES), request.auth, action, pk=organization_id)


@router.get("/terms", response=Page[OrgTermOut])
@scoped(Term)
def terms_list(request, page: Query[PageParams], under: int | None = None,
               status: choice(REGISTER_STATUSES, blank=True) = "", org_type: choice(TERM_TYPE_CHOICES, blank=True) = "",
               months: int = selectors.MONTHS_AHEAD):
    """The organizations' current terms, the soonest to expire first: expired (past the expiry without a term
    change), expiring within ``months``, or current; under an organization, of a type."""
    org = get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None
    today, months = clock.today(), min(max(months, 1), MAX_MONTHS)
    rows = selectors.register(request.auth, today=today, under=org, status=status, org_type=org_type, months=months)
    return paginate(rows.prefetch_related("holders"), page,
                    lambda items: [term_data(term, today, months) for term in items])


@router.get("/organizations/{organization_id}/terms", response=list[OrgTermOut])
@scoped(Term)
def organization_terms(request, organization_id: int):
    """The organization's terms, the latest first (withdrawn ones marked), each with the holders before and after
    for each post at the change that began it."""
    organization = _organization(request, organization_id)
    today = clock.today()
    return [term_data(term, today) for term in selectors.history(request.auth, organization)]


@router.post("/organizations/{organization_id}/terms", response={201: OrgTermOut, 409: TermChangePreviewOut})
@scoped(Term, CHANGE)
def term_change(request, organization_id: int, payload: TermChangeIn):
    """Records a term change: the current term ends that day and the next begins, with the holders before and after
    for each post. Before the current term's expiry it needs ``confirm: true``: without it, 409 with what it would
    do."""
    organization = _organization(request, organization_id, CHANGE)
    data = payload.model_dump(exclude={"holders"})
    holders = None
    if payload.holders is not None:
        ids = {pk for h in payload.holders for pk in (h.person_before, h.person_after) if pk is not None}
        people = Person.objects.restrict(request.auth).in_bulk(ids)
        if set(people) != ids:
            raise ValidationError({"holders": [_("Choose each holder from the people in your scope.")]})
        holders = [{"title": h.title, "before": people.get(h.person_before), "after": people.get(h.person_after)}
                   for h in payload.holders]
    try:
        term = run_service(request, services.term_change, organization=organization, holders=holders, **data)
    except services.NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, term_data(Term.objects.select_related("organization", "obligation").get(pk=term.pk),
                                 clock.today()))


@router.post("/terms/{term_id}/withdraw", response=OrgTermOut)
@scoped(Term, CHANGE)
def term_withdraw(request, term_id: int, payload: TermWithdrawIn):
    """Withdraws the organization's latest term change, recorded by mistake: the term before it is current again."""
    term = request.scoped.get(pk=term_id)
    term = run_service(request, services.term_withdraw, term=term, reason=payload.reason)
    return term_data(Term.objects.select_related("organization", "obligation").get(pk=term.pk), clock.today())


@router.get("/lengths", response=list[TermLengthOut])
@scoped(TermLength)
def lengths_list(request):
    """The tables of term lengths the caller works under, every row (a change adds a row in force from its day)."""
    return [length_data(row) for row in selectors.lengths(request.auth)]


@router.post("/lengths", response={201: TermLengthOut})
@scoped(TermLength, CHANGE)
def length_create(request, payload: TermLengthIn):
    """A new term length for the owner's organizations of a type and domain, in force from a day; terms already
    begun keep theirs. Only for those responsible for the owner."""
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    data = payload.model_dump(exclude={"owner"})
    return Status(201, length_data(run_service(request, services.length_set, owner=owner, **data)))

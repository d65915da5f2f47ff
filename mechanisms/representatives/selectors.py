"""Every read of the representatives' app, through ``restrict``: the register, the studios with their figures, the
idle studios, the proposals (overdue ones), and the headline figures the home panel and the pages share."""
import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q

from kernel.core.tree import subtree_q

from .models import (
    Activity,
    ActivityKind,
    Congress,
    Household,
    HouseholdRequest,
    Proposal,
    ProposalStatus,
    Representative,
    RepStatus,
    RequestState,
    Studio,
)
from .services import HOUSEHOLDS

IDLE_MONTHS = (1, 2, 3, 6)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def window_start(today: datetime.date, months: int) -> datetime.date:
    """The first day of the window of the last ``months`` calendar months, this one included."""
    return add_months(today.replace(day=1), 1 - months)


def congresses(user):
    return Congress.objects.restrict(user).select_related("organization")


def current_congress(user, today: datetime.date):
    return (congresses(user).filter(opened_on__lte=today, term_ends_on__gte=today).order_by("-opened_on").first()
            or congresses(user).order_by("-opened_on").first())


def _under(queryset, under, field: str = "org_path"):
    return queryset.filter(subtree_q(field, [under.path])) if under is not None else queryset


def register(user, *, congress=None, under=None, studio=None, status: str = "", q: str = ""):
    reps = (Representative.objects.restrict(user)
            .select_related("person", "congress", "constituency", "studio", "village")
            .annotate(household_count=Count("households", distinct=True)))
    if congress is not None:
        reps = reps.filter(congress=congress)
    if studio is not None:
        reps = reps.filter(studio=studio)
    if status:
        reps = reps.filter(status=status)
    if q:
        reps = reps.filter(person__name__contains=q)
    return _under(reps, under).order_by("org_path", "studio__name", "pk")


def studios(user, *, under=None, today: datetime.date):
    month_start = today.replace(day=1)
    in_office = Q(representatives__status=RepStatus.IN_OFFICE)
    return (_under(Studio.objects.restrict(user).select_related("organization", "leader__person"), under)
            .annotate(rep_count=Count("representatives", filter=in_office, distinct=True),
                      last_activity=Max("activities__occurred_on"),
                      month_activities=Count("activities", filter=Q(activities__occurred_on__gte=month_start,
                                                                   activities__occurred_on__lte=today),
                                             distinct=True))
            .order_by("org_path", "name"))


def idle_studios(user, *, under=None, today: datetime.date, months: int = 1):
    """Open studios with no activity recorded at them, nor by their representatives, in the last ``months`` months
    (this one included) up to ``today``."""
    since = window_start(today, months)
    recent = Activity.objects.filter(Q(studio=OuterRef("pk")) | Q(representative__studio=OuterRef("pk")),
                                     occurred_on__gte=since, occurred_on__lte=today)
    return (studios(user, under=under, today=today).filter(closed_on__isnull=True).exclude(Exists(recent)))


def proposals(user, *, under=None, status: str = "", overdue: bool = False, today: datetime.date, year=None):
    rows = Proposal.objects.restrict(user).select_related("representative__person", "representative__studio")
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(submitted_on__year=year)
    if overdue:
        rows = rows.filter(overdue_q(today))
    return _under(rows, under).order_by("-submitted_on", "-pk")


def overdue_q(today: datetime.date) -> Q:
    return (Q(status=ProposalStatus.ASSIGNED, deadline__lt=today, answered_on__isnull=True)
            | Q(answered_on__isnull=False, deadline__isnull=False, answered_on__gt=F("deadline")))


def requests(user, *, under=None, state: str = "", overdue: bool = False, today: datetime.date):
    rows = HouseholdRequest.objects.restrict(user).select_related("household", "representative__person")
    if state:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(state=RequestState.OPEN, deadline__lt=today)
    return _under(rows, under).order_by("-received_on", "-pk")


def figures(user, *, under=None, today: datetime.date, congress=None) -> dict:
    """The headline figures of the register, the studios and the proposals (each the count of a page's list)."""
    reps = register(user, under=under, congress=congress, status=RepStatus.IN_OFFICE)
    plain = _under(Representative.objects.restrict(user).filter(status=RepStatus.IN_OFFICE), under)
    if congress is not None:
        plain = plain.filter(congress=congress)
    full = Household.objects.filter(representative=OuterRef("pk")).values("representative").annotate(
        n=Count("pk")).filter(n__gte=HOUSEHOLDS).values("n")
    month_start = today.replace(day=1)
    attended = plain.filter(Exists(Activity.objects.filter(representative=OuterRef("pk"),
                                                           kind=ActivityKind.ACTIVITY_DAY,
                                                           occurred_on__gte=month_start, occurred_on__lte=today)))
    year_proposals = proposals(user, under=under, today=today, year=today.year)
    return {
        "representatives": reps.count(),
        "studios": _under(Studio.objects.restrict(user), under).count(),
        "with_village": plain.exclude(village=None).count(),
        "with_households": plain.filter(Exists(full)).count(),
        "households": _under(Household.objects.restrict(user), under).filter(
            representative__status=RepStatus.IN_OFFICE).count(),
        "attended_month": attended.count(),
        "proposals_year": year_proposals.count(),
        "answered_year": year_proposals.filter(status__in=[ProposalStatus.ANSWERED, ProposalStatus.CLOSED]).count(),
        "overdue": proposals(user, under=under, today=today, overdue=True).count(),
        "idle_studios": idle_studios(user, under=under, today=today).count(),
        "open_requests": requests(user, under=under, today=today, state=RequestState.OPEN).count(),
    }


def village_choices(user, congress):
    """The villages (and communities) under the congress's committee a representative can be linked to: active
    organizations directly under a township committee, with the township's name."""
    from kernel.orgs.models import Organization, OrgStatus, OrgType

    return (Organization.objects.restrict(user)
            .filter(subtree_q("path", [congress.org_path]), status=OrgStatus.ACTIVE,
                    org_type__in=[OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE],
                    parent__org_type=OrgType.PARTY_COMMITTEE, domain__in=["rural", "community"])
            .select_related("parent").order_by("path"))


def studio_choices(user, congress):
    return (Studio.objects.restrict(user).filter(subtree_q("org_path", [congress.org_path]), closed_on__isnull=True)
            .select_related("organization").order_by("org_path", "name"))


def ranking(user, assessment, congress, studio=None) -> dict:
    """The month's ranking as the page and its workbook show it: each representative of ``congress`` the user sees
    (of ``studio`` only, if given), with the points of each item, ordered by the overall rank (by the rank in the
    studio for one studio)."""
    from engines.standards.models import Item, ItemScore, Sheet, Tier

    reps = Representative.objects.restrict(user).filter(congress=congress)
    if studio is not None:
        reps = reps.filter(studio=studio)
    studio_of = dict(reps.values_list("person_id", "studio__name"))
    sheets = list(Sheet.objects.filter(assessment=assessment, person_id__in=list(studio_of))
                  .select_related("person").order_by("rank_class" if studio is not None else "rank_all", "pk"))
    items = list(Item.objects.filter(version_id=assessment.version_id).order_by("section__order", "order", "pk"))
    points: dict = {}
    for sheet_id, item_id, value in ItemScore.objects.filter(sheet__in=[s.pk for s in sheets]).values_list(
            "sheet_id", "item_id", "value"):
        points[(sheet_id, item_id)] = points.get((sheet_id, item_id), 0) + value
    tiers = dict(Tier.objects.filter(version_id=assessment.version_id).values_list("code", "name"))
    rows = [{"person": s.person, "studio": studio_of.get(s.person_id) or "", "total": s.total, "tier": s.tier,
             "tier_name": tiers.get(s.tier, s.tier), "rank_studio": s.rank_class, "rank_all": s.rank_all,
             "lagging": s.lagging, "points": [points.get((s.pk, item.pk)) for item in items]} for s in sheets]
    return {"assessment": assessment.pk, "period": assessment.period_label, "items": items, "rows": rows}

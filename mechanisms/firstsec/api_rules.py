"""First secretaries over the API, continued: each county's rules (attendance minimums — 22 days and 12 nights a
month in the village by default, pro-rated in a month spent partly in post — the back-filling window and the 末位淘汰 rule), read and changed, and the
month's attendance of every dispatch against the minimums its county sets.

Reads go through ``restrict`` and mechanisms.firstsec.selectors; the change goes through mechanisms.firstsec.services.rule_save.
A county outside the caller's scope answers 404 like a missing one.
"""
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema

from kernel.core.api import In, Ref, Year, get_scoped, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization, OrgType

from . import selectors, services
from .models import Dispatch, FirstsecRule
from .periods import month_label

router = Router(tags=["firstsec"])  # mounted by firstsec/api.py under /api/firstsec
MonthNumber = Annotated[int, Field(ge=1, le=12, description="A month, 1 to 12.")]


class FirstsecRuleOut(Schema):
    organization: Ref
    own: bool = Field(description="False when the county has set nothing and the defaults (or a higher "
                                  "organization's rules) apply.")
    min_days: int
    min_nights: int
    prorate: bool = Field(description="Whether a secretary in post for part of a month owes the minimums in "
                                      "proportion to his working days in post.")
    backfill_days: int
    elimination_months: int
    elimination_total_below: float | None
    elimination_satisfaction_below: float | None
    satisfaction_item: str


class FirstsecRuleIn(In):
    """Only the fields given change; ``null`` switches a threshold of the elimination rule off."""

    min_days: int | None = Field(None, ge=0, le=31)
    min_nights: int | None = Field(None, ge=0, le=31)
    prorate: bool | None = None
    backfill_days: int | None = Field(None, ge=0, le=31)
    elimination_months: int | None = Field(None, ge=1, le=12)
    elimination_total_below: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    elimination_satisfaction_below: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    satisfaction_item: str | None = Field(None, min_length=1, max_length=32)


class FirstsecAttendanceRowOut(Schema):
    dispatch: int
    person: Ref
    village: Ref
    township: Ref | None
    days: int
    nights: int
    min_days: int
    min_nights: int
    days_met: bool
    nights_met: bool
    compliant: bool
    pending: int = Field(description="Late check-ins still waiting for approval (not counted yet).")


class FirstsecAttendanceOut(Schema):
    month: str
    dispatches: int
    compliant: int
    rows: list[FirstsecAttendanceRowOut]


def _float(value):
    return None if value is None else float(value)


def rule_data(organization: Organization, rule: FirstsecRule) -> dict:
    return {"organization": ref(organization), "own": rule.pk is not None and rule.organization_id == organization.pk,
            "min_days": rule.min_days, "min_nights": rule.min_nights, "prorate": rule.prorate, "backfill_days": rule.backfill_days,
            "elimination_months": rule.elimination_months,
            "elimination_total_below": _float(rule.elimination_total_below),
            "elimination_satisfaction_below": _float(rule.elimination_satisfaction_below),
            "satisfaction_item": rule.satisfaction_item}


def _counties(user, action="view"):
    return Organization.objects.restrict(user, action).filter(org_type=OrgType.COMMITTEE, status="active")


@router.get("/rules", response=list[FirstsecRuleOut])
@scoped(FirstsecRule)
def rule_list(request):
    """The rules in force for each county (committee) the caller sees."""
    return [rule_data(county, services.rule_for(county)) for county in _counties(request.auth).order_by("path")]


@router.get("/rules/{int:org_id}", response=FirstsecRuleOut)
@scoped(FirstsecRule)
def rule_detail(request, org_id: int):
    """The rules in force for any organization: its own, or those of the nearest organization above it that has
    them (its county's), or the defaults."""
    organization = get_scoped(Organization.objects.all(), request.auth, pk=org_id)
    return rule_data(organization, services.rule_for(organization))


@router.put("/rules/{int:org_id}", response=FirstsecRuleOut)
@scoped(FirstsecRule)
def rule_update(request, org_id: int, payload: FirstsecRuleIn):
    """Changes the county's own rules (the fields given); 422 with the field when a value is refused."""
    county = get_scoped(_counties(request.auth, CHANGE), request.auth, CHANGE, pk=org_id)
    fields = payload.model_dump(exclude_unset=True)
    for name in ("min_days", "min_nights", "prorate", "backfill_days", "elimination_months", "satisfaction_item"):
        if name in fields and fields[name] is None:
            fields.pop(name)
    rule = run_service(request, services.rule_save, organization=county, **fields)
    return rule_data(county, rule)


@router.get("/attendance", response=FirstsecAttendanceOut)
@scoped(Dispatch)
def attendance(request, year: Year, month: MonthNumber, under: int | None = None):
    """Each dispatch serving in the month: days and nights in the village (check-ins in time or approved) against
    its county's minimums, as on the attendance page."""
    root = get_scoped(Organization.objects.all(), request.auth, pk=under) if under else None
    rows = selectors.month_attendance(request.auth, year=year, month=month, under=root)
    return {"month": month_label(year, month), "dispatches": len(rows),
            "compliant": sum(1 for row in rows if row["compliant"]),
            "rows": [{"dispatch": row["dispatch"].pk, "person": ref(row["dispatch"].person),
                      "village": ref(row["dispatch"].village), "township": ref(row["dispatch"].township),
                      "days": row["days"], "nights": row["nights"], "min_days": row["min_days"],
                      "min_nights": row["min_nights"], "days_met": row["days_met"], "nights_met": row["nights_met"],
                      "compliant": row["compliant"], "pending": row["pending"]} for row in rows]}

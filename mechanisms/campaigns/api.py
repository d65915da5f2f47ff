"""Campaigns over the API: campaigns and their stages, declarations, rater locks, cross-inspection teams, and the
naming decision with its preview and withdrawal.

Reads go through ``restrict``; writes through mechanisms.campaigns.services, which check the caller's scope again. An act
with consequences answers 409 ``confirmation_required`` with what it would do until it is sent with
``confirm: true``; a refusal answers 422 with its reason in ``message``.
"""
import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from engines.standards import documents
from engines.standards.api import StandardRef as StandardRefOut
from engines.standards.api import SubjectOut, standard_ref, subject_data
from engines.standards.models import Assessment, Sheet, Standard, TitleAward, TitleDecision
from kernel.core.api import In, NeedsConfirmationOut, Ref, Year, choice, get_scoped, ref, run_service, scoped
from kernel.core.pdf import pdf_file_responses, pdf_response, render_official
from kernel.core.scope import CHANGE, VIEW
from kernel.orgs.models import Organization

from . import selectors, services, years
from .models import Assignment, Campaign, InspectionTeam, StageKind, StageStatus

router = Router(tags=["campaigns"])


# --- schemas ----------------------------------------------------------------------------------------------------

class CampaignStageOut(Schema):
    kind: choice(StageKind)
    status: choice(StageStatus)
    opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None


class CampaignOut(Schema):
    id: int
    name: str
    year: int
    owner: Ref
    stages: list[CampaignStageOut]
    decision: int | None = Field(..., description="The naming decision in force, if any.")


class CampaignAssessmentOut(Schema):
    id: int
    name: str
    standard: StandardRefOut
    status: choice(Assessment.Status)
    locked_groups: list[str]
    computed_at: datetime.datetime | None
    sheets: int


class CampaignDetailOut(CampaignOut):
    assessments: list[CampaignAssessmentOut]
    decided_on: datetime.date | None
    decided_by: str
    decision_no: str


class CampaignCreateIn(In):
    owner: int
    name: str
    year: Year
    standards: list[int] = Field([], description="Standards (ids) assessed, each in its current version.")


class CampaignStageCloseIn(In):
    confirm: bool = Field(False, description="Close even though sheets lack a declaration or scores.")
    decided_on: datetime.date | None = Field(None, description="命名授牌 only: the decision's date.")
    decided_by: str = ""
    decision_no: str = ""


class StageGapOut(Schema):
    assessment: int
    sheet: int
    subject: SubjectOut
    undeclared: bool
    unscored: bool


class ConfirmationNeededOut(NeedsConfirmationOut):
    """The answer to an act that needs confirming: what it would do; send it again with ``confirm: true``."""

    counts: dict[str, int]
    sheets: list[StageGapOut] = []


class TierDeclareIn(In):
    tier: str = Field(..., description="The tier code sought; empty withdraws the declaration.")


class TierDeclarationOut(Schema):
    sheet: int
    subject: SubjectOut
    declared_tier: str


class InspectionTeamOut(Schema):
    id: int
    number: int
    township: Ref
    villages: int


class VillagesAssignIn(In):
    seed: int | None = Field(None, ge=0, description="The same seed gives the same assignment.")


class VillagesAssignedOut(Schema):
    villages: int
    teams: list[InspectionTeamOut]


class AssignmentMoveIn(In):
    team: int


class AssignmentOut(Schema):
    id: int
    organization: Ref
    team: int


class NamingLineOut(Schema):
    subject: SubjectOut
    sheet: int | None
    total: float | None
    reached: str = Field(..., description="The tier the result reached (its name), empty for none.")
    title: str
    tier: str
    reason: str = Field("", description="Why a title goes: failed, veto; not_assessed for a title kept unassessed.")


class NamingPlanOut(Schema):
    assessment: int
    name: str
    standard: StandardRefOut
    counts: dict[str, int]
    named: list[NamingLineOut]
    kept: list[NamingLineOut]
    not_assessed: list[NamingLineOut]
    revoked: list[NamingLineOut]


class NamingPreviewOut(Schema):
    counts: dict[str, int]
    assessments: list[NamingPlanOut]


class NamingDecisionIn(In):
    decided_on: datetime.date
    decided_by: str
    decision_no: str = ""
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview's counts.")


class DecisionAwardOut(Schema):
    id: int
    subject: SubjectOut
    title: str
    tier: str
    period_label: str
    status: choice(TitleAward.Status)


class NamingDecisionOut(Schema):
    id: int
    decision_no: str
    decided_on: datetime.date
    issued_by: str
    status: choice(TitleDecision.Status)
    assessments: list[int]
    campaigns: list[int]
    granted: list[DecisionAwardOut]
    revoked: list[DecisionAwardOut]
    withdraw_reason: str
    withdrawn_at: datetime.datetime | None


class DecisionWithdrawIn(In):
    reason: str


# --- data ---------------------------------------------------------------------------------------------------------

def stage_data(stage) -> dict:
    return {"kind": stage.kind, "status": stage.status, "opened_at": stage.opened_at, "closed_at": stage.closed_at}


def campaign_data(campaign: Campaign) -> dict:
    return {"id": campaign.pk, "name": campaign.name, "year": campaign.year, "owner": ref(campaign.owner),
            "stages": [stage_data(stage) for stage in selectors.stages(campaign)], "decision": campaign.decision_id}


def campaign_detail(campaign: Campaign) -> dict:
    assessments = campaign.assessments.select_related("version__standard").order_by("pk")
    return {**campaign_data(campaign), "decided_on": campaign.decided_on, "decided_by": campaign.decided_by,
            "decision_no": campaign.decision_no, "assessments": [
                {"id": a.pk, "name": a.name, "standard": standard_ref(a.version.standard), "status": a.status,
                 "locked_groups": a.locked_groups, "computed_at": a.computed_at, "sheets": a.sheets.count()}
                for a in assessments]}


def _subject(obj) -> dict:
    return subject_data(obj)


def line_data(line: dict) -> dict:
    award, tier = line.get("award"), line.get("tier")
    return {"subject": _subject(line["sheet"]), "sheet": line["sheet"].pk,
            "total": None if line["total"] is None else float(line["total"]), "reached": line["reached"],
            "title": award.title if award else (tier.title or tier.name), "tier": award.tier_code if award else tier.code,
            "reason": line.get("reason", "")}


def preview_data(preview: dict) -> dict:
    plans = []
    for plan in preview["plans"]:
        assessment = plan["assessment"]
        plans.append({
            "assessment": assessment.pk, "name": assessment.name, "standard": standard_ref(assessment.version.standard),
            "counts": {"granted": len(plan["grant"]), "kept": len(plan["keep"]),
                       "not_assessed": len(plan["not_assessed"]), "revoked": len(plan["revoke"]),
                       "unassessed_sheets": plan["unassessed"]},
            "named": [line_data(line) for line in plan["grant"]], "kept": [line_data(line) for line in plan["keep"]],
            "not_assessed": [line_data(line) for line in plan["not_assessed"]],
            "revoked": [line_data(line) for line in plan["revoke"]]})
    return {"counts": preview["counts"], "assessments": plans}


def award_data(award: TitleAward) -> dict:
    return {"id": award.pk, "subject": _subject(award), "title": award.title, "tier": award.tier_code,
            "period_label": award.period_label, "status": award.status}


def decision_data(request, decision: TitleDecision) -> dict:
    visible = TitleAward.objects.restrict(request.auth, VIEW).select_related("organization", "person").order_by(
        "org_path", "pk")
    return {"id": decision.pk, "decision_no": decision.decision_no, "decided_on": decision.decided_on,
            "issued_by": decision.issuer, "status": decision.status,
            "assessments": sorted(decision.assessments.values_list("pk", flat=True)),
            "campaigns": sorted(decision.campaigns.values_list("pk", flat=True)),
            "granted": [award_data(a) for a in visible.filter(granted_in=decision)],
            "revoked": [award_data(a) for a in visible.filter(revoked_in=decision)],
            "withdraw_reason": decision.withdraw_reason, "withdrawn_at": decision.withdrawn_at}


def gap_data(row: dict) -> dict:
    return {"assessment": row["assessment"].pk, "sheet": row["sheet"].pk, "subject": _subject(row["sheet"]),
            "undeclared": row["undeclared"], "unscored": row["unscored"]}


def needs_confirmation(exc: services.NeedsConfirmation):
    details = exc.details
    counts = {key: value for key, value in details.items() if isinstance(value, int)}
    return Status(409, {"code": "confirmation_required", "message": exc.messages[0], "counts": counts,
                        "sheets": [gap_data(row) for row in details.get("sheets", [])]})


def require_kind(kind: str) -> None:
    """A path's stage kind (declaration, evaluation, naming): any other is a missing page."""
    if kind not in StageKind.values:
        raise Http404


def get_campaign(request, campaign_id: int, action: str = VIEW) -> Campaign:
    return get_scoped(Campaign.objects.select_related("owner").prefetch_related("stages"), request.auth, action,
                      pk=campaign_id)


def teams_data(campaign: Campaign) -> list[dict]:
    return [{"id": team.pk, "number": team.number, "township": ref(team.township),
             "villages": team.assignments.count()}
            for team in InspectionTeam.objects.filter(campaign=campaign).select_related("township")]


class YearCountsOut(Schema):
    year: int
    subjects: int = Field(..., description="Assessed that year.")
    reached: int = Field(..., description="Reached the tier or a better one.")
    reached_percent: float | None = Field(..., description="达标率: reached of assessed, in percent.")
    named: int = Field(..., description="Newly named (a title of the tier or better) from that year's results.")
    held: int = Field(..., description="Assessed that year and holding a title of the tier or better after the "
                                      "year's naming (kept or newly named).")
    held_percent: float | None = Field(..., description="命名率: holding a title of assessed, in percent.")


class CampaignYearOut(YearCountsOut):
    assessment: int
    campaign: int
    target_percent: float | None = Field(..., description="The year's planned share of the tier, in percent.")


class TownshipYearsOut(Schema):
    township: Ref
    years: list[YearCountsOut]


class TierRefOut(Schema):
    code: str
    name: str
    level: int


class CampaignYearsOut(Schema):
    campaign: int
    owner: Ref
    standard: StandardRefOut | None
    standards: list[StandardRefOut]
    tier: TierRefOut | None
    tiers: list[TierRefOut]
    years: list[CampaignYearOut]
    townships: list[TownshipYearsOut]


def _number(value):
    return None if value is None else float(value)


def year_counts(row: dict) -> dict:
    return {"year": row["year"], "subjects": row["subjects"], "reached": row["reached"],
            "reached_percent": _number(row["reached_rate"]), "named": row["named"], "held": row["held"],
            "held_percent": _number(row["held_rate"])}


def tier_ref(tier) -> dict:
    return {"code": tier.code, "name": tier.name, "level": tier.level}


def years_data(data: dict) -> dict:
    campaign = data["campaign"]
    return {
        "campaign": campaign.pk, "owner": ref(campaign.owner),
        "standard": standard_ref(data["standard"]) if data["standard"] else None,
        "standards": [standard_ref(standard) for standard in data["standards"]],
        "tier": tier_ref(data["tier"]) if data["tier"] else None, "tiers": [tier_ref(t) for t in data["tiers"]],
        "years": [{**year_counts(row), "assessment": row["assessment"].pk, "campaign": row["assessment"].campaign_pk,
                   "target_percent": _number(row["target_rate"])} for row in data["years"]],
        "townships": [{"township": ref(row["org"]), "years": [year_counts(cell) for cell in row["cells"]]}
                      for row in data["townships"]],
    }


# --- campaigns ----------------------------------------------------------------------------------------------------

@router.get("", response=list[CampaignOut])
@scoped(Campaign)
def campaign_list(request, year: Year | None = None):
    campaigns = selectors.campaigns(request.auth)
    if year:
        campaigns = campaigns.filter(year=year)
    return [campaign_data(campaign) for campaign in campaigns]


@router.post("", response={201: CampaignDetailOut})
@scoped(Campaign)
def campaign_create(request, payload: CampaignCreateIn):
    """A campaign of a year run by an organization, with one yearly assessment per standard."""
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    standards = list(Standard.objects.restrict(request.auth, VIEW).filter(pk__in=payload.standards,
                                                                          current_version__isnull=False))
    if len(standards) != len(set(payload.standards)):
        raise Http404
    campaign = run_service(request, services.campaign_create, owner=owner, name=payload.name, year=payload.year,
                           versions=[standard.current_version for standard in standards])
    return Status(201, campaign_detail(get_campaign(request, campaign.pk)))


@router.get("/{int:campaign_id}", response=CampaignDetailOut)
@scoped(Campaign)
def campaign_detail_view(request, campaign_id: int):
    return campaign_detail(get_campaign(request, campaign_id))


@router.get("/{int:campaign_id}/years", response=CampaignYearsOut)
@scoped(Campaign)
def campaign_years(request, campaign_id: int, standard: str | None = None, tier: str | None = None):
    """The campaign's results across years (逐年对比) for one of its standards (code; default the first) and a tier
    (code; default the lowest): every year the owner ran the standard in a campaign, overall and per township — the
    same figures as the page /campaigns/{id}/years/ and its workbook."""
    campaign = get_campaign(request, campaign_id)
    return years_data(years.campaign_years(request.auth, campaign, standard, tier))


@router.post("/{int:campaign_id}/stages/{kind}/open", response=CampaignDetailOut)
@scoped(Campaign)
def stage_open(request, campaign_id: int, kind: str):
    campaign = get_campaign(request, campaign_id, CHANGE)
    require_kind(kind)
    run_service(request, services.stage_open, campaign=campaign, kind=kind)
    return campaign_detail(get_campaign(request, campaign_id))


@router.post("/{int:campaign_id}/stages/{kind}/close", response={200: CampaignDetailOut, 409: ConfirmationNeededOut})
@scoped(Campaign)
def stage_close(request, campaign_id: int, kind: str, payload: CampaignStageCloseIn):
    """Closes an open stage. While sheets lack a declaration or scores of the stage, the answer is 409 with their
    counts and the sheets; send ``confirm: true`` to close anyway. 命名授牌 is the naming decision (its preview:
    GET …/naming)."""
    campaign = get_campaign(request, campaign_id, CHANGE)
    require_kind(kind)
    try:
        run_service(request, services.stage_close, campaign=campaign, kind=kind, confirm=payload.confirm,
                    decided_on=payload.decided_on, decided_by=payload.decided_by, decision_no=payload.decision_no)
    except services.NeedsConfirmation as exc:
        return needs_confirmation(exc)
    return campaign_detail(get_campaign(request, campaign_id))


@router.post("/{int:campaign_id}/sheets/{int:sheet_id}/declaration", response=TierDeclarationOut)
@scoped(Sheet)
def sheet_declare(request, campaign_id: int, sheet_id: int, payload: TierDeclareIn):
    """The subject declares the tier it seeks (自查申报) while the declaration stage is open."""
    campaign = get_campaign(request, campaign_id)
    sheet = get_scoped(Sheet.objects.filter(assessment__campaigns=campaign).select_related("organization", "person"),
                       request.auth, CHANGE, pk=sheet_id)
    sheet = run_service(request, services.sheet_declare, campaign=campaign, sheet=sheet, tier_code=payload.tier)
    return {"sheet": sheet.pk, "subject": _subject(sheet), "declared_tier": sheet.declared_tier}


@router.post("/{int:campaign_id}/assessments/{int:assessment_id}/raters/{code}/{action}",
             response=CampaignAssessmentOut)
@scoped(Campaign)
def rater_lock(request, campaign_id: int, assessment_id: int, code: str, action: str):
    """Locks or unlocks one rater group's scores of one of the campaign's assessments."""
    campaign = get_campaign(request, campaign_id, CHANGE)
    assessment = Assessment.objects.filter(campaigns=campaign, pk=assessment_id).first()
    if assessment is None or action not in ("lock", "unlock"):
        raise Http404
    run_service(request, services.rater_set_locked, campaign=campaign, assessment=assessment, rater_code=code,
                locked=action == "lock")
    return next(a for a in campaign_detail(campaign)["assessments"] if a["id"] == assessment.pk)


# --- cross-inspection ---------------------------------------------------------------------------------------------

@router.get("/{int:campaign_id}/teams", response=list[InspectionTeamOut])
@scoped(InspectionTeam)
def team_list(request, campaign_id: int):
    campaign = get_campaign(request, campaign_id)
    teams = request.scoped().filter(campaign=campaign).select_related("township")
    return [{"id": t.pk, "number": t.number, "township": ref(t.township), "villages": t.assignments.count()}
            for t in teams]


@router.post("/{int:campaign_id}/teams/draw", response=list[InspectionTeamOut])
@scoped(InspectionTeam)
def teams_draw(request, campaign_id: int):
    """One team per township committee, drawn from its committee members; replaces the campaign's teams."""
    campaign = get_campaign(request, campaign_id, CHANGE)
    run_service(request, services.teams_draw, campaign=campaign)
    return teams_data(campaign)


@router.post("/{int:campaign_id}/teams/assign", response=VillagesAssignedOut)
@scoped(Assignment)
def villages_assign(request, campaign_id: int, payload: VillagesAssignIn):
    """Shares the villages among the teams (never a team's own township); the same seed, the same assignment."""
    campaign = get_campaign(request, campaign_id, CHANGE)
    count = run_service(request, services.villages_assign, campaign=campaign, seed=payload.seed)
    return {"villages": count, "teams": teams_data(campaign)}


@router.post("/assignments/{int:assignment_id}/move", response=AssignmentOut)
@scoped(Assignment)
def assignment_move(request, assignment_id: int, payload: AssignmentMoveIn):
    assignment = get_scoped(Assignment.objects.select_related("campaign"), request.auth, CHANGE, pk=assignment_id)
    team = InspectionTeam.objects.filter(campaign=assignment.campaign, pk=payload.team).first()
    if team is None:
        raise Http404
    assignment = run_service(request, services.assignment_move, assignment=assignment, team=team)
    return {"id": assignment.pk, "organization": ref(assignment.organization), "team": assignment.team_id}


# --- the naming decision ------------------------------------------------------------------------------------------

@router.get("/{int:campaign_id}/naming", response=NamingPreviewOut)
@scoped(Campaign)
def naming_preview(request, campaign_id: int):
    """What the naming decision would do: who is named, who keeps a title, who keeps one without being assessed,
    who loses one and why, with the counts."""
    campaign = get_campaign(request, campaign_id, CHANGE)
    return preview_data(services.naming_preview(campaign))


@router.post("/{int:campaign_id}/naming", response={201: NamingDecisionOut, 409: ConfirmationNeededOut})
@scoped(TitleDecision)
def naming_decide(request, campaign_id: int, payload: NamingDecisionIn):
    """The naming decision (命名授牌), one recorded act; without ``confirm: true`` the answer is 409 with the
    preview's counts and nothing is written."""
    campaign = get_campaign(request, campaign_id, CHANGE)
    try:
        decision = run_service(request, services.naming_decide, campaign=campaign, decided_on=payload.decided_on,
                               decided_by=payload.decided_by, decision_no=payload.decision_no,
                               confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return needs_confirmation(exc)
    return Status(201, decision_data(request, get_decision(request, decision.pk)))


def get_decision(request, decision_id: int, action: str = VIEW) -> TitleDecision:
    return get_scoped(TitleDecision.objects.all(), request.auth, action, pk=decision_id)


@router.get("/decisions/{int:decision_id}", response=NamingDecisionOut)
@scoped(TitleDecision)
def decision_detail(request, decision_id: int):
    return decision_data(request, get_decision(request, decision_id))


@router.post("/decisions/{int:decision_id}/withdraw", response=NamingDecisionOut)
@scoped(TitleDecision)
def decision_withdraw(request, decision_id: int, payload: DecisionWithdrawIn):
    """Withdraws the decision as a whole (撤销) with its reason: the titles it granted are marked withdrawn, those it
    removed are held again; a campaign's naming stage opens again. Twice is refused."""
    decision = get_decision(request, decision_id, CHANGE)
    run_service(request, services.naming_withdraw, decision=decision, reason=payload.reason)
    return decision_data(request, get_decision(request, decision_id))


@router.get("/decisions/{int:decision_id}/{kind}.pdf", response={200: str},
            openapi_extra=pdf_file_responses("The decision as an official document (PDF)."))
@scoped(TitleDecision)
def decision_pdf(request, decision_id: int, kind: str):
    """The decision as an official document (GB/T 9704): ``naming`` (命名决定, the titles it granted, by township) or
    ``removal`` (摘牌决定, the titles it removed and why; 404 when it removed none)."""
    if kind not in documents.DECISION_KINDS:
        raise Http404
    decision = get_scoped(TitleDecision.objects.select_related("owner"), request.auth, VIEW, pk=decision_id)
    context = documents.decision_document(decision, kind, TitleAward.objects.restrict(request.auth))
    if kind == "removal" and not context["rows"]:
        raise Http404
    data = render_official("standards/decision_pdf.html", context, request)
    return pdf_response(data, documents.decision_filename(decision, kind), attachment=True)

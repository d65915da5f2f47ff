"""Writes of campaigns: creation, the stages opened and closed by the county, cross-inspection teams.

Every function is keyword-only, takes ``user`` first, runs atomically and records its change. Scoring,
results and titles are the engine's (engines.standards.services); a stage only opens, locks and triggers them.
"""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.standards import naming
from engines.standards import services as engine
from engines.standards.models import Assessment, PeriodKind, RaterGroup, Sheet, StandardVersion, TitleDecision
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.people.choices import PostTitle
from kernel.people.models import Person, Post

from .balance import Unbalanceable, balanced_assignment
from .models import STAGE_ORDER, Assignment, Campaign, InspectionTeam, Stage, StageKind, StageStatus

# Whom a township sends on a cross-inspection team, first choice first (seed 001: 纪检组织委员).
INSPECTOR_POSTS = [PostTitle.DISCIPLINE_MEMBER, PostTitle.ORGANIZATION_MEMBER, PostTitle.DEPUTY_SECRETARY,
                   PostTitle.COMMITTEE_MEMBER, PostTitle.PROPAGANDA_MEMBER, PostTitle.SECRETARY]
TEAM_SIZE = 3



GAP_LIST_LIMIT = 200  # sheets listed by name when a stage closes with gaps; the counts are always whole


def _require_owner(user, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_in_scope(user, campaign.owner_path, realm="org")
    return campaign


def _rater_codes(assessment: Assessment) -> set:
    return set(RaterGroup.objects.filter(version_id=assessment.version_id).values_list("code", flat=True))


# Campaigns ---------------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, user, owner: Organization, name: str, year: int, versions=(),
                    self_rater: str = "self", inspector_rater: str = "inspectors") -> Campaign:
    """A campaign of ``year`` run by ``owner``, with one yearly assessment per standard version in ``versions``.

    Both rater groups start locked: each opens with its stage.
    """
    require_in_scope(user, owner.path, realm="org")
    if not name.strip():
        refuse(_("Give the campaign a name."), field="name")
    campaign = Campaign.objects.create(name=name.strip(), year=year, owner=owner, owner_path=owner.path,
                                       self_rater=self_rater, inspector_rater=inspector_rater,
                                       created_by=_user_or_none(user))
    Stage.objects.bulk_create([Stage(campaign=campaign, kind=kind) for kind in STAGE_ORDER])
    record_change(campaign, ChangeRecord.Action.CREATE)
    for version in versions:
        campaign_add_standard(user=user, campaign=campaign, version=version)
    return campaign


@transaction.atomic
def campaign_add_standard(*, user, campaign: Campaign, version: StandardVersion, subjects=None) -> Assessment:
    """Adds the assessment of one standard for the campaign's year (e.g. 五个好 for the village branches)."""
    campaign = _require_owner(user, campaign)
    if campaign.stages.exclude(status=StageStatus.PENDING).exists():
        refuse(_("Standards can be added only before the campaign's first stage opens."))
    year = campaign.year
    assessment = engine.assessment_create(
        user=user, version=version, owner=campaign.owner, name=f"{year}年{version.standard.name}",
        period_kind=PeriodKind.YEAR, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
        period_label=str(year), subjects=subjects,
    )
    for code in {campaign.self_rater, campaign.inspector_rater} & _rater_codes(assessment):
        engine.rater_lock(user=user, assessment=assessment, rater_code=code)
    campaign.assessments.add(assessment)
    record_change(campaign, ChangeRecord.Action.UPDATE,
                  message=_("Assessment added: %(name)s") % {"name": assessment.name})
    return assessment


def _stage_rater(campaign: Campaign, kind: str) -> str | None:
    return {StageKind.DECLARATION: campaign.self_rater, StageKind.EVALUATION: campaign.inspector_rater}.get(kind)


@transaction.atomic
def stage_open(*, user, campaign: Campaign, kind: str) -> Stage:
    """Opens a stage once every earlier one is closed; its rater group may score from now on."""
    campaign = _require_owner(user, campaign)
    stages = {stage.kind: stage for stage in Stage.objects.select_for_update().filter(campaign=campaign)}
    stage = stages[kind]
    if stage.status != StageStatus.PENDING:
        refuse(_("This stage has already been opened."))
    earlier = STAGE_ORDER[:STAGE_ORDER.index(kind)]
    if any(stages[k].status != StageStatus.CLOSED for k in earlier):
        refuse(_("The previous stage must be closed first."))
    rater = _stage_rater(campaign, kind)
    for assessment in campaign.assessments.all():
        if rater in _rater_codes(assessment):
            engine.rater_unlock(user=user, assessment=assessment, rater_code=rater)
    stage.status, stage.opened_at, stage.opened_by = StageStatus.OPEN, timezone.now(), _user_or_none(user)
    stage.save()
    record_change(campaign, ChangeRecord.Action.UPDATE,
                  message=_("Stage opened: %(stage)s") % {"stage": stage.get_kind_display()})
    return stage


def stage_gaps(campaign: Campaign, kind: str) -> dict:
    """The sheets a stage leaves without what it collects: 自查申报, those with no declared tier and those the
    self-assessment group did not score; 考核评定, those the inspectors did not score. Counts are whole, the
    list (``sheets``: assessment, sheet, undeclared, unscored) stops at GAP_LIST_LIMIT."""
    gaps = {"undeclared": 0, "unscored": 0, "sheets": []}
    if kind not in (StageKind.DECLARATION, StageKind.EVALUATION):
        return gaps
    rater = _stage_rater(campaign, kind)
    for assessment in campaign.assessments.select_related("version__standard").order_by("pk"):
        scored = (naming.scored_sheet_ids(assessment, [rater]) if rater in _rater_codes(assessment) else None)
        rows = Sheet.objects.filter(assessment=assessment).select_related("organization", "person").order_by(
            "org_path", "pk").only("pk", "declared_tier", "org_path", "organization__name", "person__name")
        for sheet in rows:
            undeclared = kind == StageKind.DECLARATION and not sheet.declared_tier
            unscored = scored is not None and sheet.pk not in scored
            if not (undeclared or unscored):
                continue
            gaps["undeclared"] += undeclared
            gaps["unscored"] += unscored
            if len(gaps["sheets"]) < GAP_LIST_LIMIT:
                gaps["sheets"].append({"assessment": assessment, "sheet": sheet, "undeclared": undeclared,
                                       "unscored": unscored})
    return gaps


def _require_stage(campaign: Campaign, kind: str, status: str, message: str) -> Stage:
    stage = Stage.objects.select_for_update().get(campaign=campaign, kind=kind)
    if stage.status != status:
        refuse(message, code="out_of_order")
    return stage


def _close(user, campaign: Campaign, stage: Stage) -> Stage:
    stage.status, stage.closed_at, stage.closed_by = StageStatus.CLOSED, timezone.now(), _user_or_none(user)
    stage.save()
    record_change(campaign, ChangeRecord.Action.UPDATE,
                  message=_("Stage closed: %(stage)s") % {"stage": stage.get_kind_display()})
    return stage


@transaction.atomic
def stage_close(*, user, campaign: Campaign, kind: str, decided_on: datetime.date | None = None,
                decided_by: str = "", decision_no: str = "", confirm: bool = False) -> Stage:
    """Closes an open stage and locks what it collected.

    自查申报: the self-assessments are locked. 考核评定: the inspectors' scores are locked and the results
    computed. Either, while sheets lack a declaration or scores, only with ``confirm`` (NeedsConfirmation carries
    the counts and the sheets). 命名授牌: the naming decision (naming_decide), always confirmed.
    """
    campaign = _require_owner(user, campaign)
    if kind == StageKind.NAMING:
        naming_decide(user=user, campaign=campaign, decided_on=decided_on, decided_by=decided_by,
                      decision_no=decision_no, confirm=confirm)
        return Stage.objects.get(campaign=campaign, kind=kind)
    stage = _require_stage(campaign, kind, StageStatus.OPEN, _("Only an open stage can be closed."))
    if not confirm:
        gaps = stage_gaps(campaign, kind)
        if gaps["undeclared"] or gaps["unscored"]:
            raise NeedsConfirmation(
                _("%(undeclared)s sheets have no declared tier and %(unscored)s have no scores of this stage; "
                  "confirm to close the stage anyway.") % gaps, gaps)
    rater = _stage_rater(campaign, kind)
    for assessment in campaign.assessments.all():
        if rater in _rater_codes(assessment):
            engine.rater_lock(user=user, assessment=assessment, rater_code=rater)
        if kind == StageKind.EVALUATION:
            engine.compute_results(user=user, assessment=assessment)
    return _close(user, campaign, stage)


def naming_preview(campaign: Campaign) -> dict:
    """What the naming decision would do for each of the campaign's assessments (engines.standards.naming.naming_plan),
    with the counts over all of them."""
    plans = [naming.naming_plan(assessment) for assessment in campaign.assessments.order_by("pk")]
    return {"plans": plans, "counts": naming.plan_counts(plans)}


@transaction.atomic
def naming_decide(*, user, campaign: Campaign, decided_on: datetime.date | None, decided_by: str,
                  decision_no: str = "", confirm: bool = False) -> TitleDecision:
    """The naming decision (命名授牌) of an open naming stage, once confirmed after its preview: one recorded
    act (standards.TitleDecision) over the campaign's assessments, which then close; the stage closes."""
    campaign = _require_owner(user, campaign)
    stage = _require_stage(campaign, StageKind.NAMING, StageStatus.OPEN,
                           _("The naming stage is not open: close the evaluation and open the naming stage first."))
    decided_by = (decided_by or "").strip()
    if decided_on is None or not decided_by:
        refuse(_("Name the deciding body and the date of the naming decision."), field="decided_by")
    assessments = list(campaign.assessments.order_by("pk"))
    if not assessments:
        refuse(_("This campaign assesses no standard: there is nothing to name."))
    if not confirm:
        raise NeedsConfirmation(_("Read the preview of the naming decision and confirm it."),
                                naming_preview(campaign)["counts"])
    decision = naming.title_decision_make(user=user, assessments=assessments, decided_on=decided_on,
                                          issuer=decided_by, decision_no=decision_no)
    for assessment in assessments:
        engine.assessment_close(user=user, assessment=assessment)
    before = snapshot(campaign)
    campaign.decision = decision
    campaign.decided_on, campaign.decided_by, campaign.decision_no = decided_on, decided_by, decision.decision_no
    campaign.save()
    record_change(campaign, ChangeRecord.Action.UPDATE, before=before)
    _close(user, campaign, stage)
    return decision


@transaction.atomic
def naming_withdraw(*, user, decision: TitleDecision, reason: str) -> TitleDecision:
    """Withdraws a naming decision as a whole (撤销, engines.standards.naming.title_decision_withdraw). A campaign whose
    decision it was has its naming stage open again and no decision: the results stay as they were (the
    assessments stay closed to scoring), and a new decision is made from a new preview."""
    decision = naming.title_decision_withdraw(user=user, decision=decision, reason=reason)
    for campaign in Campaign.objects.select_for_update().filter(decision=decision):
        before = snapshot(campaign)
        campaign.decision, campaign.decided_on, campaign.decided_by, campaign.decision_no = None, None, "", ""
        campaign.save()
        record_change(campaign, ChangeRecord.Action.UPDATE, before=before,
                      message=_("Naming decision withdrawn: the naming stage is open again."))
        stage = Stage.objects.select_for_update().get(campaign=campaign, kind=StageKind.NAMING)
        stage.status, stage.closed_at, stage.closed_by = StageStatus.OPEN, None, None
        stage.save()
    return decision


@transaction.atomic
def sheet_declare(*, user, campaign: Campaign, sheet: Sheet, tier_code: str) -> Sheet:
    """A subject's declaration (自查申报) of the tier it seeks, while the declaration stage is open."""
    if not campaign.assessments.filter(pk=sheet.assessment_id).exists():
        refuse(_("This sheet belongs to another campaign."))
    if not Stage.objects.filter(campaign=campaign, kind=StageKind.DECLARATION, status=StageStatus.OPEN).exists():
        refuse(_("Declarations are taken only while the self-assessment and declaration stage is open."),
               code="out_of_order")
    return engine.declare_tier(user=user, sheet=sheet, tier_code=tier_code)


@transaction.atomic
def rater_set_locked(*, user, campaign: Campaign, assessment: Assessment, rater_code: str,
                     locked: bool) -> Assessment:
    """Locks or unlocks one rater group of one of the campaign's assessments. A stage's own group (self-assessment,
    inspectors) opens only while its stage is open; nothing reopens once the campaign has named."""
    campaign = _require_owner(user, campaign)
    if not campaign.assessments.filter(pk=assessment.pk).exists():
        refuse(_("This assessment belongs to another campaign."))
    if assessment.status == Assessment.Status.CLOSED:
        refuse(_("The assessment is closed: its scores can no longer change."), code="out_of_order")
    if locked:
        return engine.rater_lock(user=user, assessment=assessment, rater_code=rater_code)
    for kind in (StageKind.DECLARATION, StageKind.EVALUATION):
        if rater_code == _stage_rater(campaign, kind) and not Stage.objects.filter(
                campaign=campaign, kind=kind, status=StageStatus.OPEN).exists():
            refuse(_("The scores of %(stage)s open only while that stage is open.") % {"stage": kind.label},
                   code="out_of_order")
    return engine.rater_unlock(user=user, assessment=assessment, rater_code=rater_code)


# Cross-inspection -------------------------------------------------------------------------------------------


def townships_of(owner: Organization):
    return Organization.objects.filter(parent=owner, org_type=OrgType.PARTY_COMMITTEE, domain="rural",
                                       status=OrgStatus.ACTIVE).order_by("path")


def committee_members(township: Organization, size: int = TEAM_SIZE) -> list[Person]:
    """People holding a post in the township committee itself, inspection posts first."""
    rank = {title: i for i, title in enumerate(INSPECTOR_POSTS)}
    posts = Post.objects.current().filter(organization=township).select_related("person").order_by("pk")
    chosen, seen = [], set()
    for post in sorted(posts, key=lambda p: rank.get(p.title, len(rank))):
        if post.person_id not in seen:
            seen.add(post.person_id)
            chosen.append(post.person)
    return chosen[:size]


def _require_teams_editable(campaign: Campaign) -> None:
    if campaign.stages.filter(kind=StageKind.EVALUATION, status=StageStatus.CLOSED).exists():
        refuse(_("The inspection is over: its teams can no longer change."))


@transaction.atomic
def teams_draw(*, user, campaign: Campaign, size: int = TEAM_SIZE) -> list[InspectionTeam]:
    """One team per township committee, drawn from its committee members; replaces the campaign's teams."""
    campaign = _require_owner(user, campaign)
    _require_teams_editable(campaign)
    Assignment.objects.filter(campaign=campaign).delete()
    InspectionTeam.objects.filter(campaign=campaign).delete()
    teams = []
    for township in townships_of(campaign.owner):
        members = committee_members(township, size)
        if not members:
            continue
        team = InspectionTeam.objects.create(campaign=campaign, number=len(teams) + 1, township=township,
                                             owner_path=campaign.owner_path)
        team.members.set(members)
        teams.append(team)
    record_change(campaign, ChangeRecord.Action.UPDATE,
                  message=_("%(count)s inspection teams drawn.") % {"count": len(teams)})
    return teams


def township_path(campaign: Campaign, path: str) -> str:
    """The path of the township (the owner's child) an organization lies in."""
    return path[: len(campaign.owner_path) + SEGMENT_WIDTH]


def inspected_villages(campaign: Campaign):
    """The village branches the campaign's assessments cover (all rural branches if it has none yet)."""
    branches = Organization.objects.filter(subtree_q("path", [campaign.owner_path]), org_type=OrgType.BRANCH,
                                           domain="rural", status=OrgStatus.ACTIVE)
    assessed = campaign.assessments.values_list("sheets__organization_id", flat=True)
    if campaign.assessments.exists():
        branches = branches.filter(pk__in=assessed)
    return branches.order_by("path")


@transaction.atomic
def villages_assign(*, user, campaign: Campaign, seed=None) -> int:
    """Shares the villages among the teams: never a team's own township, loads differing by one at most.
    The same seed gives the same assignment; it replaces the campaign's assignments."""
    campaign = _require_owner(user, campaign)
    _require_teams_editable(campaign)
    teams = list(campaign.teams.select_related("township"))
    villages = list(inspected_villages(campaign).only("pk", "path"))
    seed = campaign.pk if seed is None else seed
    try:
        chosen = balanced_assignment(
            [(v.pk, township_path(campaign, v.path)) for v in villages],
            [(t.pk, t.township.path) for t in teams], seed)
    except Unbalanceable:
        refuse(_("The villages cannot be shared evenly without a team inspecting its own township: "
                 "add teams or assign by hand."))
    Assignment.objects.filter(campaign=campaign).delete()
    Assignment.objects.bulk_create([
        Assignment(campaign=campaign, team_id=chosen[v.pk], organization=v, org_path=v.path) for v in villages])
    record_change(campaign, ChangeRecord.Action.UPDATE,
                  message=_("%(count)s villages assigned to inspection teams (seed %(seed)s).")
                  % {"count": len(villages), "seed": seed})
    return len(villages)


@transaction.atomic
def assignment_move(*, user, assignment: Assignment, team: InspectionTeam) -> Assignment:
    """Moves one village to another team of the same campaign, never to its own township's team."""
    assignment = Assignment.objects.select_related("campaign").select_for_update().get(pk=assignment.pk)
    campaign = _require_owner(user, assignment.campaign)
    _require_teams_editable(campaign)
    team = InspectionTeam.objects.select_related("township").get(pk=team.pk)
    if team.campaign_id != campaign.pk:
        refuse(_("That team belongs to another campaign."), field="team")
    if township_path(campaign, assignment.org_path) == team.township.path:
        refuse(_("A team never inspects its own township."), field="team")
    before = snapshot(assignment)
    assignment.team = team
    assignment.save()
    record_change(assignment, ChangeRecord.Action.UPDATE, before=before)
    return assignment

"""Writes of campaigns: creation, the stages opened and closed by the county, cross-inspection teams.

Every function is keyword-only, takes ``user`` first, runs atomically and records its change. Scoring,
results and titles are the engine's (standards.services); a stage only opens, locks and triggers them.
"""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changelog import record_change, snapshot
from core.models import ChangeRecord
from core.services import refuse, require_in_scope
from core.services import user_or_none as _user_or_none
from core.tree import SEGMENT_WIDTH, subtree_q
from orgs.models import Organization, OrgStatus, OrgType
from people.choices import PostTitle
from people.models import Person, Post
from standards import services as engine
from standards.models import Assessment, PeriodKind, RaterGroup, StandardVersion

from .balance import Unbalanceable, balanced_assignment
from .models import STAGE_ORDER, Assignment, Campaign, InspectionTeam, Stage, StageKind, StageStatus

# Whom a township sends on a cross-inspection team, first choice first (seed 001: 纪检组织委员).
INSPECTOR_POSTS = [PostTitle.DISCIPLINE_MEMBER, PostTitle.ORGANIZATION_MEMBER, PostTitle.DEPUTY_SECRETARY,
                   PostTitle.COMMITTEE_MEMBER, PostTitle.PROPAGANDA_MEMBER, PostTitle.SECRETARY]
TEAM_SIZE = 3



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


@transaction.atomic
def stage_close(*, user, campaign: Campaign, kind: str, decided_on: datetime.date | None = None,
                decided_by: str = "", decision_no: str = "") -> Stage:
    """Closes an open stage and locks what it collected.

    自查申报: the self-assessments are locked. 考核评定: the inspectors' scores are locked and the results
    computed. 命名授牌 (needs the decision: date, body, document number): titles granted from the results,
    those who fell below lose theirs, and the assessments close.
    """
    campaign = _require_owner(user, campaign)
    stage = Stage.objects.select_for_update().get(campaign=campaign, kind=kind)
    if stage.status != StageStatus.OPEN:
        refuse(_("Only an open stage can be closed."))
    assessments = list(campaign.assessments.all())
    if kind == StageKind.NAMING:
        if decided_on is None or not decided_by.strip():
            refuse(_("Name the deciding body and the date of the naming decision."), field="decided_by")
        for assessment in assessments:
            engine.titles_from_results(user=user, assessment=assessment, granted_on=decided_on,
                                       granted_by=decided_by.strip(), decision_no=decision_no.strip())
            engine.assessment_close(user=user, assessment=assessment)
        before = snapshot(campaign)
        campaign.decided_on, campaign.decided_by, campaign.decision_no = decided_on, decided_by.strip(), decision_no
        campaign.save()
        record_change(campaign, ChangeRecord.Action.UPDATE, before=before)
    else:
        rater = _stage_rater(campaign, kind)
        for assessment in assessments:
            if rater in _rater_codes(assessment):
                engine.rater_lock(user=user, assessment=assessment, rater_code=rater)
            if kind == StageKind.EVALUATION:
                engine.compute_results(user=user, assessment=assessment)
    stage.status, stage.closed_at, stage.closed_by = StageStatus.CLOSED, timezone.now(), _user_or_none(user)
    stage.save()
    record_change(campaign, ChangeRecord.Action.UPDATE,
                  message=_("Stage closed: %(stage)s") % {"stage": stage.get_kind_display()})
    return stage


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

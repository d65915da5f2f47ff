"""Writes of grading and upgrading: schemes, grades (by hand, proposed, confirmed), support teams, plans.

Every function is keyword-only, takes ``user`` first, runs atomically, checks the scope and records its
change. A plan's stages move only through the workflow engine (workflows.services); the plan's problems
and measures are mirrored into the case's data so that the stage gates can see them.
"""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changelog import record_change
from core.models import ChangeRecord
from core.services import refuse, require_in_scope
from core.services import user_or_none as _user_or_none
from core.tree import ancestor_paths
from orgs.models import Organization, OrgType
from people.choices import PostTitle
from people.models import Person, Post

from . import proposals
from .balance import OverLoad, spread
from .models import (
    Grade,
    GradeLevel,
    GradeScheme,
    Measure,
    Plan,
    PoolMember,
    PoolRole,
    Problem,
    Round,
    SupportTeam,
    Upgrading,
    Visit,
)

WORKFLOW_CODE = "rectification-plan"
DEFAULT_LEVELS = [("advanced", "先进", 4, False), ("good", "较好", 3, False), ("average", "一般", 2, False),
                  ("lagging", "后进", 1, True)]



def _owner_of(user, upgrading: Upgrading) -> Upgrading:
    require_in_scope(user, upgrading.owner_path, realm="org")
    return upgrading


# Schemes and years ---------------------------------------------------------------------------------------------


@transaction.atomic
def scheme_create(*, user, owner: Organization, name: str, levels=DEFAULT_LEVELS, rules=None) -> GradeScheme:
    """A grade scheme: ``levels`` as (code, name, level, lagging); at least one must be lagging."""
    require_in_scope(user, owner.path, realm="org")
    if not any(lagging for *_rest, lagging in levels):
        refuse(_("A grade scheme needs a lagging grade."), field="levels")
    scheme = GradeScheme.objects.create(name=name, owner=owner, owner_path=owner.path, rules=rules or {})
    GradeLevel.objects.bulk_create([GradeLevel(scheme=scheme, code=code, name=label, level=level, lagging=lagging)
                                    for code, label, level, lagging in levels])
    record_change(scheme, ChangeRecord.Action.CREATE)
    return scheme


@transaction.atomic
def upgrading_create(*, user, scheme: GradeScheme, owner: Organization, year: int, deadline: datetime.date = None,
                     name: str = "", max_load: int = 3) -> Upgrading:
    require_in_scope(user, owner.path, realm="org")
    upgrading = Upgrading.objects.create(
        name=name or f"{year}年分类定级晋位升级", year=year, scheme=scheme, owner=owner, owner_path=owner.path,
        deadline=deadline or datetime.date(year, 10, 31), max_load=max_load)
    record_change(upgrading, ChangeRecord.Action.CREATE)
    return upgrading


# Grades --------------------------------------------------------------------------------------------------------


def _level(upgrading: Upgrading, code: str) -> GradeLevel:
    level = GradeLevel.objects.filter(scheme_id=upgrading.scheme_id, code=code).first()
    if level is None:
        refuse(_("No such grade in the scheme."), field="level")
    return level


@transaction.atomic
def grade_set(*, user, upgrading: Upgrading, organization: Organization, level: str, reason: str,
              weak_lax: bool = False, round: str = Round.INITIAL) -> Grade:
    """A grade set by hand, with its reason; confirmed at once by whoever sets it."""
    require_in_scope(user, organization.path, realm="org")
    if not organization.path.startswith(upgrading.owner_path):
        refuse(_("The organization is not graded in this campaign."))
    if not reason.strip():
        refuse(_("Give the reason for the grade."), field="reason")
    grade_level = _level(upgrading, level)
    if weak_lax and not grade_level.lagging:
        refuse(_("Only a lagging organization can be marked weak and lax."), field="weak_lax")
    grade, created = Grade.objects.update_or_create(
        upgrading=upgrading, organization=organization, round=round,
        defaults={"org_path": organization.path, "year": upgrading.year, "level": grade_level, "weak_lax": weak_lax,
                  "source": Grade.Source.HAND, "reasons": [{"code": "hand", "text": reason.strip()}],
                  "confirmed_by": _user_or_none(user), "confirmed_on": timezone.localdate()})
    record_change(grade, ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE)
    return grade


@transaction.atomic
def grades_propose(*, user, upgrading: Upgrading, round: str = Round.INITIAL, on=None) -> int:
    """Proposals from data for the whole campaign (grading/proposals.py); hand-set and confirmed grades stay."""
    _owner_of(user, upgrading)
    return proposals.propose(upgrading, round=round, on=on)


@transaction.atomic
def grades_confirm(*, user, upgrading: Upgrading, grades=None, round: str = Round.INITIAL, on=None) -> int:
    """The county confirms proposals: those given (one by one), or every open one of the round (in bulk)."""
    _owner_of(user, upgrading)
    rows = Grade.objects.filter(upgrading=upgrading, round=round, confirmed_on=None)
    if grades is not None:
        rows = rows.filter(pk__in=[getattr(grade, "pk", grade) for grade in grades])
    return rows.update(confirmed_by=_user_or_none(user), confirmed_on=on or timezone.localdate(),
                       updated_at=timezone.now())


# Support teams ("3+1") -----------------------------------------------------------------------------------------


@transaction.atomic
def pool_add(*, user, upgrading: Upgrading, role: str, person: Person) -> PoolMember:
    _owner_of(user, upgrading)
    if role not in PoolRole.values:
        refuse(_("Unknown role."), field="role")
    member, _created = PoolMember.objects.get_or_create(upgrading=upgrading, role=role, person=person,
                                                        defaults={"owner_path": upgrading.owner_path})
    return member


def lagging_organizations(upgrading: Upgrading, round: str = Round.INITIAL):
    return Organization.objects.filter(pk__in=Grade.objects.filter(
        upgrading=upgrading, round=round, level__lagging=True).exclude(confirmed_on=None).values("organization_id"))


def committee_secretary(organization: Organization, on=None):
    """The current secretary of the organization's own party (work) committee: its nearest such ancestor."""
    committee = (Organization.objects.filter(path__in=ancestor_paths(organization.path),
                                             org_type=OrgType.PARTY_COMMITTEE).order_by("-path").first())
    if committee is None:
        return None
    post = (Post.objects.current(on).filter(organization=committee, title=PostTitle.SECRETARY)
            .select_related("person").order_by("started_on", "pk").first())
    return post.person if post else None


def _loads(upgrading: Upgrading, field: str) -> dict:
    loads = {}
    for person_id in SupportTeam.objects.filter(upgrading=upgrading).values_list(f"{field}_id", flat=True):
        loads[person_id] = loads.get(person_id, 0) + 1
    return loads


def _check_load(upgrading: Upgrading, field: str, person: Person, team: SupportTeam | None) -> None:
    load = SupportTeam.objects.filter(upgrading=upgrading, **{field: person}).exclude(
        pk=getattr(team, "pk", None)).count()
    if load >= upgrading.max_load:
        refuse(_("%(name)s already supports %(count)s organizations, the most allowed.")
               % {"name": person.name, "count": load}, field=field)


@transaction.atomic
def team_set(*, user, upgrading: Upgrading, organization: Organization, county_leader: Person,
             committee_secretary: Person, cadre: Person) -> SupportTeam:
    """A team assigned by hand; the county leader and the cadre must come from the pool, within the load cap."""
    _owner_of(user, upgrading)
    require_in_scope(user, organization.path, realm="org")
    if not lagging_organizations(upgrading).filter(pk=organization.pk).exists():
        refuse(_("Only a lagging organization gets a support team."))
    pools = set(PoolMember.objects.filter(upgrading=upgrading).values_list("role", "person_id"))
    if (PoolRole.COUNTY_LEADER, county_leader.pk) not in pools:
        refuse(_("Choose the county-level leader from the pool."), field="county_leader")
    if (PoolRole.CADRE, cadre.pk) not in pools:
        refuse(_("Choose the organization cadre from the pool."), field="cadre")
    team = SupportTeam.objects.filter(upgrading=upgrading, organization=organization).first()
    _check_load(upgrading, "county_leader", county_leader, team)
    _check_load(upgrading, "cadre", cadre, team)
    team, created = SupportTeam.objects.update_or_create(
        upgrading=upgrading, organization=organization,
        defaults={"org_path": organization.path, "county_leader": county_leader,
                  "committee_secretary": committee_secretary, "cadre": cadre})
    record_change(team, ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE)
    return team


@transaction.atomic
def teams_propose(*, user, upgrading: Upgrading, on=None) -> list[SupportTeam]:
    """A team for every lagging organization that has none: its committee's secretary, and a county leader and a
    cadre from the pools spread evenly on top of the teams already there (balance.spread)."""
    _owner_of(user, upgrading)
    organizations = list(lagging_organizations(upgrading).exclude(
        pk__in=SupportTeam.objects.filter(upgrading=upgrading).values("organization_id")).order_by("path"))
    if not organizations:
        return []
    secretaries = {org.pk: committee_secretary(org, on) for org in organizations}
    missing = [org.name for org in organizations if secretaries[org.pk] is None]
    if missing:
        refuse(_("No party (work) committee secretary on record for: %(names)s") % {"names": "、".join(missing)})
    pools = {role: list(PoolMember.objects.filter(upgrading=upgrading, role=role).order_by("pk")
                        .values_list("person_id", flat=True)) for role in PoolRole.values}
    try:
        leaders = spread([org.pk for org in organizations], pools[PoolRole.COUNTY_LEADER], cap=upgrading.max_load,
                         loads=_loads(upgrading, "county_leader"))
        cadres = spread([org.pk for org in organizations], pools[PoolRole.CADRE], cap=upgrading.max_load,
                        loads=_loads(upgrading, "cadre"))
    except OverLoad:
        refuse(_("The pools are too small: with at most %(cap)s organizations each, they cannot support all "
                 "%(count)s lagging organizations.") % {"cap": upgrading.max_load, "count": len(organizations)})
    teams = SupportTeam.objects.bulk_create([SupportTeam(
        upgrading=upgrading, organization=org, org_path=org.path, county_leader_id=leaders[org.pk],
        committee_secretary=secretaries[org.pk], cadre_id=cadres[org.pk]) for org in organizations])
    for team in teams:
        record_change(team, ChangeRecord.Action.CREATE)
    return teams


# Rectification plans (三定一帮) ----------------------------------------------------------------------------------


def _engine():
    from workflows import services as engine

    return engine


def rectification_workflow():
    from workflows.models import Workflow

    workflow = Workflow.objects.filter(code=WORKFLOW_CODE).first()
    if workflow is None:
        refuse(_("The rectification plan workflow is not installed (manage.py install_grading)."))
    return workflow


@transaction.atomic
def plan_open(*, user, upgrading: Upgrading, organization: Organization, target: str = "", today=None) -> Plan:
    require_in_scope(user, organization.path, realm="org")
    if not lagging_organizations(upgrading).filter(pk=organization.pk).exists():
        refuse(_("Only a lagging organization has a rectification plan."))
    if Plan.objects.filter(upgrading=upgrading, organization=organization).exists():
        refuse(_("This organization already has a plan."))
    case = _engine().case_open(user=user, workflow=rectification_workflow(), organization=organization,
                               title=f"{organization.name} · 整改方案", data={}, today=today)
    plan = Plan.objects.create(upgrading=upgrading, organization=organization, org_path=organization.path,
                               case=case, target=target or _("Upgraded by %(date)s") % {"date": upgrading.deadline})
    record_change(plan, ChangeRecord.Action.CREATE)
    return plan


def _mirror(user, plan: Plan) -> None:
    """The plan's problems and measures as the case's data: the gates require them filled (and all done)."""
    case = plan.case
    if case is None or case.status != "open":
        return
    measures = list(plan.measures.all())
    data = {"problems": [problem.description for problem in plan.problems.all()],
            "measures": [measure.content for measure in measures],
            "measures_done": "yes" if measures and all(m.done_on for m in measures) else ""}
    if all(case.data.get(key) == value for key, value in data.items()):
        return
    plan.case = _engine().case_update(user=user, case=case, data=data)


def _plan_for_change(user, plan: Plan) -> Plan:
    require_in_scope(user, plan.org_path, realm="org")
    return plan


@transaction.atomic
def problem_add(*, user, plan: Plan, line: str, kind: str, description: str) -> Problem:
    _plan_for_change(user, plan)
    if not description.strip():
        refuse(_("Describe the problem."), field="description")
    problem = Problem.objects.create(plan=plan, line=line, kind=kind, description=description.strip())
    problem.full_clean()
    _mirror(user, plan)
    return problem


@transaction.atomic
def measure_add(*, user, plan: Plan, content: str, owner: str, deadline: datetime.date) -> Measure:
    _plan_for_change(user, plan)
    if not content.strip() or not owner.strip():
        refuse(_("A measure needs its content and who is responsible."))
    measure = Measure.objects.create(plan=plan, content=content.strip(), owner=owner.strip(), deadline=deadline)
    _mirror(user, plan)
    return measure


@transaction.atomic
def measure_progress(*, user, measure: Measure, progress: int, on=None) -> Measure:
    """Progress in percent; 100 marks it done on ``on`` (today by default)."""
    _plan_for_change(user, measure.plan)
    if not 0 <= progress <= 100:
        refuse(_("Progress is a percentage from 0 to 100."), field="progress")
    measure.progress = progress
    measure.done_on = (measure.done_on or on or timezone.localdate()) if progress == 100 else None
    measure.save(update_fields=["progress", "done_on"])
    _mirror(user, measure.plan)
    return measure


@transaction.atomic
def visit_add(*, user, plan: Plan, on: datetime.date, visitors: str, note: str = "") -> Visit:
    _plan_for_change(user, plan)
    if not visitors.strip():
        refuse(_("Name who came."), field="visitors")
    return Visit.objects.create(plan=plan, on=on, visitors=visitors.strip(), note=note.strip(),
                                recorded_by=_user_or_none(user))


def plan_advance(*, user, plan: Plan, comment: str = "", today=None):
    return _engine().case_advance(user=user, case=plan.case, comment=comment, today=today)


def plan_approve(*, user, plan: Plan, comment: str = "", today=None):
    return _engine().case_approve(user=user, case=plan.case, comment=comment, today=today)


def plan_return(*, user, plan: Plan, to_stage: str, comment: str, today=None):
    return _engine().case_return(user=user, case=plan.case, to_stage=to_stage, comment=comment, today=today)

"""Writes of grading and upgrading: schemes, grades (by hand, proposed, confirmed), support teams, plans.

Every function is keyword-only, takes ``user`` first, runs atomically, checks the scope and records its
change. A plan's stages move only through the workflow engine (engines.workflows.services); the plan's problems
and measures are mirrored into the case's data so that the stage gates can see them.

Gates. An organization is **held** in a campaign once its initial grade is confirmed lagging and until its
rectification plan reaches its final stage (验收 passed, 销号); a plan cancelled before that leaves it held
for the re-grading. A write **lifts** an organization when the grade it writes for it, in either round, is
better than the lagging grade it holds (a higher level) or drops the 软弱涣散 mark that grade carries. While
held, an organization is lifted by nothing but its plan's acceptance, which writes its re-grade; every other
write that would lift it is refused whole, naming the plan and the stage it is at (``lift_refusals``):

=============================  ===================================  =============================================
irreversible step              who, on which path                   what must hold
=============================  ===================================  =============================================
grade confirmed                ``grade_set`` (grade API, grades     in the writer's change scope; a reason; the
(``confirmed_on`` set; a       page form), ``grades_set_bulk``      grade one of the scheme's; 软弱涣散 only with a
confirmed grade is never a     (workbook through the page, the API  lagging grade; and no lift of a held
proposal again)                and ``import_grades``),              organization in the regrade round; in the
                               ``grades_confirm`` (page, API)       initial round none while its plan is open
support team assigned          ``team_set``, ``teams_propose``      a confirmed lagging initial grade; the pool;
                                                                    the load cap
plan opened (a workflow case)  ``plan_open``                        a confirmed lagging initial grade; one plan
stage left (a transition       ``plan_advance`` (the engine)        the stage's gate: problems and measures
that cannot be undone)                                              filled, every measure done, the county's
                                                                    approvals of 审批 and 验收
plan accepted (销号: the case  ``plan_advance`` out of 验收, by     the 验收 gate; then the re-grade is written:
closed)                        the county                           the lowest grade above lagging, without
                                                                    软弱涣散, confirmed (source ``plan``); a better
                                                                    one is a later ``grade_set`` with its reason
=============================  ===================================  =============================================

A measure's deadline is reminded and declared overdue by the daily run (grading/reminders.py).
"""
import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.actor import current_actor
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.tree import ancestor_paths
from kernel.orgs.models import Organization, OrgType
from kernel.people.choices import PostTitle
from kernel.people.models import Person, Post

from . import proposals
from .balance import OverLoad, spread
from .models import (
    Grade,
    GradeConfirmation,
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
                     name: str = "", max_load: int = 3, measure_remind_days: int = 3) -> Upgrading:
    require_in_scope(user, owner.path, realm="org")
    upgrading = Upgrading.objects.create(
        name=name or f"{year}年分类定级晋位升级", year=year, scheme=scheme, owner=owner, owner_path=owner.path,
        deadline=deadline or datetime.date(year, 10, 31), max_load=max_load, measure_remind_days=measure_remind_days)
    record_change(upgrading, ChangeRecord.Action.CREATE)
    return upgrading


# Grades --------------------------------------------------------------------------------------------------------


def _grade_problems(upgrading: Upgrading, path: str, level: GradeLevel | None, *, weak_lax: bool, reason: str,
                    reason_needed: bool = True) -> list[tuple[str | None, str]]:
    """What is wrong with a grade set by hand, as (field, message): the rules of grade_set and grades_set_bulk."""
    problems = []
    if not path.startswith(upgrading.owner_path):
        problems.append((None, _("The organization is not graded in this campaign.")))
    if reason_needed and not reason.strip():
        problems.append(("reason", _("Give the reason for the grade.")))
    if level is None:
        problems.append(("level", _("No such grade in the scheme.")))
    elif weak_lax and not level.lagging:
        problems.append(("weak_lax", _("Only a lagging organization can be marked weak and lax.")))
    return problems


def _held(upgrading: Upgrading, round: str, organization_ids) -> dict:
    """{organization id: (its confirmed lagging initial grade, its plan or None)} of the organizations among
    ``organization_ids`` held lagging for a write in ``round`` (see the module's docstring)."""
    initial = {grade.organization_id: grade for grade in Grade.objects.filter(
        upgrading=upgrading, round=Round.INITIAL, level__lagging=True, organization_id__in=organization_ids)
        .exclude(confirmed_on=None).select_related("level")}
    if not initial:
        return {}
    plans = {plan.organization_id: plan for plan in Plan.objects.filter(
        upgrading=upgrading, organization_id__in=initial).select_related("organization", "upgrading", "case")}
    held = {}
    for org_id, grade in initial.items():
        plan = plans.get(org_id)
        status = plan.case.status if plan is not None and plan.case is not None else None
        if status == "closed":
            continue
        if round == Round.INITIAL and status != "open":
            continue  # no plan under way: the initial grade may still be corrected
        held[org_id] = (grade, plan)
    return held


def _lifts(held_grade: Grade, level: GradeLevel, weak_lax: bool) -> bool:
    return level.level > held_grade.level.level or (held_grade.weak_lax and not weak_lax)


def _stage_name(plan: Plan) -> str:
    from engines.workflows.models import StageDef

    stage = StageDef.objects.filter(version_id=plan.case.version_id, code=plan.case.stage).first()
    return stage.name if stage else plan.case.stage


def _lift_refusal(organization_name: str, plan: Plan | None) -> str:
    if plan is None or plan.case is None:
        return _("%(organization)s is lagging and has no rectification plan under way: only its plan's acceptance "
                 "(验收) lifts it.") % {"organization": organization_name}
    return _("%(organization)s is lagging: its rectification plan “%(plan)s” is at the stage “%(stage)s”; only "
             "the plan's acceptance (验收) lifts it.") % {"organization": organization_name, "plan": plan,
                                                       "stage": _stage_name(plan)}


def lift_refusals(upgrading: Upgrading, round: str, wanted) -> dict:
    """{organization id: the refusal} for each of ``wanted`` — (organization id, grade level, 软弱涣散) — that
    would lift a held organization; empty when every one may be written."""
    wanted = [(org_id, level, weak) for org_id, level, weak in wanted if level is not None]
    held = _held(upgrading, round, {org_id for org_id, _level, _weak in wanted})
    refusals = {}
    for org_id, level, weak in wanted:
        if org_id in held and _lifts(held[org_id][0], level, weak):
            grade, plan = held[org_id]
            refusals[org_id] = _lift_refusal(grade.organization.name, plan)
    return refusals


@transaction.atomic
def grade_set(*, user, upgrading: Upgrading, organization: Organization, level: str, reason: str,
              weak_lax: bool = False, round: str = Round.INITIAL) -> Grade:
    """A grade set by hand, with its reason; confirmed at once by whoever sets it. It never lifts a held
    organization (the module's docstring)."""
    require_in_scope(user, organization.path, realm="org")
    if round not in Round.values:
        refuse(_("Unknown round."), field="round")
    grade_level = GradeLevel.objects.filter(scheme_id=upgrading.scheme_id, code=level).first()
    for field_name, message in _grade_problems(upgrading, organization.path, grade_level, weak_lax=weak_lax,
                                               reason=reason)[:1]:
        refuse(message, field=field_name)
    for message in lift_refusals(upgrading, round, [(organization.pk, grade_level, weak_lax)]).values():
        refuse(message, field="level", code="plan_not_accepted")
    grade, created = Grade.objects.update_or_create(
        upgrading=upgrading, organization=organization, round=round,
        defaults={"org_path": organization.path, "year": upgrading.year, "level": grade_level, "weak_lax": weak_lax,
                  "source": Grade.Source.HAND, "reasons": [{"code": "hand", "text": reason.strip()}],
                  "confirmed_by": _user_or_none(user), "confirmed_on": clock.today()})
    record_change(grade, ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE)
    return grade


@transaction.atomic
def grades_propose(*, user, upgrading: Upgrading, round: str = Round.INITIAL, on=None) -> int:
    """Proposals from data for the whole campaign (grading/proposals.py); hand-set and confirmed grades stay."""
    _owner_of(user, upgrading)
    return proposals.propose(upgrading, round=round, on=on)


CHANGE_LIST_LIMIT = 200  # grades listed one by one in a confirmation's preview; the counts are always whole


def _open_proposals(upgrading: Upgrading, round: str, grades):
    rows = Grade.objects.filter(upgrading=upgrading, round=round, confirmed_on=None)
    if grades is not None:
        rows = rows.filter(pk__in=[getattr(grade, "pk", grade) for grade in grades])
    return rows


def _previous_grades(upgrading: Upgrading, round: str, organization_ids) -> dict:
    """{organization id: its confirmed grade before this round}: the round's initial grade for a re-grade, else the
    last confirmed grade of an earlier year (its re-grade before its initial grade)."""
    if round == Round.REGRADE:
        rows = Grade.objects.filter(upgrading=upgrading, round=Round.INITIAL)
    else:
        rows = Grade.objects.filter(year__lt=upgrading.year)
    rows = (rows.filter(organization_id__in=organization_ids).exclude(confirmed_on=None).select_related("level")
            .order_by("organization_id", "year", "round", "pk"))
    return {grade.organization_id: grade for grade in rows}


def grades_confirm_preview(upgrading: Upgrading, *, round: str = Round.INITIAL, grades=None) -> dict:
    """What confirming would do: how many proposals, by grade (``by_level``: code to count), those that differ
    from the organization's previous confirmed grade (``changes``, the first CHANGE_LIST_LIMIT of them) and how
    many have none (``first``)."""
    rows = list(_open_proposals(upgrading, round, grades).select_related("level", "organization")
                .order_by("org_path", "pk"))
    previous = _previous_grades(upgrading, round, {grade.organization_id for grade in rows})
    by_level, changes, first = {}, [], 0
    for grade in rows:
        by_level[grade.level.code] = by_level.get(grade.level.code, 0) + 1
        before = previous.get(grade.organization_id)
        if before is None:
            first += 1
        elif (before.level.code, before.weak_lax) != (grade.level.code, grade.weak_lax):
            changes.append({"grade": grade, "previous": before})
    return {"count": len(rows), "changed": len(changes), "first": first, "by_level": by_level,
            "changes": changes[:CHANGE_LIST_LIMIT]}


@transaction.atomic
def grades_confirm(*, user, upgrading: Upgrading, grades=None, round: str = Round.INITIAL, on=None,
                   confirm: bool = False) -> GradeConfirmation | None:
    """The county confirms proposals: those given (one by one), or every open one of the round (in bulk), once
    confirmed after its preview (grades_confirm_preview; without ``confirm``, NeedsConfirmation carries it). A
    proposal that would lift a held organization refuses the whole confirmation. Recorded as one act
    (GradeConfirmation) that grades_confirmation_withdraw undoes; None when there was nothing to confirm."""
    _owner_of(user, upgrading)
    if round not in Round.values:
        refuse(_("Unknown round."), field="round")
    rows = _open_proposals(upgrading, round, grades)
    refusals = lift_refusals(upgrading, round, [(grade.organization_id, grade.level, grade.weak_lax)
                                                for grade in rows.select_related("level")])
    if refusals:
        refuse(" ".join(sorted(refusals.values())), code="plan_not_accepted")
    if not confirm:
        raise NeedsConfirmation(_("Read the preview of the grades to confirm and confirm it."),
                                grades_confirm_preview(upgrading, round=round, grades=grades))
    confirmed = list(rows.select_for_update().order_by("pk"))
    if not confirmed:
        return None
    on = on or clock.today()
    confirmation = GradeConfirmation.objects.create(
        upgrading=upgrading, owner_path=upgrading.owner_path, round=round, confirmed_on=on,
        confirmed_user=_user_or_none(user),
        previous={str(grade.pk): {"confirmed_on": grade.confirmed_on and grade.confirmed_on.isoformat(),
                                  "confirmed_by": grade.confirmed_by_id, "level": grade.level_id,
                                  "weak_lax": grade.weak_lax, "source": grade.source} for grade in confirmed})
    Grade.objects.filter(pk__in=[grade.pk for grade in confirmed]).update(
        confirmed_by=_user_or_none(user), confirmed_on=on, updated_at=timezone.now())
    confirmation.grades.set(confirmed)
    record_change(confirmation, ChangeRecord.Action.CREATE,
                  message=_("%(count)s grades confirmed.") % {"count": len(confirmed)})
    return confirmation


def _changed_since(grade: Grade, confirmation: GradeConfirmation) -> bool:
    state = confirmation.previous.get(str(grade.pk), {})
    return (grade.confirmed_on, grade.confirmed_by_id, grade.level_id, grade.weak_lax, grade.source) != (
        confirmation.confirmed_on, confirmation.confirmed_user_id, state.get("level"), state.get("weak_lax"),
        state.get("source"))


@transaction.atomic
def grades_confirmation_withdraw(*, user, confirmation: GradeConfirmation, reason: str) -> GradeConfirmation:
    """Withdraws a confirmation as a whole (撤销): each grade it confirmed is a proposal again, exactly as before.
    Refused if it was withdrawn already, if one of its grades has been changed since, or if a rectification plan
    was opened on one of its organizations since (the plan rests on the confirmed grade)."""
    confirmation = GradeConfirmation.objects.select_for_update().select_related("upgrading").get(pk=confirmation.pk)
    require_in_scope(user, confirmation.owner_path, realm="org")
    if confirmation.status != GradeConfirmation.Status.ACTIVE:
        refuse(_("This confirmation has already been withdrawn."), code="withdrawn")
    reason = (reason or "").strip()
    if not reason:
        refuse(_("Give the reason for withdrawing the confirmation."), field="reason")
    grades = list(confirmation.grades.select_for_update().select_related("organization").order_by("pk"))
    changed = [grade for grade in grades if _changed_since(grade, confirmation)]
    if changed:
        refuse(_("A grade this confirmation confirmed has been changed since (%(organizations)s): it cannot be "
                 "put back as it was.") % {"organizations": "、".join(g.organization.name for g in changed[:5])},
               code="out_of_order")
    plans = list(Plan.objects.filter(upgrading=confirmation.upgrading, created_at__gte=confirmation.created_at,
                                     organization_id__in=[grade.organization_id for grade in grades])
                 .select_related("organization").order_by("org_path"))
    if plans:
        refuse(_("A rectification plan has been opened since on the grade of %(organizations)s: the confirmation "
                 "cannot be withdrawn while the plan rests on it.")
               % {"organizations": "、".join(plan.organization.name for plan in plans[:5])}, code="out_of_order")
    for grade in grades:
        before = snapshot(grade)
        state = confirmation.previous.get(str(grade.pk), {})
        confirmed_on = state.get("confirmed_on")
        grade.confirmed_on = datetime.date.fromisoformat(confirmed_on) if confirmed_on else None
        grade.confirmed_by_id = state.get("confirmed_by")
        grade.save(update_fields=["confirmed_on", "confirmed_by", "updated_at"])
        record_change(grade, ChangeRecord.Action.UPDATE, before=before,
                      message=_("A proposal again: the confirmation of %(date)s was withdrawn.")
                      % {"date": confirmation.confirmed_on})
    before = snapshot(confirmation)
    confirmation.status = GradeConfirmation.Status.WITHDRAWN
    confirmation.withdraw_reason = reason
    confirmation.withdrawn_user = _user_or_none(user)
    confirmation.withdrawn_at = timezone.now()
    confirmation.save()
    record_change(confirmation, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Confirmation withdrawn: %(reason)s") % {"reason": reason[:400]})
    return confirmation


@dataclass(frozen=True)
class GradeRow:
    """One organization's grade as asked for in bulk: its code, the grade's code, and the reason of a change.
    ``line`` says where the row came from (a workbook's row number) and comes back with its errors."""

    organization: str
    level: str
    reason: str = ""
    weak_lax: bool = False
    line: int | None = None


@dataclass
class GradeChange:
    row: GradeRow
    grade: Grade
    level: GradeLevel
    kind: str  # one of BulkPlan.KINDS


@dataclass
class BulkPlan:
    """What grades_set_bulk does (or would do) row by row, or why it does nothing: ``errors`` as dicts with
    ``line``, ``field`` (organization, level, weak_lax, reason) and ``message``."""

    # changed: set by hand (and so confirmed); confirmed: the proposal confirmed as it is; unchanged: nothing
    # to do; awaiting: a proposal left as it is for the campaign's owner to confirm (grades_confirm's rule).
    KINDS = ("changed", "confirmed", "unchanged", "awaiting")

    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict:
        return {kind: sum(1 for change in self.changes if change.kind == kind) for kind in self.KINDS}

    def of(self, kind: str) -> list:
        return [change for change in self.changes if change.kind == kind]


_CODES_PER_QUERY = 2000


def _bulk_plan(user, upgrading: Upgrading, round: str, rows, *, lock: bool) -> BulkPlan:
    plan = BulkPlan()

    def problem(row, field_name, message):
        plan.errors.append({"line": row.line, "field": field_name, "message": message})

    if round not in Round.values:
        refuse(_("Unknown round."), field="round")
    levels = {level.code: level for level in GradeLevel.objects.filter(scheme_id=upgrading.scheme_id)}
    codes = list(dict.fromkeys(row.organization for row in rows))
    grades = {}
    for start in range(0, len(codes), _CODES_PER_QUERY):
        query = Grade.objects.filter(upgrading=upgrading, round=round,
                                     organization__code__in=codes[start:start + _CODES_PER_QUERY])
        if lock:
            query = query.select_for_update(of=("self",))
        grades.update({grade.organization.code: grade for grade in query.select_related("organization", "level")})
    scope = scope_for(user) if user is not None else None
    may_confirm = scope is None or scope.covers(upgrading.owner_path, realm="org", action=CHANGE)
    refusals = lift_refusals(upgrading, round, [
        (grades[row.organization].organization_id, levels.get(row.level), row.weak_lax)
        for row in rows if row.organization in grades])
    seen: dict[str, GradeRow] = {}
    for row in rows:
        grade = grades.get(row.organization)
        if grade is None or (scope is not None and not scope.covers(grade.org_path, realm="org", action=CHANGE)):
            # Outside the scope reads as missing: the answer does not tell whether the organization is graded.
            problem(row, "organization", _("No grade of this organization in this round among the organizations "
                                           "you are responsible for."))
            continue
        if row.organization in seen:
            problem(row, "organization", _("This organization is listed twice (also on row %(line)s).")
                    % {"line": seen[row.organization].line})
            continue
        seen[row.organization] = row
        level = levels.get(row.level)
        changed = level is not None and (level.pk != grade.level_id or row.weak_lax != grade.weak_lax)
        problems = _grade_problems(upgrading, grade.org_path, level, weak_lax=row.weak_lax, reason=row.reason,
                                   reason_needed=changed)
        if grade.organization_id in refusals and (changed or not grade.confirmed):
            problems.append(("level", refusals[grade.organization_id]))
        for field_name, message in problems:
            problem(row, field_name or "organization", message)
        if problems:
            continue
        if changed:
            kind = "changed"
        elif grade.confirmed:
            kind = "unchanged"
        else:
            kind = "confirmed" if may_confirm else "awaiting"
        plan.changes.append(GradeChange(row=row, grade=grade, level=level, kind=kind))
    plan.errors.sort(key=lambda error: (error["line"] or 0))
    return plan


@transaction.atomic
def grades_set_bulk(*, user, upgrading: Upgrading, round: str, rows, dry_run: bool = False, on=None) -> BulkPlan:
    """Many grades at once, all or nothing (a workbook's rows: grading/workbooks.py).

    Each row follows grade_set's rules: the organization in the user's change scope and graded in this round,
    the grade one of the scheme's, 软弱涣散 only with a lagging grade, and a reason when the grade (or the
    软弱涣散 mark) differs from the one recorded; such a row is set by hand and confirmed at once. A row that
    keeps the proposal confirms it, for those who may confirm the campaign's proposals (grades_confirm); for
    others it stays a proposal. With any error, or ``dry_run``, nothing is written: the plan says what would be.
    Each grade written gets one change record.
    """
    rows = list(rows)
    plan = _bulk_plan(user, upgrading, round, rows, lock=not dry_run)
    if dry_run or not plan.ok:
        return plan
    author, today, now = _user_or_none(user), on or clock.today(), timezone.now()
    written, befores = [], {}
    for change in plan.changes:
        if change.kind not in ("changed", "confirmed"):
            continue
        grade = change.grade
        befores[grade.pk] = snapshot(grade)
        if change.kind == "changed":
            grade.level, grade.weak_lax, grade.source = change.level, change.row.weak_lax, Grade.Source.HAND
            grade.reasons = [{"code": "hand", "text": change.row.reason.strip()}]
        grade.confirmed_by, grade.confirmed_on, grade.updated_at = author, today, now
        written.append(grade)
    Grade.objects.bulk_update(written, ["level", "weak_lax", "source", "reasons", "confirmed_by", "confirmed_on",
                                        "updated_at"], batch_size=500)
    _record_updates(written, befores)
    plan.applied = True
    return plan


def _record_updates(objects: list, befores: dict) -> None:
    """kernel.core.changelog.record_change for many updated rows of one model, in one insert."""
    if not objects:
        return
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(objects[0], for_concrete_model=True)
    records = []
    for obj in objects:
        before, after = befores[obj.pk], snapshot(obj)
        changed = {key for key in after if before.get(key) != after.get(key)}
        records.append(ChangeRecord(
            user=_user_or_none(actor.user), source=actor.source, request_id=actor.request_id,
            action=ChangeRecord.Action.UPDATE, content_type=content_type, object_id=obj.pk,
            object_repr=str(obj)[:200], org_path=obj.org_path,
            before={key: before.get(key) for key in changed}, after={key: after[key] for key in changed}))
    ChangeRecord.objects.bulk_create(records, batch_size=1000)


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
    from engines.workflows import services as engine

    return engine


def rectification_workflow():
    from engines.workflows.models import Workflow

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
    measure.done_on = (measure.done_on or on or clock.today()) if progress == 100 else None
    measure.save(update_fields=["progress", "done_on"])
    if measure.done_on is not None and measure.plan.case_id is not None:
        from engines.workflows.reminders import item_resolve

        from .reminders import measure_key

        item_resolve(case_id=measure.plan.case_id, key=measure_key(measure.pk), on=measure.done_on)
    _mirror(user, measure.plan)
    return measure


@transaction.atomic
def visit_add(*, user, plan: Plan, on: datetime.date, visitors: str, note: str = "") -> Visit:
    _plan_for_change(user, plan)
    if not visitors.strip():
        refuse(_("Name who came."), field="visitors")
    return Visit.objects.create(plan=plan, on=on, visitors=visitors.strip(), note=note.strip(),
                                recorded_by=_user_or_none(user))


def plan_accepted(*, case, transition) -> Grade | None:
    """The plan of ``case`` has passed its acceptance (the case closed): its organization is lifted. Writes its
    re-grade — the lowest grade above lagging, without 软弱涣散, confirmed by whoever closed the case on the day it
    closed — unless a confirmed re-grade above lagging is already there. Runs inside the move's transaction
    (engines.workflows.signals.case_moved)."""
    plan = Plan.objects.filter(case=case).select_related("upgrading", "organization").first()
    if plan is None:
        return None
    upgrading = plan.upgrading
    levels = list(GradeLevel.objects.filter(scheme_id=upgrading.scheme_id).order_by("level"))
    above = next((level for level in levels if not level.lagging), None)
    if above is None:
        return None
    grade = Grade.objects.select_for_update().filter(upgrading=upgrading, organization=plan.organization,
                                                     round=Round.REGRADE).select_related("level").first()
    if grade is not None and grade.confirmed and not grade.level.lagging:
        return grade
    before = snapshot(grade) if grade is not None else None
    grade = grade or Grade(upgrading=upgrading, organization=plan.organization, round=Round.REGRADE)
    grade.org_path, grade.year, grade.level, grade.weak_lax = plan.org_path, upgrading.year, above, False
    grade.source = Grade.Source.PLAN
    grade.reasons = [{"code": "plan_accepted", "on": transition.on.isoformat()}]
    grade.confirmed_by, grade.confirmed_on = transition.user, transition.on
    grade.save()
    if before is None:
        record_change(grade, ChangeRecord.Action.CREATE)
    else:
        record_change(grade, ChangeRecord.Action.UPDATE, before=before)
    return grade


def plan_advance(*, user, plan: Plan, comment: str = "", today=None):
    return _engine().case_advance(user=user, case=plan.case, comment=comment, today=today)


def plan_approve(*, user, plan: Plan, comment: str = "", today=None):
    return _engine().case_approve(user=user, case=plan.case, comment=comment, today=today)


def plan_return(*, user, plan: Plan, to_stage: str, comment: str, today=None):
    return _engine().case_return(user=user, case=plan.case, to_stage=to_stage, comment=comment, today=today)

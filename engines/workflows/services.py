"""Writes to workflows and cases: every move of a case goes through here and is recorded as a Transition.

Every function is keyword-only, takes the acting ``user`` first (``None`` = the system, which may act
anywhere), runs atomically and checks the user's scope. Acting on a case also needs a role among the
current stage's ``actors`` held over the case's organization (kernel.accounts.scope.roles_covering); a
superuser acts as any role. Leaving a stage forwards needs its gate (``gate``) to hold.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.accounts.scope import roles_covering
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.versioning import VersionedLibrary
from kernel.orgs.models import Organization

from .definition import canonical, stage_rows, workflow_fields
from .format import dump, field_label, parse
from .models import Approval, Attachment, Case, StageDef, SubjectKind, Transition, Workflow, WorkflowVersion
from .reminders import tick  # noqa: F401  (the daily run of stage deadlines, part of this API)
from .signals import case_moved

# A mechanism's check of what its cases record, by workflow code (registered in the app's ready()):
# ``check(case, data)`` returns ``data`` as the case keeps it, or raises ValidationError.
_data_checks = {}


def register_data_check(workflow_code: str, check) -> None:
    """Has ``case_update`` run ``check`` on every write to a case of ``workflow_code``, whoever writes (the
    mechanism's own pages and API, the generic case page and API, the services), so that no path records
    what the mechanism would refuse. Workflows without one keep whatever their fields are given."""
    _data_checks[workflow_code] = check


# A mechanism's check before a stage is signed off, by workflow code: ``check(case)`` raises ValidationError.
_approval_checks = {}


def register_approval_check(workflow_code: str, check) -> None:
    """Has ``case_approve`` run ``check`` on the case (locked, in its present stage) before any sign-off of a
    case of ``workflow_code``, whoever signs (the mechanism's pages and API, the generic case page and API)."""
    _approval_checks[workflow_code] = check


# --- definitions ------------------------------------------------------------------------------------------------

class _Workflows(VersionedLibrary):
    model, version_model = Workflow, WorkflowVersion

    canonical = staticmethod(canonical)
    fields = staticmethod(workflow_fields)

    def new_version(self, workflow, number, document, user):
        version = WorkflowVersion.objects.create(workflow=workflow, number=number, document=document,
                                                 created_by=_user_or_none(user))
        StageDef.objects.bulk_create(StageDef(version=version, **row) for row in stage_rows(document))
        return version

    def rewrite(self, version, document):
        version.document = document
        version.save(update_fields=["document"])
        version.stages.all().delete()
        StageDef.objects.bulk_create(StageDef(version=version, **row) for row in stage_rows(document))

    def check(self, workflow, current, document):
        if workflow.subject_kind != document["subject"] and workflow.cases.exists():
            refuse(_("A workflow in use cannot change its subject; make a new workflow."), field="subject")


WORKFLOWS = _Workflows()


@transaction.atomic
def workflow_save(*, user, document: dict, owner: Organization) -> WorkflowVersion:
    """Creates a workflow, or changes it: in place while no case uses the current version, else as the next
    version (open cases keep theirs). An unchanged document changes nothing."""
    return WORKFLOWS.save(user=user, document=document, owner=owner)


def workflow_import(*, user, text, owner: Organization) -> WorkflowVersion:
    """Reads a workflow file and saves it; a malformed file raises engines.workflows.format.FormatError before any write."""
    return workflow_save(user=user, document=parse(text), owner=owner)


def workflow_version(workflow: Workflow, number: int | None = None) -> WorkflowVersion:
    if number is None:
        version = workflow.current_version or workflow.versions.order_by("-number").first()
        if version is None:
            raise WorkflowVersion.DoesNotExist
        return version
    return workflow.versions.get(number=number)


def workflow_export(workflow: Workflow, number: int | None = None) -> str:
    """The workflow file (YAML) of the current version or of version ``number``."""
    return dump(workflow_version(workflow, number))


# --- reading a case's position ----------------------------------------------------------------------------------

def stages_of(case: Case) -> list[StageDef]:
    return list(case.version.stages.order_by("order"))


def current_stage(case: Case) -> StageDef:
    return case.version.stages.get(code=case.stage)


def current_entry(case: Case) -> Transition | None:
    """The transition that began the case's present stay in its stage."""
    return case.transitions.order_by("-id").first()


def acting_roles(user, case: Case) -> set[str]:
    """The roles the user may act in over the case; a superuser or the system holds every role."""
    from kernel.accounts.roles import Role

    if user is None or getattr(user, "is_superuser", False):
        return set(Role.values)
    return roles_covering(user, case.org_path)


def may_act(user, case: Case, stage: StageDef | None = None) -> bool:
    stage = stage or current_stage(case)
    return case.status == Case.Status.OPEN and bool(acting_roles(user, case) & set(stage.actors))


def may_approve(user, case: Case, stage: StageDef | None = None) -> bool:
    stage = stage or current_stage(case)
    return case.status == Case.Status.OPEN and bool(acting_roles(user, case) & set(stage.approval_roles))


def _empty(value) -> bool:
    return value is None or (isinstance(value, str | list | dict | tuple) and not value) or (
        isinstance(value, str) and not value.strip())


def _count(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def objection_rows(case: Case) -> list[dict]:
    """The case's objections (``data["objections"]``; an entry is a dict, or a bare text) with their index:
    text, date received, resolved and how."""
    entries = case.data.get("objections") or []
    if not isinstance(entries, list):
        entries = [entries]
    return [dict(entry, index=i) if isinstance(entry, dict) else {"text": str(entry), "index": i}
            for i, entry in enumerate(entries)]


def open_objections(case: Case) -> list:
    """The objections not marked resolved."""
    return [row for row in objection_rows(case) if not row.get("resolved")]


def _objections(case: Case) -> list:
    """The case's objections as stored, read under the case's lock (two people recording at once keep both)."""
    return list(_locked(case).data.get("objections") or [])


@transaction.atomic
def objection_add(*, user, case: Case, text: str, on: datetime.date | None = None) -> Case:
    """Records an objection raised while the stage's matter is public (公示); a stage with
    ``no_open_objections`` does not let the case on until every objection is resolved."""
    if not (text or "").strip():
        refuse(_("Say what the objection is."), field="text")
    entries = _objections(case)
    entries.append({"text": text.strip(), "on": (on or clock.today()).isoformat(), "resolved": False})
    return case_update(user=user, case=case, data={"objections": entries})


@transaction.atomic
def objection_resolve(*, user, case: Case, index: int, resolution: str) -> Case:
    """Marks objection ``index`` resolved, saying how (经核查不属实, …)."""
    entries = _objections(case)
    if not 0 <= index < len(entries) or not isinstance(entries[index], dict):
        refuse(_("No such objection."))
    if not (resolution or "").strip():
        refuse(_("Say how the objection was resolved."), field="resolution")
    entries[index] = {**entries[index], "resolved": True, "resolution": resolution.strip()}
    return case_update(user=user, case=case, data={"objections": entries})


def vote_passes(rule: str, votes_for: int, eligible: int) -> bool:
    if rule == "two_thirds":
        return votes_for * 3 >= eligible * 2 and eligible > 0
    return votes_for * 2 > eligible


def label(case: Case, key: str) -> str:
    """How the case's workflow names the data field ``key`` (its key when the workflow gives no label)."""
    return field_label(case.version.document, key)


def gate(case: Case, today: datetime.date | None = None, *, approval: bool = True) -> list[str]:
    """What is still missing before the case may leave its stage forwards; empty means it may. With
    ``approval=False``, all but the stage's sign-off (what must be on record before it is signed off)."""
    today = today or clock.today()
    if case.status != Case.Status.OPEN:
        return [_("The case is no longer open.")]
    stage = current_stage(case)
    if stage.final:
        return [_("The case is in its final stage.")]
    missing = []
    for field in stage.required_fields:
        if _empty(case.data.get(field)):
            missing.append(_("The field “%(field)s” is not filled in.") % {"field": label(case, field)})
    if stage.attachments:
        attached = case.attachments.filter(stage=stage.code, transition__isnull=True).count()
        if attached < stage.attachments:
            missing.append(_("%(needed)d attachment(s) needed in this stage, %(have)d attached.")
                           % {"needed": stage.attachments, "have": attached})
    if stage.approval_roles and approval:
        entry = current_entry(case)
        if not case.approvals.filter(stage=stage.code, entry=entry, role__in=stage.approval_roles).exists():
            missing.append(_("An approval by one of: %(roles)s.") % {"roles": ", ".join(_role_names(stage.approval_roles))})
    if stage.vote:
        votes_for, eligible = _count(case.data.get(stage.vote["for"])), _count(case.data.get(stage.vote["eligible"]))
        if votes_for is None or eligible is None:
            missing.append(_("The vote counts (“%(for)s” and “%(eligible)s”) are not recorded.")
                           % {"for": label(case, stage.vote["for"]), "eligible": label(case, stage.vote["eligible"])})
        elif not vote_passes(stage.vote.get("rule", "majority"), votes_for, eligible):
            if stage.vote.get("rule") == "two_thirds":
                message = _("The vote has no two-thirds majority: %(for)d for out of %(eligible)d.")
            else:
                message = _("The vote has no majority: %(for)d for out of %(eligible)d.")
            missing.append(message % {"for": votes_for, "eligible": eligible})
    if stage.wait_days:
        ends = case.stage_entered_on + datetime.timedelta(days=stage.wait_days)
        if today < ends:
            missing.append(_("The waiting period of %(days)d days runs until %(date)s.")
                           % {"days": stage.wait_days, "date": ends.isoformat()})
    if stage.no_open_objections:
        count = len(open_objections(case))
        if count:
            missing.append(_("%(count)d objection(s) not yet resolved.") % {"count": count})
    return missing


def _role_names(codes) -> list[str]:
    from kernel.accounts.roles import Role

    labels = dict(Role.choices)
    return [str(labels.get(code, code)) for code in codes]


# --- moving a case ----------------------------------------------------------------------------------------------

def _require_actor(user, case: Case, stage: StageDef) -> None:
    if user is not None:
        require_in_scope(user, case.org_path, realm="org")
    if case.status != Case.Status.OPEN:
        refuse(_("This case is closed."), code="closed")
    if not acting_roles(user, case) & set(stage.actors):
        raise PermissionDenied(_("Only %(roles)s may act on a case in the stage “%(stage)s”.")
                               % {"roles": ", ".join(_role_names(stage.actors)), "stage": stage.name})


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("version").get(pk=case.pk)


def _enter(case: Case, stage: StageDef, today: datetime.date) -> None:
    case.stage = stage.code
    case.stage_entered_on = today
    case.due_on = today + datetime.timedelta(days=stage.time_limit_days) if stage.time_limit_days else None


def _record(case: Case, *, user, action: str, from_stage: str, to_stage: str, comment: str,
            today: datetime.date) -> Transition:
    transition = Transition.objects.create(case=case, action=action, from_stage=from_stage, to_stage=to_stage,
                                           user=_user_or_none(user), on=today, comment=comment, data=dict(case.data))
    case.attachments.filter(transition__isnull=True).update(transition=transition)
    case_moved.send(sender=Case, case=case, transition=transition)
    return transition


def _refresh(original: Case, locked: Case) -> Case:
    original.__dict__.update({key: value for key, value in locked.__dict__.items() if not key.startswith("_")})
    return original


@transaction.atomic
def case_open(*, user, workflow: Workflow, organization: Organization, person=None, title: str, data=None,
              today: datetime.date | None = None) -> Case:
    """Opens a case in the workflow's first stage (freezing the current version) and records it."""
    today = today or clock.today()
    require_in_scope(user, organization.path, realm="org")
    version = workflow_version(workflow)
    if workflow.subject_kind == SubjectKind.PERSON and person is None:
        refuse(_("This workflow is about a person: name the person."), field="person")
    if workflow.subject_kind == SubjectKind.ORGANIZATION and person is not None:
        refuse(_("This workflow is about an organization, not a person."), field="person")
    if not (title or "").strip():
        refuse(_("A case needs a title."), field="title")
    first = version.stages.order_by("order").first()
    if not version.frozen:
        WorkflowVersion.objects.filter(pk=version.pk).update(frozen=True)
        version.frozen = True
    case = Case(workflow=workflow, version=version, organization=organization, org_path=organization.path,
                person=person, title=title.strip(), data=dict(data or {}), opened_on=today,
                created_by=_user_or_none(user))
    _enter(case, first, today)
    case.save()
    record_change(case, ChangeRecord.Action.CREATE)
    _record(case, user=user, action=Transition.Action.OPEN, from_stage="", to_stage=first.code, comment="",
            today=today)
    return case


@transaction.atomic
def case_update(*, user, case: Case, data: dict) -> Case:
    """Merges ``data`` into the case's data; only an actor of the current stage may, and only while open.
    The workflow's registered data check (``register_data_check``) sees the data first."""
    locked = _locked(case)
    _require_actor(user, locked, current_stage(locked))
    check = _data_checks.get(locked.workflow.code)
    if check is not None:  # the mechanism checks its own fields; objections are the engine's (objection_add)
        own = {key: value for key, value in data.items() if key != "objections"}
        data = {**check(locked, own), **{key: data[key] for key in ("objections",) if key in data}}
    before = snapshot(locked)
    locked.data = {**locked.data, **data}
    locked.save(update_fields=["data", "updated_at"])
    record_change(locked, ChangeRecord.Action.UPDATE, before=before)
    return _refresh(case, locked)


@transaction.atomic
def case_advance(*, user, case: Case, comment: str = "", today: datetime.date | None = None) -> Case:
    """Moves the case to its next stage once the gate holds; entering the final stage closes it."""
    today = today or clock.today()
    locked = _locked(case)
    stage = current_stage(locked)
    _require_actor(user, locked, stage)
    missing = gate(locked, today)
    if missing:
        raise ValidationError(missing, code="gate")
    following = locked.version.stages.filter(order__gt=stage.order).order_by("order").first()
    _enter(locked, following, today)
    action = Transition.Action.ADVANCE
    if following.final:
        action = Transition.Action.CLOSE
        locked.status = Case.Status.CLOSED
        locked.closed_on = today
        locked.due_on = None
    locked.save()
    _record(locked, user=user, action=action, from_stage=stage.code, to_stage=following.code,
            comment=comment or "", today=today)
    return _refresh(case, locked)


@transaction.atomic
def case_return(*, user, case: Case, to_stage: str, comment: str, today: datetime.date | None = None) -> Case:
    """Sends the case back to one of the stages its current stage names in ``back_to``, with a reason."""
    today = today or clock.today()
    locked = _locked(case)
    stage = current_stage(locked)
    _require_actor(user, locked, stage)
    if to_stage not in stage.back_to:
        refuse(_("From “%(stage)s” a case can only be returned to: %(stages)s.")
               % {"stage": stage.name, "stages": ", ".join(stage.back_to) or "—"}, field="to_stage")
    if not (comment or "").strip():
        refuse(_("Say why the case is returned."), field="comment")
    target = locked.version.stages.get(code=to_stage)
    _enter(locked, target, today)
    locked.save()
    _record(locked, user=user, action=Transition.Action.RETURN, from_stage=stage.code, to_stage=target.code,
            comment=comment.strip(), today=today)
    return _refresh(case, locked)


@transaction.atomic
def case_cancel(*, user, case: Case, comment: str, today: datetime.date | None = None) -> Case:
    """Ends the case where it stands, with a reason."""
    today = today or clock.today()
    locked = _locked(case)
    stage = current_stage(locked)
    _require_actor(user, locked, stage)
    if not (comment or "").strip():
        refuse(_("Say why the case is cancelled."), field="comment")
    locked.status = Case.Status.CANCELLED
    locked.closed_on = today
    locked.due_on = None
    locked.save()
    _record(locked, user=user, action=Transition.Action.CANCEL, from_stage=stage.code, to_stage=stage.code,
            comment=comment.strip(), today=today)
    return _refresh(case, locked)


@transaction.atomic
def case_attach(*, user, case: Case, uploaded_file, name: str = "") -> Attachment:
    """Attaches a file to the case's current stage; it goes into the record with the next move."""
    locked = _locked(case)
    _require_actor(user, locked, current_stage(locked))
    return Attachment.objects.create(case=locked, stage=locked.stage, file=uploaded_file,
                                     name=(name or getattr(uploaded_file, "name", "") or "")[:200],
                                     uploaded_by=_user_or_none(user))


@transaction.atomic
def case_approve(*, user, case: Case, comment: str = "", today: datetime.date | None = None) -> Approval:
    """Signs off the case's present stay in its stage, in a role the stage asks an approval from."""
    today = today or clock.today()
    locked = _locked(case)
    stage = current_stage(locked)
    if user is not None:
        require_in_scope(user, locked.org_path, realm="org")
    if locked.status != Case.Status.OPEN:
        refuse(_("This case is closed."), code="closed")
    if not stage.approval_roles:
        refuse(_("The stage “%(stage)s” asks for no approval.") % {"stage": stage.name})
    roles = [role for role in stage.approval_roles if role in acting_roles(user, locked)]
    if not roles:
        raise PermissionDenied(_("Only %(roles)s may approve this stage.")
                               % {"roles": ", ".join(_role_names(stage.approval_roles))})
    check = _approval_checks.get(locked.workflow.code)
    if check is not None:
        check(locked)
    entry = current_entry(locked)
    existing = locked.approvals.filter(stage=stage.code, entry=entry, user=_user_or_none(user)).first()
    if existing is not None and _user_or_none(user) is not None:
        return existing
    return Approval.objects.create(case=locked, stage=stage.code, entry=entry, user=_user_or_none(user),
                                   role=roles[0], on=today, comment=comment or "")

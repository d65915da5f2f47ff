"""Writes to standards, assessments, scores, titles and targets.

Every function is keyword-only, takes the acting ``user`` first (``None`` = the system),
runs atomically, checks the user's scope and records the change. Scores are guarded
against lost updates by their ``revision`` and a row lock.
"""
import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.accounts.scope import role_grants, roles_covering
from kernel.core import official
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.tree import in_subtree, subtree_q
from kernel.core.versioning import VersionedLibrary
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.models import Person, Post

from . import compute
from .counting import counted_entries, counted_text, same_entry
from .definition import build_rows, canonical, clear_rows, version_fields
from .models import (
    Assessment,
    Evidence,
    Item,
    ItemKind,
    ItemScore,
    RaterGroup,
    Sheet,
    Standard,
    StandardVersion,
    SubjectKind,
    Target,
    Tier,
    TitleAward,
)
from .sources import CLASSIFIERS, granted_paths

BULK_CHUNK = 1000  # rows per statement: 12 parameters each, well below SQLite's limit of 32,766
BULK_CHUNK_ARRAYS = 20_000  # rows per statement on PostgreSQL, which takes each column as one array parameter


class Conflict(ValidationError):
    """Someone else saved the score since it was read; the writer must reload and decide."""

    def __init__(self, message=None):
        super().__init__(message or _("Someone else changed this score in the meantime. Reload it and try again."),
                         code="conflict")


def _record(obj, action, path: str, *, before=None, message: str = ""):
    """Records a change on a row that has no organization path of its own (scores, evidence)."""
    obj.scope_path_field = "org_path"
    obj.org_path = path
    return record_change(obj, action, before=before, message=message)


# Standards -------------------------------------------------------------------------------------------------


def _standard_fields(document: dict) -> dict:
    return {
        "name": document.get("name") or document["code"],
        "description": document.get("description") or "",
        "subject_kind": document.get("subject") or SubjectKind.ORGANIZATION,
        "period_kind": document.get("period") or "year",
    }


class _Standards(VersionedLibrary):
    model, version_model = Standard, StandardVersion

    canonical = staticmethod(canonical)
    fields = staticmethod(_standard_fields)

    def new_version(self, standard, number, document, user):
        version = StandardVersion.objects.create(standard=standard, number=number, document=document,
                                                 created_by=_user_or_none(user), **version_fields(document))
        build_rows(version, document)
        return version

    def rewrite(self, version, document):
        clear_rows(version)
        for name, value in version_fields(document).items():
            setattr(version, name, value)
        version.document = document
        version.save()
        build_rows(version, document)


STANDARDS = _Standards()


@transaction.atomic
def standard_save(*, user, document: dict, owner: Organization) -> StandardVersion:
    """Creates a standard, or changes it: in place while no assessment uses the current version, else as
    the next version. An unchanged document changes nothing."""
    return STANDARDS.save(user=user, document=document, owner=owner)


def subjects_for(version: StandardVersion, root_org: Organization):
    """The organizations (or persons) in ``root_org``'s subtree that the version applies to."""
    applies = version.applies_to or {}
    if version.standard.subject_kind == SubjectKind.PERSON:
        people = Person.objects.filter(subtree_q("org_path", [root_org.path]))
        if applies.get("posts"):
            holders = Post.objects.current().filter(title__in=applies["posts"]).values("person_id")
            people = people.filter(pk__in=holders)
        return people.order_by("org_path", "pk")
    orgs = Organization.objects.filter(subtree_q("path", [root_org.path]), status=OrgStatus.ACTIVE)
    if applies.get("org_types"):
        orgs = orgs.filter(org_type__in=applies["org_types"])
    if applies.get("domains"):
        orgs = orgs.filter(domain__in=applies["domains"])
    return orgs.order_by("path")


# Assessments -----------------------------------------------------------------------------------------------


def _class_keys(subjects: list, class_by: str, kind: str) -> dict:
    def org_of(subject):
        return subject.organization if kind == SubjectKind.PERSON else subject

    if class_by == "domain":
        return {s.pk: org_of(s).domain or "" for s in subjects}
    if class_by == "org_type":
        return {s.pk: org_of(s).org_type for s in subjects}
    if class_by == "parent":
        parent_ids = {s.pk: (s.organization_id if kind == SubjectKind.PERSON else s.parent_id) for s in subjects}
        return {pk: str(parent or "") for pk, parent in parent_ids.items()}
    if class_by in CLASSIFIERS:
        return {pk: str(key or "")[:64] for pk, key in CLASSIFIERS[class_by](subjects).items()}
    refuse(_("Unknown ranking class “%(name)s”.") % {"name": class_by}, field="class_by")


@transaction.atomic
def assessment_create(*, user, version: StandardVersion, owner: Organization, name: str, period_kind: str,
                      period_start: datetime.date, period_end: datetime.date, period_label: str,
                      subjects=None, class_by: str = "domain") -> Assessment:
    """Applies ``version`` to its subjects under ``owner`` for a period: one sheet each. Freezes the version."""
    require_in_scope(user, owner.path, realm="org")
    Standard.objects.select_for_update().filter(pk=version.standard_id).first()
    version = StandardVersion.objects.select_related("standard").get(pk=version.pk)
    if not Standard.objects.restrict(user).filter(pk=version.standard_id).exists() and user is not None:
        refuse(_("This standard lies outside the organizations you are responsible for."))
    if period_end < period_start:
        refuse(_("The period cannot end before it starts."), field="period_end")
    kind = version.standard.subject_kind
    if subjects is None:
        subjects = subjects_for(version, owner)
    if kind == SubjectKind.PERSON:
        subjects = list(Person.objects.filter(pk__in=[s.pk for s in subjects]).select_related("organization"))
    else:
        subjects = list(Organization.objects.filter(pk__in=[s.pk for s in subjects]))
    paths = {s.pk: (s.org_path if kind == SubjectKind.PERSON else s.path) for s in subjects}
    if any(not in_subtree(path, [owner.path]) for path in paths.values()):
        refuse(_("Every subject must lie under the organization running the assessment."))
    classes = _class_keys(subjects, class_by, kind)
    assessment = Assessment.objects.create(
        version=version, name=name, owner=owner, owner_path=owner.path, period_kind=period_kind,
        period_start=period_start, period_end=period_end, period_label=period_label, class_by=class_by,
        created_by=_user_or_none(user),
    )
    sheets = []
    for subject in subjects:
        if kind == SubjectKind.PERSON:
            sheets.append(Sheet(assessment=assessment, person=subject, org_path=subject.org_path,
                                parent_id=subject.organization_id, class_key=classes.get(subject.pk, "")))
        else:
            sheets.append(Sheet(assessment=assessment, organization=subject, org_path=subject.path,
                                parent_id=subject.parent_id, class_key=classes.get(subject.pk, "")))
    Sheet.objects.bulk_create(sheets, batch_size=BULK_CHUNK)
    StandardVersion.objects.filter(pk=version.pk).update(frozen=True)
    record_change(assessment, ChangeRecord.Action.CREATE,
                  message=_("%(count)s score sheets created.") % {"count": len(sheets)})
    return assessment


def _require_open(assessment: Assessment, rater: RaterGroup | None = None) -> None:
    if assessment.status != Assessment.Status.OPEN:
        refuse(_("The assessment is closed; its scores can no longer change."), code="closed")
    if rater is not None and rater.code in (assessment.locked_groups or []):
        refuse(_("The scores of %(group)s are locked.") % {"group": rater.name}, code="locked")


def _require_scorer(user, sheet: Sheet, assessment: Assessment, rater: RaterGroup) -> None:
    """Scores are entered by those responsible for the subject or for the assessment, and by those a mechanism
    gives the subject to (engines.standards.sources.scoring_right: a cross-inspection team's villages); where no
    mechanism decides for the rater group, by the holders of a role it is scored by (``scored_by``) on the
    subject."""
    if user is None:
        return
    scope = scope_for(user)
    if scope.covers(sheet.org_path, action=CHANGE) or scope.covers(assessment.owner_path, action=CHANGE):
        return
    granted = granted_paths(user, assessment, rater)
    if granted is not None:
        if in_subtree(sheet.org_path, granted):
            return
    elif rater.scored_by and set(rater.scored_by) & roles_covering(user, sheet.org_path):
        return
    require_in_scope(user, sheet.org_path, realm="org")


def may_score(user, sheet: Sheet, rater: RaterGroup) -> bool:
    """Whether ``user`` may enter ``rater``'s scores on ``sheet`` (open and unlocked aside)."""
    try:
        _require_scorer(user, sheet, sheet.assessment, rater)
    except PermissionDenied:
        return False
    return True


def _as_decimal(value, field: str = "points") -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        refuse(_("Enter a number."), field=field)


def score_value(item: Item, *, points=None, passed=None, count=None) -> tuple[dict, Decimal, bool]:
    """The entry's fields, its value and whether it failed (see Item), or a ValidationError."""
    given = {"points": points is not None, "passed": passed is not None, "count": count is not None}
    expected = {ItemKind.POINTS: "points", ItemKind.PASS_FAIL: "passed", ItemKind.COUNT: "count"}[item.kind]
    if not given[expected] or any(v for k, v in given.items() if k != expected):
        refuse(_("%(item)s is scored as “%(kind)s”.") % {"item": item.code, "kind": ItemKind(item.kind).label},
               field=expected, code="wrong_kind")
    maximum = Decimal(item.max_points)
    if item.kind == ItemKind.POINTS:
        value = _as_decimal(points)
        step = value * 2 if item.half_points else value
        if value < 0 or value > maximum or step != step.to_integral_value():
            message = (_("Enter between 0 and %(max)s points in half points.") if item.half_points
                       else _("Enter whole points between 0 and %(max)s."))
            refuse(message % {"max": maximum.normalize()}, field="points", code="out_of_range")
        return {"points": value, "passed": None, "count": None}, value, value == 0
    if item.kind == ItemKind.PASS_FAIL:
        passed = bool(passed)
        return {"points": None, "passed": passed, "count": None}, (maximum if passed else Decimal("0")), not passed
    try:
        count = int(count)
    except (TypeError, ValueError):
        refuse(_("Enter a whole number."), field="count")
    if count < 0:
        refuse(_("A count cannot be negative."), field="count", code="out_of_range")
    reached = count >= (item.threshold or 0)
    return {"points": None, "passed": None, "count": count}, (maximum if reached else Decimal("0")), not reached


def _check_belongs(assessment: Assessment, item: Item, rater: RaterGroup) -> None:
    if item.version_id != assessment.version_id or rater.version_id != assessment.version_id:
        refuse(_("This item or rater group belongs to another version of the standard."))


def counted_check(item: Item, fields: dict, counted: dict | None, reason: str | None) -> tuple[dict | None, str]:
    """The (counted, override_reason) an entry is stored with. An item the registers count takes the count;
    another value needs a reason (refused "override_needs_reason" without one)."""
    if counted is None:
        return None, ""
    if same_entry(fields, counted):
        return counted, ""
    reason = (reason or "").strip()
    if not reason:
        refuse(_("This item is counted from the registers (%(count)s); give a reason to enter another value.")
               % {"count": counted_text(counted)}, field="override_reason", code="override_needs_reason")
    return counted, reason


@transaction.atomic
def score_set(*, user, sheet: Sheet, item: Item, rater: RaterGroup, points=None, passed=None, count=None,
              note=None, override_reason: str | None = None, expected_revision: int | None = None) -> ItemScore:
    """Saves one rater group's score of one item. ``expected_revision`` is the revision the writer read
    (0 = it saw no score); a stale one raises Conflict instead of overwriting.

    An item with a ``source`` the registers count stores the count with the entry; an entry other than the
    count needs ``override_reason`` (None keeps the stored reason while the entry stays as it was)."""
    sheet = Sheet.objects.select_related("assessment").get(pk=sheet.pk)
    assessment = sheet.assessment
    _check_belongs(assessment, item, rater)
    _require_open(assessment, rater)
    _require_scorer(user, sheet, assessment, rater)
    fields, value, failed = score_value(item, points=points, passed=passed, count=count)
    counted = counted_entries(assessment, [sheet.pk], [item]).get((sheet.pk, item.pk)) if item.source else None
    lookup = {"sheet": sheet, "item": item, "rater": rater}
    score = ItemScore.objects.select_for_update().filter(**lookup).first()
    if (override_reason is None and score is not None and score.override_reason
            and all(getattr(score, name) == field_value for name, field_value in fields.items())):
        override_reason = score.override_reason
    counted, reason = counted_check(item, fields, counted, override_reason)
    if score is None:
        if expected_revision:
            raise Conflict()
        try:
            with transaction.atomic():
                score = ItemScore.objects.create(**lookup, **fields, value=value, failed=failed, note=note or "",
                                                 counted=counted, override_reason=reason,
                                                 entered_by=_user_or_none(user))
        except IntegrityError:
            score = ItemScore.objects.select_for_update().get(**lookup)
            if expected_revision is not None:
                raise Conflict() from None
        else:
            _record(score, ChangeRecord.Action.CREATE, sheet.org_path)
            return score
    if expected_revision is not None and expected_revision != score.revision:
        raise Conflict()
    before = snapshot(score)
    for name, field_value in fields.items():
        setattr(score, name, field_value)
    score.value, score.failed = value, failed
    score.counted, score.override_reason = counted, reason
    if note is not None:
        score.note = note
    score.revision += 1
    score.entered_by = _user_or_none(user)
    score.save()
    _record(score, ChangeRecord.Action.UPDATE, sheet.org_path, before=before)
    return score


def _scorer_roots(user, assessment: Assessment, rater: RaterGroup):
    """None if the user may score every sheet of the assessment, else the paths under which they may (subtrees:
    those of the user's change grants, and the subjects a mechanism gives them, see _require_scorer)."""
    if user is None:
        return None
    scope = scope_for(user)
    if scope.covers(assessment.owner_path, action=CHANGE):
        return None
    roots = list(scope.roots("org", CHANGE))
    granted = granted_paths(user, assessment, rater)
    if granted is not None:
        roots += granted
    elif rater.scored_by:
        roots += [root for role, root in role_grants(user) if role in rater.scored_by]
    return roots


UPSERT_CONFLICT = """
    ON CONFLICT (sheet_id, item_id, rater_id) DO UPDATE SET
        points = excluded.points, passed = excluded.passed, count = excluded.count, value = excluded.value,
        failed = excluded.failed, counted = excluded.counted, override_reason = excluded.override_reason,
        revision = standards_itemscore.revision + 1,
        entered_by_id = excluded.entered_by_id, entered_at = excluded.entered_at"""
KEEP_EXISTING = "ON CONFLICT (sheet_id, item_id, rater_id) DO NOTHING"
SCORE_COLUMNS = ("sheet_id, item_id, rater_id, points, passed, count, value, failed, counted, override_reason, note, "
                 "revision, entered_by_id, entered_at")


def _upsert(cursor, rater_id: int, entered_by_id, now, entries: dict, on_conflict: str = UPSERT_CONFLICT) -> None:
    """Inserts scores or, for those that exist, overwrites the entry and moves the revision on — in one
    statement (PostgreSQL gets the columns as arrays, SQLite as rows of values)."""
    # Decimals go to the driver as they are (Django adapts them to nothing on either database; its SQLite
    # backend registers the adapter), which spares a call per value on a million-score workbook.
    rows = [(sheet_id, item_id, fields["points"], fields["passed"], fields["count"],
             value, failed, None if counted is None else json.dumps(counted), reason)
            for (sheet_id, item_id), (fields, value, failed, counted, reason) in entries.items()]
    if connection.vendor == "postgresql":
        cursor.execute(f"""
            INSERT INTO standards_itemscore ({SCORE_COLUMNS})
            SELECT u.sheet_id, u.item_id, %s, u.points, u.passed, u.count, u.value, u.failed, u.counted::jsonb,
                   u.override_reason, '', 1, %s, %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::boolean[], %s::integer[], %s::numeric[],
                        %s::boolean[], %s::text[], %s::text[])
                 AS u(sheet_id, item_id, points, passed, count, value, failed, counted, override_reason)
            {on_conflict}""", [rater_id, entered_by_id, now, *(list(column) for column in zip(*rows))])
        return
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', 1, %s, %s)"] * len(rows))
    params = [value for row in rows for value in (row[0], row[1], rater_id, *row[2:], entered_by_id, now)]
    cursor.execute(f"INSERT INTO standards_itemscore ({SCORE_COLUMNS}) VALUES {values} {on_conflict}", params)


def _stored_reasons(assessment: Assessment, rater: RaterGroup, keys) -> dict:
    """{(sheet_id, item_id): (entry fields, override_reason)} of the overridden scores among ``keys``."""
    keys = set(keys)
    scores = ItemScore.objects.filter(sheet__assessment=assessment, rater=rater, sheet_id__in={k[0] for k in keys},
                                      item_id__in={k[1] for k in keys}).exclude(override_reason="")
    return {(sheet_id, item_id): ({"points": points, "passed": passed, "count": count}, reason)
            for sheet_id, item_id, points, passed, count, reason in scores.values_list(
                "sheet_id", "item_id", "points", "passed", "count", "override_reason")
            if (sheet_id, item_id) in keys}


def _score_values():
    """score_value, remembered for the entries a batch repeats (a workbook's cells take a few values per item):
    the same item and entry always give the same checked fields, value and failure."""
    known = {}

    def entry_of(item: Item, points, passed, count):
        key = (item.pk, type(points), points, passed, count)
        try:
            return known[key]
        except KeyError:
            result = known[key] = score_value(item, points=points, passed=passed, count=count)
            return result
        except TypeError:  # an unhashable entry: checked (and refused) by score_value itself
            return score_value(item, points=points, passed=passed, count=count)
    return entry_of


def _write_scores(user, assessment: Assessment, rater: RaterGroup, rows, *, counted: dict | None = None,
                  on_conflict: str = UPSERT_CONFLICT) -> int:
    """Upserts (sheet_id, item_id, points, passed, count[, override_reason]) rows, one statement per chunk; no
    per-score change records. Each entry is checked against its item and, for an item the registers count,
    against the count (one pass per source and chunk, unless ``counted`` gives them); a score that exists gets
    its revision moved on."""
    items = {item.pk: item for item in Item.objects.filter(version_id=assessment.version_id)}
    roots = _scorer_roots(user, assessment, rater)
    entered_by = _user_or_none(user)
    entered_by_id = entered_by.pk if entered_by else None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    written = 0
    rows = list(rows)
    size = BULK_CHUNK_ARRAYS if connection.vendor == "postgresql" else BULK_CHUNK
    entry_of = _score_values()
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        sheet_ids = {int(row[0]) for row in chunk}
        paths = dict(Sheet.objects.filter(assessment=assessment, pk__in=sheet_ids).values_list("pk", "org_path"))
        for sheet_id in sheet_ids:
            if sheet_id not in paths:
                refuse(_("Score sheet %(id)s is not part of this assessment.") % {"id": sheet_id})
            if roots is not None and not in_subtree(paths[sheet_id], roots):
                require_in_scope(user, paths[sheet_id], realm="org")
        checked = {}  # the last entry of a (sheet, item) given twice wins
        for row in chunk:
            if len(row) not in (5, 6):
                refuse(_("A score row has the sheet, the item, the points, passed, the count and, optionally, "
                         "the reason for overriding the count."))
            sheet_id, item_id, points, passed, count = row[:5]
            item = items.get(int(item_id))
            if item is None:
                refuse(_("Item %(id)s is not part of this standard.") % {"id": item_id})
            fields, value, failed = entry_of(item, points, passed, count)
            checked[(int(sheet_id), item.pk)] = (item, fields, value, failed, row[5] if len(row) == 6 else None)
        chunk_counted = counted
        if chunk_counted is None:
            sourced = {item.pk: item for item, *_rest in checked.values() if item.source}
            chunk_counted = counted_entries(assessment, sheet_ids, sourced.values()) if sourced else {}
        unexplained = [key for key, (_item, fields, _v, _f, reason) in checked.items()
                       if reason is None and key in chunk_counted and not same_entry(fields, chunk_counted[key])]
        stored = _stored_reasons(assessment, rater, unexplained) if unexplained else {}
        entries = {}
        for key, (item, fields, value, failed, reason) in checked.items():
            if reason is None and key in stored and stored[key][0] == fields:
                reason = stored[key][1]
            try:
                entry_counted, entry_reason = counted_check(item, fields, chunk_counted.get(key), reason)
            except ValidationError as error:
                refuse(f"{item.code}: {' '.join(error.messages)}", field="override_reason",
                       code="override_needs_reason")
            entries[key] = (fields, value, failed, entry_counted, entry_reason)
        with connection.cursor() as cursor:
            _upsert(cursor, rater.pk, entered_by_id, now, entries, on_conflict)
        written += len(chunk)
    return written


@transaction.atomic
def scores_bulk_set(*, user, assessment: Assessment, rater: RaterGroup, rows) -> int:
    """Saves many scores of one rater group at once (an import, a sheet saved whole). Returns how many.

    Each row is ``(sheet_id, item_id, points, passed, count)`` or ``(sheet_id, item_id, points, passed, count,
    override_reason)``: the one of points / passed / count the item's kind takes, the others None. For an item
    whose source the registers count, an entry other than the count needs a non-blank ``override_reason``
    (the whole batch is refused, code "override_needs_reason", otherwise; a row without one keeps the stored
    reason of an entry it leaves as it was); the count is stored with the entry (``ItemScore.counted``)."""
    assessment = Assessment.objects.get(pk=assessment.pk)
    if rater.version_id != assessment.version_id:
        refuse(_("This item or rater group belongs to another version of the standard."))
    _require_open(assessment, rater)
    written = _write_scores(user, assessment, rater, rows)
    record_change(assessment, ChangeRecord.Action.UPDATE,
                  message=_("%(count)s scores of %(group)s saved.") % {"count": written, "group": rater.name})
    return written


@transaction.atomic
def declare_tier(*, user, sheet: Sheet, tier_code: str) -> Sheet:
    """The subject declares the tier it seeks (自查申报); "" withdraws the declaration."""
    sheet = Sheet.objects.select_related("assessment").select_for_update(of=("self",)).get(pk=sheet.pk)
    _require_open(sheet.assessment)
    require_in_scope(user, sheet.org_path, realm="org")
    if tier_code and not Tier.objects.filter(version_id=sheet.assessment.version_id, code=tier_code).exists():
        refuse(_("Unknown tier “%(code)s”.") % {"code": tier_code}, field="declared_tier")
    before = snapshot(sheet)
    sheet.declared_tier = tier_code or ""
    sheet.save(update_fields=["declared_tier", "updated_at"])
    record_change(sheet, ChangeRecord.Action.UPDATE, before=before)
    return sheet


@transaction.atomic
def evidence_add(*, user, score: ItemScore, uploaded_file) -> Evidence:
    score = ItemScore.objects.select_related("sheet__assessment", "rater").get(pk=score.pk)
    _require_open(score.sheet.assessment, score.rater)
    _require_scorer(user, score.sheet, score.sheet.assessment, score.rater)
    name = (getattr(uploaded_file, "name", "") or "file").rsplit("/", 1)[-1][:200]
    evidence = Evidence.objects.create(score=score, file=uploaded_file, name=name, uploaded_by=_user_or_none(user))
    _record(score, ChangeRecord.Action.UPDATE, score.sheet.org_path,
            message=_("Evidence added: %(name)s") % {"name": name})
    return evidence


def _locked_assessment(user, assessment: Assessment) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require_in_scope(user, assessment.owner_path, realm="org")
    return assessment


def _rater(assessment: Assessment, rater_code: str) -> RaterGroup:
    rater = RaterGroup.objects.filter(version_id=assessment.version_id, code=rater_code).first()
    if rater is None:
        refuse(_("Unknown rater group “%(code)s”.") % {"code": rater_code})
    return rater


@transaction.atomic
def rater_lock(*, user, assessment: Assessment, rater_code: str) -> Assessment:
    """Locks a rater group's scores (its campaign stage closed)."""
    assessment = _locked_assessment(user, assessment)
    _rater(assessment, rater_code)
    if rater_code not in assessment.locked_groups:
        before = snapshot(assessment)
        assessment.locked_groups = [*assessment.locked_groups, rater_code]
        assessment.save(update_fields=["locked_groups", "updated_at"])
        record_change(assessment, ChangeRecord.Action.UPDATE, before=before)
    return assessment


@transaction.atomic
def rater_unlock(*, user, assessment: Assessment, rater_code: str) -> Assessment:
    assessment = _locked_assessment(user, assessment)
    if rater_code in assessment.locked_groups:
        before = snapshot(assessment)
        assessment.locked_groups = [code for code in assessment.locked_groups if code != rater_code]
        assessment.save(update_fields=["locked_groups", "updated_at"])
        record_change(assessment, ChangeRecord.Action.UPDATE, before=before)
    return assessment


@transaction.atomic
def assessment_close(*, user, assessment: Assessment) -> Assessment:
    assessment = _locked_assessment(user, assessment)
    if assessment.status != Assessment.Status.CLOSED:
        before = snapshot(assessment)
        assessment.status = Assessment.Status.CLOSED
        assessment.save(update_fields=["status", "updated_at"])
        record_change(assessment, ChangeRecord.Action.UPDATE, before=before)
    return assessment


def _counted_rows(counted: dict, skip=()) -> list:
    return [(sheet_id, item_id, entry.get("points"), entry.get("passed"), entry.get("count"))
            for (sheet_id, item_id), entry in counted.items() if (sheet_id, item_id) not in skip]


@transaction.atomic
def fill_from_sources(*, user, assessment: Assessment, rater_code: str) -> int:
    """Fills every item that names a registered data source from the system's own data, except the entries a
    rater overrode with a reason. Returns how many."""
    assessment = _locked_assessment(user, assessment)
    rater = _rater(assessment, rater_code)
    _require_open(assessment, rater)
    counted = counted_entries(assessment)
    overridden = set(ItemScore.objects.filter(sheet__assessment=assessment, rater=rater).exclude(override_reason="")
                     .values_list("sheet_id", "item_id"))
    written = _write_scores(None, assessment, rater, _counted_rows(counted, overridden), counted=counted)
    if written:
        record_change(assessment, ChangeRecord.Action.UPDATE,
                      message=_("%(count)s scores filled from the registers.") % {"count": written})
    return written


def _fill_missing_counts(assessment: Assessment) -> None:
    """Gives each counting rater group (weight above 0) the count of every sourced item it left without an
    entry; entries that exist, overridden or not, stay. A lock keeps the raters' entries from changing; it does
    not keep the registers' count out of an item nobody entered."""
    if assessment.status != Assessment.Status.OPEN:
        return
    counted = counted_entries(assessment)
    if not counted:
        return
    rows = _counted_rows(counted)
    for rater in RaterGroup.objects.filter(version_id=assessment.version_id, weight__gt=0):
        _write_scores(None, assessment, rater, rows, counted=counted, on_conflict=KEEP_EXISTING)


@transaction.atomic
def compute_results(*, user, assessment: Assessment) -> dict:
    """Computes every sheet's total, veto, tier, ranks and consequence (engines.standards.compute) from the stored
    entries, once each sourced item nobody entered has taken the registers' count (_fill_missing_counts)."""
    assessment = _locked_assessment(user, assessment)
    _fill_missing_counts(assessment)
    before = snapshot(assessment)
    result = compute.compute(assessment)
    assessment.computed_at = timezone.now()
    assessment.save(update_fields=["computed_at", "updated_at"])
    record_change(assessment, ChangeRecord.Action.UPDATE, before=before)
    return result


# Titles and targets ----------------------------------------------------------------------------------------


def _subject_path(subject) -> str:
    return subject.org_path if isinstance(subject, Person) else subject.path


def _grant(*, user, standard: Standard, tier: Tier, subject, period_label, granted_on, granted_by, decision_no,
           sheet=None) -> TitleAward:
    person = subject if isinstance(subject, Person) else None
    award = TitleAward.objects.create(
        standard=standard, tier_code=tier.code, tier_level=tier.level, title=tier.title or tier.name,
        organization=None if person else subject, person=person, org_path=_subject_path(subject), sheet=sheet,
        period_label=period_label, granted_on=granted_on, granted_by=granted_by, decision_no=decision_no or "",
        granted_user=_user_or_none(user),
    )
    record_change(award, ChangeRecord.Action.CREATE)
    return award


def _revoke(*, user, award: TitleAward, revoked_on, reason, note="", decision_no="") -> TitleAward:
    before = snapshot(award)
    award.status = TitleAward.Status.REVOKED
    award.revoked_on = revoked_on
    award.revoke_reason = reason
    award.revoke_note = note[:300]
    award.revoke_decision_no = decision_no or ""
    award.revoked_user = _user_or_none(user)
    award.save()
    record_change(award, ChangeRecord.Action.UPDATE, before=before)
    return award


@transaction.atomic
def title_grant(*, user, standard: Standard, tier_code: str, subject, period_label: str,
                granted_on: datetime.date, granted_by: str, decision_no: str = "", sheet=None) -> TitleAward:
    """Names a subject with a tier's title by decision (命名授牌)."""
    require_in_scope(user, _subject_path(subject), realm="org")
    tier = Tier.objects.filter(version_id=standard.current_version_id, code=tier_code).first()
    if tier is None:
        refuse(_("Unknown tier “%(code)s”.") % {"code": tier_code}, field="tier_code")
    return _grant(user=user, standard=standard, tier=tier, subject=subject, period_label=period_label,
                  granted_on=granted_on, granted_by=granted_by, decision_no=decision_no, sheet=sheet)


@transaction.atomic
def title_revoke(*, user, award: TitleAward, revoked_on: datetime.date, reason: str, note: str = "",
                 decision_no: str = "") -> TitleAward:
    """Removes a title (摘牌) with a reason; its history stays."""
    award = TitleAward.objects.select_for_update().get(pk=award.pk)
    require_in_scope(user, award.org_path, realm="org")
    if award.status != TitleAward.Status.ACTIVE:
        refuse(_("This title has already been removed."))
    if reason not in TitleAward.RevokeReason.values:
        refuse(_("Choose a reason for the removal."), field="reason")
    if revoked_on < award.granted_on:
        refuse(_("A title cannot be removed before it was granted."), field="revoked_on")
    official.record_number(decision_no, title="摘牌决定")
    return _revoke(user=user, award=award, revoked_on=revoked_on, reason=reason, note=note, decision_no=decision_no)


@transaction.atomic
def target_set(*, user, standard: Standard, organization: Organization, tier_code: str, year: int,
               share) -> Target:
    """Plans the share of subjects under ``organization`` reaching ``tier_code`` (or better) by ``year``."""
    require_in_scope(user, organization.path, realm="org")
    share = _as_decimal(share, "share")
    if not Decimal("0") <= share <= Decimal("1"):
        refuse(_("The planned share lies between 0 and 100%."), field="share")
    if not Tier.objects.filter(version__standard=standard, code=tier_code).exists():
        refuse(_("Unknown tier “%(code)s”.") % {"code": tier_code}, field="tier_code")
    target = Target.objects.select_for_update().filter(standard=standard, organization=organization,
                                                       tier_code=tier_code, year=year).first()
    if target is None:
        target = Target.objects.create(standard=standard, organization=organization, org_path=organization.path,
                                       tier_code=tier_code, year=year, share=share)
        record_change(target, ChangeRecord.Action.CREATE)
        return target
    before = snapshot(target)
    target.share = share
    target.save()
    record_change(target, ChangeRecord.Action.UPDATE, before=before)
    return target

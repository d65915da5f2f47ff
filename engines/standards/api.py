"""The standards engine over the API: standards and their files, assessments, scores, results, titles, targets.

Reads go through ``restrict`` (directly or through engines.standards.selectors); writes through
engines.standards.services, which check the caller's scope again. Outside the scope: 404.
"""
import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kernel.core import rates
from kernel.core.api import (
    In,
    NeedsConfirmationOut,
    Page,
    PageParams,
    Ref,
    Year,
    choice,
    get_scoped,
    paginate,
    ref,
    run_service,
    scoped,
    yaml_file_responses,
)
from kernel.core.pdf import pdf_file_responses, pdf_response, render_official
from kernel.core.scope import CHANGE, VIEW
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import documents, naming, services
from .format import FormatError
from .library import export_filename, standard_import, version_of
from .models import (
    Assessment,
    ItemKind,
    ItemScore,
    PeriodKind,
    Sheet,
    Standard,
    StandardVersion,
    SubjectKind,
    Target,
    TitleAward,
)

router = Router(tags=["standards"])


# --- schemas ----------------------------------------------------------------------------------------------------

class StandardOut(Schema):
    id: int
    code: str
    name: str
    description: str
    owner: Ref
    subject: choice(SubjectKind)
    period: choice(PeriodKind)
    current_version: int | None = Field(..., description="The current version's number.")


class VersionOut(Schema):
    id: int
    number: int
    frozen: bool = Field(..., description="In use by an assessment: editing makes the next version.")
    max_total: float
    note: str
    created_at: datetime.datetime


class RaterOut(Schema):
    code: str
    name: str
    weight: float


class ItemOut(Schema):
    id: int
    code: str
    title: str
    kind: choice(ItemKind)
    max: float
    half_points: bool
    threshold: int | None
    unit: str
    veto: bool
    source: str
    guidance: str


class SectionOut(Schema):
    code: str
    title: str
    items: list[ItemOut]


class TierOut(Schema):
    code: str
    name: str
    level: int
    min_total: float | None
    no_veto: bool
    all_pass: bool
    requires_tier: str
    title: str


class VersionDetailOut(VersionOut):
    standard: StandardOut
    applies_to: dict[str, list[str]]
    consequences: dict[str, int | str]
    raters: list[RaterOut]
    sections: list[SectionOut]
    tiers: list[TierOut]


class StandardDetailOut(StandardOut):
    versions: list[VersionOut]
    current: VersionDetailOut | None


class ImportIn(In):
    owner: int = Field(..., description="The owning organization's id (for an existing standard: its owner).")
    text: str = Field(..., description="The standard file (YAML); see the README's 'Standards file format'.")


class StandardRef(Schema):
    id: int
    code: str
    name: str


class AssessmentOut(Schema):
    id: int
    name: str
    standard: StandardRef
    version: int = Field(..., description="The number of the standard's version it is scored with.")
    version_id: int
    owner: Ref
    period_kind: choice(PeriodKind)
    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    class_by: str
    status: choice(Assessment.Status)
    locked_groups: list[str]
    computed_at: datetime.datetime | None


class TierCountsOut(Schema):
    subjects: int
    by_tier: dict[str, int] = Field(..., description="Subjects reaching each tier or a better one.")
    vetoed: int


class AssessmentDetailOut(AssessmentOut):
    raters: list[RaterOut]
    tiers: list[TierOut]
    counts: TierCountsOut


class AssessmentFilters(Schema):
    standard: int | None = Field(None, description="A standard's id.")
    status: choice(Assessment.Status) | None = None
    period_label: str | None = None


class AssessmentIn(In):
    version: int = Field(..., description="The id of the standard version to score with.")
    owner: int = Field(..., description="The organization that runs it; subjects default to its subtree.")
    name: str
    period_kind: choice(PeriodKind)
    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    subjects: list[int] | None = Field(None, description="Organization (or person) ids; default: every subject "
                                                         "the standard applies to under the owner.")
    class_by: str = "domain"


class SubjectOut(Schema):
    kind: choice(SubjectKind)
    id: int
    name: str


class ResultOut(Schema):
    id: int
    subject: SubjectOut
    parent: Ref | None
    class_key: str
    declared_tier: str
    total: float | None
    vetoed: bool
    tier: str
    tier_level: int
    rank_parent: int | None
    rank_class: int | None
    rank_all: int | None
    lagging: bool
    consequence: choice(Sheet.Consequence)


class ResultFilters(Schema):
    under: int | None = Field(None, description="An organization's id: only subjects in its subtree.")
    tier: str | None = Field(None, description="Only results reaching this tier (or a better one).")
    class_key: str | None = None
    q: str | None = Field(None, description="The subject's name.")


class ScoreOut(Schema):
    id: int
    item: int
    item_code: str
    rater: str
    points: float | None
    passed: bool | None
    count: int | None
    value: float
    failed: bool
    note: str
    counted: dict[str, int | float | bool] | None = Field(
        ..., description="For an item the registers count: the count when the entry was written, e.g. {\"count\": 4}.")
    override_reason: str = Field(..., description="Why the entry differs from the count (blank when it does not).")
    revision: int = Field(..., description="Send it back as expected_revision: a write on a stale one is a 409.")
    entered_at: datetime.datetime


class SheetScoresOut(Schema):
    sheet: ResultOut
    assessment: int
    scores: list[ScoreOut]
    counted: dict[str, dict[str, int | float | bool]] = Field(
        ..., description="What the registers count now for each sourced item, by item code.")


class ScoreIn(In):
    item: int = Field(..., description="The item's id.")
    rater: str = Field(..., description="The rater group's code.")
    points: float | None = None
    passed: bool | None = None
    count: int | None = Field(None, ge=0)
    note: str | None = None
    override_reason: str | None = Field(None, description="Needed when an item the registers count is given "
                                                          "another value (422 override_needs_reason without it).")
    expected_revision: int | None = Field(None, description="The revision read; omit to write whatever is there.")


class TitleOut(Schema):
    id: int
    standard: StandardRef
    tier: str
    title: str
    subject: SubjectOut
    period_label: str
    status: choice(TitleAward.Status)
    granted_on: datetime.date
    granted_by: str
    decision_no: str
    revoked_on: datetime.date | None
    revoke_reason: choice(TitleAward.RevokeReason, blank=True)
    revoke_note: str
    revoke_decision_no: str
    sheet: int | None


class TitleFilters(Schema):
    standard: int | None = None
    status: choice(TitleAward.Status) | None = None
    under: int | None = Field(None, description="An organization's id: titles of subjects in its subtree.")
    period_label: str | None = None


class TitleGrantIn(In):
    standard: int
    tier: str
    organization: int | None = None
    person: int | None = None
    period_label: str
    granted_on: datetime.date
    granted_by: str
    decision_no: str = ""


class TitleRevokeIn(In):
    revoked_on: datetime.date
    reason: choice(TitleAward.RevokeReason)
    note: str = ""
    decision_no: str = ""


class TitlesFromResultsIn(In):
    granted_on: datetime.date
    granted_by: str
    decision_no: str = ""
    confirm: bool = Field(False, description="Names only when true; otherwise 409 with what naming would do.")


class TitlesFromResultsOut(Schema):
    granted: int
    revoked: int
    kept: int


class NamingPreviewCountsOut(NeedsConfirmationOut):
    """What naming from the results would do; send the request again with ``confirm: true`` to do it."""

    counts: dict[str, int] = Field(..., description="granted, kept, not_assessed (titles kept by holders with no "
                                                     "result), revoked, unassessed_sheets")


class TargetOut(Schema):
    id: int
    organization: Ref
    tier: str
    year: int
    share: float


class TargetIn(In):
    organization: int
    tier: str
    year: int = Field(..., ge=1900, le=2200)
    share: float = Field(..., ge=0, le=1)


class TargetProgressOut(Schema):
    tier: str
    target: float | None
    subjects: int
    reached: int
    rate: float | None
    percent: float | None = Field(None, description="reached of subjects in percent, one decimal, rounded once "
                                  "half up (core/rates.py): 148 of 171 is 86.5.")


# --- answers ----------------------------------------------------------------------------------------------------

def _float(value):
    return None if value is None else float(value)


def standard_data(standard: Standard) -> dict:
    version = standard.current_version
    return {"id": standard.pk, "code": standard.code, "name": standard.name, "description": standard.description,
            "owner": ref(standard.owner), "subject": standard.subject_kind, "period": standard.period_kind,
            "current_version": version.number if version else None}


def version_data(version: StandardVersion) -> dict:
    return {"id": version.pk, "number": version.number, "frozen": version.frozen,
            "max_total": float(version.max_total), "note": version.note, "created_at": version.created_at}


def version_detail(version: StandardVersion) -> dict:
    items_by_section: dict = {}
    for item in version.items.all():
        items_by_section.setdefault(item.section_id, []).append({
            "id": item.pk, "code": item.code, "title": item.title, "kind": item.kind,
            "max": float(item.max_points), "half_points": item.half_points, "threshold": item.threshold,
            "unit": item.unit, "veto": item.veto, "source": item.source, "guidance": item.guidance})
    return {
        **version_data(version),
        "standard": standard_data(version.standard),
        "applies_to": version.applies_to or {},
        "consequences": version.consequences or {},
        "raters": raters_data(version),
        "sections": [{"code": s.code, "title": s.title, "items": items_by_section.get(s.pk, [])}
                     for s in version.sections.all()],
        "tiers": tiers_data(version),
    }


def raters_data(version) -> list[dict]:
    return [{"code": r.code, "name": r.name, "weight": float(r.weight)} for r in version.rater_groups.all()]


def tiers_data(version) -> list[dict]:
    return [{"code": t.code, "name": t.name, "level": t.level, "min_total": _float(t.min_total),
             "no_veto": t.no_veto, "all_pass": t.all_pass, "requires_tier": t.requires_tier, "title": t.title}
            for t in version.tiers.all()]


def standard_ref(standard: Standard) -> dict:
    return {"id": standard.pk, "code": standard.code, "name": standard.name}


def assessment_data(assessment: Assessment) -> dict:
    version = assessment.version
    return {
        "id": assessment.pk, "name": assessment.name, "standard": standard_ref(version.standard),
        "version": version.number, "version_id": version.pk, "owner": ref(assessment.owner),
        "period_kind": assessment.period_kind, "period_start": assessment.period_start,
        "period_end": assessment.period_end, "period_label": assessment.period_label,
        "class_by": assessment.class_by, "status": assessment.status,
        "locked_groups": list(assessment.locked_groups or []), "computed_at": assessment.computed_at,
    }


def subject_data(obj) -> dict:
    if obj.organization_id:
        return {"kind": SubjectKind.ORGANIZATION, "id": obj.organization_id, "name": obj.organization.name}
    return {"kind": SubjectKind.PERSON, "id": obj.person_id, "name": obj.person.name}


def result_data(sheet: Sheet) -> dict:
    return {
        "id": sheet.pk, "subject": subject_data(sheet), "parent": ref(sheet.parent), "class_key": sheet.class_key,
        "declared_tier": sheet.declared_tier, "total": _float(sheet.total), "vetoed": sheet.vetoed,
        "tier": sheet.tier, "tier_level": sheet.tier_level, "rank_parent": sheet.rank_parent,
        "rank_class": sheet.rank_class, "rank_all": sheet.rank_all, "lagging": sheet.lagging,
        "consequence": sheet.consequence,
    }


def results_page(sheets) -> list[dict]:
    return [result_data(sheet) for sheet in sheets]


def score_data(score: ItemScore) -> dict:
    return {
        "id": score.pk, "item": score.item_id, "item_code": score.item.code, "rater": score.rater.code,
        "points": _float(score.points), "passed": score.passed, "count": score.count, "value": float(score.value),
        "failed": score.failed, "note": score.note, "counted": score.counted, "override_reason": score.override_reason,
        "revision": score.revision, "entered_at": score.entered_at,
    }


def title_data(award: TitleAward) -> dict:
    return {
        "id": award.pk, "standard": standard_ref(award.standard), "tier": award.tier_code, "title": award.title,
        "subject": subject_data(award), "period_label": award.period_label, "status": award.status,
        "granted_on": award.granted_on, "granted_by": award.granted_by, "decision_no": award.decision_no,
        "revoked_on": award.revoked_on, "revoke_reason": award.revoke_reason, "revoke_note": award.revoke_note,
        "revoke_decision_no": award.revoke_decision_no, "sheet": award.sheet_id,
    }


def titles_page(awards) -> list[dict]:
    return [title_data(award) for award in awards]


def target_data(target: Target) -> dict:
    return {"id": target.pk, "organization": ref(target.organization), "tier": target.tier_code,
            "year": target.year, "share": float(target.share)}


# --- lookups ----------------------------------------------------------------------------------------------------

def visible_assessments(user):
    """Assessments run inside the user's scope, and those with a sheet inside it (a county's, seen by a township)."""
    own = Assessment.objects.restrict(user, VIEW).values("pk")
    with_sheets = Sheet.objects.restrict(user, VIEW).values("assessment_id")
    return Assessment.objects.filter(Q(pk__in=own) | Q(pk__in=with_sheets))


def get_assessment(request, assessment_id: int) -> Assessment:
    assessment = (visible_assessments(request.auth).filter(pk=assessment_id)
                  .select_related("version__standard", "owner").first())
    if assessment is None:
        raise Http404
    return assessment


def get_version(request, version_id: int) -> StandardVersion:
    standards = Standard.objects.restrict(request.auth, VIEW)
    version = (StandardVersion.objects.filter(pk=version_id, standard__in=standards)
               .select_related("standard__owner", "standard__current_version").first())
    if version is None:
        raise Http404
    return version


def get_org(request, org_id: int, action: str = VIEW) -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=org_id)


def _format_refused(exc: FormatError) -> ValidationError:
    return ValidationError({"text": [ValidationError(_("line %(line)d: %(reason)s") % {"line": line, "reason": reason},
                                                     code="format") for line, reason in exc.errors]})


def _conflict_or_invalid(call):
    try:
        return call()
    except services.Conflict:
        raise HttpError(409, _("The score was changed by someone else; reload and try again.")) from None


# --- standards --------------------------------------------------------------------------------------------------

@router.get("", response=Page[StandardOut])
@scoped(Standard)
def standard_list(request, page: Query[PageParams], q: str = "", subject: choice(SubjectKind) | None = None):
    standards = request.scoped().select_related("owner", "current_version")
    if q:
        standards = standards.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if subject:
        standards = standards.filter(subject_kind=subject)
    return paginate(standards.order_by("code"), page, lambda rows: [standard_data(s) for s in rows])


@router.get("/{int:standard_id}", response=StandardDetailOut)
@scoped(Standard)
def standard_detail(request, standard_id: int):
    standard = get_scoped(Standard.objects.select_related("owner", "current_version"), request.auth, pk=standard_id)
    current = standard.current_version
    return {**standard_data(standard), "versions": [version_data(v) for v in standard.versions.order_by("-number")],
            "current": version_detail(current) if current else None}


@router.get("/versions/{int:version_id}", response=VersionDetailOut)
@scoped(Standard)
def version_detail_view(request, version_id: int):
    return version_detail(get_version(request, version_id))


def _import(request, owner_id: int, text) -> StandardVersion:
    owner = get_org(request, owner_id, CHANGE)
    try:
        return run_service(request, standard_import, text=text, owner=owner)
    except FormatError as exc:
        raise _format_refused(exc) from None


@router.post("/import", response={200: VersionDetailOut, 201: VersionDetailOut})
@scoped(Standard)
def standard_import_text(request, payload: ImportIn):
    """Imports a standard file: 201 for a new version (or standard), 200 when nothing changed.

    A malformed file answers 422 with one error per problem, its message "line N: reason".
    """
    before = StandardVersion.objects.count()
    version = _import(request, payload.owner, payload.text)
    return Status(201 if StandardVersion.objects.count() > before else 200, version_detail(version))


@router.post("/import-file", response={200: VersionDetailOut, 201: VersionDetailOut})
@scoped(Standard)
def standard_import_file(request, owner: Form[int], file: File[UploadedFile]):
    """The same as /import, with the file uploaded as multipart/form-data."""
    before = StandardVersion.objects.count()
    version = _import(request, owner, file.read())
    return Status(201 if StandardVersion.objects.count() > before else 200, version_detail(version))


@router.get("/{int:standard_id}/export", openapi_extra=yaml_file_responses("The standard file."))
@scoped(Standard)
def standard_export_view(request, standard_id: int, version: int | None = None):
    """The standard file (YAML) of the current version, or of ``version`` (its number)."""
    standard = request.scoped.get(pk=standard_id)
    try:
        chosen = version_of(standard, version)
    except StandardVersion.DoesNotExist:
        raise Http404 from None
    from .format import dump

    response = HttpResponse(dump(chosen), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(chosen)}"'
    return response


# --- targets and progress ---------------------------------------------------------------------------------------

@router.get("/{int:standard_id}/targets", response=list[TargetOut])
@scoped(Target)
def target_list(request, standard_id: int, year: Year | None = None):
    standard = get_scoped(Standard.objects, request.auth, pk=standard_id)
    targets = (request.scoped().filter(standard=standard).select_related("organization")
               .order_by("year", "org_path", "tier_code"))
    if year:
        targets = targets.filter(year=year)
    return [target_data(target) for target in targets]


@router.put("/{int:standard_id}/targets", response=TargetOut)
@scoped(Target)
def target_set(request, standard_id: int, payload: TargetIn):
    standard = get_scoped(Standard.objects, request.auth, pk=standard_id)
    organization = get_org(request, payload.organization, CHANGE)
    target = run_service(request, services.target_set, standard=standard, organization=organization,
                         tier_code=payload.tier, year=payload.year, share=payload.share)
    return target_data(target)


@router.get("/{int:standard_id}/progress", response=list[TargetProgressOut])
@scoped(Standard)
def target_progress(request, standard_id: int, year: Year | None = None, under: int | None = None):
    """Per tier: the planned share for ``year`` (default: this year), subjects, how many reached it, the rate."""
    standard = get_scoped(Standard.objects.select_related("owner"), request.auth, pk=standard_id)
    root = get_org(request, under) if under else _top_in_scope(request, standard)
    from . import selectors

    rows = selectors.target_progress(request.auth, standard, year or datetime.date.today().year, root)
    return [{"tier": row["tier"], "target": _float(row.get("target")), "subjects": row["subjects"],
             "reached": row["reached"], "rate": _float(row.get("rate")),
             "percent": _float(rates.rate(row["reached"], row["subjects"]))} for row in rows]


def _top_in_scope(request, standard: Standard) -> Organization:
    """The standard's owner if the user sees it, else the user's top-most organization."""
    orgs = Organization.objects.restrict(request.auth, VIEW)
    org = orgs.filter(pk=standard.owner_id).first() or orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404
    return org


# --- assessments ------------------------------------------------------------------------------------------------

assessments = Router(tags=["assessments"])


@assessments.get("", response=Page[AssessmentOut])
@scoped(Assessment)
def assessment_list(request, filters: Query[AssessmentFilters], page: Query[PageParams]):
    rows = visible_assessments(request.auth).select_related("version__standard", "owner")
    if filters.standard:
        rows = rows.filter(version__standard_id=filters.standard)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.period_label:
        rows = rows.filter(period_label=filters.period_label)
    return paginate(rows.order_by("-period_start", "name", "pk"), page, lambda items: [assessment_data(a) for a in items])


def assessment_detail_data(request, assessment: Assessment) -> dict:
    from . import selectors

    counts = selectors.tier_counts(request.auth, assessment)
    return {**assessment_data(assessment), "raters": raters_data(assessment.version),
            "tiers": tiers_data(assessment.version),
            "counts": {"subjects": counts["subjects"], "by_tier": dict(counts["by_tier"]), "vetoed": counts["vetoed"]}}


@assessments.post("", response={201: AssessmentDetailOut})
@scoped(Assessment)
def assessment_create(request, payload: AssessmentIn):
    """Creates the score sheets of the subjects (default: every one the standard applies to under the owner)."""
    owner = get_org(request, payload.owner, CHANGE)
    version = get_version(request, payload.version)
    subjects = None
    if payload.subjects is not None:
        model = Person if version.standard.subject_kind == SubjectKind.PERSON else Organization
        wanted = set(payload.subjects)
        subjects = model.objects.restrict(request.auth, VIEW).filter(pk__in=wanted)
        if subjects.count() != len(wanted):
            raise Http404
    assessment = run_service(
        request, services.assessment_create, version=version, owner=owner, name=payload.name,
        period_kind=payload.period_kind, period_start=payload.period_start, period_end=payload.period_end,
        period_label=payload.period_label, subjects=subjects, class_by=payload.class_by)
    return Status(201, assessment_detail_data(request, get_assessment(request, assessment.pk)))


@assessments.get("/{int:assessment_id}", response=AssessmentDetailOut)
@scoped(Assessment)
def assessment_detail(request, assessment_id: int):
    return assessment_detail_data(request, get_assessment(request, assessment_id))


@assessments.post("/{int:assessment_id}/compute", response=AssessmentDetailOut)
@scoped(Assessment)
def assessment_compute(request, assessment_id: int):
    """Computes every sheet's total, veto, tier, ranks and consequence."""
    assessment = request.scoped.get(CHANGE, pk=assessment_id)
    run_service(request, services.compute_results, assessment=assessment)
    return assessment_detail_data(request, get_assessment(request, assessment_id))


@assessments.get("/{int:assessment_id}/results", response=Page[ResultOut])
@scoped(Sheet)
def assessment_results(request, assessment_id: int, filters: Query[ResultFilters], page: Query[PageParams]):
    """Every subject's result in rank order: total, veto, tier, rank within parent, class and overall."""
    assessment = get_assessment(request, assessment_id)
    under = get_org(request, filters.under) if filters.under else None
    from . import selectors

    sheets = selectors.results(request.auth, assessment, under=under, tier=filters.tier, class_key=filters.class_key,
                               search=filters.q or None)
    sheets = sheets.select_related("organization", "person", "parent")
    return paginate(sheets, page, results_page)


@assessments.post("/{int:assessment_id}/titles", response={200: TitlesFromResultsOut, 409: NamingPreviewCountsOut})
@scoped(TitleAward)
def assessment_titles(request, assessment_id: int, payload: TitlesFromResultsIn):
    """Names from the results as one recorded decision (standards/naming.py): the titles the results confer are
    granted, and those of subjects assessed in the period that fell short are removed. Without ``confirm`` it
    answers 409 with what it would do, and writes nothing."""
    assessment = get_scoped(Assessment.objects, request.auth, CHANGE, pk=assessment_id)
    if not payload.confirm:
        from .naming import naming_plan, plan_counts

        return Status(409, {"code": "confirmation_required", "counts": plan_counts([naming_plan(assessment)]),
                            "message": _("Naming would do what the counts say; send it again with confirm: true.")})
    return run_service(request, naming.titles_from_results, assessment=assessment, granted_on=payload.granted_on,
                       granted_by=payload.granted_by, decision_no=payload.decision_no)


# --- scores -----------------------------------------------------------------------------------------------------

sheets = Router(tags=["assessments"])


def get_sheet(request, sheet_id: int) -> Sheet:
    """A sheet in the caller's scope, or one a mechanism gives them to score (selectors.granted_sheet)."""
    from . import selectors

    sheets = Sheet.objects.select_related("organization", "person", "parent", "assessment__version")
    sheet = sheets.restrict(request.auth, VIEW).filter(pk=sheet_id).first()
    sheet = sheet or selectors.granted_sheet(request.auth, sheets, sheet_id)
    if sheet is None:
        raise Http404
    return sheet


@sheets.get("/{int:sheet_id}/scores", response=SheetScoresOut)
@scoped(Sheet)
def sheet_scores(request, sheet_id: int, rater: str | None = None):
    """The sheet's item scores, of every rater group or of ``rater`` (a group's code)."""
    sheet = get_sheet(request, sheet_id)
    scores = sheet.scores.select_related("item", "rater").order_by("rater__order", "item__order")
    if rater:
        scores = scores.filter(rater__code=rater)
    from .counting import counted_entries

    counted = counted_entries(sheet.assessment, [sheet.pk], sheet.assessment.version.items.exclude(source=""))
    codes = dict(sheet.assessment.version.items.values_list("pk", "code"))
    return {"sheet": result_data(sheet), "assessment": sheet.assessment_id,
            "scores": [score_data(score) for score in scores],
            "counted": {codes[item_id]: entry for (_sheet_id, item_id), entry in counted.items()}}


@sheets.put("/{int:sheet_id}/scores", response=ScoreOut)
@scoped(Sheet)
def score_put(request, sheet_id: int, payload: ScoreIn):
    """Sets one item's score for one rater group; with ``expected_revision``, a stale write answers 409."""
    sheet = get_sheet(request, sheet_id)
    version = sheet.assessment.version
    item = version.items.filter(pk=payload.item).first()
    rater = version.rater_groups.filter(code=payload.rater).first()
    if item is None or rater is None:
        raise Http404
    data = payload.model_dump(exclude_unset=True)
    data.pop("item"), data.pop("rater")
    score = _conflict_or_invalid(lambda: run_service(request, services.score_set, sheet=sheet, item=item,
                                                     rater=rater, **data))
    score = ItemScore.objects.select_related("item", "rater").get(pk=score.pk)
    return score_data(score)


# --- titles -----------------------------------------------------------------------------------------------------

titles = Router(tags=["titles"])


@titles.get("", response=Page[TitleOut])
@scoped(TitleAward)
def title_list(request, filters: Query[TitleFilters], page: Query[PageParams]):
    awards = request.scoped().select_related("standard", "organization", "person")
    if filters.standard:
        awards = awards.filter(standard_id=filters.standard)
    if filters.status:
        awards = awards.filter(status=filters.status)
    if filters.period_label:
        awards = awards.filter(period_label=filters.period_label)
    if filters.under:
        from kernel.core.tree import subtree_bounds

        lo, hi = subtree_bounds(get_org(request, filters.under).path)
        awards = awards.filter(org_path__gte=lo, org_path__lt=hi)
    return paginate(awards.order_by("-granted_on", "org_path", "pk"), page, titles_page)


def get_title(request, title_id: int, action: str = VIEW) -> TitleAward:
    return get_scoped(TitleAward.objects.select_related("standard", "organization", "person"), request.auth, action,
                      pk=title_id)


class TitleEventOut(Schema):
    title: int = Field(..., description="The title (id).")
    name: str
    tier: str
    event: Literal["granted", "kept", "removed"] = Field(
        ..., description="granted from this year's results, kept from an earlier year, or removed this year.")


class TitleYearStandardOut(Schema):
    standard: StandardRef
    events: list[TitleEventOut]


class TitleYearOut(Schema):
    year: int
    standards: list[TitleYearStandardOut]
    best: int | None = Field(..., description="The highest title held at the year's end (id), if any.")
    best_name: str
    step: Literal["", "up", "down", "same"] = Field(
        ..., description="The best title against the year before (逐步升创); empty the first year.")


@titles.get("/by-year", response=list[TitleYearOut])
@scoped(TitleAward)
def titles_by_year(request, organization: int | None = None, person: int | None = None):
    """An organization's or a person's titles year by year: granted, kept and removed, and the highest held."""
    from . import timeline

    if (organization is None) == (person is None):
        raise ValidationError(_("Name either an organization or a person."))
    subject = (get_org(request, organization) if organization is not None
               else get_scoped(Person.objects, request.auth, pk=person))
    return [title_year_data(row) for row in timeline.subject_titles(request.auth, subject)["years"]]


def title_year_data(row: dict) -> dict:
    return {"year": row["year"], "best": row["best"].pk if row["best"] else None,
            "best_name": row["best"].title if row["best"] else "", "step": row["step"],
            "standards": [{"standard": standard_ref(cell["standard"]), "events": [
                {"title": e["award"].pk, "name": e["award"].title, "tier": e["award"].tier_code, "event": e["event"]}
                for e in cell["events"]]} for cell in row["cells"] if cell["events"]]}


@titles.get("/{int:title_id}", response=TitleOut)
@scoped(TitleAward)
def title_detail(request, title_id: int):
    return title_data(get_title(request, title_id))


@titles.get("/{int:title_id}/certificate", response={200: str},
            openapi_extra=pdf_file_responses("The title's certificate (PDF)."))
@scoped(TitleAward)
def title_certificate(request, title_id: int):
    """The certificate (证书) of a title held; 404 for one removed or withdrawn."""
    award = get_title(request, title_id)
    if award.status != TitleAward.Status.ACTIVE:
        raise Http404
    return pdf_response(render_official("standards/certificate_pdf.html", documents.certificate_document(award),
                                        request), f"证书-{award.title}-{documents.subject_of(award)}.pdf",
                        attachment=True)


@titles.get("/{int:title_id}/removal", response={200: str},
            openapi_extra=pdf_file_responses("The removal decision of a title removed (PDF)."))
@scoped(TitleAward)
def title_removal(request, title_id: int):
    """The removal decision (摘牌决定) of a title removed; 404 for one held or withdrawn."""
    award = get_title(request, title_id)
    if award.status != TitleAward.Status.REVOKED:
        raise Http404
    return pdf_response(render_official("standards/decision_pdf.html", documents.removal_document(award), request),
                        f"摘牌决定-{award.revoke_decision_no or award.pk}.pdf", attachment=True)


@titles.post("", response={201: TitleOut})
@scoped(TitleAward)
def title_grant(request, payload: TitleGrantIn):
    """Grants a title by decision, to an organization or a person."""
    standard = get_scoped(Standard.objects, request.auth, pk=payload.standard)
    if (payload.organization is None) == (payload.person is None):
        raise ValidationError(_("Name either an organization or a person."))
    if payload.organization is not None:
        subject = get_org(request, payload.organization, CHANGE)
    else:
        subject = get_scoped(Person.objects, request.auth, CHANGE, pk=payload.person)
    award = run_service(request, services.title_grant, standard=standard, tier_code=payload.tier, subject=subject,
                        period_label=payload.period_label, granted_on=payload.granted_on,
                        granted_by=payload.granted_by, decision_no=payload.decision_no)
    return Status(201, title_data(get_title(request, award.pk)))


@titles.post("/{int:title_id}/revoke", response=TitleOut)
@scoped(TitleAward)
def title_revoke(request, title_id: int, payload: TitleRevokeIn):
    """Removes a title (摘牌) with its reason; its history stays."""
    award = get_title(request, title_id, CHANGE)
    run_service(request, services.title_revoke, award=award, revoked_on=payload.revoked_on, reason=payload.reason,
                note=payload.note, decision_no=payload.decision_no)
    return title_data(get_title(request, title_id))


router.add_router("/assessments", assessments)
router.add_router("/sheets", sheets)
router.add_router("/titles", titles)

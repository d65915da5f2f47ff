"""The assessment pages of the engine, for any standard: assessments, score sheets, results, charts,
bulletins, the title registry, a subject's history and the cockpit.

Views parse input, call engines.standards.services and engines.standards.selectors, and render. Every object comes
through ``restrict(user, action)``: outside the user's scope a page is a 404 as for a missing one.
An assessment run by a county is also seen by a township whose subjects it assesses, with only the
township's sheets (the selectors restrict sheets by the user's scope).
"""
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import official, paging, rates
from kernel.core.pdf import render_official
from kernel.core.scope import VIEW
from kernel.core.views import ScopedMixin, can_change, history_rows
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.models import Person

from . import counting, documents, exports, naming, selectors, services, timeline
from .forms import DeclareForm, GrantForm, ItemRaterForm, LockForm, ScoreForm, TitleRevokeForm, checked
from .models import Assessment, Evidence, Item, ItemScore, RaterGroup, Sheet, Standard, Tier, TitleAward
from .sources import class_labels

PAGE_SIZE = 50
SECTION = "standards"


# --- helpers -------------------------------------------------------------------------------------------------------

def visible_assessments(user):
    """Assessments the user runs (in scope) or whose sheets include some of the user's subjects."""
    own = Assessment.objects.restrict(user, VIEW).values("pk")
    assessed = Sheet.objects.restrict(user, VIEW).values("assessment_id")
    return Assessment.objects.filter(Q(pk__in=own) | Q(pk__in=assessed))


def can_run(user, assessment) -> bool:
    """Whether the user may compute, lock, close and name from ``assessment`` (it lies in their change scope)."""
    return can_change(user, assessment)


def page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


def paginate(request, queryset, size=PAGE_SIZE) -> dict:
    """One page of ``queryset`` (kernel.core.paging): its keys for the page's own pagination, and the whole as
    ``page`` for the count line above the list (``core/_list_count.html``)."""
    page = paging.paginate(request, queryset, size=size)
    return {**page, "page": page}


def org_from_query(user, value):
    """The organization ``value`` names, through the user's scope (404 outside it); None when not given."""
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return get_object_or_404(Organization.objects.restrict(user), pk=pk)


def default_root(user, assessment):
    """The subtree an assessment's figures are shown for: its owner if visible, else the user's own top."""
    owner = Organization.objects.restrict(user).filter(pk=assessment.owner_id).first()
    return owner or scope_root(user)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def as_number(value):
    return None if value is None else float(value)


def context(**values) -> dict:
    return {"section": SECTION, **values}


def send_pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "no-store"
    return response


class AssessmentMixin(ScopedMixin):
    """Fetches the assessment of the URL among those the user sees."""

    queryset = Assessment.objects.all()

    def get_assessment(self, pk, *, change=False):
        assessment = get_object_or_404(
            visible_assessments(self.request.user).select_related("version__standard", "owner"), pk=pk)
        if change and not can_run(self.request.user, assessment):
            raise PermissionDenied
        return assessment


# --- assessments ---------------------------------------------------------------------------------------------------

class AssessmentListView(ScopedMixin, View):
    queryset = Assessment.objects.all()

    def get(self, request):
        assessments = visible_assessments(request.user).select_related("version__standard", "owner")
        standard = request.GET.get("standard", "")
        if standard.isdigit():
            assessments = assessments.filter(version__standard_id=int(standard))
        status = request.GET.get("status", "")
        if status in Assessment.Status.values:
            assessments = assessments.filter(status=status)
        page = paginate(request, assessments.order_by("-period_start", "name", "pk"))
        standards = Standard.objects.restrict(request.user).order_by("code")
        return render(request, "standards/assessment_list.html", context(
            standards=standards, standard=standard, status=status, statuses=Assessment.Status.choices, **page))


class AssessmentDetailView(AssessmentMixin, View):
    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        version = assessment.version
        sheets = Sheet.objects.restrict(request.user).filter(assessment=assessment)
        raters = list(version.rater_groups.all())
        item_count = version.items.count()
        entered = dict(ItemScore.objects.filter(sheet__in=sheets).values_list("rater_id").annotate(n=Count("id")))
        sheet_count = sheets.count()
        for rater in raters:
            rater.entered = entered.get(rater.pk, 0)
            rater.expected = sheet_count * item_count
            rater.locked = rater.code in assessment.locked_groups
        search = request.GET.get("q", "").strip()
        listed = sheets.select_related("organization", "person", "parent").order_by("org_path", "pk")
        if search:
            listed = listed.filter(Q(organization__name__icontains=search) | Q(person__name__icontains=search))
        return render(request, "standards/assessment_detail.html", context(
            assessment=assessment, version=version, raters=raters, sheet_count=sheet_count, item_count=item_count,
            computed=sheets.filter(total__isnull=False).count(), search=search,
            can_run=can_run(request.user, assessment), today=timezone.localdate(),
            naming=naming_counts(assessment) if can_run(request.user, assessment) else None,
            tiers=list(version.tiers.all()), **paginate(request, listed)))


def naming_counts(assessment) -> dict:
    """What naming from the results would do now (standards/naming.py), shown before anyone confirms it."""
    from .naming import naming_plan, plan_counts

    return plan_counts([naming_plan(assessment)])


class AssessmentActionView(AssessmentMixin, View):
    """POST-only actions on an assessment; each redirects back to its page with a message."""

    def post(self, request, pk):
        assessment = self.get_assessment(pk, change=True)
        try:
            text = self.act(request, assessment)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, text)
        return HttpResponseRedirect(reverse("standards:assessment_detail", args=[assessment.pk]))


class ComputeView(AssessmentActionView):
    def act(self, request, assessment):
        services.compute_results(user=request.user, assessment=assessment)
        return _("Results computed.")


class LockView(AssessmentActionView):
    def act(self, request, assessment):
        data = checked(LockForm(request.POST))
        code = data["rater"]
        if not assessment.version.rater_groups.filter(code=code).exists():
            raise ValidationError(_("No such rater group."))
        if data["unlock"]:
            services.rater_unlock(user=request.user, assessment=assessment, rater_code=code)
            return _("The rater group's scores are open again.")
        services.rater_lock(user=request.user, assessment=assessment, rater_code=code)
        return _("The rater group's scores are locked.")


class CloseView(AssessmentActionView):
    def act(self, request, assessment):
        services.assessment_close(user=request.user, assessment=assessment)
        return _("The assessment is closed.")


class GrantFromResultsView(AssessmentActionView):
    def act(self, request, assessment):
        data = checked(GrantForm(request.POST))
        outcome = naming.titles_from_results(
            user=request.user, assessment=assessment, granted_on=data["granted_on"], granted_by=data["granted_by"],
            decision_no=data["decision_no"])
        return _("Titles granted: %(granted)s, removed: %(revoked)s, kept: %(kept)s.") % outcome


# --- the score sheet -----------------------------------------------------------------------------------------------

def read_only_reason(user, sheet, rater) -> str:
    assessment = sheet.assessment
    if assessment.status == Assessment.Status.CLOSED:
        return _("The assessment is closed.")
    if rater.code in (assessment.locked_groups or []):
        return _("The scores of %(rater)s are locked.") % {"rater": rater.name}
    if not services.may_score(user, sheet, rater):
        return _("You may view this sheet but not change it.")
    return ""


def rater_sum(sheet, rater) -> Decimal:
    total = ItemScore.objects.filter(sheet=sheet, rater=rater).aggregate(total=Sum("value"))["total"]
    return total or Decimal("0")


def entry_value(item, score) -> str:
    """What the entry field of ``item`` shows for ``score``."""
    if score is None:
        return ""
    if item.kind == "points":
        return "" if score.points is None else f"{score.points.normalize():f}"
    if item.kind == "count":
        return "" if score.count is None else str(score.count)
    return "" if score.passed is None else ("1" if score.passed else "0")


class SheetMixin(ScopedMixin):
    queryset = Sheet.objects.all()

    def get_sheet(self, pk):
        """A sheet in the user's scope, or one a mechanism gives them to score (an inspection team's village)."""
        sheets = Sheet.objects.select_related("assessment__version__standard", "organization", "person", "parent")
        sheet = sheets.restrict(self.request.user, self.scope_action).filter(pk=pk).first()
        sheet = sheet or selectors.granted_sheet(self.request.user, sheets, pk)
        if sheet is None:
            raise Http404
        return sheet


def with_counts(items, sheet, scores: dict) -> None:
    """Puts on each item its score, its entry and what the registers count for it (``counted``, as text)."""
    counted = counting.counted_entries(sheet.assessment, [sheet.pk], [item for item in items if item.source])
    for item in items:
        item.score = scores.get(item.pk)
        item.entry = entry_value(item, item.score)
        entry = counted.get((sheet.pk, item.pk))
        item.counted = "" if entry is None else counting.counted_text(entry)


class SheetView(SheetMixin, View):
    def get(self, request, pk):
        sheet = self.get_sheet(pk)
        version = sheet.assessment.version
        raters = list(version.rater_groups.all())
        if not raters:
            raise Http404
        rater = next((r for r in raters if r.code == request.GET.get("rater")), None)
        if rater is None:
            unlocked = [r for r in raters if r.code not in (sheet.assessment.locked_groups or [])]
            rater = (unlocked or raters)[0]
        scores = {score.item_id: score for score in
                  ItemScore.objects.filter(sheet=sheet, rater=rater).prefetch_related("evidence")}
        sections = OrderedDict()
        items = list(version.items.select_related("section").order_by("section__order", "order"))
        with_counts(items, sheet, scores)
        for item in items:
            sections.setdefault(item.section, []).append(item)
        return render(request, "standards/sheet.html", context(
            sheet=sheet, assessment=sheet.assessment, version=version, raters=raters, rater=rater,
            sections=list(sections.items()), read_only=read_only_reason(request.user, sheet, rater),
            running_total=rater_sum(sheet, rater), tiers=list(version.tiers.all()),
            can_declare=can_change(request.user, sheet) and sheet.assessment.status == Assessment.Status.OPEN,
            subject=sheet.organization or sheet.person))


def parse_entry(item, raw: str) -> dict:
    """The keyword arguments of score_set for what was typed; ValidationError when it is not a value."""
    raw = (raw or "").strip()
    if raw == "":
        raise ValidationError(_("Enter a value."))
    if item.kind == "pass_fail":
        if raw not in ("0", "1"):
            raise ValidationError(_("Choose passed or failed."))
        return {"passed": raw == "1"}
    if item.kind == "count":
        if not raw.isdigit():
            raise ValidationError(_("Enter a whole number."))
        return {"count": int(raw)}
    try:
        points = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not points.is_finite():
        raise ValidationError(_("Enter a number."))
    return {"points": points}


class ScoreSaveView(SheetMixin, View):
    """Saves one item's entry (and note) for one rater group; answers with the item's status in place."""

    def post(self, request, pk):
        sheet = self.get_sheet(pk)
        version = sheet.assessment.version
        form = ScoreForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        item = get_object_or_404(Item.objects.filter(version=version), pk=data["item"])
        rater = get_object_or_404(RaterGroup.objects.filter(version=version), code=data["rater"])
        reason = read_only_reason(request.user, sheet, rater)
        if reason:
            if not services.may_score(request.user, sheet, rater):
                raise PermissionDenied
            return self.answer(request, sheet, item, rater, error=reason)
        try:
            values = parse_entry(item, data["value"])
            services.score_set(user=request.user, sheet=sheet, item=item, rater=rater,
                               note=data["note"], expected_revision=data["revision"],  # 0: the page saw no score
                               override_reason=data["override_reason"] or None, **values)
        except services.Conflict:
            return self.answer(request, sheet, item, rater, conflict=True)
        except ValidationError as error:
            return self.answer(request, sheet, item, rater, error=error_text(error))
        return self.answer(request, sheet, item, rater, saved=True)

    def answer(self, request, sheet, item, rater, *, saved=False, error="", conflict=False):
        score = ItemScore.objects.filter(sheet=sheet, item=item, rater=rater).select_related("entered_by").first()
        with_counts([item], sheet, {item.pk: score} if score else {})
        response = render(request, "standards/_score_response.html", {
            "sheet": sheet, "item": item, "rater": rater, "score": score, "saved": saved, "error": error,
            "conflict": conflict, "running_total": rater_sum(sheet, rater), "version": sheet.assessment.version,
        })
        response["X-Score-Result"] = "conflict" if conflict else ("error" if error else "saved")
        return response


class EvidenceUploadView(SheetMixin, View):
    def post(self, request, pk):
        sheet = self.get_sheet(pk)
        version = sheet.assessment.version
        form = ItemRaterForm(request.POST)
        form.is_valid()
        item = get_object_or_404(Item.objects.filter(version=version), pk=form.cleaned_data["item"])
        rater = get_object_or_404(RaterGroup.objects.filter(version=version), code=form.cleaned_data["rater"])
        if not services.may_score(request.user, sheet, rater):
            raise PermissionDenied
        score = ItemScore.objects.filter(sheet=sheet, item=item, rater=rater).first()
        error = read_only_reason(request.user, sheet, rater)
        upload = request.FILES.get("file")
        if not error and score is None:
            error = _("Enter the score first, then attach its evidence.")
        if not error and upload is None:
            error = _("Choose a file.")
        if not error:
            try:
                services.evidence_add(user=request.user, score=score, uploaded_file=upload)
            except ValidationError as problem:
                error = error_text(problem)
        return render(request, "standards/_evidence.html", {
            "sheet": sheet, "item": item, "rater": rater, "score": score, "error": error,
            "evidence": list(score.evidence.all()) if score else [], "read_only": False})


class EvidenceDownloadView(ScopedMixin, View):
    scope_model = Sheet  # evidence is seen through the sheet it was uploaded to

    def get_queryset(self):
        return Evidence.objects.filter(score__sheet__in=self.scoped)

    def get(self, request, pk):
        evidence = get_object_or_404(self.get_queryset(), pk=pk)
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


class DeclareView(SheetMixin, View):
    def post(self, request, pk):
        sheet = self.get_sheet(pk)
        if not can_change(request.user, sheet):
            raise PermissionDenied
        form = DeclareForm(request.POST)
        form.is_valid()
        try:
            services.declare_tier(user=request.user, sheet=sheet, tier_code=form.cleaned_data["tier"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Declaration saved."))
        url = reverse("standards:sheet", args=[sheet.pk])
        rater = form.cleaned_data["rater"]
        return HttpResponseRedirect(f"{url}?rater={rater}" if rater else url)


# --- results, charts, bulletin -------------------------------------------------------------------------------------

class ResultsMixin(AssessmentMixin):
    def filtered(self, request, assessment):
        user = request.user
        under = org_from_query(user, request.GET.get("under"))
        tier = request.GET.get("tier", "") or None
        class_key = request.GET.get("class", "") or None
        search = request.GET.get("q", "").strip() or None
        sheets = selectors.results(user, assessment, under=under, tier=tier, class_key=class_key, search=search)
        sheets = sheets.select_related("organization", "person", "parent").order_by(
            "vetoed", "-total", "rank_all", "org_path", "pk")
        return under, sheets


class ResultsView(ResultsMixin, View):
    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        user = request.user
        under, sheets = self.filtered(request, assessment)
        version = assessment.version
        names = exports.tier_names(version)
        page = paginate(request, sheets)
        visible = Sheet.objects.restrict(user).filter(assessment=assessment)
        parents = Organization.objects.restrict(user).filter(
            pk__in=visible.values("parent_id")).order_by("path")
        keys = visible.exclude(class_key="").values_list("class_key", flat=True).distinct().order_by("class_key")
        class_names = class_labels(assessment.class_by, list(keys))
        classes = list(class_names.items())
        for sheet in page["rows"]:
            sheet.tier_name = names.get(sheet.tier, "")
            sheet.class_name = class_names.get(sheet.class_key, sheet.class_key)
        root = under or default_root(user, assessment)
        return render(request, "standards/results.html", context(
            assessment=assessment, version=version, tiers=list(version.tiers.all()), parents=parents,
            classes=classes, under=under, root=root, chart_data=chart_data(user, assessment, root, request),
            filters={k: request.GET.get(k, "") for k in ("under", "tier", "class", "q")}, **page))


def chart_data(user, assessment, root, request=None) -> dict:
    """The ECharts inputs: score distribution, and each child organization's pass rate against the target."""
    version = assessment.version
    tier = exports.pass_tier(version, request.GET.get("chart_tier") if request else None)
    distribution = selectors.score_distribution(user, assessment, under=root) if root else []
    children = selectors.pass_rate_by_child(user, assessment, root, tier.code) if tier and root else []
    target = None
    if tier and root:
        progress = selectors.target_progress(user, version.standard, assessment.period_end.year, root)
        target = next((row["target"] for row in progress if row["tier"] == tier.code), None)
    return {
        "distribution": {
            "labels": [f"{as_number(b['lo']):g}–{as_number(b['hi']):g}" for b in distribution],
            "counts": [b["count"] for b in distribution],
        },
        "pass_rate": {
            "tier": tier.name if tier else "",
            "labels": [row["org"].display_name for row in children],
            "rates": [float(rates.rate(row["reached"], row["subjects"]) or 0) for row in children],
            "reached": [row["reached"] for row in children],
            "subjects": [row["subjects"] for row in children],
            "target": None if target is None else float(rates.share_rate(target)),
        },
        "labels": {"subjects": _("Subjects"), "pass_rate": _("Pass rate"), "target": _("Target"),
                   "total": _("Total")},
    }


class ResultsXlsxView(ResultsMixin, View):
    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        _under, sheets = self.filtered(request, assessment)
        response = StreamingHttpResponse(exports.results_xlsx_stream(assessment, sheets),
                                         content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{assessment.name}-{assessment.period_label}.xlsx")
        response["Cache-Control"] = "no-store"
        return response


class ResultsPdfView(ResultsMixin, View):
    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        under, sheets = self.filtered(request, assessment)
        names = exports.tier_names(assessment.version)
        rows = list(sheets[:5000])
        for sheet in rows:
            sheet.tier_name = names.get(sheet.tier, "")
        data = exports.render_pdf("standards/results_pdf.html", {
            "assessment": assessment, "rows": rows, "root": under or default_root(request.user, assessment),
            "printed_on": timezone.localdate()}, request)
        return send_pdf(data, f"{assessment.name}-{assessment.period_label}.pdf")


class BulletinMixin(AssessmentMixin):
    def figures(self, request, pk):
        assessment = self.get_assessment(pk)
        root = org_from_query(request.user, request.GET.get("under")) or default_root(request.user, assessment)
        if root is None:
            raise Http404
        return exports.bulletin_figures(request.user, assessment, root)


class BulletinView(BulletinMixin, View):
    def get(self, request, pk):
        figures = self.figures(request, pk)
        assessment = figures["assessment"]
        children = Organization.objects.restrict(request.user).filter(parent=figures["root"]).order_by("path")
        defaults = documents.bulletin_defaults(assessment, figures["root"], children, today=timezone.localdate())
        defaults["date"] = defaults["date"].isoformat()
        return render(request, "standards/bulletin.html", context(
            **figures, subtrees=children, query_string=request.GET.urlencode(),
            document_form=documents.DocumentForm(initial=defaults),
            chart_data=chart_data(request.user, assessment, figures["root"])))


class BulletinXlsxView(BulletinMixin, View):
    def get(self, request, pk):
        figures = self.figures(request, pk)
        response = HttpResponse(exports.bulletin_xlsx(figures), content_type=exports.XLSX_CONTENT_TYPE)
        name = f"{figures['assessment'].name}-{figures['root'].name}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Cache-Control"] = "no-store"
        return response


class BulletinPdfView(BulletinMixin, View):
    """The bulletin as an official document (通报): GET with the defaults (or the fields in the query), POST from the
    bulletin page's form, which also records its 文号 so that the next bulletin's default follows it."""

    def get(self, request, pk):
        return self.answer(request, pk, request.GET)

    def post(self, request, pk):
        return self.answer(request, pk, request.POST, record=True)

    def answer(self, request, pk, data, *, record=False):
        figures = self.figures(request, pk)
        assessment, root = figures["assessment"], figures["root"]
        children = Organization.objects.restrict(request.user).filter(parent=root)
        defaults = documents.bulletin_defaults(assessment, root, children, today=timezone.localdate())
        values = documents.DocumentForm(data).values(defaults)
        values["number"] = official.normalize_number(values["number"])
        if record and can_change(request.user, assessment):
            official.record_number(values["number"], title=documents.bulletin_title(assessment))
        data = render_official("standards/bulletin_pdf.html", documents.bulletin_document(
            request.user, figures, **values), request)
        return send_pdf(data, f"通报-{assessment.name}-{root.name}.pdf")


# --- titles --------------------------------------------------------------------------------------------------------

class TitleListView(ScopedMixin, View):
    queryset = TitleAward.objects.all()

    def filtered(self, request):
        """The titles the filters of the query choose, and the organization they are under (if chosen)."""
        titles = self.get_queryset().select_related("standard", "organization", "person")
        standard = request.GET.get("standard", "")
        if standard.isdigit():
            titles = titles.filter(standard_id=int(standard))
        status = request.GET.get("status", "")
        if status in TitleAward.Status.values:
            titles = titles.filter(status=status)
        tier = request.GET.get("tier", "").strip()
        if tier:
            titles = titles.filter(tier_code=tier)
        under = org_from_query(request.user, request.GET.get("under"))
        if under is not None:
            titles = titles.filter(org_path__startswith=under.path)
        return titles, under, {"standard": standard, "status": status, "tier": tier}

    def get(self, request):
        titles, under, filters = self.filtered(request)
        codes = list(self.get_queryset().values_list("tier_code", flat=True).distinct().order_by("tier_code"))
        names = dict(Tier.objects.filter(code__in=codes).values_list("code", "name"))  # shown by name (达标)
        return render(request, "standards/title_list.html", context(
            standards=Standard.objects.restrict(request.user).order_by("code"), statuses=TitleAward.Status.choices,
            tiers=[(code, names.get(code, code)) for code in codes], under=under, filters=filters,
            **paginate(request, titles.order_by("-granted_on", "org_path", "pk"))))


def register_root(user, under):
    """The organization a title register is printed for: the one chosen, else the highest the user is granted."""
    if under is not None:
        return under
    return Organization.objects.restrict(user).order_by("path").first()


class TitleRegisterXlsxView(TitleListView):
    """The title register (称号台账): every title of the list's filters, granted and removed, with dates and
    decisions, as a workbook."""

    def get(self, request):
        titles, under, _filters = self.filtered(request)
        root = register_root(request.user, under)
        awards = titles.order_by("org_path", "granted_on", "pk")
        response = StreamingHttpResponse(documents.register_xlsx_stream(awards, root.path if root else ""),
                                         content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"称号台账-{root.name if root else ''}.xlsx")
        response["Cache-Control"] = "no-store"
        return response


class TitleRegisterPdfView(TitleListView):
    """The title register (称号台账) as a PDF, grouped by township."""

    def get(self, request):
        titles, under, _filters = self.filtered(request)
        root = register_root(request.user, under)
        awards = titles.order_by("org_path", "granted_on", "pk")
        data = render_official("standards/title_register_pdf.html", documents.register_document(
            awards, root, printed_on=timezone.localdate()), request)
        return send_pdf(data, f"称号台账-{root.name if root else ''}.pdf")


class TitleMixin(ScopedMixin):
    queryset = TitleAward.objects.all()

    def get_title(self, pk):
        return self.scoped_object(TitleAward.objects.select_related("standard", "organization", "person", "sheet"),
                                  pk=pk)


class TitleDetailView(TitleMixin, View):
    def get(self, request, pk):
        award = self.get_title(pk)
        subject = {"organization": award.organization} if award.organization_id else {"person": award.person}
        related = (TitleAward.objects.restrict(request.user).filter(standard=award.standard, **subject)
                   .exclude(pk=award.pk).order_by("-granted_on"))
        return render(request, "standards/title_detail.html", context(
            award=award, related=related, history=history_rows(request, award), today=timezone.localdate(),
            can_revoke=award.status == TitleAward.Status.ACTIVE and can_change(request.user, award),
            reasons=TitleAward.RevokeReason.choices))


class TitleRevokeView(TitleMixin, View):
    def post(self, request, pk):
        award = self.get_title(pk)
        if not can_change(request.user, award):
            raise PermissionDenied
        try:
            services.title_revoke(user=request.user, award=award, **checked(TitleRevokeForm(request.POST)))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The title was removed."))
        return HttpResponseRedirect(reverse("standards:title_detail", args=[award.pk]))


class CertificateView(TitleMixin, View):
    def get(self, request, pk):
        award = self.get_title(pk)
        subject = award.organization or award.person
        data = render_official("standards/certificate_pdf.html", documents.certificate_document(award), request)
        return send_pdf(data, f"证书-{award.title}-{subject}.pdf")


class TitleRemovalPdfView(TitleMixin, View):
    """The removal decision (摘牌决定) of one title removed on its own (on its page, with its 文号)."""

    def get(self, request, pk):
        award = self.get_title(pk)
        if award.status != TitleAward.Status.REVOKED:
            raise Http404
        data = render_official("standards/decision_pdf.html", documents.removal_document(award), request)
        return send_pdf(data, f"摘牌决定-{award.revoke_decision_no or award.pk}.pdf")


# --- a subject's history -------------------------------------------------------------------------------------------

class SubjectHistoryView(ScopedMixin, View):
    """Every period's result of one organization or person under one standard, with its titles."""

    queryset = Organization.objects.all()
    subject_model = Organization
    subject_field = "organization"

    def get(self, request, pk):
        subject = self.scoped_object(self.subject_model.objects.all(), pk=pk)
        lookup = {f"versions__assessments__sheets__{self.subject_field}": subject}
        standards = list(Standard.objects.restrict(request.user).filter(**lookup).distinct().order_by("code"))
        chosen = request.GET.get("standard", "")
        standard = next((s for s in standards if str(s.pk) == chosen), standards[0] if standards else None)
        sheets, titles, chart = [], [], {"labels": [], "ranks": [], "totals": []}
        if standard is not None:
            sheets = list(selectors.subject_history(request.user, standard, subject))
            names = {}
            for sheet in sheets:
                version = sheet.assessment.version
                if version.pk not in names:
                    names[version.pk] = exports.tier_names(version)
                sheet.tier_name = names[version.pk].get(sheet.tier, "")
            titles = (TitleAward.objects.restrict(request.user)
                      .filter(standard=standard, **{self.subject_field: subject}).order_by("granted_on", "pk"))
            chart = {"labels": [s.assessment.period_label for s in sheets],
                     "ranks": [s.rank_all for s in sheets], "totals": [as_number(s.total) for s in sheets],
                     "rank_label": _("Rank overall"), "total_label": _("Total")}
        return render(request, "standards/history.html", context(
            subject=subject, subject_kind=self.subject_field, standards=standards, standard=standard,
            sheets=sheets, titles=titles, chart=chart, by_year=timeline.subject_titles(request.user, subject)))


class PersonHistoryView(SubjectHistoryView):
    queryset = Person.objects.all()
    subject_model = Person
    subject_field = "person"


# --- the cockpit ---------------------------------------------------------------------------------------------------

class CockpitView(ScopedMixin, View):
    """Each standard's latest assessment at the user's subtree (or ?under=): tiers reached, targets, pass rates."""

    queryset = Standard.objects.all()

    def get(self, request):
        user = request.user
        root = org_from_query(user, request.GET.get("under")) or scope_root(user)
        panels = []
        if root is not None:
            for standard in self.get_queryset().order_by("code"):
                assessment = selectors.latest_assessment(user, standard)
                if assessment is None:
                    continue
                figures = exports.bulletin_figures(user, assessment, root, rank_rows=0)
                if not figures["subjects"]:
                    continue
                panels.append({"standard": standard, **figures})
        children = Organization.objects.restrict(user).filter(parent=root).order_by("path") if root else []
        return render(request, "standards/cockpit.html", context(
            root=root, panels=panels, subtrees=children,
            charts=[{
                "id": f"cockpit-chart-{panel['assessment'].pk}",
                "labels": [row["org"].display_name for row in panel["children"]],
                "rates": [float(rates.rate(row["reached"], row["subjects"]) or 0) for row in panel["children"]],
                "target": next((float(rates.share_rate(t["target"])) for t in panel["tiers"]
                                if panel["pass_tier"] and t["tier"].code == panel["pass_tier"].code
                                and t["target"] is not None), None),
            } for panel in panels]))

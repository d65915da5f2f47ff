"""The collective economy's pages: the villages of a year with their income and status (filters, workbook), one
village's incomes by year with its support and first secretaries, the plans against the actuals, the threshold
table, and the workbook import of a year's incomes (template, preview, apply, withdraw)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.versioned import VersionedTableView
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.workbook_upload import discard, open_stashed, stash, stashed
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root, under_filter
from kernel.people.forms import apply_service_errors

from . import imports, selectors, services
from .forms import ImportForm, IncomeForm, PlanForm, ReasonForm, SupportForm, ThresholdForm
from .models import (
    ELIMINATED,
    NEWLY_EMPTY,
    RECORDED,
    EliminationPlan,
    EmptyThreshold,
    Income,
    IncomeImport,
    IncomeSource,
    Support,
    VillageStatus,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STASH = "economy-import"


def status_choices():
    return [*VillageStatus.choices, (ELIMINATED, _("Eliminated this year")), (NEWLY_EMPTY, _("Newly empty")),
            (RECORDED, _("Income recorded"))]


def owners(user) -> list[Organization]:
    """The organizations whose plans, thresholds and imports the user may set: the top of the scope and the
    townships under it, those the user may change."""
    root = scope_root(user)
    if root is None:
        return []
    found = [root, *Organization.objects.restrict(user).filter(parent=root, org_type="party_committee")
             .order_by("path")]
    scope = scope_for(user)
    return [org for org in found if scope.covers(org.path, realm="org", action=CHANGE)
            and org.org_type in ("committee", "party_committee")]


def year_of(request, user) -> int:
    year = int_or_none(request.GET.get("year"))
    return year if year and 2000 <= year <= clock.today().year + 1 else selectors.default_year(user)


class VillagesMixin(ScopedMixin):
    queryset = Organization.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        status = request.GET.get("status") if request.GET.get("status") in dict(status_choices()) else ""
        return {"under": under, "under_choices": choices, "status": status, "year": year_of(request, request.user)}

    def rows(self, request, filters) -> tuple[list, dict]:
        every = selectors.village_years(selectors.villages(request.user, filters["under"]), filters["year"])
        return selectors.pick(every, filters["status"]), selectors.counts(every)


class VillagesView(VillagesMixin, View):
    def get(self, request):
        filters = self.filters(request)
        rows, found = self.rows(request, filters)
        page = paginate(request, rows)
        ids = [row.organization.pk for row in page["rows"]]
        support = selectors.support_map(ids, filters["year"])
        secretaries = selectors.first_secretaries(ids, filters["year"])
        for row in page["rows"]:
            row.support = support.get(row.organization.pk, [])
            row.secretaries = secretaries.get(row.organization.pk, [])
        base = f"{reverse('economy:villages')}?year={filters['year']}" + (
            f"&under={filters['under'].pk}" if filters["under"] else "")
        return render(request, "economy/villages.html", {
            **filters, "page": page, "counts": found, "statuses": status_choices(), "base": base,
            "query": request.GET.urlencode(), "years": range(clock.today().year, 2009, -1)})


class VillagesXlsxView(VillagesMixin, View):
    def get(self, request):
        filters = self.filters(request)
        rows, _found = self.rows(request, filters)
        ids = [row.organization.pk for row in rows]
        support = selectors.support_map(ids, filters["year"])
        secretaries = selectors.first_secretaries(ids, filters["year"])
        header = [_("Village"), _("Township"), _("Year"), *[label for _v, label in IncomeSource.choices],
                  _("Total (yuan)"), _("Threshold (yuan)"), _("Status"), _("Status last year"),
                  _("Department support"), _("First secretary")]
        data = ([row.organization.name, row.organization.parent.name if row.organization.parent else "", row.year,
                 *[row.amounts.get(source, "") for source in IncomeSource.values],
                 row.total if row.total is not None else "", row.line.min_income, str(row.status_label()),
                 str(VillageStatus(row.before).label), "、".join(support.get(row.organization.pk, [])),
                 "、".join(secretaries.get(row.organization.pk, []))] for row in rows)
        title = _("Collective economy %(year)s") % {"year": filters["year"]}
        response = StreamingHttpResponse(iter_xlsx(header, data, title=title), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
        return response


class VillageView(ScopedMixin, View):
    queryset = Organization.objects.filter(selectors.village_filter())

    def context(self, request, village, form=None, support_form=None) -> dict:
        years = sorted(set(Income.objects.restrict(request.user).filter(organization=village)
                           .values_list("year", flat=True)), reverse=True)
        history = []
        for year in years:
            row = selectors.village_years([village], year)[0]
            history.append(row)
        year = clock.today().year
        return {"village": village, "history": history, "sources": IncomeSource.choices,
                "can_change": scope_for(request.user).covers(village.path, realm="org", action=CHANGE),
                "form": form or IncomeForm(), "support_form": support_form or SupportForm(),
                "supports": Support.objects.restrict(request.user).filter(organization=village,
                                                                          withdrawn_on__isnull=True),
                "secretaries": selectors.first_secretaries([village.pk], year).get(village.pk, []),
                "line": selectors.line_for(village.path, year), "year": year}

    def get(self, request, pk):
        return render(request, "economy/village.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        village = self.get_scoped(pk=pk)
        if request.POST.get("action") == "support":
            form = SupportForm(request.POST)
            if form.is_valid():
                try:
                    services.support_add(user=request.user, organization=village, **form.cleaned_data)
                except PermissionDenied as error:
                    error_messages(request, error)
                    return redirect("economy:village", village.pk)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("The department's support is recorded."))
                    return redirect("economy:village", village.pk)
            return render(request, "economy/village.html", self.context(request, village, support_form=form),
                          status=422)
        form = IncomeForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            year = data.pop("year")
            try:
                services.incomes_set(user=request.user, organization=village, year=year, amounts=data)
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("economy:village", village.pk)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The incomes of %(year)s are recorded.") % {"year": year})
                return redirect("economy:village", village.pk)
        return render(request, "economy/village.html", self.context(request, village, form=form), status=422)


class SupportWithdrawView(ScopedMixin, View):
    queryset = Support.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        support = self.get_scoped(pk=pk)
        try:
            services.support_withdraw(user=request.user, support=support)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The support is withdrawn."))
        return redirect("economy:village", support.organization_id)


class PlansView(ScopedMixin, View):
    queryset = EliminationPlan.objects.all()

    def get(self, request, form=None, status=200):
        under, choices = under_filter(request.user, request.GET.get("under"))
        shown = []
        for plan in selectors.plans(request.user):
            base = plan.owner if under is None or not under.path.startswith(plan.owner_path) else under
            plan.rows = selectors.progress(plan, base)
            plan.base = base
            plan.can_change = scope_for(request.user).covers(plan.owner_path, realm="org", action=CHANGE)
            shown.append(plan)
        return render(request, "economy/plans.html", {
            "plans": shown, "under": under, "under_choices": choices,
            "form": form or PlanForm(owners=owners(request.user)), "can_plan": bool(owners(request.user)),
            "withdraw_form": ReasonForm(), "villages_url": reverse("economy:villages")}, status=status)

    def post(self, request):
        choices = {org.pk: org for org in owners(request.user)}
        form = PlanForm(request.POST, owners=choices.values())
        if not choices:
            raise PermissionDenied(_("Only those responsible for the organization set its plan."))
        if not form.is_valid():
            return self.get(request, form=form, status=422)
        data = dict(form.cleaned_data)
        owner = choices[data.pop("owner")]
        try:
            services.plan_create(user=request.user, owner=owner, **data)
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("economy:plans")
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, form=form, status=422)
        messages.success(request, _("The plan is recorded."))
        return redirect("economy:plans")


class PlanWithdrawView(ScopedMixin, View):
    queryset = EliminationPlan.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        plan = self.get_scoped(pk=pk)
        form = ReasonForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Say why the plan is withdrawn."))
            services.plan_withdraw(user=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The plan is withdrawn."))
        return redirect("economy:plans")


class ThresholdsView(VersionedTableView):
    """The county's threshold for an empty village, kept in versions (kernel.core.versioned)."""
    queryset = EmptyThreshold.objects.all()
    template_name, form_class, success_url = "economy/thresholds.html", ThresholdForm, "economy:thresholds"
    owner_in_form = True
    refusal = gettext_lazy("Only those responsible for the organization set its threshold.")
    done = gettext_lazy("The new threshold is recorded; the years before keep theirs.")

    def owners(self, request):
        return owners(request.user)

    def save(self, user, owner, data):
        return services.threshold_set(user=user, owner=owner, **data)

    def get_context_data(self, request):
        return {"rows": self.get_queryset().select_related("owner", "created_by"),
                "default": selectors.DEFAULT_MIN_INCOME}


class ImportView(ScopedMixin, View):
    """GET: the form (and, with ``template``, the template of the chosen organization and year); POST with a file:
    the preview; POST with ``confirm``: the stashed workbook applied."""
    queryset = IncomeImport.objects.all()

    def page(self, request, form=None, errors=None, status=200):
        return render(request, "economy/import.html", {
            "form": form or ImportForm(owners=owners(request.user)), "errors": errors or [],
            "batches": self.get_queryset().select_related("owner", "created_by")[:20],
            "can_import": bool(owners(request.user))}, status=status)

    def get(self, request):
        choices = {org.pk: org for org in owners(request.user)}
        if request.GET.get("template"):
            form = ImportForm(request.GET, owners=choices.values())
            if form.is_valid():
                return imports.template_response(choices[form.cleaned_data["owner"]], form.cleaned_data["year"])
            return self.page(request, form=form, status=422)
        return self.page(request)

    def post(self, request):
        choices = {org.pk: org for org in owners(request.user)}
        if not choices:
            raise PermissionDenied(_("Only those responsible for the villages import their incomes."))
        if request.POST.get("confirm"):
            return self.apply(request, choices)
        form = ImportForm(request.POST, request.FILES, owners=choices.values())
        if not form.is_valid():
            return self.page(request, form=form, status=422)
        upload = form.cleaned_data["file"]
        if upload is None:
            form.add_error("file", _("Choose the workbook to import."))
            return self.page(request, form=form, status=422)
        owner, year = choices[form.cleaned_data["owner"]], form.cleaned_data["year"]
        try:
            services.check_year(year)
            rows = imports.read_rows(owner, year, upload)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.page(request, form=form, status=422)
        except imports.ImportRefused as refused:
            return self.page(request, form=form, errors=refused.errors, status=422)
        stash(request, STASH, upload, folder="economy-imports", owner=owner.pk, year=year, name_shown=upload.name)
        return render(request, "economy/import_preview.html", {
            "owner": owner, "year": year, "preview": imports.preview(rows, year), "file_name": upload.name})

    def apply(self, request, choices):
        entry = stashed(request, STASH)
        if entry is None or entry["owner"] not in choices:
            messages.error(request, _("The workbook to import is no longer there: upload it again."))
            return redirect("economy:import")
        owner, year = choices[entry["owner"]], entry["year"]
        with open_stashed(entry) as file:
            try:
                rows = imports.read_rows(owner, year, file)
                batch = services.import_apply(user=request.user, owner=owner, year=year, rows=rows,
                                              file_name=entry.get("name_shown", ""))
            except imports.ImportRefused as refused:
                return self.page(request, errors=refused.errors, status=422)
            except (ValidationError, PermissionDenied) as error:
                error_messages(request, error)
                return redirect("economy:import")
        discard(request, STASH)
        messages.success(request, _("%(villages)s villages' incomes of %(year)s are imported.") % {
            "villages": batch.villages, "year": year})
        return redirect(f"{reverse('economy:villages')}?year={year}")


class ImportWithdrawView(ScopedMixin, View):
    queryset = IncomeImport.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        batch = self.get_scoped(pk=pk)
        try:
            services.import_withdraw(user=request.user, batch=batch)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The import is withdrawn: its figures are back to what they were."))
        return redirect("economy:import")

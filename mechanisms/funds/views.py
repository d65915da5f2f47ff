"""The village funds' pages: the ledger of a year's budgets against what was paid (filters, figures, workbook), a
place's budgets and payments by year (record a payment, a project's budget; withdraw either), the year's operating
budgets generated for every place (preview, confirm, withdraw), and the table of rates by type of place."""
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
from kernel.core.services import NeedsConfirmation
from kernel.core.versioned import VersionedTableView
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root, under_filter
from kernel.people.forms import apply_service_errors

from . import selectors, services
from .forms import BudgetForm, GenerateForm, PaymentForm, RateForm, ReasonForm
from .models import Budget, BudgetBatch, BudgetKind, FundRate, Payment, PlaceType

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def status_choices():
    return [(selectors.ARREARS, _("In arrears (years past)")), (selectors.OUTSTANDING, _("Not fully paid")),
            (selectors.PAID, _("Fully paid"))]


def owners(user) -> list[Organization]:
    root = scope_root(user)
    if root is None:
        return []
    found = [root, *Organization.objects.restrict(user).filter(parent=root, org_type="party_committee")
             .order_by("path")]
    scope = scope_for(user)
    return [org for org in found if scope.covers(org.path, realm="org", action=CHANGE)
            and org.org_type in ("committee", "party_committee")]


class LedgerMixin(ScopedMixin):
    queryset = Budget.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        year = int_or_none(request.GET.get("year"))
        year = year if year and 2000 <= year <= clock.today().year + 1 else clock.today().year
        if request.GET.get("year") == "all":  # every year (the arrears of years past)
            year = None
        kind = request.GET.get("kind") if request.GET.get("kind") in BudgetKind.values else ""
        status = request.GET.get("status") if request.GET.get("status") in dict(status_choices()) else ""
        return {"under": under, "under_choices": choices, "year": year, "kind": kind, "status": status}

    def rows(self, request, filters):
        return selectors.budgets(request.user, year=filters["year"], under=filters["under"], kind=filters["kind"],
                                 status=filters["status"])


class LedgerView(LedgerMixin, View):
    def get(self, request):
        filters = self.filters(request)
        rows = self.rows(request, filters)
        summary = selectors.summary(request.user, year=filters["year"] or clock.today().year, under=filters["under"])
        base = reverse("funds:ledger") + (f"?under={filters['under'].pk}&" if filters["under"] else "?")
        return render(request, "funds/ledger.html", {
            **filters, "page": paginate(request, rows), "summary": summary, "shown": selectors.totals(rows),
            "kinds": BudgetKind.choices, "statuses": status_choices(), "base": base,
            "query": request.GET.urlencode(), "years": range(clock.today().year + 1, 2009, -1),
            "this_year": clock.today().year, "summary_year": filters["year"] or clock.today().year,
            "by_kind": [{**row, "kind_label": BudgetKind(row["kind"]).label,
                         "place_label": PlaceType(row["place_type"]).label if row["place_type"] else ""}
                        for row in selectors.by_kind(request.user, year=filters["year"] or clock.today().year,
                                                    under=filters["under"])]})


class LedgerXlsxView(LedgerMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Village or community"), _("Township"), _("Year"), _("Type of place"), _("Kind"), _("Project"),
                  _("Budget (yuan)"), _("Paid (yuan)"), _("Outstanding (yuan)")]
        data = ([b.organization.name, b.organization.parent.name if b.organization.parent else "", b.year,
                 str(PlaceType(b.place_type).label) if b.place_type else "", str(b.get_kind_display()), b.title,
                 b.amount, b.paid, b.outstanding] for b in self.rows(request, filters).iterator(chunk_size=2000))
        title = _("Village funds %(year)s") % {"year": filters["year"] or _("every year")}
        response = StreamingHttpResponse(iter_xlsx(header, data, title=title), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
        return response


class PlaceView(ScopedMixin, View):
    queryset = Organization.objects.filter(selectors.place_filter())

    def context(self, request, place, budget_form=None, payment_form=None, paying=None) -> dict:
        rows = list(Budget.objects.restrict(request.user).filter(organization=place, withdrawn_on__isnull=True)
                    .prefetch_related("payments").order_by("-year", "kind", "id"))
        kind = selectors.place_type(place)
        rate, _row = selectors.rate_for(place.path, kind, clock.today().year)
        return {"place": place, "budgets": rows, "place_type": PlaceType(kind).label, "rate": rate,
                "can_change": scope_for(request.user).covers(place.path, realm="org", action=CHANGE),
                "budget_form": budget_form or BudgetForm(), "payment_form": payment_form or PaymentForm(),
                "blank_payment": PaymentForm(),
                "paying": paying, "today": clock.today()}

    def get(self, request, pk):
        return render(request, "funds/place.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        place = self.get_scoped(pk=pk)
        try:
            if request.POST.get("action") == "pay":
                form = PaymentForm(request.POST)
                budget = Budget.objects.restrict(request.user).filter(
                    organization=place, pk=int_or_none(request.POST.get("budget"))).first()
                if budget is None:
                    raise PermissionDenied(_("Choose a budget of this place."))
                if not form.is_valid():
                    return render(request, "funds/place.html", self.context(
                        request, place, payment_form=form, paying=budget.pk), status=422)
                data = dict(form.cleaned_data)
                try:
                    services.payment_record(user=request.user, budget=budget, **data)
                except ValidationError as error:
                    apply_service_errors(form, error)
                    return render(request, "funds/place.html", self.context(
                        request, place, payment_form=form, paying=budget.pk), status=422)
                messages.success(request, _("The payment is recorded."))
            else:
                form = BudgetForm(request.POST)
                if not form.is_valid():
                    return render(request, "funds/place.html", self.context(request, place, budget_form=form),
                                  status=422)
                try:
                    services.budget_create(user=request.user, organization=place, **form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(form, error)
                    return render(request, "funds/place.html", self.context(request, place, budget_form=form),
                                  status=422)
                messages.success(request, _("The budget is recorded."))
        except PermissionDenied as error:
            error_messages(request, error)
        return redirect("funds:place", place.pk)


class BudgetWithdrawView(ScopedMixin, View):
    queryset = Budget.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        budget = self.get_scoped(pk=pk)
        try:
            services.budget_withdraw(user=request.user, budget=budget)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The budget is withdrawn."))
        return redirect("funds:place", budget.organization_id)


class PaymentWithdrawView(ScopedMixin, View):
    queryset = Payment.objects.select_related("budget")
    scope_action = CHANGE

    def post(self, request, pk):
        payment = self.get_scoped(pk=pk)
        form = ReasonForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Say why the payment is withdrawn."))
            services.payment_withdraw(user=request.user, payment=payment, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The payment is withdrawn."))
        return redirect("funds:place", payment.budget.organization_id)


class GenerateView(ScopedMixin, View):
    queryset = BudgetBatch.objects.all()

    def page(self, request, form=None, status=200):
        return render(request, "funds/generate.html", {
            "form": form or GenerateForm(owners=owners(request.user)), "can_generate": bool(owners(request.user)),
            "batches": self.get_queryset().select_related("owner", "created_by")[:20]}, status=status)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        choices = {org.pk: org for org in owners(request.user)}
        if not choices:
            raise PermissionDenied(_("Only those responsible for the places budget their funds."))
        form = GenerateForm(request.POST, owners=choices.values())
        if not form.is_valid():
            return self.page(request, form=form, status=422)
        owner, year = choices[form.cleaned_data["owner"]], form.cleaned_data["year"]
        try:
            batch = services.operating_generate(user=request.user, owner=owner, year=year,
                                                confirm=form.cleaned_data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "funds/generate_confirm.html", {
                "message": needed.messages[0], "preview": needed.details, "owner": owner, "year": year})
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("funds:generate")
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.page(request, form=form, status=422)
        messages.success(request, _("%(count)s operating budgets of %(year)s are recorded.") % {
            "count": batch.budgets, "year": year})
        return redirect(f"{reverse('funds:ledger')}?year={year}")


class BatchWithdrawView(ScopedMixin, View):
    queryset = BudgetBatch.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        batch = self.get_scoped(pk=pk)
        try:
            services.batch_withdraw(user=request.user, batch=batch)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The budgets are withdrawn."))
        return redirect("funds:generate")


class RatesView(VersionedTableView):
    queryset = FundRate.objects.all()
    template_name, form_class, success_url = "funds/rates.html", RateForm, "funds:rates"
    owner_in_form = True
    refusal = gettext_lazy("Only those responsible for the organization set its rates.")
    done = gettext_lazy("The new rate is recorded; the years before keep theirs.")

    def owners(self, request):
        return owners(request.user)

    def save(self, user, owner, data):
        return services.rate_set(user=user, owner=owner, **data)

    def get_context_data(self, request):
        return {"rows": self.get_queryset().select_related("owner"),
                "defaults": [(PlaceType(k).label, v) for k, v in selectors.DEFAULT_RATES.items()]}

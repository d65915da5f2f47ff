"""The terms pages: the register of current terms (expired, expiring within some months, current) with its
workbook, an organization's terms with the form to record a term change (a preview before an early one), the
expiry's change and a mistaken change's withdrawal, and the table of term lengths with its changes."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
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
from kernel.orgs.views import under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import selectors, services
from .forms import ExpiryForm, LengthForm, TermChangeForm, WithdrawForm
from .models import HOLDER_TITLES, TERM_TYPES, Term, TermLength, TermStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_STATUSES = [(s.value, s.label) for s in (TermStatus.EXPIRED, TermStatus.EXPIRING, TermStatus.CURRENT)]
MONTH_CHOICES = (3, 6, 12)
BLANK_HOLDER_ROWS = 2


class RegisterMixin(ScopedMixin):
    queryset = Term.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        status = request.GET.get("status") if request.GET.get("status") in dict(REGISTER_STATUSES) else ""
        org_type = request.GET.get("org_type") if request.GET.get("org_type") in TERM_TYPES else ""
        months = int_or_none(request.GET.get("months"), selectors.MONTHS_AHEAD)
        months = months if months in MONTH_CHOICES else selectors.MONTHS_AHEAD
        return {"under": under, "under_choices": choices, "status": status, "org_type": org_type, "months": months,
                "today": clock.today()}

    def rows(self, request, filters):
        return selectors.register(request.user, today=filters["today"], under=filters["under"],
                                  status=filters["status"], org_type=filters["org_type"], months=filters["months"])


class RegisterView(RegisterMixin, View):
    def get(self, request):
        filters = self.filters(request)
        page = paginate(request, self.rows(request, filters))
        for term in page["rows"]:
            term.state = term.status(filters["today"], filters["months"])
        return render(request, "terms/register.html", {
            **filters, "page": page, "statuses": REGISTER_STATUSES, "month_choices": MONTH_CHOICES,
            "org_types": [(t.value, t.label) for t in TERM_TYPES], "query": request.GET.urlencode(),
            "without_term": selectors.without_term(request.user, under=filters["under"],
                                                   org_type=filters["org_type"]).count()})


class RegisterXlsxView(RegisterMixin, View):
    def get(self, request):
        filters = self.filters(request)
        today, months = filters["today"], filters["months"]
        header = [_("Organization"), _("Organization type"), _("Term number"), _("Started on"),
                  _("Term length (years)"), _("Expires on"), _("Status"), _("Reminder"), _("How it began")]
        rows = ([term.organization.name, str(term.organization.get_org_type_display()), term.number or "",
                 term.started_on.isoformat(), term.years, term.expires_on.isoformat(),
                 str(TermStatus(term.status(today, months)).label),
                 str(term.obligation.get_state_display()) if term.obligation_id else "", str(term.get_how_display())]
                for term in self.rows(request, filters).iterator(chunk_size=2000))
        response = StreamingHttpResponse(iter_xlsx(header, rows, title=_("Terms")), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{_('Terms')}.xlsx")
        return response


def _people_choices(user, organization, posts) -> dict:
    """{id: person} of those who may be named as holders: the organization's people the user sees and the
    current holders."""
    people = {p.pk: p for p in Person.objects.restrict(user).filter(organization=organization).order_by("name")}
    people.update({post.person.pk: post.person for post in posts})
    return people


def holders_from_post(data, people: dict) -> list[dict]:
    """The holder rows posted (``holder_title``, ``holder_before``, ``holder_after``, in step), persons from
    ``people``; a person not among them is refused."""
    rows = []
    for title, before, after in zip(data.getlist("holder_title"), data.getlist("holder_before"),
                                    data.getlist("holder_after"), strict=False):
        chosen = []
        for value in (before, after):
            if value and (not value.isdigit() or int(value) not in people):
                raise ValidationError({"holders": [_("Choose each holder from the organization's people.")]})
            chosen.append(people[int(value)] if value else None)
        rows.append({"title": title, "before": chosen[0], "after": chosen[1]})
    return rows


class OrganizationTermsView(ScopedMixin, View):
    queryset = Organization.objects.filter(org_type__in=TERM_TYPES).select_related("parent")

    def context(self, request, organization, form=None, holder_rows=None) -> dict:
        today = clock.today()
        history = list(selectors.history(request.user, organization))
        live = [term for term in history if term.withdrawn_on is None]
        current = next((term for term in live if term.ended_on is None), None)
        for term in history:
            term.state = term.status(today, selectors.MONTHS_AHEAD)
        posts = services.current_holders(organization, today)
        if holder_rows is None:
            holder_rows = [{"title": h["title"], "before": h["before"], "after": h["after"]}
                           for h in services.pair_holders(posts, posts)]
        years, _length = services.length_in_force(organization, today)
        return {"organization": organization, "history": history, "current": current,
                "latest": live[0] if live else None, "today": today, "years": years,
                "can_change": scope_for(request.user).covers(organization.path, realm="org", action=CHANGE),
                "form": form or TermChangeForm(), "expiry_form": ExpiryForm(), "withdraw_form": WithdrawForm(),
                "holder_rows": [*holder_rows, *({"title": "", "before": None, "after": None}
                                                for _ in range(BLANK_HOLDER_ROWS))],
                "people": sorted(_people_choices(request.user, organization, posts).values(), key=lambda p: p.name),
                "titles": [(t.value, t.label) for t in HOLDER_TITLES]}

    def get(self, request, pk):
        return render(request, "terms/organization.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        organization = self.get_scoped(pk=pk)
        form = TermChangeForm(request.POST)
        people = _people_choices(request.user, organization, services.current_holders(organization, clock.today()))
        try:
            holders = holders_from_post(request.POST, people)
        except ValidationError as error:
            holders = None
            form.is_valid()
            apply_service_errors(form, error)
        if holders is None or not form.is_valid():
            return render(request, "terms/organization.html",
                          self.context(request, organization, form=form, holder_rows=holders), status=422)
        data = form.cleaned_data
        try:
            term = services.term_change(
                user=request.user, organization=organization, started_on=data["started_on"], number=data["number"],
                how=data["how"], decision=data["decision"], note=data["note"], holders=holders,
                expires_on=data["expires_on"], expiry_reason=data["expiry_reason"], confirm=data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "terms/confirm.html", {
                "organization": organization, "preview": needed.details, "message": needed.messages[0],
                "fields": [(name, value) for name, value in request.POST.lists() if name not in
                           ("csrfmiddlewaretoken", "confirm") for value in value]})
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("terms:organization", organization.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return render(request, "terms/organization.html",
                          self.context(request, organization, form=form, holder_rows=holders), status=422)
        messages.success(request, _("Term change recorded: %(term)s from %(date)s.") % {
            "term": term.label, "date": term.started_on.isoformat()})
        return redirect("terms:organization", organization.pk)


class TermActionMixin(ScopedMixin):
    """A change of one term from its organization's page: the subclass names its ``form_class``, what it does
    (``act(user, term, cleaned_data)``) and the message when done (``done``)."""
    queryset = Term.objects.all()
    scope_action = CHANGE
    form_class = None

    def post(self, request, pk):
        term = self.get_scoped(pk=pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("terms:organization", term.organization_id)
        try:
            self.act(request.user, term, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, self.done)
        return redirect("terms:organization", term.organization_id)


class ExpiryView(TermActionMixin, View):
    form_class = ExpiryForm

    @property
    def done(self):
        return _("The term's expiry is changed; its reminder follows.")

    def act(self, user, term, data):
        services.term_expiry_set(user=user, term=term, expires_on=data["expires_on"], reason=data["reason"])


class WithdrawView(TermActionMixin, View):
    form_class = WithdrawForm

    @property
    def done(self):
        return _("The term change is withdrawn; the term before it is current again.")

    def act(self, user, term, data):
        services.term_withdraw(user=user, term=term, reason=data["reason"])


class LengthsView(VersionedTableView):
    queryset = TermLength.objects.all()
    template_name, form_class, success_url = "terms/lengths.html", LengthForm, "terms:lengths"
    refusal = gettext_lazy("Only those responsible for the organization that sets the table change it.")
    done = gettext_lazy("The new term length is recorded; terms already begun keep theirs.")

    def owners(self, request) -> list[Organization]:
        """The owners of the tables the user sees whose lengths the user may change."""
        scope = scope_for(request.user)
        seen = {row.owner for row in self.get_queryset().select_related("owner")}
        return sorted((owner for owner in seen if scope.covers(owner.path, realm="org", action=CHANGE)),
                      key=lambda owner: owner.path)

    def save(self, user, owner, data):
        return services.length_set(user=user, owner=owner, **data)

    def get_context_data(self, request):
        today = clock.today()
        rows = list(selectors.lengths(request.user))
        in_force = {}
        for row in sorted(rows, key=lambda row: row.effective_from, reverse=True):
            if row.effective_from <= today:
                in_force.setdefault((row.owner_id, row.org_type, row.domain), row.pk)
        return {"rows": rows, "in_force": set(in_force.values())}

"""The care and service pages: the members cared for (old and in hardship) with their visits and help, a member's
care page (hardship, visits, the year's commitment, volunteer service), the mutual-aid fund (a payout previewed and
confirmed, an entry withdrawn), the commitments and their year-end judgement, the volunteer hours, the joint-building
pairs with their yearly outcome; each list as a workbook."""
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.orgs.views import scope_root, under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import selectors, services
from .forms import (
    CommitmentForm,
    EndForm,
    FundForm,
    HardshipForm,
    JudgeForm,
    LiftForm,
    OutcomeForm,
    PairingForm,
    VisitForm,
    VolunteerForm,
    WithdrawForm,
)
from .models import (
    CareVisit,
    Commitment,
    CommitmentState,
    FundEntry,
    Hardship,
    Pairing,
    PairingOutcome,
    VolunteerService,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR = 2000


def xlsx_response(header, rows, title):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def year_of(request) -> int:
    today = clock.today()
    year = int_or_none(request.GET.get("year"), today.year)
    return year if FIRST_YEAR <= year <= today.year + 1 else today.year


class CareMixin(ScopedMixin):
    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        root = under or scope_root(request.user)
        if root is None:
            raise Http404
        today = clock.today()
        return {"year": year_of(request), "under": under, "under_choices": choices, "root": root,
                "years": list(range(today.year, today.year - 6, -1)), "query": request.GET.urlencode()}


def _link(name: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in ("", None)}
    return reverse(name) + ("?" + urlencode(params) if params else "")


def figure_links(year: int, under=None, age=selectors.OLD_AGE) -> dict:
    """The page behind each figure of the summary (the same number shows there)."""
    base = {"year": year, "under": under.pk if under else None}
    age_param = {"age": age} if age != selectors.OLD_AGE else {}
    return {"old": _link("care:index", which="old", **base, **age_param),
            "hardship": _link("care:index", which="hardship", **base, **age_param),
            "cared": _link("care:index", **base, **age_param),
            "visited": _link("care:index", which="visited", **base, **age_param),
            "help": _link("care:visits", **base),
            "fund_balance": _link("care:fund", under=base["under"]),
            "commitments_made": _link("care:commitments", **base),
            "commitments_fulfilled": _link("care:commitments", state=CommitmentState.FULFILLED, **base),
            "volunteer_hours": _link("care:volunteer", **base),
            "pairings": _link("care:pairings", **base)}


class IndexMixin(CareMixin):
    scope_model = Person

    def params(self, request) -> dict:
        filters = self.filters(request)
        age = int_or_none(request.GET.get("age"), selectors.OLD_AGE)
        which = request.GET.get("which", "")
        return {**filters, "age": age if age in selectors.AGE_CHOICES else selectors.OLD_AGE,
                "which": which if which in selectors.WHICH else "", "q": request.GET.get("q", "").strip()[:50]}

    def rows(self, request, params):
        return selectors.cared_for(request.user, params["root"], params["year"], age=params["age"],
                                   which=params["which"], q=params["q"])


class IndexView(IndexMixin, View):
    def get(self, request):
        params = self.params(request)
        page = paginate(request, self.rows(request, params))
        return render(request, "care/index.html", {
            **params, "page": page, "people": True, "age_choices": selectors.AGE_CHOICES,
            "summary": selectors.summary(request.user, params["root"], params["year"], age=params["age"]),
            "links": figure_links(params["year"], params["under"], params["age"])})


class IndexXlsxView(IndexMixin, View):
    def get(self, request):
        params = self.params(request)
        header = [_("Name"), _("Organization"), _("Birth date"), _("Age"), _("In hardship"), _("Visits"),
                  _("Help given (yuan)"), _("Last visit")]
        yes, no = _("Yes"), _("No")
        rows = ([p.name, p.organization.name, p.birth_date.isoformat() if p.birth_date else "",
                 p.age if p.age is not None else "", yes if p.hardship else no, p.visits, float(p.helped),
                 p.last_visit.isoformat() if p.last_visit else ""]
                for p in self.rows(request, params).iterator(chunk_size=2000))
        return xlsx_response(header, rows, _("Members cared for"))


class VisitsMixin(CareMixin):
    scope_model = CareVisit

    def rows(self, request, filters):
        from kernel.core.tree import subtree_q

        return (self.get_queryset().filter(subtree_q("org_path", [filters["root"].path]),
                                           visited_on__year=filters["year"])
                .select_related("person", "person__organization").order_by("-visited_on", "-pk"))


class VisitsView(VisitsMixin, View):
    def get(self, request):
        from django.db.models import Sum

        filters = self.filters(request)
        rows = self.rows(request, filters)
        total = selectors.money(rows.aggregate(total=Sum("amount"))["total"])
        return render(request, "care/visits.html", {**filters, "page": paginate(request, rows), "total": total})


class VisitsXlsxView(VisitsMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Day"), _("Member"), _("Organization"), _("Kind"), _("Visitor"), _("What was given"),
                  _("Value (yuan)"), _("Note")]
        rows = ([v.visited_on.isoformat(), v.person.name, v.person.organization.name, str(v.get_kind_display()),
                 v.visitor, v.given, float(v.amount), v.note] for v in self.rows(request, filters))
        return xlsx_response(header, rows, _("Visits and help"))


# --- a member's care page ------------------------------------------------------------------------------------------

PERSON_FORMS = {"hardship": HardshipForm, "visit": VisitForm, "commitment": CommitmentForm,
                "volunteer": VolunteerForm}


class PersonView(ScopedMixin, View):
    queryset = Person.objects.select_related("organization")

    def context(self, request, person, forms=None) -> dict:
        forms = forms or {}
        return {"person": person,
                "can_change": scope_for(request.user).covers(person.org_path, realm="people", action=CHANGE),
                "hardships": Hardship.objects.restrict(request.user).filter(person=person),
                "visits": CareVisit.objects.restrict(request.user).filter(person=person)[:100],
                "commitments": Commitment.objects.restrict(request.user).filter(person=person),
                "services": VolunteerService.objects.restrict(request.user).filter(person=person)[:100],
                "lift_form": LiftForm(),
                **{f"{name}_form": forms.get(name) or form() for name, form in PERSON_FORMS.items()}}

    def get(self, request, pk):
        return render(request, "care/person.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        person = self.get_scoped(pk=pk)
        action = request.POST.get("action", "")
        if action == "lift":
            hardship = Hardship.objects.restrict(request.user, CHANGE).filter(
                person=person, pk=int_or_none(request.POST.get("hardship"), 0)).first()
            form = LiftForm(request.POST)
            if hardship is None:
                raise Http404
            if form.is_valid():
                try:
                    services.hardship_lift(user=request.user, hardship=hardship, **form.cleaned_data)
                    messages.success(request, _("The hardship is lifted."))
                except ValidationError as error:
                    error_messages(request, error)
            else:
                error_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
            return redirect("care:person", person.pk)
        if action not in PERSON_FORMS:
            raise Http404
        form = PERSON_FORMS[action](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            act = {"hardship": services.hardship_flag, "visit": services.visit_record,
                   "commitment": services.commitment_set, "volunteer": services.volunteer_record}[action]
            try:
                act(user=request.user, person=person, **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("care:person", person.pk)
        return render(request, "care/person.html", self.context(request, person, {action: form}), status=422)


# --- the mutual-aid fund ---------------------------------------------------------------------------------------------

class FundMixin(CareMixin):
    scope_model = FundEntry


class FundView(FundMixin, View):
    def fund_owners(self, request, root) -> list[Organization]:
        """The organizations whose fund the user may record in: the top of the page and those under it that keep
        funds (committees, general branches)."""
        scope = scope_for(request.user)
        found = [root, *Organization.objects.restrict(request.user, CHANGE).filter(
            parent=root, org_type__in=[OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH],
            status=OrgStatus.ACTIVE).order_by("path")]
        return [org for org in found if scope.covers(org.path, realm="org", action=CHANGE)]

    def recipients(self, request, root):
        return list(selectors.cared_for(request.user, root, clock.today().year)[:500])

    def render_page(self, request, filters, form=None, status=200):
        rows = selectors.fund_entries(request.user, filters["root"])
        balances = selectors.fund_balances(request.user, filters["root"])
        owners = self.fund_owners(request, filters["root"])
        return render(request, "care/fund.html", {
            **filters, "page": paginate(request, rows), "balances": balances,
            "total": selectors.money(sum((b["balance"] for b in balances), 0)), "owners": owners,
            "form": form or FundForm(people=self.recipients(request, filters["root"])) if owners else None,
            "withdraw_form": WithdrawForm()}, status=status)

    def get(self, request):
        return self.render_page(request, self.filters(request))

    def post(self, request):
        filters = self.filters(request)
        owners = {org.pk: org for org in self.fund_owners(request, filters["root"])}
        owner = owners.get(int_or_none(request.POST.get("fund"), 0))
        people = self.recipients(request, filters["root"])
        form = FundForm(request.POST, people=people)
        if owner is None:
            raise Http404
        if not form.is_valid():
            return self.render_page(request, filters, form, status=422)
        data = dict(form.cleaned_data)
        person = None
        if data.pop("person"):
            person = Person.objects.restrict(request.user).filter(pk=form.cleaned_data["person"]).first()
            if person is None:
                form.add_error("person", _("Choose the member from the list."))
                return self.render_page(request, filters, form, status=422)
        try:
            services.fund_entry(user=request.user, organization=owner, person=person, **data)
        except NeedsConfirmation as needed:
            return render(request, "care/fund_confirm.html", {
                "preview": needed.details, "message": needed.messages[0],
                "fields": [(name, value) for name, values in request.POST.lists()
                           if name not in ("csrfmiddlewaretoken", "confirm") for value in values],
                "action": request.get_full_path()})
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.render_page(request, filters, form, status=422)
        messages.success(request, _("The fund's entry is recorded."))
        return redirect(request.get_full_path())


class FundWithdrawView(ScopedMixin, View):
    queryset = FundEntry.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        entry = self.get_scoped(pk=pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            error_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
        else:
            try:
                services.fund_withdraw(user=request.user, entry=entry, reason=form.cleaned_data["reason"])
                messages.success(request, _("The entry is withdrawn: it counts no more."))
            except ValidationError as error:
                error_messages(request, error)
        return redirect("care:fund")


class FundXlsxView(FundMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Day"), _("Fund of"), _("Kind"), _("Amount (yuan)"), _("Member"), _("From or for"),
                  _("Withdrawn on")]
        rows = ([e.on.isoformat(), e.organization.name, str(e.get_kind_display()), float(e.amount),
                 e.person.name if e.person_id else "", e.source, e.withdrawn_on.isoformat() if e.withdrawn_on else ""]
                for e in selectors.fund_entries(request.user, filters["root"]))
        return xlsx_response(header, rows, _("Mutual-aid fund"))


# --- commitments -------------------------------------------------------------------------------------------------

class CommitmentsMixin(CareMixin):
    scope_model = Commitment

    def params(self, request):
        filters = self.filters(request)
        state = request.GET.get("state", "")
        return {**filters, "state": state if state in CommitmentState.values else ""}


class CommitmentsView(CommitmentsMixin, View):
    def get(self, request):
        params = self.params(request)
        rows = selectors.commitments(request.user, params["root"], params["year"], params["state"])
        return render(request, "care/commitments.html", {
            **params, "page": paginate(request, rows), "people": True, "states": CommitmentState.choices,
            "judge_form": JudgeForm(), "judgeable": clock.today().month == 12 or clock.today().year > params["year"]})


class CommitmentsXlsxView(CommitmentsMixin, View):
    def get(self, request):
        params = self.params(request)
        header = [_("Member"), _("Organization"), _("Year"), _("Commitment"), _("State"), _("Judged on"),
                  _("Judgement")]
        rows = ([c.person.name, c.person.organization.name, c.year, c.text, str(c.get_state_display()),
                 c.judged_on.isoformat() if c.judged_on else "", c.judge_note]
                for c in selectors.commitments(request.user, params["root"], params["year"], params["state"]))
        return xlsx_response(header, rows, _("Public commitments"))


class JudgeView(ScopedMixin, View):
    queryset = Commitment.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        commitment = self.get_scoped(pk=pk)
        form = JudgeForm(request.POST)
        if form.is_valid():
            try:
                services.commitment_judge(user=request.user, commitment=commitment, **form.cleaned_data)
                messages.success(request, _("The commitment is judged."))
            except ValidationError as error:
                error_messages(request, error)
        else:
            error_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
        return redirect(_link("care:commitments", year=commitment.year))


# --- volunteer service -----------------------------------------------------------------------------------------------

class VolunteerMixin(CareMixin):
    scope_model = VolunteerService


class VolunteerView(VolunteerMixin, View):
    def get(self, request):
        filters = self.filters(request)
        rows = selectors.volunteer_hours(request.user, filters["root"], filters["year"])
        total = selectors.volunteer_total(request.user, filters["root"], filters["year"])
        return render(request, "care/volunteer.html", {**filters, "page": paginate(request, list(rows)),
                                                       "people": True, "total": total})


class VolunteerXlsxView(VolunteerMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Member"), _("Organization"), _("Activities"), _("Hours")]
        rows = ([r["person__name"], r["person__organization__name"], r["activities"], float(r["hours"])]
                for r in selectors.volunteer_hours(request.user, filters["root"], filters["year"]))
        return xlsx_response(header, rows, _("Volunteer service"))


# --- joint building -------------------------------------------------------------------------------------------------

class PairingsMixin(CareMixin):
    scope_model = Pairing


class PairingsView(PairingsMixin, View):
    def villages(self, request, root):
        from kernel.core.tree import subtree_q

        return list(Organization.objects.restrict(request.user, CHANGE).filter(
            subtree_q("path", [root.path]), org_type=OrgType.BRANCH, domain__in=["rural", "community"],
            status=OrgStatus.ACTIVE).order_by("path")[:2000])

    def render_page(self, request, filters, form=None, status=200):
        rows = selectors.pairings(request.user, filters["root"], year=filters["year"])
        villages = self.villages(request, filters["root"])
        return render(request, "care/pairings.html", {
            **filters, "page": paginate(request, rows),
            "form": (form or PairingForm(villages=villages)) if villages else None}, status=status)

    def get(self, request):
        return self.render_page(request, self.filters(request))

    def post(self, request):
        filters = self.filters(request)
        villages = {v.pk: v for v in self.villages(request, filters["root"])}
        form = PairingForm(request.POST, villages=villages.values())
        if not form.is_valid():
            return self.render_page(request, filters, form, status=422)
        data = dict(form.cleaned_data)
        organization = villages.get(data.pop("organization"))
        partner_id = data.pop("partner")
        partner = (Organization.objects.restrict(request.user).filter(pk=partner_id).first()
                   if partner_id else None)
        if organization is None:
            form.add_error("organization", _("Choose a village from the list."))
            return self.render_page(request, filters, form, status=422)
        try:
            services.pairing_create(user=request.user, organization=organization, partner=partner, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.render_page(request, filters, form, status=422)
        messages.success(request, _("The pair is recorded."))
        return redirect(request.get_full_path())


class PairingsXlsxView(PairingsMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Village"), _("Kind"), _("Partner"), _("Since"), _("Ended on"), _("What they do together"),
                  _("Outcome of the year"), _("Projects done"), _("Funds brought (10,000 yuan)")]
        rows = ([p.organization.name, str(p.get_kind_display()), p.partner_name, p.since.isoformat(),
                 p.ended_on.isoformat() if p.ended_on else "", p.activities, p.outcome_text or "",
                 p.outcome_projects if p.outcome_projects is not None else "",
                 float(p.outcome_funds) if p.outcome_funds is not None else ""]
                for p in selectors.pairings(request.user, filters["root"], year=filters["year"]))
        return xlsx_response(header, rows, _("Joint building"))


class PairingView(ScopedMixin, View):
    queryset = Pairing.objects.select_related("organization", "partner")

    def context(self, request, pairing, outcome_form=None, end_form=None):
        return {"pairing": pairing,
                "outcomes": PairingOutcome.objects.restrict(request.user).filter(pairing=pairing).order_by("-year"),
                "can_change": scope_for(request.user).covers(pairing.org_path, realm="org", action=CHANGE),
                "outcome_form": outcome_form or OutcomeForm(), "end_form": end_form or EndForm()}

    def get(self, request, pk):
        return render(request, "care/pairing.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        pairing = self.get_scoped(pk=pk)
        if request.POST.get("action") == "end":
            form = EndForm(request.POST)
            if form.is_valid():
                try:
                    services.pairing_end(user=request.user, pairing=pairing, **form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("The pair has ended."))
                    return redirect("care:pairing", pairing.pk)
            return render(request, "care/pairing.html", self.context(request, pairing, end_form=form), status=422)
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.outcome_set(user=request.user, pairing=pairing, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The year's outcome is recorded."))
                return redirect("care:pairing", pairing.pk)
        return render(request, "care/pairing.html", self.context(request, pairing, outcome_form=form), status=422)



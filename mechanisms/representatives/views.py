"""The representatives' pages: the register (with its workbook), a representative's page (households, activities,
proposals, requests; ending the office after a preview, and its withdrawal), the studios and a studio's page (its
activity day recorded for those who attended), the idle studios, the proposals followed to an answer (with their
workbook), the households' requests, and the monthly ranking (with its workbook, overall or of one studio); the
congresses with their terms and a studio (its organization, leader; moved after a preview) created and corrected on
their pages, a representative's village and households edited, and the register's workbook import (template, check
with each bad cell named, all or nothing, withdrawn after its preview)."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages, id_or_none, int_or_none
from kernel.core.workbook_upload import discard, open_stashed, stash, stashed
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization, OrgStatus
from kernel.orgs.views import under_filter
from kernel.people.forms import apply_service_errors

from . import imports, selectors, services
from .forms import CongressForm, StudioForm
from .models import (
    Activity,
    ActivityKind,
    Congress,
    EndReason,
    HouseholdRequest,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RepImport,
    Representative,
    RepStatus,
    RequestState,
    Satisfaction,
    Studio,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value, default=None):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except (TypeError, ValueError):
        return None


def _xlsx(header, rows, title: str):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def _act(request, fn, done: str, **kwargs) -> bool:
    """Runs a service; its refusal becomes the page's error messages (nothing written)."""
    try:
        fn(user=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        error_messages(request, error)
        return False
    messages.success(request, done)
    return True


def _can_change(user, path: str) -> bool:
    return scope_for(user).covers(path, realm="org", action=CHANGE)


# --- the register ------------------------------------------------------------------------------------------------

class RegisterMixin(ScopedMixin):
    scope_model = Representative

    def filters(self, request) -> dict:
        today = clock.today()
        under, choices = under_filter(request.user, request.GET.get("under"))
        congresses = list(selectors.congresses(request.user).order_by("-opened_on"))
        chosen = id_or_none(request.GET.get("congress"))
        congress = next((c for c in congresses if c.pk == chosen), None)
        if congress is None and "congress" not in request.GET:
            congress = selectors.current_congress(request.user, today)
        studios = list(selectors.studios(request.user, under=under, today=today))
        studio = next((s for s in studios if s.pk == id_or_none(request.GET.get("studio"))), None)
        status = request.GET.get("status", RepStatus.IN_OFFICE)
        status = status if status in RepStatus.values else ""
        return {"today": today, "under": under, "under_choices": choices, "congresses": congresses,
                "congress": congress, "studios": studios, "studio": studio, "status": status,
                "q": (request.GET.get("q") or "").strip()[:50]}

    def rows(self, request, f):
        return selectors.register(request.user, congress=f["congress"], under=f["under"], studio=f["studio"],
                                  status=f["status"], q=f["q"])


class RegisterView(RegisterMixin, View):
    def get(self, request):
        f = self.filters(request)
        return render(request, "representatives/register.html", {
            **f, "page": paginate(request, self.rows(request, f)), "statuses": RepStatus.choices,
            "figures": selectors.figures(request.user, under=f["under"], today=f["today"], congress=f["congress"]),
            "query": request.GET.urlencode()})


class RegisterXlsxView(RegisterMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Representative"), _("Congress"), _("Constituency"), _("Studio"), _("Linked village"),
                  _("Linked households"), _("Status"), _("Ended on"), _("Why ended")]
        rows = ([r.person.name, r.congress.name, r.constituency.name, r.studio.name if r.studio_id else "",
                 r.village.name if r.village_id else "", r.household_count, str(r.get_status_display()),
                 r.ended_on.isoformat() if r.ended_on else "", str(r.get_end_reason_display()) if r.end_reason else ""]
                for r in self.rows(request, f).iterator(chunk_size=2000))
        return _xlsx(header, rows, _("Party representatives"))


# --- a representative --------------------------------------------------------------------------------------------

class RepresentativeView(ScopedMixin, View):
    queryset = Representative.objects.select_related("person", "congress", "constituency", "studio", "village")

    def context(self, request, rep) -> dict:
        today = clock.today()
        proposals = list(rep.proposals.order_by("-submitted_on", "-pk"))
        for p in proposals:
            p.is_overdue = p.overdue(today)
        reqs = list(rep.requests.select_related("household").order_by("-received_on", "-pk"))
        for r in reqs:
            r.is_overdue = r.overdue(today)
        return {"rep": rep, "today": today, "households": list(rep.households.all()),
                "activities": list(rep.activities.select_related("studio", "household")[:50]),
                "proposals": proposals, "requests": reqs, "can_change": _can_change(request.user, rep.org_path),
                "kinds": ActivityKind.choices, "proposal_kinds": ProposalKind.choices,
                "end_reasons": EndReason.choices, "satisfactions": Satisfaction.choices}

    def get(self, request, pk):
        return render(request, "representatives/representative.html", self.context(request, self.get_scoped(pk=pk)))


class RepActionView(ScopedMixin, View):
    """The forms of a representative's page, by ``action``."""
    queryset = Representative.objects.select_related("person", "congress", "studio")
    scope_action = CHANGE

    def post(self, request, pk, action):
        rep = self.get_scoped(pk=pk)
        data = request.POST
        back = redirect("representatives:representative", rep.pk)
        if action == "activity":
            household = rep.households.filter(pk=id_or_none(data.get("household"))).first()
            _act(request, services.activity_record, _("The activity is recorded."), rep=rep, kind=data.get("kind", ""),
                 occurred_on=_date(data.get("occurred_on"), clock.today()) or clock.today(),
                 content=data.get("content", ""), household=household)
        elif action == "proposal":
            day = _date(data.get("submitted_on"), clock.today())
            if day is None:
                messages.error(request, _("Enter a valid date."))
            else:
                _act(request, services.proposal_submit, _("The proposal is submitted."), rep=rep,
                     kind=data.get("kind", ""), title=data.get("title", ""), content=data.get("content", ""),
                     submitted_on=day)
        elif action == "request":
            household = rep.households.filter(pk=id_or_none(data.get("household"))).first()
            if household is None:
                messages.error(request, _("Choose the household."))
            else:
                _act(request, services.request_create, _("The household's request is recorded."), household=household,
                     matter=data.get("matter", ""), received_on=_date(data.get("received_on"), clock.today())
                     or clock.today(), deadline=_date(data.get("deadline")))
        elif action == "end":
            on = _date(data.get("on"))
            if on is None:
                messages.error(request, _("Enter a valid date."))
                return back
            try:
                services.representative_end(user=request.user, rep=rep, on=on, reason=data.get("reason", ""),
                                            note=data.get("note", ""), confirm=data.get("confirm") == "1")
            except NeedsConfirmation as needed:
                return render(request, "representatives/confirm.html", {
                    "rep": rep, "message": needed.messages[0], "preview": needed.details,
                    "action": reverse("representatives:rep_action", args=[rep.pk, "end"]),
                    "fields": [(k, v) for k, v in data.items() if k not in ("csrfmiddlewaretoken", "confirm")]})
            except (ValidationError, PermissionDenied) as error:
                error_messages(request, error)
            else:
                messages.success(request, _("The representative's office is ended; it can be withdrawn on this page."))
        elif action == "reinstate":
            _act(request, services.representative_reinstate, _("The end of office is withdrawn."), rep=rep)
        return back


class ItemActionView(ScopedMixin, View):
    """Actions on a proposal, a request or an activity (``kind``), back to where they came from."""
    scope_model = Representative
    scope_action = CHANGE

    def post(self, request, kind, pk, action):
        data = request.POST
        back = request.POST.get("next") or reverse("representatives:proposals")
        if not back.startswith("/"):
            back = reverse("representatives:proposals")
        if kind == "proposal":
            proposal = self.scoped_object(Proposal.objects.all(), pk=pk)
            if action == "assign":
                _act(request, services.proposal_assign, _("The proposal is assigned."), proposal=proposal,
                     handling_unit=data.get("handling_unit", ""),
                     assigned_on=_date(data.get("assigned_on"), clock.today()) or clock.today(),
                     deadline=_date(data.get("deadline")))
            elif action == "answer":
                _act(request, services.proposal_answer, _("The answer is recorded."), proposal=proposal,
                     answer=data.get("answer", ""),
                     answered_on=_date(data.get("answered_on"), clock.today()) or clock.today())
            elif action == "close":
                _act(request, services.proposal_close, _("The representative's view is recorded."),
                     proposal=proposal, satisfaction=data.get("satisfaction", ""))
            elif action == "withdraw":
                _act(request, services.proposal_withdraw, _("The proposal is withdrawn."), proposal=proposal)
        elif kind == "request":
            row = self.scoped_object(HouseholdRequest.objects.all(), pk=pk)
            if action == "done":
                _act(request, services.request_done, _("The request is done."), row=row,
                     done_on=_date(data.get("done_on"), clock.today()) or clock.today(),
                     result=data.get("result", ""), satisfaction=data.get("satisfaction", ""))
            elif action == "reopen":
                _act(request, services.request_reopen, _("The request is open again."), row=row)
        elif kind == "activity" and action == "withdraw":
            activity = self.scoped_object(Activity.objects.all(), pk=pk)
            _act(request, services.activity_withdraw, _("The activity record is withdrawn."), activity=activity)
        return redirect(back)


# --- studios -----------------------------------------------------------------------------------------------------

class StudiosView(ScopedMixin, View):
    scope_model = Studio

    def get(self, request):
        today = clock.today()
        under, choices = under_filter(request.user, request.GET.get("under"))
        rows = selectors.studios(request.user, under=under, today=today)
        return render(request, "representatives/studios.html", {
            "page": paginate(request, rows), "under": under, "under_choices": choices, "today": today,
            "can_create": bool(_changeable(request.user, STUDIO_TYPES))})


class StudioView(ScopedMixin, View):
    queryset = Studio.objects.select_related("organization", "leader__person")

    def get(self, request, pk):
        studio = self.get_scoped(pk=pk)
        today = clock.today()
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        congress = (Congress.objects.restrict(request.user).filter(representatives__studio=studio)
                    .order_by("-opened_on").first())
        reps = selectors.register(request.user, studio=studio, status=RepStatus.IN_OFFICE)
        month_start = today.replace(day=1)
        attended = set(Activity.objects.filter(studio=studio, kind=ActivityKind.ACTIVITY_DAY,
                                               occurred_on__gte=month_start).values_list("representative_id",
                                                                                          flat=True))
        return render(request, "representatives/studio.html", {
            "studio": studio, "reps": reps, "attended": attended, "today": today,
            "activities": Activity.objects.restrict(request.user).filter(studio=studio)
            .select_related("representative__person")[:30],
            "can_change": _can_change(request.user, studio.org_path), "congress": congress,
            "last_month": last_month})

    def post(self, request, pk):
        studio = self.scoped_object(Studio.objects.all(), pk=pk)
        if not _can_change(request.user, studio.org_path):
            raise PermissionDenied
        ids = [id_or_none(v) for v in request.POST.getlist("attendees")]
        attendees = list(Representative.objects.restrict(request.user, CHANGE).filter(pk__in=[i for i in ids if i],
                                                                                    studio=studio))
        day = _date(request.POST.get("occurred_on"), clock.today())
        if day is None:
            messages.error(request, _("Enter a valid date."))
        else:
            _act(request, services.studio_activity_day, _("The activity day is recorded for those who attended."),
                 studio=studio, occurred_on=day, content=request.POST.get("content", ""), attendees=attendees)
        return redirect("representatives:studio", studio.pk)


class IdleStudiosView(ScopedMixin, View):
    scope_model = Studio

    def get(self, request):
        today = clock.today()
        under, choices = under_filter(request.user, request.GET.get("under"))
        months = int_or_none(request.GET.get("months"), 1)
        months = months if months in selectors.IDLE_MONTHS else 1
        rows = selectors.idle_studios(request.user, under=under, today=today, months=months)
        return render(request, "representatives/idle.html", {
            "page": paginate(request, rows), "under": under, "under_choices": choices, "months": months,
            "month_choices": selectors.IDLE_MONTHS, "since": selectors.window_start(today, months), "today": today})


# --- proposals and requests --------------------------------------------------------------------------------------

class ProposalsMixin(ScopedMixin):
    scope_model = Proposal

    def filters(self, request) -> dict:
        today = clock.today()
        under, choices = under_filter(request.user, request.GET.get("under"))
        status = request.GET.get("status") if request.GET.get("status") in ProposalStatus.values else ""
        year = int_or_none(request.GET.get("year"))
        return {"today": today, "under": under, "under_choices": choices, "status": status,
                "overdue": request.GET.get("overdue") == "1", "year": year if year and 1900 < year < 2200 else None}

    def rows(self, request, f):
        return selectors.proposals(request.user, under=f["under"], status=f["status"], overdue=f["overdue"],
                                   today=f["today"], year=f["year"])


class ProposalsView(ProposalsMixin, View):
    def get(self, request):
        f = self.filters(request)
        page = paginate(request, self.rows(request, f))
        for p in page["rows"]:
            p.is_overdue = p.overdue(f["today"])
            p.can_change = _can_change(request.user, p.org_path)
        return render(request, "representatives/proposals.html", {
            **f, "page": page, "statuses": ProposalStatus.choices, "satisfactions": Satisfaction.choices,
            "query": request.GET.urlencode(), "next": request.get_full_path()})


class ProposalsXlsxView(ProposalsMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Representative"), _("Kind"), _("Proposal title"), _("Submitted on"), _("Status"), _("Handling unit"),
                  _("Answer due by"), _("Answered on"), _("Representative's view"), _("Overdue")]
        rows = ([p.representative.person.name, str(p.get_kind_display()), p.title, p.submitted_on.isoformat(),
                 str(p.get_status_display()), p.handling_unit, p.deadline.isoformat() if p.deadline else "",
                 p.answered_on.isoformat() if p.answered_on else "",
                 str(p.get_satisfaction_display()) if p.satisfaction else "",
                 _("Yes") if p.overdue(f["today"]) else ""]
                for p in self.rows(request, f).iterator(chunk_size=2000))
        return _xlsx(header, rows, _("Representatives' proposals"))


class RequestsView(ScopedMixin, View):
    scope_model = HouseholdRequest

    def get(self, request):
        today = clock.today()
        under, choices = under_filter(request.user, request.GET.get("under"))
        state = request.GET.get("state") if request.GET.get("state") in RequestState.values else ""
        overdue = request.GET.get("overdue") == "1"
        page = paginate(request, selectors.requests(request.user, under=under, state=state, overdue=overdue,
                                                    today=today))
        for r in page["rows"]:
            r.is_overdue = r.overdue(today)
        return render(request, "representatives/requests.html", {
            "page": page, "under": under, "under_choices": choices, "state": state, "overdue": overdue,
            "states": RequestState.choices, "today": today})


# --- the monthly ranking -----------------------------------------------------------------------------------------

class RankingView(ScopedMixin, View):
    scope_model = Congress

    def period(self, request):
        today = clock.today()
        year = int_or_none(request.GET.get("year") or request.POST.get("year"), today.year)
        month = int_or_none(request.GET.get("month") or request.POST.get("month"), today.month)
        if not (1900 < year < 2200 and 1 <= month <= 12):
            year, month = today.year, today.month
        return year, month

    def get(self, request):
        from engines.standards.models import Assessment

        year, month = self.period(request)
        congresses = list(self.get_queryset().order_by("-opened_on"))
        congress = next((c for c in congresses if c.pk == id_or_none(request.GET.get("congress"))), None) or \
            selectors.current_congress(request.user, clock.today())
        data, studios, studio = None, [], None
        if congress is not None:
            studios = list(selectors.studio_choices(request.user, congress))
            studio = next((s for s in studios if s.pk == id_or_none(request.GET.get("studio"))), None)
            assessment = Assessment.objects.filter(version__standard__code="representative-monthly",
                                                   owner=congress.organization,
                                                   period_label=f"{year}-{month:02d}").first()
            if assessment is not None:
                data = selectors.ranking(request.user, assessment, congress, studio=studio)
        return render(request, "representatives/ranking.html", {
            "congresses": congresses, "congress": congress, "year": year, "month": month, "data": data,
            "studios": studios, "studio": studio, "months": range(1, 13),
            "can_change": congress is not None and _can_change(request.user, congress.org_path)})

    def post(self, request):
        year, month = self.period(request)
        congress = self.get_scoped(pk=id_or_none(request.POST.get("congress")) or 0)
        _act(request, services.monthly_assessment, _("The month's ranking is counted from the records."),
             congress=congress, year=year, month=month)
        return redirect(f"{reverse('representatives:ranking')}?congress={congress.pk}&year={year}&month={month}")



# --- congresses --------------------------------------------------------------------------------------------------

HOLDER_TYPES = ("committee", "party_committee")
STUDIO_TYPES = ("committee", "party_committee", "general_branch")


def _changeable(user, types):
    return list(Organization.objects.restrict(user, CHANGE).filter(status=OrgStatus.ACTIVE, org_type__in=types)
                .only("pk", "name", "depth", "path").order_by("path"))


def _form_error(form, error) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("This lies outside the organizations you are responsible for."))
    else:
        apply_service_errors(form, error)


class CongressesView(ScopedMixin, View):
    """The congresses with their terms and representatives in office; a new one."""
    scope_model = Congress

    def page(self, request, form=None, status=200):
        holders = _changeable(request.user, HOLDER_TYPES)
        rows = (selectors.congresses(request.user)
                .annotate(in_office=Count("representatives", filter=Q(representatives__status=RepStatus.IN_OFFICE)))
                .order_by("org_path", "-number"))
        for c in rows:
            c.can_change = _can_change(request.user, c.org_path)
        return render(request, "representatives/congresses.html", {
            "rows": rows, "today": clock.today(), "holders": holders,
            "form": form or CongressForm(organizations=holders)}, status=status)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        holders = {org.pk: org for org in _changeable(request.user, HOLDER_TYPES)}
        if not holders:
            raise PermissionDenied
        form = CongressForm(request.POST, organizations=holders.values())
        if not form.is_valid():
            return self.page(request, form=form, status=422)
        data = form.cleaned_data
        try:
            congress = services.congress_create(user=request.user, organization=holders[data["organization"]],
                                                number=data["number"], name=data["name"],
                                                opened_on=data["opened_on"], term_ends_on=data["term_ends_on"])
        except (ValidationError, PermissionDenied) as error:
            _form_error(form, error)
            return self.page(request, form=form, status=422)
        messages.success(request, _("The congress is recorded: %(name)s.") % {"name": congress.name})
        return redirect("representatives:congresses")


class CongressEditView(ScopedMixin, View):
    queryset = Congress.objects.select_related("organization")
    scope_action = CHANGE

    def page(self, request, congress, form, status=200):
        return render(request, "representatives/congress_edit.html", {"congress": congress, "form": form},
                      status=status)

    def get(self, request, pk):
        congress = self.get_scoped(pk=pk)
        return self.page(request, congress, CongressForm(organizations=[congress.organization], editing=True, initial={
            "organization": congress.organization_id, "number": congress.number, "name": congress.name,
            "opened_on": congress.opened_on, "term_ends_on": congress.term_ends_on}))

    def post(self, request, pk):
        congress = self.get_scoped(pk=pk)
        form = CongressForm(request.POST, organizations=[congress.organization], editing=True,
                            initial={"organization": congress.organization_id})
        if not form.is_valid():
            return self.page(request, congress, form, status=422)
        data = form.cleaned_data
        try:
            services.congress_update(user=request.user, congress=congress, number=data["number"], name=data["name"],
                                     opened_on=data["opened_on"], term_ends_on=data["term_ends_on"])
        except (ValidationError, PermissionDenied) as error:
            _form_error(form, error)
            return self.page(request, congress, form, status=422)
        messages.success(request, _("The congress is saved."))
        return redirect("representatives:congresses")


# --- a studio's form ---------------------------------------------------------------------------------------------

class StudioNewView(ScopedMixin, View):
    scope_model = Studio

    def page(self, request, form, status=200):
        return render(request, "representatives/studio_form.html", {"form": form, "studio": None}, status=status)

    def get(self, request):
        return self.page(request, StudioForm(organizations=_changeable(request.user, STUDIO_TYPES)))

    def post(self, request):
        places = {org.pk: org for org in _changeable(request.user, STUDIO_TYPES)}
        if not places:
            raise PermissionDenied
        form = StudioForm(request.POST, organizations=places.values())
        if not form.is_valid():
            return self.page(request, form, status=422)
        data = form.cleaned_data
        try:
            studio = services.studio_create(user=request.user, organization=places[data["organization"]],
                                            name=data["name"], address=data["address"],
                                            activity_day=data["activity_day"])
        except (ValidationError, PermissionDenied) as error:
            _form_error(form, error)
            return self.page(request, form, status=422)
        messages.success(request, _("The studio is recorded; its representatives are stationed there from the "
                                    "register or its workbook."))
        return redirect("representatives:studio", studio.pk)


class StudioEditView(ScopedMixin, View):
    queryset = Studio.objects.select_related("organization", "leader__person")
    scope_action = CHANGE

    def leaders(self, studio):
        return list(Representative.objects.filter(studio=studio, status=RepStatus.IN_OFFICE)
                    .select_related("person").order_by("pk"))

    def places(self, request, studio):
        found = _changeable(request.user, STUDIO_TYPES)
        if studio.organization_id not in {org.pk for org in found}:
            found.insert(0, studio.organization)
        return found

    def page(self, request, studio, form, status=200):
        return render(request, "representatives/studio_form.html", {"form": form, "studio": studio}, status=status)

    def get(self, request, pk):
        studio = self.get_scoped(pk=pk)
        return self.page(request, studio, StudioForm(
            organizations=self.places(request, studio), leaders=self.leaders(studio), initial={
                "organization": studio.organization_id, "name": studio.name, "address": studio.address,
                "activity_day": studio.activity_day, "leader": studio.leader_id}))

    def post(self, request, pk):
        studio = self.get_scoped(pk=pk)
        places = {org.pk: org for org in self.places(request, studio)}
        leaders = {rep.pk: rep for rep in self.leaders(studio)}
        form = StudioForm(request.POST, organizations=places.values(), leaders=leaders.values())
        if not form.is_valid():
            return self.page(request, studio, form, status=422)
        data = form.cleaned_data
        try:
            services.studio_update(user=request.user, studio=studio, name=data["name"],
                                   organization=places[data["organization"]], address=data["address"],
                                   activity_day=data["activity_day"], leader=leaders.get(data["leader"]),
                                   confirm=request.POST.get("confirm") == "1")
        except NeedsConfirmation as needed:
            return render(request, "representatives/studio_move.html", {
                "studio": studio, "message": needed.messages[0], "preview": needed.details,
                "fields": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")]})
        except (ValidationError, PermissionDenied) as error:
            _form_error(form, error)
            return self.page(request, studio, form, status=422)
        messages.success(request, _("The studio is saved."))
        return redirect("representatives:studio", studio.pk)


# --- a representative's village and households ------------------------------------------------------------------

class RepEditView(ScopedMixin, View):
    """The linked village, the studio and the linked households (up to ten) of a representative."""
    queryset = Representative.objects.select_related("person", "congress", "constituency", "studio", "village")
    scope_action = CHANGE

    def page(self, request, rep, *, village, studio, households, errors=(), status=200):
        by_place: dict = {}
        general = []
        for place, field, message in errors:
            if place:
                by_place.setdefault(place, {})[field] = message
            else:
                general.append(message)
        rows = list(households) + [{"id": "", "name": "", "address": "", "phone": ""}] * (
            services.HOUSEHOLDS - len(households))
        rows = [{**row, "place": n, "errors": by_place.get(n, {})} for n, row in enumerate(rows, start=1)]
        return render(request, "representatives/rep_edit.html", {
            "rep": rep, "villages": selectors.village_choices(request.user, rep.congress),
            "studios": selectors.studio_choices(request.user, rep.congress), "village_id": village,
            "studio_id": studio, "rows": rows, "general_errors": general, "limit": services.HOUSEHOLDS},
            status=status)

    def get(self, request, pk):
        rep = self.get_scoped(pk=pk)
        households = [{"id": h.pk, "name": h.name, "address": h.address, "phone": h.phone}
                      for h in rep.households.all()]
        return self.page(request, rep, village=rep.village_id, studio=rep.studio_id, households=households)

    def post(self, request, pk):
        rep = self.get_scoped(pk=pk)
        data = request.POST
        village_id, studio_id = id_or_none(data.get("village")), id_or_none(data.get("studio"))
        households = []
        count = max(int_or_none(data.get("rows"), services.HOUSEHOLDS) or 0, 0)
        for n in range(1, min(count, 50) + 1):
            row = {"id": id_or_none(data.get(f"hh-{n}-id")) or "",
                   **{f: (data.get(f"hh-{n}-{f}") or "").strip() for f in ("name", "address", "phone")}}
            if row["name"] or row["address"] or row["phone"]:     # a cleared row unlinks its household
                households.append(row)
        shown = {"village": village_id, "studio": studio_id, "households": households}
        errors = services.household_errors(households)
        village = selectors.village_choices(request.user, rep.congress).filter(pk=village_id).first() \
            if village_id else None
        studio = selectors.studio_choices(request.user, rep.congress).filter(pk=studio_id).first() \
            if studio_id else None
        if village_id and village is None:
            errors.append((0, "village", _("Choose a village under the congress's committee.")))
        if studio_id and studio is None:
            errors.append((0, "studio", _("Choose an open studio under the congress's committee.")))
        if not errors:
            try:
                services.representative_update(user=request.user, rep=rep, studio=studio, village=village,
                                               households=[{k: v for k, v in row.items() if v or k != "id"}
                                                           for row in households])
            except (ValidationError, PermissionDenied) as error:
                errors = [(0, "", message) for message in getattr(error, "messages", [str(error)])]
            else:
                messages.success(request, _("The representative's village and households are saved."))
                return redirect("representatives:representative", rep.pk)
        return self.page(request, rep, errors=errors, status=422, **shown)


# --- the workbook import -----------------------------------------------------------------------------------------

IMPORT_STASH = "representatives-import"


def _import_congresses(user):
    return [c for c in selectors.congresses(user).order_by("-opened_on") if _can_change(user, c.org_path)]


class ImportView(ScopedMixin, View):
    """GET: the form, the imports made and (with ``template``) the template of a congress; POST with a file: the
    check and its preview (nothing written); POST with ``confirm``: the checked workbook registered, all or
    nothing."""
    queryset = RepImport.objects.select_related("congress", "created_by")

    def page(self, request, errors=(), status=200, chosen=None):
        batches = list(self.get_queryset()[:30])
        for b in batches:
            b.can_change = _can_change(request.user, b.org_path)
        return render(request, "representatives/import.html", {
            "congresses": _import_congresses(request.user), "chosen": chosen, "errors": errors,
            "batches": batches}, status=status)

    def _congress(self, request, value):
        return next((c for c in _import_congresses(request.user) if c.pk == id_or_none(value)), None)

    def get(self, request):
        if request.GET.get("template"):
            congress = self._congress(request, request.GET.get("congress"))
            if congress is None:
                return self.page(request, errors=[(0, "", _("Choose the congress."))], status=422)
            return imports.template_response(request.user, congress)
        return self.page(request)

    def post(self, request):
        if request.POST.get("confirm"):
            return self.apply(request)
        congress = self._congress(request, request.POST.get("congress"))
        upload = request.FILES.get("file")
        if congress is None:
            return self.page(request, errors=[(0, "", _("Choose the congress."))], status=422)
        if upload is None:
            return self.page(request, errors=[(0, "", _("Choose the workbook to import."))], status=422,
                             chosen=congress.pk)
        try:
            rows, preview, errors = imports.check(request.user, congress, upload)
        except imports.ImportRefused as refused:
            return self.page(request, errors=refused.errors, status=422, chosen=congress.pk)
        if not errors:
            stash(request, IMPORT_STASH, upload, folder="representatives-imports", congress=congress.pk,
                  name_shown=upload.name)
        else:
            discard(request, IMPORT_STASH)
        return render(request, "representatives/import_preview.html", {
            "congress": congress, "file_name": upload.name, "preview": preview, "errors": errors,
            "added_people": sum(1 for row in preview if row["added"]),
            "households": sum(row["households"] for row in preview)}, status=422 if errors else 200)

    def apply(self, request):
        entry = stashed(request, IMPORT_STASH)
        congress = self._congress(request, entry["congress"]) if entry else None
        if entry is None or congress is None:
            messages.error(request, _("The workbook to import is no longer there: upload it again."))
            return redirect("representatives:import")
        with open_stashed(entry) as file:
            try:
                rows, errors = imports.read_rows(request.user, congress, file)
                if errors:
                    return self.page(request, errors=errors, status=422, chosen=congress.pk)
                batch = services.import_apply(user=request.user, congress=congress, rows=rows,
                                              file_name=entry.get("name_shown", ""))
            except imports.ImportRefused as refused:
                return self.page(request, errors=refused.errors, status=422, chosen=congress.pk)
            except (ValidationError, PermissionDenied) as error:
                error_messages(request, error)
                return redirect("representatives:import")
        discard(request, IMPORT_STASH)
        messages.success(request, _("%(n)d representatives are registered; the import can be withdrawn on this "
                                    "page.") % {"n": batch.representatives_count})
        return redirect("representatives:import")


class ImportWithdrawView(ScopedMixin, View):
    """GET: what the withdrawal removes; POST: withdrawn (after that preview)."""
    queryset = RepImport.objects.select_related("congress")
    scope_action = CHANGE

    def get(self, request, pk):
        batch = self.get_scoped(pk=pk)
        return render(request, "representatives/import_withdraw.html", {
            "batch": batch, "preview": services.import_withdraw_preview(batch)})

    def post(self, request, pk):
        batch = self.get_scoped(pk=pk)
        if request.POST.get("confirm") != "1":
            return redirect("representatives:import_withdraw", batch.pk)
        try:
            services.import_withdraw(user=request.user, batch=batch, confirm=True)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The import is withdrawn: its representatives and their households are "
                                        "removed."))
        return redirect("representatives:import")


# --- the ranking's workbook --------------------------------------------------------------------------------------

class RankingXlsxView(ScopedMixin, View):
    """The month's ranking as a workbook: overall, or of one studio (``studio``), with each item's points."""
    scope_model = Congress

    def get(self, request):
        from engines.standards.models import Assessment

        year, month = RankingView.period(self, request)
        congress = self.get_scoped(pk=id_or_none(request.GET.get("congress")) or 0)
        studio = None
        if request.GET.get("studio"):
            studio = self.scoped_object(Studio.objects.all(), pk=id_or_none(request.GET.get("studio")) or 0)
        label = f"{year}-{month:02d}"
        assessment = Assessment.objects.filter(version__standard__code="representative-monthly",
                                               owner=congress.organization, period_label=label).first()
        if assessment is None:
            messages.error(request, _("The month has not been counted yet."))
            return redirect(f"{reverse('representatives:ranking')}?congress={congress.pk}&year={year}&month={month}")
        data = selectors.ranking(request.user, assessment, congress, studio=studio)
        header = [_("Rank"), _("Representative"), _("Studio"), _("Rank in the studio"),
                  *[item.title for item in data["items"]], _("Total"), _("Tier"), _("Lagging")]
        rows = ([row["rank_all"], row["person"].name, row["studio"], row["rank_studio"],
                 *[float(p) if p is not None else None for p in row["points"]],
                 float(row["total"]) if row["total"] is not None else None, str(row["tier_name"] or ""),
                 _("Yes") if row["lagging"] else ""] for row in data["rows"])
        title = _("Representatives' monthly ranking") + f" {label}" + (f" {studio.name}" if studio else "")
        return _xlsx(header, rows, title)

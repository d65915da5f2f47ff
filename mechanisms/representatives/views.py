"""The representatives' pages: the register (with its workbook), a representative's page (households, activities,
proposals, requests; ending the office after a preview, and its withdrawal), the studios and a studio's page (its
activity day recorded for those who attended), the idle studios, the proposals followed to an answer (with their
workbook), the households' requests, and the monthly ranking."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.views import under_filter

from . import selectors, services
from .models import (
    Activity,
    ActivityKind,
    Congress,
    EndReason,
    HouseholdRequest,
    Proposal,
    ProposalKind,
    ProposalStatus,
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
            "page": paginate(request, rows), "under": under, "under_choices": choices, "today": today})


class StudioView(ScopedMixin, View):
    queryset = Studio.objects.select_related("organization")

    def get(self, request, pk):
        studio = self.get_scoped(pk=pk)
        today = clock.today()
        reps = selectors.register(request.user, studio=studio, status=RepStatus.IN_OFFICE)
        month_start = today.replace(day=1)
        attended = set(Activity.objects.filter(studio=studio, kind=ActivityKind.ACTIVITY_DAY,
                                               occurred_on__gte=month_start).values_list("representative_id",
                                                                                          flat=True))
        return render(request, "representatives/studio.html", {
            "studio": studio, "reps": reps, "attended": attended, "today": today,
            "activities": Activity.objects.restrict(request.user).filter(studio=studio)
            .select_related("representative__person")[:30],
            "can_change": _can_change(request.user, studio.org_path)})

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
        data = None
        if congress is not None:
            assessment = Assessment.objects.filter(version__standard__code="representative-monthly",
                                                   owner=congress.organization,
                                                   period_label=f"{year}-{month:02d}").first()
            if assessment is not None:
                from .api import ranking_data

                data = ranking_data(assessment)
        return render(request, "representatives/ranking.html", {
            "congresses": congresses, "congress": congress, "year": year, "month": month, "data": data,
            "months": range(1, 13), "can_change": congress is not None and _can_change(request.user,
                                                                                        congress.org_path)})

    def post(self, request):
        year, month = self.period(request)
        congress = self.get_scoped(pk=id_or_none(request.POST.get("congress")) or 0)
        _act(request, services.monthly_assessment, _("The month's ranking is counted from the records."),
             congress=congress, year=year, month=month)
        return redirect(f"{reverse('representatives:ranking')}?congress={congress.pk}&year={year}&month={month}")


"""Liaison pages: points by year with the share of titled organizations that are points, a point's log and
history, the year-end summary per leader, and the village service day's requests with counts.

Views parse input, call mechanisms.liaison.services / selectors and render; every object comes through
``restrict(user, action)``, so outside the user's scope a page is a 404 as for a missing one.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kernel.core.paging import paginate
from kernel.core.views import ScopedMixin, can_change, error_messages, int_or_none
from kernel.orgs.models import Organization

from . import selectors, services
from .forms import AdvanceForm, PointForm, ReassignForm, RequestForm, VisitForm
from .models import Level, LiaisonPoint, RequestStatus, ServiceRequest


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _under(request) -> Organization | None:
    """The organization chosen with ?under=, else the top of the user's scope."""
    orgs = Organization.objects.restrict(request.user).order_by("path")
    chosen = int_or_none(request.GET.get("under"))
    if chosen is not None:
        org = orgs.filter(pk=chosen).first()
        if org is None:
            raise Http404
        return org
    return orgs.first()


class PointMixin(ScopedMixin):
    queryset = LiaisonPoint.objects.all()


class PointListView(PointMixin, View):
    def get(self, request):
        year = int_or_none(request.GET.get("year"), datetime.date.today().year)
        level = request.GET.get("level") if request.GET.get("level") in Level.values else ""
        under = _under(request)
        rows = list(selectors.points(request.user, year=year, under=under, level=level).order_by(
            "level", "org_path", "assigned_on")) if under else []
        share = selectors.titled_share(request.user, under, year=year) if under else None
        return render(request, "liaison/points.html", {
            "points": rows, "page": paginate(request, rows), "year": year, "level": level, "levels": Level.choices,
            "under": under, "share": share,
            "demonstration_count": sum(1 for p in rows if p.demonstration and p.current),
            "can_create": Organization.objects.restrict(request.user, "change").exists(),
        })


class PointCreateView(PointMixin, View):
    scope_action = "change"

    def get(self, request):
        return render(request, "liaison/point_form.html", {"form": PointForm(user=request.user)})

    def post(self, request):
        form = PointForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                point = services.point_assign(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                return redirect("liaison:point", point.pk)
        return render(request, "liaison/point_form.html", {"form": form}, status=400)


class PointDetailView(PointMixin, View):
    def get(self, request, pk):
        point = self.scoped_object(self.get_queryset().select_related("leader", "organization"), pk=pk)
        editable = can_change(request.user, point)
        return render(request, "liaison/point.html", {
            "point": point, "visits": point.visits.all(), "history": selectors.history(request.user, point.organization),
            "can_edit": editable, "visit_form": VisitForm() if editable and point.current else None,
            "reassign_form": ReassignForm(user=request.user) if editable and point.current else None,
            "totals": {"visits": point.visits.count(), "amount": sum(v.amount for v in point.visits.all())},
        })


class VisitCreateView(PointMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        point = self.get_scoped(pk=pk)
        form = VisitForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("liaison:point", point.pk)
        data = form.cleaned_data
        try:
            services.visit_log(user=request.user, point=point, visited_on=data["visited_on"], content=data["content"],
                               help_given=data["help_given"], amount=data["amount"] or 0)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Visit logged."))
        return redirect("liaison:point", point.pk)


class ReassignView(PointMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        point = self.get_scoped(pk=pk)
        form = ReassignForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("liaison:point", point.pk)
        try:
            successor = services.point_reassign(user=request.user, point=point, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
            return redirect("liaison:point", point.pk)
        messages.success(request, _("The liaison point passed to %(name)s.") % {"name": successor.leader.name})
        return redirect("liaison:point", successor.pk)


class SummaryView(PointMixin, View):
    def get(self, request):
        year = int_or_none(request.GET.get("year"), datetime.date.today().year)
        under = _under(request)
        rows = selectors.leader_summary(request.user, year, under=under) if under else []
        return render(request, "liaison/summary.html", {
            "rows": rows, "year": year, "under": under,
            "totals": {"leaders": len(rows), "points": sum(len(r["points"]) for r in rows),
                       "visits": sum(r["visits"] for r in rows), "amount": sum(r["amount"] for r in rows)},
        })


class RequestMixin(ScopedMixin):
    queryset = ServiceRequest.objects.all()


class RequestListView(RequestMixin, View):
    def get(self, request):
        under = _under(request)
        status = request.GET.get("status") if request.GET.get("status") in RequestStatus.values else ""
        date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
        rows = selectors.requests(request.user, under=under, status=status, date_from=date_from, date_to=date_to) \
            if under else ServiceRequest.objects.none()
        counts = selectors.request_counts(request.user, under, date_from=date_from, date_to=date_to) if under else None
        can_receive = Organization.objects.restrict(request.user, "change").filter(
            org_type__in=["branch", "general_branch"]).exists()
        return render(request, "liaison/requests.html", {
            "requests": rows[:200], "shown_all": rows.count() <= 200, "counts": counts, "under": under,
            "status": status, "statuses": RequestStatus.choices, "date_from": date_from, "date_to": date_to,
            "form": RequestForm(user=request.user) if can_receive else None, "advance_form": AdvanceForm(),
        })


class RequestCreateView(RequestMixin, View):
    scope_action = "change"

    def post(self, request):
        form = RequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.request_receive(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                error_messages(request, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Request recorded."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("liaison:requests")


class RequestAdvanceView(RequestMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        service_request = self.get_scoped(pk=pk)
        form = AdvanceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_advance(user=request.user, service_request=service_request, status=data["status"],
                                         on=data["on"], note=data["note"] or None)
            except ValidationError as error:
                error_messages(request, error)
        else:
            messages.error(request, _("Choose a status."))
        return redirect(form.back_to("liaison:requests"))

"""The staffing pages: the instructors serving in a month with their visits against the monthly duty (and the
form to station one), an instructor's visit log, the organizers per township against the ratios, and the
department's staff with the table of ratios; each list with its workbook."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import clock
from kernel.core.scope import CHANGE, scope_for
from kernel.core.versioned import TableForm, VersionedTableView
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.orgs.views import under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person, Post

from . import selectors, services
from .forms import EndForm, InstructorForm, NormForm, OrganizerForm, StaffForm, VisitForm
from .models import DepartmentStaff, Instructor, InstructorVisit, Level, Organizer, StaffingNorm

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(header, rows, title):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def month_of(request) -> datetime.date:
    value = request.GET.get("month", "")
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        return clock.today().replace(day=1)


def cadres(user, limit=500):
    """Those who may be stationed or named: people the user sees holding a post in a committee."""
    upper = Organization.objects.filter(org_type__in=(OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE))
    holders = Post.objects.current().filter(organization__in=upper).values("person_id")
    return list(Person.objects.restrict(user).filter(pk__in=holders).order_by("name")[:limit])


class InstructorsMixin(ScopedMixin):
    queryset = Instructor.objects.all()

    def filters(self, request):
        under, choices = under_filter(request.user, request.GET.get("under"))
        level = request.GET.get("level") if request.GET.get("level") in Level.values else ""
        return {"under": under, "under_choices": choices, "level": level, "month": month_of(request)}

    def rows(self, request, f):
        return selectors.month_rows(request.user, f["month"], under=f["under"], level=f["level"])


class InstructorsView(InstructorsMixin, View):
    def form(self, request, data=None):
        villages = Organization.objects.restrict(request.user, CHANGE).filter(
            org_type__in=(OrgType.BRANCH, OrgType.GENERAL_BRANCH), status=OrgStatus.ACTIVE).order_by("path")[:3000]
        return InstructorForm(data, people=cadres(request.user), organizations=list(villages))

    def get(self, request, form=None, status=200):
        f = self.filters(request)
        rows = self.rows(request, f)
        by_level = {value: sum(1 for r in rows if r["instructor"].level == value) for value in Level.values}
        return render(request, "staffing/instructors.html", {
            **f, "rows": rows, "levels": Level.choices, "met": sum(r["met"] for r in rows),
            "by_level": [(label, by_level[value]) for value, label in Level.choices],
            "month_label": f["month"].strftime("%Y-%m"), "query": request.GET.urlencode(),
            "form": form or self.form(request)}, status=status)

    def post(self, request):
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                services.instructor_station(user=request.user, **form.cleaned_data)
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("staffing:instructors")
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The instructor is stationed."))
                return redirect("staffing:instructors")
        return self.get(request, form=form, status=422)


class InstructorsXlsxView(InstructorsMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Village"), _("Instructor"), _("Level"), _("Unit"), _("Stationed from"), _("Visits in the month"),
                  _("Visits required"), _("Met")]
        rows = ([r["instructor"].organization.name, r["instructor"].person.name,
                 str(r["instructor"].get_level_display()), r["instructor"].unit,
                 r["instructor"].started_on.isoformat(), r["visits"], r["required"] if r["required"] else "",
                 _("Yes") if r["met"] else _("No")] for r in self.rows(request, f))
        return xlsx_response(header, rows, _("Instructors %(month)s") % {"month": f["month"].strftime("%Y-%m")})


class InstructorView(ScopedMixin, View):
    queryset = Instructor.objects.select_related("person", "organization")

    def context(self, request, instructor, visit_form=None, end_form=None):
        year = clock.today().year
        months = [selectors.month_rows(request.user, datetime.date(year, m, 1), under=instructor.organization)
                  for m in range(1, clock.today().month + 1)]
        months = [(datetime.date(year, n + 1, 1).strftime("%Y-%m"),
                   next((r for r in rows if r["instructor"].pk == instructor.pk), None))
                  for n, rows in enumerate(months)]
        return {"instructor": instructor, "visits": selectors.visits(request.user, instructor=instructor),
                "months": months, "can_change": scope_for(request.user).covers(instructor.org_path, action=CHANGE),
                "visit_form": visit_form or VisitForm(), "end_form": end_form or EndForm()}

    def get(self, request, pk):
        return render(request, "staffing/instructor.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        instructor = self.get_scoped(pk=pk)
        action = request.POST.get("action")
        if action == "withdraw":
            visit = InstructorVisit.objects.restrict(request.user, CHANGE).filter(
                pk=int_or_none(request.POST.get("visit")), instructor=instructor).first()
            if visit is None:
                messages.error(request, _("Choose the visit."))
            else:
                services.visit_withdraw(user=request.user, visit=visit)
                messages.success(request, _("The visit is withdrawn."))
            return redirect("staffing:instructor", instructor.pk)
        form = (EndForm if action == "end" else VisitForm)(request.POST)
        if form.is_valid():
            try:
                if action == "end":
                    services.instructor_end(user=request.user, instructor=instructor, **form.cleaned_data)
                else:
                    services.visit_log(user=request.user, instructor=instructor, **form.cleaned_data)
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("staffing:instructor", instructor.pk)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("staffing:instructor", instructor.pk)
        forms = {"end_form": form} if action == "end" else {"visit_form": form}
        return render(request, "staffing/instructor.html", self.context(request, instructor, **forms), status=422)


class OrganizersMixin(ScopedMixin):
    queryset = Organizer.objects.all()

    def filters(self, request):
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "today": clock.today()}


class OrganizersView(OrganizersMixin, View):
    def form(self, request, data=None):
        towns = [t for t in selectors.townships(request.user)
                 if scope_for(request.user).covers(t.path, action=CHANGE)]
        people = list(Person.objects.restrict(request.user).filter(
            pk__in=Post.objects.current().filter(organization__in=towns).values("person_id")).order_by("name")[:1000])
        return OrganizerForm(data, people=people, organizations=towns)

    def get(self, request, form=None, status=200):
        f = self.filters(request)
        return render(request, "staffing/organizers.html", {
            **f, "ratios": selectors.organizer_ratios(request.user, f["today"], under=f["under"]),
            "form": form or self.form(request), "query": request.GET.urlencode()}, status=status)

    def post(self, request):
        if request.POST.get("action") == "end":
            organizer = Organizer.objects.restrict(request.user, CHANGE).filter(
                pk=int_or_none(request.POST.get("organizer"))).first()
            try:
                if organizer is None:
                    raise ValidationError(_("Choose the organizer."))
                services.organizer_end(user=request.user, organizer=organizer, on=clock.today())
            except (ValidationError, PermissionDenied) as error:
                error_messages(request, error)
            else:
                messages.success(request, _("Recorded."))
            return redirect("staffing:organizers")
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                services.organizer_add(user=request.user, **form.cleaned_data)
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("staffing:organizers")
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The organizer is recorded."))
                return redirect("staffing:organizers")
        return self.get(request, form=form, status=422)


class OrganizersXlsxView(OrganizersMixin, View):
    def get(self, request):
        f = self.filters(request)
        ratios = selectors.organizer_ratios(request.user, f["today"], under=f["under"])
        header = [_("Township"), _("Full-time organizers, certified"), _("Part-time organizers, certified"),
                  _("Organizers not certified")]
        rows = [[t["township"].name, t["full_time"], t["part_time"], t["uncertified"]] for t in ratios["townships"]]
        return xlsx_response(header, rows, _("Organizers"))


class StaffView(VersionedTableView):
    """The department's staff counts of a year, and the table of ratios (versioned: a change is in force from a
    day); the two forms of the page are chosen by ``action``."""
    queryset = DepartmentStaff.objects.all()
    template_name, success_url = "staffing/staff.html", "staffing:staff"
    form_class, form_name, done = StaffForm, "staff_form", gettext_lazy("Recorded.")
    more_forms = {"norm": TableForm(NormForm, "save_norm", "norm_form", gettext_lazy("Recorded."))}
    refusal = gettext_lazy("Only those responsible for the county committee record this.")

    def owners(self, request):
        return [org for org in Organization.objects.restrict(request.user, CHANGE).filter(
            org_type=OrgType.COMMITTEE).order_by("path")]

    def save(self, user, owner, data):
        return services.staff_set(user=user, organization=owner, **data)

    def save_norm(self, user, owner, data):
        return services.norm_set(user=user, owner=owner, **data)

    def get_context_data(self, request):
        year = int_or_none(request.GET.get("year")) or clock.today().year
        return {"year": year, "rows": selectors.staff_rows(request.user, year),
                "norms": StaffingNorm.objects.restrict(request.user).select_related("owner")}


class StaffXlsxView(StaffView):
    http_method_names = ["get", "head", "options"]  # the workbook only: the forms post to the page

    def get(self, request):
        year = int_or_none(request.GET.get("year")) or clock.today().year
        header = [_("County committee"), _("Year"), _("Staff of the department"), _("Staff on grassroots work"),
                  _("Share"), _("Target")]
        rows = [[r["row"].organization.name, r["row"].year, r["row"].total, r["row"].grassroots,
                 float(r["share"]) if r["share"] is not None else "", r["target"]]
                for r in selectors.staff_rows(request.user, year)]
        return xlsx_response(header, rows, _("Department staff"))

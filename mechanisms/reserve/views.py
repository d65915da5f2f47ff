"""The reserve pages: the pool (with its workbook), a village's pool, cultivations and posts for members without
office (with the forms to add to them), a reserve cadre (assessments, appointment with its preview, leaving, and
the withdrawal of an outcome), the two-way cultivation list with the counts per track and a cultivation's steps,
and the posts for members without office of a year."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock, rates
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization, OrgStatus
from kernel.orgs.views import under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import selectors, services
from .forms import (
    AppointForm,
    AssessForm,
    AssignForm,
    CadreForm,
    CloseForm,
    CultivationForm,
    DutyPostForm,
    LeaveForm,
    ReasonForm,
    ReviewForm,
    StepForm,
    TrainingForm,
)
from .home import villages_in_scope
from .models import (
    Cultivation,
    DutyPostAssignment,
    MemberDutyPost,
    Outcome,
    PoolStatus,
    Rating,
    ReserveCadre,
    Track,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(header, rows, title):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def year_of(request) -> int:
    year = int_or_none(request.GET.get("year"))
    return year if year and 2000 <= year <= 2200 else clock.today().year


def choice_of(request, name, choices) -> str:
    value = request.GET.get(name, "")
    return value if value in choices.values else ""


def can_change(user, path) -> bool:
    return scope_for(user).covers(path, realm="org", action=CHANGE)


# --- the pool -----------------------------------------------------------------------------------------------------

class PoolMixin(ScopedMixin):
    queryset = ReserveCadre.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "status": choice_of(request, "status", PoolStatus),
                "since_year": int_or_none(request.GET.get("since_year")),
                "outcome_year": int_or_none(request.GET.get("outcome_year"))}

    def rows(self, request, f):
        return selectors.pool(request.user, under=f["under"], status=f["status"], since_year=f["since_year"],
                              outcome_year=f["outcome_year"])


class PoolView(PoolMixin, View):
    def get(self, request):
        f = self.filters(request)
        year = clock.today().year
        figures = selectors.pool_figures(request.user, year, under=f["under"])
        villages = villages_in_scope(request.user) if f["under"] is None else Organization.objects.restrict(
            request.user).filter(path__startswith=f["under"].path, org_type__in=("branch", "general_branch"),
                                 domain__in=("rural", "community"), status=OrgStatus.ACTIVE).count()
        return render(request, "reserve/pool.html", {
            **f, "page": paginate(request, self.rows(request, f)), "statuses": PoolStatus.choices,
            "figures": figures, "villages": villages, "year": year,
            "village_share": rates.rate(figures["villages"], villages), "query": request.GET.urlencode(),
            "village_choices": Organization.objects.restrict(request.user, CHANGE).filter(
                org_type__in=("branch", "general_branch"), domain__in=("rural", "community"),
                status=OrgStatus.ACTIVE).order_by("path")[:2000]})


class PoolXlsxView(PoolMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Village"), _("Name"), _("Source"), _("In the pool since"), _("Training"), _("Status"),
                  _("Outcome on"), _("Post appointed to"), _("Outcome note"), _("Latest assessment")]

        def rows():
            for cadre in self.rows(request, f).prefetch_related("assessments").iterator(chunk_size=2000):
                latest = max(cadre.assessments.all(), key=lambda a: a.year, default=None)
                yield [cadre.organization.name, cadre.person.name, str(cadre.get_source_display()),
                       cadre.since.isoformat(), cadre.training, str(cadre.get_status_display()),
                       cadre.outcome_on.isoformat() if cadre.outcome_on else "",
                       str(cadre.get_outcome_title_display()) if cadre.outcome_title else "", cadre.outcome_note,
                       f"{latest.year} {latest.get_grade_display()}" if latest else ""]
        return xlsx_response(header, rows(), _("Reserve cadres"))


# --- a village ----------------------------------------------------------------------------------------------------

class VillageView(ScopedMixin, View):
    queryset = Organization.objects.filter(org_type__in=("branch", "general_branch"))
    forms = {"cadre": CadreForm, "cultivation": CultivationForm, "post": DutyPostForm, "assign": AssignForm}

    def people(self, request, village):
        return list(Person.objects.restrict(request.user).filter(org_path__startswith=village.path)
                    .order_by("name")[:1000])

    def context(self, request, village, bound=None) -> dict:
        people = self.people(request, village)
        year = year_of(request)
        made = {}
        for name, form_class in self.forms.items():
            if bound and bound[0] == name:
                made[name] = bound[1]
            elif name in ("cadre", "cultivation", "assign"):
                made[name] = form_class(people=people)
            else:
                made[name] = form_class()
        posts = list(selectors.duty_posts(request.user, organization=village))
        return {"village": village, "year": year, "forms": made,
                "can_change": can_change(request.user, village.path),
                "cadres": selectors.pool(request.user, under=village),
                "cultivations": selectors.cultivations(request.user, under=village),
                "posts": posts, "live_posts": [p for p in posts if p.ended_on is None],
                "assignments": selectors.assignments(request.user, year, organization=village),
                "ratings": Rating.choices, "review_form": ReviewForm()}

    def get(self, request, pk):
        return render(request, "reserve/village.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        village = self.get_scoped(pk=pk)
        which = request.POST.get("form")
        if which not in self.forms:
            messages.error(request, _("Choose what to record."))
            return redirect("reserve:village", village.pk)
        people = self.people(request, village)
        form_class = self.forms[which]
        form = form_class(request.POST, people=people) if which != "post" else form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "cadre":
                    services.cadre_add(user=request.user, organization=village, **data)
                    done = _("%(name)s is in the reserve pool.") % {"name": data["person"].name}
                elif which == "cultivation":
                    services.cultivation_start(user=request.user, organization=village, **data)
                    done = _("%(name)s is on the track.") % {"name": data["person"].name}
                elif which == "post":
                    services.duty_post_create(user=request.user, organization=village, **data)
                    done = _("The post is set up.")
                else:
                    post = MemberDutyPost.objects.restrict(request.user, CHANGE).filter(
                        pk=int_or_none(request.POST.get("post")), organization=village).first()
                    if post is None:
                        raise ValidationError({"person": [_("Choose the post.")]})
                    services.assign(user=request.user, post=post, **data)
                    done = _("%(name)s holds the post.") % {"name": data["person"].name}
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("reserve:village", village.pk)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("reserve:village", village.pk)
        return render(request, "reserve/village.html", self.context(request, village, bound=(which, form)),
                      status=422)


# --- a reserve cadre ----------------------------------------------------------------------------------------------

class CadreView(ScopedMixin, View):
    queryset = ReserveCadre.objects.select_related("person", "organization", "post")

    def context(self, request, cadre, **forms) -> dict:
        return {"cadre": cadre, "assessments": cadre.assessments.all(),
                "can_change": can_change(request.user, cadre.org_path),
                "assess_form": forms.get("assess") or AssessForm(), "appoint_form": forms.get("appoint") or
                AppointForm(), "leave_form": forms.get("leave") or LeaveForm(), "reason_form": ReasonForm(),
                "training_form": TrainingForm(initial={"training": cadre.training})}

    def get(self, request, pk):
        return render(request, "reserve/cadre.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        cadre = self.get_scoped(pk=pk)
        action = request.POST.get("action")
        forms = {"assess": AssessForm, "appoint": AppointForm, "leave": LeaveForm, "withdraw": ReasonForm,
                 "training": TrainingForm}
        if action not in forms:
            messages.error(request, _("Choose what to record."))
            return redirect("reserve:cadre", cadre.pk)
        form = forms[action](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "assess":
                    services.assess(user=request.user, cadre=cadre, **data)
                elif action == "appoint":
                    services.appoint(user=request.user, cadre=cadre, **data)
                elif action == "leave":
                    services.leave(user=request.user, cadre=cadre, **data)
                elif action == "training":
                    services.cadre_training_set(user=request.user, cadre=cadre, **data)
                else:
                    services.outcome_withdraw(user=request.user, cadre=cadre, **data)
            except NeedsConfirmation as needed:
                return render(request, "reserve/confirm.html", {
                    "cadre": cadre, "preview": needed.details, "message": needed.messages[0],
                    "fields": [(k, v) for k, values in request.POST.lists() if k not in ("csrfmiddlewaretoken",
                                                                                           "confirm") for v in values]})
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("reserve:cadre", cadre.pk)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("reserve:cadre", cadre.pk)
        return render(request, "reserve/cadre.html", self.context(request, cadre, **{action: form}), status=422)


# --- two-way cultivation ------------------------------------------------------------------------------------------

class CultivationsMixin(ScopedMixin):
    queryset = Cultivation.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "track": choice_of(request, "track", Track),
                "outcome": choice_of(request, "outcome", Outcome), "year": year_of(request),
                "started_year": int_or_none(request.GET.get("started_year")),
                "outcome_year": int_or_none(request.GET.get("outcome_year"))}

    def rows(self, request, f):
        return selectors.cultivations(request.user, under=f["under"], track=f["track"], outcome=f["outcome"],
                                      started_year=f["started_year"], outcome_year=f["outcome_year"])


class CultivationsView(CultivationsMixin, View):
    def get(self, request):
        f = self.filters(request)
        return render(request, "reserve/cultivations.html", {
            **f, "page": paginate(request, self.rows(request, f)), "tracks": Track.choices,
            "outcomes": Outcome.choices, "counts": selectors.track_counts(request.user, f["year"], under=f["under"]),
            "query": request.GET.urlencode()})


class CultivationsXlsxView(CultivationsMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Village"), _("Name"), _("Track"), _("Started on"), _("Mentor"), _("Goal"), _("Steps"),
                  _("Outcome"), _("Outcome on"), _("Outcome note")]
        rows = ([c.organization.name, c.person.name, str(c.get_track_display()), c.started_on.isoformat(), c.mentor,
                 c.goal, "；".join(f"{s.done_on.isoformat()} {s.what}" for s in c.steps.all()),
                 str(c.get_outcome_display()), c.outcome_on.isoformat() if c.outcome_on else "", c.outcome_note]
                for c in self.rows(request, f).prefetch_related("steps").iterator(chunk_size=2000))
        return xlsx_response(header, rows, _("Two-way cultivation"))


class CultivationView(ScopedMixin, View):
    queryset = Cultivation.objects.select_related("person", "organization")

    def context(self, request, row, step_form=None, close_form=None):
        return {"row": row, "steps": row.steps.all(), "can_change": can_change(request.user, row.org_path),
                "step_form": step_form or StepForm(), "close_form": close_form or CloseForm()}

    def get(self, request, pk):
        return render(request, "reserve/cultivation.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        row = self.get_scoped(pk=pk)
        action = request.POST.get("action")
        form = {"step": StepForm, "close": CloseForm}.get(action, ReasonForm)(request.POST)
        if action == "reopen":
            try:
                services.cultivation_reopen(user=request.user, cultivation=row)
            except (ValidationError, PermissionDenied) as error:
                error_messages(request, error)
            else:
                messages.success(request, _("The outcome is withdrawn; the cultivation is under way again."))
            return redirect("reserve:cultivation", row.pk)
        if action in ("step", "close") and form.is_valid():
            try:
                if action == "step":
                    services.step_add(user=request.user, cultivation=row, **form.cleaned_data)
                else:
                    services.cultivation_close(user=request.user, cultivation=row, **form.cleaned_data)
            except PermissionDenied as error:
                error_messages(request, error)
                return redirect("reserve:cultivation", row.pk)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("reserve:cultivation", row.pk)
        forms = {"step_form": form} if action == "step" else {"close_form": form if action == "close" else None}
        return render(request, "reserve/cultivation.html", self.context(request, row, **forms), status=422)


# --- posts for members without office -----------------------------------------------------------------------------

class PostsMixin(ScopedMixin):
    queryset = DutyPostAssignment.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "year": year_of(request)}


class PostsView(PostsMixin, View):
    def get(self, request):
        f = self.filters(request)
        return render(request, "reserve/posts.html", {
            **f, "page": paginate(request, selectors.assignments(request.user, f["year"], under=f["under"])),
            "figures": selectors.duty_post_figures(request.user, f["year"], under=f["under"]),
            "query": request.GET.urlencode()})


class PostsXlsxView(PostsMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Branch"), _("Post name"), _("Duties"), _("Member"), _("Year"), _("Review"), _("Review note"),
                  _("Reviewed on")]
        rows = ([a.post.organization.name, a.post.name, a.post.duties, a.person.name, a.year,
                 str(a.get_rating_display()) if a.rating else "", a.review_note,
                 a.reviewed_on.isoformat() if a.reviewed_on else ""]
                for a in selectors.assignments(request.user, f["year"], under=f["under"]).iterator(chunk_size=2000))
        return xlsx_response(header, rows, _("Posts for members without office"))


class AssignmentActionView(ScopedMixin, View):
    queryset = DutyPostAssignment.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        row = self.get_scoped(pk=pk)
        back = request.POST.get("next") or ""
        target = back if back.startswith("/") and not back.startswith("//") else reverse(
            "reserve:village", args=[row.post.organization_id])
        try:
            if request.POST.get("action") == "remove":
                services.unassign(user=request.user, assignment=row)
            else:
                form = ReviewForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                services.review(user=request.user, assignment=row, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Recorded."))
        return redirect(target)


class DutyPostEndView(ScopedMixin, View):
    queryset = MemberDutyPost.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        post = self.get_scoped(pk=pk)
        try:
            services.duty_post_end(user=request.user, post=post, on=clock.today())
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The post is discontinued."))
        return redirect("reserve:village", post.organization_id)

"""Training pages that write: a plan of an organizer for a year, its classes, a class's participants (picked from
the people in the user's scope, searched as one types), their days attended and exam scores.

Plans and classes are changed by those whose subtree holds the organizer; participants are added only from the
people the user may see, and each row written goes through mechanisms.orglife.services (which records the training duty).
"""
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core.views import ScopedMixin, can_change, error_messages
from kernel.orgs.forms import BootstrapForm
from kernel.orgs.models import Organization
from kernel.people.models import Person
from kernel.people.selectors import person_search

from . import services
from .forms import ADD_PREFIX, ClassForm, ParticipantsForm
from .models import Participant, TrainingClass, TrainingPlan


class PlanForm(BootstrapForm):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)


class PlanCreateView(ScopedMixin, View):
    """A new training plan organized by the organization ``pk``."""

    queryset = Organization.objects.all()
    scope_action = "change"

    def get(self, request, pk):
        org = self.get_scoped(pk=pk)
        form = PlanForm(initial={"year": datetime.date.today().year})
        return render(request, "orglife/plan_form.html", {"org": org, "form": form})

    def post(self, request, pk):
        org = self.get_scoped(pk=pk)
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plan = services.plan_create(user=request.user, organizer=org, **form.cleaned_data)
            except ValidationError as error:
                error_messages(request, error)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("orglife:plan", plan.pk)
        return render(request, "orglife/plan_form.html", {"org": org, "form": form}, status=400)


class PlanDetailView(ScopedMixin, View):
    """A plan's classes, and a form for a new one (organizer: the plan's, or an organization under it)."""

    queryset = TrainingPlan.objects.all()

    def get(self, request, pk):
        plan = self.scoped_object(self.get_queryset().select_related("organizer"), pk=pk)
        return self._render(request, plan, ClassForm(initial={"level": "county"}))

    def post(self, request, pk):
        plan = self.scoped_object(self.get_queryset().restrict(request.user, "change").select_related("organizer"),
                                  pk=pk)
        form = ClassForm(request.POST)
        if form.is_valid():
            try:
                training_class = services.class_save(user=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as error:
                error_messages(request, error)
            else:
                messages.success(request, _("Class saved."))
                return redirect("orglife:class", training_class.pk)
        return self._render(request, plan, form, status=400)

    def _render(self, request, plan, form, status=200):
        classes = (plan.classes.restrict(request.user).select_related("organizer").order_by("start_on", "pk"))
        return render(request, "orglife/plan_detail.html", {
            "plan": plan, "classes": classes, "form": form, "can_edit": can_change(request.user, plan),
        }, status=status)


class ClassMixin(ScopedMixin):
    queryset = TrainingClass.objects.all()

    def changeable_class(self, request, pk) -> TrainingClass:
        return self.scoped_object(self.get_queryset().restrict(request.user, "change"), pk=pk)


class PeopleSearchView(ClassMixin, View):
    """HTMX: people in the user's scope matching ``q``, as checkboxes to add to the class."""

    def get(self, request, pk):
        training_class = self.changeable_class(request, pk)
        taken = set(training_class.participants.values_list("person_id", flat=True))
        people = [p for p in person_search(user=request.user, q=request.GET.get("q", "")) if p.pk not in taken]
        return render(request, "orglife/_people_found.html", {"people": people, "prefix": ADD_PREFIX})


class ParticipantsView(ClassMixin, View):
    """One POST: the days attended and exam scores of the class's participants, and the people ticked to add
    (with the days given for the new ones, default none yet)."""

    def post(self, request, pk):
        training_class = self.changeable_class(request, pk)
        form = ParticipantsForm(request.POST,
                                current=set(training_class.participants.values_list("person_id", flat=True)))
        valid = form.is_valid()
        # only people the user may see can be added; anyone else is refused as if missing
        visible = set(Person.objects.restrict(request.user).filter(pk__in=form.wanted).values_list("pk", flat=True))
        if form.wanted - visible:
            raise Http404
        changed = 0
        try:
            if not valid:
                raise ValidationError(form.non_field_errors())
            rows = form.cleaned_data["rows"]
            if rows:
                changed = len(services.participants_set(user=request.user, training_class=training_class, rows=rows))
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Participants saved: %(count)s") % {"count": changed})
        return redirect("orglife:class", training_class.pk)


class ParticipantRemoveView(ClassMixin, View):
    def post(self, request, pk, participant_pk):
        training_class = self.changeable_class(request, pk)
        participant = training_class.participants.filter(pk=participant_pk).first()
        if participant is None:
            raise Http404
        services.participant_remove(user=request.user, participant=Participant.objects.get(pk=participant.pk))
        messages.success(request, _("Participant removed."))
        return redirect("orglife:class", training_class.pk)

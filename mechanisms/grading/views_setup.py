"""Grading set-up pages: grade schemes (list and new), a new upgrading campaign, and each campaign's pools of
county-level leaders and organization cadres for the "3+1" teams. Writes go through grading/setup.py; every
object comes through ``restrict``, so outside the user's scope a page is a 404 as for a missing one.
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from kernel.core.views import ScopedMixin, can_change
from kernel.core.widgets import IsoDateInput

from . import services, setup
from .models import GradeScheme, PoolMember, PoolRole, Upgrading


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


def _default_levels() -> str:
    return "\n".join(f"{code} {name} {level}{' lagging' if lagging else ''}"
                     for code, name, level, lagging in services.DEFAULT_LEVELS)


class SchemeForm(BootstrapForm):
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=GradeScheme.objects.none())
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    levels = forms.CharField(
        label=gettext_lazy("Grades"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One grade a line, best first: code, name, level (higher is better), and "
                               "\"lagging\" for the lagging grade."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = setup.owners(user)
        self.fields["levels"].initial = _default_levels()

    def clean_levels(self):
        levels = []
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            lagging = parts[-1].lower() == "lagging"
            if lagging:
                parts = parts[:-1]
            if len(parts) != 3 or not parts[2].isdigit():
                raise ValidationError(_("Line %(line)s: code, name and level, then \"lagging\" if it is.")
                                      % {"line": number})
            levels.append((parts[0], parts[1], int(parts[2]), lagging))
        problems = setup.level_problems(levels)
        if problems:
            raise ValidationError(problems)
        return levels


class UpgradingForm(BootstrapForm):
    scheme = forms.ModelChoiceField(label=gettext_lazy("Grade scheme"), queryset=GradeScheme.objects.none())
    owner = forms.ModelChoiceField(label=gettext_lazy("Run by"), queryset=GradeScheme.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=200, required=False,
                           help_text=gettext_lazy("Empty: “YEAR年分类定级晋位升级”."))
    deadline = forms.DateField(label=gettext_lazy("Every lagging organization upgraded by"), required=False,
                               widget=IsoDateInput(),
                               help_text=gettext_lazy("Empty: 31 October of the year."))
    max_load = forms.IntegerField(label=gettext_lazy("Most organizations per leader or cadre"), min_value=1,
                                  max_value=50, initial=3)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = setup.schemes(user)
        self.fields["owner"].queryset = setup.owners(user)


class PoolForm(BootstrapForm):
    role = forms.ChoiceField(label=gettext_lazy("Pool"), choices=PoolRole.choices)
    person = forms.ModelChoiceField(label=gettext_lazy("Person"), queryset=PoolMember.objects.none())

    def __init__(self, *args, user, upgrading, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = setup.pool_candidates(user, upgrading)


def _refused(form, error) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    for field, messages_ in getattr(error, "message_dict", {None: error.messages}).items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


class SchemesView(ScopedMixin, View):
    queryset = GradeScheme.objects.all()

    def _render(self, request, form, status=200):
        return render(request, "grading/schemes.html", {"schemes": setup.schemes(request.user), "form": form,
                                                        "may_create": form.fields["owner"].queryset.exists()},
                      status=status)

    def get(self, request):
        return self._render(request, SchemeForm(user=request.user))

    def post(self, request):
        form = SchemeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                scheme = setup.scheme_setup(user=request.user, owner=form.cleaned_data["owner"],
                                            name=form.cleaned_data["name"], levels=form.cleaned_data["levels"])
            except (ValidationError, PermissionDenied) as error:
                _refused(form, error)
            else:
                messages.success(request, _("Grade scheme “%(name)s” created.") % {"name": scheme.name})
                return redirect("grading:schemes")
        return self._render(request, form, status=422)


class UpgradingCreateView(ScopedMixin, View):
    queryset = Upgrading.objects.all()

    def get(self, request):
        return render(request, "grading/upgrading_form.html", {"form": UpgradingForm(user=request.user)})

    def post(self, request):
        form = UpgradingForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                upgrading = setup.upgrading_setup(user=request.user, scheme=data["scheme"], owner=data["owner"],
                                                  year=data["year"], deadline=data["deadline"], name=data["name"],
                                                  max_load=data["max_load"])
            except (ValidationError, PermissionDenied) as error:
                _refused(form, error)
            else:
                messages.success(request, _("Upgrading campaign “%(name)s” created.") % {"name": upgrading.name})
                return redirect("grading:pool", upgrading.pk)
        return render(request, "grading/upgrading_form.html", {"form": form}, status=422)


class PoolView(ScopedMixin, View):
    """The campaign's pools with each member's teams; the campaign's owner adds and removes people."""

    queryset = Upgrading.objects.all()

    def _upgrading(self, pk) -> Upgrading:
        return self.scoped_object(Upgrading.objects.select_related("scheme", "owner"), pk=pk)

    def _render(self, request, upgrading, form, status=200):
        members = list(setup.pool(request.user, upgrading))
        loads = setup.pool_loads(upgrading)
        for member in members:
            member.teams = loads[member.role].get(member.person_id, 0)
        return render(request, "grading/pool.html", {
            "upgrading": upgrading, "form": form, "can_run": can_change(request.user, upgrading),
            "leaders": [m for m in members if m.role == PoolRole.COUNTY_LEADER],
            "cadres": [m for m in members if m.role == PoolRole.CADRE]}, status=status)

    def get(self, request, pk):
        upgrading = self._upgrading(pk)
        return self._render(request, upgrading, PoolForm(user=request.user, upgrading=upgrading))

    def post(self, request, pk):
        self.scope_action = "change"
        upgrading = self._upgrading(pk)
        form = PoolForm(request.POST, user=request.user, upgrading=upgrading)
        if form.is_valid():
            try:
                setup.pool_member_add(user=request.user, upgrading=upgrading, role=form.cleaned_data["role"],
                                      person=form.cleaned_data["person"])
            except (ValidationError, PermissionDenied) as error:
                _refused(form, error)
            else:
                messages.success(request, _("%(name)s added to the pool.") % {"name": form.cleaned_data["person"].name})
                return redirect("grading:pool", upgrading.pk)
        return self._render(request, upgrading, form, status=422)


class PoolRemoveView(ScopedMixin, View):
    queryset = PoolMember.objects.all()
    scope_action = "change"

    def post(self, request, pk, member_pk):
        member = self.scoped_object(PoolMember.objects.select_related("person"), pk=member_pk, upgrading_id=pk)
        try:
            setup.pool_member_remove(user=request.user, member=member)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s taken out of the pool.") % {"name": member.person.name})
        return redirect("grading:pool", pk)

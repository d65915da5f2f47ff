import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core.widgets import IsoDateInput
from kernel.orgs.models import Organization
from kernel.people.models import Person, Post

from .models import Level, RequestStatus


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and date inputs the browser picks from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(field, forms.DateField):
                field.widget = IsoDateInput(attrs=widget.attrs)


def scoped_orgs(user, action="change"):
    return Organization.objects.restrict(user, action).filter(status="active").order_by("path")


def scoped_cadres(user):
    """People holding a current post in the user's scope: the leaders and village cadres one picks from."""
    holders = Post.objects.current().restrict(user).values("person_id")
    return Person.objects.restrict(user).filter(pk__in=holders).order_by("org_path", "name")


class PointForm(StyledForm):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    organization = forms.ModelChoiceField(label=_("Liaison organization"), queryset=Organization.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    assigned_on = forms.DateField(label=_("Assigned on"))
    demonstration = forms.BooleanField(label=_("Demonstration point"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = datetime.date.today()
        self.fields["year"].initial = today.year
        self.fields["assigned_on"].initial = today
        self.fields["leader"].queryset = scoped_cadres(user)
        self.fields["organization"].queryset = scoped_orgs(user)


class ReassignForm(StyledForm):
    leader = forms.ModelChoiceField(label=_("New leader"), queryset=Person.objects.none())
    on = forms.DateField(label=_("From"))
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = datetime.date.today()
        self.fields["leader"].queryset = scoped_cadres(user)


class VisitForm(StyledForm):
    visited_on = forms.DateField(label=_("Visited on"))
    content = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    help_given = forms.CharField(label=_("Help given"), max_length=300, required=False)
    amount = forms.DecimalField(label=_("Funds or goods (yuan)"), min_value=0, max_digits=12, decimal_places=2,
                                required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = datetime.date.today()


class RequestForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Village"), queryset=Organization.objects.none())
    service_date = forms.DateField(label=_("Service day"))
    resident_name = forms.CharField(label=_("Resident"), max_length=50)
    matter = forms.CharField(label=_("Matter"), max_length=300)
    handler = forms.ModelChoiceField(label=_("Handled by"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_date"].initial = datetime.date.today()
        self.fields["organization"].queryset = scoped_orgs(user).filter(org_type__in=["branch", "general_branch"])
        self.fields["handler"].queryset = scoped_cadres(user)


class AdvanceForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=RequestStatus.choices)
    on = forms.DateField(label=_("Done on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    next = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def back_to(self, default: str) -> str:
        """The page to go back to: ``next`` when it is a page of this app, else ``default`` (even when the form
        was refused)."""
        target = self.cleaned_data.get("next") or ""
        return target if target.startswith("/liaison/") else default

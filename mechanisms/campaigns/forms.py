import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engines.standards.models import Standard
from kernel.core.views import id_or_none
from kernel.core.widgets import IsoDateInput
from kernel.orgs.models import Organization


class CampaignForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    owner = forms.ModelChoiceField(label=_("Run by"), queryset=Organization.objects.none())
    standards = forms.ModelMultipleChoiceField(label=_("Standards assessed"), queryset=Standard.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = datetime.date.today().year
        self.fields["owner"].queryset = (Organization.objects.restrict(user, "change")
                                         .filter(org_type="committee", status="active").order_by("path"))
        self.fields["standards"].queryset = (Standard.objects.restrict(user)
                                             .filter(current_version__isnull=False, subject_kind="organization"))


class NamingForm(forms.Form):
    decided_on = forms.DateField(label=_("Named on"), widget=IsoDateInput())
    decided_by = forms.CharField(label=_("Named by"), max_length=100)
    decision_no = forms.CharField(label=_("Document number"), max_length=100, required=False)

    def data_for_url(self) -> dict:
        data = self.cleaned_data
        return {"decided_on": data["decided_on"].isoformat(), "decided_by": data["decided_by"],
                "decision_no": data["decision_no"]}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    seed = forms.IntegerField(label=_("Draw number"), min_value=0, required=False,
                              help_text=_("The same number gives the same assignment."))


class ConfirmedField(forms.Field):
    """True only when the page posts "1" (the confirmation button), False otherwise."""

    def to_python(self, value):
        return value == "1"


class ConfirmForm(forms.Form):
    confirm = ConfirmedField(required=False)


class TeamIdField(forms.Field):
    """A team's id when all digits, else 0 (no team: the page answers 404 as for a missing one)."""

    def to_python(self, value):
        return id_or_none(value) or 0


class MoveForm(forms.Form):
    team = TeamIdField(required=False)

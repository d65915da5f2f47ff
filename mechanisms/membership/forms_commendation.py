"""The form of the register of in-party commendations: the organization, and the member commended in it (by name or
ID number) for the honours given to members; the honour, the level of the deciding body, its decision."""
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.tree import subtree_q
from kernel.core.widgets import IsoDateInput
from kernel.people.choices import Stage
from kernel.people.forms import BootstrapMixin, OrganizationChoiceField, changeable_organizations
from kernel.people.models import Person

from .models_commendation import CommendationLevel, Honour


class CommendationForm(BootstrapMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), queryset=None,
                                           help_text=_("The organization commended, or the member's organization."))
    member = forms.CharField(label=_("Member (name or ID number)"), max_length=50, required=False,
                             help_text=_("Leave empty when the organization itself is commended."))
    honour = forms.ChoiceField(label=_("Honour"), choices=Honour.choices)
    title = forms.CharField(label=_("Name of the honour"), max_length=100, required=False,
                            help_text=_("For another honour: its name."))
    level = forms.ChoiceField(label=_("Level of the deciding body"), choices=CommendationLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    decided_by = forms.CharField(label=_("Deciding body"), max_length=100, required=False)
    number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=IsoDateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = changeable_organizations(user)
        if not self.is_bound:
            today = clock.today()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("decided_on", today)

    def clean(self):
        data = super().clean()
        text, organization = (data.get("member") or "").strip(), data.get("organization")
        data["person"] = None
        if text and organization is not None:
            found = list(Person.objects.restrict(self.user).filter(
                subtree_q("org_path", [organization.path]), stage=Stage.MEMBER).filter(
                Q(name=text) | Q(id_number=text.upper()))[:2])
            if not found:
                raise ValidationError({"member": _("No member called %(text)s in %(organization)s.") % {
                    "text": text, "organization": organization.name}})
            if len(found) > 1:
                raise ValidationError({"member": _("Several members are called %(text)s: give the ID number.") % {
                    "text": text}})
            data["person"] = found[0]
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"organization": data["organization"], "person": data["person"], "honour": data["honour"],
                "title": data.get("title") or "", "level": data["level"], "year": data["year"],
                "decided_by": data.get("decided_by") or "", "number": data.get("number") or "",
                "decided_on": data["decided_on"], "note": data.get("note") or ""}


class CommendationWithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why withdrawn"), max_length=300)

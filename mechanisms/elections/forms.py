from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.people.models import Person

from .models import ELECTED_TITLES


class CandidateForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    title = forms.ChoiceField(label=_("Post"), choices=[(t.value, t.label) for t in ELECTED_TITLES])
    masses_count = forms.IntegerField(label=_("Recommended by the masses"), min_value=0, initial=0)
    members_count = forms.IntegerField(label=_("Recommended by the members"), min_value=0, initial=0)
    organization_count = forms.IntegerField(label=_("Recommended by the organization"), min_value=0, initial=0)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if isinstance(
                field.widget, forms.Select) else "form-control form-control-sm"


class ReviewForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(label=_("Review"), coerce=lambda value: value == "1",
                                    choices=[("1", _("Qualified")), ("0", _("Not qualified"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class TermChangeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    started_on = forms.DateField(label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Deadline for every township"), widget=forms.DateInput(attrs={"type": "date"}))
    quorum_numerator = forms.IntegerField(label=_("Quorum: more than"), min_value=1, initial=1)
    quorum_denominator = forms.IntegerField(label=_("out of"), min_value=2, initial=2)
